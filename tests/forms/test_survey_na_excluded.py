"""A 回访 form whose 不涉及 items leave the total (`na: exclude`): score = applicable points /
applicable maxima × 100.

Items (max): 服务规范: 开场白 10, 身份核实 20 | 业务处理: 需求确认 20, 方案解释 30, 结束语 20.
  H1: all full                                   → 100
  H2: 身份核实 不涉及, 方案解释 24                → (10 + 20 + 24 + 20) / 80 × 100 = 92.5
  H3: 身份核实 不涉及, 需求确认 不涉及, 开场白 5 → (5 + 30 + 20) / 60 × 100 = 91.666667
  H4: 开场白 0, 方案解释 15, 结束语 10            → (0 + 20 + 20 + 15 + 10) / 100 × 100 = 65
  H5: every item 不涉及                           → no score (score.none_applicable), not counted
Average of the four scored: (100 + 92.5 + 91.666667 + 65) / 4 = 87.291667.
优良 (> 90): H1, H2, H3 = 3/4; 轻微不良 85–90: none; 一般不良 80–<85: none; 80分以下: H4 = 1/4.
Grades: 优秀 > 90 (H1, H2, H3), 合格 ≥ 60 (H4).
"""

import datetime as dt
import math

import pytest

from formkit import form_rubric, run, write_table

RUBRIC = form_rubric("survey_na_excluded")
DAY = dt.date(2026, 11, 5)
NA = "不涉及"
HEADERS = ["日期", "质检员", "工号", "姓名", "录音编号", "开场白", "身份核实", "需求确认", "方案解释", "结束语"]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    rows = [
        [DAY, "周敏", "A01", "陈晨", "H1", 10, 20, 20, 30, 20],
        [DAY, "周敏", "A01", "陈晨", "H2", 10, NA, 20, 24, 20],
        [DAY, "周敏", "A02", "刘洋", "H3", 5, NA, NA, 30, 20],
        [DAY, "周敏", "A02", "刘洋", "H4", 0, 20, 20, 15, 10],
        [DAY, "周敏", "A02", "刘洋", "H5", NA, NA, NA, NA, NA],
    ]
    path = write_table(tmp_path_factory.mktemp("survey") / "回访质检.xlsx", HEADERS, rows, title="回访质检评分表")
    return run(RUBRIC, path, DAY)


def test_totals_on_the_applicable_items(result):
    s = result.scores
    assert (s["H1"], s["H2"], s["H4"]) == (100, 92.5, 65)
    assert s["H3"] == pytest.approx(55 / 60 * 100, abs=1e-6)
    assert math.isnan(s["H5"])  # never a silent number
    assert result.grades == {"H1": "优秀", "H2": "优秀", "H3": "优秀", "H4": "合格", "H5": ""}


def test_a_call_with_nothing_applicable_is_a_finding_and_not_counted(result):
    (f,) = result.findings
    assert (f.rule, f.cell, f.row) == ("score.none_applicable", "F7", 7)
    assert "没有可评的项" in f.message
    a = result.consolidation.analysis
    assert a.overall.n == 4 and a.account.rows_read == 5


def test_consolidated_figures(result):
    o = result.consolidation.analysis.overall
    assert o.mean_score == pytest.approx((100 + 92.5 + 55 / 60 * 100 + 65) / 4)
    assert (o.excellent_rate, o.slight_defect_rate, o.general_defect_rate, o.below_80_rate) == (0.75, 0, 0, 0.25)
    # an excluded item is never 不良: 开场白 (H3 5, H4 0), 方案解释 (H2, H4), 结束语 (H4)
    defects = {f.item: f.defect_count for f in o.items}
    assert defects == {"开场白": 2, "身份核实": 0, "需求确认": 0, "方案解释": 2, "结束语": 1}


def test_a_calibration_case_with_an_excluded_item(tmp_path):
    """H2 scored by two inspectors: 身份核实 不涉及 (周敏) and 20 (郑华). At least half say 不涉及,
    so the benchmark's 身份核实 is 不涉及 and the benchmark is H2's 92.5; 郑华 scored
    (10 + 20 + 20 + 24 + 20) / 100 = 94, 1.5 lenient. Their alignment weighs the items both
    applied (all but 身份核实), which agree: 1."""
    rows = [[DAY, "周敏", "A01", "陈晨", "H2", 10, NA, 20, 24, 20],
            [DAY, "郑华", "A01", "陈晨", "H2", 10, 20, 20, 24, 20]]
    result = run(RUBRIC, write_table(tmp_path / "校正.xlsx", HEADERS, rows), DAY)
    a = result.consolidation.analysis
    assert a.overall.n == 1 and a.overall.mean_score == 92.5
    cases = a.calibration.cases.set_index("质检员")
    assert cases.loc["郑华", "偏差"] == pytest.approx(1.5) and cases.loc["郑华", "对齐分"] == 1
