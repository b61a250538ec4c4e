"""A worksheet for long tables (the 明细 sheet: ~30,000 rows a month): whole columns written at once
and their XML made in one pass, with the same bytes XlsxWriter would write cell by cell.

XlsxWriter keeps one tuple per cell and, at close, formats each through several method calls:
for 600,000 cells that was three quarters of a consolidation. Here a column's cells become XML
fragments when they are written (the shared-string index taken in the same order as
`write_string` takes it); only the format index, known at close, is filled in then. Everything
else (other cells written the ordinary way, row heights, comments, spans, dimensions) is
XlsxWriter's own, and `tests/reports/test_column_sheet.py` compares the bytes with the ordinary
path on a sheet with every case (blanks, text, numbers, dates, formats, a string over the limit).

This leans on XlsxWriter's worksheet internals (`table`, `_write_rows`, `_write_row`,
`_write_cell`, the shared-string table): the test fails if a new XlsxWriter writes otherwise, and
pyproject keeps below its next major version.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Sequence

import numpy as np
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple, Worksheet

# A cell's format index is known only at close: its fragment holds a token (NUL, a number, NUL)
# that becomes ' s="N"' then. No written XML holds a NUL (text goes to the shared strings).
_CELL = re.compile(r'<c r="[A-Z]+\d+"(?:\x00(\d+)\x00)?( t="s")?><v>([^<]*)</v></c>')


class ColumnSheet(Worksheet):
    """An XlsxWriter worksheet with `strings_down`, `numbers_down` and `dates_down`."""

    def __init__(self) -> None:
        super().__init__()
        self._down: dict[int, tuple[int, list[str]]] = {}  # col -> (first row, cell XML or "")
        self._formats: list = []  # token number -> format

    # --- writing -------------------------------------------------------------------------------

    def strings_down(self, row: int, col: int, texts: Sequence[str | None], fmt=None) -> None:
        """`texts[i]` into (row + i, col) as `write_string` would; None writes no cell."""
        st = self.str_table
        table, half = st.string_table, self.xls_strmax // 2
        count = 0
        for i, s in enumerate(texts):  # the shared strings, in the order write_string takes them
            if s is None:
                continue
            if len(s) > half:  # possibly over Excel's limit: XlsxWriter truncates it
                self._write_string(row + i, col, s, fmt)
                continue
            if s not in table:
                table[s] = st.unique_count
                st.unique_count += 1
            count += 1
        st.count += count
        tok = self._token(fmt)
        tail = {s: f'"{tok} t="s"><v>{table[s]}</v></c>' for s in set(texts) if s is not None and len(s) <= half}
        head = f'<c r="{xl_col_to_name(col)}'
        self._column(row, col, [f"{head}{r}{tail[s]}" if s in tail else ""
                                for r, s in zip(range(row + 1, row + 1 + len(texts)), texts)])

    def numbers_down(self, row: int, col: int, numbers: Sequence[float | None], fmt=None) -> None:
        """`numbers[i]` into (row + i, col) as `write_number` would; None writes no cell."""
        head, tok = f'<c r="{xl_col_to_name(col)}', self._token(fmt)
        distinct = set(numbers)
        distinct.discard(None)
        if not all(map(math.isfinite, distinct)) or \
                (0 in distinct and any(x == 0 and math.copysign(1.0, x) < 0 for x in numbers if x is not None)):
            self._numbers_one_by_one(row, col, numbers, fmt, head, tok)  # -0.0 and 0.0 are one key
            return
        tail = {x: f'"{tok}><v>{x:.16G}</v></c>' for x in distinct}  # few distinct numbers: each printed once
        self._column(row, col, [f"{head}{r}{tail[x]}" if x is not None else ""
                                for r, x in zip(range(row + 1, row + 1 + len(numbers)), numbers)])

    def _numbers_one_by_one(self, row: int, col: int, numbers, fmt, head: str, tok: str) -> None:
        cells = []
        for r, x in enumerate(numbers, start=row + 1):
            if x is None:
                cells.append("")
            elif math.isfinite(x):
                cells.append(f'{head}{r}"{tok}><v>{x:.16G}</v></c>')
            else:  # XlsxWriter's own rule for NaN and infinities (an error or an exception)
                self._write_number(r - 1, col, x, fmt)
                cells.append("")
        self._column(row, col, cells)

    def dates_down(self, row: int, col: int, dates: Sequence[dt.datetime | None], fmt=None) -> None:
        """`dates[i]` into (row + i, col) as `write_datetime` would; None writes no cell."""
        fmt = self.default_date_format if fmt is None else fmt
        serial: dict[Any, float] = {}
        for d in dates:
            if d is not None and d not in serial:
                serial[d] = self._convert_date_time(d)
        self.numbers_down(row, col, [None if d is None else serial[d] for d in dates], fmt)

    def _token(self, fmt) -> str:
        if not fmt:
            return ""  # no format of its own: the row's or the column's, if any (see _needs_cells)
        for i, f in enumerate(self._formats):
            if f is fmt:
                return f"\x00{i}\x00"
        self._formats.append(fmt)
        return f"\x00{len(self._formats) - 1}\x00"

    def _column(self, row: int, col: int, cells: list[str]) -> None:
        present = [i for i, c in enumerate(cells) if c]
        if not present:
            return
        if row < 0 or col >= self.xls_colmax or row + present[-1] >= self.xls_rowmax:
            raise ValueError(f"column {col} from row {row}: outside the worksheet")
        self._check_dimensions(row + present[0], col)
        self._check_dimensions(row + present[-1], col)
        if col in self._down:  # a column written in parts (text and numbers): the later write wins
            first, old = self._down[col]
            lo, hi = min(first, row), max(first + len(old), row + len(cells))
            merged = [""] * (hi - lo)
            for start, part in ((first, old), (row, cells)):
                for i, c in enumerate(part, start=start - lo):
                    if c:
                        merged[i] = c
            row, cells = lo, merged
        self._down[col] = (row, cells)

    # --- the XML, at close -------------------------------------------------------------------

    def _write_rows(self) -> None:
        if self._down and self._needs_cells():
            self._to_table()
        if not self._down:
            super()._write_rows()
            return
        lo = min(first for first, _ in self._down.values())
        hi = max(first + len(cells) for first, cells in self._down.values())
        cols = sorted(self._down)
        aligned = [[""] * (self._down[c][0] - lo) + self._down[c][1] for c in cols]
        aligned = [a + [""] * (hi - lo - len(a)) for a in aligned]
        spans = self._spans(lo, cols, aligned)
        attrs = [(f"\x00{i}\x00", f' s="{f._get_xf_index()}"') for i, f in enumerate(self._formats)]
        plain_rows = self.default_row_height == self.original_row_height and self.excel_version != 2010
        buf: list[str] = []

        def flush() -> None:
            text = "".join(buf)
            for tok, attr in attrs:
                text = text.replace(tok, attr)
            self.fh.write(text)
            buf.clear()

        for row_num, cells in zip(range(lo, hi), zip(*aligned)):
            self._rows_before(row_num, lo, spans, flush)
            table_cells = self.table.get(row_num)
            data = "".join(cells)
            if not (table_cells or data or row_num in self.row_info or row_num in self.comments):
                continue
            span, info = spans.get(row_num // 16), self.row_info.get(row_num)
            if table_cells or not data or info is not None or not plain_rows:
                flush()
                self._ordinary_row(row_num, span, info, table_cells, dict(zip(cols, cells)))
                continue
            buf.append(f'<row r="{row_num + 1}" spans="{span}">{data}</row>')
            if len(buf) == 2000:  # a few MB at a time, not the whole sheet's XML at once
                flush()
        flush()
        self._rows_before(self.dim_rowmax + 1, lo, spans, flush, after=hi)

    def _rows_before(self, row_num: int, lo: int, spans: dict, flush, after: int | None = None) -> None:
        """The ordinary rows above the columns (`row_num == lo`: rows dim_rowmin..lo-1), or below
        them (`after`: rows after..dim_rowmax)."""
        if after is None and row_num != lo:
            return
        rows = range(self.dim_rowmin, lo) if after is None else range(after, self.dim_rowmax + 1)
        flush()
        for r in rows:
            table_cells = self.table.get(r)
            if table_cells or r in self.row_info or r in self.comments:
                self._ordinary_row(r, spans.get(r // 16), self.row_info.get(r), table_cells, {})

    def _ordinary_row(self, row_num: int, span, info, table_cells, cells: dict) -> None:
        """A row as `_write_rows` writes it, with the column cells among the others (an ordinary
        write of the same cell wins, as the later write would)."""
        cells = {c: x for c, x in cells.items() if x}
        if not (table_cells or cells):
            self._write_empty_row(row_num, span, info)
            return
        self._write_row(row_num, span, info)
        for c in sorted(set(table_cells or ()) | set(cells)):
            if table_cells and c in table_cells:
                self._write_cell(row_num, c, table_cells[c])
            else:
                text = cells[c]
                for i, f in enumerate(self._formats):
                    text = text.replace(f"\x00{i}\x00", f' s="{f._get_xf_index()}"')
                self.fh.write(text)
        self._xml_end_tag("row")

    def _needs_cells(self) -> bool:
        """Whether a cell without a format of its own takes a row's or a column's format (then
        `_write_cell` decides, cell by cell)."""
        return any(i.row_format for i in self.row_info.values()) or \
            any(getattr(self.col_info.get(c), "column_format", None) is not None for c in self._down)

    def _to_table(self) -> None:
        """The column cells as XlsxWriter's own cell tuples (values read back from their XML:
        `%.16G` of a number parsed and printed again gives the same text)."""
        for col, (first, cells) in self._down.items():
            for r, text in enumerate(cells, start=first):
                m = _CELL.fullmatch(text) if text else None
                if m is None:
                    continue
                fmt = self._formats[int(m.group(1))] if m.group(1) else None
                tup = CellStringTuple(int(m.group(3)), fmt) if m.group(2) else CellNumberTuple(float(m.group(3)), fmt)
                self.table[r].setdefault(col, tup)
        self._down = {}

    def _spans(self, lo: int, cols: list[int], aligned: list[list[str]]) -> dict[int, str]:
        """The `spans` of each block of 16 rows, as `_calculate_spans` gives them, over both kinds
        of cells (and comments)."""
        rows = self.dim_rowmax - self.dim_rowmin + 1
        first = np.full(rows, np.iinfo(np.int64).max, dtype=np.int64)
        last = np.full(rows, -1, dtype=np.int64)
        for c, cells in zip(cols, aligned):
            there = np.flatnonzero(np.fromiter(map(bool, cells), dtype=bool, count=len(cells))) + lo - self.dim_rowmin
            first[there] = np.minimum(first[there], c)
            last[there] = np.maximum(last[there], c)
        for source in (self.table, self.comments):
            for r, found in source.items():
                if found and self.dim_rowmin <= r <= self.dim_rowmax:
                    first[r - self.dim_rowmin] = min(first[r - self.dim_rowmin], min(found))
                    last[r - self.dim_rowmin] = max(last[r - self.dim_rowmin], max(found))
        spans = {}
        for block in range(self.dim_rowmin // 16, self.dim_rowmax // 16 + 1):
            a = max(block * 16, self.dim_rowmin) - self.dim_rowmin
            b = min(block * 16 + 16, self.dim_rowmax + 1) - self.dim_rowmin
            if last[a:b].max() >= 0:
                spans[block] = f"{first[a:b].min() + 1}:{last[a:b].max() + 1}"
        return spans
