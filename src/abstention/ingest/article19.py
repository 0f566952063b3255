"""Article 19 of the Charter in the vote table: a member in arrears has no vote in the Assembly.

A recorded non-vote of a state that had lost its vote is not a choice to stay away, so it is
recoded `no_right_to_vote`, which takes it out of the risk set of the analysis. Which windows
are applied is a config choice by certainty (`article19.certainty`); every state-vote a window
covers is tagged with that window's certainty in the `article19` column whether applied or not.
"""

from __future__ import annotations

import pandas as pd

from abstention.errors import DataError
from abstention.vote_codes import CAST, NO_RIGHT_TO_VOTE

REPORT_COLUMNS = ["res_id", "symbol", "date", "iso3", "recorded", "vote", "certainty",
                  "lost_from", "lost_to", "to_precision", "action"]


def _covered(votes: pd.DataFrame, resolutions: pd.DataFrame, windows: pd.DataFrame
             ) -> pd.DataFrame:
    """General Assembly state-votes inside a window [lost_from, lost_to), with the window."""
    assembly = resolutions.loc[resolutions["body"].eq("GA"), ["res_id", "symbol", "date"]]
    listed = votes[votes["iso3"].isin(set(windows["iso3"]))]  # the few states with a window
    rows = listed.reset_index(names="row").merge(assembly, on="res_id")
    rows = rows.merge(windows.reset_index(names="window"), on="iso3")
    inside = (rows["date"] >= rows["lost_from"]) & (
        rows["lost_to"].isna() | (rows["date"] < rows["lost_to"]))
    return rows[inside]


def apply_article19(
    votes: pd.DataFrame,
    resolutions: pd.DataFrame,
    windows: pd.DataFrame,
    applied: list[str],
    source: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Recode absences inside the applied windows; return the votes and a report of every
    covered state-vote with the action taken.

    Actions: `recoded` (absent -> no_right_to_vote); `not_applied` (absent, the window's
    certainty is not in `applied`); `absent_after_cast_vote` (absent on or after a vote the
    state cast inside the same window: it had its vote back by then, so the absence stays);
    `conflict` (a vote cast inside the window, kept as recorded).

    A conflict with a `confirmed` window whose end is exact or open stops the run: the table
    then asserts the state could not vote on a day the roll call shows it voting, so one of
    the two is wrong and the row must be reviewed. Where the end is approximate or an upper
    bound, a cast vote only shows the vote came back earlier than reported; it is reported,
    not fatal (Venezuela voted from November 2020 on, before the reported 16 December).
    """
    covered = _covered(votes, resolutions, windows)
    cast = covered["vote"].isin(CAST)
    first_cast = covered["date"].where(cast).groupby(covered["window"]).transform("min")
    after_cast = covered["date"] >= first_cast
    action = pd.Series("recoded", index=covered.index)
    action[~covered["certainty"].isin(applied)] = "not_applied"
    action[after_cast] = "absent_after_cast_vote"
    action[cast] = "conflict"
    fatal = cast & covered["certainty"].eq("confirmed") & (
        covered["to_precision"].eq("exact") | covered["lost_to"].isna())
    if fatal.any():
        first = covered[fatal].iloc[0]
        end = "its restoration" if pd.isna(first["lost_to"]) else first["lost_to"].date()
        raise DataError(source, f"{first['iso3']} {first['symbol']}",
                        f"no vote cast from {first['lost_from'].date()} to {end} "
                        "(a confirmed loss of vote)", first["vote"])
    recoded = covered.loc[action.eq("recoded"), "row"]
    out = votes.copy()
    out["article19"] = pd.Series(covered["certainty"].to_numpy(),
                                 index=covered["row"].to_numpy()).reindex(out.index)
    out.loc[recoded, "vote"] = NO_RIGHT_TO_VOTE
    report = covered.assign(recorded=covered["vote"], action=action,
                            vote=covered["row"].map(out["vote"]))
    report = report[REPORT_COLUMNS].sort_values(["date", "res_id", "iso3"])
    return out, report.reset_index(drop=True)
