"""Excel templates that the exports fill: ordinary .xlsx files an office can restyle in Excel.

A template is a normal workbook (shipped in ``exports/`` or a copy the town keeps elsewhere)
with *placeholders* written in cells:

* ``{{town}}``, ``{{fiscal_year}}``, ``{{printed_on}}`` … — *fields*.  Replaced by their value;
  they may sit inside other text (``{{town}} ケース台帳``).  A cell holding nothing but one
  field gets the value itself (a number stays a number).
* ``{{rows:cases}}`` — a *table anchor*: the first row of data is written on this row, starting
  at this cell, in the column order the export documents; every further row copies the anchor
  row's look (font, borders, fill, number format, height).  One anchor per sheet, alone in its
  cell, with nothing written below it on that sheet.
* ``{{chart:monthly}}`` — where a chart (and its small data table) goes.

Everything is checked *before* anything is written: an unknown or malformed placeholder, a
required one that is missing, a duplicated anchor or text below an anchor each raise
:class:`TemplateError`, whose Japanese message names the template, the sheet and the cell.

The finished workbook is saved atomically (a temporary file beside the destination, then
``os.replace``); a cancellation raises :class:`~jusou_desktop.reports.pdf_common.Cancelled` and
leaves nothing behind.  With a password it is encrypted in memory first (see ``protect``), so
an unencrypted copy never touches the disk.

openpyxl is imported here and only inside ``jusou_desktop.reports``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_from_string,
    get_column_letter,
    range_boundaries,
)
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.worksheet import Worksheet

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.wareki import format_wareki
from jusou_desktop.reports.pdf_common import Cancelled, atomic_output
from jusou_desktop.shipped import shipped_dir

__all__ = [
    "CAUTION",
    "Cancelled",
    "CancelledCheck",
    "Placeholder",
    "ProgressCallback",
    "Steps",
    "TableSpec",
    "Template",
    "TemplateError",
    "TemplateSpec",
    "cancelled_error",
    "list_placeholders",
    "set_cell",
    "shipped_template_path",
]

CAUTION = "取扱注意"
DATE_FORMAT = "yyyy/m/d"

CancelledCheck = Callable[[], bool]
ProgressCallback = Callable[[int, int], None]
FieldValue = str | int | float | dt.date | None

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FULL_WIDTH_BRACES = ("｛｛", "｝｝", "｛{", "{｛", "｝}", "}｝")
# Control characters Excel refuses in cell text (tab, newline and carriage return are fine).
_ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cancelled_error() -> Cancelled:
    return Cancelled("Excelファイルの作成を取り消しました。")


class TemplateError(ValidationError):
    """The template cannot be used; the message is Japanese and can be shown as it is."""


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A table the export writes at ``{{rows:<name>}}``: its columns, left to right."""

    name: str
    description: str  # ケースの一覧 …
    columns: tuple[str, ...]  # the headers of the shipped template, in writing order
    empty_text: str = ""  # written in the anchor cell when there are no rows


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    """What one kind of export understands in its template."""

    title: str  # 実績, ケース台帳 … (the shipped file is ``<title>.xlsx``)
    fields: Mapping[str, str]  # field name → what it becomes (Japanese)
    tables: tuple[TableSpec, ...] = ()
    charts: Mapping[str, str] = field(default_factory=dict)  # chart name → description
    required: frozenset[str] = frozenset()  # "town", "rows:cases", "chart:monthly" …
    personal: bool = False  # 取扱注意: personal data inside

    @property
    def file_name(self) -> str:
        return f"{self.title}.xlsx"

    def table(self, name: str) -> TableSpec:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    def known(self) -> list[str]:
        """Every placeholder name the template may use, in a stable order."""
        return (
            list(self.fields)
            + [f"rows:{table.name}" for table in self.tables]
            + [f"chart:{name}" for name in self.charts]
        )

    def describe(self, name: str) -> str:
        if name.startswith("rows:"):
            table = self.table(name.removeprefix("rows:"))
            return f"{table.description}を書き出す位置"
        if name.startswith("chart:"):
            return f"{self.charts[name.removeprefix('chart:')]}を置く位置"
        return self.fields[name]


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One ``{{…}}`` found in a template."""

    sheet: str
    cell: str  # B3
    name: str  # town, rows:cases, chart:monthly
    text: str  # the whole cell text

    @property
    def kind(self) -> str:
        """``field``, ``rows`` or ``chart``."""
        head, sep, _ = self.name.partition(":")
        return head if sep else "field"

    @property
    def where(self) -> str:
        return f"『{self.sheet}』シートの{self.cell}"


# ---- finding placeholders -------------------------------------------------------------------


def shipped_template_path(spec: TemplateSpec) -> Path:
    return shipped_dir("exports") / spec.file_name


def _template_label(path: Path) -> str:
    return f"テンプレート「{path.name}」"


def _open_workbook(path: Path) -> Workbook:
    label = _template_label(path)
    if not path.is_file():
        raise TemplateError(f"{label}が見つかりません: {path}")
    suffix = path.suffix.lower()
    if suffix not in {".xlsx", ".xltx"}:
        raise TemplateError(
            f"{label}は使えない形式です。Excel ブック（.xlsx）として保存したものを指定してください。"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"{label}を読めません（{exc.strerror or exc}）。") from exc
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError(
            f"{label}を Excel ブックとして読めません。パスワード付きのファイルや壊れたファイルは"
            "テンプレートに使えません。"
        )
    try:
        workbook = load_workbook(io.BytesIO(data), rich_text=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise TemplateError(f"{label}を Excel ブックとして読めません（{exc}）。") from exc
    workbook.template = False  # an .xltx is saved as an ordinary workbook
    return workbook


def _scan(workbook: Workbook, label: str) -> list[Placeholder]:
    found: list[Placeholder] = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value
                if not isinstance(text, str) or ("{" not in text and "}" not in text and "｛" not in text):
                    continue
                where = f"『{ws.title}』シートの{cell.coordinate}"
                if any(brace in text for brace in _FULL_WIDTH_BRACES):
                    raise TemplateError(
                        f"{label}の{where}にある「{text}」は、差し込み項目の括弧が全角です。"
                        "半角の {{ と }} で書いてください。"
                    )
                names = [m.group(1) for m in _PLACEHOLDER.finditer(text)]
                rest = _PLACEHOLDER.sub("", text)
                if "{{" in rest or "}}" in rest:
                    raise TemplateError(
                        f"{label}の{where}にある「{text}」は、差し込み項目の書き方が正しくありません。"
                        "{{ と }} が対になっているか確認してください。"
                    )
                found.extend(Placeholder(ws.title, cell.coordinate, name, text) for name in names)
    return found


def list_placeholders(source: Path | str) -> list[Placeholder]:
    """Every placeholder in a template file, sheet by sheet, row by row (no validation)."""
    path = Path(source)
    return _scan(_open_workbook(path), _template_label(path))


# ---- validation ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Anchor:
    sheet: str
    row: int
    column: int


def _validate(workbook: Workbook, spec: TemplateSpec, label: str) -> dict[str, _Anchor]:
    placeholders = _scan(workbook, label)
    known = spec.known()
    allowed = "、".join(known)
    seen: dict[str, Placeholder] = {}
    anchor_sheets: dict[str, Placeholder] = {}
    for ph in placeholders:
        shown = "{{" + ph.name + "}}"
        if ph.name not in known:
            hint = ""
            if ph.kind == "field" and not _NAME.fullmatch(ph.name):
                hint = "差し込み項目の名前は半角英字で書きます。"
            raise TemplateError(
                f"{label}の{ph.where}にある {shown} は使えない差し込み項目です。{hint}"
                f"（使えるもの: {allowed}）"
            )
        if ph.kind == "field":
            seen.setdefault(ph.name, ph)
            continue
        # rows: and chart: anchors
        if ph.name in seen:
            raise TemplateError(
                f"{label}で {shown} が2か所にあります（{seen[ph.name].where}と{ph.where}）。1か所だけにしてください。"
            )
        seen[ph.name] = ph
        if _PLACEHOLDER.fullmatch(ph.text.strip()) is None:
            raise TemplateError(
                f"{label}の{ph.where}: {shown} は他の文字と同じセルには書けません。セルに単独で書いてください。"
            )
        if ph.sheet in anchor_sheets:
            other = anchor_sheets[ph.sheet]
            raise TemplateError(
                f"{label}の『{ph.sheet}』シートに表やグラフの差し込み位置が2つあります"
                f"（{other.cell}の {{{{{other.name}}}}} と{ph.cell}の {shown}）。1つのシートに1つだけにしてください。"
            )
        anchor_sheets[ph.sheet] = ph

    anchors: dict[str, _Anchor] = {}
    for ph in anchor_sheets.values():
        ws = workbook[ph.sheet]
        column_letter, row_number = coordinate_from_string(ph.cell)
        anchor = _Anchor(ph.sheet, row_number, column_index_from_string(column_letter))
        _check_room(ws, spec, ph, anchor, label)
        anchors[ph.name] = anchor

    for name in known:
        if name in spec.required and name not in seen:
            raise TemplateError(
                f"{label}に必要な差し込み項目 {{{{{name}}}}}（{spec.describe(name)}）がありません。"
                "どこかのセルに書き加えてください。"
            )
    return anchors


def _check_room(ws: Worksheet, spec: TemplateSpec, ph: Placeholder, anchor: _Anchor, label: str) -> None:
    """Below an anchor nothing may be written; the table's own row holds only the anchor."""
    shown = "{{" + ph.name + "}}"
    width = len(spec.table(ph.name.removeprefix("rows:")).columns) if ph.kind == "rows" else 1
    last_column = anchor.column + width - 1
    for row in ws.iter_rows(min_row=anchor.row, max_row=max(ws.max_row, anchor.row)):
        for cell in row:
            if cell.value is None or (cell.row == anchor.row and cell.column == anchor.column):
                continue
            if cell.row > anchor.row:
                raise TemplateError(
                    f"{label}の『{ws.title}』シートで、{ph.cell}の {shown} より下の{cell.coordinate}に"
                    "文字が入っています。行は下へ書き足していくので、差し込み位置より下には何も置けません"
                    "（注記は表の上に置いてください）。"
                )
            if ph.kind == "rows" and anchor.column < cell.column <= last_column:
                raise TemplateError(
                    f"{label}の『{ws.title}』シートの{cell.coordinate}に文字が入っています。{ph.cell}の "
                    f"{shown} の行は {get_column_letter(anchor.column)}〜{get_column_letter(last_column)} 列に"
                    f"{spec.table(ph.name.removeprefix('rows:')).description}を書き込むので、空けておいてください。"
                )
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= anchor.row <= merged.max_row and not (
            merged.max_col < anchor.column or merged.min_col > last_column
        ):
            raise TemplateError(
                f"{label}の『{ws.title}』シートで、{ph.cell}の {shown} の行に結合したセル（{merged.coord}）が"
                "あります。差し込み行のセルの結合を解除してください。"
            )


# ---- values ------------------------------------------------------------------------------------


def set_cell(cell: Cell, value: Any) -> None:
    """Write a value as data: text never becomes a formula or an error code; dates get a date format."""
    if isinstance(value, str):
        text = _ILLEGAL_CHARS.sub("", value)
        cell.value = text or None  # an empty text is an empty cell
        if cell.data_type in {"f", "e"}:
            cell.data_type = "s"  # 「=…」「#N/A」 typed by a person are text, not formulas
        return
    if isinstance(value, bool):
        cell.value = "はい" if value else ""
        return
    if isinstance(value, dt.datetime):
        value = value.date()
    cell.value = value
    if isinstance(value, dt.date) and not is_date_format(cell.number_format):
        cell.number_format = DATE_FORMAT


def _as_text(value: FieldValue) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_wareki(value)
    return str(value)


def _expand_ranges(ranges: MultiCellRange, row: int, down: int) -> MultiCellRange:
    result = MultiCellRange()
    for cell_range in sorted(ranges.ranges, key=lambda r: (r.min_row, r.min_col)):
        grown = CellRange(cell_range.coord)
        if grown.min_row <= row <= grown.max_row:
            grown.expand(down=down)
        result.add(grown.coord)
    return result


def _display_width(text: str) -> int:
    """Width in Excel's character units: full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fitted_height(ws: Worksheet, row: int, columns: range) -> float | None:
    """A row height that shows all wrapped text, or None when one line is enough.

    Excel and LibreOffice do not always grow rows to fit wrapped text when a file is opened,
    so the height is estimated from the text and the column widths.
    """
    lines_needed = 1
    font_size = 11.0
    for column in columns:
        cell = ws.cell(row, column)
        if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
            continue
        width = ws.column_dimensions[get_column_letter(column)].width or 8.43
        per_line = max(1.0, width - 1.0)
        lines = sum(max(1, math.ceil(_display_width(part) / per_line)) for part in cell.value.split("\n"))
        if lines > lines_needed:
            lines_needed = lines
            font_size = float(cell.font.sz or 11)
    if lines_needed == 1:
        return None
    return round(lines_needed * font_size * 1.5 + 3, 1)


# ---- the template ---------------------------------------------------------------------------------


class Template:
    """A validated template, filled step by step, then saved once."""

    def __init__(self, spec: TemplateSpec, path: Path, workbook: Workbook, anchors: Mapping[str, _Anchor]):
        self.spec = spec
        self.path = path
        self.workbook = workbook
        self._anchors = dict(anchors)
        self._label = _template_label(path)

    @classmethod
    def load(cls, spec: TemplateSpec, source: Path | str | None = None) -> Template:
        """Open and check a template (the shipped one when ``source`` is None).

        Raises :class:`TemplateError` for anything the export could not fill correctly.
        """
        path = Path(source) if source is not None else shipped_template_path(spec)
        workbook = _open_workbook(path)
        anchors = _validate(workbook, spec, _template_label(path))
        return cls(spec, path, workbook, anchors)

    @property
    def placeholders(self) -> list[Placeholder]:
        return _scan(self.workbook, self._label)

    def has(self, name: str) -> bool:
        """Whether the template uses the anchor ``rows:…`` / ``chart:…``."""
        return name in self._anchors

    def sheet_of(self, name: str) -> Worksheet:
        return self.workbook[self._anchors[name].sheet]

    # -- fields --

    def fill_fields(self, values: Mapping[str, FieldValue]) -> None:
        """Replace every field placeholder; a cell holding only one field gets the raw value."""
        for ws in self.workbook.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    text = cell.value
                    if not isinstance(text, str) or "{{" not in text:
                        continue
                    whole = _PLACEHOLDER.fullmatch(text.strip())
                    if whole and whole.group(1) in self.spec.fields:
                        value = values.get(whole.group(1))
                        set_cell(cell, _as_text(value) if isinstance(value, dt.date) else value)
                        continue

                    def replace(match: re.Match[str]) -> str:
                        name = match.group(1)
                        return _as_text(values.get(name)) if name in self.spec.fields else match.group(0)

                    set_cell(cell, _PLACEHOLDER.sub(replace, text))
        if self.spec.personal:
            self._mark_headers()

    def _mark_headers(self) -> None:
        """Personal data: every printed page says 取扱注意 in its header."""
        for ws in self.workbook.worksheets:
            headers = [ws.oddHeader]
            if ws.HeaderFooter.differentOddEven:
                headers.append(ws.evenHeader)
            if ws.HeaderFooter.differentFirst:
                headers.append(ws.firstHeader)
            for header in headers:
                parts = (header.left.text or "", header.center.text or "", header.right.text or "")
                if not any(CAUTION in part for part in parts):
                    header.right.text = (header.right.text + " " if header.right.text else "") + CAUTION
                    header.right.size = header.right.size or 12

    # -- tables --

    def write_table(
        self,
        name: str,
        rows: Iterable[Sequence[Any]],
        *,
        tick: Callable[[], None] | None = None,
    ) -> tuple[Worksheet, int, int, int]:
        """Write rows at ``{{rows:<name>}}``; return (sheet, anchor column, first row, last row).

        ``tick`` is called after every row (progress and cancellation).  With no rows, the
        anchor cell gets the table's ``empty_text``.
        """
        table = self.spec.table(name)
        anchor = self._anchors[f"rows:{name}"]
        ws = self.workbook[anchor.sheet]
        width = len(table.columns)
        columns = range(anchor.column, anchor.column + width)
        styles = [copy(ws.cell(anchor.row, c)._style) for c in columns]
        height = ws.row_dimensions[anchor.row].height
        ws.cell(anchor.row, anchor.column).value = None
        count = 0
        for offset, values in enumerate(rows):
            if len(values) != width:
                raise ValueError(f"table {name}: {len(values)} values for {width} columns")
            r = anchor.row + offset
            for c, style, value in zip(columns, styles, values, strict=True):
                cell = ws.cell(r, c)
                cell._style = copy(style)
                set_cell(cell, value)
            if height is not None:
                ws.row_dimensions[r].height = height
            else:
                fitted = _fitted_height(ws, r, columns)
                if fitted is not None:
                    ws.row_dimensions[r].height = fitted
            count += 1
            if tick is not None:
                tick()
        if count == 0 and table.empty_text:
            set_cell(ws.cell(anchor.row, anchor.column), table.empty_text)
        last = anchor.row + max(count, 1) - 1
        self._grow(ws, anchor.row, last - anchor.row)
        return ws, anchor.column, anchor.row, last

    def _grow(self, ws: Worksheet, row: int, down: int) -> None:
        """Filters, print area, conditional formats and input rules on the anchor row follow the rows."""
        if down <= 0:
            return
        if ws.auto_filter.ref:
            ws.auto_filter.ref = str(_expand_ranges(MultiCellRange(ws.auto_filter.ref), row, down))
        area = ws.print_area
        if area and "," not in area:
            coord = area.split("!")[-1].replace("$", "")
            min_col, min_row, max_col, max_row = range_boundaries(coord)
            if min_row is not None and max_row is not None and min_row <= row <= max_row:
                ws.print_area = CellRange(
                    min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row + down
                ).coord
        old = ws.conditional_formatting
        grown = ConditionalFormattingList()
        for formatting in old:
            sqref = _expand_ranges(formatting.sqref, row, down)
            for rule in formatting.rules:
                grown.add(str(sqref), rule)
        ws.conditional_formatting = grown
        for validation in ws.data_validations.dataValidation:
            validation.sqref = _expand_ranges(validation.sqref, row, down)

    def chart_anchor(self, name: str) -> tuple[Worksheet, int, int]:
        """(sheet, row, column) of ``{{chart:<name>}}``; the placeholder is cleared."""
        anchor = self._anchors[f"chart:{name}"]
        ws = self.workbook[anchor.sheet]
        cell = ws.cell(anchor.row, anchor.column)
        cell.value = None
        return ws, anchor.row, anchor.column

    # -- output --

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    def save(
        self,
        dest: Path | str,
        *,
        password: str | None = None,
        cancelled: CancelledCheck | None = None,
    ) -> None:
        """Save atomically at ``dest``; encrypted in memory first when a password is given."""
        if cancelled is not None and cancelled():
            raise cancelled_error()
        data = self.to_bytes()
        if password is not None:
            from jusou_desktop.reports.protect import encrypt_bytes

            data = encrypt_bytes(data, password)
        if cancelled is not None and cancelled():
            raise cancelled_error()
        with atomic_output(Path(dest)) as fh:
            fh.write(data)


class Steps:
    """Progress and cancellation for a writer: ``tick()`` after each row, one more for saving."""

    def __init__(self, total: int, cancelled: CancelledCheck | None, progress: ProgressCallback | None):
        self.total = total + 1
        self.done = 0
        self._cancelled = cancelled
        self._progress = progress

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise cancelled_error()

    def tick(self) -> None:
        self.done += 1
        if self._progress is not None:
            self._progress(min(self.done, self.total), self.total)
        self.check()

    def finish(self) -> None:
        self.done = self.total
        if self._progress is not None:
            self._progress(self.total, self.total)
