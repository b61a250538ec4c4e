"""The shipped weighted rubric with word levels (service-ops-weighted, seed 004): words typed in
the cells, weights 30/30/20/20 over four 10-point dimensions (优秀 10, 良好 8, 一般 7, 差 5).

  W1: 良好 ×4                       → 8/10 × (30 + 30 + 20 + 20) = 80 (良好: the seed's 80–89)
  W2: 优秀, 良好, 一般, 差           → 30 + 24 + 14 + 10 = 78 (一般)
  W3: 优秀 ×3, 不涉及 (full marks)  → 100 (优秀)
  W4: 差 ×4                         → 50 (不合格)
  W5: 优 (no word of the rubric)    → no score, score.unreadable at its cell
"""

import datetime as dt
import math

import openpyxl

from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.load import check_files

RUBRIC = load_rubric("service-ops-weighted")
DAY = dt.date(2026, 11, 20)


def test_words_and_weights_give_the_seeds_grades(tmp_path):
    heads = ["日期", "质检员", "工号", "姓名", "录音编号", "专业知识", "响应效率", "沟通协作", "问题解决"]
    rows = [[DAY, "张敏", "A01", "甲", "W1", "良好", "良好", "良好", "良好"],
            [DAY, "张敏", "A01", "甲", "W2", "优秀", "良好", "一般", "差"],
            [DAY, "张敏", "A02", "乙", "W3", "优秀", "优秀", "不涉及", "优秀"],
            [DAY, "张敏", "A02", "乙", "W4", "差", "差", "差", "差"],
            [DAY, "张敏", "A02", "乙", "W5", "优", "良好", "良好", "良好"]]
    wb = openpyxl.Workbook()
    for row in [heads, *rows]:
        wb.active.append(row)
    wb.save(tmp_path / "加权.xlsx")
    checked = check_files(RUBRIC, [tmp_path / "加权.xlsx"])
    calls = checked.calls.set_index("recording_id")
    assert calls.loc[["W1", "W2", "W3", "W4"], "final_score"].tolist() == [80, 78, 100, 50]
    assert calls.loc[["W1", "W2", "W3", "W4"], "grade"].tolist() == ["良好", "一般", "优秀", "不合格"]
    assert math.isnan(calls.loc["W5", "final_score"])
    assert [(f.rule, f.cell) for f in checked.report.findings] == [("score.unreadable", "F6")]
