"""The analysis panel: outcomes and risk set, periods, material texts, imputed values, placebo
selection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.models.panel import (
    check_material_texts,
    derive_outcomes,
    placebo_votes,
    text_periods,
    with_imputation,
)


def test_no_right_to_vote_has_no_outcome_and_other_votes_keep_theirs():
    frame = pd.DataFrame({
        "vote": ["yes", "yes", "abstain", "absent", "no", "no_right_to_vote"],
        "cosponsor": [0, 1, 0, 0, 0, 0],
    })
    out = derive_outcomes(frame)
    assert out["not_yes"].tolist()[:5] == [0, 0, 1, 1, 1]
    assert out["abstain_or_absent"].tolist()[:4] == [0.0, 0.0, 1.0, 1.0]
    assert out["abstain_or_absent"].isna().tolist() == [False] * 4 + [True, True]
    assert out["support_ladder"].tolist()[:5] == [2, 3, 1, 1, 0]
    last = out.iloc[5]
    assert pd.isna(last["not_yes"]) and pd.isna(last["support_ladder"])


def test_texts_without_a_sponsor_list_have_no_cosponsorship_outcome():
    frame = pd.DataFrame({"vote": ["yes", "yes"], "cosponsor": [0, 0],
                          "has_sponsor_list": [True, False]})
    out = derive_outcomes(frame)
    assert out["not_cosponsor"].iloc[0] == 1 and pd.isna(out["not_cosponsor"].iloc[1])


def test_periods_follow_their_start_dates():
    periods = [{"name": "early", "from": "2014-01-01"}, {"name": "war", "from": "2022-02-24"}]
    dates = pd.Series(pd.to_datetime(["2014-03-27", "2022-02-23", "2022-02-24", "2025-12-01"]))
    assert text_periods(dates, periods).tolist() == ["early", "early", "war", "war"]
    with pytest.raises(DataError, match="on or before every vote"):
        text_periods(pd.Series(pd.to_datetime(["2013-12-31"])), periods)
    with pytest.raises(DataError, match="increasing"):
        text_periods(dates, periods[::-1])


def test_a_material_text_outside_the_panel_stops_naming_it():
    panel = pd.DataFrame({"symbol": ["A/RES/ES-11/3", "A/RES/ES-11/5"]})
    check_material_texts(panel, ["A/RES/ES-11/3"])
    with pytest.raises(DataError) as caught:
        check_material_texts(panel, ["A/RES/ES-11/3", "A/RES/ES-11/33"])
    assert "panel.material_texts" in str(caught.value) and "ES-11/33" in str(caught.value)


def test_imputed_values_fill_only_gaps():
    panel = pd.DataFrame({"iso3": ["A", "A", "B"], "x": [1.0, 1.0, np.nan]})
    imputations = pd.DataFrame({"imputation": [1, 1, 2, 2], "iso3": ["A", "B", "A", "B"],
                                "x": [9.0, 2.0, 9.0, 3.0]})
    assert with_imputation(panel, imputations, 1)["x"].tolist() == [1.0, 1.0, 2.0]
    assert with_imputation(panel, imputations, 2)["x"].tolist() == [1.0, 1.0, 3.0]
    with pytest.raises(DataError, match="imputation 3"):
        with_imputation(panel, imputations, 3)


def test_placebo_texts_divide_the_west_without_a_russian_stake():
    resolutions = pd.DataFrame({
        "res_id": ["p", "q", "r"], "body": "GA", "recorded_vote": True, "ukraine_russia": False,
        "date": pd.to_datetime(["2022-05-01"] * 3)})
    countries = pd.DataFrame({"iso3": ["W1", "W2", "R1", "R2", "RUS"],
                              "un_group": ["Western European and Others"] * 2
                              + ["African", "African", "Eastern European"]})
    votes = pd.DataFrame({
        "res_id": ["p"] * 5 + ["q"] * 5 + ["r"] * 5,
        "iso3": ["W1", "W2", "R1", "R2", "RUS"] * 3,
        # p: West yes, rest split, Russia yes; q: same but Russia no; r: everyone yes
        "vote": ["yes", "yes", "yes", "abstain", "yes", "yes", "yes", "yes", "abstain", "no",
                 "yes", "yes", "yes", "yes", "yes"]})
    settings = {"window": ["2022-01-01", "2023-12-31"], "west_yes_min": 0.9, "min_gap": 0.2,
                "russia_votes": ["yes", "abstain"]}
    chosen = placebo_votes(resolutions, votes, countries, settings)
    assert chosen.tolist() == [True, False, False]
