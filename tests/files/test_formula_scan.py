"""The formula scan's quick look (`_may_lack_values`) may only skip text in which the full pattern
(`_HINT`) finds no formula without its value: a skip it should not make would hide an uncalculated
score behind an empty cell."""

from hypothesis import given, settings
from hypothesis import strategies as st

from zhijian.files.formula_cells import _HINT, _may_lack_values

# Pieces of worksheet XML, from the plain cells Excel writes to the dialects and the lapses.
PIECES = [b'<c r="A1" s="1"/>', b'<c r="B2"><v>5</v></c>', b'<c r="C3" t="s"><v>0</v></c>', b"<f>", b"</f>",
          b"<f>SUM(A1:B1)</f>", b"<v>", b"</v>", b"<v>95</v>", b"<v></v>", b"<v/>", b"<v />", b"</c>", b"<c>",
          b'<f t="shared" si="0"/>', b'<f t="array" ref="A1">', b"<f/>", b"<x:f>", b"</x:f>", b"<x:v/>",
          b"<x:c>", b"</x:c>", b"<row>", b"</row>", b"<font/>", b"9", b" ", b"\n"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_the_quick_look_skips_only_text_without_a_formula_lacking_its_value(pieces):
    text = b"".join(pieces)
    if _HINT.search(text):
        assert _may_lack_values(text), text


def test_the_quick_look_skips_the_sheets_excel_and_xlsxwriter_write():
    row = b'<row r="4"><c r="A4"><v>1</v></c><c r="U4" s="5"><f>SUM(H4:T4)</f><v>95</v></c></row>'
    assert not _may_lack_values(row * 60)
    assert _may_lack_values(row * 59 + b'<row r="9"><c r="U9"><f>SUM(H9:T9)</f></c></row>')
