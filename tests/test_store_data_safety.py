"""Backups, the two-part passphrase change and the check, as the 「データの保護」 tab uses them.

The backup is a SQLCipher export checked before it gets its name; the passphrase change runs its
slow part on a worker thread and its swap on the owner's, and refuses if anything was written in
between.  Whatever fails or is cancelled leaves no file behind.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jusou_desktop.domain.errors import Cancelled
from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import Agency, AgencyField, Note, NoteKind, Person
from jusou_desktop.store import connection as cx
from jusou_desktop.store import crypto, database
from jusou_desktop.store.database import (
    CHANGED_DURING_REKEY,
    BackupFailed,
    Database,
    PassphraseChange,
    PassphraseChangeFailed,
)
from jusou_desktop.store.errors import (
    AlreadyExists,
    InUseElsewhere,
    StorageFailure,
    StoreError,
    WrongPassphrase,
)
from tests.conftest import PASSPHRASE
from tests.read_only import entries, read_only_folder

NEW_PASSPHRASE = "あたらしい合言葉 と 数字 7519"
BACKUP_STAGES = ["暗号化したまま書き出しています", "書き出したファイルを確認しています", "保存しています"]
REKEY_STAGES = [
    "現在のパスフレーズを確かめています",
    "新しい鍵で書き出しています",
    "書き出したファイルを新しい鍵で確認しています",
    "元のファイルと入れ替えています",
    "完了しました",
]


def _fill(db: Database, notes: int) -> CaseId:
    with db.transaction():
        db.agencies.add(Agency("架空町地域包括支援センター", AgencyField.ELDERLY))
        case_id = db.cases.create(
            Person(name="架空 一郎", kana="カクウ イチロウ"), opened_on=dt.date(2024, 4, 1)
        )
        for i in range(notes):
            db.notes.add(
                Note(CaseId(case_id), dt.date(2024, 4, 2), NoteKind.VISIT, f"記録{i} " + "訪問した。" * 40)
            )
    return CaseId(case_id)


def _note(db: Database, case_id: CaseId, body: str) -> None:
    db.notes.add(Note(case_id, dt.date(2024, 5, 1), NoteKind.PHONE, body))


def _all_counts(db: Database) -> dict[str, int]:
    names = [
        row[0]
        for row in db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            " AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {name: db.conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _cancel_after(times: int) -> tuple[Callable[[], bool], list[int]]:
    """A 中止 flag that turns on after being asked ``times`` times (asked by SQLite as it works)."""
    asked = [0]

    def cancelled() -> bool:
        asked[0] += 1
        return asked[0] > times

    return cancelled, asked


class _StopInside:
    """A 中止 flag that turns on only once it has been asked ``times`` times inside ``where``.

    ``where`` is a function of the store (module and name), wrapped to note when it runs;
    ``not_in`` one it calls that does not count (the row counts around the export).  The checks
    between stages ask from outside and never turn the flag on, so being stopped by it proves that
    SQLite's progress handler asked while that very statement ran.
    """

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        times: int,
        where: tuple[object, str],
        not_in: tuple[object, str] | None = None,
    ) -> None:
        self.times = times
        self.inside = False
        self.asked_inside = 0
        self.asked_outside = 0
        self._note_when_running(monkeypatch, *where, inside=True)
        if not_in is not None:
            self._note_when_running(monkeypatch, *not_in, inside=False)

    def _note_when_running(
        self, monkeypatch: pytest.MonkeyPatch, owner: object, name: str, inside: bool
    ) -> None:
        real = getattr(owner, name)

        def noted(*args: Any, **kwargs: Any) -> Any:
            before, self.inside = self.inside, inside
            try:
                return real(*args, **kwargs)
            finally:
                self.inside = before

        monkeypatch.setattr(owner, name, noted)

    def __call__(self) -> bool:
        if self.inside:
            self.asked_inside += 1
        else:
            self.asked_outside += 1
        return self.asked_inside > self.times


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "バックアップ"
    folder.mkdir()
    return folder


# ---- バックアップ ----------------------------------------------------------------------------------


def test_a_backup_is_a_checked_encrypted_copy_that_opens_with_the_same_passphrase(
    db: Database, out: Path
) -> None:
    _fill(db, 20)
    expected = _all_counts(db)
    dest = out / "つむぎ町-バックアップ-20261128-1530.jusou"
    stages: list[str] = []
    report = db.export_copy(dest, progress=stages.append)
    assert stages == BACKUP_STAGES
    assert entries(out) == [dest.name]  # no temporary file left
    assert report.path == dest
    assert report.size == dest.stat().st_size > 0
    assert report.schema_version == db.schema_version()
    assert dict(report.row_counts) == {"ケース": 1, "人": 1, "関係機関": 1, "経過記録": 20}
    assert not dest.read_bytes().startswith(b"SQLite format 3")
    with Database.open(dest, PASSPHRASE) as copy:
        assert _all_counts(copy) == expected
        assert copy.check().healthy
        assert len(copy.notes.search("記録7")) == 1
    with pytest.raises(WrongPassphrase):
        Database.open(dest, NEW_PASSPHRASE)


def test_a_backup_runs_on_a_worker_view_while_the_owner_keeps_working(
    db: Database, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = _fill(db, 5)
    exported, saved = threading.Event(), threading.Event()
    real = database._export_encrypted

    def export_then_wait(*args: Any, **kwargs: Any) -> dict[str, int]:
        counts = real(*args, **kwargs)
        exported.set()
        assert saved.wait(20)  # the owner saves before the copy is checked
        return counts

    monkeypatch.setattr(database, "_export_encrypted", export_then_wait)
    open_view = db.opener_for_worker()
    dest = out / "copy.jusou"
    failures: list[BaseException] = []

    def work() -> None:
        try:
            with open_view() as view:
                view.export_copy(dest)
        except BaseException as exc:  # reported below
            failures.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    assert exported.wait(20)
    _note(db, case_id, "バックアップ中の記録")  # on the owner's connection while the worker runs
    assert worker.is_alive()
    saved.set()
    worker.join()
    assert failures == []  # the copy is checked against the moment it was exported, not the file now
    assert db.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 6
    with Database.open(dest, PASSPHRASE) as copy:
        assert copy.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 5
        assert copy.check().healthy


def test_a_backup_never_replaces_an_existing_file(db: Database, out: Path) -> None:
    dest = out / "copy.jusou"
    dest.write_bytes(b"an older backup")
    with pytest.raises(AlreadyExists) as caught:
        db.export_copy(dest)
    assert "上書きはしません" in caught.value.message
    assert dest.read_bytes() == b"an older backup"
    assert entries(out) == ["copy.jusou"]


@pytest.mark.parametrize("hard_links", [True, False], ids=["hard-links", "fat-usb-stick"])
def test_a_file_that_appears_while_the_backup_is_written_is_not_replaced(
    db: Database, out: Path, monkeypatch: pytest.MonkeyPatch, hard_links: bool
) -> None:
    if not hard_links:  # FAT and exFAT sticks: no hard links, a check just before the rename

        def no_link(*_args: object) -> None:
            raise PermissionError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_link)
        db.export_copy(out / "plain.jusou")  # the fallback itself works
    dest = out / "copy.jusou"
    real_check = database._export_checks_out

    def someone_else_saves(*args: object) -> bool:
        dest.write_bytes(b"saved by someone else")
        return real_check(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(database, "_export_checks_out", someone_else_saves)
    with pytest.raises(AlreadyExists):
        db.export_copy(dest)
    assert dest.read_bytes() == b"saved by someone else"
    assert entries(out) == (["copy.jusou"] if hard_links else ["copy.jusou", "plain.jusou"])


def test_cancelling_a_backup_stops_sqlcipher_mid_export_and_leaves_nothing(
    db: Database, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(db, 600)
    stop = _StopInside(monkeypatch, 3, (database, "_export_encrypted"), not_in=(database, "_table_counts"))
    stages: list[str] = []
    with pytest.raises(Cancelled) as caught:
        db.export_copy(out / "copy.jusou", cancelled=stop, progress=stages.append)
    assert str(caught.value) == "バックアップを中止しました。ファイルは作られていません。"
    assert isinstance(caught.value.__cause__, cx.DatabaseError), "SQLite itself was interrupted"
    assert stop.asked_inside > 3, "asked by SQLite while sqlcipher_export ran"
    assert stages == BACKUP_STAGES[:1]
    assert entries(out) == []
    assert db.cases.count() == 1  # the database is unharmed and in use


def test_cancelling_while_the_copy_is_checked_stops_the_check_and_leaves_nothing(
    db: Database, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(db, 600)
    stop = _StopInside(monkeypatch, 2, (cx, "integrity_report"))
    stages: list[str] = []
    with pytest.raises(Cancelled) as caught:
        db.export_copy(out / "copy.jusou", cancelled=stop, progress=stages.append)
    assert str(caught.value) == "バックアップを中止しました。ファイルは作られていません。"
    assert stop.asked_inside > 2, "asked by SQLite while the copy's integrity check ran"
    assert stages == BACKUP_STAGES[:2]
    assert entries(out) == []


def test_a_backup_is_written_under_a_name_that_says_what_it_is(
    db: Database, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the PC die while a backup is written, the file left in the user's folder says why."""
    seen: list[list[str]] = []
    real = database._export_checks_out

    def look(*args: Any) -> bool:
        seen.append(entries(out))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(database, "_export_checks_out", look)
    db.export_copy(out / "copy.jusou")
    ((name,),) = seen
    assert name.startswith("copy.jusou.作成中-")
    assert name.endswith(".tmp")  # not offered by the *.jusou file dialogs
    assert entries(out) == ["copy.jusou"]


def test_a_copy_that_does_not_check_out_is_removed(
    db: Database, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(db, 3)
    monkeypatch.setattr(cx, "integrity_report", lambda _conn: (["page 3: HMAC check failed"], ["ok"]))
    with pytest.raises(BackupFailed) as caught:
        db.export_copy(out / "copy.jusou")
    assert "内容が一致しませんでした" in caught.value.message
    assert "書きかけのファイルは残していません" in caught.value.message
    assert entries(out) == []


def test_an_export_the_key_does_not_open_is_a_failed_check_not_a_wrong_passphrase(
    db: Database, db_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = database._export_encrypted
    stranger = crypto.derive_new("まったく別の合言葉 123")

    def under_another_key(conn: cx.Connection, dest: Path, _key: crypto.DerivedKey, **kwargs: Any) -> Any:
        return real(conn, dest, stranger, **kwargs)

    monkeypatch.setattr(database, "_export_encrypted", under_another_key)
    with pytest.raises(BackupFailed) as caught:
        db.export_copy(out / "copy.jusou")
    assert "内容が一致しませんでした" in caught.value.message
    assert entries(out) == []
    change = db.start_passphrase_change()
    (failure,) = _prepare_on_a_worker(change, current_passphrase=PASSPHRASE)
    assert type(failure) is PassphraseChangeFailed, (
        "the user typed the right passphrase: say what really failed"
    )
    assert not failure.changed
    assert "確認できませんでした" in failure.message
    assert "パスフレーズは変わっていません" in failure.message
    _still_the_old_passphrase(db, db_path, 0)


def test_a_name_that_may_not_have_reached_the_device_is_not_left_behind(
    db: Database, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pulled_out(_folder: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(database, "_fsync_dir", pulled_out)
    with pytest.raises(BackupFailed) as caught:
        db.export_copy(out / "copy.jusou")
    assert "USBメモリが抜かれていないか" in caught.value.message
    assert entries(out) == []


def test_a_backup_into_a_missing_or_read_only_folder_says_why_in_japanese(
    db: Database, tmp_path: Path
) -> None:
    with pytest.raises(BackupFailed) as missing:
        db.export_copy(tmp_path / "抜かれたUSB" / "copy.jusou")
    assert "保存先のフォルダがありません" in missing.value.message
    assert not (tmp_path / "抜かれたUSB").exists()
    with read_only_folder(tmp_path / "読み取り専用") as folder:
        with pytest.raises(BackupFailed) as read_only:
            db.export_copy(folder / "copy.jusou")
        assert "読み取り専用" in read_only.value.message
        assert entries(folder) == []


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (errno.ENOSPC, "空き容量が足りません"),
        (errno.EIO, "USBメモリが抜かれていないか"),
    ],
    ids=["disk-full", "stick-pulled-out"],
)
def test_a_device_failure_while_writing_is_explained_and_cleaned_up(
    db: Database, out: Path, monkeypatch: pytest.MonkeyPatch, error: int, words: str
) -> None:
    def failing_flush(_path: Path) -> None:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(database, "_fsync_file", failing_flush)
    with pytest.raises(BackupFailed) as caught:
        db.export_copy(out / "copy.jusou")
    assert words in caught.value.message
    assert entries(out) == []


def test_the_check_can_be_cancelled_and_then_still_runs(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(db, 600)
    stop = _StopInside(monkeypatch, 2, (cx, "integrity_report"))
    with pytest.raises(Cancelled):
        db.check(cancelled=stop)
    assert stop.asked_inside > 2, "asked by SQLite while the integrity check ran"
    assert db.check(cancelled=lambda: False).healthy


# ---- パスフレーズの変更（2段階） ------------------------------------------------------------------------


def _prepare_on_a_worker(change: PassphraseChange, **kwargs: object) -> list[BaseException]:
    failures: list[BaseException] = []

    def work() -> None:
        try:
            change.prepare(NEW_PASSPHRASE, **kwargs)  # type: ignore[arg-type]
        except BaseException as exc:  # reported to the caller
            failures.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    return failures


def _rekey_tmp(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".rekey-tmp")


def test_the_slow_part_runs_on_a_worker_and_the_swap_on_the_owner(db: Database, db_path: Path) -> None:
    case_id = _fill(db, 10)
    stages: list[str] = []
    change = db.start_passphrase_change()
    assert _prepare_on_a_worker(change, current_passphrase=PASSPHRASE, progress=stages.append) == []
    assert _rekey_tmp(db_path).exists()
    assert db.cases.count() == 1  # reading meanwhile is fine
    change.finish(progress=stages.append)
    assert stages == REKEY_STAGES
    assert not _rekey_tmp(db_path).exists()
    assert len(db.notes.search("記録3")) == 1  # the same Database object keeps working
    _note(db, case_id, "変更の後の記録")  # and writes under the new key
    db.close()
    with pytest.raises(WrongPassphrase):
        Database.open(db_path, PASSPHRASE)
    with Database.open(db_path, NEW_PASSPHRASE) as reopened:
        assert reopened.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 11
        assert reopened.check().healthy


def _still_the_old_passphrase(db: Database, db_path: Path, notes: int) -> None:
    assert not _rekey_tmp(db_path).exists()
    db.close()
    with pytest.raises(WrongPassphrase):
        Database.open(db_path, NEW_PASSPHRASE)
    with Database.open(db_path, PASSPHRASE) as reopened:
        assert reopened.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == notes


def test_a_wrong_current_passphrase_changes_nothing(db: Database, db_path: Path) -> None:
    _fill(db, 2)
    change = db.start_passphrase_change()
    (failure,) = _prepare_on_a_worker(change, current_passphrase="まちがいのパスフレーズ")
    assert isinstance(failure, WrongPassphrase)
    with pytest.raises(StoreError):
        change.finish()  # nothing was prepared
    _still_the_old_passphrase(db, db_path, 2)


def test_a_save_on_the_owner_during_the_change_stops_it(db: Database, db_path: Path) -> None:
    case_id = _fill(db, 2)
    change = db.start_passphrase_change()
    assert _prepare_on_a_worker(change) == []
    _note(db, case_id, "変更中に保存された下書き")  # not in the export: it must not be lost
    with pytest.raises(StoreError) as caught:
        change.finish()
    assert "取りやめました" in caught.value.message
    assert db.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 3
    _still_the_old_passphrase(db, db_path, 3)


def test_a_commit_by_another_connection_during_the_change_stops_it(db: Database, db_path: Path) -> None:
    case_id = _fill(db, 2)
    change = db.start_passphrase_change()
    assert _prepare_on_a_worker(change) == []
    with db.opener_for_worker()() as other:  # e.g. an import running on its own connection
        _note(other, case_id, "別の接続からの記録")
    with pytest.raises(StoreError):
        change.finish()
    _still_the_old_passphrase(db, db_path, 3)


def test_locking_the_window_during_the_change_stops_it(db: Database, db_path: Path) -> None:
    _fill(db, 2)
    change = db.start_passphrase_change()
    assert _prepare_on_a_worker(change) == []
    db.suspend()
    with pytest.raises(StoreError):
        change.finish()
    db.resume(PASSPHRASE)
    _still_the_old_passphrase(db, db_path, 2)


@pytest.mark.parametrize(
    ("where", "not_in", "stages"),
    [
        ((database, "_export_encrypted"), (database, "_table_counts"), REKEY_STAGES[1:2]),
        ((cx, "integrity_report"), None, REKEY_STAGES[1:3]),
    ],
    ids=["export", "check"],
)
def test_cancelling_the_change_mid_export_keeps_the_old_passphrase(
    db: Database,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: tuple[object, str],
    not_in: tuple[object, str] | None,
    stages: list[str],
) -> None:
    _fill(db, 600)
    stop = _StopInside(monkeypatch, 2, where, not_in)
    said: list[str] = []
    (failure,) = _prepare_on_a_worker(
        change := db.start_passphrase_change(), cancelled=stop, progress=said.append
    )
    assert isinstance(failure, Cancelled)
    assert str(failure) == "パスフレーズの変更を中止しました。パスフレーズは変わっていません。"
    assert stop.asked_inside > 2, "asked by SQLite while the statement ran"
    assert said == stages
    with pytest.raises(StoreError):
        change.finish()
    _still_the_old_passphrase(db, db_path, 600)


def test_no_change_can_start_on_a_locked_database(db: Database) -> None:
    db.suspend()
    with pytest.raises(StoreError):
        db.start_passphrase_change()


def test_a_save_on_the_owner_while_the_worker_prepares_stops_the_change(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = _fill(db, 2)
    exported, saved = threading.Event(), threading.Event()
    real = database._export_encrypted

    def export_then_wait(*args: Any, **kwargs: Any) -> dict[str, int]:
        counts = real(*args, **kwargs)
        exported.set()
        assert saved.wait(20)  # the owner saves before the new file is checked and flushed
        return counts

    monkeypatch.setattr(database, "_export_encrypted", export_then_wait)
    change = db.start_passphrase_change()
    failures: list[BaseException] = []

    def work() -> None:
        try:
            change.prepare(NEW_PASSPHRASE, current_passphrase=PASSPHRASE)
        except BaseException as exc:  # reported below
            failures.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    assert exported.wait(20)
    _note(db, case_id, "変更中に保存された記録")  # on the owner's connection, not in the export
    assert worker.is_alive(), "the save happened while prepare() ran"
    saved.set()
    worker.join()
    assert failures == []
    with pytest.raises(StoreError) as caught:
        change.finish()
    assert caught.value.message == CHANGED_DURING_REKEY
    assert db.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 3  # nothing was lost
    _note(db, case_id, "その後の記録")  # and the owner's connection keeps working
    _still_the_old_passphrase(db, db_path, 4)


# ---- 別のところで同じファイルを開いたとき・ファイル操作の失敗 ---------------------------------------------------


def test_opening_the_file_elsewhere_during_a_change_leaves_the_prepared_file_alone(
    db: Database, db_path: Path
) -> None:
    case_id = _fill(db, 3)
    change = db.start_passphrase_change()
    assert _prepare_on_a_worker(change, current_passphrase=PASSPHRASE) == []
    with pytest.raises(InUseElsewhere):  # a second instance, refused as 使用中
        Database.open(db_path, PASSPHRASE)
    assert _rekey_tmp(db_path).exists()
    change.finish()  # the session's change goes through
    _note(db, case_id, "変更の後の記録")
    db.close()
    with Database.open(db_path, NEW_PASSPHRASE) as reopened:
        assert reopened.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 4


def test_leftovers_of_a_change_that_died_are_removed_once_the_file_is_ours(db_path: Path) -> None:
    tmp = _rekey_tmp(db_path)
    journal = Path(str(tmp) + "-journal")
    for leftover in (tmp, journal):
        leftover.write_bytes(b"encrypted pages of an unfinished change")
    with Database.open(db_path, PASSPHRASE) as db:
        assert not tmp.exists()
        assert not journal.exists()
        assert db.cases.count() == 0


@pytest.mark.parametrize("when", ["before-finish", "during-the-swap"])
def test_a_prepared_file_that_vanished_is_refused_and_the_old_connection_keeps_working(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    case_id = _fill(db, 2)
    change = db.start_passphrase_change()
    assert _prepare_on_a_worker(change) == []
    tmp = _rekey_tmp(db_path)
    if when == "before-finish":
        tmp.unlink()
    else:
        real_replace = os.replace

        def vanish_first(src: Any, dst: Any) -> None:
            Path(src).unlink(missing_ok=True)
            real_replace(src, dst)

        monkeypatch.setattr(os, "replace", vanish_first)
    with pytest.raises(PassphraseChangeFailed) as caught:
        change.finish()
    assert not caught.value.changed
    assert "準備したファイルが見当たりません" in caught.value.message
    assert "パスフレーズは変わっていません" in caught.value.message
    monkeypatch.undo()
    assert db.is_open
    _note(db, case_id, "その後の記録")  # the session goes on under the old passphrase
    _still_the_old_passphrase(db, db_path, 3)


def test_a_file_held_by_another_program_during_the_swap_keeps_the_old_passphrase(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows: an antivirus scanner holds the file open; the rename is refused."""
    case_id = _fill(db, 2)
    change = db.start_passphrase_change()
    assert _prepare_on_a_worker(change) == []

    def held(_src: Any, _dst: Any) -> None:
        raise PermissionError(errno.EACCES, "The process cannot access the file")

    monkeypatch.setattr(os, "replace", held)
    with pytest.raises(PassphraseChangeFailed) as caught:
        change.finish()
    monkeypatch.undo()
    assert not caught.value.changed
    assert "ほかのプログラム" in caught.value.message
    assert caught.value.message.rstrip().endswith("パスフレーズは変わっていません。")
    assert isinstance(caught.value.__cause__, PermissionError)
    _note(db, case_id, "その後の記録")
    _still_the_old_passphrase(db, db_path, 3)


def test_a_swap_that_may_not_have_reached_the_device_says_the_new_passphrase_is_in_effect(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = _fill(db, 2)
    change = db.start_passphrase_change()
    assert _prepare_on_a_worker(change) == []

    def pulled_out(_folder: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(database, "_fsync_dir", pulled_out)
    with pytest.raises(PassphraseChangeFailed) as caught:
        change.finish()
    assert caught.value.changed
    assert caught.value.message.startswith("新しいパスフレーズに変わりました。ただし")
    assert "USBメモリが抜かれていないか" in caught.value.message
    assert "変わっていません" not in caught.value.message
    _note(db, case_id, "その後の記録")  # reconnected with the new key
    assert not _rekey_tmp(db_path).exists()
    db.close()
    with pytest.raises(WrongPassphrase):
        Database.open(db_path, PASSPHRASE)
    with Database.open(db_path, NEW_PASSPHRASE) as reopened:
        assert reopened.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 3


def test_a_swap_that_cannot_reconnect_says_which_passphrase_to_open_with(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(db, 2)
    change = db.start_passphrase_change()
    assert _prepare_on_a_worker(change) == []

    def pulled_out(*_args: object, **_kwargs: object) -> cx.Connection:
        raise StorageFailure("ファイルの読み書きに失敗しました（case.jusou）。")

    monkeypatch.setattr(cx, "connect", pulled_out)
    with pytest.raises(PassphraseChangeFailed) as caught:
        change.finish()
    monkeypatch.undo()
    assert caught.value.changed
    assert caught.value.message.startswith("新しいパスフレーズに変わりました。ただし")
    assert "新しいパスフレーズで開いて" in caught.value.message
    assert not db.is_open
    db.close()
    assert not (db_path.parent / (db_path.name + ".lock")).exists()
    with Database.open(db_path, NEW_PASSPHRASE) as reopened:
        assert reopened.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (errno.ENOSPC, "空き容量が足りません"),
        (errno.EIO, "USBメモリが抜かれていないか"),
        (errno.EACCES, "ほかのプログラム"),
    ],
    ids=["disk-full", "stick-pulled-out", "held-by-another-program"],
)
def test_a_device_failure_while_preparing_is_explained_and_cleaned_up(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, error: int, words: str
) -> None:
    _fill(db, 2)

    def failing_flush(_path: Path) -> None:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(database, "_fsync_file", failing_flush)
    change = db.start_passphrase_change()
    (failure,) = _prepare_on_a_worker(change, current_passphrase=PASSPHRASE)
    assert type(failure) is PassphraseChangeFailed
    assert not failure.changed
    assert words in failure.message
    assert "パスフレーズは変わっていません" in failure.message
    _still_the_old_passphrase(db, db_path, 2)
