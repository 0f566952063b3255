"""Tidy tables with written schemas, checked when written so a bad table never lands."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.vote_codes import ARTICLE19_CERTAINTIES, VOTES


def require_unique(frame: pd.DataFrame, key: Sequence[str], path: str | Path) -> None:
    """A repeated key would double-count or pick one value arbitrarily, so stop instead."""
    repeated = frame.loc[frame.duplicated(list(key), keep=False), list(key)]
    if not repeated.empty:
        keys = sorted({tuple(row) for row in repeated.itertuples(index=False)})
        raise DataError(path, ", ".join(key), "one row per key", keys[:20])


SCHEMAS: dict[str, dict] = {
    "resolutions": {
        "columns": ["res_id", "body", "symbol", "session", "date", "title", "official_yes",
                    "official_no", "official_abstain", "recorded_vote", "ukraine_russia",
                    "source"],
        "key": ["res_id"],
        "values": {"body": {"GA", "SC"}},
    },
    "votes": {
        "columns": ["res_id", "iso3", "vote", "source", "article19"],
        "key": ["res_id", "iso3"],
        "values": {"vote": set(VOTES), "article19": set(ARTICLE19_CERTAINTIES)},
    },
    "sponsorships": {
        "columns": ["res_id", "iso3", "role"],
        "key": ["res_id", "iso3"],
        "values": {"role": {"sponsor", "additional"}},
    },
    "countries": {
        "columns": ["iso3", "name", "cown", "un_group", "member_from", "member_to"],
        "key": ["iso3"],
        "values": {},
    },
}


def check_schema(frame: pd.DataFrame, name: str, path: str | Path) -> None:
    schema = SCHEMAS[name]
    missing = [c for c in schema["columns"] if c not in frame.columns]
    if missing:
        raise DataError(path, "columns", f"the {name} schema's columns", f"missing {missing}")
    require_unique(frame, schema["key"], path)
    for column, allowed in schema["values"].items():
        bad = sorted(set(frame[column].dropna()) - allowed)
        if bad:
            raise DataError(path, column, f"values in {sorted(allowed)}", bad)
    nulls = [c for c in schema["key"] if frame[c].isna().any()]
    if nulls:
        raise DataError(path, nulls, "no missing key values", "missing values")


def write_table(frame: pd.DataFrame, path: str | Path, name: str | None = None) -> None:
    """Sorted by key and checked against the schema (when the table has one), then written."""
    path = Path(path)
    if name is not None:
        check_schema(frame, name, path)
        frame = frame.sort_values(SCHEMAS[name]["key"]).reset_index(drop=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, lineterminator="\n")
