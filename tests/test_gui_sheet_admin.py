"""設定 › 様式 as an administrator uses it: choose the sheets, rename, require, hide, add, preview."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.sheets import FieldType, Purpose, Requirement, display_value
from jusou_desktop.gui import messages
from jusou_desktop.gui.sheet_admin import AddFieldDialog, SheetTemplatesPage
from jusou_desktop.gui.sheet_form import SheetForm
from jusou_desktop.store.database import Database
from tests.qt_typing import type_text

pytestmark = pytest.mark.usefixtures("quiet_messages")

USER = "相談 一郎"


def open_page(qtbot: QtBot, db: Database) -> SheetTemplatesPage:
    page = SheetTemplatesPage(db, USER)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def replace_text(qtbot: QtBot, widget: object, text: str) -> None:
    widget.selectAll()  # type: ignore[attr-defined]
    type_text(qtbot, widget, text)  # type: ignore[arg-type]


def test_choose_the_sheets_the_town_uses(qtbot: QtBot, db: Database) -> None:
    page = open_page(qtbot, db)
    referral_keys = [s.template.key for s in db.templates.latest_all(Purpose.REFERRAL)]
    assert page.checked_referral_keys() == referral_keys  # default: all of them
    texts = [page.referral_list.item(i).text() for i in range(page.referral_list.count())]
    assert any("つむぎあいシート" in t and "第1版" in t for t in texts)

    for row in range(page.referral_list.count()):
        item = page.referral_list.item(row)
        keep = item.data(Qt.ItemDataRole.UserRole + 1) in ("takashima_ab", "sakai_shokai")
        item.setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
    page.answer_combo.setCurrentIndex(page.answer_combo.findData("takashima_c"))
    with qtbot.waitSignal(page.templates_changed):
        click(qtbot, page.save_choice_button)
    assert db.templates.active_referral_keys() == ["sakai_shokai", "takashima_ab"]
    assert db.templates.answer_key() == "takashima_c"
    assert page.choice_status.text().startswith("保存しました。")
    assert "紹介シート" in page.choice_status.text()

    for row in range(page.referral_list.count()):
        page.referral_list.item(row).setCheckState(Qt.CheckState.Unchecked)
    click(qtbot, page.save_choice_button)
    assert messages.shown == ["使う様式をひとつ以上選んでください。"]
    assert db.templates.active_referral_keys() == ["sakai_shokai", "takashima_ab"]  # unchanged


def test_rename_makes_a_new_version_and_old_sheets_keep_old_labels(qtbot: QtBot, db: Database) -> None:
    page = open_page(qtbot, db)
    assert page.select_template("takashima_ab")
    assert not page.rename_button.isEnabled()
    assert page.select_field("name")
    click(qtbot, page.rename_button)
    dialog = page.dialog
    assert dialog is not None
    assert dialog.isVisible()
    replace_text(qtbot, dialog.label, "本人のお名前")  # type: ignore[attr-defined]
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: page.dialog is None)

    versions = db.templates.versions("takashima_ab")
    assert [v.template.version for v in versions] == [1, 2]
    assert versions[1].created_by == USER
    assert versions[1].origin == "編集"
    assert versions[0].template.field("name").label == "氏名"
    assert versions[1].template.field("name").label == "本人のお名前"
    assert page.history.item(0).text().startswith("第2版（")
    assert f"編集: {USER}" in page.history.item(0).text()
    assert "第2版" in page.edit_status.text()
    assert page.tree.currentItem().text(0) == "本人のお名前"

    # A sheet filled with version 1 still shows 「氏名」; a new one shows the new label.
    old_values = {"name": "山田 花子", "kana": "やまだ はなこ"}
    old_form = SheetForm(versions[0].template)
    qtbot.addWidget(old_form)
    old_form.set_values(old_values)
    assert old_form.field_label("name").text().startswith("氏名")
    assert old_form.values() == old_values
    new_form = SheetForm(db.templates.latest("takashima_ab").template)
    qtbot.addWidget(new_form)
    assert new_form.field_label("name").text().startswith("本人のお名前")


def test_an_empty_name_is_refused_and_the_dialog_stays(qtbot: QtBot, db: Database) -> None:
    page = open_page(qtbot, db)
    page.select_template("sakai_shokai")
    page.select_field("household")
    click(qtbot, page.rename_button)
    dialog = page.dialog
    assert dialog is not None
    dialog.label.clear()  # type: ignore[attr-defined]
    click(qtbot, dialog.ok_button)
    assert messages.shown == ["項目名を入力してください。"]
    assert dialog.isVisible()
    assert len(db.templates.versions("sakai_shokai")) == 1


def test_requirement_and_hiding(qtbot: QtBot, db: Database) -> None:
    page = open_page(qtbot, db)
    page.select_template("takashima_ab")
    page.select_field("phone")
    click(qtbot, page.requirement_button)
    dialog = page.dialog
    assert dialog is not None
    dialog.level.setCurrentIndex(dialog.level.findData(Requirement.BLOCK.value))  # type: ignore[attr-defined]
    click(qtbot, dialog.ok_button)
    assert db.templates.latest("takashima_ab").template.field("phone").required is Requirement.BLOCK

    page.select_field("contact_note")
    assert page.hide_button.text() == "隠す"
    messages.set_next_answers(False)
    click(qtbot, page.hide_button)
    assert db.templates.latest("takashima_ab").template.version == 2  # declined: nothing stored
    messages.set_next_answers(True)
    click(qtbot, page.hide_button)
    latest = db.templates.latest("takashima_ab").template
    assert latest.version == 3
    assert latest.field("contact_note").hidden
    assert page.tree.currentItem().text(3) == "隠す"
    assert page.hide_button.text() == "表示する"
    click(qtbot, page.hide_button)
    assert not db.templates.latest("takashima_ab").template.field("contact_note").hidden

    page.select_field("name")  # a field the app needs cannot be hidden
    messages.set_next_answers(True)
    click(qtbot, page.hide_button)
    assert "隠せません" in messages.shown[-1]
    assert db.templates.latest("takashima_ab").template.version == 4


def test_add_a_field(qtbot: QtBot, db: Database) -> None:
    page = open_page(qtbot, db)
    page.select_template("takashima_c")
    page.select_field("comment")
    click(qtbot, page.add_button)
    dialog = page.dialog
    assert isinstance(dialog, AddFieldDialog)
    assert dialog.section.currentData() == "details"
    assert not dialog.choices.isEnabled()
    type_text(qtbot, dialog.label, "次回の連絡方法")
    dialog.type.setCurrentIndex(dialog.type.findData(FieldType.CHOICE.value))
    assert dialog.choices.isEnabled()
    dialog.choices.setPlainText("電話\n訪問\n\n電話")
    click(qtbot, dialog.ok_button)
    assert messages.shown == ["選択肢「電話」が二度あります。"]
    dialog.choices.setPlainText("電話\n訪問\nメール")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: page.dialog is None)
    latest = db.templates.latest("takashima_c").template
    added = latest.field("extra_1")
    assert added.label == "次回の連絡方法"
    assert added.type is FieldType.CHOICE
    assert [c.label for c in added.choices] == ["電話", "訪問", "メール"]
    assert latest.where("extra_1")[1].key == "details"
    assert display_value(added, "訪問") == "訪問"
    assert page.tree.currentItem().text(0) == "次回の連絡方法"


def test_preview_shows_the_sheet(qtbot: QtBot, db: Database) -> None:
    page = open_page(qtbot, db)
    page.select_template("yonago_tsunagu")
    click(qtbot, page.preview_button)
    dialog = page.preview_dialog
    assert dialog is not None
    assert dialog.isVisible()
    form = dialog.findChild(SheetForm)
    assert form is not None
    assert form.tabs.tabText(0) == "つなぐシート"
    dialog.reject()
    qtbot.waitUntil(lambda: page.preview_dialog is None)
    assert len(db.templates.versions("yonago_tsunagu")) == 1
