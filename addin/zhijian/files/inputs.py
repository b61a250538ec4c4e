"""Expanding the inputs a user names (files, folders, globs) into workbook paths, with notes on what
was skipped."""

from __future__ import annotations

from pathlib import Path

from .workbooks import EXCEL_SUFFIXES

def expand_inputs(inputs: list[str]) -> tuple[list[Path], list[str]]:
    """Files, folders (all workbooks inside, recursively) and globs -> workbook paths, and notes on
    what was skipped (Excel lock files ~$…, files that are not workbooks)."""
    import glob

    files: list[Path] = []
    notes: list[str] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            candidates = sorted(x for x in p.rglob("*") if x.is_file())
            explicit = False
        elif any(ch in item for ch in "*?["):
            candidates = sorted(Path(x) for x in glob.glob(item, recursive=True) if Path(x).is_file())
            explicit = False
        else:
            candidates, explicit = [p], True
        for c in candidates:
            if c.name.startswith("~$"):
                notes.append(f"跳过 Excel 锁文件 {c}")
            elif explicit or c.suffix.lower() in EXCEL_SUFFIXES | {".xls"}:
                files.append(c)
            else:
                notes.append(f"跳过非工作簿文件 {c}")
        if not candidates:
            notes.append(f"没有找到匹配的文件: {item}")
    return list(dict.fromkeys(files)), notes
