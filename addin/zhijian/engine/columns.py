"""The columns of a 评分表 for a rubric: the header words we write in templates and recognise in
the sheets teams already use. One vocabulary, so templates and the reader never drift apart."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from .rubric import Rubric, fmt_number

Kind = Literal["field", "item", "bonus", "deduction", "zero", "fatal", "error_deduction",
               "offence", "complaint", "total"]

# Non-item fields: key -> the header words teams use (the first is what templates write).
FIELD_ALIASES: dict[str, list[str]] = {
    "date": ["日期", "质检日期", "监听日期", "录音日期", "通话日期", "评分日期", "来电日期"],
    "inspector": ["质检员", "质检", "质检人", "评分人", "监听人", "质检员姓名"],
    "agent_id": ["坐席工号", "工号", "员工工号", "座席工号", "客服工号", "坐席编号", "员工编号"],
    "agent_name": ["坐席姓名", "姓名", "员工姓名", "座席姓名", "客服代表", "坐席", "客服姓名"],
    "team": ["班组", "组别", "团队", "小组", "项目组", "班组名称"],
    "recording_id": ["录音编号", "录音ID", "录音流水号", "流水号", "通话编号", "录音号", "录音标识"],
    "call_type": ["呼叫类型", "通话类型", "来电类型", "业务类型", "呼叫方向"],
    "remarks": ["备注", "评语", "扣分说明", "扣分原因", "质检评语", "说明", "质检意见"],
    "total": ["最终得分", "总分", "得分", "合计得分", "总得分", "最终分数", "分数", "本通得分"],
}
FIELD_ZH = {"date": "日期", "inspector": "质检员", "agent_id": "坐席工号", "agent_name": "坐席姓名",
            "team": "班组", "recording_id": "录音编号", "call_type": "呼叫类型", "remarks": "备注",
            "total": "最终得分"}
REQUIRED_FIELDS = ("date", "agent_id", "recording_id")
RULE_PREFIXES = {"bonus": "加分", "deduction": "减分", "zero": "清零", "complaint": "加倍"}

_SCORE_SUFFIX = re.compile(r"[(\[]?(\d+(?:\.\d+)?)分[)\]]?$")
_NUMBERING = re.compile(r"^(\d+|[一二三四五六七八九十]+)[.、)]\s*")


def normalise_header(text: object) -> tuple[str, float | None]:
    """Header text without spaces, numbering, full-width forms and a "(N分)" suffix; and that N."""
    if text is None or text == "":
        return "", None
    return _normalise_header(str(text))


@functools.lru_cache(maxsize=8192)  # the same few hundred header words recur in every file
def _normalise_header(text: str) -> tuple[str, float | None]:
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"\s+", "", s).strip("*")
    s = _NUMBERING.sub("", s)
    m = _SCORE_SUFFIX.search(s)
    points = None
    if m and m.start() > 0:
        points = float(m.group(1))
        s = s[:m.start()]
    s = s.replace("(次)", "").replace("次数", "")
    return s.rstrip(":").lower(), points


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a rubric's 评分表: the key of the calls table, its header, what it is."""

    key: str
    header: str
    kind: Kind
    aliases: tuple[str, ...] = ()


def column_specs(rubric: Rubric) -> list[ColumnSpec]:
    """Every column a 评分表 for this rubric has, in template order."""
    fa = {k: list(dict.fromkeys(v + rubric.field_aliases.get(k, []))) for k, v in FIELD_ALIASES.items()}
    specs = [ColumnSpec(k, FIELD_ZH[k], "field", tuple(fa[k]))
             for k in ("date", "inspector", "agent_id", "agent_name", "team", "recording_id", "call_type")]
    for it in rubric.items:
        specs.append(ColumnSpec(it.name, f"{it.name}({fmt_number(it.max)}分)", "item", tuple([it.name, *it.aliases])))
    for b in rubric.bonuses:
        specs.append(ColumnSpec(f"bonus:{b.id}", f"加分:{b.name}", "bonus", _prefixed("加分", b.name, b.aliases)))
    for d in rubric.deductions:
        specs.append(ColumnSpec(f"deduction:{d.id}", f"减分:{d.name}", "deduction",
                                _prefixed("减分", d.name, d.aliases)))
    for z in rubric.zero_outs:
        specs.append(ColumnSpec(f"zero:{z.id}", f"清零:{z.name}", "zero", _prefixed("清零", z.name, z.aliases)))
    for o in rubric.offences:
        specs.append(ColumnSpec(f"offence:{o.id}", f"{o.name}(次)", "offence", tuple([o.name, *o.aliases])))
        if o.doubled_when:
            specs.append(ColumnSpec(f"complaint:{o.id}", f"加倍:{o.name}", "complaint",
                                    _prefixed("加倍", o.name, o.aliases, bare=False)))
    if rubric.fatal_errors.enabled:
        specs.append(ColumnSpec("fatal_errors", "致命性错误", "fatal",
                                tuple(["致命性错误", *rubric.fatal_errors.aliases])))
    if rubric.error_deduction.enabled:
        specs.append(ColumnSpec("error_deduction", "差错扣分", "error_deduction",
                                tuple(["差错扣分", *rubric.error_deduction.aliases])))
    specs.append(ColumnSpec("total", FIELD_ZH["total"], "total", tuple(fa["total"])))
    specs.append(ColumnSpec("remarks", FIELD_ZH["remarks"], "field", tuple(fa["remarks"])))
    return specs


def _prefixed(prefix: str, name: str, aliases: list[str], bare: bool = True) -> tuple[str, ...]:
    out = [f"{prefix}:{name}", f"{prefix}{name}"] + [f"{prefix}:{a}" for a in aliases]
    if bare:
        out += [name, *aliases]
    return tuple(out)


def header_lookup(rubric: Rubric) -> dict[str, ColumnSpec]:
    """Normalised header word -> column. Item names win over field words on a clash."""
    table: dict[str, ColumnSpec] = {}
    for spec in sorted(column_specs(rubric), key=lambda s: s.kind == "item"):
        for word in (spec.header, *spec.aliases):
            table[normalise_header(word)[0]] = spec
    return table
