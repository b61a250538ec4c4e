"""The doors never show a silent number: nothing to report fails with one message and no workbook,
every unreadable input is named, the roster keeps unknown agents out of every ranking, and `score`
gives no score to a row that cannot be scored.

The sheets (listening-10x4, October 2026, 李娜): good.xlsx
  row 3  R1 A001 10-12  all 5          → 100
  row 4  R2 A002 10-12  业务能力 4      → 98
  row 5  R3 A099 10-13  all 5          → 100, but A099 is not on the roster
  row 6  R4 A003 10-13  all 4          → 80
broken.xlsx (not a workbook) and old.xls (the old format) cannot be read.
The roster: A001, A002, A003 and A004 (who has no call this month).
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from clikit import four_calls, run
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx

D12 = dt.date(2026, 10, 12)


@pytest.fixture
def sheets(tmp_path):
    return four_calls(tmp_path / "sheets")


@pytest.fixture
def roster(tmp_path):
    return write_xlsx(tmp_path / "人员名单.xlsx", [SheetSpec("名单", [
        ["工号", "姓名", "班组"], ["A001", "张三", "一组"], ["A002", "李四", "一组"], ["A003", "赵六", "二组"],
        ["A004", "孙七", "二组"]])])


def unreadable(folder):
    folder.mkdir(exist_ok=True)
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    (folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 old")
    return folder


@pytest.mark.parametrize("command", [["consolidate"], ["weekly"], ["monthly"]])
def test_nothing_read_is_a_failure_with_every_input_named_and_no_workbook(tmp_path, command):
    folder = unreadable(tmp_path / "bad")
    out = tmp_path / "out.xlsx"
    r = run(*command, folder, "--rubric", "listening-10x4", "-o", out)
    assert r.exit_code == 2 and not out.exists()
    assert "没有可以读取的评分表,未生成报表" in r.output
    assert "broken.xlsx" in r.output and "old.xls" in r.output and "另存为" in r.output
    assert "Traceback" not in r.output
    r = run(*command, folder, "--rubric", "listening-10x4", "-o", out, "--json")
    data = json.loads(r.stdout)  # the message is on stderr too
    assert r.exit_code == 2 and not out.exists()
    assert sorted(u["file"].rsplit("/", 1)[-1] for u in data["accounting"]["unreadable_inputs"]) == \
        ["broken.xlsx", "old.xls"]
    assert data["accounting"]["rows_read"] == 0


def test_nothing_in_the_period_is_a_failure(sheets, tmp_path):
    out = tmp_path / "out.xlsx"
    for args in (["consolidate", "--date", "2026-12-01"], ["weekly", "--week", "2026-W50"],
                 ["monthly", "--month", "2026-12"]):
        r = run(args[0], sheets, "--rubric", "listening-10x4", *args[1:], "-o", out)
        assert r.exit_code == 1 and not out.exists(), (args, r.output)
        assert "没有可计入统计的评分记录,未生成报表" in r.output
        assert "读取 4 行 = 计入 0 + 校验错误 0 + 统计期外 4 + 重复 0 + 校正副本 0" in r.output


def test_an_unreadable_input_is_named_on_the_console_in_json_and_on_the_sources_sheet(sheets, tmp_path):
    unreadable(sheets)
    out = tmp_path / "out.xlsx"
    r = run("consolidate", sheets, "--rubric", "listening-10x4", "-o", out)
    assert r.exit_code == 0, r.output
    assert "未能读取: " in r.output and "broken.xlsx" in r.output and "old.xls" in r.output
    data = json.loads(run("consolidate", sheets, "--rubric", "listening-10x4", "-o", out, "--json").output)
    assert len(data["accounting"]["unreadable_inputs"]) == 2
    ws = openpyxl.load_workbook(out)["数据来源"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert any(t.endswith("broken.xlsx") for t in texts) and any(t.endswith("old.xls") for t in texts)
    assert "未能读取的输入(共 2 个)" in texts


def test_the_roster_keeps_unknown_agents_out_of_every_table(sheets, roster, tmp_path):
    r = run("consolidate", sheets, "--rubric", "listening-10x4", "--roster", roster, "-o", tmp_path / "a.xlsx",
            "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    # 4 read = 3 counted + 1 unknown agent: n 3, mean (100 + 98 + 80) / 3
    assert data["accounting"]["unknown_agents"] == 1 and data["n"] == 3
    assert data["mean_score"] == pytest.approx(278 / 3)
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    agents = [row[0] for row in wb["坐席"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert "A099" not in agents and {"A001", "A002", "A003"} <= set(agents)

    r = run("monthly", sheets, "--rubric", "listening-10x4", "--roster", roster, "-o", tmp_path / "m.xlsx",
            "--json")
    m = json.loads(r.output)
    assert [a["agent_id"] for a in m["agents"]] == ["A001", "A002", "A003"]  # ranked: roster agents only
    assert m["unknown_agents"] == [{"agent_id": "A099", "calls": 1}]
    sampling = {s["agent_id"]: s["status"] for s in m["sampling"]}
    assert sampling["A004"] == "未抽检" and "A099" not in sampling
    wb = openpyxl.load_workbook(tmp_path / "m.xlsx")
    texts = [row for row in wb["质检考核统计表"].iter_rows(values_only=True)]
    assert ("A099", 1) in [tuple(x for x in row if x is not None) for row in texts]

    r = run("weekly", sheets, "--rubric", "listening-10x4", "--roster", roster, "-o", tmp_path / "w.xlsx",
            "--json")
    w = json.loads(r.output)
    assert [a["agent_id"] for a in w["agents"]] == ["A001", "A002", "A003"]
    assert w["accounting"]["unknown_agents"] == 1


def test_without_a_roster_the_reports_say_ids_were_not_checked(sheets, tmp_path):
    r = run("monthly", sheets, "--rubric", "listening-10x4", "-o", tmp_path / "m.xlsx")
    assert r.exit_code == 0 and "未提供人员名单(--roster),工号未核对" in r.output
    wb = openpyxl.load_workbook(tmp_path / "m.xlsx")
    for name in ("数据来源", "排除与重复", "质检考核统计表"):
        texts = {str(c.value) for row in wb[name].iter_rows() for c in row if c.value}
        assert any("未提供人员名单,工号未核对" in t for t in texts), name


def test_score_gives_no_score_to_a_row_with_a_level_word(tmp_path):
    # An inspector typed 优秀/良好 into two numeric items of R2: no score for that row, exit 1.
    src = write_xlsx(tmp_path / "文字.xlsx", [SheetSpec("评分表", [
        LISTENING_HEADER,
        listening_row(D12, "李娜", "A001", "张三", "R1", [5] * 10),
        listening_row(D12, "李娜", "A002", "李四", "R2", ["优秀", "良好"] + [5] * 8),
        listening_row(D12, "李娜", "A003", "赵六", "R3", [4] * 10)])])
    r = run("score", src, "--rubric", "listening-10x4")
    assert r.exit_code == 1
    line = next(x for x in r.output.splitlines() if "R2" in x and "│" in x)
    assert "无法计分" in line and "100" not in line
    assert "1 行无法计分" in r.output and "“开场白及挂机”的分数“优秀”无法识别" in r.output
    assert "2 通录音可计分,平均最终得分 90.0" in r.output
    data = json.loads(run("score", src, "--rubric", "listening-10x4", "--json").output)
    r2 = data["calls"][1]
    assert (r2["valid"], r2["final_score"]) == (False, None)
    assert [f["rule"] for f in r2["findings"]] == ["score.unreadable", "score.unreadable"]
    assert data["summary"] == {"calls": 3, "invalid": 1}


def test_weekly_topics_are_the_leads_when_set(sheets, tmp_path):
    out = tmp_path / "w.xlsx"
    r = run("weekly", sheets, "--rubric", "listening-10x4", "--topic", "主动推介", "--topic", "业务能力", "-o", out,
            "--json")
    d = json.loads(r.output)
    assert d["topics_this_week"] == ["主动推介", "业务能力"] and d["topics_basis"] == "由质检班长指定"
    r = run("weekly", sheets, "--rubric", "listening-10x4", "--topic", "服务热情", "-o", out)
    assert r.exit_code == 2 and "不是《质检监听评分表》的评分项" in r.output
    d = json.loads(run("weekly", sheets, "--rubric", "listening-10x4", "--project-start", "2026-10-12", "-o", out,
                       "--json").output)
    assert d["topics_this_week"] == ["业务能力"] and "项目首周" in d["topics_basis"]
    d = json.loads(run("weekly", sheets, "--rubric", "listening-10x4", "-o", out, "--json").output)
    assert d["topics_this_week"] == [] and d["topics_basis"].startswith("没有上周的评分记录")
    r = run("weekly", sheets, "--rubric", "listening-10x4", "--project-start", "10月12日", "-o", out)
    assert r.exit_code == 2 and "--project-start 的值不对: 无法识别的日期“10月12日”" in r.output


def test_consolidate_suggests_no_topic(sheets, tmp_path):
    r = run("consolidate", sheets, "--rubric", "listening-10x4", "-o", tmp_path / "a.xlsx")
    assert "建议质检主题" not in r.output and "不良比率最高的服务能力项" in r.output


def test_audit_recomputes_with_the_recorded_roster(sheets, roster, tmp_path):
    out = tmp_path / "m.xlsx"
    run("monthly", sheets, "--rubric", "listening-10x4", "--roster", roster, "--topic", "业务能力", "-o", out)
    r = run("audit", out, sheets)
    assert r.exit_code == 0 and "所有数字完全一致" in r.output, r.output
