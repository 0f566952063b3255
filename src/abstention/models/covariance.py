"""Covariances as the caller asked for them: statsmodels fits with the requested sandwich, and
the cluster sandwich around a penalised (Firth) estimate, which statsmodels lacks."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import special

from abstention.models.common import EstimationWarning


def statsmodels_fit(model, cov_type: str, groups: np.ndarray | None, **options):
    """Fit with the requested covariance so every statistic derived later shares it."""
    if cov_type == "cluster":
        options.update(cov_type="cluster", cov_kwds={"groups": groups})
    elif cov_type == "HC1":
        options["cov_type"] = "HC0"
    result = model.fit(**options)
    try:
        cov = np.asarray(result.cov_params(), dtype=float)
    except ValueError:
        # statsmodels keeps no covariance when the information cannot be inverted (a fit that
        # stops with probabilities saturated at 0 or 1 in every row of some category).
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


def firth_cluster_cov(X: np.ndarray, y: np.ndarray, beta: np.ndarray, bread: np.ndarray,
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
