"""The つなぎ section: the referral list (filters in SQL), new referrals, blank forms, open referrals in tabs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.ids import AgencyId, CaseId, ReferralId, TemplateId
from jusou_desktop.domain.referral import ReferralState
from jusou_desktop.domain.sheets import Binding, case_bindings, prefill
from jusou_desktop.domain.wareki import fiscal_year_bounds, fiscal_year_of
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import (
    date_field,
    fill_agency_filter,
    fill_table,
    fit_dialog_width,
    hint_label,
    make_table,
    row_data,
    selected_row,
    store_call,
    wareki,
)
from jusou_desktop.gui.referral_window import ReferralWidget, write_pdf
from jusou_desktop.gui.session import Session
from jusou_desktop.gui.widgets import RecordTabs
from jusou_desktop.store.referrals import ReferralFilter, ReferralRow

SEARCH_DELAY_MS = 200
ALL = "すべて"
WAITING = "回答待ち（送付・受理）"
_WAITING_STATES = frozenset({ReferralState.SENT, ReferralState.ACCEPTED})


def waiting_text(row: ReferralRow) -> str:
    if row.waiting_days is None:
        return ""
    if row.state is ReferralState.ANSWERED:
        return f"{row.waiting_days}日で回答"
    if row.state is ReferralState.WITHDRAWN:
        return ""
    return f"{row.waiting_days}日"


class ReferralListView(QWidget):
    open_referral = Signal(int)

    def __init__(
        self, session: Session, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._today = today
        self.state = QComboBox()
        self.state.addItem(ALL, None)
        self.state.addItem(WAITING, "waiting")
        for state in ReferralState:
            self.state.addItem(state.value, state.value)
        self.agency = QComboBox()
        self.use_period = QCheckBox("期間（送付日）")
        self.period_from = date_field(fiscal_year_bounds(fiscal_year_of(self.today()))[0])
        self.period_to = date_field(self.today())
        self.search = QLineEdit()
        self.search.setPlaceholderText("本人の氏名・フリガナ・受付番号で検索")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.table = make_table(
            (
                "受付番号",
                "状態",
                "本人",
                "紹介元",
                "記入者",
                "様式",
                "作成日",
                "送付日",
                "待ち日数",
                "ケース",
            ),
            stretch=3,
        )
        self.table.doubleClicked.connect(lambda _i: self._open_selected())
        new = QPushButton("新しいつなぎシート…")
        new.clicked.connect(self.new_referral)
        blank = QPushButton("記入用の様式を印刷…")
        blank.clicked.connect(self.print_blank)
        open_button = QPushButton("開く")
        open_button.clicked.connect(self._open_selected)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(new)
        top.addWidget(blank)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("状態"))
        filters.addWidget(self.state)
        filters.addWidget(QLabel("紹介元"))
        filters.addWidget(self.agency, 1)
        filters.addWidget(self.use_period)
        filters.addWidget(self.period_from)
        filters.addWidget(QLabel("〜"))
        filters.addWidget(self.period_to)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.state, self.agency):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.use_period.toggled.connect(lambda _c: self.refresh())
        self.period_from.edit.dateChanged.connect(lambda _d: self.refresh())
        self.period_to.edit.dateChanged.connect(lambda _d: self.refresh())
        self.fill_agencies()
        self.state.setCurrentIndex(1)

    def today(self) -> dt.date:
        return self._today or self.session.today()

    def fill_agencies(self) -> None:
        fill_agency_filter(self.agency, self.session.db.agencies.list(), ALL)

    def current_filter(self) -> ReferralFilter:
        state = self.state.currentData()
        states: frozenset[ReferralState] = frozenset()
        if state == "waiting":
            states = _WAITING_STATES
        elif state:
            states = frozenset({ReferralState(state)})
        agency = self.agency.currentData()
        period = self.use_period.isChecked()
        return ReferralFilter(
            states=states,
            source_agency_id=AgencyId(agency) if agency is not None else None,
            period_from=self.period_from.date() if period else None,
            period_to=self.period_to.date() if period else None,
            text=self.search.text(),
        )

    def refresh(self) -> None:
        self._timer.stop()
        if not self.session.db.is_open:  # locked (or closed) while a search was pending
            return
        flt = self.current_filter()
        try:
            rows = self.session.db.referrals.rows(flt, today=self.today())
            counts = self.session.db.referrals.state_counts(flt)
            total = self.session.db.referrals.count(flt)
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        fill_table(
            self.table,
            [
                [
                    r.number,
                    r.state.value,
                    r.subject_name or "（未記入）",
                    r.source_agency_name,
                    r.source_staff_name,
                    r.template_title,
                    wareki(r.created_on),
                    wareki(r.sent_on),
                    waiting_text(r),
                    r.case_number,
                ]
                for r in rows
            ],
            [int(r.id) for r in rows],
        )
        for row_index, r in enumerate(rows):
            if r.state in _WAITING_STATES and (r.waiting_days or 0) >= 14:
                item = self.table.item(row_index, 8)
                if item is not None:
                    item.setForeground(Qt.GlobalColor.darkRed)
                    item.setToolTip("送付から2週間以上たっています")
        shown = f"{len(rows)} 件を表示" if len(rows) < total else f"{total} 件"
        breakdown = "・".join(f"{s.value} {counts[s]}" for s in ReferralState)
        self.count_label.setText(f"{shown}（{breakdown}）")

    def _open_selected(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            self.open_referral.emit(int(row_data(self.table, row)))  # type: ignore[call-overload]

    def new_referral(self, case_id: CaseId | None = None) -> ReferralId | None:
        dialog = NewReferralDialog(self.session, self, case_id=case_id if isinstance(case_id, int) else None)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.create_referral(
            dialog.template_id(), case_id=dialog.case_id, created_on=dialog.created_on()
        )

    def create_referral(
        self, template_id: TemplateId, *, case_id: CaseId | None = None, created_on: dt.date | None = None
    ) -> ReferralId | None:
        """Make the draft (pre-filled from the case and the user where the sheet binds them) and open it."""
        db = self.session.db
        ok, referral_id = store_call(
            self,
            lambda: db.referrals.create(
                template_id,
                starting_values(self.session, template_id, case_id),
                created_on=created_on or self.today(),
                by=self.session.user_name,
                case_id=case_id,
            ),
        )
        if not ok or referral_id is None:
            return None
        self.refresh()
        self.open_referral.emit(int(referral_id))
        return referral_id

    def print_blank(self) -> None:
        from jusou_desktop.reports.referral_print import blank_document, suggested_file_name

        dialog = NewReferralDialog(self.session, self, blank=True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        key = self.session.db.templates.get(dialog.template_id()).template.key
        ok, document = store_call(self, lambda: blank_document(self.session.db, key, self.today()))
        if ok and document is not None:
            write_pdf(self, document, suggested_file_name(document))


def starting_values(session: Session, template_id: TemplateId, case_id: CaseId | None) -> dict[str, Any]:
    db = session.db
    template = db.templates.get(template_id).template
    known: dict[Binding, Any] = {}
    if session.user_name:
        known[Binding.SOURCE_STAFF] = {"name": session.user_name, "id": session.staff_id}
    if case_id is not None:
        known |= case_bindings(db.cases.get(case_id))
    return prefill(template, known)


class NewReferralDialog(QDialog):
    """Choose the town's sheet (and the date) for a new referral or a blank form."""

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        *,
        case_id: CaseId | None = None,
        blank: bool = False,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        self.setWindowTitle("記入用の様式を印刷" if blank else "新しいつなぎシート")
        fit_dialog_width(self, 34)
        self.template = QComboBox()
        db = session.db
        for key in db.templates.active_referral_keys():
            stored = db.templates.latest(key)
            self.template.addItem(
                f"{stored.template.display_name}　第{stored.template.version}版", int(stored.id)
            )
        if blank:
            answer = db.templates.latest(db.templates.answer_key())
            self.template.addItem(
                f"{answer.template.display_name}　第{answer.template.version}版", int(answer.id)
            )
        self.description = hint_label()
        self.template.currentIndexChanged.connect(self._describe)
        self.date = date_field(session.today())
        form = QFormLayout()
        form.addRow("様式", self.template)
        if not blank:
            form.addRow("作成日", self.date)
        if case_id is not None:
            case = db.cases.get(case_id)
            form.addRow("ケース", QLabel(f"{case.number} {case.principal.name}（本人の情報を写します）"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setText("PDFを作る…" if blank else "作成する")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.description)
        layout.addWidget(buttons)
        self._describe()

    def _describe(self) -> None:
        data = self.template.currentData()
        if data is not None:
            self.description.setText(
                self.session.db.templates.get(TemplateId(int(data))).template.description
            )

    def template_id(self) -> TemplateId:
        return TemplateId(int(self.template.currentData()))

    def created_on(self) -> dt.date:
        return self.date.date()


class ReferralSection(RecordTabs):
    """The list in the first tab; each open referral in its own closable tab."""

    open_case = Signal(int)

    def widgets(self) -> list[ReferralWidget]:
        return super().widgets()

    def record_type(self) -> type[QWidget]:
        return ReferralWidget

    def __init__(
        self, session: Session, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._today = today
        self.list = ReferralListView(session, today=today)
        self.list.open_referral.connect(lambda rid: self.open_referral(ReferralId(rid)))
        self.set_lists(self.list, "つなぎシート一覧")
        self.list.refresh()

    def open_referral(self, referral_id: ReferralId, restore_drafts: str = "ask") -> ReferralWidget | None:
        for index, widget in enumerate(self.widgets(), start=1):
            if widget.referral_id == referral_id:
                self.setCurrentIndex(index)
                return widget
        try:
            widget = ReferralWidget(
                self.session, referral_id, restore_drafts=restore_drafts, today=self._today
            )
        except JusouError as exc:
            messages.show_error(self, exc)
            return None
        widget.changed.connect(self.list.refresh)
        widget.changed.connect(lambda: self.setTabText(self.indexOf(widget), widget.title()))
        widget.open_case.connect(self.open_case.emit)
        self.setCurrentIndex(self.addTab(widget, widget.title()))
        return widget
