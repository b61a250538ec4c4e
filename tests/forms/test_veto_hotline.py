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
from sheetkit import SheetSpec, write_xlsx
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
