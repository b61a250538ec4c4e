"""Headers as teams write them (issue 14, item 3): long names and aliases, codes kept whole, the
field words of other forms (录音文件, 综合评分, 合计, English ones), and the marks that are no score.

Each sheet is written with openpyxl and read back from the file, as `zhijian validate` reads it.
`long-headers` (below): call score = Σ items, full marks 100 = 20 + 10 + 40 + 10 + 10 + 10.
`listening-10x4`: final = max(0, 2 × Σ 10 items − 差错扣分), 不涉及 counts 5.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from sheetkit import LISTENING_HEADER, LISTENING_ITEMS, SheetSpec, listening_row, write_xlsx
from zhijian.engine.cells import NA_WORDS
from zhijian.engine.columns import normalise_header
from zhijian.engine.validate import check_grids
from zhijian.files.rubrics import load_rubric, parse_rubric
from zhijian.files.workbooks import read_grids

D1 = dt.date(2026, 11, 2)
LONG = "坐席在通话开始时使用标准开场白并主动报出工号与姓名然后询问客户的称呼并表示愿意为其提供服务"  # 45 characters
ALIAS = "对客户提出的业务问题给出准确完整的解答并在必要时主动告知相关的办理渠道所需材料和预计办理时限"  # 45
LONG_RUBRIC = f"""
id: long-headers
name: 长表头评分表
version: "1"
marks: {{full: 100, good: 80, pass: 60}}
categories:
  - name: 开场
    items:
      - {{name: {LONG}, max: 20, range: {{min: 0, max: 20}}}}
      - {{name: 1.1 礼貌用语, max: 10, levels: [10, 5, 0]}}
  - name: 结束
    items:
      - {{name: 业务解答, max: 40, range: {{min: 0, max: 40}}, aliases: [{ALIAS}]}}
      - {{name: 9.1 礼貌用语, max: 10, levels: [10, 5, 0]}}
      - {{name: 结束语, max: 10, levels: [10, 5, 0], aliases: ["3.1"]}}
      - {{name: 满意度邀请, max: 10, levels: [10, 0], aliases: ["4.1"]}}
"""
FIELDS = ["日期", "质检员", "工号", "录音编号"]


@pytest.fixture(scope="module")
def long_rubric():
    return parse_rubric(LONG_RUBRIC, "long-headers.yaml")


@pytest.fixture(scope="module")
def listening():
    return load_rubric("listening-10x4")


def check(rubric, tmp_path, rows, name="表.xlsx"):
    path = write_xlsx(tmp_path / name, [SheetSpec("评分表", rows)])
    return check_grids(rubric, read_grids(path))


def findings(checked):
    return [(str(f.rule), f.cell) for f in checked.report.findings]


# --- long headers and codes ------------------------------------------------------------------------

def test_a_long_name_and_a_long_alias_map_exactly(long_rubric, tmp_path):
    assert len(LONG) > 40 and len(ALIAS) > 40
    header = [*FIELDS, f"{LONG}(20分)", "1.1 礼貌用语", ALIAS, "9.1礼貌用语", "3.1", "4.1", "最终得分"]
    rows = [header,
            # 18 + 10 + 35 + 5 + 10 + 0 = 78
            [D1, "李娜", 1001, "R1", 18, 10, 35, 5, 10, 0, 78],
            # 20 + 5 + 40 + 10 + 5 + 10 = 90
            [D1, "李娜", 1002, "R2", 20, 5, 40, 10, 5, 10, 90]]
    checked = check(long_rubric, tmp_path, rows)
    assert findings(checked) == []
    (read,) = checked.sheets
    assert {k: read.columns.get(k) for k in (LONG, "1.1 礼貌用语", "业务解答", "9.1 礼貌用语", "结束语", "满意度邀请")} == \
        {LONG: "E", "1.1 礼貌用语": "F", "业务解答": "G", "9.1 礼貌用语": "H", "结束语": "I", "满意度邀请": "J"}
    assert checked.calls["final_score"].tolist() == [78.0, 90.0]


def test_a_long_text_that_merely_contains_an_item_name_is_not_its_header(long_rubric, tmp_path):
    # The team's own note column, left of the real 业务解答 column, mentions 业务解答 in 48 characters.
    note = "补充说明: 本列记录坐席对业务解答的补充情况,以及客户在通话中提出的其他问题和后续的处理进度"
    assert len(normalise_header(note)[0]) > 40
    header = [*FIELDS, note, LONG, "1.1 礼貌用语", "业务解答", "9.1 礼貌用语", "结束语", "满意度邀请"]
    rows = [header,
            # 20 + 10 + 40 + 10 + 10 + 10 = 100
            [D1, "李娜", 1001, "R1", "已回访", 20, 10, 40, 10, 10, 10]]
    checked = check(long_rubric, tmp_path, rows)
    (read,) = checked.sheets
    assert read.columns["业务解答"] == "H"
    assert read.extra_columns == {"E": note}
    assert checked.calls["final_score"].tolist() == [100.0]


def test_codes_are_kept_whole():
    assert normalise_header("1.1")[0] == "1.1" and normalise_header("9.1")[0] == "9.1"
    assert normalise_header("1.1 问候语")[0] == "问候语"
    assert normalise_header("2.3.1问候语(2分)") == ("问候语", 2.0)
    assert normalise_header("10、业务能力")[0] == "业务能力"  # a numbering, as before
    assert normalise_header("七、灵活处理")[0] == "灵活处理"


def test_a_numbered_name_two_items_share_identifies_neither(long_rubric, tmp_path):
    # "2、礼貌用语" without its code could be 1.1 礼貌用语 or 9.1 礼貌用语: the sheet is refused
    # naming both, never read into one of them.
    header = [*FIELDS, LONG, "2、礼貌用语", "业务解答", "结束语", "满意度邀请"]
    checked = check(long_rubric, tmp_path, [header, [D1, "李娜", 1001, "R1", 20, 10, 40, 10, 10]])
    (f,) = checked.report.findings
    assert (str(f.rule), f.cell) == ("sheet.unmapped", "A1")
    assert f.message.startswith("找不到评分项列: 1.1 礼貌用语、9.1 礼貌用语。")


def test_zhijian_reads_back_its_own_template_of_a_rubric_with_long_names(long_rubric, tmp_path):
    from zhijian.reports.template import Prefill, write_template
    from zhijian.reports.template_layout import template_layout

    lay = template_layout(long_rubric)
    path = write_template(long_rubric, tmp_path / "模板.xlsx", prefill=Prefill(rows=[
        {"date": D1, "inspector": "李娜", "agent_id": "1001", "recording_id": "R1"}]))
    wb = openpyxl.load_workbook(path)
    ws = wb[lay.sheet]
    # 15 + 10 + 30 + 10 + 5 + 10 = 80
    for item, v in zip(long_rubric.items, [15, 10, 30, 10, 5, 10]):
        ws.cell(lay.data_row(0), lay.column_number(item.name), v)
    wb.save(tmp_path / "填好.xlsx")
    checked = check_grids(long_rubric, read_grids(tmp_path / "填好.xlsx"))
    assert [s.mapped for s in checked.sheets if s.mapped] == [True]
    assert checked.calls["recording_id"].tolist() == ["R1"]
    assert checked.calls["final_score"].tolist() == [80.0]
    assert [str(f.rule) for f in checked.report.findings] == []


# --- field words ------------------------------------------------------------------------------------

ITEMS_FIVES = [5] * 10


def test_english_field_words(listening, tmp_path):
    header = ["Date", "Evaluator", "Agent", "Call ID", *LISTENING_ITEMS, "Total Score", "Comments"]
    rows = [header,
            # 2 × 50 = 100
            [D1, "Mary", "Maria Lopez", "C-1001", *ITEMS_FIVES, 100, "good"],
            # 2 × (45 + 3) = 96
            [D1, "Mary", "John Smith", "C-1002", *[5] * 9, 3, 96, None]]
    checked = check(listening, tmp_path, rows)
    assert findings(checked) == []
    calls = checked.calls
    # The only agent column is "Agent": it is the agent's id as well as the name.
    assert calls["agent_id"].tolist() == ["Maria Lopez", "John Smith"]
    assert calls["agent_name"].tolist() == ["Maria Lopez", "John Smith"]
    assert calls["inspector"].tolist() == ["Mary", "Mary"]
    assert calls["recording_id"].tolist() == ["C-1001", "C-1002"]
    assert calls["recorded_total"].tolist() == [100.0, 96.0]
    assert calls["remarks"].tolist() == ["good", ""]


def test_agent_id_and_agent_name_apart(listening, tmp_path):
    header = ["Date", "Evaluator", "Agent ID", "Agent", "Recording ID", *LISTENING_ITEMS]
    checked = check(listening, tmp_path, [header, [D1, "Mary", "A7", "Maria", "R1", *ITEMS_FIVES]])
    (read,) = checked.sheets
    assert (read.columns["agent_id"], read.columns["agent_name"], read.columns["recording_id"]) == ("C", "D", "E")
    assert checked.calls[["agent_id", "agent_name"]].values.tolist() == [["A7", "Maria"]]


def test_a_sheet_with_only_a_name_column_still_needs_the_id(listening, tmp_path):
    # 姓名 is a name, never an id: without 工号 the sheet is refused, as before.
    header = ["日期", "质检员", "姓名", "录音编号", *LISTENING_ITEMS]
    checked = check(listening, tmp_path, [header, [D1, "李娜", "王芳", "R1", *ITEMS_FIVES]])
    (f,) = checked.report.findings
    assert f.message.startswith("找不到必填列: 坐席工号。")


@pytest.mark.parametrize("word", ["综合评分", "合计", "总分", "Total", "Total Score"])
def test_the_total_column_by_its_other_names(listening, tmp_path, word):
    header = ["日期", "质检员", "工号", "录音编号", *LISTENING_ITEMS, word]
    rows = [header,
            [D1, "李娜", 1001, "R1", *ITEMS_FIVES, 100],  # 2 × 50 = 100
            [D1, "李娜", 1002, "R2", *[4] * 10, 90]]      # 2 × 40 = 80, the sheet says 90
    checked = check(listening, tmp_path, rows)
    assert checked.sheets[0].columns["total"] == "O"
    assert checked.calls["recorded_total"].tolist() == [100.0, 90.0]
    assert findings(checked) == [("total.mismatch", "O3")]


def test_a_total_column_named_he_ji_and_a_he_ji_row(listening, tmp_path):
    # 合计 heads the total column and labels the sum row under the calls: the calls are read
    # with their totals, the sum row is no call.
    header = ["序号", "日期", "质检员", "工号", "录音编号", *LISTENING_ITEMS, "合计"]
    rows = [header,
            [1, D1, "李娜", 1001, "R1", *ITEMS_FIVES, 100],      # 2 × 50 = 100
            [2, D1, "李娜", 1002, "R2", *[5] * 9, 4, 98],        # 2 × 49 = 98
            ["合计", None, None, None, None, *[10] * 9, 9, 198]]
    checked = check(listening, tmp_path, rows)
    assert findings(checked) == []
    assert checked.calls["recording_id"].tolist() == ["R1", "R2"]
    assert checked.calls["recorded_total"].tolist() == [100.0, 98.0]


def test_lu_yin_wen_jian_is_the_recording_id_unless_a_better_column_is_there(listening, tmp_path):
    alone = check(listening, tmp_path, [["日期", "质检员", "工号", "录音文件", *LISTENING_ITEMS],
                                        [D1, "李娜", 1001, "20261102_1001.wav", *ITEMS_FIVES]], "a.xlsx")
    assert alone.calls["recording_id"].tolist() == ["20261102_1001.wav"]
    # 录音文件 left of 录音编号: 录音编号 is the id, the file name is kept as the team's own column.
    both = check(listening, tmp_path, [["日期", "质检员", "工号", "录音文件", "录音编号", *LISTENING_ITEMS],
                                       [D1, "李娜", 1001, "20261102_1001.wav", "LY1", *ITEMS_FIVES]], "b.xlsx")
    (read,) = both.sheets
    assert read.columns["recording_id"] == "E" and read.extra_columns == {"D": "录音文件"}
    assert both.calls["recording_id"].tolist() == ["LY1"]
    assert both.calls["extra:录音文件"].tolist() == ["20261102_1001.wav"]


# --- marks that are no score ------------------------------------------------------------------------

def test_a_dash_is_unreadable_never_na(listening, tmp_path):
    assert not {"-", "—", "–"} & NA_WORDS
    rows = [LISTENING_HEADER,
            listening_row(D1, "李娜", 1001, "王芳", "R1", ["-", *[5] * 9]),
            listening_row(D1, "李娜", 1002, "赵磊", "R2", [*[5] * 9, "—"]),
            listening_row(D1, "李娜", 1003, "孙丽", "R3", [5, "?", *[5] * 8]),
            # 不涉及 words count 5: 2 × 50 = 100
            listening_row(D1, "李娜", 1004, "周强", "R4", ["不涉及", "N/A", "NA", "/", "不适用", "免评", "无需", "n/a",
                                                        "／", 5])]
    checked = check(listening, tmp_path, rows)
    assert findings(checked) == [("score.unreadable", "F2"), ("score.unreadable", "O3"), ("score.unreadable", "G4")]
    assert checked.report.findings[0].message == "“开场白及挂机”的分数“-”无法识别"
    scores = checked.calls["final_score"].tolist()
    assert scores[3] == 100.0 and all(s != s for s in scores[:3])  # no score for an unreadable cell
