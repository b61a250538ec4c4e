"""A branch office's 服务质量评分标准 with a −2 扣分项 under each category: taken off that
category, which never goes below 0 (the other category keeps its points).

服务态度 (40): 问候礼貌 10, 热情耐心 15, 语气用词 15, 推诿搪塞 0/−2;
业务处理 (60): 解答准确 30, 办理时效 30, 违规操作 0/−2/−4.
  B1: all full, 推诿搪塞 −2                       → 38 + 60 = 98
  B2: 服务态度 items 0, 推诿搪塞 −2; 20, 20, −4    → max(0, −2) = 0 + 36 = 36 (not 34)
  B3: all full                                    → 100
  B4: 5, 10, 10, 0; 30, 20, −2                    → 25 + 48 = 73
Average (98 + 36 + 100 + 73) / 4 = 76.75. 优良 (> 90): B1, B3 = 1/2; 80分以下: B2, B4 = 1/2.
Grades: 优秀 > 90, 良好 ≥ 80, 合格 ≥ 60: B1 优秀, B2 不合格, B3 优秀, B4 合格.
"""

import datetime as dt

import pytest

from formkit import form_rubric, run, write_table
from zhijian.pipeline.load import check_files

RUBRIC = form_rubric("branch_office")
DAY = dt.date(2026, 11, 12)
HEADERS = ["日期", "质检员", "工号", "姓名", "录音编号", "问候礼貌(10分)", "热情耐心(15分)", "语气用词(15分)",
           "推诿搪塞(扣分项)", "解答准确(30分)", "办理时效(30分)", "违规操作(扣分项)", "总分"]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    rows = [
        [DAY, "孙丽", "B01", "王芳", "B1", 10, 15, 15, -2, 30, 30, 0, 98],
        [DAY, "孙丽", "B01", "王芳", "B2", 0, 0, 0, -2, 20, 20, -4, 36],
        [DAY, "孙丽", "B02", "赵磊", "B3", 10, 15, 15, 0, 30, 30, 0, 100],
        [DAY, "孙丽", "B02", "赵磊", "B4", 5, 10, 10, 0, 30, 20, -2, 73],
    ]
    path = write_table(tmp_path_factory.mktemp("branch") / "营业部质检.xlsx", HEADERS, rows)
    return run(RUBRIC, path, DAY)


def test_negative_items_come_off_their_category(result):
    assert result.scores == {"B1": 98, "B2": 36, "B3": 100, "B4": 73}
    assert result.grades == {"B1": "优秀", "B2": "不合格", "B3": "优秀", "B4": "合格"}
    assert result.findings == []


def test_a_level_not_on_the_form_is_refused(tmp_path):
    # −3 is no level of 推诿搪塞 (0/−2): an error at its cell, and the row has no score
    path = write_table(tmp_path / "bad.xlsx", HEADERS, [[DAY, "孙丽", "B01", "王芳", "B9", 10, 15, 15, -3, 30, 30, 0, None]])
    checked = check_files(RUBRIC, [path])
    assert [(f.rule, f.cell) for f in checked.report.findings] == [("score.not_allowed", "I2")]
    assert checked.calls["final_score"].isna().all()


def test_consolidated_figures(result):
    o = result.consolidation.analysis.overall
    assert o.mean_score == pytest.approx(76.75)
    assert (o.excellent_rate, o.slight_defect_rate, o.general_defect_rate, o.below_80_rate) == (0.5, 0, 0, 0.5)
    defects = {f.item: f.defect_count for f in o.items}
    assert defects["推诿搪塞"] == 2 and defects["违规操作"] == 2  # each −2/−4 is a 不良 of the item


def test_a_calibration_case_with_a_negative_item(tmp_path):
    """B1 scored by two inspectors: 推诿搪塞 −2 (孙丽, 98) and 0 (钱进, 100). The benchmark's
    推诿搪塞 is the median −1 rounded down onto the item's levels: −2, so the benchmark is 98;
    the call counts once, at 98; 钱进 is 2 points lenient, and their alignment is
    1 − 0 over the items with a maximum (a 扣分项 shows only in its deviation): 1."""
    rows = [[DAY, "孙丽", "B01", "王芳", "B1", 10, 15, 15, -2, 30, 30, 0, 98],
            [DAY, "钱进", "B01", "王芳", "B1", 10, 15, 15, 0, 30, 30, 0, 100]]
    result = run(RUBRIC, write_table(tmp_path / "校正.xlsx", HEADERS, rows), DAY)
    a = result.consolidation.analysis
    assert a.overall.n == 1 and a.overall.mean_score == 98
    cases = a.calibration.cases.set_index("质检员")
    assert cases.loc["钱进", "偏差"] == 2 and cases.loc["孙丽", "偏差"] == 0
    assert cases.loc["钱进", "对齐分"] == 1 and cases.loc["钱进", "偏差:推诿搪塞"] == 2
