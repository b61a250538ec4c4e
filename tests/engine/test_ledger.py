"""Per-agent-per-period ledgers (engine/ledger.py) with hand-worked numbers: the base belongs to
the agent for the period, every occurrence comes off it (doubled on a complaint, escalated by the
agent's count within the window), never below 0; and the rubric keys' line-numbered refusals."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from zhijian.engine.ledger import build_ledger, ledgers_of
from zhijian.engine.periods import parse_period
from zhijian.engine.scoring import CallRecord, score_call
from zhijian.errors import RubricError
from zhijian.files.rubrics import load_rubric, parse_rubric

from ledgerkit import ESCALATING
OCT = parse_period("2026-10")


def calls(*rows) -> pd.DataFrame:
    """(agent, date, {offence: n}, {complaint: n}) -> the counted calls' columns the ledger reads."""
    recs = []
    for k, (agent, day, off, comp) in enumerate(rows):
        rec = {"agent_id": agent, "agent_name": agent, "team": "一组", "date": day, "recording_id": f"R{k}"}
        rec.update({f"offence:{o}": n for o, n in off.items()})
        rec.update({f"complaint:{o}": n for o, n in comp.items()})
        recs.append(rec)
    return pd.DataFrame(recs)


def test_seed_004_one_agent_10_and_doubled_6_over_10_calls_is_78():
    r = load_rubric("deduction-base100")
    rows = [("A1", dt.date(2026, 10, d), {}, {}) for d in range(1, 11)]
    rows[2] = ("A1", dt.date(2026, 10, 3), {"o01": 1}, {})
    rows[5] = ("A1", dt.date(2026, 10, 6), {"o08": 1}, {"o08": 1})
    led = build_ledger(r, calls(*rows), OCT)
    (a,) = led.agents
    # 100 − 10 − 2 × 6 = 78: 不达标 (below 80)
    assert (a.calls, len(a.occurrences), a.points(), led.score(a)) == (10, 2, 22, 78)
    assert led.frame()["等级"].tolist() == ["不达标"]
    # Each call alone still costs what the 条款 says (the call view): 100 − 12 = 88 on the 6th call
    assert score_call(r, CallRecord(items={}, offences={"o08": 1}, complaints={"o08": 1})).final_score == 88


def test_a_ledger_never_goes_below_0_and_shows_the_whole_sum():
    r = load_rubric("deduction-base100")
    # 6 × o01 (10) + 3 × o08 doubled (12) = 60 + 36 = 96 on one call, + o06 10 = 106 in the month
    led = build_ledger(r, calls(("B1", dt.date(2026, 10, 5), {"o01": 6, "o08": 3}, {"o08": 3}),
                                ("B1", dt.date(2026, 10, 20), {"o06": 1}, {})), OCT)
    (a,) = led.agents
    assert (a.points(), led.score(a)) == (106, 0)


def test_escalation_counts_the_previous_months_within_90_days_but_takes_off_only_octobers():
    r = parse_rubric(ESCALATING)
    rows = [("C1", dt.date(2026, 7, 1), {"v1": 1}, {}),    # 100 days before 10-09: outside the window
            ("C1", dt.date(2026, 9, 20), {"v2": 1}, {}),   # September: raises the count, costs nothing here
            ("C1", dt.date(2026, 10, 9), {"v1": 1}, {}),   # 2nd within 90 days (09-20): 30
            ("C1", dt.date(2026, 10, 15), {"v1": 1}, {"v1": 1}),  # 3rd: 40, doubled on a complaint: 80
            ("C1", dt.date(2026, 10, 30), {"v2": 2}, {})]  # 4th: 50, 5th: the last again, 50
    led = build_ledger(r, calls(*rows), OCT)
    (a,) = led.agents
    assert [o.count for o in a.occurrences] == [2, 3, 4, 5]
    assert [o.points for o in a.occurrences] == [30, 80, 50, 50]
    # 30 + 80 + 50 + 50 = 210 off 100: 0; one September offence raised the counts
    assert (a.points(), led.score(a), a.prior) == (210, 0, 1)
    # September's own ledger: 07-01 is 81 days before 09-20, so that is the 2nd: 100 − 30 = 70
    (sep,) = build_ledger(r, calls(*rows), parse_period("2026-09")).agents
    assert [o.points for o in sep.occurrences] == [30] and sep.prior == 1


def test_the_window_holds_the_days_fewer_than_window_days_before():
    r = parse_rubric(ESCALATING)
    # 10-20 − 89 days = 07-23 (counts: the 2nd, 30); 10-20 − 90 days = 07-22 (does not)
    for day, points in ((dt.date(2026, 7, 23), 30), (dt.date(2026, 7, 22), 20)):
        (a,) = build_ledger(r, calls(("F1", day, {"v2": 1}, {}), ("F1", dt.date(2026, 10, 20), {"v1": 1}, {})),
                            OCT).agents
        assert ([o.points for o in a.occurrences], a.prior) == ([points], 1 if points == 30 else 0)


def test_an_offences_own_escalation_counts_that_offence_only():
    text = ESCALATING.replace("escalation: {window_days: 90, points: [20, 30, 40, 50]}\n", "").replace(
        "{id: v2, name: 泄露隐私, points: 20}",
        "{id: v2, name: 泄露隐私, points: 20, escalation: {window_days: 30, points: [20, 40]}}")
    r = parse_rubric(text)
    rows = [("D1", dt.date(2026, 10, 1), {"v1": 1, "v2": 1}, {}),  # v1 fixed 20; v2 1st: 20
            ("D1", dt.date(2026, 10, 2), {"v1": 1, "v2": 1}, {}),  # v1 20; v2 2nd: 40
            ("D1", dt.date(2026, 10, 31), {"v2": 1}, {})]          # 30 days after 10-01: 2nd in (10-02): 40
    (a,) = build_ledger(r, calls(*rows), OCT).agents
    assert [o.points for o in a.occurrences] == [20, 20, 20, 40, 40]
    # 20 + 20 + 20 + 40 + 40 = 140: score 0
    assert a.points() == 140


def test_ledgers_of_gives_one_ledger_per_month_in_the_calls():
    r = load_rubric("deduction-base100")
    got = ledgers_of(r, calls(("E1", dt.date(2026, 9, 30), {"o13": 1}, {}),
                              ("E1", dt.date(2026, 10, 1), {"o13": 2}, {})))
    # September 100 − 5 = 95; October 100 − 2 × 5 = 90
    assert [(led.label, led.scores()) for led in got] == [("2026年9月", {"E1": 95}), ("2026年10月", {"E1": 90})]


@pytest.mark.parametrize("old, new, line, words", [
    ("escalation: {window_days: 90, points: [20, 30, 40, 50]}", "escalation: {window_days: 90, points: [20, 10]}",
     6, "不减"),
    ("  - {id: v2, name: 泄露隐私, points: 20}", "  - {id: v2, name: 泄露隐私, points: 25}", 9, "第 1 次的分值 20"),
    ("ledger: {base: 100, period: month}", "ledger: {base: 100, period: fortnight}", 5, "period"),
    ("ledger: {base: 100, period: month}\n", "", 5, "需要 ledger"),  # the escalation moved up
])
def test_ledger_mistakes_are_refused_at_their_line(old, new, line, words):
    assert ESCALATING.count(old) == 1
    with pytest.raises(RubricError) as exc:
        parse_rubric(ESCALATING.replace(old, new), "t.yaml")
    problems = exc.value.problems
    assert len(problems) == 1 and problems[0][:2] == ("t.yaml", line), problems
    assert words in problems[0][2]


def test_a_ledger_with_items_is_refused():
    text = ESCALATING.replace("offences:", "categories:\n  - name: 类\n    items: [{name: 甲, max: 100}]\noffences:")
    with pytest.raises(RubricError) as exc:
        parse_rubric(text, "t.yaml")
    assert any(line == 5 and "不能与评分项" in m for _, line, m in exc.value.problems), exc.value.problems
