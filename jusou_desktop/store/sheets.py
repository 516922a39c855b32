"""Sheet templates in the database: shipped ones copied in, every edit a new version.

The shipped JSON files (``resources/sheets/*.json``) are read once per open; a template key
missing from the database is added as version 1 (or the file's version).  What the town edits
in the app is stored as the next version of that key.  Which templates are offered for new
referrals, and which answer sheet the coordinator uses, are settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.ids import TemplateId
from jusou_desktop.domain.sheets import Purpose, SheetTemplate, parse_template, template_to_data
from jusou_desktop.shipped import shipped_dir
from jusou_desktop.store._base import Repository, now_text, to_datetime
from jusou_desktop.store.connection import Connection
from jusou_desktop.store.errors import RecordNotFound

ACTIVE_REFERRAL_SETTING = "sheets.active_referral"
ANSWER_SETTING = "sheets.answer"
DEFAULT_ANSWER_KEY = "takashima_c"


def _shipped_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or shipped_dir("resources") / "sheets").glob("*.json"))


def _read_shipped(path: Path) -> SheetTemplate:
    template = parse_template(json.loads(path.read_text(encoding="utf-8")))
    if template.key != path.stem:
        raise ValueError(
            f"shipped template {path.name} has key {template.key!r}; the file must be named after its key"
        )
    return template


def shipped_templates(folder: Path | None = None) -> list[SheetTemplate]:
    """The templates shipped with the app, in file-name order (a broken file is a bug here)."""
    return [_read_shipped(p) for p in _shipped_files(folder)]


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    id: TemplateId
    template: SheetTemplate
    origin: str
    created_by: str
    created_at: Any


def _stored(row: Any) -> StoredTemplate:
    return StoredTemplate(
        TemplateId(row[0]), parse_template(json.loads(row[1])), row[2], row[3], to_datetime(row[4])
    )


_COLUMNS = "id, body, origin, created_by, created_at"


class TemplateRepository(Repository):
    def ensure_shipped(self, conn: Connection, templates: list[SheetTemplate] | None = None) -> None:
        """Add shipped templates whose key the file does not know yet (inside the caller's transaction)."""
        known = {r[0] for r in conn.execute("SELECT DISTINCT key FROM sheet_templates").fetchall()}
        if templates is None:  # a file is named after its key: only new files are read and parsed
            templates = [_read_shipped(p) for p in _shipped_files() if p.stem not in known]
        for template in templates:
            if template.key not in known:
                self._insert(conn, template, "同梱", "")

    @staticmethod
    def _insert(conn: Connection, template: SheetTemplate, origin: str, by: str) -> TemplateId:
        cur = conn.execute(
            "INSERT INTO sheet_templates (key, version, purpose, title, body, origin, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                template.key,
                template.version,
                template.purpose.value,
                template.title,
                json.dumps(template_to_data(template), ensure_ascii=False),
                origin,
                by,
                now_text(),
            ),
        )
        return TemplateId(int(cur.lastrowid or 0))

    def get(self, template_id: TemplateId) -> StoredTemplate:
        row = self._db.conn.execute(
            f"SELECT {_COLUMNS} FROM sheet_templates WHERE id = ?", (template_id,)
        ).fetchone()
        if row is None:
            raise RecordNotFound("様式", template_id)
        return _stored(row)

    def latest(self, key: str) -> StoredTemplate:
        row = self._db.conn.execute(
            f"SELECT {_COLUMNS} FROM sheet_templates WHERE key = ? ORDER BY version DESC LIMIT 1", (key,)
        ).fetchone()
        if row is None:
            raise RecordNotFound("様式", key)
        return _stored(row)

    def latest_all(self, purpose: Purpose | None = None) -> list[StoredTemplate]:
        """The newest version of every template key, in key order."""
        rows = self._db.conn.execute(
            f"SELECT {_COLUMNS} FROM sheet_templates t WHERE version ="
            " (SELECT max(version) FROM sheet_templates u WHERE u.key = t.key)"
            + (" AND purpose = ?" if purpose else "")
            + " ORDER BY key",
            (purpose.value,) if purpose else (),
        ).fetchall()
        return [_stored(r) for r in rows]

    def versions(self, key: str) -> list[StoredTemplate]:
        rows = self._db.conn.execute(
            f"SELECT {_COLUMNS} FROM sheet_templates WHERE key = ? ORDER BY version", (key,)
        ).fetchall()
        return [_stored(r) for r in rows]

    def save_edit(self, edited: SheetTemplate, *, by: str = "") -> TemplateId:
        """Store an administrator's edit as the next version of its key."""
        with self._db.transaction() as conn:
            current = self.latest(edited.key).template
            if edited.version != current.version + 1:
                raise ValidationError(
                    f"様式「{edited.title}」は他の画面で先に変更されました(現在 第{current.version}版)。開き直してください。"
                )
            if edited.purpose is not current.purpose:
                raise ValidationError("様式の用途は変更できません。")
            return self._insert(conn, edited, "編集", by)

    # ---- which templates the town uses ------------------------------------------------------

    def active_referral_keys(self) -> list[str]:
        """Templates offered for new referrals (default: every referral template)."""
        available = [s.template.key for s in self.latest_all(Purpose.REFERRAL)]
        raw = self._db.settings.get(ACTIVE_REFERRAL_SETTING)
        if not raw:
            return available
        chosen = [k for k in json.loads(raw) if k in available]
        return chosen or available

    def set_active_referral_keys(self, keys: list[str]) -> None:
        available = {s.template.key for s in self.latest_all(Purpose.REFERRAL)}
        unknown = [k for k in keys if k not in available]
        if unknown:
            raise ValidationError(f"知らない様式です: {', '.join(unknown)}")
        if not keys:
            raise ValidationError("使う様式をひとつ以上選んでください。")
        self._db.settings.set(ACTIVE_REFERRAL_SETTING, json.dumps(keys, ensure_ascii=False))

    def answer_key(self) -> str:
        available = [s.template.key for s in self.latest_all(Purpose.ANSWER)]
        key = self._db.settings.get(ANSWER_SETTING, DEFAULT_ANSWER_KEY)
        if key in available:
            return key
        if not available:
            raise RecordNotFound("回答の様式", key)
        return available[0]

    def set_answer_key(self, key: str) -> None:
        if key not in {s.template.key for s in self.latest_all(Purpose.ANSWER)}:
            raise ValidationError(f"回答の様式ではありません: {key}")
        self._db.settings.set(ANSWER_SETTING, key)
