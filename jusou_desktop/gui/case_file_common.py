"""Small pieces shared by the sections of the case file (ケースファイル)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import TypeVar

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.model import Agency, CaseRow, age_on
from jusou_desktop.domain.wareki import format_wareki
from jusou_desktop.gui import messages
from jusou_desktop.gui.widgets import DateField

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

EARLIEST = dt.date(1900, 1, 1)
"""The 和暦 label knows no date before 明治; nobody on file was born before 1900."""

UNKNOWN_BIRTH_PLACEHOLDER = dt.date(1970, 1, 1)


def store_call(parent: QWidget, action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a store call; an expected failure is shown in Japanese and reported as (False, None)."""
    try:
        return True, action()
    except JusouError as exc:
        messages.show_error(parent, exc)
        return False, None


def wareki(value: dt.date | None) -> str:
    if value is None:
        return ""
    try:
        return format_wareki(value)
    except ValueError:
        return value.isoformat()


def age_text(birth_date: dt.date | None, today: dt.date | None = None) -> str:
    if birth_date is None:
        return "年齢不明"
    return f"{age_on(birth_date, today or dt.date.today())}歳"


def date_field(value: dt.date | None = None) -> DateField:
    """A DateField limited to dates the 和暦 label can show."""
    field = DateField(value)
    field.edit.setMinimumDate(QDate(EARLIEST.year, EARLIEST.month, EARLIEST.day))
    return field


def first_line(text: str, limit: int = 80) -> str:
    line = next((part for part in text.splitlines() if part.strip()), "").strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def enum_combo(values: Sequence[StrEnum], *, empty: str | None = None) -> QComboBox:
    """A combo of Japanese enum values (the item data is the value's text; Qt keeps no enums)."""
    combo = QComboBox()
    if empty is not None:
        combo.addItem(empty, None)
    for value in values:
        combo.addItem(value.value, value.value)
    return combo


def chosen(combo: QComboBox, enum_type: type[E]) -> E | None:
    data = combo.currentData()
    return None if data is None else enum_type(data)


def choose(combo: QComboBox, value: StrEnum | None) -> None:
    index = combo.findData(value.value if value is not None else None)
    combo.setCurrentIndex(max(0, index))


class BirthDateField(QWidget):
    """生年月日: a 「不明」 box, then the date with its 和暦 and the age (hidden while unknown)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.date = date_field(UNKNOWN_BIRTH_PLACEHOLDER)
        self.unknown = QCheckBox("不明")
        self.age = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.unknown)
        layout.addWidget(self.date)
        layout.addWidget(self.age)
        layout.addStretch(1)
        self.date.edit.dateChanged.connect(self._changed)
        self.unknown.toggled.connect(self._changed)
        self._changed()

    def _changed(self) -> None:
        unknown = self.unknown.isChecked()
        self.date.setVisible(not unknown)
        self.age.setVisible(not unknown)
        self.age.setText("" if unknown else f"（{age_text(self.date.date())}）")
        self.changed.emit()

    def value(self) -> dt.date | None:
        return None if self.unknown.isChecked() else self.date.date()

    def set_value(self, value: dt.date | None) -> None:
        self.date.set_date(value or UNKNOWN_BIRTH_PLACEHOLDER)
        self.unknown.setChecked(value is None)
        self._changed()


def read_only_rows(view: QTableView) -> None:
    """Whole rows, one at a time, never edited in place; striped, unwrapped, without row numbers."""
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setHighlightSections(False)


def make_table(headers: Sequence[str], *, stretch: int | Sequence[int] = ()) -> QTableWidget:
    """A read-only table that selects whole rows.

    Short columns fit their contents; the free-text columns named by ``stretch`` share the rest
    of the width (the last column when none is named), so a long remark cannot squeeze the others.
    """
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    read_only_rows(table)
    table.setTabKeyNavigation(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in [stretch] if isinstance(stretch, int) else stretch or [len(headers) - 1]:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[str]], data: Sequence[object] = ()) -> None:
    """Replace the table's rows; ``data`` (one value per row) is kept on the first cell."""
    table.setRowCount(0)
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, text in enumerate(values):
            item = QTableWidgetItem(text)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if c == 0 and r < len(data):
                item.setData(Qt.ItemDataRole.UserRole, data[r])
            table.setItem(r, c, item)


def fill_case_table(table: QTableWidget, rows: Sequence[CaseRow]) -> None:
    """ケース番号・氏名・フリガナ・状態 of found cases (each keeping its id); a single one is selected."""
    fill_table(table, [[r.number, r.name, r.kana, r.status.value] for r in rows], [int(r.id) for r in rows])
    if len(rows) == 1:
        table.selectRow(0)


def selected_row(table: QTableWidget) -> int | None:
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else None


def row_data(table: QTableWidget, row: int) -> object:
    item = table.item(row, 0)
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def fill_filter(combo: QComboBox, choices: Sequence[tuple[str, object]], all_label: str) -> None:
    """Refill a filter combo with 「すべて」 and (text, data) choices, keeping the choice and emitting nothing."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(all_label, None)
    for text, data in choices:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


def fill_agency_filter(combo: QComboBox, agencies: Sequence[Agency], all_label: str) -> None:
    """Refill a filter combo with 「すべて」 and the agencies, keeping the choice and emitting nothing."""
    fill_filter(combo, [(agency.name, agency.id) for agency in agencies], all_label)


def fit_dialog_width(dialog: QWidget, characters: int = 32) -> None:
    """Wide enough for a sentence of ``characters`` full-width characters at the current font."""
    dialog.setMinimumWidth(dialog.fontMetrics().horizontalAdvance("あ") * characters)


def hint_label(text: str = "") -> QLabel:
    """A wrapped explanatory line that the user can select and copy."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
