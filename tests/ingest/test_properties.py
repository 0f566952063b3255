"""Properties of the country-name mapping and of the vote-list parsing, checked by hypothesis on
generated names and lists: what the code promises for every input, not only for those seen."""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper, _normalise
from abstention.ingest.readers import un_json
from abstention.ingest.readers.rdata import read_rdata_table
from abstention.ingest.readers.un2025 import FIXED_COLUMNS, VOTE_CODES, read_votes_2025
from abstention.ingest.votes import dedupe_listings
from abstention.vote_codes import CAST

# The same examples in the same order on every run, and no example database on disk, so a CI
# run is reproducible; each property stays under a few seconds.
PROPERTY = settings(max_examples=50, deadline=None, derandomize=True, database=None)

SOURCE = "extract.json"
WHITESPACE = st.text(alphabet=" \t\n\u00a0", min_size=1, max_size=3)
# Printable text: a CSV cell or a JSON string can hold it, whatever it says.
PRINTABLE = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20)
UN2025_CODES = {vote: code for code, vote in VOTE_CODES.items()}  # blank for a missing vote


@pytest.fixture(scope="module")
def aliases(repo_root) -> pd.DataFrame:
    table = repo_root / "src" / "abstention" / "resources" / "country_aliases.csv"
    return pd.read_csv(table, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def known_names(mapper: CountryMapper, aliases: pd.DataFrame) -> list[tuple[str, str]]:
    """(ISO3, name): every crosswalk English name and every alias the mapper is built from."""
    alias_pairs = zip(aliases["iso3"], aliases["name"], strict=True)
    return sorted({*mapper.english_names.items(), *alias_pairs})


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("properties")


@st.composite
def respelled(draw, name: str) -> str:
    """The same name in any mix of case, with any whitespace around and between its words."""
    upper = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    cased = "".join(c.upper() if up else c.lower() for c, up in zip(name, upper, strict=True))
    gaps = st.lists(WHITESPACE, min_size=len(cased.split()) - 1, max_size=len(cased.split()) - 1)
    words = iter(draw(gaps))
    spaced = re.sub(r"\s+", lambda _: next(words), cased.strip())
    return draw(st.text(" \t", max_size=2)) + spaced + draw(st.text(" \t\n", max_size=2))


# --- country names ----------------------------------------------------------------------------


@PROPERTY
@given(data=st.data())
def test_known_name_maps_to_its_code_in_any_case_and_spacing(mapper, known_names, data):
    iso3, name = data.draw(st.sampled_from(known_names))
    spelling = data.draw(respelled(name))
    assert mapper.lookup(spelling) == [iso3]
    assert mapper.to_iso3([spelling, name], SOURCE) == {spelling: iso3, name: iso3}


@PROPERTY
@given(data=st.data(), role=st.sampled_from(["on behalf of", "in its capacity as"]),
       group=PRINTABLE)
def test_speaking_for_a_group_does_not_change_the_state(mapper, known_names, data, role, group):
    iso3, name = data.draw(st.sampled_from(known_names))
    assert mapper.lookup(f"{name} ({role} {group})") == [iso3]


@PROPERTY
@given(text=st.text(max_size=30))
def test_folding_a_folded_spelling_changes_nothing(text):
    folded = _normalise(text)
    assert _normalise(folded) == folded


def test_every_alias_maps_to_a_valid_iso3_code(mapper, aliases, raw_dir):
    """A code of the crosswalk, or the code the alias table gives a crosswalk state without one."""
    codelist = read_rdata_table(raw_dir / "countrycode" / "codelist.rda", "codelist")
    iso_codes = set(codelist["iso3c"].dropna())
    without_code = set(codelist.loc[codelist["iso3c"].isna(), "country.name.en"])
    for name, iso3 in zip(aliases["name"], aliases["iso3"], strict=True):
        assert re.fullmatch(r"[A-Z]{3}", iso3), name
        assert iso3 in iso_codes or name in without_code, (name, iso3)
        assert mapper.lookup(name) == [iso3], name


@PROPERTY
@given(text=st.text(max_size=30))
def test_any_text_maps_to_one_code_or_stops_naming_it(mapper, text):
    candidates = mapper.lookup(text)
    if len(candidates) == 1:
        assert mapper.to_iso3([text], SOURCE) == {text: candidates[0]}
        return
    with pytest.raises(DataError) as caught:
        mapper.to_iso3([text], SOURCE)
    assert caught.value.path == SOURCE
    assert repr(text) in caught.value.found


@PROPERTY
@given(data=st.data(), unknown=st.lists(st.text("0123456789#&*-/ ", min_size=1, max_size=12),
                                        min_size=1, max_size=4, unique=True))
def test_strings_without_letters_stop_with_every_one_named(mapper, known_names, data, unknown):
    known = [name for _, name in data.draw(st.lists(st.sampled_from(known_names), max_size=5))]
    with pytest.raises(DataError) as caught:
        mapper.to_iso3([*known, *unknown], SOURCE)
    problems = caught.value.found.split("; ")
    assert sorted(problems) == sorted(f"{name!r} -> no match" for name in unknown)


# --- vote lists -------------------------------------------------------------------------------


def json_extract_line(lists: dict[str, list[str]], symbol: str = "A/RES/ES-11/9") -> str:
    """One resolution as the UN extract writes it: a list of state names for each vote."""
    record = {"symbol": symbol, "adoption_date": "2 March 2022",
              "adoption_type": "By a recorded vote", "title": "Test",
              "sponsors": [], "additional_sponsors": []}
    for key, vote in un_json.VOTE_LISTS.items():
        record[key] = lists[vote]
        record[un_json.COUNT_FIELDS[vote]] = str(len(lists[vote]))
    return json.dumps(record, ensure_ascii=False) + "\n"


def read_json_extract(lists: dict[str, list[str]], folder) -> un_json.ResolutionRecords:
    path = folder / "ES-11.json"
    path.write_text(json_extract_line(lists), encoding="utf-8")
    return un_json.read_resolution_file(path, "GA")


VOTE_LISTS = st.fixed_dictionaries({vote: st.lists(st.text(max_size=15), max_size=6)
                                    for vote in CAST})


@PROPERTY
@given(lists=VOTE_LISTS)
def test_json_vote_lists_read_back_as_name_vote_pairs(scratch, lists):
    records = read_json_extract(lists, scratch)
    pairs = sorted((name, vote) for vote, names in lists.items() for name in names)
    listed = records.listed_votes
    assert sorted(zip(listed["name"], listed["vote"], strict=True)) == pairs
    assert (listed["res_id"] == "A/RES/ES-11/9").all()
    counts = records.resolutions.iloc[0]
    assert {vote: counts[f"official_{vote}"] for vote in CAST} == {
        vote: len(names) for vote, names in lists.items()}


@st.composite
def state_votes(draw, known_names) -> tuple[dict[str, str], dict[str, list[str]]]:
    """States with one vote each, and the extract's lists naming them as the UN spells them,
    some states named twice in their list."""
    chosen = draw(st.lists(st.sampled_from(known_names), max_size=8, unique_by=lambda p: p[0]))
    votes = {iso3: draw(st.sampled_from(CAST)) for iso3, _ in chosen}
    lists = {vote: [] for vote in CAST}
    for iso3, name in chosen:
        for _ in range(draw(st.integers(1, 2))):
            lists[votes[iso3]].append(draw(respelled(name)))
    for names in lists.values():
        names[:] = draw(st.permutations(names))
    return votes, lists


def split_into_state_votes(mapper: CountryMapper, records: un_json.ResolutionRecords):
    listed = records.listed_votes.assign(
        iso3=lambda f: f["name"].map(mapper.to_iso3(f["name"], SOURCE)))
    return dedupe_listings(listed[["res_id", "iso3", "vote"]], SOURCE)


@PROPERTY
@given(data=st.data())
def test_json_vote_lists_split_into_one_vote_per_state(mapper, known_names, scratch, data):
    votes, lists = data.draw(state_votes(known_names))
    kept, report = split_into_state_votes(mapper, read_json_extract(lists, scratch))
    assert dict(zip(kept["iso3"], kept["vote"], strict=True)) == votes
    assert len(kept) == len(votes)
    named = pd.Series([mapper.lookup(n)[0] for names in lists.values() for n in names])
    twice = named.value_counts()[lambda times: times > 1]
    assert dict(zip(report["iso3"], report["times"], strict=True)) == twice.to_dict()


@PROPERTY
@given(data=st.data(), votes=st.lists(st.sampled_from(CAST), min_size=2, max_size=2,
                                      unique=True))
def test_state_in_two_vote_lists_stops_naming_it(mapper, known_names, scratch, data, votes):
    iso3, name = data.draw(st.sampled_from(known_names))
    lists = {vote: [] for vote in CAST}
    for vote in votes:
        lists[vote].append(data.draw(respelled(name)))
    with pytest.raises(DataError) as caught:
        split_into_state_votes(mapper, read_json_extract(lists, scratch))
    assert caught.value.key == f"A/RES/ES-11/9 {iso3}"


def un2025_extract(cells: dict[str, str]) -> str:
    """One General Assembly row of the 2025 column extract, totals matching its cells."""
    votes = [VOTE_CODES[cell.strip()] for cell in cells.values()
             if cell.strip() in VOTE_CODES]
    counts = {"YES COUNT": votes.count("yes"), "NO COUNT": votes.count("no"),
              "ABSTAIN COUNT": votes.count("abstain"), "NO-VOTE COUNT": votes.count(None)}
    row = {"Link": "https://x", "Title": "Test", "Council": "General Assembly",
           "Resolution": "A/RES/79/1", "Date": "2025-01-02", **counts,
           "TOTAL VOTES": sum(counts.values()), **cells}
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=[*FIXED_COLUMNS, *cells], lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return text.getvalue()


MEMBERS = st.lists(st.from_regex(r"[A-Z]{3}", fullmatch=True), min_size=1, max_size=10,
                   unique=True)


@PROPERTY
@given(members=MEMBERS, data=st.data())
def test_2025_columns_read_back_as_state_votes(scratch, members, data):
    votes = {iso3: data.draw(st.sampled_from([*CAST, None])) for iso3 in members}
    padding = st.text(" ", max_size=2)
    cells = {iso3: data.draw(padding) + UN2025_CODES[vote] + data.draw(padding)
             for iso3, vote in votes.items()}
    path = scratch / "un_votes_2025_processed.csv"
    path.write_text(un2025_extract(cells), encoding="utf-8")
    listed = read_votes_2025(path).listed_votes
    read = {iso3: (None if pd.isna(vote) else vote)
            for iso3, vote in zip(listed["iso3"], listed["vote"], strict=True)}
    assert read == votes
    assert (listed["symbol"] == "A/RES/79/1").all()


@PROPERTY
@given(members=MEMBERS, code=PRINTABLE.filter(lambda cell: cell.strip() not in VOTE_CODES),
       data=st.data())
def test_2025_code_outside_the_documented_set_stops(scratch, members, code, data):
    odd = data.draw(st.sampled_from(members))
    cells = {iso3: code if iso3 == odd else "YES" for iso3 in members}
    path = scratch / "un_votes_2025_processed.csv"
    path.write_text(un2025_extract(cells), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_votes_2025(path)
    assert caught.value.path == str(path)
    assert caught.value.key == f"line 2 A/RES/79/1 {odd}"


@PROPERTY
@given(count=st.integers(min_value=0, max_value=10**6), pad=st.text(" \t", max_size=2))
def test_canonical_counts_parse_and_padded_ones_are_kept_as_text(count, pad):
    assert un_json.parse_count(f"{pad}{count}{pad}") == (count, None)
    assert un_json.parse_count(f"0{count}") == (None, f"0{count}")
