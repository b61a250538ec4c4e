"""Reading a written 服务质量分析表 back into the figures of `Analysis.to_dict()` (the --json
figures), for the tests that compare a workbook with the engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

OVERVIEW_KEYS = {"有效通数": "n", "校验错误排除": "excluded_rows", "重复录音": "duplicates", "平均分": "mean_score",
                 "优良率": "excellent_rate", "轻微不良": "slight_defect_rate", "一般不良": "general_defect_rate",
                 "80分以下": "below_80_rate", "平均不良比率": "mean_defect_rate"}

def find_row(ws, col: int, text: str, after: int = 0) -> int:
    for r in range(after + 1, ws.max_row + 1):
        if ws.cell(r, col).value == text:
            return r
    raise AssertionError(f"{ws.title}: 找不到“{text}”")


def read_back_figures(path: Path) -> dict:
    """The --json figures as the workbook shows them (rates as fractions, rounded like to_dict)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["服务质量分析表"]
    out: dict = {}
    r = find_row(ws, 1, "指标") + 1
    while ws.cell(r, 1).value:
        label, value = ws.cell(r, 1).value, ws.cell(r, 2).value
        if label in OVERVIEW_KEYS:
            key = OVERVIEW_KEYS[label]
            out[key] = None if value == "—" else (int(value) if key in ("n", "excluded_rows", "duplicates")
                                                   else round(value, 6))
        if label == "平均不良比率":
            out["mean_defect_level"] = ws.cell(r, 3).value
        if label == "不良比率最高的服务能力项":
            out["worst_capability_items"] = [] if value == "无" else value.split("、")
        r += 1
    head = next(r for r in range(1, ws.max_row + 1)
                if ws.cell(r, 1).value == "评分项" and ws.cell(r, 2).value == "分类")
    cols = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
    items = []
    r = head + 1
    while ws.cell(r, 2).value:  # the 分类 column ends the table (the note below has none)
        items.append({"item": ws.cell(r, 1).value, "defect_count": int(ws.cell(r, cols["不良数"]).value),
                      "defect_rate": round(ws.cell(r, cols["不良比率"]).value, 6),
                      "defect_share": round(ws.cell(r, cols["不良占比"]).value, 6),
                      "warning_level": ws.cell(r, cols["警示级别"]).value})
        r += 1
    out["items"] = items
    days = []
    ws = wb["每日分析"]
    cols = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
    r = 2
    while isinstance(ws.cell(r, 1).value, dt.datetime):
        days.append({"date": ws.cell(r, 1).value.date().isoformat(), "n": int(ws.cell(r, cols["通数"]).value),
                     "mean_defect_rate": round(ws.cell(r, cols["平均不良比率"]).value, 6),
                     "warning_colour": ws.cell(r, cols["警示色"]).value})
        r += 1
    out["days"] = days
    return out
