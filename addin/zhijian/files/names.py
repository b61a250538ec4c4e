"""The default file names of what zhijian writes: Chinese, as the seeds name the documents
(《质检日志》, 《质检周报》, 《质检月报》, 《服务质量扣罚登记表》), with the period in ISO form so that
the files sort by date: 质检周报_2026-W42.xlsx, 质检月报_2026-10.xlsx, 质检日志_2026-10-14.xlsx."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

ANALYSIS = "服务质量分析表"
WEEKLY = "质检周报"
MONTHLY = "质检月报"
DAILY_LOG = "质检日志"
SHEETS_ZIP = "质检监听评分表"
VOUCHERS = "扣分凭单"
REGISTER = "扣罚登记表"
DAILY_MAIL = "质检日报"
BRIEFING = "班前会点评"
QUARTERLY = "季度质检考核表"
YEARLY = "年度质检考核表"
ASSESSMENT = "综合考核表"


def period_key(kind: str, day: dt.date) -> str:
    """"2026-10-14" (day), "2026-W42" (ISO week) or "2026-10" (month) of the period holding `day`."""
    if kind == "day":
        return f"{day:%Y-%m-%d}"
    if kind == "week":
        y, w, _ = day.isocalendar()
        return f"{y}-W{w:02d}"
    return f"{day:%Y-%m}"


def report_name(what: str, key: str, suffix: str = ".xlsx") -> str:
    """"质检周报_2026-W42.xlsx" for (WEEKLY, "2026-W42")."""
    return f"{what}_{key}{suffix}"


def analysis_name(kind: str, day: dt.date) -> str:
    return report_name(ANALYSIS, period_key(kind, day))


def daily_log_name(day: dt.date) -> str:
    return report_name(DAILY_LOG, period_key("day", day))


def sheets_zip_name(day: dt.date) -> str:
    return report_name(SHEETS_ZIP, period_key("day", day), ".zip")


def vouchers_name(day: dt.date) -> str:
    return report_name(VOUCHERS, period_key("day", day))


_LOG = re.compile(re.escape(DAILY_LOG) + r"_(\d{4}-\d{2}-\d{2})\.xlsx$")


def daily_log_date(path: str | Path) -> dt.date | None:
    """The day of a 质检日志_YYYY-MM-DD.xlsx file name; None for any other name."""
    m = _LOG.search(Path(path).name)
    if not m:
        return None
    try:
        return dt.date.fromisoformat(m.group(1))
    except ValueError:
        return None
