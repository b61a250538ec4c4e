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

import pandas as pd

from accounting import assert_accounted
from readback import read_back_figures
from zhijian.engine.rubric import Rubric
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.jobs import Consolidation, consolidate, write_consolidation
from zhijian.pipeline.load import load_calls

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
