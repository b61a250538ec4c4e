"""A complaint hotline's 录音质检评分表 with 一票否决 (tests/forms/veto_hotline/rubric.yaml): three
categories 服务规范 30 / 业务处理 50 / 服务态度 20, half-point levels, a 客户表扬 bonus (+2, may lift
its category), two 减分 (未核实身份 −3 on 工单记录; 抢话插话 −1 on 耐心, at most 3 times), 服务禁语
(礼貌用语 = 0), 业务差错 (业务处理 = 0), two 一票否决 (辱骂客户, 泄露客户信息: the call = 0),
差错扣分 0–10, and 工单记录 不涉及 leaving the total (na: exclude: score = points / applicable maxima
× 100). Grades: 优秀 ≥ 95, 良好 ≥ 90, 达标 ≥ 80, 不达标 below; 优良 ≥ 90.

The team's sheet has its headers on row 3 under two merged title rows, and writes its rule
columns the way the form prints them: "客户表扬(加2分)", "未核实身份(扣3分)", "抢话插话(次)",
"辱骂客户(一票否决)". Full marks are 开场白 5, 结束语 5, 礼貌用语 10, 语速语调 10 | 需求理解 15,
解答准确 20, 工单记录 15 | 耐心 10, 热情 10.

Hand-worked finals (周丽's sheet unless said):
  V01 16 Nov H01  all full + 客户表扬: 热情 12, 服务态度 22 → 102 → capped at 100        → 100 优秀
  V02 16 Nov H02  2.5+5+9.5+8 = 25 | 10+17.5+不涉及 = 27.5 of 35 | 7.5+10 = 17.5
                  70 / (30+35+20 = 85) × 100 = 82.352941                               → 82.352941 达标
  V03 16 Nov H01  full, 未核实身份 (工单 15−3 = 12), 抢话插话 ×2 (耐心 10−2 = 8): 100−3−2 → 95 优秀
  V04 17 Nov H02  full, 服务禁语 (礼貌用语 0): 90; 差错扣分 2.5                          → 87.5 达标
  V05 17 Nov H03  full, 业务差错 (业务处理 0) and 客户表扬 (服务态度 22): 30+0+22      → 52 不达标
  V06 17 Nov H03  full, 辱骂客户 (一票否决) and 客户表扬                                 → 0 不达标
  V07 18 Nov H01  full, 泄露客户信息 (一票否决), 差错扣分 5: max(0, 0 − 5)               → 0 不达标
  V09 18 Nov H03  5+2.5+7.5+6 = 21 | 15+19.5+10 = 44.5 | 5+7.5 = 12.5 → 78; 差错 0.5    → 77.5 不达标
  V15 30 Nov H02  开场白 0, rest full                                                  → 95 优秀
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from formkit import by_recording, form_rubric
from sheetkit import SheetSpec, type_into_template, write_xlsx
from zhijian.pipeline.load import check_files

RUBRIC = form_rubric("veto_hotline")
D = dt.date
ITEMS = {"开场白": 5, "结束语": 5, "礼貌用语": 10, "语速语调": 10, "需求理解": 15, "解答准确": 20, "工单记录": 15,
         "耐心": 10, "热情": 10}
RULES = ["客户表扬(加2分)", "未核实身份(扣3分)", "抢话插话(次)", "服务禁语", "业务差错", "辱骂客户(一票否决)",
         "泄露客户信息(一票否决)"]
HEAD = ["日期", "质检员", "工号", "姓名", "录音编号", *[f"{i}({m}分)" for i, m in ITEMS.items()], *RULES,
        "差错扣分", "总分", "备注"]
NAMES = {"H01": "刘洋", "H02": "陈晨", "H03": "孙悦"}
V02_ITEMS = {"开场白": 2.5, "礼貌用语": 9.5, "语速语调": 8, "需求理解": 10, "解答准确": 17.5, "工单记录": "不涉及",
             "耐心": 7.5}


def row(day, rid, agent, total, *, insp="周丽", items=None, praise=None, no_verify=None, interrupt=None,
        taboo=None, biz=None, abuse=None, leak=None, err=None, remark=None):
    it = dict(ITEMS)
    it.update(items or {})
    return [day, insp, agent, NAMES[agent], rid, *it.values(), praise, no_verify, interrupt, taboo, biz, abuse,
            leak, err, total, remark]


CALLS = [
    row(D(2026, 11, 16), "V01", "H01", 100, praise="是"),
    row(D(2026, 11, 16), "V02", "H02", 82.35, items=V02_ITEMS),
    row(D(2026, 11, 16), "V03", "H01", 95, no_verify="是", interrupt=2),
    row(D(2026, 11, 17), "V04", "H02", 87.5, taboo="是", err=2.5),
    row(D(2026, 11, 17), "V05", "H03", 52, biz="是", praise="是"),
    row(D(2026, 11, 17), "V06", "H03", 0, abuse="是", praise="是", remark="辱骂客户,一票否决"),
    row(D(2026, 11, 18), "V07", "H01", 0, leak="是", err=5, remark="报出客户手机号 13812345678"),
    row(D(2026, 11, 18), "V09", "H03", 77.5, items={"结束语": 2.5, "礼貌用语": 7.5, "语速语调": 6, "解答准确": 19.5,
                                                   "工单记录": 10, "耐心": 5, "热情": 7.5}, err=0.5),
    row(D(2026, 11, 30), "V15", "H02", 95, items={"开场白": 0}),
]
FINALS = {"V01": 100, "V02": 82.352941, "V03": 95, "V04": 87.5, "V05": 52, "V06": 0, "V07": 0, "V09": 77.5,
          "V15": 95}
GRADES = {"V01": "优秀", "V02": "达标", "V03": "优秀", "V04": "达标", "V05": "不达标", "V06": "不达标",
          "V07": "不达标", "V09": "不达标", "V15": "优秀"}


def team_sheet(path: Path, calls) -> Path:
    """The team's 评分表: a merged title row, a merged row of 班组/质检员/月份, the headers on row 3."""
    width = len(HEAD)
    last = f"A{chr(ord('A') + width - 27)}" if width > 26 else chr(ord("A") + width - 1)
    title = ["投诉热线录音质检评分表"] + [None] * (width - 1)
    sub = ["班组: 投诉一组    质检员: 周丽    月份: 2026年11月"] + [None] * (width - 1)
    return write_xlsx(path, [SheetSpec("11月", [title, sub, HEAD, *calls], merges=[f"A1:{last}1", f"A2:{last}2"])])


@pytest.fixture(scope="module")
def sheet(tmp_path_factory) -> Path:
    return team_sheet(tmp_path_factory.mktemp("veto") / "周丽-11月.xlsx", CALLS)


def test_rule_columns_headed_as_the_form_prints_them_are_read(sheet):
    """"辱骂客户(一票否决)" is the 辱骂客户 veto, "客户表扬(加2分)" the bonus, "未核实身份(扣3分)" the
    deduction: a header holding one rule's name (and no item's) names that rule, as "问候语评分"
    names its item. Left unread, the veto would count V06 at 100 and V07 at 95."""
    checked = check_files(RUBRIC, [sheet])
    assert by_recording(checked.calls) == FINALS
    assert by_recording(checked.calls, "grade") == GRADES
    assert [f.rule.value for f in checked.report.findings] == []


def test_a_deduction_on_an_item_left_out_as_not_applicable_is_said(tmp_path):
    """V08: 工单记录 不涉及 (no ticket: it leaves the total) yet 未核实身份 (−3 on 工单记录) is marked.
    The −3 has no points to come off: the call is 85 / 85 → 100, and a warning at the deduction's
    cell says the deduction was not counted, rather than the inspector's −3 vanishing in silence."""
    v08 = row(D(2026, 11, 18), "V08", "H02", None, items={"工单记录": "不涉及"}, no_verify="是")
    checked = check_files(RUBRIC, [team_sheet(tmp_path / "周丽-V08.xlsx", [v08])])
    assert by_recording(checked.calls) == {"V08": 100}
    (f,) = checked.report.findings
    assert (f.rule.value, f.severity.value if hasattr(f.severity, "value") else f.severity, f.cell) == \
        ("deduction.item_excluded", "warning", "P4")
    assert "未核实身份" in f.message and "工单记录" in f.message and "不涉及" in f.message and "未计入" in f.message


# --- the month: 周丽's own sheet and 郑华's generated 评分表, scored, validated, consolidated --------
#
# 周丽's sheet (15 rows): the nine calls above, then
#   V10 19 Nov H01  解答准确 18, rest full                                → 98 (calibration, below)
#   V02 19 Nov H02  V02 again: a duplicate, not counted
#   V12 20 Nov H01  语速语调 7: not allowed (10/8/6/4/0), excluded by its finding
#   V13 20 Nov H03  耐心 blank: not scored yet, excluded by its finding
#   V14  2 Dec H01  all full: outside November
#   V08 18 Nov H02  工单记录 不涉及 + 未核实身份 (warning above)           → 85 / 85 → 100
# 郑华 fills the 评分表 `zhijian template` writes (2 rows):
#   V10 19 Nov H01  解答准确 16, 热情 7.5                                 → 93.5
#   V16 20 Nov H02  礼貌用语 不涉及 (counts full: na full), 需求理解 10   → 95
# V10's benchmark (no lead): each item's median, rounded down onto its scale: 解答准确 (18 + 16) / 2
# = 17, 热情 (10 + 7.5) / 2 = 8.75 → 7.5 (levels 10/7.5/5/0): 100 − 3 − 2.5 = 94.5, counted once.
# 周丽 +3.5, 郑华 −1.0 (both within ±5: 一致率 100%).
#
# November: counted V01 V02 V03 V04 V05 V06 V07 V08 V09 V10 V15 V16 = 12; excluded 2 (V12, V13);
# outside 1 (V14); duplicates 1; calibration copies 1: 12 + 2 + 1 + 1 + 1 = 17 rows read.
# Σ finals = 100 + 82.352941 + 95 + 87.5 + 52 + 0 + 0 + 100 + 77.5 + 94.5 + 95 + 95 = 878.852941
# mean 878.852941 / 12 = 73.237745; 优良 (≥ 90) V01 V03 V08 V10 V15 V16 = 6/12; 轻微不良 (85–<90)
# V04 = 1/12; 一般不良 (80–<85) V02 = 1/12; below 80 V05 V06 V07 V09 = 4/12.
# 不良 (an item's points below its maximum; 不涉及 never; a bonus above it is not 不良):
#   开场白 V02 V15 = 2; 结束语 V09 = 1; 礼貌用语 V02, V04 (禁语: 0), V09 = 3; 语速语调 V02 V09 = 2;
#   需求理解 V02 V16 = 2 (业务差错 zeroes V05's category, its items keep their points); 解答准确 V02 V09
#   V10 (benchmark 17) = 3; 工单记录 V03 (15 − 3) V09 = 2 (V02, V08 不涉及); 耐心 V02, V03 (10 − 2), V09
#   = 3; 热情 V09, V10 (benchmark 7.5) = 2 (V01 V05 V06 at 12 with the bonus). Σ 20 over 12 × 9:
#   平均不良比率 = mean of the item rates = 20 / 108 = 0.185185. V06 and V07, vetoed to 0, have no 不良
#   item: the veto is in the score, not in an item.
# Week W47 (16–22 Nov): the same minus V15 (30 Nov): 11 calls.

EXTRA = [
    row(D(2026, 11, 19), "V10", "H01", 98, items={"解答准确": 18}),
    row(D(2026, 11, 19), "V02", "H02", 82.35, items=V02_ITEMS),
    row(D(2026, 11, 20), "V12", "H01", 97, items={"语速语调": 7}),
    row(D(2026, 11, 20), "V13", "H03", 90, items={"耐心": None}),
    row(D(2026, 12, 2), "V14", "H01", 100),
    row(D(2026, 11, 18), "V08", "H02", None, items={"工单记录": "不涉及"}, no_verify="是"),
]
MONTH = {**FINALS, "V08": 100, "V10": 94.5, "V16": 95}


def fill_template(path: Path) -> Path:
    """郑华's two rows typed into the generated 评分表 (its formulas left as written)."""
    import openpyxl

    from zhijian.reports.template import write_template
    from zhijian.reports.template_layout import template_layout

    write_template(RUBRIC, path, rows=20)
    lay = template_layout(RUBRIC)
    wb = openpyxl.load_workbook(path)
    ws = wb[lay.sheet]
    rows = [
        {"date": D(2026, 11, 19), "inspector": "郑华", "agent_id": "H01", "agent_name": "刘洋", "recording_id": "V10",
         **ITEMS, "解答准确": 16, "热情": 7.5},
        {"date": D(2026, 11, 20), "inspector": "郑华", "agent_id": "H02", "agent_name": "陈晨", "recording_id": "V16",
         **ITEMS, "礼貌用语": "不涉及", "需求理解": 10},
    ]
    type_into_template(ws, lay, rows)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    d = tmp_path_factory.mktemp("veto-month")
    sheets = d / "评分表"
    sheets.mkdir()
    team_sheet(sheets / "周丽-11月.xlsx", [*CALLS, *EXTRA])
    fill_template(sheets / "郑华-11月.xlsx")
    return d


def cli_json(*args):
    import json

    from clikit import run

    result = run(*args, "--json")
    return result.exit_code, json.loads(result.output)


def test_the_generated_template_recalculated_by_libreoffice_gives_the_engines_scores(month, tmp_path):
    import openpyxl

    from zhijian.files.libreoffice import recalculate
    from zhijian.reports.template_layout import template_layout

    lay = template_layout(RUBRIC)
    src = month / "评分表" / "郑华-11月.xlsx"
    ws = openpyxl.load_workbook(recalculate(src, tmp_path), data_only=True)[lay.sheet]
    got = [ws.cell(row=lay.data_row(i), column=lay.column_number("total")).value for i in range(3)]
    assert got[:2] == [93.5, 95] and got[2] in (None, "")  # the formula, as worked by hand above
    checked = check_files(RUBRIC, [src])
    assert by_recording(checked.calls) == {"V10": 93.5, "V16": 95}


def test_score_and_validate(month):
    code, scored = cli_json("score", str(month / "评分表"), "--rubric", str(RUBRIC.path))
    assert code == 1  # two rows cannot be scored
    finals = {}
    for c in scored["calls"]:
        finals.setdefault(c["recording_id"], []).append(c["final_score"])
    assert finals["V10"] == [98, 93.5] and finals["V02"] == [82.352941, 82.352941]
    assert finals["V12"] == [None] and finals["V13"] == [None] and finals["V14"] == [100]
    code, checked = cli_json("validate", str(month / "评分表"), "--rubric", str(RUBRIC.path))
    assert code == 1
    rules = sorted((f["rule"], f["cell"]) for f in checked["findings"])
    # V02's typed 82.35 is the engine's 82.352941 to the sheet's two decimals: no total.mismatch
    assert rules == sorted([("recording.duplicate", "E14"), ("score.not_allowed", "I15"), ("score.missing", "M16"),
                            ("deduction.item_excluded", "P18")])


def test_the_month_consolidated(month, tmp_path):
    code, c = cli_json("consolidate", str(month / "评分表"), "--rubric", str(RUBRIC.path), "--period", "month",
                       "--date", "2026-11-16", "-o", str(tmp_path / "分析.xlsx"))
    assert code == 0
    acc = c["accounting"]
    assert (acc["rows_read"], acc["counted"], acc["excluded"], acc["outside_period"], acc["duplicates"],
            acc["calibration_copies"]) == (17, 12, 2, 1, 1, 1)
    assert c["n"] == 12
    assert c["mean_score"] == pytest.approx(878.852941 / 12, abs=1e-6)
    assert (c["excellent_rate"], c["slight_defect_rate"], c["general_defect_rate"], c["below_80_rate"]) == \
        tuple(round(k / 12, 6) for k in (6, 1, 1, 4))
    assert {i["item"]: i["defect_count"] for i in c["items"]} == {
        "开场白": 2, "结束语": 1, "礼貌用语": 3, "语速语调": 2, "需求理解": 2, "解答准确": 3, "工单记录": 2, "耐心": 3, "热情": 2}
    assert c["mean_defect_rate"] == round(20 / 108, 6)
    # 质检校正: 周丽 98 − 94.5 = +3.5, 郑华 93.5 − 94.5 = −1; alignment Σ (max_i / 100) × (1 − |s − b| / max_i):
    # 周丽 1 − 0.2 × 1/20 − 0.1 × 2.5/10 = 0.965, 郑华 1 − 0.2 × 1/20 = 0.99; both within ±5: 一致率 1
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "分析.xlsx")["质检校正"]
    rows: dict = {}
    for r in ws.iter_rows(values_only=True):  # the first table: 一、各质检员
        if r[0] in ("周丽", "郑华"):
            rows.setdefault(r[0], r[1:5])
    assert rows["周丽"] == pytest.approx((1, 3.5, 0.965, 1)) and rows["郑华"] == pytest.approx((1, -1, 0.99, 1))


def test_the_week_and_the_month_reports(month, tmp_path):
    code, w = cli_json("weekly", str(month / "评分表"), "--rubric", str(RUBRIC.path), "--week", "2026-W47",
                       "-o", str(tmp_path / "周报.xlsx"))
    assert code == 0
    acc = w["accounting"]
    # V15 (30 Nov) and V14 (2 Dec) are outside the week
    assert (acc["rows_read"], acc["counted"], acc["outside_period"]) == (17, 11, 2)
    code, m = cli_json("monthly", str(month / "评分表"), "--rubric", str(RUBRIC.path), "--month", "2026-11",
                       "-o", str(tmp_path / "月报.xlsx"))
    assert code == 0
    acc = m["accounting"]
    assert (acc["rows_read"], acc["counted"], acc["excluded"], acc["outside_period"], acc["duplicates"],
            acc["calibration_copies"]) == (17, 12, 2, 1, 1, 1)


def test_a_second_sheet_of_the_form_missing_a_column_is_named_not_dropped(tmp_path):
    """Two sheets of the form in one workbook (上旬, 下旬), 下旬 pasted from an older copy without the
    工单记录 column. Its three calls cannot be scored: the sheet is named with what it lacks (on the
    console and among the inputs not read), as it would be alone in its file — not dropped in silence
    because 上旬 could be read. A sheet naming none of the form's items (a 说明 sheet) stays quiet."""
    from zhijian.pipeline.jobs import consolidate

    gone = HEAD.index("工单记录(15分)")
    head = [h for k, h in enumerate(HEAD) if k != gone]
    late = [[v for k, v in enumerate(r) if k != gone] for r in CALLS[3:6]]
    path = write_xlsx(tmp_path / "周丽-11月.xlsx", [SheetSpec("上旬", [HEAD, *CALLS[:3]]), SheetSpec("下旬", [head, *late]),
                                                   SheetSpec("说明", [["填表说明"], ["一票否决项填“是”"]])])
    checked = check_files(RUBRIC, [path])
    assert [(f.rule.value, f.sheet) for f in checked.report.findings] == [("sheet.unmapped", "下旬")]
    assert "工单记录" in checked.report.findings[0].message
    assert by_recording(checked.calls) == {"V01": 100, "V02": 82.352941, "V03": 95}
    result = consolidate(RUBRIC, [str(path)], period_kind="month", date=D(2026, 11, 16))
    assert [(u.sheet, "工单记录" in u.message) for u in result.analysis.account.unreadable] == [("下旬", True)]
