"""A calibration recording whose inspectors' rows carry different dates: a warning at each date,
and the recording counts once, on its earliest date, in that date's period only (found by an
attack on calibration: it counted in both months, the benchmark dated by whichever file came first).

listening-10x4; columns: A 日期, B 质检员, C 坐席工号, D 坐席姓名, E 录音编号, F–O the 10 items,
P 致命性错误, Q 差错扣分, R 最终得分; the title in row 1, the header in row 2.

a.xlsx (李娜, 2026-10-31): R1 A001 all 5 → 100;  R2 A002 all 4 → 80
b.xlsx (王强, 2026-11-02): R1 A001 all 4 → 80;   R3 A003 all 3 → 60
R1's benchmark: the median of 5 and 4 is 4.5, rounded down to 4 → 80, dated 2026-10-31.
October:  4 read = 2 counted (R1 at 80, R2 80) + 1 outside (R3) + 1 calibration copy (王强's R1); mean 80.
November: 4 read = 1 counted (R3 60) + 3 outside (李娜's rows, and 王强's R1: its recording is
October's); mean 60 (was: R1 counted again, at 王强's 80).
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from clikit import account, run, titled_sheet
from sheetkit import listening_row

OCT31, NOV2 = dt.date(2026, 10, 31), dt.date(2026, 11, 2)

TITLE = ["质检监听评分表"]  # no month: its scorings fall in two


def sheet(path, *rows):
    return titled_sheet(path, *rows, title=TITLE)


@pytest.fixture
def two_months(tmp_path):
    a = sheet(tmp_path / "a.xlsx", listening_row(OCT31, "李娜", "A001", "张三", "R1", [5] * 10, total=100),
              listening_row(OCT31, "李娜", "A002", "李四", "R2", [4] * 10, total=80))
    b = sheet(tmp_path / "b.xlsx", listening_row(NOV2, "王强", "A001", "张三", "R1", [4] * 10, total=80),
              listening_row(NOV2, "王强", "A003", "王五", "R3", [3] * 10, total=60))
    return a, b


def test_different_dates_of_a_calibration_recording_are_a_warning_at_each_date(two_months):
    a, b = two_months
    r = run("validate", a, b, "--rubric", "listening-10x4", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert [(f["file"], f["rule"], f["severity"], f["cell"], f["message"]) for f in data["findings"]] == [
        (str(a), "recording.date_differs", "warning", "A3",
         "录音“R1”由多名质检员评分,日期不同: 这里是 2026-10-31,王强 在 b.xlsx 评分表!A3 填的是 2026-11-02;"
         "此录音只计一次,按最早的日期 2026-10-31 计入(质检校正也在该日所在的统计期)"),
        (str(b), "recording.date_differs", "warning", "A3",
         "录音“R1”由多名质检员评分,日期不同: 这里是 2026-11-02,李娜 在 a.xlsx 评分表!A3 填的是 2026-10-31;"
         "此录音只计一次,按最早的日期 2026-10-31 计入(质检校正也在该日所在的统计期)")]


def test_the_recording_counts_in_the_period_of_its_earliest_date_only(two_months, tmp_path):
    a, b = two_months
    octo = json.loads(run("consolidate", a, b, "--rubric", "listening-10x4", "--date", "2026-10-31",
                          "-o", tmp_path / "oct.xlsx", "--json").output)
    assert account(octo) == (4, 2, 0, 1, 0, 1, True)
    assert octo["n"] == 2 and octo["mean_score"] == 80
    assert [(d["date"], d["n"]) for d in octo["days"]] == [("2026-10-31", 2)]
    nov = json.loads(run("consolidate", a, b, "--rubric", "listening-10x4", "--date", "2026-11-02",
                         "-o", tmp_path / "nov.xlsx", "--json").output)
    assert account(nov) == (4, 1, 0, 3, 0, 0, True)
    assert nov["n"] == 1 and nov["mean_score"] == 60


def test_the_benchmark_is_dated_by_the_earliest_scoring_whichever_file_comes_first(two_months, tmp_path):
    a, b = two_months
    out = tmp_path / "oct.xlsx"
    data = json.loads(run("consolidate", b, a, "--rubric", "listening-10x4", "--date", "2026-10-31",
                          "-o", out, "--json").output)
    assert account(data) == (4, 2, 0, 1, 0, 1, True)
    assert [(d["date"], d["n"]) for d in data["days"]] == [("2026-10-31", 2)]
    ws = openpyxl.load_workbook(out)["明细"]
    head = [c.value for c in ws[1]]
    dates = {row[head.index("录音编号")]: row[head.index("日期")] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert str(dates["R1"])[:10] == "2026-10-31"
