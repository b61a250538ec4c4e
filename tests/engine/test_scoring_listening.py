"""Hand-worked scores for 质检监听评分表 `listening-10x4` (seed 001).

The rules, from the rubric file and DOMAIN.md:
  - 10 评分单项, each a whole number 0–5; N/A (None) counts as full marks 5;
  - call score (整通得分) = 2 × Σ items (100 = full marks);
  - final score (最终得分) = max(0, call score − 差错扣分), 差错扣分 0–10 (may be 0.5 etc.);
  - 致命性错误 are counted but do NOT zero the call (zero_call: false);
  - grades: 优秀 > 90, 良好 ≥ 80, 合格 ≥ 70, 待改进 ≥ 60, 不合格 < 60.
Every expected figure below was worked out by hand from these rules.
"""

from __future__ import annotations

import pytest

from zhijian.files.rubrics import load_rubric
from zhijian.engine.scoring import CallRecord, score_call

ITEMS = ["开场白及挂机", "服务态度", "服务用语", "语速音量",  # 服务素质
         "表达能力", "主动推介", "灵活处理", "双向沟通", "聆听能力", "业务能力"]  # 服务能力
NA = None


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("listening-10x4")


def call(values, err=0, fatal=0) -> CallRecord:
    """A call with the 10 items in rubric order (None = 不涉及)."""
    assert len(values) == 10
    return CallRecord(items=dict(zip(ITEMS, values)), error_deduction=err, fatal_errors=fatal)


# (items in order, 差错扣分, 致命性错误, call score, final score, grade)
CASES = [
    # 2 × (5×10) = 100
    pytest.param((5, 5, 5, 5, 5, 5, 5, 5, 5, 5), 0, 0, 100, 100, "优秀", id="满分100-优秀"),
    # every item N/A → 5 each: 2 × 50 = 100
    pytest.param((NA,) * 10, 0, 0, 100, 100, "优秀", id="全部不涉及按满分-100"),
    # 2 × (5+4+5+5+3+5+5+5+5+5) = 2 × 47 = 94, − 差错扣分 3 = 91
    pytest.param((5, 4, 5, 5, 3, 5, 5, 5, 5, 5), 3, 0, 94, 91, "优秀", id="94减差错3得91-优秀"),
    # 2 × (9×5 + 4) = 98, − 8 = 90 → exactly on the 优秀 edge, which is exclusive (> 90, as
    # 优良率 counts): 良好
    pytest.param((5, 5, 5, 5, 5, 5, 5, 5, 5, 4), 8, 0, 98, 90, "良好", id="98减8得90-优秀下限不含"),
    # 98 − 7.5 = 90.5 → just above 90: 优秀
    pytest.param((5, 5, 5, 5, 5, 5, 5, 5, 5, 4), 7.5, 0, 98, 90.5, "优秀", id="98减7.5得90.5-优秀"),
    # 2 × 49 = 98, − 8.5 = 89.5 → just under 90
    pytest.param((5, 5, 5, 5, 5, 5, 5, 5, 5, 4), 8.5, 0, 98, 89.5, "良好", id="98减8.5得89.5-良好"),
    # 2 × 50 = 100, − 0.5 = 99.5
    pytest.param((5,) * 10, 0.5, 0, 100, 99.5, "优秀", id="100减0.5得99.5"),
    # 2 × 50 = 100, − 10 (the maximum 差错扣分) = 90: 良好 (优秀 is > 90)
    pytest.param((5,) * 10, 10, 0, 100, 90, "良好", id="100减差错上限10得90"),
    # 2 × (4×10) = 80 → exactly the 良好 bound
    pytest.param((4,) * 10, 0, 0, 80, 80, "良好", id="全4分80-良好下限"),
    # 2 × 40 = 80, − 0.5 = 79.5 → 合格
    pytest.param((4,) * 10, 0.5, 0, 80, 79.5, "合格", id="80减0.5得79.5-合格"),
    # 2 × (4×6 + 3×4) = 2 × 36 = 72, − 2 = 70 → exactly the 合格 bound
    pytest.param((4, 4, 4, 4, 4, 4, 3, 3, 3, 3), 2, 0, 72, 70, "合格", id="72减2得70-合格下限"),
    # 2 × (4×5 + 3×5) = 2 × 35 = 70, − 0.5 = 69.5 → 待改进
    pytest.param((4, 4, 4, 4, 4, 3, 3, 3, 3, 3), 0.5, 0, 70, 69.5, "待改进", id="70减0.5得69.5-待改进"),
    # 2 × (3×10) = 60 → exactly the 待改进 bound; 2 致命性错误 are counted, the call is NOT zeroed
    pytest.param((3,) * 10, 0, 2, 60, 60, "待改进", id="60有2起致命错误不清零-待改进下限"),
    # 2 × (3×9 + 2) = 2 × 29 = 58 → 不合格
    pytest.param((3, 3, 3, 3, 3, 3, 3, 3, 3, 2), 0, 0, 58, 58, "不合格", id="58-不合格"),
    # 2 × (5+3+5+4+5+2+5+5+5+1) = 2 × 40 = 80 (5 items N/A count 5 each); 1 致命性错误, not zeroed
    pytest.param((NA, 3, NA, 4, NA, 2, NA, 5, NA, 1), 0, 1, 80, 80, "良好", id="半数不涉及加致命错误1起-80"),
    # 2 × 50 = 100 with 5 致命性错误: still 100 (listening-10x4 only counts them)
    pytest.param((5,) * 10, 0, 5, 100, 100, "优秀", id="满分但5起致命错误仍为100"),
    # 2 × 0 = 0, − 5 → max(0, −5) = 0
    pytest.param((0,) * 10, 5, 0, 0, 0, "不合格", id="零分再扣差错仍为0"),
    # 2 × (1+0+…+0+1) = 4, − 10 → max(0, −6) = 0
    pytest.param((1, 0, 0, 0, 0, 0, 0, 0, 0, 1), 10, 0, 4, 0, "不合格", id="4分扣10分不为负得0"),
    # 2 × (2+2+2+2+1+1+1+1+1+1) = 2 × 14 = 28, − 7.5 = 20.5
    pytest.param((2, 2, 2, 2, 1, 1, 1, 1, 1, 1), 7.5, 0, 28, 20.5, "不合格", id="28减7.5得20.5"),
]


@pytest.mark.parametrize("values, err, fatal, call_score, final, grade", CASES)
def test_listening_hand_worked(rubric, values, err, fatal, call_score, final, grade):
    s = score_call(rubric, call(values, err, fatal))
    assert s.call_score == call_score
    assert s.final_score == final
    assert s.grade == grade
    assert s.error_deduction == err
    assert s.fatal_errors == fatal


def test_category_points_and_item_points(rubric):
    # 服务素质 = 5+4+5+5 = 19; 服务能力 = 3+5+5+5+5+5 = 28; call 2 × 47 = 94; − 3 = 91
    s = score_call(rubric, call((5, 4, 5, 5, 3, 5, 5, 5, 5, 5), err=3))
    assert s.category_points == {"服务素质": 19, "服务能力": 28}
    assert s.item_points == dict(zip(ITEMS, (5, 4, 5, 5, 3, 5, 5, 5, 5, 5)))
    assert (s.call_score, s.final_score) == (94, 91)


def test_na_items_count_full_and_are_listed(rubric):
    # N/A items 开场白及挂机, 服务用语, 表达能力 → 5 each;
    # 服务素质 = 5+2+5+3 = 15; 服务能力 = 5+4+4+4+4+4 = 25; call 2 × 40 = 80
    s = score_call(rubric, call((NA, 2, NA, 3, NA, 4, 4, 4, 4, 4)))
    assert s.na_items == ("开场白及挂机", "服务用语", "表达能力")
    assert s.item_points["开场白及挂机"] == 5
    assert s.item_points["表达能力"] == 5
    assert s.category_points == {"服务素质": 15, "服务能力": 25}
    assert s.final_score == 80


def test_absent_item_is_na(rubric):
    # An item missing from the record is N/A too: only 业务能力 = 2 recorded →
    # 2 × (9×5 + 2) = 94
    s = score_call(rubric, CallRecord(items={"业务能力": 2}))
    assert s.final_score == 94
    assert len(s.na_items) == 9


def test_fatal_errors_counted_not_zeroing(rubric):
    # 2 × (4×10) = 80; 3 致命性错误: counted (fatal_errors = 3), no rule zeroes the call
    s = score_call(rubric, call((4,) * 10, fatal=3))
    assert s.fatal_errors == 3
    assert s.call_score == 80 and s.final_score == 80
    assert not any("致命" in r for r in s.rules_fired)


def test_error_deduction_fires_a_rule(rubric):
    # 2 × 50 = 100, − 差错扣分 2.5 = 97.5; the rule is named in 规则 fired
    s = score_call(rubric, call((5,) * 10, err=2.5))
    assert s.final_score == 97.5
    assert any("差错扣分" in r and "2.5" in r for r in s.rules_fired)


def test_no_error_deduction_fires_nothing(rubric):
    s = score_call(rubric, call((5, 4, 5, 5, 3, 5, 5, 5, 5, 5)))
    assert s.rules_fired == ()
    assert s.final_score == 94
