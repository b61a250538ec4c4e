"""Provenance (数据来源): what an output workbook was computed from, so a disputed month can be
recomputed and shown identical (`zhijian audit`).

Every report workbook records the command and its options, the rubric (id, version, content
hash), each input file with its SHA-256, and the zhijian version: in a 数据来源 sheet for people,
in a hidden sheet as JSON for `audit`, and the short fields in the document properties.
"""

from __future__ import annotations

import hashlib
import json
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
    inputs: list[tuple[str, str]] = field(default_factory=list)  # (path, sha256)
    previous: list[tuple[str, str]] = field(default_factory=list)  # monthly --previous
    appeals: tuple[str, str] | None = None
    zhijian_version: str = __version__

    @classmethod
    def of(cls, command: str, rubric, rubric_source: str, files, *, options=None, previous=(),
           appeals: str | Path | None = None) -> "Provenance":
        return cls(command, rubric.id, rubric.version, rubric.content_hash or "", str(rubric_source),
                   dict(options or {}), [(str(p), file_sha256(p)) for p in files],
                   [(str(p), file_sha256(p)) for p in previous],
                   (str(appeals), file_sha256(appeals)) if appeals else None)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, default=str)

    @classmethod
    def from_json(cls, text: str) -> "Provenance":
        d = json.loads(text)
        d["inputs"] = [tuple(x) for x in d.get("inputs", [])]
        d["previous"] = [tuple(x) for x in d.get("previous", [])]
        d["appeals"] = tuple(d["appeals"]) if d.get("appeals") else None
        return cls(**d)

    def summary_rows(self) -> list[tuple[str, str]]:
        """(label, value) lines for the 数据来源 sheet and the overview."""
        rows = [("生成命令", self.command), ("评分标准", f"{self.rubric_id} v{self.rubric_version}"),
                ("评分标准内容哈希(SHA-256)", self.rubric_hash), ("zhijian 版本", self.zhijian_version)]
        rows += [(f"参数 {k}", str(v)) for k, v in sorted(self.options.items()) if v not in (None, "")]
        if self.appeals:
            rows.append(("申诉登记表", f"{self.appeals[0]}  SHA-256 {self.appeals[1]}"))
        rows.append(("输入文件数", str(len(self.inputs))))
        return rows


def read_provenance(path: str | Path) -> Provenance | None:
    """The provenance recorded in an output workbook, or None when it has none."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        if HIDDEN_SHEET not in wb.sheetnames:
            return None
        text = "".join(str(row[0]) for row in wb[HIDDEN_SHEET].iter_rows(values_only=True) if row and row[0])
        return Provenance.from_json(text)
    finally:
        wb.close()
