"""Run a plain function off the GUI thread, then call back on it (cf. Anki's QueryOp).

The function must not touch widgets or the GUI thread's database connection; key derivation,
file checks and (later) exports run here so the window never freezes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # delivered to the GUI thread, shown or logged there
            self.relay.failed.emit(exc)
        else:
            self.relay.succeeded.emit(result)


_alive: set[_Relay] = set()


def running() -> int:
    """How many background jobs have not reported back yet."""
    return len(_alive)


def run_in_background(
    fn: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
) -> None:
    relay = _Relay()
    _alive.add(relay)

    def done_ok(result: object) -> None:
        _alive.discard(relay)
        on_success(result)

    def done_failed(exc: object) -> None:
        _alive.discard(relay)
        on_failure(exc if isinstance(exc, BaseException) else RuntimeError(str(exc)))

    relay.succeeded.connect(done_ok)
    relay.failed.connect(done_failed)
    QThreadPool.globalInstance().start(_Job(fn, relay))
