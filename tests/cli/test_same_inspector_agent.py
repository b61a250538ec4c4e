"""One inspector scoring a recording twice with different 坐席工号: never a silent choice of agent
(found by an attack on duplicates). The same rule as two inspectors who disagree on the agent
(tests/cli/test_calibration_agent.py): an error at each 坐席工号 cell, and the recording counts for
no agent until the sheets agree.

listening-10x4, 12 October 2026; columns: A 日期, B 质检员, C 坐席工号, D 坐席姓名, E 录音编号,
F–O the 10 items, P 致命性错误, Q 差错扣分, R 最终得分; the title in row 1, the header in row 2.

a.xlsx, 李娜:
     row 3  R1 A001 all 5 → 100
     row 4  R1 A002 all 5 → 100   (was: a plain duplicate, A001 given the call)
     row 5  R2 A003 all 4 → 80
3 read = 1 counted (R2 at 80) + 2 excluded (R1's rows, by recording.agent_differs); mean 80.
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from clikit import account, run, titled_sheet
from sheetkit import listening_row
from zhijian.cli.main import cli

D12 = dt.date(2026, 10, 12)
SAME = "录音“R1”由同一质检员评分了不止一次,坐席工号不同: 这里是“{a}”,李娜 在 {f} 评分表!{c} 填的是“{b}”;" \
       "无法确定是哪位坐席的录音,此录音的各行都不计入统计"


@pytest.fixture
def one_file(tmp_path):
    return [titled_sheet(tmp_path / "a.xlsx", listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 10, total=100),
                  listening_row(D12, "李娜", "A002", "李四", "R1", [5] * 10, total=100),
                  listening_row(D12, "李娜", "A003", "王五", "R2", [4] * 10, total=80))]


@pytest.fixture
def two_files(tmp_path):
    return [titled_sheet(tmp_path / "a.xlsx", listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 10, total=100),
                  listening_row(D12, "李娜", "A003", "王五", "R2", [4] * 10, total=80)),
            titled_sheet(tmp_path / "b.xlsx", listening_row(D12, "李娜", "A002", "李四", "R1", [5] * 10, total=100))]


def test_one_inspector_naming_two_agents_is_an_error_at_both_cells(one_file):
    r = run("validate", *one_file, "--rubric", "listening-10x4", "--json")
    assert r.exit_code == 1, r.output
    data = json.loads(r.output)
    found = [(f["cell"], f["severity"], f["value"], f["message"]) for f in data["findings"]
             if f["rule"] == "recording.agent_differs"]
    assert found == [("C3", "error", "A001", SAME.format(a="A001", f="a.xlsx", c="C4", b="A002")),
                     ("C4", "error", "A002", SAME.format(a="A002", f="a.xlsx", c="C3", b="A001"))]


@pytest.mark.parametrize("layout", ["one_file", "two_files"])
def test_the_recording_counts_for_no_agent(layout, request, tmp_path):
    inputs = request.getfixturevalue(layout)
    out = tmp_path / "out.xlsx"
    r = run("consolidate", *inputs, "--rubric", "listening-10x4", "-o", out, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert account(data) == (3, 1, 2, 0, 0, 0, True)
    assert data["n"] == 1 and data["mean_score"] == 80
    agents = [row[0] for row in openpyxl.load_workbook(out)["坐席"].iter_rows(min_row=2, values_only=True)
              if row[0]]
    assert "A001" not in agents and "A002" not in agents and "A003" in agents


def test_score_says_it_too(one_file):
    data = json.loads(run("score", *one_file, "--rubric", "listening-10x4", "--json").output)
    assert sum("坐席工号不同" in json.dumps(c, ensure_ascii=False) for c in data["calls"]) >= 2
