"""The 服务质量分析表 workbook: an `analysis.Analysis` written to .xlsx with XlsxWriter.

Every figure is written as a value (rates as fractions 0–1 with a percent format), so reading the
workbook back gives exactly the numbers of `Analysis.to_dict()` (the `--json` figures). Text is
always written with `write_string`, so a remark such as "=1+1" stays text. The workbook is
deterministic: the same analysis gives the same bytes (no "generated at" time anywhere, the
document's creation time is fixed).

Sheets: 服务质量分析表 (written by `analysis_overview`), 每日分析, 班组, 坐席, 质检员, 坐席80-20, 质检校正, 明细,
排除与重复, 数据来源.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from zhijian.engine.analysis import Analysis, Figures, warning_colour

from .analysis_overview import SHEET_OVERVIEW, write_overview
from .ledger_sheet import write_ledger_sheet
from .toolkit import (DATE, INT, NA_TEXT, PCT, SCORE, SIGNED, SIGNED2, SHEET_EXCLUDED, SHEET_SOURCES, Writer,
                      level_cell, missing, new_workbook, rate_with_level)
from .common_sheets import (colour_days_table, write_appeals_sheet, write_excluded_sheet, write_provenance,
                            write_sources_sheet)

SHEET_DAYS = "每日分析"
SHEET_TEAMS = "班组"
SHEET_AGENTS = "坐席"
SHEET_INSPECTORS = "质检员"
SHEET_AGENT_PARETO = "坐席80-20"
SHEET_CALIBRATION = "质检校正"
SHEET_DETAIL = "明细"
SHEETS = [SHEET_OVERVIEW, SHEET_DAYS, SHEET_TEAMS, SHEET_AGENTS, SHEET_INSPECTORS, SHEET_AGENT_PARETO,
          SHEET_CALIBRATION, SHEET_DETAIL, SHEET_EXCLUDED, SHEET_SOURCES]


def write_analysis_workbook(analysis: Analysis, path: Path, *, findings: list | None = None,
                            sources: list[str] | None = None, appeals: list | None = None,
                            provenance=None, policy=None) -> Path:
    """Write the 服务质量分析表 workbook of `analysis` to `path` (atomically); returns `path`.

    `findings` (validation findings of the period) explain the rows that were excluded;
    `sources` are the input files, listed on the 数据来源 sheet (or, fuller, `provenance`);
    `appeals` (appeals.AppealOutcome) fill a 申诉处理 sheet.
    """
    path = Path(path)
    title = f"{analysis.rubric.name} 服务质量分析表 {analysis.period_label}".strip()
    with new_workbook(path, title=title, subject="服务质量分析表") as wb:
        w = Writer(wb)
        write_overview(w, analysis)
        _days(w, analysis)
        _breakdown(w, SHEET_TEAMS, ["班组"], [((t,), f) for t, f in analysis.by_team])
        if analysis.ledger is not None:
            write_ledger_sheet(w, analysis.ledger)
        _breakdown(w, SHEET_AGENTS, ["工号", "姓名"], [((a, n), f) for (a, n), f in analysis.by_agent])
        _breakdown(w, SHEET_INSPECTORS, ["质检员"], [((i,), f) for i, f in analysis.by_inspector])
        _agent_pareto(w, analysis)
        _calibration(w, analysis)
        _detail(w, analysis)
        write_excluded_sheet(w, analysis, findings or [])
        if appeals is not None:
            write_appeals_sheet(w, appeals, policy)
        write_sources_sheet(w, analysis, sources or [], provenance)
        if provenance is not None:
            write_provenance(wb, provenance)
    return path


# --- 2. 每日分析 ---------------------------------------------------------------------------------

def _days(w: Writer, a: Analysis) -> None:
    s = w.sheet(SHEET_DAYS)
    ws = s.ws
    items = [f.item for f in a.overall.items]
    base = ["日期", "通数", "平均分", "最低分", "优良率", "平均不良比率", "警示级别", "警示色"]
    head = base + [f"{n}不良比率" for n in items]
    s.headers(0, 0, base)
    s.headers(0, len(base), head[len(base):], wrap_at=12)
    ws.set_row(0, 32)
    ws.freeze_panes(1, 1)
    row = 1
    for day, f in a.by_day:
        s.put(row, 0, day)
        s.put(row, 1, f.n, w.fmt(INT))
        s.put(row, 2, f.mean_score, w.fmt(SCORE))
        s.put(row, 3, f.min_score, w.fmt(SCORE))
        s.put(row, 4, f.excellent_rate, w.fmt(PCT))
        s.put(row, 5, f.mean_defect_rate, w.fmt(PCT))
        level_cell(s, row, 6, f.mean_defect_level)
        s.put(row, 7, warning_colour(f.mean_defect_level), w.fmt(level=f.mean_defect_level))
        for j, it in enumerate(f.items):
            rate_with_level(s, row, 8 + j, it.defect_rate, it.warning_level)
        row += 1
    if not a.by_day:
        s.text(row, 0, "本期没有有效评分记录", w.note)
        row += 1
    else:
        ws.autofilter(0, 0, row - 1, len(head) - 1)

    row += 1
    s.text(row, 0, "警示色天数", w.section)
    row += 1
    row = colour_days_table(s, row, a.colour_days())
    s.text(row, 0, "每天取当天平均不良比率的警示色", w.note)
    s.finish(min_width=9)


# --- 3. 班组 / 坐席 / 质检员 ------------------------------------------------------------------------

def _breakdown(w: Writer, name: str, keys: list[str], rows: list[tuple[tuple, Figures]]) -> None:
    s = w.sheet(name)
    ws = s.ws
    item_names = [f.item for f in rows[0][1].items] if rows else []
    below = f"{rows[0][1].rubric.analysis.general[0]:g}分以下" if rows else "80分以下"  # follows full marks
    base = keys + ["通数", "平均分", "最低分", "优良率", "轻微不良", "一般不良", below, "平均不良比率",
                   "警示级别"]
    head = base + [f"{n}不良比率" for n in item_names]
    s.headers(0, 0, base)
    s.headers(0, len(base), head[len(base):], wrap_at=12)
    ws.set_row(0, 32)
    ws.freeze_panes(1, len(keys))
    r = 1
    k = len(keys)
    for key, f in rows:
        for i, v in enumerate(key):
            s.put(r, i, str(v))
        s.put(r, k, f.n, w.fmt(INT))
        s.put(r, k + 1, f.mean_score, w.fmt(SCORE))
        s.put(r, k + 2, f.min_score, w.fmt(SCORE))
        s.put(r, k + 3, f.excellent_rate, w.fmt(PCT))
        s.put(r, k + 4, f.slight_defect_rate, w.fmt(PCT))
        s.put(r, k + 5, f.general_defect_rate, w.fmt(PCT))
        s.put(r, k + 6, f.below_80_rate, w.fmt(PCT))
        s.put(r, k + 7, f.mean_defect_rate, w.fmt(PCT, level=f.mean_defect_level))
        level_cell(s, r, k + 8, f.mean_defect_level)
        for j, it in enumerate(f.items):
            rate_with_level(s, r, k + 9 + j, it.defect_rate, it.warning_level)
        r += 1
    if rows:
        ws.autofilter(0, 0, r - 1, len(head) - 1)
    else:
        s.text(r, 0, "本期没有有效评分记录", w.note)
    if name == SHEET_INSPECTORS and rows:
        s.text(r + 1, 0, "质检员按其本人评分的录音统计(含校正录音的本人评分,不含重复行)", w.note)
    s.finish(min_width=9)


# --- 4. 坐席80-20 --------------------------------------------------------------------------------

def _agent_pareto(w: Writer, a: Analysis) -> None:
    s = w.sheet(SHEET_AGENT_PARETO)
    ws = s.ws
    head = ["工号", "姓名", "通数", "不良数", "不良占比", "累计占比"]
    s.headers(0, 0, head)
    ws.freeze_panes(1, 0)
    r = 1
    p = a.agent_pareto
    if p is not None and not p.empty:
        for rec in p.itertuples(index=False):
            s.put(r, 0, str(rec.工号))
            s.put(r, 1, str(rec.姓名))
            s.put(r, 2, int(rec.通数), w.fmt(INT))
            s.put(r, 3, int(rec.不良数), w.fmt(INT))
            s.put(r, 4, float(rec.不良占比), w.fmt(PCT))
            s.put(r, 5, float(rec.累计占比), w.fmt(PCT))
            r += 1
        ws.autofilter(0, 0, r - 1, len(head) - 1)
        s.text(r + 1, 0, "按不良数(各评分项不良次数之和)从多到少排序;累计占比约 80% 以内的坐席为重点辅导对象", w.note)
    else:
        s.text(r, 0, "本期没有有效评分记录", w.note)
    s.finish(min_width=9)


# --- 5. 质检校正 ---------------------------------------------------------------------------------

def _calibration(w: Writer, a: Analysis) -> None:
    s = w.sheet(SHEET_CALIBRATION)
    ws = s.ws
    cal = a.calibration
    band = a.rubric.analysis.calibration_band
    s.text(0, 0, "质检校正(同一录音由多名质检员评分)", w.title)
    ws.freeze_panes(1, 0)
    if cal.cases is None or cal.cases.empty:
        s.put(2, 0, "无校正录音")
        s.text(3, 0, "本期没有被多名质检员评分的录音", w.note)
        s.finish(min_width=10)
        return
    row = 2
    s.text(row, 0, "一、各质检员", w.section)
    row += 1
    s.headers(row, 0, ["质检员", "校正通数", "平均偏差", "对齐分", "一致率"])
    row += 1
    for rec in cal.per_inspector.itertuples(index=False):
        s.put(row, 0, str(rec.质检员))
        s.put(row, 1, int(rec.校正通数), w.fmt(INT))
        s.put(row, 2, float(rec.平均偏差), w.fmt(SIGNED))
        s.put(row, 3, float(rec.对齐分), w.fmt(PCT))
        s.put(row, 4, float(rec.一致率), w.fmt(PCT))
        row += 1
    s.text(row, 0, "平均偏差 = 质检员最终得分 − 基准得分 的平均值: + 偏松(给分偏高),− 偏严(给分偏低)", w.note)
    row += 1
    s.text(row, 0, f"对齐分 = Σ(该项满分/各项满分之和)×(1 − |得分−基准|/该项满分);"
                   f"一致率 = 与基准最终得分相差不超过 ±{band:g} 分的比例", w.note)
    row += 2

    items = [it.name for it in a.rubric.items]
    s.text(row, 0, "二、各评分项平均偏差(分)", w.section)
    row += 1
    s.headers(row, 0, ["质检员", *items])
    row += 1
    for rec in cal.per_item.to_dict("records"):
        s.put(row, 0, str(rec["质检员"]))
        for j, n in enumerate(items):
            s.put(row, 1 + j, rec.get(n), w.fmt(SIGNED2))
        row += 1
    row += 1

    s.text(row, 0, "三、校正录音明细", w.section)
    row += 1
    dev_cols = [c for c in cal.cases.columns if str(c).startswith("偏差:")]
    s.headers(row, 0, ["录音编号", "质检员", "最终得分", "基准得分", "基准来源", "偏差", "对齐分", "一致"]
              + [c.split(":", 1)[1] + "偏差" for c in dev_cols])
    row += 1
    for rec in cal.cases.to_dict("records"):
        s.put(row, 0, str(rec["录音编号"]))
        s.put(row, 1, str(rec["质检员"]))
        s.put(row, 2, rec["最终得分"], w.fmt(SCORE))
        s.put(row, 3, rec["基准得分"], w.fmt(SCORE))
        s.put(row, 4, str(rec["基准来源"]))
        s.put(row, 5, rec["偏差"], w.fmt(SIGNED))
        s.put(row, 6, rec["对齐分"], w.fmt(PCT))
        s.put(row, 7, "是" if rec["一致"] else "否")
        for j, c in enumerate(dev_cols):
            s.put(row, 8 + j, rec[c], w.fmt(SIGNED))
        row += 1
    s.finish(min_width=10)


def _ledger_points(a: Analysis) -> list[float | None]:
    """Per counted call, what its occurrences cost in the agent's ledger (None: no ledger)."""
    if a.ledger is None:
        return [None] * len(a.counted)
    cost: dict[tuple[str, str], float] = {}
    for led in a.ledger.agents:
        for o in led.occurrences:
            cost[(o.agent_id, o.recording_id)] = cost.get((o.agent_id, o.recording_id), 0.0) + o.points
    return [cost.get((str(aid), str(rid)), 0.0)
            for aid, rid in zip(a.counted["agent_id"].tolist(), a.counted["recording_id"].tolist())]


# --- 6. 明细 ------------------------------------------------------------------------------------

def _detail(w: Writer, a: Analysis) -> None:
    """明细: one row per counted call. Written a whole column at a time (`column_sheet`): a month has
    ~30,000 rows, and writing them cell by cell was most of the report's time. Offences show their
    occurrences on the call; on a ledger rubric a call has no score of its own: its 本通扣分 is what
    its occurrences cost in the agent's period ledger (escalated, doubled)."""
    s = w.sheet(SHEET_DETAIL, columns=True)
    ws = s.ws
    items = [it.name for it in a.rubric.items]
    offences = [(f"{o.name}(次)", f"offence:{o.id}") for o in a.rubric.offences]
    tail = ["本通扣分", "备注"] if a.rubric.ledger is not None else \
        ["致命性错误", "差错扣分", "整通得分", "最终得分", "等级", "备注"]
    head = ["文件", "工作表", "行", "日期", "质检员", "工号", "姓名", "班组", "录音编号", *items,
            *[h for h, _ in offences], *tail]
    s.headers(0, 0, head)
    ws.freeze_panes(1, 0)
    calls = a.counted
    n = 0 if calls is None else len(calls)
    if n:
        at = {h: k for k, h in enumerate(head)}
        names = {f: Path(str(f)).name for f in set(calls["file"].tolist())}
        text_cols = [(0, [names[f] for f in calls["file"].tolist()]), (1, calls["sheet"].tolist())]
        text_cols += [(c, calls[k].tolist()) for c, k in enumerate(
            ("inspector", "agent_id", "agent_name", "team", "recording_id"), start=4)]
        text_cols += ([(at["等级"], calls["grade"].tolist())] if "等级" in at else []) + \
            [(at["备注"], calls["remarks"].tolist())]
        num_cols = [(2, calls["row"].tolist(), w.fmt(INT))]
        num_cols += [(at[h], pd.to_numeric(calls[k], errors="coerce").fillna(0).tolist() if k in calls
                      else [0] * n, w.fmt(INT)) for h, k in offences]
        if "本通扣分" in at:
            num_cols.append((at["本通扣分"], _ledger_points(a), w.fmt("0.##")))
        else:
            num_cols += [(at["致命性错误"], calls["fatal_errors"].tolist(), w.fmt("0.##")),
                         (at["差错扣分"], calls["error_deduction"].tolist(), w.fmt("0.##")),
                         (at["整通得分"], calls["call_score"].tolist(), w.fmt(SCORE)),
                         (at["最终得分"], calls["final_score"].tolist(), w.fmt(SCORE))]
        for c, values in text_cols:
            ws.strings_down(1, c, [v if type(v) is str and v else None if missing(v) or v == "" else str(v)
                                   for v in values])
            s.grow_to(c, values)
        item_fmt = w.fmt("0.##")
        for j, name in enumerate(items):
            _item_column(ws, 9 + j, calls[name].tolist(), item_fmt)
        for c, values, fmt in num_cols:
            ws.numbers_down(1, c, [float(v) if v is not None and v == v else None for v in values], fmt)
        ws.dates_down(1, 3, [_as_datetime(d) for d in calls["date"].tolist()], w.fmt(DATE))
        s.grow_to(3, ["2026-10-01"])
    ws.autofilter(0, 0, max(n, 0), len(head) - 1)
    if n == 0:
        s.text(1, 0, "本期没有有效评分记录", w.note)
    s.finish(min_width=6)


def _item_column(ws, c: int, values: list, fmt) -> None:
    """An item's points, or 不涉及 where the item did not apply (NaN): text cells first, then the
    numbers, as the cell-by-cell writer took their shared strings."""
    na = [v is None or v != v for v in values]
    ws.strings_down(1, c, [NA_TEXT if x else None for x in na])
    ws.numbers_down(1, c, [None if x else float(v) for v, x in zip(values, na)], fmt)


def _as_datetime(d) -> dt.datetime | None:
    if isinstance(d, pd.Timestamp):
        return d.to_pydatetime()
    if isinstance(d, dt.datetime):
        return d
    return dt.datetime.combine(d, dt.time()) if isinstance(d, dt.date) else None
