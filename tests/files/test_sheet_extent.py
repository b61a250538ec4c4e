"""The extent check decides as the cell-by-cell follow does, whichever shortcut it takes: a sheet
within A1:ZZ999 (one search), the rectangle of positioned cells, or the follow itself."""

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from zhijian.engine.grid import col_letter
from zhijian.files.sheet_extent import _followed_extent, part_extent

PART = "xl/worksheets/sheet1.xml"


def _zip(cells: list[tuple[int, int, bool]], lowercase: bool = False) -> zipfile.ZipFile:
    rows: dict[int, list[str]] = {}
    for r, c, value in cells:
        ref = f"{col_letter(c)}{r}"
        ref = ref.lower() if lowercase else ref
        rows.setdefault(r, []).append(f'<c r="{ref}"><v>1</v></c>' if value else f'<c r="{ref}" s="1"/>')
    xml = "<worksheet><sheetData>" + "".join(
        f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items())) + "</sheetData></worksheet>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(PART, xml)
    return zipfile.ZipFile(io.BytesIO(buf.getvalue()))


cell = st.tuples(st.one_of(st.integers(1, 999), st.integers(1, 1_048_576)),
                 st.one_of(st.integers(1, 702), st.integers(1, 16_384)), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(cell, min_size=1, max_size=12), st.sampled_from([2_000_000, 500_000, 50]))
def test_the_shortcuts_refuse_exactly_what_the_follow_refuses(cells, limit):
    z = _zip(cells)
    rows, cols = part_extent(z, PART, limit)
    true_rows, true_cols = _followed_extent(z, PART)
    assert (rows * cols > limit) == (true_rows * true_cols > limit)


def test_a_far_cell_written_in_lower_case_is_not_taken_for_a_near_one():
    z = _zip([(1, 1, True), (1_048_576, 16_384, True)], lowercase=True)
    rows, cols = part_extent(z, PART, 2_000_000)
    assert rows * cols > 2_000_000
