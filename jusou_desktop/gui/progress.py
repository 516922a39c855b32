"""Long work (PDF, export, import, backup) off the GUI thread, with a progress bar and 中止.

The work is a plain function taking a :class:`Progress`; it reports ``(done, total)`` and asks
``cancelled()`` between steps.  Writers write to a temporary file and rename it at the end, so
a cancelled job leaves nothing half-written.  The work must not touch widgets or the GUI
thread's database connection: read what it needs on the GUI thread first.

The lock stops running work first (:func:`cancel_all`, then waits for the worker threads), so
that no worker still holds the file or the key while the window is locked, and holds back the
results (:func:`hold_results`) until the window is unlocked (:func:`release_results`): nothing
is reported over the lock screen, and nothing touches the closed database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.gui import messages
from jusou_desktop.gui.tasks import run_in_background
from jusou_desktop.store.database import Database


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


_running: set[Progress] = set()
_held: list[Callable[[], None]] | None = None


def cancel_all(*, wait_ms: int = 15_000) -> int:
    """Press 中止 on every running job and wait (at most ``wait_ms``) for the workers to end.

    Returns how many jobs were running.  Jobs stop at their next step (a row, a page, or
    SQLite's progress handler), rolling back or removing what they had half written.
    """
    running = list(_running)
    for progress in running:
        progress.cancel()
    if running:
        QThreadPool.globalInstance().waitForDone(wait_ms)
    return len(running)


def hold_results() -> None:
    """From now on, the end of a job is reported only after :func:`release_results` (the lock)."""
    global _held
    if _held is None:
        _held = []


def release_results() -> None:
    """Report, in order, the jobs that ended while results were held."""
    global _held
    waiting, _held = _held or [], None
    for deliver in waiting:
        deliver()


def drop_held_results() -> None:
    """Forget what was held back (the window closes while locked) and stop holding."""
    global _held
    _held = None


def _deliver(callback: Callable[[], None]) -> None:
    if _held is not None:
        _held.append(callback)
    else:
        callback()


def on_own_connection(
    parent: QWidget, db: Database, work: Callable[[Database, Progress], Any]
) -> Callable[[Progress], Any] | None:
    """``work(view, progress)`` as work for :func:`run_with_progress`, run on a connection the
    worker opens itself (:meth:`Database.opener_for_worker`): the GUI thread's connection is
    never used off it.  None, with the refusal shown, when the database is locked or closed."""
    try:
        open_view = db.opener_for_worker()
    except JusouError as exc:
        messages.show_error(parent, exc)
        return None

    def on_view(progress: Progress) -> Any:
        with open_view() as view:
            return work(view, progress)

    return on_view


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
        _running.discard(progress)
        dialog.canceled.disconnect(progress.cancel)
        dialog.close()
        _deliver(lambda: on_done(result))

    def failed(exc: BaseException) -> None:
        _running.discard(progress)
        dialog.canceled.disconnect(progress.cancel)
        dialog.close()
        _deliver(lambda: on_failure(exc))

    _running.add(progress)
    run_in_background(lambda: work(progress), finished, failed)
    return dialog
