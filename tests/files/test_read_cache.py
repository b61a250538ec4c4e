"""The read cache: a file read before (same content, same rubric) is not parsed again, gives the
same findings and calls as a fresh read, and a bad entry (or a cache file that is not a database)
is read again, never trusted. The cache is a real SQLite file, edited here as a tamperer would."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys

import pandas as pd

from zhijian.files.read_cache import DB_NAME, FORMAT, ReadCache, cache_folder
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.load import check_files

from sheetkit import (LISTENING_HEADER, SheetSpec, call_form, listening_row, sheet_with_mistakes, stacked,
                      write_xlsx)


def _inputs(tmp_path):
    folder = tmp_path / "sheets"
    d = dt.date(2026, 11, 4)
    form = stacked(call_form("LY101", "王芳", d, "李娜", [5] * 10, total=100),
                   call_form("LY102", "赵磊", d, "李娜", [4] * 10, total=88))  # 2 × 40 = 80 recorded 88
    table = [listening_row(d, "张伟", 1005, "钱七", f"LY2{k:02d}", [5] * 9 + [3]) for k in range(4)]
    return [sheet_with_mistakes(folder),
            write_xlsx(folder / "二组-表单.xlsx", [SheetSpec("打分明细", form)]),
            write_xlsx(folder / "三组.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *table])])]


def _seen(checked):
    """What a user sees of a check: every finding (with its row) and the scored calls."""
    findings = [f.to_dict() | {"row": f.row} for f in checked.report.findings]
    layouts = [(s.file, s.sheet, s.layout_state()) for s in checked.sheets]
    return findings, layouts, checked.calls


def _same(a, b):
    assert a[0] == b[0] and a[1] == b[1]
    pd.testing.assert_frame_equal(a[2], b[2])


def test_a_second_read_comes_from_the_cache_and_is_the_same(tmp_path):
    rubric, paths = load_rubric("listening-10x4"), _inputs(tmp_path)
    fresh = _seen(check_files(rubric, paths))
    first = ReadCache.open(rubric)
    _same(_seen(check_files(rubric, paths, cache=first)), fresh)
    assert (first.hits, first.misses) == (0, 3)
    again = ReadCache.open(rubric)
    cached = _seen(check_files(rubric, paths, cache=again))
    assert (again.hits, again.misses) == (3, 0)
    _same(cached, fresh)
    # the findings a user acts on: G4 (服务态度 6), R5 (88 recorded, 78 computed), the form's 88 vs 80
    assert {(f["cell"], f["rule"]) for f in cached[0]} >= {("G4", "score.not_allowed"), ("R5", "total.mismatch")}
    form = next(layout for file, _, layout in cached[1] if file.endswith("表单.xlsx"))
    assert form["layout"] == "form" and len(form["blocks"]) == 2  # one block per call survives the cache


def test_a_changed_file_or_another_rubric_is_read_again(tmp_path):
    rubric, paths = load_rubric("listening-10x4"), _inputs(tmp_path)
    check_files(rubric, paths, cache=ReadCache.open(rubric))
    d = dt.date(2026, 11, 5)
    write_xlsx(paths[2], [SheetSpec("评分表", [LISTENING_HEADER, listening_row(d, "张伟", 1005, "钱七", "LY300",
                                                                           [5] * 10)])])
    kept = ReadCache.open(rubric)
    checked = check_files(rubric, paths, cache=kept)
    assert (kept.hits, kept.misses) == (2, 1)
    assert "LY300" in checked.calls["recording_id"].tolist()
    other = ReadCache.open(load_rubric("qc-v3.1"))
    check_files(load_rubric("qc-v3.1"), paths, cache=other)
    assert (other.hits, other.misses) == (0, 3)


def _entries() -> list[tuple[str, bytes, int, float]]:
    with sqlite3.connect(cache_folder() / DB_NAME) as con:
        return con.execute("SELECT key, body, size, used FROM reads ORDER BY used, key").fetchall()


def _set_body(key: str, body: bytes) -> None:
    with sqlite3.connect(cache_folder() / DB_NAME) as con:
        con.execute("UPDATE reads SET body = ? WHERE key = ?", (body, key))


def test_a_corrupt_or_forged_entry_is_ignored_and_the_file_read_again(tmp_path):
    rubric, paths = load_rubric("listening-10x4"), _inputs(tmp_path)
    fresh = _seen(check_files(rubric, paths))
    check_files(rubric, paths, cache=ReadCache.open(rubric))
    entries = _entries()
    assert len(entries) == 3 and all(json.loads(body)["format"] == FORMAT for _, body, _, _ in entries)
    docs = [json.loads(body) for _, body, _, _ in entries]
    _set_body(entries[0][0], entries[0][1][:100])  # truncated
    docs[1]["reads"][0]["data"]["row"] = ["x"] * len(docs[1]["reads"][0]["data"]["row"])  # not row numbers
    _set_body(entries[1][0], json.dumps(docs[1]).encode())
    docs[2]["reads"][0]["findings"].append(["no.such.rule", "error", "", "", "", "", None, None, {}])
    _set_body(entries[2][0], json.dumps(docs[2]).encode())
    kept = ReadCache.open(rubric)
    _same(_seen(check_files(rubric, paths, cache=kept)), fresh)
    assert (kept.hits, kept.misses) == (0, 3)
    healed = ReadCache.open(rubric)  # the bad entries were written again
    check_files(rubric, paths, cache=healed)
    assert (healed.hits, healed.misses) == (3, 0)


def test_a_cache_file_that_is_not_a_database_is_replaced(tmp_path):
    rubric, paths = load_rubric("listening-10x4"), _inputs(tmp_path)
    fresh = _seen(check_files(rubric, paths))
    cache_folder().mkdir(parents=True, exist_ok=True)
    (cache_folder() / DB_NAME).write_bytes(b"not a database at all" * 100)
    first = ReadCache.open(rubric)
    _same(_seen(check_files(rubric, paths, cache=first)), fresh)
    assert (first.hits, first.misses) == (0, 3)
    again = ReadCache.open(rubric)
    _same(_seen(check_files(rubric, paths, cache=again)), fresh)
    assert (again.hits, again.misses) == (3, 0)
    assert (cache_folder() / DB_NAME).stat().st_mode & 0o077 == 0  # the user's only


def test_the_cache_stays_under_its_bound_dropping_the_least_recently_used(tmp_path):
    rubric, paths = load_rubric("listening-10x4"), _inputs(tmp_path)
    check_files(rubric, paths[:1], cache=ReadCache.open(rubric))
    check_files(rubric, paths[1:], cache=ReadCache.open(rubric))
    oldest, *newer = _entries()
    kept = ReadCache.open(rubric)
    kept.save([], max_bytes=sum(size for _, _, size, _ in newer))
    assert [e[0] for e in _entries()] == [e[0] for e in newer]
    found = ReadCache.open(rubric)
    check_files(rubric, paths, cache=found)
    assert (found.hits, found.misses) == (2, 1)  # the first file's entry went


def test_the_entries_an_older_version_left_as_files_are_removed(tmp_path):
    rubric, paths = load_rubric("listening-10x4"), _inputs(tmp_path)
    cache_folder().mkdir(parents=True, exist_ok=True)
    old = cache_folder() / ("ab" * 32 + ".json")
    old.write_text("{}", "utf-8")
    mine = cache_folder() / "notes.json"  # not named as an entry: not ours to remove
    mine.write_text("{}", "utf-8")
    check_files(rubric, paths, cache=ReadCache.open(rubric))
    assert not old.exists() and mine.exists()


def test_no_cache_is_written_with_the_option_or_the_variable(tmp_path, monkeypatch):
    paths = _inputs(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    cmd = [sys.executable, "-m", "zhijian.cli.main", "consolidate", str(paths[0].parent), "--rubric",
           "listening-10x4", "-o", str(out / "a.xlsx"), "--json"]
    subprocess.run([*cmd, "--no-cache"], check=True, capture_output=True)
    assert not (cache_folder() / DB_NAME).exists()
    monkeypatch.setenv("ZHIJIAN_NO_CACHE", "1")
    assert ReadCache.open(load_rubric("listening-10x4")) is None
    subprocess.run(cmd, check=True, capture_output=True)
    assert not (cache_folder() / DB_NAME).exists()
    monkeypatch.delenv("ZHIJIAN_NO_CACHE")
    subprocess.run(cmd, check=True, capture_output=True)
    assert len(_entries()) == 3
