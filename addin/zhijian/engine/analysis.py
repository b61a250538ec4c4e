"""The 服务质量分析表: every figure of DOMAIN.md, computed from a table of scored calls.

Input is the calls table that `validate.check_grids` produces (one row per scored call, with
`points:<item>` columns from the engine). Nothing here reads or writes files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .rubric import Rubric
from .scoring import CallRecord, score_call

# 警示级别: (name, colour word, fill colour, item 不良比率 lower bound, 平均不良比率 lower bound)
WARNING_LEVELS = [
    ("紧急", "黑色", "#000000", 0.80, 0.50),
    ("严重", "红色", "#FF0000", 0.60, 0.40),
    ("警报", "黄色", "#FFFF00", 0.40, 0.35),
    ("预警", "蓝色", "#00B0F0", 0.30, 0.30),
    ("关注", "白色", "#FFFFFF", 0.00, 0.00),
]
_EPS = 1e-12


def warning_level(rate: float, *, mean: bool = False) -> str:
    """警示级别 of an item's 不良比率, or of the 平均不良比率 when `mean`; lower bounds inclusive."""
    for name, _, _, item_low, mean_low in WARNING_LEVELS:
        if rate >= (mean_low if mean else item_low) - _EPS:
            return name
    return "关注"


def warning_colour(level: str) -> str:
    return next(c for n, c, _, _, _ in WARNING_LEVELS if n == level)


def warning_fill(level: str) -> str:
    return next(f for n, _, f, _, _ in WARNING_LEVELS if n == level)


@dataclass
class ItemFigures:
    item: str
    item_class: str
    max: float
    defect_count: int  # calls with this item 不良
    defect_rate: float  # 不良比率
    defect_share: float  # 不良占比
    warning_level: str
    by_class: dict[str, int]  # 不良 class (A..E for 5-point items, else the score) -> count


@dataclass
class Figures:
    """The 服务质量分析表 of one scope (a period, a team, an agent, an inspector or a day)."""

    n: int
    mean_score: float | None
    marks: tuple[float, float, float]  # 最高期望, 良好水平, 最低允许
    scores: np.ndarray = field(repr=False)
    rubric: Rubric = field(repr=False)
    items: list[ItemFigures]
    mean_defect_rate: float
    mean_defect_level: str
    excellent_rate: float  # 优良率
    slight_defect_rate: float  # 轻微不良
    general_defect_rate: float  # 一般不良
    below_80_rate: float  # 80 分以下
    min_score: float | None = None
    max_score: float | None = None

    @cached_property
    def distribution(self) -> pd.DataFrame:
        """组号, 下限值, 上限值, 中间值, 个数, 占比 of the final scores."""
        return distribution(self.rubric, self.scores)

    def item_pareto(self) -> pd.DataFrame:
        """Items by 不良占比, with the cumulative share (80/20)."""
        rows = sorted(self.items, key=lambda f: (-f.defect_count, 0))
        df = pd.DataFrame({"评分项": [f.item for f in rows], "不良数": [f.defect_count for f in rows],
                           "不良占比": [f.defect_share for f in rows]})
        df["累计占比"] = df["不良占比"].cumsum()
        return df


def item_keys(rubric: Rubric) -> list[tuple[str, str, str, float]]:
    """(name, points column, class, max) of each analysed item; offences count as items whose
    不良 is any occurrence."""
    keys = [(it.name, f"points:{it.name}", it.item_class, it.max) for it in rubric.items]
    keys += [(o.name, f"offence:{o.id}", o.item_class, 0.0) for o in rubric.offences]
    return keys


def defect_matrix(rubric: Rubric, calls: pd.DataFrame) -> np.ndarray:
    """Boolean (calls × items): the item is 不良 on that call. N/A is never 不良."""
    cols = []
    for name, col, _, mx in item_keys(rubric):
        if col.startswith("offence:"):
            v = pd.to_numeric(calls.get(col, pd.Series(0, index=calls.index)), errors="coerce").fillna(0)
            cols.append(v.to_numpy() > 0)
        else:
            pts = calls[col].to_numpy(dtype=float)
            na = calls[name].isna().to_numpy() if name in calls.columns else np.zeros(len(calls), bool)
            cols.append((pts < mx - 1e-9) & ~na)
    return np.column_stack(cols) if cols else np.zeros((len(calls), 0), bool)


def distribution(rubric: Rubric, scores: np.ndarray) -> pd.DataFrame:
    """Score groups of fixed width over [0, full]: lower bound inclusive, upper exclusive, except
    that the top group holds full marks."""
    width, full = rubric.analysis.bin_width, rubric.full_marks
    k = int(round(full / width))
    lows = np.arange(k) * width
    idx = np.clip(np.floor(scores / width + 1e-9).astype(int), 0, k - 1) if len(scores) else np.array([], int)
    counts = np.bincount(idx, minlength=k)
    n = len(scores)
    return pd.DataFrame({"组号": np.arange(1, k + 1), "下限值": lows, "上限值": lows + width,
                         "中间值": lows + width / 2, "个数": counts,
                         "占比": counts / n if n else np.zeros(k)})


def figure_arrays(rubric: Rubric, calls: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(final scores, defect matrix, points matrix) of the calls: what `figures` needs, computed
    once so that breakdowns can slice it by group."""
    n = len(calls)
    scores = calls["final_score"].to_numpy(dtype=float) if n else np.zeros(0)
    points = np.column_stack([
        pd.to_numeric(calls[col], errors="coerce").fillna(0).to_numpy(dtype=float)
        if col in calls.columns else np.zeros(n) for _, col, _, _ in item_keys(rubric)]) \
        if item_keys(rubric) else np.zeros((n, 0))
    return scores, defect_matrix(rubric, calls), points


def figures(rubric: Rubric, calls: pd.DataFrame | None = None, *,
            arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> Figures:
    """Every figure of the 服务质量分析表 for the calls given (all of them count); or for the
    `figure_arrays` of them, when the caller already has those."""
    scores, defects, points = arrays if arrays is not None else figure_arrays(rubric, calls)
    n = len(scores)
    keys = item_keys(rubric)
    per_item = defects.sum(axis=0) if n else np.zeros(len(keys), int)
    total_defects = int(per_item.sum())
    items = []
    for j, (name, col, cls, mx) in enumerate(keys):
        rate = per_item[j] / n if n else 0.0
        by_class: dict[str, int] = {}
        if per_item[j] and not col.startswith("offence:"):
            values, counts = np.unique(points[defects[:, j], j], return_counts=True)
            for v, c in zip(values.tolist(), counts.tolist()):
                label = "ABCDE"[int(v)] if mx == 5 and float(v).is_integer() else f"{v:g}分"
                by_class[label] = int(c)
        items.append(ItemFigures(name, cls, mx, int(per_item[j]), float(rate),
                                 float(per_item[j] / total_defects) if total_defects else 0.0,
                                 warning_level(rate), by_class))
    mean_rate = float(np.mean([f.defect_rate for f in items])) if items else 0.0
    a = rubric.analysis

    def share(mask: np.ndarray) -> float:
        return float(mask.sum() / n) if n else 0.0

    return Figures(
        n=n, mean_score=float(scores.mean()) if n else None,
        marks=(rubric.marks.full, rubric.marks.good, rubric.marks.pass_),
        scores=scores, rubric=rubric, items=items,
        mean_defect_rate=mean_rate, mean_defect_level=warning_level(mean_rate, mean=True),
        excellent_rate=share(scores > a.excellent_above + 1e-9),
        slight_defect_rate=share((scores >= a.slight[0] - 1e-9) & (scores <= a.slight[1] + 1e-9)),
        general_defect_rate=share((scores >= a.general[0] - 1e-9) & (scores < a.general[1] - 1e-9)),
        below_80_rate=share(scores < a.general[0] - 1e-9),
        min_score=float(scores.min()) if n else None, max_score=float(scores.max()) if n else None)


def topics(rubric: Rubric, figs: Figures, *, first_week: bool = False, limit: int = 2) -> list[str]:
    """阶段性质检主题: at most 2 服务能力 items with the highest 不良比率 (first week: 业务能力)."""
    capability = [f for f in figs.items if f.item_class == "服务能力"]
    if figs.n == 0 and not first_week:
        return []  # nothing scored: nothing to suggest
    if first_week:
        names = [f.item for f in capability]
        return ["业务能力"] if "业务能力" in names else names[-1:]
    ranked = sorted((f for f in capability if f.defect_count > 0), key=lambda f: -f.defect_rate)
    return [f.item for f in ranked[:limit]]


def agent_pareto(rubric: Rubric, calls: pd.DataFrame) -> pd.DataFrame:
    """Agents by 不良 count (all items), with cumulative share."""
    if calls.empty:
        return pd.DataFrame(columns=["工号", "姓名", "通数", "不良数", "不良占比", "累计占比"])
    d = defect_matrix(rubric, calls).sum(axis=1)
    df = pd.DataFrame({"工号": calls["agent_id"].to_numpy(), "姓名": calls["agent_name"].to_numpy(), "不良": d})
    g = df.groupby("工号", sort=True).agg(姓名=("姓名", "first"), 通数=("不良", "size"), 不良数=("不良", "sum"))
    g = g.sort_values(["不良数", "通数"], ascending=[False, True], kind="stable").reset_index()
    total = g["不良数"].sum()
    g["不良占比"] = g["不良数"] / total if total else 0.0
    g["累计占比"] = g["不良占比"].cumsum()
    return g


# --- duplicates and calibration ---------------------------------------------------------------

@dataclass
class CalibrationResult:
    """质检校正: benchmarks per recording and how each inspector deviates from them."""

    cases: pd.DataFrame  # one row per (recording, inspector) with benchmark and deviations
    per_inspector: pd.DataFrame  # 质检员, 通数, 平均偏差, 对齐分, 一致率
    per_item: pd.DataFrame  # 质检员 × 评分项: mean signed deviation
    benchmark_calls: pd.DataFrame  # one row per calibration recording, at the benchmark score


def split_duplicates(calls: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kept, duplicates): the same recording twice by the same inspector counts once (the first
    read, in file order); the rest are reported."""
    if calls.empty:
        return calls, calls.iloc[0:0]
    has_id = calls["recording_id"].astype(str) != ""
    dup = calls.duplicated(["recording_id", "inspector"], keep="first") & has_id
    return calls[~dup], calls[dup]


def calibrate(rubric: Rubric, calls: pd.DataFrame, *, lead: str | None = None,
              band: float | None = None) -> CalibrationResult:
    """Calibration cases: recordings scored by several inspectors. The benchmark is the lead's
    scoring when the lead scored it, else the per-item median of all scorings."""
    band = rubric.analysis.calibration_band if band is None else band
    if calls.empty:
        multi = calls
    else:
        has_id = calls["recording_id"].astype(str) != ""
        counts = calls[has_id].groupby("recording_id")["inspector"].transform("nunique")
        multi = calls[has_id][counts > 1]
    item_names = [it.name for it in rubric.items]
    total_max = sum(it.max for it in rubric.items) or 1.0
    cases, bench_rows = [], []
    for rid, grp in multi.groupby("recording_id", sort=True):
        if lead and (grp["inspector"] == lead).any():
            b = grp[grp["inspector"] == lead].iloc[0]
            bench_items = {n: (None if pd.isna(b[n]) else float(b[n])) for n in item_names}
            bench_err = float(b.get("error_deduction", 0) or 0)
            bench_fatal = int(b.get("fatal_errors", 0) or 0)
            source = f"{lead}(班长)"
        else:
            bench_items = {}
            for n in item_names:
                # N/A counts as full marks when taking the median.
                it = rubric.item_by_name[n]
                bench_items[n] = _on_scale(it, float(np.median(grp[n].astype(float).fillna(it.max))))
            bench_err = float(np.median(grp["error_deduction"].astype(float).fillna(0))) \
                if "error_deduction" in grp else 0.0
            bench_fatal = int(np.median(grp["fatal_errors"].astype(float).fillna(0))) \
                if "fatal_errors" in grp else 0
            source = "各评分项中位数"
        bench = score_call(rubric, CallRecord(items=bench_items, fatal_errors=bench_fatal,
                                              error_deduction=bench_err))
        first = grp.iloc[0].to_dict()
        row = dict(first)
        row.update({n: bench_items[n] for n in item_names})
        row.update({f"points:{k}": v for k, v in bench.item_points.items()})
        row.update({f"category:{k}": v for k, v in bench.category_points.items()})
        row.update({"inspector": f"校正基准({source})", "call_score": bench.call_score,
                    "error_deduction": bench.error_deduction, "fatal_errors": bench.fatal_errors,
                    "final_score": bench.final_score, "grade": bench.grade})
        bench_rows.append(row)
        for _, c in grp.iterrows():
            if lead and c["inspector"] == lead and source.startswith(lead):
                continue
            align = 0.0
            dev_items = {}
            for it in rubric.items:
                s = c[f"points:{it.name}"]
                bi = bench.item_points[it.name]
                dev_items[it.name] = float(s - bi)
                align += (it.max / total_max) * (1 - abs(s - bi) / it.max)
            dev = float(c["final_score"] - bench.final_score)
            cases.append({"录音编号": rid, "质检员": c["inspector"], "最终得分": float(c["final_score"]),
                          "基准得分": bench.final_score, "基准来源": source, "偏差": dev,
                          "对齐分": align, "一致": abs(dev) <= band + 1e-9,
                          **{f"偏差:{k}": v for k, v in dev_items.items()}})
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
    return CalibrationResult(cases_df, per_insp, per_item, pd.DataFrame(bench_rows))


def _on_scale(item, value: float) -> float:
    """A median between two levels (4 and 3 give 3.5) is rounded down to the item's scale, so the
    benchmark is a score an inspector could have given."""
    if item.allowed(value):
        return value
    below = [v for v in item.allowed_values() if v <= value]
    return max(below) if below else min(item.allowed_values())


def counted_calls(rubric: Rubric, calls: pd.DataFrame, *, lead: str | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, CalibrationResult]:
    """The calls that count in the figures: duplicates dropped, each calibration case once at its
    benchmark. Returns (counted, duplicates, calibration)."""
    kept, dups = split_duplicates(calls)
    cal = calibrate(rubric, kept, lead=lead)
    if cal.benchmark_calls.empty:
        return kept.reset_index(drop=True), dups, cal
    calibrated = set(cal.benchmark_calls["recording_id"])
    single = kept[~kept["recording_id"].isin(calibrated)]
    counted = pd.concat([single, cal.benchmark_calls[kept.columns.intersection(cal.benchmark_calls.columns)]],
                        ignore_index=True)
    return counted, dups, cal


# --- breakdowns -------------------------------------------------------------------------------

@dataclass
class Analysis:
    """The whole 服务质量分析表 for a period, with its breakdowns."""

    rubric: Rubric
    period_label: str
    overall: Figures
    counted: pd.DataFrame
    duplicates: pd.DataFrame
    calibration: CalibrationResult
    by_day: list[tuple[dt.date, Figures]] = field(default_factory=list)
    by_team: list[tuple[str, Figures]] = field(default_factory=list)
    by_agent: list[tuple[tuple[str, str], Figures]] = field(default_factory=list)
    by_inspector: list[tuple[str, Figures]] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    agent_pareto: pd.DataFrame = field(default_factory=pd.DataFrame)
    excluded_rows: int = 0

    def colour_days(self) -> dict[str, int]:
        """警示色天数: days per colour of that day's 平均不良比率."""
        out = {c: 0 for _, c, _, _, _ in WARNING_LEVELS}
        for _, f in self.by_day:
            out[warning_colour(f.mean_defect_level)] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """The `--json` figures: rates as fractions 0–1, levels as DOMAIN.md's words."""
        o = self.overall
        return {
            "n": o.n, "excluded_rows": self.excluded_rows,
            "duplicates": len(self.duplicates),
            "mean_score": rounded(o.mean_score), "excellent_rate": rounded(o.excellent_rate),
            "slight_defect_rate": rounded(o.slight_defect_rate), "general_defect_rate": rounded(o.general_defect_rate),
            "below_80_rate": rounded(o.below_80_rate), "mean_defect_rate": rounded(o.mean_defect_rate),
            "mean_defect_level": o.mean_defect_level,
            "items": [{"item": f.item, "defect_count": f.defect_count, "defect_rate": rounded(f.defect_rate),
                       "defect_share": rounded(f.defect_share), "warning_level": f.warning_level}
                      for f in o.items],
            "days": [{"date": d.isoformat(), "n": f.n, "mean_defect_rate": rounded(f.mean_defect_rate),
                      "warning_colour": warning_colour(f.mean_defect_level)} for d, f in self.by_day],
            "topics": self.topics,
        }


def rounded(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def analyse(rubric: Rubric, calls: pd.DataFrame, *, period_label: str = "", lead: str | None = None,
            excluded_rows: int = 0, first_week: bool = False, inspectors: bool = True) -> Analysis:
    """The 服务质量分析表 of valid scored calls, with breakdowns per day, team, agent, inspector
    (`inspectors=False` leaves the 质检员 breakdown out: a year's review does not show it)."""
    counted, dups, cal = counted_calls(rubric, calls, lead=lead)
    overall = figures(rubric, counted)
    a = Analysis(rubric, period_label, overall, counted, dups, cal, excluded_rows=excluded_rows)
    if not counted.empty:
        arrays = figure_arrays(rubric, counted)

        def per(key: str, frame: pd.DataFrame = counted, arr=arrays):
            for value, pos in sorted(frame.groupby(key, sort=False).indices.items(),
                                     key=lambda kv: str(kv[0])):
                yield value, pos, figures(rubric, arrays=tuple(x[pos] for x in arr))

        a.by_day = [(d, f) for d, _, f in per("date")]
        a.by_team = [(t, f) for t, _, f in per("team")]
        a.by_agent = [((aid, str(counted["agent_name"].iat[pos[0]])), f) for aid, pos, f in per("agent_id")]
        if inspectors:
            # Inspectors are judged on what they scored themselves, calibration copies included.
            own, _ = split_duplicates(calls)
            own = own.reset_index(drop=True)
            a.by_inspector = [(i, f) for i, _, f in per("inspector", own, figure_arrays(rubric, own))]
    a.topics = topics(rubric, overall, first_week=first_week)
    a.agent_pareto = agent_pareto(rubric, counted)
    return a
