"""Macro names and values of the numbers file: letters only, p-values with their relation."""

from __future__ import annotations

import pytest

from abstention.errors import DataError
from abstention.outputs.numbers import camel, macro_file, name_list, number_word, p_value


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
