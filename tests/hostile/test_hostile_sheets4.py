"""Hostile and careless 评分表 inputs, fourth round: rows that vanished without a word, counts
and flags read as something the cell does not say, dates of a workbook that counts from 1904,
scores typed with a space in the middle and invisible characters. Each case asserts what the lead
would see: the row account, the finding at its cell, the score (or none)."""

from __future__ import annotations

import datetime as dt
import json

from accounting import assert_accounted
from hostile_kit import D1, RUBRIC, invoke
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.jobs import consolidate


def month_account(path, rubric: str = RUBRIC):
    return consolidate(load_rubric(rubric), [str(path)], period_kind="month", date=D1, cache=False).analysis.account


def findings(result) -> list[tuple[str, str]]:
    return [(f["rule"], f["cell"]) for f in json.loads(result.stdout)["findings"]]


def scores(result) -> dict[int, float | None]:
    return {c["row"]: c["final_score"] for c in json.loads(result.stdout)["calls"]}


# --- a call whose remark-like column starts with 平均/合计 -----------------------------------------

def test_a_call_without_its_recording_id_is_not_taken_for_a_total_row_by_its_own_words(tmp_path):
    """A team's own 扣分原因 column (T) saying "平均语速过快…" is no 合计/平均 row label: the call in
    row 3 has lost its 录音编号, so it is an error at E3 and excluded, never silently not read."""
    header = [*LISTENING_HEADER, "扣分原因"]
    data = [header, *(listening_row(D1, "王敏", f"A00{i}", "王芳", f"R{i}", [5] * 9 + [3], total=96)
                      + ["平均语速过快,客户多次没听清"] for i in range(1, 4))]
    data[2][4] = None
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data)])
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1
    assert findings(result) == [("field.missing", "E3")]
    account = assert_accounted(month_account(path), rows_read=3)
    assert (account.counted, account.excluded) == (2, 1)


# --- a count or a flag typed as a negative or a fraction -----------------------------------------

def test_a_negative_or_fractional_fatal_error_count_is_an_error_whether_typed_as_a_number_or_as_text(tmp_path):
    """致命性错误 (column P) -1 and 0.5 as numbers were one fatal error each in the 质检考核统计表, while
    "-1" and "0.5" typed as text were refused: both are fatal.invalid, and only row 6's 2 is counted."""
    data = [LISTENING_HEADER, *(listening_row(D1, "王敏", f"A00{i}", "王芳", f"R{i}", [5] * 10) for i in range(1, 6))]
    for row, v in zip(data[1:], [-1, 0.5, "-1", "0.5", 2]):
        row[15] = v
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data)])
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1
    assert findings(result) == [("fatal.invalid", f"P{r}") for r in (2, 3, 4, 5)]
    monthly = invoke("monthly", path, "--rubric", RUBRIC, "--json", "-o", tmp_path / "m.xlsx", "--no-cache")
    report = json.loads(monthly.stdout)
    assert report["fatal_errors"] == 2
    assert {a["agent_id"]: a["fatal_errors"] for a in report["agents"]} == {"A005": 2}


def test_a_zero_out_flag_typed_as_a_negative_or_fractional_number_is_refused_not_taken_for_yes(tmp_path):
    """qc-v3.1's 清零:出现服务禁语 zeroes 礼貌用语恰当 (2 of 109 raw points). -1 and 0.5 typed as numbers
    zeroed it (as "是"); they are flag.unreadable, as "-1" typed as text is. A count of 2, typed as a number or
    as text, is yes: 服务热情 6 (−4) and the zeroed item (−2) give 103/109 × 100 = 94.495413."""
    from sheetkit import QC_ZERO_FORBIDDEN, qc_header, qc_row

    header = qc_header()
    data = [header]
    for i, v in enumerate([-1, 0.5, "-1", 2, "2", None]):
        row = qc_row(D1, "王敏", f"A00{i}", f"Q{i}", changes={"服务热情": 6})
        row[header.index(QC_ZERO_FORBIDDEN)] = v
        data.append(row)
    path = write_xlsx(tmp_path / "qc.xlsx", [SheetSpec("评分表", data)])
    result = invoke("validate", path, "--rubric", "qc-v3.1", "--json")
    assert result.exit_code == 1
    zero_col = "AG"
    assert findings(result) == [("flag.unreadable", f"{zero_col}{r}") for r in (2, 3, 4)]
    scored = invoke("score", path, "--rubric", "qc-v3.1", "--json")
    assert scores(scored) == {2: None, 3: None, 4: None, 5: 94.495413, 6: 94.495413, 7: 96.330275}  # 105/109


# --- digits with a space between them --------------------------------------------------------------

def test_digits_with_a_space_between_them_are_no_score_and_no_deduction(tmp_path):
    """"1 2" in qc-v3.1's 服务责任 (15/12/10/8/6/4/2/0) was read as 12 and "1 0" in 差错扣分 as 10,
    silently: one of two digits, or both, is a typo. Both are refused at their cell; "5 分" and " 4 " are
    still 5 and 4."""
    from sheetkit import qc_header, qc_row

    header = qc_header()
    data = [header, qc_row(D1, "王敏", "A001", "Q1", changes={"服务责任": "1 2"}),
            qc_row(D1, "王敏", "A002", "Q2", changes={"服务责任": "1 2 分"})]
    qc = write_xlsx(tmp_path / "qc.xlsx", [SheetSpec("评分表", data)])
    result = invoke("validate", qc, "--rubric", "qc-v3.1", "--json")
    assert result.exit_code == 1
    assert findings(result) == [("score.unreadable", "W2"), ("score.unreadable", "W3")]
    assert "“1 2”" in json.loads(result.stdout)["findings"][0]["message"]

    rows = [listening_row(D1, "王敏", f"A00{i}", "王芳", f"R{i}", [5] * 10) for i in range(1, 4)]
    rows[0][16], rows[1][16], rows[2][6] = "1 0", "3 分", " 4 "
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    result = invoke("score", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1
    assert scores(result) == {2: None, 3: 97.0, 4: 98.0}
    assert [f["rule"] for f in json.loads(result.stdout)["calls"][0]["findings"]] == ["error_deduction.invalid"]


# --- a workbook of the 1904 date system ------------------------------------------------------------

def test_a_serial_date_in_a_workbook_counting_from_1904_is_the_date_excel_shows(tmp_path):
    """A workbook saved with the 1904 date system (older Mac Excel; 文件 > 选项 > 高级 > 使用 1904 日期系统):
    a 日期 typed as a plain number, 44845, is 2026-10-12 there (1904-01-01 + 44845 days), not 2022-10-11 as
    the 1900 system would have it (which put the call four years back, outside every period). A date cell
    (row 2) was right already."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "评分表"
    wb.epoch = CALENDAR_MAC_1904
    ws.append(LISTENING_HEADER)
    ws.append(listening_row(dt.datetime(2026, 10, 12), "王敏", "A001", "王芳", "R1", [5] * 10))
    ws.append(listening_row(44845, "王敏", "A002", "王芳", "R2", [5] * 9 + [4]))
    ws.append(listening_row(44845.625, "王敏", "A003", "王芳", "R3", [4] * 10))  # 15:00 that day
    ws["A2"].number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "mac.xlsx")
    result = invoke("score", tmp_path / "mac.xlsx", "--rubric", RUBRIC, "--json")
    assert [c["date"] for c in json.loads(result.stdout)["calls"]] == ["2026-10-12"] * 3
    account = consolidate(load_rubric(RUBRIC), [str(tmp_path / "mac.xlsx")], period_kind="day",
                          date=dt.date(2026, 10, 12), cache=False).analysis.account
    assert (assert_accounted(account, rows_read=3).counted, account.outside_period) == (3, 0)


# --- invisible characters -------------------------------------------------------------------------

def test_zero_width_characters_are_what_the_lead_sees_nothing(tmp_path):
    """A zero-width space (U+200B) or BOM (U+FEFF) pasted from a web page or a chat shows nothing: a cell
    holding only one is blank (score.missing, "not scored yet"), not "the score “” cannot be read"; beside a
    score or a date it is not there ("\\u200b4" is 4, "2026-10-12\\ufeff" the 12th); a recording id with one
    is the same recording (a duplicate, said)."""
    rows = [listening_row(D1, "王敏", f"A00{i}", "王芳", f"R{i}", [5] * 10) for i in range(1, 5)]
    rows[0][6] = "\u200b"
    rows[1][6], rows[1][0] = "\u200b4", "2026-11-02\ufeff"
    rows[2][16] = "\ufeff"
    rows[3][2], rows[3][4] = "A003", "R3\u200b"
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert findings(result) == [("score.missing", "G2"), ("recording.duplicate", "E5")]
    assert scores(invoke("score", path, "--rubric", RUBRIC, "--json")) == {2: None, 3: 98.0, 4: 100.0, 5: 100.0}
