"""Tidy tables, written sorted and checked so a bad table never lands.

Repeated keys stop a run here; the four clean UN tables are also checked against their pandera
schemas (`abstention.table_schemas`), imported only by the jobs that write those tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from abstention.errors import DataError


def listed_keys(rows: pd.DataFrame) -> list[tuple]:
    return sorted({tuple(row) for row in rows.itertuples(index=False)})[:20]


def require_unique(frame: pd.DataFrame, key: Sequence[str], path: str | Path) -> None:
    """A repeated key would double-count or pick one value arbitrarily, so stop instead."""
    repeated = frame.loc[frame.duplicated(list(key), keep=False), list(key)]
    if not repeated.empty:
        raise DataError(path, ", ".join(key), "one row per key", listed_keys(repeated))


def write_table(frame: pd.DataFrame, path: str | Path, name: str | None = None) -> None:
    """Sorted by key and checked against the schema (when the table has one), then written."""
    path = Path(path)
    if name is not None:
        from abstention.table_schemas import check_schema

        frame = check_schema(frame, name, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, lineterminator="\n")
