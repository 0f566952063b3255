"""One fitting interface for every model in the paper, so tables and figures never depend on
which library estimated a model.

Conventions shared by all estimators
------------------------------------
* ``coefficients`` and ``margins`` both have the columns
  ``equation, term, estimate, std_error, z, p, ci_low, ci_high``. ``equation`` is always present
  and is a string naming the outcome category a row refers to:

  - binary models (``logit``, ``firth_logit``, ``lpm``): ``"1"`` (log-odds or probability of
    outcome = 1) in both tables;
  - ``mnlogit``: coefficients carry the non-base category whose log-odds against the base they
    describe; margins carry every category, the base included;
  - ``ordered_logit``: coefficients (slopes of the latent index and the cut points ``cut1``,
    ``cut2``, ... on the threshold scale, i.e. P(y <= k) = logistic(cut_k - x'b)) carry
    ``"latent"``; margins carry every category.
* ``coefficients`` and ``margins`` then carry the boolean column ``separated`` (see below).
* Tests and intervals are normal-theory (z), 95 %, from ``vcov``, the covariance the caller asked
  for. ``HC1`` is the HC0 sandwich times n / (n - k) for every estimator (statsmodels returns plain
  HC0 for discrete models when asked for HC1). ``cluster`` is statsmodels' cluster sandwich with
  its default small-sample factor G / (G - 1) * (N - 1) / (N - K).
* ``firth_logit`` reports the model-based covariance, the inverse Fisher information X'WX at the
  penalised estimate (Heinze & Schemper 2002; recent logistf versions report a (1 + h)-weighted
  information instead, which gives smaller errors under separation), as ``std_error`` and Wald
  ``z``; its ``p`` is the penalised likelihood-ratio test and its interval the profile penalised
  likelihood interval, both as in R's logistf (Wald instead with ``firth_profile=False``). Its
  margins and predictions use the Wald delta method with that covariance. ``log_likelihood``
  (and so ``aic`` and McFadden's ``pseudo_r2``) is the unpenalised log-likelihood at the
  penalised estimate.
* Margins are average marginal effects of the caller's ``terms`` (not of the intercept or the
  fixed-effect dummies), with delta-method standard errors under ``vcov``. A term whose values in
  the estimation sample are all 0 or 1 gets the average discrete change from 0 to 1; any other term
  the average derivative. Each design column is moved on its own, so a caller-built interaction
  column is held fixed when its components move.
* Separation (see ``unidentified``) is reported, never raised. The check is exact for every
  estimator: a linear programme finds the observations some direction of the parameters predicts
  perfectly, and a parameter is *affected* when the remaining observations do not identify it,
  which is exactly when its maximum likelihood estimate diverges (for ``mnlogit`` per equation,
  for ``ordered_logit`` cut points included). ``fit['separation']`` names the affected terms for
  every estimator. In the maximum-likelihood fits (``logit``, ``mnlogit``, ``ordered_logit``)
  the affected rows of ``coefficients`` get ``separated`` True and no ``std_error``, ``z``,
  ``p`` or interval (NaN): the estimate is only where the optimiser stopped. ``margins`` does the
  same for the average effects of affected terms (every outcome category of multi-category
  models). ``firth_logit`` and ``lpm`` estimates stay finite, so their ``separated`` is always
  False. ``logit`` under separation has ``converged`` False; ``firth_logit`` is the estimator
  meant for that case. ``vcov`` and predictions are left as computed at the stopping point.
  ``fit['warnings']`` holds every warning raised while fitting (repeats counted), statsmodels'
  convergence messages included.
* ``separation.separated_columns``, ``points.logit_point``, ``firth.firth_point``,
  ``points.lpm_point`` and ``links.average_effect`` are the same computations on NumPy arrays,
  without tables or statsmodels, for resampling.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pandas as pd
from scipy import linalg, special

from abstention.errors import DataError
from abstention.models.common import (
    BINARY_ESTIMATORS,
    COV_TYPES,
    ESTIMATORS,
    FEW_CLUSTERS,
    INTERCEPT,
    LATENT,
    MAXIMUM_LIKELIHOOD,
    MIN_TREATED_CLUSTERS,
    PREDICT_COLUMNS,
    SEPARATED,
)
from abstention.models.covariance import statsmodels_fit
from abstention.models.firth import firth_logit
from abstention.models.links import Z95, Link, average_effects, coefficient_table, jacobian
from abstention.models.separation import mark_without_inference, separation_check


def _check_spec(data, outcome, terms, estimator, cov_type, groups, fixed_effects) -> None:
    if estimator not in ESTIMATORS:
        raise DataError(None, "estimator", f"one of {', '.join(ESTIMATORS)}", estimator)
    if cov_type not in COV_TYPES:
        raise DataError(None, "cov_type", f"one of {', '.join(COV_TYPES)}", cov_type)
    if estimator == "firth_logit" and cov_type == "HC1":
        raise DataError(
            None, "cov_type", "'nonrobust' or 'cluster' for firth_logit", cov_type
        )
    if (cov_type == "cluster") != (groups is not None):
        raise DataError(
            None, "groups", "a groups column exactly when cov_type is 'cluster'", groups
        )
    named = [outcome, *terms, *fixed_effects] + ([groups] if groups is not None else [])
    missing = [name for name in named if name not in data.columns]
    if missing:
        raise DataError(None, "unknown column", "columns present in the data", missing)
    repeated = [
        name for name, count in Counter([outcome, *terms, *fixed_effects]).items() if count > 1
    ]
    if repeated:
        raise DataError(
            None, "repeated column", "outcome, terms and fixed effects each named once", repeated
        )
    if INTERCEPT in terms:
        raise DataError(None, "terms", f"no term named {INTERCEPT!r} (it is added here)", INTERCEPT)
    not_numeric = [t for t in terms if not pd.api.types.is_numeric_dtype(data[t])]
    if not_numeric:
        raise DataError(
            None, "terms", "numeric columns (build dummies before fitting)", not_numeric
        )


def _outcome(values: pd.Series, estimator: str, name: str) -> tuple[np.ndarray, list]:
    """Integer codes 0..J-1 and the category labels they stand for."""
    key = f"outcome {name}"
    if estimator in BINARY_ESTIMATORS:
        if not pd.api.types.is_numeric_dtype(values) or not values.isin([0, 1]).all():
            raise DataError(None, key, "a 0/1 outcome", sorted(pd.unique(values))[:10])
        codes, categories = values.to_numpy(dtype=int), [0, 1]
    elif estimator == "mnlogit":
        if not isinstance(values.dtype, pd.CategoricalDtype):
            raise DataError(
                None,
                key,
                "a pandas Categorical (its first category is the base)",
                str(values.dtype),
            )
        codes, categories = values.cat.codes.to_numpy(), list(values.cat.categories)
    elif isinstance(values.dtype, pd.CategoricalDtype):
        if not values.cat.ordered:
            raise DataError(
                None, key, "an ordered Categorical or integer outcome", "unordered Categorical"
            )
        codes, categories = values.cat.codes.to_numpy(), list(values.cat.categories)
    else:
        if not pd.api.types.is_numeric_dtype(values) or not (values % 1 == 0).all():
            raise DataError(
                None, key, "an ordered Categorical or integer outcome", str(values.dtype)
            )
        categories = sorted(pd.unique(values))
        codes = np.searchsorted(categories, values.to_numpy())
    counts = np.bincount(codes, minlength=len(categories))
    observed = [c for c, n in zip(categories, counts, strict=True) if n > 0]
    if len(observed) < 2:
        raise DataError(
            None, key, "at least two outcome classes in the estimation sample", observed
        )
    if len(observed) < len(categories):
        unused = [c for c, n in zip(categories, counts, strict=True) if n == 0]
        raise DataError(
            None, key, "every outcome category observed in the estimation sample", unused
        )
    return codes, categories


def observed_levels(values: pd.Series) -> list:
    present = set(pd.unique(values))
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [level for level in values.cat.categories if level in present]
    return sorted(present)


def design_matrix(
    frame: pd.DataFrame, terms: list[str], levels: dict[str, list], intercept: bool
) -> pd.DataFrame:
    columns: dict[str, pd.Series | float] = {INTERCEPT: 1.0} if intercept else {}
    for term in terms:
        columns[term] = frame[term].astype(float)
    for name, kept in levels.items():
        for level in kept[1:]:
            columns[f"{name}[{level}]"] = (frame[name] == level).astype(float)
    design = pd.DataFrame(columns, index=frame.index)
    values = design.to_numpy()
    if not np.isfinite(values).all():
        bad = design.columns[~np.isfinite(values).all(axis=0)].tolist()
        raise DataError(None, "terms", "finite values", f"non-finite values in {bad}")
    return design


def _check_rank(design: pd.DataFrame, intercept: bool) -> None:
    """A singular design would make statsmodels fail obscurely or return arbitrary numbers."""
    values, names = design.to_numpy(), list(design.columns)
    if not intercept:
        values, names = np.column_stack([np.ones(len(values)), values]), ["(thresholds)", *names]
    norms = np.linalg.norm(values, axis=0)
    norms[norms == 0] = 1.0
    _, r, pivot = linalg.qr(values / norms, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int(np.sum(diagonal > max(values.shape) * np.finfo(float).eps * diagonal[0]))
    if rank < values.shape[1] or len(values) <= values.shape[1]:
        dependent = [names[i] for i in pivot[rank:]]
        raise DataError(
            None,
            "design matrix",
            f"full column rank and more rows than columns ({values.shape} rows x columns)",
            f"linearly dependent columns {dependent}" if dependent else "too few rows",
        )


def _statsmodels() -> SimpleNamespace:
    """The statsmodels models used, imported when a model needs them: Firth fits and the point
    estimates for resampling never do, and the jobs that only run those skip the import. Each
    from its own module: `statsmodels.api` loads every model family (0.6 s against 0.35 s)."""
    from statsmodels.discrete.discrete_model import Logit, MNLogit
    from statsmodels.miscmodels.ordinal_model import OrderedModel
    from statsmodels.regression.linear_model import OLS

    return SimpleNamespace(Logit=Logit, MNLogit=MNLogit, OLS=OLS, OrderedModel=OrderedModel)


def _ordered_logit(y: np.ndarray, X: np.ndarray):
    """statsmodels' ordered logit with its logistic cdf evaluated by `special.expit` (what
    `scipy.stats.logistic.cdf` computes, to the bit, once its argument checks are done) and
    analytic scores: statsmodels differentiates the likelihood numerically, two likelihood
    evaluations per parameter for every gradient of the optimiser and of the cluster sandwich."""
    OrderedModel = _statsmodels().OrderedModel

    class ExpitOrderedModel(OrderedModel):
        def cdf(self, x):
            return special.expit(x)

        def score_obs(self, params, **_):
            """Each row's derivative of log(P(y) + 1e-20), statsmodels' log-likelihood, in
            statsmodels' parameters: the slopes, then the first threshold and the logs of the
            increments to the others."""
            low, upp = self._bounds(params)
            scaled = 1.0 / (self.prob(low, upp) + 1e-20)
            dens_low, dens_upp = _logistic_density(low), _logistic_density(upp)
            cuts = self.k_levels - 1
            steps = np.r_[1.0, np.exp(np.asarray(params)[-cuts + 1:])] if cuts > 1 else np.ones(1)
            # Derivative of each threshold (minus infinity, the cuts, infinity) in the thresholds'
            # parameters: the first cut moves them all, an increment the cuts above it.
            moves = np.zeros((cuts + 2, cuts))
            for cut in range(1, cuts + 1):
                moves[cut, :cut] = steps[:cut]
            slopes = ((dens_low - dens_upp) * scaled)[:, None] * self.exog
            thresholds = (dens_upp[:, None] * moves[self.endog + 1]
                          - dens_low[:, None] * moves[self.endog]) * scaled[:, None]
            return np.column_stack([slopes, thresholds])

        def score(self, params):
            return self.score_obs(params).sum(axis=0)

        def hessian(self, params):
            """Central differences of the analytic score, symmetrised: 2 score evaluations per
            parameter where statsmodels' second differences of the likelihood take about
            twice the square of the parameter count."""
            from statsmodels.tools.numdiff import approx_fprime

            second = approx_fprime(np.asarray(params, dtype=float), self.score, centered=True)
            return (second + second.T) / 2.0

    return ExpitOrderedModel(y, X, distr="logit")


def _logistic_density(x: np.ndarray) -> np.ndarray:
    """Zero at the infinite outer thresholds."""
    p = special.expit(x)
    return p * (1.0 - p)


def _estimate(estimator, X, y, names, categories, cov_type, groups, profile) -> dict:
    if estimator == "firth_logit":
        out = firth_logit(X, y.astype(float), names, profile,
                           groups if cov_type == "cluster" else None)
        out.update(
            link=Link("logistic", X.shape[1], ("1",)),
            equation=["1"] * len(names),
            term=names,
            pseudo_r2=float(1.0 - out["log_likelihood"] / out["null_log_likelihood"]),
            r2=None,
            aic=-2.0 * out["log_likelihood"] + 2.0 * len(names),
        )
        return out
    sm = _statsmodels()
    if estimator == "lpm":
        result, cov = statsmodels_fit(sm.OLS(y.astype(float), X), cov_type, groups)
        link = Link("identity", X.shape[1], ("1",))
        params, equation, term = np.asarray(result.params), ["1"] * len(names), names
        converged = True
    elif estimator == "logit":
        result, cov = statsmodels_fit(sm.Logit(y, X), cov_type, groups, disp=0, maxiter=50)
        link = Link("logistic", X.shape[1], ("1",))
        params, equation, term = np.asarray(result.params), ["1"] * len(names), names
        converged = bool(result.mle_retvals["converged"])
    elif estimator == "mnlogit":
        result, cov = statsmodels_fit(sm.MNLogit(y, X), cov_type, groups, disp=0, maxiter=200)
        labels = tuple(str(c) for c in categories)
        link = Link("softmax", X.shape[1], labels)
        params = np.asarray(result.params).ravel(order="F")
        equation = [label for label in labels[1:] for _ in names]
        term = names * (len(labels) - 1)
        converged = bool(result.mle_retvals["converged"])
    else:
        # Quasi-Newton on numerical gradients needs comparable column scales to converge tightly.
        scale = X.std(axis=0)
        model = _ordered_logit(y, X / scale)
        result, raw_cov = statsmodels_fit(
            model, cov_type, groups, method="bfgs", disp=0, maxiter=2000, gtol=1e-8
        )
        raw = np.asarray(result.params)
        k = X.shape[1]
        increments = np.exp(raw[k + 1 :])
        params = np.r_[raw[:k] / scale, np.cumsum(np.r_[raw[k], increments])]
        transform = linalg.block_diag(
            np.diag(1.0 / scale), np.tril(np.ones((len(raw) - k,) * 2)) * np.r_[1.0, increments]
        )
        cov = transform @ raw_cov @ transform.T
        link = Link("cumulative", k, tuple(str(c) for c in categories))
        cut_names = [f"cut{i}" for i in range(1, len(categories))]
        equation, term = [LATENT] * (k + len(cut_names)), names + cut_names
        converged = bool(result.mle_retvals["converged"])
    return {
        "params": params,
        "cov": cov,
        "link": link,
        "equation": equation,
        "term": term,
        "log_likelihood": float(result.llf),
        "pseudo_r2": None if estimator == "lpm" else float(result.prsquared),
        "r2": float(result.rsquared) if estimator == "lpm" else None,
        "aic": float(result.aic),
        "converged": converged,
    }


def treated_clusters(X: np.ndarray, names: list[str], terms: list[str],
                     cluster_codes: np.ndarray | None, y: np.ndarray | None,
                     ordered: bool = False) -> dict[str, int]:
    """Each 0/1 term's informative clusters: the clusters in which it is 1 (each row is its own
    cluster when the covariance is not clustered), counted on each side of the outcome `y`: for
    a binary or categorical outcome the fewest of them with any one value (every category has
    its own equation or side), for an ordered one the best split of the ladder (one slope
    serves every cut). A dummy for one state, or a tie held by twenty states all of which
    withheld, has too few clusters to say how its estimate would vary, so its Wald test
    describes nothing. Continuous terms are not counted: they are not a treatment."""
    clusters = cluster_codes if cluster_codes is not None else np.arange(len(X))

    def count(rows: np.ndarray) -> int:
        return len(np.unique(clusters[rows]))

    counts = {}
    for term in terms:
        column = X[:, names.index(term)]
        if not np.isin(column, (0.0, 1.0)).all():
            continue
        treated = column == 1
        if y is None:
            counts[term] = count(treated)
        elif ordered:
            cuts = np.unique(y)[:-1]
            counts[term] = max((min(count(treated & (y <= cut)), count(treated & (y > cut)))
                                for cut in cuts), default=0)
        else:
            counts[term] = min(count(treated & (y == value)) for value in np.unique(y))
    return counts


def _collect(records: list[warnings.WarningMessage]) -> list[str]:
    counts = Counter(f"{record.category.__name__}: {record.message}" for record in records)
    return [text if count == 1 else f"{text} (x{count})" for text, count in counts.items()]


@dataclass(frozen=True)
class Predictor:
    """What prediction needs of a fit, and nothing else: the probability model, the estimate and
    its covariance, and how to build the design of new rows. It is stored beside the model's
    tables (``to_record``, ``parameters``) so predictions never refit."""

    link: Link
    params: np.ndarray
    cov: np.ndarray
    terms: list[str]
    levels: dict[str, list]
    intercept: bool

    def to_record(self) -> dict:
        """The design metadata, for fit.json; the numbers go to ``parameters``."""
        return {"link": self.link.kind, "labels": list(self.link.labels),
                "n_columns": self.link.n_columns, "terms": list(self.terms),
                # pairs, not a mapping: the design's column order follows the fixed effects'
                # order, which a JSON writer that sorts keys would lose
                "levels": [[name, list(kept)] for name, kept in self.levels.items()],
                "intercept": self.intercept}

    def parameters(self, coefficients: pd.DataFrame) -> pd.DataFrame:
        """The estimate and covariance as one table: a row per parameter (labelled by the
        coefficient table's equation and term, in its order), its estimate, then the covariance
        row as columns cov_0, cov_1, ..."""
        frame = pd.DataFrame(self.cov, columns=[f"cov_{k}" for k in range(len(self.params))])
        frame.insert(0, "estimate", self.params)
        frame.insert(0, "term", coefficients["term"].to_numpy())
        frame.insert(0, "equation", coefficients["equation"].to_numpy())
        return frame

    @classmethod
    def from_stored(cls, record: dict, parameters: pd.DataFrame) -> Predictor:
        columns = [f"cov_{k}" for k in range(len(parameters))]
        return cls(Link(record["link"], record["n_columns"], tuple(record["labels"])),
                   parameters["estimate"].to_numpy(dtype=float),
                   parameters[columns].to_numpy(dtype=float), record["terms"],
                   dict(record["levels"]), record["intercept"])

    def predict(self, new_data: pd.DataFrame) -> pd.DataFrame:
        """Predicted probabilities with 95 % delta-method intervals under ``cov``.

        One row per input row and outcome category (binary models: probability of outcome = 1,
        ``equation`` "1"), indexed by the input index. Intervals are built on the log-odds of each
        probability and mapped back, so they stay inside (0, 1); for the LPM they are linear.
        """
        needed = self.terms + list(self.levels)
        absent = [name for name in needed if name not in new_data.columns]
        if absent:
            raise DataError(
                None, "prediction data", "the model's term and fixed-effect columns", absent
            )
        if new_data[needed].isna().any().any():
            raise DataError(None, "prediction data", "no missing values", "missing values")
        unseen = {
            name: sorted(set(new_data[name]) - set(kept), key=str)
            for name, kept in self.levels.items()
        }
        unseen = {name: values for name, values in unseen.items() if values}
        if unseen:
            raise DataError(
                None, "prediction data", "fixed-effect levels seen in estimation", unseen
            )
        X = design_matrix(new_data, self.terms, self.levels, self.intercept).to_numpy()
        values = self.link.link_values(self.params, X)
        jac = jacobian(lambda theta: self.link.link_values(theta, X).ravel(), self.params)
        std_error = np.sqrt(np.einsum("ij,jk,ik->i", jac, self.cov, jac)).reshape(values.shape)
        n_cat = values.shape[1]
        return pd.DataFrame(
            {
                "equation": list(self.link.labels) * len(X),
                "prob": self.link.from_link(values).ravel(),
                "ci_low": self.link.from_link(values - Z95 * std_error).ravel(),
                "ci_high": self.link.from_link(values + Z95 * std_error).ravel(),
            },
            index=new_data.index.repeat(n_cat),
        )[PREDICT_COLUMNS]


@dataclass
class ModelResult:
    """A fitted model as tables (see the module docstring for the shared conventions).

    ``vcov`` is the covariance of ``coefficients.estimate`` in row order; ``design`` is the exact
    estimation sample (outcome column, then one column per design term, named as in
    ``coefficients.term``), indexed like the input rows it came from, so the model can be refitted
    with another tool. ``fit`` holds ``estimator``, ``n``, ``n_dropped_missing``, ``n_clusters``
    (None unless clustered), ``log_likelihood``, ``pseudo_r2`` (McFadden; None for the LPM),
    ``r2`` (LPM only, else None), ``aic``, ``cov_type``, ``converged`` (the optimiser's verdict,
    forced False for ``logit`` under separation; always True for the closed-form LPM),
    ``separation`` (``detected``, ``terms``, ``method``), ``inference`` ("Wald" or, for Firth,
    "profile penalised likelihood") and ``warnings``. ``predictor`` predicts from this fit;
    a fit pooled over completed data sets keeps each one's in ``imputation_predictors``.
    """

    coefficients: pd.DataFrame
    margins: pd.DataFrame
    fit: dict
    design: pd.DataFrame
    vcov: np.ndarray
    predictor: Predictor = field(repr=False)
    imputation_predictors: dict[int, Predictor] = field(default_factory=dict, repr=False)

    def predict(self, new_data: pd.DataFrame) -> pd.DataFrame:
        """See ``Predictor.predict``."""
        return self.predictor.predict(new_data)


def fit_model(
    data: pd.DataFrame,
    outcome: str,
    terms: list[str],
    estimator: str,
    cov_type: str,
    groups: str | None = None,
    fixed_effects: list[str] | None = None,
    firth_profile: bool = True,
) -> ModelResult:
    """Fit one model specification on the complete cases of ``data``.

    ``terms`` are numeric columns used as they are; ``fixed_effects`` are categorical columns
    expanded here into drop-first dummies named ``<column>[<level>]`` (levels in Categorical
    order, otherwise sorted; the first level present in the sample is dropped). Outcomes:
    0/1 for ``logit``, ``firth_logit`` and ``lpm``; a pandas Categorical for ``mnlogit`` (its first
    category is the base); an ordered Categorical or integers for ``ordered_logit``. Rows missing
    any used column are dropped and counted in ``fit['n_dropped_missing']``.

    ``firth_profile=False`` skips the Firth profile likelihood, the slow part of a Firth fit:
    ``p`` and the intervals are then Wald (normal theory from ``vcov``), as when multiple
    imputation pools only estimates and covariances; ``fit['inference']`` says which was used.
    """
    terms = list(terms)
    fixed_effects = list(fixed_effects or [])
    _check_spec(data, outcome, terms, estimator, cov_type, groups, fixed_effects)
    used = [outcome, *terms, *fixed_effects] + ([groups] if groups is not None else [])
    complete = data[used].notna().all(axis=1)
    sample = data.loc[complete]
    if sample.empty:
        raise DataError(
            None,
            "estimation sample",
            "at least one complete row",
            f"0 of {len(data)} rows complete",
        )
    y, categories = _outcome(sample[outcome], estimator, outcome)
    levels = {name: observed_levels(sample[name]) for name in fixed_effects}
    intercept = estimator != "ordered_logit"
    design = design_matrix(sample, terms, levels, intercept)
    if outcome in design.columns or design.columns.duplicated().any():
        raise DataError(None, "design columns", "distinct names", list(design.columns))
    _check_rank(design, intercept)
    X, names = design.to_numpy(), list(design.columns)
    cluster_codes = pd.factorize(sample[groups])[0] if groups is not None else None
    if cluster_codes is not None and cluster_codes.max() < 1:
        raise DataError(None, "groups", "at least two clusters", 1)

    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        separation = separation_check(estimator, X, y, names)
        out = _estimate(estimator, X, y, names, categories, cov_type, cluster_codes, firth_profile)
        coefficients = coefficient_table(
            out["equation"], out["term"], out["params"], out["cov"], out.get("p"), out.get("ci")
        )
        margins = average_effects(
            out["link"], out["params"], out["cov"], X, terms, [names.index(t) for t in terms]
        )
    flags = separation.pop("parameters")
    if estimator not in MAXIMUM_LIKELIHOOD:
        flags = np.zeros_like(flags)
    coefficients = mark_without_inference(coefficients, SEPARATED, flags)
    affected = set(coefficients.loc[flags, "term"])
    margins = mark_without_inference(margins, SEPARATED,
                                     margins["term"].isin(affected).to_numpy())
    informative = treated_clusters(X, names, terms, cluster_codes, np.asarray(y),
                                   ordered=estimator == "ordered_logit")
    profile = estimator == "firth_logit" and firth_profile and cov_type != "cluster"
    # The rule is about Wald inference; a profile likelihood interval does not rest on the
    # curvature at an estimate that few clusters (or a quasi-separated term) pin down.
    few = [term for term, count in informative.items()
           if not profile and count < MIN_TREATED_CLUSTERS]
    # Average marginal effects are delta-method (Wald) whatever the coefficients' intervals.
    few_margins = [term for term, count in informative.items() if count < MIN_TREATED_CLUSTERS]
    coefficients = mark_without_inference(coefficients, FEW_CLUSTERS,
                                          coefficients["term"].isin(few).to_numpy())
    margins = mark_without_inference(margins, FEW_CLUSTERS,
                                     margins["term"].isin(few_margins).to_numpy())
    messages = _collect(records)
    if any("PerfectSeparation" in message for message in messages):
        separation["detected"] = True
        separation["method"] += "; statsmodels reported perfect prediction"
    converged = out["converged"]
    if estimator == "logit" and separation["detected"]:
        converged = False
    fit = {
        "estimator": estimator,
        "n": len(y),
        "n_dropped_missing": int((~complete).sum()),
        "n_clusters": int(cluster_codes.max() + 1) if cluster_codes is not None else None,
        "log_likelihood": out["log_likelihood"],
        "pseudo_r2": out["pseudo_r2"],
        "r2": out["r2"],
        "aic": out["aic"],
        "cov_type": cov_type,
        "converged": converged,
        "separation": separation,
        "few_clusters": few,
        "informative_clusters": informative,
        "treated_clusters": treated_clusters(X, names, terms, cluster_codes, None),
        "inference": "profile penalised likelihood" if profile else "Wald",
        "warnings": messages,
    }
    frame = pd.concat([sample[[outcome]], design], axis=1)
    if estimator in BINARY_ESTIMATORS:
        frame[outcome] = y
    predictor = Predictor(out["link"], out["params"], out["cov"], terms, levels, intercept)
    return ModelResult(coefficients, margins, fit, frame, out["cov"], predictor)
