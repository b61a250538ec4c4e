"""Complaint and praise work orders (投诉表扬登记表) and head-office test calls (总部拨测登记表), read
from registers held in memory, and their figures for a period (seed 001, 6月总结: 投诉工单 and 表扬工单
by centre, 成立 or not, 服务类/业务类, 集团/工信部 sources; 总部拨测: calls, score, 致命性错误;
SOP-12: a complaint re-check is answered within the customer's time, else within 2 hours).

Definitions:
- 成立率 = 成立 / (成立 + 不成立): orders still 待定 (blank) are counted apart, never as 不成立;
- 服务类 / 业务类 are counted among the 成立 complaints (as the seed's summary does);
- a re-check is 超时 when answered more than its time limit (the row's 复核时限(小时), else
  `RECHECK_HOURS` = 2) after it was asked; asked and not answered: 未回复;
- a test call's 得分率 = 得分 / 满分; the mean 得分率 is over the calls; 致命性错误 counts occurrences.
Nothing here reads files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .accounting import UnreadableInput, unreadable_inputs
from .appeals import parse_datetime
from .register_account import RegisterAccount, RegisterRows, register_account
from .columns import normalise_header
from .findings import Finding, Rule
from .periods import Period
from .reader import Grid, cell_text, id_text, parse_date, parse_number

RECHECK_HOURS = 2.0  # SOP-12: "若无客户规定时间,则一般在2小时内"
COMPLAINT, PRAISE = "投诉", "表扬"
SERVICE, BUSINESS = "服务类", "业务类"
SOURCES = ("集团", "工信部", "客户", "其他")
UPHELD_WORDS = {"是": True, "成立": True, "y": True, "yes": True, "否": False, "不成立": False, "n": False, "no": False}
SHEET_COMPLAINTS = "投诉表扬登记表"
SHEET_HQ_CALLS = "总部拨测登记表"

COMPLAINT_FIELDS: dict[str, list[str]] = {
    "date": ["日期", "工单日期", "受理日期"],
    "ticket_id": ["工单编号", "工单号", "工单ID"],
    "centre": ["中心", "呼叫中心", "所属中心"],
    "team": ["班组", "组别"],
    "agent_id": ["坐席工号", "工号"],
    "agent_name": ["坐席姓名", "姓名"],
    "kind": ["类型", "工单类型"],
    "source": ["来源", "投诉来源"],
    "upheld": ["是否成立", "成立"],
    "category": ["问题分类", "分类", "类别"],
    "requested_at": ["复核请求时间", "复核要求时间", "收到时间"],
    "answered_at": ["复核回复时间", "回复时间"],
    "limit_hours": ["复核时限(小时)", "复核时限", "时限(小时)"],
    "note": ["说明", "备注", "问题描述"],
}
HQ_CALL_FIELDS: dict[str, list[str]] = {
    "date": ["日期", "拨测日期"],
    "call_id": ["拨测编号", "录音编号", "编号"],
    "centre": ["中心", "呼叫中心"],
    "line": ["网别", "专席", "业务线"],
    "agent_id": ["坐席工号", "工号"],
    "agent_name": ["坐席姓名", "姓名"],
    "score": ["得分", "成绩"],
    "max": ["满分"],
    "fatal": ["致命性错误", "致命错误"],
    "note": ["问题描述", "说明", "备注"],
}


@dataclass(frozen=True)
class Complaint:
    row: int
    date: dt.date
    ticket_id: str
    centre: str
    team: str
    agent_id: str
    agent_name: str
    kind: str  # 投诉 | 表扬
    source: str
    upheld: bool | None  # None: 待定
    category: str  # 服务类 | 业务类 | ""
    requested_at: dt.datetime | None
    answered_at: dt.datetime | None
    limit_hours: float
    note: str

    @property
    def recheck_hours(self) -> float | None:
        if self.requested_at is None or self.answered_at is None:
            return None
        return (self.answered_at - self.requested_at).total_seconds() / 3600


@dataclass(frozen=True)
class HqCall:
    row: int
    date: dt.date
    call_id: str
    centre: str
    line: str
    agent_id: str
    agent_name: str
    score: float
    max: float
    fatal: int
    note: str


# --- reading ------------------------------------------------------------------------------------

def _header(grid: Grid, fields: dict[str, list[str]], required: tuple[str, ...]) -> tuple[int | None, dict]:
    """The header row (among the first 10) with the most known columns holding `required`."""
    words = {normalise_header(w)[0]: k for k, ws in fields.items() for w in ws}
    best, cols = None, {}
    for r, row in enumerate(grid.rows[:10]):
        found: dict[str, int] = {}
        for c, v in enumerate(row):
            key = words.get(normalise_header(v)[0]) if isinstance(v, str) else None
            if key and key not in found:
                found[key] = c
        if all(k in found for k in required) and len(found) > len(cols):
            best, cols = r, found
    return best, cols


def register_kind(grid: Grid) -> str | None:
    """'complaints', 'hq_calls' or None: what a sheet of a register holds, by its headers."""
    if _header(grid, COMPLAINT_FIELDS, ("ticket_id", "kind"))[0] is not None:
        return "complaints"
    if _header(grid, HQ_CALL_FIELDS, ("score",))[0] is not None:
        return "hq_calls"
    return None


def _rows(grid: Grid, header: int, cols: dict):
    for r in range(header + 1, len(grid.rows)):
        row = grid.rows[r]

        def get(key, row=row):
            c = cols.get(key)
            return row[c] if c is not None and c < len(row) else None

        if all(cell_text(get(k)) == "" for k in cols):
            continue
        yield r, grid.first_row + r, get


def read_complaints(grid: Grid, seen: set[str] | None = None,
                    tally: RegisterRows | None = None) -> tuple[list[Complaint], list[Finding]]:
    """The work orders of a 投诉表扬登记表 sheet; a row without a readable date or type is left out
    with an error finding, other doubtful cells are warnings. `seen`: the 工单编号 already read (from
    other sheets or registers of the same report), updated; a repeated one is left out. `tally`:
    the rows read, repeated and refused are added to it."""
    header, cols = _header(grid, COMPLAINT_FIELDS, ("ticket_id", "kind"))
    findings: list[Finding] = []
    if header is None:
        return [], [Finding.of(Rule.SHEET_UNMAPPED, grid.file, grid.sheet, "", variant="complaints_register")]
    out: list[Complaint] = []
    seen = set() if seen is None else seen
    tally = RegisterRows() if tally is None else tally
    for r, excel_row, get in _rows(grid, header, cols):
        tally.rows_read += 1
        def add(key, variant, value=None, r=r, excel_row=excel_row, **params):
            cell = grid.cell(r, cols[key]) if key in cols else ""
            findings.append(Finding.of(Rule.COMPLAINT_INVALID, grid.file, grid.sheet, cell, value=value,
                                       row=excel_row, variant=variant, **params))

        ticket, kind, day = id_text(get("ticket_id")), cell_text(get("kind")), parse_date(get("date"))
        if kind not in (COMPLAINT, PRAISE):
            add("kind", None, kind or None, field="类型", choices="投诉/表扬", text=kind)
            tally.excluded += 1
            continue
        if day is None:
            add("date", "no_date", cell_text(get("date")) or None, text=cell_text(get("date")))
            tally.excluded += 1
            continue
        if ticket and ticket in seen:
            add("ticket_id", "duplicate", ticket, ticket=ticket)
            tally.duplicates += 1
            continue
        seen.add(ticket)
        raw = cell_text(get("upheld")).lower()
        upheld = UPHELD_WORDS.get(raw)
        if raw and upheld is None:
            add("upheld", "doubtful", raw, field="是否成立", choices="是/否", text=raw)
        category = cell_text(get("category"))
        if category and category not in (SERVICE, BUSINESS):
            add("category", "doubtful", category, field="问题分类", choices="服务类/业务类", text=category)
            category = ""
        times = {}
        for key in ("requested_at", "answered_at"):
            text = cell_text(get(key))
            times[key] = parse_datetime(get(key)) if text else None
            if text and times[key] is None:
                add(key, "time", text, text=text)
        if times["requested_at"] and times["answered_at"] and times["answered_at"] < times["requested_at"]:
            add("answered_at", "answer_before_ask", cell_text(get("answered_at")))
        kind_limit, limit = parse_number(get("limit_hours"))
        out.append(Complaint(excel_row, day, ticket, cell_text(get("centre")), cell_text(get("team")),
                             id_text(get("agent_id")), cell_text(get("agent_name")), kind, cell_text(get("source")),
                             upheld, category, times["requested_at"], times["answered_at"],
                             limit if kind_limit == "num" and limit and limit > 0 else RECHECK_HOURS,
                             cell_text(get("note"))))
    return out, findings


def read_hq_calls(grid: Grid, seen: set[str] | None = None,
                  tally: RegisterRows | None = None) -> tuple[list[HqCall], list[Finding]]:
    """The calls of a 总部拨测登记表 sheet; a row without a readable date or score, or whose 拨测编号
    is in `seen` (read before, on this sheet or another register; updated), is left out. `tally`:
    the rows read, repeated and refused are added to it."""
    header, cols = _header(grid, HQ_CALL_FIELDS, ("score",))
    findings: list[Finding] = []
    if header is None:
        return [], [Finding.of(Rule.SHEET_UNMAPPED, grid.file, grid.sheet, "", variant="hq_register")]
    out: list[HqCall] = []
    seen = set() if seen is None else seen
    tally = RegisterRows() if tally is None else tally
    for r, excel_row, get in _rows(grid, header, cols):
        tally.rows_read += 1

        def bad(key, variant, value, r=r, excel_row=excel_row, **params):
            cell = grid.cell(r, cols[key]) if key in cols else ""
            findings.append(Finding.of(Rule.HQ_CALL_INVALID, grid.file, grid.sheet, cell, value=value, row=excel_row,
                                       variant=variant, **params))
            if variant == "duplicate":
                tally.duplicates += 1
            else:
                tally.excluded += 1

        day = parse_date(get("date"))
        kind, score = parse_number(get("score"))
        mkind, mx = parse_number(get("max"))
        fkind, fatal = parse_number(get("fatal"))
        mx = mx if mkind == "num" and mx and mx > 0 else 100.0
        if day is None:
            bad("date", "no_date", cell_text(get("date")) or None, text=cell_text(get("date")))
        elif kind != "num" or not 0 <= score <= mx:
            bad("score", None, cell_text(get("score")) or None, text=cell_text(get("score")), max=f"{mx:g}")
        elif fkind not in ("num", "blank") or (fkind == "num" and (fatal < 0 or not float(fatal).is_integer())):
            bad("fatal", "fatal", cell_text(get("fatal")), text=cell_text(get("fatal")))
        elif id_text(get("call_id")) and id_text(get("call_id")) in seen:
            bad("call_id", "duplicate", id_text(get("call_id")), call_id=id_text(get("call_id")))
        else:
            if id_text(get("call_id")):
                seen.add(id_text(get("call_id")))
            out.append(HqCall(excel_row, day, id_text(get("call_id")), cell_text(get("centre")),
                                cell_text(get("line")) or "全部", id_text(get("agent_id")),
                                cell_text(get("agent_name")), float(score), float(mx),
                                int(fatal) if fkind == "num" else 0, cell_text(get("note"))))
    return out, findings


# --- figures ------------------------------------------------------------------------------------

def _rate(num: int, den: int) -> float:
    return num / den if den else np.nan


@dataclass
class ComplaintFigures:
    """The period's complaint and praise orders: counts by type, centre, source and agent, 成立率
    and the re-checks against their time limit."""

    orders: list[Complaint]
    summary: pd.DataFrame  # 类型 × 工单数, 成立, 不成立, 待定, 成立率, 服务类, 业务类
    by_centre: pd.DataFrame
    by_source: pd.DataFrame
    by_agent: pd.DataFrame
    rechecks: dict[str, int]  # 复核, 按时, 超时, 未回复, 时间有误 (a reply before its request)
    late: pd.DataFrame

    def count(self, kind: str, column: str = "工单数") -> int:
        row = self.summary[self.summary["类型"] == kind]
        return int(row[column].iloc[0]) if len(row) else 0

    def upheld_rate(self, kind: str = COMPLAINT) -> float:
        row = self.summary[self.summary["类型"] == kind]
        return float(row["成立率"].iloc[0]) if len(row) else np.nan

    def to_dict(self) -> dict[str, Any]:
        def num(v):
            return None if pd.isna(v) else round(float(v), 6)
        return {"complaints": self.count(COMPLAINT), "complaints_upheld": self.count(COMPLAINT, "成立"),
                "complaints_pending": self.count(COMPLAINT, "待定"), "upheld_rate": num(self.upheld_rate()),
                "service": self.count(COMPLAINT, SERVICE), "business": self.count(COMPLAINT, BUSINESS),
                "praise": self.count(PRAISE), "praise_upheld": self.count(PRAISE, "成立"),
                "by_centre": self.by_centre.to_dict("records"), "by_source": self.by_source.to_dict("records"),
                "rechecks": self.rechecks, "late": self.late["工单编号"].tolist()}


def complaint_figures(orders: list[Complaint], period: Period) -> ComplaintFigures:
    mine = [o for o in orders if o.date in period]
    rows = []
    for kind in (COMPLAINT, PRAISE):
        of = [o for o in mine if o.kind == kind]
        up = [o for o in of if o.upheld is True]
        rejected = sum(o.upheld is False for o in of)
        rows.append({"类型": kind, "工单数": len(of), "成立": len(up), "不成立": rejected,
                     "待定": sum(o.upheld is None for o in of), "成立率": _rate(len(up), len(up) + rejected),
                     SERVICE: sum(o.category == SERVICE for o in up), BUSINESS: sum(o.category == BUSINESS for o in up)})
    summary = pd.DataFrame(rows)
    frame = pd.DataFrame([{"中心": o.centre or "(未填)", "来源": o.source or "(未填)", "工号": o.agent_id,
                           "姓名": o.agent_name, "类型": o.kind, "成立": o.upheld is True} for o in mine],
                         columns=["中心", "来源", "工号", "姓名", "类型", "成立"])

    def pivot(by: list[str]) -> pd.DataFrame:
        out = []
        for key, g in frame.groupby(by, sort=True):
            key = key if isinstance(key, tuple) else (key,)
            c, p = g[g["类型"] == COMPLAINT], g[g["类型"] == PRAISE]
            out.append({**dict(zip(by, key)), "投诉": len(c), "投诉成立": int(c["成立"].sum()), "表扬": len(p),
                        "表扬成立": int(p["成立"].sum())})
        return pd.DataFrame(out, columns=[*by, "投诉", "投诉成立", "表扬", "表扬成立"])

    by_agent = pivot(["工号", "姓名"])
    if len(by_agent):
        by_agent = by_agent.sort_values(["投诉成立", "投诉", "工号"], ascending=[False, False, True],
                                        kind="stable").reset_index(drop=True)
    asked = [o for o in mine if o.kind == COMPLAINT and o.requested_at is not None]
    # a reply before its request is a typo in one of the times: its time is unknown, never on time
    wrong = [o for o in asked if o.recheck_hours is not None and o.recheck_hours < 0]
    late = [o for o in asked if o.recheck_hours is not None and o.recheck_hours > o.limit_hours + 1e-9]
    unanswered = [o for o in asked if o.answered_at is None]
    late_df = pd.DataFrame([{"日期": o.date, "工单编号": o.ticket_id, "工号": o.agent_id, "姓名": o.agent_name,
                             "复核请求时间": o.requested_at, "复核回复时间": o.answered_at,
                             "用时(小时)": o.recheck_hours, "时限(小时)": o.limit_hours,
                             "说明": "未回复" if o.answered_at is None else
                             "回复早于请求,时间有误" if o.recheck_hours < 0 else "超时"}
                            for o in sorted(late + unanswered + wrong, key=lambda o: (o.date, o.row))],
                           columns=["日期", "工单编号", "工号", "姓名", "复核请求时间", "复核回复时间", "用时(小时)",
                                    "时限(小时)", "说明"])
    return ComplaintFigures(mine, summary, pivot(["中心"]), pivot(["来源"]), by_agent,
                            {"复核": len(asked), "按时": len(asked) - len(late) - len(unanswered) - len(wrong),
                             "超时": len(late), "未回复": len(unanswered), "时间有误": len(wrong)}, late_df)


@dataclass
class HqCallFigures:
    """The period's 总部拨测: per line (网别) and in all, calls, mean score and 得分率, 致命性错误."""

    calls: list[HqCall]
    summary: pd.DataFrame  # 网别 × 通数, 平均得分, 平均得分率, 致命性错误, 有致命性错误的通数 (+ 合计)
    by_agent: pd.DataFrame
    fatal: pd.DataFrame  # the calls with a 致命性错误

    def total(self, column: str) -> float:
        row = self.summary[self.summary["网别"] == "合计"]
        return float(row[column].iloc[0]) if len(row) else np.nan

    def to_dict(self) -> dict[str, Any]:
        def num(v):
            return None if pd.isna(v) else round(float(v), 6)
        return {"hq_calls": int(self.total("通数")) if len(self.calls) else 0,
                "mean_score": num(self.total("平均得分")), "mean_score_rate": num(self.total("平均得分率")),
                "fatal_errors": int(self.total("致命性错误")) if len(self.calls) else 0,
                "lines": {r["网别"]: {"n": int(r["通数"]), "mean_score": num(r["平均得分"]),
                                      "fatal_errors": int(r["致命性错误"])}
                          for r in self.summary.to_dict("records") if r["网别"] != "合计"}}


def hq_call_figures(calls: list[HqCall], period: Period) -> HqCallFigures:
    mine = [c for c in calls if c.date in period]

    def row(label: str, group: list[HqCall]) -> dict:
        return {"网别": label, "通数": len(group),
                "平均得分": float(np.mean([c.score for c in group])) if group else np.nan,
                "平均得分率": float(np.mean([c.score / c.max for c in group])) if group else np.nan,
                "致命性错误": sum(c.fatal for c in group), "有致命性错误的通数": sum(c.fatal > 0 for c in group)}

    lines = sorted({c.line for c in mine})
    summary = pd.DataFrame([row(line, [c for c in mine if c.line == line]) for line in lines] + [row("合计", mine)])
    agents: dict[tuple[str, str], list[HqCall]] = {}
    for c in mine:
        agents.setdefault((c.agent_id, c.agent_name), []).append(c)
    by_agent = pd.DataFrame([{"工号": a, "姓名": n, "通数": len(g), "平均得分": float(np.mean([c.score for c in g])),
                              "致命性错误": sum(c.fatal for c in g)} for (a, n), g in sorted(agents.items())],
                            columns=["工号", "姓名", "通数", "平均得分", "致命性错误"])
    fatal = pd.DataFrame([{"日期": c.date, "拨测编号": c.call_id, "网别": c.line, "工号": c.agent_id,
                           "姓名": c.agent_name, "得分": c.score, "致命性错误": c.fatal, "问题描述": c.note}
                          for c in mine if c.fatal > 0],
                         columns=["日期", "拨测编号", "网别", "工号", "姓名", "得分", "致命性错误", "问题描述"])
    return HqCallFigures(mine, summary, by_agent, fatal)


# --- a report's section: this period, and month over month ------------------------------------

@dataclass
class ComplaintsSection:
    """What a monthly or quarterly report shows of the registers: the period's figures, and the
    key figures of each month (a monthly report: the previous month and this one)."""

    label: str
    complaints: ComplaintFigures | None
    hq_calls: HqCallFigures | None
    months: pd.DataFrame  # 月份 × key figures
    findings: list[Finding] = field(default_factory=list)
    accounts: dict[str, RegisterAccount] = field(default_factory=dict)  # 'complaints' | 'hq_calls'

    def unreadable(self) -> list[UnreadableInput]:
        """Register files and sheets of which nothing was read."""
        return unreadable_inputs(self.findings)

    def account_lines(self) -> list[str]:
        """The account of each register, then each sheet or file not read, as the console says it."""
        return [a.identity_text() for a in self.accounts.values()] + \
            [f"未能读取: {u.file} / {u.sheet}: {u.message}" if u.sheet else f"未能读取: {u.file}: {u.message}"
             for u in self.unreadable()]

    def to_dict(self) -> dict[str, Any]:
        return {"complaints": self.complaints.to_dict() if self.complaints else None,
                "hq_calls": self.hq_calls.to_dict() if self.hq_calls else None,
                "months": self.months.to_dict("records"), "register_findings": len(self.findings),
                "accounting": {**{k: a.to_dict() for k, a in self.accounts.items()},
                               "unreadable_inputs": [u.to_dict() for u in self.unreadable()]}}


def month_rows(orders: list[Complaint] | None, calls: list[HqCall] | None,
               months: list[tuple[str, Period]]) -> pd.DataFrame:
    """The key figures of each (label, month): complaints, upheld, 成立率, praise, late re-checks,
    test calls, their mean 得分率 and 致命性错误."""
    rows = []
    for label, p in months:
        row: dict[str, Any] = {"月份": label}
        if orders is not None:
            f = complaint_figures(orders, p)
            row.update({"投诉工单": f.count(COMPLAINT), "投诉成立": f.count(COMPLAINT, "成立"),
                        "成立率": f.upheld_rate(), "服务类": f.count(COMPLAINT, SERVICE),
                        "业务类": f.count(COMPLAINT, BUSINESS), "表扬工单": f.count(PRAISE),
                        "复核超时": f.rechecks["超时"] + f.rechecks["未回复"]})
        if calls is not None:
            t = hq_call_figures(calls, p)
            n = len(t.calls)
            row.update({"拨测通数": n, "拨测平均得分": t.total("平均得分") if n else np.nan,
                        "拨测得分率": t.total("平均得分率") if n else np.nan,
                        "拨测致命性错误": int(t.total("致命性错误")) if n else 0})
        rows.append(row)
    return pd.DataFrame(rows)


def complaints_section(label: str, period: Period, orders: list[Complaint] | None, calls: list[HqCall] | None,
                       months: list[tuple[str, Period]], findings: list[Finding],
                       tallies: dict[str, RegisterRows] | None = None) -> ComplaintsSection:
    """The section of `period`; with `tallies` (the readers' counts, by 'complaints' and 'hq_calls'),
    the account of every row read."""
    c = complaint_figures(orders, period) if orders is not None else None
    t = hq_call_figures(calls, period) if calls is not None else None
    accounts = {}
    for key, name, rows, figures in (("complaints", SHEET_COMPLAINTS, orders, c), ("hq_calls", SHEET_HQ_CALLS, calls, t)):
        if rows is not None and tallies and key in tallies:
            counted = len(figures.orders if key == "complaints" else figures.calls)
            accounts[key] = register_account(name, tallies[key], len(rows), counted)
    return ComplaintsSection(label, c, t, month_rows(orders, calls, months), findings, accounts)
