"""`zhijian assess`: the month's 综合考核表 (composite assessment, seed 002)."""

from __future__ import annotations

import sys

import click

from .common import (appeals_options, console, findings_table, handle_errors, json_option, other_rubrics,
                     policy, print_json, print_note, progress_bar)
from .options import Month, OutputPath
from .outputs import named_output, output_file
from .store_option import resolved_store, store_option


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("--rubric", "rubric_name", help="评分标准名称或文件,如 listening-10x4")
@click.option("--month", type=Month(), help="考核月份,如 2026-10")
@click.option("--config", "config_path", type=click.Path(), help="考核配置 .yaml(--example 可打印示例)")
@click.option("--kpi", "kpi_path", type=click.Path(), help="坐席月度 KPI 表 .xlsx/.csv(工号 与 各 KPI 列)")
@click.option("--example", is_flag=True, help="打印一份考核配置示例并退出")
@click.option("-o", "--output", type=OutputPath(),
              help="输出的综合考核表 .xlsx,或输出文件夹(默认: 当前文件夹下的 综合考核表_2026-10.xlsx)")
@appeals_options
@store_option
@json_option
@handle_errors
def assess(inputs, rubric_name, month, config_path, kpi_path, example, output, appeals, window_hours, publish_time,
           store, as_json):
    """综合考核: 质检得分与 KPI 表各项按配置的权重换算、汇总、排名,例如:

    zhijian assess --rubric listening-10x4 --month 2026-10 --config 考核配置.yaml --kpi KPI.xlsx
    --store zhijian.duckdb

    不写 -o 时写出当前文件夹下的 综合考核表_2026-10.xlsx。
    """

    from zhijian.engine.findings import ValidationReport
    from zhijian.errors import InputFileError
    from zhijian.files import names
    from zhijian.files.assessment_config import EXAMPLE
    from zhijian.files.rubrics import load_rubric
    from zhijian.pipeline.assess import assess_month, write_assessment

    if example:
        click.echo(EXAMPLE, nl=False)
        return
    if not month:
        raise InputFileError("缺少 --month(考核月份,如 2026-10)")
    for value, option in ((rubric_name, "--rubric"), (config_path, "--config"), (kpi_path, "--kpi")):
        if not value:
            raise InputFileError(f"缺少 {option}")
    r = load_rubric(rubric_name)
    with progress_bar(as_json) as bar:
        task = bar.add_task("读取评分表", total=None)
        result = assess_month(r, config_path, kpi_path, month, list(inputs) or None, store=resolved_store(store),
                              appeals=appeals, policy=policy(window_hours, publish_time), rubric_source=rubric_name,
                              other_rubrics=other_rubrics(r), on_files=lambda n: bar.update(task, total=n),
                              progress=lambda p: bar.advance(task), output=named_output(output))
    for n in result.notes:
        print_note(n)
    out = write_assessment(result, output_file(output, names.report_name(names.ASSESSMENT, month)))
    a = result.assessment
    errors = any(f.severity == "error" for f in a.findings)
    if as_json:
        print_json({**a.to_dict(), "notes": list(result.notes), "output": str(out)})
        sys.exit(1 if errors else 0)
    console.print(f"{a.config.name} {month}: 坐席 {len(a.table)} 人,综合得分完整 {a.complete()} 人")
    top = a.table.dropna(subset=["综合得分"]).head(3)
    if len(top):
        console.print("  前三名: " + "、".join(f"{r.工号}{r.姓名} {r.综合得分:.1f}" for r in top.itertuples()))
    if a.findings:
        console.print(findings_table(ValidationReport(a.findings)))
    console.print(f"已写出: {out}")
    sys.exit(1 if errors else 0)
