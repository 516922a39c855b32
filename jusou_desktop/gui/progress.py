"""Long work (PDF, export, import, backup) off the GUI thread, with a progress bar and 中止.

The work is a plain function taking a :class:`Progress`; it reports ``(done, total)`` and asks
``cancelled()`` between steps.  Writers write to a temporary file and rename it at the end, so
a cancelled job leaves nothing half-written.  The work must not touch widgets or the GUI
thread's database connection: read what it needs on the GUI thread first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from jusou_desktop.gui.tasks import run_in_background


class Progress(QObject):
    """Handed to the work function; thread-safe."""

    advanced = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self._cancel = threading.Event()

    def report(self, done: int, total: int) -> None:
        self.advanced.emit(done, total)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


def run_with_progress(
    parent: QWidget,
    label: str,
    work: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
) -> QProgressDialog:
    """Start ``work`` in the background behind a window-modal progress dialog with 中止."""
    dialog = QProgressDialog(label, "中止", 0, 0, parent)
    dialog.setWindowTitle("処理中")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    progress = Progress()
    dialog.canceled.connect(progress.cancel)

    def advanced(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    progress.advanced.connect(advanced, Qt.ConnectionType.QueuedConnection)

    def finished(result: Any) -> None:
        dialog.canceled.disconnect(progress.cancel)
        dialog.close()
        on_done(result)

    def failed(exc: BaseException) -> None:
        dialog.canceled.disconnect(progress.cancel)
        dialog.close()
        on_failure(exc)

    run_in_background(lambda: work(progress), finished, failed)
    return dialog
