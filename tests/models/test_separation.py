"""Separation: which parameters have no finite maximum likelihood estimate, and that such
parameters carry no standard error, test or interval. Every data set is built so the affected
parameters are known in advance; the flags are also checked against where a long Newton run
actually diverges."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

from abstention.errors import DataError
from abstention.models.common import SEPARATED, EstimationWarning
from abstention.models.covariance import statsmodels_fit
from abstention.models.fit import fit_model
from abstention.models.points import logit_point
from abstention.models.separation import separated_columns
from abstention.outputs.numbers import _margin
from abstention.schemas import write_table

INFERENCE = ["std_error", "z", "p", "ci_low", "ci_high"]


def quasi_separated(rng: np.random.Generator, n: int = 400) -> pd.DataFrame:
    """``dummy`` = 1 always has y = 1 (quasi-complete separation); ``x`` overlaps."""
    x = rng.normal(size=n)
    dummy = (rng.uniform(size=n) < 0.2).astype(float)
    y = (-0.3 + 0.8 * x + rng.logistic(size=n) > 0).astype(int)
    y[dummy == 1] = 1
    return pd.DataFrame({"y": y, "x": x, "dummy": dummy})


def diverging(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Coefficients still moving after many Newton steps: the ones running off to infinity."""
    early, _ = logit_point(X, y, max_iter=30)
    late, converged = logit_point(X, y, max_iter=60)
    assert not converged
    return np.abs(late - early) > 1.0


def assert_blank_where_flagged(table: pd.DataFrame, flagged: list[bool]) -> None:
    assert table[SEPARATED].tolist() == flagged
    flags = np.array(flagged)
    assert table.loc[flags, INFERENCE].isna().all().all()
    assert np.isfinite(table.loc[~flags, INFERENCE].to_numpy()).all()
    assert np.isfinite(table["estimate"]).all()


def test_quasi_complete_separation_flags_only_the_separating_term():
    data = quasi_separated(np.random.default_rng(1))
    result = fit_model(data, "y", ["x", "dummy"], "logit", "HC1")
    assert result.fit["separation"]["terms"] == ["dummy"] and not result.fit["converged"]
    assert_blank_where_flagged(result.coefficients, [False, False, True])
    assert_blank_where_flagged(result.margins, [False, True])
    X, y = result.design[["Intercept", "x", "dummy"]].to_numpy(), result.design["y"].to_numpy()
    np.testing.assert_array_equal(separated_columns(X, y), [False, False, True])
    np.testing.assert_array_equal(diverging(X, y), [False, False, True])


def test_complete_separation_flags_every_coefficient():
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=200), rng.normal(size=200)
    data = pd.DataFrame({"y": (x > 0.2).astype(int), "x": x, "w": w})
    result = fit_model(data, "y", ["x", "w"], "logit", "nonrobust")
    assert result.fit["separation"]["terms"] == ["Intercept", "x", "w"]
    assert_blank_where_flagged(result.coefficients, [True, True, True])
    assert_blank_where_flagged(result.margins, [True, True])


def test_fixed_effect_level_with_one_outcome_is_flagged_alone():
    rng = np.random.default_rng(3)
    n = 600
    group = rng.choice(["A", "B", "C", "D"], size=n)
    x = rng.normal(size=n)
    y = (0.2 + 0.7 * x + rng.logistic(size=n) > 0).astype(int)
    y[group == "D"] = 0
    data = pd.DataFrame({"y": y, "x": x, "group": group})
    result = fit_model(data, "y", ["x"], "logit", "nonrobust", fixed_effects=["group"])
    table = result.coefficients.set_index("term")
    assert result.fit["separation"]["terms"] == ["group[D]"]
    assert table[SEPARATED].to_dict() == {
        "Intercept": False,
        "x": False,
        "group[B]": False,
        "group[C]": False,
        "group[D]": True,
    }
    assert not result.margins[SEPARATED].any()
    X, y = result.design[table.index].to_numpy(), result.design["y"].to_numpy()
    np.testing.assert_array_equal(diverging(X, y), table[SEPARATED].to_numpy())


def test_firth_keeps_inference_under_separation_and_the_lpm_only_where_wald_holds():
    """Neither estimate runs off under quasi-separation, so neither is flagged separated. Firth's
    profile likelihood keeps every interval; the LPM's Wald inference is withheld for the dummy,
    whose holders all share one outcome (no informative row on the other side), and kept for
    the rest."""
    data = quasi_separated(np.random.default_rng(4), 150)
    for estimator in ("firth_logit", "lpm"):
        result = fit_model(data, "y", ["x", "dummy"], estimator, "nonrobust")
        assert result.fit["separation"]["terms"] == ["dummy"]
        assert not result.coefficients[SEPARATED].any() and not result.margins[SEPARATED].any()
        table = result.coefficients.set_index("term")
        if estimator == "firth_logit":
            assert table[INFERENCE].notna().all().all()
        else:
            assert result.fit["few_clusters"] == ["dummy"]
            assert table.loc["dummy", INFERENCE].isna().all()
            assert table.drop(index="dummy")[INFERENCE].notna().all().all()


def test_multinomial_category_with_few_cases_flags_its_equation_only():
    rng = np.random.default_rng(5)
    n = 300
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    eta = np.column_stack([np.zeros(n), -0.8 + 0.9 * x1 - 0.4 * x2])
    draw = (special.softmax(eta, axis=1).cumsum(axis=1) < rng.uniform(size=n)[:, None]).sum(1)
    labels = np.array(["yes", "abstain", "no"])[draw]
    labels[np.argsort(x1)[-2:]] = "no"
    data = pd.DataFrame(
        {"vote": pd.Categorical(labels, categories=["yes", "abstain", "no"]), "x1": x1, "x2": x2}
    )
    result = fit_model(data, "vote", ["x1", "x2"], "mnlogit", "HC1")
    flagged = result.coefficients.groupby("equation", observed=True)[SEPARATED].all()
    untouched = result.coefficients.groupby("equation", observed=True)[SEPARATED].any()
    assert flagged["no"] and not untouched["abstain"]
    assert_blank_where_flagged(result.coefficients, [False] * 3 + [True] * 3)
    assert result.margins[SEPARATED].all()
    assert result.margins[INFERENCE].isna().all().all()


def test_multinomial_without_separation_is_not_flagged_by_a_binary_split():
    """Category 'no' is separated from the base alone, but 'abstain' rows sit on both sides, so
    the multinomial likelihood still has a finite maximum."""
    x = np.r_[np.linspace(-2, 2, 40), np.linspace(-2, 2, 40), [1.5, 1.8, 2.1, 0.5, -1.0]]
    vote = ["yes"] * 20 + ["abstain"] * 20 + ["abstain"] * 20 + ["yes"] * 20 + ["no"] * 3
    vote += ["yes", "no"]
    data = pd.DataFrame({"vote": pd.Categorical(vote, categories=["yes", "abstain", "no"]), "x": x})
    result = fit_model(data, "vote", ["x"], "mnlogit", "nonrobust")
    assert not result.fit["separation"]["detected"] and result.fit["converged"]
    assert not result.coefficients[SEPARATED].any()


@pytest.mark.parametrize("top_only", [True, False])
def test_ordered_logit_flags_a_dummy_only_when_it_separates(top_only):
    """A dummy whose rows are all in the top category has no finite slope. Rows confined to the
    two lowest categories, with other rows in the lowest too, do not separate (the cumulative
    split screen used to flag this case)."""
    rng = np.random.default_rng(6)
    n = 500
    x = rng.normal(size=n)
    dummy = (rng.uniform(size=n) < 0.15).astype(float)
    stance = np.digitize(x + rng.logistic(size=n), [-1.0, 0.5, 2.0])
    stance[dummy == 1] = 3 if top_only else np.minimum(stance[dummy == 1], 1)
    data = pd.DataFrame({"stance": stance, "x": x, "dummy": dummy})
    result = fit_model(data, "stance", ["x", "dummy"], "ordered_logit", "nonrobust")
    table = result.coefficients.set_index("term")
    assert table[SEPARATED].to_dict() == {
        "x": False,
        "dummy": top_only,
        "cut1": False,
        "cut2": False,
        "cut3": False,
    }
    assert result.fit["separation"]["detected"] is top_only
    if top_only:
        # The separated slope has no inference; the others keep theirs, from the analytic
        # information, which stays invertible where the slope runs off.
        assert table.loc["dummy", INFERENCE].isna().all()
        assert table.drop(index="dummy")[INFERENCE].notna().all().all()
    else:
        assert_blank_where_flagged(result.coefficients, [False] * 5)


def test_fit_whose_information_cannot_be_inverted_keeps_no_covariance_and_says_so():
    class Singular:
        params = np.zeros(3)

        def cov_params(self):
            raise ValueError("need covariance of parameters for computing cov_params")

    class Model:
        def fit(self, **options):
            return Singular()

    with pytest.warns(EstimationWarning, match="no covariance"):
        _, cov = statsmodels_fit(Model(), "nonrobust", None)
    assert cov.shape == (3, 3) and np.isnan(cov).all()


def test_text_cannot_quote_a_separated_margin(tmp_path):
    data = quasi_separated(np.random.default_rng(10))
    result = fit_model(data, "y", ["x", "dummy"], "logit", "HC1")
    write_table(result.margins, tmp_path / "margins.csv")
    assert _margin(tmp_path / "margins.csv", "x")["p"] >= 0
    with pytest.raises(DataError, match="separated"):
        _margin(tmp_path / "margins.csv", "dummy")


@pytest.mark.parametrize("overlap_rows", [2, 40])
def test_flags_from_few_or_many_rows_left_unseparated(overlap_rows):
    """``dummy`` = 1 always has y = 1; the rows it leaves (dummy = 0) have z = 0, so they
    identify the intercept only: dummy and z diverge. With two such rows the remaining
    constraints are fewer than the parameters, and the null space comes from the full right
    singular factor; with forty it comes from the thin one."""
    rng = np.random.default_rng(7)
    separated = np.column_stack([np.ones(30), np.ones(30), rng.normal(size=30)])
    left = np.column_stack([np.ones(overlap_rows), np.zeros(overlap_rows),
                            np.zeros(overlap_rows)])
    X = np.vstack([separated, left])
    y = np.r_[np.ones(30), np.arange(overlap_rows) % 2]
    assert separated_columns(X, y).tolist() == [False, True, True]
