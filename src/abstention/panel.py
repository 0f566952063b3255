"""The analysis panel: member state x Russia/Ukraine recorded vote, with outcomes and features.

Outcomes are derived here and nowhere else:
- `not_yes`: 1 for abstain, absent or no; 0 for yes.
- `abstain_or_absent`: 1 for abstain or absent, 0 for yes, missing for no.
- `cosponsor`: 1 if the state sponsored or additionally sponsored the draft.
- `support_ladder`: 0 no < 1 abstain or absent < 2 yes < 3 yes and co-sponsor.
A state without the right to vote (Article 19, vote `no_right_to_vote`) is outside the risk
set: all three vote outcomes are missing for it.
"""

from __future__ import annotations

import pandas as pd

from abstention.votes import NO_RIGHT_TO_VOTE


def derive_outcomes(frame: pd.DataFrame) -> pd.DataFrame:
    vote = frame["vote"]
    out = frame.copy()
    entitled = vote != NO_RIGHT_TO_VOTE
    out["not_yes"] = (vote != "yes").astype("Int64").where(entitled)
    withheld = vote.isin(["abstain", "absent"]).astype(float)
    out["abstain_or_absent"] = withheld.where(entitled & (vote != "no"))
    ladder = vote.map({"no": 0, "abstain": 1, "absent": 1, "yes": 2})
    out["support_ladder"] = (ladder + ((vote == "yes") & (out["cosponsor"] == 1))).astype("Int64")
    return out


def build_panel(resolutions: pd.DataFrame, votes: pd.DataFrame, sponsorships: pd.DataFrame,
                features: pd.DataFrame, selected: pd.Series) -> pd.DataFrame:
    """One row per state and selected recorded vote; `selected` flags rows of `resolutions`."""
    chosen = resolutions.loc[selected, ["res_id", "symbol", "session", "date", "title"]]
    rows = votes.merge(chosen, on="res_id", how="inner")
    sponsored = sponsorships.assign(cosponsor=1)[["res_id", "iso3", "cosponsor"]]
    rows = rows.merge(sponsored, on=["res_id", "iso3"], how="left")
    rows["cosponsor"] = rows["cosponsor"].fillna(0).astype(int)
    rows = rows.merge(features, on="iso3", how="left", validate="many_to_one")
    rows = derive_outcomes(rows)
    return rows.sort_values(["date", "res_id", "iso3"]).reset_index(drop=True)


def placebo_votes(resolutions: pd.DataFrame, votes: pd.DataFrame, reference: str,
                  window: tuple[str, str], tolerance: float) -> pd.Series:
    """Recorded GA votes in the window, not on Russia/Ukraine, whose yes share among members
    is within `tolerance` of the reference vote's: unrelated texts with similar support."""
    shares = votes.assign(yes=votes["vote"].eq("yes")).groupby("res_id")["yes"].mean()
    target = shares[reference]
    candidates = (resolutions["body"].eq("GA") & resolutions["recorded_vote"]
                  & ~resolutions["ukraine_russia"]
                  & resolutions["date"].between(pd.Timestamp(window[0]), pd.Timestamp(window[1])))
    close = resolutions["res_id"].map(shares).sub(target).abs() <= tolerance
    return candidates & close
