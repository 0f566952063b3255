"""Hand-coded ties with dates: Russian military presence abroad, and operational dependence
on a patron's airspace (data/hand/russia_presence.csv, data/hand/operational_dependence.csv).

A tie has a start and an end, so every row is checked as an episode: dates that parse, an
end not before its start (an empty end: still in place at the end of the data), a stated
precision for each date, and no two episodes of one kind for one state that overlap, since
an overlap would count one presence twice. Every row names one public source; a source from
an encyclopedia anyone can edit or from state media is refused, as the sourcing rule in
data/hand/README.md says.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import (
    names_to_iso3,
    read_csv_text,
    require_columns,
    require_sources,
)

SOURCE_COLUMNS = ["source_title", "source_url", "source_kind", "note"]
DATE_COLUMNS = ["start", "start_precision", "end", "end_precision"]
PRESENCE_COLUMNS = [
    "iso3", "country", "kind", *DATE_COLUMNS, "host_consent", "supports_seat_holder",
    *SOURCE_COLUMNS,
]  # fmt: skip
DEPENDENCE_COLUMNS = ["iso3", "country", "patron", "level", *DATE_COLUMNS, *SOURCE_COLUMNS]

KINDS = ("base", "deployment", "pmc", "intervention", "peacekeeping")
CONSENT = ("yes", "no", "contested")
YES_NO = ("yes", "no")
LEVELS = ("dependence", "deconfliction")
PRECISIONS = ("day", "month", "year")
SOURCE_KINDS = ("official", "un_panel", "academic", "think_tank", "news")


def _allowed(table: pd.DataFrame, column: str, allowed, path: Path) -> None:
    bad = table.loc[~table[column].isin(allowed), ["iso3", column]]
    if not bad.empty:
        raise DataError(path, column, f"one of {list(allowed)}", bad.to_dict("records")[:10])


def _dates(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    """start and end as dates (end NaT while the tie lasts), each with its precision."""
    table = table.copy()
    for column in ("start", "end"):
        text = table[column].str.strip()
        dates = pd.to_datetime(text.where(text != ""), format="%Y-%m-%d", errors="coerce")
        required = column == "start"  # an empty end means the tie lasts
        bad = table.loc[dates.isna() & ((text != "") | required), ["iso3", column]]
        if not bad.empty:
            raise DataError(path, column, "a date YYYY-MM-DD", bad.to_dict("records")[:10])
        table[column] = dates
    _allowed(table, "start_precision", PRECISIONS, path)
    ended = table["end"].notna()
    _allowed(table.loc[ended], "end_precision", PRECISIONS, path)
    open_with_precision = table.loc[~ended & (table["end_precision"] != ""), ["iso3", "start"]]
    if not open_with_precision.empty:
        raise DataError(path, "end_precision", "empty when end is empty",
                        open_with_precision.to_dict("records"))
    backwards = table.loc[ended & (table["end"] < table["start"]), ["iso3", "start", "end"]]
    if not backwards.empty:
        raise DataError(path, "end", "a date on or after start", backwards.to_dict("records"))
    return table


def _sources(table: pd.DataFrame, path: Path) -> None:
    require_sources(table, path, ("source_url", "source_title"))
    _allowed(table, "source_kind", SOURCE_KINDS, path)


def _no_overlaps(table: pd.DataFrame, by: list[str], path: Path) -> None:
    """Episodes of one state and kind (or patron) may touch but not overlap."""
    ordered = table.sort_values([*by, "start"])
    open_ended = ordered["end"].fillna(pd.Timestamp("9999-12-31")).astype(ordered["end"].dtype)
    previous_end = open_ended.groupby([ordered[c] for c in by]).shift()
    same_group = ordered[by].eq(ordered.groupby(by)[by].shift()).all(axis=1)
    overlapping = ordered.loc[same_group & (ordered["start"] < previous_end), [*by, "start"]]
    if not overlapping.empty:
        rows = [{**row, "start": str(row["start"].date())}
                for row in overlapping.to_dict("records")]
        raise DataError(path, ", ".join(by), "episodes that do not overlap", rows)


def _read(path: str | Path, mapper: CountryMapper, columns: list[str]) -> pd.DataFrame:
    path = Path(path)
    table = read_csv_text(path, dtype="str", keep_default_na=False)
    require_columns(table, columns, path)
    table = table[columns].apply(lambda column: column.str.strip())
    named = names_to_iso3(table["country"], mapper, path)
    mismatch = table.loc[named != table["iso3"], ["iso3", "country"]]
    if not mismatch.empty:
        raise DataError(path, "iso3, country", "a code matching the country's name",
                        mismatch.to_dict("records"))
    _sources(table, path)
    return _dates(table, path)


def read_russia_presence(path: str | Path, mapper: CountryMapper) -> pd.DataFrame:
    """Episodes of Russian bases, deployments, private military companies, interventions and
    peacekeeping abroad, with the host's consent and whether the forces backed the
    government that held the state's UN seat."""
    table = _read(path, mapper, PRESENCE_COLUMNS)
    _allowed(table, "kind", KINDS, Path(path))
    _allowed(table, "host_consent", CONSENT, Path(path))
    _allowed(table, "supports_seat_holder", YES_NO, Path(path))
    _no_overlaps(table, ["iso3", "kind"], Path(path))
    return table.sort_values(["iso3", "kind", "start"], ignore_index=True)


def read_operational_dependence(path: str | Path, mapper: CountryMapper) -> pd.DataFrame:
    """Episodes of military operations in airspace or theatres a patron controls, coordinated
    with it: `dependence` where the operations need its acquiescence, `deconfliction` where
    only a flight-safety line exists."""
    path = Path(path)
    table = _read(path, mapper, DEPENDENCE_COLUMNS)
    unknown = sorted(set(table["patron"]) - set(mapper.english_names))
    if unknown:
        raise DataError(path, "patron", "ISO3 codes in the country crosswalk", unknown)
    _allowed(table, "level", LEVELS, path)
    _no_overlaps(table, ["iso3", "patron"], path)
    return table.sort_values(["iso3", "patron", "start"], ignore_index=True)
