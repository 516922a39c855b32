"""The 実績・出力 section as the office uses it: 実績 to Excel, list exports with a reason and a
password (recorded), 中止, 成果目標, and the import wizard from file to imported rows."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtWidgets import QDialogButtonBox, QProgressDialog, QPushButton, QWidget, QWizard
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.jisseki import FIGURES
from jusou_desktop.domain.ledger_import import ImportKind
from jusou_desktop.domain.meetings import Action, Attendee, Holding, Meeting, MeetingType, Reason
from jusou_desktop.domain.model import Agency, AgencyField, Consent, ConsentState, Person
from jusou_desktop.domain.resources import Resource, ResourceKind
from jusou_desktop.gui import messages
from jusou_desktop.gui.exports import CANCELLED_TEXT, ExportsSection, ProtectDialog
from jusou_desktop.gui.import_wizard import ImportWizard
from jusou_desktop.gui.session import Session
from jusou_desktop.reports import ledger_xlsx
from jusou_desktop.reports.excel_templates import shipped_template_path
from jusou_desktop.reports.jisseki_xlsx import JISSEKI_TEMPLATE
from jusou_desktop.reports.protect import decrypt_xlsx, is_encrypted
from jusou_desktop.store.cases import CaseFilter, CaseRepository
from jusou_desktop.store.database import Database
from tests.qt_dialogs import when_modal

TODAY = dt.date(2025, 5, 15)  # 令和7年度; 令和6年度 has just ended
PASSWORD = "tsumugi-2025"
HOKATSU = "つむぎ町地域包括支援センター"


@pytest.fixture
def office(db: Database) -> Session:
    houkatsu = db.agencies.add(Agency(HOKATSU, AgencyField.ELDERLY, phone="0120-000-000"))
    for name, kana, opened in (
        ("山田 花子", "ヤマダ ハナコ", dt.date(2024, 4, 10)),
        ("鈴木 一郎", "スズキ イチロウ", dt.date(2024, 6, 3)),
        ("佐藤 三郎", "サトウ サブロウ", dt.date(2025, 1, 20)),
    ):
        case_id = db.cases.create(
            Person(name, kana=kana, birth_date=dt.date(1950, 1, 1)),
            opened_on=opened,
            consent=Consent(ConsentState.GIVEN, recorded_on=opened),
        )
        if name == "山田 花子":
            meeting_id = db.meetings.create(Meeting(MeetingType.SUPPORT, Holding.AD_HOC, dt.date(2025, 5, 1)))
            db.meetings.add_case(meeting_id, case_id, Reason.SHARING)
            who = db.meetings.invite(meeting_id, Attendee("相談 一郎", HOKATSU, agency_id=houkatsu))
            db.meetings.add_action(meeting_id, case_id, Action(who, "相談 一郎", "週に一度電話する"))
    return Session(db, "推進員 二", fixed_today=TODAY)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where the exports go (the database and its lock file sit in tmp_path itself)."""
    folder = tmp_path / "出力"
    folder.mkdir()
    return folder


def _section(
    qtbot: QtBot, office: Session, source: Callable[[], tuple[CaseFilter, str]] | None = None
) -> ExportsSection:
    section = ExportsSection(office, source)
    qtbot.addWidget(section)
    section.resize(1280, 820)
    section.show()
    return section


def _saved(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: any("Excelファイルを保存しました" in t for t in messages.shown), timeout=20_000)


def _ok(dialog: ProtectDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None
    assert button.text() == "次へ"
    button.click()


def _protect(password: str | None) -> list[BaseException]:
    """Answer the password dialog: a short password and a mismatch are refused first."""

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, ProtectDialog)
        if password is None:
            dialog.protect.setChecked(False)
        else:
            dialog.password.setText("short")
            dialog.again.setText("short")
            _ok(dialog)
            assert "8文字以上" in dialog.problem.text()
            assert dialog.isVisible()
            dialog.password.setText(password)
            dialog.again.setText(password + "x")
            _ok(dialog)
            assert "一致しません" in dialog.problem.text()
            dialog.again.setText(password)
        _ok(dialog)
        assert not dialog.isVisible()

    return when_modal(act)


def _texts(path_or_bytes: Path | bytes) -> set[str]:
    source: Any = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    book = load_workbook(source)
    return {
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    }


# ---- 実績 ------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("quiet_messages")
def test_jisseki_of_reiwa_6_goes_to_excel_where_chosen(qtbot: QtBot, office: Session, out: Path) -> None:
    section = _section(qtbot, office)
    page = section.jisseki
    assert [page.year.itemText(i) for i in range(page.year.count())][:3] == [
        "令和8年度（次年度）",
        "令和7年度（今年度）",
        "令和6年度（前年度）",
    ]
    page.set_fiscal_year(2024)
    assert "令和6年4月1日～令和7年3月31日" in page.period.text()
    assert page.table.rowCount() == len(FIGURES)
    header = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]  # type: ignore[union-attr]
    assert header[:2] == ["項目", "4月"]
    assert header[-4:] == ["3月", "合計", "前年度", "目標"]
    new_cases = next(
        r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "相談受付件数（新規）"
    )  # type: ignore[union-attr]
    assert page.table.item(new_cases, 13).text() == "3"  # type: ignore[union-attr]  # April 2024 … January 2025

    messages.set_next_save_paths(out / "実績")  # the extension is added
    messages.set_next_answers(False)  # do not open it
    page.buttons["Excelに書き出す…"].click()
    _saved(qtbot)
    dest = out / "実績.xlsx"
    book = load_workbook(dest)
    assert "実績" in book.sheetnames
    texts = _texts(dest)
    assert "相談受付件数（新規）" in texts
    assert any("令和6年度" in t for t in texts)
    assert sorted(p.name for p in out.iterdir()) == ["実績.xlsx"]
    assert office.db.export_log.entries() == []  # counts only: nothing personal to record


@pytest.mark.usefixtures("quiet_messages")
def test_a_template_with_an_unknown_placeholder_writes_nothing(
    qtbot: QtBot, office: Session, out: Path
) -> None:
    book = load_workbook(shipped_template_path(JISSEKI_TEMPLATE))
    book["実績"]["B3"] = "{{towm}} の実績"
    template = out / "町の実績.xlsx"
    book.save(template)
    section = _section(qtbot, office)
    section.jisseki.set_fiscal_year(2024)
    section.jisseki.set_template(template)
    section.jisseki.buttons["Excelに書き出す…"].click()
    error = messages.shown[-1]
    assert "『実績』シートのB3" in error
    assert "{{towm}}" in error
    assert "使えない差し込み項目" in error
    assert "Excelファイルの保存先" not in messages.shown  # refused before asking where to save
    assert sorted(p.name for p in out.iterdir()) == ["町の実績.xlsx"]


@pytest.mark.usefixtures("quiet_messages")
def test_targets_are_edited_and_refused_when_not_whole_numbers(qtbot: QtBot, office: Session) -> None:
    section = _section(qtbot, office)
    section.setCurrentWidget(section.targets)
    page = section.targets
    page.set_value("case_reviews", "１２")  # full-width digits as typed with the IME on
    page.set_value("consult_new", "40")
    assert page.save()
    assert office.db.jisseki.targets()["case_reviews"] == 12
    assert office.db.jisseki.targets()["consult_new"] == 40
    page.set_value("plans", "たくさん")
    page.set_value("consult_new", "")
    assert not page.save()
    assert "整数" in messages.shown[-1]
    assert office.db.jisseki.targets()["consult_new"] == 40  # nothing saved from the refused edit
    assert "plans" not in office.db.jisseki.targets()


# ---- list exports -------------------------------------------------------------------------------


@pytest.mark.usefixtures("quiet_messages")
def test_case_ledger_of_the_current_filter_asks_why_is_protected_and_recorded(
    qtbot: QtBot, office: Session, out: Path
) -> None:
    section = _section(qtbot, office, lambda: (CaseFilter(text="やまだ"), "氏名・番号: やまだ"))
    section.setCurrentWidget(section.lists)
    assert "やまだ" in section.lists.ledger_filter.text()
    assert "（1件）" in section.lists.ledger_filter.text()
    folder = out / "山田さんの件"
    folder.mkdir()
    messages.set_next_texts("   ", "支援会議の資料")
    messages.set_next_save_paths(folder / "台帳.xlsx")
    messages.set_next_answers(False)
    errors = _protect(PASSWORD)
    section.lists.buttons["ケース台帳を書き出す…"].click()
    assert not errors
    _saved(qtbot)
    assert any("理由が空のままでは書き出せません" in t for t in messages.shown)
    dest = folder / "台帳.xlsx"
    assert is_encrypted(dest)
    texts = _texts(decrypt_xlsx(dest, PASSWORD))
    assert "山田 花子" in texts
    assert "鈴木 一郎" not in texts  # only the filtered cases
    assert any("やまだ" in t for t in texts)  # the filter is written in the file
    assert sorted(p.name for p in folder.iterdir()) == ["台帳.xlsx"]  # no unencrypted copy

    (entry,) = office.db.export_log.entries()
    assert (entry.kind, entry.rows, entry.protected, entry.by) == ("ケース台帳", 1, True, "推進員 二")
    assert entry.reason == "支援会議の資料"
    assert entry.filter_text == "氏名・番号: やまだ"
    assert entry.file_name == "台帳.xlsx"
    stored = office.db.conn.execute("SELECT file_name, filter_text, reason FROM export_log").fetchall()
    assert not any(str(out) in str(v) or "山田さんの件" in str(v) for row in stored for v in row)

    section.setCurrentWidget(section.log)
    assert section.log.table.rowCount() == 1
    shown = [section.log.table.item(0, c).text() for c in range(section.log.table.columnCount())]  # type: ignore[union-attr]
    assert shown[2:] == ["ケース台帳", "氏名・番号: やまだ", "1件", "あり", "台帳.xlsx", "支援会議の資料"]


@pytest.mark.usefixtures("quiet_messages")
def test_giving_up_on_the_reason_writes_and_records_nothing(qtbot: QtBot, office: Session, out: Path) -> None:
    section = _section(qtbot, office)
    messages.set_next_texts(None)
    section.lists.buttons["ケース台帳を書き出す…"].click()
    assert "Excelファイルの保存先" not in messages.shown
    assert office.db.export_log.entries() == []
    assert list(out.iterdir()) == []


@pytest.mark.usefixtures("quiet_messages")
def test_open_actions_without_a_password(qtbot: QtBot, office: Session, out: Path) -> None:
    section = _section(qtbot, office)
    messages.set_next_texts("包括への依頼")
    messages.set_next_save_paths(out / "役割.xlsx")
    messages.set_next_answers(False)
    errors = _protect(None)
    section.lists.buttons["役割一覧を書き出す…"].click()
    assert not errors
    _saved(qtbot)
    dest = out / "役割.xlsx"
    assert not is_encrypted(dest)
    texts = _texts(dest)
    assert "週に一度電話する" in texts
    assert "山田 花子" not in texts  # case numbers only
    (entry,) = office.db.export_log.entries()
    assert (entry.kind, entry.rows, entry.protected) == ("役割一覧", 1, False)


@pytest.mark.usefixtures("quiet_messages")
def test_the_resource_register_goes_to_excel_with_counts_not_names(
    qtbot: QtBot, office: Session, out: Path
) -> None:
    db = office.db
    salon = db.resources.add(Resource("川端ふれあいサロン", ResourceKind.PLACE, schedule="毎月第2水曜"))
    db.resources.add(Resource("北原ゲーム同好会", ResourceKind.HOBBY, active=False))
    case_id = db.cases.rows()[0].id
    db.resources.connect(salon, case_id, dt.date(2025, 5, 1), today=TODAY)
    section = _section(qtbot, office)
    messages.set_next_texts("社協との共有")
    messages.set_next_save_paths(out / "資源.xlsx")
    messages.set_next_answers(False)
    errors = _protect(None)
    section.lists.buttons["地域資源一覧を書き出す…"].click()
    assert not errors
    _saved(qtbot)
    texts = _texts(out / "資源.xlsx")
    assert {"川端ふれあいサロン", "毎月第2水曜", "北原ゲーム同好会", "休止中"} <= texts
    assert not any(name in t for t in texts for name in ("山田", "鈴木", "佐藤"))  # who: never
    (entry,) = db.export_log.entries()
    assert (entry.kind, entry.rows, entry.filter_text) == (
        "地域資源一覧",
        2,
        "すべての地域資源（休止中を含む）",
    )


@pytest.mark.usefixtures("quiet_messages")
def test_cancelling_an_export_leaves_no_file_and_no_record(
    qtbot: QtBot, office: Session, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ledger_xlsx.write_agency_directory_xlsx

    def slow_writer(*args: Any, cancelled: Callable[[], bool], **kwargs: Any) -> None:
        deadline = time.monotonic() + 15
        while not cancelled() and time.monotonic() < deadline:  # a long export, until 中止
            time.sleep(0.01)
        real(*args, cancelled=cancelled, **kwargs)

    monkeypatch.setattr(ledger_xlsx, "write_agency_directory_xlsx", slow_writer)
    section = _section(qtbot, office)
    messages.set_next_texts("県への報告")
    messages.set_next_save_paths(out / "関係機関.xlsx")
    errors = _protect(PASSWORD)
    section.lists.buttons["関係機関一覧を書き出す…"].click()
    assert not errors

    def progress_shown() -> QProgressDialog | None:
        found = [d for d in section.findChildren(QProgressDialog) if d.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: progress_shown() is not None, timeout=10_000)
    dialog = progress_shown()
    assert dialog is not None
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "中止")
    cancel.click()
    qtbot.waitUntil(lambda: CANCELLED_TEXT in messages.shown, timeout=15_000)
    assert list(out.iterdir()) == []
    assert office.db.export_log.entries() == []


# ---- import wizard ------------------------------------------------------------------------------


def _ledger(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "台帳"
    ws.append(["令和6年度 ケース台帳"])  # a title line above the headings
    ws.append(["ケース番号", "氏名", "フリガナ", "生年月日", "受付日", "本人同意", "連絡方法"])
    for row in rows:
        ws.append(row)
    book.create_sheet("集計")
    book.save(path)
    return path


def _next(qtbot: QtBot, wizard: ImportWizard, page_id: int) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button is not None
    assert button.isEnabled()
    button.click()
    qtbot.waitUntil(lambda: wizard.currentId() == page_id, timeout=15_000)


def _checked(qtbot: QtBot, wizard: ImportWizard) -> None:
    """Wait for the background check (or import) of the check page to finish."""
    qtbot.waitUntil(lambda: not wizard.busy, timeout=15_000)


def _through_mapping(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    wizard.file_page.path.setText(str(path))
    _next(qtbot, wizard, ImportWizard.SHEET)
    assert [wizard.sheet_page.sheet.itemText(i) for i in range(wizard.sheet_page.sheet.count())] == [
        "台帳",
        "集計",
    ]
    assert wizard.sheet_page.header_row.value() == 2  # the title line is skipped
    _next(qtbot, wizard, ImportWizard.MAPPING)


@pytest.mark.usefixtures("quiet_messages")
def test_a_good_ledger_is_imported_through_the_wizard(qtbot: QtBot, office: Session, out: Path) -> None:
    db = office.db
    path = _ledger(
        out / "台帳.xlsx",
        [
            ["2024-0101", "架空 良子", "カクウ ヨシコ", "S40.1.1", "R6.4.1", "あり", "電話のみ"],
            ["", "架空 次郎", "カクウ ジロウ", dt.date(1970, 3, 3), dt.date(2024, 5, 8), "確認中", ""],
        ],
    )
    section = _section(qtbot, office)
    section.setCurrentWidget(section.import_page)
    section.import_page.buttons["Excelから取り込む…"].click()
    wizard = section.import_page.wizard
    assert isinstance(wizard, ImportWizard)
    qtbot.waitUntil(wizard.isVisible)
    _through_mapping(qtbot, wizard, path)

    mapping = wizard.mapping_page
    assert mapping.combos["name"].currentData() == "氏名"  # guessed from the headings
    assert mapping.combos["opened_on"].currentData() == "受付日"
    assert mapping.combos["note"].currentData() is None
    assert "「連絡方法」" in mapping.unused.text()
    mapping.choose("note", "連絡方法")
    assert mapping.unused.text() == ""
    assert mapping.table.rowCount() == 2
    assert mapping.table.item(0, 0).text() == "3"  # type: ignore[union-attr]  # Excel's row number
    _next(qtbot, wizard, ImportWizard.CHECK)
    _checked(qtbot, wizard)

    check = wizard.check_page
    assert "問題はありません" in check.summary.text()
    assert check.table.rowCount() == 0
    assert wizard.import_button().isEnabled()
    check.dry_run.setChecked(True)
    assert wizard.import_button().text() == "試しに取り込む"
    wizard.import_button().click()
    _checked(qtbot, wizard)
    assert wizard.currentId() == ImportWizard.CHECK
    assert "試しに2件" in check.outcome.text()
    assert db.cases.count() == 3  # unchanged by the rehearsal

    check.dry_run.setChecked(False)
    with qtbot.waitSignal(section.changed, timeout=15_000):
        wizard.import_button().click()
    assert wizard.currentId() == ImportWizard.RESULT
    assert "ケースを2件取り込みました" in wizard.result_page.summary.text()
    assert wizard.result_page.table.rowCount() == 2
    assert wizard.result_page.table.item(0, 1).text() == "2024-0101"  # type: ignore[union-attr]
    assert db.cases.count() == 5
    imported = db.cases.rows(CaseFilter(text="カクウ ヨシコ"))
    assert [r.name for r in imported] == ["架空 良子"]
    assert db.cases.get(imported[0].id).principal.note == "電話のみ"
    remembered = db.imports.mapping(ImportKind.CASES)
    assert remembered is not None
    assert remembered.header("note") == "連絡方法"  # remembered for the next import


@pytest.mark.usefixtures("quiet_messages")
def test_an_import_runs_off_the_gui_thread_and_cancelling_it_undoes_every_row(
    qtbot: QtBot, office: Session, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = office.db
    before = db.cases.count()
    path = _ledger(
        out / "台帳.xlsx",
        [
            ["", f"架空 {i}号", f"カクウ {i}", dt.date(1950, 1, 1), dt.date(2024, 5, 8), "あり", ""]
            for i in range(6)
        ],
    )
    wizard = ImportWizard(office)
    qtbot.addWidget(wizard)
    wizard.show()
    _through_mapping(qtbot, wizard, path)
    _next(qtbot, wizard, ImportWizard.CHECK)
    _checked(qtbot, wizard)

    real_create = CaseRepository.create
    writers: list[str] = []
    release = threading.Event()

    hold_at = {1}  # which row (1-based) of an import holds until the test lets it go on

    def slow_create(self: CaseRepository, *args: Any, **kwargs: Any) -> Any:
        writers.append(threading.current_thread().name)
        case_id = real_create(self, *args, **kwargs)
        if len(writers) in hold_at:
            release.wait(15)  # a long import: hold until the test has pressed 中止
        return case_id

    monkeypatch.setattr(CaseRepository, "create", slow_create)
    wizard.import_button().click()

    def progress_shown() -> QProgressDialog | None:
        found = [d for d in wizard.findChildren(QProgressDialog) if d.isVisible()]
        return found[0] if found else None

    # The GUI thread is free while a row is being written: the progress dialog appears and answers.
    qtbot.waitUntil(lambda: bool(writers) and progress_shown() is not None, timeout=10_000)
    assert writers[0] != threading.main_thread().name
    dialog = progress_shown()
    assert dialog is not None
    next(b for b in dialog.findChildren(QPushButton) if b.text() == "中止").click()
    release.set()
    text = "取り込みを中止しました。データベースは変更していません。"
    qtbot.waitUntil(lambda: text in messages.shown, timeout=15_000)
    _checked(qtbot, wizard)
    assert len(writers) == 1  # stopped before the second row
    assert db.cases.count() == before  # the first row was rolled back
    assert wizard.currentId() == ImportWizard.CHECK

    # キャンセル of the wizard (or the lock closing it) during an import stops it the same way.
    release.clear()
    writers.clear()
    messages.shown.clear()
    wizard.import_button().click()
    qtbot.waitUntil(lambda: bool(writers), timeout=10_000)
    wizard.reject()
    assert not wizard.isVisible()
    release.set()
    qtbot.waitUntil(lambda: not wizard.busy, timeout=15_000)
    assert len(writers) == 1
    assert db.cases.count() == before
    assert messages.shown == []  # nothing to report: nothing was written

    # 中止 too late: the last row is being written, so the import commits; it is still reported.
    again = ImportWizard(office)
    qtbot.addWidget(again)
    imported: list[bool] = []
    again.imported.connect(lambda: imported.append(True))
    again.show()
    _through_mapping(qtbot, again, path)
    _next(qtbot, again, ImportWizard.CHECK)
    _checked(qtbot, again)
    release.clear()
    writers.clear()
    hold_at.clear()
    hold_at.add(6)
    again.import_button().click()
    qtbot.waitUntil(lambda: len(writers) == 6, timeout=10_000)
    again.reject()
    release.set()
    qtbot.waitUntil(lambda: not again.busy, timeout=15_000)
    assert db.cases.count() == before + 6
    assert imported == [True]  # the case list is refreshed
    assert messages.shown == ["中止が間に合わず、取り込みは終わっていました。ケースを6件取り込みました。"]


@pytest.mark.usefixtures("quiet_messages")
def test_a_bad_date_is_shown_in_japanese_and_nothing_can_be_imported(
    qtbot: QtBot, office: Session, out: Path
) -> None:
    db = office.db
    before = db.cases.count()
    path = _ledger(
        out / "問題あり.xlsx",
        [
            ["", "架空 良子", "カクウ ヨシコ", "S40.1.1", "R6.4.1", "あり", ""],
            ["", "架空 悪夫", "カクウ ワルオ", "", "令和6年13月1日", "", ""],
        ],
    )
    wizard = ImportWizard(office)
    qtbot.addWidget(wizard)
    wizard.show()
    _through_mapping(qtbot, wizard, path)
    _next(qtbot, wizard, ImportWizard.CHECK)
    _checked(qtbot, wizard)
    check = wizard.check_page
    assert "問題が 1件あります" in check.summary.text()
    assert check.table.rowCount() == 1
    cells = [check.table.item(0, c).text() for c in range(3)]  # type: ignore[union-attr]
    assert cells == [
        "4行目",
        "受付日",
        "4行目『受付日』の『令和6年13月1日』は日付として読めません（存在しない日付です）",
    ]
    assert not wizard.import_button().isEnabled()
    check.dry_run.setChecked(True)
    assert not wizard.import_button().isEnabled()  # not even a rehearsal
    assert db.cases.count() == before


@pytest.mark.usefixtures("quiet_messages")
def test_a_file_that_is_not_excel_is_refused_on_the_first_step(
    qtbot: QtBot, office: Session, out: Path
) -> None:
    path = out / "台帳.csv"
    path.write_text("氏名,受付日\n架空 良子,R6.4.1\n", encoding="utf-8")
    wizard = ImportWizard(office)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.button(QWizard.WizardButton.NextButton).click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: any("CSV" in t for t in messages.shown), timeout=10_000)
    assert wizard.currentId() == ImportWizard.FILE
