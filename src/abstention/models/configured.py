"""Model specifications from config, checked before any fitting, fitted and written out.

A specification names an outcome, a covariate set (or a list), optional
categorical controls and interactions, the texts and states in its sample, an
estimator, a covariance type and how missing covariates are handled
(`missing`: `imputed`, fitted on every completed data set and pooled by
Rubin's rules, or `complete`, complete cases only); see `config/config.yaml`.
Adding a model is a config edit.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from abstention.errors import DataError
from abstention.models.common import FEW_CLUSTERS, INFERENCE_COLUMNS, SEPARATED
from abstention.models.distributions import normal_ppf
from abstention.models.fit import ModelResult, Predictor, fit_model
from abstention.models.panel import with_imputation
from abstention.models.pooling import rubin_pool
from abstention.models.specs import WITH_SPONSOR_LIST, interaction_name
from abstention.schemas import write_table
from abstention.vote_codes import NO_RIGHT_TO_VOTE, SUPPORT_ORDER


def model_sample(panel: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """The rows a specification uses, checked so a bad spec stops before fitting."""
    where = f"config models.{spec['name']}"
    panel = add_interactions(panel, spec)
    needed = [spec["outcome"], *spec["covariates"], *spec.get("categorical", [])]
    unknown = [c for c in needed if c not in panel.columns]
    if unknown:
        raise DataError(where, "variables", "columns of the analysis panel", unknown)
    symbols = set(panel["symbol"].unique())
    if spec["resolutions"] == "all":
        wanted = sorted(symbols)
    elif spec["resolutions"] == WITH_SPONSOR_LIST:
        wanted = sorted(set(panel.loc[panel["has_sponsor_list"], "symbol"]))
    else:
        wanted = spec["resolutions"]
    missing = [s for s in wanted if s not in symbols]
    if missing:
        raise DataError(where, "resolutions", "votes in the analysis panel", missing, known=symbols)
    states = set(panel["iso3"])
    unknown_states = [s for s in spec.get("exclude_states", []) if s not in states]
    if unknown_states:
        raise DataError(where, "exclude_states", "states (ISO3) of the analysis panel",
                        unknown_states, known=states)
    # One mask, one copy of the rows: a spec is sampled once per completed data set.
    keep = panel["symbol"].isin(wanted) & ~panel["iso3"].isin(spec.get("exclude_states", []))
    groups = spec.get("exclude_groups", [])
    unknown_groups = sorted(set(groups) - set(panel["un_group"].dropna().unique()))
    if unknown_groups:
        raise DataError(where, "exclude_groups", "UN regional groups in the panel", unknown_groups)
    keep &= ~panel["un_group"].isin(groups)
    for column, value in spec.get("exclude_where", {}).items():
        if column not in panel.columns:
            raise DataError(where, "exclude_where", "columns of the analysis panel", column)
        keep &= panel[column] != value
    also_lost = spec.get("article19_also", [])
    if also_lost:
        keep &= ~(panel["article19"].isin(also_lost) & panel["vote"].eq("absent"))
    keep &= panel["vote"] != NO_RIGHT_TO_VOTE
    if "only_votes" in spec:
        keep &= panel["vote"].isin(spec["only_votes"])
    rows = panel[keep]
    complete = rows.dropna(subset=[spec["outcome"]])
    if complete.empty:
        raise DataError(where, "sample", "at least one row with the outcome", "0 rows")
    if complete[spec["outcome"]].nunique() < 2:
        raise DataError(where, "outcome", f"two or more classes of {spec['outcome']}",
                        complete[spec["outcome"]].unique().tolist())
    return rows.copy()


def estimation_rows(sample: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """The rows of a spec's sample its fit uses: none of its variables missing."""
    used = [spec["outcome"], *spec["covariates"], *spec.get("categorical", []),
            *spec.get("fixed_effects", [])]
    return sample.dropna(subset=used)


def add_interactions(panel: pd.DataFrame, spec: dict) -> pd.DataFrame:
    pairs = spec.get("interactions", [])
    if not pairs:
        return panel
    panel = panel.copy()
    for pair in pairs:
        unknown = [c for c in pair if c not in panel.columns]
        if unknown:
            raise DataError(f"config models.{spec['name']}", "interactions",
                            "columns of the analysis panel", unknown)
        panel[interaction_name(pair)] = panel[pair[0]] * panel[pair[1]]
    return panel


def fit_spec(panel: pd.DataFrame, spec: dict, *, profile: bool = True) -> ModelResult:
    rows = model_sample(panel, spec)
    if spec["estimator"] == "mnlogit":
        # no_right_to_vote is no choice: it becomes missing and the row is dropped; a spec
        # limited to some votes (only_votes) has only those categories
        kept = [vote for vote in SUPPORT_ORDER if vote in spec.get("only_votes", SUPPORT_ORDER)]
        choice = rows[spec["outcome"]]
        rows[spec["outcome"]] = pd.Categorical(choice.where(choice.isin(kept)), categories=kept)
    fixed = list(spec.get("categorical", [])) + list(spec.get("fixed_effects", []))
    groups = "iso3" if spec["cov_type"] == "cluster" else None
    result = fit_model(rows, spec["outcome"], spec["covariates"], spec["estimator"],
                       spec["cov_type"], groups=groups, fixed_effects=fixed,
                       firth_profile=profile)
    result.fit["spec"] = {k: spec[k] for k in sorted(spec) if k != "name"}
    result.fit["name"] = spec["name"]
    result.fit["states"] = int(rows.loc[result.design.index, "iso3"].nunique())
    result.fit["missing"] = "complete"
    return result


def _pool(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Rubin's rules, row by row; a term separated, or identified by one cluster, in any
    completed data set has no inference, but keeps its estimate, the mean over the completed
    data sets (Rubin's point estimate), as a complete-case fit keeps its own."""
    first = tables[0]
    estimates = np.column_stack([t["estimate"].to_numpy() for t in tables]).T
    variances = np.column_stack([t["std_error"].to_numpy() ** 2 for t in tables]).T
    pooled = rubin_pool(estimates, variances)
    out = first[["equation", "term"]].copy()
    out["estimate"] = estimates.mean(axis=0)
    out["std_error"] = pooled["std_error"].to_numpy()
    out["z"] = out["estimate"] / out["std_error"]
    for column in ("p", "ci_low", "ci_high"):
        out[column] = pooled[column].to_numpy()
    out["fmi"] = pooled["fmi"].to_numpy()
    flags = {column: np.column_stack([t[column].to_numpy(bool) for t in tables]).any(axis=1)
             for column in (SEPARATED, FEW_CLUSTERS)}
    out = out.assign(**flags)
    out.loc[flags[SEPARATED] | flags[FEW_CLUSTERS], [*INFERENCE_COLUMNS, "fmi"]] = np.nan
    return out.reset_index(drop=True)


def fit_spec_imputed(panel: pd.DataFrame, imputations: pd.DataFrame, spec: dict) -> ModelResult:
    """Fit on every completed data set and pool; the design and predictor kept are those of the
    first completed data set. `fit` reports the complete-case sample beside the imputed one."""
    numbers = sorted(imputations["imputation"].unique())
    results = [fit_spec(with_imputation(panel, imputations, i), spec, profile=False)
               for i in numbers]
    first = results[0]
    fit = dict(first.fit)
    sample = model_sample(panel, spec)
    complete = estimation_rows(sample, spec)
    fit.update(
        missing="imputed",
        imputations=len(numbers),
        n_complete_cases=len(complete),
        states_complete_cases=int(complete["iso3"].nunique()),
        states_only_imputed=sorted(set(sample["iso3"]) - set(complete["iso3"])),
        converged=all(r.fit["converged"] for r in results),
        separation={
            "detected": any(r.fit["separation"]["detected"] for r in results),
            "terms": sorted({t for r in results for t in r.fit["separation"]["terms"]}),
            "method": first.fit["separation"]["method"],
            "imputations_separated": sum(r.fit["separation"]["detected"] for r in results),
        },
        log_likelihood=float(np.mean([r.fit["log_likelihood"] for r in results])),
        warnings=sorted({w for r in results for w in r.fit["warnings"]}),
        # A term without inference in any completed data set has none pooled (see _pool); its
        # counts are the fewest across the data sets.
        few_clusters=sorted({t for r in results for t in r.fit["few_clusters"]}),
        **{counts: {term: min(r.fit[counts][term] for r in results)
                    for term in first.fit[counts]}
           for counts in ("informative_clusters", "treated_clusters")},
    )
    return ModelResult(_pool([r.coefficients for r in results]),
                       _pool([r.margins for r in results]), fit, first.design, first.vcov,
                       first.predictor,
                       {int(i): r.predictor for i, r in zip(numbers, results, strict=True)})


def fit_configured(panel: pd.DataFrame, imputations: pd.DataFrame, spec: dict, *,
                   profile: bool = True) -> ModelResult:
    """Fit a configured model; an estimation error names the model it came from. `profile`
    False skips the Firth profile likelihood of a complete-case fit (see `fit_model`) where only
    its margins or predictions are used: they are Wald either way."""
    try:
        if spec["missing"] == "imputed":
            return fit_spec_imputed(panel, imputations, spec)
        return fit_spec(panel, spec, profile=profile)
    except DataError as error:
        if error.path is not None:
            raise
        raise DataError(f"config models.{spec['name']}", error.key, error.expected,
                        error.found) from error


def write_model(result: ModelResult, outdir: str | Path) -> None:
    """The tables, the estimation design, and what prediction needs (the design metadata in
    fit.json, each completed data set's estimate and covariance in parameters.parquet; the
    complete-case fit is imputation 0)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    write_table(result.coefficients, outdir / "coefficients.csv")
    write_table(result.margins, outdir / "margins.csv")
    design = result.design.reset_index(drop=True)
    design.to_parquet(outdir / "design.parquet", index=False)
    predictors = result.imputation_predictors or {0: result.predictor}
    parameters = pd.concat([predictor.parameters(result.coefficients).assign(imputation=number)
                            for number, predictor in predictors.items()], ignore_index=True)
    write_table(parameters[["imputation", *parameters.columns[:-1]]],
                outdir / "parameters.parquet")
    fit = {**result.fit, "prediction": result.predictor.to_record()}
    (outdir / "fit.json").write_text(json.dumps(fit, indent=2, sort_keys=True,
                                                default=_json_value) + "\n")


def _json_value(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def stored_predictors(fit: dict, parameters: pd.DataFrame) -> dict[int, Predictor]:
    """The predictors `write_model` stored, by completed data set (0: complete cases)."""
    return {int(number): Predictor.from_stored(fit["prediction"], block.reset_index(drop=True))
            for number, block in parameters.groupby("imputation", sort=True)}


def read_predictors(fit_file: str | Path, parameters_file: str | Path) -> dict[int, Predictor]:
    """`stored_predictors` from the files `write_model` wrote."""
    fit = json.loads(Path(fit_file).read_text(encoding="utf-8"))
    return stored_predictors(fit, pd.read_parquet(parameters_file))


def predictions(panel: pd.DataFrame, imputations: pd.DataFrame, spec: dict,
                states: list[str], predictors: dict[int, Predictor]) -> pd.DataFrame:
    """Predicted probability of the outcome for named states in the spec's sample, from the
    stored fits. An imputed specification predicts from every completed data set and the
    predictions are pooled on the link scale by Rubin's rules, so their intervals carry the
    imputation uncertainty."""
    links, variances = [], []
    for number, predictor in predictors.items():
        data = panel if number == 0 else with_imputation(panel, imputations, number)
        rows = estimation_rows(add_interactions(model_sample(data, spec), spec), spec)
        rows = rows[rows["iso3"].isin(states)]
        predicted = predictor.predict(rows)
        predicted = predicted[predicted["equation"] == "1"]
        link, std_error = _link_scale(predicted, spec["estimator"])
        links.append(link)
        variances.append(std_error**2)
    if len(links) > 1:
        pooled = rubin_pool(np.vstack(links), np.vstack(variances))
    else:
        half = normal_ppf(0.975) * np.sqrt(variances[0])
        pooled = pd.DataFrame({"estimate": links[0], "ci_low": links[0] - half,
                               "ci_high": links[0] + half})
    back = (lambda v: v) if spec["estimator"] == "lpm" else special.expit
    return pd.DataFrame({
        "model": spec["name"], "iso3": rows["iso3"].values, "symbol": rows["symbol"].values,
        "date": rows["date"].values, "vote": rows["vote"].values,
        "observed": rows[spec["outcome"]].values,
        "prob": back(pooled["estimate"].to_numpy()),
        "ci_low": back(pooled["ci_low"].to_numpy()),
        "ci_high": back(pooled["ci_high"].to_numpy()),
    })


def _link_scale(predicted: pd.DataFrame, estimator: str) -> tuple[np.ndarray, np.ndarray]:
    """The prediction and its delta-method standard error on the scale the interval was built."""
    to_link = (lambda v: v) if estimator == "lpm" else special.logit
    link = to_link(predicted["prob"].to_numpy())
    return link, (to_link(predicted["ci_high"].to_numpy()) - link) / normal_ppf(0.975)


def israel_cosponsorship(panel: pd.DataFrame, imputations: pd.DataFrame, all_members: dict,
                         yes_voters: dict, predictors: dict[str, dict[int, Predictor]],
                         state: str = "ISR") -> pd.DataFrame:
    """Observed and predicted co-sponsorship of one state on every text with a sponsor list:
    from the model of all members, and from the model of yes voters where the state voted yes
    (that model's outcome is not co-sponsoring, so its prediction is turned around).
    `predictors` holds each model's stored predictors by model name."""
    keys = ["symbol", "date"]
    observed = panel.loc[(panel["iso3"] == state) & panel["has_sponsor_list"],
                         [*keys, "vote", "cosponsor"]]
    every = predictions(panel, imputations, all_members, [state],
                        predictors[all_members["name"]])
    among_yes = predictions(panel, imputations, yes_voters, [state],
                            predictors[yes_voters["name"]])
    among_yes = among_yes.assign(prob=1 - among_yes["prob"], ci_low=1 - among_yes["ci_high"],
                                 ci_high=1 - among_yes["ci_low"])
    table = observed.merge(every[[*keys, "prob", "ci_low", "ci_high"]], on=keys, how="left")
    table = table.merge(among_yes[[*keys, "prob", "ci_low", "ci_high"]], on=keys, how="left",
                        suffixes=("", "_yes_voters"))
    return table.sort_values("date").reset_index(drop=True)
