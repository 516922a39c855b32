"""The 実績 workbook: a fiscal year's figures, their definitions, targets and last year's totals.

Sheets of the shipped template (``exports/実績.xlsx``; a town may restyle a copy):

* 実績 — one row per figure, grouped by ``figure.group``: 区分, 項目, 単位, 4月…3月, 合計;
* 定義 — every figure's written definition;
* 成果目標 — figures with a target: 目標, 実績, 差, 達成/未達 (達成 when 実績 ≥ 目標);
* 前年度比較 — this year, the previous year, the difference and the ratio;
* グラフ — a native Excel line chart of the monthly trend of the main figures, above the
  small table it is drawn from.

Every number is written as a number and every total as its value (no formulas), so the file
shows the right figures in any program, before or without recalculation.  Only counts are
written: no personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.pagebreak import Break

from jusou_desktop.domain.jisseki import FigureRow, JissekiData
from jusou_desktop.domain.wareki import fiscal_months, format_fiscal_year, format_wareki
from jusou_desktop.reports.excel_templates import (
    CancelledCheck,
    ProgressCallback,
    Steps,
    TableSpec,
    Template,
    TemplateSpec,
)

__all__ = [
    "CHART_LIMIT",
    "JISSEKI_TEMPLATE",
    "MONTH_LABELS",
    "chart_rows",
    "grouped_rows",
    "write_jisseki_xlsx",
]

MONTH_LABELS = tuple(f"{month}月" for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3))
CHART_LIMIT = 6
ACHIEVED, NOT_ACHIEVED = "達成", "未達"

_HEAD = ("区分", "項目", "単位")

JISSEKI_TEMPLATE = TemplateSpec(
    title="実績",
    fields={
        "town": "町名",
        "fiscal_year": "年度（令和6年度）",
        "previous_fiscal_year": "前年度（令和5年度）",
        "period": "集計期間（令和6年4月～令和7年3月）",
        "printed_on": "作成日（和暦）",
    },
    tables=(
        TableSpec("figures", "月別の実績", (*_HEAD, *MONTH_LABELS, "合計")),
        TableSpec("definitions", "項目の定義", (*_HEAD, "定義")),
        TableSpec(
            "targets",
            "成果目標と実績",
            (*_HEAD, "成果目標", "実績", "差（実績−目標）", "判定"),
            empty_text="成果目標が設定されている項目はありません。",
        ),
        TableSpec("comparison", "前年度との比較", (*_HEAD, "今年度", "前年度", "増減", "前年度比")),
    ),
    charts={"monthly": "月別の推移のグラフ"},
    required=frozenset({"town", "fiscal_year", "rows:figures", "rows:definitions"}),
)


def grouped_rows(rows: Sequence[FigureRow]) -> list[FigureRow]:
    """The rows grouped by ``figure.group``: groups in order of first appearance, rows kept in order."""
    order: dict[str, list[FigureRow]] = {}
    for row in rows:
        order.setdefault(row.figure.group, []).append(row)
    return [row for group in order.values() for row in group]


def chart_rows(rows: Sequence[FigureRow], keys: Sequence[str] | None = None) -> list[FigureRow]:
    """The figures drawn in the chart: those named in ``keys`` (in that order), else the first
    figure of each group, at most :data:`CHART_LIMIT`."""
    if keys is not None:
        by_key = {row.figure.key: row for row in rows}
        return [by_key[key] for key in keys if key in by_key][:CHART_LIMIT]
    firsts: dict[str, FigureRow] = {}
    for row in rows:
        firsts.setdefault(row.figure.group, row)
    return list(firsts.values())[:CHART_LIMIT]


def _head(row: FigureRow, show_group: bool) -> list[object]:
    return [row.figure.group if show_group else "", row.figure.label, row.figure.unit]


def _with_group_breaks(rows: Sequence[FigureRow]) -> list[tuple[FigureRow, bool]]:
    """Each row with whether it starts its group (the group name is shown once per group)."""
    result: list[tuple[FigureRow, bool]] = []
    previous: str | None = None
    for row in rows:
        result.append((row, row.figure.group != previous))
        previous = row.figure.group
    return result


def _period(fiscal_year: int) -> str:
    months = fiscal_months(fiscal_year)
    first, last = months[0], months[-1]
    start = format_wareki(dt.date(first[0], first[1], 1)).removesuffix("1日")
    end = format_wareki(dt.date(last[0], last[1], 1)).removesuffix("1日")
    return f"{start}～{end}"


def _figure_values(row: FigureRow, show_group: bool) -> list[object]:
    if len(row.monthly) != 12:
        raise ValueError(f"{row.figure.key}: 12 monthly values expected, got {len(row.monthly)}")
    return [*_head(row, show_group), *row.monthly, row.total]


def _target_values(row: FigureRow, show_group: bool) -> list[object]:
    assert row.target is not None
    verdict = ACHIEVED if row.total >= row.target else NOT_ACHIEVED
    return [*_head(row, show_group), row.target, row.total, row.total - row.target, verdict]


def _comparison_values(row: FigureRow, show_group: bool) -> list[object]:
    previous = row.previous_total
    difference = None if previous is None else row.total - previous
    ratio = None if not previous else row.total / previous
    return [*_head(row, show_group), row.total, previous, difference, ratio]


def _write_chart(template: Template, data: JissekiData, rows: Sequence[FigureRow]) -> None:
    ws, top, left = template.chart_anchor("monthly")
    if not rows:
        ws.cell(top, left).value = "グラフにする項目がありません。"
        return
    # The chart sits at the anchor; the table it is drawn from comes below it.
    chart_rows_high = 24
    table_top = top + chart_rows_high
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    base = ws.cell(top, left)
    font = base.font
    ws.row_breaks.append(Break(id=table_top - 2))  # the table prints on its own page
    title = ws.cell(table_top - 1, left)
    title.value = "グラフの元の数値"
    title.font = Font(name=font.name, size=font.size, bold=True)
    header = ws.cell(table_top, left)
    header.value = "月"
    for index, row in enumerate(rows, start=1):
        cell = ws.cell(table_top, left + index)
        cell.value = f"{row.figure.label}（{row.figure.unit}）"
    for column in range(left, left + len(rows) + 1):
        cell = ws.cell(table_top, column)
        cell.font = Font(name=font.name, size=font.size, bold=True)
        cell.fill = head_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[table_top].height = 45
    for month_index, label in enumerate(MONTH_LABELS):
        r = table_top + 1 + month_index
        ws.cell(r, left).value = label
        ws.cell(r, left).alignment = Alignment(horizontal="center")
        for index, row in enumerate(rows, start=1):
            ws.cell(r, left + index).value = row.monthly[month_index]
            ws.cell(r, left + index).number_format = "#,##0"
        for column in range(left, left + len(rows) + 1):
            ws.cell(r, column).border = border
            ws.cell(r, column).font = Font(name=font.name, size=font.size)

    chart = LineChart()
    chart.title = f"月別の推移（{format_fiscal_year(data.fiscal_year)}）"
    chart.y_axis.title = "件数・回数・人数"
    chart.x_axis.title = "月"
    chart.x_axis.delete = False  # openpyxl 3.1 hides the axes unless told otherwise
    chart.y_axis.delete = False
    chart.y_axis.number_format = "#,##0"
    chart.legend.position = "b"
    chart.height = 11.5
    chart.width = 26
    values = Reference(
        ws, min_col=left + 1, max_col=left + len(rows), min_row=table_top, max_row=table_top + 12
    )
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=left, min_row=table_top + 1, max_row=table_top + 12))
    for series in chart.series:
        series.smooth = False
        series.marker.symbol = "circle"
        series.marker.size = 6
    ws.add_chart(chart, ws.cell(top, left).coordinate)


def write_jisseki_xlsx(
    data: JissekiData,
    dest: Path | str,
    *,
    template: Path | str | None = None,
    printed_on: dt.date | None = None,
    chart_keys: Sequence[str] | None = None,
    password: str | None = None,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """Fill the 実績 template with ``data`` and save it atomically at ``dest``.

    The template is checked before anything is written (:class:`TemplateError`).  Sheets whose
    anchor the town removed from its template are simply not filled (only 実績 and 定義 are
    required).  ``chart_keys`` picks the charted figures (default: the first of each group).
    ``cancelled`` is asked after every row; when it answers True, ``Cancelled`` is raised and
    nothing is left on disk.  ``progress(done, total)`` counts rows, plus one for saving.
    """
    book = Template.load(JISSEKI_TEMPLATE, template)
    rows = grouped_rows(data.rows)
    targets = [row for row in rows if row.target is not None]
    tables: list[tuple[str, Sequence[FigureRow], Callable[[FigureRow, bool], list[object]]]] = [
        ("figures", rows, _figure_values),
        ("definitions", rows, lambda row, first: [*_head(row, first), row.figure.definition]),
        ("targets", targets, _target_values),
        ("comparison", rows, _comparison_values),
    ]
    used = [(name, subset, make) for name, subset, make in tables if book.has(f"rows:{name}")]
    steps = Steps(sum(len(subset) for _, subset, _ in used), cancelled, progress)
    steps.check()

    book.fill_fields(
        {
            "town": data.town,
            "fiscal_year": format_fiscal_year(data.fiscal_year),
            "previous_fiscal_year": format_fiscal_year(data.fiscal_year - 1),
            "period": _period(data.fiscal_year),
            "printed_on": format_wareki(printed_on or dt.date.today()),
        }
    )
    for name, subset, make in used:
        book.write_table(
            name, [make(row, first) for row, first in _with_group_breaks(subset)], tick=steps.tick
        )
    if book.has("chart:monthly"):
        _write_chart(book, data, chart_rows(data.rows, chart_keys))
    book.save(dest, password=password, cancelled=cancelled)
    steps.finish()
