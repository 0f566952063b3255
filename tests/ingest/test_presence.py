"""The dated hand files: every row sourced, dates in order, no overlapping episodes, no
source the sourcing rule refuses; each bad row stops the run naming the file and key."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.ingest.readers.common import refused_sources
from abstention.ingest.readers.hand import read_security_ties
from abstention.ingest.readers.presence import (
    DEPENDENCE_COLUMNS,
    PRESENCE_COLUMNS,
    read_operational_dependence,
    read_russia_presence,
)

PRESENCE_ROW = {
    "iso3": "ARM", "country": "Armenia", "kind": "base", "start": "1995-01-01",
    "start_precision": "year", "end": "", "end_precision": "", "host_consent": "yes",
    "supports_seat_holder": "yes", "source_title": "A treaty", "source_url": "https://example.org/a",
    "source_kind": "official", "note": "",
}  # fmt: skip
DEPENDENCE_ROW = {
    "iso3": "ISR", "country": "Israel", "patron": "RUS", "level": "dependence",
    "start": "2015-09-30", "start_precision": "day", "end": "2024-12-08", "end_precision": "day",
    "source_title": "A statement", "source_url": "https://example.org/b", "source_kind": "news",
    "note": "",
}  # fmt: skip


def write(path, columns, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_real_files_read_and_have_a_source_on_every_row(hand_dir, mapper):
    presence = read_russia_presence(hand_dir / "russia_presence.csv", mapper)
    dependence = read_operational_dependence(hand_dir / "operational_dependence.csv", mapper)
    for table in (presence, dependence):
        assert (table["source_url"] != "").all() and (table["source_title"] != "").all()
    libya = presence.loc[presence["iso3"] == "LBY"]
    assert (libya["supports_seat_holder"] == "no").all()
    israel = dependence.loc[(dependence["iso3"] == "ISR") & (dependence["patron"] == "RUS")]
    assert [str(d.date()) for d in israel[["start", "end"]].iloc[0]] == ["2015-09-30",
                                                                         "2024-12-08"]


@pytest.mark.parametrize(("rows", "named"), [
    ([{**PRESENCE_ROW, "source_url": ""}], r"\[source_url, source_title\].*row 2: ARM"),
    ([{**PRESENCE_ROW, "end": "1994-01-01", "end_precision": "day"}], r"\[end\].*on or after"),
    ([PRESENCE_ROW, {**PRESENCE_ROW, "start": "2000-01-01"}], r"\[iso3, kind\].*2000-01-01"),
    ([{**PRESENCE_ROW, "kind": "garrison"}], r"\[kind\].*garrison"),
    ([{**PRESENCE_ROW, "start": "1995"}], r"\[start\].*YYYY-MM-DD"),
    ([{**PRESENCE_ROW, "source_url": "https://en.wikipedia.org/wiki/X"}], r"\[source_url\]"),
    ([{**PRESENCE_ROW, "country": "Azerbaijan"}], r"\[iso3, country\]"),
])
def test_bad_presence_rows_stop_naming_file_and_key(tmp_path, mapper, rows, named):
    path = write(tmp_path / "russia_presence.csv", PRESENCE_COLUMNS, rows)
    with pytest.raises(DataError, match=rf"russia_presence.csv {named}"):
        read_russia_presence(path, mapper)


def test_episodes_that_touch_are_not_an_overlap(tmp_path, mapper):
    rows = [{**PRESENCE_ROW, "end": "1999-12-31", "end_precision": "day"},
            {**PRESENCE_ROW, "start": "2000-01-01"}]
    path = write(tmp_path / "russia_presence.csv", PRESENCE_COLUMNS, rows)
    assert len(read_russia_presence(path, mapper)) == 2


@pytest.mark.parametrize(("row", "named"), [
    ({**DEPENDENCE_ROW, "patron": "XXA"}, r"\[patron\].*XXA"),
    ({**DEPENDENCE_ROW, "level": "reliance"}, r"\[level\].*reliance"),
    ({**DEPENDENCE_ROW, "end": "", "end_precision": "day"}, r"\[end_precision\]"),
])
def test_bad_dependence_rows_stop_naming_file_and_key(tmp_path, mapper, row, named):
    path = write(tmp_path / "operational_dependence.csv", DEPENDENCE_COLUMNS, [row])
    with pytest.raises(DataError, match=rf"operational_dependence.csv {named}"):
        read_operational_dependence(path, mapper)


@pytest.mark.parametrize("url", [
    "https://en.wikipedia.org/wiki/Collective_Security_Treaty_Organization",
    "https://wikimili.com/en/Member_states_of_the_Eurasian_Economic_Union",
    "http://tass.com/russia/717945",
    "https://www.presstv.ir/Detail/2017/01/13/505966/",
])
def test_the_snapshot_ties_refuse_a_wiki_or_state_media_source(tmp_path, mapper, hand_dir, url):
    lines = (hand_dir / "security_ties_2022.csv").read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1].split(",")
    first[4] = url
    path = tmp_path / "security_ties_2022.csv"
    path.write_text("\n".join([header, ",".join(first)]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"security_ties_2022.csv \[source_url\]"):
        read_security_ties(path, mapper)


def test_a_host_merely_ending_in_rt_com_is_not_refused():
    urls = pd.Series(["https://www.heart.com/a", "https://www.reuters.com/b", "https://rt.com/c"])
    assert refused_sources(urls).tolist() == [False, False, True]
