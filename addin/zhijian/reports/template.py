"""The 评分表 template of a rubric: an .xlsx an inspector fills in, one row per recording.

Sheet 评分表:
  row 1  title 《{rubric.name}》评分表 (v{version}), merged across every column;
  row 2  group labels merged over their columns (基本信息, each category over its items, 加减分,
         清零, 考核条款, 差错, 结果);
  row 3  the headers, exactly `column_specs(rubric)` in that order;
  row 4… data rows: a dropdown / number validation on every input column, and in 最终得分 a live
         formula that applies the rubric's rules in the order of `zhijian.engine.scoring` (see
         `total_formula`).
Sheet 说明: the rubric in words (items, levels, rules, grades, assumptions, id/version/hash),
written by `template_notes`.

A `Prefill` (a 抽检计划's drawn calls) fills the field columns of one data row per call and adds its
own columns after the rubric's (轮次, 开始时间); the total of such a sheet stays blank until a score
or a rule cell of its row is filled, since every row already has its 录音编号.

`template_layout(rubric)` (module `template_layout`) says where everything is.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import xlsxwriter

from zhijian.engine.columns import ColumnSpec
from zhijian.engine.rubric import Rubric, fmt_number
from zhijian.files.atomic import atomic_path

from .formula_rows import FormulaRowsSheet
from .template_formula import formula_fits, total_formula, written_words
from .template_layout import (FIRST_DATA_ROW, GROUP_ROW, HEADER_ROW, NA_MEANING, NA_TEXT, SHEET, TITLE_ROW, YES_TEXT,
                              TemplateLayout, column_units, template_layout)
from .template_notes import write_notes
from .toolkit import CREATED, WORKBOOK_OPTIONS, close_workbook
from .xlsx_file import MemoryWorkbook

_FIELD_KEYS = ("date", "inspector", "agent_id", "agent_name", "team", "recording_id", "call_type")
_GROUP_OF_KIND = {"bonus": "加减分", "deduction": "加减分", "zero": "清零", "offence": "考核条款",
                  "complaint": "考核条款", "fatal": "差错", "error_deduction": "差错"}
_FIELD_WIDTHS = {"date": 11, "inspector": 10, "agent_id": 10, "agent_name": 10, "team": 10,
                 "recording_id": 16, "call_type": 10, "remarks": 32, "total": 10}
_DATE_MIN = dt.date(2000, 1, 1)
_DATE_MAX = dt.date(2099, 12, 31)


# --- the workbook -----------------------------------------------------------------------------


def _group_label(spec: ColumnSpec, rubric: Rubric) -> str:
    if spec.key in _FIELD_KEYS:
        return "基本信息"
    if spec.key in ("total", "remarks"):
        return "结果"
    if spec.kind == "item":
        return rubric.category_of[spec.key].name
    return _GROUP_OF_KIND.get(spec.kind, "")


def _item_width(header: str) -> float:
    """An item column 7–11 wide: its header "名称(N分)" on one line when it is short."""
    return round(min(11.0, max(7.0, 0.85 * column_units(header) + 1.5)), 1)


def _list_source(values: list[str]) -> list[str] | None:
    """A dropdown list, or None when it would not fit Excel's 255-character limit or a word holds
    a comma or a double quote: the list is one quoted text of comma-separated words in the sheet's
    XML ("10,8,优秀"), where a comma splits a word in two and a quote ends the text (Excel then
    finds the file damaged)."""
    if any("," in v or '"' in v for v in values):
        return None
    return values if len(",".join(values)) <= 255 else None


@dataclass(frozen=True)
class Prefill:
    """What a prefilled 评分表 holds beyond the template: one data row per entry of `rows` (column
    key of `column_specs` or a header of `extra` -> value), the `extra` columns after the rubric's,
    and words added to the title (e.g. the date and the inspector)."""

    rows: Sequence[Mapping[str, Any]]
    extra: tuple[str, ...] = ()
    title: str = ""


def write_template(rubric: Rubric, path: str | Path, rows: int = 300, *, prefill: Prefill | None = None) -> Path:
    """Write the 评分表 template of `rubric` to `path` (.xlsx) with `rows` formula rows; with a
    `prefill`, one formula row per prefilled row instead, its fields filled."""
    if prefill is not None:
        rows = max(1, len(prefill.rows))
    if rows < 1:
        raise ValueError("rows must be at least 1")
    path = Path(path)
    with atomic_path(path) as tmp:  # never a half-written template
        lay = template_layout(rubric)
        wb = MemoryWorkbook(str(tmp), WORKBOOK_OPTIONS)  # rubric text never becomes a formula
        _set_properties(wb, rubric)
        _write_scores(wb, rubric, lay, rows, prefill)
        write_notes(wb, rubric, lay)
        close_workbook(wb)
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
        "created": CREATED,  # not the time of writing: the same rubric gives the same bytes
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
    time: Any


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
        time=wb.add_format({**font, "align": "center", "valign": "vcenter", "num_format": "hh:mm"}),
    )


def _write_scores(wb: xlsxwriter.Workbook, rubric: Rubric, lay: TemplateLayout, rows: int,
                  prefill: Prefill | None = None) -> None:
    """The 评分表 sheet: title, group labels, headers, then `rows` data rows (prefilled or not)."""
    f = _score_formats(wb)
    ws = wb.add_worksheet(SHEET, worksheet_class=FormulaRowsSheet)
    widths = _set_columns(ws, lay.specs, f)
    extra = prefill.extra if prefill is not None else ()
    ncols = len(lay.specs) + len(extra)
    _write_title(ws, rubric, ncols, f.title, prefill.title if prefill is not None else "")
    _write_groups(ws, rubric, lay.specs, f.group)
    _write_headers(ws, rubric, lay.specs, widths, f)
    first, last = FIRST_DATA_ROW - 1, FIRST_DATA_ROW - 2 + rows  # 0-based data rows
    _write_data_rows(ws, rubric, lay, first, last, f.total, prefilled=prefill is not None)
    if prefill is not None:
        _write_prefill(ws, lay, prefill, f)
    _set_page(ws, lay, last, ncols)


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


def _write_title(ws, rubric: Rubric, ncols: int, fmt, more: str = "") -> None:
    """Row 1: the title, merged across every column."""
    title = f"《{rubric.name}》评分表 (v{rubric.version})" + (f" {more}" if more else "")
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
    lines = max(math.ceil(0.85 * column_units(s.header) / max(1.0, w - 1.5))
                for s, w in zip(specs, widths))
    ws.set_row(HEADER_ROW - 1, min(120, max(30, 13.5 * lines + 4)))
    for i, s in enumerate(specs):
        fmt = f.head
        if s.kind == "item" and rubric.item_by_name[s.key].severity == "严重":
            fmt = f.head_severe
        elif s.kind == "total":
            fmt = f.head_total
        ws.write_string(HEADER_ROW - 1, i, s.header, fmt)


def _write_data_rows(ws, rubric: Rubric, lay: TemplateLayout, first: int, last: int, total_fmt, *,
                     prefilled: bool = False) -> None:
    """Data rows `first`…`last` (0-based): a validation on every input column, the 最终得分 formula."""
    for i, s in enumerate(lay.specs):
        v = _validation(rubric, s)
        if v:
            ws.data_validation(first, i, last, i, v)
    tcol = lay.column_number("total") - 1
    if not formula_fits(rubric, prefilled=prefilled):  # 说明 says so: 计算总分 / zhijian score fill it
        return
    ws.formula_down(first, last, tcol, lambda row: total_formula(rubric, row, prefilled=prefilled), total_fmt, "")


_EXTRA_WIDTH = 9


def _write_prefill(ws, lay: TemplateLayout, prefill: Prefill, f: _ScoreFormats) -> None:
    """The prefilled field values, one row each, and the extra columns after the rubric's."""
    keys = [s.key for s in lay.specs]
    fmt_of = {"date": f.date, "agent_id": f.id, "recording_id": f.id}
    base = len(keys)
    for j, header in enumerate(prefill.extra):
        ws.set_column(base + j, base + j, _EXTRA_WIDTH, f.cell)
        ws.write_string(HEADER_ROW - 1, base + j, header, f.head)
    if len(prefill.extra) > 1:
        ws.merge_range(GROUP_ROW - 1, base, GROUP_ROW - 1, base + len(prefill.extra) - 1, "抽检", f.group)
    elif prefill.extra:
        ws.write_string(GROUP_ROW - 1, base, "抽检", f.group)
    for i, values in enumerate(prefill.rows):
        r = FIRST_DATA_ROW - 1 + i
        for key, v in values.items():
            if v is None or v == "":
                continue
            c = keys.index(key) if key in keys else base + prefill.extra.index(key)
            fmt = fmt_of.get(key, f.text if c < base else f.cell)
            if isinstance(v, dt.datetime):  # a time of the day in an extra column (开始时间)
                ws.write_datetime(r, c, v, f.time if c >= base else fmt)
            elif isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), fmt)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(r, c, v, fmt)
            else:
                ws.write_string(r, c, str(v), fmt)


def _set_page(ws, lay: TemplateLayout, last: int, ncols: int | None = None) -> None:
    """Frozen panes, the filter over every data row, and A4 landscape printing."""
    ws.freeze_panes(HEADER_ROW, lay.column_number("recording_id"))
    ws.autofilter(HEADER_ROW - 1, 0, last, (ncols or len(lay.specs)) - 1)
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
        values = [fmt_number(v) for v in it.allowed_values()] + list(written_words(rubric, it))
        if it.na_allowed:
            values.append(NA_TEXT)
        src = _list_source(values)
        meaning = "不扣分" if it.negative and it.na != "exclude" else NA_MEANING.get(it.na, "")  # 扣分项: full is 0
        na = f";{NA_TEXT} {meaning}" if it.na_allowed else ""
        msg = f"满分 {fmt_number(it.max)};允许: {it.describe_allowed()}{na}"
        if src is None and len(values) > len(it.allowed_values()):
            # Too long for a dropdown, and words or 不涉及 are allowed: a number range would make
            # Excel refuse them, so only the message (the reader checks every cell).
            return {"validate": "any", "input_title": s.key[:32], "input_message": msg[:255]}
        if src is None:  # too many levels for a dropdown: a number range instead
            lo = min(it.allowed_values())  # a 扣分项's lowest level is below 0
            return {"validate": "decimal", "criteria": "between", "minimum": lo,
                    "maximum": it.max, **err, "error_message": msg[:255]}
        return {"validate": "list", "source": src, **err, "error_message": msg[:255],
                "input_title": s.key[:32], "input_message": msg[:255]}
    if s.kind in ("bonus", "deduction"):
        rule = next(r for r in (rubric.bonuses if s.kind == "bonus" else rubric.deductions)
                    if f"{s.kind}:{r.id}" == s.key)
        sign = "+" if s.kind == "bonus" else "-"
        msg = (f"次数 0–{rule.max_times};每次 {sign}{fmt_number(rule.points)} 分(计入“{rule.item}”)")[:255]
        shown = {"input_title": ("加分" if s.kind == "bonus" else "减分"), "input_message": msg}
        src = _list_source([str(k) for k in range(rule.max_times + 1)]) if rule.max_times < 100 else None
        if src is None:  # 0,1,…,300 is past Excel's 255 characters: XlsxWriter would drop the list
            return {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": rule.max_times,
                    **err, "error_message": msg, **shown}
        return {"validate": "list", "source": src, **err, "error_message": msg, **shown}
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
