"""Out-of-sample checks on a simulated panel where one covariate carries the signal and another is
pure noise: the true model must win, scores must be proper and runs reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from abstention.errors import DataError
from abstention.models.validation import LORO, out_of_sample, roc_auc, state_folds

SYMBOLS = ["A/RES/ES-11/1", "A/RES/ES-11/2", "A/RES/ES-11/3"]
GROUPS = ["African", "Asia-Pacific", "EEG", "GRULAC", "WEOG"]


def simulated_panel(n_states: int = 240, seed: int = 3) -> pd.DataFrame:
    """Logit truth: resolution intercepts plus 2.0 * signal; noise has no effect."""
    rng = np.random.default_rng(seed)
    states = [f"S{i:03d}" for i in range(n_states)]
    signal = rng.normal(size=n_states)
    frame = pd.DataFrame({
        "iso3": np.repeat(states, len(SYMBOLS)),
        "symbol": np.tile(SYMBOLS, n_states),
        "un_group": np.repeat(rng.choice(GROUPS, size=n_states), len(SYMBOLS)),
        "signal": np.repeat(signal, len(SYMBOLS)),
        "noise": rng.normal(size=n_states * len(SYMBOLS)),
    })
    frame["res_id"] = frame["symbol"]
    shift = frame["symbol"].map(dict(zip(SYMBOLS, [-1.0, -0.5, 0.0], strict=True)))
    eta = shift + 2.0 * frame["signal"]
    frame["not_yes"] = (eta + rng.logistic(size=len(frame)) > 0).astype(int)
    frame["vote"] = np.where(frame["not_yes"] == 1, "abstain", "yes")
    return frame


def spec(name: str, covariates: list[str], categorical: list[str]) -> dict:
    return {"name": name, "outcome": "not_yes", "covariates": covariates,
            "categorical": categorical, "fixed_effects": ["res_id"], "resolutions": SYMBOLS,
            "exclude_states": [], "estimator": "logit", "cov_type": "HC1"}


MAIN = spec("main", ["signal"], ["un_group"])
BASELINES = {"noise only": spec("noise only", ["noise"], []),
             "region only": spec("region only", [], ["un_group"])}


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return simulated_panel()


@pytest.fixture(scope="module")
def checked(panel) -> tuple[pd.DataFrame, pd.DataFrame]:
    return out_of_sample(panel, MAIN, BASELINES, folds=5, seed=11, replicates=200)


@pytest.fixture(scope="module")
def scores(checked) -> pd.DataFrame:
    return checked[0]


def test_differences_favour_the_true_model_with_intervals(checked):
    """The signal model beats pure noise by a margin its bootstrap interval confirms, and the
    point difference equals the difference of the scores table."""
    scores, differences = checked
    noise = differences[(differences["baseline"] == "noise only")
                        & (differences["measure"] == "auc")]
    assert len(noise) == 2 and (noise["ci_low"] > 0).all()
    assert (noise["ci_low"] <= noise["difference"]).all()
    assert (noise["difference"] <= noise["ci_high"]).all()
    loro = scores[scores["check"] == LORO].set_index("model")["auc"]
    row = noise[noise["check"] == LORO].iloc[0]
    assert row["difference"] == pytest.approx(loro["main"] - loro["noise only"])


def test_one_row_per_check_and_model(scores):
    assert list(scores.columns) == ["check", "model", "auc", "brier", "n", "n_dropped",
                                    "not_converged"]
    assert set(scores["check"]) == {LORO, "5-fold cross-validation"}
    for _, check in scores.groupby("check"):
        assert list(check["model"]) == ["main", "noise only", "region only"]


def test_true_model_beats_noise(scores):
    for _, check in scores.groupby("check"):
        auc = check.set_index("model")["auc"]
        brier = check.set_index("model")["brier"]
        assert auc["main"] > 0.75
        assert auc["main"] > auc["noise only"] + 0.15
        assert brier["main"] < brier["noise only"]


def test_scores_are_proper(scores):
    assert scores["brier"].between(0.0, 1.0).all()
    assert scores["auc"].between(0.0, 1.0).all()


def test_every_row_is_scored_once_and_counted(panel, scores):
    assert (scores["n"] == len(panel)).all()
    assert (scores["n_dropped"] == 0).all()


def test_same_seed_same_result(panel, scores):
    again = out_of_sample(panel, MAIN, BASELINES, folds=5, seed=11, replicates=200)[0]
    pd.testing.assert_frame_equal(scores, again)


def test_folds_never_split_a_state_and_depend_on_the_seed(panel):
    folds = state_folds(panel["iso3"], 5, seed=11)
    assert (panel.assign(fold=folds).groupby("iso3")["fold"].nunique() == 1).all()
    per_fold = panel.assign(fold=folds).groupby("fold")["iso3"].nunique()
    assert sorted(per_fold.index) == list(range(5))
    assert per_fold.max() - per_fold.min() <= 1
    pd.testing.assert_series_equal(folds, state_folds(panel["iso3"], 5, seed=11))
    assert not folds.equals(state_folds(panel["iso3"], 5, seed=12))


def test_unseen_level_is_dropped_and_counted():
    panel = simulated_panel(n_states=120)
    panel.loc[panel["iso3"] == "S000", "un_group"] = "Other"
    scores = out_of_sample(panel, MAIN, BASELINES, folds=4, seed=1, replicates=100)[0]
    kfold = scores[scores["check"] == "4-fold cross-validation"]
    # S000 is the only state in its group, so no training fold has seen its level.
    assert (kfold["n_dropped"] == len(SYMBOLS)).all()
    assert (kfold["n"] == len(panel) - len(SYMBOLS)).all()
    loro = scores[scores["check"] == LORO]
    assert (loro["n"] == len(panel)).all()


def test_baseline_missing_on_main_rows_is_an_error(panel):
    broken = panel.copy()
    broken.loc[0, "noise"] = np.nan
    with pytest.raises(DataError, match="noise only"):
        out_of_sample(broken, MAIN, BASELINES, folds=5, seed=11, replicates=100)


def test_too_many_folds_is_an_error(panel):
    with pytest.raises(DataError, match="folds"):
        state_folds(panel["iso3"], 10_000, seed=0)


def test_roc_auc_is_scikit_learns_to_the_bit():
    rng = np.random.default_rng(5)
    for _ in range(300):
        n = int(rng.integers(3, 200))
        y = (rng.random(n) < rng.uniform(0.05, 0.95)).astype(int)
        if len(np.unique(y)) < 2:
            continue
        p = np.round(rng.random(n), int(rng.integers(1, 5)))  # ties, as clipped predictions have
        assert roc_auc(y, p) == float(roc_auc_score(y, p))
