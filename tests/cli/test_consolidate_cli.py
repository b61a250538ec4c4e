"""`zhijian consolidate` as a QA lead runs it over a folder of inspectors' sheets."""

import datetime as dt
import hashlib
import json

import pytest

from readback import read_back_figures
from clikit import run
from zhijian.pipeline.demo import generate_month, write_sheet
from zhijian.files.rubrics import load_rubric
from zhijian.engine.scoring import CallRecord, score_call


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """8–16 October 2026 by 3 inspectors, a lock file and a note that are not sheets,
    and one sheet with a score of 6 (its row is excluded)."""
    rubric = load_rubric("listening-10x4")
    month, _ = generate_month(rubric, "2026-10", seed=5)
    month = month[month["date"] <= dt.date(2026, 10, 16)]
    d = tmp_path_factory.mktemp("sheets")
    for (day, inspector), g in month.groupby(["date", "inspector"]):
        rows = [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                for r in g.to_dict("records")]
        for r in rows:
            items = {it.name: r[it.name] if isinstance(r[it.name], int) else None for it in rubric.items}
            r["total"] = score_call(rubric, CallRecord(items=items, error_deduction=r["error_deduction"] or 0,
                                                       fatal_errors=r["fatal_errors"] or 0)).final_score
        if day == dt.date(2026, 10, 14) and inspector == "王丽":
            rows[0]["服务态度"] = 6
        write_sheet(rubric, d / f"{day:%Y-%m-%d}_{hash(inspector) % 1000:03d}.xlsx", "评分表", rows)
    (d / "~$2026-10-08_lock.xlsx").write_bytes(b"lock")
    (d / "说明.txt").write_text("不是评分表", encoding="utf-8")
    return d


def test_json_figures_equal_the_workbook(folder, tmp_path):
    out = tmp_path / "分析表.xlsx"
    r = run("consolidate", folder, "--rubric", "listening-10x4", "--period", "week", "--date", "2026-10-14",
            "-o", out, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output[r.output.index("{"):])
    # Week 42 = 12–18 October: 5 working days × 20 agents × 5 calls, and this week's calibration
    # recordings, each counted once; the row with the 6 is excluded.
    assert data["excluded_rows"] == 1
    assert data["n"] == 5 * 20 * 5 - 1
    acc = data["accounting"]
    assert acc["holds"] and acc["rows_read"] == sum(acc[k] for k in ("counted", "excluded", "outside_period",
                                                                       "duplicates", "calibration_copies"))
    assert acc["counted"] == data["n"] and acc["outside_period"] > 0  # 8–9 October are in week 41
    assert [d["date"] for d in data["days"]] == [f"2026-10-{d:02d}" for d in (12, 13, 14, 15, 16)]
    back = read_back_figures(out)
    for key, value in back.items():
        assert value == data[key], key


def test_skips_lock_files_and_non_workbooks_with_a_note(folder, tmp_path):
    r = run("consolidate", folder, "--rubric", "listening-10x4", "-o", tmp_path / "a.xlsx")
    assert r.exit_code == 0
    assert "跳过 Excel 锁文件" in r.output and "跳过非工作簿文件" in r.output
    assert "校验错误 1" in r.output and "未提供人员名单" in r.output


def test_without_date_takes_the_latest_period(folder, tmp_path):
    r = run("consolidate", folder, "--rubric", "listening-10x4", "--period", "day", "-o", tmp_path / "d.xlsx",
            "--json")
    data = json.loads(r.output[r.output.index("{"):])
    assert [d["date"] for d in data["days"]] == ["2026-10-16"]


def test_sources_are_not_modified_and_rerun_is_identical(folder, tmp_path):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    run("consolidate", folder, "--rubric", "listening-10x4", "-o", tmp_path / "1.xlsx")
    run("consolidate", folder, "--rubric", "listening-10x4", "-o", tmp_path / "2.xlsx")
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert before == after
    assert (tmp_path / "1.xlsx").read_bytes() == (tmp_path / "2.xlsx").read_bytes()


def test_a_folder_with_no_sheets_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    r = run("consolidate", tmp_path / "empty", "--rubric", "listening-10x4", "-o", tmp_path / "x.xlsx")
    assert r.exit_code == 2
    assert "没有找到可读取的评分表文件" in r.output and "Traceback" not in r.output
