"""An English dental-office call scorecard: Yes/No items, N/A counts as 0 (`na: zero`), 50 points.

Items (max): Greeting 5, Practice name 5 | Verified insurance 10, Offered appointment 10,
Empathy 10 (10/5/0) | Recap 5, Thanked caller 5. Yes = the item's points, No = 0, N/A = 0.
  D1: all Yes                                          → 50
  D2: Practice name No, insurance N/A, Empathy 5       → 5 + 0 + 0 + 10 + 5 + 5 + 5 = 30
  D3: Recap N/A, the rest Yes                          → 50 − 5 = 45
  D4: Offered appointment No, Empathy "Yes" (= 10)     → 50 − 10 = 40
Average (50 + 30 + 45 + 40) / 4 = 41.25. Bands of a 50-point form (shares of 100's 90/85/80):
优良 ≥ 45 (the rubric states excellent_from: 45): D1, D3 = 50%; 轻微不良 42.5–<45: none;
一般不良 40–<42.5: D4 = 25%; below 40: D2 = 25%.
"""

import datetime as dt

import pytest

from formkit import form_rubric, run, write_table

RUBRIC = form_rubric("dental_scorecard")
DAY = dt.date(2026, 11, 3)
HEADERS = ["Date", "Evaluator", "Agent", "Call ID", "Greeted caller", "Practice name", "Verified insurance",
           "Offered appointment", "Empathy", "Recap", "Thanked caller", "Total Score"]


def rows():
    y, n = "Yes", "No"
    return [
        [DAY, "Dr. Lee", "Maria", "D1", y, y, y, y, 10, y, y, 50],
        [DAY, "Dr. Lee", "Maria", "D2", y, n, "N/A", y, 5, y, "Y", 30],
        [DAY, "Dr. Lee", "Tom", "D3", y, y, y, y, 10, "N/A", y, 45],
        [DAY, "Dr. Lee", "Tom", "D4", y, y, y, n, "Yes", y, y, 40],
    ]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = write_table(tmp_path_factory.mktemp("dental") / "scorecard.xlsx", HEADERS, rows())
    return run(RUBRIC, path, DAY)


def test_totals_are_the_offices_own(result):
    assert result.scores == {"D1": 50, "D2": 30, "D3": 45, "D4": 40}
    assert result.grades == {"D1": "Excellent", "D2": "Needs work", "D3": "Excellent", "D4": "Good"}
    # the sheet's own totals agree with the engine: no total.mismatch, nothing refused
    assert [f.rule for f in result.findings] == []


def test_consolidated_figures_follow_the_50_point_form(result):
    o = result.consolidation.analysis.overall
    assert o.n == 4
    assert o.mean_score == pytest.approx(41.25)
    assert (o.excellent_rate, o.slight_defect_rate, o.general_defect_rate, o.below_80_rate) == (0.5, 0, 0.25, 0.25)
    # per agent: Maria (50 + 30) / 2 = 40, Tom (45 + 40) / 2 = 42.5
    means = {aid: f.mean_score for (aid, _), f in result.consolidation.analysis.by_agent}
    assert means == {"Maria": 40, "Tom": 42.5}
    # N/A counts 0 in the total but is never 不良 (DOMAIN.md): only the No's and Empathy 5 are
    defects = {f.item: f.defect_count for f in o.items}
    assert defects == {"Greeting": 0, "Practice name": 1, "Verified insurance": 0, "Offered appointment": 1,
                       "Empathy": 1, "Recap": 0, "Thanked caller": 0}
