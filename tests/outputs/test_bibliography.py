"""The bibliography parses, every entry can be cited in full, and no key is used twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

BIB = Path(__file__).resolve().parents[2] / "paper" / "references.bib"
CONTAINERS = ("journal", "publisher", "institution", "howpublished", "url")
CITED_KEYS = {
    "voeten2009unvotes",
    "bailey2017estimating",
    "sipri_arms",
    "leeds2002atop",
    "miller2022peacesciencer",
    "freedomhouse2022",
    "marshall2020polity5",
    "mayer2011geodist",
    "farzanegan2023",
    "arelbundock2018countrycode",
    "singer1972cow",
    "stinnett2002contiguity",
    "worldbank_wdi",
    "imf_dots",
    "naturalearth",
    "unxml_ga",
    "unxml_sc",
    "firth1993",
    "heinze2002",
    "seabold2010statsmodels",
    "molder2021snakemake",
    "voeten2000clashes",
    "seabra2022sponsorship",
    "amighini2023bruegel",
    "abadie2010synthetic",
}
# Fields that no source found for the entry gives: left out rather than guessed. An article
# missing any other field still fails.
UNVERIFIED_FIELDS = {
    "seabra2022sponsorship": {"volume", "pages"},
}
ENTRY_START = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,")
FIELD_START = re.compile(r"\s*(\w+)\s*=\s*")


def _balanced(text: str, start: int) -> int:
    """Index just past the brace that closes the one opening at `start`."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    raise ValueError(f"unbalanced braces from offset {start}")


def _fields(body: str) -> dict[str, str]:
    fields = {}
    position = 0
    while match := FIELD_START.match(body, position):
        start = match.end()
        if body[start] == "{":
            end = _balanced(body, start)
            value = body[start + 1 : end - 1]
        else:
            end = re.match(r'"[^"]*"|[^,\s]+', body[start:]).end() + start
            value = body[start:end].strip('"')
        fields[match.group(1).lower()] = " ".join(value.split())
        position = end
        comma = re.match(r"\s*,?", body[position:])
        position += comma.end()
    assert not body[position:].strip(), f"unparsed text: {body[position:][:60]!r}"
    return fields


def parse_bib(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """Entries as (type, key, fields): a small parser that needs no BibTeX library."""
    entries = []
    for match in ENTRY_START.finditer(text):
        end = _balanced(text, text.index("{", match.start()))
        fields = _fields(text[match.end() : end - 1])
        entries.append((match.group(1).lower(), match.group(2), fields))
    return entries


ENTRIES = parse_bib(BIB.read_text(encoding="utf-8"))


def test_parser_reads_nested_braces_and_bare_values():
    ((entry_type, key, fields),) = parse_bib(
        '@article{k1, title = {A {B} c}, year = 2001, note = "x"}'
    )
    assert (entry_type, key) == ("article", "k1")
    assert fields == {"title": "A {B} c", "year": "2001", "note": "x"}


def test_keys_are_unique_and_cover_every_cited_source():
    keys = [key for _, key, _ in ENTRIES]
    assert len(keys) == len(set(keys))
    assert CITED_KEYS <= set(keys)


@pytest.mark.parametrize(("entry_type", "key", "fields"), ENTRIES, ids=[k for _, k, _ in ENTRIES])
def test_entry_is_complete(entry_type, key, fields):
    assert {"author", "title", "year"} <= set(fields)
    assert re.fullmatch(r"(19|20)\d\d", fields["year"])
    assert any(field in fields for field in CONTAINERS)
    if entry_type == "article":
        required = {"journal", "volume", "pages"} - UNVERIFIED_FIELDS.get(key, set())
        assert required <= set(fields)
    if "pages" in fields:
        assert re.fullmatch(r"\d+(--\d+)?", fields["pages"])
    if "doi" in fields:
        assert re.fullmatch(r"10\.\d{4,9}/\S+", fields["doi"])


MONTH = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October"
                   r"|November|December)\b")


def unbraced_months(title: str) -> list[str]:
    """Month names outside braces, which BibTeX styles set in lower case."""
    depth, outside = 0, []
    for char in title:
        depth += {"{": 1, "}": -1}.get(char, 0)
        outside.append(char if depth == 0 and char not in "{}" else " ")
    return MONTH.findall("".join(outside))


def test_month_check_finds_an_unbraced_month():
    assert unbraced_months("Meeting, 25 February 2022") == ["February"]
    assert unbraced_months("Meeting, 25 {February} 2022") == []


@pytest.mark.parametrize(("entry_type", "key", "fields"), ENTRIES, ids=[k for _, k, _ in ENTRIES])
def test_month_names_in_titles_keep_their_capital(entry_type, key, fields):
    assert unbraced_months(fields["title"]) == []
