"""Importing a town's Excel ledger and agency list: mapping, per-row report, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from jusou_desktop.domain.errors import Cancelled, RuleViolation
from jusou_desktop.domain.ledger_import import (
    CaseRecord,
    ColumnMapping,
    ExistingKeys,
    ExistingPerson,
    ImportKind,
    guess_mapping,
    split_tags,
    validate_rows,
)
from jusou_desktop.domain.model import (
    Agency,
    AgencyField,
    Business,
    CaseStatus,
    ConsentState,
    Operation,
    Person,
    Sex,
)
from jusou_desktop.reports.excel_import import (
    PROTECTED_MESSAGE,
    ImportFileError,
    guess_header_row,
    read_sheet,
    read_workbook,
)
from jusou_desktop.store.cases import CaseFilter
from jusou_desktop.store.database import Database
from jusou_desktop.store.errors import StoreError
from jusou_desktop.store.imports import ImportPreview, ImportRepository

CASES = ImportKind.CASES
AGENCIES = ImportKind.AGENCIES
TODAY = dt.date(2025, 3, 31)
HOKATSU = "架空町地域包括支援センター"
JIRITSU = "架空町自立相談支援機関"

LEDGER_HEADERS = [
    "番号",
    "名前",
    "ふりがな",
    "生年月日",
    "性別",
    "住所",
    "地区",
    "電話番号",
    "相談日",
    "相談経路",
    "主訴",
    "課題",
    "本人同意",
    "状態",
    "終結日",
    "主担当",
]


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    sheet: str = "台帳",
    date_columns: Sequence[int] = (),
    blank_tail: int = 0,
) -> Path:
    """A workbook written by openpyxl; ``date_columns`` (1-based) get a date number format."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    for column in date_columns:
        for (cell,) in worksheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = "yyyy/mm/dd"
    for offset in range(blank_tail):  # formatted but empty rows, as Excel leaves them
        worksheet.cell(row=len(rows) + 1 + offset, column=1).number_format = "@"
    workbook.create_sheet("メモ").append(["このシートは取り込みません"])
    workbook.save(path)
    return path


def snapshot(db: Database) -> dict[str, list[Any]]:
    tables = (
        "cases",
        "persons",
        "households",
        "household_members",
        "tags",
        "case_tags",
        "consents",
        "case_team",
        "case_status_history",
        "agencies",
        "settings",
        "number_sequences",
    )
    return {t: db.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}


@pytest.fixture
def imports(db: Database) -> ImportRepository:
    return ImportRepository(db)


@pytest.fixture
def town(db: Database) -> Database:
    db.agencies.add(Agency(name=HOKATSU, field=AgencyField.ELDERLY, business=Business.CONSULTATION_ELDERLY))
    db.agencies.add(Agency(name=JIRITSU, field=AgencyField.POVERTY))
    return db


def preview_file(imports: ImportRepository, kind: ImportKind, path: Path, **kwargs: Any) -> ImportPreview:
    return imports.preview(
        kind, path, kwargs.pop("sheet", None), kwargs.pop("mapping", None), reader=read_sheet
    )


GOOD_LEDGER: list[list[object]] = [
    LEDGER_HEADERS,
    [
        "",
        "山田 花子",
        "ﾔﾏﾀﾞ ﾊﾅｺ",
        "昭和19年2月29日",
        "女性",
        "架空町本町1-1",
        "本町",
        "0555-12-3456",
        "令和6年4月1日",
        "地域包括支援センター",
        "息子のひきこもり",
        "8050、ひきこもり",
        "有",
        "支援中",
        None,
        "架空町 地域包括支援センター",
    ],
    [
        "2023-0100",
        "鈴木 健",
        "すずき けん",
        dt.datetime(1980, 1, 2),
        "男",
        "",
        "川端",
        None,
        "2024/3/15",
        "本人来所",
        "家賃の滞納",
        "生活困窮,家賃滞納・債務",
        "同意済",
        "",
        None,
        JIRITSU,
    ],
    [None] * len(LEDGER_HEADERS),  # a blank row in the middle is skipped, numbering is kept
    [
        None,
        "佐藤 一郎",
        "サトウ イチロウ",
        "Ｓ５０．１０．１０",
        "",
        "",
        "",
        "０９０－１２３４－５６７８",
        "２０２４－０５－０１",
        "",
        "",
        "",
        "なし",
        "",
        None,
        None,
    ],
    [
        None,
        "高橋 和子",
        "ﾀｶﾊｼ ｶｽﾞｺ",
        "H2.7.7",
        "F",
        "",
        "",
        5551234,
        45383,
        "",
        "",
        "ヤングケアラー",
        "確認中",
        "終結",
        "R6.6.30",
        "",
    ],
    [
        None,
        "伊藤 光",
        "いとう ひかる",
        None,
        None,
        None,
        None,
        None,
        "45400",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],
]


# --- a good ledger -------------------------------------------------------------------------------


def test_a_good_ledger_imports_every_row(town: Database, imports: ImportRepository, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ケース台帳.xlsx", GOOD_LEDGER, date_columns=[4], blank_tail=30)
    preview = preview_file(imports, CASES, path)
    assert preview.problems == (), preview.describe()
    assert preview.counts.rows == preview.counts.ready == 5
    assert [r.row_number for r in preview.records] == [2, 3, 5, 6, 7]

    result = imports.apply(CASES, preview, by="相談 花子")
    assert result.count == 5
    assert not result.dry_run
    assert {r.row_number: r.label for r in result.rows} == {
        2: "2024-0001",
        3: "2023-0100",
        5: "2024-0002",
        6: "2024-0003",
        7: "2024-0004",
    }
    by_number = {row.number: town.cases.get(row.id) for row in town.cases.rows()}

    yamada = by_number["2024-0001"]
    assert yamada.principal.name == "山田 花子"
    assert yamada.principal.kana == "ヤマダ\u3000ハナコ"  # half-width kana stored full width
    assert yamada.principal.birth_date == dt.date(1944, 2, 29)
    assert yamada.principal.sex is Sex.FEMALE
    assert yamada.opened_on == dt.date(2024, 4, 1)
    assert yamada.tags == ("8050", "ひきこもり")
    assert yamada.consent_state is ConsentState.GIVEN
    assert yamada.status is CaseStatus.SUPPORTING
    lead = town.agencies.find_by_name(HOKATSU)
    assert lead is not None
    assert yamada.lead is not None
    assert yamada.lead.agency_id == lead.id  # matched although the file wrote a space in the name

    suzuki = by_number["2023-0100"]  # case number kept from the file
    assert suzuki.principal.birth_date == dt.date(1980, 1, 2)  # a real date cell
    assert suzuki.opened_on == dt.date(2024, 3, 15)
    assert suzuki.tags == ("生活困窮", "家賃滞納・債務")
    assert suzuki.status is CaseStatus.RECEIVED

    sato = by_number["2024-0002"]
    assert sato.principal.birth_date == dt.date(1975, 10, 10)  # full-width 和暦 letter form
    assert sato.opened_on == dt.date(2024, 5, 1)  # full-width digits and dashes
    assert sato.principal.phone == "090-1234-5678"
    assert sato.consent_state is ConsentState.REFUSED

    takahashi = by_number["2024-0003"]
    assert takahashi.opened_on == dt.date(2024, 4, 1)  # Excel serial 45383 in a general column
    assert takahashi.principal.phone == "5551234"  # a number without a trailing .0
    assert takahashi.status is CaseStatus.CLOSED
    assert takahashi.closed_on == dt.date(2024, 6, 30)
    assert takahashi.id is not None
    history = town.cases.status_history(takahashi.id)
    assert [(h.from_status, h.to_status) for h in history] == [
        (None, CaseStatus.RECEIVED),
        (CaseStatus.RECEIVED, CaseStatus.CLOSED),
    ]
    assert history[-1].changed_by == "相談 花子"

    assert by_number["2024-0004"].opened_on == dt.date(2024, 4, 18)  # serial given as text

    # the imported people are found by the usual kana- and width-insensitive search
    assert [r.number for r in town.cases.rows(CaseFilter(text="ﾀｶﾊｼ"))] == ["2024-0003"]
    assert [r.number for r in town.cases.rows(CaseFilter(text="やまだ"))] == ["2024-0001"]
    # numbering continues after the imported number
    new = town.cases.create(Person(name="新規 太郎"), opened_on=dt.date(2024, 2, 1))
    assert town.cases.get(new).number == "2023-0101"


def test_header_guessing_and_remembered_mapping(
    db: Database, imports: ImportRepository, tmp_path: Path
) -> None:
    headers = [
        "No.",
        "お名前",
        "本人氏名カナ",
        "生年月日（和暦）",
        "※必須 受付年月日",
        "相談内容",
        "利用者メモ",
    ]
    guessed = guess_mapping(CASES, headers)
    assert guessed.as_dict() == {
        "name": "お名前",
        "kana": "本人氏名カナ",
        "birth_date": "生年月日（和暦）",
        "opened_on": "※必須 受付年月日",
        "summary": "相談内容",
        "note": "利用者メモ",
    }
    assert imports.mapping(CASES) is None

    # the office's own column 「本人」 is not a known heading: the user maps it once
    first = write_xlsx(tmp_path / "一.xlsx", [["本人", "相談日"], ["架空 一子", "R6.4.2"]])
    automatic = preview_file(imports, CASES, first)
    assert [p.message for p in automatic.problems] == [
        "必須の項目『氏名』に対応する列がありません。列の見出しを確かめるか、対応を指定してください"
    ]
    chosen = ColumnMapping.of(CASES, {"name": "本人", "opened_on": "相談日"})
    imports.apply(CASES, preview_file(imports, CASES, first, mapping=chosen), by="")
    assert imports.mapping(CASES) == chosen

    # next time the remembered mapping is used, and new columns are still guessed
    second = write_xlsx(
        tmp_path / "二.xlsx", [["本人", "相談日", "フリガナ"], ["架空 二郎", "R6.5.1", "かくう じろう"]]
    )
    again = preview_file(imports, CASES, second)
    assert again.mapping.as_dict() == {"name": "本人", "kana": "フリガナ", "opened_on": "相談日"}
    assert again.ok
    assert imports.apply(CASES, again, by="").count == 1
    assert db.cases.count() == 2


def test_guess_header_row_skips_a_title(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "表題つき.xlsx",
        [
            ["令和6年度 ケース台帳"],
            [],
            ["氏名", "フリガナ", "受付日"],
            ["架空 三郎", "カクウ サブロウ", "R6.4.1"],
        ],
    )
    assert guess_header_row(path, None, CASES) == 3
    headers, rows = read_sheet(path, "台帳", header_row=3)
    assert headers == ["氏名", "フリガナ", "受付日"]
    assert rows == [{"氏名": "架空 三郎", "フリガナ": "カクウ サブロウ", "受付日": "R6.4.1"}]
    assert read_workbook(path) == ["台帳", "メモ"]


def test_read_sheet_values_and_trailing_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "値.xlsx",
        [
            ["氏名", "受付日", "", "件数", "氏名"],
            ["  架空 四郎 ", dt.datetime(2024, 4, 1), "x", 3.0, "重複した見出し"],
            [None, None, None, None, None],
            ["架空 五郎", 45383, None, 2.5, None],
        ],
        blank_tail=50,
    )
    headers, rows = read_sheet(path)
    assert headers == ["氏名", "受付日", "列C", "件数", "氏名_2"]
    assert len(rows) == 3  # the blank row in between stays, the 50 formatted empty rows go
    assert rows[0] == {
        "氏名": "架空 四郎",
        "受付日": dt.date(2024, 4, 1),
        "列C": "x",
        "件数": 3,
        "氏名_2": "重複した見出し",
    }
    assert rows[1] == dict.fromkeys(headers)
    assert rows[2]["受付日"] == 45383
    assert rows[2]["件数"] == 2.5
    assert len(read_sheet(path, limit=1)[1]) == 1
    with pytest.raises(ImportFileError, match="シート「R6」が見つかりません"):
        read_sheet(path, "R6")


# --- the per-row report and refusal --------------------------------------------------------------


def test_bad_rows_are_reported_in_japanese_and_nothing_is_written(
    town: Database, imports: ImportRepository, tmp_path: Path
) -> None:
    town.cases.create(
        Person(name="山田 花子", kana="ヤマダ ハナコ", birth_date=dt.date(1944, 2, 29)),
        opened_on=dt.date(2023, 6, 1),
    )
    rows: list[list[object]] = [
        ["ケース番号", "氏名", "フリガナ", "生年月日", "受付日", "本人同意", "主担当機関"],
        ["", "架空 良子", "カクウ ヨシコ", "S40.1.1", "R6.4.1", "あり", HOKATSU],
        ["", "架空 悪夫", "カクウ ワルオ", "", "令和6年13月1日", "", ""],
        ["", "架空 三郎", "", "", "R6.4.3", "", "架空町社会福祉協議会"],
        ["", "山田 花子", "やまだ　はなこ", "昭和19年2月29日", "R6.4.4", "", ""],
        ["", "架空 良子", "ｶｸｳ ﾖｼｺ", "1965/1/1", "R6.4.5", "", ""],
        ["2023-0001", "", "", "", "R6.4.6", "たぶん", ""],
    ]
    path = write_xlsx(tmp_path / "問題あり.xlsx", rows)
    before = snapshot(town)
    preview = preview_file(imports, CASES, path)
    messages = [p.message for p in preview.problems]
    assert messages == [
        "3行目『受付日』の『令和6年13月1日』は日付として読めません（存在しない日付です）",
        "4行目『主担当機関』の『架空町社会福祉協議会』は登録されていない機関です。"
        "先に関係機関を登録するか、登録どおりの名前にしてください",
        "5行目の山田 花子さんは、ケース 2023-0001 の山田 花子さんと同じ人のようです（フリガナと生年月日が一致）。"
        "二重登録にならないよう、どちらかの行を削除してください",
        "6行目の架空 良子さんは、2行目の架空 良子さんと同じ人のようです（フリガナと生年月日が一致）。"
        "二重登録にならないよう、どちらかの行を削除してください",
        "7行目『氏名』が空です。必ず入力してください",
        "7行目『本人同意』の『たぶん』は選べる値ではありません（あり・なし・確認中のいずれか）",
    ]
    assert [(p.row_number, p.column_label) for p in preview.problems] == [
        (3, "受付日"),
        (4, "主担当機関"),
        (5, ""),
        (6, ""),
        (7, "氏名"),
        (7, "本人同意"),
    ]
    counts = preview.counts
    assert (counts.rows, counts.ready, counts.with_problems, counts.problems) == (6, 1, 5, 6)
    report = preview.describe()
    assert "問題が 6件あります" in report
    assert "  主担当機関 ← 列「主担当機関」" in report
    assert "取り込まない列" not in report
    assert (
        "取り込まない列: 「No.」、「利用者」"
        in imports.preview_rows(
            CASES, ["No.", "氏名", "受付日", "利用者"], [{"氏名": "架空 一", "受付日": "R6.4.1"}]
        ).describe()
    )
    assert not preview.ok

    with pytest.raises(RuleViolation, match="5行に問題が6件あります") as refused:
        imports.apply(CASES, preview, by="")
    assert "データベースは変更していません" in refused.value.message
    assert snapshot(town) == before


def test_case_numbers_must_be_new_and_unique(town: Database, imports: ImportRepository) -> None:
    town.cases.create(Person(name="既存 太郎"), opened_on=dt.date(2024, 4, 1))  # 2024-0001
    headers = ["ケース番号", "氏名", "受付日"]
    rows = [
        {"ケース番号": "2024-0001", "氏名": "架空 一", "受付日": "R6.4.1"},
        {"ケース番号": "２０２４－０００９", "氏名": "架空 二", "受付日": "R6.4.1"},
        {"ケース番号": "2024-0009", "氏名": "架空 三", "受付日": "R6.4.1"},
    ]
    preview = imports.preview_rows(CASES, headers, rows)
    assert [p.message for p in preview.problems] == [
        "2行目『ケース番号』の『2024-0001』はすでに登録されているケース番号です",
        "4行目『ケース番号』の『2024-0009』は3行目と重複しています",
    ]


def test_closed_cases_need_a_closing_date() -> None:
    mapping = ColumnMapping.of(
        CASES, {"name": "氏名", "opened_on": "受付日", "status": "状態", "closed_on": "終結日"}
    )
    rows: list[dict[str, object]] = [
        {"氏名": "架空 一", "受付日": "R6.4.1", "状態": "終結", "終結日": None},
        {"氏名": "架空 二", "受付日": "R6.4.1", "状態": "支援中", "終結日": "R6.5.1"},
        {"氏名": "架空 三", "受付日": "R6.4.1", "状態": None, "終結日": "R6.5.1"},
        {"氏名": "架空 四", "受付日": "R6.4.1", "状態": "中断", "終結日": "R6.3.1"},
    ]
    records, problems = validate_rows(CASES, mapping, rows, known_agencies=[], today=TODAY)
    assert [p.message for p in problems] == [
        "2行目: 状態が「終結」のケースには『終結日』（終結・中断した日）が必要です",
        "3行目『終結日』に日付がありますが、状態が「支援中」です。状態か終結日を直してください",
        "5行目『終結日』が受付日より前になっています",
    ]
    assert len(records) == 1
    assert isinstance(records[0], CaseRecord)
    assert (records[0].status, records[0].closed_on) == (CaseStatus.CLOSED, dt.date(2024, 5, 1))


def test_existing_people_are_matched_by_kana_or_name_with_birth_date() -> None:
    existing = ExistingKeys(people=(ExistingPerson("渡辺 七子", "", dt.date(1950, 7, 7), ("2022-0003",)),))
    mapping = ColumnMapping.of(CASES, {"name": "氏名", "birth_date": "生年月日", "opened_on": "受付日"})
    rows: list[dict[str, object]] = [
        {"氏名": "渡辺　七子", "生年月日": "S25.7.7", "受付日": "R6.4.1"},
        {"氏名": "渡辺 七子", "生年月日": "S25.7.8", "受付日": "R6.4.1"},
    ]
    records, problems = validate_rows(
        CASES, mapping, rows, known_agencies=[], existing_keys=existing, today=TODAY
    )
    assert [p.row_number for p in problems] == [2]
    assert "ケース 2022-0003 の渡辺 七子さんと同じ人のようです（氏名と生年月日が一致）" in problems[0].message
    assert len(records) == 1


def test_an_empty_sheet_is_a_problem(imports: ImportRepository, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "空.xlsx", [["氏名", "受付日"]], blank_tail=5)
    preview = preview_file(imports, CASES, path)
    assert [p.message for p in preview.problems] == [
        "取り込む行がありません。見出しの行の下にデータを入力してください"
    ]
    with pytest.raises(RuleViolation, match="問題が1件"):
        imports.apply(CASES, preview, by="")


# --- all or nothing ------------------------------------------------------------------------------


def test_a_failure_mid_apply_leaves_the_database_unchanged(
    town: Database, imports: ImportRepository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "台帳.xlsx", GOOD_LEDGER)
    preview = preview_file(imports, CASES, path)
    assert preview.ok
    before = snapshot(town)
    real_create = town.cases.create
    calls: list[str] = []

    def failing_create(principal: Person, **kwargs: Any) -> Any:
        calls.append(principal.name)
        if len(calls) == 3:
            raise RuntimeError("3件目で停電")
        return real_create(principal, **kwargs)

    monkeypatch.setattr(town.cases, "create", failing_create)
    with pytest.raises(RuntimeError, match="3件目で停電"):
        imports.apply(CASES, preview, by="")
    assert len(calls) == 3
    assert snapshot(town) == before
    assert imports.mapping(CASES) is None

    monkeypatch.undo()  # the same preview goes through once the fault is gone
    assert imports.apply(CASES, preview, by="").count == 5
    assert town.cases.count() == 5


def test_cancelling_mid_apply_rolls_every_row_back(
    town: Database, imports: ImportRepository, tmp_path: Path
) -> None:
    preview = preview_file(imports, CASES, write_xlsx(tmp_path / "台帳.xlsx", GOOD_LEDGER))
    before = snapshot(town)
    reports: list[tuple[int, int]] = []
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 3  # the user presses 中止 while the fourth row is due

    with pytest.raises(Cancelled, match="取り込みを中止しました。データベースは変更していません"):
        imports.apply(
            CASES, preview, by="", cancelled=cancelled, progress=lambda d, t: reports.append((d, t))
        )
    assert reports[:3] == [(0, 5), (1, 5), (2, 5)]  # three rows were written, then undone
    assert snapshot(town) == before
    assert imports.mapping(CASES) is None

    result = imports.apply(CASES, preview, by="", progress=lambda d, t: reports.append((d, t)))
    assert result.count == 5
    assert reports[-1] == (5, 5)


def test_a_worker_thread_imports_through_its_own_connection(
    town: Database, imports: ImportRepository, tmp_path: Path
) -> None:
    """What the import wizard does: check and write on a worker thread, read the result here."""
    open_view = town.opener_for_worker()
    rows, headers = GOOD_LEDGER[1:], GOOD_LEDGER[0]
    results: list[object] = []

    def work() -> None:
        try:
            with open_view() as view:
                preview = view.imports.preview_rows(
                    CASES,
                    [str(h) for h in headers],
                    [dict(zip([str(h) for h in headers], r, strict=False)) for r in rows],
                )
                results.append((threading.current_thread().name, view.imports.apply(CASES, preview, by="")))
        except BaseException as exc:  # reported to the test thread
            results.append(exc)

    worker = threading.Thread(target=work, name="取り込み")
    worker.start()
    worker.join(30)
    assert len(results) == 1, results
    thread_name, result = results[0]  # type: ignore[misc]
    assert thread_name == "取り込み"
    assert result.count == 5  # type: ignore[attr-defined]
    assert town.cases.count() == 5  # committed, and seen by this thread's connection
    assert town._lock.held  # closing the worker's view kept the lock file
    town.suspend()
    with pytest.raises(StoreError, match="閉じられています"):
        town.opener_for_worker()


def test_dry_run_writes_nothing(town: Database, imports: ImportRepository, tmp_path: Path) -> None:
    preview = preview_file(imports, CASES, write_xlsx(tmp_path / "台帳.xlsx", GOOD_LEDGER))
    before = snapshot(town)
    result = imports.apply(CASES, preview, by="", dry_run=True)
    assert (result.count, result.dry_run) == (5, True)
    assert "データベースは変更していません" in result.describe()
    assert snapshot(town) == before


def test_changes_after_the_preview_are_caught_at_apply(
    town: Database, imports: ImportRepository, tmp_path: Path
) -> None:
    preview = preview_file(imports, CASES, write_xlsx(tmp_path / "台帳.xlsx", GOOD_LEDGER))
    town.cases.create(Person(name="鈴木 健"), opened_on=dt.date(2024, 3, 1), number="2023-0100")
    before = snapshot(town)
    with pytest.raises(RuleViolation, match="読み込んだ後にデータベースの内容が変わりました"):
        imports.apply(CASES, preview, by="")
    assert snapshot(town) == before


def test_hundreds_of_rows_import_in_one_transaction(
    db: Database, imports: ImportRepository, tmp_path: Path
) -> None:
    rows: list[list[object]] = [["氏名", "フリガナ", "生年月日", "受付日", "課題タグ", "本人同意"]]
    for i in range(400):
        rows.append(
            [
                f"架空 {i}号",
                f"カクウ {i}",
                dt.date(1950, 1, 1) + dt.timedelta(days=i),
                45383 + i % 300,
                "8050",
                "あり",
            ]
        )
    path = write_xlsx(tmp_path / "大量.xlsx", rows, date_columns=[3])
    started = time.perf_counter()
    preview = preview_file(imports, CASES, path)
    result = imports.apply(CASES, preview, by="")
    elapsed = time.perf_counter() - started
    assert result.count == 400
    assert db.cases.count() == 400
    assert elapsed < 20, f"{elapsed:.1f} s"


# --- files that are not readable workbooks -------------------------------------------------------


def _fake_encrypted(path: Path) -> Path:
    """The shape of a password-protected .xlsx: an OLE compound file with an EncryptionInfo stream."""
    body = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    body += "EncryptionInfo".encode("utf-16-le") + bytes(100) + "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(bytes(body) + bytes(1024))
    return path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("保護.xlsx", None, PROTECTED_MESSAGE),
        ("古い.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048), "古い形式（.xls）のファイルです"),
        ("壊れた.xlsx", b"PK\x03\x04" + b"\x00" * 200, "Excelファイルとして読めません（壊れた.xlsx）"),
        ("文書.xlsx", "氏名,受付日\n".encode(), "Excelファイルとして読めません（文書.xlsx）"),
        ("台帳.csv", "氏名,受付日\n".encode(), "CSVやテキストのファイルはそのまま取り込めません"),
        ("空.xlsx", b"", "Excelファイルとして読めません"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is None:
        _fake_encrypted(path)
    else:
        path.write_bytes(content)
    with pytest.raises(ImportFileError) as refused:
        read_sheet(path)
    assert message in refused.value.message
    with pytest.raises(ImportFileError):
        read_workbook(path)


def test_a_real_password_protected_workbook_is_refused(tmp_path: Path) -> None:
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = write_xlsx(tmp_path / "平文.xlsx", [["氏名", "受付日"], ["架空 花", "R6.4.1"]])
    protected = tmp_path / "保護.xlsx"
    with plain.open("rb") as source, protected.open("wb") as target:
        ooxml.OOXMLFile(source).encrypt("himitsu", target)
    with pytest.raises(
        ImportFileError, match="パスワードで保護されたファイルです。Excelで保護を外してから取り込んでください"
    ):
        read_sheet(protected)


def test_missing_file_and_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="ファイルが見つかりません"):
        read_sheet(tmp_path / "ない.xlsx")
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    docx = tmp_path / "文書.xlsx"
    docx.write_bytes(buffer.getvalue())
    with pytest.raises(ImportFileError, match="Excelファイルとして読めません"):
        read_sheet(docx)


# --- agencies -----------------------------------------------------------------------------------


def test_agencies_import_and_then_serve_as_lead(
    db: Database, imports: ImportRepository, tmp_path: Path
) -> None:
    db.agencies.add(Agency(name="架空町役場福祉課", field=AgencyField.GENERAL))
    rows: list[list[object]] = [
        ["機関・団体名", "ふりがな", "分野", "事業区分", "直営/委託", "担当課", "電話", "FAX"],
        [
            "架空町障がい者相談支援センター",
            "かくうちょう",
            "障がい",
            "第１号ロ",
            "委託",
            "福祉課",
            "０５５５－１１－２２２２",
            None,
        ],
        ["架空町子育て世代包括支援センター", "", "子育て", "1号ハ", "直営", "子ども課", None, "0555-11-3333"],
        ["架空町社会福祉協議会", "", "地域", "", "", "", None, None],
    ]
    path = write_xlsx(tmp_path / "関係機関.xlsx", rows, sheet="機関一覧")
    preview = preview_file(imports, AGENCIES, path, sheet="機関一覧")
    assert preview.problems == (), preview.describe()
    result = imports.apply(AGENCIES, preview, by="")
    assert [r.label for r in result.rows] == [r[0] for r in rows[1:]]
    disability = db.agencies.find_by_name("架空町障がい者相談支援センター")
    assert disability is not None
    assert (disability.field, disability.business, disability.operation) == (
        AgencyField.DISABILITY,
        Business.CONSULTATION_DISABILITY,
        Operation.CONTRACTED,
    )
    assert disability.kana == "カクウチョウ"
    assert disability.phone == "0555-11-2222"
    council = db.agencies.find_by_name("架空町社会福祉協議会")
    assert council is not None
    assert (council.business, council.operation) == (Business.OUTSIDE, None)
    assert imports.mapping(AGENCIES) == preview.mapping

    ledger = write_xlsx(
        tmp_path / "台帳.xlsx",
        [["氏名", "受付日", "主担当"], ["架空 花子", "R6.4.1", "架空町社会福祉協議会"]],
    )
    assert imports.apply(CASES, preview_file(imports, CASES, ledger), by="").count == 1


def test_bad_agency_rows(db: Database, imports: ImportRepository) -> None:
    db.agencies.add(Agency(name="架空町役場福祉課", field=AgencyField.GENERAL))
    headers = ["機関名", "分野", "運営"]
    rows: list[dict[str, object]] = [
        {"機関名": "架空町役場 福祉課", "分野": "総合", "運営": "直営"},
        {"機関名": "架空町ボランティアの会", "分野": "福祉", "運営": ""},
        {"機関名": "架空町こども食堂", "分野": "", "運営": "半分"},
        {"機関名": "架空町ＮＰＯ", "分野": "地域", "運営": ""},
        {"機関名": "架空町NPO", "分野": "地域", "運営": ""},
    ]
    before = snapshot(db)
    preview = imports.preview_rows(AGENCIES, headers, rows)
    assert [p.message for p in preview.problems] == [
        "2行目『機関名』の『架空町役場 福祉課』はすでに登録されています",
        "3行目『分野』の『福祉』は選べる値ではありません"
        "（高齢・障害・子ども・困窮・保健・教育・住まい・税・水道・医療・司法・地域・総合・その他のいずれか）",
        "4行目『分野』が空です。必ず入力してください",
        "4行目『運営』の『半分』は選べる値ではありません（直営・委託のいずれか）",
        "6行目『機関名』の『架空町NPO』は5行目と重複しています",
    ]
    with pytest.raises(RuleViolation):
        imports.apply(AGENCIES, preview, by="")
    assert snapshot(db) == before


# --- small rules ---------------------------------------------------------------------------------


def test_tags_are_split_and_folded() -> None:
    assert split_tags("８０５０、ひきこもり，ヒキコモリ; ＤＶ\n家賃滞納・債務,町の独自タグ") == (
        "8050",
        "ひきこもり",
        "DV",
        "家賃滞納・債務",
        "町の独自タグ",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("有", "あり"),
        ("同意済", "あり"),
        ("〇", "あり"),
        ("無", "なし"),
        ("拒否", "なし"),
        ("未確認", "確認中"),
        ("ｱﾘ", "あり"),
        ("ナシ", "なし"),
    ],
)
def test_consent_variants(text: str, expected: str) -> None:
    mapping = ColumnMapping.of(CASES, {"name": "氏名", "opened_on": "受付日", "consent": "同意"})
    records, problems = validate_rows(
        CASES,
        mapping,
        [{"氏名": "架空 一", "受付日": "R6.4.1", "同意": text}],
        known_agencies=[],
        today=TODAY,
    )
    assert problems == []
    assert isinstance(records[0], CaseRecord)
    assert records[0].consent == expected


# --- the date table ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("R1.5.1", dt.date(2019, 5, 1)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
        ("令和６年４月１日", dt.date(2024, 4, 1)),
        ("r6-4-1", dt.date(2024, 4, 1)),
        ("2024/4/1", dt.date(2024, 4, 1)),
        ("2024年4月1日", dt.date(2024, 4, 1)),
        ("20240401", dt.date(2024, 4, 1)),
        ("２０２４－０４－０１", dt.date(2024, 4, 1)),
        (45383, dt.date(2024, 4, 1)),
        ("45383", dt.date(2024, 4, 1)),
        (45383.75, dt.date(2024, 4, 1)),
        (dt.datetime(2024, 4, 1, 9, 30), dt.date(2024, 4, 1)),
        (dt.date(2024, 4, 1), dt.date(2024, 4, 1)),
        ("令和6年13月1日", "3行目『受付日』の『令和6年13月1日』は日付として読めません（存在しない日付です）"),
        (
            "H31.5.1",
            "3行目『受付日』の『H31.5.1』は日付として読めません（平成31年5月1日は元号の範囲外の日付です",
        ),
        ("令和6年2月30日", "3行目『受付日』の『令和6年2月30日』は日付として読めません（存在しない日付です"),
        ("4月1日ごろ", "3行目『受付日』の『4月1日ごろ』は日付として読めません"),
        (60, "3行目『受付日』の『60』は日付として読めません（Excel の日付シリアル値 60 は実在しない日付"),
        (12, "3行目『受付日』の『12』は1900年1月12日と読めますが、古すぎます。日付を確かめてください"),
        ("2099/1/1", "3行目『受付日』の『2099/1/1』は未来の日付です"),
        ("", "3行目『受付日』が空です。必ず入力してください"),
    ],
)
def test_date_cells(cell: object, expected: dt.date | str) -> None:
    mapping = ColumnMapping.of(CASES, {"name": "氏名", "opened_on": "受付日"})
    rows: list[dict[str, object]] = [{"氏名": "架空 日付", "受付日": cell}]
    records, problems = validate_rows(
        CASES, mapping, rows, known_agencies=[], first_row_number=3, today=TODAY
    )
    if isinstance(expected, dt.date):
        assert problems == []
        assert isinstance(records[0], CaseRecord)
        assert records[0].opened_on == expected
    else:
        assert records == []
        assert len(problems) == 1
        assert problems[0].message.startswith(expected)
        assert problems[0].row_number == 3
