"""ATOP v5.1 directed dyad-years (via peacesciencer): alliance obligations between states.

The table lists only dyad-years with some ATOP obligation, so a dyad absent in a
year had none. Years are chosen by the caller because COW codes of
nineteenth-century states (Baden, Bavaria, ...) have no ISO3 code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import cow_years_to_iso3, require_columns
from abstention.ingest.readers.rdata import read_rdata_table
from abstention.schemas import require_unique

OBLIGATIONS = {
    "atop_defense": "defense",
    "atop_offense": "offense",
    "atop_neutral": "neutral",
    "atop_nonagg": "nonagg",
    "atop_consul": "consul",
}


def read_atop(path: str | Path, mapper: CountryMapper, first_year: int, last_year: int):
    """iso3_1, iso3_2, year and 0/1 obligations for the years first_year..last_year."""
    table = read_rdata_table(path, "atop_alliance")
    require_columns(table, ["ccode1", "ccode2", "year", *OBLIGATIONS], path)
    table = table.loc[table["year"].between(first_year, last_year)].reset_index(drop=True)
    require_unique(table, ["ccode1", "ccode2", "year"], path)
    flags = table[list(OBLIGATIONS)]
    not_binary = ~flags.isin([0, 1]).all(axis=1)
    if not_binary.any():
        raise DataError(path, "atop_* flags", "0 or 1", flags.loc[not_binary].head(5).to_dict())
    tidy = pd.DataFrame(
        {
            "iso3_1": cow_years_to_iso3(table["ccode1"], table["year"], mapper, path),
            "iso3_2": cow_years_to_iso3(table["ccode2"], table["year"], mapper, path),
            "year": table["year"].astype("int64"),
        }
    )
    for column, name in OBLIGATIONS.items():
        tidy[name] = table[column].astype("int64")
    require_unique(tidy, ["iso3_1", "iso3_2", "year"], path)
    return tidy.sort_values(["iso3_1", "iso3_2", "year"], ignore_index=True)
