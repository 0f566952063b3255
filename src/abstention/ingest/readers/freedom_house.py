"""Freedom in the World scores from the all-data workbook, editions 2013-2024.

An edition rates the previous calendar year (the 2022 edition covers 2021).
Rows marked "t" in the "C/T" column are territories (Hong Kong, Crimea,
Transnistria, ...): they are dropped by that rule, since only states vote.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import names_to_iso3, read_sheet, require_columns, to_number
from abstention.schemas import require_unique

SHEET = "FIW13-24"
HEADER_ROW = 1  # row 1 is a title; the column names are on row 2
COLUMNS = {
    "Country/Territory": "country",
    "C/T": "kind",
    "Edition": "edition",
    "Status": "status",
    "PR": "pr_score",
    "CL": "cl_score",
    "Total": "total",
}


def read_freedom_house(path: str | Path, mapper: CountryMapper) -> pd.DataFrame:
    """iso3, edition, year rated, status and the 0-100 total (PR + CL scores) for countries."""
    table = read_sheet(path, SHEET, header=HEADER_ROW)
    require_columns(table, COLUMNS, path)
    table = table[list(COLUMNS)].rename(columns=COLUMNS)
    kinds = set(table["kind"].dropna())
    if not kinds <= {"c", "t"}:
        raise DataError(path, "C/T", "'c' (country) or 't' (territory)", sorted(kinds - {"c", "t"}))
    table = table.loc[table["kind"] == "c"].drop(columns="kind").reset_index(drop=True)
    for column in ["edition", "pr_score", "cl_score", "total"]:
        table[column] = to_number(table[column], path, column)
    table["edition"] = table["edition"].astype("int64")
    table["year"] = table["edition"] - 1
    table.insert(0, "iso3", names_to_iso3(table["country"], mapper, path))
    require_unique(table, ["iso3", "edition"], path)
    return table.sort_values(["iso3", "edition"], ignore_index=True)
