"""The calls loaded from some inputs: every row read (errors included, flagged `has_error`), the
findings, the files, and the appeals applied; selected by period for a report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .appeals import AppealOutcome
from .findings import Finding
from .periods import Period


@dataclass
class Loaded:
    """Every call read from the inputs (errors included, flagged `has_error`) and the findings;
    with appeals applied when a register was given."""

    calls: pd.DataFrame
    findings: list[Finding]
    files: list[Path]
    notes: list[str] = field(default_factory=list)
    appeals: list[AppealOutcome] | None = None  # None: no register given

    def appeals_of(self, period: Period) -> list[AppealOutcome] | None:
        """The appeals on calls of the period (and those naming no known call)."""
        if self.appeals is None:
            return None
        dates = dict(zip(self.calls["recording_id"].tolist(), self.calls["date"].tolist()))
        return [o for o in self.appeals
                if not isinstance(dates.get(o.appeal.recording_id), dt.date)
                or dates[o.appeal.recording_id] in period]

    def dates(self) -> list[dt.date]:
        return [d for d in self.calls["date"].tolist() if isinstance(d, dt.date)]

    def select(self, period: Period) -> tuple[pd.DataFrame, list[Finding], int]:
        """(valid calls of the period, the findings of its rows and of whole sheets, the number
        of its rows excluded for errors)."""
        calls = self.calls
        in_period = calls[np.array([isinstance(d, dt.date) and d in period for d in calls["date"].tolist()],
                                   dtype=bool)]
        keys = set(zip(in_period["file"].tolist(), in_period["sheet"].tolist(), in_period["row"].tolist()))
        findings = [f for f in self.findings if f.row is None or (f.file, f.sheet, f.row) in keys]
        valid = in_period[~in_period["has_error"].astype(bool)]
        return valid.reset_index(drop=True), findings, len(in_period) - len(valid)
