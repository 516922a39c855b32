"""Start the GUI: the main window on its start screen, or straight into a given file."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from jusou_desktop.crashlog import install_excepthook
from jusou_desktop.domain.errors import JusouError
from jusou_desktop.gui import messages
from jusou_desktop.gui.fonts import register_japanese_font
from jusou_desktop.gui.main_window import APP_TITLE, MainWindow
from jusou_desktop.store.database import Database


def make_app() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_TITLE)
    register_japanese_font(app)
    return app


def run(path: Path | None, passphrase: str | None) -> int:
    """``path`` and ``passphrase`` (e.g. from ``demo --open``) open a file directly."""
    install_excepthook()
    app = make_app()
    window = MainWindow()
    window.show()
    if path is not None and passphrase is not None:
        try:
            window.open_session(Database.open(path, passphrase), "デモ 利用者")
        except JusouError as exc:
            messages.show_error(window, exc)
    elif path is not None:
        window.start.open_path(path)
    return app.exec()
