"""A sheet's values in memory (`Grid`) and what the reader made of it (`SheetRead`).

Both layouts the reader knows end here: a table (one call per row, items as columns) and a form
(one call per block: fields as label/value cells on top, items as rows with their score beside
them). A `SheetRead` holds the calls of either as columns of values, one per call, and knows the
address of every cell it read, so that findings, copies and the ribbon point at the right cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Sequence

from .findings import Finding

if TYPE_CHECKING:
    import pandas as pd

META_COLUMNS = ["file", "sheet", "row", "date", "inspector", "agent_id", "agent_name", "team",
                "recording_id", "call_type", "remarks", "recorded_total"]


def col_letter(col: int) -> str:
    """1-based column number -> Excel letters."""
    s = ""
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return s


def col_number(letter: str) -> int:
    """Excel letters -> 1-based column number."""
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n


def split_address(cell: str) -> tuple[str, int] | None:
    """"AB12" -> ("AB", 12); None for anything else."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", cell or "")
    return (m.group(1), int(m.group(2))) if m else None


@dataclass
class Grid:
    """A sheet's values in memory: `rows[0][0]` is the cell at (`first_row`, `first_col`), 1-based."""

    file: str
    sheet: str
    rows: Sequence[Sequence[Any]]
    first_row: int = 1
    first_col: int = 1
    hidden: bool = False  # hidden in its workbook: read and counted, and said (sheet.hidden)
    # Merged ranges, (first row, first column, last row, last column), 1-based: a merged cell's
    # value is the whole range's (a 日期 merged down a day's calls dates each of them).
    merges: Sequence[tuple[int, int, int, int]] = ()
    hidden_rows: frozenset[int] = frozenset()  # Excel rows hidden (by hand or a filter): read, counted, said
    # The workbook counts serial dates from 1904 (older Mac Excel's date system): a 日期 typed as a
    # plain number is that many days after 1904-01-01, as Excel shows it once formatted as a date.
    date1904: bool = False

    def cell(self, r: int, c: int) -> str:
        """Excel address of rows[r][c]."""
        return f"{col_letter(self.first_col + c)}{self.first_row + r}"


@dataclass
class FormBlock:
    """Where one call of a form-layout sheet is: its rows and the address of each cell read."""

    row: int  # the call's row in the calls table: the Excel row of its first item
    first_row: int
    last_row: int
    cells: dict[str, str] = field(default_factory=dict)  # key -> address of the value read
    total_slot: str = ""  # where a copy may write the final score when the block has no total


@dataclass
class SheetRead:
    """What the reader made of one sheet."""

    file: str
    sheet: str
    header_row: int | None = None  # Excel row of the item headers (a form: the first item's row)
    columns: dict[str, str] = field(default_factory=dict)  # key -> column letter
    headers: dict[str, str] = field(default_factory=dict)  # key -> header text as found
    extra_columns: dict[str, str] = field(default_factory=dict)  # column letter -> unknown header
    data: dict[str, list] = field(default_factory=dict)  # column -> values, one per call
    findings: list[Finding] = field(default_factory=list)
    mapped: bool = False
    # "table": one call per row; "form": one call per block of rows (录音质检打分明细表).
    layout: Literal["table", "form"] = "table"
    blocks: list[FormBlock] = field(default_factory=list)  # a form's calls, in sheet order
    name_column: str = ""  # a form: the column of the item names
    score_column: str = ""  # a form: the column of their scores

    @property
    def n_calls(self) -> int:
        return len(self.data.get("row", ()))

    @property
    def calls(self) -> pd.DataFrame:
        """The calls of this sheet as a table (built on demand: a folder has hundreds of sheets,
        and `validate.check_grids` builds one table for all of them)."""
        return calls_frame([self])

    def cell_ref(self, excel_row: int, key: str) -> str:
        """Address of `key`'s cell for the call on `excel_row` ("" when the sheet has none)."""
        if self.layout == "form":
            block = self._block(excel_row)
            return block.cells.get(key, "") if block else ""
        letter = self.columns.get(key)
        return f"{letter}{excel_row}" if letter else ""

    def key_at(self, cell: str) -> str | None:
        """The key whose value was read from `cell` (None for a cell the reader did not read)."""
        if self.layout == "form":
            return next((k for b in self.blocks for k, a in b.cells.items() if a == cell), None)
        where = split_address(cell)
        return next((k for k, c in self.columns.items() if where and c == where[0]), None)

    def total_cell(self, excel_row: int) -> str:
        """Where the final score of the call on `excel_row` goes in a copy ("" when nowhere)."""
        if self.layout == "form":
            block = self._block(excel_row)
            return (block.cells.get("total") or block.total_slot) if block else ""
        return self.cell_ref(excel_row, "total")

    def mapping_report(self) -> list[tuple[str, str, str]]:
        """(key, column letter, header) for every mapped column, in sheet order; a form gives the
        address of the value in the first block that has one instead of a column letter."""
        if self.layout == "form" and self.blocks:
            where = {k: next((b.cells[k] for b in self.blocks if k in b.cells), c) for k, c in self.columns.items()}
            return sorted(((k, where[k], self.headers[k]) for k in self.columns), key=lambda t: _address_order(t[1]))
        return sorted(((k, c, self.headers[k]) for k, c in self.columns.items()),
                      key=lambda t: (len(t[1]), t[1]))

    def describe_layout(self) -> str:
        """How the sheet was read, in words (for `validate --mapping`)."""
        if self.layout != "form":
            return f"表头在第 {self.header_row} 行" if self.header_row else "找不到表头"
        rows = "、".join(f"第 {b.first_row}–{b.last_row} 行" for b in self.blocks[:5])
        more = f"等 {len(self.blocks)} 块" if len(self.blocks) > 5 else f"共 {len(self.blocks)} 块"
        return (f"每通录音一张打分明细表: 评分项在 {self.name_column} 列、得分在 {self.score_column} 列,"
                f"表头字段为标签/值单元格;{rows}({more},每块一通录音)")

    def layout_state(self) -> dict[str, Any]:
        """How the sheet was laid out, as JSON data (for a cache that keeps reads): `restore_layout`
        gives it back. A table's is {"layout": "table"}."""
        if self.layout != "form":
            return {"layout": "table"}
        return {"layout": "form", "name_column": self.name_column, "score_column": self.score_column,
                "blocks": [[b.row, b.first_row, b.last_row, dict(b.cells), b.total_slot] for b in self.blocks]}

    def restore_layout(self, state: dict[str, Any]) -> None:
        """Take back what `layout_state` gave."""
        self.layout = "form" if state.get("layout") == "form" else "table"
        self.name_column = str(state.get("name_column", ""))
        self.score_column = str(state.get("score_column", ""))
        self.blocks = [FormBlock(int(r), int(a), int(z), {str(k): str(v) for k, v in cells.items()}, str(slot))
                       for r, a, z, cells, slot in state.get("blocks", [])]

    def _block(self, excel_row: int) -> FormBlock | None:
        return next((b for b in self.blocks if b.row == excel_row), None)


def _address_order(cell: str) -> tuple:
    where = split_address(cell)
    return (where[1], len(where[0]), where[0]) if where else (0, 0, cell)


def calls_frame(reads: Sequence[SheetRead]) -> pd.DataFrame:
    """One table of the calls of several sheets, columns in a stable order."""
    import numpy as np
    import pandas as pd  # here, not at the top: reading a sheet needs neither (`pipeline.reading`)

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

