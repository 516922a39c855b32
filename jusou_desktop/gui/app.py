"""Start the GUI: the main window on its start screen, or straight into a given file."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from jusou_desktop.crashlog import apology, write_crash_log
from jusou_desktop.domain.errors import JusouError
from jusou_desktop.gui import messages
from jusou_desktop.gui.fonts import register_japanese_font
from jusou_desktop.gui.main_window import APP_TITLE, MainWindow
from jusou_desktop.store.database import Database

_translators: list[QTranslator] = []


def install_japanese_translations(app: QApplication) -> None:
    """Qt's own texts (standard buttons, file dialogs, context menus) in Japanese."""
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_ja", "qt_ja"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)


def install_gui_excepthook() -> None:
    """A bug in a slot: write a log without personal data and show a short apology, not a traceback."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = apology(write_crash_log(exc_type, tb))
        print(text, file=sys.stderr)
        if QApplication.instance() is not None:
            QMessageBox.critical(None, APP_TITLE, text)

    sys.excepthook = hook


def make_app() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_TITLE)
    install_japanese_translations(app)
    register_japanese_font(app)
    return app


def run(path: Path | None, passphrase: str | None) -> int:
    """``path`` and ``passphrase`` (e.g. from ``demo --open``) open a file directly."""
    install_gui_excepthook()
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
