"""ケースファイル「課題タグ」: the case's problem tags, saved as soon as one is ticked."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import Case
from jusou_desktop.gui.case_file_common import hint_label, store_call
from jusou_desktop.gui.session import Session


class TagsTab(QWidget):
    saved = Signal()

    def __init__(self, session: Session, case_id: CaseId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        self._loading = False
        self.tags = QListWidget()
        self.tags.setFlow(QListView.Flow.LeftToRight)
        self.tags.setWrapping(True)
        self.tags.setResizeMode(QListView.ResizeMode.Adjust)
        self.new_tag = QLineEdit()
        self.new_tag.setPlaceholderText("一覧にない課題（町独自のタグ）を入力")
        self.add_button = QPushButton("タグを追加")
        self.summary = hint_label()
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_tag, 1)
        add_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                "当てはまる課題にチェックを付けてください（矢印キーで選び、スペースキーで切り替えられます）。"
                "チェックはすぐに保存されます。"
            )
        )
        layout.addWidget(self.tags, 1)
        layout.addWidget(self.summary)
        layout.addLayout(add_row)
        self.tags.itemChanged.connect(self._on_item_changed)
        self.add_button.clicked.connect(self.add_tag)
        self.new_tag.returnPressed.connect(self.add_tag)

    def _items(self) -> list[QListWidgetItem]:
        return [self.tags.item(i) for i in range(self.tags.count())]

    def _append(self, name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        self.tags.addItem(item)
        return item

    def load(self, case: Case) -> None:
        """Show the case's tags; the list keeps its current item so keyboard work goes on."""
        names = list(dict.fromkeys([*self.session.db.cases.all_tags(), *case.tags]))
        current = self.tags.currentItem().text() if self.tags.currentItem() else None
        self._loading = True
        try:
            if names != [item.text() for item in self._items()]:
                self.tags.clear()
                for name in names:
                    self._append(name)
            for item in self._items():
                state = Qt.CheckState.Checked if item.text() in case.tags else Qt.CheckState.Unchecked
                item.setCheckState(state)
                if item.text() == current:
                    self.tags.setCurrentItem(item)
        finally:
            self._loading = False
        self._fit_grid()
        self._show_summary()

    def _fit_grid(self) -> None:
        """Columns as wide as the longest tag at the current font size, so no name is cut off."""
        metrics = self.tags.fontMetrics()
        widest = max((metrics.horizontalAdvance(item.text()) for item in self._items()), default=0)
        box = self.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
        self.tags.setGridSize(QSize(widest + box + metrics.averageCharWidth() * 4, metrics.height() * 2))

    def checked(self) -> list[str]:
        return [item.text() for item in self._items() if item.checkState() == Qt.CheckState.Checked]

    def _show_summary(self) -> None:
        chosen = self.checked()
        self.summary.setText("選択中：" + "・".join(chosen) if chosen else "選択中の課題はありません。")

    def _on_item_changed(self, _item: QListWidgetItem) -> None:
        if not self._loading:
            self._store()

    def _store(self) -> bool:
        names = self.checked()
        ok, _ = store_call(self, lambda: self.session.db.cases.set_tags(self.case_id, names))
        if ok:
            self._show_summary()
            self.saved.emit()
        return ok

    def add_tag(self) -> None:
        """Tick the typed tag, adding it to the list when the town has not used it yet."""
        name = self.new_tag.text().strip()
        if not name:
            self.new_tag.setFocus()
            return
        self._loading = True
        try:
            found = self.tags.findItems(name, Qt.MatchFlag.MatchExactly)
            item = found[0] if found else self._append(name)
            item.setCheckState(Qt.CheckState.Checked)
        finally:
            self._loading = False
        self._fit_grid()
        if self._store():
            self.new_tag.clear()
            added = self.tags.findItems(name, Qt.MatchFlag.MatchExactly)
            if added:
                self.tags.setCurrentItem(added[0])
                self.tags.scrollToItem(added[0])
