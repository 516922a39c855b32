"""The ``jusou-desktop`` command end to end, in a subprocess as office IT would run it."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jusou_desktop.domain.model import Person
from jusou_desktop.store.database import Database
from tests.conftest import PASSPHRASE

NEW = "次の年度の合言葉 にじ 8642"


def run(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("JUSOU_") or k == "JUSOU_HOME"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "jusou_desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )


def test_help_is_japanese_and_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for word in ("init", "check", "passwd", "demo", "samples", "パスフレーズ", "JUSOU_PASSPHRASE"):
        assert word in result.stdout


def test_usage_error_exits_2_in_japanese() -> None:
    result = run("check")
    assert result.returncode == 2
    assert "使い方が正しくありません" in result.stderr


def test_init_check_passwd_cycle(tmp_path: Path) -> None:
    path = tmp_path / "町.jusou"
    created = run("init", str(path), "--town", "つむぎ町", env={"JUSOU_PASSPHRASE": PASSPHRASE})
    assert created.returncode == 0, created.stderr
    assert "作成しました" in created.stdout
    assert not path.read_bytes().startswith(b"SQLite format 3")

    checked = run("check", str(path), env={"JUSOU_PASSPHRASE": PASSPHRASE})
    assert checked.returncode == 0, checked.stderr
    assert "正常です" in checked.stdout

    changed = run("passwd", str(path), env={"JUSOU_PASSPHRASE": PASSPHRASE, "JUSOU_NEW_PASSPHRASE": NEW})
    assert changed.returncode == 0, changed.stderr
    assert run("check", str(path), env={"JUSOU_PASSPHRASE": NEW}).returncode == 0
    assert run("check", str(path), env={"JUSOU_PASSPHRASE": PASSPHRASE}).returncode == 1


def test_init_reads_the_passphrase_twice_from_standard_input(tmp_path: Path) -> None:
    path = tmp_path / "stdin.jusou"
    mismatch = run("init", str(path), stdin=f"{PASSPHRASE}\nsomething else entirely\n")
    assert mismatch.returncode == 1
    assert "一致しません" in mismatch.stderr
    assert not path.exists()
    ok = run("init", str(path), stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n")
    assert ok.returncode == 0, ok.stderr
    Database.open(path, PASSPHRASE).close()


def test_init_refuses_a_weak_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "weak.jusou"
    result = run("init", str(path), env={"JUSOU_PASSPHRASE": "short"})
    assert result.returncode == 1
    assert "10文字以上" in result.stderr
    assert not path.exists()


def test_wrong_passphrase_exit_1_and_file_unchanged(db_path: Path) -> None:
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    result = run("check", str(db_path), env={"JUSOU_PASSPHRASE": "まちがいのパスフレーズ"})
    assert result.returncode == 1
    assert "パスフレーズが正しくありません" in result.stderr
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


def test_missing_file_message(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "ない.jusou"), env={"JUSOU_PASSPHRASE": PASSPHRASE})
    assert result.returncode == 1
    assert "見つかりません" in result.stderr


def test_locked_file_message(db: Database, db_path: Path) -> None:
    result = run("check", str(db_path), env={"JUSOU_PASSPHRASE": PASSPHRASE})
    assert result.returncode == 1
    assert "別の端末で使用中です" in result.stderr


def test_demo_with_generated_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "demo.jusou"
    result = run("demo", str(path))
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("パスフレーズ: "))
    passphrase = line.removeprefix("パスフレーズ: ")
    with Database.open(path, passphrase) as db:
        assert db.cases.count() >= 40


def test_demo_with_passphrase_from_environment(tmp_path: Path) -> None:
    path = tmp_path / "demo.jusou"
    result = run("demo", str(path), env={"JUSOU_PASSPHRASE": PASSPHRASE})
    assert result.returncode == 0, result.stderr
    assert "パスフレーズ: " not in result.stdout
    with Database.open(path, PASSPHRASE) as db:
        assert db.cases.count() >= 40


def test_demo_refuses_an_existing_file(db_path: Path) -> None:
    result = run("demo", str(db_path), env={"JUSOU_PASSPHRASE": PASSPHRASE})
    assert result.returncode == 1
    assert "すでにあります" in result.stderr


@pytest.mark.slow
def test_samples_writes_a_summary_and_the_sheets(tmp_path: Path) -> None:
    out = tmp_path / "見本"
    result = run("samples", str(out))
    assert result.returncode == 0, result.stderr
    index = out / "見本一覧.txt"
    assert index.exists()
    text = index.read_text(encoding="utf-8")
    assert "架空" in text
    assert "ケースの状態別件数" in text
    assert not list(out.glob("*.jusou")), "the scratch demo database must not be left in OUTDIR"
    filled = list(out.glob("見本_記入済み_*.pdf"))
    assert len(filled) == 1
    pages = subprocess.run(
        ["pdftotext", str(filled[0]), "-"], capture_output=True, text=True, check=True
    ).stdout
    for part in ("つむぎあいシート A票", "つむぎあいシート B票", "つむぎあいシート C票", "取扱注意"):
        assert part in pages
    attendees = out / "見本_出席者名簿（守秘義務の確認欄つき）.pdf"
    listed = subprocess.run(
        ["pdftotext", str(attendees), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "守秘義務の確認" in listed
    assert (out / "見本_会議の案内.pdf").exists()
    assert (out / "見本_支援共有・行動連携計画シート.pdf").exists()
    for name in (
        "見本_支援プラン.pdf",
        "見本_プラン兼事業等利用申込書.pdf",
        "見本_支援プラン_変更点の比較.pdf",
        "見本_評価シート.pdf",
        "見本_ケース台帳.xlsx",
        "見本_地域資源一覧.xlsx",
    ):
        assert (out / name).exists(), name
    blanks = list(out.glob("見本_記入用_*.pdf"))
    assert len(blanks) == 6  # every shipped template, answer sheet included
    for pdf in [*filled, *blanks]:
        assert pdf.name in text


def test_unexpected_error_is_an_apology_with_a_scrubbed_log(tmp_path: Path) -> None:
    """A bug shows no traceback and logs no personal data (only types and code locations)."""
    home = tmp_path / "home"
    code = (
        "import sys\n"
        "from jusou_desktop import cli\n"
        "def boom(args):\n"
        "    raise ValueError('山田花子 090-0000-0000')\n"
        "cli.cmd_check = boom\n"
        "sys.exit(cli.main(['check', 'x.jusou']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "JUSOU_HOME": str(home)},
        check=False,
    )
    assert result.returncode == 70
    assert "予期しないエラー" in result.stderr
    assert "山田花子" not in result.stderr
    logs = list((home / "logs").glob("crash-*.log"))
    assert len(logs) == 1
    log = logs[0].read_text(encoding="utf-8")
    assert "ValueError" in log
    assert "山田花子" not in log
    assert "090" not in log


def _ledger(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ケース番号", "氏名", "フリガナ", "生年月日", "受付日", "相談経路"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_import_ledger_dry_run_then_for_real(db_path: Path, tmp_path: Path) -> None:
    good = _ledger(
        tmp_path / "台帳.xlsx",
        [["2023-0007", "取込 一郎", "トリコミ イチロウ", "昭和30年4月1日", "令和5年6月1日", "本人から"]],
    )
    env = {"JUSOU_PASSPHRASE": PASSPHRASE}
    rehearsal = run("import", "ledger", str(good), str(db_path), "--dry-run", env=env)
    assert rehearsal.returncode == 0, rehearsal.stderr
    with Database.open(db_path, PASSPHRASE) as db:
        assert db.cases.count() == 0  # a rehearsal changes nothing
    done = run("import", "ledger", str(good), str(db_path), env=env)
    assert done.returncode == 0, done.stderr
    with Database.open(db_path, PASSPHRASE) as db:
        assert [r.number for r in db.cases.rows()] == ["2023-0007"]
    bad = _ledger(tmp_path / "誤り.xlsx", [["", "誤り 次郎", "", "", "令和6年13月1日", ""]])
    refused = run("import", "ledger", str(bad), str(db_path), env=env)
    assert refused.returncode == 1
    assert "取り込めません" in refused.stderr
    assert "日付として読めません" in refused.stdout
    with Database.open(db_path, PASSPHRASE) as db:
        assert db.cases.count() == 1


def test_export_jisseki_for_a_fiscal_year(db_path: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with Database.open(db_path, PASSPHRASE) as db:
        db.cases.create(Person(name="架空 一"), opened_on=dt.date(2024, 4, 1))
        db.cases.create(Person(name="架空 二"), opened_on=dt.date(2025, 4, 1))  # next 年度
    out = tmp_path / "実績.xlsx"
    result = run(
        "export",
        "jisseki",
        str(db_path),
        "--year",
        "2024",
        "--out",
        str(out),
        env={"JUSOU_PASSPHRASE": PASSPHRASE},
    )
    assert result.returncode == 0, result.stderr
    assert "令和6年度" in result.stdout
    book = load_workbook(out)
    values = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert "架空 一" not in values  # no personal data
    bad = run(
        "export",
        "jisseki",
        str(db_path),
        "--year",
        "6",
        "--out",
        str(out),
        env={"JUSOU_PASSPHRASE": PASSPHRASE},
    )
    assert bad.returncode == 1
    assert "2024" in bad.stderr
