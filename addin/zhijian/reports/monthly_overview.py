"""The 月报概览 sheet of the 质检月报 (`monthly_workbook`): the key figures month over month, the
警示色 days, the 轮回抽检 in short, and two charts right of the tables; one page, the summary
managers read.
"""

from __future__ import annotations

import pandas as pd

from zhijian.engine.analysis import WARNING_LEVELS
from zhijian.engine.monthly import STATUS_BOTH, STATUS_NONE, STATUS_OK, STATUS_OVER, STATUS_UNDER, MonthlyReport

from .monthly_common import NO_DATA, PCT_CHANGE, STATUS_FILL, comparison_chart, empty, trend_chart
from .toolkit import INT, NONE_TEXT, PCT, SCORE, SIGNED, Sheet, level_cell, merge_text


def write_overview(s: Sheet, rep: MonthlyReport, comparison: tuple | None, trend: tuple | None) -> None:
    """The overview on sheet `s`; `comparison` and `trend` are the rows the data sheets' charts
    draw (None: no chart)."""
    w, ws = s.w, s.ws
    ws.hide_gridlines(2)
    ws.fit_to_pages(1, 1)  # one page: the summary managers read
    ws.set_row(0, 30)
    s.text(0, 0, f"《{rep.rubric.name}》质检月报 {rep.label}", w.big_title)
    s.text(1, 0, f"统计期 {rep.month.describe()},与 {rep.previous_label} 环比;评分标准 {rep.rubric.id} "
                 f"版本 {rep.rubric.version};比率为占有效通数的比例", w.note)
    s.text(2, 0, f"本月工作日 {len(rep.working)} 天(日历: {rep.working.calendar})", w.note)
    row = 4
    if not rep.has_data:
        empty(s, row)
        row += 2

    row = _key_figures(s, rep, row)
    row = _more_figures(s, rep, row)
    row = _colour_days(s, rep, row + 2)
    row = _sampling(s, rep, row + 2)
    _page(s, rep, comparison, trend, row)


def _key_figures(s: Sheet, rep: MonthlyReport, row: int) -> int:
    """一、关键指标环比: the engine's key figures from `row`; returns the next free row."""
    w, ws, o, prev = s.w, s.ws, rep.analysis.overall, rep.previous
    s.text(row, 0, "一、关键指标环比", w.section)
    row += 1
    s.headers(row, 0, ["指标", f"上月\n{rep.previous_label}", f"本月\n{rep.label}", "变化", "警示级别"])
    ws.set_row(row, 30)
    row += 1
    blank = w.fmt()
    for rec in rep.key_figures.itertuples(index=False):
        unit = rec.单位
        num = PCT if unit == "%" else INT if unit in ("通", "起", "人") else SCORE
        change = PCT_CHANGE if unit == "%" else "+0;-0;0" if unit in ("通", "起", "人") else SIGNED
        s.put(row, 0, rec.指标, blank)
        level_now = level_before = None
        if rec.指标 == "平均不良比率":
            level_before = prev.overall.mean_defect_level if prev else None
            level_now = o.mean_defect_level if rep.has_data else None
        s.put(row, 1, rec.上月, w.fmt(num, level=level_before))
        if pd.isna(rec.本月):
            s.put(row, 2, NONE_TEXT, w.centred)
        else:
            s.put(row, 2, rec.本月, w.fmt(num, level=level_now))
        s.put(row, 3, rec.变化, w.fmt(change))
        if level_now:
            level_cell(s, row, 4, level_now)
        else:
            ws.write_blank(row, 4, None, blank)
        row += 1
    return row


def _more_figures(s: Sheet, rep: MonthlyReport, row: int) -> int:
    """The rest of 一: 坐席人数, 排除行数 and the 质检主题, then the table's note; returns the
    row of the note."""
    w, ws, a, prev = s.w, s.ws, rep.analysis, rep.previous
    blank = w.fmt()
    extra = [("坐席人数", len(prev.by_agent) if prev else None, len(a.by_agent)),
             ("排除行数", prev.excluded_rows if prev else None, a.excluded_rows)]
    for label, before, now in extra:
        s.put(row, 0, label, blank)
        s.put(row, 1, before, w.fmt(INT))
        s.put(row, 2, now, w.fmt(INT))
        s.put(row, 3, None if before is None else now - before, w.fmt("+0;-0;0"))
        ws.write_blank(row, 4, None, blank)
        row += 1
    s.put(row, 0, "质检主题", blank)
    topics = "、".join(rep.topics) if rep.topics else "无"
    merge_text(ws, row, 1, 4, topics, w.wrapped)
    if len(topics) > 26:  # long item names (offence rubrics): two lines
        ws.set_row(row, 30)
    row += 1
    s.text(row, 0, f"质检主题: {rep.topics_basis};变化 = 本月 − 上月(比率为百分点)", w.note)
    row += 1
    s.text(row, 0, "行数核对: " + a.account.identity_text(), w.note)
    return row


def _colour_days(s: Sheet, rep: MonthlyReport, row: int) -> int:
    """二、警示色天数 with each colour's band of 平均不良比率, from `row`; returns the row of its note."""
    w = s.w
    s.text(row, 0, "二、警示色天数", w.section)
    row += 1
    days = rep.colour_days()
    s.headers(row, 0, ["警示色", "警示级别", "天数", "平均不良比率"])
    row += 1
    lows = [lv[4] for lv in WARNING_LEVELS]
    for i, (name, colour, _, _, mean_low) in enumerate(WARNING_LEVELS):
        s.put(row, 0, colour, w.fmt(level=name))
        s.put(row, 1, name, w.fmt(level=None))
        s.put(row, 2, days.get(colour, 0), w.fmt(INT))
        band = f"≥ {mean_low:.0%}" if i == 0 else f"{mean_low:.0%}–{lows[i - 1]:.0%}" if mean_low else \
            f"< {lows[i - 1]:.0%}"
        s.put(row, 3, band, w.centred)
        row += 1
    s.put(row, 1, "合计", w.fmt(bold=True))
    s.put(row, 2, sum(days.values()), w.fmt(INT, bold=True))
    row += 1
    s.text(row, 0, "每天取当天平均不良比率的警示色", w.note)
    return row


def _sampling(s: Sheet, rep: MonthlyReport, row: int) -> int:
    """三、轮回抽检: how many agents met the target, and the calls on non-working days, from
    `row`; returns the next free row."""
    w, ws = s.w, s.ws
    s.text(row, 0, f"三、轮回抽检(每人每工作日 {rep.sampling_target} 通)", w.section)
    row += 1
    counts = rep.sampling_counts()
    s.headers(row, 0, ["状态", "人数"])
    merge_text(ws, row, 2, 4, "说明", w.header)
    row += 1
    off = int(rep.non_working_calls["通数"].sum()) if len(rep.non_working_calls) else 0
    for status, note in ((STATUS_OK, "每个工作日都正好达到目标"), (STATUS_UNDER, "有工作日少于目标"),
                         (STATUS_OVER, "有工作日多于目标"), (STATUS_BOTH, "既有不足也有过多的工作日"),
                         (STATUS_NONE, "人员名单中本月没有任何抽检的坐席")):
        if status in (STATUS_BOTH, STATUS_NONE) and not counts[status]:
            continue
        s.put(row, 0, status, w.fmt(fill=STATUS_FILL[status]))
        s.put(row, 1, counts[status], w.fmt(INT))
        merge_text(ws, row, 2, 4, note, w.indented)
        row += 1
    s.put(row, 0, "非工作日评分", w.fmt())
    s.put(row, 1, off, w.fmt(INT))
    merge_text(ws, row, 2, 4, "通,明细见“轮回抽检”" if off else "通", w.indented)
    row += 1
    for note in rep.notes:
        if note != NO_DATA:
            s.text(row, 0, note, w.note)
            row += 1
    return row


def _page(s: Sheet, rep: MonthlyReport, comparison: tuple | None, trend: tuple | None, row: int) -> None:
    """Column widths, the charts right of the tables (month-over-month item scores, the weekly
    trend) and the print area."""
    ws = s.ws
    s.finish(min_width=10)
    ws.set_column(0, 0, 13)
    ws.set_column(1, 3, 12)
    ws.set_column(4, 4, 10)
    ws.set_column(5, 5, 2)
    if comparison is not None:
        chart = comparison_chart(s.w.wb, rep, *comparison, size=(540, 330), labels=False)
        ws.insert_chart(4, 6, chart, {"x_offset": 4})
    if trend is not None:
        chart = trend_chart(s.w.wb, *trend, size=(540, 310))
        ws.insert_chart(22, 6, chart, {"x_offset": 4})
    ws.print_area(0, 0, max(row, 37), 14)
