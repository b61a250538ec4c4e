"""The 服务质量分析表 sheet of the analysis workbook (`analysis_workbook`): key figures, the score
distribution, the 不良 statistics of every item, the items' 80/20 and the warning levels, then
the two charts on a page of their own.
"""

from __future__ import annotations

from typing import Any

from zhijian.engine.analysis import WARNING_LEVELS, Analysis, warning_colour
from zhijian.engine.ledger import ledger_figures

from .toolkit import (FIVE_CLASSES, INT, NONE_TEXT, PCT, SCORE, Sheet, Writer, level_cell, pareto_chart,
                      rate_with_level, sheet_title)

SHEET_OVERVIEW = "服务质量分析表"


def write_overview(w: Writer, a: Analysis) -> None:
    s = w.sheet(SHEET_OVERVIEW)
    ws, r_ = s.ws, a.rubric
    title = f"《{r_.name}》服务质量分析表" + (f"  {a.period_label}" if a.period_label else "")
    sheet_title(s, title, f"评分标准 {r_.id} 版本 {r_.version};比率为占有效通数的比例")
    ws.freeze_panes(2, 0)

    row = _key_figures(s, a, 3)
    if r_.ledger is not None:  # no call score, no distribution of it (engine.analysis._ledger_figures)
        s.text(row + 1, 0, "按坐席按周期扣分: 通话没有自己的得分,不列分数分布与分数段;坐席得分见“坐席考核”", w.note)
        row, dist_rows = row + 2, None
    else:
        row, dist_rows = _distribution(s, a, row + 1)
    row = _items(s, a, row + 1)
    row, pareto_rows = _item_pareto(s, a, row + 1)
    row = _levels(s, row + 1)

    s.finish(min_width=10)
    ws.set_column(3, 3, max(s.widths.get(3, 0), 12))
    if a.overall.n:
        _charts(s, row + 1, dist_rows, pareto_rows)


def _key_figures(s: Sheet, a: Analysis, row: int) -> int:
    """一、关键指标 from `row`; returns the next free row."""
    w, o, bands = s.w, a.overall, a.rubric.analysis
    s.text(row, 0, "一、关键指标", w.section)
    row += 1
    s.headers(row, 0, ["指标", "数值", "警示级别", "说明"])
    row += 1
    g0, _ = bands.general
    acc = a.account
    figures: list[tuple[str, Any, str, str]] = [
        ("有效通数", o.n, INT, "计入统计的评分通数(重复已剔除,校正录音按基准计一次)"),
        *[(label, "未核对" if value is None else value, INT, note) for label, value, note in acc.rows()[:1] +
          acc.rows()[2:]],
        ("校正录音", len(a.calibration.benchmark_calls), INT, "被多名质检员评分的录音,见“质检校正”"),
        *_ledger_rows(a),
        ("平均分", o.mean_score, SCORE, "最终得分的平均值"),
        ("最高期望", o.marks[0], SCORE, "评分标准的满分"),
        ("良好水平", o.marks[1], SCORE, ""),
        ("最低允许", o.marks[2], SCORE, ""),
        ("最高分", o.max_score, SCORE, ""),
        ("最低分", o.min_score, SCORE, ""),
        ("优良率", o.excellent_rate, PCT, bands.describe_excellent()),
        ("轻微不良", o.slight_defect_rate, PCT, bands.describe_slight()),
        ("一般不良", o.general_defect_rate, PCT, bands.describe_general()),
        (f"{g0:g}分以下", o.below_80_rate, PCT, f"最终得分 < {g0:g}"),
    ]
    for label, value, nf, note in figures:
        s.put(row, 0, label)
        s.put(row, 1, NONE_TEXT if value is None or value != value else value, w.fmt(nf))
        if note:
            s.text(row, 3, note, w.note)
        row += 1
    s.put(row, 0, "平均不良比率")
    s.put(row, 1, o.mean_defect_rate, w.fmt(PCT, level=o.mean_defect_level))
    level_cell(s, row, 2, o.mean_defect_level)
    s.text(row, 3, f"各评分项不良比率的平均值;警示色: {warning_colour(o.mean_defect_level)}", w.note)
    row += 1
    s.put(row, 0, "不良比率最高的服务能力项")
    s.put(row, 1, "、".join(a.topics) if a.topics else "无")
    s.text(row, 3, "本期数据,不是质检主题建议(阶段性质检主题见质检周报、质检月报)", w.note)
    row += 1
    s.text(row, 0, "行数核对: " + acc.identity_text(), w.note)
    row += 1
    if o.n == 0:
        row += 1
        s.text(row, 0, "本期没有有效评分记录,以下各表为空。", w.note)
        row += 1
    return row


LEDGER_NOTES = {"考核坐席": "本期有计入通话的坐席,见“坐席考核”", "期间得分平均": "坐席期间得分(基准分减本期各次扣分)的平均值",
                "期间得分最低": ""}


def _ledger_rows(a: Analysis) -> list[tuple[str, Any, str, str]]:
    """On a ledger rubric, the agents' period scores (a call has no score of its own)."""
    led = getattr(a, "ledger", None)
    if led is None:
        return []
    f = ledger_figures(led)
    notes = dict(LEDGER_NOTES, 低于最低允许=f"期间得分低于最低允许 {f.pass_mark:g} 分的坐席")
    return [(label, value, INT if unit == "人" else SCORE, notes[label]) for label, value, unit in f.rows()]


def _distribution(s: Sheet, a: Analysis, row: int) -> tuple[int, tuple[int, int]]:
    """二、分数分布 from `row`; returns the next free row and the (first, last) rows of the groups."""
    w = s.w
    s.text(row, 0, "二、分数分布", w.section)
    row += 1
    s.headers(row, 0, ["组号", "下限值", "上限值", "中间值", "个数", "占比", "分数段"])
    row += 1
    first = row
    for rec in a.overall.distribution.itertuples(index=False):
        lo, hi = float(rec.下限值), float(rec.上限值)
        s.put(row, 0, int(rec.组号), w.fmt(INT))
        s.put(row, 1, lo, w.fmt("0.##"))
        s.put(row, 2, hi, w.fmt("0.##"))
        s.put(row, 3, float(rec.中间值), w.fmt("0.0#"))
        s.put(row, 4, int(rec.个数), w.fmt(INT))
        s.put(row, 5, float(rec.占比), w.fmt(PCT))
        s.put(row, 6, f"{lo:g}–{hi:g}")
        row += 1
    last = row - 1
    s.text(row, 0, f"下限值含、上限值不含,最高一组含满分 {a.rubric.full_marks:g}", w.note)
    return row + 1, (first, last)


def _items(s: Sheet, a: Analysis, row: int) -> int:
    """三、评分项不良统计 from `row`, with a column per 不良 class; returns the next free row."""
    w = s.w
    s.text(row, 0, "三、评分项不良统计", w.section)
    row += 1
    classes = _class_columns(a)
    s.headers(row, 0, ["评分项", "分类", "满分", "不良数", "不良比率", "不良占比", "警示级别"]
              + [h for _, h in classes])
    row += 1
    for f in a.overall.items:
        s.put(row, 0, f.item)
        s.put(row, 1, f.item_class)
        s.put(row, 2, f.max if f.max > 0 else None, w.fmt("0.##"))  # offences have no maximum
        s.put(row, 3, f.defect_count, w.fmt(INT))
        rate_with_level(s, row, 4, f.defect_rate, f.warning_level)
        s.put(row, 5, f.defect_share, w.fmt(PCT))
        level_cell(s, row, 6, f.warning_level)
        for j, (key, _) in enumerate(classes):
            if key in f.by_class or _class_applies(key, f.max):
                s.put(row, 7 + j, f.by_class.get(key, 0), w.fmt(INT))
        row += 1
    s.text(row, 0, "不良: 评分低于该项满分(不涉及不算不良);不良比率 = 不良数 / 有效通数;"
                   "不良占比 = 该项不良数 / 各项不良数之和", w.note)
    return row + 1


def _class_columns(a: Analysis) -> list[tuple[str, str]]:
    """(by_class key, header) of the 不良 class columns: A–E for 5-point items, then any other
    score seen (items of other maxima)."""
    items = a.rubric.items
    cols = list(FIVE_CLASSES) if any(it.max == 5 for it in items) else []
    known = {k for k, _ in cols}
    others = sorted({k for f in a.overall.items for k in f.by_class if k not in known},
                    key=lambda k: float(k.rstrip("分")) if k.rstrip("分").replace(".", "", 1).isdigit() else 1e9)
    return cols + [(k, f"{k}") for k in others]


def _class_applies(key: str, item_max: float) -> bool:
    """Whether a 不良 class column is one of the item's possible 不良 scores (a count of 0 is
    written there; other cells stay blank)."""
    if item_max <= 0:
        return False
    if key in dict(FIVE_CLASSES):
        return item_max == 5
    try:
        return item_max != 5 and float(key.rstrip("分")) < item_max
    except ValueError:
        return False


def _item_pareto(s: Sheet, a: Analysis, row: int) -> tuple[int, tuple[int, int]]:
    """四、评分项80/20 from `row`; returns the next free row and the (first, last) rows of the items."""
    w = s.w
    s.text(row, 0, "四、评分项80/20(按不良数排序)", w.section)
    row += 1
    s.headers(row, 0, ["评分项", "不良数", "不良占比", "累计占比"])
    row += 1
    first = row
    for rec in a.overall.item_pareto().itertuples(index=False):
        s.put(row, 0, rec.评分项)
        s.put(row, 1, int(rec.不良数), w.fmt(INT))
        s.put(row, 2, float(rec.不良占比), w.fmt(PCT))
        s.put(row, 3, float(rec.累计占比), w.fmt(PCT))
        row += 1
    return row, (first, row - 1)


def _levels(s: Sheet, row: int) -> int:
    """五、警示级别: the legend of the warning levels; returns the next free row."""
    w = s.w
    s.text(row, 0, "五、警示级别", w.section)
    row += 1
    s.headers(row, 0, ["警示级别", "警示色", "评分项不良比率 ≥", "平均不良比率 ≥"])
    row += 1
    for name, colour, _, item_low, mean_low in WARNING_LEVELS:
        level_cell(s, row, 0, name)
        s.put(row, 1, colour)
        s.put(row, 2, item_low, w.fmt(PCT))
        s.put(row, 3, mean_low, w.fmt(PCT))
        row += 1
    return row


def _charts(s: Sheet, chart_row: int, dist_rows: tuple[int, int] | None, pareto_rows: tuple[int, int]) -> None:
    """六、图表: below the tables, so that the sheet prints at a readable size (fit to one page
    wide), on a page of their own (no 分数分布 without a distribution: ledger rubrics)."""
    ws, wb = s.ws, s.w.wb
    ws.set_h_pagebreaks([chart_row])
    s.text(chart_row, 0, "六、图表", s.w.section)
    if dist_rows is None:
        ws.insert_chart(chart_row + 1, 0, pareto_chart(
            wb, SHEET_OVERVIEW, *pareto_rows, title={"name": "评分项不良柏拉图(80/20)"}, x_axis={"name": "评分项"},
            y_axis={"name": "不良数"}, gap=50, marker={"type": "circle"}, height=340))
        return
    first, last = dist_rows
    dist_chart = wb.add_chart({"type": "column"})
    dist_chart.add_series({
        "name": "个数",
        "categories": [SHEET_OVERVIEW, first, 6, last, 6],
        "values": [SHEET_OVERVIEW, first, 4, last, 4],
        "fill": {"color": "#5B9BD5"}, "gap": 30,
        "data_labels": {"value": True},
    })
    dist_chart.set_title({"name": "分数分布"})
    dist_chart.set_x_axis({"name": "分数段", "num_font": {"rotation": -45}})
    dist_chart.set_y_axis({"name": "通数", "major_gridlines": {"visible": True}})
    dist_chart.set_legend({"none": True})
    dist_chart.set_size({"width": 720, "height": 320})
    ws.insert_chart(chart_row + 1, 0, dist_chart)

    bars = pareto_chart(wb, SHEET_OVERVIEW, *pareto_rows, title={"name": "评分项不良柏拉图(80/20)"},
                        x_axis={"name": "评分项"}, y_axis={"name": "不良数"}, gap=50, marker={"type": "circle"},
                        height=340)
    ws.insert_chart(chart_row + 18, 0, bars)
