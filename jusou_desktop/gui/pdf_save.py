"""Save a PDF where the user chooses: written off the GUI thread with 中止, then offered to open.

The document is read from the database on the GUI thread first; only the writer runs in the
background.  A cancelled or failed write leaves no file (the writers write atomically).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from jusou_desktop.gui import messages
from jusou_desktop.gui.progress import Progress, run_with_progress


def save_pdf(parent: QWidget, writer: Callable[..., Any], document: Any, file_name: str) -> None:
    """``writer(document, dest, cancelled=, progress=)`` after asking the user where ``dest`` is."""
    dest = messages.choose_save_path(parent, "PDFの保存先", Path.home() / file_name, "PDF (*.pdf)")
    if dest is None:
        return
    if dest.suffix.lower() != ".pdf":
        dest = dest.with_name(dest.name + ".pdf")

    def work(progress: Progress) -> Path:
        writer(document, dest, cancelled=progress.cancelled, progress=progress.report)
        return dest

    def done(path: Any) -> None:
        if messages.ask(parent, f"PDFを保存しました。\n{path}\n開きますか？", yes="開く", no="閉じる"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def failed(exc: BaseException) -> None:
        from jusou_desktop.reports.pdf_common import Cancelled

        if isinstance(exc, Cancelled):
            messages.inform(parent, "PDFの作成を中止しました。ファイルは作られていません。")
        else:
            messages.show_error(parent, exc)

    run_with_progress(parent, "PDFを作成しています…", work, done, failed)
