"""Start, create and unlock as a user would: type the passphrase, see the cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.model import Person
from jusou_desktop.gui import messages
from jusou_desktop.gui.create import CreateDatabaseDialog
from jusou_desktop.gui.unlock import UnlockDialog
from jusou_desktop.store.database import Database
from jusou_desktop.store.lockfile import lock_path_for
from tests.conftest import PASSPHRASE
from tests.qt_typing import type_text

pytestmark = pytest.mark.usefixtures("quiet_messages")


def _open(qtbot: QtBot, dialog: UnlockDialog, passphrase: str) -> None:
    dialog.passphrase.clear()
    type_text(qtbot, dialog.passphrase, passphrase)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy.isVisible(), timeout=5000)


def test_wrong_then_right_passphrase(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path, PASSPHRASE) as db:
        db.cases.create(Person(name="架空 花子", kana="カクウ ハナコ"), opened_on=dt.date(2024, 4, 1))
    dialog = UnlockDialog(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    _open(qtbot, dialog, "まちがいのパスフレーズ")
    assert "パスフレーズが正しくありません" in dialog.message.text()
    assert dialog.database is None
    assert dialog.passphrase.text() == "まちがいのパスフレーズ", "what the user typed stays, selected"
    _open(qtbot, dialog, PASSPHRASE)
    assert dialog.database is not None
    assert dialog.database.cases.count() == 1
    dialog.database.close()


def test_lock_held_elsewhere_can_be_taken_over_after_confirmation(qtbot: QtBot, db_path: Path) -> None:
    lock_path_for(db_path).write_text(
        '{"host": "another-pc", "user": "someone", "pid": 1, "since": "2024-04-01T09:00:00", "token": "t"}',
        encoding="utf-8",
    )
    dialog = UnlockDialog(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    messages.set_next_answers(False)
    _open(qtbot, dialog, PASSPHRASE)
    assert dialog.database is None
    assert "別の端末で使用中です" in dialog.message.text()
    assert "another-pc" in messages.shown[-1]
    messages.set_next_answers(True)
    _open(qtbot, dialog, PASSPHRASE)
    assert dialog.database is not None
    dialog.database.close()


def test_missing_file_message_in_the_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = UnlockDialog(tmp_path / "USB" / "外れた.jusou")
    qtbot.addWidget(dialog)
    dialog.show()
    _open(qtbot, dialog, PASSPHRASE)
    assert "見つかりません" in dialog.message.text()


def test_create_asks_twice_and_shows_strength(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = CreateDatabaseDialog(folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    target = tmp_path / "新しい町.jusou"
    dialog.location.setText(str(target))
    type_text(qtbot, dialog.town, "つむぎ町")
    type_text(qtbot, dialog.passphrase, "short")
    assert "10文字以上" in dialog.strength.text()
    dialog.passphrase.clear()
    type_text(qtbot, dialog.passphrase, PASSPHRASE)
    assert "強さ" in dialog.strength.text()
    type_text(qtbot, dialog.confirmation, "ちがう確認用の文字列です")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "一致しません" in dialog.message.text()
    assert not target.exists()
    dialog.confirmation.clear()
    type_text(qtbot, dialog.confirmation, PASSPHRASE)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.database is not None
    assert dialog.database.settings.town_name() == "つむぎ町"
    dialog.database.close()
    assert not target.read_bytes().startswith(b"SQLite format 3")
