"""The one-call-per-sheet form (录音质检打分明细表, issue 14 item 3): fields on top as label/value
cells, the items as rows with their score beside them, a total at the bottom; one sheet per call
or several blocks on one sheet, read into the same calls table with findings at the right cells.

`listening-10x4`: final = max(0, 2 × Σ 10 items − 差错扣分). A block of `sheetkit.call_form` is
A title, row 2 录音编号 | id | 坐席 | name, row 3 日期 | date | 质检员 | name, row 4 the item table's
header (序号 | 评分项目 | 分值 | 得分 | 扣分原因), rows 5–14 the ten items (names in B, scores in D),
then 差错扣分 and 合计 rows when given (label in B / A, value in D).
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner

from sheetkit import LISTENING_ITEMS, SheetSpec, call_form, stacked, write_xlsx
from zhijian.engine.validate import check_grids
from zhijian.files.rubrics import load_rubric
from zhijian.files.workbooks import read_grids

D1, D2 = dt.date(2026, 11, 2), dt.date(2026, 11, 3)


@pytest.fixture(scope="module")
def listening():
    return load_rubric("listening-10x4")


def one_sheet_per_call(folder):
    """Three sheets, one call each."""
    sheets = [
        # 2 × 50 = 100
        SheetSpec("LY001", call_form("LY001", "王芳", D1, "李娜", [5] * 10, total=100)),
        # 2 × (5 + 4 + 8 × 5) = 98; − 差错扣分 3 = 95
        SheetSpec("LY002", call_form("LY002", "赵磊", D1, "李娜", [5, 4, *[5] * 8], error_deduction=3, total=95)),
        # 2 × 30 = 60
        SheetSpec("LY003", call_form("LY003", "孙丽", D2, "李娜", [3] * 10, total=60, remarks="语速过快")),
    ]
    return write_xlsx(folder / "打分明细.xlsx", sheets), sheets


def blocks_on_one_sheet(folder):
    """Three blocks one under the other, the last with its fields as "标签: 值" in one cell."""
    rows = stacked(
        # 2 × 50 = 100
        call_form("LY101", "王芳", D1, "李娜", [5] * 10, total=100),
        # 2 × 40 = 80; − 2 = 78
        call_form("LY102", "赵磊", D1, "李娜", [4] * 10, error_deduction=2, total=78, remarks="语速偏快"),
        # 2 × (9 × 5 + 不涉及 as 5) = 100, no total row
        call_form("LY103", "孙丽", D2, "李娜", [*[5] * 9, "不涉及"], fields_as="colon"),
    )
    sheets = [SheetSpec("明细", rows)]
    return write_xlsx(folder / "多块明细.xlsx", sheets), sheets


def test_one_sheet_per_call(listening, tmp_path):
    path, _ = one_sheet_per_call(tmp_path)
    checked = check_grids(listening, read_grids(path))
    assert [(f.rule, f.cell) for f in checked.report.findings] == []
    assert [(s.sheet, s.layout, s.mapped, s.n_calls) for s in checked.sheets] == \
        [("LY001", "form", True, 1), ("LY002", "form", True, 1), ("LY003", "form", True, 1)]
    calls = checked.calls
    assert calls["recording_id"].tolist() == ["LY001", "LY002", "LY003"]
    assert calls["final_score"].tolist() == [100.0, 95.0, 60.0]
    assert calls["recorded_total"].tolist() == [100.0, 95.0, 60.0]
    assert calls["error_deduction"].tolist() == [0.0, 3.0, 0.0]
    # 坐席 is the only agent label: the agent's id as well as the name.
    assert calls["agent_id"].tolist() == ["王芳", "赵磊", "孙丽"]
    assert calls["inspector"].tolist() == ["李娜"] * 3
    assert calls["date"].tolist() == [D1, D1, D2]
    assert calls["remarks"].tolist() == ["", "", "语速过快"]
    assert calls["row"].tolist() == [5, 5, 5]  # a call is known by the row of its first item
    assert calls["服务态度"].tolist() == [5.0, 4.0, 3.0]


def test_several_blocks_on_one_sheet(listening, tmp_path):
    path, _ = blocks_on_one_sheet(tmp_path)
    checked = check_grids(listening, read_grids(path))
    assert checked.report.findings == []
    (read,) = checked.sheets
    assert read.layout == "form" and read.n_calls == 3
    calls = checked.calls
    assert calls["recording_id"].tolist() == ["LY101", "LY102", "LY103"]
    assert calls["final_score"].tolist() == [100.0, 78.0, 100.0]
    assert calls["recorded_total"].tolist()[:2] == [100.0, 78.0]
    assert calls["remarks"].tolist() == ["", "语速偏快", ""]
    # Block 1: rows 1–16 (its 合计 in row 15, a blank row); block 2 from its title in row 17.
    assert [(b.first_row, b.last_row, b.row) for b in read.blocks] == [(1, 16, 5), (17, 34, 21), (35, 48, 39)]
    assert read.blocks[1].cells["total"] == "D32" and read.blocks[1].cells["error_deduction"] == "D31"
    assert read.blocks[2].cells["recording_id"] == "A36" and read.blocks[2].cells["业务能力"] == "D48"


def test_findings_point_at_the_cells_of_their_block(listening, tmp_path):
    rows = stacked(
        # 服务态度 "-": unreadable at D6; the block has no score
        call_form("LY201", "王芳", D1, "李娜", [5, "-", *[5] * 8], total=100),
        # 表达能力 6 is not a 0–5 score (D25: no score either); the date cannot be read (B19)
        call_form("LY202", "赵磊", "2026-11-31", "李娜", [5, 5, 5, 5, 6, *[5] * 5], total=100),
        # 2 × 45 = 90, but 合计 says 95: a warning at D47
        call_form("LY203", "孙丽", D1, "李娜", [*[5] * 9, 0], total=95),
        # no 录音编号 value (B50 blank): scored, but not counted
        call_form(None, "周强", D1, "李娜", [5] * 10, total=100),
    )
    path = write_xlsx(tmp_path / "有错.xlsx", [SheetSpec("明细", rows)])
    checked = check_grids(listening, read_grids(path))
    got = [(str(f.rule), f.cell, f.row) for f in checked.report.findings]
    assert got == [("score.unreadable", "D6", 5), ("date.unreadable", "B19", 21), ("score.not_allowed", "D25", 21),
                   ("total.mismatch", "D47", 37), ("field.missing", "B50", 53)]
    calls = checked.calls
    assert calls["scorable"].tolist() == [False, False, True, True]
    assert calls["has_error"].tolist() == [True, True, False, True]
    assert calls["final_score"].tolist()[2] == 90.0


def test_the_file_and_the_in_memory_grid_read_the_same(listening, tmp_path):
    path, specs = blocks_on_one_sheet(tmp_path)
    from_file = check_grids(listening, read_grids(path))
    in_memory = check_grids(listening, [s.grid(str(path)) for s in specs])
    cols = ["sheet", "row", "recording_id", "agent_id", "inspector", "date", "final_score"]
    assert in_memory.calls[cols].values.tolist() == from_file.calls[cols].values.tolist()
    assert [(b.row, b.cells) for b in in_memory.sheets[0].blocks] == [(b.row, b.cells) for b in from_file.sheets[0].blocks]


def test_a_block_without_an_item_is_refused_saying_so(listening, tmp_path):
    rows = call_form("LY301", "王芳", D1, "李娜", [5] * 9, items=LISTENING_ITEMS[:9], total=90)
    path = write_xlsx(tmp_path / "缺项.xlsx", [SheetSpec("明细", rows)])
    checked = check_grids(listening, read_grids(path))
    (f,) = checked.report.findings
    assert (str(f.rule), f.cell) == ("sheet.unmapped", "B5")
    assert f.message == ("此表是每通录音一张的打分明细表(评分项在 B 列),第 1–14 行找不到评分项: 业务能力。"
                         "请把表头改成评分标准中的名称或别名")
    assert checked.calls.empty


def test_a_form_without_its_fields_is_refused_saying_so(listening, tmp_path):
    rows = [r for r in call_form("LY401", "王芳", D1, "李娜", [5] * 10, total=100) if r[0] not in ("录音编号", "日期")]
    path = write_xlsx(tmp_path / "无字段.xlsx", [SheetSpec("明细", rows)])
    (f,) = check_grids(listening, read_grids(path)).report.findings
    assert str(f.rule) == "sheet.unmapped"
    assert f.message.startswith("此表是每通录音一张的打分明细表(评分项在 B 列),第 1–13 行找不到表头字段: ")


def test_a_legend_sheet_beside_the_calls_is_no_call(listening, tmp_path):
    # A 评分说明 sheet listing the items and their maxima down a column is not a call: it has no
    # field of a call, and is left out without a finding since another sheet of the file maps.
    legend = SheetSpec("评分说明", [["评分项目", "满分"], *[[n, 5] for n in LISTENING_ITEMS]])
    form = SheetSpec("LY001", call_form("LY001", "王芳", D1, "李娜", [5] * 10, total=100))
    path = write_xlsx(tmp_path / "带说明.xlsx", [legend, form])
    checked = check_grids(listening, read_grids(path))
    assert checked.report.findings == []
    assert [s.sheet for s in checked.sheets] == ["LY001"]
    assert checked.calls["recording_id"].tolist() == ["LY001"]


def test_a_form_of_another_rubric_is_named(tmp_path):
    path, _ = one_sheet_per_call(tmp_path)
    qc = load_rubric("qc-v3.1")
    checked = check_grids(qc, read_grids(path), other_rubrics=[load_rubric("listening-10x4")])
    assert {(str(f.rule), f.cell) for f in checked.report.findings} == {("sheet.other_rubric", "B5")}


def test_validate_mapping_says_how_a_form_was_read(tmp_path):
    from zhijian.cli.main import cli

    path, _ = blocks_on_one_sheet(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(path), "--rubric", "listening-10x4", "--mapping"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "每通录音一张打分明细表: 评分项在 B 列、得分在 D 列" in out
    assert "第 1–16 行、第 17–34 行、第 35–48 行(共 3 块,每块一通录音)" in out
    # each value at its cell in the first block that has it (only the second has a 质检评语)
    assert "D15 │ 合计 │ 最终得分" in out and "B33 │ 质检评语 │ 备注" in out
    as_json = CliRunner().invoke(cli, ["validate", str(path), "--rubric", "listening-10x4", "--mapping", "--json"])
    import json
    (sheet,) = json.loads(as_json.output)["sheets"]
    assert sheet["layout"] == "form"
    assert [b["cells"]["recording_id"] for b in sheet["blocks"]] == ["B2", "B18", "A36"]


def test_the_scored_copy_writes_each_blocks_total(listening, tmp_path):
    from zhijian.files.copies import write_scored_copy

    path, _ = blocks_on_one_sheet(tmp_path)
    checked = check_grids(listening, read_grids(path))
    out = write_scored_copy(path, checked.sheets, checked.calls, tmp_path / "scored.xlsx", checked.report.findings)
    ws = openpyxl.load_workbook(out)["明细"]
    assert (ws["D15"].value, ws["D32"].value) == (100, 78)
    # The third block has no total: 最终得分 in the first empty row under its items.
    assert (ws["B49"].value, ws["D49"].value) == ("最终得分", 100)


RULES_RUBRIC = """\
id: form-rules
name: 明细表规则
version: "1"
marks: {full: 20, good: 16, pass: 12}
categories:
  - name: 服务
    items:
      - {name: 问候语, max: 5, range: {min: 0, max: 5}}
      - {name: 身份核实, max: 5, range: {min: 0, max: 5}}
      - {name: 礼貌用语, max: 5, range: {min: 0, max: 5}}
      - {name: 业务解答, max: 5, range: {min: 0, max: 5}}
bonuses:
  - {id: praised, name: 客户表扬, item: 问候语, points: 1, lift: item}
deductions:
  - {id: no_callback, name: 未按约回电, item: 业务解答, points: 2}
zero_outs:
  - {id: forbidden, name: 出现服务禁语, scope: item, target: 礼貌用语}
"""


def test_rule_rows_of_a_form_take_their_value_from_the_score_column(tmp_path):
    from zhijian.files.rubrics import parse_rubric

    rubric = parse_rubric(RULES_RUBRIC, "form-rules.yaml")
    rows = [["录音编号", "F1", "坐席工号", "A01"], ["日期", D1, "质检员", "陈静"],
            ["评分项目", "满分", "得分"],
            ["问候语", 5, 4], ["身份核实", 5, 5], ["礼貌用语", 5, 5], ["业务解答", 5, 5],
            ["加分:客户表扬", None, "是"],      # 问候语 4 + 1 = 5 (lift: item, never above 5)
            ["减分:未按约回电", None, 1],       # 业务解答 5 − 2 = 3
            ["清零:出现服务禁语", None, "是"],   # 礼貌用语 0
            ["合计", 20, 13]]                   # 5 + 5 + 0 + 3 = 13
    path = write_xlsx(tmp_path / "规则行.xlsx", [SheetSpec("F1", rows)])
    checked = check_grids(rubric, read_grids(path))
    assert checked.report.findings == []
    calls = checked.calls
    assert calls[["bonus:praised", "deduction:no_callback", "zero:forbidden"]].values.tolist() == [[1.0, 1.0, 1.0]]
    assert calls["final_score"].tolist() == [13.0] and calls["recorded_total"].tolist() == [13.0]
    assert checked.sheets[0].blocks[0].cells["zero:forbidden"] == "C10"


def form_without_a_table_header():
    # Names with "(5分)" in A, the score right beside them in B, no 得分 header; all fields in one
    # cell; 总分 at the bottom. 2 × (9 × 4 + 5) = 82
    return [["录音质检打分明细表"], ["录音编号:LY9  坐席:王芳  日期:2026-11-02  质检员:李娜"],
            *[[f"{n}(5分)", 4 if i < 9 else 5] for i, n in enumerate(LISTENING_ITEMS)], ["总分", 82]]


def form_with_categories_and_subtotals():
    # A 类别 column, 小计 rows after each category, 分值 before 得分, 质检员 under the total.
    # 2 × (4 × 5 + 6 × 3) = 76
    rows = [["录音编号", "LY10", "工号", 1001, "日期", D1], ["类别", "评分项", "分值", "得分"]]
    for i, n in enumerate(LISTENING_ITEMS):
        rows.append(["服务素质" if i == 0 else "服务能力" if i == 4 else None, n, 5, 5 if i < 4 else 3])
        if i == 3:
            rows.append([None, "小计", 20, 20])
    return rows + [[None, "小计", 30, 18], ["最终得分", None, 100, 76], ["质检员", "李娜"]]


@pytest.mark.parametrize("build, where, call", [
    (form_without_a_table_header, ("A", "B", "A2"), ["LY9", "王芳", D1, "李娜", 82.0, 82.0]),
    (form_with_categories_and_subtotals, ("B", "D", "B1"), ["LY10", "1001", D1, "李娜", 76.0, 76.0]),
], ids=["无表头行", "类别与小计行"])
def test_other_forms(listening, tmp_path, build, where, call):
    path = write_xlsx(tmp_path / "明细.xlsx", [SheetSpec("明细", build())])
    checked = check_grids(listening, read_grids(path))
    assert checked.report.findings == []
    (read,) = checked.sheets
    assert (read.name_column, read.score_column, read.blocks[0].cells["recording_id"]) == where
    cols = ["recording_id", "agent_id", "date", "inspector", "final_score", "recorded_total"]
    assert checked.calls[cols].values.tolist() == [call]


def test_a_forms_layout_survives_json(listening, tmp_path):
    # What a cache of reads keeps: the layout as JSON data, and the cells every finding points at.
    import json

    from zhijian.engine.grid import SheetRead

    path, _ = blocks_on_one_sheet(tmp_path)
    (read,) = check_grids(listening, read_grids(path)).sheets
    back = SheetRead(read.file, read.sheet)
    back.restore_layout(json.loads(json.dumps(read.layout_state())))
    assert (back.layout, back.name_column, back.score_column, back.blocks) == \
        (read.layout, read.name_column, read.score_column, read.blocks)
    assert back.cell_ref(21, "total") == "D32" and back.total_cell(39) == "D49"
    table = SheetRead("f", "s")
    table.restore_layout(table.layout_state())
    assert table.layout == "table" and table.blocks == []
