"""The troopdata readers on the vendored files and on small broken copies of them.

Expected values were read from data/raw/us_troops/*.csv directly (line numbers count the
header as line 1).
"""

from __future__ import annotations

import csv
import math
import re

import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.ingest.readers.us_troops import (
    NOT_COUNTED,
    ON_US_SOIL,
    OWN_CODE,
    REPEATED,
    SECOND_SPELLING,
    US_ITSELF,
    read_us_bases,
    read_us_troops,
)


@pytest.fixture(scope="module")
def troops_path(raw_dir):
    return raw_dir / "us_troops" / "troopdata-rebuild-country-year.csv"


@pytest.fixture(scope="module")
def bases_path(raw_dir):
    return raw_dir / "us_troops" / "basedata.csv"


@pytest.fixture(scope="module")
def troops_read(troops_path, mapper):
    return read_us_troops(troops_path, mapper)


@pytest.fixture(scope="module")
def bases_read(bases_path, mapper):
    return read_us_bases(bases_path, mapper)


@pytest.fixture(scope="module")
def troops_header(troops_path) -> list[str]:
    with open(troops_path, newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


def raw_troops(path, name: str, year: int) -> float:
    with open(path, newline="", encoding="utf-8") as fh:
        (row,) = [
            r for r in csv.DictReader(fh) if r["countryname"] == name and r["year"] == str(year)
        ]
    return float(row["troops_ad"])


def raises_naming(path, *parts: str):
    pattern = ".*".join(re.escape(str(p)) for p in [path, *parts])
    return pytest.raises(DataError, match=re.compile(pattern, re.DOTALL))


# --- troops on the vendored file ---------------------------------------------------------


def test_every_row_is_kept_or_left_out_once(troops_read):
    troops, left_out = troops_read
    assert list(troops.columns) == ["iso3", "year", "troops"]
    assert (str(troops.iso3.dtype), str(troops.year.dtype), str(troops.troops.dtype)) == (
        "str",
        "int64",
        "float64",
    )
    assert len(troops) == 12057
    assert troops.iso3.nunique() == 200
    assert len(left_out) == 1078
    assert len(troops) + len(left_out) == 13135  # data rows in the file
    assert not troops.duplicated(["iso3", "year"]).any()
    assert troops.year.between(1950, 2024).all()
    assert (troops.troops >= 0).all() and troops.troops.notna().all()


def test_germany_japan_south_korea_2020(troops_read, troops_path):
    troops = troops_read[0].set_index(["iso3", "year"])["troops"]
    # lines 4417, 6120 and 10683: troops_ad 35138, 56748, 26615
    assert troops[("DEU", 2020)] == raw_troops(troops_path, "Germany", 2020) == 35138
    assert troops[("JPN", 2020)] == raw_troops(troops_path, "Japan", 2020) == 56748
    assert troops[("KOR", 2020)] == raw_troops(troops_path, "South Korea", 2020) == 26615


def test_hosts_without_iso3c_go_through_their_cow_code(troops_read):
    troops = troops_read[0].set_index(["iso3", "year"])["troops"]
    assert troops[("CSK", 1990)] == 13  # line 3051: Czechoslovakia, ccode 315, iso3c NA
    years = troops_read[0].groupby("iso3").year
    # "Yugoslavia" (345) runs to 2024: YUG to mid-2006, Serbia after
    assert (years.min()["YUG"], years.max()["YUG"]) == (1950, 2005)
    assert (years.min()["SRB"], years.max()["SRB"]) == (2006, 2024)
    assert {"DDR", "YAR", "YMD", "ZZB"} <= set(troops_read[0].iso3)


def test_left_out_rows_and_their_reasons(troops_read):
    troops, left_out = troops_read
    reasons = left_out.reason.value_counts()
    assert reasons[US_ITSELF] == 75
    assert reasons[OWN_CODE] == 873  # 31 hosts with troopdata codes of 1000 and above
    assert reasons[SECOND_SPELLING] == 29
    assert left_out.loc[left_out.countryname == "Puerto Rico", "ccode"].eq(6).all()
    assert set(left_out.loc[left_out.countryname == "Kosovo", "ccode"]) == {347}
    assert {"USA", "GUM", "PRI", "HKG", "GRL", "XKX"}.isdisjoint(troops.iso3)
    # Guam, line 4819: 8866 active duty in 2020, returned with the row
    guam = left_out.set_index(["countryname", "year"]).loc[("Guam", 2020)]
    assert (guam.troops, guam.reason) == (8866, OWN_CODE) and pd.isna(guam.iso3c)


def test_second_spelling_left_out_and_the_counted_row_kept(troops_read):
    troops, left_out = troops_read
    # lines 1481 and 1495: "Bosnia & Herzegovina" 9, "Bosnia and Herzegovina" all zero
    assert troops.set_index(["iso3", "year"]).loc[("BIH", 2013), "troops"] == 9
    bosnia = left_out[(left_out.countryname == "Bosnia and Herzegovina") & (left_out.year == 2013)]
    assert bosnia.reason.tolist() == [SECOND_SPELLING]
    assert (left_out.loc[left_out.reason == SECOND_SPELLING, "troops"] == 0).all()


# --- troops on small files ----------------------------------------------------------------


def write_troops(path, header: list[str], rows: list[dict[str, object]]):
    """Rows of the real header; counts not given are 0."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, 0) for column in header})
    return path


def host(name, year, ccode, iso3c, troops, **counts):
    return {
        "countryname": name,
        "year": year,
        "ccode": ccode,
        "iso3c": iso3c,
        "region": "Europe & Central Asia",
        "troops_ad": troops,
        **counts,
    }


def test_small_file_reads_missing_troops_as_nan(tmp_path, troops_header, mapper):
    path = write_troops(
        tmp_path / "t.csv",
        troops_header,
        [
            host("Germany", 2000, 255, "DEU", 100),
            host("Germany", 2001, 255, "DEU", "NA"),
            host("Guam", 2000, 1008, "NA", 50),
        ],
    )
    troops, left_out = read_us_troops(path, mapper)
    assert troops.troops.tolist()[0] == 100 and math.isnan(troops.troops.tolist()[1])
    assert left_out.countryname.tolist() == ["Guam"]


def test_negative_troops_stop_with_file_and_host(tmp_path, troops_header, mapper):
    path = write_troops(tmp_path / "t.csv", troops_header, [host("Germany", 2000, 255, "DEU", -5)])
    with raises_naming(path, "[troops_ad]", ">= 0", "Germany", "2000"):
        read_us_troops(path, mapper)


def test_duplicate_host_year_with_counts_stops(tmp_path, troops_header, mapper):
    path = write_troops(
        tmp_path / "t.csv",
        troops_header,
        [
            host("Czechia", 2013, 316, "CZE", 17),
            host("Czech Republic", 2013, 316, "CZE", 3),
        ],
    )
    with raises_naming(path, "[iso3, year]", "one row per host and year", "CZE", "2013"):
        read_us_troops(path, mapper)


def test_zero_second_spelling_is_left_out(tmp_path, troops_header, mapper):
    path = write_troops(
        tmp_path / "t.csv",
        troops_header,
        [
            host("Czechia", 2013, 316, "CZE", 17),
            host("Czech Republic", 2013, 316, "CZE", 0),
        ],
    )
    troops, left_out = read_us_troops(path, mapper)
    assert troops.troops.tolist() == [17]
    assert left_out.reason.tolist() == [SECOND_SPELLING]


def test_second_spelling_with_civilians_is_not_zero(tmp_path, troops_header, mapper):
    path = write_troops(
        tmp_path / "t.csv",
        troops_header,
        [
            host("Czechia", 2013, 316, "CZE", 17),
            host("Czech Republic", 2013, 316, "CZE", 0, total_civilian=2),
        ],
    )
    with raises_naming(path, "[iso3, year]", "CZE"):
        read_us_troops(path, mapper)


def test_unknown_column_set_stops(tmp_path, mapper):
    path = tmp_path / "t.csv"
    path.write_text("country,year,cowcode,iso3,troops\nGermany,2000,255,DEU,100\n")
    with raises_naming(path, "[columns]", "missing", "countryname", "troops_ad"):
        read_us_troops(path, mapper)


@pytest.mark.parametrize("year", ["1949", "2031", "2000.5", ""])
def test_year_outside_the_range_or_not_whole_stops(tmp_path, troops_header, mapper, year):
    path = write_troops(tmp_path / "t.csv", troops_header, [host("Germany", year, 255, "DEU", 1)])
    with raises_naming(path, "[year]", "1950-2030", "Germany"):
        read_us_troops(path, mapper)


def test_state_code_without_iso3_that_the_mapper_lacks_stops(tmp_path, troops_header, mapper):
    path = write_troops(tmp_path / "t.csv", troops_header, [host("Somewhere", 2000, 999, "NA", 1)])
    with raises_naming(path, "[COW codes]", "999"):
        read_us_troops(path, mapper)


def test_name_and_iso3c_that_disagree_stop(tmp_path, troops_header, mapper):
    path = write_troops(tmp_path / "t.csv", troops_header, [host("Austria", 2000, 305, "AUS", 1)])
    with raises_naming(path, "[countryname, iso3c]", "Austria", "AUS"):
        read_us_troops(path, mapper)


# --- bases --------------------------------------------------------------------------------


def test_bases_counts_per_host(bases_read):
    bases, left_out = bases_read
    assert list(bases.columns) == ["iso3", "sites", "major_bases", "lilypads", "funded_sites"]
    assert len(bases) == 77
    assert bases.sites.sum() + len(left_out) == 414  # rows in the file
    counts = bases.set_index("iso3")
    assert tuple(counts.loc["DEU"]) == (44, 40, 4, 0)
    assert tuple(counts.loc["JPN"]) == (42, 42, 0, 0)
    assert tuple(counts.loc["KOR"]) == (32, 30, 2, 0)
    assert tuple(counts.loc["ITA"]) == (14, 13, 1, 0)  # 15 rows, lines 169 and 172 the same
    assert tuple(counts.loc["COD"]) == (1, 0, 1, 0)  # line 62: Dungu, published as COG
    assert "COG" not in counts.index
    assert tuple(counts.loc["GEO"]) == (1, 0, 1, 0)  # line 82: "Georigia"
    assert tuple(counts.loc["PER"]) == (5, 0, 3, 3)  # one site carries two flags


def test_bases_territories_reported_not_counted(bases_read):
    bases, left_out = bases_read
    assert {"USA", "NZL", "KSV"}.isdisjoint(bases.iso3)
    reasons = left_out.reason.value_counts()
    assert reasons[ON_US_SOIL] == 31
    assert reasons[REPEATED] == 1
    assert len(left_out) == 40
    assert set(left_out.countryname) >= set(NOT_COUNTED) | {"American Samoa", "Guam"}
    mcmurdo = left_out.set_index("basename").loc["McMurdo Station"]
    assert (mcmurdo.countryname, mcmurdo.iso3c) == ("Antarctica", "NZL")
    # Denmark and China keep only sites on their own soil: Thule (Greenland) and Hong Kong apart
    counts = bases.set_index("iso3").sites
    assert counts["DNK"] == 1 and "CHN" not in counts.index


def test_bases_read_latin1(bases_read):
    # line 56: "Fuerte Aguayo NB, Concón" (byte 0xF3)
    assert tuple(bases_read[0].set_index("iso3").loc["CHL"]) == (1, 0, 0, 1)


BASE_HEADER = "countryname,ccode,iso3c,basename,lat,lon,base,lilypad,fundedsite\n"


def test_bases_re_encoded_as_utf8_stop(tmp_path, mapper):
    path = tmp_path / "b.csv"
    path.write_text(BASE_HEADER + "Chile,155,CHL,Concón,-32.9,-71.5,0,0,1\n", encoding="utf-8")
    with raises_naming(path, "[encoding]", "Latin-1"):
        read_us_bases(path, mapper)


def test_bases_flag_other_than_0_or_1_stops(tmp_path, mapper):
    path = tmp_path / "b.csv"
    path.write_text(BASE_HEADER + "Japan,740,JPN,Camp Zama,35.5,139.4,2,0,0\n")
    with raises_naming(path, "[base]", "0 or 1", "Camp Zama"):
        read_us_bases(path, mapper)


def test_bases_name_under_another_code_stops(tmp_path, mapper):
    path = tmp_path / "b.csv"
    path.write_text(BASE_HEADER + "Martinique,220,FRA,Fort-de-France,14.6,-61.1,0,1,0\n")
    with raises_naming(path, "[countryname, iso3c]", "NOT_COUNTED", "Martinique", "FRA"):
        read_us_bases(path, mapper)


def test_bases_unknown_column_set_stops(tmp_path, mapper):
    path = tmp_path / "b.csv"
    path.write_text("country,iso3,site,major\nJapan,JPN,Camp Zama,1\n")
    with raises_naming(path, "[columns]", "missing", "countryname", "basename"):
        read_us_bases(path, mapper)


def test_bases_same_site_twice_with_other_flags_stops(tmp_path, mapper):
    path = tmp_path / "b.csv"
    rows = [
        "Japan,740,JPN,Camp Zama,35.5,139.4,1,0,0\n",
        "Japan,740,JPN,Camp Zama,35.5,139.4,0,1,0\n",
    ]
    path.write_text(BASE_HEADER + "".join(rows))
    with raises_naming(path, "[iso3c, basename]", "JPN", "Camp Zama"):
        read_us_bases(path, mapper)


def test_bases_small_file_counts(tmp_path, mapper):
    path = tmp_path / "b.csv"
    rows = [
        "Japan,740,JPN,Camp Zama,35.5,139.4,1,0,0\n",
        "Japan,740,JPN,Camp Zama,35.5,139.4,1,0,0\n",
        "Japan,740,JPN,Sasebo,33.2,129.7,0,1,1\n",
        "Guam,2,USA,Anderson AFB,13.6,144.9,1,0,0\n",
    ]
    path.write_text(BASE_HEADER + "".join(rows))
    bases, left_out = read_us_bases(path, mapper)
    assert bases.to_dict("records") == [
        {"iso3": "JPN", "sites": 2, "major_bases": 1, "lilypads": 1, "funded_sites": 1}
    ]
    assert left_out.reason.tolist() == [ON_US_SOIL, REPEATED]
