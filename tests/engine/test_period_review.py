"""The 季度质检考核表 (period_review.py) of a small quarter, checked against figures worked out BY HAND.

Rubric `listening-10x4`: final score = 2 × Σ items (each item 0–5); marks: good 80, pass 60;
grades 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 70, 待改进 ≥ 60, 不合格. Each agent is scored twice a month
(`min_calls` = 2), October–December 2026 (2026-Q4):

  agent   Oct          Nov          Dec          月度评分          期间评分   slope
  A1      70, 74       80, 84       90, 94       72 / 82 / 92     82        +10   上升
  A2      96, 100      90, 94*      86, 90       98 / 92 / 88     92.667    −5    下降   (* a 致命性错误)
  A3      50, 56       58, 60       100 (once)   53 / 59 / (100)  56        +6    上升   (Dec: 1 call, not counted)

  rank: A2 1, A1 2, A3 3; grades 优秀 (92.67), 良好 (82), 不合格 (56).
  服务之星 (top 1): A2 has a fatal error and A3 misses a counted December → A1.
  岗位调整: A3 (53 and 59 are below 60 in two months).
  slope of A2 through (1, 98), (2, 92), (3, 88): Σ(x−2)(y−92.667) / Σ(x−2)² = (−5.333 − 4.667) / 2 = −5.
"""

from __future__ import annotations

import datetime as dt

import pytest

from zhijian.engine.loaded import Loaded
from zhijian.engine.period_review import build_period_review, trend_of
from zhijian.engine.periods import parse_period
from zhijian.engine.reader import Grid
from zhijian.engine.validate import check_grids
from zhijian.files.rubrics import load_rubric

ITEMS = ["开场白及挂机", "服务态度", "服务用语", "语速音量", "表达能力", "主动推介", "灵活处理", "双向沟通",
         "聆听能力", "业务能力"]
HEADER = ["日期", "质检员", "工号", "姓名", "班组", "录音编号", *ITEMS, "致命性错误"]
NAMES = {"A1": ("甲", "一组"), "A2": ("乙", "一组"), "A3": ("丙", "二组")}
SCORES = {  # agent -> month -> final scores
    "A1": {10: [70, 74], 11: [80, 84], 12: [90, 94]},
    "A2": {10: [96, 100], 11: [90, 94], 12: [86, 90]},
    "A3": {10: [50, 56], 11: [58, 60], 12: [100]},
}
FATAL = {("A2", 11, 1)}  # (agent, month, call): the second November call of A2

approx = pytest.approx


def items_for(score: int) -> list[int]:
    """Ten item scores whose call score (2 × Σ) is `score`: full items first, the rest lower."""
    points, out = score // 2, []
    for _ in ITEMS:
        out.append(min(5, points))
        points -= out[-1]
    return out


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("listening-10x4")


@pytest.fixture(scope="module")
def loaded(rubric):
    rows = [HEADER]
    for agent, months in SCORES.items():
        for month, scores in months.items():
            for k, score in enumerate(scores):
                name, team = NAMES[agent]
                rows.append([dt.date(2026, month, 5 + k), "质检员", agent, name, team, f"R{agent}{month}{k}",
                             *items_for(score), 1 if (agent, month, k) in FATAL else 0])
    checked = check_grids(rubric, [Grid("q4.xlsx", "评分表", rows)])
    assert not checked.report.findings
    return Loaded(checked.calls, [], [])


@pytest.fixture(scope="module")
def review(rubric, loaded):
    return build_period_review(rubric, loaded, "quarter", parse_period("2026-Q4"), min_calls=2, stars=1)


def agent(review, aid):
    return review.agents.set_index("工号").loc[aid]


def test_monthly_scores_period_score_rank_and_grade(review):
    assert review.key == "2026-Q4" and review.label == "2026年第4季度"
    assert list(review.agents["工号"]) == ["A2", "A1", "A3"]
    assert list(review.agents["排名"]) == [1, 2, 3]
    a1, a2, a3 = agent(review, "A1"), agent(review, "A2"), agent(review, "A3")
    assert (a1["10月"], a1["11月"], a1["12月"]) == (72, 82, 92)
    assert a1["期间评分"] == approx(82) and a1["等级"] == "良好"
    assert a2["期间评分"] == approx((98 + 92 + 88) / 3) and a2["等级"] == "优秀"
    assert a2["致命性错误"] == 1
    # A3's single December call shows as its 月度评分 but does not count (min_calls = 2).
    assert a3["12月"] == 100 and a3["考核月数"] == 2
    assert a3["期间评分"] == approx(56) and a3["等级"] == "不合格"
    assert a3["低于最低允许月数"] == 2


def test_trend_is_the_least_squares_slope(review):
    assert agent(review, "A1")["斜率"] == approx(10) and agent(review, "A1")["趋势"] == "上升"
    assert agent(review, "A2")["斜率"] == approx(-5) and agent(review, "A2")["趋势"] == "下降"
    assert agent(review, "A3")["斜率"] == approx(6) and agent(review, "A3")["趋势"] == "上升"
    assert trend_of([1.0, 2.0], [80.0, 80.4]) == (approx(0.4), "持平")
    assert trend_of([1.0], [80.0]) == (None, "数据不足")


def test_service_star_and_position_adjustment_candidates(review):
    # A2 is first but has a fatal error; A3 is not counted in December and is below 80.
    assert list(review.stars["工号"]) == ["A1"]
    assert list(review.adjustments["工号"]) == ["A3"]
    assert review.adjustments.iloc[0]["低于最低允许的月份"] == "10月(53.0)、11月(59.0)"


def test_month_figures_are_each_months_consolidation(review):
    figs = review.month_figures.set_index("月份")
    # October: 70, 74, 96, 100, 50, 56 → mean 446 / 6; 优良率 (> 90): 96 and 100.
    assert figs.loc["10月", "有效通数"] == 6
    assert figs.loc["10月", "平均分"] == approx(446 / 6)
    assert figs.loc["10月", "优良率"] == approx(2 / 6)
    # December holds A3's single call: every call counts in the month's figures.
    assert figs.loc["12月", "有效通数"] == 5
    assert figs.loc["12月", "平均分"] == approx((90 + 94 + 86 + 90 + 100) / 5)
    assert figs.loc["11月", "致命性错误"] == 1
    assert figs.loc["2026年第4季度", "有效通数"] == 17
    assert review.assessed == ["2026-10", "2026-11", "2026-12"]


def test_item_trend_by_month(review):
    # 业务能力 (the last item) is 不良 whenever the score is below 100: October 5 of 6 calls
    # (only the 100 is not), November 6 of 6, December 4 of 5.
    row = review.item_trends.set_index("评分项").loc["业务能力"]
    assert (row["10月"], row["11月"], row["12月"]) == (approx(5 / 6), approx(1.0), approx(4 / 5))
    # slope through (1, .8333), (2, 1), (3, .8): (−.8333 + .8) / 2
    assert row["斜率"] == approx((0.8 - 5 / 6) / 2)


def test_a_quarter_without_calls_says_so(rubric, loaded):
    empty = build_period_review(rubric, loaded, "quarter", parse_period("2026-Q1"))
    assert not empty.has_data and empty.agents.empty and empty.stars.empty
    assert empty.notes == ["2026年第1季度没有有效评分记录"]
