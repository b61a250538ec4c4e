"""Approved reference workbooks, compared part by part (the way XlsxWriter's own suite does).

A report writer's output is compared with an approved `.xlsx` under tests/approved/: the same zip
parts, and each part byte for byte; a difference names the part and shows the first lines that
differ (XML is pretty-printed first, so the diff points at an element, not at a 40 kB line).
Nothing is ignored: the writers are deterministic (fixed creation time, no paths of the machine).

A deliberate change of a writer re-approves its files in a commit of its own:
    ZHIJIAN_APPROVE=1 python3 -m pytest tests/reports/test_approved.py
"""

from __future__ import annotations

import difflib
import os
import shutil
import xml.dom.minidom
import zipfile
from pathlib import Path

APPROVED_DIR = Path(__file__).resolve().parent / "approved"


def _pretty(name: str, data: bytes) -> list[str]:
    if name.endswith((".xml", ".rels", ".vml")):
        try:
            return xml.dom.minidom.parseString(data).toprettyxml(indent=" ").splitlines()
        except Exception:  # noqa: BLE001 - not well-formed: compare the raw text
            pass
    return data.decode("utf-8", errors="replace").splitlines()


def part_differences(approved: Path, written: Path) -> list[str]:
    """What differs between two workbooks, part by part ([] when identical)."""
    with zipfile.ZipFile(approved) as a, zipfile.ZipFile(written) as b:
        names_a, names_b = set(a.namelist()), set(b.namelist())
        out = [f"part only in the approved file: {n}" for n in sorted(names_a - names_b)]
        out += [f"part only in the written file: {n}" for n in sorted(names_b - names_a)]
        for name in sorted(names_a & names_b):
            da, db = a.read(name), b.read(name)
            if da == db:
                continue
            diff = list(difflib.unified_diff(_pretty(name, da), _pretty(name, db), "approved", "written",
                                             n=1, lineterm=""))
            out.append(f"part {name} differs:\n" + "\n".join(diff[:40]))
    return out


def assert_matches_approved(written: Path, name: str) -> None:
    """`written` equals tests/approved/`name` part by part (or becomes it with ZHIJIAN_APPROVE=1)."""
    approved = APPROVED_DIR / name
    if os.environ.get("ZHIJIAN_APPROVE") == "1":
        APPROVED_DIR.mkdir(exist_ok=True)
        shutil.copyfile(written, approved)
        return
    assert approved.is_file(), f"no approved file {approved}: run with ZHIJIAN_APPROVE=1 once and commit it"
    problems = part_differences(approved, written)
    assert not problems, f"{name} differs from the approved workbook:\n" + "\n\n".join(problems)
