"""Reading the 评分表 teams already use, from a sheet's values held in memory.

The input is a `Grid`: rows of cell values with the address of the top-left cell, as a file
reader or the Excel ribbon (the used range of the open sheet) hands it over. The reader finds how
the sheet is laid out (a table, one call per row; or a form, one call per block, `form_sheet`),
maps its cells to the rubric's items and fields (`columns.Vocabulary`), normalises what inspectors
type ("５", "5分", "不涉及", "/"; see `cells`) and returns a table of calls with the findings of every
cell it could not accept (`callcells`). Nothing here touches a file.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Sequence

from .callcells import NO_CACHED_VALUE, CallCells, read_calls
from .cells import cell_text, id_text, parse_date, parse_number  # noqa: F401  (the reader's words, re-exported)
from .columns import (AGENT_AS_ID_WORDS, FIELD_ZH, REQUIRED_FIELDS, RULE_HEADER_WORDS, Vocabulary,
                      header_word, normalise_header, vocabulary)
from .findings import Finding, Rule
from .form_sheet import find_form, read_form
from .grid import Grid, SheetRead, calls_frame, col_letter, col_number  # noqa: F401  (re-exported)
from .rubric import Rubric, fmt_number

TOTAL_ROW_WORDS = ("合计", "总计", "平均", "小计", "均分", "汇总")
_ASCII_TOTAL_WORDS = any(w.isascii() for w in TOTAL_ROW_WORDS)
HEADER_SCAN_ROWS = 15
_AGENT_AS_ID = {normalise_header(w)[0] for w in AGENT_AS_ID_WORDS}


def _find_header_row(rows: Sequence[Sequence[Any]], vocab: Vocabulary) -> tuple[int | None, int]:
    """The first of the top rows that names the most items and offences. A row naming all of them
    ends the scan: no later row can name more (and the data rows below are not matched word by
    word, their recording ids each a new text)."""
    best, best_hits = None, 0
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        keys = set()
        for v in rows[r]:
            spec = vocab.match(v)
            if spec is not None and spec.kind in ("item", "offence"):
                keys.add(spec.key)
        if len(keys) > best_hits:
            best, best_hits = r, len(keys)
            if best_hits >= vocab.scored_keys:
                break
    return best, best_hits


def map_columns(rubric: Rubric, grid: Grid) -> tuple[SheetRead, int | None]:
    """Find the header rows and map each column; returns the read (no calls yet) and the index
    in grid.rows of the header row."""
    read = SheetRead(grid.file, grid.sheet)
    vocab = vocabulary(rubric)
    hr, _ = _find_header_row(grid.rows, vocab)
    if hr is None:
        return read, None
    read.header_row = grid.first_row + hr
    header = list(grid.rows[hr])
    above = list(grid.rows[hr - 1]) if hr > 0 else []
    width = max(len(header), len(above))
    weak: set[str] = set()  # keys mapped by a word that yields to any other (录音文件)
    for c in range(width):
        texts = [header[c] if c < len(header) else None, above[c] if c < len(above) else None]
        chosen = None
        for t in texts:
            spec = vocab.match(t)
            if spec is not None and (spec.key not in read.columns or (spec.key in weak and not vocab.is_weak(t))):
                chosen = (spec, t)
                break
        letter = col_letter(grid.first_col + c)
        if chosen is None:
            _duplicate_column(read, vocab, grid, hr, c, header[c] if c < len(header) else None)
        if chosen:
            spec, t = chosen
            if spec.key in weak:  # a better word for the same field: the weak column is the team's own
                weak.discard(spec.key)
                read.extra_columns[read.columns[spec.key]] = read.headers[spec.key]
            if vocab.is_weak(t):
                weak.add(spec.key)
            read.columns[spec.key] = letter
            read.headers[spec.key] = cell_text(t)
            _points_differ(rubric, read, grid, hr if t is texts[0] else hr - 1, c, spec, t)
            continue
        word = normalise_header(header[c] if c < len(header) else None)[0]
        if word:
            read.extra_columns[letter] = cell_text(header[c])
            for prefix, kind in RULE_HEADER_WORDS:
                if word.startswith(prefix):
                    read.findings.append(Finding.of(
                        Rule.COLUMN_UNKNOWN_RULE, grid.file, grid.sheet, grid.cell(hr, c),
                        value=cell_text(header[c]), header=cell_text(header[c]), rubric=rubric.name,
                        kind=kind))
                    break
    agent_as_id(read.columns, read.headers)
    return read, hr


def _points_differ(rubric: Rubric, read: SheetRead, grid: Grid, r: int, c: int, spec, text: Any) -> None:
    """A header stating an item's points ("服务态度(10分)") other than the rubric's maximum (5): the
    sheet is made for another version of the form, and its scores would be read on the wrong
    scale. An error at the header; the item is still read on the rubric's scale."""
    if spec.kind != "item":
        return
    points = normalise_header(text)[1]
    item = rubric.item_by_name[spec.key]
    if points is None or item.max <= 0 or points == item.max:
        return
    read.findings.append(Finding.of(Rule.COLUMN_POINTS_DIFFER, grid.file, grid.sheet, grid.cell(r, c),
                                    value=cell_text(text), header=cell_text(text), points=fmt_number(points),
                                    item=item.name, max=fmt_number(item.max), rubric=rubric.name))


def _duplicate_column(read: SheetRead, vocab: Vocabulary, grid: Grid, hr: int, c: int, text: Any) -> None:
    """A header that is exactly the name of an item or rule column already read (a second
    "服务态度"): a finding, never a silent choice of one of the two. Headers that merely contain an
    item's name ("服务态度扣分原因") and field columns stay the team's own columns, as before."""
    spec = vocab.match(text)
    if spec is None or spec.kind in ("field", "total") or spec.key not in read.columns or \
            vocab.exact.get(header_word(text)) is not spec:
        return
    first = read.columns[spec.key]
    what = f"评分项“{spec.key}”" if spec.kind == "item" else f"“{spec.header}”"
    read.findings.append(Finding.of(Rule.COLUMN_DUPLICATE, grid.file, grid.sheet, grid.cell(hr, c),
                                    value=cell_text(text), header=cell_text(text), letter=col_letter(grid.first_col + c),
                                    first=first, first_header=read.headers[spec.key], what=what))


def agent_as_id(columns: dict[str, str], headers: dict[str, str]) -> None:
    """A sheet whose only agent column is 坐席 (or Agent) knows its agents by what that column
    holds: it is the agent's id as well as the name."""
    if "agent_id" not in columns and "agent_name" in columns and \
            normalise_header(headers["agent_name"])[0] in _AGENT_AS_ID:
        columns["agent_id"], headers["agent_id"] = columns["agent_name"], headers["agent_name"]


def read_grid(rubric: Rubric, grid: Grid, *, other_rubrics: Sequence[Rubric] = (),
              require_fields: bool = True) -> SheetRead:
    """Read one sheet: find its layout, map its cells, then read every call into the calls table.

    A sheet whose item names run down a column rather than along a row is a form (one call per
    block, `form_sheet`); any other is a table (one call per row). A hidden sheet is read like a
    visible one, and said: a lead may have hidden a draft or last month's copy."""
    read = _read_grid(rubric, grid, other_rubrics, require_fields)
    if grid.hidden and read.mapped:
        read.findings.append(Finding.of(Rule.SHEET_HIDDEN, grid.file, grid.sheet, "", value=grid.sheet,
                                        name=grid.sheet, calls=read.n_calls))
    elif grid.hidden_rows and read.mapped:
        rows = [r for r in read.data.get("row", []) if r in grid.hidden_rows]
        if rows:
            shown = "、".join(map(str, rows[:5])) + ("…" if len(rows) > 5 else "")
            read.findings.append(Finding.of(Rule.SHEET_HIDDEN, grid.file, grid.sheet, f"A{rows[0]}", value=grid.sheet,
                                            variant="rows", name=grid.sheet, calls=len(rows), rows=shown))
    return read


def _read_grid(rubric: Rubric, grid: Grid, other_rubrics: Sequence[Rubric], require_fields: bool) -> SheetRead:
    read, hr = map_columns(rubric, grid)
    item_keys = [it.name for it in rubric.items] + [f"offence:{o.id}" for o in rubric.offences]
    missing_items = [k for k in item_keys if k not in read.columns]
    form = find_form(rubric, grid, table_items=len(item_keys) - len(missing_items)) if missing_items else None
    if form is not None:
        read = read_form(rubric, grid, form, require_fields=require_fields)
        other = None if read.mapped else _other_rubric(rubric, grid, other_rubrics)
        if other is not None:
            read.findings = [other]
        return read
    # Scoring alone needs only the items; validation and the reports need who, when and which call.
    missing_fields = [k for k in REQUIRED_FIELDS if k not in read.columns] if require_fields else []
    if hr is None or missing_items or missing_fields:
        # One sheet-level finding: column findings made against the wrong rubric would mislead.
        read.findings = [_unmapped_finding(rubric, grid, read, hr, missing_items, missing_fields,
                                           other_rubrics)]
        return read
    read.mapped = True
    col_index = {k: col_number(letter) - grid.first_col for k, letter in read.columns.items()}
    scored = {k: i for k, i in col_index.items() if k in item_keys}
    idxs = [r for r in _call_rows(grid, hr, col_index) if not _repeats_header(grid.rows[r], scored, vocabulary(rubric))]
    excel_rows = [grid.first_row + r for r in idxs]
    wanted = [col_number(letter) - grid.first_col for letter in read.extra_columns]
    columns = _columns(_merged_into_calls(grid, hr, idxs), max([*col_index.values(), *wanted], default=-1) + 1)
    cells = CallCells(grid.file, grid.sheet, excel_rows, {k: list(columns[i]) for k, i in col_index.items()},
                      read.headers, lambda key, j: f"{read.columns[key]}{excel_rows[j]}", read.findings,
                      date1904=grid.date1904)
    data = read_calls(rubric, cells)
    for i, header in zip(wanted, read.extra_columns.values()):
        data[f"extra:{header}"] = list(columns[i])
    read.data = data
    return read


def _merged_into_calls(grid: Grid, hr: int, idxs: list[int]) -> list[Sequence[Any]]:
    """The call rows, each blank cell of a merged range below the header given the range's value
    (a 日期 or 质检员 merged down a day's calls). Which rows are calls was decided on the cells as
    typed, so a merge running past the last call makes no call of the rows below."""
    rows = [grid.rows[r] for r in idxs]
    below = grid.first_row + hr  # the header's Excel row: merges that start below it
    spans = [m for m in grid.merges if m[0] > below and (m[2] > m[0] or m[3] > m[1])]
    if not spans:
        return rows
    at = {r: k for k, r in enumerate(idxs)}
    rows = [list(r) for r in rows]
    for r1, c1, r2, c2 in spans:
        top, left = r1 - grid.first_row, c1 - grid.first_col
        if top < 0 or left < 0 or top >= len(grid.rows) or left >= len(grid.rows[top]):
            continue
        value = grid.rows[top][left]
        if value is None or value == "":
            continue
        for r in range(top, min(r2 - grid.first_row, len(grid.rows) - 1) + 1):
            k = at.get(r)
            if k is None:
                continue
            row = rows[k]
            for c in range(left, min(c2 - grid.first_col + 1, len(row))):  # the sheet's used width
                if row[c] is None or row[c] == "":
                    row[c] = value
    return rows


def _columns(rows: list[Sequence[Any]], width: int) -> list[tuple[Any, ...]]:
    """The first `width` columns of `rows` (None beyond a short row's end), transposed at once."""
    if not rows or not width:
        return [()] * width
    # Cut to `width` first: a sheet may use thousands of columns the rubric never reads.
    fitted = [r[:width] if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in rows]
    return list(zip(*fitted))


def _call_rows(grid: Grid, hr: int, col_index: dict[str, int]) -> list[int]:
    """Indices in grid.rows of the rows below the header that are calls."""
    used = sorted(set(col_index.values()))
    remarks_idx = col_index.get("remarks")
    rid_idx = col_index.get("recording_id", len(grid.rows[hr]) + 10**6)
    idxs = []
    for r in range(hr + 1, len(grid.rows)):
        row = grid.rows[r]
        rid = row[rid_idx] if rid_idx < len(row) else None
        # A row with a recording id is a call; only the others can be blank or 合计 rows.
        if (rid is None or rid == "" or (type(rid) is str and is_total_word(rid))) \
                and _is_blank_or_total(row, used, remarks_idx):
            continue
        idxs.append(r)
    return idxs


def _repeats_header(row: Sequence[Any], scored: dict[str, int], vocab: Vocabulary) -> bool:
    """The header again below it (days pasted one under the other, each with its header): every
    item column names its own item. Not a call, like a blank or a 合计 row."""
    first = min(scored.values(), default=None)
    if first is None or first >= len(row) or type(row[first]) is not str:
        return False  # the usual row: a score in the first item column
    return all(i < len(row) and (spec := vocab.match(row[i])) is not None and spec.key == k
               for k, i in scored.items())


def is_total_word(text: str) -> bool:
    """"合计", "合  计", "平　均": the label of a total or average row."""
    if text.isascii() and not _ASCII_TOTAL_WORDS:  # NFKC leaves ASCII as it is: no Chinese word in it
        return False
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).startswith(TOTAL_ROW_WORDS)


def _is_blank_or_total(row: Sequence[Any], used: list[int], remarks: int | None) -> bool:
    """A row with nothing in the mapped columns (formulas nobody calculated aside: a prepared
    sheet's empty rows), or a 合计/平均 row (not a call)."""
    n = len(row)
    if all(i >= n or row[i] is None or row[i] == "" or (type(row[i]) is str and (not row[i].strip()
                                                                              or row[i] == NO_CACHED_VALUE))
           for i in used):
        return True
    # The label leads its row ("合计" in 序号 or 日期, "平均" in 质检员 under blank cells): a cell further
    # right saying "平均语速过快…" (a team's own 扣分原因) is what happened in a call, whose row is read.
    for i, v in enumerate(row):
        if v is None or (type(v) is str and (not v.strip() or v == NO_CACHED_VALUE)) or i == remarks:
            continue
        return type(v) is str and is_total_word(v)
    return False


def _unmapped_finding(rubric, grid, read, hr, missing_items, missing_fields, other_rubrics) -> Finding:
    cell = f"A{read.header_row}" if read.header_row else ""
    other = _other_rubric(rubric, grid, other_rubrics)
    if other is not None:
        return other
    if hr is None:
        calls_at = _calls_header_row(grid, vocabulary(rubric))
        if calls_at is not None:  # a 评分表 all the same, of a form no rubric given knows
            read.header_row = grid.first_row + calls_at
            return Finding.of(Rule.SHEET_UNMAPPED, grid.file, grid.sheet, grid.cell(calls_at, 0),
                              variant="no_items", row_number=read.header_row, rubric=rubric.name,
                              calls_header=True)
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


def _calls_header_row(grid: Grid, vocab: Vocabulary) -> int | None:
    """The index of a top row naming a call's 日期, 坐席 (工号 or 姓名) and 录音编号, in a sheet
    naming none of the rubric's items: a header of one call per row."""
    for r in range(min(HEADER_SCAN_ROWS, len(grid.rows))):
        keys = {spec.key for v in grid.rows[r] if (spec := vocab.match(v)) is not None and spec.kind == "field"}
        if {"date", "recording_id"} <= keys and keys & {"agent_id", "agent_name"}:
            return r
    return None


def _other_rubric(rubric: Rubric, grid: Grid, other_rubrics: Sequence[Rubric]) -> Finding | None:
    """The finding that the sheet belongs to another of the rubrics, as a table or as a form."""
    for other in other_rubrics:
        if other.id == rubric.id:
            continue
        probe, _ = map_columns(other, grid)
        needed = [it.name for it in other.items] + [f"offence:{o.id}" for o in other.offences]
        at = f"A{probe.header_row}" if probe.header_row is not None and all(k in probe.columns for k in needed) \
            else _form_of(other, grid, needed)
        if at:
            return Finding.of(Rule.SHEET_OTHER_RUBRIC, grid.file, grid.sheet, at,
                              value=other.id, other_name=other.name, other_id=other.id,
                              rubric_name=rubric.name, rubric_id=rubric.id)
    return None


def _form_of(rubric: Rubric, grid: Grid, needed: list[str]) -> str:
    """The cell of the first item of a form made for `rubric` ("" when the sheet is none)."""
    plan = find_form(rubric, grid, table_items=0)
    if plan is None or not all(k in {s.key for _, s in plan.blocks[0]} for k in needed):
        return ""
    return grid.cell(plan.blocks[0][0][0], plan.name_col)
