"""The jobs over the history store: importing sheets (`history import`), its status and export,
and the 季度/年度质检考核表 (`quarterly`, `yearly`) from the store or from sheets.

Figures are the engine's: the store gives the calls back as a `Loaded` (`files.store_query`) and
`engine.period_review` analyses each month as consolidation does.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from zhijian.engine.appeals import AppealPolicy
from zhijian.engine.loaded import Loaded
from zhijian.engine.period_review import DEFAULT_MIN_CALLS, DEFAULT_STARS, PeriodReview, build_period_review
from zhijian.engine.periods import Period, main_period_date, parse_period
from zhijian.engine.rubric import Rubric
from zhijian.errors import InputFileError, NothingToReport
from zhijian.files.guard import guard_outputs
from zhijian.files.provenance import Provenance
from zhijian.files.store import ImportResult, Store

from .jobs import check_readable, check_something, guard_report, policy_options, unreadable_lines
from .load import load_calls, record_in_store

KINDS = {"quarter": "quarterly", "year": "yearly"}


def import_sheets(store: Path, rubric: Rubric, inputs: list[str], *, appeals: str | Path | None = None,
                  policy: AppealPolicy = AppealPolicy(), other_rubrics=(),
                  progress: Callable[[Path], None] | None = None,
                  on_files: Callable[[int], None] | None = None) -> tuple[ImportResult, Loaded]:
    """`zhijian history import`: read and check the inputs as every report does, and add them.
    When not one input can be read, nothing is imported and the store is not opened (so none is
    created): `NothingToReport` (exit 2) naming each input. Some unreadable among readable ones are
    listed in the result as 无法读取, the others imported."""
    loaded = load_calls(rubric, inputs, other_rubrics=other_rubrics, progress=progress, on_files=on_files,
                        appeals=appeals, policy=policy, store=store, record=False)
    check_importable(loaded)
    result = record_in_store(store, rubric, loaded, command="import", appeals=appeals)
    return result, loaded


def check_importable(loaded: Loaded) -> None:
    """Exit 2, naming each input and why, when every file given is one of which no row could be
    read (missing, damaged, not a workbook, no sheet the rubric maps)."""
    from zhijian.engine.accounting import unreadable_inputs

    unreadable = unreadable_inputs(loaded.findings)
    files_with_calls = set(loaded.calls["file"].astype(str)) if len(loaded.calls) else set()
    unread_files = {u.file for u in unreadable} - files_with_calls
    if loaded.files and all(str(p) in unread_files for p in loaded.files):
        raise NothingToReport("没有可以读取的评分表,未导入,历史库未改动:\n" + "\n".join(unreadable_lines(unreadable)),
                              exit_code=2)


def store_status(store: Path) -> dict:
    from zhijian.files.store_query import store_status as status

    with Store(store, read_only=True) as s:
        return status(s)


def export_store(store: Path, folder: Path, *, overwrite: bool = False) -> dict:
    from zhijian.files.store_query import export_parquet

    with Store(store, read_only=True) as s:
        return export_parquet(s, folder, overwrite=overwrite)


@dataclass
class ReviewResult:
    review: PeriodReview
    provenance: Provenance
    files: list[Path]
    notes: list[str] = field(default_factory=list)
    from_store: bool = False
    output: Path | None = None
    store: Path | None = None  # the history store read and written: never an output


def review_period(kind: str, text: str | None, dates: list[dt.date]) -> Period:
    """The quarter ('2026-Q4') or year ('2026') asked for; without one, the quarter or year of
    the latest month holding at least half as many calls as the busiest (as consolidate does)."""
    if text:
        return parse_period(text)
    day = main_period_date("month", dates) if dates else dt.date.today()
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(f"{day.year}")


def period_review(rubric: Rubric, kind: str, period_text: str | None = None, inputs: list[str] | None = None, *,
                  store: Path | None = None, lead: str | None = None, min_calls: int = DEFAULT_MIN_CALLS,
                  stars: int = DEFAULT_STARS, appeals: str | Path | None = None,
                  policy: AppealPolicy = AppealPolicy(), rubric_source: str | None = None, other_rubrics=(),
                  progress=None, on_files=None, complaints: list[str] | None = None,
                  output: Path | None = None) -> ReviewResult:
    """The 季度/年度质检考核表: from `inputs` when given (and added to the store when one is
    configured), else from the store; with the registers' section when `complaints` are given.
    `output`, when already known, is refused before any reading if it is a file read (or the store)."""
    command = KINDS[kind]
    options = {kind: None, "lead": lead, "min_calls": min_calls, "stars": stars}
    reads = {"评分标准": [rubric.path], "投诉表扬登记表": list(complaints or [])}
    guard_outputs([output], reads, store=store)
    if inputs:
        loaded = load_calls(rubric, inputs, other_rubrics=other_rubrics, progress=progress, on_files=on_files,
                            appeals=appeals, policy=policy, store=store, command=command, outputs=[output],
                            reads=reads)
        check_readable(loaded)
        period = review_period(kind, period_text, loaded.dates())
        options.update(policy_options(policy, appeals))
        prov = Provenance.of(command, rubric, rubric_source or rubric.id, loaded.files, appeals=appeals)
        sources = loaded.files
    else:
        if store is None:
            raise InputFileError("没有指定评分表,也没有配置历史库: 请给出评分表文件/文件夹,"
                                 "或用 --store(或环境变量 ZHIJIAN_STORE)指定历史库")
        stored, period = _from_store(rubric, kind, period_text, Path(store))
        loaded = stored.loaded
        options.update({"source": "history_store", "store": str(store)})
        prov = Provenance.of(command, rubric, rubric_source or rubric.id, [])
        prov.inputs = stored.inputs
        stored_appeals(prov, stored.appeals)
        sources = loaded.files
    options[kind] = period_key(kind, period)
    prov.options = {**prov.options, **options}
    review = build_period_review(rubric, loaded, kind, period, lead=lead, min_calls=min_calls, stars=stars)
    # Nothing to report is a failure, as for every other report: one message, no workbook.
    check_something(review.overall.account, review.label, loaded.notes)
    if complaints:
        from zhijian.engine.periods import months_of

        from .registers import section_for

        review.extra["complaints"] = section_for(complaints, review.label, period, months_of(period),
                                                 notes=review.notes)
        prov.options["complaints"] = [os.path.abspath(p) for p in complaints]  # audit may run elsewhere
    return ReviewResult(review, prov, sources, loaded.notes + review.notes, from_store=not inputs, store=store)


def period_key(kind: str, period: Period) -> str:
    if kind == "quarter":
        return f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}"
    return f"{period.start.year}"


def _from_store(rubric: Rubric, kind: str, period_text: str | None, store: Path):
    from zhijian.files.store_query import load_period, stored_dates

    with Store(store, read_only=True) as s:
        period = review_period(kind, period_text, stored_dates(s, rubric) if not period_text else [])
        stored = load_period(s, rubric, period, lean=True)
    if not len(stored.loaded.calls):
        stored.loaded.notes.append(f"历史库 {store} 中没有《{rubric.name}》{period.describe()} 的评分记录")
    return stored, period


def stored_appeals(prov: Provenance, registers: list[tuple[str, str]]) -> None:
    """Record the appeals registers the store applied to these calls, so that `audit` can
    recompute the report from the sheets (one register: as --appeals; several: listed)."""
    if len(registers) == 1:
        prov.appeals = registers[0]
    elif registers:
        prov.options["appeals_registers"] = [p for p, _ in registers]


def write_review(result: ReviewResult, output: Path) -> Path:
    from zhijian.reports.period_review_workbook import write_period_review_workbook

    guard_report(result, Path(output))
    result.output = write_period_review_workbook(result.review, Path(output), provenance=result.provenance)
    return result.output
