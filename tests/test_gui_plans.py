"""The プラン section as a coordinator uses it: draft, put forward, confirm (了承 or 支援決定), re-plan, print."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.meetings import (
    Action,
    Attendee,
    AttendeeKind,
    Holding,
    Meeting,
    MeetingType,
    Reason,
)
from jusou_desktop.domain.model import Agency, AgencyField, CaseStatus, Consent, ConsentState, Person
from jusou_desktop.domain.plans import (
    ContactAttempt,
    PlanState,
    PlanVersion,
    Role,
    Service,
)
from jusou_desktop.gui import messages
from jusou_desktop.gui.plan_editor import PlanEditor, RoleDialog
from jusou_desktop.gui.plans import (
    ApprovalDialog,
    CaseChooser,
    ContactDialog,
    DecisionDialog,
    EndDialog,
    MonitoringDialog,
    PlansSection,
)
from jusou_desktop.gui.session import Session
from jusou_desktop.store.database import Database
from tests.qt_typing import type_text

TODAY = dt.date(2024, 6, 3)  # a Monday


@pytest.fixture
def office(db: Database) -> Session:
    db.agencies.add(Agency("つむぎ町地域包括支援センター", AgencyField.ELDERLY))
    db.agencies.add(Agency("つむぎ町社会福祉協議会", AgencyField.COMMUNITY))
    return Session(db, "推進員 二", fixed_today=TODAY)


def _case(db: Database, name: str = "山田 花子", consent: ConsentState = ConsentState.GIVEN) -> CaseId:
    return db.cases.create(
        Person(name, kana="ヤマダ ハナコ", birth_date=dt.date(1950, 4, 1)),
        opened_on=dt.date(2024, 5, 1),
        consent=Consent(consent, recorded_on=dt.date(2024, 5, 1)),
        summary="息子がひきこもり、家賃を滞納している。",
    )


def _section(qtbot: QtBot, office: Session) -> PlansSection:
    section = PlansSection(office)
    qtbot.addWidget(section)
    section.resize(1280, 860)
    section.show()
    return section


def _when_modal(action: Callable[[QWidget], None]) -> list[BaseException]:
    """Act on the next modal dialog once it is shown; a failed check closes it and is kept."""
    errors: list[BaseException] = []

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, act)
            return
        try:
            action(dialog)
        except BaseException as exc:
            errors.append(exc)
            if isinstance(dialog, QDialog):
                dialog.reject()

    QTimer.singleShot(0, act)
    return errors


def _ok(buttons: QDialogButtonBox) -> None:
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None
    ok.click()


def _click_with_dialog(button: object, fill: Callable[[QWidget], None]) -> None:
    errors = _when_modal(fill)
    button.click()  # type: ignore[attr-defined]
    assert not errors, errors


def _held_jusou_meeting(db: Database, case_id: CaseId, reason: Reason, on: dt.date = TODAY) -> int:
    """A 重層的支援会議 with the case on its agenda, one attendee with an action, held."""
    meeting_id = db.meetings.create(Meeting(MeetingType.JUSOU, Holding.AD_HOC, on, place="役場 第1会議室"))
    db.meetings.add_case(meeting_id, case_id, reason)
    attendee_id = db.meetings.invite(
        meeting_id, Attendee("相談 一郎", "つむぎ町地域包括支援センター", AttendeeKind.AGENCY)
    )
    db.meetings.set_attendance(attendee_id, True)
    action = Action(attendee_id=attendee_id, who="相談 一郎", what="月に一度訪問する", case_id=case_id)
    db.meetings.add_action(meeting_id, case_id, action)
    db.meetings.hold(meeting_id)
    return meeting_id


def _approve(editor: PlanEditor) -> None:
    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, ApprovalDialog)
        assert dialog.table.rowCount() >= 1
        dialog.table.selectRow(0)
        _ok(dialog.buttons)

    _click_with_dialog(editor.buttons["会議の了承を記録…"], choose)


def _confirmed_plan(db: Database, case_id: CaseId, goals: tuple[str, ...]) -> int:
    """A plan drawn up, put forward and approved at a held meeting, through the store."""
    plan_id = db.plans.create(PlanVersion(case_id, 0, drawn_up_by="推進員 二", drawn_up_on=TODAY))
    db.plans.save(
        PlanVersion(
            case_id,
            0,
            goals=goals,
            policy="本人のペースで、家計と暮らしを立て直す。",
            roles=(Role("つむぎ町地域包括支援センター", "月に一度訪問する", person="相談 一郎"),),
            monitoring_on=dt.date(2024, 9, 2),
            drawn_up_by="推進員 二",
            drawn_up_on=TODAY,
            id=plan_id,
        )
    )
    db.plans.put_forward(plan_id, on=TODAY)
    db.plans.record_approval(plan_id, _held_jusou_meeting(db, case_id, Reason.EVALUATION))
    return plan_id


@pytest.mark.usefixtures("quiet_messages")
def test_a_plan_is_drafted_approved_and_replanned(qtbot: QtBot, office: Session, tmp_path: Path) -> None:
    db = office.db
    case_id = _case(db)
    section = _section(qtbot, office)
    assert section.plan_list.table.rowCount() == 0

    # 新しいプラン…: the case is found by name; the 初回 is drawn up by the user, today.
    def choose_case(dialog: QWidget) -> None:
        assert isinstance(dialog, CaseChooser)
        dialog.search.setFocus()
        type_text(qtbot, dialog.search, "山田")
        assert dialog.table.rowCount() == 1
        _ok(dialog.buttons)

    _click_with_dialog(section.buttons["新しいプラン…"], choose_case)
    editor = section.currentWidget()
    assert isinstance(editor, PlanEditor)
    assert editor.plan is not None
    assert (editor.plan.number, editor.plan.state, editor.plan.drawn_up_by) == (
        0,
        PlanState.DRAFT,
        "推進員 二",
    )
    assert editor.drawn_up_by.text() == "推進員 二"
    assert "重層的支援会議で了承されると確定します" in editor.path_note.text()
    assert section.plan_list.table.rowCount() == 1
    assert section.plan_list.table.item(0, 2).text() == "初回"

    # 提出 of an empty plan is refused in words, and nothing changes.
    editor.buttons["提出する"].click()
    assert "本人の目標" in messages.shown[-1]
    assert db.plans.get(editor.plan.id or 0).state is PlanState.DRAFT

    editor.goals.setFocus()
    type_text(qtbot, editor.goals, "朝、自分で起きられるようになりたい")
    editor.policy.setFocus()
    type_text(qtbot, editor.policy, "本人のペースで、家計と暮らしを立て直す。")
    editor.add_problem()
    editor.problems.item(0, 0).setText("家賃の滞納")
    editor.problems.item(0, 1).setText("社協の家計相談につなぐ")

    def role(dialog: QWidget) -> None:
        assert isinstance(dialog, RoleDialog)
        agency = db.agencies.find_by_name("つむぎ町地域包括支援センター")
        assert agency is not None
        assert dialog.agency.select(agency.id)
        dialog.person.setFocus()
        type_text(qtbot, dialog.person, "相談 一郎")
        dialog.what.setFocus()
        type_text(qtbot, dialog.what, "月に一度訪問して話を聞く")
        dialog.frequency.setFocus()
        type_text(qtbot, dialog.frequency, "月1回")
        _ok(dialog.buttons)

    _click_with_dialog(editor.form_buttons["役割を追加…"], role)
    assert editor.roles.item(0, 0).text() == "つむぎ町地域包括支援センター"
    editor.monitoring_set.setChecked(True)
    editor.monitoring_on.set_date(dt.date(2024, 9, 2))
    assert editor.has_unsaved_changes()

    editor.buttons["提出する"].click()  # saves what was typed, then puts it forward
    assert "提出しました（会議の了承待ち）" in messages.shown[-1]
    plan = db.plans.get(editor.plan_id or 0)
    assert plan.goals == ("朝、自分で起きられるようになりたい",)
    assert plan.roles[0].agency_id is not None
    assert plan.roles[0].frequency == "月1回"
    assert plan.problems[0].support == "社協の家計相談につなぐ"
    assert plan.monitoring_on == dt.date(2024, 9, 2)
    assert plan.state is PlanState.AWAITING_APPROVAL
    assert not editor.has_unsaved_changes()
    assert editor.goals.isReadOnly()
    assert not editor.buttons["提出する"].isEnabled()
    assert not editor.buttons["支援決定を記録…"].isEnabled()
    assert editor.needs.isVisible()
    assert "会議が必要です: プラン策定後の評価" in editor.needs.text()
    assert section.waiting.table.rowCount() == 1
    assert section.waiting.table.item(0, 4).text() == "開催済の重層的支援会議での了承"

    # 了承 at a held 重層的支援会議 that had the case on its agenda.
    _held_jusou_meeting(db, case_id, Reason.EVALUATION)
    _approve(editor)
    assert editor.plan is not None
    assert editor.plan.state is PlanState.CONFIRMED
    assert editor.needs.isHidden()
    assert "了承: 令和6年6月3日（月）の重層的支援会議" in editor.confirm_info.text()
    assert "まだ報告していません" in editor.confirm_info.text()
    assert section.waiting.table.rowCount() == 0
    assert section.plan_list.table.item(0, 3).text() == "確定"
    assert section.plan_list.table.item(0, 5).text() == "令和6年9月2日"

    def report(dialog: QWidget) -> None:
        dialog.on.set_date(dt.date(2024, 6, 5))  # type: ignore[attr-defined]
        _ok(dialog.buttons)  # type: ignore[attr-defined]

    _click_with_dialog(editor.buttons["町へ報告…"], report)
    assert editor.plan.approval is not None
    assert editor.plan.approval.reported_on == dt.date(2024, 6, 5)
    assert not editor.buttons["町へ報告…"].isEnabled()

    # 再プラン: a copy to edit; the confirmed version stays in force until the new one is confirmed.
    messages.set_next_answers(True)
    editor.buttons["再プランを始める"].click()
    assert (editor.plan.number, editor.plan.state) == (1, PlanState.DRAFT)
    assert editor.version.currentText() == "再プラン1（作成中）"
    assert not editor.goals.isReadOnly()
    editor.goals.setFocus()
    editor.goals.selectAll()
    type_text(qtbot, editor.goals, "週に2回、社協のサロンに行きたい")
    editor.buttons["保存"].click()
    editor.buttons["変更点"].click()
    assert editor.tabs.currentIndex() == 1
    rows = [
        [editor.diff_table.item(r, c).text() for c in range(3)] for r in range(editor.diff_table.rowCount())
    ]
    assert ["本人の目標", "朝、自分で起きられるようになりたい", "（削除）"] in rows
    assert ["本人の目標", "（なし）", "週に2回、社協のサロンに行きたい"] in rows

    editor.buttons["提出する"].click()
    assert "会議が必要です: 再プラン" in editor.needs.text()
    _held_jusou_meeting(db, case_id, Reason.REPLAN, TODAY + dt.timedelta(days=7))
    _approve(editor)
    first, second = db.plans.versions(case_id)
    assert (first.state, second.state) == (PlanState.SUPERSEDED, PlanState.CONFIRMED)
    assert editor.needs.isHidden()
    assert [editor.version.itemText(i) for i in range(editor.version.count())] == [
        "初回（再プランにより終了）",
        "再プラン1（確定）",
    ]
    messages.set_next_save_paths(tmp_path / "比較.pdf")
    messages.set_next_answers(False)
    editor.buttons["変更点の比較"].click()
    qtbot.waitUntil(lambda: any("PDFを保存しました" in t for t in messages.shown), timeout=15_000)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "比較.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout.replace("\n", "")
    assert "週に2回、社協のサロンに行きたい" in text
    assert "朝、自分で起きられるようになりたい" in text  # the old version, side by side

    editor.version.setCurrentIndex(0)
    editor.version.activated.emit(0)
    assert editor.plan_id == first.id
    assert editor.goals.isReadOnly()
    assert not editor.buttons["再プランを始める"].isEnabled()  # only the newest version is re-planned


@pytest.mark.usefixtures("quiet_messages")
def test_a_plan_with_participation_support_is_confirmed_by_the_towns_decision(
    qtbot: QtBot, office: Session
) -> None:
    db = office.db
    case_id = _case(db, "鈴木 一郎")
    plan_id = db.plans.create(PlanVersion(case_id, 0, drawn_up_by="推進員 二", drawn_up_on=TODAY))
    section = _section(qtbot, office)
    editor = section.open_plan(plan_id)
    assert editor is not None
    assert section.open_case_plans(case_id) is editor  # one tab per case
    editor.goals.setPlainText("人と話せる場所がほしい")
    editor.policy.setPlainText("居場所につなぎ、定着を支える。")
    editor.service_boxes[Service.PARTICIPATION].setChecked(True)
    assert "町の支援決定を記録すると確定します" in editor.path_note.text()
    editor._roles.append(Role("つむぎ町社会福祉協議会", "サロンへの同行"))
    editor.monitoring_set.setChecked(True)
    editor.buttons["提出する"].click()
    assert editor.plan is not None
    assert editor.plan.state is PlanState.AWAITING_DECISION
    assert editor.buttons["支援決定を記録…"].isEnabled()
    assert not editor.buttons["会議の了承を記録…"].isEnabled()

    def decide(dialog: QWidget) -> None:
        assert isinstance(dialog, DecisionDialog)
        assert dialog.service_boxes[Service.PARTICIPATION].isChecked()
        _ok(dialog.buttons)  # nobody named: refused in words, the dialog stays
        assert "支援決定をした人" in messages.shown[-1]
        assert dialog.isVisible()
        dialog.decided_by.setFocus()
        type_text(qtbot, dialog.decided_by, "福祉課 地域福祉係")
        _ok(dialog.buttons)

    _click_with_dialog(editor.buttons["支援決定を記録…"], decide)
    assert editor.plan.state is PlanState.CONFIRMED
    decision = db.plans.get(plan_id).decision
    assert decision is not None
    assert decision.services == frozenset({Service.PARTICIPATION})
    assert decision.period_to == dt.date(2025, 3, 31)  # the end of the 年度 by default
    assert "支援決定: 令和6年6月3日　福祉課 地域福祉係（参加支援" in editor.confirm_info.text()
    assert section.plan_list.table.item(0, 4).text() == "町の支援決定で確定"


@pytest.mark.usefixtures("quiet_messages")
def test_monitoring_is_listed_when_due_and_recorded_with_small_changes(qtbot: QtBot, office: Session) -> None:
    db = office.db
    case_id = _case(db)
    plan_id = _confirmed_plan(db, case_id, ("朝、自分で起きられるようになりたい",))
    office.fixed_today = dt.date(2024, 9, 10)
    section = _section(qtbot, office)
    section.pages.setCurrentWidget(section.due)
    due = section.due.table
    assert due.rowCount() == 1
    assert [due.item(0, c).text() for c in (0, 2, 4)] == ["令和6年9月2日", "山田 花子", "8日過ぎ"]
    assert due.item(0, 0).foreground().color() == QColor("red")
    due.selectRow(0)
    editor = section.open_selected()
    assert editor is not None
    assert editor.plan_id == plan_id

    def record(dialog: QWidget) -> None:
        assert isinstance(dialog, MonitoringDialog)
        [(goal, progress, small)] = dialog.rows
        assert goal == "朝、自分で起きられるようになりたい"
        progress.setFocus()
        type_text(qtbot, progress, "週に3日は自分で起きられた")
        small.setFocus()
        type_text(qtbot, small, "玄関まで出てきてくれた")
        _ok(dialog.buttons)

    _click_with_dialog(editor.buttons["モニタリングを記録…"], record)
    [monitoring] = db.plans.monitorings(plan_id)
    assert monitoring.progress[0].small_change == "玄関まで出てきてくれた"
    assert monitoring.next_on == dt.date(2024, 12, 9)
    assert "小さな変化: 玄関まで出てきてくれた" in editor.monitoring_table.item(0, 2).text()
    assert due.rowCount() == 0
    assert section.plan_list.table.item(0, 5).text() == "令和6年12月9日"


@pytest.mark.usefixtures("quiet_messages")
def test_ending_needs_a_deciding_meeting_and_suspension_needs_contact_attempts(
    qtbot: QtBot, office: Session
) -> None:
    db = office.db
    case_id = _case(db)
    _confirmed_plan(db, case_id, ("朝、自分で起きられるようになりたい",))
    section = _section(qtbot, office)
    editor = section.open_case_plans(case_id)
    assert editor is not None

    def end(dialog: QWidget) -> None:
        assert isinstance(dialog, EndDialog)
        [(_goal, attainment, comment)] = dialog.rows
        attainment.setCurrentIndex(attainment.findText("一部達成"))
        comment.setText("朝はまだ波がある")
        dialog.main_supporter.setCurrentText("つむぎ町地域包括支援センター")
        _ok(dialog.buttons)
        assert "終結判断を理由とする重層的支援会議" in messages.shown[-1]
        dialog.reject()

    _click_with_dialog(editor.buttons["終結…"], end)
    assert db.cases.get(case_id).status is not CaseStatus.CLOSED

    messages.set_next_answers(True)
    editor.buttons["中断…"].click()
    assert "連絡を試みた記録" in messages.shown[-1]

    def attempt(dialog: QWidget) -> None:
        assert isinstance(dialog, ContactDialog)
        dialog.means.setCurrentText("訪問")
        dialog.outcome.setFocus()
        type_text(qtbot, dialog.outcome, "不在。手紙を投函した")
        _ok(dialog.buttons)

    _click_with_dialog(editor.buttons["連絡の試みを記録…"], attempt)
    assert db.plans.contact_attempts(case_id) == [
        ContactAttempt(TODAY, "訪問", "推進員 二", "不在。手紙を投函した")
    ]
    assert editor.attempt_table.rowCount() == 1

    _held_jusou_meeting(db, case_id, Reason.ENDING)
    _click_with_dialog(editor.buttons["終結…"], lambda d: _end_properly(d))
    assert db.cases.get(case_id).status is CaseStatus.CLOSED
    assert editor.ending_table.item(0, 1).text() == "終結"
    assert editor.buttons["再開…"].isEnabled()
    assert not editor.buttons["モニタリングを記録…"].isEnabled()
    messages.set_next_texts("本人から連絡があった")
    editor.buttons["再開…"].click()
    assert db.cases.get(case_id).status is CaseStatus.ASSESSMENT
    assert editor.ending_table.item(0, 4).text() == "令和6年6月3日"


def _end_properly(dialog: QWidget) -> None:
    assert isinstance(dialog, EndDialog)
    _ok(dialog.buttons)  # no attainment chosen yet: refused, the dialog stays
    assert messages.shown[-1].startswith("達成度を選んでください")
    for _goal, attainment, _comment in dialog.rows:
        attainment.setCurrentIndex(attainment.findText("達成"))
    dialog.main_supporter.setCurrentText("つむぎ町地域包括支援センター")
    dialog.follow_up_needed.setChecked(True)
    dialog.follow_up.setText("3か月後に電話で様子を聞く")
    _ok(dialog.buttons)


@pytest.mark.usefixtures("quiet_messages")
def test_plan_pdf_goes_where_chosen(qtbot: QtBot, office: Session, tmp_path: Path) -> None:
    db = office.db
    case_id = _case(db)
    _confirmed_plan(db, case_id, ("朝、自分で起きられるようになりたい",))
    section = _section(qtbot, office)
    editor = section.open_case_plans(case_id)
    assert editor is not None
    folder = tmp_path / "出力"
    folder.mkdir()
    prints = (
        ("プラン", "プラン.pdf", "朝、自分で起きられるようになりたい"),
        ("プラン兼事業等利用申込書", "申込書.pdf", "プラン兼事業等利用申込書"),
        ("評価シート", "評価.pdf", "評価シート"),
    )
    for count, (button, name, expected) in enumerate(prints, start=1):
        messages.set_next_save_paths(folder / name)
        messages.set_next_answers(False)  # do not open it
        editor.buttons[button].click()
        qtbot.waitUntil(
            lambda n=count: sum("PDFを保存しました" in t for t in messages.shown) == n, timeout=15_000
        )
        text = subprocess.run(
            ["pdftotext", str(folder / name), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert expected in text.replace("\n", "")
    assert sorted(p.name for p in folder.iterdir()) == ["プラン.pdf", "申込書.pdf", "評価.pdf"]
    assert not editor.buttons["変更点の比較"].isEnabled()  # the 初回 has nothing to compare with


@pytest.mark.usefixtures("quiet_messages")
def test_unsaved_edits_are_kept_by_save_all_and_asked_about_on_close(qtbot: QtBot, office: Session) -> None:
    db = office.db
    case_id = _case(db)
    plan_id = db.plans.create(PlanVersion(case_id, 0, drawn_up_by="推進員 二", drawn_up_on=TODAY))
    section = _section(qtbot, office)
    editor = section.open_plan(plan_id)
    assert editor is not None
    editor.goals.setFocus()
    type_text(qtbot, editor.goals, "家族とごはんを食べたい")
    assert [w.has_unsaved_changes() for w in section.widgets()] == [True]
    assert editor.save_all()  # what the lock does before it closes the tabs
    assert db.plans.get(plan_id).goals == ("家族とごはんを食べたい",)
    editor.policy.setPlainText("ゆっくり")
    messages.set_next_answers(False)  # 破棄する
    assert section.close_tab(section.indexOf(editor))
    assert "保存されていない変更があります" in messages.shown[-1]
    assert db.plans.get(plan_id).policy == ""
    assert section.widgets() == []


@pytest.mark.usefixtures("quiet_messages")
def test_opening_the_plans_of_a_case_without_one_offers_the_first(qtbot: QtBot, office: Session) -> None:
    case_id = _case(office.db)
    section = _section(qtbot, office)
    messages.set_next_answers(False)
    assert section.open_case_plans(case_id) is None
    assert "まだプランがありません" in messages.shown[-1]
    messages.set_next_answers(True)
    editor = section.open_case_plans(case_id)
    assert editor is not None
    assert editor.plan is not None
    assert (editor.plan.label, editor.plan.drawn_up_on) == ("初回", TODAY)
    assert section.plan_list.table.item(0, 3).text() == "作成中"
    section.plan_list.state.setCurrentIndex(section.plan_list.state.findText("確定"))
    assert section.plan_list.table.rowCount() == 0
