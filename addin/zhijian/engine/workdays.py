"""Working days (工作日): the Chinese statutory calendar when the `chinese-calendar` package knows
the year (holidays off, adjusted working weekends on), else Monday–Friday. Reports say which."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CALENDAR_CN = "中国法定节假日安排(含调休上班日)"
CALENDAR_WEEKDAYS = "周一至周五"


@dataclass(frozen=True)
class WorkingDays:
    days: tuple[dt.date, ...]
    calendar: str  # which calendar: CALENDAR_CN, or CALENDAR_WEEKDAYS with the reason

    def __len__(self) -> int:
        return len(self.days)

    def __contains__(self, d: dt.date) -> bool:
        return d in self.days


def working_days(start: dt.date, end: dt.date) -> WorkingDays:
    """Working days from `start` to `end`, both included."""
    all_days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    try:
        import chinese_calendar
    except ImportError:
        return WorkingDays(tuple(d for d in all_days if d.weekday() < 5),
                           f"{CALENDAR_WEEKDAYS}(未安装 chinese-calendar)")
    known, unknown = {}, set()
    for year in sorted({d.year for d in all_days}):
        try:
            chinese_calendar.is_workday(dt.date(year, 1, 1))
            known[year] = True
        except NotImplementedError:  # a year the package has no holiday data for
            unknown.add(year)
    # A week across New Year may hold a year the package knows and one it does not yet: each day
    # follows its own year's calendar, and the report says which year fell back to Monday–Friday.
    days = tuple(d for d in all_days
                 if (d.weekday() < 5 if d.year in unknown else chinese_calendar.is_workday(d)))
    if not unknown:
        return WorkingDays(days, CALENDAR_CN)
    years = "、".join(str(y) for y in sorted(unknown))
    fallback = f"{CALENDAR_WEEKDAYS}(chinese-calendar 尚无 {years} 年的节假日数据)"
    if not known:
        return WorkingDays(days, fallback)
    return WorkingDays(days, f"{CALENDAR_CN};{years} 年: {fallback}")
