"""Appeals (申诉 / 仲裁): the register, its validation, and the decided scores applied to calls.

An agent appeals a call within 48 hours of the score's publication; the lead re-checks (复核);
a disagreement goes to arbitration (仲裁). The decision is the arbitration result when there is
one, else the re-check result unless it sent the appeal to arbitration. 改判 (upheld) replaces
the call's scores with the corrected ones; 维持原判 (rejected) keeps them. Decided appeals apply
in the order they were decided, so the figures use the latest decided version. Nothing here
reads files: the register comes in as a `Grid`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .appeal_policy import AppealPolicy, parse_publish_time  # noqa: F401  (re-exported)
from .cells import cell_text, id_text, parse_number
from .columns import normalise_header
from .findings import Finding, Rule
from .reader import Grid
from .rubric import Rubric, fmt_number
from .scoring import score_frame

UPHELD, REJECTED, TO_ARBITRATION = "改判", "维持原判", "提交仲裁"
RECHECK_CHOICES = (UPHELD, REJECTED, TO_ARBITRATION)
ARBITRATION_CHOICES = (UPHELD, REJECTED)
CORRECTED = "更正:"

# Register columns: key -> header (the first word is what the template writes).
REGISTER_FIELDS: dict[str, list[str]] = {
    "recording_id": ["录音编号", "录音ID", "流水号"],
    "agent_id": ["坐席工号", "工号"],
    "agent_name": ["坐席姓名", "姓名"],
    "filed_at": ["申诉时间", "申诉日期", "提交时间"],
    "reason": ["申诉理由", "申诉原因", "理由"],
    "recheck_result": ["复核结果", "复核意见"],
    "recheck_by": ["复核人", "复核质检"],
    "arbitration_result": ["仲裁结果", "仲裁意见"],
    "arbitration_by": ["仲裁人", "仲裁组"],
    "decided_at": ["决定时间", "裁决时间", "处理时间"],
}
REGISTER_ZH = {k: v[0] for k, v in REGISTER_FIELDS.items()}


@dataclass(frozen=True)
class Appeal:
    """One row of the 申诉登记表."""

    row: int
    cell: str  # the recording id's cell, where findings about the whole appeal point
    recording_id: str
    agent_id: str
    agent_name: str
    filed_at: dt.datetime | None
    reason: str
    recheck_result: str
    recheck_by: str
    arbitration_result: str
    arbitration_by: str
    decided_at: dt.datetime | None
    corrected: dict[str, float | None]  # item -> corrected score (None = 不涉及); "error_deduction"

    @property
    def decision(self) -> str:
        """改判, 维持原判, or "" while pending (not yet re-checked, or waiting for arbitration)."""
        if self.arbitration_result:
            return self.arbitration_result
        if self.recheck_result in (UPHELD, REJECTED):
            return self.recheck_result
        return ""

    @property
    def decided_by(self) -> str:
        return self.arbitration_by if self.arbitration_result else self.recheck_by


@dataclass
class AppealOutcome:
    """What became of one appeal: 改判 / 维持原判 / 待处理 / 逾期 / 无效 / 无法核对, with old and new
    scores."""

    appeal: Appeal
    status: str
    note: str = ""
    old_final: float | None = None
    new_final: float | None = None
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)  # (field, old, new)

    def to_dict(self) -> dict[str, Any]:
        a = self.appeal
        return {"row": a.row, "recording_id": a.recording_id, "agent_id": a.agent_id, "status": self.status,
                "decided_by": a.decided_by, "decided_at": a.decided_at.isoformat(sep=" ") if a.decided_at else None,
                "old_final_score": self.old_final, "new_final_score": self.new_final, "note": self.note,
                "changes": [{"field": f, "old": _plain(o), "new": _plain(n)} for f, o, n in self.changes]}


def _plain(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v) if isinstance(v, (int, float, np.floating)) else v


@dataclass
class AppealsApplied:
    calls: pd.DataFrame  # the calls with upheld appeals applied (columns "appeal_changed")
    outcomes: list[AppealOutcome]
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            out[o.status] = out.get(o.status, 0) + 1
        return out


_DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_DATE_TIME = re.compile(_DATE + r"(?:\s*|T)(\d{1,2})[:：时](\d{2})(?:分|[:：](\d{2})(?:\.\d+)?)?")
_DATE_ONLY = re.compile(_DATE)


def read_datetime(v: Any) -> tuple[dt.datetime | None, str | None]:
    """A 申诉时间 / 决定时间 read exactly, or None and why not: "blank", "date_only" (a day without
    its time: never taken as 00:00) or "unreadable" ("下午3点", "3:00 PM", "15.30")."""
    if isinstance(v, dt.datetime):
        return v, None
    if isinstance(v, dt.date):
        return None, "date_only"
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 20000 < v < 80000:  # an Excel serial
        if float(v).is_integer():
            return None, "date_only"
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(v))).replace(microsecond=0), None
    s = cell_text(v)
    if not s:
        return None, "blank"
    m = _DATE_TIME.fullmatch(s)
    try:
        if m:
            return dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)),
                               int(m.group(5)), int(m.group(6) or 0)), None
        m = _DATE_ONLY.fullmatch(s)
        if m:
            dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return None, "date_only"
    except ValueError:
        pass
    return None, "unreadable"


def parse_datetime(v: Any) -> dt.datetime | None:
    """The exact date and time of a cell, else None (see `read_datetime`)."""
    return read_datetime(v)[0]


def register_headers(rubric: Rubric) -> list[str]:
    """The register's header row, as the template writes it."""
    heads = [REGISTER_ZH[k] for k in REGISTER_FIELDS]
    heads += [f"{CORRECTED}{it.name}" for it in rubric.items]
    if rubric.error_deduction.enabled:
        heads.append(f"{CORRECTED}差错扣分")
    return heads


def read_register(rubric: Rubric, grid: Grid) -> tuple[list[Appeal], list[Finding]]:
    """Appeals from a register sheet (header row among the first 10 rows)."""
    findings: list[Finding] = []
    header, cols = _register_header(rubric, grid)
    if header is None:
        findings.append(Finding.of(Rule.SHEET_UNMAPPED, grid.file, grid.sheet, "", variant="register"))
        return [], findings
    appeals = []
    first_row: dict[str, int] = {}
    for r in range(header + 1, len(grid.rows)):
        row = _RegisterRow(grid, r, cols, findings)
        if all(cell_text(row.get(k)) == "" for k in cols):
            continue
        appeal = _read_appeal(rubric, row)
        if appeal is None:
            continue
        if appeal.recording_id in first_row:
            row.add(Rule.APPEAL_DUPLICATE, "recording_id", appeal.recording_id, recording_id=appeal.recording_id,
                    first=first_row[appeal.recording_id])
        first_row.setdefault(appeal.recording_id, appeal.row)
        appeals.append(appeal)
    return appeals, findings


def _register_header(rubric: Rubric, grid: Grid) -> tuple[int | None, dict[str, int]]:
    """The index in grid.rows of the header row (the one with 录音编号 and the most known
    columns), and column key -> index in the row."""
    words = {normalise_header(w)[0]: k for k, ws in REGISTER_FIELDS.items() for w in ws}
    for it in rubric.items:
        for w in (it.name, *it.aliases):
            words[normalise_header(CORRECTED + w)[0]] = f"item:{it.name}"
    words[normalise_header(CORRECTED + "差错扣分")[0]] = "error_deduction"
    header, cols = None, {}
    for r, row in enumerate(grid.rows[:10]):
        found = {words[normalise_header(v)[0]]: c for c, v in enumerate(row)
                 if isinstance(v, str) and normalise_header(v)[0] in words}
        if "recording_id" in found and len(found) > len(cols):
            header, cols = r, found
    return header, cols


class _RegisterRow:
    """One row of the register: its values by column key, and the findings about its cells."""

    def __init__(self, grid: Grid, r: int, cols: dict[str, int], findings: list[Finding]):
        self.grid, self.r, self.cols, self.findings = grid, r, cols, findings
        self.values = grid.rows[r]
        self.excel_row = grid.first_row + r

    def get(self, key: str) -> Any:
        c = self.cols.get(key)
        return self.values[c] if c is not None and c < len(self.values) else None

    def cell(self, key: str) -> str:
        return self.grid.cell(self.r, self.cols[key]) if key in self.cols else ""

    def add(self, rule: Rule, key: str, value: Any, variant: str | None = None, **params: Any) -> None:
        self.findings.append(Finding.of(rule, self.grid.file, self.grid.sheet, self.cell(key), value=value,
                                        row=self.excel_row, variant=variant, **params))


def _read_appeal(rubric: Rubric, row: _RegisterRow) -> Appeal | None:
    """The appeal of one register row, with the findings of its cells (None without a recording id)."""
    get, add = row.get, row.add
    corrected = _corrected_scores(rubric, row)
    recheck, arbitration = cell_text(get("recheck_result")), cell_text(get("arbitration_result"))
    for key, value, choices in (("recheck_result", recheck, RECHECK_CHOICES),
                                ("arbitration_result", arbitration, ARBITRATION_CHOICES)):
        if value and value not in choices:
            add(Rule.APPEAL_INVALID, key, value, field=REGISTER_ZH[key], choices="/".join(choices), text=value)
    appeal = Appeal(
        row=row.excel_row, cell=row.cell("recording_id"), recording_id=id_text(get("recording_id")),
        agent_id=id_text(get("agent_id")),
        agent_name=cell_text(get("agent_name")), filed_at=parse_datetime(get("filed_at")),
        reason=cell_text(get("reason")), recheck_result=recheck if recheck in RECHECK_CHOICES else "",
        recheck_by=cell_text(get("recheck_by")),
        arbitration_result=arbitration if arbitration in ARBITRATION_CHOICES else "",
        arbitration_by=cell_text(get("arbitration_by")), decided_at=parse_datetime(get("decided_at")),
        corrected=corrected)
    if not appeal.recording_id:
        add(Rule.APPEAL_INVALID, "recording_id", None, variant="no_recording")
        return None
    _check_appeal(appeal, row)
    return appeal


def _corrected_scores(rubric: Rubric, row: _RegisterRow) -> dict[str, float | None]:
    """The 更正: columns filled in: item -> score (None = 不涉及), "error_deduction" -> 差错扣分."""
    corrected: dict[str, float | None] = {}
    for key in row.cols:
        if not (key.startswith("item:") or key == "error_deduction"):
            continue
        raw = row.get(key)
        kind, x = parse_number(raw)
        if kind == "blank":
            continue
        name = key[5:] if key.startswith("item:") else "error_deduction"
        shown = fmt_number(x) if kind == "num" else cell_text(raw)  # 7, never "7.0" for a typed 7
        if key == "error_deduction":
            ed = rubric.error_deduction
            if kind != "num" or not ed.min <= x <= ed.max:
                row.add(Rule.APPEAL_SCORE_NOT_ALLOWED, key, shown, variant="error_deduction",
                        text=shown, min=fmt_number(ed.min), max=fmt_number(ed.max))
                continue
            corrected[name] = x
            continue
        it = rubric.item_by_name[name]
        if kind == "na" and it.na_allowed:
            corrected[name] = None
        elif kind == "num" and it.allowed(x):
            corrected[name] = x
        else:
            row.add(Rule.APPEAL_SCORE_NOT_ALLOWED, key, shown, item=name, text=shown,
                    allowed=it.describe_allowed())
    return corrected


def _check_appeal(appeal: Appeal, row: _RegisterRow) -> None:
    """What a register row must say once it names a recording: when, who decided, and how."""
    add = row.add
    _check_time(row, "filed_at", appeal.filed_at, required=True)
    _check_time(row, "decided_at", appeal.decided_at, required=bool(appeal.decision))
    if appeal.filed_at and appeal.decided_at and appeal.decided_at < appeal.filed_at:
        add(Rule.APPEAL_DECIDED_BEFORE_FILED, "decided_at", appeal.decided_at.isoformat(sep=" "),
            decided_at=appeal.decided_at, filed_at=appeal.filed_at)
    if appeal.recheck_result and not appeal.recheck_by:
        add(Rule.APPEAL_NO_DECIDER, "recheck_by", None, step="复核")
    if appeal.arbitration_result and not appeal.arbitration_by:
        add(Rule.APPEAL_NO_DECIDER, "arbitration_by", None, step="仲裁")
    if appeal.arbitration_result and appeal.recheck_result != TO_ARBITRATION:
        add(Rule.APPEAL_INVALID, "arbitration_result", appeal.arbitration_result,
            variant="arbitration_unasked")
    row_has_bad_score = any(f.row == row.excel_row and f.rule == Rule.APPEAL_SCORE_NOT_ALLOWED
                            for f in row.findings)
    if appeal.decision == UPHELD and not appeal.corrected and not row_has_bad_score:
        add(Rule.APPEAL_INVALID, "recheck_result", None, variant="no_correction")


def _check_time(row: _RegisterRow, key: str, value: dt.datetime | None, *, required: bool) -> None:
    """A time that is blank where it is needed, or that cannot be read exactly, is an error."""
    if value is not None:
        return
    raw = row.get(key)
    _, why = read_datetime(raw)
    text = cell_text(raw)
    if why == "blank":
        if required:
            row.add(Rule.APPEAL_INVALID, key, None, variant=key)
        return
    row.add(Rule.APPEAL_TIME_UNREADABLE, key, text, variant="date_only" if why == "date_only" else None,
            field=REGISTER_ZH[key], text=text)


def apply_appeals(rubric: Rubric, calls: pd.DataFrame, appeals: list[Appeal], *,
                  policy: AppealPolicy = AppealPolicy(), invalid_rows: set[int] = frozenset(),
                  register: str = "", sheet: str = "", unread: Sequence[str] = ()) -> AppealsApplied:
    """Apply decided appeals to the calls (every scoring of the recording), in the order they
    were decided; return the new calls, what became of each appeal, and the findings. `unread`
    names the inputs that could not be read: an appeal for a recording not among the calls may be
    in one of them, so it is 无法核对 (naming them), not 无效."""
    calls = calls.copy()
    calls["appeal_changed"] = False
    findings: list[Finding] = []
    outcomes: list[AppealOutcome] = []
    by_recording = {rid: idx.tolist() for rid, idx in calls.groupby("recording_id", sort=False).groups.items()} \
        if len(calls) else {}
    decided: list[tuple[dt.datetime, int, AppealOutcome]] = []
    for a in appeals:
        rows = by_recording.get(a.recording_id)
        out = AppealOutcome(a, "")
        outcomes.append(out)
        if not rows:
            findings.append(_unknown_recording(a, out, unread, register, sheet))
            continue
        first = calls.loc[rows[0]]
        out.old_final = float(first["final_score"])
        call_date = first["date"]
        if a.agent_id and str(first["agent_id"]) and a.agent_id != str(first["agent_id"]):
            out.status, out.note = "无效", "申诉的坐席工号与录音的坐席工号不符"
            findings.append(Finding.of(Rule.APPEAL_AGENT_MISMATCH, register, sheet, a.cell, value=a.agent_id,
                                       row=a.row, agent_id=a.agent_id, recording_id=a.recording_id,
                                       call_agent=str(first["agent_id"])))
            continue
        if a.filed_at is not None and isinstance(call_date, dt.date) and a.filed_at.date() < call_date:
            findings.append(Finding.of(Rule.APPEAL_FILED_BEFORE_CALL, register, sheet, a.cell,
                                       value=a.filed_at.isoformat(sep=" "), row=a.row, filed_at=a.filed_at,
                                       call_date=call_date))
        if a.filed_at is not None and isinstance(call_date, dt.date) and a.filed_at > policy.deadline(call_date):
            late = Finding.of(Rule.APPEAL_LATE, register, sheet, a.cell, value=a.filed_at.isoformat(sep=" "),
                              row=a.row, filed_at=a.filed_at, deadline=policy.deadline(call_date),
                              hours=fmt_number(policy.window_hours))
            out.status, out.note = "逾期", late.message
            findings.append(late)
            continue
        if a.row in invalid_rows:
            out.status, out.note = "无效", "登记表此行有错误,未处理"
            continue
        if not a.decision:
            out.status = "待处理"
            out.note = "等待仲裁" if a.recheck_result == TO_ARBITRATION else "等待复核"
            continue
        decided.append((a.decided_at or dt.datetime.max, a.row, out))
    changed_rows: set[int] = set()
    for _, _, out in sorted(decided, key=lambda t: (t[0], t[1])):
        a = out.appeal
        rows = by_recording[a.recording_id]
        out.old_final = float(calls.loc[rows[0], "final_score"])
        if a.decision == REJECTED:
            out.status, out.new_final = "维持原判", out.old_final
            continue
        out.status = "改判"
        for name, value in a.corrected.items():
            col = name
            old = calls.loc[rows[0], col] if col in calls.columns else None
            new = np.nan if value is None else float(value)
            if not (_same(old, new)):
                out.changes.append(("差错扣分" if name == "error_deduction" else name, old, value))
            calls.loc[rows, col] = new
        rescored = score_frame(rubric, calls.loc[rows])
        if "scorable" in calls.columns:  # a row that cannot be scored keeps no score
            no_score = ~calls.loc[rows, "scorable"].to_numpy(dtype=bool)
            rescored.loc[no_score, ["call_score", "final_score"]] = np.nan
            rescored.loc[no_score, "grade"] = ""
        for c in rescored.columns:
            calls.loc[rows, c] = rescored[c].to_numpy()
        calls.loc[rows, "appeal_changed"] = True
        changed_rows.update(rows)
        out.new_final = float(calls.loc[rows[0], "final_score"])
    return AppealsApplied(calls, outcomes, findings)


def _unknown_recording(a: Appeal, out: AppealOutcome, unread: Sequence[str], register: str,
                       sheet: str) -> Finding:
    """An appeal whose recording no call read holds: 无效, or 无法核对 when some inputs could not
    be read (the recording may be in one of them); the finding says which."""
    if not unread:
        out.status, out.note = "无效", "评分表中没有这条录音"
        return Finding.of(Rule.APPEAL_UNKNOWN_RECORDING, register, sheet, a.cell, value=a.recording_id,
                          row=a.row, recording_id=a.recording_id)
    names = "、".join(f"“{n}”" for n in unread[:3]) + (f" 等 {len(unread)} 个" if len(unread) > 3 else "")
    out.status, out.note = "无法核对", f"能读取的评分表中没有这条录音;{names}无法读取,录音可能在其中"
    return Finding.of(Rule.APPEAL_UNKNOWN_RECORDING, register, sheet, a.cell, value=a.recording_id, row=a.row,
                      variant="unread", recording_id=a.recording_id, unread=names)


def _same(a: Any, b: Any) -> bool:
    na = a is None or (isinstance(a, float) and math.isnan(a))
    nb = b is None or (isinstance(b, float) and math.isnan(b))
    if na or nb:
        return na and nb
    return math.isclose(float(a), float(b))
