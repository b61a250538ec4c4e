"""Which history store (历史库) a command uses: apart from the store itself (DuckDB, pandas), so
that a command can know it before importing them."""

from __future__ import annotations

import os
from pathlib import Path

from zhijian.errors import InputFileError

STORE_ENV = "ZHIJIAN_STORE"
DEFAULT_NAME = "zhijian.duckdb"


def configured_store(explicit: str | Path | None) -> Path | None:
    """The store a command writes to and reads from: `--store PATH`, else $ZHIJIAN_STORE, else none;
    a path that cannot be a store file is refused here, before any work (`check_store_path`)."""
    if explicit:
        return check_store_path(Path(explicit))
    env = os.environ.get(STORE_ENV, "").strip()
    return check_store_path(Path(os.path.expanduser(env))) if env else None


def check_store_path(path: Path) -> Path:
    """`path`, unless it is a folder or lies under a file (a folder named in $ZHIJIAN_STORE, which
    click's file check of --store does not see; "名单.xlsx/z.duckdb"): then one Chinese line."""
    if path.is_dir():
        raise InputFileError(f"历史库 {path} 是一个文件夹,不是文件;请给出历史库文件(如 {path / DEFAULT_NAME})")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputFileError(f"无法建立历史库 {path}: {parent} 是文件,不是文件夹")
            break
    return path
