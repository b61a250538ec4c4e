"""Hostile and odd 评分表 inputs, third round: sheets as real teams and careless inspectors make
them, run through validate, score (--write), consolidate, weekly and monthly. Each case: the
numbers worked out by hand from the rubric's rules, the rows accounted for, and no score anywhere
for a row that cannot be scored."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from hostile_kit import invoke

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
