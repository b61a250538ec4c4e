"""Every bundled rubric's 评分表, filled in as an inspector would (openpyxl) with calls whose scores
are worked out here by hand from the rubric's own rules: full marks, a veto or a 致命性错误, a
bonus, a deduction, 不涉及, a blank item, an empty row. `zhijian score` gives those numbers, and so
does the template's own 最终得分 formula once LibreOffice has recalculated it (one soffice run for
the four workbooks). The dropdowns list exactly the values the rubric's text allows.

(test_template.py compares the formula with the engine on random rows; these numbers are not
taken from either.)"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from clikit import run
from sheetkit import type_into_template
from zhijian.files.libreoffice import recalculate_many
from zhijian.files.rubrics import load_rubric
from zhijian.reports.template_layout import template_layout

NO_SCORE = None

LISTENING = ["开场白及挂机", "服务态度", "服务用语", "语速音量", "表达能力", "主动推介", "灵活处理",
             "双向沟通", "聆听能力", "业务能力"]


def listening(*scores, **more):
    return {**dict(zip(LISTENING, scores)), **more}


# listening-10x4: 10 items of 0–5, call = 2 × Σ items, final = max(0, call − 差错扣分);
# 致命性错误 are counted, they do not zero the call (zero_call: false); 不涉及 = 5; blank = not scored.
LISTENING_CALLS = [
    (listening(*[5] * 10), 100),
    (listening(*[5] * 10, fatal_errors=1), 100),
    (listening(4, 5, 5, 5, 5, 5, 5, 5, 5, 3, error_deduction=7.5), 2 * 47 - 7.5),  # 86.5
    (listening(4, 4, 4, 4, 4, "不涉及", 4, 4, 4, 4), 2 * (9 * 4 + 5)),  # 82
    (listening(*[0] * 10, error_deduction=5), 0),  # 0 − 5, never below 0
    (listening(*[3] * 10, fatal_errors=2, error_deduction=0.5), 59.5),
    (listening(5, 5, None, 5, 5, 5, 5, 5, 5, 5), NO_SCORE),  # 服务用语 left blank: not scored yet
]

# qc-v3.1: 109 raw points, call = Σ categories × 100/109 (6 decimals), never above 100; bonuses may
# lift their category; 未核实身份 takes 1 off 基本要求1 (not below 0); 出现服务禁语 zeroes
# 礼貌用语恰当, 无工程师接线 the call; 不涉及 = the item's maximum.
QC_CALLS = [
    ({}, 100),
    ({"服务责任": 12, "bonus:warm_greeting": 1}, 98.165138),  # 109 − 3 + 1 = 107; 10700/109
    ({"基本要求1": 4, "deduction:unverified_identity": 1}, 97.247706),  # 109 − 3 = 106
    ({"基本要求1": 0, "deduction:unverified_identity": 1}, 94.495413),  # 0 − 1 stays 0: 103
    ({"zero:no_engineer": "是"}, 0),
    ({"zero:forbidden_words": "是", "服务耐心": 3}, 95.412844),  # 109 − 2 − 3 = 104
    ({"基本要求2": "不涉及", "致歉语": "不涉及", "等待时长": 6}, 96.330275),  # 109 − 4 = 105
    ({"bonus:praised_online_help": 1, "表达能力": 2}, 93.577982),  # 109 + 1 − 8 = 102
    ({"bonus:praised_online_help": 1, "bonus:guiding_questions": 1}, 100),  # 111 raw: capped at 100
    ({"响应语": None}, NO_SCORE),
]

# service-ops-weighted: four dimensions of 10 points (优秀 10, 良好 8, 一般 7, 差 5) weighing
# 30/30/20/20: score = Σ points / 10 × weight; 不涉及 = full.
WEIGHTED = ["专业知识", "响应效率", "沟通协作", "问题解决"]
WEIGHTED_CALLS = [
    (dict(zip(WEIGHTED, ["优秀"] * 4)), 100),
    (dict(zip(WEIGHTED, ["良好", "一般", "差", "优秀"])), 24 + 21 + 10 + 20),  # 75
    (dict(zip(WEIGHTED, [8, 8, 7, 5])), 24 + 24 + 14 + 10),  # 72
    (dict(zip(WEIGHTED, ["一般", "一般", "不涉及", "一般"])), 21 + 21 + 20 + 14),  # 76
    (dict(zip(WEIGHTED, ["优秀", "优秀", "优秀", None])), NO_SCORE),
    (dict(zip(WEIGHTED, ["优秀", "很好", "优秀", "优秀"])), NO_SCORE),  # 很好 is no level of the form
]

# deduction-base100: a ledger; a call's 本通扣分 = Σ points × (times + extra for each doubled one);
# each agent's month is 100 − Σ 本通扣分, never below 0 (优秀 ≥ 95, 良好 ≥ 90, 达标 ≥ 80).
LEDGER_CALLS = [
    ({"agent_id": "A001", "offence:o01": 1, "offence:o08": 2, "complaint:o08": 1}, 10 + 6 * 3),  # 28
    ({"agent_id": "A001"}, 0),  # a call without an offence
    ({"agent_id": "A002", "offence:o17": 1, "complaint:o17": 1, "offence:o13": 2}, 12 + 10),
    ({"agent_id": "A002", "offence:o09": 1, "complaint:o09": 0}, 10),
    ({"agent_id": "A003", "offence:o01": 5, "offence:o02": 5, "offence:o03": 1}, 110),
    ({"agent_id": "A004", "offence:o13": 1}, 5),
    ({"agent_id": "A005", "offence:o14": 2}, 10),
]
LEDGER_MONTH = {"A001": (72, "不达标"), "A002": (68, "不达标"), "A003": (0, "不达标"),
                "A004": (95, "优秀"), "A005": (90, "良好")}

CASES = {"listening-10x4": LISTENING_CALLS, "qc-v3.1": QC_CALLS,
         "service-ops-weighted": WEIGHTED_CALLS, "deduction-base100": LEDGER_CALLS}

# What each dropdown must offer, from the rubric's text (levels, labels, range 0–5, 是).
DROPDOWNS = {
    "listening-10x4": {"开场白及挂机": "5,4,3,2,1,0,不涉及", "业务能力": "5,4,3,2,1,0,不涉及"},
    "qc-v3.1": {"问候语": "2,1,0,不涉及", "服务责任": "15,12,10,8,6,4,2,0,不涉及",
                "非技术解答": "1,0,不涉及", "bonus:warm_greeting": "0,1",
                "deduction:unverified_identity": "0,1", "zero:no_engineer": "是"},
    "service-ops-weighted": {w: "10,8,7,5,优秀,良好,一般,差,不涉及" for w in WEIGHTED},
    "deduction-base100": {},
}


def _fill(name: str, template, out):
    rubric = load_rubric(name)
    lay = template_layout(rubric)
    wb = openpyxl.load_workbook(template)
    ws = wb[lay.sheet]
    calls = []
    for i, (cells, _) in enumerate(CASES[name]):
        values = {"date": dt.datetime(2024, 6, 3 + i), "inspector": "张敏", "agent_id": "A001",
                  "agent_name": "赵一", "recording_id": f"R{i + 1:03d}"}
        if rubric.items and name == "qc-v3.1":  # every item at its maximum unless the call says otherwise
            values.update({it.name: it.max for it in rubric.items})
        calls.append({**values, **cells})
    type_into_template(ws, lay, calls)
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hand")
    sources = {}
    for name in CASES:
        template = tmp / f"{name}.xlsx"
        r = run("template", name, "-o", template, "--rows", 20)
        assert r.exit_code == 0, r.output
        sources[name] = _fill(name, template, tmp / f"{name}-filled.xlsx")
    outs = recalculate_many(list(sources.values()), tmp / "recalculated")
    return {name: (src, out) for (name, src), out in zip(sources.items(), outs)}


@pytest.mark.parametrize("name", CASES)
def test_zhijian_score_gives_the_hand_worked_scores(filled, name):
    src, _ = filled[name]
    r = run("score", src, "--rubric", name, "--json")
    calls = CASES[name]
    unscorable = any(want is NO_SCORE for _, want in calls)
    assert r.exit_code == (1 if unscorable else 0), r.output
    data = json.loads(r.output)
    lay = template_layout(load_rubric(name))
    got = {c["row"]: c.get("charge") if name == "deduction-base100" else c["final_score"] for c in data["calls"]}
    assert got == {lay.data_row(i): want for i, (_, want) in enumerate(calls)}  # the empty rows are no calls
    if name == "deduction-base100":
        month = {a["agent_id"]: (a["score"], a["grade"]) for a in data["ledgers"][0]["agents"]}
        assert month == LEDGER_MONTH


@pytest.mark.parametrize("name", CASES)
def test_the_templates_own_total_gives_the_same_numbers_in_libreoffice(filled, name):
    _, recalculated = filled[name]
    lay = template_layout(load_rubric(name))
    ws = openpyxl.load_workbook(recalculated, data_only=True)[lay.sheet]
    total = lay.column_number("total")
    got = [ws.cell(row=lay.data_row(i), column=total).value for i in range(20)]
    want = [want for _, want in CASES[name]] + [None] * (20 - len(CASES[name]))  # rows left empty: blank
    assert [None if v == "" else v for v in got] == pytest.approx(want, abs=1e-9)


@pytest.mark.parametrize("name", CASES)
def test_the_dropdowns_offer_what_the_rubric_allows(filled, name):
    src, _ = filled[name]
    lay = template_layout(load_rubric(name))
    ws = openpyxl.load_workbook(src)[lay.sheet]
    for key, listed in DROPDOWNS[name].items():
        cell = lay.cell(key, lay.first_data_row)
        dv = [d for d in ws.data_validations.dataValidation if cell in d.sqref]
        assert len(dv) == 1 and dv[0].type == "list" and dv[0].formula1 == f'"{listed}"', (key, dv)
    if name == "deduction-base100":  # counts: whole numbers ≥ 0
        for key in ("offence:o01", "complaint:o08"):
            dv = [d for d in ws.data_validations.dataValidation if lay.cell(key, lay.first_data_row) in d.sqref]
            assert len(dv) == 1 and (dv[0].type, dv[0].operator, dv[0].formula1) == ("whole", "greaterThanOrEqual", "0")
