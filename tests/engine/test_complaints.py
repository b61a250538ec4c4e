"""投诉表扬登记表 and 总部拨测登记表 (engine.complaints), with counts worked out BY HAND.

October 2026 (T7 is September's; T8 and the second T2 are refused):
  T1 太原 A1 投诉 集团   成立 服务类   re-check 09:00 → 10:30  (1.5 h ≤ 2 h: on time)
  T2 太原 A1 投诉 客户   成立 业务类   re-check 09:00 → 11:30  (2.5 h > 2 h: late)
  T3 晋中 A2 投诉 工信部 不成立        re-check 14:00 → 15:00, limit 0.5 h (late)
  T4 晋中 A2 投诉 客户   待定          re-check asked 09:00, no answer (未回复)
  T5 太原 A3 表扬 客户   成立
  T6 晋中 A3 表扬 客户   不成立
  T9 太原 A3 投诉 客户   "可能" (a warning: 待定), 分类 "态度类" (a warning: none)
  → 投诉 5: 成立 2 (服务类 1, 业务类 1), 不成立 1, 待定 2, 成立率 2 / (2 + 1); 表扬 2, 成立 1;
    re-checks 4: on time 1, late 2, unanswered 1.
总部拨测 (October): B1 移网 12.5/15, B2 移网 10/15 (1 致命性错误), B3 固网 90/100 (满分 blank),
  B4 固网 80/100 (2 致命性错误); B5's score "abc" is refused.
  → 移网 n 2, mean 11.25, 得分率 (0.8333 + 0.6667) / 2 = 0.75, fatal 1; 固网 n 2, mean 85, 0.85, fatal 2;
    合计 n 4, mean 48.125, 得分率 0.8, fatal 3 in 2 calls.
"""

from __future__ import annotations

import datetime as dt

import pytest

from zhijian.engine.complaints import (complaint_figures, complaints_section, hq_call_figures, read_complaints,
                                       read_hq_calls, register_kind)
from zhijian.engine.periods import parse_period
from zhijian.engine.reader import Grid

D = dt.date
T = dt.datetime
HEAD = ["日期", "工单编号", "中心", "坐席工号", "坐席姓名", "类型", "来源", "是否成立", "问题分类", "复核请求时间",
        "复核回复时间", "复核时限(小时)", "说明"]
ORDERS = [
    [D(2026, 10, 8), "T1", "太原", "A1", "甲", "投诉", "集团", "是", "服务类", T(2026, 10, 8, 9), T(2026, 10, 8, 10, 30), None, ""],
    [D(2026, 10, 9), "T2", "太原", "A1", "甲", "投诉", "客户", "是", "业务类", T(2026, 10, 9, 9), T(2026, 10, 9, 11, 30), None, ""],
    [D(2026, 10, 10), "T3", "晋中", "A2", "乙", "投诉", "工信部", "否", None, T(2026, 10, 10, 14), T(2026, 10, 10, 15), 0.5, ""],
    [D(2026, 10, 11), "T4", "晋中", "A2", "乙", "投诉", "客户", None, None, T(2026, 10, 11, 9), None, None, ""],
    [D(2026, 10, 12), "T5", "太原", "A3", "丙", "表扬", "客户", "是", None, None, None, None, ""],
    [D(2026, 10, 13), "T6", "晋中", "A3", "丙", "表扬", "客户", "否", None, None, None, None, ""],
    [D(2026, 9, 30), "T7", "太原", "A1", "甲", "投诉", "集团", "是", "服务类", None, None, None, ""],
    [D(2026, 10, 14), "T8", "太原", "A1", "甲", "咨询", "客户", None, None, None, None, None, ""],
    [D(2026, 10, 15), "T2", "太原", "A1", "甲", "投诉", "客户", "是", None, None, None, None, "重复"],
    [D(2026, 10, 16), "T9", "太原", "A3", "丙", "投诉", "客户", "可能", "态度类", None, None, None, ""],
]
CALL_HEAD = ["日期", "拨测编号", "网别", "坐席工号", "坐席姓名", "得分", "满分", "致命性错误", "问题描述"]
CALLS = [
    [D(2026, 10, 8), "B1", "移网", "A1", "甲", 12.5, 15, 0, ""],
    [D(2026, 10, 9), "B2", "移网", "A2", "乙", 10, 15, 1, "传递错误信息"],
    [D(2026, 10, 10), "B3", "固网", "A1", "甲", 90, None, None, ""],
    [D(2026, 10, 11), "B4", "固网", "A3", "丙", 80, 100, 2, "让用户等待超时"],
    [D(2026, 10, 12), "B5", "固网", "A3", "丙", "abc", 100, 0, ""],
]
OCT, SEP = parse_period("2026-10"), parse_period("2026-09")
approx = pytest.approx


@pytest.fixture(scope="module")
def orders():
    grid = Grid("登记表.xlsx", "投诉表扬登记表", [["投诉表扬登记表"], HEAD, *ORDERS])
    assert register_kind(grid) == "complaints"
    return read_complaints(grid)


@pytest.fixture(scope="module")
def calls():
    grid = Grid("登记表.xlsx", "总部拨测登记表", [CALL_HEAD, *CALLS])
    assert register_kind(grid) == "hq_calls"
    return read_hq_calls(grid)


def test_refused_rows_and_warnings_point_at_their_cells(orders, calls):
    _, findings = orders
    assert [(f.severity, f.cell) for f in findings] == [
        ("error", "F10"), ("error", "B11"), ("warning", "H12"), ("warning", "I12")]
    assert "投诉/表扬" in findings[0].message and "重复登记" in findings[1].message
    _, call_findings = calls
    assert [(f.rule, f.cell) for f in call_findings] == [("hq_call.invalid", "F6")]


def test_complaint_counts_upheld_rate_and_classes(orders):
    f = complaint_figures(orders[0], OCT)
    summary = f.summary.set_index("类型")
    assert summary.loc["投诉"].to_dict() == {"工单数": 5, "成立": 2, "不成立": 1, "待定": 2, "成立率": approx(2 / 3),
                                            "服务类": 1, "业务类": 1}
    assert (summary.loc["表扬", "工单数"], summary.loc["表扬", "成立"]) == (2, 1)
    centre = f.by_centre.set_index("中心")
    assert centre.loc["太原"].to_dict() == {"投诉": 3, "投诉成立": 2, "表扬": 1, "表扬成立": 1}
    assert centre.loc["晋中"].to_dict() == {"投诉": 2, "投诉成立": 0, "表扬": 1, "表扬成立": 0}
    source = f.by_source.set_index("来源")
    assert source.loc["客户", "投诉"] == 3 and source.loc["集团", "投诉成立"] == 1
    assert list(f.by_agent["工号"])[0] == "A1"  # the most upheld complaints first


def test_rechecks_late_against_the_two_hour_rule(orders):
    f = complaint_figures(orders[0], OCT)
    assert f.rechecks == {"复核": 4, "按时": 1, "超时": 2, "未回复": 1, "时间有误": 0}
    assert list(f.late["工单编号"]) == ["T2", "T3", "T4"]
    assert list(f.late["说明"]) == ["超时", "超时", "未回复"]
    assert f.late["用时(小时)"].iloc[0] == approx(2.5)
    assert f.late["时限(小时)"].tolist()[:2] == [2.0, 0.5]


def test_head_office_test_calls_by_line(calls):
    t = hq_call_figures(calls[0], OCT)
    s = t.summary.set_index("网别")
    assert s.loc["移网"].to_dict() == {"通数": 2, "平均得分": 11.25, "平均得分率": approx(0.75), "致命性错误": 1,
                                      "有致命性错误的通数": 1}
    assert s.loc["固网", "平均得分率"] == approx(0.85)
    assert s.loc["合计"].to_dict() == {"通数": 4, "平均得分": 48.125, "平均得分率": approx(0.8), "致命性错误": 3,
                                      "有致命性错误的通数": 2}
    assert list(t.fatal["拨测编号"]) == ["B2", "B4"]


def test_month_over_month_rows(orders, calls):
    section = complaints_section("2026年10月", OCT, orders[0], calls[0], [("9月", SEP), ("10月", OCT)], [])
    rows = section.months.set_index("月份")
    assert rows.loc["9月", "投诉工单"] == 1 and rows.loc["9月", "成立率"] == 1.0
    assert rows.loc["10月", "投诉工单"] == 5 and rows.loc["10月", "复核超时"] == 3
    assert rows.loc["10月", "拨测通数"] == 4 and rows.loc["9月", "拨测通数"] == 0
    d = section.to_dict()
    assert d["complaints"]["complaints"] == 5 and d["hq_calls"]["fatal_errors"] == 3


def test_a_reply_before_its_request_is_neither_on_time_nor_late():
    """T1 answered 10:30 after a 09:00 request (on time); T2 "answered" at 08:00 for a 09:00
    request: a typo in one of the two times, so its time is unknown. A warning at its cell, and
    the re-check counts as 时间有误, listed, never as 按时 (−1 h ≤ 2 h was taken for on time)."""
    rows = [[D(2026, 10, 8), "T1", "太原", "A1", "甲", "投诉", "集团", "是", "服务类", T(2026, 10, 8, 9),
             T(2026, 10, 8, 10, 30), None, ""],
            [D(2026, 10, 9), "T2", "太原", "A1", "甲", "投诉", "客户", "是", "业务类", T(2026, 10, 9, 9),
             T(2026, 10, 9, 8), None, ""]]
    found, findings = read_complaints(Grid("登记表.xlsx", "投诉表扬登记表", [HEAD, *rows]))
    assert [(f.severity, f.cell) for f in findings] == [("warning", "K3")]
    f = complaint_figures(found, OCT)
    assert f.rechecks == {"复核": 2, "按时": 1, "超时": 0, "未回复": 0, "时间有误": 1}
    assert list(f.late["工单编号"]) == ["T2"] and list(f.late["说明"]) == ["回复早于请求,时间有误"]
