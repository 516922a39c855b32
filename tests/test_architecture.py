"""The dependency direction (GUI → reports → store → domain) is a machine-checked fact."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_heavy_libraries_are_imported_lazily_outside_their_layers() -> None:
    """openpyxl and reportlab cost ~0.23 s each at start-up: only report writers import them."""
    package = ROOT / "jusou_desktop"
    for source in package.rglob("*.py"):
        if "reports" in source.relative_to(package).parts:
            continue
        for module in _imported_modules(source):
            top = module.split(".")[0]
            assert top not in {"openpyxl", "reportlab"}, f"{source} imports {module}"


def test_start_up_imports_stay_light() -> None:
    code = (
        "import sys, jusou_desktop.cli;"
        "print(','.join(m for m in ('openpyxl','reportlab','PySide6') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
