"""Auto-lock: an application-wide inactivity timer and the lock screen (cf. KeePassXC).

Any keyboard or mouse input anywhere in the application restarts one timer; when it fires the
main window locks.  The lock screen shows no personal detail, only the file name.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget

DEFAULT_MINUTES = 10

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.InputMethod,
}


class InactivityTimer(QObject):
    inactive = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.inactive)

    def set_interval_ms(self, milliseconds: int) -> None:
        self._timer.setInterval(milliseconds)

    def interval_ms(self) -> int:
        return self._timer.interval()

    def activate(self, target: QObject) -> None:
        target.installEventFilter(self)
        self._timer.start()

    def deactivate(self, target: QObject) -> None:
        target.removeEventFilter(self)
        self._timer.stop()

    def is_running(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False


class LockScreen(QWidget):
    unlock_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("ロックしています")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSize(font.pointSize() + 6)
        self.title.setFont(font)
        self.file_label = QLabel()
        self.file_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("パスフレーズ")
        self.passphrase.setMinimumWidth(340)
        self.passphrase.setMaximumWidth(420)
        self.button = QPushButton("ロックを解除")
        self.button.setMaximumWidth(420)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(420)
        self.busy.setVisible(False)
        hint = QLabel("入力中だった内容は保存されています。解除すると元に戻ります。")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (
            self.title,
            self.file_label,
            hint,
            self.passphrase,
            self.button,
            self.busy,
            self.message,
        ):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        self.passphrase.returnPressed.connect(self._request)
        self.button.clicked.connect(self._request)

    def prepare(self, file_name: str) -> None:
        self.file_label.setText(f"ファイル: {file_name}")
        self.passphrase.clear()
        self.message.clear()
        self.set_busy(False)
        self.passphrase.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.button.setEnabled(not busy)
        self.passphrase.setEnabled(not busy)

    def _request(self) -> None:
        if self.passphrase.text() and self.button.isEnabled():
            self.unlock_requested.emit(self.passphrase.text())
