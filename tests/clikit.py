"""What the CLI tests share: a command run in-process, never with a traceback; a report's row
account from its --json; the titled 评分表 (a title row above LISTENING_HEADER) most of their cases
build; a folder of four October calls; a folder nobody may write into."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.cli.main import cli

TITLE = ["质检监听评分表 2026年10月"]


def run(*args):
    """`zhijian ARGS…` (each argument as text), whatever its exit code never an exception that
    escaped the command's error handling, nor a traceback in its output."""
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output, r.output
    return r


def account(data: dict) -> tuple:
    """A report's --json row account: (rows read, counted, excluded, outside the period,
    duplicates, calibration copies, whether they add up)."""
    acc = data["accounting"]
    return (acc["rows_read"], acc["counted"], acc["excluded"], acc["outside_period"], acc["duplicates"],
            acc["calibration_copies"], acc["holds"])


def titled_sheet(path, *rows, title=TITLE):
    """A one-sheet 评分表 at `path`: the title row, the listening-10x4 header, `rows`."""
    return write_xlsx(path, [SheetSpec("评分表", [title, LISTENING_HEADER, *rows])])


def four_calls(folder: Path) -> Path:
    """`folder`/good.xlsx, 李娜's October: R1 A001 100 and R2 A002 98 on the 12th, R3 A099 100 and
    R4 A003 80 on the 13th (A099 is on no roster of these tests)."""
    d12, d13 = dt.date(2026, 10, 12), dt.date(2026, 10, 13)
    folder.mkdir(parents=True, exist_ok=True)
    titled_sheet(folder / "good.xlsx",
                 listening_row(d12, "李娜", "A001", "张三", "R1", [5] * 10, total=100),
                 listening_row(d12, "李娜", "A002", "李四", "R2", [5] * 9 + [4], total=98),
                 listening_row(d13, "李娜", "A099", "王五", "R3", [5] * 10, total=100),
                 listening_row(d13, "李娜", "A003", "赵六", "R4", [4] * 10, total=80))
    return folder


@contextlib.contextmanager
def locked(path: Path):
    """`path` (a file, or a folder with its files) that nobody may write while the block runs:
    immutable (chattr +i) when the tests run as root, whom permissions do not stop; else without
    write permission."""
    mode = path.stat().st_mode
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not available")
        try:
            yield path
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield path
        finally:
            path.chmod(mode)


@contextlib.contextmanager
def unwritable(folder: Path):
    """`folder` (made here) that nobody may write into while the block runs (`locked`)."""
    folder.mkdir()
    with locked(folder):
        yield folder
