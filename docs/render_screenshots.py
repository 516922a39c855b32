"""Render the main screens of the demo database to PNG under docs/screenshots/.

    QT_QPA_PLATFORM=offscreen python docs/render_screenshots.py

Uses a fresh demo database (fictional people only) in a temporary folder and a fixed date, so
the pictures change only when the screens do.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

OUT = Path(__file__).resolve().parent / "screenshots"
TODAY = dt.date(2025, 2, 14)


def grab(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    widget.grab().save(str(OUT / f"{name}.png"))
    print(f"wrote {OUT / (name + '.png')}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="jusou-shots-") as scratch:
        os.environ["JUSOU_HOME"] = str(Path(scratch) / "home")
        from jusou_desktop.demo import create_demo_database, generate_passphrase
        from jusou_desktop.gui import recent
        from jusou_desktop.gui.app import make_app
        from jusou_desktop.gui.main_window import MainWindow
        from jusou_desktop.domain.wareki import fiscal_year_of
        from jusou_desktop.store.database import Database

        app = make_app()
        OUT.mkdir(parents=True, exist_ok=True)
        path = Path(scratch) / "つむぎ町デモ.jusou"
        passphrase = generate_passphrase()
        create_demo_database(path, passphrase, today=TODAY)
        recent.remember(path, "相談 太郎")

        window = MainWindow()
        window.resize(1366, 820)
        window.show()
        window.start.refresh()
        grab(window, "01_start")

        window.open_session(Database.open(path, passphrase), "相談 太郎")
        assert window.session is not None
        window.session.fixed_today = TODAY
        window.referrals.list.refresh()  # built before the clock was fixed
        window.meetings.refresh()
        window.meetings.overview.calendar.setSelectedDate(QDate(TODAY.year, TODAY.month, TODAY.day))
        grab(window, "02_case_list")

        assert window.case_list is not None
        window.case_list.search.setText("ﾔﾏﾓﾄ")
        window.case_list.apply_filter()
        grab(window, "03_case_search_halfwidth")
        window.case_list.search.clear()
        window.case_list.apply_filter()

        rows = window.case_list.model
        richest = max(
            range(rows.rowCount()),
            key=lambda r: len(window.session_db().cases.get(rows.row_at(r).id).household.members),
        )
        window.open_case(rows.row_at(richest).id)
        case_widget = window.case_file_widgets()[0]
        inner = case_widget.findChild(QTabWidget)
        if inner is not None:
            for index in range(inner.count()):
                inner.setCurrentIndex(index)
                grab(window, f"04_case_file_{index + 1}")
            inner.setCurrentIndex(0)

        window.show_section("つなぎ")
        referrals = window.referrals
        referrals.list.state.setCurrentIndex(0)  # すべて
        grab(window, "09_referral_list")
        db = window.session_db()
        by_state = {r.state.value: r.id for r in db.referrals.rows(today=TODAY)}
        draft = referrals.open_referral(by_state["下書き"])
        grab(window, "10_referral_draft")
        accepted = referrals.open_referral(by_state["受理"])
        grab(window, "11_referral_answer")
        answered = referrals.open_referral(by_state["回答済"])
        answered.tabs.setCurrentIndex(2)
        grab(window, "12_referral_history")
        for widget in (draft, accepted, answered):
            referrals.close_tab(referrals.indexOf(widget))

        window.show_section("会議")
        meetings = window.meetings
        grab(window, "14_meetings")
        held = [r for r in db.meetings.rows() if r.state.value == "開催済" and r.type.value == "支援会議"]
        meeting = meetings.open_meeting(held[-1].id)
        inner = meeting.findChild(QTabWidget)
        if inner is not None:
            for index in range(inner.count()):
                inner.setCurrentIndex(index)
                grab(window, f"15_meeting_{index + 1}")
        meetings.close_tab(meetings.indexOf(meeting))
        meetings.setCurrentIndex(0)
        meetings.pages.setCurrentIndex(1)
        grab(window, "16_actions")
        meetings.pages.setCurrentIndex(0)

        window.show_section("関係機関")
        grab(window, "05_agencies")
        window.show_section("支援プラン")
        grab(window, "17_plans")
        plans = window.plans
        first = next(r for r in db.plans.rows() if r.plan.number >= 1)
        editor = plans.open_case_plans(first.case_id, first.plan.id)
        grab(window, "18_plan_editor")
        plans.close_tab(plans.indexOf(editor))
        window.show_section("実績・出力")
        exports = window.sections.currentWidget()
        year = exports.jisseki.year
        year.setCurrentIndex(max(0, year.findData(fiscal_year_of(TODAY) - 1)))  # the last full 年度
        grab(window, "19_jisseki")
        window.show_section("地域資源")  # refreshed when shown, so the fixed day counts
        resources = window.sections.currentWidget()
        settled = next(r for r in db.resources.rows() if r.settled)  # someone's connection stuck here
        resources.directory.select_resource(settled.id)
        grab(window, "20_resources")
        resources.setCurrentIndex(1)
        grab(window, "20_resources_follow_ups")
        resources.setCurrentIndex(0)
        window.show_section("設定")
        grab(window, "07_settings")
        settings = window.sections.currentWidget()
        if isinstance(settings, QTabWidget):
            settings.setCurrentIndex(1)
            grab(window, "13_settings_sheet_templates")
            safety = window.data_safety
            safety.clock = lambda: dt.datetime.combine(TODAY, dt.time(9, 0))
            db.settings.set("last_backup_at", f"{TODAY - dt.timedelta(days=7)}T17:45")
            safety.refresh()
            settings.setCurrentWidget(safety)
            grab(window, "21_data_safety")
            settings.setCurrentIndex(0)
        window.show_section("ケース")
        window.lock()
        grab(window, "08_locked")
        window.close()
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
