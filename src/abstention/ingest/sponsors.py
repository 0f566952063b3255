"""Sponsor lists to states.

A sponsor entry in the UN extracts is usually one state, but may be a
sentence: "Australia, Austria and Nigeria (on behalf of the Group of African
States)", or a note that a Vice-Chair or a committee submitted the draft.
Group statements resolve to the state that spoke for the group. Entries that
name no state as sponsor (facilitators, committees) match a reviewed pattern
and are reported, never mapped; anything else that maps to no state stops
the run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from abstention.errors import DataError
from abstention.ingest.countries import CountryMapper

SPOKESPERSON_NOTE = re.compile(r"^\s*\((?:on behalf of|in its capacity as)\b", re.IGNORECASE)
SPOKESPERSON_CLAUSE = re.compile(r"^(?:on behalf of|in its capacity as)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SponsorTables:
    sponsorships: pd.DataFrame
    skipped: pd.DataFrame


def _drop_spokesperson_notes(text: str) -> str:
    """Remove every '(on behalf of ...)' group, nested parentheses included."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "(" and SPOKESPERSON_NOTE.match(text[i:]):
            depth = 0
            while i < len(text):
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                i += 1
                if depth == 0:
                    break
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _split_top_level(text: str, separator: str) -> list[str]:
    parts, depth, current = [], 0, []
    i = 0
    while i < len(text):
        char = text[i]
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and text.startswith(separator, i):
            parts.append("".join(current))
            current = []
            i += len(separator)
            continue
        current.append(char)
        i += 1
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def split_entry(entry: str, mapper: CountryMapper) -> list[str]:
    """The state names in one sponsor entry; a name containing 'and' stays whole if it maps."""
    names = []
    for piece in _split_top_level(_drop_spokesperson_notes(entry), ","):
        if SPOKESPERSON_CLAUSE.match(piece):
            continue
        if len(mapper.lookup(piece)) == 1:
            names.append(piece)
            continue
        tokens = _split_top_level(piece.replace(" AND ", " and "), " and ")
        names.extend(_partition(tokens, mapper) or tokens)
    return names


def _partition(tokens: list[str], mapper: CountryMapper) -> list[str] | None:
    """Join 'and'-separated tokens back into names that each map to one state, longest first:
    'Trinidad and Tobago and United Kingdom ... and Northern Ireland' gives two states."""
    if not tokens:
        return []
    for end in range(len(tokens), 0, -1):
        head = " and ".join(tokens[:end])
        if len(mapper.lookup(head)) == 1:
            rest = _partition(tokens[end:], mapper)
            if rest is not None:
                return [head, *rest]
    return None


def build_sponsorships(
    entries: pd.DataFrame, mapper: CountryMapper, nonstate_patterns: list[dict], source: str
) -> SponsorTables:
    """res_id, iso3, role (sponsor wins over additional), plus the entries skipped with reasons."""
    compiled = [(re.compile(p["pattern"], re.IGNORECASE), p["reason"]) for p in nonstate_patterns]
    @cache  # entries repeat: each is read once
    def read_entry(entry: str) -> tuple[str | None, list[str]]:
        reason = next((r for pattern, r in compiled if pattern.search(entry)), None)
        if reason is None and not entry.strip():
            reason = "empty entry"
        return reason, [] if reason else split_entry(entry, mapper)

    rows, skipped = [], []
    for res_id, entry, role in entries[["res_id", "entry", "role"]].itertuples(index=False):
        reason, names = read_entry(entry)
        if reason is not None:
            skipped.append({"res_id": res_id, "entry": entry, "role": role, "reason": reason})
            continue
        rows.extend({"res_id": res_id, "name": n, "role": role} for n in names)
    frame = pd.DataFrame(rows, columns=["res_id", "name", "role"])
    try:
        mapping = mapper.to_iso3(frame["name"], source)
    except DataError as exc:
        raise DataError(
            source,
            "sponsor names",
            exc.expected + " or a non-state pattern in config (sponsors.nonstate_patterns)",
            exc.found,
        ) from exc
    frame["iso3"] = frame["name"].map(mapping)
    frame["rank"] = frame["role"].map({"sponsor": 0, "additional": 1})
    frame = (
        frame.sort_values(["res_id", "iso3", "rank"])
        .drop_duplicates(["res_id", "iso3"])[["res_id", "iso3", "role"]]
        .reset_index(drop=True)
    )
    return SponsorTables(
        frame, pd.DataFrame(skipped, columns=["res_id", "entry", "role", "reason"])
    )


ADOPTION = {True: "recorded vote", False: "without a vote"}


def with_adoption(sponsorships: pd.DataFrame, resolutions: pd.DataFrame) -> pd.DataFrame:
    """Each sponsorship with its text's body, session and adoption (a recorded vote or none),
    so General Assembly and Security Council lists stay apart by `body`."""
    texts = resolutions[["res_id", "body", "session", "recorded_vote"]]
    joined = sponsorships.merge(texts, on="res_id", how="left", validate="many_to_one")
    unknown = joined.loc[joined["body"].isna(), "res_id"].unique()
    if len(unknown):
        raise DataError("resolutions", "res_id", "a text for every sponsor list",
                        list(unknown[:10]))
    joined["adoption"] = joined.pop("recorded_vote").map(ADOPTION)
    return joined[["res_id", "iso3", "role", "body", "session", "adoption"]]


def sponsorship_by_session(
    resolutions: pd.DataFrame, sponsorships: pd.DataFrame, skipped: pd.DataFrame, source: str
) -> pd.DataFrame:
    """Per body and session of the UN extracts: texts, texts with a state sponsor list (by
    adoption), texts submitted only by an officer or organ, and co-sponsorships."""
    texts = resolutions.loc[resolutions["source"] == source]
    listed = set(sponsorships["res_id"])
    officer_only = set(skipped["res_id"]) - listed
    table = texts.assign(
        with_list=texts["res_id"].isin(listed),
        officer_only=texts["res_id"].isin(officer_only),
        recorded_with_list=texts["res_id"].isin(listed) & texts["recorded_vote"],
    ).groupby(["body", "session"]).agg(
        texts=("res_id", "size"),
        texts_with_state_sponsors=("with_list", "sum"),
        of_which_recorded_vote=("recorded_with_list", "sum"),
        submitted_by_officer_only=("officer_only", "sum"),
    )
    counts = sponsorships.groupby(["body", "session"]).agg(
        cosponsorships=("iso3", "size"), sponsoring_states=("iso3", "nunique"))
    table = table.join(counts).fillna(0).astype("int64").reset_index()
    table["of_which_without_vote"] = (
        table["texts_with_state_sponsors"] - table["of_which_recorded_vote"])
    return table
