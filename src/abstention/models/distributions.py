"""Tail areas and quantiles of the normal, t and chi-squared distributions.

Each is the scipy.special function that scipy.stats's distribution evaluates once its argument
checks are done, so the values are the same to the bit; importing scipy.stats instead costs
about 0.3 s in every job, and these are all the models need from it.
"""

from __future__ import annotations

from scipy import special


def normal_sf(x):
    return special.ndtr(-x)


def normal_ppf(q):
    return special.ndtri(q)


def t_sf(x, df):
    return special.stdtr(df, -x)


def t_ppf(q, df):
    """For 0 < q < 1 (at the ends scipy.stats returns the support's bounds)."""
    return special.stdtrit(df, q)


def chi2_sf(x, df):
    return special.chdtrc(df, x)


def chi2_ppf(q, df):
    return 2.0 * special.gammaincinv(df / 2.0, q)
