"""Attack: a bonus or 减分 that may be counted many times in one call (max_times: 300). Its
dropdown 0,1,…,300 is longer than the 255 characters Excel keeps, and the column was left with
no validation at all (XlsxWriter drops such a list with only a warning): 301 or 2.5 could be
typed where the rubric allows 0–300. It is now a whole number between 0 and max_times, and a
max_times of a billion is no list of a billion words built in memory."""

from __future__ import annotations

import time

import openpyxl
import pytest

from zhijian.files.rubrics import parse_rubric
from zhijian.reports.template import write_template
from zhijian.reports.template_layout import template_layout

RUBRIC = """\
id: many-times
name: 多次加减分
version: "1"
marks: {full: 20, good: 16, pass: 12}
categories:
  - name: 服务
    items:
      - {name: 问候, max: 10}
      - {name: 解答, max: 10}
bonuses:
  - {id: b1, name: 热情, item: 问候, points: 0.5, max_times: TIMES}
deductions:
  - {id: d1, name: 未核实, item: 解答, points: 1, max_times: 3}
"""


def _validation(path, rubric, key):
    lay = template_layout(rubric)
    ws = openpyxl.load_workbook(path)[lay.sheet]
    cell = lay.cell(key, lay.first_data_row)
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, (key, found)
    return found[0]


@pytest.mark.parametrize("times", [300, 1_000_000_000])
def test_a_bonus_counted_hundreds_of_times_is_a_whole_number_range(tmp_path, times):
    rubric = parse_rubric(RUBRIC.replace("TIMES", str(times)), "t.yaml")
    start = time.perf_counter()
    path = write_template(rubric, tmp_path / "t.xlsx", rows=10)
    assert time.perf_counter() - start < 10
    dv = _validation(path, rubric, "bonus:b1")
    assert (dv.type, dv.formula1, dv.formula2) == ("whole", "0", str(times))
    assert dv.operator in (None, "between")  # between is the file format's default, left unwritten
    assert dv.errorStyle in (None, "stop") and f"0–{times}" in dv.error  # stop: the default
    # a count that fits a dropdown keeps it: 0, 1, 2, 3
    dv = _validation(path, rubric, "deduction:d1")
    assert dv.type == "list" and dv.formula1 == '"0,1,2,3"'
