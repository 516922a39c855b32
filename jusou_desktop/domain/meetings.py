"""Conferences (重層的支援会議・支援会議…) and 行動連携: the rules, in plain Python.

- A case without consent cannot go on a 重層的支援会議; the refusal offers a 支援会議 and says why.
- A 支援会議 binds every attendee to confidentiality (法106条の6): it can be recorded as held only
  when everyone who attended has a recorded pledge (守秘義務の確認).
- Tax information (地方税法22条) is never in meeting material without consent that covers it.
- The four mandatory timings (after a plan is drafted, re-plan, ending, suspension) need a
  重層的支援会議 with that reason; until one is held the case shows 「会議が必要です」.
- Minutes end with a 支援計画 in which every attendee has at least one action (行動連携:
  nobody leaves without a task, 支援者をひとりにしない).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from jusou_desktop.domain.consent import MeetingKind, why_not_jusou
from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId, StaffId
from jusou_desktop.domain.model import CaseStatus, ConsentState


class MeetingType(StrEnum):
    """What kind of meeting (the town gives each its own display name in settings)."""

    JUSOU = "重層的支援会議"
    SUPPORT = "支援会議"
    INTERNAL = "庁内会議"
    EXISTING = "既存の会議"

    @property
    def consent_kind(self) -> MeetingKind | None:
        return {MeetingType.JUSOU: MeetingKind.JUSOU, MeetingType.SUPPORT: MeetingKind.SUPPORT}.get(self)


DEFAULT_DISPLAY_NAMES: dict[MeetingType, str] = {
    MeetingType.JUSOU: "重層的支援会議",
    MeetingType.SUPPORT: "支援会議",
    MeetingType.INTERNAL: "援助方針会議",
    MeetingType.EXISTING: "地域ケア会議",
}


class Holding(StrEnum):
    REGULAR = "定例"
    AD_HOC = "随時"


class MeetingState(StrEnum):
    PLANNED = "予定"
    HELD = "開催済"
    CANCELLED = "中止"


class Reason(StrEnum):
    """Why a case is on the agenda."""

    EVALUATION = "プラン策定後の評価"
    REPLAN = "再プラン"
    ENDING = "終結判断"
    SUSPENSION = "中断決定"
    SHARING = "情報共有"
    URGENT = "緊急"
    OTHER = "その他"


MANDATORY_REASONS: tuple[Reason, ...] = (Reason.EVALUATION, Reason.REPLAN, Reason.ENDING, Reason.SUSPENSION)
"""The four timings at which a 重層的支援会議 must be held (長泉町; domain.md §2.4)."""


class AttendeeKind(StrEnum):
    STAFF = "職員"
    AGENCY = "関係機関"
    NON_OFFICIAL = "関係者（民生委員など）"


class ActionStatus(StrEnum):
    TODO = "未着手"
    DOING = "対応中"
    DONE = "完了"
    DROPPED = "見送り"


OPEN_ACTION_STATUSES = frozenset({ActionStatus.TODO, ActionStatus.DOING})

DEFAULT_AGENDA_LIMIT = 3


@dataclass(frozen=True, slots=True)
class Attendee:
    name: str
    affiliation: str = ""
    kind: AttendeeKind = AttendeeKind.AGENCY
    agency_id: AgencyId | None = None
    staff_id: StaffId | None = None
    attended: bool | None = None  # None: not yet recorded
    pledge_on: dt.date | None = None  # 守秘義務の確認
    pledge_method: str = ""  # 署名 / 口頭 …
    id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.name}（{self.affiliation}）" if self.affiliation else self.name


@dataclass(frozen=True, slots=True)
class Action:
    """One line of the 支援計画 table: who does what by when."""

    attendee_id: int | None
    who: str
    what: str
    due_on: dt.date | None = None
    status: ActionStatus = ActionStatus.TODO
    result: str = ""
    done_on: dt.date | None = None
    case_id: CaseId | None = None
    id: int | None = None

    def overdue(self, today: dt.date) -> bool:
        return self.status in OPEN_ACTION_STATUSES and self.due_on is not None and self.due_on < today


@dataclass(frozen=True, slots=True)
class AgendaItem:
    case_id: CaseId
    reason: Reason
    case_number: str = ""
    case_name: str = ""
    consent: ConsentState = ConsentState.PENDING
    covers_tax: bool = False
    shared_view: str = ""  # 共有した見立て
    decisions: str = ""
    strain: str = ""  # 支援者のしんどさ
    small_changes: str = ""  # 小さな変化
    resource_gaps: tuple[str, ...] = ()  # 「こんな資源があれば」
    next_meeting_on: dt.date | None = None
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True, slots=True)
class Meeting:
    type: MeetingType
    holding: Holding
    on: dt.date
    title: str = ""  # the town's display name at the time
    start: dt.time | None = None
    end: dt.time | None = None
    place: str = ""
    convenor: str = ""
    purpose: str = ""  # 目的
    landing_point: str = ""  # 到達点
    state: MeetingState = MeetingState.PLANNED
    series_id: int | None = None
    agenda: tuple[AgendaItem, ...] = ()
    attendees: tuple[Attendee, ...] = field(default=())
    id: int | None = None


# ---- rules ----------------------------------------------------------------------------------------


def check_case_fits(meeting_type: MeetingType, consent: ConsentState) -> None:
    """A case without consent goes to a 支援会議, never to a 重層的支援会議 (the refusal says why)."""
    if meeting_type is MeetingType.JUSOU:
        reason = why_not_jusou(consent)
        if reason:
            raise RuleViolation(reason)


def check_agenda_size(holding: Holding, count: int, limit: int = DEFAULT_AGENDA_LIMIT) -> None:
    if holding is Holding.REGULAR and count > limit:
        raise RuleViolation(
            f"定例の会議で検討するケースは {limit} 件までです（設定で変えられます）。急ぐケースは随時の会議にしてください。"
        )


def check_reason(meeting_type: MeetingType, reason: Reason) -> None:
    """The mandatory timings are met only by a 重層的支援会議."""
    if reason in MANDATORY_REASONS and meeting_type is not MeetingType.JUSOU:
        raise RuleViolation(
            f"「{reason.value}」は重層的支援会議で行う検討です。会議の種類を確認してください。"
        )


def missing_pledges(meeting_type: MeetingType, attendees: Iterable[Attendee]) -> list[Attendee]:
    """Attendees of a 支援会議 without a recorded confidentiality pledge."""
    if meeting_type is not MeetingType.SUPPORT:
        return []
    return [a for a in attendees if a.attended is not False and a.pledge_on is None]


def attendees_without_action(attendees: Iterable[Attendee], actions: Iterable[Action]) -> list[Attendee]:
    """行動連携: attendees who leave without a single action."""
    assigned = {a.attendee_id for a in actions if a.attendee_id is not None}
    return [a for a in attendees if a.attended and a.id not in assigned]


def check_can_hold(meeting: Meeting) -> None:
    """What must be true to record a meeting as held (開催済)."""
    if not meeting.agenda:
        raise RuleViolation("検討するケースがありません。")
    present = [a for a in meeting.attendees if a.attended]
    if not present:
        raise RuleViolation("出席者を記録してください。")
    if any(a.attended is None for a in meeting.attendees):
        names = "、".join(a.label for a in meeting.attendees if a.attended is None)
        raise RuleViolation(f"出欠が記録されていない人がいます: {names}")
    unpledged = missing_pledges(meeting.type, present)
    if unpledged:
        names = "、".join(a.label for a in unpledged)
        raise RuleViolation(f"支援会議の出席者は全員、守秘義務の確認が必要です。未確認: {names}")
    for item in meeting.agenda:
        check_case_fits(meeting.type, item.consent)
    actions = [action for item in meeting.agenda for action in item.actions]
    alone = attendees_without_action(present, actions)
    if alone:
        names = "、".join(a.label for a in alone)
        raise RuleViolation(f"行動連携: 出席者全員に役割を決めてください。まだ役割のない人: {names}")


def tax_info_allowed(consent: ConsentState, covers_tax: bool) -> bool:
    """地方税法22条: tax information only with consent that covers it, whatever the meeting."""
    return consent is ConsentState.GIVEN and covers_tax


def validate_action(action: Action) -> Action:
    if not action.who.strip():
        raise ValidationError("役割を担う人を選んでください。", "who")
    if not action.what.strip():
        raise ValidationError("何をするかを入力してください。", "what")
    return action


def complete(action: Action, *, on: dt.date, result: str, dropped: bool = False) -> Action:
    """Close an action; a short result is always asked for (what happened, or why it was dropped)."""
    if action.status not in OPEN_ACTION_STATUSES:
        raise RuleViolation(f"この役割はすでに「{action.status.value}」です。")
    if not result.strip():
        raise ValidationError(
            "結果をひとこと入力してください。" if not dropped else "見送る理由を入力してください。", "result"
        )
    status = ActionStatus.DROPPED if dropped else ActionStatus.DONE
    return replace(action, status=status, result=result.strip(), done_on=on)


# ---- mandatory timings ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingNeed:
    """A case that needs a 重層的支援会議 for ``reason`` since ``since``."""

    case_id: CaseId
    reason: Reason
    since: dt.date
    source: str = ""  # what raised it (プラン第2版を作成, 終結の検討…)
    id: int | None = None


@dataclass(frozen=True, slots=True)
class HeldItem:
    """A case discussed at a held meeting, for checking needs."""

    case_id: CaseId
    reason: Reason
    meeting_type: MeetingType
    on: dt.date


def open_needs(needs: Sequence[MeetingNeed], held: Iterable[HeldItem]) -> list[MeetingNeed]:
    """Needs not yet met by a 重層的支援会議 held on or after them with that case and reason."""
    done = [h for h in held if h.meeting_type is MeetingType.JUSOU]
    return [
        need
        for need in needs
        if not any(h.case_id == need.case_id and h.reason is need.reason and h.on >= need.since for h in done)
    ]


_NEEDS_AFTER: dict[tuple[CaseStatus, CaseStatus], Reason] = {
    (CaseStatus.PLANNING, CaseStatus.SUPPORTING): Reason.EVALUATION,
    (CaseStatus.SUPPORTING, CaseStatus.PLANNING): Reason.REPLAN,
    (CaseStatus.MONITORING, CaseStatus.PLANNING): Reason.REPLAN,
}


def need_after_transition(source: CaseStatus, target: CaseStatus, consent: ConsentState) -> Reason | None:
    """The mandatory timing a status move opens: a finished plan is evaluated, a re-plan reviewed.

    Only with consent: without it the case cannot go on a 重層的支援会議 and is followed in
    支援会議 instead.  Ending and suspension are asked for before the move (the meeting decides
    them), so they are raised from the case file, not here.
    """
    if consent is not ConsentState.GIVEN:
        return None
    return _NEEDS_AFTER.get((source, target))


def need_label(need: MeetingNeed) -> str:
    return f"会議が必要です（{need.reason.value}）"
