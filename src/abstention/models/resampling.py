"""State-clustered bootstrap and randomisation inference.

Replicate r of a run with seed s always uses the generator `np.random.default_rng([s, r])`,
so a run split into chunks across processes gives the same draws as one run in one piece.
The samplers precompute the rows of each cluster or stratum once; a draw is then a few
vectorised numpy operations.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from abstention.errors import DataError


def replicate_rng(seed: int, replicate: int) -> np.random.Generator:
    """The generator of one replicate, independent of how replicates are chunked."""
    return np.random.default_rng([seed, replicate])


def state_draw(clusters: int, replicate: int, seed: int) -> np.ndarray:
    """Positions of the clusters drawn (with replacement) in bootstrap sample `replicate`: the
    one draw every cluster bootstrap here makes, so several designs over the same clusters can
    share a replicate."""
    return replicate_rng(seed, replicate).integers(0, clusters, clusters)


class ClusterSampler:
    """Cluster bootstrap samples: clusters drawn with replacement, every row of a drawn
    cluster kept, a cluster drawn twice appearing twice."""

    def __init__(self, cluster_codes: np.ndarray):
        codes = np.asarray(cluster_codes)
        if codes.ndim != 1 or codes.size == 0:
            raise DataError(None, "cluster_codes", "a non-empty vector", codes.shape)
        if codes.dtype.kind == "f" and np.isnan(codes).any():
            raise DataError(None, "cluster_codes", "no missing cluster codes",
                            f"{int(np.isnan(codes).sum())} missing")
        _, inverse, sizes = np.unique(codes, return_inverse=True, return_counts=True)
        self.rows_by_cluster = np.argsort(inverse, kind="stable")
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self.sizes = sizes

    @property
    def clusters(self) -> int:
        return len(self.sizes)

    def draw(self, replicate: int, seed: int) -> np.ndarray:
        """Row indices of bootstrap sample `replicate`."""
        picked = state_draw(self.clusters, replicate, seed)
        lengths = self.sizes[picked]
        block_starts = np.cumsum(lengths) - lengths
        offsets = np.repeat(self.starts[picked] - block_starts, lengths)
        return self.rows_by_cluster[offsets + np.arange(lengths.sum())]


def cluster_draw(cluster_codes: np.ndarray, replicate: int, seed: int) -> np.ndarray:
    """Row indices of one cluster bootstrap sample; build a ClusterSampler once instead
    when drawing many."""
    return ClusterSampler(cluster_codes).draw(replicate, seed)


class PercentileInterval(NamedTuple):
    low: float
    high: float
    dropped: int


def percentile_interval(draws: np.ndarray, level: float = 0.95) -> PercentileInterval:
    """Percentile interval of bootstrap draws. Non-finite draws (a replicate whose fit
    failed or separated) are left out and counted in `dropped`, so the caller can report
    them; with no finite draw the interval is NaN."""
    values = np.asarray(draws, dtype=float).ravel()
    finite = values[np.isfinite(values)]
    dropped = int(values.size - finite.size)
    if finite.size == 0:
        return PercentileInterval(np.nan, np.nan, dropped)
    tail = (1 - level) / 2
    low, high = np.quantile(finite, [tail, 1 - tail])
    return PercentileInterval(float(low), float(high), dropped)


def bootstrap_se(draws: np.ndarray) -> float:
    """Standard deviation of the finite bootstrap draws (NaN with fewer than two)."""
    values = np.asarray(draws, dtype=float).ravel()
    finite = values[np.isfinite(values)]
    return float(np.std(finite, ddof=1)) if finite.size > 1 else np.nan


class StratumPermuter:
    """Permutations of unit-level values within strata, e.g. a state's tie status shuffled
    among the states of its UN regional group."""

    def __init__(self, strata: np.ndarray):
        labels = np.asarray(strata)
        if labels.ndim != 1:
            raise DataError(None, "strata", "a vector", labels.shape)
        _, self.codes = np.unique(labels, return_inverse=True)
        self.units_by_stratum = np.argsort(self.codes, kind="stable")

    def draw(self, values: np.ndarray, draw: int, seed: int) -> np.ndarray:
        """Permutation `draw` of `values`: each unit gets the value of a unit of its stratum,
        every stratum's multiset of values unchanged."""
        values = np.asarray(values)
        if values.shape[:1] != self.codes.shape:
            raise DataError(None, "values", f"{self.codes.size} unit values",
                            values.shape[:1])
        keys = replicate_rng(seed, draw).random(self.codes.size)
        shuffled = np.lexsort((keys, self.codes))
        permuted = np.empty_like(values)
        permuted[self.units_by_stratum] = values[shuffled]
        return permuted


def permute_within(values: np.ndarray, strata: np.ndarray, draw: int, seed: int) -> np.ndarray:
    """One within-strata permutation; build a StratumPermuter once when drawing many."""
    return StratumPermuter(strata).draw(values, draw, seed)


def randomisation_p(observed: float, null_draws: np.ndarray) -> float:
    """Two-sided randomisation p-value (1 + #{|null| >= |observed|}) / (1 + B).

    Non-finite null draws are left out of both counts (report them with
    `percentile_interval(...).dropped` or np.isfinite); a relative tolerance of 1e-9 counts
    draws equal to the observed statistic up to rounding as at least as extreme. NaN when
    the observed statistic is not finite.
    """
    if not np.isfinite(observed):
        return np.nan
    values = np.asarray(null_draws, dtype=float).ravel()
    finite = np.abs(values[np.isfinite(values)])
    threshold = abs(observed) * (1 - 1e-9)
    return float((1 + np.count_nonzero(finite >= threshold)) / (1 + finite.size))
