"""The rubric rules beyond one flat sum of items: rubric-level defaults applied on load (the N/A
policy, analysis bands relative to full marks) and the checks of category weights, 扣分项
(negative items), rounding and bands (`rule_problems`, with their paths in the file).

Kept apart from `rubric` so that the model stays readable; `rubric` calls in here.
"""

from __future__ import annotations

import math
from typing import Any

from .scale import describe_scaling

# (`rubric` imports this module; the rubric here is duck-typed, so the import goes one way only.)
Rubric = Any


def fmt_number(v: float) -> str:
    # whole numbers in full up to 15 digits (a float's exact integers); beyond, as 1e+308
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else f"{v:g}"


# The analysis bands of a 100-point form (DOMAIN.md); another form's are the same shares of its
# full marks unless the rubric states them.
_BANDS_100: dict[str, Any] = {"bin_width": 5, "excellent_above": 90, "slight": (85, 90),
                              "general": (80, 85), "calibration_band": 5}
_NA_POLICIES = ("full", "zero", "exclude")
NA_SHORT = {"full": "按满分", "zero": "按 0 分", "exclude": "不计入", "forbidden": "不允许"}  # 不涉及 counts as


def na_short(item: Any) -> str:
    """What 不涉及 counts as, in two words (a 扣分项's full marks are 0: nothing is taken off)."""
    return "不扣分" if item.negative and item.na in ("full", "zero") else NA_SHORT[item.na]


def _share(v: float, full: float) -> float:
    return round(v * full / 100, 10) + 0.0


def resolve_defaults(data: Any) -> Any:
    """The raw rubric data with its rubric-level defaults written into the places they apply:
    each item without its own `na` takes the rubric's `na`; each analysis band the rubric does not
    state is the 100-point band as a share of `marks.full` (for full = 100 nothing changes).
    Anything malformed is left as it is for the model's own messages."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    na = data.get("na")
    if na in _NA_POLICIES and na != "full" and isinstance(data.get("categories"), list):
        data["categories"] = [_with_na(c, na) for c in data["categories"]]
    marks = data.get("marks")
    full = marks.get("full", 100) if isinstance(marks, dict) else 100
    analysis = data.get("analysis", {})
    if isinstance(full, (int, float)) and not isinstance(full, bool) and full > 0 and full != 100 \
            and isinstance(analysis, dict):
        bands = dict(analysis)
        for key, v in _BANDS_100.items():
            if key == "excellent_above" and "excellent_from" in bands:
                continue
            if key not in bands:
                bands[key] = tuple(_share(x, full) for x in v) if isinstance(v, tuple) else _share(v, full)
        data["analysis"] = bands
    return data


def _with_na(category: Any, na: str) -> Any:
    if not isinstance(category, dict) or not isinstance(category.get("items"), list):
        return category
    items = [{**it, "na": na} if isinstance(it, dict) and "na" not in it else it for it in category["items"]]
    return {**category, "items": items}


def word_clashes(r: Rubric, item: Any, where: tuple, fold) -> list[tuple[tuple, str]]:
    """Words of `item`'s cells that are one word once folded (`fold`: case, spaces, full width)
    but stand for different points: a level label and a pass/fail mark, or two labels ("优 秀"
    and "优秀"). A cell holding it would otherwise take whichever the reader met last."""
    meanings: dict[str, list[tuple[str, float, tuple]]] = {}
    for w in r.pass_words:
        meanings.setdefault(fold(w), []).append((w, float(item.max), ("pass_words",)))
    for w in r.fail_words:
        meanings.setdefault(fold(w), []).append((w, float(min(item.allowed_values())), ("fail_words",)))
    for w, p in item.level_labels.items():
        meanings.setdefault(fold(w), []).append((w, float(p), where + (w,)))
    probs: list[tuple[tuple, str]] = []
    for found in meanings.values():  # a pass word that is a fail word too has its own message
        if len({p for _, p, _ in found}) > 1 and found[-1][2][0] not in ("pass_words", "fail_words"):
            shown = "、".join(f"“{w}” {fmt_number(p)} 分" for w, p, _ in found)
            probs.append((found[-1][2], f"评分项“{item.name}”的单元格文字 {shown} 是同一个词(不分大小写、空格、"
                                        "全角半角),分值却不同"))
    return probs


def rule_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """Weights, negative items, rounding, bands and grades within full marks."""
    return _weight_problems(r) + _negative_problems(r) + _band_problems(r)


def _weight_problems(r: Rubric) -> list[tuple[tuple, str]]:
    if not r.weighted:
        return []
    probs: list[tuple[tuple, str]] = []
    if "scale" in r.model_fields_set:
        probs.append((("scale",), "类别带权重(weight)时不能再写 scale: 整通得分 = Σ 类别得分/类别满分 × 权重"))
    first = None
    for ci, c in enumerate(r.categories):
        path = ("categories", ci)
        if c.weight is None:
            probs.append((path, f"类别“{c.name}”缺少 weight: 有一个类别带权重时,每个类别都要写权重"))
            continue
        first = first or path + ("weight",)
        if c.weight <= 0:
            probs.append((path + ("weight",), f"类别“{c.name}”的权重必须大于 0"))
        if c.max_points <= 0:
            probs.append((path + ("weight",), f"类别“{c.name}”满分为 0(只有扣分项),不能带权重"))
    weights = [c.weight for c in r.categories if c.weight is not None]
    if first is not None and not math.isclose(sum(weights), r.marks.full):
        shown = " + ".join(fmt_number(w) for w in weights)
        probs.append((first, f"权重不合计: {shown} = {fmt_number(sum(weights))},不等于满分 {fmt_number(r.marks.full)}"))
    return probs


def _negative_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """A 扣分项 is taken off its category as typed: no bonus or deduction rides on it."""
    probs: list[tuple[tuple, str]] = []
    negative = {it.name for it in r.items if it.negative}
    for kind, label in (("bonuses", "加分项"), ("deductions", "减分项")):
        for k, rule in enumerate(getattr(r, kind)):
            if rule.item in negative:
                probs.append(((kind, k, "item"), f"{label}“{rule.name}”不能作用于扣分项“{rule.item}”"))
    if r.rounding is not None and not 0 <= r.rounding.digits <= 6:
        probs.append((("rounding", "digits"), "rounding.digits 应为 0–6 的整数(保留的小数位数)"))
    return probs


def _band_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """No analysis band and no grade above full marks (a 40-point form with a 90-point band)."""
    full = r.marks.full
    probs: list[tuple[tuple, str]] = []
    a = r.analysis
    edges = [("excellent_from" if a.excellent_inclusive else "excellent_above", a.excellent_line),
             ("slight", max(a.slight)), ("general", max(a.general))]
    for key, v in edges:
        if v > full + 1e-9:
            probs.append((("analysis", key), f"分析分段 {key} 的 {fmt_number(v)} 分高于满分 {fmt_number(full)}"))
    (g0, g1), (s0, s1), e = a.general, a.slight, a.excellent_line
    if not probs and (not (g0 <= g1 and s0 <= s1) or not (math.isclose(g1, s0) and math.isclose(s1, e))):
        key = "general" if not g0 <= g1 or not math.isclose(g1, s0) else \
            "slight" if not s0 <= s1 else ("excellent_from" if a.excellent_inclusive else "excellent_above")
        probs.append((("analysis", key), f"分析分段应首尾相接: 一般不良 {fmt_number(g0)}–{fmt_number(g1)}、轻微不良 "
                                         f"{fmt_number(s0)}–{fmt_number(s1)}、优良从 {fmt_number(e)} 起;现在有的分数不在"
                                         "任何一段或同时在两段,各段占比加起来不是 100%(如 general: [80, 85], "
                                         "slight: [85, 90], excellent_above: 90)"))
    if a.calibration_band < 0:
        probs.append((("analysis", "calibration_band"),
                      f"质检校正的一致率范围 calibration_band(±分数)为 {fmt_number(a.calibration_band)},不能小于 0"))
    for k, g in enumerate(r.grades):
        if g.edge > full + 1e-9 or (not g.inclusive and g.edge >= full - 1e-9):
            probs.append((("grades", k), f"等级“{g.name}”的分数线 {fmt_number(g.edge)} 不低于满分 "
                                         f"{fmt_number(full)}: 没有录音能得到这个等级"))
    return probs


def scoring_in_words(r: Rubric) -> list[str]:
    """How an item rubric's call score is made, in words (the 说明 sheet, `rubric show`): the
    first line as it has always been for a plain sum, then one line per rule beyond it."""
    raw = sum(c.max_points for c in r.categories)
    if r.weighted:
        parts = "、".join(f"{c.name} {fmt_number(c.weight)}" for c in r.categories)
        lines = [f"整通得分 = Σ 类别得分 ÷ 类别满分 × 权重(权重: {parts})"]
    else:
        lines = [describe_scaling(r.scale, raw, r.full_marks)]
    if r.excludes:
        lines.append("不计入的不涉及项: 按适用项折算,整通得分 = 适用项得分 ÷ 适用项满分 × 满分"
                     + ("(按类别: 类别得分 ÷ 适用满分 × 权重,再按适用权重折算到满分)" if r.weighted else "")
                     + ";没有适用项的录音不评分")
    negative = [it.name for it in r.items if it.negative]
    if negative:
        lines.append(f"扣分项({'、'.join(negative)})从所在类别中扣除,类别得分不低于 0")
    if r.rounding is not None:
        lines.append(f"整通得分四舍五入(远离 0,同 Excel 的 ROUND)到 {r.rounding.digits} 位小数,"
                     "在扣差错扣分之前")
    return lines


def band_edge_conflicts(r: Rubric) -> list[str]:
    """Where a grade edge and an analysis band edge sit on the same score but disagree about which
    side that score belongs to (e.g. 优秀 ≥ 90 while 优良 is > 90: a call of exactly 90 would be
    优秀 yet not 优良). The shipped rubrics have none (a test checks it); `rubric check` shows them."""
    a = r.analysis
    # Band edges: (score, whether that score belongs to the band above it).
    edges = [(a.excellent_line, a.excellent_inclusive, "优良"), (a.slight[0], True, "轻微不良"),
             (a.general[0], True, "一般不良")]
    out = []
    for g in r.grades:
        for value, upper, band in edges:
            if math.isclose(g.edge, value) and g.inclusive != upper:
                where = "含" if g.inclusive else "不含"
                band_where = "含" if upper else "不含"
                out.append(f"等级“{g.name}”从 {fmt_number(value)} 分起({where} {fmt_number(value)}),而分析的"
                           f"“{band}”{band_where} {fmt_number(value)} 分: 正好 {fmt_number(value)} 分的录音在两处归属不同")
    return out
