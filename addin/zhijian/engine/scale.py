"""A rubric's `scale`: how raw item points become the call score, as the form writes it.

`scale: 2` (listening-10x4: 2 × 50 raw points) or an exact fraction `scale: "100/109"` (qc-v3.1:
its items total 109 raw points and the call is stated on 100). A `Scale` is a float, so every
figure that multiplies by it stays as it was; it keeps the text as written, so that `rubric show`,
the 评分表's notes and its formula (× 100/109, not × 0.917431…) say what the rubric says.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator

_NUMBER = r"\d+(?:\.\d+)?"
_WRITTEN = re.compile(rf"\s*({_NUMBER})\s*(?:/\s*({_NUMBER})\s*)?")


class Scale(float):
    """The factor of the call score: a float that remembers whether it was written as a fraction."""

    fraction: Fraction  # exact value
    written: tuple[str, str] | None  # numerator and denominator as written ("100", "109"), if a fraction

    def __new__(cls, value: Fraction | float | int, written: tuple[str, str] | None = None) -> "Scale":
        exact = Fraction(value)
        obj = super().__new__(cls, float(exact))
        obj.fraction = exact
        obj.written = written
        return obj

    @property
    def written_as_fraction(self) -> bool:
        return self.written is not None

    @property
    def text(self) -> str:
        """"100/109" as written, or the number as a person writes it ("2", "0.5")."""
        if self.written:
            return "/".join(self.written)
        return str(int(self)) if float(self).is_integer() else f"{float(self):g}"

    def formula_times(self, expr: str) -> str:
        """`expr` scaled, as an Excel formula: multiplied first, divided last, as a person does it."""
        if self.written:
            return f"({expr})*{self.written[0]}/{self.written[1]}"
        return expr if self == 1 else f"{self.text}*({expr})"

    def __repr__(self) -> str:
        return f"Scale({self.text!r})"

    def __reduce__(self):  # copies and pickles keep the written form
        return (Scale, (self.fraction, self.written))


def parse_scale(v: Any) -> Scale:
    """A number (2, 0.5) or a fraction written as text ("100/109"); positive."""
    if isinstance(v, Scale):
        return v
    if isinstance(v, bool):
        raise ValueError('scale 应为正数或分数,如 2 或 "100/109"')
    if isinstance(v, (int, float)):
        s = Scale(v)
    elif isinstance(v, str) and (m := _WRITTEN.fullmatch(v)):
        top, bottom = Fraction(m.group(1)), Fraction(m.group(2) or 1)
        if bottom == 0:
            raise ValueError(f"scale “{v}” 的分母为 0")
        s = Scale(top / bottom, (m.group(1), m.group(2)) if m.group(2) else None)
    else:
        raise ValueError(f'scale 应为正数或分数,如 2 或 "100/109",而不是“{v}”')
    if s <= 0:
        raise ValueError(f"scale 应大于 0,而不是 {s.text}")
    return s


def _dump_scale(s: Scale) -> str | float | int:
    if s.written_as_fraction:
        return s.text
    return int(s) if float(s).is_integer() else float(s)


ScaleField = Annotated[float, PlainValidator(parse_scale), PlainSerializer(_dump_scale)]


def describe_scaling(scale: Scale, raw: float, full: float) -> str:
    """How raw item points become the call score, in the user's words (rubric show, 评分表 notes):
    "整通得分 = 各类别得分之和 × 100/109(评分项满分合计 109 分,109 × 100/109 = 满分 100)"."""
    r = str(int(raw)) if float(raw).is_integer() else f"{raw:g}"
    f = str(int(full)) if float(full).is_integer() else f"{full:g}"
    if scale == 1:
        return "整通得分 = 各类别得分之和"
    if not scale.written_as_fraction:
        return f"整通得分 = {scale.text} × 各类别得分之和(评分项满分合计 {r})"
    return f"整通得分 = 各类别得分之和 × {scale.text}(评分项满分合计 {r} 分,{r} × {scale.text} = 满分 {f})"

LIFT_WORDS = {  # what a bonus's `lift` lets it do, in the user's words
    "none": "不超过该项满分",
    "item": "可超过该项满分,不超过类别满分",
    "category": "可超过该项及类别满分,整通不超过满分",
}
