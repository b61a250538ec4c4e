"""The 季度/年度质检考核表 workbook: a `period_review.PeriodReview` written with XlsxWriter over the
toolkit. Every figure is a value (rates as fractions with a percent format); deterministic.

Sheets: 考核概览 (key figures by month, 服务之星 and 岗位调整 candidates, the rules, two charts),
季度质检考核表 / 年度质检考核表 (per agent each month's 月度评分, the period's score, rank, grade,
trend), 服务质量分析(月度) (the 服务质量分析表's figures month by month, chart), 评分项趋势 (items'
不良比率 and categories' 得分率 by month, chart), 班组, then the sections the pipeline adds
(投诉表扬与拨测: `complaints_sheet`), 数据来源.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from zhijian.engine.ledger import describe_ledger
from zhijian.engine.period_review import DOWN, TREND_STEP, UP, PeriodReview

from .toolkit import INT, PCT, SCORE, SIGNED2, Sheet, Writer, frame_table, new_workbook, sheet_title
from .common_sheets import (write_account_rows, write_excluded_sheet, write_provenance, write_sources_rows,
                            write_unreadable)

SHEET_OVERVIEW = "考核概览"
SHEET_MONTHS = "服务质量分析(月度)"
SHEET_ITEMS = "评分项趋势"
SHEET_TEAMS = "班组"
SHEET_SOURCES = "数据来源"
HEADER_ROW = 3
LOW_FILL, STAR_FILL, UP_FONT, DOWN_FONT = "#F8CBAD", "#FFE699", "#006100", "#C00000"
BLUE, ORANGE = "#2E75B6", "#ED7D31"
SERIES_COLOURS = ["#2E75B6", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47", "#264478", "#9E480E",
                  "#636363", "#997300", "#255E91", "#43682B"]


class ReviewWriter(Writer):
    """A printed report: boxed tables, and the big title of its overview."""

    def __init__(self, wb):
        super().__init__(wb, boxed=True)
        self.big_title = wb.add_format({"bold": True, "font_size": 18, "font_color": "#1F4E78"})


def assessment_sheet_name(rep: PeriodReview) -> str:
    return f"{rep.word}质检考核表"


def write_period_review_workbook(rep: PeriodReview, path: Path, *, provenance=None) -> Path:
    """Write the workbook of `rep` to `path` (atomically); with the 投诉表扬与拨测 sheet when the
    pipeline added the registers' section."""
    path = Path(path)
    title = f"{rep.rubric.name} {rep.word}质检考核表 {rep.label}"
    with new_workbook(path, title=title, subject=f"{rep.word}质检考核表") as wb:
        w = ReviewWriter(wb)
        overview = _sheet(w, SHEET_OVERVIEW, rep)
        agents = _sheet(w, assessment_sheet_name(rep), rep)
        months = _sheet(w, SHEET_MONTHS, rep)
        items = _sheet(w, SHEET_ITEMS, rep)
        teams = _sheet(w, SHEET_TEAMS, rep)
        month_rows = _months(months, rep)
        _agents(agents, rep)
        _items(items, rep)
        _teams(teams, rep)
        _overview(overview, rep, month_rows)
        if "complaints" in rep.extra:
            from .complaints_sheet import write_complaints_sheet
            write_complaints_sheet(w, rep.extra["complaints"])
        write_excluded_sheet(w, rep.overall, rep.findings)
        src = w.sheet(SHEET_SOURCES)
        r = 0
        if provenance is not None:
            r = write_sources_rows(src, provenance)
            write_provenance(wb, provenance)
        # The period's row account, as every report's 数据来源 shows it.
        write_unreadable(src, rep.overall.account, write_account_rows(src, rep.overall.account, r + 1) + 1)
        src.finish(min_width=10)
    return path


def _sheet(w: Writer, name: str, rep: PeriodReview) -> Sheet:
    s = w.sheet(name)
    s.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    s.ws.set_header(f"&L&9{rep.rubric.name} {rep.word}质检考核表 {rep.label}&R&9{name}")
    s.ws.set_footer("&C&9第 &P 页,共 &N 页")
    return s


# --- 考核概览 -----------------------------------------------------------------------------------------

def _overview(s: Sheet, rep: PeriodReview, month_rows: tuple[int, int]) -> None:
    w, ws = s.w, s.ws
    ws.hide_gridlines(2)
    ws.set_row(0, 30)
    s.text(0, 0, f"《{rep.rubric.name}》{rep.word}质检考核表 {rep.label}", w.big_title)
    s.text(1, 0, f"统计期 {rep.period.describe()};评分标准 {rep.rubric.id} 版本 {rep.rubric.version};"
                 f"考核月份: {'、'.join(rep.assessed) or '无'}", w.note)
    s.text(2, 0, "行数核对: " + rep.overall.account.identity_text(), w.note)
    row = 3
    for note in rep.notes:
        s.text(row, 0, note, w.note)
        row += 1
    s.text(row, 0, "一、各月服务质量", w.section)
    row = frame_table(s, row + 1, rep.month_figures[["月份", "有效通数", "平均分", "优良率", "平均不良比率",
                                                     "警示级别", "差错扣分合计", "致命性错误"]],
                      {"有效通数": INT, "平均分": SCORE, "优良率": PCT, "平均不良比率": PCT, "差错扣分合计": "0.##",
                       "致命性错误": INT})
    row += 1
    s.text(row, 0, f"二、服务之星候选(前 {rep.star_count} 名)", w.section)
    row = _list_or_none(s, row + 1, rep.stars, {"名次": INT, "期间评分": SCORE, "考核月数": INT},
                        "没有符合条件的坐席")
    row += 1
    s.text(row, 0, "三、岗位调整候选(2 个及以上月份低于最低允许)", w.section)
    row = _list_or_none(s, row + 1, rep.adjustments, {"低于最低允许月数": INT, "期间评分": SCORE}, "无")
    row += 1
    s.text(row, 0, "四、规则", w.section)
    for line in rules_text(rep):
        row += 1
        s.text(row, 0, line, w.note)
    s.finish(min_width=9)
    if rep.has_data:
        ws.insert_chart(3, 10, _month_chart(w.wb, month_rows, rep))
        if len(rep.agents):
            ws.insert_chart(22, 10, _agent_chart(w.wb, rep))


def rules_text(rep: PeriodReview) -> list[str]:
    marks = rep.rubric.marks
    month = (f"月度评分 = 坐席当月的考核得分({describe_ledger(rep.rubric)};与月报的质检考核统计表相同);"
             f"当月有评分记录即计入{rep.word}考核(得分是坐席当月的账,不是各通的平均,不受通数限制)。"
             if rep.rubric.ledger is not None else
             f"月度评分 = 坐席当月各通最终得分的平均值(与月报、汇总分析相同);当月有效通数不少于 {rep.min_calls} 通时计入{rep.word}考核。")
    return [
        month,
        "期间评分 = 计入考核的各月月度评分的平均值(每月同权);排名按期间评分,同分同名次;等级按评分标准。",
        f"趋势 = 计入考核的月度评分对月份的最小二乘斜率(分/月):≥ +{TREND_STEP:g} 为{UP},≤ −{TREND_STEP:g} 为{DOWN},其余为持平;"
        "不足 2 个月为数据不足。",
        f"服务之星候选: 每个考核月份都计入考核、期内无致命性错误、期间评分不低于良好水平 {marks.good:g} 分的坐席中,"
        f"期间评分前 {rep.star_count} 名(并列者一并列出)。",
        f"岗位调整候选: 2 个及以上考核月份的月度评分低于最低允许 {marks.pass_:g} 分(制度: 持续考核成绩不理想,"
        "经培训仍无明显改进的,可考虑岗位调整),供面谈与培训参考。",
    ]


def _list_or_none(s: Sheet, row: int, df: pd.DataFrame, formats: dict, none: str) -> int:
    if df.empty:
        s.text(row, 0, none, s.w.note)
        return row + 1
    return frame_table(s, row, df, formats)


def _month_chart(wb, rows: tuple[int, int], rep: PeriodReview):
    """平均分 (left axis) and 优良率 (right axis) of each month (rows of the monthly sheet)."""
    first, last = rows
    chart = wb.add_chart({"type": "line"})
    cats = [SHEET_MONTHS, first, 0, last, 0]
    chart.add_series({"name": "平均分", "categories": cats, "values": [SHEET_MONTHS, first, 3, last, 3],
                      "marker": {"type": "circle", "size": 6}, "line": {"color": BLUE, "width": 2.25},
                      "data_labels": {"value": True, "num_format": "0.0", "position": "above",
                                      "font": {"size": 8}}})
    chart.add_series({"name": "优良率", "categories": cats, "values": [SHEET_MONTHS, first, 4, last, 4],
                      "y2_axis": True, "marker": {"type": "square", "size": 6},
                      "line": {"color": ORANGE, "width": 2.25, "dash_type": "dash"}})
    chart.set_title({"name": f"{rep.label} 各月平均分与优良率", "name_font": {"size": 11}})
    chart.set_y_axis({"name": "平均分", "num_format": "0", "num_font": {"size": 8}})
    chart.set_y2_axis({"name": "优良率", "num_format": "0%", "min": 0, "max": 1, "num_font": {"size": 8}})
    chart.set_legend({"position": "top", "font": {"size": 8}})
    chart.show_blanks_as("gap")
    chart.set_size({"width": 640, "height": 300})
    return chart


def _agent_chart(wb, rep: PeriodReview):
    """Each agent's 期间评分 (the assessment sheet's rows, in rank order)."""
    name = assessment_sheet_name(rep)
    cols = list(rep.agents.columns)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(rep.agents)
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "期间评分", "categories": [name, first, cols.index("工号"), last, cols.index("工号")],
                      "values": [name, first, cols.index("期间评分"), last, cols.index("期间评分")],
                      "fill": {"color": BLUE}, "gap": 50})
    chart.set_title({"name": f"坐席{rep.word}期间评分", "name_font": {"size": 11}})
    chart.set_y_axis({"num_format": "0", "min": max(0, rep.rubric.marks.pass_ - 20), "num_font": {"size": 8}})
    chart.set_x_axis({"num_font": {"size": 7, "rotation": -45}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 640, "height": 300})
    return chart


# --- 季度/年度质检考核表 ------------------------------------------------------------------------------

def _agents(s: Sheet, rep: PeriodReview) -> None:
    sheet_title(s, f"{assessment_sheet_name(rep)} {rep.label}",
                f"各月列为月度评分(少于 {rep.min_calls} 通的月份显示但不计入);红底: 低于最低允许 "
                f"{rep.rubric.marks.pass_:g} 分;黄底: 服务之星候选;斜率为分/月")
    df = rep.agents
    s.ws.freeze_panes(HEADER_ROW + 1, 3)
    month_cols = [m.short for m in rep.months]
    fmts: dict[str, Any] = {c: SCORE for c in month_cols}
    fmts.update({"排名": INT, "通数": INT, "考核月数": INT, "期间评分": SCORE, "斜率": SIGNED2, "差错扣分": "0.##",
                 "致命性错误": INT, "低于最低允许月数": INT, "申诉改判通数": INT})
    stars = set(rep.stars["工号"])
    fills = []
    for r in df.to_dict("records"):
        fill = {c: LOW_FILL for c in month_cols if not pd.isna(r[c]) and r[c] < rep.rubric.marks.pass_ - 1e-9}
        if r["工号"] in stars:
            fill.update({"工号": STAR_FILL, "姓名": STAR_FILL, "期间评分": STAR_FILL})
        fills.append(fill)
    end = frame_table(s, HEADER_ROW, df, fmts, fills=fills)
    if df.empty:
        s.text(HEADER_ROW + 1, 0, "本期没有有效评分记录", s.w.note)
    else:
        s.ws.autofilter(HEADER_ROW, 0, end - 1, len(df.columns) - 1)
        trend = list(df.columns).index("趋势")
        for i, t in enumerate(df["趋势"].tolist()):
            if t in (UP, DOWN):
                s.put(HEADER_ROW + 1 + i, trend, t, s.w.fmt(font=UP_FONT if t == UP else DOWN_FONT, center=True))
    s.finish(min_width=7)


# --- 服务质量分析(月度) -----------------------------------------------------------------------------

def _months(s: Sheet, rep: PeriodReview) -> tuple[int, int]:
    """The month rows; returns (first, last) data rows of the months (not the period row)."""
    note = "每月的服务质量分析表指标(与 zhijian consolidate --period month 的结果相同);最后一行为整个统计期"
    if rep.undated:
        # Each month excludes them, as each month's report does: the months' 排除行数 do not add up.
        note += (f";各月的排除行数含日期为空或无法识别的 {rep.undated} 行(不属于任何月份,与各月的月报一样"
                 "每个月都排除),整个统计期只计一次")
    sheet_title(s, f"服务质量分析(月度) {rep.label}", note)
    df = rep.month_figures
    fmts: dict[str, Any] = {c: INT for c in df.columns if c.endswith("天数")}
    fmts.update({"有效通数": INT, "排除行数": INT, "平均分": SCORE, "优良率": PCT, "轻微不良": PCT, "一般不良": PCT,
                 "80分以下": PCT, "平均不良比率": PCT, "差错扣分合计": "0.##", "致命性错误": INT, "坐席数": INT})
    levels = df["警示级别"].tolist()
    end = HEADER_ROW + 1
    below = f"{rep.rubric.analysis.general[0]:g}分以下"  # the band follows full marks (40 分: 32分以下)
    s.headers(HEADER_ROW, 0, [below if c == "80分以下" else str(c) for c in df.columns])
    for i, rec in enumerate(df.to_dict("records")):
        for j, (name, v) in enumerate(rec.items()):
            level = levels[i] if name in ("警示级别", "平均不良比率") and levels[i] else None
            fmt = fmts.get(name)
            s.put(end, j, v, s.w.fmt(fmt, level=level, bold=i == len(df) - 1))
        end += 1
    s.ws.freeze_panes(HEADER_ROW + 1, 1)
    s.finish(min_width=8)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(rep.months)
    if rep.has_data:
        s.ws.insert_chart(end + 1, 0, _month_chart(s.w.wb, (first, last), rep))
    return first, last


# --- 评分项趋势 --------------------------------------------------------------------------------------

def _items(s: Sheet, rep: PeriodReview) -> None:
    sheet_title(s, f"评分项趋势 {rep.label}",
                "上表: 各评分项每月的不良比率(斜率为每月变化,百分点/100);下表: 各类别、评分项每月的得分率(占满分的比例)")
    month_cols = [m.short for m in rep.months]
    items = rep.item_trends
    fmts = {c: PCT for c in [*month_cols, "期间"]}
    fmts["斜率"] = "+0.0%;-0.0%;0.0%"
    end = frame_table(s, HEADER_ROW, items, fmts)
    item_rows = (HEADER_ROW + 1, end - 1)
    end += 2
    s.text(end, 0, "各类别、评分项得分率", s.w.section)
    cats = rep.category_trends
    end = frame_table(s, end + 1, cats, fmts | {"满分": "0.##"})
    s.ws.freeze_panes(HEADER_ROW + 1, 1)
    s.finish(min_width=8)
    if rep.has_data and len(items):
        chart = s.w.wb.add_chart({"type": "line"})
        first, last = item_rows
        start_col = list(items.columns).index(month_cols[0])
        for k, r in enumerate(range(first, last + 1)):
            chart.add_series({"name": [SHEET_ITEMS, r, 0],
                              "categories": [SHEET_ITEMS, HEADER_ROW, start_col, HEADER_ROW, start_col + len(month_cols) - 1],
                              "values": [SHEET_ITEMS, r, start_col, r, start_col + len(month_cols) - 1],
                              "marker": {"type": "circle", "size": 4},
                              "line": {"color": SERIES_COLOURS[k % len(SERIES_COLOURS)], "width": 1.5}})
        chart.set_title({"name": "各评分项不良比率(按月)", "name_font": {"size": 11}})
        chart.set_y_axis({"num_format": "0%", "min": 0, "num_font": {"size": 8}})
        chart.set_legend({"position": "right", "font": {"size": 8}})
        chart.show_blanks_as("gap")
        chart.set_size({"width": 760, "height": 360})
        s.ws.insert_chart(end + 1, 0, chart)


def _teams(s: Sheet, rep: PeriodReview) -> None:
    sheet_title(s, f"班组 {rep.label}", "各班组每月的平均分(服务质量分析表的班组口径)与整个统计期")
    df = rep.teams
    fmts = {c: SCORE for c in df.columns if c not in ("班组", "通数")}
    fmts["通数"] = INT
    frame_table(s, HEADER_ROW, df, fmts)
    s.finish(min_width=8)
