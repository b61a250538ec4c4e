"""The monthly 轮回抽检 check against the 抽检计划: which calls each inspector scored that were not in
the plan, and which planned calls were never scored.

Plans are read back from the 抽检计划 sheet of the plan workbooks (`read_plan_grid`). Only the
days that have a plan are checked. A recording counts as scored by an inspector when it is in one
of the inspector's sheets dated on a plan day, whatever findings its row has (the validator
reports those). A recording planned for another inspector and scored by both is a calibration
copy (质检校正), not an unplanned call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .columns import FIELD_ALIASES, normalise_header
from .periods import Period
from .reader import Grid, cell_text, id_text, parse_date

PLAN_SHEET = "抽检计划"
ROUND_HEADER = "轮次"
_KEYS = {normalise_header(w)[0]: k for k in ("date", "inspector", "agent_id", "recording_id")
         for w in FIELD_ALIASES[k]}
_KEYS[ROUND_HEADER] = "round"
PLANNED_COLUMNS = ["date", "inspector", "round", "agent_id", "recording_id", "file"]


def read_plan_grid(grid: Grid) -> pd.DataFrame | None:
    """The planned calls of a 抽检计划 sheet (date, inspector, round, agent_id, recording_id, file),
    or None when `grid` is not one."""
    if grid.sheet != PLAN_SHEET:
        return None
    for r, row in enumerate(grid.rows[:5]):
        cols: dict[str, int] = {}
        for c, v in enumerate(row):
            key = _KEYS.get(normalise_header(v)[0]) if isinstance(v, str) else None
            if key is not None and key not in cols:
                cols[key] = c
        if {"date", "inspector", "recording_id"} <= set(cols):
            return _planned_rows(grid, r, cols)
    return None


def _planned_rows(grid: Grid, hr: int, cols: dict[str, int]) -> pd.DataFrame:
    def at(row, key):
        c = cols.get(key)
        return row[c] if c is not None and c < len(row) else None

    rows = []
    for row in grid.rows[hr + 1:]:
        rid, day = id_text(at(row, "recording_id")), parse_date(at(row, "date"))
        if not rid or day is None:
            continue
        rnd = at(row, "round")
        rows.append({"date": day, "inspector": cell_text(at(row, "inspector")),
                     "round": int(rnd) if isinstance(rnd, (int, float)) and rnd == rnd else None,
                     "agent_id": id_text(at(row, "agent_id")), "recording_id": rid, "file": grid.file})
    return pd.DataFrame(rows, columns=PLANNED_COLUMNS)


BY_INSPECTOR_COLUMNS = ["质检员", "计划通数", "按计划评分", "计划未评", "计划外评分", "校正录音", "完成率"]
UNPLANNED_COLUMNS = ["日期", "质检员", "坐席工号", "录音编号", "说明"]
UNSCORED_COLUMNS = ["日期", "质检员", "轮次", "坐席工号", "录音编号", "说明"]


@dataclass
class PlanCheck:
    """The plans of a period against what was scored, per inspector."""

    days: list[dt.date]  # the days of the period with a plan
    by_inspector: pd.DataFrame
    unplanned: pd.DataFrame  # scored, not in the scorer's plan
    unscored: pd.DataFrame  # planned, never scored by the planned inspector
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"days": [d.isoformat() for d in self.days],
                "inspectors": [{"inspector": r.质检员, "planned": int(r.计划通数), "scored_as_planned": int(r.按计划评分),
                                "never_scored": int(r.计划未评), "unplanned": int(r.计划外评分),
                                "calibration": int(r.校正录音),
                                "completion": None if pd.isna(r.完成率) else round(float(r.完成率), 6)}
                               for r in self.by_inspector.itertuples(index=False)],
                "unplanned": [{"date": _iso(r.日期), "inspector": r.质检员, "agent_id": r.坐席工号,
                               "recording_id": r.录音编号, "note": r.说明} for r in self.unplanned.itertuples(index=False)],
                "never_scored": [{"date": _iso(r.日期), "inspector": r.质检员, "round": r.轮次, "agent_id": r.坐席工号,
                                  "recording_id": r.录音编号, "note": r.说明}
                                 for r in self.unscored.itertuples(index=False)],
                "notes": list(self.notes)}


def _iso(d: Any) -> str | None:
    return d.isoformat() if isinstance(d, dt.date) else None


def check_plans(planned: pd.DataFrame, scored: pd.DataFrame, period: Period) -> PlanCheck:
    """`planned` (read_plan_grid's columns) against `scored` (every row read from the 评分表, with
    date, inspector, agent_id, recording_id) on the days of `period` that have a plan."""
    plan = planned[np.array([isinstance(d, dt.date) and d in period for d in planned["date"].tolist()], dtype=bool)]
    plan = plan.drop_duplicates(["inspector", "recording_id"]).reset_index(drop=True)
    days = sorted(set(plan["date"].tolist()))
    notes = [] if days else [f"没有 {period.describe()} 的抽检计划"]
    on_plan_days = np.array([d in set(days) for d in scored["date"].tolist()], dtype=bool)
    done = scored[on_plan_days & (scored["recording_id"].astype(str) != "").to_numpy(dtype=bool)]
    done = done.drop_duplicates(["inspector", "recording_id"])
    planned_for = dict(zip(plan["recording_id"], plan["inspector"]))
    pairs = set(zip(plan["inspector"], plan["recording_id"]))
    scorers: dict[str, set[str]] = {}
    for insp, rid in zip(done["inspector"].tolist(), done["recording_id"].tolist()):
        scorers.setdefault(rid, set()).add(insp)
    unplanned, calibration, as_planned = [], {}, {}
    for rec in done.to_dict("records"):
        insp, rid = rec["inspector"], rec["recording_id"]
        if (insp, rid) in pairs:
            as_planned[insp] = as_planned.get(insp, 0) + 1
        elif rid in planned_for and planned_for[rid] in scorers.get(rid, set()):
            calibration[insp] = calibration.get(insp, 0) + 1
        else:
            note = f"计划给{planned_for[rid]}" if rid in planned_for else "不在抽检计划中"
            unplanned.append({"日期": rec["date"], "质检员": insp, "坐席工号": rec["agent_id"], "录音编号": rid,
                              "说明": note})
    unscored = []
    for rec in plan.to_dict("records"):
        if rec["recording_id"] in scorers and rec["inspector"] in scorers[rec["recording_id"]]:
            continue
        others = sorted(scorers.get(rec["recording_id"], set()))
        unscored.append({"日期": rec["date"], "质检员": rec["inspector"], "轮次": rec["round"],
                         "坐席工号": rec["agent_id"], "录音编号": rec["recording_id"],
                         "说明": f"由{'、'.join(others)}评分" if others else ""})
    unplanned_df = _sorted(pd.DataFrame(unplanned, columns=UNPLANNED_COLUMNS), ["日期", "质检员", "录音编号"])
    unscored_df = _sorted(pd.DataFrame(unscored, columns=UNSCORED_COLUMNS), ["日期", "质检员", "轮次", "录音编号"])
    inspectors = list(dict.fromkeys(plan["inspector"].tolist()))
    inspectors += sorted(set(done["inspector"].tolist()) - set(inspectors))
    rows = []
    for insp in inspectors:
        n = int((plan["inspector"] == insp).sum())
        ok = as_planned.get(insp, 0)
        rows.append({"质检员": insp, "计划通数": n, "按计划评分": ok, "计划未评": n - ok,
                     "计划外评分": int((unplanned_df["质检员"] == insp).sum()), "校正录音": calibration.get(insp, 0),
                     "完成率": ok / n if n else float("nan")})
    return PlanCheck(days, pd.DataFrame(rows, columns=BY_INSPECTOR_COLUMNS), unplanned_df, unscored_df, notes)


def _sorted(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    if df.empty:
        return df
    return df.sort_values(by, key=lambda s: s.map(str), kind="stable").reset_index(drop=True)
