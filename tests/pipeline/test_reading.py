"""Reading many files: several processes give the same reads, in the order of the inputs."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time

import pytest

from zhijian.engine.findings import Finding
from zhijian.files.read_cache import DB_NAME, ReadCache
from zhijian.files.rubrics import load_rubric, other_bundled_rubrics
from zhijian.pipeline.reading import read_files, read_one, workers_for

from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, sheet_with_mistakes, write_xlsx


def _folder(tmp_path, n: int):
    paths = [sheet_with_mistakes(tmp_path, "00-有错.xlsx")]
    for i in range(1, n):
        day = dt.date(2026, 11, 1 + i % 28)
        rows = [listening_row(day, f"质检员{i}", 1000 + i, "王芳", f"R{i:03d}-{k}", [5 - k % 2] * 10) for k in range(3)]
        paths.append(write_xlsx(tmp_path / f"{i:02d}.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])]))
    broken = tmp_path / "07-坏的.xlsx"
    broken.write_bytes(b"not a workbook")
    paths[7] = broken
    return paths


def _nan(v):
    return "NaN" if isinstance(v, float) and v != v else v  # NaN is not equal to itself


def _plain(out):
    if isinstance(out, Finding):
        return ("unreadable", out.file, out.message)
    return [(r.file, r.sheet, {k: [_nan(v) for v in vs] for k, vs in r.data.items()}, [f.to_dict() | {"row": f.row} for f in r.findings], r.layout_state())
            for r in out]


def test_two_processes_read_what_one_reads_in_the_same_order(tmp_path):
    rubric = load_rubric("listening-10x4")
    paths = _folder(tmp_path, 12)
    serial = [read_one(rubric, p) for p in paths]
    seen = []
    parallel = read_files(rubric, paths, workers=2, progress=seen.append)
    assert [_plain(x) for x in parallel] == [_plain(x) for x in serial]
    assert sorted(seen) == sorted(paths)  # every file reported once
    assert isinstance(parallel[7], Finding) and parallel[7].file.endswith("07-坏的.xlsx")
    # 00-有错.xlsx: 服务态度 6 at G4 is the reader's (the total at R5 is checked later, across rows)
    assert [(f.cell, str(f.rule)) for f in parallel[0][0].findings] == [("G4", "score.not_allowed")]


@pytest.mark.parametrize("pause", [0.0, 0.5], ids=["reads-most-itself", "reads-none-itself"])
def test_what_a_command_does_meanwhile_leaves_the_reads_and_their_order_as_they_were(tmp_path, pause):
    """With work to do meanwhile (importing the engine), two forked processes take the files and
    this one joins them afterwards (at once: it reads most; after half a second: none is left)."""
    rubric = load_rubric("listening-10x4")
    paths = _folder(tmp_path, 40)
    serial = [read_one(rubric, p) for p in paths]
    calls, seen = [], []
    parallel = read_files(rubric, paths, workers=2, progress=seen.append,
                          meanwhile=lambda: (calls.append(1), time.sleep(pause)))
    assert calls == [1]
    assert [_plain(x) for x in parallel] == [_plain(x) for x in serial]
    assert sorted(seen) == sorted(paths)


def test_reading_a_sheet_needs_no_pandas_so_it_is_imported_while_the_files_are_read(tmp_path):
    """The commands' modules leave pandas, numpy and the analysis to `load.engine_imports`, which
    runs while other processes read (on two cores a third of a second saved on every report)."""
    import subprocess
    import sys

    paths = _folder(tmp_path, 8)
    code = ("import sys\n"
            "import zhijian.cli.main, zhijian.pipeline.jobs\n"
            "from zhijian.files.rubrics import load_rubric\n"
            "from zhijian.pipeline.reading import read_files\n"
            "from zhijian.cli.common import policy\n"
            "from zhijian.cli.store_option import resolved_store\n"
            "policy(48.0); resolved_store(None)\n"
            f"out = read_files(load_rubric('listening-10x4'), {[str(p) for p in paths]!r}, workers=1)\n"
            "assert len(out) == 8\n"
            "print('pandas' in sys.modules, 'numpy' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "False False", r.stderr


def test_few_files_are_read_here_many_by_the_idle_cores():
    assert workers_for(39, load=0.0) == 1
    assert workers_for(450, load=99.0) == 1  # every core busy: sharing one would only cost
    cores = len(os.sched_getaffinity(0))
    assert workers_for(450, load=0.0) == min(cores, 4)
    assert workers_for(450, load=cores - 1.0) == min(cores, 2)  # one idle core: one more process


def test_the_busy_cores_are_the_processes_running_now_not_a_minute_ago(tmp_path):
    """/proc/loadavg: load averages (1, 5, 15 minutes), running/all tasks, last pid. Right after
    a command whose workers kept both cores busy, the averages are high and nothing runs: the
    next command reads on every core."""
    from zhijian.pipeline.reading import busy_elsewhere

    after_a_command = tmp_path / "after"
    after_a_command.write_text("1.93 0.81 0.30 1/180 4242\n")  # only the reading process runs
    assert busy_elsewhere(str(after_a_command)) == 0.0
    busy = tmp_path / "busy"
    busy.write_text("0.20 0.10 0.05 3/180 4242\n")  # two other programs running now
    assert busy_elsewhere(str(busy)) == 2.0
    cores = len(os.sched_getaffinity(0))
    assert workers_for(450, load=busy_elsewhere(str(after_a_command))) == min(cores, 4)
    # Elsewhere (no such file): the load average, as before.
    assert abs(busy_elsewhere(str(tmp_path / "none")) - os.getloadavg()[0]) < 0.5  # it may move between the two looks


def test_the_files_the_workers_read_are_kept_in_the_cache_too(tmp_path):
    rubric = load_rubric("listening-10x4")
    paths = _folder(tmp_path / "in", 12)
    (tmp_path / "cache").mkdir()
    first_cache = ReadCache(tmp_path / "cache", {"test": 1})
    first = read_files(rubric, paths, workers=2, cache=first_cache)
    # 12 files, one broken (not cached): 11 entries, whichever process parsed them
    with sqlite3.connect(tmp_path / "cache" / DB_NAME) as con:
        assert con.execute("SELECT COUNT(*) FROM reads").fetchone() == (11,)
    again = ReadCache(tmp_path / "cache", {"test": 1})
    second = read_files(rubric, paths, workers=2, cache=again)
    assert (again.hits, again.misses) == (11, 1)  # only the broken file is read again
    assert [_plain(x) for x in second] == [_plain(x) for x in first]


def test_the_other_rubrics_load_only_for_a_sheet_of_another_rubric(tmp_path):
    listening, qc = load_rubric("listening-10x4"), load_rubric("qc-v3.1")
    paths = _folder(tmp_path, 12)[1:3]  # two clean listening-10x4 sheets
    others = other_bundled_rubrics(listening)
    # the read cache's context: the same hashes as the rubrics loaded, without loading them
    assert others.content_hashes() == [load_rubric(n).content_hash for n in others.names]
    reads = read_files(listening, paths, other_rubrics=others)
    assert [f for out in reads for r in out for f in r.findings] == [] and others._rubrics is None
    # the same sheets checked as qc-v3.1: named as listening-10x4's, the other rubrics loaded for it
    as_qc = read_files(qc, paths[:1], other_rubrics=other_bundled_rubrics(qc))
    assert [(str(f.rule), f.value) for f in as_qc[0][0].findings] == [("sheet.other_rubric", "listening-10x4")]
