"""The live 最终得分 formula of a rubric's 评分表 (`total_formula`): `zhijian.engine.scoring`'s
rules in cells, in the same order, for the template writer (`template`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from zhijian.engine.cells import NA_WORDS
from zhijian.engine.rubric import Category, Item, Rubric, ScoreRange, fmt_number

from .template_layout import YES_TEXT, TemplateLayout, template_layout
from .template_ledger import charge_formula


# --- the formula of 最终得分 ------------------------------------------------------------------


def _num(x: float) -> str:
    return fmt_number(round(float(x), 10))


def _count(ref: str) -> str:
    """A count cell as the engine reads it: a whole number ≥ 0, anything else 0."""
    return f"MAX(0,INT(N({ref})))"


def _times(points: float, expr: str) -> str:
    return expr if points == 1 else f"{expr}*{_num(points)}"


EXCEL_FORMULA_LIMIT = 8192  # the most characters of one formula Excel opens (its specifications and limits)


def formula_fits(rubric: Rubric, *, prefilled: bool = False) -> bool:
    """Whether the 最终得分 formula stays within Excel's limit on every row (the longest references
    are on the last row): a form of 40 and more items written as 是/否 does not, and Excel would
    refuse the whole workbook as damaged."""
    return len(total_formula(rubric, 1048576, prefilled=prefilled)) <= EXCEL_FORMULA_LIMIT


def total_formula(rubric: Rubric, row: int, *, prefilled: bool = False) -> str:
    """The Excel formula of 最终得分 on sheet row `row`: `zhijian.engine.scoring.score_call`, in cells.

    0. no total ("") unless every item cell can be scored (`_item_ok`): an allowed number,
       不涉及, or a blank where the rubric says blanks are 不涉及;
    1. item = its cell when a number, else (不涉及, or an allowed blank) its maximum; + bonuses
       (MIN(max_times, count) × points) − deductions; MAX(0, …); MIN(max, …) unless a bonus may
       lift it; 0 when an item zero-out column says 是 (`_item_expr`);
    2. category = Σ items, MIN(max, …) unless a bonus may lift it; 0 when a category zero-out says 是
       (`_category_expr`);
    3. call = scale × Σ categories (or the base) − Σ offences, within [0, full]; 0 when a call
       zero-out says 是, or (when the rubric says so) when 致命性错误 ≥ 1 (`_call_expr`);
    4. final = ROUND(MAX(0, call − 差错扣分), 6); "" while the row has no 录音编号 and no input
       (`_final_expr`, `_blank_while_empty`); on a `prefilled` sheet "" while it has no input.
    """
    lay = template_layout(rubric)

    def ref(key: str) -> str:
        return lay.cell(key, row)

    if rubric.ledger is not None:  # no per-call score: the call's 本通扣分 (`template_ledger`)
        return _blank_while_empty(lay, row, charge_formula(rubric, ref), watch_recording=not prefilled)
    zero = _zero_flags(rubric, ref)
    final = f"ROUND({_final_expr(rubric, ref, _call_expr(rubric, ref, zero))},6)"
    den = _categories_expr(rubric, ref, zero)[1] if rubric.categories else None
    if den is not None:  # every item excluded: no score
        final = f'IF(({den})>0,{final},"")'
    checks = [_item_ok(rubric, it, ref) for it in rubric.items]
    # a 加倍 count above its offence's is an error (complaint.exceeds_offences): no total, as the engine
    checks += [f"{_count(ref('complaint:' + o.id))}<={_count(ref('offence:' + o.id))}"
               for o in rubric.offences if o.doubled_when]
    if checks:
        final = f'IF(AND({",".join(checks)}),{final},"")'
    return _blank_while_empty(lay, row, final, watch_recording=not prefilled)


# What the formula takes for 不涉及 (the engine's words, `cells.NA_WORDS`; Excel compares text
# without case). A score typed as text ("5分", "５") is read by the engine but not by the formula,
# which then shows no total: never a wrong one.
_NA_ARRAY = "{" + ",".join(f'"{w}"' for w in sorted(NA_WORDS)) + "}"
_MAX_LISTED = 20  # allowed values listed in the formula; a longer range is checked as a range


def written_words(rubric: Rubric, it: Item) -> dict[str, float]:
    """The words a cell of `it` may hold instead of a number, as the rubric writes them, and their
    points (`Rubric.cell_words`: level labels over pass/fail marks), for the dropdown and formula."""
    from zhijian.engine.rubric import level_word

    by_key: dict[str, tuple[str, float]] = {}
    lowest = float(min(it.allowed_values()))
    for words, pts in ((rubric.pass_words, float(it.max)), (rubric.fail_words, lowest)):
        by_key.update({level_word(w): (w, pts) for w in words})
    by_key.update({level_word(w): (w, float(p)) for w, p in it.level_labels.items()})
    return dict(by_key.values())


def _text_array(words) -> str:
    return "{" + ",".join('"' + w.replace('"', '""') + '"' for w in words) + "}"


def _word_value(rubric: Rubric, it: Item, c: str, otherwise: str) -> str:
    """The cell's points when it holds one of the item's words (Excel's = ignores case, and no
    wildcard applies), else `otherwise`."""
    words = written_words(rubric, it)
    if not words:
        return otherwise
    arr, pts = _text_array(words), "{" + ",".join(_num(p) for p in words.values()) + "}"
    return f"IF(OR(TRIM({c})={arr}),SUMPRODUCT((TRIM({c})={arr})*{pts}),{otherwise})"


def _scored_cell(rubric: Rubric, it: Item, c: str) -> str:
    """TRUE when the cell holds a score: a number or one of the item's words."""
    words = written_words(rubric, it)
    return f"OR(ISNUMBER({c}),TRIM({c})={_text_array(words)})" if words else f"ISNUMBER({c})"


def _item_ok(rubric: Rubric, it: Item, ref: "_Ref") -> str:
    """TRUE when the item's cell can be scored: an allowed number, 不涉及 where the item allows it,
    or blank where the rubric says a blank is 不涉及. A blank that means "not scored yet", text
    that is no score, or a number not allowed make the whole row show no total (as the engine
    gives it no score)."""
    c = ref(it.name)
    values = it.allowed_values()
    if len(values) <= _MAX_LISTED:
        allowed = f"OR({c}={{{','.join(_num(v) for v in values)}}})"
    else:
        r = it.range or ScoreRange(min=0, max=it.max, step=1)
        allowed = (f"AND({c}>={_num(r.min)},{c}<={_num(r.max)},"
                   f"ABS(({c}-{_num(r.min)})/{_num(r.step)}-ROUND(({c}-{_num(r.min)})/{_num(r.step)},0))<1E-9)")
    other = []
    if it.na_allowed:
        other.append(f"TRIM({c})={_NA_ARRAY}")
        if rubric.blank_of(it) == "na":
            other.append(f'{c}=""')
    if written_words(rubric, it):  # a level word or a pass/fail mark
        other.append(f"TRIM({c})={_text_array(written_words(rubric, it))}")
    text_ok = f"OR({','.join(other)})" if other else "FALSE"
    return f"IF(ISNUMBER({c}),{allowed},{text_ok})"


_Ref = Callable[[str], str]  # a column key -> its A1 address on the formula's row


@dataclass(frozen=True)
class _ZeroFlags:
    """The conditions `<column>="是"` of the zero-out columns, by what they zero."""

    item: dict[str, list[str]] = field(default_factory=dict)  # item name -> conditions
    category: dict[str, list[str]] = field(default_factory=dict)  # category name -> conditions
    call: list[str] = field(default_factory=list)


def _zero_flags(rubric: Rubric, ref: _Ref) -> _ZeroFlags:
    flags = _ZeroFlags()
    for z in rubric.zero_outs:
        flag = f'{ref("zero:" + z.id)}="{YES_TEXT}"'
        if z.scope == "item":
            flags.item.setdefault(z.target, []).append(flag)
        elif z.scope == "category":
            flags.category.setdefault(z.target, []).append(flag)
        else:
            flags.call.append(flag)
    return flags


def _zeroed(flags: list[str], expr: str) -> str:
    """`expr`, or 0 when any of the conditions `flags` holds."""
    if not flags:
        return expr
    cond = flags[0] if len(flags) == 1 else f"OR({','.join(flags)})"
    return f"IF({cond},0,{expr})"


def _item_expr(rubric: Rubric, it: Item, ref: _Ref, zero: _ZeroFlags) -> str:
    """Stage 1: an item's score with its bonuses and deductions."""
    c = ref(it.name)
    # 不涉及: the maximum, or nothing (na: zero or exclude; an excluded item's maximum leaves the
    # category too, `_category_cap`)
    na_value = "0" if it.negative or it.na in ("zero", "exclude") else _num(it.max)
    x = f"IF(ISNUMBER({c}),{c},{_word_value(rubric, it, c, na_value)})"
    if it.negative:  # a 扣分项 as typed: taken off its category, which is floored at 0
        return _zeroed(zero.item.get(it.name, []), x)
    for b in rubric.bonuses:
        if b.item == it.name:
            x += "+" + _times(b.points, f"MIN({b.max_times},{_count(ref('bonus:' + b.id))})")
    for d in rubric.deductions:
        if d.item == it.name:
            x += "-" + _times(d.points, f"MIN({d.max_times},{_count(ref('deduction:' + d.id))})")
    x = f"MAX(0,{x})"
    if not any(b.item == it.name and b.lift in ("item", "category") for b in rubric.bonuses):
        x = f"MIN({_num(it.max)},{x})"
    return _zeroed(zero.item.get(it.name, []), x)


def _category_expr(rubric: Rubric, cat: Category, ref: _Ref, zero: _ZeroFlags) -> str:
    """Stage 2: a category's score, the sum of its items."""
    s = "+".join(_item_expr(rubric, it, ref, zero) for it in cat.items)
    if any(it.negative for it in cat.items):
        s = f"MAX(0,{s})"
    if not any(b.lift == "category" and rubric.category_of[b.item].name == cat.name
               for b in rubric.bonuses):
        s = f"MIN({_category_cap(rubric, cat, ref)},{s})"
    elif len(cat.items) > 1:
        s = f"({s})"
    return _zeroed(zero.category.get(cat.name, []), s)


def _category_cap(rubric: Rubric, cat: Category, ref: _Ref) -> str:
    """A category's maximum: the sum of its applicable items' maxima (an excluded item's counts
    only when its cell holds a number)."""
    fixed = sum(it.max for it in cat.items if it.na != "exclude")
    parts = [f"IF({_scored_cell(rubric, it, ref(it.name))},{_num(it.max)},0)" for it in cat.items
             if it.na == "exclude" and it.max]
    if not parts:
        return _num(fixed)
    return f"({'+'.join(([_num(fixed)] if fixed else []) + parts)})"


def _categories_expr(rubric: Rubric, ref: _Ref, zero: _ZeroFlags) -> tuple[str, str | None]:
    """Stage 3's first step: the call score from the categories, and (when items may be
    excluded) the applicable maxima or weights it is divided by (no total when that is 0)."""
    cats = [(c, _category_expr(rubric, c, ref, zero), _category_cap(rubric, c, ref)) for c in rubric.categories]
    if rubric.weighted:
        total = "+".join(f"IF({cap}>0,{x}/{cap}*{_num(c.weight)},0)" if rubric.excludes
                         else f"{x}/{_num(c.max_points)}*{_num(c.weight)}" for c, x, cap in cats)
        if not rubric.excludes:
            return total, None
        den = "+".join(f"IF({cap}>0,{_num(c.weight)},0)" for c, _, cap in cats)
        return f"({total})*{_num(rubric.full_marks)}/({den})", den
    total = "+".join(x for _, x, _ in cats)
    if not rubric.excludes:
        return rubric.scale.formula_times(total), None
    den = "+".join(cap for _, _, cap in cats)
    return f"({total})*{_num(rubric.full_marks)}/({den})", den


def _call_expr(rubric: Rubric, ref: _Ref, zero: _ZeroFlags) -> str:
    """Stage 3: the call's score, from the categories (or the base) less the offences."""
    if rubric.categories:
        call = _categories_expr(rubric, ref, zero)[0]
    else:
        call = _num(rubric.start_score)
    for o in rubric.offences:
        n = _count(ref("offence:" + o.id))
        if o.doubled_when:
            # points × ((n − m) + m × multiplier) = points × (n + (multiplier − 1) × m)
            m = f"MIN({n},{_count(ref('complaint:' + o.id))})"
            extra = m if o.multiplier == 2 else f"{_num(o.multiplier - 1)}*{m}"
            call += f"-{_num(o.points)}*({n}+{extra})"
        else:
            call += f"-{_num(o.points)}*{n}"
    call = f"MIN({_num(rubric.full_marks)},MAX(0,{call}))"
    zero_flags = list(zero.call)
    if rubric.fatal_errors.enabled and rubric.fatal_errors.zero_call:
        zero_flags.append(f"{_count(ref('fatal_errors'))}>0")
    call = _zeroed(zero_flags, call)
    if rubric.rounding is not None:  # Excel's ROUND is half away from zero, as the engine's
        call = f"ROUND(ROUND({call},6),{rubric.rounding.digits})"
    return call


def _final_expr(rubric: Rubric, ref: _Ref, call: str) -> str:
    """Stage 4: the final score, the call's less the 差错扣分 (before rounding)."""
    if rubric.error_deduction.enabled:
        return f"MAX(0,{call}-MAX(0,N({ref('error_deduction')})))"
    return call


def _blank_while_empty(lay: TemplateLayout, row: int, expr: str, *, watch_recording: bool = True) -> str:
    """The formula `=expr`, showing "" while the row has no 录音编号 (unless not watched) and no input."""
    inputs = [s for s in lay.specs if s.kind not in ("field", "total")]
    watched = [lay.cell("recording_id", row)] if watch_recording or not inputs else []
    if inputs:
        first, last = lay.columns[inputs[0].key], lay.columns[inputs[-1].key]
        watched.append(f"{first}{row}:{last}{row}")
    return f'=IF(COUNTA({",".join(watched)})=0,"",{expr})'
