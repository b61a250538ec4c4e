"""`zhijian validate`, `zhijian score` and `zhijian template`: one inspector's 评分表 at a time."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from .common import (cli_findings, findings_table, other_rubrics, console, handle_errors, json_option,
                     print_json, print_note, print_notes, styled)
from .options import Count, PeriodText, OutputFile

def _check(inputs, rubric_name, roster=None, period=None, require_fields=True, copies=None):
    """Read and check the inputs; with `copies` ("checked" | "scored"), first the copy each file
    would get, refused before any reading when one would overwrite an input or a user's file."""
    from zhijian.errors import InputFileError
    from zhijian.files.copies import copy_targets
    from zhijian.files.guard import guard_outputs
    from zhijian.files.rubrics import load_rubric
    from zhijian.engine.periods import parse_period
    from zhijian.pipeline.load import check_files
    from zhijian.files.inputs import expand_inputs
    from zhijian.files.workbooks import read_roster

    r = load_rubric(rubric_name)
    files, notes = expand_inputs(list(inputs))
    print_notes(notes)
    if not files:
        raise InputFileError("没有可读取的评分表文件")
    targets = copy_targets(files, copies) if copies else {}
    guard_outputs(targets.values(), {"评分表": files, "人员名单": [roster], "评分标准": [r.path]})
    per = parse_period(period) if period else None  # checked by PeriodText
    ros = read_roster(Path(roster)) if roster else None
    checked = check_files(r, files, roster=ros, period=per, other_rubrics=other_rubrics(r),
                          require_fields=require_fields)
    checked.report.findings = cli_findings(checked.report.findings)
    return r, files, checked, targets


def _unreadable(checked) -> set[str]:
    return {f.file for f in checked.report.findings if f.rule == "file.unreadable"}


def _nothing_to_score(fatal) -> None:
    """Exit 2 naming every file (and, with --json, the error as JSON, as handle_errors does)."""
    from zhijian.errors import InputFileError

    lines = []
    for f in fatal:
        where = " ".join(x for x in (f.file, f.sheet, f.cell) if x)
        lines.append(f.message if f.message.startswith(f.file) else f"{where}: {f.message}")
    raise InputFileError("\n".join(lines))


def _say_skipped(skipped: list[str], what: str) -> None:
    for f in skipped:
        print_note(f"未写{what}(文件无法读取): {f}")


def _mapping_table(sheet, rubric) -> Table:
    """How the reader mapped a sheet's columns (列映射)."""
    from zhijian.engine.columns import column_specs

    meanings = {sp.key: (f"评分项 {sp.key}" if sp.kind == "item" else sp.header) for sp in column_specs(rubric)}

    where = f"{Path(sheet.file).name} / {sheet.sheet}"
    if sheet.header_row is None:
        return Table(title=f"{where}: 找不到表头")
    if sheet.layout == "form":  # one call per block: where the first block's values are
        t = Table("单元格", "标签", "对应", title=f"{where}: {sheet.describe_layout()}")
        for key, cell, label in sheet.mapping_report():
            t.add_row(cell, label, meanings.get(key, key))
        return t
    t = Table("列", "表头", "对应", title=f"{where}: {sheet.describe_layout()}")
    for key, letter, header in sheet.mapping_report():
        t.add_row(letter, header, meanings.get(key, key))
    for letter, header in sorted(sheet.extra_columns.items(), key=lambda kv: (len(kv[0]), kv[0])):
        t.add_row(letter, header, styled("未使用(保留)", "dim"))
    return t




def _mapping_json(sheet) -> dict:
    out = {"file": sheet.file, "sheet": sheet.sheet, "header_row": sheet.header_row,
           "columns": dict(sheet.columns), "extra_columns": dict(sheet.extra_columns), "layout": sheet.layout}
    if sheet.layout == "form":
        out["layout_text"] = sheet.describe_layout()
        out["blocks"] = [{"row": b.row, "rows": [b.first_row, b.last_row], "cells": dict(b.cells)}
                         for b in sheet.blocks]
    return out


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--roster", type=click.Path(), help="人员名单(含“工号”列的 .xlsx 或 .csv)")
@click.option("--period", type=PeriodText(), help="统计期: 2026-11、2026-W47、2026-11-02 或 起..止")
@click.option("--write", is_flag=True, help="在源文件旁写一份标出问题单元格的副本(*.checked.xlsx)")
@click.option("--mapping", is_flag=True, help="显示每个工作表的表头行和各列对应的评分项、字段")
@json_option
@handle_errors
def validate(inputs, rubric_name, roster, period, write, mapping, as_json):
    """校验评分表,例如: zhijian validate 评分表/*.xlsx --rubric listening-10x4 --period 2026-11

    有错误时退出码为 1。"""
    from zhijian.files.copies import write_checked_copy

    r, files, checked, targets = _check(inputs, rubric_name, roster, period, copies="checked" if write else None)
    written, skipped = [], []
    for f in targets:
        if str(f) in _unreadable(checked):
            skipped.append(str(f))
        elif any(x.file == str(f) for x in checked.report.findings) or any(s.file == str(f) for s in checked.sheets):
            written.append(str(write_checked_copy(f, checked.report.findings, targets[f])))
    _say_skipped(skipped, "标注副本")
    if as_json:
        data = checked.report.to_dict()
        if write:
            data["written"] = written
        if mapping:
            data["sheets"] = [_mapping_json(s) for s in checked.sheets]
        print_json(data)
    else:
        if mapping:
            for sheet in checked.sheets:
                console.print(_mapping_table(sheet, r))
        if checked.report.findings:
            console.print(findings_table(checked.report))
        console.print(f"共读取 {len(files)} 个文件、{checked.report.rows} 行评分;"
                      f"{checked.report.errors} 个错误,{checked.report.warnings} 个警告。")
        for w in written:
            console.print(f"已写出标注副本: {w}")
    sys.exit(1 if checked.report.errors else 0)


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--write", is_flag=True, help="在源文件旁写一份填好“最终得分”列的副本(*.scored.xlsx)")
@json_option
@handle_errors
def score(inputs, rubric_name, write, as_json):
    """按评分标准计算每通录音的最终得分,例如: zhijian score 评分表.xlsx --rubric listening-10x4

    有无法计分的行(分数无法识别、未评分、不允许的分值)时,这些行不给分;有无法计分的行或其他校验错误
    (如日期无法识别)时退出码为 1。"""
    from zhijian.files.copies import write_scored_copy

    r, files, checked, targets = _check(inputs, rubric_name, require_fields=False,
                                        copies="scored" if write else None)
    fatal = [f for f in checked.report.findings if f.rule in ("file.unreadable", "sheet.unmapped",
                                                               "sheet.other_rubric")]
    if fatal and checked.calls.empty:
        _nothing_to_score(fatal)
    calls = checked.calls
    skipped = [str(f) for f in targets if str(f) in _unreadable(checked)]
    shown, header = calls, None
    if r.ledger is not None and len(calls):  # a call has no score: its 本通扣分 in a column of its own
        from zhijian.engine.ledger import CHARGE_HEADER, charge_column

        shown, header = calls.assign(final_score=charge_column(r, calls)), CHARGE_HEADER
    written = [str(write_scored_copy(f, checked.sheets, shown, t, checked.report.findings, header))
               for f, t in targets.items() if str(f) not in skipped]
    _say_skipped(skipped, "计分副本")
    by_row: dict[tuple, list] = {}
    for f in checked.report.findings:
        if f.row is not None:
            by_row.setdefault((f.file, f.sheet, f.row), []).append(f)
    invalid = int((~calls["scorable"].astype(bool)).sum()) if len(calls) else 0
    # exit 1 on findings: rows without a score, and errors that leave the score alone (an
    # unreadable 日期 keeps the call out of every report, though its score is shown)
    status = 1 if invalid or checked.report.errors else 0
    if as_json:
        out = [{"file": c.file, "sheet": c.sheet, "row": int(c.row), "recording_id": c.recording_id,
                "agent_id": c.agent_id, "inspector": c.inspector,
                "date": c.date.isoformat() if hasattr(c.date, "isoformat") else None,
                "valid": bool(c.scorable), "final_score": float(c.final_score) if c.scorable else None,
                "grade": c.grade if c.scorable else None, "findings": [f.to_dict() for f in by_row.get((c.file, c.sheet, c.row), [])]}
               for c in calls.itertuples()]
        data = {"calls": out, "summary": {"calls": len(out), "invalid": invalid}}
        if r.ledger is not None:  # a call has no score of its own: its offences; the agents' ledgers
            from zhijian.engine.ledger import call_offences, ledgers_of

            for rec, c, charge in zip(out, calls.to_dict("records"), shown["final_score"].tolist()):
                rec["final_score"], rec["grade"] = None, None  # the agent's period has the grade
                rec["offences"], rec["charge"] = call_offences(r, c), charge
            data["ledgers"] = [led.to_dict() for led in ledgers_of(r, calls[calls["scorable"].astype(bool)])]
        if write:
            data["written"] = written
        print_json(data)
        sys.exit(status)
    if r.ledger is not None:
        _print_ledger_scores(r, shown, by_row)
        for w in written:
            console.print(f"已写出计分副本(“{header}”列: 本通各条款计入坐席考核的扣分,不是坐席得分): {w}")
        sys.exit(status)
    t = Table("文件", "行", "录音编号", "工号", "质检员", "日期", "整通得分", "差错扣分", "最终得分", "等级",
              title=f"《{r.name}》计分结果")
    for c in calls.head(50).itertuples():
        if c.scorable:
            shown = (f"{c.call_score:g}", f"{c.error_deduction:g}", f"{c.final_score:g}", c.grade)
        else:
            shown = ("", "", styled("无法计分", "red"), "")
        t.add_row(Path(c.file).name, str(c.row), c.recording_id, c.agent_id, c.inspector,
                  str(c.date or ""), *shown)
    console.print(t)
    if len(calls) > 50:
        console.print(f"……共 {len(calls)} 通,只显示前 50 通(完整结果请用 --json 或 --write)")
    scored = calls[calls["scorable"].astype(bool)] if len(calls) else calls
    if len(scored):
        console.print(f"{len(scored)} 通录音可计分,平均最终得分 {scored['final_score'].mean():.1f}")
    _print_uncounted_rows(calls, scored, invalid, by_row, checked.report.errors)
    for w in written:
        console.print(f"已写出计分副本: {w}")
    sys.exit(status)



def _print_uncounted_rows(calls, scored, invalid: int, by_row: dict, errors: int) -> None:
    """After the table: the rows without a score, then the rows scored that no report counts (an
    unreadable 日期, a duplicate …), each with its reasons; a count of what is not listed."""
    def reasons(c) -> list[str]:
        return [f.message for f in by_row.get((c.file, c.sheet, c.row), []) if f.severity == "error"]

    def show(c, words: list[str]) -> None:
        console.print(f"  {Path(c.file).name} 第 {c.row} 行({c.recording_id or '无录音编号'}): {';'.join(words)}")

    if invalid:
        console.print(f"{invalid} 行无法计分(有分数无法识别、未评分或不允许的单元格),这些行没有得分:", style="red")
        for c in calls[~calls["scorable"].astype(bool)].head(20).itertuples():
            show(c, reasons(c))
    # scored rows with an error (an unreadable 日期, a duplicate …): their score is shown, but no
    # report counts them, so they are listed too, not left to a count
    flawed = [(c, words) for c in scored.itertuples() if (words := reasons(c))]
    if flawed:
        console.print(f"{len(flawed)} 行有得分,但有校验错误,不计入汇总和报表:", style="yellow")
        for c, words in flawed[:20]:
            show(c, words)
    listed = sum(len(reasons(c)) for c in calls.itertuples()) if len(calls) else 0
    if errors > listed or len(flawed) > 20 or invalid > 20:
        console.print(f"共 {errors} 个校验错误,完整清单请运行 zhijian validate 查看", style="yellow")


def _print_ledger_scores(r, calls, by_row) -> None:
    """`zhijian score` on a ledger rubric: each call's offences (a call has no score of its own),
    then each agent's ledger for every assessment period the calls fall in."""
    from zhijian.engine.ledger import call_offences, describe_ledger, ledgers_of

    t = Table("文件", "行", "录音编号", "工号", "质检员", "日期", "扣分条款", "本通扣分", title=f"《{r.name}》各通扣分条款")
    for c in calls.head(50).to_dict("records"):  # final_score: the call's 本通扣分 (charge_column)
        shown = call_offences(r, c) or "无" if c["scorable"] else styled("无法计分", "red")
        t.add_row(Path(c["file"]).name, str(c["row"]), c["recording_id"], c["agent_id"], c["inspector"],
                  str(c["date"] or ""), shown, f"{c['final_score']:g}" if c["scorable"] else "")
    console.print(t)
    if len(calls) > 50:
        console.print(f"……共 {len(calls)} 通,只显示前 50 通(完整结果请用 --json)")
    console.print(describe_ledger(r))
    for led in ledgers_of(r, calls[calls["scorable"].astype(bool)] if len(calls) else calls):
        lt = Table("工号", "姓名", "通数", "发生次数", "扣分合计", "期间得分", "等级", title=f"坐席考核 {led.label}")
        for rec in led.frame().to_dict("records"):
            lt.add_row(rec["工号"], rec["姓名"], str(rec["通数"]), str(rec["发生次数"]), f"{rec['扣分合计']:g}",
                       f"{rec['期间得分']:g}", rec["等级"])
        console.print(lt)
    bad = calls[~calls["scorable"].astype(bool)] if len(calls) else calls
    for c in bad.head(20).itertuples():
        words = ";".join(f.message for f in by_row.get((c.file, c.sheet, c.row), []) if f.severity == "error")
        console.print(f"  {Path(c.file).name} 第 {c.row} 行({c.recording_id or '无录音编号'}): {words}", style="red")


@click.command()
@click.argument("rubric_name")
@click.option("-o", "--output", required=True, type=OutputFile(), help="输出的 .xlsx 文件")
@click.option("--rows", type=Count(1, 10_000), default=300, show_default=True, help="预置公式的行数(1–10000)")
@json_option
@handle_errors
def template(rubric_name, output, rows, as_json):
    """按评分标准生成空白评分表,例如: zhijian template listening-10x4 -o 评分表.xlsx"""
    from zhijian.files.rubrics import load_rubric
    from zhijian.files.guard import guard_outputs
    from zhijian.reports.template import write_template
    from zhijian.reports.template_formula import formula_fits

    r = load_rubric(rubric_name)
    guard_outputs([output], {"评分标准": [r.path]})
    path = write_template(r, Path(output), rows=rows)
    if as_json:
        print_json({"rubric": r.id, "version": r.version, "output": str(path), "rows": rows})
    else:
        console.print(f"已生成《{r.name}》评分表: {path}")
        if not formula_fits(r):
            console.print("  “最终得分”列没有公式: 公式会超过 Excel 单个公式 8192 个字符的上限;"
                          "填好后请用功能区“计算总分”或 zhijian score --write 计算")
