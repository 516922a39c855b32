"""The data folders ship with the package and are found from a wheel as from a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from jusou_desktop import shipped
from jusou_desktop.store.migrations import load_migrations

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_folders_found_from_the_checkout() -> None:
    for name in ("db", "resources", "ui", "exports"):
        assert shipped.shipped_dir(name).is_dir()  # type: ignore[arg-type]
    assert load_migrations()[0].path.name == "0001_initial.sql"


def test_frozen_layout_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "exports").mkdir()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(shipped, "_PACKAGE_DIR", tmp_path / "nowhere" / "jusou_desktop")
    assert shipped.shipped_dir("exports") == tmp_path / "exports"
    with pytest.raises(FileNotFoundError, match="付属データ"):
        shipped.shipped_dir("ui")


@pytest.mark.slow
def test_wheel_contains_the_data_folders(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    wheel = next(tmp_path.glob("jusou_desktop-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "jusou_desktop/_shipped/db/migrations/0001_initial.sql" in names
    assert "jusou_desktop/cli.py" in names
    assert not any(name.startswith("tests/") for name in names)
