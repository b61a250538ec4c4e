"""What every ribbon button shares: the tab's title, the names of the sheets the buttons write
(never read as 评分表), the result a button returns and the cancelled signal, and writing a file
that may be open in Excel."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zhijian.errors import InputFileError, OutputPathError

TITLE = "质检"
RESULT_SHEET = "校验结果"
SETTINGS_SHEET = "配置"
RUBRIC_SHEET = "评分标准说明"
OWN_SHEETS = (RESULT_SHEET, SETTINGS_SHEET, RUBRIC_SHEET, "_zhijian")


class ButtonCancelled(Exception):
    """The user cancelled (e.g. closed the folder picker): stop quietly."""


@dataclass
class ButtonResult:
    """What a button did (for tests and logs); `message` is what the user was shown."""

    message: str
    output: Path | None = None
    errors: int = 0
    warnings: int = 0
    details: dict[str, Any] = field(default_factory=dict)


def book_grids(port, what: str = "评分表") -> list:
    """Every sheet of the workbook except the ones the buttons write, as reader Grids (one
    used-range read each, after its size is checked)."""
    from zhijian.engine.reader import Grid
    # A 评分表 has hundreds of rows; Excel's used range can reach a million when a format or a space
    # sits far down, and reading that through Excel would hang it: checked before any value is read,
    # against the bound a file's sheets are held to.
    from zhijian.files.workbooks import MAX_SHEET_CELLS

    file = str(port.path) if port.path else port.name
    names = [n for n in port.sheet_names() if n not in OWN_SHEETS]
    for name in names:
        n_rows, n_cols = port.used_shape(name)
        if n_rows * n_cols > MAX_SHEET_CELLS:
            raise InputFileError(f"{port.name} 工作表“{name}”的已用区域有 {n_rows:,} 行 × {n_cols:,} 列,超过 "
                                 f"{MAX_SHEET_CELLS:,} 个单元格(多半是远处还有格式或空格),读取会让 Excel 长时间无响应;"
                                 "请删除数据下方和右侧多余的行和列(Ctrl+End 可找到最后一个单元格),保存后再试")
    grids = []
    for name in names:
        rows, r0, c0 = port.used_range(name)
        grids.append(Grid(file, name, rows, r0, c0, hidden=port.sheet_hidden(name)))
    if not grids:
        raise InputFileError(f"这个工作簿中没有{what}工作表")
    return grids


def zhijian_kind(port) -> str | None:
    """What zhijian wrote the open workbook as ("报表", "标注副本", "计分副本"), or None for any other
    workbook: the same marks `files.guard.zhijian_output` reads from a file."""
    from zhijian.files.guard import COPY_PROPERTY, REPORT_PROPERTY

    if port.document_property(REPORT_PROPERTY) is not None or "_zhijian" in port.sheet_names():
        return "报表"
    copy = port.document_property(COPY_PROPERTY)
    if copy is not None:
        return {"checked": "标注副本", "scored": "计分副本"}.get(copy, "副本")
    return None


def refuse_zhijian_output(port, button: str) -> None:
    """A report or copy zhijian wrote is not a 评分表: refused, as the CLI skips it."""
    kind = zhijian_kind(port)
    if kind:
        raise InputFileError(f"{port.name} 是 zhijian 生成的{kind}(不是评分表),“{button}”只用于质检员的评分表;"
                             f"请打开评分表再点“{button}”")


def refuse_foreign_sheet(port, name: str, header: list[str], button: str) -> None:
    """The sheet `name` a button (re)writes, when it exists, must be the one it wrote (its first row
    starts with `header`) or empty: a sheet of the user's own under that name is never replaced."""
    if name not in port.sheet_names():
        return
    rows, _, _ = port.used_range(name)
    first = [str(v).strip() if v is not None else "" for v in (rows[0] if rows else [])]
    if not any(str(v).strip() for r in rows for v in r if v is not None):
        return
    if first[:len(header)] != header:
        raise InputFileError(f"工作簿中已有名为“{name}”的工作表,不是“{button}”写的;为免覆盖它,请先把它改名,"
                             f"再点“{button}”")


def refuse_open_workbook(port, outputs, button: str) -> None:
    """An output that is the open workbook's own file (clicking 汇总分析 in last run's 服务质量分析表)
    is refused: Excel holds that file open, and saving the window would put the old one back."""
    import os

    from zhijian.files.guard import real_path

    if port.path is None:
        return
    mine = real_path(port.path)
    for out in outputs:
        same = real_path(out) == mine
        if not same and os.path.exists(out):
            try:
                same = os.path.samefile(out, port.path)
            except OSError:
                pass
        if same:
            raise OutputPathError(f"“{button}”要写出的 {out} 就是当前打开的工作簿,写出会覆盖它;请关闭这个"
                                  f"工作簿,在评分表或别的工作簿中再点“{button}”")


def writing(path: Path, write: Callable[[Path], Any]) -> Any:
    """`write(path)`, with a Chinese message when the file is locked (open in Excel)."""
    try:
        return write(path)
    except PermissionError:
        raise InputFileError(f"无法写入 {path}: 文件可能正在 Excel 中打开,请先关闭它再试") from None

