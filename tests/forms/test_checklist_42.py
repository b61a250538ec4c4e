"""A 42-item 质检核查表 (7 stages × 6 checks), every check 是/否 as the team types it, half points
(2.5/2.5/2/2/3/2.5 per stage: 14.5 a stage, 101.5 in all, stated on 100), and 不涉及 leaving the
total (na: exclude: score = points of the applicable checks / their maxima × 100).

The live 最终得分 formula of such a form (42 cells each checked for a number, 不涉及 or 是/否)
runs to about 15,000 characters: Excel opens no formula over 8,192 and calls the whole workbook
damaged. The generated 评分表 therefore has no formula in 最终得分, says why on its 说明 sheet and
on the console, and `zhijian score --write` fills the column.

Hand-worked (6 decimals):
  C1 all 是                                                   → 101.5 / 101.5 = 100
  C2 否 on 报工号 (2.5) and 告知资费 (2.5)                        → 96.5 / 101.5 × 100 = 95.073892
  C3 营销's six checks 不涉及 (14.5 leave), 否 on 同理心 (2.5)     → 84.5 / 87 × 100 = 97.126437
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from clikit import run
from zhijian.files.rubrics import load_rubric
from zhijian.reports.template_formula import EXCEL_FORMULA_LIMIT, formula_fits, total_formula
from zhijian.reports.template_layout import template_layout

STAGES = {"开场": ["标准开头语", "报工号", "问候客户", "询问称呼", "语气热情", "及时接听"],
          "倾听": ["不打断客户", "复述确认", "记录要点", "回应及时", "耐心倾听", "理解需求"],
          "解答": ["答案准确", "答案完整", "条理清晰", "不用专业术语", "主动告知", "提供备选方案"],
          "流程": ["核实身份", "查询系统", "工单准确", "工单及时", "转接规范", "等待告知"],
          "态度": ["礼貌用语", "无服务禁语", "语速适中", "音量适中", "情绪稳定", "同理心"],
          "营销": ["识别商机", "主动推荐", "推荐准确", "异议处理", "不强行推销", "告知资费"],
          "结束": ["确认解决", "询问其他需求", "标准结束语", "等客户先挂机", "满意度邀评", "致谢"]}
POINTS = [2.5, 2.5, 2, 2, 3, 2.5]


def rubric_text() -> str:
    lines = ["id: checklist-42", "name: 四十二项质检核查表", 'version: "1"', "marks: {full: 100, good: 80, pass: 60}",
             'pass_words: ["是"]', 'fail_words: ["否"]', "na: exclude", 'scale: "100/101.5"', "categories:"]
    for stage, checks in STAGES.items():
        lines += [f"  - name: {stage}", "    items:"]
        lines += [f"      - {{name: {c}, max: {p:g}, levels: [{p:g}, 0]}}" for c, p in zip(checks, POINTS)]
    lines += ["grades:", "  - {name: 优秀, above: 90}", "  - {name: 合格, min: 60}", "  - {name: 不合格, min: 0}"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def form(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("checklist42")
    (d / "rubric.yaml").write_text(rubric_text(), encoding="utf-8")
    return d


def test_the_template_has_no_formula_excel_would_refuse_and_says_so(form):
    rubric = load_rubric(form / "rubric.yaml")
    assert len(rubric.items) == 42
    assert len(total_formula(rubric, 4)) > EXCEL_FORMULA_LIMIT and not formula_fits(rubric)
    result = run("template", str(form / "rubric.yaml"), "-o", str(form / "核查表.xlsx"))
    assert result.exit_code == 0
    assert "没有公式" in result.output and "8192" in result.output
    wb = openpyxl.load_workbook(form / "核查表.xlsx")
    lay = template_layout(rubric)
    ws = wb[lay.sheet]
    formulas = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert all(len(f) <= EXCEL_FORMULA_LIMIT for f in formulas)
    assert ws.cell(row=lay.data_row(0), column=lay.column_number("total")).value is None
    notes = " ".join(str(c.value) for row in wb[lay.notes_sheet].iter_rows() for c in row if c.value)
    assert "8192" in notes and "计算总分" in notes


def test_filled_as_an_inspector_would_and_scored(form):
    rubric = load_rubric(form / "rubric.yaml")
    lay = template_layout(rubric)
    run("template", str(form / "rubric.yaml"), "-o", str(form / "待填.xlsx"))
    wb = openpyxl.load_workbook(form / "待填.xlsx")
    ws = wb[lay.sheet]
    marks = {"C1": {}, "C2": {"报工号": "否", "告知资费": "否"},
             "C3": {**{c: "不涉及" for c in STAGES["营销"]}, "同理心": "否"}}
    for i, (rid, changed) in enumerate(marks.items()):
        r = lay.data_row(i)
        for key, v in {"date": dt.date(2026, 11, 16), "inspector": "吴倩", "agent_id": "K01", "recording_id": rid}.items():
            ws.cell(row=r, column=lay.column_number(key), value=v)
        for it in rubric.items:
            ws.cell(row=r, column=lay.column_number(it.name), value=changed.get(it.name, "是"))
    wb.save(form / "吴倩.xlsx")
    result = run("score", str(form / "吴倩.xlsx"), "--rubric", str(form / "rubric.yaml"), "--json")
    assert result.exit_code == 0
    finals = {c["recording_id"]: c["final_score"] for c in json.loads(result.output)["calls"]}
    assert finals == {"C1": 100, "C2": 95.073892, "C3": 97.126437}
    result = run("score", str(form / "吴倩.xlsx"), "--rubric", str(form / "rubric.yaml"), "--write")
    assert result.exit_code == 0
    copy = next(form.glob("吴倩.scored.xlsx"))
    ws = openpyxl.load_workbook(copy, data_only=True)[lay.sheet]
    got = [ws.cell(row=lay.data_row(i), column=lay.column_number("total")).value for i in range(3)]
    assert got == pytest.approx([100, 95.073892, 97.126437])


@pytest.mark.parametrize("name", sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "rubrics").glob("*.yaml"))
                         + sorted(str(p) for p in Path(__file__).resolve().parent.glob("*/rubric.yaml")))
def test_the_bundled_and_corpus_forms_keep_their_live_formula(name):
    assert formula_fits(load_rubric(name))
