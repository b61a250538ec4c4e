"""A recording scored more than once, where the scorings do not agree on who or what: never a
silent choice (found by an attack on calibration).

listening-10x4, 12 October 2026; columns: A 日期, B 质检员, C 坐席工号, D 坐席姓名, E 录音编号,
F–O the 10 items, P 致命性错误, Q 差错扣分, R 最终得分; the title in row 1, the header in row 2.

Calibration whose inspectors disagree on the agent: a.xlsx (李娜) and b.xlsx (王强)
     R1  李娜 A001 all 5 → 100     王强 A003 all 5 → 100   (C3 and C3 disagree)
     R2  李娜 A002 all 4 → 80      王强 A002 9×5, 业务能力 4 → 98
R2's benchmark: the median of 4 and 5 is 4.5, rounded down to 4, for nine items; 业务能力 4 → 80.
R1 cannot be given to A001 or A003: both its rows are excluded by the finding at their 坐席工号.
4 read = 1 counted (R2 at 80) + 2 excluded + 1 calibration copy (R2's second row); mean 80.
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from clikit import account, run, titled_sheet
from sheetkit import listening_row

D12 = dt.date(2026, 10, 12)


def texts(path, name):
    ws = openpyxl.load_workbook(path)[name]
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.fixture
def disagreeing(tmp_path):
    d = tmp_path / "sheets"
    d.mkdir()
    a = titled_sheet(d / "a.xlsx", listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 10, total=100),
              listening_row(D12, "李娜", "A002", "李四", "R2", [4] * 10, total=80))
    b = titled_sheet(d / "b.xlsx", listening_row(D12, "王强", "A003", "赵六", "R1", [5] * 10, total=100),
              listening_row(D12, "王强", "A002", "李四", "R2", [5] * 9 + [4], total=98))
    return a, b


def test_calibration_rows_that_disagree_on_the_agent_are_findings_at_both_cells(disagreeing):
    a, b = disagreeing
    r = run("validate", a, b, "--rubric", "listening-10x4", "--json")
    assert r.exit_code == 1, r.output
    data = json.loads(r.output)
    found = [(f["file"], f["cell"], f["severity"], f["value"], f["message"]) for f in data["findings"]
             if f["rule"] == "recording.agent_differs"]
    assert found == [
        (str(a), "C3", "error", "A001", "录音“R1”在各质检员的评分表中坐席工号不同: 这里是“A001”,"
                                        "王强 在 b.xlsx 评分表!C3 填的是“A003”;无法确定是哪位坐席的录音,"
                                        "此录音的各行都不计入统计"),
        (str(b), "C3", "error", "A003", "录音“R1”在各质检员的评分表中坐席工号不同: 这里是“A003”,"
                                        "李娜 在 a.xlsx 评分表!C3 填的是“A001”;无法确定是哪位坐席的录音,"
                                        "此录音的各行都不计入统计")]
    assert data["summary"] == {"rows": 4, "errors": 2, "warnings": 0}


def test_a_recording_whose_agent_is_in_doubt_is_counted_for_no_agent(disagreeing, tmp_path):
    a, b = disagreeing
    out = tmp_path / "out.xlsx"
    r = run("consolidate", a, b, "--rubric", "listening-10x4", "-o", out, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert account(data) == (4, 1, 2, 0, 0, 1, True)
    assert data["n"] == 1 and data["mean_score"] == 80
    wb = openpyxl.load_workbook(out)
    agents = [row[0] for row in wb["坐席"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert "A001" not in agents and "A003" not in agents and "A002" in agents
    listing = texts(out, "排除与重复")
    assert sum("坐席工号不同" in t for t in listing) >= 2


@pytest.fixture
def one_side_invalid(tmp_path):
    """R1 by 李娜 with 业务能力 7 (not a level), by 王强 all 4 → 80: only 王强's scoring can count."""
    a = titled_sheet(tmp_path / "a.xlsx", listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 9 + [7]))
    b = titled_sheet(tmp_path / "b.xlsx", listening_row(D12, "王强", "A001", "张三", "R1", [4] * 10, total=80))
    return a, b


def test_a_calibration_scoring_with_an_error_says_what_counts_instead(one_side_invalid):
    a, b = one_side_invalid
    data = json.loads(run("validate", a, b, "--rubric", "listening-10x4", "--json").output)
    assert [(f["rule"], f["severity"], f["cell"], f["message"]) for f in data["findings"]] == [
        ("recording.calibration_row_invalid", "warning", "E3",
         "录音“R1”也由其他质检员评分(王强 在 b.xlsx 评分表!E3): 这一行有错误,不计入统计,也不参与质检校正;"
         "此录音按其他质检员的有效评分计入"),
        ("score.not_allowed", "error", "O3", "“业务能力”得分 7 不在允许的分值内(允许: 0–5 的整数)")]


@pytest.mark.parametrize("lead", [[], ["--lead", "李娜"]], ids=["consensus", "lead-row-invalid"])
def test_the_valid_side_counts_as_a_single_call(one_side_invalid, tmp_path, lead):
    """2 read = 1 counted (王强's 80) + 1 excluded; no calibration case (one valid scoring), even
    when the lead's is the invalid one."""
    a, b = one_side_invalid
    out = tmp_path / "out.xlsx"
    data = json.loads(run("consolidate", a, b, "--rubric", "listening-10x4", *lead, "-o", out, "--json").output)
    acc = data["accounting"]
    assert (acc["rows_read"], acc["counted"], acc["excluded"], acc["calibration_copies"]) == (2, 1, 1, 0)
    assert data["n"] == 1 and data["mean_score"] == 80
    assert any("也不参与质检校正" in t for t in texts(out, "排除与重复"))


def test_a_duplicate_of_a_valid_scoring_is_only_a_duplicate(tmp_path):
    """李娜 scored R1 twice (the second a duplicate), 王强 once: no calibration warning."""
    a = titled_sheet(tmp_path / "a.xlsx", listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 10, total=100),
              listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 10, total=100))
    b = titled_sheet(tmp_path / "b.xlsx", listening_row(D12, "王强", "A001", "张三", "R1", [4] * 10, total=80))
    data = json.loads(run("validate", a, b, "--rubric", "listening-10x4", "--json").output)
    assert [(f["rule"], f["cell"]) for f in data["findings"]] == [("recording.duplicate", "E4")]
