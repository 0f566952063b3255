"""The hypothesis quantities: recovered on simulated data where the answer is known, and bad
entries stopped before anything is fitted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

from abstention.errors import DataError
from abstention.models.hypotheses import (
    bootstrap_chunk,
    bootstrap_p,
    point_estimates,
    summarise,
)
from abstention.models.panel import derive_outcomes
from abstention.models.resampling import state_draw
from abstention.models.specs import check_entries, resolve_spec

TEXTS = ["T1", "T2", "T3", "T4"]
MATERIAL = {"T3"}
SETTINGS = {"model_defaults": {"categorical": [], "fixed_effects": ["res_id"],
                               "exclude_states": [], "cov_type": "nonrobust",
                               "missing": "imputed"},
            "covariate_sets": {}}


def _simulate(seed: int, states: int = 400) -> tuple[pd.DataFrame, dict]:
    """Two-stage data: the tie raises not voting yes a little and, among yes voters, not
    co-sponsoring a lot; on material texts it raises not voting yes by more."""
    rng = np.random.default_rng(seed)
    tie = (rng.uniform(size=states) < 0.3).astype(float)
    x = rng.normal(size=states)
    rows = []
    for t, text in enumerate(TEXTS):
        material = float(text in MATERIAL)
        eta_vote = -1.0 + 0.2 * t + 0.5 * x + tie * (0.4 + 1.2 * material)
        p_vote = special.expit(eta_vote)
        not_yes = rng.uniform(size=states) < p_vote
        p_skip = special.expit(-0.3 + 0.3 * x + 2.0 * tie)
        skip = rng.uniform(size=states) < p_skip
        for i in range(states):
            vote = "abstain" if not_yes[i] else "yes"
            rows.append({"iso3": f"S{i:03d}", "res_id": text, "symbol": text, "vote": vote,
                         "cosponsor": int(vote == "yes" and not skip[i]), "tie": tie[i],
                         "x": x[i], "material_text": material, "has_sponsor_list": True,
                         "un_group": "G"})
    panel = derive_outcomes(pd.DataFrame(rows))
    specs = {
        "vote": resolve_spec("vote", {"outcome": "not_yes", "estimator": "firth_logit",
                                      "resolutions": TEXTS, "covariates": ["tie", "x"]},
                             SETTINGS),
        "cosponsor": resolve_spec("cosponsor", {"outcome": "not_cosponsor",
                                                "estimator": "firth_logit", "resolutions": TEXTS,
                                                "only_votes": ["yes"],
                                                "covariates": ["tie", "x"]}, SETTINGS),
        "cost": resolve_spec("cost", {"outcome": "not_yes", "estimator": "logit",
                                      "resolutions": TEXTS, "covariates": ["tie", "x"],
                                      "interactions": [["tie", "material_text"]]}, SETTINGS),
    }
    return panel, specs


def _one_imputation(panel: pd.DataFrame) -> pd.DataFrame:
    return panel.drop_duplicates("iso3")[["iso3", "x"]].assign(imputation=1)


ENTRIES = {
    "H2": {"statement": "", "model": "cosponsor", "compare_to": "vote",
           "quantity": "relative_ame_difference"},
    "H3": {"statement": "", "model": "cost", "by": "material_text", "quantity": "ame_difference"},
}


def _truth(seed: int) -> dict[str, float]:
    """The quantities on a very large sample from the same process: the target of estimation."""
    panel, specs = _simulate(seed, states=20000)
    points = point_estimates(panel, _one_imputation(panel), specs, ENTRIES, "tie")
    return points.set_index("quantity")["value"].to_dict()


def test_h2_and_h3_are_recovered_on_simulated_data():
    truth = _truth(1)
    assert truth["relative_ame_difference"] > 0.3 and truth["ame_difference"] > 0.1
    estimates = []
    for seed in range(2, 7):
        panel, specs = _simulate(seed)
        points = point_estimates(panel, _one_imputation(panel), specs, ENTRIES, "tie")
        estimates.append(points.set_index("quantity")["value"])
    mean = pd.concat(estimates, axis=1).mean(axis=1)
    assert mean["relative_ame_difference"] == pytest.approx(truth["relative_ame_difference"],
                                                            abs=0.15)
    assert mean["ame_difference"] == pytest.approx(truth["ame_difference"], abs=0.06)


def test_h2_is_null_when_the_tie_moves_both_outcomes_alike():
    """With no effect on either outcome, the difference of relative effects is near zero and
    its bootstrap interval covers zero."""
    panel, specs = _simulate(11)
    rng = np.random.default_rng(3)
    panel = panel.assign(tie=panel["iso3"].map(
        dict(zip(panel["iso3"].unique(), (rng.uniform(size=400) < 0.3).astype(float),
                 strict=True))))
    entries = {"H2": ENTRIES["H2"]}
    imputations = _one_imputation(panel)
    points = point_estimates(panel, imputations, specs, entries, "tie")
    draws = bootstrap_chunk(panel, imputations, specs, entries, "tie", range(200), 5, state_draw)
    fits = {name: {"n": size, "states": size, "cov_type": "nonrobust", "treated_clusters": {},
                   "informative_clusters": {}} for size, name in enumerate(specs, start=1)}
    table = summarise(points, draws, entries, fits, {}, "tie", {}).set_index("quantity")
    row = table.loc["relative_ame_difference"]
    assert row["ci_low"] < 0 < row["ci_high"]
    # Each component carries the sample of the model it comes from.
    other = entries["H2"]["compare_to"]
    assert table.loc[f"ame_{other}", "n"] == fits[other]["n"]
    assert table.loc["relative_ame_difference", "n"] == fits[entries["H2"]["model"]]["n"]


def test_bootstrap_chunks_gather_to_one_run():
    panel, specs = _simulate(4, states=150)
    imputations = _one_imputation(panel)
    whole = bootstrap_chunk(panel, imputations, specs, ENTRIES, "tie", range(6), 9, state_draw)
    parts = pd.concat([bootstrap_chunk(panel, imputations, specs, ENTRIES, "tie", chunk, 9,
                                       state_draw) for chunk in (range(0, 4), range(4, 6))],
                      ignore_index=True)
    pd.testing.assert_frame_equal(whole, parts)


def test_bootstrap_p_value():
    assert bootstrap_p(np.array([1.0, 2.0, 3.0, np.nan])) == pytest.approx(2 / 4)
    assert bootstrap_p(np.linspace(-1, 1, 101)) == 1.0


@pytest.mark.parametrize("entry, key", [
    ({"statement": "", "model": "nowhere", "quantity": "ame"}, "model"),
    ({"statement": "", "model": "vote", "compare_to": "nowhere",
      "quantity": "relative_ame_difference"}, "compare_to"),
    ({"statement": "", "model": "vote", "quantity": "relative_ame_difference"}, "compare_to"),
    ({"statement": "", "model": "vote", "by": "material_text", "quantity": "ame_difference"},
     "by"),
    ({"statement": "", "model": "vote", "quantity": "odds"}, "quantity"),
])
def test_bad_hypothesis_entry_stops_naming_it(entry, key):
    _, specs = _simulate(1, states=20)
    with pytest.raises(DataError) as caught:
        check_entries({"H9": entry}, specs, "tie")
    assert "hypotheses.H9" in str(caught.value) and f"[{key}]" in str(caught.value)


def test_unknown_tie_term_stops():
    _, specs = _simulate(1, states=20)
    with pytest.raises(DataError, match="tie term"):
        check_entries({"H1": {"statement": "", "model": "vote", "quantity": "ame"}}, specs,
                      "no_such_tie")
