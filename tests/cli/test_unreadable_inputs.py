"""Inputs that cannot be read, as a user meets them in `history import`, `appeals check` and
`audit` (the three cases tests/cli/test_cli_matrix.py once kept as expected failures): every
unreadable input is named with its reason; nothing readable is refused (exit 2, nothing written);
some readable among unreadable ones are used and the others listed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from clikit import run
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.cli.main import cli

R = "listening-10x4"


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


# --- appeals check ----------------------------------------------------------------------------------

@pytest.fixture()
def register(tmp_path):
    """Two decided appeals: R1 (in the good sheet, 维持原判) and R9 (in no sheet that can be read)."""
    import openpyxl

    reg = tmp_path / "申诉登记表.xlsx"
    assert run("appeals", "template", "--rubric", R, "-o", reg).exit_code == 0
    wb = openpyxl.load_workbook(reg)
    ws = wb.worksheets[0]
    header = next(r for r in ws.iter_rows(values_only=True) if r and "录音编号" in r)
    col = {h: i for i, h in enumerate(header)}
    for rid in ("R1", "R9"):
        row = [None] * len(header)
        for k, v in {"录音编号": rid, "坐席工号": "A1", "申诉时间": dt.datetime(2026, 10, 15, 9),
                     "复核结果": "维持原判", "复核人": "赵班长", "决定时间": dt.datetime(2026, 10, 15, 15)}.items():
            row[col[k]] = v
        ws.append(row)
    wb.save(reg)
    return reg


def test_appeals_check_with_no_sheet_readable_is_refused_naming_each(files, register):
    _, text, missing = files
    r = run("appeals", "check", register, text, missing, "--rubric", R, "--json")
    assert r.exit_code == 2
    assert json.loads(r.stdout) == {"error": f"没有可以读取的评分表,无法核对申诉:\n{text}: 文件已损坏或不是 Excel "
                                             f"工作簿,无法打开\n{missing}: 文件不存在", "exit_code": 2}


def test_an_appeal_not_found_while_a_sheet_is_unreadable_is_not_declared_unknown(files, register):
    # Before: the unreadable sheet was never named and R9 came out 无效 (评分表中没有这条录音),
    # though it may be in the sheet that could not be read.
    good, text, _ = files
    r = run("appeals", "check", register, good, text, "--rubric", R, "--json")
    assert r.exit_code == 1, r.output  # R9 cannot be applied: an error of the register
    d = json.loads(r.stdout)
    assert d["unreadable_inputs"] == [{"file": str(text), "sheet": "",
                                       "message": "文件已损坏或不是 Excel 工作簿,无法打开"}]
    got = {a["recording_id"]: (a["status"], a["note"]) for a in d["appeals"]}
    assert got == {"R1": ("维持原判", ""),
                   "R9": ("无法核对", "能读取的评分表中没有这条录音;“坏的.xlsx”无法读取,录音可能在其中")}
    assert [f["message"] for f in d["findings"]] == [
        "申诉的录音“R9”不在能读取的评分表中;“坏的.xlsx”无法读取,录音可能在其中,无法核对"]
    r = run("appeals", "check", register, good, text, "--rubric", R)
    assert f"未能读取: {text}: 文件已损坏或不是 Excel 工作簿,无法打开" in r.stdout


def test_with_every_sheet_read_an_unknown_recording_is_still_invalid(files, register):
    good, _, _ = files
    d = json.loads(run("appeals", "check", register, good, "--rubric", R, "--json").stdout)
    assert d["unreadable_inputs"] == []
    assert [(a["recording_id"], a["status"], a["note"]) for a in d["appeals"]][1] == ("R9", "无效", "评分表中没有这条录音")


# --- audit --------------------------------------------------------------------------------------------

def test_audit_over_inputs_holding_no_workbook_names_every_input(files, tmp_path):
    # Before: "没有找到可读取的评分表文件: " and nothing after it (the recomputing job was given the
    # empty list the folder expanded to, not the folder).
    good, _, _ = files
    report = tmp_path / "分析表.xlsx"
    assert run("consolidate", good, "--rubric", R, "--period", "day", "-o", report).exit_code == 0
    empty = tmp_path / "空 文件夹"
    empty.mkdir()
    reports = tmp_path / "报表"
    reports.mkdir()
    (reports / report.name).write_bytes(report.read_bytes())
    r = run("audit", report, empty, reports, tmp_path / "x*.xlsx", "--json")
    assert r.exit_code == 2
    assert json.loads(r.stdout)["error"].splitlines() == [
        f"没有找到可读取的评分表文件: “{empty}”、“{reports}”、“{tmp_path / 'x*.xlsx'}”",
        f"跳过 zhijian 生成的报表 {reports / report.name}(不是评分表)"]
