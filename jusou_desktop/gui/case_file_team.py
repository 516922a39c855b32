"""ケースファイル「チーム」: the agencies and staff supporting the case, and who leads."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.consent import lead_should_be_coordinator
from jusou_desktop.domain.ids import AgencyId, CaseId, StaffId
from jusou_desktop.domain.model import Agency, Business, Case, ConsentState, TeamMember
from jusou_desktop.gui.case_file_common import fill_table, hint_label, make_table, selected_row, store_call
from jusou_desktop.gui.session import Session

COORDINATING = (Business.COLLABORATION, Business.PLANNING)
"""第5号・第6号: the 多機関協働事業者 who coordinates the case."""

ROLE_COLUMN = 3


def lead_hint(consent: ConsentState, lead: Agency | None) -> str:
    """盛岡市の共通ルール, phrased for the current lead."""
    coordinator_leads = lead is not None and lead.business in COORDINATING
    if lead_should_be_coordinator(consent):
        text = "本人同意があるため、主担当は多機関協働事業者（相談支援包括化推進員）が担うのが基本です。"
        if lead is not None and not coordinator_leads:
            text += f"現在の主担当は「{lead.name}」です。"
    else:
        text = (
            f"本人同意が「{consent.value}」のため、主担当は関係機関が担い、"
            "多機関協働事業者は後方から支えるのが基本です。"
        )
        if coordinator_leads and lead is not None:
            text += f"現在は多機関協働事業者の「{lead.name}」が主担当になっています。"
    if lead is None:
        text += "まだ主担当の機関が決まっていません。"
    return text


class TeamTab(QWidget):
    saved = Signal()

    def __init__(self, session: Session, case_id: CaseId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        self._team: list[TeamMember] = []
        self._consent = ConsentState.PENDING
        self._agencies: dict[AgencyId, Agency] = {}
        self._staff_names: dict[StaffId, str] = {}
        self._loading = False

        self.hint = hint_label()
        self.table = make_table(("機関", "担当者", "主担当", "役割"), stretch=ROLE_COLUMN)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.lead_button = QPushButton("主担当にする")
        self.remove_button = QPushButton("チームから外す")
        side = QVBoxLayout()
        side.addWidget(self.lead_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        table_box = QGroupBox(
            "チーム（変更はすぐに保存されます。役割はダブルクリックかF2キーで書き換えられます）"
        )
        table_layout = QHBoxLayout(table_box)
        table_layout.addWidget(self.table, 1)
        table_layout.addLayout(side)

        self.agency = QComboBox()
        self.staff = QComboBox()
        self.role = QLineEdit()
        self.role.setPlaceholderText("例：長男への訪問、家計の相談")
        self.new_is_lead = QCheckBox("主担当にする")
        self.add_button = QPushButton("チームに追加")
        add_box = QGroupBox("機関・担当者を追加")
        add_form = QFormLayout(add_box)
        add_form.addRow("機関", self.agency)
        add_form.addRow("担当者", self.staff)
        add_form.addRow("役割", self.role)
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_is_lead)
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        add_form.addRow(add_row)

        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(table_box, 1)
        layout.addWidget(add_box)

        self.agency.currentIndexChanged.connect(self._fill_staff)
        self.add_button.clicked.connect(self.add_member)
        self.lead_button.clicked.connect(self.set_lead)
        self.remove_button.clicked.connect(self.remove_member)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemChanged.connect(self._role_edited)

    # ---- loading ----------------------------------------------------------------------------

    def load(self, case: Case) -> None:
        db = self.session.db
        self._agencies = {a.id: a for a in db.agencies.list() if a.id is not None}
        self._staff_names = {s.id: s.name for s in db.staff.list() if s.id is not None}
        row = selected_row(self.table)
        keep = self._key(self._team[row]) if row is not None and row < len(self._team) else None
        self._team = list(case.team)
        self._consent = case.consent_state
        chosen = self.agency.currentData()
        self.agency.blockSignals(True)
        self.agency.clear()
        for agency in db.agencies.list(active_only=True):
            self.agency.addItem(f"{agency.name}（{agency.field.value}）", agency.id)
        self.agency.setCurrentIndex(max(0, self.agency.findData(chosen)))
        self.agency.blockSignals(False)
        self._fill_staff()
        self._show_team(next((i for i, m in enumerate(self._team) if self._key(m) == keep), None))

    @staticmethod
    def _key(member: TeamMember) -> tuple[AgencyId, StaffId | None]:
        return member.agency_id, member.staff_id

    def _fill_staff(self, *_args: object) -> None:
        chosen = self.staff.currentData()
        self.staff.clear()
        self.staff.addItem("（担当者未定）", None)
        agency_id = self.agency.currentData()
        if agency_id is None:
            return
        for staff in self.session.db.staff.list(agency_id, active_only=True):
            label = f"{staff.name}（{staff.title}）" if staff.title else staff.name
            self.staff.addItem(label, staff.id)
        self.staff.setCurrentIndex(max(0, self.staff.findData(chosen)))

    def _show_team(self, select: int | None = None) -> None:
        self._loading = True
        try:
            rows = []
            for m in self._team:
                agency = self._agencies.get(m.agency_id)
                staff = self._staff_names.get(m.staff_id, "") if m.staff_id is not None else "（未定）"
                rows.append(
                    (
                        agency.name if agency else "（不明な機関）",
                        staff,
                        "◎ 主担当" if m.is_lead else "",
                        m.role,
                    )
                )
            fill_table(self.table, rows)
            for r in range(self.table.rowCount()):
                item = self.table.item(r, ROLE_COLUMN)
                if item is not None:
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                    item.setToolTip("ダブルクリックかF2キーで書き換えられます")
            if select is not None and 0 <= select < self.table.rowCount():
                self.table.selectRow(select)
        finally:
            self._loading = False
        lead = next((m for m in self._team if m.is_lead), None)
        self.hint.setText(lead_hint(self._consent, self._agencies.get(lead.agency_id) if lead else None))
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = selected_row(self.table)
        self.remove_button.setEnabled(row is not None)
        self.lead_button.setEnabled(row is not None and not self._team[row].is_lead)
        self.add_button.setEnabled(self.agency.count() > 0)
        if self.agency.count() == 0:
            self.add_button.setToolTip("関係機関が登録されていません。先に関係機関を登録してください。")

    # ---- changes ------------------------------------------------------------------------------

    def _store(self, team: list[TeamMember], select: TeamMember | None = None) -> bool:
        ok, _ = store_call(self, lambda: self.session.db.cases.set_team(self.case_id, team))
        if not ok:
            self._show_team()
            return False
        self._team = list(self.session.db.cases.team(self.case_id))
        index = next(
            (i for i, m in enumerate(self._team) if select and self._key(m) == self._key(select)), None
        )
        self._show_team(index)
        self.saved.emit()
        return True

    def add_member(self) -> bool:
        agency_id = self.agency.currentData()
        if agency_id is None:
            return False
        new = TeamMember(
            agency_id=agency_id,
            staff_id=self.staff.currentData(),
            is_lead=self.new_is_lead.isChecked(),
            role=self.role.text().strip(),
        )
        team = [replace(m, is_lead=False) if new.is_lead else m for m in self._team]
        if self._store([*team, new], new):
            self.role.clear()
            self.new_is_lead.setChecked(False)
            return True
        return False

    def set_lead(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        team = [replace(m, is_lead=i == row) for i, m in enumerate(self._team)]
        self._store(team, team[row])

    def remove_member(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        self._store([m for i, m in enumerate(self._team) if i != row])

    def _role_edited(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() != ROLE_COLUMN or item.row() >= len(self._team):
            return
        row = item.row()
        team = list(self._team)
        team[row] = replace(team[row], role=item.text().strip())
        # The table is rebuilt after storing: not inside its own itemChanged signal.
        QTimer.singleShot(0, self, lambda: self._store(team, team[row]))
