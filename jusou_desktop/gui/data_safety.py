"""設定「データの保護」: バックアップ, パスフレーズの変更 and 点検, without the command line.

* 「バックアップ」 — an encrypted copy of the open database where the user chooses (never over an
  existing file), made through SQLCipher's export, reopened and checked before it gets its name
  (:meth:`~jusou_desktop.store.database.Database.export_copy`).  The time of the last backup is
  kept in the database's settings and shown in 和暦.
* 「パスフレーズの変更」 — the current passphrase (checked against the open key), the new one twice
  under the same policy and strength hint as 新規作成, then the two-part change of
  :class:`~jusou_desktop.store.database.PassphraseChange`.
* 「点検」 — the cipher and structure checks of the file, shown in Japanese.

Each runs off the GUI thread behind a progress bar with 中止 through a connection of the worker's
own (:meth:`~jusou_desktop.store.database.Database.opener_for_worker`): the GUI thread's
connection is never used there.  Only the last, short step of a passphrase change (swapping the
files and reconnecting) runs on the GUI thread, so every window keeps its ``Database``.  If that
step fails after the files were swapped, the page says that the new passphrase is in effect and
carries on as after any change.

Times shown and used in file names come from the page's clock; the main window builds the page
with :meth:`DataSafetyPage.for_session` so that it counts days to the session's ``today()``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import Cancelled, JusouError, ValidationError
from jusou_desktop.domain.passphrase import normalize, validate_new
from jusou_desktop.domain.wareki import format_wareki
from jusou_desktop.gui import messages, tasks
from jusou_desktop.gui.case_file_common import hint_label
from jusou_desktop.gui.create import STRENGTH_HINT, show_strength
from jusou_desktop.gui.meeting_window import alert_label
from jusou_desktop.gui.progress import Progress, on_own_connection, run_with_progress
from jusou_desktop.gui.session import Session
from jusou_desktop.store.database import CheckReport, CopyReport, Database, PassphraseChangeFailed
from jusou_desktop.store.errors import AlreadyExists, WrongPassphrase

__all__ = [
    "LAST_BACKUP_KEY",
    "DataSafetyPage",
    "backup_file_name",
    "describe_copy",
    "session_clock",
    "when_text",
]

LAST_BACKUP_KEY = "last_backup_at"
BACKUP_FOLDER_KEY = "backup_folder"
STALE_DAYS = 30
"""A last backup this many days old (or none) is shown in red."""
DB_FILTER = "重層支援データベース (*.jusou)"

NOT_FORGETTABLE = (
    "パスフレーズはどこにも保存されていません。忘れたパスフレーズを取り戻す方法はなく、"
    "開発元にも開けられません。町の決まりに沿って控えてください。"
)
OLD_BACKUPS = (
    "これまでに作ったバックアップは、古いパスフレーズのままです（古いパスフレーズで開きます）。"
    "変更したら、新しいバックアップも作ってください。"
)
CONFIRM_CHANGE = (
    "パスフレーズを変更します。\n\n"
    "・新しいパスフレーズを忘れると、データを取り出す方法はありません。\n"
    "・これまでに作ったバックアップは古いパスフレーズのままです。\n"
    "・大きなファイルでは少し時間がかかります（途中で「中止」できます）。\n\n"
    "変更しますか？"
)
OFFER_BACKUP = (
    "これまでのバックアップは古いパスフレーズのままです。新しいパスフレーズのバックアップを今作成しますか？"
)
CHANGED = "パスフレーズを変更しました。次からは新しいパスフレーズで開いてください。"
BUSY = "ほかの処理（書き出し・取り込みなど）が終わってから、もう一度お試しください。"


def when_text(moment: dt.datetime) -> str:
    """``令和8年11月28日 15:30``."""
    return f"{format_wareki(moment.date())} {moment:%H:%M}"


def session_clock(session: Session) -> Callable[[], dt.datetime]:
    """The time now on the session's day (its ``today()``: fixed in tests and screenshots)."""

    def now() -> dt.datetime:
        return dt.datetime.combine(session.today(), dt.datetime.now().time())

    return now


def backup_file_name(database: Path, moment: dt.datetime) -> str:
    """``つむぎ町-バックアップ-20261128-1530.jusou``."""
    return f"{database.stem}-バックアップ-{moment:%Y%m%d-%H%M}{database.suffix or '.jusou'}"


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size // 1024, 1)} KB"


def describe_copy(report: CopyReport) -> str:
    """保存先, 大きさ and 確認結果 of a finished backup, in Japanese."""
    counts = "、".join(f"{label} {count:,}件" for label, count in report.row_counts)
    return (
        f"保存先: {report.path}\n"
        f"大きさ: {_size_text(report.size)}\n"
        "確認結果: 異常なし（作ったファイルを同じパスフレーズで開き直し、暗号化と構造を検査して、"
        "すべての表の件数が元と一致することを確かめました）\n"
        f"内容: {counts}"
    )


def _stepper(progress: Progress, total: int) -> Callable[[str], None]:
    """A store ``progress(stage)`` callback that moves the bar one step per stage."""
    steps = itertools.count(1)
    return lambda _stage: progress.report(min(next(steps), total), total)


def _group(title: str, *items: QWidget | QFormLayout) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setSpacing(8)
    for item in items:
        if isinstance(item, QWidget):
            layout.addWidget(item)
        else:
            layout.addLayout(item)
    return box


def _show(label: QLabel, text: str) -> None:
    """A result line that takes no room while it has nothing to say."""
    label.setText(text)
    label.setVisible(bool(text))


def _left(button: QPushButton) -> QWidget:
    """A button at its natural width at the left of a group."""
    holder = QWidget()
    row = QVBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
    return holder


class DataSafetyPage(QWidget):
    """The 「データの保護」 tab of 設定."""

    database_closed = Signal()
    """After a passphrase change the file could not be reopened: the window must ask to unlock."""

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        now: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.clock = now
        """The clock seam (tests and screenshots fix the time shown and used in file names)."""

        # ---- バックアップ
        self.last_backup = QLabel()
        bold = self.last_backup.font()
        bold.setBold(True)
        self.last_backup.setFont(bold)
        self.backup_button = QPushButton("バックアップを作成…")
        self.backup_button.clicked.connect(self.start_backup)
        self.backup_result = hint_label()
        backup = _group(
            "バックアップ",
            hint_label(
                "開いているデータベースの暗号化されたコピーを作ります。コピーは今のパスフレーズで開けます。"
                "USBメモリの紛失や故障に備えて、データベースとは別の場所（別のUSBメモリ、町の決まった保管場所など）"
                "に定期的に作成してください。作ったコピーは開き直して検査してから保存します。"
            ),
            self.last_backup,
            _left(self.backup_button),
            self.backup_result,
        )

        # ---- パスフレーズの変更
        self.current = self._secret()
        self.new = self._secret()
        self.again = self._secret()
        self.strength = QLabel(STRENGTH_HINT)  # one line: a wrapped label in a form row leaves a gap
        self.new.textChanged.connect(self._show_strength)
        self.problem = alert_label()
        self.change_button = QPushButton("パスフレーズを変更する…")
        self.change_button.clicked.connect(self.start_change)
        self.change_result = hint_label()
        fields = QFormLayout()
        fields.addRow("現在のパスフレーズ", self.current)
        fields.addRow("新しいパスフレーズ", self.new)
        fields.addRow("", self.strength)
        fields.addRow("新しいパスフレーズ（確認）", self.again)
        passphrase = _group(
            "パスフレーズの変更",
            alert_label(f"{NOT_FORGETTABLE}\n{OLD_BACKUPS}"),
            fields,
            self.problem,
            _left(self.change_button),
            self.change_result,
        )

        # ---- 点検
        self.check_button = QPushButton("点検する")
        self.check_button.clicked.connect(self.start_check)
        self.check_result = hint_label()
        check = _group(
            "点検",
            hint_label(
                "ファイルの暗号化されたページと、データベースの構造に異常がないか調べます。"
                "大きなファイルでは時間がかかることがあります。"
            ),
            _left(self.check_button),
            self.check_result,
        )

        content = QWidget()
        content.setMaximumWidth(self.fontMetrics().horizontalAdvance("あ") * 56)
        column = QVBoxLayout(content)
        column.setSpacing(14)
        for box in (backup, passphrase, check):
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        for label in (self.backup_result, self.problem, self.change_result, self.check_result):
            _show(label, "")
        self.refresh()

    @classmethod
    def for_session(cls, session: Session, parent: QWidget | None = None) -> DataSafetyPage:
        """The page for the main window: the session's database, and days counted to its today."""
        return cls(session.db, parent, now=session_clock(session))

    @staticmethod
    def _secret() -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setMaximumWidth(360)
        return edit

    def _show_strength(self, text: str) -> None:
        if text:
            show_strength(self.strength, text)
        else:
            self.strength.setText(STRENGTH_HINT)
            self.strength.setStyleSheet("")

    def refresh(self) -> None:
        """Show when the last backup was made (as recorded in the database's settings)."""
        try:
            recorded = self.db.settings.get(LAST_BACKUP_KEY)
        except JusouError:  # locked meanwhile
            return
        try:
            moment = dt.datetime.fromisoformat(recorded) if recorded else None
        except ValueError:
            moment = None
        days = (self.clock().date() - moment.date()).days if moment else None
        self.last_backup.setStyleSheet("color: #b00020;" if days is None or days >= STALE_DAYS else "")
        if moment is None:
            self.last_backup.setText("最後のバックアップ: まだ作成していません")
            return
        ago = "今日" if not days or days < 0 else f"{days}日前"
        self.last_backup.setText(f"最後のバックアップ: {when_text(moment)}（{ago}）")

    def showEvent(self, event: QShowEvent) -> None:
        """「N日前」 and its red warning are as of now, however long ago the page was built."""
        self.refresh()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        """Typed passphrases do not outlive the page being shown (a lock hides it)."""
        for edit in (self.current, self.new, self.again):
            edit.clear()
        _show(self.problem, "")
        super().hideEvent(event)

    # ---- バックアップ ---------------------------------------------------------------------------

    def suggested_backup_path(self, moment: dt.datetime | None = None) -> Path:
        """The default: a dated name in the folder of the last backup (else the home folder)."""
        name = backup_file_name(self.db.path, moment or self.clock())
        try:
            previous = self.db.settings.get(BACKUP_FOLDER_KEY)
        except JusouError:
            previous = ""
        folder = Path(previous) if previous and Path(previous).is_dir() else Path.home()
        return folder / name

    def _choose_backup_path(self, started: dt.datetime) -> Path | None:
        """Where the backup goes: the user's choice, never an existing file (None: given up)."""
        suggested = self.suggested_backup_path(started)
        while True:
            dest = messages.choose_save_path(self, "バックアップの保存先", suggested, DB_FILTER)
            if dest is None:
                return None
            if dest.suffix.lower() != ".jusou":
                dest = dest.with_name(dest.name + ".jusou")
            if dest.exists():  # the file dialog may have offered to replace it: a backup never does
                messages.show_error(self, AlreadyExists(dest))
                return None
            if dest.parent.resolve() != self.db.path.parent.resolve() or messages.ask(
                self,
                "データベースと同じフォルダに保存しようとしています。USBメモリをなくしたり壊したりすると、"
                "バックアップも一緒に失われます。このまま保存しますか？",
                yes="このまま保存",
                no="保存先を選び直す",
            ):
                return dest
            suggested = dest

    def start_backup(self) -> None:
        started = self.clock().replace(second=0, microsecond=0)
        dest = self._choose_backup_path(started)
        if dest is None:
            return

        def copy(view: Database, progress: Progress) -> CopyReport:
            return view.export_copy(dest, cancelled=progress.cancelled, progress=_stepper(progress, 3))

        work = on_own_connection(self, self.db, copy)
        if work is None:
            return

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Cancelled):
                messages.inform(self, str(exc))
            else:
                messages.show_error(self, exc)

        run_with_progress(
            self,
            "バックアップを作成しています…",
            work,
            lambda report: self._backup_done(report, started),
            failed,
        )

    def _backup_done(self, report: Any, started: dt.datetime) -> None:
        assert isinstance(report, CopyReport)
        text = describe_copy(report)
        try:
            with self.db.transaction():
                self.db.settings.set(LAST_BACKUP_KEY, started.isoformat(timespec="minutes"))
                self.db.settings.set(BACKUP_FOLDER_KEY, str(report.path.parent))
        except JusouError:  # e.g. locked meanwhile: the backup itself is complete
            text += "\n（最後のバックアップの日時は記録できませんでした）"
        self.refresh()
        _show(self.backup_result, text)
        messages.inform(self, f"バックアップを作成しました。\n{text}")

    # ---- パスフレーズの変更 -----------------------------------------------------------------------

    def _refuse(self, text: str, field: QLineEdit) -> None:
        _show(self.problem, text)
        field.setFocus()
        field.selectAll()

    def start_change(self) -> None:
        _show(self.problem, "")
        _show(self.change_result, "")
        current = self.current.text()
        if not current:
            self._refuse("現在のパスフレーズを入力してください。", self.current)
            return
        try:
            new = validate_new(self.new.text(), self.again.text())
        except ValidationError as exc:
            self._refuse(exc.message, self.again if exc.field == "confirmation" else self.new)
            return
        if new == normalize(current):
            self._refuse(
                "新しいパスフレーズが現在のものと同じです。別のパスフレーズにしてください。", self.new
            )
            return
        if tasks.running():
            messages.inform(self, BUSY)
            return
        if not messages.ask(self, CONFIRM_CHANGE, yes="変更する", no="やめる"):
            return
        try:
            change = self.db.start_passphrase_change()
        except JusouError as exc:
            messages.show_error(self, exc)
            return

        def work(progress: Progress) -> None:
            change.prepare(
                new,
                current_passphrase=current,
                progress=_stepper(progress, 4),
                cancelled=progress.cancelled,
            )

        def done(_result: Any) -> None:
            try:
                change.finish()
            except PassphraseChangeFailed as exc:
                if exc.changed:  # the files were swapped: the new passphrase is in effect
                    self._changed(exc.message)
                else:
                    messages.show_error(self, exc)
                return
            except JusouError as exc:
                messages.show_error(self, exc)
                if not self.db.is_open:
                    self.database_closed.emit()
                return
            self._changed(CHANGED)

        def failed(exc: BaseException) -> None:
            change.discard()
            if isinstance(exc, WrongPassphrase):
                self._refuse(
                    "現在のパスフレーズが正しくありません。大文字・小文字や全角・半角を確かめてください。"
                    "パスフレーズは変わっていません。",
                    self.current,
                )
            elif isinstance(exc, Cancelled):
                messages.inform(self, str(exc))
            else:
                messages.show_error(self, exc)

        run_with_progress(self, "パスフレーズを変更しています…", work, done, failed)

    def _changed(self, text: str) -> None:
        """The new passphrase is in effect: forget what was typed, say so, offer a new backup."""
        for edit in (self.current, self.new, self.again):
            edit.clear()
        _show(self.problem, "")
        _show(self.change_result, f"{when_text(self.clock())} にパスフレーズを変更しました。{OLD_BACKUPS}")
        if not self.db.is_open:  # it could not be reopened: the text says which passphrase to use
            messages.inform(self, text)
            self.database_closed.emit()
        elif messages.ask(self, f"{text}\n\n{OFFER_BACKUP}", yes="バックアップを作成", no="あとで"):
            self.start_backup()

    # ---- 点検 -----------------------------------------------------------------------------------

    def start_check(self) -> None:
        work = on_own_connection(
            self, self.db, lambda view, progress: view.check(cancelled=progress.cancelled)
        )
        if work is None:
            return
        started = self.clock()

        def done(report: Any) -> None:
            assert isinstance(report, CheckReport)
            verdict = "異常なし" if report.healthy else "異常があります"
            self.check_result.setStyleSheet("" if report.healthy else "color: #b00020;")
            _show(self.check_result, f"点検の結果: {verdict}（{when_text(started)}）\n{report.describe()}")
            if not report.healthy:
                messages.inform(
                    self,
                    "点検で異常が見つかりました。これ以上の入力は控え、最新のバックアップから戻す方法を"
                    "情報担当の方に相談してください。\n\n" + report.describe(),
                )

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Cancelled):
                self.check_result.setStyleSheet("")
                _show(self.check_result, str(exc))
            else:
                messages.show_error(self, exc)

        run_with_progress(self, "点検しています…", work, done, failed)
