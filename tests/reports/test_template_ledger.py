"""The 评分表 template of a ledger rubric whose penalties escalate: its result column says it prices
each occurrence at its 1st-offence points (a formula cannot see the agent's other calls), the
LibreOffice-recalculated values are that, and the 说明 sheet says where the escalated charge is."""

from __future__ import annotations

import datetime as dt

import openpyxl

from zhijian.files.libreoffice import recalculate_many
from zhijian.files.rubrics import parse_rubric
from zhijian.pipeline.load import check_files
from zhijian.engine.ledger import charge_column
from zhijian.reports.template import write_template
from zhijian.reports.template_layout import template_layout

from ledgerkit import ESCALATING


def test_an_escalating_ledgers_template_prices_at_the_first_points_and_says_so(tmp_path):
    r = parse_rubric(ESCALATING, "chat-escalating.yaml")
    lay = template_layout(r)
    path = write_template(r, tmp_path / "t.xlsx", rows=6)
    wb = openpyxl.load_workbook(path)
    ws = wb[lay.sheet]
    col = lay.column_number("total")
    assert ws.cell(row=lay.header_row, column=col).value == "本通扣分(按首次分值)"
    notes = "\n".join(str(c.value) for row in wb[lay.notes_sheet].iter_rows() for c in row if c.value)
    assert "每次按第 1 次的分值计" in notes and "不是得分" in notes
    rows = [({"offence:v1": 1, "complaint:v1": 1}, 40),  # 20 × 2
            ({"offence:v1": 2, "complaint:v1": 2, "offence:v2": 1}, 100),  # 20 × (2 + 2) + 20
            ({"offence:v2": 0}, 0)]
    for i, (counts, _) in enumerate(rows):
        r_ = lay.data_row(i)
        ws.cell(row=r_, column=lay.column_number("date"), value=dt.date(2026, 10, 1 + i))
        ws.cell(row=r_, column=lay.column_number("agent_id"), value="A1")
        ws.cell(row=r_, column=lay.column_number("recording_id"), value=f"R{i}")
        for key, n in counts.items():
            ws.cell(row=r_, column=lay.column_number(key), value=n)
    wb.save(tmp_path / "filled.xlsx")
    (out,) = recalculate_many([tmp_path / "filled.xlsx"], tmp_path / "out")
    got = openpyxl.load_workbook(out, data_only=True)[lay.sheet]
    assert [got.cell(row=lay.data_row(i), column=col).value for i in range(4)] == [40, 100, 0, None]
    # the engine charges the same calls escalated (A1's 1st, 2nd–4th, none): 2 × 20, 2 × 30 + 2 × 40 + 50, 0
    checked = check_files(r, [tmp_path / "filled.xlsx"])
    assert charge_column(r, checked.calls) == [40, 190, 0]
