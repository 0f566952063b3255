"""Hand-coded security ties just before 24 February 2022 (data/hand/security_ties_2022.csv).

Long format, one public source per row. A state with no row for a variable is
coded 0 (the table's stated convention); 0.5 marks associate membership, an
ended deployment, an unconfirmed report or deconfliction without dependence.
Two rows with the same state and variable are two sources for one fact and
must agree; conflicting values stop the run.

Whether the host consented to a Russian base is written in the row's note:
"NOT CONSENTED" at its start, or "consented" elsewhere in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import (
    names_to_iso3,
    read_csv_text,
    require_columns,
    require_sources,
    to_number,
)
from abstention.schemas import require_unique

VARIABLES = (
    "csto_member",
    "cis_member",
    "eaeu_member",
    "union_state",
    "russian_base",
    "wagner_presence",
    "airspace_deconfliction",
    "russia_defence_cooperation",
)
ALLOWED_VALUES = {0.0, 0.5, 1.0}
NOT_CONSENTED = "NOT CONSENTED"
COLUMNS = ["iso3", "country", "variable", "value", "source_url", "note"]


def read_security_ties(path: str | Path, mapper: CountryMapper) -> pd.DataFrame:
    """The long table, checked: known variables, values 0/0.5/1, names matching codes, a
    source of standing on every row."""
    table = read_csv_text(path, dtype="str", keep_default_na=False)
    require_columns(table, COLUMNS, path)
    table = table[COLUMNS].copy()
    require_sources(table, path)
    unknown = sorted(set(table["variable"]) - set(VARIABLES))
    if unknown:
        raise DataError(path, "variable", f"one of {list(VARIABLES)}", unknown)
    table["value"] = to_number(table["value"], path, "value")
    bad = table.loc[~table["value"].isin(ALLOWED_VALUES), ["iso3", "variable", "value"]]
    if not bad.empty:
        raise DataError(path, "value", "0, 0.5 or 1", bad.to_dict("records"))
    named = names_to_iso3(table["country"], mapper, path)
    mismatch = table.loc[named != table["iso3"], ["iso3", "country"]]
    if not mismatch.empty:
        raise DataError(
            path, "iso3 / country", "the code of the named country", mismatch.to_dict("records")
        )
    require_unique(table.drop_duplicates(["iso3", "variable", "value"]), ["iso3", "variable"], path)
    return table.sort_values(["variable", "iso3"], ignore_index=True)


def security_ties_wide(ties: pd.DataFrame, iso3: Iterable[str]) -> pd.DataFrame:
    """One row per state in `iso3`, one column per variable; no row means 0."""
    values = ties.drop_duplicates(["iso3", "variable"]).pivot(
        index="iso3", columns="variable", values="value"
    )
    index = pd.Index(sorted(set(iso3)), name="iso3")
    wide = values.reindex(index=index, columns=list(VARIABLES)).fillna(0.0)
    return wide.reset_index().rename_axis(columns=None)


def base_consent(ties: pd.DataFrame, path: str | Path) -> pd.Series:
    """Whether each host of a Russian base (value 1) consented, read from the notes.

    A base row whose note says neither stops the run: patronage and occupation
    are opposites, so no host may fall between them unread.
    """
    bases = ties.loc[(ties["variable"] == "russian_base") & (ties["value"] == 1)]
    refused = bases["note"].str.startswith(NOT_CONSENTED)
    consented = ~refused & bases["note"].str.contains("consented", case=False)
    unstated = bases.loc[~refused & ~consented, ["iso3", "note"]]
    if not unstated.empty:
        raise DataError(
            path,
            "note of russian_base rows",
            f"'{NOT_CONSENTED}' at the start or 'consented' in the note",
            unstated.to_dict("records"),
        )
    by_state = pd.Series(consented.to_numpy(), index=bases["iso3"].to_numpy())
    disagreeing = sorted(set(by_state.index[by_state]) & set(by_state.index[~by_state]))
    if disagreeing:
        raise DataError(path, "russian_base notes", "one consent status per state", disagreeing)
    return by_state.groupby(level=0).first().rename_axis("iso3").rename("consented")
