"""The 质检月报 (monthly report): the month's figures, the previous month's for comparison, and the
tables managers read (seed 001, 质检组常规质量管理工作文档; DOMAIN.md, Reports and Sampling).

Every figure comes from the consolidation engine: the month's valid calls go through
`analysis.analyse` (duplicates dropped, each calibration case once at its benchmark), and every
breakdown (an agent, an ISO week, an agent in a week) is `analysis.figures` of a slice of
`analysis.figure_arrays` of the counted calls — the same function, never a second implementation.
The only figures defined here are the ones the engine does not have: a category's or an item's
score as a share of its maximum (mean of the engine's `category:<name>` / `points:<item>` columns
÷ the maximum), offences per 100 calls, sums of the engine's `error_deduction` / `fatal_errors`
columns, and the sampling counts (轮回抽检).

Nothing here reads or writes files; `report_monthly.write_monthly_workbook` writes the workbook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .accounting import unknown_agent_calls
from .analysis import Analysis, Figures, analyse, figure_arrays, figures, rounded, score_rank, warning_colour
from .ledger import agent_scores, ledger_comparison, ledger_for, with_ledger_columns
from .loaded import Loaded
from .roster import Roster
from .periods import Period, parse_period, period_of
from .plan_check import PlanCheck, check_plans
from .rubric import Rubric
from .weekly import check_topics
from .workdays import WorkingDays, working_days

WEEKDAYS_ZH = "一二三四五六日"
LEVEL_CATEGORY, LEVEL_ITEM, LEVEL_OFFENCE = "类别", "评分项", "扣分条款"
UNIT_PERCENT = "得分率"  # a share of the maximum, 0–1
UNIT_PER_100 = "次/百通"  # occurrences per 100 calls
STATUS_OK, STATUS_UNDER, STATUS_OVER, STATUS_BOTH = "正常", "抽检不足", "抽检过多", "抽检不足及过多"
STATUS_NONE = "未抽检"  # an agent on the roster without any counted call this month
DEFAULT_SAMPLING_TARGET = 5  # DOMAIN.md Sampling: 5 calls per agent per working day


@dataclass
class Week:
    """An ISO week (Mon–Sun) as far as it lies inside the month, and its figures."""

    iso_year: int
    week: int
    start: dt.date  # first day inside the month
    end: dt.date  # last day inside the month
    figures: Figures

    @property
    def key(self) -> str:
        return f"{self.iso_year}-W{self.week:02d}"

    @property
    def label(self) -> str:
        return f"第{self.week}周"

    @property
    def span(self) -> str:
        return f"{self.start:%m-%d}至{self.end:%m-%d}"


@dataclass
class MonthlyReport:
    """Everything the 质检月报 shows, computed from the calls; DataFrames have Chinese headers."""

    rubric: Rubric
    month: Period
    label: str  # 2026年10月
    analysis: Analysis
    previous_month: Period
    previous_label: str  # 2026年9月
    previous: Analysis | None  # None when there is no valid call of the previous month
    working: WorkingDays
    sampling_target: int
    weeks: list[Week]
    monthly_scores: pd.DataFrame  # 每月监听评分表(月平均分)
    assessment: pd.DataFrame  # 质检考核统计表
    previous_assessment: pd.DataFrame | None  # the same for the previous month (for its totals)
    comparison: pd.DataFrame  # 指标环比: 层级, 指标, 单位, 满分, 上月, 本月, 变化
    key_figures: pd.DataFrame  # 指标, 单位, 上月, 本月, 变化
    daily: pd.DataFrame  # per day: 日期, 星期, 工作日, 通数, 平均分, 优良率, 平均不良比率, 警示级别, 警示色
    item_pareto: pd.DataFrame
    agent_pareto: pd.DataFrame
    trend: pd.DataFrame  # per ISO week of the month
    sampling: pd.DataFrame  # 轮回抽检, per agent
    sampling_days: pd.DataFrame  # 工号 × day: calls (the working days, then non-working days with calls)
    non_working_calls: pd.DataFrame  # 日期, 星期, 工号, 姓名, 通数: calls on days that are not working days
    notes: list[str] = field(default_factory=list)
    plan_check: PlanCheck | None = None  # the 抽检计划 against what was scored, when plans were given
    extra: dict[str, Any] = field(default_factory=dict)  # sections the pipeline adds (complaints registers)
    topics: list[str] = field(default_factory=list)  # 质检主题: the lead's, else the suggestion
    topics_basis: str = ""
    unknown_agents: pd.DataFrame = field(default_factory=pd.DataFrame)  # 工号, 通数: not on the roster

    # -- the figures the workbook's overview and --json show --

    @property
    def month_key(self) -> str:
        return f"{self.month.start:%Y-%m}"

    @property
    def has_data(self) -> bool:
        return self.analysis.overall.n > 0

    def colour_days(self) -> dict[str, int]:
        return self.analysis.colour_days()

    def error_deduction_total(self) -> float:
        return float(self.assessment["差错扣分"].sum()) if len(self.assessment) else 0.0

    def fatal_errors_total(self) -> int:
        return int(self.assessment["致命性错误"].sum()) if len(self.assessment) else 0

    def sampling_counts(self) -> dict[str, int]:
        s = self.sampling["状态"].tolist() if len(self.sampling) else []
        return {st: s.count(st) for st in (STATUS_OK, STATUS_UNDER, STATUS_OVER, STATUS_BOTH, STATUS_NONE)}

    def to_dict(self) -> dict[str, Any]:
        """The `--json` figures: rates and percentages as fractions 0–1 (offence rates of
        offence-only rubrics are occurrences per 100 calls, `unit` says so)."""
        o, p = self.analysis.overall, self.previous
        return {
            "month": self.month_key,
            "label": self.label,
            "previous_month": f"{self.previous_month.start:%Y-%m}",
            "calendar": self.working.calendar,
            "working_days": len(self.working),
            "sampling_target": self.sampling_target,
            "n": o.n, "excluded_rows": self.analysis.excluded_rows,
            "accounting": self.analysis.account.to_dict(),
            "topics": list(self.topics), "topics_basis": self.topics_basis,
            "unknown_agents": [{"agent_id": r.工号, "calls": int(r.通数)}
                               for r in self.unknown_agents.itertuples(index=False)],
            "mean_score": rounded(o.mean_score), "excellent_rate": rounded(o.excellent_rate),
            "mean_defect_rate": rounded(o.mean_defect_rate), "mean_defect_level": o.mean_defect_level,
            "error_deduction_total": rounded(self.error_deduction_total()),
            "fatal_errors": self.fatal_errors_total(),
            "previous": None if p is None else {
                "n": p.overall.n, "mean_score": rounded(p.overall.mean_score),
                "excellent_rate": rounded(p.overall.excellent_rate),
                "mean_defect_rate": rounded(p.overall.mean_defect_rate)},
            "colour_days": self.colour_days(),
            "agents": [{"agent_id": r.工号, "agent_name": r.姓名, "team": r.班组, "calls": int(r.通数),
                        "monthly_score": rounded(r.月度评分), "error_deduction_total": rounded(r.差错扣分),
                        "fatal_errors": int(r.致命性错误), "changed_by_appeal": int(r.申诉改判通数),
                        "grade": r.等级, "rank": int(r.排名)}
                       for r in self.assessment.itertuples(index=False)],
            "categories": [{"name": r.指标, "level": r.层级, "unit": r.单位, "previous": rounded(_none(r.上月)),
                            "current": rounded(_none(r.本月)), "change": rounded(_none(r.变化))}
                           for r in self.comparison.itertuples(index=False)],
            "weeks": [{"week": w.key, "start": w.start.isoformat(), "end": w.end.isoformat(), "n": (n := w.figures.n),
                       "mean_score": rounded(w.figures.mean_score), "excellent_rate": rounded(w.figures.excellent_rate if n else None),
                       "mean_defect_rate": rounded(w.figures.mean_defect_rate if n else None),  # no call: none (周趋势: blank)
                       "mean_defect_level": w.figures.mean_defect_level if n else None} for w in self.weeks],
            "sampling": [{"agent_id": r.工号, "calls": int(r.合计通数), "working_day_calls": int(r.工作日通数),
                          "non_working_day_calls": int(r.非工作日通数), "expected": int(r.应抽通数),
                          "difference": int(r.差额), "status": r.状态,
                          "under_days": [f"{d:%m-%d}" for d in self.working.days] if r.状态 == STATUS_NONE
                          else _days_list(r.不足日期), "over_days": _days_list(r.过多日期)}
                         for r in self.sampling.itertuples(index=False)],
            "non_working_days": sorted({d.isoformat() for d in self.non_working_calls["日期"]}),
            **{key: section.to_dict() for key, section in self.extra.items()},
        } | ({"plan_check": self.plan_check.to_dict()} if self.plan_check is not None else {})


def _none(x: Any) -> Any:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else x


def _days_list(text: str) -> list[str]:
    """'10-09(4)、10-12(0)' -> ['10-09', '10-12'] (month-day, as the sheet shows them)."""
    return [t.split("(")[0] for t in text.split("、")] if text else []


def previous_month(month: Period) -> Period:
    first = month.start.replace(day=1)
    return parse_period(f"{first - dt.timedelta(days=1):%Y-%m}")


# --- building ----------------------------------------------------------------------------------

def build_monthly(rubric: Rubric, loaded: Loaded, month: Period, *, previous: Loaded | None = None,
                  lead: str | None = None, sampling_target: int = DEFAULT_SAMPLING_TARGET,
                  plans: pd.DataFrame | None = None, topics: list[str] | None = None) -> MonthlyReport:
    """The 质检月报 of `month` from the calls `loaded` holds (errors are left out and counted).

    The previous month's calls come from `previous` when given, else from `loaded` itself; when
    neither holds a valid call of the previous month, the comparison columns stay blank. `plans`
    (the planned calls of 抽检计划 workbooks, `plan_check.read_plan_grid`) adds the check of what
    was scored against them. `topics`: the month's 质检主题 as the lead sets them (else the
    engine's suggestion). Agents of the roster (`loaded.roster`) without a counted call are 未抽检
    in the 轮回抽检.
    """
    if sampling_target < 1:
        raise ValueError("sampling_target must be at least 1")
    _, label = period_of("month", month.start)
    sel = loaded.select(month)
    valid = sel.calls
    analysis = analyse(rubric, valid, period_label=label, lead=lead, account=sel.account)
    analysis.ledger = ledger_for(rubric, loaded, month, history=previous, lead=lead)

    notes: list[str] = []
    prev_period = previous_month(month)
    _, prev_label = period_of("month", prev_period.start)
    source = previous if previous is not None else loaded
    psel = source.select(prev_period)
    prev = analyse(rubric, psel.calls, period_label=prev_label, lead=lead, account=psel.account) \
        if len(psel.calls) else None
    if prev is not None:  # a ledger rubric's 上月评分 is last month's ledger
        prev.ledger = ledger_for(rubric, source, prev_period, lead=lead)
    if prev is None:
        notes.append(f"没有{prev_label}的有效评分记录,环比各列留空")
    if not len(valid):
        notes.append("本月没有有效评分记录")

    work = working_days(month.start, month.end)
    counted = analysis.counted
    arrays = figure_arrays(rubric, counted) if len(counted) else None
    weeks = _weeks(rubric, month, work, counted, arrays)

    monthly_scores = _monthly_scores(rubric, analysis, weeks, arrays)
    assessment = _assessment(rubric, analysis, prev)
    prev_assessment = _assessment(rubric, prev, None) if prev is not None else None
    comparison = _comparison(rubric, analysis, prev)
    if rubric.offences and not rubric.categories:
        notes.append("本评分标准为逐次扣分制(无评分项),指标环比按各扣分条款每百通发生次数比较")
    sampling, sampling_days, off_days = _sampling(counted, work, sampling_target, loaded.roster)
    if topics:
        chosen, basis = check_topics(rubric, topics), "由质检班长指定"
    else:
        chosen, basis = list(analysis.topics), "建议: 服务能力项中本月不良比率最高的至多 2 项"
    unknown = unknown_agent_calls(analysis.account)
    if loaded.roster is None:
        notes.append("未提供人员名单,工号未核对")
    elif len(unknown):
        notes.append(f"名单外工号 {len(unknown)} 个({int(unknown['通数'].sum())} 通)未计入考核与排名,"
                     "见“质检考核统计表”与“排除与重复”")
    return MonthlyReport(
        rubric=rubric, month=month, label=label, analysis=analysis, previous_month=prev_period,
        previous_label=prev_label, previous=prev, working=work, sampling_target=sampling_target,
        weeks=weeks, monthly_scores=monthly_scores, assessment=assessment,
        previous_assessment=prev_assessment, comparison=comparison,
        key_figures=_key_figures(analysis, prev, assessment, prev_assessment), daily=_daily(analysis, work),
        item_pareto=analysis.overall.item_pareto(), agent_pareto=analysis.agent_pareto,
        trend=_trend(weeks), sampling=sampling, sampling_days=sampling_days, non_working_calls=off_days,
        notes=notes, plan_check=check_plans(plans, loaded.calls, month) if plans is not None else None,
        topics=chosen, topics_basis=basis, unknown_agents=unknown)


def _group_positions(values: list) -> dict[Any, np.ndarray]:
    """Positions of each distinct value, keys in a stable order (as `analyse` sorts them)."""
    out: dict[Any, list[int]] = {}
    for i, v in enumerate(values):
        out.setdefault(v, []).append(i)
    return {k: np.asarray(out[k]) for k in sorted(out, key=str)}


def _slice(arrays, pos: np.ndarray):
    return tuple(x[pos] for x in arrays)


def _weeks(rubric: Rubric, month: Period, work: WorkingDays, counted: pd.DataFrame, arrays) -> list[Week]:
    """The ISO weeks of the month that hold a working day or a call, with their figures."""
    days = [month.start + dt.timedelta(days=i) for i in range((month.end - month.start).days + 1)]
    spans: dict[tuple[int, int], list[dt.date]] = {}
    for d in days:
        spans.setdefault(d.isocalendar()[:2], []).append(d)
    dates = counted["date"].tolist() if len(counted) else []
    by_week = _group_positions([d.isocalendar()[:2] for d in dates]) if dates else {}
    out = []
    for key, span in sorted(spans.items()):
        if key not in by_week and not any(d in work for d in span):
            continue  # a week of holidays without calls (e.g. 1–4 October)
        figs = figures(rubric, arrays=_slice(arrays, by_week[key])) if key in by_week \
            else figures(rubric, counted.iloc[0:0])
        out.append(Week(key[0], key[1], span[0], span[-1], figs))
    return out


def _agent_meta(counted: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """工号 -> (姓名, 班组) of the agent's first counted call."""
    meta: dict[str, tuple[str, str]] = {}
    for aid, name, team in zip(counted["agent_id"].tolist(), counted["agent_name"].tolist(),
                               counted["team"].tolist()):
        meta.setdefault(aid, (_text(name), _text(team)))
    return meta


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return str(v)


def _monthly_scores(rubric: Rubric, a: Analysis, weeks: list[Week], arrays) -> pd.DataFrame:
    """每月监听评分表(月平均分): per agent the month's figures and each week's mean score."""
    week_cols = [f"{w.label}({w.span})" for w in weeks]
    cols = ["工号", "姓名", "班组", "通数", "月平均分", "最低分", "最高分", *week_cols]
    if not a.by_agent:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    counted = a.counted
    meta = _agent_meta(counted)
    agent_week = _group_positions(list(zip(counted["agent_id"].tolist(),
                                           [d.isocalendar()[:2] for d in counted["date"].tolist()])))
    rows = []
    for (aid, name), f in a.by_agent:
        row = {"工号": str(aid), "姓名": meta[aid][0] or name, "班组": meta[aid][1], "通数": f.n,
               "月平均分": f.mean_score, "最低分": f.min_score, "最高分": f.max_score}
        for w, col in zip(weeks, week_cols):
            pos = agent_week.get((aid, (w.iso_year, w.week)))
            row[col] = figures(rubric, arrays=_slice(arrays, pos)).mean_score if pos is not None else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def _assessment(rubric: Rubric, a: Analysis, prev: Analysis | None) -> pd.DataFrame:
    """质检考核统计表: per agent the monthly score, 差错扣分, 致命性错误, grade and rank."""
    cols = ["排名", "工号", "姓名", "班组", "通数", "月度评分", "等级", "差错扣分", "差错通数", "致命性错误",
            "申诉改判通数", "上月评分", "变化"]
    if not a.by_agent:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    counted = a.counted
    meta = _agent_meta(counted)
    err = pd.to_numeric(counted["error_deduction"], errors="coerce").fillna(0.0).to_numpy(dtype=float) \
        if "error_deduction" in counted else np.zeros(len(counted))
    fatal = pd.to_numeric(counted["fatal_errors"], errors="coerce").fillna(0).to_numpy(dtype=float) \
        if "fatal_errors" in counted else np.zeros(len(counted))
    # Calls whose scores an upheld appeal replaced (the monthly score already uses the new ones).
    changed = counted["appeal_changed"].fillna(False).to_numpy(dtype=bool) \
        if "appeal_changed" in counted else np.zeros(len(counted), dtype=bool)
    by_id = _group_positions(counted["agent_id"].tolist())
    now, before = agent_scores(a), agent_scores(prev) if prev is not None else {}  # ledger-aware
    rows = []
    for (aid, name), f in a.by_agent:
        pos, score = by_id[aid], now[str(aid)]
        last = before.get(str(aid))
        rows.append({"工号": str(aid), "姓名": meta[aid][0] or name, "班组": meta[aid][1], "通数": f.n,
                     "月度评分": score, "等级": rubric.grade_for(score),
                     "差错扣分": float(round(err[pos].sum(), 6)), "差错通数": int((err[pos] > 0).sum()),
                     "致命性错误": int(fatal[pos].sum()), "申诉改判通数": int(changed[pos].sum()),
                     "上月评分": np.nan if last is None else last,
                     "变化": np.nan if last is None else score - last})
    df = pd.DataFrame(rows)
    df["排名"] = score_rank(df["月度评分"]).astype(int)
    df = df.sort_values(["排名", "工号"], kind="stable").reset_index(drop=True)
    return with_ledger_columns(df[cols], a.ledger, "等级")


def category_shares(rubric: Rubric, counted: pd.DataFrame) -> list[tuple[str, str, str, float, float | None]]:
    """(层级, 指标, 单位, 满分, value) of the calls: each category's and item's mean points as a
    share of its maximum (得分率, 0–1); each offence's occurrences per 100 calls. None without calls."""
    n = len(counted)

    def mean(col: str, applicable_only: bool = False, mx: float = 1) -> float | None:
        if not n or col not in counted.columns:
            return None if not n else 0.0
        v = pd.to_numeric(counted[col], errors="coerce")  # excluded N/A (NaN): where it applied
        v = v.dropna() if applicable_only else v.fillna(0)  # a 扣分项 (maximum 0): no 得分率
        return float(v.mean()) / mx if len(v) and mx > 0 else None

    out: list[tuple[str, str, str, float, float | None]] = []
    for cat in rubric.categories:
        out.append((LEVEL_CATEGORY, cat.name, UNIT_PERCENT, cat.max_points,
                    mean(f"category:{cat.name}", rubric.excludes, cat.max_points)))
    for it in rubric.items:
        out.append((LEVEL_ITEM, it.name, UNIT_PERCENT, it.max, mean(f"points:{it.name}", it.na == "exclude", it.max)))
    for o in rubric.offences:
        m = mean(f"offence:{o.id}")
        out.append((LEVEL_OFFENCE, o.name, UNIT_PER_100, np.nan, None if m is None else 100 * m))
    return out


def _comparison(rubric: Rubric, a: Analysis, prev: Analysis | None) -> pd.DataFrame:
    """指标环比: this month and the previous month, and the change (本月 − 上月; for 得分率 in
    percentage points, as a fraction)."""
    now = category_shares(rubric, a.counted)
    before = category_shares(rubric, prev.counted) if prev is not None else [None] * len(now)
    rows = []
    for cur, old in zip(now, before):
        level, name, unit, mx, value = cur
        last = old[4] if old is not None else None
        rows.append({"层级": level, "指标": name, "单位": unit, "满分": mx,
                     "上月": np.nan if last is None else last, "本月": np.nan if value is None else value,
                     "变化": np.nan if last is None or value is None else value - last})
    cols = ["层级", "指标", "单位", "满分", "上月", "本月", "变化"]
    return pd.DataFrame(rows, columns=cols)


KEY_FIGURES = [("有效通数", "n", "通"), ("平均分", "mean_score", "分"), ("优良率", "excellent_rate", "%"),
               ("平均不良比率", "mean_defect_rate", "%"), ("轻微不良", "slight_defect_rate", "%"),
               ("一般不良", "general_defect_rate", "%"), ("80分以下", "below_80_rate", "%"),
               ("最高分", "max_score", "分"), ("最低分", "min_score", "分")]


def _key_figures(a: Analysis, prev: Analysis | None, assessment: pd.DataFrame,
                 prev_assessment: pd.DataFrame | None) -> pd.DataFrame:
    """关键指标环比: the month's main figures, the previous month's, and the change."""
    rows = []
    for label, attr, unit in KEY_FIGURES:
        # A month without calls has no rates (figures gives 0 for them): blank, not 0%.
        cur = getattr(a.overall, attr) if a.overall.n or attr == "n" else None
        last = getattr(prev.overall, attr) if prev is not None else None
        if label == "80分以下":
            label = f"{a.rubric.analysis.general[0]:g}分以下"
        rows.append({"指标": label, "单位": unit, "上月": np.nan if last is None else last, "本月": np.nan if cur is None
                     else cur, "变化": np.nan if last is None or cur is None else cur - last})
    rows += ledger_comparison(a.ledger, prev.ledger if prev is not None else None)  # None unless a ledger
    for label, col, unit in (("差错扣分合计", "差错扣分", "分"), ("致命性错误", "致命性错误", "起")):
        cur = float(assessment[col].sum()) if len(assessment) else 0.0
        last = float(prev_assessment[col].sum()) if prev_assessment is not None and len(prev_assessment) \
            else np.nan if prev is None else 0.0
        rows.append({"指标": label, "单位": unit, "上月": last, "本月": cur, "变化": cur - last})
    return pd.DataFrame(rows, columns=["指标", "单位", "上月", "本月", "变化"])


def _daily(a: Analysis, work: WorkingDays) -> pd.DataFrame:
    rows = [{"日期": d, "星期": "周" + WEEKDAYS_ZH[d.weekday()], "工作日": "是" if d in work else "否",
             "通数": f.n, "平均分": f.mean_score, "优良率": f.excellent_rate, "平均不良比率": f.mean_defect_rate,
             "警示级别": f.mean_defect_level, "警示色": warning_colour(f.mean_defect_level)}
            for d, f in a.by_day]
    return pd.DataFrame(rows, columns=["日期", "星期", "工作日", "通数", "平均分", "优良率", "平均不良比率",
                                       "警示级别", "警示色"])


def _trend(weeks: list[Week]) -> pd.DataFrame:
    rows = [{"周": w.label, "周次": w.key, "起止": w.span, "通数": w.figures.n, "平均分": w.figures.mean_score,
             "优良率": w.figures.excellent_rate if w.figures.n else np.nan,
             "平均不良比率": w.figures.mean_defect_rate if w.figures.n else np.nan,
             "警示级别": w.figures.mean_defect_level if w.figures.n else ""} for w in weeks]
    return pd.DataFrame(rows, columns=["周", "周次", "起止", "通数", "平均分", "优良率", "平均不良比率", "警示级别"])


def _fmt_day(d: dt.date, count: int) -> str:
    return f"{d:%m-%d}({count})"


def _sampling(counted: pd.DataFrame, work: WorkingDays, target: int, roster: Roster | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """轮回抽检: recordings scored per agent per day against `target` per working day.

    The recordings are those of `analysis.counted`: each recording once (a duplicate row dropped,
    a calibration case counted once), the valid calls only. Agents of the `roster` without any
    counted call are listed too, as 未抽检.
    """
    cols = ["工号", "姓名", "班组", "抽检天数", "工作日通数", "非工作日通数", "合计通数", "应抽通数", "差额",
            "不足天数", "过多天数", "状态", "不足日期", "过多日期"]
    off_cols = ["日期", "星期", "工号", "姓名", "通数"]
    days = list(work.days)
    meta = _agent_meta(counted) if len(counted) else {}
    missing = sorted(a for a in (roster or ()) if a not in meta)
    if counted.empty and not missing:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        grid = pd.DataFrame({c: pd.Series(dtype=object) for c in ["工号", "姓名", *days]})
        return empty, grid, pd.DataFrame({c: pd.Series(dtype=object) for c in off_cols})
    if counted.empty:
        counted = pd.DataFrame({"agent_id": pd.Series(dtype=object), "date": pd.Series(dtype=object)})
    pairs = pd.DataFrame({"agent": counted["agent_id"].astype(str).to_numpy(),
                          "date": counted["date"].to_numpy()})
    per = pairs.groupby(["agent", "date"], sort=True).size()
    agents = sorted(meta, key=str)
    off_days = sorted({d for d in pairs["date"].tolist() if d not in work})
    rows, grid_rows, off_rows = [], [], []
    for aid in agents:
        counts = per.loc[str(aid)] if str(aid) in per.index.get_level_values(0) else pd.Series(dtype=int)
        on = {d: int(counts.get(d, 0)) for d in days}
        off = {d: int(counts.get(d, 0)) for d in off_days}
        under = [d for d in days if on[d] < target]
        over = [d for d in days if on[d] > target]
        status = STATUS_BOTH if under and over else STATUS_UNDER if under else STATUS_OVER if over else STATUS_OK
        work_calls, off_calls = sum(on.values()), sum(off.values())
        expected = target * len(days)
        rows.append({"工号": str(aid), "姓名": meta[aid][0], "班组": meta[aid][1],
                     "抽检天数": sum(1 for d in days if on[d] > 0), "工作日通数": work_calls,
                     "非工作日通数": off_calls, "合计通数": work_calls + off_calls, "应抽通数": expected,
                     "差额": work_calls - expected, "不足天数": len(under), "过多天数": len(over), "状态": status,
                     "不足日期": "、".join(_fmt_day(d, on[d]) for d in under),
                     "过多日期": "、".join(_fmt_day(d, on[d]) for d in over)})
        grid_rows.append({"工号": str(aid), "姓名": meta[aid][0], **on, **off})
        for d in off_days:
            if off[d]:
                off_rows.append({"日期": d, "星期": "周" + WEEKDAYS_ZH[d.weekday()], "工号": str(aid),
                                 "姓名": meta[aid][0], "通数": off[d]})
    for aid in missing:  # on the roster, never sampled this month
        name, team = roster.names.get(aid, ""), roster.teams.get(aid, "")
        rows.append({"工号": aid, "姓名": name, "班组": team, "抽检天数": 0, "工作日通数": 0, "非工作日通数": 0,
                     "合计通数": 0, "应抽通数": target * len(days), "差额": -target * len(days),
                     "不足天数": len(days), "过多天数": 0, "状态": STATUS_NONE, "不足日期": "全部工作日",
                     "过多日期": ""})
        grid_rows.append({"工号": aid, "姓名": name, **{d: 0 for d in days}, **{d: 0 for d in off_days}})
    off_df = pd.DataFrame(off_rows, columns=off_cols)
    if len(off_df):
        off_df = off_df.sort_values(["日期", "工号"], kind="stable").reset_index(drop=True)
    return (pd.DataFrame(rows, columns=cols), pd.DataFrame(grid_rows, columns=["工号", "姓名", *days, *off_days]),
            off_df)
