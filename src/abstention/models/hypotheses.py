"""The quantities that answer the hypotheses, with state-clustered bootstrap intervals.

Each entry of config `hypotheses` names a configured model and one of three quantities of the
tie measure `tie` (a 0/1 column):
- `ame`: its average marginal effect (Rubin-pooled delta-method inference from the model fit;
  the bootstrap interval is reported beside it);
- `relative_ame_difference` (H2): the effect on the model's outcome relative to that outcome's
  base rate, minus the same for the `compare_to` model, fitted on the same bootstrap draw of
  states: ties matter more for the costly signal if it is positive;
- `ame_difference` (H3, pooling checks): the effect where the 0/1 text attribute `by` is 1 minus
  where it is 0, from a model with the tie and its interaction with `by`.

Replicates are keyed by number, so chunks of replicates computed in separate processes gather to
the same draws as one run; replicate r uses completed data set r mod m, so the intervals carry
the imputation uncertainty too. A replicate whose fit has no finite estimate (separation in a
maximum-likelihood logit, a singular resampled design) is kept as a missing value and counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from abstention.labels import label
from abstention.models.common import MDE_FACTOR, Z_TWO_SIDED_5
from abstention.models.configured import add_interactions, model_sample
from abstention.models.firth import firth_point
from abstention.models.fit import design_matrix, observed_levels
from abstention.models.links import average_effect
from abstention.models.panel import with_imputation
from abstention.models.points import logit_point, lpm_point
from abstention.models.resampling import percentile_interval
from abstention.models.specs import interaction_name

COLUMNS = ["hypothesis", "model", "quantity", "label", "estimate", "ci_low", "ci_high", "p", "n",
           "n_states", "n_treated", "n_informative", "method", "primary"]
# Beside each row's own p-value (`p`, named by `method`): the minimum detectable effect at 80%
# power for a two-sided 5% test, the wild cluster bootstrap's and the randomisation test's
# p-values where the design has them (a Firth logit has no wild bootstrap here), and the
# within-state rows' text counts and tied state-texts on patron-opposed texts.
DESIGN_COLUMNS = ["mde", "p_wild", "p_ri", "n_texts", "n_opposed_texts", "n_opportunities"]
_POINT: dict[str, Callable] = {
    "logit": lambda X, y, start: logit_point(X, y),
    "firth_logit": firth_point,
    "lpm": lambda X, y, start: (lpm_point(X, y), True),
}


@dataclass(frozen=True)
class Design:
    """One model's numpy design on one completed data set; `state` indexes a shared state list."""

    X: np.ndarray
    y: np.ndarray
    names: list[str]
    state: np.ndarray
    by: np.ndarray | None
    estimator: str


def build_design(panel: pd.DataFrame, spec: dict, states: pd.Index, by: str | None) -> Design:
    rows = add_interactions(model_sample(panel, spec), spec)
    fixed = [*spec.get("categorical", []), *spec.get("fixed_effects", [])]
    rows = rows.dropna(subset=[spec["outcome"], *spec["covariates"], *fixed])
    levels = {name: observed_levels(rows[name]) for name in fixed}
    design = design_matrix(rows, spec["covariates"], levels, intercept=True)
    return Design(design.to_numpy(), rows[spec["outcome"]].to_numpy(float), list(design.columns),
                  states.get_indexer(rows["iso3"]), None if by is None else
                  rows[by].to_numpy(float), spec["estimator"])


def _probability(estimator: str, beta: np.ndarray, X: np.ndarray) -> np.ndarray:
    eta = X @ beta
    return eta if estimator == "lpm" else special.expit(eta)


def tie_effect(design: Design, beta: np.ndarray, tie: str) -> float:
    link = "identity" if design.estimator == "lpm" else "logit"
    return average_effect(beta, design.X, design.names.index(tie), link, True)


def effect_by(design: Design, beta: np.ndarray, tie: str, by: str) -> tuple[float, float]:
    """The tie's average discrete change among rows with `by` = 1 and with `by` = 0."""
    j, k = design.names.index(tie), design.names.index(interaction_name([tie, by]))
    on, off = design.X.copy(), design.X.copy()
    on[:, j], on[:, k] = 1.0, design.by
    off[:, j], off[:, k] = 0.0, 0.0
    change = _probability(design.estimator, beta, on) - _probability(design.estimator, beta, off)
    flag = design.by == 1
    return float(change[flag].mean()), float(change[~flag].mean())


def entry_values(entry: dict, designs: dict[str, Design], betas: dict[str, np.ndarray],
                 tie: str) -> dict[str, float]:
    """Every reported number of one entry, from fitted coefficients."""
    model = designs[entry["model"]]
    if entry["quantity"] == "ame":
        return {"ame": tie_effect(model, betas[entry["model"]], tie)}
    if entry["quantity"] == "ame_difference":
        with_by, without = effect_by(model, betas[entry["model"]], tie, entry["by"])
        return {"ame_difference": with_by - without, f"ame_where_{entry['by']}": with_by,
                f"ame_where_not_{entry['by']}": without}
    other = designs[entry["compare_to"]]
    effect = tie_effect(model, betas[entry["model"]], tie)
    compared = tie_effect(other, betas[entry["compare_to"]], tie)
    base, other_base = model.y.mean(), other.y.mean()
    return {"relative_ame_difference": effect / base - compared / other_base,
            f"ame_{entry['model']}": effect, f"base_{entry['model']}": base,
            f"relative_ame_{entry['model']}": effect / base,
            f"ame_{entry['compare_to']}": compared, f"base_{entry['compare_to']}": other_base,
            f"relative_ame_{entry['compare_to']}": compared / other_base}


def _designs(panel, imputations, specs, entries, states) -> list[dict[str, Design]]:
    by = {name: None for name in specs}
    for entry in entries.values():
        if entry["quantity"] == "ame_difference":
            by[entry["model"]] = entry["by"]
    numbers = sorted(imputations["imputation"].unique())
    completed = (with_imputation(panel, imputations, i) for i in numbers)  # once per data set
    return [{name: build_design(frame, spec, states, by[name]) for name, spec in specs.items()}
            for frame in completed]


class NoEstimate(ValueError):
    """A resampled fit without a finite estimate (separation, a singular design)."""


def _fit(design: Design, keep: list[str] = (), start: np.ndarray | None = None) -> np.ndarray:
    """Coefficients of one design. A column without variation in a resample (a rare category
    no state of the draw has) is not identified: it is left out of the fit and given a zero
    coefficient, which changes no fitted value; a column in `keep` (the terms a quantity is
    about) must vary, or the replicate has no estimate. `start`: full-sample coefficients, from
    which a penalised fit of a resample converges in fewer steps."""
    varies = design.X.std(axis=0) > 0
    varies[0] = True
    missing = [name for name, ok in zip(design.names, varies, strict=True) if not ok]
    if set(missing) & set(keep):
        raise NoEstimate(f"no variation in {sorted(set(missing) & set(keep))}")
    beta, converged = _POINT[design.estimator](design.X[:, varies], design.y,
                                               None if start is None else start[varies])
    if not converged:
        raise NoEstimate(design.estimator)
    full = np.zeros(design.X.shape[1])
    full[varies] = beta
    return full


def _used_models(entries: dict) -> list[str]:
    names = [e["model"] for e in entries.values()] + [e["compare_to"] for e in entries.values()
                                                      if "compare_to" in e]
    return sorted(set(names))


def state_list(panel: pd.DataFrame) -> pd.Index:
    return pd.Index(sorted(panel["iso3"].unique()), name="iso3")


def point_estimates(panel, imputations, specs, entries, tie) -> pd.DataFrame:
    """Each entry's numbers averaged over the completed data sets (Rubin's point estimate)."""
    used = {name: specs[name] for name in _used_models(entries)}
    records = []
    for designs in _designs(panel, imputations, used, entries, state_list(panel)):
        betas = {name: _fit(design) for name, design in designs.items()}
        for key, entry in entries.items():
            for quantity, value in entry_values(entry, designs, betas, tie).items():
                records.append((key, quantity, value))
    frame = pd.DataFrame(records, columns=["entry", "quantity", "value"])
    return frame.groupby(["entry", "quantity"], sort=False)["value"].mean().reset_index()


def bootstrap_chunk(panel, imputations, specs, entries, tie, replicates: range, seed: int,
                    draw: Callable[[int, int, int], np.ndarray]) -> pd.DataFrame:
    """Bootstrap values of every entry's numbers for the given replicate numbers. `draw(n_states,
    replicate, seed)` returns the drawn state positions of one replicate."""
    used = {name: specs[name] for name in _used_models(entries)}
    states = state_list(panel)
    completed = _designs(panel, imputations, used, entries, states)
    rows_of = [{name: [np.flatnonzero(d.state == s) for s in range(len(states))]
                for name, d in designs.items()} for designs in completed]
    starts = [{name: _fit(design) for name, design in designs.items()} for designs in completed]
    records = []
    for replicate in replicates:
        which = replicate % len(completed)
        drawn = draw(len(states), replicate, seed)
        designs = {}
        for name, design in completed[which].items():
            rows = np.concatenate([rows_of[which][name][s] for s in drawn])
            designs[name] = Design(design.X[rows], design.y[rows], design.names,
                                   design.state[rows], None if design.by is None
                                   else design.by[rows], design.estimator)
        betas = {}
        for name, design in designs.items():
            try:
                betas[name] = _fit(design, _kept_terms(name, entries, tie),
                                   starts[which][name])
            except (np.linalg.LinAlgError, ValueError, FloatingPointError):
                continue
        for key, entry in entries.items():
            used = [entry["model"], *([entry["compare_to"]] if "compare_to" in entry else [])]
            values = (entry_values(entry, designs, betas, tie)
                      if all(name in betas for name in used) else {})
            for quantity in _quantity_names(entry):
                records.append((replicate, key, quantity, values.get(quantity, np.nan)))
    return pd.DataFrame(records, columns=["replicate", "entry", "quantity", "value"])


def _kept_terms(model: str, entries: dict, tie: str) -> list[str]:
    """The terms the quantities computed from `model` are about."""
    terms = {tie}
    for entry in entries.values():
        if entry["model"] == model and entry["quantity"] == "ame_difference":
            terms.add(interaction_name([tie, entry["by"]]))
    return sorted(terms)


def _quantity_names(entry: dict) -> list[str]:
    if entry["quantity"] == "ame":
        return ["ame"]
    if entry["quantity"] == "ame_difference":
        return ["ame_difference", f"ame_where_{entry['by']}", f"ame_where_not_{entry['by']}"]
    model, other = entry["model"], entry["compare_to"]
    return ["relative_ame_difference", f"ame_{model}", f"base_{model}", f"relative_ame_{model}",
            f"ame_{other}", f"base_{other}", f"relative_ame_{other}"]


def bootstrap_p(draws: np.ndarray) -> float:
    """Two-sided percentile-bootstrap p-value of 'no effect': twice the smaller share of draws on
    either side of zero (with the +1 correction, so it is never exactly 0)."""
    draws = draws[np.isfinite(draws)]
    below, above = (draws <= 0).sum(), (draws >= 0).sum()
    return float(min(1.0, 2 * (min(below, above) + 1) / (len(draws) + 1)))


def quantity_label(quantity: str, entry: dict, tie: str, titles: dict[str, str]) -> str:
    """What a reported number is, in words, for tables and figures."""
    def title(name: str) -> str:
        return titles.get(name, name).lower()

    by = label(entry.get("by", ""))
    treatment = label(tie)[:1].lower() + label(tie)[1:]
    model, other = entry["model"], entry.get("compare_to", "")
    words = {
        "ame": f"AME of {treatment}",
        "ame_bootstrap": f"AME of {treatment}, bootstrap interval",
        "relative_ame_difference": f"relative AME on {title(model)} minus on {title(other)}",
        "ame_difference": f"AME on {by} minus on other texts",
        f"ame_where_{entry.get('by')}": f"AME on {by}",
        f"ame_where_not_{entry.get('by')}": "AME on other texts",
        f"ame_{model}": f"AME on {title(model)}", f"ame_{other}": f"AME on {title(other)}",
        f"base_{model}": f"base rate of {title(model)}",
        f"base_{other}": f"base rate of {title(other)}",
        f"relative_ame_{model}": f"relative AME on {title(model)}",
        f"relative_ame_{other}": f"relative AME on {title(other)}",
    }
    return words[quantity]


def summarise(points: pd.DataFrame, draws: pd.DataFrame, entries: dict, fits: dict[str, dict],
              margins: dict[str, pd.DataFrame], tie: str, titles: dict[str, str]
              ) -> pd.DataFrame:
    """One row per entry and reported number. An `ame` entry has two rows, the model's
    Rubin-pooled delta-method inference and the bootstrap's; the first is primary only where
    the model reports Wald inference for the tie. Every other row is the bootstrap's."""
    records = []
    for key, entry in entries.items():
        for quantity in _quantity_names(entry):
            # A component of the compared model ('ame_h2_vote') has that model's sample.
            other = entry.get("compare_to")
            fit = fits[other if other and quantity.endswith(f"_{other}") else entry["model"]]
            estimate = points.set_index(["entry", "quantity"]).loc[(key, quantity), "value"]
            values = draws.loc[(draws["entry"] == key) & (draws["quantity"] == quantity),
                               "value"].to_numpy()
            low, high, _ = percentile_interval(values)
            record = {"hypothesis": key, "model": entry["model"], "quantity": quantity,
                      "label": quantity_label(quantity, entry, tie, titles),
                      "estimate": estimate, "ci_low": low, "ci_high": high,
                      "p": bootstrap_p(values), "n": fit["n"], "n_states": fit["states"],
                      # States with the tie in the hypothesis' model, and those of them on the
                      # rarer side of its outcome (models.fit.treated_clusters).
                      "n_treated": fit["treated_clusters"].get(tie),
                      "n_informative": fit["informative_clusters"].get(tie),
                      "method": f"state-clustered bootstrap, {np.isfinite(values).sum()} of "
                                f"{len(values)} replicates", "primary": quantity ==
                      entry["quantity"]}
            if quantity == "ame":
                # The delta method is primary only where the model reports Wald inference for
                # the tie; where the tie is separated or rests on too few informative states
                # (models.fit.treated_clusters) the bootstrap is the quantity's one p-value.
                row = margins[entry["model"]].set_index("term").loc[tie]
                wald = bool(pd.notna(row["p"]))
                records.append({**record, "quantity": "ame_bootstrap", "primary": not wald,
                                "label": quantity_label("ame_bootstrap", entry, tie, titles)})
                record.update(estimate=row["estimate"], ci_low=row["ci_low"],
                              ci_high=row["ci_high"], p=row["p"], primary=wald,
                              method=f"delta method, {fit['cov_type']} covariance"
                              + (f", Rubin's rules over {fit['imputations']} imputations"
                                 if fit.get("missing") == "imputed" else "")
                              + ("" if wald else "; no inference: "
                                 f"{fit['informative_clusters'].get(tie, 0)} informative states"))
            records.append(record)
    return pd.DataFrame(records, columns=COLUMNS)



def with_design_columns(table: pd.DataFrame, randomisation: pd.DataFrame) -> pd.DataFrame:
    """The cross-section's rows with the columns the within-state rows also carry: the MDE
    from the row's 95% interval (its half-width over 1.96 standing in for a standard error),
    and the randomisation test's p-value on the bootstrap row of the hypothesis it tests."""
    table = table.copy()
    table["mde"] = MDE_FACTOR * (table["ci_high"] - table["ci_low"]) / (2 * Z_TWO_SIDED_5)
    table["p_wild"] = np.nan
    table["p_ri"] = np.nan
    for test in randomisation.itertuples():
        at = (table["hypothesis"] == test.hypothesis) & (table["model"] == test.model) & (
            table["quantity"] == "ame_bootstrap")
        table.loc[at, "p_ri"] = test.p
    for column in DESIGN_COLUMNS[3:]:
        table[column] = pd.NA
    return table.reindex(columns=COLUMNS + DESIGN_COLUMNS)
