"""Loading the calls of some inputs: every file read into grids, checked by the engine together, and
the decided appeals of a register applied.

Reading needs neither pandas nor the engine's analysis: this module imports them only when the
files are being read (`engine_imports`, run while the other processes read), so that on two
cores importing them (a third of a second) and reading the files happen at the same time.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable

from typing import TYPE_CHECKING

from zhijian.engine.appeal_policy import AppealPolicy
from zhijian.engine.findings import Finding, Rule, Severity
from zhijian.engine.roster import Roster
from zhijian.engine.rubric import Rubric
from zhijian.errors import InputFileError
from zhijian.files.guard import guard_outputs, guard_store
from zhijian.files.inputs import expand_inputs, no_workbooks_error
from zhijian.files.read_cache import ReadCache
from zhijian.files.workbooks import read_grids

from .reading import read_files

if TYPE_CHECKING:
    from zhijian.engine.loaded import Loaded


def engine_imports() -> None:
    """Import what follows the reading (pandas, the checks, the analysis and the reports' engine
    parts): called by `read_files` while the files are read elsewhere."""
    import zhijian.engine.analysis  # noqa: F401
    import zhijian.engine.appeals  # noqa: F401
    import zhijian.engine.ledger  # noqa: F401
    import zhijian.engine.loaded  # noqa: F401
    import zhijian.engine.validate  # noqa: F401


def check_files(rubric, paths: list[Path], *, roster=None, period=None, other_rubrics=(),
                progress=None, require_fields: bool = True, cache: ReadCache | None = None):
    """Read every file and check all their sheets together (the file-based door onto
    `validate.check_grids`). A file that cannot be read becomes a file.unreadable finding. Files
    are read by several processes when there are many (`reading`), through `cache` when given."""
    reads, unreadable = [], []
    for out in read_files(rubric, paths, other_rubrics=other_rubrics, require_fields=require_fields,
                          progress=progress, cache=cache, meanwhile=engine_imports):
        if isinstance(out, Finding):
            unreadable.append(out)
        else:
            reads.extend(out)
    from zhijian.engine.validate import check_reads

    checked = check_reads(rubric, reads, roster=roster, period=period)
    checked.report.findings[:0] = unreadable
    # The roster's own findings (a 工号 twice, a row without one): no call row is theirs.
    checked.report.extend(dataclasses.replace(f, row=None) for f in getattr(roster, "findings", ()))
    return checked


def load_calls(rubric: Rubric, inputs: list[str], *, other_rubrics=(),
               progress: Callable[[Path], None] | None = None,
               on_files: Callable[[int], None] | None = None,
               appeals: str | Path | None = None, policy: AppealPolicy = AppealPolicy(),
               store: Path | None = None, command: str = "import", outputs=(),
               reads: dict | None = None, roster: Roster | None = None, cache: bool = False,
               record: bool = True) -> Loaded:
    """Read and check every sheet of the inputs (files, folders, globs); apply the decided
    appeals of the register `appeals` (申诉登记表) when given; agent ids not on the `roster` (人员名单)
    are findings and their calls are left out of every figure; add what was read to the history
    store `store` when one is configured. Before anything is read, `outputs` (the files the job
    will write) are refused when one is an input, the register or one of `reads` (role -> paths).
    With `cache`, files read before (same content, same rubric) are not parsed again
    (`files.read_cache`; off when ZHIJIAN_NO_CACHE is set)."""
    files, notes = expand_inputs(inputs)
    kept = ReadCache.open(rubric, other_rubrics) if cache else None
    guard_store(store, {"评分表": files, "申诉登记表": [appeals], **(reads or {})})
    guard_outputs(outputs, {"评分表": files, "申诉登记表": [appeals], **(reads or {})}, store=store,
                  cache=kept.path if kept else None)
    if not files:
        raise no_workbooks_error(inputs, notes)
    if on_files:
        on_files(len(files))
    checked = check_files(rubric, files, other_rubrics=other_rubrics, progress=progress, roster=roster, cache=kept)
    notes += roster_notes(roster)
    from zhijian.engine.loaded import Loaded

    loaded = Loaded(checked.calls, checked.report.findings, files, notes, roster=roster)
    if appeals is not None:
        register_appeals(rubric, loaded, Path(appeals), policy)
    if store is not None and record:  # not `record`: the caller adds them (history import, once it checked)
        record_in_store(store, rubric, loaded, command=command, appeals=appeals)
    return loaded


def roster_notes(roster) -> list[str]:
    """The roster's findings as console lines, naming its file, sheet and cell."""
    return [f"人员名单 {Path(f.file).name} {f.sheet} {f.cell}: {f.message}" for f in getattr(roster, "findings", ())]


# Columns only a register has (a 评分表 has 录音编号 and 坐席工号 too).
_REGISTER_ONLY = ("filed_at", "recheck_result", "arbitration_result", "decided_at")


def _looks_like_register(grid) -> bool:
    """Whether a sheet's first rows name a column only a 申诉登记表 has (申诉时间, 复核结果 …)."""
    from zhijian.engine.appeals import REGISTER_FIELDS
    from zhijian.engine.columns import normalise_header

    words = {normalise_header(w)[0] for k in _REGISTER_ONLY for w in REGISTER_FIELDS[k]}
    return any(isinstance(v, str) and normalise_header(v)[0] in words for row in grid.rows[:10] for v in row)


# --- the history hook: every command that reads sheets adds them to the store when configured ---

def record_in_store(store: Path, rubric: Rubric, loaded: Loaded, *, command: str,
                    appeals: str | Path | None = None):
    """Add the loaded calls to the history store (`files.store`); the outcome becomes a note."""
    from zhijian.files.store import ADDED, REPLACED, Store

    with Store(store) as s:
        result = s.add(rubric, loaded, command=command, appeals=appeals)
    # one note (the last: `history import` prints the files itself): the summary, then what a
    # file added says of the stored ones (recordings it repeats)
    loaded.notes.append("\n".join([result.summary(), *(f"  {f.path}: {f.note}" for f in result.files
                                                       if f.note and f.status in (ADDED, REPLACED))]))
    return result


def unread_names(findings) -> list[str]:
    """The inputs (file, or file / sheet) of which no row could be read, by their file names, once
    each: where a recording the register names may be."""
    from zhijian.engine.accounting import unreadable_inputs

    names = [f"{Path(u.file).name}{' / ' + u.sheet if u.sheet else ''}" for u in unreadable_inputs(findings)]
    return list(dict.fromkeys(names))


def register_appeals(rubric: Rubric, loaded: Loaded, register: Path, policy: AppealPolicy) -> None:
    """Read the 申诉登记表 and apply it to the loaded calls (in place)."""
    from zhijian.engine.appeals import apply_appeals, read_register

    appeals, findings, sheet = [], [], ""
    grids = read_grids(register)
    if not any(_looks_like_register(g) for g in grids):
        raise InputFileError(f"{register}: 不是申诉登记表(没有一个工作表有“申诉时间”“复核结果”等登记表的列);"
                             "可用 zhijian appeals template 生成登记表")
    # The register is the first sheet holding appeals, else the first with a register's header (an
    # empty register, as `appeals template` writes it: its 说明 sheet is no register to be read).
    reads = []
    for grid in grids:
        found, problems = read_register(rubric, grid)
        reads.append((found, problems, grid.sheet, not any(f.rule == Rule.SHEET_UNMAPPED for f in problems)))
        if found:
            break
    appeals, findings, sheet, _ = next((x for x in reads if x[0]), None) or next((x for x in reads if x[3]), reads[0])
    invalid = {f.row for f in findings if f.severity == Severity.ERROR and f.row is not None}
    applied = apply_appeals(rubric, loaded.calls, appeals, policy=policy, invalid_rows=invalid,
                            register=str(register), sheet=sheet, unread=unread_names(loaded.findings))
    loaded.calls = applied.calls
    loaded.appeals = applied.outcomes
    # Register findings have no calls row: they must not exclude any call from the figures.
    loaded.findings = loaded.findings + [dataclasses.replace(f, row=None) for f in findings + applied.findings]
