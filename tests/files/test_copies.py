"""The checked and scored copies are reproducible: the same source and results give the same bytes,
whatever the time of writing (openpyxl would stamp it into docProps/core.xml and every zip member)."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheetkit import LISTENING_HEADER, listening_row, sheet_with_mistakes, write_csv
from zhijian.engine.validate import check_grids
from zhijian.files.copies import COPY_TIME, write_checked_copy, write_scored_copy
from zhijian.files.rubrics import load_rubric
from zhijian.files.workbooks import read_grids
from zhijian.reports.toolkit import CREATED


def _write_twice(monkeypatch, tmp_path: Path, write) -> tuple[bytes, bytes]:
    """Write a copy, then again as if a day later; the bytes of both."""
    first = write(tmp_path / "first.xlsx").read_bytes()
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 86400)
    second = write(tmp_path / "second.xlsx").read_bytes()
    return first, second


def _source(tmp_path: Path, suffix: str) -> Path:
    if suffix == ".xlsx":
        return sheet_with_mistakes(tmp_path / "in")
    # A CSV source: openpyxl's new workbook would be dated now.
    (tmp_path / "in").mkdir()
    return write_csv(tmp_path / "in" / "一组.csv", [
        LISTENING_HEADER, listening_row(dt.date(2026, 11, 2), "李娜", 1001, "王芳", "LY001", [5] * 10)])


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("kind", ["checked", "scored"])
def test_copy_is_byte_identical_when_written_again(monkeypatch, tmp_path, kind, suffix):
    source = _source(tmp_path, suffix)
    checked = check_grids(load_rubric("listening-10x4"), read_grids(source))

    def write(target: Path) -> Path:
        if kind == "checked":
            return write_checked_copy(source, checked.report.findings, target)
        return write_scored_copy(source, checked.sheets, checked.calls, target, checked.report.findings)

    first, second = _write_twice(monkeypatch, tmp_path, write)
    assert first == second
    path = tmp_path / "second.xlsx"
    props = openpyxl.load_workbook(path).properties
    assert (props.created, props.modified) == (COPY_TIME, COPY_TIME)
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_copy_time_is_the_reports_creation_time():
    assert COPY_TIME == CREATED == dt.datetime(2000, 1, 1)
