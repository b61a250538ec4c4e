"""Benchmark (issue 15): a month of 15 inspectors × 30 days = 450 files of 60 calls on listening-10x4
(27,000 calls), against the real floor.

The floor (benchmarks/floor.py): read every cell of every input with python-calamine and write the
period's rows once, into one plain sheet, with XlsxWriter. Each command and its floor run as fresh
processes (wall time, start-up included, as a user waits for them), alternating floor and command,
at least 3 pairs; only ratios measured in one run mean anything on a shared machine.

Printed per command (consolidate --period month, weekly, monthly): the medians, the ratio's median
and range, and peak memory; then the time of a second consolidation after one of the 450 files
changed (the first with an empty cache, the second with the cache the first one filled).
Targets (dev machine, 2 cores): consolidation ≤ 1.2× the floor (median ratio), < 10 s, < 1 GB;
the second run ≤ 0.6× the first; weekly and monthly ≤ 1.3× their floors.

zhijian runs as an installed copy would: an installed package has its compiled modules (.pyc),
but this environment may set PYTHONDONTWRITEBYTECODE=1, so that every run would compile zhijian's
modules again. Before timing, the package is compiled once (`python -m compileall -q`, which
writes __pycache__ whatever that variable says; Python still reads existing .pyc with it set).

Run: python benchmarks/bench_consolidate.py [--keep DIR] [--pairs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INSPECTORS, DAYS, CALLS = 15, 30, 60
START = dt.date(2026, 11, 1)
RUBRIC = "listening-10x4"
FLOOR = Path(__file__).resolve().parent / "floor.py"
# Share of calls where each item is below full marks, so the figures are not trivial.
DEFECT = {"主动推介": 0.35, "业务能力": 0.25, "灵活处理": 0.2, "表达能力": 0.15}


def _rows(rubric, rng: random.Random, inspector: int, day: dt.date, tweak: int = 0) -> list[dict]:
    rows = []
    for k in range(CALLS):
        agent = f"A{(inspector * 12 + k % 12) + 1:03d}"
        row = {"date": day, "inspector": f"质检员{inspector + 1:02d}", "agent_id": agent,
               "agent_name": f"坐席{agent}", "team": f"{inspector % 3 + 1}组",
               "recording_id": f"R{day:%Y%m%d}-{inspector:02d}-{k:02d}", "call_type": "呼入",
               "remarks": "业务能力: 资费解释不完整" if k % 7 == 0 else ""}
        for it in rubric.items:
            row[it.name] = rng.choice((3, 4)) if rng.random() < DEFECT.get(it.name, 0.05) else 5
        rows.append(row)
    if tweak:
        rows[0]["业务能力"] = 2
    return rows


def sheet_path(folder: Path, inspector: int, day: dt.date) -> Path:
    return folder / f"{day:%Y-%m-%d}_qc{inspector + 1:02d}.xlsx"


def generate(folder: Path) -> None:
    from zhijian.files.rubrics import load_rubric
    from zhijian.pipeline.demo import write_sheet

    rubric = load_rubric(RUBRIC)
    for i in range(INSPECTORS):
        for d in range(DAYS):
            day = START + dt.timedelta(days=d)
            rows = _rows(rubric, random.Random(f"{i}-{d}"), i, day)
            write_sheet(rubric, sheet_path(folder, i, day), f"评分表 {day}", rows)


def change_one_file(folder: Path) -> None:
    """An inspector fixes one sheet: one score of one call changes."""
    from zhijian.files.rubrics import load_rubric
    from zhijian.pipeline.demo import write_sheet

    rubric = load_rubric(RUBRIC)
    day = START + dt.timedelta(days=9)
    rows = _rows(rubric, random.Random("4-9"), 4, day, tweak=1)
    write_sheet(rubric, sheet_path(folder, 4, day), f"评分表 {day}", rows)


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def zhijian(*args: str) -> list[str]:
    return [sys.executable, "-m", "zhijian.cli.main", *args]


def floor(out: Path, folder: Path, start: dt.date, end: dt.date) -> list[str]:
    return [sys.executable, str(FLOOR), str(out), str(folder), "--from", start.isoformat(), "--to", end.isoformat()]


def compile_package() -> None:
    """Compile zhijian's modules once, as installing it does (see the module docstring)."""
    import zhijian

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(zhijian.__file__).parent)], check=True)


def fresh_cache(work: Path) -> dict:
    """An environment whose user cache directory is new and empty (platformdirs honours it)."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    return {**os.environ, "XDG_CACHE_HOME": str(cache)}


def pairs(name: str, command: list[str], floor_cmd: list[str], n: int, work: Path) -> dict:
    cmd_s, floor_s, ratios, peaks, floor_peaks = [], [], [], [], []
    timed(command, fresh_cache(work))  # warm-up: the files are in the page cache for everyone
    for _ in range(n):
        f, fm = timed(floor_cmd)
        c, cm = timed(command, fresh_cache(work))  # every measured run starts with an empty cache
        floor_s.append(f)
        cmd_s.append(c)
        ratios.append(c / f)
        peaks.append(cm)
        floor_peaks.append(fm)
    return {"name": name, "command": statistics.median(cmd_s), "floor": statistics.median(floor_s),
            "ratio": statistics.median(ratios), "low": min(ratios), "high": max(ratios),
            "peak": max(peaks), "floor_peak": max(floor_peaks)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="generate into / reuse this folder")
    ap.add_argument("--pairs", type=int, default=3, help="alternating floor/command pairs (at least 3)")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    work = Path(tmp.name)
    folder = args.keep or work / "sheets"
    folder.mkdir(parents=True, exist_ok=True)
    if len(list(folder.glob("*.xlsx"))) != INSPECTORS * DAYS:
        t = time.perf_counter()
        generate(folder)
        print(f"generated {INSPECTORS * DAYS} files in {time.perf_counter() - t:.1f} s")
    n = max(3, args.pairs)
    compile_package()
    month_end = START + dt.timedelta(days=DAYS - 1)
    week = START + dt.timedelta(days=8)  # Monday 9 November 2026
    week_end = week + dt.timedelta(days=6)
    iso = f"{week.isocalendar()[0]}-W{week.isocalendar()[1]:02d}"
    jobs = [
        ("consolidate --period month", zhijian("consolidate", str(folder), "--rubric", RUBRIC, "--period", "month",
                                               "-o", str(work / "c.xlsx"), "--json"),
         floor(work / "fc.xlsx", folder, START, month_end), 1.2),
        ("weekly", zhijian("weekly", str(folder), "--rubric", RUBRIC, "--week", iso, "-o", str(work / "w.xlsx"),
                           "--json"), floor(work / "fw.xlsx", folder, week, week_end), 1.3),
        ("monthly", zhijian("monthly", str(folder), "--rubric", RUBRIC, "--month", f"{START:%Y-%m}",
                            "-o", str(work / "m.xlsx"), "--json"), floor(work / "fm.xlsx", folder, START, month_end), 1.3),
    ]
    print(f"{INSPECTORS * DAYS} files, {INSPECTORS * DAYS * CALLS} calls; {n} alternating pairs per command; "
          "zhijian compiled beforehand (compileall), as installed")
    ok = True
    for name, cmd, fl, target in jobs:
        r = pairs(name, cmd, fl, n, work)
        good = r["ratio"] <= target and (name != jobs[0][0] or (r["command"] < 10 and r["peak"] < 1024))
        ok &= good
        print(f"{name:27s} median {r['command']:6.2f} s   floor median {r['floor']:6.2f} s   "
              f"ratio {r['ratio']:.2f} (range {r['low']:.2f}–{r['high']:.2f}, target ≤ {target})   "
              f"peak {r['peak']:.0f} MB (floor {r['floor_peak']:.0f} MB)   {'ok' if good else 'NOT MET'}")
    env = fresh_cache(work)
    first, _ = timed(jobs[0][1], env)
    change_one_file(folder)
    second, _ = timed(jobs[0][1], env)
    good = second <= 0.6 * first and first < 10
    ok &= good
    print(f"second consolidation after one changed file: {second:.2f} s vs first {first:.2f} s "
          f"-> {second / first:.2f} (target ≤ 0.6)   {'ok' if good else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
