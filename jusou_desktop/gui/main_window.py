"""The window a coordinator lives in: start screen, sections, case files in tabs, auto-lock."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid as shiboken_is_valid

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.ids import CaseId, ReferralId
from jusou_desktop.gui import messages, progress, recent, tasks
from jusou_desktop.gui.autolock import DEFAULT_MINUTES, InactivityTimer, LockScreen
from jusou_desktop.gui.case_list import CaseListView
from jusou_desktop.gui.record_dialog import RecordDialog
from jusou_desktop.gui.session import Session
from jusou_desktop.gui.start import StartPage
from jusou_desktop.gui.tasks import run_in_background
from jusou_desktop.store import connection as cx
from jusou_desktop.store import crypto
from jusou_desktop.store.cases import CaseFilter
from jusou_desktop.store.database import Database

APP_TITLE = "重層支援デスクトップ"
SECTIONS = ("ケース", "つなぎ", "会議", "支援プラン", "関係機関", "地域資源", "実績・出力", "設定")


class SettingsPage(QWidget):
    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window_ = window
        db = window.session_db()
        self.town = QLineEdit(db.settings.town_name())
        self.user = QLineEdit(window.session.user_name if window.session else "")
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 120)
        self.minutes.setSuffix(" 分")
        self.minutes.setValue(int(db.settings.get("auto_lock_minutes", str(DEFAULT_MINUTES))))
        save = QPushButton("設定を保存")
        save.clicked.connect(self.save)
        self.message = QLabel()
        form = QFormLayout()
        form.addRow("自治体名（帳票の表題）", self.town)
        form.addRow("利用者名（このパソコンでの記録者）", self.user)
        form.addRow("自動ロックまでの時間", self.minutes)
        for field in (self.town, self.user, self.minutes):
            field.setMaximumWidth(360)
        title = QLabel("設定")
        heading = title.font()
        heading.setPointSize(heading.pointSize() + 4)
        title.setFont(heading)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(save, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def save(self) -> None:
        db = self.window_.session_db()
        try:
            db.settings.set("town_name", self.town.text().strip())
            db.settings.set("auto_lock_minutes", str(self.minutes.value()))
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        if self.window_.session:
            self.window_.session.user_name = self.user.text().strip()
        self.window_.apply_settings()
        self.message.setText("保存しました。")


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.session: Session | None = None
        self.setWindowTitle(APP_TITLE)
        self.pages = QStackedWidget()
        self.start = StartPage()
        self.lock_screen = LockScreen()
        self.workspace = QWidget()
        self.pages.addWidget(self.start)
        self.pages.addWidget(self.workspace)
        self.pages.addWidget(self.lock_screen)
        self.setCentralWidget(self.pages)
        self.inactivity = InactivityTimer(self)
        self.inactivity.inactive.connect(self.lock)
        self.start.opened.connect(self.open_session)
        self.lock_screen.unlock_requested.connect(self._unlock)
        self._file_label = QLabel()
        self._lock_label = QLabel()
        self._user_label = QLabel()
        for label in (self._file_label, self._lock_label, self._user_label):
            self.statusBar().addPermanentWidget(label)
        self.lock_action = QAction("ロック", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(self.lock)
        self.lock_action.setEnabled(False)
        self.addAction(self.lock_action)
        self._reopen_after_unlock: list[CaseId] = []
        self._reopen_referrals: list[ReferralId] = []
        self._reopen_meetings: list[int] = []
        self._reopen_plans: list[tuple[CaseId, int | None]] = []
        self._hidden_dialogs: list[RecordDialog] = []
        self.referrals: Any = None
        self.meetings: Any = None
        self.plans: Any = None
        self.case_tabs: QTabWidget | None = None
        self.case_list: CaseListView | None = None
        self.resize(1280, 800)
        self._update_status()

    # ---- session -------------------------------------------------------------------------

    def session_db(self) -> Database:
        if self.session is None:
            raise RuntimeError("no session")
        return self.session.db

    def open_session(self, database: object, user_name: str = "") -> None:
        assert isinstance(database, Database)
        self.session = Session(database, user_name or "")
        recent.remember(database.path, user_name)
        self._build_workspace()
        self.pages.setCurrentWidget(self.workspace)
        self.lock_action.setEnabled(True)
        self.apply_settings()
        app = QApplication.instance()
        if app is not None:
            self.inactivity.activate(app)
        self._update_status()

    def apply_settings(self) -> None:
        if self.session is None:
            return
        minutes = int(self.session.db.settings.get("auto_lock_minutes", str(DEFAULT_MINUTES)))
        self.inactivity.set_interval_ms(minutes * 60_000)
        self._update_status()

    def _build_workspace(self) -> None:
        assert self.session is not None
        self.referrals = None
        self.meetings = None
        self.plans = None
        old = self.workspace.layout()
        if old is not None:
            QWidget().setLayout(old)  # reparent the old layout so it is deleted
        self.nav = QListWidget()
        self.nav.addItems(list(SECTIONS))
        self.nav.setMaximumWidth(190)
        self.nav.setSpacing(3)
        nav_font = self.nav.font()
        nav_font.setPointSize(nav_font.pointSize() + 2)
        self.nav.setFont(nav_font)
        self.sections = QStackedWidget()
        self.case_tabs = QTabWidget()
        self.case_tabs.setTabsClosable(True)
        self.case_tabs.setDocumentMode(True)
        self.case_tabs.tabCloseRequested.connect(self.close_case_tab)
        self.case_list = CaseListView(self.session)
        self.case_list.open_case.connect(lambda case_id: self.open_case(CaseId(case_id)))
        self.case_tabs.addTab(self.case_list, "ケース一覧")
        self.case_tabs.tabBar().setTabButton(0, self.case_tabs.tabBar().ButtonPosition.RightSide, None)
        for section in SECTIONS:
            self.sections.addWidget(self._section_widget(section))
        self.nav.currentRowChanged.connect(self.sections.setCurrentIndex)
        self.nav.setCurrentRow(0)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.sections)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 1100])
        layout = QVBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.workspace.setLayout(layout)

    def _section_widget(self, section: str) -> QWidget:
        assert self.session is not None
        assert self.case_tabs is not None
        if section == "ケース":
            return self.case_tabs
        if section == "つなぎ":
            from jusou_desktop.gui.referral_list import ReferralSection

            section_widget = ReferralSection(self.session)
            section_widget.open_case.connect(lambda case_id: self.open_case(CaseId(case_id)))
            self.referrals = section_widget
            return section_widget
        if section == "会議":
            from jusou_desktop.gui.meetings import MeetingsSection

            meetings = MeetingsSection(self.session)
            meetings.open_case.connect(lambda case_id: self.open_case(CaseId(case_id)))
            self.meetings = meetings
            return meetings
        if section == "支援プラン":
            from jusou_desktop.gui.plans import PlansSection

            plans = PlansSection(self.session)
            plans.open_case.connect(lambda case_id: self.open_case(CaseId(case_id)))
            if self.meetings is not None:  # a plan put forward raises a meeting need
                plans.changed.connect(self.meetings.refresh)
            self.plans = plans
            return plans
        if section == "実績・出力":
            from jusou_desktop.gui.exports import ExportsSection

            case_list = self.case_list

            def current_case_filter() -> tuple[CaseFilter, str]:
                assert case_list is not None
                return case_list.current_filter(), case_list.filter_description()

            exports = ExportsSection(self.session, current_case_filter)
            if case_list is not None:
                exports.changed.connect(case_list.refresh)
            return exports
        if section == "関係機関":
            from jusou_desktop.gui.agencies import AgencyDirectory

            directory = AgencyDirectory(self.session)
            if self.case_list is not None:
                directory.changed.connect(self.case_list.fill_choices)
            if self.referrals is not None:
                directory.changed.connect(self.referrals.list.fill_agencies)
            return directory
        if section == "設定":
            from jusou_desktop.gui.sheet_admin import SheetTemplatesPage

            settings_tabs = QTabWidget()
            settings_tabs.setDocumentMode(True)
            settings_tabs.addTab(SettingsPage(self), "基本")
            templates = SheetTemplatesPage(self.session.db, self.session.user_name)
            settings_tabs.addTab(templates, "つなぎシートの様式")
            from jusou_desktop.gui.meeting_settings import MeetingSettingsPage

            settings_tabs.addTab(MeetingSettingsPage(self.session.db), "会議")
            from jusou_desktop.gui.data_safety import DataSafetyPage

            self.data_safety = DataSafetyPage.for_session(self.session)
            self.data_safety.database_closed.connect(self.ask_to_unlock)
            settings_tabs.addTab(self.data_safety, "データの保護")
            self.sheet_templates = templates
            return settings_tabs
        if section == "地域資源":
            from jusou_desktop.gui.resources import ResourceSection

            resources = ResourceSection(self.session)
            resources.open_case.connect(lambda case_id: self.open_case(CaseId(case_id)))
            return resources
        raise ValueError(f"unknown section: {section}")

    def show_section(self, section: str) -> None:
        self.nav.setCurrentRow(SECTIONS.index(section))

    # ---- case files ----------------------------------------------------------------------

    def case_file_widgets(self) -> list[Any]:
        if self.case_tabs is None:
            return []
        return [self.case_tabs.widget(i) for i in range(1, self.case_tabs.count())]

    def open_case(self, case_id: CaseId, restore_drafts: str = "ask") -> None:
        from jusou_desktop.gui.case_file import CaseFileWidget

        assert self.session is not None
        assert self.case_tabs is not None
        for index, widget in enumerate(self.case_file_widgets(), start=1):
            if getattr(widget, "case_id", None) == case_id:
                self.case_tabs.setCurrentIndex(index)
                return
        try:
            widget = CaseFileWidget(self.session, case_id, restore_drafts=restore_drafts)
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        if self.case_list is not None:
            widget.changed.connect(self.case_list.refresh)
        widget.changed.connect(lambda: self._retitle(widget))
        widget.new_referral.connect(self.new_referral_for_case)
        widget.open_referral.connect(lambda rid: self.open_referral(ReferralId(rid)))
        index = self.case_tabs.addTab(widget, widget.title())
        self.case_tabs.setCurrentIndex(index)
        self.show_section("ケース")

    def open_referral(self, referral_id: ReferralId, restore_drafts: str = "ask") -> None:
        if self.referrals is None:
            return
        self.show_section("つなぎ")
        self.referrals.open_referral(referral_id, restore_drafts)

    def new_referral_for_case(self, case_id: int) -> None:
        if self.referrals is None:
            return
        self.show_section("つなぎ")
        self.referrals.list.new_referral(CaseId(case_id))

    def _retitle(self, widget: Any) -> None:
        if self.case_tabs is not None:
            index = self.case_tabs.indexOf(widget)
            if index > 0:
                self.case_tabs.setTabText(index, widget.title())

    def close_case_tab(self, index: int) -> bool:
        assert self.case_tabs is not None
        if index == 0:
            return False
        widget: Any = self.case_tabs.widget(index)
        if not widget.maybe_close():
            return False
        self.case_tabs.removeTab(index)
        widget.deleteLater()
        return True

    # ---- locking -------------------------------------------------------------------------

    def is_locked(self) -> bool:
        return self.pages.currentWidget() is self.lock_screen

    def lock(self) -> None:
        """Save every draft, close the case files, forget the key, show the lock screen."""
        if self.session is None or self.is_locked():
            return
        assert self.case_tabs is not None
        # Background work first: its own connection would otherwise block the drafts being saved
        # (busy for 5 s, then refused) and keep the key after the lock.
        progress.cancel_all()
        self._reopen_after_unlock = []
        self._reopen_referrals = []
        for widget in [*self.case_file_widgets(), *(self.referrals.widgets() if self.referrals else [])]:
            try:
                widget.save_draft()
            except JusouError as exc:  # e.g. the USB stick was pulled out
                messages.show_error(self, exc)
                return
            if hasattr(widget, "referral_id"):
                self._reopen_referrals.append(widget.referral_id)
            else:
                self._reopen_after_unlock.append(widget.case_id)
        meeting_widgets = self.meetings.widgets() if self.meetings is not None else []
        plan_widgets = self.plans.widgets() if self.plans is not None else []
        for record in [*meeting_widgets, *plan_widgets]:  # minutes and plans are records: keep them by saving
            if record.has_unsaved_changes() and not record.save_all():
                return  # the refusal was shown; stay unlocked with the input intact
        self._reopen_meetings = [w.meeting_id for w in meeting_widgets]
        self._reopen_plans = [(w.case_id, w.plan_id) for w in plan_widgets]
        for tabs in (self.case_tabs, self.referrals, self.meetings, self.plans):
            while tabs is not None and tabs.count() > 1:
                closing: Any = tabs.widget(1)
                tabs.removeTab(1)
                closing.deleteLater()
        self._hidden_dialogs = []
        for window in QApplication.topLevelWidgets():
            if window is not self and window.isVisible() and window.isWindow() and window.isModal():
                if isinstance(window, RecordDialog):  # an agency or resource being typed: kept, shown again
                    window.hide()
                    self._hidden_dialogs.append(window)
                else:
                    window.close()
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()
        progress.hold_results()  # a job that ended meanwhile is reported after unlocking
        self.session.db.suspend()
        self.lock_screen.prepare(self.session.db.path.name)
        self.pages.setCurrentWidget(self.lock_screen)
        self.inactivity.deactivate(QApplication.instance() or self)
        self._update_status()

    def ask_to_unlock(self) -> None:
        """The file was closed under the window (it could not be reopened after a passphrase
        change): show the lock screen so that unlocking reopens it.  Nothing can be saved now, so
        the open records stay as they are, hidden behind the lock screen, and are there again
        after unlocking."""
        if self.session is None or self.is_locked():
            return
        progress.hold_results()
        self.lock_screen.prepare(self.session.db.path.name)
        self.pages.setCurrentWidget(self.lock_screen)
        self.inactivity.deactivate(QApplication.instance() or self)
        self._update_status()

    def _unlock(self, passphrase: str) -> None:
        assert self.session is not None
        db = self.session.db
        self.lock_screen.set_busy(True)

        def derive() -> crypto.DerivedKey:
            return crypto.derive(passphrase, cx.inspect_file(db.path))

        run_in_background(derive, self._unlock_with_key, self._unlock_failed)

    def _unlock_with_key(self, key: object) -> None:
        assert self.session is not None
        assert isinstance(key, crypto.DerivedKey)
        try:
            self.session.db.resume(key=key)
        except JusouError as exc:
            self._unlock_failed(exc)
            return
        self.lock_screen.set_busy(False)
        self.pages.setCurrentWidget(self.workspace)
        if self.case_list is not None:
            self.case_list.refresh()
        for case_id in self._reopen_after_unlock:
            self.open_case(case_id, restore_drafts="always")
        self._reopen_after_unlock = []
        if self.referrals is not None:
            self.referrals.list.refresh()
            for referral_id in self._reopen_referrals:
                self.referrals.open_referral(referral_id, "always")
        self._reopen_referrals = []
        if self.meetings is not None:
            self.meetings.refresh()
            for meeting_id in self._reopen_meetings:
                self.meetings.open_meeting(meeting_id)
        self._reopen_meetings = []
        if self.plans is not None:
            self.plans.refresh()
            for case_id, plan_id in self._reopen_plans:
                self.plans.open_case_plans(case_id, plan_id)
        self._reopen_plans = []
        for dialog in self._hidden_dialogs:  # what was being typed in a dialog, as it was left
            if shiboken_is_valid(dialog):
                dialog.show()
        self._hidden_dialogs = []
        progress.release_results()
        self.inactivity.activate(QApplication.instance() or self)
        self._update_status()

    def _unlock_failed(self, exc: BaseException) -> None:
        self.lock_screen.set_busy(False)
        if isinstance(exc, JusouError):
            self.lock_screen.message.setText(exc.message)
        else:
            messages.show_error(self, exc)
        self.lock_screen.passphrase.selectAll()

    # ---- status bar and closing ----------------------------------------------------------

    def _update_status(self) -> None:
        if self.session is None:
            self._file_label.setText("データベース: 未選択")
            self._lock_label.setText("")
            self._user_label.setText("")
            return
        self._file_label.setText(f"データベース: {self.session.db.path.name}")
        self._lock_label.setText("ロック中" if self.is_locked() else "開いています（Ctrl+L でロック）")
        self._user_label.setText(f"利用者: {self.session.author_label}")

    def closeEvent(self, event: QCloseEvent) -> None:
        if tasks.running():  # an import may be writing through its own connection: let it end first
            messages.inform(
                self, "処理中の作業があります。終わるのを待つか「中止」してから、もう一度閉じてください。"
            )
            event.ignore()
            return
        progress.drop_held_results()  # closing while locked: nobody is left to tell
        if self.session is not None and not self.is_locked() and self.case_tabs is not None:
            while self.case_tabs.count() > 1:
                if not self.close_case_tab(1):
                    event.ignore()
                    return
            while self.referrals is not None and self.referrals.count() > 1:
                if not self.referrals.close_tab(1):
                    event.ignore()
                    return
        if self.session is not None:
            self.session.db.close()
            self.session = None
        event.accept()
