"""Properties of the scoring engine over random valid calls, for every shipped rubric
(and a small rubric with bonus lift and a category zero-out, which no shipped rubric has)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhijian.engine.rubric import Rubric
from zhijian.files.rubrics import load_rubric, parse_rubric
from zhijian.engine.scoring import CallRecord, records_frame, score_call, score_frame

SHIPPED = ["listening-10x4", "qc-v3.1", "deduction-base100"]

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


def _rubric(name: str) -> Rubric:
    if name.startswith("lift-"):
        return parse_rubric(LIFT_RUBRIC.format(lift=name[5:]), f"{name}.yaml")
    return load_rubric(name)


# lift none is what the shipped qc-v3.1 uses; the small rubric adds lift item / category, a category
# zero-out, fatal errors that zero the call and 0.5-step ranges.
RUBRICS = {name: _rubric(name) for name in SHIPPED + ["lift-item", "lift-category"]}
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
    s = score_call(rubric, data.draw(STRATEGIES[name]))
    assert 0 <= s.final_score <= rubric.full_marks
    assert 0 <= s.call_score <= rubric.full_marks
    assert s.final_score <= s.call_score
    assert s.grade in {g.name for g in rubric.grades}


@pytest.mark.parametrize("name", WITH_ITEMS)  # deduction-base100 has no items to mark N/A
@SETTINGS
@given(data=st.data())
def test_marking_an_item_na_never_lowers_the_score(name, data):
    rubric = RUBRICS[name]
    record = data.draw(STRATEGIES[name])
    item = data.draw(st.sampled_from([it.name for it in rubric.items]))
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
        assert row["final_score"] == s.final_score
        assert row["call_score"] == s.call_score
        assert row["error_deduction"] == s.error_deduction
        assert row["fatal_errors"] == s.fatal_errors
        assert row["grade"] == s.grade
        for it in rubric.items:
            assert row[f"points:{it.name}"] == s.item_points[it.name], it.name
        for cat in rubric.categories:
            assert row[f"category:{cat.name}"] == s.category_points[cat.name], cat.name


def test_custom_rubrics_load():
    # The lift rubric is valid for each lift value (so the properties above test what they claim)
    assert [b.lift for b in RUBRICS["lift-item"].bonuses] == ["item", "none"]
    assert RUBRICS["lift-category"].zero_outs[1].scope == "category"
