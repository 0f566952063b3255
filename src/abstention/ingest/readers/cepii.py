"""CEPII GeoDist bilateral distances (Mayer & Zignago 2011).

`distcap` is the great-circle distance between capitals in km. The file uses
pre-2000s ISO codes for five countries; they are mapped here to the current
code of the state that holds the capital CEPII measured from.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import read_csv_text, require_columns, to_number
from abstention.schemas import require_unique

OLD_CODES = {
    "ROM": "ROU",  # Romania, ISO code changed in 2002
    "ZAR": "COD",  # Zaire, now the Democratic Republic of the Congo
    "YUG": "SRB",  # Serbia and Montenegro, measured from Belgrade, Serbia's capital
    "PAL": "PSE",  # Palestinian territories
    "TMP": "TLS",  # East Timor, now Timor-Leste
}
VALUES = ["contig", "dist", "distcap"]


def read_cepii_distances(path: str | Path, mapper: CountryMapper) -> pd.DataFrame:
    """iso_o, iso_d, contig, dist and distcap (km) for every ordered pair."""
    table = read_csv_text(path, sep=";", dtype="str", keep_default_na=False)
    require_columns(table, ["iso_o", "iso_d", *VALUES], path)
    tidy = table[["iso_o", "iso_d"]].replace(OLD_CODES)
    unknown = sorted((set(tidy["iso_o"]) | set(tidy["iso_d"])) - set(mapper.english_names))
    if unknown:
        raise DataError(path, "iso_o/iso_d", "ISO3 codes or a code in OLD_CODES", unknown)
    for column in VALUES:
        # the published GeoDist files write decimal commas; accept either separator
        tidy[column] = to_number(table[column].str.replace(",", ".", regex=False), path, column)
    require_unique(tidy, ["iso_o", "iso_d"], path)
    return tidy.sort_values(["iso_o", "iso_d"], ignore_index=True)
