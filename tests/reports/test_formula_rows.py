"""The template's 最终得分 formulas written down the rows at once (`reports.formula_rows`) give the
very bytes `write_formula` gives row by row: for every bundled rubric and every corpus form, the
300-row template and a prefilled sheet; and the ordinary path where the shortcut would differ."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zhijian.files.rubrics import bundled_rubric_names, load_rubric
from zhijian.reports import formula_rows
from zhijian.reports.formula_rows import FormulaRowsSheet
from zhijian.reports.template import Prefill, write_template

FORMS = sorted(Path(__file__).resolve().parents[1].glob("forms/*/rubric.yaml"))
RUBRICS = [*bundled_rubric_names(), *map(str, FORMS), str(Path(__file__).parent / "synthetic-lifts.yaml")]


def _row_by_row(self, first, last, col, formula_at, fmt=None, value=""):
    for r in range(first, last + 1):
        self.write_formula(r, col, formula_at(r + 1), fmt, value)


@pytest.mark.parametrize("rubric_id", RUBRICS, ids=lambda r: Path(r).parent.name if "/" in r else r)
def test_same_bytes_as_row_by_row(rubric_id, tmp_path, monkeypatch):
    rubric = load_rubric(rubric_id)
    prefill = Prefill([{"date": dt.date(2026, 10, 12), "inspector": "李娜", "agent_id": f"A{k:03d}",
                        "recording_id": f"R{k}"} for k in range(12)], title="2026-10-12 李娜")
    fast = [write_template(rubric, tmp_path / "fast.xlsx").read_bytes(),
            write_template(rubric, tmp_path / "fast-pre.xlsx", prefill=prefill).read_bytes()]
    monkeypatch.setattr(FormulaRowsSheet, "formula_down", _row_by_row)
    slow = [write_template(rubric, tmp_path / "slow.xlsx").read_bytes(),
            write_template(rubric, tmp_path / "slow-pre.xlsx", prefill=prefill).read_bytes()]
    assert fast == slow


def test_a_formula_holding_the_mark_itself_is_written_row_by_row(tmp_path):
    """A NUL in the formula's own text (never ours) cannot be told from the row mark: each row is
    made and written the ordinary way, and keeps its NUL."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = wb.add_worksheet("s", worksheet_class=FormulaRowsSheet)
    ws.formula_down(2, 4, 1, lambda r: f'IF(A{r}="{formula_rows.MARK}",1,A{r})')
    assert [ws.table[r][1].formula for r in (2, 3, 4)] == \
        [f'IF(A{r}="{formula_rows.MARK}",1,A{r})' for r in (3, 4, 5)]
    ws.formula_down(0, 1, 2, lambda r: f"SUM(A{r}:B{r})")
    assert [ws.table[r][2].formula for r in (0, 1)] == ["SUM(A1:B1)", "SUM(A2:B2)"]
    wb.close()
