"""The dialog that edits one record, and the slot a screen opens such dialogs in.

:class:`RecordDialog` is a form with a save button and キャンセル.  A subclass fills
:attr:`~RecordDialog.form` (and, when it shows more than a form, :attr:`~RecordDialog.body`),
says what counts as typed (``_snapshot``) and how the record is written (``_store``, which raises a
:class:`~jusou_desktop.domain.errors.JusouError` when the store refuses), and ends its
``__init__`` with ``_remember_initial()``.  A refusal (an empty or duplicate name…) is shown in red
beside the buttons and the dialog stays open with what was typed; cancelling after typing asks
first.  Used by the 関係機関 and 地域資源 screens.

:class:`DialogSlot` opens one such dialog at a time with ``open()`` (window-modal, never a nested
event loop) and runs a callback when it was accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.gui import messages

DISCARD_QUESTION = "入力した内容を破棄しますか？"
ERROR_STYLE = "color: #c00000;"


def line_edit(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


class RecordDialog(QDialog):
    """A form with a save button (保存, or ``save_text``) and キャンセル; a refused save is shown in red."""

    def __init__(
        self,
        title: str,
        parent: QWidget | None,
        *,
        save_text: str = "保存",
        save_role: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Save,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(save_role | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(save_role)
        self.save_button.setText(save_text)
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText("キャンセル")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout()
        """What the dialog shows above the buttons: the form, and whatever a subclass adds."""
        self.body.addLayout(self.form)
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(self.body)
        layout.addSpacing(6)
        layout.addLayout(bottom)
        self._initial: tuple[object, ...] = ()
        self._field_widgets: dict[str, QWidget] = {}
        """The widget that gets the focus when a refusal names its field."""

    # subclasses -------------------------------------------------------------------------------

    def _snapshot(self) -> tuple[object, ...]:
        raise NotImplementedError

    def _store(self) -> None:
        """Write the record through the store; raises JusouError when the store refuses it."""
        raise NotImplementedError

    # behaviour --------------------------------------------------------------------------------

    def _remember_initial(self) -> None:
        self._initial = self._snapshot()

    def is_dirty(self) -> bool:
        return self._snapshot() != self._initial

    def show_error(self, text: str, field: str | None = None) -> None:
        self.error.setText(text)
        widget = self._field_widgets.get(field or "")
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _save(self) -> None:
        self.error.clear()
        try:
            self._store()
        except JusouError as exc:
            self.show_error(exc.message, getattr(exc, "field", None))
            return
        self.accept()

    def reject(self) -> None:
        if self.is_dirty() and not messages.ask(self, DISCARD_QUESTION, yes="破棄する", no="入力に戻る"):
            return
        super().reject()


D = TypeVar("D", bound=RecordDialog)


class DialogSlot:
    """One dialog at a time, opened window-modal; ``after`` runs when it was accepted."""

    def __init__(self) -> None:
        self._dialog: RecordDialog | None = None

    @property
    def current(self) -> RecordDialog | None:
        return self._dialog

    def open(self, dialog: D, after: Callable[[D], None]) -> None:
        if self._dialog is not None:
            dialog.deleteLater()
            self._dialog.raise_()
            self._dialog.activateWindow()
            return
        self._dialog = dialog

        def finished(result: int) -> None:
            self._dialog = None
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted:
                after(dialog)

        dialog.finished.connect(finished)
        dialog.open()
