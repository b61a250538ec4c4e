"""The workbook port: the few things a ribbon button does to a workbook, behind one small interface.

A button reads what it needs in one batch (`used_range`), computes with the engine, and writes back
in few batched calls (`write_block` per block of values, `fill` per colour, `comment` per cell,
`add_sheet` per result sheet). Two implementations:

- `OpenpyxlPort` over a workbook file: what the tests drive, and a way to run a button without
  Excel; `save()` writes the changed workbook (to `save_to`, else over the file).
- `XlwingsPort` over a live `xlwings.Book` (the workbook that called the ribbon): writes go
  straight into the open workbook, which the user saves (or not) as usual; `save()` does nothing.

Colours are hex "RRGGBB" strings ("FFC7CE"); `None` removes a fill. Cells are A1 addresses.
Strings written through the port stay text: "=1+1", "00123" or "2026-10-01" are never turned
into a formula, a number or a date; "" leaves the cell empty.

Nothing here imports xlwings: `XlwingsPort` receives the Book object, and the one xlwings import
of the project is in `zhijian.ribbon`, inside the functions Excel calls.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Protocol, Sequence, runtime_checkable

Rows = list[list[Any]]

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_MAX_AREA_ADDRESS = 250  # Excel's Range("A1,B2,…") takes at most 255 characters


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

    def sheet_names(self) -> list[str]: ...

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
    import xml.etree.ElementTree as ET

    try:
        with zipfile.ZipFile(path) as z:
            if "docProps/custom.xml" not in z.namelist():
                return {}
            root = ET.fromstring(z.read("docProps/custom.xml"))
    except (OSError, zipfile.BadZipFile, ET.ParseError):
        return {}
    out = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            out[name] = prop[0].text or ""
    return out


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
                cell.value = v
                if isinstance(v, str) and v.startswith("="):
                    cell.data_type = "s"  # text, never a formula

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

    def save(self) -> Path:
        from zhijian.files.atomic import atomic_path

        target = self.save_to or self.path
        with atomic_path(target) as tmp:
            self.wb.save(tmp)
        return target


# --- the live Excel port ------------------------------------------------------------------------

def _excel_text(v: Any) -> Any:
    """A value for Excel's Range.Value: strings Excel would re-read as a formula, number or date
    get the apostrophe prefix that keeps them text (Excel does not show it)."""
    v = plain(v)
    if v == "":
        return None
    if isinstance(v, str) and (v[0] in "=+-@'" or v[0].isdigit() or v[0] == "."):
        return "'" + v
    return v


def _rgb(colour: str | None) -> tuple[int, int, int] | None:
    c = normal_colour(colour)
    return None if c is None else (int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16))


def _chunks(cells: Sequence[str], limit: int = _MAX_AREA_ADDRESS) -> Iterator[list[str]]:
    """Cell addresses grouped so that each group joined by "," fits Excel's address limit."""
    group: list[str] = []
    size = 0
    for ref in cells:
        extra = len(ref) + (1 if group else 0)
        if group and size + extra > limit:
            yield group
            group, size = [], 0
            extra = len(ref)
        group.append(ref)
        size += extra
    if group:
        yield group


class XlwingsPort:
    """The port over a live xlwings Book (the workbook the ribbon was clicked in)."""

    def __init__(self, book: Any):
        self.book = book
        self.app = book.app
        self.name = book.name
        full = Path(str(book.fullname)) if "://" not in str(book.fullname) else None
        self.path = full if full is not None and full.is_absolute() and full.exists() else None

    @contextmanager
    def session(self) -> Iterator["XlwingsPort"]:
        """Screen updating off while the button works; status bar and screen back afterwards,
        even after an error."""
        try:
            with self.app.properties(screen_updating=False):
                yield self
        finally:
            try:
                self.app.status_bar = False
            except Exception:  # noqa: BLE001 - Excel may be gone; nothing left to restore
                pass

    def _sheet(self, sheet: str | None):
        return self.book.sheets.active if sheet is None else self.book.sheets[sheet]

    def used_range(self, sheet: str | None = None) -> tuple[Rows, int, int]:
        rng = self._sheet(sheet).used_range
        values = rng.options(ndim=2, err_to_str=True).value
        return [list(r) for r in values], rng.row, rng.column

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def active_sheet(self) -> str:
        return self.book.sheets.active.name

    def write_block(self, sheet: str, top_left: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        block = [[_excel_text(v) for v in r] + [None] * (width - len(r)) for r in rows]
        self._sheet(sheet).range(top_left).value = block

    def fill(self, sheet: str, cells: Sequence[str], colour: str | None) -> None:
        sht = self._sheet(sheet)
        rgb = _rgb(colour)
        for group in _chunks(list(dict.fromkeys(cells))):
            try:
                sht.range(",".join(group)).color = rgb  # one call for many cells
            except Exception:  # noqa: BLE001 - a platform without multi-area ranges: cell by cell
                for ref in group:
                    sht.range(ref).color = rgb

    def fill_of(self, sheet: str, cell: str) -> str | None:
        rgb = self._sheet(sheet).range(cell).color
        return None if rgb is None else "%02X%02X%02X" % tuple(rgb)

    def comment(self, sheet: str, cell: str, text: str | None) -> None:
        rng = self._sheet(sheet).range(cell)
        note = rng.note
        if not text:
            if note is not None:
                note.delete()
            return
        if note is not None:
            note.text = text
        else:
            note = rng.add_note(text)
        try:  # Windows: size the note to its text
            note.api.Shape.TextFrame.AutoSize = True
        except Exception:  # noqa: BLE001 - cosmetic only
            pass

    def comment_of(self, sheet: str, cell: str) -> str | None:
        note = self._sheet(sheet).range(cell).note
        return None if note is None else note.text

    def add_sheet(self, name: str, rows: Sequence[Sequence[Any]], *, header: bool = True) -> None:
        active = self.book.sheets.active
        if name in self.sheet_names():
            sht = self.book.sheets[name]
            sht.clear()
        else:
            sht = self.book.sheets.add(name, after=self.book.sheets[len(self.book.sheets) - 1])
        self.write_block(name, "A1", rows)
        if header and rows:
            try:
                sht.range((1, 1), (1, max(len(r) for r in rows))).font.bold = True
            except Exception:  # noqa: BLE001 - cosmetic only
                pass
        try:
            sht.autofit("c")
        except Exception:  # noqa: BLE001 - cosmetic only
            pass
        active.activate()

    def status(self, text: str | None) -> None:
        self.app.status_bar = text if text else False

    def _show(self) -> None:
        """Screen updating back on before a dialog, so that what is behind it is up to date."""
        try:
            self.app.screen_updating = True
        except Exception:  # noqa: BLE001 - cosmetic only
            pass

    def alert(self, text: str) -> None:
        self._show()
        self.app.alert(text, title="质检")

    def confirm(self, text: str) -> bool:
        self._show()
        return self.app.alert(text, title="质检", buttons="ok_cancel") == "ok"

    def document_property(self, name: str) -> str | None:
        try:  # Windows (COM)
            return str(self.book.api.CustomDocumentProperties(name).Value)
        except Exception:  # noqa: BLE001 - not Windows, or no such property
            pass
        if self.path is not None:  # as last saved on disk
            return read_custom_properties(self.path).get(name)
        return None

    def open_workbook(self, path: Path) -> None:
        book = self.app.books.open(str(path))
        try:
            book.activate()
        except Exception:  # noqa: BLE001 - cosmetic only
            pass

    def pick_folder(self, title: str, initial: Path | None = None) -> Path | None:
        import sys

        if not sys.platform.startswith("win"):
            raise FolderPickerUnavailable(title)
        self._show()
        try:
            dialog = self.app.api.FileDialog(4)  # msoFileDialogFolderPicker
            dialog.Title = title
            if initial:
                dialog.InitialFileName = str(initial).rstrip("\\") + "\\"
            chosen = dialog.Show()
        except Exception as e:  # noqa: BLE001 - no dialog (e.g. Excel busy): use the setting
            raise FolderPickerUnavailable(title) from e
        if chosen != -1:
            return None
        return Path(str(dialog.SelectedItems(1)))

    def save(self) -> None:
        return None
