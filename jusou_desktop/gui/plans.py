"""The プラン section: every case's 支援プラン, the monitoring that is due, and what waits for the town.

The first tab holds three pages.  「プラン一覧」 lists the cases with a plan (the version in force or
being drawn up, its state and how it is confirmed, the next monitoring); 「モニタリング予定」 the
monitorings due, overdue first in red; 「支援決定・了承待ち」 the plans put forward and waiting for the
municipality's 支援決定 or a 重層的支援会議's 了承.  Each case's plan opens in its own closable tab
(:class:`~jusou_desktop.gui.plan_editor.PlanEditor`), as meetings do.

The dialogs of the editor's steps (支援決定, 了承, モニタリング, 連絡の試み, 終結) live here too, so
the editor's module holds the form and its flow; the editor is imported when first opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QLayout,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.meetings import MeetingState, MeetingType
from jusou_desktop.domain.model import CaseStatus
from jusou_desktop.domain.plans import (
    Attainment,
    ContactAttempt,
    Evaluation,
    GoalAttainment,
    GoalProgress,
    Monitoring,
    PlanState,
    PlanVersion,
    Service,
    SupportDecision,
)
from jusou_desktop.domain.wareki import fiscal_year_bounds, fiscal_year_of
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import (
    date_field,
    enum_combo,
    fill_case_table,
    fill_table,
    fit_dialog_width,
    hint_label,
    make_table,
    row_data,
    selected_row,
    store_call,
    wareki,
)
from jusou_desktop.gui.meeting_window import (
    alert_label,
    button_row,
    column,
    day_text,
    form,
    line,
    ok_cancel,
    paint,
    row_of,
)
from jusou_desktop.gui.session import Session
from jusou_desktop.gui.widgets import DateField, RecordTabs
from jusou_desktop.store.cases import CaseFilter

if TYPE_CHECKING:
    from jusou_desktop.gui.plan_editor import PlanEditor

ALL = "すべて"
CONTACT_MEANS = ("訪問", "電話", "手紙", "近隣・民生委員への聞き取り", "関係機関への確認")
OPEN = (PlanState.DRAFT, PlanState.AWAITING_DECISION, PlanState.AWAITING_APPROVAL)
"""A version in one of these states is the case's open version (at most one per case)."""


def stack(*items: QWidget | QLayout) -> QVBoxLayout:
    layout = QVBoxLayout()
    layout.setContentsMargins(0, 0, 0, 0)
    for item in items:
        layout.addWidget(item) if isinstance(item, QWidget) else layout.addLayout(item)
    return layout


def optional_date(value: dt.date | None, default: dt.date, text: str = "") -> tuple[QCheckBox, DateField]:
    """A date that may be left open: a box to tick, then the date."""
    box, field = QCheckBox(text), date_field(value or default)
    box.toggled.connect(field.setEnabled)
    box.setChecked(value is not None)
    field.setEnabled(value is not None)
    return box, field


A = TypeVar("A", bound=QWidget)
B = TypeVar("B", bound=QWidget)


def goal_grid(
    headers: Sequence[str], goals: Sequence[str], cells: Callable[[], tuple[A, B]]
) -> tuple[QGridLayout, list[tuple[str, A, B]]]:
    """One row per goal: the goal's words, then the two widgets ``cells`` makes for it."""
    grid = QGridLayout()
    for c, text in enumerate(headers):
        grid.addWidget(QLabel(text), 0, c)
    rows = []
    for r, goal in enumerate(goals, start=1):
        first, second = cells()
        grid.addWidget(hint_label(goal), r, 0)
        grid.addWidget(first, r, 1)
        grid.addWidget(second, r, 2)
        rows.append((goal, first, second))
    for c, stretch in enumerate((2, 3, 3)):
        grid.setColumnStretch(c, stretch)
    return grid, rows


# ---- the steps' dialogs (used by the editor) ---------------------------------------------------


class StepDialog(QDialog):
    """A dialog whose OK runs a store call; a refusal is shown and the dialog stays open."""

    def __init__(self, title: str, width: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        fit_dialog_width(self, width)

    def finish(self, ok_text: str, *items: QWidget | QLayout) -> None:
        self.buttons = ok_cancel(self, ok_text, self._accept)
        column(self, *items, self.buttons)

    def _accept(self) -> None:
        raise NotImplementedError

    def submit(self, action: Callable[[], object]) -> None:
        if store_call(self, action)[0]:
            self.accept()


class DecisionDialog(StepDialog):
    """支援決定 by the municipality: date, by whom, which businesses, for what period."""

    def __init__(
        self, session: Session, plan: PlanVersion, save: Callable[[SupportDecision], object], parent: QWidget
    ) -> None:
        super().__init__("支援決定を記録", 36, parent)
        self._save = save
        today = session.today()
        self.decided_on = date_field(today)
        self.decided_by = line("例: 福祉課 地域福祉係 山田")
        self.service_boxes = {s: QCheckBox(s.value) for s in Service}
        for service, box in self.service_boxes.items():
            box.setChecked(service in plan.services)
        self.period_from = date_field(today)
        self.period_to = date_field(fiscal_year_bounds(fiscal_year_of(today))[1])
        fields = form(
            ("決定日", self.decided_on),
            ("決定者（課・担当）", self.decided_by),
            ("決定した事業", stack(*self.service_boxes.values())),
            ("期間（から）", self.period_from),
            ("期間（まで）", self.period_to),
        )
        self.finish(
            "記録する",
            fields,
            hint_label("プランに含まれる事業すべての決定を記録すると、プランが確定します。"),
        )

    def _accept(self) -> None:
        decision = SupportDecision(
            decided_on=self.decided_on.date(),
            decided_by=self.decided_by.text().strip(),
            services=frozenset(s for s, box in self.service_boxes.items() if box.isChecked()),
            period_from=self.period_from.date(),
            period_to=self.period_to.date(),
        )
        self.submit(lambda: self._save(decision))


class ApprovalDialog(StepDialog):
    """了承: a held 重層的支援会議 that had the case on its agenda; the report to the town may follow."""

    def __init__(
        self,
        session: Session,
        plan: PlanVersion,
        save: Callable[[int, dt.date | None], object],
        parent: QWidget,
    ) -> None:
        super().__init__("会議の了承を記録", 40, parent)
        self._save = save
        meetings = session.db.meetings
        found: list[tuple[int, list[str]]] = []
        held = meetings.rows(plan.drawn_up_on, types=(MeetingType.JUSOU,), states=(MeetingState.HELD,))
        for row in reversed(held):  # the newest first; a meeting before the plan cannot approve it
            item = next((i for i in meetings.get(row.id).agenda if i.case_id == plan.case_id), None)
            if item is not None:
                found.append((row.id, [day_text(row.on), row.title, item.reason.value]))
        self.table = make_table(("開催日", "会議名", "検討の理由"), stretch=1)
        fill_table(self.table, [f[1] for f in found], [f[0] for f in found])
        if found:
            self.table.selectRow(0)
        self.reported, self.reported_on = optional_date(None, session.today(), "町へ報告済み")
        self.finish(
            "了承を記録する",
            QLabel("了承した会議（このケースを検討した開催済の重層的支援会議）"),
            self.table,
            alert_label(
                ""
                if found
                else "プラン作成日以降に、このケースを検討した開催済の重層的支援会議がありません。"
            ),
            form(("報告日", row_of(self.reported, self.reported_on, 1))),
        )

    def _accept(self) -> None:
        row = selected_row(self.table)
        if row is None:
            messages.inform(self, "了承した会議を一覧から選んでください。")
            return
        meeting_id = int(row_data(self.table, row))  # type: ignore[call-overload]
        reported = self.reported_on.date() if self.reported.isChecked() else None
        self.submit(lambda: self._save(meeting_id, reported))


class DateDialog(StepDialog):
    def __init__(
        self, title: str, label: str, default: dt.date, save: Callable[[dt.date], object], parent: QWidget
    ) -> None:
        super().__init__(title, 30, parent)
        self._save = save
        self.on = date_field(default)
        self.finish("記録する", hint_label(label), self.on)

    def _accept(self) -> None:
        self.submit(lambda: self._save(self.on.date()))


class MonitoringDialog(StepDialog):
    """モニタリング: per goal, how it went and the small changes; when to look again."""

    def __init__(
        self, session: Session, plan: PlanVersion, save: Callable[[Monitoring], object], parent: QWidget
    ) -> None:
        super().__init__(f"モニタリングを記録（{plan.label}）", 50, parent)
        self._save, self.plan = save, plan
        today = session.today()
        self.on = date_field(today)
        self.by = line("記録者", session.user_name)
        grid, self.rows = goal_grid(
            ("本人の目標", "経過", "小さな変化"),
            plan.goals,
            lambda: (line("どうだったか"), line("例: 玄関まで出てきてくれた")),
        )
        self.has_next, self.next_on = optional_date(today + dt.timedelta(days=90), today, "決める")
        self.note = line()
        self.finish(
            "記録する",
            form(("実施日", self.on), ("記録者", self.by)),
            grid,
            hint_label("小さな変化も書きとめておくと、会議で共有できます。"),
            form(("次回", row_of(self.has_next, self.next_on, 1)), ("メモ", self.note)),
        )

    def _accept(self) -> None:
        record = Monitoring(
            plan_id=self.plan.id or 0,
            on=self.on.date(),
            by=self.by.text().strip(),
            progress=tuple(GoalProgress(g, p.text().strip(), s.text().strip()) for g, p, s in self.rows),
            next_on=self.next_on.date() if self.has_next.isChecked() else None,
            note=self.note.text().strip(),
        )
        self.submit(lambda: self._save(record))


class ContactDialog(StepDialog):
    """連絡の試み: when, how, who, and what came of it."""

    def __init__(self, session: Session, save: Callable[[ContactAttempt], object], parent: QWidget) -> None:
        super().__init__("連絡の試みを記録", 34, parent)
        self._save = save
        self.on = date_field(session.today())
        self.means = QComboBox()
        self.means.setEditable(True)
        self.means.addItems(CONTACT_MEANS)
        self.by = line("誰が", session.user_name)
        self.outcome = line("例: 不在。手紙を投函した")
        self.finish(
            "記録する",
            form(("日付", self.on), ("方法", self.means), ("誰が", self.by), ("結果", self.outcome)),
        )

    def _accept(self) -> None:
        attempt = ContactAttempt(
            self.on.date(),
            self.means.currentText().strip(),
            self.by.text().strip(),
            self.outcome.text().strip(),
        )
        self.submit(lambda: self._save(attempt))


class EndDialog(StepDialog):
    """終結: attainment of every goal, who supports from now on, and whether to follow up."""

    def __init__(
        self, session: Session, plan: PlanVersion, save: Callable[[Evaluation], object], parent: QWidget
    ) -> None:
        super().__init__("終結", 46, parent)
        self._save = save
        self.on = date_field(session.today())
        self.by = line("評価した人", session.user_name)
        grid, self.rows = goal_grid(
            ("本人の目標", "達成度", "ひとこと"),
            plan.goals,
            lambda: (enum_combo(list(Attainment), empty="（選んでください）"), line()),
        )
        self.main_supporter = QComboBox()
        self.main_supporter.setEditable(True)
        self.main_supporter.addItems(sorted({r.agency_name for r in plan.roles}))
        self.main_supporter.setCurrentText("")
        self.follow_up_needed = QCheckBox("フォローアップが必要")
        self.follow_up = line("例: 3か月後に包括が電話で様子を聞く")
        self.follow_up.setEnabled(False)
        self.follow_up_needed.toggled.connect(self.follow_up.setEnabled)
        self.finish(
            "終結する",
            form(("評価日", self.on), ("評価者", self.by)),
            grid,
            form(
                ("これからの主な支援者", self.main_supporter),
                ("フォローアップ", self.follow_up_needed),
                ("方法", self.follow_up),
            ),
            hint_label(
                "終結には、終結判断を理由とする重層的支援会議の開催が必要です。終結したケースも再開できます。"
            ),
        )

    def _accept(self) -> None:
        unrated = [g for g, c, _t in self.rows if c.currentData() is None]
        if unrated:  # attainment is the evaluator's judgement: never a default
            messages.inform(self, f"達成度を選んでください: {'、'.join(unrated)}")
            return
        evaluation = Evaluation(
            on=self.on.date(),
            by=self.by.text().strip(),
            attainments=tuple(
                GoalAttainment(g, Attainment(c.currentData()), t.text().strip()) for g, c, t in self.rows
            ),
            main_supporter=self.main_supporter.currentText().strip(),
            follow_up_needed=self.follow_up_needed.isChecked(),
            follow_up=self.follow_up.text().strip(),
        )
        self.submit(lambda: self._save(evaluation))


# ---- the section ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One case in the プラン一覧: its open version (else the one in force) and the next monitoring."""

    case_id: CaseId
    case_number: str
    case_name: str
    plan: PlanVersion
    next_monitoring: dt.date | None


ACTIVE = tuple(s for s in CaseStatus if s not in (CaseStatus.CLOSED, CaseStatus.SUSPENDED))


def plan_lines(session: Session, *, closed_too: bool = False) -> list[PlanLine]:
    """Cases with a plan, by case number (終結・中断 only when asked), from one store query."""
    return [
        PlanLine(row.case_id, row.case_number, row.case_name, row.plan, row.next_monitoring)
        for row in session.db.plans.rows()
        if closed_too or row.case_status in ACTIVE
    ]


def _editor_type() -> type[PlanEditor]:
    """The editor imports this module's dialogs, so it is imported here when first needed."""
    from jusou_desktop.gui.plan_editor import PlanEditor

    return PlanEditor


class PlansSection(RecordTabs):
    """The overview pages in the first tab; each case's plan in its own closable tab."""

    open_case = Signal(int)
    changed = Signal()
    """A plan changed (the meetings section refreshes: putting a plan forward raises a need)."""

    def widgets(self) -> list[PlanEditor]:
        return super().widgets()

    def record_type(self) -> type[QWidget]:
        return _editor_type()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.plan_list = PlanListPage(self)
        self.due = DuePage(self)
        self.waiting = WaitingPage(self)
        self.pages = QTabWidget()
        self.pages.addTab(self.plan_list, "プラン一覧")
        self.pages.addTab(self.due, "モニタリング予定")
        self.pages.addTab(self.waiting, "支援決定・了承待ち")
        self.pages.currentChanged.connect(lambda _i: self.refresh())  # shown fresh, as meetings are
        self.buttons: dict[str, QPushButton] = {}
        overview = QWidget()
        specs = (("プランを開く", self.open_selected), ("新しいプラン…", self.new_plan))
        column(overview, (self.pages, 1), button_row(specs, self.buttons))
        self.set_lists(overview, "一覧")
        self.refresh()

    def refresh(self) -> None:
        if not self.session.db.is_open:
            return
        ok, lines = store_call(self, lambda: plan_lines(self.session))
        if ok and lines is not None:
            self.plan_list.show_lines(lines)
            self.waiting.show_lines(lines)
        self.due.refresh()

    def open_case_plans(self, case_id: int, plan_id: int | None = None) -> PlanEditor | None:
        """The case's plan tab (opened if needed), showing ``plan_id`` when given."""
        for widget in self.widgets():
            if widget.case_id == case_id:
                if plan_id is not None and plan_id != widget.plan_id and widget.maybe_close():
                    widget.load(plan_id)
                self.setCurrentWidget(widget)
                return widget
        if not self.session.db.plans.versions(CaseId(case_id)):
            question = "このケースにはまだプランがありません。初回のプランを作りますか？"
            if messages.ask(self, question, yes="作る", no="やめる"):
                return self._first_plan(CaseId(case_id))
            return None
        try:
            widget = _editor_type()(self.session, CaseId(case_id), plan_id)
        except JusouError as exc:
            messages.show_error(self, exc)
            return None
        widget.changed.connect(self.refresh)
        widget.changed.connect(self.changed.emit)
        widget.open_case.connect(self.open_case.emit)
        self.setCurrentIndex(self.addTab(widget, widget.title()))
        return widget

    def open_plan(self, plan_id: int) -> PlanEditor | None:
        ok, plan = store_call(self, lambda: self.session.db.plans.get(plan_id))
        if not ok or plan is None:
            return None
        return self.open_case_plans(plan.case_id, plan_id)

    def open_selected(self) -> PlanEditor | None:
        page = self.pages.currentWidget()
        assert isinstance(page, _ListPage)
        case_id = page.selected_case()
        if case_id is None:
            messages.inform(self, "開くプランを一覧から選んでください。")
            return None
        return self.open_case_plans(case_id)

    def new_plan(self) -> PlanEditor | None:
        """Choose a case; its first plan (初回) is drawn up by the user, dated today."""
        dialog = CaseChooser(self.session, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.case_id is None:
            return None
        if self.session.db.plans.versions(dialog.case_id):
            messages.inform(
                self, "このケースにはすでにプランがあります。変えるときは「再プランを始める」を使います。"
            )
            return self.open_case_plans(dialog.case_id)
        return self._first_plan(dialog.case_id)

    def _first_plan(self, case_id: CaseId) -> PlanEditor | None:
        db, today = self.session.db, self.session.today()
        plan = PlanVersion(case_id=case_id, number=0, drawn_up_by=self.session.user_name, drawn_up_on=today)
        ok, plan_id = store_call(self, lambda: db.plans.create(plan))
        if not ok or plan_id is None:
            return None
        self.refresh()
        return self.open_case_plans(case_id, plan_id)


class _ListPage(QWidget):
    """A page whose table keeps the case id on each row's first cell."""

    table: QTableWidget

    def __init__(self, section: PlansSection) -> None:
        super().__init__()
        self.section = section
        self.session = section.session

    def selected_case(self) -> int | None:
        row = selected_row(self.table)
        return int(row_data(self.table, row)) if row is not None else None  # type: ignore[call-overload]

    def _open(self) -> None:
        case_id = self.selected_case()
        if case_id is not None:
            self.section.open_case_plans(case_id)


class PlanListPage(_ListPage):
    def __init__(self, section: PlansSection) -> None:
        super().__init__(section)
        self.state = QComboBox()
        self.state.addItem(ALL, None)
        for state in PlanState:
            self.state.addItem(state.value, state.value)
        self.state.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table = make_table(
            ("ケース番号", "本人", "版", "状態", "確定の方法", "次のモニタリング"), stretch=4
        )
        self.table.doubleClicked.connect(lambda _i: self._open())
        self.closed_too = QCheckBox("終結・中断したケースも表示")
        self.closed_too.toggled.connect(lambda _c: self.refresh())
        self.count_label = QLabel()
        filters = row_of(QLabel("状態"), self.state, self.closed_too, 1, self.count_label)
        column(self, filters, (self.table, 1))

    def refresh(self) -> None:
        closed_too = self.closed_too.isChecked()
        ok, lines = store_call(self, lambda: plan_lines(self.session, closed_too=closed_too))
        if ok and lines is not None:
            self.show_lines(lines, all_cases=True)

    def show_lines(self, lines: list[PlanLine], *, all_cases: bool = False) -> None:
        """``lines`` of the open cases (or of every case when ``all_cases``)."""
        if self.closed_too.isChecked() and not all_cases:
            self.refresh()
            return
        wanted = self.state.currentData()
        shown = [x for x in lines if wanted is None or x.plan.state.value == wanted]
        fill_table(
            self.table,
            [
                [
                    x.case_number,
                    x.case_name,
                    x.plan.label,
                    x.plan.state.value,
                    x.plan.path.value,
                    wareki(x.next_monitoring),
                ]
                for x in shown
            ],
            [int(x.case_id) for x in shown],
        )
        self.count_label.setText(f"{len(shown)} 件")


class DuePage(_ListPage):
    """Monitorings due by today, the longest overdue first, in red."""

    def __init__(self, section: PlansSection) -> None:
        super().__init__(section)
        self.table = make_table(("予定日", "ケース番号", "本人", "版", "遅れ"), stretch=4)
        self.table.doubleClicked.connect(lambda _i: self._open())
        note = hint_label(
            "モニタリングの時期が来たプランです。ダブルクリックでプランを開き「モニタリングを記録…」へ。"
        )
        column(self, note, (self.table, 1))

    def refresh(self) -> None:
        today = self.session.today()
        ok, rows = store_call(self, lambda: self.session.db.plans.monitoring_due(today))
        if not ok or rows is None:
            return
        rows = sorted(rows, key=lambda r: (r.due_on, r.case_number))
        fill_table(
            self.table,
            [
                [
                    wareki(r.due_on),
                    r.case_number,
                    r.case_name,
                    r.plan_label,
                    f"{(today - r.due_on).days}日過ぎ" if r.due_on < today else "今日",
                ]
                for r in rows
            ],
            [int(r.case_id) for r in rows],
        )
        for index, r in enumerate(rows):
            if r.due_on < today:
                paint(self.table, index)


class WaitingPage(_ListPage):
    """Plans put forward: waiting for the town's 支援決定 or a 重層的支援会議's 了承."""

    WAITING: ClassVar[dict[PlanState, str]] = {
        PlanState.AWAITING_DECISION: "町の支援決定",
        PlanState.AWAITING_APPROVAL: "開催済の重層的支援会議での了承",
    }

    def __init__(self, section: PlansSection) -> None:
        super().__init__(section)
        self.table = make_table(("ケース番号", "本人", "版", "状態", "必要なもの", "作成日"), stretch=4)
        self.table.doubleClicked.connect(lambda _i: self._open())
        column(self, (self.table, 1))

    def show_lines(self, lines: list[PlanLine]) -> None:
        waiting = [x for x in lines if x.plan.state in self.WAITING]
        fill_table(
            self.table,
            [
                [
                    x.case_number,
                    x.case_name,
                    x.plan.label,
                    x.plan.state.value,
                    self.WAITING[x.plan.state],
                    wareki(x.plan.drawn_up_on),
                ]
                for x in waiting
            ],
            [int(x.case_id) for x in waiting],
        )


class CaseChooser(QDialog):
    """Find the case to draw up a plan for, by name, フリガナ or number."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id: CaseId | None = None
        self.setWindowTitle("新しいプラン")
        fit_dialog_width(self, 40)
        self.search = line("氏名・フリガナ・ケース番号で検索")
        self.search.textChanged.connect(self._search)
        self.table = make_table(("ケース番号", "氏名", "フリガナ", "状態"), stretch=1)
        self.table.doubleClicked.connect(lambda _i: self._accept())
        self.hint = alert_label()
        self.buttons = ok_cancel(self, "プランを作る", self._accept)
        column(self, self.search, (self.table, 1), self.hint, self.buttons)
        self._search("")

    def _search(self, text: str) -> None:
        ok, rows = store_call(self, lambda: self.session.db.cases.rows(CaseFilter(text=text), limit=100))
        if ok and rows is not None:
            fill_case_table(self.table, rows)

    def _accept(self) -> None:
        row = selected_row(self.table)
        if row is None:
            messages.inform(self, "プランを作るケースを一覧から選んでください。")
            return
        self.case_id = CaseId(int(row_data(self.table, row)))  # type: ignore[call-overload]
        self.accept()
