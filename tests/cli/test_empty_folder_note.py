"""An empty folder named beside readable inputs: the command runs on the others and says that the
folder held no file, as it says of every file it skips (was: "没有找到匹配的文件: …", the words of a
glob matching nothing, which do not say the folder was read and was empty). Not an error.

listening-10x4, 12 October 2026 (a Monday): one sheet of 李娜, R1 A001 all 4 → 80.
"""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from sheetkit import LISTENING_HEADER, SheetSpec, listening_row, write_xlsx
from zhijian.cli.main import cli

D12 = dt.date(2026, 10, 12)
R = "listening-10x4"


@pytest.fixture
def inputs(tmp_path):
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    sheet = write_xlsx(tmp_path / "a.xlsx", [SheetSpec("评分表", [["质检监听评分表"], LISTENING_HEADER,
                       listening_row(D12, "李娜", "A001", "张三", "R1", [4] * 10, total=80)])])
    return empty, sheet


COMMANDS = {
    "validate": ["validate", "{E}", "{S}", "--rubric", R],
    "score": ["score", "{E}", "{S}", "--rubric", R],
    "consolidate": ["consolidate", "{E}", "{S}", "--rubric", R, "-o", "{T}/o.xlsx"],
    "weekly": ["weekly", "{E}", "{S}", "--rubric", R, "--week", "2026-W42", "-o", "{T}/w.xlsx"],
    "monthly": ["monthly", "{E}", "{S}", "--rubric", R, "--month", "2026-10", "-o", "{T}/m.xlsx"],
    "daily": ["daily", "{E}", "{S}", "--rubric", R, "--date", "2026-10-12", "-o", "{T}/日报"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_an_empty_folder_is_named_in_a_note(inputs, tmp_path, name):
    empty, sheet = inputs
    args = [a.format(E=empty, S=sheet, T=tmp_path) for a in COMMANDS[name]]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert f"跳过文件夹 {empty}: 其中没有文件" in r.output
    assert "没有找到匹配的文件" not in r.output
