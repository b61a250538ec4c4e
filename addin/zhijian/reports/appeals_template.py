"""The 申诉登记表 of a rubric: an .xlsx the team fills in, one row per appeal.

Sheet 申诉登记表:
  row 1  title 《{rubric.name}》申诉登记表, merged across every column;
  row 2  the headers, exactly `zhijian.engine.appeals.register_headers(rubric)` (the 更正: columns
         of the corrected scores highlighted);
  row 3… date-time validations on 申诉时间 and 决定时间, dropdowns on the re-check and arbitration
         outcomes and on every corrected score.
Sheet 说明: the rules (48 h window, 复核 → 仲裁, corrected scores, the order decisions apply in).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from zhijian.engine.appeal_policy import AppealPolicy
from zhijian.engine.appeals import (ARBITRATION_CHOICES, CORRECTED, RECHECK_CHOICES, REGISTER_FIELDS,
                                    register_headers)
from zhijian.engine.rubric import Rubric, fmt_number

from .toolkit import new_workbook

SHEET = "申诉登记表"
NOTES_SHEET = "说明"
FIRST_DATA_ROW = 3  # 1-based, as Excel shows it
_EARLIEST = dt.datetime(2000, 1, 1)  # a date-time cell accepts nothing before this


def write_appeals_template(rubric: Rubric, path: str | Path, rows: int = 200) -> Path:
    """The 申诉登记表 for a rubric: one row per appeal, dropdowns for the outcomes and for the
    corrected scores, and a 说明 sheet with the rules (48 h window, 复核 → 仲裁)."""
    path = Path(path)
    with new_workbook(path, title=f"{rubric.name} 申诉登记表", subject=f"{rubric.id} {rubric.version}") as wb:
        wb.set_custom_property("zhijian_rubric_id", rubric.id)
        title = _write_register(wb, rubric, rows)
        _write_rules(wb, rubric, title)
    return path


def _write_register(wb, rubric: Rubric, rows: int):
    """The 申诉登记表 sheet; returns the title format, which the 说明 sheet uses too."""
    heads = register_headers(rubric)
    keys = list(REGISTER_FIELDS)
    ws = wb.add_worksheet(SHEET)
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                          "border": 1, "bg_color": "#DDEBF7"})
    corrected_head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                                    "border": 1, "bg_color": "#FFF2CC"})
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.merge_range(0, 0, 0, len(heads) - 1, f"《{rubric.name}》申诉登记表", title)
    first, last = FIRST_DATA_ROW - 1, rows + 1  # 0-based data rows
    for c, h in enumerate(heads):
        ws.write_string(1, c, h, corrected_head if h.startswith(CORRECTED) else head)
        ws.set_column(c, c, 8 if h.startswith(CORRECTED) else 24 if h == "申诉理由" else 14)
    for key in ("filed_at", "decided_at"):
        c = keys.index(key)
        ws.set_column(c, c, 17, when)
        ws.data_validation(first, c, last, c, {"validate": "date", "criteria": ">=", "value": _EARLIEST,
                                               "error_message": "请填写日期时间,如 2026-10-13 15:30"})
    for key, choices in (("recheck_result", RECHECK_CHOICES), ("arbitration_result", ARBITRATION_CHOICES)):
        c = keys.index(key)
        ws.data_validation(first, c, last, c, {"validate": "list", "source": list(choices)})
    for c, h in enumerate(heads):
        name = h[len(CORRECTED):]
        if h.startswith(CORRECTED) and name in rubric.item_by_name:
            it = rubric.item_by_name[name]
            values = [fmt_number(v) for v in it.allowed_values()] + (["不涉及"] if it.na_allowed else [])
            ws.data_validation(first, c, last, c, {"validate": "list", "source": values})
    ws.freeze_panes(2, 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    return title


def _write_rules(wb, rubric: Rubric, title) -> None:
    """The 说明 sheet: the appeal procedure, one line a row, under a title in the `title` format."""
    notes = wb.add_worksheet(NOTES_SHEET)
    notes.set_column(0, 0, 100)
    for r, line in enumerate([
        "申诉流程(seed 001 SOP-15、seed 002 §6):",
        f"1. 坐席在成绩公布后的时限内提出申诉(默认 {AppealPolicy().describe()};"
        "核对时可用 --publish-time、--window-hours 调整)。逾期申诉不予受理。",
        "2. 质检班长复核录音,填写“复核结果”和“复核人”: 改判 / 维持原判 / 提交仲裁。",
        "3. 提交仲裁的申诉由仲裁组在 48 小时内裁决,填写“仲裁结果”和“仲裁人”。",
        "4. 改判时在“更正:”各列填写更正后的分数,未填写的评分项保持原分;填写“决定时间”。",
        "5. 同一录音多次申诉时,按决定时间先后依次生效,统计使用最新的决定。",
        f"评分标准: {rubric.name}({rubric.id} v{rubric.version})",
    ]):
        notes.write_string(r, 0, line, title if r == 0 else None)
