"""The list of recently opened database files (paths and times only, no case data)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from jusou_desktop.crashlog import app_home

MAX_RECENT = 10


@dataclass(frozen=True)
class RecentFile:
    path: Path
    last_opened: dt.datetime
    user_name: str = ""


def _file() -> Path:
    return app_home() / "recent.json"


def load() -> list[RecentFile]:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
        return [
            RecentFile(
                Path(item["path"]), dt.datetime.fromisoformat(item["last_opened"]), item.get("user", "")
            )
            for item in data
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _write(entries: list[RecentFile]) -> None:
    payload = [
        {"path": str(r.path), "last_opened": r.last_opened.isoformat(), "user": r.user_name}
        for r in entries[:MAX_RECENT]
    ]
    with contextlib.suppress(OSError):  # a read-only profile only loses the convenience list
        _file().parent.mkdir(parents=True, exist_ok=True)
        _file().write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def remember(path: Path, user_name: str = "") -> None:
    entries = [r for r in load() if r.path != path.resolve()]
    entries.insert(0, RecentFile(path.resolve(), dt.datetime.now().replace(microsecond=0), user_name))
    _write(entries)


def forget(path: Path) -> None:
    _write([r for r in load() if r.path != path])
