"""What a ledger rubric's 严重 offences cost on the 扣分凭单 and the 扣罚登记表 (engine/serious.py,
engine/penalties.py): the points the agent's ledger loses for that occurrence — escalated by the
agent's count within the window (earlier calls included), doubled on a complaint — not the
offence's fixed points; and the quarterly review counting every ledger month (engine/period_review.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from zhijian.engine.ledger import call_charges
from zhijian.engine.penalties import BASIS_ITEMS, vouchers
from zhijian.engine.serious import serious_cases
from zhijian.files.rubrics import parse_rubric

from ledgerkit import ESCALATING_SERIOUS as ESCALATING


def rubric():
    return parse_rubric(ESCALATING, "chat-escalating.yaml")


def calls(*rows) -> pd.DataFrame:
    """(agent, date, {offence: n}, {complaint: n}) -> the counted calls' columns."""
    recs = []
    for k, (agent, day, off, comp) in enumerate(rows):
        rec = {"agent_id": agent, "agent_name": agent, "team": "一组", "date": day, "recording_id": f"R{k}",
               "inspector": "王", "error_deduction": 0.0, "fatal_errors": 0, "final_score": 100.0,
               "call_score": 100.0}
        for o in ("v1", "v2"):
            rec[f"offence:{o}"] = off.get(o, 0)
            rec[f"complaint:{o}"] = comp.get(o, 0)
        recs.append(rec)
    return pd.DataFrame(recs)


SEPT = calls(("A1", dt.date(2026, 9, 20), {"v2": 1}, {}))  # the agent's 1st offence in the window
OCT = calls(("A1", dt.date(2026, 10, 5), {"v1": 1}, {"v1": 1}),  # 2nd in 90 days, with a complaint
            ("A1", dt.date(2026, 10, 9), {"v1": 1}, {}),  # 3rd
            ("B2", dt.date(2026, 10, 9), {"v1": 1}, {}))  # B2's 1st


def test_a_voucher_states_what_the_ledger_loses_for_the_occurrence():
    r = rubric()
    cases = serious_cases(r, OCT, SEPT)
    assert [c.recording_id for c in cases] == ["R0", "R1", "R2"]
    # R0: A1's 2nd offence within 90 days (September's 泄露隐私 counts: 15 days before) costs 30,
    # doubled on the complaint: 2 × 30 = 60 — not the offence's fixed 20 × 2 = 40
    # R1: the 3rd: 40; R2: B2's 1st: 20
    assert [c.items[0].lost for c in cases] == [60, 40, 20]
    assert [c.ledger_charge for c in cases] == [60, 40, 20]
    assert cases[0].items[0].describe() == "辱骂客户 1 次(90 天内第 2 次,加倍: 扣 60 分)"
    # a call of a ledger rubric has no score of its own: no 最终得分, its 本通扣分 instead
    assert cases[0].final_score is None and cases[0].score_cell == ("本通扣分", 60)
    vs = vouchers(r, OCT, history=SEPT)
    assert [(v.points, v.proposal.basis) for v in vs] == [(60, BASIS_ITEMS), (40, BASIS_ITEMS), (20, BASIS_ITEMS)]
    assert vs[0].proposal.rules[0] == ("辱骂客户(严重): 90 天内第 1…4 次分别扣 20/30/40/50 分,引起投诉时 ×2;"
                                       "本通为 90 天内第 2 次,加倍: 扣 60 分,计入坐席本月考核")


def test_without_the_earlier_month_the_count_starts_in_october():
    # The same October calls with no history: R0 is A1's 1st (20 × 2 = 40), R1 the 2nd (30)
    assert [c.ledger_charge for c in serious_cases(rubric(), OCT)] == [40, 30, 20]


def test_call_charges_cover_every_offence_of_the_call_not_only_the_serious_ones():
    r = rubric()
    two = calls(("A1", dt.date(2026, 10, 1), {"v1": 1, "v2": 1}, {}))
    # one call, 1st and 2nd offence of the agent (counted together, rubric order): 20 + 30 = 50
    (charged,) = call_charges(r, two)
    assert [(o.offence_id, o.count, o.points) for o in charged] == [("v1", 1, 20), ("v2", 2, 30)]
    (case,) = serious_cases(r, two)
    # the voucher's 严重 item is 辱骂客户 (20); the call's 本通扣分 is both (50)
    assert (case.items[0].lost, case.ledger_charge) == (20, 50)


def test_a_ledger_month_counts_in_the_quarter_whatever_its_number_of_calls():
    from zhijian.engine.columns import column_specs
    from zhijian.engine.loaded import Loaded
    from zhijian.engine.period_review import build_period_review
    from zhijian.engine.periods import parse_period
    from zhijian.engine.reader import Grid
    from zhijian.engine.validate import check_grids
    from zhijian.files.rubrics import load_rubric

    r = load_rubric("deduction-base100")
    rules = [s for s in column_specs(r) if s.kind in ("offence", "complaint")]  # every 条款's columns
    rows = [["日期", "质检员", "工号", "姓名", "班组", "录音编号", *(s.header for s in rules)]]
    keys = [s.key for s in rules]
    # A1, default min_calls 5: October 3 calls, one 不耐烦 (10): 100 − 10 = 90;
    # November 6 calls, none: 100; December 2 calls, one 提前挂机 with a complaint: 100 − 2 × 6 = 88
    plan = {10: [(1, 0, 0), (0, 0, 0), (0, 0, 0)], 11: [(0, 0, 0)] * 6, 12: [(0, 1, 1), (0, 0, 0)]}
    for month, offences in plan.items():
        for k, (o01, o08, c08) in enumerate(offences):
            counts = {"offence:o01": o01, "offence:o08": o08, "complaint:o08": c08}
            rows.append([dt.date(2026, month, 2 + k), "王", "A1", "甲", "一组", f"R{month}{k}",
                         *(counts.get(key, 0) for key in keys)])
    checked = check_grids(r, [Grid("q4.xlsx", "评分表", rows)])
    assert not [f for f in checked.report.findings if f.severity == "error"]
    review = build_period_review(r, Loaded(checked.calls, [], []), "quarter", parse_period("2026-Q4"))
    a = review.agents.set_index("工号").loc["A1"]
    # every month counts (3 and 2 calls too): (90 + 100 + 88) / 3 = 92.667, not November's 100 alone
    assert (a["10月"], a["11月"], a["12月"]) == (90, 100, 88)
    assert a["考核月数"] == 3 and a["期间评分"] == pytest.approx(278 / 3)
    from zhijian.reports.period_review_workbook import rules_text

    assert "不受通数限制" in rules_text(review)[0]  # the 考核概览 says so


def test_the_daily_log_of_a_ledger_rubric_lists_the_calls_that_cost_most(tmp_path):
    import openpyxl

    from zhijian.engine.columns import column_specs
    from zhijian.engine.daily import build_daily
    from zhijian.engine.loaded import Loaded
    from zhijian.engine.reader import Grid
    from zhijian.engine.validate import check_grids
    from zhijian.reports.daily_workbook import write_daily_workbook

    r = rubric()
    rules = [s for s in column_specs(r) if s.kind in ("offence", "complaint")]
    rows = [["日期", "质检员", "工号", "姓名", "班组", "录音编号", *(s.header for s in rules)]]
    plan = [(dt.date(2026, 9, 20), "A1", "S1", {"offence:v2": 1}),  # A1's 1st in the window
            (dt.date(2026, 10, 5), "B2", "R1", {"offence:v2": 1}),  # B2's 1st: 20
            (dt.date(2026, 10, 5), "A1", "R2", {"offence:v1": 1, "complaint:v1": 1}),  # A1's 2nd, doubled: 60
            (dt.date(2026, 10, 5), "A1", "R3", {})]  # 0
    for day, agent, rid, counts in plan:
        rows.append([day, "王", agent, agent, "一组", rid, *(counts.get(s.key, 0) for s in rules)])
    checked = check_grids(r, [Grid("d.xlsx", "评分表", rows)])
    rep = build_daily(r, Loaded(checked.calls, [], []), dt.date(2026, 10, 5))
    assert [(c["recording_id"], c["charge"], c["final_score"]) for c in rep.lowest] == \
        [("R2", 60, None), ("R1", 20, None), ("R3", 0, None)]
    assert [(c.recording_id, c.score_cell) for c in rep.serious] == [("R2", ("本通扣分", 60))]
    path = write_daily_workbook(rep, tmp_path / "log.xlsx")
    cells = [c.value for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for c in row]
    assert "本通扣分" in cells and "最终得分" not in cells


def test_the_weekly_feedback_of_a_ledger_rubric_shows_the_period_score_and_the_costliest_calls():
    from zhijian.engine.columns import column_specs
    from zhijian.engine.loaded import Loaded
    from zhijian.engine.periods import parse_period
    from zhijian.engine.reader import Grid
    from zhijian.engine.validate import check_grids
    from zhijian.engine.weekly import build_weekly

    r = rubric()
    rules = [s for s in column_specs(r) if s.kind in ("offence", "complaint")]
    rows = [["日期", "质检员", "工号", "姓名", "班组", "录音编号", "备注", *(s.header for s in rules)]]
    # 2026-W41 is 10-05 … 10-11; A1 on Monday 10-05: a 泄露隐私 (1st: 20), then a 辱骂客户 with a
    # complaint (2nd: 2 × 30 = 60), and a clean call
    plan = [("R1", "泄露", {"offence:v2": 1}), ("R2", "辱骂", {"offence:v1": 1, "complaint:v1": 1}), ("R3", "", {})]
    for rid, remark, counts in plan:
        rows.append([dt.date(2026, 10, 5), "王", "A1", "甲", "一组", rid, remark, *(counts.get(s.key, 0) for s in rules)])
    checked = check_grids(r, [Grid("w.xlsx", "评分表", rows)])
    rep = build_weekly(r, Loaded(checked.calls, [], []), parse_period("2026-W41"))
    (fb,) = rep.agent_feedback.to_dict("records")
    # the October ledger so far: 100 − 20 − 60 = 20; no call score, so no 最低分
    assert fb["平均分"] == 20 and fb["最低分"] != fb["最低分"]
    assert fb["最低分录音的质检员备注"].split("\n") == ["王(10-05,扣60分): 辱骂", "王(10-05,扣20分): 泄露"]
