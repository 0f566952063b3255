"""World Bank WDI series (GDP in current US$, population) by country and year.

The files mix economies with regional and income aggregates. Aggregates are
dropped by an explicit list of their World Bank codes; every other code must
be an ISO3 code the country mapper knows, so a new aggregate or territory code
stops the run instead of entering the data as a country.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import drop_listed, read_csv_text, require_columns, to_number
from abstention.schemas import require_unique

AGGREGATES = frozenset(
    {
        "AFE", "AFW", "ARB", "CEB", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU", "EUU",
        "FCS", "HIC", "HPC", "IBD", "IBT", "IDA", "IDB", "IDX", "LAC", "LCN", "LDC", "LIC",
        "LMC", "LMY", "LTE", "MEA", "MIC", "MNA", "NAC", "OED", "OSS", "PRE", "PSS", "PST",
        "SAS", "SSA", "SSF", "SST", "TEA", "TEC", "TLA", "TMN", "TSA", "TSS", "UMC", "WLD",
    }
)  # fmt: skip
# Channel Islands: Jersey and Guernsey reported together, with no ISO3 code.
NON_ISO_ECONOMIES = frozenset({"CHI"})


def read_wdi(path: str | Path, mapper: CountryMapper, value_name: str) -> pd.DataFrame:
    """iso3, year and the series' value, for economies with an ISO3 code."""
    table = read_csv_text(path, dtype="str", keep_default_na=False)
    require_columns(table, ["Country Name", "Country Code", "Year", "Value"], path)
    table = drop_listed(table, "Country Code", AGGREGATES | NON_ISO_ECONOMIES)
    unknown = sorted(set(table["Country Code"]) - set(mapper.english_names))
    if unknown:
        raise DataError(
            path,
            "Country Code",
            "ISO3 codes or a code in readers/wdi.py AGGREGATES",
            unknown,
        )
    tidy = pd.DataFrame(
        {
            "iso3": table["Country Code"],
            "year": to_number(table["Year"], path, "Year").astype("int64"),
            value_name: to_number(table["Value"], path, "Value"),
        }
    )
    require_unique(tidy, ["iso3", "year"], path)
    return tidy.sort_values(["iso3", "year"], ignore_index=True)
