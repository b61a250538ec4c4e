"""The workbook port over live Excel: `XlwingsPort` over the `xlwings.Book` that called the ribbon
(see `port` for the contract). Writes go straight into the open workbook, which the user saves (or
not) as usual; `save()` does nothing. xlwings itself is never imported here: the Book is handed in
by `zhijian.excel.ribbon`.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from .port import FolderPickerUnavailable, Rows, normal_colour, plain, read_custom_properties

_MAX_AREA_ADDRESS = 250  # Excel's Range("A1,B2,…") takes at most 255 characters


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

    def used_shape(self, sheet: str) -> tuple[int, int]:
        return self._sheet(sheet).used_range.shape  # two counts, no values

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def sheet_hidden(self, sheet: str) -> bool:
        # Windows hands over Excel's XlSheetVisibility (-1 visible, 0 hidden, 2 very hidden), macOS a bool.
        return self.book.sheets[sheet].visible not in (True, -1)

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

    def unsaved_workbooks(self) -> list[Path] | None:
        try:  # Windows (COM): Workbook.Saved is False once a change is made
            return [Path(str(b.fullname)) for b in self.app.books if not b.api.Saved]
        except Exception:  # noqa: BLE001 - macOS (no .Saved through appscript), Excel busy: cannot tell
            return None

    def save(self) -> None:
        return None
