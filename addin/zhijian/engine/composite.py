"""Composite 考核 (seed 002, 客服中心服务质量考核制度: 录音抽检 is one method among 工单检查, 数据统计
分析 — 满意度, 首次解决率, 投诉率 … —, 神秘顾客, 同事互评与上级评估; the result feeds 绩效薪酬): an
assessment configuration names components and weights, how each is normalised to 100, the grade
bands and their 绩效系数; each agent's month gets component scores, a weighted total, rank and
grade.

- 质检得分 (`source: quality`) is the agent's 月度评分 of the month (the 质检月报's, from the engine);
  every other component is a column of the per-agent KPI sheet;
- normalisation: `none` (the value is already a 0–100 score), `linear` (floor → 0, target → 100,
  straight between, clipped; a floor above the target means lower is better), `lookup` (the first
  row whose [min, max] holds the value gives the score);
- total = Σ weight × score / Σ weight; rank by total (ties share the better rank); grade = the
  first band whose `min` the total reaches; 绩效系数 = that band's coefficient when bands have one;
- a missing or unreadable value is a finding and leaves the agent's total blank (no rank, no
  grade): never a zero.
The model is pydantic (the loader in `files.assessment_config` reads the YAML and points every
problem at its line); nothing here reads a file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from .analysis import score_rank
from .columns import normalise_header
from .findings import Finding, Rule
from .model_base import HandWritten
from .reader import Grid, cell_text, id_text, parse_date


class _Model(HandWritten):
    pass


class LookupRow(_Model):
    min: float | None = None  # inclusive; None: no lower bound
    max: float | None = None  # inclusive; None: no upper bound
    score: float


class Normalise(_Model):
    method: Literal["none", "linear", "lookup"] = "none"
    floor: float | None = None
    target: float | None = None
    table: list[LookupRow] = []

    def describe(self) -> str:
        if self.method == "linear":
            better = "越低越好" if self.floor > self.target else "越高越好"
            return f"线性: {self.floor:g} 得 0 分,{self.target:g} 得 100 分({better})"
        if self.method == "lookup":
            return "查表: " + ";".join(_bounds(r) + f" 得 {r.score:g}" for r in self.table)
        return "原值(已是百分制)"


def _bounds(r: LookupRow) -> str:
    if r.min is not None and r.max is not None:
        return f"{r.min:g}–{r.max:g}" if r.min != r.max else f"{r.min:g}"
    if r.min is not None:
        return f"≥ {r.min:g}"
    if r.max is not None:
        return f"≤ {r.max:g}"
    return "其余"


class Component(_Model):
    name: str
    source: Literal["quality", "kpi"] = "kpi"
    column: str | None = None  # the KPI sheet's header (default: the name)
    aliases: list[str] = []
    weight: float
    normalise: Normalise = Normalise()

    @property
    def header(self) -> str:
        return self.column or self.name


class Band(_Model):
    name: str
    min: float
    coefficient: float | None = None


class AssessmentConfig(_Model):
    name: str = "综合考核"
    version: str = "1"
    components: list[Component] = Field(min_length=1)
    grades: list[Band] = []
    note: str | None = None
    content_hash: str | None = Field(None, exclude=True)

    @property
    def has_coefficients(self) -> bool:
        return any(b.coefficient is not None for b in self.grades)

    def band_for(self, total: float) -> Band | None:
        for b in sorted(self.grades, key=lambda b: -b.min):
            if total >= b.min - 1e-9:
                return b
        return None


def config_problems(c: AssessmentConfig) -> list[tuple[tuple, str]]:
    """What pydantic cannot check; each problem with its path in the document."""
    out: list[tuple[tuple, str]] = []
    names, quality = set(), 0
    for i, comp in enumerate(c.components):
        path = ("components", i)
        if comp.name in names:
            out.append((path + ("name",), f"组成项名称“{comp.name}”重复"))
        names.add(comp.name)
        if comp.weight <= 0:
            out.append((path + ("weight",), f"“{comp.name}”的权重必须大于 0"))
        quality += comp.source == "quality"
        if comp.source == "quality" and comp.column:
            out.append((path + ("column",), f"“{comp.name}”取自质检得分,不能同时指定 KPI 列"))
        n = comp.normalise
        npath = path + ("normalise",)
        if n.method == "linear":
            if n.floor is None or n.target is None:
                out.append((npath, f"“{comp.name}”的线性换算需要 floor 和 target"))
            elif math.isclose(n.floor, n.target):
                out.append((npath + ("target",), f"“{comp.name}”的 floor 与 target 不能相等"))
        if n.method == "lookup" and not n.table:
            out.append((npath, f"“{comp.name}”的查表换算需要 table"))
        for j, row in enumerate(n.table):
            if not 0 <= row.score <= 100:
                out.append((npath + ("table", j, "score"), f"“{comp.name}”查表得分应在 0–100 之间"))
            if row.min is not None and row.max is not None and row.min > row.max:
                out.append((npath + ("table", j), f"“{comp.name}”查表第 {j + 1} 行 min 大于 max"))
    if quality > 1:
        out.append((("components",), "只能有一个组成项取自质检得分(source: quality)"))
    total = sum(comp.weight for comp in c.components)
    if c.components and not math.isclose(total, 100):
        out.append((("components",), f"各组成项权重之和为 {total:g},应为 100"))
    mins = [b.min for b in c.grades]
    if len(set(mins)) != len(mins):
        out.append((("grades",), "等级的 min 重复"))
    if c.grades and c.has_coefficients and any(b.coefficient is None for b in c.grades):
        out.append((("grades",), "部分等级有 coefficient(绩效系数)、部分没有: 要么都写,要么都不写"))
    return out


def is_share(n: Normalise) -> bool:
    """Whether a normalisation reads its value as a share (0–1): a linear line whose floor and
    target both lie in [0, 1] (0 → 1 too, as 0.80 → 0.95), or a lookup table whose bounds all lie
    in [0, 1] (one of them strictly between: a table over whole counts, 0 and 1 complaints, is not).
    A value outside [0, 1] then cannot be what the component measures: 95 typed where 95% was
    meant. Lines meant for 0–100 scores (60 → 100) are not shares."""
    if n.method == "linear":
        return n.floor is not None and n.target is not None and 0 <= n.floor <= 1 and 0 <= n.target <= 1
    bounds = [b for r in n.table for b in (r.min, r.max) if b is not None] if n.method == "lookup" else []
    return bool(bounds) and all(0 <= b <= 1 for b in bounds) and any(0 < b < 1 for b in bounds)


def capped(n: Normalise, value: float) -> bool:
    """Whether a linear normalisation capped the value at 0 or 100 (beyond its floor or target)."""
    if n.method != "linear":
        return False
    raw = 100.0 * (value - n.floor) / (n.target - n.floor)
    return raw < -1e-9 or raw > 100 + 1e-9


def normalised(n: Normalise, value: float) -> float | None:
    """The 0–100 score of a value; None when a lookup table has no row for it, or `none` gets a
    value outside 0–100."""
    if n.method == "linear":
        return float(min(100.0, max(0.0, 100.0 * (value - n.floor) / (n.target - n.floor))))
    if n.method == "lookup":
        for row in n.table:
            if (row.min is None or value >= row.min - 1e-9) and (row.max is None or value <= row.max + 1e-9):
                return float(row.score)
        return None
    return float(value) if -1e-9 <= value <= 100 + 1e-9 else None


# --- the KPI sheet ---------------------------------------------------------------------------------

ID_WORDS = ("工号", "坐席工号", "员工工号")
NAME_WORDS = ("姓名", "坐席姓名")
TEAM_WORDS = ("班组", "组别")
MONTH_WORDS = ("月份", "考核月份", "月度")


@dataclass
class KpiRows:
    """The KPI sheet's rows of the month: agent id -> (name, team, component -> (value, cell))."""

    file: str = ""
    sheet: str = ""
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    missing_columns: set[str] = field(default_factory=set)  # components without a column
    notes: list[str] = field(default_factory=list)  # sheets not read, each with why


def kpi_value(v: Any) -> tuple[str, float | None]:
    """('num', x) | ('blank', None) | ('bad', None); "95%" reads as 0.95."""
    text = cell_text(v)
    if text == "":
        return "blank", None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return "num", float(v)
    m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)\s*(%|分|次)?", text.replace(",", ""))
    if not m:
        return "bad", None
    x = float(m.group(1))
    return "num", x / 100 if m.group(2) == "%" else x


def month_of(v: Any) -> str | None:
    """'2026-10' from 2026-10, 2026/10, 2026年10月, 202610 or a date in the month."""
    d = parse_date(v) if not isinstance(v, (int, float)) or isinstance(v, bool) else None
    if d is not None:
        return f"{d:%Y-%m}"
    m = re.fullmatch(r"(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?", cell_text(v).replace(".0", ""))
    return f"{int(m.group(1))}-{int(m.group(2)):02d}" if m and 1 <= int(m.group(2)) <= 12 else None


def read_kpi_sheet(grid: Grid, config: AssessmentConfig, month: str) -> KpiRows:
    """The rows of `month` (all rows when the sheet has no 月份 column) of a per-agent KPI sheet."""
    out = KpiRows(grid.file, grid.sheet)
    kpis = [c for c in config.components if c.source == "kpi"]
    words = {normalise_header(w)[0]: f"kpi:{c.name}" for c in kpis for w in (c.header, c.name, *c.aliases)}
    words.update({normalise_header(w)[0]: key for key, ws in (("agent_id", ID_WORDS), ("agent_name", NAME_WORDS),
                                                              ("team", TEAM_WORDS), ("month", MONTH_WORDS))
                  for w in ws})
    header, cols = None, {}
    for r, row in enumerate(grid.rows[:10]):
        found = {}
        for c, v in enumerate(row):
            key = words.get(normalise_header(v)[0]) if isinstance(v, str) else None
            if key and key not in found:
                found[key] = c
        if "agent_id" in found and len(found) > len(cols):
            header, cols = r, found
    if header is None:
        out.findings.append(Finding.of(Rule.SHEET_UNMAPPED, grid.file, grid.sheet, "", variant="kpi_sheet"))
        return out
    for c in kpis:
        if f"kpi:{c.name}" not in cols:
            out.missing_columns.add(c.name)
            out.findings.append(Finding.of(Rule.KPI_MISSING, grid.file, grid.sheet, "", variant="column",
                                           column=c.header, name=c.name))
    for r in range(header + 1, len(grid.rows)):
        row = grid.rows[r]

        def get(key, row=row):
            i = cols.get(key)
            return row[i] if i is not None and i < len(row) else None

        aid = id_text(get("agent_id"))
        if not aid:
            if any(cell_text(get(k)) != "" for k in cols if k.startswith("kpi:")):  # values, no agent: said
                out.findings.append(Finding.of(Rule.KPI_MISSING, grid.file, grid.sheet, grid.cell(r, cols["agent_id"]),
                                               row=grid.first_row + r, variant="agent_id"))
            continue
        if "month" in cols and month_of(get("month")) is None:  # no month: never silently another month's
            out.findings.append(Finding.of(Rule.KPI_INVALID, grid.file, grid.sheet, grid.cell(r, cols["month"]),
                                           value=cell_text(get("month")) or None, row=grid.first_row + r,
                                           variant="month", agent_id=aid, text=cell_text(get("month")),
                                           month=month))
            continue
        if "month" in cols and month_of(get("month")) != month:
            continue
        if aid in out.agents:
            out.findings.append(Finding.of(Rule.KPI_INVALID, grid.file, grid.sheet, grid.cell(r, cols["agent_id"]),
                                           value=aid, row=grid.first_row + r, variant="duplicate", agent_id=aid))
            continue
        values = {}
        for c in kpis:
            key = f"kpi:{c.name}"
            if key in cols:
                values[c.name] = (get(key), grid.cell(r, cols[key]), grid.first_row + r)
        out.agents[aid] = {"name": cell_text(get("agent_name")), "team": cell_text(get("team")), "values": values,
                           "sheet": grid.sheet, "id_cell": grid.cell(r, cols["agent_id"]), "row": grid.first_row + r}
    return out


def merged_kpi(reads: list[KpiRows]) -> KpiRows:
    """The month's rows of every sheet with a KPI header (a workbook split by team: 一组, 二组 …),
    one agent's row on two sheets a finding (the first sheet's row counts); each sheet without the
    header is named in a note. No sheet with a header: the first sheet's finding."""
    mapped = [r for r in reads if not any(f.rule == Rule.SHEET_UNMAPPED for f in r.findings)]
    if not mapped:
        return reads[0]
    out = KpiRows(mapped[0].file, "、".join(r.sheet for r in mapped))
    out.notes = [f"KPI 表 {r.file} 的工作表“{r.sheet}”没有 KPI 表头(至少需要“工号”列),未读取"
                 for r in reads if r not in mapped]
    for r in mapped:
        out.findings.extend(r.findings)
        out.missing_columns |= r.missing_columns
        for aid, row in r.agents.items():
            if aid not in out.agents:
                out.agents[aid] = row
                continue
            out.findings.append(Finding.of(Rule.KPI_INVALID, r.file, r.sheet, row["id_cell"], value=aid,
                                           row=row["row"], variant="duplicate_sheet", agent_id=aid,
                                           first=out.agents[aid]["sheet"]))
    return out


# --- the assessment --------------------------------------------------------------------------------

def score_column(component: str) -> str:
    """The table's column of a component's 0–100 score (beside its raw value's)."""
    return f"{component}折算分"


@dataclass
class Assessment:
    config: AssessmentConfig
    month: str
    table: pd.DataFrame  # 综合考核表
    findings: list[Finding]

    def complete(self) -> int:
        return int(self.table["综合得分"].notna().sum()) if len(self.table) else 0

    def to_dict(self) -> dict[str, Any]:
        def num(v):
            return None if v is None or pd.isna(v) else round(float(v), 6)
        comps = [c.name for c in self.config.components]
        return {"month": self.month, "config": self.config.name, "agents": [
            {"agent_id": r["工号"], "agent_name": r["姓名"], "rank": None if pd.isna(r["排名"]) else int(r["排名"]),
             "total": num(r["综合得分"]), "grade": r["等级"] or None,
             "coefficient": num(r.get("绩效系数")),
             "components": {c: {"value": num(r[c]), "score": num(r[score_column(c)])} for c in comps},
             "missing": [m for m in r["缺失"].split("、") if m]}
            for r in self.table.to_dict("records")],
            "findings": len(self.findings), "finding_list": [f.to_dict() for f in self.findings],
            "complete": self.complete()}


def assess(config: AssessmentConfig, month: str, quality: dict[str, tuple[str, str, float]], kpi: KpiRows,
           *, quality_file: str = "") -> Assessment:
    """Each agent's composite score of `month`. `quality`: agent id -> (name, team, 月度评分) of the
    agents with scored calls; `kpi`: the KPI sheet's rows of the month."""
    findings = list(kpi.findings)
    agents = sorted(set(quality) | set(kpi.agents))
    rows = []
    for aid in agents:
        sheet = kpi.agents.get(aid)
        name = (quality.get(aid) or ("", "", 0))[0] or (sheet or {}).get("name", "")
        team = (quality.get(aid) or ("", "", 0))[1] or (sheet or {}).get("team", "")
        row: dict[str, Any] = {"工号": aid, "姓名": name, "班组": team}
        missing, weighted, weights = [], 0.0, 0.0
        if sheet is None and any(c.source == "kpi" for c in config.components):
            findings.append(Finding.of(Rule.KPI_MISSING, kpi.file, kpi.sheet, "", variant="agent", agent_id=aid,
                                       name=name))
        for c in config.components:
            value, score = _component(c, aid, name, quality, sheet, kpi, findings, quality_file)
            row[c.name], row[score_column(c.name)] = value, score
            if score is None:
                missing.append(c.name)
            else:
                weighted += c.weight * score
                weights += c.weight
        total = weighted / weights if not missing and weights else None
        band = config.band_for(total) if total is not None else None
        row.update({"综合得分": np.nan if total is None else total, "等级": band.name if band else "",
                    "缺失": "、".join(missing)})
        if config.has_coefficients:
            row["绩效系数"] = band.coefficient if band else np.nan
        rows.append(row)
    return Assessment(config, month, _ranked(config, rows), findings)


def _component(c: Component, aid: str, name: str, quality, sheet, kpi: KpiRows,
               findings: list[Finding], quality_file: str) -> tuple[float | None, float | None]:
    """(raw value, 0–100 score) of one component for one agent; None where it is missing."""
    if c.source == "quality":
        if aid not in quality:
            findings.append(Finding.of(Rule.KPI_MISSING, quality_file, "", "", variant="quality", agent_id=aid,
                                       name=name, component=c.name))
            return None, None
        value = quality[aid][2]
        score = normalised(c.normalise, value)
        _said_capped(c, aid, value, score, findings, (quality_file, "", "", None))
        return value, score
    if sheet is None or c.name not in sheet["values"]:  # no such column on the agent's sheet: said there
        return None, None
    raw, cell, row = sheet["values"][c.name]
    kind, value = kpi_value(raw)
    file, sheet_name = kpi.file, sheet.get("sheet", kpi.sheet)
    if kind == "blank":
        findings.append(Finding.of(Rule.KPI_MISSING, file, sheet_name, cell, row=row, agent_id=aid, column=c.header))
        return None, None
    if kind == "bad":
        findings.append(Finding.of(Rule.KPI_INVALID, file, sheet_name, cell, value=cell_text(raw), row=row,
                                   agent_id=aid, column=c.header, text=cell_text(raw)))
        return None, None
    if c.normalise.method == "none" and cell_text(raw).endswith("%"):
        findings.append(Finding.of(Rule.KPI_INVALID, file, sheet_name, cell, value=cell_text(raw), row=row,
                                   variant="percent_score", agent_id=aid, column=c.header, text=cell_text(raw),
                                   points=f"{value * 100:g}"))
        return value, None
    if is_share(c.normalise) and not -1e-9 <= value <= 1 + 1e-9:
        findings.append(Finding.of(Rule.KPI_INVALID, file, sheet_name, cell, value=value, row=row, variant="share",
                                   agent_id=aid, column=c.header, number=f"{value:g}", share=f"{value / 100:g}",
                                   line=c.normalise.describe()))
        return value, None
    score = normalised(c.normalise, value)
    if score is None:
        findings.append(Finding.of(Rule.KPI_INVALID, file, sheet_name, cell, value=value, row=row, variant="range",
                                   agent_id=aid, column=c.header, number=f"{value:g}"))
    _said_capped(c, aid, value, score, findings, (file, sheet_name, cell, row))
    return value, score


def _said_capped(c: Component, aid: str, value: float, score: float | None, findings: list[Finding],
                 where: tuple) -> None:
    """A warning at the value's cell when the linear line capped it at 0 or 100: never silently."""
    if score is None or not capped(c.normalise, value):
        return
    file, sheet, cell, row = where
    findings.append(Finding.of(Rule.KPI_CLIPPED, file, sheet, cell, value=value, row=row, agent_id=aid,
                               column=c.header, number=f"{value:g}", line=c.normalise.describe(), score=f"{score:g}"))


def _ranked(config: AssessmentConfig, rows: list[dict]) -> pd.DataFrame:
    comp_cols = [x for c in config.components for x in (c.name, score_column(c.name))]
    cols = ["排名", "工号", "姓名", "班组", *comp_cols, "综合得分", "等级",
            *(["绩效系数"] if config.has_coefficients else []), "缺失"]
    df = pd.DataFrame(rows, columns=[c for c in cols if c != "排名"])
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    for c in comp_cols:
        df[c] = pd.to_numeric(df[c])
    df["排名"] = score_rank(df["综合得分"]).astype("Int64")
    df = df.sort_values(["排名", "工号"], kind="stable", na_position="last").reset_index(drop=True)
    return df[cols]
