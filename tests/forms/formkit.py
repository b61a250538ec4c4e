"""Shared by the corpus of teams' own forms (issue 14): each `tests/forms/<form_id>/` holds the
rubric YAML a lead would write for the team's 评分表, and `test_<form_id>.py` builds the team's
sheet with openpyxl, works its totals out by hand from the form's own rule, and runs it through
the pipeline as a user would: read → validate → score (`pipeline.load.load_calls`), then
consolidate into the 服务质量分析表 (`pipeline.jobs.consolidate`, `write_consolidation`), whose
figures are read back from the written workbook."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import openpyxl
import pandas as pd

from accounting import assert_accounted
from readback import read_back_figures
from zhijian.engine.rubric import Rubric
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.jobs import (Consolidation, consolidate, monthly_report, weekly_report, write_consolidation,
                                   write_periodic)
from zhijian.pipeline.load import check_files, load_calls

FORMS = Path(__file__).resolve().parent


def form_rubric(form_id: str) -> Rubric:
    """The form's rubric, loaded (and checked) like any rubric file."""
    return load_rubric(FORMS / form_id / "rubric.yaml")


@dataclass
class Run:
    calls: pd.DataFrame  # every row read, scored (`has_error` rows have no score)
    findings: list  # every finding of the reading
    result: Consolidation  # the month's 服务质量分析表
    figures: dict  # its figures as the written workbook shows them


def run_form(rubric: Rubric, sheet: Path, month_day: dt.date, out_dir: Path, *, rows_read: int,
             lead: str | None = None) -> Run:
    """Read, validate, score and consolidate one team's workbook, as `zhijian consolidate` does."""
    loaded = load_calls(rubric, [str(sheet)])
    result = consolidate(rubric, [str(sheet)], period_kind="month", date=month_day, lead=lead)
    assert_accounted(result.analysis.account, rows_read=rows_read)
    written = write_consolidation(result, out_dir / "服务质量分析表.xlsx")
    figures = read_back_figures(written)
    engine = result.analysis.to_dict()  # the --json figures: the workbook shows the same
    assert figures == {k: engine[k] for k in figures}
    return Run(loaded.calls, loaded.findings, result, figures)


def by_recording(calls: pd.DataFrame, column: str = "final_score") -> dict:
    """{录音编号: value} of every row read (for one scoring per recording)."""
    return dict(zip(calls["recording_id"].tolist(), calls[column].tolist()))


# --- the forms of the scoring rules (na, weights, rounding, 扣分项, full marks other than 100) ---


def write_table(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
                title: str | None = None, sheet: str = "Sheet1") -> Path:
    """One call per row under a header row (a title row above it when given), as typed."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


@dataclass
class Scored:
    """One sheet read, validated and scored (`check_files`), then its month consolidated."""

    scores: dict[str, float]  # recording id -> final score, as the engine gives it
    grades: dict[str, str]
    findings: list  # every finding of the read
    consolidation: Consolidation


def run(rubric: Rubric, path: Path, day: dt.date) -> Scored:
    """Read, validate and score the sheet, then consolidate the month of `day`."""
    checked = check_files(rubric, [path])
    calls = checked.calls
    scores = dict(zip(calls["recording_id"].astype(str), calls["final_score"].astype(float)))
    grades = dict(zip(calls["recording_id"].astype(str), calls["grade"]))
    result = consolidate(rubric, [str(path)], period_kind="month", date=day)
    # the reports a lead then writes all follow the form's rules (they are opened in the tests
    # that look at a figure; here they must simply be written)
    out = path.parent
    write_consolidation(result, out / f"{path.stem}-分析.xlsx")
    write_periodic(monthly_report(rubric, [str(path)], month=f"{day:%Y-%m}"), out / f"{path.stem}-月报.xlsx")
    week = f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"
    write_periodic(weekly_report(rubric, [str(path)], week=week), out / f"{path.stem}-周报.xlsx")
    return Scored(scores, grades, list(checked.report.findings), result)


def analysis_headers(result: Consolidation, out: Path, sheet: str) -> list[str]:
    """The header row of one sheet of the written 服务质量分析表 (what a lead sees)."""
    write_consolidation(result, out)
    ws = openpyxl.load_workbook(out)[sheet]
    return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
