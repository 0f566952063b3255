"""The full-record state-text panel: every member on every recorded General Assembly text since
`within.first_year`, and on every General Assembly text with a sponsor list, with the texts'
patron-opposed flags and each state's lagged ties to every patron.

It is what the within-state designs compare: the same state on texts its patron opposes and
on its other texts. Stored typed and columnar (categoricals, int8 flags, float32 ties) so the
half-million rows stay small in memory.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.features.rules import evaluate

# Votes that are not a vote: members under Article 19 could not vote and are left out.
NOT_A_VOTE = "no_right_to_vote"
VOTES = ("yes", "abstain", "no", "absent")


def tie_column(measure: str, patron: str, lag: int | None = None) -> str:
    """The panel's column of a tie; `lag`: one of within.multiverse.lag_years other than
    the main within.lag_years."""
    return f"{measure}_{patron}" if lag is None else f"{measure}_{patron}_lag{lag}"


def opposed_column(patron: str, rule: str | None = None) -> str:
    """The panel's patron-opposed flag; `rule`: a name of within.multiverse.opposed_rules
    (None: the main rule, text_patrons.patron_opposed)."""
    return f"opposed_{patron}" if rule is None else f"opposed_{rule}_{patron}"


def _members_on(texts: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Every member state on the date of each text (for texts adopted without a vote, whose
    record lists no states)."""
    pairs = texts[["res_id", "date"]].merge(countries[["iso3", "member_from", "member_to"]],
                                            how="cross")
    member = (pairs["member_from"] <= pairs["date"]) & (
        pairs["member_to"].isna() | (pairs["member_to"] > pairs["date"]))
    return pairs.loc[member, ["res_id", "iso3"]]


def build_record_panel(
    resolutions: pd.DataFrame, votes: pd.DataFrame, sponsorships: pd.DataFrame,
    text_patrons: pd.DataFrame, ties: pd.DataFrame, countries: pd.DataFrame, settings: dict,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The state-text panel and a count of the state-texts left out, by reason."""
    first = settings["first_year"]
    ga = resolutions.loc[(resolutions["body"] == "GA") & (resolutions["date"].dt.year >= first)]
    listed = set(sponsorships.loc[sponsorships["body"] == "GA", "res_id"])
    recorded = ga.loc[ga["recorded_vote"], ["res_id", "date"]]
    consensus = ga.loc[~ga["recorded_vote"] & ga["res_id"].isin(listed), ["res_id", "date"]]

    cast = votes.loc[votes["res_id"].isin(recorded["res_id"]), ["res_id", "iso3", "vote"]]
    lost = [("no right to vote (Article 19)", int((cast["vote"] == NOT_A_VOTE).sum()))]
    cast = cast.loc[cast["vote"] != NOT_A_VOTE]
    unknown = sorted(set(cast["vote"]) - set(VOTES))
    if unknown:
        raise DataError("results/data/votes.parquet", "vote", f"one of {VOTES}", unknown)
    joined = _members_on(consensus, countries).assign(vote=pd.NA)
    rows = pd.concat([cast, joined], ignore_index=True)
    dates = pd.concat([recorded, consensus]).set_index("res_id")["date"]
    rows["date"] = rows["res_id"].map(dates)
    rows["year"] = rows["date"].dt.year.astype("int16")
    rows["recorded"] = rows["vote"].notna()
    # Among yes voters: those who voted yes, and every member on a text adopted without a vote.
    rows["joined"] = ~rows["recorded"] | (rows["vote"].fillna("") == "yes")
    rows["not_yes"] = pd.array(np.where(rows["recorded"], rows["vote"] != "yes", pd.NA),
                               dtype="Int8")

    sponsors = sponsorships.loc[sponsorships["body"] == "GA", ["res_id", "iso3"]].drop_duplicates()
    rows["sponsor_list"] = rows["res_id"].isin(listed)
    key = rows["res_id"] + "|" + rows["iso3"]
    cosponsored = key.isin(sponsors["res_id"] + "|" + sponsors["iso3"])
    rows["cosponsor"] = pd.array(np.where(rows["sponsor_list"], cosponsored, pd.NA), dtype="Int8")

    group = countries.set_index("iso3")["un_group"]
    outside = ~rows["iso3"].isin(group.index)
    lost.append(("state not in the country list", int(outside.sum())))
    rows = rows.loc[~outside].copy()
    rows["un_group"] = rows["iso3"].map(group)

    opposed = text_patrons.pivot(index="res_id", columns="patron", values="patron_opposed")
    for patron in settings["ties"]:
        flag = rows["res_id"].map(opposed[patron].astype("boolean"))
        # A text adopted without a vote was opposed by no patron: none called for a vote.
        rows[opposed_column(patron)] = flag.fillna(False).astype(bool)
    # The multiverse's other patron-opposed rules, on the same fields of each text.
    for name, rule in settings["multiverse"]["opposed_rules"].items():
        flags = text_patrons.assign(flag=evaluate(
            text_patrons, rule, f"within.multiverse.opposed_rules.{name}")).pivot(
            index="res_id", columns="patron", values="flag")
        for patron in settings["ties"]:
            flag = rows["res_id"].map(flags[patron])
            rows[opposed_column(patron, name)] = flag.fillna(0.0).astype(bool)

    # Each patron's ties at the main lag, and its main tie at the multiverse's other lags.
    main, tie = settings["lag_years"], settings["main_tie"]
    wanted = [(lag, None if lag == main else lag) for lag in
              dict.fromkeys([main, *settings["multiverse"]["lag_years"]])]
    for lag, suffix in wanted:
        lagged = ties.assign(year=(ties["year"] + lag).astype("int16"))
        for patron, measures in settings["ties"].items():
            measures = measures if suffix is None else [tie]
            own = lagged.loc[lagged["patron"] == patron, ["iso3", "year", *measures]]
            own = own.astype({"iso3": str}).rename(
                columns={m: tie_column(m, patron, suffix) for m in measures})
            rows = rows.merge(own, on=["iso3", "year"], how="left")

    ties_of = [tie_column(m, p) for p, measures in settings["ties"].items() for m in measures]
    ties_of += [tie_column(tie, p, suffix) for _, suffix in wanted if suffix is not None
                for p in settings["ties"]]
    panel = rows.astype({"res_id": "category", "iso3": "category", "un_group": "category",
                         "vote": "category", **{c: "float32" for c in ties_of}})
    panel = panel.sort_values(["res_id", "iso3"], ignore_index=True)
    left_out = pd.DataFrame(lost, columns=["reason", "state_texts"])
    return panel, left_out


def record_summary(panel: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Texts, states and state-texts of each view of the panel, for each patron: what the
    paper cites for the within-state design's reach."""
    rows = []
    for patron in settings["ties"]:
        own = panel.loc[panel["iso3"] != patron]
        opposed = own[opposed_column(patron)]
        for view, sample in (("votes", own["recorded"]), ("sponsor_lists", own["sponsor_list"]),
                             ("sponsor_lists_yes", own["sponsor_list"] & own["joined"])):
            part = own.loc[sample]
            rows.append({
                "patron": patron, "view": view, "texts": part["res_id"].nunique(),
                "opposed_texts": part.loc[opposed[sample], "res_id"].nunique(),
                "states": part["iso3"].nunique(), "state_texts": len(part),
                "first_year": int(part["year"].min()), "last_year": int(part["year"].max()),
            })
    return pd.DataFrame(rows)
