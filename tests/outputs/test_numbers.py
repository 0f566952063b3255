"""Macro names and values of the numbers file: letters only, p-values with their relation."""

from __future__ import annotations

import pytest

from abstention.errors import DataError
from abstention.outputs.numbers import camel, macro_file, p_value


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
