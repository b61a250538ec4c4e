"""The toolkit every report writer shares (XlsxWriter): one Writer with the cached cell formats,
a Sheet that writes each value by its type (text always as a string, never a formula) and sizes
its columns, the number formats. The sheets every report has (排除与重复, 申诉处理, 数据来源, the
provenance) are in `common_sheets`.

Workbooks are deterministic: the creation time is fixed (`CREATED`), nothing else in them
depends on the time of writing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import unicodedata
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from zhijian.engine.analysis import warning_fill
from zhijian.files.atomic import atomic_path

from .column_sheet import ColumnSheet

SHEET_EXCLUDED = "排除与重复"
SHEET_APPEALS = "申诉处理"
SHEET_SOURCES = "数据来源"
_CHUNK = 30000  # an Excel cell holds at most 32,767 characters


# Fixed document creation time: XlsxWriter would write the current time and make every run's
# bytes differ.
CREATED = dt.datetime(2000, 1, 1)
NONE_TEXT = "—"  # a figure that does not exist (the mean score of no calls)
NA_TEXT = "不涉及"
FIVE_CLASSES = [("A", "A类(0分)"), ("B", "B类(1分)"), ("C", "C类(2分)"), ("D", "D类(3分)"), ("E", "E类(4分)")]
SEVERITY_FILL = {"error": "#FFC7CE", "warning": "#FFEB9C"}

PCT = "0.0%"
SCORE = "0.0"
INT = "0"
DATE = "yyyy-mm-dd"
SIGNED = "+0.0;-0.0;0.0"
SIGNED2 = "+0.00;-0.00;0.00"

# Text is text: no cell of data ever becomes a formula, a number or a link (for every XlsxWriter
# workbook zhijian writes, so that even `write` and `merge_range` keep text as text).
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


@contextlib.contextmanager
def new_workbook(path: Path, *, title: str, subject: str, default_font: dict | None = None) -> Iterator[Any]:
    """An XlsxWriter workbook written to a temporary file and renamed onto `path` when the block
    succeeds; document properties with the fixed creation time."""
    from .xlsx_file import MemoryWorkbook

    with atomic_path(Path(path)) as tmp:
        options = dict(WORKBOOK_OPTIONS)
        if default_font is not None:
            options["default_format_properties"] = dict(default_font)  # XlsxWriter changes it: a copy
        wb = MemoryWorkbook(str(tmp), options)
        wb.set_properties({"title": title, "subject": subject, "author": "zhijian", "created": CREATED})
        yield wb
        close_workbook(wb)


def close_workbook(wb) -> None:
    """Close (write) an XlsxWriter workbook; the operating system's error as itself (XlsxWriter
    wraps it), so that atomic_path names the output and the reason."""
    from xlsxwriter.exceptions import FileCreateError

    try:
        wb.close()
    except FileCreateError as e:
        cause = e.args[0] if e.args and isinstance(e.args[0], OSError) else OSError(str(e))
        raise cause from None


def write_text(ws, r: int, c: int, value: Any, fmt=None) -> None:
    """User text into an XlsxWriter cell: a string always with `write_string` (never a formula,
    a number or a link, whatever it starts with), a number as a number, nothing as a blank. Every
    writer that does not go through `Sheet.put` writes user text with this."""
    if value is None or (isinstance(value, str) and value == ""):
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
    elif isinstance(value, str):
        ws.write_string(r, c, value, fmt)
    elif isinstance(value, (bool, np.bool_)):
        ws.write_boolean(r, c, bool(value), fmt)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        ws.write_number(r, c, float(value) + 0.0, fmt)  # + 0.0: never -0.0 in a cell
    else:
        ws.write_string(r, c, str(value), fmt)


def display_width(text: str) -> float:
    """Column width of a text in Excel units: CJK (wide) characters count two."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def missing(v: Any) -> bool:
    if v is None:
        return True
    t = type(v)
    if t is str:  # the common cases first: a report calls this for every cell
        return False
    if t is float:
        return v != v
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


GRID_BORDER = {"border": 1, "border_color": "#BFBFBF"}
WHITE_TEXT_ON = frozenset({"#000000"})  # fills too dark for black text


class Writer:
    """The workbook with its formats, made once and shared by every sheet: the one place where
    cell formats are made (`fmt`, cached by their properties).

    `boxed` writers (the printed 质检月报) draw a thin grey border around every formatted cell;
    the others only around filled cells."""

    def __init__(self, wb, *, boxed: bool = False):
        self.wb = wb
        self.boxed = boxed
        self._formats: dict[tuple, Any] = {}
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.section = wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78"})
        self.header = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                                     "border": 1, "bg_color": "#DDEBF7"})
        self.note = wb.add_format({"italic": True, "font_color": "#595959"})

    def fmt(self, num_format: str | None = None, level: str | None = None, fill: str | None = None,
            bold: bool = False, *, boxed: bool | None = None, size: int | None = None, center: bool = False,
            font: str | None = None, wrap: bool = False, white_text_on: frozenset = WHITE_TEXT_ON):
        """A cell format: a number format, optionally filled with a warning level's colour (centred)
        or a colour of its own; None when it would change nothing."""
        boxed = self.boxed if boxed is None else boxed
        props: dict[str, Any] = dict(GRID_BORDER, valign="vcenter") if boxed else {}
        if num_format:
            props["num_format"] = num_format
        colour = warning_fill(level) if level else fill
        if colour:
            props.update({"bg_color": colour, "pattern": 1, **GRID_BORDER})
            if colour.upper() in white_text_on:
                props["font_color"] = "#FFFFFF"
        if font:
            props["font_color"] = font
        if level or center:
            props["align"] = "center"
        if bold:
            props["bold"] = True
        if size:
            props["font_size"] = size
        if wrap:
            props["text_wrap"] = True
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(props) if props else None
        return self._formats[key]

    def sheet(self, name: str, *, columns: bool = False) -> "Sheet":
        """A new worksheet; `columns` for a long table written a column at a time (`column_sheet`)."""
        return Sheet(self, self.wb.add_worksheet(name, worksheet_class=ColumnSheet if columns else None))


class Sheet:
    """A worksheet that writes every value by type and remembers how wide each column must be."""

    def __init__(self, w: Writer, ws):
        self.w, self.ws = w, ws
        self.widths: dict[int, float] = {}
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)

    def _grow(self, c: int, text: str, cap: float = 60) -> None:
        self.widths[c] = max(self.widths.get(c, 0), min(display_width(text) + 2, cap))

    def put(self, r: int, c: int, v: Any, fmt=None, *, width: bool = True) -> None:
        """Write one value as what it is: text, number or date; nothing (a blank) for missing."""
        ws = self.ws
        if missing(v):
            if fmt is not None:
                ws.write_blank(r, c, None, fmt)
            return
        if isinstance(v, (bool, np.bool_)):
            text = "是" if v else "否"
            ws.write_string(r, c, text, fmt)
        elif isinstance(v, (int, float, np.integer, np.floating)):
            x = float(v) + 0.0  # never -0.0 in a cell
            if math.isinf(x):
                ws.write_string(r, c, NONE_TEXT, fmt)
                text = NONE_TEXT
            else:
                ws.write_number(r, c, x, fmt)
                text = f"{x:,.1f}%"
        elif isinstance(v, (dt.date, dt.datetime, pd.Timestamp)):
            d = v.to_pydatetime() if isinstance(v, pd.Timestamp) else v
            if not isinstance(d, dt.datetime):
                d = dt.datetime.combine(d, dt.time())
            ws.write_datetime(r, c, d, fmt if fmt is not None else self.w.fmt(DATE))
            text = "2026-10-01"
        else:
            text = str(v)
            ws.write_string(r, c, text, fmt)
        if width:
            self._grow(c, text if len(text) < 60 else text[:60])

    def grow_to(self, c: int, values: Sequence[Any], cap: float = 60) -> None:
        """Widen column `c` for the widest of many values (each distinct text measured once)."""
        distinct = set(zip(map(type, values), values))  # by type too: 1, 1.0 and True print differently
        texts = {str(v) for _, v in distinct if not missing(v)}
        # An ASCII text's width depends on its length only (no ASCII character is wide): of those,
        # the longest is enough (a month's recording ids are 30,000 of them).
        longest = max((t for t in texts if t.isascii()), key=len, default=None)
        for text in texts:
            if not text.isascii():
                self._grow(c, text, cap)
        if longest is not None:
            self._grow(c, longest, cap)

    def headers(self, r: int, c: int, names: Sequence[str], *, wrap_at: float = 16) -> None:
        for i, name in enumerate(names):
            self.ws.write_string(r, c + i, name, self.w.header)
            self._grow(c + i, name, cap=wrap_at)

    def text(self, r: int, c: int, text: str, fmt=None) -> None:
        """A title or a note: does not widen its column."""
        self.ws.write_string(r, c, text, fmt)

    def finish(self, *, min_width: float = 8) -> None:
        for c, wdt in sorted(self.widths.items()):
            self.ws.set_column(c, c, max(wdt, min_width))


def sheet_title(s: Sheet, title: str, note: str = "", *, height: float = 24) -> None:
    """A sheet's title in row 0 and, when given, its note in row 1."""
    s.text(0, 0, title, s.w.title)
    s.ws.set_row(0, height)
    if note:
        s.text(1, 0, note, s.w.note)


def merge_text(ws, row: int, first: int, last: int, text: str, fmt) -> None:
    """Text across merged cells, written as text (never read as a formula or a number)."""
    ws.merge_range(row, first, row, last, "", fmt)
    ws.write_string(row, first, text, fmt)


def pareto_chart(wb, sheet: str, first: int, last: int, *, title: dict, x_axis: dict, y_axis: dict, gap: int,
                 marker: dict, height: int):
    """The 80/20 chart of an item Pareto table (rows first..last of `sheet`: the item in column 0,
    不良数 in column 1, 累计占比 in column 3): 不良数 as columns, 累计占比 as a line on a 0–100%
    second axis."""
    cats = [sheet, first, 0, last, 0]
    bars = wb.add_chart({"type": "column"})
    bars.add_series({"name": "不良数", "categories": cats, "values": [sheet, first, 1, last, 1],
                     "fill": {"color": "#ED7D31"}, "gap": gap})
    line = wb.add_chart({"type": "line"})
    line.add_series({"name": "累计占比", "categories": cats, "values": [sheet, first, 3, last, 3],
                     "y2_axis": True, "marker": marker, "line": {"color": "#1F4E78"}})
    bars.combine(line)
    bars.set_title(title)
    bars.set_x_axis(x_axis)
    bars.set_y_axis(y_axis)
    line.set_y2_axis({"name": "累计占比", "min": 0, "max": 1, "num_format": "0%"})
    bars.set_legend({"position": "bottom"})
    bars.set_size({"width": 720, "height": height})
    return bars


def frame_table(s: Sheet, row: int, df: pd.DataFrame, formats: dict[str, Any], *, col: int = 0,
                fills: list[dict[str, str]] | None = None, wrap_at: float = 14) -> int:
    """Headers and rows of `df` from `row`: formats by column (a number format, or a format object),
    `fills` per row (column -> fill colour); returns the row after the table."""
    s.headers(row, col, [str(c) for c in df.columns], wrap_at=wrap_at)
    row += 1
    for i, rec in enumerate(df.itertuples(index=False)):
        fill = fills[i] if fills else {}
        for j, (name, v) in enumerate(zip(df.columns, rec)):
            fmt = formats.get(name)
            if fmt is None and isinstance(v, (dt.date, pd.Timestamp)):
                fmt = DATE  # a boxed writer's plain format would show a date as its serial number
            if fmt is None or isinstance(fmt, str):
                fmt = s.w.fmt(fmt, fill=fill.get(name))
            s.put(row, col + j, v, fmt)
        row += 1
    return row


def level_cell(s: Sheet, r: int, c: int, level: str) -> None:
    s.put(r, c, level, s.w.fmt(level=level))


def rate_with_level(s: Sheet, r: int, c: int, rate: float, level: str, *, fill_quiet: bool = False) -> None:
    """A rate filled with its warning colour (关注, white, only when `fill_quiet`)."""
    s.put(r, c, rate, s.w.fmt(PCT, level=level) if (fill_quiet or level != "关注") else s.w.fmt(PCT))


def text_of(v: Any) -> str:
    return "" if missing(v) else str(v)


def number_of(v: Any) -> float | None:
    if missing(v):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None
