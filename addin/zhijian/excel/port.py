"""The workbook port: the few things a ribbon button does to a workbook, behind one small interface.

A button reads what it needs in one batch (`used_range`), computes with the engine, and writes back
in few batched calls (`write_block` per block of values, `fill` per colour, `comment` per cell,
`add_sheet` per result sheet). Two implementations:

- `OpenpyxlPort` over a workbook file: what the tests drive, and a way to run a button without
  Excel; `save()` writes the changed workbook (to `save_to`, else over the file).
- `XlwingsPort` (in `xlwings_port`) over a live `xlwings.Book` (the workbook that called the
  ribbon): writes go straight into the open workbook, which the user saves (or not) as usual;
  `save()` does nothing.

Colours are hex "RRGGBB" strings ("FFC7CE"); `None` removes a fill. Cells are A1 addresses.
Strings written through the port stay text: "=1+1", "00123" or "2026-10-01" are never turned
into a formula, a number or a date; "" leaves the cell empty.

This module holds the protocol, the helpers both ports share and `OpenpyxlPort`. Nothing here or
in `xlwings_port` imports xlwings: `XlwingsPort` receives the Book object, and the one xlwings
import of the project is in `zhijian.excel.ribbon`, inside the functions Excel calls.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path
from typing import Any, Protocol, Sequence, runtime_checkable

Rows = list[list[Any]]

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


class FolderPickerUnavailable(Exception):
    """The port cannot ask the user for a folder (not Excel on Windows): use the configured one."""


@runtime_checkable
class WorkbookPort(Protocol):
    """What a ribbon button may do to the workbook it was called from."""

    name: str  # file name, e.g. "一组-李娜.xlsx"
    path: Path | None  # full path when the workbook is a file on this computer

    def used_range(self, sheet: str | None = None) -> tuple[Rows, int, int]:
        """(values row by row, first row, first column) of the used range of `sheet` (default:
        the active sheet); values as Excel shows them (a formula's result, an error as "#DIV/0!")."""

    def used_shape(self, sheet: str) -> tuple[int, int]:
        """(rows, columns) of the used range of `sheet`, without reading its values: checked
        before `used_range` (a stray format far down makes Excel's used range a million rows)."""

    def sheet_names(self) -> list[str]: ...

    def sheet_hidden(self, sheet: str) -> bool:
        """Whether `sheet` is hidden (or very hidden): read like the others, and said."""

    def active_sheet(self) -> str: ...

    def write_block(self, sheet: str, top_left: str, rows: Sequence[Sequence[Any]]) -> None:
        """Write a rectangle of values whose top-left cell is `top_left` (one call)."""

    def fill(self, sheet: str, cells: Sequence[str], colour: str | None) -> None:
        """Fill every cell of `cells` with `colour` (as few calls as the platform allows)."""

    def fill_of(self, sheet: str, cell: str) -> str | None: ...

    def comment(self, sheet: str, cell: str, text: str | None) -> None:
        """Set (or replace) the cell's comment (note); `None` or "" removes it."""

    def comment_of(self, sheet: str, cell: str) -> str | None: ...

    def add_sheet(self, name: str, rows: Sequence[Sequence[Any]], *, header: bool = True) -> None:
        """A sheet `name` holding `rows` from A1 (replaced when it exists; the active sheet stays
        active); `header`: the first row is bold."""

    def status(self, text: str | None) -> None:
        """Show `text` on Excel's status bar; `None` gives the bar back to Excel."""

    def alert(self, text: str) -> None:
        """A message box the user closes."""

    def confirm(self, text: str) -> bool:
        """A message box with OK and Cancel: True when the user chose OK."""

    def document_property(self, name: str) -> str | None:
        """A custom document property of the workbook (e.g. zhijian_rubric_id), or None."""

    def open_workbook(self, path: Path) -> None:
        """Open a workbook in Excel for the user (the file port records it)."""

    def pick_folder(self, title: str, initial: Path | None = None) -> Path | None:
        """Ask the user for a folder: the folder, or None when cancelled; raises
        FolderPickerUnavailable when the port cannot ask."""

    def unsaved_workbooks(self) -> list[Path] | None:
        """The files of the workbooks open in this Excel with changes not yet saved (the calling
        one included): a report reads its folder from disk, without them. None: cannot tell."""

    def save(self) -> Path | None:
        """File port: write the workbook and return where; live Excel: nothing (the user saves)."""


# --- helpers shared by both ports --------------------------------------------------------------

def split_cell(cell: str) -> tuple[int, int]:
    """"B12" -> (12, 2)."""
    m = _CELL.match(cell.strip())
    if not m:
        raise ValueError(f"not a cell address: {cell!r}")
    letters, row = m.group(1).upper(), int(m.group(2))
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return row, col


def cell_name(row: int, col: int) -> str:
    """(12, 2) -> "B12"."""
    s = ""
    c = col
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return f"{s}{row}"


def plain(v: Any) -> Any:
    """A value as a plain Python value for a cell: numpy scalars unwrapped, NaN/NaT as empty."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalar
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(v, float) and math.isnan(v):
        return None
    if type(v).__name__ in ("NaTType",):
        return None
    if hasattr(v, "to_pydatetime"):  # pandas Timestamp
        return v.to_pydatetime()
    return v


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def normal_colour(colour: str | None) -> str | None:
    if colour is None:
        return None
    c = colour.lstrip("#").upper()
    if len(c) == 8:  # ARGB
        c = c[2:]
    if not re.fullmatch(r"[0-9A-F]{6}", c):
        raise ValueError(f"not a colour: {colour!r}")
    return c


def read_custom_properties(path: Path) -> dict[str, str]:
    """Custom document properties of an .xlsx/.xlsm file (docProps/custom.xml), by name."""
    from zhijian.files.guard import custom_properties

    return custom_properties(path)


# --- the file port ---------------------------------------------------------------------------

class OpenpyxlPort:
    """The port over a workbook file, with openpyxl. Messages, status texts, opened workbooks and
    folder requests are recorded (`alerts`, `statuses`, `opened`, `confirms`) so that tests can read
    them; `confirm()` answers `confirm_answer` (True)."""

    def __init__(self, path: str | Path, *, save_to: str | Path | None = None,
                 folder: str | Path | None = None):
        from openpyxl import load_workbook

        self.path = Path(path)
        self.name = self.path.name
        self.save_to = Path(save_to) if save_to else None
        self.folder = Path(folder) if folder else None
        self._keep_vba = self.path.suffix.lower() in (".xlsm", ".xlam")
        self.wb = load_workbook(self.path, keep_vba=self._keep_vba, rich_text=True)
        self._values = None  # the same workbook with formulas' cached values, loaded when needed
        self.alerts: list[str] = []
        self.statuses: list[str | None] = []
        self.opened: list[Path] = []
        self.folder_requests: list[str] = []
        self.confirms: list[str] = []
        self.confirm_answer = True  # what the "user" answers to confirm()
        self.unsaved: list[Path] | None = []  # no Excel around a file: nothing open unsaved (tests set it)

    # reading
    def _ws(self, sheet: str | None):
        if sheet is None:
            return self.wb.active
        if sheet not in self.wb.sheetnames:
            raise KeyError(f"没有名为“{sheet}”的工作表")
        return self.wb[sheet]

    def _cached(self, sheet: str, row: int, col: int) -> Any:
        if self._values is None:
            from openpyxl import load_workbook
            self._values = load_workbook(self.path, data_only=True)
        if sheet not in self._values.sheetnames:
            return None
        return self._values[sheet].cell(row, col).value

    def used_shape(self, sheet: str) -> tuple[int, int]:
        ws = self._ws(sheet)
        return ws.max_row - ws.min_row + 1, ws.max_column - ws.min_column + 1

    def used_range(self, sheet: str | None = None) -> tuple[Rows, int, int]:
        ws = self._ws(sheet)
        r0, c0, r1, c1 = ws.min_row, ws.min_column, ws.max_row, ws.max_column
        rows: Rows = []
        for row in ws.iter_rows(min_row=r0, max_row=r1, min_col=c0, max_col=c1):
            out = []
            for cell in row:
                v = cell.value
                if getattr(cell, "data_type", None) == "f" or type(v).__name__ in ("ArrayFormula",
                                                                                     "DataTableFormula"):
                    v = self._cached(ws.title, cell.row, cell.column)
                elif type(v).__name__ == "CellRichText":
                    v = str(v)
                out.append(v)
            rows.append(out)
        return rows, r0, c0

    def sheet_names(self) -> list[str]:
        return [ws.title for ws in self.wb.worksheets]

    def sheet_hidden(self, sheet: str) -> bool:
        return self._ws(sheet).sheet_state != "visible"

    def active_sheet(self) -> str:
        return self.wb.active.title

    # writing
    def _anchor(self, ws, ref: str):
        """The cell at `ref`, or the top-left cell of the merged range holding it."""
        cell = ws[ref]
        if type(cell).__name__ == "MergedCell":
            for merged in ws.merged_cells.ranges:
                if ref in merged:
                    return ws.cell(merged.min_row, merged.min_col)
        return cell

    def write_block(self, sheet: str, top_left: str, rows: Sequence[Sequence[Any]]) -> None:
        from zhijian.files.cells import put

        ws = self._ws(sheet)
        r0, c0 = split_cell(top_left)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                cell = ws.cell(r0 + i, c0 + j)
                if type(cell).__name__ == "MergedCell":
                    continue
                v = plain(v)
                if v == "":
                    v = None  # as in Excel: an empty string leaves the cell empty
                put(cell, v)  # text, never a formula

    def fill(self, sheet: str, cells: Sequence[str], colour: str | None) -> None:
        from openpyxl.styles import PatternFill

        ws = self._ws(sheet)
        c = normal_colour(colour)
        pattern = PatternFill("solid", start_color=c, end_color=c) if c else PatternFill(fill_type=None)
        for ref in cells:
            self._anchor(ws, ref).fill = pattern

    def fill_of(self, sheet: str, cell: str) -> str | None:
        f = self._anchor(self._ws(sheet), cell).fill
        if f is None or f.fill_type != "solid":
            return None
        rgb = f.fgColor.rgb if isinstance(f.fgColor.rgb, str) else None
        return normal_colour(rgb) if rgb else None

    def comment(self, sheet: str, cell: str, text: str | None) -> None:
        from openpyxl.comments import Comment

        target = self._anchor(self._ws(sheet), cell)
        if not text:
            target.comment = None
            return
        c = Comment(text, "质检校验")
        c.width, c.height = 300, 60 + 40 * text.count("\n")
        target.comment = c

    def comment_of(self, sheet: str, cell: str) -> str | None:
        c = self._anchor(self._ws(sheet), cell).comment
        return c.text if c is not None else None

    def add_sheet(self, name: str, rows: Sequence[Sequence[Any]], *, header: bool = True) -> None:
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        active = self.wb.active.title
        index = None
        if name in self.wb.sheetnames:
            index = self.wb.sheetnames.index(name)
            del self.wb[name]
        ws = self.wb.create_sheet(name, index)
        self.write_block(name, "A1", rows)
        if header and rows:
            for cell in ws[1]:
                cell.font = Font(bold=True)
            ws.freeze_panes = "A2"
        widths: dict[int, int] = {}
        for row in rows:
            for j, v in enumerate(row):
                if v is not None:
                    widths[j] = max(widths.get(j, 0), display_width(str(v)))
        for j, w in widths.items():
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(w + 2, 8), 80)
        self.wb.active = self.wb.sheetnames.index(active)

    # the user
    def status(self, text: str | None) -> None:
        self.statuses.append(text)

    def alert(self, text: str) -> None:
        self.alerts.append(text)

    def confirm(self, text: str) -> bool:
        self.confirms.append(text)
        return self.confirm_answer

    def document_property(self, name: str) -> str | None:
        props = getattr(self.wb, "custom_doc_props", None)
        for p in getattr(props, "props", []) or []:
            if p.name == name:
                return None if p.value is None else str(p.value)
        return read_custom_properties(self.path).get(name)

    def open_workbook(self, path: Path) -> None:
        self.opened.append(Path(path))

    def pick_folder(self, title: str, initial: Path | None = None) -> Path | None:
        self.folder_requests.append(title)
        if self.folder is None:
            raise FolderPickerUnavailable(title)
        return self.folder

    def unsaved_workbooks(self) -> list[Path] | None:
        return None if self.unsaved is None else [Path(p) for p in self.unsaved]

    def save(self) -> Path:
        from zhijian.files.atomic import atomic_path

        target = self.save_to or self.path
        with atomic_path(target) as tmp:
            self.wb.save(tmp)
        return target
