"""Masking a workbook's text (mobile and ID-card numbers) at the XML level, so charts, styles and
every other part stay byte for byte; the report on disk is never touched."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from zhijian.engine.masking import MaskReport, mask_text
from zhijian.files.atomic import atomic_path
from zhijian.files.workbooks import check_zip_limits

from .config import DeliveryError



# Text runs (<t>, <a:t>, <x:t>) in shared strings, inline strings, comments and text boxes.
_TEXT_RUN = re.compile(r"(<(?P<tag>(?:\w+:)?t)(?:\s[^>]*)?>)([^<]*)(</(?P=tag)>)")
# A number cell (no t= or t="n") holding an 11-digit mobile or a 15-digit old ID number.
_NUMBER_CELL = re.compile(r'<c(?P<attrs>(?:\s+(?!t=)[\w:]+="[^"]*")*)(?:\s+t="n")?\s*>\s*<v>(?P<v>\d{11}|\d{15})'
                          r'(?:\.0*)?</v>\s*</c>')
# The cached text of a formula cell (t="str").
_FORMULA_TEXT = re.compile(r'(<c\b[^>]*\bt="str"[^>]*>\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?\s*<v>)([^<]*)(</v>)')


def _text_part(name: str) -> bool:
    n = name.lower()
    return n.endswith(".xml") and (
        n.startswith("xl/sharedstrings") or n.startswith("xl/worksheets/") or n.startswith("xl/comments")
        or n.startswith("xl/threadedcomments/") or n.startswith("xl/drawings/"))


def _mask_xml(xml: str, report: MaskReport, is_sheet: bool) -> str:
    xml = _TEXT_RUN.sub(lambda m: m.group(1) + mask_text(m.group(3), report) + m.group(4), xml)
    if is_sheet:
        xml = _FORMULA_TEXT.sub(lambda m: m.group(1) + mask_text(m.group(2), report) + m.group(3), xml)

        def number(m: re.Match) -> str:
            masked = mask_text(m.group("v"), report)
            if masked == m.group("v"):
                return m.group(0)
            return f'<c{m.group("attrs")} t="inlineStr"><is><t>{masked}</t></is></c>'

        xml = _NUMBER_CELL.sub(number, xml)
    return xml


def mask_workbook_bytes(data: bytes, name: str = "workbook") -> tuple[bytes, MaskReport]:
    """The workbook `data` with mobile and ID-card numbers masked in every text (and every number
    cell shaped like one); all other parts are copied unchanged. Unchanged input comes back as is."""
    report = MaskReport()
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DeliveryError(f"{name}: 不是 Excel 工作簿(.xlsx),无法遮蔽个人信息") from None
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
                raise DeliveryError(f"{name}: 工作簿的 {info.filename} 不是 UTF-8 编码,无法遮蔽个人信息;"
                                    "请在 Excel 中另存为 .xlsx 后再试,或确认无个人信息后用 --no-mask") from None
            before = report.total
            new = _mask_xml(xml, report, info.filename.lower().startswith("xl/worksheets/"))
            if report.total != before:
                changed[info.filename] = new.encode("utf-8")
                report.parts.append(info.filename)
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
