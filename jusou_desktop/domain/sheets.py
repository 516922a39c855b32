"""Sheet templates as data: referral sheets (つむぎあいシート A・B票, 紹介シート…) and answer sheets (C票).

Towns shape and revise their sheets often, so a template is plain data (JSON in
``resources/sheets/``, copied into the database and versioned there), never code.  This module
parses and validates that data, checks a filled sheet for missing information, turns stored
values into display text, and makes the edits an administrator may do in the app (relabel,
add, hide, require).  Every edit yields a new version; a filled sheet keeps the version it was
filled with, so it still renders as it was filled.

A template has one or more *parts* (票: A票, B票…), each with sections of fields.  Field keys
are unique across the whole template.  Some fields are *bound* to a meaning the app acts on
(本人氏名, フリガナ, 生年月日, 本人同意, the C票 check items…): the binding, not the key or
the label, is what the app reads, so a town may relabel and reorder freely.

Stored values (JSON):
    text, long_text      str
    date                 ISO date text "2024-04-01"
    choice               the choice key
    multi_choice         {"selected": [keys…], "primary": key or null}  (primary = ◎)
    person, agency       {"name": str, "id": int or null}
    yes_no               true / false
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.model import Case, ConsentState
from jusou_desktop.domain.wareki import format_wareki, parse_date


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    PERSON = "person"
    AGENCY = "agency"
    YES_NO = "yes_no"


FIELD_TYPE_LABELS: dict[FieldType, str] = {
    FieldType.TEXT: "文字(1行)",
    FieldType.LONG_TEXT: "文章(複数行)",
    FieldType.DATE: "日付",
    FieldType.CHOICE: "選択(ひとつ)",
    FieldType.MULTI_CHOICE: "選択(複数)",
    FieldType.PERSON: "人",
    FieldType.AGENCY: "関係機関",
    FieldType.YES_NO: "はい・いいえ",
}


class Requirement(StrEnum):
    """What a missing value means. Nothing ever blocks saving a draft; BLOCK stops 送付."""

    OPTIONAL = "optional"
    WARN = "warn"
    BLOCK = "block"


REQUIREMENT_LABELS: dict[Requirement, str] = {
    Requirement.OPTIONAL: "任意",
    Requirement.WARN: "未記入なら注意",
    Requirement.BLOCK: "必須(送付できない)",
}


class Purpose(StrEnum):
    REFERRAL = "referral"  # filled by the referring agency (A票・B票, 紹介シート…)
    ANSWER = "answer"  # filled by the coordinator (C票)


PURPOSE_LABELS: dict[Purpose, str] = {Purpose.REFERRAL: "つなぐ側の様式", Purpose.ANSWER: "回答の様式"}


class Binding(StrEnum):
    """A meaning the app acts on. Each binding appears at most once per template."""

    PERSON_NAME = "person.name"
    PERSON_KANA = "person.kana"
    BIRTH_DATE = "person.birth_date"
    SEX = "person.sex"
    ADDRESS = "person.address"
    PHONE = "person.phone"
    CONSENT = "consent"
    MAIN_COMPLAINT = "main_complaint"
    ROUTE = "route"
    SOURCE_AGENCY = "source.agency"
    SOURCE_STAFF = "source.staff"
    RECEIVED_ON = "received_on"
    ANSWER_ACTIONS = "answer.actions"
    ANSWER_AGENCY = "answer.agency"
    ANSWER_VISIT_DATE = "answer.visit_date"
    ANSWER_OTHER = "answer.other"
    ANSWER_COMMENT = "answer.comment"
    ANSWER_DATE = "answer.date"
    ANSWER_RESPONDER = "answer.responder"


_BINDING_TYPES: dict[Binding, frozenset[FieldType]] = {
    Binding.PERSON_NAME: frozenset({FieldType.TEXT}),
    Binding.PERSON_KANA: frozenset({FieldType.TEXT}),
    Binding.BIRTH_DATE: frozenset({FieldType.DATE}),
    Binding.SEX: frozenset({FieldType.CHOICE}),
    Binding.ADDRESS: frozenset({FieldType.TEXT, FieldType.LONG_TEXT}),
    Binding.PHONE: frozenset({FieldType.TEXT}),
    Binding.CONSENT: frozenset({FieldType.YES_NO}),
    Binding.MAIN_COMPLAINT: frozenset({FieldType.TEXT, FieldType.LONG_TEXT}),
    Binding.ROUTE: frozenset({FieldType.TEXT, FieldType.CHOICE}),
    Binding.SOURCE_AGENCY: frozenset({FieldType.AGENCY}),
    Binding.SOURCE_STAFF: frozenset({FieldType.PERSON, FieldType.TEXT}),
    Binding.RECEIVED_ON: frozenset({FieldType.DATE}),
    Binding.ANSWER_ACTIONS: frozenset({FieldType.MULTI_CHOICE}),
    Binding.ANSWER_AGENCY: frozenset({FieldType.AGENCY}),
    Binding.ANSWER_VISIT_DATE: frozenset({FieldType.DATE}),
    Binding.ANSWER_OTHER: frozenset({FieldType.TEXT, FieldType.LONG_TEXT}),
    Binding.ANSWER_COMMENT: frozenset({FieldType.LONG_TEXT, FieldType.TEXT}),
    Binding.ANSWER_DATE: frozenset({FieldType.DATE}),
    Binding.ANSWER_RESPONDER: frozenset({FieldType.PERSON, FieldType.TEXT}),
}

REQUIRED_BINDINGS: dict[Purpose, tuple[Binding, ...]] = {
    Purpose.REFERRAL: (Binding.PERSON_NAME,),
    Purpose.ANSWER: (Binding.ANSWER_ACTIONS, Binding.ANSWER_DATE, Binding.ANSWER_RESPONDER),
}


class AnswerAction(StrEnum):
    """The C票 check items (高島市; domain.md §2.2). Answer templates use these as choice keys."""

    CONNECT = "関係機関につなぐ"
    SHARE = "情報共有"
    MEETING = "支援会議を開催"
    PARTICIPATION = "参加支援・アウトリーチ検討"
    ACCOMPANY = "同席・同行訪問"
    OTHER = "その他"


_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_MAX_LABEL = 60
_MAX_HELP = 400


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str
    type: FieldType
    required: Requirement = Requirement.OPTIONAL
    help: str = ""
    choices: tuple[Choice, ...] = ()
    hidden: bool = False
    binds: Binding | None = None
    primary_mark: bool = False  # multi_choice: one item may be marked ◎ (most pressing)
    signature: bool = False  # print a 署名欄 after the field
    tax_info: bool = False  # 税情報 (地方税法22条): left out of 支援会議 material without consent
    half: bool = False  # share a printed row with the next half-width field
    lines: int = 0  # long_text: minimum writing lines on a blank printed form

    def choice_label(self, key: str) -> str:
        return next((c.label for c in self.choices if c.key == key), key)


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Part:
    """One 票 of a template (A票, B票…), printed starting on a new page."""

    key: str
    title: str
    sections: tuple[Section, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class SheetTemplate:
    key: str
    version: int
    purpose: Purpose
    title: str  # the town's sheet title, printed at the top (e.g. つむぎあいシート)
    style: str  # where the layout comes from (e.g. 高島市式)
    parts: tuple[Part, ...]
    description: str = ""

    def fields(self, *, include_hidden: bool = True) -> Iterator[Field]:
        for part in self.parts:
            for section in part.sections:
                for f in section.fields:
                    if include_hidden or not f.hidden:
                        yield f

    def field(self, key: str) -> Field:
        for f in self.fields():
            if f.key == key:
                return f
        raise ValidationError(f"様式「{self.title}」に項目 {key} はありません。", key)

    def bound(self, binding: Binding) -> Field | None:
        return next((f for f in self.fields() if f.binds == binding), None)

    def where(self, key: str) -> tuple[Part, Section]:
        for part in self.parts:
            for section in part.sections:
                if any(f.key == key for f in section.fields):
                    return part, section
        raise ValidationError(f"様式「{self.title}」に項目 {key} はありません。", key)

    @property
    def display_name(self) -> str:
        return f"{self.title}［{self.style}］" if self.style else self.title


# ---- parsing and validation -------------------------------------------------------------------


class _Path:
    """Where in the template data a problem is, in words the administrator recognises."""

    def __init__(self, *steps: str) -> None:
        self.steps = steps

    def then(self, step: str) -> _Path:
        return _Path(*self.steps, step)

    def fail(self, problem: str, field_key: str | None = None) -> ValidationError:
        where = " › ".join(self.steps)
        return ValidationError(f"様式データの誤り({where}): {problem}", field_key or where)


def _text(data: Mapping[str, Any], name: str, path: _Path, *, required: bool = True, limit: int = 200) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise path.fail(f"「{name}」は文字で書いてください。")
    value = value.strip()
    if required and not value:
        raise path.fail(f"「{name}」がありません。")
    if len(value) > limit:
        raise path.fail(f"「{name}」が長すぎます({limit}字まで)。")
    return value


def _flag(data: Mapping[str, Any], name: str, path: _Path) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise path.fail(f"「{name}」は true か false で書いてください。")
    return value


def _known_keys(data: Mapping[str, Any], allowed: Iterable[str], path: _Path) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise path.fail(f"知らない項目名 {', '.join(unknown)} があります。")


_FIELD_KEYS = (
    "key",
    "label",
    "type",
    "required",
    "help",
    "choices",
    "hidden",
    "binds",
    "primary_mark",
    "signature",
    "tax_info",
    "half",
    "lines",
)


def _parse_field(data: Any, path: _Path) -> Field:
    if not isinstance(data, Mapping):
        raise path.fail("項目の定義が正しい形ではありません。")
    key = data.get("key")
    if not isinstance(key, str) or not _KEY_PATTERN.match(key):
        raise path.fail(f"項目キー {key!r} は半角英小文字で始まる英数字と _ にしてください。")
    label = _text(data, "label", path.then(key), limit=_MAX_LABEL)
    here = path.then(f"{label}({key})")
    _known_keys(data, _FIELD_KEYS, here)
    try:
        ftype = FieldType(str(data.get("type")))
    except ValueError:
        raise here.fail(
            f"種類 {data.get('type')!r} は使えません(使える種類: {', '.join(t.value for t in FieldType)})。",
            key,
        ) from None
    try:
        required = Requirement(data.get("required", Requirement.OPTIONAL.value))
    except ValueError:
        raise here.fail("「required」は optional・warn・block のどれかです。", key) from None
    choices: list[Choice] = []
    raw_choices = data.get("choices", [])
    if not isinstance(raw_choices, list):
        raise here.fail("選択肢はリストで書いてください。", key)
    for raw in raw_choices:
        if isinstance(raw, str):
            raw = {"key": raw, "label": raw}
        if not isinstance(raw, Mapping) or not isinstance(raw.get("key"), str) or not raw["key"].strip():
            raise here.fail("選択肢にはキーと表示名が必要です。", key)
        choices.append(Choice(raw["key"].strip(), _text(raw, "label", here, limit=_MAX_LABEL)))
    if ftype in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        if not choices:
            raise here.fail("選択の項目には選択肢が必要です。", key)
        if len({c.key for c in choices}) != len(choices):
            raise here.fail("選択肢のキーが重複しています。", key)
    elif choices:
        raise here.fail(f"種類「{FIELD_TYPE_LABELS[ftype]}」には選択肢を付けられません。", key)
    binds: Binding | None = None
    if data.get("binds") is not None:
        try:
            binds = Binding(data["binds"])
        except ValueError:
            raise here.fail(f"結び付け {data['binds']!r} は知らない意味です。", key) from None
        if ftype not in _BINDING_TYPES[binds]:
            raise here.fail(
                f"結び付け {binds.value} には種類「{FIELD_TYPE_LABELS[ftype]}」は使えません。", key
            )
    primary_mark = _flag(data, "primary_mark", here)
    if primary_mark and ftype is not FieldType.MULTI_CHOICE:
        raise here.fail("◎印(primary_mark)は複数選択の項目だけに付けられます。", key)
    lines = data.get("lines", 0)
    if not isinstance(lines, int) or isinstance(lines, bool) or not 0 <= lines <= 40:
        raise here.fail("「lines」は 0〜40 の整数です。", key)
    return Field(
        key=key,
        label=label,
        type=ftype,
        required=required,
        help=_text(data, "help", here, required=False, limit=_MAX_HELP),
        choices=tuple(choices),
        hidden=_flag(data, "hidden", here),
        binds=binds,
        primary_mark=primary_mark,
        signature=_flag(data, "signature", here),
        tax_info=_flag(data, "tax_info", here),
        half=_flag(data, "half", here),
        lines=lines,
    )


def _parse_sections(raw: Any, path: _Path) -> tuple[Section, ...]:
    if not isinstance(raw, list) or not raw:
        raise path.fail("欄(sections)がありません。")
    sections = []
    for index, data in enumerate(raw, start=1):
        if not isinstance(data, Mapping):
            raise path.fail(f"{index}番目の欄が正しい形ではありません。")
        title = _text(data, "title", path.then(f"{index}番目の欄"), limit=_MAX_LABEL)
        here = path.then(title)
        _known_keys(data, ("key", "title", "fields", "note"), here)
        key = data.get("key", f"s{index}")
        if not isinstance(key, str) or not _KEY_PATTERN.match(key):
            raise here.fail(f"欄のキー {key!r} は半角英小文字で始まる英数字と _ にしてください。")
        fields = data.get("fields")
        if not isinstance(fields, list) or not fields:
            raise here.fail("項目(fields)がありません。")
        sections.append(
            Section(
                key=key,
                title=title,
                fields=tuple(_parse_field(f, here.then(f"{i}番目の項目")) for i, f in enumerate(fields, 1)),
                note=_text(data, "note", here, required=False, limit=_MAX_HELP),
            )
        )
    return tuple(sections)


def parse_template(data: Any) -> SheetTemplate:
    """Build a template from its data, refusing anything doubtful with a message naming the place."""
    root = _Path("様式")
    if not isinstance(data, Mapping):
        raise root.fail("様式の定義が正しい形ではありません。")
    title = _text(data, "title", root, limit=_MAX_LABEL)
    root = _Path(title)
    _known_keys(data, ("key", "version", "purpose", "title", "style", "description", "parts"), root)
    key = data.get("key")
    if not isinstance(key, str) or not _KEY_PATTERN.match(key):
        raise root.fail(f"様式キー {key!r} は半角英小文字で始まる英数字と _ にしてください。")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise root.fail("版(version)は 1 以上の整数です。")
    try:
        purpose = Purpose(str(data.get("purpose")))
    except ValueError:
        raise root.fail("用途(purpose)は referral か answer です。") from None
    raw_parts = data.get("parts")
    if not isinstance(raw_parts, list) or not raw_parts:
        raise root.fail("票(parts)がありません。")
    parts = []
    for index, raw in enumerate(raw_parts, start=1):
        if not isinstance(raw, Mapping):
            raise root.fail(f"{index}番目の票が正しい形ではありません。")
        part_title = _text(raw, "title", root.then(f"{index}番目の票"), limit=_MAX_LABEL)
        here = root.then(part_title)
        _known_keys(raw, ("key", "title", "sections", "note"), here)
        part_key = raw.get("key", f"p{index}")
        if not isinstance(part_key, str) or not part_key.strip():
            raise here.fail("票のキーがありません。")
        parts.append(
            Part(
                key=part_key.strip(),
                title=part_title,
                sections=_parse_sections(raw.get("sections"), here),
                note=_text(raw, "note", here, required=False, limit=_MAX_HELP),
            )
        )
    template = SheetTemplate(
        key=key,
        version=version,
        purpose=purpose,
        title=title,
        style=_text(data, "style", root, required=False, limit=_MAX_LABEL),
        parts=tuple(parts),
        description=_text(data, "description", root, required=False, limit=_MAX_HELP),
    )
    validate_template(template)
    return template


def validate_template(template: SheetTemplate) -> None:
    """Whole-template rules: unique keys and bindings, the bindings the purpose needs."""
    root = _Path(template.title)
    seen: set[str] = set()
    bindings: dict[Binding, Field] = {}
    for part in template.parts:
        for section in part.sections:
            for f in section.fields:
                here = root.then(part.title).then(section.title).then(f"{f.label}({f.key})")
                if f.key in seen:
                    raise here.fail(f"項目キー {f.key} が二度使われています。", f.key)
                seen.add(f.key)
                if f.binds is not None:
                    if f.binds in bindings:
                        raise here.fail(
                            f"結び付け {f.binds.value} は「{bindings[f.binds].label}」と重複しています。",
                            f.key,
                        )
                    bindings[f.binds] = f
    for needed in REQUIRED_BINDINGS[template.purpose]:
        if needed not in bindings:
            raise root.fail(
                f"{PURPOSE_LABELS[template.purpose]}には結び付け {needed.value} の項目が必要です。"
            )
        if bindings[needed].hidden:
            raise root.fail(f"結び付け {needed.value} の項目「{bindings[needed].label}」は隠せません。")
    actions = bindings.get(Binding.ANSWER_ACTIONS)
    if actions is not None:
        known = {a.value for a in AnswerAction}
        strange = [c.key for c in actions.choices if c.key not in known]
        if strange:
            raise root.fail(
                f"回答の選択肢キー {', '.join(strange)} は知らない対応です"
                f"(使えるキー: {', '.join(a.value for a in AnswerAction)})。",
                actions.key,
            )
    if template.purpose is Purpose.REFERRAL and any(b.value.startswith("answer.") for b in bindings):
        raise root.fail("つなぐ側の様式に回答用の結び付けは使えません。")


def _field_data(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"key": f.key, "label": f.label, "type": f.type.value}
    if f.required is not Requirement.OPTIONAL:
        out["required"] = f.required.value
    if f.help:
        out["help"] = f.help
    if f.choices:
        out["choices"] = [{"key": c.key, "label": c.label} for c in f.choices]
    if f.binds is not None:
        out["binds"] = f.binds.value
    for name in ("hidden", "primary_mark", "signature", "tax_info", "half"):
        if getattr(f, name):
            out[name] = True
    if f.lines:
        out["lines"] = f.lines
    return out


def template_to_data(template: SheetTemplate) -> dict[str, Any]:
    """The JSON-ready form; parse_template(template_to_data(t)) == t."""

    return {
        "key": template.key,
        "version": template.version,
        "purpose": template.purpose.value,
        "title": template.title,
        "style": template.style,
        "description": template.description,
        "parts": [
            {
                "key": p.key,
                "title": p.title,
                "note": p.note,
                "sections": [
                    {
                        "key": s.key,
                        "title": s.title,
                        "note": s.note,
                        "fields": [_field_data(f) for f in s.fields],
                    }
                    for s in p.sections
                ],
            }
            for p in template.parts
        ],
    }


# ---- administrator's edits: each returns the next version -----------------------------------------


def _edit_field(template: SheetTemplate, key: str, **changes: Any) -> SheetTemplate:
    template.field(key)  # raises for an unknown key
    parts = tuple(
        replace(
            p,
            sections=tuple(
                replace(s, fields=tuple(replace(f, **changes) if f.key == key else f for f in s.fields))
                for s in p.sections
            ),
        )
        for p in template.parts
    )
    edited = replace(template, parts=parts, version=template.version + 1)
    validate_template(edited)
    return edited


def relabel_field(
    template: SheetTemplate, key: str, label: str, help_text: str | None = None
) -> SheetTemplate:
    label = label.strip()
    if not label:
        raise ValidationError("項目名を入力してください。", key)
    if len(label) > _MAX_LABEL:
        raise ValidationError(f"項目名は{_MAX_LABEL}字までです。", key)
    changes: dict[str, Any] = {"label": label}
    if help_text is not None:
        changes["help"] = help_text.strip()[:_MAX_HELP]
    return _edit_field(template, key, **changes)


def set_hidden(template: SheetTemplate, key: str, hidden: bool) -> SheetTemplate:
    return _edit_field(template, key, hidden=hidden)


def set_requirement(template: SheetTemplate, key: str, required: Requirement) -> SheetTemplate:
    return _edit_field(template, key, required=required)


def new_field_key(template: SheetTemplate) -> str:
    taken = {f.key for f in template.fields()}
    n = 1
    while f"extra_{n}" in taken:
        n += 1
    return f"extra_{n}"


def add_field(template: SheetTemplate, section_key: str, new: Field) -> SheetTemplate:
    """Append a town's own field to a section (never bound: the app does not act on it)."""
    if new.binds is not None:
        raise ValidationError("追加する項目に結び付けは指定できません。", new.key)
    if any(f.key == new.key for f in template.fields()):
        raise ValidationError(f"項目キー {new.key} はすでに使われています。", new.key)
    data = template_to_data(template)
    data["version"] = template.version + 1
    added = False
    for part in data["parts"]:
        for section in part["sections"]:
            if section["key"] == section_key and not added:
                section["fields"].append(_field_data(new))
                added = True
    if not added:
        raise ValidationError(f"欄 {section_key} がありません。", section_key)
    return parse_template(data)


# ---- filled sheets ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """Missing or doubtful information in a filled sheet."""

    field_key: str
    label: str
    part: str
    level: Requirement
    message: str


def is_empty(f: Field, value: Any) -> bool:
    if value is None:
        return True
    if f.type is FieldType.MULTI_CHOICE:
        return not (isinstance(value, Mapping) and value.get("selected"))
    if f.type in (FieldType.PERSON, FieldType.AGENCY):
        return not (isinstance(value, Mapping) and str(value.get("name") or "").strip())
    if f.type is FieldType.YES_NO:
        return not isinstance(value, bool)
    return not str(value).strip()


def normalize_value(f: Field, value: Any) -> Any:
    """Check and tidy one value for storage; None for empty. Raises naming the field."""
    if value is None or (isinstance(value, str) and not value.strip() and f.type is not FieldType.LONG_TEXT):
        return None
    where = f"「{f.label}」"
    if f.type in (FieldType.TEXT, FieldType.LONG_TEXT):
        if not isinstance(value, str):
            raise ValidationError(f"{where}は文字で入力してください。", f.key)
        text = value.strip() if f.type is FieldType.TEXT else value.rstrip()
        return text or None
    if f.type is FieldType.DATE:
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return parse_date(str(value)).isoformat()
        except ValueError:
            raise ValidationError(f"{where}の日付が読めません: {value}", f.key) from None
    if f.type is FieldType.CHOICE:
        if not isinstance(value, str) or value not in {c.key for c in f.choices}:
            raise ValidationError(f"{where}の選択肢に「{value}」はありません。", f.key)
        return value
    if f.type is FieldType.MULTI_CHOICE:
        if isinstance(value, list | tuple):
            value = {"selected": list(value), "primary": None}
        if not isinstance(value, Mapping):
            raise ValidationError(f"{where}の値が正しい形ではありません。", f.key)
        keys = [c.key for c in f.choices]
        selected = [k for k in keys if k in set(value.get("selected") or ())]
        unknown = set(value.get("selected") or ()) - set(keys)
        if unknown:
            raise ValidationError(f"{where}の選択肢に「{'、'.join(sorted(unknown))}」はありません。", f.key)
        primary = value.get("primary")
        if primary is not None:
            if not f.primary_mark:
                raise ValidationError(f"{where}には◎を付けられません。", f.key)
            if primary not in selected:
                raise ValidationError(f"{where}の◎は選んだ項目のひとつに付けてください。", f.key)
        return {"selected": selected, "primary": primary} if selected else None
    if f.type in (FieldType.PERSON, FieldType.AGENCY):
        if isinstance(value, str):
            value = {"name": value, "id": None}
        if not isinstance(value, Mapping):
            raise ValidationError(f"{where}の値が正しい形ではありません。", f.key)
        name = str(value.get("name") or "").strip()
        ident = value.get("id")
        if ident is not None and (not isinstance(ident, int) or isinstance(ident, bool)):
            raise ValidationError(f"{where}の番号が正しくありません。", f.key)
        return {"name": name, "id": ident} if name else None
    if f.type is FieldType.YES_NO:
        if not isinstance(value, bool):
            raise ValidationError(f"{where}は「はい」か「いいえ」で答えてください。", f.key)
        return value
    raise AssertionError(f.type)  # pragma: no cover


def normalize_values(template: SheetTemplate, values: Mapping[str, Any]) -> dict[str, Any]:
    """All values tidied for storage; keys the template does not know are refused."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        f = template.field(key)
        tidy = normalize_value(f, value)
        if tidy is not None:
            out[key] = tidy
    return out


def check_values(template: SheetTemplate, values: Mapping[str, Any]) -> tuple[Problem, ...]:
    """Missing information, in the order of the form. Hidden fields are never asked for."""
    problems = []
    for part in template.parts:
        for section in part.sections:
            for f in section.fields:
                if f.hidden or f.required is Requirement.OPTIONAL:
                    continue
                if is_empty(f, values.get(f.key)):
                    word = "必須です" if f.required is Requirement.BLOCK else "未記入です"
                    problems.append(
                        Problem(f.key, f.label, part.title, f.required, f"「{f.label}」が{word}。")
                    )
    return tuple(problems)


def blocking(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(p for p in problems if p.level is Requirement.BLOCK)


def display_value(f: Field, value: Any, *, wareki: bool = True) -> str:
    """Text for screens and printouts: labels for choices, 和暦 for dates, ◎ for the most pressing."""
    if is_empty(f, value):
        return ""
    if f.type is FieldType.DATE:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return format_wareki(day) if wareki else day.isoformat()
    if f.type is FieldType.CHOICE:
        return f.choice_label(str(value))
    if f.type is FieldType.MULTI_CHOICE:
        primary = value.get("primary")
        return "、".join(
            ("◎" if key == primary else "") + f.choice_label(key) for key in value.get("selected", ())
        )
    if f.type in (FieldType.PERSON, FieldType.AGENCY):
        return str(value.get("name", ""))
    if f.type is FieldType.YES_NO:
        return "はい" if value else "いいえ"
    return str(value)


def bound_value(template: SheetTemplate, values: Mapping[str, Any], binding: Binding) -> Any:
    f = template.bound(binding)
    return None if f is None else values.get(f.key)


def bound_text(template: SheetTemplate, values: Mapping[str, Any], binding: Binding) -> str:
    f = template.bound(binding)
    return "" if f is None else display_value(f, values.get(f.key), wareki=False)


def bound_date(template: SheetTemplate, values: Mapping[str, Any], binding: Binding) -> dt.date | None:
    value = bound_value(template, values, binding)
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def case_bindings(case: Case) -> dict[Binding, Any]:
    """What an open case already says about its 本人, for pre-filling a sheet about it."""
    person = case.principal
    known: dict[Binding, Any] = {
        Binding.PERSON_NAME: person.name,
        Binding.PERSON_KANA: person.kana,
        Binding.BIRTH_DATE: person.birth_date,
        Binding.SEX: person.sex.value,
        Binding.ADDRESS: person.address,
        Binding.PHONE: person.phone,
        Binding.MAIN_COMPLAINT: case.summary,
    }
    if case.consent_state in (ConsentState.GIVEN, ConsentState.REFUSED):
        known[Binding.CONSENT] = case.consent_state is ConsentState.GIVEN
    return known


def prefill(template: SheetTemplate, known: Mapping[Binding, Any]) -> dict[str, Any]:
    """Start values for a new sheet from what the app already knows (an open case, the user)."""
    out: dict[str, Any] = {}
    for binding, value in known.items():
        f = template.bound(binding)
        if f is None or value in (None, ""):
            continue
        if f.type is FieldType.CHOICE and value not in {c.key for c in f.choices}:
            value = next((c.key for c in f.choices if c.label == value), None)
            if value is None:
                continue
        if f.type is FieldType.TEXT and isinstance(value, Mapping):
            value = value.get("name", "")
        tidy = normalize_value(f, value)
        if tidy is not None:
            out[f.key] = tidy
    return out
