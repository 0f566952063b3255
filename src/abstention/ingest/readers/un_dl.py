"""General Assembly recorded votes 1946-2021 from a UN Digital Library scrape
(data/raw/un_dl_votes_2022/UN_DATA_2022-01-29.csv.zip, read inside the zip).

One row per resolution adopted by recorded vote, one column per state named in upper case
(current and former states, some spelt twice) holding Y, N, A (abstain), X (did not vote) or
blank (not a member). The scraper named the abstention count `ABSENT COUNT`; it is read as the
official abstentions. Only General Assembly rows are read.

The reader is strict: a vote code other than Y, N, A, X or blank, a count or date it cannot
read, a symbol in no known form, a column the country mapper cannot place, or one state in two
columns of a row stops the run naming the file, the line and the column. Column names the
mapper cannot place, and rows that cannot be read as they stand, are reviewed by hand
(`config/un_dl_columns.csv`, `config/un_dl_row_fixes.csv`). Whether the column counts equal
the official ones is the tally report's question, as for the other sources.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import (
    catalogue_title,
    count_cell,
    date_cell,
    require_columns,
)
from abstention.ingest.symbols import text_key

COUNT_COLUMNS = {
    "yes": "YES COUNT", "no": "NO COUNT", "abstain": "ABSENT COUNT", "no_vote": "NO-VOTE COUNT",
}
FIXED_COLUMNS = ("Council", "Date", "Title", "Resolution", "TOTAL VOTES", *COUNT_COLUMNS.values(),
                 "Link", "token")
COUNCILS = ("General Assembly", "Security Council")
VOTE_CODES = {"Y": "yes", "N": "no", "A": "abstain", "X": "absent"}
FIXES = ("skip", "date", "symbol")


@dataclass(frozen=True)
class DLVotes:
    # line, symbol, key, session, date, title, link, official_{yes,no,abstain,no_vote}
    resolutions: pd.DataFrame
    listed_votes: pd.DataFrame  # symbol, iso3, vote (yes / no / abstain / absent): no blanks
    skipped: pd.DataFrame  # line, symbol, reason: rows the reviewed fixes leave out


def _read_zip(path: Path) -> pd.DataFrame:
    """The zip's single CSV, as text, without extracting it."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if len(names) != 1 or not names[0].endswith(".csv"):
                raise DataError(path, "members", "one CSV file in the zip", names)
            raw = archive.read(names[0])
    except zipfile.BadZipFile as exc:
        raise DataError(path, "file", "a zip archive", str(exc)) from exc
    frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8")
    frame.index = frame.index + 2  # the CSV line of each row (the header is line 1)
    return frame


def _apply_row_fixes(raw: pd.DataFrame, fixes: pd.DataFrame, path: Path, fixes_path: Path):
    """Reviewed rows: each names its line and the symbol found there, so a fix can only apply
    to the row it was written for."""
    raw = raw.copy()
    skipped = []
    for fix in fixes.itertuples(index=False):
        line = int(fix.line)
        if fix.fix not in FIXES:
            raise DataError(fixes_path, f"line {line} fix", f"one of {list(FIXES)}", fix.fix)
        if line not in raw.index or raw.at[line, "Resolution"] != fix.symbol:
            found = raw.at[line, "Resolution"] if line in raw.index else "no such line"
            raise DataError(path, f"line {line} Resolution",
                            f"{fix.symbol!r}, as reviewed in {fixes_path}", found)
        if fix.fix == "skip":
            skipped.append({"line": line, "symbol": fix.symbol, "reason": fix.reason})
            raw = raw.drop(index=line)
        else:
            raw.at[line, {"date": "Date", "symbol": "Resolution"}[fix.fix]] = fix.value
    return raw, pd.DataFrame(skipped, columns=["line", "symbol", "reason"])


def _state_names(cells: pd.DataFrame, dates: pd.Series, reviewed: pd.DataFrame,
                 mapper: CountryMapper, path: Path, reviewed_path: Path) -> pd.Series:
    """Each vote's state name for the mapper: its column's, or the reviewed one (up to the
    row's `valid_to`, if given: 'CHINA' is the Republic of China's seat until October 1971).
    A reviewed blank name marks a column that must hold no vote."""
    stale = sorted(set(reviewed["column"]) - set(cells["column"].unique()) - {
        c for c, n in zip(reviewed["column"], reviewed["name"], strict=True) if n == ""})
    if stale:
        raise DataError(reviewed_path, "column", f"columns with votes in {path}", stale)
    names = cells["column"].copy()
    for row in reviewed.itertuples(index=False):
        chosen = cells["column"] == row.column
        if row.valid_to:
            chosen &= dates <= pd.Timestamp(row.valid_to)
        names[chosen] = row.name
    unnamed = cells[names == ""]
    if not unnamed.empty:
        first = unnamed.iloc[0]
        raise DataError(path, f"line {first.line} column {first.column!r}",
                        f"no vote in a column {reviewed_path} marks as empty", first.code)
    unplaced = {n: mapper.lookup(n) for n in names.unique() if len(mapper.lookup(n)) != 1}
    if unplaced:
        raise DataError(path, f"columns {sorted(unplaced)}",
                        f"state names the country mapper places, or a row in {reviewed_path}",
                        unplaced)
    return names


def read_un_dl(path: str | Path, mapper: CountryMapper, columns_path: str | Path,
               fixes_path: str | Path) -> DLVotes:
    path, columns_path, fixes_path = Path(path), Path(columns_path), Path(fixes_path)
    raw = _read_zip(path)
    require_columns(raw, FIXED_COLUMNS, path)
    councils = raw["Council"]
    odd = councils[~councils.isin(COUNCILS)]
    if not odd.empty:
        raise DataError(path, f"line {odd.index[0]} Council", f"one of {list(COUNCILS)}",
                        odd.iloc[0])
    raw, skipped = _apply_row_fixes(raw[councils == "General Assembly"],
                                    pd.read_csv(fixes_path, dtype=str, keep_default_na=False),
                                    path, fixes_path)
    states = [c for c in raw.columns if c not in FIXED_COLUMNS]

    resolutions = []
    for line, row in raw.iterrows():
        symbol = " ".join(row["Resolution"].split())
        key = text_key(symbol)
        if key is None:
            raise DataError(path, f"line {line} Resolution",
                            f"a symbol like A/RES/68/262 or A/RES/1514(XV), or a row in "
                            f"{fixes_path}", row["Resolution"])
        counts = {k: count_cell(row[c], path, f"line {line} {c}") for k, c in COUNT_COLUMNS.items()}
        total = count_cell(row["TOTAL VOTES"], path, f"line {line} TOTAL VOTES")
        if sum(counts.values()) != total:
            raise DataError(path, f"line {line} {symbol}",
                            f"counts adding up to TOTAL VOTES {total}", counts)
        resolutions.append({
            "line": line, "symbol": symbol, "key": key, "session": key.split("/")[0],
            "date": date_cell(row["Date"], path, f"line {line} Date"),
            "title": catalogue_title(row["Title"]), "link": row["Link"],
            **{f"official_{k}": n for k, n in counts.items()},
        })
    resolutions = pd.DataFrame(resolutions)
    doubled = sorted(resolutions.loc[resolutions["key"].duplicated(), "symbol"])
    if doubled:
        raise DataError(path, "Resolution", "one row per text", doubled)

    cells = raw[states].rename_axis("line").reset_index().melt(
        id_vars="line", var_name="column", value_name="code")
    cells["code"] = cells["code"].str.strip()
    bad = cells[~cells["code"].isin([*VOTE_CODES, ""])]
    if not bad.empty:
        first = bad.iloc[0]
        raise DataError(path, f"line {first.line} column {first.column!r}",
                        "Y, N, A, X or blank", first.code)
    cells = cells[cells["code"] != ""].reset_index(drop=True)
    by_line = resolutions.set_index("line")
    dates = cells["line"].map(by_line["date"])
    names = _state_names(cells, dates,
                         pd.read_csv(columns_path, dtype=str, keep_default_na=False),
                         mapper, path, columns_path)
    cells = cells.assign(
        symbol=cells["line"].map(by_line["symbol"]),
        iso3=mapper.names_to_iso3_by_cow(names, dates, path),
        vote=cells["code"].map(VOTE_CODES),
    )
    twice = cells[cells.duplicated(["line", "iso3"], keep=False)]
    if not twice.empty:
        first = twice.iloc[0]
        columns = sorted(twice.loc[(twice["line"] == first.line)
                                   & (twice["iso3"] == first.iso3), "column"])
        raise DataError(path, f"line {first.line} columns {columns}",
                        f"one column with a vote per state ({first.iso3})", "two")
    listed = cells.sort_values(["line", "iso3"])[["symbol", "iso3", "vote"]]
    return DLVotes(resolutions, listed.reset_index(drop=True), skipped)
