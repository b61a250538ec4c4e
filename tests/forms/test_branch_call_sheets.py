"""A branch office's one-call-per-sheet 录音质检打分明细表 workbook, consolidated into the
服务质量分析表 (tests/forms/branch_call_sheets/rubric.yaml).

The form's rule: the call's score is the sum of its six items (开场白 10, 服务态度 20, 结束语 10,
业务准确性 30, 沟通技巧 20, 工单记录 10 = 100), 不涉及 counted at the item's maximum. Grades:
优秀 > 90, 良好 ≥ 80, 合格 ≥ 60; the analysis bands are DOMAIN.md's (优良 > 90, 轻微不良 85–90).

The workbook: one sheet per call (named by its 录音编号) and a 评分说明 sheet. A call's sheet: row 1
the title, row 2 录音编号 | id | 坐席 | name, row 3 日期 | date | 质检员 | name, row 4 the item
table's header (序号 | 评分项目 | 分值 | 得分 | 扣分原因), rows 5–10 the items in the form's order
(开场白, 服务态度, 业务准确性, 沟通技巧, 结束语, 工单记录), row 11 合计.
"""

from __future__ import annotations

import datetime as dt

import pytest

from formkit import by_recording, form_rubric, run_form
from sheetkit import SheetSpec, write_xlsx

ITEMS = {"开场白": 10, "服务态度": 20, "业务准确性": 30, "沟通技巧": 20, "结束语": 10, "工单记录": 10}
D5, D6 = dt.date(2026, 11, 5), dt.date(2026, 11, 6)


def call_sheet(rid, agent, day, scores, total, reasons=None):
    rows = [["录音质检打分明细表"], ["录音编号", rid, "坐席", agent], ["日期", day, "质检员", "黄立"],
            ["序号", "评分项目", "分值", "得分", "扣分原因"]]
    for k, ((name, mx), score) in enumerate(zip(ITEMS.items(), scores), start=1):
        rows.append([k, name, mx, score, (reasons or {}).get(name)])
    rows.append(["合计", None, 100, total])
    return SheetSpec(rid, rows)


SHEETS = [
    # 10 + 18 + 30 + 16 + 10 + 10 = 94
    call_sheet("FG-1101", "周敏", D5, [10, 18, 30, 16, 10, 10], 94, {"服务态度": "语气平淡", "沟通技巧": "打断客户"}),
    # 5 + 15 + 24 + 14 + 5 + 8 = 71
    call_sheet("FG-1102", "吴刚", D5, [5, 15, 24, 14, 5, 8], 71, {"业务准确性": "政策解释有误"}),
    # 10 + 20 + 27 + 18 + 10 + 不涉及 (10) = 95
    call_sheet("FG-1103", "周敏", D6, [10, 20, 27, 18, 10, "不涉及"], 95),
    # 10 + 17 + 25 + 15 + 10 + 9 = 86
    call_sheet("FG-1104", "吴刚", D6, [10, 17, 25, 15, 10, 9], 86),
    SheetSpec("评分说明", [["评分说明"], ["每通录音一张表,得分填在“得分”列,不涉及的项目填“不涉及”。"]]),
]
FINALS = {"FG-1101": 94, "FG-1102": 71, "FG-1103": 95, "FG-1104": 86}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("branch_call_sheets")
    book = write_xlsx(d / "录音质检打分明细表-11月.xlsx", SHEETS)
    return run_form(form_rubric("branch_call_sheets"), book, D5, d, rows_read=4)


def test_each_sheet_is_one_call_with_the_branchs_total(run):
    assert run.findings == []
    assert by_recording(run.calls) == FINALS
    assert by_recording(run.calls, "recorded_total") == FINALS
    assert by_recording(run.calls, "sheet") == {rid: rid for rid in FINALS}
    assert by_recording(run.calls, "agent_id") == {"FG-1101": "周敏", "FG-1102": "吴刚", "FG-1103": "周敏",
                                                   "FG-1104": "吴刚"}
    assert by_recording(run.calls, "date") == {"FG-1101": D5, "FG-1102": D5, "FG-1103": D6, "FG-1104": D6}
    assert by_recording(run.calls, "grade") == {"FG-1101": "优秀", "FG-1102": "合格", "FG-1103": "优秀",
                                                "FG-1104": "良好"}
    assert set(run.calls["row"]) == {5}  # a call is known by the row of its first item


def test_the_servicequality_analysis_of_the_month(run):
    f = run.figures
    assert f["n"] == 4
    assert f["mean_score"] == (94 + 71 + 95 + 86) / 4   # 86.5
    assert f["excellent_rate"] == 0.5                    # > 90: 94, 95
    assert f["slight_defect_rate"] == 0.25               # 85 ≤ s ≤ 90: 86
    assert f["general_defect_rate"] == 0                 # 80 ≤ s < 85: none
    assert f["below_80_rate"] == 0.25                    # 71
    # 不良 = an item below its maximum (不涉及 never):
    #   FG-1101 服务态度, 沟通技巧; FG-1102 all six; FG-1103 业务准确性, 沟通技巧;
    #   FG-1104 服务态度, 业务准确性, 沟通技巧, 工单记录
    defects = {i["item"]: i["defect_count"] for i in f["items"]}
    assert defects == {"开场白": 1, "服务态度": 3, "结束语": 1, "业务准确性": 3, "沟通技巧": 4, "工单记录": 2}
    assert f["mean_defect_rate"] == round(14 / (4 * 6), 6)   # 0.583333
    agents = {aid: fig.mean_score for (aid, _), fig in run.result.analysis.by_agent}
    assert agents == {"周敏": (94 + 95) / 2, "吴刚": (71 + 86) / 2}
    days = {d["date"]: d["n"] for d in f["days"]}
    assert days == {"2026-11-05": 2, "2026-11-06": 2}
