"""What the 质检月报's sheets share (`monthly_workbook`, `monthly_overview`): the sheet names, the
writer with the report's own formats, number formats and fills, the empty-month banner, and the
two charts drawn both on their data sheet and on the 月报概览."""

from __future__ import annotations

from zhijian.engine.monthly import (LEVEL_OFFENCE, STATUS_BOTH, STATUS_NONE, STATUS_OK, STATUS_OVER, STATUS_UNDER,
                                    MonthlyReport)

from .toolkit import SHEET_EXCLUDED, SHEET_SOURCES, Sheet, Writer

SHEET_OVERVIEW = "月报概览"
SHEET_SCORES = "每月监听评分表(月平均分)"
SHEET_ASSESSMENT = "质检考核统计表"
SHEET_COMPARISON = "指标环比"
SHEET_PARETO = "不良柏拉图"
SHEET_TREND = "周趋势"
SHEET_SAMPLING = "轮回抽检"
SHEETS = [SHEET_OVERVIEW, SHEET_SCORES, SHEET_ASSESSMENT, SHEET_COMPARISON, SHEET_PARETO, SHEET_TREND,
          SHEET_SAMPLING, SHEET_EXCLUDED, SHEET_SOURCES]

NO_DATA = "本月没有有效评分记录"
PCT_CHANGE = "+0.0%;-0.0%;0.0%"  # a change of a rate, in percentage points
PER_100 = "0.00"
PER_100_CHANGE = "+0.00;-0.00;0.00"
HEADER_ROW = 3  # tables of the data sheets: title in row 0, a note in row 1, headers in row 3
STATUS_FILL = {STATUS_OK: None, STATUS_UNDER: "#F8CBAD", STATUS_OVER: "#FFE699", STATUS_BOTH: "#F4B183",
               STATUS_NONE: "#D9D9D9"}
BLUE, GREY, ORANGE, NAVY = "#2E75B6", "#A5A5A5", "#ED7D31", "#1F4E78"


class MonthlyWriter(Writer):
    """A printed report: its tables read better boxed; and a few formats of its own."""

    def __init__(self, wb):
        super().__init__(wb, boxed=True)
        self.big_title = wb.add_format({"bold": True, "font_size": 18, "font_color": NAVY})
        self.banner = wb.add_format({"bold": True, "font_size": 12, "font_color": "#C00000"})
        self.centred = wb.add_format({"align": "center", "border": 1, "border_color": "#BFBFBF"})
        self.indented = wb.add_format({"indent": 1, "border": 1, "border_color": "#BFBFBF"})
        self.wrapped = wb.add_format({"align": "center", "valign": "vcenter", "text_wrap": True, "border": 1,
                                      "border_color": "#BFBFBF"})


def empty(s: Sheet, row: int, text: str = NO_DATA) -> None:
    """The banner of a month without data."""
    s.text(row, 0, text, s.w.banner)


def comparison_chart(wb, rep: MonthlyReport, first: int, last: int, level: str, *, size, labels: bool):
    """上月/本月 of the 指标环比 rows first..last (the items' 得分率, or the offences per 100 calls)."""
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


def trend_chart(wb, first: int, last: int, *, size):
    """平均分 and 平均不良比率 of the 周趋势 weeks (rows first..last)."""
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

