"""The 投诉表扬登记表 and 总部拨测登记表: one .xlsx the team fills in (`zhijian complaints template`).

Sheet 投诉表扬登记表: one row per work order — 日期, 工单编号, 中心, 班组, 坐席工号, 坐席姓名, 类型
(投诉/表扬), 来源 (集团/工信部/客户/其他), 是否成立 (是/否; blank = 待定), 问题分类 (服务类/业务类),
复核请求时间, 复核回复时间, 复核时限(小时) (blank = 2, SOP-12), 说明; dropdowns and date checks.
Sheet 总部拨测登记表: one row per head-office test call — 日期, 拨测编号, 中心, 网别, 坐席工号, 坐席姓名,
得分, 满分 (blank = 100), 致命性错误 (起数), 问题描述.
Sheet 说明: the rules the reports apply.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from zhijian.engine.complaints import (BUSINESS, COMPLAINT, COMPLAINT_FIELDS, HQ_CALL_FIELDS, PRAISE,
                                       RECHECK_HOURS, SERVICE, SHEET_COMPLAINTS, SHEET_HQ_CALLS, SOURCES)

from .toolkit import new_workbook

FIRST_DATA_ROW = 3  # 1-based: title in row 1, headers in row 2
_EARLIEST = dt.datetime(2000, 1, 1)
CHOICES = {"kind": [COMPLAINT, PRAISE], "source": list(SOURCES), "upheld": ["是", "否"],
           "category": [SERVICE, BUSINESS]}
DATES = {"date"}
TIMES = {"requested_at", "answered_at"}


def write_registers_template(path: str | Path, rows: int = 500) -> Path:
    """The two registers and their 说明, ready to fill in."""
    path = Path(path)
    with new_workbook(path, title="投诉表扬与总部拨测登记表", subject="zhijian complaints") as wb:
        title = wb.add_format({"bold": True, "font_size": 14})
        head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                              "border": 1, "bg_color": "#DDEBF7"})
        formats = {"date": wb.add_format({"num_format": "yyyy-mm-dd"}),
                   "time": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})}
        _register(wb, SHEET_COMPLAINTS, COMPLAINT_FIELDS, "投诉表扬登记表", rows, title, head, formats)
        _register(wb, SHEET_HQ_CALLS, HQ_CALL_FIELDS, "总部拨测登记表", rows, title, head, formats)
        _notes(wb, title)
    return path


def _register(wb, name: str, fields: dict[str, list[str]], caption: str, rows: int, title, head, formats) -> None:
    ws = wb.add_worksheet(name)
    keys = list(fields)
    ws.merge_range(0, 0, 0, len(keys) - 1, caption, title)
    first, last = FIRST_DATA_ROW - 1, rows + 1
    for c, key in enumerate(keys):
        ws.write_string(1, c, fields[key][0], head)
        width = 24 if key == "note" else 17 if key in TIMES else 12
        if key in DATES:
            ws.set_column(c, c, width, formats["date"])
            ws.data_validation(first, c, last, c, {"validate": "date", "criteria": ">=", "value": _EARLIEST,
                                                   "error_message": "请填写日期,如 2026-10-13"})
        elif key in TIMES:
            ws.set_column(c, c, width, formats["time"])
            ws.data_validation(first, c, last, c, {"validate": "date", "criteria": ">=", "value": _EARLIEST,
                                                   "error_message": "请填写日期时间,如 2026-10-13 15:30"})
        else:
            ws.set_column(c, c, width)
        if key in CHOICES and fields is COMPLAINT_FIELDS:
            ws.data_validation(first, c, last, c, {"validate": "list", "source": CHOICES[key]})
        if key in ("score", "max", "fatal", "limit_hours"):
            ws.data_validation(first, c, last, c, {"validate": "decimal", "criteria": ">=", "value": 0,
                                                   "error_message": "请填写不小于 0 的数"})
    ws.freeze_panes(2, 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _notes(wb, title) -> None:
    ws = wb.add_worksheet("说明")
    ws.set_column(0, 0, 110)
    for r, line in enumerate([
        "投诉表扬登记表(seed 001 6月总结;SOP-12 投诉处理):",
        "1. 每张投诉或表扬工单一行;“类型”为 投诉 或 表扬;“来源”如 集团、工信部、客户。",
        "2. “是否成立”填 是 或 否;尚未确认的留空(待定),不计入成立率。成立率 = 成立 / (成立 + 不成立)。",
        "3. “问题分类”(服务类 / 业务类)按成立的投诉统计。",
        f"4. 投诉查询复核: 质检班长应在客户规定时间内回复,无规定时一般在 {RECHECK_HOURS:g} 小时内;"
        "“复核时限(小时)”留空即按 2 小时。超过时限回复为超时,有请求无回复为未回复。",
        "总部拨测登记表:",
        "5. 每通总部拨测一行;“得分”与“满分”(留空为 100)按总部的评分;“致命性错误”填起数,没有留空或填 0。",
        "6. 平均得分率 = 各通 得分/满分 的平均值;报表按网别(移网、固网、专席…)和合计统计。",
        "在 zhijian monthly / quarterly / yearly 中用 --complaints 本文件 加入报表。",
    ]):
        ws.write_string(r, 0, line, title if line.endswith(":") else None)
