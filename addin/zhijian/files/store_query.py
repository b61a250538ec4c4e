"""Reading the history store back: the calls of a period as the engine's `Loaded` (so every
figure keeps its one definition in the engine), the store's status, and the Parquet export.

Calls are read for a rubric id: every stored version of that rubric whose items and maxima are
the rubric's own (its signature) counts; calls under a version with other items are left out with
a note. Files are read in path order, each file's calls in the order they were read.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zhijian.engine.findings import Finding, Rule, Severity
from zhijian.engine.loaded import Loaded
from zhijian.engine.periods import Period
from zhijian.engine.rubric import Rubric
from zhijian.engine.validate import check_grids
from zhijian.errors import InputFileError

from .store import BOOK_COLUMNS, META_TYPES, Store, quote, rubric_signature


LEAN_SKIP = {"remarks", "call_type", "recorded_total", "grade"}


@dataclass
class StoredCalls:
    """The calls of a period read from the store, with the source files (path, SHA-256) that
    provenance records."""

    loaded: Loaded
    inputs: list[tuple[str, str]] = field(default_factory=list)
    appeals: list[tuple[str, str]] = field(default_factory=list)  # registers applied at import (path, sha256)


def compatible_hashes(store: Store, rubric: Rubric) -> tuple[list[str], list[tuple[str, str]]]:
    """(hashes of the stored versions of `rubric.id` with the rubric's items, (version, hash) of
    the versions with other items)."""
    rows = store.con.execute("SELECT rubric_hash, version, signature FROM rubrics WHERE rubric_id = ? "
                             "ORDER BY first_seen", [rubric.id]).fetchall()
    sig = rubric_signature(rubric)
    same = [h for h, _, s in rows if s == sig]
    other = [(v, h) for h, v, s in rows if s != sig]
    return same, other


def _columns(store: Store, rubric: Rubric, hashes: list[str]) -> tuple[list[str], pd.DataFrame]:
    """The columns to read (the rubric's calls table's, as the engine makes it, then any other
    column stored under these versions) and the engine's empty table of the rubric."""
    template = check_grids(rubric, []).calls
    wanted = list(template.columns) + ["appeal_changed"]
    for h in hashes:
        row = store.con.execute("SELECT columns FROM rubrics WHERE rubric_hash = ?", [h]).fetchall()[0]
        wanted += [c for c in json.loads(row[0]) if c not in wanted]
    have = store.call_columns()
    return [c for c in wanted if c in have], template


def load_period(store: Store, rubric: Rubric, period: Period, *, lean: bool = False) -> StoredCalls:
    """Every current call of the period stored under `rubric` (see the module docstring), with
    the findings of their files, as the engine's `Loaded`. `lean` leaves out what no figure uses
    (the remarks, the call type, the recorded total and grade, a team's own columns): text, most of
    a year's memory and reading time; they come back blank."""
    hashes, other = compatible_hashes(store, rubric)
    notes: list[str] = []
    for version, h in other:
        n = store.con.execute("SELECT count(*) FROM calls WHERE rubric_hash = ? AND superseded_at IS NULL "
                              "AND date BETWEEN ? AND ?", [h, period.start, period.end]).fetchall()[0][0]
        if n:
            notes.append(f"历史库中另有 {n} 行按《{rubric.name}》v{version} 评分,其评分项与当前评分标准不同,未计入")
    columns, template = _columns(store, rubric, hashes)
    if lean:
        columns = [c for c in columns if c not in LEAN_SKIP and not c.startswith("extra:")]
    if not hashes:
        return StoredCalls(Loaded(template.assign(appeal_changed=pd.Series(dtype=bool)), [], [], notes))
    marks = ", ".join("?" for _ in hashes)
    # The files the period touches are read whole, as when the sheets are given: their rows of
    # other dates are outside the period in its account, and a row whose date could not be read
    # (no period's) is excluded by its finding (engine.accounting). Touched: a row dated in the
    # period, a row of one of the period's recordings (a calibration recording counts on its
    # earliest date, an inspector's second scoring of a recording is a duplicate of the first,
    # whichever period either lies in), or no dated row at all.
    current = f"superseded_at IS NULL AND rubric_hash IN ({marks})"
    frame = store.con.execute(
        f"SELECT {', '.join(quote(c) for c in columns)}, file_id FROM calls WHERE {current} AND file_id IN ("
        f"SELECT file_id FROM calls WHERE {current} AND date BETWEEN ? AND ? "
        "UNION SELECT file_id FROM files WHERE superseded_at IS NULL AND first_date IS NULL "
        f"UNION SELECT file_id FROM calls WHERE {current} AND recording_id <> '' AND recording_id IN ("
        f"SELECT recording_id FROM calls WHERE {current} AND date BETWEEN ? AND ?)) "
        "ORDER BY file, ordinal",
        [*hashes, *hashes, period.start, period.end, *hashes, *hashes, period.start, period.end]).df()
    file_ids = sorted(set(frame["file_id"].tolist()))
    frame = restore_frame(frame.drop(columns=["file_id"]), template)
    files = store.con.execute(
        f"SELECT file_id, path, sha256, appeals_path, appeals_sha256 FROM files "
        f"WHERE file_id IN ({', '.join('?' for _ in file_ids)}) ORDER BY path", file_ids).fetchall() \
        if file_ids else []
    registers = sorted({(f[3], f[4]) for f in files if f[3]})
    findings = _findings(store, file_ids) + _register_findings(store, [sha for _, sha in registers])
    loaded = Loaded(frame, findings, [Path(f[1]) for f in files], notes)
    return StoredCalls(loaded, [(f[1], f[2]) for f in files], registers)


def restore_frame(frame: pd.DataFrame, template: pd.DataFrame) -> pd.DataFrame:
    """Stored calls back into the engine's types: python dates (None when unreadable), whole
    numbers, flags, text; the rubric's columns the engine expects are always there."""
    out = frame  # the frame fetched from the store: changed in place, no second copy
    if "date" in out:
        # datetime64[D] → datetime.date objects, NaT → None (as the reader leaves an unreadable date)
        out["date"] = pd.Series(out["date"].to_numpy(dtype="datetime64[D]").astype(object), index=out.index,
                                dtype=object)
    for col in ("row", "fatal_errors"):
        if col in out:
            out[col] = pd.to_numeric(out[col]).fillna(0).astype(np.int64)
    for col in ("has_error", "appeal_changed"):
        if col in out:
            out[col] = out[col].fillna(False).astype(bool)
    for col, typ in META_TYPES.items():
        if typ == "VARCHAR" and col in out:
            out[col] = out[col].fillna("").astype(str)
    for col in out.columns:
        if col.startswith("extra:"):
            out[col] = pd.Series([None if pd.isna(v) else v for v in out[col].tolist()], index=out.index,
                                 dtype=object)
    for col in template.columns:
        if col not in out:
            out[col] = "" if META_TYPES.get(col) == "VARCHAR" else np.nan
    return out.reset_index(drop=True)


def _findings(store: Store, file_ids: list[int]) -> list[Finding]:
    if not file_ids:
        return []
    rows = store.con.execute(
        f'SELECT rule, severity, file, sheet, cell, message, value, "row" FROM findings '
        f"WHERE superseded_at IS NULL AND file_id IN ({', '.join('?' for _ in file_ids)}) "
        "ORDER BY file_id", file_ids).fetchall()
    out = []
    for rule, severity, file, sheet, cell, message, value, row in rows:
        out.append(Finding.restored(_rule(rule), Severity(severity), file, sheet or "", cell or "", message or "",
                                    value, None if row is None else int(row)))
    return out


def _register_findings(store: Store, shas: list[str]) -> list[Finding]:
    """The findings of the appeals registers applied to the period's files, after the files'
    findings (as when the sheets are read with the register); none in a store made before they
    were kept."""
    if not shas or not store.con.execute("SELECT 1 FROM information_schema.tables "
                                         "WHERE table_name = 'appeal_findings'").fetchall():
        return []
    rows = store.con.execute(
        f'SELECT rule, severity, file, sheet, cell, message, value, "row" FROM appeal_findings '
        f"WHERE register_sha256 IN ({', '.join('?' for _ in shas)}) ORDER BY rowid", shas).fetchall()
    return [Finding.restored(_rule(rule), Severity(severity), file, sheet or "", cell or "", message or "", value,
                             None if row is None else int(row))
            for rule, severity, file, sheet, cell, message, value, row in rows]


def _rule(text: str):
    try:
        return Rule(text)
    except ValueError:
        return text  # a rule id of a newer zhijian: kept as text


def stored_months(store: Store, rubric: Rubric) -> list[str]:
    """The months ('2026-10') holding current calls of `rubric`, in order."""
    hashes, _ = compatible_hashes(store, rubric)
    if not hashes:
        return []
    rows = store.con.execute(
        f"SELECT DISTINCT month FROM calls WHERE superseded_at IS NULL AND month IS NOT NULL "
        f"AND rubric_hash IN ({', '.join('?' for _ in hashes)}) ORDER BY month", hashes).fetchall()
    return [r[0] for r in rows]


def stored_dates(store: Store, rubric: Rubric) -> list[dt.date]:
    """The distinct call dates stored under `rubric` (to choose a default period)."""
    hashes, _ = compatible_hashes(store, rubric)
    if not hashes:
        return []
    rows = store.con.execute(
        f"SELECT date FROM calls WHERE superseded_at IS NULL AND date IS NOT NULL "
        f"AND rubric_hash IN ({', '.join('?' for _ in hashes)})", hashes).fetchall()
    return [r[0] for r in rows]


# --- status ---------------------------------------------------------------------------------------

def store_status(store: Store) -> dict[str, Any]:
    """Months, files, calls and rubric versions of the store (counts only: figures belong to the
    engine's reports)."""
    con = store.con
    months = [{"month": m, "rows": int(n), "error_rows": int(e), "files": int(f), "agents": int(a)}
              for m, n, e, f, a in con.execute(
                  "SELECT coalesce(month, '(无日期)'), count(*), count(*) FILTER (WHERE has_error), "
                  "count(DISTINCT file_id), count(DISTINCT agent_id) FROM calls WHERE superseded_at IS NULL "
                  "GROUP BY 1 ORDER BY 1").fetchall()]
    rubrics = [{"rubric_id": i, "version": v, "hash": h, "name": n, "rows": int(c)}
               for i, v, h, n, c in con.execute(
                   "SELECT r.rubric_id, r.version, r.rubric_hash, r.name, count(c.rubric_hash) FROM rubrics r "
                   "LEFT JOIN calls c ON c.rubric_hash = r.rubric_hash AND c.superseded_at IS NULL "
                   "GROUP BY ALL ORDER BY r.rubric_id, r.version").fetchall()]
    current, superseded = con.execute(
        "SELECT count(*) FILTER (WHERE superseded_at IS NULL), count(*) FILTER (WHERE superseded_at IS NOT NULL) "
        "FROM files").fetchall()[0]
    old_rows = con.execute("SELECT count(*) FROM calls WHERE superseded_at IS NOT NULL").fetchall()[0][0]
    last = con.execute("SELECT max(imported_at) FROM files").fetchall()[0][0]
    appeals = con.execute("SELECT count(DISTINCT register_sha256), count(*) FROM appeals").fetchall()[0]
    return {"store": str(store.path), "size_bytes": store.path.stat().st_size if store.path.exists() else 0,
            "files": int(current), "superseded_files": int(superseded),
            "rows": sum(m["rows"] for m in months), "superseded_rows": int(old_rows),
            "last_import": last.isoformat(sep=" ") if last else None,
            "appeal_registers": int(appeals[0]), "appeals": int(appeals[1]),
            "months": months, "rubrics": rubrics}


# --- export ---------------------------------------------------------------------------------------

def export_parquet(store: Store, folder: Path, *, overwrite: bool = False) -> dict[str, Any]:
    """The current calls as Parquet partitioned by month in Hive layout
    (FOLDER/calls/month=2026-10/*.parquet) and the files table (FOLDER/files.parquet)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not overwrite:
        raise InputFileError(f"导出目录 {folder} 不是空的;要覆盖请加 --overwrite")
    folder.mkdir(parents=True, exist_ok=True)
    if overwrite:
        _remove_previous_export(folder / "calls")
    skip = [c for c in BOOK_COLUMNS if c not in ("month", "rubric_hash", "file_id")]
    cols = [c for c in store.call_columns() if c not in skip]
    target = str(folder / "calls").replace("'", "''")
    store.con.execute(
        f"COPY (SELECT {', '.join(quote(c) for c in cols)} FROM calls "
        f"WHERE superseded_at IS NULL AND month IS NOT NULL ORDER BY month, file, ordinal) "
        f"TO '{target}' (FORMAT PARQUET, PARTITION_BY (month), OVERWRITE_OR_IGNORE)")
    files_target = str(folder / "files.parquet").replace("'", "''")
    store.con.execute(f"COPY (SELECT * FROM files ORDER BY file_id) TO '{files_target}' (FORMAT PARQUET)")
    months = [m for m, in store.con.execute(
        "SELECT DISTINCT month FROM calls WHERE superseded_at IS NULL AND month IS NOT NULL ORDER BY 1").fetchall()]
    rows = store.con.execute("SELECT count(*) FROM calls WHERE superseded_at IS NULL AND month IS NOT NULL"
                             ).fetchall()[0][0]
    return {"folder": str(folder), "months": months, "rows": int(rows)}


def _remove_previous_export(calls: Path) -> None:
    """Before an export with --overwrite: remove the partitions a previous export wrote
    (calls/month=…/*.parquet), so that a month no longer in the store (its sheet corrected) and a
    partition's extra files do not stay beside the new ones. Anything else in calls/ is the team's:
    refused, nothing removed."""
    if not calls.exists():
        return
    if not calls.is_dir():
        raise InputFileError(f"导出目录中的 {calls} 不是文件夹,未覆盖;请换一个导出目录")
    ours, foreign = [], []
    for p in calls.iterdir():
        if p.is_dir() and not p.is_symlink() and p.name.startswith("month="):
            for f in p.iterdir():
                (ours if f.is_file() and not f.is_symlink() and f.suffix == ".parquet" else foreign).append(f)
        else:
            foreign.append(p)
    if foreign:
        raise InputFileError(f"导出目录中的 {calls} 含有不是 zhijian 导出的文件({foreign[0]}),未覆盖也未删除任何文件;"
                             "请换一个导出目录")
    for f in ours:
        f.unlink()
    for p in list(calls.iterdir()):
        p.rmdir()
