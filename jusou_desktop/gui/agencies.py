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
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError, ValidationError
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
from jusou_desktop.gui import messages
from jusou_desktop.gui.session import Session
from jusou_desktop.store.database import Database

Index = QModelIndex | QPersistentModelIndex

ALL_FIELDS = "すべて"
NO_OPERATION = "（なし）"
INACTIVE_AGENCY = "（休止中）"
INACTIVE_STAFF = "（利用停止）"
DISCARD_QUESTION = "入力した内容を破棄しますか？"
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3
_ERROR_STYLE = "color: #c00000;"
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


class AgencyTableModel(QAbstractTableModel):
    """Every agency of the directory, in the order the store gives (分野, フリガナ)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._agencies: list[Agency] = []
        self._keys: list[str] = []

    def set_agencies(self, agencies: Sequence[Agency]) -> None:
        self.beginResetModel()
        self._agencies = list(agencies)
        self._keys = [_agency_search_key(a) for a in self._agencies]
        self.endResetModel()

    def agency_at(self, row: int) -> Agency:
        return self._agencies[row]

    def search_key_at(self, row: int) -> str:
        return self._keys[row]

    def row_of(self, agency_id: AgencyId) -> int:
        return next((i for i, a in enumerate(self._agencies) if a.id == agency_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._agencies)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_AGENCY_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _AGENCY_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        agency = self._agencies[index.row()]
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
        agency = model.agency_at(source_row)
        if not agency.active and not self._show_inactive:
            return False
        if self._field is not None and agency.field != self._field:
            return False
        return _matches(self._query, model.search_key_at(source_row))


_STAFF_COLUMNS = ("氏名", "職名", "電話", "メール")


class StaffTableModel(QAbstractTableModel):
    """担当者・連絡先 of one agency (those no longer in use greyed out)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._staff: list[Staff] = []

    def set_staff(self, staff: Sequence[Staff]) -> None:
        self.beginResetModel()
        self._staff = list(staff)
        self.endResetModel()

    def staff_at(self, row: int) -> Staff:
        return self._staff[row]

    def row_of(self, staff_id: StaffId) -> int:
        return next((i for i, s in enumerate(self._staff) if s.id == staff_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._staff)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_STAFF_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _STAFF_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        staff = self._staff[index.row()]
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


def _line_edit(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


class _RecordDialog(QDialog):
    """A form with 保存/キャンセル; a refused save is shown in red beside the buttons."""

    def __init__(self, db: Database, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._db = db
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存")
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText("キャンセル")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addSpacing(6)
        layout.addLayout(bottom)
        self._initial: tuple[object, ...] = ()
        self._field_widgets: dict[str, QWidget] = {}

    # subclasses -------------------------------------------------------------------------------

    def _snapshot(self) -> tuple[object, ...]:
        raise NotImplementedError

    def _store(self) -> None:
        """Write the record; raises JusouError when the store refuses it."""
        raise NotImplementedError

    # behaviour --------------------------------------------------------------------------------

    def _remember_initial(self) -> None:
        self._initial = self._snapshot()

    def is_dirty(self) -> bool:
        return self._snapshot() != self._initial

    def show_error(self, text: str, field: str | None = None) -> None:
        self.error.setText(text)
        widget = self._field_widgets.get(field or "")
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _save(self) -> None:
        self.error.clear()
        try:
            self._store()
        except JusouError as exc:
            self.show_error(exc.message, getattr(exc, "field", None))
            return
        self.accept()

    def reject(self) -> None:
        if self.is_dirty() and not messages.ask(self, DISCARD_QUESTION, yes="破棄する", no="入力に戻る"):
            return
        super().reject()


class AgencyDialog(_RecordDialog):
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
        super().__init__(db, title, parent)
        self._agency = agency
        self.saved_id: AgencyId | None = None
        a = agency or Agency(name="", field=default_field or AgencyField.ELDERLY)

        self.name = _line_edit(a.name, "例: つむぎ町地域包括支援センター")
        self.kana = _line_edit(a.kana, "ひらがな・カタカナどちらでも")
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
        self.department = _line_edit(a.department, "例: 福祉課")
        self.address = _line_edit(a.address)
        self.phone = _line_edit(a.phone)
        self.fax = _line_edit(a.fax)
        self.email = _line_edit(a.email)
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


class StaffDialog(_RecordDialog):
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
        super().__init__(db, title, parent)
        self._staff = staff
        self.saved_id: StaffId | None = None
        s = staff or Staff(name="", agency_id=agency_id)

        self.name = _line_edit(s.name, "例: 架空\u3000花子")
        self.kana = _line_edit(s.kana, "ひらがな・カタカナどちらでも")
        self.agency = AgencyPicker()
        self.agency.set_agencies([a for a in db.agencies.list() if a.active or a.id == s.agency_id])
        self.agency.select(s.agency_id)
        self.title = _line_edit(s.title, "例: 社会福祉士")
        self.phone = _line_edit(s.phone)
        self.email = _line_edit(s.email)
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


class _EnterOpens(QObject):
    """Enter/Return on a table opens the current row (instead of the view's own handling)."""

    def __init__(self, action: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._action = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            self._action()
            return True
        return False


def _table(model: QAbstractTableModel | QSortFilterProxyModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setHighlightSections(False)
    return view


class AgencyDirectory(QWidget):
    """関係機関の一覧（検索・分野・休止中）と、選んだ機関の詳細・担当者."""

    changed = Signal()
    """An agency or a staff member was saved."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("関係機関")
        self._dialog: _RecordDialog | None = None

        # left: search, filters and the list
        self.search = QLineEdit()
        self.search.setPlaceholderText("機関名・フリガナで検索")
        self.search.setToolTip("ひらがな・カタカナ、全角・半角のどちらで入力しても探せます（Ctrl+F）。")
        self.search.setClearButtonEnabled(True)
        self.field_filter = QComboBox()
        self.field_filter.addItem(ALL_FIELDS, "")
        for f in AgencyField:
            self.field_filter.addItem(f.value, f.value)
        self.field_filter.setMaxVisibleItems(len(AgencyField) + 1)
        self.show_inactive = QCheckBox("休止中も表示")
        self.model = AgencyTableModel(self)
        self.proxy = AgencyFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = _table(self.proxy)
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
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.count_label, 1)
        list_buttons.addWidget(self.new_button)
        list_buttons.addWidget(self.edit_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(list_buttons)

        # right: details and staff
        self.detail_box = QGroupBox("機関の詳細")
        self.detail_form = QFormLayout(self.detail_box)
        self.detail_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.detail_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.placeholder = QLabel("一覧から機関を選ぶと、ここに詳細と担当者が表示されます。")
        self.placeholder.setWordWrap(True)
        self.details: dict[str, QLabel] = {}
        for caption in (
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
        ):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.details[caption] = value
            self.detail_form.addRow(caption, value)
        bold = QFont(self.details["機関名"].font())
        bold.setBold(True)
        self.details["機関名"].setFont(bold)
        self.detail_form.insertRow(0, self.placeholder)

        self.staff_box = QGroupBox("担当者・連絡先")
        self.staff_model = StaffTableModel(self)
        self.staff_table = _table(self.staff_model)
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

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([700, 480])
        splitter.setChildrenCollapsible(False)
        heading = QLabel("関係機関（支援関係機関）")
        heading_font = QFont(heading.font())
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.25)
        heading.setFont(heading_font)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(splitter, 1)

        # keyboard
        self.new_action = QAction("新規登録", self)
        self.new_action.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_action.triggered.connect(self.add_agency)
        self.addAction(self.new_action)
        self.find_action = QAction("検索", self)
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_action.triggered.connect(self._focus_search)
        self.addAction(self.find_action)
        self.table.installEventFilter(_EnterOpens(self.edit_selected, self.table))
        self.staff_table.installEventFilter(_EnterOpens(self.edit_staff, self.staff_table))
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
        self.model.set_agencies(self.session.db.agencies.list())
        self._after_filter(chosen)

    def selected_agency_id(self) -> AgencyId | None:
        agency = self.selected_agency()
        return agency.id if agency else None

    def selected_agency(self) -> Agency | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.agency_at(self.proxy.mapToSource(index).row())

    def selected_staff(self) -> Staff | None:
        index = self.staff_table.currentIndex()
        if not index.isValid():
            return None
        return self.staff_model.staff_at(index.row())

    def visible_agencies(self) -> list[Agency]:
        """The agencies in the list, in the order shown."""
        return [
            self.model.agency_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
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
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    @property
    def dialog(self) -> _RecordDialog | None:
        """The agency or staff dialog open now, if any."""
        return self._dialog

    def _apply_filter(self, *_args: object) -> None:
        chosen = self.selected_agency_id()
        field = self.field_filter.currentData()
        self.proxy.set_criteria(
            self.search.text(), AgencyField(field) if field else None, self.show_inactive.isChecked()
        )
        self._after_filter(chosen)

    def _after_filter(self, chosen: AgencyId | None) -> None:
        if not (chosen is not None and self.select_agency(chosen)) and self.proxy.rowCount() > 0:
            first = self.proxy.index(0, 0)
            self.table.selectionModel().setCurrentIndex(
                first,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._show_selected()
        self._update_count()

    def _update_count(self) -> None:
        agencies = [self.model.agency_at(row) for row in range(self.model.rowCount())]
        hidden = 0 if self.show_inactive.isChecked() else sum(not a.active for a in agencies)
        total = len(agencies) - hidden
        shown = self.proxy.rowCount()
        if not agencies:
            text = "まだ機関が登録されていません。「新規登録」から登録してください。"
        elif shown == 0:
            text = f"条件に合う機関はありません（全{total}件）"
        elif shown == total:
            text = f"全{total}件"
        else:
            text = f"{total}件中 {shown}件を表示"
        if hidden:
            text += f"（休止中の{hidden}件は非表示）"
        self.count_label.setText(text)

    def _show_selected(self, *_args: object) -> None:
        agency = self.selected_agency()
        self.detail_form.setRowVisible(self.placeholder, agency is None)
        for label in self.details.values():
            self.detail_form.setRowVisible(label, agency is not None)
            if agency is None:
                label.clear()
        if agency is None:
            self.staff_model.set_staff([])
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
            self.staff_model.set_staff(self.session.db.staff.list(agency.id))
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        has_agency = self.selected_agency() is not None
        self.edit_button.setEnabled(has_agency)
        self.add_staff_button.setEnabled(has_agency)
        self.edit_staff_button.setEnabled(has_agency and self.selected_staff() is not None)

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- editing ---------------------------------------------------------------------------------

    def add_agency(self) -> None:
        field = self.field_filter.currentData()
        self._open(
            AgencyDialog(self.session.db, None, self, default_field=AgencyField(field) if field else None)
        )

    def edit_selected(self) -> None:
        agency = self.selected_agency()
        if agency is not None:
            self._open(AgencyDialog(self.session.db, agency, self))

    def add_staff(self) -> None:
        agency_id = self.selected_agency_id()
        if agency_id is not None:
            self._open(StaffDialog(self.session.db, None, self, agency_id=agency_id))

    def edit_staff(self) -> None:
        staff = self.selected_staff()
        if staff is not None and self.selected_agency() is not None:
            self._open(StaffDialog(self.session.db, staff, self))

    def _open(self, dialog: _RecordDialog) -> None:
        if self._dialog is not None:
            dialog.deleteLater()
            self._dialog.raise_()
            self._dialog.activateWindow()
            return
        self._dialog = dialog
        dialog.finished.connect(lambda result: self._closed(dialog, result))
        dialog.open()

    def _closed(self, dialog: _RecordDialog, result: int) -> None:
        self._dialog = None
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            return
        if isinstance(dialog, AgencyDialog):
            self._saved(dialog.saved_id, None)
        elif isinstance(dialog, StaffDialog):
            self._saved(dialog.staff().agency_id, dialog.saved_id)
        self.changed.emit()

    def _saved(self, agency_id: AgencyId | None, staff_id: StaffId | None) -> None:
        self.model.set_agencies(self.session.db.agencies.list())
        if agency_id is not None and self.model.row_of(agency_id) >= 0:
            agency = self.model.agency_at(self.model.row_of(agency_id))
            self._reveal(agency)
        self._after_filter(agency_id)
        if staff_id is not None:
            row = self.staff_model.row_of(staff_id)
            if row >= 0:
                self.staff_table.selectRow(row)
                self._update_buttons()

    def _reveal(self, agency: Agency) -> None:
        """Loosen the filters so that a just-saved agency is in the list."""
        self.field_filter.blockSignals(True)
        self.search.blockSignals(True)
        self.show_inactive.blockSignals(True)
        try:
            field = self.field_filter.currentData()
            if field and field != agency.field.value:
                self.field_filter.setCurrentIndex(0)
            if not _matches(search_key(self.search.text()), _agency_search_key(agency)):
                self.search.clear()
            if not agency.active:
                self.show_inactive.setChecked(True)
        finally:
            self.field_filter.blockSignals(False)
            self.search.blockSignals(False)
            self.show_inactive.blockSignals(False)
        field = self.field_filter.currentData()
        self.proxy.set_criteria(
            self.search.text(), AgencyField(field) if field else None, self.show_inactive.isChecked()
        )
