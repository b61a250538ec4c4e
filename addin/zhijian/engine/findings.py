"""Validation findings: a problem in a sheet is a value, collected, never raised one by one.

The same list feeds the CLI table, `--json`, the highlights written into a copy of the workbook
and the 校验结果 sheet.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Iterable


class Rule(StrEnum):
    """Stable rule ids of findings (the `rule` field of `--json`)."""

    SCORE_NOT_ALLOWED = "score.not_allowed"
    SCORE_UNREADABLE = "score.unreadable"
    SCORE_MISSING = "score.missing"
    SCORE_NA_FORBIDDEN = "score.na_forbidden"
    FIELD_MISSING = "field.missing"
    DATE_UNREADABLE = "date.unreadable"
    DATE_OUT_OF_PERIOD = "date.out_of_period"
    AGENT_UNKNOWN = "agent.unknown"
    RECORDING_DUPLICATE = "recording.duplicate"
    BONUS_NOT_ALLOWED = "bonus.not_allowed"
    DEDUCTION_NOT_ALLOWED = "deduction.not_allowed"
    FLAG_UNREADABLE = "flag.unreadable"
    FATAL_INVALID = "fatal.invalid"
    ERROR_DEDUCTION_INVALID = "error_deduction.invalid"
    OFFENCE_INVALID = "offence.invalid"
    TOTAL_MISMATCH = "total.mismatch"
    FORMULA_ERROR = "formula.error"
    COLUMN_UNKNOWN_RULE = "column.unknown_rule"
    SHEET_UNMAPPED = "sheet.unmapped"
    SHEET_OTHER_RUBRIC = "sheet.other_rubric"
    FILE_UNREADABLE = "file.unreadable"
    APPEAL_UNKNOWN_RECORDING = "appeal.unknown_recording"
    APPEAL_LATE = "appeal.late"
    APPEAL_SCORE_NOT_ALLOWED = "appeal.score_not_allowed"
    APPEAL_NO_DECIDER = "appeal.no_decider"
    APPEAL_INVALID = "appeal.invalid"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


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

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("row")
        d["rule"] = str(self.rule)
        d["severity"] = str(self.severity)
        d["value"] = _jsonable(self.value)
        return d


def _jsonable(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


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
