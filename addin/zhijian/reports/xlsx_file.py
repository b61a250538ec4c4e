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

A large part (the 明细's XML) is also compressed while it is being written, on another thread
(zlib works without the interpreter lock), not after the whole package is made: on two cores that
was a tenth of a month's consolidation while the other core waited. zlib's output does not depend
on how its input is cut into pieces, so the entry holds the very bytes `ZipFile.writestr` would
have compressed (the same test checks it on parts of many pieces).
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import tempfile
import time
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import xlsxwriter
import xlsxwriter.workbook as _xlsxwriter_workbook
from xlsxwriter.packager import Packager

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


class _Part(io.StringIO):
    """A part's XML (XlsxWriter writes it here), compressed piece by piece on `pool` once it
    grows past `PIECE` characters; `compressed()` gives the whole deflate stream, or None for a
    part that stayed small (zipfile compresses it then, as usual)."""

    PIECE = 1 << 20

    def __init__(self, pool: "_Compressing"):
        super().__init__()
        self._pool = pool
        self._pending: list[str] = []
        self._size = 0
        self._fed = 0  # characters handed to the compressor
        self._pieces: list[Future] = []
        self._compressor: Any = None

    def write(self, s: str) -> int:
        n = super().write(s)
        self._pending.append(s)
        self._size += len(s)
        if self._size >= self.PIECE:
            self._send()
        return n

    def _send(self) -> None:
        text = "".join(self._pending)
        self._pending.clear()
        self._size = 0
        self._fed += len(text)
        if self._compressor is None:  # what zipfile's writestr uses for ZIP_DEFLATED at its default level
            self._compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self._pieces.append(self._pool.submit(self._compressor.compress, text.encode("utf-8")))

    def compressed(self) -> bytes | None:
        if not self._pieces:
            return None
        if self._pending:
            self._send()
        if self._fed != self.tell():  # written otherwise than by write(): let zipfile compress it
            return None
        self._pieces.append(self._pool.submit(self._compressor.flush))
        return b"".join(f.result() for f in self._pieces)


class _Compressing:
    """One thread compressing the large parts' pieces, in the order they were written."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, fn, *args) -> Future:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="zhijian-zip")
        return self._executor.submit(fn, *args)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


class _Packager(Packager):
    """XlsxWriter's packager with each part of the workbook a `_Part` (it is in memory)."""

    def __init__(self, parts: dict[str, _Part], pool: _Compressing):
        super().__init__()
        self._parts, self._pool = parts, pool

    def _filename(self, xml_filename):
        part = _Part(self._pool)
        self.filenames.append((part, xml_filename, False))
        self._parts[xml_filename] = part
        return part


class _Canned:
    """A compressor that gives the stream a `_Part` compressed beforehand."""

    def __init__(self, stream: bytes):
        self._stream = stream

    def compress(self, data) -> bytes:
        stream, self._stream = self._stream, b""
        return stream

    def flush(self) -> bytes:
        return b""


class _PartsZip(zipfile.ZipFile):
    """The workbook's zip: a part compressed beforehand is written as zipfile would have written
    it (same header; the CRC and sizes zipfile still computes from the data)."""

    def __init__(self, *args: Any, parts: dict[str, _Part], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._parts = parts
        self._canned: bytes | None = None

    def writestr(self, zinfo_or_arcname, data, *args: Any, **kwargs: Any) -> None:
        part = self._parts.get(getattr(zinfo_or_arcname, "filename", zinfo_or_arcname))
        deflated = getattr(zinfo_or_arcname, "compress_type", None) == zipfile.ZIP_DEFLATED
        self._canned = part.compressed() if part is not None and deflated and not args and not kwargs else None
        try:
            super().writestr(zinfo_or_arcname, data, *args, **kwargs)
        finally:
            self._canned = None

    def _open_to_write(self, zinfo, force_zip64=False):
        dest = super()._open_to_write(zinfo, force_zip64)
        if self._canned is not None:
            dest._compressor = _Canned(self._canned)
        return dest


class MemoryWorkbook(xlsxwriter.Workbook):
    """`xlsxwriter.Workbook` with `in_memory` on, its file the same bytes as without."""

    def __init__(self, filename: str, options: dict | None = None):
        super().__init__(filename, {**(options or {}), "in_memory": True})
        self._zip_parts: dict[str, _Part] = {}
        self._zip_pool = _Compressing()

    def _get_packager(self) -> Packager:
        return _Packager(self._zip_parts, self._zip_pool)

    def _store_workbook(self) -> None:
        opened: list[zipfile.ZipFile] = []

        def zip_file(*args: Any, **kwargs: Any) -> zipfile.ZipFile:
            opened.append(_PartsZip(*args, parts=self._zip_parts, **kwargs))
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
            self._zip_pool.close()
            self._zip_parts.clear()
