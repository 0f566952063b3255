"""Joint military exercises involving Russia, 2009-2018 (student compilation, MoD sources).

One row per exercise with up to 28 partner columns; the rows after the last
exercise are empty padding and are dropped. Returns one row per exercise and
partner state. The Bold Monarch 2011 row lists every NATO member and says in
its comment that not all took part; it is kept as published.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import (
    names_to_iso3,
    read_csv_text,
    require_columns,
    to_number,
)
from abstention.schemas import require_unique


def read_exercises(path: str | Path, mapper: CountryMapper) -> pd.DataFrame:
    """exercise_id, exercise, year, iso3: one row per partner state of each exercise."""
    table = read_csv_text(path, dtype="str", keep_default_na=False)
    partners = [c for c in table.columns if c.startswith("part")]
    require_columns(table, ["id", "name", "yr"], path)
    if not partners:
        raise DataError(path, "columns", "partner columns part1, part2, ...", list(table.columns))
    table = table.apply(lambda column: column.str.strip())
    padding = (table == "").all(axis=1)
    table = table.loc[~padding].reset_index(drop=True)
    incomplete = table.loc[(table[["id", "name", "yr"]] == "").any(axis=1)]
    if not incomplete.empty:
        raise DataError(path, "id, name, yr", "all three on every exercise row", incomplete.index)
    table["year"] = to_number(table["yr"], path, "yr").astype("int64")
    require_unique(table, ["id"], path)
    long = table.melt(id_vars=["id", "name", "year"], value_vars=partners, value_name="partner")
    long = long.loc[long["partner"] != ""]
    tidy = pd.DataFrame(
        {
            "exercise_id": long["id"].astype("int64"),
            "exercise": long["name"],
            "year": long["year"],
            "iso3": names_to_iso3(long["partner"], mapper, path),
        }
    )
    require_unique(tidy, ["exercise_id", "iso3"], path)
    return tidy.sort_values(["exercise_id", "iso3"], ignore_index=True)
