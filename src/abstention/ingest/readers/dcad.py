"""Defense Cooperation Agreement Dataset v1.0, agreement level (Kinne 2020).

One row per bilateral agreement signed 1980-2010. States are keyed by the
file's COW codes (its `cowName` abbreviations are not consistent: "GER" and
"GMY", "ROK" and "KOR"), mapped at mid-year of signature, so a code reused by
a successor state maps by date and COW 365 is Russia throughout (the 1984
agreement with Nigeria was the USSR's). The signature day and month are often
blank; only the year is used, and it must be present.

Three rows give one code for both parties (see data/raw/README.md); they are
dropped by their ID, and any other such row stops the run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import (
    cow_years_to_iso3,
    read_csv_text,
    require_columns,
    to_number,
)
from abstention.schemas import require_unique

COLUMNS = ["DCAid", "ccode1", "ccode2", "signYear", "endYearEstimate"]
SAME_CODE_TWICE = {
    "DCADv1.0-0297": "Bolivia and Venezuela, both under Bolivia's code 145",
    "DCADv1.0-1625": "Mozambique (541) with itself",
    "DCADv1.0-1847": "India (750) with itself",
}


def _whole_numbers(table: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """A column of integers; a blank or fractional cell stops with its agreement ID."""
    numbers = to_number(table[column], path, column)
    bad = table.loc[numbers.isna() | (numbers % 1 != 0), ["DCAid", column]]
    if not bad.empty:
        raise DataError(path, column, "a whole number on every row", bad.to_dict("records")[:10])
    return numbers.astype("int64")


def read_dcad(path: str | Path, mapper: CountryMapper) -> pd.DataFrame:
    """dcad_id, iso3_1, iso3_2, sign_year, end_year: one row per agreement between two states.
    `end_year` is DCAD's estimate of the agreement's last year in force (its last year, 2010,
    for an agreement still in force then)."""
    path = Path(path)
    table = read_csv_text(path, dtype="str", keep_default_na=False)
    require_columns(table, COLUMNS, path)
    table = table[COLUMNS].apply(lambda column: column.str.strip())
    require_unique(table, ["DCAid"], path)
    codes = {column: _whole_numbers(table, column, path) for column in ["ccode1", "ccode2"]}
    year = _whole_numbers(table, "signYear", path)
    end_year = _whole_numbers(table, "endYearEstimate", path)
    early = table.loc[end_year < year, ["DCAid", "signYear", "endYearEstimate"]]
    if not early.empty:
        raise DataError(path, "endYearEstimate", "a year on or after signYear",
                        early.to_dict("records")[:10])
    same = table.loc[codes["ccode1"] == codes["ccode2"], "DCAid"]
    unexplained = sorted(set(same) - set(SAME_CODE_TWICE))
    if unexplained:
        raise DataError(path, "ccode1, ccode2", "two different states per agreement", unexplained)
    kept = ~table["DCAid"].isin(SAME_CODE_TWICE)
    tidy = pd.DataFrame(
        {
            "dcad_id": table["DCAid"],
            "iso3_1": cow_years_to_iso3(codes["ccode1"], year, mapper, path),
            "iso3_2": cow_years_to_iso3(codes["ccode2"], year, mapper, path),
            "sign_year": year,
            "end_year": end_year,
        }
    )
    return tidy.loc[kept].sort_values("dcad_id", ignore_index=True)
