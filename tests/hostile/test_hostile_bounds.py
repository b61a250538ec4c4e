"""Issue 13, "bounded reading": a 1 MB workbook that unpacks to 1 GB is refused before any parser
sees it, with one message, in a process limited to 1 GB of memory (it used to take 4.7 GB, or die
with a Rust backtrace under a limit); YAML whose aliases expand without end is refused at once;
folders and `**` never loop through symlinked folders and read every file once; a file name is
taken literally when that file exists."""

from __future__ import annotations

import json
import resource
import zipfile
from pathlib import Path

import pytest

from hostile_kit import RUBRIC, assert_one_message, invoke, lines, run, sha256, sheet

GB = 1 << 30


def limited_memory():
    """preexec_fn: at most 1 GB of address space for the child (peak memory under 1 GB)."""
    resource.setrlimit(resource.RLIMIT_AS, (GB, GB))


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """A real 评分表 whose worksheet XML is replaced by one cell of 1.1 GB of "A": 1.1 MB on disk."""
    folder = tmp_path_factory.mktemp("bomb")
    good = sheet(folder, "good.xlsx")
    out = folder / "bomb.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info, zin.read(info))
                continue
            with zout.open(info.filename, "w", force_zip64=True) as f:
                f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
                block = b"A" * (1 << 24)
                for _ in range(66):
                    f.write(block)
                f.write(b"</t></is></c></row></sheetData></worksheet>")
    good.unlink()
    assert out.stat().st_size < 2 * 1024 * 1024
    return out


BOMB_MESSAGE = "工作簿解压后过大,为防止耗尽内存而拒绝读取"


def test_a_zip_bomb_is_one_message_under_a_1_gb_memory_limit(bomb, tmp_path):
    before = sha256(bomb)
    r = run("score", bomb, "--rubric", RUBRIC, preexec=limited_memory)
    assert r.returncode == 2, r.stderr
    assert_one_message(r.stderr, f"{bomb}: {BOMB_MESSAGE}")
    config = tmp_path / "d.yaml"
    config.write_text("smtp: {host: smtp.example.com}\nsender: {address: qa@example.com}\n"
                      "reports: {weekly: {to: [pm@example.com]}}\n", encoding="utf-8")
    r = run("email", bomb, "--kind", "weekly", "--config", config, "--dry-run", preexec=limited_memory)
    assert r.returncode == 2, r.stderr
    assert_one_message(r.stderr, BOMB_MESSAGE)
    r = run("validate", bomb, "--rubric", RUBRIC, "--json", preexec=limited_memory)
    assert r.returncode == 1, r.stderr  # an unreadable file is an error finding of validate
    [finding] = json.loads(r.stdout)["findings"]
    assert finding["rule"] == "file.unreadable" and BOMB_MESSAGE in finding["message"]
    r = run("audit", bomb, bomb.parent, preexec=limited_memory)
    assert r.returncode == 2 and BOMB_MESSAGE in r.stderr
    assert sha256(bomb) == before


def test_a_zip_bomb_among_good_sheets_is_left_out_of_the_report(bomb, tmp_path):
    folder = tmp_path / "sheets"
    sheet(folder, "good.xlsx")
    (folder / "bomb.xlsx").symlink_to(bomb)
    out = tmp_path / "analysis.xlsx"
    r = run("consolidate", folder, "--rubric", RUBRIC, "-o", out, "--json", preexec=limited_memory)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["n"] == 3 and out.is_file()


def _one_far_value(folder: Path, name: str, far: bytes) -> Path:
    """A real 评分表 with `far` (a row holding one value) appended to its sheet: a few kilobytes."""
    good = sheet(folder, f"good-{name}")
    out = folder / name
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", far + b"</sheetData>")
            zout.writestr(info, data)
    good.unlink()
    return out


FAR = {
    "own-position": b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "implied-row": b'<row r="1048575"></row><row><c r="XFD1048576"><v>1</v></c></row>',
    "cell-without-position": b'<row r="1048576"><c><v>1</v></c></row>',  # A1048576: × the 19 columns
}
SPREAD_MESSAGE = "超过 2,000,000 个单元格(多半是远处的单元格里还有内容),为防止耗尽内存而拒绝读取"


@pytest.mark.parametrize("case", list(FAR))
def test_one_value_far_away_in_a_tiny_workbook_is_one_message_under_a_1_gb_limit(tmp_path, case):
    """A 5 KB 评分表 with one value at XFD1048576: the reader made one dense grid of 17 billion
    cells (half a terabyte) and the process died with a Rust backtrace (exit 134)."""
    far = _one_far_value(tmp_path, "far.xlsx", FAR[case])
    assert far.stat().st_size < 10_000
    before = sha256(far)
    r = run("score", far, "--rubric", RUBRIC, preexec=limited_memory)
    assert r.returncode == 2, r.stderr[-2000:]
    assert_one_message(r.stderr, f"{far}: 工作表“评分表”的数据区域有 1,048,576 行 × ")
    assert SPREAD_MESSAGE in r.stderr
    folder = tmp_path / "sheets"
    sheet(folder, "good.xlsx")
    (folder / "far.xlsx").symlink_to(far)
    out = tmp_path / "analysis.xlsx"
    r = run("consolidate", folder, "--rubric", RUBRIC, "-o", out, "--json", preexec=limited_memory)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(r.stdout)["n"] == 3 and out.is_file()
    assert sha256(far) == before


def test_a_format_far_down_is_no_value_and_the_sheet_is_read(tmp_path):
    """Styled empty cells, an empty value and a row format far down give calamine no cell: read."""
    far = _one_far_value(tmp_path, "styled.xlsx", b'<row r="1048575" s="1" customFormat="1"/>'
                         b'<row r="1048576"><c r="XFD1048576" s="0"/><c r="XFC1048576"><v></v></c></row>')
    r = run("score", far, "--rubric", RUBRIC, "--json", preexec=limited_memory)
    assert r.returncode == 0, r.stderr[-2000:]
    assert len(json.loads(r.stdout)["calls"]) == 3


# --- YAML ---------------------------------------------------------------------------------------

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi"))


@pytest.mark.parametrize("text, phrase", [
    pytest.param(LAUGHS, "YAML 展开别名(*)后超过 100000 个节点", id="nested-aliases"),
    pytest.param("a: &a [*a]\n", "引用了包含它自己的锚点", id="self-reference"),
    pytest.param("a: " + "[" * 5000 + "\n", "YAML 嵌套超过 100 层", id="deep"),
    pytest.param("a: '" + "x" * 1_100_000 + "'\n", "文件过大", id="large"),
])
def test_yaml_beyond_the_limits_is_refused_at_once(tmp_path, text, phrase):
    rubric = tmp_path / "r.yaml"
    rubric.write_text(text, encoding="utf-8")
    r = run("rubric", "check", rubric, preexec=limited_memory, timeout=30)
    assert r.returncode == 2
    assert_one_message(r.stderr, phrase)
    report = sheet(tmp_path, "day.xlsx")  # any workbook: the configuration is read first
    r = run("email", report, "--kind", "weekly", "--config", rubric, "--dry-run", preexec=limited_memory,
            timeout=30)
    assert r.returncode == 2
    assert_one_message(r.stderr, phrase)


def test_the_laughs_are_small():
    assert len(LAUGHS.encode()) < 520  # the 510-byte file, give or take its names


# --- folders, globs, names -----------------------------------------------------------------------

@pytest.fixture
def loops(tmp_path):
    """sheets/ with two files and two symlinks back up (one loop reads a file 41 times, two hang)."""
    folder = tmp_path / "sheets"
    sheet(folder, "a.xlsx")
    sheet(folder / "sub", "b.xlsx", inspector="陈静")
    (folder / "sub" / "up").symlink_to("..")
    (folder / "again").symlink_to(".")
    return folder


@pytest.mark.parametrize("spec", ["{f}", "{f}/**/*.xlsx", "{f}/**"])
def test_folders_and_globs_do_not_follow_symlinked_folders(loops, spec):
    r = run("score", spec.format(f=loops), "--rubric", RUBRIC, "--json", timeout=60)
    assert r.returncode == 0, r.stderr
    calls = json.loads(r.stdout)["calls"]
    assert sorted({Path(c["file"]).name for c in calls}) == ["a.xlsx", "b.xlsx"] and len(calls) == 6
    assert "跳过符号链接的文件夹" in r.stderr


def test_a_file_named_twice_is_read_once(tmp_path):
    day = sheet(tmp_path, "day.xlsx")
    (tmp_path / "alias.xlsx").symlink_to(day)
    r = invoke("score", day, tmp_path / "alias.xlsx", tmp_path / "*.xlsx", "--rubric", RUBRIC, "--json")
    assert len(json.loads(r.stdout)["calls"]) == 3


def test_an_existing_name_with_brackets_is_that_file_not_a_glob(tmp_path):
    literal = sheet(tmp_path, "day[1].xlsx", rows=1)
    sheet(tmp_path, "day1.xlsx", rows=2)  # what the glob day[1].xlsx would match
    r = invoke("score", literal, "--rubric", RUBRIC, "--json")
    assert r.exit_code == 0
    assert [c["file"] for c in json.loads(r.stdout)["calls"]] == [str(literal)]
    # A name that is no file is a glob: day[1].xlsx once the file is gone matches day1.xlsx.
    literal.unlink()
    r = invoke("score", tmp_path / "day[1].xlsx", "--rubric", RUBRIC, "--json")
    assert [Path(c["file"]).name for c in json.loads(r.stdout)["calls"]] == ["day1.xlsx"] * 2
    assert lines(r.stderr) == []
