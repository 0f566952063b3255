"""Polity5 annual series (p5v2018.csv): polity2 by state and year.

States are matched by name, not by `ccode`: Polity's codes differ from COW's
for several states (Polity's 341 is Kosovo, COW's 341 is Montenegro; Serbia is
342 and Montenegro 348 in Polity), so COW-code mapping would misassign them.
Years are chosen by the caller: the full series has many historic states without ISO3
codes. In a year where a state's Polity entity changes (Yugoslavia 1991, Ethiopia 1993,
Sudan 2011) both entities have a row under one ISO3 code; the row of the entity (Polity's
`scode`) that continues into the next year is kept, as it describes the state at the year's
end.
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
    require_columns(table, ["scode", "country", "year", "polity", "polity2"], path)
    table["year"] = to_number(table["year"], path, "year").astype("int64")
    entity_years = set(zip(table["scode"], table["year"], strict=True))
    table = table.loc[table["year"].between(first_year, last_year)].reset_index(drop=True)
    tidy = pd.DataFrame(
        {
            "iso3": names_to_iso3(table["country"], mapper, path),
            "country": table["country"],
            "scode": table["scode"],
            "year": table["year"],
            "polity": to_number(table["polity"], path, "polity"),
            "polity2": to_number(table["polity2"], path, "polity2"),
        }
    )
    continues = pd.Series(
        list(zip(tidy["scode"], tidy["year"] + 1, strict=True)), index=tidy.index
    ).isin(entity_years)
    # A doubled state-year is resolved only when exactly one of its rows continues; any other
    # repeat is left for require_unique to stop on.
    one_continues = continues.groupby([tidy["iso3"], tidy["year"]]).transform("sum") == 1
    tidy = tidy.loc[~(one_continues & ~continues)]
    require_unique(tidy, ["iso3", "year"], path)
    return tidy.drop(columns="scode").sort_values(["iso3", "year"], ignore_index=True)
