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
