"""Reading what the 抽检计划 is made from, over Grids: the call system's list of the day's calls and
the roster (人员名单) with names, teams and inspectors.

Headers are matched as in a 评分表 (`columns.normalise_header`, the reader's field words in
`columns.FIELD_ALIASES`), with the words call systems use for the call's start, length and the
customer's number. A call list needs 录音编号 (or 流水号/通话ID…), 坐席工号 and the start time;
呼叫类型 (呼入/呼出, or the queue), 通话时长, 客户号码, 坐席姓名, 班组 and 日期 are read when
present. Every cell it cannot use is a finding at that cell (`calls.*` rules; an Excel error
value such as #N/A, or a formula saved without its value, is `formula.error`); such a row is not
drawn. Nothing here touches a file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from zhijian.errors import InputFileError

from .callcells import EXCEL_ERRORS, NO_CACHED_VALUE
from .columns import FIELD_ALIASES, normalise_header
from .findings import Finding
from .reader import Grid, cell_text, col_letter, id_text, parse_date
from .rules import Rule, Severity

HEADER_SCAN_ROWS = 15
CALL_FIELDS: dict[str, list[str]] = {
    "recording_id": FIELD_ALIASES["recording_id"] + ["通话ID", "通话id", "呼叫ID", "通话标识", "话单编号",
                                                     "callid", "call_id", "会话ID", "通话流水号", "录音文件编号"],
    "agent_id": FIELD_ALIASES["agent_id"] + ["座席号", "坐席号", "坐席ID", "座席ID", "员工号"],
    "agent_name": FIELD_ALIASES["agent_name"],
    "team": FIELD_ALIASES["team"],
    "call_type": FIELD_ALIASES["call_type"] + ["队列", "技能组", "业务队列", "呼叫队列", "通话方向"],
    "date": FIELD_ALIASES["date"],
    "start": ["开始时间", "通话开始时间", "呼叫开始时间", "呼叫时间", "来电时间", "接通时间", "应答时间",
              "通话时间", "开始", "起始时间", "录音开始时间"],
    "duration": ["通话时长", "时长", "通话秒数", "持续时间", "录音时长", "通话时长秒"],
    "customer": ["客户号码", "主叫号码", "来电号码", "客户电话", "电话号码", "被叫号码", "客户手机", "号码",
                 "主叫", "客户号"],
}
CALL_FIELD_ZH = {"recording_id": "录音编号", "agent_id": "坐席工号", "agent_name": "坐席姓名", "team": "班组",
                 "call_type": "呼叫类型", "date": "日期", "start": "开始时间", "duration": "通话时长",
                 "customer": "客户号码"}
REQUIRED_CALL_FIELDS = ("recording_id", "agent_id", "start")
CALL_COLUMNS = ["file", "sheet", "row", "recording_id", "agent_id", "agent_name", "team", "call_type",
                "customer", "start", "duration", "has_error"]
_UNIT = re.compile(r"^(.*?)[(\[](秒|s|sec|分钟|分|min)[)\]]$")
_LOOKUP = {normalise_header(w)[0]: key for key, words in CALL_FIELDS.items() for w in words}
_TOTAL_WORDS = ("合计", "总计", "小计", "汇总")


def _header_key(v: Any) -> tuple[str | None, float]:
    """(field, seconds per unit of its values) of a header cell."""
    if not isinstance(v, str):
        return None, 1.0
    word = normalise_header(v)[0]
    unit = 1.0
    m = _UNIT.match(word)
    if m:
        word, unit = m.group(1), (60.0 if m.group(2) in ("分钟", "分", "min") else 1.0)
    return _LOOKUP.get(word), unit


# --- start times and durations ---------------------------------------------------------------------

_CLOCK_PART = r"(\d{1,2})[:时](\d{1,2})(?:分|[:分](\d{1,2})(?:\.\d+)?秒?)?"  # 09:15, 09:15:02, 9时15分
_DATETIME = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[\sT]*" + _CLOCK_PART + ")?$")
_TIME = re.compile("^" + _CLOCK_PART + "$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:\.\d+)?$")
_SECONDS = re.compile(r"^(\d+(?:\.\d+)?)(秒|s|sec)?$")
_WORDS = re.compile(r"^(?:(\d+)(?:小时|时))?(?:(\d+)分钟?)?(?:(\d+(?:\.\d+)?)秒)?$")


def parse_start(v: Any) -> tuple[str, Any]:
    """What a start cell holds: ('datetime', datetime) | ('time', time) | ('date', date) |
    ('blank', None) | ('bad', None)."""
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime):
        return "datetime", v.replace(microsecond=0)
    if isinstance(v, dt.date):
        return "date", v
    if isinstance(v, dt.time):
        return "time", v.replace(microsecond=0)
    if isinstance(v, dt.timedelta):
        return ("time", (dt.datetime.min + v).time().replace(microsecond=0)) if dt.timedelta(0) <= v < \
            dt.timedelta(days=1) else ("bad", None)
    if isinstance(v, bool):
        return "bad", None
    if isinstance(v, (int, float, np.integer, np.floating)):
        x = float(v)
        if math.isnan(x):
            return "blank", None
        if 20000 < x < 80000:  # an Excel serial date and time
            t = dt.datetime(1899, 12, 30) + dt.timedelta(seconds=round(x * 86400))
            return ("date", t.date()) if x.is_integer() else ("datetime", t)
        if 0 <= x < 1:  # a time of day
            return "time", (dt.datetime.min + dt.timedelta(seconds=round(x * 86400) % 86400)).time()
        return "bad", None
    s = cell_text(v)
    if s == "":
        return "blank", None
    return _parse_start_text(s)


def _parse_start_text(s: str) -> tuple[str, Any]:
    try:
        m = _DATETIME.match(s)
        if m:
            y, mo, d, h, mi, sec = m.groups()
            if h is None:
                return "date", dt.date(int(y), int(mo), int(d))
            return "datetime", dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(sec or 0))
        m = _COMPACT.match(s)
        if m:
            return "datetime", dt.datetime(*map(int, m.groups()))
        m = _TIME.match(s)
        if m:
            return "time", dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    except ValueError:  # 25:00, 2026-02-30
        pass
    return "bad", None


def parse_duration(v: Any, unit: float = 1.0) -> tuple[str, float | None]:
    """('num', seconds) | ('blank', None) | ('bad', None) for a duration cell; `unit`: the seconds
    a bare number stands for (60 under a header "时长(分钟)")."""
    if isinstance(v, bool):
        return "bad", None
    if isinstance(v, (int, float, np.integer, np.floating)):
        x = float(v)
        if math.isnan(x):
            return "blank", None
        return ("num", x * unit) if x >= 0 else ("bad", None)
    if isinstance(v, dt.timedelta):
        return "num", v.total_seconds()
    if isinstance(v, dt.time):
        return "num", float(v.hour * 3600 + v.minute * 60 + v.second)
    s = cell_text(v).replace(" ", "").lower()
    if s == "":
        return "blank", None
    m = _CLOCK.match(s)
    if m:
        return "num", float(int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + int(m.group(3)))
    m = _SECONDS.match(s)
    if m:
        return "num", float(m.group(1)) * (1.0 if m.group(2) else unit)
    m = _WORDS.match(s)
    if m and any(m.groups()):
        h, mi, sec = (float(g) if g else 0.0 for g in m.groups())
        return "num", h * 3600 + mi * 60 + sec
    return "bad", None


# --- the call list ----------------------------------------------------------------------------------

@dataclass
class CallSheet:
    """How one sheet of a call list was read."""

    file: str
    sheet: str
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # key -> column letter
    headers: dict[str, str] = field(default_factory=dict)  # key -> header text as found
    extra_columns: dict[str, str] = field(default_factory=dict)  # letter -> unused header
    calls: int = 0
    mapped: bool = False  # it has every column a call list needs

    def mapping_report(self) -> list[tuple[str, str, str]]:
        """(field in Chinese, column letter, header) of every mapped column, in sheet order."""
        return sorted(((CALL_FIELD_ZH[k], c, self.headers[k]) for k, c in self.columns.items()),
                      key=lambda t: (len(t[1]), t[1]))


@dataclass
class CallList:
    """Every call row read (`has_error` for those not to be drawn), the findings, the sheets."""

    calls: pd.DataFrame
    findings: list[Finding]
    sheets: list[CallSheet]

    @property
    def valid(self) -> pd.DataFrame:
        return self.calls[~self.calls["has_error"].to_numpy(dtype=bool)].reset_index(drop=True)

    def dates(self) -> Counter:
        """How many valid calls each day holds."""
        return Counter(s.date() for s in self.valid["start"].tolist() if isinstance(s, dt.datetime))

    @property
    def errors(self) -> int:
        return sum(f.severity == Severity.ERROR for f in self.findings)

    @property
    def readable(self) -> bool:
        """Whether any sheet is a call list (has the columns one needs)."""
        return any(s.mapped for s in self.sheets)


def _find_header(grid: Grid) -> tuple[int | None, dict[str, tuple[int, float]]]:
    """(index in grid.rows of the header row, key -> (column index, unit)) of the row among the
    first rows matching the most call-list fields (at least two)."""
    best, best_cols = None, {}
    for r in range(min(HEADER_SCAN_ROWS, len(grid.rows))):
        cols: dict[str, tuple[int, float]] = {}
        for c, v in enumerate(grid.rows[r]):
            key, unit = _header_key(v)
            if key is not None and key not in cols:
                cols[key] = (c, unit)
        if len(cols) >= 2 and len(cols) > len(best_cols):
            best, best_cols = r, cols
    return best, best_cols


class _Rows:
    """The data rows of a mapped call-list sheet and the findings made on their cells."""

    def __init__(self, grid: Grid, sheet: CallSheet, hr: int, cols: dict[str, tuple[int, float]]):
        self.grid, self.sheet, self.cols = grid, sheet, cols
        used = [c for c, _ in cols.values()]
        self.index = [r for r in range(hr + 1, len(grid.rows)) if not _skip(grid.rows[r], used)]
        self.findings: list[Finding] = []
        self.bad = [False] * len(self.index)
        self.errors: set[tuple[str, int]] = set()  # (key, j): an Excel error value, said once
        for key in cols:
            for j, v in enumerate(self._raw(key)):
                if type(v) is str and "#" in v and v.strip() in EXCEL_ERRORS:
                    no_value = v.strip() == NO_CACHED_VALUE
                    self.add(Rule.FORMULA_ERROR, key, j, None if no_value else v.strip(),
                             variant="no_value" if no_value else None, header=sheet.headers[key],
                             error=v.strip())
                    self.errors.add((key, j))

    def _raw(self, key: str) -> list[Any]:
        c = self.cols[key][0]
        return [self.grid.rows[r][c] if c < len(self.grid.rows[r]) else None for r in self.index]

    def values(self, key: str) -> list[Any]:
        """The column's values; an Excel error value (#N/A, a formula saved without its value) is
        None, its finding already made."""
        if key not in self.cols:
            return [None] * len(self.index)
        return [None if (key, j) in self.errors else v for j, v in enumerate(self._raw(key))]

    def excel_row(self, j: int) -> int:
        return self.grid.first_row + self.index[j]

    def add(self, rule: Rule, key: str, j: int, value: Any, *, variant: str | None = None,
            warning: bool = False, **params: Any) -> None:
        if (key, j) in self.errors:  # the cell's Excel error is its one finding
            return
        cell = f"{self.sheet.columns[key]}{self.excel_row(j)}"
        self.findings.append(Finding.of(rule, self.grid.file, self.grid.sheet, cell, value=value,
                                        row=self.excel_row(j), variant=variant, **params))
        if not warning:
            self.bad[j] = True


def _skip(row: Sequence[Any], used: list[int]) -> bool:
    """A row with nothing in the mapped columns, or a 合计 row."""
    cells = [row[c] if c < len(row) else None for c in used]
    if all(cell_text(v) == "" for v in cells):
        return True
    first = next((cell_text(v) for v in row if cell_text(v)), "")
    return first.replace(" ", "").startswith(_TOTAL_WORDS)


def read_call_sheet(grid: Grid, day: dt.date | None = None) -> tuple[CallSheet, pd.DataFrame | None, list[Finding]]:
    """One sheet of a call list: (how it was read, its calls or None when it has no call-list
    header, the findings). A start holding only a time takes the row's 日期, else `day`."""
    sheet = CallSheet(grid.file, grid.sheet)
    hr, cols = _find_header(grid)
    if hr is None:
        return sheet, None, [Finding.of(Rule.CALLS_COLUMN_MISSING, grid.file, grid.sheet, "", variant="no_header",
                                        scan_rows=HEADER_SCAN_ROWS, fields=_fields_text(REQUIRED_CALL_FIELDS))]
    sheet.header_row = grid.first_row + hr
    for key, (c, _) in cols.items():
        sheet.columns[key] = col_letter(grid.first_col + c)
        sheet.headers[key] = cell_text(grid.rows[hr][c])
    for c, v in enumerate(grid.rows[hr]):
        if cell_text(v) and c not in {c for c, _ in cols.values()}:
            sheet.extra_columns[col_letter(grid.first_col + c)] = cell_text(v)
    missing = [k for k in REQUIRED_CALL_FIELDS if k not in cols]
    if missing:
        return sheet, None, [Finding.of(Rule.CALLS_COLUMN_MISSING, grid.file, grid.sheet, f"A{sheet.header_row}",
                                        header_row=sheet.header_row, fields=_fields_text(missing))]
    sheet.mapped = True
    rows = _Rows(grid, sheet, hr, cols)
    data: dict[str, list] = {"file": [grid.file] * len(rows.index), "sheet": [grid.sheet] * len(rows.index),
                             "row": [rows.excel_row(j) for j in range(len(rows.index))]}
    for key in ("recording_id", "agent_id"):
        data[key] = [id_text(v) for v in rows.values(key)]
        for j, v in enumerate(data[key]):
            if not v:
                rows.add(Rule.CALLS_FIELD_MISSING, key, j, None, field=CALL_FIELD_ZH[key])
    for key in ("agent_name", "team", "call_type", "customer"):
        data[key] = [id_text(v) if key == "customer" else cell_text(v) for v in rows.values(key)]
    data["start"] = _starts(rows, day)
    data["duration"] = _durations(rows)
    data["has_error"] = rows.bad
    sheet.calls = len(rows.index)
    return sheet, pd.DataFrame(data, columns=CALL_COLUMNS), rows.findings


def _fields_text(keys: Sequence[str]) -> str:
    return "、".join(f"“{CALL_FIELD_ZH[k]}”" for k in keys)


def _starts(rows: _Rows, day: dt.date | None) -> list[dt.datetime | None]:
    dates = [parse_date(v) for v in rows.values("date")]
    out: list[dt.datetime | None] = []
    for j, v in enumerate(rows.values("start")):
        kind, x = parse_start(v)
        on = dates[j] or day
        if kind == "time" and on is not None:
            out.append(dt.datetime.combine(on, x))
            continue
        out.append(x if kind == "datetime" else None)
        if kind == "datetime":
            continue
        if kind == "blank":
            rows.add(Rule.CALLS_FIELD_MISSING, "start", j, None, field=CALL_FIELD_ZH["start"])
        else:
            variant = {"date": "date_only", "time": "no_date"}.get(kind)
            rows.add(Rule.CALLS_TIME_UNREADABLE, "start", j, cell_text(v), variant=variant, text=cell_text(v))
    return out


def _durations(rows: _Rows) -> list[float]:
    if "duration" not in rows.cols:
        return [math.nan] * len(rows.index)
    unit = rows.cols["duration"][1]
    out = []
    for j, v in enumerate(rows.values("duration")):
        kind, x = parse_duration(v, unit)
        out.append(x if kind == "num" else math.nan)
        if kind == "bad":
            rows.add(Rule.CALLS_DURATION_UNREADABLE, "duration", j, cell_text(v), warning=True, text=cell_text(v))
    return out


def read_call_list(grids: Sequence[Grid], day: dt.date | None = None) -> CallList:
    """The calls of every sheet of some call-list files. A sheet without a call-list header is
    skipped when another sheet of its file has one; a file none of whose sheets has gives its first
    sheet's finding. The same 录音编号 twice: the later rows are findings, not drawn."""
    sheets, frames, findings = [], [], []
    by_file: dict[str, list[tuple[CallSheet, pd.DataFrame | None, list[Finding]]]] = {}
    for grid in grids:
        by_file.setdefault(grid.file, []).append(read_call_sheet(grid, day))
    for reads in by_file.values():
        mapped = [r for r in reads if r[1] is not None]
        if not mapped:
            first = next((r for r in reads if r[0].header_row is not None), reads[0])
            sheets.append(first[0])
            findings.extend(first[2])
            continue
        for sheet, frame, found in mapped:
            sheets.append(sheet)
            frames.append(frame)
            findings.extend(found)
    calls = pd.concat(frames, ignore_index=True) if frames else \
        pd.DataFrame({c: pd.Series(dtype=object) for c in CALL_COLUMNS})
    calls["has_error"] = calls["has_error"].astype(bool)
    findings.extend(_duplicates(calls, sheets))
    return CallList(calls, findings, sheets)


def _duplicates(calls: pd.DataFrame, sheets: list[CallSheet]) -> list[Finding]:
    letters = {(s.file, s.sheet): s.columns.get("recording_id", "") for s in sheets}
    seen: dict[str, tuple[str, str, int]] = {}
    out = []
    bad = calls["has_error"].to_numpy(dtype=bool).copy()
    for i, (rid, file, sheet, row) in enumerate(zip(calls["recording_id"].tolist(), calls["file"].tolist(),
                                                    calls["sheet"].tolist(), calls["row"].tolist())):
        if not rid:
            continue
        if rid in seen:
            f0, s0, r0 = seen[rid]
            first = f"{letters[(f0, s0)]}{r0}" if (f0, s0) == (file, sheet) else f"{s0}!{letters[(f0, s0)]}{r0}"
            out.append(Finding.of(Rule.CALLS_DUPLICATE_ID, file, sheet, f"{letters[(file, sheet)]}{row}", value=rid,
                                  row=row, recording_id=rid, first=first))
            bad[i] = True
        else:
            seen[rid] = (file, sheet, row)
    calls["has_error"] = bad
    return out


def unknown_agent_findings(calls: CallList, known: set[str]) -> list[Finding]:
    """One warning per agent of the list who is not on the roster, at the agent's first cell."""
    letters = {(s.file, s.sheet): s.columns.get("agent_id", "") for s in calls.sheets}
    valid = calls.valid
    out = []
    for aid, group in valid[~valid["agent_id"].isin(known)].groupby("agent_id", sort=True):
        first = group.iloc[0]
        out.append(Finding.of(Rule.CALLS_AGENT_UNKNOWN, first["file"], first["sheet"],
                              f"{letters[(first['file'], first['sheet'])]}{first['row']}", value=aid,
                              agent_id=aid, calls=len(group)))
    return out


# --- the roster -------------------------------------------------------------------------------------

ROSTER_FIELDS = {k: FIELD_ALIASES[k] for k in ("agent_id", "agent_name", "team", "inspector")}
_ROSTER_LOOKUP = {normalise_header(w)[0]: k for k, words in ROSTER_FIELDS.items() for w in words}


@dataclass
class Roster:
    """The agents (工号, 姓名, 班组) and, when the roster has a 质检员 column, the inspectors named
    in it (in the order they first appear)."""

    agents: pd.DataFrame  # agent_id, agent_name, team
    inspectors: list[str]
    file: str = ""
    findings: list[Finding] = field(default_factory=list)  # a 工号 twice, a row without one

    @property
    def ids(self) -> set[str]:
        return set(self.agents["agent_id"].tolist())


def read_roster_grids(grids: Sequence[Grid], file: str = "") -> Roster:
    """The roster of the first sheet with a 工号 column among its first 10 rows, with its findings
    (`roster.roster_entries`); a 工号 listed for two different people is refused."""
    for grid in grids:
        for r, row in enumerate(grid.rows[:10]):
            cols: dict[str, int] = {}
            for c, v in enumerate(row):
                key = _ROSTER_LOOKUP.get(normalise_header(v)[0]) if isinstance(v, str) else None
                if key is not None and key not in cols:
                    cols[key] = c
            if "agent_id" in cols:
                return _roster_rows(grid, r, cols, file or grid.file)
    raise InputFileError(f"{file or (grids[0].file if grids else '')}: 人员名单中找不到“工号”列")


def _roster_rows(grid: Grid, header_row: int, cols: dict[str, int], file: str) -> Roster:
    from .roster import conflicts, roster_entries

    agents, findings = roster_entries(grid, header_row, cols, cell_text, id_text)
    bad = conflicts(findings)
    if bad:
        from zhijian.errors import AmbiguousRosterError

        raise AmbiguousRosterError("\n".join([f"{file}: 人员名单不能使用,有 {len(bad)} 个工号对应不同的人:"]
                                             + [f"  {f.sheet} {f.cell}: {f.message}" for f in bad]))
    inspectors: dict[str, None] = {}
    c = cols.get("inspector")
    for row in grid.rows[header_row + 1:]:
        insp = cell_text(row[c]) if c is not None and c < len(row) else ""
        if insp:
            inspectors[insp] = None
    frame = pd.DataFrame({"agent_id": list(agents), "agent_name": [v[0] for v in agents.values()],
                          "team": [v[1] for v in agents.values()]})
    return Roster(frame, list(inspectors), file, findings)
