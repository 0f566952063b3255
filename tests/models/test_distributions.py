"""The tail areas and quantiles the models take from scipy.special are scipy.stats's, to the bit,
so replacing the import changed no p-value or interval."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from abstention.models import distributions as d

X = np.r_[-np.inf, np.linspace(-40.0, 40.0, 801), np.inf, np.nan]
Q = np.r_[0.0, np.linspace(1e-12, 1 - 1e-12, 501), 0.975, 0.95, 1.0]
DF = [1, 2.5, 7, 30, 1e6]


def same(ours, theirs):
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_normal():
    same(d.normal_sf(X), stats.norm.sf(X))
    same(d.normal_ppf(Q), stats.norm.ppf(Q))


@pytest.mark.parametrize("df", DF)
def test_t(df):
    same(d.t_sf(X, df), stats.t.sf(X, df))
    inside = Q[(Q > 0) & (Q < 1)]  # scipy.stats sets the ends apart; the models never ask
    same(d.t_ppf(inside, df), stats.t.ppf(inside, df))


@pytest.mark.parametrize("df", DF)
def test_chi2(df):
    positive = np.abs(X)
    same(d.chi2_sf(positive, df), stats.chi2.sf(positive, df))
    same(d.chi2_ppf(Q, df), stats.chi2.ppf(Q, df))
