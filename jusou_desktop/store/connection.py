"""Opening SQLCipher connections: checks, key, pragmas, and error translation.

Every connection is opened through the binding's key API with a raw key derived once per
session (see crypto.py); never with an SQL string built from the passphrase.  No code path here
writes a plaintext copy: files are created encrypted from their first page.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final, Protocol

import sqlcipher3.dbapi2 as sqlcipher

from jusou_desktop.store.crypto import KDF_ITERATIONS, SALT_BYTES, DerivedKey
from jusou_desktop.store.errors import (
    CipherUnavailable,
    DatabaseMissing,
    NotJusouDatabase,
    PlaintextDatabase,
    ReadOnlyLocation,
    StorageFailure,
    StoreError,
    WrongPassphrase,
)

DatabaseError = sqlcipher.DatabaseError


class Cursor(Protocol):
    """The part of a DB-API cursor the store uses (sqlcipher3 ships no type hints)."""

    lastrowid: int | None
    rowcount: int

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The part of a sqlcipher3 connection the store uses."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Any, /) -> Cursor: ...
    def close(self) -> None: ...


APPLICATION_ID: Final = 0x4A55534F  # "JUSO": marks a file as ours, inside the encrypted header
PLAINTEXT_HEADER: Final = b"SQLite format 3\x00"
PAGE_CACHE_KIB: Final = 64 * 1024  # 64 MiB: SQLCipher writes are ~4x slower with the 2 MiB default
# sqlcipher3 keeps pysqlite's old statement cache, which evicts the NEWEST entry once it is full
# (entries are ranked by use count, and a new one enters last with a count of 1).  With the
# default of 128, a connection that has already run 128 different statements (the migrations and
# the seeding of a new file do) re-parses every statement of a new loop: bulk cases.create was
# 2x slower on a new file than on the same file reopened (benchmark a1).  The app's statements,
# dynamic filters included, number a few hundred, so 1,024 keeps all of them (a few MB at most).
STATEMENT_CACHE: Final = 1024

EXPECTED_CIPHER_SETTINGS: Final = {
    "cipher_default_page_size": "4096",
    "cipher_default_kdf_iter": str(KDF_ITERATIONS),
    "cipher_default_hmac_algorithm": "HMAC_SHA512",
    "cipher_default_kdf_algorithm": "PBKDF2_HMAC_SHA512",
    "cipher_default_use_hmac": "1",
    "cipher_default_plaintext_header_size": "0",
}

_runtime_checked = False


def check_cipher_runtime() -> str:
    """Verify SQLCipher 4 with the expected defaults is linked in; return its version.

    Also silences SQLCipher's own stderr log, which would otherwise print on every wrong key.
    """
    global _runtime_checked
    probe = sqlcipher.connect(":memory:")
    try:
        row = probe.execute("PRAGMA cipher_version").fetchone()
        if not row or not row[0]:
            raise CipherUnavailable("SQLCipher ではない SQLite が読み込まれています")
        version = str(row[0])
        if int(version.split(".")[0]) < 4:
            raise CipherUnavailable(f"SQLCipher {version} は古すぎます（4 以上が必要）")
        probe.execute("PRAGMA cipher_log_level = NONE").fetchall()
        for pragma, expected in EXPECTED_CIPHER_SETTINGS.items():
            found = probe.execute(f"PRAGMA {pragma}").fetchone()
            if found is None or str(found[0]) != expected:
                raise CipherUnavailable(f"{pragma} が {found[0] if found else 'なし'}（想定 {expected}）")
        _runtime_checked = True
        return version
    finally:
        probe.close()


def _ensure_runtime() -> None:
    if not _runtime_checked:
        check_cipher_runtime()


def inspect_file(path: Path) -> bytes:
    """Check the file before any key is tried; return its 16-byte salt.

    Raises the specific error for a missing file, a plaintext SQLite file, a file that cannot
    be a SQLCipher database, and a read-only location.
    """
    if not path.exists():
        raise DatabaseMissing(path)
    if not path.is_file():
        raise NotJusouDatabase(path, "ファイルではありません")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(PLAINTEXT_HEADER))
        size = path.stat().st_size
    except PermissionError as exc:
        raise ReadOnlyLocation(path) from exc
    except OSError as exc:
        raise StorageFailure(f"ファイルを読めませんでした: {path.name}") from exc
    if head == PLAINTEXT_HEADER:
        raise PlaintextDatabase(path)
    if size < 1024 or size % 512 != 0:
        raise NotJusouDatabase(path, "ファイルの大きさが暗号化データベースのものではありません")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ReadOnlyLocation(path)
    return head[:SALT_BYTES]


def _configure(conn: Connection) -> None:
    """Settings for a file carried on a USB stick between PCs."""
    conn.execute("PRAGMA journal_mode = DELETE").fetchall()  # rollback journal, no -wal/-shm files
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")  # no temporary files with case data on disk
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB:d}")
    conn.execute("PRAGMA busy_timeout = 5000")


def connect(
    path: Path, key: DerivedKey, *, create: bool = False, check_same_thread: bool = True
) -> Connection:
    """Open (or, with ``create``, make) an encrypted database and prove the key on a first read."""
    _ensure_runtime()
    mode = "rwc" if create else "rw"
    uri = Path(path).resolve().as_uri() + f"?mode={mode}"
    try:
        conn: Any = sqlcipher.connect(
            uri,
            uri=True,
            isolation_level=None,
            check_same_thread=check_same_thread,
            cached_statements=STATEMENT_CACHE,
        )
    except sqlcipher.OperationalError as exc:
        raise translate(exc, path) from exc
    try:
        conn.set_key(key.raw_for_new() if create else key.raw_for_existing())
        try:
            # The key is only tested when the first page is read.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError as exc:
            if "not a database" in str(exc):
                raise WrongPassphrase() from exc
            raise translate(exc, path) from exc
        _configure(conn)
    except BaseException:
        conn.close()
        raise
    opened: Connection = conn
    return opened


def application_id(conn: Connection) -> int:
    row = conn.execute("PRAGMA application_id").fetchone()
    return int(row[0]) if row else 0


def user_version(conn: Connection, schema: str = "main") -> int:
    if not schema.isidentifier():
        raise ValueError(schema)
    row = conn.execute(f"PRAGMA {schema}.user_version").fetchone()
    return int(row[0]) if row else 0


def translate(exc: Exception, path: Path | None = None) -> StoreError:
    """Turn a SQLite error into a message for the user (the transaction has been rolled back)."""
    text = str(exc).lower()
    name = path.name if path else "データベース"
    if "disk is full" in text or "database or disk is full" in text:
        return StorageFailure(f"保存先の空き容量が足りないため、保存できませんでした（{name}）。")
    if "readonly" in text or "read-only" in text:
        return ReadOnlyLocation(path) if path else StorageFailure("書き込みできない場所です。")
    if "unable to open" in text:
        if path is not None and not path.exists():
            return DatabaseMissing(path)
        return StorageFailure(
            f"ファイルを開けませんでした（{name}）。USBメモリが抜かれていないか確かめてください。"
        )
    if "disk i/o error" in text or "i/o" in text:
        return StorageFailure(
            f"ファイルの読み書きに失敗しました（{name}）。USBメモリが抜かれていないか確かめてください。"
        )
    if "locked" in text or "busy" in text:
        return StorageFailure("ほかの処理がファイルを使用中です。しばらく待ってからもう一度お試しください。")
    if "not a database" in text or "malformed" in text:
        return NotJusouDatabase(path or Path(name), "ファイルが壊れているか、別の形式です")
    return StorageFailure(f"データベースの操作に失敗しました（{type(exc).__name__}）。")


@contextlib.contextmanager
def translated(path: Path | None = None) -> Iterator[None]:
    try:
        yield
    except sqlcipher.Error as exc:
        raise translate(exc, path) from exc


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (triggers with BEGIN…END stay whole)."""
    statements: list[str] = []
    buffer: list[str] = []
    for line in script.splitlines(keepends=True):
        buffer.append(line)
        candidate = "".join(buffer)
        if sqlcipher.complete_statement(candidate):
            stripped = candidate.strip()
            if _has_sql(stripped):
                statements.append(stripped)
            buffer = []
    rest = "".join(buffer).strip()
    if _has_sql(rest):
        raise ValueError("SQL script ends with an incomplete statement")
    return statements


def _has_sql(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())


def integrity_report(conn: Connection) -> tuple[list[str], list[str]]:
    """Rows of ``PRAGMA cipher_integrity_check`` (none means healthy) and ``PRAGMA integrity_check``.

    A page that fails its HMAC can make ``integrity_check`` itself fail; that failure is
    reported as a problem rather than raised.
    """
    reports: list[list[str]] = []
    for pragma in ("cipher_integrity_check", "integrity_check"):
        try:
            rows: list[Any] = conn.execute(f"PRAGMA {pragma}").fetchall()
            reports.append([str(r[0]) for r in rows])
        except sqlcipher.DatabaseError as exc:
            reports.append([f"検査を完了できませんでした: {exc}"])
    return reports[0], reports[1]
