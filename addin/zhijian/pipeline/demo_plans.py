"""The demo's days as the call system has them: a synthetic call list per working day, and the
抽检计划 made from it by the same `sampling.make_plan` as `zhijian sample` (default seed: the date),
whose drawn calls are the recordings the demo's inspectors score.

The call list of a day: each agent takes 18–32 calls between 08:30 and 18:00 (fewer over lunch),
呼入 or 呼出 in the agent's own proportion (55–85% 呼入), lasting about 2.5 minutes (a few under
30 s: hang-ups). Written as the call system's CSV export, `zhijian sample` on it gives the same plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from zhijian.engine.sampling import Plan, make_plan, split_agents
from zhijian.files.atomic import atomic_path

DAY_START = dt.time(8, 30)
DAY_MINUTES = 570  # 08:30–18:00
CALL_LIST_HEADERS = {"recording_id": "录音编号", "agent_id": "坐席工号", "agent_name": "坐席姓名", "start": "开始时间",
                     "duration": "通话时长(秒)", "call_type": "呼叫类型", "customer": "主叫号码"}


def call_list_name(day: dt.date) -> str:
    return f"通话记录_{day:%Y-%m-%d}.csv"


def assign_inspectors(roster: pd.DataFrame, inspectors: Sequence[str]) -> list[str]:
    """Each roster row's inspector as the plan splits them (班组, then 工号, cut evenly)."""
    order = roster.sort_values(["班组", "工号"], kind="stable")["工号"].tolist()
    of = {a: name for name, group in zip(inspectors, split_agents(order, inspectors)) for a in group}
    return [of[a] for a in roster["工号"]]


def synthetic_calls(day: dt.date, roster: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The day's calls of every agent of `roster` (工号, 姓名), deterministic for (seed, day)."""
    rng = np.random.default_rng([seed, day.toordinal()])
    rows = []
    for aid, name in zip(roster["工号"], roster["姓名"]):
        n = int(rng.integers(18, 33))
        inbound = rng.uniform(0.55, 0.85)
        minutes = _busy_minutes(rng, n)
        for m in minutes:
            start = dt.datetime.combine(day, DAY_START) + dt.timedelta(seconds=int(m * 60))
            short = rng.random() < 0.06
            duration = int(rng.integers(5, 30)) if short else int(min(1800, max(30, rng.lognormal(5.0, 0.6))))
            rows.append({"agent_id": aid, "agent_name": name, "start": start, "duration": float(duration),
                         "call_type": "呼入" if rng.random() < inbound else "呼出",
                         "customer": f"1{rng.integers(30, 90)}{rng.integers(10**7, 10**8)}"})
    calls = pd.DataFrame(rows).sort_values(["start", "agent_id"], kind="stable").reset_index(drop=True)
    calls.insert(0, "recording_id", [f"R{day:%Y%m%d}{i + 1:05d}" for i in range(len(calls))])
    calls["team"] = ""
    return calls


def _busy_minutes(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` start minutes after 08:30: uniform over the day, half as likely over lunch (12:00–13:30)."""
    out: list[float] = []
    while len(out) < n:
        m = float(rng.uniform(0, DAY_MINUTES))
        if 210 <= m < 300 and rng.random() < 0.5:
            continue
        out.append(m)
    return np.sort(np.array(out))


def plan_days(days: Sequence[dt.date], roster: pd.DataFrame, inspectors: Sequence[str], seed: int
              ) -> dict[dt.date, tuple[pd.DataFrame, Plan]]:
    """Each day's call list and its 抽检计划 (the plan's own default seed: the date)."""
    agents = pd.DataFrame({"agent_id": roster["工号"], "agent_name": roster["姓名"], "team": roster["班组"]})
    out = {}
    for day in days:
        calls = synthetic_calls(day, roster, seed)
        out[day] = (calls, make_plan(calls, agents, inspectors, day))
    return out


def write_call_list(calls: pd.DataFrame, path: Path) -> Path:
    """The call list as the call system's CSV export (UTF-8 with BOM, times as text)."""
    table = calls[list(CALL_LIST_HEADERS)].copy()
    table["start"] = [s.strftime("%Y-%m-%d %H:%M:%S") for s in table["start"]]
    table["duration"] = table["duration"].astype(int)
    with atomic_path(path) as tmp:
        table.rename(columns=CALL_LIST_HEADERS).to_csv(tmp, index=False, encoding="utf-8-sig")
    return path


def write_plans(planned: dict[dt.date, tuple[pd.DataFrame, Plan]], calls_dir: Path, plans_dir: Path) -> int:
    """Each day's call list into `calls_dir` and its 抽检计划 workbook into `plans_dir`; returns the
    number of days."""
    from zhijian.reports.sample_workbook import plan_file_name, write_plan_workbook

    for folder in (calls_dir, plans_dir):
        folder.mkdir(parents=True, exist_ok=True)
        for old in list(folder.glob("*.csv")) + list(folder.glob("*.xlsx")):
            old.unlink()
    for day, (calls, plan) in sorted(planned.items()):
        write_call_list(calls, calls_dir / call_list_name(day))
        write_plan_workbook(plan, plans_dir / plan_file_name(day))
    return len(planned)
