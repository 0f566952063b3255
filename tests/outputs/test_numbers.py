"""Macro names and values of the numbers file: letters only, p-values with their relation."""

from __future__ import annotations

import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.outputs.numbers import (
    camel,
    dependent_yes_voters,
    macro_file,
    name_list,
    number_word,
    p_value,
    symbol_list,
    synthetic_numbers,
)


def test_model_names_become_letter_only_macro_parts():
    assert camel("h2_cosponsor") == "HTwoCosponsor"
    assert camel("es11_1_firth") == "EsOneOneOneFirth"
    assert camel("alignment_only") == "AlignmentOnly"
    assert macro_file({camel("h1_vote"): 1}).splitlines()[1] == "\\newcommand{\\HOneVote}{1}"


def test_macro_names_with_other_characters_stop():
    with pytest.raises(DataError, match="letters only"):
        macro_file({"H1": 1})


def test_p_values_carry_their_relation():
    assert p_value(0.0004) == "$<0.001$"
    assert p_value(0.2361) == "$=0.236$"


def test_names_in_the_text_are_listed_in_order():
    assert name_list(["Moldova", "Georgia"]) == "Georgia and Moldova"
    assert name_list(["Israel"]) == "Israel"
    assert name_list(["C", "A", "B"]) == "A, B and C"
    with pytest.raises(DataError, match="name list"):
        name_list([])


def test_small_counts_are_words():
    assert number_word(2) == "two" and number_word(10) == "ten" and number_word(11) == "11"


def test_text_lists_are_short_symbols_in_the_order_of_their_numbers():
    assert symbol_list(["A/RES/ES-11/6", "A/RES/ES-11/3", "A/RES/ES-11/4"]) == (
        "ES-11/3, ES-11/4 and ES-11/6")
    assert symbol_list(["R/73/194"]) == "73/194"
    with pytest.raises(DataError, match="text list"):
        symbol_list([])


def _vote(iso3, name, symbol, vote, cosponsor, dependent, listed=True):
    return {"iso3": iso3, "name": name, "symbol": symbol, "vote": vote, "cosponsor": cosponsor,
            "security_dependence": dependent, "has_sponsor_list": listed}


def test_dependent_yes_voters_count_only_yes_votes_on_texts_with_lists():
    panel = pd.DataFrame([
        _vote("ISR", "Israel", "A/RES/ES-11/1", "yes", 1, 1),
        _vote("ISR", "Israel", "A/RES/ES-11/3", "yes", 0, 1),
        _vote("SRB", "Serbia", "A/RES/ES-11/1", "yes", 0, 1),
        _vote("SRB", "Serbia", "A/RES/ES-11/3", "abstain", 0, 1),
        _vote("AGO", "Angola", "A/RES/ES-11/7", "yes", 0, 1, listed=False),
        _vote("FRA", "France", "A/RES/ES-11/1", "yes", 1, 0),
    ])
    assert dependent_yes_voters(panel) == {
        "NumHTwoDependentYesStates": "two", "NumHTwoDependentYesVotes": 3,
        "NumHTwoDependentCosponsorships": "one", "HTwoDependentYesNames": "Israel and Serbia",
        "HTwoDependentSponsorNames": "Israel"}
    quiet = panel.assign(cosponsor=0)
    assert dependent_yes_voters(quiet)["HTwoDependentSponsorNames"] == "none"


def synthetic_summary() -> pd.DataFrame:
    """The per-window summary of the synthetic comparison, as its CSV is read back."""
    return pd.DataFrame({
        "window": ["pre", "during", "after", "post"],
        "start": ["2006-01-01", "2015-09-30", "2024-12-08", "2015-09-30"],
        "end": ["2015-09-29", "2024-12-07", "2026-06-04", "2026-06-04"],
        "texts": [65, 235, 43, 278], "israel": [0.554, 0.613, 0.40, 0.58],
        "synthetic": [0.515, 0.387, 0.45, 0.39], "donor_mean": [0.389, 0.292, 0.29, 0.29],
        "gap_vs_pre": [0.0, 0.187, -0.089, 0.15], "value": [None, 0.187, -0.089, 2.305],
        "rank": [None, 11, 120, 108], "units": [None, 137, 137, 137],
        "p": [None, 11 / 137, 120 / 137, 108 / 137], "donors": 136, "pre_rmspe": 0.1125})


def test_synthetic_numbers_say_each_window_and_the_direction_of_its_change():
    values = synthetic_numbers(synthetic_summary())
    assert values["SynthFirstYear"] == 2006 and values["SynthLastMonth"] == "June 2026"
    assert values["SynthIsraelPre"] == "55\\%" and values["SynthDonorMeanPre"] == "39\\%"
    assert values["SynthPreVersusDonors"] == "more often than"
    assert (values["SynthChangeDuring"], values["SynthChangeDuringDirection"]) == ("19", "wider")
    # A negative change is said in words, not with a minus sign before "points wider".
    assert (values["SynthChangeAfter"], values["SynthChangeAfterDirection"]) == ("9",
                                                                               "narrower")
    assert (values["SynthRankDuring"], values["SynthUnitsDuring"]) == (11, 137)
    assert values["SynthPDuring"] == "$=0.080$"
    assert (values["SynthRatioRank"], values["SynthRatioP"]) == (108, "$=0.788$")
    assert values["SynthPreRmspe"] == "0.113" and values["SynthDonors"] == 136


def test_synthetic_numbers_need_every_window():
    with pytest.raises(DataError, match="after"):
        synthetic_numbers(synthetic_summary().query("window != 'after'"))
