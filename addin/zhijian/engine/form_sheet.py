"""The one-call-per-sheet form (录音质检打分明细表): a block per call, its fields as label/value cells
on top ("录音编号 | LY001", "坐席: 王芳"), then the items as rows with their score beside them, and
a total at the bottom. Several blocks may stand one under the other on a sheet, and a workbook may
hold one sheet per call; every block is one row of the calls table.

A sheet is a form when the rubric's item names run down one column (more of them than along any
row). The score column is the one headed 得分 (实得分, Score …) above the items, else the first
column to their right that holds scores. A block ends where the next one's items start, or
earlier at the next block's item-table header or at a field label the block already has (the
next call's 录音编号).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from .callcells import CallCells, read_calls
from .cells import cell_text, parse_number
from .columns import (AGENT_AS_ID_WORDS, FIELD_ZH, REQUIRED_FIELDS, ColumnSpec, Vocabulary, level_words,
                      normalise_header, vocabulary)
from .findings import Finding, Rule
from .grid import FormBlock, Grid, SheetRead, col_letter, split_address
from .rubric import Rubric, level_word

# The header of the item table (normalised as `normalise_header` makes them).
SCORE_WORDS = {"得分", "实得分", "实际得分", "本项得分", "评分", "打分", "分数", "得分情况", "score",
               "points", "result", "rating", "评定", "评价"}
MAX_WORDS = {"分值", "满分", "标准分", "配分", "分数上限", "权重", "max", "maxscore", "possible", "weight"}
TABLE_WORDS = SCORE_WORDS | MAX_WORDS | {"序号", "评分项目", "评分项", "项目", "考核项目", "考核内容",
                                         "评分标准", "评分细则", "扣分原因", "扣分说明", "备注", "item",
                                         "criteria", "criterion", "no", "no.", "comments"}
ITEM_KINDS = ("item", "offence")
VALUE_IN_SCORE_COLUMN = ("bonus", "deduction", "zero", "fatal", "error_deduction", "complaint", "total")
CALL_FIELDS = ("recording_id", "agent_id", "agent_name", "date", "inspector")  # a block has one at least
BLOCK_FIELDS = (*CALL_FIELDS, "team", "call_type")  # met again after a block's items: the next call
_AGENT_AS_ID = {normalise_header(w)[0] for w in AGENT_AS_ID_WORDS}
_SEGMENT = re.compile(r"\s+(?=[^\s:]+:)")  # "录音编号:LY1  坐席:王芳" -> two label:value segments


@dataclass
class FormPlan:
    """Where a form's items are: the name column and each block's item rows (grid indices)."""

    name_col: int
    blocks: list[list[tuple[int, ColumnSpec]]]  # per block: (row index, item spec) in sheet order


def find_form(rubric: Rubric, grid: Grid, table_items: int) -> FormPlan | None:
    """The form layout of a sheet, when the rubric's items run down a column: more distinct items
    in that column than `table_items` (the most any row holds), and at least two."""
    vocab = vocabulary(rubric)
    per_col: dict[int, dict[str, None]] = {}
    for row in grid.rows:
        for c, v in enumerate(row):
            if type(v) is str:
                spec = vocab.match(v)
                if spec is not None and spec.kind in ITEM_KINDS:
                    per_col.setdefault(c, {})[spec.key] = None
    if not per_col:
        return None
    name_col = max(per_col, key=lambda c: (len(per_col[c]), -c))
    if len(per_col[name_col]) < 2 or len(per_col[name_col]) <= table_items:
        return None
    blocks: list[list[tuple[int, ColumnSpec]]] = [[]]
    for r, row in enumerate(grid.rows):
        spec = vocab.match(row[name_col]) if name_col < len(row) else None
        if spec is None or spec.kind not in ITEM_KINDS:
            continue
        if any(s.key == spec.key for _, s in blocks[-1]):  # the items start again: the next call
            blocks.append([])
        blocks[-1].append((r, spec))
    return FormPlan(name_col, blocks)


def read_form(rubric: Rubric, grid: Grid, plan: FormPlan, *, require_fields: bool = True) -> SheetRead:
    """Read every block of a form-layout sheet into the calls table (one call per block)."""
    return _FormReader(rubric, grid, plan).read(require_fields)


@dataclass
class _Block:
    first: int  # grid row indices of the block's region, inclusive
    last: int
    items: list[tuple[int, ColumnSpec]]
    score_col: int | None = None
    head_row: int | None = None  # the item table's header row (得分 …), not a row of fields
    values: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)  # key -> address of its value
    labels: dict[str, str] = field(default_factory=dict)  # key -> label as found

    @property
    def top(self) -> int:
        return self.items[0][0]


class _FormReader:
    def __init__(self, rubric: Rubric, grid: Grid, plan: FormPlan):
        self.rubric, self.grid, self.plan = rubric, grid, plan
        self.vocab: Vocabulary = vocabulary(rubric)
        self.name_col = plan.name_col

    def read(self, require_fields: bool) -> SheetRead:
        grid = self.grid
        read = SheetRead(grid.file, grid.sheet, layout="form",
                         name_column=col_letter(grid.first_col + self.name_col))
        blocks = self._regions()
        read.header_row = grid.first_row + blocks[0].top
        for b in blocks:
            self._score_column(b, blocks[0])
            self._values(b)
            _agent_as_id(b)
        sc = blocks[0].score_col
        read.score_column = col_letter(grid.first_col + sc) if sc is not None else ""
        read.blocks = [FormBlock(grid.first_row + b.top, grid.first_row + b.first, grid.first_row + b.last,
                                 dict(b.cells), self._total_slot(b)) for b in blocks]
        problem = self._problem(read, blocks, require_fields)
        if problem is not None:
            read.findings = [problem]
            return read
        read.mapped = True
        keys = list(dict.fromkeys(k for b in blocks for k in b.values))
        for k in keys:
            b = next(b for b in blocks if k in b.cells)
            read.columns[k] = split_address(b.cells[k])[0]
            read.headers[k] = b.labels.get(k, FIELD_ZH.get(k, k))
        excel_rows = [grid.first_row + b.top for b in blocks]
        # A block without a field's label: its finding points at the block's first cell.
        corner = [f"{col_letter(grid.first_col)}{grid.first_row + b.first}" for b in blocks]
        cells = CallCells(grid.file, grid.sheet, excel_rows, {k: [b.values.get(k) for b in blocks] for k in keys},
                          read.headers, lambda key, j: blocks[j].cells.get(key) or corner[j], read.findings,
                          date1904=grid.date1904)
        read.data = read_calls(self.rubric, cells)
        return read

    # --- where the blocks are ---------------------------------------------------------------

    def _regions(self) -> list[_Block]:
        """Each block's rows: from the end of the previous block to the row before the next
        block's item-table header, or before the first row after its items holding a field label
        it already has (the next call's 录音编号), whichever comes first."""
        blocks = [_Block(0, len(self.grid.rows) - 1, items) for items in self.plan.blocks]
        for k in range(len(blocks) - 1):
            b, nxt = blocks[k], blocks[k + 1]
            seen: set[str] = set()
            boundary = nxt.top
            for r in range(b.first, nxt.top):
                if b.top <= r <= b.items[-1][0]:
                    continue
                head = self._is_table_head(r)
                found = set() if head else {key for key, *_ in self._labels(r, None) if key in BLOCK_FIELDS}
                if r > b.items[-1][0] and (found & seen or head):
                    boundary = r
                    break
                seen |= found
            # A title just above the next call's fields belongs to it.
            while boundary - 1 > b.items[-1][0] and self._is_title(boundary - 1):
                boundary -= 1
            b.last, nxt.first = boundary - 1, boundary
        return blocks

    def _is_title(self, r: int) -> bool:
        """A row of one text and no label (录音质检打分明细表)."""
        texts = [v for v in self.grid.rows[r] if v is not None and not (isinstance(v, str) and not v.strip())]
        return len(texts) == 1 and isinstance(texts[0], str) and not self._labels(r, None)

    def _is_table_head(self, r: int) -> bool:
        """The header row of an item table: two of its words at least ("序号 | 评分项目 | 分值 | 得分"),
        or nothing but one such word ("得分" over the scores; a row "得分 | 95" is a total)."""
        cells = [v for v in self.grid.rows[r] if v is not None and not (isinstance(v, str) and not v.strip())]
        words = [normalise_header(v)[0] if isinstance(v, str) else None for v in cells]
        known = sum(w in TABLE_WORDS for w in words)
        return known >= 2 or (known == len(words) == 1 and words[0] in SCORE_WORDS)

    def _score_column(self, b: _Block, first: _Block) -> None:
        """The block's score column: headed by a score word above its first item, else the first
        column right of the names whose cells mostly hold scores (else the first block's)."""
        rows = self.grid.rows
        for r in range(b.top - 1, max(b.first, b.top - 4) - 1, -1):
            if self._is_table_head(r):
                b.head_row = r
                break
        head = rows[b.head_row] if b.head_row is not None else []
        words = {c: normalise_header(v)[0] for c, v in enumerate(head) if isinstance(v, str)}
        b.score_col = next((c for c, w in words.items() if c != self.name_col and w in SCORE_WORDS), None)
        if b.score_col is not None:
            return
        width = max(len(rows[r]) for r, _ in b.items)
        for c in range(self.name_col + 1, width):
            if words.get(c) in MAX_WORDS:
                continue
            if 2 * sum(self._score_like(rows[r], c, spec) for r, spec in b.items) >= len(b.items):
                b.score_col = c
                return
        b.score_col = first.score_col if first is not b else None

    def _score_like(self, row: Sequence[Any], c: int, spec: ColumnSpec) -> bool:
        v = row[c] if c < len(row) else None
        if parse_number(v)[0] in ("num", "na"):
            return True
        item = self.rubric.item_by_name.get(spec.key) if spec.kind == "item" else None
        return item is not None and isinstance(v, str) and level_word(v) in level_words(self.rubric, item)

    # --- what a block holds -----------------------------------------------------------------

    def _values(self, b: _Block) -> None:
        """Each item's score (the score column of its row), the fields from their label/value
        cells, the total and the rule rows (差错扣分, 加分 …) from the score column."""
        grid, sc = self.grid, b.score_col
        for r, spec in b.items:
            row = grid.rows[r]
            b.values[spec.key] = row[sc] if sc is not None and sc < len(row) else None
            b.cells[spec.key] = grid.cell(r, sc if sc is not None else self.name_col)
            b.labels[spec.key] = cell_text(row[self.name_col])
        item_rows = {r for r, _ in b.items}
        for r in range(b.first, b.last + 1):
            if r in item_rows or r == b.head_row:
                continue
            for key, label, value, address in self._labels(r, sc):
                if key not in b.values:
                    b.values[key], b.cells[key], b.labels[key] = value, address, label

    def _labels(self, r: int, score_col: int | None) -> list[tuple[str, str, Any, str]]:
        """(key, label, value, value's address) of every label in row r: a cell naming a field,
        its value in the next filled cell to its right or after a colon in the same cell; a cell
        naming the total or a rule (差错扣分, 加分 …), its value in the score column."""
        grid, row = self.grid, self.grid.rows[r]
        used: set[int] = set()
        out: list[tuple[str, str, Any, str]] = []
        for c, v in enumerate(row):
            if c in used or not isinstance(v, str) or not v.strip():
                continue
            text = cell_text(v)
            spec = self.vocab.match(text)
            if ":" in text and text.partition(":")[2].strip() and spec is None:  # "录音编号: LY001"
                for seg in _SEGMENT.split(text):
                    label, _, value = seg.partition(":")
                    spec = self.vocab.match(label)
                    if spec is not None and spec.kind not in ITEM_KINDS and value.strip():
                        out.append((spec.key, label.strip(), value.strip(), grid.cell(r, c)))
                continue
            if spec is None or spec.kind in ITEM_KINDS:
                continue
            if spec.kind in VALUE_IN_SCORE_COLUMN and score_col is not None and score_col > c:
                vc: int | None = score_col
            else:
                vc = self._next_filled(row, c)
            if vc is None:
                out.append((spec.key, text, None, grid.cell(r, c + 1)))
                continue
            used.add(vc)
            out.append((spec.key, text, row[vc], grid.cell(r, vc)))
        return out

    def _next_filled(self, row: Sequence[Any], c: int) -> int | None:
        """The next filled cell right of a label (None when the next filled one is a label too)."""
        for j in range(c + 1, len(row)):
            v = row[j]
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            spec = self.vocab.match(v) if isinstance(v, str) else None
            return None if spec is not None and spec.kind == "field" else j
        return None

    def _total_slot(self, b: _Block) -> str:
        """Where a copy may write the final score of a block without a total: the score cell of the
        first empty row under its items (name and score cells both empty)."""
        sc = b.score_col
        if sc is None:
            return ""
        for r in range(b.items[-1][0] + 1, b.last + 2):
            row = self.grid.rows[r] if r < len(self.grid.rows) else []
            if all((row[c] if c < len(row) else None) in (None, "") for c in (self.name_col, sc)):
                return self.grid.cell(r, sc)
        return ""

    def _problem(self, read: SheetRead, blocks: list[_Block], require_fields: bool) -> Finding | None:
        """The one finding that refuses the sheet: a block without some items, without a score
        column, or the sheet without the fields every call needs."""
        g = self.grid
        item_keys = [it.name for it in self.rubric.items] + [f"offence:{o.id}" for o in self.rubric.offences]
        names = {it.name: it.name for it in self.rubric.items} | {f"offence:{o.id}": o.name for o in self.rubric.offences}
        for i, b in enumerate(blocks):
            where = f"第 {g.first_row + b.first}–{g.first_row + b.last} 行"
            missing = [k for k in item_keys if k not in b.values]
            cell = g.cell(b.top, self.name_col)
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if missing and nxt is not None and not any(k in nxt.values for k in CALL_FIELDS):
                # The next "call" has no fields of its own: an item row typed twice split one call.
                again_row, spec = nxt.items[0]
                first_row = next(r for r, s in b.items if s.key == spec.key)
                return Finding.of(Rule.SHEET_UNMAPPED, g.file, g.sheet, cell, variant="form_item_repeated",
                                  column=read.name_column, item=names[spec.key],
                                  first=g.first_row + first_row, again=g.first_row + again_row)
            if missing:
                return Finding.of(Rule.SHEET_UNMAPPED, g.file, g.sheet, cell, variant="form_items_missing",
                                  where=where, column=read.name_column, items="、".join(names[k] for k in missing))
            if b.score_col is None:
                return Finding.of(Rule.SHEET_UNMAPPED, g.file, g.sheet, cell, variant="form_no_scores",
                                  where=where, column=read.name_column)
            if not any(k in b.values for k in CALL_FIELDS):
                return Finding.of(Rule.SHEET_UNMAPPED, g.file, g.sheet, cell, variant="form_fields_missing",
                                  where=where, column=read.name_column,
                                  fields="、".join(FIELD_ZH[k] for k in REQUIRED_FIELDS))
        needed = [k for k in REQUIRED_FIELDS if not any(k in b.values for b in blocks)] if require_fields else []
        if needed:
            return Finding.of(Rule.SHEET_UNMAPPED, g.file, g.sheet, g.cell(blocks[0].top, self.name_col),
                              variant="form_fields_missing", where=f"第 {g.first_row + blocks[0].first} 行起",
                              column=read.name_column, fields="、".join(FIELD_ZH[k] for k in needed))
        return None


def _agent_as_id(b: _Block) -> None:
    """A block whose only agent label is 坐席 (or Agent) knows its agent by what it holds."""
    if "agent_id" not in b.values and "agent_name" in b.values and \
            normalise_header(b.labels.get("agent_name", ""))[0] in _AGENT_AS_ID:
        b.values["agent_id"], b.cells["agent_id"] = b.values["agent_name"], b.cells["agent_name"]
        b.labels["agent_id"] = b.labels["agent_name"]
