"""The same recording scored twice by one inspector, the first time in October and again in
November: it counts once, in the period of its first scoring, and the later row is a listed
duplicate in November's report (it counted in both months before: double counting no report said).

listening-10x4; d1.xlsx, 李娜 on 30 October: R1 A001 all 5 → 100, R2 A002 all 5 → 100;
d2.xlsx, 李娜 on 2 November: R1 A001 all 4 → 2 × 40 = 80, R3 A003 all 3 → 2 × 30 = 60.
October: 4 read = 2 counted (R1 100, R2 100) + 2 outside the period.
November: 4 read = 1 counted (R3 60) + 2 outside + 1 duplicate (R1 again, first on 30 October).
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from clikit import account, run, titled_sheet
from sheetkit import listening_row

RUBRIC = "listening-10x4"
OCT30, NOV2 = dt.date(2026, 10, 30), dt.date(2026, 11, 2)


def _folder(tmp_path):
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    titled_sheet(sheets / "d1.xlsx", listening_row(OCT30, "李娜", "A001", "张三", "R1", [5] * 10, total=100),
                 listening_row(OCT30, "李娜", "A002", "李四", "R2", [5] * 10, total=100))
    titled_sheet(sheets / "d2.xlsx", listening_row(NOV2, "李娜", "A001", "张三", "R1", [4] * 10, total=80),
                 listening_row(NOV2, "李娜", "A003", "王五", "R3", [3] * 10, total=60))
    return sheets


def test_a_recording_rescored_next_month_counts_once_in_the_month_of_its_first_scoring(tmp_path):
    sheets = _folder(tmp_path)
    october = run("consolidate", sheets, "--rubric", RUBRIC, "--period", "month", "--date", "2026-10-15",
                  "-o", tmp_path / "oct.xlsx", "--json")
    assert october.exit_code == 0, october.output
    data = json.loads(october.stdout)
    assert account(data) == (4, 2, 0, 2, 0, 0, True)
    november = run("consolidate", sheets, "--rubric", RUBRIC, "--period", "month", "--date", "2026-11-15",
                   "-o", tmp_path / "nov.xlsx", "--json")
    assert november.exit_code == 0, november.output
    data = json.loads(november.stdout)
    assert account(data) == (4, 1, 0, 2, 1, 0, True)
    assert data["mean_score"] == 60.0 and data["duplicates"] == 1
    # the duplicate is listed with where it was first scored
    ws = openpyxl.load_workbook(tmp_path / "nov.xlsx")["排除与重复"]
    listed = [r for r in ws.iter_rows(values_only=True) if r[0] == "重复录音" and r[1] == "d2.xlsx"]
    assert len(listed) == 1 and listed[0][1] == "d2.xlsx" and listed[0][7] == "R1"
    assert "2026-10-30" in listed[0][8] and "d1.xlsx" in listed[0][8]


def test_the_weekly_of_the_second_scoring_lists_it_as_a_duplicate_too(tmp_path):
    sheets = _folder(tmp_path)
    r = run("weekly", sheets, "--rubric", RUBRIC, "--week", "2026-W45", "-o", tmp_path / "w.xlsx", "--json")
    assert r.exit_code == 0, r.output
    assert account(json.loads(r.stdout)) == (4, 1, 0, 2, 1, 0, True)
