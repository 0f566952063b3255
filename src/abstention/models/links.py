"""Probability models behind margins and predictions: one object maps parameters and a design
to category probabilities, their derivatives and their link scale, and the delta method turns
those into average marginal effects with standard errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from abstention.errors import DataError
from abstention.models.common import TABLE_COLUMNS
from abstention.models.distributions import normal_ppf, normal_sf

Z95 = float(normal_ppf(0.975))


@dataclass(frozen=True)
class Link:
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


def jacobian(func: Callable[[np.ndarray], np.ndarray], theta: np.ndarray) -> np.ndarray:
    """Central differences; every function differentiated here is smooth in the parameters."""
    steps = 1e-6 * np.maximum(1.0, np.abs(theta))
    columns = []
    for k, step in enumerate(steps):
        shift = np.zeros_like(theta)
        shift[k] = step
        columns.append((func(theta + shift) - func(theta - shift)) / (2.0 * step))
    return np.column_stack(columns)


def coefficient_table(equation, term, estimate, cov, p=None, ci=None) -> pd.DataFrame:
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
            "p": 2.0 * normal_sf(np.abs(z)) if p is None else p,
            "ci_low": estimate - Z95 * std_error if ci is None else ci[:, 0],
            "ci_high": estimate + Z95 * std_error if ci is None else ci[:, 1],
        }
    )
    return table[TABLE_COLUMNS]


def average_effects(
    link: Link,
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
    if not columns:
        jac = np.zeros((0, len(params)))
    elif link.kind in _SINGLE_INDEX:
        jac = _single_index_jacobian(_SINGLE_INDEX[link.kind], params, X, columns, switched)
    else:
        jac = jacobian(effects, params)[order]
    equation = [label for label in link.labels for _ in columns]
    return coefficient_table(equation, terms * n_cat, estimate, jac @ cov @ jac.T)


def _logistic_derivatives(eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    prob = special.expit(eta)
    density = prob * (1.0 - prob)
    return density, density * (1.0 - 2.0 * prob)


def _identity_derivatives(eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.ones_like(eta), np.zeros_like(eta)


# The first and second derivatives of each one-equation link's mean in its linear index.
_SINGLE_INDEX = {"logistic": _logistic_derivatives, "identity": _identity_derivatives}


def _single_index_jacobian(derivatives, params, X, columns, switched) -> np.ndarray:
    """The exact Jacobian of `average_effects` for a one-equation link, where the numerical
    one costs two evaluations of every effect per parameter: a switched dummy's effect is
    mean g(X1 b) - mean g(X0 b); any other column's, b_j mean g'(X b)."""
    rows = []
    for j in columns:
        if j in switched:
            at_one, at_zero = switched[j]
            rows.append(derivatives(at_one @ params)[0] @ at_one / len(X)
                        - derivatives(at_zero @ params)[0] @ at_zero / len(X))
        else:
            first, second = derivatives(X @ params)
            row = params[j] * (second @ X) / len(X)
            row[j] += first.mean()
            rows.append(row)
    return np.vstack(rows)


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
    model = Link(_POINT_LINKS[link], X.shape[1], ("1",))
    if not binary:
        return float(model.slopes(beta, X, column).mean())
    at_one, at_zero = X.copy(), X.copy()
    at_one[:, column], at_zero[:, column] = 1.0, 0.0
    return float(model.probs(beta, at_one).mean() - model.probs(beta, at_zero).mean())
