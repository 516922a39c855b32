"""支援プラン in the store: both confirmation paths, re-plans, monitoring, 終結・中断 and re-opening."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId
from jusou_desktop.domain.meetings import Action, Attendee, Holding, Meeting, MeetingType, Reason
from jusou_desktop.domain.model import CaseStatus, Consent, ConsentState, Person
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
from jusou_desktop.store.plans import EndingKind, MonitoringDue

DRAWN = dt.date(2024, 6, 3)
MEETING_DAY = dt.date(2024, 6, 11)
DECIDED = dt.date(2024, 6, 20)
MONITOR = dt.date(2024, 9, 2)
GOALS = ("朝起きて、週に一度は外に出たい", "母の介護を一人で抱えないようにしたい")


def _case(db: Database, name: str = "山田 花子", *, consent: bool = True) -> CaseId:
    """A case in アセスメント (with consent unless told)."""
    case_id = db.cases.create(Person(name=name), opened_on=dt.date(2024, 4, 5))
    if consent:
        db.cases.record_consent(case_id, Consent(state=ConsentState.GIVEN, recorded_on=dt.date(2024, 4, 5)))
    db.cases.change_status(case_id, CaseStatus.ASSESSMENT, on=dt.date(2024, 4, 10))
    return case_id


def _plan(case_id: CaseId, services: frozenset[Service] = frozenset()) -> PlanVersion:
    return PlanVersion(
        case_id=case_id,
        number=0,
        goals=GOALS,
        policy="生活のリズムを整え、介護の負担を分け合う",
        problems=(
            ProblemSupport("ひきこもり", "居場所への参加"),
            ProblemSupport("8050", "介護サービスの利用"),
        ),
        roles=(
            Role(
                "地域包括支援センター",
                "母の介護サービスの調整",
                agency_id=AgencyId(7),
                person="相談員 一",
                frequency="月1回",
                start_on=dt.date(2024, 6, 1),
                end_on=dt.date(2025, 3, 31),
            ),
            Role("社会福祉協議会", "居場所への同行"),
        ),
        services=services,
        monitoring_on=MONITOR,
        drawn_up_by="支援員 二",
        drawn_up_on=DRAWN,
    )


def _meeting(
    db: Database,
    case_id: CaseId,
    reason: Reason,
    *,
    on: dt.date = MEETING_DAY,
    kind: MeetingType = MeetingType.JUSOU,
    hold: bool = True,
) -> int:
    """A meeting with the case on its agenda, held unless told (one attendee with an action)."""
    meeting_id = db.meetings.create(Meeting(type=kind, holding=Holding.AD_HOC, on=on, purpose="検討"))
    db.meetings.add_case(meeting_id, case_id, reason)
    attendee_id = db.meetings.invite(meeting_id, Attendee("相談員 一", "地域包括支援センター"))
    db.meetings.set_attendance(attendee_id, True)
    db.meetings.record_pledge(attendee_id, on, "署名")
    db.meetings.add_action(
        meeting_id, case_id, Action(attendee_id, "", "家庭訪問", on + dt.timedelta(days=14))
    )
    if hold:
        db.meetings.hold(meeting_id)
    return meeting_id


def _decision(services: frozenset[Service], on: dt.date = DECIDED) -> SupportDecision:
    return SupportDecision(on, "福祉課 三", services, dt.date(2024, 7, 1), dt.date(2025, 3, 31))


def _confirmed(db: Database, case_id: CaseId) -> int:
    """A 初回 plan with アウトリーチ等, put forward and decided."""
    services = frozenset({Service.OUTREACH})
    plan_id = db.plans.create(_plan(case_id, services))
    db.plans.put_forward(plan_id, on=DRAWN)
    db.plans.record_decision(plan_id, _decision(services))
    return plan_id


def _status(db: Database, case_id: CaseId) -> CaseStatus:
    return db.cases.get(case_id).status


def _evaluation(goals: tuple[str, ...] = GOALS, on: dt.date = dt.date(2025, 3, 10)) -> Evaluation:
    return Evaluation(
        on=on,
        by="支援員 二",
        attainments=tuple(GoalAttainment(g, Attainment.PARTLY, "少しずつ") for g in goals),
        main_supporter="地域包括支援センター",
        follow_up_needed=True,
        follow_up="3か月後に電話で様子を聞く",
    )


# ---- confirmation ----------------------------------------------------------------------------------


def test_a_plan_with_outreach_is_confirmed_by_the_towns_decision(db: Database) -> None:
    case_id = _case(db)
    services = frozenset({Service.OUTREACH, Service.PARTICIPATION})
    complete = _plan(case_id, services)
    plan_id = db.plans.create(replace(complete, policy=""))
    assert _status(db, case_id) is CaseStatus.PLANNING
    with pytest.raises(ValidationError, match="支援方針を書いてください。"):
        db.plans.put_forward(plan_id, on=DRAWN)
    assert db.plans.get(plan_id).state is PlanState.DRAFT

    db.plans.save(replace(complete, id=plan_id))
    assert db.plans.get(plan_id) == replace(complete, id=plan_id)  # lists, dates and services survive JSON
    assert db.plans.put_forward(plan_id, on=DRAWN).state is PlanState.AWAITING_DECISION
    with pytest.raises(RuleViolation, match="「支援決定待ち」のプランは変更できません"):
        db.plans.save(replace(complete, id=plan_id, policy="別の方針"))
    meeting_id = _meeting(db, case_id, Reason.EVALUATION)
    with pytest.raises(RuleViolation, match="会議の了承は、アウトリーチ等事業・参加支援事業を含まない"):
        db.plans.record_approval(plan_id, meeting_id)
    with pytest.raises(
        RuleViolation, match=f"プランに含まれる {Service.PARTICIPATION.value} の支援決定がありません。"
    ):
        db.plans.record_decision(plan_id, _decision(frozenset({Service.OUTREACH})))
    assert db.plans.current(case_id) is None
    assert db.plans.draft(case_id) == db.plans.get(plan_id)

    plan = db.plans.record_decision(plan_id, _decision(services))
    assert plan.state is PlanState.CONFIRMED
    assert db.plans.get(plan_id) == plan
    assert db.plans.get(plan_id).decision == _decision(services)
    assert db.plans.current(case_id) == plan
    assert db.plans.draft(case_id) is None
    assert _status(db, case_id) is CaseStatus.SUPPORTING
    assert db.cases.status_history(case_id)[-1].reason == "プラン第1版（初回）を支援決定で確定"
    assert db.meetings.open_needs(case_id) == []  # the evaluation meeting was held; no second need


def test_a_plan_without_new_services_is_approved_by_a_held_jusou_meeting_and_reported(db: Database) -> None:
    case_id = _case(db)
    other = _case(db, "鈴木 一郎")
    plan_id = db.plans.create(_plan(case_id))
    assert db.plans.put_forward(plan_id, on=DRAWN).state is PlanState.AWAITING_APPROVAL
    with pytest.raises(RuleViolation, match="支援決定は、アウトリーチ等事業または参加支援事業を含む"):
        db.plans.record_decision(plan_id, _decision(frozenset({Service.OUTREACH})))

    support = _meeting(db, case_id, Reason.SHARING, kind=MeetingType.SUPPORT)
    with pytest.raises(RuleViolation, match=r"^プランの了承は重層的支援会議で行います。$"):
        db.plans.record_approval(plan_id, support)
    planned = _meeting(db, case_id, Reason.EVALUATION, hold=False)
    with pytest.raises(RuleViolation, match=r"^開催済の会議を選んでください。$"):
        db.plans.record_approval(plan_id, planned)
    elsewhere = _meeting(db, other, Reason.SHARING)
    with pytest.raises(RuleViolation, match=r"^その会議ではこのケースを検討していません。$"):
        db.plans.record_approval(plan_id, elsewhere)
    before = _meeting(db, case_id, Reason.SHARING, on=DRAWN - dt.timedelta(days=1))
    with pytest.raises(RuleViolation, match="プラン作成日より前の会議では了承できません。"):
        db.plans.record_approval(plan_id, before)
    assert db.plans.get(plan_id).state is PlanState.AWAITING_APPROVAL
    assert _status(db, case_id) is CaseStatus.PLANNING

    approving = _meeting(db, case_id, Reason.EVALUATION)
    plan = db.plans.record_approval(plan_id, approving)
    assert plan.state is PlanState.CONFIRMED
    assert plan.approval is not None
    assert (plan.approval.meeting_id, plan.approval.approved_on, plan.approval.reported_on) == (
        approving,
        MEETING_DAY,
        None,
    )
    assert _status(db, case_id) is CaseStatus.SUPPORTING
    reported = db.plans.record_report(plan_id, dt.date(2024, 6, 14))
    assert reported.approval is not None
    assert reported.approval.reported_on == dt.date(2024, 6, 14)
    assert db.plans.get(plan_id) == reported
    assert db.meetings.open_needs(case_id) == []


def test_put_forward_raises_the_evaluation_need_and_a_held_jusou_meeting_clears_it(db: Database) -> None:
    case_id = _case(db)
    plan_id = db.plans.create(_plan(case_id))
    assert db.meetings.open_needs(case_id) == []
    db.plans.put_forward(plan_id, on=DRAWN)
    [need] = db.meetings.open_needs(case_id)
    assert (need.reason, need.since, need.source) == (Reason.EVALUATION, DRAWN, "プラン第1版（初回）を提出")
    _meeting(db, case_id, Reason.SHARING)
    assert len(db.meetings.open_needs(case_id)) == 1
    _meeting(db, case_id, Reason.EVALUATION, on=dt.date(2024, 6, 12))
    assert db.meetings.open_needs(case_id) == []

    without_consent = _case(db, "佐藤 二郎", consent=False)
    other_plan = db.plans.create(_plan(without_consent, frozenset({Service.OUTREACH})))
    db.plans.put_forward(other_plan, on=DRAWN)
    assert db.meetings.open_needs(without_consent) == []  # followed in 支援会議 instead


def test_an_incomplete_plan_cannot_be_put_forward_and_a_second_first_plan_is_refused(db: Database) -> None:
    case_id = _case(db)
    plan_id = db.plans.create(PlanVersion(case_id=case_id, number=0, goals=(" ",)))
    with pytest.raises(ValidationError, match="本人の目標を、本人の言葉でひとつ以上書いてください。"):
        db.plans.put_forward(plan_id, on=DRAWN)
    db.plans.save(replace(_plan(case_id), id=plan_id, roles=(Role("社会福祉協議会", ""),)))
    with pytest.raises(ValidationError, match="役割分担には機関と内容の両方が必要です。"):
        db.plans.put_forward(plan_id, on=DRAWN)
    db.plans.save(replace(_plan(case_id), id=plan_id, monitoring_on=None))
    with pytest.raises(ValidationError, match="モニタリングの時期を決めてください。"):
        db.plans.put_forward(plan_id, on=DRAWN)
    assert db.meetings.open_needs(case_id) == []
    with pytest.raises(RuleViolation, match="すでにプランがあります。変えるときは再プランを始めてください。"):
        db.plans.create(_plan(case_id))
    with pytest.raises(RuleViolation, match="まだ確定していないプラン第1版（初回）があります"):
        db.plans.start_replan(case_id, on=DRAWN, by="支援員 二")


def test_a_plan_put_forward_can_go_back_to_draft_to_be_corrected(db: Database) -> None:
    case_id = _case(db)
    plan_id = db.plans.create(_plan(case_id, frozenset({Service.OUTREACH})))
    db.plans.put_forward(plan_id, on=DRAWN)
    assert db.plans.withdraw(plan_id).state is PlanState.DRAFT
    db.plans.save(replace(_plan(case_id), id=plan_id))
    assert db.plans.put_forward(plan_id, on=DRAWN).state is PlanState.AWAITING_APPROVAL
    assert len(db.meetings.open_needs(case_id)) == 1  # not raised twice
    db.plans.withdraw(plan_id)
    with pytest.raises(RuleViolation, match="「作成中」のプランは作成中に戻せません。"):
        db.plans.withdraw(plan_id)


# ---- re-plans ---------------------------------------------------------------------------------------


def test_a_replan_copies_the_plan_shows_the_changes_and_supersedes_it_once_confirmed(db: Database) -> None:
    case_id = _case(db)
    first_id = _confirmed(db, case_id)
    _meeting(db, case_id, Reason.EVALUATION)
    first = db.plans.get(first_id)
    started = dt.date(2024, 10, 1)
    replan_id = db.plans.start_replan(case_id, on=started, by="支援員 四")
    replan = db.plans.get(replan_id)
    assert (replan.number, replan.state, replan.drawn_up_by, replan.drawn_up_on) == (
        1,
        PlanState.DRAFT,
        "支援員 四",
        started,
    )
    assert (replan.goals, replan.roles, replan.services) == (first.goals, first.roles, first.services)
    assert db.plans.current(case_id) == first
    assert db.plans.draft(case_id) == replan
    assert [(r.plan.number, r.next_monitoring) for r in db.plans.rows()] == [(1, MONITOR)]
    assert _status(db, case_id) is CaseStatus.PLANNING
    assert db.meetings.open_needs(case_id) == []  # raised when the re-plan is put forward
    with pytest.raises(RuleViolation, match="まだ確定していないプラン第2版（再プラン1）があります"):
        db.plans.start_replan(case_id, on=started, by="支援員 四")

    changed = replace(
        replan,
        goals=(GOALS[0], "週に一度、居場所に通いたい"),
        policy="居場所への参加を続ける",
        services=frozenset(),
        monitoring_on=dt.date(2025, 1, 6),
    )
    db.plans.save(changed)
    changes = {(c.part, c.before, c.after) for c in db.plans.diff(first_id, replan_id)}
    assert changes == {
        ("本人の目標", GOALS[1], ""),
        ("本人の目標", "", "週に一度、居場所に通いたい"),
        ("支援方針", first.policy, "居場所への参加を続ける"),
        ("事業", Service.OUTREACH.value, "なし"),
        ("モニタリング", "2024-09-02", "2025-01-06"),
    }

    db.plans.put_forward(replan_id, on=started)
    [need] = db.meetings.open_needs(case_id)
    assert (need.reason, need.source) == (Reason.REPLAN, "プラン第2版（再プラン1）を提出")
    meeting_id = _meeting(db, case_id, Reason.REPLAN, on=dt.date(2024, 10, 8))
    db.plans.record_approval(replan_id, meeting_id, reported_on=dt.date(2024, 10, 9))
    assert [(p.number, p.state) for p in db.plans.versions(case_id)] == [
        (0, PlanState.SUPERSEDED),
        (1, PlanState.CONFIRMED),
    ]
    assert db.plans.current(case_id) == db.plans.get(replan_id)
    assert db.plans.draft(case_id) is None
    assert _status(db, case_id) is CaseStatus.SUPPORTING
    assert db.meetings.open_needs(case_id) == []
    with pytest.raises(RuleViolation, match="「再プランにより終了」のプランは変更できません"):
        db.plans.save(first)


# ---- monitoring -------------------------------------------------------------------------------------


def test_monitoring_falls_due_on_its_date_and_clears_after_a_record(db: Database) -> None:
    case_id = _case(db)
    draft_id = db.plans.create(_plan(case_id, frozenset({Service.OUTREACH})))
    progress = (GoalProgress(GOALS[0], "週に一度、散歩に出ている", "自分から挨拶した"),)
    with pytest.raises(RuleViolation, match="モニタリングは確定したプランについて記録します。"):
        db.plans.add_monitoring(Monitoring(draft_id, MONITOR, "支援員 二", progress))
    db.plans.put_forward(draft_id, on=DRAWN)
    db.plans.record_decision(draft_id, _decision(frozenset({Service.OUTREACH})))
    assert db.plans.monitoring_due(MONITOR - dt.timedelta(days=1)) == []
    number = db.cases.get(case_id).number
    assert db.plans.monitoring_due(MONITOR) == [MonitoringDue(case_id, number, "山田 花子", MONITOR, "初回")]

    with pytest.raises(ValidationError, match="次のモニタリングは今日より後の日にしてください。"):
        db.plans.add_monitoring(Monitoring(draft_id, MONITOR, "支援員 二", progress, next_on=MONITOR))
    record = Monitoring(draft_id, dt.date(2024, 9, 4), "支援員 二", progress, dt.date(2024, 12, 2), "順調")
    record_id = db.plans.add_monitoring(record)
    assert db.plans.monitorings(draft_id) == [replace(record, id=record_id)]
    assert _status(db, case_id) is CaseStatus.MONITORING
    [row] = db.plans.rows()
    assert (row.case_id, row.case_number, row.plan.id, row.next_monitoring) == (
        case_id,
        number,
        draft_id,
        dt.date(2024, 12, 2),
    )
    assert db.plans.monitoring_due(dt.date(2024, 12, 1)) == []
    assert [d.due_on for d in db.plans.monitoring_due(dt.date(2024, 12, 2))] == [dt.date(2024, 12, 2)]


# ---- 終結・中断・再開 --------------------------------------------------------------------------------


def test_ending_needs_every_goal_evaluated_and_a_deciding_meeting(db: Database) -> None:
    case_id = _case(db)
    with pytest.raises(RuleViolation, match="確定したプランがありません"):
        db.plans.end_case(case_id, _evaluation(), by="支援員 二")
    plan_id = _confirmed(db, case_id)
    with pytest.raises(ValidationError, match=f"目標ごとの達成度を評価してください: {GOALS[1]}"):
        db.plans.end_case(case_id, _evaluation(GOALS[:1]), by="支援員 二")
    _meeting(db, case_id, Reason.SHARING, on=dt.date(2025, 3, 4))
    with pytest.raises(
        RuleViolation, match=r"^終結には、終結判断を理由とする重層的支援会議の開催が必要です。$"
    ):
        db.plans.end_case(case_id, _evaluation(), by="支援員 二")
    assert db.plans.endings(case_id) == []
    assert _status(db, case_id) is CaseStatus.SUPPORTING

    deciding = _meeting(db, case_id, Reason.ENDING, on=dt.date(2025, 3, 5))
    ending_id = db.plans.end_case(case_id, _evaluation(), by="支援員 二")
    assert _status(db, case_id) is CaseStatus.CLOSED
    assert db.cases.get(case_id).closed_on == dt.date(2025, 3, 10)
    assert "2025-03-05 の重層的支援会議で終結を判断" in db.cases.status_history(case_id)[-1].reason
    [ending] = db.plans.endings(case_id)
    assert (ending.id, ending.kind, ending.on, ending.by, ending.meeting_id, ending.reopened_on) == (
        ending_id,
        EndingKind.END,
        dt.date(2025, 3, 10),
        "支援員 二",
        deciding,
        None,
    )
    assert ending.evaluation == _evaluation()
    assert db.plans.get(plan_id).state is PlanState.CONFIRMED
    assert db.plans.monitoring_due(dt.date(2025, 12, 31)) == []  # an ended case is not followed
    assert [(r.case_status, r.next_monitoring) for r in db.plans.rows()] == [(CaseStatus.CLOSED, None)]


def test_suspension_needs_recorded_attempts_and_a_deciding_meeting(db: Database) -> None:
    case_id = _case(db)
    _confirmed(db, case_id)
    _meeting(db, case_id, Reason.SUSPENSION, on=dt.date(2024, 11, 5))
    with pytest.raises(
        RuleViolation, match=r"^中断の前に、連絡を試みた記録（日付・方法・誰が・結果）が必要です。$"
    ):
        db.plans.suspend_case(case_id, on=dt.date(2024, 11, 6), by="支援員 二")
    with pytest.raises(ValidationError, match="方法・誰が・結果が必要です"):
        db.plans.add_contact_attempt(case_id, ContactAttempt(dt.date(2024, 10, 1), "訪問", "支援員 二", " "))

    other = _case(db, "鈴木 一郎")
    _confirmed(db, other)
    attempt = ContactAttempt(dt.date(2024, 10, 1), "訪問", "支援員 二", "不在。郵便物がたまっている")
    db.plans.add_contact_attempt(other, attempt)
    with pytest.raises(
        RuleViolation, match=r"^中断には、中断決定を理由とする重層的支援会議の開催が必要です。$"
    ):
        db.plans.suspend_case(other, on=dt.date(2024, 11, 6), by="支援員 二")
    assert _status(db, other) is CaseStatus.SUPPORTING

    db.plans.add_contact_attempt(case_id, attempt)
    db.plans.add_contact_attempt(
        case_id, replace(attempt, on=dt.date(2024, 10, 15), means="民生委員への聞き取り")
    )
    assert [a.means for a in db.plans.contact_attempts(case_id)] == ["訪問", "民生委員への聞き取り"]
    ending_id = db.plans.suspend_case(case_id, on=dt.date(2024, 11, 6), by="支援員 二")
    assert _status(db, case_id) is CaseStatus.SUSPENDED
    assert "連絡の試み 2 回" in db.cases.status_history(case_id)[-1].reason
    [ending] = db.plans.endings(case_id)
    assert (ending.id, ending.kind, ending.evaluation) == (ending_id, EndingKind.SUSPENSION, None)


def test_reopening_keeps_the_history_and_the_next_ending_needs_its_own_meeting(db: Database) -> None:
    case_id = _case(db)
    first_id = _confirmed(db, case_id)
    _meeting(db, case_id, Reason.ENDING, on=dt.date(2025, 3, 5))
    db.plans.end_case(case_id, _evaluation(), by="支援員 二")
    with pytest.raises(RuleViolation, match="「終結」のケースです"):
        db.plans.start_replan(case_id, on=dt.date(2025, 5, 1), by="支援員 二")
    with pytest.raises(RuleViolation, match="理由の記入が必要です"):
        db.plans.reopen_case(case_id, on=dt.date(2025, 6, 2), by="支援員 二", reason=" ")

    db.plans.reopen_case(case_id, on=dt.date(2025, 6, 2), by="支援員 二", reason="再び相談があった")
    assert _status(db, case_id) is CaseStatus.ASSESSMENT
    [ending] = db.plans.endings(case_id)
    assert (ending.kind, ending.reopened_on) == (EndingKind.END, dt.date(2025, 6, 2))
    assert [p.id for p in db.plans.versions(case_id)] == [first_id]
    with pytest.raises(RuleViolation, match="終結判断を理由とする"):  # the old meeting decided the old ending
        db.plans.end_case(case_id, _evaluation(on=dt.date(2025, 7, 1)), by="支援員 二")

    replan_id = db.plans.start_replan(case_id, on=dt.date(2025, 6, 3), by="支援員 二")
    assert _status(db, case_id) is CaseStatus.PLANNING
    _meeting(db, case_id, Reason.ENDING, on=dt.date(2025, 6, 20))
    with pytest.raises(RuleViolation, match="「プラン作成」から「終結」へは移れません"):
        db.plans.end_case(case_id, _evaluation(on=dt.date(2025, 6, 21)), by="支援員 二")
    assert len(db.plans.endings(case_id)) == 1  # nothing half-written

    db.plans.put_forward(replan_id, on=dt.date(2025, 6, 3))
    db.plans.record_decision(replan_id, _decision(frozenset({Service.OUTREACH}), on=dt.date(2025, 6, 10)))
    db.plans.end_case(case_id, _evaluation(on=dt.date(2025, 6, 21)), by="支援員 二")
    assert [(e.kind, e.reopened_on) for e in db.plans.endings(case_id)] == [
        (EndingKind.END, dt.date(2025, 6, 2)),
        (EndingKind.END, None),
    ]
    assert [p.state for p in db.plans.versions(case_id)] == [PlanState.SUPERSEDED, PlanState.CONFIRMED]
