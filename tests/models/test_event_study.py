"""Event studies of ties that switch on or off, on simulated data only: the state-year panel's
reticence gaps and event years, the imputation estimator against the naive two-way
fixed-effects event study under staggered timing with heterogeneous, growing effects, the
pre-trend test, and the bad event definitions that must stop the run."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.models.event_study import (
    dummy_name,
    event_design,
    event_studies,
    periods,
)
from abstention.outputs.exhibit_tables import event_study_table
from abstention.outputs.figures import event_study as event_study_figure
from abstention.panel.events import check_events, check_window
from abstention.panel.state_year import build_state_year, event_years, reticence_gaps

WINDOW = [-5, 5]
SETTINGS = {"window": WINDOW, "reference": -1, "exclude_states": [],
            "events": {"sim": {"patron": "RUS", "tie": "deployment", "direction": "on"}}}
# Effects grow by this much a year after the event, faster for earlier cohorts.
SLOPES = {2006: 0.12, 2010: 0.08, 2014: 0.04, 2018: 0.02}
YEARS = range(2000, 2025)


@pytest.fixture(autouse=True)
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def simulate(seed: int = 3, states: int = 80, never: float = 0.2,
             anticipation: float = 0.0) -> pd.DataFrame:
    """An event-state-year panel as `build_state_year` writes it, with the true effect `tau`:
    staggered cohorts whose effects grow with time since the event, faster for earlier
    cohorts; state and year effects; `anticipation` is added in the two years before."""
    rng = np.random.default_rng(seed)
    cohorts = np.array(sorted(SLOPES))
    first = np.where(rng.random(states) < never, 0, rng.choice(cohorts, states))
    state_effect = rng.normal(0, 0.3, states)
    year_effect = dict(zip(YEARS, rng.normal(0, 0.3, len(YEARS)), strict=True))
    rows = []
    for s in range(states):
        g = int(first[s])
        for year in YEARS:
            tau = SLOPES[g] * (year - g + 1) if g and year >= g else 0.0
            lead = anticipation if g and g - 2 <= year < g else 0.0
            rows.append({"iso3": f"S{s:03d}", "year": year, "event_year": g or pd.NA,
                         "tau": tau, "gap": state_effect[s] + year_effect[year] + tau + lead
                         + rng.normal(0, 0.1)})
    panel = pd.DataFrame(rows)
    panel["event_year"] = panel["event_year"].astype("Int16")
    panel["rel_time"] = (panel["year"] - panel["event_year"]).astype("Int16")
    return panel.assign(event="sim")


def true_effects(panel: pd.DataFrame) -> pd.Series:
    """The mean true effect of the treated state-years at each binned relative time: what
    the imputation estimator targets."""
    treated = panel.loc[panel["rel_time"].ge(0).fillna(False)]
    return treated.groupby(treated["rel_time"].astype(int).clip(*WINDOW))["tau"].mean()


def estimates(coefficients: pd.DataFrame, estimator: str) -> pd.Series:
    rows = coefficients[(coefficients["estimator"] == estimator) & ~coefficients["reference"]]
    return rows.set_index("rel_time")["estimate"]


@pytest.fixture(scope="module")
def fitted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        panel = simulate()
        return panel, *event_studies(panel, SETTINGS)


# --- the estimators -------------------------------------------------------------------------


def test_the_imputation_estimator_recovers_the_effects_the_naive_event_study_misses(fitted):
    panel, coefficients, _ = fitted
    truth = true_effects(panel)
    _, lags = periods(SETTINGS)
    imputed = estimates(coefficients, "did2s").loc[lags]
    naive = estimates(coefficients, "twfe").loc[lags]
    assert np.abs(imputed - truth.loc[lags]).max() < 0.04, pd.concat([imputed, truth], axis=1)
    # The naive event study is biased: attenuated after the event, by a third or more at
    # several relative times, and a spurious effect before it.
    bias = naive - truth.loc[lags]
    assert bias.max() < 0 and (bias / truth.loc[lags] < -0.3).sum() >= 3, bias
    assert abs(estimates(coefficients, "twfe").loc[-5]) > 0.15


def test_the_imputation_estimates_are_gardners_two_stages_by_hand(fitted):
    """pyfixest's did2s against the two stages written out: state and year dummies fitted by
    least squares on the untreated state-years, residuals of the treated ones averaged by
    relative time (equal up to the tolerance of pyfixest's alternating projections)."""
    panel, coefficients, _ = fitted
    data, _ = event_design(panel, SETTINGS)
    dummies = np.hstack([pd.get_dummies(data["iso3"]).to_numpy(float),
                         pd.get_dummies(data["year"]).to_numpy(float)[:, 1:]])
    untreated, treated = ~data["treat"].to_numpy(), data["treat"].to_numpy()
    beta, *_ = np.linalg.lstsq(dummies[untreated], data["gap"].to_numpy()[untreated],
                               rcond=None)
    residual = data["gap"].to_numpy() - dummies @ beta
    by_hand = pd.Series(residual[treated]).groupby(data.loc[treated, "rel_bin"].to_numpy()).mean()
    _, lags = periods(SETTINGS)
    np.testing.assert_allclose(estimates(coefficients, "did2s").loc[lags], by_hand.loc[lags],
                               atol=1e-6)


def test_pre_period_coefficients_are_flat_without_anticipation(fitted):
    _, coefficients, pretrends = fitted
    leads, _ = periods(SETTINGS)
    assert np.abs(estimates(coefficients, "did2s").loc[leads]).max() < 0.05
    imputation = pretrends.set_index("estimator").loc["did2s"]
    assert imputation["pretrend_p"] > 0.05 and imputation["pretrend_df1"] == len(leads)
    # The naive event study's leads carry later effects of other cohorts.
    assert pretrends.set_index("estimator").loc["twfe", "pretrend_p"] < 0.001


def test_the_pre_trend_test_sees_anticipation():
    _, pretrends = event_studies(simulate(anticipation=0.15), SETTINGS)
    assert pretrends.set_index("estimator").loc["did2s", "pretrend_p"] < 0.001


def test_average_post_effect_is_the_mean_of_the_post_coefficients(fitted):
    _, coefficients, pretrends = fitted
    _, lags = periods(SETTINGS)
    for estimator in ("did2s", "twfe"):
        row = pretrends.set_index("estimator").loc[estimator]
        assert row["post_estimate"] == pytest.approx(
            estimates(coefficients, estimator).loc[lags].mean())
        assert row["post_ci_low"] < row["post_estimate"] < row["post_ci_high"]


def test_every_relative_time_counts_its_treated_states(fitted):
    panel, coefficients, pretrends = fitted
    treated = panel.loc[panel["event_year"].notna()]
    expected = treated.assign(rel=treated["rel_time"].astype(int).clip(*WINDOW)) \
        .groupby("rel")["iso3"].nunique()
    for estimator in ("did2s", "twfe"):
        rows = coefficients[coefficients["estimator"] == estimator].set_index("rel_time")
        assert rows["n_treated_states"].to_dict() == expected.to_dict()
        assert rows.loc[-1, "reference"] and rows.loc[-1, "estimate"] == 0
    assert pretrends["treated_states"].iloc[0] == treated["iso3"].nunique()


def test_a_period_without_treated_states_has_no_coefficient():
    """Only the 2018 cohort treated, and the panel cut after 2020: it is seen 0 to 2 years
    after its event, so the later periods have no coefficient and the average post effect
    is over the three it has."""
    panel = simulate()
    keep = panel["event_year"].isna() | panel["event_year"].eq(2018)
    coefficients, pretrends = event_studies(panel.loc[keep & (panel["year"] <= 2020)],
                                            SETTINGS)
    for estimator in ("did2s", "twfe"):
        assert sorted(estimates(coefficients, estimator).loc[0:].index) == [0, 1, 2]
    assert pretrends["post_periods"].tolist() == [3, 3]


def test_design_bins_the_window_ends_and_drops_states_with_one_untreated_year():
    panel = simulate()
    single = panel.loc[panel["event_year"].eq(2006), "iso3"].iloc[0]
    panel = panel.loc[(panel["iso3"] != single) | (panel["year"] >= 2005)]
    data, lost = event_design(panel, SETTINGS)
    assert single not in set(data["iso3"])
    assert lost["treated_states_with_fewer_untreated_years"] == 1
    assert data.loc[data["treated_state"], "rel_bin"].between(*WINDOW).all()
    assert data[dummy_name(5)].sum() == (data["rel"] >= 5).sum()
    assert data[dummy_name(-5)].sum() == (data["rel"] <= -5).sum()
    assert dummy_name(-1) not in data


# --- the state-year panel -------------------------------------------------------------------


def state_text() -> pd.DataFrame:
    """Two states, two years, three recorded texts a year (one patron-opposed), and a text
    adopted without a vote, which does not count."""
    rows = []
    votes = {("AAA", 2010): ["abstain", "yes", "yes"], ("AAA", 2011): ["yes", "no", "yes"],
             ("BBB", 2010): ["yes", "yes", "absent"], ("BBB", 2011): ["yes", "yes", "yes"]}
    for (iso3, year), cast in votes.items():
        for i, vote in enumerate(cast):
            rows.append({"res_id": f"{year}-{i}", "iso3": iso3, "year": year, "recorded": True,
                         "not_yes": int(vote != "yes"), "opposed_RUS": i == 0})
        rows.append({"res_id": f"{year}-c", "iso3": iso3, "year": year, "recorded": False,
                     "not_yes": pd.NA, "opposed_RUS": False})
    for patron in ("RUS",):
        rows.append({"res_id": "2010-0", "iso3": patron, "year": 2010, "recorded": True,
                     "not_yes": 1, "opposed_RUS": True})
    frame = pd.DataFrame(rows)
    return frame.astype({"iso3": "category", "not_yes": "Int8", "year": "int16"})


def test_the_reticence_gap_compares_patron_opposed_and_other_texts():
    gaps = reticence_gaps(state_text(), ["RUS"]).set_index(["iso3", "year"])
    assert "RUS" not in gaps.index.get_level_values("iso3")
    aaa = gaps.loc[("AAA", 2010)]
    assert (aaa["texts_opposed"], aaa["texts_other"], aaa["not_yes_opposed"],
            aaa["not_yes_other"]) == (1, 2, 1, 0)
    assert aaa["gap"] == pytest.approx(1.0)
    assert gaps.loc[("AAA", 2011), "gap"] == pytest.approx(-0.5)
    assert gaps.loc[("BBB", 2010), "gap"] == pytest.approx(-0.5)


def test_event_years_date_the_first_switch_and_sort_the_states():
    on = pd.DataFrame({
        "iso3": ["T"] * 4 + ["C"] * 4 + ["A"] * 4,
        "year": [2000, 2001, 2002, 2003] * 3,
        "on": [False, True, False, True, False, False, False, False, True, True, False, False],
    })
    states = event_years(on, "on").set_index("iso3")
    assert states.loc["T", "status"] == "treated" and states.loc["T", "event_year"] == 2001
    assert states.loc["T", "switch_back_year"] == 2002
    assert states.loc["C", "status"] == "control" and pd.isna(states.loc["C", "event_year"])
    assert states.loc["A", "status"] == "switched_before_first_year"
    off = event_years(on, "off").set_index("iso3")
    assert off.loc["A", "status"] == "treated" and off.loc["A", "event_year"] == 2002
    assert off.loc["C", "status"] == "switched_before_first_year"


def ties_table() -> pd.DataFrame:
    rows = []
    for iso3, deployed in (("AAA", [0, 1]), ("BBB", [0, 0])):
        for year, value in zip((2010, 2011), deployed, strict=True):
            rows.append({"iso3": iso3, "year": year, "patron": "RUS", "deployment": value,
                         "troops": 1500.0 - 1000 * value})
    return pd.DataFrame(rows).astype({"iso3": "category", "patron": "category"})


def test_the_panel_is_typed_and_counts_the_states_it_keeps_and_drops():
    settings = {**SETTINGS, "events": {
        "deployed": {"patron": "RUS", "tie": ["deployment"], "direction": "on"},
        "troops": {"patron": "RUS", "tie": "troops", "direction": "off", "threshold": 1000}}}
    panel, summary = build_state_year(state_text(), ties_table(), settings, ["RUS"])
    assert panel["year"].dtype == "int16" and panel["gap"].dtype == "float32"
    assert isinstance(panel["event"].dtype, pd.CategoricalDtype)
    assert isinstance(panel["iso3"].dtype, pd.CategoricalDtype)
    assert str(panel["event_year"].dtype) == "Int16"
    summary = summary.set_index("event")
    assert summary.loc["deployed", ["treated", "controls"]].tolist() == [1, 1]
    # US-style drawdown: AAA's troops fall below the threshold in 2011, BBB's never do.
    assert summary.loc["troops", ["treated", "controls"]].tolist() == [1, 1]
    rows = panel.loc[(panel["event"] == "troops") & (panel["iso3"] == "AAA")]
    assert rows["event_year"].tolist() == [2011, 2011] and rows["rel_time"].tolist() == [-1, 0]
    excluded, _ = build_state_year(state_text(), ties_table(),
                                   {**settings, "exclude_states": ["AAA"]}, ["RUS"])
    assert set(excluded["iso3"].astype(str)) == {"BBB"}


# --- bad event definitions ------------------------------------------------------------------


def with_event(**change) -> dict:
    return {**SETTINGS, "events": {"sim": {**SETTINGS["events"]["sim"], **change}}}


def test_an_event_naming_a_patron_outside_ties_patrons_stops():
    with pytest.raises(DataError) as caught:
        check_events(with_event(patron="RUZ"), ["RUS", "USA", "CHN"], ["deployment"])
    assert caught.value.key == "event_study.events.sim.patron"
    assert "did you mean 'RUS'?" in str(caught.value)


def test_an_event_naming_a_tie_the_ties_table_lacks_stops():
    with pytest.raises(DataError) as caught:
        check_events(with_event(tie=["deployment", "pmcs"]), ["RUS"], ["deployment", "pmc"])
    assert caught.value.key == "event_study.events.sim.tie"
    assert "pmcs" in str(caught.value) and "did you mean 'pmc'?" in str(caught.value)
    with pytest.raises(DataError, match=r"\[event_study.events.sim.tie\]"):
        build_state_year(state_text(), ties_table(), with_event(tie="alliance"), ["RUS"])


def test_a_tie_that_is_not_0_1_needs_a_threshold():
    with pytest.raises(DataError, match=r"\[event_study.events.sim.threshold\]"):
        build_state_year(state_text(), ties_table(), with_event(tie="troops"), ["RUS"])


def test_an_event_without_a_pre_period_stops_before_any_fit():
    panel = simulate()
    # Every treated state first observed in its event year: none seen before it.
    panel = panel.loc[panel["event_year"].isna() | (panel["rel_time"] >= 0)]
    with pytest.raises(DataError) as caught:
        event_studies(panel, SETTINGS)
    assert caught.value.key == "event_study.events.sim"
    assert "before its event year within the window" in str(caught.value)


def test_a_pre_period_outside_the_window_does_not_count():
    panel = simulate()
    panel = panel.loc[panel["event_year"].isna() | (panel["rel_time"] >= 0)
                      | (panel["rel_time"] < -6)]
    with pytest.raises(DataError, match=r"\[event_study.events.sim\]"):
        event_studies(panel, SETTINGS)


def test_a_reference_outside_the_window_stops():
    with pytest.raises(DataError, match=r"\[event_study.reference\]"):
        check_window({**SETTINGS, "reference": -6})
    with pytest.raises(DataError, match=r"\[event_study.window\]"):
        check_window({**SETTINGS, "window": [-5, -2], "reference": -3})


# --- the exhibits ---------------------------------------------------------------------------


def test_the_figure_and_table_show_every_event(fitted):
    _, coefficients, pretrends = fitted
    coefficients = coefficients.assign(label="Simulated")
    pretrends = pretrends.assign(label="Simulated")
    figure = event_study_figure(coefficients, pretrends)
    assert len([ax for ax in figure.axes if ax.get_visible()]) == 1
    text = event_study_table(pretrends, "Caption", "tab:event_study")
    assert "Simulated" in text and text.count("few states") == 1  # the note's
    few = event_study_table(pretrends.assign(few_clusters=True), "Caption", "tab:x")
    assert few.count("few states &") == 2
