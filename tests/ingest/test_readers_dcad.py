"""The DCAD reader on the vendored file and on small broken copies of it.

Expected values were read from data/raw/dcad/DCAD-v1.0-main.csv directly
(line numbers count the header as line 1).
"""

from __future__ import annotations

import csv
import re

import pytest

from abstention.errors import DataError
from abstention.ingest.readers.dcad import SAME_CODE_TWICE, read_dcad


@pytest.fixture(scope="module")
def dcad_path(raw_dir):
    return raw_dir / "dcad" / "DCAD-v1.0-main.csv"


@pytest.fixture(scope="module")
def dcad(dcad_path, mapper):
    return read_dcad(dcad_path, mapper)


def raw_rows(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_rows(path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def raises_naming(path, *parts: str):
    pattern = ".*".join(re.escape(str(p)) for p in [path, *parts])
    return pytest.raises(DataError, match=re.compile(pattern, re.DOTALL))


def test_every_agreement_but_the_three_same_code_rows(dcad):
    assert len(dcad) == 1871 - 3
    assert not set(SAME_CODE_TWICE) & set(dcad.dcad_id)
    assert (dcad.iso3_1 != dcad.iso3_2).all()
    assert dcad.sign_year.between(1980, 2010).all()


def test_russia_and_the_ussr_row(dcad):
    russia = dcad[(dcad.iso3_1 == "RUS") | (dcad.iso3_2 == "RUS")]
    assert len(russia) == 171  # rows with ccode1 or ccode2 365
    # line 1245: ccode1 365 "RUS", ccode2 475 "NIG", signYear 1984, DCADv1.0-1271
    ussr = dcad.set_index("dcad_id").loc["DCADv1.0-1271"]
    assert (ussr.iso3_1, ussr.iso3_2, ussr.sign_year) == ("RUS", "NGA", 1984)
    # line 2: ccode1 2 "USA", ccode2 20 "CAN", signed 1 Apr 1984
    first = dcad.set_index("dcad_id").loc["DCADv1.0-0001"]
    assert (first.iso3_1, first.iso3_2, first.sign_year) == ("USA", "CAN", 1984)


def test_missing_column_names_file_and_column(tmp_path, dcad_path, mapper):
    rows = [{k: v for k, v in row.items() if k != "signYear"} for row in raw_rows(dcad_path)[:5]]
    path = tmp_path / "dcad.csv"
    write_rows(path, rows)
    with raises_naming(path, "columns", "signYear"):
        read_dcad(path, mapper)


def test_unknown_cow_code_names_file_and_code(tmp_path, dcad_path, mapper):
    rows = raw_rows(dcad_path)[:5]
    rows[2]["ccode2"] = "999"
    path = tmp_path / "dcad.csv"
    write_rows(path, rows)
    with raises_naming(path, "COW codes", "999"):
        read_dcad(path, mapper)


@pytest.mark.parametrize("year", ["19x4", "", "1984.5"])
def test_unreadable_sign_year_names_file_and_column(tmp_path, dcad_path, mapper, year):
    rows = raw_rows(dcad_path)[:5]
    rows[3]["signYear"] = year
    path = tmp_path / "dcad.csv"
    write_rows(path, rows)
    with raises_naming(path, "signYear"):
        read_dcad(path, mapper)


def test_new_same_code_row_stops(tmp_path, dcad_path, mapper):
    rows = raw_rows(dcad_path)[:5]
    rows[1]["ccode2"] = rows[1]["ccode1"]
    path = tmp_path / "dcad.csv"
    write_rows(path, rows)
    with raises_naming(path, "ccode1, ccode2", rows[1]["DCAid"]):
        read_dcad(path, mapper)


def test_repeated_agreement_id_stops(tmp_path, dcad_path, mapper):
    rows = raw_rows(dcad_path)[:5]
    rows[4]["DCAid"] = rows[0]["DCAid"]
    path = tmp_path / "dcad.csv"
    write_rows(path, rows)
    with raises_naming(path, "DCAid", rows[0]["DCAid"]):
        read_dcad(path, mapper)
