"""The 质检周报 (weekly.py, report_weekly.py): every figure is the consolidation engine's for the
same calls, the quota follows the Chinese working-day calendar, this week's 质检主题 comes from last
week's data (业务能力 in a project's first week), and the workbook reads back as
`WeeklyReport.to_dict()`, reruns byte for byte, handles an empty week and a single-call agent, and
prints to PDF with LibreOffice and poppler (required: without them the test fails, it never skips).

Data: the demo generator's 1–23 October 2026 (ISO weeks 41–43; week 41 holds only 8, 9 and 10
October: 1–7 October is the National Day holiday, Saturday 10 October an adjusted working day),
written as one 评分表 file per inspector and day and read back with `consolidate.load_calls`, the
path the CLI takes. Changed on purpose, all on 14 October in 王丽's sheet: one row scored 6 (not
allowed: excluded), one agent's two lowest calls carrying the remark "=1+1" and a customer's
mobile number; and a new agent A100 with a single call on 15 October.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import chinese_calendar
import numpy as np
import openpyxl
import pytest

from accounting import assert_accounted
from zhijian.engine.analysis import analyse, defect_matrix, split_duplicates, topics, warning_colour, warning_fill
from zhijian.pipeline.jobs import consolidate
from zhijian.pipeline.load import load_calls
from zhijian.pipeline.demo import generate_month, write_sheet
from zhijian.errors import InputFileError, OptionError
from zhijian.reports.weekly_workbook import EMPTY_WEEK, SHEETS, write_weekly_workbook
from zhijian.files.rubrics import load_rubric
from zhijian.engine.periods import parse_period
from zhijian.engine.weekly import WeeklyReport, build_weekly, day_label
from zhijian.engine.workdays import CALENDAR_CN

RUBRIC = "listening-10x4"
W41, W42, W43, W45 = (parse_period(f"2026-W{n}") for n in (41, 42, 43, 45))
PLANT_DAY, PLANT_INSPECTOR = dt.date(2026, 10, 14), "王丽"
FORMULA_REMARK = "=1+1"
MOBILE, MOBILE_MASKED = "13812345678", "138****5678"
SINGLE = {"agent_id": "A100", "agent_name": "单通坐席", "team": "二组", "recording_id": "S100",
          "date": dt.date(2026, 10, 15), "inspector": "陈静", "call_type": "呼入"}
approx = pytest.approx


# --- data ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rubric():
    return load_rubric(RUBRIC)


@pytest.fixture(scope="module")
def folder(tmp_path_factory, rubric):
    month, _ = generate_month(rubric, "2026-10", seed=7)
    month = month[month["date"] <= dt.date(2026, 10, 23)]
    d = tmp_path_factory.mktemp("weekly-sheets")
    planted = None
    for (day, inspector), g in month.groupby(["date", "inspector"]):
        rows = [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                for r in g.to_dict("records")]
        if day == PLANT_DAY and inspector == PLANT_INSPECTOR:
            rows[0]["服务态度"] = 6  # not allowed: the row is excluded
            # One agent's two lowest calls of the week, with remarks to carry into the report (the
            # sheet is in the 抽检计划's order, by round: the agent's next call is a round later).
            agent = rows[5]["agent_id"]
            later = next(r for r in rows[6:] if r["agent_id"] == agent)
            for r, score, remark in ((rows[5], 1, FORMULA_REMARK), (later, 2, f"客户要求回电 {MOBILE}")):
                assert r["agent_id"] == agent
                r.update({it.name: score for it in rubric.items}, remarks=remark, error_deduction=None,
                         fatal_errors=None)
            planted = agent
        if day == SINGLE["date"] and inspector == SINGLE["inspector"]:
            rows.append({**rows[0], **SINGLE, "remarks": "", "error_deduction": None, "fatal_errors": None,
                         **{it.name: 4 for it in rubric.items}})
        write_sheet(rubric, d / f"{day:%Y-%m-%d}_{inspector}.xlsx", f"评分表 {day} {inspector}", rows)
    assert planted
    return d, planted


@pytest.fixture(scope="module")
def loaded(rubric, folder):
    return load_calls(rubric, [str(folder[0])])


@pytest.fixture(scope="module")
def planted_agent(folder):
    return folder[1]


@pytest.fixture(scope="module")
def reports(rubric, loaded) -> dict[str, WeeklyReport]:
    return {name: build_weekly(rubric, loaded, week) for name, week in
            (("41", W41), ("42", W42), ("43", W43), ("45", W45))}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, reports, loaded) -> Path:
    _, findings, _ = loaded.select(W42)
    out = tmp_path_factory.mktemp("weekly") / "质检周报.xlsx"
    assert write_weekly_workbook(reports["42"], out, findings=findings,
                                 sources=[str(f) for f in loaded.files]) == out
    return out


# --- the figures are the engine's -------------------------------------------------------------------

def test_week_figures_equal_consolidation(rubric, folder, reports):
    """The week's figures are those of `zhijian consolidate --period week` for the same files."""
    rep = reports["42"].to_dict()
    ref = consolidate(rubric, [str(folder[0])], period_kind="week", date=dt.date(2026, 10, 14)).analysis.to_dict()
    for key in ("n", "excluded_rows", "mean_score", "excellent_rate", "slight_defect_rate", "general_defect_rate",
                "below_80_rate", "mean_defect_rate", "mean_defect_level"):
        assert rep[key] == ref[key], key
    assert rep["excluded_rows"] == 1
    assert [{k: d[k] for k in ("date", "n", "mean_defect_rate", "warning_colour")} for d in rep["days"]] == ref["days"]
    assert rep["week"] == "2026-W42" and (rep["start"], rep["end"]) == ("2026-10-12", "2026-10-18")
    assert rep["topics_next_week"] == ref["worst_capability_items"]
    assert rep["accounting"] == ref["accounting"]
    assert_accounted(reports["42"].analysis.account)


def test_working_days_and_quota(reports):
    """Week 41 of 2026: 8, 9 and the adjusted working Saturday 10 October → quota 3 × 60."""
    for name, days, quota in (("41", [8, 9, 10], 180), ("42", [12, 13, 14, 15, 16], 300)):
        rep = reports[name]
        week_days = [rep.week.start + dt.timedelta(days=i) for i in range(7)]
        assert [d for d in week_days if chinese_calendar.is_workday(d)] == [dt.date(2026, 10, x) for x in days]
        assert list(rep.working_days.days) == [dt.date(2026, 10, x) for x in days]
        assert rep.calendar == CALENDAR_CN and rep.to_dict()["calendar"] == CALENDAR_CN
        assert rep.quota == quota and rep.to_dict()["working_days"] == len(days)
        for rec in rep.to_dict()["inspectors"]:
            assert rec["quota"] == quota
            assert rec["completion_rate"] == approx(rec["calls"] / quota)


def test_agent_weekly_means_are_the_counted_calls(rubric, reports):
    rep = reports["42"]
    a = rep.analysis
    counted = a.counted
    assert counted["inspector"].astype(str).str.startswith("校正基准").any()  # calibration counted once
    df = rep.agent_scores
    assert list(df.columns[:7]) == ["工号", "姓名", "班组", "通数", "周平均分", "最低分", "等级"]
    assert list(df.columns[7:]) == [day_label(rep.week.start + dt.timedelta(days=i)) for i in range(7)]
    assert df["通数"].sum() == a.overall.n
    for rec in df.to_dict("records"):
        rows = counted[counted["agent_id"] == rec["工号"]]
        assert rec["通数"] == len(rows)
        assert rec["周平均分"] == approx(rows["final_score"].mean())
        assert rec["最低分"] == rows["final_score"].min()
        assert rec["等级"] == rubric.grade_for(rows["final_score"].mean())
        for i in range(7):
            day = rep.week.start + dt.timedelta(days=i)
            on_day = rows[rows["date"] == day]["final_score"]
            if len(on_day):
                assert rec[day_label(day)] == approx(on_day.mean())
            else:
                assert np.isnan(rec[day_label(day)])
    assert [r["agent_id"] for r in rep.to_dict()["agents"]] == list(df["工号"])


def test_feedback_worst_items_and_remarks(rubric, reports, planted_agent):
    rep = reports["42"]
    counted = rep.analysis.counted
    names = [it.name for it in rubric.items]
    for rec in rep.agent_feedback.to_dict("records"):
        rows = counted[counted["agent_id"] == rec["工号"]]
        counts = defect_matrix(rubric, rows).sum(axis=0)
        order = sorted((j for j in range(len(names)) if counts[j]), key=lambda j: (-counts[j], j))[:3]
        assert rec["主要不良项"] == ("、".join(f"{names[j]}({counts[j]})" for j in order) or "无")
        lines = rec["最低分录音的质检员备注"].split("\n")
        assert len(lines) == min(2, len(rows))
        lowest = sorted(rows["final_score"])[:2]
        for line, score in zip(lines, lowest):
            assert f",{score:g}分): " in line
    planted = rep.agent_feedback.set_index("工号").loc[planted_agent, "最低分录音的质检员备注"].split("\n")
    assert planted[0] == f"{PLANT_INSPECTOR}(10-14,20分): {FORMULA_REMARK}"
    assert planted[1] == f"{PLANT_INSPECTOR}(10-14,40分): 客户要求回电 {MOBILE_MASKED}"  # masked: e-mailed


def test_inspectors_own_scorings_quota_and_calibration(rubric, loaded, reports):
    rep = reports["42"]
    a = rep.analysis
    valid, _, _ = loaded.select(W42)
    own, _ = split_duplicates(valid)
    by_insp = dict(a.by_inspector)
    per = a.calibration.per_inspector.set_index("质检员")
    assert not per.empty
    for rec in rep.inspectors.to_dict("records"):
        name = rec["质检员"]
        assert rec["评分通数"] == by_insp[name].n == int((own["inspector"] == name).sum())
        assert rec["平均给分"] == approx(by_insp[name].mean_score)
        assert rec["完成率"] == approx(rec["评分通数"] / (60 * 5))
        if name in per.index:
            assert (rec["校正通数"], rec["平均偏差"], rec["一致率"]) == \
                approx((per.loc[name, "校正通数"], per.loc[name, "平均偏差"], per.loc[name, "一致率"]))
        else:
            assert np.isnan(rec["平均偏差"])
    # With half the quota per day, the completion rate doubles.
    half = build_weekly(rubric, loaded, W42, quota_per_day=30)
    assert list(half.inspectors["完成率"]) == approx([2 * x for x in rep.inspectors["完成率"]])


def test_topics_come_from_last_week(rubric, loaded, reports):
    first, second = reports["41"], reports["42"]
    # Week 41 is the first week of data, after the National Day holiday: nothing for week 40 is
    # no reason to call it a project's first week. No topic, and the report says why.
    assert first.previous is None and first.topics_this_week == []
    assert first.topics_basis.startswith("没有上周的评分记录")
    # Told the project's first day (8 October), week 41 is the first week: 业务能力.
    told = build_weekly(rubric, loaded, W41, project_start=dt.date(2026, 10, 8))
    assert told.topics_this_week == ["业务能力"] and "项目首周" in told.topics_basis
    # A project start in another week changes nothing for this one.
    assert build_weekly(rubric, loaded, W42, project_start=dt.date(2026, 10, 8)).topics_this_week == \
        second.topics_this_week
    # Week 42: chosen from week 41's 不良比率, by the engine's `topics`.
    prev_valid, _, _ = loaded.select(W41)
    expected = topics(rubric, analyse(rubric, prev_valid).overall)
    assert second.previous is not None and second.previous.overall.n == first.analysis.overall.n
    assert second.topics_this_week == expected == first.topics_next_week
    assert second.to_dict()["topics_this_week"] == expected
    # Next week's suggestion: this week's data.
    assert second.topics_next_week == second.analysis.topics == topics(rubric, second.analysis.overall)
    assert reports["43"].topics_this_week == second.topics_next_week


def test_the_lead_sets_the_topics(rubric, loaded, reports):
    rep = build_weekly(rubric, loaded, W42, topics=["主动推介", "业务能力"])
    assert rep.topics_this_week == ["主动推介", "业务能力"] and rep.topics_basis == "由质检班长指定"
    assert list(dict.fromkeys(rep.topic_tracking["质检主题"])) == ["主动推介", "业务能力"]
    assert rep.topics_next_week == reports["42"].topics_next_week  # the suggestion stays the engine's
    with pytest.raises(OptionError, match="“服务热情”不是《质检监听评分表》的评分项"):
        build_weekly(rubric, loaded, W42, topics=["服务热情"])


def test_first_week_of_a_rubric_without_that_item_names_no_other_item(tmp_path):
    # qc-v3.1 has no 业务能力: a project's first week gets no topic, and the basis says why.
    from sheetkit import SheetSpec, qc_header, qc_row, write_xlsx

    qc = load_rubric("qc-v3.1")
    src = write_xlsx(tmp_path / "qc.xlsx", [SheetSpec("QC", [qc_header(), qc_row(dt.date(2026, 10, 12), "陈静",
                                                                                "A001", "Q1")])])
    rep = build_weekly(qc, load_calls(qc, [str(src)]), W42, project_start=dt.date(2026, 10, 12))
    assert rep.topics_this_week == [] and "没有“业务能力”项" in rep.topics_basis


def test_topic_tracking_day_by_day(reports):
    rep = reports["42"]
    df = rep.topic_tracking
    assert set(df["质检主题"]) == set(rep.topics_this_week)
    by_day = dict(rep.analysis.by_day)
    for item in rep.topics_this_week:
        rows = df[df["质检主题"] == item]
        days = rows[rows["日期"].notna()]
        assert list(days["日期"]) == list(by_day)
        for rec in days.to_dict("records"):
            f = next(x for x in by_day[rec["日期"]].items if x.item == item)
            assert (rec["通数"], rec["不良数"], rec["警示级别"]) == (by_day[rec["日期"]].n, f.defect_count,
                                                                   f.warning_level)
            assert rec["不良比率"] == approx(f.defect_rate)
        diffs = list(days["不良比率"].diff())[1:]
        assert list(days["较上一日"])[1:] == approx(diffs)
        week = rows[rows["日期"].isna()].iloc[0]
        f = next(x for x in rep.analysis.overall.items if x.item == item)
        assert week["星期"] == "本周合计" and week["不良比率"] == approx(f.defect_rate)


def test_daily_series_and_colour_days(reports):
    rep = reports["42"]
    a = rep.analysis
    assert list(rep.daily["日期"]) == [d for d, _ in a.by_day]
    for rec, (_, f) in zip(rep.daily.to_dict("records"), a.by_day):
        assert rec["通数"] == f.n and rec["平均分"] == approx(f.mean_score)
        assert rec["平均不良比率"] == approx(f.mean_defect_rate)
        assert rec["警示色"] == warning_colour(f.mean_defect_level)
    assert rep.colour_days() == a.colour_days() and sum(a.colour_days().values()) == len(a.by_day)
    assert rep.to_dict()["days"] == [{"date": d.isoformat(), "n": f.n, "mean_score": round(f.mean_score, 6),
                                      "mean_defect_rate": round(f.mean_defect_rate, 6),
                                      "warning_colour": warning_colour(f.mean_defect_level)} for d, f in a.by_day]


def test_single_call_agent(reports):
    rep = reports["42"]
    row = rep.agent_scores.set_index("工号").loc["A100"]
    assert row["通数"] == 1 and row["周平均分"] == row["最低分"] == 80.0
    assert row[day_label(SINGLE["date"])] == 80.0
    assert row.drop(["姓名", "班组", "通数", "周平均分", "最低分", "等级", day_label(SINGLE["date"])]).isna().all()
    fb = rep.agent_feedback.set_index("工号").loc["A100"]
    assert fb["主要不良项"].startswith("开场白及挂机(1)、服务态度(1)、服务用语(1)")
    assert fb["最低分录音的质检员备注"] == "陈静(10-15,80分): 无备注"


def test_a_week_must_run_monday_to_sunday(rubric, loaded):
    with pytest.raises(InputFileError, match="周一至周日"):
        build_weekly(rubric, loaded, parse_period("2026-10"))
    with pytest.raises(InputFileError):
        build_weekly(rubric, loaded, parse_period("2026-10-13..2026-10-19"))


# --- the workbook ---------------------------------------------------------------------------------

KPI = {"有效通数": "n", "平均分": "mean_score", "优良率": "excellent_rate", "轻微不良": "slight_defect_rate",
       "一般不良": "general_defect_rate", "80分以下": "below_80_rate", "平均不良比率": "mean_defect_rate",
       "警示级别": "mean_defect_level"}


def _row_of(ws, col: int, text: str) -> int:
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, col).value == text:
            return r
    raise AssertionError(f"{ws.title}: 找不到“{text}”")


def _header(ws, first: str) -> tuple[int, dict[str, int]]:
    r = _row_of(ws, 1, first)
    return r, {ws.cell(r, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(r, c).value}


def _round(v):
    return None if v is None or v == "—" else round(v, 6)


def read_back(path: Path) -> dict:
    """The `--json` figures as the workbook shows them."""
    wb = openpyxl.load_workbook(path)
    out: dict = {}
    ws = wb["周报概览"]
    r, cols = _header(ws, "有效通数")
    for label, key in KPI.items():
        v = ws.cell(r + 1, cols[label]).value
        out[key] = v if key in ("n", "mean_defect_level") else _round(v)
    topic_row = _row_of(ws, 1, "本周质检主题")
    out["topics_this_week"] = [t for t in ws.cell(topic_row, 2).value.split("、") if t != "无"]
    out["topics_next_week"] = [t for t in ws.cell(_row_of(ws, 1, "下周建议主题"), 2).value.split("、") if t != "无"]
    out["working_days"] = ws.cell(_row_of(ws, 1, "工作日"), 2).value
    out["calendar"] = ws.cell(_row_of(ws, 1, "工作日历"), 2).value
    out["excluded_rows"] = ws.cell(_row_of(ws, 1, "校验错误排除"), 2).value
    head = _row_of(ws, 1, "日期")
    rows = {ws.cell(head + k, 1).value: head + k for k in range(1, 6)}
    days = []
    for c in range(2, 9):
        n = ws.cell(rows["通数"], c).value
        if n:
            days.append({"label": ws.cell(head, c).value, "n": n, "mean_score": _round(ws.cell(rows["平均分"], c).value),
                         "mean_defect_rate": _round(ws.cell(rows["平均不良比率"], c).value),
                         "warning_colour": ws.cell(rows["警示色"], c).value.split("·")[0]})
    out["days"] = days
    ws = wb["监听评分表(周平均分)"]
    r, cols = _header(ws, "工号")
    agents = []
    while ws.cell(r + 1, 1).value not in (None, "全部坐席"):
        r += 1
        agents.append({"agent_id": ws.cell(r, 1).value, "agent_name": ws.cell(r, 2).value,
                       "calls": ws.cell(r, cols["通数"]).value, "mean_score": _round(ws.cell(r, cols["周平均分"]).value),
                       "min_score": _round(ws.cell(r, cols["最低分"]).value)})
    out["agents"] = agents
    ws = wb["质检组评分周报"]
    r, cols = _header(ws, "质检员")
    inspectors = []
    while ws.cell(r + 1, 1).value:
        r += 1
        inspectors.append({"inspector": ws.cell(r, 1).value, "calls": ws.cell(r, cols["评分通数"]).value,
                           "quota": ws.cell(r, cols["定额"]).value,
                           "completion_rate": _round(ws.cell(r, cols["完成率"]).value),
                           "mean_score": _round(ws.cell(r, cols["平均给分"]).value),
                           "calibration_deviation": _round(ws.cell(r, cols["平均偏差"]).value)})
    out["inspectors"] = inspectors
    return out


def test_sheets(workbook):
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == SHEETS == ["周报概览", "监听评分表(周平均分)", "员工服务质量反馈表", "质检组评分周报",
                                       "每周质检主题反馈跟踪表", "排除与重复", "数据来源", "图表数据"]
    assert all(len(n) <= 31 for n in SHEETS)
    assert wb["图表数据"].sheet_state == "hidden"
    for ws in wb.worksheets[:5]:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1), ws.title  # 1: the default
    assert "《质检监听评分表》质检周报  2026年第42周(10-12至10-18)" == wb["周报概览"]["A1"].value


def test_workbook_reads_back_as_json(workbook, reports):
    rep = reports["42"]
    expected = rep.to_dict()
    got = read_back(workbook)
    for key in [*KPI.values(), "topics_this_week", "topics_next_week", "working_days", "calendar",
                "excluded_rows", "agents", "inspectors"]:
        assert got[key] == expected[key], key
    assert [{k: d[k] for k in ("n", "mean_score", "mean_defect_rate", "warning_colour")} for d in got["days"]] == \
        [{k: d[k] for k in ("n", "mean_score", "mean_defect_rate", "warning_colour")} for d in expected["days"]]
    assert [d["label"] for d in got["days"]] == [day_label(dt.date.fromisoformat(d["date"])) for d in expected["days"]]


def test_formats_fills_and_text(workbook, reports):
    rep = reports["42"]
    wb = openpyxl.load_workbook(workbook)
    ws = wb["周报概览"]
    r, cols = _header(ws, "有效通数")
    assert ws.cell(r + 1, cols["平均分"]).number_format == "0.0"
    assert ws.cell(r + 1, cols["优良率"]).number_format == "0.0%"
    level = rep.analysis.overall.mean_defect_level
    fill = (ws.cell(r + 1, cols["警示级别"]).fill.fgColor.rgb or "")[-6:]
    assert fill == warning_fill(level).lstrip("#")
    head = _row_of(ws, 1, "日期")
    colour_row = _row_of(ws, 1, "警示色")
    by_day = dict(rep.analysis.by_day)
    for c in range(2, 9):
        day = rep.week.start + dt.timedelta(days=c - 2)
        assert ws.cell(head, c).value == day_label(day)
        if day in by_day:
            lv = by_day[day].mean_defect_level
            assert ws.cell(colour_row, c).value == f"{warning_colour(lv)}·{lv}"
            assert (ws.cell(colour_row, c).fill.fgColor.rgb or "")[-6:] == warning_fill(lv).lstrip("#")
    days_row = _row_of(ws, 1, "警示色天数")
    counts = {ws.cell(days_row, c).value.split("·")[0]: ws.cell(days_row + 1, c).value for c in range(2, 7)}
    assert counts == rep.colour_days()
    ws = wb["监听评分表(周平均分)"]
    r, cols = _header(ws, "工号")
    assert ws.cell(r + 1, cols["周平均分"]).number_format == "0.0"
    ws = wb["质检组评分周报"]
    r, cols = _header(ws, "质检员")
    assert ws.cell(r + 1, cols["完成率"]).number_format == "0.0%"
    ws = wb["每周质检主题反馈跟踪表"]
    r, cols = _header(ws, "质检主题")
    assert ws.cell(r + 1, cols["不良比率"]).value == approx(rep.topic_tracking["不良比率"].iloc[0])
    assert ws.cell(r + 1, cols["不良比率"]).number_format == "0.0%"
    # Remarks are text, masked; no formula anywhere.
    ws = wb["员工服务质量反馈表"]
    r, cols = _header(ws, "工号")
    remarks = [ws.cell(i, cols["最低分录音的质检员备注"]) for i in range(r + 1, ws.max_row + 1)]
    hit = [c for c in remarks if c.value and FORMULA_REMARK in c.value]
    assert len(hit) == 1 and hit[0].data_type == "s" and MOBILE_MASKED in hit[0].value
    with zipfile.ZipFile(workbook) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert "<f>" not in xml and MOBILE not in xml


def test_native_charts(workbook):
    with zipfile.ZipFile(workbook) as z:
        charts = [z.read(n).decode("utf-8") for n in sorted(z.namelist()) if n.startswith("xl/charts/chart")]
    xml = "".join(charts)
    assert len(charts) >= 3
    assert "每日平均分" in xml and "每日平均不良比率与警示线" in xml and "质检主题项每日不良比率" in xml
    assert "<c:barChart>" in xml and "<c:lineChart>" in xml
    assert "平均不良比率" in xml and "日期" in xml  # axis names
    for colour in ("00B0F0", "E6B800", "FF0000", "000000"):  # the warning lines
        assert colour in xml


def test_deterministic(tmp_path, rubric, loaded, workbook):
    again = build_weekly(rubric, loaded, W42)
    _, findings, _ = loaded.select(W42)
    out = write_weekly_workbook(again, tmp_path / "again.xlsx", findings=findings,
                                sources=[str(f) for f in loaded.files])
    assert out.read_bytes() == workbook.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["again.xlsx"]  # no temporary file left behind


def test_empty_week(tmp_path, reports):
    rep = reports["45"]
    d = rep.to_dict()
    assert d["n"] == 0 and d["mean_score"] is None and d["days"] == [] and d["agents"] == [] and d["inspectors"] == []
    assert d["working_days"] == 5 and d["topics_next_week"] == []
    out = write_weekly_workbook(rep, tmp_path / "empty.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    texts = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert any(EMPTY_WEEK in t for t in texts)
    assert read_back(out)["n"] == 0
    with zipfile.ZipFile(out) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/charts/")]


def test_libreoffice_prints_the_report(workbook, reports, tmp_path):
    from zhijian.files.libreoffice import convert_to_pdf

    for tool in ("pdftotext", "pdffonts"):
        assert shutil.which(tool), f"{tool} (poppler-utils) is required for this test"
    pdf = convert_to_pdf(workbook, tmp_path)  # raises LibreOfficeError when soffice is missing
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "质检周报" in info and "每日平均分" in info  # the first page: title and a chart
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    name = reports["42"].agent_scores["姓名"].iloc[0]
    assert name in text and "员工服务质量反馈表" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts  # embedded: no tofu boxes


def test_a_week_across_new_year_keeps_the_statutory_calendar_for_the_year_it_knows():
    """The last year chinese-calendar knows, Y, and Y + 1, which it does not: a week holding
    1 January of Y + 1 takes Y's days from the statutory calendar and says only Y + 1 fell back (it
    said "尚无 Y、Y+1 年的节假日数据" and counted Y's days Monday–Friday too)."""
    import chinese_calendar

    from zhijian.engine.workdays import CALENDAR_CN, working_days

    year = 2004
    while True:
        try:
            chinese_calendar.is_workday(dt.date(year + 1, 1, 1))
        except NotImplementedError:
            break
        year += 1
    monday = dt.date(year, 12, 29)  # seven days from 29 December: both years, whatever the weekdays
    wd = working_days(monday, monday + dt.timedelta(days=6))
    assert wd.calendar == f"{CALENDAR_CN};{year + 1} 年: 周一至周五(chinese-calendar 尚无 {year + 1} 年的节假日数据)"
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    assert list(wd.days) == [d for d in days if (chinese_calendar.is_workday(d) if d.year == year else d.weekday() < 5)]
