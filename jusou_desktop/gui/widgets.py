"""Small widgets shared by the screens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QSplitter, QTabWidget, QWidget

from jusou_desktop.domain.wareki import format_wareki


def bold(label: QLabel, scale: float = 1.0) -> QLabel:
    """``label`` in bold (a heading when ``scale`` is above 1)."""
    font = QFont(label.font())
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def two_panes(
    orientation: Qt.Orientation,
    first: QWidget,
    second: QWidget,
    stretch: tuple[int, int],
    sizes: Sequence[int],
) -> QSplitter:
    """A splitter of two panes that never collapse; extra room is shared by ``stretch``."""
    splitter = QSplitter(orientation)
    splitter.addWidget(first)
    splitter.addWidget(second)
    splitter.setStretchFactor(0, stretch[0])
    splitter.setStretchFactor(1, stretch[1])
    splitter.setSizes(list(sizes))
    splitter.setChildrenCollapsible(False)
    return splitter


@contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    """Change ``objects`` without their signals firing (they fire again afterwards, even on an error)."""
    for obj in objects:
        obj.blockSignals(True)
    try:
        yield
    finally:
        for obj in objects:
            obj.blockSignals(False)


class DateField(QWidget):
    """A date picker (calendar pop-up, ISO order) with the 和暦 shown beside it."""

    def __init__(self, value: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy/MM/dd")
        self.edit.setMinimumDate(QDate(1900, 1, 1))  # 和暦 starts in 明治; no one in a case is older
        self.wareki = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.wareki)
        layout.addStretch(1)
        self.edit.dateChanged.connect(self._show_wareki)
        self.set_date(value or dt.date.today())

    def _show_wareki(self, _qdate: QDate) -> None:
        self.wareki.setText(format_wareki(self.date()))

    def date(self) -> dt.date:
        q = self.edit.date()
        return dt.date(q.year(), q.month(), q.day())

    def set_date(self, value: dt.date) -> None:
        self.edit.setDate(QDate(value.year, value.month, value.day))
        self._show_wareki(self.edit.date())


class RecordTabs(QTabWidget):
    """A section: lists in a fixed first tab, each open record (referral, meeting, plan) in a closable tab.

    Subclasses say which widget class their records are (``record_type``) and add the first tab
    with :meth:`set_lists`.  A record widget offers ``maybe_close()`` (asks about unsaved input).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabsClosable(True)
        self.setDocumentMode(True)
        self.tabCloseRequested.connect(self.close_tab)

    def record_type(self) -> type[QWidget]:
        raise NotImplementedError

    def set_lists(self, lists: QWidget, title: str) -> None:
        self.addTab(lists, title)
        self.tabBar().setTabButton(0, self.tabBar().ButtonPosition.RightSide, None)

    def widgets(self) -> list[Any]:
        kind = self.record_type()
        return [w for w in (self.widget(i) for i in range(1, self.count())) if isinstance(w, kind)]

    def close_tab(self, index: int) -> bool:
        widget = self.widget(index)
        if index == 0 or not isinstance(widget, self.record_type()):
            return False
        record: Any = widget  # every record widget has maybe_close()
        if not record.maybe_close():
            return False
        self.removeTab(index)
        widget.deleteLater()
        return True
