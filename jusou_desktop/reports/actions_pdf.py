"""The list of open 行動連携 actions, for the office or to hand to one agency (A4, 取扱注意).

Only case numbers are printed (no names): the list travels to agencies, and each agency knows
its own cases by number.  Overdue actions come first and are marked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from jusou_desktop.domain.wareki import format_wareki
from jusou_desktop.reports.pdf_common import CONTENT_WIDTH, PageDecor, para, pdf_bytes, styles, write_pdf

TITLE = "行動連携 役割の一覧（未完了）"
_FIXED = (26 * mm, 27 * mm, 32 * mm, 0.0, 18 * mm, 26 * mm)  # the 何を column takes the rest
_COLS = [w or CONTENT_WIDTH - sum(_FIXED) for w in _FIXED]


@dataclass(frozen=True)
class ActionListDocument:
    town: str
    audience: str  # 「すべての機関」 or the agency's name
    rows: Sequence[
        Any
    ]  # store.meetings.ActionRow: due_on, case_number, who, who_agency_name, what, status, overdue, meeting_on, meeting_title
    printed_on: dt.date


def _date(day: dt.date | None) -> str:
    return format_wareki(day) if day else "期限なし"


def action_list_story(doc: ActionListDocument) -> list[Any]:
    s = styles()
    story: list[Any] = [
        Paragraph(TITLE, s.title),
        Paragraph(f"{doc.audience}　{format_wareki(doc.printed_on)} 現在", s.subtitle),
        Spacer(1, 5 * mm),
    ]
    header = ["期限", "ケース", "誰が", "何を", "状況", "決めた会議"]
    rows: list[list[Any]] = [[para(h, s.label) for h in header]]
    overdue_rows = []
    for index, row in enumerate(doc.rows, start=1):
        due = _date(row.due_on) + ("\n（期限切れ）" if row.overdue else "")
        who = row.who + (f"\n{row.who_agency_name}" if row.who_agency_name else "")
        meeting = f"{format_wareki(row.meeting_on)}\n{row.meeting_title}"
        rows.append(
            [
                para(due, s.body),
                para(row.case_number, s.body),
                para(who, s.body),
                para(row.what, s.body),
                para(row.status.value, s.body),
                para(meeting, s.small),
            ]
        )
        if row.overdue:
            overdue_rows.append(index)
    if len(rows) == 1:
        story.append(para("未完了の役割はありません。", s.body))
        return story
    table = Table(rows, colWidths=_COLS, repeatRows=1, splitByRow=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    style += [("BACKGROUND", (0, r), (0, r), colors.HexColor("#fde2e1")) for r in overdue_rows]
    table.setStyle(TableStyle(style))
    story += [
        table,
        Spacer(1, 3 * mm),
        para(
            f"{len(rows) - 1} 件（うち期限切れ {len(overdue_rows)} 件）。"
            "終わったら結果をひとこと添えてコーディネーターに知らせてください。",
            s.small,
        ),
    ]
    return story


def _decor(doc: ActionListDocument) -> PageDecor:
    return PageDecor(town=doc.town, title=TITLE, printed_on=doc.printed_on, footer_note=doc.audience)


def write_action_list_pdf(
    doc: ActionListDocument,
    dest: Path,
    *,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    write_pdf(dest, action_list_story(doc), _decor(doc), cancelled=cancelled, progress=progress)


def action_list_bytes(doc: ActionListDocument) -> bytes:
    return pdf_bytes(action_list_story(doc), _decor(doc))
