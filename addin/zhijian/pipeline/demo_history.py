"""The demo's history part (`zhijian demo`): its two months imported into a history store, a
投诉表扬/总部拨测 register, the quarter's 季度质检考核表 from the store, and the month's 综合考核表
from a KPI sheet it generates. Kept apart from `demo` so that module stays about the
month itself."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from zhijian.engine.rubric import Rubric
from zhijian.files import names
from zhijian.files.atomic import atomic_path

STORE = "zhijian.duckdb"


def run_history_demo(rubric: Rubric, out_dir: Path, sheets: Path, previous: Path, register: Path,
                     month: str, seed: int, agent_names: dict[str, str]) -> list[Path]:
    """Import the previous month and the month (with its appeals) into `out_dir/zhijian.duckdb`
    (a fresh store each run, so the demo stays deterministic), write a complaints and test-call
    register for both months, then the month's quarter from the store with it. Returns the files
    written."""
    from zhijian.engine.periods import parse_period

    from .history import import_sheets, period_review, write_review

    store = out_dir / STORE
    for old in (store, store.with_name(STORE + ".wal")):
        old.unlink(missing_ok=True)
    import_sheets(store, rubric, [str(previous)])
    import_sheets(store, rubric, [str(sheets)], appeals=register)
    start = parse_period(month).start
    quarter = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    months = [start.replace(day=1) - dt.timedelta(days=1), start]
    register = write_demo_registers(out_dir / "complaints.xlsx", months, seed, agent_names)
    review = period_review(rubric, "quarter", quarter, store=store, complaints=[str(register)])
    written = [store, register, write_review(review, out_dir / names.report_name(names.QUARTERLY, quarter))]
    written += assessment_demo(rubric, out_dir, store, month, seed, agent_names)
    return written


def assessment_demo(rubric: Rubric, out_dir: Path, store: Path, month: str, seed: int,
                    agent_names: dict[str, str]) -> list[Path]:
    """The example assessment configuration, a KPI sheet for the month (one 满意度 left blank, as
    happens), and the month's 综合考核表 with 质检得分 from the store."""
    import openpyxl

    from zhijian.files.assessment_config import EXAMPLE

    from .assess import assess_month, write_assessment

    config = out_dir / "assessment.yaml"
    with atomic_path(config) as tmp:
        tmp.write_text(EXAMPLE, encoding="utf-8")
    rng = random.Random(seed + 2)
    kpi = out_dir / f"kpi-{month}.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "坐席KPI"
    ws.append(["工号", "姓名", "月份", "满意度", "首次解决率", "投诉次数", "工单检查得分", "神秘顾客得分"])
    for i, (aid, name) in enumerate(sorted(agent_names.items())):
        satisfaction = None if i == 7 else round(rng.uniform(0.86, 0.99), 3)  # not delivered yet
        ws.append([aid, name, month, satisfaction, round(rng.uniform(0.65, 0.92), 3),
                   rng.choices([0, 1, 2, 3], weights=[10, 5, 2, 1])[0], rng.randint(78, 100), rng.randint(70, 100)])
    with atomic_path(kpi) as tmp:
        wb.save(tmp)
    result = assess_month(rubric, config, kpi, month, store=store)
    return [config, kpi, write_assessment(result, out_dir / names.report_name(names.ASSESSMENT, month))]


def write_demo_registers(path: Path, months: list[dt.date], seed: int, agent_names: dict[str, str]) -> Path:
    """A 投诉表扬登记表 and a 总部拨测登记表 for the demo's months: about 25 complaints and 5 praises a
    month over two centres (a few upheld, some re-checks late against the 2-hour rule), and 20
    head-office test calls a month on two lines."""
    import openpyxl

    from zhijian.reports.complaints_template import write_registers_template

    rng = random.Random(seed + 18)
    write_registers_template(path)
    wb = openpyxl.load_workbook(path)
    orders, calls = wb["投诉表扬登记表"], wb["总部拨测登记表"]
    o_row = c_row = 3
    for m in months:
        days = [m.replace(day=d) for d in range(1, 29)]
        for k in range(rng.randint(22, 28) + 5):
            day, agent = rng.choice(days), rng.randint(1, 20)
            kind = "表扬" if k < 5 else "投诉"
            upheld = rng.choices(["是", "否", None], weights=[3, 6, 1])[0] if kind == "投诉" else "是"
            asked = dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice([0, 30])))
            answered = asked + dt.timedelta(minutes=rng.choice([40, 70, 95, 110, 150])) if kind == "投诉" else None
            values = [day, f"GD{day:%Y%m%d}{k:03d}", "一中心" if agent <= 10 else "二中心",
                      "一组" if agent <= 10 else "二组", f"A{agent:03d}", agent_names.get(f"A{agent:03d}", ""), kind,
                      rng.choices(["客户", "集团", "工信部"], weights=[8, 2, 1])[0], upheld,
                      rng.choice(["服务类", "业务类"]) if upheld == "是" and kind == "投诉" else None,
                      asked if kind == "投诉" else None, answered, None, ""]
            for c, v in enumerate(values, start=1):
                orders.cell(o_row, c, v)
            o_row += 1
        for k in range(20):
            day, agent = rng.choice(days), rng.randint(1, 20)
            line = rng.choice(["移网", "固网"])
            fatal = 1 if rng.random() < 0.06 else 0
            values = [day, f"BC{day:%Y%m%d}{k:02d}", "一中心" if agent <= 10 else "二中心", line, f"A{agent:03d}",
                      agent_names.get(f"A{agent:03d}", ""), rng.choice([11, 12, 12.5, 13, 14, 15]) if not fatal else 8, 15, fatal,
                      "传递错误信息" if fatal else ""]
            for c, v in enumerate(values, start=1):
                calls.cell(c_row, c, v)
            c_row += 1
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
