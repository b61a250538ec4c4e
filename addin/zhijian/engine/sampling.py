"""The 抽检计划 (sampling plan): which recordings each inspector scores today, by the handbook's
轮回抽检 rule (seed 001, 质量管理词典 【轮回抽检】, SOP-13.3) and 【质检配比】.

- 平均: every agent gets the same number of drawn calls (`per_agent`, default 5).
- 连续: the working day is cut into `rounds` windows of equal length (default 5, whole minutes:
  from the earliest call's minute to the minute after the latest, or the `hours` given); the
  agent's k-th call of P belongs to round ⌊k·R/P⌋ + 1, so with 5 and 5 each round holds one call
  per agent. A round whose window has no call left takes the nearest window that has (the
  earlier one on a tie), and the plan says so.
- 随机: within the window, every eligible call of the agent is equally likely. Calls shorter than
  `min_duration` seconds (or of unreadable length: kept, as if long enough) are drawn only when no
  longer call is left anywhere in the day.
- Call types in proportion to the agent's own mix, as far as the rounds allow: in expectation a
  type gets Σ over the windows drawn of (calls drawn there × the type's share of the window) —
  the agent's mix when the calls are spread over the day — and the plan's count of each type is
  that expectation rounded down or up, never further. This is dependent rounding (Gandhi,
  Khuller, Parthasarathy, Srinivasan 2006) of the windows × types table of expected counts: it
  keeps each window's number of draws and each call's chance within its window exactly, so the
  types are spread without making any call of a window likelier than another.
- 质检配比: the agents with calls, in 班组 then 工号 order, are cut into one contiguous group per
  inspector, group sizes differing by at most one (whole agents: an agent's calls go to one
  inspector). Balanced groups are within 12–15 agents exactly when 12·k ≤ n ≤ 15·k; otherwise the
  plan notes how many inspectors the 配比 asks for.

Randomness: a numpy Generator per agent, seeded by (seed, CRC-32 of the 工号), so an agent's draw
depends only on the seed and that agent's calls; the default seed is the date as YYYYMMDD (the
same day gives the same plan). A seed given (`--seed`) is combined with the date as well: the
same seed every day still draws afresh each day.

`make_plan` works on a table of calls (`calllist.read_call_list`); a `Plan` is a value.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .rounding import dependent_round

RATIO_MIN, RATIO_MAX = 12, 15  # 【质检配比】 agents per inspector
DEFAULT_PER_AGENT = 5
DEFAULT_ROUNDS = 5
DEFAULT_MIN_DURATION = 30.0  # seconds
_LONG, _SHORT = 0, 1


def default_seed(day: dt.date) -> int:
    """The seed of a day's plan when none is given: the date as the number YYYYMMDD."""
    return day.year * 10000 + day.month * 100 + day.day


@dataclass(frozen=True)
class SamplingRule:
    """How many calls, in how many rounds, from which calls."""

    per_agent: int = DEFAULT_PER_AGENT
    rounds: int = DEFAULT_ROUNDS
    min_duration: float = DEFAULT_MIN_DURATION  # seconds; 0: every call is long enough
    hours: tuple[dt.time, dt.time] | None = None  # the working day; None: the calls' own span

    def __post_init__(self):
        if self.per_agent < 1 or self.rounds < 1:
            raise ValueError("per_agent and rounds must be at least 1")
        if self.min_duration < 0:
            raise ValueError("min_duration must not be negative")
        if self.hours is not None and self.hours[0] >= self.hours[1]:
            raise ValueError("hours must end after they start")

    def round_of_slot(self, k: int) -> int:
        """The round (1-based) of an agent's k-th drawn call (0-based)."""
        return k * self.rounds // self.per_agent + 1


@dataclass(frozen=True)
class Window:
    """One round's time window: [start, end), the last one closed."""

    round: int
    start: dt.datetime
    end: dt.datetime
    calls: int = 0  # the day's calls of the roster's agents in it (already scored ones included)

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class Draw:
    """One drawn call."""

    inspector: str
    round: int
    agent_id: str
    agent_name: str
    team: str
    recording_id: str
    start: dt.datetime
    duration: float | None  # seconds; None when the list has none or it was unreadable
    call_type: str
    customer: str
    window: int  # the round whose window it was drawn from (= round unless it fell back)
    short: bool  # shorter than the rule's minimum (drawn because nothing longer was left)
    note: str  # the fallback or the short call, in words; "" for a plain draw


@dataclass(frozen=True)
class AgentCount:
    """One agent's day: calls in the list, what could be drawn, what was."""

    agent_id: str
    agent_name: str
    team: str
    inspector: str  # "" for an agent without a call to draw
    calls: int  # the agent's readable calls of the day
    scored: int  # of which already in earlier 评分表 (excluded)
    short_calls: int  # of the eligible ones, shorter than the minimum
    drawn: int
    target: int
    fallbacks: int  # draws from another round's window
    mix: tuple[tuple[str, int], ...]  # eligible calls per type
    drawn_types: tuple[tuple[str, int], ...]  # drawn calls per type
    reason: str = ""  # why fewer than the target ("" when the target was met)
    excluded: int = 0  # the agent's rows of the call list left out by a finding (not in `calls`)

    @property
    def eligible(self) -> int:
        return self.calls - self.scored

    @property
    def is_short(self) -> bool:
        return self.drawn < self.target


@dataclass(frozen=True)
class InspectorGroup:
    """One inspector's agents and drawn calls (by round, then 工号)."""

    inspector: str
    agents: tuple[str, ...]
    draws: tuple[Draw, ...]


@dataclass(frozen=True)
class Plan:
    """A day's 抽检计划."""

    date: dt.date
    seed: int
    rule: SamplingRule
    windows: tuple[Window, ...]
    groups: tuple[InspectorGroup, ...]
    counts: tuple[AgentCount, ...]  # every roster agent, in 班组, 工号 order
    notes: tuple[str, ...] = ()

    @property
    def draws(self) -> list[Draw]:
        return [d for g in self.groups for d in g.draws]

    @property
    def short(self) -> list[AgentCount]:
        """The agents who could not get the target, with the reason."""
        return [c for c in self.counts if c.is_short]

    def group_of(self, inspector: str) -> InspectorGroup:
        return next(g for g in self.groups if g.inspector == inspector)

    def to_frame(self) -> pd.DataFrame:
        """The whole plan, one row per drawn call (the 抽检计划 sheet)."""
        rows = [{"日期": self.date, "质检员": d.inspector, "轮次": d.round, "坐席工号": d.agent_id,
                 "坐席姓名": d.agent_name, "班组": d.team, "录音编号": d.recording_id, "开始时间": d.start,
                 "通话时长(秒)": d.duration, "呼叫类型": d.call_type, "客户号码": d.customer,
                 "抽取时段": self.windows[d.window - 1].label, "说明": d.note} for d in self.draws]
        return pd.DataFrame(rows, columns=PLAN_COLUMNS)

    def to_dict(self) -> dict[str, Any]:
        """The `--json` plan."""
        return {
            "date": self.date.isoformat(), "seed": self.seed, "per_agent": self.rule.per_agent,
            "rounds": self.rule.rounds, "min_duration": self.rule.min_duration,
            "windows": [{"round": w.round, "start": w.start.isoformat(timespec="minutes"),
                         "end": w.end.isoformat(timespec="minutes"), "calls": w.calls} for w in self.windows],
            "inspectors": [{"inspector": g.inspector, "agents": list(g.agents), "calls": len(g.draws),
                            "draws": [{"round": d.round, "agent_id": d.agent_id, "recording_id": d.recording_id,
                                       "start": d.start.isoformat(timespec="seconds"), "call_type": d.call_type,
                                       "window": d.window, "short": d.short, "note": d.note}
                                      for d in g.draws]} for g in self.groups],
            "agents": [{"agent_id": c.agent_id, "agent_name": c.agent_name, "team": c.team,
                        "inspector": c.inspector, "calls": c.calls, "scored": c.scored,
                        "eligible": c.eligible, "excluded": c.excluded, "short_calls": c.short_calls,
                        "drawn": c.drawn, "fallbacks": c.fallbacks, "reason": c.reason} for c in self.counts],
            "short": [c.agent_id for c in self.short],
            "notes": list(self.notes),
        }


PLAN_COLUMNS = ["日期", "质检员", "轮次", "坐席工号", "坐席姓名", "班组", "录音编号", "开始时间", "通话时长(秒)",
                "呼叫类型", "客户号码", "抽取时段", "说明"]


# --- the split among inspectors ------------------------------------------------------------------

def split_agents(agents: Sequence[str], inspectors: Sequence[str]) -> list[list[str]]:
    """Contiguous groups of `agents` (in the order given), one per inspector, sizes differing by at
    most one; the first groups take the extra agents."""
    k = len(inspectors)
    if k == 0:
        raise ValueError("at least one inspector")
    base, extra = divmod(len(agents), k)
    out, i = [], 0
    for j in range(k):
        size = base + (1 if j < extra else 0)
        out.append(list(agents[i:i + size]))
        i += size
    return out


def ratio_note(agents: int, inspectors: int) -> str | None:
    """The 质检配比 note when n agents among k inspectors fall outside 12–15:1, else None."""
    if agents == 0 or RATIO_MIN * inspectors <= agents <= RATIO_MAX * inspectors:
        return None
    low, high = math.ceil(agents / RATIO_MAX), agents // RATIO_MIN
    per = agents / inspectors
    side = "低于" if per < RATIO_MIN else "高于"
    text = (f"质检配比: {agents} 名坐席、{inspectors} 名质检员,每名质检员约 {per:.1f} 名坐席,"
            f"{side} {RATIO_MIN}–{RATIO_MAX}:1;已尽量平均分配")
    if low <= high:
        want = f"{low} 名" if low == high else f"{low}–{high} 名"
        return text + f"(按配比应为 {want}质检员)"
    return text + f"({agents} 名坐席无法按 {RATIO_MIN}–{RATIO_MAX}:1 整组分配)"


# --- windows --------------------------------------------------------------------------------------

def make_windows(day: dt.date, starts: Sequence[dt.datetime], rule: SamplingRule) -> tuple[Window, ...]:
    """The rounds' windows: `rule.hours` on `day`, else from the earliest call's minute to the
    minute after the latest call, cut into `rule.rounds` windows of whole minutes."""
    if rule.hours is not None:
        first = dt.datetime.combine(day, rule.hours[0])
        last = dt.datetime.combine(day, rule.hours[1])
    elif len(starts):
        first = min(starts).replace(second=0, microsecond=0)
        last = max(starts).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    else:
        first, last = dt.datetime.combine(day, dt.time(9)), dt.datetime.combine(day, dt.time(18))
    minutes = max(1, round((last - first).total_seconds() / 60))
    bounds = [first + dt.timedelta(minutes=round(i * minutes / rule.rounds)) for i in range(rule.rounds + 1)]
    return tuple(Window(i + 1, bounds[i], bounds[i + 1]) for i in range(rule.rounds))


def window_index(windows: Sequence[Window], starts: np.ndarray) -> np.ndarray:
    """0-based window of each start (datetime64): calls before the first window belong to it, calls
    after the last to the last."""
    edges = np.array([np.datetime64(w.start) for w in windows[1:]], dtype="datetime64[us]")
    return np.searchsorted(edges, starts.astype("datetime64[us]"), side="right")


# --- one agent -------------------------------------------------------------------------------------

@dataclass
class _AgentCalls:
    """One agent's eligible calls: positions in the day's table, window, pool (long/short), type."""

    pos: np.ndarray
    window: np.ndarray
    pool: np.ndarray
    types: list[str]
    starts: np.ndarray  # datetime64, for ordering


def _assign_slots(rule: SamplingRule, cap: np.ndarray) -> list[tuple[int, int, int]]:
    """(slot round 0-based, pool, window) for each slot that can be filled: own window first, then
    the nearest window with calls left (earlier on a tie); long calls before short ones."""
    left = cap.copy()  # pool × window
    rounds = [rule.round_of_slot(k) - 1 for k in range(rule.per_agent)]
    placed: list[tuple[int, int, int] | None] = [None] * len(rounds)
    for pool in (_LONG, _SHORT):
        for k, r in enumerate(rounds):
            if placed[k] is None and left[pool, r] > 0:
                left[pool, r] -= 1
                placed[k] = (r, pool, r)
        for k, r in enumerate(rounds):
            if placed[k] is not None:
                continue
            options = [w for w in range(rule.rounds) if left[pool, w] > 0]
            if options:
                w = min(options, key=lambda w: (abs(w - r), w))
                left[pool, w] -= 1
                placed[k] = (r, pool, w)
    return [p for p in placed if p is not None]


def _draw_agent(rule: SamplingRule, calls: _AgentCalls, rng: np.random.Generator
                ) -> list[tuple[int, int, int, int]]:
    """(round 0-based, window, pool, position in the day's table) of the agent's drawn calls."""
    cap = np.zeros((2, rule.rounds), dtype=int)
    np.add.at(cap, (calls.pool, calls.window), 1)
    slots = _assign_slots(rule, cap)
    groups = sorted({(pool, w) for _, pool, w in slots})
    types = sorted(set(calls.types))
    tcode = np.array([types.index(t) for t in calls.types], dtype=int)
    want = np.zeros((len(groups), len(types)))
    members = []
    for g, (pool, w) in enumerate(groups):
        inside = np.flatnonzero((calls.pool == pool) & (calls.window == w))
        k = sum(1 for _, p, ww in slots if (p, ww) == (pool, w))
        counts = np.bincount(tcode[inside], minlength=len(types))
        want[g] = k * counts / len(inside)
        members.append((inside, k))
    take = dependent_round(want, rng)
    out = []
    for g, (pool, w) in enumerate(groups):
        inside, k = members[g]
        chosen = []
        for t in range(len(types)):
            if take[g, t]:
                of_type = inside[tcode[inside] == t]
                chosen.extend(rng.choice(of_type, size=int(take[g, t]), replace=False).tolist())
        chosen.sort(key=lambda i: (calls.starts[i], calls.pos[i]))
        rounds = sorted(r for r, p, ww in slots if (p, ww) == (pool, w))
        out.extend((r, w, pool, int(calls.pos[i])) for r, i in zip(rounds, chosen))
    return sorted(out)


def agent_rng(seed: int, agent_id: str, day: dt.date | None = None) -> np.random.Generator:
    """The agent's own random stream: its draw depends only on the seed, the day and its own calls.
    A seed other than the day's default is combined with the day, so a seed given every day does
    not draw the same times every day (the default seed, the date itself, already differs)."""
    entropy = [seed, zlib.crc32(agent_id.encode("utf-8"))]
    if day is not None and seed != default_seed(day):
        entropy.insert(1, default_seed(day))
    return np.random.default_rng(entropy)


# --- the plan ---------------------------------------------------------------------------------------

@dataclass
class _DayCalls:
    """The day's calls of the roster's agents (sorted by start), as arrays and lists."""

    frame: pd.DataFrame
    day: dt.date
    window: np.ndarray
    pool: np.ndarray
    scored: np.ndarray
    starts: np.ndarray  # datetime64[us]
    by_agent: dict[str, np.ndarray] = field(default_factory=dict)
    columns: dict[str, list] = field(default_factory=dict)  # the values of a draw, per column


def _day_calls(calls: pd.DataFrame, day: dt.date, agents: set[str], rule: SamplingRule,
               scored: set[str]) -> tuple[_DayCalls, tuple[Window, ...], list[str]]:
    notes = []
    same_day = np.array([isinstance(s, dt.datetime) and s.date() == day for s in calls["start"].tolist()],
                        dtype=bool)
    other = int((~same_day).sum())
    if other:
        notes.append(f"另有 {other} 通录音不是 {day:%Y-%m-%d} 的通话,未参与抽取")
    frame = calls[same_day]
    known = frame["agent_id"].isin(agents).to_numpy(dtype=bool)
    if (~known).sum():
        ids = sorted(set(frame.loc[~known, "agent_id"].tolist()))
        notes.append(f"{int((~known).sum())} 通录音的坐席工号不在人员名单中,未参与抽取: " + "、".join(ids[:20])
                     + ("……" if len(ids) > 20 else ""))
    frame = frame[known].sort_values(["start", "recording_id"], kind="stable").reset_index(drop=True)
    starts = [s.to_pydatetime() if isinstance(s, pd.Timestamp) else s for s in frame["start"].tolist()]
    windows = make_windows(day, starts, rule)
    window = window_index(windows, np.array(starts, dtype="datetime64[us]")) if len(frame) \
        else np.zeros(0, dtype=int)
    duration = pd.to_numeric(frame["duration"], errors="coerce").to_numpy(dtype=float) if len(frame) \
        else np.zeros(0)
    pool = np.where(duration < rule.min_duration, _SHORT, _LONG)  # NaN < x is False: long
    per_window = np.bincount(window, minlength=rule.rounds)
    windows = tuple(replace(w, calls=int(n)) for w, n in zip(windows, per_window))
    is_scored = frame["recording_id"].isin(scored).to_numpy(dtype=bool)
    if is_scored.any():
        notes.append(f"{int(is_scored.sum())} 通录音已在以往评分表中,未参与抽取")
    out = _DayCalls(frame, day, window, pool, is_scored, np.array(starts, dtype="datetime64[us]"))
    out.columns = {k: frame[k].tolist() for k in ("recording_id", "agent_id", "call_type", "customer",
                                                  "agent_name", "team")}
    out.columns["start"] = starts
    out.columns["duration"] = duration.tolist()
    for aid, pos in frame.groupby("agent_id", sort=False).indices.items():
        out.by_agent[str(aid)] = np.asarray(pos)
    return out, windows, notes


def make_plan(calls: pd.DataFrame, roster: pd.DataFrame, inspectors: Sequence[str], day: dt.date, *,
              rule: SamplingRule = SamplingRule(), seed: int | None = None,
              scored: set[str] | frozenset[str] = frozenset(), excluded: Mapping[str, int] | None = None) -> Plan:
    """The 抽检计划 of `day` from the call list `calls` (columns recording_id, agent_id, start
    (datetime), duration (seconds or NaN), call_type, customer; rows with findings left out,
    `excluded` counts them per agent) for the agents of `roster` (agent_id, agent_name, team),
    split among `inspectors`; recordings in `scored` (already in earlier 评分表) are not drawn."""
    inspectors = list(dict.fromkeys(i for i in inspectors if i))
    if not inspectors:
        raise ValueError("at least one inspector")
    seed = default_seed(day) if seed is None else int(seed)
    agents = roster.sort_values(["team", "agent_id"], kind="stable")
    meta = {str(a): (str(n), str(t)) for a, n, t in zip(agents["agent_id"], agents["agent_name"], agents["team"])}
    day_calls, windows, notes = _day_calls(calls, day, set(meta), rule, set(scored))
    eligible_agents = [a for a in meta if a in day_calls.by_agent
                       and (~day_calls.scored[day_calls.by_agent[a]]).any()]
    groups = split_agents(eligible_agents, inspectors)
    inspector_of = {a: insp for insp, group in zip(inspectors, groups) for a in group}
    note = ratio_note(len(eligible_agents), len(inspectors))
    if note:
        notes.append(note)
    draws_of: dict[str, list[Draw]] = {i: [] for i in inspectors}
    counts = []
    for aid, (name, team) in meta.items():
        draws, count = _plan_agent(rule, seed, day_calls, windows, aid, name, team, inspector_of.get(aid, ""),
                                   (excluded or {}).get(aid, 0))
        counts.append(count)
        if draws:
            draws_of[count.inspector].extend(draws)
    plan_groups = tuple(InspectorGroup(i, tuple(g), tuple(sorted(draws_of[i], key=lambda d: (d.round, _agent_key(d)))))
                        for i, g in zip(inspectors, groups))
    fallbacks = sum(c.fallbacks for c in counts)
    short_drawn = sum(d.short for g in plan_groups for d in g.draws)
    if fallbacks:
        notes.append(f"{fallbacks} 通录音因本轮时段没有可抽的录音,改从最近的时段抽取(见“说明”列)")
    if short_drawn:
        notes.append(f"{short_drawn} 通录音短于 {rule.min_duration:g} 秒,因该坐席没有更长的录音可抽而抽取")
    return Plan(day, seed, rule, windows, plan_groups, tuple(counts), tuple(notes))


def _agent_key(d: Draw) -> tuple[str, str]:
    return (d.team, d.agent_id)


def _plan_agent(rule: SamplingRule, seed: int, day: _DayCalls, windows: tuple[Window, ...], aid: str,
                name: str, team: str, inspector: str, excluded: int = 0) -> tuple[list[Draw], AgentCount]:
    pos = day.by_agent.get(aid, np.zeros(0, dtype=int))
    if len(pos):  # the roster's name and team, else the call list's
        name = name or _text(day.columns["agent_name"][pos[0]])
        team = team or _text(day.columns["team"][pos[0]])
    scored = int(day.scored[pos].sum())
    pos = pos[~day.scored[pos]]
    types = [_text(day.columns["call_type"][i]) for i in pos]
    draws: list[Draw] = []
    if len(pos) and inspector:
        calls = _AgentCalls(pos, day.window[pos], day.pool[pos], types, day.starts[pos])
        for r, w, pool, i in _draw_agent(rule, calls, agent_rng(seed, aid, day.day)):
            draws.append(_draw(day, i, inspector, r + 1, w + 1, pool == _SHORT, windows, rule, name, team))
    mix = _type_counts(types)
    drawn_types = _type_counts([d.call_type for d in draws])
    count = AgentCount(aid, name, team, inspector, len(pos) + scored, scored,
                       int((day.pool[pos] == _SHORT).sum()), len(draws), rule.per_agent,
                       sum(d.window != d.round for d in draws), mix, drawn_types, excluded=excluded)
    if count.is_short:
        count = _with_reason(count)
    return draws, count


def _type_counts(types: list[str]) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {}
    for t in types:
        out[t] = out.get(t, 0) + 1
    return tuple(sorted(out.items()))


def _with_reason(c: AgentCount) -> AgentCount:
    if c.calls == 0:  # rows with findings are not calls to draw: said, never "no calls"
        reason = f"当日 {c.excluded} 行通话记录有校验错误(见校验结果),不参与抽取" if c.excluded else "当日没有通话记录"
    elif c.eligible == 0:
        reason = f"当日 {c.calls} 通录音都已在以往评分表中"
    else:
        reason = f"当日只有 {c.eligible} 通可抽录音"
        if c.scored:
            reason += f"(共 {c.calls} 通,其中 {c.scored} 通已在以往评分表中)"
        if c.excluded:
            reason += f"(另有 {c.excluded} 行有校验错误,不参与抽取)"
    return replace(c, reason=reason + f",不足 {c.target} 通")


def _draw(day: _DayCalls, i: int, inspector: str, rnd: int, window: int, short: bool,
          windows: tuple[Window, ...], rule: SamplingRule, name: str, team: str) -> Draw:
    col = day.columns
    notes = []
    if window != rnd:
        notes.append(f"第{rnd}轮时段({windows[rnd - 1].label})没有可抽的录音,改从第{window}轮时段"
                     f"({windows[window - 1].label})抽取")
    duration = None if math.isnan(col["duration"][i]) else float(col["duration"][i])
    if short:
        notes.append(f"没有 {rule.min_duration:g} 秒以上的录音可抽,抽取了 {duration:g} 秒的短录音")
    return Draw(inspector, rnd, str(col["agent_id"][i]), name, team, str(col["recording_id"][i]),
                col["start"][i], duration,
                _text(col["call_type"][i]), _text(col["customer"][i]), window, short, ";".join(notes))


def _text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
