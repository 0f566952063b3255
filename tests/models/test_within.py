"""The within-state design: a known interaction recovered, intervals that cover a null about
as often as they say, the fast wild bootstrap equal to an independent implementation, the
randomisation test's permutations, and bad settings stopped by name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from abstention.errors import DataError
from abstention.models import within
from abstention.models.within_timing import within_timings
from abstention.panel.within_settings import check_entries, check_settings

SETTINGS = {
    "outcomes": ["not_yes"], "period_years": 5,
    "designs": {"period_effects": ["state_period", "text"],
                "switches": ["state_period", "text", "state_opposed"]},
    "main_design": "switches", "costly_comparison": ["not_yes", "not_yes"],
    "bootstrap": {"draws": 999, "weights": "rademacher", "seed": 1},
    "randomisation": {"permutations": 999, "batch": 50, "seed": 2, "outcomes": ["not_yes"]},
}
FULL = {**SETTINGS, "ties": {"RUS": ["security_dependence"], "USA": ["security_dependence"]},
        "main_tie": "security_dependence",
        "outcomes": ["not_yes", "not_cosponsor_joined"],
        "costly_comparison": ["not_cosponsor_joined", "not_yes"],
        "randomisation": {**SETTINGS["randomisation"], "outcomes": ["not_yes"]}}
PERIOD = SETTINGS["designs"]["period_effects"]
SWITCHES = SETTINGS["designs"]["switches"]


def simulated(effect: float, seed: int, states: int = 40, texts_per_year: int = 6,
              years: range = range(2006, 2016)) -> pd.DataFrame:
    """States voting on texts; a fifth of the texts are patron-opposed; a third of the states
    have a tie that switches on in a random year. The outcome is linear in the interaction,
    with state-by-period and text effects and noise correlated within state."""
    rng = np.random.default_rng(seed)
    texts = pd.DataFrame({"text": [f"T{y}-{k}" for y in years for k in range(texts_per_year)],
                          "year": [y for y in years for _ in range(texts_per_year)]})
    texts["opposed"] = (rng.random(len(texts)) < 0.2).astype(float)
    texts["text_effect"] = rng.normal(0, 0.3, len(texts))
    start = np.where(rng.random(states) < 1 / 3, rng.integers(years[0], years[-1] + 2, states),
                     9999)
    rows = texts.merge(pd.DataFrame({"state": [f"S{i:02d}" for i in range(states)],
                                     "start": start,
                                     "group": rng.choice(["A", "B", "C"], states),
                                     "state_effect": rng.normal(0, 0.3, states),
                                     "state_noise": rng.normal(0, 0.1, states)}), how="cross")
    rows["tie"] = (rows["year"] >= rows["start"]).astype(float)
    rows["period"] = (rows["year"] - years[0]) // 5
    rows["x"] = rows["tie"] * rows["opposed"]
    rows["state_period"] = rows["state"] + "|" + rows["period"].astype(str)
    rows["state_opposed"] = rows["state"] + "|" + rows["opposed"].astype(int).astype(str)
    rows["y"] = (effect * rows["x"] + 0.05 * rows["tie"] + rows["state_effect"]
                 + rows["text_effect"] + rows["state_noise"] * rng.normal(0, 1, len(rows))
                 + rng.normal(0, 0.2, len(rows)))
    return rows[["y", "tie", "opposed", "x", "state", "year", "period", "text", "group",
                 "state_period", "state_opposed"]]


def test_a_known_interaction_is_recovered():
    sample = simulated(effect=0.15, seed=3, states=60)
    result, _ = within.estimate_within(sample, SETTINGS, "switches", (0,), with_ri=False)
    assert result["estimate"] == pytest.approx(0.15, abs=0.03)
    assert result["ci_low"] < 0.15 < result["ci_high"]
    assert result["p_wild"] < 0.01
    assert result["mde"] == pytest.approx(within.MDE_FACTOR * result["se_crv1"])


def test_the_wild_interval_covers_a_null_about_95_percent_of_the_time():
    covered = []
    for seed in range(60):
        sample = simulated(effect=0.0, seed=100 + seed, states=30, texts_per_year=4)
        part = within.partial_out(sample, within.fixed_effect_codes(sample, SWITCHES))
        weights = within.bootstrap_weights("rademacher", 399, part.clusters,
                                           np.random.default_rng(seed))
        low, high = within.wild_interval(part, weights)
        covered.append(low <= 0 <= high)
    assert 0.85 <= np.mean(covered) <= 1.0


def test_the_partialled_fit_equals_pyfixest_and_a_dummy_regression():
    sample = simulated(effect=0.1, seed=5, states=20, texts_per_year=3)
    part = within.partial_out(sample, within.fixed_effect_codes(sample, PERIOD))
    assert part.estimate == pytest.approx(within.fit_twfe(sample, PERIOD)["estimate"], abs=1e-8)
    dummies = pd.get_dummies(sample["state"] + "|" + sample["period"].astype(str),
                             drop_first=True, dtype=float)
    texts = pd.get_dummies(sample["text"], drop_first=True, dtype=float)
    design = sm.add_constant(pd.concat([sample[["x", "tie"]], dummies, texts], axis=1))
    ols = sm.OLS(sample["y"], design).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(sample["state"])[0],
                                      "use_correction": False})
    assert part.estimate == pytest.approx(ols.params["x"], abs=1e-8)
    # Without small-sample corrections the per-state sums give the sandwich exactly.
    assert part.observed_se() == pytest.approx(ols.bse["x"], rel=1e-6)


def test_the_fast_wild_bootstrap_equals_wildboottest_on_full_enumeration():
    """Eight states: both enumerate all 256 Rademacher sign vectors, so the restricted
    bootstrap p-values must agree exactly (wildboottest 0.3.2, an independent implementation
    checked against R's fwildclusterboot by its authors). wildboottest is given the design
    with the fixed effects projected out, as pyfixest hands it over. It counts the draws with
    |t*| > |t|; ours counts |t*| >= |t|, so the two sign vectors v = +1 and v = -1, which give
    back the sample's own |t|, count here as well: 2 of 256 more."""
    from wildboottest.wildboottest import wildboottest

    rng = np.random.default_rng(11)
    cluster = np.repeat(np.arange(8), 25)
    period = np.tile(np.repeat([0, 1], [12, 13]), 8)
    text = np.tile(np.arange(25), 8)
    x = rng.normal(size=200) + rng.normal(size=8)[cluster]
    z = rng.normal(size=200) + period
    y = 0.08 * x + 0.5 * z + rng.normal(size=200) + rng.normal(size=8)[cluster] + 0.3 * text
    sample = pd.DataFrame({"y": y, "x": x, "tie": z, "state": cluster.astype(str),
                           "text": text.astype(str)})
    sample["state_period"] = sample["state"] + "|" + pd.Series(period).astype(str)
    codes = within.fixed_effect_codes(sample, PERIOD)
    demeaned = pd.DataFrame(within.demean(sample[["x", "tie"]].to_numpy(), codes),
                            columns=["x", "z"])
    reference = wildboottest(sm.OLS(within.demean(sample[["y"]].to_numpy(), codes)[:, 0],
                                    demeaned), param="x", cluster=cluster, B=9999,
                             weights_type="rademacher", impose_null=True,
                             bootstrap_type="11", seed=1, show=False)
    part = within.partial_out(sample, codes)
    weights = within.bootstrap_weights("rademacher", 9999, 8, np.random.default_rng(0))
    assert len(weights) == 256
    assert within.wild_p(part, 0.0, weights) == pytest.approx(
        float(reference["p-value"].iloc[0]) + 2 / 256, abs=1e-12)


def test_the_interval_inverts_the_p_value():
    sample = simulated(effect=0.1, seed=8, states=30)
    part = within.partial_out(sample, within.fixed_effect_codes(sample, SWITCHES))
    weights = within.bootstrap_weights("rademacher", 999, part.clusters,
                                       np.random.default_rng(1))
    low, high = within.wild_interval(part, weights)
    assert low < part.estimate < high
    for bound, inward in ((low, 1), (high, -1)):
        step = 1e-3 * part.observed_se()
        assert within.wild_p(part, bound + inward * step, weights) > 0.05
        assert within.wild_p(part, bound - inward * step, weights) <= 0.05


def test_permutations_stay_within_region_and_leave_incomplete_histories_in_place():
    groups = pd.Series(["A", "A", "A", "B", "B", "C"])
    movable = np.array([True, True, False, True, True, True])
    orders = within.permuted_orders(groups, movable, 200, np.random.default_rng(0))
    assert (orders[:, 2] == 2).all() and (orders[:, 5] == 5).all()
    assert set(np.unique(orders[:, 0])) == {0, 1}
    assert set(np.unique(orders[:, 3])) == {3, 4}
    assert all(sorted(row) == list(range(6)) for row in orders)


def test_randomisation_rejects_a_strong_effect_and_not_a_null():
    strong = simulated(effect=0.5, seed=21)
    codes = within.fixed_effect_codes(strong, SWITCHES)
    p_strong = within.randomisation_p(strong, within.partial_out(strong, codes), codes, 199, 50,
                                      np.random.default_rng(1))["p_ri"]
    assert p_strong == pytest.approx(1 / 200)
    nulls = []
    for seed in range(6):
        sample = simulated(effect=0.0, seed=40 + seed)
        codes = within.fixed_effect_codes(sample, SWITCHES)
        nulls.append(within.randomisation_p(sample, within.partial_out(sample, codes), codes, 99,
                                            50, np.random.default_rng(seed))["p_ri"])
    assert max(nulls) > 0.2


@pytest.mark.parametrize("key, value, named", [
    ("bootstrap", {"draws": 500, "weights": "rademacher", "seed": 1}, "within.bootstrap.draws"),
    ("bootstrap", {"draws": 999, "weights": "mammen", "seed": 1}, "within.bootstrap.weights"),
    ("randomisation", {"permutations": 999, "batch": 1000, "seed": 1, "outcomes": []},
     "within.randomisation.batch"),
    ("randomisation", {"permutations": 99, "batch": 10, "seed": 1, "outcomes": []},
     "within.randomisation.permutations"),
    ("outcomes", ["not_yes", "not_cosponsoring"], "within.outcomes"),
    ("ties", {"RUS": ["security_dependence"], "IND": ["security_dependence"]}, "within.ties"),
    ("ties", {"RUS": ["security_dependance"]}, "within.ties.RUS"),
    ("main_tie", "alliance", "within.main_tie"),
    ("designs", {"period_effects": ["state_period", "texts"]}, "within.designs.period_effects"),
    ("main_design", "switch", "within.main_design"),
    ("costly_comparison", ["not_cosponsor", "not_yes"], "within.costly_comparison"),
    ("randomisation", {"permutations": 999, "batch": 10, "seed": 1,
                       "outcomes": ["not_cosponsor"]}, "within.randomisation.outcomes"),
])
def test_bad_settings_stop_by_name(key, value, named):
    with pytest.raises(DataError, match=named.replace(".", r"\.")):
        check_settings({**FULL, key: value}, ["RUS", "USA"], ["security_dependence"])


def test_alignment_biases_the_period_design_and_not_the_switches_design():
    """Tied states that always side with their patron (alignment, no effect of the tie's
    switching): the period design reads it as an effect, the switches design does not."""
    sample = simulated(effect=0.0, seed=31, states=60)
    always = sample["state"].isin([f"S{i:02d}" for i in range(0, 60, 4)])
    sample.loc[always, "tie"] = 1.0
    sample["x"] = sample["tie"] * sample["opposed"]
    sample.loc[always, "y"] += 0.3 * sample.loc[always, "opposed"]
    period, _ = within.estimate_within(sample, SETTINGS, "period_effects", (1,), with_ri=False)
    switches, _ = within.estimate_within(sample, SETTINGS, "switches", (1,), with_ri=False)
    assert period["estimate"] > 0.1 and period["ci_low"] > 0
    assert switches["ci_low"] < 0 < switches["ci_high"]
    assert switches["n_treated"] < period["n_treated"]


def test_the_relative_difference_finds_a_costlier_signal_and_not_an_equal_one():
    """Two outcomes on the same states: the tie raises the costly one by 0.2 on a base of about
    0.5 and the cheap one by 0.05 on a base near 0.25 (relative 0.4 against 0.2); then the
    same outcome twice, whose difference is exactly 0 with an interval of width 0."""
    vote = simulated(effect=0.05, seed=51, states=80)
    vote["y"] = vote["y"] - vote["y"].mean() + 0.25
    costly = vote.assign(y=vote["y"] + 0.25 + 0.15 * vote["x"])
    fits = [within.estimate_within(sample, SETTINGS, "switches", (k,), with_ri=False)
            for k, sample in enumerate((costly, vote))]
    truth = fits[0][0]["estimate"] / fits[0][0]["base_rate"] - (
        fits[1][0]["estimate"] / fits[1][0]["base_rate"])
    found = within.relative_difference(fits[0], fits[1], "rademacher", 999,
                                       np.random.default_rng(0))
    assert found["estimate"] == pytest.approx(truth)
    assert found["ci_low"] < found["estimate"] < found["ci_high"]
    same = within.relative_difference(fits[1], fits[1], "rademacher", 999,
                                      np.random.default_rng(0))
    assert same["estimate"] == 0 and same["ci_low"] == same["ci_high"] == 0



@pytest.mark.parametrize("entry, named", [
    ({"patrons": ["CHN"], "outcome": "not_yes"}, r"hypotheses\.within_entries\.H4\.patrons"),
    ({"patrons": ["USA"], "outcome": "not_abstain"}, r"hypotheses\.within_entries\.H4\.outcome"),
])
def test_a_hypothesis_naming_an_unknown_patron_or_quantity_stops(entry, named):
    with pytest.raises(DataError, match=named):
        check_entries({"H4": {"statement": "s", **entry}}, FULL)


def test_hypothesis_rows_take_the_main_design_and_tie():
    base = {"tie": "security_dependence", "draws": 9999, "weights": "rademacher", "n": 10,
            "n_states": 5, "n_treated": 3, "n_texts": 4, "n_opposed_texts": 2,
            "n_tied_opposed": 7, "mde": 0.1, "p_ri": 0.2, "ci_low": -1.0, "ci_high": 1.0}
    effects = pd.DataFrame([
        {**base, "patron": "RUS", "design": "switches", "outcome": "not_yes", "estimate": 0.1,
         "p_wild": 0.01},
        {**base, "patron": "RUS", "design": "period_effects", "outcome": "not_yes",
         "estimate": 9.0, "p_wild": 0.5},
        {**base, "patron": "RUS", "design": "switches", "outcome": "not_cosponsor_joined",
         "estimate": 0.3, "p_wild": 0.02},
        {**base, "patron": "RUS", "design": "switches",
         "outcome": "not_cosponsor_joined_vs_not_yes", "estimate": 0.4, "p_wild": 0.03,
         "p_ri": np.nan},
    ])
    entries = {"H1w": {"patrons": ["RUS"], "outcome": "not_yes"},
               "H2w": {"patrons": ["RUS"], "outcome": "not_cosponsor_joined_vs_not_yes"}}
    rows = within.hypothesis_rows(effects, entries, FULL).set_index(["hypothesis", "quantity"])
    assert rows.loc[("H1w", "not_yes_RUS"), "estimate"] == 0.1
    assert rows.loc[("H1w", "not_yes_RUS"), "p"] == rows.loc[("H1w", "not_yes_RUS"), "p_wild"]
    h2 = rows.loc["H2w"]
    assert h2["primary"].tolist() == [True, False, False]
    assert h2.loc["not_cosponsor_joined_vs_not_yes_RUS", "estimate"] == 0.4
    assert h2.loc["not_cosponsor_joined_RUS", "n_opportunities"] == 7


def test_a_design_without_switching_states_reports_the_effect_as_not_identified():
    sample = simulated(effect=0.1, seed=61, states=30)
    sample["tie"] = sample["state"].isin(["S00", "S01", "S02"]).astype(float)
    sample["x"] = sample["tie"] * sample["opposed"]
    result, part = within.estimate_within(sample, SETTINGS, "switches", (0,), with_ri=True)
    assert part is None and not result["identified"] and np.isnan(result["estimate"])
    assert result["n_treated"] == 0 and result["n_tie_on"] == 3


# --- the benchmark's timing of the within-state steps ---------------------------------------


def state_text_panel(rows: pd.DataFrame) -> pd.DataFrame:
    """The simulated state-text rows in the layout of results/panel/state_text.parquet."""
    return pd.DataFrame({
        "iso3": rows["state"], "res_id": rows["text"], "year": rows["year"],
        "recorded": True, "not_yes": (rows["y"] > rows["y"].median()).astype(float),
        "sponsor_list": False, "joined": True, "cosponsor": 0.0,
        "un_group": rows["group"], "opposed_RUS": rows["opposed"],
        "security_dependence_RUS": rows["tie"]})


def test_the_timed_fit_is_the_configured_main_fit_at_the_asked_size():
    panel = state_text_panel(simulated(0.3, seed=5))
    timings = within_timings(panel, FULL, permutations=40)
    assert (timings["patron"], timings["outcome"]) == ("RUS", "not_yes")
    assert timings["rows"] == len(panel)
    assert timings["states"] == panel["iso3"].nunique()
    assert (timings["draws"], timings["permutations"]) == (999, 40)
    assert all(timings[key] >= 0 for key in ("fit_seconds", "wild_bootstrap_seconds",
                                              "randomisation_seconds"))


# --- the within-state multiverse -------------------------------------------------------------


MULTIVERSE = {"first_years": [2000, 2008], "lag_years": [0, 1], "period_years": [3, 5],
              "opposed_rules": {"wider": "patron_vote != 'yes'"}, "outcomes": ["not_yes"]}


def multiverse_panel(seed: int = 5) -> pd.DataFrame:
    """The simulated panel with the columns a multiverse reads: the tie at lag 0 beside the
    main lag, and a wider patron-opposed rule."""
    rows = simulated(0.3, seed=seed)
    panel = state_text_panel(rows)
    rng = np.random.default_rng(seed)
    return panel.assign(security_dependence_RUS_lag0=rows["tie"].to_numpy(),
                        opposed_wider_RUS=np.maximum(rows["opposed"].to_numpy(),
                                                     rng.random(len(rows)) < 0.1))


def test_the_multiverse_main_specification_is_the_main_fit():
    from abstention.models.within_multiverse import within_multiverse

    settings = {**FULL, "first_year": 2000, "lag_years": 1, "multiverse": MULTIVERSE}
    panel = multiverse_panel()
    table = within_multiverse(panel, "RUS", settings)
    main = table[table["main"]]
    assert len(main) == 1
    sample, _ = within.within_sample(panel, "RUS", "security_dependence", "not_yes", 5)
    fitted, _ = within.estimate_within(sample, settings, "switches", (0, 0), with_ri=False)
    assert main["estimate"].iloc[0] == pytest.approx(fitted["estimate"], rel=1e-9)
    assert main["se_crv1"].iloc[0] == pytest.approx(fitted["se_crv1"], rel=1e-9)
    assert 0 < main["p_wild"].iloc[0] <= 1


def test_the_multiverse_crosses_every_choice_and_keeps_each_sample_once():
    from abstention.models.within_multiverse import within_multiverse

    settings = {**FULL, "first_year": 2000, "lag_years": 1, "multiverse": MULTIVERSE}
    table = within_multiverse(multiverse_panel(), "RUS", settings)
    # 2 first years x 2 lags x 2 periods x 2 rules x 2 designs
    assert len(table) == 32
    assert set(table["first_year"]) == {2006, 2008}      # the data start in 2006
    late = within_multiverse(multiverse_panel(), "RUS", {
        **settings, "multiverse": {**MULTIVERSE, "first_years": [2000, 2004]}})
    assert len(late) == 16 and set(late["first_year"]) == {2006}
    wider = table[(table["opposed_rule"] == "wider") & (table["lag_years"] == 0)]
    assert (wider["n_opposed_texts"] > table.loc[table["main"], "n_opposed_texts"].iloc[0]).all()


def test_the_multiverse_summary_counts_only_trusted_fits():
    from abstention.models.within_multiverse import summarise_multiverse

    table = pd.DataFrame({
        "patron": "RUS", "outcome": "not_yes", "design": "switches",
        "main": [True, False, False, False],
        "identified": [True, True, True, False], "few_treated": [False, False, True, True],
        "estimate": [0.02, -0.05, 0.3, np.nan], "p_wild": [0.01, 0.5, 0.001, np.nan],
        "se_crv1": [0.01, 0.02, 0.1, np.nan]})
    row = summarise_multiverse(table).iloc[0]
    assert (row["specifications"], row["identified"], row["trusted"]) == (4, 3, 2)
    assert row["share_positive_significant"] == pytest.approx(0.5)
    assert row["share_negative_significant"] == 0
    assert row["main_estimate"] == pytest.approx(0.02)
    assert (row["min_estimate"], row["max_estimate"]) == (-0.05, 0.02)
    assert row["max_upper"] == pytest.approx(0.02 + 1.959964 * 0.01)
