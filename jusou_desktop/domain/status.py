"""The case lifecycle: 受付 → アセスメント → プラン作成 → 支援中 ⇄ モニタリング → 終結 / 中断.

A closed (終結) or suspended (中断) case can be re-opened; it goes back to アセスメント and its
history stays.  Every allowed move has the label its button shows; every refused move has a
sentence saying why, for the button's tooltip and for the command line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jusou_desktop.domain.errors import RuleViolation
from jusou_desktop.domain.model import CaseStatus, StatusChange

S = CaseStatus


@dataclass(frozen=True, slots=True)
class Transition:
    source: CaseStatus
    target: CaseStatus
    label: str
    needs_reason: bool = False


_TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.RECEIVED, S.ASSESSMENT, "アセスメント開始"),
    Transition(S.RECEIVED, S.CLOSED, "終結（つなぎで完了）", needs_reason=True),
    Transition(S.ASSESSMENT, S.PLANNING, "プラン作成へ"),
    Transition(S.ASSESSMENT, S.CLOSED, "終結", needs_reason=True),
    Transition(S.ASSESSMENT, S.SUSPENDED, "中断", needs_reason=True),
    Transition(S.PLANNING, S.SUPPORTING, "支援開始"),
    Transition(S.PLANNING, S.ASSESSMENT, "アセスメントに戻す"),
    Transition(S.PLANNING, S.SUSPENDED, "中断", needs_reason=True),
    Transition(S.SUPPORTING, S.MONITORING, "モニタリング"),
    Transition(S.SUPPORTING, S.PLANNING, "再プラン"),
    Transition(S.SUPPORTING, S.CLOSED, "終結", needs_reason=True),
    Transition(S.SUPPORTING, S.SUSPENDED, "中断", needs_reason=True),
    Transition(S.MONITORING, S.SUPPORTING, "支援継続"),
    Transition(S.MONITORING, S.PLANNING, "再プラン"),
    Transition(S.MONITORING, S.CLOSED, "終結", needs_reason=True),
    Transition(S.MONITORING, S.SUSPENDED, "中断", needs_reason=True),
    Transition(S.CLOSED, S.ASSESSMENT, "再開", needs_reason=True),
    Transition(S.SUSPENDED, S.ASSESSMENT, "再開", needs_reason=True),
)

_BY_PAIR: dict[tuple[CaseStatus, CaseStatus], Transition] = {(t.source, t.target): t for t in _TRANSITIONS}

_WHY_NOT: dict[CaseStatus, str] = {
    S.RECEIVED: "受付に戻すことはできません。やり直す場合は「再開」でアセスメントから始めます。",
    S.ASSESSMENT: "アセスメントへは、受付から、プラン作成から、または終結・中断からの再開で移ります。",
    S.PLANNING: "プラン作成へは、アセスメントの後、または支援中・モニタリングからの再プランで移ります。",
    S.SUPPORTING: "支援中へは、プランを作成してから移ります。",
    S.MONITORING: "モニタリングは支援中のケースについて行います。",
    S.CLOSED: "終結は、受付・アセスメント・支援中・モニタリングのケースについて判断します。",
    S.SUSPENDED: "中断は、連絡が取れなくなったアセスメント以降のケースについて決定します。",
}


def transitions_from(status: CaseStatus) -> tuple[Transition, ...]:
    """The moves allowed from ``status``, in the order their buttons are shown."""
    return tuple(t for t in _TRANSITIONS if t.source == status)


def is_allowed(source: CaseStatus, target: CaseStatus) -> bool:
    return (source, target) in _BY_PAIR


def refusal_reason(source: CaseStatus, target: CaseStatus) -> str | None:
    """None when the move is allowed, else a Japanese sentence explaining why not."""
    if source == target:
        return f"すでに「{target}」です。"
    if is_allowed(source, target):
        return None
    return f"「{source}」から「{target}」へは移れません。{_WHY_NOT[target]}"


def transition(
    source: CaseStatus,
    target: CaseStatus,
    on: dt.date,
    reason: str = "",
    by: str = "",
) -> StatusChange:
    """Validate a move and return the record to keep, or raise RuleViolation."""
    why_not = refusal_reason(source, target)
    if why_not is not None:
        raise RuleViolation(why_not)
    step = _BY_PAIR[(source, target)]
    if step.needs_reason and not reason.strip():
        raise RuleViolation(f"「{step.label}」には理由の記入が必要です。")
    return StatusChange(source, target, on, reason.strip(), by)


def is_open(status: CaseStatus) -> bool:
    return status not in (S.CLOSED, S.SUSPENDED)
