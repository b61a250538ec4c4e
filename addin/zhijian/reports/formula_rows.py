"""A worksheet that writes one formula down many rows (the 评分表 template's 最终得分: 300 rows,
or a prefilled sheet per inspector), with the same cells XlsxWriter's `write_formula` stores.

`write_formula` runs some thirty regular expressions over every formula (`_prepare_formula`, for
Excel's newer functions), and our 最终得分 formula is long: with making the formula itself, that
was nine tenths of writing a template. Here the formula is made and prepared once, for a marked
row, and each row gets it with its own number. Where that would not give what `write_formula`
gives (the mark found in the formula's own text, an array or dynamic-array formula, a cell outside
the sheet) every row is written the ordinary way. `tests/reports/test_formula_rows.py` compares
the workbooks' bytes with the ordinary path for every bundled rubric and corpus form.
"""

from __future__ import annotations

from typing import Callable

from xlsxwriter.worksheet import CellFormulaTuple, Worksheet, re_dynamic_function

MARK = "\x00"  # stands for the row number; a formula of ours never holds a NUL of its own


class FormulaRowsSheet(Worksheet):
    """An XlsxWriter worksheet with `formula_down`."""

    def formula_down(self, first: int, last: int, col: int, formula_at: Callable[[int | str], str],
                     fmt=None, value="") -> None:
        """`formula_at(r + 1)` (its sheet row, 1-based) into (r, col) for r in `first`…`last`, as
        `write_formula(r, col, formula_at(r + 1), fmt, value)` would write each."""
        marked = formula_at(MARK)
        fast = marked.replace(MARK, str(first + 1)) == formula_at(first + 1) and \
            not marked.startswith("{") and not re_dynamic_function.search(marked) and \
            not self._check_dimensions(first, col) and not self._check_dimensions(last, col)
        if not fast:
            for r in range(first, last + 1):
                self.write_formula(r, col, formula_at(r + 1), fmt, value)
            return
        prepared = self._prepare_formula(marked)
        for r in range(first, last + 1):
            self.table[r][col] = CellFormulaTuple(prepared.replace(MARK, str(r + 1)), fmt, value)
