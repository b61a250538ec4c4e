"""Every row read is counted or accounted for (accounting.py), with hand-counted rows.

The corpus, rubric `listening-10x4`, reported for November 2026 (items not listed are 5):

  a.xlsx, 赵一                                            November report      October report
    row 2  R1  A001 11-02                                counted (benchmark)  outside
    row 3  R2  A001 11-02  业务能力 3                     counted (96)         outside
    row 4  R3  A002 11-03  服务态度 "优秀"                 error                outside
    row 5  R4  A002 "2026-1O-14" (letter O)              error (no period)    error (no period)
    row 6  R5  A002 "14/10/2026"                         error (no period)    error (no period)
    row 7  R6  A002 "2026-10-32"                         error (no period)    error (no period)
    row 8  R7  A002 blank date                           error (no period)    error (no period)
    row 9  R8  A003 10-30                                outside              counted
    row 10 R2  A001 11-02 again (same inspector, file)   duplicate            outside
    row 11 R9  A099 11-04 (not on the roster)            unknown agent        outside
  b.xlsx, 钱二
    row 2  R10 A003 11-04                                counted              outside
    row 3  R1  A001 11-02 (scored again by 钱二)          calibration copy     outside
  c.xlsx, 赵一
    row 2  R2  A001 11-02 (赵一's R2 again, another file) duplicate            outside

13 rows read. November with the roster: 3 counted + 5 errors + 1 outside + 2 duplicates
+ 1 calibration copy + 1 unknown agent = 13. Without the roster R9 counts: 4 + 5 + 1 + 2 + 1 = 13.
October: 1 counted (R8) + 4 errors (the undated rows: in every report) + 8 outside = 13.
"""

from __future__ import annotations

import datetime as dt

import pytest

from accounting import assert_accounted
from zhijian.engine.accounting import select
from zhijian.engine.analysis import analyse
from zhijian.engine.periods import parse_period
from zhijian.engine.reader import Grid
from zhijian.engine.roster import Roster
from zhijian.engine.validate import check_grids
from zhijian.files.rubrics import load_rubric

ITEMS = ["开场白及挂机", "服务态度", "服务用语", "语速音量", "表达能力", "主动推介", "灵活处理", "双向沟通",
         "聆听能力", "业务能力"]
HEADER = ["日期", "质检员", "工号", "姓名", "录音编号", *ITEMS, "差错扣分"]
NOV, OCT = parse_period("2026-11"), parse_period("2026-10")
D2, D3, D4 = dt.date(2026, 11, 2), dt.date(2026, 11, 3), dt.date(2026, 11, 4)
ROSTER = Roster({"A001": ("张三", "一组"), "A002": ("李四", "一组"), "A003": ("王五", "二组")})


def row(date, inspector, agent, rid, **scores):
    return [date, inspector, agent, "某人", rid, *[scores.get(i, 5) for i in ITEMS], 0]


def grids():
    a = [HEADER,
         row(D2, "赵一", "A001", "R1"),
         row(D2, "赵一", "A001", "R2", 业务能力=3),
         row(D3, "赵一", "A002", "R3", 服务态度="优秀"),
         row("2026-1O-14", "赵一", "A002", "R4"),
         row("14/10/2026", "赵一", "A002", "R5"),
         row("2026-10-32", "赵一", "A002", "R6"),
         row(None, "赵一", "A002", "R7"),
         row(dt.date(2026, 10, 30), "赵一", "A003", "R8"),
         row(D2, "赵一", "A001", "R2", 业务能力=3),
         row(D4, "赵一", "A099", "R9")]
    b = [HEADER, row(D4, "钱二", "A003", "R10"), row(D2, "钱二", "A001", "R1")]
    c = [HEADER, row(D2, "赵一", "A001", "R2", 业务能力=2)]
    return [Grid("a.xlsx", "评分表", a), Grid("b.xlsx", "评分表", b), Grid("c.xlsx", "评分表", c)]


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("listening-10x4")


def report(rubric, period, roster=None):
    checked = check_grids(rubric, grids(), roster=roster)
    sel = select(checked.calls, checked.report.findings, period, roster_given=roster is not None)
    return checked, analyse(rubric, sel.calls, account=sel.account)


def listed(account) -> dict[tuple[str, int], str]:
    u = account.uncounted
    return {(f, int(r)): reason for f, r, reason in zip(u["file"], u["row"], u["reason"])}


def test_november_with_the_roster(rubric):
    checked, a = report(rubric, NOV, ROSTER)
    acc = assert_accounted(a.account, rows_read=13)
    assert (acc.counted, acc.excluded, acc.outside_period, acc.duplicates, acc.calibration_copies,
            acc.unknown_agents) == (3, 5, 1, 2, 1, 1)
    assert acc.identity_text() == "读取 13 行 = 计入 3 + 校验错误 5 + 统计期外 1 + 重复 2 + 校正副本 1 + 名单外工号 1"
    assert listed(acc) == {("a.xlsx", 4): "校验错误", ("a.xlsx", 5): "校验错误", ("a.xlsx", 6): "校验错误",
                           ("a.xlsx", 7): "校验错误", ("a.xlsx", 8): "校验错误", ("a.xlsx", 10): "重复录音",
                           ("a.xlsx", 11): "名单外工号", ("b.xlsx", 3): "校正副本", ("c.xlsx", 2): "重复录音"}
    # n = the counted calls: R1 at its benchmark (100), R2 (96), R10 (100)
    assert a.overall.n == 3 and a.overall.mean_score == pytest.approx(296 / 3)
    assert sorted(aid for (aid, _), _ in a.by_agent) == ["A001", "A003"]  # A099 in no table
    assert a.to_dict()["accounting"]["unknown_agents"] == 1


def test_every_row_left_out_says_why(rubric):
    _, a = report(rubric, NOV, ROSTER)
    u = a.account.uncounted.set_index(["file", "row"])
    detail = u["detail"].to_dict()
    assert "“服务态度”的分数“优秀”无法识别" in detail[("a.xlsx", 4)]
    for r, text in ((5, "2026-1O-14"), (6, "14/10/2026"), (7, "2026-10-32")):
        assert f"无法识别的日期“{text}”" in detail[("a.xlsx", r)] and "不属于任何统计期" in detail[("a.xlsx", r)]
    assert detail[("a.xlsx", 8)] == "日期为空: 这一行不属于任何统计期,不计入统计"
    assert "重复评分" in detail[("a.xlsx", 10)]
    assert detail[("c.xlsx", 2)] == "录音“R2”同一质检员已评分(首次在 a.xlsx 评分表 第 3 行),只计第一次"
    assert detail[("a.xlsx", 11)] == "工号“A099”不在人员名单中"
    assert "由 2 名质检员评分,按校正基准计一次" in detail[("b.xlsx", 3)]


def test_without_a_roster_ids_are_not_checked(rubric):
    _, a = report(rubric, NOV)
    acc = assert_accounted(a.account, rows_read=13)
    assert (acc.counted, acc.unknown_agents, acc.roster_checked) == (4, None, False)
    assert "名单外工号" not in acc.identity_text()
    assert dict((r[0], r[2]) for r in acc.rows())["名单外工号"] == "未提供人员名单,工号未核对"


def test_undated_rows_are_excluded_in_every_report(rubric):
    _, a = report(rubric, OCT, ROSTER)
    acc = assert_accounted(a.account, rows_read=13)
    assert (acc.counted, acc.excluded, acc.outside_period, acc.duplicates, acc.calibration_copies,
            acc.unknown_agents) == (1, 4, 8, 0, 0, 0)
    assert sorted(r for f, r in listed(acc)) == [5, 6, 7, 8]


def test_each_blank_or_unreadable_date_is_an_error_at_its_cell(rubric):
    checked, _ = report(rubric, NOV)
    dates = sorted((str(f.rule), f.cell) for f in checked.report.findings if f.rule.startswith("date."))
    assert dates == [("date.missing", "A8"), ("date.unreadable", "A5"), ("date.unreadable", "A6"),
                     ("date.unreadable", "A7")]
    assert all(f.severity == "error" for f in checked.report.findings if f.rule.startswith("date."))


def test_the_identity_does_not_hold_when_a_row_is_dropped(rubric):
    _, a = report(rubric, NOV, ROSTER)
    a.account.rows_read += 1  # a row read that no category holds
    assert not a.account.holds() and a.account.balance == 1
    with pytest.raises(AssertionError, match="1 rows unaccounted"):
        assert_accounted(a.account)


# --- totals that disagree -------------------------------------------------------------------------

def sheet(rows):
    head = ["日期", "质检员", "工号", "录音编号", *ITEMS, "差错扣分", "最终得分"]
    out = [head]
    for k, (scores, err, total) in enumerate(rows, start=1):
        out.append([D2, "赵一", "A001", f"T{k}", *scores, err, total])
    return [Grid("t.xlsx", "评分表", out)]


# A team whose sheet forgets 差错扣分 in its total: the items are the record.
#   T1 all 5, 差错 0: 100, sheet 100            T2 业务能力 3: 96, sheet 96
#   T3 all 4, 差错 5: 80 − 5 = 75, sheet 80     T4 eight 4s two 3s: 76 − 6 = 70, sheet 76
#   T5 all 5, 差错 10: 90, sheet 100
FORGETS_ERRORS = [([5] * 10, 0, 100), ([5] * 9 + [3], 0, 96), ([4] * 10, 5, 80), ([4] * 8 + [3, 3], 6, 76),
                  ([5] * 10, 10, 100)]


def test_a_sheet_whose_totals_mostly_disagree_is_refused(rubric):
    checked = check_grids(rubric, sheet(FORGETS_ERRORS))
    (err,) = [f for f in checked.report.findings if f.severity == "error"]
    assert (err.rule, err.cell) == ("sheet.total_mismatch", "P1")
    assert err.message == ("本表的合计与评分标准不符: 有合计的 5 行中有 3 行与按《质检监听评分表》计算的不同"
                           "(例如 第 4 行表中 80、计算 75、第 5 行表中 76、计算 70、第 6 行表中 100、计算 90);"
                           "本表各行暂不计入统计")
    warnings = [(f.cell, f.message) for f in checked.report.findings if f.severity == "warning"]
    assert warnings[0] == ("P4", "表中总分 80 与按评分标准计算的 75 不符,统计按 75 计") and len(warnings) == 3
    sel = select(checked.calls, checked.report.findings, NOV)
    a = analyse(rubric, sel.calls, account=sel.account)
    acc = assert_accounted(a.account, rows_read=5)
    assert (acc.counted, acc.excluded) == (0, 5)  # not counted until the rubric or the sheet is fixed
    assert set(acc.uncounted["detail"]) == {err.message}


@pytest.mark.parametrize("rows, counted_mean", [
    # one of five disagrees (T3): a warning, and T3 counts at the engine's 75
    ([FORGETS_ERRORS[0], FORGETS_ERRORS[1], FORGETS_ERRORS[2], ([5] * 10, 0, 100), ([4] * 10, 0, 80)],
     (100 + 96 + 75 + 100 + 80) / 5),
    # two of three disagree: over half, but fewer than 3 rows: warnings only
    ([FORGETS_ERRORS[0], FORGETS_ERRORS[2], FORGETS_ERRORS[3]], (100 + 75 + 70) / 3),
    # three of six: exactly half, not over it
    ([*FORGETS_ERRORS, ([4] * 10, 0, 80)], (100 + 96 + 75 + 70 + 90 + 80) / 6),
], ids=["1-of-5", "2-of-3", "3-of-6"])
def test_a_few_totals_that_disagree_count_at_the_engines_score(rubric, rows, counted_mean):
    checked = check_grids(rubric, sheet(rows))
    assert {str(f.rule) for f in checked.report.findings} == {"total.mismatch"}
    assert all(f.severity == "warning" for f in checked.report.findings)
    sel = select(checked.calls, checked.report.findings, NOV)
    a = analyse(rubric, sel.calls, account=sel.account)
    assert_accounted(a.account, rows_read=len(rows))
    assert a.overall.n == len(rows) and a.overall.mean_score == pytest.approx(counted_mean)


def test_a_wrong_score_is_reported_as_such_not_as_a_wrong_total(rubric):
    # An inspector's 82 with 业务能力 left blank: 2 × 41 = 82 by hand; the engine gives no score
    # (never 92 with the blank read as 不涉及) and says why, not that the total disagrees.
    checked = check_grids(rubric, sheet([([5, 5, 5, 5, 4, 4, 4, 5, 4, None], 0, 82)]))
    assert [(str(f.rule), f.cell) for f in checked.report.findings] == [("score.missing", "N2")]
    call = checked.calls.iloc[0]
    assert not call["scorable"] and call["final_score"] != call["final_score"]  # NaN: no score
