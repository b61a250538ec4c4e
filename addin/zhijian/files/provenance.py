"""Provenance (数据来源): what an output workbook was computed from, so a disputed month can be
recomputed and shown identical (`zhijian audit`).

Every report workbook records the command and its options, the rubric (id, version, content
hash), each input file with its SHA-256 and its path relative to the inputs' common folder (two
`day.xlsx` in different folders stay apart), the appeals register and roster with theirs, and the
zhijian version: in a 数据来源 sheet for people, in a hidden sheet as JSON for `audit`, and the short
fields in the document properties. Provenance written before the relative paths existed (inputs as
(path, sha256)) still reads: an input's relative path is then its file name.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from zhijian import __version__

HIDDEN_SHEET = "_zhijian"


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Provenance:
    command: str  # consolidate | weekly | monthly
    rubric_id: str
    rubric_version: str
    rubric_hash: str
    rubric_source: str  # the bundled name or the file path given
    options: dict[str, Any] = field(default_factory=dict)  # period, lead, appeal policy …
    inputs: list[tuple[str, ...]] = field(default_factory=list)  # (path, sha256, relative path)
    previous: list[tuple[str, ...]] = field(default_factory=list)  # monthly --previous, the same
    appeals: tuple[str, str] | None = None
    zhijian_version: str = __version__
    roster: tuple[str, str] | None = None  # (path, sha256) of a roster the figures depend on

    @classmethod
    def of(cls, command: str, rubric, rubric_source: str, files, *, options=None, previous=(),
           appeals: str | Path | None = None, roster: str | Path | None = None) -> "Provenance":
        # Files named outside the inputs are kept by their absolute path: `audit` may run in
        # another folder than the report did (the inputs are given to it again, these are not).
        source = os.path.abspath(rubric_source) if Path(str(rubric_source)).is_file() else str(rubric_source)
        return cls(command, rubric.id, rubric.version, rubric.content_hash or "", source,
                   dict(options or {}), hashed(files), hashed(previous),
                   (os.path.abspath(appeals), file_sha256(appeals)) if appeals else None,
                   roster=(os.path.abspath(roster), file_sha256(roster)) if roster else None)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, default=str)

    @classmethod
    def from_json(cls, text: str) -> "Provenance":
        d = json.loads(text)
        d["inputs"] = [tuple(x) for x in d.get("inputs", [])]
        d["previous"] = [tuple(x) for x in d.get("previous", [])]
        d["appeals"] = tuple(d["appeals"]) if d.get("appeals") else None
        d["roster"] = tuple(d["roster"]) if d.get("roster") else None
        return cls(**d)

    def summary_rows(self) -> list[tuple[str, str]]:
        """(label, value) lines for the 数据来源 sheet and the overview."""
        rows = [("生成命令", self.command), ("评分标准", f"{self.rubric_id} v{self.rubric_version}"),
                ("评分标准内容哈希(SHA-256)", self.rubric_hash), ("zhijian 版本", self.zhijian_version)]
        rows += [(f"参数 {k}", str(v)) for k, v in sorted(self.options.items()) if v not in (None, "")]
        if self.appeals:
            rows.append(("申诉登记表", f"{self.appeals[0]}  SHA-256 {self.appeals[1]}"))
        if self.roster:
            rows.append(("人员名单", f"{self.roster[0]}  SHA-256 {self.roster[1]}"))
        rows.append(("输入文件数", str(len(self.inputs))))
        return rows


def relative_paths(paths) -> list[str]:
    """Each path relative to the folder that holds them all ("a/day.xlsx", "b/day.xlsx"), with "/"
    between folders on every system."""
    paths = [os.path.abspath(p) for p in paths]
    if not paths:
        return []
    try:
        root = os.path.commonpath([os.path.dirname(p) for p in paths])
    except ValueError:  # different drives (Windows): no common folder
        return [Path(p).name for p in paths]
    return [Path(os.path.relpath(p, root)).as_posix() for p in paths]


def hashed(paths) -> list[tuple[str, str, str]]:
    """(path, sha256, relative path) of each file."""
    paths = list(paths)
    return [(str(p), file_sha256(p), rel) for p, rel in zip(paths, relative_paths(paths))]


def entry_relative(entry) -> str:
    """The relative path of a recorded input (its file name in provenance from before)."""
    return entry[2] if len(entry) > 2 else Path(entry[0]).name


def read_provenance(path: str | Path) -> Provenance | None:
    """The provenance recorded in an output workbook, or None when it has none; InputFileError
    for a workbook that cannot be read."""
    from openpyxl import load_workbook

    from zhijian.errors import InputFileError

    from .workbooks import check_readable

    check_readable(Path(path))
    try:
        wb = load_workbook(path, read_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many types for a broken zip or XML
        raise InputFileError(f"{path}: 工作簿已损坏,无法读取({type(e).__name__})") from None
    try:
        if HIDDEN_SHEET not in wb.sheetnames:
            return None
        text = "".join(str(row[0]) for row in wb[HIDDEN_SHEET].iter_rows(values_only=True) if row and row[0])
        try:
            return Provenance.from_json(text)
        except (ValueError, TypeError, KeyError):
            raise InputFileError(f"{path}: 报表记录的数据来源已损坏,无法复核") from None
    finally:
        wb.close()
