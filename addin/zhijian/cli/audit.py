"""`zhijian audit`: recompute a report from its recorded inputs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import console, handle_errors, json_option, print_json

@click.command()
@click.argument("output", type=click.Path())
@click.argument("inputs", nargs=-1, required=True)
@json_option
@handle_errors
def audit(output, inputs, as_json):
    """复核报表: 按报表记录的评分标准和参数重新计算,检查每个数字是否一致,例如:

    zhijian audit 分析表.xlsx 评分表/

    一致时退出码为 0,不一致为 1。"""
    from zhijian.pipeline.audit import audit as run

    result = run(Path(output), list(inputs))
    if as_json:
        print_json(result.to_dict())
    else:
        for line in result.lines():
            console.print(line)
    sys.exit(0 if result.identical else 1)
