"""Issue 13, "outputs never touch inputs" and "partial work": an output naming an input (or a
register, a previous month's sheet, a rubric, a configuration, a report) is refused before any
work, by any name (symlink, hard link); copies never collide and never overwrite a user's file;
the demo never empties a folder it did not make; zhijian's own outputs and temporary files are
not read as inputs; a multi-file command with an unreadable file writes what it can and says
which file it skipped."""

from __future__ import annotations

import json
import os

import openpyxl
import pytest

from hostile_kit import D2, RUBRIC, digests, invoke, refused, sha256, sheet
from sheetkit import LISTENING_HEADER, listening_row, write_csv
from zhijian.reports.appeals_template import write_appeals_template
from zhijian.files.rubrics import load_rubric

NEVER = "zhijian 从不覆盖源文件"


@pytest.fixture
def team(tmp_path):
    """Two inspectors' sheets in sheets/, a register and a delivery configuration beside them."""
    sheets = tmp_path / "sheets"
    sheet(sheets, "2026-11-02_wangmin.xlsx")
    sheet(sheets, "2026-11-03_chenjing.xlsx", inspector="陈静", day=D2)
    write_appeals_template(load_rubric(RUBRIC), tmp_path / "reg.xlsx")
    return tmp_path


@pytest.mark.parametrize("command", ["consolidate", "weekly", "monthly"])
def test_a_report_naming_an_input_is_refused_before_any_work(team, command):
    before = digests(team)
    victim = team / "sheets" / "2026-11-03_chenjing.xlsx"
    refused(invoke(command, team / "sheets", "--rubric", RUBRIC, "-o", victim),
            f"输出文件 {victim} 就是要读取的评分表")
    assert digests(team) == before


def test_the_days_package_and_the_penalties_never_replace_an_input(team):
    victim = team / "sheets" / "质检日志_2026-11-03.xlsx"  # a sheet saved under the log's name
    (team / "sheets" / "2026-11-03_chenjing.xlsx").rename(victim)
    before = digests(team)
    refused(invoke("daily", team / "sheets", "--rubric", RUBRIC, "-o", team / "sheets"),
            f"输出文件 {victim} 就是要读取的评分表")
    refused(invoke("penalties", team / "sheets", "--rubric", RUBRIC, "-o", victim), "就是要读取的评分表")
    assert digests(team) == before


def test_the_register_as_the_output_is_refused(team):
    before = digests(team)
    refused(invoke("weekly", team / "sheets", "--rubric", RUBRIC, "--appeals", team / "reg.xlsx",
                   "-o", team / "reg.xlsx"), "就是要读取的申诉登记表")
    assert digests(team) == before


def test_the_previous_month_as_the_output_is_refused(team):
    previous = sheet(team / "oct", "2026-10-30_wangmin.xlsx")
    before = digests(team)
    refused(invoke("monthly", team / "sheets", "--rubric", RUBRIC, "--previous", team / "oct", "-o", previous),
            "就是要读取的上月评分表")
    assert digests(team) == before


def test_an_input_reached_through_a_symlink_or_a_hard_link_is_refused(team):
    victim = team / "sheets" / "2026-11-02_wangmin.xlsx"
    (team / "link.xlsx").symlink_to(victim)
    os.link(victim, team / "hard.xlsx")
    before = sha256(victim)
    for out in (team / "link.xlsx", team / "hard.xlsx"):
        refused(invoke("consolidate", team / "sheets", "--rubric", RUBRIC, "-o", out), "就是要读取的评分表")
    assert sha256(victim) == before


def test_the_rubric_file_as_the_template_is_refused(tmp_path):
    from importlib import resources

    rubric = tmp_path / "mine.yaml"
    rubric.write_text((resources.files("zhijian.bundled_rubrics") / f"{RUBRIC}.yaml").read_text(encoding="utf-8"),
                      encoding="utf-8")
    before = sha256(rubric)
    refused(invoke("template", rubric, "-o", rubric), "就是要读取的评分标准")
    refused(invoke("appeals", "template", "--rubric", rubric, "-o", rubric), "就是要读取的评分标准")
    assert sha256(rubric) == before


def test_the_report_as_the_draft_is_refused(team, tmp_path):
    out = team / "weekly.xlsx"
    assert invoke("weekly", team / "sheets", "--rubric", RUBRIC, "-o", out).exit_code == 0
    config = tmp_path / "d.yaml"
    config.write_text("smtp: {host: smtp.example.com}\nsender: {address: qa@example.com}\n"
                      "reports: {weekly: {to: [pm@example.com]}}\n", encoding="utf-8")
    before = {p: sha256(p) for p in (out, config)}
    refused(invoke("email", out, "--kind", "weekly", "--config", config, "--eml", out), "就是要读取的报表")
    refused(invoke("email", out, "--kind", "weekly", "--config", config, "--eml", config), "就是要读取的发送配置文件")
    assert {p: sha256(p) for p in before} == before


@pytest.mark.parametrize("output", ["sheets", "sheets/", "new/"])
def test_a_folder_as_the_output_gets_the_reports_default_name(team, output):
    """-o naming a folder (or ending in /: made when missing) writes the report's default name there."""
    target = f"{team / output.rstrip('/')}{'/' if output.endswith('/') else ''}"
    before = digests(team / "sheets")
    r = invoke("consolidate", team / "sheets", "--rubric", RUBRIC, "-o", target, "--json")
    assert r.exit_code == 0, r.output
    out = team / output.rstrip("/") / "服务质量分析表_2026-11.xlsx"
    assert json.loads(r.stdout)["output"] == str(out) and out.is_file()
    assert {k: v for k, v in digests(team / "sheets").items() if k in before} == before


def test_a_default_name_that_is_an_input_is_refused_before_writing(team):
    victim = team / "sheets" / "服务质量分析表_2026-11.xlsx"  # an inspector's sheet under that name
    (team / "sheets" / "2026-11-02_wangmin.xlsx").rename(victim)
    before = digests(team)
    refused(invoke("consolidate", team / "sheets", "--rubric", RUBRIC, "-o", team / "sheets"),
            f"输出文件 {victim} 就是要读取的评分表")
    assert digests(team) == before


@pytest.mark.parametrize("output", ["folder", "folder/"])
def test_a_folder_where_a_file_must_be_named_is_one_message(tmp_path, output):
    (tmp_path / "folder").mkdir()
    target = f"{tmp_path / 'folder'}{'/' if output.endswith('/') else ''}"
    refused(invoke("template", RUBRIC, "-o", target), "是一个文件夹,请给出输出文件的名称")
    assert list((tmp_path / "folder").iterdir()) == []


# --- copies ---------------------------------------------------------------------------------------

def test_a_workbook_and_a_csv_of_the_same_name_get_two_copies(tmp_path):
    book = sheet(tmp_path, "day.xlsx", rows=1)
    csv_rows = [LISTENING_HEADER, listening_row("2026-11-02", "陈静", 2001, "李雷", "C1", [5] * 9 + [6], total=100)]
    csv_file = write_csv(tmp_path / "day.csv", csv_rows)
    r = invoke("validate", book, csv_file, "--rubric", RUBRIC, "--write", "--json")
    assert r.exit_code == 1
    written = json.loads(r.stdout)["written"]
    assert written == [str(tmp_path / "day.checked.xlsx"), str(tmp_path / "day.csv.checked.xlsx")]
    r = invoke("score", book, csv_file, "--rubric", RUBRIC, "--write", "--json")
    assert json.loads(r.stdout)["written"] == [str(tmp_path / "day.scored.xlsx"), str(tmp_path / "day.csv.scored.xlsx")]
    # The CSV's copy holds numbers and dates as values, not text.
    ws = openpyxl.load_workbook(tmp_path / "day.csv.scored.xlsx").active
    assert ws["C2"].value == 2001 and ws["F2"].value == 5 and ws["A2"].is_date


def test_a_users_file_where_the_copy_would_go_is_never_overwritten(tmp_path):
    book = sheet(tmp_path, "day.xlsx")
    mine = tmp_path / "day.scored.xlsx"
    mine.write_bytes(b"my own notes")
    refused(invoke("score", book, "--rubric", RUBRIC, "--write"), "已存在,且不是 zhijian 写出的副本")
    assert mine.read_bytes() == b"my own notes"
    mine.unlink()
    assert invoke("score", book, "--rubric", RUBRIC, "--write").exit_code == 0
    assert invoke("score", book, "--rubric", RUBRIC, "--write").exit_code == 0  # its own copy: replaced


def test_score_write_with_an_unreadable_file_writes_the_others_and_names_it(tmp_path):
    good = sheet(tmp_path, "a.xlsx")
    bad = tmp_path / "b.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    r = invoke("score", good, bad, "--rubric", RUBRIC, "--write")
    assert r.exit_code == 1, r.output  # the unreadable file is a finding (file.unreadable), as in validate
    assert (tmp_path / "a.scored.xlsx").is_file() and not (tmp_path / "b.scored.xlsx").exists()
    assert f"未写计分副本(文件无法读取): {bad}" in r.stderr


# --- the demo ---------------------------------------------------------------------------------

def test_demo_refuses_a_folder_it_did_not_make(tmp_path):
    out = tmp_path / "work"
    sheet(out / "sheets", "mine.xlsx")
    (out / "roster.xlsx").write_bytes(b"the real roster")
    before = digests(out)
    refused(invoke("demo", "--out", out), "不是空文件夹,也不是 zhijian demo 生成的")
    assert digests(out) == before
    (tmp_path / "file").write_text("x")
    refused(invoke("demo", "--out", tmp_path / "file"), "是一个文件,不是文件夹")


# --- zhijian's own files are not inputs -------------------------------------------------------

def test_reports_copies_and_temporary_files_in_the_folder_are_skipped_with_a_note(team):
    sheets = team / "sheets"
    assert invoke("consolidate", sheets, "--rubric", RUBRIC, "-o", sheets / "analysis.xlsx").exit_code == 0
    assert invoke("score", sheets, "--rubric", RUBRIC, "--write").exit_code == 0
    (sheets / ".~zhijian-abc123.xlsx").write_bytes((sheets / "2026-11-02_wangmin.xlsx").read_bytes())
    r = invoke("consolidate", sheets, "--rubric", RUBRIC, "-o", team / "again.xlsx", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["n"] == 6  # 2 sheets × 3 calls, nothing read twice
    assert f"跳过 zhijian 生成的报表 {sheets / 'analysis.xlsx'}" in r.stderr
    assert f"跳过 zhijian 生成的计分副本 {sheets / '2026-11-02_wangmin.scored.xlsx'}" in r.stderr
    assert f"跳过 zhijian 未写完的临时文件 {sheets / '.~zhijian-abc123.xlsx'}" in r.stderr


def test_the_template_is_still_an_input(tmp_path):
    """The 评分表 template carries the rubric's id but no provenance: inspectors fill it in."""
    assert invoke("template", RUBRIC, "-o", tmp_path / "sheets" / "blank.xlsx").exit_code == 0
    r = invoke("validate", tmp_path / "sheets", "--rubric", RUBRIC)
    assert "跳过" not in r.stderr and "共读取 1 个文件" in r.stdout


@pytest.mark.parametrize("command", ["consolidate", "weekly", "monthly", "quarterly", "yearly"])
def test_the_history_store_as_the_output_is_refused_before_any_work(team, command):
    store = team / "zhijian.duckdb"
    assert invoke("history", "import", team / "sheets", "--rubric", RUBRIC, "--store", store).exit_code == 0
    before = digests(team)
    refused(invoke(command, team / "sheets", "--rubric", RUBRIC, "-o", store, "--store", store),
            f"输出文件 {store} 就是要读取的历史库")
    refused(invoke(command, team / "sheets", "--rubric", RUBRIC, "-o", store, env={"ZHIJIAN_STORE": str(store)}),
            "就是要读取的历史库")
    assert digests(team) == before
    # A store not made yet is the same file: it would be made, then replaced by the report.
    new = team / "new.xlsx"
    refused(invoke(command, team / "sheets", "--rubric", RUBRIC, "-o", new, "--store", new), "就是要读取的历史库")
    assert not new.exists()


def test_the_history_store_is_not_the_output_of_a_report_from_the_store(team):
    store = team / "zhijian.duckdb"
    assert invoke("history", "import", team / "sheets", "--rubric", RUBRIC, "--store", store).exit_code == 0
    before = digests(team)
    refused(invoke("quarterly", "--rubric", RUBRIC, "-o", store, "--store", store), "就是要读取的历史库")
    assert digests(team) == before
