"""Copies of inspectors' workbooks with results: the checked copy (bad cells filled and commented, a
校验结果 sheet) and the scored copy (the 最终得分 column filled). The source is only read.

A copy's bytes depend only on its inputs: its document times are fixed (`COPY_TIME`) and so are
the dates of its zip members, where openpyxl would write the time of writing into both.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

from zhijian.engine.findings import SEVERITY_ZH, Finding, Severity
from zhijian.engine.reader import SheetRead

from .atomic import atomic_path
from .cells import append_row, csv_value, put
from .guard import COPY_PROPERTY
from .marks import FILL_ERROR, FILL_WARNING, MARK_FILLS, is_mark, mark_text, own, unmark, unscorable_text
from .workbooks import check_readable, read_csv

# The document creation and modification time of every copy: the instant the report workbooks
# use too (`zhijian.reports.toolkit.CREATED`, a layer above this one).
COPY_TIME = dt.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's first date, the one XlsxWriter writes


def output_beside(source: Path, tag: str) -> Path:
    """`scores.xlsx` -> `scores.<tag>.xlsx` in the same folder (ASCII, for Excel on Windows);
    a CSV source gets an .xlsx copy, since highlights and comments need a workbook, named after
    the CSV (`day.csv` -> `day.csv.<tag>.xlsx`) so that it never takes `day.xlsx`'s copy."""
    source = Path(source)
    if source.suffix.lower() == ".csv":
        return source.with_name(f"{source.name}.{tag}.xlsx")
    return source.with_name(f"{source.stem}.{tag}{source.suffix}")


def copy_targets(sources: list[Path], tag: str) -> dict[Path, Path]:
    """The copy of each source (`output_beside`); two sources whose copies would share a name (on
    a case-insensitive disk too) get distinct ones (`day.checked-2.xlsx`), in the order given.

    Refuses (OutputPathError) a target that exists and is not a copy zhijian wrote: a file of the
    user's that happens to have that name is never overwritten."""
    from zhijian.errors import OutputPathError

    from .guard import real_path, zhijian_output

    out: dict[Path, Path] = {}
    taken: set[str] = set()
    for src in sources:
        target = output_beside(src, tag)
        n = 1
        while real_path(target).lower() in taken:
            n += 1
            base = output_beside(src, tag)
            target = base.with_name(f"{base.name[:-len(base.suffix)]}-{n}{base.suffix}")
        taken.add(real_path(target).lower())
        if target.exists() and zhijian_output(target) is None:
            raise OutputPathError(f"{target} 已存在,且不是 zhijian 写出的副本;为免覆盖,请先改名或移走它")
        out[Path(src)] = target
    return out


def _load_for_copy(source: Path):
    """The source as an openpyxl workbook to copy from, and the name each of the reader's sheets has
    in it. A CSV becomes a one-sheet workbook (numbers as numbers, ISO dates as dates, all other
    text as text) whose sheet is named after the file as far as Excel allows."""
    from openpyxl import Workbook, load_workbook

    if source.suffix.lower() == ".csv":
        grid = read_csv(source)
        wb = Workbook()
        ws = wb.active
        ws.title = _sheet_title(grid.sheet)
        for row in grid.rows:
            append_row(ws, [csv_value(v) for v in row])
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd"
        return wb, {grid.sheet: ws.title}
    check_readable(source)
    wb = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)
    return wb, {name: name for name in wb.sheetnames}


def _sheet_title(name: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    title = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31].strip("'")
    return title or "Sheet1"


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose members all carry `_ZIP_TIME`, where zipfile would date a member written
    by name with the time of writing and one written from a file (openpyxl's worksheets) with the
    file's mtime."""

    def _member(self, name: str, compress_type: int | None) -> zipfile.ZipInfo:
        zinfo = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
        zinfo.compress_type = self.compression if compress_type is None else compress_type
        zinfo.external_attr = 0o600 << 16  # what zipfile gives a member written by name
        return zinfo

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._member(zinfo_or_arcname, compress_type)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # Streamed like ZipFile.write; openpyxl passes no compresslevel (the default level).
        member = self._member(zipfile.ZipInfo.from_file(filename, arcname).filename, compress_type)
        with open(filename, "rb") as src, self.open(member, "w") as dest:
            shutil.copyfileobj(src, dest, 1 << 16)


def save_copy(wb, target: Path, kind: str) -> None:
    """Save an openpyxl workbook onto `target` (atomically) with the fixed document and zip times:
    the same workbook gives the same bytes. `Workbook.save` would stamp the time of writing.
    The copy is marked as zhijian's (`zhijian_copy` = `kind`), so it is never read as an input."""
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = wb.properties.modified = COPY_TIME
    props = wb.custom_doc_props
    for p in [p for p in props.props if p.name == COPY_PROPERTY]:
        props.props.remove(p)
    props.append(StringProperty(name=COPY_PROPERTY, value=kind))
    with atomic_path(Path(target)) as tmp:
        with _FixedTimeZip(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()


FILL = {Severity.ERROR: FILL_ERROR, Severity.WARNING: FILL_WARNING}


def _fill_of(cell) -> str | None:
    f = cell.fill
    if f is None or f.fill_type != "solid" or not isinstance(f.fgColor.rgb, str):
        return None
    return f.fgColor.rgb[-6:].upper()


def _set_fill(cell, colour: str | None) -> None:
    from openpyxl.styles import PatternFill

    cell.fill = PatternFill("solid", start_color=colour, end_color=colour) if colour else PatternFill(fill_type=None)


def _set_comment(cell, text: str | None, author: str) -> None:
    from openpyxl.comments import Comment

    if not text:
        cell.comment = None
        return
    cell.comment = Comment(text, author)
    cell.comment.width, cell.comment.height = 300, 60 + 40 * text.count("\n")


def _mark_cell(cell, colour: str, text: str, author: str) -> None:
    """Fill and comment `cell`, keeping its own colour and note in the comment (files.marks), as
    the ribbon's buttons do in the open workbook."""
    fill, note = own(_fill_of(cell), cell.comment.text if cell.comment else None)
    _set_fill(cell, colour)
    _set_comment(cell, mark_text(text, fill, note), author)


def _unmark_cell(cell) -> None:
    """Take one of our marks off `cell` (a comment of ours), giving back its own note and colour."""
    text = cell.comment.text if cell.comment else None
    if not is_mark(text):
        return
    fill, note = unmark(text)
    _set_comment(cell, note, cell.comment.author or "")
    if _fill_of(cell) in MARK_FILLS:
        _set_fill(cell, fill)


def _clear_stale_marks(wb, sheets, keep: set[tuple[str, str]]) -> None:
    """The marks a 校验 or 计算总分 of the ribbon saved into the source, on cells that are fine now
    (not in `keep`): not carried into the copy, as the next click takes them off in Excel."""
    for name in sheets:
        if name not in wb.sheetnames:
            continue
        # The cells the sheet holds (iter_rows would create every empty cell of the used range).
        for cell in list(wb[name]._cells.values()):
            if cell.comment is not None and (name, cell.coordinate) not in keep:
                _unmark_cell(cell)


def write_checked_copy(source: Path, findings: list[Finding], target: Path | None = None) -> Path:
    """A copy of `source` with every finding's cell filled and commented (its own note and colour
    kept in the comment), and a 校验结果 sheet."""
    source = Path(source)
    target = Path(target) if target else output_beside(source, "checked")
    wb, names = _load_for_copy(source)
    mine = [f for f in findings if Path(f.file) == source]
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in mine:
        if f.cell and names.get(f.sheet) in wb.sheetnames:
            by_cell.setdefault((names[f.sheet], f.cell), []).append(f)
    anchored: dict[tuple[str, str], list[Finding]] = {}
    for (sheet, cell), fs in by_cell.items():
        for merged in wb[sheet].merged_cells.ranges:  # a merged cell takes its comment at the top-left
            if cell in merged:
                cell = merged.start_cell.coordinate
                break
        anchored.setdefault((sheet, cell), []).extend(fs)
    _clear_stale_marks(wb, set(names.values()) - {"校验结果"}, set(anchored))
    for (sheet, cell), fs in anchored.items():
        worst = Severity.ERROR if any(f.severity == Severity.ERROR for f in fs) else Severity.WARNING
        text = "\n".join(f"[{SEVERITY_ZH[f.severity]}] {f.message}" for f in fs)
        _mark_cell(wb[sheet][cell], FILL[worst], text, "质检校验")
    _refuse_foreign_results_sheet(wb, source)
    write_findings_sheet(wb, mine)
    save_copy(wb, target, "checked")
    return target


FINDINGS_HEADER = ["级别", "规则", "工作表", "单元格", "说明", "原值"]


def _refuse_foreign_results_sheet(wb, source: Path, title: str = "校验结果") -> None:
    """A 校验结果 sheet of the user's own (not empty, not headed as ours) is never replaced in the
    copy: refused, as the ribbon's 校验 refuses it in the open workbook."""
    from zhijian.errors import OutputPathError

    if title not in wb.sheetnames:
        return
    rows = [[v for v in r] for r in wb[title].iter_rows(values_only=True)]
    if not any(v is not None and str(v).strip() for r in rows for v in r):
        return
    first = [str(v).strip() if v is not None else "" for v in (rows[0] if rows else [])]
    if first[:len(FINDINGS_HEADER)] != FINDINGS_HEADER:
        raise OutputPathError(f"{source} 中已有名为“{title}”的工作表,不是 zhijian 写的;为免在标注副本中替换它,"
                              f"请先把它改名,再运行 --write")


def write_findings_sheet(wb, findings: list[Finding], title: str = "校验结果") -> None:
    """Add (or replace) the 校验结果 sheet: one row per finding."""
    from openpyxl.styles import Font, PatternFill

    if title in wb.sheetnames:
        del wb[title]
    ws = wb.create_sheet(title)
    append_row(ws, FINDINGS_HEADER)
    for c in ws[1]:
        c.font = Font(bold=True)
    for f in findings:
        append_row(ws, [SEVERITY_ZH[f.severity], str(f.rule), f.sheet, f.cell, f.message,
                        "" if f.value is None else str(f.value)])
        ws.cell(ws.max_row, 1).fill = PatternFill("solid", start_color=FILL[f.severity], end_color=FILL[f.severity])
    if not findings:
        append_row(ws, ["", "", "", "", "未发现问题", ""])
    for col, width in zip("ABCDEF", (8, 22, 14, 10, 70, 16)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"


def write_scored_copy(source: Path, sheets: list[SheetRead], calls, target: Path | None = None,
                      findings: list[Finding] = (), header: str | None = None) -> Path:
    """A copy of `source` whose total column (最终得分) holds the engine's final scores; the column
    is added after the last one where the sheet has none. A row that cannot be scored gets no
    number: its cell is filled red, with the findings that explain why as its comment. A form
    (one call per block) gets each call's score in its block's total cell.

    With `header` (a ledger rubric's 本通扣分: `calls["final_score"]` then holds each call's
    charge), the figures go to the column of that header, else a new one after the last, never
    into the sheet's own total column (a call has no score); a form block gets it under its items
    beside the label when it has no total cell of its own, else nothing."""
    from openpyxl.styles import Font

    source = Path(source)
    target = Path(target) if target else output_beside(source, "scored")
    wb, names = _load_for_copy(source)
    why: dict[tuple[str, int], list[str]] = {}
    for f in findings:
        if Path(f.file) == source and f.row is not None and f.severity == Severity.ERROR:
            why.setdefault((f.sheet, f.row), []).append(f.message)
    _clear_stale_marks(wb, set(names.values()) - {"校验结果"},
                       {(names.get(f.sheet), f.cell) for f in findings if Path(f.file) == source and f.cell})
    red = FILL_ERROR
    for read in sheets:
        if Path(read.file) != source or not read.mapped or names.get(read.sheet) not in wb.sheetnames:
            continue
        ws = wb[names[read.sheet]]
        mine = calls[(calls["file"] == read.file) & (calls["sheet"] == read.sheet)]
        if read.layout == "form":  # one call per block: each block's total cell
            _score_form_blocks(ws, read, mine, why, red, header)
            continue
        letter = read.columns.get("total") if header is None else _column_headed(ws, read.header_row, header)
        if letter is None:
            from openpyxl.utils import get_column_letter
            letter = get_column_letter(ws.max_column + 1)
            put(ws[f"{letter}{read.header_row}"], header or "最终得分")
            ws[f"{letter}{read.header_row}"].font = Font(bold=True)
        scorable = mine["scorable"] if "scorable" in mine else [True] * len(mine)
        for row, score, ok in zip(mine["row"], mine["final_score"], scorable):
            cell = ws[f"{letter}{int(row)}"]
            if ok and score is not None:
                put(cell, float(score))
                _unmark_cell(cell)  # a mark on the number replaced spoke of that number
                continue
            _unscorable(cell, why.get((read.sheet, int(row))), red)
    save_copy(wb, target, "scored")
    return target


def _column_headed(ws, header_row: int | None, header: str) -> str | None:
    """The letter of the column whose header cell reads `header` (None: no such column)."""
    for cell in ws[header_row or 1]:
        if isinstance(cell.value, str) and cell.value.strip() == header:
            return cell.column_letter
    return None


def _score_form_blocks(ws, read: SheetRead, mine, why, red, header: str | None = None) -> None:
    """A form's final scores: in each block's total cell (合计, 总分 …), or, for a block without
    one, in the score column of the first empty row under its items, labelled 最终得分 (or
    `header`, which never goes into a block's own total cell)."""
    from openpyxl.styles import Font

    from zhijian.engine.grid import split_address

    scorable = mine["scorable"] if "scorable" in mine else [True] * len(mine)
    for row, score, ok in zip(mine["row"], mine["final_score"], scorable):
        ref = read.total_cell(int(row))
        if not ref or (header is not None and read.cell_ref(int(row), "total")):
            continue
        if not read.cell_ref(int(row), "total"):
            label = ws[f"{read.name_column}{split_address(ref)[1]}"]
            put(label, header or "最终得分")
            label.font = Font(bold=True)
        if ok and score is not None:
            put(ws[ref], float(score))
            _unmark_cell(ws[ref])
        else:
            _unscorable(ws[ref], why.get((read.sheet, int(row))), red)


def _unscorable(cell, reasons: list[str] | None, red: str) -> None:
    _unmark_cell(cell)
    cell.value = None
    _mark_cell(cell, red, unscorable_text(reasons), "质检计分")
