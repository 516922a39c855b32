"""Meeting paper as PDF: the notice names nobody on the agenda, the attendee list always has the
confidentiality pledge column, the 支援共有・行動連携計画シート prints every action and keeps tax
information out unless consent covers it; every page is framed (取扱注意, n/N), the font is
embedded, long minutes flow over pages, and a cancellation leaves no file.

No Qt and no database: meetings are built by hand. poppler-utils is installed here and on CI.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.units import mm

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.meetings import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendee,
    AttendeeKind,
    Holding,
    Meeting,
    MeetingState,
    MeetingType,
    Reason,
)
from jusou_desktop.domain.model import ConsentState
from jusou_desktop.reports.meeting_pdf import (
    CONFIDENTIAL_MARK,
    PLEDGE_HEADER,
    PLEDGE_HEADER_OPTIONAL,
    TAX_OMITTED_NOTE,
    MeetingDocument,
    action_sheet_bytes,
    attendee_list_bytes,
    date_with_weekday,
    notice_bytes,
    time_range,
    write_action_sheet_pdf,
    write_attendee_list_pdf,
    write_notice_pdf,
)
from jusou_desktop.reports.pdf_common import CONTENT_WIDTH, MARGIN, PAGE_SIZE, Cancelled

PRINTED_ON = dt.date(2024, 5, 7)
MEETING_ON = dt.date(2024, 5, 14)  # a Tuesday
CASE_1, CASE_2 = CaseId(101), CaseId(102)
CASE_NAME_1, CASE_NAME_2 = "紬太郎", "織部花子"
TAX_VALUE = "町民税 滞納 312,400円"
MINUTES_START, MINUTES_END = "【記録のはじまり】", "【記録のおわり】"

ATTENDEES = (
    Attendee(
        "鈴木一郎",
        "くらし連携支援室",
        AttendeeKind.STAFF,
        attended=True,
        pledge_on=MEETING_ON,
        pledge_method="署名",
        id=1,
    ),
    Attendee(
        "山田花子", "地域包括支援センター", attended=True, pledge_on=MEETING_ON, pledge_method="口頭", id=2
    ),
    Attendee("佐藤健", "障害者相談支援事業所", attended=True, id=3),
    Attendee("高橋みどり", "本町地区", AttendeeKind.NON_OFFICIAL, attended=None, id=4),
)


def _actions(case_id: CaseId) -> tuple[Action, ...]:
    return (
        Action(
            1,
            "鈴木一郎",
            "月に一度、本人宅を訪問して様子を聞く",
            MEETING_ON + dt.timedelta(days=30),
            case_id=case_id,
        ),
        Action(
            2,
            "山田花子",
            "母親の介護サービスの見直しをケアマネジャーと相談する",
            dt.date(2024, 6, 7),
            ActionStatus.DOING,
            case_id=case_id,
        ),
        Action(
            3, "佐藤健", "障害福祉サービスの利用について情報を伝える", dt.date(2024, 6, 21), case_id=case_id
        ),
        Action(4, "高橋みどり", "見守り訪問の際に声をかける", None, case_id=case_id),
    )


def _item(
    case_id: CaseId = CASE_1,
    name: str = CASE_NAME_1,
    consent: ConsentState = ConsentState.GIVEN,
    covers_tax: bool = False,
    **changes: Any,
) -> AgendaItem:
    fields: dict[str, Any] = {
        "case_id": case_id,
        "reason": Reason.SHARING,
        "case_number": f"R6-0{case_id}",
        "case_name": name,
        "consent": consent,
        "covers_tax": covers_tax,
        "shared_view": "母親の介護と本人の孤立が重なっている。本人は支援を拒んでいるわけではない。",
        "decisions": "包括と相談支援事業所が連携し、まず母親の介護負担を軽くする。",
        "strain": "訪問しても会えないことが続き、担当者が手応えを感じにくい。",
        "small_changes": "庭の花の話をすると、玄関先で少し話してくれるようになった。",
        "resource_gaps": ("夜間に立ち寄れる居場所", "男性が参加しやすい作業の場"),
        "next_meeting_on": dt.date(2024, 6, 11),
        "actions": _actions(case_id),
    }
    fields.update(changes)
    return AgendaItem(**fields)


def _meeting(meeting_type: MeetingType = MeetingType.JUSOU, *items: AgendaItem, **changes: Any) -> Meeting:
    fields: dict[str, Any] = {
        "type": meeting_type,
        "holding": Holding.REGULAR,
        "on": MEETING_ON,
        "title": "つながる会議",
        "start": dt.time(14, 0),
        "end": dt.time(15, 30),
        "place": "つむぎ町役場 2階 第1会議室",
        "convenor": "つむぎ町 福祉課 くらし連携支援室",
        "purpose": "世帯の状況を共有し、課題を明らかにする",
        "landing_point": "出席者全員の役割を決める",
        "state": MeetingState.HELD,
        "agenda": items or (_item(),),
        "attendees": ATTENDEES,
        "id": 7,
    }
    fields.update(changes)
    return Meeting(**fields)


def _doc(meeting: Meeting, **changes: Any) -> MeetingDocument:
    fields: dict[str, Any] = {
        "town": "つむぎ町",
        "meeting": meeting,
        "printed_on": PRINTED_ON,
        "tax_lines": {CASE_1: [("町民税", TAX_VALUE)], CASE_2: [("固定資産税", "滞納なし")]},
        "case_summaries": {CASE_1: "母親(82)の介護と本人(49)のひきこもり。", CASE_2: "家賃の滞納。"},
    }
    fields.update(changes)
    return MeetingDocument(**fields)


def _save(tmp_path: Path, data: bytes, name: str = "meeting.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
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


def _text(tmp_path: Path, data: bytes, name: str = "meeting.pdf") -> str:
    """All text in drawing order (-raw: table cells row by row), without whitespace."""
    return _flat("".join(_pages(_save(tmp_path, data, name), "-raw")))


def _body(pdf: Path, left: float, width: float, top: float) -> str:
    """The text of one column of the body on every page: no header, footer, labels, or the
    table heads repeated at the top of a page (``top`` is where they end, in points)."""
    crop = ["-x", str(int(left)), "-y", str(int(top)), "-W", str(int(width)), "-H", str(int(770 - top))]
    return "".join(_flat(p) for p in _pages(pdf, "-raw", *crop))


def _minutes() -> str:
    """About 3,100 characters of numbered sentences with a marker at each end."""
    who = ["本人", "母親", "民生委員", "ケアマネジャー", "包括の担当者", "主治医"]
    what = [
        "電話で様子を尋ねたが、はっきりした返事はなかった",
        "食事は一日一回で、買い物は夜遅くに済ませていると話した",
        "昔は工場で働いていて、機械の修理が得意だったという",
        "将来のことを考えると夜も眠れないと打ち明けた",
        "庭の手入れを続けており、季節の花を育てている",
    ]
    sentences = [f"{i:03d}番、{who[i % 6]}によると{what[(i * 3) % 5]}。" for i in range(1, 111)]
    text = MINUTES_START + "".join(sentences) + MINUTES_END
    assert len(text) >= 3000
    return text


WRITERS: dict[str, Callable[[MeetingDocument], bytes]] = {
    "notice": notice_bytes,
    "attendees": attendee_list_bytes,
    "actions": action_sheet_bytes,
}


# ---- words ----------------------------------------------------------------------------------------


def test_dates_have_the_weekday_and_times_a_range() -> None:
    assert date_with_weekday(MEETING_ON) == "令和6年5月14日（火）"
    assert time_range(dt.time(14, 0), dt.time(15, 30)) == "14:00〜15:30"
    assert time_range(dt.time(9, 5), None) == "9:05〜"
    assert time_range(None, None) == ""


# ---- every document -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(WRITERS))
def test_every_page_is_framed_and_the_font_is_an_embedded_subset(tmp_path: Path, kind: str) -> None:
    meeting = _meeting(MeetingType.SUPPORT, _item(decisions=_minutes()), _item(CASE_2, CASE_NAME_2))
    pdf = _save(tmp_path, WRITERS[kind](_doc(meeting, ground_rules="一、互いを責めない。\n" * 40)))
    pages = _pages(pdf)
    assert pages
    for number, page in enumerate(pages, start=1):
        assert "取扱注意" in page, number
        assert f"{number}/{len(pages)}" in _flat(page), number
        assert "印刷日令和6年5月7日" in _flat(page), number

    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert re.fullmatch(r"[A-Z]{6}\+IPAexGothic", name), row
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


# ---- 会議の案内 ---------------------------------------------------------------------------------------


def test_notice_shows_case_numbers_and_reasons_but_no_name(tmp_path: Path) -> None:
    meeting = _meeting(MeetingType.JUSOU, _item(), _item(CASE_2, CASE_NAME_2, reason=Reason.REPLAN))
    text = _text(tmp_path, notice_bytes(_doc(meeting)))
    for expected in (
        "つながる会議の開催について",
        "令和6年5月14日（火）14:00〜15:30",
        "つむぎ町役場2階第1会議室",
        "つむぎ町福祉課くらし連携支援室",
        "世帯の状況を共有し、課題を明らかにする",  # 目的
        "出席者全員の役割を決める",  # 到達点
        "ケース1受付番号R6-0101（情報共有）",
        "ケース2受付番号R6-0102（再プラン）",
        "地域包括支援センター山田花子様",  # addressed to the invitees
        "高橋みどり様",
    ):
        assert _flat(expected) in text, expected
    for private in (CASE_NAME_1, CASE_NAME_2, "ひきこもり", "家賃の滞納", TAX_VALUE, "母親の介護"):
        assert private not in text, private
    assert "守秘義務について" not in text  # a 重層的支援会議 has consent; no 支援会議 box


def test_support_meeting_notice_has_the_confidentiality_box_and_ground_rules(tmp_path: Path) -> None:
    rules = "第一条　相手の話を最後まで聞く。\n第二条　支援者をひとりにしない。"
    doc = _doc(_meeting(MeetingType.SUPPORT, title="よりそい会議"), ground_rules=rules)
    text = _text(tmp_path, notice_bytes(doc))
    assert "社会福祉法第106条の6" in text
    assert "守秘義務" in text
    assert "正当な理由なく漏らしてはなりません" in text
    assert "よりそい会議（支援会議）・定例" in text
    assert _flat("第二条　支援者をひとりにしない。") in text
    assert CASE_NAME_1 not in text

    plain = _text(tmp_path, notice_bytes(_doc(_meeting(MeetingType.INTERNAL))), "plain.pdf")
    assert "社会福祉法第106条の6" not in plain
    assert "会議の心得" not in plain


# ---- 出席者名簿 ---------------------------------------------------------------------------------------


def test_attendee_list_has_every_attendee_and_the_pledge_column(tmp_path: Path) -> None:
    text = _text(tmp_path, attendee_list_bytes(_doc(_meeting(MeetingType.SUPPORT))))
    assert _flat(PLEDGE_HEADER) in text
    assert "署名" in text
    assert CONFIDENTIAL_MARK in text
    for a in ATTENDEES:
        assert a.name in text
        assert _flat(a.affiliation) in text
    assert "令和6年5月14日署名" in text  # 鈴木: recorded pledge with its method
    assert "令和6年5月14日口頭" in text
    assert "□署名□口頭" in text  # 佐藤, 高橋 and the spare rows: to fill in
    assert "出・欠" in text  # 高橋: attendance not yet recorded
    assert "未2名" in text


def test_attendee_list_of_other_meetings_keeps_an_optional_pledge_column(tmp_path: Path) -> None:
    text = _text(tmp_path, attendee_list_bytes(_doc(_meeting(MeetingType.EXISTING, title="地域ケア会議"))))
    assert _flat(PLEDGE_HEADER_OPTIONAL) in text
    assert _flat(PLEDGE_HEADER) not in text
    assert CONFIDENTIAL_MARK not in text
    assert all(a.name in text for a in ATTENDEES)


def test_long_attendee_list_repeats_its_head_on_every_page(tmp_path: Path) -> None:
    many = tuple(Attendee(f"出席者{i:02d}", f"機関{i:02d}", id=100 + i) for i in range(1, 41))
    pdf = _save(tmp_path, attendee_list_bytes(_doc(_meeting(MeetingType.SUPPORT, attendees=many))))
    pages = [_flat(p) for p in _pages(pdf)]
    assert len(pages) >= 2
    assert all(_flat(PLEDGE_HEADER) in p for p in pages)
    text = "".join(pages)
    assert all(a.name in text for a in many)


# ---- 支援共有・行動連携計画シート --------------------------------------------------------------------------


def test_action_sheet_prints_the_shared_picture_and_every_action(tmp_path: Path) -> None:
    meeting = _meeting(MeetingType.JUSOU, _item(), _item(CASE_2, CASE_NAME_2))
    text = _text(tmp_path, action_sheet_bytes(_doc(meeting)))
    for expected in (
        "支援共有・行動連携計画シート",
        "ケース1受付番号R6-0101",
        CASE_NAME_1,
        CASE_NAME_2,
        "情報共有",
        "母親(82)の介護と本人(49)のひきこもり。",
        "共有した見立て",
        "本人は支援を拒んでいるわけではない。",
        "決まったこと",
        "誰が（出席者）",
        "何を",
        "いつまで",
        "状況",
        "支援者のしんどさ",
        "担当者が手応えを感じにくい。",
        "小さな変化",
        "こんな資源があれば",
        "・夜間に立ち寄れる居場所",
        "・男性が参加しやすい作業の場",
        "令和6年6月11日（火）",  # 次回
        "出席者と役割",
    ):
        assert _flat(expected) in text, expected
    for action in _actions(CASE_1):
        assert action.who in text
        assert _flat(action.what) in text
    for due in ("令和6年6月13日", "令和6年6月7日", "令和6年6月21日"):
        assert due in text
    assert text.count("見守り訪問の際に声をかける") == 2  # once per case
    assert "対応中" in text
    assert "未着手" in text
    assert text.count("2件（ケース1・2）") == len(ATTENDEES)  # the roster: everyone has roles


def test_support_meeting_sheet_is_marked_confidential(tmp_path: Path) -> None:
    text = _text(tmp_path, action_sheet_bytes(_doc(_meeting(MeetingType.SUPPORT))))
    assert CONFIDENTIAL_MARK in text
    assert "社会福祉法第106条の6" in text
    jusou = _text(tmp_path, action_sheet_bytes(_doc(_meeting(MeetingType.JUSOU))), "jusou.pdf")
    assert CONFIDENTIAL_MARK not in jusou


def test_planned_meeting_sheet_lists_attendees_without_a_role_to_fill_in(tmp_path: Path) -> None:
    item = _item(actions=_actions(CASE_1)[:1])
    meeting = _meeting(MeetingType.JUSOU, item, state=MeetingState.PLANNED)
    pages = _pages(_save(tmp_path, action_sheet_bytes(_doc(meeting))))
    text = _flat("".join(pages))
    for a in ATTENDEES:
        assert text.count(a.name) >= 2, a.name  # in the plan table and in the roster


@pytest.mark.parametrize(
    ("meeting_type", "consent", "covers_tax", "shown"),
    [
        (MeetingType.JUSOU, ConsentState.GIVEN, False, False),  # consent without tax
        (MeetingType.JUSOU, ConsentState.GIVEN, True, True),
        (MeetingType.SUPPORT, ConsentState.REFUSED, False, False),
        (MeetingType.SUPPORT, ConsentState.PENDING, True, False),  # covers_tax means nothing unconsented
        (MeetingType.SUPPORT, ConsentState.GIVEN, True, True),
    ],
)
def test_tax_lines_only_with_consent_that_covers_tax(
    tmp_path: Path, meeting_type: MeetingType, consent: ConsentState, covers_tax: bool, shown: bool
) -> None:
    item = _item(consent=consent, covers_tax=covers_tax)
    text = _text(tmp_path, action_sheet_bytes(_doc(_meeting(meeting_type, item))))
    assert (TAX_VALUE.replace(" ", "") in text) is shown
    assert (_flat(TAX_OMITTED_NOTE) in text) is not shown
    assert "母親(82)の介護と本人(49)のひきこもり。" in text  # the summary is printed either way


def test_tax_rule_is_per_case(tmp_path: Path) -> None:
    allowed = _item(consent=ConsentState.GIVEN, covers_tax=True)
    refused = _item(CASE_2, CASE_NAME_2, consent=ConsentState.REFUSED)
    doc = _doc(_meeting(MeetingType.SUPPORT, allowed, refused))
    text = _text(tmp_path, action_sheet_bytes(doc))
    assert TAX_VALUE.replace(" ", "") in text
    assert "滞納なし" not in text
    assert _flat(TAX_OMITTED_NOTE) in text


def test_long_minutes_flow_to_the_next_page_without_losing_a_character(tmp_path: Path) -> None:
    minutes = _minutes()
    pdf = _save(tmp_path, action_sheet_bytes(_doc(_meeting(MeetingType.SUPPORT, _item(decisions=minutes)))))
    pages = [_flat(p) for p in _pages(pdf)]
    assert len(pages) >= 2
    first = next(i for i, p in enumerate(pages) if MINUTES_START in p)
    last = next(i for i, p in enumerate(pages) if MINUTES_END in p)
    assert last > first
    left = MARGIN + 34 * mm + 2  # the value column only
    body = _body(pdf, left, PAGE_SIZE[0] - MARGIN - left, top=104)  # below a repeated section bar
    start, end = body.index(MINUTES_START), body.index(MINUTES_END) + len(MINUTES_END)
    assert body[start:end] == _flat(minutes)


def test_long_action_text_flows_too(tmp_path: Path) -> None:
    long_what = "【役割のはじまり】" + "本人と一緒に手続きの書類を確かめる。" * 150 + "【役割のおわり】"
    action = replace(_actions(CASE_1)[0], what=long_what)
    item = _item(actions=(action, *_actions(CASE_1)[1:]))
    pdf = _save(tmp_path, action_sheet_bytes(_doc(_meeting(MeetingType.JUSOU, item))))
    assert len(_pages(pdf)) >= 2
    left = MARGIN + 40 * mm + 2  # the 何を column only
    body = _body(pdf, left, CONTENT_WIDTH - 40 * mm - 32 * mm - 22 * mm - 4, top=121)  # bar and column heads
    start, end = body.index("【役割のはじまり】"), body.index("【役割のおわり】") + len("【役割のおわり】")
    assert body[start:end] == long_what


# ---- writing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "write", [write_notice_pdf, write_attendee_list_pdf, write_action_sheet_pdf], ids=list(WRITERS)
)
def test_write_reports_progress_and_replaces_atomically(tmp_path: Path, write: Any) -> None:
    dest = tmp_path / "会議.pdf"
    dest.write_bytes(b"old")
    seen: list[tuple[int, int]] = []
    write(_doc(_meeting(MeetingType.SUPPORT)), dest, progress=lambda done, total: seen.append((done, total)))
    assert dest.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == [dest.name]
    assert seen
    assert seen[-1][0] == seen[-1][1]


@pytest.mark.parametrize("after_checks", [0, 5])
@pytest.mark.parametrize(
    "write", [write_notice_pdf, write_attendee_list_pdf, write_action_sheet_pdf], ids=list(WRITERS)
)
def test_cancel_leaves_no_file(tmp_path: Path, write: Any, after_checks: int) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > after_checks

    meeting = _meeting(MeetingType.SUPPORT, _item(decisions=_minutes()), _item(CASE_2, CASE_NAME_2))
    with pytest.raises(Cancelled):
        write(_doc(meeting), folder / "会議.pdf", cancelled=cancelled)
    assert list(folder.iterdir()) == []
