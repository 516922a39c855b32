"""The start screen: recent databases, 「開く」, 「新規作成」 and 「デモを開く」."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.crashlog import app_home
from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.wareki import format_wareki
from jusou_desktop.gui import messages, recent
from jusou_desktop.gui.create import CreateDatabaseDialog
from jusou_desktop.gui.unlock import UnlockDialog
from jusou_desktop.store.database import Database


class StartPage(QWidget):
    opened = Signal(object, str)  # Database, user name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("重層支援デスクトップ")
        font = title.font()
        font.setPointSize(font.pointSize() + 8)
        title.setFont(font)
        lead = QLabel("データベース（暗号化ファイル）を選んでください。USBメモリ上のファイルも開けます。")
        lead.setWordWrap(True)
        self.recent_list = QListWidget()
        self.open_button = QPushButton("開く…")
        self.create_button = QPushButton("新規作成…")
        self.demo_button = QPushButton("デモを開く")
        self.demo_button.setToolTip(
            "架空の町「つむぎ町」の見本データで操作を試せます（実在の人物は含みません）"
        )
        buttons = QHBoxLayout()
        for button in (self.open_button, self.create_button, self.demo_button):
            button.setMinimumHeight(36)
            button.setMinimumWidth(140)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 36, 48, 36)
        layout.addWidget(title)
        layout.addWidget(lead)
        layout.addWidget(QLabel("最近使ったデータベース"))
        self.recent_list.setMaximumHeight(260)
        layout.addWidget(self.recent_list)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.open_button.clicked.connect(self._open_clicked)
        self.create_button.clicked.connect(self._create)
        self.demo_button.clicked.connect(self._demo)
        self.recent_list.itemActivated.connect(self._open_item)
        self.refresh()

    def refresh(self) -> None:
        self.recent_list.clear()
        for entry in recent.load():
            missing = (
                "" if entry.path.exists() else "（見つかりません: USBメモリが外れている可能性があります）"
            )
            when = f"{format_wareki(entry.last_opened.date())} {entry.last_opened:%H:%M}"
            item = QListWidgetItem(f"{entry.path.name}　—　{entry.path.parent}　最終利用 {when}{missing}")
            item.setData(Qt.ItemDataRole.UserRole, str(entry.path))
            item.setData(Qt.ItemDataRole.UserRole + 1, entry.user_name)
            self.recent_list.addItem(item)
        if self.recent_list.count():
            self.recent_list.setCurrentRow(0)

    def _open_clicked(self) -> None:
        item = self.recent_list.currentItem()
        if item is not None and Path(item.data(Qt.ItemDataRole.UserRole)).exists():
            self._open_item(item)
            return
        chosen, _ = QFileDialog.getOpenFileName(
            self, "データベースを開く", "", "重層支援データベース (*.jusou)"
        )
        if chosen:
            self.open_path(Path(chosen))

    def _open_item(self, item: QListWidgetItem) -> None:
        self.open_path(
            Path(item.data(Qt.ItemDataRole.UserRole)), item.data(Qt.ItemDataRole.UserRole + 1) or ""
        )

    def open_path(self, path: Path, user_name: str = "") -> None:
        dialog = UnlockDialog(path, user_name, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.database is not None:
            self.opened.emit(dialog.database, dialog.user.text().strip())

    def _create(self) -> None:
        dialog = CreateDatabaseDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.database is not None:
            self.opened.emit(dialog.database, "")

    def _demo(self) -> None:
        from jusou_desktop.demo import create_demo_database, generate_passphrase

        folder = app_home() / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "つむぎ町デモ.jusou"
        passphrase = generate_passphrase()
        try:
            if path.exists():
                path.unlink()  # the demo holds only fictional data and is rebuilt each time
            create_demo_database(path, passphrase)
            database = Database.open(path, passphrase)
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        messages.inform(
            self, f"デモ用データベースを作りました（架空の人物のみ）。\nパスフレーズ: {passphrase}"
        )
        self.opened.emit(database, "デモ 利用者")
