"""様式への記入画面: a form built only from a sheet template's data, one tab per 票.

No code here knows a particular template, so a town's own sheet or a newly edited version shows
as it is.  :meth:`SheetForm.values` returns the stored JSON of ``domain/sheets.py`` for fields
that hold something, and never drops data: values of hidden fields and of keys the template
does not know are returned as given; a person or agency left as loaded comes back exactly as
stored; a choice the template no longer offers stays, marked 「（この様式にない選択肢）」.

An unreadable date keeps its text for the user to correct, with a red message beside it, while
:meth:`SheetForm.values` keeps the last readable date of that box (the loaded one, or none): a
half-typed date never replaces a good one, and the message says which date counts.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.ids import AgencyId
from jusou_desktop.domain.model import Agency, Staff
from jusou_desktop.domain.sheets import (
    Field,
    FieldType,
    Part,
    Problem,
    Requirement,
    SheetTemplate,
    is_empty,
    normalize_value,
)
from jusou_desktop.domain.wareki import parse_date
from jusou_desktop.gui.agencies import AgencyPicker
from jusou_desktop.gui.case_file_common import wareki

NOT_CHOSEN = "（未選択）"
PRIMARY_LABEL = "◎ もっとも差し迫ったもの"
NO_PRIMARY = "（なし）"
YES, NO, UNCONFIRMED = "はい", "いいえ", "未確認"
UNKNOWN_CHOICE = "（この様式にない選択肢）"
DATE_EXAMPLES = "例：令和6年4月1日、R6.4.1、2024-04-01"

_RED = "#c00000"
_AMBER = "#b36b00"
_GREY = "#666666"
_TAX = "#5b4b8a"
_EARLIEST = QDate(1900, 1, 1)
_COLUMNS = 3  # check boxes of a multiple choice per row
_READ_ONLY_STYLE = 'QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"] { background: #f2f2f2; }'


def _unbroken(text: str) -> str:
    """Word joiners between the characters: a marker never wraps in the middle (「未記／入」)."""
    return "\u2060".join(text)


def _badge(text: str, background: str) -> str:
    return (
        f'<span style="background-color:{background}; color:white; font-size:small;">'
        f"&nbsp;{_unbroken(text)}&nbsp;</span>"
    )


def _label_html(f: Field, mark: Requirement | None) -> str:
    """The row label: the field's name, its required level, a 税情報 badge, and any problem."""
    name = html.escape(f.label)
    extra: list[str] = []
    if mark is Requirement.BLOCK:
        name = f'<span style="color:{_RED}; font-weight:bold;">{name}</span>'
        extra.append(_badge("必須", _RED))
    elif mark is Requirement.WARN:
        name = f'<span style="color:{_AMBER}; font-weight:bold;">{name}</span>'
        extra.append(_badge("未記入", _AMBER))
    elif f.required is Requirement.BLOCK:
        extra.append(f'<span style="color:{_RED}; font-size:small;">{_unbroken("必須")}</span>')
    elif f.required is Requirement.WARN:
        extra.append(f'<span style="color:{_GREY}; font-size:small;">{_unbroken("推奨")}</span>')
    if f.tax_info:
        extra.append(_badge("税情報", _TAX))
    return " ".join([name, *extra])


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {_GREY};")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _tidy(f: Field, raw: Any) -> Any:
    """The stored form of a widget's value; None when empty."""
    try:
        return normalize_value(f, raw)
    except ValidationError:  # e.g. a choice the template no longer has: keep what was stored
        return None if is_empty(f, raw) else raw


# ---- one input per field type -------------------------------------------------------------------


class TextInput(QLineEdit):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.textChanged.connect(lambda *_: self.edited.emit())

    def value(self) -> Any:
        return self.text()

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.setReadOnly(read_only)


class LongTextInput(QPlainTextEdit):
    edited = Signal()

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * (lines or 4) + 14)
        self.textChanged.connect(lambda *_: self.edited.emit())

    def sizeHint(self) -> QSize:
        """As tall as the lines asked for (Qt's default is a fixed 192 pixels)."""
        return QSize(super().sizeHint().width(), self.minimumHeight())

    def value(self) -> Any:
        return self.toPlainText()

    def set_value(self, value: Any) -> None:
        self.setPlainText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.setReadOnly(read_only)


def _iso(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) and text else None
    except ValueError:
        return None


class OptionalDateInput(QWidget):
    """A date that may be empty: typed in any common form (:func:`parse_date`) or picked from a
    calendar, with its 和暦 beside it.  Unreadable text keeps the last readable date (module doc)."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value: str | None = None
        em = self.fontMetrics().horizontalAdvance("あ")
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("例：令和6年4月1日")
        self.edit.setToolTip(f"日付を入力します。{DATE_EXAMPLES}。空のままでもかまいません。")
        self.edit.setMinimumWidth(em * 12)
        self.edit.setMaximumWidth(em * 16)
        self.calendar_button = QToolButton()
        self.calendar_button.setText("カレンダー")
        self.calendar_button.setToolTip("カレンダーから日付を選びます")
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.wareki = QLabel()
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {_RED};")
        self.error.setWordWrap(True)
        self.error.hide()
        self.popup = QFrame(self, Qt.WindowType.Popup)
        self.calendar = QCalendarWidget(self.popup)
        self.calendar.setMinimumDate(_EARLIEST)
        self.calendar.setGridVisible(True)
        QVBoxLayout(self.popup).addWidget(self.calendar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.edit, self.calendar_button, self.wareki):
            layout.addWidget(widget)
        layout.addWidget(self.error, 1)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._on_text)
        self.edit.editingFinished.connect(self._finish)
        self.calendar_button.clicked.connect(self.open_calendar)
        self.calendar.clicked.connect(self._picked)

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        """Show a stored value; a stored text that is no date stays as it is, flagged."""
        self._value = None if value in (None, "") else str(value)
        day = _iso(self._value)
        self.edit.setText(day.strftime("%Y/%m/%d") if day else self._value or "")
        self._finish()

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.calendar_button.setVisible(not read_only)

    def _parse(self) -> tuple[str | None, str]:
        """(the date the text means, or None when empty; '' or why the text cannot be read)."""
        text = self.edit.text()
        if not text.strip():
            return None, ""
        try:
            return parse_date(text).isoformat(), ""
        except ValueError as exc:
            return self._value, str(exc)

    def _on_text(self, _text: str) -> None:
        value, problem = self._parse()
        self._value = value
        if not problem or not self.error.isHidden():  # a flagged date is re-checked as it is corrected
            self._show(problem)
        else:
            self.wareki.setText("")
        self.edited.emit()

    def _finish(self) -> None:
        value, problem = self._parse()
        day = _iso(value) if not problem else None
        if day is not None and day.strftime("%Y/%m/%d") != self.edit.text():
            self.edit.blockSignals(True)
            self.edit.setText(day.strftime("%Y/%m/%d"))
            self.edit.blockSignals(False)
        self._show(problem)

    def _show(self, problem: str) -> None:
        day = _iso(self._value)
        if problem:
            kept = f"「{self._value}」" if self._value else ""
            keep = f"前の日付（{wareki(day)}）のままです" if day else f"日付は空{kept}のままです"
            self.error.setText(f"{problem}。{keep}。{DATE_EXAMPLES}")
        self.error.setVisible(bool(problem))
        self.wareki.setText(wareki(day) if day and not problem else "")

    def open_calendar(self) -> None:
        day = _iso(self._value) or dt.date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.popup.adjustSize()
        self.popup.move(self.edit.mapToGlobal(QPoint(0, self.edit.height())))
        self.popup.show()
        self.calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self.popup.hide()
        self.edit.setText(day.toString("yyyy/MM/dd"))
        self._finish()
        self.edit.setFocus()


class _Combo:
    """Combo boxes of the form: the wheel scrolls the page unless the box has focus; read-only
    means disabled; a loaded name left as it was comes back exactly as stored (person, agency)."""

    _loaded: tuple[str, Any] = ("", None)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if isinstance(self, QWidget) and self.hasFocus():
            super().wheelEvent(event)  # type: ignore[misc]
        else:
            event.ignore()

    def set_read_only(self, read_only: bool) -> None:
        if isinstance(self, QWidget):
            self.setEnabled(not read_only)

    def _remember(self, text: str, value: Any) -> None:
        name = str(value.get("name", "")) if isinstance(value, Mapping) else ""
        self._loaded = (text, copy.deepcopy(value) if name.strip() else None)

    def _as_loaded(self, text: str) -> Any:
        return copy.deepcopy(self._loaded[1]) if text == self._loaded[0] else None


class ChoiceInput(_Combo, QComboBox):
    edited = Signal()

    def __init__(self, f: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.addItem(NOT_CHOSEN, None)
        for choice in f.choices:
            self.addItem(choice.label, choice.key)
        self.currentIndexChanged.connect(lambda *_: self.edited.emit())

    def value(self) -> Any:
        return self.currentData()

    def set_value(self, value: Any) -> None:
        if value is not None and self.findData(value) < 0:
            self.addItem(f"{value}{UNKNOWN_CHOICE}", value)
        self.setCurrentIndex(0 if value is None else self.findData(value))


class MultiChoiceInput(QWidget):
    """A check box per choice (three to a row) and, for ◎ fields, which checked one is most pressing."""

    edited = Signal()

    def __init__(self, f: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: dict[str, QCheckBox] = {}
        longest = max((len(c.label) for c in f.choices), default=0)
        # Long sentences (the C票 items) one per row; short words three to a row.
        self._columns = 1 if longest > 24 else 2 if longest > 12 else _COLUMNS
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(24)
        self._grid.setColumnStretch(self._columns, 1)
        for choice in f.choices:
            self._add_box(choice.key, choice.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        self.primary: QComboBox | None = None
        if f.primary_mark:
            self.primary = QComboBox()
            self.primary.setToolTip("選んだもののうち、もっとも差し迫ったものに◎を付けます")
            row = QHBoxLayout()
            row.addWidget(QLabel(PRIMARY_LABEL))
            row.addWidget(self.primary)
            row.addStretch(1)
            layout.addLayout(row)
            self.primary.currentIndexChanged.connect(lambda *_: self.edited.emit())
            self._fill_primary(None)
        self.setFocusProxy(next(iter(self.boxes.values())))

    def _add_box(self, key: str, label: str) -> None:
        box = QCheckBox(label)
        self._grid.addWidget(box, len(self.boxes) // self._columns, len(self.boxes) % self._columns)
        self.boxes[key] = box
        box.toggled.connect(self._toggled)

    def selected(self) -> list[str]:
        return [key for key, box in self.boxes.items() if box.isChecked()]

    def value(self) -> Any:
        selected = self.selected()
        primary = self.primary.currentData() if self.primary is not None else None
        return (
            {"selected": selected, "primary": primary if primary in selected else None} if selected else None
        )

    def set_value(self, value: Any) -> None:
        if isinstance(value, list | tuple):
            value = {"selected": list(value), "primary": None}
        value = value if isinstance(value, Mapping) else {}
        chosen = list(value.get("selected") or ())
        for key in chosen:
            if key not in self.boxes:
                self._add_box(key, f"{key}{UNKNOWN_CHOICE}")
        for key, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(key in chosen)
            box.blockSignals(False)
        self._fill_primary(value.get("primary"))

    def set_read_only(self, read_only: bool) -> None:
        for box in self.boxes.values():
            box.setEnabled(not read_only)
        self._fill_primary(self.primary.currentData() if self.primary is not None else None)

    def _fill_primary(self, primary: Any) -> None:
        """The ◎ list offers the checked items only; a ◎ on an unchecked item is dropped."""
        if self.primary is None:
            return
        selected = self.selected()
        self.primary.blockSignals(True)
        self.primary.clear()
        self.primary.addItem(NO_PRIMARY, None)
        for key in selected:
            self.primary.addItem(self.boxes[key].text(), key)
        self.primary.setCurrentIndex(max(0, self.primary.findData(primary)) if primary in selected else 0)
        self.primary.setEnabled(bool(selected) and any(box.isEnabled() for box in self.boxes.values()))
        self.primary.blockSignals(False)

    def _toggled(self, _checked: bool) -> None:
        self._fill_primary(self.primary.currentData() if self.primary is not None else None)
        self.edited.emit()


class PersonInput(_Combo, QComboBox):
    """A name: pick a staff member or type any name (the id is set only for an exact staff name)."""

    edited = Signal()

    def __init__(self, staff: Sequence[Staff], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(14)
        self._ids: dict[str, int] = {}
        for person in staff:
            if person.id is not None and person.name not in self._ids:
                self._ids[person.name] = int(person.id)
                self.addItem(person.name, int(person.id))
        line = self.lineEdit()
        if line is not None:
            line.setPlaceholderText("一覧から選ぶか、氏名を入力")
        self.setCurrentIndex(-1)
        self.editTextChanged.connect(lambda *_: self.edited.emit())

    def value(self) -> Any:
        name = self.currentText().strip()
        if not name:
            return None
        return self._as_loaded(self.currentText()) or {"name": name, "id": self._ids.get(name)}

    def set_value(self, value: Any) -> None:
        value = {"name": value, "id": None} if isinstance(value, str) else value
        self.setCurrentIndex(-1)
        self.setEditText(str(value.get("name", "")) if isinstance(value, Mapping) else "")
        self._remember(self.currentText(), value)


class AgencyInput(_Combo, AgencyPicker):
    """An agency from the directory (with its id, named without 「（分野）」) or any typed name."""

    edited = Signal()

    def __init__(self, agencies: Sequence[Agency], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._agency_names = {int(a.id): a.name for a in agencies if a.id is not None}
        self.set_agencies(agencies)
        self.select(None)
        self.editTextChanged.connect(lambda *_: self.edited.emit())
        self.currentIndexChanged.connect(lambda *_: self.edited.emit())

    def value(self) -> Any:
        text = self.currentText().strip()
        if not text:
            return None
        agency_id = self.current_agency_id()
        if agency_id is not None and int(agency_id) in self._agency_names:
            chosen = {"name": self._agency_names[int(agency_id)], "id": int(agency_id)}
        else:
            chosen = {"name": text, "id": None}
        return self._as_loaded(self.currentText()) or chosen

    def set_value(self, value: Any) -> None:
        value = {"name": value, "id": None} if isinstance(value, str) else value
        value = value if isinstance(value, Mapping) else {}
        ident = value.get("id")
        if not (isinstance(ident, int) and not isinstance(ident, bool) and self.select(AgencyId(ident))):
            self.select(None)
            self.setEditText(str(value.get("name", "")))
        self._remember(self.currentText(), value)


class YesNoInput(QWidget):
    """はい / いいえ / 未確認 (未確認 stores nothing)."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.yes = QRadioButton(YES)
        self.no = QRadioButton(NO)
        self.unconfirmed = QRadioButton(UNCONFIRMED)
        self.group = QButtonGroup(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.yes, self.no, self.unconfirmed):
            self.group.addButton(button)
            layout.addWidget(button)
        layout.addStretch(1)
        self.unconfirmed.setChecked(True)
        self.setFocusProxy(self.yes)
        self.group.buttonClicked.connect(lambda *_: self.edited.emit())  # clicks and arrow keys

    def value(self) -> Any:
        return True if self.yes.isChecked() else False if self.no.isChecked() else None

    def set_value(self, value: Any) -> None:
        target = self.yes if value is True else self.no if value is False else self.unconfirmed
        target.setChecked(True)

    def set_read_only(self, read_only: bool) -> None:
        for button in (self.yes, self.no, self.unconfirmed):
            button.setEnabled(not read_only)


Editor = (
    TextInput
    | LongTextInput
    | OptionalDateInput
    | ChoiceInput
    | MultiChoiceInput
    | PersonInput
    | AgencyInput
    | YesNoInput
)


@dataclass(frozen=True, slots=True)
class _Row:
    field: Field
    editor: Editor
    label: QLabel
    box: QWidget  # the editor with its help line: what is scrolled into view
    part: int


# ---- the form ------------------------------------------------------------------------------------


class SheetForm(QWidget):
    """Fill in one sheet: a tab per 票, a box per 欄, a row per visible field."""

    changed = Signal()
    """The user changed a value (not emitted by :meth:`set_values`)."""

    def __init__(
        self,
        template: SheetTemplate,
        *,
        agencies: Sequence[Agency] = (),
        staff: Sequence[Staff] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.template = template
        self._agencies = list(agencies)
        self._staff = list(staff)
        self._rows: dict[str, _Row] = {}
        self._scrolls: list[QScrollArea] = []
        self._kept: dict[str, Any] = {}
        self._marks: dict[str, Requirement] = {}
        self._loading = False
        self.tabs = QTabWidget()
        for index, part in enumerate(template.parts):
            self.tabs.addTab(self._build_part(index, part), part.title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _build_part(self, index: int, part: Part) -> QScrollArea:
        content = QWidget()
        column = QVBoxLayout(content)
        if part.note:
            column.addWidget(_hint(part.note))
        for section in part.sections:
            shown = [f for f in section.fields if not f.hidden]
            if not shown:
                continue
            box = QGroupBox(section.title)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setVerticalSpacing(10)
            if section.note:
                form.addRow(_hint(section.note))
            for f in shown:
                row = self._build_row(f, index)
                form.addRow(row.label, row.box)
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self._scrolls.append(scroll)
        return scroll

    def _build_row(self, f: Field, part: int) -> _Row:
        makers: dict[FieldType, Callable[[], Editor]] = {
            FieldType.TEXT: TextInput,
            FieldType.LONG_TEXT: lambda: LongTextInput(f.lines),
            FieldType.DATE: OptionalDateInput,
            FieldType.CHOICE: lambda: ChoiceInput(f),
            FieldType.MULTI_CHOICE: lambda: MultiChoiceInput(f),
            FieldType.PERSON: lambda: PersonInput(self._staff),
            FieldType.AGENCY: lambda: AgencyInput(self._agencies),
            FieldType.YES_NO: YesNoInput,
        }
        editor = makers[f.type]()
        editor.edited.connect(self._edited)
        label = QLabel(_label_html(f, None))
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setFixedWidth(label.fontMetrics().horizontalAdvance("あ") * 13)
        label.setBuddy(editor)
        box = QWidget()
        lines = QVBoxLayout(box)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(2)
        lines.addWidget(editor)
        if f.help:
            editor.setToolTip(f"{f.help}\n{editor.toolTip()}".strip())
            label.setToolTip(f.help)
            lines.addWidget(_hint(f.help))
        row = self._rows[f.key] = _Row(f, editor, label, box, part)
        return row

    def _edited(self) -> None:
        if not self._loading:
            self.changed.emit()

    # ---- values ----------------------------------------------------------------------------

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show stored values (does not emit :attr:`changed`); fields not named become empty."""
        self._loading = True
        try:
            self._kept = {k: copy.deepcopy(v) for k, v in values.items() if k not in self._rows}
            for key, row in self._rows.items():
                row.editor.set_value(copy.deepcopy(values.get(key)))
        finally:
            self._loading = False

    def values(self) -> dict[str, Any]:
        """Non-empty values in their stored form, with kept hidden and unknown values (module doc)."""
        out = {key: _tidy(row.field, row.editor.value()) for key, row in self._rows.items()}
        out = {key: value for key, value in out.items() if value is not None}
        return out | copy.deepcopy(self._kept)

    def set_read_only(self, read_only: bool) -> None:
        """Show the values without letting them change (read-only boxes get a grey background)."""
        for row in self._rows.values():
            row.editor.set_read_only(read_only)
        self.setStyleSheet(_READ_ONLY_STYLE if read_only else "")

    # ---- problems and focus ----------------------------------------------------------------

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """Mark the labels of missing fields (必須 in red, 未記入 in amber); clear the others."""
        self._marks = {p.field_key: p.level for p in problems if p.field_key in self._rows}
        for key, row in self._rows.items():
            row.label.setText(_label_html(row.field, self._marks.get(key)))

    def marked(self, key: str) -> Requirement | None:
        """The problem level shown on a field's label (None when unmarked)."""
        return self._marks.get(key)

    def focus_field(self, key: str) -> None:
        """Show the 票 holding ``key``, scroll to the field and put the cursor in it."""
        row = self._rows.get(key)
        if row is None:  # hidden fields are never asked for
            return
        self.tabs.setCurrentIndex(row.part)
        scroll = self._scrolls[row.part]
        content = scroll.widget()
        layout = content.layout() if content is not None else None
        if layout is not None:
            layout.activate()
        scroll.ensureWidgetVisible(row.box, 20, 60)
        row.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def field_widget(self, key: str) -> QWidget:
        """The input of a visible field (KeyError for a hidden or unknown key)."""
        return self._rows[key].editor

    def field_label(self, key: str) -> QLabel:
        return self._rows[key].label
