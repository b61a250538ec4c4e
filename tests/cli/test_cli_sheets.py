"""`zhijian validate` and `zhijian score` on files: files that cannot be read, the JSON outputs,
the annotated copy (--write) and the scored copy, and source files that are never touched.

质检监听评分表 `listening-10x4`: final = max(0, 2 × Σ 10 items − 差错扣分); 不涉及 counts 5.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetkit import (sheet_with_mistakes, LISTENING_HEADER, LISTENING_ITEMS, QC_ITEMS, Formula, SheetSpec, listening_row,
                      write_csv, write_xlsx)
from zhijian.cli.main import cli

D1, D2 = dt.date(2026, 11, 2), dt.date(2026, 11, 3)
ENV = {"COLUMNS": "1000"}  # wide enough that rich never wraps a message in the table

FINDING_KEYS = {"rule", "severity", "file", "sheet", "cell", "message", "value"}
CALL_KEYS = {"file", "sheet", "row", "recording_id", "agent_id", "inspector", "date", "valid", "final_score",
             "grade", "findings"}


def invoke(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], env=ENV)
    assert "Traceback" not in result.output
    assert "内部错误" not in result.output, result.output
    return result


def squash(text: str) -> str:
    """Output without spaces, line breaks and table borders: a message rich wrapped inside a
    table cell reads whole again."""
    return re.sub(r"[\s│┃]+", "", text)


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def clean_sheet(folder: Path, name="一组-王敏.xlsx", with_total=True) -> Path:
    header = list(LISTENING_HEADER)
    rows = [
        # 2 × 50 = 100
        listening_row(D1, "王敏", 1001, "王芳", "LY101", [5] * 10, total=100),
        # 4 + 9 × 5 = 49; 2 × 49 − 1 = 97
        listening_row(D1, "王敏", 1002, "赵磊", "LY102", [4] + [5] * 9, error_deduction=1, total=97),
        # 5 × 3 + 4 × 5 + 不涉及 (5) = 40; 2 × 40 = 80
        listening_row(D2, "王敏", 1003, "孙丽", "LY103", [3] * 5 + [5] * 4 + ["不涉及"], total=80),
    ]
    if not with_total:
        header.remove("最终得分")
        for r in rows:
            del r[17]
    return write_xlsx(folder / name, [SheetSpec("11月", [header, *rows])])


# --- files that cannot be read ----------------------------------------------------------------

def _real_xlsx_bytes(folder: Path) -> bytes:
    return clean_sheet(folder, "real.xlsx").read_bytes()


def _docx_like(path: Path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.'
                                          'org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
                                  'org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                                  'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                  'officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", "<w:document>质检周报</w:document>")


def _broken_sheet_part(path: Path, folder: Path):
    src = zipfile.ZipFile(clean_sheet(folder, "whole.xlsx"))
    with zipfile.ZipFile(path, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = b'<worksheet><sheetData><row><c r="A1" t="s"><v>99'
            z.writestr(info, data)


BAD_FILES = [
    pytest.param("随机字节.xlsx", lambda p, d: p.write_bytes(os.urandom(3000)), "文件已损坏或不是 Excel 工作簿",
                 id="随机字节"),
    pytest.param("截断.xlsx", lambda p, d: p.write_bytes(_real_xlsx_bytes(d)[:2000]),
                 "文件已损坏或不是 Excel 工作簿", id="截断的xlsx"),
    pytest.param("空文件.xlsx", lambda p, d: p.write_bytes(b""), "文件是空的", id="0字节"),
    pytest.param("加密.xlsx", lambda p, d: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096),
                 "打开密码", id="设置了密码"),
    pytest.param("文本改名.xlsx", lambda p, d: p.write_text("日期,工号\n2026-11-02,1001\n", encoding="utf-8"),
                 "不是 Excel 工作簿", id="文本改名xlsx"),
    pytest.param("报告改名.xlsx", lambda p, d: p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\n"
                                                         b"endobj\ntrailer\n<<>>\n%%EOF\n"),
                 "不是 Excel 工作簿", id="PDF改名xlsx"),
    pytest.param("周报.xlsx", lambda p, d: _docx_like(p), "工作簿已损坏", id="Word文档改名xlsx"),
    pytest.param("坏工作表.xlsx", lambda p, d: _broken_sheet_part(p, d), "工作簿已损坏", id="工作表部件损坏"),
    pytest.param("旧表.xls", lambda p, d: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096),
                 "不支持旧版 .xls", id="xls"),
    pytest.param("说明.txt", lambda p, d: p.write_text("请按模板填写", encoding="utf-8"),
                 "不是 Excel 工作簿", id="txt文件"),
]


@pytest.mark.parametrize("name,make,phrase", BAD_FILES)
def test_unreadable_file_gives_one_chinese_message(name, make, phrase, tmp_path):
    bad = tmp_path / "in" / name
    bad.parent.mkdir()
    make(bad, tmp_path)

    result = invoke("validate", bad, "--rubric", "listening-10x4")
    assert result.exit_code == 1
    assert squash(result.output).count(squash(phrase)) == 1, result.output
    assert "1 个错误" in result.output

    result = invoke("validate", bad, "--rubric", "listening-10x4", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [(f["rule"], f["severity"], f["file"]) for f in data["findings"]] == \
        [("file.unreadable", "error", str(bad))]
    assert phrase in data["findings"][0]["message"]
    assert data["summary"] == {"rows": 0, "errors": 1, "warnings": 0}

    result = invoke("score", bad, "--rubric", "listening-10x4")
    assert result.exit_code == 2
    assert squash(result.output).count(squash(phrase)) == 1, result.output

    result = invoke("score", bad, "--rubric", "listening-10x4", "--json", "--write")
    assert result.exit_code == 2
    assert phrase in result.output
    assert list((tmp_path / "in").iterdir()) == [bad]  # nothing written beside it


def test_unreadable_file_beside_a_good_one(tmp_path):
    good = clean_sheet(tmp_path)
    bad = tmp_path / "空.xlsx"
    bad.write_bytes(b"")
    result = invoke("validate", good, bad, "--rubric", "listening-10x4", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [f["rule"] for f in data["findings"]] == ["file.unreadable"]
    assert data["summary"]["rows"] == 3
    # score goes on with the file it can read, and exits 1 for the one it cannot (a finding)
    result = invoke("score", good, bad, "--rubric", "listening-10x4", "--json")
    assert result.exit_code == 1
    assert [c["final_score"] for c in json.loads(result.output)["calls"]] == [100, 97, 80]


# --- source files are never modified ----------------------------------------------------------

COMMANDS = [
    pytest.param(["validate"], id="validate"),
    pytest.param(["validate", "--write"], id="validate--write"),
    pytest.param(["validate", "--json", "--write"], id="validate--json--write"),
    pytest.param(["score"], id="score"),
    pytest.param(["score", "--write"], id="score--write"),
    pytest.param(["score", "--json", "--write"], id="score--json--write"),
]


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
@pytest.mark.parametrize("command", COMMANDS)
def test_source_bytes_are_unchanged(command, suffix, tmp_path):
    sources = [sheet_with_mistakes(tmp_path, "有错" + suffix), clean_sheet(tmp_path, "无错" + suffix)]
    before = [sha256(p) for p in sources]
    result = invoke(command[0], *sources, "--rubric", "listening-10x4", *command[1:])
    assert result.exit_code in (0, 1)
    assert [sha256(p) for p in sources] == before
    if "--write" in command:
        tag = "checked" if command[0] == "validate" else "scored"
        for p in sources:
            assert p.with_name(f"{p.stem}.{tag}{p.suffix}").exists()


# --- JSON --------------------------------------------------------------------------------------

def test_validate_json_shape_and_exit_code(tmp_path):
    path = sheet_with_mistakes(tmp_path)
    result = invoke("validate", path, "--rubric", "listening-10x4", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) == {"findings", "summary"}
    assert set(data["summary"]) == {"rows", "errors", "warnings"}
    # 服务态度 6 is an error; a total that disagrees is a warning (the row counts at the engine's score)
    assert data["summary"] == {"rows": 3, "errors": 1, "warnings": 1}
    for f in data["findings"]:
        assert set(f) == FINDING_KEYS
    assert data["findings"][0] == {
        "rule": "score.not_allowed", "severity": "error", "file": str(path), "sheet": "评分表",
        "cell": "G4", "message": "“服务态度”得分 6 不在允许的分值内(允许: 0–5 的整数)", "value": 6}
    second = data["findings"][1]
    assert (second["rule"], second["severity"], second["cell"], second["value"]) == \
        ("total.mismatch", "warning", "R5", 88)
    assert second["message"] == "表中总分 88 与按评分标准计算的 78 不符,统计按 78 计"


def test_validate_clean_sheet_exits_0(tmp_path):
    result = invoke("validate", clean_sheet(tmp_path), "--rubric", "listening-10x4", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == {"findings": [], "summary": {"rows": 3, "errors": 0, "warnings": 0}}
    result = invoke("validate", clean_sheet(tmp_path), "--rubric", "listening-10x4")
    assert result.exit_code == 0
    assert "0 个错误" in result.output


def test_validate_with_roster_and_period(tmp_path):
    roster = write_xlsx(tmp_path / "人员名单.xlsx", [SheetSpec("名单", [
        ["序号", "姓名", "工号"], [1, "王芳", 1001], [2, "赵磊", 1002]])])
    path = clean_sheet(tmp_path)  # 1003 is not on the roster; D2 is in November
    result = invoke("validate", path, "--rubric", "listening-10x4", "--roster", roster,
                    "--period", "2026-11-02", "--json")
    assert result.exit_code == 1
    got = [(f["rule"], f["cell"]) for f in json.loads(result.output)["findings"]]
    assert got == [("date.out_of_period", "A4"), ("agent.unknown", "C4")]


def test_score_json_shape(tmp_path):
    path = clean_sheet(tmp_path)
    result = invoke("score", path, "--rubric", "listening-10x4", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) == {"calls", "summary"}
    assert data["summary"] == {"calls": 3, "invalid": 0}
    for c in data["calls"]:
        assert set(c) == CALL_KEYS
    assert data["calls"][1] == {"file": str(path), "sheet": "11月", "row": 3, "recording_id": "LY102",
                                "agent_id": "1002", "inspector": "王敏", "date": "2026-11-02",
                                "valid": True, "final_score": 97.0, "grade": "优秀", "findings": []}
    assert [c["final_score"] for c in data["calls"]] == [100, 97, 80]

    result = invoke("score", path, "--rubric", "listening-10x4", "--json", "--write")
    data = json.loads(result.output)
    assert set(data) == {"calls", "summary", "written"}
    assert data["written"] == [str(tmp_path / "一组-王敏.scored.xlsx")]


# --- the annotated copy ------------------------------------------------------------------------

def _is_reddish(fill) -> bool:
    rgb = str(fill.start_color.rgb)[-6:]
    r, g, b = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
    return fill.fill_type == "solid" and r >= 0xE0 and r > g + 0x20 and r > b + 0x20


def _is_yellowish(fill) -> bool:
    rgb = str(fill.start_color.rgb)[-6:]
    r, g, b = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
    return fill.fill_type == "solid" and r >= 0xE0 and g >= 0xC0 and b < g - 0x30


def test_validate_write_marks_the_bad_cells(tmp_path):
    path = sheet_with_mistakes(tmp_path)
    result = invoke("validate", path, "--rubric", "listening-10x4", "--write")
    assert result.exit_code == 1
    out = tmp_path / "一组-李娜.checked.xlsx"
    assert out.exists() and str(out) in result.output

    wb = openpyxl.load_workbook(out)
    ws = wb["评分表"]
    for ref, words, colour in (("G4", ["服务态度", "6"], _is_reddish), ("R5", ["88", "78"], _is_yellowish)):
        assert colour(ws[ref].fill), ref
        assert ws[ref].comment is not None
        for w in words:
            assert w in ws[ref].comment.text
    for ref in ("G3", "R3", "F4", "R4"):  # good cells stay as they were
        assert ws[ref].comment is None and ws[ref].fill.fill_type is None
    assert ws["G4"].value == 6 and ws["R5"].value == 88  # values are not corrected in the copy

    report = wb["校验结果"]
    rows = list(report.iter_rows(values_only=True))
    assert rows[0] == ("级别", "规则", "工作表", "单元格", "说明", "原值")
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:]] == [
        ("错误", "score.not_allowed", "评分表", "G4"), ("警告", "total.mismatch", "评分表", "R5")]


def test_validate_write_on_a_clean_sheet_says_nothing_found(tmp_path):
    path = clean_sheet(tmp_path)
    result = invoke("validate", path, "--rubric", "listening-10x4", "--write")
    assert result.exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "一组-王敏.checked.xlsx")
    rows = list(wb["校验结果"].iter_rows(values_only=True))
    assert rows[1][4] == "未发现问题"


def _qc_sheet_with_merged_header(folder: Path) -> Path:
    # 日期 … 录音编号 merged down A1:A2 …, the items in row 2: a qc-v3.1 sheet.
    row1 = ["日期", "质检员", "工号", "录音编号", "服务质量", *[None] * 25, "最终得分"]
    row2 = [None] * 4 + list(QC_ITEMS) + [None]
    rows = [row1, row2, [D1, "陈静", 1001, "QC001", *QC_ITEMS.values(), 100]]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:AD1", "AE1:AE2"]
    return write_xlsx(folder / "QC合并表头.xlsx", [SheetSpec("QC", rows, merges=merges)])


def _listening_sheet_missing_an_item(folder: Path) -> Path:
    items = [n for n in LISTENING_ITEMS if n != "聆听能力"]
    row1 = ["日期", "质检员", "坐席工号", "录音编号", "服务素质", None, None, None, "服务能力", *[None] * 4, "差错扣分"]
    row2 = [None] * 4 + items + [None]
    rows = [row1, row2, [D1, "李娜", 1001, "LY001", *[5] * 9, 0]]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:H1", "I1:M1", "N1:N2"]
    return write_xlsx(folder / "缺列合并表头.xlsx", [SheetSpec("评分", rows, merges=merges)])


@pytest.mark.parametrize("make,rule", [(_qc_sheet_with_merged_header, "sheet.other_rubric"),
                                       (_listening_sheet_missing_an_item, "sheet.unmapped")],
                         ids=["别的评分标准", "缺少评分项列"])
def test_validate_write_with_a_sheet_finding_on_a_merged_header(make, rule, tmp_path):
    # The sheet-level finding points at A2, inside the merged 日期 header A1:A2.
    path = make(tmp_path)
    before = sha256(path)
    result = invoke("validate", path, "--rubric", "listening-10x4", "--write", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [(f["rule"], f["cell"]) for f in data["findings"]] == [(rule, "A2")]
    out = path.with_name(path.stem + ".checked.xlsx")
    assert data["written"] == [str(out)]
    rows = list(openpyxl.load_workbook(out)["校验结果"].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == [rule]
    assert sha256(path) == before


# --- the scored copy ---------------------------------------------------------------------------

def test_score_write_fills_the_total_column(tmp_path):
    path = sheet_with_mistakes(tmp_path)
    result = invoke("score", path, "--rubric", "listening-10x4", "--write")
    assert result.exit_code == 1  # row 4 cannot be scored
    out = tmp_path / "一组-李娜.scored.xlsx"
    assert out.exists()
    ws = openpyxl.load_workbook(out)["评分表"]
    assert ws["R2"].value == "最终得分"
    # row 3: 100; row 4: 服务态度 6 is not a 0–5 score: no score, a red cell saying why;
    # row 5: 2 × 40 − 2 = 78 (the sheet said 88)
    data = json.loads(invoke("score", path, "--rubric", "listening-10x4", "--json").output)
    assert [c["final_score"] for c in data["calls"]] == [100, None, 78]
    assert [c["valid"] for c in data["calls"]] == [True, False, True]
    assert [ws[f"R{r}"].value for r in (3, 4, 5)] == [100, None, 78]
    assert _is_reddish(ws["R4"].fill) and "服务态度" in ws["R4"].comment.text
    assert "无法计分" in ws["R4"].comment.text
    assert ws["R3"].fill.fill_type is None and ws["R5"].comment is None
    assert ws.max_column == 19  # no column added


def test_score_write_adds_a_total_column_when_there_is_none(tmp_path):
    path = clean_sheet(tmp_path, "无总分.xlsx", with_total=False)
    spec_rows = list(openpyxl.load_workbook(path)["11月"].iter_rows(values_only=True))
    assert "最终得分" not in spec_rows[0] and len(spec_rows[0]) == 18
    result = invoke("score", path, "--rubric", "listening-10x4", "--write")
    assert result.exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "无总分.scored.xlsx")["11月"]
    assert ws["S1"].value == "最终得分"
    # 100; 2 × 49 − 1 = 97; 2 × 40 = 80
    assert [ws[f"S{r}"].value for r in (2, 3, 4)] == [100, 97, 80]
    assert tuple(c.value for c in ws[1])[:18] == spec_rows[0]


def test_score_write_leaves_total_rows_alone(tmp_path):
    rows = [LISTENING_HEADER,
            # 2 × 50 = 100
            listening_row(D1, "李娜", 1001, "王芳", "LY001", [5] * 10),
            # 2 × 45 = 90
            listening_row(D1, "李娜", 1002, "赵磊", "LY002", [5] * 9 + [0]),
            ["合计", None, None, None, None, 10, 10, 10, 10, 10, 10, 10, 10, 10, 5, 0, 0, Formula("=SUM(R2:R3)")]]
    path = write_xlsx(tmp_path / "合计.xlsx", [SheetSpec("评分表", rows)])
    assert invoke("score", path, "--rubric", "listening-10x4", "--write").exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "合计.scored.xlsx")["评分表"]
    assert [ws[f"R{r}"].value for r in (2, 3)] == [100, 90]
    assert ws["R4"].value == "=SUM(R2:R3)"


# --- CSV sources -------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["validate", "--write"], ["score", "--write"]],
                         ids=["validate--write", "score--write"])
def test_write_on_a_csv_source_does_not_crash(command, tmp_path):
    path = write_csv(tmp_path / "一组.csv", [
        LISTENING_HEADER,
        # 2 × 50 = 100, but 90 recorded
        listening_row("2026-11-02", "李娜", "1001", "王芳", "LY001", ["5"] * 10, 0, 0, "90")])
    before = sha256(path)
    result = invoke(command[0], path, "--rubric", "listening-10x4", *command[1:])
    assert result.exit_code in (0, 1, 2)
    assert sha256(path) == before


def test_csv_json_through_the_cli(tmp_path):
    path = write_csv(tmp_path / "二组.csv", [
        LISTENING_HEADER,
        # 2 × 50 = 100
        listening_row("2026-11-02", "周敏", "2001", "钱进", "LYB01", ["5"] * 10, 0, 0, "100"),
        # 2 × 40 − 8 = 72
        listening_row("2026-11-03", "周敏", "2002", "吴昊", "LYB02", ["4"] * 10, 0, "8", "72")], "gbk")
    result = invoke("score", path, "--rubric", "listening-10x4", "--json")
    assert result.exit_code == 0
    calls = json.loads(result.output)["calls"]
    assert [(c["sheet"], c["row"], c["recording_id"], c["final_score"]) for c in calls] == \
        [("二组", 2, "LYB01", 100), ("二组", 3, "LYB02", 72)]
    assert invoke("validate", path, "--rubric", "listening-10x4").exit_code == 0


def test_the_cli_says_which_option_reads_another_rubrics_sheet(tmp_path):
    # The engine says whose sheet it is; the CLI adds how to read it with its own option.
    from zhijian.cli.common import CLI_HINTS
    from zhijian.engine.rules import CATALOGUE

    for rule, hint in CLI_HINTS.items():
        assert {n for n in re.findall(r"{(\w+)", hint)} <= CATALOGUE[rule].placeholders()
    result = invoke("validate", _qc_sheet_with_merged_header(tmp_path), "--rubric", "listening-10x4", "--json")
    (f,) = json.loads(result.output)["findings"]
    assert f["message"] == ("此表看起来是《服务质量评分标准v3.1》(qc-v3.1)的评分表,不是《质检监听评分表》"
                            "(listening-10x4);请用 --rubric qc-v3.1")


def test_score_on_another_rubrics_sheet_exits_2(tmp_path):
    path = _qc_sheet_with_merged_header(tmp_path)
    result = invoke("score", path, "--rubric", "listening-10x4")
    assert result.exit_code == 2
    assert "--rubric qc-v3.1" in result.output
    result = invoke("score", path, "--rubric", "qc-v3.1", "--json")
    assert result.exit_code == 0
    assert [c["final_score"] for c in json.loads(result.output)["calls"]] == [100]
