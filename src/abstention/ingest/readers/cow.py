"""Correlates of War state system and capitals (via peacesciencer).

Former Soviet republics are an explicit list of the 15 union republics that
became independent in 1991 (Russia included as the continuing state), not a
rule on COW codes: COW gives no Soviet-successor flag, and the list is checked
against the COW state system in the tests. Kosovo (COW 347) has no ISO3 code
for its COW code in the crosswalk and is not a UN member, so its rows are dropped.
The capitals table gives Mecklenburg-Schwerin (COW 280, in the system until
1867) a capital spell running to 2024; that row is dropped as a source error.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import require_columns
from abstention.ingest.readers.rdata import read_rdata_table
from abstention.schemas import require_unique

FORMER_USSR = frozenset(
    {
        "ARM", "AZE", "BLR", "EST", "GEO", "KAZ", "KGZ", "LTU",
        "LVA", "MDA", "RUS", "TJK", "TKM", "UKR", "UZB",
    }
)  # fmt: skip

NO_ISO3 = {347: "Kosovo"}
DEFUNCT_OPEN_CAPITALS = {280: "Mecklenburg-Schwerin: capital spell to 2024, state ended 1867"}

EARTH_RADIUS_KM = 6371.0


def _at_date(table: pd.DataFrame, start: pd.Series, end: pd.Series, on: pd.Timestamp):
    skipped = [*NO_ISO3, *DEFUNCT_OPEN_CAPITALS]
    alive = (start <= on) & (end >= on) & ~table["ccode"].isin(skipped)
    return table.loc[alive].reset_index(drop=True)


def read_cow_states(path: str | Path, mapper: CountryMapper, on: str | pd.Timestamp):
    """Members of the COW state system on a date: iso3, cown, name, start, end."""
    on = pd.Timestamp(on)
    table = read_rdata_table(path, "cow_states")
    require_columns(table, ["ccode", "statenme", "styear", "stmonth", "stday", "endyear"], path)

    def date(prefix: str) -> pd.Series:
        parts = {"year": f"{prefix}year", "month": f"{prefix}month", "day": f"{prefix}day"}
        return pd.to_datetime(table[list(parts.values())].set_axis(list(parts), axis=1))

    table = table.assign(start=date("st"), end=date("end"))
    table = _at_date(table, table["start"], table["end"], on)
    require_unique(table, ["ccode"], path)
    iso3 = mapper.cow_to_iso3(table["ccode"], pd.Series(on, index=table.index), path)
    return pd.DataFrame(
        {
            "iso3": iso3,
            "cown": table["ccode"].astype("int64"),
            "name": table["statenme"],
            "start": table["start"],
            "end": table["end"],
        }
    ).sort_values("iso3", ignore_index=True)


def read_cow_capital_spells(path: str | Path, mapper: CountryMapper, first_year: int):
    """Capital spells (capitals move) that last into `first_year` or later: iso3, cown,
    capital, start, end, lat, lon. Each code is mapped at the spell's first day in the period,
    so a code reused by a successor state maps by date."""
    table = read_rdata_table(path, "cow_capitals")
    require_columns(table, ["ccode", "capital", "stdate", "enddate", "lat", "lng"], path)
    start, end = pd.to_datetime(table["stdate"]), pd.to_datetime(table["enddate"])
    period_start = pd.Timestamp(first_year, 1, 1)
    skipped = [*NO_ISO3, *DEFUNCT_OPEN_CAPITALS]
    kept = (end >= period_start) & ~table["ccode"].isin(skipped)
    table, start, end = table.loc[kept], start[kept], end[kept]
    iso3 = mapper.cow_to_iso3(table["ccode"], start.clip(lower=period_start), path)
    spells = pd.DataFrame(
        {
            "iso3": iso3,
            "cown": table["ccode"].astype("int64"),
            "capital": table["capital"],
            "start": start,
            "end": end,
            "lat": table["lat"].astype("float64"),
            "lon": table["lng"].astype("float64"),
        }
    )
    require_unique(spells, ["iso3", "start"], path)
    return spells.sort_values(["iso3", "start"], ignore_index=True)


def capitals_on(spells: pd.DataFrame, on: str | pd.Timestamp) -> pd.DataFrame:
    """Each state's capital on a date, from `read_cow_capital_spells`."""
    on = pd.Timestamp(on)
    alive = spells.loc[(spells["start"] <= on) & (spells["end"] >= on)]
    require_unique(alive, ["iso3"], "capital spells")
    return alive.drop(columns=["start", "end"]).reset_index(drop=True)


def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance on a sphere, the formula behind CEPII's distcap."""
    lat1, lon1, lat2, lon2 = (
        np.radians(np.asarray(v, dtype="float64")) for v in (lat1, lon1, lat2, lon2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))
