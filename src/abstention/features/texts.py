"""Recorded General Assembly texts classified for each patron: how the patron voted, whether
the text concerns the patron's own conflicts, how a reference bloc voted, and whether the
patron opposed it under the config rule (`text_patrons.patron_opposed`).

The rule is config, not code, so "patron-opposed" can be redefined (a no vote only; a no vote
or an abstention on one's own conflicts; a no vote against a united West) without touching
this module; it may read only the fields in `RULE_FIELDS`.
"""

from __future__ import annotations

import pandas as pd

from abstention.errors import DataError
from abstention.features.rules import CONFIG, TEXT_RULE_FIELDS, check_rules, evaluate
from abstention.vote_codes import CAST

RULE_FIELDS = TEXT_RULE_FIELDS
PATRON_VOTES = ("yes", "no", "abstain", "absent", "no_right_to_vote", "not_member")


def check_settings(settings: dict, patrons, groups):
    """Conflicts given for every patron, a known reference group, and a rule over known
    fields."""
    missing = sorted(set(patrons) - set(settings["own_conflicts"]))
    extra = sorted(set(settings["own_conflicts"]) - set(patrons))
    if missing or extra:
        raise DataError(CONFIG, "text_patrons.own_conflicts",
                        f"one entry per patron of ties.patrons {list(patrons)}",
                        {"missing": missing, "not a patron": extra})
    if settings["reference_group"] not in groups:
        raise DataError(CONFIG, "text_patrons.reference_group",
                        f"one of {sorted(groups)}", settings["reference_group"], known=groups)
    check_rules({"patron_opposed": settings["patron_opposed"]}, list(RULE_FIELDS), "text_patrons")


def _own_conflict(texts: pd.DataFrame, conflict: dict) -> pd.Series:
    by_symbol = texts["symbol"].isin(conflict["symbols"])
    title = "|".join(conflict["title_patterns"]) or "(?!)"
    by_title = texts["title"].fillna("").str.contains(title, case=False, regex=True)
    return by_symbol | by_title


def classify_texts(
    resolutions: pd.DataFrame, votes: pd.DataFrame, countries: pd.DataFrame, settings: dict,
    patrons,
) -> pd.DataFrame:
    """One row per recorded General Assembly text and patron."""
    texts = resolutions.loc[
        (resolutions["body"] == "GA") & resolutions["recorded_vote"],
        ["res_id", "symbol", "date", "title"],
    ].reset_index(drop=True)
    cast = votes.loc[votes["res_id"].isin(texts["res_id"])]
    group = settings["reference_group"]
    bloc = set(countries.loc[countries["un_group"] == group, "iso3"])
    bloc_votes = cast.loc[cast["iso3"].isin(bloc)]
    bloc_cast = bloc_votes.loc[bloc_votes["vote"].isin(CAST)]
    share = (bloc_cast["vote"] == "yes").groupby(bloc_cast["res_id"]).mean()
    size = bloc_cast.groupby("res_id").size()
    rows = []
    for patron in patrons:
        by_patron = cast.loc[cast["iso3"] == patron].set_index("res_id")["vote"]
        rows.append(texts.assign(
            patron=patron,
            patron_vote=texts["res_id"].map(by_patron).astype("object").fillna("not_member"),
            own_conflict=_own_conflict(texts, settings["own_conflicts"][patron]),
        ))
    classified = pd.concat(rows, ignore_index=True)
    classified["year"] = classified["date"].dt.year
    classified["bloc_yes_share"] = classified["res_id"].map(share)
    classified["bloc_size"] = classified["res_id"].map(size).fillna(0).astype("int64")
    unknown = sorted(set(classified["patron_vote"]) - set(PATRON_VOTES))
    if unknown:
        raise DataError("votes", "vote", f"one of {list(PATRON_VOTES)}", unknown)
    opposed = evaluate(classified[list(RULE_FIELDS)], settings["patron_opposed"],
                       "text_patrons.patron_opposed")
    classified["patron_opposed"] = opposed.astype("boolean")
    classified["patron"] = classified["patron"].astype("category")
    return classified.drop(columns=["title"]).sort_values(["patron", "date", "res_id"],
                                                          ignore_index=True)


def patron_summary(classified: pd.DataFrame) -> pd.DataFrame:
    """Per patron and decade: recorded texts, the patron's no votes, own-conflict texts and
    texts the rule calls patron-opposed."""
    decade = (classified["year"] // 10 * 10).astype(str) + "s"
    return (
        classified.assign(decade=decade, patron_no=classified["patron_vote"] == "no")
        .groupby(["patron", "decade"], observed=True)
        .agg(texts=("res_id", "size"), patron_no=("patron_no", "sum"),
             own_conflict=("own_conflict", "sum"),
             patron_opposed=("patron_opposed", "sum"))
        .reset_index()
    )
