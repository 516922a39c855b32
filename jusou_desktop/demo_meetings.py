"""Demo conferences for the fictional town: a monthly 重層的支援会議 series and 随時 支援会議,
held and planned, with 行動連携 actions in every state, pledges, minutes and resource gaps.

Built through the public repositories after the cases and referrals exist, so every rule (consent,
pledges, a role for everyone) holds in the demo as in the office.  All people are fictional.
"""

from __future__ import annotations

import datetime as dt
import random

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.meetings import (
    Action,
    ActionStatus,
    Attendee,
    AttendeeKind,
    Holding,
    Meeting,
    MeetingType,
    Reason,
)
from jusou_desktop.domain.model import CaseRow, CaseStatus, ConsentState
from jusou_desktop.domain.schedule import HolidayRule, RegularSchedule
from jusou_desktop.store.database import Database

_SHARED = (
    "本人は今の家で暮らし続けたいと話している。家族の負担が大きく、家計も厳しい。",
    "世帯の中で支え手が一人に集中している。外とのつながりが少ない。",
)
_DECISIONS = (
    "包括が月に一度訪問し、困窮の窓口が家計の見直しを手伝う。民生委員は見守りを続ける。",
    "次回までに本人の希望を改めて聞き取り、参加支援の候補を二つ用意する。",
)
_STRAIN = (
    "担当者が一人で抱え込みがちだったが、役割が分かれて少し楽になった。",
    "夜間の電話が続いて疲れている。対応の順番を決めた。",
)
_CHANGES = ("本人が自分から電話をくれた。", "家族が初めて相談の場に来た。")
_GAPS = ("夕方に寄れる居場所があれば", "通院に付き添える移動支援があれば", "短時間から働ける場があれば")
_WHAT = (
    "自宅を訪問し、本人の希望を聞く",
    "家計の見直しを一緒に行う",
    "見守りの声かけを週に一度続ける",
    "受診に同行する",
    "参加支援の候補先に見学を申し込む",
    "次回の会議までに経過をまとめる",
)
_STATUS_CYCLE = (ActionStatus.DONE, ActionStatus.DOING, ActionStatus.TODO, ActionStatus.DROPPED)


def _attendees(db: Database, case_id: CaseId, rng: random.Random, *, minsei: bool) -> list[Attendee]:
    people = []
    for member in db.cases.team(case_id)[:3]:
        agency = db.agencies.get(member.agency_id)
        staff = db.staff.get(member.staff_id) if member.staff_id is not None else None
        people.append(
            Attendee(
                staff.name if staff else f"{agency.name}の担当者",
                agency.name,
                AttendeeKind.AGENCY,
                agency_id=agency.id,
                staff_id=staff.id if staff else None,
            )
        )
    if minsei:
        people.append(
            Attendee(
                rng.choice(("民生委員 田村 和子", "民生委員 大西 勇")),
                "地区民生委員",
                AttendeeKind.NON_OFFICIAL,
            )
        )
    return people


def _run_meeting(
    db: Database,
    rng: random.Random,
    meeting_id: int,
    items: list[tuple[CaseRow, Reason]],
    *,
    hold: bool,
    today: dt.date,
    statuses: list[ActionStatus],
) -> None:
    meeting = db.meetings.get(meeting_id)
    for case, reason in items:
        db.meetings.add_case(meeting_id, case.id, reason)
    invited: dict[str, int] = {}
    for case, _reason in items:
        for person in _attendees(db, case.id, rng, minsei=meeting.type is MeetingType.SUPPORT):
            if person.name not in invited:
                invited[person.name] = db.meetings.invite(meeting_id, person)
    if not hold:
        return
    for name, attendee_id in invited.items():
        db.meetings.set_attendance(attendee_id, True)
        if meeting.type is MeetingType.SUPPORT:
            db.meetings.record_pledge(attendee_id, meeting.on, "署名")
        del name
    names = list(invited)
    for index, (case, _reason) in enumerate(items):
        db.meetings.save_minutes(
            meeting_id,
            case.id,
            shared_view=rng.choice(_SHARED),
            decisions=rng.choice(_DECISIONS),
            strain=rng.choice(_STRAIN),
            small_changes=rng.choice(_CHANGES),
            resource_gaps=[rng.choice(_GAPS)] if index == 0 else [],
            next_meeting_on=meeting.on + dt.timedelta(days=28),
        )
        for who in names if index == 0 else names[:1]:
            due = meeting.on + dt.timedelta(days=rng.randint(7, 40))
            action_id = db.meetings.add_action(
                meeting_id, case.id, Action(invited[who], who, rng.choice(_WHAT), due_on=due)
            )
            status = statuses.pop(0) if statuses else ActionStatus.TODO
            done_on = min(today, due)
            if status is ActionStatus.DOING:
                db.meetings.set_status(action_id, ActionStatus.DOING)
            elif status is ActionStatus.DONE:
                db.meetings.complete_action(
                    action_id, on=done_on, result="予定どおり行った。本人の表情が明るかった。"
                )
            elif status is ActionStatus.DROPPED:
                db.meetings.complete_action(
                    action_id, on=done_on, result="本人が入院したため見送った", dropped=True
                )
    db.meetings.hold(meeting_id)


def add_meetings(db: Database, rng: random.Random, today: dt.date) -> int:
    """Add the demo meetings; returns how many."""
    cases = db.cases.rows(limit=10_000)
    by_id = {c.id: c for c in cases}
    with_consent = [
        c for c in cases if c.consent_state is ConsentState.GIVEN and c.status is not CaseStatus.RECEIVED
    ]
    without = [
        c for c in cases if c.consent_state is not ConsentState.GIVEN and c.status is not CaseStatus.RECEIVED
    ]
    statuses = list(_STATUS_CYCLE) * 6
    schedule = RegularSchedule(
        weekday=1,
        nth=2,
        every_months=1,
        first_month=4,
        start=dt.time(14, 0),
        end=dt.time(15, 30),
        holiday_rule=HolidayRule.NEXT_WORKDAY,
    )
    series_id = db.meetings.add_series(
        MeetingType.JUSOU,
        db.meetings.display_name(MeetingType.JUSOU),
        schedule,
        place="役場 2階 会議室",
        convenor="多機関協働事業所",
    )
    window_start = today - dt.timedelta(days=120)
    # The town started using the app at window_start: timings that fell due before then were
    # handled on paper, so they are not shown as open (the status history still shows them).
    for need in db.meetings.open_needs():
        if need.since < window_start and need.id is not None:
            db.meetings.remove_need(need.id)
    planned = db.meetings.plan_series(series_id, window_start, today + dt.timedelta(days=60))
    count = len(planned)
    reasons = [Reason.EVALUATION, Reason.REPLAN, Reason.SHARING, Reason.ENDING]
    for meeting_id in planned:
        meeting = db.meetings.get(meeting_id)
        past = meeting.on < today
        # The coordinator puts the cases that need this meeting first (oldest need first).
        # Decisions to end or suspend are taken first, then the oldest evaluations.
        due = sorted(
            (n for n in db.meetings.open_needs() if n.since <= meeting.on),
            key=lambda n: (n.reason not in (Reason.ENDING, Reason.SUSPENSION), n.since),
        )
        items: list[tuple[CaseRow, Reason]] = []
        for need in due:
            found = by_id.get(need.case_id)
            if found is None or found.consent_state is not ConsentState.GIVEN:
                continue
            if found not in [c for c, _ in items] and len(items) < db.meetings.agenda_limit():
                items.append((found, need.reason))
        if not items:
            picked = rng.sample(with_consent, min(2, len(with_consent)))
            items = [(case, reasons[(i + meeting_id) % len(reasons)]) for i, case in enumerate(picked)]
        if not items:
            continue
        if past:
            for case, reason in items:
                if reason in (Reason.EVALUATION, Reason.REPLAN, Reason.ENDING):
                    db.meetings.raise_need(
                        case.id, reason, since=meeting.on - dt.timedelta(days=10), source="デモ"
                    )
        _run_meeting(db, rng, meeting_id, items, hold=past, today=today, statuses=statuses)
    # A held 随時 支援会議 on a case without consent (the open request from a C票 answer is left
    # for the coordinator to plan, as the office would find it).
    if len(without) > 1:
        case = without[1]
        on = today - dt.timedelta(days=12)
        meeting_id = db.meetings.create(
            Meeting(
                MeetingType.SUPPORT,
                Holding.AD_HOC,
                on,
                title=db.meetings.display_name(MeetingType.SUPPORT),
                start=dt.time(10, 0),
                end=dt.time(11, 0),
                place="地域包括支援センター 相談室",
                convenor="福祉課",
                purpose="情報共有と役割分担",
                landing_point="それぞれの役割と次の一手を決める",
            )
        )
        count += 1
        _run_meeting(db, rng, meeting_id, [(case, Reason.SHARING)], hold=True, today=today, statuses=statuses)
    if without:
        upcoming = db.meetings.create(
            Meeting(
                MeetingType.SUPPORT,
                Holding.AD_HOC,
                today + dt.timedelta(days=5),
                title=db.meetings.display_name(MeetingType.SUPPORT),
                start=dt.time(13, 30),
                end=dt.time(14, 30),
                place="役場 1階 相談室",
                convenor="福祉課",
                purpose="心配な状況の共有",
                landing_point="見守りの分担を決める",
            )
        )
        _run_meeting(
            db, rng, upcoming, [(without[0], Reason.URGENT)], hold=False, today=today, statuses=statuses
        )
        count += 1
    return count
