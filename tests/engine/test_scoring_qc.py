"""Hand-worked scores for 服务质量评分标准v3.1 `qc-v3.1` (seed 000).

The rules, from the rubric file:
  规范用语 9      = 问候语 2 + 结束语 2 + 称呼语 1 + 响应语 2 + 礼貌用语 2
  语音语调语速 10 = 吐字清晰 2 + 语调适当起伏 2 + 声音修饰 1 + 是否拖音 2 + 语速适中 2 + 停顿适当 1
  服务意识 37     = 服务热情 6 + 服务耐心 6 + 服务主动性 6 + 服务责任 15 + 致歉语 4
  服务专业度 30   = 等待时长 10 + 理解能力 10 + 表达能力 10
  业务要求 14     = 基本要求1 6 + 基本要求2 5 + 产品版本确认 2 + 非技术解答 1
  call score = 1 × Σ categories (100 = full marks); 不涉及 (None) = the item's maximum.
  加分 (+1 each, at most once, lift none → never above the item's maximum):
    warm_greeting → 问候语, praised_online_help → 等待时长, guiding_questions → 理解能力.
  减分 (−1, at most once, never below 0): unverified_identity → 基本要求1.
  清零: forbidden_words → 礼貌用语 = 0 (item); no_engineer → 整通 = 0 (call).
  No 差错扣分 and no 致命性错误 in this rubric (given values are ignored).
  grades: 优秀 ≥ 95, 良好 ≥ 90, 达标 ≥ 80, 不达标 < 80.
"""

from __future__ import annotations

import pytest

from zhijian.files.rubrics import load_rubric
from zhijian.engine.scoring import CallRecord, score_call

FULL = {
    "问候语": 2, "结束语": 2, "称呼语": 1, "响应语": 2, "礼貌用语": 2,
    "吐字清晰": 2, "语调适当起伏": 2, "声音修饰": 1, "是否拖音": 2, "语速适中": 2, "停顿适当": 1,
    "服务热情": 6, "服务耐心": 6, "服务主动性": 6, "服务责任": 15, "致歉语": 4,
    "等待时长": 10, "理解能力": 10, "表达能力": 10,
    "基本要求1": 6, "基本要求2": 5, "产品版本确认": 2, "非技术解答": 1,
}
NA = None


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("qc-v3.1")


def call(changes=None, bonuses=(), deductions=(), zero=(), **extra) -> CallRecord:
    """Every item at full marks, except `changes` (None = 不涉及); rule ids fired once each."""
    items = dict(FULL)
    items.update(changes or {})
    return CallRecord(items=items, bonuses={b: 1 for b in bonuses},
                      deductions={d: 1 for d in deductions}, zero_outs=frozenset(zero), **extra)


def test_full_table_adds_up(rubric):
    # 9 + 10 + 37 + 30 + 14 = 100
    assert sum(FULL.values()) == 100
    assert [i.name for i in rubric.items] == list(FULL)


# (record, final, grade)
CASES = [
    # 9 + 10 + 37 + 30 + 14 = 100
    pytest.param(call(), 100, "优秀", id="满分100-优秀"),
    # nothing recorded: every item 不涉及 → full marks → 100
    pytest.param(CallRecord(items={}), 100, "优秀", id="全部不涉及按满分-100"),
    # 问候语 1 + 加分 1 = 2 (= max 2) → 100
    pytest.param(call({"问候语": 1}, bonuses=["warm_greeting"]), 100, "优秀", id="问候语1加1分补满-100"),
    # 问候语 2 + 1 = 3, capped at max 2 (lift none) → 100
    pytest.param(call(bonuses=["warm_greeting"]), 100, "优秀", id="问候语满分加分封顶-100"),
    # 问候语 0 + 1 = 1 → 规范用语 8 → 100 − 1 = 99
    pytest.param(call({"问候语": 0}, bonuses=["warm_greeting"]), 99, "优秀", id="问候语0加1分-99"),
    # 等待时长 6 + 1 = 7, 理解能力 8 + 1 = 9, 表达能力 10 → 服务专业度 26 → 100 − 4 = 96
    pytest.param(call({"等待时长": 6, "理解能力": 8}, bonuses=["praised_online_help", "guiding_questions"]),
                 96, "优秀", id="等待时长与理解能力各加1分-96"),
    # 基本要求1 4 − 1 = 3 → 业务要求 11 → 100 − 3 = 97
    pytest.param(call({"基本要求1": 4}, deductions=["unverified_identity"]), 97, "优秀", id="基本要求1为4减1分-97"),
    # 基本要求1 0 − 1 → max(0, −1) = 0 → 业务要求 8 → 94
    pytest.param(call({"基本要求1": 0}, deductions=["unverified_identity"]), 94, "良好", id="基本要求1为0减分不为负-94"),
    # 基本要求1 不涉及 → 6, − 1 = 5 → 业务要求 13 → 99
    pytest.param(call({"基本要求1": NA}, deductions=["unverified_identity"]), 99, "优秀", id="基本要求1不涉及再减1分-99"),
    # 出现服务禁语: 礼貌用语 2 → 0 → 规范用语 7 → 98
    pytest.param(call(zero=["forbidden_words"]), 98, "优秀", id="服务禁语礼貌用语清零-98"),
    # 礼貌用语 不涉及 (= 2) but 服务禁语 → 0 → 98
    pytest.param(call({"礼貌用语": NA}, zero=["forbidden_words"]), 98, "优秀", id="礼貌用语不涉及仍被禁语清零-98"),
    # 整通电话未有热线工程师接线 → call 0
    pytest.param(call(zero=["no_engineer"]), 0, "不达标", id="无工程师接线整通0分"),
    # 服务责任 10 (−5) → 服务意识 32 → 95, exactly the 优秀 bound
    pytest.param(call({"服务责任": 10}), 95, "优秀", id="服务责任10得95-优秀下限"),
    # 服务热情 3 (−3), 称呼语 0 (−1), 声音修饰 0 (−1), 停顿适当 0 (−1) → 100 − 6 = 94
    pytest.param(call({"服务热情": 3, "称呼语": 0, "声音修饰": 0, "停顿适当": 0}), 94, "良好", id="94-良好"),
    # 服务责任 12 (−3), 表达能力 8 (−2), 致歉语 2 (−2), 非技术解答 0 (−1), 产品版本确认 1 (−1),
    # 问候语 1 (−1) → 100 − 10 = 90, exactly the 良好 bound
    pytest.param(call({"服务责任": 12, "表达能力": 8, "致歉语": 2, "非技术解答": 0, "产品版本确认": 1, "问候语": 1}),
                 90, "良好", id="90-良好下限"),
    # 等待时长 0 (−10), 称呼语 0 (−1) → 89
    pytest.param(call({"等待时长": 0, "称呼语": 0}), 89, "达标", id="89-达标"),
    # 服务责任 4 (−11), 表达能力 2 (−8), 声音修饰 0 (−1) → 100 − 20 = 80, exactly the 达标 bound
    pytest.param(call({"服务责任": 4, "表达能力": 2, "声音修饰": 0}), 80, "达标", id="80-达标下限"),
    # the same plus 停顿适当 0 (−1) → 79
    pytest.param(call({"服务责任": 4, "表达能力": 2, "声音修饰": 0, "停顿适当": 0}), 79, "不达标", id="79-不达标"),
    # everything 0; + 问候语 1, 等待时长 1, 理解能力 1 (bonuses), 基本要求1 0 − 1 → 0 → 3
    pytest.param(call({k: 0 for k in FULL}, bonuses=["warm_greeting", "praised_online_help", "guiding_questions"],
                      deductions=["unverified_identity"]), 3, "不达标", id="全0分加3个加分-3"),
    # 差错扣分 and 致命性错误 are not part of this rubric: ignored → 100
    pytest.param(call(fatal_errors=3, error_deduction=5), 100, "优秀", id="本标准无差错扣分与致命错误-100"),
    # 问候语 1 + 1 = 2; 礼貌用语 清零 (−2); 服务耐心 3 (−3); 基本要求2 3 (−2) → 100 − 7 = 93
    pytest.param(call({"问候语": 1, "服务耐心": 3, "基本要求2": 3}, bonuses=["warm_greeting"], zero=["forbidden_words"]),
                 93, "良好", id="加分清零与低分组合-93"),
]


@pytest.mark.parametrize("record, final, grade", CASES)
def test_qc_hand_worked(rubric, record, final, grade):
    s = score_call(rubric, record)
    assert s.final_score == final
    assert s.call_score == final  # no 差错扣分 in qc-v3.1
    assert s.grade == grade


def test_bonus_capped_at_item_max(rubric):
    # 问候语 2 + 1 = 3 → capped at 2; the bonus is still recorded as applied
    s = score_call(rubric, call(bonuses=["warm_greeting"]))
    assert s.item_points["问候语"] == 2
    assert s.category_points["规范用语"] == 9
    assert s.bonuses_applied == {"warm_greeting": 1}
    assert any("加分" in r and "问候语" in r for r in s.rules_fired)


def test_bonus_counted_at_most_max_times(rubric):
    # warm_greeting given 3 times, max_times 1: 问候语 0 + 1 = 1 → 规范用语 8 → 99
    r = CallRecord(items={"问候语": 0}, bonuses={"warm_greeting": 3})
    s = score_call(rubric, r)
    assert s.item_points["问候语"] == 1
    assert s.bonuses_applied == {"warm_greeting": 1}
    assert s.final_score == 99


def test_deduction_never_below_zero(rubric):
    # 基本要求1 0 − 1 → 0; 业务要求 = 0 + 5 + 2 + 1 = 8; call 100 − 6 = 94
    s = score_call(rubric, call({"基本要求1": 0}, deductions=["unverified_identity"]))
    assert s.item_points["基本要求1"] == 0
    assert s.category_points["业务要求"] == 8
    assert s.deductions_applied == {"unverified_identity": 1}
    assert s.final_score == 94


def test_deduction_counted_at_most_max_times(rubric):
    # unverified_identity given 4 times, max_times 1: 基本要求1 6 − 1 = 5 → 99
    s = score_call(rubric, CallRecord(items={}, deductions={"unverified_identity": 4}))
    assert s.item_points["基本要求1"] == 5
    assert s.final_score == 99


def test_item_zero_out(rubric):
    # 礼貌用语 2 → 0; 规范用语 = 2 + 2 + 1 + 2 + 0 = 7; call 98
    s = score_call(rubric, call(zero=["forbidden_words"]))
    assert s.item_points["礼貌用语"] == 0
    assert s.category_points["规范用语"] == 7
    assert s.final_score == 98
    assert any("清零" in r and "礼貌用语" in r for r in s.rules_fired)


def test_call_zero_out_keeps_item_points(rubric):
    # 整通 = 0; the items themselves are still scored (问候语 1 + 1 = 2, 规范用语 9)
    s = score_call(rubric, call({"问候语": 1}, bonuses=["warm_greeting"], zero=["no_engineer"]))
    assert s.item_points["问候语"] == 2
    assert s.category_points["规范用语"] == 9
    assert s.call_score == 0 and s.final_score == 0
    assert s.grade == "不达标"
    assert any("整通" in r for r in s.rules_fired)


def test_category_points_of_a_mixed_call(rubric):
    # 规范用语 = 1+2+1+2+2 = 8; 语音语调语速 = 2+0+1+2+2+1 = 8;
    # 服务意识 = 6+3+6+8+4 = 27; 业务要求 = 4+5+2+1 = 12;
    # 服务专业度 = 等待时长 (4 + 1 praised = 5) + 理解能力 5 + 表达能力 6 = 16
    # call = 8 + 8 + 27 + 16 + 12 = 71
    s = score_call(rubric, call({"问候语": 1, "语调适当起伏": 0, "服务耐心": 3, "服务责任": 8,
                                 "等待时长": 4, "理解能力": 5, "表达能力": 6, "基本要求1": 4},
                                bonuses=["praised_online_help"]))
    assert s.category_points == {"规范用语": 8, "语音语调语速": 8, "服务意识": 27, "服务专业度": 16, "业务要求": 12}
    assert s.item_points["等待时长"] == 5
    assert s.final_score == 71
    assert s.grade == "不达标"


def test_unknown_rule_ids_are_ignored(rubric):
    # A bonus id the rubric does not define adds nothing: 问候语 1 → 99
    s = score_call(rubric, CallRecord(items={"问候语": 1}, bonuses={"no_such_bonus": 1}))
    assert s.final_score == 99
    assert s.bonuses_applied == {}


# --- rules no shipped rubric uses: bonus lift, category zero-out --------------------------------
# A small rubric: 规范用语 = 问候语 2 + 结束语 3 (max 5), 服务意识 = 服务责任 5; full marks 10, scale 1.
# 加分 “问候语热情” +1 on 问候语 (at most twice), 减分 “问候语不完整” −1 on 问候语 (once).

LIFT_RUBRIC = """\
id: t
name: 加分测试
version: "1"
marks: {{full: 10, good: 8, pass: 6}}
categories:
  - name: 规范用语
    items:
      - {{name: 问候语, max: 2, levels: [2, 1, 0]}}
      - {{name: 结束语, max: 3}}
  - name: 服务意识
    items:
      - {{name: 服务责任, max: 5}}
bonuses:
  - {{id: warm, name: 问候语热情, item: 问候语, points: 1, max_times: 2, lift: {lift}}}
deductions:
  - {{id: partial, name: 问候语不完整, item: 问候语, points: 1}}
zero_outs:
  - {{id: zero_greeting, name: 问候语清零, scope: item, target: 问候语}}
  - {{id: zero_norms, name: 规范用语清零, scope: category, target: 规范用语}}
  - {{id: zero_call, name: 整通清零, scope: call}}
grades:
  - {{name: 好, min: 8}}
  - {{name: 差, min: 0}}
"""


def lift_rubric(lift: str):
    from zhijian.files.rubrics import parse_rubric
    return parse_rubric(LIFT_RUBRIC.format(lift=lift), "t.yaml")


def small(greeting, closing, duty, warm=0, partial=0, zero=()):
    return CallRecord(items={"问候语": greeting, "结束语": closing, "服务责任": duty},
                      bonuses={"warm": warm}, deductions={"partial": partial}, zero_outs=frozenset(zero))


# (lift, record, 问候语 points, 规范用语 points, call score)
LIFT_CASES = [
    # none: 问候语 2 + 2 = 4 → capped 2; 规范用语 2 + 3 = 5; call 5 + 5 = 10
    pytest.param("none", small(2, 3, 5, warm=2), 2, 5, 10, id="none-满分加分封顶在项满分"),
    # none: 问候语 0 + 2 = 2 (= max); 规范用语 5; call 10
    pytest.param("none", small(0, 3, 5, warm=2), 2, 5, 10, id="none-0分加2分补满"),
    # none: 问候语 0 + 1 = 1; 结束语 0; 规范用语 1; call 1 + 5 = 6
    pytest.param("none", small(0, 0, 5, warm=1), 1, 1, 6, id="none-加1分"),
    # none: 问候语 2 + 1 − 1 = 2 (bonus and deduction added before the cap); call 10
    pytest.param("none", small(2, 3, 5, warm=1, partial=1), 2, 5, 10, id="none-满分加1减1仍满分"),
    # none: 问候语 2 + 2 − 1 = 3 → capped 2; call 10
    pytest.param("none", small(2, 3, 5, warm=2, partial=1), 2, 5, 10, id="none-加2减1封顶"),
    # none: 问候语 1 + 1 − 1 = 1; 规范用语 4; call 9
    pytest.param("none", small(1, 3, 5, warm=1, partial=1), 1, 4, 9, id="none-1分加1减1"),
    # none: 问候语 0 − 1 → 0 (never below 0); 规范用语 3; call 8
    pytest.param("none", small(0, 3, 5, partial=1), 0, 3, 8, id="none-减分不为负"),
    # item: 问候语 2 + 2 = 4 (above its max); 规范用语 4 + 3 = 7 → capped 5; call 10
    pytest.param("item", small(2, 3, 5, warm=2), 4, 5, 10, id="item-项可超满分但类别封顶"),
    # item: 问候语 4; 结束语 1; 规范用语 5 (= max); call 10
    pytest.param("item", small(2, 1, 5, warm=2), 4, 5, 10, id="item-加分补足类别内其他项"),
    # item: 问候语 4; 结束语 0; 规范用语 4; call 4 + 5 = 9
    pytest.param("item", small(2, 0, 5, warm=2), 4, 4, 9, id="item-类别未满"),
    # item: 问候语 2 + 1 = 3; 结束语 0; 规范用语 3; 服务责任 3; call 6
    pytest.param("item", small(2, 0, 3, warm=1), 3, 3, 6, id="item-加1分"),
    # item: 问候语 2 + 2 − 1 = 3; 结束语 0; 规范用语 3; call 3 + 5 = 8
    pytest.param("item", small(2, 0, 5, warm=2, partial=1), 3, 3, 8, id="item-加2减1"),
    # category: 问候语 4; 规范用语 4 + 3 = 7 (above its max 5); call 7 + 5 = 12 → capped 10
    pytest.param("category", small(2, 3, 5, warm=2), 4, 7, 10, id="category-整通不超满分"),
    # category: 规范用语 7; 服务责任 0; call 7
    pytest.param("category", small(2, 3, 0, warm=2), 4, 7, 7, id="category-类别可超满分"),
    # category: 规范用语 7; 服务责任 2; call 9
    pytest.param("category", small(2, 3, 2, warm=2), 4, 7, 9, id="category-9分"),
    # category: 问候语 3; 规范用语 6; 服务责任 4; call 10
    pytest.param("category", small(2, 3, 4, warm=1), 3, 6, 10, id="category-正好10分"),
    # category: 问候语 4; 规范用语 7; 服务责任 4; call 11 → capped 10
    pytest.param("category", small(2, 3, 4, warm=2), 4, 7, 10, id="category-11分封顶10"),
]


@pytest.mark.parametrize("lift, record, greeting, norms, call_score", LIFT_CASES)
def test_bonus_lift(lift, record, greeting, norms, call_score):
    s = score_call(lift_rubric(lift), record)
    assert s.item_points["问候语"] == greeting
    assert s.category_points["规范用语"] == norms
    assert s.call_score == call_score == s.final_score


# (lift, record, 问候语 points, 规范用语 points, call score)
ZERO_CASES = [
    # category zero-out: items keep their points (2, 3) but 规范用语 = 0; call 0 + 5 = 5
    pytest.param("none", small(2, 3, 5, zero=["zero_norms"]), 2, 0, 5, id="类别清零"),
    # category zero-out beats a category lift: 规范用语 would be 7, is 0; call 5
    pytest.param("category", small(2, 3, 5, warm=2, zero=["zero_norms"]), 4, 0, 5, id="类别清零优先于类别加分"),
    # category zero-out with 服务责任 3: call 3
    pytest.param("none", small(1, 2, 3, zero=["zero_norms"]), 1, 0, 3, id="类别清零-3分"),
    # item zero-out beats a bonus: 问候语 1 + 2 → 0; 规范用语 0 + 3 = 3; call 8
    pytest.param("item", small(1, 3, 5, warm=2, zero=["zero_greeting"]), 0, 3, 8, id="项清零优先于加分"),
    # item zero-out on an N/A item: 问候语 N/A = 2 → 0; 规范用语 3; call 8
    pytest.param("none", small(None, 3, 5, zero=["zero_greeting"]), 0, 3, 8, id="不涉及项被清零"),
    # call zero-out: items and categories are still scored, the call is 0
    pytest.param("category", small(2, 3, 5, warm=2, zero=["zero_call"]), 4, 7, 0, id="整通清零"),
]


@pytest.mark.parametrize("lift, record, greeting, norms, call_score", ZERO_CASES)
def test_zero_outs_small_rubric(lift, record, greeting, norms, call_score):
    s = score_call(lift_rubric(lift), record)
    assert s.item_points["问候语"] == greeting
    assert s.category_points["规范用语"] == norms
    assert s.call_score == call_score == s.final_score


def test_category_zero_out_is_named():
    s = score_call(lift_rubric("none"), small(2, 3, 5, zero=["zero_norms"]))
    assert any("清零" in r and "规范用语" in r for r in s.rules_fired)
    assert s.grade == "差"  # 5 < 8
