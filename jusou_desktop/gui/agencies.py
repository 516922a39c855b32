"""関係機関（支援関係機関）の名簿: 一覧・検索・登録・編集、担当者の連絡先、そして機関の選択欄.

``AgencyDirectory`` is the directory screen; ``AgencyDialog`` and ``StaffDialog`` edit one
record and keep a refused save (empty or duplicate name…) inside the dialog, with what was typed
intact.  ``AgencyPicker`` is the combo box every other screen uses to choose an agency.

The directory is small (hundreds of agencies at most), so every agency is loaded into memory and
searched, filtered and sorted in a QSortFilterProxyModel.  Search folds kana with
:func:`~jusou_desktop.domain.kana.search_key`, so ほうかつ, ホウカツ and ﾎｳｶﾂ all find
「地域包括支援センター」 when its フリガナ is entered.

Dialogs are opened with ``open()`` (window-modal, not a nested event loop): the screen reacts to
``finished``, and tests reach the open dialog through :attr:`AgencyDirectory.dialog`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.ids import AgencyId, StaffId
from jusou_desktop.domain.kana import search_key
from jusou_desktop.domain.model import (
    BUSINESS_DESCRIPTIONS,
    Agency,
    AgencyField,
    Business,
    Operation,
    Staff,
)
from jusou_desktop.gui.record_dialog import DISCARD_QUESTION as DISCARD_QUESTION
from jusou_desktop.gui.record_dialog import DialogSlot, RecordDialog, line_edit
from jusou_desktop.gui.record_list import (
    EnterOpens,
    Index,
    RowsModel,
    count_text,
    detail_labels,
    list_pane,
    list_shortcuts,
    search_box,
    select_row,
    selected_index,
    table_view,
)
from jusou_desktop.gui.session import Session
from jusou_desktop.gui.widgets import bold, signals_blocked, two_panes
from jusou_desktop.store.database import Database

ALL_FIELDS = "すべて"
NO_OPERATION = "（なし）"
INACTIVE_AGENCY = "（休止中）"
INACTIVE_STAFF = "（利用停止）"
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3
_INACTIVE_COLOR = QColor(128, 128, 128)
_FIELD_ORDER = {f: i for i, f in enumerate(AgencyField)}
_BUSINESS_ORDER = {b: i for i, b in enumerate(Business)}


def business_label(business: Business) -> str:
    """「第1号イ　包括的相談支援事業（地域包括支援センター）」."""
    return f"{business.value}\u3000{BUSINESS_DESCRIPTIONS[business]}"


def agency_label(agency: Agency) -> str:
    """How an agency is shown in pickers: 「機関名（分野）」."""
    return f"{agency.name}（{agency.field.value}）"


def _agency_search_key(agency: Agency) -> str:
    return f"{search_key(agency.name)}\n{search_key(agency.kana)}"


def _matches(query_key: str, text_key: str) -> bool:
    return not query_key or query_key in text_key


class _RowFilter(QSortFilterProxyModel):
    """A proxy whose row filter criteria change (beginFilterChange exists from Qt 6.9 on)."""

    def _change_filter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt < 6.9
            change()
            self.invalidateRowsFilter()


# ---- table models ---------------------------------------------------------------------------------


_AGENCY_COLUMNS = ("機関名", "分野", "号", "直営/委託", "所管課", "電話")


class AgencyTableModel(RowsModel[Agency]):
    """Every agency of the directory, in the order the store gives (分野, フリガナ)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_AGENCY_COLUMNS, parent)
        self._keys: list[str] = []

    def set_rows(self, rows: Sequence[Agency]) -> None:
        self._keys = [_agency_search_key(a) for a in rows]
        super().set_rows(rows)

    def search_key_at(self, row: int) -> str:
        return self._keys[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        agency = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(agency, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                tip = "\n".join(t for t in (agency.name, agency.kana) if t)
                return tip + ("\n休止中の機関です。" if not agency.active else "")
            if column == 2:
                return BUSINESS_DESCRIPTIONS[agency.business]
            return None
        if role == Qt.ItemDataRole.ForegroundRole and not agency.active:
            return _INACTIVE_COLOR
        if role == SORT_ROLE:
            return self._sort_key(agency, column)
        if role == ID_ROLE:
            return agency.id
        return None

    @staticmethod
    def _display(agency: Agency, column: int) -> str:
        if column == 0:
            return agency.name + ("" if agency.active else INACTIVE_AGENCY)
        if column == 1:
            return agency.field.value
        if column == 2:
            return agency.business.value
        if column == 3:
            return agency.operation.value if agency.operation else ""
        if column == 4:
            return agency.department
        return agency.phone

    @staticmethod
    def _sort_key(agency: Agency, column: int) -> str:
        reading = search_key(agency.kana or agency.name)
        if column == 1:
            return f"{_FIELD_ORDER[agency.field]:03d}{reading}"
        if column == 2:
            return f"{_BUSINESS_ORDER[agency.business]:03d}{reading}"
        if column == 3:
            return f"{agency.operation.value if agency.operation else '～'}{reading}"
        if column == 4:
            return f"{agency.department or '～'}\n{reading}"
        if column == 5:
            return f"{agency.phone or '～'}\n{reading}"
        return reading


class AgencyFilterModel(_RowFilter):
    """Search (name or フリガナ, kana-insensitive), 分野 and 休止中 filters over the agencies."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._query = ""
        self._field: AgencyField | None = None
        self._show_inactive = False
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_criteria(self, query: str, field: AgencyField | None, show_inactive: bool) -> None:
        def change() -> None:
            self._query = search_key(query)
            self._field = field
            self._show_inactive = show_inactive

        self._change_filter(change)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, AgencyTableModel):
            return True
        agency = model.row_at(source_row)
        if not agency.active and not self._show_inactive:
            return False
        if self._field is not None and agency.field != self._field:
            return False
        return _matches(self._query, model.search_key_at(source_row))


_STAFF_COLUMNS = ("氏名", "職名", "電話", "メール")


class StaffTableModel(RowsModel[Staff]):
    """担当者・連絡先 of one agency (those no longer in use greyed out)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_STAFF_COLUMNS, parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        staff = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            name = staff.name + ("" if staff.active else INACTIVE_STAFF)
            return (name, staff.title, staff.phone, staff.email)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == 0:
                return "\n".join(t for t in (staff.name, staff.kana) if t)
            return (None, staff.title, staff.phone, staff.email)[index.column()] or None
        if role == Qt.ItemDataRole.ForegroundRole and not staff.active:
            return _INACTIVE_COLOR
        return None


# ---- the picker used by other screens --------------------------------------------------------------


class _PickerSearch(_RowFilter):
    """The completer's rows: items whose name or フリガナ contain the typed text (kana-insensitive)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._query = ""

    def set_query(self, text: str) -> None:
        def change() -> None:
            self._query = search_key(text)

        self._change_filter(change)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        key = model.data(model.index(source_row, 0, source_parent), SEARCH_ROLE)
        return _matches(self._query, str(key or ""))


class AgencyPicker(QComboBox):
    """Choose an agency: 「機関名（分野）」 items, and type to search by name or フリガナ.

    The text in the box is what counts: :meth:`current_agency_id` is ``None`` unless the text is
    one of the items (or an agency's exact name), so a half-typed name is never taken for a choice.
    """

    agency_changed = Signal(object)
    """The chosen agency's id, or None."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        line_edit = QLineEdit(self)
        self.setLineEdit(line_edit)
        self.editor = line_edit
        """Where the user types (the combo box's own line edit)."""
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)
        self.setMaxVisibleItems(15)
        self.setToolTip("機関名やフリガナの一部を入力すると候補が絞り込まれます。")
        line_edit.setPlaceholderText("機関名・フリガナで検索")
        self._search = _PickerSearch(self)
        self._search.setSourceModel(self.model())
        completer = self.search_completer = QCompleter(self._search, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        line_edit.textEdited.connect(self._search.set_query)
        line_edit.editingFinished.connect(self._commit_text)
        self.currentIndexChanged.connect(self._emit_changed)
        self._names: dict[str, int] = {}

    @classmethod
    def from_db(cls, db: Database, active_only: bool = True, parent: QWidget | None = None) -> AgencyPicker:
        picker = cls(parent)
        picker.set_agencies(db.agencies.list(active_only=active_only))
        return picker

    def set_agencies(self, agencies: Sequence[Agency]) -> None:
        """Replace the items, keeping the chosen agency when it is still listed."""
        chosen = self.current_agency_id()
        self.blockSignals(True)
        try:
            self.clear()
            self._names = {}
            for agency in agencies:
                self.addItem(agency_label(agency), agency.id)
                row = self.count() - 1
                self.setItemData(row, _agency_search_key(agency), SEARCH_ROLE)
                self.setItemData(row, agency.kana or agency.name, Qt.ItemDataRole.ToolTipRole)
                self._names[agency.name] = row
            self._search.set_query("")
            self.setCurrentIndex(self.findData(chosen) if chosen is not None else -1)
        finally:
            self.blockSignals(False)
        if self.current_agency_id() != chosen:
            self._emit_changed()

    def select(self, agency_id: AgencyId | None) -> bool:
        """Show ``agency_id`` as chosen (None clears); False when it is not among the items."""
        row = self.findData(agency_id) if agency_id is not None else -1
        self.setCurrentIndex(row)
        if row < 0:
            self.setEditText("")
        return row >= 0 or agency_id is None

    def current_agency_id(self) -> AgencyId | None:
        row = self._row_for_text(self.currentText())
        if row < 0:
            return None
        value = self.itemData(row)
        return AgencyId(int(value)) if value is not None else None

    def _row_for_text(self, text: str) -> int:
        text = text.strip()
        if not text:
            return -1
        if 0 <= self.currentIndex() < self.count() and self.itemText(self.currentIndex()) == text:
            return self.currentIndex()
        row = self.findText(text, Qt.MatchFlag.MatchExactly)
        return row if row >= 0 else self._names.get(text, -1)

    def _commit_text(self) -> None:
        row = self._row_for_text(self.currentText())
        if row >= 0 and row != self.currentIndex():
            self.setCurrentIndex(row)
        elif row >= 0:
            self.setEditText(self.itemText(row))

    def _emit_changed(self, *_args: object) -> None:
        self.agency_changed.emit(self.current_agency_id())


# ---- dialogs --------------------------------------------------------------------------------------


class AgencyDialog(RecordDialog):
    """関係機関の新規登録・編集."""

    def __init__(
        self,
        db: Database,
        agency: Agency | None = None,
        parent: QWidget | None = None,
        *,
        default_field: AgencyField | None = None,
    ) -> None:
        title = "関係機関の編集" if agency and agency.id is not None else "関係機関の新規登録"
        super().__init__(title, parent)
        self._db = db
        self._agency = agency
        self.saved_id: AgencyId | None = None
        a = agency or Agency(name="", field=default_field or AgencyField.ELDERLY)

        self.name = line_edit(a.name, "例: つむぎ町地域包括支援センター")
        self.kana = line_edit(a.kana, "ひらがな・カタカナどちらでも")
        self.field = QComboBox()
        for f in AgencyField:
            self.field.addItem(f.value, f.value)
        self.field.setCurrentIndex(self.field.findData(a.field.value))
        self.business = QComboBox()
        for b in Business:
            self.business.addItem(business_label(b), b.value)
            self.business.setItemData(
                self.business.count() - 1, BUSINESS_DESCRIPTIONS[b], Qt.ItemDataRole.ToolTipRole
            )
        self.business.setCurrentIndex(self.business.findData(a.business.value))
        self.business.setToolTip("社会福祉法106条の4第2項の号（重層事業の外の機関は「事業外」）")
        self.operation = QComboBox()
        self.operation.addItem(NO_OPERATION, "")
        for op in Operation:
            self.operation.addItem(op.value, op.value)
        self.operation.setCurrentIndex(self.operation.findData(a.operation.value if a.operation else ""))
        self.department = line_edit(a.department, "例: 福祉課")
        self.address = line_edit(a.address)
        self.phone = line_edit(a.phone)
        self.fax = line_edit(a.fax)
        self.email = line_edit(a.email)
        self.note = QPlainTextEdit(a.note)
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.active = QCheckBox("利用中")
        self.active.setChecked(a.active)
        self.active.setToolTip("外すと休止中になり、ほかの画面の選択欄に出なくなります。")

        self.form.addRow("機関名（必須）", self.name)
        self.form.addRow("フリガナ", self.kana)
        self.form.addRow("分野", self.field)
        self.form.addRow("号", self.business)
        self.form.addRow("直営/委託", self.operation)
        self.form.addRow("所管課", self.department)
        self.form.addRow("住所", self.address)
        self.form.addRow("電話", self.phone)
        self.form.addRow("FAX", self.fax)
        self.form.addRow("メール", self.email)
        self.form.addRow("備考", self.note)
        self.form.addRow("", self.active)
        self._field_widgets = {"name": self.name, "kana": self.kana, "email": self.email}
        self.setMinimumWidth(560)
        self._remember_initial()
        self.name.setFocus()

    def agency(self) -> Agency:
        """The record as typed (with the id of the agency being edited)."""
        operation = self.operation.currentData()
        return Agency(
            id=self._agency.id if self._agency else None,
            name=self.name.text(),
            kana=self.kana.text(),
            field=AgencyField(self.field.currentData()),
            business=Business(self.business.currentData()),
            operation=Operation(operation) if operation else None,
            department=self.department.text().strip(),
            address=self.address.text().strip(),
            phone=self.phone.text().strip(),
            fax=self.fax.text().strip(),
            email=self.email.text().strip(),
            note=self.note.toPlainText().strip(),
            active=self.active.isChecked(),
        )

    def _snapshot(self) -> tuple[object, ...]:
        return (
            self.name.text(),
            self.kana.text(),
            self.field.currentData(),
            self.business.currentData(),
            self.operation.currentData(),
            self.department.text(),
            self.address.text(),
            self.phone.text(),
            self.fax.text(),
            self.email.text(),
            self.note.toPlainText(),
            self.active.isChecked(),
        )

    def _store(self) -> None:
        agency = self.agency()
        if agency.id is None:
            self.saved_id = self._db.agencies.add(agency)
        else:
            self._db.agencies.update(agency)
            self.saved_id = agency.id


class StaffDialog(RecordDialog):
    """担当者（関係機関の職員）の追加・編集."""

    def __init__(
        self,
        db: Database,
        staff: Staff | None = None,
        parent: QWidget | None = None,
        *,
        agency_id: AgencyId | None = None,
    ) -> None:
        title = "担当者の編集" if staff and staff.id is not None else "担当者の追加"
        super().__init__(title, parent)
        self._db = db
        self._staff = staff
        self.saved_id: StaffId | None = None
        s = staff or Staff(name="", agency_id=agency_id)

        self.name = line_edit(s.name, "例: 架空\u3000花子")
        self.kana = line_edit(s.kana, "ひらがな・カタカナどちらでも")
        self.agency = AgencyPicker()
        self.agency.set_agencies([a for a in db.agencies.list() if a.active or a.id == s.agency_id])
        self.agency.select(s.agency_id)
        self.title = line_edit(s.title, "例: 社会福祉士")
        self.phone = line_edit(s.phone)
        self.email = line_edit(s.email)
        self.active = QCheckBox("利用中")
        self.active.setChecked(s.active)
        self.active.setToolTip("異動・退職などで外すと、ほかの画面の選択欄に出なくなります。")

        self.form.addRow("氏名（必須）", self.name)
        self.form.addRow("フリガナ", self.kana)
        self.form.addRow("所属機関", self.agency)
        self.form.addRow("職名", self.title)
        self.form.addRow("電話", self.phone)
        self.form.addRow("メール", self.email)
        self.form.addRow("", self.active)
        self._field_widgets = {"name": self.name, "kana": self.kana, "agency": self.agency}
        self.setMinimumWidth(480)
        self._remember_initial()
        self.name.setFocus()

    def staff(self) -> Staff:
        return Staff(
            id=self._staff.id if self._staff else None,
            name=self.name.text(),
            kana=self.kana.text(),
            agency_id=self.agency.current_agency_id(),
            title=self.title.text().strip(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
            active=self.active.isChecked(),
        )

    def _snapshot(self) -> tuple[object, ...]:
        return (
            self.name.text(),
            self.kana.text(),
            self.agency.currentText(),
            self.title.text(),
            self.phone.text(),
            self.email.text(),
            self.active.isChecked(),
        )

    def _store(self) -> None:
        staff = self.staff()
        if staff.agency_id is None:
            raise ValidationError("所属機関を一覧から選んでください。", field="agency")
        if staff.id is None:
            self.saved_id = self._db.staff.add(staff)
        else:
            self._db.staff.update(staff)
            self.saved_id = staff.id


# ---- the directory screen ---------------------------------------------------------------------------


class AgencyDirectory(QWidget):
    """関係機関の一覧（検索・分野・休止中）と、選んだ機関の詳細・担当者."""

    changed = Signal()
    """An agency or a staff member was saved."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("関係機関")
        self._dialogs = DialogSlot()

        # left: search, filters and the list
        self.search = search_box("機関名・フリガナで検索")
        self.field_filter = QComboBox()
        self.field_filter.addItem(ALL_FIELDS, "")
        for f in AgencyField:
            self.field_filter.addItem(f.value, f.value)
        self.field_filter.setMaxVisibleItems(len(AgencyField) + 1)
        self.show_inactive = QCheckBox("休止中も表示")
        self.model = AgencyTableModel(self)
        self.proxy = AgencyFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = table_view(self.proxy)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.count_label = QLabel()
        self.new_button = QPushButton("新規登録")
        self.new_button.setToolTip("新しい関係機関を登録します（Ctrl+N）")
        self.edit_button = QPushButton("編集")
        self.edit_button.setToolTip("選んだ機関を編集します（Enter またはダブルクリック）")

        search_label = QLabel("検索")
        search_label.setBuddy(self.search)
        field_label = QLabel("分野")
        field_label.setBuddy(self.field_filter)
        filters = QHBoxLayout()
        filters.addWidget(search_label)
        filters.addWidget(self.search, 1)
        filters.addSpacing(8)
        filters.addWidget(field_label)
        filters.addWidget(self.field_filter)
        filters.addSpacing(8)
        filters.addWidget(self.show_inactive)
        left = list_pane([filters], self.table, self.count_label, [self.new_button, self.edit_button])

        # right: details and staff
        self.detail_box = QGroupBox("機関の詳細")
        self.detail_form = QFormLayout(self.detail_box)
        self.detail_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.detail_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.placeholder = QLabel("一覧から機関を選ぶと、ここに詳細と担当者が表示されます。")
        self.placeholder.setWordWrap(True)
        self.details = detail_labels(
            self.detail_form,
            (
                "機関名",
                "フリガナ",
                "分野",
                "号",
                "直営/委託",
                "所管課",
                "住所",
                "電話",
                "FAX",
                "メール",
                "備考",
                "状態",
            ),
        )
        bold(self.details["機関名"])
        self.detail_form.insertRow(0, self.placeholder)

        self.staff_box = QGroupBox("担当者・連絡先")
        self.staff_model = StaffTableModel(self)
        self.staff_table = table_view(self.staff_model)
        staff_header = self.staff_table.horizontalHeader()
        staff_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        staff_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        staff_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.add_staff_button = QPushButton("担当者を追加")
        self.edit_staff_button = QPushButton("担当者を編集")
        staff_buttons = QHBoxLayout()
        staff_buttons.addStretch(1)
        staff_buttons.addWidget(self.add_staff_button)
        staff_buttons.addWidget(self.edit_staff_button)
        staff_layout = QVBoxLayout(self.staff_box)
        staff_layout.addWidget(self.staff_table, 1)
        staff_layout.addLayout(staff_buttons)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail_box)
        right_layout.addWidget(self.staff_box, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(bold(QLabel("関係機関（支援関係機関）"), 1.25))
        layout.addWidget(two_panes(Qt.Orientation.Horizontal, left, right, (1, 1), [700, 480]), 1)

        # keyboard
        self.new_action, self.find_action = list_shortcuts(self, self.search, self.add_agency)
        self.table.installEventFilter(EnterOpens(self.edit_selected, self.table))
        self.staff_table.installEventFilter(EnterOpens(self.edit_staff, self.staff_table))
        chain: list[QWidget] = [
            self.search,
            self.field_filter,
            self.show_inactive,
            self.table,
            self.new_button,
            self.edit_button,
            self.staff_table,
            self.add_staff_button,
            self.edit_staff_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        # wiring
        self.search.textChanged.connect(self._apply_filter)
        self.search.returnPressed.connect(self._focus_table)
        self.field_filter.currentIndexChanged.connect(self._apply_filter)
        self.show_inactive.toggled.connect(self._apply_filter)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._show_selected)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.staff_table.doubleClicked.connect(lambda _index: self.edit_staff())
        self.staff_table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.new_button.clicked.connect(self.add_agency)
        self.edit_button.clicked.connect(self.edit_selected)
        self.add_staff_button.clicked.connect(self.add_staff)
        self.edit_staff_button.clicked.connect(self.edit_staff)

        self.reload()

    # ---- what is shown ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the agencies again, keeping the selected one when it is still shown."""
        chosen = self.selected_agency_id()
        self.model.set_rows(self.session.db.agencies.list())
        self._after_filter(chosen)

    def selected_agency_id(self) -> AgencyId | None:
        agency = self.selected_agency()
        return agency.id if agency else None

    def selected_agency(self) -> Agency | None:
        index = selected_index(self.table)
        return None if index is None else self.model.row_at(self.proxy.mapToSource(index).row())

    def selected_staff(self) -> Staff | None:
        index = self.staff_table.currentIndex()
        return self.staff_model.row_at(index.row()) if index.isValid() else None

    def visible_agencies(self) -> list[Agency]:
        """The agencies in the list, in the order shown."""
        return [
            self.model.row_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
            for row in range(self.proxy.rowCount())
        ]

    def select_agency(self, agency_id: AgencyId | None) -> bool:
        """Select ``agency_id`` in the list; False when it is not shown under the current filters."""
        source_row = self.model.row_of(agency_id) if agency_id is not None else -1
        index = (
            self.proxy.mapFromSource(self.model.index(source_row, 0)) if source_row >= 0 else QModelIndex()
        )
        if not index.isValid():
            self.table.selectionModel().clear()
            self._show_selected()
            return False
        select_row(self.table, index)
        self.table.scrollTo(index)
        return True

    @property
    def dialog(self) -> RecordDialog | None:
        """The agency or staff dialog open now, if any."""
        return self._dialogs.current

    def _apply_filter(self, *_args: object) -> None:
        chosen = self.selected_agency_id()
        field = self.field_filter.currentData()
        self.proxy.set_criteria(
            self.search.text(), AgencyField(field) if field else None, self.show_inactive.isChecked()
        )
        self._after_filter(chosen)

    def _after_filter(self, chosen: AgencyId | None) -> None:
        if not (chosen is not None and self.select_agency(chosen)) and self.proxy.rowCount() > 0:
            select_row(self.table, self.proxy.index(0, 0))
        self._show_selected()
        self._update_count()

    def _update_count(self) -> None:
        agencies = [self.model.row_at(row) for row in range(self.model.rowCount())]
        hidden = 0 if self.show_inactive.isChecked() else sum(not a.active for a in agencies)
        self.count_label.setText(count_text("機関", len(agencies), hidden, self.proxy.rowCount()))

    def _show_selected(self, *_args: object) -> None:
        agency = self.selected_agency()
        self.detail_form.setRowVisible(self.placeholder, agency is None)
        for label in self.details.values():
            self.detail_form.setRowVisible(label, agency is not None)
            if agency is None:
                label.clear()
        if agency is None:
            self.staff_model.set_rows([])
        else:
            values = {
                "機関名": agency.name,
                "フリガナ": agency.kana,
                "分野": agency.field.value,
                "号": business_label(agency.business),
                "直営/委託": agency.operation.value if agency.operation else NO_OPERATION,
                "所管課": agency.department,
                "住所": agency.address,
                "電話": agency.phone,
                "FAX": agency.fax,
                "メール": agency.email,
                "備考": agency.note,
                "状態": "利用中" if agency.active else "休止中",
            }
            for caption, text in values.items():
                self.details[caption].setText(text)
            assert agency.id is not None
            self.staff_model.set_rows(self.session.db.staff.list(agency.id))
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        has_agency = self.selected_agency() is not None
        self.edit_button.setEnabled(has_agency)
        self.add_staff_button.setEnabled(has_agency)
        self.edit_staff_button.setEnabled(has_agency and self.selected_staff() is not None)

    def _focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- editing ---------------------------------------------------------------------------------

    def add_agency(self) -> None:
        field = self.field_filter.currentData()
        dialog = AgencyDialog(
            self.session.db, None, self, default_field=AgencyField(field) if field else None
        )
        self._dialogs.open(dialog, self._agency_saved)

    def edit_selected(self) -> None:
        agency = self.selected_agency()
        if agency is not None:
            self._dialogs.open(AgencyDialog(self.session.db, agency, self), self._agency_saved)

    def add_staff(self) -> None:
        agency_id = self.selected_agency_id()
        if agency_id is not None:
            self._dialogs.open(
                StaffDialog(self.session.db, None, self, agency_id=agency_id), self._staff_saved
            )

    def edit_staff(self) -> None:
        staff = self.selected_staff()
        if staff is not None and self.selected_agency() is not None:
            self._dialogs.open(StaffDialog(self.session.db, staff, self), self._staff_saved)

    def _agency_saved(self, dialog: AgencyDialog) -> None:
        self._saved(dialog.saved_id, None)

    def _staff_saved(self, dialog: StaffDialog) -> None:
        self._saved(dialog.staff().agency_id, dialog.saved_id)

    def _saved(self, agency_id: AgencyId | None, staff_id: StaffId | None) -> None:
        self.model.set_rows(self.session.db.agencies.list())
        if agency_id is not None and self.model.row_of(agency_id) >= 0:
            agency = self.model.row_at(self.model.row_of(agency_id))
            self._reveal(agency)
        self._after_filter(agency_id)
        if staff_id is not None:
            row = self.staff_model.row_of(staff_id)
            if row >= 0:
                self.staff_table.selectRow(row)
                self._update_buttons()
        self.changed.emit()

    def _reveal(self, agency: Agency) -> None:
        """Loosen the filters so that a just-saved agency is in the list."""
        with signals_blocked(self.field_filter, self.search, self.show_inactive):
            field = self.field_filter.currentData()
            if field and field != agency.field.value:
                self.field_filter.setCurrentIndex(0)
            if not _matches(search_key(self.search.text()), _agency_search_key(agency)):
                self.search.clear()
            if not agency.active:
                self.show_inactive.setChecked(True)
        field = self.field_filter.currentData()
        self.proxy.set_criteria(
            self.search.text(), AgencyField(field) if field else None, self.show_inactive.isChecked()
        )
