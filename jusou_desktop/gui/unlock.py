"""The passphrase dialog: opens a file (key derived off the GUI thread) or unlocks a locked window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.gui import messages
from jusou_desktop.gui.tasks import run_in_background
from jusou_desktop.store import connection as cx
from jusou_desktop.store import crypto
from jusou_desktop.store.database import Database
from jusou_desktop.store.errors import InUseElsewhere


class UnlockDialog(QDialog):
    """Ask for the passphrase and the user's name, then open ``path``.

    Errors stay in the dialog in plain Japanese; a lock held by another PC or a crashed program
    can be taken over after confirmation.
    """

    def __init__(self, path: Path, user_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.database: Database | None = None
        self.setWindowTitle("データベースを開く")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.user = QLineEdit(user_name)
        self.user.setPlaceholderText("例: 相談 太郎（経過記録の記録者になります）")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setText("開く")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        self.buttons.accepted.connect(self._open)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        file_label = QLabel(str(path))
        file_label.setWordWrap(True)
        form.addRow("ファイル", file_label)
        form.addRow("パスフレーズ", self.passphrase)
        form.addRow("利用者名", self.user)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())
        self._take_over = False

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.buttons.setEnabled(not busy)
        self.passphrase.setEnabled(not busy)

    def _open(self) -> None:
        if self.database is not None or self.busy.isVisible():
            return
        passphrase, path = self.passphrase.text(), self.path
        if not passphrase:
            self.message.setText("パスフレーズを入力してください。")
            return
        self.message.setText("鍵を確認しています…")
        self._set_busy(True)

        def derive() -> crypto.DerivedKey:
            return crypto.derive(passphrase, cx.inspect_file(path))

        run_in_background(derive, self._derived, self._failed)

    def _derived(self, key: object) -> None:
        assert isinstance(key, crypto.DerivedKey)
        try:
            self.database = Database.open(self.path, key=key, take_over_lock=self._take_over)
        except InUseElsewhere as busy:
            self._set_busy(False)
            self.message.setText(busy.message)
            if messages.ask(
                self, f"{busy.message}\n\n引き継いで開きますか？", yes="引き継いで開く", no="やめる"
            ):
                self._take_over = True
                self._derived(key)
            return
        except JusouError as exc:
            self._failed(exc)
            return
        self._set_busy(False)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, JusouError):
            self.message.setText(exc.message)
        else:
            messages.show_error(self, exc)
            self.message.setText("開けませんでした。")
        self.passphrase.selectAll()
        self.passphrase.setFocus()
