"""The catalogue of finding rules (engine/rules.py) is complete, the README lists exactly its rule
ids, and every finding in the package is made from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from zhijian.engine.findings import Finding
from zhijian.engine.rules import CATALOGUE, Rule, Severity

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "addin" / "zhijian"


def readme_rule_ids() -> list[str]:
    """The ids of the sentence "Findings (`rule` ids are stable): …" in "Reading teams' own sheets"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Reading teams' own sheets", 1)[1].split("\n## ", 1)[0]
    start = section.index("Findings (`rule` ids are stable):")
    sentence = re.split(r"`\. ", section[start:], maxsplit=1)[0] + "`"
    return re.findall(r"`([a-z_]+\.[a-z_]+)`", sentence)


def test_the_readme_lists_exactly_the_catalogues_rule_ids():
    ids = readme_rule_ids()
    assert len(ids) == len(set(ids)), "a rule id is listed twice"
    assert sorted(ids) == sorted(str(r) for r in CATALOGUE)


def test_every_rule_has_an_entry():
    assert set(CATALOGUE) == set(Rule)
    assert all(entry.rule is rule for rule, entry in CATALOGUE.items())


@pytest.mark.parametrize("rule", list(Rule), ids=str)
def test_every_entry_has_a_title_a_template_and_a_fix(rule):
    entry = CATALOGUE[rule]
    assert entry.title.strip() and entry.template.strip() and entry.fix.strip()
    assert entry.severity in set(Severity)
    assert all(text.strip() for text in entry.variants.values())
    assert set(entry.variant_severity) <= set(entry.variants)
    # No door's terms in the engine's words: the CLI and the ribbon add their own hints.
    for text in (entry.template, entry.fix, *entry.variants.values()):
        assert "--" not in text and "按钮" not in text and "“配置”" not in text, text


def test_a_finding_is_made_from_its_entry():
    f = Finding.of(Rule.APPEAL_INVALID, "登记表.xlsx", "申诉", "H5", value="维持原判", row=5,
                   variant="arbitration_unasked")
    assert (f.severity, f.message) == (Severity.WARNING, "只有复核结果为“提交仲裁”的申诉才有仲裁结果")
    f = Finding.of(Rule.SCORE_MISSING, "a.xlsx", "评分表", "F3", row=3, item="开场白及挂机")
    assert (f.severity, f.message) == (Severity.ERROR, "“开场白及挂机”没有评分(不涉及请写“不涉及”)")
    assert f.params == {"item": "开场白及挂机"}
    assert "params" not in f.to_dict()


def test_a_doors_hint_is_filled_from_the_findings_placeholders():
    from zhijian.engine.findings import with_hints

    f = Finding.of(Rule.SHEET_OTHER_RUBRIC, "a.xlsx", "QC", "A1", value="qc-v3.1", other_name="QC",
                   other_id="qc-v3.1", rubric_name="监听", rubric_id="listening-10x4")
    other = Finding.of(Rule.SCORE_MISSING, "a.xlsx", "QC", "F3", item="问候语")
    hinted, same = with_hints([f, other], {Rule.SHEET_OTHER_RUBRIC: "(换成 {other_id})"})
    assert hinted.message == f.message + "(换成 qc-v3.1)"
    assert (hinted.rule, hinted.cell, hinted.value) == (f.rule, f.cell, f.value)
    assert same is other


def test_no_finding_is_written_outside_the_catalogue():
    # Every Finding in the package is made with Finding.of, so its text comes from the catalogue.
    direct = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "findings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
                direct.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert direct == []
