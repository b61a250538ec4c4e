"""`zhijian complaints template|check`: the 投诉表扬登记表 and 总部拨测登记表."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from .common import console, findings_table, handle_errors, json_option, print_json
from .options import Month, OutputFile


@click.group()
def complaints():
    """投诉表扬与总部拨测: 登记表模板、校验与统计。"""


@complaints.command("template")
@click.option("-o", "--output", required=True, type=OutputFile(), help="输出的登记表 .xlsx")
@handle_errors
def complaints_template(output):
    """生成投诉表扬登记表与总部拨测登记表,例如: zhijian complaints template -o 投诉表扬登记表.xlsx"""
    from zhijian.files.guard import guard_outputs
    from zhijian.reports.complaints_template import write_registers_template

    guard_outputs([output], {})

    console.print(f"已生成投诉表扬与总部拨测登记表: {write_registers_template(Path(output))}")


@complaints.command("check")
@click.argument("registers", nargs=-1, required=True, type=click.Path())
@click.option("--month", type=Month(), help="统计的月份,如 2026-10(默认: 登记表中最近的月份)")
@json_option
@handle_errors
def complaints_check(registers, month, as_json):
    """校验登记表并按月统计投诉、表扬、复核时效与总部拨测,例如:

    zhijian complaints check 投诉表扬登记表.xlsx --month 2026-10
    """
    from zhijian.engine.accounting import unreadable_inputs
    from zhijian.engine.findings import ValidationReport
    from zhijian.engine.monthly import previous_month
    from zhijian.engine.periods import main_period_date, parse_period, period_of
    from zhijian.pipeline.registers import load_registers, section_for

    orders, calls, findings, _ = load_registers(list(registers))
    errors = any(f.severity == "error" for f in findings)
    dates = [o.date for o in orders or []] + [c.date for c in calls or []]
    if not month and not dates:
        if as_json:
            print_json({"findings": [f.to_dict() for f in findings],
                        "accounting": {"unreadable_inputs": [u.to_dict() for u in unreadable_inputs(findings)]}})
        else:
            console.print("登记表中没有可统计的记录")
            if findings:
                console.print(findings_table(ValidationReport(findings)))
        sys.exit(1 if errors else 0)
    period = parse_period(month) if month else period_of("month", main_period_date("month", dates))[0]
    label = period_of("month", period.start)[1]
    section = section_for(list(registers), label, period, [previous_month(period), period])
    if as_json:
        print_json({"month": f"{period.start:%Y-%m}", **section.to_dict(),
                    "findings": [f.to_dict() for f in findings]})
    else:
        _print(section, label)
        for line in section.account_lines():
            console.print(f"  {line}", style="red" if line.startswith("未能读取") else None)
        if findings:
            console.print(findings_table(ValidationReport(findings)))
    sys.exit(1 if errors else 0)


def _print(section, label: str) -> None:
    c, t = section.complaints, section.hq_calls
    if c is not None:
        d = c.to_dict()
        rate = "—" if d["upheld_rate"] is None else f"{d['upheld_rate']:.1%}"
        console.print(f"{label}: 投诉工单 {d['complaints']} 份(成立 {d['complaints_upheld']},其中服务类 {d['service']}、"
                      f"业务类 {d['business']};待定 {d['complaints_pending']};成立率 {rate}),表扬工单 {d['praise']} 份")
        r = d["rechecks"]
        console.print(f"  投诉查询复核 {r['复核']} 次: 按时 {r['按时']},超时 {r['超时']},未回复 {r['未回复']}"
                      + (f",时间有误 {r['时间有误']}(回复早于请求)" if r.get("时间有误") else ""))
        table = Table("中心", "投诉", "投诉成立", "表扬", "表扬成立", title="按中心")
        for row in d["by_centre"]:
            table.add_row(str(row["中心"]), str(row["投诉"]), str(row["投诉成立"]), str(row["表扬"]), str(row["表扬成立"]))
        console.print(table)
    if t is not None:
        d = t.to_dict()
        mean = "—" if d["mean_score"] is None else f"{d['mean_score']:.2f}"
        console.print(f"{label}: 总部拨测 {d['hq_calls']} 通,平均得分 {mean},致命性错误 {d['fatal_errors']} 起")
