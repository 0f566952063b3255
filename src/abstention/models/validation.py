"""Out-of-sample checks: does the main specification predict withheld support better than simpler
baselines on votes and states it was not fitted to?

Every model is scored on the same rows, the complete cases of the main specification on the
first completed data set, so differences in AUC and Brier score come from the covariates and not
from the sample. The baselines are nested in the main specification (the same alignment and
controls without the security ties), so a difference is the ties' contribution. Two checks:

* leave-one-resolution-out: fit on the other resolutions and predict the held-out one. The
  specification's ``fixed_effects`` (resolution dummies) are left out, because the held-out
  level has no estimate; ``categorical`` controls are kept.
* k-fold cross-validation with folds made of whole states, so a state's votes on different
  resolutions never sit on both sides of a split; fixed effects are kept.

Test rows a fitted model cannot predict (a categorical level unseen in training, or a training
sample with one outcome class) are dropped for every model alike and counted in ``n_dropped``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.models.common import BINARY_ESTIMATORS
from abstention.models.configured import model_sample
from abstention.models.fit import fit_model
from abstention.models.resampling import percentile_interval, state_draw

LORO = "leave-one-resolution-out"
COLUMNS = ["check", "model", "auc", "brier", "n", "n_dropped", "not_converged"]


def state_folds(states: pd.Series, folds: int, seed: int) -> pd.Series:
    """Fold number of each row: states shuffled with ``seed`` and dealt round-robin, so every
    row of a state lands in the same fold and fold sizes differ by at most one state."""
    unique = np.sort(states.unique())
    if not 2 <= folds <= len(unique):
        raise DataError(None, "folds", f"between 2 and the number of states ({len(unique)})",
                        folds)
    order = np.random.default_rng(seed).permutation(unique)
    fold_of = {state: position % folds for position, state in enumerate(order)}
    return states.map(fold_of).astype(int)


def _variables(spec: dict) -> list[str]:
    return [spec["outcome"], *spec["covariates"], *spec.get("categorical", []),
            *spec.get("fixed_effects", [])]


def evaluation_rows(panel: pd.DataFrame, spec: dict, baselines: dict[str, dict]) -> pd.DataFrame:
    """The main specification's complete cases, checked to be complete for every baseline."""
    rows = model_sample(panel, spec).dropna(subset=_variables(spec)).reset_index(drop=True)
    for name, baseline in {spec["name"]: spec, **baselines}.items():
        where = f"config models.{name}"
        if baseline["estimator"] not in BINARY_ESTIMATORS:
            raise DataError(where, "estimator",
                            f"a binary estimator ({', '.join(BINARY_ESTIMATORS)})",
                            baseline["estimator"])
        if baseline["outcome"] != spec["outcome"]:
            raise DataError(where, "outcome", f"the main outcome {spec['outcome']}",
                            baseline["outcome"])
        needed = _variables(baseline)
        unknown = [c for c in needed if c not in rows.columns]
        if unknown:
            raise DataError(where, "variables", "columns of the analysis panel", unknown)
        incomplete = rows[needed].isna().any(axis=1)
        if incomplete.any():
            raise DataError(where, "variables", "complete on the main specification's rows",
                            f"{int(incomplete.sum())} rows with missing values")
    return rows


def _fixed(spec: dict, by_resolution: bool) -> list[str]:
    fixed = list(spec.get("categorical", []))
    return fixed if by_resolution else fixed + list(spec.get("fixed_effects", []))


def _predict(rows: pd.DataFrame, models: dict[str, dict], splits: list[pd.Series],
             by_resolution: bool) -> tuple[dict[str, pd.Series], dict[str, int]]:
    """Fit every model on each training split and pool its predictions of the test rows."""
    outcome = next(iter(models.values()))["outcome"]
    pooled = {name: pd.Series(np.nan, index=rows.index) for name in models}
    not_converged = dict.fromkeys(models, 0)
    for test in splits:
        train = rows[~test]
        if train[outcome].nunique() < 2:
            continue
        keep = pd.Series(True, index=rows.index[test])
        for spec in models.values():
            for column in _fixed(spec, by_resolution):
                keep &= rows.loc[test, column].isin(set(train[column]))
        if not keep.any():
            continue
        predict = rows.loc[keep[keep].index]
        for name, spec in models.items():
            # Only predictions are used: they need no Firth profile likelihood.
            result = fit_model(train, outcome, spec["covariates"], spec["estimator"], "nonrobust",
                               fixed_effects=_fixed(spec, by_resolution), firth_profile=False)
            not_converged[name] += not result.fit["converged"]
            prob = result.predict(predict)
            pooled[name].loc[predict.index] = prob.loc[prob["equation"] == "1", "prob"]
    return pooled, not_converged


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve of a 0/1 outcome with both classes present, by the operations
    scikit-learn's `roc_auc_score` performs (cumulative counts at each distinct score, collinear
    points dropped, trapezoids), so the same number to the bit, without its input checks, which
    cost a hundred times the arithmetic in the bootstrap of the differences."""
    order = np.argsort(p, kind="stable")[::-1]
    score, positive = p[order], (y[order] == 1).astype(float)
    ends = np.r_[np.flatnonzero(np.diff(score)), len(score) - 1]
    tps = np.cumsum(positive)[ends]
    fps = 1 + ends - tps
    if len(fps) > 2:
        kept = np.flatnonzero(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])
        fps, tps = fps[kept], tps[kept]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    return float(np.trapezoid(tps / tps[-1], fps / fps[-1]))


def _scores(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    # The linear probability model can predict outside [0, 1]; scores need probabilities.
    p = np.clip(p, 0.0, 1.0)
    auc = roc_auc(y, p) if len(np.unique(y)) == 2 else np.nan
    return auc, float(np.mean((p - y) ** 2)) if len(y) else np.nan


def _differences(rows: pd.DataFrame, pooled: dict[str, pd.Series], main: str, check: str,
                 replicates: int, seed: int) -> list[dict]:
    """AUC and Brier score of the main model minus each baseline's on the rows every model
    scored, with a state-clustered bootstrap of the held-out predictions (the fits are not
    repeated: the interval reflects which states happen to be scored, not refitting)."""
    outcome_rows = pd.concat(pooled, axis=1).dropna()
    y = rows.loc[outcome_rows.index, "_y"].to_numpy()
    states = rows.loc[outcome_rows.index, "iso3"].to_numpy()
    codes, unique = pd.factorize(states)
    members = [np.flatnonzero(codes == k) for k in range(len(unique))]
    records = []
    for name in pooled:
        if name == main:
            continue
        p_main, p_base = outcome_rows[main].to_numpy(), outcome_rows[name].to_numpy()

        def difference(index: np.ndarray, p_main=p_main, p_base=p_base) -> np.ndarray:
            main_scores = _scores(y[index], p_main[index])
            base_scores = _scores(y[index], p_base[index])
            return np.subtract(main_scores, base_scores)

        estimate = difference(np.arange(len(y)))
        draws = []
        for replicate in range(replicates):
            drawn = state_draw(len(unique), replicate, seed)
            draws.append(difference(np.concatenate([members[k] for k in drawn])))
        draws = np.asarray(draws)
        for position, measure in enumerate(("auc", "brier")):
            low, high, _ = percentile_interval(draws[:, position])
            records.append({"check": check, "model": main, "baseline": name, "measure": measure,
                            "difference": estimate[position], "ci_low": low, "ci_high": high,
                            "n": len(y), "replicates": replicates})
    return records


def out_of_sample(panel: pd.DataFrame, spec: dict, baselines: dict[str, dict], folds: int,
                  seed: int, replicates: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """AUC and Brier score of the main specification and each baseline, one row per check and
    model (``n`` counts the held-out rows scored, ``n_dropped`` those no model could be scored
    on, ``not_converged`` the training fits that did not converge), and the main model's
    differences from each baseline with bootstrap intervals."""
    models = {spec["name"]: spec, **baselines}
    rows = evaluation_rows(panel, spec, baselines)
    rows["_y"] = rows[spec["outcome"]].astype(int)
    fold = state_folds(rows["iso3"], folds, seed)
    checks = {
        LORO: ([rows["symbol"] == symbol for symbol in sorted(rows["symbol"].unique())], True),
        f"{folds}-fold cross-validation": ([fold == k for k in range(folds)], False),
    }
    records, differences = [], []
    for check, (splits, by_resolution) in checks.items():
        pooled, not_converged = _predict(rows, models, splits, by_resolution)
        for name, prob in pooled.items():
            scored = prob.notna()
            auc, brier = _scores(rows.loc[scored, "_y"].to_numpy(), prob[scored].to_numpy())
            records.append({"check": check, "model": name, "auc": auc, "brier": brier,
                            "n": int(scored.sum()), "n_dropped": int((~scored).sum()),
                            "not_converged": not_converged[name]})
        differences += _differences(rows, pooled, spec["name"], check, replicates, seed)
    return pd.DataFrame(records, columns=COLUMNS), pd.DataFrame(differences)
