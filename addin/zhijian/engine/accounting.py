"""Every row read is accounted for (DOMAIN.md, Data rules): the accounting identity of a report.

    rows read = counted + excluded by a finding + outside the period + duplicates
                + calibration copies (+ rows of unknown agents, when a roster is given)

`select` splits the rows read from the inputs for one period (`Loaded.select` calls it): rows
dated outside the period are only counted (the scorings of a calibration recording dated on several
days all belong to its earliest date: it counts once, in one period); a row whose date is blank or unreadable belongs to no
period and is excluded by its finding in every report; a row with an error finding is excluded;
a row repeated in one inspector's file is a duplicate, and so is a row of the period whose recording
the same inspector scored on an earlier date outside it (it counted there); an agent id not on the roster is left out
of everything. `analysis.analyse` then completes the account with what it finds among the valid
rows: duplicates across files, calibration copies (a recording scored by several inspectors
counts once, at its benchmark; its other scorings are copies) and the counted calls. Writers only
show the account; nobody recomputes it. Each row not counted (outside the period aside) is listed
with its reason in `RowAccount.uncounted`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .calibration import earliest_dates
from .findings import Finding
from .periods import Period
from .rules import Rule, Severity

REASON_FINDING = "校验错误"
REASON_DUPLICATE = "重复录音"
REASON_CALIBRATION = "校正副本"
REASON_UNKNOWN_AGENT = "名单外工号"
UNCOUNTED_COLUMNS = ["file", "sheet", "row", "date", "inspector", "agent_id", "recording_id", "final_score",
                     "reason", "detail"]
# Findings that say a whole input could not be read (no row of it is in the count).
UNREADABLE_RULES = {Rule.FILE_UNREADABLE, Rule.SHEET_UNMAPPED, Rule.SHEET_OTHER_RUBRIC}
# Sheet-level errors that refuse every row of their sheet.
SHEET_REFUSALS = {Rule.SHEET_TOTAL_MISMATCH}
# Warnings at a row excluded by its error that name the row counted instead (a corrected row of
# the same inspector, the other inspectors' scorings of a calibration recording): part of its reason.
COUNTED_INSTEAD = {Rule.RECORDING_DUPLICATE, Rule.RECORDING_CALIBRATION_ROW_INVALID}


@dataclass(frozen=True)
class UnreadableInput:
    """An input file (or one of its sheets) of which no row could be read, and why."""

    file: str
    sheet: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "sheet": self.sheet, "message": self.message}


def empty_uncounted() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in UNCOUNTED_COLUMNS})


@dataclass
class RowAccount:
    """The accounting identity of one report; `uncounted` lists each row not counted (outside the
    period aside: those are only counted) with its reason and the finding's words."""

    rows_read: int = 0
    counted: int = 0
    excluded: int = 0  # by an error finding (a blank or unreadable date included)
    outside_period: int = 0
    duplicates: int = 0
    calibration_copies: int = 0
    unknown_agents: int | None = None  # None: no roster given, agent ids were not checked
    unreadable: list[UnreadableInput] = field(default_factory=list)
    uncounted: pd.DataFrame = field(default_factory=empty_uncounted, repr=False)

    @property
    def roster_checked(self) -> bool:
        return self.unknown_agents is not None

    @property
    def accounted(self) -> int:
        return (self.counted + self.excluded + self.outside_period + self.duplicates
                + self.calibration_copies + (self.unknown_agents or 0))

    @property
    def balance(self) -> int:
        """Rows read that no category holds (0 when the identity holds)."""
        return self.rows_read - self.accounted

    def holds(self) -> bool:
        return self.balance == 0

    def identity_text(self) -> str:
        """读取 120 行 = 计入 100 + 校验错误 5 + 统计期外 10 + 重复 2 + 校正副本 3 (+ 名单外工号 0)."""
        parts = [f"计入 {self.counted}", f"{REASON_FINDING} {self.excluded}", f"统计期外 {self.outside_period}",
                 f"重复 {self.duplicates}", f"{REASON_CALIBRATION} {self.calibration_copies}"]
        if self.roster_checked:
            parts.append(f"{REASON_UNKNOWN_AGENT} {self.unknown_agents}")
        return f"读取 {self.rows_read} 行 = " + " + ".join(parts)

    def rows(self) -> list[tuple[str, int | None, str]]:
        """(label, count, note) of each term, for the overview and the 数据来源 sheet."""
        return [("读取行数", self.rows_read, "各输入文件中读到的评分行(标题、空行与合计行除外)"),
                ("计入统计", self.counted, "有效评分,校正录音按基准计一次"),
                ("校验错误排除", self.excluded, "有校验错误的行(含日期为空或无法识别的行),逐行见“排除与重复”"),
                ("统计期外", self.outside_period, "日期不在本统计期的行,只计数,不逐行列出"),
                ("重复录音", self.duplicates, "同一质检员重复评分的录音行,只计第一次"),
                ("校正副本", self.calibration_copies, "多名质检员评分的录音按基准计一次,其余评分行"),
                ("名单外工号", self.unknown_agents,
                 "工号不在人员名单中的行,不计入任何统计与排名" if self.roster_checked
                 else "未提供人员名单,工号未核对")]

    def to_dict(self) -> dict[str, Any]:
        return {"rows_read": self.rows_read, "counted": self.counted, "excluded": self.excluded,
                "outside_period": self.outside_period, "duplicates": self.duplicates,
                "calibration_copies": self.calibration_copies, "unknown_agents": self.unknown_agents,
                "roster_checked": self.roster_checked, "holds": self.holds(),
                "unreadable_inputs": [u.to_dict() for u in self.unreadable]}

    def with_uncounted(self, frame: pd.DataFrame) -> None:
        """Add rows to the list of uncounted rows (kept in file, sheet, row order)."""
        if frame.empty:
            return
        both = pd.concat([self.uncounted, frame[UNCOUNTED_COLUMNS]], ignore_index=True) \
            if len(self.uncounted) else frame[UNCOUNTED_COLUMNS].reset_index(drop=True)
        order = np.lexsort((both["row"].astype(float).to_numpy(), both["sheet"].astype(str).to_numpy(),
                            both["file"].astype(str).to_numpy()))
        self.uncounted = both.iloc[order].reset_index(drop=True)


def unknown_agent_calls(account: RowAccount) -> pd.DataFrame:
    """工号, 通数 of the rows left out because their agent id is not on the roster."""
    u = account.uncounted
    rows = u[u["reason"] == REASON_UNKNOWN_AGENT] if len(u) else u
    if rows.empty:
        return pd.DataFrame({"工号": pd.Series(dtype=object), "通数": pd.Series(dtype=int)})
    g = rows.groupby("agent_id", sort=True).size()
    return pd.DataFrame({"工号": [str(k) for k in g.index], "通数": g.to_numpy(dtype=int)})


def unreadable_inputs(findings: Iterable[Finding]) -> list[UnreadableInput]:
    """The inputs no row could be read from: files that cannot be opened, sheets whose headers do
    not match the rubric."""
    return [UnreadableInput(f.file, f.sheet, f.message) for f in findings
            if f.rule in UNREADABLE_RULES and f.row is None]


def uncounted_rows(calls: pd.DataFrame, reason: str, details: list[str]) -> pd.DataFrame:
    """The listing rows of `calls` not counted for `reason`, with one detail text each."""
    if calls.empty:
        return empty_uncounted()
    out = pd.DataFrame({c: calls[c].to_numpy() if c in calls.columns else np.full(len(calls), None)
                        for c in UNCOUNTED_COLUMNS[:8]})
    out["reason"] = reason
    out["detail"] = details
    return out


@dataclass
class Selection:
    """The rows of one period: the valid calls for the analysis, the findings of the period's rows
    (and of whole sheets), and the account so far (`analysis.analyse` completes it)."""

    calls: pd.DataFrame
    findings: list[Finding]
    account: RowAccount

    def __iter__(self):
        # Unpacks (and indexes) as the former (valid calls, findings, excluded rows) triple.
        return iter((self.calls, self.findings, self.account.excluded))

    def __getitem__(self, i: int):
        return tuple(self)[i]


def effective_dates(calls: pd.DataFrame) -> list:
    """Each row's date as the periods see it: its own, except that the valid scorings of a
    calibration recording scored on several days all take its earliest date (it counts once, in
    one period); a blank or unreadable date stays what it is (the row belongs to no period)."""
    dates = calls["date"].tolist()
    first = earliest_dates(calls)
    if first:
        ids = calls["recording_id"].astype(str)
        hit = ids.isin(first.keys()).to_numpy(dtype=bool, copy=True)  # few rows: touch only those
        if "has_error" in calls:
            hit &= ~calls["has_error"].to_numpy(dtype=bool)
        for i in np.flatnonzero(hit):
            if isinstance(dates[i], dt.date):
                dates[i] = first[ids.iat[i]]
    return dates


def select(calls: pd.DataFrame, findings: list[Finding], period: Period, *,
           roster_given: bool = False) -> Selection:
    """Split every row read into the period's valid calls and the rows left out, by reason."""
    dates = effective_dates(calls)
    dated = np.array([isinstance(d, dt.date) for d in dates], dtype=bool)
    inside = np.array([isinstance(d, dt.date) and d in period for d in dates], dtype=bool)
    mine = inside | ~dated  # undated rows are excluded in every report, so they are listed in each
    keys = list(zip(calls["file"].tolist(), calls["sheet"].tolist(), calls["row"].tolist()))
    errors: dict[tuple, list[Finding]] = {}
    instead: dict[tuple, list[Finding]] = {}
    for f in findings:
        if f.severity == Severity.ERROR and f.row is not None:
            errors.setdefault((f.file, f.sheet, f.row), []).append(f)
        elif f.rule in COUNTED_INSTEAD and f.row is not None:
            instead.setdefault((f.file, f.sheet, f.row), []).append(f)
    refusals = {}
    for f in findings:
        if f.rule in SHEET_REFUSALS:
            refusals.setdefault((f.file, f.sheet), f)
    reason = np.full(len(calls), "", dtype=object)
    detail = np.full(len(calls), "", dtype=object)
    has_error = calls["has_error"].to_numpy(dtype=bool) if "has_error" in calls else np.zeros(len(calls), bool)
    # Only a row with an error (or no date) can be left out: the others need no reason (a year
    # holds hundreds of thousands of rows, a handful of them with errors).
    for i in np.flatnonzero(mine & (has_error | ~dated)):
        reason[i], detail[i] = _reason(errors.get(keys[i], []), refusals.get(keys[i][:2]), dated[i],
                                       instead.get(keys[i], []))
        if not reason[i]:
            reason[i], detail[i] = REASON_FINDING, "有校验错误"
    for i, text in _scored_before(calls, dates, inside, has_error).items():
        reason[i], detail[i] = REASON_DUPLICATE, text
    account = RowAccount(rows_read=len(calls), outside_period=int((dated & ~inside).sum()),
                         unreadable=unreadable_inputs(findings),
                         unknown_agents=0 if roster_given else None)
    for name in (REASON_FINDING, REASON_DUPLICATE, REASON_UNKNOWN_AGENT):
        hit = reason == name
        n = int(hit.sum())
        if name == REASON_FINDING:
            account.excluded = n
        elif name == REASON_DUPLICATE:
            account.duplicates = n
        else:
            account.unknown_agents = n if roster_given or n else account.unknown_agents
        account.with_uncounted(uncounted_rows(calls[hit], name, detail[hit].tolist()))
    row_keys = {(f.file, f.sheet, f.row) for f in findings if f.row is not None}
    period_keys = {k for k, m in zip(keys, mine) if m and k in row_keys}
    chosen = [f for f in findings if f.row is None or (f.file, f.sheet, f.row) in period_keys]
    valid = calls[inside & (reason == "")]
    return Selection(valid.reset_index(drop=True), chosen, account)


def _scored_before(calls: pd.DataFrame, dates: list, inside: np.ndarray, has_error: np.ndarray) -> dict[int, str]:
    """{index: why} of the period's rows without an error whose recording the same inspector
    scored, without an error, on an earlier date outside the period: a duplicate of that scoring,
    which counted in its own period (the recording counts once, in the period it was first scored)."""
    ids = calls["recording_id"].tolist()
    counts = Counter(ids)
    repeated = [i for i, r in enumerate(ids) if r and counts[r] > 1 and not has_error[i]
                and isinstance(dates[i], dt.date)]
    if not repeated:
        return {}
    inspectors = calls["inspector"].tolist()
    groups: dict[tuple, list[int]] = {}
    for i in repeated:
        groups.setdefault((ids[i], inspectors[i]), []).append(i)
    files, sheets, rows = calls["file"].tolist(), calls["sheet"].tolist(), calls["row"].tolist()
    out = {}
    for (rid, _), members in groups.items():
        before = [j for j in members if not inside[j]]
        for i in members:
            if not inside[i]:
                continue
            earlier = [j for j in before if dates[j] < dates[i]]
            if earlier:
                j = min(earlier, key=lambda k: (dates[k], k))
                out[i] = (f"录音“{rid}”同一质检员已于 {dates[j].isoformat()} 评分({PurePath(str(files[j])).name} "
                          f"{sheets[j]} 第 {rows[j]} 行,计入那一统计期),只计第一次")
    return out


def _reason(errors: list[Finding], refusal: Finding | None, dated: bool,
            instead: list[Finding] = ()) -> tuple[str, str]:
    """Why a row of the period is not a valid call ("" when it is one), and the words why; a row
    excluded by its error also says which row counts instead (`instead`: those warnings)."""
    others = [f for f in errors if f.rule not in (Rule.RECORDING_DUPLICATE, Rule.AGENT_UNKNOWN)]
    if others or refusal is not None or not dated:
        words = [f.message for f in others] + ([refusal.message] if refusal is not None else []) + \
            [f.message for f in instead]
        return REASON_FINDING, ";".join(words) or "日期为空或无法识别"
    for rule, name in ((Rule.RECORDING_DUPLICATE, REASON_DUPLICATE), (Rule.AGENT_UNKNOWN, REASON_UNKNOWN_AGENT)):
        hit = [f.message for f in errors if f.rule == rule]
        if hit:
            return name, ";".join(hit)
    return "", ""
