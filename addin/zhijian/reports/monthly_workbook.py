"""The 质检月报 workbook: a `monthly.MonthlyReport` written to .xlsx with XlsxWriter.

Like the 服务质量分析表 (`analysis_workbook`), every figure is a value (rates as fractions 0–1 with
a percent format, so reading the workbook back gives the numbers of `MonthlyReport.to_dict()`),
text is written with `write_string`, and the workbook is deterministic (fixed creation time).
Every sheet prints on A4 landscape, fit to the page width; the first sheet (月报概览) is laid out
to fit one page with its two charts.

Sheets: 月报概览 (written by `monthly_overview`), 每月监听评分表(月平均分), 质检考核统计表, 指标环比,
不良柏拉图, 周趋势, 轮回抽检 (with 五、抽检计划核对 when plans were given, `monthly_plan_check`), 排除与重复,
数据来源. What the sheets share is in `monthly_common`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from zhijian.engine.ledger import describe_ledger
from zhijian.engine.monthly import (LEVEL_ITEM, LEVEL_OFFENCE, STATUS_OK, STATUS_OVER, STATUS_UNDER, UNIT_PER_100,
                                    MonthlyReport)

from .monthly_common import (HEADER_ROW, PCT_CHANGE, PER_100, PER_100_CHANGE, SHEET_PARETO, SHEETS, STATUS_FILL,
                             MonthlyWriter, comparison_chart, empty, trend_chart)
from .monthly_overview import write_overview
from .monthly_plan_check import write_plan_check
from .toolkit import (DATE, INT, PCT, SCORE, SIGNED, Sheet, Writer, level_cell, merge_text, new_workbook, pareto_chart,
                      sheet_title)
from .common_sheets import (colour_days_table, write_account_rows, write_appeals_sheet, write_excluded_sheet,
                            write_provenance, write_sources_rows, write_unreadable)


def write_monthly_workbook(report: MonthlyReport, path: Path, *, findings: list | None = None,
                           sources: list[str] | None = None, appeals: list | None = None,
                           provenance=None, policy=None) -> Path:
    """Write the 质检月报 workbook of `report` to `path` (atomically); returns `path`.

    `findings` (validation findings of the month) are counted on the 数据来源 sheet; `sources`
    are the input files, listed there (or, fuller, `provenance`); `appeals` fill a 申诉处理 sheet.
    """
    path = Path(path)
    with new_workbook(path, title=f"{report.rubric.name} 质检月报 {report.label}", subject="质检月报") as wb:
        w = MonthlyWriter(wb)
        sheets = [_sheet(w, name, report) for name in SHEETS]
        # Data sheets first (the overview's charts refer to their cells), then the overview.
        comparison = _comparison(sheets[3], report)
        trend = _trend(sheets[5], report)
        _scores(sheets[1], report)
        _assessment(sheets[2], report)
        _pareto(sheets[4], report)
        _sampling(sheets[6], report)
        write_excluded_sheet(w, report.analysis, findings or [], sheets[7])
        _sources(sheets[8], report, findings or [], sources or [], provenance)
        write_overview(sheets[0], report, comparison, trend)
        if "complaints" in report.extra:
            from .complaints_sheet import write_complaints_sheet
            write_complaints_sheet(w, report.extra["complaints"])
        if appeals is not None:
            write_appeals_sheet(w, appeals, policy)
        if provenance is not None:
            write_provenance(wb, provenance)
    return path


def _sheet(w: Writer, name: str, report: MonthlyReport) -> Sheet:
    s = w.sheet(name)
    s.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    s.ws.set_header(f"&L&9{report.rubric.name} 质检月报 {report.label}&R&9{name}")
    s.ws.set_footer("&C&9第 &P 页,共 &N 页")
    return s


def _pct_or_per100(unit: str) -> tuple[str, str]:
    return (PER_100, PER_100_CHANGE) if unit == UNIT_PER_100 else (PCT, PCT_CHANGE)


# --- 每月监听评分表(月平均分) ----------------------------------------------------------------------

def _table(s: Sheet, row: int, df: pd.DataFrame, formats: dict[str, Any], *, col: int = 0,
           wrap_at: float = 16) -> int:
    """Headers and rows of `df` from `row`; returns the row after the table."""
    s.headers(row, col, [str(c) for c in df.columns], wrap_at=wrap_at)
    row += 1
    for rec in df.itertuples(index=False):
        for j, (name, v) in enumerate(zip(df.columns, rec)):
            fmt = formats.get(name)
            if fmt is None and isinstance(v, (dt.date, pd.Timestamp)):
                fmt = DATE  # a boxed writer's plain format would show a date as its serial number
            s.put(row, col + j, v, fmt if fmt is not None and not isinstance(fmt, str) else s.w.fmt(fmt))
        row += 1
    return row


def _scores(s: Sheet, rep: MonthlyReport) -> None:
    sheet_title(s, f"每月监听评分表(月平均分) {rep.label}",
                "按坐席按月扣分: 通话没有得分,本表各分数列留空;坐席的月度评分见“质检考核统计表”"
                if rep.rubric.ledger is not None else
                "月平均分(服务质量月度评分) = 该坐席本月各通最终得分的平均值(校正录音按基准计一次);周列为该周内的平均分")
    df = rep.monthly_scores
    s.ws.freeze_panes(HEADER_ROW + 1, 3)
    s.ws.set_row(HEADER_ROW, 32)
    fmts = {c: SCORE for c in df.columns[4:]}
    fmts["通数"] = INT
    fmts["班组"] = s.w.centred
    if df.empty:
        s.headers(HEADER_ROW, 0, [str(c) for c in df.columns])
        empty(s, HEADER_ROW + 1)
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
    how = f"月度评分 = {describe_ledger(rep.rubric)}(扣分合计照实显示)" if rep.rubric.ledger is not None \
        else "月度评分 = 本月各通最终得分的平均值(申诉改判的录音按改判后的分数)"
    sheet_title(s, f"质检考核统计表 {rep.label}",
                f"{how};差错扣分为本月合计;致命性错误为本月起数;等级按评分标准;排名按月度评分(同分同名次)")
    df = rep.assessment
    s.ws.freeze_panes(HEADER_ROW + 1, 3)
    s.ws.set_row(HEADER_ROW, 32)
    fmts = {"排名": INT, "通数": INT, "月度评分": SCORE, "差错扣分": "0.##", "差错通数": INT, "致命性错误": INT,
            "申诉改判通数": INT,
            "上月评分": SCORE, "变化": SIGNED, "等级": s.w.centred, "班组": s.w.centred,
            "发生次数": INT, "窗口内此前次数": INT, "扣分合计": "0.##"}
    if df.empty:
        s.headers(HEADER_ROW, 0, [str(c) for c in df.columns])
        empty(s, HEADER_ROW + 1)
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
    grades = rep.rubric.describe_grades()
    if grades:
        s.text(row + 2, 0, f"等级: {grades}", s.w.note)
    _unknown_agents(s, rep, row + 4)
    s.finish(min_width=9)


def _unknown_agents(s: Sheet, rep: MonthlyReport, row: int) -> None:
    """The agent ids not on the roster, listed apart: their calls are in no ranking of this sheet."""
    if not rep.analysis.account.roster_checked:
        s.text(row, 0, "未提供人员名单,工号未核对", s.w.note)
        return
    s.text(row, 0, "名单外工号(不在人员名单中,未计入本表与排名)", s.w.section)
    if rep.unknown_agents.empty:
        s.put(row + 1, 0, "无", s.w.fmt())
        return
    _table(s, row + 1, rep.unknown_agents, {"通数": INT})


# --- 指标环比 -----------------------------------------------------------------------------------

def _comparison(s: Sheet, rep: MonthlyReport) -> tuple | None:
    """The table; returns (first row, last row, the level charted) of the charted rows, or None."""
    offence_only = not rep.rubric.categories
    what = "各扣分条款每百通发生次数" if offence_only else "各类别及评分项平均得分占其满分的比例(得分率)"
    sheet_title(s, f"指标环比 {rep.previous_label} → {rep.label}",
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
        empty(s, row)
    s.finish(min_width=9)
    s.ws.set_column(1, 1, max(s.widths.get(1, 0), 14))
    if first is None or not rep.has_data:
        return None
    chart = comparison_chart(s.w.wb, rep, first, last, charted, size=(820, 330), labels=True)
    s.ws.insert_chart(row + 2, 0, chart)
    s.ws.fit_to_pages(1, 1)  # the table and its chart on one page
    return first, last, charted


# --- 不良柏拉图 ----------------------------------------------------------------------------------

def _pareto(s: Sheet, rep: MonthlyReport) -> None:
    sheet_title(s, f"不良柏拉图(80/20) {rep.label}",
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
        empty(s, row + 1)
    else:
        _table(s, row, ap, {"通数": INT, "不良数": INT, "不良占比": PCT, "累计占比": PCT})
    s.finish(min_width=9)
    if rep.has_data and len(p):
        bars = pareto_chart(s.w.wb, SHEET_PARETO, first, last,
                            title={"name": f"评分项不良柏拉图 {rep.label}", "name_font": {"size": 11}},
                            x_axis={"num_font": {"size": 8, "rotation": -30}},
                            y_axis={"name": "不良数", "num_font": {"size": 8}}, gap=40,
                            marker={"type": "circle", "size": 5}, height=360)
        ws.insert_chart(HEADER_ROW, 7, bars)


# --- 周趋势 -------------------------------------------------------------------------------------

def _trend(s: Sheet, rep: MonthlyReport) -> tuple | None:
    """Weekly trend and the daily colours; returns (first row, last row) of the weeks, or None."""
    sheet_title(s, f"周趋势 {rep.label}",
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
        empty(s, row)
        row += 1
    row += 1
    s.text(row, 0, "三、警示色天数", w.section)
    row += 1
    colour_days_table(s, row, rep.colour_days())
    s.finish(min_width=9)
    if not rep.has_data or last < first:
        return None
    ws.insert_chart(HEADER_ROW, 10, trend_chart(w.wb, first, last, size=(640, 320)))
    return first, last


# --- 轮回抽检 -----------------------------------------------------------------------------------

def _sampling(s: Sheet, rep: MonthlyReport) -> None:
    ws, w = s.ws, s.w
    target = rep.sampling_target
    sheet_title(s, f"轮回抽检 {rep.label}",
                f"目标: 每位坐席每个工作日抽检 {target} 通;本月工作日 {len(rep.working)} 天"
                f"(日历: {rep.working.calendar});每个录音计一次(重复评分与校正录音不重复计数)")
    ws.freeze_panes(HEADER_ROW + 1, 2)
    ws.set_row(HEADER_ROW, 32)
    df = rep.sampling
    s.text(HEADER_ROW - 1, 0, "一、各坐席", w.section)
    if df.empty:
        s.headers(HEADER_ROW, 0, [str(c) for c in df.columns])
        empty(s, HEADER_ROW + 1)
        s.finish(min_width=9)
        return
    row, width = _sampling_agents(s, rep)
    days = [c for c in rep.sampling_days.columns if isinstance(c, dt.date)]
    last_col = max(width, 2 + len(days)) - 1
    row = _sampling_flagged(s, rep, row, last_col)
    row = _sampling_grid(s, rep, days, row + 1)

    s.text(row, 0, "四、非工作日的评分", w.section)
    row += 1
    offd = rep.non_working_calls
    if offd.empty:
        s.put(row, 0, "无", w.fmt())
        row += 1
    else:
        row = _table(s, row, offd, {"通数": INT})
    if rep.plan_check is not None:
        write_plan_check(s, rep.plan_check, row + 1)
    s.finish(min_width=6.5)


def _sampling_agents(s: Sheet, rep: MonthlyReport) -> tuple[int, int]:
    """一、各坐席: the table of `rep.sampling` (without the dates) and its note; returns the next
    free row and the number of columns."""
    w, df, target = s.w, rep.sampling, rep.sampling_target
    fmts = {c: INT for c in ("抽检天数", "工作日通数", "非工作日通数", "合计通数", "应抽通数", "不足天数", "过多天数")}
    fmts["差额"] = "+0;-0;0"
    table = df.drop(columns=["不足日期", "过多日期"])
    row = _table(s, HEADER_ROW, table, fmts, wrap_at=9)
    status_col = list(table.columns).index("状态")
    for i, status in enumerate(df["状态"].tolist()):
        s.put(HEADER_ROW + 1 + i, status_col, status, w.fmt(fill=STATUS_FILL.get(status)))
    s.text(row, 0, f"抽检不足: 有工作日少于 {target} 通;抽检过多: 有工作日多于 {target} 通;"
                   "差额 = 工作日通数 − 应抽通数(每人每工作日目标 × 工作日天数)", w.note)
    return row + 2, len(table.columns)


def _sampling_flagged(s: Sheet, rep: MonthlyReport, row: int, last_col: int) -> int:
    """二、抽检不足或过多的日期 from `row`, the dates merged up to `last_col`; returns the next free row."""
    ws, w = s.ws, s.w
    s.text(row, 0, "二、抽检不足或过多的日期(括号内为当天通数)", w.section)
    row += 1
    s.headers(row, 0, ["工号", "姓名", "状态"])
    merge_text(ws, row, 3, last_col, "日期(当天通数)", w.header)
    row += 1
    flagged = rep.sampling[rep.sampling["状态"] != STATUS_OK]
    wrap = w.wb.add_format({"text_wrap": True, "valign": "vcenter", "border": 1, "border_color": "#BFBFBF"})
    for rec in flagged.itertuples(index=False):
        s.put(row, 0, rec.工号, w.fmt())
        s.put(row, 1, rec.姓名, w.fmt())
        s.put(row, 2, rec.状态, w.fmt(fill=STATUS_FILL.get(rec.状态)))
        text = ";".join(t for t in (f"不足: {rec.不足日期}" if rec.不足日期 else "",
                                     f"过多: {rec.过多日期}" if rec.过多日期 else "") if t)
        merge_text(ws, row, 3, last_col, text, wrap)
        ws.set_row(row, 15 * (1 + len(text) // 110))
        row += 1
    if flagged.empty:
        s.put(row, 0, "无", w.fmt())
        merge_text(ws, row, 1, last_col, f"每位坐席每个工作日都正好抽检 {rep.sampling_target} 通", w.fmt())
        row += 1
    return row


def _sampling_grid(s: Sheet, rep: MonthlyReport, days: list[dt.date], row: int) -> int:
    """三、每日抽检通数: 工号 × `days`, tinted below / above the target and on non-working days, from
    `row`; returns the next free row."""
    ws, w, target = s.ws, s.w, rep.sampling_target
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
    for rec in rep.sampling_days.itertuples(index=False):
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
    return row + 2


# --- 数据来源 -----------------------------------------------------------------------------------

def _sources(s: Sheet, rep: MonthlyReport, findings: list, sources: list[str], provenance=None) -> None:
    from zhijian import __version__

    r_ = rep.rubric
    s.headers(0, 0, ["项目", "内容"], wrap_at=100)
    s.ws.freeze_panes(1, 0)
    rows = [("评分标准", r_.name), ("评分标准编号", r_.id), ("评分标准版本", r_.version),
            ("评分标准内容哈希(SHA-256)", r_.content_hash or ""), ("统计月份", rep.label),
            ("环比月份", rep.previous_label), ("工作日天数", len(rep.working)), ("工作日日历", rep.working.calendar),
            ("每人每工作日抽检目标", rep.sampling_target), ("zhijian 版本", __version__),
            ("输入文件数", len(sources))]
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
    r = write_account_rows(s, rep.analysis.account, r) + 1
    r = write_unreadable(s, rep.analysis.account, r) + 1
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
