"""`zhijian demo`: a synthetic month, every step of the product run on it."""

from __future__ import annotations

from pathlib import Path

import click

from .common import console, handle_errors, json_option, print_json, progress_bar
from .options import Count, Month

@click.command()
@click.option("--out", "out_dir", default="zhijian-demo", show_default=True, type=click.Path(),
              help="输出文件夹: 新的或空的文件夹,或以前的演示文件夹(内有 .zhijian-demo 标记)")
@click.option("--month", type=Month(), default="2026-10", show_default=True, help="模拟数据的月份")
@click.option("--seed", type=Count(0, 2**31 - 1), default=20261022, show_default=True, help="随机种子(同一种子结果相同)")
@json_option
@handle_errors
def demo(out_dir, month, seed, as_json):
    """生成一个月的模拟评分表(3 名质检员、20 名坐席),并完成校验与计分,例如: zhijian demo --out zhijian-demo"""
    from zhijian.pipeline.demo import run_demo

    with progress_bar(as_json) as bar:
        task = bar.add_task("汇总分析: 读取评分表", total=None)
        summary = run_demo(Path(out_dir), month=month, seed=seed, progress=lambda p: bar.advance(task))
    if as_json:
        print_json(summary.to_dict())
        return
    for line in summary.lines():
        console.print(line)
