"""The history store's tables (schema version `SCHEMA_VERSION`; what they hold: `files.store`),
the check of a file opened as a store (its tables as zhijian made them), and DuckDB's errors as
Chinese lines."""

from __future__ import annotations

import functools
from pathlib import Path

from zhijian.errors import InputFileError

SCHEMA_VERSION = "1"

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
        return table_columns(con)
    finally:
        con.close()


def check_schema(con, path: Path, read_only: bool) -> None:
    """Check (or, for a new file, make) the store's tables: see `check_tables`; a store of
    another schema version, or a database of someone else's tables, is refused."""
    have = table_columns(con)
    tables = set(have)
    if "meta" in tables:
        check_tables(path, have, ["meta"])
        rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        row = rows[0] if rows else None
        if row is None or row[0] != SCHEMA_VERSION:
            raise InputFileError(f"历史库 {path} 的格式版本为 {row[0] if row else '未知'},"
                                 f"本程序使用版本 {SCHEMA_VERSION};请使用对应版本的 zhijian")
        check_tables(path, have, [t for t in expected_schema() if t != "meta"])
        if not read_only:
            con.execute(APPEAL_FINDINGS)
        return
    others = con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema NOT IN ('main', 'information_schema', "
        "'pg_catalog') ORDER BY 1").fetchall()
    if tables or others:
        named = "、".join([*sorted(tables), *(o for o, in others)][:5])
        raise InputFileError(f"{path} 不是 zhijian 的历史库(其中已有其他数据表: {named})")
    if read_only:
        raise InputFileError(f"历史库 {path} 是空的(先用 zhijian history import 导入评分表)")
    for statement in SCHEMA:
        con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])

def table_columns(con) -> dict[str, dict[str, str]]:
    """table -> {column: SQL type} of the file's main schema."""
    out: dict[str, dict[str, str]] = {}
    for table, column, typ in con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall():
        out.setdefault(table, {})[column] = typ
    return out

def check_tables(path: Path, have: dict[str, dict[str, str]], tables: list[str]) -> None:
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
        raise InputFileError(f"历史库 {path} 的数据表已被改动,不是 zhijian 写出的样子: "
                             + ";".join(problems) + ";未读取也未改动它(请用备份,或换一个新的历史库文件)")


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
