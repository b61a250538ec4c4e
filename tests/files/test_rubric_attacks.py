"""A team writing its own rubric (or a hostile one): each mistake that would give two answers to
one question, or a 评分表 that cannot be read back, is refused at its line with a Chinese
message; the rubric still loads when it is right."""

from __future__ import annotations

import time

import pytest

from zhijian.engine.scoring import CallRecord, records_frame, score_call, score_frame
from zhijian.files.rubrics import load_rubric, parse_rubric

from test_rubric_loading import assert_one_problem, edit, line_of, refused

# 40 points: four items of 10 (whole numbers 0–10).
BASE = """\
id: t40
name: 测试表
version: "1"
marks: {full: 40, good: 32, pass: 24}
categories:
  - name: 服务
    items:
      - {name: 开场问候, max: 10}
      - {name: 需求理解, max: 10}
      - {name: 解决问题, max: 10}
      - {name: 结束礼仪, max: 10}
grades:
  - {name: 优秀, above: 36}
  - {name: 合格, min: 24}
  - {name: 不合格, min: 0}
"""


def test_the_base_rubric_loads():
    assert parse_rubric(BASE, "t.yaml").full_marks == 40


# --- grades at one edge ---------------------------------------------------------------------


def _record(*scores: float) -> CallRecord:
    return CallRecord(items=dict(zip(["开场问候", "需求理解", "解决问题", "结束礼仪"], scores)))


def test_at_one_edge_above_is_the_higher_grade_for_a_call_and_for_a_month():
    # 优秀 > 36, 良好 exactly 36 (≥ 36 and not above it), 合格 ≥ 24
    r = parse_rubric(edit(BASE, "  - {name: 合格, min: 24}", "  - {name: 良好, min: 36}\n  - {name: 合格, min: 24}"),
                     "t.yaml")
    for scores, total, grade in (((10, 10, 10, 8), 38, "优秀"), ((10, 10, 10, 6), 36, "良好"),
                                 ((10, 10, 5, 5), 30, "合格")):
        rec = _record(*scores)
        call = score_call(r, rec)
        assert (call.final_score, call.grade) == (total, grade)
        assert score_frame(r, records_frame(r, [rec]))["grade"].tolist() == [grade]  # `zhijian score`
        assert r.grade_for(total) == grade  # the monthly 月度评分's 等级, the weekly table's


def test_two_grades_from_the_same_score_are_refused_at_the_second():
    # Both from 24 included: one of them can never be given (and which one depended on the path).
    text = edit(BASE, "  - {name: 合格, min: 24}", "  - {name: 合格, min: 24}\n  - {name: 及格, min: 24}")
    assert_one_problem(refused(text), line_of(text, "及格"), "及格", "合格", "24")
