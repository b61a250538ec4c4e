"""The 质检周报 workbook: a `weekly.WeeklyReport` written to .xlsx with XlsxWriter.

Same conventions as the 服务质量分析表 (`report_analysis`): every figure is a value (rates as
fractions 0–1 with a percent format, so reading the workbook back gives the numbers of
`WeeklyReport.to_dict()`), text is written with `write_string` (a remark "=1+1" stays text), the
output is deterministic (fixed creation time: the same report gives the same bytes) and written
atomically. Every sheet prints on A4 landscape, one page wide.

Sheets: 周报概览 (key figures, the week's 警示色 per day, 质检主题, working-days calendar, charts),
监听评分表(周平均分), 员工服务质量反馈表, 质检组评分周报, 每周质检主题反馈跟踪表, 排除与重复, 数据来源, and
the hidden 图表数据 (the warning lines the charts draw).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from zhijian.engine.analysis import WARNING_LEVELS, warning_colour, warning_fill
from zhijian.engine.weekly import WeeklyReport, day_label

from .toolkit import (INT, NONE_TEXT, PCT, SCORE, SIGNED, Sheet, Writer, display_width, missing, new_workbook,
                      write_appeals_sheet, write_excluded_sheet, write_provenance, write_sources_sheet)

SHEET_OVERVIEW = "周报概览"
SHEET_AGENT_SCORES = "监听评分表(周平均分)"
SHEET_FEEDBACK = "员工服务质量反馈表"
SHEET_INSPECTORS = "质检组评分周报"
SHEET_TOPICS = "每周质检主题反馈跟踪表"
SHEET_EXCLUDED = "排除与重复"
SHEET_SOURCES = "数据来源"
SHEET_CHART_DATA = "图表数据"
SHEETS = [SHEET_OVERVIEW, SHEET_AGENT_SCORES, SHEET_FEEDBACK, SHEET_INSPECTORS, SHEET_TOPICS, SHEET_EXCLUDED,
          SHEET_SOURCES, SHEET_CHART_DATA]

EMPTY_WEEK = "本周没有有效评分记录"
KPI_HEADERS = ["有效通数", "平均分", "优良率", "轻微不良", "一般不良", "80分以下", "平均不良比率", "警示级别"]
# Score cells below the rubric's 良好水平 / 最低允许 are tinted.
BELOW_GOOD_FILL = "#FFF2CC"
BELOW_PASS_FILL = "#F8CBAD"
NO_DATA_FILL = "#F2F2F2"
DARK_FILLS = frozenset({"#000000", "#FF0000"})  # warning fills that take white text
# Lines of the warning bands on the 平均不良比率 chart: (level, label, colour). Pure yellow on
# white hardly shows as a line: the 警报 line is a darker yellow.
BAND_LINES = [("预警", "预警线", "#00B0F0"), ("警报", "警报线", "#E6B800"), ("严重", "严重线", "#FF0000"),
              ("紧急", "紧急线", "#000000")]
LEVEL_MEAN_LOW = {name: mean_low for name, _, _, _, mean_low in WARNING_LEVELS}
# Arial (Liberation Sans in LibreOffice, the same metrics) rather than Calibri, which LibreOffice
# replaces by a much wider font when Carlito is not installed: the overview's tables and charts
# then keep their proportions, and fit the page, in both. Its digit is 7 px wide, like Calibri
# 11's, so XlsxWriter's column-width arithmetic still holds. CJK text falls back to the
# system's CJK font in both.
# (A plain font, not the theme's "minor" font, which Excel would show as Calibri. XlsxWriter
# changes the dict it is given: pass a copy.)
DEFAULT_FONT = {"font_name": "Arial", "font_size": 10, "font_scheme": False}
OVERVIEW_LABEL_COL = 14  # 周报概览: the label column
OVERVIEW_COL = 11  # 周报概览: the 7 day columns
CHART_WIDTH = 450  # px, the overview's charts
CHART_TOP_ROW = 3
WORST_WIDTH = 38  # 主要不良项 column
REMARK_WIDTH = 84  # 质检员备注 column


def write_weekly_workbook(report: WeeklyReport, path: Path, *, findings: list | None = None,
                          sources: list[str] | None = None, appeals: list | None = None,
                          provenance=None) -> Path:
    """Write the 质检周报 workbook of `report` to `path` (atomically); returns `path`.

    `findings` (validation findings of the week) explain the rows that were excluded; `sources`
    are the input files, listed on the 数据来源 sheet.
    """
    path = Path(path)
    with new_workbook(path, title=f"{report.rubric.name} 质检周报 {report.label}", subject="质检周报",
                      default_font=DEFAULT_FONT) as wb:
        w = _WeeklyWriter(wb)
        _overview(w, report)
        _agent_scores(w, report)
        _feedback(w, report)
        _inspectors(w, report)
        _topics(w, report)
        write_excluded_sheet(w, report.analysis, findings or [])
        if appeals is not None:
            write_appeals_sheet(w, appeals)
        write_sources_sheet(w, report.analysis, sources or [], provenance)
        _chart_data(w, report)  # charts resolve their ranges when the workbook closes
        if provenance is not None:
            write_provenance(wb, provenance)
    return path


class _WeeklyWriter(Writer):
    """The analysis workbook's formats, and a few of the weekly report's own."""

    def __init__(self, wb):
        super().__init__(wb)
        self.big_title = wb.add_format({"bold": True, "font_size": 16, "font_color": "#1F4E78"})
        self.kpi_header = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                                         "bg_color": "#1F4E78", "font_color": "#FFFFFF"})
        self.row_label = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7"})
        self.bold = wb.add_format({"bold": True})

    def cell(self, num_format: str | None = None, *, fill: str | None = None, bold: bool = False,
             size: int | None = None, center: bool = False, font: str | None = None, wrap: bool = False):
        """A bordered table cell, optionally filled (white text on the dark warning fills)."""
        return self.fmt(num_format, fill=fill, bold=bold, boxed=True, size=size, center=center, font=font,
                        wrap=wrap, white_text_on=DARK_FILLS)


def _score_fill(report: WeeklyReport, score: float | None) -> str | None:
    if score is None or missing(score):
        return None
    _, good, pass_ = report.analysis.overall.marks
    if score < pass_ - 1e-9:
        return BELOW_PASS_FILL
    if score < good - 1e-9:
        return BELOW_GOOD_FILL
    return None


def _title(w: _WeeklyWriter, s: Sheet, report: WeeklyReport, name: str, note: str) -> None:
    s.text(0, 0, f"{name}  {report.label}", w.title)
    s.ws.set_row(0, 22)
    s.text(1, 0, note, w.note)


def _empty(w: _WeeklyWriter, s: Sheet, row: int) -> None:
    s.text(row, 0, EMPTY_WEEK, w.note)


# --- 1. 周报概览 ---------------------------------------------------------------------------------

def _overview(w: _WeeklyWriter, report: WeeklyReport) -> None:
    s = w.sheet(SHEET_OVERVIEW)
    ws, a, o, r_ = s.ws, report.analysis, report.analysis.overall, report.rubric
    bands = r_.analysis
    by_day = dict(a.by_day)
    wd = report.working_days
    ws.hide_gridlines(2)

    s.text(0, 0, f"《{r_.name}》质检周报  {report.label}", w.big_title)
    ws.set_row(0, 28)
    s.text(1, 0, f"评分标准 {r_.id} 版本 {r_.version};工作日 {len(wd)} 天,按{report.calendar};"
                 f"比率为占有效通数的比例", w.note)

    # 一、关键指标: one row of tiles.
    row = 3
    s.text(row, 0, "一、本周关键指标", w.section)
    row += 1
    for c, h in enumerate(KPI_HEADERS):
        ws.write_string(row, c, h, w.kpi_header)
    ws.set_row(row, 20)
    row += 1
    big = dict(bold=True, size=14, center=True)
    kpis = [(o.n, INT), (o.mean_score, SCORE), (o.excellent_rate, PCT), (o.slight_defect_rate, PCT),
            (o.general_defect_rate, PCT), (o.below_80_rate, PCT)]
    for c, (v, nf) in enumerate(kpis):
        s.put(row, c, NONE_TEXT if v is None else v, w.cell(nf, **big), width=False)
    level = o.mean_defect_level
    s.put(row, 6, o.mean_defect_rate, w.cell(PCT, fill=warning_fill(level), **big), width=False)
    s.put(row, 7, level, w.cell(fill=warning_fill(level), **big), width=False)
    ws.set_row(row, 26)
    row += 1
    g0, g1 = bands.general
    s0, s1 = bands.slight
    s.text(row, 0, f"优良率: 最终得分 > {bands.excellent_above:g};轻微不良: {s0:g}–{s1:g};一般不良: {g0:g}–<{g1:g};"
                   f"平均不良比率: 各评分项不良比率的平均值", w.note)
    row += 1
    if o.n == 0:
        s.text(row, 0, EMPTY_WEEK + ",以下各表为空。", w.section)
        row += 1

    # 二、每日警示色: the week as a strip of 7 days (the charts read it).
    row += 1
    s.text(row, 0, "二、每日走势与警示色", w.section)
    row += 1
    s.put(row, 0, "日期", w.row_label)
    for i, d in enumerate(report.days):
        s.put(row, 1 + i, day_label(d), w.cell(bold=True, center=True, fill="#DDEBF7"), width=False)
    row += 1
    labels = ["日历", "通数", "平均分", "平均不良比率", "警示色"]
    first = row
    for j, label in enumerate(labels):
        s.put(first + j, 0, label, w.row_label)
    for i, d in enumerate(report.days):
        c = 1 + i
        f = by_day.get(d)
        kind = "工作日" if d in wd else "休息日"
        if d in wd and d.weekday() >= 5:
            kind = "调休上班"
        s.put(first, c, kind, w.cell(center=True, fill=None if d in wd else NO_DATA_FILL), width=False)
        if f is None:
            for j in range(1, len(labels)):
                if j == 1:
                    s.put(first + j, c, 0, w.cell(INT, center=True, fill=NO_DATA_FILL), width=False)
                else:
                    ws.write_blank(first + j, c, None, w.cell(fill=NO_DATA_FILL))
            continue
        lv = f.mean_defect_level
        s.put(first + 1, c, f.n, w.cell(INT, center=True), width=False)
        s.put(first + 2, c, f.mean_score, w.cell(SCORE, center=True, fill=_score_fill(report, f.mean_score)),
              width=False)
        s.put(first + 3, c, f.mean_defect_rate, w.cell(PCT, center=True, fill=warning_fill(lv)), width=False)
        s.put(first + 4, c, f"{warning_colour(lv)}·{lv}", w.cell(center=True, bold=True, fill=warning_fill(lv)),
              width=False)
    strip = {label: first + j for j, label in enumerate(labels)}
    row = first + len(labels)
    s.text(row, 0, "每天取当天平均不良比率的警示色;灰色 = 当天没有评分", w.note)
    row += 1

    # 警示色天数.
    row += 1
    s.put(row, 0, "警示色天数", w.row_label)
    days = a.colour_days()
    for i, (name, colour, _, _, mean_low) in enumerate(WARNING_LEVELS):
        s.put(row, 1 + i, f"{colour}·{name}", w.cell(center=True, bold=True, fill=warning_fill(name)), width=False)
        s.put(row + 1, 1 + i, days.get(colour, 0), w.cell(INT, center=True), width=False)
        s.put(row + 2, 1 + i, f"≥{mean_low:.0%}" if mean_low else f"<{LEVEL_MEAN_LOW['预警']:.0%}",
              w.cell(center=True, font="#595959"), width=False)
    s.put(row, 6, "合计", w.cell(center=True, bold=True, fill="#DDEBF7"), width=False)
    s.put(row + 1, 6, sum(days.values()), w.cell(INT, center=True, bold=True), width=False)
    ws.write_blank(row + 2, 6, None, w.cell())
    s.put(row + 1, 0, "天数", w.row_label)
    s.put(row + 2, 0, "平均不良比率", w.row_label)
    row += 4

    # 三、质检主题.
    s.text(row, 0, "三、质检主题", w.section)
    row += 1
    s.put(row, 0, "本周质检主题", w.row_label)
    s.put(row, 1, "、".join(report.topics_this_week) or "无", w.bold, width=False)
    row += 1
    s.text(row, 1, "依据: " + report.topics_basis, w.note)
    row += 1
    s.put(row, 0, "下周建议主题", w.row_label)
    s.put(row, 1, "、".join(report.topics_next_week) or "无", w.bold, width=False)
    row += 1
    s.text(row, 1, "依据: 本周服务能力项中不良比率最高的至多 2 项", w.note)
    row += 2

    # 四、质检组完成情况 (the 质检组评分周报 in short).
    s.text(row, 0, "四、质检组完成情况", w.section)
    row += 1
    for c, h in enumerate(["质检员", "评分通数", "定额", "完成率", "平均给分", "校正偏差"]):
        ws.write_string(row, c, h, w.header)
    row += 1
    for rec in report.inspectors.to_dict("records"):
        s.put(row, 0, rec["质检员"], w.cell(), width=False)
        s.put(row, 1, rec["评分通数"], w.cell(INT, center=True), width=False)
        s.put(row, 2, rec["定额"], w.cell(INT, center=True), width=False)
        rate = rec["完成率"]
        s.put(row, 3, rate, w.cell(PCT, center=True, fill=BELOW_GOOD_FILL if not missing(rate) and rate < 1 - 1e-9
                                   else None), width=False)
        s.put(row, 4, rec["平均给分"], w.cell(SCORE, center=True), width=False)
        s.put(row, 5, rec["平均偏差"], w.cell(SIGNED, center=True), width=False)
        row += 1
    if report.inspectors.empty:
        s.text(row, 0, EMPTY_WEEK, w.note)
        row += 1
    s.text(row, 0, "完成率 = 评分通数 / 定额;校正偏差: + 偏松、− 偏严;详见“质检组评分周报”", w.note)
    row += 2

    # 五、工作日与数据.
    s.text(row, 0, "五、工作日与数据", w.section)
    row += 1
    wd_text = "、".join(f"{d:%m-%d}" for d in wd.days) or "无"
    info = [("工作日", len(wd), f"天: {wd_text}"),
            ("工作日历", report.calendar, ""),
            ("质检定额", report.quota, f"通/人: 每工作日 {report.quota_per_day} 通 × {len(wd)} 天"),
            ("排除行数", a.excluded_rows, "行: 有校验错误而未计入,见“排除与重复”"),
            ("重复录音", len(a.duplicates), "行: 同一质检员重复评分,只计第一次"),
            ("校正录音", len(a.calibration.benchmark_calls), "条: 多名质检员评分,按基准计一次")]
    for label, value, note in info:
        s.put(row, 0, label, w.row_label)
        if isinstance(value, int):
            s.put(row, 1, value, w.cell(INT, center=True), width=False)
            s.text(row, 2, note)
        else:
            s.put(row, 1, value, width=False)
        row += 1

    s.finish(min_width=OVERVIEW_COL)
    ws.set_column(0, 0, OVERVIEW_LABEL_COL)
    ws.set_column(1, 7, OVERVIEW_COL)
    ws.set_column(8, 8, 2)
    last_row = row - 1
    last_col = 8
    if a.by_day:
        last_row, last_col = _charts(w, s, report, strip, last_row)
    # One page: the tables on the left, the charts on the right.
    ws.print_area(0, 0, last_row, last_col)
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.center_horizontally()


def _charts(w: _WeeklyWriter, s: Sheet, report: WeeklyReport, strip: dict[str, int], last_row: int) -> tuple[int, int]:
    """每日平均分 (line, with the 良好水平 line) and 每日平均不良比率 (columns in each day's 警示色,
    with the warning lines), stacked on the right of the overview's tables as high as they are;
    the last row and column they cover."""
    ws, a = s.ws, report.analysis
    cats = [SHEET_CHART_DATA, 1, 1, 1, 7]  # "10-12" over "周一"
    by_day = dict(a.by_day)
    means = [f.mean_score for _, f in a.by_day if f.mean_score is not None]
    full, good, _ = a.overall.marks
    low = max(0.0, min(math.floor((min(means) - 5) / 5) * 5, good - 5)) if means else 0.0
    font = {"size": 9}
    title_font = {"size": 12, "bold": True}

    c1 = w.wb.add_chart({"type": "line"})
    c1.add_series({"name": "平均分", "categories": cats, "values": [SHEET_OVERVIEW, strip["平均分"], 1, strip["平均分"], 7],
                   "line": {"color": "#2E75B6", "width": 2.25},
                   "marker": {"type": "circle", "size": 7, "fill": {"color": "#2E75B6"},
                              "border": {"color": "#2E75B6"}},
                   "data_labels": {"value": True, "position": "above", "num_format": "0.0", "font": font}})
    c1.add_series({"name": f"良好水平({good:g})", "categories": cats,
                   "values": [SHEET_CHART_DATA, 2, 1, 2, 7],
                   "line": {"color": "#70AD47", "width": 1.5, "dash_type": "dash"}, "marker": {"type": "none"}})
    c1.set_title({"name": "每日平均分", "name_font": title_font})
    c1.set_x_axis({"name": "日期", "name_font": font, "num_font": font})
    c1.set_y_axis({"name": "平均分", "min": low, "max": full, "major_unit": 5 if full - low <= 40 else 10,
                   "num_format": "0", "name_font": font, "num_font": font,
                   "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    c1.set_legend({"position": "bottom", "font": font})
    c1.show_blanks_as("gap")
    # As high as the tables beside them: the two charts share the rows' height in pixels.
    gap = 10
    height = max(240, (_rows_px(ws, CHART_TOP_ROW, last_row) - gap) // 2)
    c1.set_size({"width": CHART_WIDTH, "height": height})
    ws.insert_chart(CHART_TOP_ROW, 9, c1, {"x_offset": 6, "y_offset": 0})

    rates = [by_day[d].mean_defect_rate if d in by_day else None for d in report.days]
    points = [{"fill": {"color": warning_fill(by_day[d].mean_defect_level)}, "border": {"color": "#595959"}}
              if d in by_day else None for d in report.days]
    c2 = w.wb.add_chart({"type": "column"})
    c2.add_series({"name": "平均不良比率", "categories": cats,
                   "values": [SHEET_OVERVIEW, strip["平均不良比率"], 1, strip["平均不良比率"], 7],
                   "points": points, "gap": 60, "border": {"color": "#595959"},
                   "data_labels": {"value": True, "num_format": "0.0%", "font": font}})
    lines = w.wb.add_chart({"type": "line"})
    for k, (level, label, colour) in enumerate(BAND_LINES):
        lines.add_series({"name": f"{label} {LEVEL_MEAN_LOW[level]:.0%}", "categories": cats,
                          "values": [SHEET_CHART_DATA, 3 + k, 1, 3 + k, 7],
                          "line": {"color": colour, "width": 1.75, "dash_type": "dash"},
                          "marker": {"type": "none"}})
    c2.combine(lines)
    top = max([r for r in rates if r is not None] + [LEVEL_MEAN_LOW["紧急"]])
    c2.set_title({"name": "每日平均不良比率与警示线", "name_font": title_font})
    c2.set_x_axis({"name": "日期", "name_font": font, "num_font": font})
    c2.set_y_axis({"name": "平均不良比率", "min": 0, "max": min(1.0, math.ceil((top + 0.05) * 10) / 10),
                   "major_unit": 0.1, "num_format": "0%", "name_font": font, "num_font": font,
                   "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    c2.set_legend({"position": "bottom", "font": font, "delete_series": [0]})
    c2.set_size({"width": CHART_WIDTH, "height": height})
    ws.insert_chart(CHART_TOP_ROW, 9, c2, {"x_offset": 6, "y_offset": height + gap})
    bottom, px = CHART_TOP_ROW, 0
    while px < 2 * height + gap:
        px += _rows_px(ws, bottom, bottom)
        bottom += 1
    # One column under the charts, as wide as they are (px = 7 × width + 5), ends the print area.
    ws.set_column(9, 9, (CHART_WIDTH + 12 - 5) / 7)
    return max(last_row, bottom), 9


def _rows_px(ws, first: int, last: int) -> int:
    """Height in pixels of rows first..last (XlsxWriter's row sizes; 20 px by default)."""
    sizes = getattr(ws, "row_sizes", {})
    default = getattr(ws, "default_row_height", 20)
    return sum(sizes[r][0] if r in sizes else default for r in range(first, last + 1))


def _chart_data(w: _WeeklyWriter, report: WeeklyReport) -> None:
    """The constant lines the charts draw (良好水平, the warning bands), one value per day; a
    hidden sheet."""
    s = w.sheet(SHEET_CHART_DATA)
    s.ws.hide()
    s.headers(0, 0, ["线", *[day_label(d) for d in report.days]])
    s.put(1, 0, "图表分类")
    for c, d in enumerate(report.days):
        s.put(1, 1 + c, day_label(d).replace(" ", "\n"))
    good = report.analysis.overall.marks[1]
    rows = [("良好水平", good, SCORE)] + [(label, LEVEL_MEAN_LOW[level], PCT) for level, label, _ in BAND_LINES]
    for r, (label, value, nf) in enumerate(rows, start=2):
        s.put(r, 0, label)
        for c in range(7):
            s.put(r, 1 + c, value, w.fmt(nf))
    s.finish(min_width=10)


# --- 2. 监听评分表(周平均分) ------------------------------------------------------------------------

def _agent_scores(w: _WeeklyWriter, report: WeeklyReport) -> None:
    s = w.sheet(SHEET_AGENT_SCORES)
    ws, df, a = s.ws, report.agent_scores, report.analysis
    _, good, pass_ = a.overall.marks
    _title(w, s, report, "监听评分表(周平均分)",
           f"周平均分 = 坐席本周各通最终得分的平均值(校正录音按基准计一次);各日为当天平均分,空白 = 当天无评分;"
           f"低于良好水平 {good:g} 分浅黄,低于最低允许 {pass_:g} 分浅红")
    day_cols = report.day_columns
    head = ["工号", "姓名", "班组", "通数", "周平均分", "最低分", "等级", *day_cols]
    s.headers(2, 0, head)
    ws.set_row(2, 30)
    ws.freeze_panes(3, 2)
    ws.repeat_rows(2)
    r = 3
    for rec in df.to_dict("records"):
        _agent_cells(w, s, report, r, rec, "周平均分")
        s.put(r, 6, rec["等级"], w.cell(center=True))
        for j, col in enumerate(day_cols):
            v = rec[col]
            s.put(r, 7 + j, v, w.cell(SCORE, fill=_score_fill(report, v)))
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


def _agent_cells(w: _WeeklyWriter, s: Sheet, report: WeeklyReport, r: int, rec: dict, mean_key: str) -> None:
    """工号, 姓名, 班组, 通数, the mean and the lowest score (filled below 良好水平 / 最低允许)."""
    s.put(r, 0, rec["工号"], w.cell())
    s.put(r, 1, rec["姓名"], w.cell())
    s.put(r, 2, rec["班组"], w.cell())
    s.put(r, 3, rec["通数"], w.cell(INT))
    s.put(r, 4, rec[mean_key], w.cell(SCORE, bold=True, fill=_score_fill(report, rec[mean_key])))
    s.put(r, 5, rec["最低分"], w.cell(SCORE, fill=_score_fill(report, rec["最低分"])))


# --- 3. 员工服务质量反馈表 -------------------------------------------------------------------------

def _feedback(w: _WeeklyWriter, report: WeeklyReport) -> None:
    s = w.sheet(SHEET_FEEDBACK)
    ws, df = s.ws, report.agent_feedback
    _title(w, s, report, "员工服务质量反馈表",
           "主要不良项: 本周不良次数最多的评分项(括号内为通数);备注: 得分最低的 2 通录音的质检员备注"
           "(客户电话、证件号已隐去)")
    head = ["工号", "姓名", "班组", "通数", "平均分", "最低分", "主要不良项", "最低分录音的质检员备注"]
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

def _inspectors(w: _WeeklyWriter, report: WeeklyReport) -> None:
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
        rate = rec["完成率"]
        s.put(r, 4, rate, w.cell(PCT, fill=BELOW_GOOD_FILL if not missing(rate) and rate < 1 - 1e-9 else None))
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

def _topics(w: _WeeklyWriter, report: WeeklyReport) -> None:
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
        chart = w.wb.add_chart({"type": "line"})
        colours = ["#C00000", "#2E75B6", "#70AD47", "#7030A0"]
        font = {"size": 9}
        for k, (item, rows) in enumerate(series.items()):
            colour = colours[k % len(colours)]
            chart.add_series({"name": item, "categories": [SHEET_TOPICS, rows[0], 1, rows[-1], 1],
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
        ws.insert_chart(2, len(head) + 1, chart, {"x_offset": 10})
