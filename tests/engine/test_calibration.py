"""质检校正 through the engine (calibration.py): the benchmark is a whole recorded row, scored like
every call. Hand-worked cases on the three shipped rubrics.

qc-v3.1 (items total 109 raw points × 100/109, 清零:整通电话未有热线工程师接线 zeroes the call):
  R1 scored by 赵一 and 钱二, both at full items and both zeroing the call → each 0.
     Benchmark: items at full, the zero-out applied by both (majority) → 0. Deviation 0 each,
     alignment 1.0 (same items), 一致率 100 %. (Built from the items alone it was 100.)
  R2 by 赵一 only: full marks → 100.  Counted: 0 and 100 → n 2, mean 50.
deduction-base100 (base 100, o01 −10 per occurrence):
  R1 by 赵一 and 钱二, both one o01 → 90 each. Benchmark: one o01 (majority) → 90. Deviation 0,
  一致率 100 %, the counted mean 90. (Built from the items alone it was 100: deviation −10, 0 %.)
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from zhijian.engine.analysis import analyse
from zhijian.engine.calibration import CONSENSUS, majority
from zhijian.engine.columns import column_specs
from zhijian.engine.reader import Grid
from zhijian.engine.validate import check_grids
from zhijian.files.rubrics import load_rubric

D = dt.date(2026, 11, 2)
ZHAO, QIAN, SUN = "赵一", "钱二", "孙三"


def grid(rubric, rows: list[dict], file="a.xlsx") -> Grid:
    """A sheet with every column of the rubric's template; `rows` by column key (items default to
    their maximum)."""
    specs = [s for s in column_specs(rubric) if s.key != "total"]
    out = [[s.header for s in specs]]
    for r in rows:
        values = {"date": D, "agent_id": "A001", **{it.name: it.max for it in rubric.items}, **r}
        out.append([values.get(s.key) for s in specs])
    return Grid(file, "评分表", out)


def calibrated(rubric, rows, lead=None):
    checked = check_grids(rubric, [grid(rubric, rows)])
    assert [f.message for f in checked.report.findings] == []
    return analyse(rubric, checked.valid_calls, lead=lead)


def per_inspector(a):
    p = a.calibration.per_inspector
    return {r["质检员"]: (r["校正通数"], r["平均偏差"], r["对齐分"], r["一致率"]) for _, r in p.iterrows()}


def test_two_inspectors_who_both_zero_a_qc_call_give_a_benchmark_of_0():
    qc = load_rubric("qc-v3.1")
    zeroed = {"zero:no_engineer": "是"}
    a = calibrated(qc, [{"inspector": ZHAO, "recording_id": "R1", **zeroed},
                        {"inspector": QIAN, "recording_id": "R1", **zeroed},
                        {"inspector": ZHAO, "recording_id": "R2"}])
    bench = a.calibration.benchmark_calls.set_index("recording_id")
    assert bench.loc["R1", "final_score"] == 0 and bench.loc["R1", "zero:no_engineer"] == 1
    assert bench.loc["R1", "基准来源"] == CONSENSUS
    assert per_inspector(a) == {ZHAO: (1, 0.0, 1.0, 1.0), QIAN: (1, 0.0, 1.0, 1.0)}
    assert sorted(a.counted["final_score"]) == [0, 100] and a.overall.mean_score == 50
    assert a.account.calibration_copies == 1 and a.account.counted == 2


def test_two_inspectors_who_agree_on_a_deduction_form_deviate_by_0():
    ded = load_rubric("deduction-base100")
    one = {"offence:o01": 1}
    a = calibrated(ded, [{"inspector": ZHAO, "recording_id": "R1", **one},
                         {"inspector": QIAN, "recording_id": "R1", **one}])
    bench = a.calibration.benchmark_calls.set_index("recording_id")
    assert bench.loc["R1", "final_score"] == 90
    got = per_inspector(a)
    assert {k: (v[0], v[1], v[3]) for k, v in got.items()} == {ZHAO: (1, 0.0, 1.0), QIAN: (1, 0.0, 1.0)}
    assert all(np.isnan(v[2]) for v in got.values())  # no items: no alignment figure
    # deduction-base100 is a monthly ledger: the call is counted once, but has no score of its own
    assert a.overall.n == 1 and a.overall.mean_score is None


# (not named `benchmark`: pytest-benchmark, where installed, owns that fixture name)
@pytest.mark.parametrize("zeroing, expected", [
    ([ZHAO], 100),          # 1 of 2: a tie goes to the smaller value (not applied)
    ([ZHAO, QIAN], 0),      # 2 of 3: the majority applies it
    ([ZHAO, QIAN, SUN], 0),
], ids=["tie", "two-of-three", "all"])
def test_a_rule_applies_in_the_benchmark_when_most_scorings_applied_it(zeroing, expected):
    qc = load_rubric("qc-v3.1")
    who = [ZHAO, QIAN] if len(zeroing) == 1 else [ZHAO, QIAN, SUN]
    a = calibrated(qc, [{"inspector": i, "recording_id": "R1", **({"zero:no_engineer": "是"} if i in zeroing else {})}
                        for i in who])
    assert a.calibration.benchmark_calls.iloc[0]["final_score"] == expected


def test_counts_take_the_most_common_value_and_ties_the_smaller():
    assert majority(np.array([1.0, 1.0, 2.0])) == 1
    assert majority(np.array([0.0, 2.0])) == 0
    assert majority(np.array([3.0, 1.0, 2.0])) == 1
    assert majority(np.array([2.0, 2.0, 0.0, 0.0, 1.0])) == 0


def test_bonuses_deductions_and_error_deductions_reach_the_benchmark():
    # qc-v3.1: 基本要求1 6 − 1 (unverified identity, 2 of 3) = 5; 问候语 1 + 1 bonus = 2 (all three).
    # The three scorings: 108 raw × 100/109 = 99.082569 each for 赵一 and 钱二, 109 → 100 for 孙三;
    # benchmark 99.082569.
    qc = load_rubric("qc-v3.1")
    rows = [{"inspector": i, "recording_id": "R1", **({"deduction:unverified_identity": 1} if i != SUN else {}),
             "问候语": 1, "bonus:warm_greeting": 1} for i in (ZHAO, QIAN, SUN)]
    a = calibrated(qc, rows)
    b = a.calibration.benchmark_calls.iloc[0]
    assert (b["deduction:unverified_identity"], b["points:基本要求1"], b["points:问候语"], b["final_score"]) == \
        (1, 5, 2, 99.082569)
    assert per_inspector(a)[SUN][1] == pytest.approx(100 / 109)  # 100 − 99.082569: lenient by one raw point


def test_error_deduction_median_and_items_rounded_down_on_listening():
    # listening-10x4: 业务能力 5, 4, 2 → median 4; 差错扣分 0, 2, 5 → median 2 → 2 × 49 − 2 = 96.
    r = load_rubric("listening-10x4")
    rows = [{"inspector": i, "recording_id": "R1", "业务能力": s, "error_deduction": e}
            for i, s, e in ((ZHAO, 5, 0), (QIAN, 4, 2), (SUN, 2, 5))]
    b = calibrated(r, rows).calibration.benchmark_calls.iloc[0]
    assert (b["业务能力"], b["error_deduction"], b["final_score"]) == (4, 2, 96)


def test_the_leads_whole_row_is_the_benchmark():
    # The lead 孙三 zeroes the call, 赵一 does not: with --lead 孙三 the benchmark is 0, and 赵一 is
    # 100 points too lenient; without it (a tie of 2) the call is not zeroed.
    qc = load_rubric("qc-v3.1")
    rows = [{"inspector": ZHAO, "recording_id": "R1"},
            {"inspector": SUN, "recording_id": "R1", "zero:no_engineer": "是"}]
    led = calibrated(qc, rows, lead=SUN)
    assert led.calibration.benchmark_calls.iloc[0]["final_score"] == 0
    assert per_inspector(led) == {ZHAO: (1, 100.0, 1.0, 0.0)}
    assert calibrated(qc, rows).calibration.benchmark_calls.iloc[0]["final_score"] == 100
