"""The state-text panel: who is on each text, what is left out and why, which texts a patron
opposed, and ties taken from the year before the text."""

from __future__ import annotations

import pandas as pd
import pytest

from abstention.panel.record import build_record_panel, record_summary

SETTINGS = {"first_year": 2000, "lag_years": 1, "main_tie": "patronage",
            "ties": {"RUS": ["patronage"]},
            "multiverse": {"lag_years": [0, 1], "opposed_rules": {"any_vote": "year > 2010"}}}


@pytest.fixture
def tables():
    day = pd.Timestamp
    resolutions = pd.DataFrame({
        "res_id": ["R1", "R2", "C1", "OLD"], "body": ["GA", "GA", "GA", "GA"],
        "recorded_vote": [True, True, False, True],
        "date": [day("2010-10-01"), day("2011-11-01"), day("2011-12-01"), day("1999-10-01")],
    })
    votes = pd.DataFrame({
        "res_id": ["R1"] * 4 + ["R2"] * 4 + ["OLD"] * 4,
        "iso3": ["AAA", "BBB", "CCC", "RUS"] * 3,
        "vote": ["yes", "abstain", "no_right_to_vote", "no",
                 "yes", "absent", "yes", "yes", "yes", "yes", "yes", "no"],
    })
    sponsorships = pd.DataFrame({"res_id": ["R2", "C1"], "iso3": ["AAA", "BBB"],
                                 "body": ["GA", "GA"]})
    text_patrons = pd.DataFrame({"res_id": ["R1", "R2", "OLD"], "patron": ["RUS"] * 3,
                                 "patron_opposed": [True, False, True],
                                 "year": [2010, 2011, 1999]})
    ties = pd.DataFrame({"iso3": ["AAA", "AAA", "BBB", "BBB", "CCC", "CCC"],
                         "year": [2009, 2010] * 3, "patron": ["RUS"] * 6,
                         "patronage": [1.0, 0.0, 0.0, 0.0, 0.0, 1.0]})
    countries = pd.DataFrame({
        "iso3": ["AAA", "BBB", "CCC", "RUS"], "un_group": ["African", "African", "GRULAC", "EEG"],
        "member_from": [day("1960-01-01")] * 3 + [day("1945-10-24")],
        "member_to": [pd.NaT, pd.NaT, day("2011-06-01"), pd.NaT],
    })
    return resolutions, votes, sponsorships, text_patrons, ties, countries


def test_the_panel_keeps_members_drops_article_19_and_lags_ties(tables):
    panel, left_out = build_record_panel(*tables, SETTINGS)
    assert set(panel["res_id"]) == {"R1", "R2", "C1"}          # 1999 is before first_year
    assert left_out.set_index("reason")["state_texts"]["no right to vote (Article 19)"] == 1
    r1 = panel[panel["res_id"] == "R1"].set_index("iso3")
    assert "CCC" not in r1.index
    assert r1.loc["BBB", "not_yes"] == 1 and r1.loc["AAA", "not_yes"] == 0
    assert bool(r1.loc["AAA", "opposed_RUS"])
    assert r1.loc["AAA", "patronage_RUS"] == 1.0                # 2009's tie on a 2010 text
    r2 = panel[panel["res_id"] == "R2"].set_index("iso3")
    assert r2.loc["AAA", "patronage_RUS"] == 0.0 and r2.loc["CCC", "patronage_RUS"] == 1.0
    assert r2.loc["AAA", "cosponsor"] == 1 and r2.loc["BBB", "cosponsor"] == 0
    assert not r2.loc["BBB", "joined"] and r2.loc["AAA", "joined"]


def test_a_text_adopted_without_a_vote_has_its_members_and_no_patron_opposed(tables):
    panel, _ = build_record_panel(*tables, SETTINGS)
    c1 = panel[panel["res_id"] == "C1"].set_index("iso3")
    assert set(c1.index) == {"AAA", "BBB", "RUS"}               # CCC left the UN in June 2011
    assert c1["not_yes"].isna().all() and c1["joined"].all()
    assert not c1["opposed_RUS"].any()
    assert c1.loc["BBB", "cosponsor"] == 1


def test_the_summary_counts_each_view_without_the_patron(tables):
    panel, _ = build_record_panel(*tables, SETTINGS)
    summary = record_summary(panel, SETTINGS).set_index("view")
    assert summary.loc["votes", "texts"] == 2 and summary.loc["votes", "opposed_texts"] == 1
    assert summary.loc["votes", "state_texts"] == 5             # AAA, BBB on R1; AAA-CCC on R2
    assert summary.loc["sponsor_lists", "texts"] == 2


def test_the_multiverse_columns_hold_the_other_lags_and_rules(tables):
    panel, _ = build_record_panel(*tables, SETTINGS)
    r1 = panel[panel["res_id"] == "R1"].set_index("iso3")
    assert r1.loc["AAA", "patronage_RUS_lag0"] == 0.0           # 2010's tie on a 2010 text
    assert r1.loc["AAA", "patronage_RUS"] == 1.0                # the main lag, 2009's
    assert str(panel["patronage_RUS_lag0"].dtype) == "float32"
    by_text = panel.groupby("res_id", observed=True)["opposed_any_vote_RUS"].first()
    assert by_text.to_dict() == {"C1": False, "R1": False, "R2": True}
