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
    assert plain.exit_code == 1
    assert "1 行有得分,但有校验错误,不计入汇总和报表" in plain.output and "第 4 行(R2)" in plain.output


def test_a_clean_sheet_exits_0(tmp_path):
    d = dt.date(2026, 10, 12)
    book = titled_sheet(tmp_path / "day.xlsx", listening_row(d, "李娜", "A001", "张三", "R1", [5] * 10, total=100))
    assert run("score", book, "--rubric", RUBRIC).exit_code == 0


def test_rows_scored_but_in_no_report_are_listed_beside_the_rows_without_a_score(tmp_path):
    """One row without a score (a "五" in an item) and one scored row whose 日期 is unreadable:
    the screen lists both rows with their reasons, not only the first kind."""
    d = dt.date(2026, 10, 12)
    book = titled_sheet(tmp_path / "day.xlsx",
                        listening_row(d, "李娜", "A001", "张三", "R1", ["五"] + [5] * 9, total=100),
                        listening_row("11月3日", "李娜", "A002", "李四", "R2", [5] * 9 + [4], total=98))
    plain = run("score", book, "--rubric", RUBRIC)
    assert plain.exit_code == 1, plain.output
    assert "1 行无法计分" in plain.output and "第 3 行(R1)" in plain.output
    # the second row keeps its 98 on screen, and is said to be left out of every report, with why
    assert "1 行有得分,但有校验错误,不计入汇总和报表" in plain.output
    assert "第 4 行(R2)" in plain.output and "无法识别的日期“11月3日”" in plain.output
