"""The 季度/年度质检考核表 (quarterly and yearly assessment): each month's figures and each agent's
月度评分 side by side, the period's score, rank, grade and trend, 服务之星 and 岗位调整 candidates
(seed 002: 考核周期 — 月度、季度及年度; 考核结果应用 — 评优评先, 岗位调整).

Every figure comes from the consolidation engine: each month's valid calls go through
`analysis.analyse` exactly as `consolidate --period month` does (duplicates dropped, calibration
cases once at the benchmark), so a month's 月度评分 and 服务质量分析表 figures here equal that
month's report. The figures defined here, and only here:
- 期间评分 (the quarter's or year's score) = the mean of the agent's 月度评分 over the months
  that count for them (a month counts when the agent has at least `min_calls` counted calls in
  it; on a ledger rubric every month with a call counts, its score being the agent's monthly
  ledger, not a mean over calls); each such month weighs the same, as each month's score feeds
  pay (SOP-14);
- 排名 by 期间评分 (ties share the better rank), 等级 = the rubric's grade of 期间评分;
- 趋势: the least-squares slope of the counted 月度评分 against the month (points per month);
  上升 when ≥ +`TREND_STEP`, 下降 when ≤ −`TREND_STEP`, else 持平; fewer than 2 months: 数据不足;
- 服务之星候选: the top `stars` agents by 期间评分 among those with a counted 月度评分 in every
  考核月份 (a month in which any agent's 月度评分 counts), no 致命性错误 in the period and a
  期间评分 at least the rubric's 良好水平; agents tied with the last place are all listed;
- 岗位调整候选: agents whose counted 月度评分 is below the rubric's 最低允许 in 2 or more months
  (seed 002: "持续考核成绩不理想");
- item and category trends: each month's 不良比率 / 得分率 (the monthly report's definitions)
  and their slope over the 考核月份 (上升/下降 from 1 percentage point a month).
Nothing here reads or writes files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .accounting import effective_dates
from .analysis import Analysis, analyse, rounded, score_rank
from .ledger import agent_scores, ledger_for
from .loaded import Loaded
from .monthly import category_shares
from .periods import Period, months_of, period_of
from .rubric import Rubric

TREND_STEP = 0.5  # points per month: a slope smaller than this is 持平
RATE_STEP = 0.01  # a rate's (不良比率, 得分率) trend step: 1 percentage point a month
DEFAULT_MIN_CALLS = 5  # a month's score counts for an agent from this many counted calls
DEFAULT_STARS = 3
UP, DOWN, FLAT, TOO_FEW = "上升", "下降", "持平", "数据不足"


@dataclass
class Month:
    """One calendar month of the period and its 服务质量分析表 (n = 0 when it holds no call)."""

    period: Period
    label: str  # 2026年10月
    analysis: Analysis

    @property
    def key(self) -> str:
        return f"{self.period.start:%Y-%m}"

    @property
    def short(self) -> str:
        return f"{self.period.start.month}月"


@dataclass
class PeriodReview:
    rubric: Rubric
    kind: str  # quarter | year
    period: Period
    key: str  # 2026-Q4 | 2026
    label: str  # 2026年第4季度 | 2026年度
    months: list[Month]
    overall: Analysis  # the whole period's calls
    assessed: list[str]  # 考核月份 (keys)
    agents: pd.DataFrame  # 季度/年度质检考核表
    stars: pd.DataFrame
    adjustments: pd.DataFrame
    month_figures: pd.DataFrame  # 服务质量分析表 figures, one row per month, then the period
    item_trends: pd.DataFrame
    category_trends: pd.DataFrame
    teams: pd.DataFrame  # 班组 × month mean score
    min_calls: int = DEFAULT_MIN_CALLS
    star_count: int = DEFAULT_STARS
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # sections added by the pipeline (complaints)
    findings: list = field(default_factory=list)  # the findings of the period's rows (排除与重复)
    undated: int = 0  # rows without a readable date: excluded in every month's account (and the period's once)

    @property
    def word(self) -> str:
        return "季度" if self.kind == "quarter" else "年度"

    @property
    def has_data(self) -> bool:
        return self.overall.overall.n > 0

    def to_dict(self) -> dict[str, Any]:
        o = self.overall.overall
        return {
            "kind": self.kind, "period": self.key, "label": self.label, "min_calls": self.min_calls,
            "n": o.n, "accounting": self.overall.account.to_dict(), "mean_score": rounded(o.mean_score), "excellent_rate": rounded(o.excellent_rate),
            "mean_defect_rate": rounded(o.mean_defect_rate), "assessed_months": self.assessed,
            "months": [month_dict(m) for m in self.months],
            "agents": [{"agent_id": r["工号"], "agent_name": r["姓名"], "team": r["班组"], "calls": int(r["通数"]),
                        "monthly_scores": {m.key: rounded(_num(r[m.short])) for m in self.months},
                        "months_counted": int(r["考核月数"]), "period_score": rounded(_num(r["期间评分"])),
                        "rank": None if pd.isna(r["排名"]) else int(r["排名"]), "grade": r["等级"],
                        "trend": r["趋势"], "slope": rounded(_num(r["斜率"])),
                        "fatal_errors": int(r["致命性错误"]), "months_below_pass": int(r["低于最低允许月数"])}
                       for r in self.agents.to_dict("records")],
            "stars": self.stars["工号"].tolist(), "adjustments": self.adjustments["工号"].tolist(),
            "items": [{"item": r["评分项"], "defect_rates": {m.key: rounded(_num(r[m.short])) for m in self.months},
                       "slope": rounded(_num(r["斜率"])), "trend": r["趋势"]}
                      for r in self.item_trends.to_dict("records")],
            **{k: v.to_dict() for k, v in self.extra.items() if hasattr(v, "to_dict")},
        }


def month_dict(m: Month) -> dict[str, Any]:
    """A month's figures: exactly `consolidate --period month --json` of that month (the same
    `Analysis.to_dict`), with the month and each agent's 月度评分."""
    return {"month": m.key, **m.analysis.to_dict(),
            "agents": {aid: rounded(score) for aid, score in agent_scores(m.analysis).items()}}


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def period_label(kind: str, period: Period) -> tuple[str, str]:
    """(key, label): ('2026-Q4', '2026年第4季度') or ('2026', '2026年度')."""
    if kind == "quarter":
        q = (period.start.month - 1) // 3 + 1
        return f"{period.start.year}-Q{q}", f"{period.start.year}年第{q}季度"
    return f"{period.start.year}", f"{period.start.year}年度"


def trend_of(xs: list[float], ys: list[float], step: float = TREND_STEP) -> tuple[float | None, str]:
    """(slope per month, 上升/下降/持平/数据不足) of the least-squares line through the points."""
    if len(xs) < 2:
        return None, TOO_FEW
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    dx = x - x.mean()
    slope = float(dx @ (y - y.mean()) / (dx @ dx))
    # Equal points have slope 0, not the -8.6e-15 rounding leaves (-0.0 in --json, -0.00 in a cell).
    slope = 0.0 if abs(slope) < 1e-9 or np.ptp(y) == 0 else slope
    return slope, UP if slope >= step - 1e-9 else DOWN if slope <= -step + 1e-9 else FLAT


# --- building ----------------------------------------------------------------------------------

def build_period_review(rubric: Rubric, loaded: Loaded, kind: str, period: Period, *, lead: str | None = None,
                        min_calls: int = DEFAULT_MIN_CALLS, stars: int = DEFAULT_STARS) -> PeriodReview:
    """The 季度/年度质检考核表 of `period` (a quarter or a year) from the calls `loaded` holds."""
    if min_calls < 1 or stars < 1:
        raise ValueError("min_calls and stars must be at least 1")
    key, label = period_label(kind, period)
    months = []
    keys, undated = _month_keys(loaded, period)
    # Rows whose recording has other rows (calibration, an inspector's repeat): few, looked at alone.
    recordings = loaded.calls["recording_id"].astype(str) if len(loaded.calls) else pd.Series(dtype=str)
    repeated = np.flatnonzero(recordings.duplicated(keep=False).to_numpy(dtype=bool)
                              & (recordings != "").to_numpy(dtype=bool))
    repeated_ids = recordings.iloc[repeated]
    for mp in months_of(period):
        # The month's rows; the undated ones, which belong to no period and so are excluded in every
        # month's report; and the other rows of the month's recordings (an inspector's earlier
        # scoring of one, in another month, makes the month's a duplicate): the month's account is
        # that month's 质检月报's, term by term (the other rows read are outside its period).
        in_month = keys == mp.start.year * 100 + mp.start.month
        related = np.zeros(len(keys), dtype=bool)
        if len(repeated):
            ids = set(repeated_ids[in_month[repeated]].tolist())
            related[repeated[repeated_ids.isin(ids).to_numpy(dtype=bool)]] = True
        part = loaded.calls.iloc[np.flatnonzero(in_month | undated | related)]
        sel = Loaded(part, loaded.findings, loaded.files, roster=loaded.roster).select(mp)
        sel.account.outside_period += len(loaded.calls) - len(part)
        sel.account.rows_read = len(loaded.calls)
        _, month_label = period_of("month", mp.start)
        months.append(Month(mp, month_label, analyse(rubric, sel.calls, period_label=month_label, lead=lead,
                                                     account=sel.account, inspectors=False)))
        months[-1].analysis.ledger = ledger_for(rubric, loaded, mp, lead=lead)  # a ledger rubric's 月度评分
    # The period's calls: those of its months, in the order read, every row read accounted for.
    sel = loaded.select(period)
    overall = analyse(rubric, sel.calls, period_label=label, lead=lead, account=sel.account, inspectors=False)
    scores = _agent_month_scores(months, min_calls)
    assessed = [m.key for m in months if any(counts for _, counts in scores.get(m.key, {}).values())]
    agents = _agents(rubric, months, overall, scores, assessed)
    notes = []
    if not overall.overall.n:
        notes.append(f"{label}没有有效评分记录")
    empty = [m.label for m in months if not m.analysis.overall.n]
    if empty and overall.overall.n:
        notes.append("没有评分记录的月份: " + "、".join(empty))
    return PeriodReview(
        rubric=rubric, kind=kind, period=period, key=key, label=label, months=months, overall=overall,
        assessed=assessed, agents=agents, stars=_stars(rubric, agents, assessed, stars),
        adjustments=_adjustments(rubric, agents, months), month_figures=_month_figures(months, overall, label),
        item_trends=_item_trends(months, overall, assessed),
        category_trends=_category_trends(rubric, months, overall, assessed),
        teams=_teams(months, overall), min_calls=min_calls, star_count=stars, notes=notes, findings=sel.findings,
        undated=int(undated.sum()))


def _month_keys(loaded: Loaded, period: Period) -> tuple[np.ndarray, np.ndarray]:
    """Per call, year × 100 + month of its date as the periods see it (a calibration recording
    scored on several days: its earliest, `accounting.effective_dates`) when that lies in the
    period, else 0; and whether the call has no readable date. Computed once, so that a year is
    not scanned twelve times."""
    own = effective_dates(loaded.calls)
    undated = np.array([not isinstance(d, dt.date) for d in own], dtype=bool)
    dates = pd.to_datetime(pd.Series(own, dtype=object), errors="coerce")
    keys = (dates.dt.year * 100 + dates.dt.month).fillna(0).to_numpy(dtype=np.int64)
    inside = ((dates >= pd.Timestamp(period.start)) & (dates <= pd.Timestamp(period.end))).to_numpy(dtype=bool)
    return np.where(inside, keys, 0), undated


def _agent_month_scores(months: list[Month], min_calls: int) -> dict[str, dict[str, tuple[float, bool]]]:
    """month key -> agent id -> (月度评分, whether it counts: at least `min_calls` counted calls)."""
    out = {}
    for m in months:
        now = agent_scores(m.analysis)  # the mean of the calls, or a ledger rubric's month score
        # A ledger month counts whatever its number of calls: its score is the agent's account for
        # the month (base − what was found), not a mean that a few calls would make unreliable.
        ledger = m.analysis.ledger is not None
        out[m.key] = {aid: (now[str(aid)], ledger or f.n >= min_calls) for (aid, _), f in m.analysis.by_agent}
    return out


def _column_sums(analysis: Analysis, column: str) -> dict[str, float]:
    """Per agent, the sum of an engine column (差错扣分, 致命性错误) over the counted calls."""
    c = analysis.counted
    if not len(c) or column not in c:
        return {}
    values = pd.to_numeric(c[column], errors="coerce").fillna(0)
    return values.groupby(c["agent_id"].astype(str)).sum().to_dict()


def _agents(rubric: Rubric, months: list[Month], overall: Analysis, scores, assessed: list[str]) -> pd.DataFrame:
    """季度/年度质检考核表: one row per agent of the period."""
    month_cols = [m.short for m in months]
    cols = ["排名", "工号", "姓名", "班组", "通数", *month_cols, "考核月数", "期间评分", "等级", "趋势", "斜率",
            "差错扣分", "致命性错误", "低于最低允许月数", "申诉改判通数"]
    if not overall.by_agent:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    counted = overall.counted
    teams = dict(zip(counted["agent_id"].astype(str), counted["team"].astype(str)))
    errors, fatal = _column_sums(overall, "error_deduction"), _column_sums(overall, "fatal_errors")
    changed = _column_sums(overall, "appeal_changed")
    rows = []
    for (aid, name), f in overall.by_agent:
        aid = str(aid)
        row: dict[str, Any] = {"工号": aid, "姓名": name, "班组": teams.get(aid, ""), "通数": f.n}
        xs, ys = [], []
        for i, m in enumerate(months):
            score, counts = scores[m.key].get(aid, (None, False))
            row[m.short] = np.nan if score is None else score
            if score is not None and counts:
                xs.append(float(i + 1))
                ys.append(score)
        period_score = float(np.mean(ys)) if ys else np.nan
        slope, trend = trend_of(xs, ys)
        row.update({"考核月数": len(ys), "期间评分": period_score,
                    "等级": rubric.grade_for(period_score) if ys else "", "趋势": trend,
                    "斜率": np.nan if slope is None else slope, "差错扣分": float(errors.get(aid, 0.0)),
                    "致命性错误": int(fatal.get(aid, 0)),
                    "低于最低允许月数": sum(1 for y in ys if y < rubric.marks.pass_ - 1e-9),
                    "申诉改判通数": int(changed.get(aid, 0))})
        rows.append(row)
    df = pd.DataFrame(rows)
    df["排名"] = score_rank(df["期间评分"])
    df = df.sort_values(["排名", "工号"], kind="stable", na_position="last").reset_index(drop=True)
    df["排名"] = df["排名"].astype("Int64")
    return df[cols]


def _stars(rubric: Rubric, agents: pd.DataFrame, assessed: list[str], n: int) -> pd.DataFrame:
    """服务之星候选 (the rule in the module docstring)."""
    cols = ["名次", "工号", "姓名", "班组", "期间评分", "等级", "考核月数", "趋势"]
    if not len(agents) or not assessed:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    ok = agents[(agents["考核月数"] == len(assessed)) & (agents["致命性错误"] == 0)
                & (agents["期间评分"] >= rubric.marks.good - 1e-9)].copy()
    ok["名次"] = score_rank(ok["期间评分"]).astype(int)
    ok = ok[ok["名次"] <= n].sort_values(["名次", "工号"], kind="stable")
    return ok[cols].reset_index(drop=True)


def _adjustments(rubric: Rubric, agents: pd.DataFrame, months: list[Month]) -> pd.DataFrame:
    """岗位调整候选: counted 月度评分 below 最低允许 in 2 or more months."""
    cols = ["工号", "姓名", "班组", "低于最低允许月数", "低于最低允许的月份", "期间评分", "趋势"]
    rows = []
    for r in agents.to_dict("records"):
        if r["低于最低允许月数"] < 2:
            continue
        low = [f"{m.short}({r[m.short]:.1f})" for m in months
               if not pd.isna(r[m.short]) and r[m.short] < rubric.marks.pass_ - 1e-9]
        rows.append({**{c: r[c] for c in ("工号", "姓名", "班组", "低于最低允许月数", "期间评分", "趋势")},
                     "低于最低允许的月份": "、".join(low)})
    return pd.DataFrame(rows, columns=cols)


def _month_figures(months: list[Month], overall: Analysis, label: str) -> pd.DataFrame:
    """The 服务质量分析表's main figures, one row per month and one for the whole period."""
    rows = []
    for name, a in [*((m.short, m.analysis) for m in months), (label, overall)]:
        o = a.overall
        days = a.colour_days()
        has = o.n > 0
        err = _column_sums(a, "error_deduction")
        fatal = _column_sums(a, "fatal_errors")
        rows.append({"月份": name, "有效通数": o.n, "排除行数": a.excluded_rows,
                     "平均分": o.mean_score if has else np.nan,
                     "优良率": o.excellent_rate if has else np.nan,
                     "轻微不良": o.slight_defect_rate if has else np.nan,
                     "一般不良": o.general_defect_rate if has else np.nan,
                     "80分以下": o.below_80_rate if has else np.nan,
                     "平均不良比率": o.mean_defect_rate if has else np.nan,
                     "警示级别": o.mean_defect_level if has else "",
                     **{f"{c}天数": days[c] for c in days},
                     "差错扣分合计": float(sum(err.values())), "致命性错误": int(sum(fatal.values())),
                     "坐席数": len(a.by_agent)})
    return pd.DataFrame(rows)


def _rate_trend(months: list[Month], values: dict[str, float | None], assessed: list[str]) -> tuple[Any, str]:
    """Slope (per month) and trend of a rate over the 考核月份 that have it."""
    xs = [float(i + 1) for i, m in enumerate(months) if m.key in assessed and values.get(m.key) is not None]
    ys = [values[m.key] for m in months if m.key in assessed and values.get(m.key) is not None]
    slope, trend = trend_of(xs, ys, RATE_STEP)
    return (np.nan if slope is None else slope), trend


def _item_trends(months: list[Month], overall: Analysis, assessed: list[str]) -> pd.DataFrame:
    """Each item's 不良比率 month by month, the period's, and the slope (per month, as a fraction)."""
    rows = []
    for j, it in enumerate(overall.overall.items):
        values = {m.key: (m.analysis.overall.items[j].defect_rate if m.analysis.overall.n else None)
                  for m in months}
        slope, trend = _rate_trend(months, values, assessed)
        rows.append({"评分项": it.item, "分类": it.item_class,
                     **{m.short: np.nan if values[m.key] is None else values[m.key] for m in months},
                     "期间": it.defect_rate if overall.overall.n else np.nan, "斜率": slope,
                     # 不良比率 going up is worse: say so in words.
                     "趋势": {UP: "上升(变差)", DOWN: "下降(改善)"}.get(trend, trend)})
    return pd.DataFrame(rows)


def _category_trends(rubric: Rubric, months: list[Month], overall: Analysis, assessed: list[str]) -> pd.DataFrame:
    """Each category's and item's score as a share of its maximum (得分率), month by month."""
    per_month = {m.key: category_shares(rubric, m.analysis.counted) for m in months}
    whole = category_shares(rubric, overall.counted)
    rows = []
    for i, (level, name, unit, mx, value) in enumerate(whole):
        values = {k: shares[i][4] for k, shares in per_month.items()}
        slope, trend = _rate_trend(months, values, assessed)
        rows.append({"层级": level, "指标": name, "单位": unit, "满分": mx,
                     **{m.short: np.nan if values[m.key] is None else values[m.key] for m in months},
                     "期间": np.nan if value is None else value, "斜率": slope, "趋势": trend})
    return pd.DataFrame(rows)


def _teams(months: list[Month], overall: Analysis) -> pd.DataFrame:
    """班组: each month's mean score, and the period's (the engine's per-team figures)."""
    names = [t for t, _ in overall.by_team]
    rows = []
    for t in names:
        row: dict[str, Any] = {"班组": t}
        for m in months:
            f = dict(m.analysis.by_team).get(t)
            row[m.short] = f.mean_score if f is not None else np.nan
        f = dict(overall.by_team)[t]
        row.update({"通数": f.n, "期间平均分": f.mean_score})
        rows.append(row)
    return pd.DataFrame(rows, columns=["班组", *[m.short for m in months], "通数", "期间平均分"])
