"""One case's 支援プラン in a tab: its versions, the form while 作成中, and every step after it.

A version is edited only while it is 作成中; then it is put forward (提出) and confirmed either by
the municipality's 支援決定 (with アウトリーチ等・参加支援) or by a held 重層的支援会議's 了承 (without
them, then reported to the town).  The rules are the store's: a refusal is shown in its own words
and nothing changes.  Monitoring, contact attempts and 終結・中断・再開 are recorded here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import CaseStatus
from jusou_desktop.domain.plans import (
    ConfirmationPath,
    GoalProgress,
    PlanState,
    PlanVersion,
    ProblemSupport,
    Role,
    Service,
)
from jusou_desktop.gui import messages
from jusou_desktop.gui.agencies import AgencyPicker
from jusou_desktop.gui.case_file_common import (
    date_field,
    fill_table,
    hint_label,
    make_table,
    selected_row,
    store_call,
    wareki,
)
from jusou_desktop.gui.meeting_window import (
    ALERT,
    alert_label,
    column,
    day_text,
    form,
    line,
    row_of,
)
from jusou_desktop.gui.pdf_save import save_pdf
from jusou_desktop.gui.plans import (
    ApprovalDialog,
    ContactDialog,
    DateDialog,
    DecisionDialog,
    EndDialog,
    MonitoringDialog,
    StepDialog,
    optional_date,
    stack,
)
from jusou_desktop.gui.session import Session

SHORT = {Service.OUTREACH: "アウトリーチ等", Service.PARTICIPATION: "参加支援"}
PATH_NOTES = {
    ConfirmationPath.DECISION: "アウトリーチ等事業・参加支援事業を含むため、町の支援決定を記録すると確定します。",
    ConfirmationPath.APPROVAL: "アウトリーチ等事業・参加支援事業を含まないため、開催済の重層的支援会議で"
    "了承されると確定します（了承のあと町へ報告します）。",
}
STATE_NOTES = {
    PlanState.DRAFT: "書き終えたら「提出する」を押してください。",
    PlanState.AWAITING_DECISION: "町の支援決定があったら「支援決定を記録…」へ。",
    PlanState.AWAITING_APPROVAL: "会議で了承されたら「会議の了承を記録…」へ。",
    PlanState.CONFIRMED: "",
    PlanState.SUPERSEDED: "この版は読み取りのみです。",
}


def services_text(services: frozenset[Service]) -> str:
    return "、".join(SHORT[s] for s in Service if s in services) or "なし"


def text_box(lines: int, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    box.setMaximumHeight(box.fontMetrics().lineSpacing() * (lines + 2) + 12)
    return box


class PlanEditor(QWidget):
    """A case's plan in a tab of the プラン section: one version shown at a time."""

    changed = Signal()
    open_case = Signal(int)

    def __init__(
        self, session: Session, case_id: CaseId, plan_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        case = session.db.cases.get(case_id)
        self.case_number, self.person_name = case.number, case.principal.name
        self.versions: list[PlanVersion] = []
        self.plan: PlanVersion | None = None
        self._roles: list[Role] = []
        self._clean: dict[str, Any] = {}
        self.buttons: dict[str, QPushButton] = {}
        self.form_buttons: dict[str, QPushButton] = {}

        self.heading = QLabel(f"支援プラン　{self.case_number}　{self.person_name}")
        self.heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.needs = alert_label()
        self.needs.setStyleSheet(ALERT + " font-weight: bold;")
        self.version = QComboBox()
        self.version.activated.connect(self._version_chosen)
        self.state_line = QLabel()
        self.state_line.setStyleSheet("font-weight: bold;")
        self.path_note, self.confirm_info = hint_label(), hint_label()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._plan_page(), "プラン")
        self.diff_note = hint_label()
        self.diff_table = make_table(("項目", "前の版", "この版"), stretch=(1, 2))
        self.tabs.addTab(self._page(self.diff_note, self.diff_table), "変更点")
        self.monitoring_table = make_table(("実施日", "記録者", "目標ごとの経過", "次回"), stretch=2)
        self.attempt_table = make_table(("日付", "方法", "誰が", "結果"), stretch=3)
        self.ending_table = make_table(
            ("日付", "区分", "記録者", "主な支援者・フォローアップ", "再開"), stretch=3
        )
        self.tabs.addTab(
            self._page(
                QLabel("この版のモニタリング"),
                self.monitoring_table,
                QLabel("連絡の試み（中断の判断に使います）"),
                self.attempt_table,
                QLabel("終結・中断"),
                self.ending_table,
            ),
            "経過",
        )
        top = row_of(QLabel("版"), self.version, self.state_line, 1)
        body = row_of((self.tabs, 1), self._side_panel())
        column(self, self.heading, self.needs, top, self.path_note, self.confirm_info, (body, 1))
        self.load(plan_id)

    # ---- layout ----------------------------------------------------------------------------------

    @staticmethod
    def _page(*widgets: QWidget) -> QWidget:
        page = QWidget()
        column(page, *widgets)
        return page

    def _plan_page(self) -> QWidget:
        self.goals = text_box(3, "1行に1つ。例: 朝、自分で起きられるようになりたい")
        self.policy = text_box(2)
        self.problems = make_table(("課題", "支援"), stretch=(0, 1))
        rows = self.fontMetrics().lineSpacing() + 14
        self.problems.setFixedHeight(rows * 5)
        self.roles = make_table(("機関", "担当", "内容", "頻度", "開始", "終了"), stretch=2)
        self.roles.setFixedHeight(rows * 5)
        self.roles.doubleClicked.connect(lambda _i: self.edit_role())
        self.service_boxes = {s: QCheckBox(s.value) for s in Service}
        for box in self.service_boxes.values():
            box.toggled.connect(lambda _c: self._explain_path())
        later = self.session.today() + dt.timedelta(days=90)
        self.monitoring_set, self.monitoring_on = optional_date(None, later, "決める")
        self.drawn_up_by = line("作成者の氏名")
        self.drawn_up_on = date_field(self.session.today())
        fields = form(
            ("本人の目標", stack(self.goals, hint_label("本人の言葉で、1行に1つ書きます。"))),
            ("支援方針", self.policy),
            ("課題と支援", stack(self.problems, self._buttons("課題を追加", "課題を削除"))),
            ("役割分担", stack(self.roles, self._buttons("役割を追加…", "役割を直す…", "役割を削除"))),
            ("事業", stack(*self.service_boxes.values())),
            ("モニタリングの時期", row_of(self.monitoring_set, self.monitoring_on, 1)),
            ("作成者", self.drawn_up_by),
            ("作成日", self.drawn_up_on),
        )
        inner = QWidget()
        inner.setLayout(fields)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _buttons(self, *texts: str) -> QLayout:
        slots = {
            "課題を追加": self.add_problem,
            "課題を削除": self.remove_problem,
            "役割を追加…": self.add_role,
            "役割を直す…": self.edit_role,
            "役割を削除": self.remove_role,
        }
        row = row_of(1)
        for text in texts:
            button = self.form_buttons[text] = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=slots[text]: s())
            row.addWidget(button)
        return row

    def _side_panel(self) -> QWidget:
        groups: dict[str, dict[str, Callable[[], object]]] = {
            "この版": {
                "保存": self.save,
                "提出する": self.put_forward,
                "作成中に戻す": self.withdraw,
                "支援決定を記録…": self.record_decision,
                "会議の了承を記録…": self.record_approval,
                "町へ報告…": self.record_report,
                "再プランを始める": self.start_replan,
                "変更点": self.show_diff,
            },
            "支援の経過": {
                "モニタリングを記録…": self.add_monitoring,
                "連絡の試みを記録…": self.add_contact_attempt,
                "終結…": self.end_case,
                "中断…": self.suspend_case,
                "再開…": self.reopen_case,
            },
            "PDFに保存": {
                "プラン": lambda: self.save_pdf("plan"),
                "プラン兼事業等利用申込書": lambda: self.save_pdf("application"),
                "変更点の比較": lambda: self.save_pdf("comparison"),
                "評価シート": lambda: self.save_pdf("evaluation"),
            },
        }
        panel = QWidget()
        layout = stack()
        panel.setLayout(layout)
        for title, specs in groups.items():
            box = QGroupBox(title)
            buttons = stack()
            buttons.setContentsMargins(6, 6, 6, 6)
            for text, slot in specs.items():
                button = self.buttons[text] = QPushButton(text)
                button.clicked.connect(lambda _c=False, s=slot: s())
                buttons.addWidget(button)
            box.setLayout(buttons)
            layout.addWidget(box)
        open_case = QPushButton("ケースを開く")
        open_case.clicked.connect(lambda: self.open_case.emit(int(self.case_id)))
        layout.addWidget(open_case)
        layout.addStretch(1)
        return panel

    # ---- showing ---------------------------------------------------------------------------------

    @property
    def plan_id(self) -> int | None:
        return self.plan.id if self.plan else None

    def title(self) -> str:
        return f"プラン {self.case_number} {self.person_name}"

    def load(self, plan_id: int | None = None) -> None:
        """Read the versions again and show ``plan_id`` (else the one shown, else the newest)."""
        self.versions = self.session.db.plans.versions(self.case_id)
        wanted = plan_id if plan_id is not None else self.plan_id
        if not any(p.id == wanted for p in self.versions):
            wanted = self.versions[-1].id if self.versions else None
        self.version.clear()
        for plan in self.versions:
            self.version.addItem(f"{plan.label}（{plan.state.value}）", plan.id)
        self.version.setCurrentIndex(max(0, self.version.findData(wanted)))
        self.plan = next((p for p in self.versions if p.id == wanted), None)
        self._show()

    def _show(self) -> None:
        needs = self.session.db.meetings.open_needs(self.case_id)
        self.needs.setText(
            "\n".join(
                f"会議が必要です: {n.reason.value}（{wareki(n.since)}から）"
                + (f"　{n.source}" if n.source else "")
                for n in needs
            )
        )
        self.needs.setVisible(bool(needs))
        plan = self.plan
        self.state_line.setText(
            f"状態: {plan.state.value}　{STATE_NOTES[plan.state]}" if plan else "プランはまだありません。"
        )
        if plan is not None:
            self._load_form(plan)
        self._explain_path()
        self._show_confirmation()
        self._fill_history()
        self.show_diff(switch=False)
        self._update_buttons()

    def _load_form(self, plan: PlanVersion) -> None:
        self.goals.setPlainText("\n".join(plan.goals))
        self.policy.setPlainText(plan.policy)
        self.problems.setRowCount(0)
        for p in plan.problems:
            self._append_problem(p.problem, p.support)
        self._roles = list(plan.roles)
        self._fill_roles()
        for service, box in self.service_boxes.items():
            box.setChecked(service in plan.services)
        self.monitoring_set.setChecked(plan.monitoring_on is not None)
        self.monitoring_on.set_date(plan.monitoring_on or self.session.today() + dt.timedelta(days=90))
        self.drawn_up_by.setText(plan.drawn_up_by)
        self.drawn_up_on.set_date(plan.drawn_up_on or self.session.today())
        editable = plan.state is PlanState.DRAFT
        for text in (self.goals, self.policy):
            text.setReadOnly(not editable)
        self.drawn_up_by.setReadOnly(not editable)
        triggers = QAbstractItemView.EditTrigger
        self.problems.setEditTriggers(triggers.AllEditTriggers if editable else triggers.NoEditTriggers)
        for widget in (*self.service_boxes.values(), self.monitoring_set, self.drawn_up_on):
            widget.setEnabled(editable)
        self.monitoring_on.setEnabled(editable and self.monitoring_set.isChecked())
        for button in self.form_buttons.values():
            button.setVisible(editable)
        self._clean = self._values()

    def _explain_path(self) -> None:
        plan = self.plan
        services = self._services() if plan and plan.state is PlanState.DRAFT else plan and plan.services
        path = ConfirmationPath.DECISION if services else ConfirmationPath.APPROVAL
        self.path_note.setText(f"確定の方法: {path.value} — {PATH_NOTES[path]}" if plan else "")

    def _show_confirmation(self) -> None:
        plan, parts = self.plan, []
        if plan is not None and (d := plan.decision) is not None:
            parts.append(
                f"支援決定: {wareki(d.decided_on)}　{d.decided_by}（{services_text(d.services)}、"
                f"期間 {wareki(d.period_from)}〜{wareki(d.period_to)}）"
            )
        if plan is not None and (a := plan.approval) is not None:
            report = f"町へ報告 {wareki(a.reported_on)}" if a.reported_on else "町へはまだ報告していません"
            parts.append(f"了承: {day_text(a.approved_on)}の重層的支援会議　{report}")
        self.confirm_info.setText("\n".join(parts))
        self.confirm_info.setVisible(bool(parts))

    def _fill_roles(self) -> None:
        rows = [
            [r.agency_name, r.person, r.what, r.frequency, wareki(r.start_on), wareki(r.end_on)]
            for r in self._roles
        ]
        fill_table(self.roles, rows)

    def _append_problem(self, problem: str = "", support: str = "") -> int:
        row = self.problems.rowCount()
        self.problems.insertRow(row)
        self.problems.setItem(row, 0, QTableWidgetItem(problem))
        self.problems.setItem(row, 1, QTableWidgetItem(support))
        return row

    def _fill_history(self) -> None:
        plans = self.session.db.plans
        monitorings = plans.monitorings(self.plan_id) if self.plan_id is not None else []

        def progress(p: GoalProgress) -> str:
            return f"{p.goal}: {p.progress}" + (f"（小さな変化: {p.small_change}）" if p.small_change else "")

        fill_table(
            self.monitoring_table,
            [
                [
                    wareki(m.on),
                    m.by,
                    " ／ ".join(progress(p) for p in m.progress if p.progress),
                    wareki(m.next_on),
                ]
                for m in monitorings
            ],
        )
        attempts = plans.contact_attempts(self.case_id)
        fill_table(self.attempt_table, [[wareki(a.on), a.means, a.by, a.result] for a in attempts])
        rows = []
        for e in plans.endings(self.case_id):
            ev = e.evaluation
            after = f"主な支援者: {ev.main_supporter}" if ev else ""
            if ev and ev.follow_up_needed:
                after += f"　フォローアップ: {ev.follow_up}"
            rows.append([wareki(e.on), e.kind.value, e.by, after, wareki(e.reopened_on)])
        fill_table(self.ending_table, rows)

    def _update_buttons(self) -> None:
        plan = self.plan
        state = plan.state if plan else None
        newest = bool(plan and plan.id == self.versions[-1].id)
        case_open = self.session.db.cases.get(self.case_id).status not in (
            CaseStatus.CLOSED,
            CaseStatus.SUSPENDED,
        )
        confirmed = any(p.state is PlanState.CONFIRMED for p in self.versions)
        later = bool(plan and plan.number > 0)
        enabled = {
            "保存": state is PlanState.DRAFT,
            "提出する": state is PlanState.DRAFT,
            "作成中に戻す": state in (PlanState.AWAITING_DECISION, PlanState.AWAITING_APPROVAL),
            "支援決定を記録…": state is PlanState.AWAITING_DECISION,
            "会議の了承を記録…": state is PlanState.AWAITING_APPROVAL,
            "町へ報告…": bool(plan and plan.approval and plan.approval.reported_on is None),
            "再プランを始める": state is PlanState.CONFIRMED and newest and case_open,
            "変更点": later,
            "モニタリングを記録…": state is PlanState.CONFIRMED and case_open,
            "連絡の試みを記録…": case_open,
            "終結…": confirmed and case_open,
            "中断…": case_open,
            "再開…": not case_open,
            "プラン": plan is not None,
            "プラン兼事業等利用申込書": plan is not None,
            "変更点の比較": later,
            "評価シート": confirmed,
        }
        for text, on in enabled.items():
            self.buttons[text].setEnabled(on)

    # ---- the form --------------------------------------------------------------------------------

    def _services(self) -> frozenset[Service]:
        return frozenset(s for s, box in self.service_boxes.items() if box.isChecked())

    def _problem_rows(self) -> tuple[ProblemSupport, ...]:
        rows = []
        for r in range(self.problems.rowCount()):
            problem, support = (
                (cell.text().strip() if cell else "") for cell in map(self.problems.item, (r, r), (0, 1))
            )
            if problem or support:
                rows.append(ProblemSupport(problem, support))
        return tuple(rows)

    def _values(self) -> dict[str, Any]:
        return {
            "goals": tuple(g.strip() for g in self.goals.toPlainText().splitlines() if g.strip()),
            "policy": self.policy.toPlainText().strip(),
            "problems": self._problem_rows(),
            "roles": tuple(self._roles),
            "services": self._services(),
            "monitoring_on": self.monitoring_on.date() if self.monitoring_set.isChecked() else None,
            "drawn_up_by": self.drawn_up_by.text().strip(),
            "drawn_up_on": self.drawn_up_on.date(),
        }

    def has_unsaved_changes(self) -> bool:
        return bool(self.plan and self.plan.state is PlanState.DRAFT and self._values() != self._clean)

    def save_all(self) -> bool:
        return not self.has_unsaved_changes() or self.save()

    def maybe_close(self) -> bool:
        if not self.has_unsaved_changes():
            return True
        text = "このプランに保存されていない変更があります。保存しますか？"
        answer = messages.ask_three(self, text, save="保存する", discard="破棄する")
        return self.save() if answer == "save" else answer == "discard"

    def _version_chosen(self, index: int) -> None:
        wanted = self.version.itemData(index)
        if wanted != self.plan_id and self.maybe_close():
            self.load(wanted)
        else:
            self.version.setCurrentIndex(max(0, self.version.findData(self.plan_id)))

    def add_problem(self) -> None:
        row = self._append_problem()
        self.problems.setCurrentCell(row, 0)
        self.problems.editItem(self.problems.currentItem())

    def remove_problem(self) -> None:
        if self.problems.currentRow() < 0:
            messages.inform(self, "削除する課題を選んでください。")
        else:
            self.problems.removeRow(self.problems.currentRow())

    def _role_dialog(self, row: int | None) -> bool:
        dialog = RoleDialog(self.session, self._roles[row] if row is not None else None, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.role is None:
            return False
        if row is None:
            self._roles.append(dialog.role)
        else:
            self._roles[row] = dialog.role
        self._fill_roles()
        return True

    def _selected_role(self) -> int | None:
        row = selected_row(self.roles)
        if row is None or row >= len(self._roles):
            messages.inform(self, "役割分担の表から役割を選んでください。")
            return None
        return row

    def add_role(self) -> bool:
        return self._role_dialog(None)

    def edit_role(self) -> bool:
        if self.plan is None or self.plan.state is not PlanState.DRAFT:
            return False
        row = self._selected_role()
        return row is not None and self._role_dialog(row)

    def remove_role(self) -> bool:
        row = self._selected_role()
        if row is not None:
            del self._roles[row]
            self._fill_roles()
        return row is not None

    # ---- steps -----------------------------------------------------------------------------------

    def _call(self, action: Callable[[], object]) -> bool:
        ok, _ = store_call(self, action)
        if ok:
            self.load()
            self.changed.emit()
        return ok

    def _dialog_step(self, dialog: QDialog) -> bool:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.load()
        self.changed.emit()
        return True

    def save(self) -> bool:
        plan = self.plan
        if plan is None or plan.state is not PlanState.DRAFT:
            return False
        changed = replace(plan, **self._values())
        return self._call(lambda: self.session.db.plans.save(changed))

    def put_forward(self) -> bool:
        plan_id, today = self.plan_id, self.session.today()
        if plan_id is None or not self.save_all():
            return False
        if not self._call(lambda: self.session.db.plans.put_forward(plan_id, on=today)):
            return False
        state = self.plan.state if self.plan else PlanState.DRAFT
        messages.inform(self, f"提出しました（{state.value}）。{STATE_NOTES[state]}")
        return True

    def withdraw(self) -> bool:
        plan_id = self.plan_id
        if plan_id is None or not messages.ask(
            self, "提出したプランを作成中に戻して直しますか？", yes="戻す"
        ):
            return False
        return self._call(lambda: self.session.db.plans.withdraw(plan_id))

    def record_decision(self) -> bool:
        plan, plans = self.plan, self.session.db.plans
        if plan is None or (plan_id := plan.id) is None:
            return False
        return self._dialog_step(
            DecisionDialog(self.session, plan, lambda d: plans.record_decision(plan_id, d), self)
        )

    def record_approval(self) -> bool:
        plan, plans = self.plan, self.session.db.plans
        if plan is None or (plan_id := plan.id) is None:
            return False
        save: Callable[[int, dt.date | None], object] = lambda m, r: plans.record_approval(  # noqa: E731
            plan_id, m, reported_on=r
        )
        return self._dialog_step(ApprovalDialog(self.session, plan, save, self))

    def record_report(self) -> bool:
        plan_id, plans = self.plan_id, self.session.db.plans
        if plan_id is None:
            return False
        label = "重層的支援会議で了承されたプランを町（所管課）へ報告した日"
        return self._dialog_step(
            DateDialog(
                "町へ報告", label, self.session.today(), lambda on: plans.record_report(plan_id, on), self
            )
        )

    def start_replan(self) -> bool:
        question = "確定している版を写して再プランを始めます（確定するまでは今の版が有効です）。始めますか？"
        if not messages.ask(self, question, yes="始める", no="やめる"):
            return False
        db, today, by = self.session.db, self.session.today(), self.session.user_name
        ok, new_id = store_call(self, lambda: db.plans.start_replan(self.case_id, on=today, by=by))
        if ok and new_id is not None:
            self.load(new_id)
            self.tabs.setCurrentIndex(0)
            self.changed.emit()
        return ok

    def previous(self) -> PlanVersion | None:
        older = [p for p in self.versions if self.plan and p.number < self.plan.number]
        return older[-1] if older else None

    def show_diff(self, switch: bool = True) -> None:
        plan, before = self.plan, self.previous()
        if plan is None or plan.id is None or before is None or before.id is None:
            self.diff_note.setText("初回のプランです。変更点は再プランで表示されます。")
            fill_table(self.diff_table, [])
            return
        old_id, new_id = before.id, plan.id
        changes = store_call(self, lambda: self.session.db.plans.diff(old_id, new_id))[1] or []
        self.diff_note.setText(
            f"{before.label} → {plan.label} の変更点: {len(changes)} 件"
            if changes
            else "前の版から変わっていません。"
        )
        fill_table(
            self.diff_table, [[c.part, c.before or "（なし）", c.after or "（削除）"] for c in changes]
        )
        if switch:
            self.tabs.setCurrentIndex(1)

    def add_monitoring(self) -> bool:
        return self.plan is not None and self._dialog_step(
            MonitoringDialog(self.session, self.plan, self.session.db.plans.add_monitoring, self)
        )

    def add_contact_attempt(self) -> bool:
        plans, case_id = self.session.db.plans, self.case_id
        if not self._dialog_step(
            ContactDialog(self.session, lambda a: plans.add_contact_attempt(case_id, a), self)
        ):
            return False
        self.tabs.setCurrentIndex(2)
        return True

    def end_case(self) -> bool:
        plans, case_id, by = self.session.db.plans, self.case_id, self.session.user_name
        current = plans.current(case_id)
        return current is not None and self._dialog_step(
            EndDialog(self.session, current, lambda e: plans.end_case(case_id, e, by=by), self)
        )

    def suspend_case(self) -> bool:
        attempts = self.session.db.plans.contact_attempts(self.case_id)
        question = (
            f"連絡の試みの記録は {len(attempts)} 件です。本人とまったく連絡が取れないため、支援を中断しますか？"
            "\n（連絡の試みの記録と、中断決定を理由とする重層的支援会議の開催が必要です）"
        )
        if not messages.ask(self, question, yes="中断する", no="やめる"):
            return False
        db, today, by = self.session.db, self.session.today(), self.session.user_name
        return self._call(lambda: db.plans.suspend_case(self.case_id, on=today, by=by))

    def reopen_case(self) -> bool:
        reason = messages.ask_text(self, "支援を再開する理由を入力してください（例: 本人から連絡があった）。")
        if reason is None:
            return False
        db, today, by = self.session.db, self.session.today(), self.session.user_name
        return self._call(lambda: db.plans.reopen_case(self.case_id, on=today, by=by, reason=reason))

    # ---- printing --------------------------------------------------------------------------------

    def save_pdf(self, kind: str) -> None:
        from jusou_desktop.reports import plan_pdf

        plan, db = self.plan, self.session.db
        if plan is None or plan.id is None:
            return
        if self.has_unsaved_changes() and not messages.ask(
            self, "保存されていない変更は印刷されません。保存済みの内容でPDFを作りますか？"
        ):
            return
        extra: dict[str, Any] = {}
        if kind == "comparison":
            extra = {"previous": self.previous()}
        elif kind == "evaluation":
            evaluations = [e.evaluation for e in db.plans.endings(self.case_id) if e.evaluation is not None]
            extra = {
                "monitorings": db.plans.monitorings(plan.id),
                "evaluation": evaluations[-1] if evaluations else None,
            }
        writer, name = {
            "plan": (plan_pdf.write_plan_pdf, "支援プラン"),
            "application": (plan_pdf.write_application_style_pdf, "プラン兼事業等利用申込書"),
            "comparison": (plan_pdf.write_comparison_pdf, "変更点の比較"),
            "evaluation": (plan_pdf.write_evaluation_pdf, "評価シート"),
        }[kind]
        document = plan_pdf.PlanDocument(
            db.settings.town_name(), self.case_number, self.person_name, plan, self.session.today(), **extra
        )
        save_pdf(self, writer, document, f"{self.case_number}_{plan.label}_{name}.pdf")


# ---- the form's dialog ---------------------------------------------------------------------------


class RoleDialog(StepDialog):
    """役割分担: an agency from the list or any name, who there, what, how often, from when to when."""

    def __init__(self, session: Session, role: Role | None, parent: QWidget | None = None) -> None:
        super().__init__("役割分担", 34, parent)
        self.role: Role | None = None
        self._names = {a.id: a.name for a in session.db.agencies.list()}
        self.agency = AgencyPicker.from_db(session.db)
        self.agency.editor.setPlaceholderText("一覧から選ぶか、機関名を入力")
        if role is not None and not (role.agency_id and self.agency.select(role.agency_id)):
            self.agency.setEditText(role.agency_name)
        self.person = line("例: 相談員 田中", role.person if role else "")
        self.what = line("例: 週1回訪問して話を聞く", role.what if role else "")
        self.frequency = line("例: 週1回", role.frequency if role else "")
        today = session.today()
        self.has_start, self.start = optional_date(role.start_on if role else None, today)
        self.has_end, self.end = optional_date(role.end_on if role else None, today)
        fields = form(
            ("機関", self.agency),
            ("担当", self.person),
            ("内容", self.what),
            ("頻度", self.frequency),
            ("開始", row_of(self.has_start, self.start, 1)),
            ("終了", row_of(self.has_end, self.end, 1)),
        )
        self.finish(
            "決める", fields, hint_label("一覧にない機関や人（民生委員、家族など）は名前を入力できます。")
        )

    def _accept(self) -> None:
        agency_id = self.agency.current_agency_id()
        name = self._names.get(agency_id, "") if agency_id else self.agency.currentText().strip()
        if not name or not self.what.text().strip():
            messages.inform(self, "機関と内容を入力してください。")
            return
        self.role = Role(
            agency_name=name,
            what=self.what.text().strip(),
            agency_id=agency_id,
            person=self.person.text().strip(),
            frequency=self.frequency.text().strip(),
            start_on=self.start.date() if self.has_start.isChecked() else None,
            end_on=self.end.date() if self.has_end.isChecked() else None,
        )
        self.accept()
