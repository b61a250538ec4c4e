"""Corpus form: a Chinese chat-QA export whose penalties rise with the agent's repeat offences
within 90 days, 20/30/40/50 (tests/forms/chat_escalation/rubric.yaml), built here with openpyxl,
read, validated, scored and put in the 质检月报 for October 2026 through the pipeline functions.

The export (one row per chat session; a column per 违规项 with its count):
  K01 小陈: 09-20 答非所问 1 — September; the 1st within 90 days: September's ledger 100 − 20 = 80.
      10-08 超时 1 — the 2nd within 90 days (09-20 is 18 days before): 30
      10-21 态度差 1 with a complaint — the 3rd: 40, doubled: 80
      October: 100 − 30 − 80 = −10 → 0 (扣分合计 110); 上月 80, 变化 −80
  K02 小林: 07-02 态度差 1 — 100 days before 10-10: outside the window, raises no count.
      10-10 答非所问 1 — the 1st within 90 days: 20.           October: 100 − 20 = 80 → 合格
  K03 小周: 10-05 超时 ×3 and 10-06 答非所问 ×2 — the 1st…5th: 20 + 30 + 40 + 50 + 50 (the 5th
      costs the last, 50) = 190 → 0.
  K04 小吴: two clean sessions in October: 100.
Rows read 9: October's 7 counted; 2 outside the period (07-02, 09-20), which still count for K01's
repeat count (and, being too old, not for K02's).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from accounting import assert_accounted
from zhijian.cli.main import cli
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.jobs import monthly_report, weekly_report, write_periodic

RUBRIC_FILE = Path(__file__).parent / "chat_escalation" / "rubric.yaml"
RUBRIC = load_rubric(RUBRIC_FILE)
HEADERS = ["会话编号", "会话日期", "客服工号", "客服姓名", "质检员", "态度差", "加倍:态度差", "答非所问", "超时",
           "备注"]
ROWS = [("S01", dt.date(2026, 9, 20), "K01", "小陈", None, None, 1, None),
        ("S02", dt.date(2026, 10, 8), "K01", "小陈", None, None, None, 1),
        ("S03", dt.date(2026, 10, 21), "K01", "小陈", 1, 1, None, None),
        ("S04", dt.date(2026, 7, 2), "K02", "小林", 1, None, None, None),
        ("S05", dt.date(2026, 10, 10), "K02", "小林", None, None, 1, None),
        ("S06", dt.date(2026, 10, 5), "K03", "小周", None, None, None, 3),
        ("S07", dt.date(2026, 10, 6), "K03", "小周", None, None, 2, None),
        ("S08", dt.date(2026, 10, 9), "K04", "小吴", None, None, None, None)]


def write_export(path: Path, rows) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "质检记录"
    ws.append(HEADERS)
    for rid, day, agent, name, rude, complaint, off_topic, late in rows:
        ws.append([rid, day, agent, name, "质检A", rude, complaint, off_topic, late, None])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    clean = ("S09", dt.date(2026, 10, 9), "K04", "小吴", None, None, None, None)
    return write_export(tmp_path_factory.mktemp("chat") / "会话质检导出.xlsx", [*ROWS, clean])


def test_october_counts_septembers_offence_and_takes_off_only_octobers(export):
    rep = monthly_report(RUBRIC, [str(export)], month="2026-10").report
    acc = assert_accounted(rep.analysis.account, rows_read=9)
    assert (acc.counted, acc.outside_period) == (7, 2)
    got = rep.assessment.set_index("工号")
    cols = ["月度评分", "等级", "发生次数", "窗口内此前次数", "扣分合计", "上月评分"]
    assert got.loc["K01", cols].tolist()[:5] == [0, "不合格", 2, 1, 110]
    assert got.loc["K01", ["上月评分", "变化"]].tolist() == [80, -80]
    assert got.loc["K02", cols].tolist()[:5] == [80, "合格", 1, 0, 20]
    assert got.loc["K03", cols].tolist()[:5] == [0, "不合格", 5, 0, 190]
    assert got.loc["K04", cols].tolist()[:5] == [100, "合格", 0, 0, 0]
    assert got.loc["K04", "排名"] == 1 and got.loc["K02", "排名"] == 2 and got.loc["K01", "排名"] == 3
    k01 = got.loc["K01", "扣分明细"]
    assert k01 == "10-08 超时未回复(第2次) −30、10-21 服务态度差(第3次,加倍) −80"


def test_the_earlier_offence_counts_from_the_previous_months_inputs_too(tmp_path):
    october = write_export(tmp_path / "10月.xlsx", [r for r in ROWS if r[1].month == 10])
    earlier = write_export(tmp_path / "此前.xlsx", [r for r in ROWS if r[1].month < 10])
    rep = monthly_report(RUBRIC, [str(october)], month="2026-10", previous=[str(earlier)]).report
    got = rep.assessment.set_index("工号")
    # K01 as above: 30 + 80 off 100 → 0, September's offence raising the counts; 上月 80
    assert got.loc["K01", ["月度评分", "窗口内此前次数", "扣分合计", "上月评分"]].tolist() == [0, 1, 110, 80]


def test_the_weekly_report_shows_the_month_so_far(export, tmp_path):
    # Week 41 (10-05 … 10-11): October up to 10-11. K01: 10-08 the 2nd (30) → 70; K02: 10-10 → 80;
    # K03: 10-05/06 → 0; K04: 100. K01's 10-21 offence is after the week: not yet.
    result = weekly_report(RUBRIC, [str(export)], week="2026-W41")
    got = result.report.agent_scores.set_index("工号")
    assert got["期间得分"].to_dict() == {"K01": 70, "K02": 80, "K03": 0, "K04": 100}
    assert result.report.analysis.ledger.label == "2026年10月(截至 10-11)"
    ws = openpyxl.load_workbook(write_periodic(result, tmp_path / "周报.xlsx"))["监听评分表(周平均分)"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    head = rows[0]
    shown = {r[0]: r[head.index("期间得分")] for r in rows[1:] if r[0] in got.index}
    assert shown == {"K01": 70, "K02": 80, "K03": 0, "K04": 100}
    assert "第2次" in next(r for r in rows if r[0] == "K01")[head.index("扣分明细")]


def test_zhijian_score_shows_each_sessions_offences_and_the_agents_ledgers(export):
    r = CliRunner().invoke(cli, ["score", str(export), "--rubric", str(RUBRIC_FILE), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    by_id = {c["recording_id"]: c for c in data["calls"]}
    assert by_id["S03"]["final_score"] is None and by_id["S03"]["offences"] == "服务态度差×1(加倍 1)"
    october = next(led for led in data["ledgers"] if led["label"] == "2026年10月")
    assert {a["agent_id"]: a["score"] for a in october["agents"]} == {"K01": 0, "K02": 80, "K03": 0, "K04": 100}
    # July's ledger for K02: 100 − 20 = 80; September's for K01 the same
    assert [(led["label"], [a["score"] for a in led["agents"]]) for led in data["ledgers"][:2]] == [
        ("2026年7月", [80]), ("2026年9月", [80])]
    text = CliRunner().invoke(cli, ["score", str(export), "--rubric", str(RUBRIC_FILE)]).output
    assert "坐席考核 2026年10月" in text and "服务态度差×1(加倍 1)" in text
