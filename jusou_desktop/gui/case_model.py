"""A lazy table model over the case list: rows come from SQL a page at a time.

Sorting and filtering happen in SQL (a QSortFilterProxyModel over 100,000 rows took 29 s);
the view asks for more rows through canFetchMore/fetchMore as the user scrolls.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from jusou_desktop.domain.model import CaseRow
from jusou_desktop.domain.wareki import format_wareki
from jusou_desktop.gui.record_list import Index, RowsModel
from jusou_desktop.store.cases import CaseFilter, CaseSort
from jusou_desktop.store.database import Database

PAGE = 200

_COLUMNS: tuple[tuple[str, CaseSort | None], ...] = (
    ("ケース番号", CaseSort.NUMBER),
    ("氏名", CaseSort.KANA),
    ("フリガナ", CaseSort.KANA),
    ("状態", CaseSort.STATUS),
    ("受付日", CaseSort.OPENED),
    ("地区", CaseSort.DISTRICT),
    ("本人同意", None),
    ("主担当機関", None),
    ("課題", None),
)


class CaseTableModel(RowsModel[CaseRow]):
    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__([title for title, _sort in _COLUMNS], parent)
        self._db = db
        self._filter = CaseFilter()
        self._sort = CaseSort.NUMBER
        self._descending = True
        self._total = 0
        self.reload()

    # ---- what is shown -------------------------------------------------------------------

    def set_filter(self, flt: CaseFilter) -> None:
        self._filter = flt
        self.reload()

    @property
    def current_filter(self) -> CaseFilter:
        return self._filter

    def total(self) -> int:
        return self._total

    def reload(self) -> None:
        self.beginResetModel()
        self._total = self._db.cases.count(self._filter)
        self._rows = self._fetch(0)
        self.endResetModel()

    def _fetch(self, offset: int) -> list[CaseRow]:
        return self._db.cases.rows(
            self._filter, sort=self._sort, descending=self._descending, limit=PAGE, offset=offset
        )

    # ---- Qt model interface --------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = self._fetch(len(self._rows))
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "・".join(row.tags) if index.column() == len(_COLUMNS) - 1 and row.tags else None
        values = (
            row.number,
            row.name,
            row.kana,
            row.status.value,
            format_wareki(row.opened_on),
            row.district,
            row.consent_state.value,
            row.lead_agency,
            "・".join(row.tags),
        )
        return values[index.column()]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = _COLUMNS[column][1]
        if key is None:
            return
        self._sort = key
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()
