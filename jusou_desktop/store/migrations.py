"""Numbered schema migrations from ``db/migrations/NNNN_name.sql``.

A new file is made by running every migration from zero; an existing one by running the
missing ones.  All pending steps run in one transaction together with the version bump
(``PRAGMA user_version``), so a failure leaves the file exactly as it was.  A file whose
version is newer than the newest migration shipped is refused before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from jusou_desktop.shipped import migrations_dir
from jusou_desktop.store.connection import APPLICATION_ID, Connection, split_statements, user_version
from jusou_desktop.store.errors import NewerSchema

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    path: Path

    def statements(self) -> list[str]:
        return split_statements(self.path.read_text(encoding="utf-8"))


def load_migrations(folder: Path | None = None) -> list[Migration]:
    """The shipped migrations in order; their numbers must run 1, 2, 3… without gaps."""
    folder = folder or migrations_dir()
    found: list[Migration] = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file name not of the form NNNN_name.sql: {path.name}")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise ValueError(f"migration {expected:04d} is missing before {migration.path.name}")
    return found


def latest_version(migrations: list[Migration] | None = None) -> int:
    migrations = load_migrations() if migrations is None else migrations
    return migrations[-1].version if migrations else 0


def refuse_if_newer(conn: Connection, migrations: list[Migration]) -> int:
    current = user_version(conn)
    newest = latest_version(migrations)
    if current > newest:
        raise NewerSchema(current, newest)
    return current


def pending(conn: Connection, migrations: list[Migration]) -> list[Migration]:
    current = refuse_if_newer(conn, migrations)
    return [m for m in migrations if m.version > current]


def apply(conn: Connection, steps: list[Migration]) -> None:
    """Run ``steps`` in one transaction (the connection must be in autocommit mode)."""
    if not steps:
        return
    now = dt.datetime.now().replace(microsecond=0).isoformat()
    conn.execute("BEGIN IMMEDIATE")
    try:
        for step in steps:
            for statement in step.statements():
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (step.version, step.name, now),
            )
            conn.execute(f"PRAGMA user_version = {step.version:d}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
