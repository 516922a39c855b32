"""Conference rules in plain Python: consent, agenda size, pledges, 行動連携, tax, mandatory timings."""

from __future__ import annotations

import datetime as dt

import pytest

from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.meetings import (
    MANDATORY_REASONS,
    Action,
    ActionStatus,
    AgendaItem,
    Attendee,
    AttendeeKind,
    HeldItem,
    Holding,
    Meeting,
    MeetingNeed,
    MeetingType,
    Reason,
    attendees_without_action,
    check_agenda_size,
    check_can_hold,
    check_case_fits,
    check_reason,
    complete,
    missing_pledges,
    need_after_transition,
    open_needs,
    tax_info_allowed,
    validate_action,
)
from jusou_desktop.domain.model import CaseStatus, ConsentState

DAY = dt.date(2024, 5, 14)
CASE = CaseId(1)


@pytest.mark.parametrize("consent", [ConsentState.REFUSED, ConsentState.PENDING])
def test_no_consent_no_jusou_meeting_and_the_refusal_offers_a_support_meeting(consent: ConsentState) -> None:
    with pytest.raises(RuleViolation, match="支援会議で検討してください"):
        check_case_fits(MeetingType.JUSOU, consent)
    check_case_fits(MeetingType.SUPPORT, consent)
    check_case_fits(MeetingType.INTERNAL, consent)


def test_consent_allows_a_jusou_meeting() -> None:
    check_case_fits(MeetingType.JUSOU, ConsentState.GIVEN)


def test_regular_meetings_take_a_limited_number_of_cases() -> None:
    check_agenda_size(Holding.REGULAR, 3)
    with pytest.raises(RuleViolation, match="3 件まで"):
        check_agenda_size(Holding.REGULAR, 4)
    check_agenda_size(Holding.REGULAR, 5, limit=5)
    check_agenda_size(Holding.AD_HOC, 12)


@pytest.mark.parametrize("reason", MANDATORY_REASONS)
def test_mandatory_reasons_belong_to_a_jusou_meeting(reason: Reason) -> None:
    check_reason(MeetingType.JUSOU, reason)
    with pytest.raises(RuleViolation, match="重層的支援会議で行う"):
        check_reason(MeetingType.SUPPORT, reason)
    check_reason(MeetingType.SUPPORT, Reason.SHARING)


def _people() -> tuple[Attendee, Attendee, Attendee]:
    coordinator = Attendee("推進員 一", "多機関協働事業所", AttendeeKind.STAFF, attended=True, id=1)
    minsei = Attendee("民生委員 二", "川端地区", AttendeeKind.NON_OFFICIAL, attended=True, id=2)
    absent = Attendee("包括 三", "地域包括支援センター", attended=False, id=3)
    return coordinator, minsei, absent


def _meeting(
    meeting_type: MeetingType, attendees: tuple[Attendee, ...], actions: tuple[Action, ...]
) -> Meeting:
    item = AgendaItem(CASE, Reason.SHARING, consent=ConsentState.REFUSED, actions=actions)
    return Meeting(meeting_type, Holding.AD_HOC, DAY, agenda=(item,), attendees=attendees)


def test_a_support_meeting_is_held_only_with_every_pledge() -> None:
    coordinator, minsei, absent = _people()
    actions = (
        Action(1, coordinator.name, "家計の相談に同行する"),
        Action(2, minsei.name, "週に一度声をかける"),
    )
    meeting = _meeting(MeetingType.SUPPORT, (coordinator, minsei, absent), actions)
    assert [a.name for a in missing_pledges(meeting.type, meeting.attendees)] == ["推進員 一", "民生委員 二"]
    with pytest.raises(
        RuleViolation, match="守秘義務の確認が必要です。未確認: 推進員 一（多機関協働事業所）、民生委員 二"
    ):
        check_can_hold(meeting)
    pledged = tuple(
        Attendee(
            a.name, a.affiliation, a.kind, attended=a.attended, pledge_on=DAY, pledge_method="署名", id=a.id
        )
        for a in (coordinator, minsei)
    )
    check_can_hold(_meeting(MeetingType.SUPPORT, (*pledged, absent), actions))  # the absent need no pledge


def test_everyone_leaves_with_a_role() -> None:
    coordinator, minsei, absent = _people()
    actions = (Action(1, coordinator.name, "家計の相談に同行する"),)
    assert attendees_without_action((coordinator, minsei, absent), actions) == [minsei]
    meeting = _meeting(MeetingType.INTERNAL, (coordinator, minsei, absent), actions)
    with pytest.raises(RuleViolation, match="まだ役割のない人: 民生委員 二"):
        check_can_hold(meeting)


def test_a_meeting_needs_cases_and_recorded_attendance() -> None:
    coordinator, _, _ = _people()
    with pytest.raises(RuleViolation, match="検討するケース"):
        check_can_hold(Meeting(MeetingType.INTERNAL, Holding.AD_HOC, DAY, attendees=(coordinator,)))
    unknown = Attendee("未定 四", attended=None, id=4)
    with pytest.raises(RuleViolation, match="出欠が記録されていない人がいます: 未定 四"):
        check_can_hold(_meeting(MeetingType.INTERNAL, (coordinator, unknown), (Action(1, "推進員 一", "x"),)))


def test_a_jusou_meeting_refuses_a_case_without_consent_when_held() -> None:
    coordinator, _, _ = _people()
    meeting = _meeting(MeetingType.JUSOU, (coordinator,), (Action(1, coordinator.name, "x"),))
    with pytest.raises(RuleViolation, match="重層的支援会議には挙げられません"):
        check_can_hold(meeting)


@pytest.mark.parametrize(
    ("consent", "covers", "allowed"),
    [
        (ConsentState.GIVEN, True, True),
        (ConsentState.GIVEN, False, False),
        (ConsentState.REFUSED, True, False),
        (ConsentState.PENDING, False, False),
    ],
)
def test_tax_information_needs_consent_that_covers_it(
    consent: ConsentState, covers: bool, allowed: bool
) -> None:
    assert tax_info_allowed(consent, covers) is allowed


def test_actions_need_who_and_what_and_close_with_a_result() -> None:
    with pytest.raises(ValidationError, match="役割を担う人"):
        validate_action(Action(None, " ", "訪問"))
    with pytest.raises(ValidationError, match="何をするか"):
        validate_action(Action(1, "推進員", ""))
    action = Action(1, "推進員", "訪問する", due_on=DAY)
    assert action.overdue(DAY + dt.timedelta(days=1))
    assert not action.overdue(DAY)
    with pytest.raises(ValidationError, match="結果"):
        complete(action, on=DAY, result="")
    with pytest.raises(ValidationError, match="見送る理由"):
        complete(action, on=DAY, result=" ", dropped=True)
    done = complete(action, on=DAY, result="訪問した。次回は来月。")
    assert (done.status, done.done_on) == (ActionStatus.DONE, DAY)
    assert not done.overdue(DAY + dt.timedelta(days=30))
    with pytest.raises(RuleViolation, match="すでに「完了」"):
        complete(done, on=DAY, result="again")
    assert complete(action, on=DAY, result="本人が入院したため", dropped=True).status is ActionStatus.DROPPED


def test_mandatory_timings_stay_open_until_a_jusou_meeting_with_that_reason() -> None:
    need = MeetingNeed(CASE, Reason.EVALUATION, since=DAY, source="プランを作成")
    other_case = HeldItem(CaseId(2), Reason.EVALUATION, MeetingType.JUSOU, DAY)
    support = HeldItem(CASE, Reason.EVALUATION, MeetingType.SUPPORT, DAY)
    earlier = HeldItem(CASE, Reason.EVALUATION, MeetingType.JUSOU, DAY - dt.timedelta(days=1))
    wrong_reason = HeldItem(CASE, Reason.REPLAN, MeetingType.JUSOU, DAY)
    assert open_needs([need], [other_case, support, earlier, wrong_reason]) == [need]
    assert open_needs([need], [HeldItem(CASE, Reason.EVALUATION, MeetingType.JUSOU, DAY)]) == []


def test_status_moves_open_the_mandatory_timings() -> None:
    given = ConsentState.GIVEN
    assert need_after_transition(CaseStatus.PLANNING, CaseStatus.SUPPORTING, given) is Reason.EVALUATION
    assert need_after_transition(CaseStatus.MONITORING, CaseStatus.PLANNING, given) is Reason.REPLAN
    assert need_after_transition(CaseStatus.RECEIVED, CaseStatus.ASSESSMENT, given) is None
    assert need_after_transition(CaseStatus.PLANNING, CaseStatus.SUPPORTING, ConsentState.REFUSED) is None
