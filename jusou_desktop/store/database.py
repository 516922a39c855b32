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
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

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
)
from jusou_desktop.store.lockfile import LockFile

Progress = Callable[[str], None]


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
        _remove_leftover_rekey(path)
        lock = LockFile(path)
        lock.acquire(take_over=take_over_lock)
        try:
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

    def check(self) -> CheckReport:
        with cx.translated(self.path):
            cipher_rows, sqlite_rows = cx.integrity_report(self.conn)
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
        """
        say = progress or (lambda _stage: None)
        new_key = crypto.derive_new(normalize(new_passphrase))
        tmp = _rekey_tmp_path(self.path)
        tmp.unlink(missing_ok=True)
        say("新しい鍵で書き出しています")
        _export_encrypted(self.conn, tmp, new_key)
        say("書き出したファイルを新しい鍵で確認しています")
        expected = {table: self._count(self.conn, table) for _label, table in _COUNTED_TABLES}
        probe = cx.connect(tmp, new_key)
        try:
            cipher_rows, sqlite_rows = cx.integrity_report(probe)
            found = {table: self._count(probe, table) for table in expected}
            version_ok = cx.user_version(probe) == self.schema_version()
        finally:
            probe.close()
        if cipher_rows or sqlite_rows != ["ok"] or found != expected or not version_ok:
            tmp.unlink(missing_ok=True)
            raise StorageFailure(
                "新しいパスフレーズでの書き出しを確認できませんでした。パスフレーズは変わっていません。"
            )
        _fsync_file(tmp)
        say("元のファイルと入れ替えています")
        self.conn.close()
        self._conn = None
        try:
            os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
        finally:
            key = new_key if not tmp.exists() else self._key
            self._conn = cx.connect(self.path, key)
            self._key = key
        say("完了しました")

    @staticmethod
    def _count(conn: cx.Connection, table: str) -> int:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def export_copy(self, dest: Path) -> None:
        """An encrypted copy under the same passphrase (SQLCipher export, never a file copy)."""
        if dest.exists():
            raise AlreadyExists(dest)
        _export_encrypted(self.conn, dest, self._key)


def _rekey_tmp_path(path: Path) -> Path:
    return path.with_name(path.name + ".rekey-tmp")


def _remove_leftover_rekey(path: Path) -> None:
    """A leftover from a passphrase change that died before the rename: the original is intact."""
    _rekey_tmp_path(path).unlink(missing_ok=True)


def _export_encrypted(conn: cx.Connection, dest: Path, key: crypto.DerivedKey) -> None:
    """Write an encrypted copy of ``conn``'s database to ``dest`` with ``key`` (and its salt).

    The key is bound as a parameter; the attached file is encrypted from its first page.
    """
    version = cx.user_version(conn)
    with cx.translated(dest):
        conn.execute("ATTACH DATABASE ? AS export_target KEY ?", (str(dest), key.raw_for_new()))
        try:
            conn.execute("SELECT sqlcipher_export('export_target')").fetchall()
            conn.execute(f"PRAGMA export_target.user_version = {version:d}")
            conn.execute(f"PRAGMA export_target.application_id = {cx.APPLICATION_ID:d}")
        finally:
            conn.execute("DETACH DATABASE export_target")
