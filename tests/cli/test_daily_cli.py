"""`zhijian daily` and `zhijian penalties` as a lead runs them, and the Chinese default names of every
report when `-o` is left out (or names a folder)."""

from __future__ import annotations

import json

import pytest

from dailykit import roster, week_folder
from clikit import run
from zhijian.cli.main import cli


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    return week_folder(d / "评分表"), roster(d / "人员名单.xlsx")


def test_daily_writes_the_package_and_says_what_it_found(week, tmp_path):
    folder, ros = week
    r = run("daily", folder, "--rubric", "listening-10x4", "--date", "2026-10-14", "--roster", ros,
            "--on-duty", "陈静", "-o", tmp_path / "日报")
    assert r.exit_code == 0, r.output
    # Serious on listening-10x4 (its items all 一般): R302's 差错扣分 and R305's fatal error.
    for line in ("质检日志 2026年10月14日: 有效评分 6 通", "严重问题 2 通(扣分凭单 2 张: 待确认 2)",
                 "重复问题预警 1 项(本周(10-12 至 10-14),≥ 3 次)", "班前会点评: 服务用语(17%)、主动推介(17%)、业务能力(17%)",
                 "未交评分表: 赵敏"):
        assert line in r.output, r.output
    assert sorted(p.name for p in (tmp_path / "日报").iterdir()) == [
        "扣分凭单_2026-10-14.xlsx", "质检日志_2026-10-14.xlsx", "质检监听评分表_2026-10-14.zip"]


def test_daily_json(week, tmp_path):
    folder, _ = week
    r = run("daily", folder, "--rubric", "listening-10x4", "--inspectors", "王丽,陈静,李娜", "-o", tmp_path, "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["date"] == "2026-10-14"  # the latest day with calls
    assert d["missing_inspectors"] == ["李娜"] and d["n"] == 6
    assert [(p["agent_id"], p["item"], p["count"]) for p in d["repeated"]] == [("A001", "主动推介", 3)]
    assert [v["recording_id"] for v in d["vouchers"]] == ["R302", "R305"]
    assert [v["points"] for v in d["vouchers"]] == [2, 10]  # its 差错扣分; the rubric's largest 差错扣分


@pytest.mark.parametrize("args, message", [
    (["--date", "14/10/2026"], "无法识别的日期“14/10/2026”"),
    (["--repeat-window", "月"], "无法识别的重复问题统计窗口"),
])
def test_daily_bad_options_are_one_chinese_line(week, tmp_path, args, message):
    folder, _ = week
    r = run("daily", folder, "--rubric", "listening-10x4", "-o", tmp_path, *args)
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_penalties_default_name_in_the_current_folder(week, tmp_path, monkeypatch):
    folder, _ = week
    monkeypatch.chdir(tmp_path)
    r = run("penalties", folder, "--rubric", "listening-10x4")
    assert r.exit_code == 0, r.output
    assert "服务质量扣罚登记表 2026年10月: 扣分凭单 2 张(待确认 2,已确认 0,申诉中 0,已撤销 0);建议扣分合计(不含已撤销) 12 分" \
        in r.output
    assert (tmp_path / "扣罚登记表_2026-10.xlsx").is_file()


def test_reports_get_chinese_default_names(week, tmp_path, monkeypatch):
    folder, _ = week
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "报表"
    out.mkdir()
    for args, name in ((["consolidate", "--period", "week"], "服务质量分析表_2026-W42.xlsx"),
                       (["consolidate"], "服务质量分析表_2026-10.xlsx"),
                       (["consolidate", "--period", "day"], "服务质量分析表_2026-10-14.xlsx"),
                       (["weekly"], "质检周报_2026-W42.xlsx"), (["monthly"], "质检月报_2026-10.xlsx")):
        r = run(args[0], folder, "--rubric", "listening-10x4", *args[1:])
        assert r.exit_code == 0, r.output
        assert (tmp_path / name).is_file() and f"已写出: {tmp_path / name}" in r.output
        r = run(args[0], folder, "--rubric", "listening-10x4", *args[1:], "-o", out)  # a folder: the name inside
        assert r.exit_code == 0 and (out / name).is_file()
    r = run("weekly", folder, "--rubric", "listening-10x4", "-o", tmp_path / "周报.xlsx")  # a file: as given
    assert r.exit_code == 0 and (tmp_path / "周报.xlsx").is_file()


def test_a_long_inspector_list_is_names_not_a_file(week, tmp_path):
    """40 inspectors given with --inspectors (a 600-agent centre at 15:1) make a text of 640 bytes:
    the check that no output is an input looked it up as a file name and stopped with
    "无法访问 王丽,陈静,…: 文件名太长" (exit 2)."""
    folder, _ = week
    names = ["王丽", "陈静"] + [f"质检员{i:02d}" for i in range(1, 39)]
    r = run("daily", folder, "--rubric", "listening-10x4", "--date", "2026-10-14", "--inspectors", ",".join(names),
            "-o", tmp_path, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["missing_inspectors"] == names[2:]


def test_daily_with_a_roster_leaves_out_an_agent_not_on_it(tmp_path):
    """--roster was read for its inspector list only: the log said "未提供人员名单(--roster),工号未核对"
    and counted the typo id A099 (not on the roster) in every figure, listed its 差错扣分 as a
    serious problem and gave it a 扣分凭单. With the roster, as the day's 服务质量分析表 with the same
    roster: Wednesday's 6 calls (A099's row is 名单外), vouchers R302 (2 分) and R305 (10 分) only."""
    from dailykit import WED, row
    from sheetkit import LISTENING_HEADER, SheetSpec, write_xlsx

    folder = week_folder(tmp_path / "评分表")
    write_xlsx(folder / "2026-10-14_刘洋.xlsx", [SheetSpec("评分表", [
        LISTENING_HEADER, row(WED, "刘洋", "A099", "郑志强", "R399", {"业务能力": 1}, err=5)])])
    ros = roster(tmp_path / "人员名单.xlsx", inspectors=("王丽", "陈静", "刘洋"))
    r = run("daily", folder, "--rubric", "listening-10x4", "--date", "2026-10-14", "--roster", ros,
            "-o", tmp_path / "日报", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["n"] == 6 and d["accounting"]["unknown_agents"] == 1 and d["accounting"]["roster_checked"]
    assert [v["recording_id"] for v in d["vouchers"]] == ["R302", "R305"]
    assert [c["recording_id"] for c in d["serious"]] == ["R302", "R305"]
    assert d["missing_inspectors"] == []  # 刘洋 sent a sheet: its row is there, not counted
    text = run("daily", folder, "--rubric", "listening-10x4", "--date", "2026-10-14", "--roster", ros,
               "-o", tmp_path / "日报").output
    assert "未提供人员名单" not in text and "名单外工号 1" in text


@pytest.mark.parametrize("command", ["daily", "penalties"])
def test_nothing_readable_is_exit_2_and_no_workbook(week, tmp_path, command):
    """The week's sheets read with another rubric: every input is unreadable. daily wrote a 质检日志
    of 0 calls and penalties an empty 扣罚登记表 of the current month (2026年12月), both exit 0."""
    folder, _ = week
    out = tmp_path / "out"
    r = run(command, folder, "--rubric", "qc-v3.1", "-o", out)
    assert r.exit_code == 2, r.output
    assert "没有可以读取的评分表,未生成报表" in r.output and "2026-10-14_陈静.xlsx" in r.output
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("command, period", [("daily", ["--date", "2026-10-20"]), ("penalties", ["--month", "2026-11"])])
def test_a_period_without_calls_is_exit_1_and_no_workbook(week, tmp_path, command, period):
    """A day (a month) the sheets hold no call of: a 质检日志 (a register) of nothing was written,
    exit 0; now one message naming the dates the sheets hold, as consolidate does."""
    folder, _ = week
    out = tmp_path / "out"
    r = run(command, folder, "--rubric", "listening-10x4", *period, "-o", out, "--json")
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)  # the message is on stderr too
    assert "没有可计入统计的评分记录,未生成报表" in data["error"]
    assert "评分表中的日期为 2026-10-12 至 2026-10-14" in data["error"]
    assert data["accounting"]["counted"] == 0 and data["accounting"]["outside_period"] == 13
    assert not out.exists() or not any(out.iterdir())


def test_penalties_says_what_it_read_and_checks_a_roster(tmp_path):
    """penalties printed only its vouchers: an inspector's sheet of another form (its serious calls
    in no voucher) went without a word, and it had no --roster, so an agent id not on the roster
    got a 扣分凭单. Now the identity line and every unreadable input are said, and with --roster
    A099's 差错扣分 gets no voucher: October's vouchers are R302 (2 分) and R305 (10 分)."""
    from dailykit import WED, row
    from sheetkit import LISTENING_HEADER, SheetSpec, qc_header, qc_row, write_xlsx

    folder = week_folder(tmp_path / "评分表")
    write_xlsx(folder / "2026-10-14_刘洋.xlsx", [SheetSpec("评分表", [
        LISTENING_HEADER, row(WED, "刘洋", "A099", "郑志强", "R399", {"业务能力": 1}, err=5)])])
    write_xlsx(folder / "2026-10-14_李娜.xlsx", [SheetSpec("评分表", [qc_header(), qc_row(WED, "李娜", "A001", "Q1")])])
    ros = roster(tmp_path / "人员名单.xlsx")
    r = run("penalties", folder, "--rubric", "listening-10x4", "--month", "2026-10", "--roster", ros,
            "-o", tmp_path / "登记表.xlsx")
    assert r.exit_code == 0, r.output
    assert "行数核对: 读取 14 行 = 计入 13 + 校验错误 0 + 统计期外 0 + 重复 0 + 校正副本 0 + 名单外工号 1" in r.output
    assert "未能读取:" in r.output and "2026-10-14_李娜.xlsx" in r.output
    assert "扣分凭单 2 张" in r.output and "建议扣分合计(不含已撤销) 12 分" in r.output
    d = json.loads(run("penalties", folder, "--rubric", "listening-10x4", "--month", "2026-10", "--roster", ros,
                       "-o", tmp_path / "登记表.xlsx", "--json").output)
    assert [v["recording_id"] for v in d["vouchers"]] == ["R302", "R305"]
    assert d["accounting"]["unknown_agents"] == 1 and len(d["accounting"]["unreadable_inputs"]) == 1
