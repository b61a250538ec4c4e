"""`zhijian score` exits 1 on findings: rows without a score, and errors that leave the score
alone, such as an unreadable 日期 (the call is then in no report, so the lead must hear of it)."""

import datetime as dt
import json

from clikit import run, titled_sheet
from sheetkit import listening_row

RUBRIC = "listening-10x4"


def test_an_unreadable_date_scores_the_call_but_exits_1(tmp_path):
    d = dt.date(2026, 10, 12)
    book = titled_sheet(tmp_path / "day.xlsx",
                        listening_row(d, "李娜", "A001", "张三", "R1", [5] * 10, total=100),
                        listening_row("2026-13-45", "李娜", "A002", "李四", "R2", [5] * 9 + [4], total=98))
    r = run("score", book, "--rubric", RUBRIC, "--json")
    assert r.exit_code == 1, r.output
    calls = json.loads(r.stdout)["calls"]
    # 9 × 5 + 4 = 49 of 50 points, ×2 = 98: the score stands, the date finding is with it
    assert [c["final_score"] for c in calls] == [100.0, 98.0]
    assert [f["rule"] for f in calls[1]["findings"]] == ["date.unreadable"]
    plain = run("score", book, "--rubric", RUBRIC)
    assert plain.exit_code == 1 and "有 1 个校验错误" in plain.output


def test_a_clean_sheet_exits_0(tmp_path):
    d = dt.date(2026, 10, 12)
    book = titled_sheet(tmp_path / "day.xlsx", listening_row(d, "李娜", "A001", "张三", "R1", [5] * 10, total=100))
    assert run("score", book, "--rubric", RUBRIC).exit_code == 0
