"""A hand-worked week for the daily-cycle tests (质检日志, 扣分凭单, the 10:00 package).

listening-10x4: call score = 2 × Σ items; final = max(0, call − 差错扣分); its ten items are 一般, so
its serious problems are the 差错扣分 and the fatal errors. `serious_items_rubric()` is the same form
with 业务能力 marked 严重 (as a team's own rubric may have it): there a 业务能力 不良 is serious too.
The day is Wednesday 14 October 2026; its ISO week started Monday 12.

Mon 12 (王丽):  R101 A001 张三 主动推介 4 → 98;  R102 A002 李四 主动推介 4 → 98;
                R103 A003 王五 主动推介 3 → 96;  R104 A003 王五 主动推介 4 → 98
Tue 13 (王丽):  R201 A001 张三 主动推介 3 → 96;  R202 A002 李四 主动推介 4 → 98;
                R203 A003 王五 主动推介 2 → 94
Wed 14 (王丽):  R301 A001 张三 主动推介 4 → 98 (his third 主动推介 不良 this week: repeated)
                R302 A002 李四 all 5, 差错扣分 2 → 98 (serious: 差错扣分; voucher 2 分)
                R303 A003 王五 all 5 → 100 (王五 had 3 × 主动推介 by Tuesday, none today: not repeated today)
Wed 14 (陈静):  R304 A004 赵六 业务能力 3 → 96 (serious only with serious_items_rubric(): 严重 item;
                     voucher 2 × (5 − 3) = 4 分)
                R305 A005 钱七 all 5, 致命性错误 1 → 100 (serious: fatal; voucher = largest 差错扣分, 10 分)
                R306 A006 孙八 服务用语 4, remark with a mobile number → 98
The roster's 质检员 sheet lists 王丽, 陈静 and 赵敏: 赵敏 sent no sheet on Wednesday.
Wednesday: n = 6, mean (98 + 98 + 100 + 96 + 100 + 98) / 6 = 98.33; one call 不良 each on 服务用语,
主动推介 and 业务能力 (不良比率 1/6 each), so those are the 3 班前会 points, in rubric order.
Serious: R302 and R305 (vouchers 2 + 10 = 12 分); with serious_items_rubric() also R304 (+ 4 = 16 分).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from sheetkit import LISTENING_HEADER, LISTENING_ITEMS, SheetSpec, listening_row, write_xlsx
from zhijian.engine.rubric import Rubric
from zhijian.files.rubrics import parse_rubric

MON, TUE, WED = dt.date(2026, 10, 12), dt.date(2026, 10, 13), dt.date(2026, 10, 14)
PHONE = "13912345678"


BUSINESS = "{name: 业务能力, max: 5, range: {min: 0, max: 5, step: 1}, class: 服务能力,"


def serious_items_rubric() -> Rubric:
    """listening-10x4 with 业务能力 marked 严重 (the bundled rubric has no 严重 item)."""
    text = (Path(__file__).resolve().parents[1] / "rubrics" / "listening-10x4.yaml").read_text(encoding="utf-8")
    assert text.count(BUSINESS) == 1
    text = text.replace("id: listening-10x4", "id: listening-serious-items")
    return parse_rubric(text.replace(BUSINESS, BUSINESS[:-1] + ", severity: 严重,"), "listening-serious-items.yaml")


def scores(**low: int) -> list[int]:
    return [low.get(name, 5) for name in LISTENING_ITEMS]


def row(day, inspector, agent, name, rid, low=None, fatal=0, err=0, remark=None):
    return listening_row(day, inspector, agent, name, rid, scores(**(low or {})), fatal=fatal,
                         error_deduction=err, remarks=remark)


def week_folder(folder: Path) -> Path:
    """The week's four sheets (file names in Chinese, as teams name them)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "2026-10-12_王丽.xlsx": [
            row(MON, "王丽", "A001", "张三", "R101", {"主动推介": 4}, remark="主动推介: 未介绍套餐"),
            row(MON, "王丽", "A002", "李四", "R102", {"主动推介": 4}),
            row(MON, "王丽", "A003", "王五", "R103", {"主动推介": 3}),
            row(MON, "王丽", "A003", "王五", "R104", {"主动推介": 4})],
        "2026-10-13_王丽.xlsx": [
            row(TUE, "王丽", "A001", "张三", "R201", {"主动推介": 3}),
            row(TUE, "王丽", "A002", "李四", "R202", {"主动推介": 4}),
            row(TUE, "王丽", "A003", "王五", "R203", {"主动推介": 2})],
        "2026-10-14_王丽.xlsx": [
            row(WED, "王丽", "A001", "张三", "R301", {"主动推介": 4}, remark="主动推介: 仍未介绍套餐"),
            row(WED, "王丽", "A002", "李四", "R302", err=2, remark="业务差错: 资费报错"),
            row(WED, "王丽", "A003", "王五", "R303")],
        "2026-10-14_陈静.xlsx": [
            row(WED, "陈静", "A004", "赵六", "R304", {"业务能力": 3}, remark="业务能力: 流程不熟"),
            row(WED, "陈静", "A005", "钱七", "R305", fatal=1, remark="泄露客户信息"),
            row(WED, "陈静", "A006", "孙八", "R306", {"服务用语": 4}, remark=f"口语化;客户回电 {PHONE}")],
    }
    for name, rows in files.items():
        write_xlsx(folder / name, [SheetSpec("评分表", [LISTENING_HEADER, *rows])])
    return folder


def roster(path: Path, inspectors=("王丽", "陈静", "赵敏")) -> Path:
    """A 人员名单 with the agents and a 质检员 sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员名单"
    ws.append(["工号", "姓名", "班组"])
    for i, name in enumerate(["张三", "李四", "王五", "赵六", "钱七", "孙八"], start=1):
        ws.append([f"A{i:03d}", name, "一组"])
    q = wb.create_sheet("质检员")
    q.append(["姓名", "备注"])
    for name in inspectors:
        q.append([name, None])
    wb.save(path)
    return path
