"""`zhijian appeals template|check`: the 申诉登记表."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from .common import cli_findings, findings_table, policy, console, handle_errors, json_option, print_json
from .options import Hours, OutputFile

@click.group()
def appeals():
    """申诉: 登记表模板、校验。"""


@appeals.command("template")
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件")
@click.option("-o", "--output", required=True, type=OutputFile(), help="输出的申诉登记表 .xlsx")
@handle_errors
def appeals_template(rubric_name, output):
    """生成申诉登记表,例如: zhijian appeals template --rubric listening-10x4 -o 申诉登记表.xlsx"""
    from zhijian.files.guard import guard_outputs
    from zhijian.files.rubrics import load_rubric
    from zhijian.reports.appeals_template import write_appeals_template

    r = load_rubric(rubric_name)
    guard_outputs([output], {"评分标准": [r.path]})
    console.print(f"已生成申诉登记表: {write_appeals_template(r, Path(output))}")


@appeals.command("check")
@click.argument("register", type=click.Path())
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件")
@click.option("--window-hours", type=Hours(), default=48.0, show_default=True, help="申诉时限: 成绩公布后的小时数")
@click.option("--publish-time", default="18:00", show_default=True,
              help="成绩公布时间: 18:00 为评分当天(SOP-15.1),+1 10:00 为评分次日")
@json_option
@handle_errors
def appeals_check(register, inputs, rubric_name, window_hours, publish_time, as_json):
    """校验申诉登记表并显示每条申诉的处理结果,例如:

    zhijian appeals check 申诉登记表.xlsx 评分表/ --rubric listening-10x4
    """
    from zhijian.engine.accounting import unreadable_inputs
    from zhijian.files.rubrics import load_rubric
    from zhijian.pipeline.jobs import check_readable
    from zhijian.pipeline.load import load_calls

    r = load_rubric(rubric_name)
    loaded = load_calls(r, list(inputs), appeals=register, policy=policy(window_hours, publish_time))
    check_readable(loaded, "没有可以读取的评分表,无法核对申诉")
    mine = cli_findings(f for f in loaded.findings if f.file == str(register))
    unread = unreadable_inputs(loaded.findings)
    if as_json:
        print_json({"appeals": [o.to_dict() for o in loaded.appeals],
                    "findings": [f.to_dict() for f in mine], "unreadable_inputs": [u.to_dict() for u in unread]})
    else:
        for u in unread:  # the recordings they hold are unknown: their appeals are 无法核对
            console.print(f"未能读取: {u.file}{' / ' + u.sheet if u.sheet else ''}: {u.message}", style="red")
        t = Table("行", "录音编号", "工号", "结果", "原得分", "新得分", "说明", title="申诉处理")
        for o in loaded.appeals:
            t.add_row(str(o.appeal.row), o.appeal.recording_id, o.appeal.agent_id, o.status,
                      "" if o.old_final is None else f"{o.old_final:g}",
                      "" if o.new_final is None else f"{o.new_final:g}", o.note)
        console.print(t)
        console.print(policy(window_hours, publish_time).describe())
        if mine:
            from zhijian.engine.findings import ValidationReport
            console.print(findings_table(ValidationReport(mine)))
    sys.exit(1 if any(f.severity == "error" for f in mine) else 0)
