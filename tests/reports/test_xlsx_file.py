"""Workbooks assembled in memory (`reports.xlsx_file.MemoryWorkbook`) are byte for byte what
XlsxWriter's temporary-file mode writes: a workbook with every kind of part we write (shared
strings, formats, a comment, a chart, a data validation, a defined name, a PNG given as data: an
image inserted from a file would keep that file's mode in the temporary-file mode, and we insert
none), and a 服务质量分析表 and 评分表 template as the commands write them."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile

import pytest
import xlsxwriter

from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.demo import generate_month
from zhijian.reports import xlsx_file
from zhijian.reports.template import write_template
from zhijian.reports.xlsx_file import MemoryWorkbook

# A 1×1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


def _every_part(cls, path) -> bytes:
    wb = cls(str(path), {"strings_to_formulas": False})
    wb.set_properties({"created": dt.datetime(2026, 10, 1, 9)})  # else "now": two writes a second apart differ
    ws = wb.add_worksheet("评分表")
    bold = wb.add_format({"bold": True, "num_format": "0.0%"})
    ws.write_row(0, 0, ["坐席", "分数", "日期"], bold)
    for r in range(1, 40):
        ws.write_string(r, 0, f"坐席{r % 7}")
        ws.write_number(r, 1, r / 40, bold)
        ws.write_datetime(r, 2, dt.datetime(2026, 10, r % 28 + 1), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_comment(1, 0, "批注")
    ws.data_validation(1, 1, 39, 1, {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=评分表!$B$2:$B$40"})
    ws.insert_chart("E2", chart)
    ws.insert_image("E20", "one.png", {"image_data": io.BytesIO(PNG)})
    wb.define_name("分数", "=评分表!$B$2:$B$40")
    wb.add_worksheet("说明").write_string(0, 0, "=1+1")
    wb.close()
    return path.read_bytes()


@pytest.mark.parametrize("piece", [xlsx_file._Part.PIECE, 1, 50, 4096], ids=["as-shipped", "1", "50", "4096"])
def test_a_workbook_of_every_part_is_the_same_bytes(tmp_path, monkeypatch, piece):
    """Also with its parts compressed while written, in pieces of any size (the shipped size
    leaves this small workbook's parts to zipfile)."""
    monkeypatch.setattr(xlsx_file._Part, "PIECE", piece)
    memory = _every_part(MemoryWorkbook, tmp_path / "memory.xlsx")
    disk = _every_part(xlsxwriter.Workbook, tmp_path / "disk.xlsx")
    assert memory == disk
    with zipfile.ZipFile(tmp_path / "memory.xlsx") as z:  # what the shortcut must not lose
        assert {"xl/media/image1.png", "xl/charts/chart1.xml", "xl/comments1.xml"} <= set(z.namelist())
        assert all(i.date_time == (1980, 1, 31, 0, 0, 0) for i in z.infolist())


@pytest.mark.parametrize("piece", [xlsx_file._Part.PIECE, 1000], ids=["as-shipped", "1000"])
def test_the_reports_are_the_same_bytes_as_written_through_temporary_files(tmp_path, monkeypatch, piece):
    from click.testing import CliRunner

    import zhijian.reports.template as template
    from zhijian.cli.main import cli
    from zhijian.pipeline.demo import write_sheet

    rubric = load_rubric("listening-10x4")
    month, _ = generate_month(rubric, "2026-10", seed=3)
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    for day, rows in month[month["date"] <= dt.date(2026, 10, 9)].groupby("date"):
        records = [{k: None if isinstance(v, float) and v != v else v for k, v in r.items()}
                   for r in rows.to_dict("records")]
        write_sheet(rubric, sheets / f"{day}.xlsx", f"评分表 {day}", records)

    def both(folder):
        folder.mkdir()
        r = CliRunner().invoke(cli, ["consolidate", str(sheets), "--rubric", "listening-10x4", "--period", "month", "--date", "2026-10-09",
                                     "-o", str(folder / "分析.xlsx")])
        assert r.exit_code in (0, 1), r.output
        return (folder / "分析.xlsx").read_bytes(), write_template(rubric, folder / "模板.xlsx").read_bytes()

    monkeypatch.setattr(xlsx_file._Part, "PIECE", piece)
    memory = both(tmp_path / "memory")
    monkeypatch.setattr(xlsx_file, "MemoryWorkbook", xlsxwriter.Workbook)
    monkeypatch.setattr(template, "MemoryWorkbook", xlsxwriter.Workbook)
    assert both(tmp_path / "disk") == memory
