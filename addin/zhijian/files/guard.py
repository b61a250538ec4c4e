"""Outputs never touch inputs.

`guard_outputs` is called by every command that writes, before any work: it resolves the real
path (after symlinks, and the same file under two names) of every output and of every input,
register, roster, rubric or configuration the command reads, and refuses an output that is one of
them, a folder, or named twice — and an existing file that zhijian did not write as a report
(a filled-in template, a register, a user's own workbook: `replaceable`).

zhijian's own outputs are recognised by their provenance (`zhijian_output`): reports carry the
hidden `_zhijian` sheet and the `zhijian_command` document property, the checked and scored copies
the `zhijian_copy` property. Folders and globs of inputs skip them, and skip the temporary files
of an interrupted write (`.~zhijian-*`, see atomic.py).
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Iterable, Mapping

from zhijian.errors import OutputPathError

TEMP_PREFIX = ".~zhijian-"  # atomic_path's temporary files
COPY_PROPERTY = "zhijian_copy"  # set on the checked and scored copies: "checked" | "scored"
REPORT_PROPERTY = "zhijian_command"  # set on every report (provenance)
_SMALL_PART = 1 << 20  # docProps/custom.xml and xl/workbook.xml are read only below this size


def real_path(path: str | Path) -> str:
    """The absolute path with every symlink resolved (the file it really is)."""
    return os.path.realpath(os.path.abspath(os.fspath(path)))


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)  # hard links too
    except OSError:
        return False


def guard_outputs(outputs: Iterable[str | Path | None], reads: Mapping[str, Iterable[str | Path | None]],
                  store: str | Path | None = None, cache: str | Path | None = None) -> None:
    """Refuse (OutputPathError, exit 2) an output that is a folder, is named twice, or is one of the
    files read: `reads` maps what a file is to the user ("评分表", "申诉登记表", …) to its paths.
    `store`, the history store the command reads and writes, is refused as an output even before
    it exists (the command creates it before the report is written); so is `cache`, the read
    cache's database the command writes (files.read_cache)."""
    read: list[tuple[str, str, str]] = []  # (real path, as given, role)
    for role, paths in reads.items():
        for p in paths:
            if p is not None and str(p) and os.path.exists(p):
                read.append((real_path(p), str(p), role))
    if store is not None and str(store):
        read.append((real_path(store), str(store), "历史库"))
    if cache is not None and str(cache):
        read.append((real_path(cache), str(cache), "缓存数据库"))
    seen: dict[str, str] = {}
    for out in outputs:
        if out is None:
            continue
        text = os.fspath(out)
        if text.endswith(("/", os.sep)) or os.path.isdir(text):
            raise OutputPathError(f"{text}: 这是一个文件夹,请给出输出文件的名称(如 {Path(text) / '报表.xlsx'})")
        key = real_path(text)
        for real, given, role in read:
            if key == real or _same_file(key, real):
                raise OutputPathError(f"输出文件 {text} 就是要读取的{role} {given};zhijian 从不覆盖源文件,"
                                      "请换一个输出文件名")
        if key.lower() in seen:
            raise OutputPathError(f"两个输出都写到 {text}(与 {seen[key.lower()]} 相同),请分别命名")
        seen[key.lower()] = text
        if os.path.isfile(text) and not replaceable(text):
            raise OutputPathError(f"{text} 已存在,且不是 zhijian 写出的报表(可能是已开始填写的评分表、登记表或别的文件);"
                                  "为免覆盖,请换一个输出文件名,或先改名或移走它")


def guard_store(store: str | Path | None, reads: Mapping[str, Iterable[str | Path | None]]) -> None:
    """Refuse (exit 2) a history store that is one of the files a command reads (`reads` as for
    `guard_outputs`: a 评分表, the register, the roster …), before any is read: it is never opened."""
    if store is None or not str(store) or not os.path.exists(store):
        return
    key = real_path(store)
    for role, paths in reads.items():
        for p in paths:
            if p is not None and str(p) and os.path.exists(p) and _same_file(key, real_path(p)):
                raise OutputPathError(f"历史库 {store} 就是要读取的{role} {p};请给出另一个历史库文件(如 zhijian.duckdb)")


# The day's zip of sheets is zhijian's when its comment says so (archive.write_zip), an e-mail
# draft when its header does (X-Mailer): any other .zip or .eml is the user's, never replaced.
ZIP_COMMENT = b"zhijian"
_OUR_DRAFT = re.compile(rb"^X-Mailer: zhijian\b", re.M | re.I)
_DRAFT_HEAD = 64 * 1024  # the headers of a draft are far shorter


def replaceable(path: str | Path) -> bool:
    """Whether an existing file may be replaced by an output: a report or copy zhijian wrote
    (`zhijian_output`), the day's zip or an e-mail draft zhijian wrote (never a user's own .eml). Never a
    blank template once written (it is filled in where it lies: the 评分表 of `template` and
    `sample`, the registers)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".eml":
        return _zhijian_draft(path)
    if suffix == ".zip":
        return _zhijian_zip(path)
    return zhijian_output(path) is not None


def _zhijian_zip(path: str | Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return z.comment.startswith(ZIP_COMMENT)
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def _zhijian_draft(path: str | Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(_DRAFT_HEAD).split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    except OSError:
        return False
    return bool(_OUR_DRAFT.search(head))


def is_temp_file(path: str | Path) -> bool:
    return Path(path).name.startswith(TEMP_PREFIX)


def _small_part(z: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = z.getinfo(name)
    except KeyError:
        return None
    return z.read(info) if info.file_size <= _SMALL_PART else None


def _properties(data: bytes | None) -> dict[str, str]:
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(data) if data else None
    except (ET.ParseError, ValueError):
        return {}
    out: dict[str, str] = {}
    for prop in root if root is not None else ():
        name = prop.get("name")
        if name and len(prop):
            out[name] = prop[0].text or ""
    return out


def custom_properties(path: str | Path) -> dict[str, str]:
    """Custom document properties of an .xlsx/.xlsm file (docProps/custom.xml), by name; {} when
    it has none or cannot be read."""
    try:
        with zipfile.ZipFile(path) as z:
            return _properties(_small_part(z, "docProps/custom.xml"))
    except (OSError, zipfile.BadZipFile, ValueError):
        return {}


_HIDDEN_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*\bname="_zhijian"')


def zhijian_output(path: str | Path) -> str | None:
    """What zhijian wrote this file as ("报表", "标注副本", "计分副本"), or None for any other file."""
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        with zipfile.ZipFile(path) as z:  # one opening: this runs for every input
            props = _properties(_small_part(z, "docProps/custom.xml"))
            book = _small_part(z, "xl/workbook.xml")
    except (OSError, zipfile.BadZipFile, ValueError):
        return None
    if REPORT_PROPERTY in props:
        return "报表"
    if COPY_PROPERTY in props:
        return {"checked": "标注副本", "scored": "计分副本"}.get(props[COPY_PROPERTY], "副本")
    return "报表" if book and _HIDDEN_SHEET.search(book) else None
