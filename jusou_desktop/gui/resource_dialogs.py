"""The dialogs of the 地域資源 section: a resource, connecting a case, a status move, a 定着の確認.

Each dialog writes through the store when 保存 (or its own OK text) is pressed; a refusal (empty
name, a date before 紹介日, 定着 without any check…) is shown in red beside the buttons and the
dialog stays open with what was typed.  Cancelling after typing asks first.  The section opens
them with ``open()`` (window-modal, no nested event loop) and reacts to ``finished``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QPlainTextEdit,
    QWidget,
)

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.resources import (
    CONNECTABLE_CASE_STATUSES,
    END_REASONS,
    FORMALITY_HINTS,
    KIND_HINTS,
    Condition,
    FollowUp,
    Formality,
    LinkEvent,
    LinkId,
    LinkRow,
    LinkStatus,
    Resource,
    ResourceId,
    ResourceKind,
    step_label,
)
from jusou_desktop.gui.agencies import AgencyPicker
from jusou_desktop.gui.case_file_common import (
    date_field,
    fill_case_table,
    fit_dialog_width,
    hint_label,
    make_table,
    row_data,
    selected_row,
    wareki,
)
from jusou_desktop.gui.record_dialog import DISCARD_QUESTION as DISCARD_QUESTION
from jusou_desktop.gui.record_dialog import RecordDialog, line_edit
from jusou_desktop.gui.session import Session
from jusou_desktop.store.cases import CaseFilter

CHOOSE = "（選んでください）"


def _text_box(text: str, lines: int, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class FormDialog(RecordDialog):
    """A record dialog whose OK button says what it does (つなぐ, 記録する…), sized in characters.

    When the window locks it is hidden with what was typed and shown again after unlocking
    (:meth:`jusou_desktop.gui.main_window.MainWindow.lock`).
    """

    def __init__(self, title: str, ok_text: str, parent: QWidget | None, width: int = 34) -> None:
        super().__init__(title, parent, save_text=ok_text, save_role=QDialogButtonBox.StandardButton.Ok)
        fit_dialog_width(self, width)


# ---- a resource ----------------------------------------------------------------------------------------


class ResourceDialog(FormDialog):
    """地域資源の新規登録・編集."""

    def __init__(
        self,
        session: Session,
        resource: Resource | None = None,
        parent: QWidget | None = None,
        *,
        default_kind: ResourceKind | None = None,
    ) -> None:
        editing = resource is not None and resource.id is not None
        super().__init__("地域資源の編集" if editing else "地域資源の新規登録", "保存", parent, 40)
        self._db = session.db
        self._resource = resource
        self.saved_id: ResourceId | None = None
        r = resource or Resource(name="", kind=default_kind or ResourceKind.PLACE)

        self.name = line_edit(r.name, "例: ふれあいサロン本町")
        self.kana = line_edit(r.kana, "ひらがな・カタカナどちらでも")
        self.kind = QComboBox()
        for kind in ResourceKind:
            self.kind.addItem(kind.value, kind.value)
            self.kind.setItemData(self.kind.count() - 1, KIND_HINTS[kind], Qt.ItemDataRole.ToolTipRole)
        self.kind.setCurrentIndex(self.kind.findData(r.kind.value))
        self.formality = QComboBox()
        for formality in Formality:
            self.formality.addItem(formality.value, formality.value)
            self.formality.setItemData(
                self.formality.count() - 1, FORMALITY_HINTS[formality], Qt.ItemDataRole.ToolTipRole
            )
        self.formality.setCurrentIndex(self.formality.findData(r.formality.value))
        self.formality.setToolTip("\n".join(FORMALITY_HINTS.values()))
        self.operator = line_edit(r.operator, "例: 本町自治会、NPO法人○○")
        self.agency = AgencyPicker()
        self.agency.set_agencies([a for a in self._db.agencies.list() if a.active or a.id == r.agency_id])
        self.agency.select(r.agency_id)
        self.agency.setToolTip("運営するのが登録済みの関係機関なら選びます（空欄のままでもかまいません）。")
        self.agency.agency_changed.connect(self._agency_chosen)
        self.offers = _text_box(r.offers, 3, "例: お茶を飲みながらおしゃべり。月1回の昼食会。")
        self.audience = line_edit(r.audience, "例: どなたでも／おおむね65歳以上／中高生")
        self.district = QComboBox()
        self.district.setEditable(True)
        self.district.addItems(sorted(set(self._db.resources.districts()) | set(self._db.cases.districts())))
        self.district.setCurrentText(r.district)
        district_edit = self.district.lineEdit()
        assert district_edit is not None
        district_edit.setPlaceholderText("例: 本町")
        self.place = line_edit(r.place, "例: 本町公民館 和室")
        self.schedule = line_edit(r.schedule, "例: 毎週水曜 10:00〜12:00")
        self.contact_name = line_edit(r.contact_name, "例: 代表 架空 一郎")
        self.phone = line_edit(r.phone)
        self.capacity = line_edit(r.capacity, "例: 5人程度まで／見学随時")
        self.note = _text_box(r.note, 2)
        self.active = QCheckBox("活動中")
        self.active.setChecked(r.active)
        self.active.setToolTip("外すと休止中になり、一覧から隠れ、新しい人をつなげなくなります。")

        self.form.addRow("名称（必須）", self.name)
        self.form.addRow("フリガナ", self.kana)
        self.form.addRow("種類", self.kind)
        self.form.addRow("区分", self.formality)
        self.form.addRow("運営団体", self.operator)
        self.form.addRow("関係機関", self.agency)
        self.form.addRow("内容（できること）", self.offers)
        self.form.addRow("対象", self.audience)
        self.form.addRow("地区", self.district)
        self.form.addRow("場所", self.place)
        self.form.addRow("日時・頻度", self.schedule)
        self.form.addRow("担当者", self.contact_name)
        self.form.addRow("電話", self.phone)
        self.form.addRow("定員・受け入れ", self.capacity)
        self.form.addRow("備考", self.note)
        self.form.addRow("", self.active)
        self._field_widgets = {"name": self.name, "agency": self.agency}
        self._remember_initial()
        self.name.setFocus()

    def _agency_chosen(self, agency_id: object) -> None:
        if agency_id is not None and not self.operator.text().strip():
            self.operator.setText(self._db.agencies.get(agency_id).name)  # type: ignore[arg-type]

    def resource(self) -> Resource:
        """The record as typed (with the id of the resource being edited)."""
        return Resource(
            id=self._resource.id if self._resource else None,
            name=self.name.text(),
            kana=self.kana.text(),
            kind=ResourceKind(self.kind.currentData()),
            formality=Formality(self.formality.currentData()),
            operator=self.operator.text(),
            agency_id=self.agency.current_agency_id(),
            offers=self.offers.toPlainText(),
            audience=self.audience.text(),
            district=self.district.currentText(),
            place=self.place.text(),
            schedule=self.schedule.text(),
            contact_name=self.contact_name.text(),
            phone=self.phone.text(),
            capacity=self.capacity.text(),
            note=self.note.toPlainText(),
            active=self.active.isChecked(),
        )

    def _snapshot(self) -> tuple[object, ...]:
        return (
            *(
                w.text()
                for w in (
                    self.name,
                    self.kana,
                    self.operator,
                    self.audience,
                    self.place,
                    self.schedule,
                    self.contact_name,
                    self.phone,
                    self.capacity,
                )
            ),
            self.kind.currentData(),
            self.formality.currentData(),
            self.agency.currentText(),
            self.offers.toPlainText(),
            self.district.currentText(),
            self.note.toPlainText(),
            self.active.isChecked(),
        )

    def _store(self) -> None:
        resource = self.resource()
        if self.agency.currentText().strip() and resource.agency_id is None:
            raise ValidationError(
                "関係機関は一覧から選んでください（なければ空欄のままにします）。", "agency"
            )
        if resource.id is None:
            self.saved_id = self._db.resources.add(resource)
        else:
            self._db.resources.update(resource)
            self.saved_id = resource.id


# ---- connecting a case --------------------------------------------------------------------------------


class ConnectDialog(FormDialog):
    """人をつなぐ: find the case (by name, フリガナ or number), then 紹介日, who connected, a note.

    Only open cases are listed (a 終結 or 中断 case is 再開 first); a line says how many the
    search found among those and left out.
    """

    def __init__(self, session: Session, resource: Resource, parent: QWidget | None = None) -> None:
        super().__init__(f"「{resource.name}」に人をつなぐ", "つなぐ", parent, 40)
        self.session = session
        self._resource = resource
        self.saved_id: LinkId | None = None
        self.search = line_edit(
            placeholder="氏名・フリガナ・ケース番号で検索（ひらがな・カタカナ・半角どれでも）"
        )
        self.search.setClearButtonEnabled(True)
        self.cases = make_table(("ケース番号", "本人", "フリガナ", "状態"), stretch=2)
        self.cases.setMinimumHeight(self.fontMetrics().height() * 10)
        self.referred_on = date_field(session.today())
        self.referred_by = line_edit(session.user_name, "例: 参加支援員 架空 花子")
        self.note = _text_box("", 2, "例: 本人は午前中なら出かけられる。最初は同行する。")
        self.closed_hint = hint_label("")
        self.body.insertWidget(0, hint_label("つなぐ人（ケースの本人）を選んでください。"))
        self.body.insertWidget(1, self.search)
        self.body.insertWidget(2, self.cases, 1)
        self.body.insertWidget(3, self.closed_hint)
        self.form.addRow("紹介日", self.referred_on)
        self.form.addRow("つないだ人", self.referred_by)
        self.form.addRow("メモ", self.note)
        self._field_widgets = {"on": self.referred_on.edit, "case": self.search}
        self.search.textChanged.connect(self._find)
        self.cases.doubleClicked.connect(lambda _index: self._save())
        self._find("")
        self._remember_initial()
        self.search.setFocus()

    def _find(self, text: str) -> None:
        cases = self.session.db.cases
        fill_case_table(
            self.cases, cases.rows(CaseFilter(text=text, statuses=CONNECTABLE_CASE_STATUSES), limit=100)
        )
        counts = cases.status_counts(CaseFilter(text=text))
        left_out = sum(n for status, n in counts.items() if status not in CONNECTABLE_CASE_STATUSES)
        self.closed_hint.setText(
            f"終結・中断のケース（{left_out}件）は表示していません。つなぐときは、先にケースを再開してください。"
        )
        self.closed_hint.setVisible(left_out > 0)

    def chosen_case(self) -> CaseId | None:
        row = selected_row(self.cases)
        return None if row is None else CaseId(int(row_data(self.cases, row)))  # type: ignore[call-overload]

    def _snapshot(self) -> tuple[object, ...]:
        return (
            self.search.text(),
            self.chosen_case(),
            self.referred_on.date(),
            self.referred_by.text(),
            self.note.toPlainText(),
        )

    def _store(self) -> None:
        case_id = self.chosen_case()
        if case_id is None:
            raise ValidationError("つなぐ人（ケース）を一覧から選んでください。", "case")
        assert self._resource.id is not None
        self.saved_id = self.session.db.resources.connect(
            self._resource.id,
            case_id,
            self.referred_on.date(),
            self.session.today(),
            referred_by=self.referred_by.text(),
            note=self.note.toPlainText(),
        )


# ---- a status move -----------------------------------------------------------------------------------

_MOVE_HINTS = {
    LinkStatus.USING: "本人がはじめて参加した日（または参加を始めた日）を記録します。",
    LinkStatus.SETTLED: "定着の確認の結果、本人のペースで通い続けられていると判断した日を記録します。",
    LinkStatus.ENDED: "終了したつながりも記録として残ります。もう一度つなぐときは新しく「人をつなぐ」から。",
}


class MoveDialog(FormDialog):
    """利用開始・定着とする・終了・利用中に戻す: the day and, for 終了, the reason."""

    def __init__(
        self, session: Session, row: LinkRow, target: LinkStatus, label: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"{label}（{row.person_name}・{row.resource_name}）", label, parent, 36)
        self.session = session
        self._row = row
        self.target = target
        self.on = date_field(session.today())
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(END_REASONS)
        self.reason.setCurrentText("")
        reason_edit = self.reason.lineEdit()
        assert reason_edit is not None
        reason_edit.setPlaceholderText("選ぶか、書いてください")
        self.by = line_edit(session.user_name)
        self.form.addRow("日付", self.on)
        if target == LinkStatus.ENDED:
            self.form.addRow("終了の理由（必須）", self.reason)
        elif row.link.status == LinkStatus.SETTLED:
            self.form.addRow("理由", self.reason)
            self.reason.clear()
            self.reason.setCurrentText("")
            reason_edit.setPlaceholderText("例: 確認で気がかりが見つかった")
        self.form.addRow("記録者", self.by)
        hint = _MOVE_HINTS.get(target, "")
        if hint and not (target == LinkStatus.USING and row.link.status == LinkStatus.SETTLED):
            self.body.addWidget(hint_label(hint))
        self._field_widgets = {"on": self.on.edit, "reason": self.reason}
        self._remember_initial()

    def _snapshot(self) -> tuple[object, ...]:
        return (self.on.date(), self.reason.currentText(), self.by.text())

    def _store(self) -> None:
        assert self._row.link.id is not None
        self.session.db.resources.move(
            self._row.link.id,
            self.target,
            self.on.date(),
            self.session.today(),
            reason=self.reason.currentText(),
            by=self.by.text(),
        )


# ---- a 定着の確認 ---------------------------------------------------------------------------------------


class CheckDialog(FormDialog):
    """定着の確認: the day, how it is going (chosen, never defaulted), what was seen, by whom."""

    def __init__(self, session: Session, row: LinkRow, parent: QWidget | None = None) -> None:
        super().__init__(f"定着の確認（{row.person_name}・{row.resource_name}）", "記録する", parent, 38)
        self.session = session
        self._row = row
        self.on = date_field(session.today())
        self.condition = QComboBox()
        self.condition.addItem(CHOOSE, None)
        for condition in Condition:
            self.condition.addItem(condition.value, condition.value)
        self.how = _text_box("", 3, "例: 受け入れ先の方によると、毎回30分ほど作業を続けられている。")
        self.by = line_edit(session.user_name, "確認した人")
        since = f"開始日: {wareki(row.link.started_on)}" if row.link.started_on else ""
        last = f"　前回の確認: {wareki(row.last_check_on)}" if row.last_check_on else "　確認はまだありません"
        self.body.insertWidget(0, hint_label(since + last))
        self.form.addRow("確認日", self.on)
        self.form.addRow("様子", self.condition)
        self.form.addRow("確認した内容", self.how)
        self.form.addRow("確認した人", self.by)
        self._field_widgets = {"on": self.on.edit, "how": self.how, "condition": self.condition}
        self._remember_initial()

    def _snapshot(self) -> tuple[object, ...]:
        return (self.on.date(), self.condition.currentData(), self.how.toPlainText(), self.by.text())

    def _store(self) -> None:
        data = self.condition.currentData()
        if data is None:  # how it is going is the checker's judgement: never a default
            raise ValidationError("様子を選んでください。", "condition")
        assert self._row.link.id is not None
        self.session.db.resources.add_check(
            self._row.link.id,
            FollowUp(self.on.date(), Condition(data), self.how.toPlainText(), self.by.text()),
            self.session.today(),
        )


def _event_text(event: LinkEvent) -> str:
    if event.from_status is None:
        return "紹介（調整中）"
    if event.to_status == LinkStatus.ENDED:
        return f"終了（{event.reason}）"
    if event.from_status == LinkStatus.SETTLED:
        return step_label(event.from_status, event.to_status) + (
            f"（{event.reason}）" if event.reason else ""
        )
    return {LinkStatus.USING: "利用開始", LinkStatus.SETTLED: "定着"}.get(
        event.to_status, event.to_status.value
    )


def history_lines(session: Session, link_id: LinkId) -> Sequence[tuple[dt.date, str, str]]:
    """A connection's story, newest first (by date, then by when it was entered, as the store
    orders it): status moves and 定着の確認 as (date, text, by)."""
    return [
        (entry.on, _event_text(entry), entry.by)
        if isinstance(entry, LinkEvent)
        else (entry.on, f"確認: {entry.condition.value}　{entry.how}", entry.by)
        for entry in session.db.resources.story(link_id)
    ]
