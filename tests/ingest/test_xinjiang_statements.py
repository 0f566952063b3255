"""The vetted hand file of signatories of the joint statements on Xinjiang at the UN
(data/hand/xinjiang_statements.csv): codes well formed, one source of standing per statement,
no source the sourcing rule refuses, and as many signatories as the source lists."""

from __future__ import annotations

import pandas as pd
import pytest

from abstention.ingest.readers.common import read_csv_text, refused_sources, require_sources

COLUMNS = ["statement_id", "date", "forum", "lead", "side", "signatory_iso3", "source"]

# Signatories per statement, counted name by name in the source each statement cites.
VERIFIED_COUNTS = {
    # https://amnesty.ca/human-rights-news/amnesty-welcomes-statement-human-rights-council-addressing-chinas-appalling-violations
    "HRC41_2019-07-08_letter_critical": 22,
    # http://geneva.china-mission.gov.cn/eng/czdb/zyhdyfy/202209/t20220914_10765798.htm
    "HRC51_2022-09-13_ChenXu_supportive": 28,
}


@pytest.fixture(scope="module")
def statements(hand_dir) -> pd.DataFrame:
    return read_csv_text(hand_dir / "xinjiang_statements.csv", dtype=str, keep_default_na=False)


def test_columns_are_the_documented_ones(statements):
    assert list(statements.columns) == COLUMNS


def test_every_code_is_three_upper_case_letters(statements):
    assert statements["signatory_iso3"].str.fullmatch(r"[A-Z]{3}").all()
    leads = statements["lead"]
    assert (leads.eq("") | leads.str.fullmatch(r"[A-Z]{3}")).all()


def test_codes_are_countries_the_mapper_knows(statements, mapper):
    unknown = set(statements["signatory_iso3"]) - set(mapper.english_names)
    assert not unknown


def test_no_state_signs_a_statement_twice(statements):
    assert not statements.duplicated(["statement_id", "signatory_iso3"]).any()


def test_each_statement_has_one_date_forum_lead_side_and_source(statements):
    per_statement = statements.groupby("statement_id")[
        ["date", "forum", "lead", "side", "source"]
    ].nunique()
    assert (per_statement == 1).all().all()
    assert statements["source"].ne("").all()


def test_dates_are_iso_and_sides_are_known(statements):
    assert pd.to_datetime(statements["date"], format="%Y-%m-%d", errors="coerce").notna().all()
    assert statements["side"].isin(["critical", "supportive"]).all()


def test_no_source_is_a_wiki_or_state_media(statements, hand_dir):
    assert not refused_sources(statements["source"]).any()
    # The readers' own check, on the columns it expects.
    require_sources(
        statements.rename(columns={"signatory_iso3": "iso3", "source": "source_url"}),
        hand_dir / "xinjiang_statements.csv",
    )


def test_counts_equal_the_verified_lists(statements):
    counts = statements.groupby("statement_id")["signatory_iso3"].size().to_dict()
    assert counts == VERIFIED_COUNTS
