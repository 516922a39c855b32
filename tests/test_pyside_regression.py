"""PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to None on every void Qt call and
aborts within 200,000 calls (none_dealloc).  pyproject.toml pins <6.12 there; this test makes
300,000 void calls in a subprocess so a bad pin or upgrade fails here, not in an office."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CALLS = 300_000

SCRIPT = f"""
import sys
from PySide6.QtCore import QObject, QTimer
obj = QObject()
timer = QTimer()
for i in range({CALLS} // 2):
    obj.setObjectName("x")   # void
    timer.stop()             # void
print("survived", {CALLS})
"""


@pytest.mark.slow
def test_many_void_qt_calls_do_not_abort() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    assert f"survived {CALLS}" in result.stdout
