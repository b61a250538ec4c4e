"""Issue 13, "messages, not tracebacks" and "console": every option is checked by click with one
Chinese line and exit 2; a full disk, a read-only folder and an unreadable input are one message
naming the path; the error log is a new file of the user's own under their cache folder, never a
fixed path and never through a symlink; library warnings are not shown; text from cells is printed
as typed, never read as rich markup; a period without calls, an unknown --lead and a file that is no
register are said, not passed over."""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
import tempfile
import warnings
from pathlib import Path

import click
import pytest

from clikit import unwritable
from hostile_kit import RUBRIC, assert_one_message, digests, invoke, lines, run, sheet
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.cli.common import handle_errors
from zhijian.files.errorlog import write_error_log


# --- options ------------------------------------------------------------------------------------

def report(command: str, *options: str) -> list[str]:
    return [command, "{s}", "--rubric", RUBRIC, "-o", "{o}", *options]


BAD_OPTIONS = [
    (report("weekly", "--week", "2026-W60"), "--week 的值不对: 2026 年没有第 60 周"),
    (report("weekly", "--week", "2027-W53"), "2027 年没有第 53 周(ISO 周为 W01–W52)"),
    (report("weekly", "--week", "W42"), "无法识别的周“W42”"),
    (report("weekly", "--quota", "0"), "--quota 的值不对: 应在 1–10000 之间,而不是 0"),
    (report("weekly", "--quota", "-5"), "应在 1–10000 之间,而不是 -5"),
    (report("weekly", "--window-hours", "inf"), "--window-hours 的值不对: 应为大于 0"),
    (report("weekly", "--window-hours", "nan"), "应为大于 0、不超过 8784 的小时数,而不是 nan"),
    (report("weekly", "--window-hours", "-100"), "而不是 -100"),
    (report("weekly", "--window-hours", "abc"), "应为小时数,而不是“abc”"),
    (report("monthly", "--month", "2026-13"), "--month 的值不对: 月份应为 01–12,而不是 13"),
    (report("monthly", "--month", "2026-00"), "月份应为 01–12"),
    (report("monthly", "--month", "20266-10"), "无法识别的月份"),
    (report("monthly", "--target", "0"), "--target 的值不对: 应在 1–10000 之间,而不是 0"),
    (report("consolidate", "--date", "2026-02-30"), "--date 的值不对: 无法识别的日期“2026-02-30”"),
    (report("consolidate", "--period", "year"), "--period 的值不对: 应为 day、week、month 之一"),
    (["validate", "{s}", "--rubric", RUBRIC, "--period", "2026-W60"], "--period 的值不对: 2026 年没有第 60 周"),
    (["validate", "{s}", "--rubric", RUBRIC, "--period", "2026-12..2026-10"], "开始晚于结束"),
    (["validate", "{s}", "--rubric", RUBRIC, "--period", "下个月"], "无法识别的统计期"),
    (["appeals", "check", "{s}", "{s}", "--rubric", RUBRIC, "--window-hours", "0"], "应为大于 0"),
    (["template", RUBRIC, "-o", "{o}", "--rows", "-5"], "--rows 的值不对: 应在 1–10000 之间,而不是 -5"),
    (["template", RUBRIC, "-o", "{o}", "--rows", "many"], "应为整数,而不是“many”"),
    (["demo", "--out", "{o}", "--month", "2026-13"], "--month 的值不对"),
    (["daily", "{s}", "--rubric", RUBRIC, "--date", "2026-13-01"], "--date 的值不对: 无法识别的日期"),
    (["daily", "{s}", "--rubric", RUBRIC, "--quota", "0"], "--quota 的值不对: 应在 1–10000 之间"),
    (["daily", "{s}", "--rubric", RUBRIC, "-o", "{s}"], "是一个文件,请给出输出文件夹"),
    (report("penalties", "--month", "2026-13"), "--month 的值不对: 月份应为 01–12"),
    (["email", "{s}", "--kind", "yearly"], "--kind 的值不对: 应为 daily、weekly、monthly、briefing 之一"),
    (report("consolidate").__getitem__(slice(0, 4)) + ["-o", "{o}\n.xlsx"], "输出文件名含有换行或控制字符"),
]


@pytest.mark.parametrize("args, phrase", BAD_OPTIONS, ids=[" ".join(a[:1] + a[-2:]) for a, _ in BAD_OPTIONS])
def test_a_wrong_option_is_one_chinese_line(tmp_path, args, phrase):
    s = sheet(tmp_path / "sheets", "day.xlsx")
    before = digests(tmp_path)
    r = invoke(*[a.format(s=s, o=tmp_path / "out.xlsx") for a in args])
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    assert_one_message(r.stderr, phrase)
    assert r.stderr.startswith("参数错误: ")
    assert digests(tmp_path) == before  # nothing written


# --- the operating system says no ---------------------------------------------------------------

def no_bigger_files_than(limit: int):
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write beyond the limit fails (EFBIG) instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def test_a_full_disk_is_one_message_naming_the_output(tmp_path):
    sheets = tmp_path / "sheets"
    sheet(sheets, "day.xlsx")
    out = tmp_path / "reports" / "analysis.xlsx"
    r = run("consolidate", sheets, "--rubric", RUBRIC, "-o", out, preexec=no_bigger_files_than(4096))
    assert r.returncode == 2, r.stderr
    assert_one_message(r.stderr, f"无法写入 {out}: 文件超过系统允许的大小(或磁盘空间不足)")
    assert list(out.parent.iterdir()) == []  # no half file, no temporary file left


@pytest.fixture
def read_only(tmp_path):
    """A folder nobody may write into (`clikit.unwritable`)."""
    with unwritable(tmp_path / "locked") as folder:
        yield folder


def test_a_read_only_folder_is_one_message(tmp_path, read_only):
    sheets = tmp_path / "sheets"
    sheet(sheets, "day.xlsx")
    out = read_only / "analysis.xlsx"
    r = invoke("consolidate", sheets, "--rubric", RUBRIC, "-o", out)
    assert r.exit_code == 2, r.output
    assert_one_message(r.stderr, f"无法写入 {out}: ")
    assert r.stderr.strip().endswith(("没有权限", "所在磁盘是只读的"))
    assert list(read_only.iterdir()) == []


def unreadable_file(folder: Path) -> Path:
    """A file the user may not read: without read permission; for root, whom permissions do not
    stop, a link to a write-only kernel setting (Linux)."""
    if os.geteuid() != 0:
        p = sheet(folder, "secret.csv")
        p.chmod(0)
        return p
    target = Path("/proc/sys/vm/drop_caches")
    if not target.exists():
        pytest.skip("no file root may not read")
    (folder / "secret.csv").symlink_to(target)
    return folder / "secret.csv"


def test_an_input_the_user_may_not_read_is_named(tmp_path):
    sheets = tmp_path / "sheets"
    good = sheet(sheets, "good.xlsx")
    secret = unreadable_file(sheets)
    r = invoke("validate", good, secret, "--rubric", RUBRIC, "--json")
    assert r.exit_code == 1, r.output
    [finding] = json.loads(r.stdout)["findings"]
    assert finding["rule"] == "file.unreadable" and f"无法读取 {secret}: 没有权限" in finding["message"]
    r = invoke("score", secret, "--rubric", RUBRIC)
    assert r.exit_code == 2
    assert_one_message(r.stderr, f"无法读取 {secret}: 没有权限")


# --- the error log ---------------------------------------------------------------------------------

@click.command()
@handle_errors
def broken():
    """A command with a bug in it."""
    raise RuntimeError("boom")


@click.command()
@handle_errors
def noisy():
    """A command during which a library warns."""
    import pandas as pd

    warnings.warn("DataFrame is highly fragmented", pd.errors.PerformanceWarning)
    click.echo("done")


def test_an_internal_error_is_one_line_and_a_log_of_its_own(tmp_path, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # The old fixed log path, planted as a symlink to a file of the user's: never written through.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "zhijian-error.log").symlink_to(victim)
    logs = []
    for _ in range(2):
        r = CliRunner().invoke(broken, [])
        assert r.exit_code == 3
        [line] = lines(r.stderr)
        assert line.startswith("内部错误,请把日志文件 ") and line.endswith(" 发给开发人员")
        logs.append(Path(line.removeprefix("内部错误,请把日志文件 ").removesuffix(" 发给开发人员")))
    assert logs[0] != logs[1]  # one file per run
    for log in logs:
        assert log.parent == tmp_path / "cache" / "zhijian" / "logs"
        assert "RuntimeError: boom" in log.read_text(encoding="utf-8")
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert victim.read_text() == "keep me"


def test_a_symlinked_log_folder_is_not_written_through(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "cache" / "zhijian").mkdir(parents=True)
    (tmp_path / "cache" / "zhijian" / "logs").symlink_to(elsewhere)
    assert write_error_log("text") is None
    assert list(elsewhere.iterdir()) == []
    from click.testing import CliRunner

    r = CliRunner().invoke(broken, [])
    assert r.exit_code == 3 and lines(r.stderr) == ["内部错误(日志文件无法写入)"]


def test_library_warnings_are_not_shown():
    from click.testing import CliRunner

    r = CliRunner().invoke(noisy, [])
    assert r.exit_code == 0 and r.output == "done\n"


def test_a_very_wide_sheet_prints_no_warning(tmp_path):
    header = LISTENING_HEADER + [f"列{i}" for i in range(2000)]
    rows = [header] + [listening_row("2026-11-02", "王敏", 1001 + i, "王芳", f"R{i}", [5] * 10, total=100)
                       + ["x"] * 2000 for i in range(3)]
    wide = write_xlsx(tmp_path / "wide.xlsx", [SheetSpec("评分表", rows)])
    r = run("consolidate", wide, "--rubric", RUBRIC, "-o", tmp_path / "out.xlsx", env={"PYTHONWARNINGS": "default"})
    assert r.returncode == 0 and "Warning" not in r.stdout + r.stderr


# --- console -------------------------------------------------------------------------------------

def test_cell_text_is_printed_as_typed_never_as_markup(tmp_path):
    rows = [LISTENING_HEADER,
            listening_row("2026-11-02", "[vip]王丽", 1001, "[bold red]张三", "R1", ["[/]"] + [5] * 9, total=100),
            listening_row("2026-11-02", "[vip]王丽", 1002, "王芳", ":smile:", [5] * 10, total=100, remarks="[/]")]
    path = write_xlsx(tmp_path / "[red]day.xlsx", [SheetSpec("评分", rows)])
    r = invoke("validate", path, "--rubric", RUBRIC)
    assert r.exit_code == 1, r.output
    assert "[/]" in r.stdout and "[red]day.xlsx" in r.stdout
    r = invoke("score", path, "--rubric", RUBRIC)
    assert r.exit_code == 1, r.output  # "[/]" in an item is no score: R1 cannot be scored (issue 12)
    assert "[vip]王丽" in r.stdout and ":smile:" in r.stdout
    assert "“开场白及挂机”的分数“[/]”无法识别" in r.stdout


# --- said, not passed over ------------------------------------------------------------------------

def test_a_period_without_calls_and_an_unknown_lead_are_said(tmp_path):
    s = sheet(tmp_path / "sheets", "day.xlsx")
    out = tmp_path / "out.xlsx"
    r = invoke("consolidate", s, "--rubric", RUBRIC, "--period", "day", "--date", "2030-01-01", "--lead", "赵六",
               "-o", out)
    # Nothing to report is a failure (issue 12): exit 1, no workbook, and the message says why.
    assert r.exit_code == 1 and not out.exists()
    assert "统计周期 2030-01-01 中没有有效评分(评分表中的日期为 2026-11-02 至 2026-11-02)" in r.stderr
    assert "质检班长“赵六”没有评过任何一通录音" in r.stderr
    r = invoke("weekly", s, "--rubric", RUBRIC, "--week", "2026-W50", "-o", out)
    assert r.exit_code == 1 and not out.exists()
    assert "统计周期 2026-12-07 至 2026-12-13 中没有有效评分" in r.stderr


def test_a_file_that_is_no_register_is_refused(tmp_path):
    s = sheet(tmp_path / "sheets", "day.xlsx")
    other = sheet(tmp_path, "other.xlsx")
    r = invoke("consolidate", s, "--rubric", RUBRIC, "--appeals", other, "-o", tmp_path / "out.xlsx")
    assert r.exit_code == 2
    assert_one_message(r.stderr, f"{other}: 不是申诉登记表")
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize("command", ["monthly", "quarterly"])
def test_a_file_that_is_no_complaints_register_is_said_on_the_console(tmp_path, command):
    """--complaints given the roster (or any workbook without 工单编号/类型/得分): the report is
    written, and the console names the file and why, as the report's sheet does."""
    s = sheet(tmp_path / "sheets", "day.xlsx")
    other = sheet(tmp_path, "roster.xlsx")
    r = invoke(command, s, "--rubric", RUBRIC, "--complaints", other, "-o", tmp_path / "out.xlsx")
    assert r.exit_code == 0, r.output
    assert f"{other}: 没有找到投诉表扬登记表或总部拨测登记表" in r.stderr
