"""「新規作成」: choose where the file goes, then the passphrase twice with a strength hint."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.passphrase import MIN_LENGTH, Strength, assess, validate_new
from jusou_desktop.store.database import Database

_STRENGTH_COLOURS = {Strength.WEAK: "#b00020", Strength.FAIR: "#b36b00", Strength.STRONG: "#1b6e20"}
STRENGTH_HINT = f"{MIN_LENGTH}文字以上。単語をいくつか組み合わせると覚えやすく安全です。"


def show_strength(label: QLabel, passphrase: str) -> None:
    """The strength hint under a new passphrase (弱い・ふつう・強い, coloured), as it is typed."""
    verdict = assess(passphrase)
    label.setText(f"強さ: {verdict.strength}　{verdict.message}")
    label.setStyleSheet(f"color: {_STRENGTH_COLOURS[verdict.strength]};")


class CreateDatabaseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新しいデータベースを作成")
        self.database: Database | None = None
        self.location = QLineEdit(str((folder or Path.home()) / "重層支援.jusou"))
        browse = QPushButton("参照…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.location, 1)
        where.addWidget(browse)
        self.town = QLineEdit()
        self.town.setPlaceholderText("例: つむぎ町")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirmation = QLineEdit()
        self.confirmation.setEchoMode(QLineEdit.EchoMode.Password)
        self.strength = QLabel(STRENGTH_HINT)
        self.strength.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.passphrase.textChanged.connect(self._show_strength)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("作成")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        buttons.accepted.connect(self._create)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("保存先", where)
        form.addRow("自治体名", self.town)
        form.addRow("パスフレーズ", self.passphrase)
        form.addRow("", self.strength)
        form.addRow("もう一度", self.confirmation)
        note = QLabel(
            "パスフレーズはどこにも保存されません。忘れるとデータを取り出せなくなるため、"
            "町の決まりに沿って安全な場所に控えてください。"
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "保存先を選ぶ", self.location.text(), "重層支援データベース (*.jusou)"
        )
        if chosen:
            self.location.setText(chosen if chosen.endswith(".jusou") else chosen + ".jusou")

    def _show_strength(self, text: str) -> None:
        show_strength(self.strength, text)

    def _create(self) -> None:
        try:
            passphrase = validate_new(self.passphrase.text(), self.confirmation.text())
            self.database = Database.create(
                Path(self.location.text()), passphrase, town=self.town.text().strip()
            )
        except JusouError as exc:
            self.message.setText(exc.message)
            return
        self.accept()
