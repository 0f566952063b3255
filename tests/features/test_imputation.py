"""Chained-equations imputation and Rubin's rules: hand arithmetic, simulate-and-recover,
determinism and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.imputation.mice import MICEData

from abstention.errors import DataError
from abstention.features.imputation import _MainEffectsMICEData, impute_chained
from abstention.models.pooling import rubin_pool


def test_rubin_pool_matches_hand_arithmetic():
    # m = 3 fits of one coefficient.
    # mean estimate  Q = (1.0 + 1.2 + 1.4) / 3 = 1.2
    # within         W = (0.04 + 0.05 + 0.06) / 3 = 0.05
    # between        B = ((-0.2)^2 + 0^2 + 0.2^2) / (3 - 1) = 0.04
    # total          T = W + (1 + 1/3) B = 0.05 + 0.16/3 = 0.31/3
    # r = (4/3) B / W = 16/15; lambda = (4/3) B / T = 16/31
    # Rubin df = (m - 1) (1 + 1/r)^2 = 2 (31/16)^2 = 961/128
    # Barnard-Rubin with complete df 10: df_obs = 11/13 * 10 * (1 - 16/31) = 1650/403,
    #   df = df_rubin df_obs / (df_rubin + df_obs)
    # fmi = (r + 2/(df_rubin + 3)) / (1 + r) = (16/15 + 256/1345) / (31/15)
    estimates = np.array([[1.0], [1.2], [1.4]])
    variances = np.array([[0.04], [0.05], [0.06]])
    total = 0.31 / 3
    rubin_df = 961 / 128
    fmi = (16 / 15 + 256 / 1345) / (31 / 15)

    pooled = rubin_pool(estimates, variances).iloc[0]
    assert pooled["estimate"] == pytest.approx(1.2)
    assert pooled["within"] == pytest.approx(0.05)
    assert pooled["between"] == pytest.approx(0.04)
    assert pooled["std_error"] == pytest.approx(np.sqrt(total))
    assert pooled["df"] == pytest.approx(rubin_df)
    assert pooled["fmi"] == pytest.approx(fmi)
    half = stats.t.ppf(0.975, rubin_df) * np.sqrt(total)
    assert (pooled["ci_low"], pooled["ci_high"]) == pytest.approx((1.2 - half, 1.2 + half))
    assert pooled["p"] == pytest.approx(2 * stats.t.sf(1.2 / np.sqrt(total), rubin_df))

    observed_df = 1650 / 403
    adjusted = rubin_pool(estimates, variances, complete_df=10).iloc[0]
    assert adjusted["df"] == pytest.approx(rubin_df * observed_df / (rubin_df + observed_df))
    assert adjusted["std_error"] == pytest.approx(np.sqrt(total))
    assert adjusted["fmi"] == pytest.approx(fmi)


def test_rubin_pool_without_missing_data_is_the_complete_data_answer():
    estimate, variance = np.array([0.3, -1.1]), np.array([0.01, 0.25])
    repeated = np.tile(estimate, (5, 1)), np.tile(variance, (5, 1))
    for complete_df, critical in [(None, stats.norm.ppf(0.975)), (40, stats.t.ppf(0.975, 40))]:
        pooled = rubin_pool(*repeated, complete_df=complete_df)
        se = np.sqrt(variance)
        np.testing.assert_allclose(pooled["estimate"], estimate)
        np.testing.assert_allclose(pooled["std_error"], se)
        np.testing.assert_allclose(pooled["df"], np.inf if complete_df is None else complete_df)
        np.testing.assert_allclose(pooled["ci_low"], estimate - critical * se)
        np.testing.assert_allclose(pooled["ci_high"], estimate + critical * se)
        np.testing.assert_allclose(pooled["fmi"], 0.0)


def test_rubin_pool_gives_no_inference_for_a_coefficient_that_does_not_exist():
    estimates = pd.DataFrame({"ties": [0.5, 0.7, 0.6], "separated": [3.0, np.inf, 4.0]})
    variances = pd.DataFrame({"ties": [0.01, 0.02, 0.01], "separated": [1.0, np.nan, 2.0]})
    pooled = rubin_pool(estimates, variances)
    assert list(pooled.index) == ["ties", "separated"]
    assert pooled.loc["separated"].isna().all()
    assert pooled.loc["ties"].notna().all()


def _ols(y: np.ndarray, columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    design = np.column_stack([np.ones(len(y)), *columns])
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    residuals = y - design @ coefficients
    sigma2 = residuals @ residuals / (len(y) - design.shape[1])
    return coefficients, sigma2 * np.diag(np.linalg.inv(design.T @ design))


def _missing_at_random(rng: np.random.Generator, n: int = 200) -> pd.DataFrame:
    """y = 1 + 0.5 x + 0.5 z + e; about a quarter of x goes missing, more often when y
    (observed) is high, so complete cases under-represent high y and attenuate the slope."""
    z = rng.normal(size=n)
    x = 0.5 * z + rng.normal(size=n)
    y = 1 + 0.5 * x + 0.5 * z + rng.normal(size=n)
    missing = rng.uniform(size=n) < 1 / (1 + np.exp(-(y - 1 - 1.5)))
    return pd.DataFrame({"x": np.where(missing, np.nan, x), "z": z, "y": y})


def test_imputation_recovers_a_coefficient_that_complete_cases_miss():
    """Predictive mean matching keeps a small attenuation of its own here (donors for
    the high, mostly missing x are scarce; Morris, White and Royston 2014): about half a
    standard error, against more than twice that for complete cases."""
    m, replications, truth = 20, 100, 0.5
    imputed_estimates, complete_case_estimates, covered = [], [], 0
    for replication in range(replications):
        frame = _missing_at_random(np.random.default_rng([11, replication]))
        complete = frame.dropna()
        complete_case_estimates.append(_ols(complete["y"].to_numpy(),
                                            [complete["x"].to_numpy(),
                                             complete["z"].to_numpy()])[0][1])
        fits = [_ols(c["y"].to_numpy(), [c["x"].to_numpy(), c["z"].to_numpy()])
                for c in impute_chained(frame, ["x"], ["z", "y"], m=m, seed=replication)]
        pooled = rubin_pool(np.array([f[0] for f in fits]), np.array([f[1] for f in fits]),
                            complete_df=len(frame) - 3).iloc[1]
        imputed_estimates.append(pooled["estimate"])
        covered += pooled["ci_low"] <= truth <= pooled["ci_high"]
    imputed_bias = np.mean(imputed_estimates) - truth
    complete_case_bias = np.mean(complete_case_estimates) - truth
    assert abs(imputed_bias) < 0.035
    assert complete_case_bias < -0.045
    assert abs(imputed_bias) < abs(complete_case_bias) / 2
    assert 0.89 <= covered / replications <= 1.0


@pytest.fixture
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 150
    frame = pd.DataFrame({
        "arms_share": rng.uniform(0, 1, n),
        "csto": rng.integers(0, 2, n).astype(float),
        "alignment": rng.normal(size=n),
        "not_yes": rng.integers(0, 2, n),
        "un_group": rng.choice(["African", "Asia-Pacific", "Eastern European", "GRULAC"], n),
    }, index=[f"S{i:03d}" for i in range(n)])
    frame.loc[rng.uniform(size=n) < 0.25, "arms_share"] = np.nan
    frame.loc[rng.uniform(size=n) < 0.15, "csto"] = np.nan
    return frame


def test_imputation_fills_only_what_is_missing_and_stays_in_range(survey):
    completed = impute_chained(survey, ["arms_share", "csto"], ["alignment", "not_yes",
                                                                 "un_group"], m=3, seed=1)
    assert len(completed) == 3
    observed = survey.notna()
    for frame in completed:
        assert frame.index.equals(survey.index) and list(frame.columns) == list(survey.columns)
        assert frame[["arms_share", "csto"]].notna().all().all()
        pd.testing.assert_frame_equal(frame.drop(columns=["arms_share", "csto"]),
                                      survey.drop(columns=["arms_share", "csto"]))
        assert (frame[observed] == survey[observed]).sum().sum() == observed.sum().sum()
        assert set(frame["csto"]) <= {0.0, 1.0}
        assert frame["arms_share"].between(0, 1).all()
    assert not completed[0]["arms_share"].equals(completed[1]["arms_share"])


def test_imputation_is_deterministic_given_the_seed(survey):
    args = (survey, ["arms_share", "csto"], ["alignment", "un_group"])
    first, again = impute_chained(*args, m=4, seed=9), impute_chained(*args, m=4, seed=9)
    other = impute_chained(*args, m=4, seed=10)
    for a, b in zip(first, again, strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert not first[0].equals(other[0])


def test_numeric_design_draws_what_statsmodels_formula_path_draws(survey):
    data = survey[["arms_share", "csto", "alignment"]].reset_index(drop=True)
    fast = _MainEffectsMICEData(data, k_pmm=5, rng=np.random.default_rng(3))
    reference = MICEData(data, k_pmm=5, rng=np.random.default_rng(3))
    fast.update_all(3)
    reference.update_all(3)
    pd.testing.assert_frame_equal(fast.data, reference.data)


@pytest.mark.parametrize("change, impute, predictors, m, key", [
    (lambda f: f.assign(csto=np.nan), ["arms_share", "csto"], ["alignment"], 5, "csto"),
    (lambda f: f, ["arms_share", "no_such_column"], ["alignment"], 5, "columns"),
    (lambda f: f, ["arms_share"], ["alignment"], 1, "m"),
    (lambda f: f, ["un_group"], ["alignment"], 5, "un_group"),
    (lambda f: f, ["arms_share"], ["alignment", "csto"], 5, "predictors"),
])
def test_bad_input_stops_naming_the_problem(survey, change, impute, predictors, m, key):
    with pytest.raises(DataError) as caught:
        impute_chained(change(survey), impute, predictors, m=m, seed=1)
    assert f"[{key}]" in str(caught.value)
