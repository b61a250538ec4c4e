"""The 抽检计划 (engine/sampling.py) on call lists small enough to check by hand: 5 per agent, one per
round, fallbacks, short calls, the split among inspectors, the seed; and, over many seeds, every call
of a window equally likely (a chi-square test) with the types spread as the agent's mix."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from zhijian.engine.rounding import dependent_round
from zhijian.engine.sampling import SamplingRule, default_seed, make_plan, ratio_note, split_agents

DAY = dt.date(2026, 10, 12)
# 09:00–14:00 in 5 rounds: one hour each (round 1 = 09:00–10:00, …, round 5 = 13:00–14:00).
HOURS = SamplingRule(hours=(dt.time(9), dt.time(14)))


def at(hhmm: str) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time.fromisoformat(hhmm))


def calls_of(spec: dict[str, list], *, durations: dict[str, float] | None = None) -> pd.DataFrame:
    """{agent: [(time, type) or time, …]} -> a call list; recording ids are agent-time."""
    rows = []
    for agent, calls in spec.items():
        for c in calls:
            time, ctype = c if isinstance(c, tuple) else (c, "呼入")
            rid = f"{agent}-{time}"
            rows.append({"recording_id": rid, "agent_id": agent, "start": at(time),
                         "duration": (durations or {}).get(rid, 120.0), "call_type": ctype,
                         "customer": "", "agent_name": "", "team": ""})
    return pd.DataFrame(rows)


def roster_of(agents, team="一组") -> pd.DataFrame:
    return pd.DataFrame({"agent_id": list(agents), "agent_name": [f"姓名{a}" for a in agents],
                         "team": [team] * len(agents)})


FULL_DAY = ["09:30", "10:30", "11:30", "12:30", "13:30", "09:45", "11:05"]


def test_every_agent_gets_five_one_per_round_when_every_window_has_a_call():
    agents = [f"A{i:02d}" for i in range(1, 7)]
    plan = make_plan(calls_of({a: FULL_DAY for a in agents}), roster_of(agents), ["王丽"], DAY, rule=HOURS)
    assert [w.label for w in plan.windows] == ["09:00–10:00", "10:00–11:00", "11:00–12:00", "12:00–13:00",
                                               "13:00–14:00"]
    draws = plan.draws
    assert len(draws) == 30 and not plan.short
    for a in agents:
        mine = [d for d in draws if d.agent_id == a]
        assert sorted(d.round for d in mine) == [1, 2, 3, 4, 5]
        for d in mine:  # each from its own round's window, no fallback, no note
            w = plan.windows[d.round - 1]
            assert w.start <= d.start < w.end and d.window == d.round and d.note == ""
    # Rounds 2, 4, 5 have one call per agent: those are drawn for sure.
    assert {d.recording_id for d in draws if d.round == 4} == {f"{a}-12:30" for a in agents}
    # A round holds one call per agent, and the sheet is ordered by round.
    for r in range(1, 6):
        assert sorted(d.agent_id for d in draws if d.round == r) == agents
    assert [d.round for d in plan.group_of("王丽").draws] == sorted(d.round for d in draws)


def test_an_agent_with_three_calls_gets_three_and_is_listed():
    spec = {"A01": FULL_DAY, "A02": ["09:10", "09:20", "13:40"]}
    plan = make_plan(calls_of(spec), roster_of(["A01", "A02"]), ["王丽"], DAY, rule=HOURS)
    mine = sorted((d.round, d.start.strftime("%H:%M"), d.window) for d in plan.draws if d.agent_id == "A02")
    # Rounds 1 and 5 from their own windows; round 2 falls back on the nearest window with a call
    # left (round 1's, whose other call it takes); rounds 3 and 4 find nothing left.
    assert mine == [(1, "09:10", 1), (2, "09:20", 1), (5, "13:40", 5)]
    note = next(d.note for d in plan.draws if d.agent_id == "A02" and d.round == 2)
    assert note == "第2轮时段(10:00–11:00)没有可抽的录音,改从第1轮时段(09:00–10:00)抽取"
    assert [(c.agent_id, c.drawn, c.reason) for c in plan.short] == [("A02", 3, "当日只有 3 通可抽录音,不足 5 通")]
    assert [c.fallbacks for c in plan.counts] == [0, 1]


def test_roster_agents_without_calls_are_listed_and_get_no_inspector():
    plan = make_plan(calls_of({"A01": FULL_DAY}), roster_of(["A01", "A02"]), ["王丽", "陈静"], DAY, rule=HOURS)
    a02 = next(c for c in plan.counts if c.agent_id == "A02")
    assert (a02.inspector, a02.drawn, a02.reason) == ("", 0, "当日没有通话记录,不足 5 通")
    assert [g.agents for g in plan.groups] == [("A01",), ()]


def test_short_calls_only_when_nothing_longer_is_left():
    spec = {"A01": ["09:10", "09:20", "10:30", "11:30", "12:30", "13:30"]}
    durations = {"A01-09:10": 12.0, "A01-10:30": 8.0, "A01-11:30": 25.0}
    plan = make_plan(calls_of(spec, durations=durations), roster_of(["A01"]), ["王丽"], DAY, rule=HOURS)
    got = {d.round: (d.start.strftime("%H:%M"), d.short) for d in plan.draws}
    # Round 1 takes its long call, never the 12 s one; rounds 2 and 3 have only short calls in their
    # windows but a long one is left nowhere else (09:20 is round 1's): so they draw the short ones.
    assert got == {1: ("09:20", False), 2: ("10:30", True), 3: ("11:30", True), 4: ("12:30", False),
                   5: ("13:30", False)}
    assert next(d.note for d in plan.draws if d.round == 2) == "没有 30 秒以上的录音可抽,抽取了 8 秒的短录音"
    # With a long call left elsewhere, the short one stays undrawn: round 2 falls back instead.
    spec["A01"].append("09:40")
    plan = make_plan(calls_of(spec, durations=durations), roster_of(["A01"]), ["王丽"], DAY, rule=HOURS)
    r2 = next(d for d in plan.draws if d.round == 2)
    assert (r2.short, r2.window, r2.start.strftime("%H:%M")) == (False, 1, "09:40")


def test_recordings_already_scored_are_not_drawn():
    spec = {"A01": ["09:10", "10:30", "11:30", "12:30", "13:30"]}
    plan = make_plan(calls_of(spec), roster_of(["A01"]), ["王丽"], DAY, rule=HOURS, scored={"A01-11:30"})
    assert "A01-11:30" not in {d.recording_id for d in plan.draws} and len(plan.draws) == 4
    c = plan.counts[0]
    assert (c.calls, c.scored, c.eligible) == (5, 1, 4)
    assert c.reason == "当日只有 4 通可抽录音(共 5 通,其中 1 通已在以往评分表中),不足 5 通"


def test_without_hours_the_day_is_the_span_of_its_calls_in_whole_minutes():
    spec = {"A01": ["08:58:30", "18:02:10", "12:00"]}
    plan = make_plan(calls_of(spec), roster_of(["A01"]), ["王丽"], DAY)
    # 08:58 to 18:03 is 545 minutes; the bounds at whole minutes 0, 109, 218, 327, 436, 545.
    assert [w.label for w in plan.windows] == ["08:58–10:47", "10:47–12:36", "12:36–14:25", "14:25–16:14",
                                               "16:14–18:03"]


def test_more_calls_than_rounds_go_two_to_a_round():
    rule = SamplingRule(per_agent=6, rounds=3, hours=(dt.time(9), dt.time(12)))
    spec = {"A01": ["09:10", "09:20", "09:30", "10:10", "10:20", "11:10", "11:20", "11:30"]}
    plan = make_plan(calls_of(spec), roster_of(["A01"]), ["王丽"], DAY, rule=rule)
    assert Counter(d.round for d in plan.draws) == {1: 2, 2: 2, 3: 2}
    assert all(d.window == d.round for d in plan.draws)
    assert {d.recording_id for d in plan.draws if d.round == 2} == {"A01-10:10", "A01-10:20"}


# --- the split among inspectors -----------------------------------------------------------------

def test_whole_agents_split_in_balanced_groups_within_the_ratio():
    agents = [f"A{i:02d}" for i in range(1, 41)]
    plan = make_plan(calls_of({a: FULL_DAY for a in agents}), roster_of(agents), ["王丽", "陈静", "刘洋"], DAY,
                     rule=HOURS)
    assert [len(g.agents) for g in plan.groups] == [14, 13, 13]
    assert [g.agents[0] for g in plan.groups] == ["A01", "A15", "A28"]  # contiguous, in 工号 order
    for g in plan.groups:  # an agent's calls all go to one inspector
        assert {d.agent_id for d in g.draws} == set(g.agents) and len(g.draws) == 5 * len(g.agents)
    assert plan.notes == ()


def test_teams_stay_together_in_the_order_of_the_cut():
    agents = ["B01", "A01", "B02", "A02"]
    roster = pd.DataFrame({"agent_id": agents, "agent_name": agents, "team": ["二组", "一组", "二组", "一组"]})
    plan = make_plan(calls_of({a: FULL_DAY for a in agents}), roster, ["王丽", "陈静"], DAY, rule=HOURS)
    assert [g.agents for g in plan.groups] == [("A01", "A02"), ("B01", "B02")]


@pytest.mark.parametrize("agents, inspectors, sizes, note", [
    (26, 2, [13, 13], None),
    (45, 3, [15, 15, 15], None),
    (30, 3, [10, 10, 10], "质检配比: 30 名坐席、3 名质检员,每名质检员约 10.0 名坐席,低于 12–15:1;已尽量平均分配"
                          "(按配比应为 2 名质检员)"),
    (50, 3, [17, 17, 16], "质检配比: 50 名坐席、3 名质检员,每名质检员约 16.7 名坐席,高于 12–15:1;已尽量平均分配"
                          "(按配比应为 4 名质检员)"),
    (20, 3, [7, 7, 6], "质检配比: 20 名坐席、3 名质检员,每名质检员约 6.7 名坐席,低于 12–15:1;已尽量平均分配"
                       "(20 名坐席无法按 12–15:1 整组分配)"),
    (100, 5, [20] * 5, "质检配比: 100 名坐席、5 名质检员,每名质检员约 20.0 名坐席,高于 12–15:1;已尽量平均分配"
                       "(按配比应为 7–8 名质检员)"),
])
def test_split_sizes_and_the_ratio_note(agents, inspectors, sizes, note):
    names = [f"A{i:03d}" for i in range(agents)]
    groups = split_agents(names, [f"Q{j}" for j in range(inspectors)])
    assert [len(g) for g in groups] == sizes and sum(groups, []) == names
    assert ratio_note(agents, inspectors) == note


# --- the seed -----------------------------------------------------------------------------------

def test_the_same_seed_gives_the_same_plan_and_the_default_seed_is_the_date():
    agents = [f"A{i:02d}" for i in range(1, 9)]
    calls, roster = calls_of({a: FULL_DAY * 1 for a in agents}), roster_of(agents)
    a = make_plan(calls, roster, ["王丽", "陈静"], DAY, rule=HOURS)
    b = make_plan(calls.sample(frac=1, random_state=3), roster, ["王丽", "陈静"], DAY, rule=HOURS)
    assert a == b and a.seed == default_seed(DAY) == 20261012  # the list's row order does not matter
    c = make_plan(calls, roster, ["王丽", "陈静"], DAY, rule=HOURS, seed=7)
    assert c != a and c == make_plan(calls, roster, ["王丽", "陈静"], DAY, rule=HOURS, seed=7)


def test_a_seed_given_every_day_still_draws_other_calls_each_day():
    """A lead's script passing the same --seed every day: the next day's plan must not restart the
    same random stream. Twelve agents with a call every ten minutes on Monday and on Tuesday (the
    same times): with the seed alone, Tuesday drew the very same time of day for all 60 calls, so
    agents could learn which calls are listened to. The same seed and day still give the same plan."""
    times = [f"{h:02d}:{m:02d}" for h in range(9, 14) for m in (5, 15, 25, 35, 45, 55)]
    agents = [f"A{i:02d}" for i in range(1, 13)]
    spec = {a: times for a in agents}
    mon = make_plan(calls_of(spec), roster_of(agents), ["王丽"], DAY, rule=HOURS, seed=42)
    tue_day = DAY + dt.timedelta(days=1)
    tue_calls = calls_of(spec).assign(start=lambda f: f["start"] + dt.timedelta(days=1))
    tue = make_plan(tue_calls, roster_of(agents), ["王丽"], tue_day, rule=HOURS, seed=42)
    slots = lambda plan: [(d.agent_id, d.start.time()) for d in plan.draws]
    assert len(slots(mon)) == len(slots(tue)) == 60
    same = sum(a == b for a, b in zip(slots(mon), slots(tue)))
    assert same < 30  # by chance about 60 / 6 = 10 agree; the seed alone made all 60 agree
    assert tue == make_plan(tue_calls, roster_of(agents), ["王丽"], tue_day, rule=HOURS, seed=42)


def test_an_agents_draw_depends_only_on_its_own_calls():
    agents = ["A01", "A02"]
    both = make_plan(calls_of({a: FULL_DAY for a in agents}), roster_of(agents), ["王丽"], DAY, rule=HOURS)
    alone = make_plan(calls_of({"A01": FULL_DAY}), roster_of(agents), ["王丽"], DAY, rule=HOURS)
    assert [d for d in both.draws if d.agent_id == "A01"] == list(alone.draws)


# --- randomness: equal chances within a window, types as the mix -----------------------------------

def chi2_sf(x: float, df: int) -> float:
    """P(χ²(df) ≥ x): the regularised upper incomplete gamma Q(df/2, x/2)."""
    a, z = df / 2, x / 2
    if z <= 0:
        return 1.0
    if z < a + 1:  # series for P
        term = total = 1 / a
        k = a
        while abs(term) > 1e-15 * abs(total):
            k += 1
            term *= z / k
            total += term
        return 1 - total * math.exp(-z + a * math.log(z) - math.lgamma(a))
    b, c, d = z + 1 - a, 1e300, 1 / (z + 1 - a)  # continued fraction for Q (Lentz)
    h = d
    for i in range(1, 500):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1 / d if abs(d) > 1e-300 else 1e300
        c = b + an / c if abs(c) > 1e-300 else 1e300
        h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return math.exp(-z + a * math.log(z) - math.lgamma(a)) * h


def test_chi2_helper_matches_known_quantiles():
    assert chi2_sf(3.841, 1) == pytest.approx(0.05, abs=1e-3)
    assert chi2_sf(11.070, 5) == pytest.approx(0.05, abs=1e-3)
    assert chi2_sf(20.515, 5) == pytest.approx(0.001, abs=1e-4)


# One agent: window 1 holds 4 呼入 and 2 呼出, window 2 one 呼出 and one 呼入, window 3 five 呼入,
# window 4 three 呼出, window 5 two calls of each. The agent's mix is 12 呼入 / 8 呼出, but each
# window's own mix decides its round's chances.
MIXED = {"A01": [("09:05", "呼入"), ("09:15", "呼入"), ("09:25", "呼入"), ("09:35", "呼入"), ("09:45", "呼出"),
                 ("09:55", "呼出"), ("10:10", "呼出"), ("10:40", "呼入"), ("11:05", "呼入"), ("11:15", "呼入"),
                 ("11:25", "呼入"), ("11:35", "呼入"), ("11:45", "呼入"), ("12:10", "呼出"), ("12:20", "呼出"),
                 ("12:30", "呼出"), ("13:10", "呼入"), ("13:20", "呼入"), ("13:30", "呼出"), ("13:40", "呼出")]}


def test_each_call_of_a_window_is_drawn_equally_often_over_many_seeds():
    # Three agents with the same calls (each draws from its own stream) over 1,000 seeds: 3,000 plans.
    agents = ["A01", "A02", "A03"]
    calls = calls_of({a: MIXED["A01"] for a in agents})
    seeds, n = 1000, 3000
    counts: Counter = Counter()
    inbound = Counter()
    for seed in range(seeds):
        plan = make_plan(calls, roster_of(agents), ["王丽"], DAY, rule=HOURS, seed=seed)
        for a in agents:
            mine = [d for d in plan.draws if d.agent_id == a]
            assert sorted(d.round for d in mine) == [1, 2, 3, 4, 5]
            counts.update(d.recording_id.split("-", 1)[1] for d in mine)
            inbound[sum(d.call_type == "呼入" for d in mine)] += 1
    windows: dict[int, list[str]] = {}
    for time, _ in MIXED["A01"]:
        windows.setdefault(int(time[:2]), []).append(time)
    for hour, times in windows.items():
        observed = np.array([counts[t] for t in times], dtype=float)
        assert observed.sum() == n  # one draw per round, every time
        expected = n / len(times)
        stat = float(((observed - expected) ** 2 / expected).sum())
        if len(times) > 1:
            assert chi2_sf(stat, len(times) - 1) > 0.001, (hour, observed)
    # 呼入 expected: 4/6 + 1/2 + 5/5 + 0/3 + 2/4 = 2.667 a plan: always 2 or 3, never further.
    assert set(inbound) == {2, 3}
    assert (2 * inbound[2] + 3 * inbound[3]) / n == pytest.approx(8 / 3, abs=0.03)


def test_types_follow_the_mix_where_windows_share_it():
    # Every window holds 3 呼入 and 2 呼出 (the agent's mix, 60/40): 5 draws give 3 呼入 every time,
    # where independent draws would give anything from 0 to 5.
    spec = {"A01": [(f"{h:02d}:{m:02d}", "呼入" if m < 30 else "呼出") for h in range(9, 14) for m in (5, 15, 25, 35, 45)]}
    calls = calls_of(spec)
    for seed in range(200):
        plan = make_plan(calls, roster_of(["A01"]), ["王丽"], DAY, rule=HOURS, seed=seed)
        assert Counter(d.call_type for d in plan.draws) == {"呼入": 3, "呼出": 2}


def test_dependent_rounding_keeps_rows_and_rounds_columns_to_a_neighbour():
    rng = np.random.default_rng(0)
    x = np.array([[2 / 3, 1 / 3, 0.0], [0.5, 0.0, 0.5], [1.2, 0.4, 0.4], [0.0, 0.25, 0.75]])
    totals = np.zeros_like(x)
    for _ in range(4000):
        y = dependent_round(x, rng)
        assert (y.sum(axis=1) == np.rint(x.sum(axis=1))).all()
        cols, want = y.sum(axis=0), x.sum(axis=0)
        assert ((cols == np.floor(want + 1e-9)) | (cols == np.ceil(want - 1e-9))).all()
        totals += y
    assert np.allclose(totals / 4000, x, atol=0.03)


def test_a_rule_must_make_sense():
    with pytest.raises(ValueError):
        SamplingRule(per_agent=0)
    with pytest.raises(ValueError):
        SamplingRule(hours=(dt.time(18), dt.time(9)))
