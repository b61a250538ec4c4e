"""Validation findings: a problem in a sheet is a value, collected, never raised one by one.

The same list feeds the CLI table, `--json`, the highlights written into a copy of the workbook
and the 校验结果 sheet. Each finding is made from its rule's entry in the catalogue
(`rules.CATALOGUE`, with `Finding.of`); a door adds its own hint on how to fix it (`with_hints`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from .rules import CATALOGUE, Rule, Severity

SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告"}


@dataclass(frozen=True)
class Finding:
    """One problem found in a sheet, pointing at its cell (e.g. "F12"; "" for the whole sheet)."""

    rule: Rule
    severity: Severity
    file: str
    sheet: str
    cell: str
    message: str
    value: Any = None
    row: int | None = field(default=None, compare=False)  # the data row it excludes, if any
    # The placeholders its message was made with (for a door's hint); not part of `--json`.
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, rule: Rule, file: str, sheet: str, cell: str, *, value: Any = None,
           row: int | None = None, variant: str | None = None, **params: Any) -> Finding:
        """The finding of `rule` (its `variant`), message and severity from the catalogue."""
        entry = CATALOGUE[rule]
        return cls(rule, entry.severity_of(variant), file, sheet, cell, entry.message(variant, **params),
                   value, row, params)

    @classmethod
    def restored(cls, rule: Rule | str, severity: Severity, file: str, sheet: str, cell: str, message: str,
                 value: Any = None, row: int | None = None) -> Finding:
        """A finding read back from where it was kept (the history store), its message as it was
        made then from the catalogue."""
        return cls(rule, severity, file, sheet, cell, message, value, row)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": str(self.rule), "severity": str(self.severity), "file": self.file,
                "sheet": self.sheet, "cell": self.cell, "message": self.message,
                "value": _jsonable(self.value)}


def _jsonable(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def with_hints(findings: Iterable[Finding], hints: Mapping[Rule, str]) -> list[Finding]:
    """The findings as a door shows them: a message whose rule has a hint in the door's table (how
    to fix it in that door's terms, e.g. a command-line option) gets it appended, filled from the
    finding's placeholders."""
    return [replace(f, message=f.message + hints[f.rule].format(**f.params)) if f.rule in hints else f
            for f in findings]


@dataclass
class ValidationReport:
    """Every finding of one validation run, with the counts the CLI and the ribbon show."""

    findings: list[Finding] = field(default_factory=list)
    rows: int = 0

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    @property
    def errors(self) -> int:
        return sum(f.severity == Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == Severity.WARNING for f in self.findings)

    def counts_by_rule(self) -> Counter:
        return Counter(str(f.rule) for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"findings": [f.to_dict() for f in self.findings],
                "summary": {"rows": self.rows, "errors": self.errors, "warnings": self.warnings}}
