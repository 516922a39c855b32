"""Drafts of unsaved edits (JSON payloads), stored in the encrypted file.

A form saves its state here as the user types; saving the form for real discards the draft.
After a crash or an auto-lock, the form finds its draft by key and offers it back.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from jusou_desktop.store._base import Repository, now_text


@dataclass(frozen=True, slots=True)
class Draft:
    key: str
    kind: str
    title: str
    payload: dict[str, Any]
    author: str
    updated_at: dt.datetime


class DraftRepository(Repository):
    def save(
        self, key: str, kind: str, payload: dict[str, Any], *, title: str = "", author: str = ""
    ) -> None:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO drafts (key, kind, title, payload, author, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (key, kind, title, text, author, now_text()),
            )

    def get(self, key: str) -> Draft | None:
        row = self._db.conn.execute(
            "SELECT key, kind, title, payload, author, updated_at FROM drafts WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        return Draft(row[0], row[1], row[2], json.loads(row[3]), row[4], dt.datetime.fromisoformat(row[5]))

    def discard(self, key: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM drafts WHERE key = ?", (key,))

    def list(self, kind: str | None = None) -> list[Draft]:
        sql = "SELECT key FROM drafts" + (" WHERE kind = ?" if kind else "") + " ORDER BY updated_at DESC"
        keys = [r[0] for r in self._db.conn.execute(sql, (kind,) if kind else ()).fetchall()]
        return [d for d in (self.get(k) for k in keys) if d is not None]
