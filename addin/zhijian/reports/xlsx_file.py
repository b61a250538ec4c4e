"""XlsxWriter workbooks assembled in memory, with the very bytes XlsxWriter's temporary-file mode writes.

XlsxWriter writes each part of a workbook (a dozen of them; the 明细 sheet's 20 MB of XML) to a
temporary file, then zips and removes them: on a slow disk, or where a virus scanner looks at
every new file, that was half of writing a prefilled 评分表. Its `in_memory` option keeps the parts
in memory but stamps their zip entries otherwise (dated 1980-01-01, without a file mode), so every
workbook would differ byte for byte from what earlier versions wrote. `MemoryWorkbook` keeps the
parts in memory and stamps the entries as the temporary files would have been (1980-01-31, the
mode a temporary file has on this system). `tests/reports/test_xlsx_file.py` compares the bytes
with XlsxWriter's own temporary-file mode; this leans on `xlsxwriter.workbook` naming `ZipInfo`
where it stamps the entries, and that test fails if a new XlsxWriter stamps them otherwise.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import time
import zipfile
from typing import Any

import xlsxwriter
import xlsxwriter.workbook as _xlsxwriter_workbook

# What ZipFile.write reads off a temporary file XlsxWriter dated 1980-01-31 in local time.
_DATE = time.localtime(time.mktime((1980, 1, 31, 0, 0, 0, 0, 0, -1)))[0:6]


@functools.cache
def _temp_file_mode() -> int:
    fd, name = tempfile.mkstemp()
    try:
        return os.stat(name).st_mode
    finally:
        os.close(fd)
        os.remove(name)


def _entry(name: str, date_time: Any = None) -> zipfile.ZipInfo:
    """A part's zip entry as `ZipFile.write` makes it from XlsxWriter's temporary file."""
    info = zipfile.ZipInfo(name, _DATE)
    info.external_attr = (_temp_file_mode() & 0xFFFF) << 16
    return info


class MemoryWorkbook(xlsxwriter.Workbook):
    """`xlsxwriter.Workbook` with `in_memory` on, its file the same bytes as without."""

    def __init__(self, filename: str, options: dict | None = None):
        super().__init__(filename, {**(options or {}), "in_memory": True})

    def _store_workbook(self) -> None:
        opened: list[zipfile.ZipFile] = []

        def zip_file(*args: Any, **kwargs: Any) -> zipfile.ZipFile:
            opened.append(zipfile.ZipFile(*args, **kwargs))
            return opened[-1]

        saved = _xlsxwriter_workbook.ZipInfo, _xlsxwriter_workbook.ZipFile
        _xlsxwriter_workbook.ZipInfo, _xlsxwriter_workbook.ZipFile = _entry, zip_file
        try:
            super()._store_workbook()
        except BaseException:
            # A write that failed (a full disk) leaves XlsxWriter's zip open: closed here, quietly,
            # so that it does not fail again when collected (a traceback after our one message).
            for z in opened:
                with contextlib.suppress(Exception):
                    z.close()
            raise
        finally:
            _xlsxwriter_workbook.ZipInfo, _xlsxwriter_workbook.ZipFile = saved
