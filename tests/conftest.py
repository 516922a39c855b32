"""Shared fixtures: a template database made once per session and copied per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from jusou_desktop.store.database import Database

PASSPHRASE = "つむぎ町の見本パスフレーズ 2024"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings and logs of the app go to a fresh folder, never the developer's own."""
    monkeypatch.setenv("JUSOU_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def quiet_messages() -> Iterator[None]:
    """Message boxes are recorded in ``messages.shown``; questions take scripted answers."""
    from jusou_desktop.gui import messages

    messages.reset()
    messages.set_quiet(True)
    yield
    messages.set_quiet(False)
    messages.reset()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.jusou"
    Database.create(path, PASSPHRASE, town="つむぎ町（架空）").close()
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """A copy of the empty template. It is closed cleanly, so no -journal exists beside it."""
    assert not Path(str(template_db) + "-journal").exists()
    target = tmp_path / "case.jusou"
    shutil.copyfile(template_db, target)
    return target


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database.open(db_path, PASSPHRASE)
    yield database
    database.close()
