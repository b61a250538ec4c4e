"""Hand-worked scores for 服务质量评分标准v3.1 `qc-v3.1` (seed 000), read as the seed prints it.

The rules, from the rubric file (every number cites the seed there):
  规范用语 10     = 问候语 2 + 结束语 2 + 称呼语 2 + 响应语 4
  礼貌用语 8      = 普通话 2 + 礼貌用语恰当 2 + 致谢语 1 + 回敬语 1 + 致歉语 2
  语音语调语速 10 = 吐字清晰 2 + 语调适当起伏 2 + 声音修饰 1 + 是否拖音 2 + 语速适中 2 + 停顿适当 1
  服务意识 37     = 服务热情 10 + 服务耐心 6 + 服务主动性 6 + 服务责任 15
  服务专业度 30   = 等待时长 10 + 理解能力 10 + 表达能力 10
  业务要求 14     = 基本要求1 6 + 基本要求2 5 + 产品版本确认 2 + 非技术解答 1
  raw = Σ categories, 109 at full marks; call score = raw × 100/109, at most 100 (6 decimals).
  不涉及 (None) = the item's maximum.
  加分 (+1 each, at most once, lift category → the item and its category may go above their maxima,
    the call not above 100): warm_greeting → 问候语, praised_online_help → 等待时长,
    guiding_questions → 理解能力.
  减分 (−1, at most once, never below 0): unverified_identity → 基本要求1.
  清零: forbidden_words → 礼貌用语恰当 = 0 (item); no_engineer → 整通 = 0 (call).
  No 差错扣分 and no 致命性错误 in this rubric (given values are ignored).
  grades: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 < 60 (in raw points: 优秀 from 98.1, 良好 from 87.2,
  合格 from 65.4, so raw 99 is 优秀 and 98 is not).
"""

from __future__ import annotations

import pytest

from zhijian.files.rubrics import load_rubric
from zhijian.engine.scoring import CallRecord, score_call

FULL = {
    "问候语": 2, "结束语": 2, "称呼语": 2, "响应语": 4,
    "普通话": 2, "礼貌用语恰当": 2, "致谢语": 1, "回敬语": 1, "致歉语": 2,
    "吐字清晰": 2, "语调适当起伏": 2, "声音修饰": 1, "是否拖音": 2, "语速适中": 2, "停顿适当": 1,
    "服务热情": 10, "服务耐心": 6, "服务主动性": 6, "服务责任": 15,
    "等待时长": 10, "理解能力": 10, "表达能力": 10,
    "基本要求1": 6, "基本要求2": 5, "产品版本确认": 2, "非技术解答": 1,
}
NA = None
ALL_BONUSES = ["warm_greeting", "praised_online_help", "guiding_questions"]


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("qc-v3.1")


def call(changes=None, bonuses=(), deductions=(), zero=(), **extra) -> CallRecord:
    """Every item at full marks, except `changes` (None = 不涉及); rule ids fired once each."""
    items = dict(FULL)
    items.update(changes or {})
    return CallRecord(items=items, bonuses={b: 1 for b in bonuses},
                      deductions={d: 1 for d in deductions}, zero_outs=frozenset(zero), **extra)


def test_the_seed_totals_109_raw_points(rubric):
    # 10 + 8 + 10 + 37 + 30 + 14 = 109
    assert sum(FULL.values()) == 109
    assert [i.name for i in rubric.items] == list(FULL)
    assert {c.name: c.max_points for c in rubric.categories} == {
        "规范用语": 10, "礼貌用语": 8, "语音语调语速": 10, "服务意识": 37, "服务专业度": 30, "业务要求": 14}
    assert rubric.scale.text == "100/109" and rubric.full_marks == 100


# (record, raw points, final score, grade): final = raw × 100/109, 6 decimals, at most 100
CASES = [
    # 109 → 109 × 100/109 = 100
    pytest.param(call(), 109, 100, "优秀", id="满分109-100"),
    # nothing recorded: every item 不涉及 → its maximum → 109 → 100
    pytest.param(CallRecord(items={}), 109, 100, "优秀", id="全部不涉及按满分-100"),
    # 问候语 1 + 1 = 2 → 109 → 100
    pytest.param(call({"问候语": 1}, bonuses=["warm_greeting"]), 109, 100, "优秀", id="问候语1加1分补满-100"),
    # 问候语 2 + 1 = 3 (lift category) → 规范用语 11 → 110 → 100.917431, capped at 100
    pytest.param(call(bonuses=["warm_greeting"]), 110, 100, "优秀", id="满分再加1分封顶100"),
    # all three bonuses on a full call: 112 → 102.752294, capped at 100
    pytest.param(call(bonuses=ALL_BONUSES), 112, 100, "优秀", id="三个加分封顶100"),
    # 结束语 0 (−2), 问候语 2 + 1 = 3 (+1): 规范用语 3 + 0 + 2 + 4 = 9 → 108 → 10800/109 = 99.082569
    # (with lift none 问候语 would stay 2 and the call 107: the bonus does something)
    pytest.param(call({"结束语": 0}, bonuses=["warm_greeting"]), 108, 99.082569, "优秀", id="加分补回结束语-108"),
    # 服务热情 6 (−4), three bonuses (+3) → 108 → 99.082569
    pytest.param(call({"服务热情": 6}, bonuses=ALL_BONUSES), 108, 99.082569, "优秀", id="服务热情6加3分-108"),
    # 等待时长 6 + 1 = 7, 理解能力 8 + 1 = 9: 服务专业度 26 → 105 → 10500/109 = 96.330275
    pytest.param(call({"等待时长": 6, "理解能力": 8}, bonuses=["praised_online_help", "guiding_questions"]),
                 105, 96.330275, "优秀", id="等待时长与理解能力各加1分-105"),
    # 等待时长 10 + 1 = 11, 表达能力 6: 服务专业度 11 + 10 + 6 = 27 → 106 → 97.247706
    pytest.param(call({"表达能力": 6}, bonuses=["praised_online_help"]), 106, 97.247706, "优秀",
                 id="满分项加分补回同类别-106"),
    # 基本要求1 4 − 1 = 3 (−3) → 106 → 97.247706
    pytest.param(call({"基本要求1": 4}, deductions=["unverified_identity"]), 106, 97.247706, "优秀",
                 id="基本要求1为4减1分-106"),
    # 基本要求1 0 − 1 → max(0, −1) = 0 (−6) → 103 → 10300/109 = 94.495413
    pytest.param(call({"基本要求1": 0}, deductions=["unverified_identity"]), 103, 94.495413, "优秀",
                 id="基本要求1为0减分不为负-103"),
    # 基本要求1 不涉及 → 6, − 1 = 5 → 108 → 99.082569
    pytest.param(call({"基本要求1": NA}, deductions=["unverified_identity"]), 108, 99.082569, "优秀",
                 id="基本要求1不涉及再减1分-108"),
    # 出现服务禁语: 礼貌用语恰当 2 → 0 → 礼貌用语 6 → 107 → 10700/109 = 98.165138
    pytest.param(call(zero=["forbidden_words"]), 107, 98.165138, "优秀", id="服务禁语礼貌用语恰当清零-107"),
    # 礼貌用语恰当 不涉及 (= 2) but 服务禁语 → 0 → 107
    pytest.param(call({"礼貌用语恰当": NA}, zero=["forbidden_words"]), 107, 98.165138, "优秀",
                 id="不涉及仍被禁语清零-107"),
    # 整通电话未有热线工程师接线 → the call is 0 (the items still add up to 109)
    pytest.param(call(zero=["no_engineer"]), 109, 0, "不合格", id="无工程师接线整通0分"),
    # grade edges. 服务责任 10 (−5), 问候语 1 (−1), 结束语 0 (−2), 致谢语 0 (−1), 停顿适当 0 (−1):
    # 109 − 10 = 99 → 9900/109 = 90.825688 优秀
    pytest.param(call({"服务责任": 10, "问候语": 1, "结束语": 0, "致谢语": 0, "停顿适当": 0}), 99, 90.825688,
                 "优秀", id="99-优秀"),
    # the same and 回敬语 0 (−1): 98 → 9800/109 = 89.908257 良好
    pytest.param(call({"服务责任": 10, "问候语": 1, "结束语": 0, "致谢语": 0, "停顿适当": 0, "回敬语": 0}),
                 98, 89.908257, "良好", id="98-良好"),
    # 服务热情 0 (−10), 服务责任 4 (−11): 88 → 8800/109 = 80.733945 良好
    pytest.param(call({"服务热情": 0, "服务责任": 4}), 88, 80.733945, "良好", id="88-良好"),
    # the same and 声音修饰 0 (−1): 87 → 8700/109 = 79.816514 合格
    pytest.param(call({"服务热情": 0, "服务责任": 4, "声音修饰": 0}), 87, 79.816514, "合格", id="87-合格"),
    # 服务热情 0 (−10), 服务责任 0 (−15), 等待时长 0 (−10), 表达能力 2 (−8): 66 → 6600/109 = 60.550459 合格
    pytest.param(call({"服务热情": 0, "服务责任": 0, "等待时长": 0, "表达能力": 2}), 66, 60.550459, "合格",
                 id="66-合格"),
    # the same and 非技术解答 0 (−1): 65 → 6500/109 = 59.633028 不合格
    pytest.param(call({"服务热情": 0, "服务责任": 0, "等待时长": 0, "表达能力": 2, "非技术解答": 0}), 65,
                 59.633028, "不合格", id="65-不合格"),
    # everything 0; + 问候语 1, 等待时长 1, 理解能力 1 (bonuses), 基本要求1 0 − 1 → 0: 3 → 300/109 = 2.752294
    pytest.param(call({k: 0 for k in FULL}, bonuses=ALL_BONUSES, deductions=["unverified_identity"]), 3,
                 2.752294, "不合格", id="全0分加3个加分-3"),
    # 差错扣分 and 致命性错误 are not part of this rubric: ignored → 100
    pytest.param(call(fatal_errors=3, error_deduction=5), 109, 100, "优秀", id="本标准无差错扣分与致命错误-100"),
]


@pytest.mark.parametrize("record, raw, final, grade", CASES)
def test_qc_hand_worked(rubric, record, raw, final, grade):
    s = score_call(rubric, record)
    assert sum(s.category_points.values()) == raw
    assert s.final_score == final
    assert s.call_score == final  # no 差错扣分 in qc-v3.1
    assert s.grade == grade


def test_a_bonus_lifts_a_full_item_and_its_category(rubric):
    # 问候语 2 + 1 = 3 (above its max 2), 规范用语 3 + 2 + 2 + 4 = 11 (above its max 10); the call is
    # 110 × 100/109 = 100.92, capped at 100; the bonus is recorded as applied
    s = score_call(rubric, call(bonuses=["warm_greeting"]))
    assert s.item_points["问候语"] == 3
    assert s.category_points["规范用语"] == 11
    assert s.final_score == 100
    assert s.bonuses_applied == {"warm_greeting": 1}
    assert any("加分" in r and "问候语" in r for r in s.rules_fired)


def test_bonus_counted_at_most_max_times(rubric):
    # warm_greeting given 3 times, max_times 1: 问候语 0 + 1 = 1 → 规范用语 9 → 108 → 99.082569
    r = CallRecord(items={"问候语": 0}, bonuses={"warm_greeting": 3})
    s = score_call(rubric, r)
    assert s.item_points["问候语"] == 1
    assert s.bonuses_applied == {"warm_greeting": 1}
    assert s.final_score == 99.082569


def test_deduction_never_below_zero(rubric):
    # 基本要求1 0 − 1 → 0; 业务要求 = 0 + 5 + 2 + 1 = 8; 103 → 94.495413
    s = score_call(rubric, call({"基本要求1": 0}, deductions=["unverified_identity"]))
    assert s.item_points["基本要求1"] == 0
    assert s.category_points["业务要求"] == 8
    assert s.deductions_applied == {"unverified_identity": 1}
    assert s.final_score == 94.495413


def test_deduction_counted_at_most_max_times(rubric):
    # unverified_identity given 4 times, max_times 1: 基本要求1 6 − 1 = 5 → 108 → 99.082569
    s = score_call(rubric, CallRecord(items={}, deductions={"unverified_identity": 4}))
    assert s.item_points["基本要求1"] == 5
    assert s.final_score == 99.082569


def test_item_zero_out(rubric):
    # 礼貌用语恰当 2 → 0; 礼貌用语 = 2 + 0 + 1 + 1 + 2 = 6; 107 → 98.165138
    s = score_call(rubric, call(zero=["forbidden_words"]))
    assert s.item_points["礼貌用语恰当"] == 0
    assert s.category_points["礼貌用语"] == 6
    assert s.final_score == 98.165138
    assert any("清零" in r and "礼貌用语恰当" in r for r in s.rules_fired)


def test_call_zero_out_keeps_item_points(rubric):
    # 整通 = 0; the items themselves are still scored (问候语 1 + 1 = 2, 规范用语 10)
    s = score_call(rubric, call({"问候语": 1}, bonuses=["warm_greeting"], zero=["no_engineer"]))
    assert s.item_points["问候语"] == 2
    assert s.category_points["规范用语"] == 10
    assert s.call_score == 0 and s.final_score == 0
    assert s.grade == "不合格"
    assert any("整通" in r for r in s.rules_fired)


def test_category_points_of_a_mixed_call(rubric):
    # 规范用语 = 1 + 2 + 1 + 2 = 6; 礼貌用语 = 2 + 2 + 0 + 1 + 2 = 7; 语音语调语速 = 2 + 0 + 1 + 2 + 2 + 1 = 8;
    # 服务意识 = 6 + 3 + 6 + 8 = 23; 服务专业度 = 等待时长 (4 + 1 praised = 5) + 理解能力 5 + 表达能力 6 = 16;
    # 业务要求 = 4 + 5 + 2 + 1 = 12; raw = 6 + 7 + 8 + 23 + 16 + 12 = 72 → 7200/109 = 66.055046 (合格)
    s = score_call(rubric, call({"问候语": 1, "称呼语": 1, "响应语": 2, "致谢语": 0, "语调适当起伏": 0,
                                 "服务热情": 6, "服务耐心": 3, "服务责任": 8,
                                 "等待时长": 4, "理解能力": 5, "表达能力": 6, "基本要求1": 4},
                                bonuses=["praised_online_help"]))
    assert s.category_points == {"规范用语": 6, "礼貌用语": 7, "语音语调语速": 8, "服务意识": 23,
                                 "服务专业度": 16, "业务要求": 12}
    assert s.item_points["等待时长"] == 5
    assert s.final_score == 66.055046
    assert s.grade == "合格"


def test_unknown_rule_ids_are_ignored(rubric):
    # A bonus id the rubric does not define adds nothing: 问候语 1 → 108 → 99.082569
    s = score_call(rubric, CallRecord(items={"问候语": 1}, bonuses={"no_such_bonus": 1}))
    assert s.final_score == 99.082569
    assert s.bonuses_applied == {}


def test_score_frame_gives_the_same_figures(rubric):
    # The vectorised path over the cases above: the same final scores and grades.
    from zhijian.engine.scoring import records_frame, score_frame
    records = [p.values[0] for p in CASES]
    frame = score_frame(rubric, records_frame(rubric, records))
    assert list(frame["final_score"]) == [p.values[2] for p in CASES]
    assert list(frame["grade"]) == [p.values[3] for p in CASES]


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
