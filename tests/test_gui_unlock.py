"""The GUI opens a database as a user would: type the passphrase, see the cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.model import Person
from jusou_desktop.gui.app import MainWindow, UnlockDialog
from jusou_desktop.store.database import Database
from tests.conftest import PASSPHRASE
from tests.qt_typing import type_text


def test_wrong_then_right_passphrase(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path, PASSPHRASE) as db:
        db.cases.create(Person(name="架空 花子", kana="カクウ ハナコ"), opened_on=dt.date(2024, 4, 1))
    dialog = UnlockDialog(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.passphrase, "まちがいのパスフレーズ")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert "パスフレーズが正しくありません" in dialog.message.text()
    assert dialog.database is None
    dialog.passphrase.clear()
    type_text(qtbot, dialog.passphrase, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.database is not None
    window = MainWindow(dialog.database)
    qtbot.addWidget(window)
    assert window.model.rowCount() == 1
    assert window.model.index(0, 1).data() == "架空 花子"
    window.close()
    assert not dialog.database.is_open
