"""质检校正 (SOP-11): a recording scored by several inspectors, its benchmark, and how far each
inspector is from it.

The benchmark is a whole recorded row, scored by the same engine as every call (`score_frame`):
  - the lead's row, when the lead scored the recording (`lead`);
  - else a consensus, field by field:
      items: the median of the scorings (不涉及 counts as the item's `na` says: full marks, or 0;
        an item excluded when N/A is 不涉及 when at least half the scorings say so, else the
        median of the scores given), rounded down onto the item's scale when it falls between
        two allowed values (4 and 3 give 3);
      bonuses, deductions, zero-outs, 致命性错误, offences and their complaints (counts and flags):
        the value most scorings recorded; on a tie, the smaller one (a rule applies in the
        benchmark only when most inspectors applied it);
      差错扣分: the median, within the rubric's 差错扣分 range.
So two inspectors who both zero a call give a benchmark of 0, and two who agree exactly on a
per-occurrence form give their own score.

Per inspector: the mean signed deviation of final scores (+ lenient, − strict), the alignment
Σ_items (max_i / Σ max) × (1 − |score_i − benchmark_i| / max_i) (no figure for a rubric without
items), and 一致率 = the share of cases within ±band of the benchmark's final score.
"""

from __future__ import annotations

import datetime as dt
import math

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .rubric import Item, Rubric
from .scoring import (bonus_col, complaint_col, deduction_col, offence_col, score_frame, zero_col)

CONSENSUS = "各字段共识"  # 基准来源 of a benchmark without the lead: median items, majority rules


@dataclass
class CalibrationResult:
    """质检校正: benchmarks per recording and how each inspector deviates from them."""

    cases: pd.DataFrame  # one row per (recording, inspector) with benchmark and deviations
    per_inspector: pd.DataFrame  # 质检员, 通数, 平均偏差, 对齐分, 一致率
    per_item: pd.DataFrame  # 质检员 × 评分项: mean signed deviation
    benchmark_calls: pd.DataFrame  # one row per calibration recording, at the benchmark score


def rule_columns(rubric: Rubric) -> list[str]:
    """The columns of the calls table that hold a rule's count or flag."""
    cols = [bonus_col(b.id) for b in rubric.bonuses] + [deduction_col(d.id) for d in rubric.deductions]
    cols += [zero_col(z.id) for z in rubric.zero_outs] + [offence_col(o.id) for o in rubric.offences]
    cols += [complaint_col(o.id) for o in rubric.offences if o.doubled_when]
    if rubric.fatal_errors.enabled:
        cols.append("fatal_errors")
    return cols


def calibration_groups(calls: pd.DataFrame) -> pd.DataFrame:
    """The rows of recordings scored by more than one inspector."""
    if calls.empty:
        return calls
    has_id = calls["recording_id"].astype(str) != ""
    counts = calls[has_id].groupby("recording_id")["inspector"].transform("nunique")
    return calls[has_id][counts > 1]


def earliest_dates(calls: pd.DataFrame) -> dict[str, dt.date]:
    """The date a calibration recording counts on: the earliest date of its scorings without an
    error, for each recording scored by several inspectors on different dates. Its scorings all
    belong to that date's period, so the recording counts once, in one period."""
    if calls.empty or "date" not in calls.columns:
        return {}
    calls = calls[calls["recording_id"].duplicated(keep=False).to_numpy()]  # few rows repeat an id: look at those
    if calls.empty:
        return {}
    ok = (calls["recording_id"].astype(str) != "") & calls["date"].map(lambda d: isinstance(d, dt.date))
    if "has_error" in calls.columns:
        ok &= ~calls["has_error"].astype(bool)
    rows = calls.loc[ok, ["recording_id", "inspector", "date"]]
    rows = rows[rows.duplicated("recording_id", keep=False)]
    if rows.empty:
        return {}
    # Days as whole numbers: pandas takes the minimum of date objects group by group in Python.
    days = rows["date"].map(dt.date.toordinal)
    g = days.groupby(rows["recording_id"], sort=False)
    several = (rows.groupby("recording_id", sort=False)["inspector"].nunique() > 1) & (g.nunique() > 1)
    dates = rows["date"]
    return {str(k): dates.at[i] for k, i in g.idxmin()[several].items()}


def calibrate(rubric: Rubric, calls: pd.DataFrame, *, lead: str | None = None,
              band: float | None = None) -> CalibrationResult:
    """Calibration cases: recordings scored by several inspectors, each against its benchmark
    (the module docstring says how it is made)."""
    band = rubric.analysis.calibration_band if band is None else band
    multi = calibration_groups(calls)
    groups = list(multi.groupby("recording_id", sort=True)) if len(multi) else []
    recorded, sources = [], []
    for _, grp in groups:
        values, source = benchmark_values(rubric, grp, lead)
        recorded.append(values)
        sources.append(source)
    benches = _score_benchmarks(rubric, groups, recorded, sources)
    cases = []
    for (rid, grp), source, bench in zip(groups, sources, benches):
        for _, c in grp.iterrows():
            if lead and source.startswith(lead) and c["inspector"] == lead:
                continue  # the lead is the benchmark, not judged against it
            cases.append(_case(rubric, rid, c, bench, source, band))
    return _result(rubric, cases, benches)


def benchmark_values(rubric: Rubric, grp: pd.DataFrame, lead: str | None) -> tuple[dict, str]:
    """The recorded values of the benchmark row of one recording's scorings, and its source."""
    fields = [it.name for it in rubric.items] + rule_columns(rubric) + \
        (["error_deduction"] if rubric.error_deduction.enabled else [])
    if lead and (grp["inspector"] == lead).any():
        b = grp[grp["inspector"] == lead].iloc[0]
        return {k: b[k] if k in grp.columns else np.nan for k in fields}, f"{lead}(班长)"
    values: dict = {}
    for it in rubric.items:
        values[it.name] = _consensus_item(it, grp[it.name].astype(float))
    for col in rule_columns(rubric):
        values[col] = majority(_numbers(grp, col))
    if rubric.error_deduction.enabled:
        ed = rubric.error_deduction
        values["error_deduction"] = float(min(max(np.median(_numbers(grp, "error_deduction")), ed.min), ed.max))
    return values, CONSENSUS


def _consensus_item(it: Item, scores: pd.Series) -> float:
    """The median of the scorings, 不涉及 counted as the item's N/A rule counts it (full marks,
    or 0); for an item excluded when N/A, 不涉及 (NaN) when at least half the scorings say so,
    else the median of the scores given."""
    if it.na == "exclude":
        given = scores.dropna()
        if len(given) * 2 <= len(scores):
            return np.nan
        return on_scale(it, float(np.median(given)))
    return on_scale(it, float(np.median(scores.fillna(0.0 if it.na == "zero" else it.max))))


def _numbers(grp: pd.DataFrame, col: str) -> np.ndarray:
    if col not in grp.columns:
        return np.zeros(len(grp))
    return pd.to_numeric(grp[col], errors="coerce").fillna(0).to_numpy(dtype=float)


def majority(values: np.ndarray) -> float:
    """The value most scorings recorded; on a tie, the smallest of the tied values."""
    counts = Counter(float(v) for v in values)
    top = max(counts.values())
    return min(v for v, n in counts.items() if n == top)


def on_scale(item: Item, value: float) -> float:
    """A median between two levels (4 and 3 give 3.5) is rounded down to the item's scale, so the
    benchmark is a score an inspector could have given."""
    if item.allowed(value):
        return value
    below = [v for v in item.allowed_values() if v <= value]
    return max(below) if below else min(item.allowed_values())


def _score_benchmarks(rubric: Rubric, groups: list, recorded: list[dict], sources: list[str]) -> list[dict]:
    """Each benchmark as a full row of the calls table: the first scoring's who/where, the earliest
    date of the scorings, the
    benchmark's recorded values, and the engine's scores of them."""
    if not groups:
        return []
    scored = score_frame(rubric, pd.DataFrame(recorded))
    out = []
    for (_, grp), values, source, (_, s) in zip(groups, recorded, sources, scored.iterrows()):
        row = dict(grp.iloc[0].to_dict())
        dates = [d for d in grp["date"] if isinstance(d, dt.date)] if "date" in grp.columns else []
        if dates:
            row["date"] = min(dates)  # scorings on different days: the recording counts on the first
        row.update(values)
        row.update(s.to_dict())
        row.update({"inspector": f"校正基准({source})", "基准来源": source, "scorable": True, "has_error": False})
        out.append(row)
    return out


def _case(rubric: Rubric, rid: str, c: pd.Series, bench: dict, source: str, band: float) -> dict:
    dev_items, parts = {}, []
    for it in rubric.items:
        s, b = float(c[f"points:{it.name}"]), float(bench[f"points:{it.name}"])
        dev_items[it.name] = s - b
        # the alignment weighs the items with a maximum that both scorings applied (an excluded
        # item is NaN; a 扣分项 has maximum 0 and shows only in its deviation)
        if it.max > 0 and not (math.isnan(s) or math.isnan(b)):
            parts.append((it.max, 1 - abs(s - b) / it.max))
    total_max = sum(m for m, _ in parts)
    align = sum(m / total_max * a for m, a in parts) if parts else np.nan
    dev = float(c["final_score"] - bench["final_score"])
    return {"录音编号": rid, "质检员": c["inspector"], "最终得分": float(c["final_score"]),
            "基准得分": float(bench["final_score"]), "基准来源": source, "偏差": dev,
            "对齐分": align, "一致": abs(dev) <= band + 1e-9,
            **{f"偏差:{k}": v for k, v in dev_items.items()}}


def _result(rubric: Rubric, cases: list[dict], benches: list[dict]) -> CalibrationResult:
    item_names = [it.name for it in rubric.items]
    cases_df = pd.DataFrame(cases)
    if cases_df.empty:
        per_insp = pd.DataFrame(columns=["质检员", "校正通数", "平均偏差", "对齐分", "一致率"])
        per_item = pd.DataFrame(columns=["质检员", *item_names])
    else:
        g = cases_df.groupby("质检员", sort=True)
        per_insp = pd.DataFrame({"校正通数": g.size(), "平均偏差": g["偏差"].mean(),
                                 "对齐分": g["对齐分"].mean(), "一致率": g["一致"].mean()}).reset_index()
        per_item = g[[f"偏差:{n}" for n in item_names]].mean().reset_index()
        per_item.columns = ["质检员", *item_names]
    return CalibrationResult(cases_df, per_insp, per_item, pd.DataFrame(benches))
