"""設定「データの保護」 as an office user uses it: バックアップ, パスフレーズの変更 and 点検.

Real widgets (pytest-qt, offscreen), scripted file dialogs and questions (gui.messages), typing
through tests.qt_typing; the work runs on worker threads behind the progress dialog with 中止.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QTabWidget
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import Note, NoteKind, Person
from jusou_desktop.gui import messages, tasks
from jusou_desktop.gui.data_safety import DataSafetyPage
from jusou_desktop.gui.main_window import MainWindow
from jusou_desktop.gui.session import Session
from jusou_desktop.store import database
from jusou_desktop.store.database import Database
from jusou_desktop.store.errors import InUseElsewhere, WrongPassphrase
from tests.conftest import PASSPHRASE
from tests.qt_typing import type_text
from tests.read_only import entries, read_only_folder

pytestmark = pytest.mark.usefixtures("quiet_messages")

NOW = dt.datetime(2026, 11, 28, 15, 30, 42)
NEW_PASSPHRASE = "あたらしい合言葉 と 数字 7519"
BACKUP_NAME = "case-バックアップ-20261128-1530.jusou"


def _fill(db: Database) -> None:
    with db.transaction():
        case_id = db.cases.create(
            Person(name="架空 一郎", kana="カクウ イチロウ"), opened_on=dt.date(2026, 4, 1)
        )
        for i in range(12):
            db.notes.add(Note(CaseId(case_id), dt.date(2026, 4, 2), NoteKind.VISIT, f"記録{i} 訪問した。"))


def _counts(db: Database) -> dict[str, int]:
    return {
        table: db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("cases", "persons", "notes", "notes_fts_docsize", "case_status_history")
    }


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> Iterator[DataSafetyPage]:
    _fill(db)
    widget = DataSafetyPage(db, now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.resize(1000, 900)
    widget.show()
    yield widget
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=20_000)  # no worker outlives the test


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where backups go (the database and its lock file sit in tmp_path itself)."""
    folder = tmp_path / "バックアップ"
    folder.mkdir()
    return folder


def _shown(qtbot: QtBot, words: str) -> str:
    """Wait for a message box containing ``words``; return its text."""
    qtbot.waitUntil(lambda: any(words in text for text in messages.shown), timeout=20_000)
    return next(text for text in messages.shown if words in text)


def _click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _press_cancel(qtbot: QtBot, page: DataSafetyPage) -> None:
    def visible() -> QProgressDialog | None:
        found = [d for d in page.findChildren(QProgressDialog) if d.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: visible() is not None, timeout=10_000)
    dialog = visible()
    assert dialog is not None
    next(b for b in dialog.findChildren(QPushButton) if b.text() == "中止").click()


def _slow_export_until_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    """A big file: the export keeps going until 中止 is pressed, then runs (and stops) for real."""
    real = database._export_encrypted

    def slow(*args: Any, cancelled: Any = None, **kwargs: Any) -> dict[str, int]:
        deadline = time.monotonic() + 15
        while cancelled is not None and not cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real(*args, cancelled=cancelled, **kwargs)

    monkeypatch.setattr(database, "_export_encrypted", slow)


def _type_passphrases(qtbot: QtBot, page: DataSafetyPage, current: str, new: str, again: str) -> None:
    for edit, text in ((page.current, current), (page.new, new), (page.again, again)):
        edit.clear()
        type_text(qtbot, edit, text)
    assert page.current.text() == current


def _opens_with(path: Path, passphrase: str) -> bool:
    try:
        with Database.open(path, passphrase):
            return True
    except WrongPassphrase:
        return False


# ---- バックアップ ----------------------------------------------------------------------------------


def test_a_backup_is_written_checked_reported_and_remembered(
    qtbot: QtBot, page: DataSafetyPage, db: Database, db_path: Path, out: Path
) -> None:
    assert page.last_backup.text() == "最後のバックアップ: まだ作成していません"
    assert page.suggested_backup_path() == Path.home() / BACKUP_NAME
    expected = _counts(db)
    messages.set_next_save_paths(out / BACKUP_NAME.removesuffix(".jusou"))  # the extension is added
    _click(qtbot, page.backup_button)
    report = _shown(qtbot, "バックアップを作成しました")
    written = out / BACKUP_NAME
    assert entries(out) == [BACKUP_NAME]  # no temporary file left beside it
    assert f"保存先: {written}" in report
    assert "大きさ: " in report
    assert "確認結果: 異常なし" in report
    assert "ケース 1件" in report
    assert "経過記録 12件" in report
    assert page.last_backup.text() == "最後のバックアップ: 令和8年11月28日 15:30（今日）"
    assert page.backup_result.isVisible()
    assert "確認結果: 異常なし" in page.backup_result.text()
    assert page.suggested_backup_path().parent == out  # next time: beside the previous choice
    assert not written.read_bytes().startswith(b"SQLite format 3")

    db.close()  # as another process would: the file alone, opened with the passphrase
    with Database.open(written, PASSPHRASE) as copy:
        assert _counts(copy) == expected
        assert copy.check().healthy
    with Database.open(db_path, PASSPHRASE) as reopened:
        assert reopened.settings.get("last_backup_at") == "2026-11-28T15:30"


def test_a_cancelled_backup_leaves_no_file(
    qtbot: QtBot, page: DataSafetyPage, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _slow_export_until_cancelled(monkeypatch)
    messages.set_next_save_paths(out / BACKUP_NAME)
    _click(qtbot, page.backup_button)
    _press_cancel(qtbot, page)
    _shown(qtbot, "バックアップを中止しました。ファイルは作られていません。")
    assert entries(out) == []
    assert page.last_backup.text() == "最後のバックアップ: まだ作成していません"


def test_a_backup_onto_a_missing_or_read_only_folder_is_refused_in_japanese(
    qtbot: QtBot, page: DataSafetyPage, tmp_path: Path
) -> None:
    messages.set_next_save_paths(tmp_path / "抜いたUSBメモリ" / BACKUP_NAME)
    _click(qtbot, page.backup_button)
    assert "保存先のフォルダがありません" in _shown(qtbot, "バックアップを作成できませんでした")
    assert not (tmp_path / "抜いたUSBメモリ").exists()
    messages.shown.clear()
    with read_only_folder(tmp_path / "読み取り専用") as folder:
        messages.set_next_save_paths(folder / BACKUP_NAME)
        _click(qtbot, page.backup_button)
        assert "読み取り専用" in _shown(qtbot, "バックアップを作成できませんでした")
        qtbot.waitUntil(lambda: tasks.running() == 0)
        assert entries(folder) == []
    assert page.last_backup.text() == "最後のバックアップ: まだ作成していません"


def test_a_backup_never_replaces_a_file_and_warns_about_the_databases_own_folder(
    qtbot: QtBot, page: DataSafetyPage, db_path: Path, out: Path
) -> None:
    existing = out / BACKUP_NAME
    existing.write_bytes(b"last week's backup")
    messages.set_next_save_paths(existing)
    _click(qtbot, page.backup_button)
    assert "上書きはしません" in _shown(qtbot, "同じ名前のファイルがすでにあります")
    assert existing.read_bytes() == b"last week's backup"

    beside = db_path.parent / BACKUP_NAME
    messages.set_next_save_paths(beside, out / "別の名前.jusou")
    messages.set_next_answers(False)  # 保存先を選び直す: the file dialog opens again
    _click(qtbot, page.backup_button)
    assert any("データベースと同じフォルダ" in text for text in messages.shown)
    _shown(qtbot, "バックアップを作成しました")
    assert not beside.exists()
    assert entries(out) == [BACKUP_NAME, "別の名前.jusou"]


def test_the_age_of_the_last_backup_is_brought_up_to_date_whenever_the_page_is_shown(
    qtbot: QtBot, db: Database
) -> None:
    clock = [NOW]
    db.settings.set("last_backup_at", (NOW - dt.timedelta(days=29)).isoformat(timespec="minutes"))
    page = DataSafetyPage(db, now=lambda: clock[0])
    qtbot.addWidget(page)
    page.show()
    assert page.last_backup.text().endswith("（29日前）")
    assert page.last_backup.styleSheet() == ""
    page.hide()  # e.g. another section, or left open over the weekend
    clock[0] = NOW + dt.timedelta(days=2)
    page.show()
    assert page.last_backup.text().endswith("（31日前）")
    assert "#b00020" in page.last_backup.styleSheet()  # now old enough to be shown in red


def test_a_page_for_a_session_counts_days_to_the_sessions_today(qtbot: QtBot, db: Database) -> None:
    db.settings.set("last_backup_at", "2026-11-01T09:00")
    session = Session(db, "相談 太郎", fixed_today=dt.date(2026, 11, 28))
    page = DataSafetyPage.for_session(session)
    qtbot.addWidget(page)
    page.show()
    assert page.clock().date() == dt.date(2026, 11, 28)
    assert page.suggested_backup_path().name.startswith("case-バックアップ-20261128-")
    assert page.last_backup.text() == "最後のバックアップ: 令和8年11月1日 09:00（27日前）"
    session.fixed_today = dt.date(2026, 12, 5)  # the session's clock moves on: so does the page
    page.hide()
    page.show()
    assert page.last_backup.text().endswith("（34日前）")
    assert "#b00020" in page.last_backup.styleSheet()


# ---- パスフレーズの変更 -----------------------------------------------------------------------------


def test_a_wrong_current_passphrase_is_refused(
    qtbot: QtBot, page: DataSafetyPage, db: Database, db_path: Path
) -> None:
    _type_passphrases(qtbot, page, "まちがいのパスフレーズ", NEW_PASSPHRASE, NEW_PASSPHRASE)
    messages.set_next_answers(True)  # 変更する
    _click(qtbot, page.change_button)
    qtbot.waitUntil(lambda: "現在のパスフレーズが正しくありません" in page.problem.text(), timeout=20_000)
    qtbot.waitUntil(lambda: tasks.running() == 0)
    assert page.problem.isVisible()
    assert not db_path.with_name(db_path.name + ".rekey-tmp").exists()
    assert db.cases.count() == 1
    db.close()
    assert _opens_with(db_path, PASSPHRASE)
    assert not _opens_with(db_path, NEW_PASSPHRASE)


@pytest.mark.parametrize(
    ("new", "again", "words"),
    [
        (NEW_PASSPHRASE, NEW_PASSPHRASE + "x", "一致しません"),
        ("short", "short", "10文字以上"),
        (PASSPHRASE, PASSPHRASE, "現在のものと同じ"),
    ],
    ids=["mismatch", "too-short", "unchanged"],
)
def test_new_passphrases_that_do_not_pass_are_refused_before_anything_runs(
    qtbot: QtBot, page: DataSafetyPage, db: Database, db_path: Path, new: str, again: str, words: str
) -> None:
    _type_passphrases(qtbot, page, PASSPHRASE, new, again)
    if new == "short":
        assert page.strength.text().startswith("強さ: 弱い")
    _click(qtbot, page.change_button)
    assert words in page.problem.text()
    assert messages.shown == []  # not even asked to confirm
    assert tasks.running() == 0
    db.close()
    assert _opens_with(db_path, PASSPHRASE)


def test_a_cancelled_change_keeps_the_old_passphrase(
    qtbot: QtBot, page: DataSafetyPage, db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _slow_export_until_cancelled(monkeypatch)
    _type_passphrases(qtbot, page, PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    messages.set_next_answers(True)
    _click(qtbot, page.change_button)
    _press_cancel(qtbot, page)
    _shown(qtbot, "パスフレーズの変更を中止しました。パスフレーズは変わっていません。")
    assert not db_path.with_name(db_path.name + ".rekey-tmp").exists()
    assert db.cases.count() == 1
    db.close()
    assert _opens_with(db_path, PASSPHRASE)


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    with Database.open(db_path, PASSPHRASE) as db:
        _fill(db)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.open_session(Database.open(db_path, PASSPHRASE), "相談 太郎")
    yield win
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=20_000)
    if win.session is not None:
        win.session.db.close()


def _data_safety_tab(window: MainWindow) -> DataSafetyPage:
    window.show_section("設定")
    tabs = window.sections.currentWidget()
    assert isinstance(tabs, QTabWidget)
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "データの保護")
    tabs.setCurrentIndex(index)
    page = tabs.widget(index)
    assert isinstance(page, DataSafetyPage)
    return page


def test_after_a_change_the_file_opens_with_the_new_passphrase_and_the_app_keeps_working(
    qtbot: QtBot, window: MainWindow, db_path: Path
) -> None:
    page = _data_safety_tab(window)
    _type_passphrases(qtbot, page, PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    assert page.strength.text().startswith("強さ: ")
    messages.set_next_answers(True, False)  # 変更する; no backup right now (あとで)
    _click(qtbot, page.change_button)
    _shown(qtbot, "パスフレーズを変更しました")
    confirm = messages.shown[0]
    assert "取り出す方法はありません" in confirm
    assert "古いパスフレーズのまま" in confirm
    assert [page.current.text(), page.new.text(), page.again.text()] == ["", "", ""]
    assert "パスフレーズを変更しました" in page.change_result.text()

    db = window.session_db()  # the session's Database object reads and writes on
    assert db.cases.count() == 1
    assert window.case_list is not None
    window.case_list.refresh()
    assert window.case_list.model.rowCount() == 1
    db.settings.set("town_name", "つむぎ町")

    window.lock()  # and unlocks with the new passphrase only
    window._unlock(PASSPHRASE)
    qtbot.waitUntil(lambda: "正しくありません" in window.lock_screen.message.text(), timeout=20_000)
    assert window.is_locked()
    window._unlock(NEW_PASSPHRASE)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=20_000)
    assert window.session_db().settings.town_name() == "つむぎ町"

    window.session_db().close()
    assert not _opens_with(db_path, PASSPHRASE)
    with Database.open(db_path, NEW_PASSPHRASE) as reopened:
        assert reopened.cases.count() == 1
        assert reopened.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 12
    assert not db_path.with_name(db_path.name + ".rekey-tmp").exists()


def test_typed_passphrases_are_cleared_when_the_window_locks(qtbot: QtBot, window: MainWindow) -> None:
    page = _data_safety_tab(window)
    _type_passphrases(qtbot, page, PASSPHRASE, NEW_PASSPHRASE, "途中まで")
    window.lock()
    assert [page.current.text(), page.new.text(), page.again.text()] == ["", "", ""]
    window._unlock(PASSPHRASE)  # no window is left locked (a locked window holds back every result)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=20_000)
    assert page.current.text() == ""


# ---- 点検 -------------------------------------------------------------------------------------------


def test_the_check_shows_no_problems(qtbot: QtBot, page: DataSafetyPage) -> None:
    assert not page.check_result.isVisible()
    _click(qtbot, page.check_button)
    qtbot.waitUntil(lambda: "点検の結果" in page.check_result.text(), timeout=20_000)
    text = page.check_result.text()
    assert text.startswith("点検の結果: 異常なし（令和8年11月28日 15:30）")
    assert "暗号化ページの検査: 異常なし" in text
    assert "データベース構造の検査: 異常なし" in text
    assert "ケース 1" in text
    assert page.check_result.isVisible()
    assert messages.shown == []


def _change(qtbot: QtBot, page: DataSafetyPage, *answers: bool) -> None:
    _type_passphrases(qtbot, page, PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    messages.set_next_answers(True, *answers)  # 変更する, then what the test says
    _click(qtbot, page.change_button)


def test_opening_the_file_elsewhere_during_a_change_does_not_break_the_session(
    qtbot: QtBot, page: DataSafetyPage, db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused: list[BaseException] = []
    real_finish = database.PassphraseChange.finish

    def second_instance_first(change: database.PassphraseChange, **kwargs: Any) -> None:
        try:  # another instance of the app opens the same file just before the swap
            Database.open(db_path, PASSPHRASE)
        except InUseElsewhere as exc:
            refused.append(exc)
        real_finish(change, **kwargs)

    monkeypatch.setattr(database.PassphraseChange, "finish", second_instance_first)
    _change(qtbot, page, False)
    _shown(qtbot, "パスフレーズを変更しました")
    assert len(refused) == 1
    assert db.is_open
    assert db.cases.count() == 1
    db.close()
    assert _opens_with(db_path, NEW_PASSPHRASE)


def test_a_file_held_by_another_program_during_the_swap_is_explained(
    qtbot: QtBot, page: DataSafetyPage, db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace

    def held(src: Any, dst: Any) -> None:
        if Path(dst) == db_path:
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", held)
    _change(qtbot, page)
    text = _shown(qtbot, "パスフレーズを変更できませんでした")
    assert "ほかのプログラム" in text
    assert "パスフレーズは変わっていません" in text
    qtbot.waitUntil(lambda: tasks.running() == 0)
    assert page.current.text() == PASSPHRASE  # kept for another try
    assert page.change_result.text() == ""
    assert db.cases.count() == 1
    monkeypatch.undo()
    db.close()
    assert _opens_with(db_path, PASSPHRASE)
    assert not db_path.with_name(db_path.name + ".rekey-tmp").exists()


def test_a_change_that_took_effect_despite_an_error_is_treated_as_done(
    qtbot: QtBot, page: DataSafetyPage, db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pulled_out(_folder: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(database, "_fsync_dir", pulled_out)
    _change(qtbot, page, False)  # あとで: no backup right now
    text = _shown(qtbot, "新しいパスフレーズに変わりました。ただし")
    assert "バックアップを今作成しますか" in text  # offered, as after any change
    assert [page.current.text(), page.new.text(), page.again.text()] == ["", "", ""]
    assert "パスフレーズを変更しました" in page.change_result.text()
    assert not any("変わっていません" in shown for shown in messages.shown)
    assert db.cases.count() == 1
    db.close()
    assert _opens_with(db_path, NEW_PASSPHRASE)
