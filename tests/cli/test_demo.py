"""`zhijian demo` as the README's first command runs it."""

import json

import openpyxl
import pandas as pd
from click.testing import CliRunner

from zhijian.cli.main import cli

PLANTED = {"score.not_allowed", "score.missing", "recording.duplicate", "date.out_of_period",
           "total.mismatch", "agent.unknown", "error_deduction.invalid"}


def test_demo_leaves_its_files_and_finds_exactly_the_planted_mistakes(tmp_path):
    out = tmp_path / "zhijian-demo"
    r = CliRunner().invoke(cli, ["demo", "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output)
    # October 2026 has 18 working days (1–7 October is the National Day holiday; Saturday
    # 10 October is an adjusted working day): 3 inspectors × 18 = 54 daily sheets;
    # 20 agents × 5 calls × 18 days = 1,800 calls, plus the one pasted twice, plus the calibration
    # copies: 4 ISO weeks hold those days, 2 recordings a week re-scored by 2 other inspectors = 16.
    assert summary["files"] == 54
    assert summary["calls"] == 1817
    assert summary["findings_by_rule"] == {rule: 1 for rule in PLANTED}
    # Each error excludes its own row (the duplicate's first copy still counts); the hand-typed
    # wrong total is a warning: that row counts, at the engine's score.
    assert summary["valid_calls"] == 1817 - (len(PLANTED) - 1)
    for name in ("roster.xlsx", "validation.json", "scored_calls.csv"):
        assert (out / name).is_file(), name
    assert len(list((out / "sheets").glob("*.xlsx"))) == 54
    assert len(list((out / "checked").glob("*.xlsx"))) == len(PLANTED)
    detail = pd.read_csv(out / "scored_calls.csv")
    assert len(detail) == 1817
    # The rows that cannot be scored (服务态度 6, a blank 业务能力, 差错扣分 15) have no score at all.
    assert detail["final_score"].isna().sum() == 3
    assert detail["final_score"].dropna().between(0, 100).all()
    # The month's 服务质量分析表, with the demo's roster: every row read accounted for.
    #   1,817 read = counted + 3 errors (the three above) + 1 outside October + 1 duplicate
    #                + 16 calibration copies + 1 unknown agent (A099)
    analysis = summary["analysis"]
    assert analysis["accounting"] == {
        "rows_read": 1817, "counted": 1817 - 3 - 1 - 1 - 16 - 1, "excluded": 3, "outside_period": 1,
        "duplicates": 1, "calibration_copies": 16, "unknown_agents": 1, "roster_checked": True, "holds": True,
        "unreadable_inputs": []}
    assert analysis["n"] == 1795 and analysis["excluded_rows"] == 3
    assert (out / "服务质量分析表_2026-10.xlsx").is_file()
    # The appeals register: one of each outcome, applied to the reports.
    assert summary["appeals"] == {"改判": 1, "维持原判": 1, "逾期": 1, "待处理": 1}
    for name in ("appeals.xlsx", "质检周报_2026-W42.xlsx", "质检月报_2026-10.xlsx", "质检周报_2026-W42.eml",
                 "扣罚登记表_2026-10.xlsx"):
        assert (out / name).is_file(), name
    assert len(list((out / "sheets-2026-09").glob("*.xlsx"))) == 3 * 22  # September: 22 working days
    # One day's package (Wednesday 14 October) and drafts of its two e-mails.
    day = out / "质检日报_2026-10-14"
    assert sorted(p.name for p in day.iterdir()) == sorted([
        "质检日志_2026-10-14.xlsx", "扣分凭单_2026-10-14.xlsx", "质检监听评分表_2026-10-14.zip",
        "质检日报_2026-10-14.eml", "班前会点评_2026-10-14.eml"])
    daily = summary["daily"]
    assert daily["missing_inspectors"] == ["赵敏"]  # on the roster's 质检员 sheet, no sheets all month
    assert len(daily["briefing"]) == 3 and daily["serious"] == sum(daily["vouchers"].values())
    # Serious on listening-10x4 (its ten items 一般) are the calls with a 差错扣分 or a fatal error:
    # counted in scored_calls.csv (first scorings, dated October, roster agents, no error), 3 of the
    # 98 calls of the 14th (差错扣分 5, 5, 2) and 55 in October (50 差错扣分, 5 fatal errors, none both).
    assert daily["serious"] == 3
    # The month's 扣罚登记表: three of the four appeals are on calls with a 差错扣分 — the upheld one
    # withdraws it (更正:差错扣分 0: 已撤销), the rejected one confirms it (已确认), the one waiting for
    # arbitration is 申诉中; the late one is on a 业务能力 score (no voucher). 55 − 3 = 52 待确认.
    assert summary["penalties"] == {"待确认": 52, "已确认": 1, "申诉中": 1, "已撤销": 1}
    # The daily sheets come from 抽检计划 over the day's call list (calls/, plans/, one per working day).
    assert summary["plans"] == 18
    assert len(list((out / "calls").glob("*.csv"))) == 18 and len(list((out / "plans").glob("*.xlsx"))) == 18
    # The history store holds both months; the quarter's 季度质检考核表 is read from it.
    status = json.loads(CliRunner().invoke(cli, ["history", "status", "--store", str(out / "zhijian.duckdb"),
                                                 "--json"]).output)
    assert [(m["month"], m["rows"]) for m in status["months"]] == [("2026-09", 2220), ("2026-10", 1816),
                                                                   ("2026-11", 1)]
    assert status["appeals"] == 4
    assert (out / "季度质检考核表_2026-Q4.xlsx").is_file() and (out / "complaints.xlsx").is_file()
    # The 综合考核表 from the KPI sheet it generates: one 满意度 left blank is a blank total.
    import openpyxl
    ws = openpyxl.load_workbook(out / "综合考核表_2026-10.xlsx", read_only=True)["综合考核表"]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[1]]
    assert len(rows) == 21 and sum(r[-4] is None for r in rows) == 2  # A008 (满意度) and A099 (no KPI row)


def plan_sheet(path):
    return [r for r in openpyxl.load_workbook(path)["抽检计划"].iter_rows(min_row=4, values_only=True) if r[0]]


def test_demo_sheets_hold_the_plan_that_zhijian_sample_makes_from_the_call_list(tmp_path):
    out = tmp_path / "zhijian-demo"
    assert CliRunner().invoke(cli, ["demo", "--out", str(out)]).exit_code == 0
    day = "2026-10-20"
    r = CliRunner().invoke(cli, ["sample", str(out / "calls" / f"通话记录_{day}.csv"), "--date", day,
                                 "--rubric", "listening-10x4", "--roster", str(out / "roster.xlsx"),
                                 "-o", str(tmp_path / "again")])
    assert r.exit_code == 0, r.output
    plan = plan_sheet(out / "plans" / f"抽检计划_{day}.xlsx")
    assert plan == plan_sheet(tmp_path / "again" / f"抽检计划_{day}.xlsx")
    assert len(plan) == 100  # 20 agents × 5
    for name, pinyin in (("王丽", "wangli"), ("陈静", "chenjing"), ("刘洋", "liuyang")):
        ws = openpyxl.load_workbook(out / "sheets" / f"{day}_{pinyin}.xlsx")["评分表"]
        scored = [r[5] for r in ws.iter_rows(min_row=4, values_only=True) if r[5]]
        planned = [r[6] for r in plan if r[1] == name]
        # The inspector's sheet holds the plan's recordings in its order, and the calibration copies.
        assert [x for x in scored if x in set(planned)] == planned


def test_demo_ranks_only_roster_agents_and_lists_every_row_left_out(tmp_path):
    import openpyxl

    out = tmp_path / "d"
    assert CliRunner().invoke(cli, ["demo", "--out", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(out / "质检月报_2026-10.xlsx", read_only=True)
    rows = [r for r in wb["质检考核统计表"].iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r and r[0] == "排名")
    ranked = [r[1] for r in rows[head + 1:] if r and isinstance(r[0], int)]
    roster = {f"A{i:03d}" for i in range(1, 21)}
    assert sorted(ranked) == sorted(roster)  # the 20 agents of the roster, A099 not among them
    below = [r for r in rows[head + 1:] if r and r[0] == "A099"]
    assert below == [("A099", 1) + (None,) * (len(below[0]) - 2)]  # listed apart, with its call
    # 排除与重复: one line per row left out, with its reason (the row outside October only counted).
    ex = [r for r in wb["排除与重复"].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(ex) if r and r[0] == "原因")
    reasons = []
    for r in ex[start + 1:]:
        if not r or r[0] is None:
            break
        reasons.append(r[0])
    assert sorted(reasons) == sorted(["校验错误"] * 3 + ["重复录音"] + ["校正副本"] * 16 + ["名单外工号"])


def test_demo_is_deterministic(tmp_path):
    a = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "a"), "--json"])
    b = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "b"), "--json"])
    da, db = json.loads(a.output), json.loads(b.output)
    for d in (da, db):
        d.pop("out_dir"), d.pop("written")
    assert da == db
    ca = (tmp_path / "a" / "scored_calls.csv").read_text(encoding="utf-8-sig")
    cb = (tmp_path / "b" / "scored_calls.csv").read_text(encoding="utf-8-sig")
    assert ca == cb


def test_demo_prints_a_short_summary_in_chinese(tmp_path):
    r = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "d")])
    assert r.exit_code == 0
    assert "评分表 54 个文件,共 1817 通录音评分" in r.output
    assert "服务质量分析表 2026年10月" in r.output
    assert "平均最终得分" in r.output
