"""The 実績・出力 section: the 実績 workbook, 成果目標, list exports, imports and the export record.

Pages:

* 「実績」 — a 年度 (令和N年度, April to March), its figures month by month in a table, the template
  (the shipped one or the town's own file, checked before anything is written) and
  「Excelに書き出す…」.  Only counts: no personal data, no reason asked.
* 「成果目標」 — the targets of the figures, editable, saved in one transaction.
* 「一覧の書き出し」 — the case ledger (the case list's *current* filter), the agency directory,
  the 地域資源 register and the open actions.  Each carries personal data, so each asks why (the reason is required), offers
  a password (typed twice, at least 8 characters; Excel asks for it on opening) and is recorded
  in 書き出しの記録 with the file's name only.
* 「取り込み」 — the import wizard (:mod:`jusou_desktop.gui.import_wizard`).
* 「書き出しの記録」 — who exported what, when and why.

What an export contains is read from the database on the GUI thread (the SQLCipher connection
belongs to it); only the writing runs in the background, behind a progress bar with 中止.  The
writers save atomically, so a cancelled or failed export leaves no file.  The report modules
(openpyxl) are imported only when an export starts, to keep start-up light.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError, ValidationError
from jusou_desktop.domain.jisseki import FIGURES, TARGET_KEYS, JissekiData
from jusou_desktop.domain.wareki import fiscal_year_bounds, fiscal_year_of, format_fiscal_year, format_wareki
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import (
    fill_table,
    fit_dialog_width,
    hint_label,
    make_table,
    store_call,
)
from jusou_desktop.gui.import_wizard import ImportPage
from jusou_desktop.gui.meeting_window import alert_label, button_row, column, form, ok_cancel, row_of
from jusou_desktop.gui.progress import Progress, run_with_progress
from jusou_desktop.gui.session import Session
from jusou_desktop.store.cases import CaseFilter
from jusou_desktop.store.export_log import REASON_MAX

__all__ = [
    "CANCELLED_TEXT",
    "PASSWORD_MIN",
    "CaseFilterSource",
    "ExportsSection",
    "ProtectDialog",
    "ask_reason",
    "fiscal_year_choices",
]

CaseFilterSource = Callable[[], tuple[CaseFilter, str]]
"""The case list's current filter and its description in Japanese (「状態: 支援中、地区: 東」)."""

CANCELLED_TEXT = "中止しました。ファイルは作られていません。"
PASSWORD_MIN = 8
XLSX_FILTER = "Excel ブック (*.xlsx)"
NO_FILTER = "なし（すべてのケース）"
ALL_AGENCIES = "すべての機関"
KIND_LEDGER, KIND_AGENCIES, KIND_RESOURCES, KIND_ACTIONS = (
    "ケース台帳",
    "関係機関一覧",
    "地域資源一覧",
    "役割一覧",
)
ALL_RESOURCES = "すべての地域資源（休止中を含む）"
MONTHS = tuple(f"{month}月" for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3))


def _all_cases() -> tuple[CaseFilter, str]:
    return CaseFilter(), NO_FILTER


def fiscal_year_choices(today: dt.date) -> list[tuple[str, int]]:
    """The next 年度, this one and the four before: (「令和6年度（今年度）」, 2024), newest first."""
    current = fiscal_year_of(today)
    notes = {current + 1: "（次年度）", current: "（今年度）", current - 1: "（前年度）"}
    return [(format_fiscal_year(fy) + notes.get(fy, ""), fy) for fy in range(current + 1, current - 5, -1)]


def _period(fiscal_year: int) -> str:
    start, end = fiscal_year_bounds(fiscal_year)
    return f"{format_wareki(start)}～{format_wareki(end)}"


# ---- asking: reason, password, destination ----------------------------------------------------


def ask_reason(parent: QWidget, what: str, count: int) -> str | None:
    """Why the export is made; asked again while empty (None: the user gave up)."""
    question = (
        f"{what}（{count}件）を書き出す理由を入力してください。\n"
        "理由は書き出しの記録に残ります（例: 支援会議の資料、県への報告）。"
    )
    while True:
        answer = messages.ask_text(parent, question)
        if answer is None:
            return None
        reason = answer.strip()
        if not reason:
            messages.inform(parent, "理由が空のままでは書き出せません。書き出す理由を入力してください。")
        elif len(reason) > REASON_MAX:
            messages.inform(parent, f"理由が長すぎます。{REASON_MAX}文字以内で入力してください。")
        else:
            return reason


class ProtectDialog(QDialog):
    """Whether to protect the file with a password, and the password typed twice."""

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("パスワードで保護")
        self.protect = QCheckBox("パスワードで保護する（おすすめ）")
        self.protect.setChecked(True)
        self.password = QLineEdit()
        self.again = QLineEdit()
        for edit, hint in ((self.password, f"{PASSWORD_MIN}文字以上"), (self.again, "もう一度")):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText(hint)
        self.problem = alert_label()
        self.buttons = ok_cancel(self, "次へ", self._accept)
        column(
            self,
            hint_label(
                f"{what}には個人情報が含まれます。パスワードを付けると、Excelで開くときにパスワードが必要になります。"
                "パスワードはどこにも保存されません。忘れるとファイルを開けません。"
                "渡す相手には、ファイルとは別の方法（電話など）で伝えてください。"
            ),
            self.protect,
            form(("パスワード", self.password), ("パスワード（確認）", self.again)),
            self.problem,
            self.buttons,
        )
        self.protect.toggled.connect(self._toggled)
        fit_dialog_width(self, 34)

    def _toggled(self, on: bool) -> None:
        self.password.setEnabled(on)
        self.again.setEnabled(on)
        self.problem.setText("" if on else "パスワードなしで書き出します。取り扱いに注意してください。")

    def _accept(self) -> None:
        if self.protect.isChecked():
            if len(self.password.text()) < PASSWORD_MIN:
                self.problem.setText(f"パスワードは{PASSWORD_MIN}文字以上にしてください。")
                self.password.setFocus()
                return
            if self.password.text() != self.again.text():
                self.problem.setText("2回入力したパスワードが一致しません。もう一度入力してください。")
                self.again.clear()
                self.again.setFocus()
                return
        self.accept()

    def chosen_password(self) -> str | None:
        return self.password.text() if self.protect.isChecked() else None


def choose_xlsx(parent: QWidget, suggested_name: str) -> Path | None:
    """Where the workbook goes: always the user's own choice (``.xlsx`` added when missing)."""
    dest = messages.choose_save_path(
        parent, "Excelファイルの保存先", Path.home() / suggested_name, XLSX_FILTER
    )
    if dest is None:
        return None
    return dest if dest.suffix.lower() == ".xlsx" else dest.with_name(dest.name + ".xlsx")


def _show_failure(parent: QWidget, exc: BaseException) -> None:
    from jusou_desktop.reports.pdf_common import Cancelled, PdfWriteError
    from jusou_desktop.reports.protect import PasswordError

    if isinstance(exc, Cancelled):
        messages.inform(parent, CANCELLED_TEXT)
    elif isinstance(exc, PdfWriteError | PasswordError):  # Japanese messages, not bugs
        messages.show_error(parent, JusouError(str(exc)))
    else:
        messages.show_error(parent, exc)


def write_in_background(
    parent: QWidget,
    dest: Path,
    write: Callable[[Path, Progress], None],
    on_written: Callable[[Path], None],
) -> None:
    """``write(dest, progress)`` off the GUI thread with 中止; it must not touch the database."""

    def work(progress: Progress) -> Path:
        write(dest, progress)
        return dest

    run_with_progress(
        parent,
        "Excelファイルを作成しています…",
        work,
        lambda path: on_written(Path(path)),
        lambda exc: _show_failure(parent, exc),
    )


def offer_to_open(parent: QWidget, path: Path) -> None:
    if messages.ask(parent, f"Excelファイルを保存しました。\n{path}\n開きますか？", yes="開く", no="閉じる"):
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _number_item(value: int | None, empty: str = "", *, bold: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(empty if value is None else f"{value:,}")
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if bold:
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    return item


# ---- 実績 ------------------------------------------------------------------------------------------


class JissekiPage(QWidget):
    """A 年度's figures, previewed here and written with the shipped or the town's template."""

    def __init__(self, section: ExportsSection) -> None:
        super().__init__()
        self.session = section.session
        self.year = QComboBox()
        for text, fy in fiscal_year_choices(self.session.today()):
            self.year.addItem(text, fy)
        self.year.setCurrentIndex(1)  # this 年度
        self.period = QLabel()
        self.shipped = QRadioButton("同梱の書式（実績.xlsx）")
        self.own = QRadioButton("町の書式ファイル")
        self.shipped.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.shipped)
        group.addButton(self.own)
        self.template_path = QLineEdit()
        self.template_path.setPlaceholderText("町で直した実績の書式（.xlsx）")
        self.template_path.setEnabled(False)
        choose = QPushButton("ファイルを選ぶ…")
        choose.clicked.connect(self.choose_template)
        self.own.toggled.connect(self.template_path.setEnabled)
        self.table = make_table(("項目", *MONTHS, "合計", "前年度", "目標"), stretch=range(1, 17))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)  # 29 rows: compact
        self.data: JissekiData | None = None
        self.buttons: dict[str, QPushButton] = {}
        template = QGroupBox("書式（テンプレート）")
        column(
            template,
            row_of(self.shipped, 1),
            row_of(self.own, (self.template_path, 1), choose),
            hint_label("町の書式は、書き出す前に差し込み項目を確かめます。問題があれば何も書き出しません。"),
        )
        column(
            self,
            row_of(QLabel("年度"), self.year, self.period, 1),
            template,
            hint_label(
                "月別の件数（4月〜3月）。個人情報は入りません。項目にマウスを置くと数え方が出ます。"
                "前年度の「－」は、比べる前年度のデータがないことを示します。"
            ),
            (self.table, 1),
            button_row((("Excelに書き出す…", self.export),), self.buttons),
        )
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())

    def fiscal_year(self) -> int:
        return int(self.year.currentData())

    def set_fiscal_year(self, fiscal_year: int) -> None:
        self.year.setCurrentIndex(max(0, self.year.findData(fiscal_year)))

    def set_template(self, path: Path | None) -> None:
        """Use the town's template at ``path`` (None: the shipped one)."""
        (self.own if path is not None else self.shipped).setChecked(True)
        self.template_path.setText(str(path) if path is not None else "")

    def choose_template(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "町の実績の書式", str(Path.home()), XLSX_FILTER)
        if chosen:
            self.set_template(Path(chosen))

    def refresh(self) -> None:
        fiscal_year = self.fiscal_year()
        self.period.setText(f"（{_period(fiscal_year)}）")
        ok, data = store_call(self, lambda: self.session.db.jisseki.data(fiscal_year))
        if not ok or data is None:
            return
        self.data = data
        fill_table(
            self.table, [[row.figure.label] for row in data.rows], [row.figure.key for row in data.rows]
        )
        for r, row in enumerate(data.rows):
            label = self.table.item(r, 0)
            if label is not None:
                label.setToolTip(f"{row.figure.group}（単位: {row.figure.unit}）\n{row.figure.definition}")
            for c, value in enumerate(row.monthly, start=1):
                self.table.setItem(r, c, _number_item(value))
            self.table.setItem(r, 13, _number_item(row.total, bold=True))
            self.table.setItem(r, 14, _number_item(row.previous_total, "－"))
            self.table.setItem(r, 15, _number_item(row.target))

    def _template(self) -> tuple[bool, Path | None]:
        if self.shipped.isChecked():
            return True, None
        text = self.template_path.text().strip()
        if not text:
            messages.inform(self, "町の書式ファイルを選んでください（または同梱の書式を使ってください）。")
            return False, None
        return True, Path(text).expanduser()

    def export(self) -> None:
        from jusou_desktop.reports import jisseki_xlsx
        from jusou_desktop.reports.excel_templates import Template

        ok, template = self._template()
        if not ok:
            return
        try:  # the template is checked before the user is even asked where to save
            Template.load(jisseki_xlsx.JISSEKI_TEMPLATE, template)
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        fiscal_year = self.fiscal_year()
        ok, data = store_call(self, lambda: self.session.db.jisseki.data(fiscal_year))
        if not ok or data is None:
            return
        dest = choose_xlsx(self, f"実績_{format_fiscal_year(fiscal_year)}.xlsx")
        if dest is None:
            return
        printed_on = self.session.today()

        def write(path: Path, progress: Progress) -> None:
            jisseki_xlsx.write_jisseki_xlsx(
                data,
                path,
                template=template,
                printed_on=printed_on,
                cancelled=progress.cancelled,
                progress=progress.report,
            )

        write_in_background(self, dest, write, lambda path: offer_to_open(self, path))


# ---- 成果目標 ------------------------------------------------------------------------------------


class TargetsPage(QWidget):
    """The 成果目標 of every figure; the 目標 column is edited in place and saved together."""

    saved = Signal()
    TARGET_COLUMN = 3

    def __init__(self, section: ExportsSection) -> None:
        super().__init__()
        self.session = section.session
        self.table = make_table(("区分", "項目", "単位", "成果目標", "既定値"), stretch=1)
        self.table.setEditTriggers(
            QTableWidget.EditTrigger.DoubleClicked
            | QTableWidget.EditTrigger.EditKeyPressed
            | QTableWidget.EditTrigger.AnyKeyPressed
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectItems)
        self.table.horizontalHeader().setSectionResizeMode(self.TARGET_COLUMN, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(self.TARGET_COLUMN, self.fontMetrics().horizontalAdvance("あ") * 8)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.buttons: dict[str, QPushButton] = {}
        column(
            self,
            hint_label(
                "成果目標は実績のブックの「成果目標」シートで実績と比べられます。"
                "目標の欄をダブルクリックして整数で入力し、「目標を保存」を押してください。"
                "空欄にすると目標なし（既定値のある項目は既定値）になります。"
            ),
            (self.table, 1),
            button_row((("元に戻す", self.refresh), ("目標を保存", self.save)), self.buttons),
        )

    def refresh(self) -> None:
        ok, targets = store_call(self, self.session.db.jisseki.targets)
        if not ok or targets is None:
            return
        fill_table(
            self.table,
            [
                [
                    figure.group,
                    figure.label,
                    figure.unit,
                    "",
                    "" if figure.key not in TARGET_KEYS else str(TARGET_KEYS[figure.key]),
                ]
                for figure in FIGURES
            ],
            [figure.key for figure in FIGURES],
        )
        for r, figure in enumerate(FIGURES):
            value = targets.get(figure.key)
            item = QTableWidgetItem("" if value is None else str(value))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip("整数で入力してください。")
            self.table.setItem(r, self.TARGET_COLUMN, item)

    def set_value(self, key: str, text: str) -> None:
        """Type ``text`` into the 目標 cell of the figure ``key`` (as a double-click and typing would)."""
        row = next(r for r, figure in enumerate(FIGURES) if figure.key == key)
        item = self.table.item(row, self.TARGET_COLUMN)
        assert item is not None
        item.setText(text)

    def _typed(self) -> dict[str, int | None]:
        typed: dict[str, int | None] = {}
        for r, figure in enumerate(FIGURES):
            item = self.table.item(r, self.TARGET_COLUMN)
            text = unicodedata.normalize("NFKC", item.text() if item is not None else "").strip()
            text = text.replace(",", "")
            if not text:
                typed[figure.key] = None
                continue
            try:
                typed[figure.key] = int(text)
            except ValueError:
                raise ValidationError(
                    f"「{figure.label}」の成果目標「{text}」は整数ではありません。整数で入力してください。",
                    "target",
                ) from None
        return typed

    def save(self) -> bool:
        db = self.session.db
        try:
            typed = self._typed()
            current = db.jisseki.targets()
            changes = [(key, value) for key, value in typed.items() if value != current.get(key)]
            with db.transaction():  # all targets or none
                for key, value in changes:
                    db.jisseki.set_target(key, value)
        except JusouError as exc:
            messages.show_error(self, exc)
            return False
        self.refresh()
        self.saved.emit()
        messages.inform(self, f"成果目標を保存しました（変更 {len(changes)} 項目）。")
        return True


# ---- 一覧の書き出し -------------------------------------------------------------------------------


class ListsPage(QWidget):
    """The case ledger, the agency and resource directories and the open actions, each with reason
    and password."""

    exported = Signal()

    def __init__(self, section: ExportsSection) -> None:
        super().__init__()
        self.session = section.session
        self.current_case_filter = section.current_case_filter
        self.ledger_filter = hint_label()
        self.buttons: dict[str, QPushButton] = {}
        boxes = []
        for title, text, button, slot in (
            (
                "ケース台帳（ケース一覧の今の絞り込み）",
                "ケース一覧で今絞り込んでいるケースを、氏名・受付日・状態・主担当などとともに書き出します。",
                "ケース台帳を書き出す…",
                self.export_ledger,
            ),
            (
                "関係機関一覧",
                "登録している関係機関の名前・分野・担当部署・連絡先を書き出します。",
                "関係機関一覧を書き出す…",
                self.export_agencies,
            ),
            (
                "地域資源一覧（参加支援）",
                "地域資源の種類・内容・対象・場所・日時・連絡先と、利用中・定着の人数を書き出します（氏名なし）。",
                "地域資源一覧を書き出す…",
                self.export_resources,
            ),
            (
                "役割一覧（行動連携）",
                "未完了の役割を期限の順に書き出します（ケース番号のみ・氏名なし）。",
                "役割一覧を書き出す…",
                self.export_actions,
            ),
        ):
            box = QGroupBox(title)
            extra: list[Any] = [self.ledger_filter] if slot == self.export_ledger else []
            column(box, hint_label(text), *extra, button_row(((button, slot),), self.buttons))
            boxes.append(box)
        column(
            self,
            hint_label(
                "どの一覧にも個人情報が含まれます。書き出すたびに理由を入力していただき、"
                "日時・利用者・件数・ファイル名とともに「書き出しの記録」に残します。"
                "パスワードを付けると、Excelで開くときにパスワードが必要になります。"
            ),
            *boxes,
            1,
        )

    def refresh(self) -> None:
        flt, text = self.current_case_filter()
        ok, count = store_call(self, lambda: self.session.db.cases.count(flt))
        counted = f"（{count}件）" if ok and count is not None else ""
        self.ledger_filter.setText(f"今の絞り込み: {text or NO_FILTER}{counted}")

    def export_ledger(self) -> None:
        flt, text = self.current_case_filter()
        filter_text = text.strip() or NO_FILTER
        db = self.session.db
        ok, rows = store_call(self, lambda: db.cases.rows(flt, limit=max(1, db.cases.count(flt))))
        if ok and rows is not None:
            self._export(KIND_LEDGER, rows, filter_text, "write_case_ledger_xlsx", filter_text=filter_text)

    def export_agencies(self) -> None:
        ok, agencies = store_call(self, self.session.db.agencies.list)
        if ok and agencies is not None:
            self._export(KIND_AGENCIES, agencies, ALL_AGENCIES, "write_agency_directory_xlsx")

    def export_resources(self) -> None:
        ok, entries = store_call(self, self.session.db.resources.directory)
        if ok and entries is not None:
            self._export(KIND_RESOURCES, entries, ALL_RESOURCES, "write_resource_directory_xlsx")

    def export_actions(self) -> None:
        today = self.session.today()
        ok, actions = store_call(self, lambda: self.session.db.meetings.open_actions(today=today))
        if ok and actions is not None:
            what = f"{ALL_AGENCIES}の未完了の役割"
            self._export(KIND_ACTIONS, actions, what, "write_open_actions_xlsx", audience=ALL_AGENCIES)

    def _export(self, kind: str, rows: Sequence[Any], condition: str, writer: str, **extra: str) -> None:
        """Reason → password → destination → ``ledger_xlsx.<writer>`` in the background → record.

        ``rows`` were read on the GUI thread; the writer only turns them into the file.  A file
        whose export cannot be recorded is removed.
        """
        from jusou_desktop.reports import ledger_xlsx

        count = len(rows)
        town, today = self.session.db.settings.town_name(), self.session.today()
        reason = ask_reason(self, kind, count)
        if reason is None:
            return
        protect = ProtectDialog(kind, self)
        accepted = protect.exec() == QDialog.DialogCode.Accepted
        password = protect.chosen_password()
        protect.deleteLater()
        if not accepted:
            return
        dest = choose_xlsx(self, f"{kind}_{self.session.today():%Y%m%d}.xlsx")
        if dest is None:
            return

        def written(path: Path) -> None:
            try:
                self.session.db.export_log.record(
                    kind,
                    by=self.session.user_name,
                    reason=reason,
                    rows=count,
                    protected=password is not None,
                    file_name=path.name,
                    filter_text=condition,
                )
            except JusouError as exc:  # an export that cannot be recorded must not stay on disk
                path.unlink(missing_ok=True)
                messages.show_error(
                    self,
                    JusouError(f"書き出しを記録できなかったため、ファイルを削除しました。\n{exc.message}"),
                )
                return
            self.exported.emit()
            offer_to_open(self, path)

        def write(path: Path, progress: Progress) -> None:
            getattr(ledger_xlsx, writer)(
                rows,
                path,
                town=town,
                printed_on=today,
                password=password,
                cancelled=progress.cancelled,
                progress=progress.report,
                **extra,
            )

        write_in_background(self, dest, write, written)


# ---- 取り込み・書き出しの記録 ------------------------------------------------------------------------


class LogPage(QWidget):
    HEADERS = ("日時", "利用者", "書き出したもの", "条件", "件数", "パスワード", "ファイル名", "理由")

    def __init__(self, section: ExportsSection) -> None:
        super().__init__()
        self.session = section.session
        self.table = make_table(self.HEADERS, stretch=7)
        column(
            self,
            hint_label("個人情報を含む一覧の書き出しの記録（新しい順、200件まで）。記録は消せません。"),
            (self.table, 1),
        )

    def refresh(self) -> None:
        ok, entries = store_call(self, self.session.db.export_log.entries)
        if not ok or entries is None:
            return
        fill_table(
            self.table,
            [
                [
                    f"{format_wareki(e.at.date())} {e.at:%H:%M}",
                    e.by or "（利用者未設定）",
                    e.kind,
                    e.filter_text,
                    f"{e.rows}件",
                    "あり" if e.protected else "なし",
                    e.file_name,
                    e.reason,
                ]
                for e in entries
            ],
            [e.id for e in entries],
        )


# ---- the section ---------------------------------------------------------------------------------


class ExportsSection(QTabWidget):
    """「実績・出力」: one page per tab; each page is read again when it is shown."""

    changed = Signal()
    """Something was imported: the case list and the agency choices should be read again."""

    def __init__(
        self,
        session: Session,
        current_case_filter: CaseFilterSource | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.current_case_filter: CaseFilterSource = current_case_filter or _all_cases
        self.setDocumentMode(True)
        self.jisseki = JissekiPage(self)
        self.targets = TargetsPage(self)
        self.lists = ListsPage(self)
        self.import_page = ImportPage(session)
        self.log = LogPage(self)
        pages: Sequence[tuple[QWidget, str]] = (
            (self.jisseki, "実績"),
            (self.targets, "成果目標"),
            (self.lists, "一覧の書き出し"),
            (self.import_page, "取り込み"),
            (self.log, "書き出しの記録"),
        )
        for page, title in pages:
            self.addTab(page, title)
        self.targets.saved.connect(self.jisseki.refresh)
        self.lists.exported.connect(self.log.refresh)
        self.import_page.imported.connect(self.changed.emit)
        self.import_page.imported.connect(self.refresh)
        self.currentChanged.connect(lambda _i: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        page = self.currentWidget()
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()
