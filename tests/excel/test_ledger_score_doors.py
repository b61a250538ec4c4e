"""`zhijian score --write` and the ribbon's 计算总分 on a ledger rubric: a call has no score of its
own, so each writes the call's 本通扣分 (what its occurrences cost the agent's ledger, escalated and
doubled, as 明细 shows it) in a column of that name, and leaves the sheet's own 最终得分 alone."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
from click.testing import CliRunner

from sheetkit import SheetSpec, write_xlsx
from zhijian.cli.main import cli
from zhijian.engine.columns import column_specs
from zhijian.excel import ribbon
from zhijian.excel.port import OpenpyxlPort
from zhijian.files.rubrics import load_rubric, parse_rubric

from ledgerkit import ESCALATING


def ledger_sheet(path, rubric, rows):
    """Fields, every 条款's columns, the team's own 最终得分 (a per-call balance) and 备注 (last: column
    letter after the 条款). rows: (day, agent, recording, {column key: count}, 最终得分)."""
    rules = [s for s in column_specs(rubric) if s.kind in ("offence", "complaint")]
    header = ["日期", "质检员", "工号", "姓名", "班组", "录音编号", *(s.header for s in rules), "最终得分", "备注"]
    body = [[day, "王敏", agent, agent, "一组", rid, *(counts.get(s.key, 0) for s in rules), total, ""]
            for day, agent, rid, counts, total in rows]
    return write_xlsx(path, [SheetSpec("评分表", [header, *body])]), len(header)


def test_score_write_gives_each_call_its_escalated_charge(tmp_path):
    rubric_file = tmp_path / "chat-escalating.yaml"
    rubric_file.write_text(ESCALATING, encoding="utf-8")
    r = parse_rubric(ESCALATING, str(rubric_file))
    src, width = ledger_sheet(tmp_path / "in.xlsx", r, [
        (dt.date(2026, 10, 1), "A1", "R1", {"offence:v2": 1}, 80),  # A1's 1st: 20
        (dt.date(2026, 10, 2), "A1", "R2", {"offence:v1": 1, "complaint:v1": 1}, 60),  # 2nd, doubled: 2 × 30 = 60
        (dt.date(2026, 10, 3), "B2", "R3", {}, 100),  # none: 0
    ])
    result = CliRunner().invoke(cli, ["score", str(src), "--rubric", str(rubric_file), "--write", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(c["final_score"], c["charge"]) for c in data["calls"]] == [(None, 20), (None, 60), (None, 0)]
    # A1's October ledger: 100 − 20 − 60 = 20
    assert [(a["agent_id"], a["score"]) for a in data["ledgers"][0]["agents"]] == [("A1", 20), ("B2", 100)]
    ws = openpyxl.load_workbook(data["written"][0])["评分表"]
    new = openpyxl.utils.get_column_letter(width + 1)
    assert ws[f"{new}1"].value == "本通扣分"
    assert [ws[f"{new}{r}"].value for r in (2, 3, 4)] == [20, 60, 0]
    total = openpyxl.utils.get_column_letter(width - 1)  # the team's 最终得分, untouched
    assert [ws[f"{total}{r}"].value for r in (1, 2, 3, 4)] == ["最终得分", 80, 60, 100]


def test_ribbon_score_writes_the_charge_beside_not_over_the_sheets_total(tmp_path, user_config):
    user_config.write_text("rubric: deduction-base100\n", encoding="utf-8")
    r = load_rubric("deduction-base100")
    src, width = ledger_sheet(tmp_path / "in.xlsx", r, [
        (dt.date(2026, 10, 1), "A1", "R1", {"offence:o01": 1}, 90),  # 10
        (dt.date(2026, 10, 2), "A1", "R2", {"offence:o08": 2, "complaint:o08": 1}, 82),  # 6 + 2 × 6 = 18
    ])
    port = OpenpyxlPort(src, save_to=tmp_path / "scored.xlsx")
    result = ribbon.score_on_port(port)
    ws = openpyxl.load_workbook(tmp_path / "scored.xlsx")["评分表"]
    new = openpyxl.utils.get_column_letter(width + 1)
    assert (ws[f"{new}1"].value, ws[f"{new}2"].value, ws[f"{new}3"].value) == ("本通扣分", 10, 18)
    assert ws[openpyxl.utils.get_column_letter(width - 1) + "3"].value == 82  # the sheet's own, kept
    assert result.details["columns"] == {"评分表": new}
    assert "2 通录音的本通扣分" in result.message and "不是得分" in result.message
    # a second press finds its own 本通扣分 column and writes there again (no third column)
    again = OpenpyxlPort(tmp_path / "scored.xlsx", save_to=tmp_path / "again.xlsx")
    assert ribbon.score_on_port(again).details["columns"] == {"评分表": new}
