"""Defects found by following the README literally, command by command (each test names the
README line it keeps true)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clikit import run
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.cli.main import cli

R = "listening-10x4"


def sheet(path, day, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx(path, [SheetSpec("评分表", [["质检监听评分表"], LISTENING_HEADER] + [
        listening_row(day, "李娜", agent, name, rec, scores, total=2 * sum(scores))
        for agent, name, rec, scores in rows])])


@pytest.fixture
def two_months(tmp_path):
    sheet(tmp_path / "sheets" / "oct.xlsx", dt.date(2026, 10, 12),
          [("A001", "张三", "R1", [5] * 10), ("A002", "李四", "R2", [4] * 10)])
    sheet(tmp_path / "sheets-2026-09" / "sep.xlsx", dt.date(2026, 9, 14),
          [("A001", "张三", "S1", [4] * 10), ("A002", "李四", "S2", [5] * 10)])
    return tmp_path


def test_audit_recomputes_a_monthly_report_made_with_previous(two_months, tmp_path):
    # README: "`zhijian audit OUT.xlsx INPUT…`: recompute a report from its recorded inputs"; the
    # 质检月报 of `monthly --previous` recorded its previous month's sheets (path, hash, relative path)
    out = tmp_path / "m.xlsx"
    r = run("monthly", two_months / "sheets", "--rubric", R, "--month", "2026-10",
            "--previous", two_months / "sheets-2026-09", "-o", out)
    assert r.exit_code == 0, r.output
    r = run("audit", out, two_months / "sheets")
    assert r.exit_code == 0 and "所有数字完全一致" in r.output, r.output


def _commands(group=cli, path=()):
    import click

    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path + (name,))
        else:
            yield path + (name,)


@pytest.mark.parametrize("path", list(_commands()), ids=" ".join)
def test_every_command_help_has_an_example(path):
    # README: "Every command has `--help` with an example"
    r = run(*path, "--help")
    assert r.exit_code == 0 and "例如" in r.output, r.output


@pytest.mark.parametrize("args", [("consolidate", "--date"), ("weekly", "--week"), ("monthly", "--month"),
                                  ("daily", "--date"), ("penalties", "--month"), ("quarterly", "--quarter"),
                                  ("yearly", "--year")])
def test_the_default_period_in_help_is_the_one_chosen(args):
    # README: "without `--date`, the latest period holding at least half as many calls as the
    # busiest" (a stray mistyped date never becomes the period); --help said "the latest date"
    command, option = args
    out = " ".join(run(command, "--help").output.split())
    out = out[out.index("选项:"):]
    line = out[out.index(option + " "):]
    line = line[:line.index(" --", 3)]
    assert "一半" in line, line


def test_an_unreadable_input_is_named_once(tmp_path):
    # README: "exit 2 when no input could be read (each one named)": named, not twice on its line
    # ("junk/a.xlsx: junk/a.xlsx: 文件已损坏…"): the finding carries the file, its message the reason
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.xlsx").write_bytes(b"not a workbook")
    r = run("weekly", junk, "--rubric", R, "-o", tmp_path / "w.xlsx")
    assert r.exit_code == 2, r.output
    line = next(x for x in r.output.splitlines() if "文件已损坏" in x)
    assert line.count("a.xlsx") == 1, line
    r = run("validate", junk / "a.xlsx", "--rubric", R, "--json")
    import json

    finding = json.loads(r.output)["findings"][0]
    assert finding["file"] == str(junk / "a.xlsx") and finding["message"].startswith("文件已损坏"), finding


def test_the_briefing_dry_run_names_its_report(tmp_path):
    # README: "`zhijian email 日报/质检日志_2026-10-14.xlsx --kind briefing` sends the 班前会点评 sheet
    # … in the body": it has no attachment, and its dry run said "试运行,不发送:  作为班前会点评"
    import shutil

    sheets = sheet(tmp_path / "sheets" / "day.xlsx", dt.date(2026, 10, 14),
                   [("A001", "张三", "R1", [5] * 10), ("A002", "李四", "R2", [4] * 9 + [3])])
    r = run("daily", sheets, "--rubric", R, "--date", "2026-10-14", "--inspectors", "李娜", "-o", tmp_path / "日报")
    assert r.exit_code == 0, r.output
    config = tmp_path / "zhijian-delivery.yaml"
    shutil.copy(Path(__file__).parents[2] / "workbook_templates" / "delivery.example.yaml", config)
    r = run("email", tmp_path / "日报" / "质检日志_2026-10-14.xlsx", "--kind", "briefing", "--config", config,
            "--dry-run")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == "试运行,不发送: 质检日志_2026-10-14.xlsx 作为班前会点评", r.output
