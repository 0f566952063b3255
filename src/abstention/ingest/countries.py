"""One mapping from every source's country names and COW codes to ISO3.

Names are matched with the English regular expressions of the countrycode
crosswalk (Arel-Bundock et al. 2018), which already cover UN, SIPRI, IMF and
World Bank spellings. Spellings the crosswalk misses, and historic states
without an ISO3 code, come from an explicit alias table shipped with the
package (`resources/country_aliases.csv`). A name that matches nothing, or
more than one country, stops the run with every offending name listed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.readers.rdata import read_rdata_table

GROUP_SUFFIX = re.compile(
    r"\s*\((?:on behalf of|in its capacity as)\b.*\)\s*$", flags=re.IGNORECASE | re.DOTALL
)


def strip_group_suffix(name: str) -> str:
    """'Nigeria (on behalf of the Group of African States)' speaks for Nigeria as sponsor."""
    return GROUP_SUFFIX.sub("", name).strip()


def _normalise(name: str) -> str:
    """Fold case, accents and apostrophes: 'TÜRKİYE' and 'Türkiye' are one spelling."""
    decomposed = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split()).casefold()


def _resource_table(filename: str) -> pd.DataFrame:
    with resources.files("abstention.resources").joinpath(filename).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class CountryMapper:
    patterns: tuple[tuple[re.Pattern[str], str], ...]
    aliases: dict[str, str]
    cow_codes: dict[int, str]
    cow_historic: pd.DataFrame
    english_names: dict[str, str]
    iso3_cow: dict[str, int]
    # Answers by name: sponsor lists repeat the same few hundred names tens of thousands of times,
    # and each new name is tried against every pattern.
    _looked_up: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False,
                                                   compare=False)

    def lookup(self, name: str) -> list[str]:
        """All ISO3 codes a single name could mean (one, if the name is unambiguous)."""
        if name not in self._looked_up:
            key = _normalise(strip_group_suffix(name))
            if key in self.aliases:
                found = (self.aliases[key],)
            else:
                found = tuple(sorted({iso3 for pattern, iso3 in self.patterns
                                      if pattern.search(key)}))
            self._looked_up[name] = found
        return list(self._looked_up[name])

    def to_iso3(self, names: Iterable[str], source: str | Path) -> dict[str, str]:
        """Map every distinct name, or stop listing all unmapped and ambiguous ones."""
        mapping: dict[str, str] = {}
        problems: list[str] = []
        # Distinct values first: names repeat, and a column's own unique() is far faster.
        distinct = names.unique() if isinstance(names, pd.Series) else set(names)
        for name in sorted({str(n) for n in distinct}):
            candidates = self.lookup(name)
            if len(candidates) == 1:
                mapping[name] = candidates[0]
            else:
                problems.append(f"{name!r} -> {candidates or 'no match'}")
        if problems:
            raise DataError(
                source,
                "country names",
                "every name to map to exactly one ISO3 code "
                "(add a row to src/abstention/resources/country_aliases.csv if the name is right)",
                "; ".join(problems),
            )
        return mapping

    def cow_to_iso3(self, codes: pd.Series, dates: pd.Series, source: str | Path) -> pd.Series:
        """COW state codes to ISO3 at a date: COW reuses codes across successor states."""
        codes = codes.astype("int64")
        dates = pd.to_datetime(dates)
        result = codes.map(self.cow_codes)
        for row in self.cow_historic.itertuples(index=False):
            in_window = (codes == int(row.cown)) & dates.between(row.valid_from, row.valid_to)
            result = result.mask(in_window, row.iso3)
        unmapped = sorted(codes[result.isna()].unique().tolist())
        if unmapped:
            raise DataError(
                source,
                "COW codes",
                "every COW code to map to an ISO3 code at its date "
                "(add a row to src/abstention/resources/cow_historic.csv)",
                unmapped,
            )
        return result.astype(str)

    def names_to_iso3_by_cow(
        self, names: pd.Series, dates: pd.Series, source: str | Path
    ) -> pd.Series:
        """For sources that name states as COW does: one name can span successor states
        (the unvotes tables call Serbia 'Yugoslavia' to 2019), so go through the COW code."""
        iso3 = names.map(self.to_iso3(names, source))
        codes = iso3.map(self.iso3_cow)
        coded = codes.notna()
        iso3[coded] = self.cow_to_iso3(codes[coded], dates[coded], source)
        return iso3

    def name(self, iso3: str) -> str:
        return self.english_names.get(iso3, iso3)


@cache
def country_mapper(codelist_path: str | Path) -> CountryMapper:
    """Build the mapper from the vendored countrycode crosswalk and the package's alias tables."""
    codelist = read_rdata_table(codelist_path, "codelist")
    aliases_table = _resource_table("country_aliases.csv")
    aliases = {
        _normalise(n): iso3 for n, iso3 in zip(aliases_table.name, aliases_table.iso3, strict=True)
    }
    english_to_alias = dict(zip(aliases_table.name, aliases_table.iso3, strict=True))
    patterns = []
    english_names = {}
    for regex, iso3, english in zip(
        codelist["country.name.en.regex"],
        codelist["iso3c"],
        codelist["country.name.en"],
        strict=True,
    ):
        code = iso3 if isinstance(iso3, str) else english_to_alias.get(english)
        if not isinstance(regex, str) or code is None:
            continue
        patterns.append((re.compile(regex, flags=re.IGNORECASE), code))
        english_names.setdefault(code, english)
    for english, iso3 in english_to_alias.items():
        english_names.setdefault(iso3, english)
    iso3_cow = {}
    for code, iso3, english in zip(
        codelist["cown"], codelist["iso3c"], codelist["country.name.en"], strict=True
    ):
        key = iso3 if isinstance(iso3, str) else english_to_alias.get(english)
        if key is not None and pd.notna(code):
            iso3_cow.setdefault(key, int(code))
    with_iso = codelist.dropna(subset=["cown", "iso3c"])
    cow_codes = {int(c): iso3 for c, iso3 in zip(with_iso["cown"], with_iso["iso3c"], strict=True)}
    historic = _resource_table("cow_historic.csv")
    for code in historic.cown.astype(int):
        cow_codes.pop(code, None)
    return CountryMapper(tuple(patterns), aliases, cow_codes, historic, english_names, iso3_cow)
