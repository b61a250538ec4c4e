"""Formula cells saved without their value: a workbook written by a program (openpyxl, a web
export) rather than saved by Excel holds `<c r="G11"><f>SUM(…)</f></c>` with no cached result,
which calamine reads as an empty cell. Read so, a score would be "not scored yet" and a date
"missing", when the cell holds a formula nobody has calculated. This finds those cells in a
worksheet's XML (streamed, and only where a formula lacks its value at all) so the reader can mark
them (`engine.callcells.NO_CACHED_VALUE`) and say so at the cell. The same look finds the error
cells (t="e") that openpyxl restores, and the hidden rows.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree

# A cheap first look: a formula closed and then no value, or an empty one. Elements may carry a
# namespace prefix (<x:c>, as the Open XML SDK writes them).
_P = rb"(?:\w+:)?"
_HINT = re.compile(rb"(?:</" + _P + rb"f>|<" + _P + rb"f\b[^>]*/>)(?:</" + _P + rb"c>|<" + _P + rb"v\s*/>|<"
                   + _P + rb"v></" + _P + rb"v>)")
# The whole cell: its attributes, the formula, and an empty value or none.
_CELL = re.compile(rb"<" + _P + rb"c\b([^>]*?)>(?:<" + _P + rb"f\b[^>]*/>|<" + _P + rb"f\b[^>]*>[^<]*</" + _P
                   + rb"f>)(<" + _P + rb"v\s*/>|<" + _P + rb"v></" + _P + rb"v>)?</" + _P + rb"c>")
_ATTR = re.compile(rb'\b(r|t)="([^"]*)"')
_HIDDEN_ROW = re.compile(rb"<" + _P + rb'row\b(?=[^>]*\bhidden="(?:1|true)")[^>]*?\br="(\d+)"')
_BLOCK = 1 << 20
_OVERLAP = 1 << 16  # a formula is at most 8,192 characters: a cell never spans more than this


def scan_cells(z: zipfile.ZipFile) -> tuple[bool, dict[str, set[str]], dict[str, frozenset[int]]]:
    """One streamed look at every worksheet's XML: whether any holds an error cell (#REF!,
    #DIV/0!…, which calamine reads as ''); {sheet name: cell references ("G11")} of formulas
    saved without a value ({} for a workbook Excel saved, the usual case); and {sheet name: the
    Excel rows hidden in it} (hidden by hand or by a filter; calamine does not say)."""
    errors, uncalculated, hidden = False, {}, {}
    names = None
    for part in z.namelist():
        if not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
            continue
        has_error, refs, rows = _scan(z, part)
        errors = errors or has_error
        if refs or rows:
            names = sheet_names(z) if names is None else names
            if part in names:
                if refs:
                    uncalculated[names[part]] = refs
                if rows:
                    hidden[names[part]] = frozenset(rows)
    return errors, uncalculated, hidden


def _scan(z: zipfile.ZipFile, part: str) -> tuple[bool, set[str], set[int]]:
    refs: set[str] = set()
    rows: set[int] = set()
    has_error = False
    with z.open(part) as f:  # streamed: a sheet's XML may be large
        tail = b""
        for block in iter(lambda: f.read(_BLOCK), b""):
            text = tail + block
            has_error = has_error or b't="e"' in text
            if _may_lack_values(text) and _HINT.search(text):
                for m in _CELL.finditer(text):
                    attrs = dict(_ATTR.findall(m.group(1)))
                    kind = attrs.get(b"t", b"n")
                    # an empty <v/> of a text result is an empty text ("" from =IF(…,"",…)): a value
                    if b"r" in attrs and (m.group(2) is None or kind == b"n"):
                        refs.add(attrs[b"r"].decode("ascii", "replace"))
            if b'hidden="1"' in text or b'hidden="true"' in text:
                rows.update(int(r) for r in _HIDDEN_ROW.findall(text))
            tail = text[-_OVERLAP:]
    return has_error, refs, rows


def _may_lack_values(text: bytes) -> bool:
    """False when every formula in `text` is a plain <f>…</f> followed by a value that is not
    empty (what Excel and XlsxWriter write): a few counts at C speed, where `_HINT` tried every
    tag (a fifth of reading a 评分表). Anything else (a prefixed formula, one with attributes or
    self-closing, one without its value, or an element whose name starts with f) is left to
    `_HINT`."""
    if b":f" in text or text.count(b"<f") != text.count(b"<f>"):
        return True
    return text.count(b"</f>") != text.count(b"</f><v>") - text.count(b"</f><v></v>")


def sheet_names(z: zipfile.ZipFile) -> dict[str, str]:
    """{worksheet part ("xl/worksheets/sheet1.xml"): sheet name} from the workbook's relations
    (namespaces ignored: Excel's "Strict Open XML" files use other ones)."""
    try:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {}
    for rel in rels.iter():
        if _local(rel.tag) == "Relationship":
            target = rel.get("Target", "")
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
    out = {}
    for sheet in book.iter():
        if _local(sheet.tag) == "sheet":
            rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
            if rid in targets:
                out[targets[rid]] = sheet.get("name", "")
    return out


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]
