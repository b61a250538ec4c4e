"""Inputs that cannot be read, as a user meets them in `history import`, `appeals check` and
`audit` (the three cases tests/cli/test_cli_matrix.py once kept as expected failures): every
unreadable input is named with its reason; nothing readable is refused (exit 2, nothing written);
some readable among unreadable ones are used and the others listed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.cli.main import cli

R = "listening-10x4"


def run(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output, r.output
    return r


@pytest.fixture()
def files(tmp_path):
    """A good 评分表 of 3 calls, a text file named .xlsx and a name that does not exist."""
    rows = [listening_row(dt.date(2026, 10, 14), "王丽", "A1", "坐席A1", f"R{k}", [5] * 10) for k in range(3)]
    good = write_xlsx(tmp_path / "2026-10-14_王丽.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    text = tmp_path / "坏的.xlsx"
    text.write_text("这不是工作簿\n", encoding="utf-8")
    return good, text, tmp_path / "没有这个.xlsx"


# --- history import ---------------------------------------------------------------------------------

def test_import_of_nothing_readable_names_each_input_and_leaves_the_store_alone(files, tmp_path):
    good, text, missing = files
    store = tmp_path / "z.duckdb"
    assert run("history", "import", good, "--rubric", R, "--store", store).exit_code == 0
    before = store.read_bytes()
    r = run("history", "import", text, missing, "--rubric", R, "--store", store, "--json")
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert doc["exit_code"] == 2
    assert doc["error"].splitlines() == ["没有可以读取的评分表,未导入,历史库未改动:",
                                         f"{text}: 文件已损坏或不是 Excel 工作簿,无法打开",
                                         f"{missing}: 文件不存在"]
    assert store.read_bytes() == before


def test_import_of_nothing_readable_creates_no_store(files, tmp_path):
    _, text, _ = files
    store = tmp_path / "new.duckdb"
    r = run("history", "import", text, "--rubric", R, "--store", store)
    assert r.exit_code == 2 and str(text) in r.stderr
    assert not store.exists()


def test_import_with_some_unreadable_imports_the_others_and_lists_them(files, tmp_path):
    # As consolidate reports with an unreadable input among readable ones: the work is done,
    # exit 0, and each input that could not be read is listed with its reason.
    good, text, missing = files
    store = tmp_path / "z.duckdb"
    r = run("history", "import", good, text, missing, "--rubric", R, "--store", store, "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["counts"] == {"新增": 1, "无法读取": 2} and d["calls_written"] == 3
    notes = {f["path"]: f["note"] for f in d["files"] if f["status"] == "无法读取"}
    assert notes == {str(text.resolve()): "无法读取(文件已损坏或不是 Excel 工作簿,无法打开),未导入",
                     str(missing.resolve()): "无法读取(文件不存在),未导入"}
    r = run("history", "import", good, text, "--rubric", R, "--store", store)
    assert r.exit_code == 0
    assert f"{text.resolve()}: 无法读取(文件已损坏或不是 Excel 工作簿,无法打开),未导入" in r.stdout
