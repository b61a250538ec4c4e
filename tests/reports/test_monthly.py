"""The 质检月报 (monthly.py, report_monthly.py): its figures are the consolidation engine's, the
month-over-month table is checked BY HAND on a small case, the 轮回抽检 check finds the agents
sampled too little or too much and the calls on holidays, and the workbook reads back as
`MonthlyReport.to_dict()`, reruns byte for byte, handles an empty month, a single-call agent and
an offence-only rubric, and prints to PDF with LibreOffice (required: without it the test fails).

Data: the demo generator's October 2026 (18 working days: 1–7 October is the National Day holiday,
Saturday 10 October an adjusted working day) and September 2026 (another seed), typed into
in-memory sheets and read through `validate.check_grids`, the same path the CLI takes. October is
changed on purpose: agent A001 has 4 calls on 9 October, A002 has 6 on 12 October, A003 has 2 calls
on 1 October (a holiday), a new agent A099 has a single call, and one row has a score of 6 (excluded).
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from accounting import assert_accounted
from zhijian.engine.analysis import analyse
from zhijian.engine.columns import column_specs
from zhijian.engine.loaded import Loaded
from zhijian.pipeline.demo import generate_month
from zhijian.engine.monthly import MonthlyReport, build_monthly
from zhijian.engine.reader import Grid
from zhijian.reports.monthly_workbook import SHEETS, write_monthly_workbook
from zhijian.files.rubrics import load_rubric
from zhijian.engine.validate import check_grids
from zhijian.engine.periods import parse_period

OCT, SEP, NOV = parse_period("2026-10"), parse_period("2026-09"), parse_period("2026-11")
HOLIDAY = dt.date(2026, 10, 1)
UNDER_DAY, OVER_DAY = dt.date(2026, 10, 9), dt.date(2026, 10, 12)
approx = functools.partial(pytest.approx, abs=1e-6)  # to_dict rounds to 6 decimals
ITEMS = ["开场白及挂机", "服务态度", "服务用语", "语速音量", "表达能力", "主动推介", "灵活处理", "双向沟通",
         "聆听能力", "业务能力"]


# --- data ------------------------------------------------------------------------------------------

def _clean(rec: dict) -> dict:
    return {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in rec.items()}


def loaded_from(rubric, records: list[dict], file: str = "/data/评分表.xlsx") -> Loaded:
    """Sheet rows -> an in-memory 评分表 -> `check_grids` -> what `consolidate.load_calls` returns."""
    specs = column_specs(rubric)
    rows = [[s.header for s in specs]]
    rows += [[None if s.key == "total" else rec.get(s.key) for s in specs] for rec in records]
    checked = check_grids(rubric, [Grid(file, "评分表", rows)])
    return Loaded(checked.calls, checked.report.findings, [Path(file)])


def october_records(rubric) -> list[dict]:
    month, _ = generate_month(rubric, "2026-10", seed=3)
    recs = [_clean(r) for r in month.to_dict("records")]
    under = next(i for i, r in enumerate(recs) if r["agent_id"] == "A001" and r["date"] == UNDER_DAY)
    del recs[under]  # A001: 4 calls on 9 October
    extra = dict(next(r for r in recs if r["agent_id"] == "A002" and r["date"] == OVER_DAY))
    extra["recording_id"] += "X"  # A002: 6 calls on 12 October
    a003 = next(r for r in recs if r["agent_id"] == "A003")
    holiday = [dict(a003, date=HOLIDAY, recording_id=f"H{k}", remarks="") for k in (1, 2)]
    single = dict(recs[0], agent_id="A099", agent_name="单通坐席", team="二组", recording_id="S1",
                  date=dt.date(2026, 10, 13), remarks="", error_deduction=None, fatal_errors=None,
                  **{i: 5 for i in ITEMS})
    single.update({"服务态度": 4, "业务能力": 3})  # final score 2 × (50 − 1 − 2) = 94
    bad = dict(next(r for r in recs if r["agent_id"] == "A004"), recording_id="E1")
    bad["服务态度"] = 6  # not allowed: the row is excluded (A004 keeps its 5 calls that day)
    return recs + [extra, *holiday, single, bad]


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("listening-10x4")


@pytest.fixture(scope="module")
def oct_records(rubric):
    return october_records(rubric)


@pytest.fixture(scope="module")
def october(rubric, oct_records) -> Loaded:
    return loaded_from(rubric, oct_records, "/data/2026-10.xlsx")


@pytest.fixture(scope="module")
def september(rubric) -> Loaded:
    month, _ = generate_month(rubric, "2026-09", seed=4)
    return loaded_from(rubric, [_clean(r) for r in month.to_dict("records")], "/data/2026-09.xlsx")


@pytest.fixture(scope="module")
def report(rubric, october, september) -> MonthlyReport:
    rep = build_monthly(rubric, october, OCT, previous=september)
    assert_accounted(rep.analysis.account, rows_read=len(october.calls))
    assert_accounted(rep.previous.account, rows_read=len(september.calls))
    return rep


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, report, october) -> Path:
    out = tmp_path_factory.mktemp("monthly") / "质检月报-2026-10.xlsx"
    assert write_monthly_workbook(report, out, findings=october.findings, sources=["/data/2026-10.xlsx"]) == out
    return out


# --- the figures are the engine's --------------------------------------------------------------------

def test_figures_equal_the_consolidation_engine(rubric, october, september, report, oct_records):
    valid, _, excluded = october.select(OCT)
    a = analyse(rubric, valid, period_label="2026年10月", excluded_rows=excluded)
    d = report.to_dict()
    assert excluded == 1 and d["excluded_rows"] == 1
    assert d["month"] == "2026-10" and d["working_days"] == 18 and "法定节假日" in d["calendar"]
    assert (d["n"], d["mean_score"], d["mean_defect_rate"], d["excellent_rate"]) == \
        (a.overall.n, approx(a.overall.mean_score), approx(a.overall.mean_defect_rate),
         approx(a.overall.excellent_rate))
    assert d["colour_days"] == a.colour_days()
    pv, _, _ = september.select(SEP)
    # September 2026: 22 working days × 20 agents × 5 calls (calibration recordings once).
    assert d["previous"]["n"] == analyse(rubric, pv).overall.n == 22 * 20 * 5
    # Per agent: the monthly score is the mean of the agent's final scores in analysis.counted
    # (each calibration recording once, at its benchmark); 差错扣分 and 致命性错误 are its sums.
    counted = a.counted
    for agent in d["agents"]:
        mine = counted[counted["agent_id"] == agent["agent_id"]]
        assert agent["calls"] == len(mine)
        assert agent["monthly_score"] == approx(mine["final_score"].mean())
        assert agent["error_deduction_total"] == approx(mine["error_deduction"].sum())
        assert agent["fatal_errors"] == mine["fatal_errors"].sum()
        assert agent["grade"] == rubric.grade_for(agent["monthly_score"])
    # 差错扣分 as typed in the sheets (calibration copies carry the same value; the excluded row
    # does not count).
    typed: dict[str, float] = {}
    for r in oct_records:
        if r["remarks"] != "校正录音" and r["服务态度"] != 6:
            typed[r["agent_id"]] = typed.get(r["agent_id"], 0) + (r["error_deduction"] or 0)
    assert {x["agent_id"]: x["error_deduction_total"] for x in d["agents"]} == approx(typed)
    assert d["error_deduction_total"] == approx(sum(typed.values()))
    # Ranks: 1 is the best monthly score; ties share a rank.
    ranked = sorted(d["agents"], key=lambda x: x["rank"])
    assert ranked[0]["rank"] == 1 and ranked[0]["monthly_score"] == max(x["monthly_score"] for x in d["agents"])
    # Weeks: ISO weeks 40–44 (1–4 October, week 40, is all holiday: it is there for A003's 2 calls).
    assert [w["week"] for w in d["weeks"]] == ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"]
    assert sum(w["n"] for w in d["weeks"]) == a.overall.n
    dates = counted["date"].tolist()
    for w in d["weeks"]:
        in_week = counted[[x.isocalendar()[1] == int(w["week"][-2:]) for x in dates]]
        assert w["mean_score"] == approx(in_week["final_score"].mean())
    # The 每月监听评分表's weekly columns: an agent's mean within each week.
    row = report.monthly_scores.set_index("工号").loc["A005"]
    w42 = counted[(counted["agent_id"] == "A005") & np.array([x.isocalendar()[1] == 42 for x in dates])]
    assert row[[c for c in report.monthly_scores.columns if c.startswith("第42周")][0]] == \
        approx(w42["final_score"].mean())


def test_single_call_agent(report, october):
    valid, _, _ = october.select(OCT)
    final = float(valid.loc[valid["agent_id"] == "A099", "final_score"].iloc[0])
    row = report.monthly_scores.set_index("工号").loc["A099"]
    assert (row["通数"], row["月平均分"], row["最低分"], row["最高分"]) == (1, final, final, final)
    assert final == 94  # 2 × (50 − 1 − 2): 服务态度 4, 业务能力 3
    agent = next(a for a in report.to_dict()["agents"] if a["agent_id"] == "A099")
    assert agent["calls"] == 1 and agent["monthly_score"] == approx(final)


def test_previous_month_from_the_same_inputs(rubric, october, september):
    both = Loaded(pd.concat([september.calls, october.calls], ignore_index=True),
                  september.findings + october.findings, [])
    rep = build_monthly(rubric, both, OCT)
    assert rep.previous is not None
    assert rep.previous.overall.n == build_monthly(rubric, october, OCT, previous=september).previous.overall.n
    alone = build_monthly(rubric, october, OCT)  # no September anywhere
    d = alone.to_dict()
    assert alone.previous is None and d["previous"] is None
    assert all(c["previous"] is None and c["change"] is None and c["current"] is not None
               for c in d["categories"])


# --- month over month, by hand -------------------------------------------------------------------

def _call(date, rid, **scores):
    rec = {"date": date, "inspector": "王丽", "agent_id": "A001", "agent_name": "张三", "team": "一组",
           "recording_id": rid}
    rec.update({i: 5 for i in ITEMS})
    rec.update(scores)
    return rec


def test_month_over_month_by_hand(rubric, tmp_path):
    sep = [_call(dt.date(2026, 9, 7), "S1", 业务能力=3, 主动推介=4),
           _call(dt.date(2026, 9, 8), "S2", 业务能力=1)]
    oct_ = [_call(dt.date(2026, 10, 8), "O1", 业务能力=4, 服务态度=2),
            _call(dt.date(2026, 10, 9), "O2", 主动推介="不涉及")]
    rep = build_monthly(rubric, loaded_from(rubric, oct_), OCT, previous=loaded_from(rubric, sep))
    got = {c["name"]: (c["previous"], c["current"], c["change"]) for c in rep.to_dict()["categories"]}
    # 业务能力 (max 5): September (3 + 1) / 2 = 2 -> 40%; October (4 + 5) / 2 = 4.5 -> 90%; +50 points.
    assert got["业务能力"] == approx((0.40, 0.90, 0.50))
    # 主动推介: September (4 + 5) / 2 -> 90%; October 5 and 不涉及 (= full marks 5) -> 100%; +10.
    assert got["主动推介"] == approx((0.90, 1.00, 0.10))
    # 服务态度: September 100%; October (2 + 5) / 2 = 3.5 -> 70%; −30 points.
    assert got["服务态度"] == approx((1.00, 0.70, -0.30))
    assert got["聆听能力"] == approx((1.0, 1.0, 0.0))
    # 服务能力 (6 items, max 30): September 27 and 26 -> 26.5 / 30 = 88.33%; October 29 and 30 ->
    # 29.5 / 30 = 98.33%; +10 points.
    assert got["服务能力"] == approx((26.5 / 30, 29.5 / 30, 0.10))
    # 服务素质 (4 items, max 20): September 20 and 20 -> 100%; October 17 and 20 -> 92.5%; −7.5.
    assert got["服务素质"] == approx((1.0, 0.925, -0.075))
    # Final scores: September 2 × 47 = 94 and 2 × 46 = 92 (mean 93); October 2 × 46 = 92 and 100
    # (mean 96): +3.
    kf = rep.key_figures.set_index("指标")
    assert tuple(kf.loc["平均分", ["上月", "本月", "变化"]]) == approx((93.0, 96.0, 3.0))
    assert tuple(kf.loc["有效通数", ["上月", "本月", "变化"]]) == approx((2, 2, 0))
    # The workbook's 指标环比 sheet shows the same numbers.
    out = write_monthly_workbook(rep, tmp_path / "hand.xlsx")
    ws = openpyxl.load_workbook(out)["指标环比"]
    rows = {ws.cell(r, 2).value: tuple(ws.cell(r, c).value for c in (5, 6, 7)) for r in range(5, 5 + 12)}
    assert rows["业务能力"] == approx((0.40, 0.90, 0.50))
    assert rows["服务素质"] == approx((1.0, 0.925, -0.075))
    assert ws.cell(5, 6).number_format == "0.0%"


# --- 轮回抽检 -------------------------------------------------------------------------------------

def test_sampling_check(report):
    d = {s["agent_id"]: s for s in report.to_dict()["sampling"]}
    expected = 5 * 18
    assert d["A001"]["status"] == "抽检不足" and d["A001"]["under_days"] == ["10-09"]
    assert d["A001"]["calls"] == expected - 1 and d["A001"]["difference"] == -1
    assert d["A002"]["status"] == "抽检过多" and d["A002"]["over_days"] == ["10-12"]
    assert d["A002"]["calls"] == expected + 1
    # Calls on a holiday are reported, and are not part of the working days' count.
    assert d["A003"]["non_working_day_calls"] == 2 and d["A003"]["working_day_calls"] == expected
    assert d["A003"]["status"] == "正常" and d["A003"]["calls"] == expected + 2
    off = report.non_working_calls
    assert list(zip(off["日期"], off["工号"], off["通数"])) == [(HOLIDAY, "A003", 2)]
    assert report.to_dict()["non_working_days"] == ["2026-10-01"]
    # An agent with a single call is under-sampled on every working day but the one.
    assert d["A099"]["status"] == "抽检不足" and len(d["A099"]["under_days"]) == 18
    # Everyone else: exactly 5 a working day — calibration recordings (scored by 3 inspectors)
    # count once.
    assert all(s["status"] == "正常" and s["expected"] == expected for a, s in d.items()
               if a not in ("A001", "A002", "A099"))
    grid = report.sampling_days.set_index("工号")
    assert grid.loc["A001", UNDER_DAY] == 4 and grid.loc["A002", OVER_DAY] == 6
    assert grid.loc["A003", HOLIDAY] == 2


# --- the workbook ---------------------------------------------------------------------------------

def _labels(ws, col: int = 1) -> dict:
    return {ws.cell(r, col).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value is not None}


def _table(ws, header_row: int = 4) -> tuple[dict, list[list]]:
    heads = {ws.cell(header_row, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(header_row, c).value}
    rows = []
    r = header_row + 1
    while ws.cell(r, 2).value not in (None, ""):
        rows.append([ws.cell(r, c).value for c in range(1, ws.max_column + 1)])
        r += 1
    return heads, rows


def test_workbook_reads_back_as_to_dict(workbook, report):
    d = report.to_dict()
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == SHEETS
    assert SHEETS[:7] == ["月报概览", "每月监听评分表(月平均分)", "质检考核统计表", "指标环比", "不良柏拉图", "周趋势",
                          "轮回抽检"]
    assert all(len(n) <= 31 for n in wb.sheetnames)

    ws = wb["月报概览"]
    assert ws["A1"].value == "《质检监听评分表》质检月报 2026年10月"
    rows = _labels(ws)
    assert ws.cell(rows["有效通数"], 3).value == d["n"]
    assert ws.cell(rows["有效通数"], 2).value == d["previous"]["n"]
    assert ws.cell(rows["平均分"], 3).value == approx(d["mean_score"])
    assert ws.cell(rows["平均分"], 3).number_format == "0.0"
    assert ws.cell(rows["平均分"], 4).value == approx(d["mean_score"] - d["previous"]["mean_score"], abs=1e-5)
    assert ws.cell(rows["优良率"], 3).value == approx(d["excellent_rate"])
    assert ws.cell(rows["优良率"], 3).number_format == "0.0%"
    assert ws.cell(rows["平均不良比率"], 3).value == approx(d["mean_defect_rate"])
    assert ws.cell(rows["平均不良比率"], 5).value == d["mean_defect_level"]
    assert ws.cell(rows["致命性错误"], 3).value == d["fatal_errors"]
    assert ws.cell(rows["差错扣分合计"], 3).value == approx(d["error_deduction_total"])
    assert ws.cell(rows["排除行数"], 3).value == 1
    colours = {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(rows["警示色"] + 1, rows["警示色"] + 6)}
    assert colours == d["colour_days"]
    assert (ws.cell(rows["警示色"] + 1, 1).fill.fgColor.rgb or "")[-6:] == "000000"
    texts = " ".join(str(ws.cell(r, 1).value) for r in range(1, 4))
    assert "工作日 18 天" in texts and d["calendar"] in texts

    heads, data = _table(wb["每月监听评分表(月平均分)"])
    agents = {a["agent_id"]: a for a in d["agents"]}
    got = {r[heads["工号"] - 1]: r for r in data if r[0] != "全体"}
    assert set(got) == set(agents)
    for aid, r in got.items():
        assert r[heads["月平均分"] - 1] == approx(agents[aid]["monthly_score"])
        assert r[heads["通数"] - 1] == agents[aid]["calls"]
    assert sum(1 for h in heads if h.startswith("第")) == len(d["weeks"])

    heads, data = _table(wb["质检考核统计表"])
    for r in data:
        if r[heads["工号"] - 1] == "合计":
            assert r[heads["差错扣分"] - 1] == approx(d["error_deduction_total"])
            continue
        a = agents[r[heads["工号"] - 1]]
        assert (r[heads["月度评分"] - 1], r[heads["差错扣分"] - 1], r[heads["致命性错误"] - 1], r[heads["等级"] - 1],
                r[heads["排名"] - 1]) == (approx(a["monthly_score"]), approx(a["error_deduction_total"]),
                                         a["fatal_errors"], a["grade"], a["rank"])

    heads, data = _table(wb["指标环比"])
    got = {r[1]: (r[4], r[5], r[6]) for r in data}
    for c in d["categories"]:
        assert got[c["name"]] == approx((c["previous"], c["current"], c["change"]))

    heads, data = _table(wb["周趋势"])
    assert [(r[1], r[3], r[4], r[6]) for r in data] == \
        [(w["week"], w["n"], approx(w["mean_score"]), approx(w["mean_defect_rate"])) for w in d["weeks"]]

    heads, data = _table(wb["轮回抽检"])
    samp = {s["agent_id"]: s for s in d["sampling"]}
    assert {r[0]: (r[heads["合计通数"] - 1], r[heads["应抽通数"] - 1], r[heads["状态"] - 1]) for r in data} == \
        {a: (s["calls"], s["expected"], s["status"]) for a, s in samp.items()}
    ws = wb["轮回抽检"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("10-09(4)" in t for t in texts) and any("10-12(6)" in t for t in texts)
    assert "四、非工作日的评分" in texts
    # A003's 2 calls on the 1 October holiday are listed under their date, shown as a date (it was
    # the serial number 46296 in a General cell).
    section = next(c.row for row in ws.iter_rows() for c in row if c.value == "四、非工作日的评分")
    heads = [c.value for c in ws[section + 1]]
    off = [r for r in ws.iter_rows(min_row=section + 2) if r[0].value is not None]
    assert heads[:5] == ["日期", "星期", "工号", "姓名", "通数"]
    assert [(r[0].value, r[0].is_date, r[2].value, r[4].value) for r in off][:1] == \
        [(dt.datetime(2026, 10, 1), True, "A003", 2)]


def test_native_charts_and_values_only(workbook):
    with zipfile.ZipFile(workbook) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(z.read(n).decode("utf-8") for n in charts)
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in z.read(n).decode("utf-8") for n in sheets)
    assert len(charts) >= 5  # 指标环比, 柏拉图, 周趋势, and the overview's two
    assert "<c:barChart>" in xml and "<c:lineChart>" in xml
    assert 'barDir val="col"' in xml and 'grouping val="clustered"' in xml
    ws = openpyxl.load_workbook(workbook)["月报概览"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9")


def test_byte_identical_rerun(tmp_path, rubric, october, september, workbook):
    again = build_monthly(rubric, october, OCT, previous=september)
    out = write_monthly_workbook(again, tmp_path / "again.xlsx", findings=october.findings,
                                 sources=["/data/2026-10.xlsx"])
    assert out.read_bytes() == workbook.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["again.xlsx"]


def test_empty_month(tmp_path, rubric, october):
    # November has no call; October (in the same inputs) becomes the previous month.
    rep = build_monthly(rubric, october, NOV)
    d = rep.to_dict()
    assert d["n"] == 0 and d["mean_score"] is None and d["agents"] == [] and d["sampling"] == []
    assert d["previous"]["n"] > 0 and d["working_days"] > 0
    out = write_monthly_workbook(rep, tmp_path / "nov.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    texts = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert "本月没有有效评分记录" in texts
    # Nothing at all, not even a previous month.
    empty = loaded_from(rubric, [])
    rep = build_monthly(rubric, empty, NOV)
    assert rep.previous is None and rep.to_dict()["n"] == 0
    out = write_monthly_workbook(rep, tmp_path / "nothing.xlsx")
    assert openpyxl.load_workbook(out)["月报概览"]["A5"].value == "本月没有有效评分记录"


def test_offence_only_rubric(tmp_path):
    rubric = load_rubric("deduction-base100")
    specs = {s.key: s for s in column_specs(rubric)}
    assert "offence:o01" in specs

    def call(day, rid, **offences):
        rec = {"date": day, "inspector": "王丽", "agent_id": "B001", "agent_name": "李四", "team": "一组",
               "recording_id": rid}
        rec.update({f"offence:{k}": v for k, v in offences.items()})
        return rec

    sep = [call(dt.date(2026, 9, 7), "S1", o01=1), call(dt.date(2026, 9, 8), "S2")]
    oct_ = [call(dt.date(2026, 10, 8), "O1", o01=1, o13=1), call(dt.date(2026, 10, 9), "O2", o01=2),
            call(dt.date(2026, 10, 9), "O3"), call(dt.date(2026, 10, 12), "O4")]
    rep = build_monthly(rubric, loaded_from(rubric, oct_), OCT, previous=loaded_from(rubric, sep))
    got = {c["name"]: c for c in rep.to_dict()["categories"]}
    o01 = got[rubric.offences[0].name]
    # o01: September 1 occurrence in 2 calls = 50 per 100 calls; October 3 in 4 = 75; +25.
    assert (o01["unit"], o01["previous"], o01["current"], o01["change"]) == ("次/百通", 50, 75, 25)
    assert got[rubric.offences[12].name]["current"] == 25
    # A monthly ledger: no call score, no mean of them; B001's October is 100 − (10 + 5) − 2 × 10
    # = 65, September 100 − 10 = 90, so 65 (不达标), −25.
    assert rep.to_dict()["mean_score"] is None
    (agent,) = rep.to_dict()["agents"]
    assert (agent["monthly_score"], agent["grade"]) == (65, "不达标")
    assert (rep.assessment["上月评分"].iat[0], rep.assessment["变化"].iat[0]) == (90, -25)
    out = write_monthly_workbook(rep, tmp_path / "offences.xlsx")
    assert openpyxl.load_workbook(out).sheetnames == SHEETS


# --- LibreOffice prints it -------------------------------------------------------------------------

def test_libreoffice_pdf_has_text_and_embedded_cjk_font(workbook, tmp_path, report):
    from zhijian.files.libreoffice import convert_to_pdf

    for tool in ("pdfinfo", "pdftotext", "pdffonts"):
        assert shutil.which(tool), f"{tool} (poppler-utils) is required for this test"
    pdf = convert_to_pdf(workbook, tmp_path)  # raises LibreOfficeError when soffice is missing
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(next(l for l in info.splitlines() if l.startswith("Pages:")).split()[1]) >= 1
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    first_agent = report.to_dict()["agents"][0]["agent_name"]
    assert "质检月报" in text and first_agent in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [l for l in fonts.splitlines()[2:]
           if any(k in l for k in ("CJK", "Noto Sans SC", "WenQuanYi", "Droid Sans Fallback", "SourceHan",
                                   "Source Han", "SimSun", "Hei", "Ming"))]
    assert cjk, fonts
    assert all(l.split()[-5] == "yes" for l in cjk), fonts  # the 'emb' column
