"""Israel against a synthetic Israel, on simulated data: a treated unit that is an exact convex
combination of donors before treatment is recovered with its known jump after it; the
placebo ranks and p-values; the time units split at the window boundaries; and the donor
pool's checks, which stop the run before any fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.models import synthetic
from abstention.models.synthetic import (
    MIN_DONORS,
    compare,
    donor_pool,
    israel_synthetic,
    outcome_shares,
    time_units,
)

DONORS = [f"D{i:02d}" for i in range(12)]
TRUE_WEIGHTS = {"D01": 0.5, "D04": 0.3, "D09": 0.2}


@pytest.fixture
def settings(schema_defaults) -> dict:
    return {**schema_defaults("israel_synthetic"), "exclude": []}


def simulated_units(pre: int, during: int, after: int, texts: int = 10) -> pd.DataFrame:
    """Time units as `time_units` returns them: one per year from 1990, in the windows given."""
    windows = ["pre"] * pre + ["during"] * during + ["after"] * after
    years = np.arange(1990, 1990 + len(windows))
    return pd.DataFrame({
        "unit": years.astype(str), "year": years, "window": windows,
        "start": pd.to_datetime([f"{y}-01-01" for y in years]),
        "end": pd.to_datetime([f"{y}-12-31" for y in years]), "texts": texts})


def simulated_shares(units: pd.DataFrame, jump: float, seed: int = 3,
                     noise: float = 0.05) -> pd.DataFrame:
    """Donors on two common factors plus noise; ISR an exact convex combination of three
    donors (`TRUE_WEIGHTS`) in every unit, plus `jump` in every unit after the pre window."""
    rng = np.random.default_rng(seed)
    t = np.arange(len(units))
    factors = np.column_stack([np.sin(t / 3), t / len(t)])
    loadings = rng.uniform(-0.15, 0.15, (len(DONORS), 2))
    level = rng.uniform(0.2, 0.6, len(DONORS))
    shares = pd.DataFrame(level + factors @ loadings.T
                          + rng.normal(0, noise, (len(t), len(DONORS))),
                          index=units["unit"], columns=DONORS)
    combination = sum(w * shares[d] for d, w in TRUE_WEIGHTS.items())
    shares["ISR"] = combination + np.where(units["window"].to_numpy() == "pre", 0.0, jump)
    return shares


def test_an_exact_convex_combination_is_recovered_with_its_jump(settings):
    units = simulated_units(pre=16, during=5, after=3)
    shares = simulated_shares(units, jump=0.2)
    fit = compare(shares, units, DONORS, {**settings, "unit_weights": "equal"})
    paths = fit["paths"]
    pre = paths["window"] == "pre"
    assert paths.loc[pre, "gap"].abs().max() < 2e-3
    assert paths.loc[~pre, "gap"].to_numpy() == pytest.approx(0.2, abs=2e-3)
    weights = fit["weights"].set_index("iso3")["weight"]
    assert weights.sum() == pytest.approx(1.0)
    # pysyncon's quadratic program stops at SLSQP's default tolerance: the path is recovered
    # to 2e-3, the weights to 1e-2.
    assert weights.reindex(list(TRUE_WEIGHTS)).to_numpy() == pytest.approx(
        list(TRUE_WEIGHTS.values()), abs=1e-2)
    summary = fit["summary"].set_index("window")
    assert summary.loc["pre", "pre_rmspe"] < 2e-3
    for window in ("during", "after", "post"):
        assert summary.loc[window, "gap"] == pytest.approx(0.2, abs=2e-3)
        assert summary.loc[window, "gap_vs_pre"] == pytest.approx(0.2, abs=2e-3)


def test_text_weights_fit_and_average_by_texts(settings):
    """Window means weighted by texts equal the share over the window's texts; the fit still
    recovers an exact combination."""
    units = simulated_units(pre=16, during=4, after=2).assign(
        texts=lambda u: np.arange(1, len(u) + 1))
    shares = simulated_shares(units, jump=0.1)
    fit = compare(shares, units, DONORS, settings)
    summary = fit["summary"].set_index("window")
    during = (units["window"] == "during").to_numpy()
    expected = np.average(shares["ISR"].to_numpy()[during], weights=units["texts"][during])
    assert summary.loc["during", "israel"] == pytest.approx(expected)
    assert summary.loc["during", "texts"] == units.loc[during, "texts"].sum()
    assert summary.loc["after", "gap"] == pytest.approx(0.1, abs=2e-3)


def test_the_largest_jump_has_placebo_p_one_over_donors_plus_one(settings):
    units = simulated_units(pre=16, during=4, after=3)
    shares = simulated_shares(units, jump=0.5, noise=0.01)
    keep_all = {**settings, "placebo": {"max_pre_mspe_multiple": None}}
    fit = compare(shares, units, DONORS, keep_all)
    summary = fit["summary"].set_index("window")
    for window, statistic in (("during", "gap_vs_pre"), ("after", "gap_vs_pre"),
                              ("post", "rmspe_ratio")):
        row = summary.loc[window]
        assert row["statistic"] == statistic
        assert (row["rank"], row["units"]) == (1, len(DONORS) + 1)
        assert row["p"] == pytest.approx(1 / (len(DONORS) + 1))
    placebos = fit["placebos"]
    assert set(placebos["iso3"]) == {"ISR", *DONORS}
    assert placebos.groupby("iso3").size().eq(len(units)).all()
    assert placebos.loc[placebos["role"] == "treated", "iso3"].unique().tolist() == ["ISR"]


def test_a_jump_no_larger_than_the_placebos_is_not_ranked_first(settings):
    units = simulated_units(pre=16, during=4, after=3)
    shares = simulated_shares(units, jump=0.0, noise=0.05)
    shares["ISR"] += np.where(units["window"].to_numpy() == "during", -0.3, 0.0)
    keep_all = {**settings, "placebo": {"max_pre_mspe_multiple": None}}
    summary = compare(shares, units, DONORS, keep_all)["summary"].set_index("window")
    # One-sided: a fall in withholding ranks last, not first.
    assert summary.loc["during", "rank"] == len(DONORS) + 1
    assert summary.loc["during", "p"] == 1.0


def test_badly_fitted_placebos_leave_the_gap_ranks_but_not_the_ratio(settings):
    units = simulated_units(pre=16, during=4, after=3)
    shares = simulated_shares(units, jump=0.3, noise=0.02)
    shares["ISR"] += np.random.default_rng(8).normal(0, 0.01, len(units))
    # D11 lies far outside the others before the intervention: no pool reproduces it.
    shares["D11"] += np.where(units["window"].to_numpy() == "pre",
                              np.resize([0.6, -0.6], len(units)), 0.0)
    fit = compare(shares, units, DONORS, settings)
    placebos = fit["placebos"].drop_duplicates("iso3").set_index("iso3")
    threshold = np.sqrt(5) * placebos.loc["ISR", "pre_rmspe"]
    assert not placebos.loc["D11", "in_gap_ranks"]
    assert (placebos["in_gap_ranks"] == (placebos["pre_rmspe"] <= threshold)).all()
    summary = fit["summary"].set_index("window")
    assert summary.loc["during", "units"] == placebos["in_gap_ranks"].sum()
    assert summary.loc["post", "units"] == len(DONORS) + 1
    assert summary.loc["during", "max_pre_rmspe"] == pytest.approx(threshold)


def state_text_panel(states: dict[str, float], years=range(2006, 2027), tied=(),
                     dates=("06-03", "12-07")) -> pd.DataFrame:
    """A state-text panel: two Russia-opposed recorded texts a year (plus one text Russia did
    not oppose), each state voting yes with its probability; `tied` states have a security
    tie to Russia from 2010."""
    rng = np.random.default_rng(11)
    rows = []
    for year in years:
        for k, day in enumerate((*dates, "12-10")):
            res_id = f"A/RES/{year}/{k}"
            for iso3, yes in states.items():
                vote = "yes" if rng.uniform() < yes else "abstain"
                rows.append({"res_id": res_id, "iso3": iso3, "date": pd.Timestamp(f"{year}-{day}"),
                             "year": year, "recorded": True, "not_yes": int(vote != "yes"),
                             "opposed_RUS": k < len(dates),
                             "security_dependence_RUS":
                                 float(iso3 in tied and year >= 2010) if year >= 2006 else np.nan})
    panel = pd.DataFrame(rows)
    return panel.astype({"res_id": "category", "iso3": "category", "not_yes": "Int8",
                         "year": "int16", "security_dependence_RUS": "float32"})


def test_years_a_window_opens_in_are_split_at_its_date(settings):
    texts = pd.DataFrame({
        "res_id": ["a", "b", "c", "d", "e", "f"],
        "date": pd.to_datetime(["2014-12-01", "2015-06-03", "2015-12-07", "2024-12-02",
                                "2024-12-17", "2026-06-04"])})
    units, unit_of = time_units(texts, settings)
    assert units["unit"].tolist() == ["2014", "2015 pre", "2015 during", "2024 during",
                                      "2024 after", "2026"]
    assert units["window"].astype(str).tolist() == ["pre", "pre", "during", "during", "after",
                                                    "after"]
    assert unit_of.to_dict() == {"a": "2014", "b": "2015 pre", "c": "2015 during",
                                 "d": "2024 during", "e": "2024 after", "f": "2026"}
    spans = units.set_index("unit")[["start", "end"]].astype(str)
    assert spans.loc["2015 pre"].tolist() == ["2015-01-01", "2015-09-29"]
    assert spans.loc["2015 during"].tolist() == ["2015-09-30", "2015-12-31"]
    assert spans.loc["2024 after"].tolist() == ["2024-12-08", "2024-12-31"]
    assert spans.loc["2026"].tolist() == ["2026-01-01", "2026-06-04"]


def test_the_outcome_is_the_share_of_opposed_recorded_texts_not_voted_yes(settings):
    panel = state_text_panel({"ISR": 0.5, "RUS": 0.0, "AAA": 1.0}, years=range(2004, 2008))
    panel.loc[(panel["iso3"] == "ISR") & (panel["date"] == "2007-06-03"), "not_yes"] = 1
    panel.loc[(panel["iso3"] == "ISR") & (panel["date"] == "2007-12-07"), "not_yes"] = 0
    panel.loc[(panel["iso3"] == "ISR") & (panel["date"] == "2007-12-10"), "not_yes"] = 1
    units, shares = outcome_shares(panel, {**settings, "first_year": 2006})
    assert units["unit"].tolist() == ["2006", "2007"]
    assert units["texts"].tolist() == [2, 2]
    assert shares.loc["2007", "ISR"] == 0.5  # the text Russia did not oppose is not counted
    assert shares["AAA"].tolist() == [0.0, 0.0]
    assert shares["RUS"].tolist() == [1.0, 1.0]


def test_the_donor_pool_leaves_out_israel_russia_tied_listed_and_incomplete_states(settings):
    states = {"ISR": 0.5, "RUS": 0.0, **{f"S{i:02d}": 0.3 + 0.04 * i for i in range(14)}}
    panel = state_text_panel(states, tied=("S00", "S01"))
    panel = panel[~((panel["iso3"] == "S02") & (panel["year"] == 2012))]  # no vote in 2012
    _, shares = outcome_shares(panel, settings)
    donors = donor_pool(shares, panel, {**settings, "exclude": ["S03"]})
    assert donors == [f"S{i:02d}" for i in range(4, 14)]


def test_a_donor_pool_too_small_stops_before_any_fit(settings, monkeypatch):
    states = {"ISR": 0.5, "RUS": 0.0, **{f"S{i:02d}": 0.3 + 0.04 * i for i in range(12)}}
    panel = state_text_panel(states, tied=("S00",))
    fits = []
    monkeypatch.setattr(synthetic, "synthetic_weights", lambda *a: fits.append(a))
    with pytest.raises(DataError, match=r"israel_synthetic\.exclude") as caught:
        israel_synthetic(panel, {**settings, "exclude": ["S01", "S02"]})
    assert f"at least {MIN_DONORS} donor states" in str(caught.value)
    assert "9: " in str(caught.value)
    assert fits == []


def test_an_unknown_excluded_state_is_named_with_a_suggestion(settings):
    panel = state_text_panel({"ISR": 0.5, "RUS": 0.0, "FRA": 0.9})
    _, shares = outcome_shares(panel, settings)
    with pytest.raises(DataError, match="did you mean 'FRA'"):
        donor_pool(shares, panel, {**settings, "exclude": ["FRX"]})


@pytest.mark.parametrize(("change", "key"), [
    ({"windows": {"during": "2024-12-08", "after": "2015-09-30"}}, "windows.after"),
    ({"first_year": 2015}, "first_year"),
    ({"exclude": ["ISR"]}, "exclude"),
])
def test_settings_the_schema_cannot_check_stop_the_run(settings, change, key):
    with pytest.raises(DataError, match=rf"israel_synthetic\.{key}"):
        synthetic.check_settings({**settings, **change})


def test_the_whole_comparison_runs_on_a_simulated_panel(settings):
    states = {"ISR": 0.4, "RUS": 0.0, **{f"S{i:02d}": 0.2 + 0.05 * i for i in range(12)}}
    panel = state_text_panel(states, dates=("06-03", "10-15", "12-07", "12-20"))
    tables = israel_synthetic(panel, settings)
    assert tables["paths"].columns.tolist() == synthetic.PATH_COLUMNS
    assert tables["summary"]["window"].tolist() == ["pre", "during", "after", "post"]
    assert tables["summary"]["donors"].eq(12).all()
    assert {"2015 pre", "2015 during", "2024 during", "2024 after"} <= set(
        tables["paths"]["unit"])
    assert tables["placebos"]["iso3"].nunique() == 13
