"""A 40-point 质检评分表 (four items of 10): the analysis bands follow the form — 90%/85%/80% of 40
are 36/34/32, and the distribution has groups of 2 points (5% of 40) over [0, 40].

  S1: 10, 10, 10, 6 → 36 (轻微不良: 34 ≤ 36 ≤ 36; grade 合格, 优秀 is > 36) — not "below 32"
  S2: all 10        → 40 (优良; 优秀)
  S3: 8, 9, 8, 8    → 33 (一般不良: 32 ≤ 33 < 34)
  S4: 6, 6, 6, 6    → 24 (32分以下; 合格)
  S5: 9, 9, 8, 9    → 35 (轻微不良)
Average (36 + 40 + 33 + 24 + 35) / 5 = 33.6; 优良 1/5, 轻微不良 2/5, 一般不良 1/5, 32分以下 1/5.
"""

import datetime as dt

import pytest

from formkit import FORMS, analysis_headers, form_rubric, run, write_table

RUBRIC = form_rubric("small_40")
DAY = dt.date(2026, 11, 16)
HEADERS = ["日期", "质检员", "工号", "姓名", "录音编号", "开场问候", "需求理解", "解决问题", "结束礼仪", "得分"]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    rows = [
        [DAY, "吴倩", "S01", "林一", "S1", 10, 10, 10, 6, 36],
        [DAY, "吴倩", "S01", "林一", "S2", 10, 10, 10, 10, 40],
        [DAY, "吴倩", "S02", "林二", "S3", 8, 9, 8, 8, 33],
        [DAY, "吴倩", "S02", "林二", "S4", 6, 6, 6, 6, 24],
        [DAY, "吴倩", "S02", "林二", "S5", 9, 9, 8, 9, 35],
    ]
    path = write_table(tmp_path_factory.mktemp("small40") / "质检评分表.xlsx", HEADERS, rows)
    return run(RUBRIC, path, DAY)


def test_totals(result):
    assert result.scores == {"S1": 36, "S2": 40, "S3": 33, "S4": 24, "S5": 35}
    assert result.grades == {"S1": "合格", "S2": "优秀", "S3": "合格", "S4": "合格", "S5": "合格"}
    assert result.findings == []


def test_bands_follow_the_40_point_form(result):
    o = result.consolidation.analysis.overall
    assert o.mean_score == pytest.approx(33.6)
    assert (o.excellent_rate, o.slight_defect_rate, o.general_defect_rate, o.below_80_rate) == (0.2, 0.4, 0.2, 0.2)
    d = o.distribution
    assert len(d) == 20 and d["下限值"].iloc[-1] == 38 and d["上限值"].iloc[-1] == 40
    # 24 → [24, 26), 33 → [32, 34), 35 → [34, 36), 36 → [36, 38), 40 → the top group [38, 40]
    assert {int(lo): int(n) for lo, n in zip(d["下限值"], d["个数"]) if n} == {24: 1, 32: 1, 34: 1, 36: 1, 38: 1}


def test_the_json_says_which_band_below_80_rate_is(result):
    d = result.consolidation.analysis.to_dict()
    assert d["below_80_rate"] == 0.2 and d["bands"] == {
        "excellent": "最终得分 > 36", "slight": "34 ≤ 最终得分 ≤ 36", "general": "32 ≤ 最终得分 < 34", "below_from": 32}


def test_the_report_names_the_band_of_the_form(result, tmp_path):
    heads = analysis_headers(result.consolidation, tmp_path / "分析.xlsx", "坐席")
    assert "32分以下" in heads and "80分以下" not in heads


def test_a_band_above_full_marks_is_a_rubric_error_at_its_line():
    from zhijian.errors import RubricError
    from zhijian.files.rubrics import parse_rubric

    path = FORMS / "small_40" / "rubric.yaml"
    text = path.read_text(encoding="utf-8")
    bad = text.replace("marks: {full: 40, good: 32, pass: 24}",
                       "marks: {full: 40, good: 32, pass: 24}\nanalysis: {excellent_above: 90}")
    with pytest.raises(RubricError) as e:
        parse_rubric(bad, str(path))
    (f, line, msg), = e.value.problems
    assert line == bad.splitlines().index("analysis: {excellent_above: 90}") + 1
    assert "90" in msg and "高于满分 40" in msg
