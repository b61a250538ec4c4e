"""The 评分表 template of a rubric: an .xlsx an inspector fills in, one row per recording.

Sheet 评分表:
  row 1  title 《{rubric.name}》评分表 (v{version}), merged across every column;
  row 2  group labels merged over their columns (基本信息, each category over its items, 加减分,
         清零, 考核条款, 差错, 结果);
  row 3  the headers, exactly `column_specs(rubric)` in that order;
  row 4… data rows: a dropdown / number validation on every input column, and in 最终得分 a live
         formula that applies the rubric's rules in the order of `zhijian.engine.scoring` (see
         `total_formula`).
Sheet 说明: the rubric in words (items, levels, rules, grades, assumptions, id/version/hash).

`template_layout(rubric)` says where everything is, for tests and for the reader.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from zhijian.engine.columns import ColumnSpec, column_specs
from zhijian.engine.rubric import Category, Item, Rubric, fmt_number
from zhijian.files.atomic import atomic_path

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
    """The Excel formula of 最终得分 on sheet row `row`: `zhijian.engine.scoring.score_call`, in cells.

    1. item = its cell when a number, else (不涉及 / blank / text) its maximum; + bonuses
       (MIN(max_times, count) × points) − deductions; MAX(0, …); MIN(max, …) unless a bonus may
       lift it; 0 when an item zero-out column says 是 (`_item_expr`);
    2. category = Σ items, MIN(max, …) unless a bonus may lift it; 0 when a category zero-out says 是
       (`_category_expr`);
    3. call = scale × Σ categories (or the base) − Σ offences, within [0, full]; 0 when a call
       zero-out says 是, or (when the rubric says so) when 致命性错误 ≥ 1 (`_call_expr`);
    4. final = ROUND(MAX(0, call − 差错扣分), 6); "" while the row has no 录音编号 and no input
       (`_final_expr`, `_blank_while_empty`).
    """
    lay = template_layout(rubric)

    def ref(key: str) -> str:
        return lay.cell(key, row)

    zero = _zero_flags(rubric, ref)
    final = _final_expr(rubric, ref, _call_expr(rubric, ref, zero))
    return _blank_while_empty(lay, row, f"ROUND({final},6)")


_Ref = Callable[[str], str]  # a column key -> its A1 address on the formula's row


@dataclass(frozen=True)
class _ZeroFlags:
    """The conditions `<column>="是"` of the zero-out columns, by what they zero."""

    item: dict[str, list[str]] = field(default_factory=dict)  # item name -> conditions
    category: dict[str, list[str]] = field(default_factory=dict)  # category name -> conditions
    call: list[str] = field(default_factory=list)


def _zero_flags(rubric: Rubric, ref: _Ref) -> _ZeroFlags:
    flags = _ZeroFlags()
    for z in rubric.zero_outs:
        flag = f'{ref("zero:" + z.id)}="{YES_TEXT}"'
        if z.scope == "item":
            flags.item.setdefault(z.target, []).append(flag)
        elif z.scope == "category":
            flags.category.setdefault(z.target, []).append(flag)
        else:
            flags.call.append(flag)
    return flags


def _zeroed(flags: list[str], expr: str) -> str:
    """`expr`, or 0 when any of the conditions `flags` holds."""
    if not flags:
        return expr
    cond = flags[0] if len(flags) == 1 else f"OR({','.join(flags)})"
    return f"IF({cond},0,{expr})"


def _item_expr(rubric: Rubric, it: Item, ref: _Ref, zero: _ZeroFlags) -> str:
    """Stage 1: an item's score with its bonuses and deductions."""
    c = ref(it.name)
    x = f"IF(ISNUMBER({c}),{c},{_num(it.max)})"
    for b in rubric.bonuses:
        if b.item == it.name:
            x += "+" + _times(b.points, f"MIN({b.max_times},{_count(ref('bonus:' + b.id))})")
    for d in rubric.deductions:
        if d.item == it.name:
            x += "-" + _times(d.points, f"MIN({d.max_times},{_count(ref('deduction:' + d.id))})")
    x = f"MAX(0,{x})"
    if not any(b.item == it.name and b.lift in ("item", "category") for b in rubric.bonuses):
        x = f"MIN({_num(it.max)},{x})"
    return _zeroed(zero.item.get(it.name, []), x)


def _category_expr(rubric: Rubric, cat: Category, ref: _Ref, zero: _ZeroFlags) -> str:
    """Stage 2: a category's score, the sum of its items."""
    s = "+".join(_item_expr(rubric, it, ref, zero) for it in cat.items)
    if not any(b.lift == "category" and rubric.category_of[b.item].name == cat.name
               for b in rubric.bonuses):
        s = f"MIN({_num(cat.max_points)},{s})"
    elif len(cat.items) > 1:
        s = f"({s})"
    return _zeroed(zero.category.get(cat.name, []), s)


def _call_expr(rubric: Rubric, ref: _Ref, zero: _ZeroFlags) -> str:
    """Stage 3: the call's score, from the categories (or the base) less the offences."""
    if rubric.categories:
        total = "+".join(_category_expr(rubric, cat, ref, zero) for cat in rubric.categories)
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
    zero_flags = list(zero.call)
    if rubric.fatal_errors.enabled and rubric.fatal_errors.zero_call:
        zero_flags.append(f"{_count(ref('fatal_errors'))}>0")
    return _zeroed(zero_flags, call)


def _final_expr(rubric: Rubric, ref: _Ref, call: str) -> str:
    """Stage 4: the final score, the call's less the 差错扣分 (before rounding)."""
    if rubric.error_deduction.enabled:
        return f"MAX(0,{call}-MAX(0,N({ref('error_deduction')})))"
    return call


def _blank_while_empty(lay: TemplateLayout, row: int, expr: str) -> str:
    """The formula `=expr`, showing "" while the row has no 录音编号 and no input."""
    inputs = [s for s in lay.specs if s.kind not in ("field", "total")]
    watched = [lay.cell("recording_id", row)]
    if inputs:
        first, last = lay.columns[inputs[0].key], lay.columns[inputs[-1].key]
        watched.append(f"{first}{row}:{last}{row}")
    return f'=IF(COUNTA({",".join(watched)})=0,"",{expr})'


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
    with atomic_path(path) as tmp:  # never a half-written template
        lay = template_layout(rubric)
        wb = xlsxwriter.Workbook(str(tmp))
        _set_properties(wb, rubric)
        _write_scores(wb, rubric, lay, rows)
        _write_notes(wb, rubric, lay)
        wb.close()
    return path


def _set_properties(wb: xlsxwriter.Workbook, rubric: Rubric) -> None:
    """Document properties, and the rubric's id, version and hash as custom properties."""
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


@dataclass(frozen=True)
class _ScoreFormats:
    """The cell formats of the 评分表 sheet."""

    title: Any
    group: Any
    head: Any
    head_severe: Any
    head_total: Any
    cell: Any
    text: Any
    id: Any
    date: Any
    remarks: Any
    total: Any


def _score_formats(wb: xlsxwriter.Workbook) -> _ScoreFormats:
    font = {"font_name": "等线", "font_size": 10}
    head = {**font, "bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True}
    return _ScoreFormats(
        title=wb.add_format({**font, "bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        group=wb.add_format({**head, "bg_color": "#D9E1F2"}),
        head=wb.add_format({**head, "bg_color": "#F2F2F2"}),
        head_severe=wb.add_format({**head, "bg_color": "#FFF2CC"}),
        head_total=wb.add_format({**head, "bg_color": "#E2EFDA"}),
        cell=wb.add_format({**font, "align": "center", "valign": "vcenter"}),
        text=wb.add_format({**font, "valign": "vcenter"}),
        id=wb.add_format({**font, "valign": "vcenter", "num_format": "@"}),
        date=wb.add_format({**font, "align": "center", "valign": "vcenter", "num_format": "yyyy-mm-dd"}),
        remarks=wb.add_format({**font, "valign": "vcenter", "text_wrap": True}),
        total=wb.add_format({**font, "bold": True, "align": "center", "valign": "vcenter",
                             "bg_color": "#E2EFDA", "num_format": "General"}),
    )


def _write_scores(wb: xlsxwriter.Workbook, rubric: Rubric, lay: TemplateLayout, rows: int) -> None:
    """The 评分表 sheet: title, group labels, headers, then `rows` data rows."""
    f = _score_formats(wb)
    ws = wb.add_worksheet(SHEET)
    widths = _set_columns(ws, lay.specs, f)
    _write_title(ws, rubric, len(lay.specs), f.title)
    _write_groups(ws, rubric, lay.specs, f.group)
    _write_headers(ws, rubric, lay.specs, widths, f)
    first, last = FIRST_DATA_ROW - 1, FIRST_DATA_ROW - 2 + rows  # 0-based data rows
    _write_data_rows(ws, rubric, lay, first, last, f.total)
    _set_page(ws, lay, last)


def _set_columns(ws, specs: tuple[ColumnSpec, ...], f: _ScoreFormats) -> list[float]:
    """Column widths and default formats; returns the widths."""
    widths = []
    for i, s in enumerate(specs):
        if s.kind == "item":
            width, fmt = _item_width(s.header), f.cell
        elif s.kind == "field" or s.kind == "total":
            width = _FIELD_WIDTHS.get(s.key, 12)
            fmt = {"date": f.date, "remarks": f.remarks, "total": f.total,
                   "agent_id": f.id, "recording_id": f.id}.get(s.key, f.text)
        else:
            width, fmt = 12, f.cell
        widths.append(width)
        ws.set_column(i, i, width, fmt)
    return widths


def _write_title(ws, rubric: Rubric, ncols: int, fmt) -> None:
    """Row 1: the title, merged across every column."""
    title = f"《{rubric.name}》评分表 (v{rubric.version})"
    ws.set_row(TITLE_ROW - 1, 26)
    if ncols > 1:
        ws.merge_range(TITLE_ROW - 1, 0, TITLE_ROW - 1, ncols - 1, title, fmt)
    else:
        ws.write(TITLE_ROW - 1, 0, title, fmt)


def _write_groups(ws, rubric: Rubric, specs: tuple[ColumnSpec, ...], fmt) -> None:
    """Row 2: group labels, merged over runs of the same label."""
    ncols = len(specs)
    ws.set_row(GROUP_ROW - 1, 20)
    labels = [_group_label(s, rubric) for s in specs]
    start = 0
    for i in range(1, ncols + 1):
        if i == ncols or labels[i] != labels[start]:
            if i - 1 > start:
                ws.merge_range(GROUP_ROW - 1, start, GROUP_ROW - 1, i - 1, labels[start], fmt)
            else:
                ws.write(GROUP_ROW - 1, start, labels[start], fmt)
            start = i


def _write_headers(ws, rubric: Rubric, specs: tuple[ColumnSpec, ...], widths: list[float],
                   f: _ScoreFormats) -> None:
    """Row 3: the headers, tall enough for the longest one wrapped in its column."""
    lines = max(math.ceil(0.85 * _display_width(s.header) / max(1.0, w - 1.5))
                for s, w in zip(specs, widths))
    ws.set_row(HEADER_ROW - 1, min(120, max(30, 13.5 * lines + 4)))
    for i, s in enumerate(specs):
        fmt = f.head
        if s.kind == "item" and rubric.item_by_name[s.key].severity == "严重":
            fmt = f.head_severe
        elif s.kind == "total":
            fmt = f.head_total
        ws.write_string(HEADER_ROW - 1, i, s.header, fmt)


def _write_data_rows(ws, rubric: Rubric, lay: TemplateLayout, first: int, last: int, total_fmt) -> None:
    """Data rows `first`…`last` (0-based): a validation on every input column, the 最终得分 formula."""
    for i, s in enumerate(lay.specs):
        v = _validation(rubric, s)
        if v:
            ws.data_validation(first, i, last, i, v)
    tcol = lay.column_number("total") - 1
    for r in range(first, last + 1):
        ws.write_formula(r, tcol, total_formula(rubric, r + 1), total_fmt, "")


def _set_page(ws, lay: TemplateLayout, last: int) -> None:
    """Frozen panes, the filter over every data row, and A4 landscape printing."""
    ws.freeze_panes(HEADER_ROW, lay.column_number("recording_id"))
    ws.autofilter(HEADER_ROW - 1, 0, last, len(lay.specs) - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, HEADER_ROW - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页,共 &N 页")
    ws.activate()


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
        self.ws.write(self.r, 0, text, self.f_title)
        self.r += 1

    def line(self, *cells, fmt=None) -> None:
        """One table row, a cell per column (None for an empty cell); bordered text by default."""
        fmt = self.f_text if fmt is None else fmt
        n = 1
        for c, v in enumerate(cells):
            text = "" if v is None else v
            self.ws.write(self.r, c, text, fmt)
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
        self.ws.write(self.r, 0, key, self.f_key)
        self.ws.merge_range(self.r, 1, self.r, self.last_col, value, self.f_plain)
        self.r += 1

    def section(self, title: str) -> None:
        """A section title, after an empty row."""
        self.r += 1
        self.ws.merge_range(self.r, 0, self.r, self.last_col, title, self.f_sec)
        self.r += 1


def _write_notes(wb: xlsxwriter.Workbook, rubric: Rubric, lay: TemplateLayout) -> None:
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
            notes.line(g.name, f"≥ {fmt_number(g.min)}")
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
        raw = sum(c.max_points for c in rubric.categories)
        notes.info("计分方式", f"整通得分 = {fmt_number(rubric.scale)} × 各类别得分之和(评分项满分合计 {fmt_number(raw)})"
                   if rubric.scale != 1 else "整通得分 = 各类别得分之和")
    else:
        notes.info("计分方式", f"基准分 {fmt_number(rubric.start_score)},考核条款每发生一次扣相应分值")


def _notes_items(notes: _NotesSheet, rubric: Rubric) -> None:
    """评分项: one row per item, under its category."""
    if not rubric.categories:
        return
    notes.section("评分项(在评分表中填分数;不涉及的填“不涉及”或留空)")
    notes.head("类别", "评分项", "满分", "允许取值", "不涉及", "严重程度", "分类", "评分点 / 说明")
    for cat in rubric.categories:
        for it in cat.items:
            na = "按满分计" if it.na == "full" else "不允许"
            extra = "、".join(it.points)
            if it.note:
                extra = f"{extra};{it.note}" if extra else it.note
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
    """The order in which 最终得分 is computed, in the words of `total_formula`'s stages."""
    fe, ed = rubric.fatal_errors, rubric.error_deduction
    notes.section("最终得分的计算顺序(与“最终得分”列的公式一致)")
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
        notes.wide(f"{k}. {step}")
    notes.wide("“最终得分”列为公式,请勿改写;录音编号和评分都为空的行显示为空。")
