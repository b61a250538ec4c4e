"""Attack (issue 14): an item whose dropdown would not fit Excel's 255 characters (many levels, or
long level words). The template fell back to a stop-on-error number range, so Excel itself
refused "不涉及" and the level words the rubric allows (and a 扣分项's range was 0–0, refusing its
negative levels). Such a column now keeps only the input message saying what is allowed; the
reader checks every cell as always."""

from __future__ import annotations

import openpyxl

from zhijian.files.rubrics import parse_rubric
from zhijian.reports.template import write_template
from zhijian.reports.template_layout import template_layout

WORDS = ", ".join(f"第{i}档服务表现非常非常非常非常非常非常非常非常突出: {10 - i}" for i in range(11))  # > 255 chars
RUBRIC = f"""\
id: long-levels
name: 长等级
version: "1"
marks: {{full: 80, good: 64, pass: 48}}
categories:
  - name: 服务
    items:
      - {{name: 文字等级, max: 10, labels: {{{WORDS}}}}}
      - {{name: 细分, max: 30, range: {{min: 0, max: 30, step: 0.1}}}}
      - {{name: 推诿, max: 0, levels: [{", ".join(str(-x) for x in range(0, 101))}], na: forbidden}}
  - name: 业务
    items:
      - {{name: 解答, max: 40}}
"""


def test_a_column_whose_dropdown_does_not_fit_refuses_nothing_the_rubric_allows(tmp_path):
    rubric = parse_rubric(RUBRIC, "r.yaml")
    lay = template_layout(rubric)
    ws = openpyxl.load_workbook(write_template(rubric, tmp_path / "t.xlsx", rows=5))[lay.sheet]

    def validation(name):
        cell = lay.cell(name, lay.first_data_row)
        [dv] = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
        return dv

    for name in ("文字等级", "细分"):  # words or 不涉及 allowed: no number range
        dv = validation(name)
        assert dv.type in (None, "any"), (name, dv.type, dv.formula1, dv.formula2)
        assert "允许" in dv.prompt and "不涉及" in dv.prompt, dv.prompt
    # 推诿 (0 … −100, no 不涉及): a number range from its lowest level, −100, to 0
    dv = validation("推诿")
    assert (dv.type, float(dv.formula1), float(dv.formula2)) == ("decimal", -100, 0)
