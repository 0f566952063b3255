"""Russia's trade with each partner and each partner's total trade, in the IMF DOTS layout.

Secondary source: the upstream repository does not state where the two
workbooks come from; the layout is the IMF Direction of Trade Statistics
download (US$ millions). `rf_exports_2023.xlsx` has Russia as reporter:
"Exports, FOB" are Russia's exports to each partner, "Imports, CIF" its imports
from it. `tot_exports_2023.xlsx` has the World as reporter, i.e. the mirror
side: the world's exports to a partner are the partner's imports, and the
world's imports from it the partner's exports.

Rows for regions, income groups, currency unions and "not specified" remainders
are dropped by the explicit list AGGREGATES. Each sheet repeats its first partner
(Australia) above the "World" row with identical values; exact duplicate rows
are dropped as that download artefact, while a partner listed twice with
different values stops the run.
"""

from __future__ import annotations

from functools import reduce
from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import drop_listed, names_to_iso3, read_sheet, to_number
from abstention.schemas import require_unique

SHEETS = {
    "Exports, FOB": "Exports, FOB to Partner Countries",
    "Imports, CIF": "Imports, CIF from Partner Countries",
}
UNIT = "US Dollars, Millions"
TITLE_CELL, REPORTER_CELL, UNIT_CELL, YEARS_ROW = (1, 1), (3, 1), (4, 1), 6
NAME_COLUMN = 1

AGGREGATES = frozenset(
    {
        "World",
        "Advanced Economies",
        "Euro Area",
        "European Union",
        "Emerging and Developing Economies",
        "Emerging and Developing Asia",
        "Emerging and Developing Europe",
        "Middle East and Central Asia",
        "Sub-Saharan Africa",
        "Western Hemisphere",
        "Africa",
        "Middle East",
        "Emerging Market and Developing Economies by Source of Export Earnings: Fuel",
        "Emerging Market and Developing Economies by Source of Export Earnings: Nonfuel",
        "Asia not specified",
        "Europe not specified",
        "Africa not specified",
        "Middle East and Central Asia not specified",
        "Western Hemisphere not specified",
        "Other Countries not included elsewhere",
        "Countries & Areas not specified",
        "Special Categories",
        "Memorandum Items",
        "Belgium-Luxembourg",  # customs-union reporting unit used before 1999
    }
)


def _cell(sheet: pd.DataFrame, at: tuple[int, int]) -> object:
    row, column = at
    if row >= len(sheet) or column >= sheet.shape[1]:
        return None
    return sheet.iat[row, column]


def read_dots_sheet(
    path: str | Path, sheet_name: str, reporter: str, mapper: CountryMapper
) -> pd.DataFrame:
    """One DOTS sheet as iso3 (partner), year, value; checks title, reporter, unit, years."""
    sheet = read_sheet(path, sheet_name, header=None, dtype=object)
    expected = {
        TITLE_CELL: SHEETS[sheet_name],
        REPORTER_CELL: reporter,
        UNIT_CELL: UNIT,
    }
    for at, value in expected.items():
        if _cell(sheet, at) != value:
            cell = f"{sheet_name}!{chr(ord('A') + at[1])}{at[0] + 1}"
            raise DataError(path, cell, repr(value), _cell(sheet, at))
    years = sheet.iloc[YEARS_ROW, NAME_COLUMN + 1 :]
    years = to_number(years.astype("string"), path, f"{sheet_name} row {YEARS_ROW + 1}")
    if years.isna().any() or not years.is_monotonic_increasing:
        raise DataError(path, f"{sheet_name} row {YEARS_ROW + 1}", "increasing years", years)
    body = sheet.iloc[YEARS_ROW + 1 :, NAME_COLUMN:].copy()
    body.columns = ["partner", *years.astype("int64")]
    body = body.dropna(subset=["partner"]).drop_duplicates()
    body = drop_listed(body, "partner", AGGREGATES)
    body.insert(0, "iso3", names_to_iso3(body["partner"], mapper, path))
    require_unique(body, ["iso3"], f"{path} ({sheet_name})")
    long = body.drop(columns="partner").melt(id_vars="iso3", var_name="year", value_name="value")
    long["value"] = to_number(long["value"].astype("string"), path, sheet_name)
    long["year"] = long["year"].astype("int64")
    return long


def read_russia_trade(
    russia_path: str | Path, world_path: str | Path, mapper: CountryMapper
) -> pd.DataFrame:
    """Per partner and year: Russia's exports to / imports from it, and its total trade."""
    parts = {
        "russia_exports_to": (russia_path, "Exports, FOB", "Russian Federation"),
        "russia_imports_from": (russia_path, "Imports, CIF", "Russian Federation"),
        "partner_imports": (world_path, "Exports, FOB", "World"),
        "partner_exports": (world_path, "Imports, CIF", "World"),
    }
    tables = [
        read_dots_sheet(path, sheet, reporter, mapper).rename(columns={"value": name})
        for name, (path, sheet, reporter) in parts.items()
    ]
    merged = reduce(lambda a, b: a.merge(b, on=["iso3", "year"], how="outer"), tables)
    return merged.sort_values(["iso3", "year"], ignore_index=True)
