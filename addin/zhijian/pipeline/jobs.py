"""Consolidation (汇总): a folder of inspectors' 评分表 -> the 服务质量分析表 workbook.

The file-based door: it expands the inputs, reads every sheet through the reader of the
validation step, keeps the rows of the period without error findings, and hands them to
`analysis.analyse`. The ribbon's 汇总分析 button calls the same function.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from zhijian.engine.analysis import Analysis, analyse
from zhijian.engine.appeals import AppealOutcome, AppealPolicy
from zhijian.errors import InputFileError
from zhijian.engine.findings import Finding, Severity
from zhijian.files.provenance import Provenance
from zhijian.engine.rubric import Rubric
from zhijian.engine.validate import Period, parse_period
from zhijian.files.workbooks import check_files, expand_inputs

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
class Loaded:
    """Every call read from the inputs (errors included, flagged `has_error`) and the findings;
    with appeals applied when a register was given."""

    calls: pd.DataFrame
    findings: list[Finding]
    files: list[Path]
    notes: list[str] = field(default_factory=list)
    appeals: list[AppealOutcome] | None = None  # None: no register given

    def appeals_of(self, period: Period) -> list[AppealOutcome] | None:
        """The appeals on calls of the period (and those naming no known call)."""
        if self.appeals is None:
            return None
        dates = dict(zip(self.calls["recording_id"].tolist(), self.calls["date"].tolist()))
        return [o for o in self.appeals
                if not isinstance(dates.get(o.appeal.recording_id), dt.date)
                or dates[o.appeal.recording_id] in period]

    def dates(self) -> list[dt.date]:
        return [d for d in self.calls["date"].tolist() if isinstance(d, dt.date)]

    def select(self, period: Period) -> tuple[pd.DataFrame, list[Finding], int]:
        """(valid calls of the period, the findings of its rows and of whole sheets, the number
        of its rows excluded for errors)."""
        calls = self.calls
        in_period = calls[np.array([isinstance(d, dt.date) and d in period for d in calls["date"].tolist()],
                                   dtype=bool)]
        keys = set(zip(in_period["file"].tolist(), in_period["sheet"].tolist(), in_period["row"].tolist()))
        findings = [f for f in self.findings if f.row is None or (f.file, f.sheet, f.row) in keys]
        valid = in_period[~in_period["has_error"].astype(bool)]
        return valid.reset_index(drop=True), findings, len(in_period) - len(valid)


def load_calls(rubric: Rubric, inputs: list[str], *, other_rubrics=(),
               progress: Callable[[Path], None] | None = None,
               on_files: Callable[[int], None] | None = None,
               appeals: str | Path | None = None, policy: AppealPolicy = AppealPolicy()) -> Loaded:
    """Read and check every sheet of the inputs (files, folders, globs); apply the decided
    appeals of the register `appeals` (申诉登记表) when given."""
    files, notes = expand_inputs(inputs)
    if not files:
        raise InputFileError("没有找到可读取的评分表文件: " + " ".join(inputs))
    if on_files:
        on_files(len(files))
    checked = check_files(rubric, files, other_rubrics=other_rubrics, progress=progress)
    loaded = Loaded(checked.calls, checked.report.findings, files, notes)
    if appeals is not None:
        register_appeals(rubric, loaded, Path(appeals), policy)
    return loaded


def register_appeals(rubric: Rubric, loaded: Loaded, register: Path, policy: AppealPolicy) -> None:
    """Read the 申诉登记表 and apply it to the loaded calls (in place)."""
    from zhijian.engine.appeals import apply_appeals, read_register
    from zhijian.files.workbooks import read_grids

    appeals, findings, sheet = [], [], ""
    for grid in read_grids(register):
        found, problems = read_register(rubric, grid)
        if found or not appeals:
            appeals, findings, sheet = found, problems, grid.sheet
        if found:
            break
    invalid = {f.row for f in findings if f.severity == Severity.ERROR and f.row is not None}
    applied = apply_appeals(rubric, loaded.calls, appeals, policy=policy, invalid_rows=invalid,
                            register=str(register), sheet=sheet)
    loaded.calls = applied.calls
    loaded.appeals = applied.outcomes
    # Register findings have no calls row: they must not exclude any call from the figures.
    loaded.findings = loaded.findings + [dataclasses.replace(f, row=None) for f in findings + applied.findings]


@dataclass
class Consolidation:
    analysis: Analysis
    findings: list[Finding]
    files: list[Path]
    notes: list[str] = field(default_factory=list)
    output: Path | None = None
    appeals: list[AppealOutcome] | None = None
    provenance: Provenance | None = None


def consolidate(rubric: Rubric, inputs: list[str], *, period_kind: str = "month",
                date: dt.date | None = None, lead: str | None = None, other_rubrics=(),
                progress: Callable[[Path], None] | None = None,
                on_files: Callable[[int], None] | None = None, appeals: str | Path | None = None,
                policy: AppealPolicy = AppealPolicy(), rubric_source: str | None = None) -> Consolidation:
    """Read every input and analyse the valid calls of the period (`period_kind` holding `date`;
    without `date`, see `main_period_date`)."""
    loaded = load_calls(rubric, inputs, other_rubrics=other_rubrics, progress=progress, on_files=on_files,
                        appeals=appeals, policy=policy)
    dates = loaded.dates()
    if date is None:
        date = main_period_date(period_kind, dates) if dates else dt.date.today()
    period, label = period_of(period_kind, date)
    valid, findings, excluded = loaded.select(period)
    analysis = analyse(rubric, valid, period_label=label, lead=lead, excluded_rows=excluded)
    prov = Provenance.of("consolidate", rubric, rubric_source or rubric.id, loaded.files, appeals=appeals,
                         options={"period": period_kind, "date": date.isoformat(), "lead": lead,
                                  **policy_options(policy, appeals)})
    return Consolidation(analysis, findings, loaded.files, loaded.notes, appeals=loaded.appeals_of(period),
                         provenance=prov)


def policy_options(policy: AppealPolicy, appeals) -> dict:
    """The appeal policy as recorded options (only when a register was used)."""
    if not appeals:
        return {}
    return {"window_hours": policy.window_hours, "publish_days_after": policy.publish_days_after,
            "publish_time": policy.publish_time.strftime("%H:%M")}


def main_period_date(kind: str, dates: list[dt.date]) -> dt.date:
    """The latest day of the most recent period holding at least half as many calls as the
    busiest one: a single mistyped date (next month, next year) never becomes the period."""
    from collections import Counter

    per = Counter(period_of(kind, d)[0] for d in dates)
    busiest = max(per.values())
    chosen = max((p for p, n in per.items() if n * 2 >= busiest), key=lambda p: p.start)
    return max(d for d in dates if d in chosen)


def write_consolidation(result: Consolidation, output: Path) -> Path:
    from zhijian.reports.analysis_workbook import write_analysis_workbook

    result.output = write_analysis_workbook(result.analysis, Path(output), findings=result.findings,
                                            sources=[str(f) for f in result.files], appeals=result.appeals,
                                            provenance=result.provenance)
    return result.output


# --- weekly and monthly reports: the same reading, a different period and workbook ---------------

@dataclass
class PeriodicReport:
    report: object  # weekly.WeeklyReport | monthly.MonthlyReport
    findings: list[Finding]
    files: list[Path]
    notes: list[str]
    appeals: list[AppealOutcome] | None
    provenance: Provenance
    output: Path | None = None


def weekly_report(rubric: Rubric, inputs: list[str], *, week: str | None = None, lead: str | None = None,
                  quota_per_day: int = 60, appeals: str | Path | None = None,
                  policy: AppealPolicy = AppealPolicy(), rubric_source: str | None = None,
                  other_rubrics=(), progress=None, on_files=None) -> PeriodicReport:
    """质检周报 of `week` ("2026-W42"; default: the latest week, as consolidate chooses)."""
    from zhijian.engine.weekly import build_weekly, latest_week

    loaded = load_calls(rubric, inputs, other_rubrics=other_rubrics, progress=progress, on_files=on_files,
                        appeals=appeals, policy=policy)
    period = parse_period(week) if week else latest_week(loaded)
    report = build_weekly(rubric, loaded, period, lead=lead, quota_per_day=quota_per_day)
    _, findings, _ = loaded.select(period)
    key = f"{period.start.isocalendar()[0]}-W{period.start.isocalendar()[1]:02d}"
    prov = Provenance.of("weekly", rubric, rubric_source or rubric.id, loaded.files, appeals=appeals,
                         options={"week": key, "lead": lead, "quota_per_day": quota_per_day,
                                  **policy_options(policy, appeals)})
    return PeriodicReport(report, findings, loaded.files, loaded.notes, loaded.appeals_of(period), prov)


def monthly_report(rubric: Rubric, inputs: list[str], *, month: str | None = None,
                   previous: list[str] | None = None, lead: str | None = None, sampling_target: int = 5,
                   appeals: str | Path | None = None, policy: AppealPolicy = AppealPolicy(),
                   rubric_source: str | None = None, other_rubrics=(), progress=None,
                   on_files=None) -> PeriodicReport:
    """质检月报 of `month` ("2026-10"; default: the latest month, as consolidate chooses); the
    previous month from `previous` inputs when given, else from the same inputs."""
    from zhijian.engine.monthly import build_monthly

    loaded = load_calls(rubric, inputs, other_rubrics=other_rubrics, progress=progress, on_files=on_files,
                        appeals=appeals, policy=policy)
    if month:
        period = parse_period(month)
    else:
        dates = loaded.dates()
        period = period_of("month", main_period_date("month", dates) if dates else dt.date.today())[0]
    prev = load_calls(rubric, previous, other_rubrics=other_rubrics, appeals=appeals, policy=policy) \
        if previous else None
    report = build_monthly(rubric, loaded, period, previous=prev, lead=lead, sampling_target=sampling_target)
    _, findings, _ = loaded.select(period)
    prov = Provenance.of("monthly", rubric, rubric_source or rubric.id, loaded.files, appeals=appeals,
                         previous=prev.files if prev else (),
                         options={"month": f"{period.start:%Y-%m}", "lead": lead,
                                  "sampling_target": sampling_target, **policy_options(policy, appeals)})
    return PeriodicReport(report, findings, loaded.files, loaded.notes, loaded.appeals_of(period), prov)


def write_periodic(result: PeriodicReport, output: Path) -> Path:
    """Write the weekly or monthly workbook of `result`."""
    from zhijian.engine.monthly import MonthlyReport

    if isinstance(result.report, MonthlyReport):
        from zhijian.reports.monthly_workbook import write_monthly_workbook as write
    else:
        from zhijian.reports.weekly_workbook import write_weekly_workbook as write
    result.output = write(result.report, Path(output), findings=result.findings,
                          sources=[str(f) for f in result.files], appeals=result.appeals,
                          provenance=result.provenance)
    return result.output
