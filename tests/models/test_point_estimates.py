"""Point-estimate cores for resampling: the same numbers as ``fit_model`` on real-size designs,
with no statsmodels involved; and the Firth fit without profile likelihood."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from abstention.errors import DataError
from abstention.models import fit as estimators
from abstention.models.firth import firth_point
from abstention.models.fit import fit_model
from abstention.models.links import average_effect
from abstention.models.points import logit_point, lpm_point
from abstention.models.separation import separated_columns

CONTINUOUS = [f"c{i}" for i in range(12)]
BINARY = [f"b{i}" for i in range(4)]
TERMS = CONTINUOUS + BINARY


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    """1,100 rows and 20 design columns (intercept, 16 terms, three group dummies), the size of
    the pooled vote panel."""
    rng = np.random.default_rng(2022)
    n = 1100
    frame = pd.DataFrame(rng.normal(size=(n, 12)), columns=CONTINUOUS)
    for name in BINARY:
        frame[name] = (rng.uniform(size=n) < 0.35).astype(float)
    frame["group"] = rng.choice(["A", "B", "C", "D"], size=n)
    slopes = rng.normal(scale=0.4, size=len(TERMS))
    eta = -0.3 + frame[TERMS].to_numpy() @ slopes + 0.5 * (frame["group"] == "B")
    frame["y"] = (eta + rng.logistic(size=n) > 0).astype(int)
    return frame


def fitted(data: pd.DataFrame, estimator: str, **options):
    result = fit_model(data, "y", TERMS, estimator, "nonrobust", fixed_effects=["group"], **options)
    names = result.coefficients["term"].tolist()
    return result, result.design[names].to_numpy(), result.design["y"].to_numpy()


@pytest.mark.parametrize(
    ("estimator", "core", "link", "tolerance"),
    [
        ("logit", lambda X, y: logit_point(X, y)[0], "logit", 1e-8),
        ("lpm", lpm_point, "identity", 1e-8),
        ("firth_logit", lambda X, y: firth_point(X, y)[0], "logit", 1e-6),
    ],
)
def test_point_cores_equal_fit_model(data, estimator, core, link, tolerance):
    result, X, y = fitted(data, estimator, firth_profile=False)
    beta = core(X, y)
    np.testing.assert_allclose(beta, result.coefficients["estimate"], rtol=0, atol=tolerance)
    names = result.coefficients["term"].tolist()
    effects = [
        average_effect(beta, X, names.index(term), link, binary=term in BINARY) for term in TERMS
    ]
    assert result.margins["term"].tolist() == TERMS
    np.testing.assert_allclose(effects, result.margins["estimate"], rtol=0, atol=tolerance)


def test_point_cores_report_convergence(data):
    _, X, y = fitted(data, "lpm")
    assert logit_point(X, y)[1] and firth_point(X, y)[1]
    separated = y.copy()
    separated[X[:, -1] == 1] = 1
    beta, converged = logit_point(X, separated)
    assert not converged
    flags = separated_columns(X, separated)
    assert flags.tolist() == [False] * (X.shape[1] - 1) + [True]
    assert firth_point(X, separated)[1]


def test_point_cores_do_not_touch_statsmodels(data, monkeypatch):
    _, X, y = fitted(data, "lpm")

    class Forbidden:
        def __getattr__(self, name):
            raise AssertionError(f"statsmodels used: {name}")

    monkeypatch.setattr(estimators, "_statsmodels", Forbidden)
    for beta in (logit_point(X, y)[0], firth_point(X, y)[0], lpm_point(X, y)):
        average_effect(beta, X, 1, "logit", binary=False)
        average_effect(beta, X, X.shape[1] - 4, "identity", binary=True)
    separated_columns(X, y)
    with pytest.raises(AssertionError, match="statsmodels used"):
        fit_model(data, "y", TERMS, "logit", "nonrobust")


def test_average_effect_rejects_unknown_link(data):
    _, X, y = fitted(data, "lpm")
    with pytest.raises(DataError, match="link"):
        average_effect(lpm_point(X, y), X, 1, "probit", binary=False)


def test_firth_without_profile_reports_wald_inference_and_the_same_estimates():
    rng = np.random.default_rng(9)
    n = 200
    frame = pd.DataFrame({"x": rng.normal(size=n), "d": (rng.uniform(size=n) < 0.3) * 1.0})
    frame["y"] = (0.4 * frame["x"] + frame["d"] + rng.logistic(size=n) > 0).astype(int)
    profile = fit_model(frame, "y", ["x", "d"], "firth_logit", "nonrobust")
    wald = fit_model(frame, "y", ["x", "d"], "firth_logit", "nonrobust", firth_profile=False)
    assert profile.fit["inference"] == "profile penalised likelihood"
    assert wald.fit["inference"] == "Wald"
    same = ["estimate", "std_error", "z"]
    np.testing.assert_array_equal(wald.coefficients[same], profile.coefficients[same])
    np.testing.assert_array_equal(wald.vcov, profile.vcov)
    table = wald.coefficients
    half_width = stats.norm.ppf(0.975) * table["std_error"]
    np.testing.assert_allclose(table["ci_high"] - table["estimate"], half_width, rtol=1e-12)
    np.testing.assert_allclose(table["p"], 2 * stats.norm.sf(np.abs(table["z"])), rtol=1e-12)
    assert not np.allclose(table["ci_low"], profile.coefficients["ci_low"], rtol=1e-3)
