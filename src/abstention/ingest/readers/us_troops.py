"""US military personnel abroad and US base sites, from the R package troopdata (Flynn).

Troops (`troopdata-rebuild-country-year.csv`): active-duty personnel (`troops_ad`) by host
and year, 1950-2024, from Defense Manpower Data Center reports (Allen, Flynn and Martinez
Machain 2022). A host is keyed by the file's `iso3c`, checked against the host's name; a
host without one (`NA`) by its COW code at mid-year, so Czechoslovakia, the GDR, the two
Yemens and Zanzibar get the package's historic codes and "Yugoslavia", which the file keeps
to 2024, is Serbia from June 2006. A host absent in a year has no row: nothing is filled in.

Rows that are not a state's are left out and returned with a reason, so the caller can
report them: the United States itself; the places troopdata gives its own codes of 1000 and
above, outside the COW state system (dependent territories, Hong Kong, Greenland, the Azores,
Antarctica, ...), and Puerto Rico (code 6); and two COW codes the crosswalk has no ISO3 code
for (Kosovo, 347; South Vietnam, 817, 1950-1953), as in `readers/cow.py`. Any other host
without an ISO3 code whose COW code the mapper cannot place stops the run. Two of troopdata's
own codes run on after independence and are left out with the rest: "Antigua" (1006) to 2008
(66-124 personnel a year in 1977-1991, 1-3 in 1996-2008; Antigua and Barbuda's own rows, ATG,
hold the count in 1975-1976, 1992-1995 and 2008-2015 and are zero or absent in the other
years), and "Fiji and Tonga" (1028) to 2006, 1-18 a year. The file's "Vietnam" under COW 816
(`VNM`) holds the deployment to South Vietnam of 1954-1975; it is read as published.

Some hosts are listed under two spellings in some years ("Bosnia & Herzegovina" and "Bosnia
and Herzegovina", "Czechia" and "Czech Republic", ...), one of the two rows zero in every
count. That row is left out (and returned); two rows for one host and year that are not
all zero stop the run.

Bases (`basedata.csv`, Latin-1): David Vine's list of US base sites, one snapshot without
dates (through 2018 per the package), each row flagged as a major base, a lily pad (a small
forward site) and/or a site funded by the US in a host state's base. A site counts for a state
only where the row names that state: the same places the troops table keeps apart are kept
apart here. Reported, not counted: rows under `USA` (the United States is not a host; American
Samoa, Guam, Puerto Rico, ...), Antarctica (McMurdo Station, under `NZL`: no state's territory
under the Antarctic Treaty), dependent territories and places listed under their sovereign's
code (Greenland, Hong Kong, Aruba, the Netherlands Antilles, Ascension Island, the British Indian
Ocean Territory) and Kosovo (`KSV`, not a code of the crosswalk). Every other row's name must
map to its `iso3c`; a mismatch stops the run unless listed in SITE_FIXES. A row repeated field
for field is one site.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.common import (
    cow_years_to_iso3,
    read_csv_text,
    require_columns,
    to_number,
)

FIRST_YEAR, LAST_YEAR = 1950, 2030
TROOP_COLUMNS = ["countryname", "year", "ccode", "iso3c", "troops_ad"]
# Columns that name a host-year; every other column of the troops file is a count.
TROOP_LABELS = ["countryname", "year", "ccode", "iso3c", "region"]
MISSING = {"", "NA"}

US_ITSELF = "the United States itself"
OWN_CODES_FROM = 1000  # troopdata's codes for places outside the COW state system
OWN_CODE = "not a state: troopdata's own code for a territory or place outside the COW system"
NOT_STATES = {6: "not a state: Puerto Rico, a US territory (troopdata's code 6)"}
NO_ISO3 = {
    347: "Kosovo: no ISO3 code for COW 347 in the crosswalk, not a UN member",
    817: "South Vietnam (COW 817) before 1954: no ISO3 code for it in the crosswalk",
}
SECOND_SPELLING = "a second spelling of a host listed in the same year, zero in every count"

BASE_COLUMNS = ["countryname", "iso3c", "basename", "base", "lilypad", "fundedsite"]
FLAGS = {"base": "major_bases", "lilypad": "lilypads", "fundedsite": "funded_sites"}
ON_US_SOIL = "on US soil (a US state or territory): the United States is not a host"
NOT_COUNTED = {
    "Antarctica": "Antarctica (McMurdo Station, listed under NZL): no state's territory",
    "Aruba": "Aruba, listed under NLD: kept apart from the Netherlands, as in the troops table",
    "Ascension Island": "a British overseas territory, listed under GBR",
    "BR Indian Ocean Territory": "a British overseas territory (Diego Garcia), listed under GBR",
    "Greenland": "Greenland, listed under DNK: kept apart from Denmark, as in the troops table",
    "Hong Kong": "Hong Kong, listed under CHN: kept apart from China, as in the troops table",
    "Kosovo": "Kosovo (KSV): not a code of the crosswalk, not a UN member",
    "Netherlands Antilles": "listed under NLD: kept apart from the Netherlands, as in the troops "
    "table",
}
# (countryname, basename) -> (iso3c as published, iso3c read, why)
SITE_FIXES = {
    ("Congo, Democratic Republic", "Dungu"): (
        "COG",
        "COD",
        "Dungu (3.6 N, 28.6 E) is in the Democratic Republic of the Congo, as the row's name "
        "says; the row carries the Republic of the Congo's code 484 and COG",
    ),
}
REPEATED = "repeats an earlier row field for field: one site"


def _whole_years(table: pd.DataFrame, path: Path) -> pd.Series:
    """Years as integers in FIRST_YEAR..LAST_YEAR; any other value stops with its host."""
    years = to_number(table["year"], path, "year")
    bad = table.loc[
        years.isna() | (years % 1 != 0) | ~years.between(FIRST_YEAR, LAST_YEAR),
        ["countryname", "year"],
    ]
    if not bad.empty:
        raise DataError(
            path,
            "year",
            f"a whole year in {FIRST_YEAR}-{LAST_YEAR} on every row",
            bad.to_dict("records")[:10],
        )
    return years.astype("int64")


def _cow_codes(table: pd.DataFrame, path: Path) -> pd.Series:
    codes = to_number(table["ccode"], path, "ccode")
    bad = table.loc[codes.isna() | (codes % 1 != 0), ["countryname", "year", "ccode"]]
    if not bad.empty:
        raise DataError(path, "ccode", "a whole COW code on every row", bad.to_dict("records")[:10])
    return codes.astype("int64")


def _counts(values: pd.Series, table: pd.DataFrame, path: Path, column: str) -> pd.Series:
    """A count column: NaN where missing ('NA' or blank), else a number >= 0."""
    counts = to_number(values.mask(values.isin(MISSING), ""), path, column)
    below = counts < 0
    if below.any():
        negative = table.loc[below, ["countryname", "year"]].assign(**{column: counts[below]})
        raise DataError(path, column, "a count >= 0", negative.to_dict("records")[:10])
    return counts


def _check_names(
    names: pd.Series, codes: pd.Series, mapper: CountryMapper, path: Path, hint: str
) -> None:
    """Each name must map to the ISO3 code its row gives: a mislabelled row stops."""
    pairs = pd.DataFrame({"name": names, "iso3": codes}).drop_duplicates()
    wrong = [
        f"{name!r} under {iso3!r} -> {mapper.lookup(name) or 'no match'}"
        for name, iso3 in pairs.itertuples(index=False)
        if mapper.lookup(name) != [iso3]
    ]
    if wrong:
        raise DataError(
            path, "countryname, iso3c", f"each name to map to its row's iso3c ({hint})", wrong
        )


def _iso3_without_code(
    hosts: pd.DataFrame, mapper: CountryMapper, path: Path
) -> tuple[pd.Series, pd.Series]:
    """ISO3 for hosts without an `iso3c`, by COW code at mid-year, and a reason where left out."""
    codes, years = hosts["ccode"], hosts["year"]
    reason = pd.Series(pd.NA, index=hosts.index, dtype="object")
    reason[codes >= OWN_CODES_FROM] = OWN_CODE
    listed = {**NOT_STATES, **NO_ISO3}
    reason = reason.fillna(codes.map(listed))
    iso3 = pd.Series(pd.NA, index=hosts.index, dtype="object")
    states = reason.isna()
    if states.any():
        iso3[states] = cow_years_to_iso3(codes[states], years[states], mapper, path)
    return iso3, reason


def _second_spellings(table: pd.DataFrame, kept: pd.Series, path: Path) -> pd.Series:
    """Rows left out as a second spelling: in a repeated (iso3, year) among the kept rows, the
    rows zero in every count, keeping one row where all are zero."""
    candidates = table.loc[kept & table["iso3"].notna(), ["iso3", "year"]]
    repeated = candidates.duplicated(keep=False).reindex(table.index, fill_value=False)
    counts = [c for c in table.columns if c not in {*TROOP_LABELS, "iso3", "troops", "reason"}]
    block = table.loc[repeated, counts].apply(
        lambda c: _counts(c, table.loc[repeated], path, c.name)
    )
    zero = (block == 0).all(axis=1)
    group = table.loc[repeated, ["iso3", "year"]].apply(tuple, axis=1)
    all_zero = zero.groupby(group).transform("all")
    first_of_group = ~group.duplicated()
    spare = zero & ~(all_zero & first_of_group)
    out = pd.Series(False, index=table.index)
    out[spare.index] = spare
    return out


def read_us_troops(path: str | Path, mapper: CountryMapper) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(troops, left_out): troops has iso3, year and troops (active duty, float; NaN where the
    file has no value), one row per host state and year; left_out has countryname, ccode,
    iso3c (missing where `NA`), year, troops and reason for every row not in troops."""
    path = Path(path)
    table = read_csv_text(path, dtype="str", keep_default_na=False)
    require_columns(table, TROOP_COLUMNS, path)
    table = table.apply(lambda column: column.str.strip())
    table["year"] = _whole_years(table, path)
    table["ccode"] = _cow_codes(table, path)
    table["troops"] = _counts(table["troops_ad"], table, path, "troops_ad")

    coded = ~table["iso3c"].isin(MISSING)
    unknown = sorted(set(table.loc[coded, "iso3c"]) - set(mapper.english_names))
    if unknown:
        raise DataError(path, "iso3c", "ISO3 codes the country mapper knows", unknown)
    _check_names(
        table.loc[coded, "countryname"],
        table.loc[coded, "iso3c"],
        mapper,
        path,
        "add a row to src/abstention/resources/country_aliases.csv if the name is right",
    )
    table["iso3"] = table["iso3c"].where(coded)
    table["reason"] = pd.Series(pd.NA, index=table.index, dtype="object")
    if (~coded).any():
        iso3, reason = _iso3_without_code(table.loc[~coded], mapper, path)
        table.loc[~coded, "iso3"] = iso3
        table.loc[~coded, "reason"] = reason
    table.loc[table["iso3"] == "USA", "reason"] = US_ITSELF

    spare = _second_spellings(table, table["reason"].isna(), path)
    table.loc[spare, "reason"] = SECOND_SPELLING
    kept = table.loc[table["reason"].isna()]
    repeated = kept.loc[kept.duplicated(["iso3", "year"], keep=False)]
    if not repeated.empty:
        raise DataError(
            path,
            "iso3, year",
            "one row per host and year (a second spelling only if zero in every count)",
            sorted(repeated[["iso3", "year", "countryname"]].itertuples(index=False, name=None))[
                :10
            ],
        )
    troops = kept[["iso3", "year", "troops"]].astype({"iso3": "str", "troops": "float64"})
    left_out = table.loc[
        table["reason"].notna(), ["countryname", "ccode", "iso3c", "year", "troops", "reason"]
    ].assign(iso3c=lambda t: t["iso3c"].where(~t["iso3c"].isin(MISSING)))
    return (
        troops.sort_values(["iso3", "year"], ignore_index=True),
        left_out.sort_values(["countryname", "year"], ignore_index=True),
    )


def _read_latin1(path: Path) -> pd.DataFrame:
    """The file as Latin-1 text. A file that decodes as UTF-8 with non-ASCII characters has
    been re-encoded, and would read as mojibake: it stops."""
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(path, "header", "a header line and rows", "an empty file")
    try:
        utf8 = raw.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if utf8 is not None and not utf8.isascii():
        raise DataError(path, "encoding", "Latin-1 text, as published", "UTF-8 text")
    return pd.read_csv(io.StringIO(raw.decode("latin-1")), dtype="str", keep_default_na=False)


def read_us_bases(path: str | Path, mapper: CountryMapper) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(bases, left_out): bases has iso3, sites, major_bases, lilypads and funded_sites, counts of
    the sites each host state has (a site can carry more than one flag, so the three flags need
    not add up to sites); left_out has countryname, iso3c, basename and reason for every row not
    counted. The rule for what counts is in the module docstring."""
    path = Path(path)
    table = _read_latin1(path)
    require_columns(table, BASE_COLUMNS, path)
    table = table.apply(lambda column: column.str.strip())
    for flag in FLAGS:
        bad = table.loc[~table[flag].isin(["0", "1"]), ["countryname", "basename", flag]]
        if not bad.empty:
            raise DataError(path, flag, "0 or 1", bad.to_dict("records")[:10])
        table[flag] = table[flag].astype("int64")
    for (name, site), (published, read, _) in SITE_FIXES.items():
        row = (table["countryname"] == name) & (table["basename"] == site)
        table.loc[row & (table["iso3c"] == published), "iso3c"] = read

    table["reason"] = table["countryname"].map(NOT_COUNTED)
    table.loc[table["iso3c"] == "USA", "reason"] = ON_US_SOIL
    table.loc[table.duplicated(keep="first") & table["reason"].isna(), "reason"] = REPEATED
    counted = table.loc[table["reason"].isna()]
    _check_names(
        counted["countryname"],
        counted["iso3c"],
        mapper,
        path,
        "a row outside the state it names goes in NOT_COUNTED, a wrong code in "
        "SITE_FIXES, in readers/us_troops.py",
    )
    repeated = counted.loc[counted.duplicated(["iso3c", "basename"], keep=False)]
    if not repeated.empty:
        raise DataError(
            path,
            "iso3c, basename",
            "one row per site (or an exact repeat)",
            sorted(repeated[["iso3c", "basename"]].itertuples(index=False, name=None))[:10],
        )
    bases = (
        counted.groupby("iso3c")
        .agg(sites=("basename", "size"), **{c: (flag, "sum") for flag, c in FLAGS.items()})
        .rename_axis("iso3")
        .reset_index()
        .astype({c: "int64" for c in ["sites", *FLAGS.values()]})
    )
    left_out = table.loc[table["reason"].notna(), ["countryname", "iso3c", "basename", "reason"]]
    return bases, left_out.sort_values(["countryname", "basename"], ignore_index=True)
