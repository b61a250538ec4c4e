"""The history store attacked as a careless lead would use it (issue 18, on real DuckDB files):
the same sheets given twice in one import, a damaged copy re-imported over a good one, rows whose
date cannot be read, and ties in the 季度质检考核表's ranking. Every number is worked out by hand
in the comments."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from clikit import locked, run
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


def test_a_store_that_cannot_be_written_is_said_so_not_called_damaged(quarter, tmp_path):
    # A store copied from a read-only share, or kept in a folder the lead may not write: the import
    # used to say the store was "not a valid DuckDB file, or damaged" (the lead might delete it),
    # or, in a folder where DuckDB cannot write its log (z.duckdb.wal), stop with an internal
    # error (exit 3). Now: one line saying it cannot be written, exit 2, the store as it was; and
    # the quarter is still read from it.
    folder = tmp_path / "共享"
    folder.mkdir()
    store = folder / "z.duckdb"
    data(run("history", "import", quarter / "2026-10-05_王丽.xlsx", "--rubric", R, "--store", store, "--json"))
    before = store.read_bytes()
    for what in (store, folder):
        with locked(what):
            for command in (["history", "import", quarter], ["consolidate", quarter, "-o", tmp_path / "a.xlsx"]):
                r = run(*command, "--rubric", R, "--store", store, "--json")
                assert r.exit_code == 2, r.output
                error = json.loads(r.stdout[r.stdout.index("{"):])["error"]
                assert error.startswith(f"无法写入历史库 {store}") and "历史库未改动" in error, error
                assert "损坏" not in error and store.read_bytes() == before
            assert not (tmp_path / "a.xlsx").exists()
            q = quarterly(store, tmp_path / "q.xlsx")
            assert q["n"] == 15  # October alone: 3 agents × 5 calls


@pytest.mark.parametrize("change, named", [
    ("ALTER TABLE calls DROP COLUMN final_score", "calls 表缺少列 final_score"),
    ("DROP TABLE findings", "缺少数据表 findings"),
    ("ALTER TABLE files DROP COLUMN fingerprint", "files 表缺少列 fingerprint"),
    ("ALTER TABLE calls ALTER final_score TYPE VARCHAR", "calls 表的列 final_score 类型为 VARCHAR(应为 DOUBLE)"),
    ("DROP TABLE meta; CREATE TABLE meta (k INTEGER)", "meta 表缺少列 key"),
])
def test_a_store_whose_tables_someone_changed_is_refused_not_silently_mended(quarter, tmp_path, change, named):
    # Someone "tidied" the store in a DuckDB shell. A dropped final_score used to be added back
    # empty by the next import and the quarter from the store read 平均分 nan (exit 0); a dropped
    # table or column of files stopped with an internal error (exit 3); a meta table of another
    # layout was called "not a valid DuckDB file". Now every command refuses it, naming the table
    # and column (exit 2), and leaves it as it is.
    store = tmp_path / "z.duckdb"
    data(run("history", "import", quarter, "--rubric", R, "--store", store, "--json"))
    # in another process, as from a DuckDB shell
    subprocess.run([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
                    "[con.execute(s) for s in sys.argv[2].split('; ')]; con.close()", str(store), change], check=True)
    before = store.read_bytes()
    for command in (["history", "status"], ["history", "import", quarter, "--rubric", R],
                    ["quarterly", "--rubric", R, "--quarter", "2026-Q4", "-o", tmp_path / "q.xlsx"]):
        r = run(*command, "--store", store, "--json")
        assert r.exit_code == 2, r.output
        error = json.loads(r.stdout[r.stdout.index("{"):])["error"]
        assert error.startswith(f"历史库 {store} 的数据表已被改动") and named in error, error
        assert store.read_bytes() == before
    assert not (tmp_path / "q.xlsx").exists()


def test_an_export_overwritten_holds_only_the_stores_calls_now(tmp_path):
    # A sheet typed with September dates is exported, then corrected to October, re-imported and
    # exported again with --overwrite: the folder used to keep September's partition beside
    # October's (6 rows where the store holds 3, and "月份: 2026-09、2026-10" printed). Now the
    # export's own partitions are replaced; a calls folder holding anything else is never emptied.
    import duckdb

    d = tmp_path / "sheets"
    d.mkdir()
    sheet = d / "王丽.xlsx"
    rows = lambda day: [listening_row(day, "王丽", "A1", "甲", f"R{k}", [5] * 10) for k in range(3)]  # noqa: E731
    write_xlsx(sheet, [SheetSpec("评分表", [LISTENING_HEADER, *rows(D(2026, 9, 30))])])
    store, out = tmp_path / "z.duckdb", tmp_path / "导出"
    data(run("history", "import", d, "--rubric", R, "--store", store, "--json"))
    assert data(run("history", "export", "--parquet", out, "--store", store, "--json"))["months"] == ["2026-09"]
    write_xlsx(sheet, [SheetSpec("评分表", [LISTENING_HEADER, *rows(D(2026, 10, 30))])])
    assert data(run("history", "import", d, "--rubric", R, "--store", store, "--json"))["counts"] == {"替换": 1}
    got = data(run("history", "export", "--parquet", out, "--store", store, "--overwrite", "--json"))
    assert (got["months"], got["rows"]) == (["2026-10"], 3)
    back = duckdb.connect().execute(f"SELECT month, count(*) FROM read_parquet('{out}/calls/*/*.parquet', "
                                    "hive_partitioning = true) GROUP BY 1").fetchall()
    assert back == [("2026-10", 3)]
    # A folder whose calls/ holds the team's own file: refused, nothing removed.
    mine = tmp_path / "我的" / "calls" / "说明.xlsx"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(sheet.read_bytes())
    r = run("history", "export", "--parquet", tmp_path / "我的", "--store", store, "--overwrite", "--json")
    assert r.exit_code == 2 and "说明.xlsx" in json.loads(r.stdout)["error"], r.output
    assert mine.read_bytes() == sheet.read_bytes() and sorted(mine.parent.iterdir()) == [mine]


def test_a_sheet_moved_and_edited_is_said_to_repeat_the_stored_one(tmp_path):
    # 王丽's October sheet is imported from a/, then moved to b/ and A2's five calls corrected from
    # 80 to 100 (every item 4 → 5). The store keeps a/'s version (its path is gone, not replaced)
    # and adds b/'s: the same five recordings by the same inspector twice; the quarter from the
    # store counts the first by path, a/'s 80, where the sheets on disk say 100. The import said
    # only "新增 1 个文件". Now it names the stored file, that it no longer exists, and which counts.
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    month_sheet(a / "王丽.xlsx", 10, {"A1": 5, "A2": 4})
    store = tmp_path / "z.duckdb"
    data(run("history", "import", a, "--rubric", R, "--store", store, "--json"))
    (a / "王丽.xlsx").unlink()
    month_sheet(b / "王丽.xlsx", 10, {"A1": 5, "A2": 5})
    d = data(run("history", "import", b, "--rubric", R, "--store", store, "--json"))
    assert d["counts"] == {"新增": 1}
    old, new = str((a / "王丽.xlsx").resolve()), str((b / "王丽.xlsx").resolve())
    assert d["files"][0]["note"] == (f"其中 10 条录音已在历史库的 {old} 中(同一质检员的重复评分): "
                                     f"从历史库出的报表只计文件路径在前的 {old} 中的评分;{old} 已不在原处(改名或移走?),"
                                     "它在历史库中的记录仍然有效")
    r = run("history", "import", b, "--rubric", R, "--store", store)
    assert "未变 1 个文件" in r.output  # said once, when it is added
    # what the note warns of: the quarter from the store counts a/'s 80 for A2
    q = quarterly(store, tmp_path / "q.xlsx", "--min-calls", "1")
    assert q["accounting"]["duplicates"] == 10
    assert {a["agent_id"]: a["period_score"] for a in q["agents"]} == {"A1": 100.0, "A2": 80.0}
    # consolidate, writing what it read into the store, says it too
    c = tmp_path / "c"
    c.mkdir()
    month_sheet(c / "王丽.xlsx", 10, {"A1": 3, "A2": 3})
    r = run("consolidate", c, "--rubric", R, "--store", store, "-o", tmp_path / "c.xlsx")
    assert r.exit_code == 0 and f"其中 10 条录音已在历史库的 {old} 中" in r.output.replace("\n", ""), r.output


def test_a_store_path_that_is_a_folder_or_under_a_file_is_refused_before_reading(quarter, tmp_path, monkeypatch):
    # ZHIJIAN_STORE set to the sheets' folder (click's --store check does not see the environment):
    # status said "历史库不存在", an import "写入失败(IO Error: Could not read from file …: Is a
    # directory)" after reading every sheet; a store under a file ("名单.xlsx/z.duckdb") said
    # "无法访问 名单.xlsx: File exists". Now one Chinese line each, before any sheet is read.
    roster = tmp_path / "名单.xlsx"
    roster.write_bytes((quarter / "2026-10-05_王丽.xlsx").read_bytes())
    for store, said in [(quarter, f"历史库 {quarter} 是一个文件夹,不是文件;请给出历史库文件(如 {quarter / 'zhijian.duckdb'})"),
                        (roster / "z.duckdb", f"无法建立历史库 {roster / 'z.duckdb'}: {roster} 是文件,不是文件夹")]:
        monkeypatch.setenv("ZHIJIAN_STORE", str(store))
        for command in (["history", "status"], ["history", "import", quarter, "--rubric", R],
                        ["consolidate", quarter, "--rubric", R, "-o", tmp_path / "a.xlsx"]):
            r = run(*command, "--json")
            assert r.exit_code == 2, r.output
            assert json.loads(r.stdout[r.stdout.index("{"):])["error"] == said
            assert "读取评分表" not in r.output
    assert not (tmp_path / "a.xlsx").exists()
    assert roster.read_bytes() == (quarter / "2026-10-05_王丽.xlsx").read_bytes()


def test_a_sheet_edited_after_its_import_is_named_with_what_changed(quarter, tmp_path):
    # The inspector corrects two of A3's October calls (60 → 100) and adds a call after the import:
    # re-importing said "替换 1 个文件(写入 16 通)" and did not name the file. Now the file is
    # listed: when its old version was imported, the rows before and after, the calls whose final
    # score changed; the new version counts.
    store = tmp_path / "z.duckdb"
    data(run("history", "import", quarter, "--rubric", R, "--store", store, "--json"))
    when = data(run("history", "status", "--store", store, "--json"))["last_import"]
    october = quarter / "2026-10-05_王丽.xlsx"
    rows = [listening_row(D(2026, 10, 5), "王丽", aid, "坐席" + aid, f"R10{aid}{k}",
                          [5] * 10 if (aid, k) in {("A3", 0), ("A3", 1)} else [v] * 10)
            for aid, v in {"A1": 5, "A2": 4, "A3": 3}.items() for k in range(5)]
    rows.append(listening_row(D(2026, 10, 6), "王丽", "A1", "坐席A1", "R10new", [5] * 10))
    write_xlsx(october, [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    d = data(run("history", "import", quarter, "--rubric", R, "--store", store, "--json"))
    assert d["counts"] == {"替换": 1, "未变": 2}
    replaced = [f for f in d["files"] if f["status"] == "替换"][0]
    assert replaced["path"] == str(october.resolve())
    assert replaced["note"] == (f"替换了历史库中 {when} 导入的版本: 15 行 → 16 行,其中 2 通的最终得分有变化,"
                                "新增 1 通;旧记录保留为已替换")
    r = run("history", "import", quarter, "--rubric", R, "--store", store)
    assert "未变 3 个文件" in r.output
    q = quarterly(store, tmp_path / "q.xlsx")
    a3 = [a for a in q["agents"] if a["agent_id"] == "A3"][0]
    assert a3["monthly_scores"]["2026-10"] == 76.0  # (2 × 100 + 3 × 60) / 5


def test_a_store_named_as_one_of_the_sheets_is_refused_before_reading(quarter, tmp_path):
    # `--store` pointing at a 评分表 (a slip of the shell's completion): every sheet was read, then
    # "无法打开历史库 …: 不是有效的 DuckDB 数据库文件,或文件已损坏" (the lead fears the sheet is
    # damaged). Now: the store is that 评分表, before any sheet is read, the sheet untouched.
    sheet = quarter / "2026-11-05_王丽.xlsx"
    before = sheet.read_bytes()
    for command in (["history", "import", quarter, "--rubric", R],
                    ["consolidate", quarter, "--rubric", R, "-o", tmp_path / "a.xlsx"],
                    ["quarterly", quarter, "--rubric", R, "-o", tmp_path / "q.xlsx"]):
        r = run(*command, "--store", sheet, "--json")
        assert r.exit_code == 2, r.output
        error = json.loads(r.stdout[r.stdout.index("{"):])["error"]
        assert error == f"历史库 {sheet} 就是要读取的评分表 {sheet};请给出另一个历史库文件(如 zhijian.duckdb)"
    assert sheet.read_bytes() == before and not (tmp_path / "a.xlsx").exists()
