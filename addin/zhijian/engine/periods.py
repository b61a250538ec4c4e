"""Periods (统计周期): a day, an ISO week (Monday–Sunday), a month or a range of days, parsed from
what a user types, and the period a set of calls is about when none is given."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from zhijian.errors import InputFileError


@dataclass(frozen=True)
class Period:
    """The dates a sheet may hold, both ends included."""

    start: dt.date
    end: dt.date

    def __contains__(self, d: dt.date) -> bool:
        return self.start <= d <= self.end

    def describe(self) -> str:
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"



def parse_period(text: str) -> Period:
    """'2026-11' (a month), '2026-W47' (an ISO week), '2026-Q4' (a quarter), '2026' (a year),
    '2026-11-02' (a day) or 'A..B'."""
    text = text.strip()
    if ".." in text:
        a, b = text.split("..", 1)
        return Period(parse_period(a).start, parse_period(b).end)
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", text, re.I):
        y, q = int(m.group(1)), int(m.group(2))
        return Period(parse_period(f"{y}-{3 * q - 2}").start, parse_period(f"{y}-{3 * q}").end)
    if re.fullmatch(r"\d{4}", text):
        return Period(dt.date(int(text), 1, 1), dt.date(int(text), 12, 31))
    if m := re.fullmatch(r"(\d{4})-W(\d{1,2})", text, re.I):
        start = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        return Period(start, start + dt.timedelta(days=6))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        y, mo = int(m.group(1)), int(m.group(2))
        nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
        return Period(dt.date(y, mo, 1), nxt - dt.timedelta(days=1))
    d = dt.date.fromisoformat(text)
    return Period(d, d)


def months_of(period: Period) -> list[Period]:
    """The calendar months a period touches, in order (a quarter: its 3 months)."""
    out, d = [], period.start.replace(day=1)
    while d <= period.end:
        out.append(parse_period(f"{d:%Y-%m}"))
        d = out[-1].end + dt.timedelta(days=1)
    return out


def month_key(d: dt.date) -> str:
    return f"{d:%Y-%m}"


PERIOD_KINDS = ("day", "week", "month")
PERIOD_ZH = {"day": "日", "week": "周", "month": "月"}


def period_of(kind: str, day: dt.date) -> tuple[Period, str]:
    """The day, ISO week (Mon–Sun) or month holding `day`, and its Chinese label."""
    if kind == "day":
        return Period(day, day), f"{day:%Y-%m-%d}"
    if kind == "week":
        y, w, _ = day.isocalendar()
        p = parse_period(f"{y}-W{w:02d}")
        return p, f"{y}年第{w}周({p.start:%m-%d}至{p.end:%m-%d})"
    if kind == "month":
        return parse_period(f"{day:%Y-%m}"), f"{day.year}年{day.month}月"
    raise InputFileError(f"未知的统计周期“{kind}”,应为 day、week 或 month")



def main_period_date(kind: str, dates: list[dt.date]) -> dt.date:
    """The latest day of the most recent period holding at least half as many calls as the
    busiest one: a single mistyped date (next month, next year) never becomes the period."""
    per: Counter = Counter()
    for d, n in Counter(dates).items():  # a month's 30,000 calls fall on some 30 days
        per[period_of(kind, d)[0]] += n
    busiest = max(per.values())
    chosen = max((p for p, n in per.items() if n * 2 >= busiest), key=lambda p: p.start)
    return max(d for d in set(dates) if d in chosen)
