"""The 2025 column extract: strict reader, the rule for members without a column, and which
texts are taken."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.ingest.readers.un2025 import read_votes_2025
from abstention.ingest.votes import votes_2025_tables

MEMBERS = ["ALB", "ARG", "ISR", "UKR"]  # columns; VEN is a member without one
COUNTRIES = pd.DataFrame({
    "iso3": ["ALB", "ARG", "ISR", "UKR", "VEN", "SSD"],
    "member_from": pd.to_datetime(["1955-12-14", "1945-10-24", "1949-05-11", "1945-10-24",
                                   "1945-11-15", "2011-07-14"]),
    "member_to": pd.NaT,
})
HEADER = ["Link", "token", "Scrape_Year", "Title", "Council", "Resolution", "country",
          "subregion", "continent", "Date", "YES COUNT", "NO COUNT", "ABSTAIN COUNT",
          "NO-VOTE COUNT", "TOTAL VOTES", "tags"]


def row(symbol="A/RES/ES-11/7", date="2025-02-24", votes=("YES", "NO", "ABSTAIN", ""),
        counts=("1", "1", "1", "3", "6"), council="General Assembly") -> dict:
    fields = dict(zip(HEADER, ["https://digitallibrary.un.org/record/1", "1", "2025",
                               "Advancing peace in Ukraine : resolution / adopted by the "
                               "General Assembly", council, symbol, "UA", "", "", date,
                               *counts, ""], strict=True))
    return fields | dict(zip(MEMBERS, votes, strict=True))


def write(path: Path, rows: list[dict], members=MEMBERS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER + list(members))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_reads_general_assembly_rows_and_leaves_council_rows(tmp_path):
    path = write(tmp_path / "v.csv", [row(), row(symbol="S/RES/2768(2025)",
                                                 council="Security Council")])
    records = read_votes_2025(path)
    res = records.resolutions.iloc[0]
    assert len(records.resolutions) == 1
    assert (res["symbol"], res["session"], res["date"]) == (
        "A/RES/ES-11/7", "ES-11", pd.Timestamp("2025-02-24"))
    assert res["title"] == "Advancing peace in Ukraine"
    assert (res["official_yes"], res["official_no_vote"]) == (1, 3)
    listed = records.listed_votes["vote"]
    assert listed[:3].tolist() == ["yes", "no", "abstain"] and listed.iloc[3:].isna().all()
    assert records.member_columns == tuple(MEMBERS)


@pytest.mark.parametrize("change, key", [
    ({"votes": ("YES", "NO", "MAYBE", "")}, "line 2 A/RES/ES-11/7 ISR"),
    ({"council": "Trusteeship Council"}, "line 2 Council"),
    ({"symbol": "ES-11/7"}, "line 2 Resolution"),
    ({"date": "24 Feb 2025"}, "line 2 Date"),
    ({"counts": ("1", "one", "1", "3", "6")}, "line 2 NO COUNT"),
    ({"counts": ("1", "1", "1", "3", "7")}, "line 2 A/RES/ES-11/7"),
])
def test_bad_row_stops_naming_file_line_and_column(tmp_path, change, key):
    path = write(tmp_path / "v.csv", [row(**change)])
    with pytest.raises(DataError) as caught:
        read_votes_2025(path)
    assert caught.value.path == str(path) and caught.value.key == key


def test_symbol_on_two_rows_and_odd_column_stop(tmp_path):
    with pytest.raises(DataError, match="one row per recorded vote"):
        read_votes_2025(write(tmp_path / "twice.csv", [row(), row()]))
    odd = write(tmp_path / "odd.csv", [row() | {"Notes": ""}], members=[*MEMBERS, "Notes"])
    with pytest.raises(DataError, match="ISO3 codes"):
        read_votes_2025(odd)


def test_member_without_column_is_absent_when_no_vote_count_allows(tmp_path):
    # Blank for UKR plus VEN and SSD without a column: 3 = NO-VOTE COUNT
    records = read_votes_2025(write(tmp_path / "v.csv", [row()]))
    tables = votes_2025_tables(records, COUNTRIES, set(), "v.csv")
    votes = tables.votes.set_index("iso3")["vote"]
    assert votes.to_dict() == {"ALB": "yes", "ARG": "no", "ISR": "abstain", "UKR": "absent",
                               "SSD": "absent", "VEN": "absent"}
    res = tables.resolutions.iloc[0]
    assert (res["res_id"], res["body"], res["source"], res["recorded_vote"]) == (
        "A/RES/ES-11/7", "GA", "unga2025", True)
    assert (res["official_yes"], res["official_no"], res["official_abstain"]) == (1, 1, 1)
    assert tables.votes["source"].eq("unga2025").all()


def test_no_vote_count_not_matching_stops_naming_the_row(tmp_path):
    records = read_votes_2025(write(tmp_path / "v.csv", [row(counts=("1", "1", "1", "2", "5"))]))
    with pytest.raises(DataError) as caught:
        votes_2025_tables(records, COUNTRIES, set(), "v.csv")
    assert caught.value.key == "A/RES/ES-11/7" and "NO-VOTE COUNT" in str(caught.value)


def test_column_for_a_non_member_stops(tmp_path):
    records = read_votes_2025(write(tmp_path / "v.csv", [row()]))
    gone = COUNTRIES.assign(member_to=COUNTRIES["iso3"].map({"ISR": pd.Timestamp("2020-01-01")}))
    with pytest.raises(DataError, match="ISR"):
        votes_2025_tables(records, gone, set(), "v.csv")


def test_symbol_already_in_the_un_extracts_is_not_taken(tmp_path):
    records = read_votes_2025(write(tmp_path / "v.csv", [row(), row(symbol="A/RES/79/269")]))
    tables = votes_2025_tables(records, COUNTRIES, {"A/RES/79/269"}, "v.csv")
    assert tables.resolutions["symbol"].tolist() == ["A/RES/ES-11/7"]
    assert set(tables.votes["res_id"]) == {"A/RES/ES-11/7"}


def test_real_file_holds_the_three_es11_votes_of_2025(raw_dir):
    records = read_votes_2025(raw_dir / "unga_2025_extract/un_votes_2025_processed.csv")
    assert len(records.member_columns) == 191
    assert not {"AFG", "VEN"} & set(records.member_columns)
    es11 = records.resolutions.set_index("symbol").loc[
        ["A/RES/ES-11/7", "A/RES/ES-11/8", "A/RES/ES-11/9"]]
    assert es11["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-02-24", "2025-02-24", "2025-12-03"]
    assert es11[["official_yes", "official_no", "official_abstain"]].values.tolist() == [
        [93, 18, 65], [93, 8, 73], [91, 12, 57]]
