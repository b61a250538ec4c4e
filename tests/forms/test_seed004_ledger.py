"""Corpus form: seed 004's 服务规范考核 as a per-agent monthly ledger with doubling
(tests/forms/seed004_ledger/rubric.yaml), built here with openpyxl, read, validated, scored,
consolidated and put in the 质检月报 through the pipeline's own functions.

The sheet (October 2026, inspector 王丽), one row per call, a column per 条款 with its count:
  B001 李四, 10 calls (10-01 … 10-10): 10-03 条款 1 (命令语气) once; 10-06 条款 8 (提前挂机) once, and
      it caused a complaint (加倍 1).     100 − 10 − 2 × 6 = 78 → 不达标 (< 80)
      (each call starting at 100, as before: (90 + 88 + 8 × 100) / 10 = 97.8 → 优秀)
  B002 王五, 3 calls: 10-12 条款 6 ×3 (30); 10-13 条款 10 ×2, both 情况严重 (2 × 2 × 10 = 40);
      10-14 条款 16 ×4 (40).            100 − 110 → 0 → 不达标, 扣分合计 110 shown whole
  One row has "x" in 条款 1: unreadable, excluded with its finding (the account: 14 read =
  13 counted + 1 excluded).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from accounting import assert_accounted
from formkit import form_rubric, run_form
from zhijian.pipeline.jobs import monthly_report
from zhijian.reports.monthly_workbook import write_monthly_workbook

RUBRIC = form_rubric("seed004_ledger")
HEADERS = ["日期", "质检员", "工号", "姓名", "录音编号", "命令语气或不耐烦(次)", "反查用户资料(次)",
           "提前挂机或与邻座交谈(次)", "加倍:提前挂机或与邻座交谈", "表扬弄虚作假(次)", "加倍:表扬弄虚作假",
           "冒充客户录入工单(次)", "备注"]


def sheet(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "10月考核"
    ws.append(HEADERS)
    for d in range(1, 11):
        counts = {3: [1, None, None, None], 6: [None, None, 1, 1]}.get(d, [None] * 4)
        ws.append([dt.date(2026, 10, d), "王丽", "B001", "李四", f"L{d:02d}", *counts, None, None, None, None])
    ws.append([dt.date(2026, 10, 12), "王丽", "B002", "王五", "W1", None, 3, None, None, None, None, None, None])
    ws.append([dt.date(2026, 10, 13), "王丽", "B002", "王五", "W2", None, None, None, None, 2, 2, None, None])
    ws.append([dt.date(2026, 10, 14), "王丽", "B002", "王五", "W3", None, None, None, None, None, None, 4, None])
    ws.append([dt.date(2026, 10, 15), "王丽", "B002", "王五", "W4", "x", None, None, None, None, None, None, "笔误"])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    return sheet(tmp_path_factory.mktemp("seed004") / "服务规范考核.xlsx")


def test_consolidate_gives_each_agent_base_less_the_months_occurrences(book, tmp_path):
    run = run_form(RUBRIC, book, dt.date(2026, 10, 1), tmp_path, rows_read=14)
    a = run.result.analysis
    assert (a.account.counted, a.account.excluded) == (13, 1)
    # The workbook's figures (read back, and equal to --json): no call score, so no 平均分 or bands
    assert all(run.figures[k] is None for k in ("mean_score", "excellent_rate", "below_80_rate"))
    led = a.ledger.frame().set_index("工号")
    assert led.loc["B001", ["发生次数", "扣分合计", "期间得分", "等级"]].tolist() == [2, 22, 78, "不达标"]
    # B002: 3 + 2 + 4 = 9 occurrences, 30 + 40 + 40 = 110 off 100: 0
    assert led.loc["B002", ["发生次数", "扣分合计", "期间得分", "等级"]].tolist() == [9, 110, 0, "不达标"]
    # A call has no score of its own: no 平均分 in the analysis
    assert a.overall.mean_score is None and a.to_dict()["mean_score"] is None
    # 条款 1 occurred on 1 of 13 calls (the excluded row is not counted)
    item = {f.item: f for f in a.overall.items}["命令语气或不耐烦"]
    assert (item.defect_count, item.defect_rate) == (1, pytest.approx(1 / 13))
    wb = openpyxl.load_workbook(tmp_path / "服务质量分析表.xlsx")
    detail = [[c.value for c in r] for r in wb["明细"].iter_rows()]
    head = detail[0]
    assert "最终得分" not in head and "等级" not in head  # a call has no score of its own
    by_rid = {r[head.index("录音编号")]: r for r in detail[1:]}
    # L06: 条款 8 once, doubled: 12 of B001's ledger; W2: 条款 10 twice, both doubled: 40
    assert by_rid["L06"][head.index("提前挂机或与邻座交谈(次)")] == 1 and by_rid["L06"][head.index("本通扣分")] == 12
    assert by_rid["W2"][head.index("本通扣分")] == 40 and by_rid["L01"][head.index("本通扣分")] == 0
    overview = {r[0].value: r[1].value for r in wb["服务质量分析表"].iter_rows() if r[0].value}
    assert overview["平均分"] == "—" and overview["优良率"] == "—" and overview["有效通数"] == 13
    ws = wb["坐席考核"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5, max_row=6)]
    head = [c.value for c in ws[4]]
    assert [(r[head.index("工号")], r[head.index("期间得分")], r[head.index("排名")]) for r in rows] == [
        ("B001", 78, 1), ("B002", 0, 2)]


def test_the_monthly_assessment_ranks_and_grades_the_ledger(book, tmp_path):
    rep = monthly_report(RUBRIC, [str(book)], month="2026-10").report
    assert_accounted(rep.analysis.account, rows_read=14)
    got = rep.assessment.set_index("工号")
    assert got.loc["B001", ["月度评分", "等级", "排名", "扣分合计"]].tolist() == [78, "不达标", 1, 22]
    assert got.loc["B002", ["月度评分", "等级", "排名", "扣分合计"]].tolist() == [0, "不达标", 2, 110]
    out = write_monthly_workbook(rep, tmp_path / "月报.xlsx")
    ws = openpyxl.load_workbook(out)["质检考核统计表"]
    cells = {(r, c.column): c.value for r, row in enumerate(ws.iter_rows(), start=1) for c in row}
    header_row = next(r for (r, col), v in cells.items() if v == "月度评分")
    col = next(col for (r, col), v in cells.items() if r == header_row and v == "月度评分")
    id_col = next(col for (r, col), v in cells.items() if r == header_row and v == "工号")
    assert [(cells[(header_row + k, id_col)], cells[(header_row + k, col)]) for k in (1, 2)] == [
        ("B001", 78), ("B002", 0)]
    assert "按坐席按月扣分" in str(cells[(2, 1)])
