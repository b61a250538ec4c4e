"""Files on disk: reading workbooks into Grids, and writing copies with results.

Source workbooks are only ever opened for reading. Every output goes to a temporary file in the
target folder and is renamed into place, so a crash never leaves half a file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Iterator

from zhijian.errors import InputFileError
from zhijian.engine.findings import Finding, SEVERITY_ZH, Severity
from zhijian.engine.reader import Grid, SheetRead

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed onto it when the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~zhijian-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    # mkstemp makes the file private (0600); an output should get the usual permissions.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def check_readable(path: Path) -> None:
    """Raise InputFileError with a clear Chinese message for files we cannot read as a 评分表."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: 文件不存在")
    if path.is_dir():
        raise InputFileError(f"{path}: 这是一个文件夹,不是工作簿")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputFileError(f"{path}: 不支持旧版 .xls 格式,请在 Excel 中“另存为” .xlsx 后再试")
    if suffix == ".csv":
        return
    if suffix not in EXCEL_SUFFIXES:
        raise InputFileError(f"{path}: 不是 Excel 工作簿(.xlsx/.xlsm),无法读取")
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(f"{path}: 文件是空的(0 字节)")
    with open(path, "rb") as f:
        head = f.read(8)
    if head == _OLE_MAGIC:
        raise InputFileError(f"{path}: 工作簿设置了打开密码(已加密),请在 Excel 中取消密码后另存再试")
    if not zipfile.is_zipfile(path):
        raise InputFileError(f"{path}: 文件已损坏或不是 Excel 工作簿,无法打开")


def read_grids(path: Path) -> list[Grid]:
    """Every worksheet of a workbook (or the one table of a CSV) as Grids, read with calamine."""
    path = Path(path)
    check_readable(path)
    if path.suffix.lower() == ".csv":
        return [_read_csv(path)]
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        grids = []
        for meta in wb.sheets_metadata:
            if str(meta.typ).split(".")[-1].lower() not in ("worksheet", "sheettypeenum.worksheet"):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=True)
            start = sheet.start or (0, 0)
            grids.append(Grid(str(path), meta.name, rows, first_row=start[0] + 1, first_col=start[1] + 1))
        wb.close()
        if _has_error_cells(path):
            _restore_error_cells(path, grids)
    except Exception as e:  # calamine raises its own types for broken parts of the zip
        raise InputFileError(f"{path}: 工作簿已损坏,无法读取({type(e).__name__}: {e})") from None
    return grids


def _has_error_cells(path: Path) -> bool:
    """Whether any worksheet holds an error cell (#REF!, #DIV/0!…), which calamine reads as ''."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with z.open(name) as f:
                    if b't="e"' in f.read():
                        return True
    return False


def _restore_error_cells(path: Path, grids: list[Grid]) -> None:
    """Put the error text back where calamine left '' (a rare, slower openpyxl pass)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        for grid in grids:
            if grid.sheet not in wb.sheetnames:
                continue
            rows = [list(r) for r in grid.rows]
            for row in wb[grid.sheet].iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) != "e":
                        continue
                    r, c = cell.row - grid.first_row, cell.column - grid.first_col
                    if r < 0 or c < 0:
                        continue
                    while len(rows) <= r:
                        rows.append([])
                    rows[r].extend([""] * (c + 1 - len(rows[r])))
                    rows[r][c] = str(cell.value)
            grid.rows = rows
    finally:
        wb.close()


def _read_csv(path: Path) -> Grid:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputFileError(f"{path}: 无法识别 CSV 的文字编码(应为 UTF-8 或 GBK)")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return Grid(str(path), path.stem, rows)


def read_roster(path: Path) -> set[str]:
    """Agent ids (工号) from a roster file: the column headed 工号 (or 坐席工号…), else the first."""
    from zhijian.engine.columns import FIELD_ALIASES, normalise_header
    from zhijian.engine.reader import _id_text

    words = {normalise_header(w)[0] for w in FIELD_ALIASES["agent_id"]}
    for grid in read_grids(Path(path)):
        for r, row in enumerate(grid.rows[:10]):
            for c, v in enumerate(row):
                if normalise_header(v)[0] in words:
                    return {_id_text(x[c]) for x in grid.rows[r + 1:] if c < len(x) and _id_text(x[c])}
    raise InputFileError(f"{path}: 人员名单中找不到“工号”列")


def output_beside(source: Path, tag: str) -> Path:
    """`scores.xlsx` -> `scores.<tag>.xlsx` in the same folder (ASCII, for Excel on Windows);
    a CSV source gets an .xlsx copy, since highlights and comments need a workbook."""
    source = Path(source)
    suffix = ".xlsx" if source.suffix.lower() == ".csv" else source.suffix
    return source.with_name(f"{source.stem}.{tag}{suffix}")


def _load_for_copy(source: Path):
    """The source as an openpyxl workbook to copy from (a CSV becomes a one-sheet workbook whose
    sheet has the name the reader gave it, so findings' cells land where they point)."""
    from openpyxl import Workbook, load_workbook

    if source.suffix.lower() == ".csv":
        grid = _read_csv(source)
        wb = Workbook()
        ws = wb.active
        ws.title = grid.sheet[:31]
        for row in grid.rows:
            ws.append(list(row))
        return wb
    return load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)


FILL = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C"}


def write_checked_copy(source: Path, findings: list[Finding], target: Path | None = None) -> Path:
    """A copy of `source` with every finding's cell filled and commented, and a 校验结果 sheet."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    source = Path(source)
    target = Path(target) if target else output_beside(source, "checked")
    wb = _load_for_copy(source)
    mine = [f for f in findings if Path(f.file) == source]
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in mine:
        if f.cell and f.sheet in wb.sheetnames:
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, cell), fs in by_cell.items():
        ws = wb[sheet]
        for merged in ws.merged_cells.ranges:  # a merged cell takes its comment at the top-left
            if cell in merged:
                cell = merged.start_cell.coordinate
                break
        worst = Severity.ERROR if any(f.severity == Severity.ERROR for f in fs) else Severity.WARNING
        ws[cell].fill = PatternFill("solid", start_color=FILL[worst], end_color=FILL[worst])
        text = "\n".join(f"[{SEVERITY_ZH[f.severity]}] {f.message}" for f in fs)
        comment = Comment(text, "质检校验")
        comment.width, comment.height = 300, 60 + 40 * len(fs)
        ws[cell].comment = comment
    write_findings_sheet(wb, mine)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def write_findings_sheet(wb, findings: list[Finding], title: str = "校验结果") -> None:
    """Add (or replace) the 校验结果 sheet: one row per finding."""
    from openpyxl.styles import Font, PatternFill

    if title in wb.sheetnames:
        del wb[title]
    ws = wb.create_sheet(title)
    ws.append(["级别", "规则", "工作表", "单元格", "说明", "原值"])
    for c in ws[1]:
        c.font = Font(bold=True)
    for f in findings:
        ws.append([SEVERITY_ZH[f.severity], str(f.rule), f.sheet, f.cell, f.message,
                   "" if f.value is None else str(f.value)])
        ws.cell(ws.max_row, 1).fill = PatternFill("solid", start_color=FILL[f.severity], end_color=FILL[f.severity])
    if not findings:
        ws.append(["", "", "", "", "未发现问题", ""])
    for col, width in zip("ABCDEF", (8, 22, 14, 10, 70, 16)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"


def write_scored_copy(source: Path, sheets: list[SheetRead], calls, target: Path | None = None) -> Path:
    """A copy of `source` whose total column (最终得分) holds the engine's final scores; the column
    is added after the last one where the sheet has none."""
    from openpyxl.styles import Font

    source = Path(source)
    target = Path(target) if target else output_beside(source, "scored")
    wb = _load_for_copy(source)
    for read in sheets:
        if Path(read.file) != source or not read.mapped or read.sheet not in wb.sheetnames:
            continue
        ws = wb[read.sheet]
        letter = read.columns.get("total")
        if letter is None:
            from openpyxl.utils import get_column_letter
            letter = get_column_letter(ws.max_column + 1)
            ws[f"{letter}{read.header_row}"] = "最终得分"
            ws[f"{letter}{read.header_row}"].font = Font(bold=True)
        mine = calls[(calls["file"] == read.file) & (calls["sheet"] == read.sheet)]
        for row, score in zip(mine["row"], mine["final_score"]):
            ws[f"{letter}{int(row)}"] = float(score)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def expand_inputs(inputs: list[str]) -> tuple[list[Path], list[str]]:
    """Files, folders (all workbooks inside, recursively) and globs -> workbook paths, and notes on
    what was skipped (Excel lock files ~$…, files that are not workbooks)."""
    import glob

    files: list[Path] = []
    notes: list[str] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            candidates = sorted(x for x in p.rglob("*") if x.is_file())
            explicit = False
        elif any(ch in item for ch in "*?["):
            candidates = sorted(Path(x) for x in glob.glob(item, recursive=True) if Path(x).is_file())
            explicit = False
        else:
            candidates, explicit = [p], True
        for c in candidates:
            if c.name.startswith("~$"):
                notes.append(f"跳过 Excel 锁文件 {c}")
            elif explicit or c.suffix.lower() in EXCEL_SUFFIXES | {".xls"}:
                files.append(c)
            else:
                notes.append(f"跳过非工作簿文件 {c}")
        if not candidates:
            notes.append(f"没有找到匹配的文件: {item}")
    return list(dict.fromkeys(files)), notes


def check_files(rubric, paths: list[Path], *, roster=None, period=None, other_rubrics=(),
                progress=None, require_fields: bool = True):
    """Read every file and check all their sheets together (the file-based door onto
    `validate.check_grids`). A file that cannot be read becomes a file.unreadable finding."""
    from zhijian.engine.findings import Rule
    from zhijian.engine.validate import check_grids

    grids, unreadable = [], []
    for p in paths:
        try:
            grids.extend(read_grids(p))
        except InputFileError as e:
            unreadable.append(Finding(Rule.FILE_UNREADABLE, Severity.ERROR, str(p), "", "", str(e), None))
        if progress:
            progress(p)
    checked = check_grids(rubric, grids, roster=roster, period=period, other_rubrics=other_rubrics,
                          require_fields=require_fields)
    checked.report.findings[:0] = unreadable
    return checked
