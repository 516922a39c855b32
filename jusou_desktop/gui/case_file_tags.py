"""ケースファイル「課題タグ」: the case's problem tags, saved as soon as one is ticked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
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
        self.tags.setFlow(QListView.Flow.TopToBottom)
        self.tags.setWrapping(True)
        self.tags.setResizeMode(QListView.ResizeMode.Adjust)
        self.tags.setUniformItemSizes(True)
        self.tags.setSpacing(4)
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
                "当てはまる課題にチェックを付けてください（スペースキーでも切り替えられます）。"
                "チェックはすぐに保存されます。"
            )
        )
        layout.addWidget(self.tags, 1)
        layout.addWidget(self.summary)
        layout.addLayout(add_row)
        self.tags.itemChanged.connect(self._on_item_changed)
        self.add_button.clicked.connect(self.add_tag)
        self.new_tag.returnPressed.connect(self.add_tag)

    def load(self, case: Case) -> None:
        """Show the case's tags; the list keeps its current item so keyboard work goes on."""
        names = list(dict.fromkeys([*self.session.db.cases.all_tags(), *case.tags]))
        current = self.tags.currentItem().text() if self.tags.currentItem() else None
        self._loading = True
        try:
            if names != [self.tags.item(i).text() for i in range(self.tags.count())]:
                self.tags.clear()
                for name in names:
                    item = QListWidgetItem(name)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    self.tags.addItem(item)
            for i in range(self.tags.count()):
                item = self.tags.item(i)
                item.setCheckState(
                    Qt.CheckState.Checked if item.text() in case.tags else Qt.CheckState.Unchecked
                )
                if item.text() == current:
                    self.tags.setCurrentItem(item)
        finally:
            self._loading = False
        self._show_summary()

    def checked(self) -> list[str]:
        return [
            item.text()
            for item in (self.tags.item(i) for i in range(self.tags.count()))
            if item.checkState() == Qt.CheckState.Checked
        ]

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
        name = self.new_tag.text().strip()
        if not name:
            self.new_tag.setFocus()
            return
        existing = self.tags.findItems(name, Qt.MatchFlag.MatchExactly)
        self._loading = True
        try:
            if existing:
                item = existing[0]
            else:
                item = QListWidgetItem(name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                self.tags.addItem(item)
            item.setCheckState(Qt.CheckState.Checked)
        finally:
            self._loading = False
        if self._store():
            self.new_tag.clear()
            added = self.tags.findItems(name, Qt.MatchFlag.MatchExactly)
            if added:
                self.tags.setCurrentItem(added[0])
                self.tags.scrollToItem(added[0])
