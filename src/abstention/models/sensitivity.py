"""Sensitivity of a linear-regression estimate to an unobserved confounder.

Closed-form results of Cinelli and Hazlett (2020, JRSS-B 82:39-67): how strong, in partial
R2 with the treatment and with the outcome, a confounder must be to move the estimate or
its significance, and what a confounder k times as strong as an observed covariate would do.
Classical (homoskedastic) standard errors throughout, as in the paper: the formulas use the
standard error only as a shortcut to the residual variances.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.models.distributions import t_ppf


def partial_r2(t_value, df):
    """Partial R2 of a regressor with the outcome, from its t-value and residual df."""
    t_squared = np.square(t_value)
    return t_squared / (t_squared + df)


def robustness_value(t_value, df, q: float = 1.0, alpha: float | None = None):
    """RV_q (alpha None) or RV_{q,alpha}: the partial R2 a confounder needs with both the
    treatment and the outcome to reduce the estimate by 100q% (or, with alpha, to make the
    reduced estimate not significant at level alpha). Zero when the estimate is already
    not significant; the extreme-scenario value where the constraint on the treatment side
    does not bind, as in sensemakr."""
    f_q = q * np.abs(np.asarray(t_value, dtype=float)) / np.sqrt(df)
    f_crit = 0.0 if alpha is None else t_ppf(1 - alpha / 2, df - 1) / np.sqrt(df - 1)
    f_diff = f_q - f_crit
    binding = 0.5 * (np.sqrt(f_diff**4 + 4 * f_diff**2) - f_diff**2)
    extreme = (f_q**2 - f_crit**2) / (1 + f_q**2)
    not_binding = (f_diff > 0) & (f_q * f_crit > 1)
    value = np.where(f_diff < 0, 0.0, np.where(not_binding, extreme, binding))
    return value[()] if value.ndim == 0 else value


def benchmark_bounds(r2dxj_x: float, r2yxj_dx: float, kd: float = 1.0,
                     ky: float | None = None) -> tuple[float, float]:
    """Largest partial R2 of a confounder with the treatment (r2dz_x) and with the outcome
    (r2yz_dx) if it is kd times as strongly related to the treatment and ky times to the
    outcome as a benchmark covariate with partial R2s r2dxj_x and r2yxj_dx (Cinelli and
    Hazlett 2020, section 6.1 and footnote 10). r2yz_dx is capped at 1."""
    ky = kd if ky is None else ky
    r2dz_x = kd * r2dxj_x / (1 - r2dxj_x)
    r2zxj_xd = kd * r2dxj_x**2 / ((1 - kd * r2dxj_x) * (1 - r2dxj_x))
    if r2dz_x >= 1 or not 0 <= r2zxj_xd < 1:
        raise DataError(None, "kd", f"a multiplier that keeps partial R2 below 1 for a "
                        f"benchmark with partial R2 {r2dxj_x:.4g} with the treatment", kd)
    r2yz_dx = ((np.sqrt(ky) + np.sqrt(r2zxj_xd)) / np.sqrt(1 - r2zxj_xd))**2 \
        * r2yxj_dx / (1 - r2yxj_dx)
    return float(r2dz_x), float(min(r2yz_dx, 1.0))


def adjusted_estimate(estimate: float, se: float, df: int, r2dz_x, r2yz_dx,
                      alpha: float = 0.05) -> dict:
    """Estimate, standard error, t and interval after removing a confounder with the given
    partial R2s, bias taken towards zero (sensemakr's reduce=TRUE). The standard error
    counts the confounder's degree of freedom; the interval's critical value uses df, as
    sensemakr and the published Darfur tables do."""
    r2dz_x, r2yz_dx = np.asarray(r2dz_x, dtype=float), np.asarray(r2yz_dx, dtype=float)
    bias = se * np.sqrt(df * r2yz_dx * r2dz_x / (1 - r2dz_x))
    value = np.sign(estimate) * (abs(estimate) - bias)
    std_error = se * np.sqrt((1 - r2yz_dx) / (1 - r2dz_x) * df / (df - 1))
    half_width = t_ppf(1 - alpha / 2, df) * std_error
    with np.errstate(divide="ignore"):
        t_value = value / std_error
    return {"estimate": value, "std_error": std_error, "t": t_value,
            "ci_low": value - half_width, "ci_high": value + half_width}


def ols_sensitivity(y: np.ndarray, X: pd.DataFrame, treatment: str, benchmarks: list[str],
                    multipliers: Iterable = (1, 2, 3), q: float = 1.0,
                    alpha: float = 0.05) -> dict:
    """Sensitivity statistics of the OLS coefficient of `treatment` in y ~ 1 + X.

    X holds the treatment and the covariates (an intercept is added). Each multiplier is
    either k (kd = ky = k) or a pair (kd, ky). Returns the estimate, its classical standard
    error, t, df, the treatment's partial R2 with the outcome, RV_q, RV_{q,alpha} and a
    `bounds` frame with one row per benchmark and multiplier.
    """
    names = list(X.columns)
    missing = [c for c in [treatment, *benchmarks] if c not in names]
    if missing:
        raise DataError(None, "X", "treatment and benchmarks among the columns", missing)
    if treatment in benchmarks:
        raise DataError(None, "benchmarks", "covariates other than the treatment", treatment)
    design = np.column_stack([np.ones(len(X)), X.to_numpy(dtype=float)])
    outcome = np.asarray(y, dtype=float)
    if outcome.shape != (len(X),):
        raise DataError(None, "y", f"a vector of {len(X)} values", outcome.shape)
    bad = ~np.isfinite(design).all(axis=1) | ~np.isfinite(outcome)
    if bad.any():
        raise DataError(None, "rows", "finite y and X (impute or drop missing values first)",
                        f"{int(bad.sum())} rows with missing or infinite values")

    position = {name: i + 1 for i, name in enumerate(names)}
    estimates, std_errors, df = _ols(outcome, design)
    d = position[treatment]
    t_value = estimates[d] / std_errors[d]
    treatment_design = np.delete(design, d, axis=1)
    treatment_estimates, treatment_std_errors, df_treatment = _ols(design[:, d],
                                                                   treatment_design)

    rows = []
    for benchmark in benchmarks:
        r2yxj_dx = partial_r2(estimates[position[benchmark]] / std_errors[position[benchmark]],
                              df)
        column = position[benchmark] - (position[benchmark] > d)
        r2dxj_x = partial_r2(treatment_estimates[column] / treatment_std_errors[column],
                             df_treatment)
        for multiplier in multipliers:
            kd, ky = (multiplier, multiplier) if np.isscalar(multiplier) else multiplier
            r2dz_x, r2yz_dx = benchmark_bounds(r2dxj_x, r2yxj_dx, kd, ky)
            adjusted = adjusted_estimate(estimates[d], std_errors[d], df, r2dz_x, r2yz_dx,
                                         alpha)
            rows.append({"benchmark": benchmark, "kd": float(kd), "ky": float(ky),
                         "r2dxj_x": float(r2dxj_x), "r2yxj_dx": float(r2yxj_dx),
                         "r2dz_x": r2dz_x, "r2yz_dx": r2yz_dx,
                         **{f"adjusted_{k}": float(v) for k, v in adjusted.items()}})
    return {
        "treatment": treatment, "estimate": float(estimates[d]),
        "std_error": float(std_errors[d]), "t": float(t_value), "df": int(df),
        "partial_r2": float(partial_r2(t_value, df)), "q": q, "alpha": alpha,
        "rv_q": float(robustness_value(t_value, df, q)),
        "rv_qa": float(robustness_value(t_value, df, q, alpha)),
        "bounds": pd.DataFrame(rows, columns=[
            "benchmark", "kd", "ky", "r2dxj_x", "r2yxj_dx", "r2dz_x", "r2yz_dx",
            "adjusted_estimate", "adjusted_std_error", "adjusted_t", "adjusted_ci_low",
            "adjusted_ci_high"]),
    }


def _ols(outcome: np.ndarray, design: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Coefficients, classical standard errors and residual df, via QR."""
    n, p = design.shape
    q_factor, r_factor = np.linalg.qr(design)
    diagonal = np.abs(np.diag(r_factor))
    if diagonal.min() <= 1e-10 * diagonal.max() or n <= p:
        raise DataError(None, "X", "a full-rank design with more rows than columns",
                        f"{n} rows, {p} columns (intercept included), rank deficient "
                        f"or too few rows")
    coefficients = np.linalg.solve(r_factor, q_factor.T @ outcome)
    residuals = outcome - design @ coefficients
    df = n - p
    r_inverse = np.linalg.solve(r_factor, np.eye(p))
    std_errors = np.sqrt(residuals @ residuals / df * np.sum(r_inverse**2, axis=1))
    return coefficients, std_errors, df
