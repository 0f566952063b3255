"""UNGA ideal points by state and year (Bailey, Strezhnev & Voeten 2017; July 2025 release).

States are keyed by the file's COW code, mapped at mid-year: its own `iso3c`
column labels Serbia "YUG" up to 2024. Values from 2022 on include the Ukraine
votes themselves, so a pre-war control uses 2021 or earlier. Rows without an
estimate (empty `idealpointall`: the placeholder rows at the end of the file and
years a state cast too few votes) are dropped, so a state-year has a row only
if it has an ideal point.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import cow_years_to_iso3, require_columns
from abstention.schemas import require_unique


def read_idealpoints(path: str | Path, mapper: CountryMapper) -> pd.DataFrame:
    """iso3, year, ideal point from all votes (`idealpointall`) and the votes behind it."""
    try:
        table = pd.read_stata(path, convert_categoricals=False)
    except (ValueError, OSError) as exc:
        raise DataError(path, "file", "a Stata data file (.dta)",
                        f"{type(exc).__name__}: {exc}") from exc
    require_columns(table, ["ccode", "year", "idealpointall", "nvotesall"], path)
    table = table.dropna(subset=["idealpointall"]).reset_index(drop=True)
    tidy = pd.DataFrame(
        {
            "iso3": cow_years_to_iso3(table["ccode"], table["year"], mapper, path),
            "year": table["year"].astype("int64"),
            "ideal_point": table["idealpointall"].astype("float64"),
            "nvotes": table["nvotesall"].astype("float64"),
        }
    )
    require_unique(tidy, ["iso3", "year"], path)
    return tidy.sort_values(["iso3", "year"], ignore_index=True)
