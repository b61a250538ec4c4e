"""The read cache: what the reader made of each 评分表 file, kept so that the next command on
almost the same inputs parses only the files that changed.

An entry is found by the file's SHA-256 and its path, the rubric's content hash (and the other
rubrics' that the reader consults), the reader's options and the zhijian version: any change to
one of them is a miss. Entries are JSON (no pickle: a file in the cache can hold data, never
code), one per file, under the user's cache folder (platformdirs: ~/.cache/zhijian/reads on
Linux, %LOCALAPPDATA%\\zhijian\\Cache\\reads on Windows, ~/Library/Caches/zhijian/reads on macOS;
the environment variable ZHIJIAN_CACHE names another folder), readable by the user only. An
entry that cannot be read back exactly (truncated, edited, of another version, with a value of a
type the reader never makes) is ignored and the file read again. The folder is kept under
`MAX_BYTES`: the least recently used entries go first. ZHIJIAN_NO_CACHE=1 (or `--no-cache`)
turns it off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Sequence

from zhijian.engine.findings import Finding, Rule, Severity
from zhijian.engine.grid import SheetRead

FORMAT = 3  # 3: reads of a hidden sheet carry its sheet.hidden warning
MAX_BYTES = 256 * 1024 * 1024  # the whole cache; a month of 450 files takes about 10 MB
MAX_ENTRY_BYTES = 64 * 1024 * 1024
ENV_OFF = "ZHIJIAN_NO_CACHE"
ENV_FOLDER = "ZHIJIAN_CACHE"


class Unsupported(Exception):
    """A value the cache does not keep: that file is simply not cached."""


def cache_folder() -> Path:
    if os.environ.get(ENV_FOLDER):
        return Path(os.environ[ENV_FOLDER])
    import platformdirs

    return Path(platformdirs.user_cache_dir("zhijian", appauthor=False)) / "reads"


def cache_enabled(no_cache: bool = False) -> bool:
    return not no_cache and os.environ.get(ENV_OFF, "").strip() not in ("1", "true", "yes", "on")


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class ReadCache:
    """Entries for one reading context (rubric, other rubrics, options, version)."""

    def __init__(self, folder: Path, context: dict[str, Any]):
        self.folder = Path(folder)
        self.context = hashlib.sha256(json.dumps(context, sort_keys=True).encode()).hexdigest()
        self._digests: dict[str, str] = {}
        self.hits = self.misses = 0

    @classmethod
    def open(cls, rubric, other_rubrics: Sequence = (), require_fields: bool = True,
             no_cache: bool = False) -> "ReadCache | None":
        """The cache for reading with `rubric`; None when it is turned off or its folder unusable."""
        from zhijian import __version__

        if not cache_enabled(no_cache):
            return None
        folder = cache_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            if folder.is_symlink() or not folder.is_dir():
                return None
        except OSError:
            return None
        context = {"format": FORMAT, "zhijian": __version__, "rubric": rubric.content_hash or rubric.id,
                   "others": _hashes(other_rubrics), "require_fields": require_fields}
        return cls(folder, context)

    def _entry(self, path: Path) -> Path | None:
        try:
            digest = file_digest(path)
        except OSError:
            return None
        self._digests[str(path)] = digest
        name = hashlib.sha256(f"{self.context}\n{digest}\n{path}".encode()).hexdigest()
        return self.folder / f"{name}.json"

    def get(self, path: Path) -> list[SheetRead] | None:
        """The reads kept for this very file, or None (never an exception)."""
        entry = self._entry(path)
        reads = None
        if entry is not None:
            try:
                flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
                fd = os.open(entry, flags)
                with os.fdopen(fd, "rb") as f:
                    raw = f.read(MAX_ENTRY_BYTES + 1)
                if len(raw) <= MAX_ENTRY_BYTES:
                    reads = decode(json.loads(raw), str(path), self.context)
                    os.utime(entry)  # recently used: pruned last
            except Exception:  # absent, unreadable, corrupt or forged: read the file again
                reads = None
        if reads is None:
            self.misses += 1
        else:
            self.hits += 1
        return reads

    def put(self, path: Path, reads: list[SheetRead]) -> None:
        """Keep the reads of `path` (when the file is still what `get` hashed)."""
        before = self._digests.get(str(path))
        entry = self._entry(path)
        if entry is None or before != self._digests.get(str(path)):
            return
        try:
            text = json.dumps(encode(reads, str(path), self.context), ensure_ascii=False)
        except (Unsupported, ValueError, TypeError):
            return
        tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
            with os.fdopen(os.open(tmp, flags, 0o600), "wb") as f:
                f.write(text.encode("utf-8"))
            os.replace(tmp, entry)
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass

    def prune(self, max_bytes: int = MAX_BYTES) -> None:
        """Remove the least recently used entries until the folder holds at most `max_bytes`."""
        try:
            entries = [(e.stat().st_mtime, e.stat().st_size, e) for e in self.folder.glob("*.json")
                       if e.is_file() and not e.is_symlink()]
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        for _, size, e in sorted(entries, key=lambda t: t[0]):
            if total <= max_bytes:
                break
            try:
                e.unlink()
                total -= size
            except OSError:
                pass


def _hashes(rubrics: Sequence) -> list[str]:
    """The rubrics' content hashes, without loading rubrics that load lazily (files.rubrics.OtherRubrics)."""
    lazy = getattr(rubrics, "content_hashes", None)
    return lazy() if lazy is not None else [o.content_hash or o.id for o in rubrics]


# --- SheetRead <-> JSON ----------------------------------------------------------------------

_PLAIN = (str, int, float, bool, type(None))
_PLAIN_SET = frozenset(_PLAIN)


def _value(v: Any) -> Any:
    t = type(v)
    if t in _PLAIN:
        return v
    if t is dt.date:
        return {"d": v.isoformat()}
    if t is dt.datetime and v.tzinfo is None:
        return {"t": v.isoformat()}
    if t is dt.time and v.tzinfo is None:
        return {"h": v.isoformat()}
    if t is dt.timedelta:
        return {"s": [v.days, v.seconds, v.microseconds]}
    raise Unsupported(t.__name__)


def _back(v: Any) -> Any:
    t = type(v)
    if t in _PLAIN:
        return v
    if t is dict and len(v) == 1:
        (k, x), = v.items()
        if k == "d":
            return dt.date.fromisoformat(x)
        if k == "t":
            return dt.datetime.fromisoformat(x)
        if k == "h":
            return dt.time.fromisoformat(x)
        if k == "s":
            days, seconds, micro = (int(n) for n in x)
            return dt.timedelta(days=days, seconds=seconds, microseconds=micro)
    raise ValueError("not a value the reader makes")


def _column(values: list) -> Any:
    types = set(map(type, values))
    if types <= _PLAIN_SET:
        return values
    if types <= {dt.date, type(None)}:  # the date column: one text per call
        return {"dates": [None if v is None else v.isoformat() for v in values]}
    return {"tagged": [_value(v) for v in values]}


def encode(reads: list[SheetRead], label: str, context: str) -> dict:
    out = []
    for r in reads:
        if r.file != label:
            raise Unsupported("a read of another file")
        out.append({"sheet": r.sheet, "header_row": r.header_row, "columns": r.columns, "headers": r.headers,
                    "extra_columns": r.extra_columns, "data": {k: _column(v) for k, v in r.data.items()},
                    "findings": [[str(f.rule), str(f.severity), f.file, f.sheet, f.cell, f.message, _value(f.value),
                                  f.row, {k: _value(v) for k, v in f.params.items()}] for f in r.findings],
                    "mapped": r.mapped, "layout": r.layout_state()})
    return {"format": FORMAT, "context": context, "file": label, "reads": out}


def _texts(d: Any) -> dict[str, str]:
    if type(d) is not dict or not all(type(k) is str and type(v) is str for k, v in d.items()):
        raise ValueError("not a mapping of texts")
    return dict(d)


def _int_or_none(v: Any) -> int | None:
    if v is not None and type(v) is not int:
        raise ValueError("not a row number")
    return v


def decode(doc: Any, label: str, context: str) -> list[SheetRead]:
    """The reads of an entry, every field checked for its type (ValueError otherwise)."""
    if type(doc) is not dict or doc.get("format") != FORMAT or doc.get("context") != context or \
            doc.get("file") != label or type(doc.get("reads")) is not list:
        raise ValueError("an entry of another file, version or context")
    reads = []
    for r in doc["reads"]:
        read = SheetRead(label, str(r["sheet"]), _int_or_none(r["header_row"]), _texts(r["columns"]),
                         _texts(r["headers"]), _texts(r["extra_columns"]))
        data = r["data"]
        if type(data) is not dict:
            raise ValueError("no data")
        for k, v in data.items():
            if type(v) is dict and type(v.get("dates")) is list:
                if not set(map(type, v["dates"])) <= {str, type(None)}:
                    raise ValueError("not a date")
                v = [None if x is None else dt.date.fromisoformat(x) for x in v["dates"]]
            elif type(v) is dict and type(v.get("tagged")) is list:
                v = [_back(x) for x in v["tagged"]]
            elif type(v) is not list or not set(map(type, v)) <= _PLAIN_SET:
                raise ValueError("not a column")
            read.data[str(k)] = v
        if len({len(v) for v in read.data.values()}) > 1 or \
                not set(map(type, read.data.get("row", ()))) <= {int}:
            raise ValueError("columns of different lengths, or a row number that is none")
        for rule, severity, file, sheet, cell, message, value, row, params in r["findings"]:
            if not all(type(x) is str for x in (file, sheet, cell, message)) or type(params) is not dict:
                raise ValueError("not a finding")
            found = Finding.restored(Rule(rule), Severity(severity), file, sheet, cell, message, _back(value),
                                     _int_or_none(row))
            read.findings.append(replace(found, params={str(k): _back(x) for k, x in params.items()}))
        if type(r["mapped"]) is not bool or type(r["layout"]) is not dict:
            raise ValueError("not a read")
        read.mapped = r["mapped"]
        read.restore_layout(r["layout"])
        reads.append(read)
    return reads
