"""The scoring engine: a rubric and one call's recorded values give the call's final score.

Order of the rules, for item rubrics (the same in `score_call`, `score_frame` and the Excel
formula of the generated 评分表):
  1. each item: its recorded value; when N/A (不涉及) its maximum (`na: full`, the default), 0
     (`na: zero`), or nothing at all (`na: exclude`: the item leaves both the points and the
     maxima, its points are NaN); + bonuses − deductions, never below 0, capped at the item's
     maximum unless a bonus may lift it; an item zero-out sets it to 0. A 扣分项 (maximum 0,
     levels 0/−2) is its value as typed, negative;
  2. each category: the sum of its items (扣分项 included), floored at 0, capped at the maximum of
     its applicable items unless a bonus may lift it; a category zero-out sets it to 0; a category
     whose items are all excluded has no points (NaN) and leaves the call;
  3. call score = scale × Σ categories; with weights, Σ category points / category maximum ×
     weight; when some item may be excluded, the applicable share: Σ points / Σ applicable maxima
     × full marks (weighted: Σ weighted scores × full marks / Σ applicable weights). No applicable
     item at all: no score (NaN), and validation reports it. Offence-only rubrics start at the
     base. − per-occurrence offences, within [0, full marks]; a call zero-out, or a fatal error
     when the rubric says so, sets it to 0; then `rounding` (half away from zero, Excel's ROUND);
  4. final score (最终得分) = max(0, call score − 差错扣分).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from .rubric import Rubric, fmt_number

_EPS = 1e-9


@dataclass(frozen=True)
class CallRecord:
    """One call's recorded values. An item absent or None is N/A (不涉及)."""

    items: Mapping[str, float | None]
    bonuses: Mapping[str, int] = field(default_factory=dict)
    deductions: Mapping[str, int] = field(default_factory=dict)
    zero_outs: frozenset[str] = frozenset()
    fatal_errors: int = 0
    error_deduction: float = 0
    offences: Mapping[str, int] = field(default_factory=dict)
    complaints: Mapping[str, int] = field(default_factory=dict)  # occurrences that caused a complaint


@dataclass(frozen=True)
class CallScore:
    """One call's result: every intermediate figure, and the rules that fired (in Chinese)."""

    item_points: dict[str, float]
    category_points: dict[str, float]
    na_items: tuple[str, ...]
    bonuses_applied: dict[str, float]
    deductions_applied: dict[str, float]
    offence_points: dict[str, float]
    rules_fired: tuple[str, ...]
    call_score: float
    error_deduction: float
    fatal_errors: int
    final_score: float
    grade: str


def _clean(x: float) -> float:
    # Round away binary noise so that 0.1-steps add up the way a person adds them.
    return round(float(x), 6) + 0.0


def _lifts(rubric: Rubric) -> tuple[set[str], set[str]]:
    """Items whose maximum a bonus may exceed, and categories whose maximum it may exceed."""
    items = {b.item for b in rubric.bonuses if b.lift in ("item", "category")}
    cats = {rubric.category_of[b.item].name for b in rubric.bonuses if b.lift == "category"}
    return items, cats


def _per_item(rules, counts: Mapping[str, int], word: str, sign: str,
              fired: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Points of bonuses (or deductions) by rule id and by item, at most `max_times` each."""
    by_rule: dict[str, float] = {}
    by_item: dict[str, float] = {}
    for rule in rules:
        n = min(int(counts.get(rule.id, 0) or 0), rule.max_times)
        if n > 0:
            by_rule[rule.id] = n * rule.points
            by_item[rule.item] = by_item.get(rule.item, 0) + n * rule.points
            fired.append(f"{word}: {rule.name} {sign}{fmt_number(n * rule.points)}({rule.item})")
    return by_rule, by_item


def excel_round(x: float, digits: int) -> float:
    """Half away from zero, as Excel's ROUND, of `x` first cleared of binary noise (`_clean`)."""
    if math.isnan(x):
        return x
    q = 10.0 ** digits
    return math.copysign(math.floor(abs(_clean(x)) * q + 0.5 + _EPS) / q, x) + 0.0


def _combine(rubric: Rubric, points: Mapping[str, float], applicable: Mapping[str, float]) -> float:
    """Stage 3's first step: the categories' points as the call score (NaN: nothing applicable)."""
    cats = [c for c in rubric.categories if c.name in applicable]
    if rubric.weighted:
        cats = [c for c in cats if applicable[c.name] > 0]
        total = sum(points[c.name] / applicable[c.name] * c.weight for c in cats)
        if not rubric.excludes:
            return total
        weights = sum(c.weight for c in cats)
        return total * rubric.full_marks / weights if weights > 0 else math.nan
    total = sum(points[c.name] for c in cats)
    if not rubric.excludes:
        return rubric.scale * total
    maxima = sum(applicable[c.name] for c in cats)
    return total * rubric.full_marks / maxima if maxima > 0 else math.nan


def _call_categories(rubric: Rubric, record: CallRecord, bonus_by_item: Mapping[str, float],
                     ded_by_item: Mapping[str, float], zero_items: set, zero_cats: set):
    """Stages 1–2 of one call: item points (NaN when excluded), category points (NaN when
    nothing in it applies), each category's applicable maximum, and the N/A items."""
    lift_items, lift_cats = _lifts(rubric)
    item_points: dict[str, float] = {}
    category_points: dict[str, float] = {}
    applicable: dict[str, float] = {}  # category -> Σ maxima of its applicable items
    na_items: list[str] = []
    for cat in rubric.categories:
        total, cmax, counted = 0.0, 0.0, False
        for it in cat.items:
            raw = record.items.get(it.name)
            if raw is None or (isinstance(raw, float) and math.isnan(raw)):
                na_items.append(it.name)
                if it.na == "exclude":
                    item_points[it.name] = math.nan
                    continue
                raw = 0.0 if it.na == "zero" else it.max
            counted, cmax = True, cmax + it.max
            if it.negative:
                pts = float(raw)
            else:
                pts = max(0.0, raw + bonus_by_item.get(it.name, 0) - ded_by_item.get(it.name, 0))
                if it.name not in lift_items:
                    pts = min(pts, it.max)
            if it.name in zero_items:
                pts = 0.0
            item_points[it.name] = _clean(pts)
            total += pts
        if not counted:
            category_points[cat.name] = math.nan
            continue
        total = max(0.0, total)
        if cat.name not in lift_cats:
            total = min(total, cmax)
        if cat.name in zero_cats:
            total = 0.0
        category_points[cat.name] = _clean(total)
        applicable[cat.name] = cmax
    return item_points, category_points, applicable, na_items


def score_call(rubric: Rubric, record: CallRecord) -> CallScore:
    """Score one call (单通评分) by the rules in the module docstring."""
    fired: list[str] = []
    bonuses_applied, bonus_by_item = _per_item(rubric.bonuses, record.bonuses, "加分", "+", fired)
    deductions_applied, ded_by_item = _per_item(rubric.deductions, record.deductions, "减分", "-", fired)
    zeros = {z.id: z for z in rubric.zero_outs if z.id in record.zero_outs}
    zero_items = {z.target for z in zeros.values() if z.scope == "item"}
    zero_cats = {z.target for z in zeros.values() if z.scope == "category"}
    zero_call = any(z.scope == "call" for z in zeros.values())

    item_points, category_points, applicable, na_items = _call_categories(
        rubric, record, bonus_by_item, ded_by_item, zero_items, zero_cats)
    for z in zeros.values():
        target = f"({z.target} = 0)" if z.target else "(整通 = 0)"
        fired.append(f"清零: {z.name}{target}")

    score = _combine(rubric, category_points, applicable) if rubric.categories else rubric.start_score
    if math.isnan(score):
        fired.append("没有适用的评分项: 无法评分")
    offence_points: dict[str, float] = {}
    for o in rubric.offences:
        n = max(0, int(record.offences.get(o.id, 0) or 0))
        m = min(n, max(0, int(record.complaints.get(o.id, 0) or 0))) if o.doubled_when else 0
        if n:
            pts = o.points * ((n - m) + m * o.multiplier)
            offence_points[o.id] = pts
            score -= pts
            extra = f",其中 {m} 次{o.doubled_when}加倍" if m else ""
            fired.append(f"扣分: {o.name} {n} 次{extra} -{fmt_number(pts)}")
    score = min(max(score, 0.0), rubric.full_marks)
    fatal = max(0, int(record.fatal_errors or 0)) if rubric.fatal_errors.enabled else 0
    unscorable = math.isnan(score)  # nothing applicable: no rule makes a number of it
    if zero_call and not unscorable:
        score = 0.0
    if fatal and rubric.fatal_errors.zero_call and not unscorable:
        score = 0.0
        fired.append(f"致命性错误 {fatal} 起: 整通 = 0")
    if rubric.rounding is not None:
        score = excel_round(score, rubric.rounding.digits)
    error_deduction = max(0.0, float(record.error_deduction or 0)) if rubric.error_deduction.enabled else 0.0
    if error_deduction:
        fired.append(f"差错扣分 -{fmt_number(error_deduction)}")
    final = math.nan if unscorable else _clean(max(0.0, score - error_deduction))
    return CallScore(
        item_points=item_points, category_points=category_points, na_items=tuple(na_items),
        bonuses_applied=bonuses_applied, deductions_applied=deductions_applied,
        offence_points=offence_points, rules_fired=tuple(fired), call_score=_clean(score),
        error_deduction=_clean(error_deduction), fatal_errors=fatal, final_score=final,
        grade=rubric.grade_for(final))


# --- the vectorised path ----------------------------------------------------------------------
# Input columns: one per item (NaN = N/A), and for the rules "bonus:<id>", "deduction:<id>",
# "zero:<id>", "offence:<id>", "complaint:<id>", "fatal_errors", "error_deduction" (absent = 0).
# Output columns: "points:<item>", "category:<name>", "call_score", "error_deduction",
# "fatal_errors", "final_score", "grade".


def bonus_col(rule_id: str) -> str:
    return f"bonus:{rule_id}"


def deduction_col(rule_id: str) -> str:
    return f"deduction:{rule_id}"


def zero_col(rule_id: str) -> str:
    return f"zero:{rule_id}"


def offence_col(rule_id: str) -> str:
    return f"offence:{rule_id}"


def complaint_col(rule_id: str) -> str:
    return f"complaint:{rule_id}"


def _num(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.zeros(len(df))
    return pd.to_numeric(df[col], errors="coerce").fillna(0).to_numpy(dtype=float)


def score_frame(rubric: Rubric, calls: pd.DataFrame) -> pd.DataFrame:
    """Score every call of a DataFrame at once; gives exactly what `score_call` gives per row."""
    n = len(calls)
    out: dict[str, np.ndarray] = {}
    bonus_by_item = {it.name: np.zeros(n) for it in rubric.items}
    ded_by_item = {it.name: np.zeros(n) for it in rubric.items}
    for b in rubric.bonuses:
        bonus_by_item[b.item] += np.clip(np.floor(_num(calls, bonus_col(b.id))), 0, b.max_times) * b.points
    for d in rubric.deductions:
        ded_by_item[d.item] += np.clip(np.floor(_num(calls, deduction_col(d.id))), 0, d.max_times) * d.points
    zero_item = {it.name: np.zeros(n, dtype=bool) for it in rubric.items}
    zero_cat = {c.name: np.zeros(n, dtype=bool) for c in rubric.categories}
    zero_call = np.zeros(n, dtype=bool)
    for z in rubric.zero_outs:
        fired = _num(calls, zero_col(z.id)) != 0
        if z.scope == "item":
            zero_item[z.target] |= fired
        elif z.scope == "category":
            zero_cat[z.target] |= fired
        else:
            zero_call |= fired
    score = _frame_categories(rubric, calls, out, bonus_by_item, ded_by_item, zero_item, zero_cat) \
        if rubric.categories else np.full(n, float(rubric.start_score))
    for o in rubric.offences:
        cnt = np.maximum(0, np.floor(_num(calls, offence_col(o.id))))
        comp = np.minimum(cnt, np.maximum(0, np.floor(_num(calls, complaint_col(o.id))))) \
            if o.doubled_when else np.zeros(n)
        score = score - o.points * ((cnt - comp) + comp * o.multiplier)
    score = np.clip(score, 0.0, rubric.full_marks)
    fatal = np.maximum(0, np.floor(_num(calls, "fatal_errors"))) if rubric.fatal_errors.enabled else np.zeros(n)
    unscorable = np.isnan(score)
    score = np.where(zero_call & ~unscorable, 0.0, score)
    if rubric.fatal_errors.zero_call:
        score = np.where((fatal > 0) & ~unscorable, 0.0, score)
    if rubric.rounding is not None:
        q = 10.0 ** rubric.rounding.digits
        score = np.copysign(np.floor(np.abs(np.round(score, 6) + 0.0) * q + 0.5 + _EPS) / q, score) + 0.0
    err = np.maximum(0.0, _num(calls, "error_deduction")) if rubric.error_deduction.enabled else np.zeros(n)
    final = np.where(unscorable, np.nan, np.maximum(0.0, score - err))
    result = pd.DataFrame({k: np.round(v, 6) + 0.0 for k, v in out.items()}, index=calls.index)
    result["call_score"] = np.round(score, 6) + 0.0
    result["error_deduction"] = np.round(err, 6) + 0.0
    result["fatal_errors"] = fatal.astype(int)
    result["final_score"] = np.round(final, 6) + 0.0
    result["grade"] = _grades(rubric, result["final_score"].to_numpy())
    return result


def _frame_categories(rubric: Rubric, calls: pd.DataFrame, out: dict[str, np.ndarray],
                      bonus_by_item: dict, ded_by_item: dict, zero_item: dict, zero_cat: dict) -> np.ndarray:
    """Stages 1–2 and the first step of 3 for every row: fills `out` with the item and category
    points, gives the call score before offences (NaN where nothing is applicable)."""
    n = len(calls)
    lift_items, lift_cats = _lifts(rubric)
    points, maxima = {}, {}
    for cat in rubric.categories:
        total, cmax, counted = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
        for it in cat.items:
            raw = pd.to_numeric(calls[it.name], errors="coerce").to_numpy(dtype=float) \
                if it.name in calls.columns else np.full(n, np.nan)
            na = np.isnan(raw)
            applies = ~na if it.na == "exclude" else np.ones(n, dtype=bool)
            raw = np.where(na, 0.0 if it.na == "zero" else it.max, raw)
            if it.negative:
                pts = raw
            else:
                pts = np.maximum(0.0, raw + bonus_by_item[it.name] - ded_by_item[it.name])
                if it.name not in lift_items:
                    pts = np.minimum(pts, it.max)
            pts = np.where(zero_item[it.name], 0.0, pts)
            out[f"points:{it.name}"] = np.where(applies, pts, np.nan)
            total = total + np.where(applies, pts, 0.0)
            cmax = cmax + np.where(applies, it.max, 0.0)
            counted |= applies
        total = np.maximum(0.0, total)
        if cat.name not in lift_cats:
            total = np.minimum(total, cmax)
        total = np.where(zero_cat[cat.name], 0.0, total)
        points[cat.name] = total
        maxima[cat.name] = np.where(counted, cmax, np.nan)  # NaN: the category leaves the call
        out[f"category:{cat.name}"] = np.where(counted, total, np.nan)
    return _frame_combine(rubric, points, maxima, n)


def _frame_combine(rubric: Rubric, points: dict, maxima: dict, n: int) -> np.ndarray:
    """`_combine` for every row, in the same order of operations (so the floats are the same)."""
    total, scale = np.zeros(n), np.zeros(n)
    for c in rubric.categories:
        m = maxima[c.name]
        if rubric.weighted:
            use = ~np.isnan(m) & (np.nan_to_num(m) > 0)
            total = total + np.where(use, points[c.name] / np.where(use, m, 1.0) * c.weight, 0.0)
            scale = scale + np.where(use, c.weight, 0.0)
        else:
            use = ~np.isnan(m)
            total = total + np.where(use, points[c.name], 0.0)
            scale = scale + np.where(use, m, 0.0)
    if not rubric.excludes:
        return total if rubric.weighted else rubric.scale * total
    safe = np.where(scale > 0, scale, 1.0)
    return np.where(scale > 0, total * rubric.full_marks / safe, np.nan)


def _grades(rubric: Rubric, scores: np.ndarray) -> np.ndarray:
    grades = np.full(len(scores), "", dtype=object)
    # Higher bands overwrite lower ones; at one edge, "> x" is higher than "≥ x".
    for g in sorted(rubric.grades, key=lambda g: (g.edge, not g.inclusive)):
        hit = scores >= g.edge - _EPS if g.inclusive else scores > g.edge + _EPS
        grades[hit] = g.name
    grades[np.isnan(scores)] = ""  # a row that cannot be scored has no grade
    return grades


def records_frame(rubric: Rubric, records: list[CallRecord]) -> pd.DataFrame:
    """The vectorised input for a list of records (used by tests and small callers)."""
    rows = []
    for r in records:
        row: dict[str, float] = {it.name: (np.nan if r.items.get(it.name) is None else r.items[it.name])
                                 for it in rubric.items}
        row.update({bonus_col(k): v for k, v in r.bonuses.items()})
        row.update({deduction_col(k): v for k, v in r.deductions.items()})
        row.update({zero_col(k): 1 for k in r.zero_outs})
        row.update({offence_col(k): v for k, v in r.offences.items()})
        row.update({complaint_col(k): v for k, v in r.complaints.items()})
        row["fatal_errors"] = r.fatal_errors
        row["error_deduction"] = r.error_deduction
        rows.append(row)
    return pd.DataFrame(rows)
