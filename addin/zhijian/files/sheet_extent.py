"""The extent of each worksheet's values, found before any parser sees the workbook.

python-calamine turns a worksheet into one dense grid from its first to its last value: a file of
a few kilobytes holding one value at A1 and one at XFD1048576 asks for 17 billion cells (half a
terabyte), and the process dies with a Rust backtrace. The zip limits (workbooks.py) cannot see
that: the part is tiny. This streams each worksheet's XML, follows the cell positions as calamine
does (a cell's own `r`, else the one after the previous cell; a row's own `r`, else the next
row), counts only cells holding a value (calamine skips empty and styled-only ones, so a format
far down does not count), and gives each sheet's rows × columns.

That follow is slow (five times calamine's reading), so a first look, at C speed, takes the
rectangle of every cell written with its position first (as Excel, XlsxWriter and openpyxl write
them, empty ones included): when it is small, so is the rectangle of the values. Only a sheet
whose cells are written otherwise, or whose rectangle is large, is followed cell by cell.
"""

from __future__ import annotations

import re
import zipfile

_P = rb"(?:\w+:)?"
# A row's start tag, or a whole cell: its attributes, then "/>" or its content up to </c>.
_TOKEN = re.compile(rb"<" + _P + rb"row\b([^>]*)>|<" + _P + rb"c\b([^>]*?)(/>|>(.*?)</" + _P + rb"c>)", re.S)
_R = re.compile(rb'\br="([A-Za-z]*)(\d*)"')
_VALUE = re.compile(rb"<" + _P + rb"(?:v|t)\b[^>]*>[^<]")  # a <v> or <t> that is not empty
# A cell written with its position first: its row number, and (the same cells) its column letters.
_ROW_AT = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"')
_COLUMN_AT = re.compile(rb'<c r="([A-Z]{1,3})\d{1,7}"')
# A positioned cell not within A1:ZZ999 (two letters, three digits).
_NOT_NEAR = re.compile(rb'<c r="(?![A-Z]{1,2}\d{1,3}")')
NEAR = (999, 26 * 27)  # the rows and columns of A1:ZZ999: 701,298 cells
_BLOCK = 1 << 20
_MAX_TAIL = 1 << 16  # what is kept of an unfinished cell between blocks (Excel's cells are shorter)


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def part_extent(z: zipfile.ZipFile, part: str, limit: int) -> tuple[int, int]:
    """(rows, columns) of a rectangle holding every value of the worksheet `part`: the smallest
    one when more than `limit` cells, else one of at most `limit` cells."""
    if limit >= NEAR[0] * NEAR[1] and _near(z, part):
        return NEAR
    quick = _quick_extent(z, part)
    if quick is not None and quick[0] * quick[1] <= limit:
        return quick
    return _followed_extent(z, part)


def _pieces(z: zipfile.ZipFile, part: str):
    """The part's XML in blocks cut after a '>' (a tag is never split between two)."""
    with z.open(part) as f:
        tail = b""
        for block in iter(lambda: f.read(_BLOCK), b""):
            text = tail + block
            cut = text.rfind(b">") + 1
            if cut == 0 and len(text) > _MAX_TAIL:
                cut = len(text)  # no tag at all in a long text: nothing to keep
            yield text[:cut]
            tail = text[cut:]
        yield tail


def _near(z: zipfile.ZipFile, part: str) -> bool:
    """Whether every cell is written with its position first, all within A1:ZZ999 (a 评分表 of a
    day or a week): one search at C speed, where taking the rectangle costs three."""
    for text in _pieces(z, part):
        cells = text.count(b"<c ") + text.count(b"<c>") + text.count(b"<c/>")
        if text.count(b'<c r="') != cells or b":c " in text or _NOT_NEAR.search(text):
            return False
    return True


def _quick_extent(z: zipfile.ZipFile, part: str) -> tuple[int, int] | None:
    """The rectangle of every cell, or None when a cell is written without its position first."""
    rows: tuple[int, int] | None = None
    letters: set[bytes] = set()
    for text in _pieces(z, part):
        numbers = _ROW_AT.findall(text)
        if len(numbers) != text.count(b"<c ") + text.count(b"<c>") + text.count(b"<c/>") or b":c " in text:
            return None
        if numbers:  # at C speed: a 评分表 has a thousand cells, and every file is looked at
            numbers = list(map(int, numbers))
            lo, hi = min(numbers), max(numbers)
            rows = (lo, hi) if rows is None else (min(rows[0], lo), max(rows[1], hi))
            letters.update(_COLUMN_AT.findall(text))
    if rows is None:
        return 0, 0
    cols = [_column(c) for c in letters]
    return rows[1] - rows[0] + 1, max(cols) - min(cols) + 1


def _followed_extent(z: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """The smallest rectangle of the values, each cell's position followed as calamine does."""
    row = 0
    col = 0
    lo_r = lo_c = None
    hi_r = hi_c = 0
    with z.open(part) as f:
        tail = b""
        for block in iter(lambda: f.read(_BLOCK), b""):
            text = tail + block
            end = 0
            for m in _TOKEN.finditer(text):
                end = m.end()
                if m.group(1) is not None:  # <row …>
                    r = _R.search(m.group(1))
                    row = int(r.group(2)) if r and r.group(2) else row + 1
                    col = 0
                    continue
                r = _R.search(m.group(2))
                if r and r.group(1):
                    col = _column(r.group(1))
                    if r.group(2):
                        row = int(r.group(2))
                else:
                    col += 1
                if m.group(4) is None or not _VALUE.search(m.group(4)):
                    continue  # empty or styled only: no cell for calamine
                lo_r = row if lo_r is None else min(lo_r, row)
                lo_c = col if lo_c is None else min(lo_c, col)
                hi_r, hi_c = max(hi_r, row), max(hi_c, col)
            tail = text[end:][-_MAX_TAIL:]
    if lo_r is None:
        return 0, 0
    return hi_r - lo_r + 1, hi_c - lo_c + 1


def worksheet_extents(z: zipfile.ZipFile, limit: int) -> dict[str, tuple[int, int]]:
    """{worksheet part: (rows, columns)} for every worksheet of the workbook (`part_extent`)."""
    return {part: part_extent(z, part, limit) for part in z.namelist()
            if part.startswith("xl/worksheets/") and part.endswith(".xml")}
