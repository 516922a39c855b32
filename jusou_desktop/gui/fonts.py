"""Register the bundled Japanese font so text renders on PCs without Japanese system fonts."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from jusou_desktop.shipped import shipped_dir

FONT_FILE = "ipaexg.ttf"  # IPAexゴシック, IPA Font License v1.0 (resources/fonts/)
_family: str | None = None


def register_japanese_font(app: QApplication, point_size: int = 10) -> str:
    """Load IPAexゴシック once and make it the application font; returns its family name."""
    global _family
    if _family is None:
        font_id = QFontDatabase.addApplicationFont(str(shipped_dir("resources") / "fonts" / FONT_FILE))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        _family = families[0] if families else ""
    if _family:
        app.setFont(QFont(_family, point_size))
    return _family
