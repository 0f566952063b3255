"""States that had lost their General Assembly vote under Article 19 of the Charter
(data/hand/article19_lost_vote.csv).

One row per loss: the state had no vote from `lost_from` up to, not including, `lost_to`
(empty: not restored by the end of the data). Dates are as the press reported them, not
official; `to_precision` says whether `lost_to` is exact, approximate or an upper bound, and
`certainty` how sure the loss is. The reader stops, naming the file, line and state, on a state
that was not a UN member at `lost_from`, a date it cannot parse, a window that ends before it
starts, an unknown certainty or precision, a precision without an end date or an end date
without one, and two windows of one state that overlap.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.readers.common import read_csv_text
from abstention.ingest.votes import is_member
from abstention.vote_codes import ARTICLE19_CERTAINTIES

PRECISIONS = ("exact", "approximate", "upper_bound")
COLUMNS = ("iso3", "country", "lost_from", "lost_to", "to_precision", "certainty", "source",
           "note")


def _date(text: str, path: Path, where: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(datetime.strptime(text.strip(), "%Y-%m-%d"))
    except ValueError as exc:
        raise DataError(path, where, "a date like 2022-01-11", text) from exc


def _window(row: pd.Series, line: str, path: Path, countries: pd.DataFrame) -> dict:
    where = f"{line} {row['iso3']}"
    if row["certainty"] not in ARTICLE19_CERTAINTIES:
        raise DataError(path, f"{where} certainty", f"one of {list(ARTICLE19_CERTAINTIES)}",
                        row["certainty"])
    if row["to_precision"] not in (*PRECISIONS, ""):
        raise DataError(path, f"{where} to_precision", f"one of {list(PRECISIONS)} or empty",
                        row["to_precision"])
    lost_from = _date(row["lost_from"], path, f"{where} lost_from")
    lost_to = _date(row["lost_to"], path, f"{where} lost_to") if row["lost_to"] else pd.NaT
    if pd.isna(lost_to) != (row["to_precision"] == ""):
        raise DataError(path, f"{where} to_precision",
                        "a precision exactly when lost_to is given",
                        f"lost_to={row['lost_to']!r}, to_precision={row['to_precision']!r}")
    if lost_to < lost_from:
        raise DataError(path, f"{where} lost_to",
                        f"a date on or after lost_from {row['lost_from']}", row["lost_to"])
    member = countries["iso3"].eq(row["iso3"]) & is_member(countries, lost_from)
    if not member.any():
        raise DataError(path, f"{where} iso3", f"a UN member on {row['lost_from']}", row["iso3"])
    return {"iso3": row["iso3"], "lost_from": lost_from, "lost_to": lost_to,
            "to_precision": row["to_precision"], "certainty": row["certainty"]}


def read_lost_votes(path: str | Path, countries: pd.DataFrame) -> pd.DataFrame:
    """iso3, lost_from, lost_to (NaT: not restored), to_precision, certainty; one row per window."""
    path = Path(path)
    raw = read_csv_text(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(path, "header", f"columns {list(COLUMNS)}", f"missing {missing}")
    windows = pd.DataFrame(
        [_window(row, f"line {index + 2}", path, countries) for index, row in raw.iterrows()],
        columns=["iso3", "lost_from", "lost_to", "to_precision", "certainty"],
    )
    ordered = windows.assign(line=windows.index + 2).sort_values(["iso3", "lost_from"])
    previous_end = ordered.groupby("iso3")["lost_to"].shift()
    starts_too_early = ordered["iso3"].eq(ordered["iso3"].shift()) & (
        previous_end.isna() | (ordered["lost_from"] < previous_end))
    if starts_too_early.any():
        clash = ordered[starts_too_early].iloc[0]
        raise DataError(path, f"line {clash['line']} {clash['iso3']}",
                        "windows of one state that do not overlap",
                        f"starts {clash['lost_from'].date()} inside an earlier window")
    return windows
