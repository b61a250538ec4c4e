"""The 质检周报 (weekly report, Monday–Sunday): the figures, as tables. No file IO here.

Every figure comes from the consolidation engine (`analysis.analyse` and `analysis.figures`): the
week's `Analysis` gives the totals and the breakdowns per day, agent and inspector; the tables that
need a finer split (an agent's mean on one day) are `figures` of the engine's own arrays, sliced
per group exactly as `analyse` slices them. Nothing is computed a second way.

- 监听评分表(周平均分): per agent, the week's mean final score (calibration cases once, at the
  benchmark: the rows of `Analysis.counted`), lowest, grade of the mean, and each day's mean.
- 员工服务质量反馈表: per agent, the items most often 不良 and the inspectors' remarks on the
  agent's lowest calls (mobile and ID numbers masked with `masking.mask_text`: the report is
  e-mailed).
- 质检组评分周报: per inspector, calls scored (their own scorings, duplicates dropped) against the
  quota (per working day × working days of the week), mean score given, calibration deviation.
- 每周质检主题反馈跟踪表: this week's 质检主题 (the lead's when set; a project's first week, given
  as `project_start`: 业务能力; else chosen from last week's 不良比率; none without last week's
  calls), its 不良比率 day by day.
- 每日走势: per day n, mean, 平均不良比率 and its 警示级别 / 警示色, and 警示色天数.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from zhijian.errors import InputFileError, OptionError

from .analysis import (FIRST_WEEK_TOPIC, Analysis, analyse, figure_arrays, item_keys, rounded,
                       topics, warning_colour)
from .ledger import ledger_for, with_ledger_columns
from .loaded import Loaded
from .masking import mask_text
from .periods import Period, main_period_date, period_of
from .rubric import Rubric
from .workdays import WorkingDays, working_days

QUOTA_PER_DAY = 60  # recordings an inspector scores on a working day (DOMAIN.md)
WEEKDAYS_ZH = "一二三四五六日"
WORST_ITEMS = 3  # 主要不良项 listed per agent
LOWEST_CALLS = 2  # remarks shown per agent: on the agent's lowest-scored calls
NO_REMARK = "无备注"

# Columns of the tables (the sheets' headers).
AGENT_KEYS = ["工号", "姓名", "班组"]
AGENT_SCORE_COLUMNS = [*AGENT_KEYS, "通数", "周平均分", "最低分", "等级"]  # + one column per day
FEEDBACK_COLUMNS = [*AGENT_KEYS, "通数", "平均分", "最低分", "主要不良项", "最低分录音的质检员备注"]
INSPECTOR_COLUMNS = ["质检员", "评分通数", "工作日数", "定额", "完成率", "平均给分", "校正通数",
                     "平均偏差", "对齐分", "一致率"]
TOPIC_COLUMNS = ["质检主题", "日期", "星期", "通数", "不良数", "不良比率", "警示级别", "较上一日"]
DAILY_COLUMNS = ["日期", "星期", "工作日", "通数", "平均分", "最低分", "优良率", "平均不良比率",
                 "警示级别", "警示色"]


def weekday_zh(d: dt.date) -> str:
    return "周" + WEEKDAYS_ZH[d.weekday()]


def day_label(d: dt.date) -> str:
    """A day's column header: "10-12 周一"."""
    return f"{d:%m-%d} {weekday_zh(d)}"


def iso_week(week: Period) -> str:
    """"2026-W41" of a Monday–Sunday period."""
    y, w, _ = week.start.isocalendar()
    return f"{y}-W{w:02d}"


def check_week(week: Period) -> Period:
    """The period, when it is one whole ISO week (Monday to Sunday); else a clear error."""
    if week.start.weekday() != 0 or week.end != week.start + dt.timedelta(days=6):
        raise InputFileError(f"周报的统计周期应为周一至周日的一整周(例如 2026-W41),而不是 {week.describe()}")
    return week


def latest_week(loaded: Loaded) -> Period:
    """The week a report is about when none is given: the latest one holding at least half as many
    calls as the busiest (the rule of `zhijian consolidate` without --date)."""
    dates = loaded.dates()
    day = main_period_date("week", dates) if dates else dt.date.today()
    return period_of("week", day)[0]


@dataclass
class WeeklyReport:
    """The 质检周报 of one week: the engine's analyses and the report's tables."""

    rubric: Rubric
    week: Period
    label: str  # 2026年第41周(10-05至10-11)
    analysis: Analysis  # the week's 服务质量分析表
    previous: Analysis | None  # last week's, when the calls hold any for it
    topics_this_week: list[str]  # chosen from last week's 不良比率 (first week: 业务能力)
    topics_basis: str  # how this week's topics were chosen, in words
    topics_next_week: list[str]  # suggested from this week's 不良比率
    working_days: WorkingDays
    quota_per_day: int
    agent_scores: pd.DataFrame  # 监听评分表(周平均分)
    agent_feedback: pd.DataFrame  # 员工服务质量反馈表
    inspectors: pd.DataFrame  # 质检组评分周报
    topic_tracking: pd.DataFrame  # 每周质检主题反馈跟踪表
    daily: pd.DataFrame  # per day: n, mean, 平均不良比率, 警示级别, 警示色
    days: list[dt.date] = field(default_factory=list)  # the 7 days of the week

    @property
    def iso_week(self) -> str:
        return iso_week(self.week)

    @property
    def calendar(self) -> str:
        return self.working_days.calendar

    @property
    def quota(self) -> int:
        """Recordings one inspector should score this week."""
        return self.quota_per_day * len(self.working_days)

    @property
    def day_columns(self) -> list[str]:
        return [day_label(d) for d in self.days]

    def colour_days(self) -> dict[str, int]:
        """警示色天数 of the week."""
        return self.analysis.colour_days()

    def to_dict(self) -> dict[str, Any]:
        """The `--json` figures: rates as fractions 0–1, rounded like `Analysis.to_dict`."""
        o = self.analysis.overall
        return {
            "week": self.iso_week, "label": self.label,
            "start": self.week.start.isoformat(), "end": self.week.end.isoformat(),
            "calendar": self.calendar, "working_days": len(self.working_days),
            "working_day_dates": [d.isoformat() for d in self.working_days.days],
            "n": o.n, "excluded_rows": self.analysis.excluded_rows,
            "accounting": self.analysis.account.to_dict(),
            "mean_score": rounded(o.mean_score), "excellent_rate": rounded(o.excellent_rate),
            "slight_defect_rate": rounded(o.slight_defect_rate), "general_defect_rate": rounded(o.general_defect_rate),
            "below_80_rate": rounded(o.below_80_rate), "bands": self.rubric.analysis.to_dict(),
            "mean_defect_rate": rounded(o.mean_defect_rate), "mean_defect_level": o.mean_defect_level,
            "topics_this_week": list(self.topics_this_week), "topics_basis": self.topics_basis,
            "topics_next_week": list(self.topics_next_week),
            "days": [{"date": d.isoformat(), "n": f.n, "mean_score": rounded(f.mean_score),
                      "mean_defect_rate": rounded(f.mean_defect_rate),
                      "warning_colour": warning_colour(f.mean_defect_level)}
                     for d, f in self.analysis.by_day],
            "colour_days": self.colour_days(),
            "agents": [{"agent_id": str(aid), "agent_name": name, "calls": f.n,
                        "mean_score": rounded(f.mean_score), "min_score": rounded(f.min_score)}
                       for (aid, name), f in self.analysis.by_agent],
            "inspectors": [{"inspector": rec["质检员"], "calls": int(rec["评分通数"]), "quota": int(rec["定额"]),
                            "completion_rate": rounded(_num(rec["完成率"])), "mean_score": rounded(_num(rec["平均给分"])),
                            "calibration_deviation": rounded(_num(rec["平均偏差"]))}
                           for rec in self.inspectors.to_dict("records")],
        }


def _num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)


def build_weekly(rubric: Rubric, loaded: Loaded, week: Period, *, lead: str | None = None,
                 quota_per_day: int = QUOTA_PER_DAY, project_start: dt.date | None = None,
                 topics: list[str] | None = None) -> WeeklyReport:
    """The 质检周报 of `week` (a Monday–Sunday `Period`, e.g. `parse_period("2026-W41")`) from the
    calls loaded by `load.load_calls`. `topics`: this week's 质检主题 as the lead sets them;
    `project_start`: the project's first day (its week is the first week: 业务能力)."""
    week = check_week(week)
    _, label = period_of("week", week.start)
    sel = loaded.select(week)
    a = analyse(rubric, sel.calls, period_label=label, lead=lead, account=sel.account)
    a.ledger = ledger_for(rubric, loaded, week, lead=lead)

    prev_week = Period(week.start - dt.timedelta(days=7), week.end - dt.timedelta(days=7))
    prev_sel = loaded.select(prev_week)
    previous = None
    if len(prev_sel.calls):
        # Only its overall 不良比率 choose the topics: no breakdowns (they cost most of an analysis).
        previous = analyse(rubric, prev_sel.calls, period_label=period_of("week", prev_week.start)[1], lead=lead,
                           account=prev_sel.account, breakdowns=False)
    this_topics, basis = choose_topics(rubric, a, previous, week, project_start, topics)

    wd = working_days(week.start, week.end)
    days = [week.start + dt.timedelta(days=i) for i in range(7)]
    groups = _Groups(rubric, a)
    return WeeklyReport(
        rubric=rubric, week=week, label=label, analysis=a, previous=previous,
        topics_this_week=this_topics, topics_basis=basis, topics_next_week=list(a.topics),
        working_days=wd, quota_per_day=quota_per_day,
        agent_scores=_agent_scores(rubric, a, groups, days),
        agent_feedback=_agent_feedback(a, groups),
        inspectors=_inspectors(a, quota_per_day, len(wd)),
        topic_tracking=_topic_tracking(a, this_topics),
        daily=_daily(a, wd),
        days=days)


def check_topics(rubric: Rubric, topics: list[str]) -> list[str]:
    """The lead's 质检主题, when each names an item (or offence) of the rubric; else a clear error."""
    names = [name for name, _, _, _ in item_keys(rubric)]
    unknown = [t for t in topics if t not in names]
    if unknown:
        raise OptionError(f"质检主题“{'、'.join(unknown)}”不是《{rubric.name}》的评分项;可选: {'、'.join(names)}")
    return list(dict.fromkeys(topics))


def choose_topics(rubric: Rubric, a: Analysis, previous: Analysis | None, week: Period,
                  project_start: dt.date | None, given: list[str] | None) -> tuple[list[str], str]:
    """This week's 质检主题 and, in words, why: the lead's when set; 业务能力 in the project's first
    week (the week holding `project_start`); else the 服务能力 items with the highest 不良比率 last
    week; without last week's calls, none (a week after a holiday is not a first week)."""
    if given:
        return check_topics(rubric, given), "由质检班长指定"
    if project_start is not None and project_start in week:
        chosen = topics(rubric, a.overall, first_week=True)
        if chosen:
            return chosen, f"项目首周(项目开始于 {project_start:%Y-%m-%d}),取{FIRST_WEEK_TOPIC}"
        return [], (f"项目首周(项目开始于 {project_start:%Y-%m-%d}),但本评分标准没有“{FIRST_WEEK_TOPIC}”项,"
                    "无质检主题;可由质检班长指定")
    if previous is not None:
        chosen = topics(rubric, previous.overall)
        if chosen:
            return chosen, f"上周({previous.period_label})服务能力项中不良比率最高的项"
        return [], f"上周({previous.period_label})服务能力项没有不良,无质检主题"
    return [], ("没有上周的评分记录,无法按上周的不良比率选择质检主题(项目首周请设定项目开始日期;"
                "也可由质检班长指定主题)")


class _Groups:
    """The engine's figures of finer groups of the week's counted calls (agent × day), computed
    from the same arrays `analyse` uses, sliced by group."""

    def __init__(self, rubric: Rubric, a: Analysis):
        self.rubric, self.counted = rubric, a.counted
        self.arrays = figure_arrays(rubric, a.counted) if len(a.counted) else None

    def mean_scores(self, keys: list[str]) -> dict[Any, float]:
        """Each group's mean final score (as `figures` computes it), without its other figures."""
        if self.arrays is None:
            return {}
        idx = self.counted.groupby(keys, sort=False).indices
        return {k: float(self.arrays[0][pos].mean()) for k, pos in idx.items()}

    def rows_of(self, column: str) -> dict[Any, np.ndarray]:
        return {} if self.arrays is None else self.counted.groupby(column, sort=False).indices


def _teams(a: Analysis) -> dict[str, str]:
    c = a.counted
    if c.empty:
        return {}
    first = c.drop_duplicates("agent_id")
    return {str(k): ("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
            for k, v in zip(first["agent_id"], first["team"])}


def _agent_scores(rubric: Rubric, a: Analysis, groups: _Groups, days: list[dt.date]) -> pd.DataFrame:
    per_day = groups.mean_scores(["agent_id", "date"])
    teams = _teams(a)
    ledger_scores = a.ledger.scores() if a.ledger is not None else {}
    rows = []
    for (aid, name), f in a.by_agent:
        row = {"工号": str(aid), "姓名": name, "班组": teams.get(str(aid), ""), "通数": f.n,
               "周平均分": f.mean_score, "最低分": f.min_score,
               "等级": rubric.grade_for(f.mean_score) if f.mean_score is not None else ""}
        for d in days:
            row[day_label(d)] = per_day.get((aid, d), np.nan)
        if a.ledger is not None:  # no call score: the agent's period score so far, and its grade
            row.update({k: np.nan for k in row if k in ("周平均分", "最低分") or k not in AGENT_SCORE_COLUMNS})
            row["等级"] = rubric.grade_for(ledger_scores[str(aid)])
        rows.append(row)
    table = pd.DataFrame(rows, columns=[*AGENT_SCORE_COLUMNS, *[day_label(d) for d in days]])
    return with_ledger_columns(table, a.ledger, "通数", score=True)


def _agent_feedback(a: Analysis, groups: _Groups) -> pd.DataFrame:
    teams = _teams(a)
    rows_of = groups.rows_of("agent_id")
    counted = a.counted
    # A ledger rubric: no call score; the agent's period score so far, and the calls that cost most
    led = a.ledger
    cost: dict[tuple[str, str], float] = {}
    for o in (x for ag in (led.agents if led is not None else []) for x in ag.occurrences):
        cost[(o.agent_id, o.recording_id)] = cost.get((o.agent_id, o.recording_id), 0.0) + o.points
    # The columns a remark line shows, once (not a frame per agent: a month has hundreds of agents).
    cols = {k: counted[k].tolist() for k in ("date", "remarks", "inspector", "final_score", "recording_id")
            if k in counted}
    score = counted["final_score"].to_numpy(dtype=float) if "final_score" in counted else None
    rows = []
    for (aid, name), f in a.by_agent:
        worst = sorted((it for it in f.items if it.defect_count > 0),
                       key=lambda it: -it.defect_count)[:WORST_ITEMS]  # stable: rubric order on ties
        pos = rows_of[aid]
        # The lowest final scores (a ledger: the costliest calls) first, in sheet order on ties.
        key = np.array([-cost.get((str(aid), str(cols["recording_id"][i])), 0.0) for i in pos]) \
            if led is not None else score[pos]
        order = np.argsort(key, kind="stable")[:LOWEST_CALLS]
        remarks = [_remark_line({k: v[pos[j]] for k, v in cols.items()}, -key[j] if led is not None else None)
                   for j in order]
        rows.append({"工号": str(aid), "姓名": name, "班组": teams.get(str(aid), ""), "通数": f.n,
                     "平均分": led.scores()[str(aid)] if led is not None else f.mean_score,
                     "最低分": np.nan if led is not None else f.min_score,
                     "主要不良项": "、".join(f"{it.item}({it.defect_count})" for it in worst) or "无",
                     "最低分录音的质检员备注": "\n".join(remarks)})
    return pd.DataFrame(rows, columns=FEEDBACK_COLUMNS)


def _remark_line(rec: dict, charge: float | None = None) -> str:
    """"王丽(10-08,62分): 业务能力: 资费解释不完整" for one call; with a ledger rubric's `charge`
    (本通扣分) "王丽(10-08,扣60分): …"."""
    d = rec.get("date")
    when = f"{d:%m-%d}," if isinstance(d, dt.date) else ""
    remark = rec.get("remarks")
    remark = "" if remark is None or (isinstance(remark, float) and np.isnan(remark)) else str(remark).strip()
    points = f"扣{charge:g}分" if charge is not None else f"{float(rec['final_score']):g}分"
    return f"{rec.get('inspector', '')}({when}{points}): {mask_text(remark) or NO_REMARK}"


def _inspectors(a: Analysis, quota_per_day: int, n_working: int) -> pd.DataFrame:
    quota = quota_per_day * n_working
    cal = a.calibration.per_inspector
    cal_by = {str(r["质检员"]): r for r in cal.to_dict("records")} if not cal.empty else {}
    rows = []
    for name, f in a.by_inspector:
        c = cal_by.get(str(name))
        rows.append({"质检员": str(name), "评分通数": f.n, "工作日数": n_working, "定额": quota,
                     "完成率": f.n / quota if quota else np.nan, "平均给分": f.mean_score,
                     "校正通数": int(c["校正通数"]) if c else np.nan,
                     "平均偏差": float(c["平均偏差"]) if c else np.nan,
                     "对齐分": float(c["对齐分"]) if c else np.nan,
                     "一致率": float(c["一致率"]) if c else np.nan})
    return pd.DataFrame(rows, columns=INSPECTOR_COLUMNS)


def _topic_tracking(a: Analysis, topic_items: list[str]) -> pd.DataFrame:
    rows = []
    for item in topic_items:
        prev = None
        for d, f in a.by_day:
            it = next(x for x in f.items if x.item == item)
            rows.append({"质检主题": item, "日期": d, "星期": weekday_zh(d), "通数": f.n,
                         "不良数": it.defect_count, "不良比率": it.defect_rate, "警示级别": it.warning_level,
                         "较上一日": it.defect_rate - prev if prev is not None else np.nan})
            prev = it.defect_rate
        wk = next((x for x in a.overall.items if x.item == item), None)
        if wk is not None and a.overall.n:
            rows.append({"质检主题": item, "日期": None, "星期": "本周合计", "通数": a.overall.n,
                         "不良数": wk.defect_count, "不良比率": wk.defect_rate, "警示级别": wk.warning_level,
                         "较上一日": np.nan})
    return pd.DataFrame(rows, columns=TOPIC_COLUMNS)


def _daily(a: Analysis, wd: WorkingDays) -> pd.DataFrame:
    rows = [{"日期": d, "星期": weekday_zh(d), "工作日": "是" if d in wd else "否", "通数": f.n,
             "平均分": f.mean_score, "最低分": f.min_score, "优良率": f.excellent_rate,
             "平均不良比率": f.mean_defect_rate, "警示级别": f.mean_defect_level,
             "警示色": warning_colour(f.mean_defect_level)} for d, f in a.by_day]
    return pd.DataFrame(rows, columns=DAILY_COLUMNS)
