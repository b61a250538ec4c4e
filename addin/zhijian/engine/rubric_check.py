"""The rubric's cross-reference checks, the ones pydantic cannot express (names that must exist,
maxima that add up, words that clash, ledgers, weights, bands): each problem a value with its path
in the file, which the loader (files.rubrics) turns into a line number."""

from __future__ import annotations

import math
import re
from typing import Any

from .ledger_model import ledger_problems
from .rubric import Item, Rubric, ZeroOut, level_word
from .rubric_rules import fmt_number, rule_problems, word_clashes

# ------------------------------------------------------------

def rubric_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """Cross-reference checks pydantic cannot express; each problem with its path in the file."""
    too_wide = _width_problems(r)
    if too_wide:  # the other checks would take seconds on 17,000 items, to no use
        return too_wide
    probs: list[tuple[tuple, str]] = _id_problems(r) + _long_texts(r)
    if not r.categories and not r.offences:
        probs.append(((), "评分标准既没有 categories(评分项)也没有 offences(扣分条款)"))
    probs += _category_problems(r)
    probs += _marks_problems(r)
    probs += _rule_problems(r)
    probs += _setting_problems(r)
    probs += _word_problems(r)
    probs += ledger_problems(r)
    probs += rule_problems(r)  # weights, negative items, bands, rounding
    probs += _column_problems(r)
    return probs


# Columns of a rubric's 评分表: Excel has 16,384 (the template lost the items past XFD without a
# word), and a sheet read holds at most 2,000,000 values (files.MAX_SHEET_CELLS): 1,000 columns
# leave 2,000 calls a sheet.
MAX_COLUMNS = 1_000


def _width_problems(r: Rubric) -> list[tuple[tuple, str]]:
    from .columns import column_specs

    n = len(column_specs(r))
    if n <= MAX_COLUMNS:
        return []
    where = ("categories",) if r.categories else ("offences",)
    return [(where, f"评分表会有 {n} 列(字段、评分项、加减分、清零、扣分条款等),最多 {MAX_COLUMNS:,} 列;"
                    "请把评分项合并,或分成几份评分标准")]


MAX_TEXT = 5_000  # one assumption, note or 评分点: a cell of 说明 (Excel keeps 32,767 characters)


def _long_texts(r: Rubric) -> list[tuple[tuple, str]]:
    """A text too long for the cell of 说明 that shows it: Excel (and XlsxWriter, without a word)
    cut a 40,000-character assumption at 32,767."""
    from pydantic import BaseModel

    probs: list[tuple[tuple, str]] = []

    def walk(v: Any, path: tuple) -> None:
        if isinstance(v, str) and len(v) > MAX_TEXT:
            probs.append((path, f"文字“{v[:20]}…”太长({len(v):,} 个字符),最多 {MAX_TEXT:,} 个;请分成几条写"))
        elif isinstance(v, BaseModel):
            for name, f in type(v).model_fields.items():
                if not f.exclude:
                    walk(getattr(v, name), path + (f.alias or name,))
        elif isinstance(v, (list, tuple)):
            for k, x in enumerate(v):
                walk(x, path + (k,))
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(k, path + (k,))
                walk(x, path + (k,))

    walk(r, ())
    return probs


_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|]')
ID_CHARS = 64


def _id_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """The id names files (the ribbon's 新建评分表 writes “{id}-{date}.xlsx” beside the workbook):
    no path, no character Windows refuses in a file name, not empty; the version is short text
    (in every title, and in the 评分表's document properties)."""
    probs: list[tuple[tuple, str]] = []
    if not r.version.strip() or len(r.version) > ID_CHARS:
        probs.append((("version",), f"version(版本)应为 1–{ID_CHARS} 个字符,如 \"1.0\""))
    bad = _NOT_IN_FILE_NAMES.search(r.id)
    if not r.id.strip():
        probs.append((("id",), "id(评分标准编号)为空;请写一个简短的编号,如 listening-10x4"))
    elif bad or r.id != r.id.strip() or r.id.strip(".") == "" or len(r.id) > ID_CHARS:
        why = f"含有“{bad.group()}”" if bad else f"超过 {ID_CHARS} 个字符" if len(r.id) > ID_CHARS \
            else "首尾有空格" if r.id != r.id.strip() else "只有句点"
        probs.append((("id",), f"id(评分标准编号)“{r.id[:ID_CHARS]}”{why};编号用于文件名,"
                               "只能用字母、数字、汉字、“-”“_”“.”等,不能含 / \\ : * ? \" < > |"))
    return probs


def _spec_paths(r: Rubric) -> dict[str, tuple]:
    """Column key (`columns.ColumnSpec.key`) -> the path of the name it is made from."""
    paths: dict[str, tuple] = {}
    for ci, c in enumerate(r.categories):
        for ii, it in enumerate(c.items):
            paths.setdefault(it.name, ("categories", ci, "items", ii, "name"))
    for kind, key in (("bonuses", "bonus"), ("deductions", "deduction"), ("zero_outs", "zero"), ("offences", "offence")):
        for k, rule in enumerate(getattr(r, kind)):
            paths.setdefault(f"{key}:{rule.id}", (kind, k, "name"))
            if kind == "offences":
                paths.setdefault(f"complaint:{rule.id}", (kind, k, "name"))
    return paths


def _what(spec) -> str:
    from .columns import FIELD_ZH

    if spec.kind == "item":
        return f"评分项“{spec.key}”"
    if spec.kind == "field" or spec.kind == "total":
        return f"字段“{FIELD_ZH.get(spec.key, spec.header)}”"
    return f"“{spec.header}”列"


def _column_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """Every column of the rubric's own 评分表 reads back as itself: two rule columns whose
    headers differ only in spaces, full/half width or case (two bonuses named 热情), an offence
    named as an item, or an item named as a field of the sheet (日期, 最终得分, 备注) would be read
    as one column, and the first never counted. Item against item is `_name_problem`'s."""
    from .columns import column_specs, vocabulary

    specs = column_specs(r)
    order = {s.key: i for i, s in enumerate(specs)}
    paths = _spec_paths(r)
    vocab = vocabulary(r)
    probs: dict[tuple, str] = {}
    for s in specs:
        hit = vocab.match(s.header)
        if hit is not None and hit.key == s.key:
            continue
        if hit is None:
            if s.key in paths:
                probs.setdefault(paths[s.key], f"{_what(s)}的表头“{s.header}”去掉空格、分值和“次数”等字样后,"
                                               "读表时对应不到这一列;请改名")
            continue
        if s.kind == hit.kind == "item":
            continue
        later, earlier = (s, hit) if order.get(s.key, -1) > order.get(hit.key, -1) else (hit, s)
        if later.key not in paths:
            later, earlier = earlier, later
        if later.key not in paths:
            continue
        probs.setdefault(paths[later.key], f"{_what(later)}的表头“{later.header}”与{_what(earlier)}的表头"
                                           f"“{earlier.header}”读表时无法区分(只差空格、全角/半角或大小写,"
                                           "或名称相同),两列会被当作一列;请改成明显不同的名称")
    blank = {paths[k] for k in paths if not _name_at(r, paths[k]).strip()}
    return [(p, m) for p, m in probs.items() if p not in blank]


def _name_at(r: Rubric, path: tuple) -> str:
    node: Any = r
    for key in path:
        node = node[key] if isinstance(key, int) else getattr(node, key)
    return node


def _duplicate(name: str, first: tuple) -> str:
    """A newcomer often names a one-item category after its item: say which one it repeats, and
    that category and item names share one namespace (each is a column or a figure's name)."""
    kind = "评分项" if "items" in first else "类别"
    return f"名称“{name}”重复(与{kind}“{name}”同名;类别名和评分项名都不能重复,请改其中一个,如“{name}得分”)"


def _same_header(name: str, first: tuple, other: str) -> str:
    """Two names a sheet's header cannot tell apart (the reader compares headers without spaces,
    full width or case: `columns.header_word`)."""
    kind = "评分项" if "items" in first else "类别"
    return (f"名称“{name}”与{kind}“{other}”只差空格、全角/半角或大小写,评分表的表头无法区分这两列"
            "(读表时按同一个名称对应);请改成明显不同的名称")


NAME_CHARS = 100  # a category's or item's name is a column header (Excel keeps at most 32,767)


def _name_problem(name: str, path: tuple, names: dict[str, tuple[str, tuple]]) -> list[tuple[tuple, str]]:
    """A name too long for a header, or already taken, as written or as a header reads it;
    records `name`."""
    from .columns import header_word

    if not name.strip():
        return [(path + ("name",), "名称为空: 类别和评分项的名称是评分表的表头和报表中的名称,不能为空")]
    if len(name) > NAME_CHARS:
        return [(path + ("name",), f"名称“{name[:20]}…”太长({len(name)} 个字符);类别和评分项的名称是评分表的表头,"
                                   f"最多 {NAME_CHARS} 个字符,说明请写在 points(评分点)里")]
    key = header_word(name) or name
    if key not in names:
        names[key] = (name, path)
        return []
    other, first = names[key]
    return [(path + ("name",), _duplicate(name, first) if other == name else _same_header(name, first, other))]


def _category_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """Categories and their items: unique names (also as a header reads them), maxima that add
    up, levels and ranges."""
    probs: list[tuple[tuple, str]] = []
    names: dict[str, tuple[str, tuple]] = {}
    for ci, c in enumerate(r.categories):
        cpath = ("categories", ci)
        probs += _name_problem(c.name, cpath, names)
        if not c.items:
            probs.append((cpath + ("items",), f"类别“{c.name}”没有评分项"))
        items_sum = sum(i.max for i in c.items)
        if c.max is not None and not math.isclose(c.max, items_sum):
            probs.append((cpath + ("max",),
                          f"类别“{c.name}”满分 {fmt_number(c.max)} 与其评分项满分之和 {fmt_number(items_sum)} 不符"))
        for ii, it in enumerate(c.items):
            ipath = cpath + ("items", ii)
            probs += _name_problem(it.name, ipath, names)
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
            elif any(math.isclose(v, w) for w in it.levels[:li]):  # [10, 10, 0]: a typo for 10/5/0?
                probs.append((ipath + ("levels", li),
                              f"评分项“{it.name}”的等级 {fmt_number(v)} 重复;每个分值只写一次"))
    if it.range is not None:
        rg = it.range
        if not math.isclose(rg.max, it.max) or (rg.min < 0 and not it.negative) or rg.step <= 0 \
                or rg.min > rg.max:
            probs.append((ipath + ("range",),
                          f"评分项“{it.name}”的 range 应为 0 ≤ min ≤ max = 满分 {fmt_number(it.max)},步长大于 0"))
            return probs
    if it.levels is None and it.max >= 0:
        probs += _range_steps(it, ipath)
    return probs


MAX_GROUPS = 1_000  # groups of the 分数分布 (20 on a 100-point form by 5)
MAX_ALLOWED_VALUES = 10_000  # allowed values of one item (0–1000 by 0.1): listed in dropdowns, checks


def _range_steps(it: Item, ipath: tuple) -> list[tuple[tuple, str]]:
    """A range (written, or the whole numbers 0–max of an item without levels) whose steps reach
    its maximum from its minimum, in at most MAX_ALLOWED_VALUES values: 0–10 by 3 gives 0/3/6/9, so
    its full marks could never be typed (and the template listed 10/7/4/1); 0–10 by 0.0000001 is
    a hundred million values that every dropdown and every sheet read would list."""
    written = it.range is not None
    lo, step = (it.range.min, it.range.step) if written else (0.0, 1.0)
    where = ipath + ("range", "step") if written else ipath + ("max",)
    steps = (it.max - lo) / step
    if steps + 1 > MAX_ALLOWED_VALUES:
        return [(where, f"评分项“{it.name}”允许的分值有 {fmt_number(math.floor(steps) + 1)} 个"
                        f"({fmt_number(lo)}–{fmt_number(it.max)},步长 {fmt_number(step)}),最多 "
                        f"{MAX_ALLOWED_VALUES} 个;请加大步长,或用 levels 列出允许的分值")]
    if not math.isclose(steps, round(steps), abs_tol=1e-9):
        if not written:
            return [(where, f"评分项“{it.name}”满分 {fmt_number(it.max)} 不是整数,按整数计分时满分打不出来;"
                            f"请写 levels(如 [{fmt_number(it.max)}, 0])或 range 及其步长")]
        return [(where, f"评分项“{it.name}”的 range 从 {fmt_number(lo)} 起按步长 {fmt_number(step)} "
                        f"到不了满分 {fmt_number(it.max)}(满分打不出来);请改步长或 min")]
    return []


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
            if not rule.name.strip():
                probs.append((path + ("name",), "名称为空: 规则和扣分条款的名称是评分表的表头,不能为空"))
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
        for k, g in enumerate(r.grades):
            if not g.name.strip():
                probs.append((("grades", k, "name"), "名称为空: 等级要有名称"))
        seen: dict[tuple[float, bool], str] = {}
        for k, g in enumerate(r.grades):  # one edge, one side: the second grade is never given
            key = (round(g.edge, 9), g.inclusive)
            if key in seen:
                probs.append((("grades", k), f"等级“{g.name}”与等级“{seen[key]}”都从 {g.describe()} 起,"
                                             f"“{g.name}”永远不会被评到;请改分数线或删去一个"))
            seen.setdefault(key, g.name)
    from .columns import FIELD_ALIASES, FIELD_ZH

    for k in r.field_aliases:  # {日期: […]} or {data: […]}: its words were never used
        if k not in FIELD_ALIASES:
            known = "、".join(f"{f}({FIELD_ZH[f]})" for f in FIELD_ALIASES)
            probs.append((("field_aliases", k), f"field_aliases 的“{k}”不是评分表的字段;可用: {known}"))
    a = r.analysis
    if a.bin_width <= 0 or r.marks.full % a.bin_width:
        probs.append((("analysis", "bin_width"), f"分组宽度 {fmt_number(a.bin_width)} 应能整除满分"))
    elif r.marks.full / a.bin_width > MAX_GROUPS:  # the 分数分布 table is one row per group
        probs.append((("analysis", "bin_width"), f"分组宽度 {fmt_number(a.bin_width)} 把满分 {fmt_number(r.marks.full)} "
                                                 f"分成 {fmt_number(round(r.marks.full / a.bin_width))} 组,最多 {MAX_GROUPS} 组;"
                                                 "请加大分组宽度(默认 5 分一组)"))
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
        elif w.lstrip()[:1] in ("=", "+", "-", "@"):  # typed in a cell, Excel takes it for a formula
            probs.append((path, f"{what}“{w}”以“{w.lstrip()[0]}”开头,在 Excel 单元格里输入时会被当作公式"
                                "(或报错),读不回这个词;请换个写法"))

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
            probs += word_clashes(r, it, where, level_word)
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
