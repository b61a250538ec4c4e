"""Serious problems (严重性质的质量问题, seed 001 分级原则, SOP-13.6, SOP-14): which calls have one,
and what each problem is.

A counted call is serious when any of these holds:
- an item whose severity is 严重 (the yellow items of the rubric) is 不良 (scored below its
  maximum; N/A is never 不良), or an offence of severity 严重 occurred (per-occurrence rubrics);
- it carries a 差错扣分 (> 0);
- it has a fatal error (致命性错误 ≥ 1).

Nothing here reads files; the calls are the engine's calls table (`analysis.counted` rows:
duplicates dropped, a calibration case once at its benchmark).

On a ledger rubric (`ledger`) a 严重 offence costs what the agent's period ledger loses for it:
escalated by the agent's count within the window (earlier calls given as `history` count too),
doubled on a complaint; the case then has no 最终得分 (a call has no score of its own) but its
本通扣分, the call's occurrences as the ledger charges them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .analysis import defect_matrix, item_keys
from .ledger import Occurrence, call_charges
from .ledger_model import escalation_of
from .masking import mask_text
from .rubric import Rubric, fmt_number


def text_of(v: Any) -> str:
    """A cell value as text: '' for None/NaN."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def number_of(v: Any) -> float:
    """A numeric cell value: 0 for None/NaN/text."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(x) else x


@dataclass(frozen=True)
class SeriousItem:
    """One 严重 item 不良 on a call (or one 严重 offence)."""

    item: str
    score: float  # the item's points on the call (offences: the number of occurrences)
    max: float  # the item's maximum (offences: 0)
    lost: float  # call-score points the problem cost: scale × (max − score); offences: their points
    offence: bool = False
    detail: str = ""  # ledger rubrics: each occurrence's charge ("90 天内第 2 次,加倍: 扣 60 分")

    def describe(self) -> str:
        if self.offence:
            return f"{self.item} {fmt_number(self.score)} 次" + (f"({self.detail})" if self.detail else "")
        return f"{self.item} {fmt_number(self.score)}/{fmt_number(self.max)} 分"


@dataclass(frozen=True)
class SeriousCase:
    """A call with a serious problem, with what the 班长 and the voucher need to know."""

    date: dt.date | None
    recording_id: str
    agent_id: str
    agent_name: str
    team: str
    inspector: str
    items: tuple[SeriousItem, ...]  # the 严重 items 不良
    error_deduction: float  # 差错扣分
    fatal_errors: int  # 致命性错误
    call_score: float
    final_score: float | None  # None on a ledger rubric (see `ledger_charge`)
    remark: str  # the inspector's remark, phone and ID numbers masked
    file: str = ""
    sheet: str = ""
    row: int | None = None
    appeal_changed: bool = False
    ledger_charge: float | None = None  # ledger rubrics: Σ what the call's occurrences cost the agent

    @property
    def score_cell(self) -> tuple[str, float | None]:
        """The call's figure for a voucher or a list: its 最终得分, or on a ledger rubric its 本通扣分."""
        if self.ledger_charge is not None:
            return "本通扣分", self.ledger_charge
        return "最终得分", self.final_score

    def reasons(self) -> list[str]:
        """The problems in words: "业务能力 3/5 分", "差错扣分 2 分", "致命性错误 1 起"."""
        out = [f"严重项不良: {it.describe()}" for it in self.items]
        if self.error_deduction > 0:
            out.append(f"差错扣分 {fmt_number(self.error_deduction)} 分")
        if self.fatal_errors > 0:
            out.append(f"致命性错误 {self.fatal_errors} 起")
        return out

    @property
    def items_text(self) -> str:
        return "、".join(it.describe() for it in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat() if isinstance(self.date, dt.date) else None,
                "recording_id": self.recording_id, "agent_id": self.agent_id, "agent_name": self.agent_name,
                "team": self.team, "inspector": self.inspector,
                "serious_items": [{"item": it.item, "score": it.score, "max": it.max, "lost": it.lost}
                                  for it in self.items],
                "error_deduction": self.error_deduction, "fatal_errors": self.fatal_errors,
                "final_score": self.final_score, "remark": self.remark, "reasons": self.reasons()} | (
            {"ledger_charge": self.ledger_charge} if self.ledger_charge is not None else {})


@dataclass
class _Columns:
    """The serious-severity columns of the defect matrix, once per rubric."""

    rubric: Rubric
    serious: list[tuple[int, str, str, float]] = field(default_factory=list)  # (j, name, column, max)

    def __post_init__(self):
        severity = {it.name: it.severity for it in self.rubric.items}
        severity |= {o.name: o.severity for o in self.rubric.offences}
        self.serious = [(j, name, col, mx) for j, (name, col, _, mx) in enumerate(item_keys(self.rubric))
                        if severity.get(name) == "严重"]


def serious_cases(rubric: Rubric, calls: pd.DataFrame, history: pd.DataFrame | None = None) -> list[SeriousCase]:
    """Every serious call of `calls` (counted rows), in the order given; `history`: the agents'
    earlier counted calls, which raise a ledger rubric's escalation counts."""
    if calls is None or calls.empty:
        return []
    charges = call_charges(rubric, calls, history) if rubric.ledger is not None else None
    cols = _Columns(rubric)
    defects = defect_matrix(rubric, calls)
    offences = {o.name: o for o in rubric.offences}
    err = pd.to_numeric(calls.get("error_deduction", pd.Series(0, index=calls.index)), errors="coerce") \
        .fillna(0).to_numpy(dtype=float)
    fatal = pd.to_numeric(calls.get("fatal_errors", pd.Series(0, index=calls.index)), errors="coerce") \
        .fillna(0).to_numpy(dtype=float)
    serious_any = np.zeros(len(calls), bool)
    for j, _, _, _ in cols.serious:
        serious_any |= defects[:, j]
    flagged = np.flatnonzero(serious_any | (err > 1e-9) | (fatal > 0))
    records = calls.to_dict("records")
    out = []
    for i in flagged.tolist():
        rec = records[i]
        items = []
        for j, name, col, mx in cols.serious:
            if not defects[i, j]:
                continue
            if name in offences and charges is not None:
                mine = [x for x in charges[i] if x.offence_id == offences[name].id]
                items.append(SeriousItem(name, number_of(rec.get(col)), 0.0,
                                         round(sum(x.points for x in mine), 6), True, _charged(rubric, mine)))
            elif name in offences:
                o = offences[name]
                n = number_of(rec.get(col))
                m = min(n, number_of(rec.get(f"complaint:{o.id}"))) if o.doubled_when else 0
                items.append(SeriousItem(name, n, 0.0, o.points * ((n - m) + m * o.multiplier), offence=True))
            else:
                pts = number_of(rec.get(col))
                items.append(SeriousItem(name, pts, mx, round(rubric.scale * (mx - pts), 6)))
        case = case_of(rec, tuple(items), float(err[i]), int(fatal[i]))
        if charges is not None:
            case = replace(case, final_score=None, ledger_charge=round(sum(x.points for x in charges[i]), 6) + 0.0)
        out.append(case)
    return out


def _charged(rubric: Rubric, occurrences: list[Occurrence]) -> str:
    """What each occurrence costs the agent's ledger: "90 天内第 2 次,加倍: 扣 60 分;…"."""
    parts = []
    for x in occurrences:
        o = next(o for o in rubric.offences if o.id == x.offence_id)
        esc = escalation_of(rubric, o)
        why = ([f"{esc.window_days} 天内第 {x.count} 次"] if esc is not None else []) + (["加倍"] if x.doubled else [])
        parts.append((f"{','.join(why)}: " if why else "") + f"扣 {fmt_number(x.points)} 分")
    return ";".join(parts)


def case_of(rec: dict, items: tuple[SeriousItem, ...], error_deduction: float, fatal: int) -> SeriousCase:
    d = rec.get("date")
    row = rec.get("row")
    return SeriousCase(
        date=d if isinstance(d, dt.date) else None, recording_id=text_of(rec.get("recording_id")),
        agent_id=text_of(rec.get("agent_id")), agent_name=text_of(rec.get("agent_name")),
        team=text_of(rec.get("team")), inspector=text_of(rec.get("inspector")), items=items,
        error_deduction=round(error_deduction, 6), fatal_errors=fatal,
        call_score=number_of(rec.get("call_score")), final_score=number_of(rec.get("final_score")),
        remark=mask_text(text_of(rec.get("remarks"))), file=text_of(rec.get("file")),
        sheet=text_of(rec.get("sheet")), row=int(row) if isinstance(row, (int, float, np.integer)) and not
        (isinstance(row, float) and math.isnan(row)) else None,
        appeal_changed=isinstance(rec.get("appeal_changed"), (bool, np.bool_)) and bool(rec["appeal_changed"]))
