"""The ribbon's 抽检计划 button on the open call list (OpenpyxlPort), twin of `zhijian sample`."""

from __future__ import annotations

import datetime as dt

import openpyxl

from sheetkit import FULL_DAY_TIMES, LISTENING_HEADER, SheetSpec, listening_row, write_call_list, write_roster, write_xlsx
from zhijian.excel import ribbon
from zhijian.excel.port import OpenpyxlPort

DAY = dt.date(2026, 10, 12)
AGENTS = [f"A{i:02d}" for i in range(1, 14)]


def call_list_with_settings(tmp_path, **settings):
    path = write_call_list(tmp_path / "calls.xlsx", DAY, {a: FULL_DAY_TIMES for a in AGENTS})
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("配置")
    ws.append(["项目", "值", "说明"])
    for label, value in settings.items():
        ws.append([label, str(value), ""])
    wb.save(path)
    return path


def test_the_button_plans_the_open_call_list_and_opens_the_plan(tmp_path, user_config):
    roster = write_roster(tmp_path / "roster.xlsx", AGENTS, ["王丽"])
    folder = tmp_path / "评分表"
    folder.mkdir()
    write_xlsx(folder / "earlier.xlsx", [SheetSpec("评分表", [
        LISTENING_HEADER, listening_row(DAY, "王丽", "A01", "姓名A01", "A01-1030", [5] * 10)])])
    src = call_list_with_settings(tmp_path, 人员名单=roster, 评分表文件夹=folder, 输出文件夹=tmp_path / "out")
    port = OpenpyxlPort(src)
    result = ribbon.run_on_port(port, "抽检计划", ribbon.sample_on_port)
    out = tmp_path / "out" / "抽检_2026-10-12"
    assert result.output == out / "抽检计划_2026-10-12.xlsx" and port.opened == [result.output]
    assert sorted(p.name for p in out.iterdir()) == ["抽检计划_2026-10-12.xlsx", "评分表_2026-10-12_王丽.xlsx"]
    assert result.details["draws"] == 65
    assert port.alerts == [result.message]
    assert result.message.startswith("抽检计划 2026-10-12(随机种子 20261012): 坐席 13 名,质检员 1 名,抽取 65 通。")
    # The 评分表 folder's recording is not drawn again; the 配置 sheet is not read as a call list.
    rows = [r for r in openpyxl.load_workbook(result.output)["抽检计划"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert "A01-1030" not in {r[6] for r in rows}
    assert "1 通录音已在以往评分表中,未参与抽取" in result.message


def test_without_a_roster_the_button_says_where_to_set_it(tmp_path):
    port = OpenpyxlPort(call_list_with_settings(tmp_path))
    assert ribbon.run_on_port(port, "抽检计划", ribbon.sample_on_port) is None
    assert port.alerts == ["抽检计划: 请先填写人员名单: 点“配置”,在“配置”工作表中填写“人员名单”"
                           "(含工号、姓名、班组、质检员列的文件)"]


def test_a_roster_without_inspectors_is_explained(tmp_path):
    roster = write_roster(tmp_path / "roster.xlsx", AGENTS)
    port = OpenpyxlPort(call_list_with_settings(tmp_path, 人员名单=roster))
    assert ribbon.run_on_port(port, "抽检计划", ribbon.sample_on_port) is None
    assert "中没有“质检员”列" in port.alerts[0]
