"""What people type into a cell, as values: text without full-width forms, scores ("５", "5分",
"不涉及"), yes/no flags, dates, and ids typed as numbers. Used by the sheet reader and the appeals
register alike."""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
import unicodedata
from typing import Any

# 不涉及 as teams type it (compared in lower case after NFKC; "／" is listed for the template's
# formula, which compares without NFKC). A dash is not among them: "-" or "—" may mean 0, "not
# scored yet" or N/A, so it is unreadable (a finding), like any other mark the reader does not know.
NA_WORDS = {"不涉及", "n/a", "na", "/", "不适用", "无需", "免评", "／"}
# Yes/no in a rule column (加分, 减分, 清零, …): Chinese, English and Indonesian (Ya/Tidak, as the
# pass/fail scorecards of Indonesian teams type their zero-tolerance questions).
# Not "×" or "x": on one form they mark what happened (有), on another they are the 否 of √/×.
# Read either way, a zero-out or a fatal error would be decided by a guess: they are refused at
# their cell (flag.unreadable) and the inspector writes 是/否 or a count.
TRUE_WORDS = {"是", "y", "yes", "√", "✓", "有", "true", "1", "ya"}
FALSE_WORDS = {"", "否", "n", "no", "无", "false", "0", "tidak"}
# Characters that show nothing (zero-width space, joiners, word joiner, BOM), pasted from web pages
# and chats; NFKC keeps them. A cell holding only them looks blank, and is.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)分?$")
_SPLIT_DIGITS = re.compile(r"\d\s+\d")


def cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and math.isnan(v):
        return ""
    s = v if type(v) is str else str(v)
    if s.isascii():  # NFKC leaves ASCII as it is
        return s.strip()
    return unicodedata.normalize("NFKC", s).translate(_INVISIBLE).strip()


def is_number(v: Any) -> bool:
    """An int, a float or a numpy number (bool too: callers that refuse it check it first).
    numpy is looked at only when loaded: reading a sheet does not load it (`pipeline.reading`),
    and no value can be a numpy number before it is."""
    if isinstance(v, (int, float)):
        return True
    np = sys.modules.get("numpy")
    return np is not None and isinstance(v, (np.integer, np.floating))


def parse_number(v: Any) -> tuple[str, float | None]:
    """('num', x) | ('na', None) | ('blank', None) | ('bad', None) for what a person typed."""
    if isinstance(v, bool):
        return "bad", None
    if is_number(v):
        if isinstance(v, float) and math.isnan(v):
            return "blank", None
        return "num", float(v)
    s = cell_text(v)
    if _SPLIT_DIGITS.search(s):  # "1 2": 1, 2 or 12? one of them is a typo
        return "bad", None
    s = s.replace(" ", "")
    if s == "":
        return "blank", None
    if s.lower() in NA_WORDS:
        return "na", None
    m = _NUMBER.match(s)
    if m:
        return "num", float(m.group(1))
    return "bad", None


def parse_flag(v: Any) -> bool | None:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and not (isinstance(v, float) and math.isnan(v)):
        return v != 0
    s = cell_text(v).lower()
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    return None


# The years a call can be dated in: a date outside is a typo (9999-12-31, 1900-01-00 …) that no
# period, week or month of the reports can hold (the options take the same years).
DATE_YEARS = (2000, 2100)
_EPOCH_1900 = dt.datetime(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel counts a 1900-02-29 that never was)
_EPOCH_1904 = dt.datetime(1904, 1, 1)  # serial 0 is 1904-01-01


def parse_date(v: Any, date1904: bool = False) -> dt.date | None:
    """The date a cell holds, or None (blank, unreadable, or outside DATE_YEARS)."""
    d = read_date(v, date1904)
    return d if d is not None and DATE_YEARS[0] <= d.year <= DATE_YEARS[1] else None


def read_date(v: Any, date1904: bool = False) -> dt.date | None:
    """The date a cell holds, whatever its year (None: blank or unreadable); a number is an Excel
    serial date of the workbook's date system (`date1904`: days since 1904-01-01)."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, (int, float)) and 20000 < v < 80000:  # an Excel serial date
        return ((_EPOCH_1904 if date1904 else _EPOCH_1900) + dt.timedelta(days=float(v))).date()
    s = cell_text(v)
    m = _TEXT_DATE.match(s)
    if m:
        try:
            d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        day = m.group("weekday")
        # a weekday that is not the date's: one of the two is a typo, so the date is unknown
        return d if day is None or WEEKDAY_NUMBERS[day] == d.weekday() else None
    return None


# 2026-11-02, 2026/11/2, 2026.11.2, 2026年11月2日 (spaces around 年月日 too), then a weekday as
# Chinese Excel's long date shows it (星期一, 周一, (周一)), then a time or anything after a space
# ("2026-11-02 10:30", ISO "…T10:30").
_TEXT_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                        r"(?:\s*,?\s*\(?(?:星期|周|礼拜)(?P<weekday>[一二三四五六日天])\)?)?(?:\s.*|T\d.*)?$")
WEEKDAY_NUMBERS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def id_text(v: Any) -> str:
    """Agent ids and recording ids typed as numbers keep no trailing '.0'."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return cell_text(v)
