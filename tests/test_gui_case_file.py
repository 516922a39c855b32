"""The case file as a user works with it: real widgets, typing, clicking, scripted message boxes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QAbstractButton, QApplication, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.ids import AgencyId, CaseId, StaffId
from jusou_desktop.domain.meetings import Action, Attendee, Holding, Meeting, MeetingType, Reason
from jusou_desktop.domain.model import (
    Agency,
    AgencyField,
    Business,
    CaseStatus,
    Consent,
    ConsentState,
    Note,
    NoteKind,
    Person,
    Sex,
    Staff,
    TeamMember,
)
from jusou_desktop.domain.resources import Resource, ResourceKind
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file import CaseFileWidget
from jusou_desktop.gui.case_file_notes import NOT_YOURS
from jusou_desktop.gui.case_file_person import PRINCIPAL_CANNOT_BE_REMOVED
from jusou_desktop.gui.session import Session
from jusou_desktop.store.database import Database
from jusou_desktop.store.errors import StorageFailure
from tests.qt_typing import type_text

S = CaseStatus


pytestmark = pytest.mark.usefixtures("quiet_messages")


@dataclass
class Office:
    """A small fictional office: the coordinator (第5号), a 包括 and one case."""

    db: Database
    session: Session
    case_id: CaseId
    coordinator: AgencyId
    houkatsu: AgencyId
    me: StaffId
    colleague: StaffId


@pytest.fixture
def office(db: Database, quiet_messages: None) -> Office:
    coordinator = db.agencies.add(
        Agency(name="つむぎ町社会福祉協議会", field=AgencyField.GENERAL, business=Business.COLLABORATION)
    )
    houkatsu = db.agencies.add(
        Agency(
            name="つむぎ町地域包括支援センター",
            field=AgencyField.ELDERLY,
            business=Business.CONSULTATION_ELDERLY,
        )
    )
    me = db.staff.add(Staff(name="相談 一郎", agency_id=coordinator, title="相談支援包括化推進員"))
    colleague = db.staff.add(Staff(name="包括 花子", agency_id=houkatsu))
    case_id = db.cases.create(
        Person(
            name="山田 花子",
            kana="ヤマダ ハナコ",
            birth_date=dt.date(1944, 5, 1),
            sex=Sex.FEMALE,
            address="つむぎ町本町1-2-3",
            district="本町",
        ),
        opened_on=dt.date(2024, 4, 10),
        route="地域包括支援センターからのつなぎ",
        summary="母と長男の二人暮らし。",
        by="相談 一郎",
    )
    session = Session(db=db, user_name="相談 一郎", staff_id=me)
    return Office(db, session, case_id, coordinator, houkatsu, me, colleague)


def open_file(qtbot: QtBot, office: Office, restore: str = "ask") -> CaseFileWidget:
    widget = CaseFileWidget(office.session, office.case_id, restore_drafts=restore)
    qtbot.addWidget(widget)
    widget.resize(1100, 750)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_row(qtbot: QtBot, table: QTableWidget, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def replace_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    type_text(qtbot, widget, text)


def destroy(widget: QWidget) -> None:
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


# ---- header -----------------------------------------------------------------------------------


def test_header_and_title(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    number = office.db.cases.get(office.case_id).number
    assert widget.title() == f"{number} 山田 花子"
    header = widget.header.text()
    for part in (number, "山田 花子", "ヤマダ\u3000ハナコ", "82歳", "受付", "本人同意", "確認中"):
        assert part in header
    assert [widget.tabs.tabText(i) for i in range(widget.tabs.count())] == [
        "本人・世帯",
        "課題タグ",
        "本人同意",
        "チーム",
        "状態",
        "経過記録",
        "つなぎ・予定",
    ]
    assert not widget.has_unsaved_changes()


# ---- 本人・世帯 -----------------------------------------------------------------------------------


def test_add_household_member_through_the_dialog(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    tab = widget.person_tab
    click(qtbot, tab.add_button)
    dialog = tab.member_dialog
    assert dialog is not None
    assert dialog.isVisible()
    type_text(qtbot, dialog.name, "山田 太郎")
    type_text(qtbot, dialog.kana, "やまだ たろう")
    type_text(qtbot, dialog.relation.lineEdit(), "子")
    with qtbot.waitSignal(widget.changed):
        click(qtbot, dialog.ok_button)
    members = office.db.cases.get(office.case_id).household.members
    assert [(m.person.name, m.relation) for m in members] == [("山田 花子", "本人"), ("山田 太郎", "子")]
    assert members[1].person.kana == "ヤマダ\u3000タロウ"
    assert members[1].person.address == "つむぎ町本町1-2-3"  # lives together: the 本人's address
    assert tab.members.rowCount() == 2
    qtbot.waitUntil(lambda: tab.member_dialog is None)

    click_row(qtbot, tab.members, 0)
    assert not tab.remove_button.isEnabled()
    assert tab.remove_button.toolTip() == PRINCIPAL_CANNOT_BE_REMOVED

    click_row(qtbot, tab.members, 1)
    click(qtbot, tab.edit_button)
    dialog = tab.member_dialog
    assert dialog is not None
    assert dialog.name.text() == "山田 太郎"
    replace_text(qtbot, dialog.note, "長年ひきこもり")
    click(qtbot, dialog.ok_button)
    assert office.db.cases.get(office.case_id).household.members[1].note == "長年ひきこもり"

    click_row(qtbot, tab.members, 1)
    messages.set_next_answers(False)
    click(qtbot, tab.remove_button)
    assert len(office.db.cases.get(office.case_id).household.members) == 2
    messages.set_next_answers(True)
    click(qtbot, tab.remove_button)
    assert "山田 太郎さん" in messages.shown[-1]
    assert len(office.db.cases.get(office.case_id).household.members) == 1
    assert tab.members.rowCount() == 1


def test_member_dialog_keeps_input_when_the_name_is_missing(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    click(qtbot, widget.person_tab.add_button)
    dialog = widget.person_tab.member_dialog
    assert dialog is not None
    type_text(qtbot, dialog.kana, "なまえなし")
    click(qtbot, dialog.ok_button)
    assert messages.shown == ["氏名を入力してください。"]
    assert dialog.isVisible()
    assert dialog.kana.text() == "なまえなし"
    assert len(office.db.cases.get(office.case_id).household.members) == 1


def test_edit_the_address_and_save(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    tab = widget.person_tab
    assert not tab.save_button.isEnabled()
    replace_text(qtbot, tab.address, "つむぎ町川端4-5")
    assert widget.has_unsaved_changes()
    assert widget.tabs.tabText(0) == "本人・世帯（未保存）"
    tab.summary.moveCursor(QTextCursor.MoveOperation.End)
    type_text(qtbot, tab.summary, "長男は40代。")
    with qtbot.waitSignal(widget.changed):
        click(qtbot, tab.save_button)
    case = office.db.cases.get(office.case_id)
    assert case.principal.address == "つむぎ町川端4-5"
    assert case.summary.endswith("長男は40代。")
    assert not widget.has_unsaved_changes()
    assert widget.tabs.tabText(0) == "本人・世帯"


def test_a_refused_save_keeps_the_typed_input(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    tab = widget.person_tab
    replace_text(qtbot, tab.address, "つむぎ町川端4-5")
    tab.name.clear()
    click(qtbot, tab.save_button)
    assert messages.shown == ["氏名を入力してください。"]
    assert tab.address.text() == "つむぎ町川端4-5"
    assert widget.has_unsaved_changes()
    assert office.db.cases.get(office.case_id).principal.address == "つむぎ町本町1-2-3"


def test_unknown_birth_date(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    tab = widget.person_tab
    click(qtbot, tab.birth.unknown)
    assert not tab.birth.date.isVisible()
    click(qtbot, tab.save_button)
    assert office.db.cases.get(office.case_id).principal.birth_date is None
    assert "年齢不明" in widget.header.text()


# ---- 課題タグ ----------------------------------------------------------------------------------


def test_tags_are_saved_when_ticked(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    widget.tabs.setCurrentWidget(widget.tags_tab)
    tags = widget.tags_tab.tags
    item = tags.findItems("8050", Qt.MatchFlag.MatchExactly)[0]
    tags.setCurrentItem(item)
    tags.setFocus()
    with qtbot.waitSignal(widget.changed):
        qtbot.keyClick(tags, Qt.Key.Key_Space)
    assert office.db.cases.tags_of(office.case_id) == ("8050",)

    type_text(qtbot, widget.tags_tab.new_tag, "空き家")
    click(qtbot, widget.tags_tab.add_button)
    assert office.db.cases.tags_of(office.case_id) == ("8050", "空き家")
    assert "空き家" in office.db.cases.all_tags()
    assert widget.tags_tab.new_tag.text() == ""
    assert "8050・空き家" in widget.tags_tab.summary.text()


# ---- 本人同意 ----------------------------------------------------------------------------------


def test_record_consent_and_see_the_history(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    tab = widget.consent_tab
    widget.tabs.setCurrentWidget(tab)
    assert "支援会議で扱います" in tab.hint.text()

    tab.state.setCurrentIndex(tab.state.findText("あり"))
    tab.method.setCurrentIndex(tab.method.findText("書面"))
    tab.recorded_on.set_date(dt.date(2024, 4, 20))
    type_text(qtbot, tab.scope, "支援関係機関との情報共有")
    click(qtbot, tab.covers_tax)
    with qtbot.waitSignal(widget.changed):
        click(qtbot, tab.record_button)
    consent = office.db.cases.current_consent(office.case_id)
    assert consent is not None
    assert (consent.state, consent.covers_tax_info, consent.recorded_by) == (
        ConsentState.GIVEN,
        True,
        "相談 一郎",
    )
    assert "会議は重層的支援会議で扱えます" in tab.hint.text()
    assert tab.current.text().startswith("あり（令和6年4月20日・書面）")
    assert "本人同意：<b>あり</b>" in widget.header.text()

    tab.state.setCurrentIndex(tab.state.findText("なし"))
    tab.recorded_on.set_date(dt.date(2024, 6, 1))
    click(qtbot, tab.record_button)
    assert tab.history.rowCount() == 2
    assert tab.history.item(0, 1).text() == "なし"  # newest first
    assert tab.history.item(1, 1).text() == "あり"
    assert "同意がないため、会議は支援会議で扱います" in tab.hint.text()


# ---- チーム ------------------------------------------------------------------------------------


def test_team_with_a_lead(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    tab = widget.team_tab
    widget.tabs.setCurrentWidget(tab)
    assert "主担当の機関が決まっていません" in tab.hint.text()

    tab.agency.setCurrentIndex(tab.agency.findData(office.houkatsu))
    tab.staff.setCurrentIndex(tab.staff.findData(office.colleague))
    type_text(qtbot, tab.role, "母の介護サービス調整")
    click(qtbot, tab.add_button)
    tab.agency.setCurrentIndex(tab.agency.findData(office.coordinator))
    tab.staff.setCurrentIndex(tab.staff.findData(office.me))
    click(qtbot, tab.new_is_lead)
    with qtbot.waitSignal(widget.changed):
        click(qtbot, tab.add_button)

    team = office.db.cases.team(office.case_id)
    assert [(m.agency_id, m.staff_id, m.is_lead) for m in team] == [
        (office.coordinator, office.me, True),
        (office.houkatsu, office.colleague, False),
    ]
    assert team[1].role == "母の介護サービス調整"
    assert tab.table.item(0, 2).text() == "◎ 主担当"
    # no consent yet: an agency should lead, and the hint says the coordinator is leading now
    assert "主担当は関係機関が担い" in tab.hint.text()
    assert "つむぎ町社会福祉協議会" in tab.hint.text()

    click_row(qtbot, tab.table, 1)
    click(qtbot, tab.lead_button)
    assert office.db.cases.get(office.case_id).lead == TeamMember(
        office.houkatsu, office.colleague, True, "母の介護サービス調整"
    )
    assert office.db.cases.rows()[0].lead_agency == "つむぎ町地域包括支援センター"

    click_row(qtbot, tab.table, 1)
    click(qtbot, tab.remove_button)
    assert len(office.db.cases.team(office.case_id)) == 1


# ---- 状態 --------------------------------------------------------------------------------------


def test_status_buttons_and_walk_to_closing(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    tab = widget.status_tab
    widget.tabs.setCurrentWidget(tab)
    assert set(tab.transition_buttons) == {S.ASSESSMENT, S.CLOSED}
    assert all(b.isEnabled() for b in tab.transition_buttons.values())
    assert tab.transition_buttons[S.ASSESSMENT].text() == "アセスメント開始"
    refused = tab.refused_buttons[S.SUPPORTING]
    assert not refused.isEnabled()
    assert (
        refused.toolTip()
        == "「受付」から「支援中」へは移れません。支援中へは、プランを作成してから移ります。"
    )

    for target in (S.ASSESSMENT, S.PLANNING, S.SUPPORTING):
        with qtbot.waitSignal(widget.changed):
            click(qtbot, tab.transition_buttons[target])
        assert office.db.cases.get(office.case_id).status == target
    assert set(tab.transition_buttons) == {S.MONITORING, S.PLANNING, S.CLOSED, S.SUSPENDED}
    assert "状態：<b>支援中</b>" in widget.header.text()

    click(qtbot, tab.transition_buttons[S.CLOSED])
    dialog = tab.reason_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert not dialog.ok_button.isEnabled()  # the reason is required
    type_text(qtbot, dialog.reason, "主担当が包括に決まり、支援が安定したため")
    dialog.changed_on.set_date(dt.date(2025, 3, 31))
    click(qtbot, dialog.ok_button)
    case = office.db.cases.get(office.case_id)
    assert case.status == S.CLOSED
    assert case.closed_on == dt.date(2025, 3, 31)
    assert set(tab.transition_buttons) == {S.ASSESSMENT}
    assert tab.transition_buttons[S.ASSESSMENT].text() == "再開…"
    history = tab.history
    assert history.rowCount() == 5
    assert [history.item(0, c).text() for c in range(5)] == [
        "令和7年3月31日",
        "支援中",
        "終結",
        "主担当が包括に決まり、支援が安定したため",
        "相談 一郎",
    ]


def test_a_cancelled_reason_dialog_changes_nothing(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    tab = widget.status_tab
    widget.tabs.setCurrentWidget(tab)
    click(qtbot, tab.transition_buttons[S.CLOSED])
    dialog = tab.reason_dialog
    assert dialog is not None
    click(qtbot, dialog.cancel_button)
    assert office.db.cases.get(office.case_id).status == S.RECEIVED


# ---- 経過記録 ----------------------------------------------------------------------------------


def test_add_and_edit_own_notes(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    tab = widget.notes_tab
    widget.tabs.setCurrentWidget(tab)
    tab.noted_on.set_date(dt.date(2024, 4, 12))
    tab.kind.setCurrentIndex(tab.kind.findText("電話"))
    type_text(qtbot, tab.body, "長女から電話。母の様子を聞いた。")
    with qtbot.waitSignal(widget.changed):
        click(qtbot, tab.save_button)
    notes = office.db.notes.for_case(office.case_id)
    assert len(notes) == 1
    note = notes[0]
    assert (note.kind, note.author_staff_id, note.author_name) == (NoteKind.PHONE, office.me, "相談 一郎")
    assert tab.table.rowCount() == 1
    assert [tab.table.item(0, c).text() for c in range(4)] == [
        "令和6年4月12日",
        "電話",
        "相談 一郎",
        "長女から電話。母の様子を聞いた。",
    ]

    click(qtbot, tab.new_button)
    type_text(qtbot, tab.body, "自宅を訪問した。")
    click(qtbot, tab.save_button)
    assert tab.table.rowCount() == 2
    assert tab.table.item(0, 3).text() == "自宅を訪問した。"  # newest first

    click_row(qtbot, tab.table, 1)
    assert tab.body.toPlainText() == "長女から電話。母の様子を聞いた。"
    assert not tab.body.isReadOnly()
    tab.body.moveCursor(QTextCursor.MoveOperation.End)
    type_text(qtbot, tab.body, "次回は来週。")
    click(qtbot, tab.save_button)
    assert office.db.notes.get(note.id).body == "長女から電話。母の様子を聞いた。次回は来週。"  # type: ignore[arg-type]
    assert len(office.db.notes.for_case(office.case_id)) == 2


def test_another_authors_note_is_read_only(qtbot: QtBot, office: Office) -> None:
    office.db.notes.add(
        Note(
            office.case_id,
            dt.date(2024, 4, 11),
            NoteKind.VISIT,
            "包括として訪問。",
            author_staff_id=office.colleague,
            author_name="包括 花子",
        )
    )
    widget = open_file(qtbot, office)
    tab = widget.notes_tab
    widget.tabs.setCurrentWidget(tab)
    click_row(qtbot, tab.table, 0)
    assert tab.body.toPlainText() == "包括として訪問。"
    assert tab.body.isReadOnly()
    assert tab.read_only_label.isVisible()
    assert NOT_YOURS in tab.read_only_label.text()
    assert not tab.save_button.isEnabled()
    assert not widget.has_unsaved_changes()
    click(qtbot, tab.new_button)
    assert not tab.body.isReadOnly()
    assert not tab.read_only_label.isVisible()


def test_own_note_by_name_when_no_staff_id(qtbot: QtBot, office: Office) -> None:
    office.db.notes.add(
        Note(office.case_id, dt.date(2024, 4, 11), NoteKind.VISIT, "メモ", author_name="相談 一郎")
    )
    office.session.staff_id = None
    widget = open_file(qtbot, office)
    click_row(qtbot, widget.notes_tab.table, 0)
    assert not widget.notes_tab.body.isReadOnly()


def test_filter_notes_by_kind(qtbot: QtBot, office: Office) -> None:
    for day, kind in ((1, NoteKind.VISIT), (2, NoteKind.PHONE), (3, NoteKind.PHONE), (4, NoteKind.MEETING)):
        office.db.notes.add(
            Note(office.case_id, dt.date(2024, 5, day), kind, f"{kind.value}の記録", author_name="相談 一郎")
        )
    widget = open_file(qtbot, office)
    tab = widget.notes_tab
    assert tab.table.rowCount() == 4
    tab.kind_filter.setCurrentIndex(tab.kind_filter.findText("電話"))
    assert tab.table.rowCount() == 2
    assert {tab.table.item(r, 1).text() for r in range(2)} == {"電話"}
    assert tab.table.item(0, 0).text() == "令和6年5月3日"
    tab.kind_filter.setCurrentIndex(tab.kind_filter.findText("すべて"))
    assert tab.table.rowCount() == 4


def test_leaving_an_edited_note_asks_first(qtbot: QtBot, office: Office) -> None:
    office.db.notes.add(
        Note(office.case_id, dt.date(2024, 5, 1), NoteKind.VISIT, "前の記録", author_name="相談 一郎")
    )
    widget = open_file(qtbot, office)
    tab = widget.notes_tab
    type_text(qtbot, tab.body, "書きかけ")
    messages.set_next_answers(False)  # 破棄する
    click_row(qtbot, tab.table, 0)
    assert tab.body.toPlainText() == "前の記録"
    assert len(office.db.notes.for_case(office.case_id)) == 1


# ---- drafts and closing ------------------------------------------------------------------------


def test_a_draft_survives_the_widget(qtbot: QtBot, office: Office) -> None:
    widget = CaseFileWidget(office.session, office.case_id)
    widget.show()
    type_text(qtbot, widget.notes_tab.body, "訪問したが不在。手紙を置いた。")
    replace_text(qtbot, widget.person_tab.phone, "0000-11-9999")
    assert widget.save_draft()
    destroy(widget)  # as after a crash or an auto-lock: nothing was saved

    assert office.db.notes.for_case(office.case_id) == []
    assert office.db.cases.get(office.case_id).principal.phone == ""
    again = open_file(qtbot, office, restore="always")
    assert again.notes_tab.body.toPlainText() == "訪問したが不在。手紙を置いた。"
    assert again.person_tab.phone.text() == "0000-11-9999"
    assert again.has_unsaved_changes()
    assert messages.shown == []  # restored without asking

    click(qtbot, again.notes_tab.save_button)
    assert office.db.drafts.get(f"case:{office.case_id}:note") is None
    assert office.db.drafts.get(f"case:{office.case_id}:basics") is not None


def test_the_draft_is_written_a_moment_after_typing(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    widget.person_tab.summary.moveCursor(QTextCursor.MoveOperation.End)
    type_text(qtbot, widget.person_tab.summary, "追記")
    key = f"case:{office.case_id}:basics"
    qtbot.waitUntil(lambda: office.db.drafts.get(key) is not None, timeout=3000)
    draft = office.db.drafts.get(key)
    assert draft is not None
    assert draft.payload["summary"].endswith("追記")
    assert draft.author == "相談 一郎"
    click(qtbot, widget.person_tab.revert_button)
    assert office.db.drafts.get(key) is None
    assert not widget.has_unsaved_changes()


def test_drafts_offered_back_or_thrown_away(qtbot: QtBot, office: Office) -> None:
    key = f"case:{office.case_id}:note"
    payload = {"note_id": None, "noted_on": "2024-05-01", "kind": "電話", "body": "下書き"}
    office.db.drafts.save(key, "case_note", payload, author="相談 一郎")

    messages.set_next_answers(True)
    widget = open_file(qtbot, office)
    assert messages.shown[-1].startswith("保存されていない入力があります（")
    assert widget.notes_tab.body.toPlainText() == "下書き"
    assert widget.notes_tab.kind.currentText() == "電話"

    ignored = open_file(qtbot, office, restore="never")
    assert ignored.notes_tab.body.toPlainText() == ""
    assert office.db.drafts.get(key) is not None

    messages.set_next_answers(False)
    refused = open_file(qtbot, office)
    assert refused.notes_tab.body.toPlainText() == ""
    assert office.db.drafts.get(key) is None


def test_maybe_close(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    assert widget.maybe_close()  # nothing to ask

    replace_text(qtbot, widget.person_tab.address, "つむぎ町駅前1")
    type_text(qtbot, widget.notes_tab.body, "閉じる前の記録")
    widget.save_draft()
    messages.set_next_answers(True)  # 保存する
    with qtbot.waitSignal(widget.changed):
        assert widget.maybe_close()
    assert messages.shown[-1] == "保存されていない変更があります。保存しますか？"
    assert office.db.cases.get(office.case_id).principal.address == "つむぎ町駅前1"
    assert [n.body for n in office.db.notes.for_case(office.case_id)] == ["閉じる前の記録"]
    assert office.db.drafts.list() == []

    replace_text(qtbot, widget.person_tab.address, "つむぎ町山手2")
    widget.save_draft()
    messages.set_next_answers(False)  # 破棄する
    assert widget.maybe_close()
    assert office.db.cases.get(office.case_id).principal.address == "つむぎ町駅前1"
    assert office.db.drafts.list() == []
    assert not widget.has_unsaved_changes()


def test_maybe_close_stays_open_when_saving_fails(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    widget.person_tab.name.clear()
    messages.set_next_answers(True)
    assert not widget.maybe_close()
    assert "氏名を入力してください。" in messages.shown
    assert widget.has_unsaved_changes()


def test_a_failing_autosave_is_reported_once(
    qtbot: QtBot, office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise StorageFailure("保存先に書き込めません。")

    widget = open_file(qtbot, office)
    monkeypatch.setattr(office.db.drafts, "save", refuse)
    type_text(qtbot, widget.notes_tab.body, "一行目")
    qtbot.waitUntil(lambda: len(messages.shown) == 1, timeout=3000)
    type_text(qtbot, widget.notes_tab.body, "二行目")
    qtbot.wait(1500)
    assert len(messages.shown) == 1
    assert messages.shown[0].startswith("保存先に書き込めません。")
    with pytest.raises(StorageFailure):  # the main window stops locking when this fails
        widget.save_draft()
    assert widget.notes_tab.body.toPlainText() == "一行目二行目"


def test_keyboard_save_and_section_shortcuts(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    handle = widget.windowHandle()
    assert handle is not None
    handle.requestActivate()  # shortcuts work in the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    replace_text(qtbot, widget.person_tab.phone, "0000-11-2222")
    with qtbot.waitSignal(widget.changed):
        qtbot.keyClick(widget.person_tab.phone, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert office.db.cases.get(office.case_id).principal.phone == "0000-11-2222"
    qtbot.keyClick(widget.person_tab.phone, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
    assert widget.tabs.currentWidget() is widget.notes_tab


def test_ticking_a_tag_keeps_the_keyboard_place(qtbot: QtBot, office: Office) -> None:
    widget = open_file(qtbot, office)
    widget.tabs.setCurrentWidget(widget.tags_tab)
    tags = widget.tags_tab.tags
    tags.setFocus()
    tags.setCurrentRow(2)
    qtbot.keyClick(tags, Qt.Key.Key_Space)
    qtbot.keyClick(tags, Qt.Key.Key_Right)
    qtbot.keyClick(tags, Qt.Key.Key_Space)
    names = [tags.item(2).text(), tags.item(3).text()]
    assert office.db.cases.tags_of(office.case_id) == tuple(names)
    assert tags.currentRow() == 3


def test_a_draft_of_an_existing_note_goes_back_to_that_note(qtbot: QtBot, office: Office) -> None:
    note_id = office.db.notes.add(
        Note(office.case_id, dt.date(2024, 5, 1), NoteKind.VISIT, "訪問した。", office.me, "相談 一郎")
    )
    widget = CaseFileWidget(office.session, office.case_id)
    widget.show()
    click_row(qtbot, widget.notes_tab.table, 0)
    widget.notes_tab.body.moveCursor(QTextCursor.MoveOperation.End)
    type_text(qtbot, widget.notes_tab.body, "本人は不在。")
    widget.save_draft()
    destroy(widget)

    again = open_file(qtbot, office, restore="always")
    tab = again.notes_tab
    assert tab.body.toPlainText() == "訪問した。本人は不在。"
    assert tab.table.currentRow() == 0
    click(qtbot, tab.save_button)
    assert [n.body for n in office.db.notes.for_case(office.case_id)] == ["訪問した。本人は不在。"]
    assert office.db.notes.get(note_id).body == "訪問した。本人は不在。"


def test_ending_needs_a_jusou_meeting_until_one_is_held(qtbot: QtBot, office: Office) -> None:
    """「終結の判断を会議にかける」: the case shows 会議が必要です until a 重層的支援会議 decides it."""
    db = office.db
    db.cases.record_consent(office.case_id, Consent(ConsentState.GIVEN, dt.date(2024, 4, 2)))
    widget = open_file(qtbot, office)
    widget.tabs.setCurrentWidget(widget.links_tab)
    messages.set_next_answers(True)
    click(qtbot, widget.links_tab.need_buttons[Reason.ENDING])
    assert "会議が必要です（終結判断）" in widget.header.text()
    assert widget.links_tab.needs.rowCount() == 1
    meeting_id = db.meetings.create(Meeting(MeetingType.JUSOU, Holding.AD_HOC, dt.date.today()))
    db.meetings.add_case(meeting_id, office.case_id, Reason.ENDING)
    attendee = db.meetings.invite(meeting_id, Attendee("相談 一郎", "つむぎ町社会福祉協議会"))
    db.meetings.set_attendance(attendee, True)
    db.meetings.add_action(meeting_id, office.case_id, Action(attendee, "相談 一郎", "終結を本人に伝える"))
    db.meetings.hold(meeting_id)
    widget.links_tab.load()
    widget._reload()
    assert widget.links_tab.needs.rowCount() == 0
    assert "会議が必要です" not in widget.header.text()


def test_the_case_file_shows_the_resources_the_person_was_connected_to(qtbot: QtBot, office: Office) -> None:
    """「つなぎ・予定」 lists the 地域資源 of 参加支援 recorded in the 地域資源 section."""
    db = office.db
    widget = open_file(qtbot, office)
    widget.tabs.setCurrentWidget(widget.links_tab)
    listing = widget.links_tab.resources
    assert listing.empty.isVisible()
    salon = db.resources.add(Resource("川端ふれあいサロン", ResourceKind.PLACE))
    db.resources.connect(salon, office.case_id, dt.date(2024, 5, 1), today=dt.date(2024, 5, 1))
    widget.links_tab.load()
    assert not listing.empty.isVisible()
    assert listing.table.rowCount() == 1
    cells = [listing.table.item(0, c).text() for c in range(4)]  # type: ignore[union-attr]
    assert cells == ["川端ふれあいサロン", "居場所・サロン", "調整中", "令和6年5月1日"]
