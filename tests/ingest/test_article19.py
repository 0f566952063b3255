"""Article 19 loss-of-vote windows: strict reader and the recoding of recorded non-votes."""

from __future__ import annotations

import csv
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
import yaml

from abstention.errors import DataError
from abstention.ingest.article19 import apply_article19
from abstention.ingest.readers.article19 import read_lost_votes

COUNTRIES = pd.DataFrame({
    "iso3": ["VEN", "GAB", "SSD", "GIN"],
    "member_from": pd.to_datetime(["1945-11-15", "1960-09-20", "2011-07-14", "1958-12-12"]),
    "member_to": pd.NaT,
})
COLUMNS = ["iso3", "country", "lost_from", "lost_to", "to_precision", "certainty", "source",
           "note"]
GOOD = {"iso3": "GAB", "country": "Gabon", "lost_from": "2023-01-19", "lost_to": "2023-02-23",
        "to_precision": "upper_bound", "certainty": "confirmed", "source": "s", "note": ""}


def write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_reads_windows_with_open_ends(tmp_path):
    open_ended = GOOD | {"iso3": "VEN", "lost_from": "2022-01-11", "lost_to": "",
                         "to_precision": ""}
    windows = read_lost_votes(write(tmp_path / "a.csv", [GOOD, open_ended]), COUNTRIES)
    assert windows["lost_to"].isna().tolist() == [False, True]
    assert windows["lost_from"].tolist() == [pd.Timestamp("2023-01-19"),
                                             pd.Timestamp("2022-01-11")]


@pytest.mark.parametrize("change, key", [
    ({"iso3": "XKX"}, "line 2 XKX iso3"),
    ({"iso3": "SSD", "lost_from": "2010-01-01"}, "line 2 SSD iso3"),
    ({"lost_from": "19 Jan 2023"}, "line 2 GAB lost_from"),
    ({"lost_to": "2023-02-30"}, "line 2 GAB lost_to"),
    ({"lost_to": "2023-01-18"}, "line 2 GAB lost_to"),
    ({"certainty": "probable"}, "line 2 GAB certainty"),
    ({"to_precision": "about"}, "line 2 GAB to_precision"),
    ({"to_precision": ""}, "line 2 GAB to_precision"),
    ({"lost_to": ""}, "line 2 GAB to_precision"),
])
def test_bad_row_stops_naming_file_line_and_state(tmp_path, change, key):
    path = write(tmp_path / "a.csv", [GOOD | change])
    with pytest.raises(DataError) as caught:
        read_lost_votes(path, COUNTRIES)
    assert caught.value.path == str(path) and caught.value.key == key


def test_overlapping_windows_of_one_state_stop(tmp_path):
    later = GOOD | {"lost_from": "2023-02-01", "lost_to": "2023-03-01"}
    with pytest.raises(DataError) as caught:
        read_lost_votes(write(tmp_path / "a.csv", [GOOD, later]), COUNTRIES)
    assert caught.value.key == "line 3 GAB"
    touching = GOOD | {"lost_from": "2023-02-23", "lost_to": "2023-03-01"}
    assert len(read_lost_votes(write(tmp_path / "b.csv", [GOOD, touching]), COUNTRIES)) == 2


def window(iso3, lost_from, lost_to, precision, certainty) -> dict:
    return {"iso3": iso3, "lost_from": pd.Timestamp(lost_from),
            "lost_to": pd.Timestamp(lost_to) if lost_to else pd.NaT,
            "to_precision": precision, "certainty": certainty}


RESOLUTIONS = pd.DataFrame({
    "res_id": ["r1", "r2", "r3", "r4", "sc"],
    "symbol": ["A/RES/1", "A/RES/2", "A/RES/3", "A/RES/4", "S/RES/1"],
    "body": ["GA", "GA", "GA", "GA", "SC"],
    "date": pd.to_datetime(["2023-01-10", "2023-02-01", "2023-02-23", "2023-03-10",
                            "2023-02-01"]),
})


def votes(**by_state: list[str]) -> pd.DataFrame:
    return pd.DataFrame([
        {"res_id": res_id, "iso3": iso3, "vote": vote, "source": "unxml"}
        for iso3, cast in by_state.items()
        for res_id, vote in zip(["r1", "r2", "r3", "r4", "sc"], cast, strict=True)
    ])


def test_half_open_window_recodes_absences_of_assembly_votes_only():
    windows = pd.DataFrame([window("GAB", "2023-01-19", "2023-02-23", "upper_bound",
                                   "confirmed")])
    table = votes(GAB=["absent", "absent", "abstain", "absent", "absent"])
    out, report = apply_article19(table, RESOLUTIONS, windows, ["confirmed"], "a.csv")
    assert out["vote"].tolist() == ["absent", "no_right_to_vote", "abstain", "absent", "absent"]
    assert out["article19"].isna().tolist() == [True, False, True, True, True]
    assert report[["res_id", "recorded", "vote", "action"]].values.tolist() == [
        ["r2", "absent", "no_right_to_vote", "recoded"]]


def test_certainty_not_listed_only_tags_the_rows():
    windows = pd.DataFrame([window("SSD", "2023-01-19", "2023-03-07", "upper_bound",
                                   "uncertain")])
    table = votes(SSD=["absent", "absent", "absent", "absent", "yes"])
    kept, report = apply_article19(table, RESOLUTIONS, windows, ["confirmed", "likely"], "a.csv")
    assert kept["vote"].eq("absent").sum() == 4
    assert kept["article19"].isna().tolist() == [True, False, False, True, True]
    assert set(kept["article19"].dropna()) == {"uncertain"}
    assert report["action"].tolist() == ["not_applied", "not_applied"]
    recoded, _ = apply_article19(table, RESOLUTIONS, windows,
                                 ["confirmed", "likely", "uncertain"], "a.csv")
    assert recoded["vote"].eq("no_right_to_vote").sum() == 2


def test_cast_vote_is_a_conflict_and_later_absences_stay():
    windows = pd.DataFrame([window("SSD", "2023-01-01", "2023-03-31", "upper_bound",
                                   "confirmed")])
    table = votes(SSD=["absent", "yes", "absent", "absent", "no"])
    out, report = apply_article19(table, RESOLUTIONS, windows, ["confirmed"], "a.csv")
    assert out["vote"].tolist() == ["no_right_to_vote", "yes", "absent", "absent", "no"]
    assert report["action"].tolist() == ["recoded", "conflict", "absent_after_cast_vote",
                                         "absent_after_cast_vote"]


@pytest.mark.parametrize("lost_to, precision", [("2023-03-31", "exact"), (None, "")])
def test_cast_vote_against_a_confirmed_exact_or_open_window_stops(lost_to, precision):
    windows = pd.DataFrame([window("VEN", "2023-01-01", lost_to, precision, "confirmed")])
    table = votes(VEN=["absent", "absent", "abstain", "absent", "absent"])
    with pytest.raises(DataError) as caught:
        apply_article19(table, RESOLUTIONS, windows, ["confirmed"], "a.csv")
    assert caught.value.key == "VEN A/RES/3" and caught.value.found == "abstain"
    likely = windows.assign(certainty="likely")
    _, report = apply_article19(table, RESOLUTIONS, likely, ["likely"], "a.csv")
    assert "conflict" in set(report["action"])


@pytest.mark.parametrize("section", [{"certainty": ["sure"]}, {"certainty": ["likely"], "x": 1}])
def test_config_schema_rejects_a_bad_article19_section(section):
    root = Path(__file__).resolve().parents[2]
    schema = yaml.safe_load((root / "workflow/schemas/config.schema.json").read_text())
    config = yaml.safe_load((root / "config/config.yaml").read_text())
    assert config["article19"]["certainty"] == ["confirmed", "likely"]
    jsonschema.validate(config, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(config | {"article19": section}, schema)
