"""The demo's history part (`zhijian demo`): its two months imported into a history store, and the
quarter's 季度质检考核表 from the store. Kept apart from `demo` so that module stays about the
month itself."""

from __future__ import annotations

from pathlib import Path

from zhijian.engine.rubric import Rubric

STORE = "zhijian.duckdb"


def run_history_demo(rubric: Rubric, out_dir: Path, sheets: Path, previous: Path, register: Path,
                     month: str) -> list[Path]:
    """Import the previous month and the month (with its appeals) into `out_dir/zhijian.duckdb`
    (a fresh store each run, so the demo stays deterministic), then write the month's quarter
    from the store. Returns the files written."""
    from zhijian.engine.periods import parse_period

    from .history import import_sheets, period_review, write_review

    store = out_dir / STORE
    for old in (store, store.with_name(STORE + ".wal")):
        old.unlink(missing_ok=True)
    import_sheets(store, rubric, [str(previous)])
    import_sheets(store, rubric, [str(sheets)], appeals=register)
    start = parse_period(month).start
    quarter = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    review = period_review(rubric, "quarter", quarter, store=store)
    written = [store, write_review(review, out_dir / f"quarterly-{quarter}.xlsx")]
    return written
