"""Composite 考核 (engine.composite), with totals worked out BY HAND.

Configuration: 质检得分 40 (the 月度评分 as it is), 满意度 30 (linear 0.80 → 0, 1.00 → 100),
投诉次数 20 (lookup: 0 → 100, 1 → 80, ≥ 2 → 50), 平均处理时长 10 (linear, lower is better:
400 s → 0, 200 s → 100); grades 优秀 ≥ 90 (1.2), 良好 ≥ 80 (1.0), 合格 ≥ 60 (0.9), 不合格 (0.7).

  A1: 92; "95%" → 0.95 → 75; 0 → 100; 250 s → 75   total (3680 + 2250 + 2000 + 750) / 100 = 86.8 良好 1.0
  A2: 85; "100%" → 100; 1 → 80; 180 s → beyond the target, capped at 100 (a kpi.clipped warning at F4)
      total (3400 + 3000 + 1600 + 1000) / 100 = 90.0 优秀 1.2 (a 满意度 of 1.02 would be no share: an error)
  A3: 70; 满意度 blank → missing (a finding), total blank; 3 → 50; 400 s → 0
  A4: in the KPI sheet, no scored call → 质检得分 missing; 投诉次数 "两次" → unreadable
  A5: scored calls, not in the KPI sheet → every KPI missing
  A1's September row is not October's and is ignored.
"""

from __future__ import annotations

import pytest

from zhijian.engine.composite import assess, normalised, read_kpi_sheet
from zhijian.engine.reader import Grid
from zhijian.files.assessment_config import parse_assessment_config

CONFIG = """\
name: 月度综合考核
components:
  - {name: 质检得分, source: quality, weight: 40}
  - {name: 满意度, weight: 30, normalise: {method: linear, floor: 0.80, target: 1.00}}
  - name: 投诉次数
    weight: 20
    normalise:
      method: lookup
      table: [{max: 0, score: 100}, {min: 1, max: 1, score: 80}, {min: 2, score: 50}]
  - {name: 平均处理时长, column: AHT(秒), weight: 10, normalise: {method: linear, floor: 400, target: 200}}
grades:
  - {name: 优秀, min: 90, coefficient: 1.2}
  - {name: 良好, min: 80, coefficient: 1.0}
  - {name: 合格, min: 60, coefficient: 0.9}
  - {name: 不合格, min: 0, coefficient: 0.7}
"""
KPI = [["工号", "姓名", "月份", "满意度", "投诉次数", "AHT(秒)"],
       ["A1", "甲", "2026-10", "95%", 0, 250],
       ["A1", "甲", "2026-09", "80%", 5, 500],
       ["A2", "乙", "2026年10月", "100%", 1, 180],
       ["A3", "丙", "2026-10", None, 3, 400],
       ["A4", "丁", "2026-10", 0.9, "两次", 300]]
QUALITY = {"A1": ("甲", "一组", 92.0), "A2": ("乙", "一组", 85.0), "A3": ("丙", "二组", 70.0),
           "A5": ("戊", "二组", 88.0)}
approx = pytest.approx


@pytest.fixture(scope="module")
def result():
    config = parse_assessment_config(CONFIG, "考核.yaml")
    kpi = read_kpi_sheet(Grid("KPI.xlsx", "10月", KPI), config, "2026-10")
    return assess(config, "2026-10", QUALITY, kpi)


def row(result, aid):
    return result.table.set_index("工号").loc[aid]


def test_weighted_total_grade_and_coefficient(result):
    a1, a2 = row(result, "A1"), row(result, "A2")
    assert (a1["满意度"], a1["满意度折算分"], a1["投诉次数折算分"], a1["平均处理时长折算分"]) == \
        (approx(0.95), approx(75), 100, approx(75))
    assert a1["综合得分"] == approx(86.8) and a1["等级"] == "良好" and a1["绩效系数"] == 1.0
    assert a2["满意度折算分"] == 100 and a2["投诉次数折算分"] == 80 and a2["平均处理时长折算分"] == 100
    assert a2["综合得分"] == approx(90.0) and a2["等级"] == "优秀" and a2["绩效系数"] == 1.2
    assert list(result.table["工号"][:2]) == ["A2", "A1"] and list(result.table["排名"][:2]) == [1, 2]


def test_missing_values_are_findings_never_zeros(result):
    a3, a4, a5 = row(result, "A3"), row(result, "A4"), row(result, "A5")
    import pandas as pd

    for r in (a3, a4, a5):
        assert pd.isna(r["综合得分"]) and pd.isna(r["排名"]) and r["等级"] == ""  # blank, never 0
    assert a3["缺失"] == "满意度" and a3["投诉次数折算分"] == 50 and a3["平均处理时长折算分"] == 0
    assert a4["缺失"] == "质检得分、投诉次数"
    assert a5["缺失"] == "满意度、投诉次数、平均处理时长"
    by_rule = sorted((f.rule, f.cell) for f in result.findings)
    assert by_rule == [("kpi.clipped", "F4"), ("kpi.invalid", "E6"), ("kpi.missing", ""), ("kpi.missing", ""),
                       ("kpi.missing", "D5")]
    assert result.to_dict()["complete"] == 2


def test_normalisations():
    config = parse_assessment_config(CONFIG)
    sat, complaints, aht = (c.normalise for c in config.components[1:])
    assert normalised(sat, 0.80) == 0 and normalised(sat, 0.90) == approx(50) and normalised(sat, 0.5) == 0
    assert [normalised(complaints, v) for v in (0, 1, 2, 7)] == [100, 80, 50, 50]
    assert normalised(aht, 300) == approx(50) and normalised(aht, 100) == 100
    quality = config.components[0].normalise
    assert normalised(quality, 88.5) == 88.5 and normalised(quality, 120) is None


def test_equal_totals_share_the_rank_whatever_the_floating_point():
    # 质检得分 60, 满意度 40 (linear 0.80 → 0, 1.00 → 100).
    # B1: 60 and 0.83 → 15: (60 × 60 + 40 × 15) / 100 = 42;  B2: 70 and 0.80 → 0: (60 × 70) / 100 = 42.
    # On paper both are 42 (in floating point B1's is 41.99999999999998): both rank 1.
    config = parse_assessment_config("""\
components:
  - {name: 质检得分, source: quality, weight: 60}
  - {name: 满意度, weight: 40, normalise: {method: linear, floor: 0.80, target: 1.00}}
""", "考核.yaml")
    kpi = read_kpi_sheet(Grid("KPI.xlsx", "10月", [["工号", "满意度"], ["B1", 0.83], ["B2", 0.80]]), config, "2026-10")
    got = assess(config, "2026-10", {"B1": ("甲", "", 60.0), "B2": ("乙", "", 70.0)}, kpi).to_dict()
    assert [(a["agent_id"], a["total"], a["rank"]) for a in got["agents"]] == [("B1", 42.0, 1), ("B2", 42.0, 1)]
