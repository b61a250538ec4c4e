"""The 服务质量分析表: every figure of DOMAIN.md, computed from a table of scored calls.

Input is the calls table that `validate.check_grids` produces (one row per scored call, with
`points:<item>` columns from the engine). Nothing here reads or writes files.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

from .accounting import (REASON_CALIBRATION, REASON_DUPLICATE, RowAccount, uncounted_rows)
from .calibration import CalibrationResult, calibrate
from .rubric import Rubric

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
            # Counted in Python, ascending: np.unique costs more on a group's few calls.
            for v, c in sorted(Counter(points[defects[:, j], j].tolist()).items()):
                label = "ABCDE"[int(v)] if mx == 5 and float(v).is_integer() else f"{v:g}分"
                by_class[label] = int(c)
        items.append(ItemFigures(name, cls, mx, int(per_item[j]), float(rate),
                                 float(per_item[j] / total_defects) if total_defects else 0.0,
                                 warning_level(rate), by_class))
    mean_rate = float(np.mean([f.defect_rate for f in items])) if items else 0.0
    a = rubric.analysis
    if rubric.ledger is not None:
        return _ledger_figures(rubric, n, scores, items, mean_rate)

    def share(mask: np.ndarray) -> float:
        return float(mask.sum() / n) if n else 0.0

    return Figures(
        n=n, mean_score=float(scores.mean()) if n else None,
        marks=(rubric.marks.full, rubric.marks.good, rubric.marks.pass_),
        scores=scores, rubric=rubric, items=items,
        mean_defect_rate=mean_rate, mean_defect_level=warning_level(mean_rate, mean=True),
        excellent_rate=share(scores >= a.excellent_from - 1e-9 if a.excellent_inclusive
                             else scores > a.excellent_above + 1e-9),
        slight_defect_rate=share((scores >= a.slight[0] - 1e-9)
                                 & (scores < a.slight[1] - 1e-9 if a.excellent_inclusive
                                    else scores <= a.slight[1] + 1e-9)),
        general_defect_rate=share((scores >= a.general[0] - 1e-9) & (scores < a.general[1] - 1e-9)),
        below_80_rate=share(scores < a.general[0] - 1e-9),
        min_score=float(scores.min()) if n else None, max_score=float(scores.max()) if n else None)


def _ledger_figures(rubric: Rubric, n: int, scores: np.ndarray, items: list[ItemFigures],
                    mean_rate: float) -> Figures:
    """On a ledger rubric a call has no score (the base is the agent's for the period): the score
    figures (平均分, 最高/最低分, 优良率 and the bands) do not exist, only the 不良 figures (an
    offence is 不良 on a call where it occurred)."""
    nan = float("nan")
    return Figures(n=n, mean_score=None, marks=(rubric.marks.full, rubric.marks.good, rubric.marks.pass_),
                   scores=scores, rubric=rubric, items=items, mean_defect_rate=mean_rate,
                   mean_defect_level=warning_level(mean_rate, mean=True), excellent_rate=nan,
                   slight_defect_rate=nan, general_defect_rate=nan, below_80_rate=nan)


FIRST_WEEK_TOPIC = "业务能力"


def topics(rubric: Rubric, figs: Figures, *, first_week: bool = False, limit: int = 2) -> list[str]:
    """阶段性质检主题: at most 2 服务能力 items with the highest 不良比率; a project's first week
    (`first_week`): 业务能力, when the rubric has that item (else none: nothing to guess from)."""
    if first_week:
        return [FIRST_WEEK_TOPIC] if FIRST_WEEK_TOPIC in {f.item for f in figs.items} else []
    if figs.n == 0:
        return []  # nothing scored: nothing to suggest
    capability = [f for f in figs.items if f.item_class == "服务能力"]
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

def split_duplicates(calls: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kept, duplicates): the same recording twice by the same inspector counts once (the first
    read, in file order); the rest are reported."""
    if calls.empty:
        return calls, calls.iloc[0:0]
    has_id = calls["recording_id"].astype(str) != ""
    dup = calls.duplicated(["recording_id", "inspector"], keep="first") & has_id
    return calls[~dup], calls[dup]


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


def calibration_copies(kept: pd.DataFrame, cal: CalibrationResult) -> pd.DataFrame:
    """The scorings a calibration benchmark stands for, but the first one (whose file, sheet and
    row the benchmark row keeps): the rows not counted as calibration copies. `kept`: the calls
    without their duplicates."""
    if cal.benchmark_calls.empty:
        return kept.iloc[0:0]
    multi = kept[kept["recording_id"].isin(set(cal.benchmark_calls["recording_id"]))]
    return multi[multi.duplicated("recording_id", keep="first")]


def complete_account(account: RowAccount, valid: pd.DataFrame, counted: pd.DataFrame,
                     dups: pd.DataFrame, cal: CalibrationResult) -> RowAccount:
    """The account of a selection with what the analysis found among its valid rows: duplicates
    across files, calibration copies and the counted calls."""
    account = dataclasses.replace(account)  # the selection's own account stays as it was
    account.counted = len(counted)
    if valid.empty:
        return account
    kept = valid.drop(index=dups.index) if len(dups) else valid
    copies = calibration_copies(kept, cal)
    account.duplicates += len(dups)
    account.calibration_copies = len(copies)
    if len(dups):
        pairs = set(zip(dups["recording_id"], dups["inspector"]))
        first = kept[[p in pairs for p in zip(kept["recording_id"], kept["inspector"])]]
        where = {(r, i): f"{PurePath(str(f)).name} {sh} 第 {int(row)} 行" for r, i, f, sh, row in
                 zip(first["recording_id"], first["inspector"], first["file"], first["sheet"], first["row"])}
        account.with_uncounted(uncounted_rows(dups, REASON_DUPLICATE, [
            f"录音“{r}”同一质检员已评分(首次在 {where.get((r, i), '前面的文件')}),只计第一次"
            for r, i in zip(dups["recording_id"], dups["inspector"])]))
    if len(copies):
        n_by = kept[kept["recording_id"].isin(set(copies["recording_id"]))] \
            .groupby("recording_id")["inspector"].nunique().to_dict()
        account.with_uncounted(uncounted_rows(copies, REASON_CALIBRATION, [
            f"录音“{r}”由 {n_by.get(r, 2)} 名质检员评分,按校正基准计一次(基准见“质检校正”)"
            for r in copies["recording_id"]]))
    return account


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
    account: RowAccount = field(default_factory=RowAccount)  # every row read, accounted for
    # Ledger rubrics: each agent's period score (`ledger.PeriodLedger`), set by the job that knows
    # the period (`ledger.ledger_for`); the agents' scores and ranks come from it, not from calls.
    ledger: Any = None

    @property
    def excluded_rows(self) -> int:
        """Rows of the period excluded by an error finding."""
        return self.account.excluded

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
            "duplicates": self.account.duplicates, "accounting": self.account.to_dict(),
            "mean_score": rounded(o.mean_score), "excellent_rate": rounded(o.excellent_rate),
            "slight_defect_rate": rounded(o.slight_defect_rate), "general_defect_rate": rounded(o.general_defect_rate),
            "below_80_rate": rounded(o.below_80_rate), "bands": self.rubric.analysis.to_dict(),
            "mean_defect_rate": rounded(o.mean_defect_rate), "mean_defect_level": o.mean_defect_level,
            "items": [{"item": f.item, "defect_count": f.defect_count, "defect_rate": rounded(f.defect_rate),
                       "defect_share": rounded(f.defect_share), "warning_level": f.warning_level}
                      for f in o.items],
            "days": [{"date": d.isoformat(), "n": f.n, "mean_defect_rate": rounded(f.mean_defect_rate),
                      "warning_colour": warning_colour(f.mean_defect_level)} for d, f in self.by_day],
            # The 服务能力 items with the highest 不良比率 of the period: a figure, not a 质检主题
            # suggestion (only the 质检周报 and 质检月报 suggest topics).
            "worst_capability_items": self.topics,
        } | ({"ledger": self.ledger.to_dict()} if self.ledger is not None else {})


def rounded(x: float | None) -> float | None:
    """A figure for --json: None when it does not exist (None or NaN); never -0.0 (a tiny negative
    rounds to -0.0, which + 0.0 makes 0.0)."""
    return None if x is None or x != x else round(float(x), 6) + 0.0


def score_rank(scores: pd.Series) -> pd.Series:
    """Ranks by score, highest first (NaN: none); scores equal to 6 decimals, as every output
    shows them, share the better rank: a mean of means that is 80 on paper but 79.99999999999999
    in floating point ties with 80."""
    return pd.to_numeric(scores, errors="coerce").round(6).rank(method="min", ascending=False)


def analyse(rubric: Rubric, calls: pd.DataFrame, *, period_label: str = "", lead: str | None = None,
            excluded_rows: int = 0, account: RowAccount | None = None, inspectors: bool = True,
            breakdowns: bool = True) -> Analysis:
    """The 服务质量分析表 of valid scored calls, with breakdowns per day, team, agent, inspector
    (`inspectors=False` leaves the 质检员 breakdown out: a year's review does not show it;
    `breakdowns=False` leaves every breakdown and the agents' pareto out, for a period only its
    overall figures are asked of, as last week's in the 质检周报).

    `account` is the account of the selection the calls come from (`Loaded.select`); the analysis
    completes it. Without one, the calls are all the rows read (and `excluded_rows` more were
    excluded before)."""
    if account is None:
        account = RowAccount(rows_read=len(calls) + excluded_rows, excluded=excluded_rows)
    counted, dups, cal = counted_calls(rubric, calls, lead=lead)
    overall = figures(rubric, counted)
    a = Analysis(rubric, period_label, overall, counted, dups, cal,
                 account=complete_account(account, calls, counted, dups, cal))
    if not breakdowns:
        a.topics = topics(rubric, overall)
        return a
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
    a.topics = topics(rubric, overall)
    a.agent_pareto = agent_pareto(rubric, counted)
    return a
