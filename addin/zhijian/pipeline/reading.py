"""Reading input files into sheet reads: each file read once (through the read cache,
`files.read_cache`, when the command uses it), the files to parse shared among the cores when
there are enough of them.

Parsing (python-calamine, then the engine's `read_grid`) holds the interpreter lock, so the
cores are used with processes: this one reads a share, processes forked from it (the modules
already imported, no start-up) the rest. Only where the operating system forks (Linux, macOS),
for enough files and as many as there are idle cores; otherwise this process reads them all.
Results come back in the order of the inputs either way; each process writes the cache entries
of the files it parsed (an entry is one file, written atomically under a name of its own).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterator, Sequence

from zhijian.engine.findings import Finding, Rule
from zhijian.engine.grid import SheetRead
from zhijian.engine.reader import read_grid
from zhijian.errors import InputFileError
from zhijian.files.read_cache import ReadCache
from zhijian.files.workbooks import read_grids

PARALLEL_MIN_FILES = 40  # fewer files are read faster than the workers start
FILES_PER_WORKER = 20
MAX_WORKERS = 4


def read_files(rubric, paths: Sequence[Path], *, other_rubrics=(), require_fields: bool = True,
               progress: Callable[[Path], None] | None = None,
               cache: ReadCache | None = None, workers: int | None = None) -> list[list[SheetRead] | Finding]:
    """For each path, in order: the reads of its sheets, or the file.unreadable finding
    (`workers`: how many processes parse them; by default `workers_for` their number)."""
    results: list = [None] * len(paths)
    todo = []
    for i, p in enumerate(paths):
        hit = cache.get(p) if cache is not None else None
        if hit is None:
            todo.append(i)
            continue
        results[i] = hit
        if progress:
            progress(p)
    parsed = _parse(rubric, [paths[i] for i in todo], other_rubrics, require_fields,
                    workers or workers_for(len(todo)), cache)
    for i, out in zip(todo, parsed):
        results[i] = out
        if progress:
            progress(paths[i])
    if cache is not None and todo:
        cache.prune()
    return results


def read_one(rubric, path: Path, other_rubrics=(), require_fields: bool = True) -> list[SheetRead] | Finding:
    try:
        grids = read_grids(path)
    except InputFileError as e:
        return Finding.of(Rule.FILE_UNREADABLE, str(path), "", "", error=str(e))
    return [read_grid(rubric, g, other_rubrics=other_rubrics, require_fields=require_fields) for g in grids]


def workers_for(n_files: int, load: float | None = None) -> int:
    """How many processes read `n_files` (1: this one): one per idle core (`load`: the system's
    load average, the number of processes wanting a core; a core another program keeps busy
    would only be shared, and the extra process cost more than it gives)."""
    if n_files < PARALLEL_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if load is None:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    idle = max(0, int(cores - load + 0.5))
    return max(1, min(cores, MAX_WORKERS, n_files // FILES_PER_WORKER, 1 + idle))


def _read_kept(rubric, path: Path, other_rubrics, require_fields, cache: ReadCache | None):
    """read_one, its reads kept in `cache` by the process that made them (so that the cache
    entries of the workers' share are written on their cores, not this one's)."""
    out = read_one(rubric, path, other_rubrics, require_fields)
    if cache is not None and not isinstance(out, Finding):
        cache.put(path, out)
    return out


def _parse(rubric, paths: list[Path], other_rubrics, require_fields, workers: int,
           cache: ReadCache | None = None) -> Iterator:
    """The reads of `paths` in order, each kept in `cache`; with `workers` > 1, this process
    reads the first share and `workers - 1` forked ones the rest, in chunks, at the same time."""
    if workers <= 1 or len(paths) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for p in paths:
            yield _read_kept(rubric, p, other_rubrics, require_fields, cache)
        return
    mine = len(paths) // workers
    rest = paths[mine:]
    size = max(1, len(rest) // ((workers - 1) * 4))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers - 1, mp_context=context, initializer=_start,
                             initargs=(rubric, other_rubrics, require_fields, cache)) as pool:  # forked: stays lazy
        chunks = [pool.submit(_read_chunk, rest[i:i + size]) for i in range(0, len(rest), size)]
        for p in paths[:mine]:
            yield _read_kept(rubric, p, other_rubrics, require_fields, cache)
        for chunk in chunks:
            yield from chunk.result()


_WORKER: dict = {}


def _start(rubric, other_rubrics, require_fields, cache) -> None:
    _WORKER.update(rubric=rubric, other_rubrics=other_rubrics, require_fields=require_fields, cache=cache)


def _read_chunk(paths: list[Path]) -> list:
    w = _WORKER
    return [_read_kept(w["rubric"], p, w["other_rubrics"], w["require_fields"], w["cache"]) for p in paths]
