"""The record of exports that carry personal data (書き出しの記録).

Every export of the case ledger, the action list or the agency directory is recorded after the
file has been written: when, by whom, what, under which filter, how many rows, why, whether the
file is password-protected, and the file's *name* only (the folder could itself say too much,
e.g. a person's name, and is not needed to find out what left the office).

    db.export_log.record("ケース台帳", by="推進員 二", reason="支援会議の資料", rows=12,
                         protected=True, file_name="ケース台帳.xlsx", filter_text="状態: 支援中")

Entries are only ever added; there is no way to change or remove one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PureWindowsPath

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.store._base import Repository, now_text

__all__ = ["REASON_MAX", "ExportLogEntry", "ExportLogRepository"]

REASON_MAX = 500
"""The longest reason accepted, in characters (a sentence or two is enough)."""


@dataclass(frozen=True, slots=True)
class ExportLogEntry:
    id: int
    at: dt.datetime
    by: str
    kind: str  # ケース台帳, 関係機関一覧, 役割一覧 …
    filter_text: str
    rows: int
    protected: bool
    file_name: str
    reason: str


def file_name_only(name: str) -> str:
    """The last part of a path written with ``/`` or ``\\`` (the folder is never recorded)."""
    return PureWindowsPath(name.strip()).name


class ExportLogRepository(Repository):
    def record(
        self,
        kind: str,
        *,
        by: str,
        reason: str,
        rows: int,
        protected: bool,
        file_name: str,
        filter_text: str = "",
    ) -> int:
        """Add one entry and return its id; refuses (ValidationError, in Japanese) without a reason."""
        reason = reason.strip()
        if not reason:
            raise ValidationError(
                "書き出しの理由を入力してください。理由は書き出しの記録に残ります。", "reason"
            )
        if len(reason) > REASON_MAX:
            raise ValidationError(f"書き出しの理由が長すぎます（{REASON_MAX}文字まで）。", "reason")
        kind = kind.strip()
        if not kind:
            raise ValidationError("書き出したものの種類がありません。", "kind")
        if rows < 0:
            raise ValidationError("件数は0以上の数です。", "rows")
        name = file_name_only(file_name)
        if not name:
            raise ValidationError("書き出したファイルの名前がありません。", "file_name")
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO export_log (at, by_name, kind, filter_text, rows, protected, file_name, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (now_text(), by.strip(), kind, filter_text.strip(), rows, int(protected), name, reason),
            )
            return int(cursor.lastrowid or 0)

    def entries(self, limit: int = 200) -> list[ExportLogEntry]:
        """The most recent entries first, at most ``limit``."""
        rows = self._db.conn.execute(
            "SELECT id, at, by_name, kind, filter_text, rows, protected, file_name, reason"
            " FROM export_log ORDER BY at DESC, id DESC LIMIT ?",
            (max(0, limit),),
        ).fetchall()
        return [
            ExportLogEntry(
                id=int(r[0]),
                at=dt.datetime.fromisoformat(str(r[1])),
                by=str(r[2]),
                kind=str(r[3]),
                filter_text=str(r[4]),
                rows=int(r[5]),
                protected=bool(r[6]),
                file_name=str(r[7]),
                reason=str(r[8]),
            )
            for r in rows
        ]
