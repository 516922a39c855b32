"""Shared helpers of the repositories: the owning database, clock, and ISO date conversion."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jusou_desktop.store.connection import Connection
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


def next_in_sequence(conn: Connection, prefix: str, table: str, width: int) -> int:
    """The next running number after ``prefix`` (inside the caller's transaction).

    The first use of a prefix reads the highest number already in ``table.number`` once (files
    made before the counter existed); later uses read and bump one counter row.
    """
    row = conn.execute("SELECT last FROM number_sequences WHERE prefix = ?", (prefix,)).fetchone()
    if row is None:
        found = conn.execute(
            f"SELECT max(CAST(substr(number, ?) AS INTEGER)) FROM {table} WHERE number LIKE ?",
            (len(prefix) + 1, prefix + "%"),
        ).fetchone()
        last = int(found[0] or 0)
    else:
        last = int(row[0])
    conn.execute(
        "INSERT INTO number_sequences (prefix, last) VALUES (?, ?)"
        " ON CONFLICT (prefix) DO UPDATE SET last = excluded.last",
        (prefix, last + 1),
    )
    return last + 1


def note_used_number(conn: Connection, number: str, width: int = 4) -> None:
    """Keep the counter ahead of a number given from outside (an imported ledger, a fixture)."""
    prefix, _, tail = number.rpartition("-")
    if not prefix or not tail.isdigit():
        return
    conn.execute(
        "INSERT INTO number_sequences (prefix, last) VALUES (?, ?)"
        " ON CONFLICT (prefix) DO UPDATE SET last = max(last, excluded.last)",
        (prefix + "-", int(tail)),
    )


class Repository:
    def __init__(self, db: Database) -> None:
        self._db = db
