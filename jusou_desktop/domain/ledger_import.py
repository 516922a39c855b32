"""Importing an existing Excel ledger (ケース台帳) or agency list (関係機関一覧): the pure rules.

Towns start with what they already keep in Excel.  This module knows, for each kind of list,
the fields the app can take (:data:`FIELDS`), guesses which column holds which field from the
Japanese headings people actually write (:func:`guess_mapping`), and checks every row
(:func:`validate_rows`), turning cells into typed records or into :class:`RowProblem` lines in
Japanese that name the Excel row, the field and the value.

Nothing here reads files or the database: the sheet arrives as a list of ``{header: value}``
dicts (values as a spreadsheet gives them: text, numbers, dates, Excel date serials) and what
is already registered arrives as :class:`ExistingKeys` and agency names.  An import is all or
nothing, so any problem stops the whole file; the messages say how to fix the file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from jusou_desktop.domain.kana import search_key
from jusou_desktop.domain.model import (
    Agency,
    AgencyField,
    Business,
    CaseStatus,
    ConsentState,
    Operation,
    Person,
    Sex,
)
from jusou_desktop.domain.tags import STANDARD_TAGS
from jusou_desktop.domain.wareki import parse_date

__all__ = [
    "FIELDS",
    "AgencyRecord",
    "CaseRecord",
    "ColumnMapping",
    "ExistingKeys",
    "ExistingPerson",
    "FieldType",
    "ImportField",
    "ImportKind",
    "ImportRecord",
    "RowProblem",
    "field_of",
    "fields_of",
    "guess_mapping",
    "header_score",
    "mapping_for",
    "mapping_problems",
    "normalize_choice",
    "split_tags",
    "validate_rows",
]


class ImportKind(StrEnum):
    AGENCIES = "関係機関"
    CASES = "ケース台帳"


class FieldType(StrEnum):
    TEXT = "文字"
    DATE = "日付"
    CHOICE = "選択"
    TAGS = "タグ"
    AGENCY = "機関名"


@dataclass(frozen=True, slots=True)
class ImportField:
    """One thing the app can take from a column.

    ``synonyms`` are the headings that mean this field (the label itself is always one);
    ``choices`` are the stored values of a choice field and ``variants`` the other spellings
    accepted for them, as ``(spelling, stored value)`` pairs.
    """

    key: str
    label: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    synonyms: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    variants: tuple[tuple[str, str], ...] = ()
    default: str = ""


def _words(text: str) -> tuple[str, ...]:
    """Spellings written as one space-separated string (none of them contains a space)."""
    return tuple(text.split())


def _variants(table: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((spelling, value) for value, spellings in table.items() for spelling in _words(spellings))


_SEX_VARIANTS = _variants(
    {
        Sex.MALE: "男 男性 M male おとこ ♂",
        Sex.FEMALE: "女 女性 F female おんな ♀",
        Sex.OTHER: "その他 他 X",
        Sex.UNKNOWN: "不明 未確認 - ?",
    }
)
_CONSENT_VARIANTS = _variants(
    {
        ConsentState.GIVEN: "あり 有 有り 同意あり 同意有 同意有り 同意 同意済 同意済み 済 済み 了承 ○ 〇 ◯ はい 可 yes",
        ConsentState.REFUSED: "なし 無 無し 同意なし 同意無 同意無し 未同意 不同意 拒否 同意拒否 × ✕ いいえ 否 不可 no",
        ConsentState.PENDING: "確認中 未確認 確認前 保留 不明 未 △ - ?",
    }
)
_STATUS_VARIANTS = _variants(
    {
        CaseStatus.RECEIVED: "受付 受付中 新規 受理",
        CaseStatus.ASSESSMENT: "アセスメント アセスメント中 アセス 調査中",
        CaseStatus.PLANNING: "プラン作成 プラン作成中 プラン策定中 計画作成中 再プラン",
        CaseStatus.SUPPORTING: "支援中 継続 継続中 対応中 伴走中 支援継続",
        CaseStatus.MONITORING: "モニタリング モニタリング中 見守り 見守り中",
        CaseStatus.CLOSED: "終結 終了 完了 終結済 終結済み 解決",
        CaseStatus.SUSPENDED: "中断 中止 連絡途絶",
    }
)
_AGENCY_FIELD_VARIANTS = _variants(
    {
        AgencyField.ELDERLY: "高齢 高齢者 介護 高齢福祉 高齢者福祉 地域包括",
        AgencyField.DISABILITY: "障害 障がい 障碍 障害者 障がい者 障害福祉 障がい福祉",
        AgencyField.CHILDREN: "子ども こども 子供 児童 子育て 子育て支援 児童福祉",
        AgencyField.POVERTY: "困窮 生活困窮 生活困窮者 困窮者 自立相談 生活保護",
        AgencyField.HEALTH: "保健 健康 保健センター 精神保健",
        AgencyField.EDUCATION: "教育 学校 教育委員会",
        AgencyField.HOUSING: "住まい 住宅 居住 居住支援",
        AgencyField.TAX: "税 税務 納税 収納",
        AgencyField.WATER: "水道 上下水道 上水道",
        AgencyField.MEDICAL: "医療 医療機関 病院 診療所",
        AgencyField.LEGAL: "司法 法律 法テラス 更生保護",
        AgencyField.COMMUNITY: "地域 地域福祉 地域づくり 社協 社会福祉協議会 民生委員",
        AgencyField.GENERAL: "総合 総合相談 包括的",
        AgencyField.OTHER: "その他 他",
    }
)
_BUSINESS_VARIANTS = _variants(
    {
        Business.CONSULTATION_ELDERLY: "第1号イ 1号イ 1イ 第一号イ 一号イ",
        Business.CONSULTATION_DISABILITY: "第1号ロ 1号ロ 1ロ 第一号ロ 一号ロ",
        Business.CONSULTATION_CHILDREN: "第1号ハ 1号ハ 1ハ 第一号ハ 一号ハ",
        Business.CONSULTATION_POVERTY: "第1号ニ 1号ニ 1ニ 第一号ニ 一号ニ",
        Business.PARTICIPATION: "第2号 2号 第二号 二号 参加支援 参加支援事業",
        Business.COMMUNITY: "第3号 3号 第三号 三号 地域づくり 地域づくり事業",
        Business.OUTREACH: "第4号 4号 第四号 四号 アウトリーチ アウトリーチ等事業",
        Business.COLLABORATION: "第5号 5号 第五号 五号 多機関協働 多機関協働事業",
        Business.PLANNING: "第6号 6号 第六号 六号 支援プラン 支援プランの作成",
        Business.OUTSIDE: "事業外 対象外 なし 該当なし -",
    }
)
_OPERATION_VARIANTS = _variants(
    {
        Operation.DIRECT: "直営 市直営 町直営 村直営 直",
        Operation.CONTRACTED: "委託 民間委託 業務委託 委",
    }
)


def _field(
    key: str, label: str, synonyms: str, type_: FieldType = FieldType.TEXT, *, required: bool = False
) -> ImportField:
    return ImportField(key, label, type_, required, _words(synonyms))


def _choice_field(
    key: str,
    label: str,
    values: Iterable[str],
    variants: tuple[tuple[str, str], ...],
    synonyms: str,
    *,
    required: bool = False,
    default: str = "",
) -> ImportField:
    return ImportField(
        key,
        label,
        FieldType.CHOICE,
        required,
        _words(synonyms),
        tuple(str(v) for v in values),
        variants,
        default,
    )


_CASE_FIELDS: tuple[ImportField, ...] = (
    _field("number", "ケース番号", "ケース番号 ケースNo ケースNo. 番号 受付番号 台帳番号 整理番号 管理番号"),
    _field(
        "name",
        "氏名",
        "氏名 名前 本人氏名 本人名 相談者氏名 相談者名 対象者氏名 お名前 利用者氏名",
        required=True,
    ),
    _field("kana", "フリガナ", "フリガナ ふりがな カナ かな 氏名カナ カナ氏名 よみがな ヨミ 読み"),
    _field("birth_date", "生年月日", "生年月日 誕生日 生年 出生日", FieldType.DATE),
    _choice_field("sex", "性別", Sex, _SEX_VARIANTS, "性別 性", default=Sex.UNKNOWN),
    _field("postal_code", "郵便番号", "郵便番号 〒 郵便"),
    _field("address", "住所", "住所 現住所 所在地 居所 住居"),
    _field("district", "地区", "地区 地域 行政区 校区 小学校区 担当地区 圏域 生活圏域"),
    _field("phone", "電話", "電話 電話番号 連絡先 TEL 携帯 携帯電話"),
    _field(
        "opened_on",
        "受付日",
        "受付日 相談日 受付年月日 相談受付日 相談年月日 初回相談日 受理日 受付日付 相談開始日",
        FieldType.DATE,
        required=True,
    ),
    _field("route", "相談経路", "相談経路 経路 受付経路 相談ルート つなぎ元 紹介元 紹介機関"),
    _field("summary", "主訴", "主訴 相談内容 主な相談内容 相談概要 概要 内容 相談の要旨"),
    _field("tags", "課題タグ", "課題タグ タグ 課題 課題分類 相談分類 分類 世帯の課題", FieldType.TAGS),
    _choice_field(
        "consent",
        "本人同意",
        ConsentState,
        _CONSENT_VARIANTS,
        "本人同意 同意 情報共有同意 同意の有無 本人同意の有無 情報共有への本人同意",
    ),
    _choice_field(
        "status",
        "状態",
        CaseStatus,
        _STATUS_VARIANTS,
        "状態 状況 ステータス 支援状況 進捗 進捗状況",
        default=CaseStatus.RECEIVED,
    ),
    _field("closed_on", "終結日", "終結日 終了日 中断日 終結年月日", FieldType.DATE),
    _field(
        "lead_agency",
        "主担当機関",
        "主担当機関 主担当 担当機関 主たる支援機関 中心機関 主担当機関名",
        FieldType.AGENCY,
    ),
    _field("note", "備考", "備考 メモ 特記事項"),
)

_AGENCY_FIELDS: tuple[ImportField, ...] = (
    _field(
        "name",
        "機関名",
        "機関名 名称 事業所名 機関・団体名 団体名 関係機関名 関係機関 機関",
        required=True,
    ),
    _field("kana", "フリガナ", "フリガナ ふりがな カナ よみがな 読み"),
    _choice_field("field", "分野", AgencyField, _AGENCY_FIELD_VARIANTS, "分野 領域 種別 分類", required=True),
    _choice_field(
        "business",
        "事業（号）",
        Business,
        _BUSINESS_VARIANTS,
        "事業 号 重層事業 事業区分 該当事業",
        default=Business.OUTSIDE,
    ),
    _choice_field(
        "operation", "運営", Operation, _OPERATION_VARIANTS, "運営 運営形態 直営・委託 直営/委託 実施形態"
    ),
    _field("department", "所管課", "所管課 担当課 所管 主管課 所管部署"),
    _field("address", "住所", "住所 所在地"),
    _field("phone", "電話", "電話 電話番号 TEL"),
    _field("fax", "FAX", "FAX ファックス ファクス FAX番号"),
    _field("email", "メール", "メール メールアドレス E-mail email Eメール"),
    _field("note", "備考", "備考 メモ 特記事項"),
)

FIELDS: dict[ImportKind, tuple[ImportField, ...]] = {
    ImportKind.CASES: _CASE_FIELDS,
    ImportKind.AGENCIES: _AGENCY_FIELDS,
}


def fields_of(kind: ImportKind) -> tuple[ImportField, ...]:
    return FIELDS[kind]


def field_of(kind: ImportKind, key: str) -> ImportField:
    for spec in FIELDS[kind]:
        if spec.key == key:
            return spec
    raise KeyError(f"{kind}: unknown field {key!r}")


def normalize_choice(spec: ImportField, text: str) -> str | None:
    """The stored value for ``text`` (any accepted spelling, width and kana), or None if unknown."""
    wanted = search_key(text)
    for value in spec.choices:
        if search_key(value) == wanted:
            return value
    for spelling, value in spec.variants:
        if search_key(spelling) == wanted:
            return value
    return None


# --- column mapping ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which column header of the sheet holds which field (field key → header)."""

    kind: ImportKind
    columns: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, kind: ImportKind, columns: Mapping[str, str]) -> ColumnMapping:
        """Keys in field order; unknown keys and empty headers are dropped."""
        pairs = tuple(
            (spec.key, columns[spec.key].strip())
            for spec in FIELDS[kind]
            if spec.key in columns and columns[spec.key].strip()
        )
        return cls(kind, pairs)

    def header(self, key: str) -> str | None:
        return next((h for k, h in self.columns if k == key), None)

    def as_dict(self) -> dict[str, str]:
        return dict(self.columns)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, kind: ImportKind, text: str) -> ColumnMapping | None:
        """The mapping saved by :meth:`to_json`, or None if ``text`` is not one."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        return cls.of(kind, {str(k): v for k, v in data.items() if isinstance(v, str)})

    def describe(self) -> list[str]:
        """``氏名 ← 列「お名前」`` lines, in field order (unmapped fields omitted)."""
        return [f"{field_of(self.kind, key).label} ← 列「{header}」" for key, header in self.columns]


_BRACKETED = re.compile(r"[(\[【〔<《].*?[)\]】〕>》]")
_DECORATION = re.compile(r"[*※:]|必須|任意")


def _header_keys(header: str) -> tuple[str, str]:
    """The folded header, and the same without bracketed notes and marks like ※必須."""
    full = search_key(header)
    bare = _DECORATION.sub("", _BRACKETED.sub("", full))
    return full, bare or full


def _synonym_keys(spec: ImportField) -> list[str]:
    keys = [search_key(s) for s in (spec.label, *spec.synonyms)]
    return list(dict.fromkeys(k for k in keys if k))


def _usable_for_containment(key: str) -> bool:
    """Short ASCII synonyms (``no``, ``tel``) would match inside unrelated English words."""
    return len(key) >= 2 and not key.isascii()


def _rank_in(keys: list[str], full: str, bare: str) -> int:
    """How early the header's word comes in the field's synonyms (the label itself is 0)."""
    return min(keys.index(k) for k in (full, bare) if k in keys)


def guess_mapping(kind: ImportKind, headers: Sequence[str]) -> ColumnMapping:
    """Match headers to fields by the Japanese words people use for them.

    First exact matches (after folding width, kana, spaces and case, and ignoring bracketed
    notes and ``※必須``), then headers that contain a synonym, preferring one that ends with
    it (Japanese compounds end with their head: 本人氏名カナ is a kana, 相談受付日 a date) and
    then the longest.  A header is used for at most one field and each field takes one header.
    """
    specs = FIELDS[kind]
    synonyms = {spec.key: _synonym_keys(spec) for spec in specs}
    taken: dict[str, str] = {}
    used: set[str] = set()
    folded = [(h, *_header_keys(h)) for h in headers if h and h.strip()]
    for spec in specs:
        exact = [
            (_rank_in(synonyms[spec.key], full, bare), position, header)
            for position, (header, full, bare) in enumerate(folded)
            if header not in used and (full in synonyms[spec.key] or bare in synonyms[spec.key])
        ]
        if exact:
            header = min(exact)[2]
            taken[spec.key] = header
            used.add(header)
    candidates: list[tuple[bool, int, int, int, str, str]] = []
    for order, spec in enumerate(specs):
        if spec.key in taken:
            continue
        for position, (header, _full, bare) in enumerate(folded):
            for key in synonyms[spec.key]:
                if _usable_for_containment(key) and key in bare:
                    candidates.append((bare.endswith(key), len(key), -order, -position, spec.key, header))
    for *_rank, key, header in sorted(candidates, reverse=True):
        if key not in taken and header not in used:
            taken[key] = header
            used.add(header)
    return ColumnMapping.of(kind, taken)


def header_score(kind: ImportKind, cells: Sequence[object]) -> int:
    """How many fields a row would map if it were the header row (to find the header row)."""
    headers = [str(c).strip() for c in cells if isinstance(c, str) and c.strip()]
    return len(guess_mapping(kind, headers).columns)


def mapping_for(kind: ImportKind, headers: Sequence[str], remembered: ColumnMapping | None) -> ColumnMapping:
    """The remembered mapping where its headers are still in the sheet, guesses for the rest."""
    present = set(headers)
    chosen = {k: h for k, h in (remembered.columns if remembered else ()) if h in present}
    rest = [h for h in headers if h not in chosen.values()]
    for key, header in guess_mapping(kind, rest).columns:
        chosen.setdefault(key, header)
    return ColumnMapping.of(kind, chosen)


# --- problems and records ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why a row (or, with ``row_number`` None, the whole sheet) cannot be imported.

    ``row_number`` is the row as Excel numbers it; ``column_label`` the field's label (empty
    when the row as a whole is meant); ``message`` a complete Japanese sentence.
    """

    row_number: int | None
    column_label: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """One ledger row, typed: what :meth:`CaseRepository.create` needs, and the status to set."""

    row_number: int
    person: Person
    opened_on: dt.date
    number: str = ""
    route: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()
    consent: ConsentState | None = None
    status: CaseStatus = CaseStatus.RECEIVED
    closed_on: dt.date | None = None
    lead_agency: str = ""
    """The agency's name exactly as registered (matched ignoring width, kana and spaces)."""


@dataclass(frozen=True, slots=True)
class AgencyRecord:
    row_number: int
    agency: Agency


ImportRecord = CaseRecord | AgencyRecord


@dataclass(frozen=True, slots=True)
class ExistingPerson:
    """A person already in the database, for duplicate detection (only those with a birth date)."""

    name: str
    kana: str
    birth_date: dt.date
    case_numbers: tuple[str, ...] = ()

    def describe(self) -> str:
        where = f"ケース {'・'.join(self.case_numbers)} の" if self.case_numbers else "登録済みの"
        return f"{where}{self.name}さん"


@dataclass(frozen=True, slots=True)
class ExistingKeys:
    """What is already registered and must not be registered twice."""

    people: tuple[ExistingPerson, ...] = ()
    case_numbers: frozenset[str] = field(default_factory=frozenset)


# --- cell values -----------------------------------------------------------------------------

_TAG_SEPARATORS = re.compile(r"[,、，;；\n\r]+")
_STANDARD_TAG_KEYS = {search_key(t): t for t in STANDARD_TAGS}


def _cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates in ISO, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _shown(value: object) -> str:
    text = _cell_text(value).replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"


def split_tags(text: str) -> tuple[str, ...]:
    """``8050、ひきこもり,生活困窮`` → tags; widths folded, standard tags in their own spelling."""
    tags: list[str] = []
    for part in _TAG_SEPARATORS.split(unicodedata.normalize("NFKC", text)):
        name = part.strip()
        if name:
            tags.append(_STANDARD_TAG_KEYS.get(search_key(name), name))
    return tuple(dict.fromkeys(tags))


def _plain(text: str) -> str:
    """Numbers and codes (phone, postal code, case number) with full-width digits folded."""
    return unicodedata.normalize("NFKC", text).strip()


# --- validation ------------------------------------------------------------------------------

_EARLIEST_BIRTH = dt.date(1880, 1, 1)
_EARLIEST_EVENT = dt.date(1950, 1, 1)


class _Row:
    """The cells of one row by field key, collecting the row's problems as they are found."""

    def __init__(
        self, kind: ImportKind, mapping: ColumnMapping, row: Mapping[str, object], number: int
    ) -> None:
        self.kind = kind
        self.number = number
        self.mapping = mapping
        self.values = {key: row.get(header) for key, header in mapping.columns}
        self.problems: list[RowProblem] = []

    def is_blank(self) -> bool:
        return all(_cell_text(v) == "" for v in self.values.values())

    def where(self, key: str) -> str:
        spec = field_of(self.kind, key)
        header = self.mapping.header(key)
        column = f"（列「{header}」）" if header and search_key(header) != search_key(spec.label) else ""
        return f"{self.number}行目『{spec.label}』{column}"

    def problem(self, key: str, message: str) -> None:
        label = field_of(self.kind, key).label if key else ""
        self.problems.append(RowProblem(self.number, label, message))

    def text(self, key: str) -> str:
        return _cell_text(self.values.get(key))

    def required_text(self, key: str) -> str:
        text = self.text(key)
        if not text and key in self.values:
            self.problem(key, f"{self.where(key)}が空です。必ず入力してください")
        return text

    def date(self, key: str, *, earliest: dt.date, today: dt.date) -> dt.date | None:
        raw = self.values.get(key)
        spec = field_of(self.kind, key)
        if _cell_text(raw) == "":
            if spec.required and key in self.values:
                self.problem(key, f"{self.where(key)}が空です。必ず入力してください")
            return None
        try:
            value = (
                parse_date(raw)
                if isinstance(raw, dt.date | int | float | str)
                else parse_date(_cell_text(raw))
            )
        except ValueError as exc:
            reason = str(exc).split(": ")[0]  # the value itself is already in the sentence
            detail = "" if reason.startswith("日付として読めません") else f"（{reason}）"
            self.problem(key, f"{self.where(key)}の『{_shown(raw)}』は日付として読めません{detail}")
            return None
        if value < earliest:
            self.problem(
                key,
                f"{self.where(key)}の『{_shown(raw)}』は{value.year}年{value.month}月{value.day}日と読めますが、"
                "古すぎます。日付を確かめてください",
            )
            return None
        if value > today:
            self.problem(key, f"{self.where(key)}の『{_shown(raw)}』は未来の日付です")
            return None
        return value

    def choice(self, key: str) -> str | None:
        """The stored value, the field's default (or None) when empty, None after a problem."""
        spec = field_of(self.kind, key)
        text = self.text(key)
        if not text:
            if spec.required and key in self.values:
                self.problem(key, f"{self.where(key)}が空です。必ず入力してください")
            return spec.default or None
        value = normalize_choice(spec, text)
        if value is None:
            allowed = "・".join(spec.choices)
            self.problem(
                key, f"{self.where(key)}の『{_shown(text)}』は選べる値ではありません（{allowed}のいずれか）"
            )
        return value


def mapping_problems(kind: ImportKind, mapping: ColumnMapping, headers: Sequence[str]) -> list[RowProblem]:
    """Problems of the column mapping itself: a required field without a column, a column gone."""
    problems: list[RowProblem] = []
    present = set(headers)
    seen: dict[str, str] = {}
    for key, header in mapping.columns:
        label = field_of(kind, key).label
        if header not in present:
            problems.append(
                RowProblem(None, label, f"『{label}』に指定した列「{header}」がファイルにありません")
            )
        elif header in seen:
            problems.append(
                RowProblem(
                    None, label, f"列「{header}」が『{seen[header]}』と『{label}』の両方に指定されています"
                )
            )
        seen.setdefault(header, label)
    for spec in FIELDS[kind]:
        if spec.required and mapping.header(spec.key) is None:
            problems.append(
                RowProblem(
                    None,
                    spec.label,
                    f"必須の項目『{spec.label}』に対応する列がありません。列の見出しを確かめるか、対応を指定してください",
                )
            )
    return problems


class _AgencyIndex:
    """Registered agency names, matched ignoring width, kana and spaces."""

    def __init__(self, names: Iterable[str]) -> None:
        self.by_key: dict[str, str] = {}
        for name in names:
            self.by_key.setdefault(search_key(name), name)

    def find(self, name: str) -> str | None:
        return self.by_key.get(search_key(name))


def _validate_case(
    row: _Row, agencies: _AgencyIndex, today: dt.date
) -> tuple[CaseRecord | None, tuple[str, str, dt.date] | None]:
    name = row.required_text("name")
    kana = row.text("kana")
    birth_date = row.date("birth_date", earliest=_EARLIEST_BIRTH, today=today)
    opened_on = row.date("opened_on", earliest=_EARLIEST_EVENT, today=today)
    closed_on = row.date("closed_on", earliest=_EARLIEST_EVENT, today=today)
    sex = row.choice("sex")
    consent = row.choice("consent")
    status_text = row.choice("status")
    lead = row.text("lead_agency")
    lead_name = ""
    if lead:
        found = agencies.find(lead)
        if found is None:
            row.problem(
                "lead_agency",
                f"{row.where('lead_agency')}の『{_shown(lead)}』は登録されていない機関です。"
                "先に関係機関を登録するか、登録どおりの名前にしてください",
            )
        else:
            lead_name = found
    status = CaseStatus(status_text) if status_text else CaseStatus.RECEIVED
    if closed_on is not None and not row.text("status"):
        status = CaseStatus.CLOSED
    closing = status in (CaseStatus.CLOSED, CaseStatus.SUSPENDED)
    if closing and closed_on is None and not row.text("closed_on"):
        row.problem(
            "status" if "status" in row.values else "closed_on",
            f"{row.number}行目: 状態が「{status}」のケースには『終結日』（終結・中断した日）が必要です",
        )
    if closed_on is not None and not closing:
        row.problem(
            "closed_on",
            f"{row.where('closed_on')}に日付がありますが、状態が「{status}」です。状態か終結日を直してください",
        )
    if birth_date and opened_on and birth_date > opened_on:
        row.problem("birth_date", f"{row.where('birth_date')}が受付日より後になっています")
    if closed_on and opened_on and closed_on < opened_on:
        row.problem("closed_on", f"{row.where('closed_on')}が受付日より前になっています")
    if row.problems or opened_on is None or not name:
        return None, None
    person = Person(
        name=name,
        kana=kana,
        birth_date=birth_date,
        sex=Sex(sex) if sex else Sex.UNKNOWN,
        postal_code=_plain(row.text("postal_code")),
        address=row.text("address"),
        district=row.text("district"),
        phone=_plain(row.text("phone")),
        note=row.text("note"),
    )
    record = CaseRecord(
        row_number=row.number,
        person=person,
        opened_on=opened_on,
        number=_plain(row.text("number")),
        route=row.text("route"),
        summary=row.text("summary"),
        tags=split_tags(row.text("tags")),
        consent=ConsentState(consent) if consent else None,
        status=status,
        closed_on=closed_on if closing else None,
        lead_agency=lead_name,
    )
    identity = (search_key(kana), search_key(name), birth_date) if birth_date else None
    return record, identity


def _validate_agency(row: _Row) -> AgencyRecord | None:
    name = row.required_text("name")
    agency_field = row.choice("field")
    business = row.choice("business")
    operation = row.choice("operation")
    if row.problems or not name or agency_field is None:
        return None
    agency = Agency(
        name=name,
        field=AgencyField(agency_field),
        business=Business(business) if business else Business.OUTSIDE,
        operation=Operation(operation) if operation else None,
        department=row.text("department"),
        kana=row.text("kana"),
        address=row.text("address"),
        phone=_plain(row.text("phone")),
        fax=_plain(row.text("fax")),
        email=_plain(row.text("email")),
        note=row.text("note"),
    )
    return AgencyRecord(row.number, agency)


class _PeopleIndex:
    """People by (folded フリガナ, birth date) and by (folded name, birth date)."""

    def __init__(self) -> None:
        self.by_kana: dict[tuple[str, dt.date], str] = {}
        self.by_name: dict[tuple[str, dt.date], str] = {}

    def add(self, kana_key: str, name_key: str, birth_date: dt.date, who: str) -> None:
        if kana_key:
            self.by_kana.setdefault((kana_key, birth_date), who)
        if name_key:
            self.by_name.setdefault((name_key, birth_date), who)

    def find(self, kana_key: str, name_key: str, birth_date: dt.date) -> tuple[str, str] | None:
        if kana_key and (kana_key, birth_date) in self.by_kana:
            return self.by_kana[(kana_key, birth_date)], "フリガナと生年月日"
        if name_key and (name_key, birth_date) in self.by_name:
            return self.by_name[(name_key, birth_date)], "氏名と生年月日"
        return None


def validate_rows(
    kind: ImportKind,
    mapping: ColumnMapping,
    rows: Sequence[Mapping[str, object]],
    *,
    known_agencies: Iterable[str],
    existing_keys: ExistingKeys | None = None,
    headers: Sequence[str] | None = None,
    first_row_number: int = 2,
    today: dt.date | None = None,
) -> tuple[list[ImportRecord], list[RowProblem]]:
    """Typed records for the good rows and every problem found, in row order.

    ``rows[i]`` is Excel row ``first_row_number + i``; rows whose mapped cells are all empty
    are skipped.  ``known_agencies`` are the registered agency names (for 主担当機関, and for
    duplicate names when importing agencies); ``headers`` (the sheet's header row) lets the
    mapping itself be checked.  The records are only usable when the problems are empty.
    """
    today = today or dt.date.today()
    existing = existing_keys or ExistingKeys()
    agencies = _AgencyIndex(known_agencies)
    problems: list[RowProblem] = []
    if headers is not None:
        problems += mapping_problems(kind, mapping, headers)
    elif any(spec.required and mapping.header(spec.key) is None for spec in FIELDS[kind]):
        problems += mapping_problems(kind, mapping, [h for _k, h in mapping.columns])
    records: list[ImportRecord] = []
    people = _PeopleIndex()
    for person in existing.people:
        people.add(search_key(person.kana), search_key(person.name), person.birth_date, person.describe())
    numbers_in_file: dict[str, int] = {}
    agency_names_in_file: dict[str, int] = {}
    filled = 0
    for index, raw in enumerate(rows):
        row = _Row(kind, mapping, raw, first_row_number + index)
        if row.is_blank():
            continue
        record: ImportRecord | None
        if kind is ImportKind.CASES:
            case_record, identity = _validate_case(row, agencies, today)
            record = case_record
            if case_record is not None and case_record.number:
                number = case_record.number
                if number in existing.case_numbers:
                    row.problem(
                        "number", f"{row.where('number')}の『{number}』はすでに登録されているケース番号です"
                    )
                elif number in numbers_in_file:
                    row.problem(
                        "number",
                        f"{row.where('number')}の『{number}』は{numbers_in_file[number]}行目と重複しています",
                    )
                numbers_in_file.setdefault(number, row.number)
            if case_record is not None and identity is not None:
                kana_key, name_key, birth_date = identity
                found = people.find(kana_key, name_key, birth_date)
                if found is not None:
                    who, basis = found
                    row.problem(
                        "",
                        f"{row.number}行目の{case_record.person.name}さんは、{who}と同じ人のようです"
                        f"（{basis}が一致）。二重登録にならないよう、どちらかの行を削除してください",
                    )
                people.add(kana_key, name_key, birth_date, f"{row.number}行目の{case_record.person.name}さん")
        else:
            agency_record = _validate_agency(row)
            record = agency_record
            if agency_record is not None:
                key = search_key(agency_record.agency.name)
                if agencies.find(agency_record.agency.name) is not None:
                    row.problem(
                        "name",
                        f"{row.where('name')}の『{agency_record.agency.name}』はすでに登録されています",
                    )
                elif key in agency_names_in_file:
                    row.problem(
                        "name",
                        f"{row.where('name')}の『{agency_record.agency.name}』は{agency_names_in_file[key]}行目と重複しています",
                    )
                agency_names_in_file.setdefault(key, row.number)
        problems += row.problems
        if record is not None and not row.problems:
            records.append(record)
        filled += 1
    if not filled:
        problems.append(
            RowProblem(None, "", "取り込む行がありません。見出しの行の下にデータを入力してください")
        )
    return records, problems
