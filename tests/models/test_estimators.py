"""Estimator library: known-parameter recovery, published Firth references, delta-method margins
against independent computations, separation handling and input validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import special, stats
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.numdiff import approx_fprime, approx_hess

from abstention.errors import DataError
from abstention.models.common import FEW_CLUSTERS, PREDICT_COLUMNS, SEPARATED, TABLE_COLUMNS
from abstention.models.fit import _ordered_logit, fit_model
from abstention.models.links import Link, average_effects, jacobian
from abstention.models.points import logit_point

RESOLUTIONS = [f"A/RES/ES-11/{i}" for i in range(1, 9)]


# ----------------------------------------------------------------------------------------------
# Simulated data


def cross_section(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Logit truth: Intercept -0.4, x1 0.9 (continuous), x2 -0.7 (binary)."""
    x1 = rng.normal(size=n)
    x2 = (rng.uniform(size=n) < 0.4).astype(float)
    eta = -0.4 + 0.9 * x1 - 0.7 * x2
    y = (eta + rng.logistic(size=n) > 0).astype(int)
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2})


LOGIT_TRUTH = {"Intercept": -0.4, "x1": 0.9, "x2": -0.7}


def panel(rng: np.random.Generator, n_countries: int, n_res: int, rho: float = 0.5) -> pd.DataFrame:
    """Country x resolution panel whose marginal model is exactly a logit with resolution effects.

    Latent errors are logistic in distribution but correlated within a country through a Gaussian
    copula, so the logit slopes are the truth while observations of a country are dependent; the
    security-tie variables are country-level, as in the real data, which makes clustering matter.
    """
    country = np.repeat(np.arange(n_countries), n_res)
    res = np.tile(np.arange(n_res), n_countries)
    arms = rng.uniform(size=n_countries)[country]
    csto = (rng.uniform(size=n_countries) < 0.3).astype(float)[country]
    w = rng.normal(size=len(country))
    shared = rng.normal(size=n_countries)[country]
    latent = np.sqrt(rho) * shared + np.sqrt(1 - rho) * rng.normal(size=len(country))
    error = special.logit(stats.norm.cdf(latent))
    eta = PANEL_ALPHA[res] + 1.5 * arms + 0.8 * csto - 0.5 * w
    return pd.DataFrame(
        {
            "y": (eta + error > 0).astype(int),
            "arms": arms,
            "csto": csto,
            "w": w,
            "country": [f"C{c:03d}" for c in country],
            "res_id": [RESOLUTIONS[r] for r in res],
        }
    )


PANEL_ALPHA = np.array([-1.0, -0.6, -0.2, 0.2, 0.6, 1.0, -0.4, 0.4])
PANEL_SLOPES = {"arms": 1.5, "csto": 0.8, "w": -0.5}


def panel_truth(n_res: int) -> dict[str, float]:
    truth = {"Intercept": PANEL_ALPHA[0], **PANEL_SLOPES}
    for r in range(1, n_res):
        truth[f"res_id[{RESOLUTIONS[r]}]"] = PANEL_ALPHA[r] - PANEL_ALPHA[0]
    return truth


def assert_recovers(result, truth: dict, equation: str | None = None, n_se: float = 3.0) -> None:
    table = result.coefficients
    if equation is not None:
        table = table[table["equation"] == equation]
    table = table.set_index("term")
    assert set(truth) == set(table.index)
    for term, value in truth.items():
        est, se = table.loc[term, "estimate"], table.loc[term, "std_error"]
        assert abs(est - value) < n_se * se, (term, est, value, se)


def covers(result, truth: dict) -> dict[str, float]:
    """Whether each reported interval covers the truth; NaN where the fit withholds the
    interval (too few informative clusters), so coverage is that of the intervals reported."""
    table = result.coefficients.set_index("term")
    return {t: np.nan if pd.isna(table.loc[t, "ci_low"])
            else float(table.loc[t, "ci_low"] <= v <= table.loc[t, "ci_high"])
            for t, v in truth.items()}


# ----------------------------------------------------------------------------------------------
# Binary logit


def irls_logit(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum likelihood logit without statsmodels (the resampling point estimate) with the
    inverse Fisher information, to cross-check fit_model's design and covariance."""
    beta, converged = logit_point(X, y)
    assert converged
    prob = special.expit(X @ beta)
    weighted = X * np.sqrt(prob * (1.0 - prob))[:, None]
    return beta, np.linalg.inv(weighted.T @ weighted)


def test_logit_recovers_truth_and_design_refits_with_irls():
    data = cross_section(np.random.default_rng(11), 3000)
    result = fit_model(data, "y", ["x1", "x2"], "logit", "nonrobust")
    assert list(result.coefficients.columns) == [*TABLE_COLUMNS, SEPARATED, FEW_CLUSTERS]
    assert_recovers(result, LOGIT_TRUTH)
    assert result.fit["converged"] and not result.fit["separation"]["detected"]
    assert result.fit["n"] == 3000 and result.fit["n_clusters"] is None

    names = result.coefficients["term"].tolist()
    assert list(result.design.columns) == ["y", *names]
    beta, cov = irls_logit(result.design[names].to_numpy(), result.design["y"].to_numpy())
    np.testing.assert_allclose(beta, result.coefficients["estimate"], atol=1e-6)
    np.testing.assert_allclose(cov, result.vcov, rtol=1e-6)


def test_irls_logit_agrees_with_statsmodels():
    rng = np.random.default_rng(5)
    X = np.column_stack([np.ones(800), rng.normal(size=(800, 3))])
    y = (X @ [0.3, 1.0, -0.5, 0.2] + rng.logistic(size=800) > 0).astype(float)
    reference = sm.Logit(y, X).fit(disp=0)
    beta, cov = irls_logit(X, y)
    np.testing.assert_allclose(beta, reference.params, atol=1e-6)
    np.testing.assert_allclose(cov, reference.cov_params(), rtol=1e-6)


def test_logit_interval_coverage_is_nominal():
    rng = np.random.default_rng(2024)
    hits = pd.DataFrame(
        [
            covers(
                fit_model(cross_section(rng, 400), "y", ["x1", "x2"], "logit", "nonrobust"),
                LOGIT_TRUTH,
            )
            for _ in range(200)
        ]
    )
    coverage = hits.mean()
    assert ((coverage >= 0.90) & (coverage <= 0.99)).all(), coverage.to_dict()


def test_clustered_panel_logit_recovers_truth_with_resolution_effects():
    data = panel(np.random.default_rng(7), 200, 6)
    spec = {"terms": ["arms", "csto", "w"], "fixed_effects": ["res_id"]}
    result = fit_model(data, "y", estimator="logit", cov_type="cluster", groups="country", **spec)
    assert_recovers(result, panel_truth(6))
    assert "res_id[A/RES/ES-11/2]" in result.coefficients["term"].tolist()
    assert "res_id[A/RES/ES-11/1]" not in result.design.columns
    assert result.fit["n_clusters"] == 200 and result.fit["cov_type"] == "cluster"

    naive = fit_model(data, "y", estimator="logit", cov_type="nonrobust", **spec)
    clustered, model_based = (
        r.coefficients.set_index("term")["std_error"] for r in (result, naive)
    )
    assert clustered["arms"] > 1.3 * model_based["arms"]


def test_clustered_panel_logit_coverage_is_nominal():
    rng = np.random.default_rng(99)
    truth = panel_truth(5)
    rows = []
    for _ in range(200):
        result = fit_model(
            panel(rng, 60, 5),
            "y",
            ["arms", "csto", "w"],
            "logit",
            "cluster",
            groups="country",
            fixed_effects=["res_id"],
        )
        rows.append(covers(result, PANEL_SLOPES | {"Intercept": truth["Intercept"]}))
    coverage = pd.DataFrame(rows).mean()
    assert ((coverage >= 0.90) & (coverage <= 0.99)).all(), coverage.to_dict()


def test_hc1_is_hc0_with_small_sample_factor():
    data = cross_section(np.random.default_rng(3), 300)
    X = sm.add_constant(data[["x1", "x2"]].to_numpy())
    n, k = X.shape
    logit = fit_model(data, "y", ["x1", "x2"], "logit", "HC1")
    hc0 = sm.Logit(data["y"].to_numpy(), X).fit(disp=0, cov_type="HC0").bse
    np.testing.assert_allclose(
        logit.coefficients["std_error"], hc0 * np.sqrt(n / (n - k)), rtol=1e-10
    )

    lpm = fit_model(data, "y", ["x1", "x2"], "lpm", "HC1")
    ols = sm.OLS(data["y"].to_numpy(float), X).fit(cov_type="HC1")
    np.testing.assert_allclose(lpm.coefficients["estimate"], ols.params, rtol=1e-10)
    np.testing.assert_allclose(lpm.coefficients["std_error"], ols.bse, rtol=1e-10)
    assert lpm.fit["pseudo_r2"] is None and lpm.fit["r2"] == pytest.approx(ols.rsquared)
    prediction = lpm.predict(data.head(4))
    half_width = 1.959963984540054 * np.sqrt(np.einsum("ij,jk,ik->i", X[:4], lpm.vcov, X[:4]))
    np.testing.assert_allclose(prediction["prob"], X[:4] @ ols.params, rtol=1e-10)
    np.testing.assert_allclose(prediction["ci_high"] - prediction["prob"], half_width, rtol=1e-6)
    slopes = lpm.coefficients.iloc[1:].reset_index(drop=True)
    margins = lpm.margins.reset_index(drop=True)
    np.testing.assert_allclose(margins["estimate"], slopes["estimate"], rtol=1e-7)
    np.testing.assert_allclose(margins["std_error"], slopes["std_error"], rtol=1e-6)


def test_lpm_recovers_truth():
    rng = np.random.default_rng(8)
    x1 = rng.uniform(size=2000)
    x2 = (rng.uniform(size=2000) < 0.5).astype(float)
    y = (rng.uniform(size=2000) < 0.2 + 0.4 * x1 + 0.2 * x2).astype(int)
    result = fit_model(pd.DataFrame({"y": y, "x1": x1, "x2": x2}), "y", ["x1", "x2"], "lpm", "HC1")
    assert_recovers(result, {"Intercept": 0.2, "x1": 0.4, "x2": 0.2})


# ----------------------------------------------------------------------------------------------
# Margins: the library's delta method against computations that share none of its code.


def numeric_jacobian(func, theta: np.ndarray, step: float = 1e-6) -> np.ndarray:
    columns = []
    for k in range(len(theta)):
        shift = np.zeros_like(theta)
        shift[k] = step
        columns.append((func(theta + shift) - func(theta - shift)) / (2 * step))
    return np.column_stack(columns)


def test_logit_cluster_margins_match_statsmodels_and_own_delta_method():
    data = panel(np.random.default_rng(21), 80, 6)
    terms = ["arms", "csto", "w"]
    result = fit_model(
        data, "y", terms, "logit", "cluster", groups="country", fixed_effects=["res_id"]
    )
    names = result.coefficients["term"].tolist()
    X, y = result.design[names].to_numpy(), result.design["y"].to_numpy()
    groups = pd.factorize(data["country"])[0]
    reference = sm.Logit(y, X).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
    np.testing.assert_allclose(result.vcov, reference.cov_params(), rtol=1e-6)
    margeff = reference.get_margeff(dummy=True)
    pick = [names.index(t) - 1 for t in terms]
    np.testing.assert_allclose(result.margins["estimate"], margeff.margeff[pick], rtol=1e-6)
    np.testing.assert_allclose(result.margins["std_error"], margeff.margeff_se[pick], rtol=1e-5)

    def effects(beta: np.ndarray) -> np.ndarray:
        out = []
        for term in terms:
            j = names.index(term)
            if term == "csto":
                hi, lo = X.copy(), X.copy()
                hi[:, j], lo[:, j] = 1.0, 0.0
                out.append(np.mean(special.expit(hi @ beta) - special.expit(lo @ beta)))
            else:
                h = 1e-5
                up, down = X.copy(), X.copy()
                up[:, j] += h
                down[:, j] -= h
                out.append(np.mean(special.expit(up @ beta) - special.expit(down @ beta)) / (2 * h))
        return np.array(out)

    beta = result.coefficients["estimate"].to_numpy()
    jac = numeric_jacobian(effects, beta)
    np.testing.assert_allclose(result.margins["estimate"], effects(beta), rtol=1e-6)
    np.testing.assert_allclose(
        result.margins["std_error"], np.sqrt(np.diag(jac @ result.vcov @ jac.T)), rtol=1e-4
    )


def test_ordered_logit_cluster_margins_match_own_delta_method():
    data = panel(np.random.default_rng(31), 80, 4)
    data["stance"] = np.digitize(
        data["w"] + 1.2 * data["arms"] + data["csto"] + 0.5 * data["y"], [0.0, 1.0, 2.0]
    )
    terms = ["arms", "csto", "w"]
    result = fit_model(data, "stance", terms, "ordered_logit", "cluster", groups="country")
    assert "Intercept" not in result.design.columns
    assert result.coefficients["term"].tolist()[-3:] == ["cut1", "cut2", "cut3"]
    X = result.design[terms].to_numpy()
    model = OrderedModel(result.design["stance"].to_numpy(), X, distr="logit")
    groups = pd.factorize(data["country"])[0]
    reference = model.fit(
        method="bfgs",
        disp=0,
        maxiter=2000,
        gtol=1e-8,
        cov_type="cluster",
        cov_kwds={"groups": groups},
    )
    raw = np.asarray(reference.params)

    def effects(theta: np.ndarray) -> np.ndarray:
        out = []
        for j, term in enumerate(terms):
            if term == "csto":
                hi, lo = X.copy(), X.copy()
                hi[:, j], lo[:, j] = 1.0, 0.0
                out.append((model.predict(theta, exog=hi) - model.predict(theta, exog=lo)).mean(0))
            else:
                h = 1e-5
                up, down = X.copy(), X.copy()
                up[:, j] += h
                down[:, j] -= h
                out.append(
                    (model.predict(theta, exog=up) - model.predict(theta, exog=down)).mean(0)
                    / (2 * h)
                )
        return np.column_stack(out).ravel()  # category-major, as the margins table

    jac = numeric_jacobian(effects, raw)
    own_se = np.sqrt(np.diag(jac @ np.asarray(reference.cov_params()) @ jac.T))
    assert result.margins["equation"].tolist() == [c for c in ["0", "1", "2", "3"] for _ in terms]
    np.testing.assert_allclose(result.margins["estimate"], effects(raw), rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(result.margins["std_error"], own_se, rtol=1e-3)


def test_mnlogit_cluster_margins_match_statsmodels():
    data = panel(np.random.default_rng(41), 80, 4)
    vote = np.where(data["y"] == 1, np.where(data["w"] > 0.3, "absent", "abstain"), "yes")
    data["vote"] = pd.Categorical(vote, categories=["yes", "abstain", "absent"])
    terms = ["arms", "w"]
    result = fit_model(data, "vote", terms, "mnlogit", "cluster", groups="country")
    names = ["Intercept", *terms]
    groups = pd.factorize(data["country"])[0]
    codes = result.design["vote"].cat.codes.to_numpy()
    reference = sm.MNLogit(codes, result.design[names].to_numpy()).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": groups}
    )
    np.testing.assert_allclose(result.vcov, reference.cov_params(), rtol=1e-6)
    margeff = reference.get_margeff()
    assert result.margins["equation"].tolist() == [
        c for c in ["yes", "abstain", "absent"] for _ in terms
    ]
    np.testing.assert_allclose(result.margins["estimate"], margeff.margeff.T.ravel(), rtol=1e-6)
    np.testing.assert_allclose(result.margins["std_error"], margeff.margeff_se.T.ravel(), rtol=1e-5)


# ----------------------------------------------------------------------------------------------
# Multinomial and ordered logit


def test_mnlogit_recovers_truth():
    rng = np.random.default_rng(51)
    n = 5000
    x1 = rng.normal(size=n)
    x2 = (rng.uniform(size=n) < 0.4).astype(float)
    truth = {"abstain": [-1.0, 1.2, 0.5], "no": [-1.5, 0.8, 1.0]}
    eta = np.column_stack([np.zeros(n)] + [b[0] + b[1] * x1 + b[2] * x2 for b in truth.values()])
    draw = (special.softmax(eta, axis=1).cumsum(axis=1) < rng.uniform(size=n)[:, None]).sum(axis=1)
    labels = np.array(["yes", "abstain", "no"])[draw]
    data = pd.DataFrame(
        {"vote": pd.Categorical(labels, categories=["yes", "abstain", "no"]), "x1": x1, "x2": x2}
    )
    result = fit_model(data, "vote", ["x1", "x2"], "mnlogit", "HC1")
    for category, values in truth.items():
        assert_recovers(result, dict(zip(["Intercept", "x1", "x2"], values, strict=True)), category)
    assert set(result.coefficients["equation"]) == {"abstain", "no"}
    prediction = result.predict(data.head(3))
    np.testing.assert_allclose(prediction.groupby(level=0)["prob"].sum(), 1.0)
    assert (prediction["ci_low"] <= prediction["prob"]).all() and (
        prediction["prob"] <= prediction["ci_high"]
    ).all()


def test_ordered_logit_recovers_truth():
    rng = np.random.default_rng(61)
    n = 4000
    x1 = rng.normal(size=n)
    x2 = (rng.uniform(size=n) < 0.5).astype(float)
    cuts = [-1.0, 0.5, 2.0]
    stance = np.digitize(1.0 * x1 - 0.6 * x2 + rng.logistic(size=n), cuts)
    levels = ["yes", "absent", "abstain", "no"]
    outcome = pd.Categorical(np.array(levels)[stance], categories=levels, ordered=True)
    data = pd.DataFrame({"stance": outcome, "x1": x1, "x2": x2})
    result = fit_model(data, "stance", ["x1", "x2"], "ordered_logit", "nonrobust")
    assert_recovers(result, {"x1": 1.0, "x2": -0.6, "cut1": -1.0, "cut2": 0.5, "cut3": 2.0})
    assert result.fit["converged"]
    assert set(result.coefficients["equation"]) == {"latent"}
    assert result.margins["equation"].unique().tolist() == levels


def test_ordered_logit_analytic_derivatives_equal_numerical_ones_of_statsmodels_likelihood():
    rng = np.random.default_rng(62)
    X = np.column_stack([rng.normal(size=600), rng.uniform(size=600) < 0.4])
    stance = np.digitize(X @ [0.8, -0.5] + rng.logistic(size=600), [-1.0, 0.5, 2.0])
    model = _ordered_logit(stance, X.astype(float))
    params = np.array([0.7, -0.4, -0.9, 0.3, 0.4])  # slopes, first cut, log increments
    np.testing.assert_allclose(model.score_obs(params),
                               approx_fprime(params, model.loglikeobs, centered=True),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(model.score(params),
                               approx_fprime(params, model.loglike, centered=True), rtol=1e-6)
    np.testing.assert_allclose(model.hessian(params), approx_hess(params, model.loglike),
                               rtol=1e-5)


@pytest.mark.parametrize("kind", ["logistic", "identity"])
def test_exact_margin_jacobian_equals_central_differences(kind):
    rng = np.random.default_rng(63)
    X = np.column_stack([np.ones(400), rng.normal(size=400), rng.uniform(size=400) < 0.5,
                         rng.normal(size=400)]).astype(float)
    params, cov = np.array([0.3, -0.8, 1.1, 0.4]), np.diag([0.04, 0.02, 0.05, 0.01])
    link, terms, columns = Link(kind, 4, ("1",)), ["x", "dummy", "z"], [1, 2, 3]
    margins = average_effects(link, params, cov, X, terms, columns)

    def estimates(theta):
        return average_effects(link, theta, cov, X, terms, columns)["estimate"].to_numpy()

    jac = jacobian(estimates, params)
    np.testing.assert_allclose(margins["std_error"], np.sqrt(np.diag(jac @ cov @ jac.T)),
                               rtol=1e-8)


# ----------------------------------------------------------------------------------------------
# Firth logit

# logistf::sex2 (Heinze & Schemper 2002, urinary tract infection data; 239 women), stored as the
# distinct rows "case age oc vic vicl vis dia" with their frequencies.
# fmt: off
SEX2 = {
    "1000010": 1, "1001000": 14, "1001010": 3, "1001100": 10, "1001110": 12, "1001111": 1,
    "1010000": 44, "1010001": 3, "1011000": 15, "1011001": 1, "1011010": 2, "1011100": 7,
    "1011110": 3, "1101000": 2, "1101010": 1, "1101011": 1, "1101100": 1, "1101111": 1,
    "1110000": 5, "1111000": 3, "0000010": 1, "0001000": 2, "0001010": 1, "0001100": 8,
    "0001110": 18, "0010000": 42, "0010010": 1, "0011000": 1, "0011100": 5, "0011110": 6,
    "0101100": 2, "0101110": 4, "0110000": 14, "0110010": 1, "0111000": 1, "0111110": 2,
}
# fmt: on

# Endometrial cancer data of Heinze & Schemper (2002): HG outcome; NV quasi-completely separates
# it (every NV = 1 patient has HG = 1). Rows are "NV PI EH HG".
ENDOMETRIAL = """
0 13 1.64 0|0 16 2.26 0|0 8 3.14 0|0 34 2.68 0|0 20 1.28 0|0 5 2.31 0|0 17 1.8 0|0 10 1.68 0
0 26 1.56 0|0 17 2.31 0|0 8 2.01 0|0 7 1.89 0|0 20 3.15 0|0 10 1.23 0|0 18 1.27 0|0 16 1.76 0
0 18 2 0|0 8 2.64 1|0 29 0.88 1|0 12 1.27 1|0 20 1.37 1|1 38 0.97 1|1 22 1.14 1|1 7 0.88 1
1 25 0.91 1|1 15 0.58 1|0 7 0.97 1|0 28 1.5 0|0 11 1.33 0|0 19 2.37 0|0 10 1.82 0|0 10 3.13 0
0 18 1.31 0|0 14 1.92 0|0 21 1.64 0|0 11 2.01 0|0 17 1.88 0|0 25 1.93 0|0 16 2.11 0|0 19 1.29 0
0 15 1.72 0|0 33 0.75 0|0 24 1.92 0|0 48 1.84 1|0 12 1.11 1|0 19 1.61 1|0 2 1.18 1|1 22 1.44 1
1 40 1.18 1|1 5 0.93 1|1 0 1.17 1|0 21 1.19 1|0 15 1.06 1|0 29 2.02 0|0 15 2.29 0|0 12 2.33 0
0 3 2.9 0|0 20 1.7 0|0 23 1.41 0|0 12 2.25 0|0 22 1.54 0|0 42 1.97 0|0 15 1.75 0|0 13 2.16 0
0 14 2.57 0|0 19 1.37 0|0 12 3.61 0|0 13 2.04 0|0 10 2.17 0|0 12 1.69 1|1 49 0.27 1|0 6 1.84 1
0 5 1.3 1|0 17 0.96 1|1 11 1.01 1|1 21 0.98 1|0 5 0.35 1|1 19 1.02 1|0 33 0.85 1
"""


def sex2() -> pd.DataFrame:
    rows = [[int(c) for c in key] for key, count in SEX2.items() for _ in range(count)]
    return pd.DataFrame(rows, columns=["case", "age", "oc", "vic", "vicl", "vis", "dia"])


def endometrial() -> pd.DataFrame:
    rows = [row.split() for row in ENDOMETRIAL.replace("\n", "|").split("|") if row.strip()]
    frame = pd.DataFrame(rows, columns=["NV", "PI", "EH", "HG"]).astype(float)
    return frame.astype({"HG": int})


def test_firth_matches_logistf_on_sex2():
    """Reference: R logistf, `logistf(case ~ age + oc + vic + vicl + vis + dia, data = sex2)`.

    Estimates and profile penalised-likelihood 95 % limits as asserted against logistf in the
    firthlogist test suite (github.com/jzluo/firthlogist, tests/test_firthlogist.py, rtol 1e-5).
    Standard errors, the roots of the diagonal of the inverse Fisher information at the estimate
    (Heinze & Schemper 2002), as printed in the firthlogist README. The data are the firthlogist
    copy of logistf's sex2 (tests/sex2.csv).
    """
    data = sex2()
    assert len(data) == 239 and data["case"].sum() == 130
    terms = ["age", "oc", "vic", "vicl", "vis", "dia"]
    result = fit_model(data, "case", terms, "firth_logit", "nonrobust")
    table = result.coefficients.set_index("term").loc[["Intercept", *terms]]
    estimate = [
        0.12025405,
        -1.10598131,
        -0.06881673,
        2.26887464,
        -2.11140817,
        -0.78831694,
        3.09601166,
    ]
    std_error = [0.485542, 0.42366, 0.443793, 0.548416, 0.543082, 0.417368, 1.67501]
    ci = [
        [-0.8185591, 1.07315122],
        [-1.9737884, -0.30742514],
        [-0.9414363, 0.78920202],
        [1.2730216, 3.43543273],
        [-3.2608611, -1.11773495],
        [-1.6080879, 0.01518468],
        [0.7745682, 8.03029352],
    ]
    np.testing.assert_allclose(table["estimate"], estimate, atol=1e-6)
    np.testing.assert_allclose(table["std_error"], std_error, rtol=2e-5)
    np.testing.assert_allclose(table[["ci_low", "ci_high"]], ci, atol=1e-5)
    assert result.fit["converged"]


def test_firth_likelihood_ratio_p_values_match_logistf():
    """Reference: logistf estimates, penalised likelihood-ratio p-values and profile limits for the
    quasi-separated simulated data set of the firthmodels test suite (github.com/jzluo/firthmodels,
    tests/conftest.py make_separation_data and tests/test_logistic.py
    test_matches_logistf_with_separation), regenerated here with the same numpy seed."""
    rng = np.random.default_rng(42)
    separator = rng.choice([0, 1], 100, p=[0.8, 0.2])
    x1 = rng.standard_normal(100)
    x2 = rng.uniform(-1, 1, 100)
    x3 = rng.exponential(scale=2.0, size=100)
    y = rng.binomial(1, special.expit(-0.5 + 0.8 * x1 - 0.6 * x2 + 0.3 * x3))
    y[separator == 1] = 1
    data = pd.DataFrame({"y": y, "separator": separator, "x1": x1, "x2": x2, "x3": x3})
    terms = ["separator", "x1", "x2", "x3"]
    result = fit_model(data, "y", terms, "firth_logit", "nonrobust")
    table = result.coefficients.set_index("term").loc[[*terms, "Intercept"]]
    estimate = [3.6577140153, 0.6759781501, -0.8633119501, 0.3385788510, -0.4434562830]
    p = [0.0002084147149, 0.0093173148959, 0.0236385713206, 0.0055887969164, 0.1997147194]
    low = [1.3901042899, 0.1602568036, -1.6677883758, 0.0893054012, -1.16089382506]
    high = [8.5876062114, 1.2568999211, -0.1135186948, 0.6572681313, 0.2295139209]
    np.testing.assert_allclose(table["estimate"], estimate, rtol=1e-6)
    np.testing.assert_allclose(table["p"], p, rtol=1e-5)
    np.testing.assert_allclose(table["ci_low"], low, rtol=1e-5)
    np.testing.assert_allclose(table["ci_high"], high, rtol=1e-5)
    assert result.fit["separation"]["terms"] == ["separator"]


def test_firth_matches_logistf_under_quasi_separation_where_logit_fails():
    """Reference: logistf on the endometrial data, `logistf(HG ~ NV + PI + EH)`, as recorded in the
    firthlogist test suite (github.com/jzluo/firthlogist, tests/test_firthlogist.py)."""
    data = endometrial()
    assert len(data) == 79 and data.loc[data["NV"] == 1, "HG"].eq(1).all()
    terms = ["NV", "PI", "EH"]
    firth = fit_model(data, "HG", terms, "firth_logit", "nonrobust")
    table = firth.coefficients.set_index("term").loc[["Intercept", *terms]]
    np.testing.assert_allclose(
        table["estimate"], [3.77455951, 2.92927330, -0.03475175, -2.60416387], atol=1e-6
    )
    ci = [
        [1.0825371, 7.20928050],
        [0.6097244, 7.85463171],
        [-0.1244587, 0.04045547],
        [-4.3651832, -1.23272106],
    ]
    np.testing.assert_allclose(table[["ci_low", "ci_high"]], ci, atol=1e-5)
    assert firth.fit["converged"]
    # NV's profile interval is kept, but its AME is delta-method (Wald) and NV=1 has no HG=0
    # row: the AME keeps its estimate and no inference; the other terms keep theirs.
    margins = firth.margins.set_index("term")
    assert margins.loc["NV", "few_clusters"] and np.isnan(margins.loc["NV", "std_error"])
    assert np.isfinite(margins.loc[["PI", "EH"], "std_error"]).all()
    assert firth.fit["separation"] == {
        "detected": True,
        "terms": ["NV"],
        "method": "linear programme on the estimation design (Konis 2007)",
    }

    logit = fit_model(data, "HG", terms, "logit", "nonrobust")
    assert logit.fit["separation"]["detected"] and logit.fit["separation"]["terms"] == ["NV"]
    assert not logit.fit["converged"]
    assert logit.coefficients.set_index("term").loc["NV", "estimate"] > 10
    assert any("converge" in message for message in logit.fit["warnings"])


def test_firth_solves_modified_score_equations():
    data = panel(np.random.default_rng(71), 40, 5)
    result = fit_model(
        data, "y", ["arms", "csto", "w"], "firth_logit", "nonrobust", fixed_effects=["res_id"]
    )
    names = result.coefficients["term"].tolist()
    X, y = result.design[names].to_numpy(), result.design["y"].to_numpy()
    prob = special.expit(X @ result.coefficients["estimate"].to_numpy())
    root_w = np.sqrt(prob * (1 - prob))[:, None]
    hat = np.diag(root_w * X @ np.linalg.inv(X.T @ (root_w**2 * X)) @ (root_w * X).T)
    score = X.T @ (y - prob + hat * (0.5 - prob))
    assert np.max(np.abs(score)) < 1e-8
    np.testing.assert_allclose(result.vcov, np.linalg.inv(X.T @ (root_w**2 * X)), rtol=1e-8)


@pytest.mark.parametrize("counts", [(7, 20, 12, 15), (3, 10, 9, 9)])
def test_firth_two_by_two_is_logit_with_half_added_to_each_cell(counts):
    """Firth (1993); Heinze & Schemper (2002): with one binary covariate the Firth estimates are the
    cell log-odds after adding 1/2 to every cell, so also finite with an empty cell."""
    s0, n0, s1, n1 = counts
    x = np.r_[np.zeros(n0), np.ones(n1)]
    y = np.r_[np.ones(s0), np.zeros(n0 - s0), np.ones(s1), np.zeros(n1 - s1)].astype(int)
    result = fit_model(pd.DataFrame({"y": y, "x": x}), "y", ["x"], "firth_logit", "nonrobust")
    base = np.log((s0 + 0.5) / (n0 - s0 + 0.5))
    expected = [base, np.log((s1 + 0.5) / (n1 - s1 + 0.5)) - base]
    np.testing.assert_allclose(result.coefficients["estimate"], expected, atol=1e-9)
    assert np.isfinite(result.coefficients[["ci_low", "ci_high"]].to_numpy()).all()


def test_firth_recovers_truth():
    data = cross_section(np.random.default_rng(81), 1500)
    assert_recovers(fit_model(data, "y", ["x1", "x2"], "firth_logit", "nonrobust"), LOGIT_TRUTH)


def test_separation_by_binary_term_is_flagged_not_raised():
    data = panel(np.random.default_rng(91), 60, 4)
    data.loc[data["csto"] == 1, "y"] = 1
    for estimator in ("logit", "firth_logit"):
        result = fit_model(data, "y", ["arms", "csto", "w"], estimator, "nonrobust")
        assert result.fit["separation"]["detected"]
        assert result.fit["separation"]["terms"] == ["csto"]
        assert result.fit["converged"] is (estimator == "firth_logit")
    assert np.isfinite(result.coefficients[["estimate", "ci_low", "ci_high"]].to_numpy()).all()


# ----------------------------------------------------------------------------------------------
# Predictions, samples and inputs


def test_predict_uses_logit_scale_delta_method_and_result_covariance():
    data = panel(np.random.default_rng(101), 50, 4)
    result = fit_model(
        data,
        "y",
        ["arms", "csto", "w"],
        "logit",
        "cluster",
        groups="country",
        fixed_effects=["res_id"],
    )
    new = data.iloc[[0, 5, 9]]
    prediction = result.predict(new)
    assert list(prediction.columns) == PREDICT_COLUMNS and prediction.index.equals(new.index)
    X = result.design.loc[new.index, result.coefficients["term"]].to_numpy()
    eta = X @ result.coefficients["estimate"].to_numpy()
    se = np.sqrt(np.einsum("ij,jk,ik->i", X, result.vcov, X))
    np.testing.assert_allclose(prediction["prob"], special.expit(eta), rtol=1e-10)
    np.testing.assert_allclose(
        prediction["ci_low"], special.expit(eta - 1.959963984540054 * se), rtol=1e-6
    )
    np.testing.assert_allclose(
        prediction["ci_high"], special.expit(eta + 1.959963984540054 * se), rtol=1e-6
    )

    unseen = new.assign(res_id="A/RES/ES-99/1")
    with pytest.raises(DataError, match="fixed-effect levels"):
        result.predict(unseen)


def test_missing_rows_are_dropped_and_counted():
    data = cross_section(np.random.default_rng(111), 200)
    data.loc[[3, 8], "x1"] = np.nan
    data.loc[[8, 20], "y"] = np.nan
    result = fit_model(data, "y", ["x1", "x2"], "logit", "nonrobust")
    assert result.fit["n_dropped_missing"] == 3 and result.fit["n"] == 197
    assert not result.design.index.isin([3, 8, 20]).any()
    assert result.design["y"].dtype.kind == "i"


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (None, {"terms": ["x1", "missing_term"]}, "missing_term"),
        (None, {"outcome": "nope"}, "nope"),
        ({"y": 1}, {}, "at least two outcome classes"),
        ({"x1": np.nan}, {}, "0 of 50 rows complete"),
        (None, {"estimator": "probit"}, "estimator"),
        (None, {"estimator": "firth_logit", "cov_type": "HC1"}, "firth_logit"),
        (None, {"cov_type": "cluster"}, "groups"),
        (None, {"estimator": "mnlogit"}, "pandas Categorical"),
        ({"x2": 1.0}, {}, "linearly dependent"),
        ({"y": 2}, {}, "0/1 outcome"),
    ],
)
def test_bad_input_raises_data_error(change, kwargs, message):
    data = cross_section(np.random.default_rng(121), 50)
    if change:
        data = data.assign(**change)
    spec = {
        "outcome": "y",
        "terms": ["x1", "x2"],
        "estimator": "logit",
        "cov_type": "nonrobust",
    } | kwargs
    with pytest.raises(DataError, match=message) as error:
        fit_model(data, **spec)
    assert error.value.path is None


@pytest.mark.parametrize("estimator", ["logit", "firth_logit", "lpm"])
def test_a_term_on_few_informative_clusters_has_an_estimate_but_no_inference(estimator):
    """A dummy for one state, or for two, has no clustered standard error that means anything;
    one carried by 30 states, each with both outcomes, keeps its inference."""
    rng = np.random.default_rng(21)
    n = 600
    data = pd.DataFrame({"state": np.repeat(np.arange(60), 10), "x1": rng.normal(size=n)})
    data["lone"] = (data["state"] == 7).astype(float)
    data["pair"] = data["state"].isin([7, 8]).astype(float)
    data["wide"] = (data["state"] < 30).astype(float)
    data["y"] = (0.5 * data["x1"] + 0.8 * data["wide"] + rng.logistic(size=n) > 0).astype(int)
    result = fit_model(data, "y", ["x1", "lone", "pair", "wide"], estimator, "cluster",
                       groups="state")
    robust_cov = "cluster" if estimator == "firth_logit" else "HC1"
    assert result.fit["few_clusters"] == ["lone", "pair"]
    assert result.fit["informative_clusters"]["lone"] == 1
    assert result.fit["informative_clusters"]["wide"] == 30
    for table in (result.coefficients, result.margins):
        rows = table.set_index("term")
        for term in ("lone", "pair"):
            assert rows.loc[term, "few_clusters"] and np.isfinite(rows.loc[term, "estimate"])
            assert rows.loc[term, ["std_error", "p", "ci_low", "ci_high"]].isna().all()
        assert not rows.loc["wide", "few_clusters"] and np.isfinite(rows.loc["wide", "std_error"])
    # Without clusters each row is its own: ten rows of one state, split between the outcomes,
    # give fewer than ten on one side. A profile likelihood interval is not Wald: no rule.
    rows_as_clusters = data.assign(row=np.arange(n))
    robust = fit_model(rows_as_clusters, "y", ["x1", "lone", "wide"], estimator, robust_cov,
                       groups="row" if robust_cov == "cluster" else None)
    assert robust.fit["few_clusters"] == ["lone"]
    if estimator == "firth_logit":
        profile = fit_model(data, "y", ["x1", "lone", "wide"], estimator, "nonrobust",
                            firth_profile=True)
        assert profile.fit["few_clusters"] == []


def test_a_tie_whose_holders_all_share_one_outcome_has_no_inference():
    """Twenty states hold the tie and every one of them withholds: no treated state on the other
    side, so the Wald test of the tie rests on nothing (ES-11/5's pattern)."""
    rng = np.random.default_rng(5)
    data = pd.DataFrame({"state": np.arange(200), "x1": rng.normal(size=200)})
    data["tie"] = (data["state"] < 20).astype(float)
    data["y"] = ((data["x1"] + rng.logistic(size=200) > 0) | (data["tie"] == 1)).astype(int)
    result = fit_model(data, "y", ["x1", "tie"], "firth_logit", "cluster", groups="state")
    assert result.fit["informative_clusters"]["tie"] == 0
    assert result.fit["few_clusters"] == ["tie"]


def test_a_categorical_outcome_counts_the_rarest_category_among_the_holders():
    """Multinomial: twenty holders of a dummy, none of which chose the third category, give the
    dummy no informative row there, so its Wald inference is withheld."""
    rng = np.random.default_rng(8)
    n = 400
    data = pd.DataFrame({"x": rng.normal(size=n), "tie": (np.arange(n) < 20).astype(float)})
    labels = rng.choice(["yes", "abstain", "no"], size=n, p=[0.5, 0.3, 0.2])
    labels[:20] = rng.choice(["yes", "abstain"], size=20)
    data["vote"] = pd.Categorical(labels, categories=["yes", "abstain", "no"])
    result = fit_model(data, "vote", ["x", "tie"], "mnlogit", "HC1")
    assert result.fit["informative_clusters"]["tie"] == 0
    assert result.fit["few_clusters"] == ["tie"]
    assert result.coefficients.set_index("term").loc["tie", "p"].isna().all()
