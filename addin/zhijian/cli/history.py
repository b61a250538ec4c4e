"""`zhijian history import|status|export`: the history store (历史库)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from .common import (appeals_options, console, err_console, handle_errors, json_option, other_rubrics,
                     policy, print_json, print_note, progress_bar)
from .options import OutputFolder
from .store_option import required_store, store_option


@click.group()
def history():
    """历史库: 导入评分表、查看状态、导出 Parquet。"""


@history.command("import")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@appeals_options
@store_option
@json_option
@handle_errors
def history_import(inputs, rubric_name, appeals, window_hours, publish_time, store, as_json):
    """把评分表导入历史库(已导入且未改动的文件不重复导入;改动过的文件替换旧记录),例如:

    zhijian history import zhijian-demo/sheets --rubric listening-10x4 --store zhijian.duckdb
    """
    from zhijian.files.rubrics import load_rubric
    from zhijian.files.store import UNREAD
    from zhijian.pipeline.history import import_sheets

    path = required_store(store)
    r = load_rubric(rubric_name)
    with progress_bar(as_json) as bar:
        task = bar.add_task("读取评分表", total=None)
        result, loaded = import_sheets(path, r, list(inputs), appeals=appeals, policy=policy(window_hours, publish_time),
                                       other_rubrics=other_rubrics(r), on_files=lambda n: bar.update(task, total=n),
                                       progress=lambda p: bar.advance(task))
    for n in loaded.notes[:-1]:  # the last note is the store's summary, printed below
        print_note(n)
    if as_json:
        print_json({**result.to_dict(), "rows": len(loaded.calls), "findings": len(loaded.findings)})
        return
    console.print(result.summary())
    if result.findings_written:
        console.print(f"  {result.findings_written} 个校验问题已一并记入历史库(有错误的行不计入统计)", style="yellow")
    for f in result.files:
        if f.note:
            console.print(f"  {f.path}: {f.note}", style="red" if f.status == UNREAD else None)


@history.command("status")
@store_option
@json_option
@handle_errors
def history_status(store, as_json):
    """历史库中的月份、文件、评分行数和评分标准版本,例如: zhijian history status --store zhijian.duckdb"""
    from zhijian.pipeline.history import store_status

    d = store_status(required_store(store))
    if as_json:
        print_json(d)
        return
    console.print(f"历史库 {d['store']}({d['size_bytes'] / 1e6:.1f} MB): 文件 {d['files']} 个(另有被替换的旧版本 "
                  f"{d['superseded_files']} 个),评分 {d['rows']} 行(旧版本 {d['superseded_rows']} 行);"
                  f"最近导入 {d['last_import'] or '无'}")
    t = Table("月份", "评分行数", "有错误的行", "文件数", "坐席数", title="按月份")
    for m in d["months"]:
        t.add_row(m["month"], str(m["rows"]), str(m["error_rows"]), str(m["files"]), str(m["agents"]))
    console.print(t)
    t = Table("评分标准", "版本", "内容哈希", "评分行数", title="评分标准版本")
    for r in d["rubrics"]:
        t.add_row(f"{r['rubric_id']}《{r['name']}》", r["version"], r["hash"][:12], str(r["rows"]))
    console.print(t)
    if d["appeal_registers"]:
        console.print(f"申诉登记表 {d['appeal_registers']} 份,申诉 {d['appeals']} 条")


@history.command("export")
@click.option("--parquet", "folder", required=True, type=OutputFolder(),
              help="导出目录: calls/month=YYYY-MM/*.parquet(Hive 分区)与 files.parquet")
@click.option("--overwrite", is_flag=True, help="目录不为空时覆盖")
@store_option
@json_option
@handle_errors
def history_export(folder, overwrite, store, as_json):
    """把历史库的评分记录按月分区导出为 Parquet(DuckDB、Spark、Trino 可直接查询),例如:

    zhijian history export --parquet 导出/ --store zhijian.duckdb
    """
    from zhijian.pipeline.history import export_store

    d = export_store(required_store(store), Path(folder), overwrite=overwrite)
    if as_json:
        print_json(d)
        return
    console.print(f"已导出 {d['rows']} 行评分到 {d['folder']}(月份: {'、'.join(d['months']) or '无'})")
    err_console.print(f"查询示例: SELECT * FROM read_parquet('{d['folder']}/calls/*/*.parquet', hive_partitioning = true)")
