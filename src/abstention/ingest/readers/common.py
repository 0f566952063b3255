"""Checks every reader needs, written once so each source stops on bad input the same way."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper


def require_columns(frame: pd.DataFrame, columns: Iterable[str], path: str | Path) -> None:
    """Stop before a renamed or dropped column turns into a silent NaN further down."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(path, "columns", f"columns {list(columns)}", f"missing {missing}")


# Sources the hand files may not cite (data/hand/README.md): encyclopedias anyone can edit and
# their mirrors (any host naming a wiki), and state media.
REFUSED_DOMAINS = (
    "tass.com", "tass.ru", "ria.ru", "sputniknews.com", "sputnik.by", "rt.com", "presstv.ir",
    "xinhuanet.com", "news.cn", "trtworld.com", "globaltimes.cn",
)  # fmt: skip


def refused_sources(urls: pd.Series) -> pd.Series:
    """Whether each URL's host is a wiki or a state-media outlet the sourcing rule refuses."""
    hosts = urls.map(lambda url: (urlsplit(url).hostname or "").lower().rstrip("."))
    state_media = hosts.map(
        lambda host: any(host == d or host.endswith("." + d) for d in REFUSED_DOMAINS))
    return hosts.str.contains("wiki") | state_media


def require_sources(table: pd.DataFrame, path: str | Path, columns=("source_url",)) -> None:
    """Every row of a hand file names its source (each of `columns` filled), and no source is
    one the sourcing rule refuses."""
    blank = table.loc[(table[list(columns)] == "").any(axis=1), "iso3"]
    if not blank.empty:
        raise DataError(path, ", ".join(columns), "a source on every row",
                        [f"row {i + 2}: {iso3}" for i, iso3 in blank.items()])
    refused = table.loc[refused_sources(table["source_url"]), ["iso3", "source_url"]]
    if not refused.empty:
        raise DataError(path, "source_url", "no wiki or state-media source",
                        refused.to_dict("records"))


def to_number(values: pd.Series, path: str | Path, column: str) -> pd.Series:
    """Numbers from text; a non-empty cell that is not a number stops with its row."""
    text = values.astype("string").str.strip()
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = text[numbers.isna() & text.notna() & (text != "")]
    if not bad.empty:
        raise DataError(path, column, "numbers", dict(list(bad.items())[:10]))
    return numbers.astype("float64")


def names_to_iso3(names: pd.Series, mapper: CountryMapper, path: str | Path) -> pd.Series:
    """Map a column of country names, stopping with every name that fails at once."""
    mapping = mapper.to_iso3(names.dropna().unique(), path)
    return names.map(mapping)


def cow_years_to_iso3(
    codes: pd.Series, years: pd.Series, mapper: CountryMapper, path: str | Path
) -> pd.Series:
    """COW codes at mid-year, so a code reused by a successor state maps by date."""
    dates = pd.to_datetime(years.astype("int64").astype(str) + "-07-01")
    return mapper.cow_to_iso3(codes, dates, path)


COUNT = re.compile(r"\d+")
CATALOGUE_SUFFIX = re.compile(
    r"\s*:\s*(?:resolution|decision)\s*/\s*adopted by the General Assembly\s*$")


def count_cell(text: str, path: str | Path, where: str) -> int:
    """A vote count as the Digital Library scrapes write it: digits only."""
    if not COUNT.fullmatch(text.strip()):
        raise DataError(path, where, "a non-negative integer count", text)
    return int(text)


def date_cell(text: str, path: str | Path, where: str) -> pd.Timestamp:
    """A date as the Digital Library scrapes write it (2025-02-24); nothing else is guessed."""
    try:
        return pd.Timestamp(datetime.strptime(text.strip(), "%Y-%m-%d"))
    except ValueError as exc:
        raise DataError(path, where, "a date like 2025-02-24", text) from exc


def catalogue_title(text: str) -> str:
    """A Digital Library title without its catalogue tail (': resolution / adopted by ...')."""
    return CATALOGUE_SUFFIX.sub("", text).strip()


def read_csv_text(path: str | Path, **kwargs) -> pd.DataFrame:
    """A CSV file decoded as UTF-8 before parsing. A leading byte-order mark is accepted
    (spreadsheet programs write one) and CRLF line ends are read like LF; any other byte that
    is not UTF-8 stops the run naming its line, as does an empty file."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(path, f"line {line}", "UTF-8 text",
                        raw[exc.start : exc.start + 20]) from exc
    if not text.strip():
        raise DataError(path, "header", "a header line and rows", "an empty file")
    return pd.read_csv(io.StringIO(text), **kwargs)


def read_sheet(path: str | Path, sheet: str, **kwargs) -> pd.DataFrame:
    """One sheet of a workbook; a missing sheet stops with the file and the sheets it has."""
    # calamine (Rust) reads the same frames as openpyxl, eight times faster.
    from python_calamine import CalamineError

    try:
        book = pd.ExcelFile(path, engine="calamine")
    except (CalamineError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DataError(path, f"sheet {sheet!r}", "an Excel workbook (.xlsx)",
                        f"{type(exc).__name__}: {exc}") from exc
    with book:
        if sheet not in book.sheet_names:
            raise DataError(path, f"sheet {sheet!r}", f"a sheet named {sheet!r}", book.sheet_names)
        return pd.read_excel(book, sheet_name=sheet, **kwargs)


def drop_listed(frame: pd.DataFrame, column: str, listed: Iterable[str]) -> pd.DataFrame:
    """Rows a reader documents as outside its scope (aggregates, non-state actors)."""
    return frame.loc[~frame[column].isin(set(listed))].reset_index(drop=True)
