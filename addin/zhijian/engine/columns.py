"""The columns of a 评分表 for a rubric: the header words we write in templates and recognise in
the sheets teams already use. One vocabulary, so templates and the reader never drift apart."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from .rubric import Item, Rubric, fmt_number

Kind = Literal["field", "item", "bonus", "deduction", "zero", "fatal", "error_deduction",
               "offence", "complaint", "total"]

# Non-item fields: key -> the header words teams use (the first is what templates write).
FIELD_ALIASES: dict[str, list[str]] = {
    "date": ["日期", "质检日期", "监听日期", "录音日期", "通话日期", "评分日期", "来电日期"],
    "inspector": ["质检员", "质检", "质检人", "评分人", "监听人", "质检员姓名"],
    "agent_id": ["坐席工号", "工号", "员工工号", "座席工号", "客服工号", "坐席编号", "员工编号"],
    "agent_name": ["坐席姓名", "姓名", "员工姓名", "座席姓名", "客服代表", "坐席", "客服姓名"],
    "team": ["班组", "组别", "团队", "小组", "项目组", "班组名称"],
    "recording_id": ["录音编号", "录音ID", "录音流水号", "流水号", "通话编号", "录音号", "录音标识"],
    "call_type": ["呼叫类型", "通话类型", "来电类型", "业务类型", "呼叫方向"],
    "remarks": ["备注", "评语", "扣分说明", "扣分原因", "质检评语", "说明", "质检意见"],
    "total": ["最终得分", "总分", "得分", "合计得分", "总得分", "最终分数", "分数", "本通得分"],
}
FIELD_ZH = {"date": "日期", "inspector": "质检员", "agent_id": "坐席工号", "agent_name": "坐席姓名",
            "team": "班组", "recording_id": "录音编号", "call_type": "呼叫类型", "remarks": "备注",
            "total": "最终得分"}
REQUIRED_FIELDS = ("date", "agent_id", "recording_id")
# A header starting with one of these (as `normalise_header` makes it) names a rule; one the rubric
# does not have is a finding, not an ignored column (an English "Zero Tolerance: …" column would
# otherwise zero nothing, silently). Each maps to the Chinese kind the finding names.
RULE_HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("加分", "加分"), ("减分", "减分"), ("清零", "清零"), ("加倍", "加倍"),
    ("bonus", "加分"), ("deduction", "减分"), ("penalty", "减分"), ("zerotolerance", "清零"),
    ("autofail", "清零"), ("autozero", "清零"))

# English words as the forms written elsewhere have them: lower case without spaces, as
# `normalise_header` makes them ("Call ID" -> "callid").
_ENGLISH: dict[str, list[str]] = {
    "date": ["Date", "Call Date", "Evaluation Date", "Review Date"],
    "inspector": ["Evaluator", "Evaluator Name", "Reviewer", "Inspector", "QA", "Scored By", "Graded By"],
    "agent_id": ["Agent ID", "Agent No", "Employee ID", "Staff ID"],
    "agent_name": ["Agent", "Agent Name", "Employee", "Employee Name"],
    "team": ["Team", "Group"],
    "recording_id": ["Call ID", "Recording ID", "Recording No", "Call No", "Recording"],
    "call_type": ["Call Type"],
    "remarks": ["Comments", "Comment", "Remarks", "Notes"],
    "total": ["Total", "Total Score", "Final Score", "Overall Score"],
}
for _key, _words in _ENGLISH.items():
    FIELD_ALIASES[_key] += _words
FIELD_ALIASES["total"] += ["综合评分", "合计", "综合得分", "总评分"]

# Words that name a field only when no other column does: a sheet with 录音编号 and 录音文件 takes
# 录音编号; a sheet whose only agent column is 坐席 (or Agent) takes it as the agent's id too.
WEAK_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "recording_id": ("录音文件", "录音文件名", "录音名称"),
}
AGENT_AS_ID_WORDS = ("坐席", "座席", "客服代表", "坐席人员", "客服人员", "agent", "employee")

_SCORE_SUFFIX = re.compile(r"[(\[]?(\d+(?:\.\d+)?)分[)\]]?$")
# A numbering prefix: "1、" "10." "6)" "七、", or a code of two levels or more ("1.1", "2.3.1").
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)+[.、)]?|(?:\d+|[一二三四五六七八九十]+)[.、)])")
# An item code at the start of a header: "1.1", "A1", "Q2.3", "S-04" (not "12月", "5分", "90%").
_CODE = re.compile(r"^[a-z]{0,3}-?\d+(?:[.\-]\d+)*(?![\d年月日时分秒%])")
FUZZY_MAX = 40  # a longer text that merely contains an item name is a remark or a title


def normalise_header(text: object) -> tuple[str, float | None]:
    """Header text without spaces, numbering, full-width forms and a "(N分)" suffix; and that N.
    A numbering prefix stays when nothing would remain ("1.1" is a code, not a numbered blank)."""
    if text is None or text == "":
        return "", None
    whole, points = _normalise_header(str(text))
    return _strip_numbering(whole), points


def header_word(text: object) -> str:
    """Header text as `normalise_header` makes it, its numbering kept ("1.1问候语")."""
    if text is None or text == "":
        return ""
    return _normalise_header(str(text))[0]


@functools.lru_cache(maxsize=8192)  # the same few hundred header words recur in every file
def _normalise_header(text: str) -> tuple[str, float | None]:
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"\s+", "", s).strip("*")
    m = _SCORE_SUFFIX.search(s)
    points = None
    if m and m.start() > 0:
        points = float(m.group(1))
        s = s[:m.start()]
    s = s.replace("(次)", "").replace("次数", "")
    return s.rstrip(":").lower(), points


def _strip_numbering(word: str) -> str:
    rest = _NUMBERING.sub("", word, count=1)
    return rest if rest else word


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a rubric's 评分表: the key of the calls table, its header, what it is."""

    key: str
    header: str
    kind: Kind
    aliases: tuple[str, ...] = ()


def column_specs(rubric: Rubric) -> list[ColumnSpec]:
    """Every column a 评分表 for this rubric has, in template order (built once per rubric object:
    a folder has hundreds of sheets)."""
    hit = _SPECS.get(id(rubric))
    if hit is None or hit[0] is not rubric:
        hit = _SPECS[id(rubric)] = (rubric, tuple(_column_specs(rubric)))
    return list(hit[1])


def _column_specs(rubric: Rubric) -> list[ColumnSpec]:
    fa = {k: list(dict.fromkeys(v + rubric.field_aliases.get(k, []))) for k, v in FIELD_ALIASES.items()}
    specs = [ColumnSpec(k, FIELD_ZH[k], "field", tuple(fa[k]))
             for k in ("date", "inspector", "agent_id", "agent_name", "team", "recording_id", "call_type")]
    for it in rubric.items:
        specs.append(ColumnSpec(it.name, f"{it.name}({fmt_number(it.max)}分)", "item", tuple([it.name, *it.aliases])))
    for b in rubric.bonuses:
        specs.append(ColumnSpec(f"bonus:{b.id}", f"加分:{b.name}", "bonus", _prefixed("加分", b.name, b.aliases)))
    for d in rubric.deductions:
        specs.append(ColumnSpec(f"deduction:{d.id}", f"减分:{d.name}", "deduction",
                                _prefixed("减分", d.name, d.aliases)))
    for z in rubric.zero_outs:
        specs.append(ColumnSpec(f"zero:{z.id}", f"清零:{z.name}", "zero", _prefixed("清零", z.name, z.aliases)))
    for o in rubric.offences:
        specs.append(ColumnSpec(f"offence:{o.id}", f"{o.name}(次)", "offence", tuple([o.name, *o.aliases])))
        if o.doubled_when:
            specs.append(ColumnSpec(f"complaint:{o.id}", f"加倍:{o.name}", "complaint",
                                    _prefixed("加倍", o.name, o.aliases, bare=False)))
    if rubric.fatal_errors.enabled:
        specs.append(ColumnSpec("fatal_errors", "致命性错误", "fatal",
                                tuple(["致命性错误", *rubric.fatal_errors.aliases])))
    if rubric.error_deduction.enabled:
        specs.append(ColumnSpec("error_deduction", "差错扣分", "error_deduction",
                                tuple(["差错扣分", *rubric.error_deduction.aliases])))
    specs.append(ColumnSpec("total", FIELD_ZH["total"], "total", tuple(fa["total"])))
    specs.append(ColumnSpec("remarks", FIELD_ZH["remarks"], "field", tuple(fa["remarks"])))
    return specs


def _prefixed(prefix: str, name: str, aliases: list[str], bare: bool = True) -> tuple[str, ...]:
    out = [f"{prefix}:{name}", f"{prefix}{name}"] + [f"{prefix}:{a}" for a in aliases]
    if bare:
        out += [name, *aliases]
    return tuple(out)


def header_lookup(rubric: Rubric) -> dict[str, ColumnSpec]:
    """Header word (`header_word`: numbering kept) -> column. Item names win over field words on
    a clash."""
    table: dict[str, ColumnSpec] = {}
    for spec in sorted(column_specs(rubric), key=lambda s: s.kind == "item"):
        for word in (spec.header, *spec.aliases):
            table[header_word(word)] = spec
    return table


def code_word(code: object) -> str | None:
    """An item's or offence's code ("1.1") as headers are compared (None without one)."""
    return (header_word(code) or None) if code is not None else None


def level_words(rubric: Rubric, item: Item) -> dict[str, float]:
    """The words a cell of `item` may hold instead of a number (by `rubric.level_word`) and their
    points: its level labels (优秀 -> 10), the rubric's pass words (its maximum) and fail words
    (its lowest value). Built once per rubric object: a folder has hundreds of sheets."""
    hit = _LEVELS.get(id(rubric))
    if hit is None or hit[0] is not rubric:
        hit = _LEVELS[id(rubric)] = (rubric, {it.name: rubric.cell_words(it) for it in rubric.items})
    return hit[1].get(item.name, {})


_LEVELS: dict[int, tuple[Rubric, dict[str, dict[str, float]]]] = {}
_SPECS: dict[int, tuple[Rubric, tuple[ColumnSpec, ...]]] = {}


NO_MATCH = ColumnSpec("", "", "field")  # a word two columns claim: it identifies neither
_UNSEEN = object()


class Vocabulary:
    """The header words of one rubric's 评分表 and the rules that map a header cell to a column:

    1. the whole header (spaces, full-width forms and a "(N分)" suffix aside) is a name, an alias or
       a field word: that column, whatever its length;
    2. it starts with an item's code ("1.1", "A1"): that item, unless the rest names another
       column exactly (then the number was the sheet's own numbering);
    3. without its numbering ("10、", "七、", "2.3") it is a name, an alias or a field word that no
       other column shares: that column (so "1.1 问候语" and "9.1 问候语" never both become 问候语);
    4. it is at most `FUZZY_MAX` characters and contains the name of exactly one item
       ("问候语评分", "开场白及挂机得分"); containing no item's name, it contains the name of
       exactly one bonus, deduction or zero-out ("辱骂客户(一票否决)", "客户表扬(加2分)"): a rule
       column headed as the form prints it is read, never left aside while its veto zeroes nothing.
    """

    def __init__(self, rubric: Rubric):
        specs = column_specs(rubric)
        self.exact = header_lookup(rubric)
        self.stripped: dict[str, ColumnSpec] = {}
        # Item names win over field words on a clash, as in `header_lookup`.
        for spec in sorted(specs, key=lambda s: s.kind == "item"):
            for word in (spec.header, *spec.aliases):
                w = normalise_header(word)[0]
                prev = self.stripped.get(w)
                if prev is NO_MATCH:
                    continue
                both_items = prev is not None and prev.kind == spec.kind == "item"
                self.stripped[w] = NO_MATCH if both_items and prev.key != spec.key else spec
        by_key = {s.key: s for s in specs}
        self.codes = {c: by_key[it.name] for it in rubric.items if (c := code_word(it.code))}
        self.codes.update({c: by_key[f"offence:{o.id}"] for o in rubric.offences if (c := code_word(o.code))})
        self.items: dict[str, list[ColumnSpec]] = {}  # name without numbering -> its items
        for spec in specs:
            if spec.kind in ("item", "offence"):
                for w in spec.aliases:
                    self.items.setdefault(normalise_header(w)[0], []).append(spec)
        self.rules: dict[str, list[ColumnSpec]] = {}  # rule name or alias -> its columns (rule 4)
        for spec in specs:
            if spec.kind in ("bonus", "deduction", "zero"):
                for w in spec.aliases:
                    if not w.startswith(("加分", "减分", "清零")):  # the bare name and aliases
                        self.rules.setdefault(normalise_header(w)[0], []).append(spec)
        self.weak = {normalise_header(w)[0]: by_key[k] for k, ws in WEAK_FIELD_WORDS.items()
                     for w in ws if k in by_key}
        self._cache: dict[str, ColumnSpec | None] = {}
        # How many item and offence columns a header row can name at most.
        self.scored_keys = len({s.key for s in specs if s.kind in ("item", "offence")})

    def match(self, text: object) -> ColumnSpec | None:
        """The column a header cell names, or None."""
        if not isinstance(text, str) or not text:
            return None
        hit = self._cache.get(text, _UNSEEN)
        if hit is _UNSEEN:
            hit = self._cache[text] = self._match(header_word(text))
        return hit  # type: ignore[return-value]

    def is_weak(self, text: object) -> bool:
        """A word that names its field only when no other column does (录音文件)."""
        return isinstance(text, str) and normalise_header(text)[0] in self.weak

    def _match(self, whole: str) -> ColumnSpec | None:
        if not whole:
            return None
        spec = self.exact.get(whole) or self.weak.get(whole)
        if spec is not None:
            return spec
        if self.codes:
            m = _CODE.match(whole)
            if m and m.group(0) in self.codes:
                coded = self.codes[m.group(0)]
                rest = whole[m.end():].lstrip(".、)-_:")
                named = self._named(rest) if rest else None
                return named if named is not None and named.key != coded.key else coded
        word = _strip_numbering(whole)
        if word != whole:
            spec = self._named(word)
            if spec is not None:
                return spec
        if len(word) > FUZZY_MAX:
            return None
        hits = {s.key: s for w, ss in self.items.items() if w and w in word for s in ss}
        if not hits:
            hits = {s.key: s for w, ss in self.rules.items() if w and w in word for s in ss}
        return next(iter(hits.values())) if len(hits) == 1 else None

    def _named(self, word: str) -> ColumnSpec | None:
        spec = self.exact.get(word) or self.stripped.get(word)
        return None if spec is NO_MATCH else spec


_VOCAB: dict[int, tuple[Rubric, Vocabulary]] = {}


def vocabulary(rubric: Rubric) -> Vocabulary:
    """The rubric's header words, built once per rubric object (a folder has hundreds of sheets)."""
    hit = _VOCAB.get(id(rubric))
    if hit is None or hit[0] is not rubric:
        hit = _VOCAB[id(rubric)] = (rubric, Vocabulary(rubric))
    return hit[1]


def alias_warnings(rubric: Rubric) -> list[str]:
    """Header words the rubric lists that can never pick their column (for `rubric check`, as
    warnings: the rubric works): a word another column claims too (item names win over field
    words, and of two columns the later one), or one the header normalisation empties."""
    table = header_lookup(rubric)
    own: list[tuple[str, ColumnSpec]] = []
    by_key = {s.key: s for s in column_specs(rubric)}
    for it in rubric.items:
        own += [(a, by_key[it.name]) for a in it.aliases]
    for kind, rules in (("bonus", rubric.bonuses), ("deduction", rubric.deductions), ("zero", rubric.zero_outs),
                        ("offence", rubric.offences)):
        own += [(a, by_key[f"{kind}:{r.id}"]) for r in rules for a in r.aliases]
    if rubric.fatal_errors.enabled:
        own += [(a, by_key["fatal_errors"]) for a in rubric.fatal_errors.aliases]
    if rubric.error_deduction.enabled:
        own += [(a, by_key["error_deduction"]) for a in rubric.error_deduction.aliases]
    own += [(a, by_key[k]) for k, words in rubric.field_aliases.items() if k in by_key for a in words]
    out = []
    for alias, spec in own:
        word = header_word(alias)
        what = _column_name(spec)
        if not word:
            out.append(f"{what}的别名“{alias}”去掉空格、分值和“次数”等字样后为空,读表时不会匹配任何列")
            continue
        winner = table.get(word)
        if winner is not None and winner.key != spec.key:
            out.append(f"{what}的别名“{alias}”与{_column_name(winner)}的名称或别名相同,"
                       f"读表时这个表头归{_column_name(winner)},不会归到这里")
    return out


def _column_name(spec: ColumnSpec) -> str:
    if spec.kind == "item":
        return f"评分项“{spec.key}”"
    if spec.kind == "field":
        return f"字段“{FIELD_ZH.get(spec.key, spec.key)}”"
    return f"“{spec.header}”列"
