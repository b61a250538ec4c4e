"""Click's own usage errors reach the user in Chinese: one line naming the option and the command's
--help, exit code 2, never click's English usage text."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from zhijian.cli.main import cli


@pytest.mark.parametrize("args, line", [
    (["weekly", "a.xlsx"], "参数错误: 缺少必填的选项 --rubric(用法: zhijian weekly --help)"),
    (["validate", "--rubric", "listening-10x4"], "参数错误: 缺少必填的参数 INPUTS(用法: zhijian validate --help)"),
    (["weekly", "a.xlsx", "--rubric", "x", "--bogus"], "参数错误: 没有选项 --bogus(用法: zhijian weekly --help)"),
    (["nosuch"], "参数错误: 没有这个命令 nosuch(用法: zhijian --help)"),
    (["rubric", "show"], "参数错误: 缺少必填的参数 NAME(用法: zhijian rubric show --help)"),
    (["sample", "c.csv", "--rubric", "r", "--roster", "x.xlsx", "--per-agent", "abc", "-o", "o"],
     "参数错误: --per-agent 的值不对: 应为整数,而不是“abc”"),
    # sample: a negative seed was an internal error (exit 3); --per-agent 100000000 ran for minutes
    # and --rounds 100000000 ran out of memory; --min-duration nan was taken
    (["sample", "c.csv", "--rubric", "r", "--roster", "x.xlsx", "--seed", "-5", "-o", "o"],
     "参数错误: --seed 的值不对: 应在 0–4294967295 之间,而不是 -5"),
    (["sample", "c.csv", "--rubric", "r", "--roster", "x.xlsx", "--per-agent", "100000000", "-o", "o"],
     "参数错误: --per-agent 的值不对: 应在 1–100 之间,而不是 100000000"),
    (["sample", "c.csv", "--rubric", "r", "--roster", "x.xlsx", "--rounds", "100000000", "-o", "o"],
     "参数错误: --rounds 的值不对: 应在 1–100 之间,而不是 100000000"),
    (["sample", "c.csv", "--rubric", "r", "--roster", "x.xlsx", "--min-duration", "nan", "-o", "o"],
     "参数错误: --min-duration 的值不对: 应为 0–86400 之间的秒数,而不是 nan"),
    (["rubric", "list", "extra"], "参数错误: 多余的参数 extra(用法: zhijian rubric list --help)"),
    # click.Path's own English ("File 'addin' is a directory.") said in Chinese
    (["history", "status", "--store", "addin"],
     "参数错误: --store 的值不对(应为文件): “addin”是一个文件夹,不是文件(用法: zhijian history status --help)"),
    (["history", "export", "--parquet", "", "--store", "s.duckdb"],
     "参数错误: --parquet 的值不对: 输出文件夹名为空"),
    (["sample", "c.csv", "--rubric", "r", "--roster", "x.xlsx", "-o", ""],
     "参数错误: -o / --output 的值不对: 输出文件夹名为空"),
    # addin build -o "" wrote the eleven add-ins into the current folder; -o FILE said "File exists"
    (["addin", "build", "-o", ""], "参数错误: -o / --output 的值不对: 输出文件夹名为空"),
    (["addin", "build", "-o", "pyproject.toml"], "参数错误: -o / --output 的值不对: pyproject.toml 是一个文件,请给出输出文件夹"),
    # periods: a month 13 was an internal error (exit 3) in assess and complaints check; a year out
    # of 2000–2100 is a typo everywhere, as in --month and --week
    (["assess", "--rubric", "r", "--month", "2026-13", "--config", "c.yaml", "--kpi", "k.xlsx"],
     "参数错误: --month 的值不对: 月份应为 01–12,而不是 13(“2026-13”)"),
    (["complaints", "check", "c.xlsx", "--month", "2026-00"],
     "参数错误: --month 的值不对: 月份应为 01–12,而不是 00(“2026-00”)"),
    (["quarterly", "--rubric", "r", "--quarter", "2101-Q1"],
     "参数错误: --quarter 的值不对: 年份 2101 不在 2000–2100 之内(“2101-Q1”)"),
    (["quarterly", "--rubric", "r", "--quarter", "2026-Q5"],
     "参数错误: --quarter 的值不对: 无法识别的季度“2026-Q5”,请写成 2026-Q4"),
    (["yearly", "--rubric", "r", "--year", "2101"], "参数错误: --year 的值不对: 年份 2101 不在 2000–2100 之内(“2101”)"),
    (["quarterly", "a.xlsx", "--rubric", "r", "-o", "a\nb.xlsx"],
     "参数错误: -o / --output 的值不对: 输出文件名含有换行或控制字符: 'a\\nb.xlsx'"),
])
def test_a_usage_error_is_one_chinese_line_and_exit_2(args, line):
    result = CliRunner().invoke(cli, args, prog_name="zhijian")
    assert result.exit_code == 2
    assert result.output.strip() == line
    assert "Usage:" not in result.output and "Error:" not in result.output


def test_help_and_version_still_exit_0():
    assert CliRunner().invoke(cli, ["--help"], prog_name="zhijian").exit_code == 0
    r = CliRunner().invoke(cli, ["--version"], prog_name="zhijian")
    assert r.exit_code == 0 and r.output.strip() == "zhijian 版本 0.1.0"


@pytest.mark.parametrize("path", [[], ["score"], ["consolidate"], ["history"], ["history", "import"], ["addin", "build"]])
def test_help_pages_are_chinese_down_to_the_words_click_writes(path):
    out = CliRunner().invoke(cli, [*path, "--help"], prog_name="zhijian").output
    assert out.startswith("用法: zhijian") and "\n选项:\n" in out and "显示本帮助并退出。" in out
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "[required]", "[default:"):
        assert english not in out, (english, out)
    if not path or path == ["history"]:
        assert "\n命令:\n" in out
    if path == ["score"]:
        assert "[必填]" in out
    if path == ["consolidate"]:
        assert "[默认: month]" in out


@pytest.mark.parametrize("args, line", [
    (["weekly", "a.xlsx", "--rubric", "listening-10x4", "--week", "2027-W53", "--json"],
     "参数错误: --week 的值不对: 2027 年没有第 53 周(ISO 周为 W01–W52)"),
    (["weekly", "a.xlsx", "--json"], "参数错误: 缺少必填的选项 --rubric(用法: zhijian weekly --help)"),
    (["history", "status", "--store", "no-such.duckdb", "--json"],
     "历史库不存在: no-such.duckdb(先用 zhijian history import 导入评分表)"),
    (["consolidate", "a.xlsx", "--rubric", "no-such-rubric", "--json"], "评分标准文件错误 no-such-rubric: 没有这个评分标准"),
])
def test_with_json_an_error_is_json_on_stdout_too(args, line):
    """A script reading --json's stdout gets JSON whatever happened; the line stays on stderr."""
    import json

    result = CliRunner().invoke(cli, args, prog_name="zhijian")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["exit_code"] == 2 and data["error"].startswith(line)
    assert result.stderr.strip().startswith(line)
