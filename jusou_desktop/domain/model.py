"""The records of the domain: people, households, cases, agencies, staff, notes, consent.

Plain frozen dataclasses.  Values the user sees (status names, consent states, note kinds…)
are the Japanese words themselves, so what is stored, shown and printed is one spelling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from jusou_desktop.domain.ids import AgencyId, CaseId, ConsentId, HouseholdId, NoteId, PersonId, StaffId


class Sex(StrEnum):
    MALE = "男"
    FEMALE = "女"
    OTHER = "その他"
    UNKNOWN = "不明"


class CaseStatus(StrEnum):
    RECEIVED = "受付"
    ASSESSMENT = "アセスメント"
    PLANNING = "プラン作成"
    SUPPORTING = "支援中"
    MONITORING = "モニタリング"
    CLOSED = "終結"
    SUSPENDED = "中断"


class ConsentState(StrEnum):
    """情報共有への本人同意."""

    GIVEN = "あり"
    REFUSED = "なし"
    PENDING = "確認中"


class ConsentMethod(StrEnum):
    WRITTEN = "書面"
    ORAL = "口頭"
    OTHER = "その他"


class AgencyField(StrEnum):
    """支援関係機関の分野 (domain.md §6)."""

    ELDERLY = "高齢"
    DISABILITY = "障害"
    CHILDREN = "子ども"
    POVERTY = "困窮"
    HEALTH = "保健"
    EDUCATION = "教育"
    HOUSING = "住まい"
    TAX = "税"
    WATER = "水道"
    MEDICAL = "医療"
    LEGAL = "司法"
    COMMUNITY = "地域"
    GENERAL = "総合"
    OTHER = "その他"


class Business(StrEnum):
    """社会福祉法106条の4 第2項の号 (domain.md §1)."""

    CONSULTATION_ELDERLY = "第1号イ"
    CONSULTATION_DISABILITY = "第1号ロ"
    CONSULTATION_CHILDREN = "第1号ハ"
    CONSULTATION_POVERTY = "第1号ニ"
    PARTICIPATION = "第2号"
    COMMUNITY = "第3号"
    OUTREACH = "第4号"
    COLLABORATION = "第5号"
    PLANNING = "第6号"
    OUTSIDE = "事業外"


BUSINESS_DESCRIPTIONS: dict[Business, str] = {
    Business.CONSULTATION_ELDERLY: "包括的相談支援事業（地域包括支援センター）",
    Business.CONSULTATION_DISABILITY: "包括的相談支援事業（障害者相談支援）",
    Business.CONSULTATION_CHILDREN: "包括的相談支援事業（利用者支援事業）",
    Business.CONSULTATION_POVERTY: "包括的相談支援事業（自立相談支援）",
    Business.PARTICIPATION: "参加支援事業",
    Business.COMMUNITY: "地域づくり事業",
    Business.OUTREACH: "アウトリーチ等を通じた継続的支援事業",
    Business.COLLABORATION: "多機関協働事業",
    Business.PLANNING: "支援プランの作成",
    Business.OUTSIDE: "重層事業の外の機関",
}


class Operation(StrEnum):
    DIRECT = "直営"
    CONTRACTED = "委託"


class NoteKind(StrEnum):
    """経過記録の種別."""

    VISIT = "訪問"
    PHONE = "電話"
    OFFICE = "来所"
    ACCOMPANY = "同行"
    MEETING = "会議"
    LETTER = "文書"
    EMAIL = "メール"
    OTHER = "その他"


RELATIONS: tuple[str, ...] = (
    "本人",
    "配偶者",
    "子",
    "子の配偶者",
    "父",
    "母",
    "兄弟姉妹",
    "祖父母",
    "孫",
    "おじ・おば",
    "おい・めい",
    "その他の親族",
    "同居人",
)
"""続柄 offered in pickers; free text is accepted too."""


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Age in full years on ``on`` (a person born on 29 February ages on 1 March)."""
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    kana: str = ""
    birth_date: dt.date | None = None
    sex: Sex = Sex.UNKNOWN
    postal_code: str = ""
    address: str = ""
    district: str = ""
    phone: str = ""
    note: str = ""
    id: PersonId | None = None


@dataclass(frozen=True, slots=True)
class HouseholdMember:
    person: Person
    relation: str
    lives_together: bool = True
    note: str = ""


@dataclass(frozen=True, slots=True)
class Household:
    name: str
    members: tuple[HouseholdMember, ...] = ()
    id: HouseholdId | None = None


@dataclass(frozen=True, slots=True)
class Consent:
    """One entry of the consent history; the newest entry is the case's current consent."""

    state: ConsentState
    recorded_on: dt.date
    method: ConsentMethod | None = None
    scope: str = ""
    covers_tax_info: bool = False
    recorded_by: str = ""
    note: str = ""
    id: ConsentId | None = None


@dataclass(frozen=True, slots=True)
class Agency:
    """支援関係機関."""

    name: str
    field: AgencyField
    business: Business = Business.OUTSIDE
    operation: Operation | None = None
    department: str = ""
    kana: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    note: str = ""
    active: bool = True
    id: AgencyId | None = None


@dataclass(frozen=True, slots=True)
class Staff:
    """A person working for an agency (used as contact, team member and note author)."""

    name: str
    agency_id: AgencyId | None = None
    kana: str = ""
    title: str = ""
    phone: str = ""
    email: str = ""
    active: bool = True
    id: StaffId | None = None


@dataclass(frozen=True, slots=True)
class TeamMember:
    agency_id: AgencyId
    staff_id: StaffId | None = None
    is_lead: bool = False
    role: str = ""


@dataclass(frozen=True, slots=True)
class Note:
    """経過記録."""

    case_id: CaseId
    noted_on: dt.date
    kind: NoteKind
    body: str
    author_staff_id: StaffId | None = None
    author_name: str = ""
    id: NoteId | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    from_status: CaseStatus | None
    to_status: CaseStatus
    changed_on: dt.date
    reason: str = ""
    changed_by: str = ""


@dataclass(frozen=True, slots=True)
class Case:
    """A household case with its 本人 (principal)."""

    number: str
    principal: Person
    household: Household
    status: CaseStatus
    opened_on: dt.date
    route: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()
    consent: Consent | None = None
    team: tuple[TeamMember, ...] = ()
    closed_on: dt.date | None = None
    id: CaseId | None = None

    @property
    def consent_state(self) -> ConsentState:
        return self.consent.state if self.consent else ConsentState.PENDING

    @property
    def lead(self) -> TeamMember | None:
        return next((m for m in self.team if m.is_lead), None)


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One line of the case list: what the list shows, read in one query."""

    id: CaseId
    number: str
    name: str
    kana: str
    status: CaseStatus
    opened_on: dt.date
    district: str
    consent_state: ConsentState
    lead_agency: str
    tags: tuple[str, ...] = field(default=())
