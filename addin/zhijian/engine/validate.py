"""Validation (校验) and scoring of sheets held in memory.

`check_grids` is what both doors call: the CLI after reading files, the ribbon after reading the
open workbook's used range. It reads each sheet, adds the checks that need several rows
(duplicates, roster, period, recorded totals) and scores every call with the engine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from .findings import Finding, Rule, Severity, ValidationReport
from .periods import Period
from .accounting import SHEET_REFUSALS
from .columns import FIELD_ALIASES
from .reader import Grid, SheetRead, calls_frame, read_grid
from .rubric import Rubric, fmt_number
from .scoring import score_frame

FIELD_KEYS = set(FIELD_ALIASES)  # date, inspector, …, remarks, total: not part of the score


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
    reads = [read_grid(rubric, grid, other_rubrics=other_rubrics, require_fields=require_fields) for grid in grids]
    return check_reads(rubric, reads, roster=roster, period=period)


def check_reads(rubric: Rubric, sheet_reads: Iterable[SheetRead], *, roster: set[str] | None = None,
                period: Period | None = None) -> Checked:
    """`check_grids` after each sheet was read (`reader.read_grid`), e.g. by several processes
    or taken from a cache: the checks across rows and sheets, and the scores."""
    out = Checked()
    by_file: dict[str, list[SheetRead]] = {}
    for read in sheet_reads:
        by_file.setdefault(read.file, []).append(read)
    mapped_reads: list[SheetRead] = []
    files: list[list[SheetRead]] = []  # the mapped sheets of each file
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
        # Another sheet of the same form that cannot be read (a column missing, pasted from an
        # older copy), or a 评分表 of another form, is named as it would be alone in its file, never
        # dropped in silence because a sibling sheet could be read; sheets naming few of the form's
        # items and no call's 日期, 坐席工号 and 录音编号 (说明, 统计) stay quiet.
        for read in reads:
            if not read.mapped and (_names_most_items(rubric, read) or _holds_calls(read)):
                out.sheets.append(read)
                out.report.extend(read.findings)
        mapped_reads += mapped
        files.append(mapped)
    by_read = {(r.file, r.sheet): r for r in mapped_reads}
    # A 录音编号 whose last digits Excel zeroed names no one recording: not compared with others.
    lost = {(f.file, f.sheet, f.row) for f in out.report.findings if f.rule == Rule.FIELD_DIGITS_LOST
            and f.row is not None and (r := by_read.get((f.file, f.sheet))) and r.key_at(f.cell) == "recording_id"}
    repeated = _repeated_rows(mapped_reads)  # the rows the checks across one recording's rows look at
    out.report.extend(_agent_conflicts(mapped_reads, repeated, lost))
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
    by_sheet = {(r.file, r.sheet): r for r in mapped_reads}
    out.report.extend(_none_applicable(rubric, all_calls, by_sheet, unscorable_rows(out.report.findings, by_sheet)))
    unscorable = unscorable_rows(out.report.findings, by_sheet)
    keys = list(zip(all_calls["file"].tolist(), all_calls["sheet"].tolist(), all_calls["row"].tolist()))
    all_calls["scorable"] = np.array([k not in unscorable for k in keys], dtype=bool)
    # A row that cannot be scored has no score: never full marks for a cell that could not be read.
    no_score = ~all_calls["scorable"].to_numpy(dtype=bool)
    all_calls.loc[no_score, ["call_score", "final_score"]] = np.nan
    all_calls.loc[no_score, "grade"] = ""
    # A wrong score already explains a wrong total: report the cause, not its echo.
    out.report.extend(_total_checks(rubric, all_calls, by_sheet, unscorable))
    # A sheet-level error that refuses the sheet (its totals do not fit the rubric) excludes every row.
    refused = {(f.file, f.sheet) for f in out.report.findings if f.rule in SHEET_REFUSALS}
    # Duplicates last: of a recording's rows in one file, the first without an error is the one counted.
    in_error = _error_rows(out.report.findings)
    for reads_of_file in files:
        out.report.extend(_duplicates(reads_of_file, lambda k: k in in_error or k[:2] in refused, lost))
    error_rows = _error_rows(out.report.findings)

    def not_counted(k: tuple[str, str, int]) -> bool:
        return k in error_rows or k[:2] in refused

    out.report.extend(_calibration_rows_invalid(mapped_reads, repeated, not_counted))
    out.report.extend(_calibration_dates(mapped_reads, repeated, not_counted))
    all_calls["has_error"] = np.array([not_counted(k) for k in keys], dtype=bool)
    out.calls = all_calls
    out.report.rows = len(out.calls)
    out.report.findings.sort(key=_finding_order)
    return out


def _holds_calls(read: SheetRead) -> bool:
    """Whether a sheet that cannot be read is a 评分表 all the same: another rubric's, or one whose
    header names a call's 日期, 坐席工号 and 录音编号 (one row per call, of a form we do not know)."""
    return any(f.rule == Rule.SHEET_OTHER_RUBRIC or (f.rule == Rule.SHEET_UNMAPPED and f.params.get("calls_header"))
               for f in read.findings)


def _names_most_items(rubric: Rubric, read: SheetRead) -> bool:
    """Whether a sheet's header row names more than half of the form's items and offences: a
    评分表 of this form, not a 说明 or 统计 sheet beside it."""
    keys = [it.name for it in rubric.items] + [f"offence:{o.id}" for o in rubric.offences]
    return read.header_row is not None and 2 * sum(k in read.columns for k in keys) > len(keys)


def _none_applicable(rubric: Rubric, calls: pd.DataFrame, reads: dict[tuple[str, str], SheetRead],
                     unscorable: set[tuple[str, str, int]]) -> list[Finding]:
    """A readable row every item of which is excluded (`na: exclude`) has no score: one finding
    at its first item's cell, never a silent number."""
    if not rubric.excludes or not len(calls):
        return []
    out = []
    final = calls["final_score"].to_numpy(dtype=float)
    first = rubric.items[0].name
    for i in np.flatnonzero(np.isnan(final)):
        f, sh, row = calls["file"].iat[i], calls["sheet"].iat[i], int(calls["row"].iat[i])
        if (f, sh, row) in unscorable:
            continue
        read = reads.get((f, sh))
        out.append(Finding.of(Rule.SCORE_NONE_APPLICABLE, f, sh, read.cell_ref(row, first) if read else "",
                              row=row))
    return out


# Findings that make a row's score unknowable: a cell the score is made of could not be read.
SCORING_RULE_PREFIXES = ("score.", "bonus.", "deduction.", "flag.", "fatal.", "error_deduction.", "offence.",
                         # a 加倍 count above its offence's: how many doublings to charge is unknown
                         Rule.COMPLAINT_EXCEEDS_OFFENCES.value)
_SCORING_KINDS = ("bonus:", "deduction:", "zero:", "offence:", "complaint:")


def unscorable_rows(findings: Iterable[Finding], reads: dict[tuple[str, str], SheetRead]
                    ) -> set[tuple[str, str, int]]:
    """(file, sheet, row) of the rows whose score cannot be computed: an error finding on a cell the
    score is made of (an item, a bonus or deduction count, a flag, 致命性错误, 差错扣分, an offence),
    including a formula error (#REF!…) in such a cell."""
    out = set()
    for f in findings:
        if f.row is None or f.severity != Severity.ERROR:
            continue
        if str(f.rule).startswith(SCORING_RULE_PREFIXES):
            out.add((f.file, f.sheet, f.row))
        elif f.rule == Rule.FORMULA_ERROR and _scoring_cell(reads.get((f.file, f.sheet)), f.cell):
            out.add((f.file, f.sheet, f.row))
    return out


def _scoring_cell(read: SheetRead | None, cell: str) -> bool:
    if read is None:
        return False
    key = read.key_at(cell)
    if key is None:
        return False
    return key in ("fatal_errors", "error_deduction") or key.startswith(_SCORING_KINDS) or \
        key not in FIELD_KEYS


def _finding_order(f: Finding):
    m = re.match(r"([A-Z]+)(\d+)", f.cell or "")
    row, col = (int(m.group(2)), (len(m.group(1)), m.group(1))) if m else (0, (0, ""))
    return (f.file, f.sheet, row, col, str(f.rule))


def _error_rows(findings: Iterable[Finding]) -> set[tuple[str, str, int]]:
    return {(f.file, f.sheet, f.row) for f in findings if f.severity == Severity.ERROR and f.row is not None}


def _duplicates(reads: list[SheetRead], in_error: Callable[[tuple[str, str, int]], bool],
                lost: set[tuple[str, str, int]] = frozenset()) -> list[Finding]:
    """The same recording twice by the same inspector in one file is a duplicate; scored by
    different inspectors it is a calibration case (质检校正), not a mistake. The row counted is the
    first one without an error (`in_error`), else the first: the later rows are the duplicates, and
    a row with an error before the counted one says which row counts (a warning: its own error
    already excludes it), so a corrected second row is never lost as a duplicate."""
    groups: dict[tuple[str, str], list[tuple[SheetRead, int]]] = {}
    for read in reads:
        for rid, insp, row in zip(read.data.get("recording_id", []), read.data.get("inspector", []),
                                  read.data.get("row", [])):
            if rid and (read.file, read.sheet, row) not in lost:
                groups.setdefault((rid, insp), []).append((read, row))
    out = []
    for (rid, _), group in groups.items():
        if len(group) < 2:
            continue
        at = next((i for i, (r, n) in enumerate(group) if not in_error((r.file, r.sheet, n))), 0)
        first, first_row = group[at]
        for i, (read, row) in enumerate(group):
            if i == at:
                continue
            where = f"{first.cell_ref(first_row, 'recording_id')}" if first is read else \
                f"{first.sheet}!{first.cell_ref(first_row, 'recording_id')}"
            variant = "corrected" if i < at else "counted" if at else None
            out.append(Finding.of(Rule.RECORDING_DUPLICATE, read.file, read.sheet,
                                  read.cell_ref(row, "recording_id"), value=rid, row=row, variant=variant,
                                  recording_id=rid, first=where))
    return out


def _repeated_rows(reads: list[SheetRead]) -> list[list[int]]:
    """For each read, the indices of its rows whose recording id another row (of any read) has
    too: the checks across rows of one recording look at these only (a month has ~30,000 rows and
    few repeats; looking at all of them in each check was half the checks' time)."""
    counts = Counter(rid for read in reads for rid in read.data.get("recording_id", []) if rid)
    repeated = {rid for rid, n in counts.items() if n > 1}
    if not repeated:
        return [[] for _ in reads]
    return [[i for i, rid in enumerate(read.data.get("recording_id", [])) if rid in repeated] for read in reads]


def _pick(values: list, idx: list[int]) -> list:
    return [values[i] for i in idx] if values else []


def _agent_conflicts(reads: list[SheetRead], repeated: list[list[int]],
                     lost: set[tuple[str, str, int]] = frozenset()) -> list[Finding]:
    """A recording whose rows name different agents, scored by several inspectors (a calibration
    case) or twice by one: an error at every such row's 坐席工号, so the call is counted for no
    agent rather than for whichever row was read first."""
    rows: dict[str, list[tuple[SheetRead, int, str, str]]] = {}
    for read, idx in zip(reads, repeated):
        d = read.data
        for rid, insp, agent, row in zip(_pick(d.get("recording_id", []), idx), _pick(d.get("inspector", []), idx),
                                         _pick(d.get("agent_id", []), idx), _pick(d.get("row", []), idx)):
            if rid and agent and (read.file, read.sheet, row) not in lost:
                rows.setdefault(rid, []).append((read, row, str(insp), str(agent)))
    out = []
    for rid, group in rows.items():
        if len({g[3] for g in group}) < 2:
            continue
        variant = "same_inspector" if len({g[2] for g in group}) == 1 else None
        for read, row, _, agent in group:
            others = "、".join(f"{insp} 在 {PurePath(str(r.file)).name} {r.sheet}!{r.cell_ref(n, 'agent_id')}"
                              f" 填的是“{a}”" for r, n, insp, a in group if a != agent)
            out.append(Finding.of(Rule.RECORDING_AGENT_DIFFERS, read.file, read.sheet,
                                  read.cell_ref(row, "agent_id"), value=agent, row=row, variant=variant,
                                  recording_id=rid, agent_id=agent, others=others))
    return out


def _calibration_rows_invalid(reads: list[SheetRead], repeated: list[list[int]],
                              in_error: Callable[[tuple[str, str, int]], bool]
                              ) -> list[Finding]:
    """A calibration recording one inspector's row of which has an error, while another inspector's
    is valid: a warning at the row in error saying that it takes no part in the calibration and the
    recording counts at the other inspectors' valid scorings (one valid scoring: that one)."""
    rows: dict[str, list[tuple[SheetRead, int, str, bool]]] = {}
    for read, idx in zip(reads, repeated):
        d = read.data
        for rid, insp, row in zip(_pick(d.get("recording_id", []), idx), _pick(d.get("inspector", []), idx),
                                  _pick(d.get("row", []), idx)):
            if rid:
                rows.setdefault(rid, []).append((read, row, str(insp), in_error((read.file, read.sheet, row))))
    out = []
    for rid, group in rows.items():
        for read, row, insp, bad in group:
            valid = [(r, n, i) for r, n, i, b in group if not b and i != insp]
            # (a duplicate of a valid row of the same inspector is that inspector's scoring already)
            if not bad or not valid or any(not b and i == insp for _, _, i, b in group):
                continue
            others = "、".join(f"{i} 在 {PurePath(str(r.file)).name} {r.sheet}!{r.cell_ref(n, 'recording_id')}"
                              for r, n, i in valid)
            out.append(Finding.of(Rule.RECORDING_CALIBRATION_ROW_INVALID, read.file, read.sheet,
                                  read.cell_ref(row, "recording_id"), value=rid, row=row,
                                  recording_id=rid, others=others))
    return out


def _calibration_dates(reads: list[SheetRead], repeated: list[list[int]],
                       in_error: Callable[[tuple[str, str, int]], bool]
                       ) -> list[Finding]:
    """A calibration recording whose inspectors' valid rows carry different dates: a warning at each
    of those dates saying that the recording counts once, on the earliest (`calibration.earliest_dates`
    makes it so), rather than in two periods or on whichever file was read first."""
    rows: dict[str, list[tuple[SheetRead, int, str, dt.date]]] = {}
    for read, idx in zip(reads, repeated):
        d = read.data
        for rid, insp, date, row in zip(_pick(d.get("recording_id", []), idx), _pick(d.get("inspector", []), idx),
                                        _pick(d.get("date", []), idx), _pick(d.get("row", []), idx)):
            if rid and isinstance(date, dt.date) and not in_error((read.file, read.sheet, row)):
                rows.setdefault(rid, []).append((read, row, str(insp), date))
    out = []
    for rid, group in rows.items():
        if len({g[2] for g in group}) < 2 or len({g[3] for g in group}) < 2:
            continue
        first = min(g[3] for g in group)
        for read, row, _, date in group:
            others = "、".join(f"{i} 在 {PurePath(str(r.file)).name} {r.sheet}!{r.cell_ref(n, 'date')}"
                              f" 填的是 {d:%Y-%m-%d}" for r, n, i, d in group if d != date)
            out.append(Finding.of(Rule.RECORDING_DATE_DIFFERS, read.file, read.sheet, read.cell_ref(row, "date"),
                                  value=f"{date:%Y-%m-%d}", row=row, recording_id=rid, date=f"{date:%Y-%m-%d}",
                                  others=others, first=f"{first:%Y-%m-%d}"))
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


# A sheet whose own totals disagree with the rubric on most rows was made for another rule: over
# half of its rows with a recorded total, and at least this many, disagree.
SHEET_MISMATCH_MIN_ROWS = 3
EXAMPLE_ROWS = 3


def _total_checks(rubric: Rubric, calls: pd.DataFrame, reads: dict[tuple[str, str], SheetRead],
                  skip: set[tuple[str, str, int]]) -> list[Finding]:
    """The sheet's own totals against the engine's: the items are the record, so a row whose total
    disagrees counts at the engine's score with a warning (both numbers in it). A sheet where more
    than half of the scorable rows with a recorded total disagree, and at least
    `SHEET_MISMATCH_MIN_ROWS` of them, gets one sheet-level error instead of trust: its rows are not
    counted until the rubric or the sheet is fixed."""
    out = []
    recorded = calls["recorded_total"].to_numpy(dtype=float)
    final = calls["final_score"].to_numpy(dtype=float)
    per_sheet: dict[tuple[str, str], list[tuple[int, float, float]]] = {}
    with_total: dict[tuple[str, str], int] = {}
    for i in np.flatnonzero(~np.isnan(recorded) & ~np.isnan(final)):
        key = (calls["file"].iat[i], calls["sheet"].iat[i])
        row = int(calls["row"].iat[i])
        if (key[0], key[1], row) in skip:
            continue
        with_total[key] = with_total.get(key, 0) + 1
        if abs(recorded[i] - final[i]) > 0.005:
            per_sheet.setdefault(key, []).append((row, recorded[i], final[i]))
    for key, bad in per_sheet.items():
        read = reads[key]
        for row, rec, comp in bad:
            out.append(Finding.of(Rule.TOTAL_MISMATCH, read.file, read.sheet, read.cell_ref(row, "total"),
                                  value=rec, row=row, recorded=fmt_number(rec), computed=fmt_number(comp)))
        if len(bad) >= SHEET_MISMATCH_MIN_ROWS and 2 * len(bad) > with_total[key]:
            examples = "、".join(f"第 {row} 行表中 {fmt_number(rec)}、计算 {fmt_number(comp)}"
                                for row, rec, comp in bad[:EXAMPLE_ROWS])
            out.append(Finding.of(Rule.SHEET_TOTAL_MISMATCH, read.file, read.sheet,
                                  read.cell_ref(read.header_row or 1, "total"), value=len(bad),
                                  recorded_rows=with_total[key], bad_rows=len(bad), rubric=rubric.name,
                                  examples=examples))
    return out
