"""The four clean UN tables are checked by their pandera schemas when written: a bad table is
refused naming the file, the column or key, what was expected and what was found."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.errors import SchemaErrors

from abstention.errors import DataError
from abstention.schemas import write_table
from abstention.table_schemas import SCHEMAS


def valid_tables() -> dict[str, pd.DataFrame]:
    """One small table per schema, keys out of order, optional values missing."""
    return {
        "resolutions": pd.DataFrame({
            "res_id": ["S/RES/2623 (2022)", "A/RES/ES-11/1"], "body": ["SC", "GA"],
            "symbol": ["S/RES/2623 (2022)", "A/RES/ES-11/1"], "session": ["77", "ES-11"],
            "date": pd.to_datetime(["2022-02-27", "2022-03-02"]), "title": ["Meeting", "Vote"],
            "official_yes": pd.array([11, 141], dtype="Int64"),
            "official_no": pd.array([1, 5], dtype="Int64"),
            "official_abstain": pd.array([None, 35], dtype="Int64"),
            "recorded_vote": [True, True], "ukraine_russia": [True, True],
            "source": ["unxml", "unxml"], "draft": ["S/2022/160", None],
        }),
        "votes": pd.DataFrame({
            "res_id": ["R2", "R1", "R1"], "iso3": ["FRA", "IND", "FRA"],
            "vote": ["yes", "abstain", "no_right_to_vote"], "source": ["unxml"] * 3,
            "article19": [None, None, "confirmed"],
        }),
        "sponsorships": pd.DataFrame({"res_id": ["R1", "R1"], "iso3": ["UKR", "FRA"],
                                      "role": ["sponsor", "additional"], "body": "GA",
                                      "session": "ES-11", "adoption": "recorded vote"}),
        "countries": pd.DataFrame({
            "iso3": ["UKR", "FRA"], "name": ["Ukraine", "France"],
            "cown": pd.array([369, 220], dtype="Int64"), "un_group": ["Eastern European", None],
            "member_from": pd.to_datetime(["1945-10-24", "1945-10-24"]),
            "member_to": pd.to_datetime([None, None]),
        }),
    }


def refused(frame: pd.DataFrame, name: str, path, *parts: str) -> DataError:
    """Writing must stop with a DataError converted from pandera's, naming every part."""
    with pytest.raises(DataError) as caught:
        write_table(frame, path, name)
    assert isinstance(caught.value.__context__, SchemaErrors)
    message = str(caught.value)
    for part in (path, *parts):
        assert str(part) in message, message
    assert not path.exists()
    return caught.value


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_valid_table_is_written_sorted_by_key(tmp_path, name):
    frame = valid_tables()[name]
    write_table(frame, tmp_path / f"{name}.parquet", name)
    written = pd.read_parquet(tmp_path / f"{name}.parquet")
    key = SCHEMAS[name].unique
    assert written[key].values.tolist() == frame.sort_values(key)[key].values.tolist()


def test_duplicated_key(tmp_path):
    votes = valid_tables()["votes"]
    votes.loc[0, "res_id"] = "R1"
    refused(votes, "votes", tmp_path / "votes.parquet", "[res_id, iso3]", "one row per key",
            "('R1', 'FRA')")


@pytest.mark.parametrize("name, column, value", [
    ("votes", "vote", "maybe"),
    ("votes", "article19", "perhaps"),
    ("sponsorships", "role", "cosponsor"),
    ("sponsorships", "adoption", "by consensus"),
    ("resolutions", "body", "HRC"),
])
def test_value_outside_the_allowed_set(tmp_path, name, column, value):
    frame = valid_tables()[name]
    frame.loc[1, column] = value
    refused(frame, name, tmp_path / f"{name}.parquet", f"[{column}]", "values in", value)


def test_missing_columns_are_named_together(tmp_path):
    votes = valid_tables()["votes"].drop(columns=["vote", "source"])
    refused(votes, "votes", tmp_path / "votes.parquet", "[columns]", "votes schema",
            "missing ['vote', 'source']")


def test_missing_key_value(tmp_path):
    sponsorships = valid_tables()["sponsorships"]
    sponsorships.loc[1, "iso3"] = None
    refused(sponsorships, "sponsorships", tmp_path / "sponsorships.csv", "['iso3']",
            "no missing key values", "rows [1]")


def test_wrong_dtype(tmp_path):
    resolutions = valid_tables()["resolutions"]
    resolutions["recorded_vote"] = ["yes", "yes"]
    refused(resolutions, "resolutions", tmp_path / "resolutions.parquet", "[recorded_vote]",
            "dtype bool", "dtype str")


def test_unhashable_value_is_named(tmp_path):
    votes = valid_tables()["votes"].astype({"vote": object})
    votes.at[1, "vote"] = ["yes"]
    refused(votes, "votes", tmp_path / "votes.parquet", "[vote]", "values in", "['yes']")


def test_any_other_check_is_named_with_pandera_s_words(tmp_path, monkeypatch):
    positive = pa.Check(lambda cown: cown > 0, name="positive")
    countries = SCHEMAS["countries"]
    monkeypatch.setitem(SCHEMAS, "countries", countries.update_column("cown", checks=positive))
    frame = valid_tables()["countries"].assign(cown=pd.array([369, -1], dtype="Int64"))
    refused(frame, "countries", tmp_path / "countries.parquet", "[cown]", "<Check positive>",
            "failure cases: -1")
