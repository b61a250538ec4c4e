"""The column writer (`reports.column_sheet`) writes the bytes XlsxWriter writes cell by cell."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
import xlsxwriter

from zhijian.reports.column_sheet import ColumnSheet

TEXTS = ["甲", None, "=1+1", " 空格 ", "甲", "x" * 40000, "", "乙&<丙>"]
NUMBERS = [5.0, None, 0.0, -0.0, 1 / 3, 1e20, 4.0, 5.0]
DATES = [dt.datetime(2026, 10, 1), None, dt.datetime(2026, 10, 2, 12, 30), dt.datetime(2026, 10, 1), None,
         None, None, dt.datetime(2026, 10, 31)]
MIXED = [None if i % 3 else "不涉及" for i in range(8)]


def _book(path, columns: bool, extra) -> bytes:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    wb.set_properties({"created": dt.datetime(2000, 1, 1)})
    ws = wb.add_worksheet("明细", worksheet_class=ColumnSheet if columns else None)
    num, date = wb.add_format({"num_format": "0.0"}), wb.add_format({"num_format": "yyyy-mm-dd"})
    for c, h in enumerate(["文本", "数", "日期", "混合"]):
        ws.write_string(0, c, h)
    first = 2  # a blank row between the header and the table
    if columns:
        ws.strings_down(first, 0, TEXTS)
        ws.numbers_down(first, 1, NUMBERS, num)
        ws.dates_down(first, 2, DATES, date)
        ws.strings_down(first, 3, MIXED)
        ws.numbers_down(first, 3, [None if v else float(i) for i, v in enumerate(MIXED)], num)
    else:
        for i in range(8):
            r = first + i
            if TEXTS[i] is not None:
                ws.write_string(r, 0, TEXTS[i])
            if NUMBERS[i] is not None:
                ws.write_number(r, 1, NUMBERS[i], num)
            if DATES[i] is not None:
                ws.write_datetime(r, 2, DATES[i], date)
        for i in range(8):
            if MIXED[i]:
                ws.write_string(first + i, 3, MIXED[i])
        for i in range(8):
            if not MIXED[i]:
                ws.write_number(first + i, 3, float(i), num)
    extra(wb, ws)
    ws.set_column(0, 0, 12)
    ws.autofilter(0, 0, 9, 3)
    wb.close()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml") + z.read("xl/sharedStrings.xml")


def _nothing(wb, ws):
    pass


def _ordinary_cells_among_them(wb, ws):
    ws.write_string(3, 5, "旁注")  # beside a row of the columns
    ws.write_number(12, 0, 7)  # below them
    ws.write_string(2, 0, "后写的")  # over a cell of a column: the later write wins


def _row_heights_and_formats(wb, ws):
    ws.set_row(4, 30)
    ws.set_row(6, None, wb.add_format({"bold": True}))  # a row format: cells without one take it


def _column_format(wb, ws):
    ws.set_column(3, 3, 10, wb.add_format({"italic": True}))  # the 不涉及 cells have none of their own


def _many_rows(wb, ws):
    for r in range(20, 60, 7):  # spans are per block of 16 rows
        ws.write_string(r, 2 + r % 3, f"第{r}行")


@pytest.mark.parametrize("extra", [_nothing, _ordinary_cells_among_them, _row_heights_and_formats,
                                   _column_format, _many_rows])
def test_same_bytes_as_cell_by_cell(tmp_path, extra):
    assert _book(tmp_path / "a.xlsx", True, extra) == _book(tmp_path / "b.xlsx", False, extra)


def test_a_long_text_is_truncated_as_xlsxwriter_does(tmp_path):
    xml = _book(tmp_path / "a.xlsx", True, _nothing).decode()
    assert "x" * 32767 in xml and "x" * 32768 not in xml  # Excel's limit: 32,767 UTF-16 units


def test_nan_is_refused_as_xlsxwriter_refuses_it(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "n.xlsx"))
    ws = wb.add_worksheet("明细", worksheet_class=ColumnSheet)
    with pytest.raises(TypeError):
        ws.numbers_down(1, 0, [1.0, float("nan")])
    wb.close()
