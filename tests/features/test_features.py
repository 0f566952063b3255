"""The country-level features table on the real data, with synthetic votes for agreement.

Expected values in comments were read from the raw files directly (file, row or
line, column), not produced by the code under test.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
import yaml

from abstention.errors import DataError
from abstention.features.build import (
    PARAM_NAMES,
    SELF,
    build_features,
    reference_members,
    vote_agreement,
)
from abstention.features.sources import SOURCE_TABLES, TIE_VARIABLES, VARIABLES

GROUPS = {"WEOG": "Western European and Others"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def countries(hand_dir, mapper):
    """The 193 members from the hand-coded group list; Türkiye in WEOG, as for elections."""
    groups = pd.read_csv(hand_dir / "un_regional_groups.csv")
    groups = groups[~((groups.country == "Türkiye") & (groups.group == "Asia-Pacific"))]
    iso3 = groups.country.map(mapper.to_iso3(groups.country, "un_regional_groups.csv"))
    return pd.DataFrame(
        {
            "iso3": iso3,
            "name": groups.country,
            "cown": pd.array([pd.NA] * len(groups), dtype="Int64"),
            "un_group": groups.group.replace(GROUPS),
            "member_from": pd.Timestamp("1945-10-24"),
            "member_to": pd.NaT,
        }
    ).reset_index(drop=True)


# Recorded votes of five members; every other member is absent from the table.
# G5 falls outside the 2015-2021 window and S1 is a Security Council vote: both ignored.
VOTES = {
    #        RUS        USA    ISR       IND        KAZ
    "G1": ["yes", "no", "yes", "yes", "yes"],
    "G2": ["no", "yes", "yes", "abstain", "no"],
    "G3": ["abstain", "no", "absent", "abstain", "abstain"],
    "G4": ["absent", "yes", "yes", "yes", "yes"],
    "G5": ["no", "no", "no", "no", "no"],
    "S1": ["yes", "yes", "no", "no", "no"],
}
VOTERS = ["RUS", "USA", "ISR", "IND", "KAZ"]
DATES = {
    "G1": "2016-12-01",
    "G2": "2018-11-01",
    "G3": "2020-12-01",
    "G4": "2021-06-01",
    "G5": "2014-03-27",
    "S1": "2019-05-01",
}


def synthetic_votes() -> tuple[pd.DataFrame, pd.DataFrame]:
    votes = pd.DataFrame(
        [
            {"res_id": res, "iso3": state, "vote": vote, "source": "test"}
            for res, cast in VOTES.items()
            for state, vote in zip(VOTERS, cast, strict=True)
        ]
    )
    resolutions = pd.DataFrame(
        {
            "res_id": list(DATES),
            "body": ["SC" if res.startswith("S") else "GA" for res in DATES],
            "date": pd.to_datetime(list(DATES.values())),
        }
    )
    return votes, resolutions


@pytest.fixture
def params(schema_defaults) -> dict:
    """The features section as the workflow passes it when config.yaml leaves every key out."""
    return schema_defaults("features")


@pytest.fixture(scope="session")
def feature_sources(source_tables) -> dict:
    return source_tables(*SOURCE_TABLES)


@pytest.fixture(scope="module")
def tables(countries, feature_sources, schema_defaults):
    votes, resolutions = synthetic_votes()
    return build_features(countries, votes, resolutions, feature_sources,
                          schema_defaults("features"))


@pytest.fixture(scope="module")
def features(tables):
    return tables.features.set_index("iso3")


def test_one_row_per_member_state(tables, countries):
    features = tables.features
    assert len(features) == 193
    assert set(features.iso3) == set(countries.iso3)
    assert features.columns.tolist() == ["iso3", "name", "reference_year", *VARIABLES]
    assert (features.reference_year == 2021).all()


def test_membership_at_the_reference_date():
    countries = pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "DDD"],
            "name": ["joined late", "left early", "left after", "member"],
            "un_group": ["African"] * 4,
            "member_from": pd.to_datetime(["2022-01-05", "1950-01-01", "1950-01-01", "1960-01-01"]),
            "member_to": pd.to_datetime([None, "2020-01-01", "2022-06-01", None]),
        }
    )
    members = reference_members(countries, pd.Timestamp("2021-12-31"))
    assert members.iso3.tolist() == ["CCC", "DDD"]


def test_every_missing_value_has_one_reason(tables):
    features = tables.features.set_index("iso3")
    missing = tables.missing
    assert missing.columns.tolist() == ["iso3", "name", "variable", "reason"]
    assert not missing.duplicated(["iso3", "variable"]).any()
    assert missing.reason.str.len().gt(10).all()
    for variable in VARIABLES:
        gaps = set(features.index[features[variable].isna()])
        assert gaps == set(missing.loc[missing.variable == variable, "iso3"]), variable


def test_no_imputation_where_sources_have_no_value(features, tables):
    reasons = tables.missing.set_index(["iso3", "variable"]).reason
    assert math.isnan(features.at["LIE", "polity2"])  # microstate, not in Polity5
    assert "not in Polity5" in reasons["LIE", "polity2"]
    assert "-66" in reasons["BIH", "polity2"]  # p5v2018.csv line 1900: polity -66, polity2 empty
    assert math.isnan(features.at["CUB", "gdp_pc_log"])
    assert reasons["CUB", "gdp_pc_log"] == "no WDI GDP for 2021"
    assert math.isnan(features.at["CAF", "trade_share_russia"])
    assert "blank" in reasons["CAF", "trade_share_russia"]


def test_spot_values(features):
    israel, india, kazakhstan, usa = (features.loc[s] for s in ["ISR", "IND", "KAZ", "USA"])
    # ideal points: IdealpointsJuly2025.dta rows 8729, 9776, 9421, 74 (year 2021, idealpointall)
    assert israel.ideal_2021 == pytest.approx(1.967439, abs=1e-6)
    assert india.ideal_2021 == pytest.approx(-0.280408, abs=1e-6)
    assert kazakhstan.ideal_2021 == pytest.approx(-0.820940, abs=1e-6)
    assert usa.ideal_2021 == pytest.approx(2.453945, abs=1e-6)
    # Freedom House 2022 edition, sheet FIW13-24, column AR: rows 509, 503, 514, 622
    fh = [israel.fh_total, india.fh_total, kazakhstan.fh_total, usa.fh_total]
    assert fh == [76, 66, 23, 83]
    # polity2 2018, p5v2018.csv lines 7572, 7015, 8431, 16805
    assert [israel.polity2, india.polity2, kazakhstan.polity2, usa.polity2] == [6, 9, -6, 8]
    # CEPII distcap to RUS, dist_cepii.csv lines 21900, 20780, 23020, 46988
    assert israel.dist_moscow_log == pytest.approx(math.log(2643.989))
    assert india.dist_moscow_log == pytest.approx(math.log(4341.881))
    assert kazakhstan.dist_moscow_log == pytest.approx(math.log(2270.788))
    assert usa.dist_moscow_log == pytest.approx(math.log(7834.547))
    # WDI 2021: gdp_current_usd.csv line 6271, population.csv line 7473 (Israel)
    assert israel.pop_log == pytest.approx(math.log(9371400))
    assert israel.gdp_pc_log == pytest.approx(math.log(488526545878.89136 / 9371400))
    # 2021 (column M): rf_exports_2023.xlsx Exports/Imports rows 39 (Israel), 116/118 (Kazakhstan);
    # tot_exports_2023.xlsx Exports/Imports rows 40 (Israel), 123 (Kazakhstan)
    assert israel.trade_share_russia == pytest.approx(
        (1739.326451 + 846.724781) / (89487.76003 + 70089.105641)
    )
    assert kazakhstan.trade_share_russia == pytest.approx(
        (18474.116961 + 7130.609522) / (47970.753808 + 56042.426358)
    )
    assert (kazakhstan.csto_member, kazakhstan.alliance_russia, kazakhstan.former_ussr) == (1, 1, 1)
    assert (israel.airspace_deconfliction, usa.airspace_deconfliction) == (1.0, 0.5)
    assert kazakhstan.exercises_russia == 23  # grep -c Kazakhstan in the exercises file
    assert israel.un_group == "Western European and Others"


def sipri_recipients(raw_dir: Path, first: int, last: int) -> set[str]:
    """Recipient names with a delivery in the window, read from the register as plain CSV."""
    path = raw_dir / "sipri_arms" / "trade_register.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        lines = fh.read().splitlines()[11:]  # 11 note lines before the header
    rows = csv.DictReader(line.rstrip(";") for line in lines)
    return {row["Recipient"] for row in rows if first <= int(row["Delivery year"]) <= last}


def test_arms_share_conventions(features, raw_dir):
    # Israel imported major arms 2012-2021, none from Russia: share 0
    israel = features.loc["ISR"]
    assert (israel.arms_share_russia, israel.no_arms_imports) == (0, 0)
    assert features.at["ISR", "arms_tiv_russia_log"] == 0
    recipients = sipri_recipients(raw_dir, 2012, 2021)
    assert "Israel" in recipients
    # Iceland (2011), Moldova (1995, 2023) and Cuba (2004) received deliveries only outside
    # 2012-2021: share 0 and flagged
    recorded_ever = sipri_recipients(raw_dir, 1950, 2030)
    for state, name in [("ISL", "Iceland"), ("MDA", "Moldova"), ("CUB", "Cuba")]:
        assert name in recorded_ever and name not in recipients
        assert features.at[state, "arms_share_russia"] == 0
        assert features.at[state, "no_arms_imports"] == 1
        assert features.at[state, "arms_tiv_russia_log"] == 0
    assert features.at["IND", "arms_share_russia"] > 0.5
    assert features.drop(index="RUS").arms_share_russia.between(0, 1).all()
    assert features.no_arms_imports.sum() == 30


def test_russia_itself(features, tables):
    reasons = tables.missing.set_index(["iso3", "variable"]).reason
    dyadic = [
        "arms_share_russia",
        "arms_tiv_russia_log",
        "alliance_russia",
        "exercises_russia",
        "dcad_russia",
        "dcad_russia_count",
        *TIE_VARIABLES,
        "trade_share_russia",
        "dist_moscow_log",
    ]
    for variable in dyadic:
        assert math.isnan(features.at["RUS", variable])
        assert reasons["RUS", variable] == SELF
    assert features.at["RUS", "csto_member"] == 1
    assert features.at["RUS", "former_ussr"] == 1


def not_consented_hosts(hand_dir: Path) -> set[str]:
    with open(hand_dir / "security_ties_2022.csv", newline="", encoding="utf-8") as fh:
        return {
            row["iso3"]
            for row in csv.DictReader(fh)
            if row["variable"] == "russian_base" and "NOT CONSENTED" in row["note"]
        }


def states_coded_one(features: pd.DataFrame, variable: str) -> list[str]:
    return sorted(features.index[features[variable] == 1])


def test_ties_spot_values(features, hand_dir):
    # security_ties_2022.csv: ISR airspace_deconfliction 1, no base, CSTO, Wagner row;
    # ATOP 2018 lists no Israeli pledge with Russia
    israel = features.loc["ISR"]
    assert (israel.airspace_dependence, israel.patronage, israel.occupation) == (1, 0, 0)
    assert israel.security_dependence == 1  # airspace dependence alone
    # Georgia and Moldova: russian_base 1 with notes "NOT CONSENTED"
    for state in ["GEO", "MDA"]:
        assert (features.at[state, "occupation"], features.at[state, "patronage"]) == (1, 0)
        assert features.at[state, "security_dependence"] == 0
    assert states_coded_one(features, "occupation") == sorted(not_consented_hosts(hand_dir))
    # Armenia, Belarus: CSTO members with consented bases
    assert features.loc[["ARM", "BLR"], "patronage"].tolist() == [1, 1]
    assert features.at["USA", "airspace_dependence"] == 0  # deconfliction only, coded 0.5
    assert features.at["MOZ", "patronage"] == 0  # Wagner coded 0.5 (ended 2020)
    # Ukraine: Wagner coded 1 (Donbas), but occupied, so not patronage
    assert (features.at["UKR", "wagner_presence"], features.at["UKR", "patronage"]) == (1, 0)


def test_ties_follow_their_rules(features, params):
    rest = features.drop(index="RUS")
    occupied = rest.index.isin(params["occupied_states"])
    consented_base = (rest.russian_base == 1) & ~occupied
    patronage = (
        (rest.alliance_russia == 1)
        | (rest.csto_member == 1)
        | consented_base
        | (rest.wagner_presence == 1)
    ) & ~occupied
    pd.testing.assert_series_equal(rest.patronage, patronage.astype(float), check_names=False)
    airspace = rest.airspace_deconfliction == 1
    pd.testing.assert_series_equal(
        rest.airspace_dependence, airspace.astype(float), check_names=False
    )
    dependence = (
        patronage
        | airspace
        | (rest.arms_share_russia >= params["dependence_arms_threshold"])
    )
    pd.testing.assert_series_equal(
        rest.security_dependence, dependence.astype(float), check_names=False
    )
    assert not ((rest.occupation == 1) & (rest.patronage == 1)).any()
    assert states_coded_one(features, "patronage") == [
        "ARM", "AZE", "BLR", "CAF", "KAZ", "KGZ", "LBY", "MLI", "SDN", "SYR", "TJK", "UZB",
    ]  # fmt: skip


def test_occupied_states_must_match_the_hand_file(countries, params, feature_sources):
    votes, resolutions = synthetic_votes()
    params = {**params, "occupied_states": ["GEO", "MDA"]}
    with pytest.raises(DataError, match=r"data/hand/security_ties_2022.csv.*occupied_states.*UKR"):
        build_features(countries, votes, resolutions, feature_sources, params)


def dcad_rows(raw_dir: Path) -> list[dict[str, str]]:
    with open(raw_dir / "dcad" / "DCAD-v1.0-main.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_dcad_agreements_with_russia_before_the_arms_window(features, raw_dir):
    russian = [
        row
        for row in dcad_rows(raw_dir)
        if "365" in (row["ccode1"], row["ccode2"]) and int(row["signYear"]) < 2012
    ]
    partners = {row["ccode2"] if row["ccode1"] == "365" else row["ccode1"] for row in russian}
    assert len(partners) == 87
    assert features.dcad_russia.sum() == len(partners)  # each partner code is one member
    assert features.dcad_russia_count.sum() == len(russian) == 171
    china = [row for row in russian if "710" in (row["ccode1"], row["ccode2"])]
    assert features.at["CHN", "dcad_russia_count"] == len(china) == 10
    assert (features.at["CHN", "dcad_russia"], features.at["USA", "dcad_russia"]) == (1, 0)
    # DCADv1.0-1271, 1984, with the USSR coded 365; Nigeria also signed later
    assert features.at["NGA", "dcad_russia_count"] == 2


def ideal_mean(raw_dir: Path, ccode: int, first: int, last: int) -> float:
    table = pd.read_stata(raw_dir / "voeten_idealpoints" / "IdealpointsJuly2025.dta")
    rows = table[(table.ccode == ccode) & table.year.between(first, last)]
    return rows.idealpointall.dropna().mean()


def test_ideal_pre_is_the_mean_before_the_arms_window(features, tables, raw_dir):
    assert features.at["USA", "ideal_pre"] == pytest.approx(ideal_mean(raw_dir, 2, 2000, 2011))
    assert features.at["ISR", "ideal_pre"] == pytest.approx(ideal_mean(raw_dir, 666, 2000, 2011))
    # South Sudan (COW 626) joined in July 2011: its one year, 0.016297 from 20 votes
    assert features.at["SSD", "ideal_pre"] == pytest.approx(0.016297, abs=1e-6)
    assert features.ideal_pre.notna().all()
    codebook = tables.codebook.set_index("variable")
    assert codebook.at["ideal_pre", "year"] == "2000-2011"


def test_ideal_pre_window_follows_the_config(countries, raw_dir, params, feature_sources):
    votes, resolutions = synthetic_votes()
    params = {**params, "arms_window": [2011, 2021], "pre_alignment_first_year": 2005}
    tables = build_features(countries, votes, resolutions, feature_sources, params)
    features = tables.features.set_index("iso3")
    assert features.at["USA", "ideal_pre"] == pytest.approx(ideal_mean(raw_dir, 2, 2005, 2010))
    assert math.isnan(features.at["SSD", "ideal_pre"])
    reasons = tables.missing.set_index(["iso3", "variable"]).reason
    assert reasons["SSD", "ideal_pre"] == "no ideal point in 2005-2010"


def test_pre_alignment_must_start_before_the_arms_window(countries, params, feature_sources):
    votes, resolutions = synthetic_votes()
    params = {**params, "pre_alignment_first_year": 2012}
    with pytest.raises(DataError, match="pre_alignment_first_year"):
        build_features(countries, votes, resolutions, feature_sources, params)


def test_schema_features_are_the_parameters_and_reject_bad_values(params):
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    schema = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.json").read_text())
    assert sorted(schema["properties"]["features"]["properties"]) == sorted(PARAM_NAMES)
    assert sorted(params) == sorted(PARAM_NAMES)
    for key, bad in [
        ("pre_alignment_first_year", "2000"),
        ("occupied_states", ["Georgia"]),
        ("dependence_arms_threshold", 1.5),
    ]:
        broken = {**config, "features": {**config["features"], key: bad}}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)


def test_distance_falls_back_to_cow_capitals(features, tables):
    for state in ["MNE", "SSD", "LIE", "MCO"]:  # not in CEPII GeoDist
        assert features.at[state, "dist_moscow_log"] > 0
    source = tables.codebook.set_index("variable").at["dist_moscow_log", "source"]
    assert "LIE, MCO, MNE, SSD" in source


def test_agreement_shares_from_synthetic_votes(features, tables):
    # Russia: G1 yes, G2 no, G3 abstain, G4 absent. Pairs where both cast yes/no/abstain:
    assert features.at["ISR", "agree_russia"] == pytest.approx(1 / 2)  # G1 same, G2 not; G3 absent
    assert features.at["IND", "agree_russia"] == pytest.approx(2 / 3)  # G1, G3 same; G2 not
    assert features.at["KAZ", "agree_russia"] == 1  # G1, G2, G3 same
    assert features.at["USA", "agree_russia"] == 0
    assert features.at["RUS", "agree_usa"] == 0
    assert features.at["ISR", "agree_usa"] == pytest.approx(2 / 3)  # G2, G4 same; G1 not
    assert features.at["IND", "agree_usa"] == pytest.approx(1 / 4)  # G4 only
    reasons = tables.missing.set_index(["iso3", "variable"]).reason
    assert math.isnan(features.at["USA", "agree_usa"])
    assert "itself" in reasons["USA", "agree_usa"]
    assert math.isnan(features.at["FRA", "agree_russia"])
    assert "no recorded GA vote 2015-2021" in reasons["FRA", "agree_russia"]


def test_vote_agreement_counts_only_votes_both_cast():
    votes, resolutions = synthetic_votes()
    result = vote_agreement(votes, resolutions, "RUS", 2015, 2021).set_index("iso3")
    assert result.loc[["IND", "ISR", "KAZ", "USA"], "n"].tolist() == [3, 2, 3, 3]
    wider = vote_agreement(votes, resolutions, "RUS", 2014, 2021).set_index("iso3")
    assert wider.at["USA", "n"] == 4  # G5 (2014) now counts; S1 never does
    assert wider.at["USA", "share"] == pytest.approx(1 / 4)


def test_codebook_lists_every_variable_with_a_source(tables):
    codebook = tables.codebook
    assert codebook.variable.tolist() == list(VARIABLES)
    assert codebook.source.str.len().gt(5).all()
    assert codebook.definition.str.len().gt(5).all()
    counts = tables.features[list(VARIABLES)].notna().sum()
    assert codebook.set_index("variable").n_nonmissing.to_dict() == counts.to_dict()
    group = codebook.set_index("variable").loc["un_group"]
    assert group[["min", "median", "max"]].isna().all()
    dependence = codebook.set_index("variable").at["security_dependence", "definition"]
    assert "arms share" in dependence and "not for a model with arms_share_russia" in dependence


@pytest.mark.parametrize(("change", "named"), [
    (lambda params: {**params, "arms_windw": [2012, 2021]}, r"\[unknown keys\].*'arms_windw'"),
    (lambda params: {k: v for k, v in params.items() if k != "atop_year"},
     r"\[missing keys\].*'atop_year'"),
])
def test_unknown_or_missing_parameter_stops_naming_it(countries, params, change, named,
                                                         feature_sources):
    votes, resolutions = synthetic_votes()
    with pytest.raises(DataError, match=named):
        build_features(countries, votes, resolutions, feature_sources, change(params))
