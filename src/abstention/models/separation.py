"""Separation: which parameters have no finite maximum likelihood estimate, found exactly by a
linear programme (Albert & Anderson 1984; Konis 2007), and the tables' marking of them."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import optimize

from abstention.models.common import (
    BINARY_ESTIMATORS,
    INFERENCE_COLUMNS,
    EstimationWarning,
)


def unidentified(constraints: np.ndarray) -> np.ndarray | None:
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
    flags = unidentified(_binary_constraints(X, np.asarray(y, dtype=float)))
    if flags is None:
        warnings.warn("separation check: linear programme failed", EstimationWarning, stacklevel=2)
        return np.zeros(X.shape[1], dtype=bool)
    return flags


_SEPARATION_METHOD = {
    "binary": "linear programme on the estimation design (Konis 2007)",
    "mnlogit": "linear programme on the multinomial likelihood (Albert & Anderson 1984)",
    "ordered_logit": "linear programme on the cumulative-logit likelihood (Konis 2007)",
}


def separation_check(estimator: str, X: np.ndarray, y: np.ndarray, names: list[str]) -> dict:
    """Separation check on the estimation design, one flag per coefficient-table row, in row
    order. ``parameters`` is that array; ``terms`` the affected names (for ``mnlogit`` those
    affected in any equation; cut points of ordered models included)."""
    if estimator in BINARY_ESTIMATORS:
        constraints, kind = _binary_constraints(X, y.astype(float)), "binary"
        labels = list(names)
    elif estimator == "mnlogit":
        constraints, kind = _multinomial_constraints(X, y), estimator
        labels = names * int(y.max())
    else:
        constraints, kind = _ordinal_constraints(X, y), estimator
        labels = names + [f"cut{i}" for i in range(1, int(y.max()) + 1)]
    flags = unidentified(constraints)
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


def mark_without_inference(table: pd.DataFrame, column: str, flags: np.ndarray) -> pd.DataFrame:
    """Flag rows in `column` and blank their standard error, test and interval: a separated
    parameter has no finite estimate, and a term identified by one cluster no clustered
    standard error, so the numbers left there would describe nothing."""
    table = table.assign(**{column: flags.astype(bool)})
    if flags.any():
        table.loc[flags, INFERENCE_COLUMNS] = np.nan
    return table
