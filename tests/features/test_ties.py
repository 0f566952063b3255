"""Security ties by state, year and patron: the rules on small tables where every value is
known, the checks that stop bad settings, and the real table's required facts (Israel's
operational dependence, Libya, the 2022 cross-section as one slice)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
import yaml

from abstention.errors import DataError
from abstention.features.build import build_features
from abstention.features.sources import SOURCE_TABLES, TIE_SOURCE_TABLES
from abstention.features.ties import build_ties, check_settings, ties_codebook

RULES = {"patronage": "alliance == 1 or base == 1 or pmc == 1",
         "security_dependence": "patronage == 1 or operational_dependence == 1"}


def countries(*codes):
    return pd.DataFrame({"iso3": list(codes), "member_from": pd.Timestamp("1945-10-24"),
                         "member_to": pd.NaT})


def presence(rows):
    columns = ["iso3", "kind", "start", "end", "host_consent", "supports_seat_holder"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    return frame


def small_sources(**changes) -> dict:
    sipri = pd.DataFrame({
        "supplier_iso3": ["RUS", "USA", "RUS", "RUS"],
        "recipient_iso3": ["AAA", "AAA", "BBB", "AAA"],
        "year": [2000, 2000, 2001, 2003],
        "tiv": [30.0, 10.0, 5.0, 100.0],
    })
    atop = pd.DataFrame({"iso3_1": ["RUS"], "iso3_2": ["BBB"], "year": [2001], "defense": [1]})
    dcad = pd.DataFrame({"iso3_1": ["AAA"], "iso3_2": ["RUS"], "sign_year": [2000],
                         "end_year": [2002]})
    sources = dict(
        countries=countries("AAA", "BBB", "RUS", "USA"),
        sipri=sipri, atop=atop, dcad=dcad,
        us_troops=pd.DataFrame({"iso3": ["AAA"], "year": [2002], "troops": [1500.0]}),
        us_bases=pd.DataFrame({"iso3": ["AAA"], "sites": [3.0]}),
        russia_presence=presence([
            ("AAA", "base", "2001-03-01", "2002-06-30", "yes", "yes"),
            ("BBB", "pmc", "2002-01-01", None, "no", "no"),
        ]),
        operational_dependence=pd.DataFrame({
            "iso3": ["AAA"], "patron": ["RUS"], "level": ["dependence"],
            "start": pd.to_datetime(["2001-09-30"]), "end": pd.to_datetime(["2003-12-08"]),
        }),
    )
    return {**sources, **changes}


SETTINGS = {"patrons": ["RUS", "USA"], "years": [2001, 2004], "arms_window_years": 1,
            "us_presence_without_consent": [], "composites": {"RUS": RULES, "USA": RULES}}


@pytest.fixture(scope="module")
def small():
    ties = build_ties(small_sources(), SETTINGS)
    return ties.set_index(["iso3", "year", "patron"]).sort_index()


def test_one_row_per_member_year_and_patron_without_the_patron_itself(small):
    assert len(small) == 4 * 3 * 2
    assert ("RUS", 2001, "RUS") not in small.index and ("USA", 2002, "USA") not in small.index


def test_arms_share_over_the_trailing_window(small):
    # 2001: window 2000 -> AAA took 30 of 40 from Russia, 10 from the US.
    assert small.at[("AAA", 2001, "RUS"), "arms_share"] == pytest.approx(0.75)
    assert small.at[("AAA", 2001, "USA"), "arms_share"] == pytest.approx(0.25)
    # 2003: window 2002 -> no deliveries: share 0, flagged as no imports.
    assert small.at[("AAA", 2003, "RUS"), "arms_share"] == 0
    assert small.at[("AAA", 2003, "RUS"), "no_arms_imports"] == 1
    assert small.at[("AAA", 2004, "RUS"), "arms_tiv_log"] == pytest.approx(np.log1p(100.0))


def test_a_window_before_the_register_is_missing():
    ties = build_ties(small_sources(), {**SETTINGS, "years": [2000, 2001]})
    early = ties.loc[ties["year"] == 2000, "arms_share"]
    assert early.isna().all()


def test_alliance_carried_after_the_last_atop_year(small):
    assert small.at[("BBB", 2001, "RUS"), "alliance"] == 1
    assert small.at[("BBB", 2004, "RUS"), "alliance"] == 1  # ATOP ends 2001 here: carried
    assert small.at[("AAA", 2001, "RUS"), "alliance"] == 0


def test_agreements_in_force_until_their_end_year(small):
    assert small.at[("AAA", 2001, "RUS"), "dcad_in_force"] == 1
    assert small.at[("AAA", 2002, "RUS"), "dcad_in_force"] == 1
    # DCAD's last year here is 2002, the agreement's end: in force in 2002, carried after it.
    assert small.at[("AAA", 2004, "RUS"), "dcad_in_force"] == 1


def test_presence_counts_with_consent_for_the_seat_holder_only(small):
    assert small.at[("AAA", 2001, "RUS"), "base"] == 1
    assert small.at[("AAA", 2002, "RUS"), "base"] == 1
    assert small.at[("AAA", 2003, "RUS"), "base"] == 0
    # Forces backing the seat-holder's rivals without consent: occupation, not patronage.
    assert small.at[("BBB", 2003, "RUS"), "pmc"] == 0
    assert small.at[("BBB", 2003, "RUS"), "occupation"] == 1
    assert np.isnan(small.at[("BBB", 2003, "USA"), "occupation"])


def test_operational_dependence_any_day_of_the_year(small):
    assert small.at[("AAA", 2001, "RUS"), "operational_dependence"] == 1
    assert small.at[("AAA", 2003, "RUS"), "operational_dependence"] == 1
    assert small.at[("AAA", 2004, "RUS"), "operational_dependence"] == 0
    assert small.at[("AAA", 2001, "USA"), "operational_dependence"] == 0


def test_us_troops_without_the_hosts_consent_are_no_tie():
    ties = build_ties(small_sources(), {**SETTINGS, "us_presence_without_consent": ["AAA"]})
    ties = ties.set_index(["iso3", "year", "patron"])
    assert ties.at[("AAA", 2002, "USA"), "troops"] == 0


def test_us_troops_only_for_the_us_and_its_covered_years(small):
    assert small.at[("AAA", 2002, "USA"), "troops"] == 1500
    assert np.isnan(small.at[("AAA", 2003, "USA"), "troops"])
    assert np.isnan(small.at[("AAA", 2002, "RUS"), "troops"])
    assert small.at[("AAA", 2004, "USA"), "base_sites"] == 3


def test_composites_follow_the_config_rules(small):
    assert small.at[("BBB", 2001, "RUS"), "patronage"] == 1  # alliance
    assert small.at[("AAA", 2001, "RUS"), "patronage"] == 1  # base
    assert small.at[("AAA", 2004, "RUS"), "security_dependence"] == 0
    # A rule reading a tie missing for the patron is missing.
    assert np.isnan(small.at[("AAA", 2001, "USA"), "patronage"])


def test_codebook_gives_each_ties_years_per_patron():
    ties = build_ties(small_sources(), SETTINGS)
    codebook = ties_codebook(ties, SETTINGS, small_sources()).set_index(["variable", "patron"])
    assert codebook.at[("troops", "USA"), "first_year"] == 2002
    assert codebook.at[("troops", "USA"), "last_year"] == 2002
    assert codebook.at[("troops", "RUS"), "n_nonmissing"] == 0
    assert codebook.at[("patronage", "RUS"), "rule"] == RULES["patronage"]
    assert codebook.at[("alliance", "RUS"), "carried_after"] == 2001
    assert codebook.at[("dcad_in_force", "RUS"), "carried_after"] == 2002


@pytest.mark.parametrize(("change", "named"), [
    (lambda s: s.update(patrons=["RUS", "XXA"]), r"\[ties.patrons\].*XXA"),
    (lambda s: s.update(arms_window_years=40), r"\[ties.arms_window_years\].*40"),
    (lambda s: s.update(years=[2004, 2001]), r"\[ties.years\]"),
    (lambda s: s["composites"]["RUS"].update(patronage="aliance == 1"),
     r"composites.RUS.patronage.*aliance.*did you mean 'alliance'"),
    (lambda s: s["composites"].pop("USA"), r"\[ties.composites\].*USA"),
])
def test_bad_settings_stop_naming_the_key(change, named):
    settings = copy.deepcopy(SETTINGS)
    change(settings)
    with pytest.raises(DataError, match=named):
        check_settings(settings, small_sources()["sipri"], {"AAA", "BBB", "RUS", "USA"})


# The real table, from the vendored data.


@pytest.fixture(scope="module")
def config(repo_root):
    return yaml.safe_load((repo_root / "config" / "config.yaml").read_text())


@pytest.fixture(scope="module")
def real_ties(source_tables, repo_root, config):
    un_countries = pd.read_parquet(repo_root / "results" / "data" / "countries.parquet") if (
        repo_root / "results" / "data" / "countries.parquet").exists() else None
    if un_countries is None:
        pytest.skip("needs the UN tables (results/data/countries.parquet)")
    sources = {"countries": un_countries, **source_tables(*TIE_SOURCE_TABLES)}
    check_settings(config["ties"], sources["sipri"], set(un_countries["iso3"]))
    return build_ties(sources, config["ties"]).set_index(["iso3", "year", "patron"])


def test_israel_depends_on_russia_from_2016_to_2024_only(real_ties):
    israel = real_ties.xs(("ISR", "RUS"), level=("iso3", "patron"))["operational_dependence"]
    assert (israel.loc[2016:2024] == 1).all()
    assert israel.loc[2014] == 0 and israel.loc[2025] == 0


def test_libya_has_no_russian_patronage_of_the_seat_holder(real_ties):
    libya = real_ties.xs(("LBY", "RUS"), level=("iso3", "patron"))
    assert (libya[["base", "deployment", "pmc", "intervention", "patronage"]] == 0).all().all()


def test_every_patron_has_rows_and_its_own_ties(real_ties):
    patrons = set(real_ties.index.get_level_values("patron"))
    assert patrons == {"RUS", "USA", "CHN"}
    us = real_ties.xs("USA", level="patron")
    assert us.loc[("DEU", 2020), "troops"] > 10_000
    assert us.loc[("JPN", 2020), "alliance"] == 1


def test_the_2022_cross_section_is_a_slice_of_the_ties(real_ties, source_tables, repo_root,
                                                          config):
    """Arms and alliance in today's features equal the ties of 2022 towards Russia (window
    2012-2021, ATOP 2018 carried). The hand-coded ties differ by design: the features read the
    2022 snapshot file, the ties the dated presence file (listed in docs/robustness.md)."""
    results = repo_root / "results" / "data"
    features = pd.read_parquet(results / "features.parquet").set_index("iso3")
    ties = real_ties.xs((2022, "RUS"), level=("year", "patron")).reindex(features.index)
    pairs = {"arms_share_russia": "arms_share", "arms_tiv_russia_log": "arms_tiv_log",
             "alliance_russia": "alliance", "no_arms_imports": "no_arms_imports"}
    kept = features.index != "RUS"
    for feature, tie in pairs.items():
        np.testing.assert_allclose(features.loc[kept, feature], ties.loc[kept, tie],
                                   err_msg=feature)
    assert config["ties"]["arms_window_years"] == (
        config["features"]["arms_window"][1] - config["features"]["arms_window"][0] + 1)
    assert SOURCE_TABLES and build_features  # the features rule reads these tables
