"""Point estimates for resampling: NumPy in and out, no statsmodels and no tables, so thousands
of refits in one process cost only the arithmetic. Each gives the estimate ``fit_model``
reports (Firth's is ``firth.firth_point``)."""

from __future__ import annotations

import numpy as np
from scipy import special


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


def lpm_point(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares coefficients of the linear probability model."""
    return np.linalg.lstsq(np.asarray(X, dtype=float), np.asarray(y, dtype=float), rcond=None)[0]
