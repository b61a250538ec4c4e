"""`zhijian assess` attacked as a careless lead fills the KPI sheet (issue 18): a 满意度 typed as
95 where 95% was meant, values beyond the normalisation's line, a 0–100 score typed as a
percentage. Nothing may be capped or changed without a finding at its cell: a value that cannot be
what the component measures is an error (the value is not used, the total stays blank); a value
beyond the line that is capped at 0 or 100 is a warning. Totals worked out by hand below."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from clikit import run
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx

CONFIG = """\
components:
  - {name: 质检得分, source: quality, weight: 50}
  - {name: 满意度, weight: 30, normalise: {method: linear, floor: 0.80, target: 0.95}}
  - {name: 平均处理时长, column: AHT(秒), weight: 10, normalise: {method: linear, floor: 400, target: 200}}
  - {name: 工单检查得分, weight: 10}
"""
# Row 1 headers: A 工号, B 满意度, C AHT(秒), D 工单检查得分.
KPI = [["工号", "满意度", "AHT(秒)", "工单检查得分"],
       ["B1", "92%", 300, 90],   # row 2: 0.92 → 80; 300 s → 50; 90
       ["B2", 95, 300, 90],      # row 3: 95 is no share (95% was meant): error at B3, total blank
       ["B3", 0.97, 150, 70],    # row 4: 0.97 beyond 0.95 → 100 (warning B4); 150 s beyond 200 s → 100 (warning C4)
       ["B4", 0.85, 450, "95%"]]  # row 5: 0.85 → 33.3; 450 s beyond 400 s → 0 (warning C5); "95%" no score (error D5)
# 质检得分 (月度评分, every item 4/5/3/2 → 80/100/60/40).
ITEMS = {"B1": 4, "B2": 5, "B3": 3, "B4": 2}


def assess(tmp_path, sheets, kpi, config_text: str, out=None):
    """`zhijian assess` of October on `sheets` with the KPI sheet `kpi` and this configuration
    (written to 考核.yaml), --json, into `out` (o.xlsx by default), never a traceback."""
    config = tmp_path / "考核.yaml"
    config.write_text(config_text, encoding="utf-8")
    return run("assess", sheets, "--rubric", "listening-10x4", "--month", "2026-10", "--config", config,
               "--kpi", kpi, "-o", out or tmp_path / "o.xlsx", "--json")


def test_kpi_values_off_the_line_are_findings_at_their_cells(tmp_path):
    rows = [listening_row(dt.date(2026, 10, 5), "王丽", aid, "坐席" + aid, f"R{aid}{k}", [v] * 10)
            for aid, v in ITEMS.items() for k in range(5)]
    sheets = write_xlsx(tmp_path / "2026-10-05_王丽.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    kpi = write_xlsx(tmp_path / "KPI.xlsx", [SheetSpec("10月", KPI)])
    out = tmp_path / "综合考核表.xlsx"
    r = assess(tmp_path, sheets, kpi, CONFIG, out)
    assert r.exit_code == 1, r.output  # two errors
    d = json.loads(r.output)
    agents = {a["agent_id"]: a for a in d["agents"]}
    # B1: (50 × 80 + 30 × 80 + 10 × 50 + 10 × 90) / 100 = 78.
    assert agents["B1"]["total"] == 78.0
    # B2: 95 is not used (never 100); total, rank and grade blank.
    b2 = agents["B2"]
    assert b2["components"]["满意度"]["score"] is None and b2["total"] is None and b2["missing"] == ["满意度"]
    # B3: (50 × 60 + 30 × 100 + 10 × 100 + 10 × 70) / 100 = 77, with both caps said.
    assert agents["B3"]["total"] == 77.0
    # B4: AHT capped at 0 (said); "95%" is not a 0–100 score: total blank.
    b4 = agents["B4"]
    assert b4["components"]["平均处理时长"]["score"] == 0 and b4["total"] is None and b4["missing"] == ["工单检查得分"]
    found = sorted((f["cell"], f["rule"], f["severity"]) for f in d["finding_list"])
    assert found == [("B3", "kpi.invalid", "error"), ("B4", "kpi.clipped", "warning"),
                     ("C4", "kpi.clipped", "warning"), ("C5", "kpi.clipped", "warning"),
                     ("D5", "kpi.invalid", "error")]
    words = {f["cell"]: f["message"] for f in d["finding_list"]}
    assert "95" in words["B3"] and "95%" in words["B3"] and "0.95" in words["B3"]
    assert "按 100 分计" in words["B4"] and "按 0 分计" in words["C5"]
    # The workbook's 校验问题 sheet lists the same five cells.
    ws = openpyxl.load_workbook(out)["校验问题"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for cell in ("B3", "B4", "C4", "C5", "D5"):
        assert cell in text


def test_kpi_rows_whose_month_or_agent_cannot_be_read_are_findings_not_dropped():
    # A 月份 column: row 3's "十月" is no month, row 4 has values but no 工号, row 5 is September.
    # Before, rows 3 and 4 vanished without a word (B2 then only "not in the KPI sheet").
    from zhijian.engine.composite import read_kpi_sheet
    from zhijian.engine.reader import Grid
    from zhijian.files.assessment_config import parse_assessment_config

    config = parse_assessment_config(CONFIG, "考核.yaml")
    rows = [["工号", "月份", "满意度", "AHT(秒)", "工单检查得分"],
            ["B1", "2026-10", 0.92, 300, 90],
            ["B2", "十月", 0.90, 300, 90],
            [None, "2026-10", 0.88, 250, 80],
            ["B3", "2026-09", 0.90, 300, 90]]
    kpi = read_kpi_sheet(Grid("KPI.xlsx", "KPI", rows), config, "2026-10")
    assert sorted(kpi.agents) == ["B1"]
    found = sorted((f.cell, str(f.rule), str(f.severity)) for f in kpi.findings)
    assert found == [("A4", "kpi.missing", "error"), ("B3", "kpi.invalid", "error")]
    words = {f.cell: f.message for f in kpi.findings}
    assert "十月" in words["B3"] and "2026-10" in words["B3"]
    assert "工号" in words["A4"]


def test_kpi_workbook_split_over_team_sheets_is_read_whole(tmp_path):
    # 一组 holds B1, B2; 二组 holds B3, B4 and B1 again; 说明 has no KPI header. Before, only 一组
    # was read: B3 and B4 were "not in the KPI sheet", 二组 skipped without a word.
    rows = [listening_row(dt.date(2026, 10, 5), "王丽", aid, "坐席" + aid, f"R{aid}{k}", [v] * 10)
            for aid, v in ITEMS.items() for k in range(5)]
    sheets = write_xlsx(tmp_path / "2026-10-05_王丽.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    head = ["工号", "满意度", "AHT(秒)", "工单检查得分"]
    kpi = write_xlsx(tmp_path / "KPI.xlsx", [
        SheetSpec("说明", [["本表按班组分页填写"]]),
        SheetSpec("一组", [head, ["B1", 0.92, 300, 90], ["B2", 0.90, 300, 80]]),
        SheetSpec("二组", [head, ["B3", 0.95, 200, 70], ["B4", 0.85, 400, 60], ["B1", 0.80, 400, 0]])])
    r = assess(tmp_path, sheets, kpi, CONFIG)
    assert r.exit_code == 1, r.output  # the duplicate B1 in 二组 is an error
    d = json.loads(r.stdout)
    totals = {a["agent_id"]: a["total"] for a in d["agents"]}
    # B1 from 一组: (50 × 80 + 30 × 80 + 10 × 50 + 10 × 90) / 100 = 78 (二组's row is the duplicate).
    # B2: (50 × 100 + 30 × 66.67 + 10 × 50 + 10 × 80) / 100 = 83.
    # B3: (50 × 60 + 30 × 100 + 10 × 100 + 10 × 70) / 100 = 77.
    # B4: (50 × 40 + 30 × 33.33 + 10 × 0 + 10 × 60) / 100 = 36.
    assert {k: round(v, 6) for k, v in totals.items()} == {"B1": 78.0, "B2": 83.0, "B3": 77.0, "B4": 36.0}
    found = [(f["sheet"], f["cell"], f["rule"]) for f in d["finding_list"]]
    assert found == [("二组", "A4", "kpi.invalid")]
    assert "一组" in d["finding_list"][0]["message"]
    # The sheet without a KPI header is named, with why.
    assert any("说明" in n and "工号" in n for n in d["notes"]), d


SHARE_CONFIG = """\
components:
  - {name: 质检得分, source: quality, weight: 50}
  - {name: 首次解决率, weight: 20, normalise: {method: linear, floor: 0, target: 1}}
  - {name: 工单检查得分, weight: 20, normalise: {method: linear, floor: 60, target: 100}}
  - name: 投诉次数
    weight: 10
    normalise: {method: lookup, table: [{max: 0, score: 100}, {min: 1, score: 60}]}
"""


def test_a_zero_to_one_line_is_a_share_and_a_score_line_is_not(tmp_path):
    # 首次解决率 0 → 1 is a share: B2's 95 (95% meant) is kpi.invalid at B3, never capped to 100
    # (before: a kpi.clipped warning, counted as 100). 工单检查得分 60 → 100 is a 0–100 score line and
    # 投诉次数 a table over counts (0, 1): their 95 and 3 are read as they are.
    rows = [listening_row(dt.date(2026, 10, 5), "王丽", aid, "坐席" + aid, f"R{aid}{k}", [v] * 10)
            for aid, v in (("B1", 4), ("B2", 5)) for k in range(5)]
    sheets = write_xlsx(tmp_path / "2026-10-05_王丽.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    kpi = write_xlsx(tmp_path / "KPI.xlsx", [SheetSpec("10月", [
        ["工号", "首次解决率", "工单检查得分", "投诉次数"],
        ["B1", 0.9, 95, 3],    # row 2: 90; (95 − 60) / 40 → 87.5; 3 complaints → 60
        ["B2", 95, 80, 0]])])  # row 3: 95 is no share: error at B3; 50; 100
    r = assess(tmp_path, sheets, kpi, SHARE_CONFIG)
    assert r.exit_code == 1, r.output
    d = json.loads(r.stdout)
    agents = {a["agent_id"]: a for a in d["agents"]}
    # B1: (50 × 80 + 20 × 90 + 20 × 87.5 + 10 × 60) / 100 = 81.5.
    assert agents["B1"]["total"] == 81.5
    b2 = agents["B2"]
    assert b2["components"]["首次解决率"]["score"] is None and b2["total"] is None and b2["missing"] == ["首次解决率"]
    assert [(f["cell"], f["rule"], f["severity"]) for f in d["finding_list"]] == [("B3", "kpi.invalid", "error")]
    assert "0.95" in d["finding_list"][0]["message"]
