"""The 服务质量分析表 workbook (report_analysis): read back with openpyxl, the figures equal
`Analysis.to_dict()` (the --json figures); warning colours, text that looks like a formula, charts,
determinism, an empty period, and LibreOffice printing it to PDF (LibreOffice is required: without
it the test fails).

The calls are two days of the demo generator, typed into two in-memory sheets and read through
`validate.check_grids`, with a few rows changed on purpose: a score that is not allowed (excluded),
the same recording twice by one inspector across files (a duplicate), the same recording by a
second inspector (a calibration case), a remark "=1+1", and 业务能力 made 不良 on 90% of calls
(警示级别 紧急, black).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import zhijian
from accounting import assert_accounted
from zhijian.engine.accounting import select
from zhijian.engine.analysis import Analysis, analyse, warning_colour, warning_fill
from zhijian.engine.periods import parse_period
from zhijian.engine.columns import column_specs
from zhijian.pipeline.demo import generate_month
from zhijian.engine.reader import Grid
from zhijian.reports.analysis_workbook import SHEETS, write_analysis_workbook
from zhijian.files.rubrics import load_rubric
from zhijian.engine.validate import check_grids

from readback import OVERVIEW_KEYS, find_row as _find_row, read_back_figures

RUBRIC = "listening-10x4"
FORMULA_REMARK = "=1+1"


# --- data ------------------------------------------------------------------------------------------

def _grid(rubric, file: str, records: list[dict]) -> Grid:
    specs = column_specs(rubric)
    rows = [[s.header for s in specs]]
    for rec in records:
        rows.append([None if s.key == "total" else rec.get(s.key) for s in specs])
    return Grid(file, "评分表", rows)


def _calls(rubric):
    """(valid calls, findings, excluded rows, the calibration recording, the duplicate recording)."""
    month, _ = generate_month(rubric, "2026-10", seed=11)
    month = month[month["remarks"] != "校正录音"]  # this test plants its own calibration case
    recs = month[month["date"] <= dt.date(2026, 10, 9)].to_dict("records")  # 8 and 9 October
    recs = [{k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in r.items()} for r in recs]
    for i, r in enumerate(recs):
        if i % 10:
            r["业务能力"] = min(r["业务能力"], 4) if isinstance(r["业务能力"], int) else 4
    recs[5]["remarks"] = FORMULA_REMARK
    recs[7]["服务态度"] = 6  # not allowed: this row is excluded
    cal = dict(recs[0])
    cal["inspector"] = "陈静" if recs[0]["inspector"] != "陈静" else "王丽"
    cal["业务能力"] = 2
    dup = dict(recs[1])  # the same recording by the same inspector, in another file
    grids = [_grid(rubric, "/data/sheets/2026-10_a.xlsx", recs),
             _grid(rubric, "/data/sheets/2026-10_b.xlsx", [cal, dup])]
    checked = check_grids(rubric, grids)
    sel = select(checked.calls, checked.report.findings, parse_period("2026-10"))
    valid = sel.calls
    assert not valid.columns.duplicated().any()
    assert sel.account.excluded == int(checked.calls["has_error"].sum())
    return valid, sel.findings, sel.account, recs[0]["recording_id"], recs[1]["recording_id"]


@pytest.fixture(scope="module")
def rubric():
    return load_rubric(RUBRIC)


@pytest.fixture(scope="module")
def data(rubric):
    return _calls(rubric)


@pytest.fixture(scope="module")
def analysis(rubric, data) -> Analysis:
    valid, _, account, _, _ = data
    return analyse(rubric, valid, period_label="2026年10月", account=account)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, analysis, data) -> Path:
    _, findings, _, _, _ = data
    out = tmp_path_factory.mktemp("report") / "分析表.xlsx"
    sources = ["/data/sheets/2026-10_a.xlsx", "/data/sheets/2026-10_b.xlsx"]
    assert write_analysis_workbook(analysis, out, findings=findings, sources=sources) == out
    return out


# --- read-back -------------------------------------------------------------------------------------



def _fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper()


# --- tests -----------------------------------------------------------------------------------------

def test_sheets_and_frozen_headers(workbook):
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == SHEETS == ["服务质量分析表", "每日分析", "班组", "坐席", "质检员", "坐席80-20",
                                       "质检校正", "明细", "排除与重复", "数据来源"]
    for ws in wb.worksheets:
        assert ws.freeze_panes, ws.title
    assert wb["明细"].auto_filter.ref


def test_data_set_has_every_case(analysis, data):
    valid, findings, account, cal_id, dup_id = data
    assert account.excluded >= 1 and any(f.rule == "score.not_allowed" for f in findings)
    assert_accounted(analysis.account)
    assert list(analysis.duplicates["recording_id"]) == [dup_id]
    assert list(analysis.calibration.benchmark_calls["recording_id"]) == [cal_id]
    assert "紧急" in {f.warning_level for f in analysis.overall.items}


def test_overview_figures_equal_json(workbook, analysis):
    expected = analysis.to_dict()
    got = read_back_figures(workbook)
    for key in [*OVERVIEW_KEYS.values(), "mean_defect_level", "worst_capability_items", "items", "days"]:
        assert got[key] == expected[key], key


def test_formats_and_marks(workbook, analysis):
    ws = openpyxl.load_workbook(workbook)["服务质量分析表"]
    o = analysis.overall
    assert "质检监听评分表" in ws["A1"].value and "2026年10月" in ws["A1"].value
    r = _find_row(ws, 1, "指标")
    rows = {ws.cell(i, 1).value: ws.cell(i, 2) for i in range(r + 1, r + 20)}
    assert rows["优良率"].number_format == "0.0%"
    assert rows["平均分"].number_format == "0.0"
    assert (rows["最高期望"].value, rows["良好水平"].value, rows["最低允许"].value) == o.marks
    assert (rows["最高分"].value, rows["最低分"].value) == (o.max_score, o.min_score)
    # Score distribution: 个数 adds up to n, 占比 are fractions.
    head = _find_row(ws, 1, "组号")
    dist = [[ws.cell(head + 1 + i, c).value for c in range(1, 7)] for i in range(len(o.distribution))]
    assert [d[4] for d in dist] == list(o.distribution["个数"])
    assert sum(d[4] for d in dist) == o.n
    assert ws.cell(head + 1, 6).number_format == "0.0%"
    # 不良 classes of the 5-point items: A类(0分) … E类(4分) add up to 不良数.
    head = next(r for r in range(1, ws.max_row + 1)
                if ws.cell(r, 1).value == "评分项" and ws.cell(r, 2).value == "分类")
    cols = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
    classes = [c for c in cols.values() if c > cols["警示级别"]]
    assert [h for h in cols if h and h.endswith("分)")] == ["A类(0分)", "B类(1分)", "C类(2分)", "D类(3分)", "E类(4分)"]
    for i, f in enumerate(o.items):
        total = sum(ws.cell(head + 1 + i, c).value or 0 for c in classes)
        assert total == f.defect_count, f.item


def test_warning_fills(workbook, analysis):
    wb = openpyxl.load_workbook(workbook)
    ws = wb["服务质量分析表"]
    head = next(r for r in range(1, ws.max_row + 1)
                if ws.cell(r, 1).value == "评分项" and ws.cell(r, 2).value == "分类")
    col = [ws.cell(head, c).value for c in range(1, ws.max_column + 1)].index("警示级别") + 1
    for i, f in enumerate(analysis.overall.items):
        cell = ws.cell(head + 1 + i, col)
        assert cell.value == f.warning_level
        assert _fill(cell) == warning_fill(f.warning_level).lstrip("#")
        if f.warning_level == "紧急":
            assert _fill(cell) == "000000" and (cell.font.color.rgb or "")[-6:] == "FFFFFF"
    r = _find_row(ws, 1, "平均不良比率")
    level = analysis.overall.mean_defect_level
    assert ws.cell(r, 3).value == level and _fill(ws.cell(r, 3)) == warning_fill(level).lstrip("#")
    # 每日分析: 警示色 cells and the 警示色天数 table.
    ws = wb["每日分析"]
    heads = [ws.cell(1, c).value for c in range(1, ws.max_column + 1)]
    colour_col = heads.index("警示色") + 1
    for i, (_, f) in enumerate(analysis.by_day):
        cell = ws.cell(2 + i, colour_col)
        assert cell.value == warning_colour(f.mean_defect_level)
        assert _fill(cell) == warning_fill(f.mean_defect_level).lstrip("#")
    r = _find_row(ws, 1, "警示色天数") + 1
    table = {ws.cell(r + 1 + i, 1).value: ws.cell(r + 1 + i, 3).value for i in range(5)}
    assert table == analysis.colour_days()


def test_breakdown_sheets(workbook, analysis):
    wb = openpyxl.load_workbook(workbook)
    for name, rows, width in (("班组", analysis.by_team, 1), ("坐席", analysis.by_agent, 2),
                              ("质检员", analysis.by_inspector, 1)):
        ws = wb[name]
        heads = [ws.cell(1, c).value for c in range(1, ws.max_column + 1)]
        assert heads[width:width + 3] == ["通数", "平均分", "最低分"]
        for i, (key, f) in enumerate(rows):
            r = 2 + i
            keys = list(key) if isinstance(key, tuple) else [key]
            assert [ws.cell(r, c + 1).value for c in range(width)] == [str(k) for k in keys]
            assert ws.cell(r, width + 1).value == f.n
            assert ws.cell(r, heads.index("平均不良比率") + 1).value == pytest.approx(f.mean_defect_rate)
            assert ws.cell(r, heads.index("警示级别") + 1).value == f.mean_defect_level
            biz = heads.index("业务能力不良比率") + 1
            item = next(x for x in f.items if x.item == "业务能力")
            assert ws.cell(r, biz).value == pytest.approx(item.defect_rate)
            assert ws.cell(r, biz).number_format == "0.0%"
    ws = wb["坐席80-20"]
    p = analysis.agent_pareto
    assert [ws.cell(1, c).value for c in range(1, 7)] == ["工号", "姓名", "通数", "不良数", "不良占比", "累计占比"]
    assert [ws.cell(2 + i, 1).value for i in range(len(p))] == list(p["工号"])
    assert ws.cell(1 + len(p), 6).value == pytest.approx(1.0)


def test_calibration_sheet(workbook, analysis):
    ws = openpyxl.load_workbook(workbook)["质检校正"]
    r = _find_row(ws, 1, "质检员")
    per = analysis.calibration.per_inspector
    for i, rec in enumerate(per.itertuples(index=False)):
        assert ws.cell(r + 1 + i, 1).value == rec.质检员
        assert ws.cell(r + 1 + i, 3).value == pytest.approx(rec.平均偏差)
        assert ws.cell(r + 1 + i, 4).number_format == "0.0%"
    notes = " ".join(str(ws.cell(i, 1).value) for i in range(1, ws.max_row + 1))
    assert "偏松" in notes and "偏严" in notes
    _find_row(ws, 1, "录音编号")


def test_detail_sheet_writes_values_not_formulas(workbook, analysis, rubric):
    ws = openpyxl.load_workbook(workbook)["明细"]
    heads = [ws.cell(1, c).value for c in range(1, ws.max_column + 1)]
    items = [it.name for it in rubric.items]
    assert heads == ["文件", "工作表", "行", "日期", "质检员", "工号", "姓名", "班组", "录音编号", *items,
                     "致命性错误", "差错扣分", "整通得分", "最终得分", "等级", "备注"]
    assert ws.max_row == 1 + len(analysis.counted)
    remark_col = heads.index("备注") + 1
    cells = [ws.cell(r, remark_col) for r in range(2, ws.max_row + 1)]
    hit = [c for c in cells if c.value == FORMULA_REMARK]
    assert len(hit) == 1 and hit[0].data_type == "s"
    with zipfile.ZipFile(workbook) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in z.read(n).decode("utf-8") for n in sheets)  # no formula anywhere
    first = 2
    assert ws.cell(first, 1).value == "2026-10_a.xlsx"  # the file name only
    assert isinstance(ws.cell(first, 4).value, dt.datetime) and ws.cell(first, 4).number_format == "yyyy-mm-dd"
    final_col = heads.index("最终得分") + 1
    assert [ws.cell(r, final_col).value for r in range(2, ws.max_row + 1)] == \
        pytest.approx(list(analysis.counted["final_score"]))
    # A score of 不涉及 (N/A) reads as the word, a score as a number.
    values = {ws.cell(r, heads.index(n) + 1).value for r in range(2, ws.max_row + 1) for n in items}
    na = analysis.counted[items].isna().to_numpy().sum()
    assert ("不涉及" in values) == bool(na)
    assert {v for v in values if v != "不涉及"} <= {0, 1, 2, 3, 4, 5, 3.5}


def test_excluded_and_sources(workbook, analysis, data):
    _, findings, _, _, dup_id = data
    wb = openpyxl.load_workbook(workbook)
    ws = wb["排除与重复"]
    r = _find_row(ws, 1, "级别")
    rules = [ws.cell(r + 1 + k, 2).value for k in range(len(findings))]
    assert rules == [str(f.rule) for f in findings]
    # Every row not counted, with its reason: the 服务态度 6 row, the duplicate, the calibration copy.
    r = _find_row(ws, 1, "原因")
    listed = {}
    while ws.cell(r + 1, 1).value not in (None, "无"):
        r += 1
        listed.setdefault(ws.cell(r, 1).value, []).append(ws.cell(r, 8).value)
    assert {k: len(v) for k, v in listed.items()} == {"校验错误": 1, "重复录音": 1, "校正副本": 1}
    assert listed["重复录音"] == [dup_id]
    assert ws["A2"].value == analysis.account.identity_text()
    ws = wb["数据来源"]
    pairs = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert pairs["评分标准编号"] == RUBRIC
    assert pairs["zhijian 版本"] == zhijian.__version__
    assert pairs["评分标准内容哈希(SHA-256)"] == analysis.rubric.content_hash
    assert "/data/sheets/2026-10_b.xlsx" in pairs.values()


def test_native_charts(workbook):
    with zipfile.ZipFile(workbook) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart") and n.endswith(".xml"))
        assert len(charts) >= 2
        xml = "".join(z.read(n).decode("utf-8") for n in charts)
    assert "分数分布" in xml and "柏拉图" in xml
    assert "<c:barChart>" in xml and "<c:lineChart>" in xml  # the Pareto line of 累计占比


def test_deterministic(tmp_path, rubric, data, analysis, workbook):
    valid, findings, account, _, _ = data
    again = analyse(rubric, valid, period_label="2026年10月", account=account)
    out = write_analysis_workbook(again, tmp_path / "again.xlsx", findings=findings,
                                  sources=["/data/sheets/2026-10_a.xlsx", "/data/sheets/2026-10_b.xlsx"])
    assert read_back_figures(out) == read_back_figures(workbook)
    assert out.read_bytes() == workbook.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["again.xlsx"]  # no temporary file left behind


def test_empty_analysis(tmp_path, rubric, data):
    valid, _, _, _, _ = data
    a = analyse(rubric, valid.iloc[0:0], period_label="2026年11月")
    out = write_analysis_workbook(a, tmp_path / "empty.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    got = read_back_figures(out)
    assert got["n"] == 0 and got["mean_score"] is None and got["days"] == []
    assert got["items"] == a.to_dict()["items"]
    texts = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert "无校正录音" in texts and "本期没有有效评分记录,以下各表为空。" in texts
    assert wb["明细"].max_row <= 2


def _pdf(src: Path, out_dir: Path) -> Path:
    try:
        from zhijian.files.libreoffice import convert_to_pdf
    except ImportError:  # the LibreOffice module is not there yet: call soffice directly
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        assert soffice, "LibreOffice (soffice) is required for this test"
        profile = (out_dir / "profile").as_uri()
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out_dir), str(src)], check=True, capture_output=True, timeout=180)
        return out_dir / f"{src.stem}.pdf"
    return convert_to_pdf(src, out_dir)


def test_libreoffice_prints_pdf(workbook, tmp_path):
    pdf = _pdf(workbook, tmp_path)
    assert pdf.is_file() and pdf.stat().st_size > 10_000
    assert pdf.read_bytes().startswith(b"%PDF")
