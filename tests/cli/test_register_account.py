"""Never a silent number in the 投诉表扬登记表 and 总部拨测登记表 (issue 18 attacked again): orders and
test calls of another month, repeats and rows refused by a finding used to vanish from the month's
figures without a count, and a register sheet whose headers were changed was skipped without a
word. Every row read is now in the account, "rows read = counted + excluded by a finding +
outside the period + duplicates", on the console, in --json and on the report's sheet. Counts
worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
from click.testing import CliRunner

from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.cli.main import cli

D = dt.date
ORDER_HEAD = ["日期", "工单编号", "中心", "班组", "坐席工号", "坐席姓名", "类型", "来源", "是否成立", "问题分类"]
CALL_HEAD = ["日期", "拨测编号", "中心", "网别", "坐席工号", "坐席姓名", "得分", "满分", "致命性错误", "问题描述"]
ORDERS = [
    [D(2026, 10, 3), "T1", "太原", "一组", "A1", "甲", "投诉", "集团", "是", "服务类"],  # row 2: counted
    [D(2026, 10, 4), "T2", "太原", "一组", "A2", "乙", "表扬", "客户", "是", None],      # row 3: counted
    [D(2026, 9, 28), "T0", "太原", "一组", "A1", "甲", "投诉", "客户", "否", None],      # row 4: September
    [D(2026, 10, 3), "T1", "太原", "一组", "A1", "甲", "投诉", "集团", "是", "服务类"],  # row 5: T1 again
    [D(2026, 10, 6), "T5", "太原", "一组", "A2", "乙", "咨询", "客户", None, None],      # row 6: no such type
    ["十月某日", "T6", "太原", "一组", "A2", "乙", "投诉", "客户", None, None],           # row 7: no date
]
# Orders: read 6 = counted 2 + excluded 2 (rows 6, 7) + outside 1 (row 4) + duplicate 1 (row 5).
CALLS = [
    [D(2026, 10, 3), "H1", "太原", "移网", "A1", "甲", 90, 100, 0, ""],            # row 2: counted
    [D(2026, 10, 4), "H2", "太原", "移网", "A2", "乙", 70, 100, 1, "传递错误信息"],  # row 3: counted
    [D(2026, 11, 2), "H3", "太原", "移网", "A1", "甲", 80, 100, 0, ""],            # row 4: November
    [D(2026, 10, 4), "H2", "太原", "移网", "A2", "乙", 70, 100, 1, "传递错误信息"],  # row 5: H2 again
    [D(2026, 10, 5), "H4", "太原", "移网", "A1", "甲", 120, 100, 0, ""],           # row 6: 120 of 100
]
# Test calls: read 5 = counted 2 + excluded 1 (row 6) + outside 1 (row 4) + duplicate 1 (row 5).
# A third sheet, 拨测补登, has its 得分 column headed 分数: not a register by its headers, never read.
LATE = [["日期", "拨测编号", "网别", "坐席工号", "分数"], [D(2026, 10, 8), "H9", "移网", "A1", 60]]
ORDER_LINE = "投诉表扬登记表 行数核对: 读取 6 行 = 计入 2 + 校验错误 2 + 统计期外 1 + 重复 1"
CALL_LINE = "总部拨测登记表 行数核对: 读取 5 行 = 计入 2 + 校验错误 1 + 统计期外 1 + 重复 1"


def registers(tmp_path):
    return write_xlsx(tmp_path / "登记表.xlsx", [SheetSpec("投诉表扬登记表", [ORDER_HEAD, *ORDERS]),
                                                 SheetSpec("总部拨测登记表", [CALL_HEAD, *CALLS]),
                                                 SheetSpec("拨测补登", LATE)])


def check(path, *extra):
    r = CliRunner().invoke(cli, ["complaints", "check", str(path), "--month", "2026-10", *extra])
    assert "Traceback" not in r.output, r.output
    assert r.exit_code == 1, r.output  # error findings
    return r.output


def test_every_register_row_is_counted_or_given_its_reason_in_json(tmp_path):
    path = registers(tmp_path)
    out = check(path, "--json")
    d = json.loads(out[out.index("{"):])
    assert (d["complaints"]["complaints"], d["complaints"]["praise"]) == (1, 1)
    assert (d["hq_calls"]["hq_calls"], d["hq_calls"]["mean_score"]) == (2, 80.0)
    acc = d["accounting"]
    assert acc["complaints"] == {"rows_read": 6, "counted": 2, "excluded": 2, "outside_period": 1, "duplicates": 1,
                                 "holds": True}
    assert acc["hq_calls"] == {"rows_read": 5, "counted": 2, "excluded": 1, "outside_period": 1, "duplicates": 1,
                               "holds": True}
    assert [(u["file"], u["sheet"]) for u in acc["unreadable_inputs"]] == [(str(path), "拨测补登")]
    assert "得分" in acc["unreadable_inputs"][0]["message"]
    unmapped = [f for f in d["findings"] if f["rule"] == "sheet.unmapped"]
    assert [(f["sheet"], f["severity"]) for f in unmapped] == [("拨测补登", "error")]


def test_the_account_is_on_the_console(tmp_path):
    text = " ".join(check(registers(tmp_path)).split())
    assert ORDER_LINE in text and CALL_LINE in text
    assert "未能读取" in text and "拨测补登" in text


def test_the_monthly_reports_sheet_and_console_show_the_account(tmp_path):
    rows = [listening_row(D(2026, 10, 5), "王丽", "A1", "甲", f"R{k}", [4] * 10) for k in range(3)]
    sheets = write_xlsx(tmp_path / "2026-10-05_王丽.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    out = tmp_path / "月报.xlsx"
    r = CliRunner().invoke(cli, ["monthly", str(sheets), "--rubric", "listening-10x4", "--month", "2026-10",
                                 "--complaints", str(registers(tmp_path)), "-o", str(out)])
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    console = " ".join(r.output.split())
    assert ORDER_LINE in console and CALL_LINE in console
    ws = openpyxl.load_workbook(out)["投诉表扬与拨测"]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert ORDER_LINE in cells and CALL_LINE in cells
    assert any("拨测补登" in c and "未能读取" in c for c in cells)


def test_monthly_and_quarterly_print_the_account_with_the_summary_and_errors_apart(tmp_path):
    # Before, the two 行数核对 lines went to stderr with the notes while the summary (and the
    # calls' own 行数核对) went to stdout. Now they are on stdout; what could not be read and the
    # count of problems stay on stderr.
    rows = [listening_row(D(2026, 10, 5), "王丽", "A1", "甲", f"R{k}", [4] * 10) for k in range(5)]
    sheets = write_xlsx(tmp_path / "2026-10-05_王丽.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    path = registers(tmp_path)
    for command, period in (("monthly", ["--month", "2026-10"]), ("quarterly", ["--quarter", "2026-Q4"])):
        r = CliRunner().invoke(cli, [command, str(sheets), "--rubric", "listening-10x4", *period,
                                     "--complaints", str(path), "-o", str(tmp_path / f"{command}.xlsx")])
        assert r.exit_code == 0 and "Traceback" not in r.output, r.output
        out, err = " ".join(r.stdout.split()), " ".join(r.stderr.split())
        # The quarter (October–December) holds the November test call: outside 0, counted 3.
        order_line, call_line = (ORDER_LINE, CALL_LINE) if command == "monthly" else \
            (ORDER_LINE, "总部拨测登记表 行数核对: 读取 5 行 = 计入 3 + 校验错误 1 + 统计期外 0 + 重复 1")
        assert order_line in out and call_line in out, (command, r.stdout)
        assert "行数核对" not in err, (command, r.stderr)
        assert "未能读取" in err and "拨测补登" in err and "个问题" in err, (command, r.stderr)
        assert "未能读取" not in out, (command, r.stdout)
