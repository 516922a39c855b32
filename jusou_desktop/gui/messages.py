"""Message boxes in Japanese, with a seam so tests can answer modal questions.

Every expected failure (a JusouError) is shown with its own message; anything else is a bug,
logged without personal data (crashlog) and shown as a short apology.  Tests call
``set_next_answers(...)`` instead of clicking a modal box (cf. KeePassXC MessageBox).
"""

from __future__ import annotations

from collections import deque

from PySide6.QtWidgets import QMessageBox, QWidget

from jusou_desktop.crashlog import report_unexpected
from jusou_desktop.domain.errors import JusouError

TITLE = "重層支援デスクトップ"

_next_answers: deque[bool] = deque()
shown: list[str] = []
"""Texts of the boxes shown while answers were scripted (for tests)."""


def set_next_answers(*answers: bool) -> None:
    """The next ``ask`` calls return these answers without showing a box."""
    _next_answers.extend(answers)


def ask(parent: QWidget | None, text: str, *, yes: str = "はい", no: str = "いいえ") -> bool:
    if _next_answers:
        shown.append(text)
        return _next_answers.popleft()
    box = QMessageBox(QMessageBox.Icon.Question, TITLE, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.exec()
    return box.clickedButton() is yes_button


def ask_three(parent: QWidget | None, text: str, save: str, discard: str, cancel: str = "キャンセル") -> str:
    """Returns "save", "discard" or "cancel" (scripted answers: True = save, False = discard)."""
    if _next_answers:
        shown.append(text)
        return "save" if _next_answers.popleft() else "discard"
    box = QMessageBox(QMessageBox.Icon.Question, TITLE, text, parent=parent)
    save_button = box.addButton(save, QMessageBox.ButtonRole.AcceptRole)
    discard_button = box.addButton(discard, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(cancel, QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    return "save" if clicked is save_button else "discard" if clicked is discard_button else "cancel"


def inform(parent: QWidget | None, text: str) -> None:
    if _scripted():
        shown.append(text)
        return
    QMessageBox.information(parent, TITLE, text)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """An expected failure in its own words; anything else as an apology with a scrubbed log."""
    text = exc.message if isinstance(exc, JusouError) else report_unexpected(exc)
    if _scripted():
        shown.append(text)
        return
    QMessageBox.warning(parent, TITLE, text)


_quiet = False


def _scripted() -> bool:
    return _quiet


def reset() -> None:
    """Tests: forget scripted answers and recorded boxes."""
    _next_answers.clear()
    shown.clear()


def set_quiet(quiet: bool) -> None:
    """Tests: record information and error boxes in ``shown`` instead of showing them."""
    global _quiet
    _quiet = quiet
