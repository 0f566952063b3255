"""Multiple imputation by chained equations, and Rubin's rules to pool the fits.

Imputation uses statsmodels' MICEData: each variable with missing values in turn is
regressed (OLS) on all the others, the coefficients are drawn from their approximate
posterior and missing values are filled by predictive mean matching, so a binary or bounded
variable only ever takes values that were observed. One chain is run: `burn_in` cycles,
then `skip` + 1 cycles between consecutive imputations (statsmodels' MICE default is
skip = 3).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from scipy import stats

from abstention.errors import DataError


def impute_chained(frame: pd.DataFrame, impute: list[str], predictors: list[str], m: int,
                   seed: int, burn_in: int = 10, skip: int = 3,
                   donors: int = 5) -> list[pd.DataFrame]:
    """m completed copies of `frame`: only the `impute` columns are filled, everything else
    (index, other columns, observed values) is untouched.

    The imputation model of each imputed column uses the other imputed columns and the
    `predictors`, which must be complete (include the analysis outcome among them); a
    non-numeric predictor, such as the UN regional group, enters as dummies. `donors` is
    the number of nearest observed cases predictive mean matching draws from (5, as in R's
    mice). The same inputs and seed give identical frames.
    """
    _check_inputs(frame, impute, predictors, m)
    model_data = _model_frame(frame, impute, predictors)
    chain = _main_effects_mice_data()(model_data, k_pmm=donors, rng=np.random.default_rng(seed))
    chain.update_all(burn_in)
    completed = []
    for _ in range(m):
        chain.update_all(skip + 1)
        copy = frame.copy()
        for position, name in enumerate(impute):
            copy[name] = chain.data.iloc[:, position].to_numpy()
        completed.append(copy)
    return completed


@functools.cache
def _main_effects_mice_data() -> type:
    """The MICEData subclass below, defined on first use so that importing this module (for
    `rubin_pool`) does not import statsmodels."""
    from statsmodels.imputation.mice import MICEData

    class MainEffectsMICEData(MICEData):
        """MICEData with its default imputation model (intercept and main effects of every
        other column) built directly from the numeric data: statsmodels rebuilds it through
        the formula machinery on every update, which is nine tenths of the run time."""

        def _design(self, vname: str) -> tuple[np.ndarray, np.ndarray]:
            values = self.data.to_numpy(dtype=float)
            column = self.data.columns.get_loc(vname)
            others = np.delete(values, column, axis=1)
            return values[:, column], np.column_stack([np.ones(len(values)), others])

        def get_split_data(self, vname):
            endog, exog = self._design(vname)
            observed, missing = self.ix_obs[vname], self.ix_miss[vname]
            return endog[observed], exog[observed], exog[missing], {}, {}

        def get_fitting_data(self, vname):
            endog, exog = self._design(vname)
            observed = self.ix_obs[vname]
            return endog[observed], exog[observed], {}, {}

    return MainEffectsMICEData


def __getattr__(name: str):
    if name == "_MainEffectsMICEData":
        return _main_effects_mice_data()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _check_inputs(frame: pd.DataFrame, impute: list[str], predictors: list[str],
                  m: int) -> None:
    unknown = [c for c in [*impute, *predictors] if c not in frame.columns]
    if unknown:
        raise DataError(None, "columns", "imputed and predictor columns in the frame", unknown)
    if m < 2:
        raise DataError(None, "m", "at least 2 imputations", m)
    overlap = sorted(set(impute) & set(predictors))
    if overlap:
        raise DataError(None, "predictors", "columns not also imputed", overlap)
    for name in impute:
        column = frame[name]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            raise DataError(None, name, "a numeric column to impute", str(column.dtype))
        if column.isna().all():
            raise DataError(None, name, "some observed values to impute from",
                            "every value missing")
    incomplete = {p: int(frame[p].isna().sum()) for p in predictors if frame[p].isna().any()}
    if incomplete:
        raise DataError(None, "predictors", "complete predictors (impute the others too)",
                        incomplete)


def _model_frame(frame: pd.DataFrame, impute: list[str], predictors: list[str]) -> pd.DataFrame:
    """Imputed columns first, then predictors with categories as dummies, all float and
    renamed v0, v1, ... so that any column name is safe in statsmodels' formulas."""
    numeric = [p for p in predictors if pd.api.types.is_numeric_dtype(frame[p])
               and not pd.api.types.is_bool_dtype(frame[p])]
    categorical = [p for p in predictors if p not in numeric]
    parts = [frame[impute + numeric].astype(float)]
    if categorical:
        parts.append(pd.get_dummies(frame[categorical].astype(str), drop_first=True,
                                    dtype=float))
    data = pd.concat(parts, axis=1).reset_index(drop=True)
    if data[impute].isna().all(axis=1).any() and data.shape[1] == len(impute):
        raise DataError(None, "rows", "each row with at least one observed value",
                        "rows with every imputed column missing and no predictors")
    data.columns = [f"v{i}" for i in range(data.shape[1])]
    return data


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
    critical = stats.t.ppf(0.975, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.t.sf(np.abs(estimate / std_error), df)
    pooled = pd.DataFrame({
        "estimate": estimate, "std_error": std_error, "df": df,
        "ci_low": estimate - critical * std_error, "ci_high": estimate + critical * std_error,
        "p": p, "fmi": fmi, "within": within, "between": between,
    }, index=index)
    pooled.iloc[np.flatnonzero(~exists)] = np.nan
    return pooled
