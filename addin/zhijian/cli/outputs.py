"""Where a command writes its report: `-o FILE` as given; `-o` naming an existing folder, or no
`-o` at all, the report's default (Chinese) name in that folder or the current one
(`files.names`: 服务质量分析表_2026-10.xlsx, 质检周报_2026-W42.xlsx, …)."""

from __future__ import annotations

from pathlib import Path


def output_file(output: str | None, default_name: str) -> Path:
    if not output:
        return Path.cwd() / default_name
    p = Path(output)
    return p / default_name if p.is_dir() else p


def name_list(text: str | None) -> list[str] | None:
    """"王丽,陈静" (or 、/，/; separated) -> ["王丽", "陈静"]; None when empty."""
    if not text:
        return None
    import re

    names = [n.strip() for n in re.split(r"[,，、;；]", text) if n.strip()]
    return list(dict.fromkeys(names)) or None
