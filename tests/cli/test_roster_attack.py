"""A careless 人员名单 (--roster) never changes a figure without a word: a 工号 listed twice for
two different people is refused (exit 2, every such row named), a 工号 listed twice for the same
person and a row without a 工号 are findings naming the roster's file, sheet and cell; and every
report that read a roster records its SHA-256, so `zhijian audit` says when it changed.

The sheets (listening-10x4, October 2026, 李娜): good.xlsx
  row 3  R1 A001 10-12  all 5          → 100
  row 4  R2 A002 10-12  业务能力 4      → 98
  row 5  R3 A099 10-13  all 5          → 100, A099 on no roster
  row 6  R4 A003 10-13  all 4          → 80
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from clikit import four_calls, run
from sheetkit import FULL_DAY_TIMES, SheetSpec, write_call_list, write_roster, write_xlsx

D12 = dt.date(2026, 10, 12)


@pytest.fixture
def sheets(tmp_path):
    return four_calls(tmp_path / "sheets")


def roster_file(path, rows):
    return write_xlsx(path, [SheetSpec("名单", [["工号", "姓名", "班组"], *rows])])


GOOD = [["A001", "张三", "一组"], ["A002", "李四", "一组"], ["A003", "赵六", "二组"]]


@pytest.fixture
def conflicting(tmp_path):
    # A002 is 李四 of 一组 in row 3 and 王五 of 二组 in row 5: which one is A002?
    return roster_file(tmp_path / "名单冲突.xlsx", GOOD + [["A002", "王五", "二组"]])


@pytest.fixture
def careless(tmp_path):
    # row 5: 孙七 without a 工号; row 6: A001 again, the same person; row 7 blank (nothing to say)
    return roster_file(tmp_path / "名单.xlsx", GOOD + [[None, "孙七", "二组"], ["A001", "张三", "一组"],
                                                     [None, None, None]])


REPORTS = [["consolidate"], ["weekly"], ["monthly"], ["penalties", "--month", "2026-10"]]


@pytest.mark.parametrize("command", REPORTS + [["validate"]], ids=lambda c: c[0])
def test_a_worker_id_for_two_people_is_refused_naming_both_rows(sheets, conflicting, tmp_path, command):
    out = tmp_path / "out.xlsx"
    extra = [] if command[0] == "validate" else ["-o", out]
    r = run(*command, sheets, "--rubric", "listening-10x4", "--roster", conflicting, *extra)
    assert r.exit_code == 2, r.output
    assert "名单冲突.xlsx: 人员名单不能使用,有 1 个工号对应不同的人" in r.output
    assert ("名单 A5: 工号“A002”在人员名单中出现两次且不是同一人: A3 为 “李四”(一组),这一行为 “王五”(二组),"
            "无法确定此工号是谁") in r.output
    assert not out.exists()
    r = run(*command, sheets, "--rubric", "listening-10x4", "--roster", conflicting, *extra, "--json")
    data = json.loads(r.stdout)
    assert r.exit_code == 2 and data["exit_code"] == 2 and "名单 A5" in data["error"]


def test_daily_refuses_it_too_rather_than_leaving_ids_unchecked(sheets, conflicting, tmp_path):
    # daily reads a roster without a 工号 column as "an inspector list only": a conflict is not that
    r = run("daily", sheets, "--rubric", "listening-10x4", "--date", "2026-10-12", "--roster", conflicting,
            "-o", tmp_path / "day")
    assert r.exit_code == 2 and "名单 A5: 工号“A002”" in r.output
    assert not (tmp_path / "day").exists() or not any((tmp_path / "day").iterdir())


def test_sample_refuses_it(tmp_path):
    calls = write_call_list(tmp_path / "calls.xlsx", D12, {"A01": FULL_DAY_TIMES, "A02": FULL_DAY_TIMES})
    roster = write_roster(tmp_path / "roster.xlsx", ["A01", "A02", "A01"], ["王丽", "陈静", None],
                          teams=["一组", "一组", "二组"])
    r = run("sample", calls, "--date", D12, "--rubric", "listening-10x4", "--roster", roster, "-o", tmp_path / "o")
    assert r.exit_code == 2
    assert "Sheet A4: 工号“A01”在人员名单中出现两次且不是同一人: A2 为 “姓名A01”(一组),这一行为 “姓名A01”(二组)" in r.output


def test_validate_names_the_rosters_duplicate_and_blank_rows(sheets, careless):
    r = run("validate", sheets, "--rubric", "listening-10x4", "--roster", careless, "--json")
    assert r.exit_code == 1
    found = [(f["rule"], f["severity"], f["file"].rsplit("/", 1)[-1], f["sheet"], f["cell"], f["message"])
             for f in json.loads(r.stdout)["findings"] if f["file"].endswith("名单.xlsx")]
    assert found == [
        ("roster.id_missing", "error", "名单.xlsx", "名单", "A5",
         "这一行有姓名“孙七”、班组“二组”但工号为空: 此人不在名单中,其录音都按名单外工号不计入统计"),
        ("roster.duplicate_id", "warning", "名单.xlsx", "名单", "A6",
         "工号“A001”在人员名单中重复(首次在 A2),姓名和班组相同,按一人计")]


def test_a_report_keeps_its_figures_and_says_what_the_roster_holds(sheets, careless, tmp_path):
    out = tmp_path / "a.xlsx"
    r = run("consolidate", sheets, "--rubric", "listening-10x4", "--roster", careless, "-o", out, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    # A001 twice is one agent: 4 read = 3 counted (100, 98, 80) + 1 unknown (A099)
    assert data["n"] == 3 and data["accounting"]["unknown_agents"] == 1
    assert data["mean_score"] == pytest.approx(278 / 3)
    r = run("consolidate", sheets, "--rubric", "listening-10x4", "--roster", careless, "-o", out)
    assert "人员名单 名单.xlsx 名单 A5: 这一行有姓名“孙七”、班组“二组”但工号为空" in r.output
    assert "人员名单 名单.xlsx 名单 A6: 工号“A001”在人员名单中重复(首次在 A2)" in r.output
    rows = [r for r in openpyxl.load_workbook(out)["排除与重复"].iter_rows(values_only=True)]
    listed = [(r[1], r[3], r[4]) for r in rows if r[1] in ("roster.id_missing", "roster.duplicate_id")]
    assert listed == [("roster.id_missing", "名单", "A5"), ("roster.duplicate_id", "名单", "A6")]


# --- the roster in the provenance, and audit ---------------------------------------------------------

@pytest.mark.parametrize("command", [["daily", "--date", "2026-10-12"], ["penalties", "--month", "2026-10"],
                                     ["consolidate"], ["monthly"]], ids=lambda c: c[0])
def test_audit_says_the_roster_changed_after_the_report(sheets, tmp_path, command):
    roster = roster_file(tmp_path / "名单.xlsx", GOOD)
    out = tmp_path / "out"
    out.mkdir()
    r = run(*command, sheets, "--rubric", "listening-10x4", "--roster", roster, "-o", out)
    assert r.exit_code == 0, r.output
    report = next(p for p in sorted(out.iterdir()) if p.suffix == ".xlsx")
    r = run("audit", report, sheets)
    assert r.exit_code == 0 and "所有数字完全一致" in r.output, r.output
    assert "人员名单" not in r.output
    # A099 is added: the report's figures no longer follow from the roster
    roster_file(roster, GOOD + [["A099", "王五", "二组"]])
    r = run("audit", report, sheets, "--json")
    data = json.loads(r.stdout)
    assert data["changed_others"] == [f"人员名单 {roster}"], data
    r = run("audit", report, sheets)
    assert f"人员名单 {roster} 在报表生成后被修改(哈希不一致)" in r.output


def test_audit_of_a_sampling_plan_says_the_roster_changed(tmp_path):
    calls = write_call_list(tmp_path / "calls.xlsx", D12, {"A01": FULL_DAY_TIMES, "A02": FULL_DAY_TIMES})
    roster = write_roster(tmp_path / "roster.xlsx", ["A01", "A02"], ["王丽"])
    r = run("sample", calls, "--date", D12, "--rubric", "listening-10x4", "--roster", roster, "-o", tmp_path / "o")
    assert r.exit_code == 0, r.output
    plan = tmp_path / "o" / "抽检计划_2026-10-12.xlsx"
    assert run("audit", plan, calls).exit_code == 0
    write_roster(roster, ["A01", "A02", "A03"], ["王丽"])
    data = json.loads(run("audit", plan, calls, "--json").stdout)
    assert data["changed_others"] == [f"人员名单 {roster}"]
    # the plan recomputed has a row more (A03) than the plan: named, never an internal error
    r = run("audit", plan, calls)
    assert r.exit_code == 1 and "内部错误" not in r.output
    assert "复核不一致" in r.output and "重新计算为 A03" in r.output


def test_audit_in_another_folder_finds_the_rubric_register_and_roster_the_report_named(sheets, tmp_path,
                                                                                       monkeypatch):
    import shutil

    from zhijian.files.rubrics import load_rubric

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(load_rubric("listening-10x4").path, work / "r.yaml")
    roster_file(work / "名单.xlsx", GOOD)
    run("appeals", "template", "--rubric", "listening-10x4", "-o", work / "申诉.xlsx")
    monkeypatch.chdir(work)  # the report is made with names relative to its folder
    r = run("monthly", sheets, "--rubric", "r.yaml", "--roster", "名单.xlsx", "--appeals", "申诉.xlsx",
            "-o", "m.xlsx")
    assert r.exit_code == 0, r.output
    monkeypatch.chdir(tmp_path)  # and audited from another one
    r = run("audit", work / "m.xlsx", sheets)
    assert r.exit_code == 0 and "所有数字完全一致" in r.output, r.output
