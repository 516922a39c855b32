"""The 会議 section: the calendar and what needs a meeting, 行動連携 across meetings, resource gaps.

The first tab holds three pages.  「会議」 plans: a month calendar with the meeting days marked, the
coming meetings, new meetings and 定例 series, and two lists that call for a meeting (the four
mandatory timings, and requests from the C票 「支援会議を開催」), each of which can be put on a
planned or a new 随時 meeting.  「行動連携（役割）」 follows the actions decided at meetings;
「こんな資源があれば」 collects the gaps noted in the minutes.  Each meeting opens in its own closable
tab (:class:`~jusou_desktop.gui.meeting_window.MeetingWidget`), as referrals do.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.ids import AgencyId, CaseId
from jusou_desktop.domain.meetings import ActionStatus, Holding, Meeting, MeetingState, MeetingType, Reason
from jusou_desktop.domain.schedule import LAST, HolidayRule, RegularSchedule, describe, holiday_name
from jusou_desktop.domain.wareki import fiscal_year_bounds, fiscal_year_of, format_fiscal_year
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import (
    date_field,
    enum_combo,
    fill_agency_filter,
    fill_table,
    fit_dialog_width,
    hint_label,
    make_table,
    row_data,
    selected_row,
    store_call,
    wareki,
)
from jusou_desktop.gui.meeting_window import (
    ALERT,
    SUPPORT_NOTICE,
    MeetingWidget,
    alert_label,
    button_row,
    column,
    day_text,
    form,
    line,
    ok_cancel,
    paint,
    parse_times,
    row_of,
    time_text,
)
from jusou_desktop.gui.pdf_save import save_pdf
from jusou_desktop.gui.session import Session
from jusou_desktop.gui.widgets import RecordTabs

ALL = "すべて"
MARK = {
    MeetingState.PLANNED: QColor("#1565c0"),
    MeetingState.HELD: QColor("#2e7d32"),
    MeetingState.CANCELLED: QColor("#9e9e9e"),
}
INTERVALS = (("毎月", 1), ("隔月", 2), ("3か月ごと", 3), ("4か月ごと", 4), ("半年ごと", 6), ("年1回", 12))
NTH = (*((f"第{n}", n) for n in range(1, 6)), ("最終", LAST))
WEEKDAYS = tuple((f"{day}曜日", index) for index, day in enumerate("月火水木金"))
FISCAL_MONTHS = tuple((f"{month}月", month) for month in (*range(4, 13), 1, 2, 3))


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _row_id(table: QTableWidget) -> int | None:
    row = selected_row(table)
    return int(row_data(table, row)) if row is not None else None  # type: ignore[call-overload]


def combo_of(items: tuple[tuple[str, Any], ...], current: Any = None) -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def type_combo(session: Session, default: MeetingType) -> QComboBox:
    """The kinds of meeting under the town's own names (さかまる会議…), the legal kind alongside."""
    names = ((session.db.meetings.display_name(t), t.value) for t in MeetingType)
    return combo_of(tuple((n if n == v else f"{n}（{v}）", v) for n, v in names), default.value)


def _case_label(session: Session, case_id: CaseId) -> tuple[str, str]:
    """The case number and 本人's name."""
    try:
        case = session.db.cases.get(case_id)
    except JusouError:
        return "", ""
    return case.number, case.principal.name


def _meeting_rows(rows: list[Any]) -> list[list[str]]:
    return [
        [
            day_text(r.on),
            time_text(r.start, r.end),
            r.title,
            r.place,
            r.holding.value,
            r.state.value,
            f"{r.case_count}件",
        ]
        for r in rows
    ]


class MeetingsSection(RecordTabs):
    """The pages in the first tab; each open meeting in its own closable tab."""

    open_case = Signal(int)

    def widgets(self) -> list[MeetingWidget]:
        return super().widgets()

    def record_type(self) -> type[QWidget]:
        return MeetingWidget

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.overview = OverviewPage(self)
        self.action_list = ActionsPage(self)
        self.gaps = GapsPage(self)
        self.pages = QTabWidget()
        self.pages.addTab(self.overview, "会議")
        self.pages.addTab(self.action_list, "行動連携（役割）")
        self.pages.addTab(self.gaps, "こんな資源があれば")
        self.pages.currentChanged.connect(lambda _i: self.refresh())
        self.set_lists(self.pages, "会議一覧")
        self.refresh()

    def refresh(self) -> None:
        if self.session.db.is_open:
            for page in (self.overview, self.action_list, self.gaps):
                page.refresh()

    def open_meeting(self, meeting_id: int) -> MeetingWidget | None:
        for widget in self.widgets():
            if widget.meeting_id == meeting_id:
                self.setCurrentWidget(widget)
                return widget
        try:
            widget = MeetingWidget(self.session, meeting_id)
        except JusouError as exc:
            messages.show_error(self, exc)
            return None
        widget.changed.connect(self.refresh)
        widget.changed.connect(lambda: self.setTabText(self.indexOf(widget), widget.title()))
        widget.open_case.connect(self.open_case.emit)
        self.setCurrentIndex(self.addTab(widget, widget.title()))
        return widget


class OverviewPage(QWidget):
    def __init__(self, section: MeetingsSection) -> None:
        super().__init__()
        self.section = section
        self.session = section.session
        self._by_day: dict[dt.date, list[Any]] = {}
        self._needs: list[Any] = []
        self._requests: list[Any] = []
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setMinimumSize(self.fontMetrics().horizontalAdvance("あ") * 24, 240)
        self.calendar.setSelectedDate(_qdate(self.session.today()))
        self.calendar.currentPageChanged.connect(lambda _y, _m: self.mark_month())
        self.calendar.selectionChanged.connect(self._show_day)
        self.calendar.activated.connect(lambda _d: self._open_day())
        self.day_label = hint_label()
        self.upcoming = make_table(
            ("日付", "時間", "会議名", "場所", "定例/随時", "状態", "件数"), stretch=(2, 3)
        )
        self.upcoming.doubleClicked.connect(lambda _i: self.open_selected())
        self.needs = make_table(("ケース番号", "本人", "理由", "必要になった日", "きっかけ"), stretch=4)
        self.requests = make_table(("依頼日", "ケース番号", "本人", "会議", "目的", "依頼者"), stretch=4)
        self.needs.doubleClicked.connect(lambda _i: self._open_case(self.needs))
        self.requests.doubleClicked.connect(lambda _i: self._open_case(self.requests))
        self.buttons: dict[str, QPushButton] = {}
        self.need_buttons: dict[str, QPushButton] = {}
        self.request_buttons: dict[str, QPushButton] = {}
        specs = (
            ("新しい会議…", self.new_meeting),
            ("定例の予定…", self.plan_regular),
            ("開く", self.open_selected),
        )
        left, right = QWidget(), QWidget()
        legend = hint_label("太字の日に会議があります（青: 予定・緑: 開催済・灰色: 中止）。")
        column(left, self.calendar, legend, self.day_label, 1, margins=False)
        column(
            right,
            QLabel("これからの会議"),
            (self.upcoming, 1),
            button_row(specs, self.buttons),
            margins=False,
        )
        needs = self._box(
            "会議が必要です（重層的支援会議の必須の時機）", self.needs, self.place_need, self.need_buttons
        )
        requests = self._box(
            "開催依頼（つなぎシートから）", self.requests, self.place_request, self.request_buttons
        )
        column(self, (row_of(left, (right, 1)), 3), (row_of((needs, 1), (requests, 1)), 2))

    def _box(
        self, title: str, table: QTableWidget, place: Callable[[], object], into: dict[str, QPushButton]
    ) -> QGroupBox:
        box = QGroupBox(title)
        specs = (("会議に組み込む…", place), ("ケースを開く", lambda: self._open_case(table)))
        column(box, (table, 1), button_row(specs, into))
        return box

    # ---- showing -------------------------------------------------------------------------------

    def refresh(self) -> None:
        db = self.session.db
        ok, rows = store_call(self, lambda: db.meetings.upcoming(self.session.today(), limit=20))
        if ok and rows is not None:
            fill_table(self.upcoming, _meeting_rows(rows), [r.id for r in rows])
        self.mark_month()
        ok, needs = store_call(self, lambda: db.meetings.open_needs())
        if ok and needs is not None:
            self._needs = needs
            cases = {n.case_id: _case_label(self.session, n.case_id) for n in needs}
            lines = [[*cases[n.case_id], n.reason.value, wareki(n.since), n.source] for n in needs]
            fill_table(self.needs, lines, [int(n.case_id) for n in needs])
        ok, requests = store_call(self, lambda: db.meeting_requests.open_requests())
        if ok and requests is not None:
            self._requests = requests
            lines = [
                [
                    wareki(r.requested_on),
                    *_case_label(self.session, r.case_id),
                    r.kind,
                    r.purpose,
                    r.requested_by,
                ]
                for r in requests
            ]
            fill_table(self.requests, lines, [int(r.case_id) for r in requests])

    def mark_month(self) -> None:
        """Meeting days in bold, in the colour of their state (予定 blue, 開催済 green, 中止 grey)."""
        first = dt.date(self.calendar.yearShown(), self.calendar.monthShown(), 1)
        start, end = first - dt.timedelta(days=14), first + dt.timedelta(days=45)
        ok, rows = store_call(self, lambda: self.session.db.meetings.rows(start, end))
        if not ok or rows is None:
            return
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())
        closed = QTextCharFormat()
        closed.setForeground(QColor("#c62828"))  # 祝日・年末年始 in red, like the weekends
        for offset in range((end - start).days + 1):
            day = start + dt.timedelta(days=offset)
            if day.weekday() < 5 and holiday_name(day):
                self.calendar.setDateTextFormat(_qdate(day), closed)
        self._by_day = {}
        for r in rows:
            self._by_day.setdefault(r.on, []).append(r)
        for day, meetings in self._by_day.items():
            live = [m for m in meetings if m.state is not MeetingState.CANCELLED]
            fmt = QTextCharFormat()
            fmt.setForeground(MARK[(live or meetings)[0].state])
            fmt.setFontWeight(700)
            fmt.setFontStrikeOut(not live)
            fmt.setBackground(QColor("#e3f2fd") if live else QColor("#f5f5f5"))
            self.calendar.setDateTextFormat(_qdate(day), fmt)
        self._show_day()

    def _selected_day(self) -> dt.date:
        q = self.calendar.selectedDate()
        return dt.date(q.year(), q.month(), q.day())

    def _show_day(self) -> None:
        day = self._selected_day()
        lines = [
            f"{time_text(m.start, m.end) or '時間未定'}　{m.title}［{m.state.value}］"
            for m in self._by_day.get(day, [])
        ]
        body = "\n".join(lines) + "\n（日付をダブルクリックで開く）" if lines else "会議はありません"
        self.day_label.setText(f"{day_text(day)}\n{body}")

    def _open_day(self) -> None:
        meetings = self._by_day.get(self._selected_day(), [])
        if meetings:
            self.section.open_meeting(meetings[0].id)

    def open_selected(self) -> None:
        meeting_id = _row_id(self.upcoming)
        if meeting_id is None:
            messages.inform(self, "開く会議を「これからの会議」から選んでください。")
            return
        self.section.open_meeting(meeting_id)

    def _open_case(self, table: QTableWidget) -> None:
        case_id = _row_id(table)
        if case_id is not None:
            self.section.open_case.emit(case_id)

    # ---- planning --------------------------------------------------------------------------------

    def new_meeting(self) -> int | None:
        dialog = NewMeetingDialog(self.session, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.meeting_id is None:
            return None
        self.section.refresh()
        self.section.open_meeting(dialog.meeting_id)
        return dialog.meeting_id

    def plan_regular(self) -> list[int]:
        dialog = SeriesDialog(self.session, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return []
        self.section.refresh()
        return dialog.created

    def place_request(self) -> int | None:
        """Put the chosen C票 request on a planned meeting or a new 随時 支援会議 (理由: 情報共有)."""
        row = selected_row(self.requests)
        if row is None or row >= len(self._requests):
            messages.inform(self, "会議に組み込む開催依頼を一覧から選んでください。")
            return None
        request = self._requests[row]
        kind = (
            MeetingType(request.kind)
            if request.kind in {t.value for t in MeetingType}
            else MeetingType.SUPPORT
        )
        return self._place(request.case_id, Reason.SHARING, kind, request.purpose, request.id)

    def place_need(self) -> int | None:
        """Put a case that needs a 重層的支援会議 on one (理由: the timing that called for it)."""
        row = selected_row(self.needs)
        if row is None or row >= len(self._needs):
            messages.inform(self, "会議に組み込むケースを「会議が必要です」から選んでください。")
            return None
        need = self._needs[row]
        return self._place(need.case_id, need.reason, MeetingType.JUSOU, need.reason.value, None)

    def _place(
        self, case_id: CaseId, reason: Reason, kind: MeetingType, purpose: str, request_id: int | None
    ) -> int | None:
        label = " ".join(_case_label(self.session, case_id))
        dialog = PlaceDialog(self.session, label, kind, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        db = self.session.db
        meeting_id = dialog.chosen_meeting
        if meeting_id is None:
            start, end = dialog.times
            title, on = db.meetings.display_name(kind), dialog.date.date()
            meeting = Meeting(
                kind, Holding.AD_HOC, on, title, start, end, purpose=purpose or "情報共有と行動連携"
            )
            ok, meeting_id = store_call(self, lambda: db.meetings.create(meeting))
            if not ok or meeting_id is None:
                return None
        target = meeting_id
        ok, _ = store_call(self, lambda: db.meetings.add_case(target, case_id, reason, request_id=request_id))
        self.section.refresh()
        if ok:
            self.section.open_meeting(target)
        return target if ok else None


class PlaceDialog(QDialog):
    """Which meeting takes the case: one already planned, or a new 随時 meeting of ``kind``."""

    def __init__(
        self, session: Session, case_label: str, kind: MeetingType, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.chosen_meeting: int | None = None
        self.times: tuple[dt.time | None, dt.time | None] = (None, None)
        self.setWindowTitle("会議に組み込む")
        fit_dialog_width(self, 44)
        self.existing = QRadioButton("予定している会議に組み込む")
        self.new = QRadioButton(f"新しい随時の{session.db.meetings.display_name(kind)}を開く")
        self.table = make_table(
            ("日付", "時間", "会議名", "場所", "定例/随時", "状態", "件数"), stretch=(2, 3)
        )
        rows = session.db.meetings.upcoming(session.today(), limit=50)
        fill_table(self.table, _meeting_rows(rows), [r.id for r in rows])
        self.table.itemSelectionChanged.connect(lambda: self.existing.setChecked(True))
        self.date = date_field(session.today() + dt.timedelta(days=7))
        self.time_edit = line("例: 14:00〜15:00（未定なら空欄）")
        self.buttons = ok_cancel(self, "組み込む", self._accept)
        note = alert_label(SUPPORT_NOTICE if kind is MeetingType.SUPPORT else "")
        new_form = form(("開催日", self.date), ("時間", self.time_edit))
        title = QLabel(f"ケース: {case_label}")
        column(self, title, self.existing, (self.table, 1), self.new, new_form, note, self.buttons)
        self.new.toggled.connect(self.date.setEnabled)
        self.new.toggled.connect(self.time_edit.setEnabled)
        self.new.setChecked(True)
        self.existing.setChecked(bool(rows))
        self.existing.setEnabled(bool(rows))

    def _accept(self) -> None:
        if self.existing.isChecked():
            self.chosen_meeting = _row_id(self.table)
            if self.chosen_meeting is None:
                messages.inform(self, "組み込む会議を一覧から選んでください。")
                return
        else:
            try:
                self.times = parse_times(self.time_edit.text())
            except JusouError as exc:
                messages.show_error(self, exc)
                return
        self.accept()


class NewMeetingDialog(QDialog):
    """A single meeting (定例 or 随時) with its purpose and landing point."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.meeting_id: int | None = None
        self.setWindowTitle("新しい会議")
        fit_dialog_width(self, 36)
        self.type = type_combo(session, MeetingType.SUPPORT)
        self.holding = enum_combo(list(Holding))
        self.holding.setCurrentIndex(self.holding.findData(Holding.AD_HOC.value))
        self.date = date_field(session.today())
        self.times = line("例: 14:00〜15:30（未定なら空欄）")
        self.place, self.convenor = line(), line()
        self.purpose = line("例: 情報共有と役割分担")
        self.landing = line("例: 次の訪問の担当と日程を決める")
        self.note = alert_label()
        fields = form(
            ("会議の種類", self.type),
            ("定例/随時", self.holding),
            ("開催日", self.date),
            ("時間", self.times),
            ("場所", self.place),
            ("招集者", self.convenor),
            ("目的", self.purpose),
            ("到達点", self.landing),
        )
        self.buttons = ok_cancel(self, "作成する", self._accept)
        column(self, fields, self.note, self.buttons)
        self.type.currentIndexChanged.connect(lambda _i: self._explain())
        self._explain()

    def meeting_type(self) -> MeetingType:
        return MeetingType(self.type.currentData())

    def _explain(self) -> None:
        notes = {
            MeetingType.SUPPORT: SUPPORT_NOTICE,
            MeetingType.JUSOU: "重層的支援会議: 情報共有への本人同意があるケースを検討します。",
        }
        self.note.setText(notes.get(self.meeting_type(), ""))

    def _accept(self) -> None:
        try:
            start, end = parse_times(self.times.text())
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        kind = self.meeting_type()
        meeting = Meeting(
            type=kind,
            holding=Holding(self.holding.currentData()),
            on=self.date.date(),
            title=self.session.db.meetings.display_name(kind),
            start=start,
            end=end,
            place=self.place.text().strip(),
            convenor=self.convenor.text().strip(),
            purpose=self.purpose.text().strip(),
            landing_point=self.landing.text().strip(),
        )
        ok, meeting_id = store_call(self, lambda: self.session.db.meetings.create(meeting))
        if ok and meeting_id is not None:
            self.meeting_id = meeting_id
            self.accept()


def parse_months(text: str) -> frozenset[int]:
    """「8, 12」「8月・12月」 → {8, 12}."""
    return frozenset(int(m) for m in re.findall(r"\d+", unicodedata.normalize("NFKC", text)))


class SeriesDialog(QDialog):
    """A 定例 series (「毎月第2火曜日 14:00〜15:30」) and its meetings for the rest of this 年度."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.created: list[int] = []
        self.setWindowTitle("定例の予定")
        fit_dialog_width(self, 40)
        self.type = type_combo(session, MeetingType.JUSOU)
        self.name = line(text=f"{session.db.meetings.display_name(MeetingType.JUSOU)}（定例）")
        self.every, self.nth, self.weekday = combo_of(INTERVALS), combo_of(NTH, 2), combo_of(WEEKDAYS, 1)
        self.first_month = combo_of(FISCAL_MONTHS, 4)
        self.times = line(text="14:00〜15:30")
        self.holiday = enum_combo(list(HolidayRule))
        self.skip = line("例: 8, 12（なければ空欄）")
        self.place, self.convenor = line(), line()
        self.preview = hint_label()
        fy = fiscal_year_of(session.today())
        self.period = (max(session.today(), fiscal_year_bounds(fy)[0]), fiscal_year_bounds(fy)[1])
        fields = form(
            ("会議の種類", self.type),
            ("名前", self.name),
            ("開催日", row_of(self.every, self.nth, self.weekday)),
            ("周期の起点の月", self.first_month),
            ("時間", self.times),
            ("祝日・閉庁日", self.holiday),
            ("休会月", self.skip),
            ("場所", self.place),
            ("招集者", self.convenor),
        )
        span = hint_label(
            f"{format_fiscal_year(fy)}の残り（{wareki(self.period[0])}〜{wareki(self.period[1])}）の会議を"
            "予定に入れます。来年度の分は年度が替わってから入れてください。"
        )
        self.buttons = ok_cancel(self, "予定に入れる", self._accept)
        column(self, fields, self.preview, span, self.buttons)
        for combo in (self.nth, self.weekday, self.every, self.first_month, self.holiday):
            combo.currentIndexChanged.connect(lambda _i: self._describe())
        for edit in (self.times, self.skip):
            edit.textChanged.connect(lambda _t: self._describe())
        self.type.currentIndexChanged.connect(lambda _i: self._retitle())
        self._describe()

    def _retitle(self) -> None:
        name = self.session.db.meetings.display_name(MeetingType(self.type.currentData()))
        self.name.setText(f"{name}（定例）")

    def schedule(self) -> RegularSchedule:
        start, end = parse_times(self.times.text())
        return RegularSchedule(
            weekday=int(self.weekday.currentData()),
            nth=int(self.nth.currentData()),
            every_months=int(self.every.currentData()),
            first_month=int(self.first_month.currentData()),
            start=start,  # type: ignore[arg-type]  # an empty time is refused by validate(), in words
            end=end,  # type: ignore[arg-type]
            holiday_rule=HolidayRule(self.holiday.currentData()),
            skip_months=parse_months(self.skip.text()),
        )

    def _describe(self) -> None:
        try:
            self.preview.setText(describe(self.schedule()))
            self.preview.setStyleSheet("font-weight: bold;")
        except JusouError as exc:
            self.preview.setText(exc.message)
            self.preview.setStyleSheet(ALERT)

    def _accept(self) -> None:
        try:
            schedule = self.schedule()
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        meetings, kind = self.session.db.meetings, MeetingType(self.type.currentData())
        place, convenor = self.place.text(), self.convenor.text()
        ok, series_id = store_call(
            self,
            lambda: meetings.add_series(kind, self.name.text(), schedule, place=place, convenor=convenor),
        )
        if not ok or series_id is None:
            return
        start, end = self.period
        ok, created = store_call(self, lambda: meetings.plan_series(series_id, start, end))
        self.created = list(created or [])
        messages.inform(
            self,
            f"「{self.name.text().strip()}」{describe(schedule)}\n"
            f"{wareki(start)}〜{wareki(end)} に {len(self.created)} 回の会議を予定に入れました。",
        )
        self.accept()


class ActionsPage(QWidget):
    """行動連携: the open actions of every meeting, overdue first (in red)."""

    def __init__(self, section: MeetingsSection) -> None:
        super().__init__()
        self.section = section
        self.session = section.session
        self.agency = QComboBox()
        self.overdue_only = QCheckBox("期限切れのみ")
        self.table = make_table(("期限", "誰が", "何を", "ケース番号", "本人", "会議", "状況"), stretch=2)
        self.table.doubleClicked.connect(lambda _i: self.open_meeting())
        self.count_label = QLabel()
        self._rows: list[Any] = []
        self.buttons: dict[str, QPushButton] = {}
        specs = (
            ("対応中にする", self.start_selected),
            ("完了にする…", lambda: self.close_selected(dropped=False)),
            ("見送る…", lambda: self.close_selected(dropped=True)),
            ("会議を開く", self.open_meeting),
            ("一覧を印刷…", self.print_list),
        )
        filters = row_of(QLabel("役割を担う機関"), (self.agency, 1), self.overdue_only, 1)
        column(self, filters, (self.table, 1), row_of((self.count_label, 1), button_row(specs, self.buttons)))
        self.agency.currentIndexChanged.connect(lambda _i: self.refresh())
        self.overdue_only.toggled.connect(lambda _c: self.refresh())

    def _fill_agencies(self) -> None:
        fill_agency_filter(self.agency, self.session.db.agencies.list(), ALL)

    def refresh(self) -> None:
        self._fill_agencies()
        agency = self.agency.currentData()
        today = self.session.today()
        meetings = self.session.db.meetings
        ok, rows = store_call(
            self, lambda: meetings.open_actions(today=today, agency_id=AgencyId(agency) if agency else None)
        )
        if not ok or rows is None:
            return
        overdue = [r for r in rows if r.overdue]
        self._rows = (
            overdue if self.overdue_only.isChecked() else [*overdue, *(r for r in rows if not r.overdue)]
        )
        fill_table(
            self.table,
            [
                [
                    (wareki(r.due_on) + ("（期限切れ）" if r.overdue else "")) if r.due_on else "期限なし",
                    *(r.who, r.what, r.case_number, r.case_name),
                    f"{r.meeting_on.month}/{r.meeting_on.day} {r.meeting_title}",
                    r.status.value,
                ]
                for r in self._rows
            ],
            [r.id for r in self._rows],
        )
        for index, r in enumerate(self._rows):
            if r.overdue:
                paint(self.table, index)
        self.count_label.setText(f"未完了 {len(rows)} 件（うち期限切れ {len(overdue)} 件）")

    def _selected(self) -> Any:
        row = selected_row(self.table)
        if row is None or row >= len(self._rows):
            messages.inform(self, "役割を一覧から選んでください。")
            return None
        return self._rows[row]

    def start_selected(self) -> bool:
        action = self._selected()
        if action is None:
            return False
        ok, _ = store_call(self, lambda: self.session.db.meetings.set_status(action.id, ActionStatus.DOING))
        self.section.refresh()
        return ok

    def close_selected(self, *, dropped: bool) -> bool:
        """完了 asks what happened, 見送り asks why; both in a word or two."""
        action = self._selected()
        if action is None:
            return False
        question = (
            "見送る理由を入力してください。"
            if dropped
            else "結果をひとこと入力してください（例: 訪問して本人と話せた）。"
        )
        result = messages.ask_text(self, f"{action.who}: {action.what}\n{question}")
        if result is None:
            return False
        meetings, today = self.session.db.meetings, self.session.today()
        ok, _ = store_call(
            self, lambda: meetings.complete_action(action.id, on=today, result=result, dropped=dropped)
        )
        self.section.refresh()
        return ok

    def open_meeting(self) -> None:
        row = selected_row(self.table)
        if row is not None and row < len(self._rows):
            self.section.open_meeting(self._rows[row].meeting_id)

    def print_list(self) -> None:
        """The list as shown (one agency's, or all), to hand over on paper: case numbers, no names."""
        from jusou_desktop.reports.actions_pdf import ActionListDocument, write_action_list_pdf

        audience = self.agency.currentText() if self.agency.currentData() is not None else "すべての機関"
        document = ActionListDocument(
            self.session.db.settings.town_name(), audience, list(self._rows), self.session.today()
        )
        save_pdf(self, write_action_list_pdf, document, "行動連携_役割の一覧.pdf")


class GapsPage(QWidget):
    """「こんな資源があれば」 from the minutes: material for 地域づくり and 社会資源の開発."""

    def __init__(self, section: MeetingsSection) -> None:
        super().__init__()
        self.section = section
        self.session = section.session
        self.table = make_table(("記録日", "こんな資源があれば", "ケース番号", "会議"), stretch=1)
        self.table.doubleClicked.connect(lambda _i: self._open())
        self._rows: list[Any] = []
        note = hint_label(
            "会議の記録で挙がった「こんな資源があれば」の声です（新しい順）。地域づくり・社会資源の開発の材料にしてください。"
        )
        column(self, note, (self.table, 1))

    def refresh(self) -> None:
        ok, rows = store_call(self, lambda: self.session.db.meetings.resource_gaps())
        if ok and rows is not None:
            self._rows = list(reversed(rows))
            fill_table(
                self.table,
                [[wareki(r.noted_on), r.text, r.case_number, r.meeting_title] for r in self._rows],
                [r.id for r in self._rows],
            )

    def _open(self) -> None:
        row = selected_row(self.table)
        if row is not None and self._rows[row].meeting_id is not None:
            self.section.open_meeting(self._rows[row].meeting_id)
