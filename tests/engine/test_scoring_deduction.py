"""Hand-worked scores for 服务规范考核评分表(基准分100) `deduction-base100` (seed 004).

The rules, from the rubric file:
  基准分 100; each 条款 costs its points for every occurrence:
    10 分: o01–o07, o09, o10, o11, o16;   6 分: o08, o12, o17;   5 分: o13, o14, o15.
  Doubled (×2) for each occurrence that caused a complaint — only on 条款 with doubled_when:
    o08 提前挂机或与邻座交谈 (造成客户不满或引起投诉), o09 骚扰电话… (情况严重),
    o10 表扬弄虚作假 (情况严重), o17 没有及时录单或漏单 (影响后续业务流程及客户争议).
  Complaints beyond the occurrence count are ignored; complaints on other 条款 are not doubled.
  grades: 优秀 ≥ 95, 良好 ≥ 90, 达标 ≥ 80, 不达标 < 80.

The rubric is a per-agent monthly ledger (`ledger: {base: 100, period: month}`): the tests of
`score_call` below are what one call's offences cost (base − that call's points, never below 0,
the 评分表's own 最终得分 column); the agent's score is the month's ledger, base − every
occurrence of the month (the last test here; tests/engine/test_ledger.py for the rest).
"""

from __future__ import annotations

import pytest

from zhijian.files.rubrics import load_rubric
from zhijian.engine.scoring import CallRecord, records_frame, score_call, score_frame


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("deduction-base100")


def call(offences=None, complaints=None, **extra) -> CallRecord:
    return CallRecord(items={}, offences=offences or {}, complaints=complaints or {}, **extra)


# (offences, complaints, final, grade)
CASES = [
    # no offence: 100
    pytest.param({}, {}, 100, "优秀", id="无扣分-100"),
    # 100 − o13 5 = 95, exactly the 优秀 bound
    pytest.param({"o13": 1}, {}, 95, "优秀", id="工单表述错误1次-95-优秀下限"),
    # 100 − o08 6 = 94
    pytest.param({"o08": 1}, {}, 94, "良好", id="提前挂机1次-94"),
    # 100 − o01 10 = 90, exactly the 良好 bound
    pytest.param({"o01": 1}, {}, 90, "良好", id="命令语气1次-90-良好下限"),
    # 100 − o13 5 − o14 5 = 90
    pytest.param({"o13": 1, "o14": 1}, {}, 90, "良好", id="两条5分条款-90"),
    # 100 − 2 × 5 (o15 twice) = 90
    pytest.param({"o15": 2}, {}, 90, "良好", id="未查清就录单2次-90"),
    # 100 − o08 6 × 2 (1 occurrence, 1 complaint) = 88
    pytest.param({"o08": 1}, {"o08": 1}, 88, "达标", id="提前挂机引起投诉加倍-88"),
    # o08 2 times, 1 with a complaint: 6 + 6 × 2 = 18 → 82
    pytest.param({"o08": 2}, {"o08": 1}, 82, "达标", id="提前挂机2次其中1次投诉-82"),
    # o08 2 times, 5 complaints → only 2 count: 2 × 12 = 24 → 76
    pytest.param({"o08": 2}, {"o08": 5}, 76, "不达标", id="投诉多于次数只按次数加倍-76"),
    # o01 has no doubled_when: the complaint does not double it → 100 − 10 = 90
    pytest.param({"o01": 1}, {"o01": 1}, 90, "良好", id="无加倍条款的投诉不加倍-90"),
    # o17 1 with complaint: 12; o12 1: 6 → 100 − 18 = 82
    pytest.param({"o17": 1, "o12": 1}, {"o17": 1}, 82, "达标", id="漏单投诉加倍加错误登记-82"),
    # o09 情况严重: 10 × 2 = 20 → 80, exactly the 达标 bound
    pytest.param({"o09": 1}, {"o09": 1}, 80, "达标", id="骚扰电话情况严重加倍-80-达标下限"),
    # o05 10 + o12 6 = 16 → 84
    pytest.param({"o05": 1, "o12": 1}, {}, 84, "达标", id="错误登记两条分列-84"),
    # o13 + o14 + o15 = 15 → 85
    pytest.param({"o13": 1, "o14": 1, "o15": 1}, {}, 85, "达标", id="三条5分条款-85"),
    # o01 10 + o13 5 + o12 6 = 21 → 79
    pytest.param({"o01": 1, "o13": 1, "o12": 1}, {}, 79, "不达标", id="79-不达标"),
    # o10 3 times, 3 情况严重: 3 × 20 = 60 → 40
    pytest.param({"o10": 3}, {"o10": 3}, 40, "不达标", id="表扬造假3次均严重-40"),
    # complaints without any occurrence cost nothing → 100
    pytest.param({}, {"o08": 2, "o17": 1}, 100, "优秀", id="只有投诉没有发生不扣分-100"),
    # o08 3 × 12 + o17 3 × 12 = 72 → 28
    pytest.param({"o08": 3, "o17": 3}, {"o08": 3, "o17": 3}, 28, "不达标", id="两条加倍各3次-28"),
    # o01, o03, o06, o16 3 times each: 12 × 10 = 120 → 100 − 120 = −20 → floor 0
    pytest.param({"o01": 3, "o03": 3, "o06": 3, "o16": 3}, {}, 0, "不达标", id="扣分超过100不为负-0"),
    # exactly 100 off: o02 ×4 (40) + o07 ×3 (30) + o11 ×3 (30) → 0
    pytest.param({"o02": 4, "o07": 3, "o11": 3}, {}, 0, "不达标", id="正好扣满100-0"),
    # o04 ×2 (20, its complaints ignored: no doubled_when) + o08 ×1 with complaint (12) + o14 ×1 (5) = 37 → 63
    pytest.param({"o04": 2, "o08": 1, "o14": 1}, {"o08": 1, "o04": 2}, 63, "不达标", id="混合条款-63"),
]


@pytest.mark.parametrize("offences, complaints, final, grade", CASES)
def test_deduction_hand_worked(rubric, offences, complaints, final, grade):
    s = score_call(rubric, call(offences, complaints))
    assert s.final_score == final
    assert s.call_score == final
    assert s.grade == grade


def test_offence_points_per_rule(rubric):
    # o08 2 times with 1 complaint: 6 + 12 = 18; o13 once: 5; o01 once with a (not doubling) complaint: 10
    # 100 − 33 = 67
    s = score_call(rubric, call({"o08": 2, "o13": 1, "o01": 1}, {"o08": 1, "o01": 1}))
    assert s.offence_points == {"o01": 10, "o08": 18, "o13": 5}
    assert s.final_score == 67


def test_doubling_is_named_in_rules_fired(rubric):
    # o08 1 with complaint → "…加倍 -12"; o01 with complaint → not doubled, no 加倍 mention
    s = score_call(rubric, call({"o08": 1, "o01": 1}, {"o08": 1, "o01": 1}))
    o08 = [r for r in s.rules_fired if "提前挂机" in r]
    o01 = [r for r in s.rules_fired if "命令语气" in r]
    assert len(o08) == 1 and "加倍" in o08[0] and "12" in o08[0]
    assert len(o01) == 1 and "加倍" not in o01[0]
    assert s.final_score == 78  # 100 − 12 − 10


def test_floor_at_zero_keeps_offence_points(rubric):
    # 11 occurrences of o06 = 110 off; the call stops at 0, the offence still shows 110
    s = score_call(rubric, call({"o06": 11}))
    assert s.offence_points == {"o06": 110}
    assert s.call_score == 0 and s.final_score == 0


def test_no_items_no_categories(rubric):
    # A pure offence form: no item or category points, and nothing is N/A
    s = score_call(rubric, call({"o13": 1}))
    assert s.item_points == {} and s.category_points == {} and s.na_items == ()
    assert s.final_score == 95


def test_error_deduction_and_fatal_errors_ignored(rubric):
    # Neither is enabled in deduction-base100: 100 − o13 5 = 95, nothing else
    s = score_call(rubric, call({"o13": 1}, error_deduction=7, fatal_errors=2))
    assert s.final_score == 95
    assert s.error_deduction == 0 and s.fatal_errors == 0


def test_the_agents_score_is_the_months_ledger_not_the_mean_of_its_calls(rubric):
    import datetime as dt

    from zhijian.engine.ledger import build_ledger
    from zhijian.engine.periods import parse_period

    records = [call() for _ in range(10)]
    records[2], records[5] = call({"o01": 1}), call({"o08": 1}, {"o08": 1})
    calls = records_frame(rubric, records).assign(
        agent_id="B001", agent_name="李四", team="一组", recording_id=[f"R{k}" for k in range(10)],
        date=[dt.date(2026, 10, 1 + k) for k in range(10)])
    # Per call: 90 and 100 − 2 × 6 = 88, the rest 100: their mean (90 + 88 + 800) / 10 = 97.8 (优秀)
    assert score_frame(rubric, calls)["final_score"].mean() == pytest.approx(97.8)
    # The agent's month: 100 − 10 − 12 = 78 (不达标)
    led = build_ledger(rubric, calls, parse_period("2026-10"))
    assert led.scores() == {"B001": 78} and led.frame()["等级"].tolist() == ["不达标"]
