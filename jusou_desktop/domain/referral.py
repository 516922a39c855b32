"""Referrals (つなぎ): the life of a referral sheet and what the coordinator's C票 answer sets off.

    下書き ──送付──▶ 送付 ──受理──▶ 受理 ──回答──▶ 回答済
      │              │  └─差し戻し─▶ 下書き
      └──取下げ──────┴──────────────┴──▶ 取下げ

Sending needs every *blocking* field of the sheet filled (a draft is always saved, however
incomplete).  Accepting needs a case: the coordinator links an existing one or creates one.
Answering needs a complete answer; the answer's check items become follow-ups (a team member,
a 経過記録, a meeting request, a dated task) that the store writes in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, StaffId
from jusou_desktop.domain.sheets import (
    AnswerAction,
    Binding,
    SheetTemplate,
    blocking,
    bound_date,
    bound_text,
    bound_value,
    check_values,
)


class ReferralState(StrEnum):
    DRAFT = "下書き"
    SENT = "送付"
    ACCEPTED = "受理"
    ANSWERED = "回答済"
    WITHDRAWN = "取下げ"


class ReferralStep(StrEnum):
    """What the user does; each step names the button and the history line."""

    SEND = "送付"
    RETURN = "差し戻し"
    ACCEPT = "受理"
    ANSWER = "回答"
    WITHDRAW = "取下げ"


_STEPS: dict[ReferralStep, tuple[frozenset[ReferralState], ReferralState]] = {
    ReferralStep.SEND: (frozenset({ReferralState.DRAFT}), ReferralState.SENT),
    ReferralStep.RETURN: (frozenset({ReferralState.SENT}), ReferralState.DRAFT),
    ReferralStep.ACCEPT: (frozenset({ReferralState.SENT}), ReferralState.ACCEPTED),
    ReferralStep.ANSWER: (frozenset({ReferralState.ACCEPTED}), ReferralState.ANSWERED),
    ReferralStep.WITHDRAW: (
        frozenset({ReferralState.DRAFT, ReferralState.SENT, ReferralState.ACCEPTED}),
        ReferralState.WITHDRAWN,
    ),
}

EDITABLE_STATES = frozenset({ReferralState.DRAFT})
"""The referrer's sheet can be edited only as a draft; after 送付 it is what was sent."""


def steps_from(state: ReferralState) -> tuple[ReferralStep, ...]:
    return tuple(step for step, (sources, _) in _STEPS.items() if state in sources)


def after(state: ReferralState, step: ReferralStep) -> ReferralState:
    """The state reached by ``step``, or a refusal that says why."""
    sources, target = _STEPS[step]
    if state not in sources:
        allowed = "、".join(s.value for s in steps_from(state)) or "なし"
        raise RuleViolation(
            f"「{state.value}」のつなぎシートは「{step.value}」できません(できること: {allowed})。"
        )
    return target


def check_send(template: SheetTemplate, values: Mapping[str, Any]) -> None:
    """Refuse 送付 while a blocking field is missing; warnings never block."""
    missing = blocking(check_values(template, values))
    if missing:
        names = "、".join(f"{p.part}の「{p.label}」" for p in missing)
        raise RuleViolation(f"送付するには次の項目が必要です: {names}。下書きとしては保存されています。")


def check_withdraw(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError("取下げの理由を入力してください。", "reason")
    return reason


def waiting_days(sent_on: dt.date | None, until: dt.date) -> int | None:
    """Days the sheet has waited since 送付 (None if never sent)."""
    return None if sent_on is None else max(0, (until - sent_on).days)


def referral_number(fiscal_year: int, sequence: int) -> str:
    """受付番号: 年度 and a running number, e.g. 2024-T0012 (T = つなぎ)."""
    return f"{fiscal_year}-T{sequence:04d}"


# ---- the answer (C票) -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """The coordinator's answer, read from the filled answer sheet through its bindings."""

    actions: frozenset[AnswerAction]
    answered_on: dt.date | None
    responder: str
    agency_name: str = ""
    agency_id: AgencyId | None = None
    visit_on: dt.date | None = None
    other: str = ""
    comment: str = ""
    responder_id: StaffId | None = None


def read_answer(template: SheetTemplate, values: Mapping[str, Any]) -> Answer:
    raw_actions = bound_value(template, values, Binding.ANSWER_ACTIONS) or {}
    actions = frozenset(
        AnswerAction(k) for k in raw_actions.get("selected", ()) if k in {a.value for a in AnswerAction}
    )
    agency = bound_value(template, values, Binding.ANSWER_AGENCY) or {}
    agency_id = agency.get("id") if isinstance(agency, Mapping) else None
    responder = bound_value(template, values, Binding.ANSWER_RESPONDER)
    responder_id = responder.get("id") if isinstance(responder, Mapping) else None
    return Answer(
        actions=actions,
        answered_on=bound_date(template, values, Binding.ANSWER_DATE),
        responder=bound_text(template, values, Binding.ANSWER_RESPONDER),
        agency_name=bound_text(template, values, Binding.ANSWER_AGENCY),
        agency_id=AgencyId(agency_id) if isinstance(agency_id, int) else None,
        visit_on=bound_date(template, values, Binding.ANSWER_VISIT_DATE),
        other=bound_text(template, values, Binding.ANSWER_OTHER),
        comment=bound_text(template, values, Binding.ANSWER_COMMENT),
        responder_id=StaffId(responder_id) if isinstance(responder_id, int) else None,
    )


def validate_answer(template: SheetTemplate, answer: Answer) -> None:
    """An answer must say what happens next and, for each check item, what it needs."""

    def label(binding: Binding, fallback: str) -> str:
        f = template.bound(binding)
        return f.label if f else fallback

    def key(binding: Binding) -> str:
        f = template.bound(binding)
        return f.key if f else binding.value

    if not answer.actions:
        raise ValidationError(
            f"「{label(Binding.ANSWER_ACTIONS, '今後の対応')}」をひとつ以上選んでください。",
            key(Binding.ANSWER_ACTIONS),
        )
    if answer.actions & {AnswerAction.CONNECT, AnswerAction.SHARE} and answer.agency_id is None:
        if template.bound(Binding.ANSWER_AGENCY) is None:
            raise ValidationError(
                "この回答様式には、つなぐ先の機関を書く項目がありません。様式を確認してください。"
            )
        raise ValidationError(
            f"「関係機関につなぐ」「情報共有」には「{label(Binding.ANSWER_AGENCY, '機関')}」を"
            "関係機関の一覧から選んでください。",
            key(Binding.ANSWER_AGENCY),
        )
    if AnswerAction.ACCOMPANY in answer.actions and answer.visit_on is None:
        raise ValidationError(
            f"「同席・同行訪問」には「{label(Binding.ANSWER_VISIT_DATE, '訪問予定日')}」を入力してください。",
            key(Binding.ANSWER_VISIT_DATE),
        )
    if AnswerAction.OTHER in answer.actions and not answer.other.strip():
        raise ValidationError(
            f"「その他」を選んだときは「{label(Binding.ANSWER_OTHER, 'その他の内容')}」を書いてください。",
            key(Binding.ANSWER_OTHER),
        )
    if answer.answered_on is None:
        raise ValidationError(
            f"「{label(Binding.ANSWER_DATE, '回答日')}」を入力してください。", key(Binding.ANSWER_DATE)
        )
    if not answer.responder.strip():
        raise ValidationError(
            f"「{label(Binding.ANSWER_RESPONDER, '回答者')}」を入力してください。",
            key(Binding.ANSWER_RESPONDER),
        )


class FollowUpKind(StrEnum):
    TEAM = "チームに加える"
    NOTE = "経過記録"
    MEETING_REQUEST = "会議の開催依頼"
    TASK = "予定"


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One thing an answer sets off on the case."""

    kind: FollowUpKind
    text: str
    agency_id: AgencyId | None = None
    role: str = ""
    due_on: dt.date | None = None
    assignee: str = ""


def follow_ups(answer: Answer, referral_number: str) -> tuple[FollowUp, ...]:
    """What each checked item of the C票 does on the case, in the order of the form."""
    source = f"(つなぎ {referral_number} の回答)"
    day = answer.answered_on
    out: list[FollowUp] = []
    for action in AnswerAction:
        if action not in answer.actions:
            continue
        if action is AnswerAction.CONNECT:
            out.append(FollowUp(FollowUpKind.TEAM, answer.agency_name, answer.agency_id, role="つなぎ先"))
            out.append(FollowUp(FollowUpKind.NOTE, f"{answer.agency_name}につないだ。{source}"))
        elif action is AnswerAction.SHARE:
            out.append(FollowUp(FollowUpKind.TEAM, answer.agency_name, answer.agency_id, role="支援中の機関"))
            out.append(FollowUp(FollowUpKind.NOTE, f"支援中の{answer.agency_name}に情報共有した。{source}"))
        elif action is AnswerAction.MEETING:
            out.append(
                FollowUp(
                    FollowUpKind.MEETING_REQUEST,
                    "支援会議を開催し、関係機関で情報共有と行動連携を行う",
                    due_on=day,
                )
            )
        elif action is AnswerAction.PARTICIPATION:
            out.append(
                FollowUp(
                    FollowUpKind.TASK,
                    "参加支援・アウトリーチ等の利用を検討する",
                    due_on=day + dt.timedelta(days=14) if day else None,
                    assignee=answer.responder,
                )
            )
        elif action is AnswerAction.ACCOMPANY:
            out.append(
                FollowUp(
                    FollowUpKind.TASK,
                    "アセスメントのため相談に同席・同行訪問する",
                    due_on=answer.visit_on,
                    assignee=answer.responder,
                )
            )
        elif action is AnswerAction.OTHER:
            out.append(FollowUp(FollowUpKind.NOTE, f"その他の対応: {answer.other.strip()}{source}"))
    if answer.comment.strip():
        out.append(FollowUp(FollowUpKind.NOTE, f"回答コメント: {answer.comment.strip()}{source}"))
    return tuple(out)
