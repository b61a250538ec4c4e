"""The history store attacked as a careless lead would use it (issue 18, on real DuckDB files):
the same sheets given twice in one import, a damaged copy re-imported over a good one, rows whose
date cannot be read, and ties in the 季度质检考核表's ranking. Every number is worked out by hand
in the comments."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from clikit import run
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx

R = "listening-10x4"
D = dt.date


def data(r, code=0):
    assert r.exit_code == code, r.output
    return json.loads(r.output[r.output.index("{"):])


def month_sheet(path, month: int, scores: dict[str, int], calls: int = 5):
    """`calls` calls per agent on the 5th of `month`, every item at `scores[agent]` (call score
    2 × 10 × item)."""
    rows = [listening_row(D(2026, month, 5), "王丽", aid, "坐席" + aid, f"R{month}{aid}{k}", [v] * 10)
            for aid, v in scores.items() for k in range(calls)]
    return write_xlsx(path, [SheetSpec("评分表", [LISTENING_HEADER, *rows])])


@pytest.fixture()
def quarter(tmp_path):
    """October, November, December: A1 at 100, 80, 100; A2 at 80, 80, 100; A3 at 60, 60, 40."""
    d = tmp_path / "sheets"
    d.mkdir()
    for m, s in [(10, {"A1": 5, "A2": 4, "A3": 3}), (11, {"A1": 4, "A2": 4, "A3": 3}),
                 (12, {"A1": 5, "A2": 5, "A3": 2})]:
        month_sheet(d / f"2026-{m:02d}-05_王丽.xlsx", m, s)
    return d


def quarterly(store, out, *extra):
    return data(run("quarterly", "--rubric", R, "--store", store, "--quarter", "2026-Q4", "-o", out, "--json",
                    *extra))


def test_the_same_sheets_given_twice_in_one_import_are_stored_once(quarter, tmp_path):
    # A folder and its backup copy in one command: the copy's content is already being imported,
    # exactly as when the two folders are imported one after the other.
    copy = tmp_path / "备份"
    copy.mkdir()
    for p in quarter.iterdir():
        copy.joinpath(p.name).write_bytes(p.read_bytes())
    store = tmp_path / "z.duckdb"
    d = data(run("history", "import", quarter, copy, "--rubric", R, "--store", store, "--json"))
    assert d["counts"] == {"新增": 3, "同内容已导入": 3} and d["calls_written"] == 45
    assert data(run("history", "status", "--store", store, "--json"))["rows"] == 45
    q = quarterly(store, tmp_path / "q.xlsx")
    october = q["months"][0]["accounting"]
    # October's account is October's 质检月报's: the quarter's 45 rows read, 30 of them in other months.
    assert (october["rows_read"], october["counted"], october["outside_period"], october["duplicates"]) == \
        (45, 15, 30, 0)


def test_a_damaged_copy_reimported_keeps_the_good_version(quarter, tmp_path):
    store = tmp_path / "z.duckdb"
    data(run("history", "import", quarter, "--rubric", R, "--store", store, "--json"))
    december = quarter / "2026-12-05_王丽.xlsx"
    december.write_bytes(december.read_bytes()[:3000])  # cut short, as a failed copy leaves it
    d = data(run("history", "import", quarter, "--rubric", R, "--store", store, "--json"))
    assert d["counts"] == {"未变": 2, "无法读取": 1} and d["calls_written"] == 0
    note = [f for f in d["files"] if f["status"] == "无法读取"][0]["note"]
    assert "历史库中已导入的版本不变" in note
    # December's 15 calls are still the store's: A3's December is 40 (2 × 10 × 2).
    q = quarterly(store, tmp_path / "q.xlsx")
    assert q["n"] == 45 and q["assessed_months"] == ["2026-10", "2026-11", "2026-12"]
    a3 = [a for a in q["agents"] if a["agent_id"] == "A3"][0]
    assert a3["monthly_scores"] == {"2026-10": 60.0, "2026-11": 60.0, "2026-12": 40.0}
    status = data(run("history", "status", "--store", store, "--json"))
    assert (status["files"], status["superseded_files"], status["rows"]) == (3, 0, 45)


def test_a_sheet_the_new_rubric_version_cannot_read_does_not_replace_its_calls(quarter, tmp_path):
    # A careless lead imports December again under a version of the rubric that renamed an item:
    # no row of the sheet can be read under it: nothing is imported (exit 2, the sheet named) and
    # December keeps its calls under the old version.
    store = tmp_path / "z.duckdb"
    data(run("history", "import", quarter, "--rubric", R, "--store", store, "--json"))
    from zhijian.files.rubrics import load_rubric

    rubric = tmp_path / "v2.yaml"
    rubric.write_text(Path(load_rubric(R).path).read_text(encoding="utf-8").replace('version: "1.0"', 'version: "2.0"')
                      .replace("{name: 业务能力, max: 5", "{name: 业务知识, max: 5")
                      .replace("aliases: [业务知识]", "aliases: [业务素养]"), encoding="utf-8")
    before = store.read_bytes()
    december = quarter / "2026-12-05_王丽.xlsx"
    r = run("history", "import", december, "--rubric", rubric, "--store", store, "--json")
    d = json.loads(r.stdout)
    assert r.exit_code == 2 and d["exit_code"] == 2 and str(december) in d["error"], r.output
    assert "未导入,历史库未改动" in d["error"] and store.read_bytes() == before
    q = quarterly(store, tmp_path / "q.xlsx")
    assert q["n"] == 45 and q["months"][2]["n"] == 15


def test_a_tie_by_the_numbers_is_a_tie_in_the_ranking_and_the_stars(tmp_path):
    # X1: October 7 calls of 78 (mean 78), November 5 × 100 + 1 × 90 (mean 590/6 = 98.33…),
    # December 5 × 64 + 1 × 62 (mean 382/6 = 63.66…): period score (78 + 98.33… + 63.66…) / 3 = 80.
    # Y1: 6 calls of 80 every month: 80. Both rank 1, and with --stars 1 both are 服务之星候选.
    d = tmp_path / "sheets"
    d.mkdir()
    x = {10: [[4] * 9 + [3]] * 7, 11: [[5] * 10] * 5 + [[5] * 5 + [4] * 5],
         12: [[3] * 8 + [4] * 2] * 5 + [[3] * 9 + [4]]}
    for m in (10, 11, 12):
        rows = [listening_row(D(2026, m, 9), "王丽", "X1", "甲", f"X{m}-{k}", s) for k, s in enumerate(x[m])]
        rows += [listening_row(D(2026, m, 9), "王丽", "Y1", "乙", f"Y{m}-{k}", [4] * 10) for k in range(6)]
        write_xlsx(d / f"2026-{m}-09_王丽.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    store = tmp_path / "z.duckdb"
    data(run("history", "import", d, "--rubric", R, "--store", store, "--json"))
    q = quarterly(store, tmp_path / "q.xlsx", "--stars", "1")
    got = {a["agent_id"]: (a["period_score"], a["rank"], a["grade"]) for a in q["agents"]}
    assert got == {"X1": (80.0, 1, "良好"), "Y1": (80.0, 1, "良好")}
    assert sorted(q["stars"]) == ["X1", "Y1"]


def test_rows_with_unreadable_dates_stay_in_the_quarters_account_from_the_store(tmp_path):
    # 5 calls of A1 on 6 October and 2 rows whose date cannot be read ("2026-13-45", "昨天"):
    # from the sheets, the quarter reads 7 rows = 5 counted + 2 excluded by their date finding;
    # from the store, the same.
    d = tmp_path / "sheets"
    d.mkdir()
    rows = [listening_row(D(2026, 10, 6), "王丽", "A1", "甲", f"U{k}", [5] * 10) for k in range(5)]
    rows += [listening_row("2026-13-45", "王丽", "A2", "乙", "U8", [5] * 10),
             listening_row("昨天", "王丽", "A2", "乙", "U9", [5] * 10)]
    write_xlsx(d / "2026-10-06_王丽.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    store = tmp_path / "z.duckdb"
    data(run("history", "import", d, "--rubric", R, "--store", store, "--json"))
    from_sheets = data(run("quarterly", d, "--rubric", R, "--quarter", "2026-Q4", "-o", tmp_path / "a.xlsx",
                           "--json"))
    from_store = quarterly(store, tmp_path / "b.xlsx")
    for q in (from_sheets, from_store):
        acc = q["accounting"]
        assert (acc["rows_read"], acc["counted"], acc["excluded"], acc["holds"]) == (7, 5, 2, True)
    for name in ("a.xlsx", "b.xlsx"):
        ws = openpyxl.load_workbook(tmp_path / name)["服务质量分析(月度)"]
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        period = [r for r in rows if r[0] == "2026年第4季度"][0]
        assert period[1:3] == [5, 2]  # 有效通数 5, 排除行数 2
        overview = " ".join(str(c.value) for r in openpyxl.load_workbook(tmp_path / name)["考核概览"].iter_rows()
                            for c in r if c.value is not None)
        assert "读取 7 行 = 计入 5 + 校验错误 2" in overview
    r = run("quarterly", "--rubric", R, "--store", store, "--quarter", "2026-Q4", "-o", tmp_path / "c.xlsx")
    assert "行数核对: 读取 7 行 = 计入 5 + 校验错误 2" in r.output


