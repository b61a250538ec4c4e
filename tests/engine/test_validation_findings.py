"""Validation (校验): each kind of mistake an inspector makes is found at the right cell, with the
right rule id, and the clean version of the same sheet gives no finding at all.

Every case starts from a clean sheet, checks that it is clean, applies ONE mistake and expects
exactly the listed findings. Checks run with a roster (工号 1001–1004) and the period 2026-11, so
the roster and period rules are live on the clean sheet too.

The clean 质检监听评分表 (listening-10x4), title in row 1, header in row 2:
    A 日期  B 质检员  C 坐席工号  D 坐席姓名  E 录音编号  F–O the 10 items
    (F 开场白及挂机, G 服务态度, H 服务用语, I 语速音量, J 表达能力, K 主动推介, L 灵活处理,
     M 双向沟通, N 聆听能力, O 业务能力)  P 致命性错误  Q 差错扣分  R 最终得分  S 备注
The clean 服务质量评分标准v3.1 sheet (qc-v3.1), header in row 1: A 日期, B 质检员, C 工号,
    D 录音编号, E–AD the 26 items (F 结束语, W 服务责任), AE 加分:问候语热情、亲切,
    AF 减分:…未核实客户身份, AG 清零:出现服务禁语, AH 最终得分 (the team's total, to 2 decimals).
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from sheetkit import (LISTENING_HEADER, ExcelError, SheetSpec, delete_column, listening_row, qc_header,
                      qc_row, set_cell, write_xlsx)
from zhijian.engine.findings import Rule, Severity
from zhijian.files.rubrics import load_rubric
from zhijian.engine.validate import check_grids
from zhijian.engine.periods import parse_period
from zhijian.files.workbooks import read_grids

D1, D2 = dt.date(2026, 11, 2), dt.date(2026, 11, 3)
ROSTER = {"1001", "1002", "1003", "1004"}
PERIOD = parse_period("2026-11")


@pytest.fixture(scope="module")
def rubrics():
    return {name: load_rubric(name) for name in ("listening-10x4", "qc-v3.1", "deduction-base100")}


def clean_listening() -> SheetSpec:
    return SheetSpec("评分表", [
        ["质检监听评分表 2026年11月 质检员:李娜"],
        LISTENING_HEADER,
        # row 3: 2 × 50 = 100
        listening_row(D1, "李娜", 1001, "王芳", "LY001", [5] * 10, total=100),
        # row 4: 4 + 9 × 5 = 49; 2 × 49 = 98
        listening_row(D1, "李娜", 1002, "赵磊", "LY002", [5, 4, 5, 5, 5, 5, 5, 5, 5, 5], total=98),
        # row 5: 10 × 4 = 40; 2 × 40 − 2 = 78
        listening_row(D2, "李娜", 1003, "孙丽", "LY003", [4] * 10, error_deduction=2, total=78),
        # row 6: 8 × 5 + 3 + 3 = 46; 2 × 46 = 92
        listening_row(D2, "李娜", 1004, "周强", "LY004", [5, 5, 5, 5, 3, 3, 5, 5, 5, 5], total=92),
    ], merges=["A1:S1"])


def clean_qc() -> SheetSpec:
    return SheetSpec("QC评分", [
        qc_header(),
        # row 2: every item full: 109 raw × 100/109 = 100
        qc_row(D1, "陈静", 1001, "QC001", total=100),
        # row 3: 问候语 1 + 加分 1 = 2 (full): 109 → 100
        qc_row(D1, "陈静", 1002, "QC002", {"问候语": 1}, bonus=1, total=100),
        # row 4: 服务责任 12 (−3): 106 × 100/109 = 97.247706, typed 97.25 (within 0.005)
        qc_row(D2, "陈静", 1003, "QC003", {"服务责任": 12}, total=97.25),
    ])


CLEAN = {"listening-10x4": clean_listening, "qc-v3.1": clean_qc}


def run(rubrics, rubric_name, spec, tmp_path, name="评分.xlsx"):
    path = write_xlsx(tmp_path / name, [spec])
    others = [r for n, r in rubrics.items() if n != rubric_name]
    checked = check_grids(rubrics[rubric_name], read_grids(path), roster=ROSTER, period=PERIOD,
                          other_rubrics=others)
    return path, checked


def cells(checked):
    return sorted((str(f.rule), f.cell) for f in checked.report.findings)


def setting(**cells_):
    def mutate(spec):
        for ref, value in cells_.items():
            set_cell(spec, ref, value)
    return mutate


def add_column(letter, header, values):
    def mutate(spec):
        row0 = 2 if spec.name == "评分表" else 1
        set_cell(spec, f"{letter}{row0}", header)
        for i, v in enumerate(values, start=row0 + 1):
            set_cell(spec, f"{letter}{i}", v)
    return mutate


def removing(letter):
    return lambda spec: delete_column(spec, letter)


# (rubric, mistake, expected findings as (rule, cell), words the message must hold)
MISTAKES = [
    pytest.param("listening-10x4", setting(F4=6), [("score.not_allowed", "F4")], ["开场白及挂机", "6"],
                 id="6分超出0–5"),
    pytest.param("listening-10x4", setting(G5=-1), [("score.not_allowed", "G5")], ["服务态度", "-1"],
                 id="负分-1"),
    pytest.param("listening-10x4", setting(H3="好"), [("score.unreadable", "H3")], ["服务用语", "好"],
                 id="分数写成文字"),
    pytest.param("listening-10x4", setting(I6=None), [("score.missing", "I6")], ["语速音量"],
                 id="漏评一项"),
    pytest.param("listening-10x4", setting(E4=None), [("field.missing", "E4")], ["录音编号"],
                 id="录音编号为空"),
    pytest.param("listening-10x4", setting(C5=None), [("field.missing", "C5")], ["坐席工号"],
                 id="工号为空"),
    pytest.param("listening-10x4", setting(A3=None), [("date.missing", "A3")], ["日期为空", "不计入统计"],
                 id="日期为空"),
    pytest.param("listening-10x4", setting(A4="昨天"), [("date.unreadable", "A4")], ["昨天"],
                 id="日期无法识别"),
    pytest.param("listening-10x4", setting(A5=dt.date(2026, 12, 1)), [("date.out_of_period", "A5")],
                 ["2026-12-01", "2026-11-01 至 2026-11-30"], id="日期不在统计期"),
    pytest.param("listening-10x4", setting(C6=9999), [("agent.unknown", "C6")], ["9999"],
                 id="工号不在人员名单"),
    pytest.param("listening-10x4", setting(E5="LY001", C5=1001, D5="王芳"), [("recording.duplicate", "E5")], ["LY001", "E3"],
                 id="同一质检员重复评分同一录音"),
    pytest.param("listening-10x4", setting(Q4=12), [("error_deduction.invalid", "Q4")], ["12", "0–10"],
                 id="差错扣分超出0–10"),
    pytest.param("listening-10x4", setting(P3="abc"), [("fatal.invalid", "P3")], ["abc"],
                 id="致命性错误不是起数"),
    pytest.param("listening-10x4", setting(R6=88), [("total.mismatch", "R6")], ["88", "92"],
                 id="总分与计算不符"),
    pytest.param("listening-10x4", setting(F5="#DIV/0!"), [("formula.error", "F5")], ["#DIV/0!"],
                 id="评分项是公式错误文字"),
    pytest.param("listening-10x4", setting(R3="#REF!"), [("formula.error", "R3")], ["#REF!"],
                 id="总分是公式错误文字"),
    pytest.param("listening-10x4", setting(Q5="#DIV/0!"), [("formula.error", "Q5")], ["#DIV/0!"],
                 id="差错扣分是公式错误文字"),
    pytest.param("listening-10x4", setting(R4=ExcelError("#DIV/0!")), [("formula.error", "R4")],
                 ["#DIV/0!"], id="总分是Excel错误值"),
    pytest.param("listening-10x4", setting(G4=ExcelError("#REF!")), [("formula.error", "G4")],
                 ["#REF!"], id="评分项是Excel错误值"),
    pytest.param("listening-10x4", add_column("T", "加分:自创加分", [1, None, 1, None]),
                 [("column.unknown_rule", "T2")], ["加分:自创加分"], id="未知加分列"),
    # An English rule column the rubric does not have zeroes nothing: said, not ignored.
    pytest.param("listening-10x4", add_column("T", "Zero Tolerance: rude words", ["Ya", None, None, None]),
                 [("column.unknown_rule", "T2")], ["Zero Tolerance: rude words", "清零"],
                 id="未知英文清零列"),
    pytest.param("listening-10x4", add_column("T", "Bonus", [1, None, None, None]),
                 [("column.unknown_rule", "T2")], ["Bonus", "加分"], id="未知英文加分列"),
    pytest.param("listening-10x4", removing("N"), [("sheet.unmapped", "A2")], ["聆听能力"],
                 id="缺少评分项列"),
    pytest.param("listening-10x4", removing("E"), [("sheet.unmapped", "A2")], ["录音编号"],
                 id="缺少必填列"),
    pytest.param("qc-v3.1", setting(F3=3), [("score.not_allowed", "F3")], ["结束语", "2/0"],
                 id="结束语3分不在2/0"),
    pytest.param("qc-v3.1", setting(F4=1), [("score.not_allowed", "F4")], ["结束语", "1"],
                 id="结束语1分不在2/0"),
    pytest.param("qc-v3.1", setting(W2=13), [("score.not_allowed", "W2")], ["服务责任", "13"],
                 id="服务责任13分不在档位"),
    pytest.param("qc-v3.1", setting(AE2=2), [("bonus.not_allowed", "AE2")], ["问候语热情、亲切", "1", "2"],
                 id="加分超过次数"),
    pytest.param("qc-v3.1", setting(AF3="很多"), [("deduction.not_allowed", "AF3")], ["很多"],
                 id="减分不是数字"),
    pytest.param("qc-v3.1", setting(AG4="也许"), [("flag.unreadable", "AG4")], ["也许", "是"],
                 id="清零标记不是是或空"),
]


@pytest.mark.parametrize("rubric_name", sorted(CLEAN))
def test_clean_sheet_has_no_finding(rubric_name, rubrics, tmp_path):
    _, checked = run(rubrics, rubric_name, CLEAN[rubric_name](), tmp_path)
    assert cells(checked) == []
    assert checked.report.errors == 0 and checked.report.warnings == 0
    assert len(checked.valid_calls) == len(checked.calls) > 0


@pytest.mark.parametrize("rubric_name,mistake,expected,words", MISTAKES)
def test_one_mistake_one_finding_at_its_cell(rubric_name, mistake, expected, words, rubrics, tmp_path):
    clean = CLEAN[rubric_name]()
    _, checked = run(rubrics, rubric_name, clean, tmp_path, "clean.xlsx")
    assert cells(checked) == []

    spec = copy.deepcopy(clean)
    mistake(spec)
    path, checked = run(rubrics, rubric_name, spec, tmp_path, "mistake.xlsx")
    assert cells(checked) == sorted(expected)
    for f in checked.report.findings:
        # a total that disagrees is a warning: the row counts at the engine's score
        assert f.severity == (Severity.WARNING if f.rule == "total.mismatch" else Severity.ERROR)
        assert (f.file, f.sheet) == (str(path), spec.name)
        for w in words:
            assert w in f.message, (w, f.message)


def test_mistakes_cover_fifteen_kinds():
    kinds = {rule for p in MISTAKES for rule, _ in p.values[2]}
    assert len(kinds) >= 15, kinds


@pytest.mark.parametrize("rubric_name,mistake,expected,words", MISTAKES)
def test_in_memory_grid_finds_the_same(rubric_name, mistake, expected, words, rubrics, tmp_path):
    spec = CLEAN[rubric_name]()
    mistake(spec)
    others = [r for n, r in rubrics.items() if n != rubric_name]
    checked = check_grids(rubrics[rubric_name], [spec.grid("内存.xlsx")], roster=ROSTER, period=PERIOD,
                          other_rubrics=others)
    assert cells(checked) == sorted(expected)


def test_a_row_with_an_error_is_left_out_of_the_figures(rubrics, tmp_path):
    spec = clean_listening()
    set_cell(spec, "F4", 6)
    _, checked = run(rubrics, "listening-10x4", spec, tmp_path)
    assert checked.calls["row"].tolist() == [3, 4, 5, 6]
    assert checked.valid_calls["row"].tolist() == [3, 5, 6]


def test_unknown_rule_column_excludes_no_row(rubrics, tmp_path):
    spec = clean_listening()
    add_column("T", "加分:自创加分", [1, 1, 1, 1])(spec)
    _, checked = run(rubrics, "listening-10x4", spec, tmp_path)
    assert len(checked.valid_calls) == 4
    assert checked.sheets[0].extra_columns == {"T": "加分:自创加分"}
    # a column that is not a 加分 / 减分 / 清零 rule is the team's own: no finding
    spec = clean_listening()
    add_column("T", "复核意见", ["同意", None, None, "同意"])(spec)
    _, checked = run(rubrics, "listening-10x4", spec, tmp_path, "own.xlsx")
    assert cells(checked) == []


def test_same_recording_by_two_inspectors_is_calibration_not_a_duplicate(rubrics, tmp_path):
    spec = clean_listening()
    set_cell(spec, "E5", "LY001")
    set_cell(spec, "B5", "王敏")  # a second inspector scored LY001 too (质检校正)
    set_cell(spec, "C5", 1001)  # of the same agent as 李娜's row 3
    set_cell(spec, "D5", "王芳")
    set_cell(spec, "A5", D1)  # on the same day (another day would be recording.date_differs)
    _, checked = run(rubrics, "listening-10x4", spec, tmp_path)
    assert cells(checked) == []
    # naming another agent, both rows are in doubt: an error at each 坐席工号 (C3, C5)
    set_cell(spec, "C5", 1003)
    _, checked = run(rubrics, "listening-10x4", spec, tmp_path, "other.xlsx")
    assert [(str(f.rule), f.cell) for f in checked.report.findings] == \
        [("recording.agent_differs", "C3"), ("recording.agent_differs", "C5")]


def test_duplicate_across_sheets_of_one_file_names_the_first_sheet(rubrics, tmp_path):
    day1 = clean_listening()
    day2 = clean_listening()
    day2.name = "11月3日"
    for r in range(3, 7):
        set_cell(day2, f"E{r}", f"LY1{r:02d}")
    set_cell(day2, "E6", "LY002")  # LY002 again, same inspector 李娜
    set_cell(day2, "C6", 1002)  # and the same agent (another agent would be recording.agent_differs)
    path = write_xlsx(tmp_path / "两天.xlsx", [day1, day2])
    checked = check_grids(rubrics["listening-10x4"], read_grids(path), roster=ROSTER, period=PERIOD)
    assert [(f.rule, f.sheet, f.cell) for f in checked.report.findings] == \
        [(Rule.RECORDING_DUPLICATE, "11月3日", "E6")]
    assert "评分表!E4" in checked.report.findings[0].message


def test_other_rubrics_sheet_is_named(rubrics, tmp_path):
    # A qc-v3.1 sheet checked as listening-10x4: one finding naming qc-v3.1, nothing per cell.
    _, checked = run(rubrics, "listening-10x4", clean_qc(), tmp_path)
    assert cells(checked) == [("sheet.other_rubric", "A1")]
    (f,) = checked.report.findings
    assert f.value == "qc-v3.1"
    # What is wrong, in the user's terms; how to fix it is each door's own hint.
    assert f.message == "此表看起来是《服务质量评分标准v3.1》(qc-v3.1)的评分表,不是《质检监听评分表》(listening-10x4)"
    assert f.params["other_id"] == "qc-v3.1"


def test_listening_sheet_checked_as_qc_is_named_too(rubrics, tmp_path):
    _, checked = run(rubrics, "qc-v3.1", clean_listening(), tmp_path)
    assert cells(checked) == [("sheet.other_rubric", "A2")]
    assert checked.report.findings[0].value == "listening-10x4"


def test_another_forms_sheet_beside_a_readable_one_is_named_not_skipped(rubrics, tmp_path):
    """A workbook whose first sheet is this form's and whose second is a qc-v3.1 评分表 (3 calls),
    or a 评分表 of a form no rubric knows (日期, 坐席工号, 录音编号 and items of its own): the
    second sheet is named as it would be alone in its file, its rows in no figure; a 说明 sheet
    beside them stays quiet."""
    unknown = SheetSpec("新版评分", [["日期", "质检员", "坐席工号", "录音编号", "礼貌", "专业"],
                                    [D1, "陈静", 1001, "N001", 10, 20]])
    notes = SheetSpec("说明", [["评分说明"], ["日期", "按通话日期填写"]])
    path = write_xlsx(tmp_path / "混合.xlsx", [clean_listening(), clean_qc(), unknown, notes])
    checked = check_grids(rubrics["listening-10x4"], read_grids(path), roster=ROSTER, period=PERIOD,
                          other_rubrics=[rubrics["qc-v3.1"]])
    assert [(f.rule, f.sheet, f.cell) for f in checked.report.findings] == \
        [(Rule.SHEET_OTHER_RUBRIC, "QC评分", "A1"), (Rule.SHEET_UNMAPPED, "新版评分", "A1")]
    assert all(f.severity == Severity.ERROR for f in checked.report.findings)
    assert len(checked.calls) == 4  # the listening sheet's four calls, and no other row


def test_findings_point_at_cells_when_the_table_starts_at_c3(rubrics, tmp_path):
    spec = clean_listening()
    spec.rows = spec.rows[1:]          # no title: header at C3, calls in rows 4–7
    spec.merges = []
    spec.first_row, spec.first_col = 3, 3
    set_cell(spec, "I5", 6)            # 服务态度 of the second call (I = 3rd column + 6)
    set_cell(spec, "E7", 9999)         # 坐席工号 of the fourth call
    set_cell(spec, "C6", "昨天")        # 日期 of the third call
    _, checked = run(rubrics, "listening-10x4", spec, tmp_path)
    assert cells(checked) == [("agent.unknown", "E7"), ("date.unreadable", "C6"),
                              ("score.not_allowed", "I5")]


def test_findings_point_at_cells_in_a_two_row_header(rubrics, tmp_path):
    # 日期 … 录音编号 merged down A1:A2 …; items under their categories in row 2; calls from row 3.
    row1 = ["日期", "质检员", "坐席工号", "坐席姓名", "录音编号", "服务素质", None, None, None,
            "服务能力", None, None, None, None, None, "差错扣分"]
    row2 = [None] * 5 + LISTENING_HEADER[5:15] + [None]
    rows = [row1, row2,
            [D1, "李娜", 1001, "王芳", "LY001", 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0],
            [D1, "李娜", 1002, "赵磊", "LY002", 5, 5, 5, 5, 5, 5, 5, 5, 5, "好", 0]]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:I1", "J1:O1", "P1:P2"]
    spec = SheetSpec("评分", rows, merges=merges)
    _, checked = run(rubrics, "listening-10x4", spec, tmp_path)
    assert cells(checked) == [("score.unreadable", "O4")]


def test_total_row_label_written_with_spaces_is_not_a_call(rubrics, tmp_path):
    # People align "合  计" / "平　均" with spaces; such a row is still not a call.
    spec = clean_listening()
    spec.rows.append(["合  计", None, None, None, None, 19, 19, 20, 20, 18, 18, 20, 20, 20, 20, 0, 2, 368])
    spec.rows.append(["平　均", None, None, None, None, 4.75, 4.75, 5, 5, 4.5, 4.5, 5, 5, 5, 5, 0, 0.5, 92])
    _, checked = run(rubrics, "listening-10x4", spec, tmp_path)
    assert cells(checked) == []
    assert len(checked.calls) == 4
