"""Rubin's rules: one estimate and interval from the fits on m completed data sets. Kept apart
from the imputation itself so the model jobs do not load statsmodels' MICE."""

from __future__ import annotations

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.models.distributions import t_ppf, t_sf

POOLED_COLUMNS = ["estimate", "std_error", "df", "ci_low", "ci_high", "p", "fmi",
                  "within", "between"]


def rubin_pool(estimates, variances, complete_df: float | None = None) -> pd.DataFrame:
    """Pool m fits of k coefficients (arrays of shape (m, k)) by Rubin's rules.

    Total variance T = W + (1 + 1/m) B from the mean within-imputation variance W and the
    between-imputation variance B. df is Rubin's (1987) (m - 1)(1 + 1/r)^2 with
    r = (1 + 1/m) B / W, or with `complete_df` the Barnard-Rubin (1999) small-sample df;
    fmi is Rubin's fraction of missing information (r + 2/(df + 3)) / (1 + r) with his df.
    With B = 0 (no missing data) everything reduces to the complete-data answer: df is
    `complete_df` (infinite without it, a normal interval) and fmi is 0. A coefficient
    with a non-finite estimate or variance in any imputation has no pooled value (NaN).
    If `estimates` is a DataFrame its columns name the rows of the result.
    """
    index = estimates.columns if isinstance(estimates, pd.DataFrame) else None
    q = np.atleast_2d(np.asarray(estimates, dtype=float))
    u = np.atleast_2d(np.asarray(variances, dtype=float))
    if q.shape != u.shape or q.shape[0] < 2:
        raise DataError(None, "estimates", "estimates and variances of the same shape (m, k) "
                        "with m >= 2", f"{q.shape} and {u.shape}")
    m = q.shape[0]
    exists = np.isfinite(q).all(axis=0) & np.isfinite(u).all(axis=0)
    q, u = np.where(exists, q, 0.0), np.where(exists, u, 1.0)

    estimate = q.mean(axis=0)
    within = u.mean(axis=0)
    between = q.var(axis=0, ddof=1)
    inflation = (1 + 1 / m) * between
    total = within + inflation
    with np.errstate(divide="ignore", invalid="ignore"):
        relative_increase = inflation / within
        rubin_df = np.where(between > 0, (m - 1) / np.square(inflation / total), np.inf)
        fmi = (relative_increase + 2 / (rubin_df + 3)) / (1 + relative_increase)
    if complete_df is None:
        df = rubin_df
    else:
        observed_df = (complete_df + 1) / (complete_df + 3) * complete_df * (1 - inflation / total)
        with np.errstate(divide="ignore", invalid="ignore"):
            df = np.where(between > 0, rubin_df * observed_df / (rubin_df + observed_df),
                          complete_df)
    std_error = np.sqrt(total)
    critical = t_ppf(0.975, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * t_sf(np.abs(estimate / std_error), df)
    pooled = pd.DataFrame({
        "estimate": estimate, "std_error": std_error, "df": df,
        "ci_low": estimate - critical * std_error, "ci_high": estimate + critical * std_error,
        "p": p, "fmi": fmi, "within": within, "between": between,
    }, index=index)
    pooled.iloc[np.flatnonzero(~exists)] = np.nan
    return pooled
