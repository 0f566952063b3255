"""Model specifications from config, checked before any fitting, fitted and written out.

A specification names an outcome, a covariate set (or a list), optional
categorical controls, the resolutions and states in its sample, an estimator
and a covariance type; see `config/config.yaml`. Adding a model is a config edit.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.estimators import ModelResult, fit_model
from abstention.tables_io import write_table
from abstention.votes import SUPPORT_ORDER


def resolve_spec(name: str, spec: dict, settings: dict) -> dict:
    """Fill defaults and expand a named covariate set into its list."""
    full = {**settings["model_defaults"], **spec, "name": name}
    covariates = full["covariates"]
    if isinstance(covariates, str):
        sets = settings["covariate_sets"]
        if covariates not in sets:
            raise DataError(f"config models.{name}", "covariates", f"one of {sorted(sets)}",
                            covariates)
        full["covariates"] = list(sets[covariates])
    full["covariates"] = [c for c in full["covariates"] if c not in full.get("drop_covariates", [])]
    full["covariates"] = full["covariates"] + list(full.get("add_covariates", []))
    return full


def model_sample(panel: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """The rows a specification uses, checked so a bad spec stops before fitting."""
    where = f"config models.{spec['name']}"
    needed = [spec["outcome"], *spec["covariates"], *spec.get("categorical", [])]
    unknown = [c for c in needed if c not in panel.columns]
    if unknown:
        raise DataError(where, "variables", "columns of the analysis panel", unknown)
    symbols = set(panel["symbol"])
    wanted = sorted(symbols) if spec["resolutions"] == "all" else spec["resolutions"]
    missing = [s for s in wanted if s not in symbols]
    if missing:
        raise DataError(where, "resolutions", "votes in the analysis panel", missing)
    rows = panel[panel["symbol"].isin(wanted)]
    rows = rows[~rows["iso3"].isin(spec.get("exclude_states", []))]
    rows = rows[~rows["un_group"].isin(spec.get("exclude_groups", []))]
    for column, value in spec.get("exclude_where", {}).items():
        rows = rows[rows[column] != value]
    if "only_votes" in spec:
        rows = rows[rows["vote"].isin(spec["only_votes"])]
    complete = rows.dropna(subset=needed)
    if complete.empty:
        raise DataError(where, "sample", "at least one complete row", "0 rows")
    if complete[spec["outcome"]].nunique() < 2:
        raise DataError(where, "outcome", f"two or more classes of {spec['outcome']}",
                        complete[spec["outcome"]].unique().tolist())
    return rows.copy()


def fit_spec(panel: pd.DataFrame, spec: dict) -> ModelResult:
    rows = model_sample(panel, spec)
    if spec["estimator"] == "mnlogit":
        # no_right_to_vote is no choice: it becomes missing and the row is dropped
        choice = rows[spec["outcome"]]
        rows[spec["outcome"]] = pd.Categorical(choice.where(choice.isin(SUPPORT_ORDER)),
                                               categories=list(SUPPORT_ORDER))
    fixed = list(spec.get("categorical", [])) + list(spec.get("fixed_effects", []))
    groups = "iso3" if spec["cov_type"] == "cluster" else None
    result = fit_model(rows, spec["outcome"], spec["covariates"], spec["estimator"],
                       spec["cov_type"], groups=groups, fixed_effects=fixed)
    result.fit["spec"] = {k: spec[k] for k in sorted(spec) if k != "name"}
    result.fit["name"] = spec["name"]
    result.fit["states"] = int(rows.loc[result.design.index, "iso3"].nunique())
    return result


def write_model(result: ModelResult, outdir: str | Path) -> None:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    write_table(result.coefficients, outdir / "coefficients.csv")
    write_table(result.margins, outdir / "margins.csv")
    design = result.design.reset_index(drop=True)
    design.to_parquet(outdir / "design.parquet", index=False)
    (outdir / "fit.json").write_text(json.dumps(result.fit, indent=2, sort_keys=True,
                                                default=_json_value) + "\n")


def _json_value(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def predictions(panel: pd.DataFrame, spec: dict, states: list[str]) -> pd.DataFrame:
    """Predicted probability of the outcome for named states in the spec's sample."""
    result = fit_spec(panel, spec)
    rows = model_sample(panel, spec).loc[result.design.index]
    rows = rows[rows["iso3"].isin(states)]
    predicted = result.predict(rows)
    predicted = predicted[predicted["equation"] == "1"]
    return pd.DataFrame({
        "model": spec["name"], "iso3": rows["iso3"].values, "symbol": rows["symbol"].values,
        "observed": rows[spec["outcome"]].values, "prob": predicted["prob"].values,
        "ci_low": predicted["ci_low"].values, "ci_high": predicted["ci_high"].values,
    })


def curve(panel: pd.DataFrame, spec: dict, variable: str, points: int = 41) -> pd.DataFrame:
    """Predicted probability as `variable` moves over its observed range, for a typical state:
    other covariates at their sample means, categorical controls and fixed effects at their
    most common level."""
    result = fit_spec(panel, spec)
    rows = model_sample(panel, spec).loc[result.design.index]
    typical = {c: rows[c].mean() for c in spec["covariates"]}
    levels = [*spec.get("categorical", []), *spec.get("fixed_effects", [])]
    typical.update({c: rows[c].mode().iloc[0] for c in levels})
    grid = np.linspace(rows[variable].min(), rows[variable].max(), points)
    frame = pd.DataFrame([{**typical, variable: value} for value in grid])
    predicted = result.predict(frame)
    predicted = predicted[predicted["equation"] == "1"]
    return pd.DataFrame({variable: grid, "prob": predicted["prob"].values,
                         "ci_low": predicted["ci_low"].values,
                         "ci_high": predicted["ci_high"].values})
