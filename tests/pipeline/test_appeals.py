"""Appeals (申诉/仲裁) flowing into the figures, and `zhijian audit`, with hand-worked cases.

The sheet: listening-10x4, agent A001 (张三) with three calls on 12 October 2026, agent A002
(李四) with one. Final score = 2 × Σ items − 差错扣分.
  R1: 业务能力 3, 差错扣分 2   → 2 × 48 − 2 = 94
  R2: 业务能力 2               → 2 × 47     = 94
  R3: all 5                    → 100
  R4 (A002): 主动推介 4         → 98
张三's monthly score before appeals: (94 + 94 + 100) / 3 = 96; 业务能力 不良比率 2/4 = 0.5.
Scores are published the same day at 18:00 (SOP-15.1, the default `--publish-time`): 12 October
18:00; appeals are in time until 14 October 18:00 (48 hours).
"""

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from zhijian.engine.appeals import register_headers
from zhijian.cli.main import cli
from zhijian.pipeline.jobs import consolidate
from zhijian.pipeline.load import load_calls
from zhijian.files.rubrics import load_rubric
from zhijian.reports.appeals_template import write_appeals_template

RUBRIC = load_rubric("listening-10x4")
ITEMS = [it.name for it in RUBRIC.items]
DAY = dt.date(2026, 10, 12)


def sheet(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "评分表"
    ws.append(["日期", "质检员", "工号", "姓名", "录音编号", *ITEMS, "差错扣分"])
    calls = [("A001", "张三", "R1", {"业务能力": 3}, 2), ("A001", "张三", "R2", {"业务能力": 2}, None),
             ("A001", "张三", "R3", {}, None), ("A002", "李四", "R4", {"主动推介": 4}, None)]
    for agent, name, rid, low, err in calls:
        ws.append([DAY, "王丽", agent, name, rid, *[low.get(i, 5) for i in ITEMS], err])
    wb.save(path)
    return path


def register(path: Path, *appeals: dict) -> Path:
    write_appeals_template(RUBRIC, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["申诉登记表"]
    heads = register_headers(RUBRIC)
    for r, a in enumerate(appeals, start=3):
        for key, value in a.items():
            ws.cell(r, heads.index(key) + 1, value)
    wb.save(path)
    return path


def upheld(rid, agent, filed, decided, **corrected):
    return {"录音编号": rid, "坐席工号": agent, "申诉时间": filed, "申诉理由": "评分过严", "复核结果": "改判",
            "复核人": "赵班长", "决定时间": decided, **{f"更正:{k}": v for k, v in corrected.items()}}


def rejected(rid, agent, filed, decided):
    return {"录音编号": rid, "坐席工号": agent, "申诉时间": filed, "复核结果": "维持原判", "复核人": "赵班长",
            "决定时间": decided}


T = dt.datetime


@pytest.fixture
def files(tmp_path):
    return sheet(tmp_path / "scores.xlsx"), tmp_path


def month(files, reg=None):
    src, _ = files
    return consolidate(RUBRIC, [str(src)], period_kind="month", date=DAY, appeals=reg)


def agent(result, agent_id):
    return next(f for (a, _), f in result.analysis.by_agent if a == agent_id)


def item_rate(figs, name):
    return next(i.defect_rate for i in figs.items if i.item == name)


def test_without_appeals(files):
    r = month(files)
    assert agent(r, "A001").mean_score == 96
    assert item_rate(r.analysis.overall, "业务能力") == 0.5
    assert r.appeals is None


def test_upheld_appeal_changes_exactly_that_call(files):
    # R1 upheld: 业务能力 3 → 5, 差错扣分 2 → 0: final 94 → 100.
    # 张三: (100 + 94 + 100) / 3 = 98; 业务能力 不良 only on R2: 1/4 = 0.25.
    reg = register(files[1] / "申诉.xlsx", upheld("R1", "A001", T(2026, 10, 13, 15, 0), T(2026, 10, 14, 9, 0),
                                                  业务能力=5, 差错扣分=0))
    r = month(files, reg)
    counted = r.analysis.counted.set_index("recording_id")
    assert counted.loc["R1", "final_score"] == 100 and bool(counted.loc["R1", "appeal_changed"])
    assert counted.loc["R2", "final_score"] == 94 and not bool(counted.loc["R2", "appeal_changed"])
    assert counted.loc["R4", "final_score"] == 98
    assert agent(r, "A001").mean_score == 98
    assert agent(r, "A002").mean_score == 98
    assert item_rate(r.analysis.overall, "业务能力") == 0.25
    [o] = r.appeals
    assert (o.status, o.old_final, o.new_final) == ("改判", 94, 100)
    assert ("业务能力", 3.0, 5.0) in [(f, float(a), float(b)) for f, a, b in o.changes]


@pytest.mark.parametrize("appeal, status", [
    (rejected("R1", "A001", T(2026, 10, 13, 15, 0), T(2026, 10, 14, 9, 0)), "维持原判"),
    # filed 14 October 18:01, one minute after the 48 hours
    (upheld("R1", "A001", T(2026, 10, 14, 18, 1), T(2026, 10, 16, 9, 0), 业务能力=5), "逾期"),
    # sent to arbitration, no arbitration result yet
    ({**upheld("R1", "A001", T(2026, 10, 13, 15, 0), None, 业务能力=5), "复核结果": "提交仲裁"}, "待处理"),
    # not re-checked yet
    ({"录音编号": "R1", "坐席工号": "A001", "申诉时间": T(2026, 10, 13, 15, 0)}, "待处理"),
], ids=["rejected", "late", "pending-arbitration", "pending-recheck"])
def test_rejected_late_or_pending_changes_nothing(files, appeal, status):
    r = month(files, register(files[1] / "申诉.xlsx", appeal))
    assert [o.status for o in r.appeals] == [status]
    assert agent(r, "A001").mean_score == 96
    assert item_rate(r.analysis.overall, "业务能力") == 0.5
    assert not r.analysis.counted["appeal_changed"].any()


def test_late_appeal_is_refused_with_the_reason(files):
    r = month(files, register(files[1] / "申诉.xlsx",
                              upheld("R1", "A001", T(2026, 10, 15, 10, 1), T(2026, 10, 16, 9, 0), 业务能力=5)))
    assert "晚于截止时间 2026-10-14 18:00" in r.appeals[0].note
    assert [f.rule for f in r.findings if f.rule.startswith("appeal.")] == ["appeal.late"]


def test_publication_time_is_a_setting(files, tmp_path):
    # Published the next day at 10:00 (+1 10:00): the deadline moves to 15 October 10:00, so an
    # appeal filed on 15 October 10:00 is in time, and the 申诉处理 sheet says which rule applied.
    reg = register(files[1] / "申诉.xlsx", upheld("R1", "A001", T(2026, 10, 15, 10, 0), T(2026, 10, 16, 9, 0),
                                                  业务能力=5))
    out = tmp_path / "out.xlsx"
    args = ["consolidate", str(files[0]), "--rubric", "listening-10x4", "--appeals", str(reg), "-o", str(out)]
    r = CliRunner().invoke(cli, args)
    assert "逾期 1" in r.output
    assert openpyxl.load_workbook(out)["申诉处理"]["A1"].value == \
        "成绩公布: 评分当天 18:00;申诉时限: 公布后 48 小时;逾期的申诉不予受理"
    r = CliRunner().invoke(cli, args + ["--publish-time", "+1 10:00"])
    assert r.exit_code == 0 and "改判 1" in r.output
    assert openpyxl.load_workbook(out)["申诉处理"]["A1"].value.startswith("成绩公布: 评分次日 10:00")
    r = CliRunner().invoke(cli, args + ["--publish-time", "下班前"])
    assert r.exit_code == 2 and "无法识别的成绩公布时间“下班前”" in r.output


def test_arbitration_decides_over_the_recheck(files):
    # re-check sends it to arbitration; arbitration upholds: R2 业务能力 2 → 4: 94 → 98.
    a = {**upheld("R2", "A001", T(2026, 10, 13, 15, 0), T(2026, 10, 16, 9, 0), 业务能力=4),
         "复核结果": "提交仲裁", "仲裁结果": "改判", "仲裁人": "仲裁组"}
    r = month(files, register(files[1] / "申诉.xlsx", a))
    assert r.appeals[0].status == "改判" and r.appeals[0].appeal.decided_by == "仲裁组"
    assert agent(r, "A001").mean_score == pytest.approx((94 + 98 + 100) / 3)


def test_second_appeal_on_the_same_call_uses_the_latest_decision(files):
    # R1: first decided 14 Oct: 业务能力 → 4 (96); then decided 16 Oct: 业务能力 → 5, 差错扣分 → 0 (100).
    # Listed in the register in the other order: the decision time, not the row, orders them.
    later = upheld("R1", "A001", T(2026, 10, 14, 11, 0), T(2026, 10, 16, 9, 0), 业务能力=5, 差错扣分=0)
    first = upheld("R1", "A001", T(2026, 10, 13, 15, 0), T(2026, 10, 14, 9, 0), 业务能力=4)
    r = month(files, register(files[1] / "申诉.xlsx", later, first))
    counted = r.analysis.counted.set_index("recording_id")
    assert counted.loc["R1", "final_score"] == 100
    by_row = {o.appeal.row: o for o in r.appeals}
    assert (by_row[4].old_final, by_row[4].new_final) == (94, 96)   # applied first
    assert (by_row[3].old_final, by_row[3].new_final) == (96, 100)  # then the latest


def test_register_findings(files):
    reg = register(files[1] / "申诉.xlsx",
                   upheld("R9", "A001", T(2026, 10, 13, 15, 0), T(2026, 10, 14, 9, 0), 业务能力=5),  # no such call
                   upheld("R2", "A001", T(2026, 10, 13, 15, 0), T(2026, 10, 14, 9, 0), 业务能力=7),  # not 0–5
                   {**rejected("R3", "A001", T(2026, 10, 13, 15, 0), T(2026, 10, 14, 9, 0)), "复核人": None})
    loaded = load_calls(RUBRIC, [str(files[0])], appeals=reg)
    got = sorted((f.rule, f.cell) for f in loaded.findings if f.file == str(reg))
    col = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(register_headers(RUBRIC))}
    assert got == sorted([("appeal.unknown_recording", f"{col['录音编号']}3"),
                          ("appeal.score_not_allowed", f"{col['更正:业务能力']}4"),
                          ("appeal.no_decider", f"{col['复核人']}5")])
    # A wrong corrected score is not applied; a decision without a decider is not applied either.
    assert not loaded.calls["appeal_changed"].any()


def test_appeals_sheet_in_the_output_and_cli(files, tmp_path):
    reg = register(files[1] / "申诉.xlsx", upheld("R1", "A001", T(2026, 10, 13, 15, 0), T(2026, 10, 14, 9, 0),
                                                  业务能力=5, 差错扣分=0))
    out = tmp_path / "out.xlsx"
    r = CliRunner().invoke(cli, ["consolidate", str(files[0]), "--rubric", "listening-10x4", "--appeals", str(reg),
                                 "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "申诉: 改判 1" in r.output
    ws = openpyxl.load_workbook(out)["申诉处理"]
    row = [c.value for c in ws[3]]
    assert row[1] == "R1" and row[5] == "改判" and row[8] == 94 and row[9] == 100
    assert "业务能力: 3 → 5" in row[10]
    r = CliRunner().invoke(cli, ["appeals", "check", str(reg), str(files[0]), "--rubric", "listening-10x4",
                                 "--json"])
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert data["appeals"][0]["status"] == "改判" and data["appeals"][0]["new_final_score"] == 100


def test_audit_identical_then_names_the_figure_after_an_edit(files, tmp_path):
    src, _ = files
    out = tmp_path / "out.xlsx"
    CliRunner().invoke(cli, ["consolidate", str(src), "--rubric", "listening-10x4", "-o", str(out)])
    r = CliRunner().invoke(cli, ["audit", str(out), str(src)])
    assert r.exit_code == 0 and "所有数字完全一致" in r.output
    # The inspector edits R3's 服务态度 after the report: 100 → 98; the mean 96.5 → 96.0.
    wb = openpyxl.load_workbook(src)
    wb.active["G4"] = 4
    wb.save(src)
    r = CliRunner().invoke(cli, ["audit", str(out), str(src), "--json"])
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert data["identical"] is False and data["changed_inputs"] == [str(src)]
    assert "平均分" in data["first_difference"] and "报表中为 96.5,重新计算为 96" in data["first_difference"]


def test_output_records_rubric_and_inputs(files, tmp_path):
    from zhijian.files.provenance import file_sha256, read_provenance

    src, _ = files
    out = tmp_path / "out.xlsx"
    CliRunner().invoke(cli, ["consolidate", str(src), "--rubric", "listening-10x4", "-o", str(out)])
    prov = read_provenance(out)
    assert (prov.rubric_id, prov.rubric_version, prov.rubric_hash) == ("listening-10x4", "1.0", RUBRIC.content_hash)
    assert prov.inputs == [(str(src), file_sha256(src), "scores.xlsx")]  # path, hash, path relative to the inputs
    props = openpyxl.load_workbook(out).custom_doc_props
    assert props["zhijian_rubric_hash"].value == RUBRIC.content_hash


def test_monthly_score_counts_calls_changed_by_appeal_and_weekly_lists_appeals(files, tmp_path):
    # R1 upheld (94 → 100): 张三's monthly score (100 + 94 + 100) / 3 = 98, one call changed.
    reg = register(files[1] / "申诉.xlsx", upheld("R1", "A001", T(2026, 10, 13, 15, 0), T(2026, 10, 14, 9, 0),
                                                  业务能力=5, 差错扣分=0))
    src = str(files[0])
    r = CliRunner().invoke(cli, ["monthly", src, "--rubric", "listening-10x4", "--month", "2026-10",
                                 "--appeals", str(reg), "-o", str(tmp_path / "m.xlsx"), "--json"])
    assert r.exit_code == 0, r.output
    agents = {a["agent_id"]: a for a in json.loads(r.output)["agents"]}
    assert agents["A001"]["monthly_score"] == 98 and agents["A001"]["changed_by_appeal"] == 1
    assert agents["A002"]["changed_by_appeal"] == 0
    assert openpyxl.load_workbook(tmp_path / "m.xlsx")["申诉处理"]["F3"].value == "改判"
    r = CliRunner().invoke(cli, ["weekly", src, "--rubric", "listening-10x4", "--week", "2026-W42",
                                 "--appeals", str(reg), "-o", str(tmp_path / "w.xlsx"), "--json"])
    assert r.exit_code == 0, r.output
    assert openpyxl.load_workbook(tmp_path / "w.xlsx")["申诉处理"]["B3"].value == "R1"
    for out in ("m.xlsx", "w.xlsx"):
        r = CliRunner().invoke(cli, ["audit", str(tmp_path / out), src])
        assert r.exit_code == 0 and "所有数字完全一致" in r.output, (out, r.output)


# --- appeals you can trust ------------------------------------------------------------------------

@pytest.mark.parametrize("filed, variant", [
    ("2026年10月13日下午3点", None), ("3:00 PM", None), ("15.30", None), ("2026-10-13", "date_only"),
    (dt.date(2026, 10, 13), "date_only"),
], ids=["afternoon-3", "pm", "dot", "date-text", "date-cell"])
def test_a_time_that_cannot_be_read_exactly_is_a_finding_and_the_appeal_is_not_applied(files, filed, variant):
    reg = register(files[1] / "申诉.xlsx", upheld("R1", "A001", filed, T(2026, 10, 14, 9, 0), 业务能力=5))
    r = month(files, reg)
    (f,) = [f for f in r.findings if f.rule.startswith("appeal.")]
    assert f.rule == "appeal.time_unreadable" and f.severity == "error"
    assert ("只有日期" in f.message) == (variant == "date_only") and "不予处理" in f.message
    assert [o.status for o in r.appeals] == ["无效"]
    assert agent(r, "A001").mean_score == 96  # R1 unchanged: never read as 00:00 and applied


@pytest.mark.parametrize("filed", ["2026-10-13 15:30", "2026/10/13 15:30:00", "2026年10月13日 15:30",
                                   "2026年10月13日15时30分"])
def test_a_time_written_exactly_is_read(files, filed):
    r = month(files, register(files[1] / "申诉.xlsx", upheld("R1", "A001", filed, "2026-10-14 09:00",
                                                            业务能力=5, 差错扣分=0)))
    assert [o.status for o in r.appeals] == ["改判"] and r.appeals[0].appeal.filed_at == T(2026, 10, 13, 15, 30)
    assert agent(r, "A001").mean_score == 98


def test_an_unreadable_decision_time_stops_the_decision(files):
    r = month(files, register(files[1] / "申诉.xlsx", upheld("R1", "A001", T(2026, 10, 13, 15, 0), "明天上午",
                                                            业务能力=5)))
    assert [f.rule for f in r.findings if f.rule.startswith("appeal.")] == ["appeal.time_unreadable"]
    assert [o.status for o in r.appeals] == ["无效"] and agent(r, "A001").mean_score == 96


def test_an_appeal_by_another_agent_is_not_applied(files):
    # R1 is 张三's (A001); 李四 (A002) cannot appeal it.
    r = month(files, register(files[1] / "申诉.xlsx", upheld("R1", "A002", T(2026, 10, 13, 15, 0),
                                                            T(2026, 10, 14, 9, 0), 业务能力=5)))
    (f,) = [f for f in r.findings if f.rule.startswith("appeal.")]
    assert (f.rule, f.severity) == ("appeal.agent_mismatch", "error")
    assert f.message == "申诉的坐席工号“A002”与录音“R1”的坐席工号“A001”不符,此申诉不予处理"
    assert [o.status for o in r.appeals] == ["无效"] and agent(r, "A001").mean_score == 96


def test_odd_but_readable_appeals_are_warnings_and_still_decided(files):
    # Filed the day before the call; decided before it was filed; the same recording appealed twice.
    reg = register(files[1] / "申诉.xlsx",
                   upheld("R1", "A001", T(2026, 10, 11, 9, 0), T(2026, 10, 14, 9, 0), 业务能力=5, 差错扣分=0),
                   upheld("R2", "A001", T(2026, 10, 13, 15, 0), T(2026, 10, 13, 9, 0), 业务能力=4),
                   rejected("R2", "A001", T(2026, 10, 13, 16, 0), T(2026, 10, 14, 10, 0)))
    r = month(files, reg)
    got = sorted((f.rule, f.severity, int("".join(c for c in f.cell if c.isdigit())))
                 for f in r.findings if f.rule.startswith("appeal."))
    assert got == [("appeal.decided_before_filed", "warning", 4), ("appeal.duplicate", "warning", 5),
                   ("appeal.filed_before_call", "warning", 3)]
    dup = next(f for f in r.findings if f.rule == "appeal.duplicate")
    assert dup.message == "录音“R2”已在登记表第 4 行申诉过,这一行是重复的申诉"
    assert [o.status for o in r.appeals] == ["改判", "改判", "维持原判"]
    # R1 → 100; R2 业务能力 2 → 4: 2 × 49 = 98 (the later rejection keeps it); R3 100: 298 / 3
    assert agent(r, "A001").mean_score == pytest.approx(298 / 3)
