"""The 质检周报 workbook: a `weekly.WeeklyReport` written to .xlsx with XlsxWriter.

Same conventions as the 服务质量分析表 (`analysis_workbook`): every figure is a value (rates as
fractions 0–1 with a percent format, so reading the workbook back gives the numbers of
`WeeklyReport.to_dict()`), text is written with `write_string` (a remark "=1+1" stays text), the
output is deterministic (fixed creation time: the same report gives the same bytes) and written
atomically. Every sheet prints on A4 landscape, one page wide.

Sheets: 周报概览 (key figures, the week's 警示色 per day, 质检主题, working-days calendar, charts;
written by `weekly_overview`), 监听评分表(周平均分), 员工服务质量反馈表, 质检组评分周报, 每周质检主题反馈跟踪表,
排除与重复, 数据来源, and the hidden 图表数据 (the warning lines the charts draw, `weekly_overview`).
What the sheets share is in `weekly_common`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from zhijian.engine.analysis import warning_fill
from zhijian.engine.ledger import describe_ledger
from zhijian.engine.weekly import WeeklyReport, day_label

from .toolkit import (INT, PCT, SCORE, SHEET_EXCLUDED, SHEET_SOURCES, SIGNED, Sheet, display_width, missing,
                      new_workbook, sheet_title)
from .common_sheets import write_appeals_sheet, write_excluded_sheet, write_provenance, write_sources_sheet
from .weekly_common import EMPTY_WEEK, WeeklyWriter, quota_fill, score_fill
from .weekly_overview import SHEET_CHART_DATA, SHEET_OVERVIEW, write_chart_data, write_overview

SHEET_AGENT_SCORES = "监听评分表(周平均分)"
SHEET_FEEDBACK = "员工服务质量反馈表"
SHEET_INSPECTORS = "质检组评分周报"
SHEET_TOPICS = "每周质检主题反馈跟踪表"
SHEETS = [SHEET_OVERVIEW, SHEET_AGENT_SCORES, SHEET_FEEDBACK, SHEET_INSPECTORS, SHEET_TOPICS, SHEET_EXCLUDED,
          SHEET_SOURCES, SHEET_CHART_DATA]

# Arial (Liberation Sans in LibreOffice, the same metrics) rather than Calibri, which LibreOffice
# replaces by a much wider font when Carlito is not installed: the overview's tables and charts
# then keep their proportions, and fit the page, in both. Its digit is 7 px wide, like Calibri
# 11's, so XlsxWriter's column-width arithmetic still holds. CJK text falls back to the
# system's CJK font in both.
# (A plain font, not the theme's "minor" font, which Excel would show as Calibri. XlsxWriter
# changes the dict it is given: pass a copy.)
DEFAULT_FONT = {"font_name": "Arial", "font_size": 10, "font_scheme": False}
WORST_WIDTH = 38  # 主要不良项 column
REMARK_WIDTH = 84  # 质检员备注 column


def write_weekly_workbook(report: WeeklyReport, path: Path, *, findings: list | None = None,
                          sources: list[str] | None = None, appeals: list | None = None,
                          provenance=None, policy=None) -> Path:
    """Write the 质检周报 workbook of `report` to `path` (atomically); returns `path`.

    `findings` (validation findings of the week) explain the rows that were excluded; `sources`
    are the input files, listed on the 数据来源 sheet.
    """
    path = Path(path)
    with new_workbook(path, title=f"{report.rubric.name} 质检周报 {report.label}", subject="质检周报",
                      default_font=DEFAULT_FONT) as wb:
        w = WeeklyWriter(wb)
        write_overview(w, report)
        _agent_scores(w, report)
        _feedback(w, report)
        _inspectors(w, report)
        _topics(w, report)
        write_excluded_sheet(w, report.analysis, findings or [])
        if appeals is not None:
            write_appeals_sheet(w, appeals, policy)
        write_sources_sheet(w, report.analysis, sources or [], provenance)
        write_chart_data(w, report)  # charts resolve their ranges when the workbook closes
        if provenance is not None:
            write_provenance(wb, provenance)
    return path


def _title(w: WeeklyWriter, s: Sheet, report: WeeklyReport, name: str, note: str) -> None:
    sheet_title(s, f"{name}  {report.label}", note, height=22)


def _empty(w: WeeklyWriter, s: Sheet, row: int) -> None:
    s.text(row, 0, EMPTY_WEEK, w.note)


# --- 2. 监听评分表(周平均分) ------------------------------------------------------------------------

def _agent_scores(w: WeeklyWriter, report: WeeklyReport) -> None:
    s = w.sheet(SHEET_AGENT_SCORES)
    ws, df, a = s.ws, report.agent_scores, report.analysis
    _, good, pass_ = a.overall.marks
    # A ledger rubric: the agent's period score so far takes the mean's place; calls have no score.
    mean_key = "期间得分" if a.ledger is not None else "周平均分"
    how = f"期间得分 = {describe_ledger(report.rubric)}({a.ledger.label});通话没有得分,最低分与各日留空" \
        if a.ledger is not None else \
        "周平均分 = 坐席本周各通最终得分的平均值(校正录音按基准计一次);各日为当天平均分,空白 = 当天无评分"
    _title(w, s, report, "监听评分表(周平均分)",
           f"{how};低于良好水平 {good:g} 分浅黄,低于最低允许 {pass_:g} 分浅红")
    day_cols = report.day_columns
    extra = [c for c in ("发生次数", "窗口内此前次数", "扣分合计", "扣分明细") if c in df.columns]
    head = ["工号", "姓名", "班组", "通数", mean_key, "最低分", "等级", *day_cols, *extra]
    s.headers(2, 0, head)
    ws.set_row(2, 30)
    ws.freeze_panes(3, 2)
    ws.repeat_rows(2)
    r = 3
    for rec in df.to_dict("records"):
        _agent_cells(w, s, report, r, rec, mean_key)
        s.put(r, 6, rec["等级"], w.cell(center=True))
        for j, col in enumerate(day_cols):
            v = rec[col]
            s.put(r, 7 + j, v, w.cell(SCORE, fill=score_fill(report, v)))
        for j, col in enumerate(extra):
            s.put(r, 7 + len(day_cols) + j, rec[col], w.cell())
        r += 1
    if df.empty:
        _empty(w, s, r)
        s.finish(min_width=9)
        return
    ws.autofilter(2, 0, r - 1, len(head) - 1)
    # The whole team: the engine's overall and per-day figures.
    o = a.overall
    by_day = dict(a.by_day)
    total = w.cell(bold=True, fill="#DDEBF7")
    s.put(r, 0, "全部坐席", total)
    ws.write_blank(r, 1, None, total)
    ws.write_blank(r, 2, None, total)
    s.put(r, 3, o.n, w.cell(INT, bold=True, fill="#DDEBF7"))
    s.put(r, 4, o.mean_score, w.cell(SCORE, bold=True, fill="#DDEBF7"))
    s.put(r, 5, o.min_score, w.cell(SCORE, bold=True, fill="#DDEBF7"))
    s.put(r, 6, report.rubric.grade_for(o.mean_score) if o.mean_score is not None else "",
          w.cell(bold=True, center=True, fill="#DDEBF7"))
    for j, d in enumerate(report.days):
        f = by_day.get(d)
        s.put(r, 7 + j, f.mean_score if f else None, w.cell(SCORE, bold=True, fill="#DDEBF7"))
    s.finish(min_width=9)


def _agent_cells(w: WeeklyWriter, s: Sheet, report: WeeklyReport, r: int, rec: dict, mean_key: str) -> None:
    """工号, 姓名, 班组, 通数, the mean and the lowest score (filled below 良好水平 / 最低允许)."""
    s.put(r, 0, rec["工号"], w.cell())
    s.put(r, 1, rec["姓名"], w.cell())
    s.put(r, 2, rec["班组"], w.cell())
    s.put(r, 3, rec["通数"], w.cell(INT))
    s.put(r, 4, rec[mean_key], w.cell(SCORE, bold=True, fill=score_fill(report, rec[mean_key])))
    s.put(r, 5, rec["最低分"], w.cell(SCORE, fill=score_fill(report, rec["最低分"])))


# --- 3. 员工服务质量反馈表 -------------------------------------------------------------------------

def _feedback(w: WeeklyWriter, report: WeeklyReport) -> None:
    s = w.sheet(SHEET_FEEDBACK)
    ws, df = s.ws, report.agent_feedback
    ledger = report.analysis.ledger is not None  # no call score: the period score, the calls that cost most
    _title(w, s, report, "员工服务质量反馈表",
           "主要不良项: 本周不良次数最多的评分项(括号内为通数);备注: "
           + ("本通扣分最多的 2 通录音的质检员备注;期间得分 = 坐席考核期截至本周的得分,通话没有得分,最低分留空"
              if ledger else "得分最低的 2 通录音的质检员备注") + "(客户电话、证件号已隐去)")
    head = ["工号", "姓名", "班组", "通数", "期间得分" if ledger else "平均分", "最低分", "主要不良项",
            "扣分最多录音的质检员备注" if ledger else "最低分录音的质检员备注"]
    s.headers(2, 0, head)
    ws.set_row(2, 30)
    ws.freeze_panes(3, 2)
    ws.repeat_rows(2)
    r = 3
    for rec in df.to_dict("records"):
        _agent_cells(w, s, report, r, rec, "平均分")
        s.put(r, 6, rec["主要不良项"], w.cell(wrap=True), width=False)
        s.put(r, 7, rec["最低分录音的质检员备注"], w.cell(wrap=True), width=False)
        lines = max(_lines(rec["最低分录音的质检员备注"], REMARK_WIDTH), _lines(rec["主要不良项"], WORST_WIDTH))
        ws.set_row(r, 15 * lines + 3)
        r += 1
    if df.empty:
        _empty(w, s, r)
    else:
        ws.autofilter(2, 0, r - 1, len(head) - 1)
    s.finish(min_width=8)
    ws.set_column(6, 6, WORST_WIDTH)
    ws.set_column(7, 7, REMARK_WIDTH)


def _lines(text: Any, width: float) -> int:
    """Lines a wrapped text takes in a column `width` wide (Excel units)."""
    parts = str(text or "").split("\n")
    return sum(max(1, math.ceil(display_width(p) / (width - 1))) for p in parts)


# --- 4. 质检组评分周报 ----------------------------------------------------------------------------

def _inspectors(w: WeeklyWriter, report: WeeklyReport) -> None:
    s = w.sheet(SHEET_INSPECTORS)
    ws, df = s.ws, report.inspectors
    band = report.rubric.analysis.calibration_band
    _title(w, s, report, "质检组评分周报",
           f"评分通数: 质检员本人的评分(含校正录音,不含重复行);定额 = 每工作日 {report.quota_per_day} 通 × "
           f"{len(report.working_days)} 个工作日 = {report.quota} 通;完成率 = 评分通数 / 定额")
    head = ["质检员", "评分通数", "工作日数", "定额", "完成率", "平均给分", "校正通数", "平均偏差", "对齐分",
            f"一致率(±{band:g}分)"]
    s.headers(2, 0, head)
    ws.set_row(2, 30)
    ws.freeze_panes(3, 1)
    r = 3
    for rec in df.to_dict("records"):
        s.put(r, 0, rec["质检员"], w.cell())
        s.put(r, 1, rec["评分通数"], w.cell(INT, bold=True))
        s.put(r, 2, rec["工作日数"], w.cell(INT))
        s.put(r, 3, rec["定额"], w.cell(INT))
        s.put(r, 4, rec["完成率"], w.cell(PCT, fill=quota_fill(rec["完成率"])))
        s.put(r, 5, rec["平均给分"], w.cell(SCORE))
        s.put(r, 6, rec["校正通数"], w.cell(INT))
        s.put(r, 7, rec["平均偏差"], w.cell(SIGNED))
        s.put(r, 8, rec["对齐分"], w.cell(PCT))
        s.put(r, 9, rec["一致率"], w.cell(PCT))
        r += 1
    if df.empty:
        _empty(w, s, r)
        r += 1
    r += 1
    s.text(r, 0, "完成率低于 100% 浅黄;平均偏差 = 质检员最终得分 − 校正基准得分的平均值: + 偏松(给分偏高),"
                 "− 偏严(给分偏低);空白 = 本周没有校正录音", w.note)
    s.finish(min_width=9)


# --- 5. 每周质检主题反馈跟踪表 ----------------------------------------------------------------------

def _topics(w: WeeklyWriter, report: WeeklyReport) -> None:
    s = w.sheet(SHEET_TOPICS)
    ws, df = s.ws, report.topic_tracking
    _title(w, s, report, "每周质检主题反馈跟踪表",
           f"本周质检主题: {'、'.join(report.topics_this_week) or '无'}({report.topics_basis});"
           f"看主题项的不良比率是否逐日下降")
    head = ["质检主题", "日期", "星期", "通数", "不良数", "不良比率", "警示级别", "较上一日"]
    s.headers(2, 0, head)
    ws.set_row(2, 30)
    ws.freeze_panes(3, 1)
    r = 3
    series: dict[str, list[int]] = {}
    for rec in df.to_dict("records"):
        week_row = rec["日期"] is None or missing(rec["日期"])
        bold = week_row
        fill = "#DDEBF7" if week_row else None
        s.put(r, 0, rec["质检主题"], w.cell(bold=bold, fill=fill))
        if week_row:
            s.put(r, 1, "本周合计", w.cell(bold=True, fill=fill))
        else:
            s.put(r, 1, day_label(rec["日期"]).split()[0], w.cell(center=True))
            series.setdefault(rec["质检主题"], []).append(r)
        s.put(r, 2, "" if week_row else rec["星期"], w.cell(center=True, fill=fill))
        s.put(r, 3, rec["通数"], w.cell(INT, bold=bold, fill=fill))
        s.put(r, 4, rec["不良数"], w.cell(INT, bold=bold, fill=fill))
        lv = rec["警示级别"]
        s.put(r, 5, rec["不良比率"], w.cell(PCT, bold=bold, fill=warning_fill(lv)))
        s.put(r, 6, lv, w.cell(center=True, fill=warning_fill(lv)))
        delta = rec["较上一日"]
        s.put(r, 7, delta, w.cell("+0.0%;-0.0%;0.0%", font=None if missing(delta) else
                                  ("#C00000" if delta > 1e-12 else "#00B050" if delta < -1e-12 else None),
                                  fill=fill))
        r += 1
    if df.empty:
        s.text(r, 0, "本周没有质检主题" if not report.topics_this_week else EMPTY_WEEK, w.note)
        r += 1
    r += 1
    s.put(r, 0, "下周建议主题", w.row_label)
    s.put(r, 1, "、".join(report.topics_next_week) or "无", w.bold)
    s.text(r, 3, "本周服务能力项中不良比率最高的至多 2 项", w.note)
    r += 1
    s.text(r, 0, "较上一日: 不良比率比前一个有评分的日子的变化(百分点),红色上升、绿色下降", w.note)
    r += 2
    s.finish(min_width=9)
    if series and any(len(v) > 1 for v in series.values()):
        ws.insert_chart(2, len(head) + 1, _topics_chart(w, series), {"x_offset": 10})


def _topics_chart(w: WeeklyWriter, series: dict[str, list[int]]):
    """质检主题项每日不良比率: a line per topic over its rows of the table (`series`)."""
    chart = w.wb.add_chart({"type": "line"})
    colours = ["#C00000", "#2E75B6", "#70AD47", "#7030A0"]
    font = {"size": 9}
    for k, (item, rows) in enumerate(series.items()):
        colour = colours[k % len(colours)]
        # the name is the cell holding the item's name: XlsxWriter takes a text such as
        # "=cmd|' /C calc'!A0" (a rubric's item name) for a reference, a formula in the chart
        chart.add_series({"name": [SHEET_TOPICS, rows[0], 0], "categories": [SHEET_TOPICS, rows[0], 1, rows[-1], 1],
                          "values": [SHEET_TOPICS, rows[0], 5, rows[-1], 5],
                          "line": {"color": colour, "width": 2.25},
                          "marker": {"type": "circle", "size": 6, "fill": {"color": colour},
                                     "border": {"color": colour}},
                          "data_labels": {"value": True, "num_format": "0%", "position": "above",
                                          "font": font}})
    chart.set_title({"name": "质检主题项每日不良比率", "name_font": {"size": 12, "bold": True}})
    chart.set_x_axis({"name": "日期", "name_font": font, "num_font": font})
    chart.set_y_axis({"name": "不良比率", "min": 0, "max": 1, "major_unit": 0.2, "num_format": "0%",
                      "name_font": font, "num_font": font,
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom", "font": font})
    chart.set_size({"width": 520, "height": 320})
    return chart
