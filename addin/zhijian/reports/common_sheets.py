"""The sheets every report has, over the toolkit: 排除与重复 (the account of every row read and the
rows not counted, with their reasons), 申诉处理, 数据来源, and the hidden provenance that
`zhijian audit` reads back."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zhijian.engine.analysis import WARNING_LEVELS, Analysis
from zhijian.engine.findings import SEVERITY_ZH, Severity
from zhijian.files.provenance import HIDDEN_SHEET, Provenance

from .toolkit import (_CHUNK, INT, SCORE, SEVERITY_FILL, SHEET_APPEALS, SHEET_EXCLUDED, SHEET_SOURCES, Sheet,
                      Writer, missing, text_of)


# --- 排除与重复 ---------------------------------------------------------------------------------

UNCOUNTED_HEADERS = ["原因", "文件", "工作表", "行", "日期", "质检员", "工号", "录音编号", "说明"]


def write_excluded_sheet(w: Writer, a: Analysis, findings: list, s: "Sheet | None" = None) -> None:
    """排除与重复: the accounting identity, every row not counted with its reason (rows outside the
    period are only counted), the findings, and the inputs that could not be read."""
    write_excluded_account(w, a.account, findings, s)


def write_excluded_account(w: Writer, acc, findings: list, s: "Sheet | None" = None) -> None:
    """排除与重复 of a report that has the row account (`acc`) but no 服务质量分析表 of its own."""
    s = s or w.sheet(SHEET_EXCLUDED)
    s.text(0, 0, "排除与重复: 读到的每一行都有去处", w.section)
    s.text(1, 0, acc.identity_text() + ("" if acc.holds() else f"(有 {acc.balance} 行未归类!)"), w.note)
    s.ws.freeze_panes(2, 0)
    row = write_account_rows(s, acc, 3)
    row = _uncounted(s, acc, row + 1)
    row = _findings(s, findings, row + 1)
    write_unreadable(s, acc, row + 1)
    s.finish(min_width=8)


def write_account_rows(s: "Sheet", acc, row: int) -> int:
    """The terms of the accounting identity as a table from `row`; returns the next free row."""
    w = s.w
    s.headers(row, 0, ["项目", "行数", "说明"], wrap_at=60)
    row += 1
    for label, value, note in acc.rows():
        s.put(row, 0, label)
        s.put(row, 1, "未核对" if value is None else value, w.fmt(INT))
        s.text(row, 2, note, w.note)
        row += 1
    return row


def _uncounted(s: "Sheet", acc, row: int) -> int:
    w = s.w
    u = acc.uncounted
    s.text(row, 0, f"一、未计入统计的行(共 {len(u)} 行;统计期外的 {acc.outside_period} 行只计数,不逐行列出)",
           w.section)
    row += 1
    s.headers(row, 0, UNCOUNTED_HEADERS, wrap_at=80)
    row += 1
    for rec in u.to_dict("records"):
        d = rec.get("date")
        values = [rec["reason"], Path(text_of(rec.get("file"))).name, text_of(rec.get("sheet")),
                  None if missing(rec.get("row")) else int(rec["row"]),
                  d if isinstance(d, (dt.date, pd.Timestamp)) else text_of(d), text_of(rec.get("inspector")),
                  text_of(rec.get("agent_id")), text_of(rec.get("recording_id")), text_of(rec.get("detail"))]
        for c, v in enumerate(values):
            s.put(row, c, v, w.fmt(INT) if c == 3 else None, width=c != 8)
        row += 1
    if u.empty:
        s.put(row, 0, "无")
        row += 1
    return row


def _findings(s: "Sheet", findings: list, row: int) -> int:
    w = s.w
    s.text(row, 0, "二、校验问题(有错误的行未计入统计)", w.section)
    row += 1
    s.headers(row, 0, ["级别", "规则", "文件", "工作表", "单元格", "说明"], wrap_at=80)
    row += 1
    for f in findings:
        sev = Severity(str(f.severity)) if str(f.severity) in ("error", "warning") else None
        s.put(row, 0, SEVERITY_ZH.get(sev, str(f.severity)), w.fmt(fill=SEVERITY_FILL.get(str(f.severity))))
        s.put(row, 1, str(f.rule))
        s.put(row, 2, Path(f.file).name if f.file else "")
        s.put(row, 3, f.sheet or "")
        s.put(row, 4, f.cell or "")
        s.put(row, 5, f.message or "", width=False)
        row += 1
    if not findings:
        s.put(row, 0, "无")
        s.text(row, 5, "未发现校验问题")
        row += 1
    return row


def write_unreadable(s: "Sheet", acc, row: int) -> int:
    """The inputs no row could be read from, by name and why, from `row`; returns the next free row."""
    w = s.w
    s.text(row, 0, f"未能读取的输入(共 {len(acc.unreadable)} 个)", w.section)
    row += 1
    s.headers(row, 0, ["文件", "工作表", "原因"], wrap_at=80)
    row += 1
    for u in acc.unreadable:
        s.put(row, 0, str(u.file))
        s.put(row, 1, u.sheet)
        s.put(row, 2, u.message, width=False)
        row += 1
    if not acc.unreadable:
        s.put(row, 0, "无")
        row += 1
    return row


def colour_days_table(s: Sheet, row: int, days: dict[str, int]) -> int:
    """警示色天数: one filled row per colour and the total; returns the next free row."""
    w = s.w
    s.headers(row, 0, ["警示色", "警示级别", "天数"])
    row += 1
    for name, colour, _, _, _ in WARNING_LEVELS:
        s.put(row, 0, colour, w.fmt(level=name))
        s.put(row, 1, name, w.fmt())
        s.put(row, 2, days.get(colour, 0), w.fmt(INT))
        row += 1
    s.put(row, 1, "合计")
    s.put(row, 2, sum(days.values()), w.fmt(INT, bold=True))
    return row + 1



# --- 申诉处理 ------------------------------------------------------------------------------------

def write_appeals_sheet(w: Writer, outcomes: list, policy=None) -> None:
    """申诉处理: the appeal policy in force (publication time, window), then every appeal of the
    register, its outcome, old and new final score, and each changed field (who decided, when)."""
    from zhijian.engine.appeals import AppealPolicy

    s = w.sheet(SHEET_APPEALS)
    ws = s.ws
    s.text(0, 0, (policy or AppealPolicy()).describe() + ";逾期的申诉不予受理", w.note)
    head = ["登记表行", "录音编号", "坐席工号", "申诉时间", "申诉理由", "处理结果", "决定人", "决定时间",
            "原最终得分", "新最终得分", "更正内容", "说明"]
    s.headers(1, 0, head)
    ws.freeze_panes(2, 0)
    r = 2
    for o in outcomes:
        a = o.appeal
        changes = ";".join(f"{f}: {value_text(old)} → {value_text(new)}" for f, old, new in o.changes)
        values = [a.row, a.recording_id, a.agent_id, a.filed_at, a.reason, o.status, a.decided_by,
                  a.decided_at, o.old_final, o.new_final, changes, o.note]
        for c, v in enumerate(values):
            if isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, w.fmt("yyyy-mm-dd hh:mm"))
                s._grow(c, "2026-10-13 15:30")
            elif c in (8, 9):
                s.put(r, c, v, w.fmt(SCORE))
            else:
                s.put(r, c, v if not isinstance(v, int) else v, w.fmt(INT) if isinstance(v, int) else None)
        r += 1
    if not outcomes:
        s.text(2, 0, "本期没有申诉", w.note)
    s.finish(min_width=8)


def value_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "不涉及"
    return f"{float(v):g}" if isinstance(v, (int, float, np.integer, np.floating)) else str(v)



# --- 数据来源 and the provenance ------------------------------------------------------------

def write_sources_sheet(w: Writer, a: Analysis, sources: list[str], provenance=None) -> None:
    from zhijian import __version__

    s = w.sheet(SHEET_SOURCES)
    ws = s.ws
    if provenance is not None:

        ws.freeze_panes(1, 0)
        r = write_sources_rows(s, provenance)
        write_unreadable(s, a.account, write_account_rows(s, a.account, r) + 1)
        s.finish(min_width=10)
        return
    r_ = a.rubric
    s.headers(0, 0, ["项目", "内容"], wrap_at=100)
    ws.freeze_panes(1, 0)
    rows = [("评分标准", r_.name), ("评分标准编号", r_.id), ("评分标准版本", r_.version),
            ("评分标准内容哈希(SHA-256)", r_.content_hash or ""), ("统计周期", a.period_label or ""),
            ("zhijian 版本", __version__), ("输入文件数", len(sources))]
    r = 1
    for k, v in rows:
        s.put(r, 0, k)
        s.put(r, 1, v, w.fmt(INT) if isinstance(v, int) else None)
        r += 1
    r += 1
    s.headers(r, 0, ["序号", "输入文件"], wrap_at=100)
    r += 1
    for i, src in enumerate(sources, start=1):
        s.put(r, 0, i, w.fmt(INT))
        s.put(r, 1, str(src))
        r += 1
    if not sources:
        s.put(r, 1, "(未提供)")
        r += 1
    write_unreadable(s, a.account, write_account_rows(s, a.account, r + 1) + 1)
    s.finish(min_width=10)


def write_provenance(wb, prov: Provenance) -> None:
    """The hidden JSON sheet and the document properties (XlsxWriter workbook)."""
    ws = wb.add_worksheet(HIDDEN_SHEET)
    text = prov.to_json()
    for i in range(0, max(len(text), 1), _CHUNK):
        ws.write_string(i // _CHUNK, 0, text[i:i + _CHUNK])
    ws.hide()
    for key, value in (("zhijian_command", prov.command), ("zhijian_rubric_id", prov.rubric_id),
                       ("zhijian_rubric_version", prov.rubric_version),
                       ("zhijian_rubric_hash", prov.rubric_hash), ("zhijian_version", prov.zhijian_version)):
        wb.set_custom_property(key, value)


def write_sources_rows(s, prov: Provenance, start_row: int = 0) -> int:
    """Provenance as a table on a report sheet (`s` a Sheet); returns the next free row."""
    r = start_row
    s.headers(r, 0, ["项目", "内容"], wrap_at=100)
    r += 1
    for k, v in prov.summary_rows():
        s.put(r, 0, k)
        s.put(r, 1, v)
        r += 1
    r += 1
    for title, files in (("输入文件", prov.inputs), ("上期输入文件", prov.previous)):
        if not files:
            continue
        s.headers(r, 0, ["序号", title, "SHA-256"], wrap_at=100)
        r += 1
        for i, entry in enumerate(files, start=1):  # (path, sha256[, relative path])
            s.put(r, 0, i)
            s.put(r, 1, entry[0])
            s.put(r, 2, entry[1])
            r += 1
        r += 1
    return r
