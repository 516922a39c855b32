"""The 会議 section as a coordinator uses it: a C票 request put on a 支援会議, pledges, 行動連携, print."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.ids import CaseId, ReferralId
from jusou_desktop.domain.meetings import (
    Action,
    ActionStatus,
    Attendee,
    AttendeeKind,
    Holding,
    Meeting,
    MeetingState,
    MeetingType,
    Reason,
)
from jusou_desktop.domain.model import Agency, AgencyField, Consent, ConsentState, Person, Staff, TeamMember
from jusou_desktop.gui import messages
from jusou_desktop.gui.meeting_window import AddCaseDialog, AttendeeDialog, MeetingWidget
from jusou_desktop.gui.meetings import MeetingsSection, NewMeetingDialog, PlaceDialog, SeriesDialog
from jusou_desktop.gui.session import Session
from jusou_desktop.store.database import Database
from tests.qt_dialogs import when_modal
from tests.qt_typing import type_text

TODAY = dt.date(2024, 6, 3)  # a Monday


@pytest.fixture
def office(db: Database) -> Session:
    houkatsu = db.agencies.add(Agency("つむぎ町地域包括支援センター", AgencyField.ELDERLY))
    db.agencies.add(Agency("つむぎ町社会福祉協議会", AgencyField.COMMUNITY))
    db.staff.add(Staff("相談 一郎", agency_id=houkatsu))
    return Session(db, "推進員 二", fixed_today=TODAY)


def _case(db: Database, name: str, consent: ConsentState) -> CaseId:
    return db.cases.create(
        Person(name, kana="ヤマダ ハナコ", birth_date=dt.date(1950, 4, 1)),
        opened_on=dt.date(2024, 5, 1),
        consent=Consent(consent, recorded_on=dt.date(2024, 5, 1)),
        summary="息子がひきこもり、家賃を滞納している。",
    )


def _answer_key(db: Database, referral_id: ReferralId, binding: str) -> str:
    template = db.referrals.get(referral_id).answer_template
    assert template is not None
    return next(f.key for f in template.fields() if f.binds is not None and f.binds.value == binding)


def _referral_asking_for_a_meeting(db: Database, case_id: CaseId) -> ReferralId:
    """A つなぎシート sent, accepted and answered 「支援会議を開催」 (C票)."""
    agency = db.agencies.find_by_name("つむぎ町地域包括支援センター")
    assert agency is not None
    sheet = {
        "source_agency": {"name": agency.name, "id": agency.id},
        "source_staff": {"name": "相談 一郎", "id": None},
        "name": "山田 花子",
        "kana": "やまだ はなこ",
        "birth_date": "昭和25年4月1日",
        "sex": "女",
        "main_complaint": "息子がひきこもり、家賃を滞納している。",
        "consent": False,
    }
    referral_id = db.referrals.create(
        db.templates.latest("takashima_ab").id, sheet, created_on=dt.date(2024, 5, 20), case_id=case_id
    )
    db.referrals.send(referral_id, on=dt.date(2024, 5, 20), by="相談 一郎")
    db.referrals.accept(referral_id, on=dt.date(2024, 5, 21), case_id=case_id, by="推進員 二")
    answer = {
        "answer.actions": {"selected": ["支援会議を開催"], "primary": None},
        "answer.date": "2024-05-22",
        "answer.responder": {"name": "推進員 二", "id": None},
    }
    db.referrals.answer(referral_id, {_answer_key(db, referral_id, k): v for k, v in answer.items()})
    return referral_id


def _section(qtbot: QtBot, office: Session) -> MeetingsSection:
    section = MeetingsSection(office)
    qtbot.addWidget(section)
    section.resize(1280, 860)
    section.show()
    return section


def _ok(buttons: QDialogButtonBox) -> None:
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None
    ok.click()


def _invite(qtbot: QtBot, widget: MeetingWidget, kind: AttendeeKind, name: str = "", role: str = "") -> None:
    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, AttendeeDialog)
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind.value))
        if name:
            dialog.name.setFocus()
            type_text(qtbot, dialog.name, name)
        if role:
            dialog.affiliation.setFocus()
            type_text(qtbot, dialog.affiliation, role)
        _ok(dialog.buttons)

    errors = when_modal(fill)
    widget.attendee_buttons["出席者を追加…"].click()
    assert not errors


def _each_attendee(widget: MeetingWidget, button: str) -> None:
    for attendee in widget.meeting.attendees:
        widget.select_attendee(attendee.name)
        widget.attendee_buttons[button].click()


def _add_action(qtbot: QtBot, widget: MeetingWidget, who: str, what: str, due: dt.date) -> None:
    widget.tabs.setCurrentIndex(3)
    widget.action_who.setCurrentIndex(widget.action_who.findText(who))
    widget.action_what.setFocus()
    type_text(qtbot, widget.action_what, what)
    widget.action_due.set_date(due)
    widget.buttons["役割を追加"].click()


@pytest.mark.usefixtures("quiet_messages")
def test_a_c_sheet_request_becomes_a_held_support_meeting(qtbot: QtBot, office: Session) -> None:
    db = office.db
    case_id = _case(db, "山田 花子", ConsentState.REFUSED)
    _referral_asking_for_a_meeting(db, case_id)
    section = _section(qtbot, office)
    overview = section.overview
    assert overview.requests.rowCount() == 1
    assert overview.requests.item(0, 2).text() == "山田 花子"

    # 会議に組み込む: no meeting is planned yet, so a new 随時 支援会議 is offered.
    def new_meeting(dialog: QWidget) -> None:
        assert isinstance(dialog, PlaceDialog)
        assert dialog.new.isChecked()
        assert "支援会議" in dialog.new.text()
        dialog.time_edit.setFocus()
        type_text(qtbot, dialog.time_edit, "14:00-15:00")
        _ok(dialog.buttons)

    overview.requests.selectRow(0)
    errors = when_modal(new_meeting)
    overview.request_buttons["会議に組み込む…"].click()
    assert not errors
    widget = section.currentWidget()
    assert isinstance(widget, MeetingWidget)
    meeting = widget.meeting
    assert (meeting.type, meeting.holding, meeting.state) == (
        MeetingType.SUPPORT,
        Holding.AD_HOC,
        MeetingState.PLANNED,
    )
    assert meeting.on == TODAY + dt.timedelta(days=7)
    assert meeting.start == dt.time(14, 0)
    assert [(i.case_id, i.reason) for i in meeting.agenda] == [(case_id, Reason.SHARING)]
    assert widget.notice.isVisible()
    assert "守秘義務の確認が必要です（社会福祉法第106条の6）" in widget.notice.text()
    assert "第一条" in widget.rules.toPlainText()  # 会議の心得 at the top
    assert "令和6年6月10日（月）" in widget.info.text()
    assert overview.requests.rowCount() == 0  # no longer waiting for a meeting
    assert overview.upcoming.rowCount() == 1

    # Two attendees: a staff member and the 民生委員.
    _invite(qtbot, widget, AttendeeKind.STAFF)
    _invite(qtbot, widget, AttendeeKind.NON_OFFICIAL, "民生 委員子", "民生委員")
    assert [(a.name, a.affiliation) for a in widget.meeting.attendees] == [
        ("相談 一郎", "つむぎ町地域包括支援センター"),
        ("民生 委員子", "民生委員"),
    ]
    assert widget.attendees.item(1, 4).text() == "未確認"

    _each_attendee(widget, "出席")
    widget.buttons["開催済にする"].click()
    assert "守秘義務の確認が必要です" in messages.shown[-1]
    assert "民生 委員子（民生委員）" in messages.shown[-1]
    assert db.meetings.get(widget.meeting_id).state is MeetingState.PLANNED

    _each_attendee(widget, "守秘義務を確認")
    assert widget.attendees.item(0, 4).text() == "令和6年6月3日（署名）"
    assert widget.attendees.item(0, 3).text() == "出席"
    widget.buttons["開催済にする"].click()
    assert "出席者全員に役割を決めてください" in messages.shown[-1]
    assert "まだ役割のない人" in widget.unassigned.text()

    # 行動連携: one action each (one already overdue by the time we look at the list).
    _add_action(
        qtbot, widget, "相談 一郎（つむぎ町地域包括支援センター）", "自宅を訪問する", dt.date(2024, 5, 31)
    )
    _add_action(qtbot, widget, "民生 委員子（民生委員）", "見守りの声かけ", dt.date(2024, 6, 30))
    assert widget.action_table.rowCount() == 2
    assert widget.unassigned.isHidden()

    widget.minutes_case.setCurrentIndex(0)
    widget.shared_view.setPlainText("家計の立て直しが先。息子さんとはまだ話せていない。")
    widget.gaps.setPlainText("夜間に話を聞ける場所\n若者の居場所")
    assert widget.has_unsaved_changes()
    widget.buttons["記録を保存"].click()
    assert not widget.has_unsaved_changes()

    widget.buttons["開催済にする"].click()
    assert any("開催済として記録しました" in t for t in messages.shown)
    assert widget.meeting.state is MeetingState.HELD
    assert "［開催済］" in widget.heading.text()
    assert not widget.buttons["開催済にする"].isEnabled()
    [request] = db.meeting_requests.for_case(case_id)
    assert request.state == "開催済"
    assert db.meeting_requests.open_requests() == []
    assert section.gaps.table.rowCount() == 2

    # The action list: the overdue one first, in red; completing asks for a result.
    actions = section.action_list
    assert actions.table.rowCount() == 2
    assert actions.table.item(0, 2).text() == "自宅を訪問する"
    assert "期限切れ" in actions.table.item(0, 0).text()
    assert actions.table.item(0, 1).foreground().color() == QColor("red")
    assert "うち期限切れ 1 件" in actions.count_label.text()
    actions.overdue_only.setChecked(True)
    assert actions.table.rowCount() == 1
    actions.table.selectRow(0)
    messages.set_next_texts(None)  # cancelled: nothing changes
    actions.buttons["完了にする…"].click()
    assert actions.table.rowCount() == 1
    messages.set_next_texts("訪問して本人と話せた")
    actions.buttons["完了にする…"].click()
    assert "結果をひとこと入力してください" in messages.shown[-1]
    assert actions.table.rowCount() == 0
    done = db.meetings.actions_for_case(case_id)[0]
    assert (done.status, done.result, done.done_on) == (ActionStatus.DONE, "訪問して本人と話せた", TODAY)


@pytest.mark.usefixtures("quiet_messages")
def test_a_case_without_consent_is_refused_on_a_jusou_meeting(qtbot: QtBot, office: Session) -> None:
    db = office.db
    _case(db, "鈴木 一郎", ConsentState.PENDING)
    section = _section(qtbot, office)

    def jusou(dialog: QWidget) -> None:
        assert isinstance(dialog, NewMeetingDialog)
        dialog.type.setCurrentIndex(dialog.type.findData(MeetingType.JUSOU.value))
        assert "本人同意" in dialog.note.text()
        dialog.purpose.setFocus()
        type_text(qtbot, dialog.purpose, "プランの評価")
        _ok(dialog.buttons)

    errors = when_modal(jusou)
    section.overview.buttons["新しい会議…"].click()
    assert not errors
    widget = section.currentWidget()
    assert isinstance(widget, MeetingWidget)
    assert widget.meeting.type is MeetingType.JUSOU
    assert not widget.notice.isVisible()

    def refused(dialog: QWidget) -> None:
        assert isinstance(dialog, AddCaseDialog)
        dialog.search.setFocus()
        type_text(qtbot, dialog.search, "鈴木")
        assert dialog.table.rowCount() == 1
        assert "支援会議で検討してください" in dialog.hint.text()  # said before trying
        _ok(dialog.buttons)
        assert dialog.isVisible()  # the refusal keeps the dialog open to choose another case
        dialog.reject()

    errors = when_modal(refused)
    widget.agenda_buttons["ケースを追加…"].click()
    assert not errors
    assert "守秘義務のかかる支援会議で検討してください" in messages.shown[-1]
    assert "確認中" in messages.shown[-1]
    assert db.meetings.get(widget.meeting_id).agenda == ()


@pytest.mark.usefixtures("quiet_messages")
def test_attendee_list_pdf_goes_where_chosen(qtbot: QtBot, office: Session, tmp_path: Path) -> None:
    db = office.db
    case_id = _case(db, "山田 花子", ConsentState.REFUSED)
    meeting_id = db.meetings.create(
        Meeting(MeetingType.SUPPORT, Holding.AD_HOC, TODAY, place="役場 第1会議室")
    )
    db.meetings.add_case(meeting_id, case_id, Reason.SHARING)
    db.meetings.invite(meeting_id, Attendee("民生 委員子", "民生委員", AttendeeKind.NON_OFFICIAL))
    section = _section(qtbot, office)
    widget = section.open_meeting(meeting_id)
    assert widget is not None
    target = tmp_path / "出力" / "名簿.pdf"
    target.parent.mkdir()
    messages.set_next_save_paths(target)
    messages.set_next_answers(False)  # do not open it
    widget.buttons["出席者名簿をPDFに…"].click()
    qtbot.waitUntil(lambda: any("PDFを保存しました" in t for t in messages.shown), timeout=15_000)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    for part in ("出席者名簿", "守秘義務", "民生 委員子"):
        assert part in text
    assert sorted(p.name for p in target.parent.iterdir()) == ["名簿.pdf"]


@pytest.mark.usefixtures("quiet_messages")
def test_regular_series_fill_the_calendar(qtbot: QtBot, office: Session) -> None:
    section = _section(qtbot, office)

    def second_tuesday(dialog: QWidget) -> None:
        assert isinstance(dialog, SeriesDialog)
        assert dialog.preview.text().startswith("毎月第2火曜日 14:00〜15:30")
        dialog.skip.setFocus()
        type_text(qtbot, dialog.skip, "8")
        assert "8月は休会" in dialog.preview.text()
        _ok(dialog.buttons)

    errors = when_modal(second_tuesday)
    section.overview.buttons["定例の予定…"].click()
    assert not errors
    assert "回の会議を予定に入れました" in messages.shown[-1]
    rows = office.db.meetings.rows(TODAY, dt.date(2025, 3, 31))
    assert rows
    assert all(r.on.weekday() == 1 and r.holding is Holding.REGULAR for r in rows)
    assert dt.date(2024, 8, 13) not in {r.on for r in rows}
    assert f"{len(rows)} 回" in messages.shown[-1]
    calendar = section.overview.calendar
    assert calendar.dateTextFormat(QDate(2024, 6, 11)).fontWeight() == 700  # a meeting day, in bold
    assert calendar.dateTextFormat(QDate(2024, 6, 12)).fontWeight() != 700
    calendar.setCurrentPage(2024, 7)  # the next month is marked when shown
    assert calendar.dateTextFormat(QDate(2024, 7, 9)).fontWeight() == 700
    assert section.overview.upcoming.rowCount() == min(len(rows), 20)
    assert section.overview.upcoming.item(0, 0).text() == "令和6年6月11日（火）"


@pytest.mark.usefixtures("quiet_messages")
def test_a_mandatory_timing_goes_on_a_planned_meeting_and_typed_minutes_are_kept(
    qtbot: QtBot, office: Session
) -> None:
    db = office.db
    case_id = _case(db, "鈴木 一郎", ConsentState.GIVEN)
    db.meetings.raise_need(case_id, Reason.EVALUATION, since=dt.date(2024, 5, 28), source="プラン第1版")
    planned = db.meetings.create(Meeting(MeetingType.JUSOU, Holding.REGULAR, dt.date(2024, 6, 11)))
    section = _section(qtbot, office)
    needs = section.overview.needs
    assert [needs.item(0, c).text() for c in range(3)] == ["2024-0001", "鈴木 一郎", "プラン策定後の評価"]

    def existing(dialog: QWidget) -> None:
        assert isinstance(dialog, PlaceDialog)
        assert dialog.existing.isChecked()
        assert not dialog.date.isEnabled()
        dialog.table.selectRow(0)
        _ok(dialog.buttons)

    needs.selectRow(0)
    errors = when_modal(existing)
    section.overview.need_buttons["会議に組み込む…"].click()
    assert not errors
    widget = section.currentWidget()
    assert isinstance(widget, MeetingWidget)
    assert widget.meeting_id == planned
    assert [(i.case_id, i.reason) for i in widget.meeting.agenda] == [(case_id, Reason.EVALUATION)]
    assert needs.rowCount() == 1  # met only once the meeting is held

    widget.tabs.setCurrentIndex(3)
    widget.decisions.setPlainText("再プランに向けて本人と面談する。")
    widget.place.setText("役場 第2会議室")
    _invite(qtbot, widget, AttendeeKind.NON_OFFICIAL, "大家 さん", "大家")  # a refresh keeps what was typed
    assert widget.decisions.toPlainText() == "再プランに向けて本人と面談する。"
    messages.set_next_answers(True)  # 保存する
    assert section.close_tab(section.indexOf(widget))
    assert "保存されていない変更があります" in messages.shown[-1]
    saved = db.meetings.get(planned)
    assert saved.place == "役場 第2会議室"
    assert saved.agenda[0].decisions == "再プランに向けて本人と面談する。"
    assert section.widgets() == []


@pytest.mark.usefixtures("quiet_messages")
def test_team_invitation_removal_and_cancelling(qtbot: QtBot, office: Session) -> None:
    db = office.db
    houkatsu = db.agencies.find_by_name("つむぎ町地域包括支援センター")
    assert houkatsu is not None
    assert houkatsu.id is not None
    [staff] = db.staff.list(houkatsu.id)
    case_id = _case(db, "山田 花子", ConsentState.REFUSED)
    db.cases.set_team(case_id, [TeamMember(houkatsu.id, staff.id, True, "主担当")])
    meeting_id = db.meetings.create(Meeting(MeetingType.SUPPORT, Holding.AD_HOC, dt.date(2024, 6, 7)))
    db.meetings.add_case(meeting_id, case_id, Reason.URGENT)
    section = _section(qtbot, office)
    widget = section.open_meeting(meeting_id)
    assert widget is not None
    assert section.open_meeting(meeting_id) is widget  # opened once

    widget.attendee_buttons["チームを招待"].click()
    assert "1 人を招待しました" in messages.shown[-1]
    assert widget.attendees.item(0, 0).text() == "相談 一郎"
    widget.attendee_buttons["チームを招待"].click()
    assert "すでに招待されています" in messages.shown[-1]
    widget.select_attendee("相談 一郎")
    messages.set_next_answers(True)
    widget.attendee_buttons["外す"].click()
    assert widget.attendees.rowCount() == 0

    widget.agenda.selectRow(0)
    messages.set_next_answers(True)
    widget.agenda_buttons["外す"].click()
    assert db.meetings.get(meeting_id).agenda == ()

    messages.set_next_texts("台風接近のため")
    widget.buttons["中止…"].click()
    assert widget.meeting.state is MeetingState.CANCELLED
    assert not widget.buttons["開催済にする"].isEnabled()
    assert not widget.buttons["記録を保存"].isEnabled()
    assert section.overview.upcoming.rowCount() == 0
    fmt = section.overview.calendar.dateTextFormat(QDate(2024, 6, 7))
    assert fmt.fontStrikeOut()


@pytest.mark.usefixtures("quiet_messages")
def test_one_agencys_open_actions_print_for_handing_over(
    qtbot: QtBot, office: Session, tmp_path: Path
) -> None:
    db = office.db
    case_id = _case(db, "山田 花子", ConsentState.REFUSED)
    meeting_id = db.meetings.create(Meeting(MeetingType.SUPPORT, Holding.AD_HOC, TODAY))
    db.meetings.add_case(meeting_id, case_id, Reason.SHARING)
    houkatsu = db.agencies.find_by_name("つむぎ町地域包括支援センター")
    assert houkatsu is not None
    who = db.meetings.invite(meeting_id, Attendee("相談 一郎", houkatsu.name, agency_id=houkatsu.id))
    db.meetings.add_action(meeting_id, case_id, Action(who, "相談 一郎", "週に一度電話する", due_on=TODAY))
    section = _section(qtbot, office)
    page = section.action_list
    page.agency.setCurrentIndex(page.agency.findData(houkatsu.id))
    assert page.table.rowCount() == 1
    target = tmp_path / "包括あて.pdf"
    messages.set_next_save_paths(target)
    messages.set_next_answers(False)
    page.buttons["一覧を印刷…"].click()
    qtbot.waitUntil(target.exists, timeout=15_000)
    text = subprocess.run(
        ["pdftotext", "-raw", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "週に一度電話する" in text
    assert "つむぎ町地域包括支援センター" in text
    assert "山田" not in text


@pytest.mark.usefixtures("quiet_messages")
def test_an_action_can_be_corrected_and_removed(qtbot: QtBot, office: Session) -> None:
    db = office.db
    case_id = _case(db, "山田 花子", ConsentState.REFUSED)
    meeting_id = db.meetings.create(Meeting(MeetingType.SUPPORT, Holding.AD_HOC, TODAY))
    db.meetings.add_case(meeting_id, case_id, Reason.SHARING)
    who = db.meetings.invite(meeting_id, Attendee("相談 一郎", "地域包括支援センター"))
    db.meetings.add_action(meeting_id, case_id, Action(who, "相談 一郎", "電話する", due_on=TODAY))
    widget = _section(qtbot, office).open_meeting(meeting_id)
    assert widget is not None
    widget.action_table.selectRow(0)
    messages.set_next_texts("週に一度電話して様子を聞く")
    widget.buttons["内容を直す…"].click()
    [item] = db.meetings.get(meeting_id).agenda
    assert [a.what for a in item.actions] == ["週に一度電話して様子を聞く"]
    widget.action_table.selectRow(0)
    messages.set_next_answers(True)
    widget.buttons["役割を削除"].click()
    [item] = db.meetings.get(meeting_id).agenda
    assert item.actions == ()
