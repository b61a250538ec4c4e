"""Issue 13, "audit": inputs are told apart by their path below the inputs' folder (two day.xlsx in
different folders), the appeals register's recorded hash is compared, and a broken workbook is one
message."""

from __future__ import annotations

import json

import openpyxl

from hostile_kit import D2, RUBRIC, assert_one_message, invoke, sheet
from zhijian.files.provenance import Provenance, read_provenance


def test_two_inputs_of_the_same_name_are_told_apart(tmp_path):
    sheets = tmp_path / "sheets"
    a = sheet(sheets / "一组", "day.xlsx")
    b = sheet(sheets / "二组", "day.xlsx", inspector="陈静", day=D2)
    out = tmp_path / "analysis.xlsx"
    assert invoke("consolidate", sheets, "--rubric", RUBRIC, "--period", "week", "-o", out).exit_code == 0
    prov = read_provenance(out)
    assert [e[2] for e in prov.inputs] == ["一组/day.xlsx", "二组/day.xlsx"]
    r = invoke("audit", out, sheets, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["changed_inputs"] == []
    # The second group's inspector corrects a score: only that file is named.
    wb = openpyxl.load_workbook(b)
    wb.active["F2"] = 4
    wb.save(b)
    r = invoke("audit", out, sheets, "--json")
    data = json.loads(r.stdout)
    assert r.exit_code == 1
    assert data["changed_inputs"] == [str(b)] and data["missing_inputs"] == [] and data["extra_inputs"] == []
    # Given from another folder (copied elsewhere), they are still matched by their path below it.
    copy = tmp_path / "elsewhere"
    (copy / "一组").mkdir(parents=True)
    (copy / "一组" / "day.xlsx").write_bytes(a.read_bytes())
    r = invoke("audit", out, copy, "--json")
    data = json.loads(r.stdout)
    assert data["changed_inputs"] == [] and data["missing_inputs"] == ["二组/day.xlsx"]


def test_a_changed_register_is_named(tmp_path):
    from zhijian.files.rubrics import load_rubric
    from zhijian.reports.appeals_template import write_appeals_template

    sheets = tmp_path / "sheets"
    sheet(sheets, "day.xlsx")
    reg = write_appeals_template(load_rubric(RUBRIC), tmp_path / "reg.xlsx")
    out = tmp_path / "analysis.xlsx"
    assert invoke("consolidate", sheets, "--rubric", RUBRIC, "--appeals", reg, "-o", out).exit_code == 0
    assert json.loads(invoke("audit", out, sheets, "--json").stdout)["changed_others"] == []
    wb = openpyxl.load_workbook(reg)
    wb.active["A40"] = "备注"
    wb.save(reg)
    r = invoke("audit", out, sheets)
    assert f"申诉登记表 {reg} 在报表生成后被修改(哈希不一致)" in r.stdout


def test_old_provenance_without_relative_paths_still_audits(tmp_path):
    prov = Provenance.from_json(json.dumps({"command": "consolidate", "rubric_id": "x", "rubric_version": "1",
                                            "rubric_hash": "", "rubric_source": "x",
                                            "inputs": [["/old/place/day.xlsx", "00"]]}))
    assert prov.inputs == [("/old/place/day.xlsx", "00")] and prov.roster is None
    from zhijian.pipeline.audit import match_inputs
    from pathlib import Path

    matched, missing, extra = match_inputs(prov.inputs, [Path("/new/place/day.xlsx")])
    assert [m[0] for m in matched] == [Path("/new/place/day.xlsx")] and missing == [] and extra == []


def test_a_broken_workbook_is_one_message(tmp_path):
    sheets = tmp_path / "sheets"
    sheet(sheets, "day.xlsx")
    out = tmp_path / "analysis.xlsx"
    assert invoke("consolidate", sheets, "--rubric", RUBRIC, "-o", out).exit_code == 0
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    r = invoke("audit", broken, sheets)
    assert r.exit_code == 2
    assert_one_message(r.stderr, f"{broken}: 文件已损坏或不是 Excel 工作簿")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    r = invoke("audit", junk, sheets)
    assert r.exit_code == 2 and "Traceback" not in r.output
