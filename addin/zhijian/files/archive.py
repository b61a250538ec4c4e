"""Zip archives of inspectors' sheets (the 10:00 package, SOP-8.4: 《质检监听评分表》压缩打包).

Chinese member names are stored as UTF-8 with the zip's UTF-8 flag (general purpose bit 11, which
Python's zipfile sets for every non-ASCII name), read correctly by Windows' built-in unzip, 7-Zip
and Info-ZIP; each such member also carries the Info-ZIP Unicode Path extra field (0x7075) for
older tools that look there instead. Member times are the files' modification times, so the same
files give the same archive.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from pathlib import Path

from .atomic import atomic_path
from .guard import ZIP_COMMENT

_UNICODE_PATH = 0x7075


def member_names(paths: list[Path]) -> list[str]:
    """One name per file: its file name, with " (2)", " (3)" … before the suffix when two files
    of different folders share one."""
    seen: dict[str, int] = {}
    out = []
    for p in paths:
        name = Path(p).name
        key = name.lower()
        if key in seen:
            seen[key] += 1
            stem, suffix = Path(name).stem, Path(name).suffix
            name = f"{stem} ({seen[key]}){suffix}"
        else:
            seen[key] = 1
        out.append(name)
    return out


def _unicode_path_field(name: str) -> bytes:
    raw = name.encode("utf-8")
    body = struct.pack("<BI", 1, zlib.crc32(raw) & 0xFFFFFFFF) + raw
    return struct.pack("<HH", _UNICODE_PATH, len(body)) + body


def _date_time(path: Path) -> tuple[int, int, int, int, int, int]:
    t = dt.datetime.fromtimestamp(Path(path).stat().st_mtime)
    t = max(t, dt.datetime(1980, 1, 1))  # the earliest time a zip can hold
    return (t.year, t.month, t.day, t.hour, t.minute, t.second)


def write_zip(target: Path, files: list[Path], names: list[str] | None = None) -> Path:
    """Write `files` into the zip `target` (atomically), under `names` (default: `member_names`)."""
    names = names or member_names(files)
    with atomic_path(Path(target)) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.comment = ZIP_COMMENT + " 质检监听评分表".encode("utf-8")  # an earlier one is replaced, a user's zip never
            for path, name in zip(files, names):
                info = zipfile.ZipInfo(name, _date_time(path))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                if not name.isascii():
                    info.extra = _unicode_path_field(name)
                z.writestr(info, Path(path).read_bytes())
    return Path(target)
