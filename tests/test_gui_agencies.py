"""The 関係機関 directory as a user works with it: type, click 保存, search, filter, pick."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.ids import AgencyId
from jusou_desktop.domain.model import BUSINESS_DESCRIPTIONS, Agency, AgencyField, Business, Operation, Staff
from jusou_desktop.gui import messages
from jusou_desktop.gui.agencies import (
    DISCARD_QUESTION,
    AgencyDialog,
    AgencyDirectory,
    AgencyPicker,
    StaffDialog,
    business_label,
)
from jusou_desktop.gui.session import Session
from jusou_desktop.store.database import Database
from tests.qt_typing import type_text

HOUKATSU = "つむぎ町地域包括支援センター"
HOUKATSU_KANA = "ツムギチョウチイキホウカツシエンセンター"


pytestmark = pytest.mark.usefixtures("quiet_messages")


def _seed(db: Database) -> dict[str, AgencyId]:
    specs = (
        Agency(
            name=HOUKATSU,
            kana=HOUKATSU_KANA,
            field=AgencyField.ELDERLY,
            business=Business.CONSULTATION_ELDERLY,
            operation=Operation.CONTRACTED,
            department="健康長寿課",
            phone="0000-11-2030",
        ),
        Agency(
            name="つむぎ町基幹相談支援センター",
            kana="ツムギチョウキカンソウダンシエンセンター",
            field=AgencyField.DISABILITY,
            business=Business.CONSULTATION_DISABILITY,
            operation=Operation.CONTRACTED,
            department="福祉課",
        ),
        Agency(
            name="つむぎ町保健センター",
            kana="ツムギチョウホケンセンター",
            field=AgencyField.HEALTH,
            operation=Operation.DIRECT,
        ),
        Agency(
            name="旧つむぎ町在宅介護支援センター",
            kana="キュウツムギチョウザイタクカイゴシエンセンター",
            field=AgencyField.ELDERLY,
            active=False,
        ),
    )
    return {agency.name: db.agencies.add(agency) for agency in specs}


def _directory(qtbot: QtBot, db: Database) -> AgencyDirectory:
    directory = AgencyDirectory(Session(db, user_name="架空 職員"))
    qtbot.addWidget(directory)
    directory.resize(1200, 700)
    directory.show()
    qtbot.waitExposed(directory)
    return directory


def _names(directory: AgencyDirectory) -> list[str]:
    return [agency.name for agency in directory.visible_agencies()]


def _agency_dialog(directory: AgencyDirectory) -> AgencyDialog:
    dialog = directory.dialog
    assert isinstance(dialog, AgencyDialog)
    assert dialog.isVisible()
    return dialog


def _staff_dialog(directory: AgencyDirectory) -> StaffDialog:
    dialog = directory.dialog
    assert isinstance(dialog, StaffDialog)
    assert dialog.isVisible()
    return dialog


def _click(qtbot: QtBot, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _choose(text: str, combo: QComboBox) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def test_add_an_agency_by_typing_and_see_it_in_the_list(qtbot: QtBot, db: Database) -> None:
    directory = _directory(qtbot, db)
    assert "まだ機関が登録されていません" in directory.count_label.text()
    assert not directory.edit_button.isEnabled()

    _click(qtbot, directory.new_button)
    dialog = _agency_dialog(directory)
    assert dialog.windowTitle() == "関係機関の新規登録"
    assert dialog.save_button.text() == "保存"
    assert dialog.cancel_button.text() == "キャンセル"
    type_text(qtbot, dialog.name, HOUKATSU)
    type_text(qtbot, dialog.kana, "つむぎちょう ちいきほうかつしえんせんたー")
    _choose("高齢", dialog.field)
    _choose("第1号イ　包括的相談支援事業（地域包括支援センター）", dialog.business)
    _choose("委託", dialog.operation)
    type_text(qtbot, dialog.department, "健康長寿課")
    type_text(qtbot, dialog.phone, "0000-11-2030")
    type_text(qtbot, dialog.email, "houkatsu@tsumugi.example")
    with qtbot.waitSignal(directory.changed, timeout=1000):
        _click(qtbot, dialog.save_button)

    assert directory.dialog is None
    assert _names(directory) == [HOUKATSU]
    saved = db.agencies.find_by_name(HOUKATSU)
    assert saved is not None
    assert saved.kana == "ツムギチョウ\u3000チイキホウカツシエンセンター"
    assert saved.business is Business.CONSULTATION_ELDERLY
    assert saved.operation is Operation.CONTRACTED
    assert directory.selected_agency_id() == saved.id
    row = [directory.proxy.index(0, column).data() for column in range(directory.proxy.columnCount())]
    assert row == [HOUKATSU, "高齢", "第1号イ", "委託", "健康長寿課", "0000-11-2030"]
    assert (
        directory.proxy.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
        == BUSINESS_DESCRIPTIONS[Business.CONSULTATION_ELDERLY]
    )
    assert directory.details["号"].text() == "第1号イ　包括的相談支援事業（地域包括支援センター）"
    assert directory.details["メール"].text() == "houkatsu@tsumugi.example"
    assert directory.count_label.text() == "全1件"


def test_duplicate_or_empty_name_is_shown_in_the_dialog_and_nothing_is_lost(
    qtbot: QtBot, db: Database
) -> None:
    _seed(db)
    directory = _directory(qtbot, db)
    before = len(db.agencies.list())

    _click(qtbot, directory.new_button)
    dialog = _agency_dialog(directory)
    _click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.error.text() == "機関名を入力してください。"

    type_text(qtbot, dialog.name, HOUKATSU)
    type_text(qtbot, dialog.phone, "0000-11-9999")
    type_text(qtbot, dialog.note, "移転予定あり")
    _click(qtbot, dialog.save_button)
    assert directory.dialog is dialog
    assert dialog.isVisible()
    assert dialog.error.text() == f"同じ名前の機関がすでにあります: {HOUKATSU}"
    assert dialog.name.text() == HOUKATSU
    assert dialog.phone.text() == "0000-11-9999"
    assert dialog.note.toPlainText() == "移転予定あり"
    assert len(db.agencies.list()) == before

    type_text(qtbot, dialog.name, "（分室）")
    _click(qtbot, dialog.save_button)
    assert directory.dialog is None
    added = db.agencies.find_by_name(HOUKATSU + "（分室）")
    assert added is not None
    assert added.phone == "0000-11-9999"
    assert added.note == "移転予定あり"
    assert directory.selected_agency_id() == added.id


def test_cancel_asks_before_throwing_away_what_was_typed(qtbot: QtBot, db: Database) -> None:
    directory = _directory(qtbot, db)
    _click(qtbot, directory.new_button)
    dialog = _agency_dialog(directory)
    _click(qtbot, dialog.cancel_button)  # nothing typed: closes without asking
    assert directory.dialog is None
    assert messages.shown == []

    _click(qtbot, directory.new_button)
    dialog = _agency_dialog(directory)
    type_text(qtbot, dialog.name, "つむぎ町子ども食堂")
    messages.set_next_answers(False)
    _click(qtbot, dialog.cancel_button)
    assert messages.shown == [DISCARD_QUESTION]
    assert dialog.isVisible()
    assert dialog.name.text() == "つむぎ町子ども食堂"
    messages.set_next_answers(True)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert directory.dialog is None
    assert db.agencies.list() == []


def test_edit_with_enter_and_double_click(qtbot: QtBot, db: Database) -> None:
    ids = _seed(db)
    directory = _directory(qtbot, db)
    assert directory.select_agency(ids[HOUKATSU])
    directory.table.setFocus()
    qtbot.keyClick(directory.table, Qt.Key.Key_Return)
    dialog = _agency_dialog(directory)
    assert dialog.windowTitle() == "関係機関の編集"
    assert dialog.name.text() == HOUKATSU
    assert dialog.business.currentText() == business_label(Business.CONSULTATION_ELDERLY)
    dialog.department.clear()
    type_text(qtbot, dialog.department, "地域包括ケア推進課")
    qtbot.keyClick(dialog.department, Qt.Key.Key_Return)  # Enter saves (default button)
    assert directory.dialog is None
    assert db.agencies.get(ids[HOUKATSU]).department == "地域包括ケア推進課"
    assert directory.details["所管課"].text() == "地域包括ケア推進課"

    assert directory.select_agency(ids["つむぎ町保健センター"])
    rect = directory.table.visualRect(directory.table.currentIndex())
    # a real double click arrives as press, release, then the double click
    qtbot.mouseClick(directory.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(directory.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = _agency_dialog(directory)
    assert dialog.name.text() == "つむぎ町保健センター"
    dialog.active.setChecked(False)  # 休止中 にする
    _click(qtbot, dialog.save_button)
    assert not db.agencies.get(ids["つむぎ町保健センター"]).active
    # the list shows 休止中 agencies now, so the one just saved is still in view
    assert directory.show_inactive.isChecked()
    assert directory.selected_agency_id() == ids["つむぎ町保健センター"]
    assert directory.details["状態"].text() == "休止中"


def test_search_by_kana_in_any_width_or_script(qtbot: QtBot, db: Database) -> None:
    ids = _seed(db)
    directory = _directory(qtbot, db)
    assert len(_names(directory)) == 3  # the 休止中 one is hidden
    type_text(qtbot, directory.search, "ﾎｳｶﾂ")
    assert _names(directory) == [HOUKATSU]
    assert directory.selected_agency_id() == ids[HOUKATSU]
    assert directory.count_label.text() == "3件中 1件を表示（休止中の1件は非表示）"

    directory.search.clear()
    type_text(qtbot, directory.search, "ほけん")
    assert _names(directory) == ["つむぎ町保健センター"]
    directory.search.clear()
    type_text(qtbot, directory.search, "基幹")
    assert _names(directory) == ["つむぎ町基幹相談支援センター"]
    directory.search.clear()
    type_text(qtbot, directory.search, "存在しない機関")
    assert _names(directory) == []
    assert directory.selected_agency() is None
    assert "条件に合う機関はありません" in directory.count_label.text()
    assert not directory.edit_button.isEnabled()
    assert not directory.add_staff_button.isEnabled()


def test_field_filter_and_inactive_agencies(qtbot: QtBot, db: Database) -> None:
    _seed(db)
    directory = _directory(qtbot, db)
    assert directory.field_filter.itemText(0) == "すべて"
    assert [directory.field_filter.itemText(i) for i in range(1, directory.field_filter.count())] == [
        f.value for f in AgencyField
    ]
    _choose("高齢", directory.field_filter)
    assert _names(directory) == [HOUKATSU]
    directory.show_inactive.click()
    assert sorted(_names(directory)) == sorted([HOUKATSU, "旧つむぎ町在宅介護支援センター"])
    inactive_row = _names(directory).index("旧つむぎ町在宅介護支援センター")
    assert directory.proxy.index(inactive_row, 0).data() == "旧つむぎ町在宅介護支援センター（休止中）"
    _choose("障害", directory.field_filter)
    assert _names(directory) == ["つむぎ町基幹相談支援センター"]
    _choose("すべて", directory.field_filter)
    assert len(_names(directory)) == 4

    # a new agency starts in the 分野 being looked at
    _choose("保健", directory.field_filter)
    _click(qtbot, directory.new_button)
    assert _agency_dialog(directory).field.currentText() == "保健"


def test_add_and_edit_staff(qtbot: QtBot, db: Database) -> None:
    ids = _seed(db)
    directory = _directory(qtbot, db)
    directory.select_agency(ids[HOUKATSU])
    assert directory.staff_model.rowCount() == 0
    assert not directory.edit_staff_button.isEnabled()

    _click(qtbot, directory.add_staff_button)
    dialog = _staff_dialog(directory)
    assert dialog.windowTitle() == "担当者の追加"
    assert dialog.agency.current_agency_id() == ids[HOUKATSU]
    _click(qtbot, dialog.save_button)
    assert dialog.error.text() == "職員の氏名を入力してください。"
    type_text(qtbot, dialog.name, "架空\u3000花子")
    type_text(qtbot, dialog.kana, "かくう はなこ")
    type_text(qtbot, dialog.title, "社会福祉士")
    type_text(qtbot, dialog.phone, "0000-11-2031")
    type_text(qtbot, dialog.email, "kakuu@tsumugi.example")
    with qtbot.waitSignal(directory.changed, timeout=1000):
        _click(qtbot, dialog.save_button)

    assert directory.dialog is None
    assert directory.staff_model.rowCount() == 1
    shown = [directory.staff_model.index(0, column).data() for column in range(4)]
    assert shown == ["架空\u3000花子", "社会福祉士", "0000-11-2031", "kakuu@tsumugi.example"]
    [staff] = db.staff.list(ids[HOUKATSU])
    assert staff.kana == "カクウ\u3000ハナコ"

    directory.staff_table.selectRow(0)
    assert directory.edit_staff_button.isEnabled()
    _click(qtbot, directory.edit_staff_button)
    dialog = _staff_dialog(directory)
    assert dialog.windowTitle() == "担当者の編集"
    dialog.title.clear()
    type_text(qtbot, dialog.title, "主任介護支援専門員")
    _click(qtbot, dialog.save_button)
    assert staff.id is not None
    assert db.staff.get(staff.id).title == "主任介護支援専門員"
    assert directory.staff_model.index(0, 1).data() == "主任介護支援専門員"


def test_staff_dialog_needs_an_agency_from_the_list(qtbot: QtBot, db: Database) -> None:
    _seed(db)
    dialog = StaffDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.name, "架空\u3000一郎")
    type_text(qtbot, dialog.agency.editor, "どこにもない機関")
    _click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.error.text() == "所属機関を一覧から選んでください。"
    assert db.staff.list() == []


def test_agency_picker_lists_active_agencies_and_returns_the_chosen_id(qtbot: QtBot, db: Database) -> None:
    ids = _seed(db)
    db.staff.add(Staff(name="架空\u3000次郎", agency_id=ids[HOUKATSU]))
    picker = AgencyPicker.from_db(db)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitExposed(picker)
    labels = [picker.itemText(i) for i in range(picker.count())]
    assert sorted(labels) == sorted(
        [
            "つむぎ町地域包括支援センター（高齢）",
            "つむぎ町基幹相談支援センター（障害）",
            "つむぎ町保健センター（保健）",
        ]
    )
    assert picker.current_agency_id() is None

    chosen: list[object] = []
    picker.agency_changed.connect(chosen.append)
    type_text(qtbot, picker.editor, "きかん")
    completer = picker.search_completer
    popup = completer.popup()
    assert popup is not None
    assert popup.isVisible()
    assert completer.completionModel().rowCount() == 1
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert picker.currentText() == "つむぎ町基幹相談支援センター（障害）"
    assert picker.current_agency_id() == ids["つむぎ町基幹相談支援センター"]
    assert chosen[-1] == ids["つむぎ町基幹相談支援センター"]

    assert picker.select(ids[HOUKATSU])
    assert picker.current_agency_id() == ids[HOUKATSU]
    assert not picker.select(ids["旧つむぎ町在宅介護支援センター"])  # 休止中: not offered
    assert picker.current_agency_id() is None

    picker.editor.clear()
    type_text(qtbot, picker.editor, "つむぎ町保健センター")  # the exact name is enough
    assert picker.current_agency_id() == ids["つむぎ町保健センター"]

    everything = AgencyPicker.from_db(db, active_only=False)
    qtbot.addWidget(everything)
    assert everything.count() == 4


def test_ctrl_n_opens_a_new_agency(qtbot: QtBot, db: Database) -> None:
    directory = _directory(qtbot, db)
    with qtbot.waitActive(directory):
        directory.activateWindow()
    directory.table.setFocus()
    qtbot.keyClick(directory.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert _agency_dialog(directory).windowTitle() == "関係機関の新規登録"
