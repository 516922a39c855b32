"""The 地域資源 section as a coordinator uses it: register resources by typing, search in kana,
filter, connect a case's person, start, check, settle, end, and the 定着 overview."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.model import Agency, AgencyField, Business, CaseStatus
from jusou_desktop.domain.resources import (
    Condition,
    FollowUp,
    Formality,
    LinkStatus,
    ResourceKind,
)
from jusou_desktop.gui import messages
from jusou_desktop.gui.main_window import MainWindow
from jusou_desktop.gui.resource_dialogs import (
    DISCARD_QUESTION,
    CheckDialog,
    ConnectDialog,
    MoveDialog,
    ResourceDialog,
)
from jusou_desktop.gui.resources import (
    REMOVE_QUESTION,
    CaseResourceList,
    ResourceDirectory,
    ResourceSection,
)
from jusou_desktop.gui.session import Session
from jusou_desktop.store.database import Database
from jusou_desktop.store.resources import ResourceFilter
from tests.conftest import PASSPHRASE
from tests.qt_typing import type_text
from tests.resources_fixtures import FARM, SALON, TODAY, add_case, close_case, register_resources

pytestmark = pytest.mark.usefixtures("quiet_messages")

RED = (192, 0, 0)


def _office(db: Database) -> Session:
    return Session(db, "参加支援員 架空", fixed_today=TODAY)


def _section(qtbot: QtBot, db: Database) -> ResourceSection:
    section = ResourceSection(_office(db))
    qtbot.addWidget(section)
    section.resize(1280, 820)
    section.show()
    qtbot.waitExposed(section)
    return section


def _click(qtbot: QtBot, button: QWidget) -> None:
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _choose(text: str, combo: QComboBox) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def _cells(table: QTableWidget, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]  # type: ignore[union-attr]


def _dialog(directory: ResourceDirectory | ResourceSection, kind: type) -> object:
    dialog = directory.dialog
    assert isinstance(dialog, kind), dialog
    assert dialog.isVisible()
    return dialog


# ---- the register ----------------------------------------------------------------------------------


def test_register_a_resource_by_typing_and_see_its_details(qtbot: QtBot, db: Database) -> None:
    db.agencies.add(
        Agency(
            name="つむぎ町参加支援事業「ひだまり」",
            field=AgencyField.COMMUNITY,
            business=Business.PARTICIPATION,
        )
    )
    section = _section(qtbot, db)
    directory = section.directory
    assert "まだ地域資源が登録されていません" in directory.count_label.text()
    assert not directory.edit_button.isEnabled()
    assert not directory.connect_button.isEnabled()

    _click(qtbot, directory.new_button)
    dialog = _dialog(directory, ResourceDialog)
    assert isinstance(dialog, ResourceDialog)
    assert dialog.windowTitle() == "地域資源の新規登録"
    type_text(qtbot, dialog.name, "居場所「ひだまりハウス」")
    type_text(qtbot, dialog.kana, "いばしょ ひだまりはうす")
    _choose("居場所・サロン", dialog.kind)
    _choose("制度内", dialog.formality)
    type_text(qtbot, dialog.agency.editor, "つむぎ町参加支援事業「ひだまり」")
    dialog.agency.editor.editingFinished.emit()
    assert dialog.operator.text() == "つむぎ町参加支援事業「ひだまり」"  # filled from the agency chosen
    type_text(qtbot, dialog.offers, "お茶を飲んだりゲームをしたりして過ごせる。")
    type_text(qtbot, dialog.audience, "家の外に居場所がほしい人")
    district = dialog.district.lineEdit()
    assert district is not None
    type_text(qtbot, district, "本町")
    type_text(qtbot, dialog.place, "本町2丁目 ひだまりハウス")
    type_text(qtbot, dialog.schedule, "毎週火・金 13:00〜16:00")
    type_text(qtbot, dialog.contact_name, "参加支援員")
    type_text(qtbot, dialog.phone, "0000-22-3010")
    type_text(qtbot, dialog.capacity, "10人程度")
    with qtbot.waitSignal(directory.changed, timeout=1000):
        _click(qtbot, dialog.save_button)

    assert directory.dialog is None
    saved = db.resources.find_by_name("居場所「ひだまりハウス」")
    assert saved is not None
    assert (saved.kind, saved.formality, saved.district, saved.kana) == (
        ResourceKind.PLACE,
        Formality.FORMAL,
        "本町",
        "イバショ\u3000ヒダマリハウス",
    )
    assert saved.agency_id is not None
    assert directory.visible_names() == ["居場所「ひだまりハウス」"]
    assert directory.selected_resource_id() == saved.id
    row = [directory.model.index(0, c).data() for c in range(directory.model.columnCount())]
    assert row == [
        "居場所「ひだまりハウス」",
        "居場所・サロン",
        "制度内",
        "本町",
        "毎週火・金 13:00〜16:00",
        "",
        "",
    ]
    assert directory.title.text() == "居場所「ひだまりハウス」"
    assert directory.details["関係機関"].text() == "つむぎ町参加支援事業「ひだまり」"
    assert directory.details["電話"].text() == "0000-22-3010"
    assert directory.count_label.text() == "全1件"
    assert [directory.district_filter.itemText(i) for i in range(directory.district_filter.count())] == [
        "すべて",
        "本町",
    ]


def test_empty_or_duplicate_name_stays_in_the_dialog_and_cancel_asks(qtbot: QtBot, db: Database) -> None:
    register_resources(db)
    section = _section(qtbot, db)
    directory = section.directory
    _click(qtbot, directory.new_button)
    dialog = _dialog(directory, ResourceDialog)
    assert isinstance(dialog, ResourceDialog)
    _click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.error.text() == "地域資源の名称を入力してください。"

    type_text(qtbot, dialog.name, SALON)
    type_text(qtbot, dialog.schedule, "毎月第2水曜")
    _click(qtbot, dialog.save_button)
    assert directory.dialog is dialog
    assert dialog.error.text() == f"同じ名称の地域資源がすでにあります: {SALON}"
    assert dialog.schedule.text() == "毎月第2水曜"  # what was typed is kept

    messages.set_next_answers(False)
    _click(qtbot, dialog.cancel_button)
    assert messages.shown == [DISCARD_QUESTION]
    assert dialog.isVisible()
    messages.set_next_answers(True)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert directory.dialog is None
    assert db.resources.count(ResourceFilter(include_inactive=True)) == 4


def test_search_in_any_kana_and_filter_by_kind_district_and_resting(qtbot: QtBot, db: Database) -> None:
    register_resources(db)
    section = _section(qtbot, db)
    directory = section.directory
    assert directory.visible_names() == [SALON, "はたらく練習", FARM]  # 種類 order; the resting one hidden
    assert directory.count_label.text() == "全3件（休止中の1件は非表示）"
    type_text(qtbot, directory.search, "ｻﾛﾝ")
    assert directory.visible_names() == [SALON]
    assert directory.count_label.text() == "3件中 1件を表示（休止中の1件は非表示）"
    directory.search.clear()
    type_text(qtbot, directory.search, "収穫")  # what it offers
    assert directory.visible_names() == [FARM]
    directory.search.clear()

    _choose("北原", directory.district_filter)
    assert directory.visible_names() == [FARM]
    directory.show_inactive.click()
    assert directory.visible_names() == ["北原ゲーム同好会", FARM]
    assert directory.model.index(0, 0).data() == "北原ゲーム同好会（休止中）"
    _choose("すべて", directory.district_filter)
    _choose("就労体験・中間就労", directory.kind_filter)
    assert directory.visible_names() == ["はたらく練習"]
    _choose("すべて", directory.kind_filter)
    _choose("インフォーマル", directory.formality_filter)
    assert "はたらく練習" not in directory.visible_names()

    type_text(qtbot, directory.search, "存在しない資源")
    assert directory.visible_names() == []
    assert directory.selected_row() is None
    assert "条件に合う地域資源はありません" in directory.count_label.text()
    assert not directory.edit_button.isEnabled()


def test_clicking_a_column_header_sorts_in_sql(qtbot: QtBot, db: Database) -> None:
    register_resources(db)
    section = _section(qtbot, db)
    directory = section.directory
    header = directory.table.horizontalHeader()
    x = header.sectionViewportPosition(0) + header.sectionSize(0) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    first = directory.visible_names()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert directory.visible_names() == list(reversed(first))
    assert first == [SALON, FARM, "はたらく練習"]  # by フリガナ: カワバタ, ツムギ, ハタラク


def test_edit_with_enter_and_rest_a_resource(qtbot: QtBot, db: Database) -> None:
    ids = register_resources(db)
    section = _section(qtbot, db)
    directory = section.directory
    assert directory.select_resource(ids[FARM])
    directory.table.setFocus()
    qtbot.keyClick(directory.table, Qt.Key.Key_Return)
    dialog = _dialog(directory, ResourceDialog)
    assert isinstance(dialog, ResourceDialog)
    assert dialog.windowTitle() == "地域資源の編集"
    assert dialog.name.text() == FARM
    dialog.active.setChecked(False)
    _click(qtbot, dialog.save_button)
    assert not db.resources.get(ids[FARM]).active
    assert directory.show_inactive.isChecked()  # the one just saved stays in view
    assert directory.selected_resource_id() == ids[FARM]
    assert directory.title.text() == f"{FARM}（休止中）"
    assert not directory.connect_button.isEnabled()
    assert "休止中" in directory.connect_button.toolTip()


def test_ctrl_n_opens_a_new_resource_and_ctrl_f_goes_to_search(qtbot: QtBot, db: Database) -> None:
    section = _section(qtbot, db)
    directory = section.directory
    with qtbot.waitActive(section):
        section.activateWindow()
    directory.table.setFocus()
    qtbot.keyClick(directory.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert directory.search.hasFocus()
    qtbot.keyClick(directory.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(directory, ResourceDialog)
    assert isinstance(dialog, ResourceDialog)
    assert dialog.windowTitle() == "地域資源の新規登録"


# ---- connecting and following up ---------------------------------------------------------------------


def test_connect_start_check_and_settle_as_a_user_would(qtbot: QtBot, db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "山本 太郎", "ヤマモト タロウ")
    add_case(db, "佐藤 次郎", "サトウ ジロウ")
    section = _section(qtbot, db)
    directory = section.directory
    assert directory.select_resource(ids[FARM])
    assert directory.links_table.rowCount() == 0

    _click(qtbot, directory.connect_button)
    dialog = _dialog(directory, ConnectDialog)
    assert isinstance(dialog, ConnectDialog)
    assert dialog.cases.rowCount() == 2
    _click(qtbot, dialog.save_button)  # nobody chosen yet
    assert dialog.error.text() == "つなぐ人（ケース）を一覧から選んでください。"
    type_text(qtbot, dialog.search, "ﾔﾏﾓﾄ")
    assert dialog.cases.rowCount() == 1
    assert dialog.chosen_case() == case_id
    type_text(qtbot, dialog.note, "最初は同行する")
    with qtbot.waitSignal(section.changed, timeout=1000):
        _click(qtbot, dialog.save_button)
    assert directory.dialog is None
    assert _cells(directory.links_table, 0)[:4] == ["山本 太郎", "2024-0001", "調整中", "令和7年2月14日"]
    assert not directory.settle_button.isEnabled()
    assert directory.check_button.isEnabled() is False
    assert directory.check_button.toolTip() == "定着の確認は、利用開始を記録してから記録します。"
    assert directory.history.item(0, 1).text() == "紹介（調整中）"  # type: ignore[union-attr]

    _click(qtbot, directory.start_button)
    move = _dialog(directory, MoveDialog)
    assert isinstance(move, MoveDialog)
    move.on.set_date(dt.date(2025, 2, 10))  # before 紹介日
    _click(qtbot, move.save_button)
    assert move.error.text() == "利用開始の日付は紹介日（令和7年2月14日）より前にはできません。"
    move.on.set_date(TODAY)
    _click(qtbot, move.save_button)
    assert directory.dialog is None
    assert _cells(directory.links_table, 0)[2] == "利用中"
    assert not directory.settle_button.isEnabled()
    assert directory.settle_button.toolTip() == "定着とする前に、定着の確認を1回以上記録してください。"

    _click(qtbot, directory.check_button)
    check = _dialog(directory, CheckDialog)
    assert isinstance(check, CheckDialog)
    type_text(qtbot, check.how, "3日続けて通えた。園主から声をかけられた。")
    _click(qtbot, check.save_button)
    assert check.error.text() == "様子を選んでください。"  # the checker's judgement, never a default
    _choose("順調", check.condition)
    _click(qtbot, check.save_button)
    assert directory.dialog is None
    assert _cells(directory.links_table, 0)[5] == "令和7年2月14日（順調）"
    assert directory.history.item(0, 1).text() == "確認: 順調　3日続けて通えた。園主から声をかけられた。"  # type: ignore[union-attr]

    _click(qtbot, directory.settle_button)
    settle = _dialog(directory, MoveDialog)
    assert isinstance(settle, MoveDialog)
    _click(qtbot, settle.save_button)
    assert _cells(directory.links_table, 0)[2] == "定着"
    assert [directory.history.item(r, 1).text() for r in range(3)] == [  # type: ignore[union-attr]
        "定着",  # the same day as the check, but recorded after it
        "確認: 順調　3日続けて通えた。園主から声をかけられた。",
        "利用開始",
    ]
    assert directory.start_button.text() == "利用中に戻す"
    row = directory.model.row_of(ids[FARM])
    assert directory.model.index(row, 6).data() == "1"  # 定着 count in the register
    [link] = db.resources.links_for_case(case_id)
    assert (link.link.status, link.link.note, link.link.referred_by) == (
        LinkStatus.SETTLED,
        "最初は同行する",
        "参加支援員 架空",
    )


def test_ending_needs_a_reason_and_the_row_stays_as_history(qtbot: QtBot, db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "山本 太郎", "ヤマモト タロウ")
    link_id = db.resources.connect(ids[SALON], case_id, dt.date(2025, 1, 10), TODAY)
    db.resources.move(link_id, LinkStatus.USING, dt.date(2025, 1, 15), TODAY)
    section = _section(qtbot, db)
    directory = section.directory
    assert directory.select_resource(ids[SALON])
    assert not directory.remove_button.isVisible()  # started: it is ended, not deleted
    _click(qtbot, directory.end_button)
    dialog = _dialog(directory, MoveDialog)
    assert isinstance(dialog, MoveDialog)
    _click(qtbot, dialog.save_button)
    assert dialog.error.text() == "終了の理由を入力してください。"
    reason = dialog.reason.lineEdit()
    assert reason is not None
    type_text(qtbot, reason, "転居")
    _click(qtbot, dialog.save_button)
    assert directory.dialog is None
    assert _cells(directory.links_table, 0)[2] == "終了（転居）"
    assert directory.links_box.title() == "つながった人（0人・終了を含め1件）"
    for button in (directory.start_button, directory.settle_button, directory.end_button):
        assert not button.isEnabled()
    assert not directory.check_button.isEnabled()
    assert directory.history.item(0, 1).text() == "終了（転居）"  # type: ignore[union-attr]


def test_a_mistaken_connection_can_be_deleted_after_asking(qtbot: QtBot, db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "山本 太郎", "ヤマモト タロウ")
    db.resources.connect(ids[SALON], case_id, TODAY, TODAY)
    section = _section(qtbot, db)
    directory = section.directory
    directory.select_resource(ids[SALON])
    assert directory.remove_button.isVisible()
    messages.set_next_answers(False)
    _click(qtbot, directory.remove_button)
    assert messages.shown == [REMOVE_QUESTION]
    assert directory.links_table.rowCount() == 1
    messages.set_next_answers(True)
    _click(qtbot, directory.remove_button)
    assert directory.links_table.rowCount() == 0
    assert db.resources.links_for_case(case_id) == []


def test_follow_up_overview_shows_due_ones_first_in_red_and_a_check_clears_them(
    qtbot: QtBot, db: Database
) -> None:
    ids = register_resources(db)
    overdue = add_case(db, "山本 太郎", "ヤマモト タロウ")
    fine = add_case(db, "佐藤 次郎", "サトウ ジロウ")
    waiting = add_case(db, "鈴木 三郎", "スズキ サブロウ")
    late = db.resources.connect(ids[FARM], overdue, dt.date(2024, 11, 1), TODAY)
    db.resources.move(late, LinkStatus.USING, dt.date(2024, 11, 5), TODAY)
    db.resources.add_check(late, FollowUp(dt.date(2024, 12, 20), Condition.WORRY, "休みがち"), TODAY)
    recent = db.resources.connect(ids[SALON], fine, dt.date(2025, 1, 20), TODAY)
    db.resources.move(recent, LinkStatus.USING, dt.date(2025, 2, 1), TODAY)
    db.resources.connect(ids[SALON], waiting, dt.date(2025, 2, 10), TODAY)

    section = _section(qtbot, db)
    assert section.tabText(1) == "定着の確認（要確認 1）"
    section.setCurrentIndex(1)
    page = section.follow_ups
    assert page.summary.text() == "確認の時期が来ているつながり: 1件"
    assert [_cells(page.table, r)[2] for r in range(page.table.rowCount())] == [
        "山本 太郎",
        "佐藤 次郎",
        "鈴木 三郎",
    ]
    assert _cells(page.table, 0)[0] == "26日過ぎ"  # checked 2024-12-20, due 2025-01-19
    assert _cells(page.table, 0)[6] == "令和6年12月20日（気がかりあり）"
    assert page.table.item(0, 0).foreground().color().getRgb()[:3] == RED  # type: ignore[union-attr]
    assert page.table.item(1, 0).foreground().color().getRgb()[:3] != RED  # type: ignore[union-attr]
    assert _cells(page.table, 1)[0] == "令和7年3月3日"
    assert _cells(page.table, 2)[0] == "紹介から4日"
    page.table.selectRow(2)  # 調整中: nothing to check yet, and the button says why
    assert not page.check_button.isEnabled()
    assert page.check_button.toolTip() == "定着の確認は、利用開始を記録してから記録します。"

    page.due_only.click()
    assert page.table.rowCount() == 1
    page.table.selectRow(0)
    _click(qtbot, page.check_button)
    dialog = _dialog(section, CheckDialog)
    assert isinstance(dialog, CheckDialog)
    _choose("順調", dialog.condition)
    type_text(qtbot, dialog.how, "受け入れ先と相談し、週2日に減らして通えている。")
    with qtbot.waitSignal(section.changed, timeout=1000):
        _click(qtbot, dialog.save_button)
    assert page.table.rowCount() == 0
    assert page.summary.text() == "確認の時期が来ているつながりはありません。"
    assert section.tabText(1) == "定着の確認"
    section.directory.select_resource(ids[FARM])
    assert _cells(section.directory.links_table, 0)[5] == "令和7年2月14日（順調）"  # the register saw it too


def test_the_interval_is_saved_and_changes_what_is_due(qtbot: QtBot, db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "山本 太郎", "ヤマモト タロウ")
    link = db.resources.connect(ids[FARM], case_id, dt.date(2025, 1, 1), TODAY)
    db.resources.move(link, LinkStatus.USING, dt.date(2025, 1, 4), TODAY)  # 41 days ago
    section = _section(qtbot, db)
    page = section.follow_ups
    assert section.tabText(1) == "定着の確認（要確認 1）"
    page.interval.clear()
    type_text(qtbot, page.interval, "60")
    qtbot.keyClick(page.interval, Qt.Key.Key_Return)
    assert db.resources.follow_up_days() == 60
    assert section.tabText(1) == "定着の確認"
    assert _cells(page.table, 0)[0] == "令和7年3月5日"


def test_a_case_lists_its_connections_read_only(qtbot: QtBot, db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "山本 太郎", "ヤマモト タロウ")
    empty = CaseResourceList(_office(db), case_id)
    qtbot.addWidget(empty)
    empty.show()
    assert empty.empty.isVisible()
    assert not empty.table.isVisible()
    ended = db.resources.connect(ids[FARM], case_id, dt.date(2024, 9, 1), TODAY)
    db.resources.move(ended, LinkStatus.ENDED, dt.date(2024, 9, 10), TODAY, reason="本人の希望")
    db.resources.connect(ids[SALON], case_id, dt.date(2025, 2, 1), TODAY)
    empty.refresh()
    assert not empty.empty.isVisible()
    assert [_cells(empty.table, r)[:3] for r in range(empty.table.rowCount())] == [
        [SALON, "居場所・サロン", "調整中"],
        [FARM, "農作業", "終了（本人の希望）"],
    ]
    assert not empty.table.editTriggers()


def test_a_due_connection_says_from_when_it_is_due(qtbot: QtBot, db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "山本 太郎", "ヤマモト タロウ")
    link = db.resources.connect(ids[FARM], case_id, dt.date(2025, 1, 1), TODAY)
    db.resources.move(link, LinkStatus.USING, dt.date(2025, 1, 4), TODAY)  # due from 2025-02-03
    section = _section(qtbot, db)
    directory = section.directory
    assert directory.select_resource(ids[FARM])
    cell = directory.links_table.item(0, 5)
    assert cell is not None
    assert cell.toolTip() == "令和7年2月3日から定着の確認の時期です。"
    assert cell.foreground().color().getRgb()[:3] == RED


def test_closed_and_suspended_cases_are_not_offered_and_their_open_connections_are_marked(
    qtbot: QtBot, db: Database
) -> None:
    ids = register_resources(db)
    add_case(db, "山本 太郎", "ヤマモト タロウ")
    closed = add_case(db, "佐藤 次郎", "サトウ ジロウ")
    suspended = add_case(db, "鈴木 三郎", "スズキ サブロウ")
    link = db.resources.connect(ids[FARM], closed, dt.date(2025, 1, 1), TODAY)
    db.resources.move(link, LinkStatus.USING, dt.date(2025, 1, 4), TODAY)
    close_case(db, closed, CaseStatus.CLOSED)
    close_case(db, suspended, CaseStatus.SUSPENDED)
    section = _section(qtbot, db)
    directory = section.directory

    assert directory.select_resource(ids[SALON])
    _click(qtbot, directory.connect_button)
    dialog = _dialog(directory, ConnectDialog)
    assert isinstance(dialog, ConnectDialog)
    assert [_cells(dialog.cases, r)[1] for r in range(dialog.cases.rowCount())] == ["山本 太郎"]
    assert dialog.closed_hint.isVisible()
    assert dialog.closed_hint.text() == (
        "終結・中断のケース（2件）は表示していません。つなぐときは、先にケースを再開してください。"
    )
    type_text(qtbot, dialog.search, "ｻﾄｳ")
    assert dialog.cases.rowCount() == 0
    assert "（1件）" in dialog.closed_hint.text()
    dialog.search.clear()
    type_text(qtbot, dialog.search, "ﾔﾏﾓﾄ")
    assert dialog.cases.rowCount() == 1
    assert not dialog.closed_hint.isVisible()
    messages.set_next_answers(True)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Escape)

    assert directory.select_resource(ids[FARM])
    assert _cells(directory.links_table, 0)[2] == "利用中（ケースは終結）"
    page = section.follow_ups
    assert _cells(page.table, 0)[1:3] == ["利用中（ケースは終結）", "佐藤 次郎"]
    assert page.check_button.isEnabled()  # the person may keep going: checks go on


def test_dialogs_ask_before_dropping_a_changed_date_case_or_recorder(qtbot: QtBot, db: Database) -> None:
    ids = register_resources(db)
    add_case(db, "山本 太郎", "ヤマモト タロウ")
    add_case(db, "佐藤 次郎", "サトウ ジロウ")
    case_id = add_case(db, "鈴木 三郎", "スズキ サブロウ")
    link = db.resources.connect(ids[SALON], case_id, dt.date(2025, 1, 1), TODAY)
    db.resources.move(link, LinkStatus.USING, dt.date(2025, 1, 4), TODAY)
    section = _section(qtbot, db)
    directory = section.directory

    def esc_asks(dialog: object, widget: QWidget) -> None:
        messages.reset()
        messages.set_next_answers(False)
        qtbot.keyClick(widget, Qt.Key.Key_Escape)
        assert messages.shown == [DISCARD_QUESTION]
        assert directory.dialog is dialog
        messages.set_next_answers(True)
        qtbot.keyClick(widget, Qt.Key.Key_Escape)
        assert directory.dialog is None

    assert directory.select_resource(ids[SALON])
    for change in ("case", "date"):
        _click(qtbot, directory.connect_button)
        connect = _dialog(directory, ConnectDialog)
        assert isinstance(connect, ConnectDialog)
        if change == "case":
            connect.cases.selectRow(1)
            assert connect.chosen_case() is not None
        else:
            connect.referred_on.set_date(dt.date(2025, 2, 1))
        esc_asks(connect, connect.search)

    for change in ("date", "by"):
        _click(qtbot, directory.end_button)
        move = _dialog(directory, MoveDialog)
        assert isinstance(move, MoveDialog)
        if change == "date":
            move.on.set_date(dt.date(2025, 2, 1))
        else:
            type_text(qtbot, move.by, "補佐")
        esc_asks(move, move.by)

    for change in ("date", "by"):
        _click(qtbot, directory.check_button)
        check = _dialog(directory, CheckDialog)
        assert isinstance(check, CheckDialog)
        if change == "date":
            check.on.set_date(dt.date(2025, 2, 1))
        else:
            type_text(qtbot, check.by, "補佐")
        esc_asks(check, check.by)

    _click(qtbot, directory.check_button)  # nothing changed: closes without asking
    check = _dialog(directory, CheckDialog)
    messages.reset()
    qtbot.keyClick(check.by, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    assert messages.shown == []
    assert directory.dialog is None


# ---- in the main window ------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    with Database.open(db_path, PASSPHRASE) as db:
        ids = register_resources(db)
        case_id = add_case(db, "山本 太郎", "ヤマモト タロウ")
        db.resources.connect(ids[SALON], case_id, dt.date.today(), dt.date.today())
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.open_session(Database.open(db_path, PASSPHRASE), "相談 太郎")
    yield win
    if win.session is not None:
        win.session.db.close()


def test_the_section_in_the_main_window_opens_the_case(qtbot: QtBot, window: MainWindow) -> None:
    window.show_section("地域資源")
    section = window.sections.currentWidget()
    assert isinstance(section, ResourceSection)
    directory = section.directory
    assert directory.selected_row() is not None
    assert directory.selected_row().name == SALON  # type: ignore[union-attr]
    table = directory.links_table
    rect = table.visualItemRect(table.item(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.sections.currentIndex() == 0  # ケース
    assert window.case_tabs is not None
    assert window.case_tabs.count() == 2
    assert "山本" in window.case_tabs.tabText(1)


def test_locking_hides_an_open_dialog_and_unlocking_gives_it_back(qtbot: QtBot, window: MainWindow) -> None:
    """Nothing typed shows over the lock screen, and nothing typed is lost."""
    window.show_section("地域資源")
    section = window.sections.currentWidget()
    assert isinstance(section, ResourceSection)
    _click(qtbot, section.directory.new_button)
    dialog = _dialog(section.directory, ResourceDialog)
    assert isinstance(dialog, ResourceDialog)
    type_text(qtbot, dialog.name, "書きかけの資源")
    window.lock()
    assert window.is_locked()
    assert not dialog.isVisible()
    assert DISCARD_QUESTION not in messages.shown
    type_text(qtbot, window.lock_screen.passphrase, PASSPHRASE)
    qtbot.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=5000)
    assert dialog.isVisible()
    assert dialog.name.text() == "書きかけの資源"
    _click(qtbot, dialog.save_button)
    assert [r.name for r in window.session_db().resources.rows() if r.name == "書きかけの資源"] == [
        "書きかけの資源"
    ]
