"""State-level multiple imputation of the covariates the models use.

Imputation runs on states, not on state-votes: a state's covariates are one set of values, so
every completed data set gives each state the same values on every text. The share of the
outcome texts on which the state withheld a yes vote enters as an auxiliary predictor (leaving
the outcome out of the imputation model would bias its associations towards zero). States
missing a predictor (Russia's dyadic measures are undefined) are not imputed and keep their
gaps; the models exclude them anyway.
"""

from __future__ import annotations

import pandas as pd

from abstention.errors import DataError
from abstention.features.imputation import impute_chained

WITHHELD = "withheld_share"


def impute_state_covariates(features: pd.DataFrame, panel: pd.DataFrame, settings: dict,
                            outcome_texts: list[str]) -> pd.DataFrame:
    """Long table: one row per imputation and state, the imputed variables as columns."""
    where = "config imputation"
    named = [*settings["variables"], *settings["predictors"]]
    unknown = [c for c in named if c not in features.columns]
    if unknown:
        raise DataError(where, "variables", "columns of the features table", unknown)
    texts = panel[panel["symbol"].isin(outcome_texts)]
    if texts.empty:
        raise DataError(where, "outcome_texts", "texts in the analysis panel", outcome_texts)
    withheld = texts.groupby("iso3")["not_yes"].mean().rename(WITHHELD)
    frame = features.set_index("iso3")[named].join(withheld)
    usable = frame[[*settings["predictors"], WITHHELD]].notna().all(axis=1)
    completed = impute_chained(frame[usable].reset_index(), settings["variables"],
                               [*settings["predictors"], WITHHELD], settings["m"],
                               settings["seed"], settings["burn_in"])
    tables = [data[["iso3", *settings["variables"]]].assign(imputation=number)
              for number, data in enumerate(completed, start=1)]
    return pd.concat(tables, ignore_index=True)[["imputation", "iso3", *settings["variables"]]]
