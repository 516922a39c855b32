"""Where the app keeps its own files, and crash logs that hold no personal data.

A crash log records the exception *type* and the code locations of the stack (file, line,
function) only: never the exception message, local variables or arguments, which may hold
names, addresses or note text.  Data for the user stays in the encrypted database.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import traceback
from pathlib import Path
from types import TracebackType

from jusou_desktop import __version__


def app_home() -> Path:
    """The folder for settings and logs (``JUSOU_HOME`` overrides it, e.g. for a portable install)."""
    override = os.environ.get("JUSOU_HOME")
    if override:
        return Path(override)
    if os.name == "nt":  # pragma: no cover - Windows only
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "jusou_desktop"
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "jusou_desktop"


def log_dir() -> Path:
    return app_home() / "logs"


def scrubbed_report(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """Exception type and stack locations only: no messages, no values."""
    lines = [
        f"jusou_desktop {__version__} / Python {platform.python_version()} / {platform.system()}",
        f"time: {dt.datetime.now().isoformat(timespec='seconds')}",
        f"exception: {exc_type.__module__}.{exc_type.__qualname__}",
        "stack (most recent call last):",
    ]
    for frame in traceback.extract_tb(tb):
        lines.append(f"  {Path(frame.filename).name}:{frame.lineno} in {frame.name}")
    return "\n".join(lines) + "\n"


def write_crash_log(exc_type: type[BaseException], tb: TracebackType | None) -> Path | None:
    """Write a scrubbed report; return its path, or None when even that is impossible."""
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.log"
        path.write_text(scrubbed_report(exc_type, tb), encoding="utf-8")
        return path
    except OSError:
        return None


def apology(log: Path | None) -> str:
    where = f"記録の場所: {log}" if log else "記録を書き出せませんでした。"
    return (
        "申し訳ありません。予期しないエラーが起きました。入力中の内容は保存されていない可能性があります。\n"
        f"{where}\n（記録には個人情報は含まれていません。担当者へお知らせください。）"
    )


def report_unexpected(exc: BaseException) -> str:
    return apology(write_crash_log(type(exc), exc.__traceback__))


def install_excepthook() -> None:
    """Route uncaught exceptions to a scrubbed log and a short apology on stderr."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        print(apology(write_crash_log(exc_type, tb)), file=sys.stderr)

    sys.excepthook = hook
