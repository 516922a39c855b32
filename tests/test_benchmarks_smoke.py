"""The benchmark runner works end to end (at the 'tiny' scale, a few seconds).

Speed itself is judged by the runner as ratios against floors measured in the same run; this
test only proves that every benchmark runs, reports a finite ratio, and that the run passes.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {
    *("a1", "a2", "a3", "b1", "b2", "c1", "c2", "d1", "d2", "d3", "d4", "d5", "e1", "e2", "e3"),
    *("x1", "x2", "x3", "x4"),  # Excel: case ledger export (openpyxl), 実績 figures
}


def test_tiny_benchmark_run_passes(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    # Millisecond ratios on a shared CI machine can catch a noisy moment: one retry is allowed,
    # a ceiling exceeded twice in a row is a real regression.
    for _attempt in range(2):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.run", "--scale", "tiny", "--json", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if result.returncode == 0:
            break
    assert result.returncode == 0, result.stdout + result.stderr
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["scale"] == "tiny"
    assert payload["ok"] is True
    rows = payload["results"]
    assert {r["key"] for r in rows} == EXPECTED
    for row in rows:
        assert math.isfinite(row["ratio"]), row
        assert row["ratio"] > 0, row
        assert math.isfinite(row["app_ms"]), row
        assert math.isfinite(row["floor_ms"]), row
        assert row["ok"] is True, row
    assert "| 項目 benchmark |" in result.stdout
    assert elapsed < 20, f"tiny benchmark run took {elapsed:.1f} s"


def test_runner_writes_only_into_its_temporary_folder(tmp_path: Path) -> None:
    """The run leaves nothing behind in the working directory (its files live in a tempdir)."""
    before = sorted(p.name for p in tmp_path.iterdir())
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--scale", "tiny", "--only", "open"],
        cwd=tmp_path,
        env=_env_with_root(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # 1 means a ratio over its ceiling (judged by the smoke test above, with a retry): this test
    # is about files, so a busy machine must not fail it.
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_optional_qt_benchmark_runs_offscreen(tmp_path: Path) -> None:
    """The lazy-model benchmark (the only one importing PySide6) runs on the offscreen platform."""
    out = tmp_path / "qt.json"
    env = _env_with_root()
    env["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--scale", "tiny", "--only", "qt", "--json", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert {r["key"] for r in rows} == {"q1", "q2", "q3"}
    assert all(math.isfinite(r["ratio"]) for r in rows)


def test_default_run_does_not_import_qt() -> None:
    """Without the 'qt' group the benchmarks never load PySide6."""
    code = (
        "import sys, benchmarks.run, benchmarks.suite, benchmarks.floors, benchmarks.data;"
        "print('PySide6' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def _env_with_root() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env
