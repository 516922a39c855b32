"""One case's file (ケースファイル), shown by the main window in a tab.

A header line names the case; inner tabs hold its sections (本人・世帯, 課題タグ, 本人同意, チーム,
状態, 経過記録, each in its own ``case_file_*`` module).  The 本人・世帯 form and the note editor
are saved with a button; everything else is stored as soon as it is chosen.

Unsaved input is never lost silently: a second after the user stops typing it is written as a
draft into the encrypted file (so a crash or an auto-lock keeps it), and the draft is offered
back the next time the case is opened.  Saving for real, or discarding, removes the draft.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.meetings import need_label
from jusou_desktop.domain.model import Case
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import age_text, store_call, wareki
from jusou_desktop.gui.case_file_consent import ConsentTab
from jusou_desktop.gui.case_file_links import LinksTab
from jusou_desktop.gui.case_file_notes import NotesTab
from jusou_desktop.gui.case_file_person import PersonTab
from jusou_desktop.gui.case_file_status import StatusTab
from jusou_desktop.gui.case_file_tags import TagsTab
from jusou_desktop.gui.case_file_team import TeamTab
from jusou_desktop.gui.session import Session
from jusou_desktop.store.drafts import Draft

DRAFT_DELAY_MS = 1000
"""How long after the last keystroke the draft is written."""

BASICS_DRAFT = "case_basics"
NOTE_DRAFT = "case_note"

RESTORE_MODES = ("ask", "always", "never")
"""ask: offer the drafts back; always: restore silently (after an auto-lock); never: leave them."""

_TAB_NAMES = ("本人・世帯", "課題タグ", "本人同意", "チーム", "状態", "経過記録", "つなぎ・予定")
_UNSAVED_MARK = "（未保存）"


class CaseFileWidget(QWidget):
    """The file of case ``case_id``; raises the store's error if the case cannot be read."""

    changed = Signal()
    """Emitted after every successful save (the case list refreshes)."""
    new_referral = Signal(int)
    open_referral = Signal(int)

    def __init__(
        self,
        session: Session,
        case_id: CaseId,
        parent: QWidget | None = None,
        *,
        restore_drafts: str = "ask",
    ) -> None:
        super().__init__(parent)
        if restore_drafts not in RESTORE_MODES:
            raise ValueError(f"restore_drafts must be one of {RESTORE_MODES}: {restore_drafts!r}")
        self.session = session
        self.case_id = case_id
        self.case: Case = session.db.cases.get(case_id)
        self.basics_key = f"case:{case_id}:basics"
        self.note_key = f"case:{case_id}:note"
        self._drafted: set[str] = set()
        self._draft_failed = False

        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.person_tab = PersonTab(session, case_id)
        self.tags_tab = TagsTab(session, case_id)
        self.consent_tab = ConsentTab(session, case_id)
        self.team_tab = TeamTab(session, case_id)
        self.status_tab = StatusTab(session, case_id)
        self.notes_tab = NotesTab(session, case_id)
        self.links_tab = LinksTab(session, case_id)
        self.links_tab.new_referral.connect(self.new_referral.emit)
        self.links_tab.open_referral.connect(self.open_referral.emit)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        sections = (
            self.person_tab,
            self.tags_tab,
            self.consent_tab,
            self.team_tab,
            self.status_tab,
            self.notes_tab,
            self.links_tab,
        )
        for number, (section, name) in enumerate(zip(sections, _TAB_NAMES, strict=True), start=1):
            index = self.tabs.addTab(section, name)
            self.tabs.setTabToolTip(index, f"{name}（Alt+{number}）")
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda i=index: self.tabs.setCurrentIndex(i))
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self._save_current_tab)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self._autosave)

        self.person_tab.edited.connect(self._on_edited)
        self.notes_tab.edited.connect(self._on_edited)
        self.person_tab.saved.connect(lambda: self._on_form_saved(self.basics_key))
        self.notes_tab.saved.connect(lambda: self._on_form_saved(self.note_key))
        self.person_tab.reverted.connect(lambda: self._on_reverted(self.basics_key))
        self.notes_tab.reverted.connect(lambda: self._on_reverted(self.note_key))
        for section in (self.tags_tab, self.consent_tab, self.team_tab, self.status_tab, self.links_tab):
            section.saved.connect(self._on_section_saved)
        self.person_tab.household_changed.connect(self._on_section_saved)

        self._show_case(self.case, form=True)
        self.notes_tab.refresh()
        self._restore_drafts(restore_drafts)

    # ---- what the main window asks --------------------------------------------------------------

    def title(self) -> str:
        """The tab title: 「2024-0012 山田 花子」."""
        return f"{self.case.number} {self.case.principal.name}"

    def has_unsaved_changes(self) -> bool:
        return self.person_tab.is_dirty() or self.notes_tab.is_dirty()

    def maybe_close(self) -> bool:
        """Ask about unsaved changes; False means the user wants to stay."""
        if not self.has_unsaved_changes():
            return True
        answer = messages.ask_three(
            self, "保存されていない変更があります。保存しますか？", save="保存する", discard="破棄する"
        )
        if answer == "save":
            return self.save_all()
        if answer == "discard":
            self.discard_changes()
            return True
        return False

    def save_all(self) -> bool:
        """Save the 本人・世帯 form and the note editor where they hold changes."""
        ok = True
        if self.person_tab.is_dirty():
            ok = self.person_tab.save() and ok
        if self.notes_tab.is_dirty():
            ok = self.notes_tab.save() and ok
        return ok

    def discard_changes(self) -> None:
        """Throw the unsaved input and its drafts away."""
        self._draft_timer.stop()
        self.person_tab.revert()
        self.notes_tab.revert()
        self._discard_draft(self.basics_key, force=True)
        self._discard_draft(self.note_key, force=True)

    # ---- drafts ---------------------------------------------------------------------------------

    def save_draft(self) -> bool:
        """Write the unsaved input as drafts now, and drop drafts with nothing left to keep.

        False when the database is closed (locked); a store failure is raised as JusouError,
        so a caller about to lock can stop and keep the window as it is.
        """
        self._draft_timer.stop()
        if not self.session.db.is_open:
            return False
        parts = (
            (self.basics_key, BASICS_DRAFT, self.person_tab, "本人・世帯"),
            (self.note_key, NOTE_DRAFT, self.notes_tab, "経過記録"),
        )
        for key, kind, section, label in parts:
            if section.is_dirty():
                self.session.db.drafts.save(
                    key,
                    kind,
                    section.state(),
                    title=f"{self.title()}・{label}",
                    author=self.session.user_name,
                )
                self._drafted.add(key)
            elif key in self._drafted:
                self.session.db.drafts.discard(key)
                self._drafted.discard(key)
        return True

    def _autosave(self) -> None:
        """The debounce timer's draft: a failure is shown once, not every second while typing."""
        try:
            self.save_draft()
        except JusouError as exc:
            if not self._draft_failed:
                messages.show_error(self, exc)
            self._draft_failed = True
            return
        self._draft_failed = False

    def _discard_draft(self, key: str, *, force: bool = False) -> None:
        if (force or key in self._drafted) and self.session.db.is_open:
            store_call(self, lambda: self.session.db.drafts.discard(key))
        self._drafted.discard(key)

    def _restore_drafts(self, mode: str) -> None:
        if mode == "never":
            return
        ok, found = store_call(
            self, lambda: [(k, self.session.db.drafts.get(k)) for k in (self.basics_key, self.note_key)]
        )
        drafts: dict[str, Draft] = {k: d for k, d in (found or []) if d is not None}
        if not ok or not drafts:
            return
        if mode == "ask":
            newest = max(d.updated_at for d in drafts.values())
            parts = "・".join(
                label
                for key, label in ((self.basics_key, "本人・世帯"), (self.note_key, "経過記録"))
                if key in drafts
            )
            question = (
                f"保存されていない入力があります（{wareki(newest.date())} {newest:%H:%M}）。復元しますか？\n"
                f"（{parts}）"
            )
            if not messages.ask(self, question, yes="復元する", no="破棄する"):
                for key in drafts:
                    self._discard_draft(key, force=True)
                return
        sections: dict[str, PersonTab | NotesTab] = {
            self.basics_key: self.person_tab,
            self.note_key: self.notes_tab,
        }
        for key, draft in drafts.items():
            try:
                sections[key].set_state(draft.payload)
            except (KeyError, TypeError, ValueError):  # a draft this version cannot read: keep it
                continue
            self._drafted.add(key)
        self._mark_unsaved_tabs()

    # ---- reacting to the sections ---------------------------------------------------------------

    def _on_edited(self) -> None:
        self._mark_unsaved_tabs()
        self._draft_timer.start()

    def _on_form_saved(self, key: str) -> None:
        self._discard_draft(key, force=True)
        self._reload()
        self.changed.emit()

    def _on_reverted(self, key: str) -> None:
        self._discard_draft(key)
        self._mark_unsaved_tabs()

    def _on_section_saved(self) -> None:
        self._reload()
        self.changed.emit()

    def _save_current_tab(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.person_tab and self.person_tab.is_dirty():
            self.person_tab.save()
        elif current is self.notes_tab and self.notes_tab.is_dirty():
            self.notes_tab.save()

    def _reload(self) -> None:
        """Re-read the case; the 本人・世帯 form keeps what the user is typing."""
        ok, case = store_call(self, lambda: self.session.db.cases.get(self.case_id))
        if ok and case is not None:
            self._show_case(case, form=not self.person_tab.is_dirty())

    def _show_case(self, case: Case, *, form: bool) -> None:
        self.case = case
        self.person_tab.load(case, form=form)
        self.tags_tab.load(case)
        self.consent_tab.load(case)
        self.team_tab.load(case)
        self.status_tab.load(case)
        self.links_tab.load()
        self._show_header(case)
        self._mark_unsaved_tabs()

    def _show_header(self, case: Case) -> None:
        p = case.principal
        name = html.escape(p.name)
        kana = f"（{html.escape(p.kana)}）" if p.kana else ""
        parts = [
            f"ケース番号 {html.escape(case.number)}",
            f"<big><b>{name}</b></big>{kana}",
            age_text(p.birth_date),
            f"状態：<b>{case.status.value}</b>",
            f"本人同意：<b>{case.consent_state.value}</b>",
        ]
        case_id = self.case_id
        _ok, needs = store_call(self, lambda: self.session.db.meetings.open_needs(case_id))
        for need in needs or []:
            parts.append(f'<span style="color:#b00020"><b>{html.escape(need_label(need))}</b></span>')
        self.header.setText("　｜　".join(parts))

    def _mark_unsaved_tabs(self) -> None:
        for section, dirty in (
            (self.person_tab, self.person_tab.is_dirty()),
            (self.notes_tab, self.notes_tab.is_dirty()),
        ):
            index = self.tabs.indexOf(section)
            self.tabs.setTabText(index, _TAB_NAMES[index] + (_UNSAVED_MARK if dirty else ""))
