"""Shared helpers of the repositories: the owning database, clock, and ISO date conversion."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jusou_desktop.store.database import Database


def now_text() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat()


def date_text(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def to_date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def to_datetime(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(str(value)) if value else None


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Repository:
    def __init__(self, db: Database) -> None:
        self._db = db
