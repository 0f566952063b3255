"""Clean UN vote tables: resolutions, votes with absences, sponsorships, countries, tallies.

Sources and the rule that picks one where they overlap (config `votes`):
- Voeten et al. 2016 release for sessions up to `voeten_last_session` (it
  keeps absences and non-membership);
- the `unvotes` package tables for the sessions after that and before
  `json_first_session` (absences dropped upstream, rebuilt from membership);
- the UN extracts (UNxml) from `json_first_session` on, and the emergency and
  special sessions, plus every Security Council resolution;
- the 2025 column extract for the General Assembly votes of 2025 the UN extracts lack;
- the UN Digital Library scrape of 2022 (`un_dl_last_date`) for the General Assembly texts
  none of the sources above holds, and, by `scrape_where_official`, for a text another source
  lists with a tally other than the official one where the scrape's lists give it.
`overlap_report` compares the sources where they overlap.

Why the scrape otherwise only fills: the sources above were checked against official tallies
and each other, and the analysis was built on them; letting the scrape replace their votes
would change what is already right without anyone seeing it. Where their lists do not give the
official count they are not right, and the scrape's are used only where they give it. Texts
are matched by `symbols.text_key`, so 'R/15/1514', 'A/RES/15/1514' and 'A/RES/1514(XV)' are
one text. Where the scrape and another source hold the same text, `overlap_disagreements` lists
every state vote they disagree on, and each must be of a reviewed kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper
from abstention.ingest.readers.un2025 import Votes2025
from abstention.ingest.readers.un_dl import DLVotes
from abstention.ingest.readers.un_json import ResolutionRecords
from abstention.ingest.symbols import text_key
from abstention.vote_codes import CAST, UN_GROUPS

UN_EXTRACT_SOURCE = "unxml"  # the UN resolution extracts, the only source of sponsor lists
TALLIED_SOURCES = (UN_EXTRACT_SOURCE, "unga2025", "undl2022")  # sources that carry official counts
RESOLUTION_COLUMNS = [
    "res_id",
    "body",
    "symbol",
    "session",
    "date",
    "title",
    "draft",
    "agenda_item",
    "adoption_type",
    "official_yes",
    "official_no",
    "official_abstain",
    "count_issue",
    "recorded_vote",
    "source",
]


@dataclass(frozen=True)
class VoteTables:
    resolutions: pd.DataFrame
    votes: pd.DataFrame
    listing_report: pd.DataFrame


def roll_call_id(rcids: pd.Series) -> pd.Series:
    """The res_id of a Voeten roll call (one text can have several roll calls)."""
    return "GA-rcid-" + rcids.astype(str)


def voeten_symbol(unres: str, session: int) -> str:
    """'R/68/262' -> 'A/RES/68/262'; other forms are kept as Voeten wrote them."""
    match = re.fullmatch(r"R/(\d+)/(\d+)", str(unres).strip())
    return f"A/RES/{match.group(1)}/{match.group(2)}" if match else str(unres).strip()


def membership(published: pd.DataFrame, release_end: pd.Timestamp) -> pd.DataFrame:
    """UN membership spells from the Voeten release: a state is a member where not coded 9.

    A state still a member at the last roll call of the release has no end date.
    The end of a dissolved state's membership is its last roll call as a member.
    """
    members = published[published["vote"] != "nonmember"]
    spans = members.groupby("iso3")["date"].agg(member_from="min", member_to="max").reset_index()
    spans.loc[spans["member_to"] >= release_end, "member_to"] = pd.NaT
    return spans


def is_member(countries: pd.DataFrame, date: pd.Timestamp) -> pd.Series:
    """Members on a date: joined on or before it, and not gone before it (a membership's end is
    its last day as a member)."""
    start = pd.to_datetime(countries["member_from"])
    end = pd.to_datetime(countries["member_to"])
    return (start <= date) & (end.isna() | (end >= date))


def members_at(countries: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """The rows of the UN members on a date."""
    return countries.loc[is_member(countries, date)]


def electorate_by_date(countries: pd.DataFrame):
    """`electorate(res_id, date)` for `complete_with_absences`: the members on the date, each
    date worked out once (many votes share a day). The sets are shared: read, never changed."""
    @cache
    def members(date: pd.Timestamp) -> set[str]:
        return set(members_at(countries, date)["iso3"])

    return lambda _res_id, date: members(date)


def regional_groups(
    groups: pd.DataFrame, mapper: CountryMapper, source: str, choice: dict[str, str]
) -> pd.DataFrame:
    """iso3, un_group; a state listed in two groups needs an explicit choice in config."""
    frame = groups.assign(iso3=groups["country"].map(mapper.to_iso3(groups["country"], source)))
    unknown = sorted(set(frame["group"]) - set(UN_GROUPS))
    if unknown:
        raise DataError(source, "group", f"one of {sorted(UN_GROUPS)}", unknown)
    frame["un_group"] = frame["group"].map(UN_GROUPS)
    for iso3, group in choice.items():
        frame = frame[(frame["iso3"] != iso3) | (frame["un_group"] == group)]
    doubled = sorted(frame.loc[frame["iso3"].duplicated(), "iso3"])
    if doubled:
        raise DataError(
            source,
            "country",
            "one group per state (or a choice in config regional_groups.choose)",
            doubled,
        )
    return frame[["iso3", "un_group"]]


def build_countries(
    spans: pd.DataFrame, groups: pd.DataFrame, mapper: CountryMapper, source: str
) -> pd.DataFrame:
    """iso3, name, cown, un_group, member_from, member_to; current members must match the groups."""
    current = set(spans.loc[spans["member_to"].isna(), "iso3"])
    grouped = set(groups["iso3"])
    if current != grouped:
        raise DataError(
            source,
            "members",
            "the regional-group list to name exactly the current members in the roll calls",
            {
                "only in roll calls": sorted(current - grouped),
                "only in groups": sorted(grouped - current),
            },
        )
    frame = spans.merge(groups, on="iso3", how="left")
    frame.insert(1, "name", frame["iso3"].map(mapper.name))
    frame.insert(2, "cown", frame["iso3"].map(mapper.iso3_cow).astype("Int64"))
    return frame.sort_values("iso3").reset_index(drop=True)[
        ["iso3", "name", "cown", "un_group", "member_from", "member_to"]
    ]


def complete_with_absences(
    listed: pd.DataFrame, dates: pd.Series, electorate, source: str
) -> pd.DataFrame:
    """Add an 'absent' row for every state entitled to vote that no list names.

    `electorate(res_id, date)` gives the states entitled to vote. A listed state
    outside the electorate stops the run.
    """
    absent_res, absent_iso3 = [], []
    for res_id, named in listed.groupby("res_id", sort=True)["iso3"]:
        present = set(named.tolist())
        entitled = electorate(res_id, dates[res_id])
        outsiders = sorted(present - entitled)
        if outsiders:
            raise DataError(source, res_id, "only states entitled to vote in the lists", outsiders)
        missing = sorted(entitled - present)
        absent_res.extend([res_id] * len(missing))
        absent_iso3.extend(missing)
    absent = pd.DataFrame({"res_id": absent_res, "iso3": absent_iso3, "vote": "absent"})
    # Each vote's listed rows in their order, then its absences: a stable sort keeps both.
    both = pd.concat([listed, absent], ignore_index=True)
    return both.sort_values("res_id", kind="stable", ignore_index=True)


def dedupe_listings(listed: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per state and vote; a state named twice in one list is kept once and reported.

    A state named in two different lists of the same vote stops the run.
    """
    counts = listed.groupby(["res_id", "iso3", "vote"]).size().rename("times").reset_index()
    conflicting = counts[counts.duplicated(["res_id", "iso3"], keep=False)]
    if not conflicting.empty:
        first = conflicting.iloc[0]
        raise DataError(
            source,
            f"{first.res_id} {first.iso3}",
            "a state in one vote list only",
            conflicting.head(6).to_dict("records"),
        )
    report = counts[counts["times"] > 1].assign(issue="state listed more than once")
    return counts[["res_id", "iso3", "vote"]], report[["res_id", "iso3", "vote", "times", "issue"]]


def complete_published(published: pd.DataFrame, roll_calls: pd.DataFrame, source: str
                       ) -> pd.DataFrame:
    """Fill roll calls the 2016 release leaves undated from the unvotes roll-call table.

    rcid 4592 has no date or resolution number in the release (and session 59 where the
    roll-call table, which records A/RES/60/260 of 8 May 2006, has 60): all three are taken
    from the roll-call table. A roll call dated in neither stops the run.
    """
    gaps = published["date"].isna()
    if not gaps.any():
        return published
    fill = roll_calls.set_index("rcid").reindex(published.loc[gaps, "rcid"])
    if fill["date"].isna().any():
        raise DataError(source, "rcid", "a date for every roll call",
                        sorted(published.loc[gaps, "rcid"].unique().tolist()))
    published = published.copy()
    for column in ("session", "date", "unres"):
        published.loc[gaps, column] = fill[column].to_numpy()
    return published


def voeten_tables(
    published: pd.DataFrame, roll_calls: pd.DataFrame, last_session: int, source: str
) -> VoteTables:
    """Roll calls and votes from the 2016 release (published must carry iso3)."""
    kept = published[published["session"] <= last_session]
    calls = (
        kept.groupby("rcid")
        .agg(session=("session", "first"), date=("date", "first"), unres=("unres", "first"))
        .reset_index()
    )
    calls = calls.merge(roll_calls[["rcid", "descr"]], on="rcid", how="left")
    resolutions = pd.DataFrame(
        {
            "res_id": roll_call_id(calls["rcid"]),
            "body": "GA",
            "symbol": [
                voeten_symbol(u, s) for u, s in zip(calls["unres"], calls["session"], strict=True)
            ],
            "session": calls["session"].astype(int).astype(str),
            "date": pd.to_datetime(calls["date"]),
            "title": calls["descr"].fillna(""),
            "recorded_vote": True,
            "source": "voeten2016",
        }
    )
    cast = kept[kept["vote"] != "nonmember"]
    doubled = cast.duplicated(["rcid", "iso3"])
    if doubled.any():
        row = cast[doubled].iloc[0]
        raise DataError(source, f"rcid={row.rcid} iso3={row.iso3}", "one vote per state", "two")
    votes = pd.DataFrame(
        {
            "res_id": roll_call_id(cast["rcid"]),
            "iso3": cast["iso3"],
            "vote": cast["vote"],
            "source": "voeten2016",
        }
    )
    return VoteTables(resolutions, votes, pd.DataFrame())


def unvotes_tables(
    unvotes: pd.DataFrame,
    roll_calls: pd.DataFrame,
    sessions: tuple[int, int],
    countries: pd.DataFrame,
    source: str,
) -> VoteTables:
    """Roll calls of the given sessions from the unvotes tables (which must carry iso3),
    absences rebuilt."""
    calls = roll_calls[roll_calls["session"].between(*sessions)]
    resolutions = pd.DataFrame(
        {
            "res_id": roll_call_id(calls["rcid"]),
            "body": "GA",
            "symbol": calls["unres"].str.strip(),
            "session": calls["session"].astype(str),
            "date": calls["date"],
            # From session 71 on, `short` holds the title and `descr` is sometimes a meeting
            # transcript (R/72/131's names Ukraine among the sponsors of an unrelated text).
            "title": calls["short"],
            "recorded_vote": True,
            "source": "unvotes",
        }
    )
    chosen = unvotes[unvotes["rcid"].isin(calls["rcid"])]
    listed = pd.DataFrame(
        {
            "res_id": roll_call_id(chosen["rcid"]),
            "iso3": chosen["iso3"],
            "vote": chosen["vote"],
        }
    )
    listed, report = dedupe_listings(listed, source)
    dates = resolutions.set_index("res_id")["date"]
    votes = complete_with_absences(listed, dates, electorate_by_date(countries), source)
    return VoteTables(resolutions, votes.assign(source="unvotes"), report)


COUNCIL_SIZE = 15


def _security_council(listed: pd.DataFrame, dates: pd.Series, source: str) -> dict[int, set[str]]:
    """Council members of a year: every state listed on any Council vote that year.

    Elected members serve calendar-year terms, so a state that votes once in a
    year sat on the Council all year. A year with other than 15 members points
    to a misdated record and stops the run.
    """
    years = listed["res_id"].map(dates).dt.year
    council = {int(y): set(g) for y, g in listed.groupby(years)["iso3"]}
    wrong = {year: len(members) for year, members in council.items()
             if len(members) != COUNCIL_SIZE}
    if wrong:
        raise DataError(source, "Council members per year", f"{COUNCIL_SIZE} states each year",
                        wrong)
    return council


def correct_dates(resolutions: pd.DataFrame, corrections: pd.DataFrame, source: str
                  ) -> pd.DataFrame:
    """Apply reviewed date corrections, then require every Council resolution's date to fall in
    the year its symbol names ('S/RES/2423 (2018)'); a new disagreement stops the run."""
    fixed = resolutions.copy()
    table = corrections.set_index("res_id")["date"]
    chosen = fixed["res_id"].isin(table.index)
    fixed.loc[chosen, "date"] = pd.to_datetime(fixed.loc[chosen, "res_id"].map(table))
    symbol_year = pd.to_numeric(fixed["symbol"].str.extract(r"\((\d{4})\)$")[0],
                                errors="coerce")
    off = symbol_year.notna() & (symbol_year != fixed["date"].dt.year)
    if off.any():
        raise DataError(source, "adoption_date", "a date in the year of the symbol, or a "
                        "reviewed row in config/date_corrections.csv",
                        fixed.loc[off, ["res_id", "date"]].astype(str).to_dict("records"))
    return fixed


def merge_duplicate_lines(
    records: ResolutionRecords, listed: pd.DataFrame, source: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Some symbols appear on several lines (later versions add sponsors).

    Lines that carry votes must carry the same votes; the first such line gives
    the resolution's fields and its votes; blank placeholder lines are dropped.
    Returns the kept resolution rows, the kept vote listings and a report.
    """
    keyed = records.resolutions
    voting_lines = set(listed["line_key"])
    report, keep_lines = [], []
    for res_id, lines in keyed.groupby("res_id", sort=False)["line_key"]:
        lines = lines.tolist()
        voting = [k for k in lines if k in voting_lines]
        if len(lines) > 1:
            signatures = {
                frozenset(map(tuple, listed.loc[listed["line_key"] == k, ["iso3", "vote"]].values))
                for k in voting
            }
            if len(signatures) > 1:
                raise DataError(
                    source,
                    res_id,
                    "the same votes on every line of one symbol",
                    f"lines {voting} differ",
                )
            report.append(
                {
                    "res_id": res_id,
                    "lines": " ".join(lines),
                    "kept": (voting or lines)[0],
                    "issue": "symbol on several lines; sponsors merged",
                }
            )
        keep_lines.append((voting or lines)[0])
    kept = keyed[keyed["line_key"].isin(keep_lines)]
    votes = listed[listed["line_key"].isin(keep_lines)]
    return kept, votes, pd.DataFrame(report, columns=["res_id", "lines", "kept", "issue"])


def json_tables(
    records: ResolutionRecords,
    body: str,
    countries: pd.DataFrame,
    mapper: CountryMapper,
    first_session: int,
    source: str,
) -> VoteTables:
    """Resolutions and votes from the UN extracts of one body."""
    listed = records.listed_votes.copy()
    listed["iso3"] = listed["name"].map(mapper.to_iso3(listed["name"], source))
    kept, listed, duplicates = merge_duplicate_lines(records, listed, source)
    if body == "GA":
        numeric = pd.to_numeric(kept["session"], errors="coerce")
        kept = kept[numeric.isna() | (numeric >= first_session)]
        listed = listed[listed["res_id"].isin(kept["res_id"])]
    listed, twice = dedupe_listings(listed[["res_id", "iso3", "vote"]], source)
    dates = kept.set_index("res_id")["date"]
    if body == "SC":
        council = _security_council(listed, dates, source)
        electorate = lambda _r, d: council[d.year]  # noqa: E731
    else:
        electorate = electorate_by_date(countries)
    votes = complete_with_absences(listed, dates, electorate, source)
    recorded = kept["res_id"].isin(listed["res_id"])
    resolutions = kept.assign(recorded_vote=recorded, source=UN_EXTRACT_SOURCE)[
        RESOLUTION_COLUMNS
    ]
    report = pd.concat([duplicates, twice], ignore_index=True)
    return VoteTables(resolutions, votes.assign(source=UN_EXTRACT_SOURCE), report)


def votes_2025_tables(
    records: Votes2025, countries: pd.DataFrame, present: set[str], source: str
) -> VoteTables:
    """The 2025 recorded General Assembly votes whose symbol the UN extracts lack.

    A symbol in `present` (already taken from the UN extracts) is not taken again; the
    overlap report compares the two sources there. A blank in a member's column is an
    absence. A member at the vote date without a column (Afghanistan and Venezuela have
    none) is recorded absent only if the blanks plus the members without a column equal
    the row's NO-VOTE COUNT; otherwise, or if a column names a state that was not a
    member on the date, the run stops naming the row.
    """
    taken = records.resolutions[~records.resolutions["symbol"].isin(present)]
    electorate = electorate_by_date(countries)
    parts = []
    for row in taken.itertuples(index=False):
        listed = records.listed_votes[records.listed_votes["symbol"] == row.symbol]
        entitled = electorate(row.symbol, row.date)
        outsiders = sorted(set(listed["iso3"]) - entitled)
        if outsiders:
            raise DataError(source, row.symbol, f"columns only for members on {row.date.date()}",
                            outsiders)
        without_column = sorted(entitled - set(listed["iso3"]))
        blanks = int(listed["vote"].isna().sum())
        if blanks + len(without_column) != row.official_no_vote:
            raise DataError(
                source, row.symbol,
                f"blanks ({blanks}) plus members without a column {without_column} equal to "
                "the NO-VOTE COUNT",
                row.official_no_vote,
            )
        parts.append(listed.assign(vote=listed["vote"].fillna("absent")))
        parts.append(pd.DataFrame({"symbol": row.symbol, "iso3": without_column,
                                   "vote": "absent"}))
    votes = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["symbol", "iso3", "vote"])
    votes = pd.DataFrame({"res_id": votes["symbol"], "iso3": votes["iso3"],
                          "vote": votes["vote"], "source": "unga2025"})
    return VoteTables(_scraped_resolutions(taken, "unga2025"), votes, pd.DataFrame())


def _scraped_resolutions(taken: pd.DataFrame, source: str) -> pd.DataFrame:
    """The resolutions table's rows for General Assembly texts taken from a Digital Library
    scrape: one recorded vote each, keyed by its symbol, with the scrape's official counts."""
    resolutions = taken.assign(
        res_id=taken["symbol"], body="GA", draft="", agenda_item="",
        adoption_type="By a recorded vote", count_issue="", recorded_vote=True, source=source,
    )
    for vote in CAST:
        resolutions[f"official_{vote}"] = resolutions[f"official_{vote}"].astype("Int64")
    return resolutions[RESOLUTION_COLUMNS].reset_index(drop=True)


def un_dl_tables(records: DLVotes, countries: pd.DataFrame, present: set[str],
                 last_date: pd.Timestamp, source: str) -> VoteTables:
    """The scrape's General Assembly texts whose key no other source holds, dated on or before
    `last_date`. X is an absence; a member on the date without a vote in the row is absent too.
    Membership is the project's, as for every source: a vote by a state that was not a member
    on the date is dropped and reported in the listing report (its tally then differs from the
    official one, and the tally report asks for a reviewed reason)."""
    texts = records.resolutions
    taken = texts[~texts["key"].isin(present) & (texts["date"] <= last_date)]
    listed = records.listed_votes[records.listed_votes["symbol"].isin(taken["symbol"])]
    listed = listed.rename(columns={"symbol": "res_id"})[["res_id", "iso3", "vote"]]
    dates = taken.set_index("symbol")["date"]
    electorate = electorate_by_date(countries)
    members = {text: electorate(text, date) for text, date in dates.items()}
    member = [iso3 in members[r] for r, iso3 in zip(listed["res_id"], listed["iso3"], strict=True)]
    outside = listed[~pd.Series(member, index=listed.index)]
    report = outside.assign(issue="listed by the scrape, not a member on the date: dropped")
    votes = complete_with_absences(listed.drop(index=outside.index), dates, electorate, source)
    return VoteTables(_scraped_resolutions(taken, "undl2022"), votes.assign(source="undl2022"),
                      report.reset_index(drop=True))


def general_assembly_keys(resolutions: pd.DataFrame) -> pd.Series:
    """The text key of each recorded General Assembly vote (missing where a symbol has no key)."""
    recorded = resolutions[(resolutions["body"] == "GA") & resolutions["recorded_vote"]]
    return recorded.set_index("res_id")["symbol"].map(text_key)


def tally_report(
    resolutions: pd.DataFrame,
    votes: pd.DataFrame,
    listing_report: pd.DataFrame,
    known_issues: pd.DataFrame,
    source: str,
) -> pd.DataFrame:
    """Counts from the lists against the official counts, for every vote with official counts.

    status: ok, mismatch, or official_unreadable (the source's count is not a
    number). Any status other than ok must be listed, with its reason, in the
    reviewed file; a new one stops the run.
    """
    counted = (
        votes[votes["vote"].isin(CAST)]
        .groupby(["res_id", "vote"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(CAST), fill_value=0)
    )
    tallied = resolutions["source"].isin(TALLIED_SOURCES)
    checked = resolutions[tallied & resolutions["recorded_vote"]]
    report = checked[
        ["res_id", "body", "date", "official_yes", "official_no", "official_abstain", "count_issue"]
    ].merge(counted.add_prefix("listed_").reset_index(), on="res_id", how="left")
    listed = [f"listed_{vote}" for vote in CAST]
    report[listed] = report[listed].fillna(0).astype(int)  # a text with no vote cast listed
    twice = listing_report.dropna(subset=["times"]).groupby("res_id").size()
    report["listed_twice"] = report["res_id"].map(twice).fillna(0).astype(int)
    differs = pd.Series(False, index=report.index)
    for vote in CAST:
        official = report[f"official_{vote}"]
        differs |= official.notna() & (official != report[f"listed_{vote}"])
    report["status"] = "ok"
    report.loc[report["count_issue"].ne(""), "status"] = "official_unreadable"
    report.loc[differs.astype(bool), "status"] = "mismatch"
    report.loc[report["status"].eq("ok") & report["listed_twice"].gt(0), "status"] = "listed_twice"
    reviewed = report.merge(
        known_issues[["res_id", "status", "reason"]], on=["res_id", "status"], how="left"
    )
    new = reviewed[reviewed["status"].ne("ok") & reviewed["reason"].isna()]
    if not new.empty:
        raise DataError(
            source,
            "tally",
            "list counts equal to official counts, or the "
            "difference reviewed in the known-issues file",
            new[["res_id", "status"]].head(20).to_dict("records"),
        )
    return reviewed.fillna({"reason": ""}).sort_values(["date", "res_id"]).reset_index(drop=True)


def flag_ukraine_russia(resolutions: pd.DataFrame, rule: dict) -> pd.Series:
    """The Russia/Ukraine texts: written down in config, applied to recorded votes of the
    named bodies by symbol, symbol pattern or title pattern."""
    in_scope = (
        resolutions["body"].isin(rule["bodies"])
        & resolutions["recorded_vote"]
        & (resolutions["date"] >= pd.Timestamp(rule["from_date"]))
    )
    by_symbol = resolutions["symbol"].isin(rule["symbols"])
    pattern = "|".join(rule["symbol_patterns"]) or "$^"
    title = "|".join(rule["title_patterns"]) or "$^"
    by_pattern = resolutions["symbol"].str.contains(pattern, regex=True)
    by_title = resolutions["title"].str.contains(title, case=False, regex=True)
    excluded = resolutions["symbol"].isin(rule["exclude_symbols"])
    return in_scope & (by_symbol | by_pattern | by_title) & ~excluded


def overlap_report(pairs: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
    """Agreement of two sources' votes on the states both list for the same roll call.

    Each pair holds two frames keyed by (key, iso3) with a `vote` column; only
    yes/no/abstain are compared, since one source drops absences.
    """
    rows = []
    for name, (left, right) in pairs.items():
        joined = left[left["vote"].isin(CAST)].merge(
            right[right["vote"].isin(CAST)], on=["key", "iso3"], suffixes=("_a", "_b")
        )
        agree = int((joined["vote_a"] == joined["vote_b"]).sum())
        rows.append(
            {
                "comparison": name,
                "roll_calls": joined["key"].nunique(),
                "state_votes": len(joined),
                "agree": agree,
                "agreement": agree / len(joined) if len(joined) else float("nan"),
            }
        )
    return pd.DataFrame(rows)


REPLACED_REASON = (
    "the other source's lists differ from the official count and the scrape's "
    "give it (scrape_where_official): the scrape's votes are used"
)


def scrape_where_official(
    existing: pd.DataFrame,
    scraped: pd.DataFrame,
    texts: pd.DataFrame,
    last_date: pd.Timestamp,
    part_votes: set[str],
) -> pd.DataFrame:
    """The scrape's votes for the shared texts whose other source's lists miss the official count.

    The official count is the scrape's (YES, NO and ABSENT COUNT, the Digital Library's totals).
    A text is taken from the scrape where the other source's yes/no/abstain counted from its
    lists differ from it and the scrape's lists, kept to the states the other source lists on
    the roll call, give it exactly. Who may vote stays the other source's (membership spans and
    seats differ between sources), so only votes change: a state it lists that the scrape does
    not is absent. Not taken: a text the scrape dates after `last_date`, and a roll call in
    `part_votes` (a vote on an amendment or a paragraph, whose tally is not the text's).
    `existing` and `scraped` are `overlap_disagreements`'s frames, `texts` the scrape's
    resolutions. Returns res_id, iso3, vote, source under the other source's res_id, so its
    resolution row is kept.
    """
    in_time = texts.loc[texts["date"] <= last_date, "key"]
    candidates = existing[existing["key"].isin(in_time) & ~existing["res_id"].isin(part_votes)]
    both = candidates[["key", "res_id", "iso3"]].merge(
        scraped[["key", "iso3", "vote"]], on=["key", "iso3"], how="left"
    )
    both["vote"] = both["vote"].fillna("absent")

    def tallies(votes: pd.DataFrame) -> pd.DataFrame:
        cast = votes[votes["vote"].isin(CAST)]
        counts = cast.groupby(["key", "vote"]).size().unstack(fill_value=0)
        return counts.reindex(index=keys, columns=list(CAST), fill_value=0)

    keys = candidates["key"].unique()
    official = texts.set_index("key").reindex(keys)[[f"official_{v}" for v in CAST]]
    official.columns = list(CAST)
    chosen = (tallies(candidates) != official).any(axis=1) & (tallies(both) == official).all(axis=1)
    taken = both[both["key"].isin(chosen.index[chosen])]
    return taken[["res_id", "iso3", "vote"]].assign(source="undl2022").reset_index(drop=True)


def overlap_disagreements(
    existing: pd.DataFrame,
    scraped: pd.DataFrame,
    reviewed: pd.DataFrame,
    replaced: pd.DataFrame,
    source: str,
) -> pd.DataFrame:
    """Every state vote on which another source and the scrape disagree, on the texts both hold.

    Both frames are keyed by (key, iso3) with a `vote`; `existing` also names its `res_id` and
    `source`. A state one of them does not list is 'none' (not a member, for the scrape). Each
    disagreement's kind (the pair of votes) must have a reason in the reviewed file; a new
    kind stops the run. `record` is the vote the record keeps: the other source's, or on a text
    `scrape_where_official` took from the scrape, the vote in `replaced` (res_id, iso3, vote),
    with that rule as the reason; there a state whose `record` differs from `existing` changed.
    """
    joined = existing.merge(
        scraped[["key", "iso3", "vote"]],
        on=["key", "iso3"],
        how="outer",
        suffixes=("_existing", "_un_dl"),
    )
    joined[["res_id", "source"]] = joined.groupby("key")[["res_id", "source"]].transform("first")
    joined = joined.fillna({"vote_existing": "none", "vote_un_dl": "none"})
    differ = joined[joined["vote_existing"] != joined["vote_un_dl"]]
    listed = differ.rename(columns={"vote_existing": "existing", "vote_un_dl": "un_dl"}).merge(
        reviewed[["existing", "un_dl", "reason"]], on=["existing", "un_dl"], how="left"
    )
    new = listed[listed["reason"].isna()]
    if not new.empty:
        kinds = new.groupby(["existing", "un_dl"]).size().rename("states").reset_index()
        raise DataError(
            source,
            "state votes",
            "the same vote in both sources, or the kind of difference reviewed with a reason",
            kinds.to_dict("records"),
        )
    taken = listed["res_id"].isin(replaced["res_id"])
    now = listed[["res_id", "iso3"]].merge(replaced[["res_id", "iso3", "vote"]], how="left")
    listed["record"] = listed["existing"].where(~taken, now["vote"].fillna("none").to_numpy())
    listed.loc[taken, "reason"] = REPLACED_REASON
    columns = ["key", "res_id", "source", "iso3", "existing", "un_dl", "record", "reason"]
    return listed[columns].sort_values(["key", "iso3"]).reset_index(drop=True)


def coverage_by_year(
    resolutions: pd.DataFrame,
    scraped: pd.DataFrame,
    years: tuple[int, int],
    scrape_last: pd.Timestamp,
    reviewed: pd.DataFrame,
    source: str,
) -> pd.DataFrame:
    """Recorded General Assembly texts per year: in the record, from each source, and in the
    whole scrape. A text is its key (or its res_id where the symbol has none). A year up to
    the scrape's last date with fewer texts in the record than in the scrape must be explained
    in the reviewed file; otherwise the run stops."""
    recorded = resolutions[(resolutions["body"] == "GA") & resolutions["recorded_vote"]]
    texts = recorded.assign(
        year=recorded["date"].dt.year,
        text=recorded["symbol"].map(text_key).fillna(recorded["res_id"]),
    )
    index = pd.RangeIndex(years[0], years[1] + 1, name="year")
    table = pd.DataFrame({"record": texts.groupby("year")["text"].nunique()}).reindex(index)
    for name, part in texts.groupby("source"):
        table[name] = part.groupby("year")["text"].nunique()
    table["un_dl_2022_all"] = scraped.groupby(scraped["date"].dt.year)["key"].nunique()
    table = table.reindex(index).fillna(0).astype(int)
    short = table[(table.index <= scrape_last.year) & (table["record"] < table["un_dl_2022_all"])]
    explained = short.index.isin(reviewed["year"].astype(int))
    if not explained.all():
        raise DataError(
            source,
            "years",
            "as many recorded texts in the record as in the scrape, or a reviewed reason",
            short[~explained][["record", "un_dl_2022_all"]].reset_index().to_dict("records"),
        )
    return table.reset_index()
