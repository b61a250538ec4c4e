"""Consolidation (汇总): a folder of inspectors' 评分表 -> the 服务质量分析表 workbook.

The file-based door: it expands the inputs, reads every sheet through the reader of the
validation step, keeps the rows of the period without error findings, and hands them to
`analysis.analyse`. The ribbon's 汇总分析 button calls the same function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from .analysis import Analysis, analyse
from .errors import InputFileError
from .findings import Finding, Severity
from .rubric import Rubric
from .validate import Period, parse_period
from .workbooks import check_files, expand_inputs

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


@dataclass
class Consolidation:
    analysis: Analysis
    findings: list[Finding]
    files: list[Path]
    notes: list[str] = field(default_factory=list)
    output: Path | None = None
    out_of_period: int = 0


def consolidate(rubric: Rubric, inputs: list[str], *, period_kind: str = "month",
                date: dt.date | None = None, lead: str | None = None, other_rubrics=(),
                progress: Callable[[Path], None] | None = None,
                on_files: Callable[[int], None] | None = None) -> Consolidation:
    """Read every input and analyse the valid calls of the period. Without `date`, the period is
    the one holding the latest date found in the sheets."""
    files, notes = expand_inputs(inputs)
    if not files:
        raise InputFileError("没有找到可读取的评分表文件: " + " ".join(inputs))
    if on_files:
        on_files(len(files))
    checked = check_files(rubric, files, other_rubrics=other_rubrics, progress=progress)
    calls = checked.calls
    dated = calls[[isinstance(d, dt.date) for d in calls["date"].tolist()]] if not calls.empty else calls
    if date is None:
        date = _main_period_date(period_kind, dated["date"].tolist()) if not dated.empty else dt.date.today()
    period, label = period_of(period_kind, date)
    if calls.empty:
        in_period = calls
    else:
        in_period = calls[[isinstance(d, dt.date) and d in period for d in calls["date"].tolist()]]
    out_of_period = len(calls) - len(in_period)
    keys = set(zip(in_period["file"].tolist(), in_period["sheet"].tolist(), in_period["row"].tolist())) if len(in_period) else set()
    findings = [f for f in checked.report.findings
                if f.row is None or (f.file, f.sheet, f.row) in keys]
    excluded = int(in_period["has_error"].sum()) if len(in_period) else 0
    valid = in_period[~in_period["has_error"]] if len(in_period) else in_period
    first_week = False
    analysis = analyse(rubric, valid.reset_index(drop=True), period_label=label, lead=lead,
                       excluded_rows=excluded, first_week=first_week)
    return Consolidation(analysis, findings, files, notes, out_of_period=out_of_period)


def _main_period_date(kind: str, dates: list[dt.date]) -> dt.date:
    """The latest day of the most recent period holding at least half as many calls as the
    busiest one: a single mistyped date (next month, next year) never becomes the period."""
    from collections import Counter

    per = Counter(period_of(kind, d)[0] for d in dates)
    busiest = max(per.values())
    chosen = max((p for p, n in per.items() if n * 2 >= busiest), key=lambda p: p.start)
    return max(d for d in dates if d in chosen)


def write_consolidation(result: Consolidation, output: Path) -> Path:
    from .report_analysis import write_analysis_workbook

    result.output = write_analysis_workbook(result.analysis, Path(output), findings=result.findings,
                                            sources=[str(f) for f in result.files])
    return result.output
