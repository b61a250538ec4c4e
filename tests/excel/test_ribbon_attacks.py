"""The ribbon's buttons clicked the way a QA lead clicks them on real, messy workbooks, each
compared with its CLI twin (through the openpyxl port, as in test_ribbon.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetkit import sheet_with_mistakes, with_own_results_sheet
from zhijian.cli.main import cli
from zhijian.excel import ribbon
from zhijian.excel.port import OpenpyxlPort

RED, YELLOW = "FFC7CE", "FFEB9C"


@pytest.fixture(autouse=True)
def no_read_cache(monkeypatch):
    monkeypatch.setenv("ZHIJIAN_NO_CACHE", "1")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fills(ws) -> dict[str, str]:
    return {c.coordinate: c.fill.fgColor.rgb[-6:] for row in ws.iter_rows() for c in row
            if c.fill is not None and c.fill.fill_type == "solid"}


def comments(ws) -> dict[str, str]:
    return {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}


def _report(tmp_path: Path) -> Path:
    """The month's 服务质量分析表 of a folder holding sheet_with_mistakes, as 汇总分析 writes it."""
    folder = tmp_path / "sheets"
    sheet_with_mistakes(folder)
    port = OpenpyxlPort(folder / "一组-李娜.xlsx")
    return ribbon.consolidate_on_port(port, folder=folder).output


# --- 校验 / 计算总分 on a workbook that is not a 评分表 ------------------------------------------------

@pytest.mark.parametrize("button", ["validate", "score"])
def test_sheet_buttons_refuse_a_report_zhijian_wrote_as_the_cli_does(tmp_path, button):
    # `zhijian validate 服务质量分析表_2026-11.xlsx` skips it (not a 评分表); the button read its 明细
    # sheet as one, said "未发现问题" and wrote a 校验结果 sheet (or a 最终得分 column) into the report.
    report = _report(tmp_path)
    before = sha256(report)
    cli_run = CliRunner().invoke(cli, [button, str(report), "--rubric", "listening-10x4"])
    assert cli_run.exit_code != 0 and "不是评分表" in cli_run.output

    port = OpenpyxlPort(report)
    work = ribbon.validate_on_port if button == "validate" else ribbon.score_on_port
    assert ribbon.run_on_port(port, "校验", work) is None
    (alert,) = port.alerts
    assert report.name in alert and "zhijian 生成的报表" in alert and "不是评分表" in alert
    assert sha256(report) == before


# --- a report written over the open workbook ----------------------------------------------------------

@pytest.mark.parametrize("button", ["consolidate", "weekly", "monthly", "daily"])
def test_a_report_button_never_writes_over_the_open_workbook(tmp_path, button):
    # The lead opens last run's report and clicks the button again: the report's default name is the
    # open workbook's own file. Excel holds it open (Windows: the write fails; macOS: the file is
    # replaced under the open window, and saving the window puts the old report back). Refused.
    folder = tmp_path / "sheets"
    sheet_with_mistakes(folder)
    work = {"consolidate": ribbon.consolidate_on_port, "weekly": ribbon.weekly_on_port,
            "monthly": ribbon.monthly_on_port, "daily": ribbon.daily_on_port}[button]
    first = work(OpenpyxlPort(folder / "一组-李娜.xlsx"), folder=folder).output
    before = sha256(first)

    port = OpenpyxlPort(first)
    assert ribbon.run_on_port(port, "报表", work, folder) is None
    (alert,) = port.alerts
    assert str(first) in alert and "当前打开的工作簿" in alert
    assert port.opened == []
    assert sha256(first) == before


# --- a report over sheets open in Excel with unsaved changes -------------------------------------------

REPORT_BUTTONS = {"consolidate": ("汇总分析", ribbon.consolidate_on_port), "weekly": ("周报", ribbon.weekly_on_port),
                  "monthly": ("月报", ribbon.monthly_on_port), "daily": ("日报", ribbon.daily_on_port)}


@pytest.mark.parametrize("button", list(REPORT_BUTTONS))
def test_a_report_button_names_the_sheets_of_its_folder_with_unsaved_changes(tmp_path, button):
    # The lead fixes a score in 一组-李娜.xlsx, does not save, and clicks the button: the report reads
    # the folder from disk, so the fix was not counted, and nothing said so.
    what, work = REPORT_BUTTONS[button]
    folder = tmp_path / "sheets"
    src = sheet_with_mistakes(folder)
    port = OpenpyxlPort(src)
    port.unsaved = [src, tmp_path / "别的工作簿.xlsx"]  # as Excel would report them
    result = work(port, folder=folder)
    (line,) = [x for x in result.message.splitlines() if "未保存" in x]
    assert "一组-李娜.xlsx" in line and "别的工作簿" not in line and f"保存后再点“{what}”" in line

    port = OpenpyxlPort(src)
    port.unsaved = None  # a port that cannot tell (Excel on macOS)
    result = work(port, folder=folder)
    (line,) = [x for x in result.message.splitlines() if "未保存" in x]
    assert "不计入" in line

    result = work(OpenpyxlPort(src), folder=folder)  # nothing unsaved: nothing said
    assert "未保存" not in result.message


# --- 计算总分 twice -------------------------------------------------------------------------------

def test_score_again_clears_the_red_cell_of_a_row_now_scored(tmp_path):
    # Row 4's 服务态度 "x" cannot be scored: its 最终得分 cell is red with why. The inspector types 5
    # and clicks 计算总分 again: R4 gets 100 and must lose the red fill and the comment that still
    # said "“x”无法识别" (`zhijian score --write` makes a fresh copy: nothing stale there).
    src = sheet_with_mistakes(tmp_path)
    port = OpenpyxlPort(src)
    port.write_block("评分表", "G4", [["x"]])
    ribbon.score_on_port(port)
    ws = openpyxl.load_workbook(src)["评分表"]
    assert fills(ws)["R4"] == RED and "无法识别" in comments(ws)["R4"]

    port = OpenpyxlPort(src)
    port.write_block("评分表", "G4", [[5]])
    port.fill("评分表", ["R3"], "00B0F0")  # a colour of the inspector's own, on a total cell
    ribbon.score_on_port(port)

    ws = openpyxl.load_workbook(src)["评分表"]
    assert [ws[f"R{r}"].value for r in (3, 4, 5)] == [100, 100, 78]
    assert fills(ws) == {"R3": "00B0F0"}
    assert comments(ws) == {}
    result = CliRunner().invoke(cli, ["score", str(src), "--rubric", "listening-10x4", "--write"])
    assert result.exit_code == 0, result.output
    copy = openpyxl.load_workbook(tmp_path / "一组-李娜.scored.xlsx")["评分表"]
    assert [copy[f"R{r}"].value for r in (3, 4, 5)] == [100, 100, 78]


def test_score_after_validate_drops_the_stale_mismatch_mark_of_the_total_it_rewrote(tmp_path):
    # 校验 marks R5 (88 recorded, the engine's 78) yellow with a comment; 计算总分 writes 78 there.
    # The cell then said "记录的总分 88" beside a 78: the mark goes with the number it was about.
    src = sheet_with_mistakes(tmp_path)
    ribbon.validate_on_port(OpenpyxlPort(src))
    ws = openpyxl.load_workbook(src)["评分表"]
    assert fills(ws)["R5"] == YELLOW and "88" in comments(ws)["R5"]

    ribbon.score_on_port(OpenpyxlPort(src))

    ws = openpyxl.load_workbook(src)["评分表"]
    assert ws["R5"].value == 78
    assert "R5" not in fills(ws) and "R5" not in comments(ws)
    assert fills(ws)["G4"] == RED  # 校验's other marks stay until the next 校验


# --- 校验 on cells the inspector had annotated herself ------------------------------------------------

def test_validate_keeps_the_inspectors_own_note_and_colour_and_gives_them_back_when_fixed(tmp_path):
    # G4 (服务态度 6) carries the inspector's note and her own blue fill. 校验 marks it; the note
    # was replaced by ours and, once the cell was fixed, removed with it: the remark was gone
    # from the open workbook for good, and so was her colour.
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    src = sheet_with_mistakes(tmp_path)
    wb = openpyxl.load_workbook(src)
    ws = wb["评分表"]
    ws["G4"].comment = Comment("客户中途挂断,已复听", "李娜")
    ws["G4"].fill = PatternFill("solid", start_color="00B0F0", end_color="00B0F0")
    wb.save(src)

    ribbon.validate_on_port(OpenpyxlPort(src))
    ws = openpyxl.load_workbook(src)["评分表"]
    assert fills(ws)["G4"] == RED
    note = comments(ws)["G4"]
    assert note.startswith("[错误]") and "服务态度" in note and "客户中途挂断,已复听" in note

    ribbon.validate_on_port(OpenpyxlPort(src))  # clicked twice: nothing piles up
    ws = openpyxl.load_workbook(src)["评分表"]
    assert comments(ws)["G4"] == note and fills(ws)["G4"] == RED

    port = OpenpyxlPort(src)
    port.write_block("评分表", "G4", [[5]])  # fixed
    ribbon.validate_on_port(port)
    ws = openpyxl.load_workbook(src)["评分表"]
    assert comments(ws)["G4"] == "客户中途挂断,已复听"
    assert fills(ws)["G4"] == "00B0F0"


def test_score_rewriting_a_marked_total_gives_back_its_own_note(tmp_path):
    from openpyxl.comments import Comment

    src = sheet_with_mistakes(tmp_path)
    wb = openpyxl.load_workbook(src)
    wb["评分表"]["R5"].comment = Comment("班长: 总分待复核", "李娜")
    wb.save(src)
    ribbon.validate_on_port(OpenpyxlPort(src))  # R5: 88 recorded, 78 computed
    ribbon.score_on_port(OpenpyxlPort(src))
    ws = openpyxl.load_workbook(src)["评分表"]
    assert ws["R5"].value == 78 and comments(ws)["R5"] == "班长: 总分待复核" and "R5" not in fills(ws)


# --- each button clears the other's stale marks -------------------------------------------------------

def _annotate(src: Path, cell: str, note: str, colour: str | None = None) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    wb = openpyxl.load_workbook(src)
    ws = wb["评分表"]
    ws[cell].comment = Comment(note, "李娜")
    if colour:
        ws[cell].fill = PatternFill("solid", start_color=colour, end_color=colour)
    wb.save(src)


def test_validate_after_a_fix_drops_the_stale_unscorable_mark_of_score(tmp_path):
    # 计算总分 marks R4 red "无法计分" (服务态度 "x"); the inspector types 5 and clicks 校验, not
    # 计算总分: R4 still said the row could not be scored, under a green 校验 that found nothing there.
    src = sheet_with_mistakes(tmp_path)
    _annotate(src, "R4", "待班长复核", "00B0F0")
    port = OpenpyxlPort(src)
    port.write_block("评分表", "G4", [["x"]])
    ribbon.score_on_port(port)
    ws = openpyxl.load_workbook(src)["评分表"]
    assert fills(ws)["R4"] == RED and "无法计分" in comments(ws)["R4"]
    assert comments(ws)["R4"].endswith("——原批注——\n待班长复核")  # her note is kept in ours

    port = OpenpyxlPort(src)
    port.write_block("评分表", "G4", [[5]])
    ribbon.validate_on_port(port)

    ws = openpyxl.load_workbook(src)["评分表"]
    assert "无法计分" not in comments(ws).get("R4", "")
    assert comments(ws).get("R4") == "待班长复核" and fills(ws).get("R4") == "00B0F0"
    results = [r[3] for r in openpyxl.load_workbook(src)["校验结果"].iter_rows(min_row=2, values_only=True)]
    assert "R4" not in results


def test_validate_keeps_the_unscorable_mark_of_a_row_still_unscorable(tmp_path):
    src = sheet_with_mistakes(tmp_path)
    port = OpenpyxlPort(src)
    port.write_block("评分表", "G4", [["x"]])
    ribbon.score_on_port(port)
    ribbon.validate_on_port(OpenpyxlPort(src))
    ws = openpyxl.load_workbook(src)["评分表"]
    assert fills(ws)["R4"] == RED and "无法计分" in comments(ws)["R4"]
    assert fills(ws)["G4"] == RED and "原批注" not in comments(ws)["G4"]


def test_score_after_a_fix_drops_the_stale_mark_validate_left_on_the_fixed_cell(tmp_path):
    # 校验 marks G4 (服务态度 6) red; the inspector types 5 and clicks 计算总分: the row is scored
    # (100), yet G4 stayed red saying "6 不是允许的分数" until 校验 was clicked again.
    src = sheet_with_mistakes(tmp_path)
    _annotate(src, "G4", "客户中途挂断,已复听", "00B0F0")
    ribbon.validate_on_port(OpenpyxlPort(src))
    port = OpenpyxlPort(src)
    port.write_block("评分表", "G4", [[5]])
    ribbon.score_on_port(port)

    ws = openpyxl.load_workbook(src)["评分表"]
    assert ws["R4"].value == 100
    assert comments(ws)["G4"] == "客户中途挂断,已复听" and fills(ws)["G4"] == "00B0F0"
    ribbon.validate_on_port(OpenpyxlPort(src))  # and 校验 then finds her note and colour as hers
    ws = openpyxl.load_workbook(src)["评分表"]
    assert comments(ws)["G4"] == "客户中途挂断,已复听" and fills(ws)["G4"] == "00B0F0"


def test_validate_marking_a_total_score_marked_keeps_only_the_users_note(tmp_path):
    # 计算总分 left "无法计分" on R4 over her note; she fixes 服务态度 and types a wrong total by hand:
    # 校验 marks R4 for the total alone, with her note once (not our earlier mark as if hers).
    src = sheet_with_mistakes(tmp_path)
    _annotate(src, "R4", "待班长复核")
    port = OpenpyxlPort(src)
    port.write_block("评分表", "G4", [["x"]])
    ribbon.score_on_port(port)
    port = OpenpyxlPort(src)
    port.write_block("评分表", "G4", [[5]])
    port.write_block("评分表", "R4", [[90]])  # the engine's total is 100
    ribbon.validate_on_port(port)
    ws = openpyxl.load_workbook(src)["评分表"]
    note = comments(ws)["R4"]
    assert "90" in note and "无法计分" not in note
    assert note.endswith("——原批注——\n待班长复核") and note.count("待班长复核") == 1
    assert "原底色" not in note and fills(ws)["R4"] in (RED, YELLOW)


# --- a sheet of the user's own under the name a button writes ------------------------------------------

def test_validate_never_replaces_a_sheet_of_the_users_own_named_like_its_results(tmp_path):
    # The lead keeps her own 复核记录 in a sheet she named 校验结果: 校验 deleted it without a word.
    src = with_own_results_sheet(sheet_with_mistakes(tmp_path))
    before = sha256(src)

    port = OpenpyxlPort(src)
    assert ribbon.run_on_port(port, "校验", ribbon.validate_on_port) is None
    (alert,) = port.alerts
    assert "“校验结果”" in alert and "改名" in alert
    assert sha256(src) == before

    ribbon.validate_on_port(OpenpyxlPort(sheet_with_mistakes(tmp_path / "again")))  # ours: replaced
    again = tmp_path / "again" / "一组-李娜.xlsx"
    ribbon.validate_on_port(OpenpyxlPort(again))
    assert openpyxl.load_workbook(again).sheetnames == ["评分表", "校验结果"]


def test_rubric_button_never_replaces_a_sheet_of_the_users_own_named_like_its_sheet(tmp_path):
    src = sheet_with_mistakes(tmp_path)
    wb = openpyxl.load_workbook(src)
    wb.create_sheet("评分标准说明")["A1"] = "本组补充说明: 开场白须报工号"
    wb.save(src)
    port = OpenpyxlPort(src)
    assert ribbon.run_on_port(port, "评分标准", ribbon.rubric_on_port) is None
    assert "“评分标准说明”" in port.alerts[0]
    assert openpyxl.load_workbook(src)["评分标准说明"]["A1"].value == "本组补充说明: 开场白须报工号"


# --- hostile values on the 配置 sheet -----------------------------------------------------------------

def _with_settings(tmp_path: Path, rows: list[list[str]]) -> OpenpyxlPort:
    src = sheet_with_mistakes(tmp_path / "sheets")
    port = OpenpyxlPort(src)
    port.add_sheet("配置", [["项目", "值"], *rows])
    return port


def test_an_output_folder_that_is_a_file_is_named_not_an_internal_error(tmp_path):
    afile = tmp_path / "输出.txt"
    afile.write_text("x", encoding="utf-8")
    port = _with_settings(tmp_path, [["评分表文件夹", str(tmp_path / "sheets")], ["输出文件夹", str(afile)]])
    for work in (ribbon.consolidate_on_port, ribbon.weekly_on_port, ribbon.monthly_on_port, ribbon.daily_on_port):
        port.alerts.clear()
        assert ribbon.run_on_port(port, "汇总分析", work) is None
        (alert,) = port.alerts
        assert "出错了" not in alert and str(afile) in alert and "输出文件夹" in alert
    assert not list((tmp_path / "cache").rglob("*.log"))


def test_settings_button_saves_nothing_the_other_buttons_would_refuse(tmp_path, user_config):
    afile = tmp_path / "名单.txt"
    afile.write_text("x", encoding="utf-8")
    port = _with_settings(tmp_path, [["评分表文件夹", str(afile)], ["输出文件夹", str(afile)],
                                     ["人员名单", str(tmp_path)], ["申诉登记表", str(tmp_path)],
                                     ["统计期", "=1+1"]])
    assert ribbon.run_on_port(port, "配置", ribbon.settings_on_port) is None
    (alert,) = port.alerts
    assert "未保存" in alert
    for label in ("评分表文件夹", "输出文件夹", "人员名单", "申诉登记表", "统计期"):
        assert label in alert
    assert not user_config.exists()


# --- a used range of a million rows ----------------------------------------------------------------

@pytest.mark.parametrize("button", ["validate", "score"])
def test_a_sheet_whose_used_range_reaches_the_last_row_is_refused_before_any_value_is_read(tmp_path, button):
    # A space typed in row 1,048,576 makes Excel's used range a million rows × 20 columns: reading
    # it through Excel would hang the workbook. The size is checked first, and the lead is told
    # how to find the stray cell.
    path = sheet_with_mistakes(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.active.cell(1_048_576, 1, " ")
    wb.save(path)
    port = OpenpyxlPort(path)
    read = []
    port.used_range = lambda *a, **k: read.append(a) or ([], 1, 1)  # noqa: E731 - must not be called
    work = ribbon.validate_on_port if button == "validate" else ribbon.score_on_port
    assert ribbon.run_on_port(port, "校验", work) is None
    (alert,) = port.alerts
    assert "1,048,576 行 × 19 列" in alert and "Ctrl+End" in alert and path.name in alert
    assert read == []
