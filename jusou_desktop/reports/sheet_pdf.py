"""Referral and answer sheets (つむぎあいシート A・B・C票, 紹介シート…) as A4 paper forms.

The layout follows the template data, so a town's relabelled or added fields print without
code changes.  Each 票 starts on a new page: its title large and centered, the part note under
it, and a boxed 受付番号・受付日 row at the top right.  Each section is a shaded title bar over
a ruled grid of label (shaded) and value cells; half-width fields sit two to a row.

Filled sheets print the values; choices print every option with ■ (chosen), □ (not chosen) and
◎ (the most pressing one), so the paper shows what could have been chosen.  Blank forms leave
writing space (ruled lines for long text, empty boxes, 「令和　　年　　月　　日」) and print
each field's help in small letters under the label.  Long text is cut into line-aligned pieces
that become separate table rows, so a 経緯 of several thousand characters flows over pages
without losing a character.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreakIfNotEmpty,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from jusou_desktop.domain.sheets import Binding, Field, FieldType, Section, SheetTemplate, is_empty
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
    SECTION_SHADE,
    Cancelled,
    CancelledCheck,
    HeaderTitle,
    PageDecor,
    ProgressCallback,
    markup,
    para,
    pdf_bytes,
    signature_style,
    styles,
    text_pieces,
    write_pdf,
)

__all__ = [
    "LABEL_WIDTH",
    "TAX_OMITTED_NOTE",
    "SheetDocument",
    "sheet_pdf_bytes",
    "sheet_story",
    "write_sheet_pdf",
]

TAX_OMITTED_NOTE = "税情報は本人同意がないため記載していません"
BLANK_DATE = "令和　　年　　月　　日"
BLANK_BIRTH_DATE = "昭・平・令　　年　　月　　日"

CHECKED, UNCHECKED, PRIMARY = "■", "□", "◎"
_CHOICE_PAD = 2.0
_CHOICE_GAP = "\u00a0\u00a0\u00a0\u00a0"

LABEL_WIDTH = 36 * mm
_VALUE_W = (CONTENT_WIDTH - 2 * LABEL_WIDTH) / 2  # a half field's value cell
_FULL_VALUE_W = CONTENT_WIDTH - LABEL_WIDTH
_COLS = (LABEL_WIDTH, _VALUE_W, LABEL_WIDTH, _VALUE_W)
_PAD_X, _PAD_TOP, _PAD_BOTTOM = CELL_PAD_X, CELL_PAD_TOP, CELL_PAD_BOTTOM
_WRITING_LINE = 6.5 * mm  # ruled line spacing on blank forms
_TEXT_BOX_H = 7 * mm  # minimum writing height of a blank text value
_KEEP_TOGETHER_UP_TO = 0.4 * FRAME_HEIGHT  # shorter sections never break over a page
_DEFAULT_LINES = 3


@dataclass(frozen=True)
class SheetDocument:
    town: str  # e.g. "つむぎ町"
    number: str  # 受付番号, "" on blank forms
    sheets: tuple[tuple[SheetTemplate, Mapping[str, Any]], ...]  # (A・B template, values), (C, answers)…
    printed_on: dt.date
    blank: bool = False  # a blank form for hand filling
    state: str = ""  # e.g. "送付" (shown small in the header), "" for blank
    omit_tax_info: bool = False  # leave out tax_info fields (支援会議 material without consent)
    received_on: dt.date | None = None  # 受付日 in the boxed row at the top of each 票


def write_sheet_pdf(
    doc: SheetDocument,
    dest: Path,
    *,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """Save ``doc`` as a PDF at ``dest`` atomically.

    Raises Cancelled when ``cancelled()`` turns True (nothing is left on disk), PdfWriteError
    (an OSError with a Japanese message) when the file cannot be written.
    """
    story = sheet_story(doc, cancelled=cancelled)
    write_pdf(dest, story, _decor(doc), cancelled=cancelled, progress=progress)


def sheet_pdf_bytes(doc: SheetDocument) -> bytes:
    return pdf_bytes(sheet_story(doc), _decor(doc))


def _decor(doc: SheetDocument) -> PageDecor:
    if not doc.sheets:
        raise ValueError("印刷する様式がありません。")
    return PageDecor(
        town=doc.town,
        title=doc.sheets[0][0].title,
        printed_on=doc.printed_on,
        state="" if doc.blank else doc.state,
        footer_note=f"受付番号 {doc.number}" if doc.number and not doc.blank else "",
    )


# ---- story --------------------------------------------------------------------------------------


def sheet_story(doc: SheetDocument, *, cancelled: CancelledCheck | None = None) -> list[Flowable]:
    """The flowables of the whole document (every 票 of every sheet, each on a new page)."""
    if not doc.sheets:
        raise ValueError("印刷する様式がありません。")
    st = styles()
    story: list[Flowable] = []
    for template, values in doc.sheets:
        for part in template.parts:
            if cancelled is not None and cancelled():
                raise Cancelled()
            if story:
                story.append(PageBreakIfNotEmpty())
            story.append(HeaderTitle(template.title))
            story.append(para(part.title, st.title))
            if part.note:
                story.append(Spacer(1, 1))
                story.append(para(part.note, st.subtitle))
            story.append(Spacer(1, 2 * mm))
            story.append(_reception_box(doc))
            for section in part.sections:
                table = _section_table(section, values, doc)
                if table is None:
                    continue
                # Space only between flowables: a trailing spacer could spill onto an empty page.
                story.append(Spacer(1, 2.5 * mm))
                _, height = table.wrap(CONTENT_WIDTH, FRAME_HEIGHT)
                story.append(KeepTogether([table]) if height <= _KEEP_TOGETHER_UP_TO else table)
    return story


def _reception_box(doc: SheetDocument) -> Table:
    st = styles()
    number = "" if doc.blank else doc.number
    received = format_wareki(doc.received_on) if doc.received_on and not doc.blank else BLANK_DATE
    table = Table(
        [
            [
                para("受付番号", st.label),
                para(number, st.body),
                para("受付日", st.label),
                para(received, st.body),
            ]
        ],
        colWidths=(18 * mm, 38 * mm, 15 * mm, 45 * mm),
        hAlign="RIGHT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
                ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
                ("BOX", (0, 0), (-1, -1), 0.9, GRID_COLOR),
                ("BACKGROUND", (0, 0), (0, 0), LABEL_SHADE),
                ("BACKGROUND", (2, 0), (2, 0), LABEL_SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                ("LEFTPADDING", (0, 0), (-1, -1), _PAD_X),
                ("RIGHTPADDING", (0, 0), (-1, -1), _PAD_X),
            ]
        )
    )
    return table


class _Grid:
    """The rows and style commands of one section's table (4 columns: label|value|label|value)."""

    def __init__(self, title: str) -> None:
        st = styles()
        self.rows: list[list[Any]] = [[para(title, st.section), "", "", ""]]
        self.cmds: list[tuple[Any, ...]] = [
            ("SPAN", (0, 0), (-1, 0)),
            ("BACKGROUND", (0, 0), (-1, 0), SECTION_SHADE),
            ("TOPPADDING", (0, 0), (-1, 0), 4),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 3),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, GRID_COLOR),
        ]
        self.fields = 0

    def _start(self) -> int:
        r = len(self.rows)
        if r > 1:
            self.cmds.append(("LINEABOVE", (0, r), (-1, r), 0.5, GRID_COLOR))
        return r

    def note(self, text: str) -> None:
        r = self._start()
        self.rows.append([para(text, styles().small), "", "", ""])
        self.cmds.append(("SPAN", (0, r), (-1, r)))

    def full(self, label: list[Flowable], pieces: Sequence[Any], *, label_valign: str = "MIDDLE") -> None:
        """One field across the row; several value pieces become rows without rules between them."""
        first = self._start()
        for i, piece in enumerate(pieces):
            self.rows.append([label if i == 0 else "", piece, "", ""])
        last = len(self.rows) - 1
        self.cmds += [
            ("SPAN", (1, first), (-1, first)),
            ("BACKGROUND", (0, first), (0, last), LABEL_SHADE),
            ("LINEAFTER", (0, first), (0, last), 0.5, GRID_COLOR),
            ("VALIGN", (0, first), (0, last), label_valign),
        ]
        for r in range(first + 1, last + 1):
            self.cmds.append(("SPAN", (1, r), (-1, r)))
        if last > first:
            self.cmds += [
                ("VALIGN", (1, first), (-1, last), "TOP"),
                ("BOTTOMPADDING", (1, first), (-1, last - 1), 0),
                ("TOPPADDING", (1, first + 1), (-1, last), 0),
            ]
        self.fields += 1

    def half(self, left: tuple[list[Flowable], Any], right: tuple[list[Flowable], Any]) -> None:
        r = self._start()
        self.rows.append([left[0], left[1], right[0], right[1]])
        self.cmds += [
            ("BACKGROUND", (0, r), (0, r), LABEL_SHADE),
            ("BACKGROUND", (2, r), (2, r), LABEL_SHADE),
            ("LINEAFTER", (0, r), (2, r), 0.5, GRID_COLOR),
            ("VALIGN", (0, r), (0, r), "MIDDLE"),
            ("VALIGN", (2, r), (2, r), "MIDDLE"),
        ]
        self.fields += 2

    def table(self) -> Table:
        table = Table(self.rows, colWidths=_COLS, repeatRows=1, splitByRow=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), _PAD_X),
                    ("RIGHTPADDING", (0, 0), (-1, -1), _PAD_X),
                    ("TOPPADDING", (0, 1), (-1, -1), _PAD_TOP),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), _PAD_BOTTOM),
                    *self.cmds,
                    ("BOX", (0, 0), (-1, -1), 0.9, GRID_COLOR),
                ]
            )
        )
        return table


def _printable(section: Section, doc: SheetDocument) -> tuple[list[Field], bool]:
    shown: list[Field] = []
    omitted = False
    for f in section.fields:
        if f.hidden:
            continue
        if f.tax_info and doc.omit_tax_info:
            omitted = True
            continue
        shown.append(f)
    return shown, omitted


def _section_table(section: Section, values: Mapping[str, Any], doc: SheetDocument) -> Table | None:
    fields, tax_omitted = _printable(section, doc)
    if not fields and not tax_omitted:
        return None
    grid = _Grid(section.title)
    if section.note:
        grid.note(section.note)
    i = 0
    while i < len(fields):
        f = fields[i]
        pair = fields[i + 1] if i + 1 < len(fields) else None
        if f.half and pair is not None and pair.half:
            grid.half(
                (_label(f, doc), _value(f, values.get(f.key), doc, _VALUE_W)),
                (_label(pair, doc), _value(pair, values.get(pair.key), doc, _VALUE_W)),
            )
            i += 2
            continue
        _full_field(grid, f, values.get(f.key), doc)
        i += 1
    if tax_omitted:
        grid.note(TAX_OMITTED_NOTE)
    return grid.table()


# ---- cells ---------------------------------------------------------------------------------------


def _label(f: Field, doc: SheetDocument) -> list[Flowable]:
    st = styles()
    cell: list[Flowable] = [para(f.label, st.label)]
    if doc.blank and f.help:
        cell.append(para(f.help, st.help))
    return cell


def _full_field(grid: _Grid, f: Field, value: Any, doc: SheetDocument) -> None:
    label = _label(f, doc)
    width = _FULL_VALUE_W
    if f.type is FieldType.LONG_TEXT and not doc.blank and not is_empty(f, value):
        label_h = sum(p.wrap(LABEL_WIDTH - 2 * _PAD_X, FRAME_HEIGHT)[1] for p in label)
        pieces: list[Any] = text_pieces(str(value), styles().body, width - 2 * _PAD_X, label_h)
        if f.signature:
            pieces.append(_signature_block(width - 2 * _PAD_X))
        grid.full(label, pieces, label_valign="TOP" if len(pieces) > 1 else "MIDDLE")
        return
    grid.full(label, [_value(f, value, doc, width)])


def _value(f: Field, value: Any, doc: SheetDocument, width: float) -> list[Flowable]:
    """The value cell of a field (anything but filled long text taller than a few lines)."""
    st = styles()
    inner = width - 2 * _PAD_X
    empty = doc.blank or is_empty(f, value)
    cell: list[Flowable]
    if f.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE, FieldType.YES_NO):
        cell = [_choices(f, None if doc.blank else value, inner)]
    elif f.type is FieldType.DATE:
        cell = [para(_date_text(f, value, blank=doc.blank), st.body)]
    elif doc.blank and f.type is FieldType.LONG_TEXT:
        cell = [_RuledLines(inner, f.lines or _DEFAULT_LINES)]
    elif empty:
        cell = [Spacer(1, _TEXT_BOX_H)]
    elif f.type in (FieldType.PERSON, FieldType.AGENCY):
        cell = [para(str(value.get("name", "")), st.body)]
    else:
        cell = [para(str(value), st.body)]
    if f.signature:
        cell.append(_signature_block(inner))
    return cell


def _date_text(f: Field, value: Any, *, blank: bool) -> str:
    if not blank and isinstance(value, str) and value.strip():
        try:
            return format_wareki(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return BLANK_BIRTH_DATE if f.binds is Binding.BIRTH_DATE else BLANK_DATE


def _choice_marks(f: Field, value: Any) -> list[tuple[str, str]]:
    """(mark, label) for every option; value None means nothing is chosen (blank forms)."""
    if f.type is FieldType.YES_NO:
        chosen = value if isinstance(value, bool) else None
        return [
            (CHECKED if chosen is True else UNCHECKED, "はい"),
            (CHECKED if chosen is False else UNCHECKED, "いいえ"),
        ]
    selected: set[str] = set()
    primary = None
    if f.type is FieldType.CHOICE and isinstance(value, str):
        selected = {value}
    elif f.type is FieldType.MULTI_CHOICE and isinstance(value, Mapping):
        selected = set(value.get("selected") or ())
        primary = value.get("primary")
    elif f.type is FieldType.MULTI_CHOICE and isinstance(value, list | tuple):
        selected = set(value)
    marks = []
    for c in f.choices:
        mark = PRIMARY if c.key == primary else CHECKED if c.key in selected else UNCHECKED
        marks.append((mark, c.label))
    return marks


def _choices(f: Field, value: Any, width: float) -> Flowable:
    """Every option with its mark, never broken inside an option.

    Options go on one line if they fit, else in balanced aligned columns if two or more
    columns fit, else packed line by line (an option longer than the cell wraps by itself).
    """
    st = styles().choice
    cell_width, width = width, width - _CHOICE_PAD
    items = [f"{mark}{label}" for mark, label in _choice_marks(f, value)]
    gap = stringWidth(_CHOICE_GAP, FONT_NAME, st.fontSize)
    widths = [stringWidth(item, FONT_NAME, st.fontSize) for item in items]
    if sum(widths) + gap * (len(items) - 1) <= width:
        return _choice_line(items, st)
    most = int(width // (max(widths) + 2 * gap))
    if most >= 2:
        nrows = math.ceil(len(items) / most)
        ncols = math.ceil(len(items) / nrows)
        rows: list[list[Any]] = [
            [para(item, st) for item in items[start : start + ncols]] for start in range(0, len(items), ncols)
        ]
        rows[-1] += [""] * (ncols - len(rows[-1]))
    else:
        lines: list[list[str]] = [[]]
        used = 0.0
        for item, w in zip(items, widths, strict=True):
            if lines[-1] and used + gap + w > width:
                lines.append([])
                used = 0.0
            used += (gap if lines[-1] else 0) + w
            lines[-1].append(item)
        rows = [[_choice_line(line, st)] for line in lines]
        ncols = 1
    table = Table(rows, colWidths=[cell_width / ncols] * ncols, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), _CHOICE_PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _choice_line(items: Sequence[str], style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(_CHOICE_GAP).join(markup(item) for item in items), style)


def _signature_block(width: float) -> Table:
    """「署名」 with a line to sign on, and the date under it."""
    st = styles()
    line_w = min(70 * mm, width - 14 * mm)
    table = Table(
        [[para("署名", st.label), ""], [para("日付", st.label), para(BLANK_DATE, st.body)]],
        colWidths=(12 * mm, line_w),
        rowHeights=(9 * mm, 7 * mm),
        hAlign="RIGHT",
    )
    table.setStyle(signature_style(left_padding=2))
    return table


class _RuledLines(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Empty writing lines (dotted) for hand filling a long text on a blank form."""

    def __init__(self, width: float, count: int) -> None:
        super().__init__()
        self.width = width
        self.count = count
        self.height = count * _WRITING_LINE

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(colors.HexColor("#8C8C8C"))
        canv.setLineWidth(0.4)
        canv.setDash(1, 2)
        for i in range(1, self.count):
            y = self.height - i * _WRITING_LINE
            canv.line(0, y, self.width, y)
        canv.restoreState()
