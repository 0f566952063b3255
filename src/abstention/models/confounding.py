"""Sensitivity of the tie effect to an unobserved confounder (Cinelli and Hazlett 2020).

The bounds are closed-form results for ordinary least squares with classical standard errors,
so they are computed on a state-level linear probability model: one row per state, the outcome
the share of the texts on which it withheld a yes vote, the covariates those of the main model
(without the text fixed effects, which a state-level share absorbs) on the first completed data
set. Benchmarks are observed covariates: how strong would a confounder as strong as, or k times
as strong as, prior alignment have to be to explain the estimate away?
"""

from __future__ import annotations

import pandas as pd

from abstention.errors import DataError
from abstention.models.fit import design_matrix, observed_levels
from abstention.models.panel import with_imputation
from abstention.models.sensitivity import ols_sensitivity
from abstention.models.specs import interaction_name


def state_level_sensitivity(panel: pd.DataFrame, imputations: pd.DataFrame, spec: dict,
                            texts: list[str], settings: dict) -> pd.DataFrame:
    where = "config sensitivity"
    interactions = {interaction_name(pair) for pair in spec.get("interactions", [])}
    covariates = [c for c in spec["covariates"] if c not in interactions]
    for key in ("treatment", "benchmarks"):
        named = settings[key] if isinstance(settings[key], list) else [settings[key]]
        unknown = [c for c in named if c not in covariates]
        if unknown:
            raise DataError(where, key, f"covariates of model {spec['name']}", unknown)
    data = with_imputation(panel, imputations, int(imputations["imputation"].min()))
    data = data[data["symbol"].isin(texts) & ~data["iso3"].isin(spec["exclude_states"])]
    data = data.dropna(subset=["not_yes"])
    states = data.groupby("iso3").agg(
        withheld=("not_yes", "mean"),
        **{c: (c, "first") for c in [*covariates, *spec.get("categorical", [])]},
    ).dropna()
    levels = {c: observed_levels(states[c]) for c in spec.get("categorical", [])}
    design = design_matrix(states, covariates, levels, intercept=False)
    result = ols_sensitivity(states["withheld"].to_numpy(), design, settings["treatment"],
                             settings["benchmarks"], tuple(settings["multipliers"]))
    return pd.DataFrame(result["bounds"]).assign(
        estimate=result["estimate"], std_error=result["std_error"], t=result["t"],
        dof=result["df"], partial_r2=result["partial_r2"], rv_q=result["rv_q"],
        rv_qa=result["rv_qa"], n_states=len(states))
