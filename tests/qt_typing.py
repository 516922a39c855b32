"""Typing as a Japanese user does: ASCII through key clicks, Japanese through an IME commit.

QTest.keyClicks asserts on non-ASCII characters, and real Japanese input arrives from the input
method as a committed string (QInputMethodEvent), so that is what these helpers send.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot


def ime_commit(widget: QWidget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QCoreApplication.sendEvent(widget, event)


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget``: runs of ASCII as key clicks, other runs as IME commits."""
    run = ""
    for char in text:
        if char.isascii() != (run[:1].isascii() if run else char.isascii()):
            _flush(qtbot, widget, run)
            run = ""
        run += char
    _flush(qtbot, widget, run)


def _flush(qtbot: QtBot, widget: QWidget, run: str) -> None:
    if not run:
        return
    if run.isascii():
        qtbot.keyClicks(widget, run)
    else:
        ime_commit(widget, run)
