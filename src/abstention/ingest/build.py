"""From the raw UN sources to the clean tables: one entry point for the workflow and tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from abstention.ingest import votes as v
from abstention.ingest.article19 import apply_article19
from abstention.ingest.countries import country_mapper
from abstention.ingest.readers import un2025, un_dl, un_json, voeten
from abstention.ingest.readers.article19 import read_lost_votes
from abstention.ingest.sponsors import build_sponsorships, sponsorship_by_session, with_adoption

COVERAGE_YEARS = (1946, 2026)


@dataclass(frozen=True)
class UNInputs:
    ga_files: list[Path]
    sc_files: list[Path]
    votes_2025: Path
    un_dl: Path
    un_dl_columns: Path
    un_dl_row_fixes: Path
    un_dl_overlap_review: Path
    coverage_review: Path
    article19: Path
    voeten_published: Path
    unvotes: Path
    roll_calls: Path
    codelist: Path
    regional_groups: Path
    known_tally_issues: Path
    sponsor_nonstate_patterns: Path
    sponsor_entry_fixes: Path
    date_corrections: Path


def _apply_entry_fixes(entries: pd.DataFrame, fixes: pd.DataFrame) -> pd.DataFrame:
    """Reviewed corrections of sponsor entries whose separators the source lost."""
    normalised = entries["entry"].map(lambda e: " ".join(str(e).split()))
    table = {" ".join(r.split()): c for r, c in zip(fixes["raw"], fixes["corrected"], strict=True)}
    return entries.assign(entry=normalised.map(lambda e: table.get(e, e)))


def build_un_tables(inputs: UNInputs, settings: dict) -> dict[str, pd.DataFrame]:
    mapper = country_mapper(inputs.codelist)
    published = voeten.read_published(inputs.voeten_published)
    roll_calls = voeten.read_roll_calls(inputs.roll_calls)
    published = v.complete_published(published, roll_calls, str(inputs.voeten_published))
    published["iso3"] = mapper.cow_to_iso3(
        published["ccode"], published["date"], inputs.voeten_published
    )
    unvotes = voeten.read_unvotes(inputs.unvotes)
    roll_call_dates = roll_calls.set_index("rcid")["date"]
    unvotes["iso3"] = mapper.names_to_iso3_by_cow(
        unvotes["country"], unvotes["rcid"].map(roll_call_dates), inputs.unvotes
    )

    groups = v.regional_groups(pd.read_csv(inputs.regional_groups), mapper,
                               str(inputs.regional_groups), settings["regional_groups"]["choose"])
    spans = v.membership(published, published["date"].max())
    countries = v.build_countries(spans, groups, mapper, str(inputs.regional_groups))

    rule = settings["votes"]
    old = v.voeten_tables(published, roll_calls, rule["voeten_last_session"],
                          str(inputs.voeten_published))
    middle = v.unvotes_tables(unvotes, roll_calls, tuple(rule["unvotes_sessions"]), countries,
                              str(inputs.unvotes))
    ga_records = un_json.read_resolution_files(inputs.ga_files, "GA")
    sc_records = un_json.read_resolution_files(inputs.sc_files, "SC")
    corrections = pd.read_csv(inputs.date_corrections, dtype=str)
    sc_records = un_json.ResolutionRecords(
        v.correct_dates(sc_records.resolutions, corrections, "data/raw/un_sc_resolutions"),
        sc_records.listed_votes,
        sc_records.sponsor_entries,
    )
    ga = v.json_tables(ga_records, "GA", countries, mapper, rule["json_first_session"],
                       "data/raw/un_ga_resolutions")
    sc = v.json_tables(sc_records, "SC", countries, mapper, rule["json_first_session"],
                       "data/raw/un_sc_resolutions")

    records_2025 = un2025.read_votes_2025(inputs.votes_2025)
    recent = v.votes_2025_tables(records_2025, countries, set(ga.resolutions["symbol"]),
                                 str(inputs.votes_2025))

    existing = (old, middle, ga, recent)
    keys = v.general_assembly_keys(pd.concat([p.resolutions for p in existing]))
    records_dl = un_dl.read_un_dl(inputs.un_dl, mapper, inputs.un_dl_columns,
                                  inputs.un_dl_row_fixes)
    dl_last = pd.Timestamp(rule["un_dl_last_date"])
    filled = v.un_dl_tables(records_dl, countries, set(keys.dropna()), dl_last,
                            str(inputs.un_dl))
    shared_texts = _existing_vs_un_dl(existing, keys, records_dl)
    part_votes = set(v.roll_call_id(roll_calls.loc[roll_calls["part"], "rcid"]))
    replaced = v.scrape_where_official(*shared_texts, records_dl.resolutions, dl_last, part_votes)
    disagreements = v.overlap_disagreements(
        *shared_texts, pd.read_csv(inputs.un_dl_overlap_review, dtype=str), replaced,
        str(inputs.un_dl_overlap_review))

    parts = (old, middle, ga, sc, recent, filled)
    resolutions = pd.concat([p.resolutions for p in parts], ignore_index=True)
    resolutions["ukraine_russia"] = v.flag_ukraine_russia(resolutions, settings["ukraine_russia"])
    votes = pd.concat([p.votes for p in parts], ignore_index=True)
    votes = pd.concat([votes[~votes["res_id"].isin(replaced["res_id"])], replaced],
                      ignore_index=True)
    windows = read_lost_votes(inputs.article19, countries)
    votes, article19 = apply_article19(votes, resolutions, windows,
                                       settings["article19"]["certainty"], str(inputs.article19))
    listing = pd.concat([p.listing_report for p in parts], ignore_index=True)

    entries = pd.concat([ga_records.sponsor_entries, sc_records.sponsor_entries])
    entries = _apply_entry_fixes(entries, pd.read_csv(inputs.sponsor_entry_fixes))
    entries = entries[entries["res_id"].isin(resolutions["res_id"])]
    patterns = pd.read_csv(inputs.sponsor_nonstate_patterns).to_dict("records")
    sponsors = build_sponsorships(entries, mapper, patterns, "data/raw/un_*_resolutions")
    sponsorships = with_adoption(sponsors.sponsorships, resolutions)

    known = pd.read_csv(inputs.known_tally_issues, dtype=str)
    tally = v.tally_report(resolutions, votes, listing, known, str(inputs.known_tally_issues))
    pairs = _overlap_pairs(published, unvotes, roll_calls, ga, records_2025,
                           rule["voeten_last_session"])
    pairs["existing vs un_dl_2022 (texts both hold)"] = shared_texts
    overlap = v.overlap_report(pairs)
    coverage = v.coverage_by_year(resolutions, records_dl.resolutions, COVERAGE_YEARS, dl_last,
                                  pd.read_csv(inputs.coverage_review, dtype=str),
                                  str(inputs.coverage_review))
    return {
        "resolutions": resolutions,
        "votes": votes,
        "sponsorships": sponsorships,
        "sponsorship_by_session": sponsorship_by_session(
            resolutions, sponsorships, sponsors.skipped, v.UN_EXTRACT_SOURCE),
        "countries": countries,
        "tally_report": tally,
        "source_overlap": overlap,
        "un_dl_disagreements": disagreements,
        "coverage_by_year": coverage,
        "listing_report": listing,
        "sponsor_entries_skipped": sponsors.skipped,
        "article19_report": article19,
    }


def _existing_vs_un_dl(existing, keys, records_dl):
    """The other sources' votes (before Article 19) and the scrape's, keyed by text, on the
    texts both hold; a text with several roll calls in the other sources (votes on parts) is
    left out, as it cannot be matched to the scrape's one row."""
    single = keys.dropna()
    single = single[~single.duplicated(keep=False)]
    votes = pd.concat([p.votes for p in existing], ignore_index=True)
    votes = votes[votes["res_id"].isin(single.index)]
    votes = votes.assign(key=votes["res_id"].map(single))
    texts = records_dl.resolutions.set_index("symbol")["key"]
    scraped = records_dl.listed_votes.assign(key=records_dl.listed_votes["symbol"].map(texts))
    # isin with the distinct keys: pandas converts each value it is given to an Arrow scalar.
    scraped = scraped[scraped["key"].isin(votes["key"].unique())]
    votes = votes[votes["key"].isin(scraped["key"].unique())]
    return votes[["key", "res_id", "source", "iso3", "vote"]], scraped[["key", "iso3", "vote"]]


def _overlap_pairs(published, unvotes, roll_calls, ga, records_2025, last_session):
    """Voeten 2016 vs unvotes on the sessions both cover; unvotes vs UN extracts on the
    resolutions of the first session the extracts cover (one roll call per symbol); UN
    extracts vs the 2025 column extract on the symbols both hold."""
    session = unvotes["rcid"].map(roll_calls.set_index("rcid")["session"])
    both = unvotes[session <= last_session].assign(key=unvotes["rcid"])
    old = published[published["rcid"].isin(both["rcid"])].assign(key=published["rcid"])
    first_json = str(min(int(s) for s in ga.resolutions["session"] if s.isdigit()))
    calls = roll_calls[roll_calls["session"].astype(str) == first_json]
    single = calls[~calls["unres"].duplicated(keep=False)].set_index("rcid")["unres"]
    later = unvotes[unvotes["rcid"].isin(single.index)]
    later = later.assign(key=later["rcid"].map(single).str.strip())
    json_votes = ga.votes.assign(key=ga.votes["res_id"])
    columns = ["key", "iso3", "vote"]
    extract_2025 = records_2025.listed_votes.assign(key=records_2025.listed_votes["symbol"])
    return {
        f"voeten2016 vs unvotes (sessions to {last_session})": (old[columns], both[columns]),
        f"unvotes vs unxml (session {first_json})": (later[columns], json_votes[columns]),
        "unxml vs unga2025 (2025)": (json_votes[columns], extract_2025[columns]),
    }
