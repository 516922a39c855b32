"""Acting in a modal dialog as a user would, without hanging the test when a check fails."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget


def when_modal(action: Callable[[QWidget], None]) -> list[BaseException]:
    """Run ``action`` on the next modal dialog once it is shown.

    A failed check inside the dialog closes it (so the test cannot hang) and is kept in the
    returned list, which the caller asserts empty after the dialog's ``exec`` returns.
    """
    errors: list[BaseException] = []

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, act)
            return
        try:
            action(dialog)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)
            if isinstance(dialog, QDialog):
                dialog.reject()

    QTimer.singleShot(0, act)
    return errors
