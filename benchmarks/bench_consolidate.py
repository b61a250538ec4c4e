"""Benchmark (issue 4): consolidate a month of 15 inspectors × 30 days = 450 files of 60 calls
on listening-10x4 (27,000 calls) into the 服务质量分析表.

Targets: under 10 s on the 2-core dev machine; at most 1.5× the time of merely reading the same
files with python-calamine and writing the output workbook; peak memory under 1 GB.
Each measured run is a fresh Python process (its start-up excluded from the timings).
Run: python benchmarks/bench_consolidate.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INSPECTORS, DAYS, CALLS = 15, 30, 60

MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
mode, folder, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
t0 = time.perf_counter()
if mode == "baseline":
    from python_calamine import CalamineWorkbook
    from zhijian.engine.analysis import analyse
    from zhijian.reports.analysis_workbook import write_analysis_workbook
    from zhijian.files.rubrics import load_rubric
    import pandas as pd
    rows = 0
    for p in sorted(folder.glob("*.xlsx")):
        wb = CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            rows += len(wb.get_sheet_by_name(name).to_python())
    # Writing the same output: the analysis of an empty table costs nothing, so write the
    # real one, computed beforehand (outside the timing) in the 'full' run's shape.
    analysis = __import__("pickle").loads(Path(sys.argv[4]).read_bytes())
    t1 = time.perf_counter()
    write_analysis_workbook(analysis, out)
    info = {"rows": rows}
else:
    from zhijian.pipeline.jobs import consolidate, write_consolidation
    from zhijian.files.rubrics import load_rubric
    r = load_rubric("listening-10x4")
    res = consolidate(r, [str(folder)], period_kind="month")
    t1 = time.perf_counter()
    write_consolidation(res, out)
    info = {"n": res.analysis.overall.n, "files": len(res.files)}
    if len(sys.argv) > 4:
        Path(sys.argv[4]).write_bytes(__import__("pickle").dumps(res.analysis))
t2 = time.perf_counter()
info.update(seconds=t2 - t0, write_seconds=t2 - t1,
            peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(info))
"""


def generate(folder: Path) -> None:
    from zhijian.pipeline.demo import _item_score, ITEM_DEFECT, write_sheet
    from zhijian.files.rubrics import load_rubric

    rubric = load_rubric("listening-10x4")
    rng = random.Random(2026)
    start = dt.date(2026, 11, 1)
    for i in range(INSPECTORS):
        for d in range(DAYS):
            day = start + dt.timedelta(days=d)
            rows = []
            for k in range(CALLS):
                agent = f"A{(i * 12 + k % 12) + 1:03d}"
                row = {"date": day, "inspector": f"质检员{i + 1:02d}", "agent_id": agent,
                       "agent_name": f"坐席{agent}", "team": f"{i % 3 + 1}组",
                       "recording_id": f"R{day:%Y%m%d}-{i:02d}-{k:02d}", "call_type": "呼入",
                       "remarks": "业务能力: 资费解释不完整" if k % 7 == 0 else ""}
                for it in rubric.items:
                    row[it.name] = _item_score(rng, ITEM_DEFECT[it.name])
                rows.append(row)
            write_sheet(rubric, folder / f"{day:%Y-%m-%d}_qc{i + 1:02d}.xlsx", f"评分表 {day}", rows)


def run(mode: str, folder: Path, out: Path, extra: Path) -> dict:
    res = subprocess.run([sys.executable, "-c", MEASURE, mode, str(folder), str(out), str(extra)],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="generate into / reuse this folder")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    folder = args.keep or Path(tmp.name) / "sheets"
    folder.mkdir(parents=True, exist_ok=True)
    if len(list(folder.glob("*.xlsx"))) != INSPECTORS * DAYS:
        t = time.perf_counter()
        generate(folder)
        print(f"generated {INSPECTORS * DAYS} files in {time.perf_counter() - t:.1f} s")
    work = Path(tmp.name)
    pickled = work / "analysis.pickle"
    full = run("full", folder, work / "full.xlsx", pickled)  # warm-up, and the analysis to write
    full = run("full", folder, work / "full.xlsx", pickled)
    base = run("baseline", folder, work / "base.xlsx", pickled)
    ratio = full["seconds"] / base["seconds"]
    print(f"files: {full['files']}, calls: {full['n']}")
    print(f"consolidation:            {full['seconds']:.2f} s (of which writing {full['write_seconds']:.2f} s)"
          f"  target < 10 s  -> {full['seconds'] / 10:.2f} of target")
    print(f"calamine read + write:    {base['seconds']:.2f} s")
    print(f"ratio:                    {ratio:.2f}  target <= 1.5")
    print(f"peak memory:              {full['peak_mb']:.0f} MB  target < 1024 MB")
    ok = full["seconds"] < 10 and ratio <= 1.5 and full["peak_mb"] < 1024
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
