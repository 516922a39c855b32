"""The encrypted file: header, keys, errors, migrations, lock file, integrity, failures."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import unicodedata
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.model import HouseholdMember, Note, NoteKind, Person
from jusou_desktop.store import connection as cx
from jusou_desktop.store import migrations
from jusou_desktop.store.database import Database
from jusou_desktop.store.errors import (
    AlreadyExists,
    DatabaseMissing,
    InUseElsewhere,
    NewerSchema,
    NotJusouDatabase,
    PlaintextDatabase,
    ReadOnlyLocation,
    StorageFailure,
    WrongPassphrase,
)
from jusou_desktop.store.lockfile import lock_path_for, read_lock
from tests.conftest import PASSPHRASE

FIXTURES = Path(__file__).parent / "data"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_case(db: Database, name: str = "架空 花子", kana: str = "カクウ ハナコ") -> None:
    db.cases.create(
        Person(name=name, kana=kana, birth_date=dt.date(1960, 4, 1)), opened_on=dt.date(2024, 4, 1)
    )


# ---- encryption -------------------------------------------------------------------------------


def test_file_is_encrypted_from_the_first_byte(db: Database, db_path: Path) -> None:
    add_case(db, "秘密 太郎", "ヒミツ タロウ")
    db.close()
    data = db_path.read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert "秘密".encode() not in data
    assert "ヒミツ".encode() not in data
    assert b"CREATE TABLE" not in data


def test_plain_sqlite_cannot_read_it(db_path: Path) -> None:
    plain = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    plain.close()


def test_sqlcipher_itself_opens_it_with_the_passphrase(db_path: Path) -> None:
    """Our one-time key derivation equals SQLCipher 4's own, so standard tools can recover data."""
    raw = sqlcipher.connect(str(db_path))
    raw.set_key(PASSPHRASE)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == cx.APPLICATION_ID
    raw.close()


def test_wrong_passphrase_is_refused_and_the_file_is_untouched(db_path: Path) -> None:
    before = sha256(db_path)
    with pytest.raises(WrongPassphrase) as caught:
        Database.open(db_path, "まちがったパスフレーズです")
    assert "パスフレーズが正しくありません" in caught.value.message
    assert sha256(db_path) == before
    assert not lock_path_for(db_path).exists(), "a failed open must release its lock"
    assert not Path(str(db_path) + "-journal").exists()
    Database.open(db_path, PASSPHRASE).close()


def test_passphrase_is_unicode_normalised(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "がぎぐげご・パスフレーズ")
    composed = unicodedata.normalize("NFC", decomposed)
    assert decomposed != composed
    path = tmp_path / "nfc.jusou"
    Database.create(path, decomposed).close()
    Database.open(path, composed).close()


def test_derived_key_is_not_shown_in_repr(db: Database) -> None:
    assert db.key.key.hex() not in repr(db.key)


def test_further_connections_reuse_the_derived_key(db: Database) -> None:
    add_case(db)
    other = db.connect_another()
    try:
        assert other.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
    finally:
        other.close()


# ---- files that are not ours ----------------------------------------------------------------


def test_a_new_file_keeps_its_hot_statements_prepared(tmp_path: Path) -> None:
    """Creating a file runs well over 128 different statements (migrations, seeding); the loop
    that follows must still find its statements in the cache instead of parsing each one again
    (sqlcipher3's cache evicts the newest entry when full: benchmark a1 was 2x slower).

    SQLite asks the authorizer only while it compiles a statement, so no call means no parsing.
    """
    db = Database.create(tmp_path / "new.jusou", PASSPHRASE)
    try:
        for k in range(300):  # a long session: many different statements already run
            db.conn.execute(f"SELECT {k} FROM settings LIMIT 0").fetchall()
        compiled: list[object] = []

        def authorizer(*args: object) -> int:
            compiled.append(args)
            return sqlcipher.SQLITE_OK

        db.conn.set_authorizer(authorizer)

        def one_case(i: int) -> None:
            db.cases.create(
                Person(name=f"架空 {i}", kana=f"カクウ {i}"), opened_on=dt.date(2024, 5, 1), tags=["8050"]
            )

        with db.transaction():
            one_case(0)  # first time: each statement is compiled once
            assert compiled
            compiled.clear()
            for i in range(1, 20):
                one_case(i)
            assert compiled == []  # nothing parsed again for the next 19 cases
    finally:
        db.conn.set_authorizer(None)
        db.close()


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "usb" / "なし.jusou"
    with pytest.raises(DatabaseMissing) as caught:
        Database.open(missing, PASSPHRASE)
    assert "見つかりません" in caught.value.message
    assert not missing.exists(), "opening must never create a file"


def test_plaintext_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "plain.jusou"
    plain = sqlite3.connect(path)
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    plain.close()
    with pytest.raises(PlaintextDatabase) as caught:
        Database.open(path, PASSPHRASE)
    assert "暗号化されていない" in caught.value.message


@pytest.mark.parametrize("content", [b"", b"hello, this is a text file\n", b"PK\x03\x04" + b"x" * 3000])
def test_files_of_another_kind(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "other.jusou"
    path.write_bytes(content)
    with pytest.raises(NotJusouDatabase) as caught:
        Database.open(path, PASSPHRASE)
    assert "データベースではありません" in caught.value.message


def test_sqlcipher_file_of_another_application(tmp_path: Path) -> None:
    path = tmp_path / "foreign.db"
    raw = sqlcipher.connect(str(path))
    raw.set_key(PASSPHRASE)
    raw.execute("CREATE TABLE t (x)")
    raw.commit()
    raw.close()
    with pytest.raises(NotJusouDatabase):
        Database.open(path, PASSPHRASE)


def test_read_only_location(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root in CI, where chmod does not stop writes; simulate what os.access reports.
    monkeypatch.setattr(cx.os, "access", lambda _path, _mode: False)
    with pytest.raises(ReadOnlyLocation) as caught:
        Database.open(db_path, PASSPHRASE)
    assert "書き込みできない" in caught.value.message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_folder_for_real(db_path: Path) -> None:
    db_path.parent.chmod(0o555)
    try:
        with pytest.raises(ReadOnlyLocation):
            Database.open(db_path, PASSPHRASE)
    finally:
        db_path.parent.chmod(0o755)


def test_create_refuses_to_overwrite(db_path: Path) -> None:
    before = sha256(db_path)
    with pytest.raises(AlreadyExists):
        Database.create(db_path, PASSPHRASE)
    assert sha256(db_path) == before


# ---- migrations -------------------------------------------------------------------------------


def test_new_file_has_every_migration(db: Database) -> None:
    steps = migrations.load_migrations()
    assert db.schema_version() == steps[-1].version
    recorded = [r[0] for r in db.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert recorded == [m.version for m in steps]


def _raw(path: Path) -> sqlcipher.Connection:
    raw = sqlcipher.connect(str(path), isolation_level=None)
    raw.set_key(PASSPHRASE)
    return raw


def test_newer_schema_is_refused_and_untouched(db_path: Path) -> None:
    raw = _raw(db_path)
    raw.execute("PRAGMA user_version = 999")
    raw.close()
    before = sha256(db_path)
    with pytest.raises(NewerSchema) as caught:
        Database.open(db_path, PASSPHRASE)
    assert "新しい版" in caught.value.message
    assert sha256(db_path) == before
    assert not lock_path_for(db_path).exists()


def _migrations_with_extra(tmp_path: Path, name: str, sql: str) -> Path:
    folder = tmp_path / "migrations"
    shutil.copytree(migrations.migrations_dir(), folder)
    number = len(list(folder.glob("*.sql"))) + 1
    (folder / f"{number:04d}_{name}.sql").write_text(sql, encoding="utf-8")
    return folder


def test_migrations_run_in_one_transaction(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _migrations_with_extra(
        tmp_path, "broken", "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
    )
    monkeypatch.setattr(migrations, "migrations_dir", lambda: folder)
    version_before = migrations.latest_version(migrations.load_migrations(migrations.migrations_dir()))
    with pytest.raises(StorageFailure):
        Database.open(db_path, PASSPHRASE)
    monkeypatch.undo()
    with Database.open(db_path, PASSPHRASE) as db:
        assert db.schema_version() == version_before - 1
        assert (
            db.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
        )


def test_upgrade_keeps_data_and_makes_an_encrypted_backup(
    db: Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_case(db)
    old_version = db.schema_version()
    db.close()
    folder = _migrations_with_extra(tmp_path, "extra_column", "ALTER TABLE cases ADD COLUMN extra TEXT;\n")
    monkeypatch.setattr(migrations, "migrations_dir", lambda: folder)
    with Database.open(db_path, PASSPHRASE) as upgraded:
        assert upgraded.schema_version() == old_version + 1
        assert upgraded.cases.count() == 1
    backups = list(db_path.parent.glob(f"{db_path.stem}.形式{old_version}-*.jusou"))
    assert len(backups) == 1
    assert not backups[0].read_bytes().startswith(b"SQLite format 3")
    monkeypatch.undo()
    with Database.open(backups[0], PASSPHRASE) as backup:
        assert backup.schema_version() == old_version
        assert backup.cases.count() == 1


def test_released_schema_fixtures_open_and_upgrade(tmp_path: Path) -> None:
    """Every released file format (tests/data/schema-N.jusou) opens with today's code."""
    fixtures = sorted(FIXTURES.glob("schema-*.jusou"))
    assert fixtures, "keep an encrypted fixture of every released schema version"
    for fixture in fixtures:
        copy = tmp_path / fixture.name
        shutil.copyfile(fixture, copy)
        with Database.open(copy, PASSPHRASE) as db:
            assert db.schema_version() == migrations.latest_version()
            assert db.cases.count() >= 1
            assert db.check().healthy


# ---- lock file --------------------------------------------------------------------------------


def test_second_open_is_refused_with_who_and_since(db: Database, db_path: Path) -> None:
    with pytest.raises(InUseElsewhere) as caught:
        Database.open(db_path, PASSPHRASE)
    message = caught.value.message
    assert "別の端末で使用中です" in message
    info = read_lock(lock_path_for(db_path))
    assert info is not None
    assert info.host in message
    assert info.since is not None
    assert info.since.strftime("%Y年%m月%d日") in message
    assert not caught.value.probably_stale


def _write_lock(db_path: Path, host: str, pid: int) -> None:
    lock_path_for(db_path).write_text(
        json.dumps(
            {"host": host, "user": "someone", "pid": pid, "since": "2024-04-01T09:00:00", "token": "x"}
        ),
        encoding="utf-8",
    )


def test_stale_lock_is_recognised_and_taken_over(db_path: Path) -> None:
    import socket

    dead_pid = 2**22 + 12345  # above the default pid_max; no process has it
    _write_lock(db_path, socket.gethostname(), dead_pid)
    with pytest.raises(InUseElsewhere) as caught:
        Database.open(db_path, PASSPHRASE)
    assert caught.value.probably_stale
    assert "引き継" in caught.value.message
    with Database.open(db_path, PASSPHRASE, take_over_lock=True):
        info = read_lock(lock_path_for(db_path))
        assert info is not None
        assert info.pid == os.getpid()
    assert not lock_path_for(db_path).exists()


def test_lock_from_another_pc_is_not_called_stale(db_path: Path) -> None:
    _write_lock(db_path, "another-office-pc", 4242)
    with pytest.raises(InUseElsewhere) as caught:
        Database.open(db_path, PASSPHRASE)
    assert not caught.value.probably_stale
    assert "another-office-pc" in caught.value.message


def test_closing_does_not_remove_a_lock_someone_took_over(db: Database, db_path: Path) -> None:
    _write_lock(db_path, "another-office-pc", 4242)
    db.close()
    assert lock_path_for(db_path).exists()


def test_unreadable_lock_counts_as_stale(db_path: Path) -> None:
    lock_path_for(db_path).write_bytes(b"\x00garbage")
    with pytest.raises(InUseElsewhere) as caught:
        Database.open(db_path, PASSPHRASE)
    assert caught.value.probably_stale


# ---- check ------------------------------------------------------------------------------------


def test_check_reports_a_healthy_file(db: Database) -> None:
    add_case(db)
    report = db.check()
    assert report.healthy
    assert report.cipher_problems == ()
    assert "正常です" in report.describe()
    assert ("ケース", 1) in report.row_counts


def test_check_finds_a_damaged_page(db: Database, db_path: Path) -> None:
    for i in range(200):
        add_case(db, f"架空 {i}", "カクウ")
    db.close()
    data = bytearray(db_path.read_bytes())
    data[4096 * 3 + 100] ^= 0xFF  # flip a byte inside the fourth page
    db_path.write_bytes(bytes(data))
    with Database.open(db_path, PASSPHRASE) as damaged:
        report = damaged.check()
    assert not report.healthy
    assert report.cipher_problems
    assert "異常があります" in report.describe()


# ---- all or nothing ---------------------------------------------------------------------------


def test_failed_create_leaves_nothing_behind(db: Database) -> None:
    with pytest.raises(ValidationError):
        db.cases.create(
            Person(name="架空 花子"),
            opened_on=dt.date(2024, 4, 1),
            members=[HouseholdMember(Person(name="  "), "子")],
        )
    for table in ("cases", "persons", "households", "household_members", "case_status_history"):
        assert db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_disk_full_is_reported_and_nothing_is_half_written(db: Database) -> None:
    add_case(db)
    case_id = db.cases.rows()[0].id
    pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
    db.conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: like a full disk
    with pytest.raises(StorageFailure) as caught:
        db.notes.add(Note(case_id, dt.date(2024, 5, 1), NoteKind.VISIT, "訪問した。" * 20000))
    assert "空き容量" in caught.value.message
    assert "失われていません" in caught.value.message
    assert db.notes.for_case(case_id) == []
    db.conn.execute(f"PRAGMA max_page_count = {2**30}")
    db.notes.add(Note(case_id, dt.date(2024, 5, 1), NoteKind.VISIT, "短い記録"))
    assert len(db.notes.for_case(case_id)) == 1
    assert db.check().healthy


# ---- cipher runtime ---------------------------------------------------------------------------


def test_cipher_runtime_is_checked() -> None:
    version = cx.check_cipher_runtime()
    assert int(version.split(".")[0]) >= 4


def test_no_plaintext_attach_anywhere_in_the_code() -> None:
    """No code path may write a plaintext copy (ATTACH … KEY '')."""
    package = Path(__file__).parent.parent / "jusou_desktop"
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "KEY ''" not in text, source
        assert 'KEY ""' not in text, source
        assert "PRAGMA key" not in text, f"{source}: set keys through the binding's key API"


def test_suspend_forgets_the_key_and_resume_needs_the_passphrase(db: Database, db_path: Path) -> None:
    add_case(db)
    db.suspend()
    assert db.is_suspended
    assert db.key.key == b""
    assert lock_path_for(db_path).exists(), "a locked window still holds the file"
    with pytest.raises(WrongPassphrase):
        db.resume("まちがいのパスフレーズ")
    assert db.is_suspended
    db.resume(PASSPHRASE)
    assert db.cases.count() == 1
    db.close()
    assert not lock_path_for(db_path).exists()
