"""The 坐席考核 sheet of a ledger rubric (`engine.ledger`): each agent's base, what the period's
occurrences took off it, the period score, grade and rank; written into the analysis workbook."""

from __future__ import annotations

from zhijian.engine.ledger import PeriodLedger, describe_ledger

from .toolkit import INT, SCORE, Writer, sheet_title

SHEET_LEDGER = "坐席考核"


def write_ledger_sheet(w: Writer, ledger: PeriodLedger) -> None:
    s = w.sheet(SHEET_LEDGER)
    sheet_title(s, f"坐席考核 {ledger.label}", describe_ledger(ledger.rubric) +
                ";扣分合计照实显示(可超过基准分);排名按期间得分,同分同名次")
    df = ledger.frame()
    df.insert(0, "排名", df["期间得分"].rank(method="min", ascending=False).astype(int) if len(df) else [])
    df = df.sort_values(["排名", "工号"], kind="stable")
    fmts = {"排名": INT, "通数": INT, "发生次数": INT, "窗口内此前次数": INT, "扣分合计": "0.##", "期间得分": SCORE}
    row = 3
    s.headers(row, 0, list(df.columns))
    for rec in df.itertuples(index=False):
        row += 1
        for j, (name, v) in enumerate(zip(df.columns, rec)):
            s.put(row, j, v, w.fmt(fmts[name]) if name in fmts else None)
    if df.empty:
        s.text(row + 1, 0, "本期没有有效评分记录", w.note)
    s.finish(min_width=8)
