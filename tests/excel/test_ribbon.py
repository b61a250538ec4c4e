"""The ribbon's buttons, run through the openpyxl port over real 评分表 workbooks, compared with
their CLI twins (the same engine functions on the same file).

质检监听评分表 `listening-10x4`: final = max(0, 2 × Σ 10 items − 差错扣分); 不涉及 counts 5.
The last tests drive the Excel entry points (`zhijian_validate.main()` …) through a small fake of
the xlwings API: they check our use of that API, not Excel.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import re
import subprocess
import sys
import types
from pathlib import Path

import openpyxl
import pytest
import yaml

from sheetkit import LISTENING_HEADER, QC_ITEMS, SheetSpec, listening_row, sheet_with_mistakes, write_xlsx
from zhijian.excel import ribbon, settings
from zhijian.errors import InputFileError
from zhijian.engine.findings import Finding, Rule, Severity
from zhijian.excel.port import OpenpyxlPort
from zhijian.excel.report_buttons import report_kind
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.load import check_files
from zhijian.files.workbooks import read_grids

ADDIN_DIR = Path(__file__).resolve().parents[2] / "addin"
D1, D2, D3 = dt.date(2026, 11, 2), dt.date(2026, 11, 3), dt.date(2026, 11, 4)
RED, YELLOW = "FFC7CE", "FFEB9C"


def ribbon_log(tmp_path: Path) -> Path:
    """The one log file the failed button wrote (files.errorlog: one per run)."""
    logs = list((tmp_path / "cache" / "zhijian" / "logs").glob("ribbon-error-*.log"))
    assert len(logs) == 1
    return logs[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sheet_without_total(folder: Path, name="二组-王敏.xlsx", inspector="王敏", day=D2) -> Path:
    """Header row 1, calls in rows 2–4 and 6 (row 5 blank), no 最终得分 column (last column R 备注)."""
    folder.mkdir(parents=True, exist_ok=True)
    header = [h for h in LISTENING_HEADER if h != "最终得分"]

    def row(*args, **kw):
        r = listening_row(*args, **kw)
        del r[17]
        return r
    return write_xlsx(folder / name, [SheetSpec("11月", [
        header,
        row(day, inspector, 1001, "王芳", f"{inspector}-1", [5] * 10),
        row(day, inspector, 1002, "赵磊", f"{inspector}-2", [4] + [5] * 9, error_deduction=1),
        row(day, inspector, 1003, "孙丽", f"{inspector}-3", [3] * 5 + [5] * 4 + ["不涉及"]),
        [],
        row(day, inspector, 1004, "周杰", f"{inspector}-4", [0] * 10, error_deduction=5),
    ])])


def fills(ws) -> dict[str, str]:
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.fill is not None and c.fill.fill_type == "solid":
                out[c.coordinate] = c.fill.fgColor.rgb[-6:]
    return out


def comments(ws) -> dict[str, str]:
    return {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}


# --- 校验 -------------------------------------------------------------------------------------------

def test_validate_marks_cells_and_lists_findings_like_the_cli(tmp_path):
    src = sheet_with_mistakes(tmp_path)
    before = sha256(src)
    out = tmp_path / "copy.xlsx"
    port = OpenpyxlPort(src, save_to=out)

    result = ribbon.validate_on_port(port)

    cli = check_files(load_rubric("listening-10x4"), [src])
    assert [(f.rule, f.sheet, f.cell) for f in result.details["findings"]] == \
        [(f.rule, f.sheet, f.cell) for f in cli.report.findings]
    assert {f.cell for f in cli.report.findings} == {"G4", "R5"}
    # 服务态度 6 is an error; the total that disagrees is a warning (the row counts at the engine's 78)
    assert (result.errors, result.warnings) == (cli.report.errors, 1) == (1, 1)
    wb = openpyxl.load_workbook(out)
    ws = wb["评分表"]
    assert fills(ws) == {"G4": RED, "R5": YELLOW}
    notes = comments(ws)
    assert set(notes) == {"G4", "R5"}
    assert notes["G4"].startswith("[错误]") and "服务态度" in notes["G4"]
    assert "78" in notes["R5"] and "88" in notes["R5"]
    res = wb["校验结果"]
    rows = [[c.value for c in r] for r in res.iter_rows()]
    assert rows[0] == ["级别", "规则", "工作表", "单元格", "说明", "原值"]
    assert [(r[1], r[2], r[3]) for r in rows[1:]] == [(str(f.rule), f.sheet, f.cell) for f in cli.report.findings]
    assert [r[0] for r in rows[1:]] == ["错误", "警告"]
    assert fills(res) == {"A2": RED, "A3": YELLOW}
    assert wb.sheetnames == ["评分表", "校验结果"] and wb.active.title == "评分表"
    assert port.alerts == [result.message]
    assert "1 个错误" in result.message and "1 个警告" in result.message and "校验结果" in result.message
    assert port.statuses[-1] is None  # the status bar is given back
    assert sha256(src) == before  # the file port wrote a copy


def test_validate_on_another_rubrics_sheet_says_where_to_choose_the_rubric(tmp_path):
    # The engine says whose sheet it is; the ribbon adds its own way to switch, never a CLI option.
    from zhijian.engine.rules import CATALOGUE
    from zhijian.excel.sheet_buttons import RIBBON_HINTS

    for rule, hint in RIBBON_HINTS.items():
        assert {n for n in re.findall(r"{(\w+)", hint)} <= CATALOGUE[rule].placeholders()
    qc = [["日期", "质检员", "工号", "录音编号", *QC_ITEMS, "最终得分"],
          [D1, "陈静", 1001, "QC001", *QC_ITEMS.values(), 100]]
    src = write_xlsx(tmp_path / "qc.xlsx", [SheetSpec("QC", qc)])
    port = OpenpyxlPort(src, save_to=tmp_path / "out.xlsx")
    result = ribbon.validate_on_port(port)
    (f,) = result.details["findings"]
    assert f.message == ("此表看起来是《服务质量评分标准v3.1》(qc-v3.1)的评分表,不是《质检监听评分表》"
                         "(listening-10x4);请点“配置”,在“配置”工作表中把“评分标准”改为 qc-v3.1")
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx")["校验结果"].iter_rows(values_only=True))
    assert [r[4] for r in rows[1:]] == [f.message]


def test_validate_again_clears_the_marks_of_fixed_cells(tmp_path):
    src = sheet_with_mistakes(tmp_path)
    first = tmp_path / "first.xlsx"
    ribbon.validate_on_port(OpenpyxlPort(src, save_to=first))
    port = OpenpyxlPort(first, save_to=tmp_path / "second.xlsx")
    port.write_block("评分表", "G4", [[5]])  # the inspector fixes 服务态度
    port.fill("评分表", ["B3"], "00B0F0")  # and colours a cell of their own
    port.comment("评分表", "C3", "自己的批注")

    result = ribbon.validate_on_port(port)

    ws = openpyxl.load_workbook(tmp_path / "second.xlsx")["评分表"]
    assert fills(ws) == {"B3": "00B0F0", "R5": YELLOW}
    assert set(comments(ws)) == {"C3", "R5"}
    assert (result.errors, result.warnings) == (0, 1)


def test_validate_clean_sheet_says_so(tmp_path):
    src = sheet_without_total(tmp_path)
    port = OpenpyxlPort(src, save_to=tmp_path / "out.xlsx")
    result = ribbon.validate_on_port(port)
    assert result.errors == 0 and "未发现问题" in result.message
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(tmp_path / "out.xlsx")["校验结果"].iter_rows()]
    assert rows[1][4] == "未发现问题"


def test_warnings_are_yellow_and_errors_win_a_shared_cell(tmp_path, monkeypatch):
    import zhijian.engine.validate as validate

    real = validate.check_grids

    def with_warnings(rubric, grids, **kw):
        checked = real(rubric, grids, **kw)
        f = str(grids[0].file)
        checked.report.findings += [
            Finding(Rule.FIELD_MISSING, Severity.WARNING, f, "评分表", "E3", "提醒: 录音编号格式少见", "LY001"),
            Finding(Rule.FIELD_MISSING, Severity.WARNING, f, "评分表", "G4", "提醒: 同一单元格", 6)]
        return checked

    monkeypatch.setattr(validate, "check_grids", with_warnings)
    src = sheet_with_mistakes(tmp_path)
    result = ribbon.validate_on_port(OpenpyxlPort(src, save_to=tmp_path / "out.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert fills(wb["评分表"]) == {"E3": YELLOW, "G4": RED, "R5": YELLOW}
    assert comments(wb["评分表"])["G4"].splitlines()[1].startswith("[警告]")
    assert result.warnings == 3 and "3 个警告" in result.message
    assert sorted(fills(wb["校验结果"]).values()).count(YELLOW) == 3


def test_validate_uses_roster_and_period_from_the_settings_sheet(tmp_path):
    roster = write_xlsx(tmp_path / "名单.xlsx", [SheetSpec("名单", [["工号", "姓名"], [1001, "王芳"], [1002, "赵磊"]])])
    src = sheet_with_mistakes(tmp_path / "in")
    port = OpenpyxlPort(src, save_to=tmp_path / "out.xlsx")
    port.add_sheet("配置", [["项目", "值"], ["人员名单", str(roster)], ["统计期", "2026-11-02"]])
    result = ribbon.validate_on_port(port)
    rules = {(str(f.rule), f.cell) for f in result.details["findings"]}
    assert ("agent.unknown", "C5") in rules  # 1003 is not on the roster
    assert ("date.out_of_period", "A5") in rules  # 11-03 is outside 2026-11-02
    # the 配置 sheet is ours: never read as a 评分表, never marked
    assert all(f.sheet == "评分表" for f in result.details["findings"])


# --- 计算总分 ------------------------------------------------------------------------------------------

def test_score_fills_the_total_column_with_the_engines_scores(tmp_path):
    src = sheet_with_mistakes(tmp_path)
    port = OpenpyxlPort(src, save_to=tmp_path / "scored.xlsx")
    result = ribbon.score_on_port(port)
    cli = check_files(load_rubric("listening-10x4"), [src])
    ws = openpyxl.load_workbook(tmp_path / "scored.xlsx")["评分表"]
    got = {int(r): ws[f"R{int(r)}"].value for r in cli.calls["row"]}
    # row 4 (服务态度 6) cannot be scored: no number, a red cell saying why, as `score --write`
    assert got == {3: 100, 4: None, 5: 78}
    assert ws["R4"].fill.start_color.rgb.endswith(RED) and "服务态度" in ws["R4"].comment.text
    assert result.details["columns"] == {"评分表": "R"}
    assert "2 通" in result.message and "1 行无法计分" in result.message


def test_score_adds_the_total_column_when_missing(tmp_path):
    src = sheet_without_total(tmp_path)
    port = OpenpyxlPort(src, save_to=tmp_path / "scored.xlsx")
    result = ribbon.score_on_port(port)
    ws = openpyxl.load_workbook(tmp_path / "scored.xlsx")["11月"]
    assert ws["S1"].value == "最终得分"
    assert [ws[f"S{r}"].value for r in range(2, 7)] == [100, 97, 80, None, 0]
    assert ws["R2"].value is None  # 备注 untouched
    assert result.details == {"columns": {"11月": "S"}, "scores": 4}


def test_score_writes_each_blocks_total_on_a_form_sheet(tmp_path):
    from sheetkit import call_form, stacked

    # Two calls on one 录音质检打分明细表 sheet: the first has a 合计 row (D15), the second none.
    rows = stacked(call_form("LY1", "王芳", D1, "李娜", [5] * 10, total=90),  # 2 × 50 = 100
                   call_form("LY2", "赵磊", D1, "李娜", [4] * 10))            # 2 × 40 = 80
    src = write_xlsx(tmp_path / "明细.xlsx", [SheetSpec("明细", rows)])
    port = OpenpyxlPort(src, save_to=tmp_path / "scored.xlsx")
    result = ribbon.score_on_port(port)
    ws = openpyxl.load_workbook(tmp_path / "scored.xlsx")["明细"]
    assert ws["D15"].value == 100  # the sheet's 90 replaced by the engine's score
    assert (ws["B31"].value, ws["D31"].value) == ("最终得分", 80)  # under the second block's items
    assert result.details == {"columns": {"明细": "D"}, "scores": 2}
    assert "“明细”工作表 D 列(每块一通录音,写在各块的合计格)" in result.message


def test_score_refuses_a_sheet_it_cannot_read(tmp_path):
    src = write_xlsx(tmp_path / "x.xlsx", [SheetSpec("Sheet1", [["姓名", "电话"], ["王芳", "138"]])])
    port = OpenpyxlPort(src, save_to=tmp_path / "out.xlsx")
    assert ribbon.run_on_port(port, "计算总分", ribbon.score_on_port) is None
    assert len(port.alerts) == 1 and port.alerts[0].startswith("计算总分: ")
    assert "Traceback" not in port.alerts[0]
    assert not (tmp_path / "out.xlsx").exists()


# --- 新建评分表 ------------------------------------------------------------------------------------------

def test_new_sheet_writes_the_rubric_template_beside_the_workbook(tmp_path):
    src = sheet_with_mistakes(tmp_path)
    port = OpenpyxlPort(src)
    result = ribbon.new_sheet_on_port(port)
    assert result.output.parent == tmp_path
    assert result.output.name == f"listening-10x4-{dt.date.today():%Y%m%d}.xlsx"
    assert port.opened == [result.output]
    wb = openpyxl.load_workbook(result.output)
    assert wb.sheetnames[0] == "评分表"
    assert port.alerts == [result.message] and str(result.output) in result.message
    second = ribbon.new_sheet_on_port(port)  # never overwrites
    assert second.output.name.endswith("-2.xlsx")


def test_new_sheet_follows_the_workbooks_rubric_property(tmp_path):
    from zhijian.reports.template import write_template

    qc = write_template(load_rubric("qc-v3.1"), tmp_path / "qc.xlsx", rows=5)
    port = OpenpyxlPort(qc)
    result = ribbon.new_sheet_on_port(port, folder=tmp_path / "new")
    assert result.output.name.startswith("qc-v3.1-")
    assert OpenpyxlPort(result.output).document_property("zhijian_rubric_id") == "qc-v3.1"


# --- 汇总分析 / 周报 / 月报 ---------------------------------------------------------------------------------

def _sheets_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "评分表"
    sheet_without_total(folder, "二组-王敏.xlsx", "王敏", D2)
    sheet_without_total(folder, "三组-刘洋.xlsx", "刘洋", D3)
    sheet_with_mistakes(folder)
    return folder


def test_consolidate_writes_the_analysis_like_the_cli(tmp_path):
    from zhijian.pipeline.jobs import consolidate

    folder = _sheets_folder(tmp_path)
    port = OpenpyxlPort(sheet_without_total(tmp_path / "any"))
    result = ribbon.consolidate_on_port(port, folder=folder)
    assert result.output == tmp_path / "服务质量分析表_2026-11.xlsx"  # beside the folder, never inside it
    assert port.opened == [result.output]
    wb = openpyxl.load_workbook(result.output)
    assert "服务质量分析表" in wb.sheetnames
    cli = consolidate(load_rubric("listening-10x4"), [str(folder)], period_kind="month")
    assert result.details == {"n": cli.analysis.overall.n, "files": 3}
    assert f"有效评分 {cli.analysis.overall.n} 通" in result.message
    assert any("正在读取第 3/3 个文件" in (s or "") for s in port.statuses)


def test_consolidate_takes_folder_and_period_from_the_settings_sheet(tmp_path):
    folder = _sheets_folder(tmp_path)
    port = OpenpyxlPort(sheet_without_total(tmp_path / "any"))  # no folder picker
    port.add_sheet("配置", [["项目", "值"], ["评分表文件夹", str(folder)], ["汇总周期", "周"],
                          ["输出文件夹", str(tmp_path / "out")]])
    result = ribbon.consolidate_on_port(port)
    assert result.output == tmp_path / "out" / "服务质量分析表_2026-W45.xlsx"
    assert port.folder_requests  # it asked the port first


def test_report_buttons_use_the_roster_of_the_settings(tmp_path):
    # 1003 (孙丽, in sheet_with_mistakes) is not on the roster: left out of the figures, like
    # `zhijian consolidate --roster`; the message says what became of every row.
    from zhijian.pipeline.jobs import consolidate

    folder = _sheets_folder(tmp_path)
    roster = write_xlsx(tmp_path / "名单.xlsx", [SheetSpec("名单", [["工号", "姓名"], [1001, "王芳"], [1002, "赵磊"]])])
    port = OpenpyxlPort(sheet_without_total(tmp_path / "any"))
    port.add_sheet("配置", [["项目", "值"], ["人员名单", str(roster)]])
    result = ribbon.consolidate_on_port(port, folder=folder)
    cli = consolidate(load_rubric("listening-10x4"), [str(folder)], period_kind="month", roster=roster)
    assert cli.analysis.account.unknown_agents > 0
    assert result.details["n"] == cli.analysis.overall.n
    assert f"名单外工号 {cli.analysis.account.unknown_agents}" in result.message
    for what in (ribbon.weekly_on_port, ribbon.monthly_on_port):
        out = what(port, folder=folder)
        assert out.details["n"] == cli.analysis.overall.n


def test_consolidate_without_a_folder_explains_what_to_do(tmp_path):
    port = OpenpyxlPort(sheet_without_total(tmp_path))
    assert ribbon.run_on_port(port, "汇总分析", ribbon.consolidate_on_port) is None
    assert "评分表文件夹" in port.alerts[0] and "配置" in port.alerts[0]


def test_cancelled_folder_picker_stops_quietly(tmp_path):
    port = OpenpyxlPort(sheet_without_total(tmp_path))
    port.pick_folder = lambda title, initial=None: None
    assert ribbon.run_on_port(port, "汇总分析", ribbon.consolidate_on_port) is None
    assert port.alerts == []


def test_weekly_report_like_the_cli(tmp_path):
    from zhijian.pipeline.jobs import weekly_report

    folder = _sheets_folder(tmp_path)
    port = OpenpyxlPort(sheet_without_total(tmp_path / "any"))
    result = ribbon.weekly_on_port(port, folder=folder)
    assert result.output == tmp_path / "质检周报_2026-W45.xlsx" and result.output.is_file()
    assert port.opened == [result.output]
    cli = weekly_report(load_rubric("listening-10x4"), [str(folder)])
    assert result.details == {"n": cli.report.to_dict()["n"], "files": 3, "key": "2026-W45"}
    wb = openpyxl.load_workbook(result.output)
    assert wb.properties is not None and len(wb.sheetnames) > 1
    assert OpenpyxlPort(result.output).document_property("zhijian_command") == "weekly"


def test_monthly_report_like_the_cli(tmp_path):
    from zhijian.pipeline.jobs import monthly_report

    folder = _sheets_folder(tmp_path)
    port = OpenpyxlPort(sheet_without_total(tmp_path / "any"))
    port.add_sheet("配置", [["项目", "值"], ["输出文件夹", "报表"]])  # relative: beside the workbook
    result = ribbon.monthly_on_port(port, folder=folder)
    assert result.output == tmp_path / "any" / "报表" / "质检月报_2026-11.xlsx" and result.output.is_file()
    cli = monthly_report(load_rubric("listening-10x4"), [str(folder)])
    assert result.details["n"] == cli.report.to_dict()["n"]
    assert "质检月报" in result.message and str(result.output) in result.message


def test_reports_add_their_sheets_to_the_history_store_of_the_settings(tmp_path):
    from zhijian.pipeline.history import store_status

    folder = _sheets_folder(tmp_path)
    store = tmp_path / "历史" / "zhijian.duckdb"
    port = OpenpyxlPort(sheet_without_total(tmp_path / "any"))
    port.add_sheet("配置", [["项目", "值"], ["历史库", str(store)]])
    ribbon.monthly_on_port(port, folder=folder)
    status = store_status(store)
    assert status["files"] == 3 and status["months"][0]["month"] == "2026-11"
    ribbon.consolidate_on_port(port, folder=folder)  # the same sheets again: nothing new
    assert store_status(store)["rows"] == status["rows"]


# --- 发送邮件 --------------------------------------------------------------------------------------------

DELIVERY = """smtp: {host: smtp.example.com, username: qa@example.com}
sender: {address: qa@example.com, name: 质检组}
reports:
  daily: {to: [d@example.com]}
  weekly: {to: [w@example.com]}
  monthly: {to: [m@example.com], cc: [pm@example.com]}
"""


@pytest.fixture
def outbox(monkeypatch):
    import zhijian.delivery.smtp as smtp

    sent = []

    def send(out, config, **kw):
        sent.append(out)
        return smtp.SendResult(config.smtp.where, 1, out.recipients)

    monkeypatch.setattr(smtp, "send", send)
    return sent


def test_send_mail_sends_the_report_to_its_recipients_after_confirming(tmp_path, outbox):
    folder = _sheets_folder(tmp_path)
    report = ribbon.consolidate_on_port(OpenpyxlPort(sheet_without_total(tmp_path / "any")), folder=folder).output
    (report.parent / "zhijian-delivery.yaml").write_text(DELIVERY, encoding="utf-8")
    port = OpenpyxlPort(report)
    result = ribbon.send_mail_on_port(port)
    assert result.details == {"kind": "monthly", "recipients": ["m@example.com", "pm@example.com"]}
    assert len(outbox) == 1 and outbox[0].attachment_name == report.name
    assert "质检月报" in port.confirms[0] and "m@example.com" in port.confirms[0]
    assert port.alerts == [result.message] and "2 个地址" in result.message


def test_send_mail_cancelled_sends_nothing(tmp_path, outbox):
    folder = _sheets_folder(tmp_path)
    report = ribbon.weekly_on_port(OpenpyxlPort(sheet_without_total(tmp_path / "any")), folder=folder).output
    config = tmp_path / "delivery.yaml"
    config.write_text(DELIVERY, encoding="utf-8")
    port = OpenpyxlPort(report)
    port.add_sheet("配置", [["项目", "值"], ["发送配置文件", str(config)]])
    port.confirm_answer = False
    assert ribbon.run_on_port(port, "发送邮件", ribbon.send_mail_on_port) is None
    assert "质检周报" in port.confirms[0] and "w@example.com" in port.confirms[0]
    assert outbox == [] and port.alerts == []


def test_send_mail_without_configuration_says_where_it_looked(tmp_path, outbox, monkeypatch):
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path / "home"))
    port = OpenpyxlPort(sheet_without_total(tmp_path))
    assert ribbon.run_on_port(port, "发送邮件", ribbon.send_mail_on_port) is None
    assert "zhijian-delivery.yaml" in port.alerts[0] and str(tmp_path) in port.alerts[0]
    assert outbox == []


# --- 评分标准 / 配置 ----------------------------------------------------------------------------------------

def test_rubric_sheet_lists_the_rubric_in_use(tmp_path):
    port = OpenpyxlPort(sheet_without_total(tmp_path), save_to=tmp_path / "out.xlsx")
    result = ribbon.rubric_on_port(port)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["评分标准说明"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0][:2] == ["评分标准", "质检监听评分表"]
    assert ["开场白及挂机", 5] == [v for v in values if v[1] == "开场白及挂机"][0][1:3]
    assert "listening-10x4" in result.message and "默认" in result.message


def test_rubric_sheet_of_qc_says_109_raw_points_and_each_bonus_lift():
    # the ribbon's 评分标准说明 shows what `rubric show` shows: 109 raw points × 100/109
    from zhijian.files.rubrics import load_rubric

    rows = settings.rubric_rows(load_rubric("qc-v3.1"))
    assert ["整通得分 = 各类别得分之和 × 100/109(评分项满分合计 109 分,109 × 100/109 = 满分 100)"] in rows
    assert ["类型", "规则", "作用于", "分值", "加分可否超出满分"] in rows
    assert ["加分", "问候语热情、亲切", "问候语", "+1", "可超过该项及类别满分,整通不超过满分"] in rows


def test_settings_first_click_adds_the_sheet_second_click_saves_defaults(tmp_path, user_config):
    folder = _sheets_folder(tmp_path)
    port = OpenpyxlPort(sheet_without_total(tmp_path / "w"), save_to=tmp_path / "w" / "out.xlsx")
    first = ribbon.settings_on_port(port)
    assert "配置" in port.sheet_names() and "再点一次" in first.message
    rows = port.used_range("配置")[0]
    assert rows[0] == ["项目", "值", "说明"]
    assert [r[0] for r in rows[1:]] == [label for _, label, _ in settings.SETTING_FIELDS]
    assert rows[1][1] == "listening-10x4"
    port.write_block("配置", "B2", [["qc-v3.1"], [str(folder)]])
    second = ribbon.settings_on_port(port)
    assert second.output == user_config
    saved = yaml.safe_load(user_config.read_text(encoding="utf-8"))
    assert saved == {"rubric": "qc-v3.1", "folder": str(folder), "period_kind": "month"}
    other = OpenpyxlPort(sheet_without_total(tmp_path / "x"))  # another workbook, no 配置 sheet
    s = settings.load_settings(other)
    assert (s.rubric, s.folder) == ("qc-v3.1", folder)


def test_settings_with_mistakes_are_not_saved(tmp_path, user_config):
    port = OpenpyxlPort(sheet_without_total(tmp_path))
    port.add_sheet("配置", [["项目", "值"], ["评分标准", "no-such-rubric"], ["评分表文件夹", str(tmp_path / "无")]])
    assert ribbon.run_on_port(port, "配置", ribbon.settings_on_port) is None
    assert "没有这个评分标准" in port.alerts[0] and "评分表文件夹不存在" in port.alerts[0]
    assert not user_config.exists()


def test_settings_order_sheet_then_property_then_user_file(tmp_path, user_config):
    from zhijian.reports.template import write_template

    user_config.write_text("rubric: deduction-base100\nlead: 张班长\n汇总周期: 周\n", encoding="utf-8")
    qc = write_template(load_rubric("qc-v3.1"), tmp_path / "qc.xlsx", rows=5)
    port = OpenpyxlPort(qc)
    s = settings.load_settings(port)
    assert (s.rubric, s.lead, s.period_kind) == ("qc-v3.1", "张班长", "week")
    port.add_sheet("配置", [["项目", "值"], ["评分标准", "listening-10x4"]])
    assert settings.load_settings(port).rubric == "listening-10x4"
    assert settings.load_settings(OpenpyxlPort(sheet_without_total(tmp_path / "b"))).rubric == "deduction-base100"


def test_bad_period_word_is_a_clear_error(tmp_path):
    port = OpenpyxlPort(sheet_without_total(tmp_path))
    port.add_sheet("配置", [["项目", "值"], ["汇总周期", "季"]])
    with pytest.raises(InputFileError, match="汇总周期"):
        settings.load_settings(port)


# --- errors --------------------------------------------------------------------------------------------

def test_unexpected_error_becomes_a_chinese_message_with_the_log(tmp_path):
    port = OpenpyxlPort(sheet_without_total(tmp_path))

    def broken(p):
        p.status("工作中")
        raise RuntimeError("boom")

    assert ribbon.run_on_port(port, "校验", broken) is None
    log = ribbon_log(tmp_path)
    assert port.alerts == [f"校验: 出错了,操作没有完成。\n请把日志文件发给开发人员:\n{log}"]
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")
    assert port.statuses[-1] is None


def test_importing_zhijian_never_imports_xlwings():
    code = ("import importlib, pkgutil, sys, zhijian\n"
            "for m in pkgutil.walk_packages(zhijian.__path__, 'zhijian.'):\n"
            "    importlib.import_module(m.name)\n"
            "import zhijian_validate, zhijian_consolidate\n"
            "assert 'xlwings' not in sys.modules, 'xlwings imported'\n")
    env = {**__import__("os").environ, "PYTHONPATH": str(ADDIN_DIR)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr


# --- the Excel entry points, through a fake of the xlwings API -------------------------------------------

class _Note:
    def __init__(self, cells, key):
        self.cells, self.key = cells, key

    @property
    def text(self):
        return self.cells.notes[self.key]

    @text.setter
    def text(self, value):
        self.cells.notes[self.key] = value

    def delete(self):
        del self.cells.notes[self.key]


class _Range:
    def __init__(self, sheet, refs):
        from zhijian.excel.port import split_cell
        self.sheet, self.refs = sheet, [split_cell(r) for r in refs]
        self.row, self.column = self.refs[0]
        self.font = types.SimpleNamespace(bold=False)
        self.api = types.SimpleNamespace()

    def options(self, **kw):
        assert kw == {"ndim": 2, "err_to_str": True}
        return self

    @property
    def shape(self):  # xlwings: (rows, columns), without reading the values
        (r0, c0), (r1, c1) = self.refs[0], self.refs[-1]
        return r1 - r0 + 1, c1 - c0 + 1

    @property
    def value(self):
        (r0, c0), (r1, c1) = self.refs[0], self.refs[-1]
        return [[self.sheet.values.get((r, c)) for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]

    @value.setter
    def value(self, rows):
        r0, c0 = self.refs[0]
        assert all(len(r) == len(rows[0]) for r in rows), "xlwings needs a rectangle"
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, str) and v.startswith("'"):
                    v = v[1:]  # Excel keeps the text, hides the apostrophe
                elif isinstance(v, str) and (v.startswith("=") or v.replace(".", "").isdigit()):
                    raise AssertionError(f"Excel would re-read {v!r}")
                if v is None:
                    self.sheet.values.pop((r0 + i, c0 + j), None)
                else:
                    self.sheet.values[(r0 + i, c0 + j)] = v

    @property
    def color(self):
        return self.sheet.colors.get(self.refs[0])

    @color.setter
    def color(self, rgb):
        self.sheet.calls.append(("color", len(self.refs)))
        for ref in self.refs:
            if rgb is None:
                self.sheet.colors.pop(ref, None)
            else:
                self.sheet.colors[ref] = rgb

    @property
    def note(self):
        return _Note(self.sheet, self.refs[0]) if self.refs[0] in self.sheet.notes else None

    def add_note(self, text):
        assert self.refs[0] not in self.sheet.notes
        self.sheet.notes[self.refs[0]] = text
        return _Note(self.sheet, self.refs[0])


class _Sheet:
    def __init__(self, book, name, values=None, visible=True):
        self.book, self.name, self.visible = book, name, visible  # xlwings: False when (very) hidden
        self.values, self.colors, self.notes, self.calls = dict(values or {}), {}, {}, []

    @property
    def used_range(self):
        from zhijian.excel.port import cell_name
        if not self.values:
            return _Range(self, ["A1"])
        rows = [r for r, _ in self.values]
        cols = [c for _, c in self.values]
        return _Range(self, [cell_name(min(rows), min(cols)), cell_name(max(rows), max(cols))])

    def range(self, a, b=None):
        from zhijian.excel.port import cell_name
        if isinstance(a, tuple):
            return _Range(self, [cell_name(*a), cell_name(*b)])
        return _Range(self, a.split(","))

    def clear(self):
        self.values.clear()

    def autofit(self, axis):
        pass

    def activate(self):
        self.book.active = self


class _Sheets(list):
    def __init__(self, book):
        super().__init__()
        self.book = book

    @property
    def active(self):
        return self.book.active

    def __getitem__(self, key):
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return list.__getitem__(self, key)

    def add(self, name, after=None):
        s = _Sheet(self.book, name)
        self.append(s)
        self.book.active = s  # Excel activates a new sheet
        return s


class _App:
    def __init__(self):
        self.status_bar, self.alerts, self.opened = False, [], []
        self.books = types.SimpleNamespace(open=lambda p: self.opened.append(p) or types.SimpleNamespace(
            activate=lambda: None))
        self.api = types.SimpleNamespace()

    def properties(self, **kw):
        import contextlib
        return contextlib.nullcontext(self)

    def alert(self, text, title=None):
        self.alerts.append((title, text))


class _Book:
    def __init__(self, path: Path):
        self.app, self.name, self.fullname = _App(), path.name, str(path)
        self.sheets = _Sheets(self)
        for grid in read_grids(path):
            values = {(grid.first_row + i, grid.first_col + j): v for i, row in enumerate(grid.rows)
                      for j, v in enumerate(row) if v not in (None, "")}
            self.sheets.append(_Sheet(self, grid.sheet, values, visible=not grid.hidden))
        self.active = self.sheets[0]
        self.api = types.SimpleNamespace()


@pytest.fixture
def fake_excel(monkeypatch):
    """`import xlwings` gives a fake whose Book.caller() is the book set by the test."""
    holder = {}
    fake = types.ModuleType("xlwings")
    fake.Book = types.SimpleNamespace(caller=lambda: holder["book"])
    monkeypatch.setitem(sys.modules, "xlwings", fake)
    monkeypatch.syspath_prepend(str(ADDIN_DIR))
    return holder


def test_excel_validate_button_writes_into_the_open_workbook(tmp_path, fake_excel):
    book = fake_excel["book"] = _Book(sheet_with_mistakes(tmp_path))
    importlib.import_module("zhijian_validate").main()
    sheet = book.sheets["评分表"]
    assert sheet.colors == {(4, 7): (255, 199, 206), (5, 18): (255, 235, 156)}
    assert sheet.calls == [("color", 1), ("color", 1)]  # one call per colour: the error red, the warning yellow
    assert set(sheet.notes) == {(4, 7), (5, 18)}
    result = book.sheets["校验结果"]
    assert result.values[(1, 1)] == "级别" and result.values[(2, 4)] == "G4"
    assert book.active is sheet  # the user stays on the 评分表
    assert book.app.alerts[0][0] == "质检" and "1 个错误" in book.app.alerts[0][1]
    assert book.app.status_bar is False


def test_excel_score_button_keeps_text_as_text(tmp_path, fake_excel):
    book = fake_excel["book"] = _Book(sheet_without_total(tmp_path))
    importlib.import_module("zhijian_score").main()
    sheet = book.sheets["11月"]
    assert [sheet.values.get((r, 19)) for r in range(1, 7)] == ["最终得分", 100, 97, 80, None, 0]
    book2 = fake_excel["book"] = _Book(sheet_without_total(tmp_path / "b"))
    importlib.import_module("zhijian_settings").main()  # writes "listening-10x4" etc. as text
    assert book2.sheets["配置"].values[(2, 2)] == "listening-10x4"


def test_excel_button_when_excel_cannot_be_reached(tmp_path, monkeypatch, capsys):
    fake = types.ModuleType("xlwings")

    def caller():
        raise Exception("Book.caller() must not be called directly")

    fake.Book = types.SimpleNamespace(caller=caller)
    monkeypatch.setitem(sys.modules, "xlwings", fake)
    with pytest.raises(SystemExit) as e:
        ribbon.validate()
    assert e.value.code == 1
    err = capsys.readouterr().err
    assert "无法操作 Excel" in err and "Traceback" not in err
    assert "Book.caller()" in ribbon_log(tmp_path).read_text(encoding="utf-8")


# --- 日报 ------------------------------------------------------------------------------------------------

def test_daily_writes_the_package_beside_the_folder_like_the_cli(tmp_path):
    from dailykit import roster, week_folder
    from zhijian.pipeline.daily import daily_package

    folder = week_folder(tmp_path / "评分表")
    port = OpenpyxlPort(sheet_without_total(tmp_path / "any"))
    port.add_sheet("配置", [["项目", "值"], ["人员名单", str(roster(tmp_path / "人员名单.xlsx"))]])
    result = ribbon.daily_on_port(port, folder=folder)
    assert result.output == tmp_path / "质检日志_2026-10-14.xlsx" and port.opened == [result.output]
    assert sorted(Path(p).name for p in result.details["written"].values()) == [
        "扣分凭单_2026-10-14.xlsx", "质检日志_2026-10-14.xlsx", "质检监听评分表_2026-10-14.zip"]
    cli = daily_package(load_rubric("listening-10x4"), [str(folder)], roster=tmp_path / "人员名单.xlsx")
    assert result.details["n"] == cli.report.analysis.overall.n == 6
    assert result.details["missing"] == ["赵敏"] and "未交评分表: 赵敏" in result.message
    assert "严重问题 2 通(扣分凭单 2 张)" in result.message  # R302 (差错扣分) and R305 (fatal error)


def test_send_mail_of_a_daily_log_sends_the_package(tmp_path, outbox):
    from dailykit import week_folder

    folder = week_folder(tmp_path / "评分表")
    log = ribbon.daily_on_port(OpenpyxlPort(sheet_without_total(tmp_path / "any")), folder=folder).output
    (log.parent / "zhijian-delivery.yaml").write_text(DELIVERY, encoding="utf-8")
    port = OpenpyxlPort(log)
    assert report_kind(port) == "daily"  # from the provenance: command daily
    result = ribbon.send_mail_on_port(port)
    assert result.details == {"kind": "daily", "recipients": ["d@example.com"]}
    assert [n for n, _ in outbox[0].attachments] == ["质检日志_2026-10-14.xlsx", "质检监听评分表_2026-10-14.zip"]
    assert "质检日志_2026-10-14.xlsx、质检监听评分表_2026-10-14.zip" in port.confirms[0]


def test_the_xlwings_port_knows_a_hidden_sheet_by_excels_visibility_values(tmp_path):
    """Excel on Windows gives a sheet's Visible as -1 (visible), 0 (hidden) or 2 (very hidden);
    on macOS xlwings gives a bool. Both hidden states are hidden."""
    from zhijian.excel.xlwings_port import XlwingsPort

    book = _Book(sheet_with_mistakes(tmp_path))
    sheet, port = book.sheets["评分表"], XlwingsPort(book)
    for visible, hidden in ((-1, False), (True, False), (0, True), (2, True), (False, True)):
        sheet.visible = visible
        assert port.sheet_hidden("评分表") is hidden, visible
