"""Meeting paper: the notice (会議の案内), the attendee list with the confidentiality pledge
(出席者名簿) and the 支援共有・行動連携計画シート (高島市), as A4 documents.

The three share the frame and look of the referral sheets (pdf_common): 取扱注意 and n/N on every
page, shaded section bars over ruled label/value grids, IPAex Gothic embedded as a subset.

Privacy is decided here, on paper, whatever the caller passes in:

- The notice travels by fax or post, so it names no person on the agenda: each case is shown by
  its 受付番号 and the reason it is discussed, never by name or summary.
- Tax information (地方税法22条) is printed on the action sheet only when the case's consent is
  given and covers it (``tax_info_allowed``), in every kind of meeting; otherwise a note says it
  was left out and none of the values appear.
- A 支援会議 (社会福祉法106条の6) is marked 「支援会議（守秘義務あり）」 on its sheet, its notice
  carries a boxed paragraph about the duty of confidentiality, and its attendee list asks every
  attendee for the pledge.

Long text (見立て, 決まったこと, しんどさ…) is cut into line-aligned pieces that become separate
table rows, so several thousand characters flow over pages without losing a character.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreakIfNotEmpty,
    Spacer,
    Table,
    TableStyle,
)

from jusou_desktop.domain.meetings import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendee,
    Meeting,
    MeetingState,
    MeetingType,
    tax_info_allowed,
)
from jusou_desktop.domain.model import ConsentState
from jusou_desktop.domain.wareki import format_wareki
from jusou_desktop.reports.pdf_common import (
    CELL_PAD_BOTTOM,
    CELL_PAD_TOP,
    CELL_PAD_X,
    CONTENT_WIDTH,
    FONT_NAME,
    FRAME_HEIGHT,
    GRID_COLOR,
    LABEL_SHADE,
    Cancelled,
    CancelledCheck,
    Grid,
    PageDecor,
    ProgressCallback,
    bar_commands,
    grid_style,
    para,
    pdf_bytes,
    styles,
    text_pieces,
    write_pdf,
)

__all__ = [
    "ACTION_SHEET_TITLE",
    "CONFIDENTIAL_MARK",
    "TAX_OMITTED_NOTE",
    "MeetingDocument",
    "action_sheet_bytes",
    "action_sheet_story",
    "attendee_list_bytes",
    "attendee_list_story",
    "date_with_weekday",
    "notice_bytes",
    "notice_story",
    "time_range",
    "write_action_sheet_pdf",
    "write_attendee_list_pdf",
    "write_notice_pdf",
]

ACTION_SHEET_TITLE = "支援共有・行動連携計画シート"
NOTICE_TITLE = "会議の案内"
ATTENDEE_LIST_TITLE = "出席者名簿"
CONFIDENTIAL_MARK = "支援会議（守秘義務あり）"
TAX_OMITTED_NOTE = "税情報は本人の同意（税情報を含む）がないため記載していません"
PLEDGE_HEADER = "守秘義務の確認（日付・方法）"
PLEDGE_HEADER_OPTIONAL = "守秘義務の確認（任意）"

_WEEKDAYS = "月火水木金土日"
_BLANK_DATE = "令和　　年　　月　　日"

_LABEL_W = 34 * mm
_PAD_X, _PAD_TOP, _PAD_BOTTOM = CELL_PAD_X, CELL_PAD_TOP, CELL_PAD_BOTTOM
_KEEP_TOGETHER_UP_TO = 0.4 * FRAME_HEIGHT  # shorter blocks never break over a page
_SECTION_GAP = 2.5 * mm

_PLAN_COLS = (40 * mm, CONTENT_WIDTH - 40 * mm - 32 * mm - 22 * mm, 32 * mm, 22 * mm)
_ATTENDEE_COLS = (8 * mm, 30 * mm, 38 * mm, 20 * mm, 14 * mm, 38 * mm, 32 * mm)
_ROSTER_COLS = (34 * mm, 46 * mm, 36 * mm, 16 * mm, CONTENT_WIDTH - 132 * mm)
_EXTRA_ATTENDEE_ROWS = 3  # empty rows on the list for people who come on the day
_SIGN_ROW_H = 12 * mm


@dataclass(frozen=True)
class MeetingDocument:
    """Everything the three meeting documents print; plain domain objects only."""

    town: str
    meeting: Meeting  # with agenda (AgendaItem incl. actions, minutes) and attendees
    printed_on: dt.date
    ground_rules: str = ""  # the town's meeting rules, printed on the notice if given
    tax_lines: Mapping[int, Sequence[tuple[str, str]]] = field(default_factory=dict)  # case_id -> lines
    case_summaries: Mapping[int, str] = field(default_factory=dict)  # case_id -> 主訴・経過, no tax info


# ---- public API ----------------------------------------------------------------------------------


def write_notice_pdf(
    doc: MeetingDocument,
    dest: Path,
    *,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """会議の案内 at ``dest`` (atomic; Cancelled leaves nothing, PdfWriteError on disk trouble)."""
    story = notice_story(doc, cancelled=cancelled)
    write_pdf(dest, story, _decor(doc, NOTICE_TITLE), cancelled=cancelled, progress=progress)


def write_attendee_list_pdf(
    doc: MeetingDocument,
    dest: Path,
    *,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """出席者名簿 with the 守秘義務の確認 column at ``dest`` (atomic)."""
    story = attendee_list_story(doc, cancelled=cancelled)
    write_pdf(dest, story, _decor(doc, ATTENDEE_LIST_TITLE), cancelled=cancelled, progress=progress)


def write_action_sheet_pdf(
    doc: MeetingDocument,
    dest: Path,
    *,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """支援共有・行動連携計画シート at ``dest`` (atomic)."""
    story = action_sheet_story(doc, cancelled=cancelled)
    write_pdf(dest, story, _decor(doc, ACTION_SHEET_TITLE), cancelled=cancelled, progress=progress)


def notice_bytes(doc: MeetingDocument) -> bytes:
    return pdf_bytes(notice_story(doc), _decor(doc, NOTICE_TITLE))


def attendee_list_bytes(doc: MeetingDocument) -> bytes:
    return pdf_bytes(attendee_list_story(doc), _decor(doc, ATTENDEE_LIST_TITLE))


def action_sheet_bytes(doc: MeetingDocument) -> bytes:
    return pdf_bytes(action_sheet_story(doc), _decor(doc, ACTION_SHEET_TITLE))


# ---- words ---------------------------------------------------------------------------------------


def date_with_weekday(d: dt.date) -> str:
    """「令和6年5月14日（火）」."""
    return f"{format_wareki(d)}（{_WEEKDAYS[d.weekday()]}）"


def _clock(t: dt.time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def time_range(start: dt.time | None, end: dt.time | None) -> str:
    """「14:00〜15:30」, 「14:00〜」 without an end, "" without a start."""
    if start is None:
        return f"〜{_clock(end)}" if end is not None else ""
    return f"{_clock(start)}〜{_clock(end)}" if end is not None else f"{_clock(start)}〜"


def _when(meeting: Meeting) -> str:
    times = time_range(meeting.start, meeting.end)
    return f"{date_with_weekday(meeting.on)}　{times}" if times else date_with_weekday(meeting.on)


def _title(meeting: Meeting) -> str:
    return meeting.title.strip() or meeting.type.value


def _kind(meeting: Meeting) -> str:
    """「さかまる会議（支援会議）・定例」: the town's name, the legal kind, 定例/随時."""
    title = _title(meeting)
    kind = title if title == meeting.type.value else f"{title}（{meeting.type.value}）"
    return f"{kind}・{meeting.holding.value}"


def _is_support(meeting: Meeting) -> bool:
    return meeting.type is MeetingType.SUPPORT


def _case_number(item: AgendaItem) -> str:
    return item.case_number.strip() or "（受付番号なし）"


def _consent_text(item: AgendaItem) -> str:
    if item.consent is ConsentState.GIVEN:
        return "あり（税情報を含む）" if item.covers_tax else "あり（税情報は含まない）"
    return item.consent.value


def _decor(doc: MeetingDocument, title: str) -> PageDecor:
    meeting = doc.meeting
    return PageDecor(
        town=doc.town,
        title=title,
        printed_on=doc.printed_on,
        state=CONFIDENTIAL_MARK if _is_support(meeting) else "",
        footer_note=f"{_title(meeting)}　{format_wareki(meeting.on)}",
    )


# ---- styles and building blocks --------------------------------------------------------------------


@dataclass(frozen=True)
class _More:
    cell: ParagraphStyle  # 9.5pt table cells
    cell_small: ParagraphStyle  # 8pt second line in a cell
    head: ParagraphStyle  # 8.5pt centered column heads
    center: ParagraphStyle  # 9.5pt centered cells
    right: ParagraphStyle  # 10pt right aligned (date, sender)
    lead: ParagraphStyle  # 10.5pt letter body
    mark: ParagraphStyle  # 11pt centered 「記」 / marks under the title


@functools.cache
def _more() -> _More:
    st = styles()
    return _More(
        cell=ParagraphStyle("meeting-cell", parent=st.body, fontSize=9.5, leading=13),
        cell_small=ParagraphStyle("meeting-cell-small", parent=st.small, fontSize=8, leading=10),
        head=ParagraphStyle("meeting-head", parent=st.label, fontSize=8.5, leading=10.5, alignment=TA_CENTER),
        center=ParagraphStyle(
            "meeting-center", parent=st.body, fontSize=9.5, leading=13, alignment=TA_CENTER
        ),
        right=ParagraphStyle("meeting-right", parent=st.body, alignment=TA_RIGHT),
        lead=ParagraphStyle("meeting-lead", parent=st.body, fontSize=10.5, leading=17, firstLineIndent=10.5),
        mark=ParagraphStyle("meeting-mark", parent=st.body, fontSize=11, leading=15, alignment=TA_CENTER),
    )


def _Grid(title: str = "") -> Grid:
    return Grid(title, label_width=_LABEL_W)


def _add_block(story: list[Flowable], table: Table, *, gap: bool = True) -> None:
    """A table after a small gap; short ones are kept on one page."""
    if gap and story:
        story.append(Spacer(1, _SECTION_GAP))
    _, height = table.wrap(CONTENT_WIDTH, FRAME_HEIGHT)
    story.append(KeepTogether([table]) if height <= _KEEP_TOGETHER_UP_TO else table)


def _boxed(title: str, body: str, *, weight: float = 1.2) -> Table:
    """A bordered paragraph with a small heading (守秘義務, the pledge statement)."""
    st = styles()
    table = Table(
        [[[para(title, st.section), Spacer(1, 1.5 * mm), para(body, st.body)]]], colWidths=(CONTENT_WIDTH,)
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
                ("BOX", (0, 0), (-1, -1), weight, GRID_COLOR),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#F5F5F5")),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
                ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _heading(story: list[Flowable], title: str, subtitle: str = "") -> None:
    st = styles()
    story.append(para(title, st.title))
    if subtitle:
        story.append(Spacer(1, 1))
        story.append(para(subtitle, st.subtitle))
    story.append(Spacer(1, 3 * mm))


def _check(cancelled: CancelledCheck | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled()


def _meeting_grid(meeting: Meeting, *, with_aims: bool) -> Table:
    grid = _Grid("会議")
    grid.text("会議の種類", _kind(meeting))
    grid.text("日時", _when(meeting))
    grid.text("場所", meeting.place, empty="（未定）")
    grid.text("主催", meeting.convenor, empty="（記載なし）")
    if with_aims:
        grid.text("目的", meeting.purpose, empty="（記載なし）")
        grid.text("到達点", meeting.landing_point, empty="（記載なし）")
    return grid.table()


# ---- 会議の案内 ---------------------------------------------------------------------------------------


_SUPPORT_DUTY = (
    "この会議は、社会福祉法第106条の6に基づく支援会議です。出席者は、会議で知り得た秘密を"
    "正当な理由なく漏らしてはなりません（会議が終わった後も同じです）。"
    "当日、会議の始めに出席者全員の守秘義務の確認（出席者名簿への署名など）をお願いします。\n"
    "税情報は、本人の同意（税情報を含む）がない限り、この会議でも共有しません（地方税法第22条）。"
)
_JUSOU_CARE = (
    "本人の同意を得たケースについて、支援のために情報を共有します。"
    "会議で知った個人の情報は、支援の目的以外に使わないでください。"
)
_NOTICE_PRIVACY = "※ 個人が特定される情報（氏名など）はこの案内に記載していません。当日の資料でお示しします。"


def notice_story(doc: MeetingDocument, *, cancelled: CancelledCheck | None = None) -> list[Flowable]:
    """会議の案内: no personal name of anyone on the agenda, only 受付番号 and reasons."""
    _check(cancelled)
    meeting = doc.meeting
    st, more = styles(), _more()
    story: list[Flowable] = [para(format_wareki(doc.printed_on), more.right), Spacer(1, 3 * mm)]
    story.append(_addressees(meeting.attendees))
    story.append(Spacer(1, 3 * mm))
    story.append(para(meeting.convenor.strip() or doc.town, more.right))
    story.append(Spacer(1, 7 * mm))
    title = _title(meeting)
    _heading(story, f"{title}の開催について（ご案内）", _kind(meeting))
    story.append(Spacer(1, 2 * mm))
    story.append(
        para(
            f"日頃より、地域の福祉の推進にご協力をいただき、ありがとうございます。"
            f"下記のとおり{title}を開催します。ご多忙のところ恐れ入りますが、ご出席くださいますようお願いいたします。",
            more.lead,
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(para("記", more.mark))
    story.append(Spacer(1, 3 * mm))

    grid = _Grid()
    grid.text("日時", _when(meeting))
    grid.text("場所", meeting.place, empty="（追ってお知らせします）")
    grid.text("会議の種類", _kind(meeting))
    grid.text("主催", meeting.convenor or doc.town)
    grid.text("目的", meeting.purpose, empty="（当日お示しします）")
    grid.text("到達点", meeting.landing_point, empty="（当日お示しします）")
    cases = [
        para(f"ケース{i}　受付番号 {_case_number(item)}　（{item.reason.value}）", st.body)
        for i, item in enumerate(meeting.agenda, start=1)
    ]
    cases = cases or [para("（当日お示しします）", st.small)]
    grid.cells("検討するケース", [*cases, Spacer(1, 1 * mm), para(_NOTICE_PRIVACY, st.small)])
    _add_block(story, grid.table(), gap=False)

    story.append(Spacer(1, 4 * mm))
    if _is_support(meeting):
        story.append(KeepTogether([_boxed("守秘義務について（社会福祉法第106条の6）", _SUPPORT_DUTY)]))
    elif meeting.type is MeetingType.JUSOU:
        story.append(KeepTogether([_boxed("情報の取り扱いについて", _JUSOU_CARE, weight=0.8)]))

    if doc.ground_rules.strip():
        _check(cancelled)
        rules = _Grid("会議の心得")
        rules.wide(doc.ground_rules)
        _add_block(story, rules.table())
    story.append(Spacer(1, 3 * mm))
    story.append(para("以上", more.right))
    return story


def _addressees(attendees: Sequence[Attendee]) -> Flowable:
    """「所属　氏名 様」 lines (two columns when many), or 「関係者 各位」."""
    st = styles()
    names = [f"{a.affiliation}　{a.name} 様" if a.affiliation else f"{a.name} 様" for a in attendees]
    if not names:
        return para("関係者 各位", st.body)
    columns = 2 if len(names) > 5 else 1
    per_column = -(-len(names) // columns)
    rows = [
        [
            para(names[c * per_column + r], st.body) if c * per_column + r < len(names) else ""
            for c in range(columns)
        ]
        for r in range(per_column)
    ]
    table = Table(rows, colWidths=[(CONTENT_WIDTH - 20 * mm) / columns] * columns, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


# ---- 出席者名簿 -----------------------------------------------------------------------------------------


_PLEDGE_SUPPORT = (
    "私は、この支援会議（社会福祉法第106条の6）で知り得た秘密を、正当な理由なく漏らしません。"
    "会議が終わった後も同じです。\n"
    "確認の方法：署名欄への署名、または口頭で確認し記録者が日付と方法を記入します。"
)
_PLEDGE_OPTIONAL = (
    "会議で知った個人の情報は、支援の目的以外に使わず、正当な理由なく漏らしません（確認は任意です）。"
)


def attendee_list_story(doc: MeetingDocument, *, cancelled: CancelledCheck | None = None) -> list[Flowable]:
    """出席者名簿: 氏名 | 所属 | 区分 | 出欠 | 守秘義務の確認 | 署名, with rows to add on the day."""
    _check(cancelled)
    meeting = doc.meeting
    support = _is_support(meeting)
    story: list[Flowable] = []
    _heading(story, f"{_title(meeting)}　出席者名簿", CONFIDENTIAL_MARK if support else _kind(meeting))
    _add_block(story, _meeting_grid(meeting, with_aims=False), gap=False)
    story.append(Spacer(1, 3 * mm))
    if support:
        story.append(KeepTogether([_boxed("守秘義務の確認（社会福祉法第106条の6）", _PLEDGE_SUPPORT)]))
    else:
        story.append(KeepTogether([_boxed("守秘義務の確認（任意）", _PLEDGE_OPTIONAL, weight=0.8)]))
    story.append(Spacer(1, 3 * mm))
    _check(cancelled)
    story.append(_attendee_table(meeting))
    story.append(Spacer(1, 2 * mm))
    story.append(para(_attendance_summary(meeting), styles().small))
    return story


def _attendee_table(meeting: Meeting) -> Table:
    more = _more()
    support = _is_support(meeting)
    heads = [
        "No.",
        "氏名",
        "所属",
        "区分",
        "出欠",
        PLEDGE_HEADER if support else PLEDGE_HEADER_OPTIONAL,
        "署名",
    ]
    rows: list[list[Any]] = [[para(h, more.head) for h in heads]]
    for number, a in enumerate(meeting.attendees, start=1):
        rows.append(
            [
                para(str(number), more.center),
                para(a.name, more.cell),
                para(a.affiliation, more.cell),
                para(a.kind.value, more.cell_small),
                para(_presence(a.attended), more.center),
                _pledge_cell(a),
                "",
            ]
        )
    start = len(meeting.attendees) + 1
    for number in range(start, start + _EXTRA_ATTENDEE_ROWS):
        rows.append(
            [para(str(number), more.center), "", "", "", para("出・欠", more.center), _pledge_cell(None), ""]
        )
    heights = [None] + [_SIGN_ROW_H] * (len(rows) - 1)
    table = Table(rows, colWidths=_ATTENDEE_COLS, rowHeights=heights, repeatRows=1, splitByRow=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_NAME, 9.5),
                ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
                ("BOX", (0, 0), (-1, -1), 0.9, GRID_COLOR),
                ("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, GRID_COLOR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _presence(attended: bool | None) -> str:
    if attended is None:
        return "出・欠"  # to circle on the day
    return "出席" if attended else "欠席"


def _pledge_cell(a: Attendee | None) -> list[Flowable]:
    more = _more()
    if a is not None and a.pledge_on is not None:
        method = a.pledge_method.strip() or "確認済"
        return [para(format_wareki(a.pledge_on), more.cell), para(method, more.cell_small)]
    return [para(_BLANK_DATE, more.cell_small), para("□署名　□口頭", more.cell_small)]


def _attendance_summary(meeting: Meeting) -> str:
    people = meeting.attendees
    present = sum(1 for a in people if a.attended is True)
    absent = sum(1 for a in people if a.attended is False)
    unknown = len(people) - present - absent
    text = f"名簿 {len(people)}名（出席 {present}名・欠席 {absent}名・未記録 {unknown}名）"
    if _is_support(meeting):
        pledged = sum(1 for a in people if a.attended is not False and a.pledge_on is not None)
        waiting = sum(1 for a in people if a.attended is not False and a.pledge_on is None)
        text += f"　守秘義務の確認：済 {pledged}名・未 {waiting}名（支援会議は出席者全員の確認が必要です）"
    return text


# ---- 支援共有・行動連携計画シート -------------------------------------------------------------------------


_SHEET_CONFIDENTIAL = (
    "このシートは支援会議（社会福祉法第106条の6）の記録です。出席者には守秘義務があります。"
    "支援の目的以外に使わず、複写・持ち出しは必要な範囲にとどめてください。"
)


def action_sheet_story(doc: MeetingDocument, *, cancelled: CancelledCheck | None = None) -> list[Flowable]:
    """The meeting, then one section per case (each from a new page), then the attendees."""
    _check(cancelled)
    meeting = doc.meeting
    support = _is_support(meeting)
    story: list[Flowable] = []
    _heading(story, ACTION_SHEET_TITLE, CONFIDENTIAL_MARK if support else _kind(meeting))
    if support:
        story.append(KeepTogether([_boxed("守秘義務について", _SHEET_CONFIDENTIAL)]))
        story.append(Spacer(1, _SECTION_GAP))
    _add_block(story, _meeting_grid(meeting, with_aims=True), gap=False)
    people = {a.id: a for a in meeting.attendees if a.id is not None}
    for index, item in enumerate(meeting.agenda, start=1):
        _check(cancelled)
        if index > 1:
            story.append(PageBreakIfNotEmpty())
        else:
            story.append(Spacer(1, 5 * mm))
        _case_blocks(story, doc, index, item, people)
    _check(cancelled)
    story.append(Spacer(1, 5 * mm))
    _add_block(story, _roster(meeting), gap=False)
    return story


def _case_blocks(
    story: list[Flowable], doc: MeetingDocument, index: int, item: AgendaItem, people: Mapping[int, Attendee]
) -> None:
    head = _Grid(f"ケース{index}　受付番号 {_case_number(item)}")
    head.half(("氏名", item.case_name), ("検討理由", item.reason.value))
    head.text("本人同意", _consent_text(item))
    summary = doc.case_summaries.get(item.case_id, "")
    if summary.strip():
        head.text("主訴・経過", summary)
    _add_block(story, head.table(), gap=False)

    shared = _Grid(f"支援の共有（ケース{index}）")
    # Before the meeting the sheet is a form: empty fields leave room to write.
    planned = doc.meeting.state is MeetingState.PLANNED
    empty, room = ("", 18 * mm) if planned else ("（記載なし）", 0.0)
    shared.text("共有した見立て", item.shared_view, empty=empty, blank_height=room)
    shared.text("決まったこと", item.decisions, empty=empty, blank_height=room)
    lines = doc.tax_lines.get(item.case_id, ())
    if tax_info_allowed(item.consent, item.covers_tax):
        if lines:
            shared.text("税情報", "\n".join(f"{label}：{value}" for label, value in lines))
    else:
        shared.cells("税情報", [para(TAX_OMITTED_NOTE, styles().small)])
    _add_block(story, shared.table())

    _add_block(story, _plan_table(doc.meeting, index, item, people, doc.printed_on))

    voice = _Grid(f"支援者のふりかえり（ケース{index}）")
    voice.text("支援者のしんどさ", item.strain, empty=empty, blank_height=room / 2)
    voice.text("小さな変化", item.small_changes, empty=empty, blank_height=room / 2)
    gaps = "\n".join(f"・{g.strip()}" for g in item.resource_gaps if g.strip())
    voice.text("こんな資源があれば", gaps, empty=empty, blank_height=room / 2)
    voice.text("次回", _BLANK_DATE if planned and item.next_meeting_on is None else _next(item))
    _add_block(story, voice.table())


def _next(item: AgendaItem) -> str:
    return date_with_weekday(item.next_meeting_on) if item.next_meeting_on else "未定"


def _plan_table(
    meeting: Meeting, index: int, item: AgendaItem, people: Mapping[int, Attendee], today: dt.date
) -> Table:
    """支援計画: 誰が（出席者）| 何を | いつまで | 状況; a planned meeting lists everyone to fill in."""
    st, more = styles(), _more()
    rows: list[list[Any]] = [
        [para(f"支援計画（ケース{index}）　行動連携：出席者全員が役割を持ちます", st.section), "", "", ""],
        [para(h, more.head) for h in ("誰が（出席者）", "何を", "いつまで", "状況")],
    ]
    cmds: list[tuple[Any, ...]] = [
        *bar_commands(),
        ("BACKGROUND", (0, 1), (-1, 1), LABEL_SHADE),
        ("LINEBELOW", (0, 1), (-1, 1), 0.6, GRID_COLOR),
        ("LINEAFTER", (0, 1), (2, 1), 0.5, GRID_COLOR),
        ("TOPPADDING", (0, 1), (-1, 1), 3),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 2),
    ]
    what_w = _PLAN_COLS[1] - 2 * _PAD_X

    def add(who: list[Flowable], what: list[Flowable], due: list[Flowable], state: list[Flowable]) -> None:
        first = len(rows)
        if first > 2:
            cmds.append(("LINEABOVE", (0, first), (-1, first), 0.5, GRID_COLOR))
        for i, piece in enumerate(what):
            rows.append([who if i == 0 else "", piece, due if i == 0 else "", state if i == 0 else ""])
        last = len(rows) - 1
        cmds.append(("LINEAFTER", (0, first), (2, last), 0.5, GRID_COLOR))
        cmds.append(("VALIGN", (0, first), (-1, last), "TOP"))
        if last > first:
            cmds.extend(
                [
                    ("BOTTOMPADDING", (0, first), (-1, last - 1), 0),
                    ("TOPPADDING", (0, first + 1), (-1, last), 0),
                ]
            )

    assigned: set[int] = set()
    for action in item.actions:
        if action.attendee_id is not None:
            assigned.add(action.attendee_id)
        what: list[Flowable] = list(text_pieces(action.what, more.cell, what_w))
        if action.result.strip():
            what += text_pieces(f"→ 結果：{action.result}", more.cell_small, what_w)
        due = format_wareki(action.due_on) if action.due_on else "未定"
        add(_who(action, people), what, [para(due, more.cell)], _status(action, today))
    if meeting.state is MeetingState.PLANNED:
        for a in meeting.attendees:
            if a.attended is not False and a.id not in assigned:
                blank: list[Flowable] = [Spacer(1, 8 * mm)]
                add(_who_attendee(a), blank, [para("　　月　　日", more.cell)], [para("", more.cell)])
    if len(rows) == 2:
        rows.append(
            [para("まだ役割が決まっていません。出席者全員の役割を決めてください。", st.small), "", "", ""]
        )
        cmds.append(("SPAN", (0, 2), (-1, 2)))
    table = Table(rows, colWidths=_PLAN_COLS, repeatRows=2, splitByRow=1)
    table.setStyle(grid_style(cmds))
    return table


def _who_attendee(a: Attendee) -> list[Flowable]:
    more = _more()
    cell: list[Flowable] = [para(a.name, more.cell)]
    if a.affiliation:
        cell.append(para(a.affiliation, more.cell_small))
    return cell


def _who(action: Action, people: Mapping[int, Attendee]) -> list[Flowable]:
    person = people.get(action.attendee_id) if action.attendee_id is not None else None
    if person is not None:
        return _who_attendee(person)
    return [para(action.who, _more().cell)]


def _status(action: Action, today: dt.date) -> list[Flowable]:
    more = _more()
    cell: list[Flowable] = [para(action.status.value, more.cell)]
    if action.status in (ActionStatus.DONE, ActionStatus.DROPPED) and action.done_on is not None:
        cell.append(para(format_wareki(action.done_on), more.cell_small))
    elif action.overdue(today):
        cell.append(para("期限を過ぎています", more.cell_small))
    return cell


def _roster(meeting: Meeting) -> Table:
    """The attendees and how many roles each took (行動連携: nobody leaves without one)."""
    st, more = styles(), _more()
    rows: list[list[Any]] = [
        [para("出席者と役割", st.section), "", "", "", ""],
        [para(h, more.head) for h in ("氏名", "所属", "区分", "出欠", "役割")],
    ]
    for a in meeting.attendees:
        rows.append(
            [
                para(a.name, more.cell),
                para(a.affiliation, more.cell),
                para(a.kind.value, more.cell_small),
                para(_presence(a.attended) if a.attended is not None else "未記録", more.center),
                para(_roles(meeting, a), more.cell),
            ]
        )
    if not meeting.attendees:
        rows.append([para("出席者が登録されていません。", st.small), "", "", "", ""])
    cmds: list[tuple[Any, ...]] = [
        *bar_commands(),
        ("BACKGROUND", (0, 1), (-1, 1), LABEL_SHADE),
        ("INNERGRID", (0, 1), (-1, -1), 0.5, GRID_COLOR),
        ("LINEBELOW", (0, 1), (-1, 1), 0.6, GRID_COLOR),
        ("TOPPADDING", (0, 1), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 2),
    ]
    if not meeting.attendees:
        cmds.append(("SPAN", (0, 2), (-1, 2)))
    table = Table(rows, colWidths=_ROSTER_COLS, repeatRows=2, splitByRow=1)
    table.setStyle(grid_style(cmds))
    return table


def _roles(meeting: Meeting, a: Attendee) -> str:
    mine: Callable[[Action], bool] = (
        (lambda act: act.attendee_id == a.id) if a.id is not None else (lambda act: act.who == a.name)
    )
    counts = [
        (i, sum(1 for act in item.actions if mine(act))) for i, item in enumerate(meeting.agenda, start=1)
    ]
    cases = [str(i) for i, n in counts if n]
    if cases:
        return f"{sum(n for _, n in counts)}件（ケース{'・'.join(cases)}）"
    if a.attended is False:
        return "—"
    return "役割なし（決めてください）" if meeting.state is MeetingState.HELD else "当日決めます"
