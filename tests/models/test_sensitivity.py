"""Sensitivity to unobserved confounding: the published Darfur example, the defining
properties of the robustness values, and a simulated omitted confounder of known strength."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from abstention.errors import DataError
from abstention.models.sensitivity import (
    adjusted_estimate,
    benchmark_bounds,
    ols_sensitivity,
    partial_r2,
    robustness_value,
)

# Cinelli and Hazlett (2020), section 5: peacefactor on directlyharmed with village fixed
# effects and individual covariates, 783 residual df. Published values as printed in the
# paper and checked in sensemakr's test suite (tests/testthat/test-02-darfur.R).
DARFUR = {"estimate": 0.09731582, "se": 0.02325654, "df": 783, "t": 4.18445,
          "partial_r2": 0.02187309, "rv_q": 0.1387764, "rv_qa": 0.07625797}
DARFUR_FEMALE_BOUNDS = pd.DataFrame({
    "kd": [1, 2, 3],
    "r2dz_x": [0.00916428667504862, 0.0183285733500972, 0.0274928600251459],
    "r2yz_dx": [0.12464092303637, 0.249324064199975, 0.374050471038094],
    "estimate": [0.0752202698486415, 0.0529151689180575, 0.0303960178770157],
    "std_error": [0.0218733298036818, 0.0203500639944344, 0.0186700665753491],
    "t": [3.43890347394571, 2.60024582392121, 1.62806156873318],
    "ci_low": [0.0322829603180086, 0.0129680276030601, -0.00625329133645187],
    "ci_high": [0.118157579379274, 0.092862310233055, 0.0670453270904833],
})
# The benchmark's t-values are not printed in the paper: they are those of `female` in the
# outcome regression above and in the regression of directlyharmed on the same covariates
# (784 df), fitted to sensemakr's `darfur` data.
FEMALE_T_OUTCOME, FEMALE_T_TREATMENT = -9.788837042331853, -2.6804478643014105


def test_darfur_sensitivity_statistics_match_the_published_values():
    t_value, df = DARFUR["estimate"] / DARFUR["se"], DARFUR["df"]
    assert t_value == pytest.approx(DARFUR["t"], abs=5e-6)
    assert partial_r2(t_value, df) == pytest.approx(DARFUR["partial_r2"], abs=1e-7)
    assert robustness_value(t_value, df) == pytest.approx(DARFUR["rv_q"], abs=1e-6)
    assert robustness_value(t_value, df, alpha=0.05) == pytest.approx(DARFUR["rv_qa"],
                                                                      abs=1e-7)


def test_darfur_bounds_for_confounders_like_female_match_the_published_table():
    r2dxj_x = partial_r2(FEMALE_T_TREATMENT, 784)
    r2yxj_dx = partial_r2(FEMALE_T_OUTCOME, DARFUR["df"])
    for row in DARFUR_FEMALE_BOUNDS.itertuples():
        r2dz_x, r2yz_dx = benchmark_bounds(r2dxj_x, r2yxj_dx, kd=row.kd)
        assert (r2dz_x, r2yz_dx) == (pytest.approx(row.r2dz_x, rel=1e-9),
                                     pytest.approx(row.r2yz_dx, rel=1e-9))
        adjusted = adjusted_estimate(DARFUR["estimate"], DARFUR["se"], DARFUR["df"],
                                     r2dz_x, r2yz_dx)
        for key in ["estimate", "std_error", "t", "ci_low", "ci_high"]:
            assert adjusted[key] == pytest.approx(getattr(row, key), rel=1e-8, abs=1e-12)


def test_robustness_values_are_the_strengths_that_remove_the_estimate_or_its_significance():
    estimate, se, df = DARFUR["estimate"], DARFUR["se"], DARFUR["df"]
    rv_q = robustness_value(estimate / se, df)
    assert adjusted_estimate(estimate, se, df, rv_q, rv_q)["estimate"] == pytest.approx(
        0, abs=1e-12)
    rv_half = robustness_value(estimate / se, df, q=0.5)
    assert adjusted_estimate(estimate, se, df, rv_half, rv_half)["estimate"] == \
        pytest.approx(estimate / 2)
    rv_qa = robustness_value(estimate / se, df, alpha=0.05)
    assert adjusted_estimate(estimate, se, df, rv_qa, rv_qa)["t"] == pytest.approx(
        stats.t.ppf(0.975, df - 1))
    assert robustness_value(1.5, df, alpha=0.05) == 0.0
    assert robustness_value(2.0, 100) == pytest.approx(0.1809975, abs=1e-7)


def test_extreme_robustness_value_where_the_treatment_constraint_does_not_bind():
    # sensemakr's tests/testthat/test-10-rv-xrv.R: with 7 df and t = 1/0.3 the RV_{q,alpha}
    # is reached with R2_{Y~Z|D,X} below R2_{D~Z|X}, at the point that gives the critical t.
    estimate, se, df = 1.0, 0.3, 7
    critical = stats.t.ppf(0.975, df - 1)
    rv_qa = robustness_value(estimate / se, df, alpha=0.05)
    r2yz_dx = rv_qa / (critical**2 / (df - 1) + rv_qa)
    assert r2yz_dx < rv_qa
    assert adjusted_estimate(estimate, se, df, rv_qa, r2yz_dx)["t"] == pytest.approx(critical)
    grid = np.linspace(1e-4, 1, 200)
    weaker = np.array([(a * rv_qa, b * r2yz_dx) for a in grid for b in grid])
    assert (adjusted_estimate(estimate, se, df, weaker[:, 0], weaker[:, 1])["t"]
            >= critical - 1e-9).all()


def _partial_r2_of(outcome: np.ndarray, variable: np.ndarray, *others: np.ndarray) -> float:
    design = sm.add_constant(np.column_stack([variable, *others]))
    fit = sm.OLS(outcome, design).fit()
    return float(partial_r2(fit.tvalues[1], fit.df_resid))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bound_at_the_confounders_true_strength_recovers_the_full_estimate(seed):
    """An omitted Z, orthogonal to the benchmark x1 given x2 as the bounds assume, raises
    the estimate. With kd and ky set to Z's true strength relative to x1 the bounds are
    attained: they equal Z's partial R2s, the adjusted estimate and standard error are
    what the regression including Z finds, and the adjusted interval covers the true
    effect."""
    rng = np.random.default_rng(seed)
    n, effect = 2000, 0.3
    x1, x2, noise = rng.normal(size=(3, n))
    residual_maker = np.column_stack([np.ones(n), x1, x2])
    z = noise - residual_maker @ np.linalg.lstsq(residual_maker, noise, rcond=None)[0]
    d = 0.6 * x1 + 0.4 * x2 + 0.5 * z + rng.normal(size=n)
    y = effect * d + 0.4 * x1 + 0.5 * z + x2 + rng.normal(size=n)

    kd = _partial_r2_of(d, z, x2) / _partial_r2_of(d, x1, x2)
    ky = _partial_r2_of(y, z, x2, d) / _partial_r2_of(y, x1, x2, d)
    observed = pd.DataFrame({"d": d, "x1": x1, "x2": x2})
    result = ols_sensitivity(y, observed, "d", ["x1"], multipliers=[(kd, ky)])
    bound = result["bounds"].iloc[0]
    full = sm.OLS(y, sm.add_constant(np.column_stack([d, x1, x2, z]))).fit()

    assert bound["r2dz_x"] == pytest.approx(_partial_r2_of(d, z, x1, x2), rel=1e-9)
    assert bound["r2yz_dx"] == pytest.approx(_partial_r2_of(y, z, d, x1, x2), rel=1e-9)
    assert bound["adjusted_estimate"] == pytest.approx(full.params[1], rel=1e-9)
    assert bound["adjusted_std_error"] == pytest.approx(full.bse[1], rel=1e-9)
    assert result["estimate"] > bound["adjusted_ci_high"]
    assert bound["adjusted_ci_low"] <= effect <= bound["adjusted_ci_high"]


def test_ols_sensitivity_fits_classical_ols():
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.normal(size=(300, 3)), columns=["ties", "alignment", "gdp"])
    y = 0.2 * X["ties"] + X["alignment"] + rng.normal(size=300)
    result = ols_sensitivity(y.to_numpy(), X, "ties", ["alignment", "gdp"], multipliers=(1, 2))
    fit = sm.OLS(y, sm.add_constant(X)).fit()
    assert result["estimate"] == pytest.approx(fit.params["ties"])
    assert result["std_error"] == pytest.approx(fit.bse["ties"])
    assert result["t"] == pytest.approx(fit.tvalues["ties"])
    assert result["df"] == fit.df_resid == 296
    assert list(result["bounds"]["benchmark"]) == ["alignment", "alignment", "gdp", "gdp"]
    treatment_fit = sm.OLS(X["ties"], sm.add_constant(X[["alignment", "gdp"]])).fit()
    assert result["bounds"]["r2dxj_x"].iloc[0] == pytest.approx(
        partial_r2(treatment_fit.tvalues["alignment"], treatment_fit.df_resid))
    assert result["bounds"]["r2yxj_dx"].iloc[2] == pytest.approx(
        partial_r2(fit.tvalues["gdp"], fit.df_resid))


@pytest.mark.parametrize("change, benchmarks, key", [
    (lambda X, y: (X, y), ["no_such"], "X"),
    (lambda X, y: (X, y), ["ties"], "benchmarks"),
    (lambda X, y: (X.assign(copy=X["alignment"] * 2), y), ["alignment"], "X"),
    (lambda X, y: (X, np.where(np.arange(len(y)) == 3, np.nan, y)), ["alignment"], "rows"),
])
def test_bad_input_stops_naming_the_problem(change, benchmarks, key):
    rng = np.random.default_rng(6)
    X = pd.DataFrame(rng.normal(size=(50, 2)), columns=["ties", "alignment"])
    X, y = change(X, rng.normal(size=50))
    with pytest.raises(DataError) as caught:
        ols_sensitivity(y, X, "ties", benchmarks)
    assert f"[{key}]" in str(caught.value)


def test_impossible_multiplier_stops():
    with pytest.raises(DataError, match=r"\[kd\]"):
        benchmark_bounds(0.4, 0.1, kd=3)
