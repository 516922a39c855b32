"""地域資源 for 参加支援: the register of places and activities, and who has been connected there.

A resource (地域資源) is anything in town a person can take part in: a サロン, a 就労体験 at a
farm, a 子ども食堂 that needs helpers, a 当事者の会.  It is 制度内 (run as part of a public
programme) or インフォーマル (a neighbourhood's own activity).  A connection (つながり) records
one case's person taken to one resource, and whether it stuck (定着):

    調整中 ──利用開始──▶ 利用中 ──定着──▶ 定着
      │                  │  ◀──利用中に戻す──┘
      └──────終了────────┴────────終了───────▶ 終了

Every 終了 needs a reason (終了理由); 定着 needs at least one 定着の確認 on record, because
"it stuck" is a judgement made by checking, not by waiting, so 定着 is dated on or after the
latest check.  A 終了 connection is history: to try the same place again, a new connection is
made.  Dates of things that happened (紹介日, 開始日, 確認日…) cannot lie in the future, nor
before what came before them (a move out of 定着 not before the 定着日, a 終了 not before a check).

Only a case that is open is newly connected: a 終結 or 中断 case must be 再開 first.  Connections
made while the case was open stay as they are when it closes (the person may keep going).

While a connection is 利用中, someone should look in on it (定着の確認) every so often; a
connection whose last check (or start) is :data:`DEFAULT_FOLLOW_UP_DAYS` or more days old is
*due* and is listed first.  Dates are plain :class:`datetime.date`; the store keeps them ISO.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NewType

from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId
from jusou_desktop.domain.model import CaseStatus
from jusou_desktop.domain.status import is_open
from jusou_desktop.domain.wareki import format_wareki

ResourceId = NewType("ResourceId", int)
LinkId = NewType("LinkId", int)
CheckId = NewType("CheckId", int)


class ResourceKind(StrEnum):
    """What kind of place or activity (the sources' 参加支援 menus: 居場所, 就労体験, 子ども食堂…)."""

    PLACE = "居場所・サロン"
    WORK = "就労体験・中間就労"
    VOLUNTEER = "ボランティア・地域活動"
    FOOD_LEARNING = "子ども食堂・学習支援"
    PEER = "当事者の会"
    HOBBY = "趣味・サークル"
    FARM = "農作業"
    OTHER = "その他"


KIND_HINTS: dict[ResourceKind, str] = {
    ResourceKind.PLACE: "サロン、通いの場、カフェ、ひきこもり経験者の居場所など",
    ResourceKind.WORK: "企業・事業所での就労体験、中間就労、就労準備の作業など",
    ResourceKind.VOLUNTEER: "地域の清掃・見守り、イベントの実行委員、有償ボランティアなど",
    ResourceKind.FOOD_LEARNING: "子ども食堂・地域食堂の手伝いや利用、学習支援の場",
    ResourceKind.PEER: "断酒会、家族会、ひきこもり当事者の会などの集まり",
    ResourceKind.HOBBY: "囲碁・手芸・ゲーム・音楽などの同好会や教室",
    ResourceKind.FARM: "農園・畑での作業、収穫体験",
    ResourceKind.OTHER: "上のどれにも当てはまらないもの",
}


class Formality(StrEnum):
    """制度内 (part of a public programme or service) or インフォーマル (outside any system)."""

    FORMAL = "制度内"
    INFORMAL = "インフォーマル"


FORMALITY_HINTS: dict[Formality, str] = {
    Formality.FORMAL: "制度や事業として行われているもの（就労準備支援事業、地域活動支援センターなど）",
    Formality.INFORMAL: "制度の外の、住民や団体の自主的な活動（サロン、子ども食堂、サークルなど）",
}


class LinkStatus(StrEnum):
    """つながりの状態."""

    ARRANGING = "調整中"
    USING = "利用中"
    SETTLED = "定着"
    ENDED = "終了"


OPEN_STATUSES = (LinkStatus.ARRANGING, LinkStatus.USING, LinkStatus.SETTLED)


class Condition(StrEnum):
    """How it is going, as judged at a 定着の確認."""

    GOOD = "順調"
    WORRY = "気がかりあり"
    DRIFTING = "参加が途切れがち"


END_REASONS: tuple[str, ...] = (
    "本人の希望",
    "体調や生活の変化",
    "就職・ほかの活動へ移った",
    "転居",
    "受け入れ先の事情",
    "連絡が取れなくなった",
)
"""終了理由 offered in the picker; any other words may be typed."""

DEFAULT_FOLLOW_UP_DAYS = 30
MIN_FOLLOW_UP_DAYS = 7
MAX_FOLLOW_UP_DAYS = 180


# ---- records ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resource:
    """One 地域資源."""

    name: str
    kind: ResourceKind
    formality: Formality = Formality.INFORMAL
    kana: str = ""
    operator: str = ""
    """運営団体 as written (a neighbourhood association need not be a registered agency)."""
    agency_id: AgencyId | None = None
    """The 関係機関 that runs it, when it is one of the registered agencies."""
    offers: str = ""
    audience: str = ""
    district: str = ""
    place: str = ""
    schedule: str = ""
    contact_name: str = ""
    phone: str = ""
    capacity: str = ""
    note: str = ""
    active: bool = True
    id: ResourceId | None = None


@dataclass(frozen=True, slots=True)
class ResourceLink:
    """つながり: one case's person connected to one resource."""

    resource_id: ResourceId
    case_id: CaseId
    referred_on: dt.date
    status: LinkStatus = LinkStatus.ARRANGING
    started_on: dt.date | None = None
    settled_on: dt.date | None = None
    ended_on: dt.date | None = None
    end_reason: str = ""
    referred_by: str = ""
    note: str = ""
    id: LinkId | None = None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """定着の確認: on which day, how it is going, what was seen or heard, by whom."""

    on: dt.date
    condition: Condition
    how: str = ""
    by: str = ""
    id: CheckId | None = None


@dataclass(frozen=True, slots=True)
class LinkEvent:
    """One status move of a connection, kept as its history."""

    from_status: LinkStatus | None
    to_status: LinkStatus
    on: dt.date
    reason: str = ""
    by: str = ""


@dataclass(frozen=True, slots=True)
class LinkRow:
    """A connection as lists show it: with the resource, the case and its latest check."""

    link: ResourceLink
    resource_name: str
    resource_kind: ResourceKind
    case_number: str
    person_name: str
    case_status: CaseStatus
    """The case's status now (a connection stays open when its case is closed)."""
    last_check_on: dt.date | None = None
    last_condition: Condition | None = None
    checks: int = 0

    @property
    def case_is_open(self) -> bool:
        return is_open(self.case_status)

    @property
    def last_contact(self) -> dt.date:
        return last_contact(self.link, self.last_check_on)

    def due_on(self, interval_days: int) -> dt.date | None:
        return follow_up_due_on(self.link, self.last_check_on, interval_days)


@dataclass(frozen=True, slots=True)
class ResourceRow:
    """A resource as the register lists it, with how many people are connected and how."""

    id: ResourceId
    name: str
    kana: str
    kind: ResourceKind
    formality: Formality
    district: str
    schedule: str
    operator: str
    active: bool
    arranging: int = 0
    using: int = 0
    settled: int = 0
    ended: int = 0


# ---- rules -----------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return text.strip()


def validate_resource(resource: Resource) -> Resource:
    """The resource as it will be kept (text trimmed), or a ValidationError naming the field."""
    name = _clean(resource.name)
    if not name:
        raise ValidationError("地域資源の名称を入力してください。", field="name")
    if len(name) > 100:
        raise ValidationError("名称は100文字以内で入力してください。", field="name")
    return replace(
        resource,
        name=name,
        kana=_clean(resource.kana),
        operator=_clean(resource.operator),
        offers=_clean(resource.offers),
        audience=_clean(resource.audience),
        district=_clean(resource.district),
        place=_clean(resource.place),
        schedule=_clean(resource.schedule),
        contact_name=_clean(resource.contact_name),
        phone=_clean(resource.phone),
        capacity=_clean(resource.capacity),
        note=_clean(resource.note),
    )


def _not_future(on: dt.date, today: dt.date, what: str) -> None:
    if on > today:
        raise ValidationError(f"{what}に今日より後の日付は入れられません。", field="on")


def _not_before(on: dt.date, start: dt.date, what: str, start_label: str) -> None:
    if on < start:
        raise ValidationError(
            f"{what}は{start_label}（{format_wareki(start)}）より前にはできません。", field="on"
        )


CONNECTABLE_CASE_STATUSES: tuple[CaseStatus, ...] = tuple(s for s in CaseStatus if is_open(s))
"""The case statuses whose person may be newly connected (not 終結, not 中断)."""


def connect_refusal(case_status: CaseStatus) -> str | None:
    """None when a case in ``case_status`` may be newly connected, else a sentence saying why not."""
    if is_open(case_status):
        return None
    return f"{case_status.value}したケースは新しくつなげません。ケースを再開してから記録してください。"


def new_link(
    resource: Resource,
    case_id: CaseId,
    referred_on: dt.date,
    today: dt.date,
    *,
    case_status: CaseStatus,
    referred_by: str = "",
    note: str = "",
) -> ResourceLink:
    """A new connection in 調整中; a resource that is 休止中, or a case that is 終結 or 中断, takes
    nobody new (``case_status`` is the case's status now)."""
    if resource.id is None:
        raise ValueError("resource without id")
    if not resource.active:
        raise RuleViolation(f"「{resource.name}」は休止中のため、新しくつなぐことはできません。")
    why_not = connect_refusal(case_status)
    if why_not is not None:
        raise RuleViolation(why_not)
    _not_future(referred_on, today, "紹介日")
    return ResourceLink(
        resource_id=resource.id,
        case_id=case_id,
        referred_on=referred_on,
        referred_by=_clean(referred_by),
        note=_clean(note),
    )


@dataclass(frozen=True, slots=True)
class Step:
    source: LinkStatus
    target: LinkStatus
    label: str
    """The button (and dialog) text: 「利用開始」, 「利用中に戻す」…"""
    date_name: str
    """What its date is called in messages: 「利用開始の日付」, 「利用中に戻す日付」…"""
    needs_reason: bool = False


_STEPS: tuple[Step, ...] = (
    Step(LinkStatus.ARRANGING, LinkStatus.USING, "利用開始", "利用開始の日付"),
    Step(LinkStatus.ARRANGING, LinkStatus.ENDED, "終了", "終了の日付", needs_reason=True),
    Step(LinkStatus.USING, LinkStatus.SETTLED, "定着とする", "定着の日付"),
    Step(LinkStatus.USING, LinkStatus.ENDED, "終了", "終了の日付", needs_reason=True),
    Step(LinkStatus.SETTLED, LinkStatus.USING, "利用中に戻す", "利用中に戻す日付"),
    Step(LinkStatus.SETTLED, LinkStatus.ENDED, "終了", "終了の日付", needs_reason=True),
)
_BY_PAIR = {(s.source, s.target): s for s in _STEPS}

_WHY_NOT: dict[LinkStatus, str] = {
    LinkStatus.ARRANGING: "調整中に戻すことはできません。やり直すときは、終了してから新しくつなぎます。",
    LinkStatus.USING: "利用中へは、調整中からの利用開始か、定着からの「利用中に戻す」で移ります。",
    LinkStatus.SETTLED: "定着とできるのは利用中のつながりです。",
    LinkStatus.ENDED: "終了したつながりは変更できません。",
}


def steps_from(status: LinkStatus) -> tuple[Step, ...]:
    """The moves allowed from ``status``, in the order their buttons are shown."""
    return tuple(s for s in _STEPS if s.source == status)


def step(source: LinkStatus, target: LinkStatus) -> Step | None:
    """The move from ``source`` to ``target``, or None when there is no such move."""
    return _BY_PAIR.get((source, target))


def step_label(source: LinkStatus | None, target: LinkStatus) -> str:
    """The button text of the move to ``target`` from ``source`` (「利用中に戻す」 from 定着).

    With no ``source`` (nothing chosen), or none that may move to ``target``, the text of the
    first move into ``target`` (「利用開始」), for a button that is shown disabled.
    """
    found = step(source, target) if source is not None else None
    return (found or next(s for s in _STEPS if s.target == target)).label


def refusal_reason(link: ResourceLink, target: LinkStatus, checks: int) -> str | None:
    """None when ``link`` may move to ``target`` now, else a sentence saying why not."""
    if link.status == LinkStatus.ENDED:
        return _WHY_NOT[LinkStatus.ENDED]
    if link.status == target:
        return f"すでに「{target.value}」です。"
    if (link.status, target) not in _BY_PAIR:
        return f"「{link.status.value}」から「{target.value}」へは移れません。{_WHY_NOT[target]}"
    if target == LinkStatus.SETTLED and checks == 0:
        return "定着とする前に、定着の確認を1回以上記録してください。"
    return None


def move(
    link: ResourceLink,
    target: LinkStatus,
    on: dt.date,
    today: dt.date,
    *,
    reason: str = "",
    last_check_on: dt.date | None = None,
    last_step_on: dt.date | None = None,
) -> ResourceLink:
    """The connection after the move to ``target`` on ``on``, or RuleViolation/ValidationError.

    ``last_check_on`` is the day of the connection's latest 定着の確認 (None when it has none;
    定着 needs one); ``last_step_on`` the day of its latest recorded step (紹介, 利用開始, 定着,
    利用中に戻す…).  The dates stay in order: 開始日 not before 紹介日; 定着 and 終了 not before
    開始日 (or 紹介日 when never started) nor before the latest check; 終了 and 利用中に戻す from
    定着 not before the 定着日; no step before the one recorded last.
    """
    why_not = refusal_reason(link, target, 0 if last_check_on is None else 1)
    if why_not is not None:
        raise RuleViolation(why_not)
    the_step = _BY_PAIR[(link.status, target)]
    what = the_step.date_name
    reason = _clean(reason)
    if the_step.needs_reason and not reason:
        raise ValidationError("終了の理由を入力してください。", field="reason")
    _not_future(on, today, what)
    _not_before(on, link.referred_on, what, "紹介日")
    if link.started_on is not None and target != LinkStatus.USING:
        _not_before(on, link.started_on, what, "開始日")
    if link.settled_on is not None and link.status == LinkStatus.SETTLED:
        _not_before(on, link.settled_on, what, "定着日")
    if last_check_on is not None and target in (LinkStatus.SETTLED, LinkStatus.ENDED):
        _not_before(on, last_check_on, what, "最後の定着の確認")
    if last_step_on is not None:
        _not_before(on, last_step_on, what, "前の記録")
    if target == LinkStatus.USING and link.status == LinkStatus.ARRANGING:
        return replace(link, status=target, started_on=on)
    if target == LinkStatus.USING:  # 定着 → 利用中: the 定着 judgement is withdrawn
        return replace(link, status=target, settled_on=None)
    if target == LinkStatus.SETTLED:
        return replace(link, status=target, settled_on=on)
    return replace(link, status=target, ended_on=on, end_reason=reason)


def can_remove(link: ResourceLink, checks: int) -> str | None:
    """None when a connection entered by mistake may be deleted outright, else why not."""
    if link.status != LinkStatus.ARRANGING or checks:
        return "利用が始まったつながりは削除できません。「終了」として理由とともに記録してください。"
    return None


def can_check(link: ResourceLink) -> str | None:
    """None when a 定着の確認 may be recorded for ``link`` (利用中 or 定着), else why not."""
    if link.status == LinkStatus.ENDED:
        return "終了したつながりには、定着の確認を記録できません。"
    if link.status == LinkStatus.ARRANGING or link.started_on is None:
        return "定着の確認は、利用開始を記録してから記録します。"
    return None


def validate_check(link: ResourceLink, check: FollowUp, today: dt.date) -> FollowUp:
    """A 定着の確認 for ``link`` as it will be kept, or a refusal."""
    why_not = can_check(link)
    if why_not is not None:
        raise RuleViolation(why_not)
    assert link.started_on is not None  # can_check refuses a connection that never started
    _not_future(check.on, today, "確認日")
    _not_before(check.on, link.started_on, "確認日", "開始日")
    how = _clean(check.how)
    if not how:
        raise ValidationError("確認した内容（どんな様子か）を入力してください。", field="how")
    return replace(check, how=how, by=_clean(check.by))


# ---- follow-up (定着の確認) timing --------------------------------------------------------------------


def validate_interval(days: int) -> int:
    if not MIN_FOLLOW_UP_DAYS <= days <= MAX_FOLLOW_UP_DAYS:
        raise ValidationError(
            f"確認の間隔は{MIN_FOLLOW_UP_DAYS}日から{MAX_FOLLOW_UP_DAYS}日のあいだで指定してください。",
            field="interval",
        )
    return days


def last_contact(link: ResourceLink, last_check_on: dt.date | None) -> dt.date:
    """The day the connection was last looked at: the latest check, else its start, else 紹介日."""
    base = link.started_on or link.referred_on
    return max(base, last_check_on) if last_check_on else base


def follow_up_due_on(link: ResourceLink, last_check_on: dt.date | None, interval_days: int) -> dt.date | None:
    """When the next 定着の確認 is due; only a connection in 利用中 falls due."""
    if link.status != LinkStatus.USING:
        return None
    return last_contact(link, last_check_on) + dt.timedelta(days=interval_days)


def due_cutoff(today: dt.date, interval_days: int) -> dt.date:
    """A 利用中 connection whose last contact is on or before this day is due (the SQL's bound)."""
    return today - dt.timedelta(days=interval_days)


def is_due(link: ResourceLink, last_check_on: dt.date | None, interval_days: int, today: dt.date) -> bool:
    due = follow_up_due_on(link, last_check_on, interval_days)
    return due is not None and due <= today
