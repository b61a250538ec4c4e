"""The calls loaded from some inputs: every row read (errors included, flagged `has_error`), the
findings, the files, and the appeals applied; selected by period for a report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .accounting import Selection, select
from .appeals import AppealOutcome
from .findings import Finding
from .periods import Period
from .roster import Roster


@dataclass
class Loaded:
    """Every call read from the inputs (errors included, flagged `has_error`) and the findings;
    with appeals applied when a register was given."""

    calls: pd.DataFrame
    findings: list[Finding]
    files: list[Path]
    notes: list[str] = field(default_factory=list)
    appeals: list[AppealOutcome] | None = None  # None: no register given
    roster: Roster | None = None  # None: agent ids were not checked

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

    def select(self, period: Period) -> Selection:
        """The valid calls of the period, the findings of its rows and of whole sheets, and the
        account of every row read (`accounting.select`; `analysis.analyse` completes it)."""
        return select(self.calls, self.findings, period, roster_given=self.roster is not None)
