"""The rubric rules beyond a flat sum (N/A policy, weights, 扣分项, rounding, bands relative to
full marks, aliases that never match): each mistake refused with its file and line, and every
rubric valid before loads with the same meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhijian.engine.columns import alias_warnings
from zhijian.files.rubrics import load_rubric, parse_rubric

from test_rubric_loading import assert_one_problem, edit, line_of, refused

FORMS = Path(__file__).resolve().parents[1] / "forms"
HOTLINE = (FORMS / "charity_hotline" / "rubric.yaml").read_text(encoding="utf-8")
BRANCH = (FORMS / "branch_office" / "rubric.yaml").read_text(encoding="utf-8")
SURVEY = (FORMS / "survey_na_excluded" / "rubric.yaml").read_text(encoding="utf-8")


def test_weights_that_miss_full_marks_name_the_first_weight_line():
    # 35 + 20 + 25 + 15 = 95 ≠ 100
    text = edit(HOTLINE, "weight: 30", "weight: 25")
    msg = assert_one_problem(refused(text), line_of(text, "weight: 35"), "权重不合计", "95", "100")
    assert "35 + 20 + 25 + 15" in msg


def test_a_category_without_its_weight_is_named():
    text = edit(HOTLINE, "    weight: 20\n", "")
    err = refused(text)
    assert any(line == line_of(text, "- name: 信息准确") and "缺少 weight" in m for _, line, m in err.problems)


def test_weights_and_scale_do_not_mix():
    text = edit(HOTLINE, "rounding: {digits: 0}", "rounding: {digits: 0}\nscale: 1")
    assert_one_problem(refused(text), line_of(text, "scale: 1"), "scale")


def test_a_negative_item_needs_max_0_and_negative_levels():
    text = edit(BRANCH, "{name: 推诿搪塞, max: 0, levels: [0, -2]", "{name: 推诿搪塞, max: 2, levels: [0, -2]")
    problems = refused(text).problems  # (and the maxima then no longer reach 100)
    assert ("t.yaml", line_of(text, "推诿搪塞"), "评分项“推诿搪塞”的等级 -2 不在 0–2 之内") in problems
    text = edit(BRANCH, "{name: 推诿搪塞, max: 0, levels: [0, -2]", "{name: 推诿搪塞, max: 0, levels: [0]")
    assert_one_problem(refused(text), line_of(text, "推诿搪塞"), "满分必须大于 0", "扣分项")


def test_no_bonus_rides_on_a_negative_item():
    text = BRANCH.replace("grades:", "bonuses:\n  - {id: b, name: 加分, item: 推诿搪塞}\ngrades:")
    assert_one_problem(refused(text), line_of(text, "item: 推诿搪塞"), "扣分项")


def test_na_policy_is_one_of_the_words():
    text = edit(SURVEY, "\nna: exclude\n", "\nna: skip\n")
    assert_one_problem(refused(text), line_of(text, "na: skip"))


def test_the_rubric_na_is_every_items_unless_it_says_otherwise():
    r = parse_rubric(SURVEY.replace("{name: 开场白, max: 10, levels: [10, 5, 0]}",
                                    "{name: 开场白, max: 10, levels: [10, 5, 0], na: full}"))
    assert {it.name: it.na for it in r.items} == {"开场白": "full", "身份核实": "exclude", "需求确认": "exclude",
                                                  "方案解释": "exclude", "结束语": "exclude"}


def test_rounding_digits_within_0_to_6():
    text = edit(HOTLINE, "rounding: {digits: 0}", "rounding: {digits: 9}")
    assert_one_problem(refused(text), line_of(text, "rounding"), "rounding.digits")


def test_a_grade_above_full_marks_is_an_error_at_its_line():
    text = (FORMS / "small_40" / "rubric.yaml").read_text(encoding="utf-8")
    text = edit(text, "{name: 优秀, above: 36}", "{name: 优秀, min: 90}")
    assert_one_problem(refused(text), line_of(text, "{name: 优秀, min: 90}"), "优秀", "90", "40")


@pytest.mark.parametrize("name", ["listening-10x4", "qc-v3.1", "deduction-base100"])
def test_100_point_rubrics_keep_their_bands_and_meaning(name):
    r = load_rubric(name)
    a = r.analysis
    assert (a.bin_width, a.excellent_line, a.slight, a.general, a.calibration_band) == (5, 90, (85, 90), (80, 85), 5)
    assert all(it.na in ("full", "forbidden") for it in r.items)
    assert not r.weighted and r.rounding is None and not any(it.negative for it in r.items)
    assert alias_warnings(r) == []


def test_bands_of_another_full_mark_are_its_shares_unless_stated():
    r = load_rubric(FORMS / "small_40" / "rubric.yaml")
    a = r.analysis
    assert (a.bin_width, a.excellent_above, a.slight, a.general, a.calibration_band) == (2, 36, (34, 36), (32, 34), 2)
    stated = parse_rubric((FORMS / "small_40" / "rubric.yaml").read_text(encoding="utf-8")
                          .replace("grades:", "analysis: {general: [30, 34], bin_width: 4}\ngrades:"))
    assert (stated.analysis.general, stated.analysis.bin_width, stated.analysis.slight) == ((30, 34), 4, (34, 36))


def test_aliases_that_can_never_match_are_warned_about():
    text = BRANCH.replace("{name: 问候礼貌, max: 10, levels: [10, 5, 0]}",
                          "{name: 问候礼貌, max: 10, levels: [10, 5, 0], aliases: [热情耐心, 次数, 开场问候]}")
    text = text.replace("{name: 解答准确, max: 30, levels: [30, 20, 10, 0]}",
                        "{name: 解答准确, max: 30, levels: [30, 20, 10, 0], aliases: [开场问候]}")
    warnings = alias_warnings(parse_rubric(text))
    # 热情耐心 is another item's name; "次数" is emptied by the header rules; 开场问候 is claimed
    # by two items (the later one takes it)
    assert len(warnings) == 3
    assert "“热情耐心”" in warnings[0] and "评分项“热情耐心”" in warnings[0]
    assert "“次数”" in warnings[1] and "为空" in warnings[1]
    assert "“开场问候”" in warnings[2] and "评分项“解答准确”" in warnings[2]
