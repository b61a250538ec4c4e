"""The floor of a report's run time: read every cell of every input with python-calamine, then write
the rows of the period once, into one plain sheet, with XlsxWriter (no formats, no other sheets).

No report can be faster than this: it is the reading and writing any consolidation must do.
Run: python benchmarks/floor.py OUT.xlsx [--from YYYY-MM-DD --to YYYY-MM-DD] INPUT_FOLDER…
(rows whose first date-like cell lies outside the period are read but not written).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook


def _day(row: list) -> dt.date | None:
    for v in row:
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("output", type=Path)
    ap.add_argument("inputs", nargs="+", type=Path)
    ap.add_argument("--from", dest="start", type=dt.date.fromisoformat)
    ap.add_argument("--to", dest="end", type=dt.date.fromisoformat)
    args = ap.parse_args()
    files = sorted(p for folder in args.inputs for p in (folder.rglob("*.xlsx") if folder.is_dir() else [folder]))
    wb = xlsxwriter.Workbook(str(args.output))
    ws = wb.add_worksheet("rows")
    out_row = 0
    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            for row in book.get_sheet_by_name(name).to_python(skip_empty_area=True):
                day = _day(row)
                if day is None or (args.start and day < args.start) or (args.end and day > args.end):
                    continue  # a title or header row, or a call outside the period: read, not written
                ws.write_row(out_row, 0, row)
                out_row += 1
    wb.close()


if __name__ == "__main__":
    main()
