"""The floors: raw sqlite3 / sqlcipher3 connections and hand-written SQL, no app code in between.

A floor uses the same schema (the shipped migrations), the same pragmas as the app
(rollback journal, synchronous=FULL, foreign keys, secure_delete, the app's page cache) and, for
SQLCipher, the same cipher settings and key.  So a ratio app/floor measures only what the app's
code adds, and raw-SQLCipher/raw-SQLite only what encryption adds.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from benchmarks.data import CaseShape, person_row
from jusou_desktop.domain.model import CaseStatus
from jusou_desktop.domain.tags import STANDARD_TAGS
from jusou_desktop.store import migrations
from jusou_desktop.store.connection import PAGE_CACHE_KIB, Connection
from jusou_desktop.store.crypto import DerivedKey

SQLITE_DEFAULT_CACHE = None
"""Leave cache_size alone: SQLite's default of 2,000 KiB (about 2 MiB)."""


def configure(conn: Connection, cache_kib: int | None = PAGE_CACHE_KIB) -> None:
    """The app's pragmas (jusou_desktop.store.connection._configure), written out by hand."""
    conn.execute("PRAGMA journal_mode = DELETE").fetchall()
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA secure_delete = ON")
    if cache_kib is not None:
        conn.execute(f"PRAGMA cache_size = -{cache_kib:d}")


def plain_connect(path: Path, cache_kib: int | None = PAGE_CACHE_KIB) -> Connection:
    """Plain SQLite (the standard library's sqlite3): the floor under encryption."""
    # Typed as the store's Connection protocol, like the sqlcipher3 connections (same DB-API).
    conn: Any = sqlite3.connect(str(path), isolation_level=None)
    configure(conn, cache_kib)
    opened: Connection = conn
    return opened


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def cipher_connect(
    path: Path, key: DerivedKey, *, create: bool = False, cache_kib: int | None = PAGE_CACHE_KIB
) -> Connection:
    """Raw sqlcipher3 with a raw key (``PRAGMA key = "x'…'"``): no key derivation."""
    conn: Any = sqlcipher.connect(str(path), isolation_level=None)
    raw = key.raw_for_new() if create else key.raw_for_existing()
    conn.execute(f'PRAGMA key = "{raw}"')
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    configure(conn, cache_kib)
    opened: Connection = conn
    return opened


def cipher_connect_passphrase(path: Path, passphrase: str) -> Connection:
    """Raw sqlcipher3 given the passphrase: SQLCipher runs its own PBKDF2 on the first read."""
    conn: Any = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = {_quote(passphrase)}")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    opened: Connection = conn
    return opened


def make_schema(conn: Connection) -> dict[str, int]:
    """The shipped schema and the built-in tags; returns tag name → id."""
    migrations.apply(conn, migrations.load_migrations())
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO app_info (key, value) VALUES ('created_at', ?)",
        (dt.datetime.now().replace(microsecond=0).isoformat(),),
    )
    conn.executemany(
        "INSERT INTO tags (name, builtin, position) VALUES (?, 1, ?)",
        [(name, position) for position, name in enumerate(STANDARD_TAGS)],
    )
    conn.execute("COMMIT")
    return {str(r[0]): int(r[1]) for r in conn.execute("SELECT name, id FROM tags").fetchall()}


_INSERT_HOUSEHOLD = "INSERT INTO households (name, created_at, updated_at) VALUES (?, ?, ?)"
_INSERT_PERSON = (
    "INSERT INTO persons (name, kana, birth_date, sex, postal_code, address, district, phone, note,"
    " search_key, kana_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_MEMBER = (
    "INSERT INTO household_members (household_id, person_id, relation, lives_together, note, position)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
_INSERT_CASE = (
    "INSERT INTO cases (number, household_id, principal_id, status, opened_on, route, summary,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_HISTORY = (
    "INSERT INTO case_status_history (case_id, from_status, to_status, changed_on, reason, changed_by,"
    " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_CASE_TAG = "INSERT INTO case_tags (case_id, tag_id) VALUES (?, ?)"


@dataclass(frozen=True, slots=True)
class RawCase:
    """One case's rows, computed before the clock starts (the floor does no Python work)."""

    household_name: str
    people: tuple[tuple[object, ...], ...]
    """persons rows, 本人 first."""
    relations: tuple[str, ...]
    number: str
    opened_on: str
    route: str
    summary: str
    tag_ids: tuple[int, ...]


def prepare(cases: Iterable[CaseShape], tag_ids: dict[str, int], now: str) -> list[RawCase]:
    return [
        RawCase(
            household_name=f"{c.principal.name.split()[0]}世帯",
            people=tuple(person_row(p, now) for p in c.people),
            relations=("本人", *(m.relation for m in c.members)),
            number=c.number,
            opened_on=c.opened_on.isoformat(),
            route=c.route,
            summary=c.summary,
            tag_ids=tuple(tag_ids[t] for t in c.tags),
        )
        for c in cases
    ]


def insert_cases(conn: Connection, rows: list[RawCase], now: str) -> None:
    """The same rows db.cases.create writes, as plain INSERTs (caller holds the transaction)."""
    received = CaseStatus.RECEIVED.value
    execute = conn.execute
    for r in rows:
        household_id = execute(_INSERT_HOUSEHOLD, (r.household_name, now, now)).lastrowid
        principal_id = None
        for position, (person, relation) in enumerate(zip(r.people, r.relations, strict=True)):
            person_id = execute(_INSERT_PERSON, person).lastrowid
            principal_id = principal_id or person_id
            execute(_INSERT_MEMBER, (household_id, person_id, relation, 1, "", position))
        case_id = execute(
            _INSERT_CASE,
            (r.number, household_id, principal_id, received, r.opened_on, r.route, r.summary, now, now),
        ).lastrowid
        execute(_INSERT_HISTORY, (case_id, None, received, r.opened_on, "受付", "", now))
        for tag_id in r.tag_ids:
            execute(_INSERT_CASE_TAG, (case_id, tag_id))
