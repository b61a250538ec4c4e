"""Options the report commands of the history work share: --store (the history store, 历史库, is
`--store PATH`, else the environment variable ZHIJIAN_STORE, else none) and --complaints (the
投诉表扬 / 总部拨测 registers), and --no-cache (the read cache, `files.read_cache`)."""

from __future__ import annotations

import click


def store_option(fn):
    return click.option("--store", "store", type=click.Path(dir_okay=False),
                        help="历史库文件(DuckDB,如 zhijian.duckdb);默认取环境变量 ZHIJIAN_STORE,"
                             "未设置则不写历史库")(fn)


def cache_option(fn):
    return click.option("--no-cache", "no_cache", is_flag=True,
                        help="不用读取缓存: 每个评分表都重新读取(默认跳过内容与评分标准都未变的文件;"
                             "环境变量 ZHIJIAN_NO_CACHE=1 同此)")(fn)


def resolved_store(store):
    """The store path to use, or None (files.store_path.configured_store)."""
    from zhijian.files.store_path import configured_store

    return configured_store(store)


def required_store(store):
    """The store path, or a usage error when none is configured."""
    from zhijian.errors import InputFileError

    path = resolved_store(store)
    if path is None:
        raise InputFileError("请用 --store 指定历史库文件(或设置环境变量 ZHIJIAN_STORE)")
    return path


def complaints_option(fn):
    return click.option("--complaints", multiple=True, type=click.Path(dir_okay=False),
                        help="投诉表扬登记表 / 总部拨测登记表 .xlsx(可多次指定): 报表加“投诉表扬与拨测”工作表")(fn)
