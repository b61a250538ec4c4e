"""Benchmark (issue 3): validate and score one 1,500-row 评分表 on listening-10x4.

Target: under 1 s of engine time (reading the file + validation + scoring), Python start-up
excluded. Prints each phase and the ratio to the target. Run: python benchmarks/bench_validate.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from zhijian.pipeline.demo import generate_month, write_sheet
from zhijian.files.rubrics import load_rubric
from zhijian.engine.validate import check_grids
from zhijian.engine.periods import parse_period
from zhijian.files.workbooks import read_grids

ROWS = 1500
TARGET_S = 1.0


def main() -> int:
    rubric = load_rubric("listening-10x4")
    calls, _ = generate_month(rubric, "2026-10", seed=7)
    rows = calls.head(ROWS).to_dict("records")
    rows = [{k: (None if v != v else v) for k, v in r.items()} for r in rows]  # NaN -> None
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "bench_1500.xlsx"
        write_sheet(rubric, path, "基准测试评分表", rows)
        read_t, check_t, total_t = [], [], []
        for _ in range(5):
            t0 = time.perf_counter()
            grids = read_grids(path)
            t1 = time.perf_counter()
            checked = check_grids(rubric, grids, period=parse_period("2026-10"))
            t2 = time.perf_counter()
            read_t.append(t1 - t0); check_t.append(t2 - t1); total_t.append(t2 - t0)
    assert len(checked.calls) == ROWS, len(checked.calls)
    med = statistics.median
    print(f"rows: {ROWS}, findings: {len(checked.report.findings)}")
    print(f"read (python-calamine): {med(read_t) * 1000:.0f} ms")
    print(f"validate + score:       {med(check_t) * 1000:.0f} ms")
    print(f"engine time total:      {med(total_t) * 1000:.0f} ms (median of 5)")
    print(f"ratio to target {TARGET_S:.1f} s: {med(total_t) / TARGET_S:.2f}")
    return 0 if med(total_t) < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
