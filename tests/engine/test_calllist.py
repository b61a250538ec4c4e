"""Reading the call system's list of the day's calls and the roster over Grids (engine/calllist.py):
header words, times and durations as call systems export them, and findings at the cells."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from zhijian.engine.calllist import (parse_duration, parse_start, read_call_list, read_roster_grids,
                                     unknown_agent_findings)
from zhijian.engine.reader import Grid
from zhijian.errors import InputFileError

DAY = dt.date(2026, 10, 12)
HEAD = ["流水号", "工号", "开始时间", "通话时长(秒)", "呼叫类型", "主叫号码"]


def grid(rows, sheet="通话记录", file="calls.xlsx", first_row=1) -> Grid:
    return Grid(file, sheet, rows, first_row=first_row)


def test_a_clean_list_is_read_with_its_mapping():
    g = grid([["2026-10-12 通话明细"], HEAD,
              ["C001", "A01", dt.datetime(2026, 10, 12, 9, 15, 2), 95, "呼入", 13812345678.0],
              ["C002", 1002.0, "2026/10/12 10:20", "00:02:05", "呼出", ""],
              [None, None, None, None, None, None],
              ["合计", "", "", 220, "", ""]])
    cl = read_call_list([g])
    assert cl.findings == []
    sheet = cl.sheets[0]
    assert sheet.header_row == 2
    assert sheet.mapping_report() == [("录音编号", "A", "流水号"), ("坐席工号", "B", "工号"), ("开始时间", "C", "开始时间"),
                                      ("通话时长", "D", "通话时长(秒)"), ("呼叫类型", "E", "呼叫类型"),
                                      ("客户号码", "F", "主叫号码")]
    calls = cl.valid
    assert calls["recording_id"].tolist() == ["C001", "C002"]
    assert calls["agent_id"].tolist() == ["A01", "1002"]
    assert calls["start"].tolist() == [dt.datetime(2026, 10, 12, 9, 15, 2), dt.datetime(2026, 10, 12, 10, 20)]
    assert calls["duration"].tolist() == [95.0, 125.0]
    assert calls["customer"].tolist() == ["13812345678", ""]
    assert calls["row"].tolist() == [3, 4]
    assert cl.dates() == {DAY: 2}


def test_duplicate_ids_unreadable_times_and_blanks_are_findings_at_their_cells():
    g = grid([HEAD,
              ["C001", "A01", "09:15", 95, "呼入", ""],
              ["C002", "A01", "九点半", 95, "呼入", ""],
              ["C001", "A02", "10:15", 95, "呼入", ""],
              ["C003", "", "10:20", "很长", "呼出", ""],
              ["C004", "A02", "2026-10-12", 30, "呼出", ""],
              ["C005", "A02", None, 30, "呼出", ""]])
    cl = read_call_list([g], DAY)
    got = sorted((f.rule, f.cell, f.severity, f.message) for f in cl.findings)
    assert got == sorted([
        ("calls.time_unreadable", "C3", "error", "无法识别的开始时间“九点半”,这通录音不参与抽取"),
        ("calls.duplicate_id", "A4", "error", "录音编号“C001”重复(首次在 A2),重复的这一行不参与抽取"),
        ("calls.field_missing", "B5", "error", "“坐席工号”为空,这通录音不参与抽取"),
        ("calls.duration_unreadable", "D5", "warning", "无法识别的通话时长“很长”,按足够长的录音处理"),
        ("calls.time_unreadable", "C6", "error", "开始时间“2026-10-12”只有日期没有时刻,这通录音不参与抽取"),
        ("calls.field_missing", "C7", "error", "“开始时间”为空,这通录音不参与抽取"),
    ])
    # Only the first C001 is left to draw; the times of day took the plan's date.
    assert cl.valid["recording_id"].tolist() == ["C001"]
    assert cl.valid["start"].tolist() == [dt.datetime(2026, 10, 12, 9, 15)]
    assert cl.errors == 5


def test_a_duplicate_in_another_sheet_names_that_sheet():
    a = grid([HEAD, ["C001", "A01", "09:15", 95, "呼入", ""]], sheet="上午")
    b = grid([HEAD, ["C001", "A01", "09:15", 95, "呼入", ""]], sheet="下午")
    (f,) = read_call_list([a, b], DAY).findings
    assert (f.sheet, f.cell, f.message) == ("下午", "A2", "录音编号“C001”重复(首次在 上午!A2),重复的这一行不参与抽取")


def test_times_take_the_rows_date_column_before_the_plans_date():
    g = grid([["日期", "通话ID", "坐席工号", "呼叫时间"],
              [dt.datetime(2026, 10, 13), "X1", "A01", dt.time(9, 30)],
              ["", "X2", "A01", 0.5]])
    cl = read_call_list([g], DAY)
    assert cl.valid["start"].tolist() == [dt.datetime(2026, 10, 13, 9, 30), dt.datetime(2026, 10, 12, 12, 0)]
    (f,) = read_call_list([grid([["通话ID", "坐席工号", "呼叫时间"], ["X1", "A01", "09:30"]])]).findings
    assert f.message == "开始时间“09:30”只有时刻,表中又没有日期,这通录音不参与抽取"


def test_missing_columns_are_one_finding_naming_them():
    g = grid([["标题"], ["录音编号", "坐席姓名", "通话时长"], ["R1", "张三", 60]])
    cl = read_call_list([g])
    (f,) = cl.findings
    assert (f.rule, f.cell, f.message) == ("calls.column_missing", "A2",
                                           "找不到“坐席工号”、“开始时间”列,无法读取此表的通话记录(表头在第 2 行)")
    assert cl.calls.empty
    (f,) = read_call_list([grid([["备注"], ["今天没有数据"]])]).findings
    assert f.message == "在前 15 行找不到通话记录的表头(至少需要“录音编号”、“坐席工号”、“开始时间”列)"


def test_a_sheet_without_calls_is_skipped_when_another_sheet_of_the_file_has_them():
    notes = grid([["说明"], ["由通话系统导出"]], sheet="说明")
    calls = grid([HEAD, ["C001", "A01", "09:15", 95, "呼入", ""]])
    cl = read_call_list([notes, calls], DAY)
    assert cl.findings == [] and len(cl.valid) == 1


@pytest.mark.parametrize("value, seconds", [
    (95, 95.0), ("95", 95.0), ("95秒", 95.0), ("1:35", 95.0), ("00:01:35", 95.0), ("1分35秒", 95.0),
    ("2分钟", 120.0), (dt.time(0, 1, 35), 95.0), (dt.timedelta(minutes=1, seconds=35), 95.0),
])
def test_durations_as_call_systems_write_them(value, seconds):
    assert parse_duration(value) == ("num", seconds)


def test_a_duration_header_in_minutes_scales_bare_numbers():
    g = grid([["录音编号", "工号", "开始时间", "时长(分钟)"], ["R1", "A01", "09:00", 2], ["R2", "A01", "09:10", "30秒"]])
    assert read_call_list([g], DAY).valid["duration"].tolist() == [120.0, 30.0]
    assert parse_duration("") == ("blank", None) and parse_duration(-3) == ("bad", None)
    assert math.isnan(read_call_list([grid([HEAD[:3], ["R1", "A01", "09:00"]])], DAY).valid["duration"][0])


@pytest.mark.parametrize("value, kind, parsed", [
    (46307.5, "datetime", dt.datetime(2026, 10, 12, 12, 0)),  # an Excel serial date and time
    (46307.0, "date", dt.date(2026, 10, 12)),
    (0.25, "time", dt.time(6, 0)),
    ("20261012091502", "datetime", dt.datetime(2026, 10, 12, 9, 15, 2)),
    ("2026年10月12日 9时05分", "datetime", dt.datetime(2026, 10, 12, 9, 5)),
    ("25:00", "bad", None),
])
def test_start_times_as_call_systems_write_them(value, kind, parsed):
    assert parse_start(value) == (kind, parsed)


def test_the_roster_gives_agents_and_inspectors():
    g = Grid("roster.xlsx", "人员名单", [["人员名单"], ["工号", "姓名", "班组", "质检员"],
                                          ["A01", "张三", "一组", "王丽"], [1002.0, "李四", "一组", "陈静"],
                                          ["A03", "", "二组", "王丽"], ["", "", "", "刘洋"], ["A01", "张三", "一组", ""]])
    r = read_roster_grids([g])
    assert r.agents.to_dict("list") == {"agent_id": ["A01", "1002", "A03"], "agent_name": ["张三", "李四", ""],
                                        "team": ["一组", "一组", "二组"]}
    assert r.inspectors == ["王丽", "陈静", "刘洋"]
    # A01 again as the same person: one agent and a warning at the repeat (an inspector-only row says nothing)
    assert [(f.rule, f.severity, f.cell) for f in r.findings] == [("roster.duplicate_id", "warning", "A7")]
    # A01 again as another person: which one it is would be a guess, the roster is refused
    g.rows[-1] = ["A01", "重复", "", ""]
    with pytest.raises(InputFileError, match="人员名单 A7: 工号“A01”在人员名单中出现两次且不是同一人: A3 为 “张三”"):
        read_roster_grids([g])
    with pytest.raises(InputFileError, match="人员名单中找不到“工号”列"):
        read_roster_grids([Grid("r.xlsx", "S", [["姓名"], ["张三"]])], "r.xlsx")


def test_agents_not_on_the_roster_get_one_warning_each():
    g = grid([HEAD, ["C1", "A01", "09:15", 95, "", ""], ["C2", "Z09", "09:20", 95, "", ""],
              ["C3", "Z09", "09:30", 95, "", ""]])
    (f,) = unknown_agent_findings(read_call_list([g], DAY), {"A01"})
    assert (f.rule, f.severity, f.cell, f.message) == ("calls.agent_unknown", "warning", "B3",
                                                       "坐席工号“Z09”不在人员名单中,其 2 通录音不参与抽取")
