"""The one façade over the encrypted case file (cf. Anki's Collection).

    db = Database.create(path, passphrase)        # or Database.open(path, passphrase)
    case_id = db.cases.create(...)
    db.close()

It owns the lock file, the derived key and the connection, runs migrations, and exposes the
repositories.  Further connections (for a worker thread) reuse the derived key.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hmac
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jusou_desktop.domain.errors import Cancelled
from jusou_desktop.domain.passphrase import normalize
from jusou_desktop.domain.tags import STANDARD_TAGS
from jusou_desktop.store import connection as cx
from jusou_desktop.store import crypto, migrations
from jusou_desktop.store.errors import (
    AlreadyExists,
    NotJusouDatabase,
    ReadOnlyLocation,
    StorageFailure,
    StoreError,
    WrongPassphrase,
)
from jusou_desktop.store.lockfile import LockFile

Progress = Callable[[str], None]
CancelCheck = Callable[[], bool]
"""Asked while long work runs (between stages, and by SQLCipher while it exports or checks)."""


def _now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat()


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover - directories cannot be opened on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


@dataclass(frozen=True, slots=True)
class CheckReport:
    cipher_problems: tuple[str, ...]
    sqlite_problems: tuple[str, ...]
    schema_version: int
    cipher_version: str
    row_counts: tuple[tuple[str, int], ...]

    @property
    def healthy(self) -> bool:
        return not self.cipher_problems and self.sqlite_problems == ("ok",)

    def describe(self) -> str:
        lines = [f"SQLCipher {self.cipher_version}・データ形式 {self.schema_version}"]
        if not self.cipher_problems:
            lines.append("暗号化ページの検査: 異常なし")
        else:
            lines.append(f"暗号化ページの検査: {len(self.cipher_problems)} 件の異常")
            lines.extend(f"  {p}" for p in self.cipher_problems[:20])
        if self.sqlite_problems == ("ok",):
            lines.append("データベース構造の検査: 異常なし")
        else:
            lines.append(f"データベース構造の検査: {len(self.sqlite_problems)} 件の異常")
            lines.extend(f"  {p}" for p in self.sqlite_problems[:20])
        lines.append(
            "件数: "
            + "、".join(
                f"{label} {count if count >= 0 else '読めません'}" for label, count in self.row_counts
            )
        )
        lines.append(
            "結果: 正常です" if self.healthy else "結果: 異常があります。バックアップから復元してください。"
        )
        return "\n".join(lines)


_COUNTED_TABLES = (("ケース", "cases"), ("人", "persons"), ("関係機関", "agencies"), ("経過記録", "notes"))


@dataclass(frozen=True, slots=True)
class CopyReport:
    """A backup that was written, reopened with the key and checked (see Database.export_copy)."""

    path: Path
    size: int
    schema_version: int
    row_counts: tuple[tuple[str, int], ...]
    """The labelled counts (ケース, 人…); every table's count was compared, not only these."""


class BackupFailed(StoreError):
    """The copy could not be written or did not check out; nothing was left at the destination."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"バックアップを作成できませんでした。{reason}\n"
            "書きかけのファイルは残していません。開いているデータベースはそのままです。"
        )


class PassphraseChangeFailed(StoreError):
    """A passphrase change stopped by the file system; ``changed`` says which passphrase now opens it.

    Before the rename the file is untouched (the old passphrase); once the rename succeeded the
    new passphrase is in effect even if a later step failed, and the message says so.
    """

    def __init__(self, reason: str, *, changed: bool) -> None:
        if changed:
            text = (
                f"新しいパスフレーズに変わりました。ただし、{reason}\n"
                "次からは新しいパスフレーズで開いてください（開けないときは、これまでのパスフレーズもお試しください）。"
            )
        else:
            text = f"パスフレーズを変更できませんでした。{reason}\nパスフレーズは変わっていません。"
        super().__init__(text)
        self.changed = changed


PREPARED_FILE_GONE = (
    "準備したファイルが見当たりません（ほかのプログラムが消した可能性があります）。もう一度お試しください。"
)
CHANGED_DURING_REKEY = (
    "パスフレーズの変更中に、データの保存やロックがありました。念のため変更を取りやめました"
    "（パスフレーズは変わっていません）。もう一度お試しください。"
)
BACKUP_TMP_INFIX = ".作成中-"
"""A backup is written as ``<name>.作成中-xxxxxxxx.tmp`` until it is checked (see export_copy)."""
BACKUP_CANCELLED = "バックアップを中止しました。ファイルは作られていません。"
REKEY_CANCELLED = "パスフレーズの変更を中止しました。パスフレーズは変わっていません。"
CHECK_CANCELLED = "点検を中止しました。"
_INTERRUPT_EVERY = 1000
"""SQLite virtual-machine steps between two looks at the 中止 flag during an export or a check."""


class Database:
    """An open, unlocked, migrated database file."""

    def __init__(
        self,
        path: Path,
        key: crypto.DerivedKey,
        conn: cx.Connection,
        lock: LockFile,
        *,
        owns_lock: bool = True,
    ) -> None:
        self.path = path
        self._key = key
        self._conn: cx.Connection | None = conn
        self._lock = lock
        self._owns_lock = owns_lock
        self._depth = 0
        from jusou_desktop.store.agencies import AgencyRepository, StaffRepository
        from jusou_desktop.store.cases import CaseRepository
        from jusou_desktop.store.drafts import DraftRepository
        from jusou_desktop.store.export_log import ExportLogRepository
        from jusou_desktop.store.imports import ImportRepository
        from jusou_desktop.store.jisseki import JissekiRepository
        from jusou_desktop.store.meetings import MeetingRepository
        from jusou_desktop.store.notes import NoteRepository
        from jusou_desktop.store.plans import PlanRepository
        from jusou_desktop.store.referrals import MeetingRequestRepository, ReferralRepository, TaskRepository
        from jusou_desktop.store.resources import ResourceRepository
        from jusou_desktop.store.settings import SettingsRepository
        from jusou_desktop.store.sheets import TemplateRepository

        self.agencies = AgencyRepository(self)
        self.staff = StaffRepository(self)
        self.cases = CaseRepository(self)
        self.notes = NoteRepository(self)
        self.settings = SettingsRepository(self)
        self.drafts = DraftRepository(self)
        self.templates = TemplateRepository(self)
        self.referrals = ReferralRepository(self)
        self.tasks = TaskRepository(self)
        self.meeting_requests = MeetingRequestRepository(self)
        self.imports = ImportRepository(self)
        self.meetings = MeetingRepository(self)
        self.plans = PlanRepository(self)
        self.jisseki = JissekiRepository(self)
        self.export_log = ExportLogRepository(self)
        self.resources = ResourceRepository(self)

    # ---- opening -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, passphrase: str, *, town: str = "") -> Database:
        """Make a new encrypted database. The caller has checked the passphrase policy."""
        path = Path(path)
        if path.exists():
            raise AlreadyExists(path)
        if not path.parent.is_dir():
            raise StorageFailure(f"保存先のフォルダがありません: {path.parent}")
        if not os.access(path.parent, os.W_OK):
            raise ReadOnlyLocation(path.parent)
        cx.check_cipher_runtime()
        lock = LockFile(path)
        lock.acquire()
        key = crypto.derive_new(passphrase)
        try:
            conn = cx.connect(path, key, create=True)
            try:
                steps = migrations.load_migrations()
                migrations.apply(conn, steps)
                db = cls(path, key, conn, lock)
                with db.transaction():
                    db._seed(town)
                return db
            except BaseException:
                conn.close()
                raise
        except BaseException:
            lock.release()
            path.unlink(missing_ok=True)
            Path(str(path) + "-journal").unlink(missing_ok=True)
            raise

    @classmethod
    def open(
        cls,
        path: Path,
        passphrase: str | None = None,
        *,
        key: crypto.DerivedKey | None = None,
        take_over_lock: bool = False,
        progress: Progress | None = None,
    ) -> Database:
        """Open an existing file with a passphrase (or an already derived key).

        Order matters: everything that can be judged without the key is judged first, the lock
        is taken before the key is tried, and nothing is written until the key is proven and
        the schema version accepted.
        """
        path = Path(path)
        salt = cx.inspect_file(path)
        cx.check_cipher_runtime()
        lock = LockFile(path)
        lock.acquire(take_over=take_over_lock)
        try:
            _remove_leftover_rekey(path)  # only now: while another program holds the file, it is its own
            if key is None:
                if passphrase is None:
                    raise ValueError("passphrase or key required")
                key = crypto.derive(passphrase, salt)
            conn = cx.connect(path, key)
            try:
                if cx.application_id(conn) != cx.APPLICATION_ID:
                    raise NotJusouDatabase(path, "暗号化されていますが、このアプリのファイルではありません")
                steps = migrations.load_migrations()
                todo = migrations.pending(conn, steps)
                if todo:
                    if progress:
                        progress("更新前のバックアップを作成しています")
                    before = cx.user_version(conn)
                    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
                    _export_encrypted(
                        conn, path.with_name(f"{path.stem}.形式{before}-{stamp}{path.suffix}"), key
                    )
                    if progress:
                        progress("データ形式を更新しています")
                    with cx.translated(path):
                        migrations.apply(conn, todo)
                db = cls(path, key, conn, lock)
                with db.transaction():
                    db._seed("")
                return db
            except BaseException:
                conn.close()
                raise
        except BaseException:
            lock.release()
            raise

    def _seed(self, town: str) -> None:
        conn = self.conn
        conn.execute(
            "INSERT OR IGNORE INTO app_info (key, value) VALUES ('created_at', ?)",
            (_now(),),
        )
        if town:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('town_name', ?)", (town,))
        conn.executemany(
            "INSERT OR IGNORE INTO tags (name, builtin, position) VALUES (?, 1, ?)",
            [(name, position) for position, name in enumerate(STANDARD_TAGS)],
        )
        self.templates.ensure_shipped(conn)

    # ---- connection and transactions -----------------------------------------------------

    @property
    def conn(self) -> cx.Connection:
        if self._conn is None:
            raise StoreError("データベースは閉じられています。")
        return self._conn

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def key(self) -> crypto.DerivedKey:
        return self._key

    def connect_another(self, *, check_same_thread: bool = True) -> cx.Connection:
        """A further connection for another thread; reuses the derived key (no second KDF)."""
        return cx.connect(self.path, self._key, check_same_thread=check_same_thread)

    def opener_for_worker(self) -> Callable[[], Database]:
        """How a background thread opens this same file with every repository (imports).

        Call this on the thread that owns this database; call the result on the worker thread
        (the connection belongs to the thread that makes it) and close what it returns there::

            open_view = db.opener_for_worker()
            def work():                      # on a worker thread
                with open_view() as view:    # 0.5 ms: the derived key is reused
                    view.imports.apply(...)

        The view has its own connection and its own transactions; it shares this database's
        lock file, so closing the view never releases the lock.  SQLite serialises the two
        connections (``busy_timeout``): this one can read while the view writes, and sees the
        view's rows once they are committed.
        """
        self.conn  # noqa: B018 - refuses (StoreError) while the database is locked or closed
        path, key, lock = self.path, self.key, self._lock

        def open_view() -> Database:
            return Database(path, key, cx.connect(path, key), lock, owns_lock=False)

        return open_view

    @contextlib.contextmanager
    def transaction(self) -> Iterator[cx.Connection]:
        """All-or-nothing: commit at the end, roll back on any error (nested calls join)."""
        conn = self.conn
        if self._depth:
            self._depth += 1
            try:
                yield conn
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with cx.translated(self.path):
                conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                with cx.translated(self.path):
                    conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(cx.DatabaseError):
                    conn.execute("ROLLBACK")
                raise
        except cx.DatabaseError as exc:
            raise cx.translate(exc, self.path) from exc
        finally:
            self._depth = 0

    # ---- auto-lock -----------------------------------------------------------------------

    @property
    def is_suspended(self) -> bool:
        return self._conn is None and self._lock.held

    def suspend(self) -> None:
        """Lock: close the connection and forget the key, but keep the lock file (still ours)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._key = crypto.DerivedKey(b"", self._key.salt)

    def resume(self, passphrase: str | None = None, *, key: crypto.DerivedKey | None = None) -> None:
        """Unlock with the passphrase (or a key derived from it off the GUI thread).

        Raises WrongPassphrase and stays locked if it is wrong.
        """
        if self._conn is not None:
            return
        if key is None:
            if passphrase is None:
                raise ValueError("passphrase or key required")
            key = crypto.derive(passphrase, cx.inspect_file(self.path))
        self._conn = cx.connect(self.path, key)
        self._key = key

    def close(self) -> None:
        if self._conn is None and self._lock.held and self._owns_lock:
            self._lock.release()
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
                if self._owns_lock:
                    self._lock.release()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- maintenance ---------------------------------------------------------------------

    def schema_version(self) -> int:
        return cx.user_version(self.conn)

    def check(self, *, cancelled: CancelCheck | None = None) -> CheckReport:
        """Cipher and structure checks with counts; ``cancelled`` stops it (raises Cancelled)."""
        with cx.translated(self.path), _interruptible(self.conn, cancelled, CHECK_CANCELLED):
            cipher_rows, sqlite_rows = cx.integrity_report(self.conn)
        _stop_if(cancelled, CHECK_CANCELLED)  # the report swallows the interruption: not damage
        counts = []
        for label, table in _COUNTED_TABLES:
            try:  # a damaged page must not stop the report: count what can be read
                counts.append((label, int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])))
            except cx.DatabaseError:
                counts.append((label, -1))
        return CheckReport(
            tuple(cipher_rows),
            tuple(sqlite_rows),
            self.schema_version(),
            cx.check_cipher_runtime(),
            tuple(counts),
        )

    def change_passphrase(self, new_passphrase: str, progress: Progress | None = None) -> None:
        """Re-encrypt under a new passphrase without ever risking the data.

        The whole database is exported into a new encrypted file beside it (same folder, so the
        final rename is atomic), that file is reopened with the new key and checked, and only then
        renamed over the original.  If the process dies at any point the file on disk opens with
        either the old or the new passphrase, never neither.

        This is the one-thread form (the command line); the GUI runs the same two parts of a
        :class:`PassphraseChange` on a worker thread and then on its own.
        """
        change = self.start_passphrase_change()
        change.prepare(new_passphrase, progress=progress)
        change.finish(progress=progress)

    def start_passphrase_change(self) -> PassphraseChange:
        """Begin a passphrase change; call on the thread that owns this database (see the class)."""
        return PassphraseChange(self)

    @staticmethod
    def _count(conn: cx.Connection, table: str) -> int:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def export_copy(
        self, dest: Path, *, cancelled: CancelCheck | None = None, progress: Progress | None = None
    ) -> CopyReport:
        """A checked, encrypted copy under the same key (SQLCipher export, never a file copy).

        Copying the bytes of an open file is wrong whenever a ``-journal`` exists beside it, so the
        rows are exported through SQLCipher, in one read transaction (one consistent moment).  The
        copy is written under a temporary name in ``dest``'s folder, reopened with the same key and
        checked (cipher pages, structure, the same row count in every table, the same data format),
        flushed to the device and only then renamed to ``dest`` -- never over an existing file.
        On any failure or 中止 the temporary file is removed, so ``dest`` is either absent or a
        complete, checked copy.  Only if the PC dies meanwhile is the temporary file left, in the
        folder the user chose (it is theirs: nothing else is removed from it), named
        ``<dest>.作成中-<8 hex digits>.tmp`` so that it says what it is; it is encrypted and can be
        deleted.  Safe on a view from :meth:`opener_for_worker` on a worker thread.

        Raises AlreadyExists, BackupFailed (reason in Japanese) or Cancelled.
        """
        dest = Path(dest)
        say = progress or _quiet
        if dest.exists():
            raise AlreadyExists(dest)
        folder = dest.parent
        if not folder.is_dir():
            raise BackupFailed(f"保存先のフォルダがありません: {folder}")
        if not os.access(folder, os.W_OK):
            raise BackupFailed(f"保存先のフォルダに書き込めません（読み取り専用）: {folder}")
        tmp = folder / f"{dest.name}{BACKUP_TMP_INFIX}{secrets.token_hex(4)}.tmp"
        try:
            _stop_if(cancelled, BACKUP_CANCELLED)
            say("暗号化したまま書き出しています")
            expected = _export_encrypted(
                self.conn, tmp, self._key, cancelled=cancelled, stopped=BACKUP_CANCELLED
            )
            _stop_if(cancelled, BACKUP_CANCELLED)
            say("書き出したファイルを確認しています")
            if not _export_checks_out(tmp, self._key, expected, cancelled, BACKUP_CANCELLED):
                raise BackupFailed("書き出したファイルを確認したところ、内容が一致しませんでした。")
            _fsync_file(tmp)
            size = tmp.stat().st_size
            _stop_if(cancelled, BACKUP_CANCELLED)
            say("保存しています")
            _rename_without_overwrite(tmp, dest)
            try:
                _fsync_dir(folder)
            except OSError:  # the name may not be on the device: leave no doubtful copy behind
                _remove_with_journal(dest)
                raise
            return CopyReport(dest, size, expected[_VERSION], _labelled(expected))
        except (Cancelled, AlreadyExists, BackupFailed):
            raise
        except (StoreError, OSError) as exc:
            raise BackupFailed(_why_not_written(exc)) from exc
        finally:
            _remove_with_journal(tmp)


_VERSION = "\x00user_version"
"""Key of the data format in the count dictionaries below (no table can have this name)."""


def _labelled(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple((label, counts[table]) for label, table in _COUNTED_TABLES)


class PassphraseChange:
    """A passphrase change in two parts, so that a window never freezes during it.

    ::

        change = db.start_passphrase_change()          # the thread that owns db
        change.prepare(new, current_passphrase=typed)  # any thread: KDF, export, check (seconds)
        change.finish()                                # the owning thread again: swap (milliseconds)

    :meth:`prepare` derives the new key, exports the database through a connection of its own
    (the derived key is reused, so opening it costs nothing) into ``<file>.rekey-tmp`` beside the
    file, reopens that with the new key and checks it, and flushes it to the device.
    :meth:`finish` closes the owner's connection, renames the checked file over the original
    (atomic: same folder) and reconnects with the new key; the :class:`Database` object stays the
    one every window holds.  If the process dies at any point the file opens with the old or the
    new passphrase (a leftover ``.rekey-tmp`` and its ``-journal`` are removed the next time the
    file is opened, once the lock is held).  A failure of the file system is a
    :class:`PassphraseChangeFailed` that says which passphrase is in effect.

    Anything written to the database after :meth:`Database.start_passphrase_change` would be
    missing from the export, so :meth:`finish` refuses (StoreError, nothing changed) if the owner's
    connection has written, another connection has committed, or the database was locked.  A
    failure or 中止 removes the prepared file; :meth:`discard` does it for a caller that gives up.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._open_view = db.opener_for_worker()  # refuses while locked or closed
        self._conn = db.conn
        self._mark = _write_mark(self._conn)
        self._old_key = db.key
        self._tmp = _rekey_tmp_path(db.path)
        self._new_key: crypto.DerivedKey | None = None

    def prepare(
        self,
        new_passphrase: str,
        *,
        current_passphrase: str | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> None:
        """The slow part; runs on any thread and touches nothing of the owner's but the file.

        With ``current_passphrase`` it is checked first against the key the file is open with
        (WrongPassphrase if it differs).  The caller has checked the new one against the policy.
        """
        say = progress or _quiet
        try:
            if current_passphrase is not None:
                say("現在のパスフレーズを確かめています")
                typed = crypto.derive(current_passphrase, self._old_key.salt)
                if not hmac.compare_digest(typed.key, self._old_key.key):
                    raise WrongPassphrase()
                _stop_if(cancelled, REKEY_CANCELLED)
            new_key = crypto.derive_new(normalize(new_passphrase))
            _stop_if(cancelled, REKEY_CANCELLED)
            for leftover in (self._tmp, _journal_of(self._tmp)):  # a stale journal would be replayed
                leftover.unlink(missing_ok=True)
            say("新しい鍵で書き出しています")
            with self._open_view() as view:
                expected = _export_encrypted(
                    view.conn, self._tmp, new_key, cancelled=cancelled, stopped=REKEY_CANCELLED
                )
            _stop_if(cancelled, REKEY_CANCELLED)
            say("書き出したファイルを新しい鍵で確認しています")
            if not _export_checks_out(self._tmp, new_key, expected, cancelled, REKEY_CANCELLED):
                raise PassphraseChangeFailed(
                    "新しいパスフレーズでの書き出しを確認できませんでした。", changed=False
                )
            _fsync_file(self._tmp)
            _stop_if(cancelled, REKEY_CANCELLED)
            self._new_key = new_key
        except (StoreError, OSError) as exc:
            self.discard()
            if isinstance(exc, (WrongPassphrase, PassphraseChangeFailed)):
                raise
            # the device, not the data (disk full, stick pulled out, file held): say so in Japanese
            raise PassphraseChangeFailed(_why_not_rekeyed(exc), changed=False) from exc
        except BaseException:
            self.discard()
            raise

    def finish(self, *, progress: Progress | None = None) -> None:
        """The short part, on the thread that owns the database: swap the files, reconnect.

        Refusals before the swap (StoreError) leave the owner's connection as it was.  A failure
        of the file system is a :class:`PassphraseChangeFailed` whose ``changed`` tells which
        passphrase is now in effect; the database is reconnected with that one's key.
        """
        say = progress or _quiet
        db = self._db
        try:
            if self._new_key is None:
                raise StoreError("パスフレーズの変更の準備ができていません。パスフレーズは変わっていません。")
            conn = db._conn
            if conn is None or conn is not self._conn or _write_mark(conn) != self._mark:
                raise StoreError(CHANGED_DURING_REKEY)
            if not self._tmp.is_file():
                raise PassphraseChangeFailed(PREPARED_FILE_GONE, changed=False)
            say("元のファイルと入れ替えています")
            conn.close()
            db._conn = None
            replaced = False
            try:
                os.replace(self._tmp, db.path)
                replaced = True
                _fsync_dir(db.path.parent)
            except OSError as exc:
                raise PassphraseChangeFailed(self._why_not_swapped(exc, replaced), changed=replaced) from exc
            finally:
                self._reconnect(self._new_key if replaced else self._old_key, replaced)
        finally:
            self.discard()
        say("完了しました")

    def _why_not_swapped(self, exc: OSError, replaced: bool) -> str:
        if replaced:
            return (
                "変更がUSBメモリなどに最後まで書き込まれたことを確かめられませんでした。"
                "USBメモリが抜かれていないか確かめてください。"
            )
        if isinstance(exc, FileNotFoundError) and self._db.path.exists():
            return PREPARED_FILE_GONE
        return _why_not_rekeyed(exc)

    def _reconnect(self, key: crypto.DerivedKey, replaced: bool) -> None:
        """Reopen with the key of the passphrase in effect; if that fails, stay closed and say which.

        Closed, the database is as if locked (the lock file is still ours, no key is kept).
        """
        db = self._db
        try:
            db._conn = cx.connect(db.path, key)
        except StoreError as exc:
            db._key = crypto.DerivedKey(b"", key.salt)  # as when locked: no key kept
            raise PassphraseChangeFailed(
                f"データベースを開き直せませんでした（{exc.message.splitlines()[0]}）。"
                "アプリをいったん終了してください。",
                changed=replaced,
            ) from exc
        db._key = key

    def discard(self) -> None:
        """Remove the prepared file (the passphrase stays as it was)."""
        self._new_key = None
        _remove_with_journal(self._tmp)


def _quiet(_stage: str) -> None:
    return None


def _stop_if(cancelled: CancelCheck | None, message: str) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled(message)


@contextlib.contextmanager
def _interruptible(conn: cx.Connection, cancelled: CancelCheck | None, message: str) -> Iterator[None]:
    """Let SQLite itself look at ``cancelled`` while a long statement runs; raise Cancelled."""
    if cancelled is None:
        yield
        return
    raw: Any = conn  # the progress handler is not part of the Connection protocol
    raw.set_progress_handler(lambda: 1 if cancelled() else 0, _INTERRUPT_EVERY)
    try:
        yield
    except cx.DatabaseError as exc:
        if cancelled():
            raise Cancelled(message) from exc
        raise
    finally:
        raw.set_progress_handler(None, 0)


def _write_mark(conn: cx.Connection) -> tuple[int, int]:
    """Changes by this connection and commits by others: equal marks mean nothing was written."""
    raw: Any = conn
    row = conn.execute("PRAGMA data_version").fetchone()
    return int(raw.total_changes), int(row[0])


def _table_counts(conn: cx.Connection) -> dict[str, int]:
    """Rows in every ordinary table (the full-text index's own tables included) and the format."""
    names = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        ).fetchall()
    ]
    counts = {name: Database._count(conn, '"' + name.replace('"', '""') + '"') for name in names}
    counts[_VERSION] = cx.user_version(conn)
    return counts


def _export_checks_out(
    path: Path, key: crypto.DerivedKey, expected: dict[str, int], cancelled: CancelCheck | None, stopped: str
) -> bool:
    """Reopen an export with ``key``: healthy cipher pages and structure, the same rows and format."""
    try:
        probe = cx.connect(path, key)
    except (WrongPassphrase, NotJusouDatabase):  # the key does not open what was written
        return False
    try:
        with cx.translated(path), _interruptible(probe, cancelled, stopped):
            cipher_rows, sqlite_rows = cx.integrity_report(probe)
        _stop_if(cancelled, stopped)  # an interrupted check is 中止, not damage
        with cx.translated(path), _interruptible(probe, cancelled, stopped):
            found = _table_counts(probe)
            ours = cx.application_id(probe) == cx.APPLICATION_ID
    finally:
        probe.close()
    return not cipher_rows and sqlite_rows == ["ok"] and found == expected and ours


def _rename_without_overwrite(source: Path, dest: Path) -> None:
    """Give ``source`` the name ``dest`` unless ``dest`` exists (AlreadyExists then).

    A hard link fails atomically when the name is taken; file systems without hard links (FAT
    and exFAT USB sticks) fall back to a check just before a plain rename.
    """
    try:
        os.link(source, dest)
    except FileExistsError:
        raise AlreadyExists(dest) from None
    except OSError:
        if dest.exists():
            raise AlreadyExists(dest) from None
        os.rename(source, dest)
    else:
        source.unlink()


def _journal_of(path: Path) -> Path:
    return Path(str(path) + "-journal")


def _remove_with_journal(path: Path) -> None:
    for leftover in (path, _journal_of(path)):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)


_FULL, _NOT_WRITABLE, _DEVICE = "full", "not writable", "device"


def _what_failed(exc: BaseException) -> str:
    """The kind of file-system failure under ``exc`` (the SQLite or OS error underneath)."""
    cause = exc.__cause__ if isinstance(exc, StoreError) and exc.__cause__ is not None else exc
    text = str(cause).lower()
    number = cause.errno if isinstance(cause, OSError) else None
    if number == errno.ENOSPC or "full" in text:
        return _FULL
    if number in (errno.EROFS, errno.EACCES, errno.EPERM) or "readonly" in text or "read-only" in text:
        return _NOT_WRITABLE
    return _DEVICE


_WHY_NOT_WRITTEN = {
    _FULL: "保存先の空き容量が足りません。別の保存先を選ぶか、不要なファイルを整理してください。",
    _NOT_WRITABLE: "保存先に書き込めません（読み取り専用）。書き込める保存先を選んでください。",
    _DEVICE: "ファイルの読み書きに失敗しました。USBメモリが抜かれていないか確かめてください。",
}
_WHY_NOT_REKEYED = {
    _FULL: "データベースのある場所の空き容量が足りません（変更にはファイルと同じくらいの空きが要ります）。",
    _NOT_WRITABLE: (
        "データベースのファイルを書き換えられませんでした。ほかのプログラム（ウイルス対策ソフトなど）が"
        "使っているか、読み取り専用になっています。しばらくしてからもう一度お試しください。"
    ),
    _DEVICE: "ファイルの読み書きに失敗しました。USBメモリが抜かれていないか確かめてください。",
}


def _why_not_written(exc: BaseException) -> str:
    """Why a backup failed, in words for the office."""
    return _WHY_NOT_WRITTEN[_what_failed(exc)]


def _why_not_rekeyed(exc: BaseException) -> str:
    """Why a passphrase change failed, in words for the office (it writes beside the database)."""
    return _WHY_NOT_REKEYED[_what_failed(exc)]


def _rekey_tmp_path(path: Path) -> Path:
    return path.with_name(path.name + ".rekey-tmp")


def _remove_leftover_rekey(path: Path) -> None:
    """Leftovers of a passphrase change that died before the rename: the original is intact.

    Call only with the lock held: while another program holds it, the file may be its change.
    """
    _remove_with_journal(_rekey_tmp_path(path))


def _export_encrypted(
    conn: cx.Connection,
    dest: Path,
    key: crypto.DerivedKey,
    *,
    cancelled: CancelCheck | None = None,
    stopped: str = "",
) -> dict[str, int]:
    """Write an encrypted copy of ``conn``'s database to ``dest`` with ``key`` (and its salt).

    The key is bound as a parameter; the attached file is encrypted from its first page.  The
    rows are read in one transaction, so the copy is one consistent moment even while another
    connection writes; the counts of that moment are returned (every table, and the format) for
    the caller to compare with the copy.  ``cancelled`` is asked by SQLite while it works and
    raises Cancelled(``stopped``); ``dest`` may then be partly written and the caller removes it.
    """
    with cx.translated(dest):
        conn.execute("ATTACH DATABASE ? AS export_target KEY ?", (str(dest), key.raw_for_new()))
        try:
            with _interruptible(conn, cancelled, stopped):
                conn.execute("BEGIN")
                try:
                    counts = _table_counts(conn)
                    conn.execute("SELECT sqlcipher_export('export_target')").fetchall()
                    conn.execute(f"PRAGMA export_target.user_version = {counts[_VERSION]:d}")
                    conn.execute(f"PRAGMA export_target.application_id = {cx.APPLICATION_ID:d}")
                    conn.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(cx.DatabaseError):
                        conn.execute("ROLLBACK")  # an interruption may have rolled back already
                    raise
        finally:
            conn.execute("DETACH DATABASE export_target")
    return counts
