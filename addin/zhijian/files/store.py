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
writes; reading back (`store_query`) is beside it.
"""

from __future__ import annotations

import datetime as dt
import functools
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
from .store_path import STORE_ENV, check_store_path, configured_store  # noqa: F401  (re-exported)

SCHEMA_VERSION = "1"
# Another command holding the store (DuckDB lets one process write, or several read): wait this
# long for it, as the read cache does (`read_cache._BUSY_SECONDS`), then say so.
BUSY_SECONDS = 10.0
_BUSY_POLL = 0.2
DEFAULT_STORE = "zhijian.duckdb"

# The calls table's fixed columns and their SQL types; every other column of a calls frame is
# added as DOUBLE, BOOLEAN or VARCHAR the first time it is seen.
BOOK_COLUMNS = {"file_id": "INTEGER", "ordinal": "INTEGER", "month": "VARCHAR", "rubric_hash": "VARCHAR",
                "superseded_at": "TIMESTAMP"}
META_TYPES = {"file": "VARCHAR", "sheet": "VARCHAR", "row": "INTEGER", "date": "DATE",
              "inspector": "VARCHAR", "agent_id": "VARCHAR", "agent_name": "VARCHAR", "team": "VARCHAR",
              "recording_id": "VARCHAR", "call_type": "VARCHAR", "remarks": "VARCHAR",
              "recorded_total": "DOUBLE", "call_score": "DOUBLE", "error_deduction": "DOUBLE",
              "fatal_errors": "INTEGER", "final_score": "DOUBLE", "grade": "VARCHAR",
              "has_error": "BOOLEAN", "appeal_changed": "BOOLEAN"}

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS files (
        file_id INTEGER PRIMARY KEY, path VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, size BIGINT,
        rubric_id VARCHAR, rubric_version VARCHAR, rubric_hash VARCHAR,
        appeals_path VARCHAR, appeals_sha256 VARCHAR, fingerprint VARCHAR, command VARCHAR,
        imported_at TIMESTAMP NOT NULL, superseded_at TIMESTAMP, superseded_by INTEGER,
        n_rows INTEGER, error_rows INTEGER, first_date DATE, last_date DATE)""",
    """CREATE TABLE IF NOT EXISTS rubrics (
        rubric_hash VARCHAR PRIMARY KEY, rubric_id VARCHAR, version VARCHAR, name VARCHAR,
        signature VARCHAR, columns VARCHAR, definition VARCHAR, first_seen TIMESTAMP)""",
    "CREATE TABLE IF NOT EXISTS calls (" + ", ".join(
        f'"{k}" {t}' for k, t in {**BOOK_COLUMNS, **META_TYPES}.items()) + ")",
    """CREATE TABLE IF NOT EXISTS findings (
        file_id INTEGER, superseded_at TIMESTAMP, rule VARCHAR, severity VARCHAR, file VARCHAR,
        sheet VARCHAR, cell VARCHAR, message VARCHAR, value VARCHAR, "row" INTEGER)""",
    """CREATE TABLE IF NOT EXISTS appeals (
        register_path VARCHAR, register_sha256 VARCHAR, imported_at TIMESTAMP, "row" INTEGER,
        recording_id VARCHAR, agent_id VARCHAR, status VARCHAR, decided_by VARCHAR,
        decided_at TIMESTAMP, old_final DOUBLE, new_final DOUBLE, changes VARCHAR, note VARCHAR)""",
]
# The findings of each appeals register applied (a late appeal refused …), as the reports from the
# sheets list them; added to a store made before it, on its first opening for writing.
APPEAL_FINDINGS = """CREATE TABLE IF NOT EXISTS appeal_findings (
    register_sha256 VARCHAR, rule VARCHAR, severity VARCHAR, file VARCHAR, sheet VARCHAR, cell VARCHAR,
    message VARCHAR, value VARCHAR, "row" INTEGER)"""
SCHEMA.append(APPEAL_FINDINGS)


@functools.cache
def expected_schema() -> dict[str, dict[str, str]]:
    """table -> {column: SQL type} of a store made by `SCHEMA` (DuckDB's own spelling of each type)."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        for statement in SCHEMA:
            con.execute(statement)
        out: dict[str, dict[str, str]] = {}
        for table, column, typ in con.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "ORDER BY table_name, ordinal_position").fetchall():
            out.setdefault(table, {})[column] = typ
        return out
    finally:
        con.close()


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
        have = self._table_columns()
        tables = set(have)
        if "meta" in tables:
            self._check_tables(have, ["meta"])
            rows = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
            row = rows[0] if rows else None
            if row is None or row[0] != SCHEMA_VERSION:
                raise InputFileError(f"历史库 {self.path} 的格式版本为 {row[0] if row else '未知'},"
                                     f"本程序使用版本 {SCHEMA_VERSION};请使用对应版本的 zhijian")
            self._check_tables(have, [t for t in expected_schema() if t != "meta"])
            if not read_only:
                self.con.execute(APPEAL_FINDINGS)
            return
        others = self.con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_schema NOT IN ('main', 'information_schema', "
            "'pg_catalog') ORDER BY 1").fetchall()
        if tables or others:
            named = "、".join([*sorted(tables), *(o for o, in others)][:5])
            raise InputFileError(f"{self.path} 不是 zhijian 的历史库(其中已有其他数据表: {named})")
        if read_only:
            raise InputFileError(f"历史库 {self.path} 是空的(先用 zhijian history import 导入评分表)")
        for statement in SCHEMA:
            self.con.execute(statement)
        self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])

    def _table_columns(self) -> dict[str, dict[str, str]]:
        """table -> {column: SQL type} of the file's main schema."""
        out: dict[str, dict[str, str]] = {}
        for table, column, typ in self.con.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall():
            out.setdefault(table, {})[column] = typ
        return out

    def _check_tables(self, have: dict[str, dict[str, str]], tables: list[str]) -> None:
        """Refuse a store whose tables are not the ones zhijian made (a table dropped, a column
        dropped or retyped in a DuckDB shell): mending it would add back empty columns and every
        figure read from it would be blank. Extra tables and columns are left alone;
        appeal_findings may be missing (a store made before it; added on writing)."""
        problems = []
        for table in tables:
            want = expected_schema()[table]
            if table not in have:
                if table != "appeal_findings":
                    problems.append(f"缺少数据表 {table}")
                continue
            for column, typ in want.items():
                got = have[table].get(column)
                if got is None:
                    problems.append(f"{table} 表缺少列 {column}")
                elif got != typ:
                    problems.append(f"{table} 表的列 {column} 类型为 {got}(应为 {typ})")
        if problems:
            raise InputFileError(f"历史库 {self.path} 的数据表已被改动,不是 zhijian 写出的样子: "
                                 + ";".join(problems) + ";未读取也未改动它(请用备份,或换一个新的历史库文件)")

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
            self._note_replaced(plan, result)
            self._note_repeats(rubric, plan, result)
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

    def _note_replaced(self, plan: "_Plan", result: ImportResult) -> None:
        """A file replacing its stored version (edited since) says so: when the old version was
        imported, the rows before and after, the calls whose final score changed, those added and
        removed (by 录音编号)."""
        if not plan.superseded:
            return
        path_of = {fid: path for _, fid, path in plan.written}
        batch = plan.batch if plan.batch is not None else pd.DataFrame(columns=["file_id", "recording_id",
                                                                                "final_score"])
        for old, new in plan.superseded:
            when, old_n = self.con.execute("SELECT imported_at, n_rows FROM files WHERE file_id = ?",
                                           [old]).fetchall()[0]
            before = {r: v for r, v in self.con.execute(
                "SELECT recording_id, final_score FROM calls WHERE file_id = ? AND superseded_at IS NULL",
                [old]).fetchall() if r}
            rows = batch[batch["file_id"] == new]
            after = {r: v for r, v in zip(rows["recording_id"].tolist(), rows["final_score"].tolist()) if r}
            changed = sum(1 for r in before.keys() & after.keys() if not _same_score(before[r], after[r]))
            parts = [f"其中 {changed} 通的最终得分有变化" if changed else "最终得分都未变"]
            if after.keys() - before.keys():
                parts.append(f"新增 {len(after.keys() - before.keys())} 通")
            if before.keys() - after.keys():
                parts.append(f"删去 {len(before.keys() - after.keys())} 通")
            note = (f"替换了历史库中 {when:%Y-%m-%d %H:%M:%S} 导入的版本: {old_n} 行 → {len(rows)} 行,"
                    + ",".join(parts) + ";旧记录保留为已替换")
            for f in result.files:
                if f.status == REPLACED and f.path == path_of.get(new):
                    f.note = ";".join(n for n in (f.note, note) if n)

    def _note_repeats(self, rubric: Rubric, plan: "_Plan", result: ImportResult) -> None:
        """A file added (or replaced) holding recordings the same inspector scored in another stored
        file (a sheet moved or renamed, then edited; a copy with a row changed) says so: reports
        from the store count each such recording once, in the file first by path, which may be the
        stored one, no longer on disk."""
        if plan.batch is None or not len(plan.batch):
            return
        keys = plan.batch[["file", "recording_id", "inspector"]]
        keys = keys[keys["recording_id"].astype(str).str.strip() != ""]
        if not len(keys):
            return
        gone = [old for old, _ in plan.superseded] or [-1]
        self.con.register("zhijian_keys", keys)
        try:
            rows = self.con.execute(
                "SELECT k.file, c.file, count(DISTINCT k.recording_id) FROM zhijian_keys k JOIN calls c "
                "ON c.recording_id = k.recording_id AND c.inspector = k.inspector AND c.file <> k.file "
                "WHERE c.superseded_at IS NULL AND c.rubric_hash IN "
                "(SELECT rubric_hash FROM rubrics WHERE rubric_id = ?) "
                f"AND c.file_id NOT IN ({', '.join('?' for _ in gone)}) GROUP BY ALL ORDER BY 1, 2",
                [rubric.id, *gone]).fetchall()
        finally:
            self.con.unregister("zhijian_keys")
        notes: dict[str, list[str]] = {}
        for new, other, n in rows:
            text = (f"其中 {n} 条录音已在历史库的 {other} 中(同一质检员的重复评分): "
                    f"从历史库出的报表只计文件路径在前的 {min(new, other)} 中的评分")
            if not Path(other).exists():
                text += f";{other} 已不在原处(改名或移走?),它在历史库中的记录仍然有效"
            notes.setdefault(new, []).append(text)
        for f in result.files:
            if f.status in (ADDED, REPLACED) and f.path in notes:
                f.note = ";".join([*([f.note] if f.note else []), *notes[f.path]])

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


def _same_score(a, b) -> bool:
    """Two final scores are the same (both blank: an unscorable row before and after)."""
    blank_a, blank_b = a is None or a != a, b is None or b != b
    return blank_a and blank_b or not (blank_a or blank_b) and abs(float(a) - float(b)) < 1e-9


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


def is_lock_error(e: Exception) -> bool:
    """Whether DuckDB refused the file because another process holds its lock."""
    return "lock" in str(e).lower()


_NO_PERMISSION = ("permission denied", "operation not permitted", "read-only file system", "access is denied")


def store_error_text(path: Path, e: Exception, *, waited: float | None = None, opened: bool = False,
                     writing: bool = False) -> str:
    """A DuckDB error opening, reading or writing the store, as one Chinese line (DuckDB's own
    English, "IO Error: The file … is not a valid DuckDB database file!", is not shown). `opened`:
    the file opened as a database and its tables could not be read; `writing`: an import failed,
    its transaction rolled back."""
    text = str(e).lower()
    if is_lock_error(e):
        after = f"(已等待 {waited:g} 秒)" if waited else ""
        return f"历史库 {path} 正被另一个程序使用{after},请稍后再试"
    if any(w in text for w in _NO_PERMISSION):
        if writing:
            return (f"无法写入历史库 {path}: 没有写入权限(文件只读,或所在文件夹不可写: DuckDB 要在同一文件夹"
                    f"写入 {path.name}.wal);历史库未改动")
        return f"无法打开历史库 {path}: 没有读写这个文件的权限;历史库未改动"
    if "no space left" in text or "disk full" in text:
        return f"无法写入历史库 {path}: 磁盘空间不足;历史库未改动"
    if "version number" in text:
        return f"无法打开历史库 {path}: 它由更新版本的 DuckDB 写出,请使用对应版本的 zhijian"
    if opened:
        return f"历史库 {path} 的数据表已被改动,不是 zhijian 写出的样子,无法读取;请用备份,或换一个新的历史库文件"
    if "not a valid duckdb" in text or not writing:
        return f"无法打开历史库 {path}: 不是有效的 DuckDB 数据库文件,或文件已损坏"
    return f"无法写入历史库 {path}: 写入失败({str(e).splitlines()[0][:200]}),本次写入已撤销,历史库未改动"
