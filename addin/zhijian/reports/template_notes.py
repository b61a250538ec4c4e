"""The 说明 sheet of the 评分表 template: the rubric in words (its id, version and hash, items,
levels, rules, grades, the order in which 最终得分 is computed, assumptions), section by section.
"""

from __future__ import annotations

import math

import xlsxwriter

from zhijian.engine.ledger import describe_ledger
from zhijian.engine.rubric import Rubric, fmt_number
from zhijian.engine.rubric_rules import scoring_in_words

from .toolkit import write_text
from .template_formula import formula_fits
from .template_ledger import charge_note
from .template_layout import NA_MEANING, NOTES_SHEET, YES_TEXT, TemplateLayout, column_units, template_layout


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes, wrapped in a column `width` units wide (a rough estimate)."""
    return sum(max(1, math.ceil(0.8 * column_units(part) / max(1.0, width - 1)))
               for part in str(text).split("\n"))


class _NotesSheet:
    """The 说明 sheet, written top to bottom: `r` is the next row (0-based)."""

    WIDTHS = (18, 34, 8, 22, 12, 10, 10, 46)

    def __init__(self, wb: xlsxwriter.Workbook):
        self.ws = ws = wb.add_worksheet(NOTES_SHEET)
        font = {"font_name": "等线", "font_size": 10}
        self.f_title = wb.add_format({**font, "bold": True, "font_size": 13})
        self.f_sec = wb.add_format({**font, "bold": True, "font_size": 11, "bg_color": "#D9E1F2"})
        self.f_head = wb.add_format({**font, "bold": True, "bg_color": "#F2F2F2", "border": 1,
                                     "text_wrap": True, "valign": "top", "align": "left"})
        self.f_text = wb.add_format({**font, "text_wrap": True, "valign": "top", "border": 1,
                                     "align": "left"})
        self.f_plain = wb.add_format({**font, "text_wrap": True, "valign": "top", "align": "left"})
        self.f_key = wb.add_format({**font, "bold": True, "valign": "top", "align": "left"})
        for c, w in enumerate(self.WIDTHS):
            ws.set_column(c, c, w)
        self.last_col = len(self.WIDTHS) - 1
        self.full_width = sum(self.WIDTHS) - 10
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.r = 0

    def _fit(self, n: int) -> None:
        """Make the current row tall enough for `n` lines."""
        if n > 1:
            self.ws.set_row(self.r, 13.5 * n + 2)

    def title(self, text: str) -> None:
        self.ws.set_row(self.r, 22)
        write_text(self.ws, self.r, 0, text, self.f_title)
        self.r += 1

    def line(self, *cells, fmt=None) -> None:
        """One table row, a cell per column (None for an empty cell); bordered text by default."""
        fmt = self.f_text if fmt is None else fmt
        n = 1
        for c, v in enumerate(cells):
            text = "" if v is None else v
            write_text(self.ws, self.r, c, text, fmt)
            n = max(n, _lines(str(text), self.WIDTHS[c]))
        self._fit(n)
        self.r += 1

    def head(self, *cells) -> None:
        self.line(*cells, fmt=self.f_head)

    def wide(self, text: str) -> None:
        """A paragraph merged across the sheet."""
        self.ws.merge_range(self.r, 0, self.r, self.last_col, text, self.f_plain)
        self._fit(_lines(text, self.full_width))
        self.r += 1

    def info(self, key: str, value: str) -> None:
        write_text(self.ws, self.r, 0, key, self.f_key)
        self.ws.merge_range(self.r, 1, self.r, self.last_col, value, self.f_plain)
        self.r += 1

    def section(self, title: str) -> None:
        """A section title, after an empty row."""
        self.r += 1
        self.ws.merge_range(self.r, 0, self.r, self.last_col, title, self.f_sec)
        self.r += 1


FORMULA_TOO_LONG = ("本评分标准的评分项较多,“最终得分”的公式会超过 Excel 单个公式 8192 个字符的上限"
                    "(超过时 Excel 认为文件已损坏),所以“最终得分”列不写公式: 填好后请用功能区“计算总分”"
                    "或 zhijian score --write 计算最终得分;汇总统计照常按评分项计算。")


def write_notes(wb: xlsxwriter.Workbook, rubric: Rubric, lay: TemplateLayout) -> None:
    """The 说明 sheet: the rubric in words, section by section."""
    notes = _NotesSheet(wb)
    _notes_heading(notes, rubric)
    _notes_items(notes, rubric)
    _notes_count_rules(notes, rubric, lay)
    _notes_offences(notes, rubric, lay)
    if rubric.grades:
        notes.section("等级")
        notes.head("等级", "最低分")
        for g in rubric.grades:
            notes.line(g.name, g.describe())
    _notes_order(notes, rubric)
    if rubric.assumptions:
        notes.section("评分标准的假设与说明")
        for a in rubric.assumptions:
            notes.wide(a)


def _notes_heading(notes: _NotesSheet, rubric: Rubric) -> None:
    """The title, the rubric's id, version, hash and source, its marks and how a call is scored."""
    notes.title(f"《{rubric.name}》评分标准说明")
    notes.info("评分标准编号", rubric.id)
    notes.info("版本", str(rubric.version))
    notes.info("内容校验码", rubric.content_hash or "")
    if rubric.source:
        notes.info("来源", rubric.source)
    m = rubric.marks
    notes.info("分数线", f"最高期望 {fmt_number(m.full)} / 良好水平 {fmt_number(m.good)} / 最低允许 {fmt_number(m.pass_)}")
    if rubric.categories:
        for k, line in enumerate(scoring_in_words(rubric)):
            notes.info("计分方式" if k == 0 else "", line)
    elif rubric.ledger is not None:
        notes.info("计分方式", describe_ledger(rubric) + "。" + charge_note(rubric))
    else:
        notes.info("计分方式", f"基准分 {fmt_number(rubric.start_score)},考核条款每发生一次扣相应分值")


def _notes_items(notes: _NotesSheet, rubric: Rubric) -> None:
    """评分项: one row per item, under its category."""
    if not rubric.categories:
        return
    blank = ("留空按不涉及计" if rubric.blank == "na" else
             "留空表示尚未评分,这一行不显示最终得分、统计中也不计分")
    notes.section(f"评分项(在评分表中填分数;不涉及的填“不涉及”;{blank})")
    notes.head("类别", "评分项", "满分", "允许取值", "不涉及", "严重程度", "分类", "评分点 / 说明")
    for cat in rubric.categories:
        for it in cat.items:
            na = ("不扣分" if it.negative and it.na != "exclude" else NA_MEANING[it.na]) if it.na_allowed else "不允许"
            extra = "、".join(it.points)
            if it.note:
                extra = f"{extra};{it.note}" if extra else it.note
            if it.blank and it.blank != rubric.blank:  # the item says otherwise than the rubric
                own = "留空按不涉及计" if it.blank == "na" else "留空表示尚未评分"
                extra = f"{extra};{own}" if extra else own
            notes.line(f"{cat.name}({fmt_number(cat.max_points)}分)", it.name, fmt_number(it.max),
                       it.describe_allowed(), na, it.severity, it.item_class, extra)


def _notes_count_rules(notes: _NotesSheet, rubric: Rubric, lay: TemplateLayout) -> None:
    """加分, 减分 and 清零: the rules filled in as counts or 是, with their columns."""
    if rubric.bonuses:
        notes.section("加分(填次数)")
        notes.head("列", "加分项", "每次", "最多次数", "计入评分项", "可超满分", None, "说明")
        lift = {"none": "否", "item": "可超评分项满分", "category": "可超类别满分"}
        for b in rubric.bonuses:
            notes.line(lay.columns[f"bonus:{b.id}"], b.name, f"+{fmt_number(b.points)}", str(b.max_times),
                       b.item, lift[b.lift], None, b.note)
    if rubric.deductions:
        notes.section("减分(填次数;评分项最低 0 分)")
        notes.head("列", "减分项", "每次", "最多次数", "计入评分项", None, None, "说明")
        for d in rubric.deductions:
            notes.line(lay.columns[f"deduction:{d.id}"], d.name, f"-{fmt_number(d.points)}", str(d.max_times),
                       d.item, None, None, d.note)
    if rubric.zero_outs:
        notes.section(f"清零(发生时填“{YES_TEXT}”)")
        notes.head("列", "清零规则", "范围", "对象", None, None, None, "说明")
        scope = {"item": "评分项", "category": "类别", "call": "整通"}
        for z in rubric.zero_outs:
            notes.line(lay.columns[f"zero:{z.id}"], z.name, scope[z.scope], z.target or "整通电话",
                       None, None, None, z.note)


def _notes_offences(notes: _NotesSheet, rubric: Rubric, lay: TemplateLayout) -> None:
    """考核条款, then 致命性错误 and 差错扣分."""
    if rubric.offences:
        notes.section("考核条款(填发生次数;加倍列填其中需加倍扣罚的次数)")
        notes.head("列", "条款", "每次扣分", "加倍条件", "倍数", "严重程度", "分类", "说明")
        for o in rubric.offences:
            col = lay.columns[f"offence:{o.id}"]
            if o.doubled_when:
                col += f"(加倍: {lay.columns[f'complaint:{o.id}']})"
            notes.line(col, o.name, fmt_number(o.points), o.doubled_when or "",
                       fmt_number(o.multiplier) if o.doubled_when else "", o.severity, o.item_class, o.note)
    fe, ed = rubric.fatal_errors, rubric.error_deduction
    if fe.enabled or ed.enabled:
        notes.section("致命性错误与差错扣分")
        if fe.enabled:
            notes.line("致命性错误", "填起数;" + ("有致命性错误时整通 0 分" if fe.zero_call
                                            else "单独统计,不影响本通得分"), None, None, None, None, None,
                       fe.note)
        if ed.enabled:
            notes.line("差错扣分", f"{fmt_number(ed.min)}–{fmt_number(ed.max)} 分,从整通得分中扣除,最终得分不低于 0",
                       None, None, None, None, None, ed.note)


def _notes_order(notes: _NotesSheet, rubric: Rubric) -> None:
    """The order in which 最终得分 is computed, in the words of the stages of
    `zhijian.reports.template.total_formula`."""
    fe, ed = rubric.fatal_errors, rubric.error_deduction
    if rubric.ledger is not None:  # no 最终得分 per call: the 本通扣分 column (`template_ledger`)
        head = next(s.header for s in template_layout(rubric).specs if s.key == "total")
        notes.section(f"“{head}”列(公式)")
        notes.wide(charge_note(rubric))
        notes.wide(f"“{head}”列为公式,请勿改写;录音编号和各条款次数都为空的行显示为空。次数请填整数。")
        return
    notes.section("最终得分的计算顺序(与“最终得分”列的公式一致)")
    steps = []
    if rubric.categories:
        blank = "不涉及或留空按满分计" if rubric.blank == "na" else "不涉及按满分计"
        steps += ["评分项须为允许的分数或“不涉及”" + ("" if rubric.blank == "na" else ",不能留空")
                  + ";否则(未评分、填了不是分数的文字、不允许的分值)这一行不显示最终得分,统计中也不计分。",
                  f"评分项: 填写的分数;{blank};加上加分、减去减分,最低 0 分,"
                  "不超过该项满分(除非加分规则允许);该项清零时为 0。",
                  "类别: 各评分项之和,不超过类别满分(除非加分规则允许);类别清零时为 0。"]
    start = ("各类别之和" + (f" × {rubric.scale.text}" if rubric.scale != 1 else "")
             if rubric.categories else f"基准分 {fmt_number(rubric.start_score)}")
    steps.append(f"整通得分: {start}" + (" 减去考核条款扣分" if rubric.offences else "")
                 + f",在 0 与满分 {fmt_number(rubric.full_marks)} 之间"
                 + (";整通清零时为 0" if any(z.scope == "call" for z in rubric.zero_outs) else "")
                 + (";有致命性错误时为 0" if fe.enabled and fe.zero_call else "") + "。")
    steps.append("最终得分 = 整通得分" + (" − 差错扣分,最低 0 分。" if ed.enabled else "。"))
    for k, step in enumerate(steps, 1):
        notes.wide(f"{k}. {step}")
    if not formula_fits(rubric):
        notes.wide(FORMULA_TOO_LONG)
        return
    notes.wide("“最终得分”列为公式,请勿改写;录音编号和评分都为空的行显示为空。分数请填数字或从下拉列表选择"
               "(“5分”、全角数字等文字形式,公式不计算,汇总时按数字识别)。")
