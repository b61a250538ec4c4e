"""Where everything is in a rubric's 评分表 template: the sheet names, the rows, the columns
(`template_layout(rubric)`, for the writers of its two sheets and for tests), and the texts the
inspector types into it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from xlsxwriter.utility import xl_col_to_name

from zhijian.engine.columns import ColumnSpec, column_specs
from zhijian.engine.rubric import Rubric

SHEET = "评分表"
NOTES_SHEET = "说明"
TITLE_ROW = 1
GROUP_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = 4
NA_TEXT = "不涉及"
# What 不涉及 counts as, by the item's `na` (validation messages and the 说明 sheet).
NA_MEANING = {"full": "按满分计", "zero": "按 0 分计", "exclude": "不计入(按其余适用项折算)"}
YES_TEXT = "是"


@dataclass(frozen=True)
class TemplateLayout:
    """Where things are in a rubric's 评分表 template (rows and columns 1-based, as Excel shows)."""

    sheet: str
    notes_sheet: str
    title_row: int
    group_row: int
    header_row: int
    first_data_row: int
    specs: tuple[ColumnSpec, ...]
    columns: dict[str, str] = field(default_factory=dict)  # column key -> letter ("A", "B", …)

    @property
    def headers(self) -> list[str]:
        return [s.header for s in self.specs]

    def column_number(self, key: str) -> int:
        """1-based column number of a column key (openpyxl's ``column``)."""
        return [s.key for s in self.specs].index(key) + 1

    def cell(self, key: str, row: int) -> str:
        """The A1 address of column `key` on sheet row `row` (1-based)."""
        return f"{self.columns[key]}{row}"

    def data_row(self, index: int) -> int:
        """The sheet row of the `index`-th data row (0-based)."""
        return self.first_data_row + index


def template_layout(rubric: Rubric) -> TemplateLayout:
    """The layout of `rubric`'s template: one column per `column_specs(rubric)`, in that order."""
    specs = tuple(column_specs(rubric))
    if rubric.ledger is not None:  # a call has no score: its 本通扣分 in the result column
        from .template_ledger import charge_spec

        specs = tuple(charge_spec(rubric) if s.key == "total" else s for s in specs)
    return TemplateLayout(
        sheet=SHEET, notes_sheet=NOTES_SHEET, title_row=TITLE_ROW, group_row=GROUP_ROW,
        header_row=HEADER_ROW, first_data_row=FIRST_DATA_ROW, specs=specs,
        columns={s.key: xl_col_to_name(i) for i, s in enumerate(specs)})


def column_units(text: str) -> int:
    """Width in Excel column units: a CJK (wide) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
