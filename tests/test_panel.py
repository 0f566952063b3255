"""Outcomes of the analysis panel: a state without the right to vote leaves the risk set."""

from __future__ import annotations

import pandas as pd

from abstention.panel import derive_outcomes


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
