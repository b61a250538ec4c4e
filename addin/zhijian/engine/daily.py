"""The QA lead's day (seed 001 SOP-8, SOP-10, SOP-13): the figures and lists of the 质检日志 and
of the 10:00 package. No file IO here; `reports.daily_workbook` writes the workbook.

Every figure comes from the consolidation engine: the day's valid calls go through
`analysis.analyse` (duplicates dropped, a calibration case once at its benchmark), so the 质检数据
table, the worst items and the 班前会点评 rates are the 服务质量分析表's own figures of that day.

- 质检数据: per inspector (their own scorings, as the 质检组评分周报): calls scored against the
  daily quota, mean score given, 优良率, 平均不良比率 and its 警示级别, calls with 差错扣分, fatal
  errors, rows excluded for errors; the whole day (counted calls) below.
- 严重问题 (SOP-13.6, 分级原则): every counted call of the day with a serious problem
  (`serious.serious_cases`).
- 重复问题预警 (SOP-13.7): an agent whose same item is 不良 at least `times` times (default 3)
  within the window — the ISO week up to the day (default), or the last N days — listed on a day
  that added one of those times (an agent reported yesterday and not again today is not repeated).
- 班前会点评 (SOP-10.5): the items with the most 不良 calls of the day (at least 3 points), each
  with its 不良比率 and one example call: the call where that item scored lowest (then the lowest
  final score).
- 监听中发现的问题: the day's lowest-scored calls with the inspectors' remarks; on a ledger rubric
  (a call has no score) the calls whose occurrences cost the agents most (本通扣分, escalated with
  the earlier calls in the window), and a problem call shows its count, not a 最终得分.
- 未交评分表 (SOP-10.1): the expected inspectors with no row dated the day in any input (rows with
  errors count as sent: the sheet arrived); none on a day that is not a working day
  (`workdays`: the Chinese statutory calendar where known).
Remarks are masked (mobile and ID-card numbers): the log is e-mailed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from zhijian.errors import InputFileError

from .analysis import Analysis, analyse, defect_matrix, item_keys, rounded, split_duplicates, warning_colour
from .ledger import call_charges, history_before
from .loaded import Loaded
from .masking import mask_text
from .periods import Period
from .rubric import Rubric
from .serious import SeriousCase, number_of, serious_cases, text_of
from .workdays import working_days

REPEAT_TIMES = 3  # SOP-13.7: "多次(3次及以上)出现同一或同类问题"
WEEK = "week"
SUGGESTIONS = ("现场辅导", "离岗培训", "劝退离职", "其他")  # 处理建议 (SOP-13.7 names the last two)
BRIEFING_POINTS = 3  # SOP-10.5: "点评内容需保证在3条以上"
LOWEST_CALLS = 5  # 监听中发现的问题: the day's lowest calls prefilled
WORST_ITEMS = 3
LOOKBACK_DAYS = 7  # without an inspector list: those who sent sheets in the 7 days before
QUOTA_PER_DAY = 60  # SOP-13.2: 每位质检每天需完成60条录音的监听评分
NO_REMARK = "无备注"

# The 班前会点评 sheet's columns (`reports.daily_workbook` writes them, `delivery.package` reads the
# points back for the briefing e-mail once the meeting filled in 问题原因 and 解决方案).
BRIEFING_COLUMNS = ["序号", "评分项", "类别", "不良数", "有效通数", "不良比率", "警示级别", "案例录音编号", "案例坐席",
                    "质检员", "案例得分", "案例备注", "问题原因", "解决方案"]
INSPECTOR_COLUMNS = ["质检员", "评分通数", "定额", "完成率", "平均分", "优良率", "平均不良比率", "警示级别",
                     "差错扣分通数", "差错扣分合计", "致命性错误", "排除行数"]


# --- the repeat window ------------------------------------------------------------------------

def parse_repeat_window(text: str | int | None) -> str | int:
    """"week" (the ISO week up to the day) or a number of days ending on the day."""
    if text is None or str(text).strip().lower() in ("", WEEK, "周", "本周"):
        return WEEK
    s = str(text).strip()
    if re.fullmatch(r"\d{1,3}", s) and int(s) >= 1:
        return int(s)
    raise InputFileError(f"无法识别的重复问题统计窗口“{text}”,应为 week(本周)或天数,如 7")


def repeat_period(day: dt.date, window: str | int) -> Period:
    if window == WEEK:
        return Period(day - dt.timedelta(days=day.weekday()), day)
    return Period(day - dt.timedelta(days=int(window) - 1), day)


def describe_window(window: str | int, period: Period) -> str:
    span = f"{period.start:%m-%d} 至 {period.end:%m-%d}"
    return f"本周({span})" if window == WEEK else f"近 {window} 天({span})"


# --- the tables --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProblemCall:
    """A call where an item was 不良: where it is and what the inspector wrote."""

    date: dt.date | None
    recording_id: str
    agent_id: str
    agent_name: str
    inspector: str
    score: float  # the item's points on the call (offences: occurrences)
    final_score: float | None  # None on a ledger rubric: a call has no score of its own
    remark: str  # masked

    def line(self) -> str:
        """"10-14 R001 王丽 3分(最终 88分)"; an offence of a ledger rubric: "10-14 R001 王丽 1次"."""
        when = f"{self.date:%m-%d} " if isinstance(self.date, dt.date) else ""
        if self.final_score is None:
            return f"{when}{self.recording_id} {self.inspector} {self.score:g}次"
        return f"{when}{self.recording_id} {self.inspector} {self.score:g}分(最终 {self.final_score:g}分)"

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat() if isinstance(self.date, dt.date) else None,
                "recording_id": self.recording_id, "agent_id": self.agent_id, "agent_name": self.agent_name,
                "inspector": self.inspector, "score": self.score, "final_score": self.final_score,
                "remark": self.remark}


@dataclass(frozen=True)
class RepeatedProblem:
    """One agent, one item 不良 `count` times within the window (`today` of them on the day)."""

    agent_id: str
    agent_name: str
    team: str
    item: str
    count: int
    today: int
    calls: tuple[ProblemCall, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"agent_id": self.agent_id, "agent_name": self.agent_name, "team": self.team, "item": self.item,
                "count": self.count, "today": self.today, "calls": [c.to_dict() for c in self.calls]}


@dataclass(frozen=True)
class BriefingPoint:
    """A point for tomorrow's 班前会: an item that drove the day's 不良, with one example call."""

    rank: int
    item: str
    item_class: str
    defect_count: int
    n: int
    defect_rate: float
    defect_share: float
    warning_level: str
    example: ProblemCall | None

    def text(self) -> str:
        """The point as one line of plain text (the briefing e-mail)."""
        head = f"{self.rank}. {self.item}: 不良 {self.defect_count}/{self.n} 通,不良比率 {self.defect_rate:.1%}" \
               f"({self.warning_level})"
        if self.example is None:
            return head
        e = self.example
        return head + f";案例 {e.recording_id}({e.agent_name} {e.agent_id},{e.score:g}分): {e.remark or NO_REMARK}"

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "item": self.item, "item_class": self.item_class,
                "defect_count": self.defect_count, "n": self.n, "defect_rate": rounded(self.defect_rate),
                "defect_share": rounded(self.defect_share), "warning_level": self.warning_level,
                "example": self.example.to_dict() if self.example else None}


def _problem_call(rec: dict, col: str, ledger: bool = False) -> ProblemCall:
    d = rec.get("date")
    return ProblemCall(d if isinstance(d, dt.date) else None, text_of(rec.get("recording_id")),
                       text_of(rec.get("agent_id")), text_of(rec.get("agent_name")), text_of(rec.get("inspector")),
                       number_of(rec.get(col)), None if ledger else number_of(rec.get("final_score")),
                       mask_text(text_of(rec.get("remarks"))))


def repeated_problems(rubric: Rubric, counted: pd.DataFrame, day: dt.date,
                      times: int = REPEAT_TIMES) -> list[RepeatedProblem]:
    """Agents with the same item 不良 at least `times` times in `counted` (the window's counted
    calls), at least once on `day`; most times first, then agent id, then rubric order."""
    if counted.empty:
        return []
    defects = defect_matrix(rubric, counted)
    keys = item_keys(rubric)
    dates = counted["date"].tolist()
    records = counted.to_dict("records")
    order = sorted(range(len(records)), key=lambda i: (str(dates[i]), text_of(records[i].get("recording_id"))))
    out = []
    for agent, pos in sorted(counted.groupby("agent_id", sort=False).indices.items(), key=lambda kv: str(kv[0])):
        pos_set = set(pos.tolist())
        rows = [i for i in order if i in pos_set]
        for j, (name, col, _, _) in enumerate(keys):
            bad = [i for i in rows if defects[i, j]]
            today = sum(1 for i in bad if dates[i] == day)
            if len(bad) >= times and today:
                first = records[bad[0]]
                out.append(RepeatedProblem(text_of(agent), text_of(first.get("agent_name")),
                                           text_of(first.get("team")), name, len(bad), today,
                                           tuple(_problem_call(records[i], col, rubric.ledger is not None) for i in bad)))
    rank = {name: j for j, (name, _, _, _) in enumerate(keys)}
    return sorted(out, key=lambda p: (-p.count, p.agent_id, rank[p.item]))


def briefing_points(rubric: Rubric, a: Analysis, points: int = BRIEFING_POINTS) -> list[BriefingPoint]:
    """The `points` items with the most 不良 calls of the day (ties: rubric order), each with the
    call where it scored lowest (then the lowest final score, then the first read)."""
    counted, o = a.counted, a.overall
    if counted.empty:
        return []
    defects = defect_matrix(rubric, counted)
    keys = item_keys(rubric)
    records = counted.to_dict("records")
    ranked = sorted((j for j, f in enumerate(o.items) if f.defect_count > 0), key=lambda j: -o.items[j].defect_count)
    out = []
    for rank, j in enumerate(ranked[:points], start=1):
        f = o.items[j]
        col = keys[j][1]
        bad = [i for i in range(len(records)) if defects[i, j]]
        offence = col.startswith("offence:")
        best = min(bad, key=lambda i: (-number_of(records[i].get(col)) if offence else number_of(records[i].get(col)),
                                       number_of(records[i].get("final_score")), i)) if bad else None
        out.append(BriefingPoint(rank, f.item, f.item_class, f.defect_count, o.n, f.defect_rate, f.defect_share,
                                 f.warning_level, _problem_call(records[best], col, rubric.ledger is not None) if best is not None else None))
    return out


def lowest_calls(a: Analysis, k: int = LOWEST_CALLS, charges: list[float] | None = None) -> list[dict[str, Any]]:
    """The day's `k` lowest-scored counted calls (ties: the order read), with masked remarks; on a
    ledger rubric (`charges`: each counted call's 本通扣分) the `k` calls that cost most, with it."""
    c = a.counted
    if c.empty:
        return []
    c = c.assign(_o=np.arange(len(c)))
    if charges is not None:
        low = c.assign(_c=[-x for x in charges]).sort_values(["_c", "_o"], kind="stable").head(k)
    else:
        low = c.sort_values(["final_score", "_o"], kind="stable").head(k)
    out = []
    for rec in low.to_dict("records"):
        out.append({"recording_id": text_of(rec.get("recording_id")), "agent_id": text_of(rec.get("agent_id")),
                    "agent_name": text_of(rec.get("agent_name")), "inspector": text_of(rec.get("inspector")),
                    "final_score": None if charges is not None else number_of(rec.get("final_score")),
                    "remark": mask_text(text_of(rec.get("remarks"))) or NO_REMARK}
                   | ({"charge": -rec["_c"] + 0.0} if charges is not None else {}))
    return out


def inspector_table(a: Analysis, own: pd.DataFrame, excluded: dict[str, int], quota: int) -> pd.DataFrame:
    """质检数据: per inspector, their own scorings of the day (calibration copies included)."""
    rows = []
    figs = dict(a.by_inspector)
    names = sorted(set(figs) | set(excluded), key=str)
    for name in names:
        f = figs.get(name)
        mine = own[own["inspector"] == name] if len(own) else own
        err = pd.to_numeric(mine.get("error_deduction", pd.Series(dtype=float)), errors="coerce").fillna(0)
        fatal = pd.to_numeric(mine.get("fatal_errors", pd.Series(dtype=float)), errors="coerce").fillna(0)
        n = f.n if f else 0
        rows.append({"质检员": str(name), "评分通数": n, "定额": quota, "完成率": n / quota if quota else np.nan,
                     "平均分": f.mean_score if f else np.nan, "优良率": f.excellent_rate if f else np.nan,
                     "平均不良比率": f.mean_defect_rate if f else np.nan,
                     "警示级别": f.mean_defect_level if f else "", "差错扣分通数": int((err > 0).sum()),
                     "差错扣分合计": float(err.sum()), "致命性错误": int(fatal.sum()),
                     "排除行数": int(excluded.get(name, 0))})
    return pd.DataFrame(rows, columns=INSPECTOR_COLUMNS)


@dataclass(frozen=True)
class Submission:
    inspector: str
    rows: int  # rows dated the day (errors included)
    files: tuple[str, ...]
    expected: bool  # on the inspector list

    @property
    def status(self) -> str:
        if not self.rows:
            return "未交"
        return "已交" if self.expected else "已交(不在名单中)"


def submissions(day_rows: pd.DataFrame, expected: list[str]) -> list[Submission]:
    """Who sent a sheet for the day: every expected inspector (in the list's order), then the
    others who sent one."""
    by: dict[str, tuple[int, list[str]]] = {}
    for insp, file in zip(day_rows["inspector"].tolist(), day_rows["file"].tolist()):
        name = text_of(insp)
        n, files = by.get(name, (0, []))
        if str(file) not in files:
            files.append(str(file))
        by[name] = (n + 1, files)
    out = [Submission(name, by.get(name, (0, []))[0], tuple(by.get(name, (0, []))[1]), True) for name in expected]
    out += [Submission(name, n, tuple(files), False) for name, (n, files) in sorted(by.items())
            if name not in expected]
    return out


# --- the day --------------------------------------------------------------------------------------

@dataclass
class DailyReport:
    """Everything of one day's 质检日志 (SOP-8) and its lists."""

    rubric: Rubric
    day: dt.date
    analysis: Analysis  # the day's 服务质量分析表
    quota_per_day: int
    inspectors: pd.DataFrame  # 质检数据 (INSPECTOR_COLUMNS)
    worst_items: list[tuple[str, int, float, str]]  # (item, 不良数, 不良比率, 警示级别)
    error_calls: int  # counted calls with 差错扣分
    error_points: float
    fatal_errors: int
    serious: list[SeriousCase]
    repeat_times: int
    repeat_window: str | int
    repeat_period: Period
    repeated: list[RepeatedProblem]
    briefing: list[BriefingPoint]
    briefing_wanted: int
    lowest: list[dict[str, Any]]
    submissions: list[Submission]
    inspectors_source: str  # where the inspector list came from, in words
    on_duty: str | None = None
    next_on_duty: str | None = None
    rotation: list[str] = field(default_factory=list)
    working_day: bool = True  # on a day off, nobody's sheet is missing

    @property
    def key(self) -> str:
        return f"{self.day:%Y-%m-%d}"

    @property
    def label(self) -> str:
        return f"{self.day.year}年{self.day.month}月{self.day.day}日"

    @property
    def window_text(self) -> str:
        return describe_window(self.repeat_window, self.repeat_period)

    @property
    def missing(self) -> list[str]:
        if not self.working_day:
            return []
        return [s.inspector for s in self.submissions if s.expected and not s.rows]

    def to_dict(self) -> dict[str, Any]:
        o = self.analysis.overall
        return {
            "date": self.key, "n": o.n, "excluded_rows": self.analysis.excluded_rows,
            "accounting": self.analysis.account.to_dict(),
            "mean_score": rounded(o.mean_score), "excellent_rate": rounded(o.excellent_rate),
            "mean_defect_rate": rounded(o.mean_defect_rate), "mean_defect_level": o.mean_defect_level,
            "warning_colour": warning_colour(o.mean_defect_level),
            "worst_items": [{"item": i, "defect_count": c, "defect_rate": rounded(r), "warning_level": lv}
                            for i, c, r, lv in self.worst_items],
            "error_deduction_calls": self.error_calls, "error_deduction_points": self.error_points,
            "fatal_errors": self.fatal_errors,
            "inspectors": [{"inspector": r["质检员"], "calls": int(r["评分通数"]), "quota": int(r["定额"]),
                            "mean_score": rounded(None if pd.isna(r["平均分"]) else r["平均分"])}
                           for r in self.inspectors.to_dict("records")],
            "serious": [c.to_dict() for c in self.serious],
            "repeat_times": self.repeat_times, "repeat_window": self.window_text,
            "repeated": [p.to_dict() for p in self.repeated],
            "briefing": [p.to_dict() for p in self.briefing],
            "missing_inspectors": self.missing, "inspectors_source": self.inspectors_source,
            "on_duty": self.on_duty, "next_on_duty": self.next_on_duty,
        }


def next_in_rotation(on_duty: str | None, rotation: list[str]) -> str | None:
    """Whose turn is after `on_duty` in the rotation (wrapping round); None when unknown."""
    if not on_duty or on_duty not in rotation:
        return None
    return rotation[(rotation.index(on_duty) + 1) % len(rotation)]


def recent_inspectors(loaded: Loaded, day: dt.date, days: int = LOOKBACK_DAYS) -> list[str]:
    """Inspectors with a row dated in the `days` days before `day` (the default list)."""
    start = day - dt.timedelta(days=days)
    names = {text_of(i) for i, d in zip(loaded.calls["inspector"].tolist(), loaded.calls["date"].tolist())
             if isinstance(d, dt.date) and start <= d < day}
    return sorted(n for n in names if n)


def build_daily(rubric: Rubric, loaded: Loaded, day: dt.date, *, lead: str | None = None,
                inspectors: list[str] | None = None, inspectors_source: str = "",
                on_duty: str | None = None, rotation: list[str] | None = None,
                repeat_times: int = REPEAT_TIMES, repeat_window: str | int = WEEK,
                quota_per_day: int = QUOTA_PER_DAY, points: int = BRIEFING_POINTS) -> DailyReport:
    """The day's report from the loaded calls (appeals already applied when a register was
    given). `inspectors`: the expected list (None: those who sent sheets in the week before)."""
    period = Period(day, day)
    sel = loaded.select(period)
    valid = sel.calls
    a = analyse(rubric, valid, period_label=f"{day:%Y-%m-%d}", lead=lead, account=sel.account)
    all_day = loaded.calls[np.array([d == day for d in loaded.calls["date"].tolist()], dtype=bool)]
    excluded = all_day[all_day["has_error"].astype(bool)]["inspector"].map(text_of).value_counts().to_dict()
    own, _ = split_duplicates(valid)
    window = repeat_period(day, repeat_window)
    w_valid, _, _ = loaded.select(window)
    w_counted = analyse(rubric, w_valid, lead=lead).counted if len(w_valid) else w_valid
    o = a.overall
    history = history_before(rubric, loaded, day, lead=lead)  # a ledger's escalation counts earlier calls too
    charges = [sum(x.points for x in occ) for occ in call_charges(rubric, a.counted, history)] \
        if rubric.ledger is not None and len(a.counted) else None
    err = pd.to_numeric(a.counted.get("error_deduction", pd.Series(dtype=float)), errors="coerce").fillna(0)
    fatal = pd.to_numeric(a.counted.get("fatal_errors", pd.Series(dtype=float)), errors="coerce").fillna(0)
    worst = sorted((f for f in o.items if f.defect_count > 0), key=lambda f: -f.defect_rate)[:WORST_ITEMS]
    if inspectors is None:
        inspectors = recent_inspectors(loaded, day)
        inspectors_source = inspectors_source or f"前 {LOOKBACK_DAYS} 天交过评分表的质检员(未提供质检员名单)"
    rotation = list(rotation or [])
    working = day in working_days(day, day)
    if not working:
        inspectors_source += ";当天不是工作日,不计未交"
    return DailyReport(
        rubric=rubric, day=day, analysis=a, quota_per_day=quota_per_day,
        inspectors=inspector_table(a, own, excluded, quota_per_day),
        worst_items=[(f.item, f.defect_count, f.defect_rate, f.warning_level) for f in worst],
        error_calls=int((err > 0).sum()), error_points=float(err.sum()), fatal_errors=int(fatal.sum()),
        serious=serious_cases(rubric, a.counted, history), repeat_times=repeat_times, repeat_window=repeat_window,
        repeat_period=window, repeated=repeated_problems(rubric, w_counted, day, repeat_times),
        briefing=briefing_points(rubric, a, points), briefing_wanted=points, lowest=lowest_calls(a, charges=charges),
        submissions=submissions(all_day, list(inspectors)), inspectors_source=inspectors_source,
        on_duty=on_duty, next_on_duty=next_in_rotation(on_duty, rotation), rotation=rotation,
        working_day=working)
