"""Sheets as PDF paper forms: Japanese text that can be extracted, an embedded subset font,
every page framed (取扱注意, n/N), long text never lost, blank forms of every shipped template,
税情報 left out on request, and no half-written file after a cancellation or an error.

poppler-utils (pdftotext, pdffonts) is installed here and on CI, so nothing is skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from jusou_desktop.domain.sheets import SheetTemplate, parse_template, set_hidden
from jusou_desktop.reports.pdf_common import MARGIN, PAGE_SIZE, Cancelled, PdfWriteError
from jusou_desktop.reports.sheet_pdf import (
    LABEL_WIDTH,
    TAX_OMITTED_NOTE,
    SheetDocument,
    sheet_pdf_bytes,
    write_sheet_pdf,
)

ROOT = Path(__file__).resolve().parent.parent
SHEETS = ROOT / "resources" / "sheets"
TEMPLATE_FILES = sorted(SHEETS.glob("*.json"))
PRINTED_ON = dt.date(2024, 4, 10)

HISTORY_START = "【経緯のはじまり】"
HISTORY_END = "【経緯のおわり】"


def _load(name: str) -> SheetTemplate:
    return parse_template(json.loads((SHEETS / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def ab() -> SheetTemplate:
    return _load("takashima_ab")


def _history() -> str:
    """About 3,300 characters of varied sentences, numbered, with a marker at each end."""
    who = ["本人", "母親", "姉", "民生委員", "ケアマネジャー", "包括の担当者", "近所の人", "主治医"]
    what = [
        "電話で様子を尋ねたが、はっきりした返事はなかった",
        "家の前まで行ったが、玄関の呼び鈴に応答はなかった",
        "食事は一日一回で、買い物は夜遅くに済ませていると話した",
        "税と国保の督促状が届いていることを気にしていた",
        "昔は工場で働いていて、機械の修理が得意だったという",
        "母のデイサービスの送迎時には顔を見せることがある",
        "将来のことを考えると夜も眠れないと打ち明けた",
        "庭の手入れを続けており、季節の花を育てている",
    ]
    sentences = [f"{i:03d}番、{who[i % 8]}によると{what[(i * 3) % 8]}。" for i in range(1, 121)]
    text = HISTORY_START + "".join(sentences) + HISTORY_END
    assert len(text) >= 3000
    return text


def _ab_values(history: str = "これまでの経緯の要約。") -> dict[str, Any]:
    return {
        "written_on": "2024-04-01",
        "source_agency": {"name": "つむぎ町福祉課高齢福祉係", "id": 3},
        "source_staff": {"name": "山田花子", "id": None},
        "source_contact": "0740-00-0000 <内線12> & FAX",  # markup characters print as they are
        "kana": "つむぎたろう",
        "name": "紬太郎",
        "birth_date": "1975-06-15",
        "sex": "男",
        "address": "つむぎ町大字本町1丁目2番3号",
        "members": "本人(49)無職\n母(82)要介護2同居",
        "income": {"selected": ["年金", "仕送り"], "primary": None},
        "route": "関係機関から",
        "main_complaint": "母親の介護と生活費の不安。",
        "troubles": {"selected": ["高齢・介護", "ひきこもり"], "primary": "ひきこもり"},
        "tax_arrears": "町民税の滞納が三十万円ほどある",
        "history": history,
        "consent": True,
        "consent_method": "口頭",
        "consent_on": "2024-04-01",
    }


def _doc(*sheets: tuple[SheetTemplate, dict[str, Any]], **changes: Any) -> SheetDocument:
    fields: dict[str, Any] = {
        "town": "つむぎ町",
        "number": "R6-0012",
        "sheets": tuple(sheets),
        "printed_on": PRINTED_ON,
        "state": "送付",
    }
    fields.update(changes)
    return SheetDocument(**fields)


def _pdf(tmp_path: Path, doc: SheetDocument, name: str = "sheet.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(sheet_pdf_bytes(doc))
    return path


def _pages(pdf: Path, *crop: str) -> list[str]:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *crop, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    pages = result.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_filled_sheet_has_labels_and_values_as_japanese_text(tmp_path: Path, ab: SheetTemplate) -> None:
    text = _flat("".join(_pages(_pdf(tmp_path, _doc((ab, _ab_values()))))))
    for expected in (
        "つむぎあいシートA票",
        "つむぎあいシートB票",
        "紹介元・本人と世帯の基本情報・相談経路",  # the part note
        "受付番号",
        "R6-0012",
        "紹介元(機関・課)",
        "つむぎ町福祉課高齢福祉係",
        "0740-00-0000<内線12>&FAX",
        "記入日",
        "令和6年4月1日",
        "昭和50年6月15日",
        "■男",
        "□女",
        "■年金",
        "□就労収入",
        "◎ひきこもり",
        "■高齢・介護",
        "□障害",
        "■はい",
        "□いいえ",
        "■口頭",
        "母親の介護と生活費の不安。",
        "町民税の滞納が三十万円ほどある",
        "本人(49)無職",
        "令和年月日",  # an empty date prints as a line to write on
        "印刷日令和6年4月10日",
        "［送付］",
    ):
        assert expected in text, expected
    # help text is for blank forms only
    assert "本人に連絡してよい時間帯" not in text


def test_font_is_embedded_as_subset_and_nothing_else_is_used(tmp_path: Path, ab: SheetTemplate) -> None:
    pdf = _pdf(tmp_path, _doc((ab, _ab_values())))
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert "IPAexGothic" in row, row
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert re.fullmatch(r"[A-Z]{6}\+IPAexGothic", name), row
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_long_history_flows_over_pages_without_losing_a_character(tmp_path: Path, ab: SheetTemplate) -> None:
    history = _history()
    pdf = _pdf(tmp_path, _doc((ab, _ab_values(history))))
    pages = _pages(pdf)
    n = len(pages)
    assert n >= 3
    for number, page in enumerate(pages, start=1):
        assert "取扱注意" in page, number
        assert f"{number}/{n}" in _flat(page), number

    # Only the value column of the body: no header, footer, labels or repeated section bars.
    left = MARGIN + LABEL_WIDTH + 2
    crop = ["-x", str(int(left)), "-y", "80", "-W", str(int(PAGE_SIZE[0] - MARGIN - left)), "-H", "690"]
    body_pages = [_flat(p) for p in _pages(pdf, *crop)]
    body = "".join(body_pages)
    start, end = body.index(HISTORY_START), body.index(HISTORY_END) + len(HISTORY_END)
    assert body[start:end] == _flat(history)
    first = next(i for i, p in enumerate(body_pages) if HISTORY_START in p)
    last = next(i for i, p in enumerate(body_pages) if HISTORY_END in p)
    assert last > first


def test_each_part_of_each_sheet_starts_a_page(tmp_path: Path, ab: SheetTemplate) -> None:
    answer = parse_template(
        {
            "key": "answer_test",
            "purpose": "answer",
            "title": "つむぎあいシート",
            "parts": [
                {
                    "key": "C",
                    "title": "つむぎあいシート C票",
                    "sections": [
                        {
                            "title": "回答",
                            "fields": [
                                {
                                    "key": "actions",
                                    "label": "今後の対応",
                                    "type": "multi_choice",
                                    "binds": "answer.actions",
                                    "choices": ["関係機関につなぐ", "支援会議を開催", "その他"],
                                },
                                {
                                    "key": "answered_on",
                                    "label": "回答日",
                                    "type": "date",
                                    "binds": "answer.date",
                                },
                                {
                                    "key": "responder",
                                    "label": "回答者",
                                    "type": "person",
                                    "binds": "answer.responder",
                                },
                            ],
                        }
                    ],
                }
            ],
        }
    )
    c_values = {
        "actions": {"selected": ["支援会議を開催"], "primary": None},
        "answered_on": "2024-04-05",
        "responder": {"name": "鈴木一郎", "id": None},
    }
    pages = [_flat(p) for p in _pages(_pdf(tmp_path, _doc((ab, _ab_values()), (answer, c_values))))]
    starts = [
        i for i, p in enumerate(pages) for title in ("A票", "B票", "C票") if f"つむぎあいシート{title}" in p
    ]
    assert starts == sorted(set(starts))
    assert len(starts) == 3
    c_page = pages[starts[2]]
    for expected in ("■支援会議を開催", "□関係機関につなぐ", "令和6年4月5日", "鈴木一郎"):
        assert expected in c_page


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=[p.stem for p in TEMPLATE_FILES])
def test_blank_form_of_every_shipped_template(tmp_path: Path, path: Path) -> None:
    template = parse_template(json.loads(path.read_text(encoding="utf-8")))
    doc = SheetDocument(
        town="つむぎ町", number="", sheets=((template, {}),), printed_on=PRINTED_ON, blank=True
    )
    pdf = _pdf(tmp_path, doc)
    pages = _pages(pdf)
    text = _flat("".join(pages))
    for part in template.parts:
        assert _flat(part.title) in text
    for f in template.fields(include_hidden=False):
        if f.type.value in ("choice", "multi_choice"):
            assert "□" + _flat(f.choices[0].label) in text, f.key
        if f.type.value == "yes_no":
            assert "□はい□いいえ" in text
    for number, page in enumerate(pages, start=1):
        assert "取扱注意" in page
        assert f"{number}/{len(pages)}" in _flat(page)
    body = _pages(pdf, "-x", "0", "-y", "80", "-W", str(int(PAGE_SIZE[0])), "-H", "690")
    assert all(_flat(page) for page in body), "a page has nothing but its header and footer"


def test_blank_form_prints_help_and_writing_space(tmp_path: Path, ab: SheetTemplate) -> None:
    doc = _doc((ab, _ab_values()), blank=True, number="", state="")
    text = _flat("".join(_pages(_pdf(tmp_path, doc))))
    assert _flat(ab.field("contact_note").help) in text
    assert "令和年月日" in text
    # a blank form shows none of the values it was given
    for given in ("紬太郎", "R6-0012", "送付", "■"):
        assert given not in text


def test_hidden_fields_are_not_printed(tmp_path: Path, ab: SheetTemplate) -> None:
    hidden = set_hidden(ab, "contact_note", True)
    values = {**_ab_values(), "contact_note": "母には知られたくない"}
    text = _flat("".join(_pages(_pdf(tmp_path, _doc((hidden, values))))))
    assert "連絡のとり方・注意" not in text
    assert "母には知られたくない" not in text


def test_omit_tax_info_removes_label_and_value(tmp_path: Path, ab: SheetTemplate) -> None:
    label = _flat(ab.field("tax_arrears").label)
    value = "町民税の滞納が三十万円ほどある"
    full = _flat("".join(_pages(_pdf(tmp_path, _doc((ab, _ab_values())), "full.pdf"))))
    assert label in full
    assert value in full
    assert TAX_OMITTED_NOTE not in full

    omitted = _doc((ab, _ab_values()), omit_tax_info=True, state="支援会議")
    text = _flat("".join(_pages(_pdf(tmp_path, omitted, "omitted.pdf"))))
    assert label not in text
    assert value not in text
    assert TAX_OMITTED_NOTE in text
    assert "母親の介護と生活費の不安。" in text


def test_write_reports_progress_and_replaces_atomically(tmp_path: Path, ab: SheetTemplate) -> None:
    dest = tmp_path / "シート.pdf"
    dest.write_bytes(b"old")
    seen: list[tuple[int, int]] = []
    write_sheet_pdf(_doc((ab, _ab_values())), dest, progress=lambda done, total: seen.append((done, total)))
    assert dest.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == [dest.name]
    assert seen
    assert seen[-1][0] == seen[-1][1]
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@pytest.mark.parametrize("after_checks", [0, 25])
def test_cancel_leaves_no_file_and_no_temp_file(tmp_path: Path, ab: SheetTemplate, after_checks: int) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > after_checks

    with pytest.raises(Cancelled):
        write_sheet_pdf(_doc((ab, _ab_values(_history()))), folder / "sheet.pdf", cancelled=cancelled)
    assert list(folder.iterdir()) == []


def test_cancel_keeps_an_existing_file_untouched(tmp_path: Path, ab: SheetTemplate) -> None:
    dest = tmp_path / "sheet.pdf"
    dest.write_bytes(b"previous")
    calls = iter(range(1000))
    with pytest.raises(Cancelled):
        write_sheet_pdf(_doc((ab, _ab_values())), dest, cancelled=lambda: next(calls) > 10)
    assert dest.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]


def test_missing_folder_is_a_clear_error_and_leaves_nothing(tmp_path: Path, ab: SheetTemplate) -> None:
    dest = tmp_path / "ない" / "sheet.pdf"
    with pytest.raises(PdfWriteError, match="保存先のフォルダが見つかりません") as caught:
        write_sheet_pdf(_doc((ab, _ab_values())), dest)
    assert isinstance(caught.value, OSError)
    assert list(tmp_path.iterdir()) == []


def test_a_document_needs_a_sheet() -> None:
    with pytest.raises(ValueError, match="様式"):
        sheet_pdf_bytes(SheetDocument(town="つむぎ町", number="", sheets=(), printed_on=PRINTED_ON))
