"""Rubrics (评分标准): the model of one scoring form and the checks of its cross-references.

A rubric is data. Structure and types are checked by pydantic; the cross-references (a bonus on
a missing item, weights that do not reach full marks, ...) by `rubric_problems`, which gives each
problem with its path in the document, so that the loader (`zhijian.files.rubrics`, which reads
the YAML) can point every problem at its line. Nothing here reads a file or knows YAML.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from .ledger_model import Escalation, Ledger
from .model_base import HandWritten
from .rubric_rules import band_edge_conflicts, fmt_number, resolve_defaults  # noqa: F401 (re-exported)
from .scale import Scale, ScaleField

Severity = Literal["一般", "严重"]
ItemClass = Literal["服务素质", "服务能力"]
# What a blank item cell means: "error" (not scored yet: the row has no score until it is filled)
# or "na" (不涉及, counted as the item's N/A rule says).
Blank = Literal["error", "na"]
# What 不涉及 counts as: "full" (the item's maximum, the default), "zero", or "exclude" (the item
# leaves both the points and the maxima: the call is scored on the applicable items only).
NaPolicy = Literal["full", "zero", "exclude"]


class _Model(HandWritten):
    model_config = ConfigDict(populate_by_name=True)


def level_word(text: object) -> str:
    """A word typed in a cell or written in a rubric, as words are compared: full-width forms
    folded (NFKC), no spaces, case folded ("Ｐａｓｓ " and "PASS" are one word)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).casefold()


def _no_yaml_bool(v: Any) -> Any:
    # YAML reads an unquoted yes/no/on/off/true/false as a truth value, not as the word.
    if isinstance(v, bool):
        raise ValueError('YAML 把 yes/no/on/off/true/false 读成了真假值;作为文字时请加引号,如 "yes"')
    return v


Labels = dict[str, float]  # 等级文字 -> points: {优秀: 10, 良好: 8, 一般: 6, 差: 3}
Word = Annotated[str, BeforeValidator(_no_yaml_bool)]


class ScoreRange(_Model):
    min: float = 0
    max: float
    step: float = 1


class Item(_Model):
    """评分项: one scored item. `levels` or `range` say which values are allowed; `labels` name
    some of them with words (优秀/良好/…), and the rubric's `pass_words`/`fail_words` stand for
    the item's best and worst value."""

    name: str
    code: str | None = None  # the form's own number of the item ("1.1"), kept whole
    max: float
    levels: list[float] | None = None
    range: ScoreRange | None = None
    na: Literal["full", "zero", "exclude", "forbidden"] = "full"  # unset: the rubric's `na`
    blank: Blank | None = None  # None: the rubric's `blank`
    severity: Severity = "一般"
    item_class: ItemClass = Field("服务能力", alias="class")
    points: list[str] = []  # 评分点: the checklist behind the score, recorded as remarks
    aliases: list[str] = []
    labels: Labels | None = None  # words for levels; None: the category's, else the rubric's
    note: str | None = None
    _level_labels: Labels = PrivateAttr(default_factory=dict)  # resolved by the Rubric

    @property
    def level_labels(self) -> Labels:
        """The level words of this item and their points, as written (its own `labels`, else its
        category's, else the rubric's; {} when none)."""
        return self._level_labels

    @property
    def na_allowed(self) -> bool:
        """Whether a cell may say 不涉及 (any policy but `forbidden`)."""
        return self.na != "forbidden"

    @property
    def negative(self) -> bool:
        """A 扣分项: maximum 0 and levels at or below it (0/−2), taken off its category."""
        return self.max == 0

    def allowed(self, value: float) -> bool:
        if self.levels is not None:
            return any(math.isclose(value, lv) for lv in self.levels)
        r = self.range or ScoreRange(min=0, max=self.max, step=1)
        if value < r.min - 1e-9 or value > r.max + 1e-9:
            return False
        k = (value - r.min) / r.step
        return math.isclose(k, round(k), abs_tol=1e-9)

    def allowed_values(self) -> list[float]:
        """Every allowed value, highest first (for dropdowns and messages)."""
        if self.levels is not None:
            return sorted(self.levels, reverse=True)
        r = self.range or ScoreRange(min=0, max=self.max, step=1)
        n = int(round((r.max - r.min) / r.step))
        return [r.max - i * r.step for i in range(n + 1)]

    def describe_allowed(self) -> str:
        if self.levels is not None or self.range is None:
            return "/".join(fmt_number(v) for v in self.allowed_values())
        if self.range.step == 1 and float(self.range.min).is_integer():
            return f"{fmt_number(self.range.min)}–{fmt_number(self.range.max)} 的整数"
        return f"{fmt_number(self.range.min)}–{fmt_number(self.range.max)}(步长 {fmt_number(self.range.step)})"


class Category(_Model):
    """类别 / 评分单项: a group of items with its own maximum."""

    name: str
    max: float | None = None
    items: list[Item]
    labels: Labels | None = None  # level words for the items without their own
    weight: float | None = None  # weighted forms: category score = points / max × weight
    note: str | None = None

    @property
    def max_points(self) -> float:
        return self.max if self.max is not None else sum(i.max for i in self.items)


class Bonus(_Model):
    """加分: points added to an item, `max_times` at most per call."""

    id: str
    name: str
    item: str
    points: float = 1
    max_times: int = 1
    # How far a bonus may lift: none = not above the item's max; item = the item may exceed its
    # max but not its category's; category = the category may exceed its max. The call never
    # exceeds full marks.
    lift: Literal["none", "item", "category"] = "none"
    aliases: list[str] = []
    note: str | None = None


class Deduction(_Model):
    """减分: points taken from an item (never below 0), `max_times` at most per call."""

    id: str
    name: str
    item: str
    points: float = 1
    max_times: int = 1
    aliases: list[str] = []
    note: str | None = None


class ZeroOut(_Model):
    """A rule that, when it fires, sets an item, a category or the whole call to 0."""

    id: str
    name: str
    scope: Literal["item", "category", "call"]
    target: str | None = None
    aliases: list[str] = []
    note: str | None = None


class FatalErrors(_Model):
    """致命性错误: counted separately; zero the call when `zero_call`."""

    enabled: bool = False
    zero_call: bool = False
    aliases: list[str] = []
    note: str | None = None


class ErrorDeduction(_Model):
    """差错扣分: serious errors scored outside the items, subtracted from the call score."""

    enabled: bool = False
    min: float = 0
    max: float = 10
    aliases: list[str] = []
    note: str | None = None


class Offence(_Model):
    """A per-occurrence deduction (base-100 forms): `points` off for each time it happened,
    doubled (`multiplier`) for each occurrence that caused a complaint, when `doubled_when` is set."""

    id: str
    code: str | None = None  # the 条款's number in the form ("8"), kept whole
    name: str
    points: float
    doubled_when: str | None = None
    multiplier: float = 2
    escalation: Escalation | None = None  # points by repeat count (ledger rubrics; `ledger_model`)
    severity: Severity = "一般"
    item_class: ItemClass = Field("服务能力", alias="class")
    aliases: list[str] = []
    note: str | None = None


class Grade(_Model):
    """A grade band: scores ≥ `min`, or, when the rubric states an exclusive edge, scores > `above`."""

    name: str
    min: float | None = None
    above: float | None = None

    @model_validator(mode="after")
    def _one_edge(self) -> "Grade":
        if (self.min is None) == (self.above is None):
            raise ValueError(f"等级“{self.name}”应有 min(含该分)或 above(不含该分)之一")
        return self

    @property
    def edge(self) -> float:
        return self.min if self.min is not None else self.above

    @property
    def inclusive(self) -> bool:
        return self.min is not None

    def holds(self, score: float) -> bool:
        return score >= self.min - 1e-9 if self.inclusive else score > self.above + 1e-9

    def describe(self) -> str:
        """"≥ 80" or "> 90"."""
        return f"{'≥' if self.inclusive else '>'} {fmt_number(self.edge)}"


class Marks(_Model):
    full: float = 100
    good: float = 80
    pass_: float = Field(60, alias="pass")


class AnalysisBands(_Model):
    """The analysis bands of the 服务质量分析表 (DOMAIN.md). 优良 is score > `excellent_above` and
    轻微不良 ends at it inclusive (85 ≤ score ≤ 90); a rubric whose grades start at the 优良 line
    inclusive states `excellent_from` instead: 优良 is score ≥ it and 轻微不良 ends below it."""

    bin_width: float = 5
    excellent_above: float = 90  # 优良: score > 90
    excellent_from: float | None = None  # 优良: score ≥ this (replaces excellent_above)
    slight: tuple[float, float] = (85, 90)  # 轻微不良: 85 <= score <= 90 (< 90 with excellent_from)
    general: tuple[float, float] = (80, 85)  # 一般不良: 80 <= score < 85
    calibration_band: float = 5  # 一致率: within ±5 of the benchmark

    @property
    def excellent_line(self) -> float:
        return self.excellent_from if self.excellent_from is not None else self.excellent_above

    @property
    def excellent_inclusive(self) -> bool:
        return self.excellent_from is not None

    def describe_excellent(self) -> str:
        """"最终得分 > 90" or "最终得分 ≥ 90"."""
        return f"最终得分 {'≥' if self.excellent_inclusive else '>'} {fmt_number(self.excellent_line)}"

    def describe_slight(self) -> str:
        s0, s1 = self.slight
        return f"{fmt_number(s0)} ≤ 最终得分 {'<' if self.excellent_inclusive else '≤'} {fmt_number(s1)}"

    def describe_general(self) -> str:
        g0, g1 = self.general
        return f"{fmt_number(g0)} ≤ 最终得分 < {fmt_number(g1)}"

    def to_dict(self) -> dict:
        """The bands in words, for `--json`: `below_80_rate` is the share below `below_from`
        (80 on a 100-point form, 32 on a 40-point one)."""
        return {"excellent": self.describe_excellent(), "slight": self.describe_slight(),
                "general": self.describe_general(), "below_from": self.general[0]}


class Rounding(_Model):
    """Rounding of the call score to `digits` decimals, half away from zero (Excel's ROUND)."""

    digits: int = 0


class Rubric(_Model):
    """评分标准: one scoring form."""

    id: str
    name: str
    version: str
    source: str | None = None
    assumptions: list[str] = []
    marks: Marks = Marks()
    # call score = scale × Σ category points (item rubrics): a number or an exact fraction "100/109"
    scale: ScaleField = Scale(1)
    base: float | None = None  # offence-only rubrics start here (default: full marks)
    categories: list[Category] = []
    bonuses: list[Bonus] = []
    deductions: list[Deduction] = []
    zero_outs: list[ZeroOut] = []
    fatal_errors: FatalErrors = FatalErrors()
    error_deduction: ErrorDeduction = ErrorDeduction()
    offences: list[Offence] = []
    ledger: Ledger | None = None  # the base is the agent's for a period, not the call's
    escalation: Escalation | None = None  # for every offence without its own
    grades: list[Grade] = []
    analysis: AnalysisBands = AnalysisBands()
    blank: Blank = "error"  # what a blank item cell means (an item may say otherwise)
    na: NaPolicy = "full"  # what 不涉及 counts as, for every item without its own `na`
    rounding: Rounding | None = None  # of the call score, before 差错扣分
    labels: Labels | None = None  # level words for every item without its own (or its category's)
    # Marks typed for a whole item: a pass word is the item's maximum, a fail word its lowest
    # allowed value (√/×, 是/否, Y/N, PASS/FAIL, 合格/不合格, Ya/Tidak: each rubric says its own).
    pass_words: list[Word] = []
    fail_words: list[Word] = []
    field_aliases: dict[str, list[str]] = {}

    # Filled in by the loader, not part of the file.
    path: str | None = Field(None, exclude=True)
    content_hash: str | None = Field(None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        return resolve_defaults(data)  # the rubric-level defaults (na, bands), on the raw data

    @model_validator(mode="after")
    def _resolve_labels(self) -> "Rubric":
        # Each item's level words: its own, else its category's, else the rubric's.
        for c in self.categories:
            for it in c.items:
                chosen = it.labels if it.labels is not None else \
                    c.labels if c.labels is not None else self.labels or {}
                it._level_labels = dict(chosen)
        return self

    @cached_property
    def items(self) -> list[Item]:
        return [i for c in self.categories for i in c.items]

    @cached_property
    def item_by_name(self) -> dict[str, Item]:
        return {i.name: i for i in self.items}

    @cached_property
    def category_of(self) -> dict[str, Category]:
        return {i.name: c for c in self.categories for i in c.items}

    @cached_property
    def weighted(self) -> bool:
        """Whether the categories carry weights (category score = points / max × weight)."""
        return any(c.weight is not None for c in self.categories)

    @cached_property
    def excludes(self) -> bool:
        """Whether some item's 不涉及 leaves the maxima (`na: exclude`)."""
        return any(it.na == "exclude" for it in self.items)

    @property
    def full_marks(self) -> float:
        return self.marks.full

    @property
    def start_score(self) -> float:
        return self.base if self.base is not None else self.marks.full

    @property
    def ledger_base(self) -> float:
        """The agent's base for an assessment period (ledger rubrics)."""
        return self.ledger.base if self.ledger is not None and self.ledger.base is not None else self.start_score

    def grade_for(self, score: float) -> str:
        # Highest edge first; at one edge "> x" is the higher grade (as `scoring._grades`).
        for g in sorted(self.grades, key=lambda g: (-g.edge, g.inclusive)):
            if g.holds(score):
                return g.name
        return ""

    def cell_words(self, item: Item) -> dict[str, float]:
        """Every word a cell of `item` may hold instead of a number, by `level_word`, and its
        points: the item's level labels, the pass words (its maximum) and the fail words (its
        lowest allowed value)."""
        words = {level_word(w): float(item.max) for w in self.pass_words}
        words.update({level_word(w): float(min(item.allowed_values())) for w in self.fail_words})
        words.update({level_word(w): float(p) for w, p in item.level_labels.items()})
        return words

    @cached_property
    def item_by_code(self) -> dict[str, Item]:
        return {i.code: i for i in self.items if i.code}

    def blank_of(self, item: Item) -> Blank:
        """What a blank cell of `item` means: its own `blank`, else the rubric's."""
        return item.blank or self.blank

    def describe_grades(self) -> str:
        """"优秀 > 90、良好 ≥ 80、…"."""
        return "、".join(f"{g.name} {g.describe()}" for g in self.grades)


def rubric_as_dict(r: Rubric) -> dict[str, Any]:
    return r.model_dump(by_alias=True, exclude_none=True)
