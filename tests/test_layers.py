"""The architecture as a test: the engine imports no I/O library, the layers import only downwards,
and no package has an import cycle (imports inside functions count). The contracts live in
pyproject.toml ([tool.importlinter]); docs/architecture.md describes the layers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IO_LIBRARIES = {"openpyxl", "xlsxwriter", "python_calamine", "yaml", "click", "rich", "xlwings", "smtplib",
                "duckdb"}


def test_import_linter_contracts_are_kept():
    code = ("import sys\n"
            "from importlinter.cli import lint_imports\n"
            f"sys.exit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, no_cache=True, no_logo=True))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("KEPT") >= 3, r.stdout  # forbidden (engine), layers, acyclic siblings


def test_importing_every_engine_module_loads_no_io_library():
    code = ("import importlib, pkgutil, sys, zhijian.engine\n"
            "for m in pkgutil.walk_packages(zhijian.engine.__path__, 'zhijian.engine.'):\n"
            "    importlib.import_module(m.name)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(IO_LIBRARIES)!r}))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


@pytest.mark.parametrize("package", ["engine", "files", "reports", "delivery", "excel", "cli", "pipeline"])
def test_every_layer_says_what_it_owns_and_may_import(package):
    import importlib

    doc = importlib.import_module(f"zhijian.{package}").__doc__ or ""
    assert "May import" in doc or "may import" in doc, f"zhijian.{package}.__init__ lacks its import rule"
