"""A hidden sheet in a 评分表 workbook (a draft, last month's copy, a sheet someone hid) is read
and counted like a visible one — and said, as a `sheet.hidden` warning, on the console, in --json
and in the 服务质量分析表's 排除与重复 sheet, so the lead sees why the count holds its rows."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from clikit import run
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx

D = dt.date(2026, 11, 2)


def workbook(tmp_path, state: str):
    path = write_xlsx(tmp_path / "评分_11-02.xlsx", [
        SheetSpec("评分表", [LISTENING_HEADER,
                            # 2 × 50 = 100 and 2 × 49 = 98
                            listening_row(D, "李娜", 1001, "王芳", "LY001", [5] * 10, total=100),
                            listening_row(D, "李娜", 1002, "赵磊", "LY002", [5] * 9 + [4], total=98)]),
        SheetSpec("旧表", [LISTENING_HEADER,
                          # 2 × 40 = 80
                          listening_row(D, "李娜", 1003, "孙丽", "LY003", [4] * 10, total=80)]),
    ])
    wb = openpyxl.load_workbook(path)
    wb["旧表"].sheet_state = state
    wb.save(path)
    return path


def test_a_hidden_sheet_is_counted_and_said(tmp_path):
    path = workbook(tmp_path, "hidden")
    out = tmp_path / "分析.xlsx"
    data = json.loads(run("consolidate", path, "--rubric", "listening-10x4", "-o", out, "--json").output)
    # 3 read = 3 counted: the hidden sheet's call is in; the mean is (100 + 98 + 80) / 3 = 92.67
    assert data["accounting"]["rows_read"] == 3 and data["n"] == 3
    assert round(data["mean_score"], 2) == 92.67
    texts = [str(c.value) for row in openpyxl.load_workbook(out)["排除与重复"].iter_rows() for c in row if c.value]
    assert any("工作表“旧表”是隐藏的,其中 1 行照常读取并计入统计" in t for t in texts)
    data = json.loads(run("validate", path, "--rubric", "listening-10x4", "--json").output)
    hidden = [f for f in data["findings"] if f["rule"] == "sheet.hidden"]
    assert [(f["sheet"], f["severity"]) for f in hidden] == [("旧表", "warning")]
    r = run("validate", path, "--rubric", "listening-10x4")
    assert "旧表" in r.output and "隐藏" in r.output


def test_a_very_hidden_sheet_too_and_a_visible_one_says_nothing(tmp_path):
    data = json.loads(run("validate", workbook(tmp_path, "veryHidden"), "--rubric", "listening-10x4",
                          "--json").output)
    assert [f["sheet"] for f in data["findings"] if f["rule"] == "sheet.hidden"] == ["旧表"]
    (tmp_path / "评分_11-02.xlsx").unlink()
    data = json.loads(run("validate", workbook(tmp_path, "visible"), "--rubric", "listening-10x4",
                          "--json").output)
    assert data["findings"] == []


def test_the_ribbons_validate_says_it_too(tmp_path):
    """The 校验 button reads the open workbook through its port: the hidden sheet's call is read
    (3 calls, no error) and the warning names the sheet, as the CLI's does."""
    from zhijian.excel import ribbon
    from zhijian.excel.port import OpenpyxlPort

    for state in ("hidden", "veryHidden"):
        folder = tmp_path / state
        folder.mkdir()
        port = OpenpyxlPort(workbook(folder, state), save_to=folder / "copy.xlsx")
        assert port.sheet_hidden("旧表") and not port.sheet_hidden("评分表")
        result = ribbon.validate_on_port(port)
        hidden = [f for f in result.details["findings"] if str(f.rule) == "sheet.hidden"]
        assert [(f.sheet, str(f.severity)) for f in hidden] == [("旧表", "warning")]
        assert (result.errors, result.warnings) == (0, 1)
