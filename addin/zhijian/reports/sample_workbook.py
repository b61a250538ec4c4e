"""The 抽检计划 workbook and each inspector's prefilled 评分表 (a `sampling.Plan` written to .xlsx).

`抽检计划_YYYY-MM-DD.xlsx`: 抽检计划 (every drawn call: inspector, round, agent, recording, start,
length, type; read back by the monthly check, `plan_check.read_plan_grid`), 坐席抽检数 (per agent:
calls, eligible, drawn, types), 抽检不足 (the agents short of the target, with the reason),
质检员分组 (the split and the 质检配比), 说明 (the rule, the seed, the rounds' windows, the notes and
the call list's findings) and 数据来源.

`评分表_YYYY-MM-DD_<质检员>.xlsx`: the rubric's 评分表 written by `template.write_template` (the
same dropdowns and live total as `zhijian template`), one row per drawn call in round order with
日期, 质检员, 坐席工号, 坐席姓名, 班组, 录音编号, 呼叫类型 filled, and 轮次 and 开始时间 after the
rubric's columns.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Sequence

from zhijian.engine.calllist import CallSheet
from zhijian.engine.findings import SEVERITY_ZH, Finding
from zhijian.engine.plan_check import PLAN_SHEET, ROUND_HEADER
from zhijian.engine.rubric import Rubric
from zhijian.engine.sampling import Plan, ratio_note

from .template import Prefill, write_template
from .toolkit import INT, SEVERITY_FILL, Sheet, Writer, new_workbook, sheet_title
from .common_sheets import write_provenance, write_sources_rows

SHEET_AGENTS = "坐席抽检数"
SHEET_SHORT = "抽检不足"
SHEET_GROUPS = "质检员分组"
SHEET_NOTES = "说明"
SHEET_SOURCES = "数据来源"
START_HEADER = "开始时间"
HEADER_ROW = 2  # 0-based: title, note, headers
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def plan_file_name(day: dt.date) -> str:
    return f"抽检计划_{day:%Y-%m-%d}.xlsx"


def sheet_file_name(day: dt.date, inspector: str) -> str:
    return f"评分表_{day:%Y-%m-%d}_{_UNSAFE.sub('_', inspector).strip('_') or '质检员'}.xlsx"


def describe_rule(plan: Plan) -> str:
    r = plan.rule
    return (f"每位坐席 {r.per_agent} 通,分 {r.rounds} 轮;短于 {r.min_duration:g} 秒的录音仅在别无可抽时抽取;"
            f"随机种子 {plan.seed}")


# --- the plan workbook ----------------------------------------------------------------------------

def write_plan_workbook(plan: Plan, path: Path, *, findings: Sequence[Finding] = (), provenance=None,
                        sheet_files: dict[str, str] | None = None, call_sheets: Sequence[CallSheet] = ()) -> Path:
    """Write the 抽检计划 workbook of `plan` to `path` (atomically); the call list's `findings` and
    how its sheets were read (`call_sheets`) go on the 说明 sheet, `sheet_files` (inspector -> 评分表
    file name) on 质检员分组."""
    path = Path(path)
    with new_workbook(path, title=f"抽检计划 {plan.date:%Y-%m-%d}", subject="抽检计划") as wb:
        w = Writer(wb)
        _plan_sheet(w.sheet(PLAN_SHEET), plan)
        _agents_sheet(w.sheet(SHEET_AGENTS), plan)
        _short_sheet(w.sheet(SHEET_SHORT), plan)
        _groups_sheet(w.sheet(SHEET_GROUPS), plan, sheet_files or {})
        _notes_sheet(w.sheet(SHEET_NOTES), plan, findings, call_sheets)
        if provenance is not None:
            s = w.sheet(SHEET_SOURCES)
            s.ws.freeze_panes(1, 0)
            write_sources_rows(s, provenance)
            s.finish(min_width=10)
            write_provenance(wb, provenance)
    return path


def _plan_sheet(s: Sheet, plan: Plan) -> None:
    sheet_title(s, f"抽检计划 {plan.date:%Y-%m-%d}", describe_rule(plan) + ";按质检员、轮次排列")
    df = plan.to_frame()
    s.headers(HEADER_ROW, 0, list(df.columns))
    s.ws.freeze_panes(HEADER_ROW + 1, 3)
    w = s.w
    formats = {"日期": w.fmt("yyyy-mm-dd"), "开始时间": w.fmt("hh:mm:ss", center=True),
               "轮次": w.fmt(INT, center=True), "通话时长(秒)": w.fmt("0")}
    row = HEADER_ROW + 1
    for rec in df.itertuples(index=False):
        for c, (name, v) in enumerate(zip(df.columns, rec)):
            s.put(row, c, v, formats.get(name))
        row += 1
    if df.empty:
        s.text(row, 0, "没有抽取任何录音", w.note)
    else:
        s.ws.autofilter(HEADER_ROW, 0, row - 1, len(df.columns) - 1)
    s.ws.repeat_rows(HEADER_ROW)
    s.grow_to(0, ["2026-10-12 "])
    s.finish(min_width=8)


def _types(pairs: tuple[tuple[str, int], ...]) -> str:
    return "、".join(f"{t or '未注明'} {n}" for t, n in pairs)


def _agents_sheet(s: Sheet, plan: Plan) -> None:
    sheet_title(s, f"坐席抽检数 {plan.date:%Y-%m-%d}",
                f"目标: 每位坐席 {plan.rule.per_agent} 通;可抽 = 当日通数 − 已在以往评分表中的录音")
    heads = ["坐席工号", "坐席姓名", "班组", "质检员", "当日通数", "已评过", "可抽通数", "其中短通话", "已抽通数", "目标",
             "改时段抽取", "可抽类型", "已抽类型", "说明"]
    s.headers(HEADER_ROW, 0, heads)
    s.ws.freeze_panes(HEADER_ROW + 1, 2)
    w = s.w
    short_fill = w.fmt(INT, fill=SEVERITY_FILL["warning"])
    row = HEADER_ROW + 1
    for c in plan.counts:
        values = [c.agent_id, c.agent_name, c.team, c.inspector, c.calls, c.scored, c.eligible, c.short_calls,
                  c.drawn, c.target, c.fallbacks, _types(c.mix), _types(c.drawn_types), c.reason]
        for j, v in enumerate(values):
            fmt = (short_fill if j == 8 and c.is_short else w.fmt(INT)) if isinstance(v, int) else None
            s.put(row, j, v, fmt)
        row += 1
    if plan.counts:
        s.ws.autofilter(HEADER_ROW, 0, row - 1, len(heads) - 1)
    s.finish(min_width=8)


def _short_sheet(s: Sheet, plan: Plan) -> None:
    target = plan.rule.per_agent
    sheet_title(s, f"抽检不足 {plan.date:%Y-%m-%d}", f"当日可抽录音不足 {target} 通的坐席")
    s.headers(HEADER_ROW, 0, ["坐席工号", "坐席姓名", "班组", "质检员", "已抽通数", "目标", "原因"])
    row = HEADER_ROW + 1
    for c in plan.short:
        for j, v in enumerate([c.agent_id, c.agent_name, c.team, c.inspector, c.drawn, c.target, c.reason]):
            s.put(row, j, v, s.w.fmt(INT) if isinstance(v, int) else None)
        row += 1
    if not plan.short:
        s.put(row, 0, "无")
        s.text(row, 1, f"每位有通话的坐席都抽满 {target} 通", s.w.note)
    s.finish(min_width=8)


def _groups_sheet(s: Sheet, plan: Plan, files: dict[str, str]) -> None:
    agents = sum(len(g.agents) for g in plan.groups)
    note = ratio_note(agents, len(plan.groups)) or \
        f"质检配比: {agents} 名坐席、{len(plan.groups)} 名质检员,在 12–15:1 之内"
    sheet_title(s, f"质检员分组 {plan.date:%Y-%m-%d}", note + ";每位坐席的录音只分给一名质检员")
    s.headers(HEADER_ROW, 0, ["质检员", "坐席数", "抽检通数", "坐席工号", "评分表文件"])
    row = HEADER_ROW + 1
    for g in plan.groups:
        values = [g.inspector, len(g.agents), len(g.draws), "、".join(g.agents), files.get(g.inspector, "")]
        for j, v in enumerate(values):
            s.put(row, j, v, s.w.fmt(INT) if isinstance(v, int) else None)
        row += 1
    s.finish(min_width=8)
    s.ws.set_column(3, 3, 60, s.w.fmt(wrap=True))


def _notes_sheet(s: Sheet, plan: Plan, findings: Sequence[Finding], call_sheets: Sequence[CallSheet]) -> None:
    r = plan.rule
    sheet_title(s, f"抽检规则与说明 {plan.date:%Y-%m-%d}",
                "轮回抽检(质量管理词典):平均(每人条数相等)、随机(不限类型与时段)、连续(分轮次全天覆盖)")
    w = s.w
    rows = [("日期", f"{plan.date:%Y-%m-%d}"), ("每位坐席抽检", f"{r.per_agent} 通"), ("轮次", f"{r.rounds} 轮"),
            ("短通话", f"短于 {r.min_duration:g} 秒的录音仅在该坐席别无可抽时抽取"),
            ("工作时段", "指定: " + f"{r.hours[0]:%H:%M}–{r.hours[1]:%H:%M}" if r.hours else "当日最早至最晚的通话(取整分钟)"),
            ("随机种子", f"{plan.seed}(未指定时取日期 YYYYMMDD;同一种子得到同一计划)"),
            ("随机方法", "每轮在本时段的可抽录音中等概率抽取;呼叫类型按坐席各时段的构成分配(相依取整),"
                     "不改变时段内每通录音被抽中的机会")]
    s.headers(HEADER_ROW, 0, ["项目", "内容"], wrap_at=100)
    row = HEADER_ROW + 1
    for k, v in rows:
        s.put(row, 0, k)
        s.put(row, 1, v)
        row += 1
    row += 1
    s.text(row, 0, "各轮时段", w.section)
    row += 1
    s.headers(row, 0, ["轮次", "开始", "结束", "通话数"])
    row += 1
    for win in plan.windows:
        for j, v in enumerate([win.round, f"{win.start:%H:%M}", f"{win.end:%H:%M}", win.calls]):
            s.put(row, j, v, w.fmt(INT) if isinstance(v, int) else None)
        row += 1
    row += 1
    s.text(row, 0, "说明", w.section)
    row += 1
    for note in plan.notes or ("无",):
        s.put(row, 0, note)
        row += 1
    row += 1
    row = _mapping_rows(s, call_sheets, row)
    s.text(row, 0, f"通话记录的校验问题({len(findings)} 个;有错误的行不参与抽取)", w.section)
    row += 1
    s.headers(row, 0, ["级别", "规则", "文件", "工作表", "单元格", "说明"])
    row += 1
    for f in findings:
        for j, v in enumerate([SEVERITY_ZH[f.severity], str(f.rule), Path(f.file).name, f.sheet, f.cell, f.message]):
            s.put(row, j, v, w.fmt(fill=SEVERITY_FILL.get(str(f.severity))) if j == 0 else None, width=j != 5)
        row += 1
    if not findings:
        s.put(row, 0, "无")
    s.finish(min_width=8)
    s.ws.set_column(1, 1, 60)


def _mapping_rows(s: Sheet, call_sheets: Sequence[CallSheet], row: int) -> int:
    """通话记录的列: how each sheet of the call list was read; returns the next free row."""
    if not call_sheets:
        return row
    s.text(row, 0, "通话记录的列", s.w.section)
    row += 1
    s.headers(row, 0, ["文件", "工作表", "表头行", "列", "表头", "读作"])
    row += 1
    for sh in call_sheets:
        mapped = sh.mapping_report() or [("", "", "")]
        for field_zh, letter, header in mapped:
            for j, v in enumerate([Path(sh.file).name, sh.sheet, sh.header_row, letter, header, field_zh]):
                s.put(row, j, v, s.w.fmt(INT) if isinstance(v, int) else None)
            row += 1
        for letter, header in sorted(sh.extra_columns.items(), key=lambda kv: (len(kv[0]), kv[0])):
            for j, v in enumerate([Path(sh.file).name, sh.sheet, sh.header_row, letter, header, "未使用"]):
                s.put(row, j, v, s.w.fmt(INT) if isinstance(v, int) else None)
            row += 1
    return row + 1


# --- the prefilled 评分表 ---------------------------------------------------------------------------

def prefill_of(plan: Plan, inspector: str) -> Prefill:
    """The rows of `inspector`'s 评分表: one per drawn call, in round order."""
    g = plan.group_of(inspector)
    rows = [{"date": plan.date, "inspector": d.inspector, "agent_id": d.agent_id, "agent_name": d.agent_name,
             "team": d.team, "recording_id": d.recording_id, "call_type": d.call_type, ROUND_HEADER: d.round,
             START_HEADER: d.start} for d in g.draws]
    return Prefill(rows, extra=(ROUND_HEADER, START_HEADER), title=f"{plan.date:%Y-%m-%d} 质检员: {inspector}")


def write_plan_sheets(plan: Plan, rubric: Rubric, folder: Path) -> dict[str, Path]:
    """Each inspector's prefilled 评分表 in `folder` (inspectors without a drawn call get none)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for g in plan.groups:
        if g.draws:
            out[g.inspector] = write_template(rubric, folder / sheet_file_name(plan.date, g.inspector),
                                              prefill=prefill_of(plan, g.inspector))
    return out
