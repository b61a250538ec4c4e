"""A recording scored more than once, by one inspector whose first row has an error: the corrected
row counts (found by an attack on duplicates).

listening-10x4, 12 October 2026; columns: A 日期, B 质检员, C 坐席工号, D 坐席姓名, E 录音编号,
F–O the 10 items, P 致命性错误, Q 差错扣分, R 最终得分; the title in row 1, the header in row 2.

A corrected second row, one inspector (李娜), one file:
     row 3  R1 A001 9×5, 业务能力 7   → score.not_allowed (7 is not a level)
     row 4  R1 A001 all 5            → 100, the corrected row: counted
     row 5  R1 A001 all 4            → a duplicate of row 4
     row 6  R2 A002 all 4            → 80
4 read = 2 counted (100, 80) + 1 excluded (row 3) + 1 duplicate (row 5); mean 90.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from clikit import run, titled_sheet
from sheetkit import listening_row

D12 = dt.date(2026, 10, 12)


@pytest.fixture
def corrected(tmp_path):
    return titled_sheet(tmp_path / "a.xlsx",
                 listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 9 + [7]),
                 listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 10, total=100),
                 listening_row(D12, "李娜", "A001", "张三", "R1", [4] * 10, total=80),
                 listening_row(D12, "李娜", "A002", "李四", "R2", [4] * 10, total=80))


def test_a_corrected_second_row_is_the_one_counted(corrected):
    r = run("validate", corrected, "--rubric", "listening-10x4", "--json")
    data = json.loads(r.output)
    found = [(f["rule"], f["severity"], f["cell"], f["message"]) for f in data["findings"]]
    assert found == [
        ("recording.duplicate", "warning", "E3",
         "录音“R1”在本文件中重复评分: 这一行有错误,不计入统计,计入统计的是 E4 这一行"),
        ("score.not_allowed", "error", "O3", "“业务能力”得分 7 不在允许的分值内(允许: 0–5 的整数)"),
        ("recording.duplicate", "error", "E5",
         "录音“R1”在本文件中重复评分(计入统计的是 E4),重复的这一行不计入统计")]
    assert data["summary"] == {"rows": 4, "errors": 2, "warnings": 1}


def test_the_corrected_row_counts_in_the_figures(corrected, tmp_path):
    r = run("consolidate", corrected, "--rubric", "listening-10x4", "-o", tmp_path / "out.xlsx", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    acc = data["accounting"]
    assert (acc["rows_read"], acc["counted"], acc["excluded"], acc["duplicates"], acc["holds"]) == \
        (4, 2, 1, 1, True)
    assert data["n"] == 2 and data["mean_score"] == 90


def test_a_valid_first_row_still_wins(tmp_path):
    """Unchanged: the first valid row counts, a later one is the duplicate, saying where the first is."""
    path = titled_sheet(tmp_path / "a.xlsx", listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 10, total=100),
                 listening_row(D12, "李娜", "A001", "张三", "R1", [4] * 10, total=80))
    data = json.loads(run("validate", path, "--rubric", "listening-10x4", "--json").output)
    assert [(f["rule"], f["cell"], f["message"]) for f in data["findings"]] == [
        ("recording.duplicate", "E4", "录音“R1”在本文件中重复评分(首次在 E3),重复的这一行不计入统计")]


def test_across_files_the_valid_scoring_counts(tmp_path):
    """李娜's R1 in a.xlsx has an error, her R1 in b.xlsx is valid (100): that one counts.
    2 read = 1 counted + 1 excluded."""
    a = titled_sheet(tmp_path / "a.xlsx", listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 9 + [7]))
    b = titled_sheet(tmp_path / "b.xlsx", listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 10, total=100))
    data = json.loads(run("consolidate", a, b, "--rubric", "listening-10x4", "-o", tmp_path / "o.xlsx",
                          "--json").output)
    acc = data["accounting"]
    assert (acc["rows_read"], acc["counted"], acc["excluded"], acc["duplicates"]) == (2, 1, 1, 0)
    assert data["n"] == 1 and data["mean_score"] == 100


def test_the_excluded_row_says_which_row_counts_on_the_listing(corrected, tmp_path):
    """排除与重复: row 3's reason is its own error and the row counted instead (was: the error only;
    the warning naming E4 was only among the findings). Row 5 stays a plain duplicate."""
    import openpyxl

    out = tmp_path / "out.xlsx"
    r = run("consolidate", corrected, "--rubric", "listening-10x4", "-o", out, "--json")
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["排除与重复"]
    rows = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    row3 = next(row for row in rows if 3 in row and "校验错误" in row)
    assert "“业务能力”得分 7 不在允许的分值内(允许: 0–5 的整数);录音“R1”在本文件中重复评分: 这一行有错误,不计入统计," \
           "计入统计的是 E4 这一行" in row3
