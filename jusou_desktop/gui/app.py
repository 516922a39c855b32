"""Start the GUI: choose or unlock a database, then show the main window.

This is the minimal shell of the store issue; the desktop shell issue replaces it with the
start screen, navigation, case file and auto-lock.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.crashlog import install_excepthook
from jusou_desktop.domain.errors import JusouError
from jusou_desktop.gui.case_model import CaseTableModel
from jusou_desktop.store.database import Database

APP_TITLE = "重層支援デスクトップ"


class UnlockDialog(QDialog):
    """Asks for the passphrase and opens the file; errors stay in the dialog in Japanese."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.database: Database | None = None
        self.setWindowTitle("データベースを開く")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Open).setText("開く")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        buttons.accepted.connect(self._open)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("ファイル", QLabel(str(path)))
        form.addRow("パスフレーズ", self.passphrase)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _open(self) -> None:
        if self.database is not None:
            return
        try:
            self.database = Database.open(self.path, self.passphrase.text())
        except JusouError as exc:
            self.message.setText(exc.message)
            self.passphrase.selectAll()
            return
        self.accept()


class MainWindow(QMainWindow):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.setWindowTitle(f"{APP_TITLE} — {db.path.name}")
        self.model = CaseTableModel(db, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(QLabel(f"ケース {self.model.total()} 件"))
        layout.addWidget(self.table)
        self.setCentralWidget(central)
        self.resize(1100, 700)

    def closeEvent(self, event: object) -> None:
        self.db.close()


def run(path: Path | None, passphrase: str | None) -> int:
    install_excepthook()
    app = QApplication.instance() or QApplication(sys.argv)
    if not isinstance(app, QApplication):
        return 1
    app.setApplicationName(APP_TITLE)
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(
            None, "データベースを開く", "", "重層支援データベース (*.jusou)"
        )
        if not chosen:
            return 0
        path = Path(chosen)
    db: Database | None = None
    if passphrase is not None:
        try:
            db = Database.open(path, passphrase)
        except JusouError as exc:
            QMessageBox.warning(None, APP_TITLE, exc.message)
    if db is None:
        dialog = UnlockDialog(path)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.database is None:
            return 0
        db = dialog.database
    window = MainWindow(db)
    window.show()
    return app.exec()
