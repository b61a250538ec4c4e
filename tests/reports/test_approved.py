"""Each report writer against its approved reference workbook (tests/approved/), part by part.

The calls: a small, hand-made fortnight on `listening-10x4` (two inspectors, three agents, calls on
Friday 16, Monday 19 and Tuesday 20 October 2026), with one calibration case (the same recording
scored by both inspectors, on two days: a warning), one duplicate row, one row with a disallowed score (excluded), a remark
that looks like a formula, a 差错扣分 and an N/A item — every kind of row each workbook shows.
Files are named without a folder, so nothing depends on the machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accounting import assert_accounted
from approved import assert_matches_approved
from zhijian.engine.analysis import analyse
from zhijian.engine.columns import column_specs
from zhijian.engine.loaded import Loaded
from zhijian.engine.monthly import build_monthly
from zhijian.engine.periods import parse_period
from zhijian.engine.reader import Grid
from zhijian.engine.validate import check_grids
from zhijian.engine.weekly import build_weekly
from zhijian.files.rubrics import load_rubric
from zhijian.reports.analysis_workbook import write_analysis_workbook
from zhijian.reports.monthly_workbook import write_monthly_workbook
from zhijian.reports.weekly_workbook import write_weekly_workbook

ITEMS = ["开场白及挂机", "服务态度", "服务用语", "语速音量", "表达能力", "主动推介", "灵活处理", "双向沟通",
         "聆听能力", "业务能力"]
AGENTS = [("A01", "张三", "一组"), ("A02", "李四", "一组"), ("A03", "王五", "二组")]


def _record(day: str, inspector: str, agent: int, rid: str, scores: list, **extra) -> dict:
    aid, name, team = AGENTS[agent]
    rec = {"date": day, "inspector": inspector, "agent_id": aid, "agent_name": name, "team": team,
           "recording_id": rid, **dict(zip(ITEMS, scores))}
    rec.update(extra)
    return rec


def _records() -> dict[str, list[dict]]:
    full = [5] * 10
    return {
        "2026-10-16_wangli.xlsx": [
            _record("2026-10-16", "王丽", 0, "R001", full),
            _record("2026-10-16", "王丽", 1, "R002", [5, 4, 5, 5, 4, 3, 5, 5, 5, 3], remarks="推介不主动"),
            _record("2026-10-16", "王丽", 2, "R003", [4, 4, 4, 5, 4, 2, 3, 4, 4, 2], error_deduction=5,
                    remarks="资费解释错误 13812345678"),
            _record("2026-10-16", "王丽", 0, "R004", [5, 5, 5, 5, 5, 5, 5, 5, 5, "不涉及"]),
        ],
        "2026-10-19_wangli.xlsx": [
            _record("2026-10-19", "王丽", 0, "R010", [5, 5, 5, 5, 5, 4, 5, 5, 5, 4]),
            _record("2026-10-19", "王丽", 1, "R011", [5, 5, 4, 5, 5, 5, 5, 4, 5, 5], remarks="=1+1"),
            _record("2026-10-19", "王丽", 1, "R011", [5, 5, 4, 5, 5, 5, 5, 4, 5, 5]),  # duplicate
            _record("2026-10-19", "王丽", 2, "R012", [3, 3, 4, 4, 3, 1, 2, 3, 3, 1]),  # calibration
        ],
        "2026-10-20_chenjing.xlsx": [
            _record("2026-10-20", "陈静", 2, "R012", [3, 4, 4, 4, 3, 2, 2, 3, 4, 2]),  # calibration
            _record("2026-10-20", "陈静", 0, "R020", [5, 5, 5, 4, 5, 5, 4, 5, 5, 5]),
            _record("2026-10-20", "陈静", 1, "R021", [5, 6, 5, 5, 5, 5, 5, 5, 5, 5]),  # 6: not allowed
            _record("2026-10-20", "陈静", 2, "R022", [4, 5, 5, 5, 4, 3, 4, 4, 5, 3]),
        ],
    }


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("listening-10x4")


@pytest.fixture(scope="module")
def loaded(rubric) -> Loaded:
    specs = column_specs(rubric)
    grids = []
    for file, records in _records().items():
        rows = [[s.header for s in specs]] + [[r.get(s.key) for s in specs] for r in records]
        grids.append(Grid(file, "评分表", rows))
    checked = check_grids(rubric, grids)
    return Loaded(checked.calls, checked.report.findings, [Path(f) for f in _records()])


def test_the_calls_hold_every_kind_of_row(loaded):
    rules = {str(f.rule) for f in loaded.findings}
    # R012's two scorings are dated 19 and 20 October: a recording.date_differs warning at each
    assert rules == {"recording.duplicate", "score.not_allowed", "recording.date_differs"}
    assert loaded.calls["recording_id"].tolist().count("R012") == 2  # the calibration case


def test_analysis_workbook(tmp_path, rubric, loaded):
    period = parse_period("2026-10")
    sel = loaded.select(period)
    a = analyse(rubric, sel.calls, period_label="2026年10月", account=sel.account)
    # 12 rows read = 9 counted + 1 error (R021) + 1 duplicate (R011) + 1 calibration copy (R012)
    assert_accounted(a.account, rows_read=12)
    assert (a.account.counted, a.account.excluded, a.account.duplicates, a.account.calibration_copies) == (9, 1, 1, 1)
    out = write_analysis_workbook(a, tmp_path / "analysis.xlsx", findings=sel.findings,
                                  sources=[str(f) for f in loaded.files])
    assert_matches_approved(out, "analysis.xlsx")


def test_weekly_workbook(tmp_path, rubric, loaded):
    week = parse_period("2026-W43")
    report = build_weekly(rubric, loaded, week)
    assert_accounted(report.analysis.account, rows_read=12)
    findings = loaded.select(week).findings
    out = write_weekly_workbook(report, tmp_path / "weekly.xlsx", findings=findings,
                                sources=[str(f) for f in loaded.files])
    assert_matches_approved(out, "weekly.xlsx")


def test_monthly_workbook(tmp_path, rubric, loaded):
    month = parse_period("2026-10")
    report = build_monthly(rubric, loaded, month)
    assert_accounted(report.analysis.account, rows_read=12)
    findings = loaded.select(month).findings
    out = write_monthly_workbook(report, tmp_path / "monthly.xlsx", findings=findings,
                                 sources=[str(f) for f in loaded.files], appeals=[])
    assert_matches_approved(out, "monthly.xlsx")


def test_a_changed_cell_is_named_by_its_part(tmp_path, rubric, loaded):
    """The comparison can fail: one figure changed in the written file names the sheet's part."""
    sel = loaded.select(parse_period("2026-10"))
    a = analyse(rubric, sel.calls, period_label="2026年10月", account=sel.account)
    a.overall.max_score = 99.0  # one figure of the overview, 100 in truth
    out = write_analysis_workbook(a, tmp_path / "analysis.xlsx", findings=sel.findings,
                                  sources=[str(f) for f in loaded.files])
    from approved import APPROVED_DIR, part_differences

    problems = part_differences(APPROVED_DIR / "analysis.xlsx", out)
    parts = {p.split(" differs")[0] for p in problems}
    assert parts == {"part xl/worksheets/sheet1.xml"}  # the overview, nothing else
    assert "-    <v>100</v>\n+    <v>99</v>" in "\n".join(problems)
