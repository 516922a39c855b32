"""Changing the passphrase: normal use, and a process killed at every point of it."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import Note, NoteKind, Person
from jusou_desktop.store.database import Database
from jusou_desktop.store.errors import WrongPassphrase
from tests.conftest import PASSPHRASE

NEW_PASSPHRASE = "あたらしい合言葉 と 数字 7519"

STAGES = (
    "新しい鍵で書き出しています",
    "書き出したファイルを新しい鍵で確認しています",
    "元のファイルと入れ替えています",
    "完了しました",
)

CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from jusou_desktop.store.database import Database

    pause_at = os.environ.get("PAUSE_AT", "")

    def progress(stage):
        print(stage, flush=True)
        if stage == pause_at:
            time.sleep(60)

    db = Database.open(Path(sys.argv[1]), os.environ["OLD"])
    db.change_passphrase(os.environ["NEW"], progress=progress)
    db.close()
    print("exit", flush=True)
    """
)


def _fill(db: Database, notes: int) -> None:
    with db.transaction():
        case_id = db.cases.create(
            Person(name="架空 一郎", kana="カクウ イチロウ"), opened_on=dt.date(2024, 4, 1)
        )
        for i in range(notes):
            db.notes.add(
                Note(CaseId(case_id), dt.date(2024, 4, 2), NoteKind.VISIT, f"記録{i} " + "訪問した。" * 60)
            )


def _open_either(path: Path) -> tuple[str, int]:
    """Open with the old or the new passphrase (taking over the dead child's lock)."""
    for label, passphrase in (("old", PASSPHRASE), ("new", NEW_PASSPHRASE)):
        try:
            with Database.open(path, passphrase, take_over_lock=True) as db:
                assert db.check().healthy
                return label, db.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
        except WrongPassphrase:
            continue
    raise AssertionError("the file opens with neither passphrase")


def test_change_passphrase(db: Database, db_path: Path) -> None:
    _fill(db, 10)
    db.change_passphrase(NEW_PASSPHRASE)
    assert db.notes.search("記録3")  # the reopened connection works
    db.close()
    with pytest.raises(WrongPassphrase):
        Database.open(db_path, PASSPHRASE)
    with Database.open(db_path, NEW_PASSPHRASE) as reopened:
        assert reopened.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 10
    assert not db_path.with_name(db_path.name + ".rekey-tmp").exists()


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rekey") / "big.jusou"
    with Database.create(path, PASSPHRASE) as db:
        _fill(db, 6000)
    return path


def _run_child(db_file: Path, pause_at: str = "") -> subprocess.Popen[str]:
    env = dict(os.environ, OLD=PASSPHRASE, NEW=NEW_PASSPHRASE, PAUSE_AT=pause_at)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_file)], stdout=subprocess.PIPE, text=True, env=env
    )


@pytest.mark.slow
@pytest.mark.parametrize(("stage", "expected"), [(s, "new" if s == STAGES[-1] else "old") for s in STAGES])
def test_killed_at_each_stage(big_db: Path, tmp_path: Path, stage: str, expected: str) -> None:
    target = tmp_path / "victim.jusou"
    shutil.copyfile(big_db, target)
    child = _run_child(target, pause_at=stage)
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == stage:
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    label, notes = _open_either(target)
    assert (label, notes) == (expected, 6000)


@pytest.mark.slow
def test_killed_at_random_moments(big_db: Path, tmp_path: Path) -> None:
    """Kill the child at random moments during the export and the swap; never lose the file."""
    rng = random.Random(20241128)
    seen: set[str] = set()
    for attempt in range(6):
        target = tmp_path / f"victim{attempt}.jusou"
        shutil.copyfile(big_db, target)
        child = _run_child(target)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == STAGES[0]
        time.sleep(rng.uniform(0.0, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
        label, notes = _open_either(target)
        assert notes == 6000
        seen.add(label)
    assert "old" in seen  # at least one kill landed before the swap
