"""Reading input files into sheet reads: each file read once (through the read cache,
`files.read_cache`, when the command uses it), the files to parse shared among the cores when
there are enough of them.

Parsing (python-calamine, then the engine's `read_grid`) holds the interpreter lock, so the
cores are used with processes: processes forked from this one (the modules already imported, no
start-up) take chunks of the files in order, and this one reads the chunks left, from the last.
Only where the operating system forks (Linux, macOS), for enough files and as many as there are
idle cores; otherwise this process reads them all.
Results come back in the order of the inputs either way. A file to parse is read from disk once,
then hashed and parsed from memory; its cache entry (made by the process that parsed it) is
written with all the others, by this process, in one transaction.

A command may give work to do `meanwhile` (`load.engine_imports`: pandas and the analysis, which
reading does not need): then every idle core gets a forked process and this one does that work
first, then reads the files no process has started yet, from the last back. So on two cores the
imports and the reading overlap instead of following each other.
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
from zhijian.files.read_cache import ReadCache, digest_of, file_bytes
from zhijian.files.workbooks import read_grids

PARALLEL_MIN_FILES = 40  # fewer files are read faster than the workers start
FILES_PER_WORKER = 20
MAX_WORKERS = 4


def read_files(rubric, paths: Sequence[Path], *, other_rubrics=(), require_fields: bool = True,
               progress: Callable[[Path], None] | None = None,
               cache: ReadCache | None = None, workers: int | None = None,
               meanwhile: Callable[[], None] | None = None) -> list[list[SheetRead] | Finding]:
    """For each path, in order: the reads of its sheets, or the file.unreadable finding
    (`workers`: how many processes parse them; by default `workers_for` their number).
    `meanwhile` is called once, while other processes read when there are some."""
    results: list = [None] * len(paths)
    todo = list(range(len(paths)))
    if cache is not None:
        digests = [digest_of(data) if (data := file_bytes(p)) is not None else None for p in paths]
        todo = []
        for i, hit in enumerate(cache.get_many(list(zip(paths, digests)))):
            if hit is None:
                todo.append(i)
                continue
            results[i] = hit
            if progress:
                progress(paths[i])
    entries = []
    parsed = _parse(rubric, [paths[i] for i in todo], other_rubrics, require_fields,
                    workers or workers_for(len(todo)), cache, meanwhile)
    for i, (out, entry) in zip(todo, parsed):
        results[i] = out
        if entry is not None:
            entries.append(entry)
        if progress:
            progress(paths[i])
    if cache is not None:
        cache.save(entries)
    return results


def read_one(rubric, path: Path, other_rubrics=(), require_fields: bool = True,
             data: bytes | None = None) -> list[SheetRead] | Finding:
    """The reads of the file's sheets (from `data`, its bytes, when given), or file.unreadable."""
    try:
        grids = read_grids(path, data)
    except InputFileError as e:
        # the finding names the file; its message is the reason (the error's text starts with the path)
        error = str(e)
        error = error[len(str(path)) + 2:] if error.startswith(f"{path}: ") else error
        return Finding.of(Rule.FILE_UNREADABLE, str(path), "", "", error=error)
    return [read_grid(rubric, g, other_rubrics=other_rubrics, require_fields=require_fields) for g in grids]


def workers_for(n_files: int, load: float | None = None) -> int:
    """How many processes read `n_files` (1: this one): one per idle core (`load`: how many
    other processes want a core, by default `busy_elsewhere()`; a core another program keeps
    busy would only be shared, and the extra process cost more than it gives)."""
    if n_files < PARALLEL_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if load is None:
        load = busy_elsewhere()
    idle = max(0, int(cores - load + 0.5))
    return max(1, min(cores, MAX_WORKERS, n_files // FILES_PER_WORKER, 1 + idle))


def busy_elsewhere(loadavg: str = "/proc/loadavg") -> float:
    """How many other processes are running now: on Linux the kernel's count of runnable tasks
    (/proc/loadavg), less this one, the least of three looks (a passing task is not a busy core);
    elsewhere the one-minute load average. Not the load average on Linux: it lags by a minute, so
    right after a command of ours it counts our own finished workers and a lead's second click
    would read on one core."""
    try:
        with open(loadavg, "rb") as f:
            looks = []
            for _ in range(3):
                f.seek(0)
                looks.append(int(f.read().split()[3].split(b"/")[0]))
        return float(max(0, min(looks) - 1))
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def _read_kept(rubric, path: Path, other_rubrics, require_fields, cache: ReadCache | None):
    """(read_one, its cache entry or None): the file read once, hashed and parsed from those
    bytes, the entry made by the process that parsed it (on its core, not this one's)."""
    data = file_bytes(path)
    out = read_one(rubric, path, other_rubrics, require_fields, data)
    if cache is None or data is None or isinstance(out, Finding):
        return out, None
    return out, cache.entry(path, digest_of(data), out)


def _parse(rubric, paths: list[Path], other_rubrics, require_fields, workers: int,
           cache: ReadCache | None = None, meanwhile: Callable[[], None] | None = None) -> Iterator:
    """(reads, cache entry) of `paths` in order. With `workers` > 1, every chunk is offered to
    forked processes (`workers - 1` of them; `workers` when there is work to do `meanwhile`, which
    this process then does); this process reads the chunks none of them has taken yet (a pending
    future can be cancelled: it was never sent), from the last back, while they finish theirs."""
    if workers <= 1 or len(paths) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        for p in paths:
            yield _read_kept(rubric, p, other_rubrics, require_fields, cache)
        return
    size = max(1, len(paths) // (workers * 8))
    starts = range(0, len(paths), size)
    forked = workers if meanwhile is not None else workers - 1
    with _pool(forked, rubric, other_rubrics, require_fields, cache) as pool:
        chunks = [pool.submit(_read_chunk, paths[i:i + size]) for i in starts]
        if meanwhile is not None:
            meanwhile()
        mine: dict[int, list] = {}
        for k in reversed(range(len(chunks))):
            if not chunks[k].cancel():
                break  # taken, and so are the ones before it (they are handed out in order)
            mine[k] = [_read_kept(rubric, p, other_rubrics, require_fields, cache) for p in paths[starts[k]:starts[k] + size]]
        for k, chunk in enumerate(chunks):
            yield from mine[k] if k in mine else chunk.result()


def _pool(n: int, rubric, other_rubrics, require_fields, cache) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(n, mp_context=context, initializer=_start,
                               initargs=(rubric, other_rubrics, require_fields, cache))  # forked: stays lazy


_WORKER: dict = {}


def _start(rubric, other_rubrics, require_fields, cache) -> None:
    _WORKER.update(rubric=rubric, other_rubrics=other_rubrics, require_fields=require_fields, cache=cache)


def _read_chunk(paths: list[Path]) -> list:
    w = _WORKER
    return [_read_kept(w["rubric"], p, w["other_rubrics"], w["require_fields"], w["cache"]) for p in paths]
