"""Recorded texts classified for each patron, on small tables where every value is known."""

from __future__ import annotations

import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.features.texts import check_settings, classify_texts, patron_summary
from abstention.vote_codes import UN_GROUP_NAMES

WEOG = "Western European and Others"
SETTINGS = {
    "own_conflicts": {"RUS": {"symbols": [], "title_patterns": ["Ukrain"]},
                      "USA": {"symbols": ["A/RES/2"], "title_patterns": []}},
    "reference_group": WEOG,
    "patron_opposed": "patron_vote == 'no' or (own_conflict and patron_vote != 'yes')",
}


def tables():
    resolutions = pd.DataFrame({
        "res_id": ["A/RES/1", "A/RES/2", "S/RES/3"],
        "symbol": ["A/RES/1", "A/RES/2", "S/RES/3"],
        "body": ["GA", "GA", "SC"],
        "recorded_vote": [True, True, True],
        "date": pd.to_datetime(["2014-03-27", "2019-06-01", "2019-06-02"]),
        "title": ["Territorial integrity of Ukraine", "Embargo", "A Council text"],
    })
    votes = pd.DataFrame({
        "res_id": ["A/RES/1"] * 4 + ["A/RES/2"] * 4,
        "iso3": ["RUS", "USA", "FRA", "DEU"] * 2,
        "vote": ["no", "yes", "yes", "yes", "abstain", "no", "yes", "absent"],
    })
    countries = pd.DataFrame({"iso3": ["RUS", "USA", "FRA", "DEU"],
                              "un_group": ["Eastern European", WEOG, WEOG, WEOG]})
    return resolutions, votes, countries


@pytest.fixture
def classified():
    frame = classify_texts(*tables(), SETTINGS, ["RUS", "USA"])
    return frame.set_index(["res_id", "patron"])


def test_general_assembly_recorded_texts_only_one_row_per_patron(classified):
    assert sorted(classified.index) == [("A/RES/1", "RUS"), ("A/RES/1", "USA"),
                                        ("A/RES/2", "RUS"), ("A/RES/2", "USA")]


def test_fields_and_the_config_rule(classified):
    assert classified.at[("A/RES/1", "RUS"), "patron_vote"] == "no"
    assert classified.at[("A/RES/1", "RUS"), "own_conflict"]
    assert classified.at[("A/RES/2", "USA"), "own_conflict"]  # by symbol
    # The bloc's share among members who cast a vote: USA, FRA, DEU yes on 1; on 2 the US no,
    # France yes, Germany absent.
    assert classified.at[("A/RES/1", "RUS"), "bloc_yes_share"] == 1.0
    assert classified.at[("A/RES/2", "RUS"), "bloc_yes_share"] == pytest.approx(0.5)
    assert classified.at[("A/RES/2", "RUS"), "bloc_size"] == 2
    assert classified.at[("A/RES/1", "RUS"), "patron_opposed"]
    assert not classified.at[("A/RES/2", "RUS"), "patron_opposed"]
    assert classified.at[("A/RES/2", "USA"), "patron_opposed"]


def test_a_patron_not_in_the_vote_is_not_a_member():
    frame = classify_texts(*tables(), {**SETTINGS, "own_conflicts": {
        **SETTINGS["own_conflicts"], "CHN": {"symbols": [], "title_patterns": []}}},
        ["CHN"])
    assert (frame["patron_vote"] == "not_member").all()
    assert not frame["own_conflict"].any()  # no pattern matches nothing, not everything


def test_summary_counts_by_decade(classified):
    summary = patron_summary(classified.reset_index()).set_index(["patron", "decade"])
    assert summary.at[("RUS", "2010s"), "patron_no"] == 1
    assert summary.at[("USA", "2010s"), "patron_opposed"] == 1


@pytest.mark.parametrize(("change", "named"), [
    ({"patron_opposed": "patron_vot == 'no'"}, r"patron_opposed.*did you mean 'patron_vote'"),
    ({"reference_group": "WEOG"}, r"reference_group.*WEOG"),
    ({"own_conflicts": {"RUS": {"symbols": [], "title_patterns": []}}}, r"own_conflicts.*USA"),
])
def test_bad_settings_stop_naming_the_key(change, named):
    with pytest.raises(DataError, match=named):
        check_settings({**SETTINGS, **change}, ["RUS", "USA"], UN_GROUP_NAMES)
