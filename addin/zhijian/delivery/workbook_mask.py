"""Masking a workbook's text (mobile and ID-card numbers) at the XML level, so charts, styles and
every other part stay byte for byte; the report on disk is never touched."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from zhijian.engine.masking import MaskReport, mask_spans, mask_text
from zhijian.files.atomic import atomic_path
from zhijian.files.workbooks import check_zip_limits

from .config import DeliveryError, UnreadableReport



# Text runs (<t>, <a:t>, <x:t>) in shared strings, inline strings, comments, text boxes and charts.
_TEXT_RUN = re.compile(r"(<(?P<tag>(?:\w+:)?t)(?:\s[^>]*)?>)([^<]*)(</(?P=tag)>)")
# A number cell (no t=, or t="n") with the formula whose cached result it is, if any; its value as
# stored: 13812345678, 13812345678.0, or in exponent form (1.3812345678E10 from Java's exporters,
# 1.10105194912310E+17 for an 18-digit ID typed into Excel: 15 digits kept, the birth date among them).
_NUMBER = r"\d+(?:\.\d*)?(?:[Ee][+-]?\d+)?"
_NUMBER_CELL = re.compile(r'<c\b(?P<attrs>[^>]*)>\s*(?P<f><f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?\s*'
                          r'<v>(?P<v>' + _NUMBER + r')</v>\s*</c>')
_NUMBER_VALUE = re.compile(r"(<v>)(" + _NUMBER + r")(</v>)")
# A numeric character reference (&#49; &#xFF11;): the character itself to every XML reader.
_CHAR_REF = re.compile(r"&#(?:(\d{1,7})|[xX]([0-9A-Fa-f]{1,6}));")
_TYPE_ATTR = re.compile(r'\s+t="([^"]*)"')
# The cached text of a formula cell (t="str").
_FORMULA_TEXT = re.compile(r'(<c\b[^>]*\bt="str"[^>]*>\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?\s*<v>)([^<]*)(</v>)')
# Formulas (cells, data validations, conditional formats): only their string literals are text.
_FORMULA = re.compile(r"(<(?P<tag>(?:\w+:)?(?:f|formula|formula1|formula2))(?:\s[^>]*)?>)([^<]*)(</(?P=tag)>)")
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"|&quot;(?:(?!&quot;).)*&quot;')
# The text of a threaded comment (Excel 365's comments: <text>, no runs).
_COMMENT_TEXT = re.compile(r"(<(?P<tag>(?:\w+:)?text)(?:\s[^>]*)?>)([^<]*)(</(?P=tag)>)")
# A sheet's printed header and footer.
_HEADER_FOOTER = re.compile(r"(<(?P<tag>(?:\w+:)?(?:odd|even|first)(?:Header|Footer))>)([^<]*)(</(?P=tag)>)")
# Attributes that hold text shown to the reader: validation prompts and errors, hyperlink tips.
_TEXT_ATTR = re.compile(r'(\s(?:prompt|promptTitle|error|errorTitle|display|tooltip|location)=")([^"]*)(")')
# Any element's text (document properties, charts' cached labels).
_ANY_TEXT = re.compile(r"(>)([^<]+)(<)")
# A relationship to an outside target (a hyperlink's tel:, mailto: or file).
_EXTERNAL_TARGET = re.compile(r'(<Relationship\b[^>]*\bTarget=")([^"]*)("[^>]*\bTargetMode="External")')

# A text whose formatted pieces (runs) are read as one: a shared string (<si>), a cell's inline string
# (<is>), a comment (<text>), a paragraph of a text box or chart title (<a:p>).
_JOINED = re.compile(r"<(?P<tag>(?:\w+:)?(?:si|is|text|p))(?=[\s>])[^>]*>(?P<body>.*?)</(?P=tag)>", re.S)
# Phonetic guides (furigana) of a shared string: a text of their own, not part of the string.
_PHONETIC = re.compile(r"<(?P<tag>(?:\w+:)?rPh)\b.*?</(?P=tag)>", re.S)

# Where a number left unmasked would be, for the message (a name cannot hold the * of a mask).
_WHERE = {"xl/workbook.xml": "工作表名称、定义名称", "docProps/app.xml": "文档属性中的工作表名称"}


def _integer_digits(v: str) -> str | None:
    """The digits of a stored number that is a whole number of 11 to 18 digits (the length of a
    mobile or an ID number), else None."""
    from decimal import Decimal, InvalidOperation

    try:
        d = Decimal(v)
    except InvalidOperation:
        return None
    if not d.is_finite() or d != d.to_integral_value() or not 10 ** 10 <= d < 10 ** 18:
        return None
    return str(int(d))


def _literal_refs(xml: str) -> str:
    """`xml` with numeric character references written as their characters, so that digits typed
    as &#49; are seen; markup characters, quotes and controls stay references."""

    def literal(m: re.Match) -> str:
        code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
        if code < 32 or code == 127 or code > 0x10FFFF or 0xD800 <= code < 0xE000 or chr(code) in "<>&\"'":
            return m.group(0)
        return chr(code)

    return _CHAR_REF.sub(literal, xml) if "&#" in xml else xml


def _text_part(name: str) -> bool:
    n = name.lower()
    return n.endswith((".xml", ".rels")) and (
        n.startswith("xl/sharedstrings") or n.startswith("xl/worksheets/") or n.startswith("xl/comments")
        or n.startswith("xl/threadedcomments/") or n.startswith("xl/drawings/") or n.startswith("xl/charts/")
        or n.startswith("docprops/"))


def _runs(body: str) -> list[re.Match]:
    """The text runs of a joined text's body, phonetic guides left out."""
    skip = [m.span() for m in _PHONETIC.finditer(body)]
    return [m for m in _TEXT_RUN.finditer(body) if not any(a <= m.start() < b for a, b in skip)]


def _joined_text(body: str) -> str:
    return "".join(m.group(3) for m in _runs(body))


def _distribute(texts: list[str], spans: list[tuple[int, int, str]]) -> list[str]:
    """`texts` (consecutive runs of one text) with the masks `spans` (positions in their join) put
    back: a mask as long as the number goes character by character, so each run keeps its own
    characters and formatting; any other goes whole into the run where the number starts."""
    new_at: dict[int, str] = {}
    for start, end, new in spans:
        if len(new) == end - start:
            new_at.update({start + i: ch for i, ch in enumerate(new)})
        else:
            new_at[start] = new
            new_at.update({i: "" for i in range(start + 1, end)})
    out, pos = [], 0
    for text in texts:
        out.append("".join(new_at.get(pos + i, ch) for i, ch in enumerate(text)))
        pos += len(text)
    return out


def _mask_joined(xml: str, report: MaskReport) -> str:
    """Mask the numbers of each text read across its runs (a mobile number whose middle is bold is
    three runs); runs are masked one by one afterwards too."""

    def joined(m: re.Match) -> str:
        body = m.group("body")
        runs = _runs(body)
        if len(runs) < 2:
            return m.group(0)
        spans = mask_spans("".join(r.group(3) for r in runs), report)
        if not spans:
            return m.group(0)
        texts = _distribute([r.group(3) for r in runs], spans)
        out, at = [], 0
        for r, text in zip(runs, texts):
            out += [body[at:r.start(3)], text]
            at = r.end(3)
        out.append(body[at:])
        return m.group(0)[:m.start("body") - m.start()] + "".join(out) + m.group(0)[m.end("body") - m.start():]

    return _JOINED.sub(joined, xml)


def _mask_xml(xml: str, report: MaskReport, name: str) -> str:
    n = name.lower()
    xml = _literal_refs(xml)
    if not n.endswith(".rels"):
        xml = _mask_joined(xml, report)
    if n.endswith(".rels"):
        return _EXTERNAL_TARGET.sub(lambda m: m.group(1) + mask_text(m.group(2), report) + m.group(3), xml)
    if n.startswith(("docprops/", "xl/charts/")):
        return _ANY_TEXT.sub(lambda m: m.group(1) + mask_text(m.group(2), report) + m.group(3), xml)
    xml = _TEXT_RUN.sub(lambda m: m.group(1) + mask_text(m.group(3), report) + m.group(4), xml)
    if n.startswith("xl/threadedcomments/"):
        xml = _COMMENT_TEXT.sub(lambda m: m.group(1) + mask_text(m.group(3), report) + m.group(4), xml)
    if n.startswith("xl/worksheets/"):
        xml = _FORMULA_TEXT.sub(lambda m: m.group(1) + mask_text(m.group(2), report) + m.group(3), xml)

        def literals(m: re.Match) -> str:
            body = _STRING_LITERAL.sub(lambda s: mask_text(s.group(0), report), m.group(3))
            return m.group(1) + body + m.group(4)

        xml = _FORMULA.sub(literals, xml)
        xml = _HEADER_FOOTER.sub(lambda m: m.group(1) + mask_text(m.group(3), report) + m.group(4), xml)
        xml = _TEXT_ATTR.sub(lambda m: m.group(1) + mask_text(m.group(2), report) + m.group(3), xml)

        def number(m: re.Match) -> str:
            kind = _TYPE_ATTR.search(m.group("attrs"))
            if kind and kind.group(1) != "n":
                return m.group(0)
            digits = _integer_digits(m.group("v"))
            if digits is None:
                return m.group(0)
            masked = mask_text(digits, report)
            if masked == digits:
                return m.group(0)
            attrs = _TYPE_ATTR.sub("", m.group("attrs"))
            if m.group("f"):  # a formula's cached number: its text, until Excel calculates again
                return f'<c{attrs} t="str">{m.group("f")}<v>{masked}</v></c>'
            return f'<c{attrs} t="inlineStr"><is><t>{masked}</t></is></c>'

        xml = _NUMBER_CELL.sub(number, xml)
    return xml


def _has_number(text: str) -> bool:
    probe = MaskReport()
    mask_text(text, probe)
    for m in _JOINED.finditer(text):  # a text read across its formatted runs
        mask_text(_joined_text(m.group("body")), probe)
    return probe.total > 0


def _unmasked_part(zin: zipfile.ZipFile, changed: dict[str, bytes], depth: int = 0) -> str | None:
    """The first part of `zin` still holding a mobile or ID number: an XML part (numbers in
    exponent form and character references read as digits), an embedded Office file (a zip: an
    inserted workbook or document, read part by part) or an OLE/macro part (.bin: its text in
    UTF-16 or single bytes); pictures are not read."""
    for info in zin.infolist():
        n = info.filename.lower()
        if n.endswith((".xml", ".rels", ".vml")):
            text = _literal_refs((changed.get(info.filename) or zin.read(info)).decode("utf-8", "replace"))
            text = _NUMBER_VALUE.sub(lambda m: m.group(1) + (_integer_digits(m.group(2)) or m.group(2)) + m.group(3),
                                     text)
            if _has_number(text):
                return info.filename
            continue
        if n.startswith("xl/media/"):
            continue
        data = zin.read(info)
        if data[:4] == b"PK\x03\x04" and depth < 2:
            try:
                inner = zipfile.ZipFile(io.BytesIO(data))
            except zipfile.BadZipFile:
                inner = None
            if inner is not None:
                with inner:
                    check_zip_limits(io.BytesIO(data), info.filename)
                    found = _unmasked_part(inner, {}, depth + 1)
                if found:
                    return f"{info.filename}/{found}"
                continue
        if n.endswith(".bin") and any(_has_number(t) for t in (data.decode("latin-1"), data.decode("utf-16-le", "replace"),
                                                                 data[1:].decode("utf-16-le", "replace"))):
            return info.filename
    return None


def _left_unmasked(zin: zipfile.ZipFile, changed: dict[str, bytes], name: str) -> None:
    """Refuse (DeliveryError) a workbook in which a mobile or ID number is left after masking, in
    any part: a sheet or defined name, a number inside a formula, a pivot cache, an embedded object …"""
    found = _unmasked_part(zin, changed)
    if found:
        where = _WHERE.get(found, found)
        part = f"{found}({where})" if where != found else found
        raise DeliveryError(f"{name}: {part}中有无法遮蔽的手机号或身份证号,邮件未发送;请在 Excel 中改掉"
                            "(工作表名称、定义名称、公式中的数字、插入的对象等)后再发送,或确认可以发送后用 --no-mask")


def mask_workbook_bytes(data: bytes, name: str = "workbook") -> tuple[bytes, MaskReport]:
    """The workbook `data` with mobile and ID-card numbers masked in every text (and every number
    cell shaped like one); all other parts are copied unchanged. Unchanged input comes back as is."""
    report = MaskReport()
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableReport(f"{name}: 不是 Excel 工作簿(.xlsx),无法遮蔽个人信息") from None
    check_zip_limits(io.BytesIO(data), name)  # every text part is read whole below
    changed: dict[str, bytes] = {}
    with zin:
        for info in zin.infolist():
            if not _text_part(info.filename):
                continue
            raw = zin.read(info)
            try:
                xml = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise UnreadableReport(f"{name}: 工作簿的 {info.filename} 不是 UTF-8 编码,无法遮蔽个人信息;"
                                    "请在 Excel 中另存为 .xlsx 后再试,或确认无个人信息后用 --no-mask") from None
            before = report.total
            new = _mask_xml(xml, report, info.filename)
            if report.total != before:
                changed[info.filename] = new.encode("utf-8")
                report.parts.append(info.filename)
        _left_unmasked(zin, changed, name)
        if not changed:
            return data, report
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zout:
            for info in zin.infolist():
                ni = zipfile.ZipInfo(info.filename, info.date_time)
                ni.compress_type = info.compress_type
                ni.external_attr = info.external_attr
                ni.create_system = info.create_system
                zout.writestr(ni, changed.get(info.filename) or zin.read(info))
    return out.getvalue(), report


def mask_workbook(source: Path, target: Path) -> MaskReport:
    """Write a masked copy of `source` to `target` (atomically); `source` is only read."""
    data, report = mask_workbook_bytes(Path(source).read_bytes(), str(source))
    with atomic_path(Path(target)) as tmp:
        tmp.write_bytes(data)
    return report
