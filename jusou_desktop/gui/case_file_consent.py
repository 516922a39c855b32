"""ケースファイル「本人同意」: 情報共有への本人同意, its history, and what it means for meetings."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.consent import meeting_kind_for, why_not_jusou
from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import Case, Consent, ConsentMethod, ConsentState
from jusou_desktop.gui.case_file_common import (
    chosen,
    date_field,
    enum_combo,
    fill_table,
    hint_label,
    make_table,
    store_call,
    wareki,
)
from jusou_desktop.gui.session import Session


def describe_consent(consent: Consent | None) -> str:
    """One line: 「あり（令和6年4月1日・書面）範囲：… 税情報を含む」."""
    if consent is None:
        return "確認中（まだ記録がありません）"
    details = [wareki(consent.recorded_on)]
    if consent.method is not None:
        details.append(consent.method.value)
    text = f"{consent.state.value}（{'・'.join(details)}）"
    if consent.scope:
        text += f"　範囲：{consent.scope}"
    if consent.state == ConsentState.GIVEN:
        text += "　税情報を含む" if consent.covers_tax_info else "　税情報は含まない"
    return text


def meeting_hint(consent: Consent | None) -> str:
    """Which meeting the case can go to, and why (domain.md §2.4)."""
    state = consent.state if consent else ConsentState.PENDING
    kind = meeting_kind_for(state).value
    reason = why_not_jusou(state)
    if reason is not None:
        return f"同意がないため、会議は{kind}で扱います。\n{reason}"
    hint = f"同意があるため、会議は{kind}で扱えます。"
    if consent is not None and not consent.covers_tax_info:
        hint += "\n税情報は同意の範囲に含まれていないため、会議でも共有できません。"
    return hint


class ConsentTab(QWidget):
    saved = Signal()

    def __init__(self, session: Session, case_id: CaseId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id

        self.current = QLabel()
        font = QFont(self.current.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.current.setFont(font)
        self.current.setWordWrap(True)
        self.hint = hint_label()
        current_box = QGroupBox("現在の本人同意（情報共有への同意）")
        current_layout = QVBoxLayout(current_box)
        current_layout.addWidget(self.current)
        current_layout.addWidget(self.hint)
        current_layout.addStretch(1)

        self.state = enum_combo(list(ConsentState))
        self.recorded_on = date_field()
        self.method = enum_combo(list(ConsentMethod), empty="（未記入）")
        self.scope = QLineEdit()
        self.scope.setPlaceholderText("例：支援関係機関との情報共有")
        self.covers_tax = QCheckBox("税情報を含む（地方税法22条の情報の共有にも同意）")
        self.note = QLineEdit()
        self.record_button = QPushButton("同意を記録")
        record_box = QGroupBox("同意を記録する（記録は履歴として残り、最新の記録が現在の同意になります）")
        form = QFormLayout(record_box)
        form.addRow("同意", self.state)
        form.addRow("確認日", self.recorded_on)
        form.addRow("方法", self.method)
        form.addRow("範囲", self.scope)
        form.addRow("", self.covers_tax)
        form.addRow("備考", self.note)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.record_button)
        form.addRow(button_row)

        self.history = make_table(
            ("確認日", "同意", "方法", "範囲", "税情報", "記録者", "備考"), stretch=(3, 6)
        )
        history_box = QGroupBox("同意の履歴（新しい順）")
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.history)

        top = QHBoxLayout()
        top.addWidget(current_box, 1)
        top.addWidget(record_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(history_box, 1)

        self.state.currentIndexChanged.connect(self._state_changed)
        self.record_button.clicked.connect(self.record)
        self._state_changed()

    def _state_changed(self, *_args: object) -> None:
        given = chosen(self.state, ConsentState) == ConsentState.GIVEN
        self.covers_tax.setEnabled(given)
        if not given:
            self.covers_tax.setChecked(False)

    def load(self, case: Case) -> None:
        self.current.setText(describe_consent(case.consent))
        self.hint.setText(meeting_hint(case.consent))
        history = self.session.db.cases.consent_history(self.case_id)
        rows = [
            (
                wareki(c.recorded_on),
                c.state.value,
                c.method.value if c.method else "",
                c.scope,
                ("含む" if c.covers_tax_info else "含まない") if c.state == ConsentState.GIVEN else "",
                c.recorded_by,
                c.note,
            )
            for c in history
        ]
        fill_table(self.history, rows)

    def record(self) -> bool:
        consent = Consent(
            state=chosen(self.state, ConsentState) or ConsentState.PENDING,
            recorded_on=self.recorded_on.date(),
            method=chosen(self.method, ConsentMethod),
            scope=self.scope.text().strip(),
            covers_tax_info=self.covers_tax.isChecked(),
            recorded_by=self.session.user_name,
            note=self.note.text().strip(),
        )
        ok, _ = store_call(self, lambda: self.session.db.cases.record_consent(self.case_id, consent))
        if ok:
            self.scope.clear()
            self.note.clear()
            self.saved.emit()
        return ok
