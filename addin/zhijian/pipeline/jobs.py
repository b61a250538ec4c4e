"""The jobs both doors run: consolidation (汇总: inspectors' 评分表 -> the 服务质量分析表), the
质检周报 and the 质检月报: load the calls of the inputs (`load.load_calls`), compute the period's
figures with the engine, and write the workbook with the report writers. The CLI and the ribbon
call these functions; this is the one place that knows both the engine and the writers.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from zhijian.engine.appeal_policy import AppealPolicy
from zhijian.engine.findings import Finding
from zhijian.engine.periods import main_period_date, parse_period, period_of
from zhijian.engine.roster import Roster
from zhijian.engine.rubric import Rubric
from zhijian.errors import NothingToReport
from zhijian.files.guard import guard_outputs
from zhijian.files.inputs import expand_inputs
from zhijian.files.provenance import Provenance, file_sha256
from zhijian.files.workbooks import read_roster

from .load import load_calls

if TYPE_CHECKING:  # pandas and the analysis are imported while the files are read (`load.engine_imports`)
    from zhijian.engine.accounting import RowAccount
    from zhijian.engine.analysis import Analysis
    from zhijian.engine.appeals import AppealOutcome
    from zhijian.engine.loaded import Loaded


@dataclass
class Consolidation:
    analysis: Analysis
    findings: list[Finding]
    files: list[Path]
    notes: list[str] = field(default_factory=list)
    output: Path | None = None
    appeals: list[AppealOutcome] | None = None
    provenance: Provenance | None = None
    policy: AppealPolicy = field(default_factory=AppealPolicy)
    store: Path | None = None  # the history store read and written: never an output


def consolidate(rubric: Rubric, inputs: list[str], *, period_kind: str = "month",
                date: dt.date | None = None, lead: str | None = None, other_rubrics=(),
                progress: Callable[[Path], None] | None = None,
                on_files: Callable[[int], None] | None = None, appeals: str | Path | None = None,
                policy: AppealPolicy = AppealPolicy(), rubric_source: str | None = None,
                roster: str | Path | None = None, store: Path | None = None,
                output: Path | None = None, cache: bool = True) -> Consolidation:
    """Read every input and analyse the valid calls of the period (`period_kind` holding `date`;
    without `date`, see `main_period_date`); what was read goes into the history `store` if given.
    `output`, the workbook to be written, is refused before any reading when it is one of the
    files read. Nothing to report (no input read, no call of the period counted) raises
    `NothingToReport`. `cache`: files read before are not parsed again (`files.read_cache`)."""
    loaded = load_calls(rubric, inputs, other_rubrics=other_rubrics, progress=progress, on_files=on_files,
                        appeals=appeals, policy=policy, store=store, command="consolidate",
                        outputs=[output], reads=_reads(rubric, roster), roster=_roster(roster), cache=cache)
    from zhijian.engine.analysis import analyse
    from zhijian.engine.ledger import ledger_for

    dates = loaded.dates()
    if date is None:
        date = main_period_date(period_kind, dates) if dates else dt.date.today()
    period, label = period_of(period_kind, date)
    sel = loaded.select(period)
    notes = period_notes(loaded, sel.calls, label, lead)
    loaded.notes += notes
    analysis = analyse(rubric, sel.calls, period_label=label, lead=lead, account=sel.account)
    analysis.ledger = ledger_for(rubric, loaded, period, lead=lead)
    check_something(analysis.account, label, notes)
    prov = Provenance.of("consolidate", rubric, rubric_source or rubric.id, loaded.files, appeals=appeals,
                         roster=roster,
                         options={"period": period_kind, "date": date.isoformat(), "lead": lead,
                                  **policy_options(policy, appeals)})
    return Consolidation(analysis, sel.findings, loaded.files, loaded.notes, appeals=loaded.appeals_of(period),
                         provenance=prov, policy=policy, store=store)


def _roster(roster: str | Path | None) -> Roster | None:
    return read_roster(Path(roster)) if roster else None


def check_readable(loaded: Loaded, refusal: str = "没有可以读取的评分表,未生成报表") -> None:
    """Exit 2, naming each input, when inputs were given and not one row of them could be read
    (the 季度/年度 and 综合考核 tables, which have no `check_something` of their own, and
    `appeals check`); `refusal` is the message's first line."""
    from zhijian.engine.accounting import unreadable_inputs

    unreadable = unreadable_inputs(loaded.findings)
    if loaded.calls.empty and unreadable:
        raise NothingToReport(f"{refusal}:\n" + "\n".join(unreadable_lines(unreadable)), exit_code=2)


def unreadable_lines(unreadable) -> list[str]:
    return [u.message if u.message.startswith(u.file) and not u.sheet  # the reader's message names the file
            else f"{u.file}{' / ' + u.sheet if u.sheet else ''}: {u.message}" for u in unreadable]


def check_something(account: RowAccount, label: str, notes: list[str] = ()) -> None:
    """Nothing to report is a failure, with one message (and the period's `notes`: the dates the
    sheets hold): exit 2 when no row of any input could be read, 1 when none of the period's rows
    can be counted."""
    lines = unreadable_lines(account.unreadable)
    if account.rows_read == 0 and account.unreadable:
        raise NothingToReport("没有可以读取的评分表,未生成报表:\n" + "\n".join(lines), exit_code=2,
                              account=account)
    if account.counted == 0:
        why = f"{label}没有可计入统计的评分记录,未生成报表({account.identity_text()})"
        raise NothingToReport("\n".join([why, *lines, *notes]), exit_code=1, account=account)


def _reads(rubric: Rubric, roster: str | Path | None = None) -> dict[str, list]:
    """The files a job reads besides its inputs and register: the rubric's own file, the roster."""
    return {"评分标准": [rubric.path], **({"人员名单": [roster]} if roster else {})}


def period_notes(loaded, valid, label: str, lead: str | None) -> list[str]:
    """What the user should know about the period chosen: no valid call in it, or a --lead who
    scored none of the calls."""
    notes = []
    if valid.empty:
        dates = loaded.dates()
        span = f"(评分表中的日期为 {min(dates)} 至 {max(dates)})" if dates else ""
        notes.append(f"统计周期 {label} 中没有有效评分{span}")
    inspectors = set(loaded.calls["inspector"].tolist()) if "inspector" in loaded.calls else set()
    if lead and lead not in inspectors:
        notes.append(f"质检班长“{lead}”没有评过任何一通录音(不在评分表的质检员中);校正录音按各字段共识计")
    return notes


def guard_report(result, *outputs: Path) -> None:
    """A report's files are never one of the files its figures come from (checked before the
    first of them is written)."""
    prov = getattr(result, "provenance", None)
    reads = {"评分表": list(getattr(result, "files", None) or [])}
    if prov is not None:
        reads["申诉登记表"] = [prov.appeals[0]] if prov.appeals else []
        reads["上月评分表"] = [p[0] for p in prov.previous]
        reads["人员名单"] = [prov.roster[0] if prov.roster else prov.options.get("roster")]
        reads["输入文件"] = [e[0] for e in prov.inputs] + option_files(prov.options)
    guard_outputs(outputs, reads, store=getattr(result, "store", None))


def option_files(value) -> list[str]:
    """Every text among a provenance's options (nested lists too) that names an existing file:
    the configuration, KPI sheet, plans, registers a command read."""
    if isinstance(value, dict):
        return [p for v in value.values() for p in option_files(v)]
    if isinstance(value, (list, tuple)):
        return [p for v in value for p in option_files(v)]
    return [value] if isinstance(value, str) and value and _is_file(value) else []


def _is_file(text: str) -> bool:
    """Whether a text names an existing file; a text that cannot be a file name (too long: a list
    of 40 inspectors; a NUL) names none."""
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def policy_options(policy: AppealPolicy, appeals) -> dict:
    """The appeal policy as recorded options (only when a register was used)."""
    if not appeals:
        return {}
    return {"window_hours": policy.window_hours, "publish_days_after": policy.publish_days_after,
            "publish_time": policy.publish_time.strftime("%H:%M")}



def write_consolidation(result: Consolidation, output: Path) -> Path:
    from zhijian.reports.analysis_workbook import write_analysis_workbook

    guard_report(result, Path(output))
    result.output = write_analysis_workbook(result.analysis, Path(output), findings=result.findings,
                                            sources=[str(f) for f in result.files], appeals=result.appeals,
                                            provenance=result.provenance, policy=result.policy)
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
    policy: AppealPolicy = field(default_factory=AppealPolicy)
    store: Path | None = None  # the history store read and written: never an output


def weekly_report(rubric: Rubric, inputs: list[str], *, week: str | None = None, lead: str | None = None,
                  quota_per_day: int = 60, appeals: str | Path | None = None,
                  policy: AppealPolicy = AppealPolicy(), rubric_source: str | None = None,
                  other_rubrics=(), progress=None, on_files=None, store: Path | None = None,
                  output: Path | None = None, roster: str | Path | None = None,
                  project_start: dt.date | None = None, topics: list[str] | None = None,
                  cache: bool = True) -> PeriodicReport:
    """质检周报 of `week` ("2026-W42"; default: the latest week, as consolidate chooses)."""
    loaded = load_calls(rubric, inputs, other_rubrics=other_rubrics, progress=progress, on_files=on_files,
                        appeals=appeals, policy=policy, store=store, command="weekly",
                        outputs=[output], reads=_reads(rubric, roster), roster=_roster(roster), cache=cache)
    from zhijian.engine.weekly import build_weekly, latest_week

    period = parse_period(week) if week else latest_week(loaded)
    report = build_weekly(rubric, loaded, period, lead=lead, quota_per_day=quota_per_day,
                          project_start=project_start, topics=topics)
    sel = loaded.select(period)
    findings = sel.findings
    notes = period_notes(loaded, sel.calls, period.describe(), lead)
    loaded.notes += notes
    check_something(report.analysis.account, report.label, notes)
    key = f"{period.start.isocalendar()[0]}-W{period.start.isocalendar()[1]:02d}"
    prov = Provenance.of("weekly", rubric, rubric_source or rubric.id, loaded.files, appeals=appeals,
                         roster=roster,
                         options={"week": key, "lead": lead, "quota_per_day": quota_per_day,
                                  "project_start": project_start.isoformat() if project_start else None,
                                  "topics": "、".join(topics) if topics else None,
                                  **policy_options(policy, appeals)})
    return PeriodicReport(report, findings, loaded.files, loaded.notes, loaded.appeals_of(period), prov,
                          policy=policy, store=store)


def monthly_report(rubric: Rubric, inputs: list[str], *, month: str | None = None,
                   previous: list[str] | None = None, lead: str | None = None, sampling_target: int = 5,
                   appeals: str | Path | None = None, policy: AppealPolicy = AppealPolicy(),
                   rubric_source: str | None = None, other_rubrics=(), progress=None,
                   on_files=None, plans: str | Path | None = None, store: Path | None = None,
                   complaints: list[str] | None = None, output: Path | None = None,
                   roster: str | Path | None = None, topics: list[str] | None = None,
                   cache: bool = True) -> PeriodicReport:
    """质检月报 of `month` ("2026-10"; default: the latest month, as consolidate chooses); the
    previous month from `previous` inputs when given, else from the same inputs when they hold
    it, else from the history `store` when one is configured (see `previous_from_store`); the
    轮回抽检 check against the 抽检计划 workbooks of the folder `plans` when given."""
    if output is not None and previous:
        guard_outputs([output], {"上月评分表": expand_inputs(previous)[0]})
    ros = _roster(roster)
    loaded = load_calls(rubric, inputs, other_rubrics=other_rubrics, progress=progress, on_files=on_files,
                        appeals=appeals, policy=policy, store=store, command="monthly",
                        outputs=[output], reads=_reads(rubric, roster), roster=ros, cache=cache)
    from zhijian.engine.monthly import build_monthly, previous_month

    if month:
        period = parse_period(month)
    else:
        dates = loaded.dates()
        period = period_of("month", main_period_date("month", dates) if dates else dt.date.today())[0]
    prev = load_calls(rubric, previous, other_rubrics=other_rubrics, appeals=appeals, policy=policy,
                      store=store, command="monthly", roster=ros, cache=cache) if previous else None
    stored_previous: list[tuple[str, str]] = []
    if prev is None and store is not None and not len(loaded.select(previous_month(period))[0]):
        prev, stored_previous = previous_from_store(rubric, store, previous_month(period), loaded.notes)
    planned, plan_files = read_plans(plans) if plans is not None else (None, [])
    report = build_monthly(rubric, loaded, period, previous=prev, lead=lead, sampling_target=sampling_target,
                           plans=planned, topics=topics)
    sel = loaded.select(period)
    findings = sel.findings
    notes = period_notes(loaded, sel.calls, period.describe(), lead)
    loaded.notes += notes
    check_something(report.analysis.account, report.label, notes)
    if complaints:
        from .registers import section_for

        report.extra["complaints"] = section_for(complaints, report.label, period,
                                                 [previous_month(period), period], notes=loaded.notes)
    plan_options = {"plans": os.path.abspath(plans),
                    "plan_files": [[os.path.abspath(p), file_sha256(p)] for p in plan_files]} \
        if plans is not None else {}
    prov = Provenance.of("monthly", rubric, rubric_source or rubric.id, loaded.files, appeals=appeals,
                         roster=roster,
                         previous=prev.files if prev and not stored_previous else (),
                         options={"month": f"{period.start:%Y-%m}", "lead": lead,
                                  "sampling_target": sampling_target,
                                  "topics": "、".join(topics) if topics else None,
                                  **policy_options(policy, appeals), **plan_options,
                                  **({"previous_from": "history_store"} if stored_previous else {}),
                                  **({"complaints": [os.path.abspath(p) for p in complaints]} if complaints else {})})
    prov.previous = prov.previous or stored_previous
    return PeriodicReport(report, findings, loaded.files, loaded.notes, loaded.appeals_of(period), prov,
                          policy=policy, store=store)


def read_plans(folder: str | Path):
    """The planned calls of every 抽检计划 workbook in `folder` (files, folders or globs), and
    those files."""
    import pandas as pd

    from zhijian.engine.plan_check import PLANNED_COLUMNS, read_plan_grid
    from zhijian.errors import InputFileError
    from zhijian.files.inputs import expand_inputs
    from zhijian.files.workbooks import read_grids

    files, _ = expand_inputs([str(folder)], own_outputs=True)  # plans are zhijian sample's outputs
    frames, used = [], []
    for f in files:
        found = [p for p in (read_plan_grid(g) for g in read_grids(f)) if p is not None]
        if found:
            frames += found
            used.append(f)
    if not used:
        raise InputFileError(f"{folder}: 没有找到抽检计划(含“抽检计划”工作表的 抽检计划_YYYY-MM-DD.xlsx)")
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PLANNED_COLUMNS), used


def previous_from_store(rubric: Rubric, store: Path, month, notes: list[str]):
    """The previous month's calls from the history store (None when it holds none), and their
    source files (path, SHA-256) for the provenance."""
    from zhijian.files.store import Store
    from zhijian.files.store_query import load_period

    if not Path(store).is_file():
        return None, []
    with Store(store, read_only=True) as s:
        stored = load_period(s, rubric, month)
    if not len(stored.loaded.calls):
        return None, []
    notes.append(f"上月({month.start:%Y-%m})的评分取自历史库 {store}")
    return stored.loaded, stored.inputs


def write_periodic(result: PeriodicReport, output: Path) -> Path:
    """Write the weekly or monthly workbook of `result`."""
    from zhijian.engine.monthly import MonthlyReport

    if isinstance(result.report, MonthlyReport):
        from zhijian.reports.monthly_workbook import write_monthly_workbook as write
    else:
        from zhijian.reports.weekly_workbook import write_weekly_workbook as write
    guard_report(result, Path(output))
    result.output = write(result.report, Path(output), findings=result.findings,
                          sources=[str(f) for f in result.files], appeals=result.appeals,
                          provenance=result.provenance, policy=result.policy)
    return result.output
