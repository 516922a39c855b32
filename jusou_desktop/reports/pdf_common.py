"""Shared A4 machinery for the app's PDFs (sheets, meeting notices, support plans).

Every page carries the same frame: the town name and document title in the header (with a
small state word such as 「送付」), a boxed 「取扱注意」 mark at the top right, and a footer
with an optional note (e.g. the 受付番号), the page number as 「1/2」 and the printed date in
和暦.  The page total is known because the canvas keeps every page until the end and draws
the frame on all of them at once (the "numbered canvas" pattern), so one layout pass is
enough.

Text is set in the bundled IPAex Gothic, embedded as a subset, with Japanese line breaking
(``wordWrap='CJK'``), so the PDF prints the same everywhere and its text can be searched and
copied.  A PDF is written atomically: to a temporary file beside the destination, then moved
into place, so a cancelled or failed run never leaves a half-written file behind.

reportlab is imported here and only here (and in sibling report modules); nothing outside
``jusou_desktop.reports`` imports this module at top level, so start-up stays light.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from jusou_desktop.domain.errors import Cancelled
from jusou_desktop.domain.wareki import format_wareki
from jusou_desktop.shipped import shipped_dir

__all__ = [
    "CONTENT_WIDTH",
    "FONT_NAME",
    "FRAME_HEIGHT",
    "GRID_COLOR",
    "LABEL_SHADE",
    "MARGIN",
    "PAGE_SIZE",
    "SECTION_SHADE",
    "Cancelled",
    "CancelledCheck",
    "HeaderTitle",
    "PageDecor",
    "PdfWriteError",
    "ProgressCallback",
    "Styles",
    "atomic_output",
    "markup",
    "para",
    "pdf_bytes",
    "register_font",
    "styles",
    "write_pdf",
]

FONT_NAME = "IPAexGothic"
_FONT_FILE = "ipaexg.ttf"

PAGE_SIZE = A4
MARGIN = 15 * mm
_HEADER_HEIGHT = 11 * mm  # from the top margin down to the header rule
_FOOTER_HEIGHT = 8 * mm  # from the bottom margin up to the footer rule
_GAP = 4 * mm  # between the header/footer rules and the body
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE_SIZE[1] - 2 * MARGIN - _HEADER_HEIGHT - _FOOTER_HEIGHT - 2 * _GAP

LABEL_SHADE = colors.HexColor("#EBEBEB")
SECTION_SHADE = colors.HexColor("#CFCFCF")
GRID_COLOR = colors.black
_MUTED = colors.HexColor("#404040")

CancelledCheck = Callable[[], bool]
ProgressCallback = Callable[[int, int], None]


class PdfWriteError(OSError):
    """The PDF could not be saved where asked. The message is Japanese and can be shown as is."""


# ---- font and styles ---------------------------------------------------------------------------

_font_lock = threading.Lock()


def register_font() -> str:
    """Register the bundled IPAex Gothic once (embedded as a subset); return its font name."""
    with _font_lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            path = shipped_dir("resources") / "fonts" / _FONT_FILE
            if not path.is_file():
                raise FileNotFoundError(
                    f"PDF用のフォント「{_FONT_FILE}」が見つかりません。インストールをやり直してください。"
                )
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
            # One face only: <b> and <i> in markup fall back to the same font instead of failing.
            pdfmetrics.registerFontFamily(
                FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
            )
    return FONT_NAME


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle  # 10pt values
    label: ParagraphStyle  # 9.5pt field labels
    help: ParagraphStyle  # 7.5pt help under labels (blank forms)
    small: ParagraphStyle  # 8pt notes
    title: ParagraphStyle  # 17pt centered document / part title
    subtitle: ParagraphStyle  # 9.5pt centered line under the title
    section: ParagraphStyle  # 10.5pt section bar text
    choice: ParagraphStyle  # 9.5pt choice items


@functools.cache
def styles() -> Styles:
    font = register_font()

    def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **extra)

    return Styles(
        body=style("jusou-body", 10, 14.5),
        label=style("jusou-label", 9.5, 12.5),
        help=style("jusou-help", 7.5, 9.5, textColor=_MUTED, spaceBefore=1.5),
        small=style("jusou-small", 8, 10.5, textColor=_MUTED),
        title=style("jusou-title", 17, 22, alignment=TA_CENTER),
        subtitle=style("jusou-subtitle", 9.5, 13, alignment=TA_CENTER, textColor=_MUTED),
        section=style("jusou-section", 10.5, 13),
        choice=style("jusou-choice", 9.5, 13),
    )


def markup(text: str) -> str:
    """Plain text as Paragraph markup: escaped, line breaks, runs of spaces and 全角空白 kept.

    reportlab collapses whitespace, U+3000 included, unless it comes as a character reference.
    """
    lines = escape(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return "<br/>".join(line.replace("  ", "&nbsp; ").replace("\u3000", "&#12288;") for line in lines)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of plain (unescaped) text."""
    return Paragraph(markup(text), style)


CHUNK_LINES = 6
"""Long text is cut into pieces of this many lines: table rows that can break across pages."""


def text_pieces(
    text: str, style: ParagraphStyle, width: float, first_min_height: float = 0.0
) -> list[Paragraph]:
    """The text as Paragraph pieces of a few lines each, cut at line boundaries, nothing lost.

    A table row cannot split across pages, so a long text in one cell would be clipped; as
    several rows of a few lines each it flows onto the next page.
    """
    chunk = CHUNK_LINES * style.leading
    rest = Paragraph(markup(text), style)
    pieces: list[Paragraph] = []
    height = max(chunk, first_min_height)
    while True:
        _, h = rest.wrap(width, height)
        if h <= height + 0.01:
            pieces.append(rest)
            return pieces
        split = rest.split(width, height)
        if len(split) < 2:
            pieces.append(rest)
            return pieces
        pieces.append(split[0])
        rest = split[1]
        height = chunk


CELL_PAD_X, CELL_PAD_TOP, CELL_PAD_BOTTOM = 4.0, 5.0, 3.0


def grid_style(extra: Sequence[tuple[Any, ...]]) -> TableStyle:
    """The house table: 10pt IPAex, padded cells, the given commands, and a heavier outer box."""
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_TOP),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD_BOTTOM),
            *extra,
            ("BOX", (0, 0), (-1, -1), 0.9, GRID_COLOR),
        ]
    )


def signature_style(*, left_padding: float = 2.0) -> TableStyle:
    """Label | a ruled line to write on (署名, 氏名…): the line under the second column."""
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
            ("LINEBELOW", (1, 0), (1, 0), 0.6, GRID_COLOR),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), left_padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
    )


def bar_commands(row: int = 0) -> list[tuple[Any, ...]]:
    """A shaded section title bar across ``row``."""
    return [
        ("SPAN", (0, row), (-1, row)),
        ("BACKGROUND", (0, row), (-1, row), SECTION_SHADE),
        ("TOPPADDING", (0, row), (-1, row), 4),
        ("BOTTOMPADDING", (0, row), (-1, row), 3),
        ("LINEBELOW", (0, row), (-1, row), 0.8, GRID_COLOR),
    ]


class Grid:
    """One section of a form: a shaded title bar over rows of label | value (| label | value).

    ``label_width`` sets the label columns, ``hang`` keeps room for a 。 hanging at a line end,
    and ``empty`` is what an empty value prints (small letters), or writing space when "".
    Long text becomes several rows without rules, so it flows across pages.
    """

    def __init__(self, title: str = "", *, label_width: float, hang: float = 0.0, empty: str = "") -> None:
        self.rows: list[list[Any]] = []
        self.cmds: list[tuple[Any, ...]] = []
        self.titled = bool(title)
        self.label_width = label_width
        self.hang = hang
        self.empty = empty
        half = (CONTENT_WIDTH - 2 * label_width) / 2
        self.columns = (label_width, half, label_width, half)
        if title:
            self.rows.append([para(title, styles().section), "", "", ""])
            self.cmds += bar_commands()

    def _start(self) -> int:
        r = len(self.rows)
        if r > (1 if self.titled else 0):
            self.cmds.append(("LINEABOVE", (0, r), (-1, r), 0.5, GRID_COLOR))
        return r

    def _label_cmds(self, first: int, last: int, valign: str) -> None:
        self.cmds += [
            ("BACKGROUND", (0, first), (0, last), LABEL_SHADE),
            ("LINEAFTER", (0, first), (0, last), 0.5, GRID_COLOR),
            ("VALIGN", (0, first), (0, last), valign),
        ]

    def _stacked(self, first: int, last: int, *, span_from: int) -> None:
        for r in range(first, last + 1):
            self.cmds.append(("SPAN", (span_from, r), (-1, r)))
        if last > first:
            self.cmds += [
                ("VALIGN", (span_from, first), (-1, last), "TOP"),
                ("BOTTOMPADDING", (span_from, first), (-1, last - 1), 0),
                ("TOPPADDING", (span_from, first + 1), (-1, last), 0),
            ]

    def text(
        self,
        label: str,
        text: str,
        *,
        empty: str | None = None,
        blank_height: float = 7 * mm,
        style: ParagraphStyle | None = None,
    ) -> None:
        """A labelled value across the row; long text becomes several rows without rules."""
        st = styles()
        empty = self.empty if empty is None else empty
        label_cell = para(label, st.label)
        if not text.strip():
            self.cells(label, [para(empty, st.small)] if empty else [Spacer(1, blank_height)])
            return
        label_h = label_cell.wrap(self.label_width - 2 * CELL_PAD_X, FRAME_HEIGHT)[1]
        value_w = CONTENT_WIDTH - self.label_width - 2 * CELL_PAD_X - self.hang
        pieces = text_pieces(text, style or st.body, value_w, label_h)
        first = self._start()
        for i, piece in enumerate(pieces):
            self.rows.append([label_cell if i == 0 else "", piece, "", ""])
        last = len(self.rows) - 1
        self._label_cmds(first, last, "TOP" if last > first else "MIDDLE")
        self._stacked(first, last, span_from=1)

    def cells(self, label: str, cell: list[Flowable]) -> None:
        r = self._start()
        self.rows.append([para(label, styles().label), cell, "", ""])
        self._label_cmds(r, r, "MIDDLE")
        self.cmds.append(("SPAN", (1, r), (-1, r)))

    def half(self, left: tuple[str, str | list[Flowable]], right: tuple[str, str | list[Flowable]]) -> None:
        st = styles()

        def value(v: str | list[Flowable]) -> Any:
            return para(v, st.body) if isinstance(v, str) else v

        r = self._start()
        self.rows.append([para(left[0], st.label), value(left[1]), para(right[0], st.label), value(right[1])])
        self.cmds += [
            ("BACKGROUND", (0, r), (0, r), LABEL_SHADE),
            ("BACKGROUND", (2, r), (2, r), LABEL_SHADE),
            ("LINEAFTER", (0, r), (2, r), 0.5, GRID_COLOR),
        ]

    def wide(self, text: str, *, style: ParagraphStyle | None = None, empty: str | None = None) -> None:
        """Text across the whole width (no label), several rows when long."""
        empty = self.empty if empty is None else empty
        if not text.strip() and empty:
            self.note(empty)
            return
        first = self._start()
        for piece in text_pieces(text, style or styles().body, CONTENT_WIDTH - 2 * CELL_PAD_X - self.hang):
            self.rows.append([piece, "", "", ""])
        self._stacked(first, len(self.rows) - 1, span_from=0)

    def note(self, text: str) -> None:
        r = self._start()
        self.rows.append([para(text, styles().small), "", "", ""])
        self.cmds.append(("SPAN", (0, r), (-1, r)))

    def table(self) -> Table:
        table = Table(self.rows, colWidths=self.columns, repeatRows=1 if self.titled else 0, splitByRow=1)
        table.setStyle(grid_style(self.cmds))
        return table


# ---- page frame -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageDecor:
    """What the frame of every page shows."""

    town: str
    title: str  # document title in the header; HeaderTitle can change it from a page on
    printed_on: dt.date
    state: str = ""  # shown small after the title, e.g. 「送付」
    footer_note: str = ""  # left of the footer, e.g. 「受付番号 R6-0001」
    mark: str = "取扱注意"


class HeaderTitle(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Zero-size flowable: the header title from the page it lands on (e.g. another sheet)."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        setter = getattr(self.canv, "set_header_title", None)
        if setter is not None:
            setter(self.title)


class _Checkpoint(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Zero-size flowable placed between the story's flowables: reports progress when drawn."""

    def __init__(self, done: int, total: int, progress: ProgressCallback | None) -> None:
        super().__init__()
        self.done, self.total, self.progress = done, total, progress
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total)


class _FramedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """Keeps every page until save(), then draws header and footer knowing the page total."""

    def __init__(self, *args: Any, decor: PageDecor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decor = decor
        self._header_title = decor.title
        self._pages: list[dict[str, Any]] = []

    def set_header_title(self, title: str) -> None:
        self._header_title = title

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_frame(number, total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _draw_frame(self, number: int, total: int) -> None:
        d = self._decor
        width, height = PAGE_SIZE
        left, right = MARGIN, width - MARGIN
        top = height - MARGIN
        self.saveState()
        self.setFillColor(colors.black)
        self.setStrokeColor(colors.black)

        # 取扱注意: a boxed mark at the top right.
        mark_size = 10.5
        mark_w = pdfmetrics.stringWidth(d.mark, FONT_NAME, mark_size)
        box_w, box_h = mark_w + 10, mark_size + 7
        box_x, box_y = right - box_w, top - box_h
        self.setLineWidth(1.2)
        self.rect(box_x, box_y, box_w, box_h, stroke=1, fill=0)
        self.setFont(FONT_NAME, mark_size)
        self.drawString(box_x + 5, box_y + 4.6, d.mark)

        # Town and document title, then the state in small letters.
        base = top - 12
        town_size, title_size = 9.5, 11
        self.setFont(FONT_NAME, town_size)
        self.drawString(left, base, d.town)
        x = left + pdfmetrics.stringWidth(d.town, FONT_NAME, town_size) + 8
        self.setFont(FONT_NAME, title_size)
        self.drawString(x, base, self._header_title)
        x += pdfmetrics.stringWidth(self._header_title, FONT_NAME, title_size) + 8
        if d.state:
            self.setFont(FONT_NAME, 8)
            self.setFillColor(_MUTED)
            self.drawString(x, base, f"［{d.state}］")
            self.setFillColor(colors.black)
        rule_y = top - _HEADER_HEIGHT
        self.setLineWidth(0.6)
        self.line(left, rule_y, right, rule_y)

        # Footer: note, n/N, printed date.
        foot_rule = MARGIN + _FOOTER_HEIGHT
        self.setLineWidth(0.4)
        self.line(left, foot_rule, right, foot_rule)
        foot_y = MARGIN + 1.5 * mm
        self.setFont(FONT_NAME, 8)
        if d.footer_note:
            self.drawString(left, foot_y, d.footer_note)
        self.setFont(FONT_NAME, 9)
        self.drawCentredString(width / 2, foot_y, f"{number}/{total}")
        self.setFont(FONT_NAME, 8)
        self.drawRightString(right, foot_y, f"印刷日 {format_wareki(d.printed_on)}")
        self.restoreState()


class _DocTemplate(BaseDocTemplate):  # type: ignore[misc]  # reportlab is untyped
    def __init__(self, stream: IO[bytes], decor: PageDecor, cancelled: CancelledCheck | None) -> None:
        self._cancelled = cancelled
        super().__init__(
            stream,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + _HEADER_HEIGHT + _GAP,
            bottomMargin=MARGIN + _FOOTER_HEIGHT + _GAP,
            title=f"{decor.town} {decor.title}".strip(),
            author=decor.town,
            creator="jusou_desktop",
            initialFontName=FONT_NAME,
            initialFontSize=10,
            lang="ja-JP",
        )
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        if self._cancelled is not None and self._cancelled():
            raise Cancelled()
        super().handle_flowable(flowables)


def _build(
    stream: IO[bytes],
    story: Sequence[Flowable],
    decor: PageDecor,
    cancelled: CancelledCheck | None,
    progress: ProgressCallback | None,
) -> None:
    register_font()
    total = len(story)
    flowables: list[Flowable] = []
    for done, flowable in enumerate(story, start=1):
        flowables.append(flowable)
        flowables.append(_Checkpoint(done, total, progress))
    doc = _DocTemplate(stream, decor, cancelled)
    doc.build(flowables, canvasmaker=functools.partial(_FramedCanvas, decor=decor))


# ---- output ---------------------------------------------------------------------------------------


@contextmanager
def atomic_output(dest: Path) -> Iterator[IO[bytes]]:
    """A binary file that becomes ``dest`` only if the block ends without an exception.

    The data goes to a temporary file in the same folder, which then replaces ``dest`` in one
    step (os.replace).  On any exception, a cancellation included, the temporary file is
    removed and ``dest`` is left as it was.  Problems with the folder or the final move raise
    PdfWriteError with a Japanese message.
    """
    dest = Path(dest)
    folder = dest.parent
    if not folder.is_dir():
        raise PdfWriteError(f"保存先のフォルダが見つかりません: {folder}")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.stem}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise PdfWriteError(f"保存先のフォルダに書き込めません: {folder}({exc.strerror or exc})") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.replace(tmp, dest)
        except OSError as exc:
            raise PdfWriteError(
                f"「{dest.name}」を保存できませんでした。同じ名前のファイルを開いているアプリがあれば"
                f"閉じてから、やり直してください。({exc.strerror or exc})"
            ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_pdf(
    dest: Path,
    story: Sequence[Flowable],
    decor: PageDecor,
    *,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """Lay out ``story`` on framed A4 pages and save it atomically at ``dest``.

    ``cancelled`` is asked before every flowable; when it answers True, Cancelled is raised and
    nothing is left on disk.  ``progress(done, total)`` counts the story's flowables.
    Flowables are consumed: build a fresh story for every PDF.
    """
    if cancelled is not None and cancelled():
        raise Cancelled()
    with atomic_output(dest) as fh:
        try:
            _build(fh, story, decor, cancelled, progress)
        except OSError as exc:
            raise PdfWriteError(
                f"PDFの書き込み中にエラーが起きました: {dest}({exc.strerror or exc})"
            ) from exc


def pdf_bytes(story: Sequence[Flowable], decor: PageDecor) -> bytes:
    """The PDF in memory (previews and tests)."""
    buffer = BytesIO()
    _build(buffer, story, decor, None, None)
    return buffer.getvalue()
