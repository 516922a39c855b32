"""支援プラン rules (domain.plans), without the store.

Confirmation follows 長泉町's patterns: a plan with アウトリーチ等事業 or 参加支援事業 is 確定 only by
the town's 支援決定 covering exactly those businesses; a plan without them is 確定 when a held
重層的支援会議 that discussed the case approves it, and is then reported to the town.  A re-plan
starts from a confirmed version; 終結 and 中断 need their evidence and a deciding meeting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from jusou_desktop.domain.errors import JusouError, RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId
from jusou_desktop.domain.plans import (
    Approval,
    ApprovingMeeting,
    Attainment,
    Change,
    ConfirmationPath,
    ContactAttempt,
    DecidingMeeting,
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
    check_complete,
    check_end,
    check_monitoring,
    check_suspension,
    confirmation_path,
    diff,
    monitoring_due,
    put_forward,
    record_approval,
    record_decision,
    record_report,
    start_replan,
)

D = dt.date
DRAWN_UP = D(2024, 4, 20)
OUTREACH, PARTICIPATION = Service.OUTREACH, Service.PARTICIPATION


def _draft(**changes: Any) -> PlanVersion:
    fields: dict[str, Any] = {
        "case_id": CaseId(7),
        "number": 0,
        "goals": ("週に一度は外に出たい", "夜は眠れるようになりたい"),
        "policy": "本人のペースを大切にし、無理に外出を促さない。",
        "problems": (ProblemSupport("母の介護をひとりで担っている", "ショートステイを検討する"),),
        "roles": (
            Role("地域包括支援センター", "母のケアプランの見直し", agency_id=AgencyId(3), person="山田"),
            Role("社会福祉協議会", "自宅訪問", person="佐藤", frequency="月2回"),
        ),
        "services": frozenset(),
        "monitoring_on": D(2024, 8, 1),
        "drawn_up_by": "紬花子",
        "drawn_up_on": DRAWN_UP,
    }
    fields.update(changes)
    return PlanVersion(**fields)


def _decision(*services: Service, **changes: Any) -> SupportDecision:
    fields: dict[str, Any] = {
        "decided_on": D(2024, 4, 30),
        "decided_by": "福祉課長 町田一郎",
        "services": frozenset(services),
        "period_from": D(2024, 5, 1),
        "period_to": D(2024, 10, 31),
    }
    fields.update(changes)
    return SupportDecision(**fields)


def _meeting(**changes: Any) -> ApprovingMeeting:
    fields: dict[str, Any] = {
        "id": 11,
        "is_jusou": True,
        "held": True,
        "on": D(2024, 5, 14),
        "case_on_agenda": True,
    }
    fields.update(changes)
    return ApprovingMeeting(**fields)


def _refusal(kind: type[JusouError], call: Callable[..., object], *args: object) -> str:
    """The Japanese message of the expected refusal."""
    with pytest.raises(kind) as caught:
        call(*args)
    return caught.value.message


def _confirmed_by_decision() -> PlanVersion:
    plan = put_forward(_draft(services=frozenset({OUTREACH})))
    return record_decision(plan, _decision(OUTREACH))


def _confirmed_by_approval() -> PlanVersion:
    return record_approval(put_forward(_draft()), _meeting())


# ---- confirmation patterns (長泉町) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "services",
    [frozenset({OUTREACH}), frozenset({PARTICIPATION}), frozenset({OUTREACH, PARTICIPATION})],
    ids=["outreach", "participation", "both"],
)
def test_a_plan_with_the_businesses_waits_for_the_towns_decision(services: frozenset[Service]) -> None:
    draft = _draft(services=services)
    assert confirmation_path(draft) is ConfirmationPath.DECISION
    assert draft.path is ConfirmationPath.DECISION
    waiting = put_forward(draft)
    assert waiting.state is PlanState.AWAITING_DECISION
    assert waiting.state.value == "支援決定待ち"

    confirmed = record_decision(waiting, _decision(*services))
    assert confirmed.state is PlanState.CONFIRMED
    assert confirmed.decision == _decision(*services)
    assert confirmed.approval is None
    assert draft.state is PlanState.DRAFT  # frozen: the original is untouched


def test_a_plan_with_the_businesses_and_other_support_is_decided_for_the_businesses_only() -> None:
    """Other support in the plan (here 包括・社協 roles) is reviewed, not decided."""
    waiting = put_forward(_draft(services=frozenset({PARTICIPATION})))
    confirmed = record_decision(waiting, _decision(PARTICIPATION))
    assert confirmed.roles == waiting.roles
    assert confirmed.decision is not None
    assert confirmed.decision.services == frozenset({PARTICIPATION})


def test_a_plan_without_the_businesses_waits_for_the_meeting_then_is_reported() -> None:
    draft = _draft()
    assert draft.path is ConfirmationPath.APPROVAL
    assert draft.path.value == "重層的支援会議の了承で確定（町へ報告）"
    waiting = put_forward(draft)
    assert waiting.state is PlanState.AWAITING_APPROVAL
    assert waiting.state.value == "会議の了承待ち"

    confirmed = record_approval(waiting, _meeting())
    assert confirmed.state is PlanState.CONFIRMED
    assert confirmed.approval == Approval(meeting_id=11, approved_on=D(2024, 5, 14), reported_on=None)
    assert confirmed.decision is None

    reported = record_report(confirmed, D(2024, 5, 20))
    assert reported.approval == Approval(11, D(2024, 5, 14), D(2024, 5, 20))
    assert reported.state is PlanState.CONFIRMED


def test_approval_may_carry_the_report_date_at_once() -> None:
    confirmed = record_approval(put_forward(_draft()), _meeting(), reported_on=D(2024, 5, 15))
    assert confirmed.approval is not None
    assert confirmed.approval.reported_on == D(2024, 5, 15)


def test_approval_on_the_day_the_plan_was_drawn_up_is_fine() -> None:
    confirmed = record_approval(put_forward(_draft()), _meeting(on=DRAWN_UP))
    assert confirmed.state is PlanState.CONFIRMED


def test_put_forward_only_from_draft() -> None:
    waiting = put_forward(_draft())
    assert _refusal(RuleViolation, put_forward, waiting) == "「会議の了承待ち」のプランは提出できません。"
    assert (
        _refusal(RuleViolation, put_forward, _confirmed_by_decision()) == "「確定」のプランは提出できません。"
    )


def test_put_forward_checks_the_plan_is_complete() -> None:
    with pytest.raises(ValidationError) as caught:
        put_forward(_draft(goals=()))
    assert caught.value.field == "goals"


# ---- record_decision refusals ----------------------------------------------------------------------------


def test_decision_refused_in_the_wrong_state() -> None:
    message = "支援決定は、アウトリーチ等事業または参加支援事業を含む提出済みのプランにだけ記録します。"
    for plan in (
        _draft(services=frozenset({OUTREACH})),  # still a draft
        put_forward(_draft()),  # a plan without the businesses
        _confirmed_by_decision(),  # already decided
    ):
        assert _refusal(RuleViolation, record_decision, plan, _decision(OUTREACH)) == message


def test_decision_refused_when_a_service_of_the_plan_is_missing() -> None:
    waiting = put_forward(_draft(services=frozenset({OUTREACH, PARTICIPATION})))
    with pytest.raises(RuleViolation) as caught:
        record_decision(waiting, _decision(OUTREACH))
    assert caught.value.message == "プランに含まれる 参加支援事業 の支援決定がありません。"
    with pytest.raises(RuleViolation) as caught:
        record_decision(waiting, _decision())
    assert caught.value.message == (
        "プランに含まれる アウトリーチ等を通じた継続的支援事業、参加支援事業 の支援決定がありません。"
    )


def test_decision_refused_for_a_service_not_in_the_plan() -> None:
    waiting = put_forward(_draft(services=frozenset({PARTICIPATION})))
    with pytest.raises(RuleViolation) as caught:
        record_decision(waiting, _decision(PARTICIPATION, OUTREACH))
    assert caught.value.message == (
        "プランに含まれない アウトリーチ等を通じた継続的支援事業 は支援決定できません。プランを直してください。"
    )


@pytest.mark.parametrize("who", ["", "　 "])
def test_decision_refused_without_who_decided(who: str) -> None:
    waiting = put_forward(_draft(services=frozenset({OUTREACH})))
    with pytest.raises(ValidationError) as caught:
        record_decision(waiting, _decision(OUTREACH, decided_by=who))
    assert caught.value.message == "支援決定をした人（課・担当）を入力してください。"
    assert caught.value.field == "decided_by"


def test_decision_refused_with_a_reversed_period() -> None:
    waiting = put_forward(_draft(services=frozenset({OUTREACH})))
    with pytest.raises(ValidationError) as caught:
        record_decision(waiting, _decision(OUTREACH, period_from=D(2024, 10, 1), period_to=D(2024, 9, 30)))
    assert caught.value.message == "支援決定の期間が逆です。"
    assert caught.value.field == "period"
    one_day = record_decision(
        waiting, _decision(OUTREACH, period_from=D(2024, 10, 1), period_to=D(2024, 10, 1))
    )
    assert one_day.state is PlanState.CONFIRMED


# ---- record_approval refusals ----------------------------------------------------------------------------


def test_approval_refused_in_the_wrong_state() -> None:
    message = "会議の了承は、アウトリーチ等事業・参加支援事業を含まない提出済みのプランに記録します。"
    for plan in (
        _draft(),  # not put forward
        put_forward(_draft(services=frozenset({OUTREACH}))),  # waits for the town's decision instead
        _confirmed_by_approval(),  # already approved
    ):
        assert _refusal(RuleViolation, record_approval, plan, _meeting()) == message


@pytest.mark.parametrize(
    ("meeting", "message"),
    [
        (_meeting(is_jusou=False), "プランの了承は重層的支援会議で行います。"),
        (_meeting(held=False), "開催済の会議を選んでください。"),
        (_meeting(case_on_agenda=False), "その会議ではこのケースを検討していません。"),
        (_meeting(on=DRAWN_UP - dt.timedelta(days=1)), "プラン作成日より前の会議では了承できません。"),
    ],
    ids=["not-jusou", "not-held", "not-on-agenda", "before-drafting"],
)
def test_approval_refusals(meeting: ApprovingMeeting, message: str) -> None:
    waiting = put_forward(_draft())
    with pytest.raises(RuleViolation) as caught:
        record_approval(waiting, meeting)
    assert caught.value.message == message
    assert waiting.state is PlanState.AWAITING_APPROVAL


def test_report_needs_an_approved_plan() -> None:
    message = "町への報告は、会議で了承されたプランについて記録します。"
    for plan in (_draft(), put_forward(_draft()), _confirmed_by_decision()):
        with pytest.raises(RuleViolation) as caught:
            record_report(plan, D(2024, 5, 20))
        assert caught.value.message == message


def test_every_refusal_is_an_expected_error_with_a_japanese_message() -> None:
    with pytest.raises(JusouError) as caught:
        record_approval(put_forward(_draft()), _meeting(held=False))
    assert str(caught.value) == "開催済の会議を選んでください。"


# ---- re-plan and diff -------------------------------------------------------------------------------------


def test_replan_only_from_a_confirmed_plan() -> None:
    for plan in (_draft(), put_forward(_draft()), put_forward(_draft(services=frozenset({OUTREACH})))):
        with pytest.raises(RuleViolation) as caught:
            start_replan(plan, on=D(2024, 11, 5), by="紬花子")
        assert caught.value.message == "再プランは、確定したプランから始めます。"


@pytest.mark.parametrize(
    "confirmed", [_confirmed_by_decision, _confirmed_by_approval], ids=["decided", "approved"]
)
def test_replan_copies_the_content_with_the_next_number(confirmed: Any) -> None:
    current = replace(confirmed(), id=42)
    replan = start_replan(current, on=D(2024, 11, 5), by="鈴木一郎")
    assert replan.number == current.number + 1 == 1
    assert replan.label == "再プラン1"
    assert current.label == "初回"
    assert replan.state is PlanState.DRAFT
    assert replan.decision is None
    assert replan.approval is None
    assert replan.id is None
    assert (replan.drawn_up_by, replan.drawn_up_on) == ("鈴木一郎", D(2024, 11, 5))
    for part in ("case_id", "goals", "policy", "problems", "roles", "services", "monitoring_on"):
        assert getattr(replan, part) == getattr(current, part), part
    assert diff(current, replan) == []
    assert current.state is PlanState.CONFIRMED  # the current version stays until the re-plan is confirmed


def test_second_replan_counts_on() -> None:
    first = start_replan(_confirmed_by_approval(), on=D(2024, 11, 5), by="紬花子")
    confirmed = record_approval(put_forward(first), _meeting(on=D(2024, 11, 12)))
    second = start_replan(confirmed, on=D(2025, 3, 1), by="紬花子")
    assert second.number == 2
    assert second.label == "再プラン2"


def test_diff_lists_every_kind_of_change() -> None:
    old = _confirmed_by_approval()
    new = replace(
        start_replan(old, on=D(2024, 11, 5), by="紬花子"),
        goals=("週に一度は外に出たい", "修理工房で週に2回手伝いたい"),
        policy="工房での作業体験を中心に、外出の機会を増やす。",
        problems=(*old.problems, ProblemSupport("税の滞納", "分納の相談に同行する")),
        roles=(old.roles[0], Role("修理工房つむぎ", "作業体験の受け入れ", person="木村", frequency="週2回")),
        services=frozenset({PARTICIPATION}),
        monitoring_on=D(2025, 2, 1),
    )
    changes = diff(old, new)
    assert changes == [
        Change("本人の目標", "夜は眠れるようになりたい", ""),
        Change("本人の目標", "", "修理工房で週に2回手伝いたい"),
        Change("支援方針", old.policy, new.policy),
        Change("課題と支援", "", "税の滞納 → 分納の相談に同行する"),
        Change("役割分担", "社会福祉協議会 佐藤：自宅訪問 月2回", ""),
        Change("役割分担", "", "修理工房つむぎ 木村：作業体験の受け入れ 週2回"),
        Change("事業", "なし", "参加支援事業"),
        Change("モニタリング", "2024-08-01", "2025-02-01"),
    ]


def test_diff_of_roles_shows_the_period_and_a_changed_frequency() -> None:
    role = Role("社会福祉協議会", "自宅訪問", person="佐藤", frequency="月2回", start_on=D(2024, 5, 1))
    old = _draft(roles=(role,))
    new = _draft(roles=(replace(role, frequency="週1回"),))
    assert diff(old, new) == [
        Change("役割分担", "社会福祉協議会 佐藤：自宅訪問 月2回（2024-05-01〜）", ""),
        Change("役割分担", "", "社会福祉協議会 佐藤：自宅訪問 週1回（2024-05-01〜）"),
    ]


def test_diff_of_services_lists_them_by_name() -> None:
    old = _draft(services=frozenset({OUTREACH, PARTICIPATION}))
    new = _draft(services=frozenset())
    assert diff(old, new) == [
        Change("事業", "アウトリーチ等を通じた継続的支援事業、参加支援事業", "なし"),
    ]


def test_diff_of_a_removed_monitoring_date() -> None:
    assert diff(_draft(), _draft(monitoring_on=None)) == [Change("モニタリング", "2024-08-01", "")]


# ---- check_complete ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"goals": ()}, "本人の目標を、本人の言葉でひとつ以上書いてください。", "goals"),
        ({"goals": ("", "　")}, "本人の目標を、本人の言葉でひとつ以上書いてください。", "goals"),
        ({"policy": "  "}, "支援方針を書いてください。", "policy"),
        ({"roles": ()}, "役割分担（機関と内容）をひとつ以上書いてください。", "roles"),
        ({"roles": (Role("", "自宅訪問"),)}, "役割分担には機関と内容の両方が必要です。", "roles"),
        ({"roles": (Role("社会福祉協議会", " "),)}, "役割分担には機関と内容の両方が必要です。", "roles"),
        (
            {"roles": (Role("社会福祉協議会", "自宅訪問", start_on=D(2024, 6, 1), end_on=D(2024, 5, 31)),)},
            "社会福祉協議会の役割の期間が逆です。",
            "roles",
        ),
        ({"monitoring_on": None}, "モニタリングの時期を決めてください。", "monitoring_on"),
        ({"drawn_up_by": ""}, "作成者と作成日を入力してください。", "drawn_up_by"),
        ({"drawn_up_on": None}, "作成者と作成日を入力してください。", "drawn_up_by"),
    ],
    ids=[
        "no-goal",
        "blank-goals",
        "no-policy",
        "no-role",
        "role-without-agency",
        "role-without-content",
        "role-period-reversed",
        "no-monitoring",
        "no-author",
        "no-date",
    ],
)
def test_check_complete_names_the_missing_part(changes: dict[str, Any], message: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_complete(_draft(**changes))
    assert caught.value.message == message
    assert caught.value.field == field


def test_a_complete_plan_passes_and_problems_are_optional() -> None:
    check_complete(_draft())
    check_complete(_draft(problems=(), goals=("", "外に出たい")))
    open_ended = Role("民生委員", "見守り", start_on=D(2024, 5, 1))
    check_complete(_draft(roles=(open_ended,)))


# ---- monitoring -------------------------------------------------------------------------------------------


def _monitoring(on: dt.date, next_on: dt.date | None = None, **changes: Any) -> Monitoring:
    fields: dict[str, Any] = {
        "plan_id": 1,
        "on": on,
        "by": "佐藤",
        "progress": (GoalProgress("週に一度は外に出たい", "コンビニまで出かけた", "玄関まで出てきてくれた"),),
        "next_on": next_on,
    }
    fields.update(changes)
    return Monitoring(**fields)


def test_check_monitoring_accepts_a_good_record() -> None:
    check_monitoring(_confirmed_by_approval(), _monitoring(D(2024, 8, 2), D(2024, 10, 1)))
    check_monitoring(_confirmed_by_approval(), _monitoring(D(2024, 8, 2)))


@pytest.mark.parametrize(
    ("record", "message", "field"),
    [
        (_monitoring(D(2024, 8, 2), by=" "), "記録者を入力してください。", "by"),
        (
            _monitoring(D(2024, 8, 2), progress=()),
            "目標ごとの経過をひとつ以上書いてください（小さな変化も大切です）。",
            "progress",
        ),
        (
            _monitoring(
                D(2024, 8, 2), progress=(GoalProgress("週に一度は外に出たい", "  ", "笑顔が見えた"),)
            ),
            "目標ごとの経過をひとつ以上書いてください（小さな変化も大切です）。",
            "progress",
        ),
        (
            _monitoring(D(2024, 8, 2), D(2024, 8, 2)),
            "次のモニタリングは今日より後の日にしてください。",
            "next_on",
        ),
        (
            _monitoring(D(2024, 8, 2), D(2024, 7, 1)),
            "次のモニタリングは今日より後の日にしてください。",
            "next_on",
        ),
    ],
    ids=["no-recorder", "no-progress", "blank-progress", "next-same-day", "next-before"],
)
def test_check_monitoring_refusals(record: Monitoring, message: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_monitoring(_confirmed_by_approval(), record)
    assert caught.value.message == message
    assert caught.value.field == field


def test_monitoring_only_for_a_confirmed_plan() -> None:
    for plan in (_draft(), put_forward(_draft())):
        with pytest.raises(RuleViolation) as caught:
            check_monitoring(plan, _monitoring(D(2024, 8, 2)))
        assert caught.value.message == "モニタリングは確定したプランについて記録します。"


def test_monitoring_due_from_the_plan_date_until_a_record() -> None:
    plan = _confirmed_by_approval()  # monitoring_on 2024-08-01
    assert monitoring_due(plan, [], D(2024, 7, 31)) is None  # not yet
    assert monitoring_due(plan, [], D(2024, 8, 1)) == D(2024, 8, 1)
    assert monitoring_due(plan, [], D(2024, 9, 30)) == D(2024, 8, 1)  # overdue stays due

    done = [_monitoring(D(2024, 8, 2), D(2024, 10, 1))]
    assert monitoring_due(plan, done, D(2024, 9, 1)) is None
    assert monitoring_due(plan, done, D(2024, 10, 1)) == D(2024, 10, 1)
    assert monitoring_due(plan, done, D(2024, 12, 1)) == D(2024, 10, 1)

    # A record up to two weeks early counts; the order of the records does not matter.
    early = [_monitoring(D(2024, 9, 20), D(2024, 12, 1)), _monitoring(D(2024, 7, 19), D(2024, 10, 1))]
    assert monitoring_due(plan, early, D(2024, 11, 1)) is None
    assert monitoring_due(plan, early, D(2024, 12, 1)) == D(2024, 12, 1)


def test_a_record_long_before_the_date_does_not_count() -> None:
    plan = _confirmed_by_approval()
    too_early = [_monitoring(D(2024, 6, 1), D(2024, 12, 1))]
    assert monitoring_due(plan, too_early, D(2024, 8, 10)) == D(2024, 8, 1)


def test_no_monitoring_due_without_a_next_date_until_one_is_set() -> None:
    plan = _confirmed_by_approval()
    last = [_monitoring(D(2024, 8, 2))]  # no next date: nothing is due
    assert monitoring_due(plan, last, D(2025, 3, 1)) is None
    # A later record that sets a next date makes it due again.
    again = [*last, _monitoring(D(2024, 11, 1), D(2025, 1, 15))]
    assert monitoring_due(plan, again, D(2025, 1, 14)) is None
    assert monitoring_due(plan, again, D(2025, 2, 1)) == D(2025, 1, 15)


def test_no_monitoring_due_for_a_plan_not_confirmed() -> None:
    assert monitoring_due(put_forward(_draft()), [], D(2025, 1, 1)) is None
    superseded = replace(_confirmed_by_approval(), state=PlanState.SUPERSEDED)
    assert monitoring_due(superseded, [], D(2025, 1, 1)) is None


# ---- 終結 ---------------------------------------------------------------------------------------------------


def _evaluation(**changes: Any) -> Evaluation:
    fields: dict[str, Any] = {
        "on": D(2025, 3, 10),
        "by": "紬花子",
        "attainments": (
            GoalAttainment("週に一度は外に出たい", Attainment.ACHIEVED),
            GoalAttainment("夜は眠れるようになりたい", Attainment.PARTLY, "睡眠は改善"),
        ),
        "main_supporter": "地域包括支援センター",
        "follow_up_needed": True,
        "follow_up": "3か月後に包括が訪問する",
    }
    fields.update(changes)
    return Evaluation(**fields)


END_MEETINGS = [
    DecidingMeeting(5, D(2025, 2, 10), "評価"),
    DecidingMeeting(6, D(2025, 3, 12), "終結判断"),
    DecidingMeeting(4, D(2025, 3, 1), "終結判断"),
]


def test_end_with_every_goal_evaluated_and_a_deciding_meeting() -> None:
    plan = _confirmed_by_approval()
    assert check_end(plan, _evaluation(), END_MEETINGS) == DecidingMeeting(6, D(2025, 3, 12), "終結判断")
    no_follow_up = _evaluation(follow_up_needed=False, follow_up="")
    assert check_end(plan, no_follow_up, END_MEETINGS).id == 6


def test_end_refused_when_a_goal_is_not_evaluated() -> None:
    plan = _confirmed_by_approval()
    partial = _evaluation(attainments=(GoalAttainment("週に一度は外に出たい", Attainment.ACHIEVED),))
    with pytest.raises(ValidationError) as caught:
        check_end(plan, partial, END_MEETINGS)
    assert caught.value.message == "目標ごとの達成度を評価してください: 夜は眠れるようになりたい"
    assert caught.value.field == "attainments"
    with pytest.raises(ValidationError) as caught:
        check_end(plan, _evaluation(attainments=()), END_MEETINGS)
    assert (
        caught.value.message
        == "目標ごとの達成度を評価してください: 週に一度は外に出たい、夜は眠れるようになりたい"
    )


def test_end_does_not_ask_to_evaluate_a_blank_goal() -> None:
    plan = replace(_confirmed_by_approval(), goals=("週に一度は外に出たい", "", "夜は眠れるようになりたい"))
    assert check_end(plan, _evaluation(), END_MEETINGS).id == 6


def test_end_refused_without_the_main_supporter() -> None:
    with pytest.raises(ValidationError) as caught:
        check_end(_confirmed_by_approval(), _evaluation(main_supporter="　"), END_MEETINGS)
    assert caught.value.message == "これからの主な支援者（機関）を入力してください。"
    assert caught.value.field == "main_supporter"


def test_end_refused_without_the_follow_up_when_one_is_needed() -> None:
    with pytest.raises(ValidationError) as caught:
        check_end(_confirmed_by_approval(), _evaluation(follow_up=" "), END_MEETINGS)
    assert caught.value.message == "フォローアップの方法を入力してください。"
    assert caught.value.field == "follow_up"


def test_end_refused_without_a_meeting_that_decided_it() -> None:
    others = [DecidingMeeting(5, D(2025, 2, 10), "評価"), DecidingMeeting(7, D(2025, 3, 1), "中断決定")]
    for meetings in ([], others):
        with pytest.raises(RuleViolation) as caught:
            check_end(_confirmed_by_approval(), _evaluation(), meetings)
        assert caught.value.message == "終結には、終結判断を理由とする重層的支援会議の開催が必要です。"


# ---- 中断 ---------------------------------------------------------------------------------------------------


ATTEMPTS = [
    ContactAttempt(D(2025, 1, 10), "訪問", "佐藤", "不在。郵便受けにチラシが溜まっている"),
    ContactAttempt(D(2025, 1, 20), "近隣・民生委員への聞き取り", "佐藤", "年末から姿を見ていない"),
]
SUSPEND_MEETINGS = [
    DecidingMeeting(8, D(2025, 2, 5), "中断決定"),
    DecidingMeeting(9, D(2025, 2, 20), "中断決定"),
    DecidingMeeting(10, D(2025, 3, 1), "終結判断"),
]


def test_suspension_with_attempts_and_a_deciding_meeting() -> None:
    assert check_suspension(ATTEMPTS, SUSPEND_MEETINGS) == DecidingMeeting(9, D(2025, 2, 20), "中断決定")


def test_suspension_refused_without_attempts() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_suspension([], SUSPEND_MEETINGS)
    assert caught.value.message == "中断の前に、連絡を試みた記録（日付・方法・誰が・結果）が必要です。"


@pytest.mark.parametrize(
    "attempt",
    [
        ContactAttempt(D(2025, 1, 25), "", "佐藤", "不在"),
        ContactAttempt(D(2025, 1, 25), "電話", " ", "応答なし"),
        ContactAttempt(D(2025, 1, 25), "手紙", "佐藤", "　"),
    ],
    ids=["no-means", "no-who", "no-result"],
)
def test_suspension_refused_with_an_incomplete_attempt(attempt: ContactAttempt) -> None:
    with pytest.raises(ValidationError) as caught:
        check_suspension([*ATTEMPTS, attempt], SUSPEND_MEETINGS)
    assert caught.value.message == "連絡を試みた記録には、方法・誰が・結果が必要です。"
    assert caught.value.field == "attempts"


def test_suspension_refused_without_a_meeting_that_decided_it() -> None:
    for meetings in ([], [DecidingMeeting(10, D(2025, 3, 1), "終結判断")]):
        with pytest.raises(RuleViolation) as caught:
            check_suspension(ATTEMPTS, meetings)
        assert caught.value.message == "中断には、中断決定を理由とする重層的支援会議の開催が必要です。"
