"""Hostile and odd 评分表 inputs, second round: cells, headers and files a team's sheet may hold
that the reader once took badly — a date no period can hold (9999-12-31), a count too large for
any call, an item's column twice, CSV files as other programs save them, a formula saved
without its value. Each case: no traceback, a Chinese finding at the cell, the right exit code,
the rows accounted for, no score for a row that cannot be scored."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from accounting import assert_accounted
from hostile_kit import D1, RUBRIC, invoke
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.jobs import consolidate


def rows(n: int, day=D1, inspector: str = "王敏") -> list[list]:
    """`n` clean listening-10x4 calls (2 × 50 = 100 each), ids R000…"""
    return [listening_row(day, inspector, 1001 + i, "王芳", f"R{i:03d}", [5] * 10, total=100) for i in range(n)]


def month_account(path):
    """The row account of D1's month consolidated from `path` alone (no read cache)."""
    return consolidate(load_rubric(RUBRIC), [str(path)], period_kind="month", date=D1, cache=False).analysis.account


def findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


# --- dates no period can hold ----------------------------------------------------------------

@pytest.fixture
def far_dates(tmp_path):
    """Rows 2–3 dated 2026-11-02 and 2026-11-03; rows 4–6 dated 9999-12-31 (a date cell),
    1900-01-01 (a date cell) and "0001-01-01" (text)."""
    data = [LISTENING_HEADER, *rows(5)]
    data[2][0] = dt.date(2026, 11, 3)
    data[3][0], data[4][0], data[5][0] = dt.datetime(9999, 12, 31), dt.datetime(1900, 1, 1), "0001-01-01"
    data.append(listening_row(dt.date(2026, 11, 4), "王敏", 1009, "王芳", "R009", [5] * 10, total=100))
    data[6][0] = "2026-11-04T10:30:00"  # an ISO date-time as exports write it: 2026-11-04
    return write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data)])


def test_a_date_outside_2000_to_2100_is_a_finding_at_its_cell(far_dates):
    result = invoke("validate", far_dates, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1
    dated = {f["cell"]: f["message"] for f in findings(result) if f["rule"] == "date.unreadable"}
    assert sorted(dated) == ["A4", "A5", "A6"]
    assert "9999-12-31" in dated["A4"] and "2000–2100" in dated["A4"]
    assert "1900-01-01" in dated["A5"] and "0001-01-01" in dated["A6"]


@pytest.mark.parametrize("command", [("consolidate", "--period", "month"), ("consolidate", "--period", "week"),
                                     ("weekly",), ("monthly",), ("penalties",)])
def test_reports_over_a_far_date_are_written_and_leave_its_row_out(far_dates, tmp_path, command):
    result = invoke(*command, far_dates, "--rubric", RUBRIC, "-o", tmp_path / "out.xlsx", "--json")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.xlsx").exists()


def test_the_far_dates_are_excluded_and_accounted_for(far_dates):
    result = consolidate(load_rubric(RUBRIC), [str(far_dates)], period_kind="month", date=D1, cache=False)
    account = assert_accounted(result.analysis.account, rows_read=6)
    assert (account.counted, account.excluded) == (3, 3)  # 11-02, 11-03 and 11-04; the three far dates


# --- counts no call can have -----------------------------------------------------------------

def test_a_huge_fatal_error_count_is_an_error_never_a_wrapped_number(tmp_path):
    data = [LISTENING_HEADER, *rows(3)]
    data[1][15], data[2][15] = 1e308, 1e20  # 致命性错误 (column P) in rows 2 and 3
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data)])
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1
    assert [(f["rule"], f["cell"]) for f in findings(result)] == [("fatal.invalid", "P2"), ("fatal.invalid", "P3")]
    assert "1e+308" in findings(result)[0]["message"]
    scored = json.loads(invoke("score", path, "--rubric", RUBRIC, "--json").stdout)["calls"]
    assert [c["final_score"] for c in scored] == [None, None, 100]
    monthly = json.loads(invoke("monthly", path, "--rubric", RUBRIC, "-o", tmp_path / "m.xlsx", "--json").stdout)
    # only row 4 is counted: one call, no fatal error (before: −9223372036854775808 fatal errors)
    assert (monthly["n"], monthly["fatal_errors"]) == (1, 0)
    assert [(a["agent_id"], a["fatal_errors"]) for a in monthly["agents"]] == [("1003", 0)]


def ledger_sheet(tmp_path, counts: list) -> object:
    """The deduction-base100 template (header in row 3) with one call of agent A1 per count of
    命令语气… (o01, 10 points each)."""
    import openpyxl

    path = tmp_path / "ledger.xlsx"
    assert invoke("template", "deduction-base100", "-o", path).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["评分表"]
    head = [c.value for c in ws[3]]
    for k, n in enumerate(counts):
        for name, v in (("日期", dt.datetime(2026, 11, 2)), ("质检员", "王敏"), ("坐席工号", "A1"),
                        ("录音编号", f"D{k}"), ("命令语气、拖延敷衍、语气生硬等不耐烦(次)", n)):
            ws.cell(4 + k, head.index(name) + 1, v)
    wb.save(path)
    return path


def test_a_huge_offence_count_is_an_error_and_the_ledger_takes_the_others(tmp_path):
    path = ledger_sheet(tmp_path, [1e20, 2, -1])
    result = invoke("score", path, "--rubric", "deduction-base100", "--json")
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    calls = {c["recording_id"]: c for c in out["calls"]}
    assert [calls[r]["findings"][0]["rule"] for r in ("D0", "D2")] == ["offence.invalid"] * 2
    assert "1e+20 次" in calls["D0"]["findings"][0]["message"]
    assert "“-1”" in calls["D2"]["findings"][0]["message"]  # as typed, not -1.0
    # A1's November: the one counted call's 2 × 10 = 20 off 100 (before: the 1e20 wrapped to a
    # negative count and took nothing off)
    (month,) = out["ledgers"]
    assert [(a["agent_id"], a["occurrences"], a["points"], a["score"]) for a in month["agents"]] == [("A1", 2, 20, 80)]


# --- an item's column twice ------------------------------------------------------------------

def test_an_items_second_column_is_an_error_not_a_silent_choice(tmp_path):
    # T "服务态度" repeats G "服务态度(5分)" with other scores; U "服务态度扣分原因" is the team's own column
    data = [[*LISTENING_HEADER, "服务态度", "服务态度扣分原因"], *[r + [1, "语气生硬"] for r in rows(2)]]
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data)])
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1
    (f,) = findings(result)
    assert (f["rule"], f["cell"]) == ("column.duplicate", "T1")
    assert "G 列" in f["message"] and "T 列" in f["message"]
    # scored on G (5): 2 × 50 = 100, as the message says
    scored = json.loads(invoke("score", path, "--rubric", RUBRIC, "--json").stdout)["calls"]
    assert [c["final_score"] for c in scored] == [100, 100]


# --- CSV files as other programs save them ---------------------------------------------------

def csv_text(data: list[list], sep: str) -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for row in data:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row])
    return buf.getvalue()


@pytest.mark.parametrize("sep, encoding", [("\t", "utf-16"),       # Excel's "Unicode 文本"
                                           (";", "utf-8-sig"),     # a semicolon locale's "CSV"
                                           (",", "utf-8")])        # plain, a remark with ; and a tab
def test_csv_separated_and_encoded_as_excel_saves_it_is_read(tmp_path, sep, encoding):
    data = [LISTENING_HEADER, *rows(3)]
    data[2][6] = 3  # R001's 服务态度: 2 × 48 = 96
    data[3][-1] = "语气;生硬\t需改进"
    path = tmp_path / "day.csv"
    path.write_bytes(csv_text(data, sep).encode(encoding))
    result = invoke("score", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 0, result.output
    assert [c["final_score"] for c in json.loads(result.stdout)["calls"]] == [100, 96, 100]


def test_a_utf8_csv_with_a_gbk_name_pasted_in_is_refused_at_its_line(tmp_path):
    data = [LISTENING_HEADER, *rows(3)]
    lines = csv_text(data, ",").encode("utf-8").split(b"\r\n")
    lines[2] = lines[2].replace("王芳".encode("utf-8"), "李娜".encode("gbk"))  # row 3 (R001)
    path = tmp_path / "day.csv"
    path.write_bytes(b"\r\n".join(lines))
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1  # validate: an unreadable file is an error finding
    (f,) = findings(result)
    assert f["rule"] == "file.unreadable" and "第 3 行" in f["message"] and "UTF-8" in f["message"]
    assert invoke("score", path, "--rubric", RUBRIC).exit_code == 2


# --- cells as Excel holds them ---------------------------------------------------------------

def test_odd_score_cells_are_read_or_refused_at_their_cell(tmp_path):
    data = [LISTENING_HEADER, *rows(8)]
    # 服务态度 (column G) as Excel may hold it, rows 2–9
    for r, v in enumerate([True, -0.0, "５分", " 5 ", "5 分", "4.50", "50%", 1e308], start=1):
        data[r][6] = v
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data)])
    result = invoke("score", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1
    calls = json.loads(result.stdout)["calls"]
    # -0 is 0 (2 × 45 = 90); "５分", " 5 ", "5 分" are 5; TRUE, 4.5, 50% and 1e308 are no score
    assert [c["final_score"] for c in calls] == [None, 90, 100, 100, 100, None, None, None]
    messages = {c["row"]: c["findings"][0]["message"] for c in calls if c["findings"]}
    assert "“TRUE”" in messages[2] and "4.5 不在允许的分值内" in messages[7] and "“50%”" in messages[8]
    assert "1e+308" in messages[9]


# --- formulas saved without their value ------------------------------------------------------

def with_formulas(path, formulas: dict[str, str]):
    """Put formulas into a workbook with openpyxl, which saves them without a calculated value."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for ref, f in formulas.items():
        wb.active[ref] = f
    wb.save(path)
    return path


def test_a_formula_saved_without_its_value_is_said_at_its_cell(tmp_path):
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows(3)])])
    # H3: a score, A4: a date; R2: the sheet's own total (derived: none recorded, no finding)
    with_formulas(path, {"H3": "=2+3", "A4": "=TODAY()", "R2": "=SUM(F2:O2)*2"})
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1
    got = [(f["rule"], f["cell"]) for f in findings(result)]
    assert got == [("formula.error", "H3"), ("formula.error", "A4")]  # not "没有评分", not "日期为空"
    assert all("没有它的计算结果" in f["message"] for f in findings(result))
    scored = json.loads(invoke("score", path, "--rubric", RUBRIC, "--json").stdout)["calls"]
    assert [c["final_score"] for c in scored] == [100, None, 100]
    account = month_account(path)
    assert_accounted(account, rows_read=3)
    assert (account.counted, account.excluded) == (1, 2)


def test_a_prepared_sheets_empty_rows_of_formulas_are_no_calls(tmp_path):
    """A sheet a script prepared: the total formula on 60 rows, 2 of them scored."""
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows(2)])])
    with_formulas(path, {f"R{r}": f'=IF(F{r}="","",SUM(F{r}:O{r})*2)' for r in range(2, 62)})
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"] == {"rows": 2, "errors": 0, "warnings": 0}


def test_a_formula_whose_value_is_an_empty_text_is_a_value(tmp_path):
    """Excel saves =IF(…,"",…) that gave "" as t="str" with an empty value: not a missing one."""
    import zipfile

    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows(2)])])
    with_formulas(path, {"S2": '=IF(1,"","x")'})  # 备注
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<c r="S2"><f>' in data
                data = data.replace(b'<c r="S2"><f>', b'<c r="S2" t="str"><f>').replace(b"<v />", b"<v></v>")
            zout.writestr(info, data)
    result = invoke("validate", saved, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 0, result.output


# --- the header again ------------------------------------------------------------------------

def test_days_pasted_with_their_headers_are_read_as_calls_only(tmp_path):
    day2 = [listening_row(dt.date(2026, 11, 3), "王敏", 1010 + i, "王芳", f"S{i:03d}", [4] * 10, total=80)
            for i in range(2)]
    data = [["11月2日—3日"], LISTENING_HEADER, *rows(2), [None], LISTENING_HEADER, *day2]
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data)])
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"] == {"rows": 4, "errors": 0, "warnings": 0}
    result = consolidate(load_rubric(RUBRIC), [str(path)], period_kind="month", date=D1, cache=False)
    assert_accounted(result.analysis.account, rows_read=4)
    assert result.analysis.account.counted == 4  # 100, 100, 2 × 40 = 80, 80


# --- long ids typed as numbers ---------------------------------------------------------------

def test_a_long_recording_id_typed_as_a_number_is_said_not_a_false_duplicate(tmp_path):
    # 18-digit 录音流水号 typed into number cells: Excel keeps 15 digits, all three read 202611021000000000
    data = [LISTENING_HEADER, *rows(4)]
    data[1][4], data[2][4], data[3][4] = 202611021000000001, 202611021000000002, 202611021000000003
    data[4][4] = 1234567890123456  # 16 digits written whole (by a program): an id like any other
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data)])
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1
    lost = [f["cell"] for f in findings(result) if f["rule"] == "field.digits_lost"]
    assert lost == ["E2", "E3", "E4"]
    assert "15 位" in findings(result)[0]["message"]
    account = month_account(path)
    assert_accounted(account, rows_read=4)
    assert (account.counted, account.excluded, account.duplicates) == (1, 3, 0)


def test_a_csv_named_beside_its_folder_is_read_and_not_said_skipped(tmp_path):
    folder = tmp_path / "sheets"
    folder.mkdir()
    write_xlsx(folder / "day.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows(2)])])
    data = [LISTENING_HEADER, *rows(1, inspector="李娜")]
    (folder / "other.csv").write_bytes(csv_text(data, ",").encode("utf-8-sig"))
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    result = invoke("consolidate", folder, folder / "other.csv", "--rubric", RUBRIC, "-o", tmp_path / "a.xlsx",
                    "--json")
    assert result.exit_code == 0, result.output
    assert "other.csv" not in result.stderr and "notes.txt" in result.stderr  # the text file is skipped
    accounting = json.loads(result.stdout)["accounting"]
    assert (accounting["rows_read"], accounting["calibration_copies"]) == (3, 1)  # R000 by 王敏 and 李娜


# --- merged cells in the calls ---------------------------------------------------------------

def test_a_date_and_inspector_merged_down_a_days_calls_date_each_call(tmp_path):
    data = [LISTENING_HEADER, *rows(4), [None] * 19, [None] * 19]
    for r in data[2:4]:
        r[0] = r[1] = None  # A3:A4, B3:B4 lie under the merged A2, B2
    data[4][0] = dt.date(2026, 11, 3)  # A5 starts the next day
    data[4][6] = 3                     # R003: 2 × 48 = 96
    # A5:A7 runs past the last call: rows 6–7 stay blank, no call
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data, merges=["A2:A4", "B2:B5", "A5:A7"])])
    result = invoke("score", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 0, result.output
    calls = json.loads(result.stdout)["calls"]
    assert [(c["row"], c["date"], c["inspector"], c["final_score"]) for c in calls] == [
        (2, "2026-11-02", "王敏", 100), (3, "2026-11-02", "王敏", 100), (4, "2026-11-02", "王敏", 100),
        (5, "2026-11-03", "王敏", 96)]
    account = month_account(path)
    assert_accounted(account, rows_read=4)
    assert account.counted == 4


def test_a_csv_remark_longer_than_a_cell_is_said_and_the_call_still_counts(tmp_path):
    data = [LISTENING_HEADER, *rows(2)]
    data[1][-1] = "长" * 40000 + "尾"
    path = tmp_path / "day.csv"
    path.write_bytes(csv_text(data, ",").encode("utf-8-sig"))
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 0  # a warning
    (f,) = findings(result)
    assert (f["rule"], f["severity"], f["cell"]) == ("field.too_long", "warning", "S2")
    assert "40001" in f["message"] and "32767" in f["message"]
    account = month_account(path)
    assert account.counted == 2


# --- rows hidden in a sheet ------------------------------------------------------------------

def test_rows_hidden_by_hand_or_a_filter_are_counted_and_said(tmp_path):
    import openpyxl

    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows(4)])])
    wb = openpyxl.load_workbook(path)
    ws = wb["评分表"]
    ws.auto_filter.ref = "A1:S5"
    for r in (3, 5, 9):  # two calls and a blank row below them
        ws.row_dimensions[r].hidden = True
    wb.save(path)
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 0  # a warning
    (f,) = findings(result)
    assert (f["rule"], f["severity"], f["cell"]) == ("sheet.hidden", "warning", "A3")
    assert "2 行" in f["message"] and "第 3、5 行" in f["message"]
    account = month_account(path)
    assert_accounted(account, rows_read=4)
    assert account.counted == 4


def test_a_header_stating_other_points_than_the_rubric_is_said(tmp_path):
    # another version of the form: ten items of 10 points, scored 5/4/3 out of 10, no total column
    data = [[h.replace("(5分)", "(10分)") for h in LISTENING_HEADER[:17]],
            *[r[:17] for r in rows(2)]]
    data[1][6] = 4
    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", data)])
    result = invoke("validate", path, "--rubric", RUBRIC, "--json")
    assert result.exit_code == 1
    got = [(f["rule"], f["cell"]) for f in findings(result)]
    assert got == [("column.points_differ", f"{c}1") for c in "FGHIJKLMNO"]
    assert "10 分" in findings(result)[1]["message"] and "满 5 分" in findings(result)[1]["message"]


def _strict(name: str, data: bytes) -> bytes:
    """Excel's "Strict Open XML" namespaces."""
    for a, b in ((b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
                 (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                  b"http://purl.oclc.org/ooxml/officeDocument/relationships")):
        data = data.replace(a, b)
    return data


def _prefixed(name: str, data: bytes) -> bytes:
    """The sheet's elements with an x: prefix, as the Open XML SDK writes them."""
    import re

    if name != "xl/worksheets/sheet1.xml":
        return data
    data = data.replace(b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                        b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
    return re.sub(rb"<(/?)(\w+)([ >/])", lambda m: b"<" + m[1] + b"x:" + m[2] + m[3], data)


@pytest.mark.parametrize("rewrite", [_strict, _prefixed], ids=["strict", "prefixed"])
def test_formulas_without_a_value_are_found_in_other_dialects_of_the_format(tmp_path, rewrite):
    import zipfile

    path = write_xlsx(tmp_path / "day.xlsx", [SheetSpec("评分表", [LISTENING_HEADER, *rows(2)])])
    with_formulas(path, {"H3": "=2+3"})
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(other, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, rewrite(info.filename, zin.read(info.filename)))
    result = invoke("validate", other, "--rubric", RUBRIC, "--json")
    assert [(f["rule"], f["cell"]) for f in findings(result)] == [("formula.error", "H3")], result.output
