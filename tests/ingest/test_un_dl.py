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
from abstention.ingest.votes import REPLACED_REASON, overlap_disagreements, scrape_where_official

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
    none = pd.DataFrame(columns=["res_id", "iso3", "vote"])
    with pytest.raises(DataError, match="'existing': 'yes', 'un_dl': 'no'"):
        overlap_disagreements(existing, scraped, review, none, "review.csv")
    review.loc[0] = ["yes", "no", "the sources differ"]
    listed = overlap_disagreements(existing, scraped, review, none, "review.csv")
    assert listed[["iso3", "existing", "un_dl", "record"]].values.tolist() == [
        ["GEO", "yes", "no", "yes"]]


# Synthetic shared texts for `scrape_where_official`: the votes of four states in the other source
# and in the scrape (None: not listed), and the scrape's official count (yes, no, abstain).
STATES = ["GEO", "ISR", "ROU", "RUS"]
SHARED = {  # key: (res_id, other source's votes, scrape's votes, official count, date)
    # lists one short of the official count, the scrape's give it: taken from the scrape
    "62/249": (
        "GA-rcid-1",
        ["yes", "abstain", "abstain", "no"],
        ["yes", "abstain", "yes", "no"],
        (2, 1, 1),
        "2008-04-15",
    ),
    # lists give the official count, though not state by state as the scrape: kept
    "63/307": (
        "GA-rcid-2",
        ["yes", "abstain", "absent", "no"],
        ["yes", "absent", "abstain", "no"],
        (1, 1, 1),
        "2009-09-09",
    ),
    # neither gives the official count: kept
    "64/296": (
        "GA-rcid-3",
        ["yes", "abstain", "abstain", "no"],
        ["yes", "abstain", "abstain", "abstain"],
        (2, 1, 1),
        "2010-09-07",
    ),
    # a vote on a paragraph: kept
    "65/287": (
        "GA-rcid-4",
        ["yes", "abstain", "abstain", "no"],
        ["yes", "abstain", "yes", "no"],
        (2, 1, 1),
        "2011-06-29",
    ),
    # after the scrape's last date: kept
    "77/293": (
        "GA-rcid-5",
        ["yes", "abstain", "abstain", "no"],
        ["yes", "abstain", "yes", "no"],
        (2, 1, 1),
        "2023-06-07",
    ),
    # the scrape gives the count only with a state the other source does not list
    # (RUS blank there: not on the roll call): kept
    "66/283": (
        "GA-rcid-6",
        ["yes", "abstain", "absent", None],
        ["yes", "abstain", "absent", "no"],
        (1, 1, 1),
        "2012-07-03",
    ),
    # the scrape leaves a state blank that the other source lists: absent once taken
    "67/268": (
        "GA-rcid-7",
        ["yes", "yes", "abstain", "no"],
        ["yes", None, "abstain", "no"],
        (1, 1, 1),
        "2013-06-13",
    ),
}


def shared_texts():
    existing, scraped, texts = [], [], []
    for key, (res_id, theirs, scrape, official, date) in SHARED.items():
        existing += [
            {"key": key, "res_id": res_id, "source": "voeten2016", "iso3": s, "vote": v}
            for s, v in zip(STATES, theirs, strict=True)
            if v
        ]
        scraped += [
            {"key": key, "iso3": s, "vote": v} for s, v in zip(STATES, scrape, strict=True) if v
        ]
        texts.append(
            {
                "key": key,
                "date": pd.Timestamp(date),
                **dict(
                    zip(["official_yes", "official_no", "official_abstain"], official, strict=True)
                ),
            }
        )
    return pd.DataFrame(existing), pd.DataFrame(scraped), pd.DataFrame(texts)


def test_scrape_replaces_only_lists_that_miss_the_official_count():
    existing, scraped, texts = shared_texts()
    taken = scrape_where_official(
        existing, scraped, texts, pd.Timestamp("2021-12-31"), {"GA-rcid-4"}
    )
    assert sorted(taken["res_id"].unique()) == ["GA-rcid-1", "GA-rcid-7"]
    assert taken["source"].eq("undl2022").all()
    votes = taken.set_index(["res_id", "iso3"])["vote"]
    assert votes["GA-rcid-1"].to_dict() == {
        "GEO": "yes",
        "ISR": "abstain",
        "ROU": "yes",
        "RUS": "no",
    }
    assert votes["GA-rcid-7"].to_dict() == {
        "GEO": "yes",
        "ISR": "absent",
        "ROU": "abstain",
        "RUS": "no",
    }


def test_no_text_whose_lists_give_the_official_count_changes():
    existing, scraped, texts = shared_texts()
    # every scrape list different, every official count the other source's own
    theirs = existing[existing["vote"].isin(["yes", "no", "abstain"])]
    counts = theirs.groupby(["key", "vote"]).size().unstack(fill_value=0)
    texts = texts.assign(
        **{
            f"official_{v}": texts["key"].map(counts[v]).fillna(0).astype(int)
            for v in ("yes", "no", "abstain")
        }
    )
    scraped = scraped.assign(vote="no")
    taken = scrape_where_official(existing, scraped, texts, pd.Timestamp("2021-12-31"), set())
    assert taken.empty


def test_replacements_listed_with_the_states_that_change():
    existing, scraped, texts = shared_texts()
    taken = scrape_where_official(
        existing, scraped, texts, pd.Timestamp("2021-12-31"), {"GA-rcid-4"}
    )
    kinds = [
        (a, b)
        for a in ("yes", "no", "abstain", "absent", "none")
        for b in ("yes", "no", "abstain", "absent", "none")
        if a != b
    ]
    review = pd.DataFrame(
        [(a, b, "reviewed") for a, b in kinds], columns=["existing", "un_dl", "reason"]
    )
    listed = overlap_disagreements(existing, scraped, review, taken, "review.csv")
    changed = listed[listed["existing"] != listed["record"]]
    assert changed[["res_id", "iso3", "existing", "record"]].values.tolist() == [
        ["GA-rcid-1", "ROU", "abstain", "yes"],
        ["GA-rcid-7", "ISR", "yes", "absent"],
    ]
    replaced = listed["res_id"].isin(["GA-rcid-1", "GA-rcid-7"])
    assert listed.loc[replaced, "reason"].eq(REPLACED_REASON).all()
    assert listed.loc[~replaced, "record"].eq(listed.loc[~replaced, "existing"]).all()
