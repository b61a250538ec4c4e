"""The history store (历史库): one embedded DuckDB file holding every scored call zhijian has read.

Tables (schema version `SCHEMA_VERSION`):
  files     one row per (source file, rubric) version read: path, SHA-256, rubric id/version/hash,
            the appeals register applied, when it was imported and, once a changed copy replaced
            it, when it was superseded;
  rubrics   every rubric version seen: id, version, content hash, name, the item signature (names
            and maxima) and the calls table's columns under it;
  calls     the tidy calls table exactly as the engine produced it (明细's columns and every
            `points:`/`category:`/rule column), plus file_id, ordinal (order within the file),
            month ('2026-10') and superseded_at; rubric-specific columns are added as they appear;
  findings  every finding of those files, with the data row it excludes;
  appeals   the outcomes of each appeals register applied (register path and SHA-256);
  appeal_findings  that register's findings (a late appeal refused …), by its SHA-256.

Idempotence: a file is the same when its resolved path, SHA-256 and rubric hash are the same (and,
when an appeals register is given, the calls after applying it are the same): nothing changes.
A changed file (or the same file under a new rubric version, or under new appeal decisions)
replaces its rows: the old rows stay, marked superseded with the time. A file whose content is
already stored, current, under another path (a moved folder) is not added twice.

Every write is one transaction: an interrupted import leaves the store as it was. This module only
writes; beside it: the tables and their check (`store_schema`), what an import says of the files it
replaces or that repeat stored recordings (`store_notes`), reading back (`store_query`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zhijian.engine.accounting import UNREADABLE_RULES
from zhijian.engine.loaded import Loaded
from zhijian.engine.rubric import Rubric
from zhijian.errors import InputFileError

from .provenance import file_sha256
from .store_notes import repeat_notes, replaced_notes
from .store_path import STORE_ENV, check_store_path, configured_store  # noqa: F401  (re-exported)
from .store_schema import (BOOK_COLUMNS, META_TYPES, SCHEMA_VERSION, check_schema,  # noqa: F401  (re-exported)
                           is_lock_error, store_error_text)

# Another command holding the store (DuckDB lets one process write, or several read): wait this
# long for it, as the read cache does (`read_cache._BUSY_SECONDS`), then say so.
BUSY_SECONDS = 10.0
_BUSY_POLL = 0.2
DEFAULT_STORE = "zhijian.duckdb"

def quote(name: str) -> str:
    """A column name as a SQL identifier (item names are Chinese, rule columns hold ':')."""
    return '"' + name.replace('"', '""') + '"'


def rubric_signature(rubric: Rubric) -> str:
    """What makes stored calls comparable under another version of a rubric: the items with their
    maxima and the offences, in order."""
    return json.dumps({"items": [[it.name, it.max] for it in rubric.items],
                       "offences": [o.id for o in rubric.offences]}, ensure_ascii=False)


@dataclass
class FileOutcome:
    path: str
    status: str  # 新增 | 替换 | 未变 | 同内容已导入
    calls: int = 0
    note: str = ""


@dataclass
class ImportResult:
    store: Path
    files: list[FileOutcome] = field(default_factory=list)
    findings_written: int = 0

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.files:
            out[f.status] = out.get(f.status, 0) + 1
        return out

    def added_calls(self) -> int:
        return sum(f.calls for f in self.files if f.status in (ADDED, REPLACED))

    def summary(self) -> str:
        text = ",".join(f"{k} {v} 个文件" for k, v in self.counts().items()) or "没有文件"
        return f"历史库 {self.store}: {text}(写入 {self.added_calls()} 通)"

    def to_dict(self) -> dict[str, Any]:
        return {"store": str(self.store), "counts": self.counts(), "calls_written": self.added_calls(),
                "files": [{"path": f.path, "status": f.status, "calls": f.calls, "note": f.note}
                          for f in self.files]}


ADDED, REPLACED, UNCHANGED, SAME_CONTENT, UNREAD = "新增", "替换", "未变", "同内容已导入", "无法读取"


class Store:
    """An open history store (a DuckDB connection); use as a context manager."""

    def __init__(self, path: str | Path, *, read_only: bool = False):
        import duckdb

        self.path = check_store_path(Path(path))
        if read_only and not self.path.is_file():
            raise InputFileError(f"历史库不存在: {self.path}(先用 zhijian history import 导入评分表)")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = self._connect(read_only)
        try:
            self._check_schema(read_only)
        except duckdb.Error as e:
            self.con.close()
            raise InputFileError(store_error_text(self.path, e, opened=True)) from None
        except BaseException:
            self.con.close()  # a refused store is not held open (the add-in's process lives on)
            raise

    def _connect(self, read_only: bool):
        """The connection; while another process holds the file's lock, retried for up to
        `BUSY_SECONDS` (an import or a report holds it for seconds)."""
        import duckdb

        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                # No progress bar: DuckDB would draw one on the terminal during a long read.
                con.execute("SET enable_progress_bar = false")
                return con
            except duckdb.Error as e:
                if not is_lock_error(e) or time.monotonic() >= deadline:
                    raise InputFileError(store_error_text(self.path, e, waited=BUSY_SECONDS,
                                                          writing=not read_only)) from None
            time.sleep(min(_BUSY_POLL, max(0.0, deadline - time.monotonic())))

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def _check_schema(self, read_only: bool) -> None:
        check_schema(self.con, self.path, read_only)

    # --- columns ----------------------------------------------------------------------------------

    def call_columns(self) -> dict[str, str]:
        """The calls table's columns and their SQL types, in table order."""
        return {name: typ for name, typ in self.con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'calls' ORDER BY ordinal_position").fetchall()}

    def _add_columns(self, frame: pd.DataFrame) -> None:
        have = self.call_columns()
        for col in frame.columns:
            if col in have:
                continue
            s = frame[col]
            typ = "BOOLEAN" if pd.api.types.is_bool_dtype(s) else \
                "DOUBLE" if pd.api.types.is_numeric_dtype(s) else "VARCHAR"
            self.con.execute(f"ALTER TABLE calls ADD COLUMN {quote(col)} {typ}")

    # --- writing ----------------------------------------------------------------------------------

    def add(self, rubric: Rubric, loaded: Loaded, *, command: str = "import",
            appeals: str | Path | None = None, now: dt.datetime | None = None) -> ImportResult:
        """Add what `loaded` holds (its files, their calls and findings, the appeals applied);
        see the module docstring for what counts as unchanged, replaced or the same content.
        Every file is looked up, superseded and inserted in a few statements, not one by one."""
        import duckdb

        now = now or dt.datetime.now().replace(microsecond=0)
        appeals_sha = file_sha256(appeals) if appeals else None
        plan = _Plan(rubric, command, str(Path(appeals).resolve()) if appeals else None, appeals_sha, now)
        result = ImportResult(self.path)
        calls = loaded.calls
        if "appeal_changed" not in calls:  # no register applied: nothing changed by an appeal
            calls = calls.assign(appeal_changed=False)
        by_file = calls.groupby("file", sort=False).indices if len(calls) else {}
        hashes = row_hashes(calls)
        dates = calls["date"].to_numpy(dtype=object)
        errors = calls["has_error"].to_numpy(dtype=bool)
        findings_by_file: dict[str, list] = {}
        for f in loaded.findings:
            findings_by_file.setdefault(f.file, []).append(f)
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._remember_rubric(rubric, list(calls.columns), now)
            current = {path: (fid, sha, h, fp) for fid, path, sha, h, fp in self.con.execute(
                "SELECT file_id, path, sha256, rubric_hash, fingerprint FROM files "
                "WHERE rubric_id = ? AND superseded_at IS NULL", [rubric.id]).fetchall()}
            unreadable = {str(p) for p in loaded.files
                          if str(p) not in by_file and _unreadable(findings_by_file.get(str(p), []))}
            # an unreadable file is never hashed: it may be missing, or one the user may not read
            shas = {str(p): file_sha256(p) for p in loaded.files if str(p) not in unreadable}
            twins = _twins(current, loaded.files, shas, unreadable, rubric.content_hash or "")
            next_id = self.con.execute("SELECT coalesce(max(file_id), 0) + 1 FROM files").fetchall()[0][0]
            for p in loaded.files:
                given = str(p)
                pos = by_file.get(given, np.zeros(0, dtype=np.int64))
                fingerprint = frame_fingerprint(calls.columns, hashes[pos])
                if given in unreadable:
                    outcome = _unread(Path(p), findings_by_file[given], current)
                else:
                    outcome = plan.file(Path(p), shas[given], _FileRows(pos, dates, errors), fingerprint,
                                        findings_by_file.get(given, []), next_id, current, twins)
                result.files.append(outcome)
                if outcome.status in (ADDED, REPLACED):
                    twins.setdefault((shas[given], rubric.content_hash or ""), outcome.path)
                    next_id += 1
            plan.batch = call_batch(calls, by_file, plan.written, rubric.content_hash or "")
            said = replaced_notes(self.con, plan.superseded, plan.written, plan.batch)
            for path, notes in repeat_notes(self.con, rubric.id, plan.superseded, plan.batch).items():
                said.setdefault(path, []).extend(notes)
            for f in result.files:
                if f.status in (ADDED, REPLACED) and f.path in said:
                    f.note = ";".join(said[f.path])
            self._write(plan)
            result.findings_written = len(plan.findings)
            if appeals and loaded.appeals is not None:
                self._add_appeals(Path(appeals), appeals_sha, loaded, now)
            self.con.execute("COMMIT")
        except BaseException as e:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a COMMIT that failed (the folder not writable: no .wal) has ended the transaction
            if isinstance(e, duckdb.Error):
                raise InputFileError(store_error_text(self.path, e, writing=True)) from None
            raise
        return result

    def _write(self, plan: "_Plan") -> None:
        if plan.superseded:
            ids = [old for old, _ in plan.superseded]
            marks = ", ".join("?" for _ in ids)
            for table in ("calls", "findings"):
                self.con.execute(f"UPDATE {table} SET superseded_at = ? WHERE superseded_at IS NULL "
                                 f"AND file_id IN ({marks})", [plan.now, *ids])
            self.con.executemany("UPDATE files SET superseded_at = ?, superseded_by = ? WHERE file_id = ?",
                                 [[plan.now, new, old] for old, new in plan.superseded])
        if plan.files:
            self._insert_frame("files", pd.DataFrame(plan.files, columns=FILE_COLUMNS))
        if plan.findings:
            found = pd.DataFrame(plan.findings, columns=FINDING_COLUMNS)
            found["row"] = pd.array(found["row"].tolist(), dtype="Int64")
            self._insert_frame("findings", found)
        if plan.batch is not None and len(plan.batch):
            self._add_columns(plan.batch)
            self._insert_frame("calls", plan.batch)

    def _insert_frame(self, table: str, frame: pd.DataFrame) -> None:
        self.con.register("zhijian_batch", frame)
        try:
            cols = ", ".join(quote(c) for c in frame.columns)
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM zhijian_batch")
        finally:
            self.con.unregister("zhijian_batch")

    def _remember_rubric(self, rubric: Rubric, columns: list[str], now: dt.datetime) -> None:
        rows = self.con.execute("SELECT columns FROM rubrics WHERE rubric_hash = ?",
                                [rubric.content_hash or ""]).fetchall()
        known = rows[0] if rows else None
        if known is None:
            self.con.execute("INSERT INTO rubrics VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             [rubric.content_hash or "", rubric.id, rubric.version, rubric.name,
                              rubric_signature(rubric), json.dumps(columns, ensure_ascii=False),
                              rubric.model_dump_json(), now])
            return
        old = json.loads(known[0])
        merged = old + [c for c in columns if c not in old]
        if merged != old:
            self.con.execute("UPDATE rubrics SET columns = ? WHERE rubric_hash = ?",
                             [json.dumps(merged, ensure_ascii=False), rubric.content_hash or ""])

    def _add_appeals(self, register: Path, sha: str, loaded: Loaded, now: dt.datetime) -> None:
        if self.con.execute("SELECT 1 FROM appeals WHERE register_sha256 = ? LIMIT 1", [sha]).fetchall():
            return
        rows = []
        for o in loaded.appeals or []:
            a = o.appeal
            changes = ";".join(f"{name}: {old} → {new}" for name, old, new in o.changes)
            rows.append([str(register.resolve()), sha, now, a.row, a.recording_id, a.agent_id, o.status,
                         a.decided_by, a.decided_at, o.old_final, o.new_final, changes, o.note])
        if rows:
            self.con.executemany("INSERT INTO appeals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        found = [[sha, str(f.rule), str(f.severity), f.file, f.sheet, f.cell, f.message,
                  None if f.value is None else str(f.value), f.row]
                 for f in loaded.findings if f.file and Path(f.file) == register]
        if found:
            self.con.executemany("INSERT INTO appeal_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", found)


FILE_COLUMNS = ["file_id", "path", "sha256", "size", "rubric_id", "rubric_version", "rubric_hash",
                "appeals_path", "appeals_sha256", "fingerprint", "command", "imported_at", "n_rows",
                "error_rows", "first_date", "last_date"]
FINDING_COLUMNS = ["file_id", "rule", "severity", "file", "sheet", "cell", "message", "value", "row"]


@dataclass
class _FileRows:
    """Where a file's calls are in the loaded table (positions), and the table's dates and error
    flags, so that no file's rows are copied out one by one."""

    pos: np.ndarray
    all_dates: np.ndarray
    all_errors: np.ndarray

    @property
    def n(self) -> int:
        return len(self.pos)


@dataclass
class _Plan:
    """What one `Store.add` writes: the new file rows, their findings and calls, and the file
    versions they supersede ((old id, new id))."""

    rubric: Rubric
    command: str
    appeals_path: str | None
    appeals_sha: str | None
    now: dt.datetime
    files: list[list] = field(default_factory=list)
    findings: list[list] = field(default_factory=list)
    written: list[tuple[str, int, str]] = field(default_factory=list)  # (path as given, file_id, resolved)
    batch: pd.DataFrame | None = None
    superseded: list[tuple[int, int]] = field(default_factory=list)

    def file(self, p: Path, sha: str, rows: "_FileRows", fingerprint: str, findings: list, file_id: int,
             current: dict, twins: dict) -> FileOutcome:
        rubric_hash = self.rubric.content_hash or ""
        path = str(p.resolve())
        old = current.get(path)
        if old is not None and old[1] == sha and old[2] == rubric_hash \
                and (self.appeals_sha is None or old[3] == fingerprint):
            return FileOutcome(path, UNCHANGED, rows.n)
        if old is None and (sha, rubric_hash) in twins:
            return FileOutcome(path, SAME_CONTENT, 0, f"内容与已导入的 {twins[(sha, rubric_hash)]} 相同,未重复导入")
        if old is not None:
            self.superseded.append((old[0], file_id))
        dates = [d for d in rows.all_dates[rows.pos].tolist() if isinstance(d, dt.date)]
        self.files.append([file_id, path, sha, p.stat().st_size, self.rubric.id, self.rubric.version,
                           rubric_hash, self.appeals_path, self.appeals_sha, fingerprint, self.command, self.now,
                           rows.n, int(rows.all_errors[rows.pos].sum()),
                           min(dates) if dates else None, max(dates) if dates else None])
        self.findings += [[file_id, str(f.rule), str(f.severity), path, f.sheet, f.cell, f.message,
                           None if f.value is None else str(f.value), f.row] for f in findings]
        self.written.append((str(p), file_id, path))
        return FileOutcome(path, REPLACED if old is not None else ADDED, rows.n)


def _unreadable(findings: list) -> bool:
    """Whether a file's findings say none of it could be read (a damaged file, no sheet the rubric
    maps, a sheet of another rubric)."""
    return any(f.rule in UNREADABLE_RULES for f in findings)


def _unread(p: Path, findings: list, current: dict) -> FileOutcome:
    """A file of which no row could be read: nothing is written, and a version stored before
    stays current (a damaged copy or a sheet the rubric cannot map never wipes out its calls)."""
    path = str(p.resolve())
    f = next(f for f in findings if f.rule in UNREADABLE_RULES)
    why = f.message.removeprefix(f"{f.file}: ")
    kept = "历史库中已导入的版本不变" if path in current else "未导入"
    return FileOutcome(path, UNREAD, 0, f"无法读取({f.sheet + ': ' if f.sheet else ''}{why}),{kept}")


def _twins(current: dict, files: list, shas: dict[str, str], unreadable: set[str], rubric_hash: str) -> dict:
    """(SHA-256, rubric hash) -> path of the content stored and current once this import is done:
    a stored version this import replaces is no longer there (a copy of it elsewhere is added)."""
    twins = {(sha, h): path for path, (_, sha, h, _) in current.items()}
    for p in files:
        old = current.get(str(Path(p).resolve()))
        if old is not None and str(p) not in unreadable and (old[1], old[2]) != (shas[str(p)], rubric_hash):
            if twins.get((old[1], old[2])) == str(Path(p).resolve()):
                del twins[(old[1], old[2])]
    return twins


def call_batch(calls: pd.DataFrame, by_file: dict, written: list[tuple[str, int, str]],
               rubric_hash: str) -> pd.DataFrame | None:
    """The calls of the files to write, as the calls table stores them (one frame for all files):
    the resolved path, the bookkeeping columns, a team's own columns as text, unreadable dates as
    NULL."""
    parts = [(by_file[given], file_id, path) for given, file_id, path in written if given in by_file]
    if not parts:
        return None
    pos = np.concatenate([p for p, _, _ in parts])
    out = calls.iloc[pos].reset_index(drop=True)
    sizes = [len(p) for p, _, _ in parts]
    out["file"] = np.repeat(np.array([path for _, _, path in parts], dtype=object), sizes)
    out["file_id"] = np.repeat(np.array([fid for _, fid, _ in parts], dtype=np.int64), sizes)
    out["ordinal"] = np.concatenate([np.arange(n, dtype=np.int64) for n in sizes])
    for col in out.columns:
        if col.startswith("extra:"):
            out[col] = [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                        for v in out[col].tolist()]
    dates = [d if isinstance(d, dt.date) else None for d in out["date"].tolist()]
    out["month"] = [f"{d.year:04d}-{d.month:02d}" if d is not None else None for d in dates]
    out["date"] = pd.Series(dates, dtype=object)
    out["rubric_hash"] = rubric_hash
    return out


def row_hashes(calls: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per call of every value but the file's path (computed once for all files)."""
    if not len(calls):
        return np.zeros(0, dtype=np.uint64)
    frame = calls.drop(columns=["file"], errors="ignore")
    frame = frame.assign(**{c: frame[c].astype(str) for c in frame.columns
                            if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))})
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def frame_fingerprint(columns, hashes: np.ndarray) -> str:
    """A hash of a file's calls as loaded (after appeals): equal when every value is equal."""
    h = hashlib.sha256(",".join(map(str, columns)).encode("utf-8"))
    h.update(np.ascontiguousarray(hashes).tobytes())
    return h.hexdigest()
