"""One rule for blank item cells (the rubric's `blank`), never N/A for a cell that cannot be read,
and grade edges that agree with the analysis bands of each shipped rubric."""

from __future__ import annotations

import datetime as dt

import pytest

from zhijian.engine.analysis import figures
from zhijian.engine.reader import Grid
from zhijian.engine.rubric import band_edge_conflicts
from zhijian.engine.validate import check_grids
from zhijian.errors import RubricError
from zhijian.files.rubrics import load_rubric, parse_rubric

ITEMS = ["开场白及挂机", "服务态度", "服务用语", "语速音量", "表达能力", "主动推介", "灵活处理", "双向沟通",
         "聆听能力", "业务能力"]
HEADER = ["日期", "质检员", "工号", "录音编号", *ITEMS, "差错扣分"]
D = dt.date(2026, 11, 2)


def listening_text() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / "rubrics" / "listening-10x4.yaml").read_text(encoding="utf-8")


def variant(old: str, new: str, rid: str = "listening-variant"):
    text = listening_text().replace("id: listening-10x4", f"id: {rid}")
    assert old in text
    return parse_rubric(text.replace(old, new), f"{rid}.yaml")


def read(rubric, *rows):
    grid = Grid("a.xlsx", "评分表", [HEADER, *[[D, "赵一", "A001", f"R{k}", *r, 0] for k, r in enumerate(rows)]])
    return check_grids(rubric, [grid])


def scores(checked):
    return [None if s != s else s for s in checked.calls["final_score"]]


# --- blanks ---------------------------------------------------------------------------------------

def test_by_default_a_blank_item_is_not_scored_yet():
    checked = read(load_rubric("listening-10x4"), [5] * 9 + [None], [5] * 10)
    assert [(str(f.rule), f.cell) for f in checked.report.findings] == [("score.missing", "N2")]
    assert scores(checked) == [None, 100]  # no score: never 100 with the blank as full marks
    assert checked.calls["scorable"].tolist() == [False, True]


def test_a_rubric_may_say_blanks_are_not_applicable():
    na = variant("blank: error ", "blank: na ")
    checked = read(na, [5] * 9 + [None], [5] * 8 + [None, 3])
    assert checked.report.findings == []
    assert scores(checked) == [100, 96]  # 不涉及 = full marks: 2 × 50; 2 × (45 + 3)


def test_an_item_may_say_otherwise_than_its_rubric():
    # Only 主动推介 may be left blank (不涉及 on calls where nothing could be offered).
    own = variant("{name: 主动推介, max: 5, range: {min: 0, max: 5, step: 1}, class: 服务能力,",
                  "{name: 主动推介, max: 5, range: {min: 0, max: 5, step: 1}, class: 服务能力, blank: na,")
    blank_offer = [5] * 5 + [None] + [5] * 4
    blank_business = [5] * 9 + [None]
    checked = read(own, blank_offer, blank_business)
    assert [(str(f.rule), f.cell) for f in checked.report.findings] == [("score.missing", "N3")]
    assert scores(checked) == [100, None]


def test_blanks_cannot_be_na_where_na_is_forbidden():
    with pytest.raises(RubricError, match="留空不能按不涉及计"):
        variant("{name: 业务能力, max: 5, range: {min: 0, max: 5, step: 1}, class: 服务能力,",
                "{name: 业务能力, max: 5, range: {min: 0, max: 5, step: 1}, class: 服务能力, "
                "na: forbidden, blank: na,")


@pytest.mark.parametrize("cell, score", [
    ("优秀", None), ("良好", None), ("x", None), (18, None), (4.5, None),  # no score for the row
    ("5分", 100), ("５", 100), ("不涉及", 100), ("N/A", 100), (" / ", 100),  # what people type for 5 or N/A
])
def test_a_cell_that_cannot_be_read_is_never_na(cell, score):
    checked = read(load_rubric("listening-10x4"), [cell] + [5] * 9)
    assert scores(checked) == [score]
    assert bool(checked.report.errors) == (score is None)


# --- bands --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["listening-10x4", "qc-v3.1", "deduction-base100"])
def test_shipped_rubrics_grade_and_band_edges_agree(name):
    assert band_edge_conflicts(load_rubric(name)) == []


def test_a_conflict_at_an_edge_is_named():
    old = variant("{name: 优秀, above: 90}", "{name: 优秀, min: 90}")
    (problem,) = band_edge_conflicts(old)
    assert "等级“优秀”从 90 分起(含 90)" in problem and "“优良”不含 90 分" in problem


def test_a_score_of_90_on_listening_is_good_and_a_slight_defect_not_excellent():
    r = load_rubric("listening-10x4")
    # 2 × 45 = 90 and 2 × 46 = 92
    checked = read(r, [5] * 5 + [4] * 5, [5] * 6 + [4] * 4)
    assert checked.calls["grade"].tolist() == ["良好", "优秀"]
    f = figures(r, checked.valid_calls)
    assert (f.excellent_rate, f.slight_defect_rate) == (0.5, 0.5)


def test_on_qc_the_excellent_grade_and_the_excellent_band_start_together_at_90():
    from sheetkit import qc_header, qc_row

    r = load_rubric("qc-v3.1")
    # 等待时长 10 → 0 (−10): 99 × 100/109 = 90.825688 (优秀, 优良);
    # 服务责任 15 → 4 (−11): 98 × 100/109 = 89.908257 (良好, 轻微不良)
    rows = [qc_header(), qc_row(D, "赵一", "A001", "Q1", {"等待时长": 0}), qc_row(D, "赵一", "A001", "Q2", {"服务责任": 4})]
    checked = check_grids(r, [Grid("q.xlsx", "QC", rows)])
    assert checked.calls["final_score"].tolist() == [90.825688, 89.908257]
    assert checked.calls["grade"].tolist() == ["优秀", "良好"]
    f = figures(r, checked.valid_calls)
    assert (f.excellent_rate, f.slight_defect_rate) == (0.5, 0.5)  # 90.8 is 优良, 89.9 轻微不良
    assert r.analysis.describe_excellent() == "最终得分 ≥ 90" and r.analysis.describe_slight() == "85 ≤ 最终得分 < 90"
