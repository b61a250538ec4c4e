"""`zhijian sample`: the day's 抽检计划 (轮回抽检) from the call system's list, and each inspector's
prefilled 评分表."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click

from .common import (cli_findings, console, findings_table, handle_errors, json_option, nothing_to_report,
                     print_json, print_note, styled)
from .options import Count, Day, OutputFolder, Seconds


MAX_PER_AGENT = MAX_ROUNDS = 100  # the handbook's 5 × 5; more would only take minutes to plan
MAX_SEED = 2**32 - 1


def _hours(text: str | None) -> tuple[dt.time, dt.time] | None:
    from zhijian.errors import InputFileError

    if not text:
        return None
    m = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*[-–~至]\s*(\d{1,2}:\d{2})\s*", text)
    try:
        start, end = (dt.time.fromisoformat(t.zfill(5)) for t in m.groups()) if m else (None, None)
    except ValueError:
        start = end = None
    if start is None or end is None or start >= end:
        raise InputFileError(f"无法识别的工作时段“{text}”,请写成 08:30-18:00")
    return start, end


def _names(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [n for n in (x.strip() for x in re.split(r"[,,、;;\s]+", text)) if n]


def _mapping_line(sheet) -> str:
    where = f"{Path(sheet.file).name} / {sheet.sheet}"
    if sheet.header_row is None:
        return f"  通话记录 {where}: 找不到表头"
    cols = "、".join(f"{field} {letter}“{header}”" for field, letter, header in sheet.mapping_report())
    return f"  通话记录 {where}: 表头在第 {sheet.header_row} 行;{cols}"


@click.command()
@click.argument("calls", nargs=-1, required=True)
@click.option("--date", "date_text", type=Day(), help="抽检日期,如 2026-10-12(默认: 通话记录中最晚的一天)")
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--roster", required=True, type=click.Path(), help="人员名单(工号、姓名、班组,可含“质检员”列)")
@click.option("--inspectors", help="质检员,用逗号分隔,如 王丽,陈静(默认: 人员名单的“质检员”列)")
@click.option("--per-agent", default=5, show_default=True, type=Count(1, MAX_PER_AGENT), help="每位坐席每天抽检的条数")
@click.option("--rounds", default=5, show_default=True, type=Count(1, MAX_ROUNDS), help="轮次: 全天分成的时段数")
@click.option("--min-duration", default=30.0, show_default=True, type=Seconds(),
              help="短于此秒数的录音仅在别无可抽时抽取")
@click.option("--hours", help="工作时段,如 08:30-18:00(默认: 当日最早至最晚的通话)")
@click.option("--seed", type=Count(0, MAX_SEED),
              help="随机种子(默认: 日期 YYYYMMDD,同一天得到同一计划;指定的种子与日期一起使用,每天抽取不同)")
@click.option("--exclude-scored", multiple=True, help="以往的评分表(文件、文件夹或通配符,可多次指定): 其中的录音不再抽取")
@click.option("-o", "--output", required=True, type=OutputFolder(), help="输出文件夹: 抽检计划与各质检员的评分表")
@json_option
@handle_errors
@nothing_to_report
def sample(calls, date_text, rubric_name, roster, inspectors, per_agent, rounds, min_duration, hours, seed,
           exclude_scored, output, as_json):
    """按轮回抽检规则生成当天的抽检计划和各质检员的评分表,例如:

    zhijian sample 通话记录.xlsx --date 2026-10-12 --rubric listening-10x4 --roster 人员名单.xlsx -o 抽检

    有通话记录校验错误时退出码为 1(计划仍会生成,有错误的行不参与抽取);当天没有可抽取的录音时
    不生成计划,退出码为 1。"""
    from zhijian.engine.sampling import SamplingRule
    from zhijian.errors import InputFileError
    from zhijian.files.rubrics import load_rubric
    from zhijian.pipeline.sampling import NoInspectorsError, plan_from_files, write_plan

    r = load_rubric(rubric_name)
    try:
        rule = SamplingRule(per_agent=per_agent, rounds=rounds, min_duration=min_duration, hours=_hours(hours))
    except ValueError:
        raise InputFileError("--per-agent 和 --rounds 至少为 1,--min-duration 不能为负数") from None
    try:
        result = plan_from_files(r, list(calls), Path(roster), day=date_text, inspectors=_names(inspectors),
                                 rule=rule, seed=seed, exclude_scored=list(exclude_scored), rubric_source=rubric_name)
    except NoInspectorsError:
        raise InputFileError("没有质检员: 请用 --inspectors 指定(如 --inspectors 王丽,陈静),"
                             "或在人员名单中加“质检员”列") from None
    for n in result.notes:
        print_note(n)
    outputs = write_plan(result, r, Path(output))
    findings = cli_findings(result.findings)
    plan = result.plan
    if as_json:
        print_json({**plan.to_dict(), "findings": [f.to_dict() for f in findings],
                    "sheets": [{"file": s.file, "sheet": s.sheet, "header_row": s.header_row,
                                "columns": dict(s.columns)} for s in result.calls.sheets],
                    "outputs": [str(p) for p in outputs]})
        sys.exit(1 if result.errors else 0)
    _print_plan(result, outputs, findings)
    sys.exit(1 if result.errors else 0)


def _print_plan(result, outputs, findings) -> None:
    from zhijian.engine.findings import ValidationReport

    plan = result.plan
    agents = sum(len(g.agents) for g in plan.groups)
    console.print(f"抽检计划 {plan.date:%Y-%m-%d}(随机种子 {plan.seed}): 坐席 {agents} 名,"
                  f"质检员 {len(plan.groups)} 名,抽取 {len(plan.draws)} 通")
    for sheet in result.calls.sheets:
        console.print(_mapping_line(sheet))
    console.print("  各轮时段: " + "、".join(f"第{w.round}轮 {w.label}({w.calls} 通)" for w in plan.windows))
    sheets = {p.name: p for p in outputs[1:]}
    from zhijian.reports.sample_workbook import sheet_file_name

    for g in plan.groups:
        path = sheets.get(sheet_file_name(plan.date, g.inspector))
        console.print(f"  {g.inspector}: {len(g.agents)} 名坐席,{len(g.draws)} 通" + (f" → {path}" if path else ""))
    if plan.short:
        console.print(styled(f"  抽检不足 {len(plan.short)} 人:", "yellow") + " "
                      + ";".join(f"{c.agent_id} {c.agent_name}({c.reason})" for c in plan.short))
    for note in plan.notes:
        console.print(f"  {note}", style="yellow")
    if findings:
        console.print(findings_table(ValidationReport(findings)))
    console.print(f"已写出: {outputs[0]}")
