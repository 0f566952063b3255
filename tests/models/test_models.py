"""Model specifications: bad specs stop before fitting; real fits refit independently."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest
import yaml

from abstention.errors import DataError
from abstention.models.configured import (
    fit_configured,
    fit_spec,
    model_sample,
    predictions,
    read_predictors,
    write_model,
)
from abstention.models.panel import derive_outcomes
from abstention.models.specs import resolve_spec

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())


@pytest.fixture
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 120
    arms = rng.uniform(0, 1, n)
    frame = pd.DataFrame({
        "iso3": [f"S{i:03d}" for i in range(n)],
        "symbol": "A/RES/ES-11/1",
        "res_id": "A/RES/ES-11/1",
        "un_group": rng.choice(["African", "Asia-Pacific"], n),
        "arms": arms,
        "cosponsor": rng.integers(0, 2, n),
        "vote": np.where(rng.uniform(size=n) < 0.2 + 0.5 * arms, "abstain", "yes"),
    })
    return derive_outcomes(frame)


def spec(**overrides) -> dict:
    base = {"outcome": "not_yes", "estimator": "logit", "resolutions": ["A/RES/ES-11/1"],
            "covariates": ["arms"], "categorical": [], "cov_type": "HC1"}
    return resolve_spec("test_spec", {**base, **overrides},
                        {"model_defaults": {}, "covariate_sets": {}})


@pytest.mark.parametrize("overrides, key", [
    ({"covariates": ["arms", "no_such_variable"]}, "variables"),
    ({"resolutions": ["A/RES/ES-11/99"]}, "resolutions"),
    ({"only_votes": ["yes"]}, "outcome"),
    ({"exclude_groups": ["African", "Asia-Pacific"]}, "sample"),
    ({"covariates": "no_such_set"}, "covariates"),
])
def test_bad_spec_stops_naming_the_spec(panel, overrides, key):
    with pytest.raises(DataError) as caught:
        model_sample(panel, spec(**overrides))
    message = str(caught.value)
    assert "models.test_spec" in message and (f"[{key}]" in message or f".{key}]" in message)


def test_spec_recovers_effect_on_simulated_panel(panel):
    result = fit_spec(panel, spec())
    arms = result.coefficients.set_index("term").loc["arms", "estimate"]
    assert arms > 0 and result.fit["n"] == 120 and result.fit["name"] == "test_spec"


@pytest.mark.parametrize("missing", ["complete", "imputed"])
def test_predictions_from_stored_fits_equal_the_fitted_model(panel, tmp_path, missing):
    """Prediction reads what the model job wrote instead of refitting: the stored predictor
    must predict exactly what the fitted one does, for every completed data set."""
    panel = panel.assign(arms=panel["arms"].mask(panel.index % 10 == 0),
                         date=pd.Timestamp("2022-03-02"),
                         a_region=np.where(panel.index % 3 == 0, "north", "south"))
    draws = np.random.default_rng(3).uniform(0, 1, (3, len(panel)))
    imputations = pd.concat([
        pd.DataFrame({"imputation": number, "iso3": panel["iso3"],
                      "arms": panel["arms"].fillna(pd.Series(draws[number - 1]))})
        for number in (1, 2, 3)], ignore_index=True)
    # two fixed effects whose names sort against their order: the stored design must keep it
    model = spec(missing=missing, estimator="firth_logit", cov_type="cluster",
                 categorical=["un_group", "a_region"])
    result = fit_configured(panel, imputations, model)
    write_model(result, tmp_path)
    stored = read_predictors(tmp_path / "fit.json", tmp_path / "parameters.parquet")
    fitted = result.imputation_predictors or {0: result.predictor}
    assert sorted(stored) == sorted(fitted) == ([0] if missing == "complete" else [1, 2, 3])
    states = ["S001", "S010", "S055"]
    for number, predictor in stored.items():
        np.testing.assert_array_equal(predictor.params, fitted[number].params)
        np.testing.assert_array_equal(predictor.cov, fitted[number].cov)
    from_files = predictions(panel, imputations, model, states, stored)
    in_memory = predictions(panel, imputations, model, states, fitted)
    pd.testing.assert_frame_equal(from_files, in_memory)
    assert from_files["iso3"].tolist() == (["S001", "S055"] if missing == "complete"
                                           else states)
    assert from_files["prob"].between(0, 1).all()


def test_mnlogit_leaves_out_states_without_the_right_to_vote():
    rng = np.random.default_rng(11)
    n = 400
    arms = rng.uniform(0, 1, n)
    votes = np.where(arms + rng.normal(0, 0.4, n) > 0.7, "abstain",
                     rng.choice(["yes", "absent", "no"], n, p=[0.8, 0.1, 0.1]))
    votes[:7] = "no_right_to_vote"
    frame = derive_outcomes(pd.DataFrame({
        "iso3": [f"S{i:03d}" for i in range(n)], "symbol": "A/RES/ES-11/1",
        "res_id": "A/RES/ES-11/1", "un_group": "African", "arms": arms, "cosponsor": 0,
        "vote": votes,
    }))
    result = fit_spec(frame, spec(outcome="vote", estimator="mnlogit"))
    assert result.fit["n"] == n - 7
    assert set(result.coefficients["equation"]) == {"abstain", "absent", "no"}
    without_no = fit_spec(frame, spec(outcome="vote", estimator="mnlogit",
                                      only_votes=["yes", "abstain", "absent"]))
    assert without_no.fit["n"] == n - 7 - int((votes == "no").sum())
    assert set(without_no.coefficients["equation"]) == {"abstain", "absent"}


def test_every_configured_spec_resolves():
    for name in CONFIG["models"]:
        full = resolve_spec(name, CONFIG["models"][name], CONFIG)
        assert full["covariates"] and full["estimator"] and full["cov_type"]


def _fitted_models(results: Path, estimator: str) -> list[Path]:
    """Complete-case fits of one estimator: their design is the exact estimation sample (an
    imputed model's estimates are pooled over designs that differ in the imputed cells)."""
    folders = []
    for name in sorted(CONFIG["models"]):
        fit = json.loads((results / "models" / name / "fit.json").read_text())
        if fit["estimator"] == estimator and fit["missing"] == "complete":
            folders.append(results / "models" / name)
    assert folders, f"no complete-case {estimator} model to refit"
    return folders


def _design(folder: Path) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    design = pd.read_parquet(folder / "design.parquet")
    coefficients = pd.read_csv(folder / "coefficients.csv")
    y = design.iloc[:, 0].to_numpy(float)
    X = design[coefficients["term"].tolist()].to_numpy(float)
    return X, y, coefficients


@pytest.mark.workflow
def test_linear_probability_model_refits_with_least_squares(workflow_results):
    for folder in _fitted_models(workflow_results, "lpm"):
        X, y, coefficients = _design(folder)
        beta = np.linalg.lstsq(X, y, rcond=None)[0]
        np.testing.assert_allclose(beta, coefficients["estimate"], atol=1e-8)


@pytest.mark.workflow
def test_firth_estimate_solves_the_modified_score_equations(workflow_results):
    for folder in _fitted_models(workflow_results, "firth_logit"):
        X, y, coefficients = _design(folder)
        p = 1 / (1 + np.exp(-X @ coefficients["estimate"].to_numpy()))
        w = p * (1 - p)
        xw = X * np.sqrt(w)[:, None]
        hat = np.einsum("ij,jk,ik->i", xw, np.linalg.inv(xw.T @ xw), xw)
        score = X.T @ (y - p + hat * (0.5 - p))
        np.testing.assert_allclose(score, 0, atol=1e-5)


@pytest.mark.workflow
def test_outputs_and_validation_exist_for_every_model(workflow_results):
    for name in CONFIG["models"]:
        folder = workflow_results / "models" / name
        for part in ("coefficients.csv", "margins.csv", "fit.json", "design.parquet"):
            assert (folder / part).exists(), f"{name}/{part}"
    validation = pd.read_csv(workflow_results / "models/validation.csv")
    assert set(validation["model"]) == {CONFIG["validation"]["model"],
                                        *CONFIG["validation"]["baselines"]}
    assert validation["auc"].between(0, 1).all()
    predictions = pd.read_csv(workflow_results / "models/predictions.csv")
    assert set(CONFIG["prediction_states"]) <= set(predictions["iso3"])


def test_config_schema_accepts_the_config_and_rejects_unquoted_yes():
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.json").read_text())
    jsonschema.validate(CONFIG, schema)
    broken = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    broken["models"]["h2_cosponsor"]["only_votes"] = yaml.safe_load("[yes]")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


@pytest.mark.workflow
def test_no_separated_term_carries_inference(workflow_results):
    """Every maximum-likelihood fit with separation marks the separated terms and prints no
    standard error, test or interval for them; the hypothesis models have no separated term."""
    marked = 0
    for name in sorted(CONFIG["models"]):
        fit_file = workflow_results / "models" / name / "fit.json"
        fit = json.loads(fit_file.read_text())
        for table in ("coefficients.csv", "margins.csv"):
            rows = pd.read_csv(fit_file.parent / table)
            separated = rows[rows["separated"]]
            assert separated[["std_error", "z", "p", "ci_low", "ci_high"]].isna().all().all()
            marked += len(separated)
            if fit["estimator"] == "firth_logit":
                assert separated.empty, fit_file.parent.name
    assert marked > 0


@pytest.mark.workflow
def test_hypotheses_and_coverage_on_real_data(workflow_results):
    hypotheses = pd.read_csv(workflow_results / "models/hypotheses.csv")
    primary = hypotheses[hypotheses["primary"]]
    assert sorted(set(primary["hypothesis"])) == ["H1", "H1w", "H2", "H2w", "H3", "H4"]
    assert np.isfinite(primary[["estimate", "ci_low", "ci_high", "p", "mde"]].to_numpy()).all()
    assert primary["n_treated"].notna().all()
    within = primary[primary["model"].str.startswith("within_")].set_index("hypothesis")
    assert sorted(within.loc["H4", "quantity"]) == ["not_yes_CHN", "not_yes_USA"]
    assert np.isfinite(within["p_wild"].to_numpy()).all()
    assert (within["n_treated"] >= 10).all()
    assert (within.loc[["H1w", "H2w"], "n_opposed_texts"] >= 100).all()
    assert within.loc["H2w", "n_opportunities"] >= 1000
    # The randomisation test: H1's bootstrap row, H1w, H4, and H2w's effect on co-sponsoring.
    tested = hypotheses.set_index(["hypothesis", "quantity"])["p_ri"]
    for key in [("H1", "ame_bootstrap"), ("H1w", "not_yes_RUS"), ("H4", "not_yes_USA"),
                ("H4", "not_yes_CHN"), ("H2w", "not_cosponsor_joined_RUS")]:
        assert 0 < tested[key] <= 1
    main = json.loads((workflow_results / "models/h1_vote/fit.json").read_text())
    assert main["states"] >= 185 and main["missing"] == "imputed"
    israel = pd.read_csv(workflow_results / "models/israel_cosponsorship.csv")
    assert len(israel) >= 15 and israel["prob"].between(0, 1).all()


def test_pooling_keeps_the_estimate_of_a_term_without_inference():
    """A one-state dummy has no clustered standard error in any completed data set; the pooled
    table still quotes its estimate (the mean, Rubin's point estimate), not a blank."""
    from abstention.models.configured import _pool

    def table(estimate, dummy):
        return pd.DataFrame({"equation": ["1", "1"], "term": ["x", "dummy"],
                             "estimate": [estimate, dummy], "std_error": [0.1, np.nan],
                             "separated": [False, False], "few_clusters": [False, True]})

    pooled = _pool([table(0.2, 0.4), table(0.4, 0.6)]).set_index("term")
    assert pooled.loc["dummy", "estimate"] == pytest.approx(0.5)
    assert pooled.loc["dummy", ["std_error", "p", "ci_low", "ci_high"]].isna().all()
    assert pooled.loc["x", "estimate"] == pytest.approx(0.3)
