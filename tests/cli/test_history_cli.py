"""The history store from the command line, on the demo's two months (September, and October
with its planted mistakes and its appeals): the quarter and the year read from the store give,
month by month, exactly what `consolidate --period month` gives on that month's sheets."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from zhijian.cli.main import cli
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.demo import write_demo_appeals, write_month
from zhijian.pipeline.load import load_calls

R = "listening-10x4"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    rubric = load_rubric(R)
    write_month(rubric, "2026-10", 20261022, root / "sheets", plant_errors=True)
    write_month(rubric, "2026-09", 20261022 - 100, root / "sheets-2026-09", plant_errors=False)
    write_demo_appeals(rubric, load_calls(rubric, [str(root / "sheets")]).calls, root / "appeals.xlsx")
    return root


def run(*args, env=None):
    r = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    return r


def data(r):
    assert r.exit_code == 0, r.output
    out = r.output
    return json.loads(out[out.index("{"):])


@pytest.fixture(scope="module")
def store(demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "zhijian.duckdb"
    r = run("history", "import", demo / "sheets-2026-09", "--rubric", R, "--store", path, "--json")
    assert data(r)["counts"] == {"新增": 66}
    r = run("history", "import", demo / "sheets", "--rubric", R, "--appeals", demo / "appeals.xlsx",
            "--store", path, "--json")
    assert data(r)["counts"] == {"新增": 54}
    return path


def consolidated(demo, folder, month, *extra):
    d = data(run("consolidate", demo / folder, "--rubric", R, "--period", "month", "--date", f"{month}-01",
                 "-o", demo / f"analysis-{month}.xlsx", "--json", *extra))
    d.pop("output")
    return d


def test_the_year_from_the_store_equals_each_months_consolidation(demo, store, tmp_path):
    year = data(run("yearly", "--rubric", R, "--year", "2026", "--store", store, "-o", tmp_path / "y.xlsx", "--json"))
    months = {m["month"]: m for m in year["months"]}
    for month, folder, extra in (("2026-09", "sheets-2026-09", ()),
                                 ("2026-10", "sheets", ("--appeals", demo / "appeals.xlsx"))):
        expected = consolidated(demo, folder, month, *extra)
        got = {k: v for k, v in months[month].items() if k not in ("month", "agents")}
        # The month's account from the store counts that month's rows; consolidate counts every row
        # of the folder (a row dated in another month is outside its period): the other terms agree.
        acc, ref = got.pop("accounting"), expected.pop("accounting")
        assert acc["holds"] and ref["holds"]
        assert acc["rows_read"] - ref["rows_read"] == acc["outside_period"] - ref["outside_period"]
        for term in ("counted", "excluded", "duplicates", "calibration_copies", "unknown_agents"):
            assert acc[term] == ref[term], (month, term)
        assert got == expected, month
        # Each agent's 月度评分 is the 质检月报's.
        monthly = data(run("monthly", demo / folder, "--rubric", R, "--month", month, *extra,
                           "-o", tmp_path / f"m-{month}.xlsx", "--json"))
        assert months[month]["agents"] == {a["agent_id"]: a["monthly_score"] for a in monthly["agents"]}
        assert {a["agent_id"]: a["monthly_scores"][month] for a in year["agents"]
                if a["monthly_scores"][month] is not None} == months[month]["agents"]
    assert year["assessed_months"] == ["2026-09", "2026-10"]
    # The wrong-month row planted in October's sheets is a November call, on its own.
    assert months["2026-11"]["n"] == 1


def test_the_quarter_from_the_store_equals_the_quarter_from_the_sheets(demo, store, tmp_path):
    from_store = data(run("quarterly", "--rubric", R, "--quarter", "2026-Q4", "--store", store,
                          "-o", tmp_path / "q.xlsx", "--json"))
    from_sheets = data(run("quarterly", demo / "sheets", "--rubric", R, "--quarter", "2026-Q4",
                           "--appeals", demo / "appeals.xlsx", "-o", tmp_path / "q2.xlsx", "--json"))
    for d in (from_store, from_sheets):
        d.pop("output")
    assert from_store == from_sheets
    assert [m["month"] for m in from_store["months"]] == ["2026-10", "2026-11", "2026-12"]
    assert len(from_store["stars"]) == 3
    import openpyxl
    wb = openpyxl.load_workbook(tmp_path / "q.xlsx", read_only=True)
    assert wb.sheetnames[:5] == ["考核概览", "季度质检考核表", "服务质量分析(月度)", "评分项趋势", "班组"]


def test_reimporting_is_idempotent_and_status_lists_the_months(demo, store):
    r = run("history", "import", demo / "sheets", "--rubric", R, "--store", store, "--json")
    assert data(r)["counts"] == {"未变": 54}
    status = data(run("history", "status", "--store", store, "--json"))
    assert [(m["month"], m["rows"], m["files"]) for m in status["months"]] == \
        [("2026-09", 2220, 66), ("2026-10", 1816, 54), ("2026-11", 1, 1)]
    assert status["superseded_rows"] == 0 and status["appeals"] == 4
    assert [(x["rubric_id"], x["rows"]) for x in status["rubrics"]] == [(R, 4037)]
    r = run("history", "status", "--store", store)
    assert "2026-10" in r.output and "listening-10x4" in r.output


def test_monthly_takes_the_previous_month_from_the_store(demo, store, tmp_path):
    from_sheets = data(run("monthly", demo / "sheets", "--rubric", R, "--month", "2026-10",
                           "--previous", demo / "sheets-2026-09", "-o", tmp_path / "a.xlsx", "--json"))
    from_store = data(run("monthly", demo / "sheets", "--rubric", R, "--month", "2026-10", "--store", store,
                          "-o", tmp_path / "b.xlsx", "--json"))
    for d in (from_sheets, from_store):
        d.pop("output")
    assert from_store == from_sheets
    assert from_store["previous"]["n"] == 2200


def test_consolidate_adds_what_it_reads_to_the_configured_store(demo, tmp_path):
    path = tmp_path / "env.duckdb"
    env = {"ZHIJIAN_STORE": str(path)}
    r = run("consolidate", demo / "sheets-2026-09", "--rubric", R, "-o", tmp_path / "a.xlsx", env=env)
    assert r.exit_code == 0 and "新增 66 个文件" in r.output
    r = run("weekly", demo / "sheets-2026-09", "--rubric", R, "-o", tmp_path / "w.xlsx", env=env)
    assert r.exit_code == 0 and "未变 66 个文件" in r.output
    assert data(run("history", "status", "--json", env=env))["rows"] == 2220


def test_usage_errors_are_one_chinese_line_and_exit_2(tmp_path):
    r = run("quarterly", "--rubric", R, "-o", tmp_path / "q.xlsx", env={"ZHIJIAN_STORE": ""})
    assert r.exit_code == 2 and "没有配置历史库" in r.output
    r = run("quarterly", "--rubric", R, "--quarter", "2026-13", "--store", tmp_path / "z.duckdb",
            "-o", tmp_path / "q.xlsx")
    assert r.exit_code == 2 and "无法识别的季度" in r.output
    r = run("history", "status", "--store", tmp_path / "missing.duckdb")
    assert r.exit_code == 2 and "历史库不存在" in r.output
    r = run("history", "status", env={"ZHIJIAN_STORE": ""})
    assert r.exit_code == 2 and "--store" in r.output
    assert "Traceback" not in r.output


def test_monthly_and_quarterly_get_the_complaints_and_test_calls_sheet(demo, store, tmp_path):
    import datetime as dt

    import openpyxl

    register = tmp_path / "登记表.xlsx"
    r = run("complaints", "template", "-o", register)
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(register)
    rows = [[dt.date(2026, 9, 28), "T1", "太原", "一组", "A001", "", "投诉", "集团", "是", "服务类"],
            [dt.date(2026, 10, 9), "T2", "太原", "一组", "A002", "", "投诉", "客户", "否", None,
             dt.datetime(2026, 10, 9, 9), dt.datetime(2026, 10, 9, 12)],
            [dt.date(2026, 10, 12), "T3", "晋中", "二组", "A011", "", "表扬", "客户", "是"]]
    for i, values in enumerate(rows, start=3):
        for c, v in enumerate(values, start=1):
            wb["投诉表扬登记表"].cell(i, c, v)
    for c, v in enumerate([dt.date(2026, 10, 13), "B1", "", "移网", "A003", "", 12, 15, 1], start=1):
        wb["总部拨测登记表"].cell(3, c, v)
    wb.save(register)
    d = data(run("complaints", "check", register, "--month", "2026-10", "--json"))
    assert d["complaints"]["complaints"] == 1 and d["complaints"]["rechecks"]["超时"] == 1
    assert [m["投诉工单"] for m in d["months"]] == [1, 1]  # September, October
    monthly = data(run("monthly", demo / "sheets", "--rubric", R, "--month", "2026-10", "--complaints", register,
                       "-o", tmp_path / "m.xlsx", "--json"))
    assert monthly["complaints"]["complaints"]["praise"] == 1
    assert monthly["complaints"]["hq_calls"]["fatal_errors"] == 1
    assert "投诉表扬与拨测" in openpyxl.load_workbook(tmp_path / "m.xlsx", read_only=True).sheetnames
    q = data(run("quarterly", "--rubric", R, "--quarter", "2026-Q4", "--store", store, "--complaints", register,
                 "-o", tmp_path / "q.xlsx", "--json"))
    assert [m["投诉工单"] for m in q["complaints"]["months"]] == [1, 0, 0]
    assert "投诉表扬与拨测" in openpyxl.load_workbook(tmp_path / "q.xlsx", read_only=True).sheetnames
    audit = data(run("audit", tmp_path / "m.xlsx", demo / "sheets", "--json"))
    assert audit["identical"], audit


def test_assess_the_month_from_the_store_with_a_kpi_sheet(demo, store, tmp_path):
    import openpyxl

    config = tmp_path / "考核.yaml"
    r = run("assess", "--example")
    assert r.exit_code == 0
    config.write_text(r.output, encoding="utf-8")
    kpi = tmp_path / "kpi.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工号", "姓名", "满意度", "首次解决率", "投诉次数", "工单检查得分", "神秘顾客得分"])
    ws.append(["A001", "", "98%", 0.9, 0, 100, 100])  # every KPI at its target: 100 each
    ws.append(["A002", "", None, 0.9, 0, 100, 100])  # 满意度 not delivered: a finding, no total
    wb.save(kpi)
    monthly = data(run("monthly", demo / "sheets", "--rubric", R, "--month", "2026-10", "-o", tmp_path / "m.xlsx",
                       "--json"))
    quality = {a["agent_id"]: a["monthly_score"] for a in monthly["agents"]}
    r = run("assess", "--rubric", R, "--month", "2026-10", "--config", config, "--kpi", kpi, "--store", store,
            "-o", tmp_path / "综合考核表.xlsx", "--json")
    assert r.exit_code == 1  # findings: missing values
    d = json.loads(r.output[r.output.index("{"):])
    a1 = next(a for a in d["agents"] if a["agent_id"] == "A001")
    # 40 % of the 月度评分 (as the 质检月报) + 60 % at 100.
    assert a1["components"]["质检得分"]["value"] == quality["A001"]
    assert a1["total"] == pytest.approx(0.4 * quality["A001"] + 60, abs=1e-5)
    a2 = next(a for a in d["agents"] if a["agent_id"] == "A002")
    assert a2["total"] is None and a2["rank"] is None and a2["missing"] == ["满意度"]
    # Agents with calls but no KPI row are listed, with every KPI missing.
    assert d["complete"] == 1 and len(d["agents"]) == 21
    r = run("assess", "--rubric", R, "--month", "2026-10", "--config", tmp_path / "无.yaml", "--kpi", kpi,
            "--store", store, "-o", tmp_path / "x.xlsx")
    assert r.exit_code == 2 and "找不到考核配置文件" in r.output


def test_the_daily_package_adds_its_sheets_and_reports_get_default_names(demo, tmp_path, monkeypatch):
    path = tmp_path / "daily.duckdb"
    r = run("daily", demo / "sheets-2026-09", "--rubric", R, "--date", "2026-09-15", "--store", path,
            "-o", tmp_path / "日报")
    assert r.exit_code == 0, r.output
    assert data(run("history", "status", "--store", path, "--json"))["rows"] == 2220
    monkeypatch.chdir(tmp_path)
    r = run("quarterly", "--rubric", R, "--store", path)  # the latest quarter of the store: 2026-Q3
    assert r.exit_code == 0, r.output
    assert (tmp_path / "季度质检考核表_2026-Q3.xlsx").is_file()
    r = run("yearly", "--rubric", R, "--store", path, "-o", tmp_path / "日报")
    assert (tmp_path / "日报" / "年度质检考核表_2026.xlsx").is_file()


def test_the_quarter_from_the_store_keeps_the_appeals_registers_findings(demo, store, tmp_path):
    # The register applied at import refused one appeal as late (appeal.late, a warning at its row).
    # Before, the store kept the outcomes but not the register's findings: the store-based 排除与重复
    # lacked the warning, and auditing the report against the sheets found 14 differences.
    import openpyxl

    out = tmp_path / "q.xlsx"
    assert run("quarterly", "--rubric", R, "--quarter", "2026-Q4", "--store", store, "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out, read_only=True)["排除与重复"]
    late = [row[:5] for row in ws.iter_rows(values_only=True) if "appeal.late" in row]
    assert late == [("警告", "appeal.late", "appeals.xlsx", "申诉登记表", "A5")]
    audit = run("audit", out, demo / "sheets", "--json")
    assert audit.exit_code == 0 and json.loads(audit.stdout)["identical"], audit.output
