"""Properties of the scoring engine over random valid calls, for every shipped rubric
(and a small rubric with bonus lift and a category zero-out, which no shipped rubric has)."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhijian.engine.rubric import Rubric
from zhijian.files.rubrics import load_rubric, parse_rubric
from zhijian.engine.scoring import CallRecord, records_frame, score_call, score_frame

SHIPPED = ["listening-10x4", "qc-v3.1", "deduction-base100", "service-ops-weighted"]

# Bonus lift and a category zero-out: 规范用语 = 问候语 2 + 结束语 3, 服务意识 = 服务责任 5.
LIFT_RUBRIC = """\
id: t-{lift}
name: 加分测试
version: "1"
marks: {{full: 10, good: 8, pass: 6}}
categories:
  - name: 规范用语
    items:
      - {{name: 问候语, max: 2, levels: [2, 1, 0]}}
      - {{name: 结束语, max: 3, range: {{min: 0, max: 3, step: 0.5}}}}
  - name: 服务意识
    items:
      - {{name: 服务责任, max: 5}}
bonuses:
  - {{id: warm, name: 问候语热情, item: 问候语, points: 1, max_times: 2, lift: {lift}}}
  - {{id: duty, name: 主动负责, item: 服务责任, points: 0.5, max_times: 3, lift: none}}
deductions:
  - {{id: partial, name: 问候语不完整, item: 问候语, points: 1}}
zero_outs:
  - {{id: zero_greeting, name: 问候语清零, scope: item, target: 问候语}}
  - {{id: zero_norms, name: 规范用语清零, scope: category, target: 规范用语}}
  - {{id: zero_call, name: 整通清零, scope: call}}
fatal_errors: {{enabled: true, zero_call: true}}
error_deduction: {{enabled: true, min: 0, max: 3}}
grades:
  - {{name: 好, min: 8}}
  - {{name: 中, min: 6}}
  - {{name: 差, min: 0}}
"""


# The rules beyond a flat sum, all at once: weights, items excluded when N/A (and one counted 0),
# a 扣分项 of 0/−2 under a category, rounding to one decimal, zero-outs and a lifting bonus.
RULES_RUBRIC = """\
id: t-rules
name: 规则测试
version: "1"
marks: {full: 100, good: 80, pass: 60}
na: exclude
rounding: {digits: 1}
categories:
  - name: 态度
    weight: 35
    items:
      - {name: 问候, max: 3, levels: [3, 1, 0]}
      - {name: 耐心, max: 7, range: {min: 0, max: 7, step: 0.5}}
      - {name: 推诿, max: 0, levels: [0, -2]}
  - name: 能力
    weight: 45
    items:
      - {name: 准确, max: 6, levels: [6, 3, 0], na: zero}
      - {name: 时效, max: 3, levels: [3, 0]}
  - name: 记录类
    weight: 20
    items:
      - {name: 记录, max: 4, levels: [4, 2, 0]}
bonuses:
  - {id: quick, name: 响应迅速, item: 时效, points: 1, max_times: 2, lift: category}
deductions:
  - {id: slow, name: 拖延, item: 耐心, points: 1.5, max_times: 2}
zero_outs:
  - {id: z_item, name: 问候清零, scope: item, target: 问候}
  - {id: z_cat, name: 记录清零, scope: category, target: 记录类}
  - {id: z_call, name: 整通清零, scope: call}
error_deduction: {enabled: true, min: 0, max: 5}
grades:
  - {name: 好, min: 80}
  - {name: 差, min: 0}
"""
FORMS = Path(__file__).resolve().parents[1] / "forms"
CORPUS = sorted(p.parent.name for p in FORMS.glob("*/rubric.yaml"))


def _rubric(name: str) -> Rubric:
    if name.startswith("lift-"):
        return parse_rubric(LIFT_RUBRIC.format(lift=name[5:]), f"{name}.yaml")
    if name == "rules":
        return parse_rubric(RULES_RUBRIC, "rules.yaml")
    if name in CORPUS:
        return load_rubric(FORMS / name / "rubric.yaml")
    return load_rubric(name)


# lift none is what the shipped qc-v3.1 uses; the small rubric adds lift item / category, a category
# zero-out, fatal errors that zero the call and 0.5-step ranges; "rules" and the corpus add weights,
# N/A as 0 or excluded, 扣分项 and rounding.
RUBRICS = {name: _rubric(name) for name in SHIPPED + ["lift-item", "lift-category", "rules"] + CORPUS}
ALL = list(RUBRICS)
WITH_ITEMS = [n for n in ALL if RUBRICS[n].items]

SETTINGS = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
# Each frame example scores up to 8 calls at once through pandas, so fewer examples suffice.
FRAME_SETTINGS = settings(SETTINGS, max_examples=50)


def call_records(rubric: Rubric) -> st.SearchStrategy[CallRecord]:
    """Random valid calls for `rubric`: items from their allowed values or None (不涉及),
    rule counts within max_times, any subset of the zero-outs, 0–2 致命性错误, 差错扣分 in the
    rubric's range in 0.5 steps, 0–3 occurrences and 0–3 complaints per 条款."""
    items = st.fixed_dictionaries(
        {it.name: st.sampled_from([None, *it.allowed_values()]) for it in rubric.items})
    bonuses = st.fixed_dictionaries({b.id: st.integers(0, b.max_times) for b in rubric.bonuses})
    deductions = st.fixed_dictionaries({d.id: st.integers(0, d.max_times) for d in rubric.deductions})
    zero_ids = [z.id for z in rubric.zero_outs]
    zero_outs = st.frozensets(st.sampled_from(zero_ids)) if zero_ids else st.just(frozenset())
    ed = rubric.error_deduction
    if ed.enabled:
        steps = int(round((ed.max - ed.min) / 0.5))
        error_deduction = st.integers(0, steps).map(lambda k: ed.min + 0.5 * k)
    else:
        error_deduction = st.just(0)
    per_offence = st.fixed_dictionaries({o.id: st.integers(0, 3) for o in rubric.offences})
    return st.builds(CallRecord, items=items, bonuses=bonuses, deductions=deductions,
                     zero_outs=zero_outs, fatal_errors=st.integers(0, 2),
                     error_deduction=error_deduction, offences=per_offence, complaints=per_offence)


STRATEGIES = {name: call_records(r) for name, r in RUBRICS.items()}


@pytest.mark.parametrize("name", ALL)
@SETTINGS
@given(data=st.data())
def test_final_within_zero_and_full_marks(name, data):
    rubric = RUBRICS[name]
    record = data.draw(STRATEGIES[name])
    s = score_call(rubric, record)
    if math.isnan(s.final_score):  # only when every item is excluded: no score, no grade
        assert rubric.excludes and all(record.items[it.name] is None for it in rubric.items
                                       if it.na == "exclude" and not it.negative)
        assert all(it.na != "full" or it.negative for it in rubric.items) and s.grade == ""
        return
    assert 0 <= s.final_score <= rubric.full_marks
    assert 0 <= s.call_score <= rubric.full_marks
    assert s.final_score <= s.call_score
    assert s.grade in {g.name for g in rubric.grades}


# Items whose 不涉及 counts as full marks (na: full); N/A as 0 or excluded may lower a score.
FULL_NA = {n: [it.name for it in RUBRICS[n].items if it.na == "full" and not RUBRICS[n].excludes]
           for n in WITH_ITEMS}


@pytest.mark.parametrize("name", [n for n in WITH_ITEMS if FULL_NA[n]])  # deduction-base100 has no items
@SETTINGS
@given(data=st.data())
def test_marking_an_item_na_never_lowers_the_score(name, data):
    rubric = RUBRICS[name]
    record = data.draw(STRATEGIES[name])
    item = data.draw(st.sampled_from(FULL_NA[name]))
    na = dataclasses.replace(record, items={**record.items, item: None})
    before, after = score_call(rubric, record), score_call(rubric, na)
    assert after.final_score >= before.final_score
    assert after.call_score >= before.call_score
    assert after.item_points[item] >= before.item_points[item]


@pytest.mark.parametrize("name", ALL)
@FRAME_SETTINGS
@given(data=st.data())
def test_score_frame_equals_score_call(name, data):
    rubric = RUBRICS[name]
    records = data.draw(st.lists(STRATEGIES[name], min_size=1, max_size=8))
    frame = score_frame(rubric, records_frame(rubric, records))
    assert len(frame) == len(records)
    for row, record in zip(frame.to_dict("records"), records):
        s = score_call(rubric, record)
        assert _same(row["final_score"], s.final_score)
        assert _same(row["call_score"], s.call_score)
        assert row["error_deduction"] == s.error_deduction
        assert row["fatal_errors"] == s.fatal_errors
        assert row["grade"] == s.grade
        for it in rubric.items:
            assert _same(row[f"points:{it.name}"], s.item_points[it.name]), it.name
        for cat in rubric.categories:
            assert _same(row[f"category:{cat.name}"], s.category_points[cat.name]), cat.name


def _same(a: float, b: float) -> bool:
    """Equal, or both NaN (an excluded item, a category or a call with nothing applicable)."""
    return a == b or (math.isnan(a) and math.isnan(b))


def test_custom_rubrics_load():
    # The lift rubric is valid for each lift value (so the properties above test what they claim)
    assert [b.lift for b in RUBRICS["lift-item"].bonuses] == ["item", "none"]
    assert RUBRICS["lift-category"].zero_outs[1].scope == "category"


def test_rules_rubric_by_hand():
    """The rules rubric on two calls, worked by hand.
    Call 1: 问候 1, 耐心 7 with 拖延 ×1 (−1.5 → 5.5), 推诿 −2; 准确 不涉及 (na: zero → 0), 时效 3 with
    响应迅速 ×2 (+2, category may exceed: 5); 记录 不涉及 (excluded).
      态度 = max(0, 1 + 5.5 − 2) = 4.5 of 10 → 4.5 / 10 × 35 = 15.75
      能力 = 0 + 5 = 5 of 9 (lift: no cap) → 5 / 9 × 45 = 25
      记录 excluded: applicable weights 35 + 45 = 80 → (15.75 + 25) × 100 / 80 = 50.9375 → 50.9
    Call 2: every item 不涉及 but 准确 (na: zero) and 推诿: 态度 has no positive item applicable, 能力 = 0 of 6
      → 0 / 6 × 45 = 0, weights 45 → 0 (a score: 准确 counts as 0)."""
    rubric = RUBRICS["rules"]
    c1 = CallRecord(items={"问候": 1, "耐心": 7, "推诿": -2, "准确": None, "时效": 3, "记录": None},
                    bonuses={"quick": 2}, deductions={"slow": 1})
    c2 = CallRecord(items={"问候": None, "耐心": None, "推诿": None, "准确": None, "时效": None, "记录": None})
    s1, s2 = score_call(rubric, c1), score_call(rubric, c2)
    assert s1.category_points == {"态度": 4.5, "能力": 5, "记录类": s1.category_points["记录类"]}
    assert math.isnan(s1.category_points["记录类"]) and math.isnan(s1.item_points["记录"])
    assert s1.final_score == 50.9
    assert s2.final_score == 0
    frame = score_frame(rubric, records_frame(rubric, [c1, c2]))
    assert frame["final_score"].tolist() == [50.9, 0]


def test_every_item_excluded_has_no_score():
    rubric = RUBRICS["survey_na_excluded"]
    record = CallRecord(items={it.name: None for it in rubric.items})
    s = score_call(rubric, record)
    assert math.isnan(s.final_score) and s.grade == ""
    row = score_frame(rubric, records_frame(rubric, [record])).iloc[0]
    assert math.isnan(row["final_score"]) and row["grade"] == ""
