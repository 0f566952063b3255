"""Event studies of ties that switch on (or off): does a state's reticence gap towards a patron
move in the years after its tie to the patron switches, against the states whose tie does not?

Each event (config `event_study.events`) is estimated on the state-year panel
(`panel.state_year`) by two estimators on the same rows, with state and year fixed effects and
standard errors clustered by state:

- Gardner's two-stage imputation estimator (pyfixest's `did2s`): the state and year effects
  are fitted on the untreated state-years only (the controls, and the treated states before
  their event year), the outcome net of them is the imputed effect of each treated
  state-year, and the effect at each relative time is its mean there. It is robust to effects
  that differ across cohorts and grow with time, because no treated state-year serves as a
  control. Standard errors are pyfixest's GMM correction for the first stage.
- The naive two-way fixed-effects event study: one regression on all rows with a dummy per
  relative time except the reference. Under staggered timing with heterogeneous effects its
  coefficients mix effects of other relative times and cohorts (Sun and Abraham 2021); it is
  reported only to show what the robust estimator changes.

The window's end points are binned (Schmidheiny and Siegloch 2023): the first period is that
many years or more before the event, the last that many years or more after it, so every
state-year of a treated state has its relative time and none leaks into the reference.

Pre-trends of the imputation estimator come from the test of Borusyak, Jaravel and Spiess
(2024): the untreated state-years alone, regressed on the state and year effects and a dummy
for each pre-event period of the window but the reference; the pre-period coefficients are
relative to the reference period and rest on no treated state-year, so effects after the
event cannot leak into them. The joint pre-trend test is a cluster-robust Wald test that all
of them are zero, referred to an F distribution with (leads, states - 1) degrees of freedom;
the two-way fixed-effects row tests its own leads the same way.

Every interval and p-value uses a t distribution with states - 1 degrees of freedom. A
coefficient resting on fewer than `MIN_TREATED_CLUSTERS` treated states is flagged: the
clustered standard error then rests on a handful of states' residuals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from abstention.errors import DataError
from abstention.models.common import FEW_CLUSTERS, MIN_TREATED_CLUSTERS
from abstention.panel.events import CONFIG, check_window, tie_label

OUTCOME = "gap"
STATE, YEAR = "iso3", "year"
ESTIMATORS = {"did2s": "two-stage imputation (Gardner)", "twfe": "two-way fixed effects"}
# A state enters only with at least this many untreated years observed (see event_design).
MIN_UNTREATED_YEARS = 2
LEAD_FIT = "untreated state-years only (Borusyak, Jaravel and Spiess)"
COEFFICIENT_COLUMNS = [
    "event", "label", "patron", "tie", "direction", "estimator", "fit", "rel_time", "binned",
    "reference", "estimate", "se", "ci_low", "ci_high", "p", "n_treated_states",
    FEW_CLUSTERS, "clusters",
]
PRETREND_COLUMNS = [
    "event", "label", "patron", "tie", "direction", "estimator", "leads", "pretrend_stat",
    "pretrend_df1", "pretrend_df2", "pretrend_p", "post_estimate", "post_se", "post_ci_low",
    "post_ci_high", "post_p", "post_periods", "treated_states", "control_states",
    "state_years", FEW_CLUSTERS, "states_with_fewer_untreated_years",
    "treated_states_with_fewer_untreated_years", "state_years_in_years_without_untreated",
]


def dummy_name(k: int) -> str:
    return f"rel_m{-k}" if k < 0 else f"rel_p{k}"


def periods(settings: dict) -> tuple[list[int], list[int]]:
    """The leads (pre-event periods but the reference) and the lags (0 and after) of the
    window."""
    first, last = settings["window"]
    leads = [k for k in range(first, 0) if k != settings["reference"]]
    return leads, list(range(0, last + 1))


def check_pre_periods(panel: pd.DataFrame, settings: dict) -> None:
    """Every event has a treated state that its design keeps and observes in a pre-event
    period of the window; without one, no pre-trend can be seen and no treated state-year
    imputed."""
    check_window(settings)
    first = settings["window"][0]
    for name in settings["events"]:
        rows = panel.loc[panel["event"] == name]
        data, _ = event_design(rows, settings)
        before = data.loc[data["treated_state"] & data["rel"].between(first, -1)]
        if before.empty:
            n = rows.loc[rows["event_year"].notna(), STATE].nunique()
            raise DataError(CONFIG, f"event_study.events.{name}",
                            f"a treated state observed before its event year within the "
                            f"window ({first} to -1 years) and untreated in at least "
                            f"{MIN_UNTREATED_YEARS} years",
                            f"none of its {n} treated state{'s' * (n != 1)}")


def event_design(rows: pd.DataFrame, settings: dict) -> tuple[pd.DataFrame, dict]:
    """One event's estimation rows: outcome known, relative time binned at the window's ends,
    a treatment flag and a dummy per period of the window but the reference. The states
    observed untreated in fewer than `MIN_UNTREATED_YEARS` years (whose treated years the
    first stage cannot impute) and the years without an untreated state are counted and
    left out."""
    first, last = settings["window"]
    data = rows.loc[rows[OUTCOME].notna()].copy()
    data = pd.DataFrame({
        STATE: data[STATE].astype(str).to_numpy(), YEAR: data[YEAR].astype(int).to_numpy(),
        OUTCOME: data[OUTCOME].astype(float).to_numpy(),
        "treated_state": data["event_year"].notna().to_numpy(),
        "rel": data["rel_time"].astype("float").to_numpy(),
    })
    data["treat"] = data["treated_state"] & (data["rel"] >= 0)
    untreated = data.loc[~data["treat"]]
    # A state effect fitted on one untreated year is that year's outcome: the first stage
    # drops such singletons, so their treated years could not be imputed.
    years_untreated = untreated.groupby(STATE)[YEAR].nunique()
    few = ~data[STATE].map(years_untreated).fillna(0).ge(MIN_UNTREATED_YEARS)
    no_year = ~data[YEAR].isin(untreated.loc[~few, YEAR])
    lost = {"states_with_fewer_untreated_years":
                int(data.loc[few, STATE].nunique()),
            "treated_states_with_fewer_untreated_years":
                int(data.loc[few & data["treated_state"], STATE].nunique()),
            "state_years_in_years_without_untreated": int((no_year & ~few).sum())}
    data = data.loc[~few & ~no_year].reset_index(drop=True)
    binned = data["rel"].clip(first, last)
    for k in range(first, last + 1):
        if k != settings["reference"]:
            data[dummy_name(k)] = (data["treated_state"] & (binned == k)).astype(float)
    data["rel_bin"] = binned
    return data, lost


def _inference(estimate: np.ndarray, vcov: np.ndarray, clusters: int) -> dict:
    se = np.sqrt(np.diag(vcov))
    crit = stats.t.ppf(0.975, clusters - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 2 * stats.t.sf(np.abs(estimate / se), clusters - 1)
    return {"estimate": estimate, "se": se, "ci_low": estimate - crit * se,
            "ci_high": estimate + crit * se, "p": p}


def wald_f(estimate: np.ndarray, vcov: np.ndarray, clusters: int) -> dict:
    """Cluster-robust Wald test that every coefficient is zero, as F(q, clusters - 1)."""
    q = len(estimate)
    if q == 0:
        return {"pretrend_stat": np.nan, "pretrend_df1": 0, "pretrend_df2": clusters - 1,
                "pretrend_p": np.nan}
    statistic = float(estimate @ np.linalg.pinv(vcov) @ estimate) / q
    return {"pretrend_stat": statistic, "pretrend_df1": q, "pretrend_df2": clusters - 1,
            "pretrend_p": float(stats.f.sf(statistic, q, clusters - 1))}


def average_post(estimate: np.ndarray, vcov: np.ndarray, clusters: int) -> dict:
    """The mean of the post-event coefficients (each relative time weighted equally)."""
    if len(estimate) == 0:
        return {"post_estimate": np.nan, "post_se": np.nan, "post_ci_low": np.nan,
                "post_ci_high": np.nan, "post_p": np.nan, "post_periods": 0}
    weights = np.full(len(estimate), 1 / len(estimate))
    combined = _inference(np.array([weights @ estimate]),
                          np.array([[weights @ vcov @ weights]]), clusters)
    return {"post_estimate": float(combined["estimate"][0]), "post_se": float(combined["se"][0]),
            "post_ci_low": float(combined["ci_low"][0]),
            "post_ci_high": float(combined["ci_high"][0]), "post_p": float(combined["p"][0]),
            "post_periods": len(estimate)}


class Fit:
    """Coefficients by period and their covariance; a period without a treated state-year
    (or dropped as collinear) has no coefficient."""

    def __init__(self, model, periods_: list[int], clusters: int):
        names = list(model._coefnames) if model is not None else []
        self.periods = [k for k in periods_ if dummy_name(k) in names]
        order = [names.index(dummy_name(k)) for k in self.periods]
        self.estimate = np.asarray(model._beta_hat)[order] if order else np.array([])
        self.vcov = (np.asarray(model._vcov)[np.ix_(order, order)] if order
                     else np.zeros((0, 0)))
        self.clusters = clusters

    def part(self, periods_: list[int]) -> tuple[np.ndarray, np.ndarray]:
        keep = [i for i, k in enumerate(self.periods) if k in periods_]
        return self.estimate[keep], self.vcov[np.ix_(keep, keep)]

    def rows(self, periods_: list[int]) -> list[dict]:
        estimate, vcov = self.part(periods_)
        result = _inference(estimate, vcov, self.clusters)
        found = [k for k in self.periods if k in periods_]
        return [{"rel_time": k, **{key: float(value[i]) for key, value in result.items()}}
                for i, k in enumerate(found)]


def _present(data: pd.DataFrame, periods_: list[int]) -> list[int]:
    return [k for k in periods_ if data[dummy_name(k)].any()]


def fit_did2s(data: pd.DataFrame, lags: list[int]) -> Fit:
    """Gardner's two stages: state and year effects on the untreated state-years, then the
    outcome net of them on the post-event dummies."""
    import pyfixest as pf

    present = _present(data, lags)
    model = pf.did2s(data, yname=OUTCOME, first_stage=f"~ 0 | {STATE} + {YEAR}",
                     second_stage="~ " + " + ".join(map(dummy_name, present)),
                     treatment="treat", cluster=STATE) if present else None
    return Fit(model, lags, int(data[STATE].nunique()))


def fit_twfe(data: pd.DataFrame, periods_: list[int]) -> Fit:
    """OLS with state and year effects on the dummies of `periods_`, clustered by state."""
    import pyfixest as pf

    present = _present(data, periods_)
    formula = f"{OUTCOME} ~ {' + '.join(map(dummy_name, present))} | {STATE} + {YEAR}"
    model = pf.feols(formula, data=data, vcov={"CRV1": STATE}) if present else None
    return Fit(model, periods_, int(data[STATE].nunique()))


def treated_at(data: pd.DataFrame, periods_: list[int]) -> dict[int, int]:
    """Treated states with a row at each (binned) relative time."""
    treated = data.loc[data["treated_state"]]
    counts = treated.groupby("rel_bin")[STATE].nunique()
    return {k: int(counts.get(float(k), 0)) for k in periods_}


def estimate_event(rows: pd.DataFrame, settings: dict) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                dict]:
    """Both estimators on one event's rows: coefficients by relative time (the reference
    row included, at 0), the pre-trend test and average post effect of each, and what was
    left out."""
    data, lost = event_design(rows, settings)
    leads, lags = periods(settings)
    reference, window = settings["reference"], list(settings["window"])
    every = sorted([*leads, reference, *lags])
    counts = treated_at(data, every)
    fits = {"leads": fit_twfe(data.loc[~data["treat"]], leads),
            "did2s": fit_did2s(data, lags), "twfe": fit_twfe(data, [*leads, *lags])}
    shown = [("did2s", LEAD_FIT, fits["leads"], leads),
             ("did2s", ESTIMATORS["did2s"], fits["did2s"], lags),
             ("twfe", ESTIMATORS["twfe"], fits["twfe"], [*leads, *lags])]
    coefficients = [{"estimator": estimator, "fit": fit, "clusters": model.clusters, **row}
                    for estimator, fit, model, part in shown for row in model.rows(part)]
    coefficients += [{"estimator": estimator, "fit": "reference period", "rel_time": reference,
                      "reference": True, "estimate": 0.0,
                      "clusters": int(data[STATE].nunique())} for estimator in ESTIMATORS]
    coefficients = pd.DataFrame(coefficients)
    coefficients["reference"] = coefficients["reference"].fillna(False).astype(bool)
    coefficients["binned"] = coefficients["rel_time"].isin(window) & ~coefficients["reference"]
    coefficients["n_treated_states"] = coefficients["rel_time"].map(counts)
    coefficients[FEW_CLUSTERS] = coefficients["n_treated_states"] < MIN_TREATED_CLUSTERS
    # Too few treated states for a clustered test: the estimate without its inference.
    coefficients.loc[coefficients[FEW_CLUSTERS], ["se", "ci_low", "ci_high", "p"]] = np.nan
    coefficients = coefficients.sort_values(["estimator", "rel_time"], ignore_index=True)

    treated_post = int(data.loc[data["treat"], STATE].nunique())
    common = {"leads": f"{leads[0]}..{leads[-1]}" if leads else "",
              "treated_states": treated_post,
              "control_states": int(data.loc[~data["treated_state"], STATE].nunique()),
              "state_years": len(data), FEW_CLUSTERS: treated_post < MIN_TREATED_CLUSTERS}
    tests = [("did2s", fits["leads"], fits["did2s"]), ("twfe", fits["twfe"], fits["twfe"])]
    pretrends = pd.DataFrame([
        {"estimator": estimator, **wald_f(*lead_fit.part(leads), lead_fit.clusters),
         **average_post(*post_fit.part(lags), post_fit.clusters), **common}
        for estimator, lead_fit, post_fit in tests])
    if common[FEW_CLUSTERS]:
        pretrends[["pretrend_stat", "pretrend_p", "post_se", "post_ci_low", "post_ci_high",
                   "post_p"]] = np.nan
    return coefficients, pretrends, lost


def event_studies(panel: pd.DataFrame, settings: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every configured event: coefficients by relative time, and pre-trend tests with the
    average post effects and what each design left out."""
    missing = sorted(set(settings["events"]) - set(panel["event"].astype(str)))
    if missing:
        raise DataError("results/panel/state_year.parquet", "event",
                        "every event of event_study.events", missing)
    check_pre_periods(panel, settings)
    coefficients, pretrends = [], []
    for name, event in settings["events"].items():
        labels = {"event": name, "label": event.get("label", name), "patron": event["patron"],
                  "tie": tie_label(event), "direction": event.get("direction", "on")}
        coef, tests, left_out = estimate_event(panel.loc[panel["event"] == name], settings)
        coefficients.append(coef.assign(**labels))
        pretrends.append(tests.assign(**labels, **left_out))
    return (pd.concat(coefficients, ignore_index=True)[COEFFICIENT_COLUMNS],
            pd.concat(pretrends, ignore_index=True)[PRETREND_COLUMNS])
