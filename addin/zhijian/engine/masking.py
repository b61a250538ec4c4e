"""Masking customer mobile and ID-card numbers in text (138****5678, 110105********002X): for
anything that is e-mailed (the attached copy, the subject, the body, the attachment's name, the
`--json` plan).

`mask_text` is the one function. It finds the numbers however they are typed:
- mobiles: 13812345678, +86 138 1234 5678, 0086-138-1234-5678, (138)1234-5678, 138.1234.5678,
  138/1234/5678, 138  1234  5678, glued to letters (tel13812345678, No13812345678, 13812345678abc);
- ID cards: 18 characters (the last may be X) with a valid birth date, also split by spaces or
  dashes (110105 19900101 1234, 110105-1990-0101-1234), glued to letters (ID110105…), and the old
  15-digit form;
- full-width digits and separators (１３８１２３４５６７８, １３８－１２３４－５６７８) like ASCII ones.
A number inside a longer run of digits (an order number, an amount such as 13812345678.00) is
left alone, and so are dates, times and amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Full-width digits, X and separators read as their ASCII twins (one character for one, so that
# a match in the translated text is a match at the same place in the original).
_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                            "Ｘ": "X", "ｘ": "x", "－": "-", "（": "(", "）": ")", "．": ".", "／": "/",
                            "\u3000": " ", "＋": "+", "—": "-", "–": "-"})

_NOT_IN_NUMBER_BEFORE = r"(?<!\d)(?<!\d\.)"  # not the tail of a longer number or of an amount
_NOT_IN_NUMBER_AFTER = r"(?!\d)(?!\.\d)"
_SEP = r"[ .\-/]{0,3}"  # between the groups of a mobile: nothing, or a few separators
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"

MOBILE = re.compile(
    _NOT_IN_NUMBER_BEFORE
    + r"(?P<prefix>(?:\(\s*)?(?:\+|00)?86(?:\s*\))?[ \-]{0,2})?"
    + r"(?P<open>\()?(?P<head>1[3-9]\d)(?(open)\))" + _SEP
    + r"(?P<mid>\d{4})" + _SEP + r"(?P<tail>\d{4})"
    + _NOT_IN_NUMBER_AFTER, re.ASCII)
ID18 = re.compile(_NOT_IN_NUMBER_BEFORE + r"[1-9]\d{5}(?:18|19|20)\d{2}" + _DATE + r"\d{3}[0-9Xx]"
                  + r"(?![0-9Xx])(?!\.\d)", re.ASCII)
ID15 = re.compile(_NOT_IN_NUMBER_BEFORE + r"[1-9]\d{7}" + _DATE + r"\d{3}" + _NOT_IN_NUMBER_AFTER, re.ASCII)
# An ID number typed in groups: 18 characters with single (or double) spaces or dashes between some
# of them; checked as an ID once the separators are taken out.
_ID_SPLIT = re.compile(r"(?<![\d\-])\d(?:[ \-]{0,2}\d){16}[ \-]{0,2}[\dXx](?![\dXx])(?![ \-]?\d)", re.ASCII)
_ID18_DIGITS = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}" + _DATE + r"\d{3}[0-9Xx]", re.ASCII)


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


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, at = [], 0
    for start, end, new in sorted(spans):
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)


def _id_spans(original: str, ascii_text: str, rep: MaskReport) -> list[tuple[int, int, str]]:
    """ID numbers, whole or typed in groups: the first 6 and last 4 characters kept."""
    spans = []
    taken: list[tuple[int, int]] = []
    for pattern in (ID18, _ID_SPLIT, ID15):
        for m in pattern.finditer(ascii_text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            chars = [i for i in range(s, e) if ascii_text[i] not in " -"]
            if pattern is _ID_SPLIT and (len(chars) != 18 or not _ID18_DIGITS.fullmatch(
                    "".join(ascii_text[i] for i in chars))):
                continue
            keep = set(chars[:6] + chars[-4:])
            masked = "".join(original[i] if i in keep or i not in chars else "*" for i in range(s, e))
            spans.append((s, e, masked))
            taken.append((s, e))
            rep.ids += 1
    return spans


def mask_text(text: str, report: MaskReport | None = None) -> str:
    """Mask mobile numbers (138****5678) and ID-card numbers (first 6, *, last 4) in `text`."""
    spans = mask_spans(text, report)
    return _replace(text, spans) if spans else text


def mask_spans(text: str, report: MaskReport | None = None) -> list[tuple[int, int, str]]:
    """Where `mask_text` changes `text`: (start, end, masked text) for each number, in no order."""
    rep = report if report is not None else MaskReport()
    if not text or not any(ch.isdigit() for ch in text):
        return []
    ascii_text = text.translate(_FULLWIDTH)
    spans = _id_spans(text, ascii_text, rep)
    taken = [(s, e) for s, e, _ in spans]
    for m in MOBILE.finditer(ascii_text):
        s, e = m.span()
        if any(s < te and ts < e for ts, te in taken):
            continue
        rep.mobiles += 1
        prefix = text[m.start("prefix"):m.end("prefix")] if m.group("prefix") else ""
        head = text[m.start("head"):m.end("head")]
        tail = text[m.start("tail"):m.end("tail")]
        spans.append((s, e, prefix + head + "****" + tail))
        taken.append((s, e))
    return spans
