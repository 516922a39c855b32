"""Sheet templates as data: the shipped JSON, refusals of bad data, admin edits, filled values."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jusou_desktop import shipped
from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.sheets import (
    AnswerAction,
    Binding,
    Field,
    FieldType,
    Purpose,
    Requirement,
    SheetTemplate,
    add_field,
    blocking,
    bound_date,
    bound_text,
    bound_value,
    check_values,
    display_value,
    is_empty,
    new_field_key,
    normalize_value,
    normalize_values,
    parse_template,
    prefill,
    relabel_field,
    set_hidden,
    set_requirement,
    template_to_data,
)

SHEETS_DIR = shipped.shipped_dir("resources") / "sheets"
SHIPPED_FILES = sorted(SHEETS_DIR.glob("*.json"))
EXPECTED_SHIPPED = {
    "takashima_ab",
    "takashima_c",
    "sakai_shokai",
    "yonago_tsunagu",
    "standard_uketsuke_consent",
    "standard_uketsuke_noconsent",
}

Data = dict[str, Any]
Mutation = Callable[[Data], None]


def raw(name: str) -> Data:
    data: Data = json.loads((SHEETS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return data


def load(name: str) -> SheetTemplate:
    return parse_template(raw(name))


def field_data(data: Data, key: str) -> Data:
    for part in data["parts"]:
        for section in part["sections"]:
            for f in section["fields"]:
                if f["key"] == key:
                    return f  # type: ignore[no-any-return]
    raise KeyError(key)


def section_data(data: Data, key: str) -> Data:
    for part in data["parts"]:
        for section in part["sections"]:
            if section.get("key") == key:
                return section  # type: ignore[no-any-return]
    raise KeyError(key)


# ---- the shipped templates ----------------------------------------------------------------------


def test_all_expected_templates_are_shipped() -> None:
    assert {p.stem for p in SHIPPED_FILES} >= EXPECTED_SHIPPED


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_shipped_template_parses_and_round_trips(path: Path) -> None:
    template = parse_template(json.loads(path.read_text(encoding="utf-8")))
    assert template.key == path.stem
    assert template.version == 1
    assert template.title
    assert template.style
    assert template.title in template.display_name
    assert template.style in template.display_name
    assert template.description
    data = template_to_data(template)
    assert parse_template(data) == template
    # and through JSON text, as the database stores it
    assert parse_template(json.loads(json.dumps(data, ensure_ascii=False))) == template


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_shipped_template_layout_hints_are_sensible(path: Path) -> None:
    template = parse_template(json.loads(path.read_text(encoding="utf-8")))
    for f in template.fields():
        assert not f.hidden, f.key
        if f.lines:
            assert f.type is FieldType.LONG_TEXT, f.key
        if f.tax_info:
            assert f.binds is None, f.key
    if template.purpose is Purpose.REFERRAL:
        assert template.bound(Binding.PERSON_NAME).required is Requirement.BLOCK  # type: ignore[union-attr]
        assert template.bound(Binding.CONSENT) is not None


def test_takashima_c_answer_items() -> None:
    c = load("takashima_c")
    assert c.purpose is Purpose.ANSWER
    assert (c.title, c.style) == ("つむぎあいシート", "高島市式 C票")
    assert [p.title for p in c.parts] == ["つむぎあいシート C票"]
    actions = c.bound(Binding.ANSWER_ACTIONS)
    assert actions is not None
    assert actions.type is FieldType.MULTI_CHOICE
    assert [ch.key for ch in actions.choices] == [a.value for a in AnswerAction]
    labels = {ch.key: ch.label for ch in actions.choices}
    assert labels[AnswerAction.CONNECT] == "既存の支援制度・ネットワークで対応できるため、関係機関につなぐ"
    assert all(labels[a] != a.value for a in AnswerAction)
    expected = {
        Binding.ANSWER_AGENCY: FieldType.AGENCY,
        Binding.ANSWER_VISIT_DATE: FieldType.DATE,
        Binding.ANSWER_OTHER: FieldType.TEXT,
        Binding.ANSWER_COMMENT: FieldType.LONG_TEXT,
        Binding.ANSWER_DATE: FieldType.DATE,
    }
    for binding, ftype in expected.items():
        f = c.bound(binding)
        assert f is not None, binding
        assert f.type is ftype, binding
    for binding in (Binding.ANSWER_ACTIONS, Binding.ANSWER_DATE, Binding.ANSWER_RESPONDER):
        assert c.bound(binding).required is Requirement.BLOCK  # type: ignore[union-attr]


def test_sakai_requires_issue_awareness() -> None:
    sakai = load("sakai_shokai")
    assert (sakai.title, sakai.style) == ("紹介シート", "坂井市式")
    assert sakai.field("issue_awareness").required is Requirement.BLOCK
    assert [p.label for p in blocking(check_values(sakai, {}))] == ["氏名", "紹介者の課題認識"]


def test_yonago_has_urgency_and_consent() -> None:
    yonago = load("yonago_tsunagu")
    assert (yonago.title, yonago.style) == ("つなぐシート", "米子市式")
    urgency = yonago.field("urgency")
    assert urgency.type is FieldType.CHOICE
    assert display_value(urgency, "urgent") == "至急(今日中に対応が必要)"
    assert yonago.bound(Binding.CONSENT).type is FieldType.YES_NO  # type: ignore[union-attr]


def test_standard_forms_consent_and_noconsent() -> None:
    yes = load("standard_uketsuke_consent")
    no = load("standard_uketsuke_noconsent")
    assert yes.title == no.title == "相談受付・申込票"
    assert yes.style == "国の標準様式準拠(本人同意あり)"
    assert no.style == "国の標準様式準拠(本人同意なし)"
    consent = yes.bound(Binding.CONSENT)
    assert consent is not None
    assert consent.signature
    assert consent.required is Requirement.BLOCK
    assert not any(f.signature for f in no.fields())
    assert no.bound(Binding.CONSENT).required is not Requirement.BLOCK  # type: ignore[union-attr]
    assert no.field("no_consent_reason").required is Requirement.BLOCK
    assert no.field("info_source").required is Requirement.BLOCK
    for template in (yes, no):
        areas = template.field("areas")
        assert areas.primary_mark
        assert len(areas.choices) == 16
        assert areas.choices[0].label == "病気や健康・障害"
        assert areas.choices[-1].label == "その他"
        tax = [f for f in template.fields() if f.tax_info]
        assert [f.key for f in tax] == ["tax_detail"]
        assert any(f.half for f in template.fields())
        assert template.field("main_complaint").lines > 0


# ---- refusing bad template data -------------------------------------------------------------------


def set_field(target: str, /, **attrs: Any) -> Mutation:
    def mutate(data: Data) -> None:
        field_data(data, target).update(attrs)

    return mutate


def drop_field_attr(key: str, attr: str) -> Mutation:
    def mutate(data: Data) -> None:
        del field_data(data, key)[attr]

    return mutate


def set_root(**attrs: Any) -> Mutation:
    def mutate(data: Data) -> None:
        data.update(attrs)

    return mutate


def append_field(section_key: str, new: Data) -> Mutation:
    def mutate(data: Data) -> None:
        section_data(data, section_key)["fields"].append(new)

    return mutate


def set_section(target: str, /, **attrs: Any) -> Mutation:
    def mutate(data: Data) -> None:
        section_data(data, target).update(attrs)

    return mutate


def set_first_part(**attrs: Any) -> Mutation:
    def mutate(data: Data) -> None:
        data["parts"][0].update(attrs)

    return mutate


BAD_TEMPLATES = [
    pytest.param(
        "takashima_ab",
        set_field("sex", type="number"),
        ("本人の基本情報", "性別(sex)", "種類 'number' は使えません", "yes_no"),
        "sex",
        id="unknown-type",
    ),
    pytest.param(
        "takashima_ab",
        set_field("source_contact", key="written_on"),
        ("紹介元", "項目キー written_on が二度使われています"),
        "written_on",
        id="duplicate-key",
    ),
    pytest.param(
        "takashima_ab",
        set_field("tax_arrears", key="name"),
        ("主訴・困りごと", "項目キー name が二度使われています"),
        "name",
        id="duplicate-key-across-parts",
    ),
    pytest.param(
        "takashima_ab",
        set_field("contact_note", binds="person.name"),
        ("本人の基本情報", "結び付け person.name は「氏名」と重複しています"),
        "contact_note",
        id="duplicate-binding",
    ),
    pytest.param(
        "takashima_ab",
        drop_field_attr("name", "binds"),
        ("つなぐ側の様式には結び付け person.name の項目が必要です",),
        None,
        id="missing-person-name-binding",
    ),
    pytest.param(
        "takashima_c",
        drop_field_attr("answered_on", "binds"),
        ("回答の様式には結び付け answer.date の項目が必要です",),
        None,
        id="missing-answer-date-binding",
    ),
    pytest.param(
        "takashima_c",
        drop_field_attr("actions", "binds"),
        ("回答の様式には結び付け answer.actions の項目が必要です",),
        None,
        id="missing-answer-actions-binding",
    ),
    pytest.param(
        "takashima_c",
        drop_field_attr("responder", "binds"),
        ("結び付け answer.responder",),
        None,
        id="missing-answer-responder-binding",
    ),
    pytest.param(
        "takashima_ab",
        set_field("sex", choices=[]),
        ("性別(sex)", "選択の項目には選択肢が必要です"),
        "sex",
        id="choice-without-choices",
    ),
    pytest.param(
        "takashima_ab",
        drop_field_attr("income", "choices"),
        ("世帯の主な収入(income)", "選択の項目には選択肢が必要です"),
        "income",
        id="multi-choice-without-choices",
    ),
    pytest.param(
        "takashima_ab",
        set_field("sex", choices=["男", "女", "男"]),
        ("性別(sex)", "選択肢のキーが重複しています"),
        "sex",
        id="duplicate-choice-key",
    ),
    pytest.param(
        "takashima_ab",
        set_field("sex", choices=[{"key": "m"}]),
        ("性別(sex)", "「label」がありません"),
        None,
        id="choice-without-label",
    ),
    pytest.param(
        "takashima_ab",
        set_field("sex", choices=["男", ""]),
        ("性別(sex)", "選択肢にはキーと表示名が必要です"),
        "sex",
        id="blank-choice",
    ),
    pytest.param(
        "takashima_ab",
        set_field("sex", choices="男,女"),
        ("性別(sex)", "選択肢はリストで書いてください"),
        "sex",
        id="choices-not-a-list",
    ),
    pytest.param(
        "takashima_ab",
        set_field("phone", choices=["自宅", "携帯"]),
        ("電話(phone)", "種類「文字(1行)」には選択肢を付けられません"),
        "phone",
        id="choices-on-text",
    ),
    pytest.param(
        "takashima_c",
        set_field("actions", choices=[{"key": "関係機関につなぐ", "label": "つなぐ"}, "様子を見る"]),
        ("回答の選択肢キー 様子を見る は知らない対応です", "使えるキー: 関係機関につなぐ"),
        "actions",
        id="answer-choice-not-an-action",
    ),
    pytest.param(
        "takashima_ab",
        set_field("name", key="Name"),
        ("本人の基本情報", "2番目の項目", "項目キー 'Name' は半角英小文字で始まる"),
        None,
        id="key-uppercase",
    ),
    pytest.param(
        "takashima_ab",
        set_field("name", key="1name"),
        ("項目キー '1name'",),
        None,
        id="key-digit-first",
    ),
    pytest.param(
        "takashima_ab",
        set_field("name", key="full-name"),
        ("項目キー 'full-name'",),
        None,
        id="key-dash",
    ),
    pytest.param(
        "takashima_ab",
        set_field("name", key="a" * 41),
        ("項目キー 'aaaa",),
        None,
        id="key-too-long",
    ),
    pytest.param(
        "takashima_ab",
        set_field("name", key="氏名"),
        ("項目キー '氏名'",),
        None,
        id="key-japanese",
    ),
    pytest.param(
        "takashima_ab",
        drop_field_attr("name", "key"),
        ("項目キー None",),
        None,
        id="key-missing",
    ),
    pytest.param(
        "takashima_ab",
        set_root(key="Takashima-AB"),
        ("つむぎあいシート", "様式キー 'Takashima-AB'"),
        None,
        id="template-key-pattern",
    ),
    pytest.param(
        "takashima_ab",
        set_section("person", key="person info"),
        ("本人の基本情報", "欄のキー 'person info'"),
        None,
        id="section-key-pattern",
    ),
    pytest.param(
        "takashima_ab",
        set_field("sex", primary_mark=True),
        ("性別(sex)", "◎印(primary_mark)は複数選択の項目だけに付けられます"),
        "sex",
        id="primary-mark-on-choice",
    ),
    pytest.param(
        "takashima_ab",
        set_field("history", primary_mark=True),
        ("これまでの経緯と背景(history)", "◎印(primary_mark)"),
        "history",
        id="primary-mark-on-long-text",
    ),
    pytest.param(
        "takashima_ab",
        set_field("name", hidden=True),
        ("結び付け person.name の項目「氏名」は隠せません",),
        None,
        id="hidden-required-binding",
    ),
    pytest.param(
        "takashima_c",
        set_field("responder", hidden=True),
        ("結び付け answer.responder の項目「回答者」は隠せません",),
        None,
        id="hidden-answer-responder",
    ),
    pytest.param(
        "takashima_ab",
        set_field("phone", colour="red"),
        ("電話(phone)", "知らない項目名 colour があります"),
        None,
        id="unknown-field-attribute",
    ),
    pytest.param(
        "takashima_ab",
        set_root(author="町"),
        ("(つむぎあいシート)", "知らない項目名 author があります"),
        None,
        id="unknown-template-attribute",
    ),
    pytest.param(
        "takashima_ab",
        set_first_part(page=1),
        ("つむぎあいシート A票", "知らない項目名 page があります"),
        None,
        id="unknown-part-attribute",
    ),
    pytest.param(
        "takashima_ab",
        set_section("person", layout="grid"),
        ("本人の基本情報", "知らない項目名 layout があります"),
        None,
        id="unknown-section-attribute",
    ),
    pytest.param(
        "takashima_ab",
        set_field("address", binds="person.age"),
        ("住所(address)", "結び付け 'person.age' は知らない意味です"),
        "address",
        id="unknown-binding",
    ),
    pytest.param(
        "takashima_ab",
        set_field("kana", binds="person.birth_date"),
        ("ふりがな(kana)", "結び付け person.birth_date には種類「文字(1行)」は使えません"),
        "kana",
        id="binding-type-mismatch",
    ),
    pytest.param(
        "takashima_ab",
        append_field(
            "history", {"key": "coord_note", "label": "回答", "type": "text", "binds": "answer.comment"}
        ),
        ("つなぐ側の様式に回答用の結び付けは使えません",),
        None,
        id="answer-binding-on-referral",
    ),
    pytest.param(
        "takashima_ab",
        set_field("phone", required="must"),
        ("電話(phone)", "「required」は optional・warn・block のどれかです"),
        "phone",
        id="bad-required",
    ),
    pytest.param(
        "takashima_ab",
        set_field("phone", hidden="yes"),
        ("電話(phone)", "「hidden」は true か false で書いてください"),
        None,
        id="flag-not-bool",
    ),
    pytest.param(
        "takashima_ab",
        set_field("history", lines=41),
        ("「lines」は 0〜40 の整数です",),
        "history",
        id="lines-too-many",
    ),
    pytest.param(
        "takashima_ab",
        set_field("history", lines=-1),
        ("「lines」は 0〜40 の整数です",),
        "history",
        id="lines-negative",
    ),
    pytest.param(
        "takashima_ab",
        set_field("history", lines=True),
        ("「lines」",),
        "history",
        id="lines-bool",
    ),
    pytest.param(
        "takashima_ab",
        set_field("history", lines="8"),
        ("「lines」",),
        "history",
        id="lines-text",
    ),
    pytest.param(
        "takashima_ab",
        set_field("phone", label="電" * 61),
        ("「label」が長すぎます(60字まで)",),
        None,
        id="label-too-long",
    ),
    pytest.param(
        "takashima_ab",
        set_field("phone", label="  "),
        (
            "(つむぎあいシート › つむぎあいシート A票 › 本人の基本情報 › 6番目の項目 › phone)",
            "「label」がありません",
        ),
        None,
        id="label-blank",
    ),
    pytest.param(
        "takashima_ab",
        set_field("phone", help="説" * 401),
        ("「help」が長すぎます(400字まで)",),
        None,
        id="help-too-long",
    ),
    pytest.param(
        "takashima_ab",
        set_field("phone", label=3),
        ("「label」は文字で書いてください",),
        None,
        id="label-not-text",
    ),
    pytest.param(
        "takashima_ab", set_root(version=0), ("版(version)は 1 以上の整数です",), None, id="version-0"
    ),
    pytest.param("takashima_ab", set_root(version="2"), ("版(version)",), None, id="version-text"),
    pytest.param("takashima_ab", set_root(version=True), ("版(version)",), None, id="version-bool"),
    pytest.param(
        "takashima_ab",
        set_root(purpose="notice"),
        ("用途(purpose)は referral か answer です",),
        None,
        id="bad-purpose",
    ),
    pytest.param(
        "takashima_ab", set_root(title=""), ("(様式)", "「title」がありません"), None, id="no-title"
    ),
    pytest.param("takashima_ab", set_root(parts=[]), ("票(parts)がありません",), None, id="no-parts"),
    pytest.param(
        "takashima_ab",
        set_first_part(sections=[]),
        ("つむぎあいシート A票", "欄(sections)がありません"),
        None,
        id="no-sections",
    ),
    pytest.param(
        "takashima_ab",
        set_section("person", fields=[]),
        ("本人の基本情報", "項目(fields)がありません"),
        None,
        id="no-fields",
    ),
    pytest.param(
        "takashima_ab",
        set_first_part(key=" "),
        ("票のキーがありません",),
        None,
        id="blank-part-key",
    ),
    pytest.param(
        "takashima_c",
        set_field("agency", type="text"),
        ("結び付け answer.agency には種類「文字(1行)」は使えません",),
        "agency",
        id="answer-agency-must-be-agency",
    ),
    pytest.param(
        "standard_uketsuke_consent",
        set_field("consent", type="choice", choices=["はい", "いいえ"]),
        ("結び付け consent には種類「選択(ひとつ)」は使えません",),
        "consent",
        id="consent-must-be-yes-no",
    ),
]


@pytest.mark.parametrize(("base", "mutate", "expected", "field"), BAD_TEMPLATES)
def test_bad_template_data_is_refused(
    base: str, mutate: Mutation, expected: tuple[str, ...], field: str | None
) -> None:
    data = raw(base)
    mutate(data)
    with pytest.raises(ValidationError) as caught:
        parse_template(data)
    message = str(caught.value)
    assert message.startswith("様式データの誤り(")
    for part in expected:
        assert part in message
    if field is not None:
        assert caught.value.field == field


@pytest.mark.parametrize("data", [None, [], "takashima", 3], ids=["none", "list", "text", "int"])
def test_template_data_must_be_an_object(data: Any) -> None:
    with pytest.raises(ValidationError, match="様式の定義が正しい形ではありません"):
        parse_template(data)


def test_field_that_is_not_an_object_is_refused() -> None:
    data = raw("takashima_ab")
    section_data(data, "person")["fields"].append("氏名")
    with pytest.raises(ValidationError, match=r"8番目の項目.*項目の定義が正しい形ではありません"):
        parse_template(data)


def test_parsing_does_not_change_the_data() -> None:
    data = raw("takashima_c")
    before = copy.deepcopy(data)
    parse_template(data)
    assert data == before


def test_string_choices_mean_key_and_label_alike() -> None:
    sex = load("takashima_ab").field("sex")
    assert [(c.key, c.label) for c in sex.choices][:2] == [("男", "男"), ("女", "女")]


def test_optional_parts_have_defaults() -> None:
    data = raw("takashima_c")
    del data["version"]
    del data["parts"][0]["key"]
    for index, section in enumerate(data["parts"][0]["sections"]):
        if index:
            del section["key"]
    template = parse_template(data)
    assert template.version == 1
    assert template.parts[0].key == "p1"
    assert [s.key for s in template.parts[0].sections] == ["receipt", "s2", "s3", "s4"]


# ---- administrator's edits ------------------------------------------------------------------------


def test_relabel_makes_a_new_version_and_keeps_the_original() -> None:
    v1 = load("takashima_ab")
    v2 = relabel_field(v1, "name", " 本人氏名 ", help_text=" 戸籍上の氏名 ")
    assert (v1.version, v2.version) == (1, 2)
    assert v1.field("name").label == "氏名"
    assert v1.field("name").help == ""
    assert v2.field("name").label == "本人氏名"
    assert v2.field("name").help == "戸籍上の氏名"
    assert v2.field("name").binds is Binding.PERSON_NAME
    assert parse_template(template_to_data(v2)) == v2
    v3 = relabel_field(v2, "name", "氏名(本人)")
    assert v3.version == 3
    assert v3.field("name").help == "戸籍上の氏名"  # help_text None leaves the help alone


def test_sheet_filled_on_v1_still_shows_v1_labels_after_v2() -> None:
    v1 = load("takashima_ab")
    versions = {v1.version: template_to_data(v1)}  # as stored, one row per version
    values = normalize_values(v1, {"name": "山田 花子", "consent": True, "written_on": "令和6年4月1日"})
    sheet = {"template_version": 1, "values": values}
    v2 = relabel_field(relabel_field(v1, "name", "本人氏名"), "written_on", "作成日")
    versions[v2.version] = template_to_data(v2)
    assert sorted(versions) == [1, 3]
    pinned = parse_template(versions[sheet["template_version"]])  # type: ignore[index]

    def shown(template: SheetTemplate) -> list[tuple[str, str]]:
        return [
            (f.label, display_value(f, sheet["values"].get(f.key)))  # type: ignore[attr-defined]
            for f in template.fields()
            if f.key in sheet["values"]  # type: ignore[operator]
        ]

    assert shown(pinned) == [
        ("記入日", "令和6年4月1日"),
        ("氏名", "山田 花子"),
        ("関係機関で情報を共有することへの本人同意", "はい"),
    ]
    assert [label for label, _ in shown(parse_template(versions[3]))][:2] == ["作成日", "本人氏名"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(
            lambda t: relabel_field(t, "nope", "新しい名前"), "項目 nope はありません", id="relabel-unknown"
        ),
        pytest.param(
            lambda t: relabel_field(t, "name", " \u3000 "), "項目名を入力してください", id="relabel-empty"
        ),
        pytest.param(
            lambda t: relabel_field(t, "name", "名" * 61), "項目名は60字まで", id="relabel-too-long"
        ),
        pytest.param(lambda t: set_hidden(t, "nope", True), "項目 nope はありません", id="hide-unknown"),
        pytest.param(
            lambda t: set_requirement(t, "nope", Requirement.BLOCK),
            "項目 nope はありません",
            id="require-unknown",
        ),
        pytest.param(
            lambda t: set_hidden(t, "name", True),
            "結び付け person.name の項目「氏名」は隠せません",
            id="hide-name",
        ),
    ],
)
def test_refused_edits(edit: Callable[[SheetTemplate], SheetTemplate], message: str) -> None:
    template = load("takashima_ab")
    with pytest.raises(ValidationError, match=re.escape(message)):
        edit(template)


def test_set_hidden_stops_asking_for_the_field() -> None:
    v1 = load("takashima_ab")
    assert "main_complaint" in {p.field_key for p in blocking(check_values(v1, {}))}
    v2 = set_hidden(v1, "main_complaint", True)
    assert v2.version == 2
    assert v2.field("main_complaint").hidden
    assert not v1.field("main_complaint").hidden
    assert "main_complaint" not in {f.key for f in v2.fields(include_hidden=False)}
    assert "main_complaint" in {f.key for f in v2.fields()}
    assert "main_complaint" not in {p.field_key for p in check_values(v2, {})}
    v3 = set_hidden(v2, "main_complaint", False)
    assert v3.version == 3
    assert not v3.field("main_complaint").hidden


def test_set_requirement_changes_the_level() -> None:
    v1 = load("takashima_ab")
    v2 = set_requirement(v1, "issue_awareness", Requirement.BLOCK)
    assert v2.version == 2
    assert v1.field("issue_awareness").required is Requirement.WARN
    assert "issue_awareness" in {p.field_key for p in blocking(check_values(v2, {}))}
    assert "issue_awareness" not in {p.field_key for p in blocking(check_values(v1, {}))}
    v3 = set_requirement(v2, "name", Requirement.OPTIONAL)
    assert "name" not in {p.field_key for p in check_values(v3, {})}


def test_add_field_appends_to_the_section() -> None:
    v1 = load("sakai_shokai")
    key = new_field_key(v1)
    assert key == "extra_1"
    new = Field(key=key, label="民生委員の氏名", type=FieldType.TEXT, half=True)
    v2 = add_field(v1, "person", new)
    assert v2.version == 2
    assert v2.field(key) == new
    assert v2.where(key)[1].fields[-1] == new
    assert v2.where(key)[1].key == "person"
    with pytest.raises(ValidationError):
        v1.field(key)
    assert new_field_key(v2) == "extra_2"
    assert parse_template(template_to_data(v2)) == v2
    # a town's own field takes part in the checks like any other
    v3 = add_field(
        v2,
        "awareness",
        Field(key="extra_2", label="会議の希望日", type=FieldType.DATE, required=Requirement.WARN),
    )
    assert v3.version == 3
    assert [p.field_key for p in check_values(v3, {}) if p.field_key.startswith("extra_")] == ["extra_2"]


@pytest.mark.parametrize(
    ("section", "new", "message"),
    [
        pytest.param(
            "person",
            Field(key="extra_1", label="電話", type=FieldType.TEXT, binds=Binding.PHONE),
            "結び付けは指定できません",
            id="bound",
        ),
        pytest.param(
            "person",
            Field(key="name", label="氏名2", type=FieldType.TEXT),
            "項目キー name はすでに使われています",
            id="duplicate-key",
        ),
        pytest.param(
            "nowhere",
            Field(key="extra_1", label="メモ", type=FieldType.TEXT),
            "欄 nowhere がありません",
            id="unknown-section",
        ),
        pytest.param(
            "person",
            Field(key="Extra", label="メモ", type=FieldType.TEXT),
            "項目キー 'Extra'",
            id="bad-key",
        ),
        pytest.param(
            "person",
            Field(key="extra_1", label="緊急度", type=FieldType.CHOICE),
            "選択の項目には選択肢が必要です",
            id="choice-without-choices",
        ),
    ],
)
def test_add_field_refusals(section: str, new: Field, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        add_field(load("sakai_shokai"), section, new)


# ---- filled values ------------------------------------------------------------------------------


def test_check_values_lists_missing_fields_in_form_order() -> None:
    ab = load("takashima_ab")
    problems = check_values(ab, {})
    assert [(p.field_key, p.level) for p in problems] == [
        ("written_on", Requirement.WARN),
        ("source_agency", Requirement.BLOCK),
        ("source_staff", Requirement.BLOCK),
        ("kana", Requirement.WARN),
        ("name", Requirement.BLOCK),
        ("birth_date", Requirement.WARN),
        ("main_complaint", Requirement.BLOCK),
        ("history", Requirement.WARN),
        ("issue_awareness", Requirement.WARN),
        ("consent", Requirement.WARN),
    ]
    by_key = {p.field_key: p for p in problems}
    assert by_key["name"].message == "「氏名」が必須です。"
    assert by_key["name"].part == "つむぎあいシート A票"
    assert by_key["written_on"].message == "「記入日」が未記入です。"
    assert by_key["consent"].part == "つむぎあいシート B票"
    assert [p.field_key for p in blocking(problems)] == [
        "source_agency",
        "source_staff",
        "name",
        "main_complaint",
    ]


def test_filled_blocking_fields_leave_only_warnings() -> None:
    ab = load("takashima_ab")
    values = normalize_values(
        ab,
        {
            "source_agency": {"name": "地域包括支援センター", "id": 3},
            "source_staff": "田中",
            "name": "山田 花子",
            "main_complaint": "家賃を滞納している",
        },
    )
    problems = check_values(ab, values)
    assert problems
    assert not blocking(problems)
    assert all(p.level is Requirement.WARN for p in problems)


@pytest.mark.parametrize(
    ("key", "value", "empty"),
    [
        ("consent", False, False),
        ("consent", True, False),
        ("consent", None, True),
        ("consent", "はい", True),
        ("troubles", {"selected": [], "primary": None}, True),
        ("troubles", {"selected": ["住まい"], "primary": None}, False),
        ("troubles", ["住まい"], True),
        ("source_staff", {"name": "  ", "id": None}, True),
        ("source_staff", {"name": "田中", "id": None}, False),
        ("source_staff", {"name": None, "id": 4}, True),
        ("name", " \u3000", True),
        ("written_on", "2024-04-01", False),
    ],
)
def test_is_empty(key: str, value: Any, empty: bool) -> None:
    assert is_empty(load("takashima_ab").field(key), value) is empty


AB = load("takashima_ab")
YONAGO = load("yonago_tsunagu")


@pytest.mark.parametrize(
    ("f", "value", "stored"),
    [
        pytest.param(AB.field("name"), "  山田 花子 ", "山田 花子", id="text-strip"),
        pytest.param(AB.field("name"), "   ", None, id="text-blank"),
        pytest.param(AB.field("name"), None, None, id="text-none"),
        pytest.param(AB.field("history"), "一行目\n\n二行目\n  ", "一行目\n\n二行目", id="long-text-rstrip"),
        pytest.param(AB.field("history"), "  字下げ", "  字下げ", id="long-text-keeps-indent"),
        pytest.param(AB.field("history"), " \n ", None, id="long-text-blank"),
        pytest.param(AB.field("written_on"), "令和6年4月1日", "2024-04-01", id="wareki"),
        pytest.param(AB.field("written_on"), "令和６年４月１日", "2024-04-01", id="wareki-full-width"),
        pytest.param(AB.field("written_on"), "令和元年5月1日", "2019-05-01", id="gannen"),
        pytest.param(AB.field("written_on"), "R6.4.1", "2024-04-01", id="wareki-letter"),
        pytest.param(AB.field("birth_date"), "昭和50年12月31日", "1975-12-31", id="showa"),
        pytest.param(AB.field("written_on"), "２０２４／４／１", "2024-04-01", id="full-width-digits"),
        pytest.param(AB.field("written_on"), "2024-04-01", "2024-04-01", id="iso"),
        pytest.param(AB.field("written_on"), dt.date(2024, 4, 1), "2024-04-01", id="date-object"),
        pytest.param(AB.field("sex"), "女", "女", id="choice"),
        pytest.param(YONAGO.field("urgency"), "urgent", "urgent", id="choice-key"),
        pytest.param(
            AB.field("troubles"),
            ["住まい", "高齢・介護"],
            {"selected": ["高齢・介護", "住まい"], "primary": None},
            id="multi-list-in-form-order",
        ),
        pytest.param(
            AB.field("troubles"),
            {"selected": ["住まい", "債務・滞納"], "primary": "債務・滞納"},
            {"selected": ["住まい", "債務・滞納"], "primary": "債務・滞納"},
            id="multi-primary",
        ),
        pytest.param(AB.field("troubles"), {"selected": [], "primary": None}, None, id="multi-empty"),
        pytest.param(AB.field("troubles"), [], None, id="multi-empty-list"),
        pytest.param(
            AB.field("source_staff"), " 田中 一郎 ", {"name": "田中 一郎", "id": None}, id="person-text"
        ),
        pytest.param(
            AB.field("source_agency"),
            {"name": "地域包括支援センター", "id": 7},
            {"name": "地域包括支援センター", "id": 7},
            id="agency-with-id",
        ),
        pytest.param(AB.field("source_agency"), {"name": " ", "id": 7}, None, id="agency-blank-name"),
        pytest.param(AB.field("source_agency"), {"name": None, "id": 7}, None, id="agency-name-none"),
        pytest.param(AB.field("consent"), True, True, id="yes"),
        pytest.param(AB.field("consent"), False, False, id="no"),
    ],
)
def test_normalize_value(f: Field, value: Any, stored: Any) -> None:
    assert normalize_value(f, value) == stored


@pytest.mark.parametrize(
    ("f", "value", "message"),
    [
        pytest.param(AB.field("name"), 12, "「氏名」は文字で入力してください", id="text-not-str"),
        pytest.param(
            AB.field("written_on"), "4月吉日", "「記入日」の日付が読めません: 4月吉日", id="date-unreadable"
        ),
        pytest.param(
            AB.field("written_on"), "令和6年2月30日", "「記入日」の日付が読めません", id="date-impossible"
        ),
        pytest.param(
            AB.field("written_on"), "平成32年1月1日", "「記入日」の日付が読めません", id="date-out-of-era"
        ),
        pytest.param(AB.field("sex"), "男性", "「性別」の選択肢に「男性」はありません", id="bad-choice"),
        pytest.param(
            YONAGO.field("urgency"), "至急", "選択肢に「至急」はありません", id="choice-label-not-key"
        ),
        pytest.param(AB.field("sex"), ["男"], "「性別」の選択肢に", id="choice-unhashable"),
        pytest.param(
            AB.field("troubles"),
            ["住まい", "宇宙"],
            "「困りごとの分野」の選択肢に「宇宙」はありません",
            id="bad-multi",
        ),
        pytest.param(
            AB.field("troubles"),
            {"selected": ["住まい"], "primary": "就労"},
            "「困りごとの分野」の◎は選んだ項目のひとつに付けてください",
            id="primary-not-selected",
        ),
        pytest.param(
            AB.field("income"),
            {"selected": ["年金"], "primary": "年金"},
            "「世帯の主な収入」には◎を付けられません",
            id="primary-not-allowed",
        ),
        pytest.param(
            AB.field("troubles"), "住まい", "「困りごとの分野」の値が正しい形ではありません", id="multi-text"
        ),
        pytest.param(
            AB.field("source_staff"), 5, "「記入者」の値が正しい形ではありません", id="person-number"
        ),
        pytest.param(
            AB.field("source_agency"),
            {"name": "包括", "id": "7"},
            "「紹介元(機関・課)」の番号が正しくありません",
            id="id-text",
        ),
        pytest.param(
            AB.field("source_agency"), {"name": "包括", "id": True}, "番号が正しくありません", id="id-bool"
        ),
        pytest.param(AB.field("consent"), "はい", "「はい」か「いいえ」で答えてください", id="yes-no-text"),
        pytest.param(AB.field("consent"), 1, "「はい」か「いいえ」で答えてください", id="yes-no-int"),
    ],
)
def test_normalize_value_refusals(f: Field, value: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        normalize_value(f, value)
    assert caught.value.field == f.key


def test_normalize_values_drops_empties_and_refuses_unknown_keys() -> None:
    ab = load("takashima_ab")
    assert normalize_values(ab, {"name": " 山田 ", "kana": "", "phone": None}) == {"name": "山田"}
    with pytest.raises(ValidationError, match="項目 favourite_food はありません") as caught:
        normalize_values(ab, {"favourite_food": "カレー"})
    assert caught.value.field == "favourite_food"


@pytest.mark.parametrize(
    ("f", "value", "wareki", "shown"),
    [
        pytest.param(AB.field("written_on"), "2024-04-01", True, "令和6年4月1日", id="date-wareki"),
        pytest.param(AB.field("written_on"), "2019-05-01", True, "令和元年5月1日", id="date-gannen"),
        pytest.param(AB.field("written_on"), "2019-04-30", True, "平成31年4月30日", id="date-heisei"),
        pytest.param(AB.field("written_on"), "2024-04-01", False, "2024-04-01", id="date-western"),
        pytest.param(AB.field("written_on"), "そのうち", True, "そのうち", id="date-unreadable-shown-as-is"),
        pytest.param(AB.field("written_on"), None, True, "", id="empty"),
        pytest.param(YONAGO.field("urgency"), "soon", True, "早めに(1週間以内)", id="choice-label"),
        pytest.param(AB.field("sex"), "女", True, "女", id="choice-same"),
        pytest.param(
            AB.field("troubles"),
            {"selected": ["住まい", "就労", "債務・滞納"], "primary": "就労"},
            True,
            "住まい、◎就労、債務・滞納",
            id="multi-primary",
        ),
        pytest.param(
            AB.field("income"),
            {"selected": ["年金", "手当"], "primary": None},
            True,
            "年金、手当",
            id="multi",
        ),
        pytest.param(
            AB.field("source_agency"),
            {"name": "社会福祉協議会", "id": 2},
            True,
            "社会福祉協議会",
            id="agency",
        ),
        pytest.param(AB.field("consent"), True, True, "はい", id="yes"),
        pytest.param(AB.field("consent"), False, True, "いいえ", id="no"),
        pytest.param(AB.field("history"), "長い\n文章", True, "長い\n文章", id="long-text"),
    ],
)
def test_display_value(f: Field, value: Any, wareki: bool, shown: str) -> None:
    assert display_value(f, value, wareki=wareki) == shown


def test_display_value_of_answer_actions_uses_the_c_sheet_labels() -> None:
    actions = load("takashima_c").field("actions")
    value = normalize_value(actions, {"selected": ["その他", "支援会議を開催"], "primary": None})
    assert display_value(actions, value) == (
        "支援会議を開き、関係機関で情報を共有して行動連携を図る、その他(内容は下の欄に記入)"
    )


def test_prefill_from_bindings() -> None:
    std = load("standard_uketsuke_consent")
    values = prefill(
        std,
        {
            Binding.PERSON_NAME: "山田 花子",
            Binding.PERSON_KANA: "やまだ はなこ",
            Binding.BIRTH_DATE: dt.date(1975, 12, 31),
            Binding.SEX: "女",
            Binding.ADDRESS: "つむぎ町1-2-3",
            Binding.PHONE: "",  # empty: skipped
            Binding.CONSENT: None,  # unknown: skipped
            Binding.SOURCE_STAFF: {"name": "田中 一郎", "id": None},
            Binding.SOURCE_AGENCY: {"name": "福祉課", "id": 1},
            Binding.ANSWER_COMMENT: "この様式にはない",  # not bound here: skipped
        },
    )
    assert values == {
        "name": "山田 花子",
        "kana": "やまだ はなこ",
        "birth_date": "1975-12-31",
        "sex": "女",
        "address": "つむぎ町1-2-3",
        "receiver": {"name": "田中 一郎", "id": None},
        "source_agency": {"name": "福祉課", "id": 1},
    }
    assert display_value(std.field("birth_date"), values["birth_date"]) == "昭和50年12月31日"


def test_prefill_matches_choice_labels_and_person_names_for_text_fields() -> None:
    data = raw("takashima_c")
    field_data(data, "responder")["type"] = "text"
    answer = parse_template(data)
    values = prefill(answer, {Binding.ANSWER_RESPONDER: {"name": "鈴木 コーディネーター", "id": 9}})
    assert values == {"responder": "鈴木 コーディネーター"}

    data = raw("takashima_ab")
    field_data(data, "sex")["choices"] = [{"key": "m", "label": "男"}, {"key": "f", "label": "女"}]
    ab = parse_template(data)
    assert prefill(ab, {Binding.SEX: "女"}) == {"sex": "f"}
    assert prefill(ab, {Binding.SEX: "f"}) == {"sex": "f"}
    assert prefill(ab, {Binding.SEX: "不明"}) == {}


def test_bound_readers() -> None:
    ab = load("takashima_ab")
    values = normalize_values(
        ab,
        {
            "name": "山田 花子",
            "birth_date": "昭和50年12月31日",
            "source_agency": {"name": "地域包括支援センター", "id": 3},
        },
    )
    assert bound_value(ab, values, Binding.PERSON_NAME) == "山田 花子"
    assert bound_value(ab, values, Binding.PHONE) is None
    assert bound_value(ab, values, Binding.ANSWER_DATE) is None  # not bound in a referral sheet
    assert bound_text(ab, values, Binding.SOURCE_AGENCY) == "地域包括支援センター"
    assert bound_text(ab, values, Binding.BIRTH_DATE) == "1975-12-31"
    assert bound_text(ab, values, Binding.ANSWER_COMMENT) == ""
    assert bound_date(ab, values, Binding.BIRTH_DATE) == dt.date(1975, 12, 31)
    assert bound_date(ab, {"birth_date": "not a date"}, Binding.BIRTH_DATE) is None
    assert bound_date(ab, {}, Binding.BIRTH_DATE) is None
