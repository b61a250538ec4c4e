"""The history store (files.store, files.store_query) on a real DuckDB file: the calls come back
exactly as the engine made them, re-importing changes nothing, a changed sheet supersedes its rows,
and the Parquet export is partitioned by month."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pandas as pd
import pytest

from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.engine.periods import parse_period
from zhijian.errors import InputFileError
from zhijian.files.rubrics import load_rubric
from zhijian.files.store import ADDED, REPLACED, SAME_CONTENT, UNCHANGED, Store
from zhijian.files.store_query import export_parquet, load_period, store_status
from zhijian.pipeline.load import load_calls

FULL = [5] * 10


def sheet(path, day: dt.date, scores_b=(5, 5, 5, 5, 5, 5, 5, 5, 5, 3), extra_row=None):
    rows = [LISTENING_HEADER,
            listening_row(day, "王丽", "A001", "张三", f"R{day:%m%d}1", FULL),
            listening_row(day, "王丽", "A002", "李四", f"R{day:%m%d}2", list(scores_b), error_deduction=2),
            listening_row(day, "王丽", "A003", "王五", f"R{day:%m%d}3", [5, 5, 5, 5, 6, 5, 5, 5, 5, 5])]
    if extra_row:
        rows.append(extra_row)
    return write_xlsx(path, [SheetSpec("评分表", rows)])


@pytest.fixture()
def rubric():
    return load_rubric("listening-10x4")


@pytest.fixture()
def folder(tmp_path):
    d = tmp_path / "sheets"
    d.mkdir()
    sheet(d / "2026-10-12_wangli.xlsx", dt.date(2026, 10, 12))
    sheet(d / "2026-11-02_wangli.xlsx", dt.date(2026, 11, 2))
    return d


def resolved(calls: pd.DataFrame) -> pd.DataFrame:
    from pathlib import Path
    return calls.assign(file=[str(Path(f).resolve()) for f in calls["file"]])


def test_calls_come_back_exactly_as_the_engine_made_them(rubric, folder, tmp_path):
    loaded = load_calls(rubric, [str(folder)])
    with Store(tmp_path / "z.duckdb") as s:
        result = s.add(rubric, loaded)
        assert result.counts() == {ADDED: 2} and result.added_calls() == 6
        back = load_period(s, rubric, parse_period("2026-10..2026-11"))
    got = back.loaded.calls
    pd.testing.assert_frame_equal(resolved(loaded.calls), got[loaded.calls.columns])
    # The score of 6 is an error finding: it comes back with its row, so the row stays excluded.
    assert [(f.rule, f.cell) for f in back.loaded.findings] == [("score.not_allowed", "J4")] * 2
    valid, findings, excluded = back.loaded.select(parse_period("2026-10"))
    assert len(valid) == 2 and excluded == 1 and len(findings) == 1
    assert [p for p, _ in back.inputs] == sorted(str(p.resolve()) for p in folder.glob("*.xlsx"))


def test_reimporting_unchanged_files_changes_nothing(rubric, folder, tmp_path):
    store = tmp_path / "z.duckdb"
    with Store(store) as s:
        s.add(rubric, load_calls(rubric, [str(folder)]))
        before = store_status(s)
        again = s.add(rubric, load_calls(rubric, [str(folder)]))
        after = store_status(s)
    assert again.counts() == {UNCHANGED: 2} and again.added_calls() == 0
    for key in ("files", "rows", "superseded_files", "superseded_rows", "months"):
        assert after[key] == before[key], key


def test_a_changed_sheet_replaces_its_rows_and_keeps_the_old_ones_superseded(rubric, folder, tmp_path):
    store = tmp_path / "z.duckdb"
    with Store(store) as s:
        s.add(rubric, load_calls(rubric, [str(folder)]), now=dt.datetime(2026, 11, 3, 9, 0))
        # The inspector corrects A002's 业务能力 (3 → 4) and adds a fourth call.
        sheet(folder / "2026-10-12_wangli.xlsx", dt.date(2026, 10, 12), scores_b=[5] * 9 + [4],
              extra_row=listening_row(dt.date(2026, 10, 12), "王丽", "A004", "赵六", "R10124", FULL))
        result = s.add(rubric, load_calls(rubric, [str(folder)]), now=dt.datetime(2026, 11, 4, 9, 30))
        assert result.counts() == {REPLACED: 1, UNCHANGED: 1}
        calls = load_period(s, rubric, parse_period("2026-10")).loaded.calls
        status = store_status(s)
        old = s.con.execute("SELECT superseded_at, count(*) FROM calls WHERE superseded_at IS NOT NULL "
                            "GROUP BY 1").fetchall()
    assert sorted(calls["agent_id"]) == ["A001", "A002", "A003", "A004"]
    assert calls.set_index("agent_id").loc["A002", "final_score"] == 2 * 49 - 2
    assert old == [(dt.datetime(2026, 11, 4, 9, 30), 3)]
    assert status["files"] == 2 and status["superseded_files"] == 1 and status["rows"] == 7


def test_the_same_file_under_another_path_is_not_counted_twice(rubric, folder, tmp_path):
    moved = tmp_path / "moved"
    shutil.copytree(folder, moved)
    with Store(tmp_path / "z.duckdb") as s:
        s.add(rubric, load_calls(rubric, [str(folder)]))
        result = s.add(rubric, load_calls(rubric, [str(moved)]))
        assert result.counts() == {SAME_CONTENT: 2}
        assert store_status(s)["rows"] == 6


def test_new_appeal_decisions_replace_only_the_files_they_change(rubric, folder, tmp_path):
    from zhijian.reports.appeals_template import write_appeals_template
    import openpyxl

    register = write_appeals_template(rubric, tmp_path / "appeals.xlsx")
    wb = openpyxl.load_workbook(register)
    ws = wb["申诉登记表"]
    for c, v in enumerate(["R10122", "A002", "李四", dt.datetime(2026, 10, 13, 9), "理由", "改判", "赵班长", None,
                           None, dt.datetime(2026, 10, 13, 15)], start=1):
        ws.cell(3, c, v)
    ws.cell(2 + 1, 11 + 9, 5)  # 更正:业务能力 (the 10th item column after the 10 register fields)
    wb.save(register)
    with Store(tmp_path / "z.duckdb") as s:
        s.add(rubric, load_calls(rubric, [str(folder)]))
        result = s.add(rubric, load_calls(rubric, [str(folder)], appeals=register), appeals=register)
        by_path = {f.path.rsplit("/", 1)[1]: f.status for f in result.files}
        assert by_path == {"2026-10-12_wangli.xlsx": REPLACED, "2026-11-02_wangli.xlsx": UNCHANGED}
        calls = load_period(s, rubric, parse_period("2026-10")).loaded.calls.set_index("recording_id")
        assert calls.loc["R10122", "final_score"] == 100 - 2 and bool(calls.loc["R10122", "appeal_changed"])
        assert s.con.execute("SELECT status FROM appeals").fetchall() == [("改判",)]
        # Loading again without the register keeps the decision that was applied.
        assert s.add(rubric, load_calls(rubric, [str(folder)])).counts() == {UNCHANGED: 2}


def test_parquet_export_is_partitioned_by_month(rubric, folder, tmp_path):
    out = tmp_path / "export"
    with Store(tmp_path / "z.duckdb") as s:
        s.add(rubric, load_calls(rubric, [str(folder)]))
        info = export_parquet(s, out)
    assert info == {"folder": str(out), "months": ["2026-10", "2026-11"], "rows": 6}
    assert sorted(p.name for p in (out / "calls").iterdir()) == ["month=2026-10", "month=2026-11"]
    con = duckdb.connect()
    rows = con.execute(f"SELECT month, count(*), sum(\"points:业务能力\") FROM read_parquet("
                       f"'{out}/calls/*/*.parquet', hive_partitioning = true) GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [("2026-10", 3, 13.0), ("2026-11", 3, 13.0)]
    with pytest.raises(InputFileError, match="不是空的"):
        with Store(tmp_path / "z.duckdb", read_only=True) as s:
            export_parquet(s, out)


def test_a_file_that_is_not_a_store_is_refused_in_chinese(tmp_path):
    bad = tmp_path / "z.duckdb"
    bad.write_text("not a database", encoding="utf-8")
    with pytest.raises(InputFileError, match="无法打开历史库"):
        Store(bad)
    with pytest.raises(InputFileError, match="历史库不存在"):
        Store(tmp_path / "missing.duckdb", read_only=True)
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INTEGER)").close()
    with pytest.raises(InputFileError, match="不是 zhijian 的历史库"):
        Store(other)



def test_a_database_whose_tables_are_in_another_schema_is_not_written_into(tmp_path):
    # Someone's DuckDB file keeping its tables in a schema of its own (crm.customers): the main
    # schema was empty, so zhijian took it for a new store and added its tables to that database.
    other = tmp_path / "their.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE SCHEMA crm; CREATE TABLE crm.customers (id INTEGER, phone VARCHAR)")
    con.close()
    before = other.read_bytes()
    for read_only in (False, True):
        with pytest.raises(InputFileError, match=r"不是 zhijian 的历史库\(其中已有其他数据表: crm.customers\)"):
            Store(other, read_only=read_only)
    assert other.read_bytes() == before
