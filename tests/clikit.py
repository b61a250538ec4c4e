"""What the CLI tests share: a command run in-process, never with a traceback, and the titled
评分表 (a title row above LISTENING_HEADER) most of their cases build."""

from __future__ import annotations

from click.testing import CliRunner

from sheetkit import LISTENING_HEADER, SheetSpec, write_xlsx
from zhijian.cli.main import cli

TITLE = ["质检监听评分表 2026年10月"]


def run(*args):
    """`zhijian ARGS…` (each argument as text), whatever its exit code never an exception that
    escaped the command's error handling, nor a traceback in its output."""
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output, r.output
    return r


def titled_sheet(path, *rows, title=TITLE):
    """A one-sheet 评分表 at `path`: the title row, the listening-10x4 header, `rows`."""
    return write_xlsx(path, [SheetSpec("评分表", [title, LISTENING_HEADER, *rows])])
