"""A Chinese 质检评分表 with a two-row header and 是/否 cells (tests/forms/zh_yes_no/rubric.yaml).

The form's rule: each question answered 是 earns its points, 否 none, 不涉及 counts as 是; the
eight questions total 10 + 10 + 10 + 20 + 25 + 10 + 5 + 10 = 100; 清零:出现服务禁语 是 makes the
call 0. Grades: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 below.

The team's sheet: row 1 日期, 质检员, 工号, 姓名, 录音编号 (each merged down over row 2), the groups
服务规范 (F1:H1), 业务处理 (I1:K1), 结束 (L1:M1), then 清零:出现服务禁语, 合计 and 备注 (merged down);
row 2 the questions, each with its points "(10分)"; the calls from row 3.
"""

from __future__ import annotations

import datetime as dt

import pytest

from formkit import by_recording, form_rubric, run_form
from sheetkit import SheetSpec, write_xlsx

QUESTIONS = {"是否使用标准开头语": 10, "是否核实客户身份": 10, "是否使用礼貌用语": 10, "是否准确理解客户需求": 20,
             "是否给出正确解决方案": 25, "是否主动告知后续流程": 10, "是否使用标准结束语": 5, "是否准确记录工单": 10}
ROW1 = ["日期", "质检员", "工号", "姓名", "录音编号", "服务规范", None, None, "业务处理", None, None, "结束", None,
        "清零:出现服务禁语", "合计", "备注"]
ROW2 = [None] * 5 + [f"{q}({p}分)" for q, p in QUESTIONS.items()] + [None] * 3
MERGES = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:H1", "I1:K1", "L1:M1", "N1:N2", "O1:O2", "P1:P2"]
D16, D17 = dt.date(2026, 11, 16), dt.date(2026, 11, 17)
AGENTS = {2001: "王芳", 2002: "李强"}


def row(day, rid, agent, no=(), na=(), forbidden=False, total=None, cells=None, remarks=None):
    """是 for every question except `no` (否) and `na` (不涉及); `cells` overrides a question's cell."""
    marks = {q: "不涉及" if q in na else "否" if q in no else "是" for q in QUESTIONS}
    marks.update(cells or {})
    return [day, "陈静", agent, AGENTS[agent], rid, *marks.values(), "是" if forbidden else "否", total, remarks]


CALLS = [
    row(D16, "Z01", 2001, total=100),                                                 # all 是: 100
    row(D16, "Z02", 2002, no=["是否主动告知后续流程", "是否使用标准结束语"], total=85),  # − 10 − 5
    row(D16, "Z03", 2001, na=["是否核实客户身份"], no=["是否给出正确解决方案"], total=75),  # 不涉及 = 10; − 25
    row(D17, "Z04", 2002, forbidden=True, total=0, remarks="出现服务禁语"),             # all 是, 清零: 0
    row(D17, "Z05", 2001, no=["是否准确理解客户需求"], total=80),                      # − 20
    row(D17, "Z06", 2002, no=["是否准确记录工单"], total=90),                          # − 10
    # "—" is no answer the form knows: a finding at its cell, and the row is not scored
    row(D17, "Z07", 2001, cells={"是否使用礼貌用语": "—"}, total=100),
]
FINALS = {"Z01": 100, "Z02": 85, "Z03": 75, "Z04": 0, "Z05": 80, "Z06": 90}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("zh_yes_no")
    sheet = write_xlsx(d / "质检评分表-11月.xlsx", [SheetSpec("评分", [ROW1, ROW2, *CALLS], merges=MERGES)])
    return run_form(form_rubric("zh_yes_no"), sheet, D16, d, rows_read=7)


def test_the_two_row_header_and_the_yes_no_cells_give_the_teams_totals(run):
    scored = run.calls[~run.calls["has_error"]]
    assert by_recording(scored) == FINALS
    assert by_recording(scored, "recorded_total") == FINALS
    assert by_recording(scored, "grade") == {"Z01": "优秀", "Z02": "良好", "Z03": "合格", "Z04": "不合格",
                                             "Z05": "良好", "Z06": "优秀"}


def test_an_unknown_mark_is_a_finding_and_its_row_has_no_score(run):
    # Z07 is sheet row 9; 是否使用礼貌用语 is the third question, column H
    assert [(f.rule.value, f.cell, f.value) for f in run.findings] == [("score.unreadable", "H9", "—")]
    z07 = run.calls[run.calls["recording_id"] == "Z07"].iloc[0]
    assert bool(z07["has_error"]) and z07["final_score"] != z07["final_score"]  # NaN: no score shown


def test_the_consolidated_figures_follow_from_the_totals(run):
    f = run.figures
    assert (f["n"], f["excluded_rows"]) == (6, 1)
    assert f["mean_score"] == round((100 + 85 + 75 + 0 + 80 + 90) / 6, 6)   # 430 / 6 = 71.666667
    assert f["excellent_rate"] == round(2 / 6, 6)       # 100, 90
    assert f["slight_defect_rate"] == round(1 / 6, 6)   # 85
    assert f["general_defect_rate"] == round(1 / 6, 6)  # 80
    assert f["below_80_rate"] == round(2 / 6, 6)        # 75, 0
    # 不良 = a 否 (不涉及 never): five questions once each, over 6 calls × 8 questions
    defects = {i["item"]: i["defect_count"] for i in f["items"]}
    assert defects == {"是否使用标准开头语": 0, "是否核实客户身份": 0, "是否使用礼貌用语": 0, "是否准确理解客户需求": 1,
                       "是否给出正确解决方案": 1, "是否主动告知后续流程": 1, "是否使用标准结束语": 1, "是否准确记录工单": 1}
    assert f["mean_defect_rate"] == round(5 / 48, 6)
    agents = {aid: fig.mean_score for (aid, _), fig in run.result.analysis.by_agent}
    assert agents == pytest.approx({"2001": (100 + 75 + 80) / 3, "2002": (85 + 0 + 90) / 3})
