"""Reading the 评分表 layouts teams already use (issue 3): a corpus of differently laid-out
sheets, written here with openpyxl (and two CSV files), each read into the right columns, the
right number of calls and the right final scores.

Scores are worked out by hand in the comments. 质检监听评分表 `listening-10x4`:
    final = max(0, 2 × Σ 10 items − 差错扣分), an item marked 不涉及 / N/A / "/" counts 5.
服务质量评分标准v3.1 `qc-v3.1`: call = Σ items (100 = full), 不涉及 = the item's maximum,
    加分 "问候语热情、亲切" +1 on 问候语 (never above 2), 减分 "未核实客户身份" −1 on 基本要求1,
    清零 "出现服务禁语" sets 礼貌用语 to 0.

Every layout is also read through the in-memory door (`check_grids` on the `Grid` the ribbon
would hand over) and must give the same result as reading the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from sheetkit import (LISTENING_HEADER, LISTENING_ITEMS, SheetSpec, listening_row, qc_header, qc_row,
                      write_csv, write_xlsx)
from zhijian.engine.reader import Grid
from zhijian.files.rubrics import load_rubric
from zhijian.engine.validate import check_grids
from zhijian.files.workbooks import read_grids

D1, D2, D3 = dt.date(2026, 11, 2), dt.date(2026, 11, 3), dt.date(2026, 11, 4)
FIVES = [5] * 10

# The usual column letters of LISTENING_HEADER (日期 in A … 备注 in S).
STANDARD_COLUMNS = {
    "date": "A", "inspector": "B", "agent_id": "C", "agent_name": "D", "recording_id": "E",
    **dict(zip(LISTENING_ITEMS, "FGHIJKLMNO")),
    "fatal_errors": "P", "error_deduction": "Q", "total": "R", "remarks": "S",
}


@pytest.fixture(scope="module")
def rubrics():
    return {name: load_rubric(name) for name in ("listening-10x4", "qc-v3.1", "deduction-base100")}


@dataclass
class Layout:
    """A workbook as some team lays it out, and what reading it must give."""

    id: str
    build: Callable[[Path], tuple[Path, list[SheetSpec] | None]]  # folder -> file, its sheets
    sheet: str                      # the sheet that holds the calls
    header_row: int
    columns: dict[str, str]         # key -> column letter (those listed must match)
    calls: list[tuple[str, float]]  # (录音编号, final score) in sheet order
    rubric: str = "listening-10x4"
    extra: dict[str, str] | None = None  # column letter -> header, when the team has its own


# --- the corpus -------------------------------------------------------------------------------

def plain_template(folder):
    rows = [
        LISTENING_HEADER,
        # 2 × 50 = 100
        listening_row(D1, "李娜", 1001, "王芳", "LY001", FIVES, total=100),
        # 5+4+5+3+5+5+4+5+5+2 = 43; 2 × 43 − 2 = 84
        listening_row(D1, "李娜", 1002, "赵磊", "LY002", [5, 4, 5, 3, 5, 5, 4, 5, 5, 2],
                      error_deduction=2, total=84),
        # 10 × 3 = 30; 2 × 30 − 10 = 50
        listening_row(D1, "李娜", 1003, "孙丽", "LY003", [3] * 10, error_deduction=10, total=50),
    ]
    specs = [SheetSpec("评分表", rows)]
    return write_xlsx(folder / "一组-李娜-1102.xlsx", specs), specs


def title_rows(folder):
    rows = [
        ["质检监听评分表(2026年11月)"],
        ["质检员:李娜    班组:一组    填表日期:2026-11-02"],
        LISTENING_HEADER,
        # 4 + 9 × 5 = 49; 2 × 49 = 98
        listening_row(D1, "李娜", 1001, "王芳", "LY101", [5, 4, 5, 5, 5, 5, 5, 5, 5, 5], total=98),
        # 4 × 5 + 6 × 4 = 44; 2 × 44 = 88
        listening_row(D1, "李娜", 1002, "赵磊", "LY102", [5, 5, 5, 5, 4, 4, 4, 4, 4, 4], total=88),
        # 10 × 2 = 20; 2 × 20 − 5 = 35
        listening_row(D2, "李娜", 1003, "孙丽", "LY103", [2] * 10, error_deduction=5, total=35),
        # 0; 2 × 0 − 3 = −3 → never below 0 → 0
        listening_row(D2, "李娜", 1004, "周强", "LY104", [0] * 10, error_deduction=3, total=0),
    ]
    specs = [SheetSpec("11月", rows, merges=["A1:S1", "A2:S2"])]
    return write_xlsx(folder / "标题行.xlsx", specs), specs


def merged_two_row_header(folder):
    # Row 1 a title; row 2 the categories merged over their items and the fields merged down
    # to row 3 (日期 in A2:A3); row 3 the items; calls from row 4.
    row2 = ["日期", "质检员", "工号", "姓名", "录音编号", "服务素质", None, None, None,
            "服务能力", None, None, None, None, None, "差错扣分", "最终得分"]
    row3 = [None] * 5 + LISTENING_ITEMS + [None, None]
    rows = [
        ["一组质检监听评分表"],
        row2,
        row3,
        # 9 × 5 + 4 = 49; 2 × 49 − 1 = 97
        [D1, "王敏", 1001, "王芳", "LY201", 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 1, 97],
        # 10 × 4 = 40; 2 × 40 = 80
        [D1, "王敏", 1002, "赵磊", "LY202", 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 80],
        # 5+3+5+3+5+3+5+3+5+5 = 42; 2 × 42 − 6 = 78
        [D2, "王敏", 1003, "孙丽", "LY203", 5, 3, 5, 3, 5, 3, 5, 3, 5, 5, 6, 78],
    ]
    merges = ["A1:Q1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:I2", "J2:O2", "P2:P3", "Q2:Q3"]
    specs = [SheetSpec("评分", rows, merges=merges)]
    return write_xlsx(folder / "两行表头.xlsx", specs), specs


def reordered_numbered_headers(folder):
    # The items in reverse order with numbering, full-width parentheses and "(5分)" suffixes;
    # the fields after the items; no total column.
    header = ["录音编号", "10、业务能力", "9、聆听能力(5分)", "8.双向沟通", "七、灵活处理", "6)主动推介",
              "表达能力 (5分)", "4、语速音量（5分）", "3、服务用语", "2、服务态度", "1、开场白及挂机（5分）",
              "差错扣分", "坐席工号", "质检员", "日期"]
    rows = [
        header,
        # 2 × 50 = 100
        ["LY301", 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 1001, "张伟", D1],
        # 业务能力 1 + 聆听能力 2 + 8 × 5 = 43; 2 × 43 = 86
        ["LY302", 1, 2, 5, 5, 5, 5, 5, 5, 5, 5, 0, 1002, "张伟", D1],
        # 9 × 4 + 开场白及挂机 5 = 41; 2 × 41 − 2 = 80
        ["LY303", 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 2, 1003, "张伟", D1],
    ]
    specs = [SheetSpec("Sheet1", rows)]
    return write_xlsx(folder / "列序打乱.xlsx", specs), specs


def typed_scores(folder):
    rows = [
        LISTENING_HEADER,
        # full-width digits: 9 × 5 + 4 = 49; 2 × 49 = 98
        listening_row(D1, "李娜", 1001, "王芳", "LY401", ["５"] * 9 + ["４"], total="９８"),
        # "N分": 5+4+5+5+3+5+5+5+5+5 = 47; 2 × 47 − 2 = 92
        listening_row(D1, "李娜", 1002, "赵磊", "LY402",
                      ["5分", "4分", "5分", "5分", "3分", "5分", "5分", "5分", "5分", "5分"],
                      error_deduction=2, total="92分"),
        # 不涉及, N/A, "/" count 5: 3 × 5 + 7 × 4 = 43; 2 × 43 = 86
        listening_row(D1, "李娜", 1003, "孙丽", "LY403", ["不涉及", 4, 4, "N/A", 4, "/", 4, 4, 4, 4],
                      total=86),
        # n/a, 不适用 count 5, "５分" is 5: 5 + 5 + 7 × 3 + 5 = 36; 2 × 36 = 72
        listening_row(D2, "李娜", 1004, "周强", "LY404", ["n/a", "不适用", 3, 3, 3, 3, 3, 3, 3, "５分"],
                      total=72),
    ]
    specs = [SheetSpec("评分表", rows)]
    return write_xlsx(folder / "手填分数.xlsx", specs), specs


def total_rows_and_blank_rows(folder):
    # A 序号 column pre-numbered down the sheet, blank rows between calls, 合计 and 平均 rows.
    header = ["序号", *LISTENING_HEADER]
    rows = [
        header,
        # 2 × 50 = 100
        [1, *listening_row(D1, "王敏", 1001, "王芳", "LY501", FIVES, total=100)],
        [None],
        # 4 + 8 × 5 + 4 = 48; 2 × 48 − 1 = 95
        [2, *listening_row(D1, "王敏", 1002, "赵磊", "LY502", [4, 5, 5, 5, 5, 5, 5, 5, 5, 4],
                           error_deduction=1, total=95)],
        [3],  # numbered in advance, never filled in
        # 9 × 5 + 0 = 45; 2 × 45 = 90
        [4, *listening_row(D2, "王敏", 1003, "孙丽", "LY503", [5, 5, 5, 5, 5, 5, 5, 5, 5, 0], total=90)],
        [None],
        ["合计", None, None, None, None, None, 14, 15, 15, 15, 15, 15, 15, 15, 15, 9, 0, 1, 285],
        [None, "平均", None, None, None, None, 4.67, 5, 5, 5, 5, 5, 5, 5, 5, 3, 0, 0.33, 95],
    ]
    specs = [SheetSpec("评分表", rows)]
    return write_xlsx(folder / "合计行.xlsx", specs), specs


def extra_and_hidden_columns(folder):
    # The team's own 通话时长 and 复核人 columns, a hidden helper column, and the 语速音量
    # column hidden (hidden is not deleted: it still counts).
    header = ["日期", "质检员", "坐席工号", "录音编号", "通话时长", *LISTENING_ITEMS, "辅助列", "差错扣分",
              "最终得分", "复核人"]
    rows = [
        header,
        # 3 × 5 + 语速音量 3 + 6 × 5 = 48; 2 × 48 = 96
        [D1, "李娜", 1001, "LY601", "03:12", 5, 5, 5, 3, 5, 5, 5, 5, 5, 5, 1, 0, 96, "王班长"],
        # 语速音量 4: 49; 2 × 49 = 98
        [D1, "李娜", 1002, "LY602", "05:40", 5, 5, 5, 4, 5, 5, 5, 5, 5, 5, 2, 0, 98, "王班长"],
        # 10 × 4 = 40; 2 × 40 = 80
        [D1, "李娜", 1003, "LY603", "01:05", 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 0, 80, None],
    ]
    specs = [SheetSpec("评分表", rows, hidden_cols=["I", "P"])]
    return write_xlsx(folder / "自有列.xlsx", specs), specs


def macro_workbook(folder):
    rows = [
        LISTENING_HEADER,
        # 2 × 50 = 100
        listening_row(D1, "李娜", 1001, "王芳", "LY701", FIVES, total=100),
        # 10 × 3 = 30; 2 × 30 − 10 = 50
        listening_row(D1, "李娜", 1002, "赵磊", "LY702", [3] * 10, error_deduction=10, total=50),
    ]
    specs = [SheetSpec("评分表", rows)]
    return write_xlsx(folder / "带宏评分表.xlsm", specs), specs


def offset_table(folder):
    # The table starts at C3: two empty rows above, two empty columns to the left.
    rows = [
        LISTENING_HEADER,
        # 2 × 50 = 100
        listening_row(D1, "王敏", 1001, "王芳", "LY801", FIVES, total=100),
        # 8 × 5 + 4 + 4 = 48; 2 × 48 = 96
        listening_row(D1, "王敏", 1002, "赵磊", "LY802", [5, 5, 5, 5, 5, 5, 5, 5, 4, 4], total=96),
        # 1+2+3+4+5+5+4+3+2+1 = 30; 2 × 30 = 60
        listening_row(D1, "王敏", 1003, "孙丽", "LY803", [1, 2, 3, 4, 5, 5, 4, 3, 2, 1], total=60),
    ]
    specs = [SheetSpec("评分表", rows, first_row=3, first_col=3)]
    return write_xlsx(folder / "从C列开始.xlsx", specs), specs


def notes_sheet_first(folder):
    notes = SheetSpec("说明", [
        ["填写说明"],
        ["1. 每通录音一行,不涉及的评分项请填“不涉及”。"],
        ["2. 评分项满分 5 分,例如“服务态度”。"],
        [None],
        ["质检班长: 王敏"],
    ])
    rows = [
        LISTENING_HEADER,
        # 2 × 50 − 4 = 96
        listening_row(D1, "李娜", 1001, "王芳", "LY901", FIVES, error_deduction=4, total=96),
        # 5 × 5 + 5 × 2 = 35; 2 × 35 = 70
        listening_row(D2, "李娜", 1002, "赵磊", "LY902", [5] * 5 + [2] * 5, total=70),
    ]
    specs = [notes, SheetSpec("11月评分", rows)]
    return write_xlsx(folder / "带说明页.xlsx", specs), specs


def field_and_item_aliases(folder):
    header = ["质检日期", "评分人", "工号", "员工姓名", "录音ID", "开头白及挂机", "态度", "用语", "语速语调",
              "表达", "推介", "灵活应变", "沟通", "倾听能力", "业务知识", "差错", "总分"]
    rows = [
        header,
        # 2 × 50 = 100
        [D1, "张伟", 1001, "王芳", "20261102-0001", 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 100],
        # 9 × 5 + 3 = 48; 2 × 48 − 3 = 93
        [D1, "张伟", 1002, "赵磊", "20261102-0002", 5, 5, 5, 5, 5, 5, 5, 5, 5, 3, 3, 93],
        # 9 × 4 + 5 = 41; 2 × 41 = 82
        [D2, "张伟", 1003, "孙丽", "20261103-0001", 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 0, 82],
    ]
    specs = [SheetSpec("张伟", rows)]
    return write_xlsx(folder / "别名表头.xlsx", specs), specs


CSV_ROWS_UTF8 = [
    LISTENING_HEADER,
    # 2 × 50 = 100
    listening_row("2026-11-02", "李娜", "1001", "王芳", "LYA01", ["5"] * 10, 0, 0, "100"),
    # 4 + 8 × 5 + 不涉及 (5) = 49; 2 × 49 = 98
    listening_row("2026/11/3", "李娜", "1002", "赵磊", "LYA02", ["4"] + ["5"] * 8 + ["不涉及"], 0, 0, "98"),
    # 10 × 3 = 30; 2 × 30 − 2 = 58
    listening_row("2026年11月4日", "李娜", "1003", "孙丽", "LYA03", ["3"] * 10, 0, "2", "58"),
]

CSV_ROWS_GBK = [
    ["二组质检监听评分表"],
    LISTENING_HEADER,
    # 2 × 50 = 100
    listening_row("2026-11-02", "周敏", "2001", "钱进", "LYB01", ["5"] * 10, 0, 0, "100"),
    # 2+3+4+5+5+5+5+5+5+5 = 44; 2 × 44 − 8 = 80
    listening_row("2026-11-02", "周敏", "2002", "吴昊", "LYB02", ["2", "3", "4"] + ["5"] * 7, 0, 8, "80"),
    # "５分" + 9 × 4 = 41; 2 × 41 = 82
    listening_row("2026-11-03", "周敏", "2003", "郑洁", "LYB03", ["５分"] + ["4"] * 9, 0, 0, "82"),
]


def csv_utf8_bom(folder):
    return write_csv(folder / "一组评分.csv", CSV_ROWS_UTF8, "utf-8-sig"), None


def csv_gbk(folder):
    return write_csv(folder / "二组评分.csv", CSV_ROWS_GBK, "gbk"), None


def qc_sheet(folder):
    rows = [
        ["服务质量评分表 v3.1"],
        qc_header(),
        # every item at full marks: 10 + 8 + 10 + 37 + 30 + 14 = 109 raw; × 100/109 = 100
        qc_row(D1, "陈静", 3001, "QC001", total=100),
        # 问候语 1 + 加分 1 = 2 (full again); 服务责任 8 (−7): 102 × 100/109 = 93.577982 (typed 93.58)
        qc_row(D1, "陈静", 3002, "QC002", {"问候语": 1, "服务责任": 8}, bonus="是", total=93.58),
        # 清零 礼貌用语恰当 (−2), 结束语 0 (−2), 减分 基本要求1 6 → 5 (−1), 致歉语 不涉及 (= 2):
        # 109 − 5 = 104; × 100/109 = 95.412844 (typed 95.41)
        qc_row(D2, "陈静", 3003, "QC003", {"结束语": 0, "致歉语": "不涉及"}, deduction=1, zero="是",
               total=95.41),
    ]
    specs = [SheetSpec("QC评分", rows, merges=["A1:AH1"])]
    return write_xlsx(folder / "QC评分表.xlsx", specs), specs


LAYOUTS = [
    Layout("模板原样", plain_template, "评分表", 1, STANDARD_COLUMNS,
           [("LY001", 100), ("LY002", 84), ("LY003", 50)]),
    Layout("表头上方有标题行", title_rows, "11月", 3, STANDARD_COLUMNS,
           [("LY101", 98), ("LY102", 88), ("LY103", 35), ("LY104", 0)]),
    Layout("两行合并表头", merged_two_row_header, "评分", 3,
           {"date": "A", "inspector": "B", "agent_id": "C", "agent_name": "D", "recording_id": "E",
            **dict(zip(LISTENING_ITEMS, "FGHIJKLMNO")), "error_deduction": "P", "total": "Q"},
           [("LY201", 97), ("LY202", 80), ("LY203", 78)]),
    Layout("列序打乱且带编号", reordered_numbered_headers, "Sheet1", 1,
           {"recording_id": "A", **dict(zip(reversed(LISTENING_ITEMS), "BCDEFGHIJK")),
            "error_deduction": "L", "agent_id": "M", "inspector": "N", "date": "O"},
           [("LY301", 100), ("LY302", 86), ("LY303", 80)]),
    Layout("全角数字与不涉及", typed_scores, "评分表", 1, STANDARD_COLUMNS,
           [("LY401", 98), ("LY402", 92), ("LY403", 86), ("LY404", 72)]),
    Layout("空行与合计平均行", total_rows_and_blank_rows, "评分表", 1,
           {k: chr(ord(v) + 1) for k, v in STANDARD_COLUMNS.items()},
           [("LY501", 100), ("LY502", 95), ("LY503", 90)]),
    Layout("自有列与隐藏列", extra_and_hidden_columns, "评分表", 1,
           {"date": "A", "inspector": "B", "agent_id": "C", "recording_id": "D",
            **dict(zip(LISTENING_ITEMS, "FGHIJKLMNO")), "error_deduction": "Q", "total": "R"},
           [("LY601", 96), ("LY602", 98), ("LY603", 80)],
           extra={"E": "通话时长", "P": "辅助列", "S": "复核人"}),
    Layout("xlsm工作簿", macro_workbook, "评分表", 1, STANDARD_COLUMNS, [("LY701", 100), ("LY702", 50)]),
    Layout("从C3开始", offset_table, "评分表", 3,
           {k: chr(ord(v) + 2) for k, v in STANDARD_COLUMNS.items()},
           [("LY801", 100), ("LY802", 96), ("LY803", 60)]),
    Layout("带说明页", notes_sheet_first, "11月评分", 1, STANDARD_COLUMNS, [("LY901", 96), ("LY902", 70)]),
    Layout("字段与评分项别名", field_and_item_aliases, "张伟", 1,
           {"date": "A", "inspector": "B", "agent_id": "C", "agent_name": "D", "recording_id": "E",
            **dict(zip(LISTENING_ITEMS, "FGHIJKLMNO")), "error_deduction": "P", "total": "Q"},
           [("20261102-0001", 100), ("20261102-0002", 93), ("20261103-0001", 82)]),
    Layout("CSV-UTF8带BOM", csv_utf8_bom, "一组评分", 1, STANDARD_COLUMNS,
           [("LYA01", 100), ("LYA02", 98), ("LYA03", 58)]),
    Layout("CSV-GBK", csv_gbk, "二组评分", 2, STANDARD_COLUMNS,
           [("LYB01", 100), ("LYB02", 80), ("LYB03", 82)]),
    Layout("QC评分表v3.1", qc_sheet, "QC评分", 2,
           {"date": "A", "inspector": "B", "agent_id": "C", "recording_id": "D", "问候语": "E",
            "结束语": "F", "礼貌用语恰当": "J", "服务责任": "W", "表达能力": "Z", "非技术解答": "AD",
            "bonus:warm_greeting": "AE", "deduction:unverified_identity": "AF",
            "zero:forbidden_words": "AG", "total": "AH"},
           [("QC001", 100), ("QC002", 93.577982), ("QC003", 95.412844)], rubric="qc-v3.1"),
]


def _sheet(checked, name):
    hits = [s for s in checked.sheets if s.sheet == name]
    assert len(hits) == 1, [s.sheet for s in checked.sheets]
    return hits[0]


def _in_memory_grids(path: Path, specs: list[SheetSpec] | None, csv_rows=None) -> list[Grid]:
    if specs is not None:
        return [s.grid(str(path)) for s in specs]
    return [Grid(str(path), path.stem, csv_rows)]


def test_corpus_is_large_and_varied():
    assert len(LAYOUTS) >= 12
    assert len({layout.id for layout in LAYOUTS}) == len(LAYOUTS)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda x: x.id)
def test_layout_is_read_correctly(layout, rubrics, tmp_path):
    path, _ = layout.build(tmp_path)
    rubric = rubrics[layout.rubric]
    checked = check_grids(rubric, read_grids(path))

    read = _sheet(checked, layout.sheet)
    assert read.mapped
    assert read.header_row == layout.header_row
    assert {k: read.columns.get(k) for k in layout.columns} == layout.columns
    if layout.extra is not None:
        assert read.extra_columns == layout.extra
    # A clean sheet in any layout: nothing to report.
    assert [(f.rule, f.cell, f.message) for f in checked.report.findings] == []

    calls = checked.calls
    assert len(calls) == len(layout.calls)
    assert checked.report.rows == len(layout.calls)
    got = list(zip(calls["recording_id"], calls["final_score"].astype(float)))
    assert got == [(rid, float(score)) for rid, score in layout.calls]
    assert set(calls["sheet"]) == {layout.sheet}


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda x: x.id)
def test_in_memory_grid_gives_the_same_result_as_the_file(layout, rubrics, tmp_path):
    path, specs = layout.build(tmp_path)
    csv_rows = None
    if specs is None:  # the CSV layouts: the rows as text, the way the file holds them
        csv_rows = [["" if v is None else str(v) for v in row]
                    for row in (CSV_ROWS_UTF8 if "UTF8" in layout.id else CSV_ROWS_GBK)]
    rubric = rubrics[layout.rubric]
    from_file = check_grids(rubric, read_grids(path))
    in_memory = check_grids(rubric, _in_memory_grids(path, specs, csv_rows))

    assert [f.to_dict() for f in in_memory.report.findings] == [f.to_dict() for f in from_file.report.findings]
    assert [(s.sheet, s.header_row, s.columns) for s in in_memory.sheets] == \
        [(s.sheet, s.header_row, s.columns) for s in from_file.sheets]
    cols = ["sheet", "row", "recording_id", "agent_id", "inspector", "date", "final_score"]
    assert in_memory.calls[cols].values.tolist() == from_file.calls[cols].values.tolist()


def test_extra_column_values_are_kept(tmp_path):
    path, _ = extra_and_hidden_columns(tmp_path)
    checked = check_grids(load_rubric("listening-10x4"), read_grids(path))
    assert checked.calls["extra:通话时长"].tolist() == ["03:12", "05:40", "01:05"]
    assert checked.calls["extra:复核人"].tolist()[:2] == ["王班长", "王班长"]


def test_typed_scores_are_normalised(tmp_path):
    path, _ = typed_scores(tmp_path)
    calls = check_grids(load_rubric("listening-10x4"), read_grids(path)).calls
    # "５" → 5, "4分" → 4; 不涉及 / N/A / "/" are N/A (left empty, scored as full marks)
    assert calls["服务态度"].tolist()[:2] == [5.0, 4.0]
    assert calls[["开场白及挂机", "语速音量", "主动推介"]].iloc[2].isna().all()
    assert calls["recorded_total"].tolist() == [98.0, 92.0, 86.0, 72.0]


def test_csv_dates_in_several_spellings(tmp_path):
    path, _ = csv_utf8_bom(tmp_path)
    calls = check_grids(load_rubric("listening-10x4"), read_grids(path)).calls
    assert calls["date"].tolist() == [D1, D2, D3]
    assert calls["agent_id"].tolist() == ["1001", "1002", "1003"]


def test_xlsm_is_read(tmp_path):
    path, _ = macro_workbook(tmp_path)
    grids = read_grids(path)
    assert [g.sheet for g in grids] == ["评分表"]
    assert grids[0].rows[0][:5] == ["日期", "质检员", "坐席工号", "坐席姓名", "录音编号"]


def test_offset_table_grid_starts_at_c3(tmp_path):
    path, _ = offset_table(tmp_path)
    (grid,) = read_grids(path)
    assert (grid.first_row, grid.first_col) == (3, 3)
    assert grid.cell(0, 0) == "C3"


def test_notes_sheet_is_ignored_without_a_finding(tmp_path):
    path, _ = notes_sheet_first(tmp_path)
    grids = read_grids(path)
    assert [g.sheet for g in grids] == ["说明", "11月评分"]
    checked = check_grids(load_rubric("listening-10x4"), grids)
    assert [s.sheet for s in checked.sheets] == ["11月评分"]
    assert checked.report.findings == []


def test_numbers_typed_as_ids_keep_no_decimal(tmp_path):
    path, _ = field_and_item_aliases(tmp_path)
    calls = check_grids(load_rubric("listening-10x4"), read_grids(path)).calls
    assert calls["agent_id"].tolist() == ["1001", "1002", "1003"]
    assert calls["inspector"].tolist() == ["张伟"] * 3


def test_a_call_whose_own_comment_starts_with_a_total_word_is_still_a_call(tmp_path):
    # The team's own 点评 column (not a 备注 alias, so kept as extra): an inspector writes
    # "平均语速偏快" about the call. Only the 合计 row at the bottom is not a call.
    rows = [
        [*LISTENING_HEADER[:15], "差错扣分", "点评"],
        # 2 × 50 = 100
        [D1, "李娜", 1001, "王芳", "LY001", *FIVES, 0, "整体良好"],
        # 语速音量 3 + 9 × 5 = 48; 2 × 48 = 96
        [D1, "李娜", 1002, "赵磊", "LY002", 5, 5, 5, 3, 5, 5, 5, 5, 5, 5, 0, "平均语速偏快,注意控制"],
        ["合计", None, None, None, None, 10, 10, 10, 8, 10, 10, 10, 10, 10, 10, 0, None],
    ]
    path = write_xlsx(tmp_path / "点评.xlsx", [SheetSpec("评分表", rows)])
    checked = check_grids(load_rubric("listening-10x4"), read_grids(path))
    assert checked.report.findings == []
    assert checked.calls["recording_id"].tolist() == ["LY001", "LY002"]
    assert checked.calls["final_score"].tolist() == [100.0, 96.0]


def test_csv_remark_keeps_its_line_break(tmp_path):
    # Excel writes a cell with Alt+Enter as a quoted field spanning two lines.
    rows = [LISTENING_HEADER,
            # 2 × 50 = 100
            listening_row("2026-11-02", "李娜", "1001", "王芳", "LY001", ["5"] * 10, 0, 0, "100",
                          "开场白规范\n挂机前未致谢")]
    path = write_csv(tmp_path / "备注换行.csv", rows)
    checked = check_grids(load_rubric("listening-10x4"), read_grids(path))
    assert checked.report.findings == []
    assert checked.calls["remarks"].tolist() == ["开场白规范\n挂机前未致谢"]
