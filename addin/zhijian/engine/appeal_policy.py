"""When an appeal (申诉) is in time: the policy alone, without the appeals' reading and scoring, so
that the commands can take it as an option before they import pandas (`pipeline.reading` reads the
files while the engine is imported)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

from zhijian.errors import OptionError

from .rubric_rules import fmt_number


@dataclass(frozen=True)
class AppealPolicy:
    """When an appeal is in time: within `window_hours` of the score's publication, which is
    `publish_days_after` days after the call's date at `publish_time`. Default (SOP-15.1: scores
    are published the same day before the end of work): the call's day at 18:00."""

    window_hours: float = 48
    publish_days_after: int = 0
    publish_time: dt.time = dt.time(18, 0)

    def published_at(self, call_date: dt.date) -> dt.datetime:
        return dt.datetime.combine(call_date + dt.timedelta(days=self.publish_days_after), self.publish_time)

    def deadline(self, call_date: dt.date) -> dt.datetime:
        return self.published_at(call_date) + dt.timedelta(hours=self.window_hours)

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | None) -> "AppealPolicy":
        """The policy a report recorded in its options (`jobs.policy_options`), else the default."""
        o = options or {}
        if "window_hours" not in o:
            return cls()
        return cls(window_hours=float(o["window_hours"]), publish_days_after=int(o["publish_days_after"]),
                   publish_time=dt.time.fromisoformat(str(o["publish_time"])))

    def describe(self) -> str:
        """"成绩公布: 评分当天 18:00;申诉时限: 公布后 48 小时"."""
        day = {0: "评分当天", 1: "评分次日"}.get(self.publish_days_after, f"评分后第 {self.publish_days_after} 天")
        return (f"成绩公布: {day} {self.publish_time:%H:%M};"
                f"申诉时限: 公布后 {fmt_number(self.window_hours)} 小时")


def parse_publish_time(text: str) -> tuple[int, dt.time]:
    """"18:00" (the call's day) or "+1 10:00" (days after the call's day) -> (days, time)."""
    m = re.fullmatch(r"\s*(?:\+(\d+)\s+)?(\d{1,2})[:：](\d{2})\s*", text or "")
    if not m or int(m.group(2)) > 23 or int(m.group(3)) > 59:
        raise OptionError(f"无法识别的成绩公布时间“{text}”,请写成 18:00(评分当天)或 +1 10:00(评分次日)")
    return int(m.group(1) or 0), dt.time(int(m.group(2)), int(m.group(3)))
