"""The つなぎ section as a coordinator uses it: draft, send, accept (with a duplicate), answer, print."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.ids import TemplateId
from jusou_desktop.domain.model import Agency, AgencyField, Person, Staff
from jusou_desktop.domain.referral import ReferralState
from jusou_desktop.gui import messages
from jusou_desktop.gui.referral_list import NewReferralDialog, ReferralSection
from jusou_desktop.gui.referral_window import AcceptDialog, ReferralWidget
from jusou_desktop.gui.session import Session
from jusou_desktop.store.database import Database
from tests.qt_dialogs import when_modal
from tests.qt_typing import type_text

TODAY = dt.date(2024, 6, 3)


@pytest.fixture
def office(db: Database) -> Session:
    houkatsu = db.agencies.add(Agency("つむぎ町地域包括支援センター", AgencyField.ELDERLY))
    db.agencies.add(Agency("つむぎ町社会福祉協議会", AgencyField.COMMUNITY))
    db.staff.add(Staff("相談 一郎", agency_id=houkatsu))
    return Session(db, "推進員 二")


def _section(qtbot: QtBot, office: Session) -> ReferralSection:
    section = ReferralSection(office, today=TODAY)
    qtbot.addWidget(section)
    section.resize(1200, 800)
    section.show()
    return section


def _new_referral(qtbot: QtBot, section: ReferralSection, template_key: str) -> ReferralWidget:
    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, NewReferralDialog)
        combo = dialog.template
        for index in range(combo.count()):
            tid = TemplateId(int(combo.itemData(index)))
            if section.session.db.templates.get(tid).template.key == template_key:
                combo.setCurrentIndex(index)
        dialog.accept()

    errors = when_modal(choose)
    section.list.new_referral()
    assert not errors
    widget = section.currentWidget()
    assert isinstance(widget, ReferralWidget)
    return widget


def _fill(qtbot: QtBot, widget: ReferralWidget, key: str, text: str) -> None:
    field = widget.sheet.field_widget(key)
    target = getattr(field, "edit", field)  # a date field types into its line edit
    if isinstance(field, QComboBox) and field.isEditable():
        target = field.lineEdit()
    target.setFocus()
    type_text(qtbot, target, text)
    if isinstance(target, QLineEdit):
        target.editingFinished.emit()


@pytest.mark.usefixtures("quiet_messages")
def test_draft_send_accept_answer_and_print(qtbot: QtBot, office: Session, tmp_path: Path) -> None:
    db = office.db
    existing = db.cases.create(
        Person("山田 花子", kana="ヤマダ ハナコ", birth_date=dt.date(1950, 4, 1)),
        opened_on=dt.date(2023, 4, 1),
    )
    section = _section(qtbot, office)
    widget = _new_referral(qtbot, section, "takashima_ab")
    assert widget.referral.state is ReferralState.DRAFT
    assert widget.sheet.values()["source_staff"]["name"] == "推進員 二"  # the user, pre-filled

    # Sending with the required fields missing is refused, and nothing is lost.
    _fill(qtbot, widget, "name", "山田 花子")
    widget.buttons["send"].click()
    assert any("必要です" in text for text in messages.shown)
    assert db.referrals.get(widget.referral_id).state is ReferralState.DRAFT
    assert db.referrals.get(widget.referral_id).values["name"] == "山田 花子"  # saved as a draft first
    assert any("主訴" in widget.problems.item(i).text() for i in range(widget.problems.count()))

    _fill(qtbot, widget, "kana", "やまだ はなこ")
    _fill(qtbot, widget, "birth_date", "昭和25年4月1日")
    _fill(qtbot, widget, "source_agency", "つむぎ町地域包括支援センター")
    _fill(qtbot, widget, "main_complaint", "息子の仕事と家計のことで困っている。")
    widget.sheet.field_widget("consent").yes.click()  # type: ignore[attr-defined]
    widget.buttons["send"].click()
    assert widget.referral.state is ReferralState.SENT
    assert not widget.buttons["save"].isVisible()
    assert section.list.table.rowCount() == 1  # the list (回答待ち) shows it

    # 受理: the person already on file is offered first; link to it.
    def link(dialog: QWidget) -> None:
        assert isinstance(dialog, AcceptDialog)
        assert dialog.table.rowCount() == 1
        assert dialog.table.item(0, 5).text() == "フリガナ・生年月日が一致"
        dialog.link_button.click()

    errors = when_modal(link)
    widget.buttons["accept"].click()
    assert not errors
    assert widget.referral.state is ReferralState.ACCEPTED
    assert widget.referral.case_id == existing
    assert widget.answer is not None
    assert widget.tabs.currentWidget() is widget.answer

    # The C票: 関係機関につなぐ without an agency is refused; with one it is recorded on the case.
    actions = widget.answer.field_widget("actions")
    actions.boxes["関係機関につなぐ"].click()  # type: ignore[attr-defined]
    answer_date = widget.answer.field_widget("answered_on")
    answer_date.edit.setFocus()  # type: ignore[attr-defined]
    type_text(qtbot, answer_date.edit, "2024-06-03")  # type: ignore[attr-defined]
    responder = widget.answer.field_widget("responder")
    responder.lineEdit().setFocus()  # type: ignore[attr-defined]
    type_text(qtbot, responder.lineEdit(), "推進員 二")  # type: ignore[attr-defined]
    widget.buttons["answer"].click()
    assert widget.referral.state is ReferralState.ACCEPTED
    assert any("関係機関の一覧から選んで" in text for text in messages.shown)
    agency = widget.answer.field_widget("agency")
    agency.lineEdit().setFocus()  # type: ignore[attr-defined]
    type_text(qtbot, agency.lineEdit(), "つむぎ町社会福祉協議会")  # type: ignore[attr-defined]
    agency.lineEdit().editingFinished.emit()  # type: ignore[attr-defined]
    widget.buttons["answer"].click()
    assert widget.referral.state is ReferralState.ANSWERED
    assert any("回答を記録しました" in text for text in messages.shown)
    shakyo = db.agencies.find_by_name("つむぎ町社会福祉協議会")
    assert shakyo is not None
    assert shakyo.id in {m.agency_id for m in db.cases.team(existing)}
    assert any("につないだ" in n.body for n in db.notes.for_case(existing))

    # Print: the file goes only where the user chose.
    target = tmp_path / "出力" / "つなぎ.pdf"
    target.parent.mkdir()
    messages.set_next_save_paths(target)
    messages.set_next_answers(False)  # do not open it
    widget.buttons["pdf"].click()
    qtbot.waitUntil(lambda: any("PDFを保存しました" in t for t in messages.shown), timeout=15_000)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    for part in ("つむぎあいシート A票", "山田 花子", "C票", "つむぎ町社会福祉協議会", "取扱注意"):
        assert part in text
    assert sorted(p.name for p in target.parent.iterdir()) == ["つなぎ.pdf"]


@pytest.mark.usefixtures("quiet_messages")
def test_accept_as_a_new_case_and_withdraw_another(qtbot: QtBot, office: Session) -> None:
    section = _section(qtbot, office)
    widget = _new_referral(qtbot, section, "sakai_shokai")
    _fill(qtbot, widget, "name", "鈴木 一郎")
    _fill(qtbot, widget, "issue_awareness", "家計と健康の両方に課題がある。")
    widget.buttons["send"].click()
    assert widget.referral.state is ReferralState.SENT

    def new_case(dialog: QWidget) -> None:
        assert isinstance(dialog, AcceptDialog)
        assert dialog.table.rowCount() == 0
        dialog.new_button.click()

    errors = when_modal(new_case)
    widget.buttons["accept"].click()
    assert not errors
    assert widget.referral.state is ReferralState.ACCEPTED
    assert widget.referral.case_id is not None
    assert office.db.cases.get(widget.referral.case_id).principal.name == "鈴木 一郎"

    other = _new_referral(qtbot, section, "yonago_tsunagu")
    messages.set_next_texts("本人が転居したため")
    other.buttons["withdraw"].click()
    assert other.referral.state is ReferralState.WITHDRAWN
    assert "本人が転居したため" in other.summary.text()
    section.list.state.setCurrentIndex(0)  # すべて
    assert section.list.table.rowCount() == 2
    assert "取下げ 1" in section.list.count_label.text()


@pytest.mark.usefixtures("quiet_messages")
def test_unsaved_input_survives_closing_and_reopening(qtbot: QtBot, office: Session) -> None:
    section = _section(qtbot, office)
    widget = _new_referral(qtbot, section, "takashima_ab")
    referral_id = widget.referral_id
    _fill(qtbot, widget, "history", "十年前から一人暮らし。")
    assert widget.has_unsaved_changes()
    widget.save_draft()  # what the autosave timer does a moment after typing
    section.removeTab(section.indexOf(widget))  # as after a crash: the tab is gone, the draft stays
    widget.deleteLater()
    messages.reset()
    messages.set_next_answers(True)  # 復元する
    reopened = section.open_referral(referral_id)
    assert reopened is not None
    assert reopened.sheet.values()["history"] == "十年前から一人暮らし。"
    assert reopened.has_unsaved_changes()


@pytest.mark.usefixtures("quiet_messages")
def test_blank_form_printing_and_filters(qtbot: QtBot, office: Session, tmp_path: Path) -> None:
    section = _section(qtbot, office)
    target = tmp_path / "記入用.pdf"
    messages.set_next_save_paths(target)
    messages.set_next_answers(False)
    when_modal(lambda dialog: dialog.accept() if isinstance(dialog, QDialog) else None)
    section.list.print_blank()
    qtbot.waitUntil(target.exists, timeout=15_000)
    assert "令和" in subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
    section.list.search.setText("該当なし")
    qtbot.waitUntil(lambda: "0 件" in section.list.count_label.text())
    assert section.list.table.rowCount() == 0
    assert section.list.table.horizontalHeaderItem(8).text() == "待ち日数"
    assert section.list.table.isSortingEnabled() is False
    assert section.list.agency.findText("つむぎ町地域包括支援センター") > 0
