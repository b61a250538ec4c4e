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

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from .ledger_model import Escalation, Ledger, ledger_problems
from .rubric_rules import band_edge_conflicts, fmt_number, resolve_defaults, rule_problems  # noqa: F401 (re-exported)
from .scale import Scale, ScaleField

Severity = Literal["一般", "严重"]
ItemClass = Literal["服务素质", "服务能力"]
# What a blank item cell means: "error" (not scored yet: the row has no score until it is filled)
# or "na" (不涉及, counted as the item's N/A rule says).
Blank = Literal["error", "na"]
# What 不涉及 counts as: "full" (the item's maximum, the default), "zero", or "exclude" (the item
# leaves both the points and the maxima: the call is scored on the applicable items only).
NaPolicy = Literal["full", "zero", "exclude"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


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
        for g in sorted(self.grades, key=lambda g: (-g.edge, not g.inclusive)):
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


# --- checks pydantic cannot express ------------------------------------------------------------

def rubric_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """Cross-reference checks pydantic cannot express; each problem with its path in the file."""
    probs: list[tuple[tuple, str]] = []
    if not r.categories and not r.offences:
        probs.append(((), "评分标准既没有 categories(评分项)也没有 offences(扣分条款)"))
    probs += _category_problems(r)
    probs += _marks_problems(r)
    probs += _rule_problems(r)
    probs += _setting_problems(r)
    probs += _word_problems(r)
    probs += ledger_problems(r)
    probs += rule_problems(r)  # weights, negative items, bands, rounding
    return probs


def _category_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """Categories and their items: unique names, maxima that add up, levels and ranges."""
    probs: list[tuple[tuple, str]] = []
    names: dict[str, tuple] = {}
    for ci, c in enumerate(r.categories):
        cpath = ("categories", ci)
        if c.name in names:
            probs.append((cpath + ("name",), f"名称“{c.name}”重复"))
        names[c.name] = cpath
        if not c.items:
            probs.append((cpath + ("items",), f"类别“{c.name}”没有评分项"))
        items_sum = sum(i.max for i in c.items)
        if c.max is not None and not math.isclose(c.max, items_sum):
            probs.append((cpath + ("max",),
                          f"类别“{c.name}”满分 {fmt_number(c.max)} 与其评分项满分之和 {fmt_number(items_sum)} 不符"))
        for ii, it in enumerate(c.items):
            ipath = cpath + ("items", ii)
            if it.name in names:
                probs.append((ipath + ("name",), f"名称“{it.name}”重复"))
            names[it.name] = ipath
            probs += _item_problems(it, ipath)
    return probs


def _item_problems(it: Item, ipath: tuple) -> list[tuple[tuple, str]]:
    probs: list[tuple[tuple, str]] = []
    lows = it.levels if it.levels is not None else [it.range.min] if it.range is not None else []
    if it.max < 0 or (it.max == 0 and not any(v < 0 for v in lows)):
        probs.append((ipath + ("max",), f"评分项“{it.name}”满分必须大于 0"
                      "(扣分项满分为 0,等级为 0 和负数,如 levels: [0, -2])"))
    if it.levels is not None and it.range is not None:
        probs.append((ipath + ("range",), f"评分项“{it.name}”不能同时有 levels 和 range"))
    if it.levels is not None:
        if not it.levels:
            probs.append((ipath + ("levels",), f"评分项“{it.name}”的 levels 为空"))
        elif not any(math.isclose(v, it.max) for v in it.levels):
            probs.append((ipath + ("levels",),
                          f"评分项“{it.name}”的等级 {'/'.join(fmt_number(v) for v in it.levels)} 中没有满分 {fmt_number(it.max)}"))
        for li, v in enumerate(it.levels):
            if (v < 0 and not it.negative) or v > it.max + 1e-9:
                probs.append((ipath + ("levels", li),
                              f"评分项“{it.name}”的等级 {fmt_number(v)} 不在 0–{fmt_number(it.max)} 之内"))
    if it.range is not None:
        rg = it.range
        if not math.isclose(rg.max, it.max) or (rg.min < 0 and not it.negative) or rg.step <= 0 \
                or rg.min > rg.max:
            probs.append((ipath + ("range",),
                          f"评分项“{it.name}”的 range 应为 0 ≤ min ≤ max = 满分 {fmt_number(it.max)},步长大于 0"))
    return probs


def _marks_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """The weights reach full marks, the base equals them, and pass ≤ good ≤ full."""
    probs: list[tuple[tuple, str]] = []
    # Weights: the items, scaled, must reach full marks exactly.
    if r.categories and not r.weighted:  # weighted forms: `rubric_rules` checks the weights
        raw = sum(c.max_points for c in r.categories)
        if not math.isclose(r.scale * raw, r.marks.full):
            probs.append((("scale",) if "scale" in r.model_fields_set else ("categories",),
                          f"权重不合计: scale {r.scale.text} × 评分项满分之和 {fmt_number(raw)} = "
                          f"{fmt_number(round(r.scale * raw, 6))},不等于满分 {fmt_number(r.marks.full)}"))
    elif r.base is not None and not math.isclose(r.base, r.marks.full):
        probs.append((("base",), f"基准分 {fmt_number(r.base)} 应等于满分 {fmt_number(r.marks.full)}"))
    if not (0 <= r.marks.pass_ <= r.marks.good <= r.marks.full):
        probs.append((("marks",), "应满足 0 ≤ pass(最低允许) ≤ good(良好水平) ≤ full(最高期望)"))
    return probs


def _rule_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """Bonuses, deductions, zero-outs and offences: unique ids, targets that exist, sane points."""
    probs: list[tuple[tuple, str]] = []
    ids: set[str] = set()
    cats = {c.name for c in r.categories}
    for kind, rules in (("bonuses", r.bonuses), ("deductions", r.deductions),
                        ("zero_outs", r.zero_outs), ("offences", r.offences)):
        for k, rule in enumerate(rules):
            path = (kind, k)
            if rule.id in ids:
                probs.append((path + ("id",), f"规则编号“{rule.id}”重复"))
            ids.add(rule.id)
            label = {"bonuses": "加分项", "deductions": "减分项"}.get(kind)
            if label and rule.item not in r.item_by_name:
                probs.append((path + ("item",), f"{label}“{rule.name}”指向不存在的评分项“{rule.item}”"))
            if label and (rule.points <= 0 or rule.max_times < 1):
                probs.append((path + ("points",), f"{label}“{rule.name}”的分值和次数必须大于 0"))
            if kind == "zero_outs":
                probs += _zero_out_problems(r, rule, path, cats)
            if kind == "offences" and (rule.points <= 0 or rule.multiplier < 1):
                probs.append((path + ("points",), f"扣分条款“{rule.name}”的分值必须大于 0,倍数不小于 1"))
    return probs


def _zero_out_problems(r: Rubric, rule: ZeroOut, path: tuple, cats: set[str]) -> list[tuple[tuple, str]]:
    probs: list[tuple[tuple, str]] = []
    if rule.scope in ("item", "category") and rule.target is None:
        probs.append((path, f"清零规则“{rule.name}”缺少 target(要清零的评分项或类别)"))
    elif rule.scope == "item" and rule.target not in r.item_by_name:
        probs.append((path + ("target",), f"清零规则“{rule.name}”指向不存在的评分项“{rule.target}”"))
    elif rule.scope == "category" and rule.target not in cats:
        probs.append((path + ("target",), f"清零规则“{rule.name}”指向不存在的类别“{rule.target}”"))
    if rule.scope == "call" and rule.target is not None:
        probs.append((path + ("target",), f"整通清零规则“{rule.name}”不应有 target"))
    return probs


def _setting_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """差错扣分 bounds, the order of the grades, the analysis bin width."""
    probs: list[tuple[tuple, str]] = []
    ed = r.error_deduction
    if ed.enabled and not (0 <= ed.min <= ed.max):
        probs.append((("error_deduction",), "差错扣分应满足 0 ≤ min ≤ max"))
    if r.grades:
        edges = [g.edge for g in r.grades]
        if edges != sorted(edges, reverse=True):
            probs.append((("grades",), "等级应按 min 从高到低排列"))
        if min(edges) > 0 or not r.grades[-1].inclusive:
            probs.append((("grades",), "最低等级的 min 应为 0,否则低分没有等级"))
    a = r.analysis
    if a.bin_width <= 0 or r.marks.full % a.bin_width:
        probs.append((("analysis", "bin_width"), f"分组宽度 {fmt_number(a.bin_width)} 应能整除满分"))
    for ci, c in enumerate(r.categories):
        for ii, it in enumerate(c.items):
            if r.blank_of(it) == "na" and it.na == "forbidden":
                probs.append((("categories", ci, "items", ii, "blank"),
                              f"评分项“{it.name}”不允许不涉及(na: forbidden),留空不能按不涉及计(blank: na)"))
    return probs


def _word_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """Level labels, pass/fail words and codes: every word names an allowed value of each item it
    applies to, is no number and no 不涉及 word, a word is not both pass and fail, codes are unique."""
    from .cells import NA_WORDS  # the words a cell holds for 不涉及

    probs: list[tuple[tuple, str]] = []
    na = {level_word(w) for w in NA_WORDS}

    def bad_word(path: tuple, w: str, what: str) -> None:
        k = level_word(w)
        if not k:
            probs.append((path, f"{what}不能为空"))
        elif re.fullmatch(r"[+-]?\d+(\.\d+)?分?", k):
            probs.append((path, f"{what}“{w}”是数字,不能作为文字等级"))
        elif k in na:
            probs.append((path, f"{what}“{w}”表示不涉及,不能作为等级"))

    written = [(("labels",), r.labels)] + [(("categories", ci, "labels"), c.labels) for ci, c in enumerate(r.categories)]
    written += [(("categories", ci, "items", ii, "labels"), it.labels)
                for ci, c in enumerate(r.categories) for ii, it in enumerate(c.items)]
    for path, labels in written:
        for w in labels or {}:
            bad_word(path + (w,), w, "等级文字")
    for ci, c in enumerate(r.categories):
        for ii, it in enumerate(c.items):
            if it.labels is not None:
                where = ("categories", ci, "items", ii, "labels")
            elif c.labels is not None:
                where = ("categories", ci, "labels")
            else:
                where = ("labels",)
            wrong = [(w, p) for w, p in it.level_labels.items() if not it.allowed(p)]
            if wrong:
                shown = "、".join(f"“{w}” {fmt_number(p)}" for w, p in wrong)
                probs.append((where + (wrong[0][0],), f"等级文字的分值 {shown} 不是评分项“{it.name}”"
                                                      f"允许的分值({it.describe_allowed()})"))
    for key in ("pass_words", "fail_words"):
        for k, w in enumerate(getattr(r, key)):
            bad_word((key, k), w, "合格标记" if key == "pass_words" else "不合格标记")
    both = {level_word(w) for w in r.pass_words} & {level_word(w) for w in r.fail_words}
    for k, w in enumerate(r.fail_words):
        if level_word(w) in both:
            probs.append((("fail_words", k), f"“{w}”同时是合格标记和不合格标记"))
    for kind, rows in (("items", r.items), ("offences", r.offences)):
        seen: set[str] = set()
        for row in rows:
            if row.code and row.code in seen:
                probs.append((_path_of(r, kind, row) + ("code",), f"编号“{row.code}”重复"))
            seen.add(row.code or "")
    return probs


def _path_of(r: Rubric, kind: str, row: Any) -> tuple:
    """Path in the file of an item (by name) or an offence (by id)."""
    if kind == "offences":
        return ("offences", next(k for k, o in enumerate(r.offences) if o is row))
    for ci, c in enumerate(r.categories):
        for ii, it in enumerate(c.items):
            if it is row:
                return ("categories", ci, "items", ii)
    return ()


def rubric_as_dict(r: Rubric) -> dict[str, Any]:
    return r.model_dump(by_alias=True, exclude_none=True)
