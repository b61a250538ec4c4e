"""The history store while another zhijian command holds it (issue 18 attacked again), with two
real processes on a real DuckDB file: a second command used to fail at once ("正被另一个程序使用"),
even `consolidate`, which then wrote no report. The store now waits a bounded time for the other
command, as the read cache does, and only then says so (exit 2, one Chinese line, no traceback)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.cli.main import cli
from zhijian.files import store as store_module

HOLD = """\
import sys, time
from pathlib import Path
from zhijian.files.store import Store
s = Store(sys.argv[1])
Path(sys.argv[2]).write_text("held")
time.sleep(float(sys.argv[3]))
s.close()
"""


@pytest.fixture()
def holder(tmp_path):
    """Start a process holding the store read-write for `seconds`; wait until it holds it."""
    procs = []

    def start(store, seconds: float):
        flag = tmp_path / f"held-{len(procs)}"
        p = subprocess.Popen([sys.executable, "-c", HOLD, str(store), str(flag), str(seconds)])
        procs.append(p)
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert p.poll() is None and time.monotonic() < deadline, "the holding process did not start"
            time.sleep(0.05)
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()


def sheet(tmp_path):
    rows = [listening_row(dt.date(2026, 10, 5), "王丽", "A1", "坐席A1", f"R{k}", [4] * 10) for k in range(3)]
    return write_xlsx(tmp_path / "2026-10-05_王丽.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])


def test_consolidate_waits_for_the_other_command_and_writes_its_report(tmp_path, holder):
    store = tmp_path / "z.duckdb"
    p = holder(store, 2.0)  # another command holds the store for 2 s
    out = tmp_path / "分析表.xlsx"
    started = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "zhijian.cli.main", "consolidate", str(sheet(tmp_path)),
                        "--rubric", "listening-10x4", "--store", str(store), "-o", str(out), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert "Traceback" not in r.stderr + r.stdout
    assert r.returncode == 0, r.stdout + r.stderr
    assert p.poll() is not None  # it waited until the other one let go
    assert out.is_file() and json.loads(r.stdout)["n"] == 3
    assert time.monotonic() - started < 60
    status = CliRunner().invoke(cli, ["history", "status", "--store", str(store), "--json"])
    assert json.loads(status.output)["rows"] == 3  # and recorded what it read


def test_a_store_held_too_long_is_one_clear_message_after_the_wait(tmp_path, holder, monkeypatch):
    store = tmp_path / "z.duckdb"
    holder(store, 120)
    monkeypatch.setattr(store_module, "BUSY_SECONDS", 1.0)
    started = time.monotonic()
    r = CliRunner().invoke(cli, ["history", "status", "--store", str(store), "--json"])
    waited = time.monotonic() - started
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert json.loads(r.output[r.output.index("{"):])["error"] == f"历史库 {store} 正被另一个程序使用(已等待 1 秒),请稍后再试"
    assert 1.0 <= waited < 30
