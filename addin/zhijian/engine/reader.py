"""Reading the 评分表 teams already use, from a sheet's values held in memory.

The input is a `Grid`: rows of cell values with the address of the top-left cell, as a file
reader or the Excel ribbon (the used range of the open sheet) hands it over. The reader finds the
header rows, maps columns to the rubric's items and fields, normalises what inspectors type
("５", "5分", "不涉及", "/"; see `cells`) and returns a table of calls with the findings of every cell it could
not accept. Nothing here touches a file.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .cells import cell_text, id_text, parse_date, parse_flag, parse_number
from .columns import (FIELD_ZH, REQUIRED_FIELDS, RULE_PREFIXES, ColumnSpec, column_specs,
                      header_lookup, normalise_header)
from .findings import Finding, Rule
from .rubric import Rubric, fmt_number

TOTAL_ROW_WORDS = ("合计", "总计", "平均", "小计", "均分", "汇总")
EXCEL_ERRORS = {"#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!",
                "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"}
HEADER_SCAN_ROWS = 15
META_COLUMNS = ["file", "sheet", "row", "date", "inspector", "agent_id", "agent_name", "team",
                "recording_id", "call_type", "remarks", "recorded_total"]


def col_letter(col: int) -> str:
    """1-based column number -> Excel letters."""
    s = ""
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Grid:
    """A sheet's values in memory: `rows[0][0]` is the cell at (`first_row`, `first_col`), 1-based."""

    file: str
    sheet: str
    rows: Sequence[Sequence[Any]]
    first_row: int = 1
    first_col: int = 1

    def cell(self, r: int, c: int) -> str:
        """Excel address of rows[r][c]."""
        return f"{col_letter(self.first_col + c)}{self.first_row + r}"


@dataclass
class SheetRead:
    """What the reader made of one sheet."""

    file: str
    sheet: str
    header_row: int | None = None  # Excel row of the item headers
    columns: dict[str, str] = field(default_factory=dict)  # key -> column letter
    headers: dict[str, str] = field(default_factory=dict)  # key -> header text as found
    extra_columns: dict[str, str] = field(default_factory=dict)  # column letter -> unknown header
    data: dict[str, list] = field(default_factory=dict)  # column -> values, one per call
    findings: list[Finding] = field(default_factory=list)
    mapped: bool = False

    @property
    def n_calls(self) -> int:
        return len(self.data.get("row", ()))

    @property
    def calls(self) -> pd.DataFrame:
        """The calls of this sheet as a table (built on demand: a folder has hundreds of sheets,
        and `validate.check_grids` builds one table for all of them)."""
        return calls_frame([self])

    def cell_ref(self, excel_row: int, key: str) -> str:
        """Address of column `key` on an Excel row ("" when the column is absent)."""
        letter = self.columns.get(key)
        return f"{letter}{excel_row}" if letter else ""

    def mapping_report(self) -> list[tuple[str, str, str]]:
        """(key, column letter, header) for every mapped column, in sheet order."""
        return sorted(((k, c, self.headers[k]) for k, c in self.columns.items()),
                      key=lambda t: (len(t[1]), t[1]))


def _match(word: str, lookup: dict[str, ColumnSpec], items: dict[str, ColumnSpec]) -> ColumnSpec | None:
    if not word:
        return None
    if len(word) > 40:  # remarks and titles, not headers
        return None
    spec = lookup.get(word)
    if spec is not None:
        return spec
    # A header that contains exactly one item name ("问候语评分", "开场白及挂机得分").
    hits = [s for w, s in items.items() if w and w in word]
    if len({h.key for h in hits}) == 1:
        return hits[0]
    return None


def _item_words(rubric: Rubric) -> dict[str, ColumnSpec]:
    out = {}
    for spec in column_specs(rubric):
        if spec.kind in ("item", "offence"):
            for w in spec.aliases:
                out[normalise_header(w)[0]] = spec
    return out


_VOCAB: dict[int, tuple[Rubric, dict, dict]] = {}


def _vocabulary(rubric: Rubric) -> tuple[dict, dict]:
    """Header words of a rubric, built once per rubric object (a folder has hundreds of sheets)."""
    hit = _VOCAB.get(id(rubric))
    if hit is None or hit[0] is not rubric:
        hit = _VOCAB[id(rubric)] = (rubric, header_lookup(rubric), _item_words(rubric))
    return hit[1], hit[2]


def _find_header_row(rows: Sequence[Sequence[Any]], lookup, items) -> tuple[int | None, int]:
    best, best_hits = None, 0
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        keys = set()
        for v in rows[r]:
            spec = _match(normalise_header(v)[0], lookup, items) if isinstance(v, str) else None
            if spec is not None and spec.kind in ("item", "offence"):
                keys.add(spec.key)
        if len(keys) > best_hits:
            best, best_hits = r, len(keys)
    return best, best_hits


def map_columns(rubric: Rubric, grid: Grid) -> tuple[SheetRead, int | None]:
    """Find the header rows and map each column; returns the read (no calls yet) and the index
    in grid.rows of the header row."""
    read = SheetRead(grid.file, grid.sheet)
    lookup, items = _vocabulary(rubric)
    hr, _ = _find_header_row(grid.rows, lookup, items)
    if hr is None:
        return read, None
    read.header_row = grid.first_row + hr
    header = list(grid.rows[hr])
    above = list(grid.rows[hr - 1]) if hr > 0 else []
    width = max(len(header), len(above))
    for c in range(width):
        texts = [header[c] if c < len(header) else None, above[c] if c < len(above) else None]
        chosen = None
        for t in texts:
            word, _ = normalise_header(t)
            spec = _match(word, lookup, items)
            if spec is not None and spec.key not in read.columns:
                chosen = (spec, cell_text(t))
                break
        letter = col_letter(grid.first_col + c)
        if chosen:
            spec, shown = chosen
            read.columns[spec.key] = letter
            read.headers[spec.key] = shown
            continue
        word = normalise_header(header[c] if c < len(header) else None)[0]
        if word:
            read.extra_columns[letter] = cell_text(header[c])
            for kind, prefix in RULE_PREFIXES.items():
                if word.startswith(prefix):
                    read.findings.append(Finding.of(
                        Rule.COLUMN_UNKNOWN_RULE, grid.file, grid.sheet, grid.cell(hr, c),
                        value=cell_text(header[c]), header=cell_text(header[c]), rubric=rubric.name,
                        kind=prefix))
                    break
    return read, hr


def read_grid(rubric: Rubric, grid: Grid, *, other_rubrics: Sequence[Rubric] = (),
              require_fields: bool = True) -> SheetRead:
    """Read one sheet: map its columns, then every data row into the calls table.

    Works column by column: numbers (what almost every cell holds) take a fast path, and only
    the odd cell pays for normalisation and a finding."""
    read, hr = map_columns(rubric, grid)
    item_keys = [it.name for it in rubric.items] + [f"offence:{o.id}" for o in rubric.offences]
    missing_items = [k for k in item_keys if k not in read.columns]
    # Scoring alone needs only the items; validation and the reports need who, when and which call.
    missing_fields = [k for k in REQUIRED_FIELDS if k not in read.columns] if require_fields else []
    if hr is None or missing_items or missing_fields:
        # One sheet-level finding: column findings made against the wrong rubric would mislead.
        read.findings = [_unmapped_finding(rubric, grid, read, hr, missing_items, missing_fields,
                                           other_rubrics)]
        return read
    read.mapped = True
    cells = _DataCells(grid, read, hr)
    # The order of the keys is the order of the calls table's columns.
    data: dict[str, Any] = {"file": [grid.file] * cells.n, "sheet": [grid.sheet] * cells.n,
                            "row": cells.excel_rows}
    _formula_errors(cells)
    _read_fields(cells, data)
    _read_items(rubric, cells, data)
    _read_rule_columns(rubric, cells, data)
    if "total" in cells.cols:
        data["recorded_total"] = [x if kind == "num" else np.nan
                                  for kind, x in map(parse_number, cells.cols["total"])]
    else:
        data["recorded_total"] = [np.nan] * cells.n
    for letter, header in read.extra_columns.items():
        data[f"extra:{header}"] = cells.column_at(_col_number(letter) - grid.first_col)
    read.data = data
    return read


class _DataCells:
    """The call rows of a mapped sheet, as one list of values per mapped column, and the way to
    add a finding about one of their cells (to the read's findings)."""

    def __init__(self, grid: Grid, read: SheetRead, hr: int):
        self.grid, self.read = grid, read
        col_index = {k: _col_number(letter) - grid.first_col for k, letter in read.columns.items()}
        idxs = _call_rows(grid, hr, col_index)
        self.rows = [grid.rows[r] for r in idxs]
        self.n = len(self.rows)
        self.excel_rows = [grid.first_row + r for r in idxs]
        self.cols = {key: self.column_at(i) for key, i in col_index.items()}

    def column_at(self, i: int) -> list[Any]:
        return [row[i] if i < len(row) else None for row in self.rows]

    def add(self, rule: Rule, key: str, j: int, value: Any, variant: str | None = None, **params: Any) -> None:
        """A finding about the cell of column `key` on the j-th call row."""
        row = self.excel_rows[j]
        self.read.findings.append(Finding.of(rule, self.grid.file, self.grid.sheet,
                                             f"{self.read.columns[key]}{row}", value=value, row=row,
                                             variant=variant, **params))


def _call_rows(grid: Grid, hr: int, col_index: dict[str, int]) -> list[int]:
    """Indices in grid.rows of the rows below the header that are calls."""
    used = sorted(col_index.values())
    remarks_idx = col_index.get("remarks")
    rid_idx = col_index.get("recording_id", len(grid.rows[hr]) + 10**6)
    idxs = []
    for r in range(hr + 1, len(grid.rows)):
        row = grid.rows[r]
        rid = row[rid_idx] if rid_idx < len(row) else None
        # A row with a recording id is a call; only the others can be blank or 合计 rows.
        if (rid is None or rid == "" or (type(rid) is str and _is_total_word(rid))) \
                and _is_blank_or_total(row, used, remarks_idx):
            continue
        idxs.append(r)
    return idxs


def _formula_errors(cells: _DataCells) -> None:
    for key, values in cells.cols.items():
        for j, v in enumerate(values):
            if type(v) is str and v.strip() in EXCEL_ERRORS:
                cells.add(Rule.FORMULA_ERROR, key, j, v.strip(), header=cells.read.headers[key], error=v.strip())


def _read_fields(cells: _DataCells, data: dict[str, Any]) -> None:
    """Who, which call and when: text fields, ids and the date, with the findings of empty or
    unreadable required ones."""
    cols, add = cells.cols, cells.add
    for key in ("inspector", "agent_name", "team", "call_type", "remarks"):
        data[key] = [cell_text(v) for v in cols[key]] if key in cols else [""] * cells.n
    for key in ("agent_id", "recording_id"):
        data[key] = [id_text(v) for v in cols[key]] if key in cols else [""] * cells.n
        for j, v in enumerate(data[key] if key in cols else ()):
            if not v:
                add(Rule.FIELD_MISSING, key, j, None, field=FIELD_ZH[key])
    dates: list[dt.date | None] = [None] * cells.n
    for j, v in enumerate(cols.get("date", ())):
        dates[j] = parse_date(v)
        if dates[j] is None:
            t = cell_text(v)
            if t == "":
                add(Rule.DATE_MISSING, "date", j, None)
            elif t not in EXCEL_ERRORS:
                add(Rule.DATE_UNREADABLE, "date", j, t, text=t)
    data["date"] = dates


def _read_items(rubric: Rubric, cells: _DataCells, data: dict[str, Any]) -> None:
    """The item scores: NaN for 不涉及 (and for a blank cell when the rubric says blanks are 不涉及).
    A cell that cannot be read, or a blank that means "not scored yet", is NaN too but always with
    an error finding: the row then has no score (`validate.check_grids`), it is never N/A."""
    add = cells.add
    for it in rubric.items:
        out = []
        blank_is_na = rubric.blank_of(it) == "na"
        levels = set(it.allowed_values())
        for j, raw in enumerate(cells.cols[it.name]):
            if type(raw) is float and raw in levels:  # the common case: a valid number
                out.append(raw)
                continue
            kind, x = parse_number(raw)
            if kind == "num":
                if not it.allowed(x):
                    add(Rule.SCORE_NOT_ALLOWED, it.name, j, raw, item=it.name, score=fmt_number(x),
                        allowed=it.describe_allowed())
                out.append(x)
                continue
            out.append(np.nan)
            if kind == "na":
                if it.na == "forbidden":
                    add(Rule.SCORE_NA_FORBIDDEN, it.name, j, raw, item=it.name)
            elif kind == "blank":
                if not blank_is_na:
                    add(Rule.SCORE_MISSING, it.name, j, None, item=it.name)
                elif it.na == "forbidden":
                    add(Rule.SCORE_NA_FORBIDDEN, it.name, j, None, item=it.name)
            elif cell_text(raw) not in EXCEL_ERRORS:
                add(Rule.SCORE_UNREADABLE, it.name, j, cell_text(raw), item=it.name, text=cell_text(raw))
        data[it.name] = out


def _read_rule_columns(rubric: Rubric, cells: _DataCells, data: dict[str, Any]) -> None:
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


def calls_frame(reads: Sequence[SheetRead]) -> pd.DataFrame:
    """One table of the calls of several sheets, columns in a stable order."""
    keys: dict[str, None] = dict.fromkeys(META_COLUMNS)
    for r in reads:
        keys.update(dict.fromkeys(r.data))
    columns = {}
    for k in keys:
        values: list = []
        for r in reads:
            n = r.n_calls
            if k in r.data:
                values.extend(r.data[k])
            else:
                # Every sheet has the META columns; what one lacks is a rule column (absent = 0,
                # as the engine reads NaN) or a team's own extra column.
                values.extend([None if k.startswith("extra:") else np.nan] * n)
        columns[k] = values
    frame = pd.DataFrame(columns)
    if frame.empty:
        frame = pd.DataFrame({k: pd.Series(dtype=object) for k in keys})
    return frame


def _read_rule_value(rubric: Rubric, spec: ColumnSpec, raw: Any, add) -> float:
    head = spec.header
    if spec.kind == "zero":
        flag = parse_flag(raw)
        if flag is None:
            add(Rule.FLAG_UNREADABLE, cell_text(raw), header=head, text=cell_text(raw))
            return 0.0
        return 1.0 if flag else 0.0
    kind, x = parse_number(raw)
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
            add(rid, cell_text(raw), header=head, max_times=rule.max_times, text=cell_text(raw))
            return 0.0
        if x > rule.max_times:
            add(rid, raw, variant="too_many", name=rule.name, max_times=rule.max_times, times=fmt_number(x))
            return float(rule.max_times)
        return x
    if spec.kind == "error_deduction":
        ed = rubric.error_deduction
        if kind != "num" or not (ed.min <= x <= ed.max):
            add(Rule.ERROR_DEDUCTION_INVALID, raw, min=fmt_number(ed.min), max=fmt_number(ed.max),
                text=cell_text(raw))
            return min(max(x, ed.min), ed.max) if kind == "num" else 0.0
        return x
    if spec.kind == "fatal":
        if kind != "num" or x < 0 or not float(x).is_integer():
            flag = parse_flag(raw)
            if flag is not None:
                return 1.0 if flag else 0.0
            add(Rule.FATAL_INVALID, cell_text(raw), text=cell_text(raw))
            return 0.0
        return x
    # offences and complaints: occurrence counts
    if kind != "num" or x < 0 or not float(x).is_integer():
        add(Rule.OFFENCE_INVALID, cell_text(raw), header=head, text=cell_text(raw))
        return 0.0
    return x


def _col_number(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n


def _is_total_word(text: str) -> bool:
    """"合计", "合  计", "平　均": the label of a total or average row."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).startswith(TOTAL_ROW_WORDS)


def _is_blank_or_total(row: Sequence[Any], used: list[int], remarks: int | None) -> bool:
    """A row with nothing in the mapped columns, or a 合计/平均 row (not a call)."""
    n = len(row)
    if all(i >= n or row[i] is None or row[i] == "" or (type(row[i]) is str and not row[i].strip())
           for i in used):
        return True
    for i, v in enumerate(row):
        if i != remarks and type(v) is str and _is_total_word(v):
            return True
    return False


def _unmapped_finding(rubric, grid, read, hr, missing_items, missing_fields, other_rubrics) -> Finding:
    cell = f"A{read.header_row}" if read.header_row else ""
    for other in other_rubrics:
        if other.id == rubric.id:
            continue
        probe, _ = map_columns(other, grid)
        needed = [it.name for it in other.items] + [f"offence:{o.id}" for o in other.offences]
        if probe.header_row is not None and all(k in probe.columns for k in needed):
            return Finding.of(Rule.SHEET_OTHER_RUBRIC, grid.file, grid.sheet, f"A{probe.header_row}",
                              value=other.id, other_name=other.name, other_id=other.id,
                              rubric_name=rubric.name, rubric_id=rubric.id)
    if hr is None:
        return Finding.of(Rule.SHEET_UNMAPPED, grid.file, grid.sheet, "", scan_rows=HEADER_SCAN_ROWS,
                          rubric=rubric.name)
    names = {k: (k.split(":", 1)[1] if k.startswith("offence:") else k) for k in missing_items}
    for o in rubric.offences:
        names[f"offence:{o.id}"] = o.name
    variant = ("columns_missing" if missing_items and missing_fields else
               "items_missing" if missing_items else "fields_missing")
    return Finding.of(Rule.SHEET_UNMAPPED, grid.file, grid.sheet, cell, variant=variant,
                      items="、".join(names[k] for k in missing_items),
                      fields="、".join(FIELD_ZH[k] for k in missing_fields))
