"""The cells of a sheet's calls, read into the calls table's columns with a finding for every cell
that cannot be accepted. Whatever the layout (a row per call or a block per call), the reader hands
over one list of values per key (`CallCells.cols`) and the way to name each value's cell; reading
numbers, words, flags, ids and dates is the same for both.

Works column by column: numbers (what almost every cell holds) take a fast path, and only the odd
cell pays for normalisation and a finding.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Callable

from .cells import DATE_YEARS, cell_text, id_text, is_number, parse_date, parse_flag, parse_number, read_date
from .columns import FIELD_ZH, ColumnSpec, column_specs, level_words
from .findings import Finding, Rule
from .rubric import Rubric, fmt_number, level_word

# The most occurrences of one rule (致命性错误, an offence, a complaint) one call can have: a larger
# count is a typo (1e20 would overflow every sum of counts), an error at its cell, never taken.
MAX_COUNT = 100
CELL_LIMIT = 32767  # the most characters an Excel cell holds (the writers keep that many)
# What a formula cell saved without its value holds (the files layer marks it: calamine reads it
# as empty); a finding of its own, never "not scored yet" or a blank date.
NO_CACHED_VALUE = "#无计算结果"
EXCEL_ERRORS = {NO_CACHED_VALUE, "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!",
                "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"}


class CallCells:
    """The calls of a mapped sheet as one list of values per key (`cols[key][j]`: the j-th call),
    the Excel row each call is known by, and `address(key, j)`: the cell a value came from."""

    def __init__(self, file: str, sheet: str, excel_rows: list[int], cols: dict[str, list[Any]],
                 headers: dict[str, str], address: Callable[[str, int], str], findings: list[Finding],
                 date1904: bool = False):
        self.file, self.sheet, self.excel_rows, self.date1904 = file, sheet, excel_rows, date1904
        self.n = len(excel_rows)
        self.cols, self.headers, self.address, self.findings = cols, headers, address, findings

    def add(self, rule: Rule, key: str, j: int, value: Any, variant: str | None = None, **params: Any) -> None:
        """A finding about the cell of `key` of the j-th call."""
        self.findings.append(Finding.of(rule, self.file, self.sheet, self.address(key, j), value=value,
                                        row=self.excel_rows[j], variant=variant, **params))


def read_calls(rubric: Rubric, cells: CallCells) -> dict[str, list]:
    """The calls table's columns of one sheet (file, sheet, row, the fields, the items, the rule
    columns, recorded_total), in the order of the table's columns."""
    data: dict[str, Any] = {"file": [cells.file] * cells.n, "sheet": [cells.sheet] * cells.n,
                            "row": list(cells.excel_rows)}
    formula_errors(cells)
    read_fields(cells, data)
    read_items(rubric, cells, data)
    read_rule_columns(rubric, cells, data)
    if "total" in cells.cols:
        data["recorded_total"] = [x if kind == "num" else math.nan
                                  for kind, x in map(parse_number, cells.cols["total"])]
    else:
        data["recorded_total"] = [math.nan] * cells.n
    return data


def formula_errors(cells: CallCells) -> None:
    for key, values in cells.cols.items():
        if not _any_error_text(values):
            continue
        for j, v in enumerate(values):
            if type(v) is str and "#" in v and v.strip() in EXCEL_ERRORS:  # every error starts with #
                if v.strip() != NO_CACHED_VALUE:
                    cells.add(Rule.FORMULA_ERROR, key, j, v.strip(), header=cells.headers[key], error=v.strip())
                elif key != "total":  # the sheet's own total is derived: without its value, none recorded
                    cells.add(Rule.FORMULA_ERROR, key, j, None, variant="no_value", header=cells.headers[key])


def _any_error_text(values: list[Any]) -> bool:
    """Whether a column may hold an Excel error text (its distinct values looked at once)."""
    try:
        distinct = set(values)
    except TypeError:  # an unhashable value (never from a file): look at every cell
        distinct = values  # type: ignore[assignment]
    return any(type(v) is str and "#" in v for v in distinct)


def _all_levels(values: list[Any], levels: set[float]) -> bool:
    """Whether every value is a float among `levels` (checked a column at a time)."""
    try:
        return set(map(type, values)) <= {float} and levels.issuperset(values)
    except TypeError:
        return False


def _texts(values: list[Any], convert: Callable[[Any], str]) -> list[str]:
    """`convert` of each value, each distinct text converted once (an inspector's name, a team or
    a call type recurs on every row; NFKC is what costs)."""
    memo: dict[str, str] = {}
    out = []
    for v in values:
        if type(v) is str:
            t = memo.get(v)
            if t is None:
                t = memo[v] = convert(v)
            out.append(t)
        else:
            out.append(convert(v))
    return out


def read_fields(cells: CallCells, data: dict[str, Any]) -> None:
    """Who, which call and when: text fields, ids and the date, with the findings of empty or
    unreadable required ones."""
    cols, add = cells.cols, cells.add
    for key in ("inspector", "agent_name", "team", "call_type", "remarks"):
        data[key] = _texts(cols[key], cell_text) if key in cols else [""] * cells.n
    for key in ("inspector", "agent_name", "team", "call_type", "remarks", "agent_id", "recording_id"):
        for j, v in enumerate(cols.get(key, ())):  # only a CSV can hold more than a cell can
            if type(v) is str and len(v) > CELL_LIMIT:
                add(Rule.FIELD_TOO_LONG, key, j, None, header=cells.headers[key], length=len(v), limit=CELL_LIMIT)
    for key in ("agent_id", "recording_id"):
        data[key] = _texts(cols[key], id_text) if key in cols else [""] * cells.n
        for j, v in enumerate(data[key] if key in cols else ()):
            if not v:
                add(Rule.FIELD_MISSING, key, j, None, field=FIELD_ZH[key])
            elif _digits_lost(cols[key][j]):
                add(Rule.FIELD_DIGITS_LOST, key, j, v, field=FIELD_ZH[key], text=v, digits=len(v))
    dates: list[dt.date | None] = [None] * cells.n
    for j, v in enumerate(cols.get("date", ())):
        dates[j] = parse_date(v, cells.date1904)
        if dates[j] is None:
            t = cell_text(v)
            typed = read_date(v, cells.date1904)
            if t == "":
                add(Rule.DATE_MISSING, "date", j, None)
            elif typed is not None:  # a date, but of no year a call can have
                add(Rule.DATE_UNREADABLE, "date", j, typed.isoformat(), variant="out_of_range",
                    text=typed.isoformat(), first=DATE_YEARS[0], last=DATE_YEARS[1])
            elif t not in EXCEL_ERRORS:
                add(Rule.DATE_UNREADABLE, "date", j, t, text=t)
    data["date"] = dates


def _digits_lost(v: Any) -> bool:
    """An id typed as a number of 16 digits or more: Excel kept its first 15 and zeroed the rest
    (a 录音流水号 202611021000000001 is stored as 202611021000000000), so two recordings look alike."""
    if not is_number(v) or isinstance(v, bool) or not abs(v) >= 1e15:
        return False
    # beyond 2^53 a number cannot hold every digit; below, a program may have written it whole
    return abs(v) >= 2 ** 53 or not str(int(abs(v)))[15:].strip("0")


def read_items(rubric: Rubric, cells: CallCells, data: dict[str, Any]) -> None:
    """The item scores: NaN for 不涉及 (and for a blank cell when the rubric says blanks are 不涉及).
    A word the rubric gives as a level ("优秀", "√") is its points. A cell that cannot be read ("-",
    "x"), or a blank that means "not scored yet", is NaN too but always with an error finding: the
    row then has no score (`validate.check_grids`), it is never N/A."""
    add = cells.add
    for it in rubric.items:
        out = []
        blank_is_na = rubric.blank_of(it) == "na"
        levels = set(it.allowed_values())
        words = level_words(rubric, it)
        column = cells.cols[it.name]
        if _all_levels(column, levels):
            data[it.name] = list(column)  # the common case: every cell a valid number
            continue
        for j, raw in enumerate(column):
            if type(raw) is float and raw in levels:  # the common case: a valid number
                out.append(raw)
                continue
            kind, x = parse_number(raw)
            if kind == "bad" and words:
                x = words.get(level_word(raw))
                kind = "bad" if x is None else "num"
            if kind == "num":
                if not it.allowed(x):
                    add(Rule.SCORE_NOT_ALLOWED, it.name, j, raw, item=it.name, score=fmt_number(x),
                        allowed=it.describe_allowed())
                out.append(x)
                continue
            out.append(math.nan)
            if kind == "na":
                if it.na == "forbidden":
                    add(Rule.SCORE_NA_FORBIDDEN, it.name, j, raw, item=it.name)
            elif kind == "blank":
                if not blank_is_na:
                    add(Rule.SCORE_MISSING, it.name, j, None, item=it.name)
                elif it.na == "forbidden":
                    add(Rule.SCORE_NA_FORBIDDEN, it.name, j, None, item=it.name)
            elif cell_text(raw) not in EXCEL_ERRORS:
                add(Rule.SCORE_UNREADABLE, it.name, j, _typed(raw), item=it.name, text=_typed(raw))
        data[it.name] = out


def read_rule_columns(rubric: Rubric, cells: CallCells, data: dict[str, Any]) -> None:
    """Bonuses, deductions, zero-outs, offences, fatal errors, 差错扣分: counts and flags."""
    cols, add = cells.cols, cells.add
    for key, spec in {s.key: s for s in column_specs(rubric)}.items():
        if key not in cols or spec.kind in ("field", "item", "total"):
            continue
        out = []
        for j, raw in enumerate(cols[key]):
            if raw is None or raw == "" or (type(raw) is str and raw.strip() in EXCEL_ERRORS):
                out.append(0.0)  # blank, or a formula error already reported
                continue
            out.append(_read_rule_value(rubric, spec, raw,
                                        lambda rule, v, k=key, j=j, **p: add(rule, k, j, v, **p)))
        data[key] = out
    _doubled_within_counts(rubric, cells, data)
    _rules_on_excluded_items(rubric, cells, data)


def _rules_on_excluded_items(rubric: Rubric, cells: CallCells, data: dict[str, Any]) -> None:
    """A bonus or deduction marked on an item the call left out as 不涉及 (`na: exclude`): it has no
    points to go onto or come off, so it counts for nothing; a warning at the rule's cell says so
    (the inspector's −3 never vanishes in silence)."""
    for kind, rules, rule_id in (("bonus", rubric.bonuses, Rule.BONUS_ITEM_EXCLUDED),
                                 ("deduction", rubric.deductions, Rule.DEDUCTION_ITEM_EXCLUDED)):
        for r in rules:
            key, item = f"{kind}:{r.id}", rubric.item_by_name[r.item]
            if key not in data or item.na != "exclude" or item.name not in cells.cols:
                continue
            blank_is_na = rubric.blank_of(item) == "na"
            for j, times in enumerate(data[key]):
                if not times:
                    continue
                state = parse_number(cells.cols[item.name][j])[0]
                if state == "na" or (state == "blank" and blank_is_na):
                    cells.add(rule_id, key, j, cells.cols[key][j], name=r.name, item=item.name)


def _doubled_within_counts(rubric: Rubric, cells: CallCells, data: dict[str, Any]) -> None:
    """A 加倍 count above its offence's count (a complaint flag without an offence): the scorer
    would double only as many as happened, so the cell is an error, not a quiet cap."""
    for o in rubric.offences:
        ckey, okey = f"complaint:{o.id}", f"offence:{o.id}"
        if not o.doubled_when or ckey not in data:
            continue
        counts = data.get(okey, [0.0] * cells.n)
        for j, (doubled, count) in enumerate(zip(data[ckey], counts)):
            if doubled > count:
                cells.add(Rule.COMPLAINT_EXCEEDS_OFFENCES, ckey, j, cells.cols[ckey][j], header=f"加倍:{o.name}",
                          doubled=fmt_number(doubled), offence=o.name, count=fmt_number(count))


def _read_rule_value(rubric: Rubric, spec: ColumnSpec, raw: Any, add) -> float:
    head = spec.header
    kind, x = parse_number(raw)
    if spec.kind == "zero":
        # yes/no, or a count (typed as a number or as text: 2 is yes); -1 or 0.5 says neither
        flag = (x >= 1 if _is_count(x) else None) if kind == "num" else parse_flag(raw)
        if flag is None:
            add(Rule.FLAG_UNREADABLE, _typed(raw), header=head, text=_typed(raw))
            return 0.0
        return 1.0 if flag else 0.0
    if kind in ("blank",):
        return 0.0
    if spec.kind in ("bonus", "deduction"):
        flag = parse_flag(raw) if kind != "num" else None
        if flag is not None:
            return 1.0 if flag else 0.0
        rule = next(r for r in (rubric.bonuses if spec.kind == "bonus" else rubric.deductions)
                    if spec.key.endswith(":" + r.id))
        rid = Rule.BONUS_NOT_ALLOWED if spec.kind == "bonus" else Rule.DEDUCTION_NOT_ALLOWED
        if kind != "num" or x < 0 or not float(x).is_integer():
            add(rid, _typed(raw), header=head, max_times=rule.max_times, text=_typed(raw))
            return 0.0
        if x > rule.max_times:
            add(rid, raw, variant="too_many", name=rule.name, max_times=rule.max_times, times=fmt_number(x))
            return float(rule.max_times)
        return x
    if spec.kind == "error_deduction":
        ed = rubric.error_deduction
        if kind != "num" or not (ed.min <= x <= ed.max):
            add(Rule.ERROR_DEDUCTION_INVALID, raw, min=fmt_number(ed.min), max=fmt_number(ed.max),
                text=_typed(raw))
            return min(max(x, ed.min), ed.max) if kind == "num" else 0.0
        return x
    if spec.kind == "fatal":
        if kind != "num" or x < 0 or not float(x).is_integer():
            flag = parse_flag(raw) if kind != "num" else None  # a number is a count: -1 or 0.5 is no "yes"
            if flag is not None:
                return 1.0 if flag else 0.0
            add(Rule.FATAL_INVALID, _typed(raw), text=_typed(raw))
            return 0.0
        if x > MAX_COUNT:
            add(Rule.FATAL_INVALID, raw, variant="too_many", text=fmt_number(x), limit=MAX_COUNT)
            return 0.0
        return x
    # offences and complaints: occurrence counts
    if kind != "num" or x < 0 or not float(x).is_integer():
        add(Rule.OFFENCE_INVALID, _typed(raw), header=head, text=_typed(raw))
        return 0.0
    if x > MAX_COUNT:
        add(Rule.OFFENCE_INVALID, raw, variant="too_many", header=head, text=fmt_number(x), limit=MAX_COUNT)
        return 0.0
    return x


def _is_count(x: float) -> bool:
    return 0 <= x <= MAX_COUNT and float(x).is_integer()


def _typed(raw: Any) -> str:
    """A cell as the user typed it and Excel shows it: -1, not -1.0; TRUE, not True."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    kind, x = parse_number(raw)
    return fmt_number(x) if kind == "num" and not isinstance(raw, str) else cell_text(raw)
