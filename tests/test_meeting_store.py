"""Meetings in the store: consent and agenda rules, pledges, 行動連携, requests, needs, series, minutes."""

from __future__ import annotations

import datetime as dt

import pytest

from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId
from jusou_desktop.domain.meetings import (
    DEFAULT_DISPLAY_NAMES,
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
from jusou_desktop.domain.schedule import HolidayRule, RegularSchedule
from jusou_desktop.domain.wareki import fiscal_year_bounds
from jusou_desktop.store.database import Database
from jusou_desktop.store.meetings import DEFAULT_GROUND_RULES

DAY = dt.date(2024, 6, 11)
TODAY = dt.date(2024, 7, 1)


def _case(db: Database, name: str = "山田 花子", *, consent: bool = True, tax: bool = False) -> CaseId:
    case_id = db.cases.create(Person(name=name), opened_on=dt.date(2024, 4, 5))
    if consent:
        db.cases.record_consent(
            case_id, Consent(state=ConsentState.GIVEN, recorded_on=dt.date(2024, 4, 5), covers_tax_info=tax)
        )
    return case_id


def _meeting(
    db: Database, kind: MeetingType = MeetingType.JUSOU, holding: Holding = Holding.AD_HOC, on: dt.date = DAY
) -> int:
    return db.meetings.create(Meeting(type=kind, holding=holding, on=on, purpose="役割分担"))


def _request(db: Database, case_id: CaseId) -> int:
    with db.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO meeting_requests (case_id, purpose, requested_on, created_at) VALUES (?, ?, ?, ?)",
            (case_id, "支援会議を開催", "2024-05-20", "2024-05-20T10:00:00"),
        )
        return int(cur.lastrowid or 0)


def _request_state(db: Database, request_id: int) -> str:
    return next(r.state for r in db.meeting_requests._select("WHERE m.id = ?", request_id))


def _ready(
    db: Database, kind: MeetingType = MeetingType.JUSOU, *, reason: Reason = Reason.SHARING
) -> tuple[int, CaseId, int]:
    """A meeting with one case and one present attendee who has an action: ready to hold."""
    case_id = _case(db)
    meeting_id = _meeting(db, kind)
    db.meetings.add_case(meeting_id, case_id, reason)
    attendee_id = db.meetings.invite(meeting_id, Attendee("相談員 一", "地域包括支援センター"))
    db.meetings.set_attendance(attendee_id, True)
    db.meetings.record_pledge(attendee_id, DAY, "署名")
    db.meetings.add_action(meeting_id, case_id, Action(attendee_id, "", "家庭訪問", dt.date(2024, 6, 30)))
    return meeting_id, case_id, attendee_id


# ---- settings ---------------------------------------------------------------------------------------


def test_settings_have_defaults_and_keep_the_towns_choice(db: Database) -> None:
    assert db.meetings.display_name(MeetingType.JUSOU) == DEFAULT_DISPLAY_NAMES[MeetingType.JUSOU]
    db.meetings.set_display_name(MeetingType.JUSOU, " さかまる会議 ")
    assert db.meetings.display_name(MeetingType.JUSOU) == "さかまる会議"
    assert db.meetings.get(_meeting(db)).title == "さかまる会議"
    with pytest.raises(ValidationError):
        db.meetings.set_display_name(MeetingType.SUPPORT, "  ")

    assert db.meetings.agenda_limit() == 3
    for bad in (0, 11):
        with pytest.raises(ValidationError):
            db.meetings.set_agenda_limit(bad)

    rules = db.meetings.ground_rules()
    assert rules == DEFAULT_GROUND_RULES
    assert "第十一条" in rules
    assert "第十二条" not in rules
    assert all(word in rules for word in ("目的", "到達点", "しんどさ", "守秘義務", "役割", "時間どおり"))
    db.meetings.set_ground_rules("一、時間を守る。")
    assert db.meetings.ground_rules() == "一、時間を守る。"
    db.meetings.set_ground_rules("")
    assert db.meetings.ground_rules() == DEFAULT_GROUND_RULES


# ---- agenda rules -----------------------------------------------------------------------------------


def test_a_case_without_consent_goes_to_a_support_meeting_only(db: Database) -> None:
    case_id = _case(db, consent=False)
    jusou = _meeting(db, MeetingType.JUSOU)
    with pytest.raises(RuleViolation, match="支援会議で検討"):
        db.meetings.add_case(jusou, case_id, Reason.SHARING)
    assert db.meetings.get(jusou).agenda == ()
    support = _meeting(db, MeetingType.SUPPORT)
    db.meetings.add_case(support, case_id, Reason.SHARING)
    item = db.meetings.get(support).agenda[0]
    assert item.consent is ConsentState.PENDING
    assert item.case_name == "山田 花子"
    with pytest.raises(RuleViolation, match="すでに"):
        db.meetings.add_case(support, case_id, Reason.URGENT)


def test_regular_meetings_take_three_cases_unless_the_town_says_otherwise(db: Database) -> None:
    cases = [_case(db, f"住民 {n}") for n in range(5)]
    regular = _meeting(db, holding=Holding.REGULAR)
    for case_id in cases[:3]:
        db.meetings.add_case(regular, case_id, Reason.SHARING)
    with pytest.raises(RuleViolation, match="3 件まで"):
        db.meetings.add_case(regular, cases[3], Reason.SHARING)
    ad_hoc = _meeting(db, holding=Holding.AD_HOC)
    for case_id in cases:
        db.meetings.add_case(ad_hoc, case_id, Reason.SHARING)
    assert len(db.meetings.get(ad_hoc).agenda) == 5
    with pytest.raises(RuleViolation):
        db.meetings.update_basics(ad_hoc, holding=Holding.REGULAR)
    db.meetings.set_agenda_limit(4)
    db.meetings.add_case(regular, cases[3], Reason.SHARING)
    assert [row.case_count for row in db.meetings.rows(DAY, DAY)] == [4, 5]


def test_mandatory_reasons_only_on_a_jusou_meeting(db: Database) -> None:
    case_id = _case(db)
    support = _meeting(db, MeetingType.SUPPORT)
    with pytest.raises(RuleViolation, match="重層的支援会議で行う"):
        db.meetings.add_case(support, case_id, Reason.REPLAN)
    db.meetings.add_case(_meeting(db, MeetingType.JUSOU), case_id, Reason.REPLAN)


# ---- holding --------------------------------------------------------------------------------------


def test_a_support_meeting_needs_every_pledge_a_jusou_meeting_none(db: Database) -> None:
    case_id = _case(db)
    support = _meeting(db, MeetingType.SUPPORT)
    db.meetings.add_case(support, case_id, Reason.SHARING)
    first = db.meetings.invite(support, Attendee("相談員 一", "地域包括支援センター"))
    second = db.meetings.invite(support, Attendee("民生 委員", kind=AttendeeKind.NON_OFFICIAL))
    absent = db.meetings.invite(support, Attendee("欠席 太郎"))
    for attendee_id in (first, second):
        db.meetings.set_attendance(attendee_id, True)
        db.meetings.add_action(support, case_id, Action(attendee_id, "", "見守り"))
    db.meetings.set_attendance(absent, False)
    db.meetings.record_pledge(first, DAY, "署名")
    with pytest.raises(RuleViolation, match=r"未確認: 民生 委員$"):
        db.meetings.hold(support)
    with pytest.raises(ValidationError):
        db.meetings.record_pledge(second, DAY, " ")
    db.meetings.record_pledge(second, DAY, "口頭")
    db.meetings.hold(support)
    held = db.meetings.get(support)
    assert held.state is MeetingState.HELD
    assert [a.pledge_method for a in held.attendees] == ["署名", "口頭", ""]
    with pytest.raises(RuleViolation, match="開催済"):
        db.meetings.invite(support, Attendee("遅刻 者"))

    jusou = _meeting(db, MeetingType.JUSOU)
    db.meetings.add_case(jusou, case_id, Reason.SHARING)
    someone = db.meetings.invite(jusou, Attendee("相談員 二"))
    db.meetings.set_attendance(someone, True)
    db.meetings.add_action(jusou, case_id, Action(someone, "", "受診同行"))
    db.meetings.hold(jusou)


def test_every_attendee_leaves_with_an_action(db: Database) -> None:
    meeting_id, case_id, _ = _ready(db)
    other = db.meetings.invite(meeting_id, Attendee("保健師 二", "健康づくり課"))
    db.meetings.set_attendance(other, True)
    with pytest.raises(RuleViolation, match="保健師 二（健康づくり課）"):
        db.meetings.hold(meeting_id)
    elsewhere = _meeting(db)
    db.meetings.add_case(elsewhere, case_id, Reason.SHARING)
    with pytest.raises(RuleViolation, match="出席者から"):
        db.meetings.add_action(elsewhere, case_id, Action(other, "保健師 二", "訪問"))
    action_id = db.meetings.add_action(meeting_id, case_id, Action(other, "", "健診の案内"))
    assert db.meetings.get_action(action_id).who == "保健師 二（健康づくり課）"
    with pytest.raises(RuleViolation, match="役割が 1 件"):
        db.meetings.remove_attendee(other)
    db.meetings.hold(meeting_id)


def test_holding_and_cancelling_move_the_meeting_requests(db: Database) -> None:
    case_id = _case(db)
    request_id = _request(db, case_id)
    other_request = _request(db, _case(db, "佐藤 次郎"))
    first = _meeting(db)
    with pytest.raises(RuleViolation, match="別のケース"):
        db.meetings.add_case(first, case_id, Reason.SHARING, request_id=other_request)
    db.meetings.add_case(first, case_id, Reason.SHARING, request_id=request_id)
    assert _request_state(db, request_id) == "開催予定"
    db.meetings.remove_case(first, case_id)
    assert _request_state(db, request_id) == "未定"
    db.meetings.add_case(first, case_id, Reason.SHARING, request_id=request_id)
    with pytest.raises(ValidationError):
        db.meetings.cancel(first, "  ")
    db.meetings.cancel(first, "台風のため")
    assert _request_state(db, request_id) == "未定"
    assert db.meetings.rows(DAY, DAY, states=(MeetingState.CANCELLED,))[0].cancel_reason == "台風のため"
    with pytest.raises(RuleViolation):
        db.meetings.hold(first)

    second = _meeting(db, on=dt.date(2024, 6, 18))
    db.meetings.add_case(second, case_id, Reason.SHARING, request_id=request_id)
    with pytest.raises(RuleViolation, match="開催予定"):
        db.meetings.add_case(_meeting(db), case_id, Reason.SHARING, request_id=request_id)
    attendee_id = db.meetings.invite(second, Attendee("相談員 一"))
    db.meetings.set_attendance(attendee_id, True)
    db.meetings.add_action(second, case_id, Action(attendee_id, "", "家庭訪問"))
    db.meetings.update_basics(second, place="第1会議室", start=dt.time(10, 0), end=dt.time(11, 0))
    with pytest.raises(ValidationError):
        db.meetings.update_basics(second, end=dt.time(9, 0))
    db.meetings.hold(second)
    assert _request_state(db, request_id) == "開催済"
    assert _request_state(db, other_request) == "未定"
    with pytest.raises(RuleViolation, match="開催済"):
        db.meetings.update_basics(second, place="別室")
    held = db.meetings.rows(states=(MeetingState.HELD,))
    assert [(r.id, r.place, r.start, r.attendee_count) for r in held] == [
        (second, "第1会議室", dt.time(10, 0), 1)
    ]
    assert [m.on for m in db.meetings.upcoming(DAY)] == [DAY]


# ---- needs ------------------------------------------------------------------------------------------


def test_a_need_clears_only_after_a_held_jusou_meeting_with_that_reason(db: Database) -> None:
    case_id = _case(db)
    since = dt.date(2024, 6, 1)
    with pytest.raises(RuleViolation):
        db.meetings.raise_need(case_id, Reason.SHARING, since=since)
    need_id = db.meetings.raise_need(case_id, Reason.REPLAN, since=since, source="プラン第2版を作成")
    assert [(n.id, n.reason, n.source) for n in db.meetings.open_needs(case_id)] == [
        (need_id, Reason.REPLAN, "プラン第2版を作成")
    ]

    def held(kind: MeetingType, reason: Reason, on: dt.date) -> None:
        meeting_id = _meeting(db, kind, on=on)
        db.meetings.add_case(meeting_id, case_id, reason)
        attendee_id = db.meetings.invite(meeting_id, Attendee("相談員"))
        db.meetings.set_attendance(attendee_id, True)
        db.meetings.record_pledge(attendee_id, on, "署名")
        db.meetings.add_action(meeting_id, case_id, Action(attendee_id, "", "連絡"))
        db.meetings.hold(meeting_id)

    held(MeetingType.JUSOU, Reason.REPLAN, dt.date(2024, 5, 31))  # before the need
    held(MeetingType.SUPPORT, Reason.SHARING, dt.date(2024, 6, 10))  # a 支援会議 never clears it
    held(MeetingType.JUSOU, Reason.EVALUATION, dt.date(2024, 6, 11))  # another reason
    assert len(db.meetings.open_needs()) == 1
    planned = _meeting(db, on=dt.date(2024, 6, 12))
    db.meetings.add_case(planned, case_id, Reason.REPLAN)
    assert len(db.meetings.open_needs(case_id)) == 1  # planned is not held
    held(MeetingType.JUSOU, Reason.REPLAN, since)
    assert db.meetings.open_needs(case_id) == []
    assert db.meetings.open_needs() == []


# ---- actions ----------------------------------------------------------------------------------------


def test_open_actions_overdue_first_overall_and_per_agency(db: Database) -> None:
    agency = AgencyId(db.agencies.add(Agency("つむぎ町地域包括支援センター", AgencyField.ELDERLY)))
    other = AgencyId(db.agencies.add(Agency("つむぎ町自立相談支援機関", AgencyField.POVERTY)))
    case_id = _case(db)
    meeting_id = _meeting(db)
    db.meetings.add_case(meeting_id, case_id, Reason.SHARING)
    a = db.meetings.invite(meeting_id, Attendee("包括 一", "包括", agency_id=agency))
    b = db.meetings.invite(meeting_id, Attendee("自立 二", "自立", agency_id=other))
    late = db.meetings.add_action(meeting_id, case_id, Action(a, "", "訪問", dt.date(2024, 6, 20)))
    soon = db.meetings.add_action(meeting_id, case_id, Action(b, "", "家計相談", dt.date(2024, 7, 10)))
    later = db.meetings.add_action(meeting_id, case_id, Action(a, "", "受診同行", dt.date(2024, 7, 5)))
    undated = db.meetings.add_action(meeting_id, case_id, Action(None, "民生委員", "見守り"))
    with pytest.raises(ValidationError):
        db.meetings.add_action(meeting_id, case_id, Action(None, " ", "見守り"))

    rows = db.meetings.open_actions(today=TODAY)
    assert [r.id for r in rows] == [late, later, soon, undated]
    assert [r.overdue for r in rows] == [True, False, False, False]
    assert rows[0].who_agency_name == "つむぎ町地域包括支援センター"
    assert rows[0].case_name == "山田 花子"
    assert [r.id for r in db.meetings.open_actions(today=TODAY, agency_id=agency)] == [late, later]
    assert [r.id for r in db.meetings.open_actions(today=TODAY, agency_id=other)] == [soon]

    db.meetings.set_status(later, ActionStatus.DOING)
    with pytest.raises(RuleViolation):
        db.meetings.set_status(later, ActionStatus.DONE)
    with pytest.raises(ValidationError, match="結果"):
        db.meetings.complete_action(late, on=TODAY, result=" ")
    with pytest.raises(ValidationError, match="見送る理由"):
        db.meetings.complete_action(soon, on=TODAY, result="", dropped=True)
    db.meetings.complete_action(late, on=TODAY, result="本人と面談できた")
    db.meetings.complete_action(soon, on=TODAY, result="本人が希望せず", dropped=True)
    with pytest.raises(RuleViolation, match="すでに"):
        db.meetings.complete_action(late, on=TODAY, result="再度")
    assert [r.id for r in db.meetings.open_actions(today=TODAY, agency_id=agency)] == [later]
    statuses = {r.id: (r.status, r.result) for r in db.meetings.actions_for_case(case_id)}
    assert statuses[late] == (ActionStatus.DONE, "本人と面談できた")
    assert statuses[soon] == (ActionStatus.DROPPED, "本人が希望せず")
    assert statuses[later][0] is ActionStatus.DOING

    db.meetings.update_action(Action(b, "", "受診同行（日程調整）", dt.date(2024, 7, 8), id=later))
    moved = db.meetings.get_action(later)
    assert (moved.who, moved.status) == ("自立 二（自立）", ActionStatus.DOING)
    assert [r.id for r in db.meetings.open_actions(today=TODAY, agency_id=other)] == [later]


def test_invite_team_adds_whoever_is_missing(db: Database) -> None:
    agency = AgencyId(db.agencies.add(Agency("つむぎ町地域包括支援センター", AgencyField.ELDERLY)))
    other = AgencyId(db.agencies.add(Agency("つむぎ町自立相談支援機関", AgencyField.POVERTY)))
    worker = db.staff.add(Staff("包括 一", agency_id=agency))
    case_id = _case(db)
    db.cases.set_team(case_id, [TeamMember(agency, worker, is_lead=True), TeamMember(other)])
    meeting_id = _meeting(db)
    assert len(db.meetings.invite_team(meeting_id, case_id)) == 2
    assert db.meetings.invite_team(meeting_id, case_id) == []
    labels = [a.label for a in db.meetings.get(meeting_id).attendees]
    assert labels == ["包括 一（つむぎ町地域包括支援センター）", "つむぎ町自立相談支援機関"]


# ---- series -----------------------------------------------------------------------------------------


def test_plan_series_over_a_fiscal_year_is_idempotent(db: Database) -> None:
    schedule = RegularSchedule(
        weekday=1,
        nth=2,
        every_months=1,
        first_month=4,
        start=dt.time(14, 0),
        end=dt.time(15, 30),
        holiday_rule=HolidayRule.SKIP,
        skip_months=frozenset({8}),
    )
    series_id = db.meetings.add_series(MeetingType.SUPPORT, "定例支援会議", schedule, place="保健センター")
    [series] = db.meetings.series()
    assert (series.id, series.schedule, series.place, series.active) == (
        series_id,
        schedule,
        "保健センター",
        True,
    )

    start, end = fiscal_year_bounds(2024)  # 令和6年度
    created = db.meetings.plan_series(series_id, start, end)
    # twelve second Tuesdays less August (休会) and 11 February 2025 (建国記念の日)
    assert len(created) == 10
    rows = db.meetings.rows(start, end)
    assert dt.date(2025, 2, 11) not in {r.on for r in rows}
    assert rows[0].on == dt.date(2024, 4, 9)
    assert {(r.holding, r.type, r.title, r.start, r.place) for r in rows} == {
        (Holding.REGULAR, MeetingType.SUPPORT, "支援会議", dt.time(14, 0), "保健センター")
    }
    db.meetings.cancel(created[0], "研修と重なった")
    assert db.meetings.plan_series(series_id, start, end) == []
    assert len(db.meetings.rows(start, end)) == 10


# ---- minutes ----------------------------------------------------------------------------------------


def test_minutes_and_resource_gaps_round_trip(db: Database) -> None:
    meeting_id, case_id, _ = _ready(db)
    db.meetings.save_minutes(
        meeting_id,
        case_id,
        shared_view="長男のひきこもりが家計に影響",
        decisions="家計相談につなぐ",
        strain="担当者が一人で抱えている",
        small_changes="本人が玄関まで出てきた",
        resource_gaps=["夜間に話せる居場所", " ", "移動支援"],
        next_meeting_on=dt.date(2024, 7, 9),
    )
    db.meetings.save_minutes(
        meeting_id,
        case_id,
        shared_view="長男のひきこもりが家計に影響",
        decisions="家計相談につなぐ",
        strain="担当者が一人で抱えている",
        small_changes="本人が玄関まで出てきた",
        resource_gaps=["夜間に話せる居場所", "移動支援"],
        next_meeting_on=dt.date(2024, 7, 9),
    )
    item = db.meetings.get(meeting_id).agenda[0]
    assert (item.shared_view, item.strain, item.small_changes, item.next_meeting_on) == (
        "長男のひきこもりが家計に影響",
        "担当者が一人で抱えている",
        "本人が玄関まで出てきた",
        dt.date(2024, 7, 9),
    )
    assert item.resource_gaps == ("夜間に話せる居場所", "移動支援")
    assert [a.what for a in item.actions] == ["家庭訪問"]
    gaps = db.meetings.resource_gaps(dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert [(g.noted_on, g.meeting_title, g.text) for g in gaps] == [
        (DAY, "重層的支援会議", "夜間に話せる居場所"),
        (DAY, "重層的支援会議", "移動支援"),
    ]
    assert gaps[0].case_number == db.cases.get(case_id).number
    assert db.meetings.resource_gaps(dt.date(2024, 7, 1)) == []


def test_get_reads_tax_coverage_from_the_current_consent(db: Database) -> None:
    case_id = _case(db, tax=True)
    meeting_id = _meeting(db)
    db.meetings.add_case(meeting_id, case_id, Reason.SHARING)
    item = db.meetings.get(meeting_id).agenda[0]
    assert (item.consent, item.covers_tax) == (ConsentState.GIVEN, True)
    db.cases.record_consent(
        case_id, Consent(state=ConsentState.GIVEN, recorded_on=dt.date(2024, 6, 1), covers_tax_info=False)
    )
    assert db.meetings.get(meeting_id).agenda[0].covers_tax is False
    db.cases.record_consent(case_id, Consent(state=ConsentState.REFUSED, recorded_on=dt.date(2024, 6, 5)))
    assert db.meetings.get(meeting_id).agenda[0].consent is ConsentState.REFUSED
