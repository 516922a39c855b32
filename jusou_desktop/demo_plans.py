"""Demo support plans for the fictional town: every confirmation state, a re-plan, monitoring,
one 終結 and one 中断 — built through the public repositories so every rule holds.

Two phases around the demo meetings: :func:`draft_plans` writes and puts plans forward (which
raises the mandatory 重層的支援会議 needs the 定例 meetings then take up), and
:func:`settle_plans` records what those meetings and the town decided.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.meetings import MeetingState, MeetingType, Reason
from jusou_desktop.domain.model import CaseRow, CaseStatus, ConsentState
from jusou_desktop.domain.plans import (
    Attainment,
    ContactAttempt,
    Evaluation,
    GoalAttainment,
    GoalProgress,
    Monitoring,
    PlanState,
    PlanVersion,
    ProblemSupport,
    Role,
    Service,
    SupportDecision,
)
from jusou_desktop.store.database import Database

_GOALS = (
    "「家で母と一緒に暮らし続けたい」",
    "「週に一回は外に出たい」",
    "「借金の心配をしないで眠りたい」",
    "「自分にできる仕事を少しずつ見つけたい」",
    "「困ったときに相談できる人がほしい」",
)
_POLICY = "本人の思いを大切にしながら、世帯全体の暮らしを支える。役割を分けて、支援者が一人で抱え込まないようにする。"
_PROBLEMS = (
    ProblemSupport("家計が苦しく滞納がある", "家計相談で支出を見直し、分納の相談に同行する"),
    ProblemSupport("外に出る機会がない", "居場所や通いの場を一緒に見学する"),
    ProblemSupport("母の介護の負担が大きい", "介護サービスの利用を調整する"),
)


def _roles(db: Database, case_id: CaseId) -> tuple[Role, ...]:
    roles = []
    for member in db.cases.team(case_id)[:3]:
        agency = db.agencies.get(member.agency_id)
        staff = db.staff.get(member.staff_id).name if member.staff_id is not None else ""
        roles.append(Role(agency.name, "定期的に訪問し、様子を共有する", agency.id, staff, "月1回"))
    return tuple(roles) or (Role("多機関協働事業所", "全体の進み具合を確かめる", frequency="月1回"),)


def _plan(
    db: Database, rng: random.Random, case: CaseRow, on: dt.date, by: str, services: frozenset[Service]
) -> PlanVersion:
    return PlanVersion(
        case_id=case.id,
        number=0,
        goals=tuple(rng.sample(_GOALS, 2)),
        policy=_POLICY,
        problems=tuple(rng.sample(_PROBLEMS, 2)),
        roles=_roles(db, case.id),
        services=services,
        monitoring_on=on + dt.timedelta(days=60),
        drawn_up_by=by,
        drawn_up_on=on,
    )


def _candidates(db: Database) -> list[CaseRow]:
    rows = db.cases.rows(limit=10_000)
    open_ones = (CaseStatus.SUPPORTING, CaseStatus.MONITORING, CaseStatus.PLANNING)
    return [r for r in rows if r.consent_state is ConsentState.GIVEN and r.status in open_ones]


def draft_plans(db: Database, rng: random.Random, today: dt.date, by: str) -> list[int]:
    """Plans written and put forward before the meetings (their needs go on the 定例 agenda)."""
    cases = _candidates(db)
    made = []
    kinds: tuple[frozenset[Service], ...] = (
        frozenset(),  # → 会議の了承 → 確定, then a re-plan
        frozenset(),  # → 会議の了承 → 確定 → 報告, monitoring, 終結
        frozenset({Service.PARTICIPATION}),  # → 支援決定 → 確定
        frozenset({Service.OUTREACH}),  # stays 支援決定待ち
        frozenset(),  # stays 作成中
    )
    for index, (case, services) in enumerate(zip(cases, kinds, strict=False)):
        last_move = db.cases.status_history(case.id)[-1].changed_on
        on = min(today, max(today - dt.timedelta(days=110 - index * 5), last_move + dt.timedelta(days=1)))
        plan_id = db.plans.create(_plan(db, rng, case, on, by, services))
        if index < 4:
            db.plans.put_forward(plan_id, on=on)
        made.append(plan_id)
    if len(cases) > 1:  # the second case is to be closed: its ending goes to a meeting too
        db.meetings.raise_need(cases[1].id, Reason.ENDING, since=today - dt.timedelta(days=45), source="デモ")
    prepare_suspension(db, today, by, [c.id for c in cases[: len(kinds)]])
    return made


def _approving_meeting(db: Database, plan: PlanVersion) -> int | None:
    for row in db.meetings.rows(types=(MeetingType.JUSOU,), states=(MeetingState.HELD,)):
        if plan.drawn_up_on and row.on < plan.drawn_up_on:
            continue
        if any(item.case_id == plan.case_id for item in db.meetings.get(row.id).agenda):
            return row.id
    return None


def settle_plans(db: Database, rng: random.Random, today: dt.date, plan_ids: list[int], by: str) -> None:
    """What the meetings and the town decided on the drafted plans."""
    confirmed: list[PlanVersion] = []
    for plan_id in plan_ids:
        plan = db.plans.get(plan_id)
        if plan.state is PlanState.AWAITING_APPROVAL:
            meeting_id = _approving_meeting(db, plan)
            if meeting_id is not None:
                meeting_on = db.meetings.get(meeting_id).on
                reported = meeting_on + dt.timedelta(days=3) if len(confirmed) % 2 else None
                confirmed.append(db.plans.record_approval(plan_id, meeting_id, reported_on=reported))
        elif plan.state is PlanState.AWAITING_DECISION and Service.PARTICIPATION in plan.services:
            assert plan.drawn_up_on is not None
            decided = plan.drawn_up_on + dt.timedelta(days=10)
            decision = SupportDecision(
                decided, "福祉課長", plan.services, decided, decided + dt.timedelta(days=180)
            )
            confirmed.append(db.plans.record_decision(plan_id, decision))
    for plan in confirmed:
        assert plan.monitoring_on is not None
        assert plan.id is not None
        if plan.monitoring_on <= today:
            progress = tuple(
                GoalProgress(g, "少しずつ前に進んでいる", "自分から予定を話してくれた") for g in plan.goals
            )
            next_on = plan.monitoring_on + dt.timedelta(days=60)
            db.plans.add_monitoring(Monitoring(plan.id, plan.monitoring_on, by, progress, next_on=next_on))
    ended = _end_one(db, confirmed, today, by)
    for plan in confirmed:  # a re-plan: a goal reached, a new one in the person's words
        if plan.case_id == ended:
            continue
        replan_id = db.plans.start_replan(plan.case_id, on=today - dt.timedelta(days=5), by=by)
        draft = db.plans.get(replan_id)
        db.plans.save(replace(draft, goals=(*draft.goals[1:], "「地区のサロンに自分で通いたい」")))
        db.plans.put_forward(replan_id, on=today - dt.timedelta(days=5))
        break
    _suspend_decided(db, by)


def _end_one(db: Database, confirmed: list[PlanVersion], today: dt.date, by: str) -> CaseId | None:
    """Close the first case whose 終結判断 meeting has been held; returns it."""
    for plan in confirmed:
        deciding = [
            row.id
            for row in db.meetings.rows(types=(MeetingType.JUSOU,), states=(MeetingState.HELD,))
            if any(
                i.case_id == plan.case_id and i.reason is Reason.ENDING
                for i in db.meetings.get(row.id).agenda
            )
        ]
        if not deciding:
            continue
        evaluation = Evaluation(
            on=today - dt.timedelta(days=2),
            by=by,
            attainments=tuple(
                GoalAttainment(
                    g, Attainment.ACHIEVED if i == 0 else Attainment.PARTLY, "本人も手応えを話している"
                )
                for i, g in enumerate(plan.goals)
            ),
            main_supporter="地域包括支援センター",
            follow_up_needed=True,
            follow_up="3か月後に包括から様子を聞く",
        )
        db.plans.end_case(plan.case_id, evaluation, by=by)
        return plan.case_id
    return None


def prepare_suspension(db: Database, today: dt.date, by: str, avoid: list[int]) -> None:
    """Contact is lost with one person: the attempts are recorded and a 中断決定 meeting is asked for.

    The quietest case is chosen (the longest since its status last moved), and the attempts follow
    that last move, so the history reads in order.
    """
    cases = [c for c in _candidates(db) if c.id not in avoid]
    if not cases:
        return
    last_moves = {c.id: db.cases.status_history(c.id)[-1].changed_on for c in cases}
    case = min(cases, key=lambda c: (last_moves[c.id], c.id))
    start = last_moves[case.id]
    if start + dt.timedelta(days=20) > today:
        return
    for days, means, result in (
        (3, "訪問", "不在。郵便受けに手紙を入れた"),
        (8, "電話", "つながらない"),
        (13, "近隣・民生委員への聞き取り", "最近姿を見ていないとのこと"),
    ):
        db.plans.add_contact_attempt(
            case.id, ContactAttempt(start + dt.timedelta(days=days), means, by, result)
        )
    db.meetings.raise_need(case.id, Reason.SUSPENSION, since=start + dt.timedelta(days=15), source="デモ")


def _suspend_decided(db: Database, by: str) -> None:
    """Suspend the cases whose 中断決定 meeting has been held."""
    for row in db.meetings.rows(types=(MeetingType.JUSOU,), states=(MeetingState.HELD,)):
        for item in db.meetings.get(row.id).agenda:
            if item.reason is Reason.SUSPENSION and db.plans.contact_attempts(item.case_id):
                db.plans.suspend_case(item.case_id, on=row.on, by=by)
