"""Attacks (issue 14) on the one-call-per-sheet 录音质检打分明细表 (tests/forms/branch_call_sheets):
an item row typed twice in one call used to be refused with "第 1–6 行找不到评分项: 结束语、业务准确性、
沟通技巧、工单记录" although every item is on the sheet (the repeat was taken for the next call's
first item); the message now names the repeated item and its two rows. What already held is
pinned too: a total that disagrees, a block without a total, an empty sheet between calls."""

from __future__ import annotations

from formkit import by_recording, form_rubric
from sheetkit import SheetSpec, write_xlsx
from test_branch_call_sheets import D5, call_sheet
from zhijian.pipeline.load import load_calls

RUBRIC = form_rubric("branch_call_sheets")


def sheet(rid="FG-1", total=94):
    # 10 + 18 + 30 + 16 + 10 + 10 = 94
    return call_sheet(rid, "周敏", D5, [10, 18, 30, 16, 10, 10], total)


def test_an_item_typed_twice_is_named_with_its_two_rows(tmp_path):
    twice = sheet()
    twice.rows.insert(6, list(twice.rows[5]))  # 服务态度 on rows 6 and 7
    loaded = load_calls(RUBRIC, [str(write_xlsx(tmp_path / "重复.xlsx", [twice]))])
    assert len(loaded.calls) == 0
    [f] = loaded.findings
    assert f.rule == "sheet.unmapped" and f.cell == "B5"
    assert "“服务态度”" in f.message and "第 6 行" in f.message and "第 7 行" in f.message, f.message
    assert "找不到评分项" not in f.message, f.message


def test_a_total_that_disagrees_a_missing_total_and_an_empty_sheet(tmp_path):
    no_total = sheet("FG-2")
    no_total.rows.pop()  # no 合计 row
    book = write_xlsx(tmp_path / "明细.xlsx", [sheet("FG-1", total=90), SheetSpec("空白", []), no_total])
    loaded = load_calls(RUBRIC, [str(book)])
    assert by_recording(loaded.calls) == {"FG-1": 94, "FG-2": 94}  # the items' sum, as the form says
    [f] = loaded.findings
    assert (f.rule, f.sheet, f.cell) == ("total.mismatch", "FG-1", "D11") and "90" in f.message
