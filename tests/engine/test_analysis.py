"""The 服务质量分析表 (analysis.py), checked against figures worked out BY HAND.

Rubric `listening-10x4`: 10 评分单项, each a whole number 0–5 (不涉及 = full marks 5);
final score = 2 × Σ items − 差错扣分 (never below 0). Every call below is built as a sheet row
(a `Grid`), read and scored by `check_grids`, and only `.valid_calls` reach the analysis — the same
path the CLI and the ribbon take.

Definitions used for the hand computations (DOMAIN.md, "The 服务质量分析表 — exact definitions"):
  n                 = counted calls in the scope
  distribution      = 20 groups of width 5: [0,5) … [90,95), [95,100] (the top group holds 100);
                      中间值 = (下限值 + 上限值) / 2; 占比 = 个数 / n
  不良              = an item scored below 5 (不涉及 is never 不良); classes A=0 B=1 C=2 D=3 E=4
  不良比率          = calls with the item 不良 / n
  不良占比          = the item's 不良 count / all items' 不良 count
  平均不良比率      = mean of the 10 items' 不良比率
  优良率 (> 90), 轻微不良 (85 ≤ s ≤ 90), 一般不良 (80 ≤ s < 85), 80 分以下 (s < 80)
  警示级别 (lower bound inclusive)  item: 紧急 ≥ .80, 严重 ≥ .60, 警报 ≥ .40, 预警 ≥ .30, else 关注
                                     mean: 紧急 ≥ .50, 严重 ≥ .40, 警报 ≥ .35, 预警 ≥ .30, else 关注
  警示色            = 紧急 黑色, 严重 红色, 警报 黄色, 预警 蓝色, 关注 白色
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from accounting import assert_accounted
from zhijian.engine.analysis import (Analysis, agent_pareto, analyse, calibrate, counted_calls, distribution,
                              figures, split_duplicates, topics, warning_colour, warning_level)
from zhijian.engine.reader import Grid
from zhijian.files.rubrics import load_rubric
from zhijian.engine.validate import check_grids

ITEMS = ["开场白及挂机", "服务态度", "服务用语", "语速音量",  # 服务素质
         "表达能力", "主动推介", "灵活处理", "双向沟通", "聆听能力", "业务能力"]  # 服务能力
CAPABILITY = ITEMS[4:]
HEADER = ["日期", "质检员", "工号", "姓名", "班组", "录音编号", *ITEMS, "差错扣分", "备注"]
NA = "不涉及"
COLOURS = ["黑色", "红色", "黄色", "蓝色", "白色"]

D1, D2, D3 = dt.date(2026, 11, 2), dt.date(2026, 11, 3), dt.date(2026, 11, 4)
ZHAO, QIAN, SUN, ZHOU = "赵一", "钱二", "孙三", "周四"  # inspectors (孙三 also plays the lead)
AGENTS = {"A001": ("张三", "一组"), "A002": ("李四", "一组"), "A003": ("王五", "二组")}

approx = pytest.approx


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("listening-10x4")


def row(date, inspector, agent, rid, scores=None, err=0, remark=""):
    """One 评分表 row: every item 5 unless `scores` says otherwise (NA = 不涉及)."""
    scores = scores or {}
    assert set(scores) <= set(ITEMS), scores
    name, team = AGENTS[agent]
    return [date, inspector, agent, name, team, rid, *[scores.get(i, 5) for i in ITEMS], err, remark]


def read(rubric, *sheets):
    """`sheets` are (file name, rows without header); returns the check and its valid calls."""
    checked = check_grids(rubric, [Grid(f, "评分表", [HEADER, *rows]) for f, rows in sheets])
    return checked, checked.valid_calls


def valid(rubric, rows, file="a.xlsx"):
    checked, calls = read(rubric, (file, rows))
    assert [f.message for f in checked.report.findings] == []
    assert len(calls) == len(rows)
    return calls


def item(figs, name):
    return next(f for f in figs.items if f.item == name)


# ================================================================================================
# The main data set: 10 calls, 3 days, 2 teams, 3 agents, 2 inspectors.
#
#  #  date agent      team insp  rec   items below 5 (score, class)                  Σ  2Σ  差错 final
#  1  D1   A001 张三  一组 赵一  R001  业务能力3 D, 双向沟通4 E, 表达能力4 E           46  92  0    92
#  2  D1   A002 李四  一组 赵一  R002  业务能力2 C, 双向沟通3 D, 灵活处理4 E, 服务用语4 E
#                                                                                   43  86  0    86
#  3  D1   A003 王五  二组 钱二  R003  业务能力4 E, 双向沟通4 E, 表达能力3 D           46  92  2    90
#  4  D1   A001 张三  一组 钱二  R004  业务能力0 A, 双向沟通1 B; 主动推介 不涉及(=5)   41  82  0    82
#  5  D2   A002 李四  一组 赵一  R005  业务能力3 D, 双向沟通2 C, 表达能力4 E, 灵活处理3 D
#                                                                                   42  84  0    84
#  6  D2   A003 王五  二组 赵一  R006  业务能力4 E, 双向沟通4 E, 灵活处理4 E, 服务用语3 D
#                                                                                   45  90  1    89
#  7  D2   A001 张三  一组 钱二  R007  业务能力1 B, 表达能力2 C, 聆听能力4 E           42  84  5    79
#  8  D3   A002 李四  一组 钱二  R008  业务能力4 E                                    49  98  0    98
#  9  D3   A003 王五  二组 赵一  R009  none; 开场白及挂机 不涉及(=5)                   50 100  0   100
# 10  D3   A003 王五  二组 钱二  R010  none                                           50 100  3    97
#
# n = 10; Σ final = 92+86+90+82+84+89+79+98+100+97 = 897; mean = 89.7; min 79, max 100.
# ================================================================================================

MAIN_ROWS = [
    row(D1, ZHAO, "A001", "R001", {"业务能力": 3, "双向沟通": 4, "表达能力": 4}),
    row(D1, ZHAO, "A002", "R002", {"业务能力": 2, "双向沟通": 3, "灵活处理": 4, "服务用语": 4}),
    row(D1, QIAN, "A003", "R003", {"业务能力": 4, "双向沟通": 4, "表达能力": 3}, err=2),
    row(D1, QIAN, "A001", "R004", {"业务能力": 0, "双向沟通": 1, "主动推介": NA}),
    row(D2, ZHAO, "A002", "R005", {"业务能力": 3, "双向沟通": 2, "表达能力": 4, "灵活处理": 3}),
    row(D2, ZHAO, "A003", "R006", {"业务能力": 4, "双向沟通": 4, "灵活处理": 4, "服务用语": 3}, err=1),
    row(D2, QIAN, "A001", "R007", {"业务能力": 1, "表达能力": 2, "聆听能力": 4}, err=5),
    row(D3, QIAN, "A002", "R008", {"业务能力": 4}),
    row(D3, ZHAO, "A003", "R009", {"开场白及挂机": NA}),
    row(D3, QIAN, "A003", "R010", {}, err=3),
]
MAIN_FINALS = [92, 86, 90, 82, 84, 89, 79, 98, 100, 97]


@pytest.fixture(scope="module")
def main_calls(rubric):
    return valid(rubric, MAIN_ROWS)


@pytest.fixture(scope="module")
def main(rubric, main_calls):
    a = analyse(rubric, main_calls, period_label="2026-11-02 至 2026-11-04")
    assert_accounted(a.account, rows_read=10)
    return a


def test_main_calls_are_scored_as_worked_by_hand(main_calls):
    assert main_calls["final_score"].tolist() == MAIN_FINALS
    assert main_calls["recording_id"].tolist() == [f"R{i:03d}" for i in range(1, 11)]


def test_n_mean_min_max_and_marks(rubric, main_calls, main):
    f = figures(rubric, main_calls)
    for figs in (f, main.overall):
        assert figs.n == 10
        assert figs.mean_score == approx(89.7)  # 897 / 10
        assert figs.min_score == 79 and figs.max_score == 100
        assert figs.marks == (100, 80, 60)  # 最高期望 / 良好水平 / 最低允许
    assert main.duplicates.empty
    assert main.calibration.cases.empty and main.calibration.benchmark_calls.empty


# Distribution: group = floor(score / 5) + 1, except 100 → group 20.
#   79 → 16 [75,80) | 82, 84 → 17 [80,85) | 86, 89 → 18 [85,90) | 90, 92 → 19 [90,95)
#   97, 98, 100 → 20 [95,100]                                  (90 is the lower bound of 19)
MAIN_COUNTS = {16: 1, 17: 2, 18: 2, 19: 2, 20: 3}


def test_distribution(main):
    d = main.overall.distribution
    assert list(d.columns) == ["组号", "下限值", "上限值", "中间值", "个数", "占比"]
    assert d["组号"].tolist() == list(range(1, 21))
    assert d["下限值"].tolist() == [5 * k for k in range(20)]
    assert d["上限值"].tolist() == [5 * k + 5 for k in range(20)]
    assert d["中间值"].tolist() == [5 * k + 2.5 for k in range(20)]
    expected = [MAIN_COUNTS.get(g, 0) for g in range(1, 21)]
    assert d["个数"].tolist() == expected
    assert d["占比"].tolist() == approx([c / 10 for c in expected])
    row19 = d[d["组号"] == 19].iloc[0]
    assert (row19["下限值"], row19["上限值"], row19["中间值"], row19["个数"], row19["占比"]) == \
        (90, 95, 92.5, 2, approx(0.2))


# Per item, counting 不良 from the table above (主动推介 and 开场白及挂机 N/A once each: not 不良):
#   业务能力 calls 1–8           → 8; rate 8/10 = 0.8 紧急; share 8/24 = 1/3
#   双向沟通 calls 1–6           → 6; rate 0.6 严重;        share 6/24 = 0.25
#   表达能力 calls 1, 3, 5, 7    → 4; rate 0.4 警报;        share 4/24 = 1/6
#   灵活处理 calls 2, 5, 6       → 3; rate 0.3 预警;        share 3/24 = 0.125
#   服务用语 calls 2, 6          → 2; rate 0.2 关注;        share 2/24 = 1/12
#   聆听能力 call 7              → 1; rate 0.1 关注;        share 1/24
#   开场白及挂机, 服务态度, 语速音量, 主动推介 → 0; rate 0 关注; share 0
# all items' 不良 = 8+6+4+3+2+1 = 24
MAIN_ITEMS = {  # item: (不良 count, 不良比率, 不良占比, 警示级别, classes)
    "开场白及挂机": (0, 0.0, 0.0, "关注", {}),
    "服务态度": (0, 0.0, 0.0, "关注", {}),
    "服务用语": (2, 0.2, 2 / 24, "关注", {"D": 1, "E": 1}),  # call 2: 4 E; call 6: 3 D
    "语速音量": (0, 0.0, 0.0, "关注", {}),
    "表达能力": (4, 0.4, 4 / 24, "警报", {"C": 1, "D": 1, "E": 2}),  # 4, 3, 4, 2
    "主动推介": (0, 0.0, 0.0, "关注", {}),
    "灵活处理": (3, 0.3, 3 / 24, "预警", {"D": 1, "E": 2}),  # 4, 3, 4
    "双向沟通": (6, 0.6, 6 / 24, "严重", {"B": 1, "C": 1, "D": 1, "E": 3}),  # 4, 3, 4, 1, 2, 4
    "聆听能力": (1, 0.1, 1 / 24, "关注", {"E": 1}),  # 4
    "业务能力": (8, 0.8, 8 / 24, "紧急", {"A": 1, "B": 1, "C": 1, "D": 2, "E": 3}),  # 3,2,4,0,3,4,1,4
}


def test_items_in_rubric_order_with_class_and_max(main):
    assert [f.item for f in main.overall.items] == ITEMS
    assert [f.item_class for f in main.overall.items] == ["服务素质"] * 4 + ["服务能力"] * 6
    assert all(f.max == 5 for f in main.overall.items)


@pytest.mark.parametrize("name", ITEMS)
def test_item_defects(main, name):
    count, rate, share, level, classes = MAIN_ITEMS[name]
    f = item(main.overall, name)
    assert f.defect_count == count
    assert f.defect_rate == approx(rate)
    assert f.defect_share == approx(share)
    assert f.warning_level == level
    assert f.by_class == classes
    assert sum(f.by_class.values()) == count


def test_defect_shares_add_up_to_one(main):
    assert sum(f.defect_share for f in main.overall.items) == approx(1.0)


# 平均不良比率 = (0.8 + 0.6 + 0.4 + 0.3 + 0.2 + 0.1) / 10 = 2.4 / 10 = 0.24 → 关注 (< 0.30)
def test_mean_defect_rate(main):
    assert main.overall.mean_defect_rate == approx(0.24)
    assert main.overall.mean_defect_level == "关注"


# 优良 (> 90): 92, 98, 100, 97                             → 4 → 0.4
# 轻微不良 (85–90 inclusive): 86, 90, 89                    → 3 → 0.3
# 一般不良 (80 ≤ s < 85): 82, 84                            → 2 → 0.2
# 80 分以下: 79                                              → 1 → 0.1
def test_score_bands(main):
    o = main.overall
    assert o.excellent_rate == approx(0.4)
    assert o.slight_defect_rate == approx(0.3)
    assert o.general_defect_rate == approx(0.2)
    assert o.below_80_rate == approx(0.1)


# Item Pareto (by 不良占比, descending), cumulative:
#   业务能力 1/3 → 0.333333 | 双向沟通 0.25 → 0.583333 | 表达能力 1/6 → 0.75
#   灵活处理 0.125 → 0.875  | 服务用语 1/12 → 0.958333 | 聆听能力 1/24 → 1.0 | then the four 0s.
def test_item_pareto(main):
    p = main.overall.item_pareto()
    assert list(p.columns) == ["评分项", "不良数", "不良占比", "累计占比"]
    assert p["评分项"].tolist()[:6] == ["业务能力", "双向沟通", "表达能力", "灵活处理", "服务用语", "聆听能力"]
    assert set(p["评分项"].tolist()[6:]) == {"开场白及挂机", "服务态度", "语速音量", "主动推介"}
    assert p["不良数"].tolist() == [8, 6, 4, 3, 2, 1, 0, 0, 0, 0]
    assert p["不良占比"].tolist()[:6] == approx([1 / 3, 1 / 4, 1 / 6, 1 / 8, 1 / 12, 1 / 24])
    assert p["累计占比"].tolist() == approx([8 / 24, 14 / 24, 18 / 24, 21 / 24, 23 / 24] + [1.0] * 5)


# Agent Pareto (不良 count over all items):
#   A002 李四: calls 2, 5, 8 → 4 + 4 + 1 = 9 → 9/24 = 0.375   cum 0.375
#   A001 张三: calls 1, 4, 7 → 3 + 2 + 3 = 8 → 8/24 = 1/3     cum 17/24 = 0.708333
#   A003 王五: calls 3, 6, 9, 10 → 3 + 4 + 0 + 0 = 7 → 7/24   cum 1.0
def test_agent_pareto(rubric, main, main_calls):
    for p in (main.agent_pareto, agent_pareto(rubric, main_calls)):
        assert p["工号"].tolist() == ["A002", "A001", "A003"]
        assert p["姓名"].tolist() == ["李四", "张三", "王五"]
        assert p["通数"].tolist() == [3, 3, 4]
        assert p["不良数"].tolist() == [9, 8, 7]
        assert p["不良占比"].tolist() == approx([9 / 24, 8 / 24, 7 / 24])
        assert p["累计占比"].tolist() == approx([9 / 24, 17 / 24, 1.0])


# 阶段性质检主题: 服务能力 items by 不良比率: 业务能力 0.8, 双向沟通 0.6, 表达能力 0.4, 灵活处理 0.3,
# 聆听能力 0.1, 主动推介 0 → the top 2. (服务素质 items are never topics.) First week: 业务能力.
def test_topics(rubric, main):
    assert main.topics == ["业务能力", "双向沟通"]
    assert topics(rubric, main.overall) == ["业务能力", "双向沟通"]
    assert topics(rubric, main.overall, first_week=True) == ["业务能力"]


def test_first_week_topic_only_for_rubrics_with_that_item():
    # qc-v3.1 has no 业务能力: a first week gets no topic (never another item under that name).
    qc = load_rubric("qc-v3.1")
    figs = figures(qc, check_grids(qc, []).calls)
    assert topics(qc, figs, first_week=True) == []


def test_topics_only_from_service_capability(rubric):
    # 3 calls: 服务态度 不良 on all 3 (rate 1.0, but 服务素质), 聆听能力 on 2 (0.667),
    # 主动推介 on 1 (0.333), 业务能力 none → topics 聆听能力, 主动推介.
    calls = valid(rubric, [
        row(D1, ZHAO, "A001", "T1", {"服务态度": 2, "聆听能力": 3, "主动推介": 4}),
        row(D1, ZHAO, "A001", "T2", {"服务态度": 3, "聆听能力": 4}),
        row(D1, ZHAO, "A001", "T3", {"服务态度": 4}),
    ])
    a = analyse(rubric, calls)
    assert item(a.overall, "服务态度").defect_rate == approx(1.0)
    assert a.topics == ["聆听能力", "主动推介"]
    assert len(a.topics) <= 2 and set(a.topics) <= set(CAPABILITY)


# Per day:
#   D1 calls 1–4: n 4, mean (92+86+90+82)/4 = 87.5
#      不良: 业务能力 4/4, 双向沟通 4/4, 表达能力 2/4 (1, 3), 灵活处理 1/4, 服务用语 1/4
#      平均不良比率 = (1 + 1 + 0.5 + 0.25 + 0.25) / 10 = 0.30 → 预警 → 蓝色 (lower bound inclusive)
#      优良 92 → 1/4; 轻微 86, 90 → 2/4; 一般 82 → 1/4; <80 → 0
#   D2 calls 5–7: n 3, mean (84+89+79)/3 = 84.0
#      不良: 业务能力 3, 双向沟通 2, 表达能力 2, 灵活处理 2, 服务用语 1, 聆听能力 1 = 11
#      平均不良比率 = 11/3/10 = 0.366667 → 警报 → 黄色
#      优良 0; 轻微 89 → 1/3; 一般 84 → 1/3; <80 79 → 1/3
#   D3 calls 8–10: n 3, mean (98+100+97)/3 = 98.333333
#      不良: 业务能力 1 → 平均不良比率 1/30 = 0.033333 → 关注 → 白色; 优良 3/3
DAYS = {  # date: (n, mean, 平均不良比率, level, colour, (优良, 轻微, 一般, <80), 业务能力 rate)
    D1: (4, 87.5, 0.30, "预警", "蓝色", (1 / 4, 2 / 4, 1 / 4, 0.0), 1.0),
    D2: (3, 84.0, 11 / 30, "警报", "黄色", (0.0, 1 / 3, 1 / 3, 1 / 3), 1.0),
    D3: (3, 295 / 3, 1 / 30, "关注", "白色", (1.0, 0.0, 0.0, 0.0), 1 / 3),
}


def test_by_day(main):
    assert [d for d, _ in main.by_day] == [D1, D2, D3]
    for d, f in main.by_day:
        n, mean, rate, level, colour, bands, business = DAYS[d]
        assert f.n == n
        assert f.mean_score == approx(mean)
        assert f.mean_defect_rate == approx(rate)
        assert f.mean_defect_level == level
        assert warning_colour(f.mean_defect_level) == colour
        assert (f.excellent_rate, f.slight_defect_rate, f.general_defect_rate, f.below_80_rate) == approx(bands)
        assert item(f, "业务能力").defect_rate == approx(business)
    d1 = dict(main.by_day)[D1]
    assert [item(d1, i).defect_count for i in ITEMS] == [0, 0, 1, 0, 2, 0, 1, 4, 0, 4]
    assert item(d1, "表达能力").warning_level == "警报"  # 2/4 = 0.5
    assert item(d1, "灵活处理").warning_level == "关注"  # 1/4 = 0.25
    assert dict(main.by_day)[D1].distribution["个数"].sum() == 4


# 警示色天数: D1 蓝色, D2 黄色, D3 白色.
def test_colour_days(main):
    assert main.colour_days() == {"黑色": 0, "红色": 0, "黄色": 1, "蓝色": 1, "白色": 1}


# Per team:   一组 (A001, A002) calls 1, 2, 4, 5, 7, 8: n 6, (92+86+82+84+79+98)/6 = 521/6 = 86.833333
#             二组 (A003) calls 3, 6, 9, 10: n 4, (90+89+100+97)/4 = 376/4 = 94.0
# Per agent:  A001 张三 calls 1, 4, 7: n 3, (92+82+79)/3 = 253/3 = 84.333333
#             A002 李四 calls 2, 5, 8: n 3, (86+84+98)/3 = 268/3 = 89.333333
#             A003 王五 calls 3, 6, 9, 10: n 4, 94.0
# Per inspector: 赵一 calls 1, 2, 5, 6, 9: n 5, (92+86+84+89+100)/5 = 451/5 = 90.2
#                钱二 calls 3, 4, 7, 8, 10: n 5, (90+82+79+98+97)/5 = 446/5 = 89.2
def test_by_team(main):
    got = {t: (f.n, f.mean_score) for t, f in main.by_team}
    assert got == {"一组": (6, approx(521 / 6)), "二组": (4, approx(94.0))}
    team1 = dict(main.by_team)["一组"]
    # 一组 业务能力 不良 on calls 1, 2, 4, 5, 7, 8 → 6/6; 双向沟通 on 1, 2, 4, 5 → 4/6
    assert item(team1, "业务能力").defect_rate == approx(1.0)
    assert item(team1, "双向沟通").defect_rate == approx(4 / 6)


def test_overall_figures_alone_when_no_breakdowns_are_asked(rubric, main_calls):
    # Last week's analysis in the 周报 only chooses the topics: the same 10 calls, mean 897 / 10,
    # the same top 2 服务能力 items (业务能力 0.8, 双向沟通 0.6), and no breakdown at all.
    a = analyse(rubric, main_calls, breakdowns=False)
    assert (a.overall.n, a.overall.mean_score) == (10, approx(89.7))
    assert a.topics == ["业务能力", "双向沟通"]
    assert a.by_day == a.by_team == a.by_agent == a.by_inspector == [] and a.agent_pareto.empty
    assert_accounted(a.account, rows_read=10)


def test_by_agent(main):
    got = {k: (f.n, f.mean_score) for k, f in main.by_agent}
    assert got == {("A001", "张三"): (3, approx(253 / 3)), ("A002", "李四"): (3, approx(268 / 3)),
                   ("A003", "王五"): (4, approx(94.0))}


def test_by_inspector(main):
    got = {i: (f.n, f.mean_score) for i, f in main.by_inspector}
    assert got == {ZHAO: (5, approx(90.2)), QIAN: (5, approx(89.2))}


def test_to_dict(main):
    d = main.to_dict()
    assert set(d) == {"n", "excluded_rows", "duplicates", "mean_score", "excellent_rate",
                      "slight_defect_rate", "general_defect_rate", "below_80_rate", "mean_defect_rate",
                      "mean_defect_level", "items", "days", "worst_capability_items", "accounting", "bands"}
    assert d["bands"]["below_from"] == 80 and d["bands"]["excellent"] == "最终得分 > 90"
    assert d["n"] == 10 and d["duplicates"] == 0 and d["excluded_rows"] == 0
    assert d["accounting"] == {"rows_read": 10, "counted": 10, "excluded": 0, "outside_period": 0,
                               "duplicates": 0, "calibration_copies": 0, "unknown_agents": None,
                               "roster_checked": False, "holds": True, "unreadable_inputs": []}
    assert d["mean_score"] == approx(89.7)
    assert (d["excellent_rate"], d["slight_defect_rate"], d["general_defect_rate"], d["below_80_rate"]) == \
        approx((0.4, 0.3, 0.2, 0.1))
    assert d["mean_defect_rate"] == approx(0.24) and d["mean_defect_level"] == "关注"
    assert [i["item"] for i in d["items"]] == ITEMS
    for entry in d["items"]:
        count, rate, share, level, _ = MAIN_ITEMS[entry["item"]]
        assert set(entry) == {"item", "defect_count", "defect_rate", "defect_share", "warning_level"}
        assert entry["defect_count"] == count
        assert entry["defect_rate"] == approx(rate, abs=1e-6)
        assert entry["defect_share"] == approx(share, abs=1e-6)
        assert entry["warning_level"] == level
    rates = [d[k] for k in ("excellent_rate", "slight_defect_rate", "general_defect_rate", "below_80_rate",
                            "mean_defect_rate")]
    rates += [i[k] for i in d["items"] for k in ("defect_rate", "defect_share")]
    rates += [day["mean_defect_rate"] for day in d["days"]]
    assert all(isinstance(r, float) and 0.0 <= r <= 1.0 for r in rates)
    levels = {"紧急", "严重", "警报", "预警", "关注"}
    assert d["mean_defect_level"] in levels and all(i["warning_level"] in levels for i in d["items"])
    assert d["days"] == [
        {"date": "2026-11-02", "n": 4, "mean_defect_rate": approx(0.3, abs=1e-6), "warning_colour": "蓝色"},
        {"date": "2026-11-03", "n": 3, "mean_defect_rate": approx(11 / 30, abs=1e-6), "warning_colour": "黄色"},
        {"date": "2026-11-04", "n": 3, "mean_defect_rate": approx(1 / 30, abs=1e-6), "warning_colour": "白色"},
    ]
    assert all(day["warning_colour"] in COLOURS for day in d["days"])
    assert d["worst_capability_items"] == ["业务能力", "双向沟通"]
    import json
    json.dumps(d, ensure_ascii=False)  # the --json output must serialise


def test_excluded_rows_and_period_label_pass_through(rubric, main_calls):
    a = analyse(rubric, main_calls, period_label="2026-W45", excluded_rows=3)
    assert a.period_label == "2026-W45"
    assert a.to_dict()["excluded_rows"] == 3


def test_rows_with_errors_do_not_count(rubric):
    # The 2nd row has 业务能力 = 7 (not allowed): it is an error row and is left out of the figures.
    checked, calls = read(rubric, ("a.xlsx", [row(D1, ZHAO, "A001", "E1", {"业务能力": 4}),
                                              row(D1, ZHAO, "A001", "E2", {"业务能力": 7})]))
    assert len(checked.calls) == 2 and len(calls) == 1
    f = analyse(rubric, calls).overall
    assert f.n == 1 and f.mean_score == 98  # 2 × 49
    assert item(f, "业务能力").defect_rate == 1.0


# ================================================================================================
# Boundaries
# ================================================================================================

@pytest.mark.parametrize("rate, level", [
    (0.0, "关注"), (0.2999, "关注"), (0.30, "预警"), (0.3999, "预警"), (0.40, "警报"), (0.5999, "警报"),
    (0.60, "严重"), (0.7999, "严重"), (0.80, "紧急"), (1.0, "紧急"),
])
def test_warning_level_item_rate(rate, level):
    assert warning_level(rate) == level


@pytest.mark.parametrize("rate, level", [
    (0.0, "关注"), (0.2999, "关注"), (0.30, "预警"), (0.3499, "预警"), (0.35, "警报"), (0.3999, "警报"),
    (0.40, "严重"), (0.4999, "严重"), (0.50, "紧急"), (0.80, "紧急"), (1.0, "紧急"),
])
def test_warning_level_mean_rate(rate, level):
    assert warning_level(rate, mean=True) == level


@pytest.mark.parametrize("level, colour", [("紧急", "黑色"), ("严重", "红色"), ("警报", "黄色"),
                                           ("预警", "蓝色"), ("关注", "白色")])
def test_warning_colour(level, colour):
    assert warning_colour(level) == colour


def test_item_level_from_calls_at_exact_boundaries(rubric):
    # 10 calls; 业务能力 不良 on 3 (0.30 → 预警), 双向沟通 on 4 (0.40 → 警报), 表达能力 on 6 (0.60 → 严重),
    # 灵活处理 on 8 (0.80 → 紧急), 聆听能力 on 2 (0.20 → 关注).
    # 平均不良比率 = (0.3+0.4+0.6+0.8+0.2)/10 = 0.23 → 关注
    rows = []
    for k in range(10):
        s = {}
        if k < 3:
            s["业务能力"] = 4
        if k < 4:
            s["双向沟通"] = 4
        if k < 6:
            s["表达能力"] = 4
        if k < 8:
            s["灵活处理"] = 4
        if k < 2:
            s["聆听能力"] = 4
        rows.append(row(D1, ZHAO, "A001", f"B{k}", s))
    f = analyse(rubric, valid(rubric, rows)).overall
    assert {i: item(f, i).warning_level for i in ["业务能力", "双向沟通", "表达能力", "灵活处理", "聆听能力"]} == \
        {"业务能力": "预警", "双向沟通": "警报", "表达能力": "严重", "灵活处理": "紧急", "聆听能力": "关注"}
    assert f.mean_defect_rate == approx(0.23) and f.mean_defect_level == "关注"


@pytest.mark.parametrize("defective_items, rate, level, colour", [
    # one call; k of the 10 items 不良 → 平均不良比率 k/10
    (2, 0.2, "关注", "白色"), (3, 0.3, "预警", "蓝色"), (4, 0.4, "严重", "红色"), (5, 0.5, "紧急", "黑色"),
])
def test_mean_level_and_day_colour_from_calls(rubric, defective_items, rate, level, colour):
    calls = valid(rubric, [row(D1, ZHAO, "A001", "M1", {i: 4 for i in ITEMS[:defective_items]})])
    a = analyse(rubric, calls)
    assert a.overall.mean_defect_rate == approx(rate)
    assert a.overall.mean_defect_level == level
    assert a.colour_days() == {c: int(c == colour) for c in COLOURS}


def test_mean_level_035_from_calls(rubric):
    # 2 calls: call 1 has items 1–4 不良, call 2 items 1–3. Per item: items 1–3 on both calls (rate 1.0),
    # item 4 on call 1 only (0.5), items 5–10 none → 平均不良比率 (3 × 1.0 + 0.5) / 10 = 0.35 → 警报 黄色
    calls = valid(rubric, [row(D1, ZHAO, "A001", "M1", {i: 4 for i in ITEMS[:4]}),
                           row(D1, ZHAO, "A001", "M2", {i: 4 for i in ITEMS[:3]})])
    a = analyse(rubric, calls)
    assert a.overall.mean_defect_rate == approx(0.35)
    assert a.overall.mean_defect_level == "警报"
    assert a.colour_days()["黄色"] == 1


# Score bands: final = 2 × Σ − 差错扣分
#   90.5 = 2×46 − 1.5 → 优良        90 = 2×45 − 0 → 轻微不良      85 = 2×44 − 3 → 轻微不良
#   84.5 = 2×43 − 1.5 → 一般不良    80 = 2×40 − 0 → 一般不良      79.5 = 2×40 − 0.5 → 80 分以下
BAND_CASES = [  # (Σ items, 差错扣分, final, band)
    (46, 1.5, 90.5, "excellent"), (45, 0, 90, "slight"), (44, 3, 85, "slight"),
    (43, 1.5, 84.5, "general"), (40, 0, 80, "general"), (40, 0.5, 79.5, "below"),
    (50, 0, 100, "excellent"), (45, 0.5, 89.5, "slight"),
]


def _with_sum(total: int) -> dict[str, int]:
    """Item scores with Σ = total (deficit taken from 业务能力 first, then 双向沟通, …)."""
    deficit, scores = 50 - total, {}
    for name in reversed(ITEMS):
        take = min(5, deficit)
        if take:
            scores[name] = 5 - take
        deficit -= take
    return scores


@pytest.mark.parametrize("total, err, final, band", BAND_CASES)
def test_score_band_boundaries(rubric, total, err, final, band):
    calls = valid(rubric, [row(D1, ZHAO, "A001", "S1", _with_sum(total), err=err)])
    assert calls["final_score"].tolist() == [final]
    f = analyse(rubric, calls).overall
    got = {"excellent": f.excellent_rate, "slight": f.slight_defect_rate,
           "general": f.general_defect_rate, "below": f.below_80_rate}
    assert got == {k: (1.0 if k == band else 0.0) for k in got}


def test_score_bands_all_at_once(rubric):
    # the 6 boundary scores together: 优良 {90.5} 1/6; 轻微 {90, 85} 2/6; 一般 {84.5, 80} 2/6; <80 {79.5} 1/6
    rows = [row(D1, ZHAO, "A001", f"S{k}", _with_sum(t), err=e) for k, (t, e, _, _) in enumerate(BAND_CASES[:6])]
    f = figures(rubric, valid(rubric, rows))
    assert (f.excellent_rate, f.slight_defect_rate, f.general_defect_rate, f.below_80_rate) == \
        approx((1 / 6, 2 / 6, 2 / 6, 1 / 6))
    assert f.mean_score == approx((90.5 + 90 + 85 + 84.5 + 80 + 79.5) / 6)  # 509.5 / 6


# Distribution boundaries: 100 → 20 (top group holds 100); 95 → 20 (lower bound inclusive);
# 94.5 → 19; 0 → 1; 5 → 2; 4.5 → 1.
@pytest.mark.parametrize("total, err, final, group", [
    (50, 0, 100, 20), (48, 1, 95, 20), (48, 1.5, 94.5, 19), (0, 0, 0, 1), (3, 1, 5, 2), (3, 1.5, 4.5, 1),
    (2, 5, 0, 1),  # 4 − 5 → never below 0
])
def test_distribution_boundaries(rubric, total, err, final, group):
    calls = valid(rubric, [row(D1, ZHAO, "A001", "G1", _with_sum(total), err=err)])
    assert calls["final_score"].tolist() == [final]
    d = analyse(rubric, calls).overall.distribution
    assert d["个数"].tolist() == [int(g == group) for g in range(1, 21)]
    assert d["占比"].tolist() == [float(g == group) for g in range(1, 21)]


def test_distribution_function_directly(rubric):
    d = distribution(rubric, np.array([0.0, 4.999, 5.0, 94.5, 95.0, 100.0]))
    assert d["个数"].tolist() == [2, 1] + [0] * 16 + [1, 2]
    assert d["占比"].tolist()[0] == approx(2 / 6)


def test_na_is_never_defect(rubric):
    # call 1: 业务能力 不涉及 (counts 5, not 不良); call 2: 业务能力 4 (不良 E); call 3: every item 不涉及.
    # 业务能力: 1 不良 of n 3 → 1/3; all other items 0; 平均不良比率 = (1/3)/10.
    # finals: 100, 98, 100 → mean 298/3.
    calls = valid(rubric, [row(D1, ZHAO, "A001", "N1", {"业务能力": NA}),
                           row(D1, ZHAO, "A001", "N2", {"业务能力": 4}),
                           row(D1, ZHAO, "A001", "N3", {i: NA for i in ITEMS})])
    assert calls["final_score"].tolist() == [100, 98, 100]
    f = analyse(rubric, calls).overall
    assert item(f, "业务能力").defect_count == 1
    assert item(f, "业务能力").by_class == {"E": 1}
    assert item(f, "业务能力").defect_rate == approx(1 / 3)
    assert item(f, "业务能力").defect_share == approx(1.0)
    assert sum(i.defect_count for i in f.items) == 1
    assert f.mean_defect_rate == approx(1 / 30)
    assert f.mean_score == approx(298 / 3)


def test_error_deduction_is_not_an_item_defect(rubric):
    # every item 5, 差错扣分 10 → final 90, no item 不良.
    calls = valid(rubric, [row(D1, ZHAO, "A001", "X1", {}, err=10)])
    f = figures(rubric, calls)
    assert f.mean_score == 90 and f.mean_defect_rate == 0 and all(i.defect_count == 0 for i in f.items)
    assert f.slight_defect_rate == 1.0


# ================================================================================================
# Duplicates
# ================================================================================================

def test_duplicate_in_one_file_is_reported_and_not_counted(rubric):
    # R1 twice by 赵一 in a.xlsx: the second row is a 重复 finding (an error) and not a valid call.
    checked, calls = read(rubric, ("a.xlsx", [row(D1, ZHAO, "A001", "R1", {"业务能力": 4}),
                                              row(D1, ZHAO, "A001", "R1", {"业务能力": 2}),
                                              row(D1, ZHAO, "A002", "R2", {})]))
    assert len(checked.report.findings) == 1 and "重复" in checked.report.findings[0].message
    a = analyse(rubric, calls)
    assert a.overall.n == 2
    assert a.overall.mean_score == approx((98 + 100) / 2)


def test_duplicate_across_files_counts_once(rubric):
    # R1 by 赵一 in a.xlsx (业务能力 4 → 98) and again in b.xlsx (业务能力 2 → 94): counts once, the
    # first read (98); analysis.duplicates holds the second. R2 (100) is a normal call.
    # n = 2, mean (98 + 100)/2 = 99; 业务能力 不良 1/2 = 0.5.
    checked, calls = read(rubric, ("a.xlsx", [row(D1, ZHAO, "A001", "R1", {"业务能力": 4}),
                                              row(D1, ZHAO, "A002", "R2", {})]),
                          ("b.xlsx", [row(D1, ZHAO, "A001", "R1", {"业务能力": 2})]))
    assert checked.report.findings == [] and len(calls) == 3
    a = analyse(rubric, calls)
    assert (assert_accounted(a.account, rows_read=3).duplicates, a.account.counted) == (1, 2)
    assert a.overall.n == 2
    assert a.overall.mean_score == approx(99.0)
    assert item(a.overall, "业务能力").defect_rate == approx(0.5)
    assert len(a.duplicates) == 1
    dup = a.duplicates.iloc[0]
    assert (dup["file"], dup["recording_id"], dup["inspector"], dup["final_score"]) == ("b.xlsx", "R1", ZHAO, 94)
    assert a.to_dict()["duplicates"] == 1
    assert a.calibration.cases.empty  # one inspector: not a calibration case
    assert dict((i, f.n) for i, f in a.by_inspector) == {ZHAO: 2}
    kept, dups = split_duplicates(calls)
    assert kept["final_score"].tolist() == [98, 100] and dups["final_score"].tolist() == [94]


# ================================================================================================
# Calibration (质检校正)
#
# R201 and R202 are each scored by 赵一, 钱二 and 孙三; R203 by 赵一 only (all 5, final 100).
# Items not listed are 5. Alignment with all max 5 and Σ max 50:
#   Σ_i (5/50)(1 − |s_i − b_i|/5) = 1 − Σ_i |s_i − b_i| / 50.
#
# R201 (D1, agent A001):
#   赵一: 表达能力 4, 灵活处理 3, 业务能力 2          Σ 44 → 88, 差错 0 → 88
#   钱二: 表达能力 4, 灵活处理 4, 业务能力 4          Σ 47 → 94, 差错 0 → 94
#   孙三: 服务态度 4, 表达能力 3, 灵活处理 4, 业务能力 4  Σ 45 → 90, 差错 0 → 90
#   median: 服务态度 5, 表达能力 4, 灵活处理 4, 业务能力 4; 差错 0 → Σ 47 → 94
# R202 (D2, agent A002):
#   赵一: 业务能力 4                                  Σ 49 → 98, 差错 0 → 98
#   钱二: 双向沟通 4, 聆听能力 4, 业务能力 3          Σ 46 → 92, 差错 2 → 90
#   孙三: 聆听能力 3, 业务能力 4                      Σ 47 → 94, 差错 1 → 93
#   median: 双向沟通 5, 聆听能力 4, 业务能力 4; 差错 median(0, 2, 1) = 1 → Σ 48 → 96 − 1 = 95
#
# Benchmark = median:
#   赵一: R201 88 − 94 = −6 (outside ±5), Σ|d| = 0+1+2 = 3 → 0.94
#         R202 98 − 95 = +3 (within),     Σ|d| = 聆听 1      → 0.98
#         mean deviation −1.5, alignment 0.96, 一致率 1/2
#   钱二: R201 94 − 94 = 0,               Σ|d| = 0           → 1.00
#         R202 90 − 95 = −5 (exactly 5: within), Σ|d| = 双向 1 + 业务 1 = 2 → 0.96
#         mean −2.5, alignment 0.98, 一致率 1.0
#   孙三: R201 90 − 94 = −4,              Σ|d| = 态度 1 + 表达 1 = 2 → 0.96
#         R202 93 − 95 = −2,              Σ|d| = 聆听 1      → 0.98
#         mean −3.0, alignment 0.97, 一致率 1.0
#   counted: R203 100, R201 at 94, R202 at 95 → n 3, mean 289/3 = 96.333333
#
# Benchmark = the lead 孙三 (lead="孙三"): R201 → 90, R202 → 93; 孙三 is not judged against himself.
#   赵一: R201 88 − 90 = −2, Σ|d| = 态度 1 + 表达 1 + 灵活 1 + 业务 2 = 5 → 0.90
#         R202 98 − 93 = +5 (exactly 5: within), Σ|d| = 聆听 2 → 0.96
#         mean +1.5, alignment 0.93, 一致率 1.0
#   钱二: R201 94 − 90 = +4, Σ|d| = 态度 1 + 表达 1 = 2 → 0.96
#         R202 90 − 93 = −3, Σ|d| = 双向 1 + 聆听 1 + 业务 1 = 3 → 0.94
#         mean +0.5, alignment 0.95, 一致率 1.0
#   counted: R203 100, R201 at 90, R202 at 93 → n 3, mean 283/3 = 94.333333
# ================================================================================================

CAL_ROWS = [
    row(D1, ZHAO, "A001", "R201", {"表达能力": 4, "灵活处理": 3, "业务能力": 2}),
    row(D1, QIAN, "A001", "R201", {"表达能力": 4, "灵活处理": 4, "业务能力": 4}),
    row(D1, SUN, "A001", "R201", {"服务态度": 4, "表达能力": 3, "灵活处理": 4, "业务能力": 4}),
    row(D2, ZHAO, "A002", "R202", {"业务能力": 4}),
    row(D2, QIAN, "A002", "R202", {"双向沟通": 4, "聆听能力": 4, "业务能力": 3}, err=2),
    row(D2, SUN, "A002", "R202", {"聆听能力": 3, "业务能力": 4}, err=1),
    row(D2, ZHAO, "A003", "R203", {}),
]


@pytest.fixture(scope="module")
def cal_calls(rubric):
    calls = valid(rubric, CAL_ROWS)
    assert calls["final_score"].tolist() == [88, 94, 90, 98, 90, 93, 100]
    return calls


def test_calls_table_has_unique_columns(cal_calls):
    # The calls table must not hold two columns of one name (the reader's 差错扣分 and the engine's
    # error_deduction both end up as "error_deduction"); the analysis selects columns by name.
    dupes = cal_calls.columns[cal_calls.columns.duplicated()].tolist()
    assert dupes == []


def _per_inspector(cal):
    p = cal.per_inspector
    return {r["质检员"]: (r["校正通数"], r["平均偏差"], r["对齐分"], r["一致率"]) for _, r in p.iterrows()}


def test_calibration_median_benchmark(rubric, cal_calls):
    a = analyse(rubric, cal_calls)
    cal = a.calibration
    bench = cal.benchmark_calls.set_index("recording_id")
    assert bench.loc["R201", "final_score"] == 94 and bench.loc["R202", "final_score"] == 95
    assert {k: bench.loc["R201", k] for k in ["服务态度", "表达能力", "灵活处理", "业务能力"]} == \
        {"服务态度": 5, "表达能力": 4, "灵活处理": 4, "业务能力": 4}
    assert {k: bench.loc["R202", k] for k in ["双向沟通", "聆听能力", "业务能力"]} == \
        {"双向沟通": 5, "聆听能力": 4, "业务能力": 4}
    cases = cal.cases.set_index(["录音编号", "质检员"])
    assert cases["偏差"].to_dict() == {
        ("R201", ZHAO): -6, ("R201", QIAN): 0, ("R201", SUN): -4,
        ("R202", ZHAO): 3, ("R202", QIAN): -5, ("R202", SUN): -2}
    assert cases["对齐分"].to_dict() == approx({
        ("R201", ZHAO): 0.94, ("R201", QIAN): 1.0, ("R201", SUN): 0.96,
        ("R202", ZHAO): 0.98, ("R202", QIAN): 0.96, ("R202", SUN): 0.98})
    assert cases["一致"].to_dict() == {
        ("R201", ZHAO): False, ("R201", QIAN): True, ("R201", SUN): True,
        ("R202", ZHAO): True, ("R202", QIAN): True, ("R202", SUN): True}
    assert (cases["基准得分"].xs("R201") == 94).all() and (cases["基准得分"].xs("R202") == 95).all()
    per = _per_inspector(cal)
    assert per == {ZHAO: (2, approx(-1.5), approx(0.96), approx(0.5)),
                   QIAN: (2, approx(-2.5), approx(0.98), approx(1.0)),
                   SUN: (2, approx(-3.0), approx(0.97), approx(1.0))}


def test_calibration_cases_count_once_at_benchmark(rubric, cal_calls):
    a = analyse(rubric, cal_calls)
    # 7 rows read = 3 counted + 4 calibration copies (R201 and R202: 3 scorings each, 1 counted)
    acc = assert_accounted(a.account, rows_read=7)
    assert (acc.counted, acc.calibration_copies) == (3, 4)
    assert a.overall.n == 3
    assert sorted(a.counted["final_score"].tolist()) == [94, 95, 100]
    assert a.overall.mean_score == approx(289 / 3)
    # counted 不良 (R201 at benchmark: 表达, 灵活, 业务; R202: 聆听, 业务; R203: none)
    assert [item(a.overall, i).defect_count for i in ITEMS] == [0, 0, 0, 0, 1, 0, 1, 0, 1, 2]
    assert a.duplicates.empty
    # Inspectors are judged on what they scored: 赵一 R201 88, R202 98, R203 100 → n 3, mean 286/3
    got = {i: (f.n, f.mean_score) for i, f in a.by_inspector}
    assert got == {ZHAO: (3, approx(286 / 3)), QIAN: (2, approx(92.0)), SUN: (2, approx(91.5))}
    # Agents and days count each recording once: A001 R201 94; A002 R202 95; A003 R203 100
    assert {k[0]: (f.n, f.mean_score) for k, f in a.by_agent} == \
        {"A001": (1, 94), "A002": (1, 95), "A003": (1, 100)}
    assert {d: f.n for d, f in a.by_day} == {D1: 1, D2: 2}


def test_calibration_with_lead(rubric, cal_calls):
    a = analyse(rubric, cal_calls, lead=SUN)
    cal = a.calibration
    bench = cal.benchmark_calls.set_index("recording_id")
    assert bench.loc["R201", "final_score"] == 90 and bench.loc["R202", "final_score"] == 93
    cases = cal.cases.set_index(["录音编号", "质检员"])
    assert set(cases.index.get_level_values("质检员")) == {ZHAO, QIAN}  # the lead is the benchmark
    assert cases["偏差"].to_dict() == {("R201", ZHAO): -2, ("R201", QIAN): 4,
                                      ("R202", ZHAO): 5, ("R202", QIAN): -3}
    assert cases["对齐分"].to_dict() == approx({("R201", ZHAO): 0.90, ("R201", QIAN): 0.96,
                                             ("R202", ZHAO): 0.96, ("R202", QIAN): 0.94})
    assert cases["一致"].all()  # |+5| counts as within ±5
    assert _per_inspector(cal) == {ZHAO: (2, approx(1.5), approx(0.93), approx(1.0)),
                                   QIAN: (2, approx(0.5), approx(0.95), approx(1.0))}
    assert a.overall.n == 3
    assert a.overall.mean_score == approx(283 / 3)  # 100 + 90 + 93


def test_calibration_lead_who_did_not_score_falls_back_to_median(rubric, cal_calls):
    a = analyse(rubric, cal_calls, lead=ZHOU)
    bench = a.calibration.benchmark_calls.set_index("recording_id")
    assert bench.loc["R201", "final_score"] == 94 and bench.loc["R202", "final_score"] == 95
    assert _per_inspector(a.calibration)[ZHAO] == (2, approx(-1.5), approx(0.96), approx(0.5))


def test_calibrate_band_is_configurable(rubric, cal_calls):
    # band ±3: 赵一 −6 out, +3 in → 0.5; 钱二 0 in, −5 out → 0.5; 孙三 −4 out, −2 in → 0.5
    cal = calibrate(rubric, cal_calls, band=3)
    assert {k: v[3] for k, v in _per_inspector(cal).items()} == approx({ZHAO: 0.5, QIAN: 0.5, SUN: 0.5})


def test_counted_calls_function(rubric, cal_calls):
    counted, dups, cal = counted_calls(rubric, cal_calls)
    assert len(counted) == 3 and dups.empty
    assert sorted(counted["recording_id"].tolist()) == ["R201", "R202", "R203"]
    assert len(cal.benchmark_calls) == 2


def test_duplicate_and_calibration_together(rubric):
    # a.xlsx: R301 by 赵一 (业务能力 4 → 98), R301 by 钱二 (业务能力 2 → 94);
    # b.xlsx: R301 by 赵一 again (业务能力 0 → 90) — a duplicate of 赵一's first, dropped before calibration.
    # Calibration of R301 with 2 scorings: median 业务能力 (4 + 2)/2 = 3 → Σ 48 → 96.
    # n = 1 at 96; 赵一 98 − 96 = +2, 钱二 94 − 96 = −2; alignment 1 − 1/50 = 0.98 each.
    checked, calls = read(rubric, ("a.xlsx", [row(D1, ZHAO, "A001", "R301", {"业务能力": 4}),
                                              row(D1, QIAN, "A001", "R301", {"业务能力": 2})]),
                          ("b.xlsx", [row(D1, ZHAO, "A001", "R301", {"业务能力": 0})]))
    assert checked.report.findings == [] and len(calls) == 3
    a = analyse(rubric, calls)
    acc = assert_accounted(a.account, rows_read=3)  # 1 counted + 1 duplicate + 1 calibration copy
    assert (acc.counted, acc.duplicates, acc.calibration_copies) == (1, 1, 1)
    assert len(a.duplicates) == 1 and a.duplicates.iloc[0]["final_score"] == 90
    assert a.overall.n == 1 and a.overall.mean_score == 96
    assert _per_inspector(a.calibration) == {ZHAO: (1, approx(2.0), approx(0.98), approx(1.0)),
                                             QIAN: (1, approx(-2.0), approx(0.98), approx(1.0))}


# ================================================================================================
# Empty scopes
# ================================================================================================

def test_no_valid_calls(rubric):
    # every row is an error (业务能力 7): nothing counts; figures are zeros, not a crash.
    checked, calls = read(rubric, ("a.xlsx", [row(D1, ZHAO, "A001", "Z1", {"业务能力": 7})]))
    assert calls.empty
    a = analyse(rubric, calls)
    assert a.overall.n == 0 and a.overall.mean_score is None
    assert a.overall.mean_defect_rate == 0 and a.overall.mean_defect_level == "关注"
    assert a.overall.distribution["个数"].sum() == 0
    assert a.by_day == [] and a.colour_days() == {c: 0 for c in COLOURS}
    assert a.to_dict()["n"] == 0


def test_sheet_with_header_only(rubric):
    # An inspector's sheet with no rows yet: n = 0, the analysis must not crash.
    checked, calls = read(rubric, ("a.xlsx", []))
    a = analyse(rubric, calls)
    assert a.overall.n == 0 and a.overall.mean_score is None
    assert a.to_dict()["items"][0]["defect_rate"] == 0.0
    assert isinstance(a, Analysis)


def test_scores_equal_on_paper_share_the_rank():
    # qc-v3.1 scores are raw × 100/109: an agent with raw 80 and 82 has the mean 81 × 100/109, the
    # same as an agent with two calls of raw 81, yet pandas gives 74.3119266055046 against
    # 74.31192660550458. In the 质检考核统计表 both rank 1 (then 3), as the ranks the lead reads.
    import pandas as pd

    from zhijian.engine.analysis import score_rank

    s = lambda raw: raw * 100 / 109  # noqa: E731
    means = pd.Series([pd.Series([s(80), s(82)]).mean(), pd.Series([s(81), s(81)]).mean(), 60.0, np.nan])
    assert means[0] != means[1]
    assert score_rank(means).tolist()[:3] == [1.0, 1.0, 3.0] and np.isnan(score_rank(means)[3])
