"""The lead's daily jobs: the day's package (`daily_package`: the 质检日志, the day's 扣分凭单, the
zip of the day's 评分表) and the month's 扣罚登记表 (`penalties_register`). Figures and lists by the
engine (`engine.daily`, `engine.penalties`), workbooks by the report writers, the zip by
`files.archive`; the CLI (`zhijian daily`, `zhijian penalties`) and the ribbon (日报) call these.

Vouchers need the calls both as scored and after the appeals: the inputs are loaded once, the
register (when given) is applied to a second view of the same calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from zhijian.engine.analysis import analyse, counted_calls
from zhijian.engine.accounting import RowAccount
from zhijian.engine.appeals import AppealOutcome, AppealPolicy
from zhijian.engine.daily import (BRIEFING_POINTS, LOOKBACK_DAYS, QUOTA_PER_DAY, REPEAT_TIMES, WEEK, DailyReport,
                                  build_daily)
from zhijian.engine.findings import Finding
from zhijian.engine.ledger import history_before
from zhijian.engine.loaded import Loaded
from zhijian.engine.penalties import PenaltyRegister, vouchers
from zhijian.engine.periods import Period, main_period_date, parse_period, period_of
from zhijian.engine.roster import Roster
from zhijian.engine.rubric import Rubric
from zhijian.errors import RosterWithoutIdsError
from zhijian.files import names
from zhijian.files.provenance import Provenance
from zhijian.files.workbooks import read_roster

from .jobs import check_something, guard_report, period_notes, policy_options
from .load import load_calls, record_in_store, register_appeals


@dataclass
class DailyPackage:
    report: DailyReport
    register: PenaltyRegister  # the day's vouchers
    findings: list[Finding]
    files: list[Path]
    notes: list[str]
    appeals: list[AppealOutcome] | None
    provenance: Provenance
    sheet_files: list[Path] = field(default_factory=list)  # the day's 评分表
    written: dict[str, Path] = field(default_factory=dict)  # "log", "vouchers", "zip"
    store: Path | None = None  # the history store read and written: never an output

    def to_dict(self) -> dict:
        return {**self.report.to_dict(), "vouchers": [v.to_dict() for v in self.register.vouchers],
                "voucher_counts": self.register.counts(), "sheet_files": [str(p) for p in self.sheet_files],
                "written": {k: str(p) for k, p in self.written.items()}}


def load_both(rubric: Rubric, inputs: list[str], *, appeals=None, policy: AppealPolicy = AppealPolicy(),
              other_rubrics=(), progress=None, on_files=None, store: Path | None = None,
              roster: Roster | None = None) -> tuple[Loaded, Loaded]:
    """(the calls as scored, the calls with the register's decided appeals applied): the same
    reading; without a register both are the same. Agent ids not on the `roster` are findings and
    left out of both. The calls as decided go into the history `store` when one is configured."""
    after = load_calls(rubric, inputs, other_rubrics=other_rubrics, progress=progress, on_files=on_files,
                       roster=roster)
    before = Loaded(after.calls, list(after.findings), after.files, after.notes, roster=roster)
    if appeals is not None:
        register_appeals(rubric, after, Path(appeals), policy)  # replaces after.calls, keeps before's
    if store is not None:
        record_in_store(store, rubric, after, command="daily", appeals=appeals)
    return before, after


def period_vouchers(rubric: Rubric, before: Loaded, after: Loaded, period: Period, *, lead=None,
                    appeals_given: bool = False) -> list:
    """The vouchers of the period's serious calls (counted: duplicates dropped, calibration once)."""
    b = counted_calls(rubric, before.select(period)[0], lead=lead)[0]
    a = counted_calls(rubric, after.select(period)[0], lead=lead)[0] if appeals_given else None
    # A ledger rubric's escalation counts the agents' offences before the period too.
    hb = history_before(rubric, before, period.start, lead=lead)
    ha = history_before(rubric, after, period.start, lead=lead) if appeals_given else None
    return vouchers(rubric, b, a, after.appeals_of(period) if appeals_given else None, history=hb, history_after=ha)


def roster_agents(roster) -> Roster | None:
    """The agents of the roster file, for the check of agent ids; None without a roster, or when it
    holds only an inspector list (no 工号 column): the ids are then not checked, and the log says so."""
    if not roster:
        return None
    try:  # a file that cannot be read, or a 工号 for two people, is refused (InputFileError)
        return read_roster(Path(roster))
    except RosterWithoutIdsError:
        return None


def expected_inspectors(roster, inspectors: list[str] | None) -> tuple[list[str] | None, str]:
    """The inspector list and where it came from: `--inspectors`, else the roster's list."""
    if inspectors:
        return list(inspectors), "--inspectors 指定的名单"
    if roster:
        from zhijian.files.inspectors import read_inspectors

        found, where = read_inspectors(Path(roster))
        if found is None:
            return None, f"{where};改用前 {LOOKBACK_DAYS} 天交过评分表的质检员"
        return found, where
    return None, ""


def daily_package(rubric: Rubric, inputs: list[str], *, date: dt.date | None = None, roster=None,
                  inspectors: list[str] | None = None, on_duty: str | None = None,
                  rotation: list[str] | None = None, repeat_times: int = REPEAT_TIMES,
                  repeat_window: str | int = WEEK, quota_per_day: int = QUOTA_PER_DAY,
                  points: int = BRIEFING_POINTS, lead: str | None = None, appeals=None,
                  policy: AppealPolicy = AppealPolicy(), rubric_source: str | None = None, other_rubrics=(),
                  progress=None, on_files=None, store: Path | None = None) -> DailyPackage:
    """The day's package of `date` (default: the latest day holding at least half as many calls
    as the busiest, as `consolidate --period day` chooses); the sheets go into the history
    `store` when one is configured."""
    before, after = load_both(rubric, inputs, appeals=appeals, policy=policy, other_rubrics=other_rubrics,
                              progress=progress, on_files=on_files, store=store, roster=roster_agents(roster))
    dates = after.dates()
    day = date or (main_period_date("day", dates) if dates else dt.date.today())
    expected, source = expected_inspectors(roster, inspectors)
    report = build_daily(rubric, after, day, lead=lead, inspectors=expected, inspectors_source=source,
                         on_duty=on_duty, rotation=rotation or (expected if expected and on_duty else None),
                         repeat_times=repeat_times, repeat_window=repeat_window, quota_per_day=quota_per_day,
                         points=points)
    check_something(report.analysis.account, f"{day:%Y-%m-%d}",
                    period_notes(after, after.select(Period(day, day)).calls, f"{day:%Y-%m-%d}", lead))
    period = Period(day, day)
    reg = PenaltyRegister(rubric, period, f"{day:%Y-%m-%d}", f"{day:%Y-%m-%d}",
                          period_vouchers(rubric, before, after, period, lead=lead, appeals_given=appeals is not None),
                          appeals_given=appeals is not None)
    _, findings, _ = after.select(period)
    prov = Provenance.of("daily", rubric, rubric_source or rubric.id, after.files, appeals=appeals, roster=roster,
                         options={
        "date": day.isoformat(), "roster": str(roster) if roster else None,
        "inspectors": ",".join(inspectors) if inspectors else None, "on_duty": on_duty,
        "rotation": ",".join(rotation) if rotation else None, "repeat_times": repeat_times,
        "repeat_window": str(repeat_window), "quota_per_day": quota_per_day, "points": points, "lead": lead,
        **policy_options(policy, appeals)})
    day_files = {str(f) for f, d in zip(after.calls["file"].tolist(), after.calls["date"].tolist()) if d == day}
    return DailyPackage(report, reg, findings, after.files, after.notes, after.appeals_of(period), prov,
                        sheet_files=[p for p in after.files if str(p) in day_files], store=store)


def write_daily_package(pkg: DailyPackage, out_dir: Path) -> dict[str, Path]:
    """Write the 质检日志, the day's 扣分凭单 and the zip of the day's 评分表 into `out_dir`."""
    from zhijian.files.archive import write_zip
    from zhijian.reports.daily_workbook import write_daily_workbook
    from zhijian.reports.penalties_workbook import write_penalties_workbook

    out_dir = Path(out_dir)
    day = pkg.report.day
    targets = [out_dir / names.daily_log_name(day), out_dir / names.vouchers_name(day)]
    guard_report(pkg, *targets, *([out_dir / names.sheets_zip_name(day)] if pkg.sheet_files else []))
    written = {"log": write_daily_workbook(pkg.report, out_dir / names.daily_log_name(day),
                                           vouchers=pkg.register.vouchers, findings=pkg.findings,
                                           sources=[str(f) for f in pkg.files], appeals=pkg.appeals,
                                           provenance=pkg.provenance)}
    written["vouchers"] = write_penalties_workbook(pkg.register, out_dir / names.vouchers_name(day),
                                                   appeals=pkg.appeals, provenance=pkg.provenance)
    if pkg.sheet_files:
        written["zip"] = write_zip(out_dir / names.sheets_zip_name(day), pkg.sheet_files)
    pkg.written = written
    return written


# --- the month's 扣罚登记表 -------------------------------------------------------------------------

@dataclass
class PenaltiesResult:
    register: PenaltyRegister
    files: list[Path]
    notes: list[str]
    appeals: list[AppealOutcome] | None
    provenance: Provenance
    output: Path | None = None
    account: RowAccount | None = None  # what became of every row read (the month's)
    findings: list = field(default_factory=list)  # the findings of the month's rows (排除与重复)


def penalties_register(rubric: Rubric, inputs: list[str], *, month: str | None = None, lead: str | None = None,
                       appeals=None, policy: AppealPolicy = AppealPolicy(), rubric_source: str | None = None,
                       other_rubrics=(), progress=None, on_files=None, roster=None) -> PenaltiesResult:
    """The 服务质量扣罚登记表 of `month` ("2026-10"; default: the latest month, as consolidate
    chooses): one voucher per serious call, with its status from the appeals register; agent ids
    not on the `roster` get none."""
    before, after = load_both(rubric, inputs, appeals=appeals, policy=policy, other_rubrics=other_rubrics,
                              progress=progress, on_files=on_files, roster=roster_agents(roster))
    if month:
        period = parse_period(month)
    else:
        dates = after.dates()
        period = period_of("month", main_period_date("month", dates) if dates else dt.date.today())[0]
    label = f"{period.start.year}年{period.start.month}月"
    sel = after.select(period)
    account = analyse(rubric, sel.calls, lead=lead, account=sel.account).account
    check_something(account, label, period_notes(after, sel.calls, label, lead))
    reg = PenaltyRegister(rubric, period, label, f"{period.start:%Y-%m}",
                          period_vouchers(rubric, before, after, period, lead=lead, appeals_given=appeals is not None),
                          appeals_given=appeals is not None)
    prov = Provenance.of("penalties", rubric, rubric_source or rubric.id, after.files, appeals=appeals,
                         roster=roster, options={"month": f"{period.start:%Y-%m}", "lead": lead,
                                  "roster": str(roster) if roster else None, **policy_options(policy, appeals)})
    return PenaltiesResult(reg, after.files, after.notes, after.appeals_of(period), prov, account=account,
                           findings=sel.findings)


def write_penalties(result: PenaltiesResult, output: Path) -> Path:
    from zhijian.reports.penalties_workbook import write_penalties_workbook

    guard_report(result, Path(output))
    result.output = write_penalties_workbook(result.register, Path(output), appeals=result.appeals,
                                             provenance=result.provenance, account=result.account,
                                             findings=result.findings)
    return result.output
