"""A lock file beside the database: who has it open, on which PC, since when.

SQLite's own locks do not travel well over USB sticks and network shares, and say nothing
about *who* holds them; this file does.  It is created atomically (O_EXCL), carries a random
token so a program only ever removes its own lock, and can be taken over when its owner is
gone (after the user confirms).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import secrets
import socket
from pathlib import Path

from jusou_desktop.store.errors import InUseElsewhere, LockInfo, ReadOnlyLocation


def lock_path_for(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (service accounts)
        return ""


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        handle = kernel32.OpenProcess(0x1000, False, pid)
        if not handle:
            return False
        kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_lock(path: Path) -> LockInfo | None:
    """The lock's owner, or None if there is no lock. An unreadable lock has an unknown owner."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return LockInfo(host="", user="", pid=0, since=None)
    try:
        data = json.loads(raw)
        since = dt.datetime.fromisoformat(data["since"]) if data.get("since") else None
        return LockInfo(
            str(data.get("host", "")),
            str(data.get("user", "")),
            int(data.get("pid", 0)),
            since,
            str(data.get("token", "")),
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return LockInfo(host="", user="", pid=0, since=None)


def is_probably_stale(info: LockInfo) -> bool:
    """Stale when written on this PC by a process that no longer runs, or unreadable."""
    if not info.host and not info.pid:
        return True
    return info.host == socket.gethostname() and not _pid_alive(info.pid)


class LockFile:
    """The lock held by this program for one database file."""

    def __init__(self, database: Path) -> None:
        self.path = lock_path_for(database)
        self.info = LockInfo(
            host=socket.gethostname(),
            user=_current_user(),
            pid=os.getpid(),
            since=dt.datetime.now().replace(microsecond=0),
            token=secrets.token_hex(8),
        )
        self.held = False

    def _payload(self) -> bytes:
        info = self.info
        since = info.since.isoformat() if info.since else None
        data = {
            "host": info.host,
            "user": info.user,
            "pid": info.pid,
            "since": since,
            "token": info.token,
            "app": "jusou_desktop",
        }
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    def acquire(self, take_over: bool = False) -> None:
        """Take the lock or raise InUseElsewhere; with ``take_over`` replace an existing lock."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            if not take_over:
                other = read_lock(self.path) or LockInfo("", "", 0, None)
                raise InUseElsewhere(other, is_probably_stale(other)) from None
            self._replace()
            return
        except PermissionError as exc:
            raise ReadOnlyLocation(self.path.parent) from exc
        except OSError as exc:
            if exc.errno in (30,):  # EROFS
                raise ReadOnlyLocation(self.path.parent) from exc
            raise
        try:
            os.write(fd, self._payload())
            os.fsync(fd)
        finally:
            os.close(fd)
        self.held = True

    def _replace(self) -> None:
        tmp = self.path.with_name(self.path.name + f".{self.info.token}.tmp")
        tmp.write_bytes(self._payload())
        os.replace(tmp, self.path)
        self.held = True

    def still_ours(self) -> bool:
        current = read_lock(self.path)
        return current is not None and current.token == self.info.token

    def release(self) -> None:
        """Remove the lock if it is still ours (another PC may have taken it over)."""
        if not self.held:
            return
        self.held = False
        if self.still_ours():
            self.path.unlink(missing_ok=True)
