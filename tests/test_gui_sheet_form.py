"""The sheet form as a user fills it: built from template data alone, typed into, read back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from jusou_desktop.domain.model import Agency, AgencyField, Business, Staff
from jusou_desktop.domain.sheets import (
    Field,
    FieldType,
    Requirement,
    SheetTemplate,
    check_values,
    set_hidden,
)
from jusou_desktop.gui.sheet_form import (
    NO_PRIMARY,
    UNKNOWN_CHOICE,
    AgencyInput,
    ChoiceInput,
    MultiChoiceInput,
    OptionalDateInput,
    PersonInput,
    SheetForm,
    YesNoInput,
)
from jusou_desktop.store.database import Database
from jusou_desktop.store.sheets import shipped_templates
from tests.qt_typing import type_text

pytestmark = pytest.mark.usefixtures("quiet_messages")

HOUKATSU = "つむぎ町地域包括支援センター"


@dataclass
class Directory:
    agencies: list[Agency]
    staff: list[Staff]


@pytest.fixture
def directory(db: Database) -> Directory:
    houkatsu = db.agencies.add(
        Agency(name=HOUKATSU, field=AgencyField.ELDERLY, business=Business.CONSULTATION_ELDERLY)
    )
    db.agencies.add(Agency(name="つむぎ町社会福祉協議会", field=AgencyField.GENERAL))
    db.staff.add(Staff(name="包括 花子", agency_id=houkatsu))
    db.staff.add(Staff(name="相談 一郎"))
    return Directory(db.agencies.list(), db.staff.list())


def make_form(qtbot: QtBot, template: SheetTemplate, directory: Directory) -> SheetForm:
    form = SheetForm(template, agencies=directory.agencies, staff=directory.staff)
    qtbot.addWidget(form)
    form.resize(1100, 800)
    form.show()
    qtbot.waitExposed(form)
    return form


def sample_value(f: Field, index: int, directory: Directory) -> Any:
    """A stored value for every field type, varied by position (ids known and unknown, False too)."""
    if f.type is FieldType.TEXT:
        return f"{f.label}の記入例"
    if f.type is FieldType.LONG_TEXT:
        return f"{f.label}\n二行目も書きます。"
    if f.type is FieldType.DATE:
        return f"2024-04-{index % 28 + 1:02d}"
    if f.type is FieldType.CHOICE:
        return f.choices[index % len(f.choices)].key
    if f.type is FieldType.MULTI_CHOICE:
        keys = [c.key for c in f.choices][:3]
        return {"selected": keys, "primary": keys[-1] if f.primary_mark else None}
    if f.type is FieldType.PERSON:
        person = directory.staff[0]
        return {"name": person.name, "id": person.id} if index % 2 else {"name": "外部 太郎", "id": None}
    if f.type is FieldType.AGENCY:
        agency = directory.agencies[index % len(directory.agencies)]
        return {"name": agency.name, "id": agency.id} if index % 2 else {"name": "隣町の社協", "id": None}
    return index % 2 == 0  # yes_no: True and False both kept


def templates(db: Database) -> list[SheetTemplate]:
    return [stored.template for stored in db.templates.latest_all()]


def test_every_shipped_template_reads_back_what_it_was_given(
    qtbot: QtBot, db: Database, directory: Directory
) -> None:
    shipped = templates(db)
    assert {t.key for t in shipped} == {t.key for t in shipped_templates()}
    seen_types: set[FieldType] = set()
    for template in shipped:
        form = make_form(qtbot, template, directory)
        assert [form.tabs.tabText(i) for i in range(form.tabs.count())] == [p.title for p in template.parts]
        values = {f.key: sample_value(f, i, directory) for i, f in enumerate(template.fields())}
        seen_types |= {f.type for f in template.fields()}
        with qtbot.assertNotEmitted(form.changed):
            form.set_values(values)
        assert form.values() == values, template.key
        form.set_values({})
        assert form.values() == {}, template.key
    assert seen_types == set(FieldType)


def test_widgets_follow_the_field_types(qtbot: QtBot, db: Database, directory: Directory) -> None:
    form = make_form(qtbot, db.templates.latest("takashima_ab").template, directory)
    expected = {
        "name": QLineEdit,
        "history": QPlainTextEdit,
        "written_on": OptionalDateInput,
        "sex": ChoiceInput,
        "troubles": MultiChoiceInput,
        "source_staff": PersonInput,
        "source_agency": AgencyInput,
        "consent": YesNoInput,
    }
    for key, kind in expected.items():
        assert isinstance(form.field_widget(key), kind), key
    sex = form.field_widget("sex")
    assert isinstance(sex, QComboBox)
    assert sex.itemText(0) == "（未選択）"
    history = form.field_widget("history")
    assert isinstance(history, QPlainTextEdit)
    assert history.tabChangesFocus()
    assert history.minimumHeight() >= history.fontMetrics().lineSpacing() * 8
    assert "税情報" in form.field_label("tax_arrears").text().replace("\u2060", "")
    assert "推奨" in form.field_label("kana").text().replace("\u2060", "")


def test_typing_japanese_into_a_name_and_a_long_text(
    qtbot: QtBot, db: Database, directory: Directory
) -> None:
    form = make_form(qtbot, db.templates.latest("takashima_ab").template, directory)
    name = form.field_widget("name")
    with qtbot.waitSignal(form.changed):
        type_text(qtbot, name, "山田 花子")
    complaint = form.field_widget("main_complaint")
    complaint.setFocus()
    type_text(qtbot, complaint, "長男が長年ひきこもっている。")
    qtbot.keyClick(complaint, Qt.Key.Key_Return)
    type_text(qtbot, complaint, "母80歳")
    values = form.values()
    assert values["name"] == "山田 花子"
    assert values["main_complaint"] == "長男が長年ひきこもっている。\n母80歳"


def test_staff_and_agency_get_their_id_only_for_an_exact_name(
    qtbot: QtBot, db: Database, directory: Directory
) -> None:
    form = make_form(qtbot, db.templates.latest("takashima_ab").template, directory)
    staff = form.field_widget("source_staff")
    assert isinstance(staff, PersonInput)
    line = staff.lineEdit()
    assert line is not None
    type_text(qtbot, line, "包括 花子")
    assert form.values()["source_staff"] == {"name": "包括 花子", "id": directory.staff[0].id}
    type_text(qtbot, line, "さん")
    assert form.values()["source_staff"] == {"name": "包括 花子さん", "id": None}

    agency = form.field_widget("source_agency")
    assert isinstance(agency, AgencyInput)
    houkatsu = next(a for a in directory.agencies if a.name == HOUKATSU)
    agency.select(houkatsu.id)
    assert form.values()["source_agency"] == {"name": HOUKATSU, "id": houkatsu.id}  # no 「（高齢）」
    agency.setEditText("")
    type_text(qtbot, agency.editor, "隣町の社会福祉協議会")
    assert form.values()["source_agency"] == {"name": "隣町の社会福祉協議会", "id": None}


def test_a_stored_person_or_agency_not_in_the_lists_is_kept(
    qtbot: QtBot, db: Database, directory: Directory
) -> None:
    form = make_form(qtbot, db.templates.latest("takashima_ab").template, directory)
    stored = {
        "source_staff": {"name": "退職 次郎", "id": 999},
        "source_agency": {"name": "旧センター", "id": 998},
    }
    form.set_values(stored)
    assert form.values() == stored


def test_date_accepts_wareki_and_flags_nonsense(qtbot: QtBot, db: Database, directory: Directory) -> None:
    form = make_form(qtbot, db.templates.latest("takashima_ab").template, directory)
    date = form.field_widget("written_on")
    assert isinstance(date, OptionalDateInput)
    type_text(qtbot, date.edit, "令和6年4月1日")
    qtbot.keyClick(date.edit, Qt.Key.Key_Return)
    assert form.values()["written_on"] == "2024-04-01"
    assert date.wareki.text() == "令和6年4月1日"
    assert date.edit.text() == "2024/04/01"
    assert not date.error.isVisible()

    date.edit.selectAll()
    type_text(qtbot, date.edit, "そのうち")  # typed over the date
    qtbot.keyClick(date.edit, Qt.Key.Key_Return)
    assert date.error.isVisible()
    assert "日付として読めません" in date.error.text()
    assert "前の日付（令和6年4月1日）のまま" in date.error.text()  # says which date still counts
    assert date.edit.text() == "そのうち"  # left for the user to correct
    assert form.values()["written_on"] == "2024-04-01"  # the last readable date is kept

    date.edit.selectAll()
    type_text(qtbot, date.edit, "R6.5.3")
    assert not date.error.isVisible()
    assert form.values()["written_on"] == "2024-05-03"
    date.edit.clear()
    type_text(qtbot, date.edit, "２０２４－０６－０７")  # full-width digits from the IME
    assert form.values()["written_on"] == "2024-06-07"
    date.edit.clear()
    qtbot.keyClick(date.edit, Qt.Key.Key_Return)
    assert "written_on" not in form.values()  # an empty date is allowed


def test_date_from_the_calendar(qtbot: QtBot, db: Database, directory: Directory) -> None:
    form = make_form(qtbot, db.templates.latest("takashima_ab").template, directory)
    date = form.field_widget("first_contact_on")
    assert isinstance(date, OptionalDateInput)
    date.calendar_button.click()
    assert date.popup.isVisible()
    date.calendar.setSelectedDate(date.calendar.selectedDate().addDays(0))
    date.calendar.clicked.emit(date.calendar.selectedDate())
    assert not date.popup.isVisible()
    day = date.calendar.selectedDate()
    assert form.values()["first_contact_on"] == f"{day.year():04d}-{day.month():02d}-{day.day():02d}"


def test_primary_mark_only_among_checked_items(qtbot: QtBot, db: Database, directory: Directory) -> None:
    form = make_form(qtbot, db.templates.latest("takashima_ab").template, directory)
    troubles = form.field_widget("troubles")
    assert isinstance(troubles, MultiChoiceInput)
    assert troubles.primary is not None
    assert not troubles.primary.isEnabled()
    box = troubles.boxes["障害"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    troubles.boxes["ひきこもり"].click()
    primary = troubles.primary
    assert [primary.itemText(i) for i in range(primary.count())] == [NO_PRIMARY, "障害", "ひきこもり"]
    primary.setCurrentIndex(primary.findData("ひきこもり"))
    assert form.values()["troubles"] == {"selected": ["障害", "ひきこもり"], "primary": "ひきこもり"}
    troubles.boxes["ひきこもり"].click()
    assert [primary.itemText(i) for i in range(primary.count())] == [NO_PRIMARY, "障害"]
    assert form.values()["troubles"] == {"selected": ["障害"], "primary": None}
    income = form.field_widget("income")
    assert isinstance(income, MultiChoiceInput)
    assert income.primary is None  # no ◎ for a field without primary_mark


def test_yes_no_unconfirmed_stores_nothing(qtbot: QtBot, db: Database, directory: Directory) -> None:
    form = make_form(qtbot, db.templates.latest("takashima_ab").template, directory)
    consent = form.field_widget("consent")
    assert isinstance(consent, YesNoInput)
    assert consent.unconfirmed.isChecked()
    assert "consent" not in form.values()
    with qtbot.waitSignal(form.changed):
        consent.yes.click()
    assert form.values()["consent"] is True
    consent.no.click()
    assert form.values()["consent"] is False
    consent.unconfirmed.click()
    assert "consent" not in form.values()
    consent.yes.click()
    form.activateWindow()
    form.focus_field("consent")  # on the B票 tab
    qtbot.waitUntil(consent.yes.hasFocus)
    with qtbot.waitSignal(form.changed):
        qtbot.keyClick(consent.yes, Qt.Key.Key_Right)  # arrow keys move between the answers
    assert form.values()["consent"] is False


def test_hidden_and_unknown_values_are_kept(qtbot: QtBot, db: Database, directory: Directory) -> None:
    template = set_hidden(db.templates.latest("takashima_ab").template, "contact_note", True)
    form = make_form(qtbot, template, directory)
    with pytest.raises(KeyError):
        form.field_widget("contact_note")
    stored = {"name": "山田 花子", "contact_note": "夜は不可", "extra_9": {"weird": [1, 2]}, "sex": "宇宙人"}
    form.set_values(stored)
    sex = form.field_widget("sex")
    assert isinstance(sex, QComboBox)
    assert sex.currentText() == f"宇宙人{UNKNOWN_CHOICE}"
    type_text(qtbot, form.field_widget("name"), "さん")
    assert form.values() == {**stored, "name": "山田 花子さん"}


def test_read_only(qtbot: QtBot, db: Database, directory: Directory) -> None:
    form = make_form(qtbot, db.templates.latest("takashima_ab").template, directory)
    form.set_values({"name": "山田 花子", "consent": True, "written_on": "2024-04-01"})
    form.set_read_only(True)
    name = form.field_widget("name")
    assert isinstance(name, QLineEdit)
    assert name.isReadOnly()
    type_text(qtbot, name, "abc")
    consent = form.field_widget("consent")
    assert isinstance(consent, YesNoInput)
    assert not consent.no.isEnabled()
    assert not form.field_widget("sex").isEnabled()
    date = form.field_widget("written_on")
    assert isinstance(date, OptionalDateInput)
    assert date.edit.isReadOnly()
    assert not date.calendar_button.isVisible()
    assert form.values() == {"name": "山田 花子", "consent": True, "written_on": "2024-04-01"}
    form.set_read_only(False)
    assert not name.isReadOnly()


def test_show_problems_and_focus(qtbot: QtBot, db: Database, directory: Directory) -> None:
    template = db.templates.latest("takashima_ab").template
    form = make_form(qtbot, template, directory)
    form.show_problems(check_values(template, {}))
    assert form.marked("name") is Requirement.BLOCK
    assert form.marked("kana") is Requirement.WARN
    assert form.marked("phone") is None
    label = form.field_label("name").text().replace("\u2060", "")
    assert "#c00000" in label
    assert "必須" in label
    assert "未記入" in form.field_label("kana").text().replace("\u2060", "")
    form.activateWindow()
    form.focus_field("main_complaint")
    assert form.tabs.currentIndex() == 1
    qtbot.waitUntil(lambda: form.field_widget("main_complaint").hasFocus())
    form.show_problems([])
    assert form.marked("name") is None
    assert "未記入" not in form.field_label("kana").text().replace("\u2060", "")


def test_changed_on_edit_not_on_set_values(qtbot: QtBot, db: Database, directory: Directory) -> None:
    template = db.templates.latest("takashima_c").template
    form = make_form(qtbot, template, directory)
    every = {f.key: sample_value(f, i, directory) for i, f in enumerate(template.fields())}
    with qtbot.assertNotEmitted(form.changed):
        form.set_values(every)
        form.set_values({})
    with qtbot.waitSignal(form.changed):
        form.field_widget("actions").boxes["情報共有"].click()  # type: ignore[attr-defined]
    with qtbot.waitSignal(form.changed):
        type_text(qtbot, form.field_widget("comment"), "来週訪問")
