"""Covariate readers on the vendored files, and on small broken copies of them.

Expected values in comments were read from the raw files directly (file, row or
line, column), not produced by the code under test.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.ingest.readers.atop import read_atop
from abstention.ingest.readers.cepii import read_cepii_distances
from abstention.ingest.readers.cow import (
    FORMER_USSR,
    capitals_on,
    great_circle_km,
    read_cow_capital_spells,
    read_cow_states,
)
from abstention.ingest.readers.exercises import read_exercises
from abstention.ingest.readers.freedom_house import read_freedom_house
from abstention.ingest.readers.hand import base_consent, read_security_ties, security_ties_wide
from abstention.ingest.readers.idealpoints import read_idealpoints
from abstention.ingest.readers.polity import read_polity
from abstention.ingest.readers.sipri import HEADER, NOTE_LINES, is_non_state, read_sipri
from abstention.ingest.readers.trade import read_dots_sheet, read_russia_trade
from abstention.ingest.readers.wdi import read_wdi

SPOT = ["ISR", "IND", "KAZ", "USA"]


def raises_naming(path: Path, *parts: str):
    """DataError whose message names the file and every given part of the key."""
    pattern = ".*".join(re.escape(str(p)) for p in [path, *parts])
    return pytest.raises(DataError, match=re.compile(pattern, re.DOTALL))


# --- SIPRI -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sipri(raw_dir, mapper):
    return read_sipri(raw_dir / "sipri_arms" / "trade_register.csv", mapper)


def test_russias_largest_recipients_2017_2021(sipri):
    russian = sipri[(sipri.supplier_iso3 == "RUS") & sipri.year.between(2017, 2021)]
    ranking = russian.groupby("recipient_iso3")["tiv"].sum().sort_values(ascending=False)
    assert ranking.index[:4].tolist() == ["IND", "CHN", "EGY", "DZA"]


def test_sipri_has_no_non_state_parties(sipri):
    assert sipri.duplicated(["supplier_iso3", "recipient_iso3", "year"]).sum() == 0
    # "Northern Cyprus" would otherwise be read as Cyprus by the name pattern
    for name in ["Hezbollah (Lebanon)*", "NATO**", "unknown recipient(s)", "Northern Cyprus"]:
        assert is_non_state(name)
    assert not is_non_state("Cyprus")


def _register(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    notes = [f"note {i};" for i in range(NOTE_LINES)]
    lines = [*notes, ",".join(header) + ";", *(",".join(r) + ";" for r in rows)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _order(order: str, supplier: str, recipient: str, year: str, tiv: str) -> list[str]:
    return [order, supplier, recipient, "T-90S", "tank", "Armoured vehicles", "2001", "No",
            "10", "No", year, "No", "New", "1", "1", tiv, "No"]  # fmt: skip


def test_sipri_sums_delivered_tiv_per_year_and_drops_non_state_rows(tmp_path, mapper):
    path = _register(
        tmp_path / "register.csv",
        [
            _order("1", "Russia", "India", "2001", "10"),
            _order("1", "Russia", "India", "2002", "5"),
            _order("2", "Russia", "India", "2002", "2.5"),
            _order("3", "Russia", "unknown recipient(s)", "2002", "7"),
            _order("4", "unknown supplier(s)", "India", "2002", "7"),
            _order("5", "Russia", "Hezbollah (Lebanon)*", "2002", "7"),
        ],
    )
    tidy = read_sipri(path, mapper)
    assert tidy.to_dict("list") == {
        "supplier_iso3": ["RUS", "RUS"],
        "recipient_iso3": ["IND", "IND"],
        "year": [2001, 2002],
        "tiv": [10.0, 7.5],
    }


def test_sipri_changed_header_names_file_and_column(tmp_path, mapper):
    header = [("TIV delivered" if c == "TIV delivery values" else c) for c in HEADER]
    path = _register(tmp_path / "register.csv", [], header)
    with raises_naming(path, "header", "TIV delivery values", "TIV delivered"):
        read_sipri(path, mapper)


def test_sipri_repeated_order_year_stops(tmp_path, mapper):
    row = _order("7", "Russia", "India", "2001", "1")
    path = _register(tmp_path / "register.csv", [row, row])
    with raises_naming(path, "SIPRI AT Database ID, year", "('7', 2001)"):
        read_sipri(path, mapper)


def test_sipri_unknown_party_stops_with_its_name(tmp_path, mapper):
    path = _register(tmp_path / "register.csv", [_order("1", "Russia", "Atlantis", "2001", "1")])
    with raises_naming(path, "country names", "Atlantis"):
        read_sipri(path, mapper)


# --- alliances, COW, hand-coded ties ------------------------------------------------------


def test_atop_defence_partners_of_russia_2018(raw_dir, mapper):
    atop = read_atop(raw_dir / "atop" / "atop_alliance.rda", mapper, 2018, 2018)
    partners = set(atop.loc[(atop.iso3_1 == "RUS") & (atop.defense == 1), "iso3_2"])
    assert {"BLR", "ARM", "KAZ", "KGZ", "TJK"} <= partners


@pytest.fixture(scope="module")
def ties(hand_dir, mapper):
    return read_security_ties(hand_dir / "security_ties_2022.csv", mapper)


def test_csto_members_exactly(ties):
    wide = security_ties_wide(ties, ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB", "ISR"])
    members = wide.loc[wide.csto_member == 1, "iso3"]
    assert sorted(members) == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


def test_hand_absent_row_is_zero_and_half_is_kept(ties):
    wide = security_ties_wide(ties, ["TKM", "FRA", "ISR", "USA"]).set_index("iso3")
    assert wide.at["TKM", "cis_member"] == 0.5  # associate member, coded 0.5 in the file
    assert wide.at["FRA", "csto_member"] == 0.0  # no row for France
    assert wide.at["ISR", "airspace_deconfliction"] == 1.0
    assert wide.at["USA", "airspace_deconfliction"] == 0.5


def test_hand_conflicting_rows_stop(tmp_path, hand_dir, mapper):
    original = pd.read_csv(hand_dir / "security_ties_2022.csv", dtype=str)
    conflict = original.iloc[[0]].assign(value="0.5")
    path = tmp_path / "ties.csv"
    pd.concat([original, conflict]).to_csv(path, index=False)
    with raises_naming(path, "iso3, variable", "('RUS', 'csto_member')"):
        read_security_ties(path, mapper)


def test_base_consent_read_from_the_notes(ties, hand_dir):
    consent = base_consent(ties, hand_dir / "security_ties_2022.csv")
    # security_ties_2022.csv russian_base rows: notes of GEO, MDA, UKR start "NOT CONSENTED";
    # ARM, AZE, BLR, KAZ, KGZ, SYR, TJK say "(consented" in their notes
    assert sorted(consent.index[~consent]) == ["GEO", "MDA", "UKR"]
    assert sorted(consent.index[consent]) == ["ARM", "AZE", "BLR", "KAZ", "KGZ", "SYR", "TJK"]


def test_base_without_consent_status_stops(tmp_path, hand_dir, mapper):
    original = pd.read_csv(hand_dir / "security_ties_2022.csv", dtype=str, keep_default_na=False)
    armenia = (original.iso3 == "ARM") & (original.variable == "russian_base")
    original.loc[armenia, "note"] = "102nd Military Base at Gyumri"
    path = tmp_path / "ties.csv"
    original.to_csv(path, index=False)
    with raises_naming(path, "note of russian_base rows", "ARM"):
        base_consent(read_security_ties(path, mapper), path)


def test_former_ussr_list_matches_cow_state_system(raw_dir, mapper):
    states = read_cow_states(raw_dir / "cow" / "cow_states.rda", mapper, "2016-12-31")
    soviet_codes = states.cown.between(359, 373) | states.cown.between(700, 705)
    entered_1991 = states.start.between("1991-08-01", "1991-12-31")
    derived = set(states.loc[soviet_codes & (entered_1991 | (states.iso3 == "RUS")), "iso3"])
    assert derived == FORMER_USSR
    assert len(FORMER_USSR) == 15


def test_cow_capital_distances_agree_with_cepii(raw_dir, mapper):
    spells = read_cow_capital_spells(raw_dir / "cow" / "cow_capitals.rda", mapper, 1991)
    capitals = capitals_on(spells, "2021-12-31")
    at = capitals.set_index("iso3")
    moscow = at.loc["RUS"]
    assert moscow.capital == "Moscow"  # St Petersburg before 1918
    # CEPII distcap to RUS, dist_cepii.csv lines 21900, 20780, 23020, 46988
    cepii = {"ISR": 2643.989, "IND": 4341.881, "KAZ": 2270.788, "USA": 7834.547}
    for iso3, km in cepii.items():
        cow_km = great_circle_km(at.at[iso3, "lat"], at.at[iso3, "lon"], moscow.lat, moscow.lon)
        assert cow_km == pytest.approx(km, rel=0.01)


# --- Freedom House, Polity, ideal points -----------------------------------------------------


@pytest.fixture(scope="module")
def freedom_house(raw_dir, mapper):
    return read_freedom_house(raw_dir / "freedom_house" / "All_data_FIW_2013-2024.xlsx", mapper)


def test_freedom_house_2022_totals(freedom_house):
    edition = freedom_house[freedom_house.edition == 2022].set_index("iso3")
    # All_data_FIW_2013-2024.xlsx, sheet FIW13-24, column AR "Total", edition 2022:
    # row 509 Israel 76, row 503 India 66, row 514 Kazakhstan 23, row 622 United States 83
    assert edition.loc[SPOT, "total"].tolist() == [76, 66, 23, 83]
    assert (edition["year"] == 2021).all()


def test_freedom_house_territories_dropped(freedom_house):
    assert not freedom_house.country.isin(["Hong Kong", "Crimea", "Transnistria"]).any()
    assert "HKG" not in set(freedom_house.iso3)


def test_xlsx_missing_sheet_names_file_and_sheet(tmp_path, mapper):
    path = tmp_path / "fiw.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Index"
    workbook.save(path)
    with raises_naming(path, "FIW13-24", "Index"):
        read_freedom_house(path, mapper)
    with raises_naming(path, "Exports, FOB"):
        read_dots_sheet(path, "Exports, FOB", "World", mapper)


def test_file_that_is_no_workbook_names_file_and_sheet(tmp_path, mapper):
    path = tmp_path / "fiw.xlsx"
    path.write_text("Country/Territory,Edition\n", encoding="utf-8")
    with raises_naming(path, "FIW13-24", "an Excel workbook", "CalamineError"):
        read_freedom_house(path, mapper)


def test_polity2_2018(raw_dir, mapper):
    polity = read_polity(raw_dir / "polity5" / "p5v2018.csv", mapper, 2018, 2018).set_index("iso3")
    # p5v2018.csv column polity2: line 7572 Israel 6, 7015 India 9, 8431 Kazakhstan -6,
    # 16805 United States 8
    assert polity.loc[SPOT, "polity2"].tolist() == [6, 9, -6, 8]
    # Polity's ccode 341 is Kosovo (COW's Montenegro): matching by name keeps them apart
    assert polity.at["XKX", "country"] == "Kosovo"
    assert polity.at["MNE", "country"] == "Montenegro"


def test_polity_duplicated_state_year_stops(tmp_path, raw_dir, mapper):
    lines = (raw_dir / "polity5" / "p5v2018.csv").read_text().splitlines()
    israel = next(line for line in lines if ",Israel,2018," in line)
    path = tmp_path / "polity.csv"
    path.write_text("\n".join([lines[0], israel, israel]) + "\n")
    with raises_naming(path, "iso3, year", "('ISR', 2018)"):
        read_polity(path, mapper, 2018, 2018)


def test_polity_keeps_the_continuing_entity_in_a_transition_year(raw_dir, mapper):
    # p5v2018.csv: Yugoslavia 1991 as YUG (345, ends 1991) and YGS (347); Ethiopia 1993 as ETH
    # (530, ends 1993, -88) and ETI (529); Sudan 2011 as SUD and SDN (626).
    polity = read_polity(raw_dir / "polity5" / "p5v2018.csv", mapper, 1991, 2011)
    at = polity.set_index(["iso3", "year"])
    assert at.at[("YUG", 1991), "polity2"] == -5 and at.at[("ETH", 1993), "polity2"] == 1
    assert not polity.duplicated(["iso3", "year"]).any()


def test_idealpoints_2021(raw_dir, mapper):
    ideal = read_idealpoints(raw_dir / "voeten_idealpoints" / "IdealpointsJuly2025.dta", mapper)
    year = ideal[ideal.year == 2021].set_index("iso3")
    # IdealpointsJuly2025.dta, idealpointall for year 2021: row 8729 (ccode 666) Israel 1.967439,
    # row 9776 (750) India -0.280408, row 9421 (705) Kazakhstan -0.820940, row 74 (2) USA 2.453945
    expected = [1.967439, -0.280408, -0.820940, 2.453945]
    assert year.loc[SPOT, "ideal_point"].tolist() == pytest.approx(expected, abs=1e-6)
    assert len(year) == 193
    assert "SRB" in year.index  # the file's own iso3c column says YUG


# --- WDI, CEPII, trade, exercises ------------------------------------------------------------


def test_wdi_drops_aggregates_and_reads_2021(raw_dir, mapper):
    population = read_wdi(raw_dir / "wdi" / "population.csv", mapper, "population")
    assert not population.iso3.isin(["WLD", "EMU", "EUU", "HIC", "CHI"]).any()
    year = population[population.year == 2021].set_index("iso3")
    # population.csv lines 7473, 7148, 7798, 16283 (2021)
    assert year.loc[SPOT, "population"].tolist() == [9371400, 1414203896, 19743603, 332099760]


def test_wdi_unknown_code_and_duplicate_stop(tmp_path, mapper):
    header = "Country Name,Country Code,Year,Value"
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(f"{header}\nSomewhere,XYZ,2021,1\n")
    with raises_naming(unknown, "Country Code", "XYZ"):
        read_wdi(unknown, mapper, "gdp")
    duplicated = tmp_path / "duplicated.csv"
    duplicated.write_text(f"{header}\nIsrael,ISR,2021,1\nIsrael,ISR,2021,2\n")
    with raises_naming(duplicated, "iso3, year", "('ISR', 2021)"):
        read_wdi(duplicated, mapper, "gdp")


def test_cepii_distances_to_russia(raw_dir, mapper):
    distances = read_cepii_distances(raw_dir / "cepii_geodist" / "dist_cepii.csv", mapper)
    to_russia = distances[distances.iso_d == "RUS"].set_index("iso_o")
    # dist_cepii.csv column distcap: lines 21900 ISR;RUS, 20780 IND;RUS, 23020 KAZ;RUS,
    # 46988 USA;RUS
    assert to_russia.loc[SPOT, "distcap"].tolist() == [2643.989, 4341.881, 2270.788, 7834.547]
    assert {"ROU", "COD", "SRB", "PSE", "TLS"} <= set(to_russia.index)
    assert not to_russia.index.isin(["ROM", "ZAR", "YUG", "PAL", "TMP"]).any()


def test_cepii_decimal_commas(tmp_path, mapper):
    path = tmp_path / "dist.csv"
    path.write_text("iso_o;iso_d;contig;dist;distcap\nROM;RUS;0;1504,083;1504,083\n")
    distances = read_cepii_distances(path, mapper)
    assert distances.iloc[0][["iso_o", "distcap"]].tolist() == ["ROU", 1504.083]


def test_trade_2021(raw_dir, mapper):
    folder = raw_dir / "russia_trade_dots"
    trade = read_russia_trade(
        folder / "rf_exports_2023.xlsx", folder / "tot_exports_2023.xlsx", mapper
    )
    assert not trade.duplicated(["iso3", "year"]).any()
    israel = trade[(trade.iso3 == "ISR") & (trade.year == 2021)].iloc[0]
    # column M (2021): rf_exports_2023.xlsx "Exports, FOB" row 39 and "Imports, CIF" row 39;
    # tot_exports_2023.xlsx "Exports, FOB" row 40 and "Imports, CIF" row 40 (Israel)
    assert israel.russia_exports_to == pytest.approx(1739.326451)
    assert israel.russia_imports_from == pytest.approx(846.724781)
    assert israel.partner_imports == pytest.approx(89487.76003)
    assert israel.partner_exports == pytest.approx(70089.105641)
    assert "AUS" in set(trade.iso3)  # listed twice in each sheet with identical values


def test_trade_partner_listed_twice_with_different_values_stops(tmp_path, raw_dir, mapper):
    source = raw_dir / "russia_trade_dots" / "rf_exports_2023.xlsx"
    workbook = openpyxl.load_workbook(source)
    sheet = workbook["Exports, FOB"]
    sheet.cell(row=8, column=13).value = 1.0  # first Australia row, 2021
    path = tmp_path / "rf.xlsx"
    workbook.save(path)
    with raises_naming(path, "Exports, FOB", "iso3", "AUS"):
        read_dots_sheet(path, "Exports, FOB", "Russian Federation", mapper)


def test_exercises_counts(raw_dir, mapper):
    exercises = read_exercises(
        raw_dir / "russia_exercises" / "joint_military_exercises_involving_russia.csv", mapper
    )
    assert exercises.exercise_id.nunique() == 99  # 99 real rows, the rest is padding
    assert exercises.year.between(2009, 2018).all()
    counts = exercises.groupby("iso3").size()
    # lines of the file naming the state: grep -c Belarus 25, Kazakhstan 23, India 9,
    # "United States of America" 12, Israel 0
    assert counts[["BLR", "KAZ", "IND", "USA"]].tolist() == [25, 23, 9, 12]
    assert "ISR" not in counts.index


def test_exercises_unknown_partner_stops(tmp_path, mapper):
    path = tmp_path / "exercises.csv"
    path.write_text(
        "id,name,yr,part1,part2,comments,source\n1,X-2010,2010,India,Atlantis,,u\n,,,,,,\n"
    )
    with raises_naming(path, "country names", "Atlantis"):
        read_exercises(path, mapper)


def test_exercises_duplicate_id_stops(tmp_path, mapper):
    path = tmp_path / "exercises.csv"
    path.write_text("id,name,yr,part1\n1,X-2010,2010,India\n1,Y-2011,2011,China\n")
    with raises_naming(path, "id", "'1'"):
        read_exercises(path, mapper)


def test_great_circle_is_symmetric_and_zero_on_the_spot():
    assert great_circle_km(10, 20, 10, 20) == 0
    assert great_circle_km(0, 0, 0, 90) == pytest.approx(math.pi / 2 * 6371.0)
