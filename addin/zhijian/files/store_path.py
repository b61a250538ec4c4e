"""Which history store (历史库) a command uses: apart from the store itself (DuckDB, pandas), so
that a command can know it before importing them."""

from __future__ import annotations

import os
from pathlib import Path

STORE_ENV = "ZHIJIAN_STORE"


def configured_store(explicit: str | Path | None) -> Path | None:
    """The store a command writes to and reads from: `--store PATH`, else $ZHIJIAN_STORE, else none."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(STORE_ENV, "").strip()
    return Path(os.path.expanduser(env)) if env else None
