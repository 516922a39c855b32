"""ケースファイル「本人・世帯」: the 本人's details, the case basics and the household members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import RELATIONS, Case, HouseholdMember, Person, Sex
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import (
    BirthDateField,
    age_text,
    choose,
    chosen,
    date_field,
    enum_combo,
    fill_table,
    fit_dialog_width,
    make_table,
    selected_row,
    store_call,
    wareki,
)
from jusou_desktop.gui.session import Session

ROUTE_SUGGESTIONS: tuple[str, ...] = (
    "本人からの相談",
    "家族からの相談",
    "関係機関からのつなぎ",
    "庁内他課からのつなぎ",
    "民生委員からのつなぎ",
    "地域住民からの情報",
    "アウトリーチ（訪問）",
)

PRINCIPAL_CANNOT_BE_REMOVED = "本人は世帯から外せません。"
PRINCIPAL_EDITED_ABOVE = "本人の情報は、上の「本人」欄で編集します。"


def _text_box(lines: int) -> QPlainTextEdit:
    """A multi-line box about ``lines`` lines tall at the current font size."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


def _sex_combo() -> QComboBox:
    return enum_combo(list(Sex))


class MemberDialog(QDialog):
    """Adds or edits one household member. ``submit`` stores it; on failure the dialog stays open."""

    def __init__(
        self,
        member: HouseholdMember | None,
        submit: Callable[[HouseholdMember], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._member = member
        self._submit = submit
        self.setWindowTitle("世帯員を編集" if member else "世帯員を追加")
        self.name = QLineEdit()
        self.name.setPlaceholderText("例：山田 太郎")
        self.kana = QLineEdit()
        self.kana.setPlaceholderText("ひらがなでも入力できます")
        self.relation = QComboBox()
        self.relation.setEditable(True)
        self.relation.addItems([r for r in RELATIONS if r != "本人"])
        self.relation.setCurrentText("")
        relation_line = self.relation.lineEdit()
        if relation_line is not None:
            relation_line.setPlaceholderText("一覧から選ぶか入力")
        self.birth = BirthDateField()
        self.sex = _sex_combo()
        self.lives_together = QCheckBox("同居している")
        self.lives_together.setChecked(True)
        self.note = QLineEdit()
        self.note.setPlaceholderText("例：介護が必要、遠方に住む")

        form = QFormLayout()
        form.addRow("氏名（必須）", self.name)
        form.addRow("フリガナ", self.kana)
        form.addRow("続柄", self.relation)
        form.addRow("生年月日", self.birth)
        form.addRow("性別", self.sex)
        form.addRow("", self.lives_together)
        form.addRow("備考", self.note)

        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(
            "保存" if member else "追加", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton("キャンセル", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        fit_dialog_width(self)

        if member is not None:
            person = member.person
            self.name.setText(person.name)
            self.kana.setText(person.kana)
            self.relation.setCurrentText(member.relation)
            self.birth.set_value(person.birth_date)
            choose(self.sex, person.sex)
            self.lives_together.setChecked(member.lives_together)
            self.note.setText(member.note)
        else:
            self.birth.set_value(None)
            choose(self.sex, Sex.UNKNOWN)

    def member(self) -> HouseholdMember:
        """The member as entered; an edited member keeps the fields this dialog does not show."""
        base = self._member.person if self._member else Person(name="")
        person = replace(
            base,
            name=self.name.text(),
            kana=self.kana.text(),
            birth_date=self.birth.value(),
            sex=chosen(self.sex, Sex) or Sex.UNKNOWN,
        )
        return HouseholdMember(
            person=person,
            relation=self.relation.currentText().strip(),
            lives_together=self.lives_together.isChecked(),
            note=self.note.text(),
        )

    def _try_accept(self) -> None:
        if self._submit(self.member()):
            self.accept()


class PersonTab(QWidget):
    """本人 fields and case basics (saved together), and the household table (saved at once)."""

    edited = Signal()
    """Any change of the 本人・受付 form."""
    saved = Signal()
    """The form was stored."""
    reverted = Signal()
    """The unsaved input was thrown away."""
    household_changed = Signal()

    def __init__(self, session: Session, case_id: CaseId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        self._case: Case | None = None
        self._clean: dict[str, Any] = {}
        self._members: list[HouseholdMember] = []
        self._loading = False
        self.member_dialog: MemberDialog | None = None

        # -- 本人
        self.name = QLineEdit()
        self.kana = QLineEdit()
        self.kana.setPlaceholderText("ひらがなでも入力できます")
        self.birth = BirthDateField()
        self.sex = _sex_combo()
        self.postal_code = QLineEdit()
        self.postal_code.setPlaceholderText("例：123-4567")
        self.address = QLineEdit()
        self.district = QComboBox()
        self.district.setEditable(True)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("例：0000-11-2222")
        self.person_note = _text_box(2)
        self.person_note.setMaximumHeight(self.person_note.fontMetrics().lineSpacing() * 4 + 12)
        person_box = QGroupBox("本人")
        person_form = QFormLayout(person_box)
        person_form.addRow("氏名（必須）", self.name)
        person_form.addRow("フリガナ", self.kana)
        person_form.addRow("生年月日", self.birth)
        person_form.addRow("性別", self.sex)
        person_form.addRow("郵便番号", self.postal_code)
        person_form.addRow("住所", self.address)
        person_form.addRow("地区", self.district)
        person_form.addRow("電話", self.phone)
        person_form.addRow("備考", self.person_note)

        # -- 受付
        self.opened_on = date_field()
        self.route = QComboBox()
        self.route.setEditable(True)
        self.route.addItems(ROUTE_SUGGESTIONS)
        self.summary = _text_box(6)
        self.summary.setPlaceholderText("主訴、相談に至った経緯、世帯の状況など")
        basics_box = QGroupBox("受付")
        basics_form = QFormLayout(basics_box)
        basics_form.addRow("受付日", self.opened_on)
        basics_form.addRow("相談経路", self.route)
        basics_form.addRow("主訴・概要", self.summary)

        # -- 世帯員
        self.members = make_table(("氏名", "フリガナ", "続柄", "生年月日（年齢）", "同居", "備考"), stretch=5)
        self.members.setMinimumHeight(self.members.fontMetrics().lineSpacing() * 7)
        self.add_button = QPushButton("追加…")
        self.edit_button = QPushButton("編集…")
        self.remove_button = QPushButton("外す…")
        member_buttons = QVBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            member_buttons.addWidget(button)
        member_buttons.addStretch(1)
        household_box = QGroupBox("世帯員（追加・編集・外すと、すぐに保存されます）")
        household_layout = QHBoxLayout(household_box)
        household_layout.addWidget(self.members, 1)
        household_layout.addLayout(member_buttons)

        # -- save bar
        self.dirty_label = QLabel()
        self.revert_button = QPushButton("変更を取り消す")
        self.save_button = QPushButton("保存(&S)")
        self.save_button.setToolTip("本人と受付の内容を保存します（Ctrl+S）")
        save_bar = QHBoxLayout()
        save_bar.addWidget(self.dirty_label, 1)
        save_bar.addWidget(self.revert_button)
        save_bar.addWidget(self.save_button)

        top = QHBoxLayout()
        top.addWidget(person_box, 1)
        top.addWidget(basics_box, 1)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addLayout(top)
        content_layout.addWidget(household_box, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(save_bar)

        for line in (self.name, self.kana, self.postal_code, self.address, self.phone):
            line.textChanged.connect(self._on_edit)
        for box in (self.person_note, self.summary):
            box.textChanged.connect(self._on_edit)
        for combo in (self.district, self.route):
            combo.currentTextChanged.connect(self._on_edit)
        self.sex.currentIndexChanged.connect(self._on_edit)
        self.birth.changed.connect(self._on_edit)
        self.opened_on.edit.dateChanged.connect(self._on_edit)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.add_button.clicked.connect(self.add_member)
        self.edit_button.clicked.connect(self.edit_member)
        self.remove_button.clicked.connect(self.remove_member)
        self.members.itemSelectionChanged.connect(self._update_member_buttons)
        self.members.doubleClicked.connect(lambda _index: self.edit_member())

    # ---- loading and form state -------------------------------------------------------------

    def load(self, case: Case, *, form: bool = True) -> None:
        """Show ``case``; the form is refilled only when ``form`` (it may hold unsaved input)."""
        self._case = case
        self._show_household(case)
        if form:
            self._loading = True
            try:
                self.district.clear()
                self.district.addItems(self.session.db.cases.districts())
                self.set_state(self._state_of(case))
            finally:
                self._loading = False
            self._clean = self.state()
            self._update_dirty()

    @staticmethod
    def _state_of(case: Case) -> dict[str, Any]:
        p = case.principal
        return {
            "name": p.name,
            "kana": p.kana,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "sex": p.sex.value,
            "postal_code": p.postal_code,
            "address": p.address,
            "district": p.district,
            "phone": p.phone,
            "note": p.note,
            "opened_on": case.opened_on.isoformat(),
            "route": case.route,
            "summary": case.summary,
        }

    def state(self) -> dict[str, Any]:
        """What the form holds, as JSON-ready values (the draft payload)."""
        birth = self.birth.value()
        return {
            "name": self.name.text(),
            "kana": self.kana.text(),
            "birth_date": birth.isoformat() if birth else None,
            "sex": (chosen(self.sex, Sex) or Sex.UNKNOWN).value,
            "postal_code": self.postal_code.text(),
            "address": self.address.text(),
            "district": self.district.currentText(),
            "phone": self.phone.text(),
            "note": self.person_note.toPlainText(),
            "opened_on": self.opened_on.date().isoformat(),
            "route": self.route.currentText(),
            "summary": self.summary.toPlainText(),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        def text(key: str) -> str:
            return str(state.get(key) or "")

        self.name.setText(text("name"))
        self.kana.setText(text("kana"))
        birth = state.get("birth_date")
        self.birth.set_value(dt.date.fromisoformat(birth) if birth else None)
        choose(self.sex, Sex(state.get("sex") or Sex.UNKNOWN))
        self.postal_code.setText(text("postal_code"))
        self.address.setText(text("address"))
        self.district.setCurrentText(text("district"))
        self.phone.setText(text("phone"))
        self.person_note.setPlainText(text("note"))
        if state.get("opened_on"):
            self.opened_on.set_date(dt.date.fromisoformat(state["opened_on"]))
        self.route.setCurrentText(text("route"))
        self.summary.setPlainText(text("summary"))
        self._update_dirty()

    def is_dirty(self) -> bool:
        return bool(self._clean) and self.state() != self._clean

    def _on_edit(self, *_args: object) -> None:
        if self._loading:
            return
        self._update_dirty()
        self.edited.emit()

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.dirty_label.setText("保存されていない変更があります。" if dirty else "")

    # ---- saving -------------------------------------------------------------------------------

    def save(self) -> bool:
        """Store the 本人 and the basics in one transaction; on failure the input stays."""
        if self._case is None:
            return False
        state = self.state()
        person = replace(
            self._case.principal,
            name=state["name"],
            kana=state["kana"],
            birth_date=self.birth.value(),
            sex=Sex(state["sex"]),
            postal_code=state["postal_code"],
            address=state["address"],
            district=state["district"],
            phone=state["phone"],
            note=state["note"],
        )
        db = self.session.db

        def write() -> Case:
            with db.transaction():
                db.cases.update_person(person)
                db.cases.update_basics(
                    self.case_id,
                    opened_on=self.opened_on.date(),
                    route=state["route"].strip(),
                    summary=state["summary"],
                )
            return db.cases.get(self.case_id)

        ok, case = store_call(self, write)
        if not ok or case is None:
            return False
        self.load(case)
        self.saved.emit()
        return True

    def revert(self) -> None:
        """Throw the unsaved input away and show what is stored."""
        if self._case is not None:
            self.load(self._case)
        self.reverted.emit()

    # ---- household --------------------------------------------------------------------------

    def _show_household(self, case: Case) -> None:
        self._members = list(case.household.members)
        rows = []
        for m in self._members:
            p = m.person
            born = f"{wareki(p.birth_date)}（{age_text(p.birth_date)}）" if p.birth_date else "不明"
            rows.append((p.name, p.kana, m.relation, born, "同居" if m.lives_together else "別居", m.note))
        fill_table(self.members, rows, [m.person.id for m in self._members])
        self._update_member_buttons()

    def _selected_member(self) -> HouseholdMember | None:
        row = selected_row(self.members)
        return self._members[row] if row is not None and row < len(self._members) else None

    def _is_principal(self, member: HouseholdMember) -> bool:
        return self._case is not None and member.person.id == self._case.principal.id

    def _update_member_buttons(self) -> None:
        member = self._selected_member()
        principal = member is not None and self._is_principal(member)
        self.edit_button.setEnabled(member is not None and not principal)
        self.remove_button.setEnabled(member is not None and not principal)
        self.edit_button.setToolTip(PRINCIPAL_EDITED_ABOVE if principal else "選んだ世帯員を編集します")
        self.remove_button.setToolTip(
            PRINCIPAL_CANNOT_BE_REMOVED if principal else "選んだ世帯員を世帯から外します"
        )

    def _with_principal_home(self, member: HouseholdMember) -> HouseholdMember:
        """A new member living with the 本人 shares the 本人's address."""
        home = self._case.principal if self._case is not None else None
        if home is None or not member.lives_together:
            return member
        person = replace(
            member.person, postal_code=home.postal_code, address=home.address, district=home.district
        )
        return replace(member, person=person)

    def _open_dialog(self, member: HouseholdMember | None) -> None:
        cases = self.session.db.cases

        def submit(entered: HouseholdMember) -> bool:
            if member is None:
                new = self._with_principal_home(entered)
                ok, _ = store_call(dialog, lambda: cases.add_member(self.case_id, new))
            else:
                ok, _ = store_call(dialog, lambda: cases.update_member(self.case_id, entered))
            if ok:
                self._after_household_change()
            return ok

        dialog = MemberDialog(member, submit, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.member_dialog = dialog
        dialog.open()

    def _forget_dialog(self, dialog: MemberDialog) -> None:
        if self.member_dialog is dialog:
            self.member_dialog = None
        dialog.deleteLater()

    def add_member(self) -> None:
        self._open_dialog(None)

    def edit_member(self) -> None:
        member = self._selected_member()
        if member is None or self._is_principal(member):
            return
        self._open_dialog(member)

    def remove_member(self) -> None:
        member = self._selected_member()
        if member is None or self._is_principal(member) or member.person.id is None:
            return
        question = (
            f"{member.person.name}さん（{member.relation or '続柄なし'}）を世帯から外しますか？\n"
            "ほかのケースに登場しない人の場合、その人の記録も削除されます。"
        )
        if not messages.ask(self, question, yes="外す", no="外さない"):
            return
        person_id = member.person.id
        ok, _ = store_call(self, lambda: self.session.db.cases.remove_member(self.case_id, person_id))
        if ok:
            self._after_household_change()

    def _after_household_change(self) -> None:
        ok, case = store_call(self, lambda: self.session.db.cases.get(self.case_id))
        if ok and case is not None:
            self.load(case, form=False)
        self.household_changed.emit()
