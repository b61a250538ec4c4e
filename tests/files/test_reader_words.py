"""Words and marks as levels, and item codes, as the reader meets them (issue 14, item 3): a cell
holding one of the rubric's level labels (优秀/良好/一般/差) or pass/fail marks (√/×, 是/否, Y/N,
PASS/FAIL, 合格/不合格, Ya/Tidak) is those points; a header holding an item's code is that item.

`words-form` (below): call score = Σ 4 items, full marks 40. 服务态度 and 业务能力 take the
category's labels 优秀 10 / 良好 8 / 一般 6 / 差 3; 核实身份 and 结束语 are pass/fail items
(10 or 0): a pass mark is 10, a fail mark 0.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sheetkit import SheetSpec, call_form, write_xlsx
from zhijian.engine.validate import check_grids
from zhijian.files.rubrics import parse_rubric
from zhijian.files.workbooks import read_grids

D1 = dt.date(2026, 11, 2)
WORDS_RUBRIC = """\
id: words-form
name: 文字等级评分表
version: "1"
marks: {full: 40, good: 32, pass: 24}
pass_words: [√, 是, "Y", PASS, 合格, Ya]
fail_words: [×, 否, "N", FAIL, 不合格, Tidak]
categories:
  - name: 服务
    labels: {优秀: 10, 良好: 8, 一般: 6, 差: 3}
    items:
      - {name: 服务态度, code: "1.1", max: 10, levels: [10, 8, 6, 3, 0]}
      - {name: 业务能力, code: "1.2", max: 10, levels: [10, 8, 6, 3, 0]}
  - name: 规范
    items:
      - {name: 核实身份, code: "9.1", max: 10, levels: [10, 0]}
      - {name: 结束语, code: "9.2", max: 10, levels: [10, 0]}
"""
FIELDS = ["日期", "质检员", "工号", "录音编号"]
ITEMS = ["服务态度", "业务能力", "核实身份", "结束语"]


@pytest.fixture(scope="module")
def words():
    return parse_rubric(WORDS_RUBRIC, "words-form.yaml")


def check(rubric, tmp_path, rows, name="表.xlsx"):
    path = write_xlsx(tmp_path / name, [SheetSpec("评分表", rows)])
    return check_grids(rubric, read_grids(path))


def test_level_words_and_pass_fail_marks_are_points(words, tmp_path):
    rows = [[*FIELDS, *ITEMS, "合计"],
            [D1, "李娜", 1001, "R1", "优秀", "良好", "√", "×", 28],       # 10 + 8 + 10 + 0 = 28
            [D1, "李娜", 1002, "R2", "一般", " 差 ", "是", "否", 19],     # 6 + 3 + 10 + 0 = 19
            [D1, "李娜", 1003, "R3", 8, "优秀", "Ｙ", "n", 28],           # 8 + 10 + 10 + 0 = 28
            [D1, "李娜", 1004, "R4", 10, 10, "pass", "FAIL", 30],        # 10 + 10 + 10 + 0 = 30
            [D1, "李娜", 1005, "R5", 3, 0, "合格", "不合格", 13],         # 3 + 0 + 10 + 0 = 13
            [D1, "李娜", 1006, "R6", 6, 6, "Ya", "Tidak", 22]]           # 6 + 6 + 10 + 0 = 22
    checked = check(words, tmp_path, rows)
    assert [(str(f.rule), f.cell) for f in checked.report.findings] == []
    assert checked.calls["final_score"].tolist() == [28.0, 19.0, 28.0, 30.0, 13.0, 22.0]
    assert checked.calls["服务态度"].tolist() == [10.0, 6.0, 8.0, 10.0, 3.0, 6.0]


def test_a_word_the_rubric_does_not_give_is_unreadable(words, tmp_path):
    rows = [[*FIELDS, *ITEMS],
            # 优 is no label, ✓ no pass mark of this rubric, and a pass mark is no level word of 服务态度's
            [D1, "李娜", 1001, "R1", "优", "良好", "✓", "×"],
            [D1, "李娜", 1002, "R2", "良好", "良好", "√", "-"]]
    checked = check(words, tmp_path, rows)
    assert [(str(f.rule), f.cell, f.value) for f in checked.report.findings] == [
        ("score.unreadable", "E2", "优"), ("score.unreadable", "G2", "✓"), ("score.unreadable", "H3", "-")]


def test_headers_by_code(words, tmp_path):
    # A code alone ("1.1"), a code and the name, a code and other words: the code's item.
    rows = [[*FIELDS, "1.1", "1.2 业务能力", "9.1 核实客户身份", "9.2"],
            [D1, "李娜", 1001, "R1", 8, 6, "√", "√"]]  # 8 + 6 + 10 + 10 = 34
    checked = check(words, tmp_path, rows)
    (read,) = checked.sheets
    assert {k: read.columns[k] for k in ITEMS} == {"服务态度": "E", "业务能力": "F", "核实身份": "G", "结束语": "H"}
    assert checked.calls["final_score"].tolist() == [34.0]


def test_a_number_before_another_items_name_is_the_sheets_own_numbering(words, tmp_path):
    # "1.2 服务态度": 1.2 is 业务能力's code, but the header names 服务态度 exactly; the name wins.
    rows = [[*FIELDS, "1.2 服务态度", "1.1 业务能力", "核实身份", "结束语"],
            [D1, "李娜", 1001, "R1", 10, 3, "√", "×"]]  # 服务态度 10 + 业务能力 3 + 10 + 0 = 23
    checked = check(words, tmp_path, rows)
    (read,) = checked.sheets
    assert (read.columns["服务态度"], read.columns["业务能力"]) == ("E", "F")
    assert checked.calls["final_score"].tolist() == [23.0]


def test_a_form_scored_in_words(words, tmp_path):
    # 录音质检打分明细表 whose scores are words: 良好 8 + 优秀 10 + √ 10 + × 0 = 28
    rows = call_form("R1", "王芳", D1, "李娜", ["良好", "优秀", "√", "×"], items=ITEMS, maxima=10, total=28)
    checked = check(words, tmp_path, rows)
    assert checked.report.findings == []
    assert checked.sheets[0].layout == "form"
    assert checked.calls["final_score"].tolist() == [28.0]


OFFENCES_RUBRIC = """\
id: clause-codes
name: 条款编号
version: "1"
marks: {full: 100, good: 90, pass: 80}
base: 100
offences:
  - {id: o08, code: "8", name: 提前挂机, points: 6}
  - {id: o12, code: "12", name: 错误登记影响后续流程, points: 6}
"""


def test_offence_columns_by_their_clause_number(tmp_path):
    # Headers by the 条款's number: "8" is clause 8 and "12 错误登记" clause 12 (the code, then
    # other words). One 提前挂机 and two 错误登记: 100 − 6 − 2 × 6 = 82
    rubric = parse_rubric(OFFENCES_RUBRIC, "clause-codes.yaml")
    rows = [[*FIELDS, "8", "12 错误登记"], [D1, "李娜", 1001, "R1", 1, 2]]
    checked = check(rubric, tmp_path, rows)
    (read,) = checked.sheets
    assert (read.columns["offence:o08"], read.columns["offence:o12"]) == ("E", "F")
    assert checked.calls["final_score"].tolist() == [82.0]
