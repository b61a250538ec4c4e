"""The corpus of teams' own forms (tests/forms/<form_id>/): each form's rubric, a sheet built the
way the team lays it out, and the pipeline a user runs on it (read → validate → score →
consolidate), so a form's test states only its hand-worked totals and figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import openpyxl

from zhijian.engine.rubric import Rubric
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.jobs import (Consolidation, consolidate, monthly_report, weekly_report, write_consolidation,
                                   write_periodic)
from zhijian.pipeline.load import check_files

FORMS = Path(__file__).resolve().parent / "forms"


def form_rubric(form_id: str) -> Rubric:
    return load_rubric(FORMS / form_id / "rubric.yaml")


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
class Run:
    scores: dict[str, float]  # recording id -> final score, as the engine gives it
    grades: dict[str, str]
    findings: list  # every finding of the read
    consolidation: Consolidation


def run(rubric: Rubric, path: Path, day: dt.date) -> Run:
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
    return Run(scores, grades, list(checked.report.findings), result)


def analysis_headers(result: Consolidation, out: Path, sheet: str) -> list[str]:
    """The header row of one sheet of the written 服务质量分析表 (what a lead sees)."""
    write_consolidation(result, out)
    ws = openpyxl.load_workbook(out)[sheet]
    return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
