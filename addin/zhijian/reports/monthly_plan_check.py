"""五、抽检计划核对 on the 质检月报's 轮回抽检 sheet: per inspector, the planned calls against what was
scored (`plan_check.PlanCheck`), then the calls scored outside the plan and the planned calls never
scored."""

from __future__ import annotations

import numbers

from zhijian.engine.plan_check import PlanCheck

from .toolkit import INT, PCT, Sheet

_UNSCORED_FILL = "#F8CBAD"
_UNPLANNED_FILL = "#FFE699"


def write_plan_check(s: Sheet, check: PlanCheck, row: int) -> int:
    """The section from `row`; returns the next free row."""
    w = s.w
    days = f"{len(check.days)} 天有抽检计划" if check.days else "本月没有抽检计划"
    s.text(row, 0, f"五、抽检计划核对({days};只核对有计划的日期)", w.section)
    row += 1
    s.headers(row, 0, list(check.by_inspector.columns), wrap_at=9)
    row += 1
    for rec in check.by_inspector.itertuples(index=False):
        values = list(rec)
        for j, v in enumerate(values):
            fmt = w.fmt(PCT) if j == 6 else w.fmt(INT) if _is_int(v) else w.fmt()
            if j == 3 and v:
                fmt = w.fmt(INT, fill=_UNSCORED_FILL)
            elif j == 4 and v:
                fmt = w.fmt(INT, fill=_UNPLANNED_FILL)
            s.put(row, j, v, fmt)
        row += 1
    if check.by_inspector.empty:
        s.put(row, 0, "无", w.fmt())
        row += 1
    s.text(row, 0, "按计划评分: 质检员评了分配给自己的录音;计划未评: 分配了但没有评分;计划外评分: 评了不在自己计划中的录音"
                   "(校正录音另计,不算计划外)", w.note)
    row += 2
    row = _list(s, row, "计划未评的录音", check.unscored, _UNSCORED_FILL)
    return _list(s, row + 1, "计划外评分的录音", check.unplanned, _UNPLANNED_FILL)


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _list(s: Sheet, row: int, title: str, df, fill: str) -> int:
    w = s.w
    s.text(row, 0, f"{title}({len(df)} 通)", w.section)
    row += 1
    s.headers(row, 0, list(df.columns))
    row += 1
    for rec in df.itertuples(index=False):
        for j, v in enumerate(rec):
            s.put(row, j, v, w.fmt("yyyy-mm-dd", fill=fill) if j == 0 else w.fmt(INT) if _is_int(v) else w.fmt())
        row += 1
    if df.empty:
        s.put(row, 0, "无", w.fmt())
        row += 1
    return row
