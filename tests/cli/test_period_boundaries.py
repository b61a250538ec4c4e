"""Recordings whose rows fall on both sides of a period boundary, in every door that cuts periods:
the 质检月报, the 季度/年度质检考核表's months (from the sheets and from the history store) and the
row account of each (found by an attack on the periodic reports: the quarter's months counted such a
recording in both months, at each inspector's own score, while the 质检月报 counted it once).

listening-10x4, call score 2 × Σ items; columns as sheetkit.LISTENING_HEADER.

a.xlsx (李娜, 2026-10-30): C1 A001 all 5 → 100;  C2 A002 all 4 → 80;  C9 A002 without a date
b.xlsx (王强, 2026-11-02): C1 A001 all 3 → 60;   C3 A002 all 5 → 100
C1, scored by two inspectors, counts once, on its earliest date (30 October), at its benchmark: the
median of 5 and 3 is 4 → 80. C9 belongs to no period: excluded by its finding in every report.
October:  5 read = 2 counted (C1 80, C2 80) + 1 excluded (C9) + 1 outside (C3) + 1 calibration copy
          (王强's C1); mean 80; A001 80, A002 80.
November: 5 read = 1 counted (C3 100) + 1 excluded (C9) + 3 outside (a.xlsx's dated rows and 王强's C1,
          October's recording); mean 100; A002 100.
The quarter: 5 read = 3 counted + 1 excluded + 1 calibration copy.
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from clikit import account, run
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx

R = "listening-10x4"
D = dt.date


def data(r, code=0):
    assert r.exit_code == code, r.output
    return json.loads(r.output[r.output.index("{"):])


def sheet(path, *rows):
    return write_xlsx(path, [SheetSpec("评分表", [LISTENING_HEADER, *rows])])


@pytest.fixture
def sheets(tmp_path):
    d = tmp_path / "sheets"
    d.mkdir()
    sheet(d / "a.xlsx", listening_row(D(2026, 10, 30), "李娜", "A001", "张三", "C1", [5] * 10, total=100),
          listening_row(D(2026, 10, 30), "李娜", "A002", "李四", "C2", [4] * 10, total=80),
          listening_row(None, "李娜", "A002", "李四", "C9", [4] * 10, total=80))
    sheet(d / "b.xlsx", listening_row(D(2026, 11, 2), "王强", "A001", "张三", "C1", [3] * 10, total=60),
          listening_row(D(2026, 11, 2), "王强", "A002", "李四", "C3", [5] * 10, total=100))
    return d


def monthly(sheets, month, out):
    return data(run("monthly", sheets, "--rubric", R, "--month", month, "-o", out, "--json"))


def test_the_quarters_months_are_the_monthly_reports(sheets, tmp_path):
    octo, nov = monthly(sheets, "2026-10", tmp_path / "m10.xlsx"), monthly(sheets, "2026-11", tmp_path / "m11.xlsx")
    assert account(octo) == (5, 2, 1, 1, 0, 1, True) and octo["mean_score"] == 80
    assert account(nov) == (5, 1, 1, 3, 0, 0, True) and nov["mean_score"] == 100
    q = data(run("quarterly", sheets, "--rubric", R, "--quarter", "2026-Q4", "-o", tmp_path / "q.xlsx", "--json"))
    assert account(q) == (5, 3, 1, 0, 0, 1, True) and q["n"] == 3
    months = {m["month"]: m for m in q["months"]}
    # Each month of the quarter is that month's 质检月报: its figures, its agents' 月度评分, and its
    # row account term by term (the undated C9 excluded in each, as each 质检月报 excludes it).
    for m, report in (("2026-10", octo), ("2026-11", nov)):
        assert (months[m]["n"], months[m]["mean_score"]) == (report["n"], report["mean_score"]), m
        assert months[m]["agents"] == {a["agent_id"]: a["monthly_score"] for a in report["agents"]}, m
        assert account(months[m]) == account(report), m
    assert months["2026-10"]["agents"] == {"A001": 80, "A002": 80}
    assert months["2026-11"]["agents"] == {"A002": 100}
    assert {a["agent_id"]: a["monthly_scores"]["2026-10"] for a in q["agents"]} == {"A001": 80, "A002": 80}
    # The workbook's month table says the same, and says why its months' 排除行数 do not add up.
    ws = openpyxl.load_workbook(tmp_path / "q.xlsx")["服务质量分析(月度)"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    head = rows[3]
    table = {r[0]: r for r in rows[4:] if r and r[0]}
    assert [table[k][head.index("有效通数")] for k in ("10月", "11月", "12月", "2026年第4季度")] == [2, 1, 0, 3]
    assert [table[k][head.index("排除行数")] for k in ("10月", "11月", "12月", "2026年第4季度")] == [1, 1, 1, 1]
    assert "日期为空或无法识别的 1 行" in rows[1][0]
    assert run("audit", tmp_path / "q.xlsx", sheets).exit_code == 0


def test_the_quarter_from_the_store_counts_a_recording_across_the_boundary_as_the_sheets_do(sheets, tmp_path):
    """The store holds October's and the next quarter's rows; a quarter read back from it must
    know the other inspector's scoring of its recording, dated in the next quarter (and a scoring
    dated in the quarter whose recording belongs to the one before)."""
    d = tmp_path / "q1"
    d.mkdir()
    # K1: 李娜 on 31 December (all 5 → 100), 王强 on 4 January (all 3 → 60): benchmark 80, on 31 December.
    sheet(d / "c.xlsx", listening_row(D(2026, 12, 31), "李娜", "A001", "张三", "K1", [5] * 10, total=100))
    sheet(d / "d.xlsx", listening_row(D(2027, 1, 4), "王强", "A001", "张三", "K1", [3] * 10, total=60),
          listening_row(D(2027, 1, 4), "王强", "A002", "李四", "K2", [5] * 10, total=100))
    store = tmp_path / "z.duckdb"
    data(run("history", "import", d, "--rubric", R, "--store", store, "--json"))
    for quarter, n, mean in (("2026-Q4", 1, 80), ("2027-Q1", 1, 100)):
        sheets_ = data(run("quarterly", d, "--rubric", R, "--quarter", quarter, "-o", tmp_path / f"s{quarter}.xlsx",
                           "--json"))
        stored = data(run("quarterly", "--rubric", R, "--store", store, "--quarter", quarter,
                          "-o", tmp_path / f"h{quarter}.xlsx", "--json"))
        assert (sheets_["n"], sheets_["mean_score"]) == (n, mean), quarter
        assert (stored["n"], stored["mean_score"]) == (n, mean), quarter
        assert [(m["month"], m["n"], m["mean_score"]) for m in stored["months"]] == \
            [(m["month"], m["n"], m["mean_score"]) for m in sheets_["months"]], quarter
        assert stored["agents"] == sheets_["agents"], quarter
        # The store reads the files the quarter touches whole, as the sheets are read: the same
        # account, month by month, and the report audits against the sheets.
        assert account(stored) == account(sheets_), quarter
        assert [account(m) for m in stored["months"]] == [account(m) for m in sheets_["months"]], quarter
        assert run("audit", tmp_path / f"h{quarter}.xlsx", d).exit_code == 0, quarter


def test_the_same_inspectors_recording_in_two_files_of_two_months_counts_once(tmp_path):
    """李娜 scores D1 on 30 October (100) and, in another file, again on 2 November (60): the first
    read counts, in October; November's row is a duplicate, listed as one (it counted in both)."""
    d = tmp_path / "sheets"
    d.mkdir()
    sheet(d / "2026-10-30_李娜.xlsx",
          listening_row(D(2026, 10, 30), "李娜", "A001", "张三", "D1", [5] * 10, total=100),
          listening_row(D(2026, 10, 30), "李娜", "A002", "李四", "D2", [4] * 10, total=80))
    sheet(d / "2026-11-02_李娜.xlsx",
          listening_row(D(2026, 11, 2), "李娜", "A001", "张三", "D1", [3] * 10, total=60),
          listening_row(D(2026, 11, 2), "李娜", "A002", "李四", "D3", [5] * 10, total=100))
    octo = monthly(d, "2026-10", tmp_path / "m10.xlsx")
    assert account(octo) == (4, 2, 0, 2, 0, 0, True) and octo["mean_score"] == 90
    out = tmp_path / "m11.xlsx"
    nov = monthly(d, "2026-11", out)
    # 4 read = 1 counted (D3 100) + 2 outside (October's rows) + 1 duplicate (D1 again).
    assert account(nov) == (4, 1, 0, 2, 1, 0, True) and nov["mean_score"] == 100
    listed = [r for r in openpyxl.load_workbook(out)["排除与重复"].iter_rows(values_only=True)
              if r[0] == "重复录音" and str(r[1]).endswith(".xlsx")]
    assert len(listed) == 1 and listed[0][7] == "D1"
    assert "2026-10-30_李娜.xlsx 评分表 第 2 行" in listed[0][-1]
    q = data(run("quarterly", d, "--rubric", R, "--quarter", "2026-Q4", "-o", tmp_path / "q.xlsx", "--json"))
    assert [(m["month"], m["n"]) for m in q["months"]] == [("2026-10", 2), ("2026-11", 1), ("2026-12", 0)]
    assert account(q) == (4, 3, 0, 0, 1, 0, True)
    week = data(run("weekly", d, "--rubric", R, "--week", "2026-W45", "-o", tmp_path / "w.xlsx", "--json"))
    assert account(week) == (4, 1, 0, 2, 1, 0, True)
    store = tmp_path / "z.duckdb"
    data(run("history", "import", d, "--rubric", R, "--store", store, "--json"))
    stored = data(run("quarterly", "--rubric", R, "--store", store, "--quarter", "2026-Q4",
                      "-o", tmp_path / "h.xlsx", "--json"))
    assert [(m["month"], m["n"], m["mean_score"]) for m in stored["months"]] == \
        [(m["month"], m["n"], m["mean_score"]) for m in q["months"]]
    assert account(stored) == account(q)


def _altered(src, dst, sheet, value, new):
    """`src` re-saved by openpyxl as `dst` with the first cell of `sheet` holding `value` set to
    `new` (a number changed by hand); returns that cell's address."""
    wb = openpyxl.load_workbook(src)
    if sheet == "数据来源":  # its 读取行数 (the sheet holds other numbers: the options)
        cell = next(row[1] for row in wb[sheet].iter_rows() if row[0].value == "读取行数")
        assert cell.value == value
    else:
        cell = next(c for row in wb[sheet].iter_rows() for c in row if c.value == value)
    cell.value = new
    wb.save(dst)
    return cell.coordinate


def test_audit_names_the_number_changed_by_hand_and_passes_a_report_saved_again_unchanged(sheets, tmp_path):
    octo, q = tmp_path / "m10.xlsx", tmp_path / "q.xlsx"
    monthly(sheets, "2026-10", octo)
    data(run("quarterly", sheets, "--rubric", R, "--quarter", "2026-Q4", "-o", q, "--json"))
    # (数据来源 too: its paths may differ between machines, its numbers — the row account — may not.)
    for report, sheet_name, value, new in ((octo, "排除与重复", 5, 4), (q, "服务质量分析(月度)", 80, 85),
                                           (octo, "数据来源", 5, 6), (q, "数据来源", 5, 7)):
        assert run("audit", report, sheets).exit_code == 0
        changed = tmp_path / f"changed-{sheet_name}-{report.name}"
        where = _altered(report, changed, sheet_name, value, new)
        # openpyxl drops the empty text cells of the report when it saves: those are no difference.
        d = data(run("audit", changed, sheets, "--json"), code=1)
        assert d["differences"] == 1, d
        assert d["first_difference"].startswith(f"工作表“{sheet_name}” {where}"), d
        assert d["first_difference"].endswith(f"报表中为 {new},重新计算为 {value}"), d


def test_audit_passes_a_report_opened_and_saved_in_libreoffice(sheets, tmp_path):
    from zhijian.files.libreoffice import recalculate

    out = tmp_path / "m10.xlsx"
    monthly(sheets, "2026-10", out)
    saved = recalculate(out, tmp_path / "saved")
    r = run("audit", saved, sheets)
    assert r.exit_code == 0, r.output


def test_the_quarterly_never_asks_for_an_option_it_does_not_take(sheets, tmp_path):
    """Its console said "未提供人员名单(--roster),工号未核对", and `--roster` is refused (exit 2)."""
    r = run("quarterly", sheets, "--rubric", R, "--quarter", "2026-Q4", "-o", tmp_path / "q.xlsx")
    assert r.exit_code == 0 and "--roster" not in r.output
    assert "工号未核对: 本考核表不按人员名单核对工号(名单外的工号也计入)" in r.output
    assert run("quarterly", sheets, "--rubric", R, "--roster", tmp_path / "r.xlsx").exit_code == 2


def test_a_quarter_or_year_without_a_call_is_one_message_and_no_workbook(sheets, tmp_path):
    """As every other report: it wrote an empty 季度质检考核表 and exited 0."""
    out = tmp_path / "q.xlsx"
    r = run("quarterly", sheets, "--rubric", R, "--quarter", "2027-Q2", "-o", out)
    assert r.exit_code == 1 and not out.exists()
    assert "2027年第2季度没有可计入统计的评分记录,未生成报表(读取 5 行 = 计入 0 + 校验错误 1 + 统计期外 4" in r.output
    store = tmp_path / "z.duckdb"
    data(run("history", "import", sheets, "--rubric", R, "--store", store, "--json"))
    r = run("yearly", "--rubric", R, "--store", store, "--year", "2025", "-o", out, "--json")
    assert r.exit_code == 1 and not out.exists()
    assert json.loads(r.stdout)["exit_code"] == 1
