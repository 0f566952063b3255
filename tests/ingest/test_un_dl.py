"""The UN Digital Library scrape: strict reader, and the review of disagreements with the other
sources."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.ingest.readers.un_dl import read_un_dl
from abstention.ingest.symbols import text_key
from abstention.ingest.votes import overlap_disagreements

HEADER = ["Council", "Date", "Title", "Resolution", "TOTAL VOTES", "NO-VOTE COUNT",
          "ABSENT COUNT", "NO COUNT", "YES COUNT", "Link", "token", "ISRAEL", "GEORGIA"]


def scrape(tmp_path: Path, codes=("A", "Y"), counts=("2", "0", "1", "0", "1")) -> Path:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerow(["General Assembly", "2009-09-09", "Status of internally displaced persons "
                     ": resolution / adopted by the General Assembly", "A/RES/63/307", *counts,
                     "https://digitallibrary.un.org/record/1", "1", *codes])
    path = tmp_path / "votes.csv.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("UN DATA.csv", text.getvalue())
    return path


def reviewed(tmp_path: Path) -> tuple[Path, Path]:
    columns = tmp_path / "columns.csv"
    columns.write_text("column,name,valid_to,reason\n")
    fixes = tmp_path / "fixes.csv"
    fixes.write_text("line,symbol,fix,value,reason\n")
    return columns, fixes


def test_reads_votes_and_abstention_count(tmp_path, mapper):
    records = read_un_dl(scrape(tmp_path), mapper, *reviewed(tmp_path))
    res = records.resolutions.iloc[0]
    assert (res["key"], res["official_abstain"], res["title"]) == (
        "63/307", 1, "Status of internally displaced persons")
    assert records.listed_votes.set_index("iso3")["vote"].to_dict() == {
        "ISR": "abstain", "GEO": "yes"}


def test_unknown_vote_code_names_file_line_and_column(tmp_path, mapper):
    with pytest.raises(DataError, match=r"votes.csv.zip \[line 2 column 'ISRAEL'\].*'Q'"):
        read_un_dl(scrape(tmp_path, codes=("Q", "Y")), mapper, *reviewed(tmp_path))


def test_unplaced_column_stops_unless_reviewed(tmp_path, mapper):
    path = scrape(tmp_path)
    columns, fixes = reviewed(tmp_path)
    data = zipfile.ZipFile(path).read("UN DATA.csv").decode().replace("GEORGIA", "DONOTKNOW")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("UN DATA.csv", data)
    with pytest.raises(DataError, match="DONOTKNOW"):
        read_un_dl(path, mapper, columns, fixes)
    columns.write_text("column,name,valid_to,reason\nDONOTKNOW,Georgia,,test\n")
    assert set(read_un_dl(path, mapper, columns, fixes).listed_votes["iso3"]) == {"ISR", "GEO"}


@pytest.mark.parametrize("symbol, key", [
    ("A/RES/1514(XV)", "15/1514"), ("R/15/1514", "15/1514"), ("A/RES/3525(XXX)[A]", "30/3525A"),
    ("R/31/15D", "31/15D"), ("A/RES/39/236[SectionIII]", "39/236III"),
    ("R/39/236/III", "39/236III"), ("A/RES/2252(ES-V)", "ES-5/2252"), ("MISSING_DATA", None),
])
def test_text_keys_match_across_sources(symbol, key):
    assert text_key(symbol) == key


def test_planted_disagreement_stops_unless_its_kind_is_reviewed():
    existing = pd.DataFrame({"key": ["63/307"] * 2, "res_id": "GA-rcid-1", "source": "voeten2016",
                             "iso3": ["ISR", "GEO"], "vote": ["abstain", "yes"]})
    scraped = pd.DataFrame({"key": ["63/307"] * 2, "iso3": ["ISR", "GEO"],
                            "vote": ["abstain", "no"]})
    review = pd.DataFrame(columns=["existing", "un_dl", "reason"])
    with pytest.raises(DataError, match="'existing': 'yes', 'un_dl': 'no'"):
        overlap_disagreements(existing, scraped, review, "review.csv")
    review.loc[0] = ["yes", "no", "the sources differ"]
    listed = overlap_disagreements(existing, scraped, review, "review.csv")
    assert listed[["iso3", "existing", "un_dl"]].values.tolist() == [["GEO", "yes", "no"]]
