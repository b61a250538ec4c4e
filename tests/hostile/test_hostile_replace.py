"""An output never replaces a file zhijian did not write as a report: a 评分表 an inspector has
started filling (the blank one of `template`, the prefilled one of `sample` the day before), a
filled-in register, a user's own workbook. Its own earlier report is replaced, as before. And the
names a script may leave empty (an unset variable) are refused, never read as the current folder."""

from __future__ import annotations

import openpyxl
import pytest

from hostile_kit import RUBRIC, digests, invoke, refused, sha256, sheet
from sheetkit import write_csv

KEPT = "已存在,且不是 zhijian 写出的报表"


def _calls(folder):
    """A call list of one day: 2 agents, 6 calls each between 09:00 and 16:00."""
    rows = [["录音编号", "坐席工号", "坐席姓名", "开始时间", "通话时长", "呼叫类型"]]
    for a, (aid, name) in enumerate([("A001", "王芳"), ("A002", "李娜")]):
        rows += [[f"R{a}{k:02d}", aid, name, f"2026-11-02 {9 + k}:{10 + a:02d}:00", 120, "呼入"] for k in range(6)]
    return write_csv(folder / "calls.csv", rows)


def test_sampling_the_same_day_again_keeps_the_scores_typed_into_its_sheet(tmp_path):
    roster = write_csv(tmp_path / "roster.csv", [["工号", "姓名", "班组", "质检员"], ["A001", "王芳", "一组", "王敏"],
                                                   ["A002", "李娜", "一组", ""]])
    calls = _calls(tmp_path)
    args = ["sample", calls, "--rubric", RUBRIC, "--roster", roster, "--per-agent", "2", "-o", tmp_path / "plan"]
    assert invoke(*args).exit_code == 0
    filled = tmp_path / "plan" / "评分表_2026-11-02_王敏.xlsx"
    wb = openpyxl.load_workbook(filled)
    ws = wb.worksheets[0]
    for col in range(8, 18):  # the first call's ten items, as the inspector types them
        ws.cell(4, col).value = 5
    wb.save(filled)
    before = digests(tmp_path)
    refused(invoke(*args), f"{filled} {KEPT}")
    assert digests(tmp_path) == before


def test_a_template_or_register_over_a_filled_one_is_refused(tmp_path):
    day = sheet(tmp_path, "评分表.xlsx")
    assert invoke("appeals", "template", "--rubric", RUBRIC, "-o", tmp_path / "申诉登记表.xlsx").exit_code == 0
    assert invoke("complaints", "template", "-o", tmp_path / "投诉表扬登记表.xlsx").exit_code == 0
    before = digests(tmp_path)
    refused(invoke("template", RUBRIC, "-o", day), KEPT)
    refused(invoke("appeals", "template", "--rubric", RUBRIC, "-o", tmp_path / "申诉登记表.xlsx"), KEPT)
    refused(invoke("complaints", "template", "-o", tmp_path / "投诉表扬登记表.xlsx"), KEPT)
    assert digests(tmp_path) == before


@pytest.mark.parametrize("command", ["consolidate", "weekly", "monthly", "quarterly", "penalties"])
def test_a_report_replaces_its_own_earlier_report_never_a_users_workbook(tmp_path, command):
    sheet(tmp_path / "sheets", "2026-11-02_wangmin.xlsx")
    mine = sheet(tmp_path, "我的月报.xlsx")  # any workbook zhijian did not write
    before = sha256(mine)
    refused(invoke(command, tmp_path / "sheets", "--rubric", RUBRIC, "-o", mine), f"{mine} {KEPT}")
    assert sha256(mine) == before
    out = tmp_path / "out.xlsx"
    assert invoke(command, tmp_path / "sheets", "--rubric", RUBRIC, "-o", out).exit_code == 0
    assert invoke(command, tmp_path / "sheets", "--rubric", RUBRIC, "-o", out).exit_code == 0


def test_an_empty_input_name_is_refused_not_read_as_the_current_folder(tmp_path, monkeypatch):
    sheet(tmp_path, "2026-11-02_wangmin.xlsx")
    monkeypatch.chdir(tmp_path)
    for blank in ("", "  "):
        refused(invoke("consolidate", blank, "--rubric", RUBRIC, "-o", tmp_path / "o.xlsx"), "输入的文件名为空")
        refused(invoke("validate", tmp_path / "2026-11-02_wangmin.xlsx", blank, "--rubric", RUBRIC), "输入的文件名为空")
    assert not (tmp_path / "o.xlsx").exists()


def test_a_rubric_name_is_a_bundled_name_or_a_path(tmp_path):
    (tmp_path / "evil.yaml").write_text("not: [a rubric", encoding="utf-8")
    refused(invoke("rubric", "show", ""), "评分标准文件错误 --rubric: 评分标准名称为空;内置的有: deduction-base100、")
    # a name with ../ is a path (here one that does not exist), never a walk out of the bundled rubrics
    refused(invoke("rubric", "show", "../" * 12 + str(tmp_path / "evil")[1:]), "找不到评分标准文件")
    refused(invoke("rubric", "check", tmp_path), f"评分标准文件错误 {tmp_path}: 这是一个文件夹,不是评分标准文件")


def test_the_read_cache_prunes_only_its_own_entries(tmp_path):
    """ZHIJIAN_CACHE naming a folder of the user's (an export, validation.json …): when the
    cache is over its size, it removed the oldest *.json files, the user's among them."""
    import os

    from zhijian.files.read_cache import ReadCache

    folder = tmp_path / "data"
    sheet(tmp_path / "sheets", "2026-11-02_wangmin.xlsx")
    mine = folder / "validation.json"
    folder.mkdir()
    mine.write_text('{"mine": true}', encoding="utf-8")
    os.utime(mine, (1, 1))  # the oldest file of the folder
    env = {"ZHIJIAN_CACHE": str(folder)}
    assert invoke("consolidate", tmp_path / "sheets", "--rubric", RUBRIC, "-o", tmp_path / "o.xlsx",
                  env=env).exit_code == 0
    entries = [p for p in folder.iterdir() if p != mine]
    assert entries  # the sheet's read was kept
    ReadCache(folder, {}).save([], max_bytes=0)
    assert sorted(p.name for p in folder.iterdir()) == ["reads.sqlite3", "validation.json"]
    assert mine.read_text(encoding="utf-8") == '{"mine": true}'


def test_a_users_zip_is_never_replaced_the_days_own_zip_is(tmp_path):
    """Every existing .zip counted as zhijian's: `-o backup.zip` (any report, the template) and the
    day's package over a zip of the user's under its name replaced the user's archive."""
    import zipfile

    sheet(tmp_path / "sheets", "2026-11-02_wangmin.xlsx")
    mine = tmp_path / "backup.zip"
    with zipfile.ZipFile(mine, "w") as z:
        z.writestr("notes.txt", "我的备份")
    day = tmp_path / "day"
    day.mkdir()
    theirs = day / "质检监听评分表_2026-11-02.zip"
    theirs.write_bytes(mine.read_bytes())
    before = digests(tmp_path)
    refused(invoke("consolidate", tmp_path / "sheets", "--rubric", RUBRIC, "-o", mine), f"{mine} {KEPT}")
    refused(invoke("template", RUBRIC, "-o", mine), f"{mine} {KEPT}")
    refused(invoke("daily", tmp_path / "sheets", "--rubric", RUBRIC, "-o", day), f"{theirs} {KEPT}")
    assert digests(tmp_path) == before
    theirs.unlink()
    assert invoke("daily", tmp_path / "sheets", "--rubric", RUBRIC, "-o", day).exit_code == 0
    assert invoke("daily", tmp_path / "sheets", "--rubric", RUBRIC, "-o", day).exit_code == 0  # its own: replaced
    with zipfile.ZipFile(theirs) as z:
        assert z.namelist() == ["2026-11-02_wangmin.xlsx"]


@pytest.mark.parametrize("command", ["consolidate", "weekly", "monthly"])
def test_the_read_cache_as_the_output_is_refused_before_any_work(tmp_path, command):
    """-o naming the read cache's database (ZHIJIAN_CACHE's reads.sqlite3, not made yet): every
    sheet was read and cached, then the report was refused as a file zhijian did not write."""
    sheet(tmp_path / "sheets", "2026-11-02_wangmin.xlsx")
    cache = tmp_path / "cache"
    target = cache / "reads.sqlite3"
    r = invoke(command, tmp_path / "sheets", "--rubric", RUBRIC, "-o", target, env={"ZHIJIAN_CACHE": str(cache)})
    refused(r, f"输出文件 {target} 就是要读取的缓存数据库")
    assert not target.exists()
