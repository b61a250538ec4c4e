"""Attack (issue 14): the 加倍 column of an escalating form says more complaints than the 违规
happened. The scorer used to take min(加倍, 次数) without a word: a 加倍 of 1 with no 违规 scored
100, a 加倍 of 2 on one 态度差 charged it doubled once. Now the cell is an error finding
(`complaint.exceeds_offences`, with its cell) and the session shows no score."""

from __future__ import annotations

import datetime as dt

from test_chat_escalation import RUBRIC, write_export
from zhijian.pipeline.load import load_calls


def test_more_doubled_than_happened_is_an_error_at_its_cell(tmp_path):
    path = write_export(tmp_path / "导出.xlsx", [
        ("S01", dt.date(2026, 10, 2), "K01", "小陈", None, 1, None, None),  # 加倍 1, 态度差 blank
        ("S02", dt.date(2026, 10, 3), "K01", "小陈", 1, 2, None, None),  # 加倍 2 of one 态度差
        ("S03", dt.date(2026, 10, 4), "K02", "小林", 2, 1, None, None),  # 1 of 2 doubled: fine
    ])
    loaded = load_calls(RUBRIC, [str(path)])
    found = [f for f in loaded.findings if f.rule == "complaint.exceeds_offences"]
    # 加倍:态度差 is the 7th column (G); the sessions are on rows 2 and 3
    assert [(f.cell, f.severity) for f in found] == [("G2", "error"), ("G3", "error")], found
    assert "加倍:服务态度差" in found[1].message and "2" in found[1].message and "1" in found[1].message
    unscored = dict(zip(loaded.calls["recording_id"], loaded.calls["has_error"]))
    assert unscored == {"S01": True, "S02": True, "S03": False}  # S03: 1 of its 2 态度差 doubled
