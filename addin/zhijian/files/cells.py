"""Writing values into openpyxl cells and CSV files without ever making a formula from data.

openpyxl turns any string that starts with "=" into a formula; `put` writes text as text
(data_type "s"), so a remark "=HYPERLINK(…)" or a sheet name "=cmd|…" stays what was typed. Every
openpyxl write of user text goes through `put` (the checked and scored copies, the CSV → xlsx copy,
the 校验结果 sheet, the ribbon's OpenpyxlPort).

CSV outputs neutralise the cells a spreadsheet would run (`csv_safe`, the OWASP rule): text
starting with = + - @, a tab or a carriage return gets a leading apostrophe, unless it is a number.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

# Characters an .xlsx cannot hold (openpyxl refuses them): control characters but tab, LF, CR.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def put(cell, value: Any) -> None:
    """Set an openpyxl cell: text always as text, never a formula; other values as they are."""
    if isinstance(value, str):
        cell.value = _ILLEGAL.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value


def append_row(ws, values) -> None:
    """`ws.append(values)` with every text written as text."""
    values = list(values)
    ws.append([_ILLEGAL.sub("", v) if isinstance(v, str) else v for v in values])
    for cell, v in zip(ws[ws.max_row], values):
        if isinstance(v, str):
            cell.data_type = "s"


def is_number_text(text: str) -> bool:
    """Whether `text` is a plain finite number ("-5", "+3.5", "1e3"): a CSV cell left as it is."""
    return bool(_NUMBER.fullmatch(text.strip())) and math.isfinite(float(text))


def csv_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula (OWASP CSV injection): text starting with
    = + - @, tab or CR is prefixed with an apostrophe, numbers are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not is_number_text(value):
        return "'" + value
    return value


_INT = re.compile(r"[+-]?(?:0|[1-9]\d{0,14})")  # leading zeros (ids, phone numbers) stay text
_DECIMAL = re.compile(r"[+-]?(?:0|[1-9]\d{0,14})\.\d{1,15}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def csv_value(text: str) -> Any:
    """A CSV cell as the value a workbook would hold: whole and decimal numbers as numbers, an ISO
    date as a date, anything else (ids with leading zeros, long digit strings) as the text it is."""
    if not isinstance(text, str):
        return text
    s = text.strip()
    if _INT.fullmatch(s):
        return int(s)
    if _DECIMAL.fullmatch(s):
        return float(s)
    m = _ISO_DATE.fullmatch(s)
    if m:
        try:
            return dt.datetime(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return text
    return text
