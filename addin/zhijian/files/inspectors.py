"""The inspector list (质检员名单) of a roster file, for the 质检日志's 未交评分表 (SOP-10.1: every
inspector sends the day's sheet by 17:30).

Where the roster (人员名单) keeps it, in this order:
1. a sheet named 质检员, 质检员名单 or 质检组: the names under a header 姓名 / 质检员 / 质检员姓名 (in
   the first 10 rows), or, without such a header, every name in its first column;
2. else a column headed 质检员 on the agents' sheet (each agent's inspector): every name in it,
   each once, in the order they first appear.
The order found is the list's order (the rotation of the 当值质检, when none is given).
"""

from __future__ import annotations

from pathlib import Path

from zhijian.engine.cells import cell_text
from zhijian.engine.columns import normalise_header

from .workbooks import read_grids

INSPECTOR_SHEETS = ("质检员", "质检员名单", "质检组", "质检人员")
NAME_HEADERS = ("姓名", "质检员", "质检员姓名", "质检")


def _names(rows: list[list], col: int, start: int) -> list[str]:
    out: list[str] = []
    for row in rows[start:]:
        name = cell_text(row[col]) if col < len(row) else ""
        if name and name not in out:
            out.append(name)
    return out


def _header(rows: list[list], words: tuple[str, ...]) -> tuple[int, int] | None:
    keys = {normalise_header(w)[0] for w in words}
    for r, row in enumerate(rows[:10]):
        for c, v in enumerate(row):
            if normalise_header(v)[0] in keys:
                return r, c
    return None


def read_inspectors(path: Path) -> tuple[list[str] | None, str]:
    """(the inspector names, where they were found), or (None, why not) when the roster has no
    inspector list."""
    grids = read_grids(Path(path))
    name = Path(path).name
    for grid in grids:
        if normalise_header(grid.sheet)[0] in {normalise_header(s)[0] for s in INSPECTOR_SHEETS}:
            found = _header(grid.rows, NAME_HEADERS)
            names = _names(grid.rows, found[1], found[0] + 1) if found else _names(grid.rows, 0, 0)
            return names, f"人员名单 {name} 的“{grid.sheet}”工作表"
    for grid in grids:
        found = _header(grid.rows, ("质检员", "质检员姓名"))
        if found:
            return _names(grid.rows, found[1], found[0] + 1), f"人员名单 {name} “{grid.sheet}”工作表的“质检员”列"
    return None, f"人员名单 {name} 中没有质检员名单(“质检员”工作表或“质检员”列)"
