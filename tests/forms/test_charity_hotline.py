"""A charity hotline weighted 35/20/30/15 over four 0–10 dimensions, the call score rounded to
whole points half away from zero (Excel's ROUND), before 差错扣分.

Dimension score = mark / 10 × weight.
  C1: 7, 8, 9, 6        → 24.5 + 16 + 27 + 9 = 76.5 → 77 (half away from zero)
  C2: 10, 10, 10, 10    → 100
  C3: 9, 9, 8, 9        → 31.5 + 18 + 24 + 13.5 = 87, 差错扣分 2 → 85
  C4: 5, 7, 6, 3        → 17.5 + 14 + 18 + 4.5 = 54
  C5: 8, 不涉及, 7, 7    → 28 + 20 (不涉及 = full, the default) + 21 + 10.5 = 79.5 → 80
Average (77 + 100 + 85 + 54 + 80) / 5 = 79.2. 优良 ≥ 90 (excellent_from): C2 = 1/5; 轻微不良
85–<90: C3 = 1/5; 一般不良 80–<85: C5 = 1/5; 80分以下: C1, C4 = 2/5.
Grades: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60: C1 合格, C2 优秀, C3 良好, C4 不合格, C5 良好.
"""

import datetime as dt

import pytest

from formkit import form_rubric, run, write_table

RUBRIC = form_rubric("charity_hotline")
DAY = dt.date(2026, 11, 9)
HEADERS = ["来电日期", "质检员", "工号", "姓名", "录音编号", "倾听共情(10分)", "信息准确性(10分)",
           "求助处理(10分)", "记录规范性(10分)", "差错扣分", "综合评分"]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    rows = [
        [DAY, "何静", "V01", "志愿者甲", "C1", 7, 8, 9, 6, None, 77],
        [DAY, "何静", "V01", "志愿者甲", "C2", 10, 10, 10, 10, None, 100],
        [DAY, "何静", "V02", "志愿者乙", "C3", 9, 9, 8, 9, 2, 85],
        [DAY, "何静", "V02", "志愿者乙", "C4", 5, 7, 6, 3, None, 54],
        [DAY, "何静", "V02", "志愿者乙", "C5", 8, "不涉及", 7, 7, None, 80],
    ]
    path = write_table(tmp_path_factory.mktemp("hotline") / "热线质检.xlsx", HEADERS, rows)
    return run(RUBRIC, path, DAY)


def test_weighted_and_rounded_totals(result):
    assert result.scores == {"C1": 77, "C2": 100, "C3": 85, "C4": 54, "C5": 80}
    assert result.grades == {"C1": "合格", "C2": "优秀", "C3": "良好", "C4": "不合格", "C5": "良好"}
    # the hotline's own 综合评分 column agrees with every total: no finding at all
    assert result.findings == []


def test_consolidated_figures(result):
    a = result.consolidation.analysis
    o = a.overall
    assert o.mean_score == pytest.approx(79.2)
    assert (o.excellent_rate, o.slight_defect_rate, o.general_defect_rate, o.below_80_rate) == (0.2, 0.2, 0.2, 0.4)
    # 志愿者甲 (77 + 100) / 2 = 88.5; 志愿者乙 (85 + 54 + 80) / 3 = 73
    assert {aid: f.mean_score for (aid, _), f in a.by_agent} == {"V01": 88.5, "V02": pytest.approx(73)}
