"""Readers, the country mapping and the sponsor parser on awkward and broken input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyreadr
import pytest

from abstention.errors import DataError
from abstention.ingest import votes as v
from abstention.ingest.checksums import verify_checksums
from abstention.ingest.countries import country_mapper
from abstention.ingest.readers import un_json, voeten
from abstention.ingest.sponsors import build_sponsorships, split_entry

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def countries_mapper():
    return country_mapper(ROOT / "data/raw/countrycode/codelist.rda")


@pytest.mark.parametrize("name, iso3", [
    ("TÜRKİYE", "TUR"), ("TÜRKÝYE", "TUR"), ("Türkiye", "TUR"), ("TURKEY", "TUR"),
    ("Bolivia (Plurinational State of)", "BOL"), ("CÔTE.", "CIV"), ("COTE D'IVOIRE", "CIV"),
    ("DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA", "PRK"), ("REPUBLIC OF KOREA", "KOR"),
    ("Democratic People’s Republic of Korea", "PRK"), ("NIGER", "NER"), ("NIGERIA", "NGA"),
    ("CONGO", "COG"), ("DEMOCRATIC REPUBLIC OF THE CONGO", "COD"), ("DOMINICA", "DMA"),
    ("Netherlands (Kingdom of the)", "NLD"), ("MICRONESIA (FEDERATES STATES OF)", "FSM"),
    ("NIGERIA (ON BEHALF OF THE GROUP OF AFRICAN STATES)", "NGA"), ("SUDAN", "SDN"),
    ("SOUTH SUDAN", "SSD"), ("Yugoslavia", "YUG"), ("Czechoslovakia", "CSK"),
    ("Yemen Arab Republic", "YAR"), ("German Democratic Republic", "DDR"),
])
def test_awkward_names_map(countries_mapper, name, iso3):
    assert countries_mapper.to_iso3([name], "test") == {name: iso3}


def test_unmapped_names_stop_with_every_name_listed(countries_mapper):
    with pytest.raises(DataError) as caught:
        countries_mapper.to_iso3(["FRANCE", "Atlantis", "Republic of Nowhere"], "votes.json")
    message = str(caught.value)
    assert "votes.json" in message and "Atlantis" in message and "Republic of Nowhere" in message


def test_cow_codes_follow_successor_states_by_date(countries_mapper):
    codes = pd.Series([345, 345, 365, 260, 2])
    dates = pd.Series(pd.to_datetime(["1999-01-01", "2014-01-01", "1985-01-01", "1980-01-01",
                                      "2000-01-01"]))
    assert countries_mapper.cow_to_iso3(codes, dates, "t").tolist() == [
        "YUG", "SRB", "RUS", "DEU", "USA"]
    by_name = countries_mapper.names_to_iso3_by_cow(
        pd.Series(["Yugoslavia", "Yugoslavia"]), pd.Series(pd.to_datetime(["1990", "2017"])), "t")
    assert by_name.tolist() == ["YUG", "SRB"]


def test_unknown_cow_code_stops(countries_mapper):
    with pytest.raises(DataError, match="99999"):
        countries_mapper.cow_to_iso3(pd.Series([99999]), pd.Series([pd.Timestamp("2000")]), "t")


@pytest.mark.parametrize("raw, expected", [
    ("141", (141, None)), ("0", (0, None)), ("N.A.", (None, "N.A.")), ("", (None, "")),
    ("015", (None, "015")), ("010", (None, "010")), (" 35 ", (35, None)),
])
def test_counts_are_parsed_strictly(raw, expected):
    assert un_json.parse_count(raw) == expected


def _record(**overrides) -> dict:
    record = {
        "symbol": "A/RES/ES-11/9", "adoption_date": "2\u00a0March 2022",
        "adoption_type": "By a recorded vote", "title": "Test",
        "MS_in_favour_count": "2", "MS_against_count": "0", "MS_abstaining_count": "1",
        "MS_in_favour": ["FRANCE", "CHILE"], "MS_against": [], "MS_abstaining": ["INDIA"],
        "sponsors": ["FRANCE"], "additional_sponsors": [],
    }
    record.update(overrides)
    return record


def test_json_reader_reads_a_good_line(tmp_path):
    path = tmp_path / "ES-11.json"
    path.write_text(json.dumps(_record()) + "\n")
    records = un_json.read_resolution_file(path, "GA")
    row = records.resolutions.iloc[0]
    assert row["date"] == pd.Timestamp("2022-03-02") and row["session"] == "ES-11"
    assert row["official_yes"] == 2
    assert sorted(records.listed_votes["name"]) == ["CHILE", "FRANCE", "INDIA"]


@pytest.mark.parametrize("line, key", [
    (json.dumps(_record())[:120], "line 2"),
    (json.dumps({k: x for k, x in _record().items() if k != "MS_against"}), "line 2"),
    (json.dumps(_record(MS_against="BELARUS")), "line 2 MS_against"),
    (json.dumps(_record(adoption_date="sometime in March")), "line 2 adoption_date"),
])
def test_json_reader_stops_naming_file_and_line(tmp_path, line, key):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(_record()) + "\n" + line + "\n")
    with pytest.raises(DataError) as caught:
        un_json.read_resolution_file(path, "GA")
    assert "broken.json" in str(caught.value) and f"[{key}]" in str(caught.value)


def test_rdata_that_is_not_one_stops(tmp_path):
    path = tmp_path / "un_votes.rda"
    path.write_text("this is not an R data file")
    with pytest.raises(DataError, match="un_votes.rda"):
        voeten.read_unvotes(path)


def test_vote_code_outside_the_documented_set_stops(tmp_path):
    path = tmp_path / "UNVotesPublished.RData"
    frame = pd.DataFrame({"rcid": [1, 1], "session": [1, 1], "vote": [1, 7], "ccode": [2, 20],
                          "date": ["1/1/1946", "1/1/1946"], "unres": ["R/1/1", "R/1/1"]})
    pyreadr.write_rdata(str(path), frame, df_name="x")
    with pytest.raises(DataError) as caught:
        voeten.read_published(path)
    assert "UNVotesPublished.RData" in str(caught.value) and "ccode=20" in str(caught.value)


def test_unvotes_vote_outside_the_set_stops(tmp_path):
    path = tmp_path / "un_votes.rda"
    frame = pd.DataFrame({"rcid": [3.0], "country": ["Cuba"], "vote": ["maybe"]})
    pyreadr.write_rdata(str(path), frame, df_name="un_votes")
    with pytest.raises(DataError, match="country=Cuba"):
        voeten.read_unvotes(path)


@pytest.mark.parametrize("entry, names", [
    ("FRANCE", ["FRANCE"]),
    ("Australia, Austria and Nigeria (on behalf of the States Members of the United Nations "
     "that are members of the Group of African States)", ["Australia", "Austria", "Nigeria"]),
    ("Austria, Kazakhstan and Malaysia (on behalf of the States Members that are members of "
     "ASEAN and the States Parties to the Treaty (Bangkok Treaty))",
     ["Austria", "Kazakhstan", "Malaysia"]),
    ("Bosnia and Herzegovina, Trinidad and Tobago and United Kingdom of Great Britain and "
     "Northern Ireland", ["Bosnia and Herzegovina", "Trinidad and Tobago",
                          "United Kingdom of Great Britain and Northern Ireland"]),
    ("PERU, ON BEHALF OF THE STATES MEMBERS THAT ARE MEMBERS OF THE GROUP OF LATIN AMERICAN "
     "AND CARIBBEAN STATES", ["PERU"]),
])
def test_sponsor_entries_split_into_states(countries_mapper, entry, names):
    assert split_entry(entry, countries_mapper) == names


def test_sponsorships_skip_reviewed_nonstate_entries_and_stop_on_unknown(countries_mapper):
    entries = pd.DataFrame({
        "res_id": ["A", "A", "A"],
        "entry": ["FRANCE", "SUBMITTED BY THE CHAIR", "CHILE"],
        "role": ["sponsor", "sponsor", "additional"],
    })
    patterns = [{"pattern": r"^submitted by", "reason": "officer"}]
    tables = build_sponsorships(entries, countries_mapper, patterns, "t")
    assert tables.sponsorships["iso3"].tolist() == ["CHL", "FRA"]
    assert tables.skipped["reason"].tolist() == ["officer"]
    with pytest.raises(DataError, match="Freedonia"):
        build_sponsorships(entries.assign(entry="Freedonia"), countries_mapper, patterns, "t")


def test_a_state_in_two_vote_lists_stops():
    listed = pd.DataFrame({"res_id": ["R1", "R1"], "iso3": ["FRA", "FRA"],
                           "vote": ["yes", "no"]})
    with pytest.raises(DataError, match="R1 FRA"):
        v.dedupe_listings(listed, "t")


def test_new_tally_mismatch_stops_and_reviewed_one_passes():
    resolutions = pd.DataFrame({
        "res_id": ["R1"], "body": ["GA"], "date": [pd.Timestamp("2022-01-01")],
        "official_yes": pd.array([2], "Int64"), "official_no": pd.array([0], "Int64"),
        "official_abstain": pd.array([0], "Int64"), "count_issue": [""], "source": ["unxml"],
        "recorded_vote": [True],
    })
    votes = pd.DataFrame({"res_id": ["R1", "R1"], "iso3": ["FRA", "CHL"],
                          "vote": ["yes", "abstain"]})
    listing = pd.DataFrame(columns=["res_id", "times"])
    none = pd.DataFrame(columns=["res_id", "status", "reason"])
    with pytest.raises(DataError, match="R1"):
        v.tally_report(resolutions, votes, listing, none, "known.csv")
    reviewed = pd.DataFrame({"res_id": ["R1"], "status": ["mismatch"], "reason": ["typo"]})
    report = v.tally_report(resolutions, votes, listing, reviewed, "known.csv")
    assert report["status"].tolist() == ["mismatch"]


def test_checksum_mismatch_names_the_file(tmp_path):
    (tmp_path / "a.csv").write_text("x\n")
    good = "4e2b9c4e5fd6ff7a1e6ee0a8b3c7d8dbfc1e5d41f36ab01cf0b70c39c0d0b1e3"
    (tmp_path / "SHA256SUMS").write_text(f"{good}  ./a.csv\n")
    with pytest.raises(DataError) as caught:
        verify_checksums(tmp_path / "SHA256SUMS")
    assert "a.csv" in str(caught.value)
