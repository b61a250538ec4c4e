"""The 周报概览 sheet of the 质检周报 (`weekly_workbook`): key figures, the week's 警示色 per day,
质检主题, the 质检组's quotas, the working days, and two charts beside the tables; one page. And the
hidden 图表数据 sheet with the constant lines those charts draw.
"""

from __future__ import annotations

import math

from zhijian.engine.analysis import WARNING_LEVELS, warning_colour, warning_fill
from zhijian.engine.ledger import ledger_figures
from zhijian.engine.weekly import WeeklyReport, day_label

from .toolkit import INT, NONE_TEXT, PCT, SCORE, SIGNED, Sheet
from .weekly_common import EMPTY_WEEK, NO_DATA_FILL, WeeklyWriter, quota_fill, score_fill

SHEET_OVERVIEW = "周报概览"
SHEET_CHART_DATA = "图表数据"

KPI_HEADERS = ["有效通数", "平均分", "优良率", "轻微不良", "一般不良", "80分以下", "平均不良比率", "警示级别"]
# Lines of the warning bands on the 平均不良比率 chart: (level, label, colour). Pure yellow on
# white hardly shows as a line: the 警报 line is a darker yellow.
BAND_LINES = [("预警", "预警线", "#00B0F0"), ("警报", "警报线", "#E6B800"), ("严重", "严重线", "#FF0000"),
              ("紧急", "紧急线", "#000000")]
LEVEL_MEAN_LOW = {name: mean_low for name, _, _, _, mean_low in WARNING_LEVELS}
OVERVIEW_LABEL_COL = 14  # the label column
OVERVIEW_COL = 11  # the 7 day columns
CHART_WIDTH = 450  # px, the charts
CHART_TOP_ROW = 3
CHART_GAP = 10  # px between the two charts
CHART_FONT = {"size": 9}
CHART_TITLE_FONT = {"size": 12, "bold": True}
GRIDLINES = {"visible": True, "line": {"color": "#D9D9D9"}}


def write_overview(w: WeeklyWriter, report: WeeklyReport) -> None:
    s = w.sheet(SHEET_OVERVIEW)
    ws, r_ = s.ws, report.rubric
    ws.hide_gridlines(2)
    s.text(0, 0, f"《{r_.name}》质检周报  {report.label}", w.big_title)
    ws.set_row(0, 28)
    s.text(1, 0, f"评分标准 {r_.id} 版本 {r_.version};工作日 {len(report.working_days)} 天,按{report.calendar};"
                 f"比率为占有效通数的比例", w.note)

    row = _key_figures(w, s, report, 3)
    row, strip = _day_strip(w, s, report, row + 1)
    row = _colour_days(w, s, report, row + 1)
    row = _topics(w, s, report, row)
    row = _inspectors(w, s, report, row)
    row = _working_days(w, s, report, row)
    _page(w, s, report, strip, row - 1)


def _key_figures(w: WeeklyWriter, s: Sheet, report: WeeklyReport, row: int) -> int:
    """一、本周关键指标 as one row of tiles from `row`; returns the next free row."""
    ws, o, bands = s.ws, report.analysis.overall, report.rubric.analysis
    s.text(row, 0, "一、本周关键指标", w.section)
    row += 1
    for c, h in enumerate(KPI_HEADERS):  # the band below 一般不良 follows the form's full marks
        ws.write_string(row, c, f"{bands.general[0]:g}分以下" if h == "80分以下" else h, w.kpi_header)
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
    row = _ledger_tiles(w, s, report, row + 1)
    s.text(row, 0, f"优良率: {bands.describe_excellent()};轻微不良: {bands.describe_slight()};"
                   f"一般不良: {bands.describe_general()};平均不良比率: 各评分项不良比率的平均值", w.note)
    row += 1
    if o.n == 0:
        s.text(row, 0, EMPTY_WEEK + ",以下各表为空。", w.section)
        row += 1
    return row


def _ledger_tiles(w: WeeklyWriter, s: Sheet, report: WeeklyReport, row: int) -> int:
    """On a ledger rubric, a second row of tiles: the agents' period scores so far (坐席考核)."""
    led = report.analysis.ledger
    if led is None:
        return row
    ws, big = s.ws, dict(bold=True, size=14, center=True)
    f = ledger_figures(led)
    for c, (label, value, unit) in enumerate(f.rows()):
        ws.write_string(row, c, label, w.kpi_header)
        nf = INT if unit == "人" else SCORE
        s.put(row + 1, c, NONE_TEXT if value is None else value, w.cell(nf, **big), width=False)
    ws.set_row(row, 20)
    ws.set_row(row + 1, 26)
    s.text(row + 2, 0, f"坐席考核 {led.label}: 期间得分 = 基准分减本期各次扣分,"
                       f"最低允许 {f.pass_mark:g} 分;各坐席见“监听评分表(周平均分)”", w.note)
    return row + 3


def _day_strip(w: WeeklyWriter, s: Sheet, report: WeeklyReport, row: int) -> tuple[int, dict[str, int]]:
    """二、每日走势与警示色: the week as a strip of 7 day columns (the charts read it) from `row`;
    returns the next free row and the row of each of the strip's labels."""
    ws, wd = s.ws, report.working_days
    by_day = dict(report.analysis.by_day)
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
        s.put(first + 2, c, f.mean_score, w.cell(SCORE, center=True, fill=score_fill(report, f.mean_score)),
              width=False)
        s.put(first + 3, c, f.mean_defect_rate, w.cell(PCT, center=True, fill=warning_fill(lv)), width=False)
        s.put(first + 4, c, f"{warning_colour(lv)}·{lv}", w.cell(center=True, bold=True, fill=warning_fill(lv)),
              width=False)
    strip = {label: first + j for j, label in enumerate(labels)}
    row = first + len(labels)
    s.text(row, 0, "每天取当天平均不良比率的警示色;灰色 = 当天没有评分", w.note)
    return row + 1, strip


def _colour_days(w: WeeklyWriter, s: Sheet, report: WeeklyReport, row: int) -> int:
    """警示色天数 and each colour's band of 平均不良比率, from `row`; returns the next free row."""
    s.put(row, 0, "警示色天数", w.row_label)
    days = report.analysis.colour_days()
    for i, (name, colour, _, _, mean_low) in enumerate(WARNING_LEVELS):
        s.put(row, 1 + i, f"{colour}·{name}", w.cell(center=True, bold=True, fill=warning_fill(name)), width=False)
        s.put(row + 1, 1 + i, days.get(colour, 0), w.cell(INT, center=True), width=False)
        s.put(row + 2, 1 + i, f"≥{mean_low:.0%}" if mean_low else f"<{LEVEL_MEAN_LOW['预警']:.0%}",
              w.cell(center=True, font="#595959"), width=False)
    s.put(row, 6, "合计", w.cell(center=True, bold=True, fill="#DDEBF7"), width=False)
    s.put(row + 1, 6, sum(days.values()), w.cell(INT, center=True, bold=True), width=False)
    s.ws.write_blank(row + 2, 6, None, w.cell())
    s.put(row + 1, 0, "天数", w.row_label)
    s.put(row + 2, 0, "平均不良比率", w.row_label)
    return row + 4


def _topics(w: WeeklyWriter, s: Sheet, report: WeeklyReport, row: int) -> int:
    """三、质检主题 of this week and next from `row`; returns the next free row."""
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
    return row + 2


def _inspectors(w: WeeklyWriter, s: Sheet, report: WeeklyReport, row: int) -> int:
    """四、质检组完成情况 (the 质检组评分周报 in short) from `row`; returns the next free row."""
    s.text(row, 0, "四、质检组完成情况", w.section)
    row += 1
    for c, h in enumerate(["质检员", "评分通数", "定额", "完成率", "平均给分", "校正偏差"]):
        s.ws.write_string(row, c, h, w.header)
    row += 1
    for rec in report.inspectors.to_dict("records"):
        s.put(row, 0, rec["质检员"], w.cell(), width=False)
        s.put(row, 1, rec["评分通数"], w.cell(INT, center=True), width=False)
        s.put(row, 2, rec["定额"], w.cell(INT, center=True), width=False)
        s.put(row, 3, rec["完成率"], w.cell(PCT, center=True, fill=quota_fill(rec["完成率"])), width=False)
        s.put(row, 4, rec["平均给分"], w.cell(SCORE, center=True), width=False)
        s.put(row, 5, rec["平均偏差"], w.cell(SIGNED, center=True), width=False)
        row += 1
    if report.inspectors.empty:
        s.text(row, 0, EMPTY_WEEK, w.note)
        row += 1
    s.text(row, 0, "完成率 = 评分通数 / 定额;校正偏差: + 偏松、− 偏严;详见“质检组评分周报”", w.note)
    return row + 2


def _working_days(w: WeeklyWriter, s: Sheet, report: WeeklyReport, row: int) -> int:
    """五、工作日与数据 from `row`; returns the next free row."""
    a, wd = report.analysis, report.working_days
    s.text(row, 0, "五、工作日与数据", w.section)
    row += 1
    wd_text = "、".join(f"{d:%m-%d}" for d in wd.days) or "无"
    info = [("工作日", len(wd), f"天: {wd_text}"),
            ("工作日历", report.calendar, ""),
            ("质检定额", report.quota, f"通/人: 每工作日 {report.quota_per_day} 通 × {len(wd)} 天"),
            *[(label, "未核对" if value is None else value, note) for label, value, note in a.account.rows()],
            ("校正录音", len(a.calibration.benchmark_calls), "条: 多名质检员评分,按基准计一次")]
    for label, value, note in info:
        s.put(row, 0, label, w.row_label)
        if isinstance(value, int) or value == "未核对":
            s.put(row, 1, value, w.cell(INT, center=True), width=False)
            s.text(row, 2, note)
        else:
            s.put(row, 1, value, width=False)
        row += 1
    s.text(row, 0, "行数核对: " + a.account.identity_text(), w.note)
    return row + 1


def _page(w: WeeklyWriter, s: Sheet, report: WeeklyReport, strip: dict[str, int], last_row: int) -> None:
    """Column widths, the charts, and one page: the tables on the left, the charts on the right."""
    ws = s.ws
    s.finish(min_width=OVERVIEW_COL)
    ws.set_column(0, 0, OVERVIEW_LABEL_COL)
    ws.set_column(1, 7, OVERVIEW_COL)
    ws.set_column(8, 8, 2)
    last_col = 8
    if report.analysis.by_day:
        last_row, last_col = _charts(w, s, report, strip, last_row)
    ws.print_area(0, 0, last_row, last_col)
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.center_horizontally()


def _charts(w: WeeklyWriter, s: Sheet, report: WeeklyReport, strip: dict[str, int], last_row: int) -> tuple[int, int]:
    """每日平均分 and 每日平均不良比率, stacked on the right of the overview's tables as high as
    they are; the last row and column they cover."""
    ws = s.ws
    # As high as the tables beside them: the two charts share the rows' height in pixels.
    height = max(240, (_rows_px(ws, CHART_TOP_ROW, last_row) - CHART_GAP) // 2)
    ws.insert_chart(CHART_TOP_ROW, 9, _score_chart(w, report, strip, height), {"x_offset": 6, "y_offset": 0})
    ws.insert_chart(CHART_TOP_ROW, 9, _defect_chart(w, report, strip, height),
                    {"x_offset": 6, "y_offset": height + CHART_GAP})
    bottom, px = CHART_TOP_ROW, 0
    while px < 2 * height + CHART_GAP:
        px += _rows_px(ws, bottom, bottom)
        bottom += 1
    # One column under the charts, as wide as they are (px = 7 × width + 5), ends the print area.
    ws.set_column(9, 9, (CHART_WIDTH + 12 - 5) / 7)
    return max(last_row, bottom), 9


def _score_chart(w: WeeklyWriter, report: WeeklyReport, strip: dict[str, int], height: int):
    """每日平均分: a line, with the 良好水平 line (from 图表数据)."""
    a = report.analysis
    cats = [SHEET_CHART_DATA, 1, 1, 1, 7]  # "10-12" over "周一"
    means = [f.mean_score for _, f in a.by_day if f.mean_score is not None]
    full, good, _ = a.overall.marks
    low = max(0.0, min(math.floor((min(means) - 5) / 5) * 5, good - 5)) if means else 0.0
    font = CHART_FONT
    c1 = w.wb.add_chart({"type": "line"})
    c1.add_series({"name": "平均分", "categories": cats, "values": [SHEET_OVERVIEW, strip["平均分"], 1, strip["平均分"], 7],
                   "line": {"color": "#2E75B6", "width": 2.25},
                   "marker": {"type": "circle", "size": 7, "fill": {"color": "#2E75B6"},
                              "border": {"color": "#2E75B6"}},
                   "data_labels": {"value": True, "position": "above", "num_format": "0.0", "font": font}})
    c1.add_series({"name": f"良好水平({good:g})", "categories": cats,
                   "values": [SHEET_CHART_DATA, 2, 1, 2, 7],
                   "line": {"color": "#70AD47", "width": 1.5, "dash_type": "dash"}, "marker": {"type": "none"}})
    c1.set_title({"name": "每日平均分", "name_font": CHART_TITLE_FONT})
    c1.set_x_axis({"name": "日期", "name_font": font, "num_font": font})
    c1.set_y_axis({"name": "平均分", "min": low, "max": full, "major_unit": 5 if full - low <= 40 else 10,
                   "num_format": "0", "name_font": font, "num_font": font, "major_gridlines": GRIDLINES})
    c1.set_legend({"position": "bottom", "font": font})
    c1.show_blanks_as("gap")
    c1.set_size({"width": CHART_WIDTH, "height": height})
    return c1


def _defect_chart(w: WeeklyWriter, report: WeeklyReport, strip: dict[str, int], height: int):
    """每日平均不良比率: columns in each day's 警示色, with the warning lines (from 图表数据)."""
    by_day = dict(report.analysis.by_day)
    cats = [SHEET_CHART_DATA, 1, 1, 1, 7]
    font = CHART_FONT
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
    c2.set_title({"name": "每日平均不良比率与警示线", "name_font": CHART_TITLE_FONT})
    c2.set_x_axis({"name": "日期", "name_font": font, "num_font": font})
    c2.set_y_axis({"name": "平均不良比率", "min": 0, "max": min(1.0, math.ceil((top + 0.05) * 10) / 10),
                   "major_unit": 0.1, "num_format": "0%", "name_font": font, "num_font": font,
                   "major_gridlines": GRIDLINES})
    c2.set_legend({"position": "bottom", "font": font, "delete_series": [0]})
    c2.set_size({"width": CHART_WIDTH, "height": height})
    return c2


def _rows_px(ws, first: int, last: int) -> int:
    """Height in pixels of rows first..last (XlsxWriter's row sizes; 20 px by default)."""
    sizes = getattr(ws, "row_sizes", {})
    default = getattr(ws, "default_row_height", 20)
    return sum(sizes[r][0] if r in sizes else default for r in range(first, last + 1))


def write_chart_data(w: WeeklyWriter, report: WeeklyReport) -> None:
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
