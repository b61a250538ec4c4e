"""Hostile and odd 评分表 inputs, third round: sheets as real teams and careless inspectors make
them, run through validate, score (--write), consolidate, weekly and monthly. Each case: the
numbers worked out by hand from the rubric's rules, the rows accounted for, and no score anywhere
for a row that cannot be scored."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from hostile_kit import RUBRIC, invoke
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx

LEDGER = "deduction-base100"
EARLY_HANGUP = "提前挂机或与邻座交谈(次)"  # o08: 6 points an occurrence, doubled by 加倍
EARLY_HANGUP_DOUBLED = "加倍:提前挂机或与邻座交谈"
IMPATIENT = "命令语气、拖延敷衍、语气生硬等不耐烦(次)"  # o01: 10 points an occurrence


def ledger_calls(tmp_path, calls: list[dict]) -> object:
    """The deduction-base100 template (header in row 3, calls from row 4) with one call of agent A1
    on 2026-11-02 per dict {header: value}, recording ids D0, D1, …"""
    path = tmp_path / "ledger.xlsx"
    assert invoke("template", LEDGER, "-o", path).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["评分表"]
    head = [c.value for c in ws[3]]
    for k, cells in enumerate(calls):
        base = {"日期": dt.datetime(2026, 11, 2), "质检员": "王敏", "坐席工号": "A1", "录音编号": f"D{k}"}
        for name, v in {**base, **cells}.items():
            ws.cell(4 + k, head.index(name) + 1, v)
    wb.save(path)
    return path


# --- a 加倍 count above its offence's count ---------------------------------------------------

def test_a_doubling_count_above_its_offence_gives_the_call_no_charge_anywhere(tmp_path):
    # D0: one early hang-up marked doubled twice (complaint.exceeds_offences, an error at the 加倍
    # cell): what the call costs cannot be known. D1: one 命令语气, 10 points.
    path = ledger_calls(tmp_path, [{EARLY_HANGUP: 1, EARLY_HANGUP_DOUBLED: 2}, {IMPATIENT: 1}])
    result = invoke("score", path, "--rubric", LEDGER, "--json", "--write")
    assert result.exit_code == 1  # a row that cannot be scored
    out = json.loads(result.stdout)
    calls = {c["recording_id"]: c for c in out["calls"]}
    assert (calls["D0"]["valid"], calls["D0"]["charge"]) == (False, None)  # before: valid, 12 (the quiet cap)
    assert [f["rule"] for f in calls["D0"]["findings"]] == ["complaint.exceeds_offences"]
    assert (calls["D1"]["valid"], calls["D1"]["charge"]) == (True, 10)
    assert out["summary"]["invalid"] == 1
    # A1's November: only D1 counts, 100 − 10 = 90 — as the 质检月报 says (before: 78 here)
    (month,) = out["ledgers"]
    assert [(a["agent_id"], a["occurrences"], a["points"], a["score"]) for a in month["agents"]] == [("A1", 1, 10, 90)]
    monthly = json.loads(invoke("monthly", path, "--rubric", LEDGER, "-o", tmp_path / "m.xlsx", "--json").stdout)
    assert [(a["agent_id"], a["monthly_score"]) for a in monthly["agents"]] == [("A1", 90)]
    # the scored copy: no charge in D0's 本通扣分 cell (red, with the reason), D1's 10
    ws = openpyxl.load_workbook(tmp_path / "ledger.scored.xlsx")["评分表"]
    col = [c.value for c in ws[3]].index("本通扣分") + 1
    assert (ws.cell(4, col).value, ws.cell(5, col).value) == (None, 10)
    assert "加倍" in ws.cell(4, col).comment.text


# --- ISO week 53, a week across two months and two years -------------------------------------

def year_end(tmp_path):
    """Sunday 2026-12-27 … Monday 2027-01-04, three calls a day, each with one item at 3 of 5
    (2 × 48 = 96): the item is 开场白及挂机, 服务态度 or 服务用语 by turn."""
    rows, n = [LISTENING_HEADER], 0
    for k in range(9):
        day = dt.date(2026, 12, 27) + dt.timedelta(days=k)
        for j in range(3):
            scores = [5] * 10
            scores[j] = 3
            rows.append(listening_row(day, "王敏", f"A{j}", "王芳", f"R{n:03d}", scores, total=96))
            n += 1
    return write_xlsx(tmp_path / "year-end.xlsx", [SheetSpec("评分表", rows)])


def test_week_53_and_the_months_it_spans(tmp_path):
    path = year_end(tmp_path)
    week = json.loads(invoke("weekly", path, "--rubric", RUBRIC, "--week", "2026-W53", "-o", tmp_path / "w.xlsx",
                             "--json").stdout)
    # 2026-W53 is Monday 28 December … Sunday 3 January: 7 days × 3 calls; the 27th and the 4th are outside
    assert (week["n"], week["accounting"]["outside_period"], week["mean_score"]) == (21, 6, 96)
    jan = json.loads(invoke("monthly", path, "--rubric", RUBRIC, "--month", "2027-01", "-o", tmp_path / "m.xlsx",
                            "--json").stdout)
    assert (jan["n"], jan["accounting"]["outside_period"], jan["previous"]["n"]) == (12, 15, 15)
    weeks = [(w["week"], w["start"], w["end"], w["n"]) for w in jan["weeks"]]
    assert weeks[:3] == [("2026-W53", "2027-01-01", "2027-01-03", 9), ("2027-W01", "2027-01-04", "2027-01-10", 3),
                         ("2027-W02", "2027-01-11", "2027-01-17", 0)]
    # 3 of the 10 items are 不良 in a third of the calls each: 平均不良比率 = 3 × ⅓ / 10 = 10%
    assert (jan["weeks"][0]["excellent_rate"], jan["weeks"][0]["mean_defect_rate"]) == (1, 0.1)
    # a week without a call has no 优良率 and no 平均不良比率 (the 周趋势 sheet leaves them blank):
    # null, not 0% and 关注 (before)
    for w in jan["weeks"][2:]:
        assert (w["n"], w["mean_score"], w["excellent_rate"], w["mean_defect_rate"], w["mean_defect_level"]) == \
            (0, None, None, None, None)
    trend = openpyxl.load_workbook(tmp_path / "m.xlsx")["周趋势"]
    shown = [r for r in trend.iter_rows(values_only=True) if r[1] == "2027-W02"]
    assert shown == [("第2周", "2027-W02", "01-11至01-17", 0, None, None, None, None, None)]


# --- dates typed as text, as Chinese Excel shows them ------------------------------------------

TEXT_DATES = ["2026年11月2日", "2026/11/2", "2026.11.2", "2026-11-02 10:30:00", "2026年11月2日 10:30",
              "2026年11月2日星期一", "2026年11月2日 星期一", "2026年11月2日(周一)", "2026-11-02(周一)",
              "2026/11/2 周一", "2026 年 11 月 2 日", "２０２６年１１月２日", 46328, dt.datetime(2026, 11, 2, 10, 30)]


def test_dates_as_chinese_excel_shows_them_are_read(tmp_path):
    # every spelling of Monday 2 November 2026 (Excel's 长日期 "2026年11月2日星期一" as a CSV export or
    # a paste gives it); a weekday that is not the date's, or a date without its year, is unreadable
    data = [LISTENING_HEADER]
    for k, d in enumerate([*TEXT_DATES, "2026年11月2日星期二", "11月2日"]):
        data.append(listening_row(d, "王敏", "A1", "王芳", f"R{k:03d}", [5] * 10, total=100))
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data)])
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    bad = [(f["rule"], f["cell"]) for f in json.loads(result.stdout)["findings"]]
    n = len(TEXT_DATES)
    assert bad == [("date.unreadable", f"A{n + 2}"), ("date.unreadable", f"A{n + 3}")]
    day = json.loads(invoke("consolidate", path, "--rubric", RUBRIC, "--period", "day", "--date", "2026-11-02",
                            "-o", tmp_path / "d.xlsx", "--json").stdout)
    assert (day["n"], day["accounting"]["excluded"], day["accounting"]["outside_period"]) == (n, 2, 0)


# --- × in a yes/no rule column ------------------------------------------------------------------

def test_a_cross_in_a_zero_out_column_is_refused_at_its_cell_never_read_as_yes_or_no(tmp_path):
    """qc-v3.1's 清零:出现服务禁语 takes 是/否: "×" is 否 on a √/× form and "marked" on another, so
    it is neither. Full marks are 109 raw = 100; 是 (or √) zeroes what the rule names, 2 of the
    109 points: 107 × 100/109 = 98.165138; × and x are errors at their cell, and those calls get
    no score."""
    from sheetkit import QC_ZERO_FORBIDDEN, qc_header, qc_row

    day = dt.date(2026, 11, 2)
    rows = [qc_row(day, "王敏", 3001, "Q1"), qc_row(day, "王敏", 3002, "Q2", zero="是"),
            qc_row(day, "王敏", 3003, "Q3", zero="×"), qc_row(day, "王敏", 3004, "Q4", zero="x"),
            qc_row(day, "王敏", 3005, "Q5", zero="√")]
    path = write_xlsx(tmp_path / "qc.xlsx", [SheetSpec("评分表", [qc_header(), *rows])])
    result = invoke("score", path, "--rubric", "qc-v3.1", "--json")
    assert result.exit_code == 1, result.output
    calls = {c["recording_id"]: c for c in json.loads(result.output)["calls"]}
    assert calls["Q1"]["final_score"] == 100
    assert calls["Q2"]["final_score"] == calls["Q5"]["final_score"] == 98.165138
    assert calls["Q3"]["final_score"] is None and calls["Q4"]["final_score"] is None
    zero_col = openpyxl.utils.get_column_letter(qc_header().index(QC_ZERO_FORBIDDEN) + 1)
    found = [(f["rule"], f["cell"]) for c in calls.values() for f in c["findings"]]
    assert found == [("flag.unreadable", f"{zero_col}4"), ("flag.unreadable", f"{zero_col}5")]
