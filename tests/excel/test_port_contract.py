"""The workbook port's contract (`zhijian.excel.port.WorkbookPort`), one suite for every implementation:
`OpenpyxlPort` over a file, and `XlwingsPort` over a live Excel workbook where Excel exists (it
cannot on Linux: that parameter is skipped with the reason "Excel 不可用").

Each test gets a fresh port over the same workbook: sheet 评分表 with values from B3 (an error cell
in it), an empty sheet 备用, and the custom document property zhijian_rubric_id = qc-v3.1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl.packaging.custom import StringProperty

from sheetkit import ExcelError, SheetSpec, write_xlsx
from zhijian.excel.port import FolderPickerUnavailable, OpenpyxlPort, WorkbookPort, cell_name, split_cell
from zhijian.excel.xlwings_port import XlwingsPort


def _excel_available() -> bool:
    try:
        import xlwings as xw

        app = xw.App(visible=False)
    except Exception:  # noqa: BLE001 - no Excel (always so on Linux)
        return False
    app.quit()
    return True


EXCEL = _excel_available()

ROWS = [["日期", "质检员", "分数", "备注"],
        [dt.datetime(2026, 11, 2), "李娜", 5, None],
        [dt.datetime(2026, 11, 3), "王芳", ExcelError("#DIV/0!"), "复核"]]


def _workbook(folder: Path) -> Path:
    import openpyxl

    path = write_xlsx(folder / "一组-李娜.xlsx", [SheetSpec("评分表", ROWS, first_row=3, first_col=2),
                                                SheetSpec("备用", [])])
    wb = openpyxl.load_workbook(path)
    wb.custom_doc_props.append(StringProperty(name="zhijian_rubric_id", value="qc-v3.1"))
    wb.active = 0
    wb.save(path)
    return path


@pytest.fixture(params=["openpyxl", pytest.param("xlwings", marks=pytest.mark.skipif(
    not EXCEL, reason="Excel 不可用"))])
def port(request, tmp_path):
    path = _workbook(tmp_path)
    if request.param == "openpyxl":
        yield OpenpyxlPort(path, save_to=tmp_path / "saved.xlsx", folder=tmp_path)
        return
    import xlwings as xw

    app = xw.App(visible=False, add_book=False)
    app.display_alerts = False
    try:
        book = app.books.open(str(path))
        p = XlwingsPort(book)
        # Modal dialogs would wait for a person: record them instead.
        p.alerts = []
        p.alert = p.alerts.append
        p.confirm = lambda text: p.alerts.append(text) or True
        p.pick_folder = lambda title, initial=None: tmp_path
        yield p
    finally:
        app.kill()


def test_is_a_workbook_port(port):
    assert isinstance(port, WorkbookPort)
    assert port.name == "一组-李娜.xlsx"


def test_no_sheet_of_the_workbook_is_hidden(port):
    assert [port.sheet_hidden(name) for name in port.sheet_names()] == [False, False]


def test_sheet_names_and_active_sheet(port):
    assert port.sheet_names() == ["评分表", "备用"]
    assert port.active_sheet() == "评分表"


def test_used_range_is_values_and_top_left(port):
    rows, first_row, first_col = port.used_range("评分表")
    assert (first_row, first_col) == (3, 2)
    assert rows[0] == ["日期", "质检员", "分数", "备注"]
    assert rows[1][0] == dt.datetime(2026, 11, 2)
    assert rows[1][1:3] == ["李娜", 5] and rows[1][3] is None
    assert rows[2][2] == "#DIV/0!"  # an error cell reads as its text
    assert port.used_range() == (rows, first_row, first_col)  # default: the active sheet
    assert port.used_shape("评分表") == (len(rows), max(len(r) for r in rows))  # without reading values


def test_write_block_is_one_rectangle_and_strings_stay_text(port):
    port.write_block("评分表", "F4", [["=1+1", "00123"], ["2026-10-01", 7.5], [None, "中文"]])
    rows, r0, c0 = port.used_range("评分表")
    at = {cell_name(r0 + i, c0 + j): v for i, row in enumerate(rows) for j, v in enumerate(row)}
    assert at["F4"] == "=1+1" and at["G4"] == "00123"
    assert at["F5"] == "2026-10-01" and at["G5"] == 7.5
    assert at["F6"] is None and at["G6"] == "中文"


def test_fill_many_cells_in_one_call_and_clear(port):
    cells = [cell_name(r, c) for r in range(10, 60) for c in range(2, 8)]  # 300 cells
    port.fill("评分表", cells, "FFC7CE")
    assert {port.fill_of("评分表", c) for c in (cells[0], cells[150], cells[-1])} == {"FFC7CE"}
    assert port.fill_of("评分表", "A1") is None
    port.fill("评分表", cells[:10], None)
    assert port.fill_of("评分表", cells[0]) is None
    assert port.fill_of("评分表", cells[10]) == "FFC7CE"


def test_comment_set_replace_remove(port):
    port.comment("评分表", "D4", "[错误] 分数不允许")
    assert port.comment_of("评分表", "D4") == "[错误] 分数不允许"
    port.comment("评分表", "D4", "[警告] 第二条\n第二行")
    assert port.comment_of("评分表", "D4") == "[警告] 第二条\n第二行"
    port.comment("评分表", "D4", None)
    assert port.comment_of("评分表", "D4") is None
    port.comment("评分表", "D5", None)  # removing a comment that is not there is fine


def test_add_sheet_then_replace_it(port):
    port.add_sheet("校验结果", [["级别", "说明"], ["错误", "分数不允许"], ["警告", "=不是公式"]])
    assert port.sheet_names() == ["评分表", "备用", "校验结果"]
    assert port.active_sheet() == "评分表"
    assert port.used_range("校验结果") == ([["级别", "说明"], ["错误", "分数不允许"], ["警告", "=不是公式"]], 1, 1)
    port.add_sheet("校验结果", [["级别", "说明"], ["", "未发现问题"]])
    assert port.sheet_names().count("校验结果") == 1
    assert port.used_range("校验结果")[0] == [["级别", "说明"], [None, "未发现问题"]]
    assert port.active_sheet() == "评分表"


def test_status_alert_and_document_property(port):
    port.status("质检: 正在校验……")
    port.status(None)
    port.alert("校验完成")
    assert port.confirm("确定发送吗?") in (True, False)
    assert port.document_property("zhijian_rubric_id") == "qc-v3.1"
    assert port.document_property("no_such_property") is None


def test_pick_folder_gives_a_folder_or_says_it_cannot(port, tmp_path):
    try:
        chosen = port.pick_folder("选择文件夹", tmp_path)
    except FolderPickerUnavailable:
        return
    assert chosen is None or Path(chosen).is_dir()


def test_open_workbook(port, tmp_path):
    other = write_xlsx(tmp_path / "other.xlsx", [SheetSpec("Sheet1", [["x"]])])
    port.open_workbook(other)


def test_unsaved_workbooks_are_files_or_unknown(port):
    port.write_block("评分表", "B10", [["未保存"]])
    books = port.unsaved_workbooks()
    if books is None:  # the port cannot tell (Excel on macOS)
        return
    assert all(isinstance(p, Path) for p in books)
    if isinstance(port, OpenpyxlPort):
        assert books == []  # a file has no Excel around it
    else:
        assert port.path in books  # the change just made is not saved


def test_save_keeps_what_was_written(port):
    port.write_block("评分表", "B10", [["保存"]])
    saved = port.save()
    if saved is None:  # live Excel: the user saves
        return
    check = OpenpyxlPort(saved)
    assert check.used_range("评分表")[0][7][0] == "保存"


def test_cell_addresses():
    assert split_cell("B12") == (12, 2) and split_cell("$AA$3") == (3, 27)
    assert cell_name(12, 2) == "B12" and cell_name(3, 27) == "AA3"
    with pytest.raises(ValueError):
        split_cell("12B")
