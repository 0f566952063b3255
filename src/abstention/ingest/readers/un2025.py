"""General Assembly recorded votes of 2025 (data/raw/unga_2025_extract/un_votes_2025_processed.csv).

A scrape of UN Digital Library voting records: one row per recorded vote of 2025, one column per
member state (ISO3) holding YES, NO, ABSTAIN or blank, and the official totals. Only the General
Assembly rows are read; the Council rows duplicate the Council extracts and are left to them.

The reader is strict: an unknown Council or vote value, a symbol, date or count it cannot parse,
totals that do not add up, or a symbol on two rows stops the run naming the file, the line and
the column. Blanks are returned as missing votes: whether a blank or a missing column is
an absence depends on membership, which the vote tables decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.readers.common import (
    catalogue_title,
    count_cell,
    date_cell,
    read_csv_text,
)

COUNCILS = ("General Assembly", "Security Council")
COUNT_COLUMNS = {
    "yes": "YES COUNT", "no": "NO COUNT", "abstain": "ABSTAIN COUNT", "no_vote": "NO-VOTE COUNT",
}
FIXED_COLUMNS = ("Link", "Title", "Council", "Resolution", "Date", *COUNT_COLUMNS.values(),
                 "TOTAL VOTES")
DESCRIPTIVE_COLUMNS = ("token", "Scrape_Year", "country", "subregion", "continent", "tags")
VOTE_CODES = {"YES": "yes", "NO": "no", "ABSTAIN": "abstain", "": None}
MEMBER_COLUMN = re.compile(r"[A-Z]{3}")
GA_SYMBOL = re.compile(r"A/(?:RES|DEC)/((?:ES-|S-)?\d+)/\d+(?: [A-Z])?")


@dataclass(frozen=True)
class Votes2025:
    # symbol, session, date, title, link, official_{yes,no,abstain,no_vote}
    resolutions: pd.DataFrame
    listed_votes: pd.DataFrame  # symbol, iso3, vote (yes / no / abstain, missing for a blank)
    member_columns: tuple[str, ...]


def _member_columns(columns: list[str], path: Path) -> tuple[str, ...]:
    missing = [c for c in FIXED_COLUMNS if c not in columns]
    if missing:
        raise DataError(path, "header", f"columns {list(FIXED_COLUMNS)}", f"missing {missing}")
    members = [c for c in columns if c not in FIXED_COLUMNS and c not in DESCRIPTIVE_COLUMNS]
    odd = [c for c in members if not MEMBER_COLUMN.fullmatch(c)]
    if odd:
        raise DataError(path, "header", "ISO3 codes as member-state columns", odd)
    return tuple(members)


def read_votes_2025(path: str | Path) -> Votes2025:
    path = Path(path)
    raw = read_csv_text(path, dtype=str, keep_default_na=False)
    members = _member_columns(list(raw.columns), path)
    resolutions, votes = [], []
    for index, row in raw.iterrows():
        line = f"line {index + 2}"  # the header is line 1
        if row["Council"] not in COUNCILS:
            raise DataError(path, f"{line} Council", f"one of {list(COUNCILS)}", row["Council"])
        if row["Council"] != "General Assembly":
            continue
        symbol = " ".join(row["Resolution"].split())
        match = GA_SYMBOL.fullmatch(symbol)
        if match is None:
            raise DataError(path, f"{line} Resolution", "a symbol like A/RES/ES-11/7",
                            row["Resolution"])
        counts = {k: count_cell(row[c], path, f"{line} {c}") for k, c in COUNT_COLUMNS.items()}
        total = count_cell(row["TOTAL VOTES"], path, f"{line} TOTAL VOTES")
        if sum(counts.values()) != total:
            raise DataError(path, f"{line} {symbol}", f"counts adding up to TOTAL VOTES {total}",
                            counts)
        resolutions.append({
            "symbol": symbol,
            "session": match.group(1),
            "date": date_cell(row["Date"], path, f"{line} Date"),
            "title": catalogue_title(row["Title"]),
            "link": row["Link"],
            **{f"official_{k}": n for k, n in counts.items()},
        })
        for iso3 in members:
            value = row[iso3].strip()
            if value not in VOTE_CODES:
                raise DataError(path, f"{line} {symbol} {iso3}", "YES, NO, ABSTAIN or blank",
                                row[iso3])
            votes.append({"symbol": symbol, "iso3": iso3, "vote": VOTE_CODES[value]})
    frame = pd.DataFrame(resolutions, columns=["symbol", "session", "date", "title", "link",
                                               *(f"official_{k}" for k in COUNT_COLUMNS)])
    doubled = sorted(frame.loc[frame["symbol"].duplicated(), "symbol"])
    if doubled:
        raise DataError(path, "Resolution", "one row per recorded vote", doubled)
    return Votes2025(frame, pd.DataFrame(votes, columns=["symbol", "iso3", "vote"]), members)
