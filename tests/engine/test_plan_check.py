"""The monthly 轮回抽检 check against the plans (engine/plan_check.py), on a hand-made fortnight."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from zhijian.engine.periods import parse_period
from zhijian.engine.plan_check import check_plans, read_plan_grid
from zhijian.engine.reader import Grid

D1, D2, D3 = dt.date(2026, 10, 12), dt.date(2026, 10, 13), dt.date(2026, 10, 14)


def planned(rows) -> pd.DataFrame:
    return pd.DataFrame([{"date": d, "inspector": i, "round": r, "agent_id": a, "recording_id": rid,
                          "file": "plan.xlsx"} for d, i, r, a, rid in rows])


def scored(rows) -> pd.DataFrame:
    return pd.DataFrame([{"date": d, "inspector": i, "agent_id": a, "recording_id": rid, "file": "s.xlsx", "row": n}
                         for n, (d, i, a, rid) in enumerate(rows, start=4)])


PLAN = planned([(D1, "王丽", 1, "A01", "R1"), (D1, "王丽", 2, "A01", "R2"), (D1, "陈静", 1, "A02", "R3"),
                (D1, "陈静", 2, "A02", "R4"), (D2, "王丽", 1, "A01", "R5")])


def test_scored_against_planned_per_inspector():
    done = scored([(D1, "王丽", "A01", "R1"), (D1, "王丽", "A01", "R2"),  # as planned
                   (D1, "王丽", "A01", "R1"),                             # the same recording twice: once
                   (D1, "陈静", "A01", "R1"),                             # calibration of 王丽's R1
                   (D1, "陈静", "A02", "R3"),                             # as planned
                   (D1, "陈静", "A02", "R9"),                             # in no plan
                   (D2, "陈静", "A01", "R5"),                             # 王丽's call, scored by 陈静 only
                   (D3, "王丽", "A01", "R7")])                            # a day without a plan: not checked
    check = check_plans(PLAN, done, parse_period("2026-10"))
    assert check.days == [D1, D2]
    assert check.by_inspector.to_dict("records") == [
        {"质检员": "王丽", "计划通数": 3, "按计划评分": 2, "计划未评": 1, "计划外评分": 0, "校正录音": 0, "完成率": 2 / 3},
        {"质检员": "陈静", "计划通数": 2, "按计划评分": 1, "计划未评": 1, "计划外评分": 2, "校正录音": 1, "完成率": 0.5}]
    assert check.unplanned[["日期", "质检员", "录音编号", "说明"]].values.tolist() == [
        [D1, "陈静", "R9", "不在抽检计划中"], [D2, "陈静", "R5", "计划给王丽"]]
    assert check.unscored[["日期", "质检员", "轮次", "录音编号", "说明"]].values.tolist() == [
        [D1, "陈静", 2, "R4", ""], [D2, "王丽", 1, "R5", "由陈静评分"]]
    d = check.to_dict()
    assert d["inspectors"][1] == {"inspector": "陈静", "planned": 2, "scored_as_planned": 1, "never_scored": 1,
                                  "unplanned": 2, "calibration": 1, "completion": 0.5}


def test_a_month_without_plans_says_so():
    check = check_plans(PLAN, scored([(D1, "王丽", "A01", "R1")]), parse_period("2026-11"))
    assert check.days == [] and check.notes == ["没有 2026-11-01 至 2026-11-30 的抽检计划"]
    assert check.by_inspector.empty and check.unplanned.empty


def test_a_plan_sheet_is_read_back_and_other_sheets_are_not():
    rows = [["抽检计划 2026-10-12"], ["日期", "质检员", "轮次", "坐席工号", "坐席姓名", "录音编号"],
            [dt.datetime(2026, 10, 12), "王丽", 1.0, "A01", "张三", "R1"], [None, None, None, None, None, None]]
    got = read_plan_grid(Grid("p.xlsx", "抽检计划", rows))
    assert got[["date", "inspector", "round", "agent_id", "recording_id"]].values.tolist() == [[D1, "王丽", 1, "A01", "R1"]]
    assert read_plan_grid(Grid("p.xlsx", "坐席抽检数", rows)) is None
