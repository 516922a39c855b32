"""Make the shipped Excel templates in this folder (実績, ケース台帳, 関係機関一覧, 役割一覧).

Run from the top of the checkout after changing a table's columns or the look::

    python exports/make_templates.py

The column headers come from the export specs in ``jusou_desktop.reports`` (one source of
truth); every file written is loaded back and validated as the exports will do.  Towns do not
need this script: they restyle a copy of the .xlsx in Excel (see README.md).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from openpyxl import Workbook  # noqa: E402
from openpyxl.formatting.rule import CellIsRule  # noqa: E402
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.worksheet.worksheet import Worksheet  # noqa: E402

from jusou_desktop.reports.excel_templates import CAUTION, TableSpec, Template, TemplateSpec  # noqa: E402
from jusou_desktop.reports.jisseki_xlsx import JISSEKI_TEMPLATE  # noqa: E402
from jusou_desktop.reports.ledger_xlsx import (  # noqa: E402
    ACTIONS_TEMPLATE,
    AGENCY_TEMPLATE,
    CASE_LEDGER_TEMPLATE,
    RESOURCE_TEMPLATE,
)

FONT = "游ゴシック"  # Excel's default Japanese font; LibreOffice substitutes a Japanese gothic
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
RED = "C00000"

COUNT = "#,##0"
DATE = "yyyy/m/d"


def font(size: float = 10, *, bold: bool = False, color: str | None = None) -> Font:
    return Font(name=FONT, size=size, bold=bold, color=color)


def page_setup(ws: Worksheet, *, title_rows: str | None, personal: bool) -> None:
    """A4 landscape, one page wide, header row repeated, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.75
    ws.page_margins.bottom = 0.6
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.left.text = "&A"
    ws.oddHeader.left.size = 9
    if personal:
        ws.oddHeader.right.text = CAUTION
        ws.oddHeader.right.size = 12
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.center.size = 9
    ws.sheet_view.zoomScale = 100


def title_block(ws: Worksheet, title: str, lines: Sequence[str], *, caution_column: int | None = None) -> int:
    """Title in A1, a few small lines under it; returns the first free row."""
    ws["A1"] = title
    ws["A1"].font = font(14, bold=True)
    ws.row_dimensions[1].height = 24
    if caution_column is not None:
        cell = ws.cell(1, caution_column, "{{caution}}")
        cell.font = font(12, bold=True, color=RED)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        red = Side(style="medium", color=RED)
        cell.border = Border(left=red, right=red, top=red, bottom=red)
    for offset, line in enumerate(lines, start=2):
        ws.cell(offset, 1, line).font = font(9.5)
    return 2 + len(lines) + 1  # one blank row before the table


def table(
    ws: Worksheet,
    spec: TableSpec,
    header_row: int,
    *,
    widths: Sequence[float],
    formats: dict[int, str] | None = None,
    wrap: Sequence[int] = (),
    center: Sequence[int] = (),
    bold: Sequence[int] = (),
    shade: Sequence[int] = (),
    headers: dict[int, str] | None = None,
    freeze_columns: int = 0,
    autofilter: bool = False,
) -> int:
    """Header row, then the anchor row styled for every column; returns the anchor row."""
    formats = formats or {}
    headers = headers or {}
    anchor = header_row + 1
    for index, (label, width) in enumerate(zip(spec.columns, widths, strict=True), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        head = ws.cell(header_row, index, headers.get(index, label))
        head.font = font(10, bold=True)
        head.fill = HEAD_FILL
        head.border = BOX
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell = ws.cell(anchor, index)
        cell.font = font(10, bold=index in bold)
        cell.border = BOX
        cell.number_format = formats.get(index, "General")
        cell.alignment = Alignment(
            vertical="top",
            wrap_text=index in wrap,
            horizontal="center" if index in center else None,
        )
        if index in shade:
            cell.fill = TOTAL_FILL
    ws.row_dimensions[header_row].height = 30
    ws.cell(anchor, 1).value = "{{rows:" + spec.name + "}}"
    ws.freeze_panes = ws.cell(anchor, freeze_columns + 1)
    if autofilter:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(spec.columns))}{anchor}"
    page_setup(ws, title_rows=f"{header_row}:{header_row}", personal=False)
    return anchor


def make_jisseki(spec: TemplateSpec) -> Workbook:
    wb = Workbook()
    head_widths = (14, 32, 5)

    ws = wb.active
    ws.title = "実績"
    row = title_block(
        ws,
        "{{town}}　重層的支援体制整備事業 実績（{{fiscal_year}}）",
        (
            "集計期間 {{period}}　　作成日 {{printed_on}}",
            "※ 数値はアプリで集計した時点の値です（合計も数値として書き出しています）。各項目の数え方は「定義」シートを参照。",
        ),
    )
    months = range(4, 16)
    table(
        ws,
        spec.table("figures"),
        row,
        widths=(*head_widths, *(6.5,) * 12, 8),
        formats={c: COUNT for c in (*months, 16)},
        center=(3,),
        bold=(16,),
        shade=(16,),
        freeze_columns=3,
    )

    ws = wb.create_sheet("定義")
    row = title_block(
        ws,
        "{{town}}　実績の項目と定義（{{fiscal_year}}）",
        ("何を、どの日付で数えるか。毎年同じ定義で数えるので、前年度と比べられます。",),
    )
    table(ws, spec.table("definitions"), row, widths=(*head_widths, 90), wrap=(2, 4), center=(3,))

    ws = wb.create_sheet("成果目標")
    row = title_block(
        ws,
        "{{town}}　成果目標と実績（{{fiscal_year}}）",
        (
            "成果目標は「以上」で判定します（年度の実績が目標以上なら達成）。目標のある項目だけを載せています。",
        ),
    )
    anchor = table(
        ws,
        spec.table("targets"),
        row,
        widths=(*head_widths, 10, 10, 12, 8),
        formats={4: COUNT, 5: COUNT, 6: "+#,##0;-#,##0;0"},
        center=(3, 7),
        bold=(7,),
    )
    ws.conditional_formatting.add(
        f"G{anchor}", CellIsRule(operator="equal", formula=['"未達"'], font=Font(color=RED, bold=True))
    )

    ws = wb.create_sheet("前年度比較")
    row = title_block(
        ws,
        "{{town}}　前年度との比較（{{fiscal_year}}と{{previous_fiscal_year}}）",
        ("前年度の値がない項目は空欄です。前年度比 = 今年度 ÷ 前年度（前年度が0のときは空欄）。",),
    )
    table(
        ws,
        spec.table("comparison"),
        row,
        widths=(*head_widths, 12, 12, 10, 10),
        formats={4: COUNT, 5: COUNT, 6: "+#,##0;-#,##0;0", 7: "0.0%"},
        center=(3,),
        headers={4: "{{fiscal_year}}", 5: "{{previous_fiscal_year}}"},
    )

    ws = wb.create_sheet("グラフ")
    title_block(
        ws,
        "{{town}}　月別の推移（{{fiscal_year}}）",
        ("主な項目（各区分の最初の項目）の月別の推移です。グラフの元の数値はグラフの下にあります。",),
    )
    ws["A4"] = "{{chart:monthly}}"
    ws["A4"].font = font(10)
    ws.column_dimensions["A"].width = 8
    for column in "BCDEFG":
        ws.column_dimensions[column].width = 16
    page_setup(ws, title_rows=None, personal=False)
    return wb


def make_list(
    spec: TemplateSpec,
    sheet: str,
    title: str,
    lines: Sequence[str],
    *,
    widths: Sequence[float],
    **options: object,
) -> tuple[Workbook, Worksheet, int]:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    caution = len(widths) if spec.personal else None
    row = title_block(ws, title, lines, caution_column=caution)
    anchor = table(ws, spec.tables[0], row, widths=widths, autofilter=True, **options)  # type: ignore[arg-type]
    page_setup(ws, title_rows=f"{row}:{row}", personal=spec.personal)
    return wb, ws, anchor


def make_case_ledger(spec: TemplateSpec) -> Workbook:
    wb, _, _ = make_list(
        spec,
        "ケース台帳",
        "{{town}}　ケース台帳",
        ("作成日 {{printed_on}}　　絞り込み: {{filter}}　　{{count}}件",),
        widths=(12, 16, 18, 11, 17, 11, 12, 9, 24, 32),
        formats={6: DATE},
        wrap=(9, 10),
        center=(4, 8),
        freeze_columns=2,
    )
    return wb


def make_agencies(spec: TemplateSpec) -> Workbook:
    wb, _, _ = make_list(
        spec,
        "関係機関一覧",
        "{{town}}　支援関係機関の一覧",
        ("作成日 {{printed_on}}　　{{count}}機関",),
        widths=(24, 16, 7, 9, 26, 6, 14, 24, 13, 13, 20, 20, 7),
        wrap=(1, 5, 7, 8, 11, 12),
        center=(3, 4, 6, 13),
        freeze_columns=1,
    )
    return wb


def make_resources(spec: TemplateSpec) -> Workbook:
    wb, _, _ = make_list(
        spec,
        "地域資源一覧",
        "{{town}}　地域資源の一覧（参加支援）",
        ("作成日 {{printed_on}}　　{{count}}か所　　つながった人は人数だけを載せています（氏名なし）。",),
        widths=(24, 22, 21, 11, 20, 30, 16, 8, 16, 18, 14, 13, 14, 20, 7, 7, 7),
        wrap=(1, 2, 5, 6, 7, 9, 10, 13, 14),
        center=(3, 4, 8, 15, 16, 17),
        freeze_columns=1,
    )
    return wb


def make_actions(spec: TemplateSpec) -> Workbook:
    wb, ws, anchor = make_list(
        spec,
        "役割一覧",
        "{{town}}　行動連携 役割の一覧（未完了）",
        (
            "宛先 {{audience}}　　作成日 {{printed_on}}　　{{count}}件　　氏名は載せていません（ケース番号のみ）。",
        ),
        widths=(11, 17, 9, 12, 16, 20, 44, 9, 12, 24),
        formats={1: DATE, 9: DATE},
        wrap=(5, 6, 7, 10),
        center=(3, 8),
    )
    ws.conditional_formatting.add(
        f"C{anchor}",
        CellIsRule(
            operator="equal",
            formula=['"期限切れ"'],
            font=Font(color=RED, bold=True),
            fill=PatternFill("solid", fgColor="FDE2E1"),
        ),
    )
    return wb


def main() -> None:
    makers = (
        (JISSEKI_TEMPLATE, make_jisseki),
        (CASE_LEDGER_TEMPLATE, make_case_ledger),
        (AGENCY_TEMPLATE, make_agencies),
        (RESOURCE_TEMPLATE, make_resources),
        (ACTIONS_TEMPLATE, make_actions),
    )
    for spec, make in makers:
        wb = make(spec)
        wb.properties.creator = "jusou_desktop"
        wb.properties.title = spec.title
        path = HERE / spec.file_name
        wb.save(path)
        Template.load(spec, path)  # the exports accept it
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
