"""Benchmark (issue 18): a year of a 450-sheet-a-month team in the history store.

Each month is 15 inspectors × 30 days × 60 calls = 450 files, 27,000 calls on listening-10x4
(12 × 27,000 = 324,000 calls a year). The script imports the months one by one
(`zhijian history import`: read and check the sheets, then write the store), then builds the
year's 年度质检考核表 from the store (`zhijian yearly`), and prints:
- the import time of each month, against the time consolidation takes to read the same sheets
  (`load_calls`, what `consolidate` reads before it analyses) and to read and analyse them
  (`consolidate` without writing its workbook);
- the yearly report's time from the store (reading the calls back, every month's analysis, the
  workbook);
- the store's size on disk; the peak memory of the import and of the yearly report.
Targets: yearly report under 10 s from the store, import no slower than consolidation's reading,
store under 100 MB for the year. Every measured run is a fresh Python process (start-up excluded).
Run: python benchmarks/bench_history.py [--keep DIR] [--months 12]
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
YEAR = 2026

MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
mode, a, b = sys.argv[1], sys.argv[2], sys.argv[3]
from zhijian.files.rubrics import load_rubric
r = load_rubric("listening-10x4")
t0 = time.perf_counter()
info = {}
if mode == "import":
    from zhijian.pipeline.load import load_calls, record_in_store
    loaded = load_calls(r, [a])
    t1 = time.perf_counter()
    result = record_in_store(Path(b), r, loaded, command="import")
    info.update(read_seconds=t1 - t0, write_seconds=time.perf_counter() - t1, calls=result.added_calls())
elif mode == "read":
    from zhijian.pipeline.load import load_calls
    info["calls"] = len(load_calls(r, [a]).calls)
elif mode == "consolidate":
    from zhijian.pipeline.jobs import consolidate
    info["calls"] = consolidate(r, [a], period_kind="month").analysis.overall.n
else:
    from zhijian.pipeline.history import period_review, write_review
    res = period_review(r, "year", a, store=Path(b))
    t1 = time.perf_counter()
    write_review(res, Path(b).with_name("yearly.xlsx"))
    info.update(write_seconds=time.perf_counter() - t1, calls=res.review.overall.overall.n,
                agents=len(res.review.agents))
info.update(seconds=time.perf_counter() - t0, peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(info))
"""


def generate(folder: Path, month: int) -> None:
    """450 daily sheets of `month` (day d of 30 falls on the month's day d, wrapping in short
    months): 15 inspectors × 60 calls, 180 agents."""
    from zhijian.files.rubrics import load_rubric
    from zhijian.pipeline.demo import ITEM_DEFECT, _item_score, write_sheet

    rubric = load_rubric("listening-10x4")
    rng = random.Random(YEAR * 100 + month)
    start = dt.date(YEAR, month, 1)
    length = ((start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - start).days
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(INSPECTORS):
        for d in range(DAYS):
            day = start + dt.timedelta(days=d % length)
            rows = []
            for k in range(CALLS):
                agent = f"A{(i * 12 + k % 12) + 1:03d}"
                row = {"date": day, "inspector": f"质检员{i + 1:02d}", "agent_id": agent,
                       "agent_name": f"坐席{agent}", "team": f"{i % 3 + 1}组",
                       "recording_id": f"R{day:%Y%m%d}-{i:02d}-{d:02d}-{k:02d}", "call_type": "呼入",
                       "remarks": "业务能力: 资费解释不完整" if k % 7 == 0 else ""}
                for it in rubric.items:
                    row[it.name] = _item_score(rng, ITEM_DEFECT[it.name])
                rows.append(row)
            write_sheet(rubric, folder / f"{YEAR}-{month:02d}-d{d + 1:02d}_qc{i + 1:02d}.xlsx", f"评分表 {day}", rows)


def run(mode: str, a, b="") -> dict:
    res = subprocess.run([sys.executable, "-c", MEASURE, mode, str(a), str(b)],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="generate the sheets into / reuse this folder")
    ap.add_argument("--months", type=int, default=12)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    root = args.keep or Path(tmp.name) / "sheets"
    store = Path(tmp.name) / "zhijian.duckdb"
    months = list(range(1, args.months + 1))
    t = time.perf_counter()
    for m in months:
        folder = root / f"{YEAR}-{m:02d}"
        if len(list(folder.glob("*.xlsx"))) != INSPECTORS * DAYS:
            generate(folder, m)
    print(f"sheets ready ({INSPECTORS * DAYS} files × {len(months)} months) in {time.perf_counter() - t:.0f} s")
    first = root / f"{YEAR}-01"
    run("read", first)  # warm the file cache, as the imports below find it
    read = run("read", first)
    cons = run("consolidate", first)
    print(f"consolidation reading one month (load_calls):   {read['seconds']:.2f} s, peak {read['peak_mb']:.0f} MB")
    print(f"consolidation reading + analysis (no workbook): {cons['seconds']:.2f} s")
    imports = []
    for m in months:
        run("read", root / f"{YEAR}-{m:02d}")  # the same warm cache for every month
        imp = run("import", root / f"{YEAR}-{m:02d}", store)
        imports.append(imp)
        print(f"import {YEAR}-{m:02d}: {imp['seconds']:.2f} s (reading {imp['read_seconds']:.2f} s + store "
              f"{imp['write_seconds']:.2f} s), {imp['calls']} calls, store {store.stat().st_size / 1e6:.1f} MB, "
              f"peak {imp['peak_mb']:.0f} MB")
    mean_import = sum(i["seconds"] for i in imports) / len(imports)
    mean_read = sum(i["read_seconds"] for i in imports) / len(imports)
    run("yearly", str(YEAR), store)  # warm-up (file cache)
    yearly = run("yearly", str(YEAR), store)
    size_mb = store.stat().st_size / 1e6
    peak = max(i["peak_mb"] for i in imports)
    print(f"import per month (mean):   {mean_import:.2f} s = reading {mean_read:.2f} s + store "
          f"{mean_import - mean_read:.2f} s; vs consolidation reading {read['seconds']:.2f} s "
          f"-> {mean_import / read['seconds']:.2f}×, vs consolidation reading + analysis {cons['seconds']:.2f} s "
          f"-> {mean_import / cons['seconds']:.2f}×")
    print(f"yearly report from store:  {yearly['seconds']:.2f} s (of which writing {yearly['write_seconds']:.2f} s), "
          f"{yearly['calls']} calls, {yearly['agents']} agents  target < 10 s")
    print(f"store size:                {size_mb:.1f} MB for {len(months)} months  target < 100 MB a year")
    print(f"peak memory:               import {peak:.0f} MB, yearly report {yearly['peak_mb']:.0f} MB")
    ok = yearly["seconds"] < 10 and size_mb * 12 / len(months) < 100 and mean_import <= cons["seconds"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
