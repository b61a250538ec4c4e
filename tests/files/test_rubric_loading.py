"""The shipped rubrics load as DOMAIN.md describes them; broken rubric files are refused with a
Chinese message that names the file and the exact line of the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhijian.errors import RubricError
from zhijian.files.rubrics import bundled_rubric_names, load_rubric, parse_rubric

RUBRICS_DIR = Path(__file__).resolve().parents[2] / "rubrics"
SHIPPED = ["listening-10x4", "qc-v3.1", "deduction-base100"]
LISTENING = (RUBRICS_DIR / "listening-10x4.yaml").read_text(encoding="utf-8")
QC = (RUBRICS_DIR / "qc-v3.1.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based number of the one line of `text` containing `needle`."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits}"
    return hits[0]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def refused(text: str, file: str = "t.yaml") -> RubricError:
    with pytest.raises(RubricError) as exc:
        parse_rubric(text, file)
    return exc.value


def assert_one_problem(err: RubricError, line: int, *words: str, file: str = "t.yaml") -> str:
    """A single problem, on `line`, named with the file, its message containing `words`."""
    msg = str(err)
    assert "\n" not in msg, msg
    assert len(err.problems) == 1, err.problems
    assert err.problems[0][0] == file and err.problems[0][1] == line, err.problems
    assert msg.startswith(f"评分标准文件错误 {file}:{line}: "), msg
    for w in words:
        assert w in msg, (w, msg)
    return msg


# --- the shipped rubrics ----------------------------------------------------------------------


def test_bundled_names_are_the_shipped_files():
    assert set(SHIPPED) <= set(bundled_rubric_names())
    assert sorted(p.stem for p in RUBRICS_DIR.glob("*.yaml")) == bundled_rubric_names()


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_rubric_loads_by_name_and_by_path(name):
    by_name = load_rubric(name)
    by_path = load_rubric(RUBRICS_DIR / f"{name}.yaml")
    assert by_name.id == by_path.id == name
    assert by_name.content_hash == by_path.content_hash
    assert by_name.full_marks == 100


@pytest.mark.parametrize("name", SHIPPED)
def test_every_assumption_is_written_down(name):
    r = load_rubric(name)
    assert r.assumptions, f"{name} has no assumptions"
    assert all(a.strip() for a in r.assumptions)


def test_listening_items_in_order_with_classes_and_scale():
    r = load_rubric("listening-10x4")
    assert [i.name for i in r.items] == ["开场白及挂机", "服务态度", "服务用语", "语速音量", "表达能力",
                                         "主动推介", "灵活处理", "双向沟通", "聆听能力", "业务能力"]
    assert [i.item_class for i in r.items] == ["服务素质"] * 4 + ["服务能力"] * 6
    assert all(i.max == 5 and i.allowed_values() == [5, 4, 3, 2, 1, 0] for i in r.items)
    assert r.scale == 2
    assert r.fatal_errors.enabled and not r.fatal_errors.zero_call
    assert r.error_deduction.enabled and (r.error_deduction.min, r.error_deduction.max) == (0, 10)
    assert "开头白及挂机" in r.item_by_name["开场白及挂机"].aliases


def test_qc_category_maxima():
    r = load_rubric("qc-v3.1")
    # seed 000 read in order: 10 + 8 + 10 + 37 + 30 + 14 = 109 raw points, stated on 100
    assert {c.name: c.max_points for c in r.categories} == {
        "规范用语": 10, "礼貌用语": 8, "语音语调语速": 10, "服务意识": 37, "服务专业度": 30, "业务要求": 14}
    assert r.item_by_name["服务责任"].allowed_values() == [15, 12, 10, 8, 6, 4, 2, 0]
    assert r.item_by_name["服务热情"].allowed_values() == [10, 6, 3, 0]
    assert r.item_by_name["响应语"].allowed_values() == [4, 2, 1, 0]
    assert r.item_by_name["问候语"].allowed_values() == [2, 1, 0]
    assert r.scale.text == "100/109" and r.scale * 109 == pytest.approx(100)
    assert {b.lift for b in r.bonuses} == {"category"}
    assert [g.edge for g in r.grades] == [90, 80, 60, 0] and r.marks.good == 80


# `scale` as a fraction: exact, as written; a number still works (listening-10x4's scale: 2)
FRACTION = """\
id: f
name: 分数折算
version: "1"
marks: {full: 100, good: 80, pass: 60}
scale: "100/109"
categories:
  - name: 全部
    items:
      - {name: 甲, max: 100}
      - {name: 乙, max: 9}
"""


def test_scale_as_a_fraction_is_kept_as_written():
    r = parse_rubric(FRACTION, "f.yaml")
    assert r.scale.text == "100/109"
    assert r.scale == 100 / 109
    assert r.model_dump(by_alias=True)["scale"] == "100/109"  # rubric show --json prints it back
    assert parse_rubric(FRACTION.replace('"100/109"', "0.5").replace("max: 9", "max: 100"), "f.yaml").scale.text == "0.5"


@pytest.mark.parametrize("written, words", [
    ('"100/108"', ["权重不合计", "100/108", "109"]),   # 109 × 100/108 = 100.925926 ≠ 100
    ('"100/0"', ["分母为 0"]),
    ('"百分之百"', ["scale 应为正数或分数", "百分之百"]),
    ("-2", ["scale 应大于 0"]),
    ("yes", ["scale 应为正数或分数"]),
])
def test_scale_mistakes_point_at_the_scale_line(written, words):
    text = FRACTION.replace('"100/109"', written)
    assert_one_problem(refused(text), line_of(text, "scale:"), *words)


def test_deduction_base100_offences():
    r = load_rubric("deduction-base100")
    assert r.base == 100 and r.categories == []
    points = {o.id: o.points for o in r.offences}
    assert len(points) == 17
    assert sorted(set(points.values())) == [5, 6, 10]
    assert {o.id for o in r.offences if o.doubled_when} == {"o08", "o09", "o10", "o17"}
    assert [(g.name, g.min) for g in r.grades] == [("优秀", 95), ("良好", 90), ("达标", 80), ("不达标", 0)]


# --- broken rubric files ----------------------------------------------------------------------


def test_levels_without_the_maximum():
    # 服务热情 max 10 but its levels stop at 6
    text = edit(QC, "levels: [10, 6, 3, 0]   # L7", "levels: [6, 3, 0]   # L7")
    assert_one_problem(refused(text), line_of(text, "levels: [6, 3, 0]   # L7"), "服务热情", "没有满分 10")


def test_levels_without_the_maximum_in_listening():
    # 服务用语 scored by levels 4..0 instead of the 0–5 range: no level for full marks 5
    text = edit(LISTENING, "{name: 服务用语, max: 5, range: {min: 0, max: 5, step: 1}",
                "{name: 服务用语, max: 5, levels: [4, 3, 2, 1, 0]")
    assert_one_problem(refused(text), line_of(text, "{name: 服务用语"), "服务用语", "没有满分 5")


def test_level_above_the_maximum_inline():
    text = edit(QC, "levels: [10, 6, 3, 0]   # L7", "levels: [10, 16, 3, 0]   # L7")
    assert_one_problem(refused(text), line_of(text, "levels: [10, 16, 3, 0]"), "服务热情", "等级 16", "0–10")


SMALL = """\
id: t
name: 测试
version: "1"
marks: {full: 10, good: 8, pass: 6}
categories:
  - name: 规范用语
    items:
      - name: 问候语
        max: 4
        levels:
          - 4
          - 5
          - 0
      - name: 结束语
        max: 6
"""


def test_level_above_the_maximum_on_its_own_line():
    # the line is the one holding the bad level, not the item's
    err = refused(SMALL)
    assert_one_problem(err, line_of(SMALL, "- 5"), "问候语", "等级 5", "0–4")


def test_small_rubric_is_valid_without_the_bad_level():
    assert parse_rubric(SMALL.replace("          - 5\n", ""), "t.yaml").items[0].allowed_values() == [4, 0]


def test_bonus_on_a_missing_item():
    # 问候语 is a qc-v3.1 item, not a listening-10x4 one
    text = LISTENING + (
        "bonuses:\n"
        "  - id: warm\n"
        "    name: 问候语热情、亲切\n"
        "    item: 问候语\n")
    assert_one_problem(refused(text), line_of(text, "item: 问候语"), "加分项", "问候语热情、亲切", "不存在", "问候语")


def test_bonus_on_a_missing_item_in_qc():
    text = edit(QC, "item: 理解能力, points: 1", "item: 理解力, points: 1")
    assert_one_problem(refused(text), line_of(text, "item: 理解力"), "加分项", "不存在的评分项“理解力”")


def test_scale_wrong():
    text = edit(LISTENING, "scale: 2 ", "scale: 3 ")
    assert_one_problem(refused(text), line_of(text, "scale: 3"), "权重不合计", "150", "100")


def test_weights_do_not_add_up_when_an_item_max_changes():
    # 业务能力 max 4: 2 × 49 = 98 ≠ 100, reported on the scale line
    text = edit(LISTENING, "{name: 业务能力, max: 5, range: {min: 0, max: 5, step: 1}",
                "{name: 业务能力, max: 4, range: {min: 0, max: 4, step: 1}")
    assert_one_problem(refused(text), line_of(text, "scale: 2"), "权重不合计", "98")


def test_weights_without_scale_reported_on_categories():
    # no `scale` key: 1 × (4 + 5) = 9 ≠ 10, reported on the `categories:` line
    text = SMALL.replace("          - 5\n", "").replace("max: 6", "max: 5")
    assert_one_problem(refused(text), line_of(text, "categories:"), "权重不合计", "9", "10")


def test_yaml_unclosed_bracket_inside_a_flow_mapping():
    # 服务用语's points list loses its "]" — the "}" on the same line gives it away
    text = edit(LISTENING, "points: [规范用语, 正面用语, 致歉致谢, 征询客户]", "points: [规范用语, 正面用语, 致歉致谢, 征询客户")
    assert_one_problem(refused(text), line_of(text, "征询客户"), "YAML 格式错误")


def test_yaml_unclosed_bracket_at_end_of_line():
    # 问候语's levels lose their "]": the typo is on the levels line, which is where the user
    # must look (the parser only notices on the next line).
    text = edit(QC, "levels: [2, 1, 0]   # L7/L15", "levels: [2, 1, 0   # L7/L15")
    assert_one_problem(refused(text), line_of(text, "levels: [2, 1, 0   # L7/L15"), "YAML 格式错误")


def test_yaml_unclosed_brace_at_end_of_line():
    text = edit(LISTENING, "marks: {full: 100, good: 80, pass: 60}", "marks: {full: 100, good: 80, pass: 60")
    assert_one_problem(refused(text), line_of(text, "marks: {"), "YAML 格式错误")


def test_yaml_tab_indentation():
    text = edit(QC, '\nscale: "100/109"', '\n\tscale: "100/109"')
    assert_one_problem(refused(text), line_of(text, '\tscale: "100/109"'), "YAML 格式错误")


def test_unknown_optional_field():
    # severity misspelt as severty on 服务态度
    text = edit(LISTENING, "{name: 服务态度, max: 5, range: {min: 0, max: 5, step: 1}, class: 服务素质,",
                "{name: 服务态度, max: 5, range: {min: 0, max: 5, step: 1}, class: 服务素质, severty: 严重,")
    assert_one_problem(refused(text), line_of(text, "severty"), "severty", "未知字段")


def test_unknown_field_maxx_replacing_max():
    # `maxx` for `max` on 服务用语: the loader may also say that max is missing, but every
    # problem is on that line and one names maxx as an unknown field.
    text = edit(LISTENING, "{name: 服务用语, max: 5", "{name: 服务用语, maxx: 5")
    err = refused(text)
    line = line_of(text, "maxx")
    assert {p[1] for p in err.problems} == {line}
    assert any("maxx" in m and "未知字段" in m for _, _, m in err.problems)
    assert all(s.startswith(f"评分标准文件错误 t.yaml:{line}: ") for s in str(err).splitlines())


def test_unknown_top_level_field():
    text = LISTENING + "grade_bands: [95, 90, 80]\n"
    assert_one_problem(refused(text), line_of(text, "grade_bands"), "grade_bands", "未知字段")


def test_non_number_max():
    text = edit(LISTENING, "{name: 服务用语, max: 5", "{name: 服务用语, max: five")
    assert_one_problem(refused(text), line_of(text, "max: five"), "max", "应为数字", "five")


def test_non_number_max_in_block_style():
    text = SMALL.replace("          - 5\n", "").replace("max: 6", "max: 六")
    assert_one_problem(refused(text), line_of(text, "max: 六"), "应为数字")


ZERO_OUT = (
    "zero_outs:\n"
    "  - id: no_engineer\n"
    "    name: 整通电话未有热线工程师接线\n"
    "    scope: {scope}\n"
    "{target}")


def test_zero_out_on_a_missing_item():
    text = LISTENING + ZERO_OUT.format(scope="item", target="    target: 热线工程师\n")
    assert_one_problem(refused(text), line_of(text, "target: 热线工程师"), "清零规则", "不存在的评分项“热线工程师”")


def test_zero_out_on_a_missing_category():
    text = LISTENING + ZERO_OUT.format(scope="category", target="    target: 服务意识\n")
    assert_one_problem(refused(text), line_of(text, "target: 服务意识"), "清零规则", "不存在的类别“服务意识”")


def test_zero_out_on_a_missing_item_in_qc():
    text = edit(QC, "scope: item, target: 礼貌用语", "scope: item, target: 礼貌语")
    assert_one_problem(refused(text), line_of(text, "target: 礼貌语"), "出现服务禁语", "礼貌语")


def test_zero_out_without_target():
    # an item zero-out that forgot its target: reported on the rule, in words (no Python "None")
    text = LISTENING + ZERO_OUT.format(scope="item", target="")
    msg = assert_one_problem(refused(text), line_of(text, "- id: no_engineer"), "清零规则")
    assert "None" not in msg, msg


def test_call_zero_out_with_a_target():
    text = LISTENING + ZERO_OUT.format(scope="call", target="    target: 业务能力\n")
    assert_one_problem(refused(text), line_of(text, "target: 业务能力"), "整通清零规则", "不应有 target")


def test_call_zero_out_added_to_listening_is_valid():
    r = parse_rubric(LISTENING + ZERO_OUT.format(scope="call", target=""), "t.yaml")
    assert [z.scope for z in r.zero_outs] == ["call"]


def second_line_of(text: str, needle: str) -> int:
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    assert len(hits) == 2, hits
    return hits[1]


def test_duplicate_item_names():
    # 聆听能力 renamed 表达能力: the second 表达能力 is the duplicate
    text = edit(LISTENING, "{name: 聆听能力", "{name: 表达能力")
    assert_one_problem(refused(text), second_line_of(text, "{name: 表达能力"), "表达能力", "重复")


def test_duplicate_item_names_across_categories():
    # 业务能力 (服务能力) renamed 服务态度 (服务素质)
    text = edit(LISTENING, "{name: 业务能力", "{name: 服务态度")
    assert_one_problem(refused(text), second_line_of(text, "{name: 服务态度"), "服务态度", "重复")


def test_several_problems_are_all_listed():
    # two independent problems → two lines, each with its own line number
    text = edit(LISTENING, "scale: 2 ", "scale: 3 ")
    text = edit(text, "{name: 聆听能力", "{name: 表达能力")
    err = refused(text)
    assert sorted(p[1] for p in err.problems) == sorted(
        [line_of(text, "scale: 3"), second_line_of(text, "{name: 表达能力")])
    assert len(str(err).splitlines()) == 2


def test_load_rubric_from_a_broken_file_names_the_path(tmp_path):
    p = tmp_path / "我的评分标准.yaml"
    text = edit(LISTENING, "scale: 2 ", "scale: 3 ")
    p.write_text(text, encoding="utf-8")
    with pytest.raises(RubricError) as exc:
        load_rubric(p)
    assert_one_problem(exc.value, line_of(text, "scale: 3"), "权重不合计", file=str(p))


def test_unknown_rubric_name_lists_the_bundled_ones():
    with pytest.raises(RubricError) as exc:
        load_rubric("no-such-rubric")
    msg = str(exc.value)
    assert "\n" not in msg
    assert all(n in msg for n in SHIPPED)
