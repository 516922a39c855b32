"""実績 (yearly figures for the town office) — the shapes shared by the counting and the workbook.

Each figure has one written definition (what is counted, on which date), shown in the app and
in the workbook's 定義 sheet.  Months run April → March (fiscal year; 令和6年度 = 2024).
No personal data ever enters these shapes: only counts.

The counting itself is here too, in plain Python: the store reads plain events (dates,
categories and opaque numeric keys, never a name or a free text) for the year asked and the
year before, and :func:`build_rows` turns them into :class:`FigureRow` s in :data:`FIGURES`
order.  Every rule is written once in code (below) and once in Japanese (``Figure.definition``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.meetings import Holding, MeetingType
from jusou_desktop.domain.model import Business, CaseStatus, Operation
from jusou_desktop.domain.status import is_open
from jusou_desktop.domain.wareki import fiscal_year_bounds


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure's identity and its one definition."""

    key: str  # stable, ASCII (placeholder names in templates use it)
    label: str  # 相談受付件数（新規） …
    definition: str  # what is counted, on which date
    group: str = ""  # 相談受付 / 多機関協働 / 会議 / 参加支援 / アウトリーチ …
    unit: str = "件"


@dataclass(frozen=True, slots=True)
class FigureRow:
    figure: Figure
    monthly: tuple[int, ...]  # 12 values, April first
    previous_total: int | None = None  # the same figure in the previous fiscal year
    target: int | None = None  # 成果目標 (settings), if any

    @property
    def total(self) -> int:
        return sum(self.monthly)


@dataclass(frozen=True, slots=True)
class JissekiData:
    town: str
    fiscal_year: int  # starting Western year: 令和6年度 = 2024
    rows: tuple[FigureRow, ...] = field(default=())


# ---- categories: 相談経路 and 分野 ----------------------------------------------------------------

ROUTE_SELF = "本人"
ROUTE_FAMILY = "家族・親族"
ROUTE_COMMUNITY = "民生委員・地域住民"
ROUTE_AGENCY = "関係機関"
ROUTE_OFFICE = "庁内他課"
ROUTE_OUTREACH = "アウトリーチ"
ROUTE_OTHER = "その他・不明"

ROUTES: tuple[str, ...] = (
    ROUTE_SELF,
    ROUTE_FAMILY,
    ROUTE_COMMUNITY,
    ROUTE_AGENCY,
    ROUTE_OFFICE,
    ROUTE_OUTREACH,
    ROUTE_OTHER,
)
"""The 相談経路 categories of a new case, in the order they are shown; each new case has one."""

_ROUTE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (ROUTE_OUTREACH, ("アウトリーチ", "訪問で把握", "掘り起こし")),
    (ROUTE_OFFICE, ("庁内", "役場", "役所", "課")),
    (ROUTE_COMMUNITY, ("民生委員", "児童委員", "住民", "近所", "近隣", "自治会", "町内会")),
    (ROUTE_FAMILY, ("家族", "親族", "配偶者", "夫", "妻", "母", "父", "息子", "娘", "兄弟", "姉妹")),
    (ROUTE_SELF, ("本人",)),
    (
        ROUTE_AGENCY,
        (
            "つなぎ",
            "紹介",
            "機関",
            "センター",
            "事業所",
            "学校",
            "病院",
            "医院",
            "クリニック",
            "施設",
            "社協",
            "社会福祉協議会",
            "包括",
            "保健所",
            "警察",
            "ハローワーク",
            "事務所",
        ),
    ),
)
"""The words of the free-text 相談経路, tried in this order; the first category that matches wins."""

_ROUTE_WORDS_OF: dict[str, tuple[str, ...]] = dict(_ROUTE_WORDS)
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    """NFKC, no spaces, and 「課題」 removed (so that 「課」 means a section of the office)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).replace("課題", "")


def _has_any(text: str, words: Iterable[str]) -> bool:
    return any(word in text for word in words)


def classify_route(route: str, referred_by: str | None = None) -> str:
    """The 相談経路 category of a new case (one of :data:`ROUTES`).

    ``referred_by`` is the name of the agency that sent a referral sheet accepted on or before
    the case's 受付日 (``""`` when the sheet names none), or ``None`` when there is no such sheet.
    A referred case is 庁内他課 or 民生委員・地域住民 when the sender's name says so, else 関係機関;
    any other case is classified by the words of its 相談経路 (see ``_ROUTE_WORDS``).
    """
    if referred_by is not None:
        sender = _fold(referred_by)
        if _has_any(sender, _ROUTE_WORDS_OF[ROUTE_OFFICE]):
            return ROUTE_OFFICE
        if _has_any(sender, _ROUTE_WORDS_OF[ROUTE_COMMUNITY]):
            return ROUTE_COMMUNITY
        return ROUTE_AGENCY
    text = _fold(route)
    for category, words in _ROUTE_WORDS:
        if _has_any(text, words):
            return category
    return ROUTE_OTHER


FIELD_ELDERLY = "高齢"
FIELD_DISABILITY = "障害"
FIELD_CHILDREN = "子ども"
FIELD_POVERTY = "困窮"
FIELD_OTHER = "その他"

FIELDS: tuple[str, ...] = (FIELD_ELDERLY, FIELD_DISABILITY, FIELD_CHILDREN, FIELD_POVERTY, FIELD_OTHER)
"""The 分野 of a new case, after the four existing consultation businesses (第1号イ〜ニ)."""

FIELD_OF_TAG: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "8050": (FIELD_ELDERLY,),
        "ダブルケア": (FIELD_ELDERLY, FIELD_CHILDREN),
        "ヤングケアラー": (FIELD_CHILDREN,),
        "不登校": (FIELD_CHILDREN,),
        "障害の疑い": (FIELD_DISABILITY,),
        "精神疾患": (FIELD_DISABILITY,),
        "依存症": (FIELD_DISABILITY,),
        "生活困窮": (FIELD_POVERTY,),
        "家賃滞納・債務": (FIELD_POVERTY,),
        "浪費": (FIELD_POVERTY,),
        "就労": (FIELD_POVERTY,),
        "住まい": (FIELD_POVERTY,),
    }
)
"""The standard tags (domain/tags.py) that put a case in one of the four fields."""

UNFIELDED_TAGS: tuple[str, ...] = (
    "ひきこもり",
    "社会的孤立",
    "ごみ屋敷・セルフネグレクト",
    "虐待",
    "DV",
    "権利擁護・成年後見",
    "孤独死リスク",
)
"""Standard tags that belong to no single field (or to any): alone, they make a case その他."""


def fields_of_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """The fields of a case from its tags, in :data:`FIELDS` order; ``("その他",)`` when none of the four."""
    found = {f for tag in tags for f in FIELD_OF_TAG.get(tag.strip(), ())}
    return tuple(f for f in FIELDS if f in found) or (FIELD_OTHER,)


def tags_of_field(field_name: str) -> tuple[str, ...]:
    return tuple(tag for tag, fields in FIELD_OF_TAG.items() if field_name in fields)


# ---- 協力企業・団体 ---------------------------------------------------------------------------------

_COORDINATING_BUSINESSES = frozenset(
    {
        Business.CONSULTATION_ELDERLY,
        Business.CONSULTATION_DISABILITY,
        Business.CONSULTATION_CHILDREN,
        Business.CONSULTATION_POVERTY,
        Business.PARTICIPATION,
        Business.OUTREACH,
        Business.COLLABORATION,
        Business.PLANNING,
    }
)
"""Agencies that run the consultation and coordination businesses: they are not 協力企業・団体."""


def partner_key(agency_id: int | None, name: str, business: str | None, operation: str | None) -> str | None:
    """Who a line of a plan's 役割分担 counts as, for 協力企業・団体数, or None when it does not count.

    A registered agency (``agency_id``, with its ``business`` and ``operation``) counts unless it
    runs a consultation or coordination business of the 重層事業 or is run by the town itself
    (直営: 役場の課…).  A name without a registered agency counts as itself (spaces and
    full-width forms folded); an empty name does not count.
    """
    if agency_id is not None:
        if operation == Operation.DIRECT.value:
            return None
        if business is not None and business in {b.value for b in _COORDINATING_BUSINESSES}:
            return None
        return f"機関:{agency_id}"
    folded = _SPACES.sub("", unicodedata.normalize("NFKC", name))
    return f"名前:{folded}" if folded else None


# ---- events: what the store reads ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewCase:
    """A case by its 受付日, with its 相談経路 category and its fields (never its text)."""

    opened_on: dt.date
    route: str  # one of ROUTES
    fields: tuple[str, ...]  # from FIELDS, at least one


@dataclass(frozen=True, slots=True)
class Activity:
    """Something done on a case on a day (経過記録, a held meeting, a referral sent or accepted)."""

    case: int  # opaque key
    opened_on: dt.date  # the case's 受付日
    on: dt.date
    open: bool  # the case was open on that day (see open_that_day)


@dataclass(frozen=True, slots=True)
class HeldMeeting:
    type: MeetingType
    holding: Holding
    on: dt.date


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One case, person or organisation (an opaque key) on a date."""

    key: Hashable
    on: dt.date


@dataclass(frozen=True, slots=True)
class ConfirmedPlan:
    number: int  # 0 = 初回, n = 再プラン n
    on: dt.date  # 支援決定日 or 了承日


@dataclass(frozen=True, slots=True)
class Ending:
    kind: CaseStatus  # 終結 or 中断
    on: dt.date


@dataclass(frozen=True, slots=True)
class Events:
    """Everything counted, for the fiscal year asked and the one before (for previous_total)."""

    new_cases: tuple[NewCase, ...] = ()
    activities: tuple[Activity, ...] = ()  # of cases opened before the year asked
    meetings: tuple[HeldMeeting, ...] = ()  # held 重層的支援会議 and 支援会議
    reviews: tuple[Occurrence, ...] = ()  # case × held 重層的支援会議 / 支援会議
    plans: tuple[ConfirmedPlan, ...] = ()
    endings: tuple[Ending, ...] = ()
    participants: tuple[Occurrence, ...] = ()  # 本人 × 支援決定 with 参加支援事業
    partners: tuple[Occurrence, ...] = ()  # partner_key × 支援決定 with 参加支援事業
    outreach: tuple[Occurrence, ...] = ()  # case × 支援決定 with アウトリーチ等, since ever


def open_that_day(status_before: CaseStatus | None, became_open_that_day: bool) -> bool:
    """Was the case open on a day: open at its start (None: no status yet), or re-opened that day.

    A case closed during the day was open that day; a case closed before it and not re-opened
    was not.
    """
    return status_before is None or is_open(status_before) or became_open_that_day


# ---- counting -----------------------------------------------------------------------------------

MONTHS = 12
ZERO: tuple[int, ...] = (0,) * MONTHS


def month_index(on: dt.date, fiscal_year: int) -> int | None:
    """0 for April … 11 for March of ``fiscal_year``; None outside it."""
    start, end = fiscal_year_bounds(fiscal_year)
    if not start <= on <= end:
        return None
    return (on.month - 4) % MONTHS


def count_by_month(dates: Iterable[dt.date], fiscal_year: int) -> tuple[int, ...]:
    """How many of ``dates`` fall in each month of the fiscal year (others are ignored)."""
    counts = [0] * MONTHS
    for on in dates:
        index = month_index(on, fiscal_year)
        if index is not None:
            counts[index] += 1
    return tuple(counts)


def count_once_a_month(items: Iterable[Occurrence], fiscal_year: int) -> tuple[int, ...]:
    """Each key at most once a month (a case with three notes in May counts once in May)."""
    seen: set[tuple[Hashable, int]] = set()
    counts = [0] * MONTHS
    for item in items:
        index = month_index(item.on, fiscal_year)
        if index is not None and (item.key, index) not in seen:
            seen.add((item.key, index))
            counts[index] += 1
    return tuple(counts)


def count_first_in_year(items: Iterable[Occurrence], fiscal_year: int) -> tuple[int, ...]:
    """Each key once in the year, in the month of its first date within the year."""
    start, end = fiscal_year_bounds(fiscal_year)
    first: dict[Hashable, dt.date] = {}
    for item in items:
        if start <= item.on <= end and (item.key not in first or item.on < first[item.key]):
            first[item.key] = item.on
    return count_by_month(first.values(), fiscal_year)


def count_first_ever(items: Iterable[Occurrence], fiscal_year: int) -> tuple[int, ...]:
    """Each key in the month of its first date ever, if that falls in the year (else not at all)."""
    first: dict[Hashable, dt.date] = {}
    for item in items:
        if item.key not in first or item.on < first[item.key]:
            first[item.key] = item.on
    return count_by_month(first.values(), fiscal_year)


def count_continuing(activities: Iterable[Activity], fiscal_year: int) -> tuple[int, ...]:
    """相談受付件数（継続）: cases opened before the year, open and active in the month, once a month."""
    start, _ = fiscal_year_bounds(fiscal_year)
    return count_once_a_month(
        (Occurrence(a.case, a.on) for a in activities if a.open and a.opened_on < start), fiscal_year
    )


# ---- the figures ------------------------------------------------------------------------------

GROUP_CONSULT = "相談受付"
GROUP_COLLAB = "多機関協働"
GROUP_PLAN = "支援プラン"
GROUP_MEETING = "会議"
GROUP_END = "終結・中断"
GROUP_PARTICIPATION = "参加支援"
GROUP_OUTREACH = "アウトリーチ"

ROUTE_KEYS: Mapping[str, str] = MappingProxyType(
    {
        ROUTE_SELF: "consult_new_route_self",
        ROUTE_FAMILY: "consult_new_route_family",
        ROUTE_COMMUNITY: "consult_new_route_community",
        ROUTE_AGENCY: "consult_new_route_agency",
        ROUTE_OFFICE: "consult_new_route_office",
        ROUTE_OUTREACH: "consult_new_route_outreach",
        ROUTE_OTHER: "consult_new_route_other",
    }
)
FIELD_KEYS: Mapping[str, str] = MappingProxyType(
    {
        FIELD_ELDERLY: "consult_new_field_elderly",
        FIELD_DISABILITY: "consult_new_field_disability",
        FIELD_CHILDREN: "consult_new_field_children",
        FIELD_POVERTY: "consult_new_field_poverty",
        FIELD_OTHER: "consult_new_field_other",
    }
)
MEETING_KEYS: Mapping[tuple[MeetingType, Holding | None], str] = MappingProxyType(
    {
        (MeetingType.JUSOU, None): "jusou_meetings",
        (MeetingType.JUSOU, Holding.REGULAR): "jusou_meetings_regular",
        (MeetingType.JUSOU, Holding.AD_HOC): "jusou_meetings_adhoc",
        (MeetingType.SUPPORT, None): "support_meetings",
        (MeetingType.SUPPORT, Holding.REGULAR): "support_meetings_regular",
        (MeetingType.SUPPORT, Holding.AD_HOC): "support_meetings_adhoc",
    }
)
COUNTED_MEETING_TYPES: tuple[MeetingType, ...] = (MeetingType.JUSOU, MeetingType.SUPPORT)


def _quoted(words: Iterable[str]) -> str:
    return "".join(f"「{w}」" for w in words)


_ROUTE_ORDER = "→".join(category for category, _words in _ROUTE_WORDS)
_ROUTE_RULE = (
    "経路はケースごとに一つで、経路別の合計は新規の件数と同じになる。"
    "受付日までに受理したつなぎシートがあるケースは、送り元の機関名で分ける"
    f"（{_quoted(_ROUTE_WORDS_OF[ROUTE_OFFICE])}を含めば庁内他課、"
    f"{_quoted(_ROUTE_WORDS_OF[ROUTE_COMMUNITY])}を含めば民生委員・地域住民、それ以外は関係機関）。"
    f"それ以外のケースは「相談経路」の文言を{_ROUTE_ORDER}の順に調べ、最初に当てはまった経路にする"
    "（「課題」の「課」は目印にしない）。"
)


def _route_definition(route: str) -> str:
    if route == ROUTE_OTHER:
        which = "相談経路が空欄か、どの目印にも当たらないケース"
    else:
        which = f"経路が「{route}」のケース（相談経路の目印: {_quoted(_ROUTE_WORDS_OF[route])}）"
    return f"相談受付件数（新規）のうち、{which}の数。{_ROUTE_RULE}"


_FIELD_RULE = (
    "分野は集計した時点のケースの課題タグで決める。複数の分野に当たるケースはそれぞれの分野に数える"
    "（複数計上のため、分野別の合計は新規の件数より多くなることがある）。"
)


def _field_definition(field_name: str) -> str:
    if field_name == FIELD_OTHER:
        which = (
            "高齢・障害・子ども・困窮のどの分野のタグもないケース"
            f"（タグなし、{_quoted(UNFIELDED_TAGS)}や町独自のタグだけのケース）"
        )
    else:
        which = f"「{field_name}」分野の課題タグ（{_quoted(tags_of_field(field_name))}）があるケース"
    return f"相談受付件数（新規）のうち、{which}の数。{_FIELD_RULE}"


def _meeting_definitions(meeting_type: MeetingType) -> dict[Holding | None, str]:
    name = "重層的支援会議" if meeting_type is MeetingType.JUSOU else "支援会議（社会福祉法106条の6）"
    total = f"開催済として記録した{name}の数。開催日の月に数える。予定のままの会議と中止した会議は数えない。"
    return {
        None: f"{total}定例と随時の合計。",
        Holding.REGULAR: f"{total}そのうち定例として開いたもの。",
        Holding.AD_HOC: f"{total}そのうち随時（臨時）に開いたもの。",
    }


def _figures() -> tuple[Figure, ...]:
    figures: list[Figure] = [
        Figure(
            "consult_new",
            "相談受付件数（新規）",
            "その月に受付日（ケースの受付日）がある新しいケースの数。窓口・電話・訪問で受け付けたケースも、"
            "つなぎシートを受理して開いたケースも含む。終結・中断したケースの再開は新規に数えない"
            "（同じケースの続き）。",
            GROUP_CONSULT,
        )
    ]
    figures += [
        Figure(key, f"新規のうち 経路：{route}", _route_definition(route), GROUP_CONSULT)
        for route, key in ROUTE_KEYS.items()
    ]
    figures += [
        Figure(key, f"新規のうち 分野：{name}", _field_definition(name), GROUP_CONSULT)
        for name, key in FIELD_KEYS.items()
    ]
    figures += [
        Figure(
            "consult_continuing",
            "相談受付件数（継続）",
            "年度の初日（4月1日）より前に受付したケースのうち、その月に経過記録・開催済の会議での検討・"
            "つなぎシートの送付または受理のいずれかがあり、その日にケースが開いていた（終結・中断の状態で"
            "なかった。その日のうちに終結・再開した場合を含む）ものの数。同じケースは月に1回だけ数え、"
            "年度の合計は延べ件数。",
            GROUP_CONSULT,
        ),
        Figure(
            "case_reviews",
            "多機関協働 事例検討件数",
            "開催済の重層的支援会議・支援会議で検討したケースの延べ件数（前から続けて検討するケースを含む）。"
            "会議の開催日の月に数え、同じケースを別の会議で検討すればそれぞれ1件。予定のまま・中止の会議と、"
            "庁内会議・既存の会議は数えない。",
            GROUP_COLLAB,
        ),
        Figure(
            "collab_cases",
            "多機関協働 協働ケース数",
            "開催済の重層的支援会議・支援会議で検討したケースの実件数。年度内で最初に検討した会議の開催日の"
            "月に数え、同じケースは年度に1回。",
            GROUP_COLLAB,
        ),
        Figure(
            "plans",
            "プラン作成件数",
            "確定した支援プラン（初回・再プラン）の数。確定日（町の支援決定日、または重層的支援会議の了承日）"
            "の月に数える。作成中・支援決定待ち・会議の了承待ちのプランは数えない。確定の後に再プランで終了した"
            "プランも、確定した月に数える。",
            GROUP_PLAN,
        ),
        Figure(
            "plans_replan",
            "プラン作成件数（内 再プラン）",
            "プラン作成件数のうち、再プラン（第2版以降）の数。数え方はプラン作成件数と同じ。",
            GROUP_PLAN,
        ),
    ]
    meeting_labels = {None: "", Holding.REGULAR: "（定例）", Holding.AD_HOC: "（随時）"}
    for meeting_type in COUNTED_MEETING_TYPES:
        definitions = _meeting_definitions(meeting_type)
        figures += [
            Figure(
                MEETING_KEYS[(meeting_type, holding)],
                f"{meeting_type.value} 開催回数{suffix}",
                definitions[holding],
                GROUP_MEETING,
                "回",
            )
            for holding, suffix in meeting_labels.items()
        ]
    figures += [
        Figure(
            "endings",
            "終結件数",
            "ケースの状態を「終結」にした回数。状態を変えた日（終結日）の月に数える。重層的支援会議で終結を"
            "判断したものも、受付から関係機関につないで完了したものも含む。再開したケースがまた終結すれば、"
            "もう1件。",
            GROUP_END,
        ),
        Figure(
            "suspensions",
            "中断件数",
            "ケースの状態を「中断」にした回数。状態を変えた日（中断日）の月に数える。再開したケースがまた"
            "中断すれば、もう1件。",
            GROUP_END,
        ),
        Figure(
            "participation_people",
            "参加支援につながった人数",
            "参加支援事業を含む町の支援決定があった本人の実人数。年度内で最初のその支援決定の日の月に数え、"
            "同じ人は年度に1回。前年度から続けて参加し、再プランで改めて支援決定した人も、その年度の人数に"
            "入る。",
            GROUP_PARTICIPATION,
            "人",
        ),
        Figure(
            "participation_partners",
            "協力企業・団体数",
            "参加支援事業を含む町の支援決定があったプランの役割分担に載っている企業・団体の数。相談や調整を"
            "担う重層事業の機関（第1号・第2号・第4号〜第6号）と町の直営の機関（役場の課など）は数えない。"
            "関係機関に登録のない名前は、名前ごとに1団体と数える。年度内で最初にその支援決定があった日の月に"
            "数え、同じ団体は年度に1回。",
            GROUP_PARTICIPATION,
            "団体",
        ),
        Figure(
            "outreach_new",
            "アウトリーチ 新規相談件数",
            "アウトリーチ等を通じた継続的支援事業を含む町の支援決定が、そのケースで初めてあった日の月に"
            "数えたケースの数。前年度以前に一度でもその支援決定があったケースは数えない（再プランでの"
            "支援決定は新規ではない）。",
            GROUP_OUTREACH,
        ),
    ]
    return tuple(figures)


FIGURES: tuple[Figure, ...] = _figures()
"""Every figure of the 実績, in the order of the table (domain.md §4)."""

FIGURE_BY_KEY: Mapping[str, Figure] = MappingProxyType({f.key: f for f in FIGURES})

TARGET_KEYS: Mapping[str, int] = MappingProxyType(
    {
        "case_reviews": 5,  # 多機関協働による事例検討件数（継続含む） 5件
        "collab_cases": 5,  # 関係機関との支援連携、協働ケース 5件
        "participation_people": 3,  # 活動参加の場への利用につながった人数 3人以上
        "participation_partners": 2,  # 就労準備体験等への協力企業・団体 2企業・団体以上
        "outreach_new": 5,  # 地域住民及び関係機関からの新規相談件数 5件以上
    }
)
"""Figures with a 成果目標 in the town's plan (seeds/001, 長泉町), with those targets as defaults."""

TARGET_MAX = 999_999


def check_target(key: str, value: object) -> int:
    """A target the town may set: a known figure and a whole number from 0 (Japanese refusals)."""
    if key not in FIGURE_BY_KEY:
        raise ValidationError(f"実績の項目「{key}」はありません。", "key")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("成果目標は整数で入力してください。", "target")
    if value < 0:
        raise ValidationError("成果目標は0以上の数で入力してください。", "target")
    if value > TARGET_MAX:
        raise ValidationError(f"成果目標が大きすぎます（{TARGET_MAX}まで）。", "target")
    return value


# ---- from events to rows ------------------------------------------------------------------------


def figure_values(events: Events, fiscal_year: int) -> dict[str, tuple[int, ...]]:
    """The twelve monthly values of every figure (keyed by ``Figure.key``) for ``fiscal_year``."""
    fy = fiscal_year
    values: dict[str, tuple[int, ...]] = {
        "consult_new": count_by_month((c.opened_on for c in events.new_cases), fy),
        "consult_continuing": count_continuing(events.activities, fy),
        "case_reviews": count_by_month((r.on for r in events.reviews), fy),
        "collab_cases": count_first_in_year(events.reviews, fy),
        "plans": count_by_month((p.on for p in events.plans), fy),
        "plans_replan": count_by_month((p.on for p in events.plans if p.number > 0), fy),
        "endings": count_by_month((e.on for e in events.endings if e.kind is CaseStatus.CLOSED), fy),
        "suspensions": count_by_month((e.on for e in events.endings if e.kind is CaseStatus.SUSPENDED), fy),
        "participation_people": count_first_in_year(events.participants, fy),
        "participation_partners": count_first_in_year(events.partners, fy),
        "outreach_new": count_first_ever(events.outreach, fy),
    }
    for route, key in ROUTE_KEYS.items():
        values[key] = count_by_month((c.opened_on for c in events.new_cases if c.route == route), fy)
    for name, key in FIELD_KEYS.items():
        values[key] = count_by_month((c.opened_on for c in events.new_cases if name in c.fields), fy)
    for (meeting_type, holding), key in MEETING_KEYS.items():
        values[key] = count_by_month(
            (
                m.on
                for m in events.meetings
                if m.type is meeting_type and (holding is None or m.holding is holding)
            ),
            fy,
        )
    return values


def build_rows(
    events: Events,
    fiscal_year: int,
    targets: Mapping[str, int] | None = None,
    *,
    with_previous: bool = True,
) -> tuple[FigureRow, ...]:
    """The rows of :data:`FIGURES` for ``fiscal_year``, with the previous year's totals.

    ``events`` must cover ``fiscal_year - 1`` as well (and, for outreach, every earlier year).
    ``with_previous=False`` leaves ``previous_total`` empty (no records yet for that year).
    """
    current = figure_values(events, fiscal_year)
    previous = figure_values(events, fiscal_year - 1) if with_previous else {}
    chosen = targets or {}
    return tuple(
        FigureRow(
            figure=figure,
            monthly=current[figure.key],
            previous_total=sum(previous[figure.key]) if with_previous else None,
            target=chosen.get(figure.key),
        )
        for figure in FIGURES
    )
