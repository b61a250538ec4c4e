"""The 质检月报 workbook: a `monthly.MonthlyReport` written to .xlsx with XlsxWriter.

Like the 服务质量分析表 (`report_analysis`), every figure is a value (rates as fractions 0–1 with
a percent format, so reading the workbook back gives the numbers of `MonthlyReport.to_dict()`),
text is written with `write_string`, and the workbook is deterministic (fixed creation time).
Every sheet prints on A4 landscape, fit to the page width; the first sheet (月报概览) is laid out
to fit one page with its two charts.

Sheets: 月报概览, 每月监听评分表(月平均分), 质检考核统计表, 指标环比, 不良柏拉图, 周趋势, 轮回抽检,
数据来源.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from zhijian.engine.analysis import WARNING_LEVELS
from zhijian.engine.monthly import (LEVEL_ITEM, LEVEL_OFFENCE, STATUS_BOTH, STATUS_OK, STATUS_OVER, STATUS_UNDER,
                                    UNIT_PER_100, MonthlyReport)

from .toolkit import (INT, NONE_TEXT, PCT, SCORE, SIGNED, Sheet, Writer, colour_days_table, level_cell,
                      new_workbook, write_appeals_sheet, write_provenance, write_sources_rows)

SHEET_OVERVIEW = "月报概览"
SHEET_SCORES = "每月监听评分表(月平均分)"
SHEET_ASSESSMENT = "质检考核统计表"
SHEET_COMPARISON = "指标环比"
SHEET_PARETO = "不良柏拉图"
SHEET_TREND = "周趋势"
SHEET_SAMPLING = "轮回抽检"
SHEET_SOURCES = "数据来源"
SHEETS = [SHEET_OVERVIEW, SHEET_SCORES, SHEET_ASSESSMENT, SHEET_COMPARISON, SHEET_PARETO, SHEET_TREND,
          SHEET_SAMPLING, SHEET_SOURCES]

NO_DATA = "本月没有有效评分记录"
PCT_CHANGE = "+0.0%;-0.0%;0.0%"  # a change of a rate, in percentage points
PER_100 = "0.00"
PER_100_CHANGE = "+0.00;-0.00;0.00"
HEADER_ROW = 3  # tables of the data sheets: title in row 0, a note in row 1, headers in row 3
STATUS_FILL = {STATUS_OK: None, STATUS_UNDER: "#F8CBAD", STATUS_OVER: "#FFE699", STATUS_BOTH: "#F4B183"}
BLUE, GREY, ORANGE, NAVY = "#2E75B6", "#A5A5A5", "#ED7D31", "#1F4E78"


def write_monthly_workbook(report: MonthlyReport, path: Path, *, findings: list | None = None,
                           sources: list[str] | None = None, appeals: list | None = None,
                           provenance=None) -> Path:
    """Write the 质检月报 workbook of `report` to `path` (atomically); returns `path`.

    `findings` (validation findings of the month) are counted on the 数据来源 sheet; `sources`
    are the input files, listed there (or, fuller, `provenance`); `appeals` fill a 申诉处理 sheet.
    """
    path = Path(path)
    with new_workbook(path, title=f"{report.rubric.name} 质检月报 {report.label}", subject="质检月报") as wb:
        w = Writer(wb, boxed=True)  # a printed report: its tables read better boxed
        w.big_title = wb.add_format({"bold": True, "font_size": 18, "font_color": NAVY})
        w.banner = wb.add_format({"bold": True, "font_size": 12, "font_color": "#C00000"})
        w.centred = wb.add_format({"align": "center", "border": 1, "border_color": "#BFBFBF"})
        w.indented = wb.add_format({"indent": 1, "border": 1, "border_color": "#BFBFBF"})
        w.wrapped = wb.add_format({"align": "center", "valign": "vcenter", "text_wrap": True, "border": 1,
                                   "border_color": "#BFBFBF"})
        sheets = [_sheet(w, name, report) for name in SHEETS]
        # Data sheets first (the overview's charts refer to their cells), then the overview.
        comparison = _comparison(sheets[3], report)
        trend = _trend(sheets[5], report)
        _scores(sheets[1], report)
        _assessment(sheets[2], report)
        _pareto(sheets[4], report)
        _sampling(sheets[6], report)
        _sources(sheets[7], report, findings or [], sources or [], provenance)
        _overview(sheets[0], report, comparison, trend)
        if appeals is not None:
            write_appeals_sheet(w, appeals)
        if provenance is not None:
            write_provenance(wb, provenance)
    return path


def _sheet(w: Writer, name: str, report: MonthlyReport) -> Sheet:
    s = w.sheet(name)
    s.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    s.ws.set_header(f"&L&9{report.rubric.name} 质检月报 {report.label}&R&9{name}")
    s.ws.set_footer("&C&9第 &P 页,共 &N 页")
    return s


def _merge_text(ws, row: int, first: int, last: int, text: str, fmt) -> None:
    """Text across merged cells, written as text (never read as a formula or a number)."""
    ws.merge_range(row, first, row, last, "", fmt)
    ws.write_string(row, first, text, fmt)


def _title(s: Sheet, title: str, note: str) -> None:
    s.text(0, 0, title, s.w.title)
    s.ws.set_row(0, 24)
    if note:
        s.text(1, 0, note, s.w.note)


def _empty(s: Sheet, row: int, text: str = NO_DATA) -> None:
    s.text(row, 0, text, s.w.banner)


def _pct_or_per100(unit: str) -> tuple[str, str]:
    return (PER_100, PER_100_CHANGE) if unit == UNIT_PER_100 else (PCT, PCT_CHANGE)


# --- 月报概览 ------------------------------------------------------------------------------------

def _overview(s: Sheet, rep: MonthlyReport, comparison: tuple | None, trend: tuple | None) -> None:
    w, ws, a = s.w, s.ws, rep.analysis
    o, prev = a.overall, rep.previous
    ws.hide_gridlines(2)
    ws.fit_to_pages(1, 1)  # one page: the summary managers read
    ws.set_row(0, 30)
    s.text(0, 0, f"《{rep.rubric.name}》质检月报 {rep.label}", w.big_title)
    s.text(1, 0, f"统计期 {rep.month.describe()},与 {rep.previous_label} 环比;评分标准 {rep.rubric.id} "
                 f"版本 {rep.rubric.version};比率为占有效通数的比例", w.note)
    s.text(2, 0, f"本月工作日 {len(rep.working)} 天(日历: {rep.working.calendar})", w.note)
    row = 4
    if not rep.has_data:
        _empty(s, row)
        row += 2

    s.text(row, 0, "一、关键指标环比", w.section)
    row += 1
    s.headers(row, 0, ["指标", f"上月\n{rep.previous_label}", f"本月\n{rep.label}", "变化", "警示级别"])
    ws.set_row(row, 30)
    row += 1
    blank = w.fmt()
    for rec in rep.key_figures.itertuples(index=False):
        unit = rec.单位
        num = PCT if unit == "%" else INT if unit in ("通", "起") else SCORE
        change = PCT_CHANGE if unit == "%" else "+0;-0;0" if unit in ("通", "起") else SIGNED
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
    topics = "、".join(a.topics) if a.topics else "无"
    _merge_text(ws, row, 1, 4, topics, w.wrapped)
    if len(topics) > 26:  # long item names (offence rubrics): two lines
        ws.set_row(row, 30)
    row += 1
    s.text(row, 0, "质检主题: 服务能力项中本月不良比率最高的至多 2 项;变化 = 本月 − 上月(比率为百分点)", w.note)
    row += 2

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
    row += 2

    s.text(row, 0, f"三、轮回抽检(每人每工作日 {rep.sampling_target} 通)", w.section)
    row += 1
    counts = rep.sampling_counts()
    s.headers(row, 0, ["状态", "人数"])
    _merge_text(ws, row, 2, 4, "说明", w.header)
    row += 1
    off = int(rep.non_working_calls["通数"].sum()) if len(rep.non_working_calls) else 0
    for status, note in ((STATUS_OK, "每个工作日都正好达到目标"), (STATUS_UNDER, "有工作日少于目标"),
                         (STATUS_OVER, "有工作日多于目标"), (STATUS_BOTH, "既有不足也有过多的工作日")):
        if status == STATUS_BOTH and not counts[status]:
            continue
        s.put(row, 0, status, w.fmt(fill=STATUS_FILL[status]))
        s.put(row, 1, counts[status], w.fmt(INT))
        _merge_text(ws, row, 2, 4, note, w.indented)
        row += 1
    s.put(row, 0, "非工作日评分", blank)
    s.put(row, 1, off, w.fmt(INT))
    _merge_text(ws, row, 2, 4, "通,明细见“轮回抽检”" if off else "通", w.indented)
    row += 1
    for note in rep.notes:
        if note != NO_DATA:
            s.text(row, 0, note, w.note)
            row += 1

    s.finish(min_width=10)
    ws.set_column(0, 0, 13)
    ws.set_column(1, 3, 12)
    ws.set_column(4, 4, 10)
    ws.set_column(5, 5, 2)

    # The charts, right of the tables: month-over-month item scores and the weekly trend.
    if comparison is not None:
        chart = _comparison_chart(s.w.wb, rep, *comparison, size=(540, 330), labels=False)
        ws.insert_chart(4, 6, chart, {"x_offset": 4})
    if trend is not None:
        chart = _trend_chart(s.w.wb, *trend, size=(540, 310))
        ws.insert_chart(22, 6, chart, {"x_offset": 4})
    ws.print_area(0, 0, max(row, 37), 14)


# --- 每月监听评分表(月平均分) ----------------------------------------------------------------------

def _table(s: Sheet, row: int, df: pd.DataFrame, formats: dict[str, Any], *, col: int = 0,
           wrap_at: float = 16) -> int:
    """Headers and rows of `df` from `row`; returns the row after the table."""
    s.headers(row, col, [str(c) for c in df.columns], wrap_at=wrap_at)
    row += 1
    for rec in df.itertuples(index=False):
        for j, (name, v) in enumerate(zip(df.columns, rec)):
            fmt = formats.get(name)
            s.put(row, col + j, v, fmt if fmt is not None and not isinstance(fmt, str) else s.w.fmt(fmt))
        row += 1
    return row


def _scores(s: Sheet, rep: MonthlyReport) -> None:
    _title(s, f"每月监听评分表(月平均分) {rep.label}",
           "月平均分(服务质量月度评分) = 该坐席本月各通最终得分的平均值(校正录音按基准计一次);周列为该周内的平均分")
    df = rep.monthly_scores
    s.ws.freeze_panes(HEADER_ROW + 1, 3)
    s.ws.set_row(HEADER_ROW, 32)
    fmts = {c: SCORE for c in df.columns[4:]}
    fmts["通数"] = INT
    fmts["班组"] = s.w.centred
    if df.empty:
        s.headers(HEADER_ROW, 0, [str(c) for c in df.columns])
        _empty(s, HEADER_ROW + 1)
        s.finish(min_width=9)
        return
    shown = df.rename(columns={c: c.replace("(", "\n").rstrip(")") for c in df.columns[7:]})
    row = _table(s, HEADER_ROW, shown, fmts | {c: SCORE for c in shown.columns[7:]})
    total = s.w.fmt(SCORE, bold=True)
    o = rep.analysis.overall
    s.put(row, 0, "全体", s.w.fmt(bold=True))
    s.put(row, 3, o.n, s.w.fmt(INT, bold=True))
    s.put(row, 4, o.mean_score, total)
    s.put(row, 5, o.min_score, total)
    s.put(row, 6, o.max_score, total)
    for j, wk in enumerate(rep.weeks):
        s.put(row, 7 + j, wk.figures.mean_score, total)
    s.ws.autofilter(HEADER_ROW, 0, row - 1, len(df.columns) - 1)
    s.finish(min_width=9)
    for j in range(len(rep.weeks)):
        s.ws.set_column(7 + j, 7 + j, 13)


# --- 质检考核统计表 -------------------------------------------------------------------------------

def _assessment(s: Sheet, rep: MonthlyReport) -> None:
    _title(s, f"质检考核统计表 {rep.label}",
           "月度评分 = 本月各通最终得分的平均值(申诉改判的录音按改判后的分数);差错扣分为本月合计;"
           "致命性错误为本月起数;等级按评分标准;排名按月度评分(同分同名次)")
    df = rep.assessment
    s.ws.freeze_panes(HEADER_ROW + 1, 3)
    s.ws.set_row(HEADER_ROW, 32)
    fmts = {"排名": INT, "通数": INT, "月度评分": SCORE, "差错扣分": "0.##", "差错通数": INT, "致命性错误": INT,
            "申诉改判通数": INT,
            "上月评分": SCORE, "变化": SIGNED, "等级": s.w.centred, "班组": s.w.centred}
    if df.empty:
        s.headers(HEADER_ROW, 0, [str(c) for c in df.columns])
        _empty(s, HEADER_ROW + 1)
        s.finish(min_width=9)
        return
    row = _table(s, HEADER_ROW, df, fmts)
    bold = s.w.fmt(INT, bold=True)
    cols = list(df.columns)
    s.put(row, cols.index("工号"), "合计", s.w.fmt(bold=True))
    s.put(row, cols.index("通数"), int(df["通数"].sum()), bold)
    s.put(row, cols.index("差错扣分"), float(df["差错扣分"].sum()), s.w.fmt("0.##", bold=True))
    s.put(row, cols.index("差错通数"), int(df["差错通数"].sum()), bold)
    s.put(row, cols.index("致命性错误"), int(df["致命性错误"].sum()), bold)
    s.put(row, cols.index("申诉改判通数"), int(df["申诉改判通数"].sum()), bold)
    s.ws.autofilter(HEADER_ROW, 0, row - 1, len(cols) - 1)
    grades = "、".join(f"{g.name} ≥ {g.min:g}" for g in rep.rubric.grades)
    if grades:
        s.text(row + 2, 0, f"等级: {grades}", s.w.note)
    s.finish(min_width=9)


# --- 指标环比 -----------------------------------------------------------------------------------

def _comparison(s: Sheet, rep: MonthlyReport) -> tuple | None:
    """The table; returns (first row, last row, the level charted) of the charted rows, or None."""
    offence_only = not rep.rubric.categories
    what = "各扣分条款每百通发生次数" if offence_only else "各类别及评分项平均得分占其满分的比例(得分率)"
    _title(s, f"指标环比 {rep.previous_label} → {rep.label}",
           f"{what};变化 = 本月 − 上月" + (",单位为百分点" if not offence_only else ""))
    df = rep.comparison
    s.ws.freeze_panes(HEADER_ROW + 1, 2)
    s.headers(HEADER_ROW, 0, ["层级", "指标", "单位", "满分", f"上月({rep.previous_label})",
                              f"本月({rep.label})", "变化"])
    s.ws.set_row(HEADER_ROW, 32)
    row = HEADER_ROW + 1
    charted = LEVEL_OFFENCE if offence_only else LEVEL_ITEM
    first = last = None
    for rec in df.itertuples(index=False):
        num, change = _pct_or_per100(rec.单位)
        s.put(row, 0, rec.层级, s.w.fmt())
        s.put(row, 1, rec.指标, s.w.fmt())
        s.put(row, 2, rec.单位, s.w.fmt())
        s.put(row, 3, rec.满分, s.w.fmt("0.##"))
        s.put(row, 4, rec.上月, s.w.fmt(num))
        s.put(row, 5, rec.本月, s.w.fmt(num))
        s.put(row, 6, rec.变化, s.w.fmt(change))
        if rec.层级 == charted:
            first = row if first is None else first
            last = row
        row += 1
    for note in rep.notes:
        row += 1
        s.text(row, 0, note, s.w.note)
    if not rep.has_data:
        row += 1
        _empty(s, row)
    s.finish(min_width=9)
    s.ws.set_column(1, 1, max(s.widths.get(1, 0), 14))
    if first is None or not rep.has_data:
        return None
    chart = _comparison_chart(s.w.wb, rep, first, last, charted, size=(820, 330), labels=True)
    s.ws.insert_chart(row + 2, 0, chart)
    s.ws.fit_to_pages(1, 1)  # the table and its chart on one page
    return first, last, charted


def _comparison_chart(wb, rep: MonthlyReport, first: int, last: int, level: str, *, size, labels: bool):
    offence = level == LEVEL_OFFENCE
    num = PER_100 if offence else "0%"
    chart = wb.add_chart({"type": "column"})
    cats = [SHEET_COMPARISON, first, 1, last, 1]
    if rep.previous is not None:
        chart.add_series({"name": [SHEET_COMPARISON, HEADER_ROW, 4], "categories": cats,
                          "values": [SHEET_COMPARISON, first, 4, last, 4],
                          "fill": {"color": GREY}, "border": {"none": True}})
    series = {"name": [SHEET_COMPARISON, HEADER_ROW, 5], "categories": cats,
              "values": [SHEET_COMPARISON, first, 5, last, 5], "fill": {"color": BLUE},
              "border": {"none": True}, "gap": 60, "overlap": -5}
    if labels:
        series["data_labels"] = {"value": True, "num_format": "0.0" if offence else "0.0%",
                                 "font": {"size": 7}}
    chart.add_series(series)
    title = "扣分条款每百通发生次数 上月/本月" if offence else "评分项得分率 上月/本月"
    chart.set_title({"name": title, "name_font": {"size": 11}})
    y = {"num_format": num, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
         "num_font": {"size": 8}}
    if not offence:
        y.update({"min": 0, "max": 1})
    chart.set_y_axis(y)
    chart.set_x_axis({"num_font": {"size": 8, "rotation": -30}})
    chart.set_legend({"position": "top", "font": {"size": 8}})
    chart.set_size({"width": size[0], "height": size[1]})
    return chart


# --- 不良柏拉图 ----------------------------------------------------------------------------------

def _pareto(s: Sheet, rep: MonthlyReport) -> None:
    _title(s, f"不良柏拉图(80/20) {rep.label}",
           "评分项按不良数排序,累计占比约 80% 以内为主要问题;坐席按不良数(各评分项不良次数之和)排序")
    ws = s.ws
    ws.freeze_panes(HEADER_ROW + 1, 0)
    s.text(HEADER_ROW - 1, 0, "一、评分项", s.w.section)
    p = rep.item_pareto
    row = _table(s, HEADER_ROW, p, {"不良数": INT, "不良占比": PCT, "累计占比": PCT})
    first, last = HEADER_ROW + 1, row - 1
    row += 1
    s.text(row, 0, "二、坐席", s.w.section)
    row += 1
    ap = rep.agent_pareto
    if ap is None or ap.empty:
        s.headers(row, 0, ["工号", "姓名", "通数", "不良数", "不良占比", "累计占比"])
        _empty(s, row + 1)
    else:
        _table(s, row, ap, {"通数": INT, "不良数": INT, "不良占比": PCT, "累计占比": PCT})
    s.finish(min_width=9)
    if rep.has_data and len(p):
        bars = s.w.wb.add_chart({"type": "column"})
        cats = [SHEET_PARETO, first, 0, last, 0]
        bars.add_series({"name": "不良数", "categories": cats, "values": [SHEET_PARETO, first, 1, last, 1],
                         "fill": {"color": ORANGE}, "gap": 40})
        line = s.w.wb.add_chart({"type": "line"})
        line.add_series({"name": "累计占比", "categories": cats, "values": [SHEET_PARETO, first, 3, last, 3],
                         "y2_axis": True, "marker": {"type": "circle", "size": 5}, "line": {"color": NAVY}})
        bars.combine(line)
        bars.set_title({"name": f"评分项不良柏拉图 {rep.label}", "name_font": {"size": 11}})
        bars.set_y_axis({"name": "不良数", "num_font": {"size": 8}})
        line.set_y2_axis({"name": "累计占比", "min": 0, "max": 1, "num_format": "0%"})
        bars.set_x_axis({"num_font": {"size": 8, "rotation": -30}})
        bars.set_legend({"position": "bottom"})
        bars.set_size({"width": 720, "height": 360})
        ws.insert_chart(HEADER_ROW, 7, bars)


# --- 周趋势 -------------------------------------------------------------------------------------

def _trend(s: Sheet, rep: MonthlyReport) -> tuple | None:
    """Weekly trend and the daily colours; returns (first row, last row) of the weeks, or None."""
    _title(s, f"周趋势 {rep.label}",
           "按 ISO 周(周一至周日)统计本月内的评分;周内只含本月的日期")
    ws, w = s.ws, s.w
    ws.freeze_panes(HEADER_ROW + 1, 0)
    s.text(HEADER_ROW - 1, 0, "一、各周", w.section)
    s.headers(HEADER_ROW, 0, ["周", "周次", "起止", "通数", "平均分", "优良率", "平均不良比率", "警示级别"])
    row = HEADER_ROW + 1
    for rec in rep.trend.itertuples(index=False):
        s.put(row, 0, rec.周, w.fmt())
        s.put(row, 1, rec.周次, w.fmt())
        s.put(row, 2, rec.起止, w.fmt())
        s.put(row, 3, rec.通数, w.fmt(INT))
        s.put(row, 4, rec.平均分, w.fmt(SCORE))
        s.put(row, 5, rec.优良率, w.fmt(PCT))
        s.put(row, 6, rec.平均不良比率, w.fmt(PCT, level=rec.警示级别) if rec.警示级别 else w.fmt(PCT))
        if rec.警示级别:
            level_cell(s, row, 7, rec.警示级别)
        row += 1
    first, last = HEADER_ROW + 1, row - 1
    row += 1
    s.text(row, 0, "二、每日警示色", w.section)
    row += 1
    s.headers(row, 0, ["日期", "星期", "工作日", "通数", "平均分", "优良率", "平均不良比率", "警示级别", "警示色"])
    row += 1
    for rec in rep.daily.itertuples(index=False):
        s.put(row, 0, rec.日期, w.fmt("yyyy-mm-dd"))
        s.put(row, 1, rec.星期, w.fmt())
        s.put(row, 2, rec.工作日, w.fmt())
        s.put(row, 3, rec.通数, w.fmt(INT))
        s.put(row, 4, rec.平均分, w.fmt(SCORE))
        s.put(row, 5, rec.优良率, w.fmt(PCT))
        s.put(row, 6, rec.平均不良比率, w.fmt(PCT))
        level_cell(s, row, 7, rec.警示级别)
        s.put(row, 8, rec.警示色, w.fmt(level=rec.警示级别))
        row += 1
    if rep.daily.empty:
        _empty(s, row)
        row += 1
    row += 1
    s.text(row, 0, "三、警示色天数", w.section)
    row += 1
    colour_days_table(s, row, rep.colour_days())
    s.finish(min_width=9)
    if not rep.has_data or last < first:
        return None
    ws.insert_chart(HEADER_ROW, 10, _trend_chart(w.wb, first, last, size=(640, 320)))
    return first, last


def _trend_chart(wb, first: int, last: int, *, size):
    chart = wb.add_chart({"type": "line"})
    cats = [SHEET_TREND, first, 0, last, 0]
    chart.add_series({"name": "平均分", "categories": cats, "values": [SHEET_TREND, first, 4, last, 4],
                      "marker": {"type": "circle", "size": 6}, "line": {"color": BLUE, "width": 2.25},
                      "data_labels": {"value": True, "num_format": "0.0", "position": "above",
                                      "font": {"size": 8}}})
    chart.add_series({"name": "平均不良比率", "categories": cats, "values": [SHEET_TREND, first, 6, last, 6],
                      "y2_axis": True, "marker": {"type": "square", "size": 6},
                      "line": {"color": ORANGE, "width": 2.25, "dash_type": "dash"},
                      "data_labels": {"value": True, "num_format": "0.0%", "position": "below",
                                      "font": {"size": 8}}})
    chart.set_title({"name": "周趋势: 平均分与平均不良比率", "name_font": {"size": 11}})
    chart.set_y_axis({"name": "平均分", "num_format": "0", "num_font": {"size": 8},
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_y2_axis({"name": "平均不良比率", "num_format": "0%", "num_font": {"size": 8}})
    chart.set_x_axis({"num_font": {"size": 9}})
    chart.set_legend({"position": "top", "font": {"size": 8}})
    chart.show_blanks_as("gap")
    chart.set_size({"width": size[0], "height": size[1]})
    return chart


# --- 轮回抽检 -----------------------------------------------------------------------------------

def _sampling(s: Sheet, rep: MonthlyReport) -> None:
    ws, w = s.ws, s.w
    target = rep.sampling_target
    _title(s, f"轮回抽检 {rep.label}",
           f"目标: 每位坐席每个工作日抽检 {target} 通;本月工作日 {len(rep.working)} 天"
           f"(日历: {rep.working.calendar});每个录音计一次(重复评分与校正录音不重复计数)")
    ws.freeze_panes(HEADER_ROW + 1, 2)
    ws.set_row(HEADER_ROW, 32)
    df = rep.sampling
    s.text(HEADER_ROW - 1, 0, "一、各坐席", w.section)
    if df.empty:
        s.headers(HEADER_ROW, 0, [str(c) for c in df.columns])
        _empty(s, HEADER_ROW + 1)
        s.finish(min_width=9)
        return
    fmts = {c: INT for c in ("抽检天数", "工作日通数", "非工作日通数", "合计通数", "应抽通数", "不足天数", "过多天数")}
    fmts["差额"] = "+0;-0;0"
    table = df.drop(columns=["不足日期", "过多日期"])
    row = _table(s, HEADER_ROW, table, fmts, wrap_at=9)
    status_col = list(table.columns).index("状态")
    for i, status in enumerate(df["状态"].tolist()):
        s.put(HEADER_ROW + 1 + i, status_col, status, w.fmt(fill=STATUS_FILL.get(status)))
    s.text(row, 0, f"抽检不足: 有工作日少于 {target} 通;抽检过多: 有工作日多于 {target} 通;"
                   "差额 = 工作日通数 − 应抽通数(每人每工作日目标 × 工作日天数)", w.note)
    row += 2

    grid = rep.sampling_days
    days = [c for c in grid.columns if isinstance(c, dt.date)]
    last_col = max(len(table.columns), 2 + len(days)) - 1
    s.text(row, 0, "二、抽检不足或过多的日期(括号内为当天通数)", w.section)
    row += 1
    s.headers(row, 0, ["工号", "姓名", "状态"])
    _merge_text(ws, row, 3, last_col, "日期(当天通数)", w.header)
    row += 1
    flagged = df[df["状态"] != STATUS_OK]
    wrap = w.wb.add_format({"text_wrap": True, "valign": "vcenter", "border": 1, "border_color": "#BFBFBF"})
    for rec in flagged.itertuples(index=False):
        s.put(row, 0, rec.工号, w.fmt())
        s.put(row, 1, rec.姓名, w.fmt())
        s.put(row, 2, rec.状态, w.fmt(fill=STATUS_FILL.get(rec.状态)))
        text = ";".join(t for t in (f"不足: {rec.不足日期}" if rec.不足日期 else "",
                                     f"过多: {rec.过多日期}" if rec.过多日期 else "") if t)
        _merge_text(ws, row, 3, last_col, text, wrap)
        ws.set_row(row, 15 * (1 + len(text) // 110))
        row += 1
    if flagged.empty:
        s.put(row, 0, "无", w.fmt())
        _merge_text(ws, row, 1, last_col, "每位坐席每个工作日都正好抽检 "
                       f"{target} 通", w.fmt())
        row += 1
    row += 1

    s.text(row, 0, "三、每日抽检通数(工号 × 日期)", w.section)
    row += 1
    s.headers(row, 0, ["工号", "姓名"])
    for j, d in enumerate(days):
        label = f"{d:%m-%d}" + ("" if d in rep.working else "\n非工作日")
        ws.write_string(row, 2 + j, label, w.header)
    ws.set_row(row, 32)
    row += 1
    under, over, off = w.fmt(INT, fill=STATUS_FILL[STATUS_UNDER]), w.fmt(INT, fill=STATUS_FILL[STATUS_OVER]), \
        w.fmt(INT, fill="#D9D9D9")
    for rec in grid.itertuples(index=False):
        values = list(rec)
        s.put(row, 0, values[0], w.fmt())
        s.put(row, 1, values[1], w.fmt())
        for j, d in enumerate(days):
            n = int(values[2 + j])
            fmt = off if d not in rep.working and n else under if d in rep.working and n < target else \
                over if n > target else w.fmt(INT)
            ws.write_number(row, 2 + j, n, fmt)
        row += 1
    s.text(row, 0, f"红色: 少于 {target} 通;黄色: 多于 {target} 通;灰色: 非工作日的评分", w.note)
    row += 2

    s.text(row, 0, "四、非工作日的评分", w.section)
    row += 1
    offd = rep.non_working_calls
    if offd.empty:
        s.put(row, 0, "无", w.fmt())
    else:
        _table(s, row, offd, {"通数": INT})
    s.finish(min_width=6.5)


# --- 数据来源 -----------------------------------------------------------------------------------

def _sources(s: Sheet, rep: MonthlyReport, findings: list, sources: list[str], provenance=None) -> None:
    from zhijian import __version__

    r_ = rep.rubric
    s.headers(0, 0, ["项目", "内容"], wrap_at=100)
    s.ws.freeze_panes(1, 0)
    rows = [("评分标准", r_.name), ("评分标准编号", r_.id), ("评分标准版本", r_.version),
            ("评分标准内容哈希(SHA-256)", r_.content_hash or ""), ("统计月份", rep.label),
            ("环比月份", rep.previous_label), ("工作日天数", len(rep.working)), ("工作日日历", rep.working.calendar),
            ("每人每工作日抽检目标", rep.sampling_target), ("排除行数", rep.analysis.excluded_rows),
            ("zhijian 版本", __version__), ("输入文件数", len(sources))]
    r = 1
    for k, v in rows:
        s.put(r, 0, k)
        s.put(r, 1, v, s.w.fmt(INT) if isinstance(v, int) else None)
        r += 1
    r += 1
    s.headers(r, 0, ["校验规则", "问题数"])
    r += 1
    counts = Counter(str(f.rule) for f in findings)
    for rule, n in sorted(counts.items()):
        s.put(r, 0, rule)
        s.put(r, 1, n, s.w.fmt(INT))
        r += 1
    if not counts:
        s.put(r, 0, "无")
        r += 1
    r += 1
    if provenance is not None:
        write_sources_rows(s, provenance, r)
        s.finish(min_width=10)
        return
    s.headers(r, 0, ["序号", "输入文件"], wrap_at=100)
    r += 1
    for i, src in enumerate(sources, start=1):
        s.put(r, 0, i, s.w.fmt(INT))
        s.put(r, 1, str(src))
        r += 1
    if not sources:
        s.put(r, 1, "(未提供)")
    s.finish(min_width=10)
