"""ケースファイル「状態」: the case's place in its lifecycle, the allowed moves and the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import Case, CaseStatus
from jusou_desktop.domain.status import Transition, refusal_reason, transitions_from
from jusou_desktop.gui.case_file_common import (
    date_field,
    fill_table,
    fit_dialog_width,
    hint_label,
    make_table,
    store_call,
    wareki,
)
from jusou_desktop.gui.session import Session

S = CaseStatus

REASON_GUIDANCE: dict[CaseStatus, str] = {
    S.CLOSED: "終結は、主な支援者が決まり多機関協働事業者の関与なしで支援が続く場合や、課題が解決した場合に判断します。"
    "判断の際は重層的支援会議（本人同意がない場合は支援会議）で確認してください。",
    S.SUSPENDED: "中断は、本人と連絡がまったく取れなくなり、訪問・近隣・民生委員などへの働きかけを記録したうえで決定します。",
    S.ASSESSMENT: "再開すると、アセスメントからやり直します。これまでの記録と履歴はそのまま残ります。",
}


class ReasonDialog(QDialog):
    """Asks for the reason (required) and the date of a move; ``submit`` stores it."""

    def __init__(
        self,
        source: CaseStatus,
        step: Transition,
        on: dt.date,
        submit: Callable[[str, dt.date], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._submit = submit
        self.setWindowTitle(f"状態の変更：{step.label}")
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("理由を記入してください（必須）")
        self.reason.setMinimumHeight(self.reason.fontMetrics().lineSpacing() * 5)
        self.changed_on = date_field(on)
        intro = hint_label(f"「{source.value}」から「{step.target.value}」へ移します。")
        form = QFormLayout()
        form.addRow("理由（必須）", self.reason)
        form.addRow("変更日", self.changed_on)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("変更する", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("キャンセル", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        guidance = REASON_GUIDANCE.get(step.target)
        if guidance:
            layout.addWidget(hint_label(guidance))
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        fit_dialog_width(self)
        self.reason.textChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        filled = bool(self.reason.toPlainText().strip())
        self.ok_button.setEnabled(filled)
        self.ok_button.setToolTip("" if filled else "理由を記入すると押せるようになります")

    def _try_accept(self) -> None:
        if self.reason.toPlainText().strip() and self._submit(
            self.reason.toPlainText(), self.changed_on.date()
        ):
            self.accept()


def _clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


class StatusTab(QWidget):
    saved = Signal()

    def __init__(self, session: Session, case_id: CaseId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        self.status = S.RECEIVED
        self.transition_buttons: dict[CaseStatus, QPushButton] = {}
        self.refused_buttons: dict[CaseStatus, QPushButton] = {}
        self.reason_dialog: ReasonDialog | None = None

        self.current = QLabel()
        font = QFont(self.current.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.current.setFont(font)
        self.changed_on = date_field()
        self.allowed_row = QHBoxLayout()
        self.refused_row = QHBoxLayout()
        self.refused_reasons = hint_label()
        move_box = QGroupBox("状態を変更する")
        move_form = QFormLayout()
        move_form.addRow("現在の状態", self.current)
        move_form.addRow("変更日", self.changed_on)
        move_form.addRow("次の状態へ", self.allowed_row)
        move_form.addRow("移れない状態", self.refused_row)
        move_layout = QVBoxLayout(move_box)
        move_layout.addLayout(move_form)
        move_layout.addWidget(self.refused_reasons)

        self.history = make_table(("日付", "変更前", "変更後", "理由", "記録者"), stretch=3)
        history_box = QGroupBox("状態の履歴（新しい順）")
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.history)

        layout = QVBoxLayout(self)
        layout.addWidget(move_box)
        layout.addWidget(history_box, 1)

    def load(self, case: Case) -> None:
        self.status = case.status
        self.current.setText(case.status.value)
        self._show_buttons()
        history = list(reversed(self.session.db.cases.status_history(self.case_id)))
        rows = [
            (
                wareki(h.changed_on),
                h.from_status.value if h.from_status else "（新規）",
                h.to_status.value,
                h.reason,
                h.changed_by,
            )
            for h in history
        ]
        fill_table(self.history, rows)

    def _show_buttons(self) -> None:
        _clear(self.allowed_row)
        _clear(self.refused_row)
        self.transition_buttons.clear()
        self.refused_buttons.clear()
        steps = transitions_from(self.status)
        for step in steps:
            button = QPushButton(step.label + ("…" if step.needs_reason else ""))
            tip = f"「{self.status.value}」から「{step.target.value}」へ移します。"
            button.setToolTip(tip + ("理由の記入が必要です。" if step.needs_reason else ""))
            button.clicked.connect(lambda _checked=False, s=step: self.request(s))
            self.allowed_row.addWidget(button)
            self.transition_buttons[step.target] = button
        self.allowed_row.addStretch(1)
        allowed = {step.target for step in steps}
        reasons = []
        for target in CaseStatus:
            if target in allowed:
                continue
            why = refusal_reason(self.status, target) or ""
            button = QPushButton(target.value)
            button.setEnabled(False)
            button.setToolTip(why)
            self.refused_row.addWidget(button)
            self.refused_buttons[target] = button
            if target != self.status:
                reasons.append(f"・{target.value}：{why}")
        self.refused_row.addStretch(1)
        self.refused_reasons.setText("\n".join(reasons))

    def request(self, step: Transition) -> None:
        """The button of ``step`` was pressed: move at once, or ask for the reason first."""
        if not step.needs_reason:
            self._move(step.target, "", self.changed_on.date(), self)
            return

        def submit(reason: str, on: dt.date) -> bool:
            return self._move(step.target, reason, on, dialog)

        dialog = ReasonDialog(self.status, step, self.changed_on.date(), submit, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.reason_dialog = dialog
        dialog.open()

    def _forget_dialog(self, dialog: ReasonDialog) -> None:
        if self.reason_dialog is dialog:
            self.reason_dialog = None
        dialog.deleteLater()

    def _move(self, target: CaseStatus, reason: str, on: dt.date, parent: QWidget) -> bool:
        db = self.session.db
        ok, _ = store_call(
            parent,
            lambda: db.cases.change_status(
                self.case_id, target, on=on, reason=reason, by=self.session.user_name
            ),
        )
        if ok:
            self.saved.emit()
        return ok
