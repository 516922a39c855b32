"""設定 › 様式: which sheets the town uses, and small edits to a sheet (each one a new version).

The edits are the domain's own (:func:`relabel_field`, :func:`set_requirement`,
:func:`set_hidden`, :func:`add_field`); this page only asks for the details, stores the result
with ``db.templates.save_edit`` and shows any refusal in the domain's words.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError, ValidationError
from jusou_desktop.domain.sheets import (
    FIELD_TYPE_LABELS,
    REQUIREMENT_LABELS,
    Choice,
    Field,
    FieldType,
    Purpose,
    Requirement,
    SheetTemplate,
    add_field,
    new_field_key,
    relabel_field,
    set_hidden,
    set_requirement,
)
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import fit_dialog_width, hint_label
from jusou_desktop.gui.sheet_form import SheetForm
from jusou_desktop.store.database import Database
from jusou_desktop.store.sheets import StoredTemplate

VERSIONS_NOTE = (
    "手直しするたびに新しい版ができます。記入済みのシートは記入したときの版を覚えているので、"
    "あとで項目名を変えても記入したときのまま表示・印刷されます。"
)
CHOICE_TYPES = (FieldType.CHOICE, FieldType.MULTI_CHOICE)
SHOWN, HIDDEN = "表示", "隠す"
_KIND = Qt.ItemDataRole.UserRole
_KEY = Qt.ItemDataRole.UserRole + 1
_HIDDEN_COLOR = QColor(140, 140, 140)


def version_text(stored: StoredTemplate) -> str:
    """「第2版（2024/05/01 編集: 相談 一郎）」."""
    when = f"{stored.created_at:%Y/%m/%d} " if stored.created_at else ""
    who = f": {stored.created_by}" if stored.created_by else ""
    return f"第{stored.template.version}版（{when}{stored.origin}{who}）"


def _template_text(template: SheetTemplate) -> str:
    return f"{template.display_name}\u3000第{template.version}版"


def _combo_text(template: SheetTemplate) -> str:
    purpose = "回答" if template.purpose is Purpose.ANSWER else "つなぐ側"
    return f"{_template_text(template)}（{purpose}）"


class _EditDialog(QDialog):
    """A small form with 保存 and キャンセル; ``submit`` stores it, and on failure the dialog stays."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.submit: Callable[[], bool] = lambda: True
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("キャンセル", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        fit_dialog_width(self, 36)

    def _try_accept(self) -> None:
        if self.submit():
            self.accept()


def _text_box(text: str = "", lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def _requirement_combo(current: Requirement) -> QComboBox:
    combo = QComboBox()
    for level, label in REQUIREMENT_LABELS.items():
        combo.addItem(label, level.value)
    combo.setCurrentIndex(combo.findData(current.value))
    return combo


class RenameDialog(_EditDialog):
    def __init__(self, f: Field, parent: QWidget | None = None) -> None:
        super().__init__("項目の名前を変える", "保存", parent)
        self.label = QLineEdit(f.label)
        self.help = _text_box(f.help)
        self.form.addRow("項目名", self.label)
        self.form.addRow("記入の手引き", self.help)
        self.form.addRow(hint_label("手引きは記入画面で項目の下に小さく出ます。空でもかまいません。"))


class RequirementDialog(_EditDialog):
    def __init__(self, f: Field, parent: QWidget | None = None) -> None:
        super().__init__("必須の扱い", "保存", parent)
        self.level = _requirement_combo(f.required)
        self.form.addRow(f"「{f.label}」が未記入のとき", self.level)
        self.form.addRow(
            hint_label(
                "「必須(送付できない)」の項目は、記入されるまで送付できません。"
                "下書きの保存は、どの扱いでもいつでもできます。"
            )
        )

    def requirement(self) -> Requirement:
        return Requirement(self.level.currentData())


class AddFieldDialog(_EditDialog):
    """A town's own field: where, its name, its type, its choices, a hint and how required it is."""

    def __init__(
        self, template: SheetTemplate, section_key: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__("項目を追加", "追加", parent)
        self.section = QComboBox()
        for part in template.parts:
            for section in part.sections:
                self.section.addItem(f"{part.title} › {section.title}", section.key)
        if section_key is not None:
            self.section.setCurrentIndex(max(0, self.section.findData(section_key)))
        self.label = QLineEdit()
        self.label.setPlaceholderText("例：かかりつけ医")
        self.type = QComboBox()
        for ftype, text in FIELD_TYPE_LABELS.items():
            self.type.addItem(text, ftype.value)
        self.choices = _text_box(lines=5)
        self.choices.setPlaceholderText("選択肢を1行にひとつずつ")
        self.help = _text_box()
        self.level = _requirement_combo(Requirement.OPTIONAL)
        self.form.addRow("追加する欄", self.section)
        self.form.addRow("項目名", self.label)
        self.form.addRow("種類", self.type)
        self.form.addRow("選択肢", self.choices)
        self.form.addRow("記入の手引き", self.help)
        self.form.addRow("未記入のとき", self.level)
        self.form.addRow(hint_label("追加した項目は町独自の記録用です。削除はできませんが、隠せます。"))
        self.type.currentIndexChanged.connect(self._type_changed)
        self._type_changed()

    def field_type(self) -> FieldType:
        return FieldType(self.type.currentData())

    def _type_changed(self, *_args: object) -> None:
        self.choices.setEnabled(self.field_type() in CHOICE_TYPES)

    def new_field(self, key: str) -> Field:
        """The field as entered; refuses a missing name or a repeated choice in plain words."""
        label = self.label.text().strip()
        if not label:
            raise ValidationError("項目名を入力してください。", "label")
        choices: list[str] = []
        if self.field_type() in CHOICE_TYPES:
            for line in self.choices.toPlainText().splitlines():
                text = line.strip()
                if text in choices:
                    raise ValidationError(f"選択肢「{text}」が二度あります。", "choices")
                if text:
                    choices.append(text)
            if not choices:
                raise ValidationError("選択肢を1行にひとつずつ入力してください。", "choices")
        return Field(
            key=key,
            label=label,
            type=self.field_type(),
            required=Requirement(self.level.currentData()),
            help=self.help.toPlainText().strip(),
            choices=tuple(Choice(c, c) for c in choices),
        )


class SheetTemplatesPage(QWidget):
    """設定 › 様式: the sheets offered for new referrals, the answer sheet, and sheet edits."""

    templates_changed = Signal()
    """A new version was stored or the choice of sheets changed."""

    def __init__(self, db: Database, user_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user_name = user_name
        self.dialog: _EditDialog | None = None
        self.preview_dialog: QDialog | None = None
        self._current: SheetTemplate | None = None

        # -- (a) which sheets the town uses
        self.referral_list = QListWidget()
        self.answer_combo = QComboBox()
        self.save_choice_button = QPushButton("使う様式を保存")
        self.choice_status = QLabel()
        self.choice_status.setWordWrap(True)
        choice_box = QGroupBox("使う様式")
        choice_layout = QVBoxLayout(choice_box)
        choice_layout.addWidget(
            hint_label("新しくつなぐときに選べる様式に印を付けてください（ひとつ以上）。")
        )
        choice_layout.addWidget(self.referral_list)
        answer_row = QHBoxLayout()
        answer_row.addWidget(QLabel("回答（C票）に使う様式"))
        answer_row.addWidget(self.answer_combo, 1)
        answer_row.addWidget(self.save_choice_button)
        choice_layout.addLayout(answer_row)
        choice_layout.addWidget(self.choice_status)

        # -- (b) one sheet's fields
        self.template_combo = QComboBox()
        self.preview_button = QPushButton("プレビュー…")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["項目", "種類", "未記入のとき", "表示"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.rename_button = QPushButton("名前を変える…")
        self.requirement_button = QPushButton("必須の扱い…")
        self.hide_button = QPushButton("隠す/表示する")
        self.add_button = QPushButton("項目を追加…")
        self.history = QListWidget()
        self.history.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        self.edit_status = QLabel()
        self.edit_status.setWordWrap(True)
        buttons = QVBoxLayout()
        for button in (self.rename_button, self.requirement_button, self.hide_button, self.add_button):
            buttons.addWidget(button)
        buttons.addSpacing(12)
        buttons.addWidget(QLabel("版の記録"))
        buttons.addWidget(self.history)
        buttons.addStretch(1)
        picker_row = QHBoxLayout()
        picker_row.addWidget(QLabel("様式"))
        picker_row.addWidget(self.template_combo, 1)
        picker_row.addWidget(self.preview_button)
        body = QHBoxLayout()
        body.addWidget(self.tree, 1)
        body.addLayout(buttons)
        edit_box = QGroupBox("様式の手直し")
        edit_layout = QVBoxLayout(edit_box)
        edit_layout.addLayout(picker_row)
        edit_layout.addWidget(hint_label(VERSIONS_NOTE))
        edit_layout.addLayout(body, 1)
        edit_layout.addWidget(self.edit_status)

        title = QLabel("様式")
        heading = title.font()
        heading.setPointSize(heading.pointSize() + 4)
        title.setFont(heading)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(choice_box)
        layout.addWidget(edit_box, 1)

        self.save_choice_button.clicked.connect(self.save_choices)
        self.template_combo.currentIndexChanged.connect(lambda _i: self.show_template())
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda _item, _column: self.rename_field())
        self.rename_button.clicked.connect(self.rename_field)
        self.requirement_button.clicked.connect(self.change_requirement)
        self.hide_button.clicked.connect(self.toggle_hidden)
        self.add_button.clicked.connect(self.add_new_field)
        self.preview_button.clicked.connect(self.preview)
        self.reload()

    # ---- (a) which sheets the town uses --------------------------------------------------------

    def reload(self) -> None:
        """Read everything again from the file (keeps the chosen sheet and field)."""
        key = self.template_combo.currentData()
        self._fill_choices(set(self.db.templates.active_referral_keys()))
        self.template_combo.blockSignals(True)
        self.template_combo.clear()
        for stored in self.db.templates.latest_all():
            self.template_combo.addItem(_combo_text(stored.template), stored.template.key)
        self.template_combo.setCurrentIndex(max(0, self.template_combo.findData(key)))
        self.template_combo.blockSignals(False)
        self.show_template()

    def _fill_choices(self, checked: set[str]) -> None:
        self.referral_list.clear()
        for stored in self.db.templates.latest_all(Purpose.REFERRAL):
            template = stored.template
            item = QListWidgetItem(_template_text(template))
            item.setData(_KEY, template.key)
            item.setToolTip(template.description)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if template.key in checked else Qt.CheckState.Unchecked)
            self.referral_list.addItem(item)
        rows = max(3, self.referral_list.count())
        self.referral_list.setFixedHeight(self.referral_list.sizeHintForRow(0) * rows + 8)
        answer = self.answer_combo.currentData() or self.db.templates.answer_key()
        self.answer_combo.clear()
        for stored in self.db.templates.latest_all(Purpose.ANSWER):
            self.answer_combo.addItem(_template_text(stored.template), stored.template.key)
        self.answer_combo.setCurrentIndex(max(0, self.answer_combo.findData(answer)))

    def checked_referral_keys(self) -> list[str]:
        items = (self.referral_list.item(row) for row in range(self.referral_list.count()))
        return [str(i.data(_KEY)) for i in items if i.checkState() == Qt.CheckState.Checked]

    def save_choices(self) -> None:
        keys = self.checked_referral_keys()
        answer = self.answer_combo.currentData()
        try:
            with self.db.transaction():
                self.db.templates.set_active_referral_keys(keys)
                if answer:
                    self.db.templates.set_answer_key(str(answer))
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        titles = "、".join(f"「{self.db.templates.latest(k).template.display_name}」" for k in keys)
        answer_text = self.answer_combo.currentText().split("\u3000")[0]
        self.choice_status.setText(
            f"保存しました。新しくつなぐときは {titles} を選べます。回答には「{answer_text}」を使います。"
        )
        self.templates_changed.emit()

    # ---- (b) one sheet ---------------------------------------------------------------------

    def current_template(self) -> SheetTemplate | None:
        return self._current

    def select_template(self, key: str) -> bool:
        row = self.template_combo.findData(key)
        if row >= 0:
            self.template_combo.setCurrentIndex(row)
        return row >= 0

    def show_template(self, select: str | None = None) -> None:
        key = self.template_combo.currentData()
        self._current = self.db.templates.latest(str(key)).template if key else None
        self.tree.clear()
        self.history.clear()
        if self._current is None:
            self._update_buttons()
            return
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for part in self._current.parts:
            part_item = QTreeWidgetItem([part.title])
            part_item.setFont(0, bold)
            part_item.setData(0, _KIND, "part")
            part_item.setFlags(part_item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.tree.addTopLevelItem(part_item)
            for section in part.sections:
                section_item = QTreeWidgetItem([section.title])
                section_item.setData(0, _KIND, "section")
                section_item.setData(0, _KEY, section.key)
                part_item.addChild(section_item)
                for f in section.fields:
                    section_item.addChild(self._field_item(f))
        self.tree.expandAll()
        for stored in reversed(self.db.templates.versions(self._current.key)):
            self.history.addItem(version_text(stored))
        if select is not None:
            self.select_field(select)
        self._update_buttons()

    @staticmethod
    def _field_item(f: Field) -> QTreeWidgetItem:
        item = QTreeWidgetItem(
            [
                f.label,
                FIELD_TYPE_LABELS[f.type],
                REQUIREMENT_LABELS[f.required],
                HIDDEN if f.hidden else SHOWN,
            ]
        )
        item.setData(0, _KIND, "field")
        item.setData(0, _KEY, f.key)
        tips = [f.help] if f.help else []
        if f.binds is not None:
            tips.append("アプリが読み取って使う項目です（名前は変えられます）。")
        item.setToolTip(0, "\n".join(tips))
        if f.hidden:
            for column in range(4):
                item.setForeground(column, QBrush(_HIDDEN_COLOR))
        return item

    def _items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            if item is None:
                continue
            out.append(item)
            stack[:0] = [item.child(i) for i in range(item.childCount())]
        return out

    def select_field(self, key: str) -> bool:
        for item in self._items():
            if item.data(0, _KIND) == "field" and item.data(0, _KEY) == key:
                self.tree.setCurrentItem(item)
                return True
        return False

    def selected_field(self) -> Field | None:
        item = self.tree.currentItem()
        if self._current is None or item is None or item.data(0, _KIND) != "field":
            return None
        return self._current.field(str(item.data(0, _KEY)))

    def _selected_section_key(self) -> str | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        if item.data(0, _KIND) == "field":
            item = item.parent()
        return str(item.data(0, _KEY)) if item is not None and item.data(0, _KIND) == "section" else None

    def _update_buttons(self) -> None:
        f = self.selected_field()
        for button in (self.rename_button, self.requirement_button, self.hide_button):
            button.setEnabled(f is not None)
        self.hide_button.setText("隠す/表示する" if f is None else "表示する" if f.hidden else "隠す")
        self.add_button.setEnabled(self._current is not None)
        self.preview_button.setEnabled(self._current is not None)

    # ---- edits -----------------------------------------------------------------------------

    def _store(self, edit: Callable[[SheetTemplate], SheetTemplate], done: str, key: str) -> bool:
        """Make and store the next version; refusals are shown and change nothing."""
        if self._current is None:
            return False
        try:
            edited = edit(self._current)
            self.db.templates.save_edit(edited, by=self.user_name)
        except JusouError as exc:
            messages.show_error(self, exc)
            return False
        checked = set(self.checked_referral_keys())
        self._fill_choices(checked)
        self.template_combo.setItemText(self.template_combo.currentIndex(), _combo_text(edited))
        self.show_template(select=key)
        self.edit_status.setText(f"{done}（第{edited.version}版として保存しました）。")
        self.templates_changed.emit()
        return True

    def _open(self, dialog: _EditDialog, submit: Callable[[], bool]) -> None:
        dialog.submit = submit
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()

    def _forget(self, dialog: _EditDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def rename_field(self) -> None:
        f = self.selected_field()
        if f is None:
            return
        dialog = RenameDialog(f, self)

        def submit() -> bool:
            new = dialog.label.text().strip()
            done = f"「{f.label}」を「{new}」に変えました" if new != f.label else f"「{f.label}」を直しました"
            return self._store(
                lambda t: relabel_field(t, f.key, dialog.label.text(), dialog.help.toPlainText()), done, f.key
            )

        self._open(dialog, submit)

    def change_requirement(self) -> None:
        f = self.selected_field()
        if f is None:
            return
        dialog = RequirementDialog(f, self)

        def submit() -> bool:
            level = dialog.requirement()
            done = f"「{f.label}」を「{REQUIREMENT_LABELS[level]}」にしました"
            return self._store(lambda t: set_requirement(t, f.key, level), done, f.key)

        self._open(dialog, submit)

    def toggle_hidden(self) -> None:
        f = self.selected_field()
        if f is None:
            return
        if not f.hidden and not messages.ask(
            self,
            f"「{f.label}」を隠しますか？\n新しく記入するシートに出なくなります。"
            "記入済みのシートの値は消えません。",
            yes="隠す",
            no="隠さない",
        ):
            return
        done = f"「{f.label}」を表示するようにしました" if f.hidden else f"「{f.label}」を隠しました"
        self._store(lambda t: set_hidden(t, f.key, not f.hidden), done, f.key)

    def add_new_field(self) -> None:
        if self._current is None:
            return
        dialog = AddFieldDialog(self._current, self._selected_section_key(), self)

        def submit() -> bool:
            key = new_field_key(self._current) if self._current is not None else ""
            section = str(dialog.section.currentData())
            try:
                new = dialog.new_field(key)
            except ValidationError as exc:
                messages.show_error(dialog, exc)
                return False
            return self._store(
                lambda t: add_field(t, section, new), f"項目「{new.label}」を追加しました", key
            )

        self._open(dialog, submit)

    def preview(self) -> None:
        """The sheet as it will be filled in (nothing typed here is kept)."""
        if self._current is None:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle(f"プレビュー: {_template_text(self._current)}")
        form = SheetForm(
            self._current,
            agencies=self.db.agencies.list(active_only=True),
            staff=self.db.staff.list(active_only=True),
        )
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(hint_label("記入画面の見本です。ここで入力したことは保存されません。"))
        layout.addWidget(form, 1)
        layout.addWidget(close)
        dialog.resize(960, 720)
        dialog.finished.connect(lambda _result: self._forget_preview(dialog))
        self.preview_dialog = dialog
        dialog.open()

    def _forget_preview(self, dialog: QDialog) -> None:
        if self.preview_dialog is dialog:
            self.preview_dialog = None
        dialog.deleteLater()
