"""The ribbon's buttons clicked the way a QA lead clicks them on real, messy workbooks, each
compared with its CLI twin (through the openpyxl port, as in test_ribbon.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetkit import sheet_with_mistakes
from zhijian.cli.main import cli
from zhijian.excel import ribbon
from zhijian.excel.port import OpenpyxlPort

RED, YELLOW = "FFC7CE", "FFEB9C"


@pytest.fixture(autouse=True)
def user_config(tmp_path, monkeypatch):
    """Never read or write the real ~/.zhijian.yaml; errors are logged under tmp_path."""
    path = tmp_path / "home" / ".zhijian.yaml"
    path.parent.mkdir()
    monkeypatch.setenv("ZHIJIAN_CONFIG", str(path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("ZHIJIAN_NO_CACHE", "1")
    return path


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
