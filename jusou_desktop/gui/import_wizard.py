"""Importing the office's Excel ledger or agency list, step by step (取り込み).

1. 取り込むもの (ケース台帳 / 関係機関) and the file;
2. the sheet and the header row (guessed: ledgers often start with a title line);
3. which column holds which field (pre-filled from the remembered mapping and the headings,
   remembered again for next time), with the first rows as they would be read;
4. the check of every row, in Japanese, and 「取り込む」 — disabled while any problem remains —
   with a 「試しに取り込む」 option that writes everything and rolls it back;
5. what was imported.

Everything long runs off the GUI thread behind a progress bar with 中止: reading the file (sheet
names, header guess, all rows), checking every row against the database, and writing.  The check
and the write use a connection of their own, opened on the worker thread
(:meth:`~jusou_desktop.store.database.Database.opener_for_worker`).  The write is one
transaction, so an import is all or nothing, and 中止 rolls back everything written so far
(see :meth:`jusou_desktop.store.imports.ImportRepository.apply`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QWidget,
    QWizard,
    QWizardPage,
)

from jusou_desktop.domain.errors import Cancelled
from jusou_desktop.domain.ledger_import import FIELDS, ColumnMapping, ImportKind
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import fill_table, hint_label, make_table, store_call
from jusou_desktop.gui.meeting_window import alert_label, button_row, column, form, row_of
from jusou_desktop.gui.progress import Progress, on_own_connection, run_with_progress
from jusou_desktop.gui.session import Session
from jusou_desktop.store.database import Database
from jusou_desktop.store.imports import ImportPreview, ImportResult

__all__ = ["NOT_IMPORTED", "PREVIEW_ROWS", "ImportPage", "ImportWizard"]

NOT_IMPORTED = "（取り込まない）"
PREVIEW_ROWS = 10
PROBLEM_ROWS_SHOWN = 1000
GUESSED_SHEETS = 20
KINDS = (
    (ImportKind.CASES, "ケース台帳（事務所のExcelのケース一覧）"),
    (ImportKind.AGENCIES, "関係機関の一覧"),
)


def cell_text(value: object) -> str:
    """A cell as the preview shows it (dates as 2024/4/1, numbers without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value.year}/{value.month}/{value.day} {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}/{value.month}/{value.day}"
    return str(value).replace("\n", " ")


class ImportWizard(QWizard):
    """The whole import; the state read from the file is kept here, shared by the pages."""

    imported = Signal()
    FILE, SHEET, MAPPING, CHECK, RESULT = range(5)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Excelから取り込む")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        for button, text in (
            (QWizard.WizardButton.BackButton, "< 戻る"),
            (QWizard.WizardButton.NextButton, "次へ >"),
            (QWizard.WizardButton.CommitButton, "取り込む"),
            (QWizard.WizardButton.FinishButton, "閉じる"),
            (QWizard.WizardButton.CancelButton, "キャンセル"),
        ):
            self.setButtonText(button, text)
        self.kind = ImportKind.CASES
        self.path = Path()
        self.sheets: list[str] = []
        self.header_guesses: dict[str, int] = {}
        self.sheet: str | None = None
        self.header_row = 1
        self.headers: list[str] = []
        self.rows: list[dict[str, object]] = []
        self.mapping: ColumnMapping | None = None
        self.preview: ImportPreview | None = None
        self.outcome: ImportResult | None = None
        self.busy = False
        self._job: QProgressDialog | None = None
        self.file_page = FilePage()
        self.sheet_page = SheetPage()
        self.mapping_page = MappingPage()
        self.check_page = CheckPage()
        self.result_page = ResultPage()
        for page_id, page in enumerate(
            (self.file_page, self.sheet_page, self.mapping_page, self.check_page, self.result_page)
        ):
            self.setPage(page_id, page)
        self.resize(self.fontMetrics().horizontalAdvance("あ") * 76, self.fontMetrics().height() * 44)

    def reject(self) -> None:
        """キャンセル, Esc, or the lock closing the window: running work is stopped (中止) first.

        A cancelled import rolls every row back; one that committed just before is still
        reported (see ``done_when_closed``).
        """
        if self._job is not None:
            self._job.canceled.emit()  # what its 中止 button does (cancel() alone only resets the bar)
        super().reject()

    def import_button(self) -> QPushButton:
        """The 「取り込む」 button of the check page."""
        button = self.button(QWizard.WizardButton.CommitButton)
        assert isinstance(button, QPushButton)
        return button

    def in_background(
        self,
        label: str,
        work: Callable[[Progress], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        *,
        done_when_closed: bool = False,
    ) -> None:
        """``work`` off the GUI thread behind a progress bar with 中止, then ``done`` on it.

        ``work`` must not touch widgets or the session's database (use :meth:`with_database`);
        it asks ``progress.cancelled()`` and raises :class:`Cancelled` itself, so that work which
        has already committed is never reported as cancelled.  A failure is shown (中止 calmly,
        as information) and then passed to ``failed``.  When the wizard was closed meanwhile
        (キャンセル, or the lock) ``done`` is skipped, unless ``done_when_closed``: work that
        finished anyway (an import committed just as 中止 came) must still be reported.
        """
        self.busy = True

        def finished(result: Any) -> None:
            self.busy = False
            self._job = None
            if self.isVisible() or done_when_closed:
                done(result)

        def went_wrong(exc: BaseException) -> None:
            self.busy = False
            self._job = None
            if not self.isVisible():
                return
            if isinstance(exc, Cancelled):
                messages.inform(self, str(exc))
            else:
                messages.show_error(self, exc)
            if failed is not None:
                failed(exc)

        self._job = run_with_progress(self, label, work, finished, went_wrong)

    def with_database(
        self,
        label: str,
        work: Callable[[Database, Progress], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        *,
        done_when_closed: bool = False,
    ) -> None:
        """:meth:`in_background` with the database, through a connection of the worker's own."""
        on_view = on_own_connection(self, self.session.db, work)
        if on_view is not None:  # else locked or closed meanwhile (shown)
            self.in_background(label, on_view, done, failed, done_when_closed=done_when_closed)


def _wizard(page: QWizardPage) -> ImportWizard:
    wizard = page.wizard()
    assert isinstance(wizard, ImportWizard)
    return wizard


# ---- 1. what and which file --------------------------------------------------------------------


class FilePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("1. 取り込むものとファイル")
        self.kinds: dict[ImportKind, QRadioButton] = {}
        group = QButtonGroup(self)
        for kind, text in KINDS:
            self.kinds[kind] = QRadioButton(text)
            group.addButton(self.kinds[kind])
        self.kinds[ImportKind.CASES].setChecked(True)
        self.path = QLineEdit()
        self.path.setPlaceholderText("取り込むExcelファイル（.xlsx）")
        choose = QPushButton("ファイルを選ぶ…")
        choose.clicked.connect(self.choose)
        self._read_for: tuple[ImportKind, str] | None = None
        column(
            self,
            *self.kinds.values(),
            row_of((self.path, 1), choose),
            hint_label(
                "「.xlsx」形式のExcelファイルを選んでください。古い形式（.xls）やCSVは、Excelで開いて"
                "「Excel ブック (*.xlsx)」として保存し直してください。パスワードで保護されたファイルは、"
                "保護を外してから選んでください。ファイルは読むだけで、変更しません。"
            ),
            hint_label("関係機関を先に取り込むと、ケース台帳の「主担当機関」をその名前で結び付けられます。"),
            1,
        )
        self.path.textChanged.connect(lambda _t: self.completeChanged.emit())

    def choose(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "取り込むExcelファイル", str(Path.home()), "Excel ブック (*.xlsx)"
        )
        if chosen:
            self.path.setText(chosen)

    def kind(self) -> ImportKind:
        return next(kind for kind, radio in self.kinds.items() if radio.isChecked())

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        wizard = _wizard(self)
        kind, text = self.kind(), self.path.text().strip()
        if self._read_for == (kind, text):
            return True
        if wizard.busy:
            return False
        path = Path(text).expanduser()

        def read(progress: Progress) -> tuple[list[str], dict[str, int]]:
            from jusou_desktop.reports.excel_import import guess_header_row, read_workbook

            sheets = read_workbook(path)
            guesses: dict[str, int] = {}
            for sheet in sheets[:GUESSED_SHEETS]:
                if progress.cancelled():
                    raise Cancelled("読み込みを中止しました。")
                guesses[sheet] = guess_header_row(path, sheet, kind)
            return sheets, guesses

        def done(result: tuple[list[str], dict[str, int]]) -> None:
            wizard.kind, wizard.path = kind, path
            wizard.sheets, wizard.header_guesses = result
            self._read_for = (kind, text)
            wizard.next()

        wizard.in_background("Excelファイルを開いています…", read, done)
        return False


# ---- 2. sheet and header row -------------------------------------------------------------------


class SheetPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("2. シートと見出しの行")
        self.sheet = QComboBox()
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 10_000)
        self.header_row.setSuffix(" 行目")
        self._read_for: tuple[ImportKind, Path, str, int] | None = None
        column(
            self,
            form(("シート", self.sheet), ("見出しの行", self.header_row)),
            hint_label(
                "見出しの行は、列の名前（氏名・生年月日・受付日…）が書いてある行です。"
                "表の上に表題の行があっても、見出しらしい行を自動で探して入れてあります。違っていたら直してください。"
            ),
            1,
        )
        self.sheet.currentIndexChanged.connect(self._sheet_changed)

    def initializePage(self) -> None:
        wizard = _wizard(self)
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(wizard.sheets)
        self.sheet.blockSignals(False)
        self._sheet_changed()

    def _sheet_changed(self) -> None:
        self.header_row.setValue(_wizard(self).header_guesses.get(self.sheet.currentText(), 1))

    def validatePage(self) -> bool:
        wizard = _wizard(self)
        key = (wizard.kind, wizard.path, self.sheet.currentText(), self.header_row.value())
        if self._read_for == key:
            return True
        if wizard.busy:
            return False
        kind, path, sheet, header_row = key

        def read(progress: Progress) -> tuple[list[str], list[dict[str, object]]]:
            from jusou_desktop.reports.excel_import import read_sheet

            return read_sheet(path, sheet or None, header_row=header_row, cancelled=progress.cancelled)

        def done(result: tuple[list[str], list[dict[str, object]]]) -> None:
            wizard.sheet, wizard.header_row = sheet or None, header_row
            wizard.headers, wizard.rows = result
            self._read_for = (kind, path, sheet, header_row)
            wizard.next()

        wizard.in_background("シートを読み込んでいます…", read, done)
        return False


# ---- 3. column mapping -------------------------------------------------------------------------


class MappingPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("3. 列の対応")
        self.combos: dict[str, QComboBox] = {}
        self.fields = QWidget()
        self.fields_layout = QGridLayout(self.fields)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.fields)
        self.table = make_table(("",))
        self.unused = hint_label()
        column(
            self,
            hint_label(
                "取り込む項目ごとに、ファイルのどの列から読むかを確かめてください。"
                "見出しの名前から推測してあります。この対応は次回のために記憶します。"
            ),
            (scroll, 3),
            QLabel(f"最初の{PREVIEW_ROWS}行（この対応で読んだ値）"),
            (self.table, 2),
            self.unused,
        )

    def initializePage(self) -> None:
        wizard = _wizard(self)
        while (item := self.fields_layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        self.combos = {}
        ok, mapping = store_call(
            self, lambda: wizard.session.db.imports.mapping_for(wizard.kind, wizard.headers)
        )
        chosen = mapping.as_dict() if ok and mapping is not None else {}
        half = (len(FIELDS[wizard.kind]) + 1) // 2  # two columns of fields, top to bottom
        for index, spec in enumerate(FIELDS[wizard.kind]):
            combo = QComboBox()
            combo.addItem(NOT_IMPORTED, None)
            for header in wizard.headers:
                combo.addItem(header, header)
            combo.setCurrentIndex(max(0, combo.findData(chosen.get(spec.key))))
            combo.currentIndexChanged.connect(lambda _i: self.show_rows())
            self.combos[spec.key] = combo
            row, pair = index % half, index // half
            label = QLabel(f"{spec.label}（必須）" if spec.required else spec.label)
            self.fields_layout.addWidget(label, row, pair * 2)
            self.fields_layout.addWidget(combo, row, pair * 2 + 1)
        self.fields_layout.setColumnStretch(1, 1)
        self.fields_layout.setColumnStretch(3, 1)
        self.show_rows()

    def current_mapping(self) -> ColumnMapping:
        wizard = _wizard(self)
        return ColumnMapping.of(
            wizard.kind,
            {key: str(combo.currentData()) for key, combo in self.combos.items() if combo.currentData()},
        )

    def choose(self, key: str, header: str | None) -> None:
        """Map the field ``key`` to the column ``header`` (None: not imported)."""
        combo = self.combos[key]
        combo.setCurrentIndex(max(0, combo.findData(header)))

    def show_rows(self) -> None:
        wizard = _wizard(self)
        mapping = self.current_mapping()
        labels = {spec.key: spec.label for spec in FIELDS[wizard.kind]}
        self.table.setColumnCount(len(mapping.columns) + 1)
        self.table.setHorizontalHeaderLabels(["行", *(labels[key] for key, _h in mapping.columns)])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        first = wizard.header_row + 1
        fill_table(
            self.table,
            [
                [str(first + index), *(cell_text(row.get(header)) for _k, header in mapping.columns)]
                for index, row in enumerate(wizard.rows[:PREVIEW_ROWS])
            ],
        )
        used = {header for _k, header in mapping.columns}
        unused = [h for h in wizard.headers if h not in used]
        self.unused.setText("取り込まない列: " + "、".join(f"「{h}」" for h in unused) if unused else "")

    def validatePage(self) -> bool:
        wizard = _wizard(self)
        wizard.mapping = self.current_mapping()
        mapping = wizard.mapping
        ok, _ = store_call(self, lambda: wizard.session.db.imports.remember_mapping(wizard.kind, mapping))
        return ok


# ---- 4. check and import -----------------------------------------------------------------------


class CheckPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("4. 確認して取り込む")
        self.setCommitPage(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = make_table(("行", "項目", "確認の結果"), stretch=2)
        self.table.setWordWrap(True)
        self.dry_run = QCheckBox(
            "試しに取り込む（最後まで書き込めるか確かめてから元に戻します。データは変わりません）"
        )
        self.outcome = alert_label()
        self._applied = False
        column(self, self.summary, (self.table, 1), self.dry_run, self.outcome)
        self.dry_run.toggled.connect(self._dry_run_toggled)

    def _dry_run_toggled(self, on: bool) -> None:
        self.setButtonText(QWizard.WizardButton.CommitButton, "試しに取り込む" if on else "取り込む")
        self.outcome.setText("")

    def initializePage(self) -> None:
        self.outcome.setText("")
        self._applied = False
        self.check()

    def cleanupPage(self) -> None:
        _wizard(self).preview = None  # 戻る: the rows may be read again, so check them again

    def check(self) -> None:
        """Check every row against the database as it is now, in the background."""
        wizard = _wizard(self)
        kind, headers, rows, mapping = wizard.kind, wizard.headers, wizard.rows, wizard.mapping
        first_row_number = wizard.header_row + 1
        source = wizard.path.name + (f"／シート「{wizard.sheet}」" if wizard.sheet else "")
        wizard.preview = None
        self.summary.setText(f"{len(rows)}行を確認しています…")
        self.summary.setStyleSheet("")
        fill_table(self.table, [])
        self.completeChanged.emit()

        def work(view: Database, progress: Progress) -> ImportPreview:
            preview = view.imports.preview_rows(
                kind, headers, rows, mapping, first_row_number=first_row_number, source=source
            )
            if progress.cancelled():  # only read so far: nothing to undo
                raise Cancelled("確認を中止しました。何も取り込んでいません。")
            return preview

        def done(preview: ImportPreview) -> None:
            wizard.preview = preview
            self._show(preview)
            self.completeChanged.emit()

        def failed(_exc: BaseException) -> None:
            self._show(None)
            self.completeChanged.emit()

        wizard.with_database("取り込む行を確認しています…", work, done, failed)

    def _show(self, preview: ImportPreview | None) -> None:
        if preview is None:
            self.summary.setText("確認できませんでした。「戻る」で読み込み直すか、もう一度お試しください。")
            fill_table(self.table, [])
            return
        counts = preview.counts
        what = f"{preview.source}: 対象 {counts.rows}行（取り込める行 {counts.ready}・問題のある行 {counts.with_problems}）。"
        if preview.problems:
            self.summary.setText(
                f"{what}\n問題が {counts.problems}件あります。すべて直すまで1行も取り込みません。"
                "Excelでファイルを直して保存し、「戻る」で読み込み直してください。"
            )
            self.summary.setStyleSheet("color: #b00020;")
        else:
            self.summary.setText(f"{what}\n問題はありません。「取り込む」で{counts.ready}行を取り込みます。")
            self.summary.setStyleSheet("")
        shown = preview.problems[:PROBLEM_ROWS_SHOWN]
        rows = [
            [f"{p.row_number}行目" if p.row_number is not None else "全体", p.column_label, p.message]
            for p in shown
        ]
        if len(preview.problems) > len(shown):
            rows.append(["", "", f"ほか {len(preview.problems) - len(shown)}件"])
        fill_table(self.table, rows)
        self.table.resizeRowsToContents()

    def isComplete(self) -> bool:
        wizard = _wizard(self)
        preview = wizard.preview
        return preview is not None and preview.ok and not wizard.busy

    def validatePage(self) -> bool:
        """Start the import in the background; the wizard moves on when it has been written."""
        wizard = _wizard(self)
        if self._applied:
            return True
        preview = wizard.preview
        if preview is None or not preview.ok or wizard.busy:
            return False
        kind, by, dry_run = wizard.kind, wizard.session.user_name, self.dry_run.isChecked()
        self.outcome.setText("")

        def work(view: Database, progress: Progress) -> ImportResult:
            # ONE transaction on the worker's connection: any error, or 中止, rolls back every row.
            return view.imports.apply(
                kind, preview, by=by, dry_run=dry_run, cancelled=progress.cancelled, progress=progress.report
            )

        def done(result: ImportResult) -> None:
            if not wizard.isVisible():  # closed as 中止 came, but every row was already written
                if not result.dry_run:
                    wizard.outcome = result
                    wizard.imported.emit()
                    messages.inform(
                        wizard.parentWidget(),
                        f"中止が間に合わず、取り込みは終わっていました。{result.describe()}",
                    )
                return
            self.completeChanged.emit()
            if result.dry_run:
                self.outcome.setText(
                    f"試しに{result.count}件を書き込み、問題なく終わることを確かめました。"
                    "データベースは変更していません。取り込むには「試しに取り込む」のチェックを外してください。"
                )
                return
            wizard.outcome = result
            self._applied = True
            wizard.next()
            wizard.imported.emit()

        def failed(exc: BaseException) -> None:
            self.completeChanged.emit()
            if not isinstance(exc, Cancelled):
                self.check()  # the database may have changed since the check: show it as it is now

        label = "試しに書き込んでいます…" if dry_run else f"{preview.counts.ready}件を取り込んでいます…"
        wizard.with_database(label, work, done, failed, done_when_closed=True)
        self.completeChanged.emit()
        return False


# ---- 5. result ---------------------------------------------------------------------------------


class ResultPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("5. 取り込みの結果")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = make_table(("Excelの行", "登録したもの"), stretch=1)
        column(self, self.summary, (self.table, 1))

    def initializePage(self) -> None:
        result = _wizard(self).outcome
        if result is None:
            return
        label = "ケース番号" if result.kind is ImportKind.CASES else "機関名"
        self.table.setHorizontalHeaderLabels(["Excelの行", label])
        self.summary.setText(result.describe())
        fill_table(self.table, [[f"{r.row_number}行目", r.label] for r in result.rows])


# ---- the page of the 実績・出力 section that opens the wizard --------------------------------------


class ImportPage(QWidget):
    """「取り込み」 in the 実績・出力 section: what an import does, and the button that starts one."""

    imported = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.wizard: ImportWizard | None = None
        self.buttons: dict[str, QPushButton] = {}
        column(
            self,
            hint_label(
                "事務所のExcelのケース台帳や関係機関の一覧を取り込みます。シートと見出しの行を選び、"
                "列の対応を確かめ、行ごとの確認結果を見てから取り込みます。"
                "問題が1件でもあれば何も書き込みません。途中で失敗しても、すべて元に戻ります。"
            ),
            button_row((("Excelから取り込む…", self.open_wizard),), self.buttons),
            1,
        )

    def open_wizard(self) -> None:
        wizard = ImportWizard(self.session, self)
        wizard.imported.connect(self.imported.emit)
        self.wizard = wizard
        wizard.open()
