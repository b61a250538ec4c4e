"""The 质检日志 and 扣分凭单 workbooks of the hand-worked week (tests/dailykit.py), read back with
openpyxl, and printed with LibreOffice (pdfinfo / pdftotext): Chinese text present, one voucher
per page. The package is written on SERIOUS (listening-10x4 with 业务能力 marked 严重) so that its
lists and vouchers show all three kinds of serious problem: a 严重 item, a 差错扣分, a fatal error."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess

import openpyxl
import pytest

from dailykit import WED, roster, row, serious_items_rubric, week_folder
from sheetkit import LISTENING_HEADER, SheetSpec, write_xlsx
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.daily import daily_package, penalties_register, write_daily_package, write_penalties
from zhijian.reports.daily_workbook import SHEETS

RUBRIC = load_rubric("listening-10x4")
SERIOUS = serious_items_rubric()


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    d = tmp_path_factory.mktemp("daily")
    folder, ros = week_folder(d / "评分表"), roster(d / "人员名单.xlsx")
    pkg = daily_package(SERIOUS, [str(folder)], date=WED, roster=ros, on_duty="陈静")
    return write_daily_package(pkg, d / "日报")


def values(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def find(rows, text) -> list:
    return next(r for r in rows if text in r)


def test_the_package_has_chinese_names(written):
    assert {k: p.name for k, p in written.items()} == {
        "log": "质检日志_2026-10-14.xlsx", "vouchers": "扣分凭单_2026-10-14.xlsx", "zip": "质检监听评分表_2026-10-14.zip"}


def test_the_log_page(written):
    wb = openpyxl.load_workbook(written["log"])
    assert wb.sheetnames[:len(SHEETS) - 1] == SHEETS[:-1] and "数据来源" in wb.sheetnames
    rows = values(wb["质检日志"])
    assert rows[0][0] == "质检日志  2026年10月14日"
    assert find(rows, "统计周期")[1] == "2026-10-14"
    on_duty = find(rows, "当值质检")
    assert on_duty[1] == "陈静" and on_duty[5] == "赵敏"  # next in the roster's order 王丽, 陈静, 赵敏
    assert find(rows, "有效通数")[1] == 6 and find(rows, "平均分")[1] == pytest.approx(590 / 6)
    assert find(rows, "差错扣分")[1] == "1 通,共 2 分" and find(rows, "严重问题")[1] == 3
    assert find(rows, "重复问题预警")[1] == 1 and find(rows, "未交评分表")[1] == "赵敏"
    texts = [str(v) for r in rows for v in r if v]
    for section in ("一、质检数据(表格形式)", "二、班会内容情况", "三、质检情况及问题", "四、问题分析及解决方法",
                    "五、班后质检会议内容", "六、监听中发现的问题"):
        assert section in texts
    assert any("针对质量问题、分析问题原因、制定解决方案" in t for t in texts)
    assert any("张三(A001) 主动推介 3 次" in t for t in texts)  # SOP-13.7: noted in the log
    found = [r[0] for r in rows[rows.index(find(rows, "六、监听中发现的问题")):] if r[0] and str(r[0]).startswith("R")]
    assert found == ["R304", "R301", "R302", "R306", "R303"]  # lowest first: 96, then 98s in the order read
    assert not any("13912345678" in t for t in texts)


def test_the_lists_for_the_ban_zhang(written):
    wb = openpyxl.load_workbook(written["log"])
    serious = [r for r in values(wb["严重问题"])[4:] if r[0]]
    assert [(r[2], r[7], r[8], r[9], r[12]) for r in serious] == [
        ("R302", "无", 2, 0, "KF20261014-001"), ("R304", "业务能力 3/5 分", 0, 0, "KF20261014-002"),
        ("R305", "无", 0, 1, "KF20261014-003")]
    ws = wb["重复问题预警"]
    [rep] = [r for r in values(ws)[4:] if r[0]]
    assert rep[1:7] == ["A001", "张三", "", "主动推介", 3, 1]  # the sheets have no 班组 column
    assert "10-12 R101 王丽 4分" in rep[7] and "10-14 R301" in rep[7]
    [dv] = [dv for dv in ws.data_validations.dataValidation if "I" in str(dv.sqref)]
    assert dv.type == "list" and dv.formula1 == '"现场辅导,离岗培训,劝退离职,其他"'
    points = [r for r in values(wb["班前会点评"])[4:] if r[0]]
    assert [(r[0], r[1], r[3], r[7]) for r in points] == [(1, "服务用语", 1, "R306"), (2, "主动推介", 1, "R301"),
                                                           (3, "业务能力", 1, "R304")]
    assert all(r[5] == pytest.approx(1 / 6) and r[12] is None and r[13] is None for r in points)
    missing = [r for r in values(wb["未交评分表"])[4:] if r[0] in ("王丽", "陈静", "赵敏")]
    assert [(r[0], r[1]) for r in missing] == [("王丽", "已交"), ("陈静", "已交"), ("赵敏", "未交")]


def test_the_vouchers_and_the_days_register(written):
    wb = openpyxl.load_workbook(written["vouchers"])
    assert wb.sheetnames[:2] == ["扣分凭单", "服务质量扣罚登记表"]
    ws = wb["扣分凭单"]
    titles = [c.row for c in ws["A"] if c.value == "扣分凭单"]
    assert len(titles) == 3
    assert [b.id for b in ws.row_breaks.brk] == [t - 1 for t in titles[1:]]  # a page break before each next one
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.paperSize == 9
    assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
    reg = [r for r in values(wb["服务质量扣罚登记表"])[5:] if r[0]]
    assert [(r[0], r[2], r[8], r[9], r[11]) for r in reg] == [
        ("KF20261014-001", "R302", "差错扣分", 2, "待确认"), ("KF20261014-002", "R304", "严重项失分", 4, "待确认"),
        ("KF20261014-003", "R305", "致命性错误", 10, "待确认")]


def test_one_error_deduction_call_gives_one_voucher_and_one_register_row(tmp_path):
    src = write_xlsx(tmp_path / "2026-10-14_王丽.xlsx", [SheetSpec("评分表", [
        LISTENING_HEADER, row(WED, "王丽", "A002", "李四", "R302", err=2), row(WED, "王丽", "A003", "王五", "R303")])])
    result = penalties_register(RUBRIC, [str(src)], month="2026-10")
    out = write_penalties(result, tmp_path / "扣罚登记表_2026-10.xlsx")
    wb = openpyxl.load_workbook(out)
    assert sum(1 for c in wb["扣分凭单"]["A"] if c.value == "扣分凭单") == 1
    reg = [r for r in values(wb["服务质量扣罚登记表"])[5:] if r[0]]
    assert len(reg) == 1 and reg[0][2] == "R302" and reg[0][9] == 2 and reg[0][11] == "待确认"
    assert values(wb["服务质量扣罚登记表"])[0][0] == "服务质量扣罚登记表  2026年10月"


# --- printed with LibreOffice -------------------------------------------------------------------------

def pdf_text(pdf, page=None) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.fixture(scope="module")
def pdfs(written, tmp_path_factory):
    from zhijian.files.libreoffice import convert_to_pdf

    for tool in ("pdfinfo", "pdftotext"):
        assert shutil.which(tool), f"{tool} (poppler-utils) is required for this test"
    out = tmp_path_factory.mktemp("pdf")
    return convert_to_pdf(written["log"], out), convert_to_pdf(written["vouchers"], out)


def test_libreoffice_prints_the_log_with_its_chinese_text(pdfs):
    log, _ = pdfs
    first, everything = pdf_text(log, 1), pdf_text(log)
    for text in ("质检日志", "2026年10月14日", "质检数据(表格形式)", "当值质检", "陈静", "赵敏", "班会内容情况"):
        assert text in first, text
    for text in ("质检情况及问题", "问题分析及解决方法", "班后质检会议内容", "监听中发现的问题", "R304", "流程不熟",
                 "重复问题预警", "班前会点评", "未交评分表"):
        assert text in everything, text


def test_libreoffice_prints_one_voucher_per_page(pdfs):
    _, vouchers = pdfs
    numbers = ["KF20261014-001", "KF20261014-002", "KF20261014-003"]
    assert pages(vouchers) > 3  # the vouchers, then the register and the sources
    for page, number in enumerate(numbers, start=1):
        text = pdf_text(vouchers, page)
        assert "扣分凭单" in text and "签名确认" in text and "坐席(签名确认)" in text
        assert re.findall(r"KF\d{8}-\d{3}", text) == [number], text
    assert "R304" in pdf_text(vouchers, 2) and "业务能力" in pdf_text(vouchers, 2)
    assert "扣分凭单" not in pdf_text(vouchers, 4).split("\n")[0]  # page 4: the register


def test_the_months_register_shows_what_became_of_every_row_read(tmp_path):
    """R401 has a 差错扣分 of 5 and an unreadable item: no voucher, and the register must say why
    (the console did; the workbook, which is what is kept and signed, did not say a row was left
    out). 4 rows read = 1 counted (R302, a voucher) + 1 excluded (R401) + 1 outside (R501, November)
    + 1 duplicate (R302 again)."""
    from clikit import run

    src = write_xlsx(tmp_path / "2026-10-14_王丽.xlsx", [SheetSpec("评分表", [
        LISTENING_HEADER, row(WED, "王丽", "A002", "李四", "R302", err=2),
        row(WED, "王丽", "A003", "王五", "R401", {"服务态度": "x"}, err=5),
        row(dt.date(2026, 11, 2), "王丽", "A003", "王五", "R501"),
        row(WED, "王丽", "A002", "李四", "R302", err=2)])])
    out = tmp_path / "扣罚登记表_2026-10.xlsx"
    r = run("penalties", src, "--rubric", "listening-10x4", "--month", "2026-10", "-o", out, "--json")
    assert r.exit_code == 0, r.output
    acc = json.loads(r.output)["accounting"]
    identity = "读取 4 行 = 计入 1 + 校验错误 1 + 统计期外 1 + 重复 1 + 校正副本 0"
    assert (acc["rows_read"], acc["counted"], acc["excluded"], acc["outside_period"], acc["duplicates"]) == \
        (4, 1, 1, 1, 1)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["扣分凭单", "服务质量扣罚登记表", "排除与重复", "数据来源", "_zhijian"]
    assert values(wb["服务质量扣罚登记表"])[3][0] == f"行数核对: {identity}(未计入的行见“排除与重复”,没有扣分凭单)"
    excluded = values(wb["排除与重复"])
    assert excluded[1][0] == identity
    listed = [(x[0], x[7]) for x in excluded if x[0] in ("校验错误", "重复录音") and str(x[1]).endswith(".xlsx")]
    assert listed == [("校验错误", "R401"), ("重复录音", "R302")]
    sources = {x[0]: x[1] for x in values(wb["数据来源"]) if x and x[0]}
    assert (sources["读取行数"], sources["计入统计"], sources["校验错误排除"], sources["统计期外"]) == (4, 1, 1, 1)
    assert run("audit", out, src).exit_code == 0
