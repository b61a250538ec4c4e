"""The 评分表 template of a rubric: an .xlsx an inspector fills in, one row per recording.

Sheet 评分表:
  row 1  title 《{rubric.name}》评分表 (v{version}), merged across every column;
  row 2  group labels merged over their columns (基本信息, each category over its items, 加减分,
         清零, 考核条款, 差错, 结果);
  row 3  the headers, exactly `column_specs(rubric)` in that order;
  row 4… data rows: a dropdown / number validation on every input column, and in 最终得分 a live
         formula that applies the rubric's rules in the order of `zhijian.scoring` (see
         `total_formula`).
Sheet 说明: the rubric in words (items, levels, rules, grades, assumptions, id/version/hash).

`template_layout(rubric)` says where everything is, for tests and for the reader.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from zhijian.engine.columns import ColumnSpec, column_specs
from zhijian.engine.rubric import Rubric, fmt_number

SHEET = "评分表"
NOTES_SHEET = "说明"
TITLE_ROW = 1
GROUP_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = 4
NA_TEXT = "不涉及"
YES_TEXT = "是"

_FIELD_KEYS = ("date", "inspector", "agent_id", "agent_name", "team", "recording_id", "call_type")
_GROUP_OF_KIND = {"bonus": "加减分", "deduction": "加减分", "zero": "清零", "offence": "考核条款",
                  "complaint": "考核条款", "fatal": "差错", "error_deduction": "差错"}
_FIELD_WIDTHS = {"date": 11, "inspector": 10, "agent_id": 10, "agent_name": 10, "team": 10,
                 "recording_id": 16, "call_type": 10, "remarks": 32, "total": 10}
_DATE_MIN = dt.date(2000, 1, 1)
_DATE_MAX = dt.date(2099, 12, 31)


@dataclass(frozen=True)
class TemplateLayout:
    """Where things are in a rubric's 评分表 template (rows and columns 1-based, as Excel shows)."""

    sheet: str
    notes_sheet: str
    title_row: int
    group_row: int
    header_row: int
    first_data_row: int
    specs: tuple[ColumnSpec, ...]
    columns: dict[str, str] = field(default_factory=dict)  # column key -> letter ("A", "B", …)

    @property
    def headers(self) -> list[str]:
        return [s.header for s in self.specs]

    def column_number(self, key: str) -> int:
        """1-based column number of a column key (openpyxl's ``column``)."""
        return [s.key for s in self.specs].index(key) + 1

    def cell(self, key: str, row: int) -> str:
        """The A1 address of column `key` on sheet row `row` (1-based)."""
        return f"{self.columns[key]}{row}"

    def data_row(self, index: int) -> int:
        """The sheet row of the `index`-th data row (0-based)."""
        return self.first_data_row + index


def template_layout(rubric: Rubric) -> TemplateLayout:
    specs = tuple(column_specs(rubric))
    return TemplateLayout(
        sheet=SHEET, notes_sheet=NOTES_SHEET, title_row=TITLE_ROW, group_row=GROUP_ROW,
        header_row=HEADER_ROW, first_data_row=FIRST_DATA_ROW, specs=specs,
        columns={s.key: xl_col_to_name(i) for i, s in enumerate(specs)})


# --- the formula of 最终得分 ------------------------------------------------------------------


def _num(x: float) -> str:
    return fmt_number(round(float(x), 10))


def _count(ref: str) -> str:
    """A count cell as the engine reads it: a whole number ≥ 0, anything else 0."""
    return f"MAX(0,INT(N({ref})))"


def _times(points: float, expr: str) -> str:
    return expr if points == 1 else f"{expr}*{_num(points)}"


def total_formula(rubric: Rubric, row: int) -> str:
    """The Excel formula of 最终得分 on sheet row `row`: `zhijian.scoring.score_call`, in cells.

    1. item = its cell when a number, else (不涉及 / blank / text) its maximum; + bonuses
       (MIN(max_times, count) × points) − deductions; MAX(0, …); MIN(max, …) unless a bonus may
       lift it; 0 when an item zero-out column says 是;
    2. category = Σ items, MIN(max, …) unless a bonus may lift it; 0 when a category zero-out says 是;
    3. call = scale × Σ categories (or the base) − Σ offences, within [0, full]; 0 when a call
       zero-out says 是, or (when the rubric says so) when 致命性错误 ≥ 1;
    4. final = ROUND(MAX(0, call − 差错扣分), 6); "" while the row has no 录音编号 and no input.
    """
    lay = template_layout(rubric)

    def ref(key: str) -> str:
        return lay.cell(key, row)

    lift_items = {b.item for b in rubric.bonuses if b.lift in ("item", "category")}
    lift_cats = {rubric.category_of[b.item].name for b in rubric.bonuses if b.lift == "category"}
    zero_item: dict[str, list[str]] = {}
    zero_cat: dict[str, list[str]] = {}
    zero_call: list[str] = []
    for z in rubric.zero_outs:
        flag = f'{ref("zero:" + z.id)}="{YES_TEXT}"'
        if z.scope == "item":
            zero_item.setdefault(z.target, []).append(flag)
        elif z.scope == "category":
            zero_cat.setdefault(z.target, []).append(flag)
        else:
            zero_call.append(flag)

    def zeroed(flags: list[str], expr: str) -> str:
        if not flags:
            return expr
        cond = flags[0] if len(flags) == 1 else f"OR({','.join(flags)})"
        return f"IF({cond},0,{expr})"

    def item_expr(it) -> str:
        c = ref(it.name)
        x = f"IF(ISNUMBER({c}),{c},{_num(it.max)})"
        for b in rubric.bonuses:
            if b.item == it.name:
                x += "+" + _times(b.points, f"MIN({b.max_times},{_count(ref('bonus:' + b.id))})")
        for d in rubric.deductions:
            if d.item == it.name:
                x += "-" + _times(d.points, f"MIN({d.max_times},{_count(ref('deduction:' + d.id))})")
        x = f"MAX(0,{x})"
        if it.name not in lift_items:
            x = f"MIN({_num(it.max)},{x})"
        return zeroed(zero_item.get(it.name, []), x)

    cat_exprs = []
    for cat in rubric.categories:
        s = "+".join(item_expr(it) for it in cat.items)
        if cat.name not in lift_cats:
            s = f"MIN({_num(cat.max_points)},{s})"
        elif len(cat.items) > 1:
            s = f"({s})"
        cat_exprs.append(zeroed(zero_cat.get(cat.name, []), s))

    if rubric.categories:
        total = "+".join(cat_exprs)
        call = total if rubric.scale == 1 else f"{_num(rubric.scale)}*({total})"
    else:
        call = _num(rubric.start_score)
    for o in rubric.offences:
        n = _count(ref("offence:" + o.id))
        if o.doubled_when:
            # points × ((n − m) + m × multiplier) = points × (n + (multiplier − 1) × m)
            m = f"MIN({n},{_count(ref('complaint:' + o.id))})"
            extra = m if o.multiplier == 2 else f"{_num(o.multiplier - 1)}*{m}"
            call += f"-{_num(o.points)}*({n}+{extra})"
        else:
            call += f"-{_num(o.points)}*{n}"
    call = f"MIN({_num(rubric.full_marks)},MAX(0,{call}))"
    zero_flags = list(zero_call)
    if rubric.fatal_errors.enabled and rubric.fatal_errors.zero_call:
        zero_flags.append(f"{_count(ref('fatal_errors'))}>0")
    call = zeroed(zero_flags, call)
    final = f"MAX(0,{call}-MAX(0,N({ref('error_deduction')})))" if rubric.error_deduction.enabled \
        else call
    inputs = [s for s in lay.specs if s.kind not in ("field", "total")]
    watched = [ref("recording_id")]
    if inputs:
        first, last = lay.columns[inputs[0].key], lay.columns[inputs[-1].key]
        watched.append(f"{first}{row}:{last}{row}")
    return f'=IF(COUNTA({",".join(watched)})=0,"",ROUND({final},6))'


# --- the workbook -----------------------------------------------------------------------------


def _group_label(spec: ColumnSpec, rubric: Rubric) -> str:
    if spec.key in _FIELD_KEYS:
        return "基本信息"
    if spec.key in ("total", "remarks"):
        return "结果"
    if spec.kind == "item":
        return rubric.category_of[spec.key].name
    return _GROUP_OF_KIND.get(spec.kind, "")


def _display_width(text: str) -> int:
    """Width in Excel column units: a CJK (wide) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _item_width(header: str) -> float:
    """An item column 7–11 wide: its header "名称(N分)" on one line when it is short."""
    return round(min(11.0, max(7.0, 0.85 * _display_width(header) + 1.5)), 1)


def _list_source(values: list[str]) -> list[str] | None:
    """A dropdown list, or None when it would not fit Excel's 255-character limit."""
    return values if len(",".join(values)) <= 255 else None


def write_template(rubric: Rubric, path: str | Path, rows: int = 300) -> Path:
    """Write the 评分表 template of `rubric` to `path` (.xlsx) with `rows` formula rows."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written next to the target and renamed into place: never a half-written template.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _write_workbook(rubric, tmp, rows)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a template is an ordinary file
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _write_workbook(rubric: Rubric, path: Path, rows: int) -> None:
    lay = template_layout(rubric)
    specs = lay.specs
    ncols = len(specs)
    first, last = FIRST_DATA_ROW - 1, FIRST_DATA_ROW - 2 + rows  # 0-based data rows

    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({
        "title": f"《{rubric.name}》评分表",
        "subject": f"{rubric.id} v{rubric.version}",
        "author": "zhijian 质检",
        "keywords": f"质检, 评分表, {rubric.id}",
        "comments": rubric.content_hash or "",
        "category": "评分表",
    })
    wb.set_custom_property("zhijian_rubric_id", rubric.id)
    wb.set_custom_property("zhijian_rubric_version", str(rubric.version))
    if rubric.content_hash:
        wb.set_custom_property("zhijian_rubric_hash", rubric.content_hash)

    font = {"font_name": "等线", "font_size": 10}
    f_title = wb.add_format({**font, "bold": True, "font_size": 14, "align": "center",
                             "valign": "vcenter"})
    f_group = wb.add_format({**font, "bold": True, "align": "center", "valign": "vcenter",
                             "border": 1, "bg_color": "#D9E1F2", "text_wrap": True})
    f_head = wb.add_format({**font, "bold": True, "align": "center", "valign": "vcenter",
                            "border": 1, "bg_color": "#F2F2F2", "text_wrap": True})
    f_head_severe = wb.add_format({**font, "bold": True, "align": "center", "valign": "vcenter",
                                   "border": 1, "bg_color": "#FFF2CC", "text_wrap": True})
    f_head_total = wb.add_format({**font, "bold": True, "align": "center", "valign": "vcenter",
                                  "border": 1, "bg_color": "#E2EFDA", "text_wrap": True})
    f_cell = wb.add_format({**font, "align": "center", "valign": "vcenter"})
    f_text = wb.add_format({**font, "valign": "vcenter"})
    f_id = wb.add_format({**font, "valign": "vcenter", "num_format": "@"})
    f_date = wb.add_format({**font, "align": "center", "valign": "vcenter",
                            "num_format": "yyyy-mm-dd"})
    f_remarks = wb.add_format({**font, "valign": "vcenter", "text_wrap": True})
    f_total = wb.add_format({**font, "bold": True, "align": "center", "valign": "vcenter",
                             "bg_color": "#E2EFDA", "num_format": "General"})

    ws = wb.add_worksheet(SHEET)

    # Column widths and default formats.
    widths = []
    for i, s in enumerate(specs):
        if s.kind == "item":
            width, fmt = _item_width(s.header), f_cell
        elif s.kind == "field" or s.kind == "total":
            width = _FIELD_WIDTHS.get(s.key, 12)
            fmt = {"date": f_date, "remarks": f_remarks, "total": f_total,
                   "agent_id": f_id, "recording_id": f_id}.get(s.key, f_text)
        else:
            width, fmt = 12, f_cell
        widths.append(width)
        ws.set_column(i, i, width, fmt)

    # Row 1: the title.
    title = f"《{rubric.name}》评分表 (v{rubric.version})"
    ws.set_row(TITLE_ROW - 1, 26)
    if ncols > 1:
        ws.merge_range(TITLE_ROW - 1, 0, TITLE_ROW - 1, ncols - 1, title, f_title)
    else:
        ws.write(TITLE_ROW - 1, 0, title, f_title)

    # Row 2: group labels, merged over runs of the same label.
    ws.set_row(GROUP_ROW - 1, 20)
    labels = [_group_label(s, rubric) for s in specs]
    start = 0
    for i in range(1, ncols + 1):
        if i == ncols or labels[i] != labels[start]:
            if i - 1 > start:
                ws.merge_range(GROUP_ROW - 1, start, GROUP_ROW - 1, i - 1, labels[start], f_group)
            else:
                ws.write(GROUP_ROW - 1, start, labels[start], f_group)
            start = i

    # Row 3: headers.
    lines = max(math.ceil(0.85 * _display_width(s.header) / max(1.0, w - 1.5))
                for s, w in zip(specs, widths))
    ws.set_row(HEADER_ROW - 1, min(120, max(30, 13.5 * lines + 4)))
    for i, s in enumerate(specs):
        fmt = f_head
        if s.kind == "item" and rubric.item_by_name[s.key].severity == "严重":
            fmt = f_head_severe
        elif s.kind == "total":
            fmt = f_head_total
        ws.write_string(HEADER_ROW - 1, i, s.header, fmt)

    # Validations, one per input column over every data row.
    for i, s in enumerate(specs):
        v = _validation(rubric, s)
        if v:
            ws.data_validation(first, i, last, i, v)

    # 最终得分: one formula per data row.
    tcol = lay.column_number("total") - 1
    for r in range(first, last + 1):
        ws.write_formula(r, tcol, total_formula(rubric, r + 1), f_total, "")

    rec_col = lay.column_number("recording_id")
    ws.freeze_panes(HEADER_ROW, rec_col)
    ws.autofilter(HEADER_ROW - 1, 0, last, ncols - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, HEADER_ROW - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页,共 &N 页")
    ws.activate()

    _write_notes(wb, rubric, lay)
    wb.close()


def _validation(rubric: Rubric, s: ColumnSpec) -> dict | None:
    err = {"error_type": "stop", "error_title": "输入不符合评分标准"}
    if s.kind == "item":
        it = rubric.item_by_name[s.key]
        values = [fmt_number(v) for v in it.allowed_values()]
        if it.na == "full":
            values.append(NA_TEXT)
        src = _list_source(values)
        na = f";{NA_TEXT} 按满分计" if it.na == "full" else ""
        msg = f"满分 {fmt_number(it.max)};允许: {it.describe_allowed()}{na}"
        if src is None:  # too many levels for a dropdown: a number range instead
            lo = it.range.min if it.range else 0
            return {"validate": "decimal", "criteria": "between", "minimum": lo,
                    "maximum": it.max, **err, "error_message": msg[:255]}
        return {"validate": "list", "source": src, **err, "error_message": msg[:255],
                "input_title": s.key[:32], "input_message": msg[:255]}
    if s.kind in ("bonus", "deduction"):
        rule = next(r for r in (rubric.bonuses if s.kind == "bonus" else rubric.deductions)
                    if f"{s.kind}:{r.id}" == s.key)
        sign = "+" if s.kind == "bonus" else "-"
        msg = (f"次数 0–{rule.max_times};每次 {sign}{fmt_number(rule.points)} 分(计入“{rule.item}”)")
        return {"validate": "list", "source": [str(k) for k in range(rule.max_times + 1)],
                **err, "error_message": msg, "input_title": ("加分" if s.kind == "bonus" else "减分"),
                "input_message": msg}
    if s.kind == "zero":
        z = next(z for z in rubric.zero_outs if f"zero:{z.id}" == s.key)
        what = {"item": f"评分项“{z.target}”", "category": f"类别“{z.target}”",
                "call": "整通电话"}[z.scope]
        msg = f"发生时选“{YES_TEXT}”:{what}得 0 分;未发生留空"
        return {"validate": "list", "source": [YES_TEXT], **err, "error_message": msg[:255],
                "input_title": "清零", "input_message": msg[:255]}
    if s.kind == "fatal":
        msg = "致命性错误起数(0 或正整数)" + (",有则整通 0 分" if rubric.fatal_errors.zero_call else "")
        return {"validate": "integer", "criteria": ">=", "value": 0, **err, "error_message": msg,
                "input_title": "致命性错误", "input_message": msg}
    if s.kind == "error_deduction":
        ed = rubric.error_deduction
        msg = f"差错扣分 {fmt_number(ed.min)}–{fmt_number(ed.max)} 分,从整通得分中扣除"
        return {"validate": "decimal", "criteria": "between", "minimum": ed.min, "maximum": ed.max,
                **err, "error_message": msg, "input_title": "差错扣分", "input_message": msg}
    if s.kind in ("offence", "complaint"):
        o = next(o for o in rubric.offences if s.key.endswith(":" + o.id))
        if s.kind == "offence":
            msg = f"发生次数(0 或正整数),每次扣 {fmt_number(o.points)} 分"
        else:
            msg = f"其中{o.doubled_when}的次数,按 {fmt_number(o.multiplier)} 倍扣分"
        return {"validate": "integer", "criteria": ">=", "value": 0, **err,
                "error_message": msg[:255], "input_message": msg[:255]}
    if s.key == "date":
        return {"validate": "date", "criteria": "between", "minimum": _DATE_MIN,
                "maximum": _DATE_MAX, **err, "error_message": "请输入日期,例如 2024-06-18"}
    return None


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes, wrapped in a column `width` units wide (a rough estimate)."""
    return sum(max(1, math.ceil(0.8 * _display_width(part) / max(1.0, width - 1)))
               for part in str(text).split("\n"))


def _write_notes(wb: xlsxwriter.Workbook, rubric: Rubric, lay: TemplateLayout) -> None:
    ws = wb.add_worksheet(NOTES_SHEET)
    font = {"font_name": "等线", "font_size": 10}
    f_title = wb.add_format({**font, "bold": True, "font_size": 13})
    f_sec = wb.add_format({**font, "bold": True, "font_size": 11, "bg_color": "#D9E1F2"})
    f_head = wb.add_format({**font, "bold": True, "bg_color": "#F2F2F2", "border": 1,
                            "text_wrap": True, "valign": "top", "align": "left"})
    f_text = wb.add_format({**font, "text_wrap": True, "valign": "top", "border": 1,
                            "align": "left"})
    f_plain = wb.add_format({**font, "text_wrap": True, "valign": "top", "align": "left"})
    f_key = wb.add_format({**font, "bold": True, "valign": "top", "align": "left"})
    widths = [18, 34, 8, 22, 12, 10, 10, 46]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    last_col = len(widths) - 1
    full_width = sum(widths) - 10
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)

    r = 0

    def line(*cells, fmt=f_text) -> None:
        nonlocal r
        n = 1
        for c, v in enumerate(cells):
            text = "" if v is None else v
            ws.write(r, c, text, fmt)
            n = max(n, _lines(str(text), widths[c]))
        if n > 1:
            ws.set_row(r, 13.5 * n + 2)
        r += 1

    def wide(text: str, fmt=f_plain) -> None:
        nonlocal r
        ws.merge_range(r, 0, r, last_col, text, fmt)
        n = _lines(text, full_width)
        if n > 1:
            ws.set_row(r, 13.5 * n + 2)
        r += 1

    def info(key: str, value: str) -> None:
        nonlocal r
        ws.write(r, 0, key, f_key)
        ws.merge_range(r, 1, r, last_col, value, f_plain)
        r += 1

    def section(title: str) -> None:
        nonlocal r
        r += 1
        ws.merge_range(r, 0, r, last_col, title, f_sec)
        r += 1

    ws.set_row(r, 22)
    ws.write(r, 0, f"《{rubric.name}》评分标准说明", f_title)
    r += 1
    info("评分标准编号", rubric.id)
    info("版本", str(rubric.version))
    info("内容校验码", rubric.content_hash or "")
    if rubric.source:
        info("来源", rubric.source)
    m = rubric.marks
    info("分数线", f"最高期望 {fmt_number(m.full)} / 良好水平 {fmt_number(m.good)} / 最低允许 {fmt_number(m.pass_)}")
    if rubric.categories:
        raw = sum(c.max_points for c in rubric.categories)
        info("计分方式", f"整通得分 = {fmt_number(rubric.scale)} × 各类别得分之和(评分项满分合计 {fmt_number(raw)})"
             if rubric.scale != 1 else "整通得分 = 各类别得分之和")
    else:
        info("计分方式", f"基准分 {fmt_number(rubric.start_score)},考核条款每发生一次扣相应分值")

    if rubric.categories:
        section("评分项(在评分表中填分数;不涉及的填“不涉及”或留空)")
        line("类别", "评分项", "满分", "允许取值", "不涉及", "严重程度", "分类", "评分点 / 说明",
             fmt=f_head)
        for cat in rubric.categories:
            for it in cat.items:
                na = "按满分计" if it.na == "full" else "不允许"
                extra = "、".join(it.points)
                if it.note:
                    extra = f"{extra};{it.note}" if extra else it.note
                line(f"{cat.name}({fmt_number(cat.max_points)}分)", it.name, fmt_number(it.max),
                     it.describe_allowed(), na, it.severity, it.item_class, extra)
    if rubric.bonuses:
        section("加分(填次数)")
        line("列", "加分项", "每次", "最多次数", "计入评分项", "可超满分", None, "说明", fmt=f_head)
        lift = {"none": "否", "item": "可超评分项满分", "category": "可超类别满分"}
        for b in rubric.bonuses:
            line(lay.columns[f"bonus:{b.id}"], b.name, f"+{fmt_number(b.points)}", str(b.max_times),
                 b.item, lift[b.lift], None, b.note)
    if rubric.deductions:
        section("减分(填次数;评分项最低 0 分)")
        line("列", "减分项", "每次", "最多次数", "计入评分项", None, None, "说明", fmt=f_head)
        for d in rubric.deductions:
            line(lay.columns[f"deduction:{d.id}"], d.name, f"-{fmt_number(d.points)}", str(d.max_times),
                 d.item, None, None, d.note)
    if rubric.zero_outs:
        section(f"清零(发生时填“{YES_TEXT}”)")
        line("列", "清零规则", "范围", "对象", None, None, None, "说明", fmt=f_head)
        scope = {"item": "评分项", "category": "类别", "call": "整通"}
        for z in rubric.zero_outs:
            line(lay.columns[f"zero:{z.id}"], z.name, scope[z.scope], z.target or "整通电话",
                 None, None, None, z.note)
    if rubric.offences:
        section("考核条款(填发生次数;加倍列填其中需加倍扣罚的次数)")
        line("列", "条款", "每次扣分", "加倍条件", "倍数", "严重程度", "分类", "说明", fmt=f_head)
        for o in rubric.offences:
            col = lay.columns[f"offence:{o.id}"]
            if o.doubled_when:
                col += f"(加倍: {lay.columns[f'complaint:{o.id}']})"
            line(col, o.name, fmt_number(o.points), o.doubled_when or "",
                 fmt_number(o.multiplier) if o.doubled_when else "", o.severity, o.item_class, o.note)
    fe, ed = rubric.fatal_errors, rubric.error_deduction
    if fe.enabled or ed.enabled:
        section("致命性错误与差错扣分")
        if fe.enabled:
            line("致命性错误", "填起数;" + ("有致命性错误时整通 0 分" if fe.zero_call
                                      else "单独统计,不影响本通得分"), None, None, None, None, None,
                 fe.note)
        if ed.enabled:
            line("差错扣分", f"{fmt_number(ed.min)}–{fmt_number(ed.max)} 分,从整通得分中扣除,最终得分不低于 0",
                 None, None, None, None, None, ed.note)
    if rubric.grades:
        section("等级")
        line("等级", "最低分", fmt=f_head)
        for g in rubric.grades:
            line(g.name, f"≥ {fmt_number(g.min)}")
    section("最终得分的计算顺序(与“最终得分”列的公式一致)")
    steps = []
    if rubric.categories:
        steps += ["评分项: 填写的分数;不涉及或留空按满分计;加上加分、减去减分,最低 0 分,"
                  "不超过该项满分(除非加分规则允许);该项清零时为 0。",
                  "类别: 各评分项之和,不超过类别满分(除非加分规则允许);类别清零时为 0。"]
    start = ("各类别之和" + (f" × {fmt_number(rubric.scale)}" if rubric.scale != 1 else "")
             if rubric.categories else f"基准分 {fmt_number(rubric.start_score)}")
    steps.append(f"整通得分: {start}" + (" 减去考核条款扣分" if rubric.offences else "")
                 + f",在 0 与满分 {fmt_number(rubric.full_marks)} 之间"
                 + (";整通清零时为 0" if any(z.scope == "call" for z in rubric.zero_outs) else "")
                 + (";有致命性错误时为 0" if fe.enabled and fe.zero_call else "") + "。")
    steps.append("最终得分 = 整通得分" + (" − 差错扣分,最低 0 分。" if ed.enabled else "。"))
    for k, step in enumerate(steps, 1):
        wide(f"{k}. {step}")
    wide("“最终得分”列为公式,请勿改写;录音编号和评分都为空的行显示为空。")
    if rubric.assumptions:
        section("评分标准的假设与说明")
        for a in rubric.assumptions:
            wide(a)

