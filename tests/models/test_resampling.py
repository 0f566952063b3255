"""Cluster bootstrap and randomisation inference: chunk independence, structure of the
draws, interval coverage on clustered data and the size of the randomisation test."""

from __future__ import annotations

import numpy as np
import pytest

from abstention.errors import DataError
from abstention.models.resampling import (
    ClusterSampler,
    StratumPermuter,
    bootstrap_se,
    cluster_draw,
    percentile_interval,
    permute_within,
    randomisation_p,
)


def test_replicates_do_not_depend_on_chunking():
    codes = np.repeat(np.arange(30), np.arange(1, 31) % 4 + 1)
    strata = codes % 3
    whole = ClusterSampler(codes)
    first_half, second_half = ClusterSampler(codes), ClusterSampler(codes)
    one_chunk = [whole.draw(r, seed=42) for r in range(1000)]
    two_chunks = ([first_half.draw(r, seed=42) for r in range(500)]
                  + [second_half.draw(r, seed=42) for r in range(500, 1000)])
    for a, b in zip(one_chunk, two_chunks, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(cluster_draw(codes, 731, 42), one_chunk[731])
    assert not np.array_equal(one_chunk[0], one_chunk[1])

    values = np.arange(len(strata))
    permuter = StratumPermuter(strata)
    reversed_order = {r: permuter.draw(values, r, seed=7) for r in reversed(range(200))}
    for r in range(200):
        np.testing.assert_array_equal(permute_within(values, strata, r, 7), reversed_order[r])


def test_cluster_draw_keeps_whole_clusters_and_repeats():
    codes = np.array(["RUS", "UKR", "UKR", "BLR", "BLR", "BLR", "IND", "CHN", "CHN", "CHN"])
    sizes = {c: int((codes == c).sum()) for c in set(codes)}
    sampler = ClusterSampler(codes)
    saw_repeat = False
    for replicate in range(200):
        rows = sampler.draw(replicate, seed=1)
        drawn, counts = np.unique(codes[rows], return_counts=True)
        multiplicity = {c: n // sizes[c] for c, n in zip(drawn, counts, strict=True)}
        assert all(n % sizes[c] == 0 for c, n in zip(drawn, counts, strict=True))
        assert sum(multiplicity.values()) == len(sizes)
        for cluster, times in multiplicity.items():
            cluster_rows = np.flatnonzero(codes == cluster)
            np.testing.assert_array_equal(np.sort(rows[np.isin(rows, cluster_rows)]),
                                          np.repeat(cluster_rows, times))
        saw_repeat |= max(multiplicity.values()) > 1
    assert saw_repeat


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    x_centred = x - x.mean()
    return float(x_centred @ (y - y.mean()) / (x_centred @ x_centred))


def test_cluster_percentile_interval_covers_where_row_bootstrap_does_not():
    """Slope of y on a state-level x, states' rows sharing a strong common shock, 200 data
    sets x 200 replicates. Tolerance: 95% +- 6 points (Monte Carlo error 1.5 points, plus
    the known slight under-coverage of cluster-robust inference with tens of clusters,
    which the analytic CR1 interval on the same data shares). Resampling rows as if they
    were independent under-covers badly."""
    truth, datasets, replicates, clusters = 0.5, 200, 200, 80
    covered = {"cluster": 0, "row": 0, "analytic": 0}
    for dataset in range(datasets):
        rng = np.random.default_rng([3, dataset])
        sizes = rng.integers(3, 9, clusters)
        codes = np.repeat(np.arange(clusters), sizes)
        x = np.repeat(rng.normal(size=clusters), sizes)
        y = truth * x + np.repeat(rng.normal(size=clusters), sizes) \
            + 0.3 * rng.normal(size=codes.size)
        sampler = ClusterSampler(codes)
        cluster_draws = np.empty(replicates)
        row_draws = np.empty(replicates)
        for replicate in range(replicates):
            rows = sampler.draw(replicate, seed=dataset)
            cluster_draws[replicate] = _slope(x[rows], y[rows])
            rows = np.random.default_rng([dataset, replicate]).integers(0, x.size, x.size)
            row_draws[replicate] = _slope(x[rows], y[rows])
        for name, draws in [("cluster", cluster_draws), ("row", row_draws)]:
            low, high, dropped = percentile_interval(draws)
            assert dropped == 0
            covered[name] += low <= truth <= high
        estimate = _slope(x, y)
        x_centred = x - x.mean()
        scores = np.bincount(codes, x_centred * (y - y.mean() - estimate * x_centred))
        cr1_variance = clusters / (clusters - 1) * scores @ scores / (x_centred @ x_centred)**2
        covered["analytic"] += abs(estimate - truth) <= 1.96 * np.sqrt(cr1_variance)
    coverage = {name: count / datasets for name, count in covered.items()}
    assert 0.89 <= coverage["cluster"] <= 1.0
    assert abs(coverage["cluster"] - coverage["analytic"]) <= 0.03
    assert coverage["row"] < 0.75


def test_percentile_interval_leaves_out_and_counts_failed_replicates():
    draws = np.concatenate([np.linspace(0, 1, 1001), [np.nan, np.inf, -np.inf]])
    low, high, dropped = percentile_interval(draws, level=0.9)
    assert (low, high, dropped) == (pytest.approx(0.05), pytest.approx(0.95), 3)
    assert bootstrap_se(draws) == pytest.approx(np.std(np.linspace(0, 1, 1001), ddof=1))
    failed = percentile_interval(np.full(5, np.nan))
    assert np.isnan(failed.low) and np.isnan(failed.high) and failed.dropped == 5
    assert np.isnan(bootstrap_se([1.0, np.nan]))


def test_permutation_keeps_each_stratum_and_mixes_within_it():
    strata = np.array(["African"] * 6 + ["GRULAC"] * 4 + ["WEOG"] * 5)
    ties = np.array([1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    ids = np.arange(strata.size)
    permuter = StratumPermuter(strata)
    first_unit_got = []
    for draw in range(3000):
        permuted = permuter.draw(ids, draw, seed=5)
        for group in np.unique(strata):
            members = strata == group
            assert sorted(permuted[members]) == sorted(ids[members])
        first_unit_got.append(permuted[0])
        permuted_ties = permuter.draw(ties, draw, seed=5)
        np.testing.assert_array_equal(permuted_ties, ties[permuted])
    shares = np.bincount(first_unit_got, minlength=6) / 3000
    np.testing.assert_allclose(shares, 1 / 6, atol=0.03)


def test_randomisation_p_counts_as_extreme_or_more_with_one_added():
    null = np.array([-3.0, -1.0, 0.5, 2.0, 2.5, np.nan])
    assert randomisation_p(2.0, null) == pytest.approx((1 + 3) / (1 + 5))
    assert randomisation_p(-2.0, null) == pytest.approx((1 + 3) / (1 + 5))
    assert randomisation_p(10.0, null) == pytest.approx(1 / 6)
    assert np.isnan(randomisation_p(np.nan, null))


def _difference_in_means(treated: np.ndarray, outcome: np.ndarray) -> float:
    return float(outcome[treated == 1].mean() - outcome[treated == 0].mean())


def _regional_data(rng: np.random.Generator, effect: float):
    """Units in five regions whose treatment rates and outcome levels differ, so only a
    permutation within regions is a valid null."""
    strata = np.repeat(np.arange(5), 12)
    treated = (rng.uniform(size=strata.size) < 0.15 + 0.15 * strata).astype(int)
    outcome = 0.8 * strata + effect * treated + rng.normal(size=strata.size)
    return strata, treated, outcome


def _stratified_p(strata, treated, outcome, seed: int, draws: int) -> float:
    permuter = StratumPermuter(strata)
    within = outcome - np.array([outcome[strata == s].mean() for s in strata])
    observed = _difference_in_means(treated, within)
    null = [_difference_in_means(permuter.draw(treated, d, seed), within)
            for d in range(draws)]
    return randomisation_p(observed, np.array(null))


def test_randomisation_test_has_its_size_under_the_null_and_power_under_an_effect():
    p_values = np.array([
        _stratified_p(*_regional_data(np.random.default_rng([8, dataset]), 0.0),
                      seed=dataset, draws=199)
        for dataset in range(300)])
    assert 0.025 <= np.mean(p_values <= 0.05) <= 0.085
    assert 0.4 <= np.mean(p_values) <= 0.6
    strong = [_stratified_p(*_regional_data(np.random.default_rng([9, d]), 1.5),
                            seed=d, draws=199) for d in range(10)]
    assert max(strong) <= 0.01


@pytest.mark.parametrize("build", [
    lambda: ClusterSampler(np.array([1.0, np.nan, 2.0])),
    lambda: ClusterSampler(np.array([])),
    lambda: StratumPermuter(np.array(["a", "b"])).draw(np.arange(3), 0, 1),
])
def test_bad_input_stops(build):
    with pytest.raises(DataError):
        build()
