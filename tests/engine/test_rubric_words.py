"""The words a rubric gives its levels (优秀/良好/…), its pass/fail marks (√/×, 是/否, PASS/FAIL…)
and its item codes: on the model, for the reader and the template; each mistake named at its line."""

from __future__ import annotations

import pytest

from zhijian.engine.rubric import level_word
from zhijian.errors import RubricError
from zhijian.files.rubrics import parse_rubric

BASE = """\
id: words
name: 文字等级
version: "1"
marks: {full: 20, good: 16, pass: 12}
pass_words: [√, 是, PASS, Ya]
fail_words: [×, 否, FAIL, Tidak]
labels: {优秀: 10, 良好: 8, 一般: 6, 差: 3}
categories:
  - name: 服务
    items:
      - {name: 服务态度, code: "1.1", max: 10}
      - {name: 规范用语, code: "1.2", max: 10, levels: [10, 5, 0], labels: {好: 10, 中: 5, 坏: 0}}
"""


def test_labels_resolve_from_item_or_rubric_and_words_map_to_points():
    r = parse_rubric(BASE, "w.yaml")
    attitude, norms = r.items
    assert attitude.level_labels == {"优秀": 10, "良好": 8, "一般": 6, "差": 3}  # the rubric's
    assert norms.level_labels == {"好": 10, "中": 5, "坏": 0}  # its own
    words = r.cell_words(attitude)
    # pass = the item's maximum, fail = its lowest allowed value; words compared case-folded
    assert words["pass"] == words["√"] == words["ya"] == 10
    assert words["fail"] == words["否"] == words["tidak"] == 0
    assert words["一般"] == 6
    assert level_word(" Ｐａｓｓ ") == "pass"
    assert r.item_by_code["1.2"] is norms and r.item_by_code["1.1"] is attitude


def test_a_category_gives_its_items_labels():
    text = BASE.replace("  - name: 服务\n", "  - name: 服务\n    labels: {甲等: 10, 乙等: 5}\n")
    r = parse_rubric(text, "w.yaml")
    assert r.items[0].level_labels == {"甲等": 10, "乙等": 5}
    assert r.items[1].level_labels == {"好": 10, "中": 5, "坏": 0}


def _problem(text: str) -> tuple[int, str]:
    with pytest.raises(RubricError) as exc:
        parse_rubric(text, "w.yaml")
    assert len(exc.value.problems) == 1, exc.value.problems
    _, line, msg = exc.value.problems[0]
    return line, msg


@pytest.mark.parametrize("old, new, line, words", [
    # 差 at 3 is not a level of 规范用语 (10/5/0) when that item uses the rubric's labels
    ("levels: [10, 5, 0], labels: {好: 10, 中: 5, 坏: 0}", "levels: [10, 5, 0]", 7, ["“良好” 8、“一般” 6、“差” 3", "规范用语"]),
    ("坏: 0}", "坏: 1}", 12, ["“坏” 1", "10/5/0"]),
    ("差: 3}", "差: 3, /: 0}", 7, ["/", "不涉及"]),
    ("差: 3}", "差: 3, 5分: 5}", 7, ["5分", "数字"]),
    ("FAIL, Tidak]", "FAIL, Tidak, 是]", 6, ["是", "同时"]),
    ('code: "1.2"', 'code: "1.1"', 12, ["1.1", "重复"]),
    ("Ya]", "yes]", 5, ["加引号"]),
    # attack14: a level word that is also a pass mark (PASS = 规范用语's maximum, 10) at other
    # points, and two labels one word once folded ("优 秀" = "优秀"): a cell "PASS" or "优秀" used to
    # take whichever the reader met last (5, 8), without a word
    ("坏: 0}", "坏: 0, pass: 5}", 12, ["pass", "10", "5", "规范用语"]),
    ("差: 3}", "差: 3, 优 秀: 8}", 7, ["优 秀", "10", "8", "服务态度"]),
])
def test_word_mistakes_name_their_line(old, new, line, words):
    assert BASE.count(old) == 1
    got_line, msg = _problem(BASE.replace(old, new))
    assert got_line == line, msg
    for w in words:
        assert w in msg, msg


def test_a_level_word_equal_to_a_pass_mark_at_the_same_points_is_one_word():
    # 好 is PASS's 10 on 规范用语 (its maximum): the same points, nothing ambiguous
    r = parse_rubric(BASE.replace("pass_words: [√, 是, PASS, Ya]", "pass_words: [√, 是, PASS, Ya, 好]"), "w.yaml")
    assert r.cell_words(r.items[1])["好"] == 10
