"""Masking customer mobile and ID-card numbers in text (138****5678, 110105********002X): for
anything that is e-mailed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
ID18 = re.compile(_NOT_ALNUM_BEFORE + r"[1-9]\d{5}(?:18|19|20)\d{2}" + _DATE + r"\d{3}[0-9Xx]" + _NOT_ALNUM_AFTER)
ID15 = re.compile(_NOT_ALNUM_BEFORE + r"[1-9]\d{7}" + _DATE + r"\d{3}" + _NOT_ALNUM_AFTER)
MOBILE = re.compile(_NOT_ALNUM_BEFORE + r"(?P<prefix>(?:\+|00)?86[ -]?)?(?P<head>1[3-9]\d)[ -]?\d{4}[ -]?"
                    r"(?P<tail>\d{4})" + _NOT_ALNUM_AFTER)


@dataclass
class MaskReport:
    """How many mobile and ID-card numbers were masked, and in which parts of the workbook."""

    mobiles: int = 0
    ids: int = 0
    parts: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.mobiles + self.ids

    def describe(self) -> str:
        if not self.total:
            return "未发现手机号或身份证号"
        return f"已遮蔽手机号 {self.mobiles} 处、身份证号 {self.ids} 处"

    def to_dict(self) -> dict[str, Any]:
        return {"mobiles": self.mobiles, "ids": self.ids, "parts": self.parts}


def mask_text(text: str, report: MaskReport | None = None) -> str:
    """Mask mobile numbers (138****5678) and ID-card numbers (first 6, *, last 4) in `text`."""
    rep = report if report is not None else MaskReport()

    def ident(m: re.Match) -> str:
        rep.ids += 1
        s = m.group(0)
        return s[:6] + "*" * (len(s) - 10) + s[-4:]

    def mobile(m: re.Match) -> str:
        rep.mobiles += 1
        return (m.group("prefix") or "") + m.group("head") + "****" + m.group("tail")

    text = ID18.sub(ident, text)
    text = ID15.sub(ident, text)
    return MOBILE.sub(mobile, text)
