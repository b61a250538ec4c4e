"""What the 质检周报's sheets share (`weekly_workbook`, `weekly_overview`): the writer with the
report's own formats, the tints of low scores and unfinished quotas, the empty-week note."""

from __future__ import annotations

from zhijian.engine.weekly import WeeklyReport

from .toolkit import Writer, missing

EMPTY_WEEK = "本周没有有效评分记录"
# Score cells below the rubric's 良好水平 / 最低允许 are tinted.
BELOW_GOOD_FILL = "#FFF2CC"
BELOW_PASS_FILL = "#F8CBAD"
NO_DATA_FILL = "#F2F2F2"
DARK_FILLS = frozenset({"#000000", "#FF0000"})  # warning fills that take white text


class WeeklyWriter(Writer):
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


def score_fill(report: WeeklyReport, score: float | None) -> str | None:
    """The tint of a score below the rubric's 良好水平 or 最低允许; None otherwise."""
    if score is None or missing(score):
        return None
    _, good, pass_ = report.analysis.overall.marks
    if score < pass_ - 1e-9:
        return BELOW_PASS_FILL
    if score < good - 1e-9:
        return BELOW_GOOD_FILL
    return None


def quota_fill(rate: float | None) -> str | None:
    """The tint of a 完成率 below 100%; None otherwise."""
    return BELOW_GOOD_FILL if not missing(rate) and rate < 1 - 1e-9 else None
