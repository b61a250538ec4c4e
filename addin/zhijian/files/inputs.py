"""Expanding the inputs a user names (files, folders, globs) into workbook paths, with notes on what
was skipped.

A name is taken literally when such a file or folder exists (`day[1].xlsx` is that file), as a glob
only otherwise. Folders and `**` never descend into symlinked folders (a link back up would read
the same files again, or forever); every file is read once, however many names lead to it.
Excel's lock files (`~$…`), zhijian's own outputs (reports and copies, recognised by their
provenance) and the temporary files of an interrupted write (`.~zhijian-…`) are skipped.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from .guard import is_temp_file, real_path, zhijian_output
from .workbooks import EXCEL_SUFFIXES

_MAGIC = set("*?[")
NO_MATCH = "没有找到匹配的文件: "  # a glob or name that matches nothing
EMPTY_FOLDER = "跳过文件夹 "  # a folder named that holds no file at all


def _has_magic(text: str) -> bool:
    return any(ch in _MAGIC for ch in text)


def _walk_files(folder: Path, notes: list[str]) -> list[Path]:
    """Every file below `folder`, symlinked folders left out (with a note)."""
    found: list[Path] = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        for d in dirs:
            if os.path.islink(os.path.join(top, d)):
                notes.append(f"跳过符号链接的文件夹 {Path(top) / d}")
        found += [Path(top) / f for f in files]
    return sorted(found)


def _glob(pattern: str, notes: list[str]) -> list[Path]:
    """The files matching `pattern` (`*`, `?`, `[…]` within a name, `**` for any folders below);
    `**` does not follow symlinked folders, names starting with "." match only a pattern that
    does."""
    parts = Path(pattern).parts
    first = next(i for i, part in enumerate(parts) if _has_magic(part))
    root = Path(*parts[:first]) if first else Path(".")
    found: set[Path] = set()

    def entries(folder: Path):
        try:
            with os.scandir(folder) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError:
            return []

    def match(folder: Path, rest: tuple[str, ...], *, linked_ok: bool) -> None:
        head, tail = rest[0], rest[1:]
        if head == "**":
            if tail:
                match(folder, tail, linked_ok=linked_ok)
            for e in entries(folder):
                if e.name.startswith("."):
                    continue
                if e.is_dir(follow_symlinks=False):
                    match(Path(e.path), rest, linked_ok=False)
                elif e.is_symlink() and e.is_dir():
                    notes.append(f"跳过符号链接的文件夹 {e.path}")
                elif not tail and e.is_file():
                    found.add(Path(e.path))
            return
        for e in entries(folder):
            if e.name.startswith(".") and not head.startswith("."):
                continue
            if not fnmatch.fnmatch(e.name, head):
                continue
            if tail:
                if e.is_dir(follow_symlinks=linked_ok):
                    match(Path(e.path), tail, linked_ok=linked_ok)
            elif e.is_file():
                found.add(Path(e.path))

    if root.is_dir():
        match(root, parts[first:], linked_ok=True)
    return sorted(found)


def _skip_reason(path: Path, explicit: bool, own_outputs: bool) -> str | None:
    """Why `path` is not read as a 评分表, or None when it is."""
    if path.name.startswith("~$"):
        return f"跳过 Excel 锁文件 {path}"
    if is_temp_file(path):
        return f"跳过 zhijian 未写完的临时文件 {path}"
    if not explicit and path.suffix.lower() not in EXCEL_SUFFIXES | {".xls"}:
        return f"跳过非工作簿文件 {path}"
    kind = None if own_outputs else zhijian_output(path)
    if kind:
        return f"跳过 zhijian 生成的{kind} {path}(不是评分表)"
    return None


def no_workbooks_error(inputs: list[str], notes: list[str] = ()):
    """The error when `inputs` (as given) gave no workbook to read: each one named, quoted (a path
    may hold spaces), with what `expand_inputs` skipped in them."""
    from zhijian.errors import InputFileError

    named = "、".join(f"“{i}”" for i in inputs) or "(没有给出输入)"
    skipped = [n for n in notes if not n.startswith((NO_MATCH, EMPTY_FOLDER))]  # those inputs are named above
    return InputFileError("\n".join([f"没有找到可读取的评分表文件: {named}", *skipped]))


def expand_inputs(inputs: list[str], *, own_outputs: bool = False) -> tuple[list[Path], list[str]]:
    """Files, folders (all workbooks inside, recursively) and globs -> workbook paths, each file
    once (by its real path), and notes on what was skipped. `own_outputs`: zhijian's own outputs
    are what is wanted (the 抽检计划 workbooks `zhijian sample` wrote), not skipped."""
    files: list[Path] = []
    seen: set[str] = set()
    notes: list[str] = []
    skipped: dict[int, str] = {}  # note index -> the file it skipped (a note dropped if that file is read)
    for item in inputs:
        if not str(item).strip():  # Path("") is the current folder: an unset variable, not a choice
            from zhijian.errors import InputFileError

            raise InputFileError("输入的文件名为空(是不是脚本中的变量没有赋值?);请给出评分表文件、文件夹或通配符,"
                                 "当前文件夹请写 .")
        p = Path(item)
        if p.is_dir():
            candidates, explicit = _walk_files(p, notes), False
        elif p.exists() or not _has_magic(item):
            candidates, explicit = [p], True
        else:
            candidates, explicit = _glob(item, notes), False
        for c in candidates:
            reason = _skip_reason(c, explicit, own_outputs)
            key = real_path(c) if c.exists() else str(c)
            if reason:
                skipped[len(notes)] = key
                notes.append(reason)
                continue
            if key in seen:
                continue
            seen.add(key)
            files.append(c)
        if not candidates:
            notes.append(f"{EMPTY_FOLDER}{item}: 其中没有文件" if p.is_dir() else f"{NO_MATCH}{item}")
    # a CSV in a named folder is skipped there, but read when named too: no note that it was skipped
    return files, [n for i, n in enumerate(notes) if skipped.get(i) not in seen]
