"""SIPRI Arms Transfers Database trade register: TIV delivered per supplier, recipient and year.

The vendored register is the per-delivery export: one row per order and delivery
year ("Delivery year" is a single year, and "SIPRI AT Database ID" repeats once
per year an order delivered). "TIV delivery values" is the TIV of the weapons
delivered in that row's year (numbers delivered x "TIV deal unit"), so no order
total has to be spread over years: TIV is summed per supplier, recipient and
delivery year as published. A "0" means deliveries worth less than 0.5 million
TIV (kept as 0), and an empty field means no deliveries identified (counted as
0), both per the notes at the top of the file.

SIPRI marks non-state armed groups with a trailing "*" and international
organisations with "**"; those rows, "unknown supplier(s)" / "unknown
recipient(s)", and Northern Cyprus (not a state; the name pattern would map it
to Cyprus) are dropped, so shares computed from this table are shares of
deliveries between identified states and territories.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import names_to_iso3, to_number
from abstention.schemas import require_unique

NOTE_LINES = 11

HEADER = [
    "SIPRI AT Database ID",
    "Supplier",
    "Recipient",
    "Designation",
    "Description",
    "Armament category",
    "Order date",
    "Order date is estimate",
    "Numbers delivered",
    "Numbers delivered is estimate",
    "Delivery year",
    "Delivery year is estimate",
    "Status",
    "SIPRI estimate",
    "TIV deal unit",
    "TIV delivery values",
    "Local production",
]

UNRECOGNISED = frozenset({"Northern Cyprus"})


def is_non_state(name: str) -> bool:
    """SIPRI's own markers for non-state actors and organisations, plus unknown parties."""
    return name.endswith("*") or name.startswith("unknown ") or name in UNRECOGNISED


def _rows(path: Path) -> list[list[str]]:
    """Lines without the ';' every SIPRI line ends with, split as CSV."""
    with open(path, newline="", encoding="utf-8") as fh:
        lines = [line.rstrip("\r\n") for line in fh]
    lines = [line[:-1] if line.endswith(";") else line for line in lines]
    return list(csv.reader(lines))


def _check_header(found: list[str], path: Path) -> None:
    if found == HEADER:
        return
    width = max(len(found), len(HEADER))
    padded = [*found, *[None] * (width - len(found))]
    expected = [*HEADER, *[None] * (width - len(HEADER))]
    diffs = [
        f"column {i + 1}: expected {e!r}, found {f!r}"
        for i, (e, f) in enumerate(zip(expected, padded, strict=True))
        if e != f
    ]
    raise DataError(
        path, f"header (line {NOTE_LINES + 1})", "the SIPRI trade-register header", diffs
    )


def read_sipri_register(path: str | Path) -> pd.DataFrame:
    """The register's order-delivery rows with typed TIV and year, names as published."""
    path = Path(path)
    rows = _rows(path)
    if len(rows) <= NOTE_LINES:
        raise DataError(path, "header", f"{NOTE_LINES} note lines, then a header", len(rows))
    _check_header(rows[NOTE_LINES], path)
    body = rows[NOTE_LINES + 1 :]
    ragged = [NOTE_LINES + 2 + i for i, row in enumerate(body) if len(row) != len(HEADER)]
    if ragged:
        raise DataError(path, f"lines {ragged[:10]}", f"{len(HEADER)} fields per line", "other")
    register = pd.DataFrame(body, columns=HEADER, dtype="str")
    register["year"] = to_number(register["Delivery year"], path, "Delivery year")
    register["tiv"] = to_number(register["TIV delivery values"], path, "TIV delivery values")
    unknown_year = register["year"].isna()
    if unknown_year.any():
        lines = (register.index[unknown_year] + NOTE_LINES + 2).tolist()[:10]
        raise DataError(path, f"lines {lines}", "a delivery year on every row", "empty")
    register["year"] = register["year"].astype("int64")
    register["tiv"] = register["tiv"].fillna(0.0)
    require_unique(register, ["SIPRI AT Database ID", "year"], path)
    return register


def read_sipri(path: str | Path, mapper: CountryMapper) -> pd.DataFrame:
    """TIV delivered (millions) per supplier_iso3, recipient_iso3 and delivery year."""
    register = read_sipri_register(path)
    state_rows = ~(register["Supplier"].map(is_non_state) | register["Recipient"].map(is_non_state))
    register = register.loc[state_rows].copy()
    names = pd.concat([register["Supplier"], register["Recipient"]])
    mapping = dict(zip(names, names_to_iso3(names, mapper, path), strict=True))
    register["supplier_iso3"] = register["Supplier"].map(mapping)
    register["recipient_iso3"] = register["Recipient"].map(mapping)
    tidy = (
        register.groupby(["supplier_iso3", "recipient_iso3", "year"], as_index=False)["tiv"]
        .sum()
        .sort_values(["supplier_iso3", "recipient_iso3", "year"], ignore_index=True)
    )
    return tidy
