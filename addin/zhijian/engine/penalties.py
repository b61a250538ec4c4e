"""质量扣罚 (seed 001 SOP-14): one 扣分凭单 per serious call, and the 服务质量扣罚登记表 (one row per
voucher with its status). No file IO here; `reports.penalties_workbook` writes the workbook.

The proposed points (建议扣分) of a voucher, by the first rule that applies:
1. the call's 差错扣分 when it has one (SOP-14: serious problems are scored as 差错扣分, outside
   the items);
2. else the points the call lost on its 严重 items: the rubric's scale × (maximum − score) of each
   (an item at 3 of 5 on a rubric of scale 2: 2 × 2 = 4 分); for a 严重 offence, its points; on a
   ledger rubric, what the agent's ledger loses for it (escalated, doubled: `serious`);
3. else (a fatal error alone) the rubric's largest 差错扣分 (10 on listening-10x4), or, for a
   rubric without 差错扣分, the points the call lost (full marks − final score).
The lead may change the proposal on the voucher; the 班长 writes the confirmed points.

The status of a voucher (状态):
- 申诉中: an appeal of the call is pending (待处理: not re-checked yet, or waiting for arbitration);
- 已撤销: an upheld appeal (改判) left the call with no serious problem, or removed the 差错扣分 the
  voucher was based on;
- 已确认: an appeal was decided and the problem stands (维持原判, or 改判 that leaves the call
  serious: the points are then those of the corrected scores); the 班长 also sets it by hand once
  the agent has signed;
- 待确认: otherwise (no appeal, or one refused as late or invalid).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .appeals import AppealOutcome
from .ledger_model import PERIOD_ZH, escalation_of
from .periods import Period
from .rubric import Rubric, fmt_number
from .serious import SeriousCase, serious_cases

PENDING, CONFIRMED, APPEALING, WITHDRAWN = "待确认", "已确认", "申诉中", "已撤销"
STATUSES = (PENDING, CONFIRMED, APPEALING, WITHDRAWN)
BASIS_ERROR, BASIS_ITEMS, BASIS_FATAL = "差错扣分", "严重项失分", "致命性错误"

REGISTER_COLUMNS = ["凭单编号", "日期", "录音编号", "坐席工号", "坐席姓名", "班组", "质检员", "问题", "扣分依据",
                    "建议扣分", "最终得分", "状态", "说明", "确认扣分", "班长确认", "坐席签名", "确认日期"]


@dataclass(frozen=True)
class Proposal:
    points: float
    basis: str  # BASIS_ERROR | BASIS_ITEMS | BASIS_FATAL
    rules: tuple[str, ...]  # the rubric's rules behind the problem, one line each


def proposal(rubric: Rubric, case: SeriousCase) -> Proposal:
    """The proposed points of a case (rules 1–3 of the module docstring) and the rules it broke."""
    if case.error_deduction > 0:
        points, basis = case.error_deduction, BASIS_ERROR
    elif case.items:
        points, basis = round(sum(it.lost for it in case.items), 6), BASIS_ITEMS
    elif rubric.error_deduction.enabled:
        points, basis = float(rubric.error_deduction.max), BASIS_FATAL
    else:
        points, basis = round(rubric.full_marks - (case.final_score or 0.0), 6), BASIS_FATAL
    return Proposal(points, basis, tuple(rule_lines(rubric, case)))


def rule_lines(rubric: Rubric, case: SeriousCase) -> list[str]:
    """What the rubric says about each problem of the case."""
    out = []
    offences = {o.name: o for o in rubric.offences}
    for it in case.items:
        if it.offence:
            o = offences[it.item]
            esc = escalation_of(rubric, o) if rubric.ledger is not None else None
            rule = (f"{esc.window_days} 天内第 1…{len(esc.points)} 次分别扣 "
                    f"{'/'.join(fmt_number(p) for p in esc.points)} 分") if esc else f"每次扣 {fmt_number(o.points)} 分"
            if o.doubled_when:
                rule += f",{o.doubled_when}时 ×{fmt_number(o.multiplier)}"
            out.append(f"{it.item}(严重): {rule}" + (f";{o.note}" if o.note else "")
                       + (f";本通{'' if it.detail.startswith('扣') else '为 '}{it.detail},计入坐席{_period_zh(rubric)}考核"
                          if it.detail else ""))
            continue
        item = rubric.item_by_name.get(it.item)
        checklist = "、".join(item.points) if item is not None and item.points else ""
        out.append(f"{it.item}(严重项,满分 {fmt_number(it.max)} 分)" + (f": {checklist}" if checklist else "")
                   + f";本通 {fmt_number(it.score)} 分,失分 {fmt_number(it.lost)}")
    if case.error_deduction > 0:
        ed = rubric.error_deduction
        out.append(f"差错扣分 {fmt_number(case.error_deduction)} 分(严重性质的质量问题单列于评分项目之外,"
                   f"{fmt_number(ed.min)}–{fmt_number(ed.max)} 分)")
    if case.fatal_errors > 0:
        zero = ",整通为 0 分" if rubric.fatal_errors.zero_call else ""
        out.append(f"致命性错误 {case.fatal_errors} 起{zero}")
    return out


def _period_zh(rubric: Rubric) -> str:
    return "本" + PERIOD_ZH[rubric.ledger.period] if rubric.ledger is not None else ""


@dataclass
class Voucher:
    """One 扣分凭单 and its row of the 扣罚登记表."""

    number: str  # KF20261014-001: the day and a sequence within the day
    case: SeriousCase  # as scored before any appeal
    proposal: Proposal  # after an upheld appeal that leaves it serious: of the corrected scores
    status: str
    note: str = ""
    original_points: float | None = None  # the proposal before an appeal changed it

    @property
    def points(self) -> float:
        return self.proposal.points

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, **self.case.to_dict(), "points": self.points,
                "basis": self.proposal.basis, "rules": list(self.proposal.rules), "status": self.status,
                "note": self.note, "original_points": self.original_points}


def _outcomes_by_recording(outcomes: list[AppealOutcome] | None) -> dict[str, list[AppealOutcome]]:
    by: dict[str, list[AppealOutcome]] = {}
    for o in outcomes or []:
        by.setdefault(o.appeal.recording_id, []).append(o)
    return by


def _status(rubric: Rubric, case: SeriousCase, prop: Proposal, after: SeriousCase | None,
            outs: list[AppealOutcome]) -> tuple[str, str, Proposal]:
    """(status, note, proposal) of a voucher by the module docstring's rules."""
    statuses = [o.status for o in outs]
    if "待处理" in statuses:
        o = next(o for o in outs if o.status == "待处理")
        return APPEALING, f"申诉待处理({o.note or '等待复核'})", prop
    if "改判" in statuses:
        if prop.basis == BASIS_ERROR and (after is None or after.error_deduction <= 0):
            return WITHDRAWN, f"申诉改判: 差错扣分 {fmt_number(case.error_deduction)} → 0", prop
        if after is None:
            return WITHDRAWN, "申诉改判后不再属于严重问题", prop
        new = proposal(rubric, after)
        note = "申诉改判后仍属严重问题,按改判后的评分" + (
            f"(建议扣分 {fmt_number(prop.points)} → {fmt_number(new.points)})" if new.points != prop.points else "")
        return CONFIRMED, note, new
    if "维持原判" in statuses:
        return CONFIRMED, "申诉维持原判", prop
    late = [o for o in outs if o.status == "逾期"]
    return PENDING, ("申诉逾期,未受理" if late else ""), prop


def vouchers(rubric: Rubric, before: pd.DataFrame, after: pd.DataFrame | None = None,
             outcomes: list[AppealOutcome] | None = None, *, history: pd.DataFrame | None = None,
             history_after: pd.DataFrame | None = None) -> list[Voucher]:
    """One voucher per serious call of `before` (counted calls as scored), with its status from
    the appeals (`after`: the same calls with upheld appeals applied); a call that only an upheld
    appeal made serious gets one too. Ordered by date, then recording id. `history` (and
    `history_after`, as decided): earlier counted calls that raise a ledger's escalation counts."""
    cases = serious_cases(rubric, before, history)
    after_cases = {c.recording_id: c for c in serious_cases(rubric, after, history_after)} if after is not None else \
        {c.recording_id: c for c in cases}
    by_rec = _outcomes_by_recording(outcomes)
    out = []
    seen = set()
    for case in cases:
        seen.add(case.recording_id)
        prop = proposal(rubric, case)
        status, note, final = _status(rubric, case, prop, after_cases.get(case.recording_id),
                                      by_rec.get(case.recording_id, []))
        out.append(Voucher("", case, final, status, note,
                           prop.points if final.points != prop.points else None))
    for rid, case in after_cases.items():
        if rid not in seen:
            out.append(Voucher("", case, proposal(rubric, case), PENDING, "申诉改判后新增的严重问题"))
    out.sort(key=lambda v: (v.case.date or dt.date.min, v.case.recording_id))
    seq: dict[Any, int] = {}
    for v in out:
        seq[v.case.date] = seq.get(v.case.date, 0) + 1
        day = f"{v.case.date:%Y%m%d}" if v.case.date else "00000000"
        v.number = f"KF{day}-{seq[v.case.date]:03d}"
    return out


@dataclass
class PenaltyRegister:
    """The vouchers of a period (a day or a month) for the 服务质量扣罚登记表."""

    rubric: Rubric
    period: Period
    label: str  # 2026年10月 / 2026-10-14
    key: str  # 2026-10 / 2026-10-14
    vouchers: list[Voucher] = field(default_factory=list)
    appeals_given: bool = False

    def counts(self) -> dict[str, int]:
        return {s: sum(v.status == s for v in self.vouchers) for s in STATUSES}

    def points_total(self, statuses: tuple[str, ...] = (PENDING, CONFIRMED, APPEALING)) -> float:
        return round(sum(v.points for v in self.vouchers if v.status in statuses), 6)

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.key, "label": self.label, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "vouchers": [v.to_dict() for v in self.vouchers],
                "counts": self.counts(), "points_total": self.points_total()}
