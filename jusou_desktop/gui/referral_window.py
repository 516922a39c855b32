"""One referral (つなぎシート): the referrer's sheet, the coordinator's answer, history and print.

The buttons offered follow the state (domain.referral.steps_from).  Unsaved input is kept as a
draft inside the encrypted file (autosave while typing, and on lock), and offered back when the
referral is opened again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.ids import CaseId, ReferralId
from jusou_desktop.domain.referral import EDITABLE_STATES, ReferralState, ReferralStep, steps_from
from jusou_desktop.domain.sheets import Problem, Requirement, check_values
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import (
    fill_table,
    fit_dialog_width,
    hint_label,
    make_table,
    row_data,
    selected_row,
    store_call,
    wareki,
)
from jusou_desktop.gui.pdf_save import save_pdf
from jusou_desktop.gui.session import Session
from jusou_desktop.gui.sheet_form import SheetForm
from jusou_desktop.store.cases import CaseFilter
from jusou_desktop.store.referrals import Referral

DRAFT_KIND = "つなぎシート"
DRAFT_DELAY_MS = 1500


def draft_key(referral_id: ReferralId) -> str:
    return f"referral:{referral_id}"


class ReferralWidget(QWidget):
    """A referral in a tab of the つなぎ section."""

    changed = Signal()
    open_case = Signal(int)

    def __init__(
        self,
        session: Session,
        referral_id: ReferralId,
        *,
        restore_drafts: str = "ask",
        today: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.referral_id = referral_id
        self._today = today
        self.referral: Referral = session.db.referrals.get(referral_id)
        self._clean: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        self._drafted = False
        agencies = session.db.agencies.list(active_only=True)
        staff = session.db.staff.list(active_only=True)

        self.heading = QLabel()
        heading_font = self.heading.font()
        heading_font.setPointSize(heading_font.pointSize() + 3)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.summary = hint_label()
        self.case_button = QPushButton("ケースを開く")
        self.case_button.clicked.connect(self._open_case)

        self.sheet = SheetForm(self.referral.template, agencies=agencies, staff=staff)
        self.answer = (
            SheetForm(self.referral.answer_template, agencies=agencies, staff=staff)
            if self.referral.answer_template is not None
            else None
        )
        self.problems = QListWidget()
        self.problems.setMaximumWidth(300)
        self.problems.itemActivated.connect(self._jump_to_problem)
        self.problems.itemClicked.connect(self._jump_to_problem)
        self.history = make_table(("日付", "操作", "状態", "記録者", "メモ"), stretch=4)

        self.tabs = QTabWidget()
        sheet_page = QSplitter()
        sheet_page.addWidget(self.sheet)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("未記入の項目"))
        side_layout.addWidget(self.problems, 1)
        side_layout.addWidget(
            hint_label("未記入でも下書きとして保存できます。「必須」の項目がそろうと送付できます。")
        )
        sheet_page.addWidget(side)
        sheet_page.setStretchFactor(0, 1)
        self.tabs.addTab(sheet_page, self.referral.template.title)
        if self.answer is not None:
            assert self.referral.answer_template is not None
            self.tabs.addTab(self.answer, f"回答（{self.referral.answer_template.title}）")
        self.tabs.addTab(self.history, "経過")

        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        self.dirty_label = QLabel()
        bar.addWidget(self.dirty_label, 1)
        for name, text, slot in (
            ("save", "保存(&S)", self.save),
            ("send", "送付する", self.send),
            ("return", "差し戻す", self.return_to_draft),
            ("accept", "受理する…", self.accept),
            ("save_answer", "回答を保存", self.save_answer),
            ("answer", "回答する", self.submit_answer),
            ("withdraw", "取下げ…", self.withdraw),
            ("pdf", "PDFに保存…", self.save_pdf),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[name] = button
            bar.addWidget(button)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.case_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bar)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self._autosave)
        self.sheet.changed.connect(self._edited)
        if self.answer is not None:
            self.answer.changed.connect(self._edited)
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self._save_shortcut)
        self._show(self.referral)
        self._restore_draft(restore_drafts)

    # ---- showing -------------------------------------------------------------------------------

    def today(self) -> dt.date:
        return self._today or self.session.today()

    def title(self) -> str:
        name = self.referral.subject_name or "（氏名未記入）"
        return f"{self.referral.number} {name}"

    def _show(self, referral: Referral) -> None:
        self.referral = referral
        self.sheet.set_values(referral.values)
        if self.answer is not None:
            self.answer.set_values(referral.answer_values)
        self._clean = (self.sheet.values(), self.answer.values() if self.answer else {})
        self.sheet.set_read_only(referral.state not in EDITABLE_STATES)
        if self.answer is not None:
            self.answer.set_read_only(referral.state is not ReferralState.ACCEPTED)
        self.heading.setText(f"つなぎシート {referral.number}　［{referral.state.value}］")
        parts = [
            f"本人: {referral.subject_name or '（未記入）'}",
            f"紹介元: {referral.source_agency_name or '（未記入）'} {referral.source_staff_name}".rstrip(),
            f"作成: {wareki(referral.created_on)}",
        ]
        if referral.sent_on:
            parts.append(f"送付: {wareki(referral.sent_on)}")
        waiting = referral.waiting_days(self.today())
        if waiting is not None:
            parts.append(f"{'回答まで' if referral.answered_on else '送付から'} {waiting} 日")
        if referral.case_number:
            parts.append(f"ケース: {referral.case_number}")
        if referral.withdraw_reason:
            parts.append(f"取下げの理由: {referral.withdraw_reason}")
        self.summary.setText("　".join(parts))
        self.case_button.setEnabled(referral.case_id is not None)
        events = self.session.db.referrals.events(referral.id)
        fill_table(
            self.history,
            [[wareki(e.on), e.step, e.to_state.value, e.by, e.note] for e in reversed(events)],
        )
        steps = steps_from(referral.state)
        editable = referral.state in EDITABLE_STATES
        answering = referral.state is ReferralState.ACCEPTED and self.answer is not None
        visible = {
            "save": editable,
            "send": ReferralStep.SEND in steps,
            "return": ReferralStep.RETURN in steps,
            "accept": ReferralStep.ACCEPT in steps,
            "save_answer": answering,
            "answer": answering,
            "withdraw": ReferralStep.WITHDRAW in steps,
            "pdf": True,
        }
        for name, button in self.buttons.items():
            button.setVisible(visible[name])
        if answering:
            self.tabs.setCurrentIndex(1)
        self._show_problems()
        self._mark_dirty()

    def _show_problems(self) -> None:
        problems = check_values(self.referral.template, self.sheet.values())
        self.sheet.show_problems(problems)
        self.problems.clear()
        for problem in problems:
            mark = "必須" if problem.level is Requirement.BLOCK else "未記入"
            item = QListWidgetItem(f"［{mark}］{problem.part}　{problem.label}")
            item.setData(Qt.ItemDataRole.UserRole, problem.field_key)
            if problem.level is Requirement.BLOCK:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.problems.addItem(item)
        if not problems:
            self.problems.addItem("（なし）")

    def _jump_to_problem(self, item: QListWidgetItem) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        if key:
            self.tabs.setCurrentIndex(0)
            self.sheet.focus_field(str(key))

    def problems_shown(self) -> list[Problem]:
        return list(check_values(self.referral.template, self.sheet.values()))

    # ---- dirty state and drafts -------------------------------------------------------------------

    def _current(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.sheet.values(), self.answer.values() if self.answer else {}

    def has_unsaved_changes(self) -> bool:
        return self._current() != self._clean

    def _mark_dirty(self) -> None:
        self.dirty_label.setText("未保存の変更があります" if self.has_unsaved_changes() else "")

    def _edited(self) -> None:
        self._mark_dirty()
        self._show_problems()
        self._draft_timer.start()

    def save_draft(self) -> bool:
        """Keep the unsaved input in the encrypted file (before a lock, or while typing)."""
        self._draft_timer.stop()
        if not self.session.db.is_open:
            return False
        if self.has_unsaved_changes():
            sheet, answer = self._current()
            self.session.db.drafts.save(
                draft_key(self.referral_id),
                DRAFT_KIND,
                {"sheet": sheet, "answer": answer, "state": self.referral.state.value},
                title=f"つなぎシート {self.referral.number}",
                author=self.session.user_name,
            )
            self._drafted = True
        elif self._drafted:
            self.session.db.drafts.discard(draft_key(self.referral_id))
            self._drafted = False
        return True

    def _autosave(self) -> None:
        try:
            self.save_draft()
        except JusouError as exc:
            messages.show_error(self, exc)

    def _discard_draft(self) -> None:
        self._draft_timer.stop()
        if self.session.db.is_open:
            store_call(self, lambda: self.session.db.drafts.discard(draft_key(self.referral_id)))
        self._drafted = False

    def _restore_draft(self, mode: str) -> None:
        if mode == "never":
            return
        ok, draft = store_call(self, lambda: self.session.db.drafts.get(draft_key(self.referral_id)))
        if not ok or draft is None:
            return
        if draft.payload.get("state") != self.referral.state.value:
            self._discard_draft()  # the sheet moved on since; the draft no longer applies
            return
        if mode == "ask":
            question = (
                f"このつなぎシートに保存されていない入力があります（{wareki(draft.updated_at.date())}"
                f" {draft.updated_at:%H:%M}）。復元しますか？"
            )
            if not messages.ask(self, question, yes="復元する", no="破棄する"):
                self._discard_draft()
                return
        self.sheet.set_values(draft.payload.get("sheet", {}))
        if self.answer is not None:
            self.answer.set_values(draft.payload.get("answer", {}))
        self._drafted = True
        self._show_problems()
        self._mark_dirty()

    def maybe_close(self) -> bool:
        if not self.has_unsaved_changes():
            return True
        answer = messages.ask_three(
            self, "保存されていない変更があります。保存しますか？", save="保存する", discard="破棄する"
        )
        if answer == "save":
            return self._save_what_changed()
        if answer == "discard":
            self._discard_draft()
            return True
        return False

    def _save_what_changed(self) -> bool:
        sheet, answer = self._current()
        ok = True
        if sheet != self._clean[0]:
            ok = self.save() and ok
        if answer != self._clean[1]:
            ok = self.save_answer() and ok
        return ok

    def _save_shortcut(self) -> None:
        if self.has_unsaved_changes():
            self._save_what_changed()

    # ---- steps ---------------------------------------------------------------------------------

    def _reload(self) -> None:
        ok, referral = store_call(self, lambda: self.session.db.referrals.get(self.referral_id))
        if ok and referral is not None:
            self._show(referral)
        self.changed.emit()

    def save(self) -> bool:
        """Save the referrer's sheet as it is (missing information never blocks this)."""
        values = self.sheet.values()
        ok, _ = store_call(self, lambda: self.session.db.referrals.save_values(self.referral_id, values))
        if ok:
            self._discard_draft()
            self._reload()
        return ok

    def send(self) -> bool:
        if self.referral.state in EDITABLE_STATES and self.has_unsaved_changes() and not self.save():
            return False
        user = self.session.user_name
        ok, _ = store_call(
            self, lambda: self.session.db.referrals.send(self.referral_id, on=self.today(), by=user)
        )
        if not ok:
            self._show_problems()
            problems = [p for p in self.problems_shown() if p.level is Requirement.BLOCK]
            if problems:
                self.tabs.setCurrentIndex(0)
                self.sheet.focus_field(problems[0].field_key)
            return False
        self._reload()
        return True

    def return_to_draft(self) -> bool:
        note = messages.ask_text(self, "差し戻す理由（紹介元に伝えること）を入力してください。")
        if note is None:
            return False
        user = self.session.user_name
        ok, _ = store_call(
            self,
            lambda: self.session.db.referrals.return_to_draft(
                self.referral_id, on=self.today(), by=user, note=note
            ),
        )
        if ok:
            self._reload()
        return ok

    def withdraw(self) -> bool:
        reason = messages.ask_text(self, "取下げの理由を入力してください。")
        if reason is None:
            return False
        user = self.session.user_name
        ok, _ = store_call(
            self,
            lambda: self.session.db.referrals.withdraw(
                self.referral_id, on=self.today(), reason=reason, by=user
            ),
        )
        if ok:
            self._discard_draft()
            self._reload()
        return ok

    def accept(self) -> bool:
        dialog = AcceptDialog(self.session, self.referral, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.accept_with(dialog.chosen_case)

    def accept_with(self, case_id: CaseId | None) -> bool:
        """受理: link ``case_id``, or open a new case from the sheet when it is None."""
        user, on = self.session.user_name, self.today()
        if case_id is None:
            ok, _ = store_call(
                self, lambda: self.session.db.referrals.accept_as_new_case(self.referral_id, on=on, by=user)
            )
        else:
            ok, _ = store_call(
                self,
                lambda: self.session.db.referrals.accept(self.referral_id, on=on, case_id=case_id, by=user),
            )
        if ok:
            self._rebuild_answer_form()
            self._reload()
        return ok

    def _rebuild_answer_form(self) -> None:
        """After 受理 the referral has an answer sheet: add its tab."""
        referral = self.session.db.referrals.get(self.referral_id)
        if self.answer is not None or referral.answer_template is None:
            return
        self.answer = SheetForm(
            referral.answer_template,
            agencies=self.session.db.agencies.list(active_only=True),
            staff=self.session.db.staff.list(active_only=True),
        )
        self.answer.changed.connect(self._edited)
        self.tabs.insertTab(1, self.answer, f"回答（{referral.answer_template.title}）")

    def save_answer(self) -> bool:
        if self.answer is None:
            return False
        values = self.answer.values()
        ok, _ = store_call(
            self, lambda: self.session.db.referrals.save_answer_values(self.referral_id, values)
        )
        if ok:
            self._discard_draft()
            self._reload()
        return ok

    def submit_answer(self) -> bool:
        if self.answer is None:
            return False
        values = self.answer.values()
        ok, answer = store_call(
            self,
            lambda: self.session.db.referrals.answer(self.referral_id, values, by=self.session.user_name),
        )
        if not ok:
            return False
        self._discard_draft()
        self._reload()
        if answer is not None:
            done = "、".join(a.value for a in answer.actions)
            messages.inform(
                self,
                f"回答を記録しました（{done}）。\nケースの経過記録・チーム・予定に反映しました。"
                + (
                    "\n支援会議の開催依頼は「会議」で予定に組み込めます。" if "支援会議を開催" in done else ""
                ),
            )
        return True

    def _open_case(self) -> None:
        if self.referral.case_id is not None:
            self.open_case.emit(int(self.referral.case_id))

    # ---- printing ------------------------------------------------------------------------------

    def save_pdf(self) -> None:
        """Write the sheet (and the answer) as an A4 PDF where the user chooses, then offer to open it."""
        from jusou_desktop.reports.referral_print import referral_document, suggested_file_name

        if self.has_unsaved_changes() and not messages.ask(
            self, "保存されていない変更は印刷されません。保存済みの内容でPDFを作りますか？"
        ):
            return
        ok, document = store_call(
            self, lambda: referral_document(self.session.db, self.referral_id, self.today())
        )
        if not ok or document is None:
            return
        write_pdf(self, document, suggested_file_name(document))


def write_pdf(parent: QWidget, document: Any, file_name: str) -> None:
    """A referral sheet or blank form, saved where the user chooses."""
    from jusou_desktop.reports.sheet_pdf import write_sheet_pdf

    save_pdf(parent, write_sheet_pdf, document, file_name)


class AcceptDialog(QDialog):
    """受理: link the referral to an existing case (same kana and birth date first) or open a new one."""

    def __init__(self, session: Session, referral: Referral, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.referral = referral
        self.chosen_case: CaseId | None = None
        self.setWindowTitle(f"受理 — つなぎシート {referral.number}")
        fit_dialog_width(self, 46)
        duplicates = session.db.referrals.duplicates(referral.id)
        intro = hint_label(
            "このつなぎシートをどのケースとして扱うか選んでください。"
            + (
                f"\nフリガナと生年月日が同じ人が {len(duplicates)} 人います。同じ人なら、そのケースに結び付けてください。"
                if duplicates
                else ""
            )
        )
        self.search = QLineEdit()
        self.search.setPlaceholderText("氏名・フリガナ・ケース番号で既存のケースを検索")
        self.search.textChanged.connect(self._search)
        self.table = make_table(("ケース番号", "氏名", "フリガナ", "状態", "受付日", "一致"), stretch=1)
        self.table.doubleClicked.connect(lambda _i: self._link())
        link = QPushButton("選んだケースに結び付けて受理")
        link.clicked.connect(self._link)
        new = QPushButton("新しいケースとして受理")
        new.clicked.connect(self._new)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        buttons.addButton(link, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(new, QDialogButtonBox.ButtonRole.ActionRole)
        self.link_button, self.new_button = link, new
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self._duplicate_numbers = {n for d in duplicates for n in d.case_numbers}
        if referral.case_id is not None:
            self._duplicate_numbers.add(referral.case_number)
        self._fill(self._duplicate_rows())
        if self.table.rowCount():
            self.table.selectRow(0)

    def _duplicate_rows(self) -> list[Any]:
        rows = []
        for number in sorted(self._duplicate_numbers):
            rows += [
                r for r in self.session.db.cases.rows(CaseFilter(text=number), limit=5) if r.number == number
            ]
        return rows

    def _fill(self, rows: list[Any]) -> None:
        fill_table(
            self.table,
            [
                [
                    r.number,
                    r.name,
                    r.kana,
                    r.status.value,
                    wareki(r.opened_on),
                    "フリガナ・生年月日が一致" if r.number in self._duplicate_numbers else "",
                ]
                for r in rows
            ],
            [int(r.id) for r in rows],
        )

    def _search(self, text: str) -> None:
        if not text.strip():
            self._fill(self._duplicate_rows())
            return
        ok, rows = store_call(self, lambda: self.session.db.cases.rows(CaseFilter(text=text), limit=50))
        if ok and rows is not None:
            self._fill(rows)

    def _link(self) -> None:
        row = selected_row(self.table)
        if row is None:
            messages.inform(self, "結び付けるケースを一覧から選んでください。")
            return
        self.chosen_case = CaseId(int(row_data(self.table, row)))  # type: ignore[call-overload]
        self.accept()

    def _new(self) -> None:
        if self._duplicate_numbers and not messages.ask(
            self,
            "同じ人と思われるケースがあります。それでも新しいケースを作りますか？",
            yes="新しく作る",
            no="戻る",
        ):
            return
        self.chosen_case = None
        self.accept()
