"""Issue 14 attacked: the numbers of the new rubric rules as a careless or hostile lead types them.
`.nan` and `.inf` are numbers to YAML; each one in a rubric is refused at its line by `rubric
check` (exit 2) instead of scoring every call as nan (an escalation of `[20, .nan]` passed the
check and charged nan points from the second offence on; `max: .nan` made an item's cells
unscorable without saying why). A key written twice (YAML keeps the last one) is refused too."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostile_kit import invoke

FORMS = Path(__file__).resolve().parents[1] / "forms"
WEIGHTED = (FORMS / "charity_hotline" / "rubric.yaml").read_text(encoding="utf-8")
ESCALATING = (FORMS / "chat_escalation" / "rubric.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


CASES = {
    "escalation points": (ESCALATING, "[20, 30, 40, 50]", "[20, .nan]"),
    "escalation infinite": (ESCALATING, "[20, 30, 40, 50]", "[20, .inf]"),
    "item max": (WEIGHTED, "{name: 信息准确性, max: 10}", "{name: 信息准确性, max: .nan}"),
    "category weight": (WEIGHTED, "weight: 15", "weight: .nan"),
    "ledger base": (ESCALATING, "base: 100", "base: .inf"),
    "label points": (WEIGHTED, "{name: 信息准确性, max: 10}",
                     "{name: 信息准确性, max: 10, levels: [10, 0], labels: {好: .nan}}"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_nan_or_inf_in_a_rubric_is_refused_at_its_line(tmp_path, case):
    text, good, bad = CASES[case]
    assert good in text
    path = tmp_path / "r.yaml"
    path.write_text(text.replace(good, bad), encoding="utf-8")
    result = invoke("rubric", "check", path)
    assert result.exit_code == 2, result.output
    expected = f"r.yaml:{line_of(text, good)}:"
    assert expected in result.output and "有限" in result.output, result.output


@pytest.mark.parametrize("good, bad", [
    # YAML keeps the last of two equal keys: 好 would be 5 points, 记录规范 would weigh 35
    ("{name: 信息准确性, max: 10}", "{name: 信息准确性, max: 10, levels: [10, 5, 0], labels: {好: 10, 好: 5}}"),
    ("weight: 15", "weight: 15\n    weight: 35"),
])
def test_a_key_written_twice_is_refused_at_its_second_line(tmp_path, good, bad):
    path = tmp_path / "r.yaml"
    path.write_text(WEIGHTED.replace(good, bad), encoding="utf-8")
    result = invoke("rubric", "check", path)
    assert result.exit_code == 2, result.output
    line = line_of(WEIGHTED, good) + bad.count("\n")  # the second key's line
    assert f"r.yaml:{line}:" in result.output and "重复" in result.output, result.output


@pytest.mark.parametrize("text, good, bad", [
    # YAML reads yes/true as a truth value and pydantic took it as 1: digits 1, a 1-day window
    (WEIGHTED, "rounding: {digits: 0}", "rounding: {digits: yes}"),
    (ESCALATING, "window_days: 90", "window_days: true"),
    (WEIGHTED, "weight: 15", "weight: on"),
], ids=["digits", "window_days", "weight"])
def test_a_truth_value_where_a_number_goes_is_refused_at_its_line(tmp_path, text, good, bad):
    path = tmp_path / "r.yaml"
    path.write_text(text.replace(good, bad), encoding="utf-8")
    result = invoke("rubric", "check", path)
    assert result.exit_code == 2, result.output
    assert f"r.yaml:{line_of(text, good)}:" in result.output and "真假值" in result.output, result.output


def test_a_huge_number_is_shown_short(tmp_path):
    # base: 1e308 was printed with its 309 digits in the one line of the message
    path = tmp_path / "r.yaml"
    path.write_text(ESCALATING.replace("base: 100", "base: 1e308"), encoding="utf-8")
    result = invoke("rubric", "check", path)
    assert result.exit_code == 2 and "1e+308" in result.output and len(result.output) < 200, result.output
