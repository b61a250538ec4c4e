"""The rubric keys of a per-agent-per-period ledger (seed 004 服务规范考核条例: "服务规范基准分为100分
… 发现一次,扣基准分10分") and of penalties that rise with repeat offences; pydantic models and their
cross-checks, used by `rubric.Rubric`. The computation is `ledger`.

    ledger: {base: 100, period: month}          # the base belongs to the agent for the month
    escalation: {window_days: 90, points: [20, 30, 40, 50]}   # on the rubric or on an offence
"""

from __future__ import annotations

import math
from typing import Any, Literal

from .model_base import HandWritten
from .rubric_rules import fmt_number as _n

LedgerPeriod = Literal["week", "month", "quarter", "year"]
PERIOD_ZH = {"week": "周", "month": "月", "quarter": "季度", "year": "年"}


_Model = HandWritten



MAX_WINDOW_DAYS = 3660  # ten years: the look-back of a period is a date

class Ledger(_Model):
    """The agent's account for an assessment period: `base` (default: the rubric's base, else full
    marks) less every occurrence found in the period, never below 0."""

    base: float | None = None
    period: LedgerPeriod = "month"
    note: str | None = None


class Escalation(_Model):
    """Points by the agent's count of offences within `window_days` (the occurrence itself
    included): the 1st costs points[0], the 2nd points[1], …; every later one costs the last."""

    window_days: int
    points: list[float]
    note: str | None = None

    def points_for(self, count: int) -> float:
        """What the `count`-th offence within the window costs (count ≥ 1)."""
        return self.points[min(count, len(self.points)) - 1]


def ledger_problems(r: Any) -> list[tuple[tuple, str]]:
    """The ledger and escalation keys of rubric `r`: a ledger needs offences and no items, an
    escalation needs a ledger (the count is the agent's, over days), sane numbers."""
    probs: list[tuple[tuple, str]] = []
    if r.ledger is not None:
        if r.categories:
            probs.append((("ledger",), "按坐席按周期扣分(ledger)只用于扣分条款(offences),不能与评分项(categories)同用"))
        if not r.offences:
            probs.append((("ledger",), "按坐席按周期扣分(ledger)需要扣分条款(offences)"))
        base = r.ledger.base
        if base is not None and r.base is not None and not math.isclose(base, r.base):
            probs.append((("ledger", "base"), f"ledger.base {_n(base)} 与 base {_n(r.base)} 不同"))
        if base is not None and not math.isclose(base, r.marks.full):
            probs.append((("ledger", "base"), f"基准分 {_n(base)} 应等于满分 {_n(r.marks.full)}"))
    places = [(("escalation",), r.escalation)]
    places += [(("offences", k, "escalation"), o.escalation) for k, o in enumerate(r.offences)]
    for path, esc in places:
        if esc is None:
            continue
        if r.ledger is None:
            probs.append((path, "升级扣分(escalation)按坐席在窗口内的次数计,需要 ledger(按坐席按周期扣分)"))
        if esc.window_days < 1:
            probs.append((path + ("window_days",), "window_days(计次窗口天数)应至少为 1"))
        elif esc.window_days > MAX_WINDOW_DAYS:  # a period's look-back reaches before year 1
            probs.append((path + ("window_days",), f"window_days(计次窗口天数)为 {esc.window_days},"
                                                   f"最多 {MAX_WINDOW_DAYS} 天(10 年)"))
        if not esc.points or any(p <= 0 for p in esc.points):
            probs.append((path + ("points",), "升级扣分的 points 应为一列大于 0 的分值,如 [20, 30, 40, 50]"))
        elif esc.points != sorted(esc.points):
            probs.append((path + ("points",), "升级扣分的 points 应从第 1 次起不减"))
    for k, o in enumerate(r.offences):
        esc = escalation_of(r, o)
        if esc is not None and esc.points and not math.isclose(o.points, esc.points[0]):
            probs.append((("offences", k, "points"), f"扣分条款“{o.name}”升级扣分: 分值 {_n(o.points)} "
                                                      f"应等于第 1 次的分值 {_n(esc.points[0])}"))
    return probs


def escalation_of(r: Any, offence: Any) -> Escalation | None:
    """The escalation an offence follows: its own, else the rubric's (None: fixed points)."""
    return offence.escalation if offence.escalation is not None else r.escalation

