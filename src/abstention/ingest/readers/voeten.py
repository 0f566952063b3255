"""Voeten, Strezhnev & Bailey UN General Assembly roll calls.

Two releases are read. The 2016 published file (1946-2015) keeps absences
(code 8) and non-members (code 9); the `unvotes` package tables (to January
2020) drop absences, so absences there are reconstructed later from
membership.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.readers.common import require_columns
from abstention.ingest.readers.rdata import read_rdata_table
from abstention.schemas import require_unique

PUBLISHED_CODES = {1: "yes", 2: "abstain", 3: "no", 8: "absent", 9: "nonmember"}
UNVOTES_CODES = ("yes", "abstain", "no")


def read_published(path: str | Path) -> pd.DataFrame:
    """rcid, session, ccode, vote (yes/abstain/no/absent/nonmember), date, unres."""
    raw = read_rdata_table(path, "x")
    require_columns(raw, ["rcid", "session", "vote", "ccode", "date", "unres"], path)
    codes = raw["vote"].astype("int64")
    unknown = ~codes.isin(list(PUBLISHED_CODES))
    if unknown.any():
        row = raw[unknown].iloc[0]
        raise DataError(
            path,
            f"row rcid={row.rcid} ccode={row.ccode}",
            f"a vote code in {sorted(PUBLISHED_CODES)} "
            "(1 yes, 2 abstain, 3 no, 8 absent, 9 non-member)",
            f"{int(row.vote)} ({int(unknown.sum())} rows with unknown codes)",
        )
    # One roll call (rcid 4592) has no date and no resolution number in this release;
    # the missing values stay missing here and are completed from the roll-call table.
    dates = pd.to_datetime(raw["date"], format="%m/%d/%Y", errors="coerce")
    malformed = dates.isna() & raw["date"].notna()
    if malformed.any():
        bad = raw.loc[malformed, ["rcid", "date"]].iloc[0]
        raise DataError(path, f"rcid={bad.rcid}", "a date as month/day/year", bad.date)
    return pd.DataFrame(
        {
            "rcid": raw["rcid"].astype("int64"),
            "session": raw["session"].astype("int64"),
            "ccode": raw["ccode"].astype("int64"),
            "vote": codes.map(PUBLISHED_CODES),
            "date": dates,
            "unres": raw["unres"].astype("string"),
        }
    ).reset_index(drop=True)


def read_unvotes(votes_path: str | Path) -> pd.DataFrame:
    """rcid, country (name as spelled in the package), vote (yes/abstain/no)."""
    raw = read_rdata_table(votes_path, "un_votes")
    require_columns(raw, ["rcid", "country", "vote"], votes_path)
    vote = raw["vote"].astype(str)
    unknown = ~vote.isin(UNVOTES_CODES)
    if unknown.any():
        row = raw[unknown].iloc[0]
        raise DataError(
            votes_path,
            f"row rcid={row.rcid} country={row.country}",
            f"a vote in {list(UNVOTES_CODES)}",
            row.vote,
        )
    return pd.DataFrame(
        {
            "rcid": raw["rcid"].astype("int64"),
            "country": raw["country"].astype(str),
            "vote": vote,
        }
    )


def read_roll_calls(path: str | Path) -> pd.DataFrame:
    """rcid, session, date, unres, short, descr, part: one row per recorded vote.

    `part` marks a vote on an amendment or a paragraph (`amend` or `para` is 1; both are blank
    in many rows, which counts as a vote on the text as a whole): its tally is not the text's.
    """
    raw = read_rdata_table(path, "un_roll_calls")
    require_columns(
        raw, ["rcid", "session", "date", "unres", "short", "descr", "amend", "para"], path
    )
    frame = raw[["rcid", "session", "date", "unres", "short", "descr"]].copy()
    frame["part"] = raw["amend"].eq(1) | raw["para"].eq(1)
    frame["rcid"] = frame["rcid"].astype("int64")
    frame["session"] = frame["session"].astype("int64")
    frame["date"] = pd.to_datetime(frame["date"])
    for column in ("unres", "short", "descr"):
        frame[column] = frame[column].fillna("").astype(str)
    require_unique(frame, ["rcid"], path)
    return frame.reset_index(drop=True)
