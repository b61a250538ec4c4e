"""The 抽检计划 workbook and the prefilled 评分表 (reports/sample_workbook.py): the sheets read back;
the prefilled sheet is the rubric's template (recalculated by LibreOffice: blank totals until scored,
then the engine's score) and reads back without findings but its empty scores, for every rubric."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import openpyxl
import pandas as pd
import pytest

from zhijian.engine.sampling import SamplingRule, make_plan
from zhijian.engine.scoring import CallRecord, score_call
from zhijian.engine.validate import check_grids
from zhijian.files.libreoffice import recalculate
from zhijian.files.rubrics import bundled_rubric_names, load_rubric
from zhijian.files.workbooks import read_grids
from zhijian.reports.sample_workbook import prefill_of, write_plan_sheets, write_plan_workbook
from zhijian.reports.template import write_template
from zhijian.reports.template_layout import template_layout

DAY = dt.date(2026, 10, 12)
TIMES = ["09:30", "10:30", "11:30", "12:30", "13:30", "09:50"]
AGENTS = ["A01", "A02", "A03"]


@pytest.fixture(scope="module")
def plan():
    rows = [{"recording_id": f"{a}-{t}", "agent_id": a, "start": dt.datetime.combine(DAY, dt.time.fromisoformat(t)),
             "duration": 90.0, "call_type": "呼出" if t == "12:30" else "呼入", "customer": "", "agent_name": "",
             "team": ""} for a in AGENTS for t in TIMES]
    rows += [{"recording_id": "A04-0910", "agent_id": "A04", "start": dt.datetime.combine(DAY, dt.time(9, 10)),
              "duration": 15.0, "call_type": "呼入", "customer": "", "agent_name": "", "team": ""}]
    roster = pd.DataFrame({"agent_id": AGENTS + ["A04"], "agent_name": ["张三", "李四", "王五", "赵六"],
                           "team": ["一组", "一组", "二组", "二组"]})
    return make_plan(pd.DataFrame(rows), roster, ["王丽", "陈静"], DAY,
                     rule=SamplingRule(hours=(dt.time(9), dt.time(14))), seed=1)


def test_the_plan_workbook_reads_back(plan, tmp_path):
    path = write_plan_workbook(plan, tmp_path / "抽检计划_2026-10-12.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["抽检计划", "坐席抽检数", "抽检不足", "质检员分组", "说明"]
    ws = wb["抽检计划"]
    assert [c.value for c in ws[3]] == ["日期", "质检员", "轮次", "坐席工号", "坐席姓名", "班组", "录音编号", "开始时间",
                                       "通话时长(秒)", "呼叫类型", "客户号码", "抽取时段", "说明"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4) if r[0].value is not None]
    assert len(rows) == 16  # 3 agents × 5, and A04's one call
    # 王丽 has A01, A02 (一组), 陈静 A03, A04 (二组); by inspector, then round.
    assert [(r[1], r[2], r[3]) for r in rows[:2]] == [("王丽", 1, "A01"), ("王丽", 1, "A02")]
    a04 = next(r for r in rows if r[3] == "A04")
    assert a04[1] == "陈静" and a04[6] == "A04-0910" and a04[12] == "没有 30 秒以上的录音可抽,抽取了 15 秒的短录音"
    assert rows[0][7] == dt.datetime(2026, 10, 12, int(rows[0][6][4:6]), int(rows[0][6][7:9]))
    agents = wb["坐席抽检数"]
    a04_counts = next([c.value for c in r] for r in agents.iter_rows(min_row=4) if r[0].value == "A04")
    assert a04_counts[4:11] == [1, 0, 1, 1, 1, 5, 0]
    short = [[c.value for c in r] for r in wb["抽检不足"].iter_rows(min_row=4) if r[0].value]
    assert short == [["A04", "赵六", "二组", "陈静", 1, 5, "当日只有 1 通可抽录音,不足 5 通"]]
    groups = [[c.value for c in r][:4] for r in wb["质检员分组"].iter_rows(min_row=4) if r[0].value]
    assert groups == [["王丽", 2, 10, "A01、A02"], ["陈静", 2, 6, "A03、A04"]]


@pytest.mark.parametrize("name", bundled_rubric_names())
def test_prefilled_sheets_read_back_with_only_their_empty_scores(plan, tmp_path, name):
    rubric = load_rubric(name)
    sheets = write_plan_sheets(plan, rubric, tmp_path)
    assert sorted(p.name for p in sheets.values()) == ["评分表_2026-10-12_王丽.xlsx", "评分表_2026-10-12_陈静.xlsx"]
    checked = check_grids(rubric, read_grids(sheets["王丽"]))
    assert {str(f.rule) for f in checked.report.findings} <= {"score.missing"}
    calls = checked.calls
    assert calls["recording_id"].tolist() == [d.recording_id for d in plan.group_of("王丽").draws]
    assert set(calls["inspector"]) == {"王丽"} and set(calls["date"]) == {DAY}
    assert calls["agent_name"].tolist()[:2] == ["张三", "李四"] and set(calls["team"]) == {"一组"}
    assert calls["extra:轮次"].tolist() == [d.round for d in plan.group_of("王丽").draws]
    if rubric.items:
        assert Counter(str(f.rule) for f in checked.report.findings) == {"score.missing": 10 * len(rubric.items)}


def test_a_prefilled_sheet_keeps_the_live_total_blank_until_scored(plan, tmp_path):
    rubric = load_rubric("listening-10x4")
    lay = template_layout(rubric)
    path = write_template(rubric, tmp_path / "王丽.xlsx", prefill=prefill_of(plan, "王丽"))
    wb = openpyxl.load_workbook(path)
    ws = wb[lay.sheet]
    scores = [5, 4, 5, 3, 5, 5, 2, 5, 5, 4]  # 2 × 43 = 86
    for item, v in zip(rubric.items, scores):
        ws.cell(lay.data_row(1), lay.column_number(item.name), v)
    # 不涉及 and the other nine at 5: 100
    ws.cell(lay.data_row(2), lay.column_number(rubric.items[0].name), "不涉及")
    for item in rubric.items[1:]:
        ws.cell(lay.data_row(2), lay.column_number(item.name), 5)
    # only 不涉及, the other items still blank: not scored yet (blank: error), no total
    ws.cell(lay.data_row(3), lay.column_number(rubric.items[0].name), "不涉及")
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    out = recalculate(filled, tmp_path / "recalculated")
    got = openpyxl.load_workbook(out, data_only=True)[lay.sheet]
    tcol = lay.column_number("total")
    totals = [got.cell(lay.data_row(i), tcol).value for i in range(10)]
    want = score_call(rubric, CallRecord(items={it.name: v for it, v in zip(rubric.items, scores)})).final_score
    assert want == 86
    assert totals[1] == 86 and totals[2] == 100
    assert all(t in (None, "") for i, t in enumerate(totals) if i not in (1, 2))  # prefilled, unscored: blank
    assert totals[3] in (None, "")  # a started row with blanks left: no total until every item is scored
    title = got.cell(1, 1).value
    assert title.endswith("2026-10-12 质检员: 王丽")
