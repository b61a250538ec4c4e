"""`zhijian sample`: the day's 抽检计划 and each inspector's prefilled 评分表, from a call list small
enough to check by hand; `zhijian monthly --plans` against it; `zhijian audit` of the plan."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from clikit import run
from sheetkit import (CALL_LIST_HEADER, FULL_DAY_TIMES, LISTENING_HEADER, ExcelError, Formula, SheetSpec,
                      call_list_rows, listening_row, write_call_list, write_roster, write_xlsx)

DAY = dt.date(2026, 10, 12)
HOURS = ["--hours", "09:00-14:00"]  # five rounds of an hour
AGENTS = [f"A{i:02d}" for i in range(1, 27)]  # 26 agents, 2 inspectors: 13 each, within 12–15:1


@pytest.fixture
def files(tmp_path):
    spec = {a: FULL_DAY_TIMES for a in AGENTS[:-1]} | {"A26": ["09:10", "09:20", "13:40"]}
    return (write_call_list(tmp_path / "calls.xlsx", DAY, spec),
            write_roster(tmp_path / "roster.xlsx", AGENTS, ["王丽", "陈静"]))


def sample(files, out, *more):
    calls, roster = files
    return run("sample", calls, "--date", DAY, "--rubric", "listening-10x4", "--roster", roster, *HOURS,
               "-o", out, *more)


def plan_rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["抽检计划"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    return [r for r in rows if r[0] is not None]


def test_sample_writes_the_plan_and_one_prefilled_sheet_per_inspector(files, tmp_path):
    out = tmp_path / "out"
    r = sample(files, out)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["抽检计划_2026-10-12.xlsx", "评分表_2026-10-12_王丽.xlsx",
                                                     "评分表_2026-10-12_陈静.xlsx"]
    rows = plan_rows(out / "抽检计划_2026-10-12.xlsx")
    # 25 agents × 5 and A26's 3; the first 13 agents (A01–A13) are 王丽's, the other 13 陈静's.
    assert len(rows) == 128
    by = Counter(r[1] for r in rows)
    assert by == {"王丽": 65, "陈静": 63}
    assert {r[3] for r in rows if r[1] == "王丽"} == set(AGENTS[:13])
    for rnd in range(1, 6):  # one call per agent per round
        assert sorted(r[3] for r in rows if r[1] == "王丽" and r[2] == rnd) == AGENTS[:13]
    assert "抽检计划 2026-10-12(随机种子 20261012): 坐席 26 名,质检员 2 名,抽取 128 通" in r.output
    assert "抽检不足 1 人: A26 姓名A26(当日只有 3 通可抽录音,不足 5 通)" in r.output
    short = openpyxl.load_workbook(out / "抽检计划_2026-10-12.xlsx")["抽检不足"]
    assert [c.value for c in short[4]] == ["A26", "姓名A26", "一组", "陈静", 3, 5, "当日只有 3 通可抽录音,不足 5 通"]


def test_the_prefilled_sheet_is_ready_to_score_and_validates_with_only_its_empty_scores(files, tmp_path):
    out = tmp_path / "out"
    assert sample(files, out).exit_code == 0
    sheet = out / "评分表_2026-10-12_王丽.xlsx"
    ws = openpyxl.load_workbook(sheet)["评分表"]
    header = [c.value for c in ws[3]]
    assert header[:7] == ["日期", "质检员", "坐席工号", "坐席姓名", "班组", "录音编号", "呼叫类型"]
    assert header[-2:] == ["轮次", "开始时间"]
    first = [c.value for c in ws[4]]
    assert first[:5] == [dt.datetime(2026, 10, 12), "王丽", "A01", "姓名A01", "一组"]
    assert first[6] == "呼入" and first[-2] == 1
    rounds = [ws.cell(r, len(header) - 1).value for r in range(4, 4 + 65)]
    assert rounds == sorted(rounds) and Counter(rounds) == {k: 13 for k in range(1, 6)}
    assert ws.cell(4 + 65, 1).value is None  # one row per drawn call, no more
    total = header.index("最终得分") + 1
    assert str(ws.cell(4, total).value).startswith("=IF(COUNTA(")  # the live total
    assert ws.data_validations.dataValidation  # the dropdowns
    r = run("validate", sheet, "--rubric", "listening-10x4", "--roster", files[1], "--period", "2026-10", "--json")
    data = json.loads(r.output)
    assert Counter(f["rule"] for f in data["findings"]) == {"score.missing": 65 * 10}
    assert data["summary"]["rows"] == 65


def test_the_same_seed_gives_the_same_plan(files, tmp_path):
    assert sample(files, tmp_path / "a").exit_code == 0
    assert sample(files, tmp_path / "b").exit_code == 0
    assert sample(files, tmp_path / "c", "--seed", 20261012).exit_code == 0
    assert sample(files, tmp_path / "d", "--seed", 7).exit_code == 0
    a, b, c, d = (plan_rows(tmp_path / x / "抽检计划_2026-10-12.xlsx") for x in "abcd")
    assert a == b == c and a != d


def test_call_list_findings_are_at_their_cells_and_exit_1(tmp_path):
    spec = {a: FULL_DAY_TIMES for a in AGENTS}
    bad = [["A01-0930", "A02", dt.datetime(2026, 10, 12, 10, 0), 60, "呼入", ""],  # row 185: duplicate id
           ["X1", "A03", "十点", 60, "呼入", ""],                                  # row 186: unreadable time
           ["X2", "Z99", dt.datetime(2026, 10, 12, 10, 0), 60, "呼入", ""]]        # row 187: not on the roster
    calls = write_call_list(tmp_path / "calls.xlsx", DAY, spec, extra_rows=bad)
    roster = write_roster(tmp_path / "roster.xlsx", AGENTS, ["王丽", "陈静"])
    r = run("sample", calls, "--date", DAY, "--rubric", "listening-10x4", "--roster", roster, "-o", tmp_path / "o",
            "--json")
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert [(f["rule"], f["cell"]) for f in data["findings"]] == [
        ("calls.duplicate_id", "A185"), ("calls.time_unreadable", "C186"), ("calls.agent_unknown", "B187")]
    assert len(data["short"]) == 0 and (tmp_path / "o" / "抽检计划_2026-10-12.xlsx").is_file()
    notes = openpyxl.load_workbook(tmp_path / "o" / "抽检计划_2026-10-12.xlsx")["说明"]
    cells = {c.value for row in notes.iter_rows() for c in row}
    assert "calls.duplicate_id" in cells and "A185" in cells


def test_recordings_of_earlier_sheets_are_not_drawn(files, tmp_path):
    (tmp_path / "earlier").mkdir()
    scored = write_xlsx(tmp_path / "earlier" / "王丽.xlsx", [SheetSpec("评分表", [
        LISTENING_HEADER, listening_row(DAY, "王丽", "A01", "姓名A01", "A01-1030", [5] * 10)])])
    r = sample(files, tmp_path / "out", "--exclude-scored", scored.parent, "--json")
    data = json.loads(r.output)
    a01 = next(a for a in data["agents"] if a["agent_id"] == "A01")
    # A01's only call of round 2 was scored already: round 2 falls back on the nearest window.
    assert (a01["scored"], a01["eligible"], a01["drawn"], a01["fallbacks"]) == (1, 6, 5, 1)
    drawn = {d["recording_id"] for g in data["inspectors"] for d in g["draws"]}
    assert "A01-1030" not in drawn
    assert "1 通录音已在以往评分表中,未参与抽取" in data["notes"]


def test_mistakes_of_use_are_one_chinese_line_and_exit_2(files, tmp_path):
    calls, _ = files
    roster = write_roster(tmp_path / "bare.xlsx", AGENTS)  # no 质检员 column
    r = run("sample", calls, "--date", DAY, "--rubric", "listening-10x4", "--roster", roster, "-o", tmp_path / "o")
    assert r.exit_code == 2 and "请用 --inspectors 指定" in r.output
    r = sample(files, tmp_path / "o", "--hours", "18:00-09:00")
    assert r.exit_code == 2 and "请写成 08:30-18:00" in r.output
    blank = write_xlsx(tmp_path / "blank.xlsx", [SheetSpec("Sheet1", [["备注"], ["无"]])])
    r = run("sample", blank, "--rubric", "listening-10x4", "--roster", files[1], "-o", tmp_path / "o")
    assert r.exit_code == 2 and "找不到通话记录的表头" in r.output


def test_without_a_date_the_list_gives_it(files, tmp_path):
    calls, roster = files
    r = run("sample", calls, "--rubric", "listening-10x4", "--roster", roster, "--inspectors", "王丽,陈静,刘洋",
            "-o", tmp_path / "o", "--json")
    data = json.loads(r.output)
    assert data["date"] == "2026-10-12" and [g["inspector"] for g in data["inspectors"]] == ["王丽", "陈静", "刘洋"]
    assert any(n.startswith("质检配比: 26 名坐席、3 名质检员") for n in data["notes"])


# --- the monthly check of the plans ----------------------------------------------------------

def score_sheet(src: Path, dst: Path, *, unscored: int = 0, extra: str | None = None) -> Path:
    """What the inspector sends back: every item 5, the last `unscored` planned rows left out, and a
    recording `extra` that is not in the plan."""
    wb = openpyxl.load_workbook(src)
    ws = wb["评分表"]
    header = [c.value for c in ws[3]]
    items = [i + 1 for i, h in enumerate(header) if h and h.endswith("(5分)")]
    last = max(r for r in range(4, ws.max_row + 1) if ws.cell(r, 6).value)
    if unscored:
        ws.delete_rows(last - unscored + 1, unscored)
        last -= unscored
    if extra:
        last += 1
        for c, v in enumerate([dt.datetime(2026, 10, 12), "王丽", "A01", "姓名A01", "一组", extra, "呼入"], start=1):
            ws.cell(last, c, v)
    for r in range(4, last + 1):
        for c in items:
            ws.cell(r, c, 5)
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    return dst


def test_monthly_reports_unplanned_and_unscored_calls_per_inspector(files, tmp_path):
    out = tmp_path / "plans"
    assert sample(files, out).exit_code == 0
    # A01 has two calls in round 1 (09:30, 09:45): the one not drawn is scored outside the plan.
    drawn = {r[6] for r in plan_rows(out / "抽检计划_2026-10-12.xlsx")}
    outside = next(rid for rid in ("A01-0930", "A01-0945") if rid not in drawn)
    sheets = tmp_path / "sheets"
    score_sheet(out / "评分表_2026-10-12_王丽.xlsx", sheets / "王丽.xlsx", unscored=1, extra=outside)
    score_sheet(out / "评分表_2026-10-12_陈静.xlsx", sheets / "陈静.xlsx")
    r = run("monthly", sheets, "--rubric", "listening-10x4", "--month", "2026-10", "--plans", out,
            "-o", tmp_path / "m.xlsx", "--json")
    assert r.exit_code == 0, r.output
    pc = json.loads(r.output)["plan_check"]
    assert pc["days"] == ["2026-10-12"]
    got = {i["inspector"]: (i["planned"], i["scored_as_planned"], i["never_scored"], i["unplanned"])
           for i in pc["inspectors"]}
    assert got == {"王丽": (65, 64, 1, 1), "陈静": (63, 63, 0, 0)}
    assert [(u["inspector"], u["recording_id"], u["note"]) for u in pc["unplanned"]] == [("王丽", outside, "不在抽检计划中")]
    (missed,) = pc["never_scored"]
    assert (missed["inspector"], missed["round"]) == ("王丽", 5)  # the sheet's last row: round 5
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx")["轮回抽检"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("五、抽检计划核对(1 天有抽检计划") for t in texts)
    assert "计划未评的录音(1 通)" in texts and "计划外评分的录音(1 通)" in texts
    r = run("monthly", sheets, "--rubric", "listening-10x4", "--month", "2026-10", "--plans", sheets,
            "-o", tmp_path / "m2.xlsx")
    assert r.exit_code == 2 and "没有找到抽检计划" in r.output


def test_audit_recomputes_the_plan_identically(files, tmp_path):
    out = tmp_path / "out"
    assert sample(files, out).exit_code == 0
    r = run("audit", out / "抽检计划_2026-10-12.xlsx", files[0])
    assert r.exit_code == 0, r.output
    assert "复核通过" in r.output


def test_forty_inspectors_given_on_the_command_line_get_their_plan(files, tmp_path):
    """--inspectors with 40 names is a text longer than a file name may be: the output check read
    it as a file name and stopped with "无法访问 …: 文件名太长" (exit 2). 26 agents among 40
    inspectors: one agent each for the first 26, the other 14 get none."""
    names = [f"质检员{i:02d}" for i in range(1, 41)]
    r = sample(files, tmp_path / "o", "--inspectors", ",".join(names), "--json")
    assert r.exit_code == 0, r.output
    groups = json.loads(r.output)["inspectors"]
    assert [len(g["agents"]) for g in groups] == [1] * 26 + [0] * 14


def test_excel_error_values_in_a_call_list_are_findings_and_never_drawn(tmp_path):
    """A call list whose 录音编号 or 坐席工号 comes from a lookup: #N/A, #REF!, a formula saved
    without its value. They were read as the recording "#N/A" (drawn into the plan: a recording
    nobody can find) or an agent "#REF!", without a word. A01 has five good calls (one per hour),
    and four broken rows: none of them is drawn, each is a formula.error at its cell, exit 1."""
    at = lambda t: dt.datetime.combine(DAY, dt.time.fromisoformat(t))
    rows = [CALL_LIST_HEADER, *call_list_rows(DAY, {"A01": ["09:30", "10:30", "11:30", "12:30", "13:30"]}),
            [ExcelError("#N/A"), "A01", at("09:40"), 120, "呼入", ""],         # row 7
            ["X2", ExcelError("#REF!"), at("10:40"), 120, "呼入", ""],         # row 8
            [Formula("=VLOOKUP(B9,Z:Z,1,0)"), "A01", at("11:40"), 120, "呼入", ""],  # row 9
            ["X4", "A01", ExcelError("#VALUE!"), 120, "呼入", ""]]             # row 10
    calls = write_xlsx(tmp_path / "calls.xlsx", [SheetSpec("通话记录", rows)])
    roster = write_roster(tmp_path / "roster.xlsx", ["A01"], ["王丽"])
    r = run("sample", calls, "--date", DAY, "--rubric", "listening-10x4", "--roster", roster, *HOURS,
            "-o", tmp_path / "o", "--json")
    assert r.exit_code == 1, r.output
    data = json.loads(r.output)
    drawn = [d["recording_id"] for g in data["inspectors"] for d in g["draws"]]
    assert sorted(drawn) == ["A01-0930", "A01-1030", "A01-1130", "A01-1230", "A01-1330"]
    assert [(f["rule"], f["cell"]) for f in data["findings"]] == [
        ("formula.error", "A7"), ("formula.error", "B8"), ("formula.error", "A9"), ("formula.error", "C10")]
    assert data["agents"][0]["calls"] == 5


def test_a_day_without_calls_to_draw_is_one_message_and_no_plan(files, tmp_path):
    """--date 2026-10-13 on the list of the 12th (a typo, or yesterday's export): an empty plan and
    a 抽检不足 row for each of the 26 agents were written with exit 0. Now one message naming the
    list's dates (its 25 × 7 + 3 = 178 calls are all of the 12th)."""
    calls, roster = files
    out = tmp_path / "o"
    r = run("sample", calls, "--date", "2026-10-13", "--rubric", "listening-10x4", "--roster", roster, "-o", out,
            "--json")
    assert r.exit_code == 1, r.output
    error = json.loads(r.stdout)["error"]
    assert "2026-10-13 没有可抽取的录音,未生成抽检计划(通话记录中的日期为 2026-10-12)" in error
    assert "另有 178 通录音不是 2026-10-13 的通话,未参与抽取" in error
    assert not out.exists() or not any(out.iterdir())


def test_an_earlier_sheet_that_cannot_be_read_is_said(files, tmp_path):
    """--exclude-scored naming a sheet of another form (qc-v3.1): none of its recordings could be
    read, so they may be drawn again, and the plan said nothing (the lead believed them left out)."""
    from sheetkit import qc_header, qc_row

    (tmp_path / "earlier").mkdir()
    write_xlsx(tmp_path / "earlier" / "王丽.xlsx", [SheetSpec("评分表", [qc_header(), qc_row(DAY, "王丽", "A01", "A01-1030")])])
    r = sample(files, tmp_path / "out", "--exclude-scored", tmp_path / "earlier", "--json")
    assert r.exit_code == 0, r.output
    notes = json.loads(r.output)["notes"]
    assert any(n.startswith("以往评分表 ") and "王丽.xlsx" in n and "未能读取,其中的录音可能再次抽取" in n for n in notes), notes
    sheet = openpyxl.load_workbook(tmp_path / "out" / "抽检计划_2026-10-12.xlsx")["说明"]
    assert any("未能读取,其中的录音可能再次抽取" in str(c.value) for row in sheet.iter_rows() for c in row)


def test_a_shortfall_from_rows_with_findings_says_so_not_no_calls(tmp_path):
    """A04's two calls of the day have no 录音编号, and two of A05's three rows cannot be drawn (a
    录音编号 already A01's, a start time "昨天"): the 抽检不足 reasons said A04 had "当日没有通话记录"
    (the lead would think the agent did not work) and A05 "只有 1 通可抽录音" with nothing on the
    rows left out. Now each reason counts the rows with a finding."""
    day = dt.datetime.combine(DAY, dt.time(9))
    bad = [[None, "A04", day.replace(hour=10), 120, "呼入", ""], [None, "A04", day.replace(hour=11), 120, "呼入", ""],
           ["A01-0930", "A05", day.replace(hour=11), 120, "呼入", ""], ["X2", "A05", "昨天", 120, "呼入", ""],
           ["X3", "A05", day.replace(hour=12), 120, "呼入", ""]]
    calls = write_call_list(tmp_path / "calls.xlsx", DAY, {"A01": FULL_DAY_TIMES}, extra_rows=bad)
    roster = write_roster(tmp_path / "roster.xlsx", ["A01", "A04", "A05", "A06"], ["王丽"])
    r = run("sample", calls, "--date", DAY, "--rubric", "listening-10x4", "--roster", roster, *HOURS,
            "-o", tmp_path / "o", "--json")
    assert r.exit_code == 1, r.output  # the rows' findings
    data = json.loads(r.stdout)
    reasons = {a["agent_id"]: (a["drawn"], a["excluded"], a["reason"]) for a in data["agents"]}
    assert reasons == {
        "A01": (5, 0, ""),
        "A04": (0, 2, "当日 2 行通话记录有校验错误(见校验结果),不参与抽取,不足 5 通"),
        "A05": (1, 2, "当日只有 1 通可抽录音(另有 2 行有校验错误,不参与抽取),不足 5 通"),
        "A06": (0, 0, "当日没有通话记录,不足 5 通")}
    short = openpyxl.load_workbook(tmp_path / "o" / "抽检计划_2026-10-12.xlsx")["抽检不足"]
    rows = {row[0]: row[-1] for row in short.iter_rows(min_row=4, values_only=True) if row[0]}
    assert rows["A04"] == reasons["A04"][2] and rows["A05"] == reasons["A05"][2]


def test_a_days_plan_is_never_replaced_by_one_drawing_other_calls(files, tmp_path):
    """The inspectors have taken their 评分表 to their own folders; the lead runs the day again on
    an export with two more calls of A26 (13:45, 13:50): the 抽检计划 was replaced by one drawing
    other calls for A26 without a word, and `monthly --plans` would then count what 陈静 scores from
    her sheet as unplanned. Now that is refused (exit 2, the plan as it was); the same draws again
    are written as before."""
    calls, roster = files
    out = tmp_path / "out"
    assert sample(files, out).exit_code == 0
    plan = out / "抽检计划_2026-10-12.xlsx"
    before, drawn = plan.read_bytes(), plan_rows(plan)
    taken = tmp_path / "质检员"
    taken.mkdir()
    for p in out.glob("评分表_*.xlsx"):
        p.rename(taken / p.name)
    spec = {a: FULL_DAY_TIMES for a in AGENTS[:-1]} | {"A26": ["09:10", "09:20", "13:40", "13:45", "13:50"]}
    more = write_call_list(tmp_path / "calls2.xlsx", DAY, spec)
    r = run("sample", more, "--date", DAY, "--rubric", "listening-10x4", "--roster", roster, *HOURS, "-o", out,
            "--json")
    assert r.exit_code == 2, r.output
    error = json.loads(r.stdout)["error"]
    assert error == (f"抽检计划 {plan} 已存在,抽取的录音与这次不同(原计划 128 通,这次 130 通,有 2 通不同);"
                     "已发出的评分表会与新计划不符,未覆盖。请换一个输出文件夹,或先移走原计划")
    assert plan.read_bytes() == before and not list(out.glob("评分表_*.xlsx"))
    assert sample(files, out).exit_code == 0  # the same call list: the same 128 draws
    assert plan_rows(plan) == drawn
    assert sorted(p.name for p in out.glob("评分表_*.xlsx")) == sorted(p.name for p in taken.iterdir())
