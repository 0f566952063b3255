"""One fitting interface for every model in the paper, so tables and figures never depend on
which library estimated a model.

Conventions shared by all estimators
------------------------------------
* ``coefficients`` and ``margins`` both have the columns
  ``equation, term, estimate, std_error, z, p, ci_low, ci_high``. ``equation`` is always present
  and is a string naming the outcome category a row refers to:

  - binary models (``logit``, ``firth_logit``, ``lpm``): ``"1"`` (log-odds or probability of
    outcome = 1) in both tables;
  - ``mnlogit``: coefficients carry the non-base category whose log-odds against the base they
    describe; margins carry every category, the base included;
  - ``ordered_logit``: coefficients (slopes of the latent index and the cut points ``cut1``,
    ``cut2``, ... on the threshold scale, i.e. P(y <= k) = logistic(cut_k - x'b)) carry
    ``"latent"``; margins carry every category.
* ``coefficients`` and ``margins`` then carry the boolean column ``separated`` (see below).
* Tests and intervals are normal-theory (z), 95 %, from ``vcov``, the covariance the caller asked
  for. ``HC1`` is the HC0 sandwich times n / (n - k) for every estimator (statsmodels returns plain
  HC0 for discrete models when asked for HC1). ``cluster`` is statsmodels' cluster sandwich with
  its default small-sample factor G / (G - 1) * (N - 1) / (N - K).
* ``firth_logit`` reports the model-based covariance, the inverse Fisher information X'WX at the
  penalised estimate (Heinze & Schemper 2002; recent logistf versions report a (1 + h)-weighted
  information instead, which gives smaller errors under separation), as ``std_error`` and Wald
  ``z``; its ``p`` is the penalised likelihood-ratio test and its interval the profile penalised
  likelihood interval, both as in R's logistf (Wald instead with ``firth_profile=False``). Its
  margins and predictions use the Wald delta method with that covariance. ``log_likelihood``
  (and so ``aic`` and McFadden's ``pseudo_r2``) is the unpenalised log-likelihood at the
  penalised estimate.
* Margins are average marginal effects of the caller's ``terms`` (not of the intercept or the
  fixed-effect dummies), with delta-method standard errors under ``vcov``. A term whose values in
  the estimation sample are all 0 or 1 gets the average discrete change from 0 to 1; any other term
  the average derivative. Each design column is moved on its own, so a caller-built interaction
  column is held fixed when its components move.
* Separation (see ``_unidentified``) is reported, never raised. The check is exact for every
  estimator: a linear programme finds the observations some direction of the parameters predicts
  perfectly, and a parameter is *affected* when the remaining observations do not identify it,
  which is exactly when its maximum likelihood estimate diverges (for ``mnlogit`` per equation,
  for ``ordered_logit`` cut points included). ``fit['separation']`` names the affected terms for
  every estimator. In the maximum-likelihood fits (``logit``, ``mnlogit``, ``ordered_logit``)
  the affected rows of ``coefficients`` get ``separated`` True and no ``std_error``, ``z``,
  ``p`` or interval (NaN): the estimate is only where the optimiser stopped. ``margins`` does the
  same for the average effects of affected terms (every outcome category of multi-category
  models). ``firth_logit`` and ``lpm`` estimates stay finite, so their ``separated`` is always
  False. ``logit`` under separation has ``converged`` False; ``firth_logit`` is the estimator
  meant for that case. ``vcov`` and predictions are left as computed at the stopping point.
  ``fit['warnings']`` holds every warning raised while fitting (repeats counted), statsmodels'
  convergence messages included.
* ``separated_columns``, ``logit_point``, ``firth_point``, ``lpm_point`` and ``average_effect``
  are the same computations on NumPy arrays, without tables or statsmodels, for resampling.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg, optimize, special, stats

from abstention.errors import DataError

ESTIMATORS = ("logit", "firth_logit", "lpm", "mnlogit", "ordered_logit")
COV_TYPES = ("nonrobust", "HC1", "cluster")
INTERCEPT = "Intercept"
LATENT = "latent"
TABLE_COLUMNS = ["equation", "term", "estimate", "std_error", "z", "p", "ci_low", "ci_high"]
PREDICT_COLUMNS = ["equation", "prob", "ci_low", "ci_high"]
SEPARATED = "separated"

_INFERENCE = ["std_error", "z", "p", "ci_low", "ci_high"]
_MAXIMUM_LIKELIHOOD = ("logit", "mnlogit", "ordered_logit")

_BINARY = ("logit", "firth_logit", "lpm")
_Z95 = float(stats.norm.ppf(0.975))
_CHI2_95 = float(stats.chi2.ppf(0.95, 1))


class EstimationWarning(UserWarning):
    """Raised for conditions the caller should see in ``fit['warnings']``."""


# ----------------------------------------------------------------------------------------------
# Probability models: one object answers every question margins and predictions ask.


@dataclass(frozen=True)
class _Link:
    """Maps parameters and a design matrix to category probabilities.

    Parameter layout: binary and ordered models put the slopes first in design-column order
    (ordered models then append the cut points); ``softmax`` stacks one slope vector per non-base
    category, equation by equation, as statsmodels' MNLogit covariance does.
    """

    kind: str  # "logistic", "identity", "softmax" or "cumulative"
    n_columns: int
    labels: tuple[str, ...]

    def _slopes(self, params: np.ndarray) -> np.ndarray:
        if self.kind == "softmax":
            return params.reshape(-1, self.n_columns).T
        return params[: self.n_columns, None]

    def _index(self, params: np.ndarray, X: np.ndarray) -> np.ndarray:
        eta = X @ self._slopes(params)
        if self.kind == "softmax":
            return np.column_stack([np.zeros(len(X)), eta])
        return eta

    def probs(self, params: np.ndarray, X: np.ndarray) -> np.ndarray:
        eta = self._index(params, X)
        if self.kind == "identity":
            return eta
        if self.kind == "logistic":
            return special.expit(eta)
        if self.kind == "softmax":
            return special.softmax(eta, axis=1)
        cdf = special.expit(params[None, self.n_columns :] - eta)
        return np.diff(_pad(cdf, 0.0, 1.0), axis=1)

    def slopes(self, params: np.ndarray, X: np.ndarray, j: int) -> np.ndarray:
        """Derivative of each category probability with respect to design column j."""
        coef = self._slopes(params)[j]
        if self.kind == "identity":
            return np.full((len(X), 1), coef[0])
        if self.kind == "logistic":
            prob = self.probs(params, X)
            return prob * (1.0 - prob) * coef[0]
        if self.kind == "softmax":
            prob = self.probs(params, X)
            full = np.r_[0.0, coef]
            return prob * (full[None, :] - (prob @ full)[:, None])
        cdf = special.expit(params[None, self.n_columns :] - self._index(params, X))
        return -coef[0] * np.diff(_pad(cdf * (1.0 - cdf), 0.0, 0.0), axis=1)

    def link_values(self, params: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Each probability on the scale where intervals are built (log-odds; LPM: itself)."""
        if self.kind in ("identity", "logistic"):
            return self._index(params, X)
        if self.kind == "softmax":
            eta = self._index(params, X)
            others = [
                special.logsumexp(np.delete(eta, k, axis=1), axis=1) for k in range(eta.shape[1])
            ]
            return eta - np.column_stack(others)
        prob = self.probs(params, X)
        return np.log(prob) - np.log1p(-prob)

    def from_link(self, values: np.ndarray) -> np.ndarray:
        return values if self.kind == "identity" else special.expit(values)


def _pad(values: np.ndarray, left: float, right: float) -> np.ndarray:
    n = len(values)
    return np.column_stack([np.full(n, left), values, np.full(n, right)])


def _jacobian(func: Callable[[np.ndarray], np.ndarray], theta: np.ndarray) -> np.ndarray:
    """Central differences; every function differentiated here is smooth in the parameters."""
    steps = 1e-6 * np.maximum(1.0, np.abs(theta))
    columns = []
    for k, step in enumerate(steps):
        shift = np.zeros_like(theta)
        shift[k] = step
        columns.append((func(theta + shift) - func(theta - shift)) / (2.0 * step))
    return np.column_stack(columns)


def _table(equation, term, estimate, cov, p=None, ci=None) -> pd.DataFrame:
    std_error = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = estimate / std_error
    table = pd.DataFrame(
        {
            "equation": list(equation),
            "term": list(term),
            "estimate": estimate,
            "std_error": std_error,
            "z": z,
            "p": 2.0 * stats.norm.sf(np.abs(z)) if p is None else p,
            "ci_low": estimate - _Z95 * std_error if ci is None else ci[:, 0],
            "ci_high": estimate + _Z95 * std_error if ci is None else ci[:, 1],
        }
    )
    return table[TABLE_COLUMNS]


def _average_effects(
    link: _Link,
    params: np.ndarray,
    cov: np.ndarray,
    X: np.ndarray,
    terms: list[str],
    columns: list[int],
) -> pd.DataFrame:
    """Average marginal effects with delta-method covariance, equation by equation."""
    binary = [bool(np.isin(X[:, j], (0.0, 1.0)).all()) for j in columns]
    switched = {}
    for j, is_binary in zip(columns, binary, strict=True):
        if is_binary:
            at_one, at_zero = X.copy(), X.copy()
            at_one[:, j], at_zero[:, j] = 1.0, 0.0
            switched[j] = (at_one, at_zero)

    def effects(theta: np.ndarray) -> np.ndarray:
        rows = []
        for j in columns:
            if j in switched:
                at_one, at_zero = switched[j]
                rows.append(link.probs(theta, at_one).mean(0) - link.probs(theta, at_zero).mean(0))
            else:
                rows.append(link.slopes(theta, X, j).mean(0))
        return np.concatenate(rows) if rows else np.zeros(0)

    n_cat = len(link.labels)
    order = [t * n_cat + k for k in range(n_cat) for t in range(len(columns))]
    estimate = effects(params)[order]
    jac = _jacobian(effects, params)[order] if columns else np.zeros((0, len(params)))
    equation = [label for label in link.labels for _ in columns]
    return _table(equation, terms * n_cat, estimate, jac @ cov @ jac.T)


# ----------------------------------------------------------------------------------------------
# Firth's penalised likelihood logit.


@dataclass(frozen=True)
class _FirthState:
    penalized: float
    loglik: float
    score: np.ndarray
    info: np.ndarray


def _firth_state(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> _FirthState | None:
    """Penalised log-likelihood, modified score and Fisher information; None where the
    information is numerically singular (probabilities saturated far out on a profile)."""
    eta = X @ beta
    prob = special.expit(eta)
    weighted = X * np.sqrt(prob * (1.0 - prob))[:, None]
    info = weighted.T @ weighted
    try:
        chol = np.linalg.cholesky(info)
    except np.linalg.LinAlgError:
        return None
    leverage = np.sum(linalg.solve_triangular(chol, weighted.T, lower=True) ** 2, axis=0)
    loglik = float(np.sum(y * special.log_expit(eta) + (1.0 - y) * special.log_expit(-eta)))
    half_log_det = float(np.sum(np.log(np.diag(chol))))
    score = X.T @ (y - prob + leverage * (0.5 - prob))
    return _FirthState(loglik + half_log_det, loglik, score, info)


def _firth_newton(
    X: np.ndarray, y: np.ndarray, beta: np.ndarray, free: np.ndarray, max_iter: int = 200
) -> tuple[np.ndarray, _FirthState | None, bool]:
    """Maximise the penalised likelihood over the ``free`` coefficients, the rest held fixed.

    Keeping the full-model penalty while some coefficients are fixed is what makes the profile
    intervals and likelihood-ratio tests those of Heinze & Schemper (2002) and logistf. Steps are
    capped at 5 and halved until the penalised likelihood does not fall, as in logistf. The state
    is None when the start itself is numerically degenerate.
    """
    beta = beta.astype(float).copy()
    state = _firth_state(X, y, beta)
    if state is None:
        return beta, None, False
    for _ in range(max_iter):
        step = np.linalg.solve(state.info[np.ix_(free, free)], state.score[free])
        largest = np.max(np.abs(step))
        if largest < 1e-10:
            beta[free] += step
            return beta, _firth_state(X, y, beta) or state, True
        step *= min(1.0, 5.0 / largest)
        for _ in range(40):
            candidate = beta.copy()
            candidate[free] += step
            new = _firth_state(X, y, candidate)
            if new is not None and new.penalized >= state.penalized - 1e-12 * abs(state.penalized):
                break
            step /= 2.0
        else:
            return beta, state, False
        beta, state = candidate, new
    return beta, state, False


def _firth_cluster_cov(X: np.ndarray, y: np.ndarray, beta: np.ndarray, bread: np.ndarray,
                       groups: np.ndarray) -> np.ndarray:
    """Cluster sandwich around the penalised estimate: the inverse information as bread, the
    cluster sums of the modified (Firth) score contributions as meat, with the small-sample
    factor statsmodels uses for maximum likelihood, G / (G - 1) * (N - 1) / (N - K)."""
    prob = special.expit(X @ beta)
    weighted = X * np.sqrt(prob * (1.0 - prob))[:, None]
    leverage = np.einsum("ij,jk,ik->i", weighted, bread, weighted)
    contributions = X * (y - prob + leverage * (0.5 - prob))[:, None]
    sums = np.zeros((int(groups.max()) + 1, X.shape[1]))
    np.add.at(sums, groups, contributions)
    n, k, g = X.shape[0], X.shape[1], sums.shape[0]
    factor = g / (g - 1) * (n - 1) / (n - k)
    return factor * bread @ (sums.T @ sums) @ bread


def _firth_logit(X: np.ndarray, y: np.ndarray, names: list[str], profile: bool,
                 groups: np.ndarray | None = None) -> dict:
    """With `groups`, the covariance is the cluster sandwich and inference is Wald: the profile
    likelihood assumes independent observations."""
    everything = np.arange(X.shape[1])
    beta, state, converged = _firth_newton(X, y, np.zeros(X.shape[1]), everything)
    cov = np.linalg.inv(state.info)
    if groups is not None:
        cov, profile = _firth_cluster_cov(X, y, beta, cov, groups), False
    null = y.mean()
    out = {
        "params": beta,
        "cov": cov,
        "log_likelihood": state.loglik,
        "null_log_likelihood": len(y) * (null * np.log(null) + (1 - null) * np.log1p(-null)),
        "converged": converged,
    }
    if profile:
        out["p"], out["ci"] = _firth_profile(X, y, names, beta, state, np.sqrt(np.diag(cov)))
    return out


def _firth_profile(
    X: np.ndarray,
    y: np.ndarray,
    names: list[str],
    beta: np.ndarray,
    state: _FirthState,
    std_error: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Penalised likelihood-ratio p-values and profile penalised likelihood 95 % intervals."""
    everything = np.arange(X.shape[1])
    p_values, intervals = [], []
    for j, name in enumerate(names):
        others = np.delete(everything, j)

        def deviance(
            value: float, j: int = j, others: np.ndarray = others, name: str = name
        ) -> float:
            start = beta.copy()
            start[j] = value
            _, restricted, ok = _firth_newton(X, y, start, others)
            if restricted is None:
                return np.inf
            if not ok:
                warnings.warn(
                    f"Firth profile fit for {name} at {value:.4g} did not converge",
                    EstimationWarning,
                    stacklevel=2,
                )
            return 2.0 * (state.penalized - restricted.penalized)

        p_values.append(float(stats.chi2.sf(max(deviance(0.0), 0.0), 1)))
        intervals.append(
            [_profile_limit(deviance, beta[j], std_error[j], side, name) for side in (-1, 1)]
        )
    return np.array(p_values), np.array(intervals)


def _profile_limit(
    deviance: Callable[[float], float], estimate: float, se: float, side: int, name: str
) -> float:
    """Where the profile penalised deviance crosses the chi-square(1) 95 % point."""
    step = se if np.isfinite(se) and se > 0 else 1.0
    inner = estimate
    for _ in range(60):
        outer = inner + side * step
        value = deviance(outer)
        if value > _CHI2_95:
            low, high = sorted((inner, outer))
            # Bisection only needs signs, so it copes with a degenerate (infinite) end point.
            solve = optimize.brentq if np.isfinite(value) else optimize.bisect
            return solve(lambda b: deviance(b) - _CHI2_95, low, high, xtol=1e-10, rtol=1e-12)
        inner, step = outer, 2.0 * step
    warnings.warn(
        f"profile interval for {name} is unbounded on one side", EstimationWarning, stacklevel=2
    )
    return side * np.inf


def irls_logit(X: np.ndarray, y: np.ndarray, tol: float = 1e-12, max_iter: int = 100):
    """Maximum likelihood logit independent of statsmodels, for cross-checks.

    Returns the coefficients and the inverse Fisher information; raises RuntimeError when the
    iterations do not settle (as under separation).
    """
    X = np.asarray(X, dtype=float)
    beta, converged = logit_point(X, y, tol, max_iter)
    if not converged:
        raise RuntimeError(f"IRLS did not converge in {max_iter} iterations")
    prob = special.expit(X @ beta)
    weighted = X * np.sqrt(prob * (1.0 - prob))[:, None]
    return beta, np.linalg.inv(weighted.T @ weighted)


# ----------------------------------------------------------------------------------------------
# Point estimates for resampling: NumPy in and out, no statsmodels and no tables, so thousands of
# refits in one process cost only the arithmetic. Each gives the estimate ``fit_model`` reports.


def logit_point(
    X: np.ndarray, y: np.ndarray, tol: float = 1e-12, max_iter: int = 100
) -> tuple[np.ndarray, bool]:
    """Maximum likelihood logit by Newton's method (iteratively reweighted least squares).

    Under separation no maximum exists: the iterate where it stopped comes back with
    ``converged`` False (``separated_columns`` says which coefficients ran off).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    beta = np.zeros(X.shape[1])
    for _ in range(max_iter):
        prob = special.expit(X @ beta)
        weighted = X * np.sqrt(prob * (1.0 - prob))[:, None]
        try:
            step = np.linalg.solve(weighted.T @ weighted, X.T @ (y - prob))
        except np.linalg.LinAlgError:
            return beta, False
        beta = beta + step
        if np.max(np.abs(step)) < tol * (1.0 + np.max(np.abs(beta))):
            return beta, True
    return beta, False


def firth_point(
    X: np.ndarray, y: np.ndarray, start: np.ndarray | None = None
) -> tuple[np.ndarray, bool]:
    """Firth's penalised likelihood logit, estimate only (no profile intervals or tests).
    ``start`` (e.g. the full-sample estimate when refitting a resample) saves iterations."""
    X = np.asarray(X, dtype=float)
    beta = np.zeros(X.shape[1]) if start is None else np.asarray(start, dtype=float)
    beta, _, converged = _firth_newton(X, np.asarray(y, dtype=float), beta, np.arange(X.shape[1]))
    return beta, converged


def lpm_point(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares coefficients of the linear probability model."""
    return np.linalg.lstsq(np.asarray(X, dtype=float), np.asarray(y, dtype=float), rcond=None)[0]


_POINT_LINKS = {"logit": "logistic", "identity": "identity"}


def average_effect(beta: np.ndarray, X: np.ndarray, column: int, link: str, binary: bool) -> float:
    """Average marginal effect of design column ``column`` on the probability of outcome 1, as
    ``fit_model``'s margins: the average change from 0 to 1 when ``binary`` (pass whether the
    column's values are all 0 or 1), otherwise the average derivative. ``link``: "logit" (also
    for Firth) or "identity" (LPM)."""
    if link not in _POINT_LINKS:
        raise DataError(None, "link", f"one of {', '.join(_POINT_LINKS)}", link)
    X = np.asarray(X, dtype=float)
    beta = np.asarray(beta, dtype=float)
    model = _Link(_POINT_LINKS[link], X.shape[1], ("1",))
    if not binary:
        return float(model.slopes(beta, X, column).mean())
    at_one, at_zero = X.copy(), X.copy()
    at_one[:, column], at_zero[:, column] = 1.0, 0.0
    return float(model.probs(beta, at_one).mean() - model.probs(beta, at_zero).mean())


# ----------------------------------------------------------------------------------------------
# Separation.


def _unidentified(constraints: np.ndarray) -> np.ndarray | None:
    """Which parameters have no finite maximum likelihood estimate.

    ``constraints`` holds one row a per observation (or observation and competing category) such
    that the log-likelihood term never decreases along a parameter direction d exactly when
    a'd >= 0. The model is (quasi-)completely separated when some d != 0 satisfies every row
    (Albert & Anderson 1984; Konis 2007). The rows that some such d makes strict are fitted
    perfectly in the limit, and the estimate runs off to infinity along the directions the other
    rows leave free, the null space of the remaining rows. A parameter is affected when that null
    space moves it, i.e. when the observations that are not perfectly predicted do not identify
    it; these are exactly the estimates that diverge. None when the solver fails.

    The strict rows come from one linear programme, the dual of max sum t subject to
    0 <= t <= 1 and a'd >= t: max sum z subject to A'(z + w) = 0, 0 <= z <= 1, w >= 0. A row
    can be made strict exactly when no y = z + w >= 0 with A'y = 0 is positive on it (if
    A'y = 0 and Ad >= 0, then sum y_i a_i'd = 0 forces a_i'd = 0 wherever y_i > 0), and the
    sum of such certificates, scaled, is one; so at the optimum z is 0 on the strict rows and 1
    on the others. Its equality constraints are one per parameter, not one per row, which
    makes the simplex fast.
    """
    n_rows, n_params = constraints.shape
    scale = np.abs(constraints).max(axis=0)
    scale[scale == 0] = 1.0
    scaled = constraints / scale
    bounds = np.zeros((2 * n_rows, 2))
    bounds[:n_rows, 1] = 1.0
    bounds[n_rows:, 1] = np.inf
    solution = optimize.linprog(
        np.r_[-np.ones(n_rows), np.zeros(n_rows)],
        A_eq=np.hstack([scaled.T, scaled.T]),
        b_eq=np.zeros(n_params),
        bounds=bounds,
        method="highs",
        options={"presolve": False},
    )
    if solution.status != 0:
        return None
    strict = solution.x[:n_rows] < 0.5
    if not strict.any():
        return np.zeros(n_params, dtype=bool)
    rest = scaled[~strict]
    if len(rest) == 0:
        return np.ones(n_params, dtype=bool)
    # Only the right singular vectors are needed: the full left factor of a tall `rest` is
    # n_rows x n_rows, and computing it dominated model fitting; a short `rest` needs the full
    # right factor, whose extra rows span the null space.
    _, singular, right = np.linalg.svd(rest, full_matrices=len(rest) < n_params)
    rank = int(np.sum(singular > max(rest.shape) * np.finfo(float).eps * singular[0]))
    return np.linalg.norm(right[rank:], axis=0) > 1e-6


def _binary_constraints(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return X * (2.0 * y - 1.0)[:, None]


def _multinomial_constraints(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Parameters stacked equation by equation (category 0 is the base): observation i of
    category c needs x_i'(d_c - d_m) >= 0 against every other category m."""
    n, k = X.shape
    n_eq = int(y.max())
    rows = []
    for other in range(n_eq + 1):
        keep = y != other
        block = np.zeros((int(keep.sum()), n_eq * k))
        for category in range(1, n_eq + 1):
            own = (y[keep] == category).astype(float) - float(other == category)
            block[:, (category - 1) * k : category * k] = X[keep] * own[:, None]
        rows.append(block)
    return np.vstack(rows)


def _ordinal_constraints(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Parameters: slopes, then cut points, P(y <= c) = logistic(cut_c - x'b). Observation i of
    category c needs cut_c - x'b not to fall (c below the top) and cut_(c-1) - x'b not to rise
    (c above the bottom)."""
    n_cuts = int(y.max())
    cuts = np.eye(n_cuts)
    upper = y < n_cuts
    lower = y > 0
    return np.vstack(
        [
            np.column_stack([-X[upper], cuts[y[upper]]]),
            np.column_stack([X[lower], -cuts[y[lower] - 1]]),
        ]
    )


def separated_columns(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Binary outcome: which columns of X have no finite maximum likelihood coefficient (all
    False without separation). NumPy in, NumPy out, for resampling loops; warns and returns all
    False when the linear programme fails."""
    X = np.asarray(X, dtype=float)
    flags = _unidentified(_binary_constraints(X, np.asarray(y, dtype=float)))
    if flags is None:
        warnings.warn("separation check: linear programme failed", EstimationWarning, stacklevel=2)
        return np.zeros(X.shape[1], dtype=bool)
    return flags


_SEPARATION_METHOD = {
    "binary": "linear programme on the estimation design (Konis 2007)",
    "mnlogit": "linear programme on the multinomial likelihood (Albert & Anderson 1984)",
    "ordered_logit": "linear programme on the cumulative-logit likelihood (Konis 2007)",
}


def _separation(estimator: str, X: np.ndarray, y: np.ndarray, names: list[str]) -> dict:
    """Separation check on the estimation design, one flag per coefficient-table row, in row
    order. ``parameters`` is that array; ``terms`` the affected names (for ``mnlogit`` those
    affected in any equation; cut points of ordered models included)."""
    if estimator in _BINARY:
        constraints, kind = _binary_constraints(X, y.astype(float)), "binary"
        labels = list(names)
    elif estimator == "mnlogit":
        constraints, kind = _multinomial_constraints(X, y), estimator
        labels = names * int(y.max())
    else:
        constraints, kind = _ordinal_constraints(X, y), estimator
        labels = names + [f"cut{i}" for i in range(1, int(y.max()) + 1)]
    flags = _unidentified(constraints)
    if flags is None:
        warnings.warn("separation check: linear programme failed", EstimationWarning, stacklevel=2)
        flags = np.zeros(len(labels), dtype=bool)
    terms = list(dict.fromkeys(label for label, flag in zip(labels, flags, strict=True) if flag))
    return {
        "detected": bool(flags.any()),
        "terms": terms,
        "method": _SEPARATION_METHOD[kind],
        "parameters": flags,
    }


# ----------------------------------------------------------------------------------------------
# Input handling.


def _check_spec(data, outcome, terms, estimator, cov_type, groups, fixed_effects) -> None:
    if estimator not in ESTIMATORS:
        raise DataError(None, "estimator", f"one of {', '.join(ESTIMATORS)}", estimator)
    if cov_type not in COV_TYPES:
        raise DataError(None, "cov_type", f"one of {', '.join(COV_TYPES)}", cov_type)
    if estimator == "firth_logit" and cov_type == "HC1":
        raise DataError(
            None, "cov_type", "'nonrobust' or 'cluster' for firth_logit", cov_type
        )
    if (cov_type == "cluster") != (groups is not None):
        raise DataError(
            None, "groups", "a groups column exactly when cov_type is 'cluster'", groups
        )
    named = [outcome, *terms, *fixed_effects] + ([groups] if groups is not None else [])
    missing = [name for name in named if name not in data.columns]
    if missing:
        raise DataError(None, "unknown column", "columns present in the data", missing)
    repeated = [
        name for name, count in Counter([outcome, *terms, *fixed_effects]).items() if count > 1
    ]
    if repeated:
        raise DataError(
            None, "repeated column", "outcome, terms and fixed effects each named once", repeated
        )
    if INTERCEPT in terms:
        raise DataError(None, "terms", f"no term named {INTERCEPT!r} (it is added here)", INTERCEPT)
    not_numeric = [t for t in terms if not pd.api.types.is_numeric_dtype(data[t])]
    if not_numeric:
        raise DataError(
            None, "terms", "numeric columns (build dummies before fitting)", not_numeric
        )


def _outcome(values: pd.Series, estimator: str, name: str) -> tuple[np.ndarray, list]:
    """Integer codes 0..J-1 and the category labels they stand for."""
    key = f"outcome {name}"
    if estimator in _BINARY:
        if not pd.api.types.is_numeric_dtype(values) or not values.isin([0, 1]).all():
            raise DataError(None, key, "a 0/1 outcome", sorted(pd.unique(values))[:10])
        codes, categories = values.to_numpy(dtype=int), [0, 1]
    elif estimator == "mnlogit":
        if not isinstance(values.dtype, pd.CategoricalDtype):
            raise DataError(
                None,
                key,
                "a pandas Categorical (its first category is the base)",
                str(values.dtype),
            )
        codes, categories = values.cat.codes.to_numpy(), list(values.cat.categories)
    elif isinstance(values.dtype, pd.CategoricalDtype):
        if not values.cat.ordered:
            raise DataError(
                None, key, "an ordered Categorical or integer outcome", "unordered Categorical"
            )
        codes, categories = values.cat.codes.to_numpy(), list(values.cat.categories)
    else:
        if not pd.api.types.is_numeric_dtype(values) or not (values % 1 == 0).all():
            raise DataError(
                None, key, "an ordered Categorical or integer outcome", str(values.dtype)
            )
        categories = sorted(pd.unique(values))
        codes = np.searchsorted(categories, values.to_numpy())
    counts = np.bincount(codes, minlength=len(categories))
    observed = [c for c, n in zip(categories, counts, strict=True) if n > 0]
    if len(observed) < 2:
        raise DataError(
            None, key, "at least two outcome classes in the estimation sample", observed
        )
    if len(observed) < len(categories):
        unused = [c for c, n in zip(categories, counts, strict=True) if n == 0]
        raise DataError(
            None, key, "every outcome category observed in the estimation sample", unused
        )
    return codes, categories


def _levels(values: pd.Series) -> list:
    present = set(pd.unique(values))
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [level for level in values.cat.categories if level in present]
    return sorted(present)


def _regressors(
    frame: pd.DataFrame, terms: list[str], levels: dict[str, list], intercept: bool
) -> pd.DataFrame:
    columns: dict[str, pd.Series | float] = {INTERCEPT: 1.0} if intercept else {}
    for term in terms:
        columns[term] = frame[term].astype(float)
    for name, kept in levels.items():
        for level in kept[1:]:
            columns[f"{name}[{level}]"] = (frame[name] == level).astype(float)
    design = pd.DataFrame(columns, index=frame.index)
    values = design.to_numpy()
    if not np.isfinite(values).all():
        bad = design.columns[~np.isfinite(values).all(axis=0)].tolist()
        raise DataError(None, "terms", "finite values", f"non-finite values in {bad}")
    return design


def _check_rank(design: pd.DataFrame, intercept: bool) -> None:
    """A singular design would make statsmodels fail obscurely or return arbitrary numbers."""
    values, names = design.to_numpy(), list(design.columns)
    if not intercept:
        values, names = np.column_stack([np.ones(len(values)), values]), ["(thresholds)", *names]
    norms = np.linalg.norm(values, axis=0)
    norms[norms == 0] = 1.0
    _, r, pivot = linalg.qr(values / norms, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int(np.sum(diagonal > max(values.shape) * np.finfo(float).eps * diagonal[0]))
    if rank < values.shape[1] or len(values) <= values.shape[1]:
        dependent = [names[i] for i in pivot[rank:]]
        raise DataError(
            None,
            "design matrix",
            f"full column rank and more rows than columns ({values.shape} rows x columns)",
            f"linearly dependent columns {dependent}" if dependent else "too few rows",
        )


# ----------------------------------------------------------------------------------------------
# Estimation.


def _statsmodels_fit(model, cov_type: str, groups: np.ndarray | None, **options):
    """Fit with the requested covariance so every statistic derived later shares it."""
    if cov_type == "cluster":
        options.update(cov_type="cluster", cov_kwds={"groups": groups})
    elif cov_type == "HC1":
        options["cov_type"] = "HC0"
    result = model.fit(**options)
    try:
        cov = np.asarray(result.cov_params(), dtype=float)
    except ValueError:
        # statsmodels keeps no covariance when the information cannot be inverted, as when a
        # separated ordered logit stops with probabilities saturated at 0 or 1.
        warnings.warn(
            "no covariance: the information matrix is singular at the estimate",
            EstimationWarning,
            stacklevel=2,
        )
        cov = np.full((len(result.params),) * 2, np.nan)
    if cov_type == "HC1":
        n = model.endog.shape[0]
        cov = cov * n / (n - cov.shape[0])
    return result, cov


def _statsmodels():
    """statsmodels' api and OrderedModel, imported when a model needs them: Firth fits and the
    point estimates for resampling never do, and the jobs that only run those skip the import."""
    import statsmodels.api as sm
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    return sm, OrderedModel


def _ordered_logit(y: np.ndarray, X: np.ndarray):
    """statsmodels' ordered logit with its logistic cdf evaluated by `special.expit`, which is
    what `scipy.stats.logistic.cdf` computes, to the bit, once its argument checks are done;
    those checks took most of the optimiser's time, as every numerical gradient evaluates the
    cdf twice per parameter."""
    _, OrderedModel = _statsmodels()

    class ExpitOrderedModel(OrderedModel):
        def cdf(self, x):
            return special.expit(x)

    return ExpitOrderedModel(y, X, distr="logit")


def _estimate(estimator, X, y, names, categories, cov_type, groups, profile) -> dict:
    if estimator == "firth_logit":
        out = _firth_logit(X, y.astype(float), names, profile,
                           groups if cov_type == "cluster" else None)
        out.update(
            link=_Link("logistic", X.shape[1], ("1",)),
            equation=["1"] * len(names),
            term=names,
            pseudo_r2=float(1.0 - out["log_likelihood"] / out["null_log_likelihood"]),
            r2=None,
            aic=-2.0 * out["log_likelihood"] + 2.0 * len(names),
        )
        return out
    sm, _ = _statsmodels()
    if estimator == "lpm":
        result, cov = _statsmodels_fit(sm.OLS(y.astype(float), X), cov_type, groups)
        link = _Link("identity", X.shape[1], ("1",))
        params, equation, term = np.asarray(result.params), ["1"] * len(names), names
        converged = True
    elif estimator == "logit":
        result, cov = _statsmodels_fit(sm.Logit(y, X), cov_type, groups, disp=0, maxiter=50)
        link = _Link("logistic", X.shape[1], ("1",))
        params, equation, term = np.asarray(result.params), ["1"] * len(names), names
        converged = bool(result.mle_retvals["converged"])
    elif estimator == "mnlogit":
        result, cov = _statsmodels_fit(sm.MNLogit(y, X), cov_type, groups, disp=0, maxiter=200)
        labels = tuple(str(c) for c in categories)
        link = _Link("softmax", X.shape[1], labels)
        params = np.asarray(result.params).ravel(order="F")
        equation = [label for label in labels[1:] for _ in names]
        term = names * (len(labels) - 1)
        converged = bool(result.mle_retvals["converged"])
    else:
        # Quasi-Newton on numerical gradients needs comparable column scales to converge tightly.
        scale = X.std(axis=0)
        model = _ordered_logit(y, X / scale)
        result, raw_cov = _statsmodels_fit(
            model, cov_type, groups, method="bfgs", disp=0, maxiter=2000, gtol=1e-8
        )
        raw = np.asarray(result.params)
        k = X.shape[1]
        increments = np.exp(raw[k + 1 :])
        params = np.r_[raw[:k] / scale, np.cumsum(np.r_[raw[k], increments])]
        transform = linalg.block_diag(
            np.diag(1.0 / scale), np.tril(np.ones((len(raw) - k,) * 2)) * np.r_[1.0, increments]
        )
        cov = transform @ raw_cov @ transform.T
        link = _Link("cumulative", k, tuple(str(c) for c in categories))
        cut_names = [f"cut{i}" for i in range(1, len(categories))]
        equation, term = [LATENT] * (k + len(cut_names)), names + cut_names
        converged = bool(result.mle_retvals["converged"])
    return {
        "params": params,
        "cov": cov,
        "link": link,
        "equation": equation,
        "term": term,
        "log_likelihood": float(result.llf),
        "pseudo_r2": None if estimator == "lpm" else float(result.prsquared),
        "r2": float(result.rsquared) if estimator == "lpm" else None,
        "aic": float(result.aic),
        "converged": converged,
    }


def _mark_separated(table: pd.DataFrame, flags: np.ndarray) -> pd.DataFrame:
    """A parameter without a finite estimate has no standard error, test or interval: the numbers
    the optimiser leaves there describe where it stopped, not the data."""
    table = table.assign(**{SEPARATED: flags.astype(bool)})
    if flags.any():
        table.loc[flags, _INFERENCE] = np.nan
    return table


def _collect(records: list[warnings.WarningMessage]) -> list[str]:
    counts = Counter(f"{record.category.__name__}: {record.message}" for record in records)
    return [text if count == 1 else f"{text} (x{count})" for text, count in counts.items()]


@dataclass(frozen=True)
class _Predictor:
    link: _Link
    params: np.ndarray
    cov: np.ndarray
    terms: list[str]
    levels: dict[str, list]
    intercept: bool


@dataclass
class ModelResult:
    """A fitted model as tables (see the module docstring for the shared conventions).

    ``vcov`` is the covariance of ``coefficients.estimate`` in row order; ``design`` is the exact
    estimation sample (outcome column, then one column per design term, named as in
    ``coefficients.term``), indexed like the input rows it came from, so the model can be refitted
    with another tool. ``fit`` holds ``estimator``, ``n``, ``n_dropped_missing``, ``n_clusters``
    (None unless clustered), ``log_likelihood``, ``pseudo_r2`` (McFadden; None for the LPM),
    ``r2`` (LPM only, else None), ``aic``, ``cov_type``, ``converged`` (the optimiser's verdict,
    forced False for ``logit`` under separation; always True for the closed-form LPM),
    ``separation`` (``detected``, ``terms``, ``method``), ``inference`` ("Wald" or, for Firth,
    "profile penalised likelihood") and ``warnings``.
    """

    coefficients: pd.DataFrame
    margins: pd.DataFrame
    fit: dict
    design: pd.DataFrame
    vcov: np.ndarray
    _predictor: _Predictor = field(repr=False)

    def predict(self, new_data: pd.DataFrame) -> pd.DataFrame:
        """Predicted probabilities with 95 % delta-method intervals under ``vcov``.

        One row per input row and outcome category (binary models: probability of outcome = 1,
        ``equation`` "1"), indexed by the input index. Intervals are built on the log-odds of each
        probability and mapped back, so they stay inside (0, 1); for the LPM they are linear.
        """
        spec = self._predictor
        needed = spec.terms + list(spec.levels)
        absent = [name for name in needed if name not in new_data.columns]
        if absent:
            raise DataError(
                None, "prediction data", "the model's term and fixed-effect columns", absent
            )
        if new_data[needed].isna().any().any():
            raise DataError(None, "prediction data", "no missing values", "missing values")
        unseen = {
            name: sorted(set(new_data[name]) - set(kept), key=str)
            for name, kept in spec.levels.items()
        }
        unseen = {name: values for name, values in unseen.items() if values}
        if unseen:
            raise DataError(
                None, "prediction data", "fixed-effect levels seen in estimation", unseen
            )
        X = _regressors(new_data, spec.terms, spec.levels, spec.intercept).to_numpy()
        values = spec.link.link_values(spec.params, X)
        jac = _jacobian(lambda theta: spec.link.link_values(theta, X).ravel(), spec.params)
        std_error = np.sqrt(np.einsum("ij,jk,ik->i", jac, spec.cov, jac)).reshape(values.shape)
        n_cat = values.shape[1]
        return pd.DataFrame(
            {
                "equation": list(spec.link.labels) * len(X),
                "prob": spec.link.from_link(values).ravel(),
                "ci_low": spec.link.from_link(values - _Z95 * std_error).ravel(),
                "ci_high": spec.link.from_link(values + _Z95 * std_error).ravel(),
            },
            index=new_data.index.repeat(n_cat),
        )[PREDICT_COLUMNS]


def fit_model(
    data: pd.DataFrame,
    outcome: str,
    terms: list[str],
    estimator: str,
    cov_type: str,
    groups: str | None = None,
    fixed_effects: list[str] | None = None,
    firth_profile: bool = True,
) -> ModelResult:
    """Fit one model specification on the complete cases of ``data``.

    ``terms`` are numeric columns used as they are; ``fixed_effects`` are categorical columns
    expanded here into drop-first dummies named ``<column>[<level>]`` (levels in Categorical
    order, otherwise sorted; the first level present in the sample is dropped). Outcomes:
    0/1 for ``logit``, ``firth_logit`` and ``lpm``; a pandas Categorical for ``mnlogit`` (its first
    category is the base); an ordered Categorical or integers for ``ordered_logit``. Rows missing
    any used column are dropped and counted in ``fit['n_dropped_missing']``.

    ``firth_profile=False`` skips the Firth profile likelihood, the slow part of a Firth fit:
    ``p`` and the intervals are then Wald (normal theory from ``vcov``), as when multiple
    imputation pools only estimates and covariances; ``fit['inference']`` says which was used.
    """
    terms = list(terms)
    fixed_effects = list(fixed_effects or [])
    _check_spec(data, outcome, terms, estimator, cov_type, groups, fixed_effects)
    used = [outcome, *terms, *fixed_effects] + ([groups] if groups is not None else [])
    complete = data[used].notna().all(axis=1)
    sample = data.loc[complete]
    if sample.empty:
        raise DataError(
            None,
            "estimation sample",
            "at least one complete row",
            f"0 of {len(data)} rows complete",
        )
    y, categories = _outcome(sample[outcome], estimator, outcome)
    levels = {name: _levels(sample[name]) for name in fixed_effects}
    intercept = estimator != "ordered_logit"
    design = _regressors(sample, terms, levels, intercept)
    if outcome in design.columns or design.columns.duplicated().any():
        raise DataError(None, "design columns", "distinct names", list(design.columns))
    _check_rank(design, intercept)
    X, names = design.to_numpy(), list(design.columns)
    cluster_codes = pd.factorize(sample[groups])[0] if groups is not None else None
    if cluster_codes is not None and cluster_codes.max() < 1:
        raise DataError(None, "groups", "at least two clusters", 1)

    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        separation = _separation(estimator, X, y, names)
        out = _estimate(estimator, X, y, names, categories, cov_type, cluster_codes, firth_profile)
        coefficients = _table(
            out["equation"], out["term"], out["params"], out["cov"], out.get("p"), out.get("ci")
        )
        margins = _average_effects(
            out["link"], out["params"], out["cov"], X, terms, [names.index(t) for t in terms]
        )
    flags = separation.pop("parameters")
    if estimator not in _MAXIMUM_LIKELIHOOD:
        flags = np.zeros_like(flags)
    coefficients = _mark_separated(coefficients, flags)
    affected = set(coefficients.loc[flags, "term"])
    margins = _mark_separated(margins, margins["term"].isin(affected).to_numpy())
    messages = _collect(records)
    if any("PerfectSeparation" in message for message in messages):
        separation["detected"] = True
        separation["method"] += "; statsmodels reported perfect prediction"
    converged = out["converged"]
    if estimator == "logit" and separation["detected"]:
        converged = False
    fit = {
        "estimator": estimator,
        "n": len(y),
        "n_dropped_missing": int((~complete).sum()),
        "n_clusters": int(cluster_codes.max() + 1) if cluster_codes is not None else None,
        "log_likelihood": out["log_likelihood"],
        "pseudo_r2": out["pseudo_r2"],
        "r2": out["r2"],
        "aic": out["aic"],
        "cov_type": cov_type,
        "converged": converged,
        "separation": separation,
        "inference": "profile penalised likelihood"
        if estimator == "firth_logit" and firth_profile and cov_type != "cluster"
        else "Wald",
        "warnings": messages,
    }
    frame = pd.concat([sample[[outcome]], design], axis=1)
    if estimator in _BINARY:
        frame[outcome] = y
    predictor = _Predictor(out["link"], out["params"], out["cov"], terms, levels, intercept)
    return ModelResult(coefficients, margins, fit, frame, out["cov"], predictor)
