"""One inspector's cell followed through every layer to the cells of the 服务质量分析表 it changes.

Read this test as documentation of the architecture (docs/architecture.md draws the same path).
The sheet: three calls of agent A001 on 13 October 2026, every 评分单项 at full marks (5), except
业务能力 = 3 on the second call (cell O3). By the rules of `listening-10x4`: that call scores
2 × (9 × 5 + 3) = 96, the others 100; 业务能力 is 不良 once (class D: a 3 on a 5-point item); the
mean is (100 + 96 + 100) / 3 = 98.67.

  files      zhijian.files.workbooks.read_grids        the workbook's cells → Grid (values in memory)
  engine     zhijian.engine.reader.read_grid            Grid → the sheet's columns mapped, cells read
  engine     zhijian.engine.scoring.score_frame         recorded values → points, call and final score
  engine     zhijian.engine.validate.check_grids        both of the above for every sheet, + findings
  pipeline   zhijian.pipeline.load.load_calls           inputs → files → check_grids → Loaded
  engine     zhijian.engine.loaded.Loaded.select        the period's valid calls
  engine     zhijian.engine.analysis.analyse            calls → every figure (不良数, classes, 平均分)
  reports    zhijian.reports.analysis_workbook          figures → the workbook's cells
  pipeline   zhijian.pipeline.jobs.consolidate          all of the above, as `zhijian consolidate` runs it
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from accounting import assert_accounted
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.engine.analysis import analyse
from zhijian.engine.periods import parse_period
from zhijian.engine.reader import read_grid
from zhijian.engine.scoring import score_frame
from zhijian.engine.validate import check_grids
from zhijian.files.rubrics import load_rubric
from zhijian.files.workbooks import read_grids
from zhijian.pipeline.jobs import consolidate, write_consolidation
from zhijian.pipeline.load import load_calls
from zhijian.reports.analysis_workbook import write_analysis_workbook

DAY = dt.date(2026, 10, 13)


@pytest.fixture
def sheet(tmp_path):
    rows = [LISTENING_HEADER,
            listening_row(DAY, "王丽", "A001", "张三", "R1", [5] * 10),
            listening_row(DAY, "王丽", "A001", "张三", "R2", [5] * 9 + [3]),
            listening_row(DAY, "王丽", "A001", "张三", "R3", [5] * 10)]
    return write_xlsx(tmp_path / "2026-10-13_王丽.xlsx", [SheetSpec("评分表", rows)])


def _row_of(ws, column: int, text: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == text)


def test_one_cell_from_the_inspectors_sheet_to_the_analysis_workbook(sheet, tmp_path):
    rubric = load_rubric("listening-10x4")

    # files: the workbook's cells, as values in memory. The inspector typed 3 in O3.
    [grid] = read_grids(sheet)
    assert grid.rows[2][14] == 3 and grid.cell(2, 14) == "O3"

    # engine, reader: the header row maps column O to the item 业务能力; the cell is read as 3.
    read = read_grid(rubric, grid)
    assert read.columns["业务能力"] == "O" and read.data["业务能力"] == [5.0, 3.0, 5.0]

    # engine, scoring: 3 points for the item, 2 × 48 = 96 for the call.
    scored = score_frame(rubric, read.calls)
    assert scored["points:业务能力"].tolist() == [5.0, 3.0, 5.0]
    assert scored["final_score"].tolist() == [100.0, 96.0, 100.0]

    # engine, validation: the same through check_grids, with no finding on this clean sheet.
    checked = check_grids(rubric, [grid])
    assert checked.report.findings == [] and checked.calls["final_score"].tolist() == [100.0, 96.0, 100.0]

    # pipeline: load_calls does files → check_grids for every input; select keeps the period's calls.
    loaded = load_calls(rubric, [str(sheet)])
    valid, findings, excluded = loaded.select(parse_period("2026-10"))
    assert len(valid) == 3 and findings == [] and excluded == 0

    # engine, analysis: 业务能力 is 不良 on one call of three, class D; the mean is 98.67.
    a = analyse(rubric, valid, period_label="2026年10月")
    item = next(f for f in a.overall.items if f.item == "业务能力")
    assert (item.defect_count, item.by_class, round(item.defect_rate, 4)) == (1, {"D": 1}, 0.3333)
    assert a.overall.mean_score == pytest.approx(296 / 3)

    # reports: the cells of the 服务质量分析表 that the one cell changed.
    out = write_analysis_workbook(a, tmp_path / "分析表.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb["服务质量分析表"]
    assert ws.cell(_row_of(ws, 1, "平均分"), 2).value == pytest.approx(296 / 3)
    head = next(r for r in range(1, ws.max_row + 1)
                if ws.cell(r, 1).value == "评分项" and ws.cell(r, 2).value == "分类")
    cols = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
    r = _row_of(ws, 1, "业务能力")
    assert ws.cell(r, cols["不良数"]).value == 1 and ws.cell(r, cols["D类(3分)"]).value == 1
    detail = wb["明细"]
    dcols = {detail.cell(1, c).value: c for c in range(1, detail.max_column + 1)}
    r2 = _row_of(detail, dcols["录音编号"], "R2")
    assert (detail.cell(r2, dcols["业务能力"]).value, detail.cell(r2, dcols["最终得分"]).value) == (3, 96)
    assert (detail.cell(r2, dcols["文件"]).value, detail.cell(r2, dcols["行"]).value) == (sheet.name, 3)

    # pipeline, the job: consolidate does every step above and writes the same figures.
    result = consolidate(rubric, [str(sheet)], period_kind="month", date=DAY)
    assert_accounted(result.analysis.account, rows_read=3)
    again = openpyxl.load_workbook(write_consolidation(result, tmp_path / "汇总.xlsx"))["服务质量分析表"]
    assert again.cell(_row_of(again, 1, "平均分"), 2).value == pytest.approx(296 / 3)
