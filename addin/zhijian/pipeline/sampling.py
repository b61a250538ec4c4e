"""The 抽检计划 job both doors run: the call list (grids), the roster and the recordings already
scored in -> `sampling.make_plan` -> the plan workbook and each inspector's prefilled 评分表.

`plan_from_grids` is the job over grids (the ribbon hands over the open workbook's sheets);
`plan_from_files` reads the files first (the CLI), and `write_plan` writes the outputs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import pandas as pd

from zhijian.engine.calllist import CallList, Roster, read_call_list, read_roster_grids, unknown_agent_findings
from zhijian.engine.findings import Finding
from zhijian.engine.reader import Grid
from zhijian.engine.rubric import Rubric
from zhijian.engine.sampling import Plan, SamplingRule, make_plan
from zhijian.errors import InputFileError, NothingToReport
from zhijian.files.inputs import expand_inputs
from zhijian.files.provenance import Provenance, file_sha256
from zhijian.files.workbooks import read_grids

from .load import load_calls


@dataclass
class SampleResult:
    plan: Plan
    calls: CallList
    roster: Roster
    findings: list[Finding]  # the call list's, and the agents not on the roster
    files: list[Path] = field(default_factory=list)  # the call-list files
    notes: list[str] = field(default_factory=list)
    provenance: Provenance | None = None
    outputs: list[Path] = field(default_factory=list)  # the plan workbook, then the 评分表

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)


class NoInspectorsError(InputFileError):
    """Neither the roster nor the caller names an inspector (each door says how to give them)."""


def plan_day(calls: CallList, day: dt.date | None) -> tuple[dt.date, list[str]]:
    """The day to plan: `day`, else the latest day of the list's calls (with a note when the list
    holds several)."""
    if day is not None:
        return day, []
    dates = calls.dates()
    if not dates:
        raise InputFileError("通话记录中没有带日期的通话,无法确定抽检哪一天,请指定日期")
    latest = max(dates)
    if len(dates) == 1:
        return latest, []
    return latest, [f"通话记录包含 {len(dates)} 天的通话,按最晚的 {latest:%Y-%m-%d} 抽取"]


def plan_from_grids(grids: Sequence[Grid], roster: Roster, *, day: dt.date | None = None,
                    inspectors: Sequence[str] | None = None, rule: SamplingRule = SamplingRule(),
                    seed: int | None = None, scored: set[str] | frozenset[str] = frozenset()) -> SampleResult:
    """The 抽检计划 of `day` (default: see `plan_day`) from the call list's sheets."""
    calls = read_call_list(grids, day)
    if not calls.readable:
        raise InputFileError("\n".join(f"{Path(f.file).name} {f.sheet}{' ' + f.cell if f.cell else ''}: {f.message}"
                                       for f in calls.findings) or "没有可读取的通话记录")
    notes: list[str] = []
    if day is None:
        day, notes = plan_day(calls, None)
        calls = read_call_list(grids, day)  # a start holding only a time takes the day now known
    names = list(inspectors or roster.inspectors)
    if not names:
        raise NoInspectorsError("没有质检员名单: 人员名单中没有“质检员”列,也没有另外指定质检员")
    findings = sorted(calls.findings + unknown_agent_findings(calls, roster.ids), key=finding_order) \
        + list(getattr(roster, "findings", ()))
    plan = make_plan(calls.valid, roster.agents, names, day, rule=rule, seed=seed, scored=scored,
                     excluded=excluded_rows(calls, day))
    if not plan.draws:
        dates = calls.dates()
        span = f"(通话记录中的日期为 {_span(dates)})" if dates else ""
        raise NothingToReport("\n".join([f"{day:%Y-%m-%d} 没有可抽取的录音,未生成抽检计划{span}", *notes, *plan.notes]),
                              exit_code=1)
    return SampleResult(plan, calls, roster, findings, notes=notes)


def excluded_rows(calls: CallList, day: dt.date) -> dict[str, int]:
    """Per agent, the call list's rows a finding leaves out that may be the day's (its start on
    the day, or unreadable): an agent short of calls for them is said to be, not to have none."""
    bad = calls.calls[calls.calls["has_error"].to_numpy(dtype=bool)]
    out: dict[str, int] = {}
    for aid, start in zip(bad["agent_id"].tolist(), bad["start"].tolist()):
        on_other_day = isinstance(start, dt.datetime) and not pd.isna(start) and start.date() != day  # NaT: unreadable
        if isinstance(aid, str) and aid and not on_other_day:
            out[aid] = out.get(aid, 0) + 1
    return out


def _span(dates) -> str:
    first, last = min(dates), max(dates)
    return f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}"


def finding_order(f: Finding) -> tuple:
    """By file, sheet, row, then column (a sheet-wide finding first)."""
    m = re.match(r"([A-Z]+)(\d+)$", f.cell or "")
    return (f.file, f.sheet, int(m.group(2)) if m else 0, (len(m.group(1)), m.group(1)) if m else (0, ""))


def read_roster(path: Path) -> Roster:
    return read_roster_grids(read_grids(Path(path)), str(path))


def scored_recordings(rubric: Rubric, inputs: Sequence[str]) -> set[str]:
    """Every 录音编号 of the 评分表 in `inputs` (rows with findings too: they were listened to)."""
    return scored_and_unread(rubric, inputs)[0]


def scored_and_unread(rubric: Rubric, inputs: Sequence[str]) -> tuple[set[str], list[str]]:
    """`scored_recordings`, and a note for each earlier sheet none of whose rows could be read
    (its recordings may be drawn again)."""
    from zhijian.engine.accounting import unreadable_inputs

    loaded = load_calls(rubric, list(inputs))
    notes = [f"以往评分表 {Path(u.file).name}{' / ' + u.sheet if u.sheet else ''} 未能读取,其中的录音可能再次抽取: "
             f"{u.message}" for u in unreadable_inputs(loaded.findings)]
    return {r for r in loaded.calls["recording_id"].tolist() if isinstance(r, str) and r}, notes


def plan_from_files(rubric: Rubric, inputs: Sequence[str], roster_path: Path, *, day: dt.date | None = None,
                    inspectors: Sequence[str] | None = None, rule: SamplingRule = SamplingRule(),
                    seed: int | None = None, exclude_scored: Sequence[str] = (),
                    rubric_source: str | None = None) -> SampleResult:
    """`plan_from_grids` over call-list files (a file that cannot be read stops the job)."""
    files, notes = expand_inputs(list(inputs))
    if not files:
        raise InputFileError("没有找到可读取的通话记录文件: " + " ".join(inputs))
    grids = [g for f in files for g in read_grids(f)]
    roster = read_roster(roster_path)
    scored, unread = scored_and_unread(rubric, exclude_scored) if exclude_scored else (set(), [])
    result = plan_from_grids(grids, roster, day=day, inspectors=inspectors, rule=rule, seed=seed, scored=scored)
    if unread:
        result.plan = replace(result.plan, notes=result.plan.notes + tuple(unread))
    result.files, result.notes = files, notes + result.notes
    exclude_files, _ = expand_inputs(list(exclude_scored)) if exclude_scored else ([], [])
    r = rule
    result.provenance = Provenance.of("sample", rubric, rubric_source or rubric.id, files, roster=roster_path,
                                      options={
        "date": result.plan.date.isoformat(), "seed": result.plan.seed, "per_agent": r.per_agent,
        "rounds": r.rounds, "min_duration": r.min_duration,
        "hours": f"{r.hours[0]:%H:%M}-{r.hours[1]:%H:%M}" if r.hours else None,
        "inspectors": ",".join(inspectors) if inspectors else None,
        "roster": os.path.abspath(roster_path), "roster_sha256": file_sha256(roster_path),
        "exclude_scored": [[os.path.abspath(p), file_sha256(p)] for p in exclude_files] or None})
    return result


def write_plan(result: SampleResult, rubric: Rubric, out_dir: Path) -> list[Path]:
    """The prefilled 评分表 of every inspector and the 抽检计划 workbook into `out_dir`."""
    from zhijian.reports.sample_workbook import plan_file_name, sheet_file_name, write_plan_sheets, write_plan_workbook

    from .jobs import guard_report

    out_dir = Path(out_dir)
    check_replaced_plan(result.plan, out_dir / plan_file_name(result.plan.date))
    guard_report(result, out_dir / plan_file_name(result.plan.date),
                 *(out_dir / sheet_file_name(result.plan.date, g.inspector) for g in result.plan.groups))
    sheets = write_plan_sheets(result.plan, rubric, out_dir)
    plan_path = write_plan_workbook(result.plan, out_dir / plan_file_name(result.plan.date),
                                    findings=result.findings, provenance=result.provenance,
                                    sheet_files={k: v.name for k, v in sheets.items()},
                                    call_sheets=result.calls.sheets)
    result.outputs = [plan_path, *sheets.values()]
    return result.outputs


def check_replaced_plan(plan: Plan, path: Path) -> None:
    """Refuse to replace the day's 抽检计划 already at `path` (zhijian's) by one drawing other
    calls: the 评分表 sent out with it (perhaps moved to the inspectors' own folders) would no
    longer match the plan `monthly --plans` checks them against. The same draws are written again."""
    from zhijian.engine.plan_check import read_plan_grid
    from zhijian.files.guard import zhijian_output

    if not path.is_file() or zhijian_output(path) is None:
        return  # none, or not zhijian's: guard_outputs refuses the latter
    try:
        found = [p for p in (read_plan_grid(g) for g in read_grids(path)) if p is not None]
    except InputFileError:
        return  # unreadable: guard_outputs decides
    old = {(str(i), str(r)) for f in found for i, r in zip(f["inspector"], f["recording_id"])}
    new = {(d.inspector, d.recording_id) for d in plan.draws}
    if old != new:
        raise InputFileError(f"抽检计划 {path} 已存在,抽取的录音与这次不同(原计划 {len(old)} 通,这次 {len(new)} 通,"
                             f"有 {len(old ^ new)} 通不同);已发出的评分表会与新计划不符,未覆盖。"
                             "请换一个输出文件夹,或先移走原计划")
