"""`zhijian assess`'s 质检得分 on a ledger rubric (pipeline/assess.py `month_scores`): the agent's
monthly ledger (base − the month's occurrences), not a mean of per-call figures (a call of a
ledger rubric has none: the mean would be missing for every agent)."""

from __future__ import annotations

import datetime as dt

from zhijian.engine.columns import column_specs
from zhijian.engine.loaded import Loaded
from zhijian.engine.reader import Grid
from zhijian.engine.validate import check_grids
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.assess import month_scores


def test_assess_takes_the_agents_october_ledger():
    r = load_rubric("deduction-base100")
    rules = [s for s in column_specs(r) if s.kind in ("offence", "complaint")]
    rows = [["日期", "质检员", "工号", "姓名", "班组", "录音编号", *(s.header for s in rules)]]
    plan = [("A1", {"offence:o01": 1}), ("A1", {"offence:o08": 1, "complaint:o08": 1}), ("A1", {}),
            ("B2", {})]
    for k, (agent, counts) in enumerate(plan):
        rows.append([dt.date(2026, 10, 1 + k), "王", agent, agent, "一组", f"R{k}",
                     *(counts.get(s.key, 0) for s in rules)])
    checked = check_grids(r, [Grid("oct.xlsx", "评分表", rows)])
    scores = month_scores(r, Loaded(checked.calls, [], []), "2026-10")
    # A1: 100 − 10 − 2 × 6 = 78 (the mean of the per-call balances would be (90 + 88 + 100) / 3 = 92.7);
    # B2: nothing found, 100
    assert {k: v[2] for k, v in scores.items()} == {"A1": 78, "B2": 100}
