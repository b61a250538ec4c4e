"""The CLI's copies (`validate --write`, `score --write`) mark cells as the ribbon's 校验 and 计算总分
mark them in the open workbook: a marked cell's own note and colour are kept in our comment
(——原批注——, 原底色), and a mark the ribbon saved into the sheet on a cell that is fine now is not
carried into the copy. The two doors give the same cell the same comment."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from sheetkit import sheet_with_mistakes, with_own_results_sheet
from zhijian.cli.main import cli
from zhijian.excel import ribbon
from zhijian.excel.port import OpenpyxlPort

NOTE, BLUE = "客户中途挂断,已复听", "00B0F0"


@pytest.fixture(autouse=True)
def user_config(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIJIAN_CONFIG", str(tmp_path / "home" / ".zhijian.yaml"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("ZHIJIAN_NO_CACHE", "1")


def _annotated(folder: Path, cell: str, value=None) -> Path:
    src = sheet_with_mistakes(folder)
    wb = openpyxl.load_workbook(src)
    ws = wb["评分表"]
    ws[cell].comment = Comment(NOTE, "李娜")
    ws[cell].fill = PatternFill("solid", start_color=BLUE, end_color=BLUE)
    if value is not None:
        ws["G4"] = value
    wb.save(src)
    return src


def _cell(path: Path, ref: str) -> tuple[str | None, str | None]:
    c = openpyxl.load_workbook(path)["评分表"][ref]
    fill = c.fill.fgColor.rgb[-6:] if c.fill is not None and c.fill.fill_type == "solid" else None
    return fill, (c.comment.text if c.comment else None)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_checked_copy_keeps_the_inspectors_note_and_colour_as_the_ribbon_does(tmp_path):
    src = _annotated(tmp_path / "cli", "G4")  # G4: 服务态度 6, not allowed
    before = _sha(src)
    result = CliRunner().invoke(cli, ["validate", str(src), "--rubric", "listening-10x4", "--write"])
    assert result.exit_code == 1, result.output
    fill, text = _cell(tmp_path / "cli" / "一组-李娜.checked.xlsx", "G4")
    assert fill == "FFC7CE" and text.startswith("[错误]")
    assert f"(原底色 #{BLUE},修正后恢复)" in text and text.endswith(f"——原批注——\n{NOTE}")
    assert _sha(src) == before

    door = tmp_path / "ribbon"
    door.mkdir()
    shutil.copy(src, door / src.name)
    ribbon.validate_on_port(OpenpyxlPort(door / src.name))
    assert _cell(door / src.name, "G4") == (fill, text)  # the two doors agree


def test_scored_copy_keeps_the_note_of_a_total_it_marks_as_the_ribbon_does(tmp_path):
    src = _annotated(tmp_path / "cli", "R4", value="x")  # row 4 cannot be scored
    result = CliRunner().invoke(cli, ["score", str(src), "--rubric", "listening-10x4", "--write"])
    assert "Traceback" not in result.output
    fill, text = _cell(tmp_path / "cli" / "一组-李娜.scored.xlsx", "R4")
    assert fill == "FFC7CE" and "无法计分" in text and text.endswith(f"——原批注——\n{NOTE}")

    door = tmp_path / "ribbon"
    door.mkdir()
    shutil.copy(src, door / src.name)
    ribbon.score_on_port(OpenpyxlPort(door / src.name))
    assert _cell(door / src.name, "R4") == (fill, text)


def test_checked_copy_of_a_sheet_the_ribbon_marked_shows_the_fixed_cell_as_the_user_left_it(tmp_path):
    # 校验 in Excel marked G4 and the inspector saved; she then fixed G4 and ran the CLI: the copy
    # said G4 was still wrong (the ribbon's old mark, carried over) and her note was inside it.
    src = _annotated(tmp_path, "G4")
    ribbon.validate_on_port(OpenpyxlPort(src))
    port = OpenpyxlPort(src)
    port.write_block("评分表", "G4", [[5]])
    port.save()
    result = CliRunner().invoke(cli, ["validate", str(src), "--rubric", "listening-10x4", "--write"])
    assert "Traceback" not in result.output
    assert _cell(tmp_path / "一组-李娜.checked.xlsx", "G4") == (BLUE, NOTE)


def test_checked_copy_never_replaces_a_sheet_of_the_users_own_named_like_its_results(tmp_path):
    # 校验 refuses a workbook whose 校验结果 sheet is the lead's own; `validate --write` replaced it in
    # the copy, which then showed our list where her 复核记录 had been.
    src = with_own_results_sheet(sheet_with_mistakes(tmp_path))
    before = _sha(src)
    result = CliRunner().invoke(cli, ["validate", str(src), "--rubric", "listening-10x4", "--write"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    line = result.output.strip().splitlines()[-1]
    assert str(src) in line and "“校验结果”" in line and "改名" in line
    assert not (tmp_path / "一组-李娜.checked.xlsx").exists()
    assert _sha(src) == before
