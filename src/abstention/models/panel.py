"""The analysis panel: member state x Russia/Ukraine recorded vote, with outcomes and features.

Outcomes are derived here and nowhere else:
- `not_yes`: 1 for abstain, absent or no; 0 for yes.
- `abstain_or_absent`: 1 for abstain or absent, 0 for yes, missing for no.
- `absent`: 1 for a deliberate absence, 0 for a vote cast.
- `cosponsor`: 1 if the state sponsored or additionally sponsored the draft.
- `not_cosponsor`: 1 - `cosponsor` on texts with a sponsor list, missing on texts without one
  (no list is not evidence that nobody sponsored).
- `support_ladder`: 0 no < 1 abstain or absent < 2 yes < 3 yes and co-sponsor.
A state that had lost its vote under Article 19 of the Charter (`no_right_to_vote`) could not
vote: every outcome is missing for that row, so it leaves the risk set of every model.

Text attributes: `period` (config `panel.periods`, the last period starting on or before the
vote), `separate_period` (1 in the period `panel.separate_period`, whose pooling with the
earlier texts is tested rather than assumed), `material_text` (config `panel.material_texts`:
texts with material consequences rather than statements of principle) and `has_sponsor_list`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.models.panel_columns import OUTCOMES, PANEL_COLUMNS
from abstention.vote_codes import NO_RIGHT_TO_VOTE


def derive_outcomes(frame: pd.DataFrame) -> pd.DataFrame:
    vote = frame["vote"]
    out = frame.copy()
    out["not_yes"] = (vote != "yes").astype(float)
    out["abstain_or_absent"] = np.where(vote == "no", np.nan,
                                        vote.isin(["abstain", "absent"]).astype(float))
    out["absent"] = (vote == "absent").astype(float)
    ladder = vote.map({"no": 0, "abstain": 1, "absent": 1, "yes": 2})
    out["support_ladder"] = ladder + ((vote == "yes") & (out["cosponsor"] == 1))
    listed = out["has_sponsor_list"] if "has_sponsor_list" in out else True
    out["not_cosponsor"] = np.where(listed, 1.0 - out["cosponsor"], np.nan)
    out.loc[vote == NO_RIGHT_TO_VOTE, list(OUTCOMES)] = np.nan
    return out


def text_periods(dates: pd.Series, periods: list[dict]) -> pd.Series:
    """Name of the last configured period that starts on or before each date."""
    starts = pd.to_datetime([p["from"] for p in periods])
    if not starts.is_monotonic_increasing:
        raise DataError("config panel.periods", "from", "increasing start dates",
                        [p["from"] for p in periods])
    position = np.searchsorted(starts.to_numpy(), pd.to_datetime(dates).to_numpy(), side="right")
    if (position == 0).any():
        raise DataError("config panel.periods", "from",
                        "a period starting on or before every vote", str(dates.min()))
    return pd.Series([periods[i - 1]["name"] for i in position], index=dates.index)


def build_panel(resolutions: pd.DataFrame, votes: pd.DataFrame, sponsorships: pd.DataFrame,
                features: pd.DataFrame, selected: pd.Series, settings: dict) -> pd.DataFrame:
    """One row per state and selected recorded vote; `selected` flags rows of `resolutions`;
    `settings` is config `panel` (periods, material texts)."""
    chosen = resolutions.loc[selected, ["res_id", "symbol", "session", "date", "title"]]
    rows = votes.merge(chosen, on="res_id", how="inner")
    sponsored = sponsorships.assign(cosponsor=1)[["res_id", "iso3", "cosponsor"]]
    rows = rows.merge(sponsored, on=["res_id", "iso3"], how="left")
    rows["has_sponsor_list"] = rows["res_id"].isin(set(sponsorships["res_id"]))
    # No list is not evidence that nobody sponsored: co-sponsorship stays unknown there.
    rows["cosponsor"] = rows["cosponsor"].fillna(0).where(rows["has_sponsor_list"])
    rows["period"] = text_periods(rows["date"], settings["periods"])
    rows["material_text"] = rows["symbol"].isin(settings["material_texts"]).astype(float)
    rows["separate_period"] = (rows["period"] == settings["separate_period"]).astype(float)
    rows = rows.merge(features, on="iso3", how="left", validate="many_to_one")
    rows = derive_outcomes(rows)
    check_declared_columns(rows)
    return rows.sort_values(["date", "res_id", "iso3"]).reset_index(drop=True)


def check_declared_columns(panel: pd.DataFrame) -> None:
    """The panel has exactly the declared columns, which model specs are checked against."""
    missing = [c for c in PANEL_COLUMNS if c not in panel.columns]
    extra = [c for c in panel.columns if c not in PANEL_COLUMNS]
    if missing or extra:
        raise DataError("abstention/models/panel_columns.py", "PANEL_COLUMNS",
                        "the columns the panel is built with",
                        {"declared, not built": missing, "built, not declared": extra})


def check_material_texts(panel: pd.DataFrame, material: list[str]) -> None:
    """A material-text symbol outside the panel is a typo, never silently an empty group."""
    unknown = sorted(set(material) - set(panel["symbol"]))
    if unknown:
        raise DataError("config panel.material_texts", "symbols",
                        "Russia/Ukraine texts in the analysis panel", unknown)


def placebo_votes(resolutions: pd.DataFrame, votes: pd.DataFrame, countries: pd.DataFrame,
                  settings: dict) -> pd.Series:
    """Recorded GA votes in the window, not on Russia/Ukraine, that divide the West from the rest
    as the ES-11 texts do, but on which Russia did not vote no (`settings['russia_votes']`): the
    Western European and Others group votes yes almost unanimously (`west_yes_min`) and the other
    members' yes share is at least `min_gap` lower. Security ties that predict withholding here
    too would point to general distance from the West, not to deference to Russia."""
    window = [pd.Timestamp(d) for d in settings["window"]]
    groups = countries.set_index("iso3")["un_group"]
    cast = votes.assign(yes=votes["vote"].eq("yes"),
                        west=votes["iso3"].map(groups).eq("Western European and Others"))
    cast = cast[cast["vote"] != NO_RIGHT_TO_VOTE]
    shares = cast.groupby(["res_id", "west"])["yes"].mean().unstack()
    russia = votes[votes["iso3"] == "RUS"].set_index("res_id")["vote"]
    west, rest = resolutions["res_id"].map(shares[True]), resolutions["res_id"].map(shares[False])
    candidates = (resolutions["body"].eq("GA") & resolutions["recorded_vote"]
                  & ~resolutions["ukraine_russia"]
                  & resolutions["date"].between(window[0], window[1]))
    divided = (west >= settings["west_yes_min"]) & (west - rest >= settings["min_gap"])
    stake = resolutions["res_id"].map(russia).isin(settings["russia_votes"])
    return candidates & divided & stake


def with_imputation(panel: pd.DataFrame, imputations: pd.DataFrame, number: int) -> pd.DataFrame:
    """The panel with the state-level variables of imputation `number` in place of the observed
    ones (observed values are never changed by imputation; only gaps are filled)."""
    chosen = imputations[imputations["imputation"] == number]
    if chosen.empty:
        raise DataError("results/analysis/imputations.parquet", "imputation",
                        f"rows for imputation {number}", "none")
    columns = [c for c in chosen.columns if c not in ("imputation", "iso3")]
    filled = panel.drop(columns=columns).merge(chosen.drop(columns="imputation"), on="iso3",
                                               how="left", validate="many_to_one")
    observed = panel[columns].notna().to_numpy()
    filled[columns] = filled[columns].mask(observed, panel[columns].to_numpy())
    return filled[panel.columns]
