"""Where a command writes its report: `-o FILE` as given; `-o` naming an existing folder, or no
`-o` at all, the report's default (Chinese) name in that folder or the current one
(`files.names`: 服务质量分析表_2026-10.xlsx, 质检周报_2026-W42.xlsx, …)."""

from __future__ import annotations

import os
from pathlib import Path


def output_file(output: str | None, default_name: str) -> Path:
    """The file to write; `-o` ending in a path separator names a folder (made when missing)."""
    if not output:
        return Path.cwd() / default_name
    p = Path(output)
    return p / default_name if p.is_dir() or str(output).endswith(("/", os.sep)) else p


def named_output(output: str | None) -> Path | None:
    """The output file when `-o` names one (known before any input is read), else None: the
    default name depends on the period the inputs hold."""
    if not output or Path(output).is_dir() or str(output).endswith(("/", os.sep)):
        return None
    return Path(output)


def name_list(text: str | None) -> list[str] | None:
    """"王丽,陈静" (or 、/，/; separated) -> ["王丽", "陈静"]; None when empty."""
    if not text:
        return None
    import re

    names = [n.strip() for n in re.split(r"[,，、;；]", text) if n.strip()]
    return list(dict.fromkeys(names)) or None
