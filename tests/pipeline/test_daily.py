"""The lead's day with hand-worked numbers (tests/dailykit.py: the week of 12–14 October 2026):
serious problems, repeated problems within the week, the 班前会 points, missing inspectors, the
vouchers and their status under appeals. SERIOUS is listening-10x4 with 业务能力 marked 严重, for
what a 严重 item 不良 does (the bundled rubric has none)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from dailykit import MON, PHONE, TUE, WED, roster, serious_items_rubric, week_folder
from zhijian.engine.appeals import register_headers
from zhijian.engine.daily import parse_repeat_window, repeat_period
from zhijian.errors import InputFileError, NothingToReport
from zhijian.files.inspectors import read_inspectors
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.daily import daily_package, penalties_register
from zhijian.reports.appeals_template import write_appeals_template

RUBRIC = load_rubric("listening-10x4")
SERIOUS = serious_items_rubric()


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    d = tmp_path_factory.mktemp("week")
    return week_folder(d / "评分表"), roster(d / "人员名单.xlsx")


def package(week, day=WED, rubric=RUBRIC, **kw):
    folder, ros = week
    return daily_package(rubric, [str(folder)], date=day, roster=ros, **kw)


def test_the_days_figures(week):
    rep = package(week).report
    o = rep.analysis.overall
    assert o.n == 6 and o.mean_score == pytest.approx(590 / 6)
    assert rep.error_calls == 1 and rep.error_points == 2 and rep.fatal_errors == 1
    wang, chen = rep.inspectors.to_dict("records")  # by name, as the other reports sort them
    assert (chen["质检员"], chen["评分通数"], chen["定额"]) == ("陈静", 3, 60)
    assert chen["完成率"] == pytest.approx(3 / 60) and chen["平均分"] == pytest.approx((96 + 100 + 98) / 3)
    assert (chen["致命性错误"], chen["差错扣分通数"]) == (1, 0)
    assert (wang["质检员"], wang["评分通数"], wang["差错扣分通数"], wang["差错扣分合计"]) == ("王丽", 3, 1, 2)


def test_serious_problems_are_the_yellow_items_the_error_deductions_and_the_fatal_errors(week):
    serious = package(week, rubric=SERIOUS).report.serious
    assert [(c.recording_id, c.reasons()) for c in sorted(serious, key=lambda c: c.recording_id)] == [
        ("R302", ["差错扣分 2 分"]),
        ("R304", ["严重项不良: 业务能力 3/5 分"]),
        ("R305", ["致命性错误 1 起"])]


def test_on_the_bundled_rubric_serious_problems_are_its_error_deductions_and_fatal_errors(week):
    # R304's 业务能力 3 is an ordinary 不良 there (all ten items 一般): on the log, not a voucher.
    serious = package(week).report.serious
    assert [(c.recording_id, c.reasons()) for c in sorted(serious, key=lambda c: c.recording_id)] == [
        ("R302", ["差错扣分 2 分"]), ("R305", ["致命性错误 1 起"])]
    reg = package(week).register
    assert [(v.number, v.case.recording_id, v.points) for v in reg.vouchers] == [
        ("KF20261014-001", "R302", 2), ("KF20261014-002", "R305", 10)]


def test_three_times_the_same_item_in_the_week_lists_the_agent(week):
    rep = package(week).report
    assert rep.repeat_period.start == MON and rep.repeat_period.end == WED
    [p] = rep.repeated  # 张三: R101, R201, R301; 王五 had 3 by Tuesday but none today; 李四 only 2
    assert (p.agent_id, p.agent_name, p.item, p.count, p.today) == ("A001", "张三", "主动推介", 3, 1)
    assert [(c.date, c.recording_id, c.score) for c in p.calls] == [(MON, "R101", 4), (TUE, "R201", 3),
                                                                   (WED, "R301", 4)]
    tuesday = package(week, day=TUE).report.repeated
    assert [(p.agent_name, p.count) for p in tuesday] == [("王五", 3)]  # R103, R104, R203


def test_the_repeat_window_and_times_are_options(week):
    assert package(week, repeat_times=4).report.repeated == []
    # The last 2 days (Tue–Wed): 张三 has 2, so nobody reaches 3; with 2 times he is listed.
    assert package(week, repeat_window=2).report.repeated == []
    [p] = package(week, repeat_window=2, repeat_times=2).report.repeated
    assert (p.agent_id, p.count) == ("A001", 2)
    assert parse_repeat_window("7") == 7 and parse_repeat_window("week") == "week"
    assert repeat_period(WED, 7).start == dt.date(2026, 10, 8)
    with pytest.raises(InputFileError, match="重复问题统计窗口"):
        parse_repeat_window("fortnight")


def test_briefing_points_are_the_items_with_the_most_defects_each_with_a_case(week):
    points = package(week).report.briefing
    assert [(p.rank, p.item, p.defect_count, p.n) for p in points] == [
        (1, "服务用语", 1, 6), (2, "主动推介", 1, 6), (3, "业务能力", 1, 6)]  # ties: rubric order
    assert all(p.defect_rate == pytest.approx(1 / 6) for p in points)
    assert [(p.example.recording_id, p.example.agent_name, p.example.score) for p in points] == [
        ("R306", "孙八", 4), ("R301", "张三", 4), ("R304", "赵六", 3)]
    assert points[0].example.remark == "口语化;客户回电 139****5678"  # masked: the log is e-mailed
    assert PHONE not in points[0].text()


def test_a_missing_inspector_is_listed(week):
    rep = package(week).report
    assert rep.missing == ["赵敏"]
    assert [(s.inspector, s.status, s.rows) for s in rep.submissions] == [
        ("王丽", "已交", 3), ("陈静", "已交", 3), ("赵敏", "未交", 0)]
    assert "质检员" in rep.inspectors_source
    folder, _ = week
    rep = daily_package(RUBRIC, [str(folder)], date=WED, inspectors=["陈静", "李娜"]).report
    assert rep.missing == ["李娜"]
    assert [s.status for s in rep.submissions] == ["已交", "未交", "已交(不在名单中)"]  # 王丽 is not on it


def test_without_a_list_the_inspectors_of_the_week_before_are_expected(week):
    folder, _ = week
    rep = daily_package(RUBRIC, [str(folder)], date=WED).report
    assert rep.missing == [] and [s.inspector for s in rep.submissions] == ["王丽", "陈静"]
    assert "前 7 天" in rep.inspectors_source


def test_the_roster_inspector_list_sheet_or_column(tmp_path):
    names, where = read_inspectors(roster(tmp_path / "a.xlsx", ("陈静", "王丽")))
    assert names == ["陈静", "王丽"] and "“质检员”工作表" in where
    wb = openpyxl.Workbook()
    wb.active.append(["工号", "姓名", "质检员"])
    for agent, insp in (("A1", "王丽"), ("A2", "陈静"), ("A3", "王丽")):
        wb.active.append([agent, "某某", insp])
    wb.save(tmp_path / "b.xlsx")
    assert read_inspectors(tmp_path / "b.xlsx")[0] == ["王丽", "陈静"]
    wb = openpyxl.Workbook()
    wb.active.append(["工号", "姓名"])
    wb.save(tmp_path / "c.xlsx")
    names, where = read_inspectors(tmp_path / "c.xlsx")
    assert names is None and "没有质检员名单" in where


def test_on_duty_and_whose_turn_is_next(week):
    rep = package(week, on_duty="陈静").report  # the rotation: the roster's list 王丽, 陈静, 赵敏
    assert (rep.on_duty, rep.next_on_duty) == ("陈静", "赵敏")
    rep = package(week, on_duty="赵敏", rotation=["王丽", "赵敏"]).report
    assert rep.next_on_duty == "王丽"  # round again
    assert package(week).report.next_on_duty is None


# --- vouchers and the 扣罚登记表 -------------------------------------------------------------------

def test_one_voucher_per_serious_call_with_its_proposed_points(week):
    reg = package(week, rubric=SERIOUS).register
    assert [(v.number, v.case.recording_id, v.points, v.proposal.basis, v.status) for v in reg.vouchers] == [
        ("KF20261014-001", "R302", 2, "差错扣分", "待确认"),
        ("KF20261014-002", "R304", 4, "严重项失分", "待确认"),  # 2 × (5 − 3)
        ("KF20261014-003", "R305", 10, "致命性错误", "待确认")]  # the rubric's largest 差错扣分
    assert any("业务熟练、业务准确、业务完整、符合流程" in r for r in reg.vouchers[1].proposal.rules)


def register(path, *rows):
    write_appeals_template(RUBRIC, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["申诉登记表"]
    heads = register_headers(RUBRIC)
    for r, values in enumerate(rows, start=3):
        for key, value in values.items():
            ws.cell(r, heads.index(key) + 1, value)
    wb.save(path)
    return path


T = dt.datetime


def test_appeals_give_the_register_its_statuses(week, tmp_path):
    folder, _ = week
    reg_file = register(
        tmp_path / "申诉登记表.xlsx",
        # R302: upheld, the 差错扣分 removed → 已撤销
        {"录音编号": "R302", "坐席工号": "A002", "申诉时间": T(2026, 10, 15, 11), "复核结果": "改判", "复核人": "赵班长",
         "决定时间": T(2026, 10, 15, 16), "更正:差错扣分": 0},
        # R304: re-checked, sent to arbitration, no result yet → 申诉中
        {"录音编号": "R304", "坐席工号": "A004", "申诉时间": T(2026, 10, 15, 11), "复核结果": "提交仲裁",
         "复核人": "赵班长"},
        # R305: rejected → 已确认
        {"录音编号": "R305", "坐席工号": "A005", "申诉时间": T(2026, 10, 15, 12), "复核结果": "维持原判",
         "复核人": "赵班长", "决定时间": T(2026, 10, 16, 9)})
    result = penalties_register(SERIOUS, [str(folder)], month="2026-10", appeals=reg_file)
    rows = {v.case.recording_id: (v.status, v.points) for v in result.register.vouchers}
    assert rows == {"R302": ("已撤销", 2), "R304": ("申诉中", 4), "R305": ("已确认", 10)}
    assert result.register.counts() == {"待确认": 0, "已确认": 1, "申诉中": 1, "已撤销": 1}
    assert result.register.points_total() == 14  # 已撤销 left out
    note = next(v.note for v in result.register.vouchers if v.case.recording_id == "R302")
    assert note == "申诉改判: 差错扣分 2 → 0"


def test_an_upheld_appeal_that_leaves_the_call_serious_confirms_it_with_the_new_points(week, tmp_path):
    folder, _ = week
    reg_file = register(tmp_path / "r.xlsx", {
        "录音编号": "R304", "坐席工号": "A004", "申诉时间": T(2026, 10, 15, 11), "复核结果": "改判", "复核人": "赵班长",
        "决定时间": T(2026, 10, 15, 16), "更正:业务能力": 4})
    [v] = [v for v in penalties_register(SERIOUS, [str(folder)], month="2026-10", appeals=reg_file).register.vouchers
           if v.case.recording_id == "R304"]
    assert (v.status, v.points, v.original_points) == ("已确认", 2, 4)  # 2 × (5 − 4), was 4
    reg_file = register(tmp_path / "s.xlsx", {
        "录音编号": "R304", "坐席工号": "A004", "申诉时间": T(2026, 10, 15, 11), "复核结果": "改判", "复核人": "赵班长",
        "决定时间": T(2026, 10, 15, 16), "更正:业务能力": 5})
    [v] = [v for v in penalties_register(SERIOUS, [str(folder)], month="2026-10", appeals=reg_file).register.vouchers
           if v.case.recording_id == "R304"]
    assert v.status == "已撤销" and "不再属于严重问题" in v.note


def test_on_a_day_off_no_sheet_is_missing(week, tmp_path):
    """Sunday 18 October: 王丽 worked and sent a sheet, 陈静 and 赵敏 did not (nobody is missing on
    a day off). A day with no call at all is nothing to report (one message, no package)."""
    from dailykit import row
    from sheetkit import LISTENING_HEADER, SheetSpec, write_xlsx

    sun = dt.date(2026, 10, 18)
    folder = week_folder(tmp_path / "评分表")
    write_xlsx(folder / "2026-10-18_王丽.xlsx", [SheetSpec("评分表", [
        LISTENING_HEADER, row(sun, "王丽", "A001", "张三", "R901")])])
    rep = package((folder, week[1]), day=sun).report
    assert rep.analysis.overall.n == 1 and rep.missing == [] and not rep.working_day
    assert [s.rows for s in rep.submissions] == [1, 0, 0] and "不是工作日" in rep.inspectors_source
    assert rep.serious == [] and rep.briefing == [] and rep.repeated == []
    with pytest.raises(NothingToReport, match="2026-10-19没有可计入统计的评分记录"):
        package((folder, week[1]), day=dt.date(2026, 10, 19))
