"""The read cache: what the reader made of each 评分表 file, kept so that the next command on
almost the same inputs parses only the files that changed.

An entry is found by the SHA-256 of the file's bytes and its path, the rubric's content hash (and
the other rubrics' that the reader consults), the reader's options and the zhijian version: any
change to one of them is a miss. The digest is of the very bytes the reader parsed (the file is
read once, then hashed and parsed from memory), so an entry can never describe other content.
Entries are JSON (no pickle: a file in the cache can hold data, never code) in one SQLite file,
`reads.sqlite3`, under the user's cache folder (platformdirs: ~/.cache/zhijian/reads on Linux,
%LOCALAPPDATA%\\zhijian\\Cache\\reads on Windows, ~/Library/Caches/zhijian/reads on macOS; the
environment variable ZHIJIAN_CACHE names another folder), readable by the user only. One file and
one transaction a command, not a file per input: creating hundreds of small files was most of
the cache's cost, the more so on a busy or networked disk or under a virus scanner. An entry that
cannot be read back exactly (truncated, edited, of another version, with a value of a type the
reader never makes) is ignored and the file read again; a cache file that is not a database is
replaced; a cache that cannot be opened or is locked by another command for too long is simply
not used that time. The cache is kept under `MAX_BYTES`: the least recently used entries go
first. ZHIJIAN_NO_CACHE=1 (or `--no-cache`) turns it off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator, Sequence

from zhijian.engine.findings import Finding, Rule, Severity
from zhijian.engine.grid import SheetRead

FORMAT = 11  # 11: a sheet of another form beside a readable one is named (sheet.unmapped no_items); 10: rule columns headed as the form prints them ("辱骂客户(一票否决)"), a second sheet of the form missing a column refused; 9: serial dates of a 1904 workbook, digits split by a space, rule-column numbers, 合计 rows by their label; 8: × and x in a yes/no column are refused (were read as yes); 7: dates with a weekday (2026年11月2日星期一); 6: the hostile-sheet findings (dates, counts, hidden rows, points, digits…); 4: one SQLite file
MAX_BYTES = 256 * 1024 * 1024  # the whole cache; a month of 450 files takes about 7 MB
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # a file larger than this is read from disk and not cached
DB_NAME = "reads.sqlite3"
ENV_OFF = "ZHIJIAN_NO_CACHE"
ENV_FOLDER = "ZHIJIAN_CACHE"
_BUSY_SECONDS = 10  # another command writing its entries: wait this long, then go without
_OLD_ENTRY = re.compile(r"^[0-9a-f]{64}\.json$")  # format 3 kept a JSON file per input


class Unsupported(Exception):
    """A value the cache does not keep: that file is simply not cached."""


def cache_folder() -> Path:
    if os.environ.get(ENV_FOLDER):
        return Path(os.environ[ENV_FOLDER])
    import platformdirs

    return Path(platformdirs.user_cache_dir("zhijian", appauthor=False)) / "reads"


def cache_enabled(no_cache: bool = False) -> bool:
    return not no_cache and os.environ.get(ENV_OFF, "").strip() not in ("1", "true", "yes", "on")


def file_bytes(path: Path) -> bytes | None:
    """The file's bytes when it is a regular file small enough to keep (else None: it is read
    from disk by the reader, which says what is wrong with it, and not cached)."""
    try:
        path = Path(path)
        if not path.is_file() or path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ReadCache:
    """Entries for one reading context (rubric, other rubrics, options, version). No connection
    is held between calls: the reading processes are forked, and a database connection must not
    cross a fork."""

    def __init__(self, folder: Path, context: dict[str, Any]):
        self.folder = Path(folder)
        self.path = self.folder / DB_NAME
        self.context = hashlib.sha256(json.dumps(context, sort_keys=True).encode()).hexdigest()
        self.hits = self.misses = 0
        self._used: list[str] = []  # keys of the entries found, marked recently used on `save`

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

    def key(self, path: Path, digest: str) -> str:
        return hashlib.sha256(f"{self.context}\n{digest}\n{path}".encode()).hexdigest()

    # --- the database ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _db(self, write: bool) -> Iterator[sqlite3.Connection]:
        """A connection for one batch of work, in one transaction (`_Unusable` when there is none)."""
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield con
            con.execute("COMMIT")
        except sqlite3.OperationalError:  # locked too long by another command, or a disk error
            raise _Unusable() from None
        except sqlite3.DatabaseError:  # malformed: an empty one next time
            con.close()
            self._discard()
            raise _Unusable() from None
        finally:
            con.close()

    def _connect(self) -> sqlite3.Connection:
        """The database with our table; a file that is not a database, or whose table is not ours,
        is replaced by an empty one."""
        for _ in (1, 2):
            con = None
            try:
                self._create()
                con = sqlite3.connect(self.path, timeout=_BUSY_SECONDS, isolation_level=None)
                con.execute("PRAGMA synchronous=OFF")  # a cache: a torn write is found and rebuilt
                con.execute("CREATE TABLE IF NOT EXISTS reads (key TEXT PRIMARY KEY, body BLOB NOT NULL, "
                            "size INTEGER NOT NULL, used REAL NOT NULL)")
                if [r[1] for r in con.execute("PRAGMA table_info(reads)")] != ["key", "body", "size", "used"]:
                    raise sqlite3.DatabaseError("a table that is not ours")
                return con
            except OSError:
                raise _Unusable() from None
            except sqlite3.OperationalError as e:
                if con is not None:
                    con.close()
                if "locked" in str(e) or "busy" in str(e):
                    raise _Unusable() from None
                self._discard()
            except sqlite3.DatabaseError:
                if con is not None:
                    con.close()
                self._discard()
        raise _Unusable()

    def _create(self) -> None:
        """The database file, readable by the user only; never through a link."""
        if self.path.is_symlink():
            raise OSError("the cache file is a link")
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        os.close(os.open(self.path, flags, 0o600))

    def _discard(self) -> None:
        for p in (self.path, self.path.with_name(DB_NAME + "-journal")):
            with contextlib.suppress(OSError):
                p.unlink()

    # --- entries ---------------------------------------------------------------------------

    def get_many(self, wanted: Sequence[tuple[Path, str | None]]) -> list[list[SheetRead] | None]:
        """For each (path, digest of its bytes): the reads kept for it, or None (never an exception)."""
        keys = [self.key(p, d) if d else None for p, d in wanted]
        bodies: dict[str, bytes] = {}
        try:
            with self._db(write=False) as con:
                todo = [k for k in keys if k]
                for i in range(0, len(todo), 500):
                    chunk = todo[i:i + 500]
                    rows = con.execute(f"SELECT key, body FROM reads WHERE key IN ({','.join('?' * len(chunk))})",
                                       chunk).fetchall()
                    bodies.update((k, b) for k, b in rows if type(k) is str and type(b) is bytes)
        except _Unusable:
            pass
        out = []
        for (path, _), k in zip(wanted, keys):
            reads = None
            if k in bodies and len(bodies[k]) <= MAX_ENTRY_BYTES:
                try:
                    reads = decode(json.loads(bodies[k]), str(path), self.context)
                except Exception:  # corrupt or forged: read the file again
                    reads = None
            if reads is None:
                self.misses += 1
            else:
                self.hits += 1
                self._used.append(k)
            out.append(reads)
        return out

    def entry(self, path: Path, digest: str, reads: list[SheetRead]) -> tuple[str, bytes] | None:
        """The entry for the reads of `path` whose bytes have `digest` (made where the file was
        parsed; `save` writes it), or None for reads the cache does not keep."""
        try:
            text = json.dumps(encode(reads, str(path), self.context), ensure_ascii=False)
        except (Unsupported, ValueError, TypeError):
            return None
        body = text.encode("utf-8")
        return (self.key(path, digest), body) if len(body) <= MAX_ENTRY_BYTES else None

    def save(self, entries: Sequence[tuple[str, bytes]], max_bytes: int = MAX_BYTES) -> None:
        """Write `entries`, mark the ones found as recently used and keep the cache under
        `max_bytes` (least recently used first out), in one transaction."""
        now = time.time()
        try:
            with self._db(write=True) as con:
                con.executemany("INSERT OR REPLACE INTO reads (key, body, size, used) VALUES (?, ?, ?, ?)",
                                [(k, b, len(b), now) for k, b in entries])
                con.executemany("UPDATE reads SET used = ? WHERE key = ?", [(now, k) for k in self._used])
                _prune(con, max_bytes)
        except _Unusable:
            pass
        self._used = []
        self._remove_old_entries()

    def _remove_old_entries(self) -> None:
        """The JSON entries format 3 wrote beside the database (ours by their names)."""
        try:
            old = [e for e in os.scandir(self.folder) if _OLD_ENTRY.match(e.name) and e.is_file(follow_symlinks=False)]
        except OSError:
            return
        for e in old:
            with contextlib.suppress(OSError):
                os.remove(e.path)


class _Unusable(Exception):
    """The cache cannot be used this time (no database, locked too long): go without it."""


def _prune(con: sqlite3.Connection, max_bytes: int) -> None:
    total = con.execute("SELECT COALESCE(SUM(size), 0) FROM reads").fetchone()[0]
    if total <= max_bytes:
        return
    drop = []
    for key, size in con.execute("SELECT key, size FROM reads ORDER BY used, key"):
        if total <= max_bytes:
            break
        drop.append((key,))
        total -= size
    con.executemany("DELETE FROM reads WHERE key = ?", drop)


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
