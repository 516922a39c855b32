"""One conference (会議) in a tab: 心得, basics, agenda, attendees, minutes with the 支援計画, print.

The rules (consent, 守秘義務, 行動連携) are the store's: a refusal is shown in its own words and
nothing changes.  Minutes and basics that are typed but not saved survive a refresh of the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.consent import why_not_jusou
from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.ids import CaseId, StaffId
from jusou_desktop.domain.meetings import (
    Action,
    AgendaItem,
    Attendee,
    AttendeeKind,
    Meeting,
    MeetingState,
    MeetingType,
    Reason,
)
from jusou_desktop.domain.model import ConsentState
from jusou_desktop.domain.schedule import parse_time_range
from jusou_desktop.gui import messages
from jusou_desktop.gui.agencies import AgencyPicker
from jusou_desktop.gui.case_file_common import (
    date_field,
    enum_combo,
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
from jusou_desktop.store.cases import CaseFilter

WEEKDAYS = "月火水木金土日"
SUPPORT_NOTICE = "支援会議: 出席者全員の守秘義務の確認が必要です（社会福祉法第106条の6）"
PLEDGE_METHOD = "署名"
ALERT = "color: #b00020;"


def day_text(day: dt.date) -> str:
    """「令和6年6月11日（火）」."""
    return f"{wareki(day)}（{WEEKDAYS[day.weekday()]}）"


def time_text(start: dt.time | None, end: dt.time | None) -> str:
    if start is None:
        return ""
    return f"{start.hour}:{start.minute:02d}〜" + (f"{end.hour}:{end.minute:02d}" if end else "")


def parse_times(text: str) -> tuple[dt.time | None, dt.time | None]:
    """An empty box means the time is not decided yet; anything else must read as a range."""
    return (None, None) if not text.strip() else parse_time_range(text)


def line(placeholder: str = "", text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


def alert_label(text: str = "") -> QLabel:
    label = hint_label(text)
    label.setStyleSheet(ALERT)
    return label


def form(*rows: tuple[str, QWidget | QLayout]) -> QFormLayout:
    layout = QFormLayout()
    for label, field in rows:
        layout.addRow(label, field)
    return layout


Item = QWidget | QLayout | int | tuple[QWidget | QLayout, int]
"""In a row or column: a widget or layout, a stretch (int), or a (widget, stretch) pair."""


def _lay_out(layout: QBoxLayout, items: Iterable[Item]) -> None:
    for item in items:
        target, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(target, int):
            layout.addStretch(target)
        elif isinstance(target, QWidget):
            layout.addWidget(target, stretch)
        else:
            layout.addLayout(target, stretch)


def row_of(*items: Item) -> QHBoxLayout:
    row = QHBoxLayout()
    _lay_out(row, items)
    return row


def column(parent: QWidget, *items: Item, margins: bool = True) -> QVBoxLayout:
    """``parent``'s vertical layout."""
    layout = QVBoxLayout(parent)
    if not margins:
        layout.setContentsMargins(0, 0, 0, 0)
    _lay_out(layout, items)
    return layout


def button_row(
    specs: Sequence[tuple[str, Callable[[], object]]], into: dict[str, QPushButton]
) -> QHBoxLayout:
    """Buttons at the right, kept in ``into`` by their text."""
    row = row_of(1)
    for text, slot in specs:
        button = QPushButton(text)
        button.clicked.connect(lambda _c=False, s=slot: s())
        row.addWidget(button)
        into[text] = button
    return row


def ok_cancel(dialog: QDialog, ok_text: str, on_ok: Callable[[], None]) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def paint(table: QTableWidget, row: int, columns: Iterable[int] | None = None) -> None:
    """Red text (overdue, missing pledge) in ``row``."""
    for c in range(table.columnCount()) if columns is None else columns:
        cell = table.item(row, c)
        if cell is not None:
            cell.setForeground(Qt.GlobalColor.red)


class MeetingWidget(QWidget):
    """A meeting in a tab of the 会議 section."""

    changed = Signal()
    open_case = Signal(int)

    def __init__(self, session: Session, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.meeting_id = meeting_id
        self.meeting: Meeting = session.db.meetings.get(meeting_id)
        self._clean_basics: dict[str, Any] = {}
        self._clean_minutes: dict[str, Any] = {}
        self._minutes_case: CaseId | None = None
        self.buttons: dict[str, QPushButton] = {}
        self.agenda_buttons: dict[str, QPushButton] = {}
        self.attendee_buttons: dict[str, QPushButton] = {}

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.info = hint_label()
        self.notice = alert_label(SUPPORT_NOTICE)
        self.notice.setStyleSheet(ALERT + " font-weight: bold;")
        self.rules_toggle = QToolButton()
        self.rules_toggle.setText("会議の心得")
        self.rules_toggle.setCheckable(True)
        self.rules_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.rules_toggle.setStyleSheet("QToolButton { border: none; font-weight: bold; }")
        rules = session.db.meetings.ground_rules().strip()
        self.rules = QPlainTextEdit(rules.removeprefix("会議の心得").lstrip("\n"))
        self.rules.setReadOnly(True)
        self.rules.setMaximumHeight(self.rules.fontMetrics().lineSpacing() * 7)
        self.rules_toggle.toggled.connect(self._toggle_rules)
        self.rules_toggle.setChecked(True)
        self._toggle_rules(True)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._basics_page(), "基本")
        self.tabs.addTab(self._agenda_page(), "検討するケース")
        self.tabs.addTab(self._attendee_page(), "出席者")
        self.tabs.addTab(self._minutes_page(), "記録と支援計画")
        bar = button_row(
            (
                ("開催済にする", self.hold),
                ("中止…", self.cancel),
                ("案内をPDFに…", lambda: self.save_pdf("notice")),
                ("出席者名簿をPDFに…", lambda: self.save_pdf("attendees")),
                ("行動連携シートをPDFに…", lambda: self.save_pdf("actions")),
            ),
            self.buttons,
        )
        column(self, self.heading, self.info, self.notice, self.rules_toggle, self.rules, (self.tabs, 1), bar)
        self._show(self.meeting, keep_edits=False)

    # ---- pages -----------------------------------------------------------------------------------

    def _basics_page(self) -> QWidget:
        page = QWidget()
        self.kind_label = QLabel()
        self.title_edit = line()
        self.on = date_field(self.meeting.on)
        self.times = line("例: 14:00〜15:30（未定なら空欄）")
        self.place, self.convenor = line(), line()
        self.purpose = line("例: 情報共有と役割分担")
        self.landing = line("例: 次の訪問の担当と日程を決める")
        fields = form(
            ("種類", self.kind_label),
            ("会議名", self.title_edit),
            ("開催日", self.on),
            ("時間", self.times),
            ("場所", self.place),
            ("招集者", self.convenor),
            ("目的（今日は何をする会議か）", self.purpose),
            ("到達点（どこまで決めるか）", self.landing),
        )
        note = hint_label("目的と到達点は会議の冒頭で確認し、案内にも印刷されます。")
        column(page, fields, note, 1, button_row((("保存", self.save_basics),), self.buttons))
        return page

    def _agenda_page(self) -> QWidget:
        page = QWidget()
        self.agenda = make_table(("ケース番号", "本人", "理由", "本人同意"), stretch=1)
        self.agenda.doubleClicked.connect(lambda _i: self._open_agenda_case())
        specs = (
            ("ケースを追加…", self.add_case),
            ("外す", self.remove_case),
            ("ケースを開く", self._open_agenda_case),
        )
        column(page, (self.agenda, 1), button_row(specs, self.agenda_buttons))
        return page

    def _attendee_page(self) -> QWidget:
        page = QWidget()
        self.attendees = make_table(("氏名", "所属", "区分", "出欠", "守秘義務の確認"), stretch=1)
        specs = (
            ("出席者を追加…", self.add_attendee),
            ("チームを招待", self.invite_team),
            ("出席", lambda: self.set_attendance(True)),
            ("欠席", lambda: self.set_attendance(False)),
            ("守秘義務を確認", self.record_pledge),
            ("外す", self.remove_attendee),
        )
        note = hint_label("「守秘義務を確認」は、本日付で署名により確認したことを記録します。")
        column(page, (self.attendees, 1), button_row(specs, self.attendee_buttons), note)
        return page

    def _minutes_page(self) -> QWidget:
        page = QSplitter(Qt.Orientation.Horizontal)
        left = QGroupBox("ケースごとの記録")
        self.minutes_case = QComboBox()
        self.minutes_case.currentIndexChanged.connect(self._minutes_case_changed)
        self.shared_view, self.decisions = self._text_box(3), self._text_box(3)
        self.strain, self.small_changes, self.gaps = self._text_box(2), self._text_box(2), self._text_box(2)
        self.gaps.setPlaceholderText("1行に1つ（例: 夜間に話を聞ける場所）")
        self.has_next = QCheckBox("次回の予定日")
        self.next_on = date_field(self.session.today())
        self.has_next.toggled.connect(self.next_on.setEnabled)
        self.next_on.setEnabled(False)
        minutes = form(
            ("ケース", self.minutes_case),
            ("共有した見立て", self.shared_view),
            ("決まったこと", self.decisions),
            ("支援者のしんどさ", self.strain),
            ("小さな変化", self.small_changes),
            ("こんな資源があれば", self.gaps),
        )
        minutes.addRow(row_of(self.has_next, self.next_on, 1))
        column(left, minutes, 1, button_row((("記録を保存", self.save_minutes),), self.buttons))

        right = QGroupBox("支援計画（行動連携: 出席者全員に役割を）")
        self.action_table = make_table(("誰が", "何を", "いつまで", "状況"), stretch=1)
        self.action_who = QComboBox()
        self.action_what = line("何をするか")
        self.action_has_due = QCheckBox("期限")
        self.action_has_due.setChecked(True)
        self.action_due = date_field(self.session.today() + dt.timedelta(days=14))
        self.action_has_due.toggled.connect(self.action_due.setEnabled)
        self.unassigned = alert_label()
        adding = form(
            ("誰が", self.action_who),
            ("何を", self.action_what),
            ("いつまで", row_of(self.action_has_due, self.action_due, 1)),
        )
        add = button_row(
            (
                ("役割を追加", self.add_action),
                ("内容を直す…", self.edit_action),
                ("役割を削除", self.remove_action),
            ),
            self.buttons,
        )
        column(right, (self.action_table, 1), self.unassigned, adding, add)
        page.addWidget(left)
        page.addWidget(right)
        return page

    def _text_box(self, lines: int) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setTabChangesFocus(True)
        box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
        box.setMaximumHeight(box.fontMetrics().lineSpacing() * (lines + 2) + 12)
        return box

    def _toggle_rules(self, shown: bool) -> None:
        self.rules.setVisible(shown)
        self.rules_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    # ---- showing ---------------------------------------------------------------------------------

    def title(self) -> str:
        return (
            f"{self.meeting.on.month}/{self.meeting.on.day} {self.meeting.title or self.meeting.type.value}"
        )

    def _show(self, meeting: Meeting, *, keep_edits: bool = True) -> None:
        keep_basics = keep_edits and self.basics_dirty()
        keep_minutes = keep_edits and self.minutes_dirty()
        self.meeting = meeting
        name = meeting.title or self.session.db.meetings.display_name(meeting.type)
        self.heading.setText(f"{name}　［{meeting.state.value}］")
        parts = [day_text(meeting.on), time_text(meeting.start, meeting.end), meeting.place]
        parts.append(f"{meeting.holding.value}・{meeting.type.value}")
        if meeting.purpose:
            parts.append(f"目的: {meeting.purpose}")
        self.info.setText("　".join(p for p in parts if p))
        self.notice.setVisible(meeting.type is MeetingType.SUPPORT)
        self.kind_label.setText(f"{meeting.type.value}・{meeting.holding.value}")
        if not keep_basics:
            self._load_basics()
        self._fill_agenda(meeting)
        self._fill_attendees(meeting)
        self._fill_minutes_cases(meeting, keep_minutes)
        planned = meeting.state is MeetingState.PLANNED
        for button in (*self.agenda_buttons.values(), *self.attendee_buttons.values()):
            button.setEnabled(planned)
        self.agenda_buttons["ケースを開く"].setEnabled(True)
        for text in ("保存", "開催済にする", "中止…"):
            self.buttons[text].setEnabled(planned)
        for text in ("記録を保存", "役割を追加", "内容を直す…", "役割を削除"):
            self.buttons[text].setEnabled(meeting.state is not MeetingState.CANCELLED)

    def _load_basics(self) -> None:
        meeting = self.meeting
        self.title_edit.setText(meeting.title or self.session.db.meetings.display_name(meeting.type))
        self.on.set_date(meeting.on)
        self.times.setText(time_text(meeting.start, meeting.end))
        for key, edit in self._basic_edits().items():
            edit.setText(getattr(meeting, key))
        self._clean_basics = self._basics_values()

    def _fill_agenda(self, meeting: Meeting) -> None:
        fill_table(
            self.agenda,
            [[i.case_number, i.case_name, i.reason.value, self._consent_text(i)] for i in meeting.agenda],
            [int(i.case_id) for i in meeting.agenda],
        )

    def _consent_text(self, item: AgendaItem) -> str:
        text = item.consent.value
        if item.consent is ConsentState.GIVEN and item.covers_tax:
            text += "（税情報を含む）"
        return text

    def _fill_attendees(self, meeting: Meeting) -> None:
        support = meeting.type is MeetingType.SUPPORT
        rows = []
        for a in meeting.attendees:
            pledge = "未確認" if support else ""
            if a.pledge_on is not None:
                pledge = f"{wareki(a.pledge_on)}（{a.pledge_method}）"
            attended = "未記録" if a.attended is None else "出席" if a.attended else "欠席"
            rows.append([a.name, a.affiliation, a.kind.value, attended, pledge])
        fill_table(self.attendees, rows, [a.id for a in meeting.attendees])
        for r, a in enumerate(meeting.attendees):
            if support and a.pledge_on is None and a.attended is not False:
                paint(self.attendees, r, [4])
        who = self.action_who.currentData()
        self.action_who.clear()
        for a in meeting.attendees:
            if a.attended is not False:
                self.action_who.addItem(a.label, a.id)
        self.action_who.setCurrentIndex(max(0, self.action_who.findData(who)))

    def _fill_minutes_cases(self, meeting: Meeting, keep_minutes: bool) -> None:
        current = self._minutes_case
        self.minutes_case.blockSignals(True)
        self.minutes_case.clear()
        for item in meeting.agenda:
            self.minutes_case.addItem(f"{item.case_number} {item.case_name}", int(item.case_id))
        index = self.minutes_case.findData(current) if current is not None else -1
        self.minutes_case.setCurrentIndex(index if index >= 0 else 0 if meeting.agenda else -1)
        self.minutes_case.blockSignals(False)
        data = self.minutes_case.currentData()
        self._minutes_case = CaseId(int(data)) if data is not None else None
        if not keep_minutes or self._minutes_case != current:
            self._load_minutes()
        self._fill_actions()

    def agenda_item(self, case_id: CaseId | None) -> AgendaItem | None:
        return next((i for i in self.meeting.agenda if i.case_id == case_id), None)

    def _load_minutes(self) -> None:
        item = self.agenda_item(self._minutes_case)
        for key, box in self._minute_boxes().items():
            box.setPlainText(getattr(item, key) if item else "")
        self.gaps.setPlainText("\n".join(item.resource_gaps) if item else "")
        self.has_next.setChecked(bool(item and item.next_meeting_on))
        self.next_on.set_date((item.next_meeting_on if item else None) or self.session.today())
        self._clean_minutes = self._minutes_values()

    def _fill_actions(self) -> None:
        item = self.agenda_item(self._minutes_case)
        actions = item.actions if item else ()
        today = self.session.today()
        fill_table(
            self.action_table,
            [[a.who, a.what, wareki(a.due_on), a.status.value] for a in actions],
            [a.id for a in actions],
        )
        for r, action in enumerate(actions):
            if action.overdue(today):
                paint(self.action_table, r)
        assigned = {a.attendee_id for i in self.meeting.agenda for a in i.actions}
        alone = [a.label for a in self.meeting.attendees if a.attended is not False and a.id not in assigned]
        self.unassigned.setText(f"まだ役割のない人: {'、'.join(alone)}" if alone else "")
        self.unassigned.setVisible(bool(alone))

    def _minutes_case_changed(self, index: int) -> None:
        data = self.minutes_case.currentData()
        if self.minutes_dirty() and messages.ask(
            self,
            "このケースの記録に保存していない変更があります。保存しますか？",
            yes="保存する",
            no="破棄する",
        ):
            self.save_minutes()
            self.minutes_case.blockSignals(True)
            self.minutes_case.setCurrentIndex(index)
            self.minutes_case.blockSignals(False)
        self._minutes_case = CaseId(int(data)) if data is not None else None
        self._load_minutes()
        self._fill_actions()

    # ---- dirty state --------------------------------------------------------------------------------

    def _basic_edits(self) -> dict[str, QLineEdit]:
        return {
            "place": self.place,
            "convenor": self.convenor,
            "purpose": self.purpose,
            "landing_point": self.landing,
        }

    def _minute_boxes(self) -> dict[str, QPlainTextEdit]:
        boxes = (self.shared_view, self.decisions, self.strain, self.small_changes)
        return dict(zip(("shared_view", "decisions", "strain", "small_changes"), boxes, strict=True))

    def _basics_values(self) -> dict[str, Any]:
        """What update_basics takes, except the time range (kept as typed in ``times``)."""
        values = {key: edit.text().strip() for key, edit in self._basic_edits().items()}
        return values | {
            "title": self.title_edit.text().strip(),
            "on": self.on.date(),
            "times": self.times.text(),
        }

    def _minutes_values(self) -> dict[str, Any]:
        """What save_minutes takes, and the case it is for."""
        values: dict[str, Any] = {key: box.toPlainText().strip() for key, box in self._minute_boxes().items()}
        gaps = tuple(text.strip() for text in self.gaps.toPlainText().splitlines() if text.strip())
        next_on = self.next_on.date() if self.has_next.isChecked() else None
        return values | {"resource_gaps": gaps, "next_meeting_on": next_on, "case": self._minutes_case}

    def basics_dirty(self) -> bool:
        return self._basics_values() != self._clean_basics

    def minutes_dirty(self) -> bool:
        return self._minutes_values() != self._clean_minutes

    def has_unsaved_changes(self) -> bool:
        return self.basics_dirty() or self.minutes_dirty()

    def maybe_close(self) -> bool:
        if not self.has_unsaved_changes():
            return True
        text = "この会議に保存されていない変更があります。保存しますか？"
        answer = messages.ask_three(self, text, save="保存する", discard="破棄する")
        return self.save_all() if answer == "save" else answer == "discard"

    def save_all(self) -> bool:
        """Save the basics and the minutes shown, whichever changed."""
        return (not self.basics_dirty() or self.save_basics()) and (
            not self.minutes_dirty() or self.save_minutes()
        )

    # ---- changes --------------------------------------------------------------------------------------

    def reload(self) -> None:
        ok, meeting = store_call(self, lambda: self.session.db.meetings.get(self.meeting_id))
        if ok and meeting is not None:
            self._show(meeting)
        self.changed.emit()

    def _call(self, action: Callable[[], object]) -> bool:
        ok, _ = store_call(self, action)
        if ok:
            self.reload()
        return ok

    def save_basics(self) -> bool:
        try:
            start, end = parse_times(self.times.text())
        except JusouError as exc:
            messages.show_error(self, exc)
            self.tabs.setCurrentIndex(0)
            self.times.setFocus()
            return False
        fields = self._basics_values()
        del fields["times"]
        ok = self._call(
            lambda: self.session.db.meetings.update_basics(self.meeting_id, start=start, end=end, **fields)
        )
        if ok:
            self._load_basics()
        return ok

    def add_case(self) -> bool:
        dialog = AddCaseDialog(self.session, self.meeting, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.reload()
        return True

    def _selected_case(self) -> CaseId | None:
        row = selected_row(self.agenda)
        if row is None and self.agenda.rowCount() == 1:
            row = 0
        return CaseId(int(row_data(self.agenda, row))) if row is not None else None  # type: ignore[call-overload]

    def remove_case(self) -> bool:
        case_id = self._selected_case()
        item = self.agenda_item(case_id)
        if case_id is None or item is None:
            messages.inform(self, "外すケースを一覧から選んでください。")
            return False
        if not messages.ask(
            self, f"{item.case_number} {item.case_name} をこの会議から外しますか？", yes="外す"
        ):
            return False
        return self._call(lambda: self.session.db.meetings.remove_case(self.meeting_id, case_id))

    def _open_agenda_case(self) -> None:
        row = selected_row(self.agenda)
        if row is not None:
            self.open_case.emit(int(row_data(self.agenda, row)))  # type: ignore[call-overload]

    def add_attendee(self) -> bool:
        dialog = AttendeeDialog(self.session, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.attendee is None:
            return False
        attendee = dialog.attendee
        return self._call(lambda: self.session.db.meetings.invite(self.meeting_id, attendee))

    def invite_team(self) -> bool:
        case_id = self._selected_case()
        if case_id is None:
            messages.inform(self, "「検討するケース」でケースを選ぶと、そのケースのチームを招待できます。")
            return False
        ok, added = store_call(self, lambda: self.session.db.meetings.invite_team(self.meeting_id, case_id))
        if not ok:
            return False
        self.reload()
        messages.inform(
            self,
            f"ケースのチームから {len(added)} 人を招待しました。"
            if added
            else "チームの全員がすでに招待されています（チームはケースファイルの「チーム」で登録します）。",
        )
        return True

    def _selected_attendee(self) -> Attendee | None:
        row = selected_row(self.attendees)
        if row is None:
            messages.inform(self, "出席者を一覧から選んでください。")
            return None
        attendee_id = row_data(self.attendees, row)
        return next((a for a in self.meeting.attendees if a.id == attendee_id), None)

    def select_attendee(self, name: str) -> None:
        """Select the attendee row whose name is ``name`` (for keyboard users and tests)."""
        for r in range(self.attendees.rowCount()):
            cell = self.attendees.item(r, 0)
            if cell is not None and cell.text() == name:
                self.attendees.selectRow(r)

    def _on_attendee(self, action: Callable[[int], object], confirm: str = "") -> bool:
        """Apply ``action`` to the selected attendee's id (asking ``confirm`` first, if given)."""
        attendee = self._selected_attendee()
        if attendee is None or attendee.id is None:
            return False
        if confirm and not messages.ask(self, f"{attendee.label} {confirm}", yes="はい"):
            return False
        attendee_id = attendee.id
        return self._call(lambda: action(attendee_id))

    def set_attendance(self, attended: bool) -> bool:
        return self._on_attendee(lambda a: self.session.db.meetings.set_attendance(a, attended))

    def record_pledge(self) -> bool:
        """守秘義務の確認: today, by signature."""
        today = self.session.today()
        return self._on_attendee(lambda a: self.session.db.meetings.record_pledge(a, today, PLEDGE_METHOD))

    def remove_attendee(self) -> bool:
        return self._on_attendee(self.session.db.meetings.remove_attendee, "を出席者から外しますか？")

    def save_minutes(self) -> bool:
        case_id = self._minutes_case
        if case_id is None:
            messages.inform(self, "先に「検討するケース」でケースを追加してください。")
            return False
        values = self._minutes_values()
        del values["case"]
        ok, _ = store_call(
            self, lambda: self.session.db.meetings.save_minutes(self.meeting_id, case_id, **values)
        )
        if ok:
            self._clean_minutes = self._minutes_values()
            self.reload()
        return ok

    def add_action(self) -> bool:
        case_id = self._minutes_case
        attendee_id = self.action_who.currentData()
        if case_id is None:
            messages.inform(self, "先に「検討するケース」でケースを追加してください。")
            return False
        if attendee_id is None:
            messages.inform(self, "役割を担う人を選んでください（先に出席者を追加してください）。")
            return False
        action = Action(
            attendee_id=int(attendee_id),
            who=self.action_who.currentText(),
            what=self.action_what.text().strip(),
            due_on=self.action_due.date() if self.action_has_due.isChecked() else None,
            case_id=case_id,
        )
        ok = self._call(lambda: self.session.db.meetings.add_action(self.meeting_id, case_id, action))
        if ok:
            self.action_what.clear()
            self.action_what.setFocus()
        return ok

    def _selected_action(self) -> Action | None:
        row = selected_row(self.action_table)
        item = self.agenda_item(self._minutes_case)
        if row is None or item is None or row >= len(item.actions):
            messages.inform(self, "役割を一覧から選んでください。")
            return None
        return item.actions[row]

    def edit_action(self) -> bool:
        """Correct what an action says (who and status change through their own steps)."""
        action = self._selected_action()
        if action is None:
            return False
        what = messages.ask_text(self, f"{action.who} の役割（何をするか）", initial=action.what)
        if what is None:
            return False
        changed = replace(action, what=what.strip())
        return self._call(lambda: self.session.db.meetings.update_action(changed))

    def remove_action(self) -> bool:
        action = self._selected_action()
        if action is None or action.id is None:
            return False
        if not messages.ask(
            self, f"{action.who}:「{action.what}」を削除しますか？", yes="削除する", no="やめる"
        ):
            return False
        action_id = action.id
        return self._call(lambda: self.session.db.meetings.remove_action(action_id))

    def hold(self) -> bool:
        """開催済: the store refuses (and says why) while pledges or someone's role are missing."""
        if self.has_unsaved_changes() and not (
            messages.ask(
                self, "保存されていない変更があります。保存してから開催済にしますか？", yes="保存して続ける"
            )
            and self.save_all()
        ):
            return False
        ok = self._call(lambda: self.session.db.meetings.hold(self.meeting_id))
        if ok:
            messages.inform(self, "開催済として記録しました。決まった役割は「行動連携（役割）」で追えます。")
        return ok

    def cancel(self) -> bool:
        reason = messages.ask_text(self, "中止の理由を入力してください（出席予定者への連絡に使えます）。")
        if reason is None:
            return False
        return self._call(lambda: self.session.db.meetings.cancel(self.meeting_id, reason))

    # ---- printing ---------------------------------------------------------------------------------

    def document(self) -> Any:
        """What the PDF shows, read on the GUI thread (the writer runs in the background)."""
        from jusou_desktop.reports.meeting_print import meeting_document

        return meeting_document(self.session.db, self.meeting_id, self.session.today())

    def save_pdf(self, kind: str) -> None:
        from jusou_desktop.reports import meeting_pdf

        writer, label = {
            "notice": (meeting_pdf.write_notice_pdf, "案内"),
            "attendees": (meeting_pdf.write_attendee_list_pdf, "出席者名簿"),
            "actions": (meeting_pdf.write_action_sheet_pdf, "行動連携シート"),
        }[kind]
        if self.has_unsaved_changes() and not messages.ask(
            self, "保存されていない変更は印刷されません。保存済みの内容でPDFを作りますか？"
        ):
            return
        ok, document = store_call(self, self.document)
        if not ok or document is None:
            return
        name = f"{self.meeting.on:%Y%m%d}_{self.meeting.title or self.meeting.type.value}_{label}.pdf"
        save_pdf(self, writer, document, name)


class AddCaseDialog(QDialog):
    """Find a case by name or number and put it on the agenda; a refusal is shown and the dialog stays."""

    def __init__(self, session: Session, meeting: Meeting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.meeting = meeting
        self.setWindowTitle("検討するケースを追加")
        fit_dialog_width(self, 44)
        self.search = line("氏名・フリガナ・ケース番号で検索")
        self.search.textChanged.connect(self._search)
        self.table = make_table(("ケース番号", "氏名", "フリガナ", "本人同意", "状態"), stretch=1)
        self.table.itemSelectionChanged.connect(self._explain)
        self.reason = enum_combo(list(Reason))
        self.reason.setCurrentIndex(self.reason.findData(Reason.SHARING.value))
        self.hint = alert_label()
        self.buttons = ok_cancel(self, "追加する", self.add)
        column(self, self.search, (self.table, 1), form(("理由", self.reason)), self.hint, self.buttons)
        self._search("")

    def _search(self, text: str) -> None:
        ok, rows = store_call(self, lambda: self.session.db.cases.rows(CaseFilter(text=text), limit=100))
        if ok and rows is not None:
            fill_table(
                self.table,
                [[r.number, r.name, r.kana, r.consent_state.value, r.status.value] for r in rows],
                [(int(r.id), r.consent_state.value) for r in rows],
            )
            if len(rows) == 1:
                self.table.selectRow(0)

    def _chosen(self) -> tuple[CaseId, ConsentState] | None:
        row = selected_row(self.table)
        if row is None:
            return None
        data: tuple[int, str] = row_data(self.table, row)  # type: ignore[assignment]
        return CaseId(int(data[0])), ConsentState(data[1])

    def _explain(self) -> None:
        """Say before adding why a case without consent cannot go on a 重層的支援会議."""
        chosen = self._chosen()
        why = why_not_jusou(chosen[1]) if chosen and self.meeting.type is MeetingType.JUSOU else None
        self.hint.setText(why or "")

    def add(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            messages.inform(self, "追加するケースを一覧から選んでください。")
            return
        case_id, reason, meeting_id = chosen[0], Reason(self.reason.currentData()), self.meeting.id or 0
        ok, _ = store_call(self, lambda: self.session.db.meetings.add_case(meeting_id, case_id, reason))
        if ok:
            self.accept()


class AttendeeDialog(QDialog):
    """An attendee: a staff member, someone from an agency, or a non-official (民生委員・大家さん…)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.attendee: Attendee | None = None
        self.setWindowTitle("出席者を追加")
        fit_dialog_width(self, 34)
        db = session.db
        self.kind = enum_combo(list(AttendeeKind))
        self.kind.setCurrentIndex(self.kind.findData(AttendeeKind.AGENCY.value))
        self._agency_names = {a.id: a.name for a in db.agencies.list()}
        self.staff = QComboBox()
        for staff in db.staff.list(active_only=True):
            where = self._agency_names.get(staff.agency_id, "") if staff.agency_id else ""
            self.staff.addItem(f"{staff.name}（{where}）" if where else staff.name, int(staff.id or 0))
        self.agency = AgencyPicker.from_db(db)
        self.name = line("氏名（わからなければ空欄）")
        self.affiliation = line("例: 民生委員、大家、商店")
        self.form = form(
            ("区分", self.kind),
            ("職員", self.staff),
            ("機関", self.agency),
            ("氏名", self.name),
            ("所属・立場", self.affiliation),
        )
        note = hint_label("支援会議では、職員以外の出席者も守秘義務を負います（法106条の6）。")
        self.buttons = ok_cancel(self, "追加する", self._accept)
        column(self, self.form, note, self.buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = AttendeeKind(self.kind.currentData())
        self.form.setRowVisible(self.staff, kind is AttendeeKind.STAFF)
        self.form.setRowVisible(self.agency, kind is AttendeeKind.AGENCY)
        self.form.setRowVisible(self.name, kind is not AttendeeKind.STAFF)
        self.form.setRowVisible(self.affiliation, kind is AttendeeKind.NON_OFFICIAL)
        self.name.setPlaceholderText(
            "氏名" if kind is AttendeeKind.NON_OFFICIAL else "氏名（わからなければ空欄）"
        )

    def _accept(self) -> None:
        kind = AttendeeKind(self.kind.currentData())
        name = self.name.text().strip()
        if kind is AttendeeKind.STAFF and self.staff.currentData() is not None:
            staff = self.session.db.staff.get(StaffId(int(self.staff.currentData())))
            where = self._agency_names.get(staff.agency_id, "") if staff.agency_id else ""
            self.attendee = Attendee(staff.name, where, kind, agency_id=staff.agency_id, staff_id=staff.id)
        elif kind is AttendeeKind.AGENCY and self.agency.current_agency_id() is not None:
            agency_id = self.agency.current_agency_id()
            where = self._agency_names.get(agency_id, "")
            self.attendee = Attendee(name or where, where if name else "", kind, agency_id=agency_id)
        elif kind is AttendeeKind.NON_OFFICIAL and name:
            self.attendee = Attendee(name, self.affiliation.text().strip(), kind)
        else:
            messages.inform(
                self,
                {"職員": "職員を選んでください。", "関係機関": "機関を一覧から選んでください。"}.get(
                    kind.value, "氏名を入力してください。"
                ),
            )
            return
        self.accept()
