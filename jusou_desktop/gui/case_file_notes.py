"""ケースファイル「経過記録」: the progress notes, newest first, and an editor for one note."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.ids import CaseId, NoteId
from jusou_desktop.domain.model import Note, NoteKind
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import (
    choose,
    chosen,
    date_field,
    enum_combo,
    fill_table,
    first_line,
    hint_label,
    make_table,
    selected_row,
    store_call,
    wareki,
)
from jusou_desktop.gui.session import Session

NOT_YOURS = "他の職員の記録は編集できません"
DEFAULT_KIND = NoteKind.VISIT


def is_own_note(note: Note, session: Session) -> bool:
    """Staff id decides when both are known; otherwise the author's name does."""
    if note.author_staff_id is not None and session.staff_id is not None:
        return note.author_staff_id == session.staff_id
    return note.author_name == session.user_name


class NotesTab(QWidget):
    edited = Signal()
    saved = Signal()
    reverted = Signal()

    def __init__(self, session: Session, case_id: CaseId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        self._notes: list[Note] = []
        self._current: Note | None = None
        self._clean: dict[str, Any] = {}
        self._loading = False

        # -- list
        self.kind_filter = enum_combo(list(NoteKind), empty="すべて")
        self.count_label = QLabel()
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("種別で絞り込み"))
        filter_row.addWidget(self.kind_filter)
        filter_row.addStretch(1)
        filter_row.addWidget(self.count_label)
        self.table = make_table(("日付", "種別", "記録者", "内容"), stretch=3)
        list_box = QGroupBox("経過記録（新しい順）")
        list_layout = QVBoxLayout(list_box)
        list_layout.addLayout(filter_row)
        list_layout.addWidget(self.table, 1)

        # -- editor
        self.heading = QLabel()
        self.noted_on = date_field()
        self.kind = enum_combo(list(NoteKind))
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.body.setPlaceholderText("訪問・電話・同行などの内容を記録します")
        self.body.setMinimumHeight(self.body.fontMetrics().lineSpacing() * 5)
        self.read_only_label = hint_label()
        self.read_only_label.setStyleSheet("font-weight: bold;")
        self.dirty_label = QLabel()
        self.new_button = QPushButton("新規(&N)")
        self.new_button.setToolTip("新しい記録を書き始めます")
        self.save_button = QPushButton("保存(&S)")
        self.save_button.setToolTip("この記録を保存します（Ctrl+S）")
        date_kind = QHBoxLayout()
        date_kind.addWidget(self.noted_on)
        date_kind.addWidget(QLabel("種別"))
        date_kind.addWidget(self.kind)
        date_kind.addStretch(1)
        form = QFormLayout()
        form.addRow("日付", date_kind)
        form.addRow("内容", self.body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.dirty_label, 1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        editor_box = QGroupBox("記録を書く")
        self.editor_box = editor_box
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.addWidget(self.heading)
        editor_layout.addWidget(self.read_only_label)
        editor_layout.addLayout(form, 1)
        editor_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(list_box)
        splitter.addWidget(editor_box)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.kind_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.noted_on.edit.dateChanged.connect(self._on_edit)
        self.kind.currentIndexChanged.connect(self._on_edit)
        self.body.textChanged.connect(self._on_edit)
        self.new_button.clicked.connect(self.new_note)
        self.save_button.clicked.connect(self.save)
        self._show_note(None)

    # ---- the list -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the notes under the filter, keeping the edited note selected."""
        kind = chosen(self.kind_filter, NoteKind)
        ok, notes = store_call(self, lambda: self.session.db.notes.for_case(self.case_id, kind))
        if not ok or notes is None:
            return
        self._notes = notes
        names = {s.id: s.name for s in self.session.db.staff.list()}
        rows = []
        for n in notes:
            author = n.author_name or (names.get(n.author_staff_id, "") if n.author_staff_id else "")
            rows.append((wareki(n.noted_on), n.kind.value, author, first_line(n.body)))
        self._loading = True
        try:
            fill_table(self.table, rows, [n.id for n in notes])
            for r, n in enumerate(notes):
                item = self.table.item(r, 3)
                if item is not None:
                    item.setToolTip(n.body[:400])
            self._select_current()
        finally:
            self._loading = False
        total = "" if kind is None else f"（{kind.value}のみ）"
        self.count_label.setText(f"{len(notes)} 件{total}")

    def _select_current(self) -> None:
        current_id = self._current.id if self._current else None
        row = next(
            (i for i, n in enumerate(self._notes) if current_id is not None and n.id == current_id), None
        )
        self.table.clearSelection()
        if row is not None:
            self.table.selectRow(row)

    def _selection_changed(self) -> None:
        if self._loading:
            return
        row = selected_row(self.table)
        if row is None or row >= len(self._notes):
            return
        note = self._notes[row]
        if self._current is not None and note.id == self._current.id:
            return
        if not self._settle_unsaved():
            self._loading = True
            try:
                self._select_current()
            finally:
                self._loading = False
            return
        self._show_note(note)

    def _settle_unsaved(self) -> bool:
        """Before leaving the edited note: save or discard it, or stay (False)."""
        if not self.is_dirty():
            return True
        answer = messages.ask_three(
            self, "編集中の経過記録が保存されていません。保存しますか？", save="保存する", discard="破棄する"
        )
        if answer == "save":
            return self.save()
        if answer == "discard":
            self.revert()
            return True
        return False

    # ---- the editor ---------------------------------------------------------------------------

    def can_edit(self, note: Note | None) -> bool:
        return note is None or is_own_note(note, self.session)

    def _show_note(self, note: Note | None) -> None:
        """Load ``note`` (None: a blank new note) into the editor as its clean state."""
        self._current = note
        self._loading = True
        try:
            if note is None:
                self.noted_on.set_date(dt.date.today())
                choose(self.kind, DEFAULT_KIND)
                self.body.setPlainText("")
                self.heading.setText("新しい記録")
                self.editor_box.setTitle("記録を書く")
            else:
                self.noted_on.set_date(note.noted_on)
                choose(self.kind, note.kind)
                self.body.setPlainText(note.body)
                self.heading.setText(
                    f"{wareki(note.noted_on)}・{note.kind.value}・記録者：{note.author_name or '不明'}"
                )
                self.editor_box.setTitle("記録を見る・直す")
        finally:
            self._loading = False
        editable = self.can_edit(note)
        self.noted_on.setEnabled(editable)
        self.kind.setEnabled(editable)
        self.body.setReadOnly(not editable)
        self.read_only_label.setVisible(not editable)
        self.read_only_label.setText(
            ""
            if editable
            else f"{NOT_YOURS}（記録者：{note.author_name if note else ''}）。読むことはできます。"
        )
        self._clean = self.state()
        self._update_dirty()

    def state(self) -> dict[str, Any]:
        """The editor's content as JSON-ready values (the draft payload)."""
        return {
            "note_id": int(self._current.id) if self._current and self._current.id is not None else None,
            "noted_on": self.noted_on.date().isoformat(),
            "kind": self._kind().value,
            "body": self.body.toPlainText(),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Bring back a draft: its note if it still exists and is ours, else a new note."""
        note: Note | None = None
        if state.get("note_id") is not None:
            try:
                found: Note | None = self.session.db.notes.get(NoteId(int(state["note_id"])))
            except JusouError:  # deleted meanwhile: the text comes back as a new note
                found = None
            note = found if found is not None and self.can_edit(found) else None
        self._show_note(note)
        if note is not None:
            self._loading = True
            try:
                self._select_current()
            finally:
                self._loading = False
        if state.get("noted_on"):
            self.noted_on.set_date(dt.date.fromisoformat(state["noted_on"]))
        choose(self.kind, NoteKind(state.get("kind") or DEFAULT_KIND))
        self.body.setPlainText(str(state.get("body") or ""))
        self._update_dirty()

    def _kind(self) -> NoteKind:
        return chosen(self.kind, NoteKind) or DEFAULT_KIND

    def is_dirty(self) -> bool:
        if not self._clean or not self.can_edit(self._current):
            return False
        state = self.state()
        if state == self._clean:
            return False
        return self._current is not None or bool(state["body"].strip())

    def _on_edit(self, *_args: object) -> None:
        if self._loading:
            return
        self._update_dirty()
        self.edited.emit()

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.dirty_label.setText("保存されていない変更があります。" if dirty else "")

    def new_note(self) -> None:
        if not self._settle_unsaved():
            return
        self._show_note(None)
        self._loading = True
        try:
            self.table.clearSelection()
        finally:
            self._loading = False
        self.body.setFocus()

    def revert(self) -> None:
        self._show_note(self._current)
        self.reverted.emit()

    def save(self) -> bool:
        if not self.can_edit(self._current):
            return False
        noted_on, kind, body = self.noted_on.date(), self._kind(), self.body.toPlainText()
        db = self.session.db
        current = self._current

        def write() -> Note:
            if current is None:
                note_id = db.notes.add(
                    Note(
                        case_id=self.case_id,
                        noted_on=noted_on,
                        kind=kind,
                        body=body,
                        author_staff_id=self.session.staff_id,
                        author_name=self.session.user_name,
                    )
                )
            else:
                note_id = current.id or NoteId(0)
                db.notes.update(replace(current, noted_on=noted_on, kind=kind, body=body))
            return db.notes.get(note_id)

        ok, saved = store_call(self, write)
        if not ok or saved is None:
            return False
        self._show_note(saved)
        self.refresh()
        self.saved.emit()
        return True
