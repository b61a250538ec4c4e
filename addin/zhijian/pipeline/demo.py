"""`zhijian demo`: a realistic synthetic month for a small team, then every step of the product
that exists so far run over it. Deterministic for a given seed."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from zhijian.engine.columns import column_specs
from zhijian.engine.rubric import Rubric
from zhijian.files.rubrics import load_rubric
from zhijian.engine.scoring import CallRecord, score_call
from zhijian.engine.periods import parse_period
from zhijian.files.atomic import atomic_path
from zhijian.pipeline.load import check_files
from zhijian.files.inputs import expand_inputs
from zhijian.files.copies import write_checked_copy
from zhijian.files import names

RUBRIC = "listening-10x4"
INSPECTORS = [("王丽", "wangli"), ("陈静", "chenjing"), ("刘洋", "liuyang")]
SURNAMES = "张李赵孙周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施"
GIVEN = ["晓明", "丽娟", "志强", "海燕", "建华", "秀英", "俊杰", "雪梅", "文博", "佳琪",
         "子涵", "欣怡", "浩然", "梦瑶", "宇航", "静怡", "思远", "雅婷", "国强", "慧敏"]
# How often each item is 不良 for an average agent: 业务能力 and 主动推介 are the team's weak spots.
ITEM_DEFECT = {"开场白及挂机": 0.18, "服务态度": 0.15, "服务用语": 0.25, "语速音量": 0.13,
               "表达能力": 0.42, "主动推介": 0.60, "灵活处理": 0.38, "双向沟通": 0.33,
               "聆听能力": 0.23, "业务能力": 0.66}
REMARKS = {"开场白及挂机": "挂机语句不规范", "服务态度": "语气生硬,耐心不足", "服务用语": "出现生活口语",
           "语速音量": "语速偏快", "表达能力": "表达不够简练", "主动推介": "未主动介绍优惠套餐",
           "灵活处理": "客户情绪激动时引导不足", "双向沟通": "未确认客户意思", "聆听能力": "打断客户",
           "业务能力": "资费解释不完整"}


@dataclass
class DemoSummary:
    out_dir: Path
    files: int = 0
    calls: int = 0
    valid_calls: int = 0
    mean_score: float = 0.0
    errors: int = 0
    warnings: int = 0
    by_rule: Counter = field(default_factory=Counter)
    grades: Counter = field(default_factory=Counter)
    written: list[Path] = field(default_factory=list)
    analysis: Any = None  # the month's analysis.Analysis
    appeals: dict[str, int] = field(default_factory=dict)  # status -> count
    daily: dict[str, Any] = field(default_factory=dict)  # the demo day's package, in figures
    penalties: dict[str, int] = field(default_factory=dict)  # the month's vouchers by status
    plans: int = 0  # days with a 抽检计划 (plans/, from the call lists in calls/)

    def to_dict(self) -> dict:
        return {"out_dir": str(self.out_dir), "files": self.files, "calls": self.calls,
                "valid_calls": self.valid_calls, "mean_score": round(self.mean_score, 6),
                "errors": self.errors, "warnings": self.warnings, "findings_by_rule": dict(self.by_rule),
                "grades": dict(self.grades), "written": [str(p) for p in self.written],
                "analysis": self.analysis.to_dict() if self.analysis is not None else None,
                "appeals": self.appeals, "daily": self.daily, "penalties": self.penalties, "plans": self.plans}

    def lines(self) -> list[str]:
        out = [f"演示数据已生成在 {self.out_dir}/",
               f"  评分表 {self.files} 个文件,共 {self.calls} 通录音评分;"
               f"校验发现 {self.errors} 个错误、{self.warnings} 个警告(演示数据中故意放入的)",
               "  " + ",".join(f"{k} {v}" for k, v in sorted(self.by_rule.items())),
               f"  有效评分 {self.valid_calls} 通,平均最终得分 {self.mean_score:.2f}",
               "  等级分布: " + ",".join(f"{k} {v}" for k, v in self.grades.most_common())]
        if self.analysis is not None:
            o = self.analysis.overall
            out.append(f"  服务质量分析表 {self.analysis.period_label}: 有效 {o.n} 通(校正录音按基准计一次),"
                       f"优良率 {o.excellent_rate:.1%},平均不良比率 {o.mean_defect_rate:.1%}({o.mean_defect_level}),"
                       f"不良比率最高的服务能力项 {'、'.join(self.analysis.topics)}")
            out.append(f"  行数核对: {self.analysis.account.identity_text()}")
        if self.appeals:
            out.append("  申诉: " + ",".join(f"{k} {v}" for k, v in self.appeals.items()))
        if self.plans:
            out.append(f"  抽检计划 {self.plans} 天(plans/,由 calls/ 中的通话记录按轮回抽检抽取),评分表按计划评分")
        if self.daily:
            d = self.daily
            out.append(f"  质检日志 {d['date']}: 严重问题 {d['serious']} 通,重复问题预警 {d['repeated']} 项,"
                       f"班前会点评 {'、'.join(d['briefing'])},未交评分表 {'、'.join(d['missing_inspectors']) or '无'}")
        if self.penalties:
            out.append("  扣罚登记表: " + ",".join(f"{k} {v}" for k, v in self.penalties.items()))
        out += [f"  已写出 {p}" for p in self.written]
        return out


def working_days(month: str) -> list[dt.date]:
    """The month's working days (the Chinese statutory calendar where known)."""
    from zhijian.engine.workdays import working_days as wd

    period = parse_period(month)
    return list(wd(period.start, period.end).days)


def make_roster(rng: random.Random) -> pd.DataFrame:
    """20 agents in two teams; 质检员: the inspector each agent's calls go to in the 抽检计划."""
    from .demo_plans import assign_inspectors

    names = []
    for i in range(20):
        names.append(SURNAMES[i] + GIVEN[(i * 7) % len(GIVEN)])
    roster = pd.DataFrame({"工号": [f"A{i + 1:03d}" for i in range(20)], "姓名": names,
                           "班组": ["一组" if i < 10 else "二组" for i in range(20)]})
    roster["质检员"] = assign_inspectors(roster, [name for name, _ in INSPECTORS])
    return roster


def month_plans(roster: pd.DataFrame, month: str, seed: int):
    """Each working day's synthetic call list and its 抽检计划 (`demo_plans.plan_days`)."""
    from .demo_plans import plan_days

    return plan_days(working_days(month), roster, [name for name, _ in INSPECTORS], seed)


# The roster's 质检员 sheet (files.inspectors): the three who score, and one on leave all month,
# whom the 质检日志's 未交评分表 lists.
ROSTER_INSPECTORS = [name for name, _ in INSPECTORS] + ["赵敏"]


def write_roster(roster: pd.DataFrame, path: Path) -> Path:
    """The 人员名单 (工号, 姓名, 班组, each agent's 质检员) and the 质检员 sheet."""
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp) as xw:
            roster.to_excel(xw, index=False, sheet_name="人员名单")
            pd.DataFrame({"姓名": ROSTER_INSPECTORS}).to_excel(xw, index=False, sheet_name="质检员")
    return path


def _item_score(rng: random.Random, p_defect: float) -> float | str:
    if rng.random() >= p_defect:
        return 5
    return rng.choices([4, 3, 2, 1, 0], weights=[55, 25, 12, 5, 3])[0]


def generate_month(rubric: Rubric, month: str, seed: int, planned=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The calls of the month as the inspectors would type them: one row per recording of each
    day's 抽检计划 (`planned`, else made here: `month_plans`), in the plan's order."""
    rng = random.Random(seed)
    roster = make_roster(rng)
    if planned is None:
        planned = month_plans(roster, month, seed)
    skill = {a: rng.uniform(0.6, 1.5) for a in roster["工号"]}
    rows = []
    for day in working_days(month):
        for draw in planned[day][1].draws:
            row = {"date": day, "inspector": draw.inspector, "agent_id": draw.agent_id,
                   "agent_name": draw.agent_name, "team": draw.team,
                   "recording_id": draw.recording_id, "call_type": draw.call_type}
            bad = []
            for it in rubric.items:
                v = _item_score(rng, min(0.9, ITEM_DEFECT[it.name] * skill[draw.agent_id]))
                if it.name == "主动推介" and row["call_type"] == "呼入" and rng.random() < 0.05:
                    v = "不涉及"
                row[it.name] = v
                if isinstance(v, int) and v < 5:
                    bad.append(f"{it.name}: {REMARKS[it.name]}")
            row["error_deduction"] = rng.choice([2, 3, 5]) if rng.random() < 0.03 else None
            row["fatal_errors"] = 1 if rng.random() < 0.004 else None
            remark = ";".join(bad[:2])
            if rng.random() < 0.01:
                remark += f";客户要求回电 1{rng.randint(30, 89)}{rng.randint(10000000, 99999999)}"
            row["remarks"] = remark
            rows.append(row)
    rows += _calibration_copies(rubric, rows, rng)
    return pd.DataFrame(rows), roster


def _calibration_copies(rubric: Rubric, rows: list[dict], rng: random.Random) -> list[dict]:
    """质检校正: each week, two recordings are scored again by the two other inspectors, who
    judge a little differently (one point up or down on a few items)."""
    weeks: dict[tuple[int, int], list[dict]] = {}
    for row in rows:
        weeks.setdefault(row["date"].isocalendar()[:2], []).append(row)
    copies = []
    for _, week_rows in sorted(weeks.items()):
        for original in rng.sample(week_rows, 2):
            for name, _ in INSPECTORS:
                if name == original["inspector"]:
                    continue
                copy = dict(original, inspector=name, remarks="校正录音")
                for it in rubric.items:
                    v = copy[it.name]
                    if isinstance(v, int) and rng.random() < 0.3:
                        copy[it.name] = min(5, max(0, v + rng.choice([-1, 1])))
                copies.append(copy)
    return copies


def _record(rubric: Rubric, row: dict) -> CallRecord:
    items = {it.name: (row[it.name] if isinstance(row[it.name], (int, float)) else None) for it in rubric.items}
    return CallRecord(items=items, fatal_errors=int(row.get("fatal_errors") or 0),
                      error_deduction=float(row.get("error_deduction") or 0))


def _plant_errors(sheets: dict[tuple[dt.date, str], list[dict]], rng: random.Random) -> None:
    """A few mistakes inspectors really make, each in a different sheet."""
    keys = sorted(sheets)
    picks = [keys[i] for i in rng.sample(range(len(keys)), 7)]
    s = sheets[picks[0]]; s[3]["服务态度"] = 6                      # not a 0–5 score
    s = sheets[picks[1]]; s[5]["业务能力"] = None                   # forgot a score
    s = sheets[picks[2]]; s.append(dict(s[2]))                      # pasted the same call twice
    s = sheets[picks[3]]; s[7]["date"] = s[7]["date"].replace(day=1) + dt.timedelta(days=40)  # wrong month
    s = sheets[picks[4]]; s[4]["total"] = (s[4]["total"] or 0) - 10  # total typed by hand, wrong
    s = sheets[picks[5]]; s[6]["agent_id"] = "A099"                 # not on the roster
    s = sheets[picks[6]]; s[8]["error_deduction"] = 15              # 差错扣分 is 0–10
    # Valid but awkward ways of typing the same scores, which the reader must accept.
    s = sheets[keys[0]]
    for row, item in ((s[0], "表达能力"), (s[1], "聆听能力")):
        if isinstance(row[item], int):
            row[item] = chr(0xFF10 + row[item]) if item == "表达能力" else f"{row[item]}分"


def write_sheet(rubric: Rubric, path: Path, title: str, rows: list[dict]) -> None:
    """One inspector's daily 评分表, laid out like the generated template (title, categories, headers)."""
    import xlsxwriter

    from zhijian.reports.toolkit import WORKBOOK_OPTIONS, close_workbook
    from zhijian.reports.xlsx_file import MemoryWorkbook

    specs = [s for s in column_specs(rubric)]
    with atomic_path(path) as tmp:
        wb = MemoryWorkbook(str(tmp), WORKBOOK_OPTIONS)
        ws = wb.add_worksheet("评分表")
        bold = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                              "border": 1, "bg_color": "#DDEBF7"})
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        ws.merge_range(0, 0, 0, len(specs) - 1, title, wb.add_format({"bold": True, "font_size": 14}))
        col = {s.key: i for i, s in enumerate(specs)}
        for cat in rubric.categories:
            first, last = col[cat.items[0].name], col[cat.items[-1].name]
            ws.merge_range(1, first, 1, last, cat.name, bold)
        for i, s in enumerate(specs):
            ws.write(2, i, s.header, bold)
            ws.set_column(i, i, 30 if s.key == "remarks" else 12 if s.kind == "field" else 8)
        for r, row in enumerate(rows, start=3):
            for key, c in col.items():
                v = row.get(key)
                if v is None or v == "":
                    continue
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                else:
                    ws.write_number(r, c, v)
        ws.freeze_panes(3, col["recording_id"] + 1)
        close_workbook(wb)


def write_month(rubric: Rubric, month: str, seed: int, folder: Path, *, plant_errors: bool,
                plans_to: tuple[Path, Path] | None = None):
    """One inspector's sheet per working day of the month into `folder`, from the day's 抽检计划
    (with `plans_to`, each day's call list and plan are written into those two folders); returns
    the roster."""
    planned = month_plans(make_roster(random.Random(seed)), month, seed)
    if plans_to is not None:
        from .demo_plans import write_plans
        write_plans(planned, *plans_to)
    calls, roster = generate_month(rubric, month, seed, planned=planned)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xlsx"):
        old.unlink()
    sheets: dict[tuple[dt.date, str], list[dict]] = {}
    for row in calls.to_dict("records"):
        row = {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in row.items()}
        row["total"] = score_call(rubric, _record(rubric, row)).final_score
        sheets.setdefault((row["date"], row["inspector"]), []).append(row)
    if plant_errors:
        _plant_errors(sheets, random.Random(seed + 1))
    pinyin = dict(INSPECTORS)
    for (day, inspector), rows in sorted(sheets.items()):
        path = folder / f"{day:%Y-%m-%d}_{pinyin[inspector]}.xlsx"
        write_sheet(rubric, path, f"质检监听评分表 {day:%Y-%m-%d} 质检员: {inspector}", rows)
    return roster


def write_demo_appeals(rubric: Rubric, calls: pd.DataFrame, path: Path) -> Path:
    """Four appeals on calls of the second full week: one upheld (its 差错扣分 withdrawn), one
    rejected and one waiting for arbitration, on calls with a 差错扣分 (so the 扣罚登记表 shows
    已撤销, 已确认 and 申诉中), and one filed too late on a low 业务能力."""
    import openpyxl

    from zhijian.engine.appeals import register_headers
    from zhijian.reports.appeals_template import write_appeals_template

    week = calls[[isinstance(d, dt.date) and dt.date(d.year, d.month, 12) <= d <= dt.date(d.year, d.month, 16)
                  for d in calls["date"].tolist()] & ~calls["has_error"].to_numpy(dtype=bool)]
    low = week[week["业务能力"] <= 2].sort_values(["date", "recording_id"]).drop_duplicates("recording_id")
    err = pd.to_numeric(week["error_deduction"], errors="coerce").fillna(0) > 0
    erred = week[err].sort_values(["date", "recording_id"]).drop_duplicates("recording_id")
    erred_picks = erred.head(3).to_dict("records")
    late = low[~low["recording_id"].isin([c["recording_id"] for c in erred_picks])].head(1).to_dict("records")
    picks = erred_picks[:2] + late + erred_picks[2:] if len(erred_picks) == 3 and late else []
    heads = register_headers(rubric)
    write_appeals_template(rubric, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["申诉登记表"]

    def at(call, days, hour):
        return dt.datetime.combine(call["date"] + dt.timedelta(days=days), dt.time(hour))

    rows = []
    if len(picks) == 4:
        a, b, c, d = picks
        rows = [
            {"录音编号": a["recording_id"], "坐席工号": a["agent_id"], "坐席姓名": a["agent_name"],
             "申诉时间": at(a, 1, 15), "申诉理由": "资费已按最新标准解释,差错扣分有误", "复核结果": "改判",
             "复核人": "赵班长", "决定时间": at(a, 2, 9), "更正:差错扣分": 0},
            {"录音编号": b["recording_id"], "坐席工号": b["agent_id"], "坐席姓名": b["agent_name"],
             "申诉时间": at(b, 1, 16), "申诉理由": "客户未要求核实,不属业务差错", "复核结果": "维持原判",
             "复核人": "赵班长", "决定时间": at(b, 2, 11)},
            {"录音编号": c["recording_id"], "坐席工号": c["agent_id"], "坐席姓名": c["agent_name"],
             "申诉时间": at(c, 4, 9), "申诉理由": "休假回来才看到成绩", "复核结果": "改判",
             "复核人": "赵班长", "决定时间": at(c, 4, 15), "更正:业务能力": 5},
            {"录音编号": d["recording_id"], "坐席工号": d["agent_id"], "坐席姓名": d["agent_name"],
             "申诉时间": at(d, 1, 10), "申诉理由": "系统故障导致等待", "复核结果": "提交仲裁", "复核人": "赵班长"},
        ]
    for r, values in enumerate(rows, start=3):
        for key, value in values.items():
            ws.cell(r, heads.index(key) + 1, value)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


MARKER = ".zhijian-demo"  # in every folder the demo made: only such a folder is written over
MARKER_TEXT = "zhijian demo 生成的文件夹;再次运行 zhijian demo --out 此文件夹 会覆盖其中的演示文件。\n"


def prepare_out_dir(out_dir: Path) -> None:
    """Make `out_dir` the demo's: a new or empty folder gets the marker; a folder with files in it
    is used only when an earlier demo made it (the marker), so the demo never deletes or
    overwrites a user's files."""
    from zhijian.errors import OutputPathError

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputPathError(f"{out_dir} 是一个文件,不是文件夹;请用 --out 指定一个新的或空的文件夹")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise OutputPathError(f"{out_dir} 不是空文件夹,也不是 zhijian demo 生成的;为免删除或覆盖其中的文件,"
                              "请用 --out 指定一个新的或空的文件夹")
    with atomic_path(out_dir / MARKER) as tmp:
        tmp.write_text(MARKER_TEXT, encoding="utf-8")


def write_scored_csv(detail: pd.DataFrame, path: Path) -> None:
    """scored_calls.csv: every text cell neutralised (a remark "=1+1" cannot run in a spreadsheet),
    rows ended by CRLF (RFC 4180), so that a cell holding a line break is quoted and stays one cell."""
    from zhijian.files.cells import csv_safe

    detail = detail.copy()
    for col in detail.columns:
        if not pd.api.types.is_numeric_dtype(detail[col]):
            detail[col] = detail[col].map(csv_safe)
    with atomic_path(path) as tmp:
        detail.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def run_demo(out_dir: Path, month: str = "2026-10", seed: int = 20261022,
             progress: Callable[[Path], None] | None = None) -> DemoSummary:
    rubric = load_rubric(RUBRIC)
    prepare_out_dir(out_dir)
    sheets_dir = out_dir / "sheets"
    plans_dir = out_dir / "plans"
    roster = write_month(rubric, month, seed, sheets_dir, plant_errors=True,
                         plans_to=(out_dir / "calls", plans_dir))
    write_roster(roster, out_dir / "roster.xlsx")
    # The month before, for the 质检月报's month-over-month comparison.
    period = parse_period(month)
    previous = f"{period.start - dt.timedelta(days=1):%Y-%m}"
    write_month(rubric, previous, seed - 100, out_dir / f"sheets-{previous}", plant_errors=False)
    files, _ = expand_inputs([str(sheets_dir)])
    from zhijian.files.workbooks import read_roster
    checked = check_files(rubric, files, roster=read_roster(out_dir / "roster.xlsx"),
                          period=parse_period(month))
    summary = DemoSummary(out_dir=out_dir, files=len(files), calls=len(checked.calls),
                          errors=checked.report.errors, warnings=checked.report.warnings,
                          by_rule=checked.report.counts_by_rule())
    valid = checked.valid_calls
    summary.valid_calls = len(valid)
    summary.mean_score = float(valid["final_score"].mean()) if len(valid) else 0.0
    summary.grades = Counter(valid["grade"])
    with atomic_path(out_dir / "validation.json") as tmp:
        tmp.write_text(json.dumps(checked.report.to_dict(), ensure_ascii=False, indent=2, default=str),
                       encoding="utf-8")
    summary.written.append(out_dir / "validation.json")
    detail_cols = ["file", "sheet", "row", "date", "inspector", "agent_id", "agent_name", "team",
                   "recording_id"] + [it.name for it in rubric.items] + \
                  ["fatal_errors", "error_deduction", "call_score", "final_score", "grade", "has_error"]
    detail = checked.calls[detail_cols].copy()
    detail["file"] = detail["file"].map(lambda p: Path(p).name)
    write_scored_csv(detail, out_dir / "scored_calls.csv")
    summary.written.append(out_dir / "scored_calls.csv")
    bad_files = sorted({Path(f.file) for f in checked.report.findings if f.cell})
    for f in bad_files:
        summary.written.append(write_checked_copy(f, checked.report.findings,
                                                  out_dir / "checked" / f.name))
    # 申诉: a register with an upheld, a rejected, a late and a pending appeal.
    register = write_demo_appeals(rubric, checked.calls, out_dir / "appeals.xlsx")
    summary.written.append(register)
    # 汇总分析, 周报, 月报 from the same sheets, with the appeals applied.
    from .jobs import consolidate, monthly_report, weekly_report, write_consolidation, write_periodic

    roster_path = out_dir / "roster.xlsx"
    result = consolidate(rubric, [str(sheets_dir)], period_kind="month", date=period.start,
                         progress=progress, appeals=register, roster=roster_path)
    summary.analysis = result.analysis
    summary.appeals = {o.status: sum(x.status == o.status for x in result.appeals) for o in result.appeals}
    summary.written.append(write_consolidation(result, out_dir / names.analysis_name("month", period.start)))
    week = names.period_key("week", dt.date(period.start.year, period.start.month, 12))
    weekly = weekly_report(rubric, [str(sheets_dir)], week=week, appeals=register, roster=roster_path)
    summary.written.append(write_periodic(weekly, out_dir / names.report_name(names.WEEKLY, week)))
    monthly = monthly_report(rubric, [str(sheets_dir)], month=month, previous=[str(out_dir / f"sheets-{previous}")],
                             appeals=register, plans=plans_dir, roster=roster_path)
    summary.plans = len(list(plans_dir.glob("*.xlsx")))
    summary.written.append(write_periodic(monthly, out_dir / names.report_name(names.MONTHLY, month)))
    # 历史库: both months into a store, and the quarter's 季度质检考核表 from it.
    from .demo_history import run_history_demo

    summary.written += run_history_demo(rubric, out_dir, sheets_dir, out_dir / f"sheets-{previous}", register, month,
                                        seed, dict(zip(roster["工号"], roster["姓名"])))
    # 发送: the weekly report's e-mail as a draft (phone numbers in remarks masked in the copy).
    from zhijian.delivery.message import build_outgoing, write_eml
    from zhijian.delivery.config import parse_config

    config_path = out_dir / "zhijian-delivery.yaml"
    with atomic_path(config_path) as tmp:
        tmp.write_text(DEMO_DELIVERY, encoding="utf-8")
    config = parse_config(DEMO_DELIVERY, str(config_path))
    outgoing = build_outgoing(weekly.output, config, "weekly")
    summary.written.append(write_eml(outgoing, out_dir / names.report_name(names.WEEKLY, week, ".eml")))
    _demo_daily(rubric, sheets_dir, out_dir, register, config, dt.date(period.start.year, period.start.month, 14),
                summary)
    return summary


def _demo_daily(rubric: Rubric, sheets_dir: Path, out_dir: Path, register: Path, config, day: dt.date,
                summary: DemoSummary) -> None:
    """One day's package (质检日志, 扣分凭单, the zip) with drafts of its two e-mails, and the
    month's 扣罚登记表."""
    from zhijian.delivery.message import write_eml
    from zhijian.delivery.package import build_briefing, build_daily_package

    from .daily import daily_package, penalties_register, write_daily_package, write_penalties

    pkg = daily_package(rubric, [str(sheets_dir)], date=day, roster=out_dir / "roster.xlsx", on_duty="陈静",
                        appeals=register)
    folder = out_dir / names.report_name(names.DAILY_MAIL, names.period_key("day", day), "")
    written = write_daily_package(pkg, folder)
    summary.written += list(written.values())
    key = names.period_key("day", day)
    summary.written.append(write_eml(build_daily_package(folder, config),
                                     folder / names.report_name(names.DAILY_MAIL, key, ".eml")))
    summary.written.append(write_eml(build_briefing(written["log"], config),
                                     folder / names.report_name(names.BRIEFING, key, ".eml")))
    rep = pkg.report
    summary.daily = {"date": key, "serious": len(rep.serious), "repeated": len(rep.repeated),
                     "briefing": [p.item for p in rep.briefing], "missing_inspectors": rep.missing,
                     "vouchers": pkg.register.counts()}
    month = penalties_register(rubric, [str(sheets_dir)], month=f"{day:%Y-%m}", appeals=register)
    summary.penalties = month.register.counts()
    summary.written.append(write_penalties(month, out_dir / names.report_name(names.REGISTER, month.register.key)))


# The demo's delivery configuration (a real one starts from workbook_templates/delivery.example.yaml).
DEMO_DELIVERY = """\
smtp: {host: smtp.example.com, port: 587, security: starttls, username: qa-lead@example.com}
sender: {address: qa-lead@example.com, name: 客服中心质检组}
reports:
  daily:
    to: [项目经理 <pm@example.com>, 班长 <team-lead@example.com>]
    cc: [部门经理 <manager@example.com>]
    bcc: [wangli@example.com, chenjing@example.com, liuyang@example.com]
    subject: "质检日志 {period}"
  briefing:
    to: [班长 <team-lead@example.com>]
    subject: "明日班前会点评({period} 质检会议)"
  weekly:
    to: [项目经理 <pm@example.com>, 班长 <team-lead@example.com>]
    cc: [部门经理 <manager@example.com>]
    bcc: [wangli@example.com, chenjing@example.com, liuyang@example.com]
    subject: "{report} {period}"
"""
