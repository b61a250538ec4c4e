"""Hostile and careless 评分表 inputs, fourth round: rows that vanished without a word, counts
and flags read as something the cell does not say, dates of a workbook that counts from 1904,
scores typed with a space in the middle and invisible characters. Each case asserts what the lead
would see: the row account, the finding at its cell, the score (or none)."""

from __future__ import annotations

import datetime as dt
import json

from accounting import assert_accounted
from hostile_kit import D1, RUBRIC, invoke
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.jobs import consolidate


def month_account(path, rubric: str = RUBRIC):
    return consolidate(load_rubric(rubric), [str(path)], period_kind="month", date=D1, cache=False).analysis.account


def findings(result) -> list[tuple[str, str]]:
    return [(f["rule"], f["cell"]) for f in json.loads(result.stdout)["findings"]]


def scores(result) -> dict[int, float | None]:
    return {c["row"]: c["final_score"] for c in json.loads(result.stdout)["calls"]}


# --- a call whose remark-like column starts with 平均/合计 -----------------------------------------

def test_a_call_without_its_recording_id_is_not_taken_for_a_total_row_by_its_own_words(tmp_path):
    """A team's own 扣分原因 column (T) saying "平均语速过快…" is no 合计/平均 row label: the call in
    row 3 has lost its 录音编号, so it is an error at E3 and excluded, never silently not read."""
    header = [*LISTENING_HEADER, "扣分原因"]
    data = [header, *(listening_row(D1, "王敏", f"A00{i}", "王芳", f"R{i}", [5] * 9 + [3], total=96)
                      + ["平均语速过快,客户多次没听清"] for i in range(1, 4))]
    data[2][4] = None
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data)])
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1
    assert findings(result) == [("field.missing", "E3")]
    account = assert_accounted(month_account(path), rows_read=3)
    assert (account.counted, account.excluded) == (2, 1)
