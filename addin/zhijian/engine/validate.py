"""Validation (校验) and scoring of sheets held in memory.

`check_grids` is what both doors call: the CLI after reading files, the ribbon after reading the
open workbook's used range. It reads each sheet, adds the checks that need several rows
(duplicates, roster, period, recorded totals) and scores every call with the engine.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .findings import Finding, Rule, Severity, ValidationReport
from .periods import Period
from .reader import Grid, SheetRead, calls_frame, read_grid
from .rubric import Rubric, fmt_number
from .scoring import score_frame



@dataclass
class Checked:
    """Every sheet read, the scored calls of all of them, and the findings."""

    sheets: list[SheetRead] = field(default_factory=list)
    calls: pd.DataFrame = field(default_factory=pd.DataFrame)
    report: ValidationReport = field(default_factory=ValidationReport)

    @property
    def valid_calls(self) -> pd.DataFrame:
        """Calls without an error finding: the ones that count in the figures."""
        if self.calls.empty:
            return self.calls
        return self.calls[~self.calls["has_error"]]


def check_grids(rubric: Rubric, grids: Iterable[Grid], *, roster: set[str] | None = None,
                period: Period | None = None, other_rubrics: Sequence[Rubric] = (),
                require_fields: bool = True) -> Checked:
    """Read, validate and score sheets (`require_fields=False` for scoring alone: a sheet of item
    scores without 日期/工号/录音编号 columns). Sheets of a workbook that have no item headers at all are
    skipped when another sheet of the same file maps; a file none of whose sheets maps gets the
    finding of its first sheet."""
    out = Checked()
    by_file: dict[str, list[SheetRead]] = {}
    for grid in grids:
        by_file.setdefault(grid.file, []).append(read_grid(rubric, grid, other_rubrics=other_rubrics,
                                                           require_fields=require_fields))
    mapped_reads: list[SheetRead] = []
    for reads in by_file.values():
        mapped = [r for r in reads if r.mapped]
        if not mapped:
            unmapped = next((r for r in reads if r.header_row is not None), reads[0])
            out.sheets.append(unmapped)
            out.report.extend(unmapped.findings)
            continue
        for read in mapped:
            out.sheets.append(read)
            out.report.extend(read.findings)
        mapped_reads += mapped
        out.report.extend(_duplicates(mapped))
    for read in mapped_reads:
        out.report.extend(_row_checks(rubric, read, roster, period))
    reads = [r for r in mapped_reads if r.n_calls]
    # Always a full table (every column, possibly no row), so callers never special-case "empty".
    all_calls = calls_frame(reads)
    for it in rubric.items:
        if it.name not in all_calls.columns:
            all_calls[it.name] = pd.Series(dtype=float)
    scored = score_frame(rubric, all_calls)
    # The engine's error_deduction/fatal_errors (as applied) replace the values as read.
    all_calls = pd.concat([all_calls.drop(columns=scored.columns, errors="ignore"), scored], axis=1)
    # A wrong score already explains a wrong total: report the cause, not its echo.
    score_rows = {(f.file, f.sheet, f.row) for f in out.report.findings
                  if f.row is not None and str(f.rule).startswith(("score.", "formula.", "bonus.",
                                                                  "deduction.", "flag.", "fatal.",
                                                                  "error_deduction.", "offence."))}
    out.report.extend(_total_checks(all_calls, {(r.file, r.sheet): r for r in mapped_reads}, score_rows))
    error_rows = {(f.file, f.sheet, f.row) for f in out.report.findings
                  if f.severity == Severity.ERROR and f.row is not None}
    keys = zip(all_calls["file"].tolist(), all_calls["sheet"].tolist(), all_calls["row"].tolist())
    all_calls["has_error"] = np.array([k in error_rows for k in keys], dtype=bool)
    out.calls = all_calls
    out.report.rows = len(out.calls)
    out.report.findings.sort(key=_finding_order)
    return out


def _finding_order(f: Finding):
    m = re.match(r"([A-Z]+)(\d+)", f.cell or "")
    row, col = (int(m.group(2)), (len(m.group(1)), m.group(1))) if m else (0, (0, ""))
    return (f.file, f.sheet, row, col, str(f.rule))


def _duplicates(reads: list[SheetRead]) -> list[Finding]:
    """The same recording twice by the same inspector in one file is a duplicate; scored by
    different inspectors it is a calibration case (质检校正), not a mistake."""
    seen: dict[tuple[str, str], tuple[SheetRead, int]] = {}
    out = []
    for read in reads:
        for rid, insp, row in zip(read.data.get("recording_id", []), read.data.get("inspector", []),
                                  read.data.get("row", [])):
            if not rid:
                continue
            key = (rid, insp)
            if key in seen:
                first, first_row = seen[key]
                where = f"{first.cell_ref(first_row, 'recording_id')}" if first is read else \
                    f"{first.sheet}!{first.cell_ref(first_row, 'recording_id')}"
                out.append(Finding.of(Rule.RECORDING_DUPLICATE, read.file, read.sheet,
                                      read.cell_ref(row, "recording_id"), value=rid, row=row,
                                      recording_id=rid, first=where))
            else:
                seen[key] = (read, row)
    return out


def _row_checks(rubric: Rubric, read: SheetRead, roster: set[str] | None, period: Period | None) -> list[Finding]:
    out = []
    for row, agent, date in zip(read.data.get("row", []), read.data.get("agent_id", []),
                                 read.data.get("date", [])):
        if roster is not None and agent and agent not in roster:
            out.append(Finding.of(Rule.AGENT_UNKNOWN, read.file, read.sheet, read.cell_ref(row, "agent_id"),
                                  value=agent, row=row, agent_id=agent))
        if period is not None and isinstance(date, dt.date) and date not in period:
            out.append(Finding.of(Rule.DATE_OUT_OF_PERIOD, read.file, read.sheet, read.cell_ref(row, "date"),
                                  value=f"{date:%Y-%m-%d}", row=row, date=date, period=period.describe()))
    return out


def _total_checks(calls: pd.DataFrame, reads: dict[tuple[str, str], SheetRead],
                  skip: set[tuple[str, str, int]]) -> list[Finding]:
    out = []
    recorded = calls["recorded_total"].to_numpy(dtype=float)
    final = calls["final_score"].to_numpy(dtype=float)
    bad = ~np.isnan(recorded) & (np.abs(recorded - final) > 0.005)
    for i in np.flatnonzero(bad):
        read = reads[(calls["file"].iat[i], calls["sheet"].iat[i])]
        row = int(calls["row"].iat[i])
        if (read.file, read.sheet, row) in skip:
            continue
        out.append(Finding.of(Rule.TOTAL_MISMATCH, read.file, read.sheet, read.cell_ref(row, "total"),
                              value=recorded[i], row=row, recorded=fmt_number(recorded[i]),
                              computed=fmt_number(final[i])))
    return out
