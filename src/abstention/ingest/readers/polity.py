"""Polity5 annual series (p5v2018.csv): polity2 by state and year.

States are matched by name, not by `ccode`: Polity's codes differ from COW's
for several states (Polity's 341 is Kosovo, COW's 341 is Montenegro; Serbia is
342 and Montenegro 348 in Polity), so COW-code mapping would misassign them.
Years are chosen by the caller: the full series has two known double entries
(Ethiopia 1993, Yugoslavia 1991) and many historic states without ISO3 codes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import (
    names_to_iso3,
    read_csv_text,
    require_columns,
    to_number,
)
from abstention.schemas import require_unique


def read_polity(path: str | Path, mapper: CountryMapper, first_year: int, last_year: int):
    """iso3, year, polity (with the -66/-77/-88 special codes) and polity2."""
    table = read_csv_text(path, dtype="str", keep_default_na=False)
    require_columns(table, ["country", "year", "polity", "polity2"], path)
    table["year"] = to_number(table["year"], path, "year").astype("int64")
    table = table.loc[table["year"].between(first_year, last_year)].reset_index(drop=True)
    tidy = pd.DataFrame(
        {
            "iso3": names_to_iso3(table["country"], mapper, path),
            "country": table["country"],
            "year": table["year"],
            "polity": to_number(table["polity"], path, "polity"),
            "polity2": to_number(table["polity2"], path, "polity2"),
        }
    )
    require_unique(tidy, ["iso3", "year"], path)
    return tidy.sort_values(["iso3", "year"], ignore_index=True)
