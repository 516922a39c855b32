"""Locate the data folders the application ships (db/, resources/, ui/, exports/).

They live at the top of a source checkout, under ``jusou_desktop/_shipped/`` in an installed
wheel, and under the bundle folder (``sys._MEIPASS``) of a frozen build.  Nothing here
writes anything.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

ShippedFolder = Literal["db", "resources", "ui", "exports"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def candidate_roots() -> list[Path]:
    """Folders that may hold the shipped data, most specific first."""
    roots = [_PACKAGE_DIR / "_shipped"]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        roots.append(Path(frozen_root))
    roots.append(_PACKAGE_DIR.parent)
    return roots


def shipped_dir(name: ShippedFolder) -> Path:
    """Return the folder ``name`` from the first root that has it.

    Raises FileNotFoundError with a Japanese message when the installation is incomplete.
    """
    for root in candidate_roots():
        folder = root / name
        if folder.is_dir():
            return folder
    raise FileNotFoundError(
        f"アプリの付属データ「{name}」が見つかりません。インストールをやり直してください。"
    )


def migrations_dir() -> Path:
    return shipped_dir("db") / "migrations"
