"""Every defensible specification of the tie effects at once (a specification curve, Simonsohn,
Simmons and Nelson 2020), and randomisation inference for the H1 effect.

A specification is one value of each choice in config `multiverse`: the alignment control, the
tie measure, the outcome coding, the sample, the estimator, the handling of missing data and the
text. H1 is the average marginal effect (AME) of the tie on not voting yes; H2 the AME on not
co-sponsoring among yes voters (texts with a sponsor list only, so its outcome coding is fixed).
Specifications are numbered in a fixed order that keeps those sharing a design together, so a
chunk of consecutive numbers reuses its designs and chunks gather to the same table as one run.

Designs come from `hypotheses.build_design` once per estimand, outcome coding and data set,
with every candidate column; a specification picks its rows and columns from them. The interval
is Wald from the model: a sandwich clustered by state for pooled texts and HC1 for a single text
(logit, LPM); the inverse information for Firth on a single text, clustered around it when pooled
(as `estimators.fit_model` does). Imputed specifications fit the first k completed data sets and
pool by Rubin's rules (the point estimate is the average). An ML logit whose Newton iterations do
not settle, or whose effect has a variance that is not positive, is checked for separation by
linear programme.

The test of no effect (`p_wild`, the one p-value of a specification) is a wild cluster score
bootstrap (Kline and Santos 2012; Roodman et al. 2019): the specification refitted without the
tie, by its own estimator; each state's efficient score for the tie at that fit (the tie's score
with the other columns partialled out through the information; for imputed data, averaged over
the completed data sets); Rademacher signs drawn per state, the same draws for every
specification. It needs no variance of the full fit, so it does not inherit the Wald artefacts
of near-separated fits. Each state is its own cluster (one row per state for a single text).

Effects are also reported per standard deviation of the tie in the specification's sample
(`std_*`), so that tie measures on different scales share one curve. A specification whose
alignment control is a mediator (config `multiverse.mediators`, the ideal point measured after
the ties) estimates a direct effect, not the total effect: its `curve` is "direct", shown apart.

Each specification has one status, and `reason` says why for every status but `ok` (where it
may hold a note, such as separation in a column other than the tie):

- `ok`: finite estimate, 95 % interval and p-value.
- `separated`: the logit is separated in the tie; the estimate where the iterations stopped is
  kept, without interval or p-value.
- `no_inference`: fitted, but the delta-method variance of the effect is not a positive number
  (in one completed data set or more, if imputed); the estimate is kept, without interval or
  p-value.
- `few_clusters`: fitted, but the tie rests on fewer than `MIN_TREATED_CLUSTERS` informative
  clusters (`fit.treated_clusters`: states, or rows for a single text, with the tie, counted on
  each side of the outcome); the estimate is kept, without interval or p-value, as in every
  model of the workflow.
- `failed`: no estimate (e.g. a tie without variation in the sample, a collinear design).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from abstention.errors import DataError
from abstention.models.common import FEW_CLUSTERS, MIN_TREATED_CLUSTERS
from abstention.models.configured import model_sample
from abstention.models.covariance import firth_cluster_cov
from abstention.models.distributions import normal_ppf
from abstention.models.firth import firth_newton
from abstention.models.fit import treated_clusters
from abstention.models.hypotheses import Design, build_design, state_list
from abstention.models.panel import with_imputation
from abstention.models.points import logit_point
from abstention.models.pooling import rubin_pool
from abstention.models.resampling import StratumPermuter, randomisation_p
from abstention.models.separation import separated_columns
from abstention.models.specs import chunk_range

CHOICES = ["estimand", "alignment", "tie", "outcome_coding", "sample", "estimator", "missing",
           "text"]
COLUMNS = ["curve", *CHOICES, "estimate", "ci_low", "ci_high", "p_wild", "tie_sd",
           "std_estimate", "std_ci_low", "std_ci_high", "n", "n_states", "status", "reason"]
TOTAL, DIRECT = "total", "direct"
ALL = "all"
POOLED = "pooled"
WITHOUT_GROUP = "without_group"
WITHOUT_FORMER_USSR = "without_former_ussr"
COMPLETE = "complete"
NO_ALIGNMENT = "none"
_Z95 = normal_ppf(0.975)
OK, SEPARATED, NO_INFERENCE, FAILED = "ok", "separated", "no_inference", "failed"
# A logit coefficient this large is a fit running off along a separating direction.
DIVERGED = 1e3
STATUSES = (OK, SEPARATED, NO_INFERENCE, FEW_CLUSTERS, FAILED)


def enumerate_specifications(settings: dict, texts: list[str], sponsor_texts: list[str],
                             groups: list[str]) -> list[dict]:
    """Every specification in its fixed order: H1 over all choices, then H2 (yes voters on
    texts with a sponsor list), the choices that change the design outermost. With
    `specifications` a number below the size of the cross product, that many evenly spaced
    ones; "all" is the whole cross product."""
    samples = []
    for sample in settings["samples"]:
        samples += [f"without {g}" for g in groups] if sample == WITHOUT_GROUP else [sample]
    codings = {"H1": settings["outcome_codings"], "H2": ["yes_voters"]}
    text_choices = {"H1": [*texts, POOLED], "H2": [*sponsor_texts, POOLED]}
    specs = []
    for estimand in ("H1", "H2"):
        for coding, missing, text, sample, tie, alignment, estimator in itertools.product(
                codings[estimand], settings["missing"], text_choices[estimand], samples,
                settings["ties"], settings["alignments"], settings["estimators"]):
            specs.append({"curve": DIRECT if alignment in settings["mediators"] else TOTAL,
                          "estimand": estimand, "alignment": alignment, "tie": tie,
                          "outcome_coding": coding, "sample": sample, "estimator": estimator,
                          "missing": missing, "text": text})
    wanted = settings["specifications"]
    if wanted == ALL or wanted >= len(specs):
        return specs
    return [specs[i] for i in np.linspace(0, len(specs) - 1, wanted).round().astype(int)]


@dataclass(frozen=True)
class DataSet:
    """One estimand and outcome coding on one completed data set: the design with every candidate
    column (missing values filled with 0 and flagged in `observed`) and each row's attributes."""

    design: Design
    observed: np.ndarray
    symbol: np.ndarray
    group: np.ndarray
    former_ussr: np.ndarray


def superset_spec(estimand: str, coding: str, texts: list[str], settings: dict) -> dict:
    """The model specification holding every column a specification of this kind can use."""
    variables = [*settings["ties"], *[a for a in settings["alignments"] if a != NO_ALIGNMENT],
                 *settings["controls"]]
    spec = {"name": f"multiverse {estimand} {coding}", "covariates": variables,
            "categorical": list(settings["categorical"]), "fixed_effects": ["res_id"],
            "resolutions": texts, "exclude_states": list(settings["exclude_states"]),
            "estimator": "logit"}
    if estimand == "H2":
        return {**spec, "outcome": "not_cosponsor", "only_votes": ["yes"]}
    if coding == "absence_excluded":
        return {**spec, "outcome": "not_yes", "only_votes": ["yes", "abstain", "no"]}
    return {**spec, "outcome": "not_yes"}


def data_set(frame: pd.DataFrame, spec: dict, states: pd.Index) -> DataSet:
    rows = model_sample(frame, spec).dropna(subset=[spec["outcome"]])
    variables = spec["covariates"]
    filled = frame.assign(**{v: frame[v].fillna(0.0) for v in variables})
    design = build_design(filled, spec, states, None)
    if len(design.y) != len(rows):
        raise DataError(None, "multiverse design", f"{len(rows)} rows", len(design.y))
    observed = rows[variables].notna().to_numpy()
    return DataSet(design, observed, rows["symbol"].to_numpy(), rows["un_group"].to_numpy(),
                   rows["former_ussr"].to_numpy(float))


class NoFit(ValueError):
    """A specification without an estimate; the message is its reason."""


@dataclass(frozen=True)
class Fit:
    estimate: float
    variance: float
    separated: bool
    note: str


def _select(data: DataSet, spec: dict, settings: dict) -> tuple[np.ndarray, np.ndarray,
                                                                 np.ndarray, list[str]]:
    """Rows and columns of one specification: X, y, state codes and column names."""
    names = data.design.names
    variables = data.design.names[1:1 + data.observed.shape[1]]
    used = [spec["tie"], *settings["controls"]]
    if spec["alignment"] != NO_ALIGNMENT:
        used.append(spec["alignment"])
    rows = data.observed[:, [variables.index(v) for v in used]].all(axis=1)
    if spec["text"] != POOLED:
        rows &= data.symbol == spec["text"]
    if spec["sample"] == WITHOUT_FORMER_USSR:
        rows &= data.former_ussr != 1
    elif spec["sample"].startswith("without "):
        rows &= data.group != spec["sample"].removeprefix("without ")
    blocks = [*settings["categorical"], *(["res_id"] if spec["text"] == POOLED else [])]
    columns = [0, *[names.index(v) for v in used]]
    columns += [j for j, name in enumerate(names) if name.split("[")[0] in blocks and "[" in name]
    X, y = data.design.X[np.ix_(rows, columns)], data.design.y[rows]
    chosen = [names[j] for j in columns]
    if len(y) == 0 or y.min() == y.max():
        raise NoFit(f"outcome without variation in {len(y)} rows")
    varies = X.std(axis=0) > 0
    varies[0] = True
    if not varies[1]:
        raise NoFit(f"no variation in {spec['tie']}")
    for block in blocks:
        dummies = [j for j, name in enumerate(chosen) if varies[j] and name.startswith(f"{block}[")]
        if dummies and np.all(X[:, dummies].sum(axis=1) == 1):
            varies[dummies[0]] = False
    keep = np.flatnonzero(varies)
    if np.linalg.matrix_rank(X[:, keep]) < len(keep):
        raise NoFit("collinear design")
    return X[:, keep], y, data.design.state[rows], [chosen[j] for j in keep]


def _sandwich(X: np.ndarray, scores: np.ndarray, bread: np.ndarray,
              states: np.ndarray | None) -> np.ndarray:
    """HC1 without `states`, else clustered by state with statsmodels' small-sample factor."""
    n, k = X.shape
    if states is None:
        return n / (n - k) * bread @ (scores.T @ scores) @ bread
    codes = np.unique(states, return_inverse=True)[1]
    sums = np.zeros((codes.max() + 1, k))
    np.add.at(sums, codes, scores)
    g = sums.shape[0]
    return g / (g - 1) * (n - 1) / (n - k) * bread @ (sums.T @ sums) @ bread


def _effect(beta: np.ndarray, X: np.ndarray, linear: bool) -> tuple[float, np.ndarray]:
    """AME of column 1 and its gradient in beta: the average change from 0 to 1 for a 0/1
    column, else the average derivative (as `estimators.average_effect`)."""
    if linear:
        gradient = np.zeros_like(beta)
        gradient[1] = 1.0
        return float(beta[1]), gradient
    if np.isin(X[:, 1], (0.0, 1.0)).all():
        on, off = X.copy(), X.copy()
        on[:, 1], off[:, 1] = 1.0, 0.0
        p_on, p_off = special.expit(on @ beta), special.expit(off @ beta)
        gradient = ((p_on * (1 - p_on)) @ on - (p_off * (1 - p_off)) @ off) / len(X)
        return float(np.mean(p_on - p_off)), gradient
    prob = special.expit(X @ beta)
    slope = prob * (1 - prob)
    gradient = beta[1] * ((slope * (1 - 2 * prob)) @ X) / len(X)
    gradient[1] += slope.mean()
    return float(beta[1] * slope.mean()), gradient


def fit_one(X: np.ndarray, y: np.ndarray, states: np.ndarray, names: list[str],
            estimator: str, clustered: bool) -> Fit:
    """The tie's AME (column 1) and its delta-method variance under the specification's
    covariance."""
    groups = states if clustered else None
    note = ""
    if estimator == "lpm":
        bread = np.linalg.inv(X.T @ X)
        beta = bread @ (X.T @ y)
        cov = _sandwich(X, X * (y - X @ beta)[:, None], bread, groups)
    elif estimator == "logit":
        beta, converged = logit_point(X, y)
        # Newton steps can "settle" on a flat likelihood with coefficients in the millions
        # (a separating combination of columns): that is checked as a fit that did not.
        converged = converged and np.abs(beta).max() < DIVERGED
        if not converged:
            separated = _separation(X, y, beta, names)
            if separated is None:
                raise NoFit("Newton iterations did not converge")
            if isinstance(separated, Fit):
                return separated
            note = separated
        prob = special.expit(X @ beta)
        weighted = X * np.sqrt(prob * (1 - prob))[:, None]
        bread = np.linalg.inv(weighted.T @ weighted)
        cov = _sandwich(X, X * (y - prob)[:, None], bread, groups)
        estimate, gradient = _effect(beta, X, False)
        variance = float(gradient @ cov @ gradient)
        if converged and not (np.isfinite(variance) and variance > 0):
            # Iterations can stop on a flat likelihood far out along a separating direction;
            # a variance that is not positive is the sign to check.
            separated = _separation(X, y, beta, names)
            if isinstance(separated, Fit):
                return separated
            note = separated or note
        return Fit(estimate, variance, False, note)
    else:
        beta, state, converged = firth_newton(X, y, np.zeros(X.shape[1]), np.arange(X.shape[1]))
        if state is None or not converged:
            raise NoFit("Firth iterations did not converge")
        cov = np.linalg.inv(state.info)
        if clustered:
            cov = firth_cluster_cov(X, y, beta, cov, np.unique(states, return_inverse=True)[1])
    estimate, gradient = _effect(beta, X, estimator == "lpm")
    return Fit(estimate, float(gradient @ cov @ gradient), False, note)


def _separation(X: np.ndarray, y: np.ndarray, beta: np.ndarray,
                names: list[str]) -> Fit | str | None:
    """A separated fit if the tie (column 1) is separated, a note naming the separated columns
    if others are, None if none is."""
    flags = separated_columns(X, y)
    if not flags.any():
        return None
    affected = ", ".join(n for n, f in zip(names, flags, strict=True) if f)
    if flags[1]:
        return Fit(_effect(beta, X, False)[0], np.nan, True, f"separated: {affected}")
    return f"separated (not the tie): {affected}"


def efficient_scores(X: np.ndarray, y: np.ndarray, estimator: str) -> np.ndarray:
    """Each row's score for the tie (column 1) at the specification refitted without it, the
    other columns partialled out through the information at that fit.

    A maximum-likelihood refit that does not settle because other columns separate the
    outcome is done as Stata's logit does: those columns and the rows where they are not zero
    (whose outcome they predict perfectly, so their score is zero) are set aside."""
    rest, tie = np.delete(X, 1, axis=1), X[:, 1]
    scores = np.zeros(len(y))
    rows = np.ones(len(y), dtype=bool)
    if estimator == "lpm":
        fitted = rest @ np.linalg.lstsq(rest, y, rcond=None)[0]
        weight = np.ones(len(y))
    else:
        if estimator == "logit":
            beta, converged = logit_point(rest, y)
            if not (converged and np.abs(beta).max() < DIVERGED):
                separating = separated_columns(rest, y)
                rows = ~(rest[:, separating] != 0).any(axis=1)
                if separating[0] or not separating.any() or not rows.any():
                    raise NoFit("the fit without the tie did not converge")
                rest = rest[rows][:, ~separating]
                beta, converged = logit_point(rest, y[rows])
                converged = converged and np.abs(beta).max() < DIVERGED
        else:
            beta, _, converged = firth_newton(rest, y, np.zeros(rest.shape[1]),
                                              np.arange(rest.shape[1]))
        if not converged:
            raise NoFit("the fit without the tie did not converge")
        fitted = special.expit(rest @ beta)
        weight = fitted * (1 - fitted)
    weighted = rest * weight[:, None]
    partial = np.linalg.lstsq(rest.T @ weighted, weighted.T @ tie[rows], rcond=None)[0]
    scores[rows] = (tie[rows] - rest @ partial) * (y[rows] - fitted)
    return scores


def score_weights(draws: int, states: int, seed: int) -> np.ndarray:
    """Rademacher signs, draws x states (every state of the panel), shared by all
    specifications."""
    return np.random.default_rng(seed).choice([-1.0, 1.0], size=(draws, states))


def wild_score_p(per_state: np.ndarray, weights: np.ndarray) -> float:
    """Two-sided p-value of no effect from the states' efficient scores (zero for states out
    of the sample): the share of sign draws whose summed score is as far from zero as the
    observed one, counting the observed one, (exceedances + 1) / (draws + 1). With Rademacher
    signs the sum of squared signed scores does not change, so this is also the studentised
    score test's p-value."""
    observed = abs(per_state.sum())
    drawn = np.abs(weights @ per_state)
    exceed = int((drawn >= observed * (1 - 1e-12)).sum())
    return (exceed + 1) / (len(weights) + 1)


def _variance_problem(variances: np.ndarray) -> str:
    """Why a fit has no inference: the first unusable variance and, for imputed data, in how
    many of the completed data sets."""
    unusable = variances[~(np.isfinite(variances) & (variances > 0))]
    where = "" if len(variances) == 1 else (f" in {len(unusable)} of {len(variances)} "
                                            "completed data sets")
    return f"variance of the effect is not a positive number ({unusable[0]:.3g}{where})"


def run_specification(spec: dict, data: list[DataSet], settings: dict,
                      weights: np.ndarray) -> dict:
    """One row of the table; `data` holds the complete-case data set or the k completed ones,
    `weights` the score bootstrap's sign draws by state. A failure is a row with its reason,
    never an exception."""
    row = {**spec, **{column: np.nan for column in COLUMNS if column not in spec},
           "n": 0, "n_states": 0, "status": FAILED, "reason": ""}
    try:
        fits, selected = [], []
        for one in data:
            selected.append(_select(one, spec, settings))
            fits.append(fit_one(*selected[-1], spec["estimator"], spec["text"] == POOLED))
    except (ValueError, np.linalg.LinAlgError, FloatingPointError) as error:
        row["reason"] = str(error) or type(error).__name__
        return row
    # The fewest informative clusters of a 0/1 tie across the data sets (imputed ones differ);
    # a continuous tie is not counted.
    informative = min(treated_clusters(X, names, [names[1]],
                                       states if spec["text"] == POOLED else None, y)
                      .get(names[1], np.inf) for X, y, states, names in selected)
    notes = sorted({f.note for f in fits if f.note and not f.separated})
    X, y, states, names = selected[-1]
    row.update(n=len(y), n_states=len(np.unique(states)), reason="; ".join(notes),
               tie_sd=float(X[:, 1].std()))
    estimates = np.array([f.estimate for f in fits])
    if not np.isfinite(estimates).all():
        row["reason"] = "; ".join(["estimate of the effect is not finite", *notes])
        return row
    estimate = float(estimates.mean())
    if any(f.separated for f in fits):
        row.update(estimate=estimate, status=SEPARATED,
                   reason="; ".join(sorted({f.note for f in fits if f.separated})))
        return row
    variances = np.array([f.variance for f in fits])
    if not (np.isfinite(variances) & (variances > 0)).all():
        row.update(estimate=estimate, status=NO_INFERENCE,
                   reason="; ".join([_variance_problem(variances), *notes]))
        return row
    if informative < MIN_TREATED_CLUSTERS:
        row.update(estimate=estimate, status=FEW_CLUSTERS,
                   reason="; ".join([f"{int(informative)} informative clusters of the tie",
                                     *notes]))
        return row
    if len(fits) == 1:
        se = np.sqrt(variances[0])
        low, high = estimate - _Z95 * se, estimate + _Z95 * se
    else:
        pooled = rubin_pool(estimates[:, None], variances[:, None]).iloc[0]
        low, high = pooled["ci_low"], pooled["ci_high"]
    try:
        per_state = np.mean([np.bincount(states, weights=efficient_scores(X, y, spec["estimator"]),
                                         minlength=weights.shape[1])
                             for X, y, states, _ in selected], axis=0)
    except (NoFit, np.linalg.LinAlgError) as error:
        row.update(estimate=estimate, status=NO_INFERENCE,
                   reason="; ".join([f"no score bootstrap: {error}", *notes]))
        return row
    row.update(estimate=estimate, ci_low=float(low), ci_high=float(high),
               p_wild=wild_score_p(per_state, weights), status=OK)
    return row


def standardised(table: pd.DataFrame) -> pd.DataFrame:
    """The effects per standard deviation of the tie in each specification's sample."""
    return table.assign(**{f"std_{column}": table[column] * table["tie_sd"]
                           for column in ("estimate", "ci_low", "ci_high")})


def texts_with_sponsor_list(panel: pd.DataFrame, texts: list[str]) -> list[str]:
    listed = set(panel.loc[panel["has_sponsor_list"], "symbol"])
    return [t for t in texts if t in listed]


def specification_table(panel: pd.DataFrame, imputations: pd.DataFrame, settings: dict,
                        texts: list[str], chunk: int = 0, chunks: int = 1) -> pd.DataFrame:
    """The rows of the specifications in share `chunk` of `chunks`, with their numbers."""
    check_settings(settings, panel.columns)
    groups = sorted(panel["un_group"].dropna().unique())
    specs = enumerate_specifications(settings, texts, texts_with_sponsor_list(panel, texts),
                                     groups)
    numbers = range(*chunk_range(chunk, len(specs), chunks))
    states = state_list(panel)
    boot = settings["bootstrap"]
    weights = score_weights(boot["draws"], len(states), boot["seed"])
    completed = sorted(imputations["imputation"].unique())[:settings["imputations"]]
    frames = {COMPLETE: [panel]}
    cache: dict[tuple, list[DataSet]] = {}
    records = []
    for number in numbers:
        spec = specs[number]
        key = (spec["estimand"], spec["outcome_coding"], spec["missing"])
        if key not in cache:
            if spec["missing"] not in frames:
                frames[spec["missing"]] = [with_imputation(panel, imputations, i)
                                           for i in completed]
            full = superset_spec(spec["estimand"], spec["outcome_coding"], texts, settings)
            cache[key] = [data_set(frame, full, states) for frame in frames[spec["missing"]]]
        records.append({"specification": number,
                        **run_specification(spec, cache[key], settings, weights)})
    return standardised(pd.DataFrame(records, columns=["specification", *COLUMNS]))


def check_settings(settings: dict, variables) -> None:
    """Variables of config `multiverse` that are not columns stop the chunk naming the key."""
    for key in ("ties", "controls", "categorical", "alignments"):
        unknown = [v for v in settings[key] if v != NO_ALIGNMENT and v not in variables]
        if unknown:
            raise DataError("config multiverse", key, "columns of the analysis panel", unknown)


def summarise(table: pd.DataFrame, tie: str, draws: int, level: float = 0.05) -> pd.DataFrame:
    """Per estimand and curve (total effect, or direct effect under a mediator alignment): how
    many specifications have each status; the share of ok ones positive and negative at
    p_wild < `level`; the median effect per standard deviation of the tie over the estimated
    specifications (ok, or without inference for too few clusters) of every tie measure; and
    for `tie`, the hypotheses' own measure, the same on its own scale. `draws`: the score
    bootstrap's sign draws."""
    records = []
    for (estimand, curve), rows in table.groupby(["estimand", "curve"], sort=True):
        ok = rows[rows["status"] == OK]
        significant = ok["p_wild"] < level
        own = ok[ok["tie"] == tie]
        estimated = rows[rows["status"].isin([OK, FEW_CLUSTERS])]
        own_estimated = estimated[estimated["tie"] == tie]
        records.append({
            "estimand": estimand, "curve": curve, "specifications": len(rows), "draws": draws,
            **{status: int((rows["status"] == status).sum()) for status in STATUSES},
            "share_positive_significant": float((significant & (ok["estimate"] > 0)).mean()),
            "share_negative_significant": float((significant & (ok["estimate"] < 0)).mean()),
            "median_std_estimate": float(estimated["std_estimate"].median()),
            "tie": tie, "tie_ok": len(own), "tie_estimated": len(own_estimated),
            "tie_share_positive": float((own_estimated["estimate"] > 0).mean()),
            "tie_share_positive_significant": float(((own["p_wild"] < level)
                                                     & (own["estimate"] > 0)).mean()),
            "tie_median_estimate": float(own_estimated["estimate"].median()),
        })
    return pd.DataFrame(records)


def _tie_first(design: Design, tie: str) -> Design:
    """The design with the tie as column 1, after the intercept, as `fit_one` expects."""
    column = design.names.index(tie)
    order = [0, column, *[j for j in range(1, len(design.names)) if j != column]]
    return Design(design.X[:, order], design.y, [design.names[j] for j in order], design.state,
                  None, design.estimator)


def _h1_designs(panel: pd.DataFrame, imputations: pd.DataFrame, spec: dict,
                tie: str) -> list[Design]:
    states = state_list(panel)
    return [_tie_first(build_design(with_imputation(panel, imputations, i), spec, states, None),
                       tie) for i in sorted(imputations["imputation"].unique())]


def observed_effect(panel: pd.DataFrame, imputations: pd.DataFrame, spec: dict,
                    tie: str) -> tuple[float, tuple[int, int]]:
    """The tie's AME averaged over the completed data sets (Rubin's point estimate), and the
    rows and states of the first one's sample."""
    designs = _h1_designs(panel, imputations, spec, tie)
    effects = [fit_one(d.X, d.y, d.state, d.names, spec["estimator"], False).estimate
               for d in designs]
    return float(np.mean(effects)), (len(designs[0].y), len(np.unique(designs[0].state)))


def permutation_chunk(panel: pd.DataFrame, imputations: pd.DataFrame, spec: dict, tie: str,
                      draws: range, seed: int) -> pd.DataFrame:
    """AME of the tie after permutation `draw` of the state-level tie among the states of each UN
    regional group. Draw r refits on completed data set r mod m, as the bootstrap does; a draw
    whose fit does not settle is kept as a missing value."""
    designs = _h1_designs(panel, imputations, spec, tie)
    sampled, first_row = np.unique(designs[0].state, return_index=True)
    groups = panel.drop_duplicates("iso3").set_index("iso3")["un_group"]
    permuter = StratumPermuter(groups.reindex(state_list(panel)[sampled]).to_numpy())
    values = designs[0].X[first_row, 1]
    records = []
    for draw in draws:
        design = designs[draw % len(designs)]
        X = design.X.copy()
        X[:, 1] = permuter.draw(values, draw, seed)[np.searchsorted(sampled, design.state)]
        try:
            value = fit_one(X, design.y, design.state, design.names, spec["estimator"],
                            False).estimate
        except (ValueError, np.linalg.LinAlgError):
            value = np.nan
        records.append((draw, value))
    return pd.DataFrame(records, columns=["draw", "ame"])


def randomisation_summary(draws: pd.DataFrame, observed: float, model: str = "",
                          sample: tuple[int, int] = (0, 0)) -> pd.DataFrame:
    """Observed AME, two-sided randomisation p-value, the draws used and dropped, and the same
    as a row of the hypotheses table (H1, quantity `ame_randomisation`, no interval), with the
    model's rows and states in `sample`."""
    null = draws["ame"].to_numpy()
    used, dropped = int(np.isfinite(null).sum()), int((~np.isfinite(null)).sum())
    return pd.DataFrame([{
        "hypothesis": "H1", "model": model, "quantity": "ame_randomisation",
        "label": "AME, randomisation test (tie permuted within regional group)",
        "estimate": observed, "ci_low": np.nan, "ci_high": np.nan,
        "p": randomisation_p(observed, null), "n": sample[0], "n_states": sample[1],
        "method": f"randomisation, tie permuted within UN regional group, {used} draws "
                  f"({dropped} without a fit)", "primary": False,
        "observed_ame": observed, "draws": used, "dropped": dropped}])
