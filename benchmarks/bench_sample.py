"""Benchmark (issue 17): the 抽检计划 of 600 agents and 30,000 calls.

Target: the plan (`sampling.make_plan`: windows, split among 45 inspectors, 5 calls per agent in 5
rounds) in under 2 s, Python start-up excluded. Also printed, outside the target: reading the call
list from an .xlsx file (python-calamine + `calllist.read_call_list`) and writing the plan workbook
and the 45 prefilled 评分表. Run: python benchmarks/bench_sample.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from zhijian.engine.calllist import read_call_list
from zhijian.engine.sampling import make_plan
from zhijian.files.rubrics import load_rubric
from zhijian.files.workbooks import read_grids
from zhijian.reports.sample_workbook import write_plan_sheets, write_plan_workbook

AGENTS, CALLS, INSPECTORS = 600, 30_000, 45
DAY = dt.date(2026, 10, 12)
TARGET_S = 2.0


def call_list(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """30,000 calls of 600 agents between 08:30 and 18:00, 呼入/呼出, a few under 30 s."""
    agents = [f"A{i:04d}" for i in range(AGENTS)]
    who = rng.integers(0, AGENTS, CALLS)
    starts = dt.datetime.combine(DAY, dt.time(8, 30)) + pd.to_timedelta(rng.integers(0, 570 * 60, CALLS), unit="s")
    calls = pd.DataFrame({"recording_id": [f"R{i:06d}" for i in range(CALLS)],
                          "agent_id": [agents[i] for i in who], "start": starts.to_pydatetime(),
                          "duration": rng.choice([12.0, 45.0, 95.0, 180.0, 300.0, 600.0], CALLS),
                          "call_type": rng.choice(["呼入", "呼出"], CALLS, p=[0.7, 0.3]), "customer": "",
                          "agent_name": "", "team": ""})
    roster = pd.DataFrame({"agent_id": agents, "agent_name": [f"坐席{i}" for i in range(AGENTS)],
                           "team": [f"{i // 50 + 1}组" for i in range(AGENTS)]})
    return calls, roster


def main() -> int:
    calls, roster = call_list(np.random.default_rng(17))
    inspectors = [f"质检员{i + 1:02d}" for i in range(INSPECTORS)]
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        plan = make_plan(calls, roster, inspectors, DAY)
        times.append(time.perf_counter() - t0)
    assert len(plan.draws) == AGENTS * 5 and not plan.short, (len(plan.draws), len(plan.short))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "calls.xlsx"
        table = calls[["recording_id", "agent_id", "start", "duration", "call_type"]]
        table.set_axis(["录音编号", "坐席工号", "开始时间", "通话时长(秒)", "呼叫类型"], axis=1).to_excel(path, index=False)
        t0 = time.perf_counter()
        read = read_call_list(read_grids(path), DAY)
        read_s = time.perf_counter() - t0
        assert len(read.valid) == CALLS and not read.findings
        t0 = time.perf_counter()
        write_plan_workbook(plan, Path(d) / "plan.xlsx")
        sheets = write_plan_sheets(plan, load_rubric("listening-10x4"), Path(d) / "sheets")
        write_s = time.perf_counter() - t0
    med = statistics.median(times)
    groups = sorted({len(g.agents) for g in plan.groups})
    print(f"agents: {AGENTS}, calls: {CALLS}, inspectors: {INSPECTORS} ({groups[0]}–{groups[-1]} agents each), "
          f"drawn: {len(plan.draws)}")
    print(f"plan (make_plan):             {med * 1000:.0f} ms (median of 5; min {min(times) * 1000:.0f} ms)")
    print(f"read the call list (.xlsx):   {read_s * 1000:.0f} ms (not in the target)")
    print(f"write plan + {len(sheets)} 评分表:      {write_s * 1000:.0f} ms (not in the target)")
    print(f"ratio to target {TARGET_S:.1f} s: {med / TARGET_S:.2f}")
    return 0 if med < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
