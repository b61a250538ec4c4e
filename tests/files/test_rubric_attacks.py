"""A team writing its own rubric (or a hostile one): each mistake that would give two answers to
one question, or a 评分表 that cannot be read back, is refused at its line with a Chinese
message; the rubric still loads when it is right."""

from __future__ import annotations


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


# --- ranges ---------------------------------------------------------------------------------


def test_a_range_whose_step_does_not_reach_its_maximum_is_refused():
    # 0–10 by 3 gives 0/3/6/9: the full 10 is not a value of the range (the template listed
    # 10/7/4/1 while the engine allowed 0/3/6/9).
    text = edit(BASE, "{name: 开场问候, max: 10}", "{name: 开场问候, max: 10, range: {min: 0, max: 10, step: 3}}")
    assert_one_problem(refused(text), line_of(text, "step: 3"), "开场问候", "步长 3")


def test_an_item_of_seven_and_a_half_without_levels_is_refused():
    # Scored as whole numbers 0–7 (the implicit range), its 7.5 could never be typed.
    text = BASE.replace("{name: 开场问候, max: 10}", "{name: 开场问候, max: 7.5}").replace(
        "{name: 需求理解, max: 10}", "{name: 需求理解, max: 12.5, levels: [12.5, 6, 0]}")
    assert_one_problem(refused(text), line_of(text, "开场问候"), "开场问候", "7.5", "levels")


def test_a_range_of_halves_still_loads():
    text = edit(BASE, "{name: 开场问候, max: 10}", "{name: 开场问候, max: 10, range: {min: 0, max: 10, step: 0.5}}")
    it = parse_rubric(text, "t.yaml").items[0]
    assert it.allowed(9.5) and len(it.allowed_values()) == 21


@pytest.mark.parametrize("item, where", [
    ("{name: 开场问候, max: 10, range: {min: 0, max: 10, step: 0.0000001}}", "step: 0.0000001"),
])
def test_a_range_of_millions_of_values_is_refused_at_once(item, where):
    # 100,000,000 allowed values: the template and every sheet read listed them all (it hung).
    text = edit(BASE, "{name: 开场问候, max: 10}", item)
    assert_one_problem(refused(text), line_of(text, where), "开场问候", "10000")


def test_an_item_of_a_billion_whole_points_is_refused_at_once():
    text = BASE.replace("max: 10}", "max: 250000000}").replace("full: 40, good: 32, pass: 24",
                                                              "full: 1000000000, good: 800, pass: 600")
    text = text.replace("above: 36", "above: 900").replace("min: 24", "min: 600")
    err = refused(text)
    assert any(line == line_of(text, "开场问候") and "10000" in m for _, line, m in err.problems), err.problems


# --- columns a 评分表 cannot tell apart -------------------------------------------------------


@pytest.mark.parametrize("rules, second", [
    ("bonuses:\n  - {id: b1, name: 热情, item: 开场问候}\n  - {id: b2, name: 热情, item: 需求理解}\n", "id: b2"),
    ("deductions:\n  - {id: d1, name: 未核实, item: 开场问候}\n  - {id: d2, name: 未 核实, item: 需求理解}\n", "id: d2"),
    ("zero_outs:\n  - {id: z1, name: 禁语, scope: call}\n  - {id: z2, name: 禁语　, scope: item, target: 开场问候}\n",
     "id: z2"),
    ("offences:\n  - {id: o1, name: 辱骂客户, points: 10}\n  - {id: o2, name: 辱骂客户, points: 5}\n", "id: o2"),
    ("offences:\n  - {id: o1, name: 开场问候, points: 10}\n", "id: o1"),
])
def test_two_rule_columns_a_header_cannot_tell_apart_are_refused(rules, second):
    # Their template's columns read back as one: the first never counted (column.duplicate).
    text = BASE + rules
    assert_one_problem(refused(text), line_of(text, second), "表头")


@pytest.mark.parametrize("name", ["日期", "最终得分", "备注"])
def test_an_item_named_as_a_field_of_the_sheet_is_refused(name):
    # The template's own 日期 / 最终得分 / 备注 column would be read as the item.
    text = edit(BASE, "{name: 开场问候, max: 10}", f"{{name: {name}, max: 10}}")
    assert_one_problem(refused(text), line_of(text, name), name, "表头")


@pytest.mark.parametrize("old, new, where", [
    ("{name: 开场问候, max: 10}", '{name: "", max: 10}', 'name: ""'),
    ("{name: 开场问候, max: 10}", '{name: "  ", max: 10}', 'name: "  "'),
    ("  - name: 服务\n", '  - name: ""\n', 'name: ""'),
    ("  - {name: 不合格, min: 0}", '  - {name: "", min: 0}', 'name: ""'),
])
def test_an_empty_name_is_refused_at_its_line(old, new, where):
    text = edit(BASE, old, new)
    assert_one_problem(refused(text), line_of(text, where), "名称为空")


def test_an_empty_offence_name_is_refused_at_its_line():
    text = 'id: o\nname: o\nversion: "1"\noffences:\n  - {id: o1, name: "", points: 10}\n'
    assert_one_problem(refused(text), 5, "名称为空")


# --- analysis bands -------------------------------------------------------------------------


@pytest.mark.parametrize("analysis", [
    "analysis: {slight: [36, 34]}",                        # 轻微不良 from 36 to 34
    "analysis: {slight: [34, 36], general: [20, 25]}",     # 25–34 in no band
    "analysis: {slight: [34, 36], general: [30, 35]}",     # 34–35 in two bands
    "analysis: {excellent_above: 38}",                      # 36–38 in no band
])
def test_analysis_bands_that_overlap_or_leave_a_gap_are_refused(analysis):
    text = BASE + analysis + "\n"
    assert_one_problem(refused(text), line_of(text, "analysis:"), "分析分段")


def test_bands_stated_in_full_still_load():
    r = parse_rubric(BASE + "analysis: {excellent_above: 36, slight: [34, 36], general: [30, 34]}\n", "t.yaml")
    assert r.analysis.general == (30, 34)


def test_score_groups_by_the_million_are_refused():
    # 40 / 2^-16 = 2,621,440 groups: the 分数分布 sheet would need more rows than Excel has.
    text = BASE + "analysis: {bin_width: 0.0000152587890625}\n"
    assert_one_problem(refused(text), line_of(text, "bin_width"), "分组", "1000")
    assert parse_rubric(BASE + "analysis: {bin_width: 0.5}\n", "t.yaml").analysis.bin_width == 0.5


def test_a_negative_calibration_band_is_refused():
    text = BASE + "analysis: {calibration_band: -5}\n"
    assert_one_problem(refused(text), line_of(text, "calibration_band"), "一致率")


# --- the file itself ------------------------------------------------------------------------


def test_a_gbk_rubric_names_the_line_and_says_how_to_save_it(tmp_path):
    p = tmp_path / "gbk.yaml"
    p.write_bytes(BASE.encode("gbk"))
    with pytest.raises(Exception) as exc:
        load_rubric(p)
    msg = str(exc.value)
    assert msg.startswith(f"评分标准文件错误 {p}:2: "), msg  # 测试表 is the first Chinese text
    assert "UTF-8" in msg and "GBK" in msg


@pytest.mark.parametrize("old, new, words", [
    ('\ncategories:', '\n\tcategories:', ["制表符"]),
    ("  - {name: 合格, min: 24}", "  - {name: 合格, min: 24", ["括号"]),
    ('version: "1"', 'version: "1"\nsource: !!python/object/apply:os.system ["echo"]', ["标签"]),
    ("\n", "\n\x00", ["字符"]),
])
def test_yaml_syntax_errors_are_said_in_chinese(old, new, words):
    text = BASE.replace(old, new, 1)
    err = refused(text)
    msg = str(err)
    assert "YAML 格式错误" in msg
    assert not any(w in msg for w in ("found", "expected", "could not", "unacceptable", "while")), msg
    for w in words:
        assert w in msg, msg
    assert err.problems[0][1] is not None, msg


def test_the_other_yaml_files_say_the_same_of_gbk(tmp_path):
    from zhijian.delivery.config import load_config
    from zhijian.files.assessment_config import load_assessment_config

    for load in (load_config, load_assessment_config):
        p = tmp_path / f"{load.__name__}.yaml"
        p.write_bytes("# 配置\nx: 1\n".encode("gbk"))
        with pytest.raises(Exception) as exc:
            load(p)
        assert f"{p}:1: " in str(exc.value) and "GBK" in str(exc.value), str(exc.value)


def test_a_bundled_name_beside_a_folder_of_that_name_is_the_bundled_rubric(tmp_path, monkeypatch):
    # The team keeps its sheets in ./listening-10x4/: `--rubric listening-10x4` said 这是一个文件夹.
    (tmp_path / "listening-10x4").mkdir()
    (tmp_path / "我的表").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load_rubric("listening-10x4").id == "listening-10x4"
    with pytest.raises(Exception) as exc:
        load_rubric("我的表")
    assert "文件夹" in str(exc.value)


def test_an_escalation_window_of_a_hundred_trillion_days_is_refused():
    # The month's look-back (start − window) was an OverflowError: 内部错误, exit 3, in every report.
    text = ('id: o\nname: o\nversion: "1"\nledger: {base: 100}\n'
            'escalation: {window_days: 100000000000000, points: [20, 30]}\n'
            'offences:\n  - {id: o1, name: 辱骂客户, points: 20}\n')
    assert_one_problem(refused(text), 5, "window_days", "3660")
