"""-0.0 in what a lead reads (issue 18 attacked again): an agent whose 月度评分 is the same every
month has a slope of exactly 0 points a month. NumPy's least squares gives -8.6e-15 for 80, 80, 80
at months 1, 2, 3, which --json printed as -0.0 and the 季度质检考核表 wrote as a negative number
("-0.00" where the cell is formatted to two decimals)."""

from __future__ import annotations

import datetime as dt
import json
import math

import openpyxl
from click.testing import CliRunner

from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.cli.main import cli

D = dt.date


def month_sheet(path, month: int, scores: dict[str, int], calls: int = 5):
    rows = [listening_row(D(2026, month, 5), "王丽", aid, "坐席" + aid, f"R{month}{aid}{k}", [v] * 10)
            for aid, v in scores.items() for k in range(calls)]
    return write_xlsx(path, [SheetSpec("评分表", [LISTENING_HEADER, *rows])])


def positive_zero(x) -> bool:
    return x == 0 and math.copysign(1.0, x) == 1.0


def test_a_flat_trend_has_slope_zero_not_minus_zero(tmp_path):
    # A1: every item 4 in October, November and December → 月度评分 80, 80, 80 → slope 0, 持平.
    # A2: 60, 80, 100 → slope +20 a month (上升), so the sheet has a real slope beside the flat one.
    d = tmp_path / "sheets"
    d.mkdir()
    for m, a2 in ((10, 3), (11, 4), (12, 5)):
        month_sheet(d / f"2026-{m:02d}-05_王丽.xlsx", m, {"A1": 4, "A2": a2})
    out = tmp_path / "q.xlsx"
    r = CliRunner().invoke(cli, ["quarterly", str(d), "--rubric", "listening-10x4", "--quarter", "2026-Q4",
                                 "-o", str(out), "--json"])
    assert r.exit_code == 0, r.output
    assert "-0.0" not in r.output
    agents = {a["agent_id"]: a for a in json.loads(r.output)["agents"]}
    assert (agents["A1"]["trend"], agents["A2"]["trend"]) == ("持平", "上升")
    assert positive_zero(agents["A1"]["slope"]) and agents["A2"]["slope"] == 20.0
    ws = openpyxl.load_workbook(out)["季度质检考核表"]
    head = next(r for r in range(1, 10) if any(c.value == "斜率" for c in ws[r]))
    col = next(c.column for c in ws[head] if c.value == "斜率")
    ids = next(c.column for c in ws[head] if c.value == "工号")
    slopes = {ws.cell(r, ids).value: ws.cell(r, col).value for r in range(head + 1, head + 3)}
    assert positive_zero(slopes["A1"]) and slopes["A2"] == 20.0
