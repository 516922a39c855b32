"""設定「会議」: the town's names for each kind of meeting, the 定例 agenda limit, the ground rules."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.meetings import MeetingType
from jusou_desktop.gui.case_file_common import hint_label, store_call
from jusou_desktop.store.database import Database


class MeetingSettingsPage(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.names: dict[MeetingType, QLineEdit] = {}
        form = QFormLayout()
        for meeting_type in MeetingType:
            edit = QLineEdit(db.meetings.display_name(meeting_type))
            edit.setMaximumWidth(360)
            edit.setPlaceholderText(meeting_type.value)
            self.names[meeting_type] = edit
            form.addRow(f"{meeting_type.value}の呼び名", edit)
        self.limit = QSpinBox()
        self.limit.setRange(1, 10)
        self.limit.setSuffix(" 件まで")
        self.limit.setValue(db.meetings.agenda_limit())
        form.addRow("定例の会議で検討するケース", self.limit)
        self.rules = QPlainTextEdit(db.meetings.ground_rules())
        self.rules.setTabChangesFocus(True)
        self.rules.setMinimumHeight(self.rules.fontMetrics().lineSpacing() * 12)
        form.addRow("会議の心得（会議の始めに表示）", self.rules)
        save = QPushButton("会議の設定を保存")
        save.clicked.connect(self.save)
        self.message = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                "町での会議の呼び名（例: いちばんいい会議、つながる会議、さかまる会議）は、画面と案内・名簿・"
                "行動連携シートの表題に使われます。"
            )
        )
        layout.addLayout(form)
        layout.addWidget(save)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def save(self) -> bool:
        def write() -> None:
            with self.db.transaction():
                for meeting_type, edit in self.names.items():
                    self.db.meetings.set_display_name(meeting_type, edit.text().strip() or meeting_type.value)
                self.db.meetings.set_agenda_limit(self.limit.value())
                self.db.meetings.set_ground_rules(self.rules.toPlainText())

        ok, _ = store_call(self, write)
        if ok:
            self.message.setText("保存しました。")
        return ok
