"""Per-agent-per-period ledgers (seed 004 服务规范考核条例; DOMAIN.md, per-occurrence rubrics).

On a rubric with `ledger`, the base (e.g. 100) belongs to the agent for an assessment period
(`ledger.period`, default the month), not to a call. Every occurrence of an offence found on one
of the agent's calls in the period is taken off it:
  - an offence costs its `points`; with an `escalation` (its own, else the rubric's) it costs
    `points[k − 1]` where k is the agent's count of such offences within the last `window_days`
    days, this one included (an earlier offence counts when it lies fewer than `window_days` days
    before it; the same day counts); from the last entry on, every further one costs the last;
    an offence's own escalation counts that offence only, the rubric's counts every offence that
    follows it;
  - an occurrence that caused a complaint (`complaint:<id>`, for offences with `doubled_when`)
    costs `multiplier` × that (within one call, the doubled occurrences are counted first);
  - offences before the period but within the window raise the count; only the period's are
    taken off;
  - the agent's period score = max(0, base − Σ); the sum is shown whole, so a floored score is
    visible (扣分合计 > base).
Occurrences are ordered by date, then as the calls were read. The calls given are the counted
ones (`analysis.counted_calls`: duplicates once, a calibration case once at its benchmark).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .ledger_model import PERIOD_ZH, escalation_of
from .loaded import Loaded
from .periods import Period, parse_period
from .rubric import Rubric, fmt_number
from .scoring import complaint_col, offence_col

LEDGER_COLUMNS = ["工号", "姓名", "班组", "通数", "发生次数", "窗口内此前次数", "扣分合计", "期间得分", "等级",
                  "扣分明细"]


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an offence on a call, and what it cost (0 when before the period)."""

    agent_id: str
    date: dt.date
    offence_id: str
    recording_id: str
    doubled: bool
    count: int  # the agent's count within the escalation window, this one included (1 without)
    points: float
    in_period: bool
    counted_with: str = ""  # what its count counts: the offence's id (its own escalation) or "*"
    window_days: int = 0  # its escalation's window (0: fixed points)
    at: int = -1  # the position of its call in the calls frame it was found in

    def describe(self, rubric: Rubric) -> str:
        """"10-08 提前挂机(第2次,加倍) −12"."""
        o = next(o for o in rubric.offences if o.id == self.offence_id)
        notes = ([f"第{self.count}次"] if escalation_of(rubric, o) is not None else []) + \
            (["加倍"] if self.doubled else [])
        extra = f"({','.join(notes)})" if notes else ""
        return f"{self.date:%m-%d} {o.name}{extra} −{fmt_number(self.points)}"


@dataclass
class AgentLedger:
    agent_id: str
    agent_name: str
    team: str
    calls: int  # the agent's counted calls in the period
    occurrences: list[Occurrence] = field(default_factory=list)  # in the period
    prior: int = 0  # occurrences before the period that raised a count

    def points(self) -> float:
        return round(sum(o.points for o in self.occurrences), 6) + 0.0


@dataclass
class PeriodLedger:
    """The ledgers of every agent with a counted call in `period`."""

    rubric: Rubric
    period: Period
    label: str
    agents: list[AgentLedger]

    def score(self, a: AgentLedger) -> float:
        return max(0.0, round(self.rubric.ledger_base - a.points(), 6) + 0.0)

    def scores(self) -> dict[str, float]:
        return {a.agent_id: self.score(a) for a in self.agents}

    def frame(self) -> pd.DataFrame:
        rows = [{"工号": a.agent_id, "姓名": a.agent_name, "班组": a.team, "通数": a.calls,
                 "发生次数": len(a.occurrences), "窗口内此前次数": a.prior, "扣分合计": a.points(),
                 "期间得分": self.score(a), "等级": self.rubric.grade_for(self.score(a)),
                 "扣分明细": "、".join(o.describe(self.rubric) for o in a.occurrences)} for a in self.agents]
        return pd.DataFrame(rows, columns=LEDGER_COLUMNS)

    def to_dict(self) -> dict:
        return {"period": f"{self.period.start.isoformat()}..{self.period.end.isoformat()}", "label": self.label,
                "base": self.rubric.ledger_base,
                "agents": [{"agent_id": a.agent_id, "agent_name": a.agent_name, "calls": a.calls,
                            "occurrences": len(a.occurrences), "prior_in_window": a.prior,
                            "points": a.points(), "score": self.score(a),
                            "grade": self.rubric.grade_for(self.score(a))} for a in self.agents]}


def assessment_period(rubric: Rubric, day: dt.date) -> tuple[Period, str]:
    """The ledger's assessment period holding `day`, and its label ("2026年10月")."""
    kind = rubric.ledger.period if rubric.ledger is not None else "month"
    if kind == "week":
        y, w, _ = day.isocalendar()
        return parse_period(f"{y}-W{w:02d}"), f"{y}年第{w}周"
    if kind == "quarter":
        q = (day.month - 1) // 3 + 1
        return parse_period(f"{day.year}-Q{q}"), f"{day.year}年第{q}季度"
    if kind == "year":
        return parse_period(str(day.year)), f"{day.year}年"
    return parse_period(f"{day:%Y-%m}"), f"{day.year}年{day.month}月"


def lookback_days(rubric: Rubric) -> int:
    """How far before a period its occurrences may still raise a count."""
    windows = [e.window_days for e in [rubric.escalation, *(o.escalation for o in rubric.offences)] if e]
    return max(windows, default=0)


def occurrences(rubric: Rubric, calls: pd.DataFrame, period: Period) -> list[Occurrence]:
    """Every occurrence on the calls (dated on or before the period's end), priced by the rules
    in the module docstring."""
    if calls.empty:
        return []
    dates = calls["date"].tolist()
    order = sorted((i for i, d in enumerate(dates) if isinstance(d, dt.date) and d <= period.end),
                   key=lambda i: dates[i])
    agents = calls["agent_id"].astype(str).tolist()
    rids = calls["recording_id"].astype(str).tolist() if "recording_id" in calls else [""] * len(calls)
    counts = {o.id: _ints(calls, offence_col(o.id)) for o in rubric.offences}
    doubled = {o.id: np.minimum(counts[o.id], _ints(calls, complaint_col(o.id))) if o.doubled_when
               else np.zeros(len(calls), int) for o in rubric.offences}
    seen: dict[tuple[str, str], list[dt.date]] = {}  # (agent, counting key) -> dates so far
    out: list[Occurrence] = []
    any_offence = np.sum([counts[o.id] for o in rubric.offences], axis=0) > 0
    for i in (i for i in order if any_offence[i]):  # most calls have none
        for o in rubric.offences:
            esc = escalation_of(rubric, o)
            key = (agents[i], o.id if o.escalation is not None else "*")
            for k in range(int(counts[o.id][i])):
                past = seen.setdefault(key, [])
                past.append(dates[i])
                count = sum(1 for d in past if (dates[i] - d).days < esc.window_days) if esc else 1
                pts = esc.points_for(count) if esc else o.points
                is_doubled = k < int(doubled[o.id][i])
                pts *= o.multiplier if is_doubled else 1
                inside = dates[i] in period
                out.append(Occurrence(agents[i], dates[i], o.id, rids[i], is_doubled, count,
                                      float(pts) if inside else 0.0, inside, key[1],
                                      esc.window_days if esc else 0, i))
    return out


def call_charges(rubric: Rubric, calls: pd.DataFrame, history: pd.DataFrame | None = None) -> list[list[Occurrence]]:
    """Per row of `calls`, its occurrences as the agent's ledger prices them (escalated by the
    agent's count within the window, doubled on a complaint), counting `history` (earlier counted
    calls) and the earlier rows of `calls` too; [] for a call without offences or without a date."""
    n_hist = len(history) if history is not None else 0
    frame = pd.concat([history, calls], ignore_index=True) if n_hist else calls.reset_index(drop=True)
    out: list[list[Occurrence]] = [[] for _ in range(len(calls))]
    dates = [d for d in calls["date"].tolist() if isinstance(d, dt.date)] if len(calls) else []
    if not dates:
        return out
    for o in occurrences(rubric, frame, Period(min(dates), max(dates))):
        if o.at >= n_hist and o.in_period:
            out[o.at - n_hist].append(o)
    return out


CHARGE_HEADER = "本通扣分"  # a ledger rubric's per-call figure: what its occurrences cost the agent


def charge_column(rubric: Rubric, calls: pd.DataFrame) -> list[float | None]:
    """Per row of a calls table (`zhijian score`, the ribbon's 计算总分): its 本通扣分 — Σ what
    its occurrences cost the agent's ledger, counted over the scorable calls given as `ledgers_of`
    does; None for a row that cannot be scored. A call has no score of its own on a ledger rubric."""
    ok = calls["scorable"].astype(bool).to_numpy() if "scorable" in calls else np.ones(len(calls), bool)
    charged = call_charges(rubric, calls[ok]) if ok.any() else []
    out: list[float | None] = [None] * len(calls)
    for pos, occ in zip(np.flatnonzero(ok).tolist(), charged):
        out[pos] = round(sum(o.points for o in occ), 6) + 0.0
    return out


def history_before(rubric: Rubric, loaded: Loaded, start: dt.date, *, lead: str | None = None) -> pd.DataFrame | None:
    """The counted calls of `loaded` in the escalation window before `start` (they raise counts
    only; a calibration call at the benchmark the reports use, the `lead`'s scoring when given);
    None when the rubric has no ledger or no window."""
    days = lookback_days(rubric) if rubric.ledger is not None else 0
    if not days:
        return None
    from .analysis import counted_calls

    calls = loaded.select(Period(start - dt.timedelta(days=days), start - dt.timedelta(days=1))).calls
    return counted_calls(rubric, calls, lead=lead)[0] if len(calls) else None


def build_ledger(rubric: Rubric, calls: pd.DataFrame, period: Period, label: str = "") -> PeriodLedger:
    """The ledgers of `period` from counted calls that may reach back before it (those only raise
    counts); agents are those with a counted call in the period, by 工号."""
    occ = occurrences(rubric, calls, period)
    inside = [isinstance(d, dt.date) and d in period for d in calls["date"].tolist()] if len(calls) else []
    frame = calls[np.asarray(inside, dtype=bool)] if len(calls) else calls
    agents: dict[str, AgentLedger] = {}
    for aid, name, team in zip(frame.get("agent_id", pd.Series(dtype=object)).astype(str).tolist(),
                               frame.get("agent_name", pd.Series(dtype=object)).tolist(),
                               frame.get("team", pd.Series(dtype=object)).tolist()):
        a = agents.setdefault(aid, AgentLedger(aid, _text(name), _text(team), 0))
        a.calls += 1
    for o in occ:
        a = agents.get(o.agent_id)
        if a is None:
            continue  # an agent without a call in the period has no ledger for it
        if o.in_period:
            a.occurrences.append(o)
        elif _raises_a_count(o, occ):
            a.prior += 1
    return PeriodLedger(rubric, period, label or assessment_period(rubric, period.start)[1],
                        [agents[k] for k in sorted(agents)])


def ledger_for(rubric: Rubric, loaded: Loaded, report: Period, *,
               history: Loaded | None = None, lead: str | None = None) -> PeriodLedger | None:
    """The ledger a report of `report` shows (None for other rubrics): the assessment period
    holding the report's last day, up to that day (a week's report on a monthly ledger: the month
    so far), from the counted calls of `loaded`, reaching back as far as a count may (into
    `history` too: the calls of earlier inputs, e.g. the 月报's --previous, before the period); a
    calibration call at the report's benchmark (the `lead`'s scoring when given, as `analyse`)."""
    if rubric.ledger is None:
        return None
    from .analysis import counted_calls  # analysis refers to ledgers; this needs its counting

    whole, label = assessment_period(rubric, report.end)
    period = Period(whole.start, min(whole.end, report.end))
    if period != whole:
        label += f"(截至 {report.end:%m-%d})"
    back = period.start - dt.timedelta(days=lookback_days(rubric))
    calls = loaded.select(Period(back, period.end)).calls
    if history is not None and back < period.start:
        earlier = history.select(Period(back, period.start - dt.timedelta(days=1))).calls
        calls = pd.concat([earlier, calls], ignore_index=True) if len(earlier) else calls
    counted = counted_calls(rubric, calls, lead=lead)[0] if len(calls) else calls
    return build_ledger(rubric, counted, period, label)


def _raises_a_count(before: Occurrence, occ: list[Occurrence]) -> bool:
    """Whether an occurrence before the period counted toward one in it (same agent, counted
    together, fewer than the window's days before it)."""
    return before.window_days > 0 and any(
        x.in_period and x.agent_id == before.agent_id and x.counted_with == before.counted_with
        and (x.date - before.date).days < before.window_days for x in occ)


def _ints(calls: pd.DataFrame, col: str) -> np.ndarray:
    if col not in calls.columns:
        return np.zeros(len(calls), int)
    v = pd.to_numeric(calls[col], errors="coerce").fillna(0).to_numpy(dtype=float)
    return np.maximum(0, np.floor(v)).astype(int)


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def describe_ledger(rubric: Rubric) -> str:
    """One line for `rubric show` and notes: "按坐席按月扣分: 基准分 100 …"."""
    kind = PERIOD_ZH[rubric.ledger.period]
    text = f"按坐席按{kind}扣分: 每名坐席每{kind}基准分 {fmt_number(rubric.ledger_base)},本{kind}每发生一次扣一次,最低 0 分"
    if rubric.escalation is not None:
        e = rubric.escalation
        text += (f";{e.window_days} 天内第 1…{len(e.points)} 次分别扣 "
                 f"{'/'.join(fmt_number(p) for p in e.points)} 分,之后每次扣 {fmt_number(e.points[-1])} 分")
    return text


def agent_scores(analysis) -> dict[str, float | None]:
    """工号 -> the agent's score for a ranking: the ledger's period score on a ledger rubric (an
    `analysis.Analysis` whose `ledger` is set), else the mean of the agent's final scores."""
    if getattr(analysis, "ledger", None) is not None:
        return analysis.ledger.scores()
    return {str(aid): f.mean_score for (aid, _), f in analysis.by_agent}


def with_ledger_columns(table: pd.DataFrame, ledger: PeriodLedger | None, after: str, *,
                        score: bool = False) -> pd.DataFrame:
    """A per-agent table (by 工号) with the ledger's 发生次数, 扣分合计 and 扣分明细 (and its 期间得分
    when `score`) after column `after`."""
    if ledger is None or table.empty:
        return table
    led = ledger.frame().set_index("工号")
    cols = list(table.columns)
    at = cols.index(after) + 1
    out = table.copy()
    added = (["期间得分"] if score else []) + ["发生次数"] + \
        (["窗口内此前次数"] if lookback_days(ledger.rubric) else []) + ["扣分合计", "扣分明细"]
    for k, c in enumerate(added):
        out.insert(min(at + k, len(out.columns)), c, [led[c].get(str(a), np.nan) for a in out["工号"]])
    return out


def ledgers_of(rubric: Rubric, calls: pd.DataFrame) -> list[PeriodLedger]:
    """The ledger of every assessment period the calls' dates fall in, each counting the calls
    before it (`zhijian score`: the calls of the files given, as they are)."""
    dates = sorted({d for d in calls["date"].tolist() if isinstance(d, dt.date)}) if len(calls) else []
    periods = sorted({assessment_period(rubric, d) for d in dates}, key=lambda p: p[0].start)
    return [build_ledger(rubric, calls, p, label) for p, label in periods]


def call_offences(rubric: Rubric, call: dict) -> str:
    """A call's offences as its row shows them: "提前挂机或与邻座交谈×2(加倍 1)、…" ("" without)."""
    out = []
    for o in rubric.offences:
        n = int(_ints(pd.DataFrame([call]), offence_col(o.id))[0])
        m = min(n, int(_ints(pd.DataFrame([call]), complaint_col(o.id))[0])) if o.doubled_when else 0
        if n:
            out.append(f"{o.name}×{n}" + (f"(加倍 {m})" if m else ""))
    return "、".join(out)


@dataclass(frozen=True)
class LedgerFigures:
    """The period ledger's key figures (坐席考核): the agents assessed, their mean and lowest period
    score (None without agents) and how many fall below the rubric's 最低允许."""

    agents: int
    mean_score: float | None
    min_score: float | None
    below_pass: int
    pass_mark: float

    ROWS = (("考核坐席", "agents", "人"), ("期间得分平均", "mean_score", "分"), ("期间得分最低", "min_score", "分"),
            ("低于最低允许", "below_pass", "人"))

    def rows(self) -> list[tuple[str, float | int | None, str]]:
        """(label, value, unit) as the overview sheets show them."""
        return [(label, getattr(self, attr), unit) for label, attr, unit in self.ROWS]


def ledger_figures(led: "PeriodLedger") -> LedgerFigures:
    scores = list(led.scores().values())
    pass_mark = led.rubric.marks.pass_
    return LedgerFigures(len(scores), sum(scores) / len(scores) if scores else None,
                         min(scores) if scores else None,
                         sum(1 for s in scores if s < pass_mark - 1e-9), pass_mark)


def ledger_comparison(now: "PeriodLedger | None", before: "PeriodLedger | None") -> list[dict]:
    """The 关键指标环比 rows of a ledger rubric (none for others): each of its key figures this
    period (本月) and the one before (上月: NaN without its ledger), and the change."""
    if now is None:
        return []
    last = ledger_figures(before).rows() if before is not None else [(None, None, None)] * len(LedgerFigures.ROWS)
    return [{"指标": label, "单位": unit, "上月": np.nan if old is None else old, "本月": np.nan if cur is None else cur,
             "变化": np.nan if old is None or cur is None else cur - old}
            for (label, cur, unit), (_, old, _) in zip(ledger_figures(now).rows(), last)]


def score_line(analysis) -> str:
    """The one-line summary the doors print after a report: "平均分 96.4,优良率 80.0%,平均不良比率 …";
    on a ledger rubric the agents' period scores instead (a call has no score to average)."""
    o = analysis.overall
    defects = f"平均不良比率 {o.mean_defect_rate:.1%}({o.mean_defect_level})"
    led = getattr(analysis, "ledger", None)
    if led is not None and led.agents:
        f = ledger_figures(led)
        return (f"坐席考核 {led.label}: {f.agents} 人,期间得分平均 {f.mean_score:.1f}、"
                f"最低 {f.min_score:g},低于最低允许 {fmt_number(f.pass_mark)} 分 {f.below_pass} 人;{defects}")
    if o.mean_score is None:
        return f"按坐席按周期扣分,通话没有得分;{defects}"
    return f"平均分 {o.mean_score:.1f},优良率 {o.excellent_rate:.1%},{defects}"
