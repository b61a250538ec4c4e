"""Issue 13, "no formula from data": the OWASP CSV-injection payloads, typed into remarks, names, a
score cell and a sheet name of an inspector's workbook, a CSV and a rubric, go through every output
zhijian writes — checked and scored copies, the 服务质量分析表, 质检周报 and 质检月报, the 评分表
template and the 申诉登记表, the e-mailed copy, the ribbon's 校验 sheet, the demo's CSV — and no
worksheet anywhere holds a formula (the template's own 最终得分 formulas aside), every payload is
still there as the text typed, and no CSV cell is left for a spreadsheet to run."""

from __future__ import annotations

import email
from email import policy
from importlib import resources
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from hostile_kit import D1, PAYLOADS, RUBRIC, digests, invoke, texts, unsafe_csv_cells
from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_csv, write_xlsx

EVIL_SHEET = "=cmd|' -C calc'!A0"  # a sheet's name cannot hold "/"


def worksheet_formulas(path: Path) -> dict[str, int]:
    """{worksheet part: number of cell formulas} (charts' <c:f> ranges are not cell formulas)."""
    from hostile_kit import formula_parts

    return {k: v for k, v in formula_parts(path).items() if k.startswith("xl/worksheets/")}


def rows_with_payloads(day=D1):
    rows = [LISTENING_HEADER]
    for i, p in enumerate(PAYLOADS):
        rows.append(listening_row(day, "王敏" if i % 3 else p, 1001 + i, p, f"R{i:03d}", [5] * 10, total=100,
                                  remarks=p))
    # a score typed as a formula's text: a score.unreadable finding whose value is the payload
    rows.append(listening_row(day, "王敏", 1100, "李雷", "R100", ["=1+1"] + [5] * 9, total=100, remarks="=1+1"))
    return rows


@pytest.fixture
def evil(tmp_path):
    """The payloads in an .xlsx (on a sheet named like a DDE call) and in a CSV."""
    folder = tmp_path / "sheets"
    folder.mkdir()
    write_xlsx(folder / "evil.xlsx", [SheetSpec(EVIL_SHEET, rows_with_payloads())])
    write_csv(folder / "evil.csv", rows_with_payloads())
    return folder


def assert_payloads_kept_as_text(path: Path, payloads=PAYLOADS) -> None:
    """Every payload is in the workbook as text (the reader trims a cell's surrounding blanks)."""
    held = texts(path)
    for p in payloads:
        assert p.strip() in held, (path, p)


def test_checked_and_scored_copies_hold_no_formula(evil):
    before = digests(evil)
    inputs = (evil / "evil.xlsx", evil / "evil.csv")  # a folder's CSV files are not read; named, they are
    assert invoke("validate", *inputs, "--rubric", RUBRIC, "--write").exit_code == 1
    # the payloads sit in item cells too: those rows cannot be scored (exit 1, issue 12), the copies are written
    assert invoke("score", *inputs, "--rubric", RUBRIC, "--write").exit_code == 1
    copies = sorted(p for p in evil.iterdir() if ".checked." in p.name or ".scored." in p.name)
    assert [p.name for p in copies] == ["evil.checked.xlsx", "evil.csv.checked.xlsx", "evil.csv.scored.xlsx",
                                        "evil.scored.xlsx"]
    for p in copies:
        assert worksheet_formulas(p) == {}, p
        assert_payloads_kept_as_text(p)
    # The 校验结果 sheet: the finding's value and the sheet's name as text.
    result = openpyxl.load_workbook(evil / "evil.checked.xlsx")["校验结果"]
    rows = [[c.value for c in r] for r in result.iter_rows(min_row=2)]
    assert [EVIL_SHEET, "=1+1"] in [[r[2], r[5]] for r in rows]
    assert {k: v for k, v in digests(evil).items() if k in before} == before


def test_reports_hold_no_formula(evil, tmp_path):
    appeals = tmp_path / "reg.xlsx"
    from zhijian.files.rubrics import load_rubric
    from zhijian.reports.appeals_template import write_appeals_template

    write_appeals_template(load_rubric(RUBRIC), appeals)
    outs = {"consolidate": tmp_path / "analysis.xlsx", "weekly": tmp_path / "weekly.xlsx",
            "monthly": tmp_path / "monthly.xlsx"}
    for command, out in outs.items():
        r = invoke(command, evil, "--rubric", RUBRIC, "--appeals", appeals, "-o", out)
        assert r.exit_code == 0, r.output
        assert worksheet_formulas(out) == {}, out
    assert_payloads_kept_as_text(outs["consolidate"])  # each call's remark and agent in the 明细 sheet
    # The day's package (质检日志, 扣分凭单) and the month's 扣罚登记表: a payload in every remark.
    r = invoke("daily", evil, "--rubric", RUBRIC, "--appeals", appeals, "-o", tmp_path / "day", "--json")
    assert r.exit_code == 0, r.output
    r = invoke("penalties", evil, "--rubric", RUBRIC, "--appeals", appeals, "-o", tmp_path / "pen.xlsx")
    assert r.exit_code == 0, r.output
    for out in [*(tmp_path / "day").glob("*.xlsx"), tmp_path / "pen.xlsx"]:
        assert worksheet_formulas(out) == {}, out


def test_the_template_holds_only_its_own_total_formulas(tmp_path):
    data = yaml.safe_load((resources.files("zhijian.bundled_rubrics") / f"{RUBRIC}.yaml").read_text(encoding="utf-8"))
    data["id"], data["assumptions"] = "evil", list(PAYLOADS)
    data["categories"][0]["note"] = "=HYPERLINK(\"http://evil.example\",\"说明\")"
    data["categories"][0]["items"][0]["points"] = ["=1+1", "@SUM(1+1)", "+1+1", "-1+1"]
    rubric = tmp_path / "evil.yaml"
    rubric.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "template.xlsx"
    assert invoke("template", rubric, "-o", out, "--rows", "5").exit_code == 0
    wb = openpyxl.load_workbook(out)
    formulas = {ws.title: [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
                for ws in wb.worksheets}
    from zhijian.files.rubrics import load_rubric
    from zhijian.reports.template_layout import template_layout

    total = openpyxl.utils.get_column_letter(template_layout(load_rubric(rubric)).column_number("total"))
    assert formulas == {"评分表": [f"{total}{r}" for r in range(4, 9)], "说明": []}
    assert_payloads_kept_as_text(out)
    reg = tmp_path / "reg.xlsx"
    assert invoke("appeals", "template", "--rubric", rubric, "-o", reg).exit_code == 0
    assert worksheet_formulas(reg) == {}


def test_the_emailed_copy_holds_no_formula(evil, tmp_path):
    weekly = tmp_path / "weekly.xlsx"
    assert invoke("weekly", evil, "--rubric", RUBRIC, "-o", weekly).exit_code == 0
    config = tmp_path / "d.yaml"
    config.write_text("smtp: {host: smtp.example.com}\nsender: {address: qa@example.com}\n"
                      "reports: {weekly: {to: [pm@example.com]}}\n", encoding="utf-8")
    eml = tmp_path / "w.eml"
    assert invoke("email", weekly, "--kind", "weekly", "--config", config, "--eml", eml).exit_code == 0
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    [part] = list(msg.iter_attachments())
    copy = tmp_path / "attached.xlsx"
    copy.write_bytes(part.get_content())
    assert worksheet_formulas(copy) == {}


def test_the_ribbon_check_sheet_holds_no_formula(evil, tmp_path, monkeypatch):
    from zhijian.excel import ribbon
    from zhijian.excel.port import OpenpyxlPort

    monkeypatch.setenv("ZHIJIAN_CONFIG", str(tmp_path / "home" / ".zhijian.yaml"))
    out = tmp_path / "ribbon.xlsx"
    ribbon.validate_on_port(OpenpyxlPort(evil / "evil.xlsx", save_to=out))
    assert worksheet_formulas(out) == {}
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out)["校验结果"].iter_rows(min_row=2)]
    assert [EVIL_SHEET, "=1+1"] in [[r[2], r[5]] for r in rows]


def test_csv_outputs_neutralise_every_payload(tmp_path):
    from zhijian.pipeline.demo import write_scored_csv

    frame = pd.DataFrame({"remarks": PAYLOADS, "score": range(len(PAYLOADS)),
                          "text_number": ["-5", "+3.5", "1e3", "-0.25"] * 3 + ["=1", "-x"]})
    out = tmp_path / "scored_calls.csv"
    write_scored_csv(frame, out)
    assert unsafe_csv_cells(out) == []
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert back["remarks"].tolist() == ["'" + p for p in PAYLOADS]
    assert back["text_number"].tolist()[:4] == ["-5", "+3.5", "1e3", "-0.25"]  # numbers are left alone
    assert back["text_number"].tolist()[-2:] == ["'=1", "'-x"]


def test_the_demos_csv_has_no_unescaped_cell(tmp_path):
    out = tmp_path / "demo"
    assert invoke("demo", "--out", out).exit_code == 0
    assert unsafe_csv_cells(out / "scored_calls.csv") == []
    for p in out.rglob("*.xlsx"):
        assert worksheet_formulas(p) == {}, p


def test_a_rubrics_item_names_are_no_formula_in_the_weekly_charts(tmp_path):
    """Item names that look like references ("=cmd|' /C calc'!A0", "=Sheet1!A1"), chosen as the
    week's 质检主题: the topics chart named its lines with them, and XlsxWriter wrote each as the
    line's name formula (<c:f>cmd|' /C calc'!A0</c:f>: a DDE link Excel offers to run)."""
    import datetime as dt
    import re
    import zipfile

    evil = {"业务能力": "=cmd|' /C calc'!A0", "聆听能力": "=Sheet1!A1"}
    data = yaml.safe_load((resources.files("zhijian.bundled_rubrics") / f"{RUBRIC}.yaml").read_text(encoding="utf-8"))
    data["id"] = "evil"
    for cat in data["categories"]:
        for it in cat["items"]:
            if it["name"] in evil:
                it["name"] = evil[it["name"]]
                it.pop("aliases", None)
    rubric = tmp_path / "evil.yaml"
    rubric.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    header = [evil.get(h.replace("(5分)", ""), h) for h in LISTENING_HEADER]
    for d in (2, 3):
        day = dt.date(2026, 11, d)
        rows = [header] + [listening_row(day, "王敏", 1001 + i, "王芳", f"R{d}{i}", [5] * 8 + [4, 3], total=94)
                           for i in range(3)]
        write_xlsx(tmp_path / f"2026-11-0{d}.xlsx", [SheetSpec("评分表", rows)])
    out = tmp_path / "weekly.xlsx"
    r = invoke("weekly", tmp_path / "2026-11-02.xlsx", tmp_path / "2026-11-03.xlsx", "--rubric", rubric,
               "--topic", evil["业务能力"], "--topic", evil["聆听能力"], "-o", out)
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(out) as z:
        refs = [f for n in z.namelist() if n.startswith("xl/charts/")
                for f in re.findall(r"<c:f>([^<]*)</c:f>", z.read(n).decode("utf-8"))]
    assert refs and all(re.fullmatch(r"'?[^!]+'?!\$?[A-Z]+\$?\d+(:\$?[A-Z]+\$?\d+)?", f) for f in refs), refs
    assert not [f for f in refs if "cmd" in f or f.startswith("Sheet1!")], refs
    assert_payloads_kept_as_text(out, list(evil.values()))


def test_level_words_with_a_comma_or_a_quote_get_no_broken_dropdown(tmp_path):
    """A rubric's level words 优"秀 and 良,好: the template's dropdown was written as
    <formula1>"10,8,6,0,一般,优"秀,差,良,好,不涉及"</formula1>, a formula Excel cannot read (the
    file opens as damaged) offering 良 and 好 and refusing 良,好. Now those items get no dropdown,
    only the input message; the words still count in the 最终得分 formula."""
    import re
    import zipfile

    data = yaml.safe_load((Path(__file__).parents[1] / "forms/newcomer_50/rubric.yaml").read_text(encoding="utf-8"))
    for cat in data["categories"]:
        for it in cat["items"]:
            if "labels" in it:
                it["labels"] = {'优"秀': 10, "良,好": 8, "一般": 6, "差": 0}
    rubric = tmp_path / "words.yaml"
    rubric.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "template.xlsx"
    assert invoke("template", rubric, "-o", out, "--rows", "5").exit_code == 0
    with zipfile.ZipFile(out) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    lists = re.findall(r"<formula1>(&quot;|\")(.*?)</formula1>", xml)
    assert lists, xml[:500]  # the 扣分项 keeps its dropdown of numbers
    for _, body in lists:
        words = body.replace("&quot;", '"')
        assert words.endswith('"') and '"' not in words[:-1], words
        assert "良" not in words and "优" not in words, words
    assert '"良,好"' in xml and '"优""秀"' in xml  # in the total formula, as text literals
