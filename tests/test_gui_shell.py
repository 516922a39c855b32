"""The main window as a coordinator uses it: case list, new case, case file, auto-lock."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.errors import Cancelled
from jusou_desktop.domain.model import CaseRow, CaseStatus, ConsentState, HouseholdMember, Person
from jusou_desktop.gui import messages, tasks
from jusou_desktop.gui.case_file import CaseFileWidget
from jusou_desktop.gui.case_list import NewCaseDialog
from jusou_desktop.gui.main_window import SECTIONS, MainWindow
from jusou_desktop.gui.progress import Progress, run_with_progress
from jusou_desktop.store.database import Database
from tests.conftest import PASSPHRASE
from tests.qt_typing import type_text

pytestmark = pytest.mark.usefixtures("quiet_messages")


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    with Database.open(db_path, PASSPHRASE) as db:
        db.cases.create(
            Person(name="山本 太郎", kana="ヤマモト タロウ", district="本町"),
            opened_on=dt.date(2024, 6, 1),
            members=[HouseholdMember(Person(name="山本 花", kana="ヤマモト ハナ"), "母")],
            tags=["8050"],
        )
        db.cases.create(
            Person(name="佐藤 次郎", kana="サトウ ジロウ", district="川端"), opened_on=dt.date(2024, 7, 1)
        )
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.open_session(Database.open(db_path, PASSPHRASE), "相談 太郎")
    yield win
    if win.session is not None:
        win.session.db.close()


def _visible_texts(widget: QWidget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


def test_every_section_is_reachable_and_japanese(window: MainWindow) -> None:
    for section in SECTIONS:
        window.show_section(section)
        assert window.sections.currentIndex() == SECTIONS.index(section)
    window.show_section("地域資源")
    assert "地域資源（参加支援の資源）" in _visible_texts(window)
    assert "準備中" not in _visible_texts(window)
    assert "データベース: case.jusou" in window._file_label.text()
    assert "相談 太郎" in window._user_label.text()


def test_search_by_half_width_katakana_updates_as_one_types(qtbot: QtBot, window: MainWindow) -> None:
    case_list = window.case_list
    assert case_list is not None
    assert case_list.model.rowCount() == 2
    type_text(qtbot, case_list.search, "ﾔﾏﾓﾄ")
    qtbot.waitUntil(lambda: case_list.model.rowCount() == 1, timeout=2000)
    assert case_list.model.index(0, 1).data() == "山本 太郎"
    case_list.search.clear()
    type_text(qtbot, case_list.search, "ﾊﾅ")  # a household member's name finds the case too
    qtbot.waitUntil(lambda: case_list.model.rowCount() == 1, timeout=2000)
    assert case_list.model.index(0, 1).data() == "山本 太郎"


def test_filters_and_status_counts(window: MainWindow) -> None:
    case_list = window.case_list
    assert case_list is not None
    assert case_list.status_tabs.tabText(0) == "すべて（2）"
    assert case_list.status_tabs.tabText(1) == "受付（2）"
    case_list.district.setCurrentIndex(case_list.district.findText("川端"))
    assert case_list.model.rowCount() == 1
    assert case_list.model.index(0, 1).data() == "佐藤 次郎"
    case_list.district.setCurrentIndex(0)
    case_list.tag.setCurrentIndex(case_list.tag.findText("8050"))
    assert [case_list.model.index(r, 1).data() for r in range(case_list.model.rowCount())] == ["山本 太郎"]
    case_list.tag.setCurrentIndex(0)
    case_list.consent.setCurrentIndex(case_list.consent.findText(ConsentState.GIVEN.value))
    assert case_list.model.rowCount() == 0
    assert case_list.count_label.text() == "0 件"


def test_new_case_dialog_warns_about_duplicates(qtbot: QtBot, window: MainWindow) -> None:
    assert window.session is not None
    dialog = NewCaseDialog(window.session)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.name, "山本 太郎")
    type_text(qtbot, dialog.kana, "やまもと たろう")
    dialog.birth_unknown.setChecked(True)
    dialog._check_duplicates()
    assert dialog.duplicates.text() == ""  # no birth date: no duplicate claim
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.case_id is not None
    assert window.session.db.cases.get(dialog.case_id).principal.kana == "ヤマモト\u3000タロウ"


def test_ctrl_l_locks_and_hides_every_personal_detail(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked()
    assert window.session is not None
    assert window.session.db.is_suspended
    shown = _visible_texts(window)
    assert "山本" not in shown
    assert "ロック中" in window._lock_label.text()
    type_text(qtbot, window.lock_screen.passphrase, "まちがいのパスフレーズ")
    qtbot.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "正しくありません" in window.lock_screen.message.text(), timeout=5000)
    assert window.is_locked()
    window.lock_screen.passphrase.clear()
    type_text(qtbot, window.lock_screen.passphrase, PASSPHRASE)
    qtbot.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=5000)
    assert window.case_list is not None
    assert window.case_list.model.rowCount() == 2


def test_idle_time_locks_the_window(qtbot: QtBot, window: MainWindow) -> None:
    window.inactivity.set_interval_ms(150)
    window.inactivity.activate(QApplication.instance())
    qtbot.waitUntil(window.is_locked, timeout=3000)


def test_activity_keeps_the_window_open(qtbot: QtBot, window: MainWindow) -> None:
    window.inactivity.set_interval_ms(400)
    window.inactivity.activate(QApplication.instance())
    assert window.case_list is not None
    for _ in range(6):
        qtbot.wait(150)
        qtbot.keyClick(window.case_list.search, Qt.Key.Key_A)
    assert not window.is_locked()


def test_status_changes_through_the_case_file(qtbot: QtBot, window: MainWindow) -> None:
    assert window.session is not None
    case = window.session.db.cases.rows()[-1]
    window.open_case(case.id)
    assert len(window.case_file_widgets()) == 1
    assert window.session.db.cases.get(case.id).status == CaseStatus.RECEIVED


def _typing_a_note(qtbot: QtBot, window: MainWindow, text: str) -> tuple[CaseRow, CaseFileWidget]:
    """山本 太郎's case file open on a new note with ``text`` typed (not saved)."""
    assert window.session is not None
    case = next(r for r in window.session.db.cases.rows() if r.name == "山本 太郎")
    window.open_case(case.id)
    case_file = window.case_file_widgets()[0]
    case_file.tabs.setCurrentWidget(case_file.notes_tab)
    case_file.notes_tab.new_note()
    type_text(qtbot, case_file.notes_tab.body, text)
    return case, case_file


def test_auto_lock_keeps_the_draft_and_gives_it_back(qtbot: QtBot, window: MainWindow) -> None:
    """Type a note, get locked for idleness, unlock: the case is open again with the text intact."""
    case, _ = _typing_a_note(qtbot, window, "自宅を訪問。母の通院について相談した（書きかけ）")
    assert window.session is not None
    window.inactivity.set_interval_ms(200)
    window.inactivity.activate(QApplication.instance())
    qtbot.waitUntil(window.is_locked, timeout=3000)
    assert window.case_file_widgets() == []
    assert "書きかけ" not in _visible_texts(window)
    type_text(qtbot, window.lock_screen.passphrase, PASSPHRASE)
    qtbot.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=5000)
    reopened = window.case_file_widgets()
    assert [w.case_id for w in reopened] == [case.id]
    assert reopened[0].notes_tab.body.toPlainText() == "自宅を訪問。母の通院について相談した（書きかけ）"
    assert reopened[0].has_unsaved_changes()
    window.inactivity.set_interval_ms(600_000)
    assert window.session.db.notes.for_case(case.id) == []  # a draft, not yet a saved note
    qtbot.mouseClick(reopened[0].notes_tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.session.db.notes.for_case(case.id)) == 1, timeout=3000)
    note = window.session.db.notes.for_case(case.id)[0]
    assert note.author_name == "相談 太郎"
    assert window.session.db.drafts.list() == []


def test_locking_stops_background_work_first_and_reports_it_after_unlocking(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A job reading through its own connection (as a backup does) must not block the drafts
    being saved at the lock, nor report over the lock screen."""
    case, _ = _typing_a_note(qtbot, window, "書きかけの記録")
    assert window.session is not None
    db = window.session.db
    open_view = db.opener_for_worker()
    reading = threading.Event()
    outcomes: list[str] = []

    def work(job: Progress) -> None:
        with open_view() as view:
            view.conn.execute("BEGIN")
            view.conn.execute("SELECT count(*) FROM cases").fetchone()  # holds the file for reading
            reading.set()
            deadline = time.monotonic() + 20
            while not job.cancelled() and time.monotonic() < deadline:
                time.sleep(0.01)
            view.conn.execute("ROLLBACK")
        raise Cancelled("バックアップを中止しました。ファイルは作られていません。")

    run_with_progress(
        window, "バックアップを作成しています…", work, outcomes.append, lambda e: outcomes.append(str(e))
    )
    qtbot.waitUntil(reading.is_set, timeout=5000)
    started = time.monotonic()
    window.lock()
    assert window.is_locked()
    assert time.monotonic() - started < 4  # not a 5 s wait for the file, then a refusal
    qtbot.wait(200)  # the job's end has arrived by now
    assert outcomes == []  # held back while locked
    type_text(qtbot, window.lock_screen.passphrase, PASSPHRASE)
    qtbot.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=5000)
    assert outcomes == ["バックアップを中止しました。ファイルは作られていません。"]
    reopened = window.case_file_widgets()[0]
    assert reopened.notes_tab.body.toPlainText() == "書きかけの記録"
    qtbot.mouseClick(reopened.notes_tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(db.notes.for_case(case.id)) == 1, timeout=3000)


def test_a_file_closed_under_the_window_asks_to_unlock_and_keeps_what_was_typed(
    qtbot: QtBot, window: MainWindow
) -> None:
    """After a passphrase change whose file could not be reopened (データの保護 says so)."""
    case, case_file = _typing_a_note(qtbot, window, "閉じる前の記録")
    assert window.session is not None
    db = window.session.db
    window.show_section("設定")
    db.suspend()  # what a failed reconnect leaves: the file closed, the key forgotten
    window.data_safety.database_closed.emit()
    assert window.is_locked()
    assert not case_file.notes_tab.body.isVisible()  # hidden behind the lock screen, not closed
    type_text(qtbot, window.lock_screen.passphrase, PASSPHRASE)
    qtbot.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=5000)
    assert db.is_open
    (same,) = window.case_file_widgets()
    assert same.notes_tab.body.toPlainText() == "閉じる前の記録"
    qtbot.mouseClick(same.notes_tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(db.notes.for_case(case.id)) == 1, timeout=3000)


def test_a_referral_started_from_a_case_survives_the_lock(qtbot: QtBot, window: MainWindow) -> None:
    """From the case file's つなぎ・予定 tab: the sheet starts with the 本人's data; typing survives Ctrl+L."""
    assert window.session is not None
    case = next(r for r in window.session.db.cases.rows() if r.name == "山本 太郎")
    window.open_case(case.id)
    case_file = window.case_file_widgets()[0]
    case_file.tabs.setCurrentWidget(case_file.links_tab)

    def accept_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, accept_dialog)
            return
        combo = dialog.template  # type: ignore[attr-defined]
        combo.setCurrentIndex(next(i for i in range(combo.count()) if "高島市式" in combo.itemText(i)))
        dialog.accept()  # type: ignore[attr-defined]

    QTimer.singleShot(0, accept_dialog)
    case_file.links_tab.new_referral.emit(int(case.id))
    assert window.sections.currentIndex() == SECTIONS.index("つなぎ")
    [referral] = window.referrals.widgets()
    assert referral.referral.case_id == case.id
    assert referral.sheet.values()["name"] == "山本 太郎"
    history = referral.sheet.field_widget("history")
    history.setFocus()
    type_text(qtbot, history, "母の介護と本人の就労の両方で困っている（書きかけ）")
    window.lock()
    assert window.referrals.widgets() == []
    type_text(qtbot, window.lock_screen.passphrase, PASSPHRASE)
    qtbot.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=5000)
    [reopened] = window.referrals.widgets()
    assert reopened.sheet.values()["history"] == "母の介護と本人の就労の両方で困っている（書きかけ）"
    assert reopened.has_unsaved_changes()
    case_file = window.case_file_widgets()[0]
    case_file.links_tab.load()
    assert case_file.links_tab.referrals.rowCount() == 1
    assert reopened.save()


def test_minutes_being_typed_are_kept_across_the_lock(qtbot: QtBot, window: MainWindow) -> None:
    """Meeting minutes are records: the lock saves them, and the meeting reopens after unlock."""
    from jusou_desktop.domain.meetings import Holding, Meeting, MeetingType, Reason

    assert window.session is not None
    db = window.session.db
    case = next(r for r in db.cases.rows() if r.name == "山本 太郎")
    meeting_id = db.meetings.create(Meeting(MeetingType.SUPPORT, Holding.AD_HOC, dt.date(2024, 7, 9)))
    db.meetings.add_case(meeting_id, case.id, Reason.SHARING)
    window.show_section("会議")
    widget = window.meetings.open_meeting(meeting_id)
    widget.shared_view.setFocus()
    type_text(qtbot, widget.shared_view, "母の通院の付き添いが負担になっている")
    assert widget.has_unsaved_changes()
    window.lock()
    assert window.is_locked()
    assert window.meetings.widgets() == []
    type_text(qtbot, window.lock_screen.passphrase, PASSPHRASE)
    qtbot.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=5000)
    [reopened] = window.meetings.widgets()
    assert reopened.meeting_id == meeting_id
    [item] = db.meetings.get(meeting_id).agenda
    assert item.shared_view == "母の通院の付き添いが負担になっている"


def test_a_plan_being_written_is_kept_across_the_lock(qtbot: QtBot, window: MainWindow) -> None:
    assert window.session is not None
    db = window.session.db
    case = next(r for r in db.cases.rows() if r.name == "山本 太郎")
    window.show_section("支援プラン")
    messages.set_next_answers(True)  # 「初回のプランを作りますか？」
    editor = window.plans.open_case_plans(case.id)
    assert editor is not None
    editor.goals.setFocus()
    type_text(qtbot, editor.goals, "「母と一緒に家で暮らしたい」")
    assert editor.has_unsaved_changes()
    window.lock()
    assert window.plans.widgets() == []
    type_text(qtbot, window.lock_screen.passphrase, PASSPHRASE)
    qtbot.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=5000)
    [reopened] = window.plans.widgets()
    assert reopened.case_id == case.id
    [plan] = db.plans.versions(case.id)
    assert plan.goals == ("「母と一緒に家で暮らしたい」",)


def test_the_ledger_export_knows_the_case_list_filter(window: MainWindow) -> None:
    case_list = window.case_list
    assert case_list is not None
    assert case_list.filter_description() == "なし（すべてのケース）"
    case_list.district.setCurrentIndex(case_list.district.findText("川端"))
    case_list.apply_filter()
    assert case_list.filter_description() == "地区: 川端"
    window.show_section("実績・出力")
    assert window.sections.currentIndex() == SECTIONS.index("実績・出力")


def test_the_window_does_not_close_under_a_running_import(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "running", lambda: 1)  # e.g. an import writing on a worker thread
    assert not window.close()
    assert window.session is not None
    assert window.session.db.is_open
    assert any("処理中の作業があります" in text for text in messages.shown)
    monkeypatch.undo()
    assert window.close()
    assert window.session is None


def test_qt_standard_texts_are_japanese(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from jusou_desktop.gui.app import make_app

    make_app()
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Yes)
    qtbot.addWidget(box)
    texts = {
        box.button(QDialogButtonBox.StandardButton.Cancel).text(),
        box.button(QDialogButtonBox.StandardButton.Yes).text(),
    }
    assert not any(t.replace("&", "").isascii() for t in texts), texts
