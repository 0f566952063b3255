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
import multiprocessing
import traceback
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special, stats

from abstention.errors import DataError
from abstention.estimators import ModelResult, fit_model
from abstention.imputation import rubin_pool
from abstention.panel import with_imputation
from abstention.specs import WITH_SPONSOR_LIST, interaction_name
from abstention.tables_io import write_table
from abstention.votes import NO_RIGHT_TO_VOTE, SUPPORT_ORDER


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
        raise DataError(where, "resolutions", "votes in the analysis panel", missing)
    rows = panel[panel["symbol"].isin(wanted)]
    rows = rows[~rows["iso3"].isin(spec.get("exclude_states", []))]
    groups = spec.get("exclude_groups", [])
    unknown_groups = sorted(set(groups) - set(panel["un_group"].dropna().unique()))
    if unknown_groups:
        raise DataError(where, "exclude_groups", "UN regional groups in the panel", unknown_groups)
    rows = rows[~rows["un_group"].isin(groups)]
    for column, value in spec.get("exclude_where", {}).items():
        if column not in rows.columns:
            raise DataError(where, "exclude_where", "columns of the analysis panel", column)
        rows = rows[rows[column] != value]
    also_lost = spec.get("article19_also", [])
    if also_lost:
        rows = rows[~(rows["article19"].isin(also_lost) & rows["vote"].eq("absent"))]
    rows = rows[rows["vote"] != NO_RIGHT_TO_VOTE]
    if "only_votes" in spec:
        rows = rows[rows["vote"].isin(spec["only_votes"])]
    complete = rows.dropna(subset=[spec["outcome"]])
    if complete.empty:
        raise DataError(where, "sample", "at least one row with the outcome", "0 rows")
    if complete[spec["outcome"]].nunique() < 2:
        raise DataError(where, "outcome", f"two or more classes of {spec['outcome']}",
                        complete[spec["outcome"]].unique().tolist())
    return rows.copy()


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
        # no_right_to_vote is no choice: it becomes missing and the row is dropped
        choice = rows[spec["outcome"]]
        rows[spec["outcome"]] = pd.Categorical(choice.where(choice.isin(SUPPORT_ORDER)),
                                               categories=list(SUPPORT_ORDER))
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
    """Rubin's rules, row by row; a term separated in any completed data set has no inference."""
    first = tables[0]
    estimates = np.column_stack([t["estimate"].to_numpy() for t in tables]).T
    variances = np.column_stack([t["std_error"].to_numpy() ** 2 for t in tables]).T
    pooled = rubin_pool(estimates, variances)
    out = first[["equation", "term"]].copy()
    out["estimate"] = pooled["estimate"].to_numpy()
    out["std_error"] = pooled["std_error"].to_numpy()
    out["z"] = out["estimate"] / out["std_error"]
    for column in ("p", "ci_low", "ci_high"):
        out[column] = pooled[column].to_numpy()
    out["fmi"] = pooled["fmi"].to_numpy()
    separated = np.column_stack([t["separated"].to_numpy(bool) for t in tables]).any(axis=1)
    out["separated"] = separated
    out.loc[separated, ["std_error", "z", "p", "ci_low", "ci_high", "fmi"]] = np.nan
    return out.reset_index(drop=True)


def fit_spec_imputed(panel: pd.DataFrame, imputations: pd.DataFrame, spec: dict,
                     completed: dict | None = None) -> ModelResult:
    """Fit on every completed data set and pool; the design and predictor kept are those of the
    first completed data set. `fit` reports the complete-case sample beside the imputed one.
    `completed` keeps the completed data sets of this panel by number, to share them between
    calls on the same panel and imputations (they are read, never changed)."""
    numbers = sorted(imputations["imputation"].unique())
    completed = {} if completed is None else completed
    for i in numbers:
        if i not in completed:
            completed[i] = with_imputation(panel, imputations, i)
    results = [fit_spec(completed[i], spec, profile=False) for i in numbers]
    first = results[0]
    fit = dict(first.fit)
    sample = model_sample(panel, spec)
    needed = [spec["outcome"], *spec["covariates"], *spec.get("categorical", []),
              *spec.get("fixed_effects", [])]
    complete = sample.dropna(subset=needed)
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
    )
    return ModelResult(_pool([r.coefficients for r in results]),
                       _pool([r.margins for r in results]), fit, first.design, first.vcov,
                       first._predictor)


def fit_configured(panel: pd.DataFrame, imputations: pd.DataFrame, spec: dict, *,
                   profile: bool = True, completed: dict | None = None) -> ModelResult:
    """Fit a configured model; an estimation error names the model it came from. `profile`
    False skips the Firth profile likelihood of a complete-case fit (see `fit_model`) where only
    its margins or predictions are used: they are Wald either way. `completed`: see
    `fit_spec_imputed`."""
    try:
        if spec["missing"] == "imputed":
            return fit_spec_imputed(panel, imputations, spec, completed)
        return fit_spec(panel, spec, profile=profile)
    except DataError as error:
        if error.path is not None:
            raise
        raise DataError(f"config models.{spec['name']}", error.key, error.expected,
                        error.found) from error


def write_model(result: ModelResult, outdir: str | Path) -> None:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    write_table(result.coefficients, outdir / "coefficients.csv")
    write_table(result.margins, outdir / "margins.csv")
    design = result.design.reset_index(drop=True)
    design.to_parquet(outdir / "design.parquet", index=False)
    (outdir / "fit.json").write_text(json.dumps(result.fit, indent=2, sort_keys=True,
                                                default=_json_value) + "\n")


def fit_and_write(panels: dict[str, pd.DataFrame], imputations: pd.DataFrame, specs: list[dict],
                  outdirs: list[str | Path], processes: int = 1) -> list[str]:
    """Fit every configured model (`spec["panel"]` names its panel, default "main") and write
    it to its folder; one summary line per model, in spec order.

    With `processes` 2 a forked copy of this process takes models from the same list while this
    one does: each model is fitted exactly as alone (the fits share nothing but the read-only
    data), so the files are the same. A failure in either stops the run with its error. BLAS
    runs one thread per process whatever the environment says (Snakemake sets the BLAS thread
    variables to a job's threads): more threads would change the order of its sums, and so the
    last digits of the estimates, and would compete with the second process for the cores."""
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    with threadpool_limits(limits=1):
        return _fit_all(panels, imputations, specs, outdirs, processes)


def _fit_all(panels, imputations, specs, outdirs, processes) -> list[str]:
    if processes < 2:
        return [line for _, line in _fit_share(panels, imputations, specs, outdirs, None)]
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child_share,
                            args=(panels, imputations, specs, outdirs, taken, send))
    child.start()
    send.close()
    try:
        lines = _fit_share(panels, imputations, specs, outdirs, taken)
        outcome, value = receive.recv()
    except BaseException:
        child.terminate()
        raise
    finally:
        child.join()
    if outcome == "data_error":
        raise DataError(*value)
    if outcome == "error":
        raise RuntimeError(f"fitting models in the second process failed:\n{value}")
    return [line for _, line in sorted(lines + value)]


def _fit_share(panels, imputations, specs, outdirs, taken) -> list[tuple[int, str]]:
    """Fit and write the next model not yet taken until none is left (all of them without
    `taken`, the counter shared with the other process)."""
    completed = {name: {} for name in panels}  # each panel's completed data sets, made once
    done = []
    while True:
        if taken is None:
            number = len(done)
        else:
            with taken.get_lock():
                number = taken.value
                taken.value += 1
        if number >= len(specs):
            return done
        spec = specs[number]
        panel = spec.get("panel", "main")
        result = fit_configured(panels[panel], imputations, spec, completed=completed[panel])
        write_model(result, outdirs[number])
        done.append((number, f"{spec['name']}: n={result.fit['n']} states={result.fit['states']} "
                             f"converged={result.fit['converged']} "
                             f"separation={result.fit['separation']['detected']}"))


def _child_share(panels, imputations, specs, outdirs, taken, send) -> None:
    try:
        send.send(("ok", _fit_share(panels, imputations, specs, outdirs, taken)))
    except DataError as error:
        send.send(("data_error", (error.path, error.key, error.expected, error.found)))
    except BaseException:  # noqa: BLE001 - any failure must reach the parent
        send.send(("error", traceback.format_exc()))
    finally:
        send.close()


def _json_value(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def predictions(panel: pd.DataFrame, imputations: pd.DataFrame, spec: dict,
                states: list[str]) -> pd.DataFrame:
    """Predicted probability of the outcome for named states in the spec's sample. An imputed
    specification is fitted on every completed data set and the predictions are pooled on the
    link scale by Rubin's rules, so their intervals carry the imputation uncertainty."""
    numbers = ([None] if spec["missing"] == "complete"
               else sorted(imputations["imputation"].unique()))
    links, variances = [], []
    for number in numbers:
        data = panel if number is None else with_imputation(panel, imputations, number)
        result = fit_spec(data, spec, profile=False)
        rows = add_interactions(model_sample(data, spec), spec).loc[result.design.index]
        rows = rows[rows["iso3"].isin(states)]
        predicted = result.predict(rows)
        predicted = predicted[predicted["equation"] == "1"]
        link, std_error = _link_scale(predicted, spec["estimator"])
        links.append(link)
        variances.append(std_error**2)
    if len(links) > 1:
        pooled = rubin_pool(np.vstack(links), np.vstack(variances))
    else:
        half = stats.norm.ppf(0.975) * np.sqrt(variances[0])
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
    return link, (to_link(predicted["ci_high"].to_numpy()) - link) / stats.norm.ppf(0.975)


def israel_cosponsorship(panel: pd.DataFrame, imputations: pd.DataFrame, all_members: dict,
                         yes_voters: dict, state: str = "ISR") -> pd.DataFrame:
    """Observed and predicted co-sponsorship of one state on every text with a sponsor list:
    from the model of all members, and from the model of yes voters where the state voted yes
    (that model's outcome is not co-sponsoring, so its prediction is turned around)."""
    keys = ["symbol", "date"]
    observed = panel.loc[(panel["iso3"] == state) & panel["has_sponsor_list"],
                         [*keys, "vote", "cosponsor"]]
    every = predictions(panel, imputations, all_members, [state])
    among_yes = predictions(panel, imputations, yes_voters, [state])
    among_yes = among_yes.assign(prob=1 - among_yes["prob"], ci_low=1 - among_yes["ci_high"],
                                 ci_high=1 - among_yes["ci_low"])
    table = observed.merge(every[[*keys, "prob", "ci_low", "ci_high"]], on=keys, how="left")
    table = table.merge(among_yes[[*keys, "prob", "ci_low", "ci_high"]], on=keys, how="left",
                        suffixes=("", "_yes_voters"))
    return table.sort_values("date").reset_index(drop=True)
