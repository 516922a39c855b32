"""Excel exports: templates checked before writing, the 実績 workbook, lists, passwords, cancelling."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill

from jusou_desktop.domain.ids import AgencyId, CaseId
from jusou_desktop.domain.jisseki import Figure, FigureRow, JissekiData
from jusou_desktop.domain.meetings import ActionStatus, MeetingState
from jusou_desktop.domain.model import (
    Agency,
    AgencyField,
    Business,
    CaseRow,
    CaseStatus,
    ConsentState,
    Operation,
)
from jusou_desktop.domain.resources import Formality, Resource, ResourceId, ResourceKind, ResourceRow
from jusou_desktop.reports.excel_templates import (
    Cancelled,
    Template,
    TemplateError,
    list_placeholders,
    shipped_template_path,
)
from jusou_desktop.reports.jisseki_xlsx import JISSEKI_TEMPLATE, write_jisseki_xlsx
from jusou_desktop.reports.ledger_xlsx import (
    ACTIONS_TEMPLATE,
    AGENCY_TEMPLATE,
    CASE_LEDGER_TEMPLATE,
    RESOURCE_TEMPLATE,
    write_agency_directory_xlsx,
    write_case_ledger_xlsx,
    write_open_actions_xlsx,
    write_resource_directory_xlsx,
)
from jusou_desktop.reports.protect import (
    PasswordError,
    WrongPasswordError,
    decrypt_xlsx,
    encrypt_xlsx,
    is_encrypted,
)
from jusou_desktop.store.meetings import ActionRow

TOWN = "つむぎ町（架空）"
PRINTED = dt.date(2025, 4, 10)
PASSWORD = "つむぎ-Excel-2025"


# ---- hand-made data ----------------------------------------------------------------------------


def _figure(key: str, label: str, group: str, unit: str = "件") -> Figure:
    return Figure(key, label, f"{label}を、その日付で数える（{key}）", group, unit)


def _jisseki() -> JissekiData:
    rows = (
        FigureRow(
            _figure("consult_new", "相談受付件数（新規）", "相談受付"),
            (3, 5, 4, 6, 2, 3, 4, 5, 3, 2, 4, 6),
            previous_total=40,
        ),
        FigureRow(
            _figure("jusou_meeting", "重層的支援会議 開催回数", "会議", "回"),
            (0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1),
            previous_total=0,
        ),
        # same group as the first row but listed later: the workbook groups it
        FigureRow(
            _figure("consult_cont", "相談受付件数（継続）", "相談受付"),
            (1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2),
            previous_total=20,
        ),
        FigureRow(
            _figure("participation", "参加支援につながった人数", "参加支援", "人"),
            (0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1),
            target=3,
        ),
        FigureRow(
            _figure("outreach", "アウトリーチ 新規相談件数", "アウトリーチ"),
            (1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1),
            previous_total=6,
            target=5,
        ),
    )
    return JissekiData(TOWN, 2024, rows)


def _cases() -> list[CaseRow]:
    return [
        CaseRow(
            id=CaseId(1),
            number="R6-0001",
            name="山田 花子",
            kana="ヤマダ ハナコ",
            status=CaseStatus.SUPPORTING,
            opened_on=dt.date(2024, 4, 5),
            district="北地区",
            consent_state=ConsentState.GIVEN,
            lead_agency="つむぎ町地域包括支援センター",
            tags=("8050", "ひきこもり"),
        ),
        CaseRow(
            id=CaseId(2),
            number="R6-0002",
            name='=HYPERLINK("http://example.invalid")',  # typed text must stay text
            kana="テスト",
            status=CaseStatus.RECEIVED,
            opened_on=dt.date(2025, 1, 20),
            district="",
            consent_state=ConsentState.PENDING,
            lead_agency="",
        ),
    ]


def _agencies() -> list[Agency]:
    return [
        Agency(
            "つむぎ町地域包括支援センター",
            AgencyField.ELDERLY,
            business=Business.CONSULTATION_ELDERLY,
            operation=Operation.CONTRACTED,
            phone="0000-00-0000",
            id=AgencyId(1),
        ),
        Agency("つむぎ町社会福祉協議会", AgencyField.COMMUNITY, active=False, id=AgencyId(2)),
    ]


def _actions() -> list[ActionRow]:
    def row(number: int, due: dt.date | None, overdue: bool, what: str) -> ActionRow:
        return ActionRow(
            id=number,
            meeting_id=1,
            meeting_on=dt.date(2024, 6, 11),
            meeting_title="重層的支援会議（6月）",
            meeting_state=MeetingState.HELD,
            case_id=CaseId(number),
            case_number=f"R6-000{number}",
            case_name="山田 花子",
            who="包括 一",
            who_agency_id=AgencyId(1),
            who_agency_name="つむぎ町地域包括支援センター",
            what=what,
            due_on=due,
            status=ActionStatus.TODO,
            overdue=overdue,
        )

    return [row(1, dt.date(2024, 6, 20), True, "自宅を訪問する"), row(2, None, False, "家計の相談に乗る")]


def _values(ws: Any) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _row_starting(ws: Any, first: Any) -> list[Any]:
    for values in ws.iter_rows(values_only=True):
        if values and first in values:
            return list(values)
    raise AssertionError(f"no row with {first!r} in {ws.title}")


def _all_text(wb: Workbook) -> str:
    return "\n".join(
        str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r if v is not None
    )


# ---- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec", [JISSEKI_TEMPLATE, CASE_LEDGER_TEMPLATE, AGENCY_TEMPLATE, RESOURCE_TEMPLATE, ACTIONS_TEMPLATE]
)
def test_shipped_templates_are_valid_and_list_their_placeholders(spec: Any) -> None:
    path = shipped_template_path(spec)
    assert path.is_file()
    template = Template.load(spec)
    names = {p.name for p in list_placeholders(path)}
    assert spec.required <= names
    assert names <= set(spec.known())
    assert {p.name for p in template.placeholders} == names
    wb = load_workbook(path)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1


def _edited_template(tmp_path: Path, spec: Any, edit: Callable[[Workbook], None]) -> Path:
    wb = load_workbook(shipped_template_path(spec))
    edit(wb)
    path = tmp_path / f"町の{spec.file_name}"
    wb.save(path)
    return path


def test_unknown_placeholder_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    def typo(wb: Workbook) -> None:
        wb["実績"]["B3"] = "{{towm}} の実績"

    template = _edited_template(tmp_path, JISSEKI_TEMPLATE, typo)
    dest = tmp_path / "out.xlsx"
    with pytest.raises(TemplateError) as caught:
        write_jisseki_xlsx(_jisseki(), dest, template=template)
    message = str(caught.value)
    assert "『実績』シートのB3" in message
    assert "{{towm}}" in message
    assert "使えない差し込み項目" in message
    assert "town" in message
    assert "fiscal_year" in message
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == [template]  # no temporary file either


def test_missing_required_placeholder_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    def drop_anchor(wb: Workbook) -> None:
        for row in wb["ケース台帳"].iter_rows():
            for cell in row:
                if cell.value == "{{rows:cases}}":
                    cell.value = None

    template = _edited_template(tmp_path, CASE_LEDGER_TEMPLATE, drop_anchor)
    dest = tmp_path / "台帳.xlsx"
    with pytest.raises(TemplateError, match=r"\{\{rows:cases\}\}") as caught:
        write_case_ledger_xlsx(
            _cases(), dest, town=TOWN, printed_on=PRINTED, filter_text="", template=template
        )
    assert "ありません" in str(caught.value)
    assert not dest.exists()


def test_caution_is_required_on_personal_templates(tmp_path: Path) -> None:
    def drop_caution(wb: Workbook) -> None:
        for row in wb["役割一覧"].iter_rows():
            for cell in row:
                if cell.value == "{{caution}}":
                    cell.value = None

    template = _edited_template(tmp_path, ACTIONS_TEMPLATE, drop_caution)
    with pytest.raises(TemplateError, match="caution"):
        Template.load(ACTIONS_TEMPLATE, template)


@pytest.mark.parametrize(
    ("cell", "text", "expected"),
    [
        ("A2", "{{town}", "{{ と }} が対になっているか"),
        ("A2", "｛｛town｝｝", "全角"),
        ("A2", "{{ rows:cases }}", "2か所"),
        ("A2", "表: {{chart:monthly}}", "単独"),
        ("A9", "※ 注記", "より下"),
        ("C5", "メモ", "空けておいて"),
    ],
)
def test_malformed_templates_name_sheet_and_cell(tmp_path: Path, cell: str, text: str, expected: str) -> None:
    spec = CASE_LEDGER_TEMPLATE if "chart" not in text else JISSEKI_TEMPLATE

    def edit(wb: Workbook) -> None:
        wb.worksheets[0][cell] = text

    template = _edited_template(tmp_path, spec, edit)
    with pytest.raises(TemplateError) as caught:
        Template.load(spec, template)
    message = str(caught.value)
    assert expected in message
    assert f"『{load_workbook(template).worksheets[0].title}』シート" in message


def test_template_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "壊れた.xlsx"
    fake.write_bytes(b"not a workbook")
    with pytest.raises(TemplateError, match="Excel ブックとして読めません"):
        Template.load(CASE_LEDGER_TEMPLATE, fake)
    with pytest.raises(TemplateError, match="見つかりません"):
        Template.load(CASE_LEDGER_TEMPLATE, tmp_path / "ない.xlsx")


def test_restyled_template_still_fills(tmp_path: Path) -> None:
    """An office changes the header colour and moves the title: the export follows."""

    def restyle(wb: Workbook) -> None:
        ws = wb["実績"]
        title = ws["A1"].value
        ws["A1"] = None
        ws["C2"] = title  # the title moves
        header_row = next(r for r in ws.iter_rows() if r[0].value == "区分")
        for cell in header_row:
            cell.fill = PatternFill("solid", fgColor="FFE699")
        anchor = next(r for r in ws.iter_rows() if r[0].value == "{{rows:figures}}")
        for cell in anchor:
            cell.fill = PatternFill("solid", fgColor="E2EFDA")
        ws.title = "年度実績"  # sheets may be renamed: anchors are found by their placeholder

    template = _edited_template(tmp_path, JISSEKI_TEMPLATE, restyle)
    dest = tmp_path / "実績.xlsx"
    write_jisseki_xlsx(_jisseki(), dest, template=template, printed_on=PRINTED)
    ws = load_workbook(dest)["年度実績"]
    assert ws["C2"].value == f"{TOWN}　重層的支援体制整備事業 実績（令和6年度）"
    assert ws["A1"].value is None
    header = next(r for r in ws.iter_rows() if r[0].value == "区分")
    assert header[0].fill.fgColor.rgb.endswith("FFE699")
    data_rows = [r for r in ws.iter_rows() if r[2].value in {"件", "回", "人"}]
    assert len(data_rows) == 5
    assert all(r[4].fill.fgColor.rgb.endswith("E2EFDA") for r in data_rows)  # the anchor row's look
    assert "{{" not in _all_text(load_workbook(dest))


# ---- 実績 ----------------------------------------------------------------------------------------


def test_jisseki_workbook_has_figures_definitions_targets_comparison_and_chart(tmp_path: Path) -> None:
    dest = tmp_path / "実績_令和6年度.xlsx"
    progress: list[tuple[int, int]] = []
    write_jisseki_xlsx(_jisseki(), dest, printed_on=PRINTED, progress=lambda d, t: progress.append((d, t)))
    wb = load_workbook(dest)
    assert wb.sheetnames == ["実績", "定義", "成果目標", "前年度比較", "グラフ"]
    assert "{{" not in _all_text(wb)

    ws = wb["実績"]
    assert ws["A1"].value == f"{TOWN}　重層的支援体制整備事業 実績（令和6年度）"
    assert "令和6年4月～令和7年3月" in ws["A2"].value
    assert "令和7年4月10日" in ws["A2"].value
    header = _row_starting(ws, "区分")
    assert header[3:16] == [*(f"{m}月" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)), "合計"]
    first = _row_starting(ws, "相談受付件数（新規）")
    assert first[:3] == ["相談受付", "相談受付件数（新規）", "件"]
    assert first[3:15] == [3, 5, 4, 6, 2, 3, 4, 5, 3, 2, 4, 6]
    assert first[15] == 47  # a number, not a formula
    assert all(isinstance(v, int) for v in first[3:16])
    labels = [r[1] for r in _values(ws) if r[1] and r[2] in {"件", "回", "人"}]
    assert labels == [  # grouped: both 相談受付 rows first
        "相談受付件数（新規）",
        "相談受付件数（継続）",
        "重層的支援会議 開催回数",
        "参加支援につながった人数",
        "アウトリーチ 新規相談件数",
    ]
    second = _row_starting(ws, "相談受付件数（継続）")
    assert second[0] is None  # the group name is shown once
    assert second[15] == 18

    definitions = wb["定義"]
    for row in _jisseki().rows:
        assert _row_starting(definitions, row.figure.label)[3] == row.figure.definition

    targets = wb["成果目標"]
    assert _row_starting(targets, "参加支援につながった人数")[3:7] == [3, 4, 1, "達成"]
    assert _row_starting(targets, "アウトリーチ 新規相談件数")[3:7] == [5, 4, -1, "未達"]
    assert not any("相談受付件数" in str(r[1]) for r in _values(targets))  # no target, not listed

    comparison = wb["前年度比較"]
    head = _row_starting(comparison, "区分")
    assert head[3:5] == ["令和6年度", "令和5年度"]
    assert _row_starting(comparison, "相談受付件数（新規）")[3:7] == [47, 40, 7, pytest.approx(47 / 40)]
    assert _row_starting(comparison, "重層的支援会議 開催回数")[3:7] == [5, 0, 5, None]  # no ratio over 0
    assert _row_starting(comparison, "参加支援につながった人数")[3:7] == [4, None, None, None]

    chart_sheet = wb["グラフ"]
    assert len(chart_sheet._charts) == 1
    chart = chart_sheet._charts[0]
    assert type(chart).__name__ == "LineChart"
    assert len(chart.series) == 4  # first figure of each group
    months = _row_starting(chart_sheet, "月")
    assert months[1] == "相談受付件数（新規）（件）"
    assert _row_starting(chart_sheet, "4月")[1] == 3

    assert progress[-1][0] == progress[-1][1]
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_jisseki_chart_figures_can_be_chosen(tmp_path: Path) -> None:
    dest = tmp_path / "実績.xlsx"
    write_jisseki_xlsx(_jisseki(), dest, chart_keys=["outreach", "consult_cont", "nope"])
    chart_sheet = load_workbook(dest)["グラフ"]
    head = _row_starting(chart_sheet, "月")
    assert head[1:3] == ["アウトリーチ 新規相談件数（件）", "相談受付件数（継続）（件）"]


def test_jisseki_without_targets_says_so(tmp_path: Path) -> None:
    data = _jisseki()
    plain = JissekiData(data.town, data.fiscal_year, tuple(FigureRow(r.figure, r.monthly) for r in data.rows))
    dest = tmp_path / "実績.xlsx"
    write_jisseki_xlsx(plain, dest)
    assert "成果目標が設定されている項目はありません。" in _all_text(load_workbook(dest))


def test_jisseki_template_without_optional_sheets(tmp_path: Path) -> None:
    def drop(wb: Workbook) -> None:
        for name in ("成果目標", "前年度比較", "グラフ"):
            del wb[name]

    template = _edited_template(tmp_path, JISSEKI_TEMPLATE, drop)
    dest = tmp_path / "実績.xlsx"
    write_jisseki_xlsx(_jisseki(), dest, template=template)
    assert load_workbook(dest).sheetnames == ["実績", "定義"]


# ---- lists ----------------------------------------------------------------------------------------


def test_case_ledger_has_rows_caution_and_both_dates(tmp_path: Path) -> None:
    dest = tmp_path / "ケース台帳.xlsx"
    write_case_ledger_xlsx(_cases(), dest, town=TOWN, printed_on=PRINTED, filter_text="状態: 支援中・受付")
    wb = load_workbook(dest)
    ws = wb["ケース台帳"]
    assert "取扱注意" in [v for v in next(ws.iter_rows(max_row=1, values_only=True)) if v]
    assert "取扱注意" in ws.oddHeader.right.text
    assert f"{TOWN}　ケース台帳" == ws["A1"].value
    assert "絞り込み: 状態: 支援中・受付" in ws["A2"].value
    assert "2件" in ws["A2"].value
    first = _row_starting(ws, "R6-0001")
    assert first == [
        "R6-0001",
        "山田 花子",
        "ヤマダ ハナコ",
        "支援中",
        "令和6年4月5日",
        dt.datetime(2024, 4, 5),
        "北地区",
        "あり",
        "つむぎ町地域包括支援センター",
        "8050、ひきこもり",
    ]
    anchor_row = next(c.row for c in ws["A"] if c.value == "R6-0001")
    assert ws.cell(anchor_row, 6).is_date
    second = ws.cell(anchor_row + 1, 2)
    assert second.value == '=HYPERLINK("http://example.invalid")'
    assert second.data_type == "s"  # stays text, never a formula
    assert ws.auto_filter.ref.endswith(str(anchor_row + 1))  # the filter covers every row


def test_case_ledger_without_filter_and_without_rows(tmp_path: Path) -> None:
    dest = tmp_path / "ケース台帳.xlsx"
    write_case_ledger_xlsx([], dest, town=TOWN, printed_on=PRINTED, filter_text=" ")
    ws = load_workbook(dest).active
    assert "絞り込み: なし（すべてのケース）" in ws["A2"].value
    assert "該当するケースはありません。" in _all_text(load_workbook(dest))


def test_agency_directory_has_rows(tmp_path: Path) -> None:
    dest = tmp_path / "関係機関一覧.xlsx"
    write_agency_directory_xlsx(_agencies(), dest, town=TOWN, printed_on=PRINTED)
    ws = load_workbook(dest).active
    first = _row_starting(ws, "つむぎ町地域包括支援センター")
    assert first[2:6] == ["高齢", "第1号イ", "包括的相談支援事業（地域包括支援センター）", "委託"]
    assert first[8] == "0000-00-0000"
    second = _row_starting(ws, "つむぎ町社会福祉協議会")
    assert second[3] == "事業外"
    assert second[4] is None
    assert second[12] == "休止中"
    assert "2機関" in ws["A2"].value


def test_resource_directory_has_rows_and_only_counts_of_people(tmp_path: Path) -> None:
    salon = Resource(
        "川端ふれあいサロン",
        ResourceKind.PLACE,
        Formality.INFORMAL,
        kana="カワバタフレアイサロン",
        operator="川端地区の住民グループ",
        offers="お茶とおしゃべり",
        audience="どなたでも",
        district="川端",
        place="川端公民館",
        schedule="毎月第2・第4水曜 13:30〜15:30",
        contact_name="世話役",
        phone="0000-22-1111",
        id=ResourceId(1),
    )
    farm = Resource("つむぎファーム", ResourceKind.FARM, Formality.FORMAL, active=False, id=ResourceId(2))

    def counts(resource: Resource, using: int, settled: int) -> ResourceRow:
        assert resource.id is not None
        return ResourceRow(
            resource.id,
            resource.name,
            resource.kana,
            resource.kind,
            resource.formality,
            resource.district,
            resource.schedule,
            resource.operator,
            resource.active,
            using=using,
            settled=settled,
        )

    dest = tmp_path / "地域資源一覧.xlsx"
    write_resource_directory_xlsx(
        [(salon, counts(salon, 2, 1)), (farm, counts(farm, 0, 0))], dest, town=TOWN, printed_on=PRINTED
    )
    ws = load_workbook(dest).active
    assert ws.title == "地域資源一覧"
    assert "取扱注意" in [v for v in next(ws.iter_rows(max_row=1, values_only=True)) if v]
    assert "2か所" in ws["A2"].value
    first = _row_starting(ws, "川端ふれあいサロン")
    assert first[1:5] == [
        "カワバタフレアイサロン",
        "居場所・サロン",
        "インフォーマル",
        "川端地区の住民グループ",
    ]
    assert first[9:12] == ["毎月第2・第4水曜 13:30〜15:30", "世話役", "0000-22-1111"]
    assert first[14:17] == [2, 1, None]
    second = _row_starting(ws, "つむぎファーム")
    assert second[2:4] == ["農作業", "制度内"]
    assert second[16] == "休止中"


def test_open_actions_have_rows_and_overdue_marks(tmp_path: Path) -> None:
    dest = tmp_path / "役割一覧.xlsx"
    write_open_actions_xlsx(
        _actions(), dest, town=TOWN, printed_on=PRINTED, audience="つむぎ町地域包括支援センター"
    )
    wb = load_workbook(dest)
    ws = wb.active
    assert "取扱注意" in [v for v in next(ws.iter_rows(max_row=1, values_only=True)) if v]
    assert "宛先 つむぎ町地域包括支援センター" in ws["A2"].value
    first = _row_starting(ws, "自宅を訪問する")
    assert first[:4] == [dt.datetime(2024, 6, 20), "令和6年6月20日", "期限切れ", "R6-0001"]
    assert first[7:10] == ["未着手", dt.datetime(2024, 6, 11), "重層的支援会議（6月）"]
    second = _row_starting(ws, "家計の相談に乗る")
    assert second[:3] == [None, "期限なし", None]
    assert "山田" not in _all_text(wb)  # case numbers only
    anchor_row = next(c.row for c in ws["G"] if c.value == "自宅を訪問する")
    ranges = [str(cf.sqref) for cf in ws.conditional_formatting]
    assert ranges == [f"C{anchor_row}:C{anchor_row + 1}"]  # the 期限切れ highlight follows the rows


# ---- passwords -------------------------------------------------------------------------------------


def test_password_protected_export(tmp_path: Path) -> None:
    dest = tmp_path / "ケース台帳.xlsx"
    write_case_ledger_xlsx(_cases(), dest, town=TOWN, printed_on=PRINTED, filter_text="", password=PASSWORD)
    assert is_encrypted(dest)
    import msoffcrypto

    with dest.open("rb") as fh:
        assert msoffcrypto.OfficeFile(fh).is_encrypted()
    wb = load_workbook(BytesIO(decrypt_xlsx(dest, PASSWORD)))
    assert _row_starting(wb.active, "R6-0001")[1] == "山田 花子"
    with pytest.raises(WrongPasswordError, match="パスワードが違います"):
        decrypt_xlsx(dest, "ちがう")
    assert list(tmp_path.iterdir()) == [dest]  # no unencrypted copy anywhere


def test_encrypt_existing_file_in_place(tmp_path: Path) -> None:
    path = tmp_path / "関係機関一覧.xlsx"
    write_agency_directory_xlsx(_agencies(), path, town=TOWN, printed_on=PRINTED)
    assert not is_encrypted(path)
    encrypt_xlsx(path, path, PASSWORD)
    assert is_encrypted(path)
    assert load_workbook(BytesIO(decrypt_xlsx(path, PASSWORD))).active["A1"].value.startswith(TOWN)
    with pytest.raises(PasswordError, match="すでに"):
        encrypt_xlsx(path, tmp_path / "again.xlsx", PASSWORD)
    with pytest.raises(PasswordError, match="入力されていません"):
        encrypt_xlsx(path, tmp_path / "empty.xlsx", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["関係機関一覧.xlsx"]
    assert not is_encrypted(tmp_path / "missing.xlsx")


# ---- cancelling --------------------------------------------------------------------------------------


def _cancel_after(calls: int) -> Callable[[], bool]:
    count = 0

    def cancelled() -> bool:
        nonlocal count
        count += 1
        return count > calls

    return cancelled


@pytest.mark.parametrize("calls", [0, 3, 100])
def test_cancelling_leaves_no_file(tmp_path: Path, calls: int) -> None:
    dest = tmp_path / "実績.xlsx"
    if calls == 100:  # find how often it asks, then cancel at the very last question before saving
        asked = 0

        def count() -> bool:
            nonlocal asked
            asked += 1
            return False

        write_jisseki_xlsx(_jisseki(), tmp_path / "probe.xlsx", cancelled=count)
        (tmp_path / "probe.xlsx").unlink()
        calls = asked - 1
    cancelled = _cancel_after(calls)
    with pytest.raises(Cancelled, match="取り消しました"):
        write_jisseki_xlsx(_jisseki(), dest, cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []


def test_cancelling_keeps_an_earlier_file(tmp_path: Path) -> None:
    dest = tmp_path / "役割一覧.xlsx"
    dest.write_bytes(b"earlier")
    with pytest.raises(Cancelled):
        write_open_actions_xlsx(
            _actions(), dest, town=TOWN, printed_on=PRINTED, cancelled=_cancel_after(1), password=PASSWORD
        )
    assert dest.read_bytes() == b"earlier"
    assert list(tmp_path.iterdir()) == [dest]


# ---- LibreOffice ---------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice（soffice）が入っていないため PDF 変換を確かめられない",
)
def test_libreoffice_prints_the_jisseki_workbook(tmp_path: Path) -> None:
    source = tmp_path / "jisseki.xlsx"
    write_jisseki_xlsx(_jisseki(), source, printed_on=PRINTED)
    profile = tmp_path / "lo_profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    pdf = tmp_path / "jisseki.pdf"
    assert pdf.is_file()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "令和6年度" in text
    assert "相談受付件数（新規）" in text
    assert "達成" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info

    # An encrypted workbook cannot be converted without its password: LibreOffice refuses it.
    locked = tmp_path / "locked.xlsx"
    encrypt_xlsx(source, locked, PASSWORD)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "locked"),
            str(locked),
        ],
        capture_output=True,
        check=False,
        timeout=180,
    )
    assert not (tmp_path / "locked" / "locked.pdf").exists()


def _system_python_has_uno() -> bool:
    python = shutil.which("python3", path="/usr/bin:/bin")
    if python is None or shutil.which("soffice") is None:
        return False
    return subprocess.run([python, "-c", "import uno"], capture_output=True, check=False).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(
    not _system_python_has_uno(),
    reason="LibreOffice と python3-uno が入っていないため、パスワード付きで開けるかを確かめられない",
)
def test_libreoffice_opens_a_protected_workbook_with_its_password_only(tmp_path: Path) -> None:
    """Another implementation of Excel's file encryption (LibreOffice) reads what msoffcrypto wrote."""
    source = tmp_path / "jisseki.xlsx"
    write_jisseki_xlsx(_jisseki(), source, printed_on=PRINTED)
    locked = tmp_path / "locked.xlsx"
    encrypt_xlsx(source, locked, PASSWORD)  # a Japanese password, as an office might choose
    script = Path(__file__).with_name("libreoffice_uno.py")
    python = shutil.which("python3", path="/usr/bin:/bin")
    assert python is not None

    def open_with(password: str) -> list[str]:
        done = subprocess.run(
            [python, str(script), str(locked), password, str(tmp_path / "lo_profile")],
            capture_output=True,
            text=True,
            check=True,
            timeout=240,
        )
        return done.stdout.splitlines()

    opened = open_with(PASSWORD)
    assert opened[0] == "OPENED"
    assert opened[1].split("\t") == ["実績", "定義", "成果目標", "前年度比較", "グラフ"]
    assert "令和6年度" in opened[2]
    assert open_with("つむぎ-Excel-2024") == ["REFUSED"]
    assert open_with("") == ["REFUSED"]
