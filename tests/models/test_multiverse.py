"""The multiverse of tie-effect specifications and randomisation inference, on simulated panels."""

from __future__ import annotations

import copy
import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import special
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from abstention.errors import DataError
from abstention.models import multiverse
from abstention.models.configured import fit_spec, fit_spec_imputed
from abstention.models.multiverse import (
    STATUSES,
    enumerate_specifications,
    observed_effect,
    permutation_chunk,
    randomisation_summary,
    specification_table,
    summarise,
)
from abstention.models.panel import derive_outcomes
from abstention.models.specs import check_multiverse

TEXTS = ["T1", "T2", "T3"]
GROUPS = ["G1", "G2", "G3"]
SETTINGS = {"alignments": ["none", "ideal_pre"], "ties": ["tie", "volume"],
            "outcome_codings": ["absence_as_not_yes", "absence_excluded"],
            "samples": ["all", "without_group", "without_former_ussr"],
            "estimators": ["logit", "firth_logit", "lpm"], "missing": ["complete", "imputed"],
            "imputations": 2, "controls": ["x"], "categorical": ["un_group"],
            "exclude_states": ["S000"], "mediators": [], "specifications": "all",
            "bootstrap": {"draws": 999, "seed": 3}}
ROOT = Path(__file__).resolve().parents[2]


def _simulate(seed: int, states: int = 150, effect: float = 1.0) -> tuple[pd.DataFrame,
                                                                          pd.DataFrame]:
    """A panel of `states` over three texts with a 0/1 tie, a continuous tie volume, an alignment
    score and a control missing for a tenth of the states, and two completed data sets."""
    rng = np.random.default_rng(seed)
    group = rng.choice(GROUPS, states)
    tie = (rng.uniform(size=states) < 0.3).astype(float)
    volume = tie * rng.uniform(1, 3, states)
    ideal = rng.normal(size=states)
    x = rng.normal(size=states)
    former = (rng.uniform(size=states) < 0.1).astype(float)
    rows = []
    for t, text in enumerate(TEXTS):
        eta = -0.8 + 0.2 * t + 0.7 * ideal + 0.3 * x + effect * tie
        withheld = rng.uniform(size=states) < special.expit(eta)
        away = rng.uniform(size=states) < 0.3
        skip = rng.uniform(size=states) < special.expit(-0.5 + effect * tie)
        for i in range(states):
            vote = ("absent" if away[i] else "abstain") if withheld[i] else "yes"
            rows.append({"iso3": f"S{i:03d}", "res_id": text, "symbol": text, "vote": vote,
                         "cosponsor": int(vote == "yes" and not skip[i]), "tie": tie[i],
                         "volume": volume[i], "ideal_pre": ideal[i], "x": x[i],
                         "former_ussr": former[i], "has_sponsor_list": text != "T3",
                         "un_group": group[i]})
    panel = derive_outcomes(pd.DataFrame(rows))
    hidden = panel["iso3"].isin([f"S{i:03d}" for i in range(1, states, 10)])
    panel.loc[hidden, "x"] = np.nan
    states_x = panel.drop_duplicates("iso3")[["iso3", "x"]]
    imputations = pd.concat([states_x.assign(x=states_x["x"].fillna(fill), imputation=number)
                             for number, fill in ((1, -0.5), (2, 0.5))], ignore_index=True)
    return panel, imputations


def _model(row: pd.Series) -> dict:
    """The configured-model form of one multiverse specification."""
    pooled = row["text"] == "pooled"
    covariates = [row["tie"], "x"] + ([] if row["alignment"] == "none" else [row["alignment"]])
    spec = {"name": "cell", "outcome": "not_yes", "covariates": covariates,
            "categorical": ["un_group"], "fixed_effects": ["res_id"] if pooled else [],
            "resolutions": TEXTS if pooled else [row["text"]], "exclude_states": ["S000"],
            "estimator": row["estimator"],
            "cov_type": "cluster" if pooled else
            ("nonrobust" if row["estimator"] == "firth_logit" else "HC1")}
    if row["estimand"] == "H2":
        spec.update(outcome="not_cosponsor", only_votes=["yes"])
    elif row["outcome_coding"] == "absence_excluded":
        spec["only_votes"] = ["yes", "abstain", "no"]
    if row["sample"] == "without_former_ussr":
        spec["exclude_where"] = {"former_ussr": 1}
    elif row["sample"] != "all":
        spec["exclude_groups"] = [row["sample"].removeprefix("without ")]
    return spec


@pytest.fixture(scope="module")
def simulated():
    # Enough states that the tie has at least ten informative states on each side of the
    # outcome in nearly every specification (the rule that withholds Wald inference otherwise).
    panel, imputations = _simulate(1, states=400)
    return panel, imputations, specification_table(panel, imputations, SETTINGS, TEXTS)


def test_every_choice_is_crossed(simulated):
    _, _, table = simulated
    samples = 1 + len(GROUPS) + 1
    h1 = 2 * 2 * 2 * samples * 3 * 2 * (len(TEXTS) + 1)
    h2 = 2 * 2 * samples * 3 * 2 * 3
    assert len(table) == h1 + h2
    assert set(table["status"]) <= set(STATUSES)
    assert (table["status"] == "ok").mean() > 0.9
    ok = table[table["status"] == "ok"]
    assert np.isfinite(ok[["estimate", "ci_low", "ci_high", "p_wild", "std_estimate"]]
                       .astype(float)).all().all()
    assert (table.loc[table["status"] != "ok", "reason"] != "").all()


@pytest.mark.parametrize("choice", [
    {"estimator": "logit", "text": "pooled", "tie": "tie", "missing": "complete"},
    {"estimator": "lpm", "text": "T1", "tie": "volume", "missing": "complete"},
    {"estimator": "firth_logit", "text": "T2", "tie": "tie", "missing": "complete",
     "sample": "without G2"},
    {"estimator": "firth_logit", "text": "pooled", "tie": "volume", "missing": "complete",
     "estimand": "H2"},
    {"estimator": "logit", "text": "T1", "tie": "tie", "missing": "imputed",
     "alignment": "ideal_pre", "outcome_coding": "absence_excluded"},
])
def test_a_cell_equals_the_model_fitted_alone(simulated, choice):
    panel, imputations, table = simulated
    defaults = {"estimand": "H1", "alignment": "none", "outcome_coding": "absence_as_not_yes",
                "sample": "all"}
    wanted = {**defaults, **choice}
    if wanted["estimand"] == "H2":
        wanted["outcome_coding"] = "yes_voters"
    row = table.loc[(table[list(wanted)] == pd.Series(wanted)).all(axis=1)].iloc[0]
    assert row["status"] == "ok"
    spec = _model(row)
    result = (fit_spec_imputed(panel, imputations, {**spec, "missing": "imputed"})
              if row["missing"] == "imputed" else fit_spec(panel, spec, profile=False))
    margin = result.margins.set_index("term").loc[row["tie"]]
    assert row["estimate"] == pytest.approx(margin["estimate"], rel=1e-6, abs=1e-9)
    assert row["ci_low"] == pytest.approx(margin["ci_low"], rel=1e-5, abs=1e-7)
    assert row["ci_high"] == pytest.approx(margin["ci_high"], rel=1e-5, abs=1e-7)
    assert row["n"] == result.fit["n"]


def test_a_separated_logit_keeps_its_estimate_without_inference():
    panel, imputations = _simulate(2)
    panel.loc[panel["tie"] == 1, ["vote", "not_yes"]] = ["abstain", 1.0]
    settings = {**SETTINGS, "estimators": ["logit", "firth_logit"], "missing": ["complete"],
                "ties": ["tie"], "samples": ["all"], "outcome_codings": ["absence_as_not_yes"],
                "alignments": ["none"]}
    table = specification_table(panel, imputations, settings, TEXTS)
    h1 = table[table["estimand"] == "H1"].set_index(["estimator", "text"])
    separated = h1.loc[("logit", "pooled")]
    assert separated["status"] == "separated" and np.isfinite(separated["estimate"])
    assert np.isnan(separated[["ci_low", "ci_high", "p_wild"]].astype(float)).all()
    # Firth has a finite estimate, but every state with the tie withholds: no state on the
    # other side of the outcome, so no Wald inference either (the few-clusters rule).
    firth = h1.loc[("firth_logit", "pooled")]
    assert firth["status"] == "few_clusters" and np.isfinite(firth["estimate"])
    assert np.isnan(firth[["ci_low", "ci_high", "p_wild"]].astype(float)).all()


@pytest.mark.parametrize(("missing", "variance", "reason"), [
    ("complete", -1.0, r"^variance of the effect is not a positive number \(-1\)$"),
    ("imputed", -1.0, r"\(-1 in 2 of 2 completed data sets\)"),
    ("complete", np.nan, r"\(nan\)"),
])
def test_a_fit_without_positive_variance_keeps_its_estimate_without_inference(monkeypatch,
                                                                             missing, variance,
                                                                             reason):
    """The real fits with their variance replaced: a variance that is negative (as the sandwich
    of a logit running off towards infinity can be) or missing is neither ok nor a warning."""
    panel, imputations = _simulate(4, states=60)
    settings = {**SETTINGS, "estimators": ["lpm"], "missing": [missing], "ties": ["tie"],
                "samples": ["all"], "outcome_codings": ["absence_as_not_yes"],
                "alignments": ["none"]}
    fit_one = multiverse.fit_one
    monkeypatch.setattr(multiverse, "fit_one", lambda *args: dataclasses.replace(
        fit_one(*args), variance=variance))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = specification_table(panel, imputations, settings, TEXTS)
    assert (table["status"] == "no_inference").all()
    assert table["reason"].str.contains(reason).all()
    assert np.isfinite(table["estimate"]).all()
    assert table[["ci_low", "ci_high", "p_wild"]].isna().all().all()


def test_chunks_gather_to_one_run(simulated):
    panel, imputations, whole = simulated
    parts = pd.concat([specification_table(panel, imputations, SETTINGS, TEXTS, chunk, 3)
                       for chunk in range(3)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, parts)


def test_subsample_is_evenly_spaced_and_fixed():
    full = enumerate_specifications(SETTINGS, TEXTS, TEXTS[:2], GROUPS)
    kept = enumerate_specifications({**SETTINGS, "specifications": 100}, TEXTS, TEXTS[:2],
                                    GROUPS)
    assert len(kept) == 100 and kept[0] == full[0] and kept[-1] == full[-1]


H1_SPEC = {"name": "h1", "outcome": "not_yes", "covariates": ["tie", "x"], "categorical": [],
           "fixed_effects": ["res_id"], "resolutions": TEXTS, "exclude_states": [],
           "estimator": "lpm"}


def _randomisation_p(seed: int, effect: float, draws: int) -> float:
    panel, imputations = _simulate(seed, states=90, effect=effect)
    null = permutation_chunk(panel, imputations, H1_SPEC, "tie", range(draws), seed)
    observed, _ = observed_effect(panel, imputations, H1_SPEC, "tie")
    return randomisation_summary(null, observed).loc[0, "p"]


def test_randomisation_p_is_about_uniform_under_the_null():
    p_values = np.array([_randomisation_p(seed, 0.0, 99) for seed in range(40)])
    assert 0.35 < p_values.mean() < 0.65
    assert (p_values < 0.1).mean() < 0.25


def test_randomisation_p_is_small_under_a_strong_effect():
    assert _randomisation_p(5, 2.0, 199) < 0.02


def test_permutation_chunks_gather_to_one_run():
    panel, imputations = _simulate(3, states=60)
    whole = permutation_chunk(panel, imputations, H1_SPEC, "tie", range(6), 4)
    parts = pd.concat([permutation_chunk(panel, imputations, H1_SPEC, "tie", chunk, 4)
                       for chunk in (range(0, 4), range(4, 6))], ignore_index=True)
    pd.testing.assert_frame_equal(whole, parts)


@pytest.mark.parametrize(("key", "value"), [("ties", ["tie", "no_such_tie"]),
                                            ("controls", ["no_such_control"]),
                                            ("alignments", ["none", "no_such_score"]),
                                            ("estimators", ["logit", "probit"])])
def test_unknown_variable_or_estimator_stops_naming_the_key(key, value):
    with pytest.raises(DataError) as error:
        check_multiverse({**SETTINGS, key: value}, {"tie", "volume", "x", "ideal_pre",
                                                    "un_group"})
    assert error.value.key == f"multiverse.{key}" and error.value.path == "config/config.yaml"


def test_an_unknown_variable_stops_the_chunk_naming_the_key():
    panel, imputations = _simulate(3, states=40)
    with pytest.raises(DataError, match=r"\[ties\]"):
        specification_table(panel, imputations, {**SETTINGS, "ties": ["nothing"]}, TEXTS)


@pytest.mark.parametrize(("section", "key", "value"), [
    ("multiverse", "chunks", 0), ("randomisation", "chunks", 0),
    ("randomisation", "permutations", 50), ("multiverse", "estimators", ["probit"])])
def test_schema_rejects_bad_sizes_naming_the_key(section, key, value):
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    validate(copy.deepcopy(config), str(ROOT / "workflow" / "schemas" / "config.schema.json"))
    config[section][key] = value
    with pytest.raises(WorkflowError, match=key):
        validate(config, str(ROOT / "workflow" / "schemas" / "config.schema.json"))


def test_summary_takes_the_tie_median_on_its_own_scale_and_the_all_tie_median_per_sd():
    table = pd.DataFrame({
        "curve": "total", "estimand": "H1",
        "tie": ["security_dependence"] * 3 + ["arms_tiv_russia_log"] * 2,
        "estimate": [0.1, 0.3, 0.5, 4.0, 6.0], "p_wild": [0.5, 0.01, 0.01, 0.01, 0.01],
        "std_estimate": [0.05, 0.15, 0.25, 0.4, 0.6], "status": ["ok"] * 5,
    })
    row = summarise(table, "security_dependence", 999).iloc[0]
    assert row["ok"] == 5 and row["share_positive_significant"] == pytest.approx(0.8)
    assert row["tie_ok"] == 3 and row["tie_median_estimate"] == pytest.approx(0.3)
    assert row["median_std_estimate"] == pytest.approx(0.25)
    assert row["tie_share_positive_significant"] == pytest.approx(2 / 3)


def test_summary_keeps_the_direct_effect_apart_from_the_total():
    table = pd.DataFrame({
        "curve": ["total", "total", "direct"], "estimand": "H1", "tie": "security_dependence",
        "estimate": [0.2, 0.4, -0.1], "p_wild": [0.01, 0.01, 0.5],
        "std_estimate": [0.1, 0.2, -0.05], "status": "ok"})
    rows = summarise(table, "security_dependence", 999).set_index("curve")
    assert rows.loc["total", "specifications"] == 2 and rows.loc["direct", "specifications"] == 1
    assert rows.loc["total", "tie_median_estimate"] == pytest.approx(0.3)
    assert rows.loc["direct", "share_positive_significant"] == 0


def test_summary_counts_each_status_and_shares_over_ok_only():
    table = pd.DataFrame({
        "curve": "total", "estimand": "H1", "tie": "security_dependence",
        "estimate": [0.1, 0.3, 0.5, 9.0, 8.0, 0.4, np.nan],
        "std_estimate": [0.1, 0.3, 0.5, 9.0, 8.0, 0.4, np.nan],
        "p_wild": [0.5, 0.01, 0.01, np.nan, np.nan, np.nan, np.nan],
        "status": ["ok", "ok", "ok", "no_inference", "separated", "few_clusters", "failed"],
    })
    row = summarise(table, "security_dependence", 999).iloc[0]
    assert row[list(STATUSES)].to_dict() == {"ok": 3, "separated": 1, "no_inference": 1,
                                             "few_clusters": 1, "failed": 1}
    assert row[list(STATUSES)].sum() == row["specifications"] == 7
    assert row["tie_ok"] == 3 and row["tie_estimated"] == 4
    assert row["tie_median_estimate"] == pytest.approx(0.35)  # ok and few-clusters estimates
    assert row["share_positive_significant"] == pytest.approx(2 / 3)


# --- the wild cluster score bootstrap of each specification -----------------------------------


def _logit_design(seed: int, effect: float, states: int = 120, texts: int = 3):
    """Rows of states on texts, a 0/1 tie, a control and text dummies; noise shared within
    state."""
    rng = np.random.default_rng(seed)
    state = np.repeat(np.arange(states), texts)
    tie = (rng.uniform(size=states) < 0.35).astype(float)[state]
    x = rng.normal(size=len(state))
    text = np.tile(np.eye(texts)[:, 1:], (states, 1))
    shared = rng.normal(0, 0.8, states)[state]
    y = (rng.uniform(size=len(state))
         < special.expit(-0.3 + effect * tie + 0.5 * x + shared)).astype(float)
    X = np.column_stack([np.ones(len(state)), tie, x, text])
    return X, y, state


def test_the_efficient_score_gives_the_score_test_of_statsmodels():
    """Squared, the summed efficient score over its model-based variance is the Lagrange
    multiplier test of the tie in the logit without it (statsmodels' score_test, an independent
    implementation)."""
    import statsmodels.api as sm

    X, y, _ = _logit_design(7, 0.4)
    scores = multiverse.efficient_scores(X, y, "logit")
    rest = np.delete(X, 1, axis=1)
    restricted = sm.Logit(y, rest).fit(disp=0)
    prob = restricted.predict(rest)
    weight = prob * (1 - prob)
    partial = np.linalg.solve(rest.T @ (rest * weight[:, None]), (rest * weight[:, None]).T
                              @ X[:, 1])
    residual_tie = X[:, 1] - rest @ partial
    statistic = scores.sum() ** 2 / (residual_tie ** 2 @ weight)
    reference = restricted.score_test(exog_extra=X[:, [1]])[0]
    assert statistic == pytest.approx(float(np.squeeze(reference)), rel=1e-6)


@pytest.mark.parametrize("estimator", ["logit", "firth_logit", "lpm"])
def test_the_score_bootstrap_rejects_a_null_about_five_percent_of_the_time(estimator):
    weights = multiverse.score_weights(999, 120, 1)
    p_values = np.array([
        multiverse.wild_score_p(np.bincount(state, weights=multiverse.efficient_scores(
            X, y, estimator), minlength=120), weights)
        for X, y, state in (_logit_design(seed, 0.0) for seed in range(200))])
    assert 0.02 <= (p_values < 0.05).mean() <= 0.09
    assert 0.4 < p_values.mean() < 0.6


@pytest.mark.parametrize("estimator", ["logit", "firth_logit", "lpm"])
def test_the_score_bootstrap_finds_a_strong_effect(estimator):
    X, y, state = _logit_design(3, 1.5)
    per_state = np.bincount(state, weights=multiverse.efficient_scores(X, y, estimator))
    assert multiverse.wild_score_p(per_state, multiverse.score_weights(999, 120, 1)) < 0.01


def test_the_score_p_counts_the_observed_draw_and_never_reaches_zero():
    per_state = np.array([1.0, 1.0, 1.0, 1.0])
    weights = np.array([[1.0, 1.0, 1.0, 1.0], [1.0, -1.0, 1.0, -1.0], [-1.0, -1.0, -1.0, -1.0]])
    assert multiverse.wild_score_p(per_state, weights) == pytest.approx((2 + 1) / (3 + 1))
    assert multiverse.wild_score_p(np.array([5.0, 0.0]), np.array([[1.0, 1.0]] * 9)) > 0


def test_a_column_separating_the_refit_is_set_aside_with_its_rows():
    """A group whose members all vote yes separates the logit without the tie: the score is
    that of the rows and columns left, and zero on the group's rows."""
    X, y, _ = _logit_design(9, 0.5)
    group = np.zeros(len(y))
    group[:30] = 1.0
    y = y.copy()
    y[:30] = 0.0
    separated = np.column_stack([X, group])
    scores = multiverse.efficient_scores(separated, y, "logit")
    assert (scores[:30] == 0).all()
    np.testing.assert_allclose(scores[30:], multiverse.efficient_scores(X[30:], y[30:], "logit"),
                               rtol=1e-6, atol=1e-10)


def test_a_logit_settling_with_coefficients_in_the_millions_is_checked_for_separation(
        monkeypatch):
    """Newton's iterations can report convergence on a flat likelihood far along a separating
    direction; such a fit is checked by the linear programme like one that did not converge."""
    X, y, state = _logit_design(4, 0.5)
    y = np.where(X[:, 1] == 1, 1.0, y)                  # every tied state withholds
    runaway = np.zeros(X.shape[1])
    runaway[1] = 1e15
    monkeypatch.setattr(multiverse, "logit_point", lambda X, y: (runaway, True))
    fit = multiverse.fit_one(X, y, state, ["Intercept", "tie", "x", "t2", "t3"], "logit", True)
    assert fit.separated and np.isnan(fit.variance)
