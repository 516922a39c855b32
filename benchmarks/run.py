"""Run the benchmarks: ``python -m benchmarks.run [--scale tiny|small|city] [--json OUT]``.

Prints a table (項目, app ms, floor ms, ratio, ceiling, 判定) and exits 1 if any judged
ratio is above its ceiling.  Every file is made in a temporary folder that is removed at the
end; nothing is fetched from the network.  See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks import suite
from benchmarks.core import table


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="アプリの処理を同じ実行で測った素の SQLite/SQLCipher との比で確かめます。",
    )
    parser.add_argument("--scale", choices=sorted(suite.SCALES), default="small")
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    parser.add_argument(
        "--only",
        default=",".join(suite.GROUPS),
        help=(
            f"comma-separated groups to run (default: {','.join(suite.GROUPS)};"
            f" also available: {','.join(suite.OPTIONAL_GROUPS)}, which imports PySide6)"
        ),
    )
    args = parser.parse_args(argv)
    args.groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = sorted(set(args.groups) - {*suite.GROUPS, *suite.OPTIONAL_GROUPS})
    if unknown:
        parser.error(f"unknown group(s): {', '.join(unknown)}")
    return args


def run(scale: suite.Scale, groups: Sequence[str], *, quiet: bool = False) -> suite.Report:
    """Run the chosen groups in a temporary folder that is removed afterwards."""
    report = suite.Report(say=(lambda _text: None) if quiet else lambda text: print(text, flush=True))
    with tempfile.TemporaryDirectory(prefix="jusou-bench-") as tmp:
        workdir = Path(tmp)
        # The store writes nothing to the app's home folder, but make sure of it.
        previous_home = os.environ.get("JUSOU_HOME")
        os.environ["JUSOU_HOME"] = str(workdir / "home")
        try:
            _run_groups(scale, groups, workdir, report)
        finally:
            if previous_home is None:
                os.environ.pop("JUSOU_HOME", None)
            else:
                os.environ["JUSOU_HOME"] = previous_home
    return report


def _run_groups(scale: suite.Scale, groups: Sequence[str], workdir: Path, report: suite.Report) -> None:
    started = time.perf_counter()
    if "insert" in groups:
        report.say(f"[a] bulk insert of {scale.insert_cases:,} cases …")
        suite.bench_insert(scale, workdir, report)
    if set(groups) & {"list", "count", "search", "open", "x", "qt"}:
        report.say(f"data set: {scale.cases:,} cases, {scale.notes:,} notes …")
        ds = suite.build_dataset(scale, workdir, report)
        try:
            if "list" in groups:
                report.say("[b] case list first page …")
                suite.bench_case_list(ds, scale, report)
            if "count" in groups:
                report.say("[c] counts …")
                suite.bench_counts(ds, scale, report)
            if "search" in groups:
                report.say("[d] note search …")
                suite.bench_search(ds, scale, report)
            if "open" in groups:
                report.say("[e] opening …")
                suite.bench_open(ds, scale, workdir, report)
            if "x" in groups:
                report.say("[x] Excel: case ledger export, 実績 figures …")
                from benchmarks import excel  # openpyxl and msoffcrypto, only for this group

                excel.bench_excel(ds, scale, workdir, report)
            if "qt" in groups:
                report.say("[q] lazy case model and view (Qt, offscreen) …")
                from benchmarks import qt_model  # the only import of PySide6, on request

                qt_model.bench_qt(ds, scale, report)
        finally:
            ds.close()
    report.facts["total_s"] = round(time.perf_counter() - started, 1)


def machine() -> dict[str, object]:
    return {
        "date": dt.date.today().isoformat(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    scale = suite.SCALES[args.scale]
    report = run(scale, args.groups)
    print()
    print(table(report.results))
    print()
    print("facts: " + ", ".join(f"{k}={v}" for k, v in report.facts.items()))
    failed = [r.key for r in report.results if not r.ok]
    if args.json:
        payload = {
            "scale": scale.name,
            "machine": machine(),
            "results": [r.as_dict() for r in report.results],
            "facts": report.facts,
            "ok": not failed,
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    if failed:
        print(f"NG: 上限を超えた項目 / over the ceiling: {', '.join(failed)}")
        return 1
    print("OK: すべての比が上限以内です / every ratio is within its ceiling")
    return 0


if __name__ == "__main__":
    sys.exit(main())
