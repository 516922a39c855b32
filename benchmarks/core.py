"""Timing, ceilings and the result table.

Every result is a pair measured in the same process, on the same data, interleaved
(app, floor, floor, app, …) so that a machine that slows down during the run slows both
sides alike.  Only the ratio app/floor is judged; absolute times are reported, never asserted.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

Timed = Callable[[], float]
"""One repetition; returns the seconds of the part being measured (setup is not counted)."""


@dataclass(frozen=True, slots=True)
class Ceiling:
    """Pass when ``app <= ratio * floor + slack_ms``.

    ``slack_ms`` only absorbs noise that does not grow with the work (a context switch on a
    loaded CI machine, a commit's fsyncs on a busy disk); it is never large enough to hide a
    change in the work done.
    """

    ratio: float
    slack_ms: float = 0.0

    def allows(self, app_ms: float, floor_ms: float) -> bool:
        return app_ms <= self.ratio * floor_ms + self.slack_ms

    def describe(self) -> str:
        text = f"≤{self.ratio:g}×"
        return text + (f" +{self.slack_ms:g}ms" if self.slack_ms else "")


@dataclass(frozen=True, slots=True)
class Result:
    key: str
    name: str
    """Japanese / English name of what is compared."""
    app_ms: float
    floor_ms: float
    ceiling: Ceiling | None
    """None: reported for reference (参考), not judged."""
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.app_ms / max(self.floor_ms, 1e-9)

    @property
    def ok(self) -> bool:
        if not (math.isfinite(self.app_ms) and math.isfinite(self.floor_ms)):
            return False
        return self.ceiling is None or self.ceiling.allows(self.app_ms, self.floor_ms)

    @property
    def verdict(self) -> str:
        if self.ceiling is None:
            return "参考 info"
        return "OK" if self.ok else "NG"

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "name": self.name,
            "app_ms": self.app_ms,
            "floor_ms": self.floor_ms,
            "ratio": self.ratio,
            "ceiling_ratio": self.ceiling.ratio if self.ceiling else None,
            "ceiling_slack_ms": self.ceiling.slack_ms if self.ceiling else None,
            "judged": self.ceiling is not None,
            "ok": self.ok,
            "note": self.note,
        }


def clock(action: Callable[[], object]) -> Timed:
    """Time ``action`` as a whole."""

    def run() -> float:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start

    return run


def interleaved(timers: list[Timed], reps: int, *, warmup: bool = True) -> list[float]:
    """Median milliseconds of each timer; the timers take turns, and who goes first rotates."""
    if warmup:
        for timer in timers:
            timer()
    samples: list[list[float]] = [[] for _ in timers]
    for i in range(reps):
        for j in range(len(timers)):
            k = (i + j) % len(timers)
            gc.collect()
            samples[k].append(timers[k]())
    return [statistics.median(s) * 1000 for s in samples]


def paired(app: Timed, floor: Timed, reps: int, *, warmup: bool = True) -> tuple[float, float]:
    """Median milliseconds of ``app`` and ``floor`` measured in turns."""
    app_ms, floor_ms = interleaved([app, floor], reps, warmup=warmup)
    return app_ms, floor_ms


def _ms(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _ratio(value: float) -> str:
    return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"


def table(results: list[Result]) -> str:
    """A Markdown table (it pastes into benchmarks/README.md as it is)."""
    lines = [
        "| 項目 benchmark | アプリ app ms | 下限 floor ms | 比 ratio | 上限 ceiling | 判定 |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        ceiling = r.ceiling.describe() if r.ceiling else "—"
        lines.append(
            f"| {r.key} {r.name} | {_ms(r.app_ms)} | {_ms(r.floor_ms)} | {_ratio(r.ratio)} | {ceiling} | {r.verdict} |"
        )
    return "\n".join(lines)
