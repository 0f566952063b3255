"""One checked table per non-UN source, so later stages read tables, never raw files.

Each reader turns a source's files (`source_files.SOURCE_FILES`) into a tidy table keyed by
state (and year). The UN votes, texts and sponsors are built apart (`ingest.build`), since
they combine several sources by precedence. Sources keyed by COW code are read from
`first_year` on: earlier years hold states with no ISO3 code (South Vietnam, the Yemen Arab
Republic), and no later stage reaches back that far.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.atop import read_atop
from abstention.ingest.readers.cepii import read_cepii_distances
from abstention.ingest.readers.cow import read_cow_capital_spells
from abstention.ingest.readers.dcad import read_dcad
from abstention.ingest.readers.exercises import read_exercises
from abstention.ingest.readers.freedom_house import read_freedom_house
from abstention.ingest.readers.hand import read_security_ties
from abstention.ingest.readers.idealpoints import read_idealpoints
from abstention.ingest.readers.polity import read_polity
from abstention.ingest.readers.presence import read_operational_dependence, read_russia_presence
from abstention.ingest.readers.sipri import read_sipri
from abstention.ingest.readers.trade import read_russia_trade
from abstention.ingest.readers.us_troops import read_us_bases, read_us_troops
from abstention.ingest.readers.wdi import read_wdi
from abstention.ingest.source_files import SOURCE_FILES

LAST_YEAR = 9999


def _yearly_deliveries(paths, mapper, first_year):
    # The register has one row per order; later stages need deliveries by dyad and year.
    keys = ["supplier_iso3", "recipient_iso3", "year"]
    return read_sipri(paths[0], mapper).groupby(keys, as_index=False)["tiv"].sum()


def _wdi(paths, mapper, first_year):
    gdp = read_wdi(paths[0], mapper, "gdp")
    return gdp.merge(read_wdi(paths[1], mapper, "population"), on=["iso3", "year"], how="outer")


READERS = {
    "sipri": _yearly_deliveries,
    "atop": lambda paths, mapper, first: read_atop(paths[0], mapper, first, LAST_YEAR),
    "dcad": lambda paths, mapper, first: read_dcad(paths[0], mapper),
    "exercises": lambda paths, mapper, first: read_exercises(paths[0], mapper),
    "freedom_house": lambda paths, mapper, first: read_freedom_house(paths[0], mapper),
    "polity": lambda paths, mapper, first: read_polity(paths[0], mapper, first, LAST_YEAR),
    "wdi": _wdi,
    "trade": lambda paths, mapper, first: read_russia_trade(paths[0], paths[1], mapper),
    "cepii": lambda paths, mapper, first: read_cepii_distances(paths[0], mapper),
    "capitals": lambda paths, mapper, first: read_cow_capital_spells(paths[0], mapper, first),
    "idealpoints": lambda paths, mapper, first: read_idealpoints(paths[0], mapper),
    # The troops and base readers also return the rows they leave out, with reasons; those are
    # documented in data/raw/README.md and tested, the tables keep the states.
    "us_troops": lambda paths, mapper, first: read_us_troops(paths[0], mapper)[0],
    "us_bases": lambda paths, mapper, first: read_us_bases(paths[0], mapper)[0],
    "security_ties": lambda paths, mapper, first: read_security_ties(paths[0], mapper),
    "russia_presence": lambda paths, mapper, first: read_russia_presence(paths[0], mapper),
    "operational_dependence": lambda paths, mapper, first: read_operational_dependence(
        paths[0], mapper
    ),
}


def build_source_table(
    name: str, mapper: CountryMapper, first_year: int, root: Path = Path(".")
) -> pd.DataFrame:
    """The checked table of one source, its files read under `root` (each reader checks its
    table's key)."""
    if name not in READERS:
        raise DataError(None, "source table", f"one of {sorted(READERS)}", name, known=READERS)
    files = SOURCE_FILES[name]
    return READERS[name]([Path(root) / path for path in files], mapper, first_year).reset_index(
        drop=True)
