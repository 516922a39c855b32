"""Pieces of the list screens (ケース, 関係機関, 地域資源): a table model over a list of rows, the
read-only table view that shows it, Enter opening the current row, the search box with its
Ctrl+F and the Ctrl+N that registers, the labels of the details beside the list, and the count line
under it.

:class:`RowsModel` only holds the rows and the column titles; where the rows come from, and in
which order, is up to its subclass (the case list and the 地域資源 register sort in SQL).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.gui.case_file_common import read_only_rows

Index = QModelIndex | QPersistentModelIndex


class _Record(Protocol):
    @property
    def id(self) -> object: ...


R = TypeVar("R", bound=_Record)


class RowsModel(QAbstractTableModel, Generic[R]):
    """Rows of one kind under fixed column titles; a subclass gives ``data``."""

    def __init__(self, columns: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def row_of(self, record_id: object) -> int:
        """The row of the record with ``record_id``; -1 when it is not among the rows."""
        return next((i for i, r in enumerate(self._rows) if r.id == record_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section]
        return None


def table_view(model: QAbstractItemModel) -> QTableView:
    """A read-only list over ``model`` (whole rows, one at a time), its rows a little taller."""
    view = QTableView()
    view.setModel(model)
    read_only_rows(view)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    return view


def select_row(view: QTableView, index: QModelIndex) -> None:
    """Make ``index`` current, with its row the only one selected."""
    view.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )


def list_pane(
    filters: Sequence[QLayout], table: QTableView, count: QLabel, buttons: Sequence[QPushButton]
) -> QWidget:
    """A register's list side: the filter rows, the list, and under it the count beside the buttons."""
    under = QHBoxLayout()
    under.addWidget(count, 1)
    for button in buttons:
        under.addWidget(button)
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    for row in filters:
        layout.addLayout(row)
    layout.addWidget(table, 1)
    layout.addLayout(under)
    return pane


def selected_index(view: QTableView) -> QModelIndex | None:
    """The view's current index when its row is selected (a row can be current without it)."""
    index = view.currentIndex()
    if not index.isValid() or not view.selectionModel().isRowSelected(index.row(), QModelIndex()):
        return None
    return index


class EnterOpens(QObject):
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


def search_box(placeholder: str) -> QLineEdit:
    box = QLineEdit()
    box.setPlaceholderText(placeholder)
    box.setToolTip("ひらがな・カタカナ、全角・半角のどちらで入力しても探せます（Ctrl+F）。")
    box.setClearButtonEnabled(True)
    return box


def list_shortcuts(screen: QWidget, search: QLineEdit, add: Callable[[], None]) -> tuple[QAction, QAction]:
    """新規登録 (Ctrl+N) runs ``add`` and 検索 (Ctrl+F) goes to ``search``, anywhere on ``screen``."""

    def focus_search() -> None:
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    actions = []
    for text, key, slot in (
        ("新規登録", QKeySequence.StandardKey.New, add),
        ("検索", QKeySequence.StandardKey.Find, focus_search),
    ):
        action = QAction(text, screen)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        screen.addAction(action)
        actions.append(action)
    return actions[0], actions[1]


def detail_labels(form: QFormLayout, captions: Sequence[str]) -> dict[str, QLabel]:
    """A row in ``form`` for each caption, its value a selectable, wrapping label (by caption)."""
    labels: dict[str, QLabel] = {}
    for caption in captions:
        value = QLabel()
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        labels[caption] = value
        form.addRow(caption, value)
    return labels


def count_text(noun: str, registered: int, hidden: int, shown: int) -> str:
    """The line under a register: 「全12件」, 「12件中 3件を表示」…, and how many 休止中 are hidden.

    ``registered`` counts every record, ``hidden`` the 休止中 ones left out of the list,
    ``shown`` the rows the filters let through.
    """
    total = registered - hidden
    if not registered:
        text = f"まだ{noun}が登録されていません。「新規登録」から登録してください。"
    elif shown == 0:
        text = f"条件に合う{noun}はありません（全{total}件）"
    elif shown == total:
        text = f"全{total}件"
    else:
        text = f"{total}件中 {shown}件を表示"
    if hidden:
        text += f"（休止中の{hidden}件は非表示）"
    return text
