"""Message boxes in Japanese, with a seam so tests can answer modal questions.

Every expected failure (a JusouError) is shown with its own message; anything else is a bug,
logged without personal data (crashlog) and shown as a short apology.  Tests call
``set_next_answers(...)`` instead of clicking a modal box (cf. KeePassXC MessageBox).
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from jusou_desktop.crashlog import report_unexpected
from jusou_desktop.domain.errors import JusouError

TITLE = "重層支援デスクトップ"

_next_answers: deque[bool] = deque()
_next_texts: deque[str | None] = deque()
_next_paths: deque[Path | None] = deque()
shown: list[str] = []
"""Texts of the boxes shown while answers were scripted (for tests)."""


def set_next_answers(*answers: bool) -> None:
    """The next ``ask`` calls return these answers without showing a box."""
    _next_answers.extend(answers)


def set_next_texts(*texts: str | None) -> None:
    """The next ``ask_text`` calls return these (None = the user cancelled)."""
    _next_texts.extend(texts)


def set_next_save_paths(*paths: Path | None) -> None:
    """The next ``choose_save_path`` calls return these (None = the user cancelled)."""
    _next_paths.extend(paths)


def _unscripted(text: str) -> None:
    """Quiet (test) mode: a question nobody scripted would wait forever for a click; fail instead."""
    if _quiet:
        raise AssertionError(f"unscripted question in quiet mode: {text}")


def ask_text(parent: QWidget | None, text: str, *, initial: str = "") -> str | None:
    """A line of text from the user (None when cancelled)."""
    if _next_texts:
        shown.append(text)
        return _next_texts.popleft()
    _unscripted(text)
    value, ok = QInputDialog.getText(parent, TITLE, text, QLineEdit.EchoMode.Normal, initial)
    return value if ok else None


def choose_save_path(parent: QWidget | None, caption: str, suggested: Path, name_filter: str) -> Path | None:
    """Where to write a file: always the user's own choice (None when cancelled)."""
    if _next_paths:
        shown.append(caption)
        return _next_paths.popleft()
    _unscripted(caption)
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, str(suggested), name_filter)
    return Path(chosen) if chosen else None


def ask(parent: QWidget | None, text: str, *, yes: str = "はい", no: str = "いいえ") -> bool:
    if _next_answers:
        shown.append(text)
        return _next_answers.popleft()
    _unscripted(text)
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
    _unscripted(text)
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
    _next_texts.clear()
    _next_paths.clear()
    shown.clear()


def set_quiet(quiet: bool) -> None:
    """Tests: record information and error boxes in ``shown`` instead of showing them."""
    global _quiet
    _quiet = quiet
