"""Reading workbooks and CSV files into Grids (python-calamine; openpyxl only to restore error cells),
with a clear Chinese message for every file that cannot be read; and the roster (人员名单)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from zhijian.engine.callcells import NO_CACHED_VALUE
from zhijian.engine.reader import Grid
from zhijian.engine.roster import Roster, conflicts, roster_entries
from zhijian.errors import AmbiguousRosterError, InputFileError

from .formula_cells import scan_cells

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Bounded reading: a workbook is a zip of XML parts, and a small file can unpack to gigabytes
# (a "zip bomb"). Before any parser sees a workbook, the sizes its zip directory declares are
# checked against these limits (README, 安全与数据); a real 评分表 is far below all of them.
MAX_PART_BYTES = 200 * 1024 * 1024  # one part (a worksheet's XML, the shared strings) unpacked
MAX_TOTAL_BYTES = 500 * 1024 * 1024  # all parts together, unpacked
MAX_RATIO = 100  # unpacked / packed size, for a part over RATIO_FROM_BYTES (XML packs 5–20×)
RATIO_FROM_BYTES = 10 * 1024 * 1024
MAX_PARTS = 10_000
MAX_CSV_BYTES = 200 * 1024 * 1024
# calamine makes each sheet one dense grid from its first value to its last: a value far away
# (XFD1048576) in a tiny file asks for billions of cells. The ribbon holds Excel's used range to it too.
MAX_SHEET_CELLS = 2_000_000
_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*?\bdate1904\s*=\s*[\"'](1|true)[\"']")



def check_readable(path: Path) -> None:
    """Raise InputFileError with a clear Chinese message for files we cannot read as a 评分表."""
    if _check_file(Path(path)):
        check_zip_limits(path)  # not a zip at all: the same message, from its one look at the zip


def _check_file(path: Path, data: bytes | None = None) -> bool:
    """check_readable without the look into the zip; True when there is a zip to look into
    (`data`: the file's bytes, already read)."""
    if not path.exists():
        raise InputFileError(f"{path}: 文件不存在")
    if path.is_dir():
        raise InputFileError(f"{path}: 这是一个文件夹,不是工作簿")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputFileError(f"{path}: 不支持旧版 .xls 格式,请在 Excel 中“另存为” .xlsx 后再试")
    if suffix == ".csv":
        return False
    if suffix not in EXCEL_SUFFIXES:
        raise InputFileError(f"{path}: 不是 Excel 工作簿(.xlsx/.xlsm),无法读取")
    size = path.stat().st_size if data is None else len(data)
    if size == 0:
        raise InputFileError(f"{path}: 文件是空的(0 字节)")
    if data is None:
        with open(path, "rb") as f:
            head = f.read(8)
    else:
        head = data[:8]
    if head == _OLE_MAGIC:
        raise InputFileError(f"{path}: 工作簿设置了打开密码(已加密),请在 Excel 中取消密码后另存再试")
    return True


def check_zip_limits(source: str | Path | io.BytesIO, name: str | None = None) -> None:
    """Refuse (InputFileError) a workbook whose parts would unpack beyond the limits above."""
    name = str(name or source)
    with _open_zip(source, name) as z:
        _check_parts(z.infolist(), name)


def _open_zip(source: str | Path | io.BytesIO, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputFileError(f"{name}: 文件已损坏或不是 Excel 工作簿,无法打开") from None


def _check_parts(infos: list[zipfile.ZipInfo], name: str) -> None:
    mb = 1024 * 1024
    too_big = (f"{name}: 工作簿解压后过大,为防止耗尽内存而拒绝读取(单个部件上限 {MAX_PART_BYTES // mb} MB、"
               f"合计 {MAX_TOTAL_BYTES // mb} MB、压缩比 {MAX_RATIO} 倍)")
    if len(infos) > MAX_PARTS:
        raise InputFileError(f"{name}: 工作簿包含 {len(infos)} 个部件,超过上限 {MAX_PARTS},拒绝读取")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES or \
                (info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO):
            raise InputFileError(too_big + f";{info.filename} 解压后 {info.file_size / mb:.0f} MB")


def read_grids(path: Path, data: bytes | None = None) -> list[Grid]:
    """Every worksheet of a workbook (or the one table of a CSV) as Grids, read with calamine;
    from `data` when given (the file's bytes, read once by the caller), else from the file.
    A file the system will not let us read (no permission, …) is an InputFileError naming it."""
    path = Path(path)
    try:
        if not _check_file(path, data):
            return [read_csv(path)]
    except OSError as e:
        from .errorlog import os_error_text
        raise InputFileError(os_error_text(e, path, "无法读取")) from None
    source = path if data is None else io.BytesIO(data)
    with _open_zip(source, str(path)) as z:  # one opening for the limits and the error cells
        _check_parts(z.infolist(), str(path))
        _check_extents(z, str(path))
        return _read_workbook(path, z, data)


def _check_extents(z: zipfile.ZipFile, name: str) -> None:
    """Refuse a workbook one of whose sheets spans more than MAX_SHEET_CELLS cells."""
    from .formula_cells import sheet_names
    from .sheet_extent import worksheet_extents

    for part, (rows, cols) in worksheet_extents(z, MAX_SHEET_CELLS).items():
        if rows * cols > MAX_SHEET_CELLS:
            sheet = sheet_names(z).get(part, part)
            raise InputFileError(f"{name}: 工作表“{sheet}”的数据区域有 {rows:,} 行 × {cols:,} 列,超过 "
                                 f"{MAX_SHEET_CELLS:,} 个单元格(多半是远处的单元格里还有内容),为防止耗尽内存而拒绝读取;"
                                 "请删除数据下方和右侧多余的行和列(Ctrl+End 可找到最后一个单元格),保存后再试")


def _read_workbook(path: Path, z: zipfile.ZipFile, data: bytes | None = None) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path)) if data is None else CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids = []
        for meta in wb.sheets_metadata:
            if str(meta.typ).split(".")[-1].lower() not in ("worksheet", "sheettypeenum.worksheet"):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=True)
            start = sheet.start or (0, 0)
            hidden = str(meta.visible).split(".")[-1].lower() != "visible"  # hidden or very hidden
            merges = [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (sheet.merged_cell_ranges or ())]
            grids.append(Grid(str(path), meta.name, rows, first_row=start[0] + 1, first_col=start[1] + 1,
                              hidden=hidden, merges=merges))
        wb.close()
        has_errors, uncalculated, hidden_rows = scan_cells(z)
        date1904 = uses_1904_dates(z)
        for grid in grids:
            grid.hidden_rows = hidden_rows.get(grid.sheet, frozenset())
            grid.date1904 = date1904
        if has_errors:
            _restore_error_cells(path, grids, data)
        _mark_uncalculated(grids, uncalculated)
    except Exception as e:  # calamine raises its own types for broken parts of the zip
        raise InputFileError(f"{path}: 工作簿已损坏,无法读取({type(e).__name__}: {e})") from None
    return grids


def uses_1904_dates(z: zipfile.ZipFile) -> bool:
    """Whether the workbook counts serial dates from 1904 (<workbookPr date1904="1"/>, older Mac Excel)."""
    try:
        book = z.read("xl/workbook.xml")
    except KeyError:
        return False
    return _DATE1904.search(book) is not None


def _mark_uncalculated(grids: list[Grid], cells: dict[str, set[str]]) -> None:
    """Formulas saved without a value hold NO_CACHED_VALUE (calamine read them as empty)."""
    if not any(cells.get(grid.sheet) for grid in grids):
        return  # the usual case: no need to import openpyxl (60 ms, in every reading process)
    from openpyxl.utils.cell import coordinate_to_tuple

    for grid in grids:
        refs = cells.get(grid.sheet)
        if not refs:
            continue
        rows = [list(r) for r in grid.rows]
        for ref in refs:
            try:
                r, c = coordinate_to_tuple(ref)
            except ValueError:
                continue
            r, c = r - grid.first_row, c - grid.first_col
            if r < 0 or c < 0:
                continue
            while len(rows) <= r:
                rows.append([])
            rows[r].extend([""] * (c + 1 - len(rows[r])))
            if rows[r][c] in ("", None):
                rows[r][c] = NO_CACHED_VALUE
        grid.rows = rows


def _restore_error_cells(path: Path, grids: list[Grid], data: bytes | None = None) -> None:
    """Put the error text back where calamine left '' (a rare, slower openpyxl pass)."""
    from openpyxl import load_workbook

    wb = load_workbook(path if data is None else io.BytesIO(data), read_only=True, data_only=True)
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


def read_csv(path: Path) -> Grid:
    """A CSV file as Excel and call systems save it: UTF-8 (with or without a BOM), GBK/GB18030,
    or UTF-16 with its BOM (Excel's "Unicode 文本"); comma-, semicolon- or tab-separated."""
    path = Path(path)
    if path.stat().st_size > MAX_CSV_BYTES:
        raise InputFileError(f"{path}: CSV 文件超过 {MAX_CSV_BYTES // 1024 // 1024} MB,拒绝读取")
    text = _decode_csv(path.read_bytes(), path)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    return Grid(str(path), path.stem, rows)


def _decode_csv(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as e:
            raise InputFileError(f"{path}: UTF-16 编码的 CSV 在第 {_line_at(raw, e.start, 2)} 行附近有无效的字节,"
                                 f"无法读取") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if raw.startswith(b"\xef\xbb\xbf") or _is_utf8_text(raw[:e.start]):
            # UTF-8 with a broken byte (a cut-off character, a pasted GBK name): read as GBK, the
            # whole file would turn into other characters without a word
            raise InputFileError(f"{path}: 这是 UTF-8 编码的 CSV,但第 {_line_at(raw, e.start)} 行有不是 UTF-8 的字节,"
                                 f"无法读取;请检查这一行,或在 Excel 中另存为“CSV UTF-8”后再试") from None
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: 无法识别 CSV 的文字编码(应为 UTF-8、GBK 或带 BOM 的 UTF-16)") from None


def _is_utf8_text(prefix: bytes) -> bool:
    """Whether the bytes before a UTF-8 error already held Chinese written in UTF-8 (two CJK
    characters or more): GBK bytes almost never decode as UTF-8 CJK by chance."""
    return sum("\u4e00" <= ch <= "\u9fff" for ch in prefix.decode("utf-8", "ignore")) >= 2


def _line_at(raw: bytes, pos: int, width: int = 1) -> int:
    return raw[:pos].count(b"\n" if width == 1 else "\n".encode("utf-16-le")) + 1


_DELIMITERS = (",", ";", "\t")


def _delimiter(text: str) -> str:
    """The separator of a CSV: the one giving the widest of its first lines (the header is among
    them), a comma on a tie; so a semicolon in a remark never splits a comma-separated file."""
    head = "\n".join(text.splitlines()[:20])
    width = {d: max((len(r) for r in csv.reader(io.StringIO(head), delimiter=d)), default=0) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: (width[d], d == ","))


def read_roster(path: Path) -> Roster:
    """The 人员名单: agent ids (工号) from the column headed 工号 (or 坐席工号…), with each agent's name
    (姓名…) and team (班组…) when the roster has those columns; the roster's findings with it (a
    工号 listed twice, a row without one: `engine.roster.roster_entries`). A 工号 listed for two
    different people is refused (`AmbiguousRosterError`), each such row named."""
    from zhijian.engine.columns import FIELD_ALIASES, normalise_header
    from zhijian.engine.cells import cell_text, id_text

    words = {key: {normalise_header(w)[0] for w in FIELD_ALIASES[key]} for key in ("agent_id", "agent_name", "team")}
    for grid in read_grids(Path(path)):
        for r, row in enumerate(grid.rows[:10]):
            heads = [normalise_header(v)[0] for v in row]
            cols = {key: next((c for c, h in enumerate(heads) if h in ws), None) for key, ws in words.items()}
            if cols["agent_id"] is None:
                continue
            agents, findings = roster_entries(grid, r, cols, cell_text, id_text)
            refuse_conflicts(findings, path)
            return Roster(agents, source=str(path), findings=findings)
    from zhijian.errors import RosterWithoutIdsError
    raise RosterWithoutIdsError(f"{path}: 人员名单中找不到“工号”列")


def refuse_conflicts(findings, path) -> None:
    """Stop when the roster lists one 工号 for two different people: one line per such row."""
    bad = conflicts(findings)
    if bad:
        raise AmbiguousRosterError("\n".join(
            [f"{path}: 人员名单不能使用,有 {len(bad)} 个工号对应不同的人:"]
            + [f"  {f.sheet} {f.cell}: {f.message}" for f in bad]))
