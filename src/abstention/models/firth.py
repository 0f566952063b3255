"""Firth's penalised likelihood logit: the Newton iteration, profile penalised likelihood
intervals and likelihood-ratio tests as in R's logistf (Heinze & Schemper 2002), and the
estimate alone for resampling."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize, special

from abstention.models.common import EstimationWarning
from abstention.models.covariance import firth_cluster_cov
from abstention.models.distributions import chi2_ppf, chi2_sf

_CHI2_95 = float(chi2_ppf(0.95, 1))


@dataclass(frozen=True)
class FirthState:
    penalized: float
    loglik: float
    score: np.ndarray
    info: np.ndarray


def firth_state(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> FirthState | None:
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
    return FirthState(loglik + half_log_det, loglik, score, info)


def firth_newton(
    X: np.ndarray, y: np.ndarray, beta: np.ndarray, free: np.ndarray, max_iter: int = 200
) -> tuple[np.ndarray, FirthState | None, bool]:
    """Maximise the penalised likelihood over the ``free`` coefficients, the rest held fixed.

    Keeping the full-model penalty while some coefficients are fixed is what makes the profile
    intervals and likelihood-ratio tests those of Heinze & Schemper (2002) and logistf. Steps are
    capped at 5 and halved until the penalised likelihood does not fall, as in logistf. The state
    is None when the start itself is numerically degenerate.
    """
    beta = beta.astype(float).copy()
    state = firth_state(X, y, beta)
    if state is None:
        return beta, None, False
    for _ in range(max_iter):
        step = np.linalg.solve(state.info[np.ix_(free, free)], state.score[free])
        largest = np.max(np.abs(step))
        if largest < 1e-10:
            beta[free] += step
            return beta, firth_state(X, y, beta) or state, True
        step *= min(1.0, 5.0 / largest)
        for _ in range(40):
            candidate = beta.copy()
            candidate[free] += step
            new = firth_state(X, y, candidate)
            if new is not None and new.penalized >= state.penalized - 1e-12 * abs(state.penalized):
                break
            step /= 2.0
        else:
            return beta, state, False
        beta, state = candidate, new
    return beta, state, False


def firth_logit(X: np.ndarray, y: np.ndarray, names: list[str], profile: bool,
                 groups: np.ndarray | None = None) -> dict:
    """With `groups`, the covariance is the cluster sandwich and inference is Wald: the profile
    likelihood assumes independent observations."""
    everything = np.arange(X.shape[1])
    beta, state, converged = firth_newton(X, y, np.zeros(X.shape[1]), everything)
    cov = np.linalg.inv(state.info)
    if groups is not None:
        cov, profile = firth_cluster_cov(X, y, beta, cov, groups), False
    null = y.mean()
    out = {
        "params": beta,
        "cov": cov,
        "log_likelihood": state.loglik,
        "null_log_likelihood": len(y) * (null * np.log(null) + (1 - null) * np.log1p(-null)),
        "converged": converged,
    }
    if profile:
        out["p"], out["ci"] = firth_profile(X, y, names, beta, state, np.sqrt(np.diag(cov)))
    return out


def firth_profile(
    X: np.ndarray,
    y: np.ndarray,
    names: list[str],
    beta: np.ndarray,
    state: FirthState,
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
            _, restricted, ok = firth_newton(X, y, start, others)
            if restricted is None:
                return np.inf
            if not ok:
                warnings.warn(
                    f"Firth profile fit for {name} at {value:.4g} did not converge",
                    EstimationWarning,
                    stacklevel=2,
                )
            return 2.0 * (state.penalized - restricted.penalized)

        p_values.append(float(chi2_sf(max(deviance(0.0), 0.0), 1)))
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


def firth_point(
    X: np.ndarray, y: np.ndarray, start: np.ndarray | None = None
) -> tuple[np.ndarray, bool]:
    """Firth's penalised likelihood logit, estimate only (no profile intervals or tests).
    ``start`` (e.g. the full-sample estimate when refitting a resample) saves iterations."""
    X = np.asarray(X, dtype=float)
    beta = np.zeros(X.shape[1]) if start is None else np.asarray(start, dtype=float)
    beta, _, converged = firth_newton(X, np.asarray(y, dtype=float), beta, np.arange(X.shape[1]))
    return beta, converged
