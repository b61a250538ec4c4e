"""The 申诉登记表 as leads really keep it: empty at the start of a month, and its 说明 sheet beside it.

The sheet (listening-10x4, 李娜): R1 A001 2026-10-12 all 5 → 100; R2 A002 2026-10-12 业务能力 4 → 98.
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from clikit import run
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx

D12 = dt.date(2026, 10, 12)


@pytest.fixture
def sheets(tmp_path):
    d = tmp_path / "sheets"
    d.mkdir()
    write_xlsx(d / "day.xlsx", [SheetSpec("评分表", [
        LISTENING_HEADER,
        listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 10, total=100),
        listening_row(D12, "李娜", "A002", "李四", "R2", [5] * 9 + [4], total=98)])])
    return d


def append_appeal(ws, values: dict) -> dict[str, int]:
    """One appeal row under the register's header ({header text: value}); the header's columns
    (0-based), for a test that looks at a cell of it."""
    header = next(r for r in ws.iter_rows(values_only=True) if r and "录音编号" in r)
    col = {h: i for i, h in enumerate(header)}
    row = [None] * len(header)
    for k, v in values.items():
        row[col[k]] = v
    ws.append(row)
    return col


def test_an_empty_register_from_the_template_is_no_unreadable_input(sheets, tmp_path):
    # Before: the template's 说明 sheet was taken for the register, "找不到申诉登记表的表头" an error
    # (exit 1) and the register listed among the inputs that could not be read.
    reg = tmp_path / "申诉登记表.xlsx"
    assert run("appeals", "template", "--rubric", "listening-10x4", "-o", reg).exit_code == 0
    r = run("appeals", "check", reg, sheets, "--rubric", "listening-10x4", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"appeals": [], "findings": [], "unreadable_inputs": []}
    out = tmp_path / "a.xlsx"
    r = run("consolidate", sheets, "--rubric", "listening-10x4", "--appeals", reg, "-o", out, "--json")
    data = json.loads(r.stdout)
    assert r.exit_code == 0 and data["accounting"]["unreadable_inputs"] == []
    assert data["n"] == 2 and data["mean_score"] == pytest.approx(99.0)  # (100 + 98) / 2
    texts = [c for row in openpyxl.load_workbook(out)["排除与重复"].iter_rows(values_only=True) for c in row if c]
    assert "未能读取的输入(共 0 个)" in texts


def test_a_corrected_score_outside_the_item_is_named_as_typed(sheets, tmp_path):
    reg = tmp_path / "申诉登记表.xlsx"
    run("appeals", "template", "--rubric", "listening-10x4", "-o", reg)
    wb = openpyxl.load_workbook(reg)
    ws = wb.worksheets[0]
    col = append_appeal(ws, {"录音编号": "R2", "坐席工号": "A002", "申诉时间": dt.datetime(2026, 10, 13, 9),
                             "申诉理由": "=HYPERLINK(\"http://x\",\"点\")", "复核结果": "改判", "复核人": "@赵班长",
                             "决定时间": dt.datetime(2026, 10, 13, 15), "更正:业务能力": 7, "更正:差错扣分": 11})
    reason = ws.cell(ws.max_row, col["申诉理由"] + 1)
    reason.data_type = "s"  # typed as text (a leading '), not a formula of the register
    wb.save(reg)
    r = run("appeals", "check", reg, sheets, "--rubric", "listening-10x4", "--json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert [f["message"] for f in data["findings"]] == [
        "更正的“业务能力”得分“7”不在允许的分值内(允许: 0–5 的整数)", "更正的差错扣分“11”不在 0–10 之内"]
    assert [a["status"] for a in data["appeals"]] == ["无效"]
    # the call keeps its 98 in the figures, and no text of the register becomes a formula
    out = tmp_path / "a.xlsx"
    d = json.loads(run("consolidate", sheets, "--rubric", "listening-10x4", "--appeals", reg, "-o", out,
                       "--json").stdout)
    assert d["mean_score"] == pytest.approx(99.0)
    wb = openpyxl.load_workbook(out)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert "=HYPERLINK(\"http://x\",\"点\")" in [c.value for c in cells]


def test_the_templates_rules_state_the_publication_time_the_check_applies(sheets, tmp_path):
    # Before: the 说明 sheet said scores are published "评分日次日 10:00", so a lead read an appeal of
    # R2 (12 Oct) filed on 14 Oct at 19:00 as in time (13 Oct 10:00 + 48 h = 15 Oct 10:00), while
    # the check refused it: by default (SOP-15.1) scores are published on the call's day at 18:00,
    # so the window closed on 14 Oct at 18:00.
    reg = tmp_path / "申诉登记表.xlsx"
    run("appeals", "template", "--rubric", "listening-10x4", "-o", reg)
    wb = openpyxl.load_workbook(reg)
    rules = [c for row in wb["说明"].iter_rows(values_only=True) for c in row if c]
    assert not any("次日 10:00" in line for line in rules), rules
    assert any("评分当天 18:00" in line and "48 小时" in line for line in rules), rules
    append_appeal(wb.worksheets[0], {"录音编号": "R2", "坐席工号": "A002", "申诉时间": dt.datetime(2026, 10, 14, 19),
                                     "申诉理由": "业务能力不应扣分", "复核结果": "改判", "复核人": "赵班长",
                                     "决定时间": dt.datetime(2026, 10, 15, 9), "更正:业务能力": 5})
    wb.save(reg)
    r = run("appeals", "check", reg, sheets, "--rubric", "listening-10x4", "--json")
    [appeal] = json.loads(r.stdout)["appeals"]
    assert appeal["status"] == "逾期", appeal
