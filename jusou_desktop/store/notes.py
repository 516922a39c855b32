"""経過記録 (progress notes) and their full-text search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.ids import CaseId, NoteId, StaffId
from jusou_desktop.domain.model import Note, NoteKind
from jusou_desktop.store._base import Repository, now_text, to_datetime
from jusou_desktop.store.errors import RecordNotFound

_COLUMNS = "id, case_id, noted_on, kind, body, author_staff_id, author_name, created_at, updated_at"

TRIGRAM_MIN = 3
"""FTS5's trigram tokenizer silently matches nothing for shorter terms; those use instr()."""


def _note(row: Any) -> Note:
    return Note(
        id=NoteId(row[0]),
        case_id=CaseId(row[1]),
        noted_on=dt.date.fromisoformat(row[2]),
        kind=NoteKind(row[3]),
        body=row[4],
        author_staff_id=StaffId(row[5]) if row[5] is not None else None,
        author_name=row[6],
        created_at=to_datetime(row[7]),
        updated_at=to_datetime(row[8]),
    )


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class NoteRepository(Repository):
    def add(self, note: Note) -> NoteId:
        if not note.body.strip():
            raise ValidationError("記録の内容を入力してください。", field="body")
        now = now_text()
        with self._db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO notes (case_id, noted_on, kind, author_staff_id, author_name, body, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    note.case_id,
                    note.noted_on.isoformat(),
                    note.kind.value,
                    note.author_staff_id,
                    note.author_name,
                    note.body,
                    now,
                    now,
                ),
            )
            return NoteId(int(cur.lastrowid or 0))

    def update(self, note: Note) -> None:
        if note.id is None:
            raise ValueError("note without id")
        if not note.body.strip():
            raise ValidationError("記録の内容を入力してください。", field="body")
        with self._db.transaction() as conn:
            cur = conn.execute(
                "UPDATE notes SET noted_on = ?, kind = ?, body = ?, updated_at = ? WHERE id = ?",
                (note.noted_on.isoformat(), note.kind.value, note.body, now_text(), note.id),
            )
            if cur.rowcount == 0:
                raise RecordNotFound("経過記録", note.id)

    def get(self, note_id: NoteId) -> Note:
        row = self._db.conn.execute(f"SELECT {_COLUMNS} FROM notes WHERE id = ?", (note_id,)).fetchone()
        if row is None:
            raise RecordNotFound("経過記録", note_id)
        return _note(row)

    def count(self) -> int:
        return int(self._db.conn.execute("SELECT count(*) FROM notes").fetchone()[0])

    def for_case(self, case_id: CaseId, kind: NoteKind | None = None) -> list[Note]:
        """The case's notes, newest first."""
        sql = f"SELECT {_COLUMNS} FROM notes WHERE case_id = ?"
        params: list[Any] = [case_id]
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind.value)
        rows = self._db.conn.execute(sql + " ORDER BY noted_on DESC, id DESC", params).fetchall()
        return [_note(r) for r in rows]

    def search(self, text: str, *, limit: int = 200) -> list[Note]:
        """Notes containing every word of ``text``, newest entered first.

        Words of three characters or more go through the FTS5 trigram index; shorter ones are
        checked with instr() on the rows the index found (or on all notes if none was long).
        Ordered by rowid, which the index yields cheaply, not by date.
        """
        words = [w for w in text.split() if w]
        if not words:
            return []
        long_words = [w for w in words if len(w) >= TRIGRAM_MIN]
        short_words = [w for w in words if len(w) < TRIGRAM_MIN]
        params: list[Any] = []
        if long_words:
            sql = (
                f"SELECT {', '.join('n.' + c for c in _COLUMNS.split(', '))} FROM notes_fts f"
                " JOIN notes n ON n.id = f.rowid WHERE notes_fts MATCH ?"
            )
            params.append(" AND ".join(_fts_phrase(w) for w in long_words))
            prefix, order = "n.", "f.rowid"
        else:
            sql = f"SELECT {_COLUMNS} FROM notes WHERE 1"
            prefix, order = "", "id"
        for word in short_words:
            sql += f" AND instr({prefix}body, ?) > 0"
            params.append(word)
        sql += f" ORDER BY {order} DESC LIMIT ?"
        params.append(limit)
        return [_note(r) for r in self._db.conn.execute(sql, params).fetchall()]
