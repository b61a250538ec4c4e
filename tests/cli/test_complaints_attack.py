"""The 投诉表扬登记表 and 总部拨测登记表 as a careless lead gives them (issue 18): the month's
register named twice, a yearly register holding the month's orders again, a test call typed
twice. An order or a test call counts once; every repeat is a finding at its cell. Counts worked
out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from sheetkit import SheetSpec, write_xlsx
from zhijian.cli.main import cli

D = dt.date
ORDER_HEAD = ["日期", "工单编号", "中心", "班组", "坐席工号", "坐席姓名", "类型", "来源", "是否成立", "问题分类"]
CALL_HEAD = ["日期", "拨测编号", "中心", "网别", "坐席工号", "坐席姓名", "得分", "满分", "致命性错误", "问题描述"]
T1 = [D(2026, 10, 3), "T1", "太原", "一组", "A1", "甲", "投诉", "集团", "是", "服务类"]
T2 = [D(2026, 10, 4), "T2", "太原", "一组", "A2", "乙", "表扬", "客户", "是", None]
T3 = [D(2026, 10, 5), "T3", "晋中", "二组", "A3", "丙", "投诉", "客户", "否", None]
H1 = [D(2026, 10, 3), "H1", "太原", "移网", "A1", "甲", 90, 100, 0, ""]
H2 = [D(2026, 10, 4), "H2", "太原", "移网", "A2", "乙", 70, 100, 1, "传递错误信息"]


def register(path, orders, calls):
    return write_xlsx(path, [SheetSpec("投诉表扬登记表", [ORDER_HEAD, *orders]),
                             SheetSpec("总部拨测登记表", [CALL_HEAD, *calls])])


def check(*registers):
    r = CliRunner().invoke(cli, ["complaints", "check", *map(str, registers), "--month", "2026-10", "--json"])
    assert "Traceback" not in r.output, r.output
    return r.exit_code, json.loads(r.output[r.output.index("{"):])


def test_the_same_register_named_twice_counts_once(tmp_path):
    # October: T1 投诉 成立, T2 表扬 成立; H1 90, H2 70 (1 致命性错误).
    month = register(tmp_path / "十月登记表.xlsx", [T1, T2], [H1, H2])
    code, d = check(month, month)
    assert code == 0
    assert (d["complaints"]["complaints"], d["complaints"]["praise"]) == (1, 1)
    assert (d["hq_calls"]["hq_calls"], d["hq_calls"]["mean_score"], d["hq_calls"]["fatal_errors"]) == (2, 80.0, 1)


def test_orders_and_test_calls_repeated_in_another_register_count_once(tmp_path):
    # The month's register, and the year's which holds T1, T2 and H1 again, plus T3 (投诉 不成立).
    # Complaints: T1 成立, T3 不成立 → 2, 成立率 1 / 2; praise: T2 → 1.
    # Test calls: H1 90 (its copy refused), H2 70 → 2, mean 80, 1 致命性错误.
    # The month's register also has H2 typed twice (the second refused).
    month = register(tmp_path / "十月登记表.xlsx", [T1, T2], [H1, H2, H2])
    year = register(tmp_path / "全年登记表.xlsx", [T1, T2, T3], [H1])
    code, d = check(month, year)
    assert code == 1  # the repeats are error findings
    c, h = d["complaints"], d["hq_calls"]
    assert (c["complaints"], c["complaints_upheld"], c["upheld_rate"], c["praise"]) == (2, 1, 0.5, 1)
    assert (h["hq_calls"], h["mean_score"], h["fatal_errors"]) == (2, 80.0, 1)
    repeats = sorted((f["file"].rsplit("/", 1)[-1], f["cell"]) for f in d["findings"])
    assert repeats == [("全年登记表.xlsx", "B2"), ("全年登记表.xlsx", "B2"), ("全年登记表.xlsx", "B3"),
                       ("十月登记表.xlsx", "B4")]


def test_json_is_strict_json_when_a_month_has_no_test_calls(tmp_path):
    # September (the month before) has no test call: its mean score does not exist and is null,
    # never the bare NaN that jq, JavaScript and every strict JSON reader refuse.
    month = register(tmp_path / "十月登记表.xlsx", [T1], [H1])
    r = CliRunner().invoke(cli, ["complaints", "check", str(month), "--month", "2026-10", "--json"])
    assert r.exit_code == 0, r.output

    def refuse(name):
        raise ValueError(f"not JSON: {name}")

    d = json.loads(r.output, parse_constant=refuse)
    september = [m for m in d["months"] if m["月份"] == "2026年9月"][0]
    assert september["拨测平均得分"] is None and september["成立率"] is None


def test_a_monthly_with_its_registers_is_audited_from_another_folder(tmp_path, monkeypatch):
    """The report is made in its folder with the register named relatively; `zhijian audit` run
    from elsewhere finds the register the report recorded (it said 找不到…文件)."""
    from sheetkit import LISTENING_HEADER, listening_row

    work = tmp_path / "work"
    (work / "sheets").mkdir(parents=True)
    rows = [listening_row(D(2026, 10, d), "王丽", "A1", "甲", f"R{d}", [5] * 10) for d in (3, 4, 5)]
    write_xlsx(work / "sheets" / "十月.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    register(work / "登记表.xlsx", [T1, T2], [H1, H2])
    monkeypatch.chdir(work)
    r = CliRunner().invoke(cli, ["monthly", "sheets", "--rubric", "listening-10x4", "--month", "2026-10",
                                 "--complaints", "登记表.xlsx", "-o", "月报.xlsx"])
    assert r.exit_code == 0, r.output
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["audit", str(work / "月报.xlsx"), str(work / "sheets")])
    assert r.exit_code == 0 and "所有数字完全一致" in r.output, r.output
