"""支援プラン: versions, confirmation (長泉町 patterns), monitoring, 終結 and 中断 — plain Python.

Confirmation (domain.md §2.5, seeds/001 (6)):
- a plan that includes アウトリーチ等事業 or 参加支援事業 is 確定 only after the municipality's
  支援決定 (date, by whom, which services, period); other support in it is reviewed, not decided;
- a plan without them is 確定 when a held 重層的支援会議 approves it (了承), and is then reported
  to the municipality.
A re-plan starts as a copy of the current version and shows what changed.  終結 needs an
evaluation and a 重層的支援会議 with reason 終結判断; 中断 needs recorded contact attempts and a
meeting with reason 中断決定.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId


class PlanState(StrEnum):
    DRAFT = "作成中"
    AWAITING_DECISION = "支援決定待ち"
    AWAITING_APPROVAL = "会議の了承待ち"
    CONFIRMED = "確定"
    SUPERSEDED = "再プランにより終了"


class ConfirmationPath(StrEnum):
    DECISION = "町の支援決定で確定"
    APPROVAL = "重層的支援会議の了承で確定（町へ報告）"


class Service(StrEnum):
    """The new businesses whose use the municipality decides (支援決定)."""

    OUTREACH = "アウトリーチ等を通じた継続的支援事業"
    PARTICIPATION = "参加支援事業"


class Attainment(StrEnum):
    ACHIEVED = "達成"
    PARTLY = "一部達成"
    NOT_YET = "未達成"


@dataclass(frozen=True, slots=True)
class ProblemSupport:
    problem: str
    support: str


@dataclass(frozen=True, slots=True)
class Role:
    """役割分担: which agency, who there, what, how often, from when to when."""

    agency_name: str
    what: str
    agency_id: AgencyId | None = None
    person: str = ""
    frequency: str = ""
    start_on: dt.date | None = None
    end_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class SupportDecision:
    """支援決定 by the municipality."""

    decided_on: dt.date
    decided_by: str
    services: frozenset[Service]
    period_from: dt.date
    period_to: dt.date


@dataclass(frozen=True, slots=True)
class Approval:
    """了承 by a held 重層的支援会議, then the report (報告) to the municipality."""

    meeting_id: int
    approved_on: dt.date
    reported_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PlanVersion:
    case_id: CaseId
    number: int  # 0 = 初回, n = 再プラン n
    goals: tuple[str, ...] = ()  # 本人の目標, in the person's own words
    policy: str = ""  # 支援方針
    problems: tuple[ProblemSupport, ...] = ()
    roles: tuple[Role, ...] = ()
    services: frozenset[Service] = frozenset()
    monitoring_on: dt.date | None = None
    drawn_up_by: str = ""
    drawn_up_on: dt.date | None = None
    state: PlanState = PlanState.DRAFT
    decision: SupportDecision | None = None
    approval: Approval | None = None
    id: int | None = None

    @property
    def label(self) -> str:
        return "初回" if self.number == 0 else f"再プラン{self.number}"

    @property
    def path(self) -> ConfirmationPath:
        return confirmation_path(self)


def confirmation_path(plan: PlanVersion) -> ConfirmationPath:
    return ConfirmationPath.DECISION if plan.services else ConfirmationPath.APPROVAL


def check_complete(plan: PlanVersion) -> None:
    """What a plan must say before it is put forward for confirmation."""
    if not any(g.strip() for g in plan.goals):
        raise ValidationError("本人の目標を、本人の言葉でひとつ以上書いてください。", "goals")
    if not plan.policy.strip():
        raise ValidationError("支援方針を書いてください。", "policy")
    if not plan.roles:
        raise ValidationError("役割分担（機関と内容）をひとつ以上書いてください。", "roles")
    for role in plan.roles:
        if not role.agency_name.strip() or not role.what.strip():
            raise ValidationError("役割分担には機関と内容の両方が必要です。", "roles")
        if role.start_on and role.end_on and role.end_on < role.start_on:
            raise ValidationError(f"{role.agency_name}の役割の期間が逆です。", "roles")
    if plan.monitoring_on is None:
        raise ValidationError("モニタリングの時期を決めてください。", "monitoring_on")
    if not plan.drawn_up_by.strip() or plan.drawn_up_on is None:
        raise ValidationError("作成者と作成日を入力してください。", "drawn_up_by")


def put_forward(plan: PlanVersion) -> PlanVersion:
    """作成中 → 支援決定待ち or 会議の了承待ち, by the plan's content."""
    if plan.state is not PlanState.DRAFT:
        raise RuleViolation(f"「{plan.state.value}」のプランは提出できません。")
    check_complete(plan)
    target = PlanState.AWAITING_DECISION if plan.services else PlanState.AWAITING_APPROVAL
    return replace(plan, state=target)


def record_decision(plan: PlanVersion, decision: SupportDecision) -> PlanVersion:
    """支援決定: only for plans with アウトリーチ等・参加支援, covering exactly those services."""
    if plan.state is not PlanState.AWAITING_DECISION:
        raise RuleViolation(
            "支援決定は、アウトリーチ等事業または参加支援事業を含む提出済みのプランにだけ記録します。"
        )
    if not decision.decided_by.strip():
        raise ValidationError("支援決定をした人（課・担当）を入力してください。", "decided_by")
    if decision.period_to < decision.period_from:
        raise ValidationError("支援決定の期間が逆です。", "period")
    missing = plan.services - decision.services
    if missing:
        names = "、".join(s.value for s in Service if s in missing)
        raise RuleViolation(f"プランに含まれる {names} の支援決定がありません。")
    extra = decision.services - plan.services
    if extra:
        names = "、".join(s.value for s in Service if s in extra)
        raise RuleViolation(f"プランに含まれない {names} は支援決定できません。プランを直してください。")
    return replace(plan, decision=decision, state=PlanState.CONFIRMED)


@dataclass(frozen=True, slots=True)
class ApprovingMeeting:
    """What the plan rules need to know about a meeting."""

    id: int
    is_jusou: bool
    held: bool
    on: dt.date
    case_on_agenda: bool


def record_approval(
    plan: PlanVersion, meeting: ApprovingMeeting, *, reported_on: dt.date | None = None
) -> PlanVersion:
    """了承: a held 重層的支援会議 with the case on its agenda, on or after the plan was drawn up."""
    if plan.state is not PlanState.AWAITING_APPROVAL:
        raise RuleViolation(
            "会議の了承は、アウトリーチ等事業・参加支援事業を含まない提出済みのプランに記録します。"
        )
    if not meeting.is_jusou:
        raise RuleViolation("プランの了承は重層的支援会議で行います。")
    if not meeting.held:
        raise RuleViolation("開催済の会議を選んでください。")
    if not meeting.case_on_agenda:
        raise RuleViolation("その会議ではこのケースを検討していません。")
    if plan.drawn_up_on and meeting.on < plan.drawn_up_on:
        raise RuleViolation("プラン作成日より前の会議では了承できません。")
    return replace(plan, approval=Approval(meeting.id, meeting.on, reported_on), state=PlanState.CONFIRMED)


def record_report(plan: PlanVersion, on: dt.date) -> PlanVersion:
    if plan.approval is None:
        raise RuleViolation("町への報告は、会議で了承されたプランについて記録します。")
    return replace(plan, approval=replace(plan.approval, reported_on=on))


def start_replan(current: PlanVersion, *, on: dt.date, by: str) -> PlanVersion:
    """再プラン: a copy of the current version, to be edited; the current one stays until then."""
    if current.state is not PlanState.CONFIRMED:
        raise RuleViolation("再プランは、確定したプランから始めます。")
    return replace(
        current,
        number=current.number + 1,
        state=PlanState.DRAFT,
        decision=None,
        approval=None,
        drawn_up_by=by,
        drawn_up_on=on,
        id=None,
    )


@dataclass(frozen=True, slots=True)
class Change:
    part: str  # 本人の目標 / 支援方針 / 課題と支援 / 役割分担 / 事業 / モニタリング
    before: str
    after: str


def _role_text(role: Role) -> str:
    period = ""
    if role.start_on or role.end_on:
        period = f"（{role.start_on or ''}〜{role.end_on or ''}）"
    return f"{role.agency_name} {role.person}：{role.what} {role.frequency}{period}".replace(
        "  ", " "
    ).strip()


def diff(old: PlanVersion, new: PlanVersion) -> list[Change]:
    """What a re-plan changed, part by part (removed items have an empty after, added an empty before)."""
    changes: list[Change] = []

    def lists(part: str, before: Sequence[str], after: Sequence[str]) -> None:
        for item in before:
            if item not in after:
                changes.append(Change(part, item, ""))
        for item in after:
            if item not in before:
                changes.append(Change(part, "", item))

    lists("本人の目標", old.goals, new.goals)
    if old.policy != new.policy:
        changes.append(Change("支援方針", old.policy, new.policy))
    lists(
        "課題と支援",
        [f"{p.problem} → {p.support}" for p in old.problems],
        [f"{p.problem} → {p.support}" for p in new.problems],
    )
    lists("役割分担", [_role_text(r) for r in old.roles], [_role_text(r) for r in new.roles])
    if old.services != new.services:
        changes.append(
            Change(
                "事業",
                "、".join(s.value for s in Service if s in old.services) or "なし",
                "、".join(s.value for s in Service if s in new.services) or "なし",
            )
        )
    if old.monitoring_on != new.monitoring_on:
        changes.append(Change("モニタリング", str(old.monitoring_on or ""), str(new.monitoring_on or "")))
    return changes


# ---- monitoring ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoalProgress:
    goal: str
    progress: str
    small_change: str = ""


@dataclass(frozen=True, slots=True)
class Monitoring:
    plan_id: int
    on: dt.date
    by: str
    progress: tuple[GoalProgress, ...]
    next_on: dt.date | None = None
    note: str = ""
    id: int | None = None


def check_monitoring(plan: PlanVersion, record: Monitoring) -> None:
    if plan.state is not PlanState.CONFIRMED:
        raise RuleViolation("モニタリングは確定したプランについて記録します。")
    if not record.by.strip():
        raise ValidationError("記録者を入力してください。", "by")
    if not any(p.progress.strip() for p in record.progress):
        raise ValidationError(
            "目標ごとの経過をひとつ以上書いてください（小さな変化も大切です）。", "progress"
        )
    if record.next_on is not None and record.next_on <= record.on:
        raise ValidationError("次のモニタリングは今日より後の日にしてください。", "next_on")


def monitoring_due(plan: PlanVersion, records: Sequence[Monitoring], today: dt.date) -> dt.date | None:
    """The date a monitoring is due (and not yet done), or None."""
    if plan.state is not PlanState.CONFIRMED:
        return None
    due = plan.monitoring_on
    for record in sorted(records, key=lambda r: r.on):
        # A record without a next date leaves nothing due until a later record sets one.
        if due is None or record.on >= due - dt.timedelta(days=14):
            due = record.next_on
    return due if due is not None and due <= today else None


# ---- ending and suspension -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoalAttainment:
    goal: str
    attainment: Attainment
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """評価 at the end: attainment per goal, who supports from now on, follow-up."""

    on: dt.date
    by: str
    attainments: tuple[GoalAttainment, ...]
    main_supporter: str
    follow_up_needed: bool
    follow_up: str = ""


@dataclass(frozen=True, slots=True)
class ContactAttempt:
    on: dt.date
    means: str  # 訪問 / 電話 / 手紙 / 近隣・民生委員への聞き取り…
    by: str
    result: str


@dataclass(frozen=True, slots=True)
class DecidingMeeting:
    """A held 重層的支援会議 with the case on its agenda for a given reason."""

    id: int
    on: dt.date
    reason: str


def check_end(
    plan: PlanVersion, evaluation: Evaluation, meetings: Sequence[DecidingMeeting]
) -> DecidingMeeting:
    """終結: an evaluation of every goal, the main supporter from now on, and a meeting that decided it."""
    evaluated = {a.goal for a in evaluation.attainments}
    missing = [g for g in plan.goals if g.strip() and g not in evaluated]
    if missing:
        raise ValidationError(f"目標ごとの達成度を評価してください: {'、'.join(missing)}", "attainments")
    if not evaluation.main_supporter.strip():
        raise ValidationError("これからの主な支援者（機関）を入力してください。", "main_supporter")
    if evaluation.follow_up_needed and not evaluation.follow_up.strip():
        raise ValidationError("フォローアップの方法を入力してください。", "follow_up")
    deciding = [m for m in meetings if m.reason == "終結判断"]
    if not deciding:
        raise RuleViolation("終結には、終結判断を理由とする重層的支援会議の開催が必要です。")
    return max(deciding, key=lambda m: m.on)


def check_suspension(
    attempts: Sequence[ContactAttempt], meetings: Sequence[DecidingMeeting]
) -> DecidingMeeting:
    """中断: only when contact is lost, shown by recorded attempts, and decided at a meeting."""
    if not attempts:
        raise RuleViolation("中断の前に、連絡を試みた記録（日付・方法・誰が・結果）が必要です。")
    for attempt in attempts:
        if not attempt.means.strip() or not attempt.by.strip() or not attempt.result.strip():
            raise ValidationError("連絡を試みた記録には、方法・誰が・結果が必要です。", "attempts")
    deciding = [m for m in meetings if m.reason == "中断決定"]
    if not deciding:
        raise RuleViolation("中断には、中断決定を理由とする重層的支援会議の開催が必要です。")
    return max(deciding, key=lambda m: m.on)
