"""Each state against itself: does a tie to a patron raise a state's withholding on the texts
the patron opposes, relative to the same state's other texts?

    y_st = beta * tie_s,y(t)-lag * opposed_t + gamma * tie_s,y(t)-lag + a_s,period + d_t + e_st

a linear probability model with state-by-period and text fixed effects, clustered by state.
The fixed effects absorb all that is constant about a state within a period (alignment,
region, regime) and all that is particular to a text, so beta is identified only by how the
same state's withholding differs between patron-opposed and other texts when its tie is on.

The fit is pyfixest's. Inference is computed here because the design needs it at full-record
scale: the wild cluster bootstrap works on per-state sums computed once after the fixed
effects are partialled out (each draw is a G-vector product), and the randomisation test
re-demeans only the two columns a permutation of tie histories changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from abstention.models.common import MDE_FACTOR, MIN_TREATED_CLUSTERS
from abstention.panel.record import opposed_column, tie_column
from abstention.panel.within_settings import OUTCOMES, comparison_name, patron_name

DEMEAN_TOL = 1e-8
# Fewer than MIN_TREATED_CLUSTERS states carry the interaction: no Wald standard error; the
# wild bootstrap and the randomisation test stay, marked as resting on few states.
FEW_TREATED = "few_treated"


def within_sample(panel: pd.DataFrame, patron: str, tie: str, outcome: str,
                  period_years: int, lag: int | None = None, rule: str | None = None,
                  first_year: int | None = None) -> tuple[pd.DataFrame, dict]:
    """The rows one fit uses: the outcome's view of the panel without the patron itself and
    without rows whose lagged tie is unknown (counted in the second return). `lag`, `rule` and
    `first_year` choose the multiverse's other tie lag, patron-opposed rule and first year."""
    view = OUTCOMES[outcome]
    keep = panel["iso3"] != patron
    if first_year is not None:
        keep &= panel["year"] >= first_year
    rows = panel.loc[keep]
    if view == "recorded":
        rows = rows.loc[rows["recorded"]]
        y = rows["not_yes"]
    else:
        keep = rows["sponsor_list"] & (rows["joined"] if view == "joined_list" else True)
        rows = rows.loc[keep]
        y = 1 - rows["cosponsor"]
    tie_values = rows[tie_column(tie, patron, lag)]
    known = tie_values.notna()
    lost = {"rows": int((~known).sum()),
            "states": int(rows.loc[~known, "iso3"].nunique()),
            "states_all_lost": int(len(set(rows.loc[~known, "iso3"])
                                       - set(rows.loc[known, "iso3"])))}
    rows, y, tie_values = rows.loc[known], y.loc[known], tie_values.loc[known]
    sample = pd.DataFrame({
        "y": y.astype(float).to_numpy(),
        "tie": tie_values.astype(float).to_numpy(),
        "opposed": rows[opposed_column(patron, rule)].to_numpy(dtype=float),
        "state": rows["iso3"].astype(str).to_numpy(),
        "year": rows["year"].astype(int).to_numpy(),
        "text": rows["res_id"].astype(str).to_numpy(),
        "group": rows["un_group"].astype(object).fillna("none").to_numpy(),
    })
    sample["x"] = sample["tie"] * sample["opposed"]
    return with_periods(sample, period_years), lost


def with_periods(sample: pd.DataFrame, period_years: int) -> pd.DataFrame:
    """The sample's periods of `period_years` from its first year, and the absorbed cells as
    integer codes (state x period, state x opposed), cheap to factorise for every fit."""
    first = int(sample["year"].min()) if len(sample) else 0
    period = ((sample["year"] - first) // period_years).to_numpy()
    state = pd.factorize(sample["state"])[0]
    return sample.assign(period=period,
                         state_period=state * (int(period.max(initial=0)) + 1) + period,
                         state_opposed=state * 2 + sample["opposed"].to_numpy(dtype=int))


def fixed_effect_codes(sample: pd.DataFrame, absorb: list[str]) -> np.ndarray:
    """Integer codes of the absorbed effects, as the demeaning wants them."""
    return np.column_stack([pd.factorize(sample[name])[0] for name in absorb]).astype(np.uint64)


def demean(columns: np.ndarray, codes: np.ndarray, tol: float = DEMEAN_TOL) -> np.ndarray:
    from pyfixest.core.demean import demean as alternating_projections

    values = np.asarray(columns, dtype=np.float64)
    out, converged = alternating_projections(values, codes, np.ones(len(values)), tol=tol)
    if not converged:
        raise RuntimeError("the fixed effects' alternating projections did not converge")
    return out


def fit_twfe(sample: pd.DataFrame, absorb: list[str]) -> dict:
    """pyfixest's fit of the interaction, with its state-clustered (CRV1) standard error."""
    import pyfixest as pf

    model = pf.feols(f"y ~ x + tie | {' + '.join(absorb)}", data=sample,
                     vcov={"CRV1": "state"})
    return {"estimate": float(model.coef()["x"]), "se_crv1": float(model.se()["x"])}


@dataclass
class Partialled:
    """What every bootstrap draw and every null value reuses: per-state sums of the
    interaction x_tilde (partialled on the fixed effects and on the tie's main effect z).

    As the fast paths of pyfixest and fwildclusterboot do, the draws reuse the fixed effects
    projected out once: exact for effects nested in states (the state-by-period effects);
    the text effects, which cross states, are held at their sample values."""

    estimate: float
    denominator: float          # sum of squared x_tilde
    score_y: np.ndarray         # per state: sum of x_tilde * e_y (y partialled on z)
    score_x: np.ndarray         # per state: sum of x_tilde ** 2
    cross: np.ndarray           # per state: sum of x_tilde * z
    z_y: np.ndarray             # per state: sum of z * e_y
    z_x: np.ndarray             # per state: sum of z * x_tilde (zero in total)
    zz: float
    states: np.ndarray          # the state of each per-state entry

    @property
    def clusters(self) -> int:
        return len(self.score_y)

    def scores(self, beta0: float, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Draws of (beta* - beta0) and their cluster-robust standard errors under the null
        beta = beta0 (restricted residuals u(beta0) = e_y - beta0 x_tilde), for weight rows
        `weights` (draws x states): each draw is a product with per-state sums."""
        restricted = self.score_y - beta0 * self.score_x        # x_tilde' u(beta0), by state
        z_restricted = self.z_y - beta0 * self.z_x              # z' u(beta0), by state
        shift = weights @ restricted / self.denominator
        z_coef = weights @ z_restricted / self.zz
        per_state = (weights * restricted - np.outer(z_coef, self.cross)
                     - np.outer(shift, self.score_x))
        se = np.sqrt((per_state ** 2).sum(axis=1)) / self.denominator
        return shift, se

    def observed_se(self) -> float:
        per_state = self.score_y - self.estimate * self.score_x
        return float(np.sqrt((per_state ** 2).sum()) / self.denominator)


def partial_out(sample: pd.DataFrame, codes: np.ndarray) -> Partialled:
    """The fit's pieces, once: y, the interaction and the tie demeaned on the fixed effects
    (`codes`), then the interaction and y partialled on the tie, summed by state."""
    y, x, z = demean(sample[["y", "x", "tie"]].to_numpy(), codes).T
    state, states = pd.factorize(sample["state"])
    zz = float(z @ z)
    if zz > 0:
        x_tilde, e_y = x - z * (z @ x) / zz, y - z * (z @ y) / zz
    else:
        x_tilde, e_y, zz = x, y, 1.0
    denominator = float(x_tilde @ x_tilde)

    def summed(values):
        return np.bincount(state, weights=values)

    return Partialled(
        estimate=float(x_tilde @ e_y / denominator) if denominator > 0 else np.nan,
        denominator=denominator, score_y=summed(x_tilde * e_y), score_x=summed(x_tilde ** 2),
        cross=summed(x_tilde * z), z_y=summed(z * e_y), z_x=summed(z * x_tilde), zz=zz,
        states=np.asarray(states),
    )


def bootstrap_weights(kind: str, draws: int, clusters: int, rng: np.random.Generator
                      ) -> np.ndarray:
    """Draws x states weights; with few states every Rademacher sign vector is enumerated."""
    if kind == "rademacher" and 2 ** clusters <= draws:
        grid = np.arange(2 ** clusters)[:, None] >> np.arange(clusters) & 1
        return 2.0 * grid - 1.0
    if kind == "rademacher":
        return rng.choice([-1.0, 1.0], size=(draws, clusters))
    webb = np.sqrt(np.array([0.5, 1.0, 1.5]))
    return rng.choice(np.concatenate([-webb, webb]), size=(draws, clusters))


def wild_p(part: Partialled, beta0: float, weights: np.ndarray) -> float:
    """Restricted (WCR) wild cluster bootstrap p-value of beta = beta0, symmetric."""
    t_obs = (part.estimate - beta0) / part.observed_se()
    shift, se = part.scores(beta0, weights)
    return float(np.mean(np.abs(shift / se) >= abs(t_obs) - 1e-12))


def floored(p: float, draws: int) -> float:
    """A bootstrap p-value reported as (exceedances + 1) / (draws + 1): never below what the
    draws can resolve, so no draw exceeding is not read as p = 0."""
    return (p * draws + 1) / (draws + 1)


def wild_interval(part: Partialled, weights: np.ndarray, level: float = 0.95,
                  tol: float = 1e-6) -> tuple[float, float]:
    """The values beta0 the restricted bootstrap does not reject at 1 - level: its p-value
    inverted by bisection on each side of the estimate."""
    alpha, se = 1 - level, part.observed_se()

    def bound(direction):
        inside, step = part.estimate, se
        outside = part.estimate + direction * step
        while wild_p(part, outside, weights) > alpha:
            inside, step = outside, step * 2
            outside = part.estimate + direction * step
            if step > 1e6 * max(se, 1e-12):
                return direction * np.inf
        while abs(outside - inside) > tol * se:
            middle = (inside + outside) / 2
            if wild_p(part, middle, weights) > alpha:
                inside = middle
            else:
                outside = middle
        return (inside + outside) / 2

    return float(bound(-1)), float(bound(+1))


def tie_histories(sample: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """States by years of the tie over the sample's years; states with a gap in their history
    (or alone in their region) are kept in place by the permutations."""
    history = sample.pivot_table(index="state", columns="year", values="tie", aggfunc="first")
    complete = history.notna().all(axis=1).to_numpy()
    return history, complete


def permuted_orders(groups: pd.Series, movable: np.ndarray, permutations: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Permutations x states: whose tie history each state takes, shuffled within its
    region among the states with a complete history."""
    orders = np.tile(np.arange(len(groups)), (permutations, 1))
    for group in pd.unique(groups):
        members = np.flatnonzero((groups.to_numpy() == group) & movable)
        if len(members) > 1:
            orders[:, members] = members[rng.permuted(
                np.tile(np.arange(len(members)), (permutations, 1)), axis=1)]
    return orders


def studentised(y: np.ndarray, x: np.ndarray, z: np.ndarray, by_state) -> np.ndarray:
    """|t| of the interaction for each column of `x` and `z` (rows x draws), the fixed
    effects already partialled out; `by_state` sums rows within states. `x` and `z` are
    overwritten (the loop that calls it makes them afresh for every batch)."""
    zz = (z * z).sum(axis=0)
    zz = np.where(zz > 0, zz, 1.0)
    x -= z * ((z * x).sum(axis=0) / zz)          # x_tilde
    z *= -((y @ z) / zz)
    z += y[:, None]                                       # e_y: y partialled on the tie
    denominator = (x * x).sum(axis=0)
    beta = (x * z).sum(axis=0) / denominator
    z -= x * beta
    z *= x                                                # each row's score
    scores = by_state @ z
    return np.abs(beta) * denominator / np.sqrt((scores ** 2).sum(axis=0))


def randomisation_p(sample: pd.DataFrame, part: Partialled, codes: np.ndarray,
                    permutations: int, batch: int, rng: np.random.Generator) -> dict:
    """Tie histories permuted across states within region; the interaction and the tie's
    main effect rebuilt and re-demeaned for each permutation (the outcome's demeaning is
    reused). The statistic is the studentised |t|."""
    from scipy.sparse import csr_matrix

    history, movable = tie_histories(sample)
    states = history.index
    row_state = states.get_indexer(sample["state"])
    row_year = history.columns.get_indexer(sample["year"])
    matrix = history.to_numpy()
    groups = sample.groupby("state")["group"].first().reindex(states)
    orders = permuted_orders(groups, movable, permutations, rng)
    y = demean(sample[["y"]].to_numpy(), codes)[:, 0]
    by_state = csr_matrix((np.ones(len(sample)), (row_state, np.arange(len(sample)))),
                          shape=(len(states), len(sample)))
    opposed = sample["opposed"].to_numpy()
    # Each row's place in the flattened histories, for the state whose history it takes.
    flat, years = matrix.ravel(), matrix.shape[1]
    t_obs = abs(part.estimate / part.observed_se())
    exceed = 0
    for start in range(0, permutations, batch):
        order = orders[start:start + batch]
        width = len(order)
        # Interactions, then ties: column-major, so that each draw's gather is contiguous.
        columns = np.empty((len(sample), 2 * width), order="F")
        for j, taken in enumerate(order):
            np.take(flat, taken[row_state] * years + row_year, out=columns[:, width + j])
            np.multiply(columns[:, width + j], opposed, out=columns[:, j])
        partialled = demean(columns, codes)
        draws = studentised(y, partialled[:, :width], partialled[:, width:], by_state)
        exceed += int((draws >= t_obs - 1e-12).sum())
    return {"p_ri": (1 + exceed) / (1 + permutations), "permutations": permutations,
            "permuted_states": int(movable.sum())}


def treated_states(sample: pd.DataFrame, absorb: list[str]) -> dict:
    """The states that carry the interaction: with state-by-opposed effects absorbed, those
    whose tie switches within the sample while it also meets patron-opposed texts; otherwise
    every state whose tie is on on at least one patron-opposed text."""
    on = set(sample.loc[sample["x"] != 0, "state"])
    switching = set(sample.groupby("state")["tie"].nunique().loc[lambda n: n > 1].index)
    carried = on & switching if "state_opposed" in absorb else on
    return {"n_treated": len(carried), "n_tie_on": len(on), "n_switching": len(switching)}


def estimate_within(sample: pd.DataFrame, settings: dict, design: str, key: tuple[int, ...],
                    with_ri: bool, with_interval: bool = True) -> tuple[dict, Partialled]:
    """One within-state fit with everything the outputs report about it; `key` (the fit's
    place in the config) seeds its draws, so each fit's draws are its own and reproducible.
    Without `with_interval` (the multiverse's many fits) the wild bootstrap gives its p-value
    only: inverting it costs some forty more bootstrap runs."""
    absorb = settings["designs"][design]
    treated = treated_states(sample, absorb)
    described = {
        "n": len(sample), "n_states": int(sample["state"].nunique()),
        "n_texts": int(sample["text"].nunique()),
        "n_opposed_texts": int(sample.loc[sample["opposed"] == 1, "text"].nunique()),
        "first_year": int(sample["year"].min()), "last_year": int(sample["year"].max()),
        "mean_outcome": float(sample["y"].mean()), **treated,
        "n_tied_opposed": int((sample["x"] != 0).sum()),
        "base_rate": float(sample.loc[(sample["opposed"] == 1) & (sample["tie"] == 0),
                                      "y"].mean()),
    }
    if treated["n_treated"] == 0:
        # No state carries the interaction (no tie switches in the switches design): the
        # effect is not identified, and the row says so rather than fail the job.
        return {**described, "identified": False, "estimate": np.nan, "p_ri": np.nan,
                "permutations": 0, "permuted_states": 0, FEW_TREATED: True}, None
    rng = np.random.default_rng([settings["bootstrap"]["seed"], *key])
    codes = fixed_effect_codes(sample, absorb)
    part = partial_out(sample, codes)
    # Estimate and CRV1 standard error from the per-state sums, which are the same bit for bit
    # in every process (pyfixest's own fit, the tests' reference, varies at about 1e-11).
    n, clusters = len(sample), part.clusters
    correction = clusters / (clusters - 1) * (n - 1) / (n - 2)
    fitted = {"estimate": part.estimate, "se_crv1": part.observed_se() * np.sqrt(correction)}
    boot = settings["bootstrap"]
    weights = bootstrap_weights(boot["weights"], boot["draws"], part.clusters, rng)
    low, high = wild_interval(part, weights) if with_interval else (np.nan, np.nan)
    result = {
        **described, "identified": True, **fitted,
        "p_wild": floored(wild_p(part, 0.0, weights), len(weights)),
        "ci_low": low, "ci_high": high,
        "draws": len(weights), "weights": boot["weights"],
        "mde": MDE_FACTOR * fitted["se_crv1"],
        "p_ri": np.nan, "permutations": 0, "permuted_states": 0,
    }
    # Too few states carry the interaction for a clustered standard error: the wild bootstrap
    # and the randomisation test are reported, the Wald standard error is not.
    result[FEW_TREATED] = result["n_treated"] < MIN_TREATED_CLUSTERS
    if result[FEW_TREATED]:
        result["se_crv1"] = np.nan
    if with_ri:
        ri = settings["randomisation"]
        permuted = np.random.default_rng([ri["seed"], *key])
        result.update(randomisation_p(sample, part, codes, ri["permutations"], ri["batch"],
                                      permuted))
    return result, part


def relative_difference(costly: tuple[dict, Partialled], cheap: tuple[dict, Partialled],
                        weights_kind: str, draws: int, rng: np.random.Generator) -> dict:
    """How much more the tie raises withholding of the costly signal than of the yes vote,
    each relative to its base rate (withholding on patron-opposed texts by untied states):
    beta_costly / base_costly - beta_vote / base_vote. Its inference draws one wild weight per
    state for both fits at once (unrestricted residuals), so their covariance across states
    is kept: a percentile interval, and the two-sided p-value of 'no difference'."""
    (costly_fit, costly_part), (cheap_fit, cheap_part) = costly, cheap
    states = np.union1d(costly_part.states, cheap_part.states)
    weights = bootstrap_weights(weights_kind, draws, len(states), rng)

    def deviations(fit, part):
        residual = part.score_y - part.estimate * part.score_x
        aligned = np.zeros(len(states))
        aligned[np.searchsorted(states, part.states)] = residual
        return weights @ aligned / part.denominator / fit["base_rate"]

    estimate = (costly_fit["estimate"] / costly_fit["base_rate"]
                - cheap_fit["estimate"] / cheap_fit["base_rate"])
    spread = deviations(costly_fit, costly_part) - deviations(cheap_fit, cheap_part)
    return {"estimate": estimate, "ci_low": estimate - np.quantile(spread, 0.975),
            "ci_high": estimate - np.quantile(spread, 0.025),
            "p_wild": floored(float(np.mean(np.abs(spread) >= abs(estimate))), len(weights)),
            "mde": MDE_FACTOR * float(spread.std()), "draws": len(weights),
            "n_treated": min(costly_fit["n_treated"], cheap_fit["n_treated"]),
            "n_tied_opposed": costly_fit["n_tied_opposed"]}


def described_by(settings: dict) -> dict:
    """The settings every fit's row carries, so that its table says what was fitted."""
    return {"lag_years": settings["lag_years"], "period_years": settings["period_years"]}


def within_effects(panel: pd.DataFrame, patron: str, settings: dict) -> pd.DataFrame:
    """Every configured design, tie and outcome of one patron: one row per fit, with its
    inference, its treated states and the rows its sample lost to an unknown tie; then, for the
    main design and tie, the costly signal against the vote (`relative_difference`). The
    randomisation test, the costliest part, runs for the main design and tie, on the outcomes
    `randomisation.outcomes`."""
    rows, main = [], {}
    ri = settings["randomisation"]
    patron_index = sorted(settings["ties"]).index(patron)
    for tie_index, tie in enumerate(settings["ties"][patron]):
        for outcome_index, outcome in enumerate(settings["outcomes"]):
            sample, lost = within_sample(panel, patron, tie, outcome, settings["period_years"])
            for design_index, design in enumerate(settings["designs"]):
                is_main = tie == settings["main_tie"] and design == settings["main_design"]
                fitted = estimate_within(
                    sample, settings, design,
                    (patron_index, tie_index, outcome_index, design_index),
                    with_ri=is_main and outcome in ri["outcomes"])
                if is_main:
                    main[outcome] = fitted
                rows.append({"patron": patron, "design": design, "tie": tie,
                             "outcome": outcome, **described_by(settings), **fitted[0],
                             **{f"lost_{name}": value for name, value in lost.items()}})
    costly, cheap = settings["costly_comparison"]
    boot = settings["bootstrap"]
    if main[costly][1] is None or main[cheap][1] is None:
        compared = {"estimate": np.nan, "identified": False, "n_treated": 0}
    else:
        compared = {"identified": True, **relative_difference(
            main[costly], main[cheap], boot["weights"], boot["draws"],
            np.random.default_rng([boot["seed"], patron_index, 99]))}
    rows.append({"patron": patron, "design": settings["main_design"],
                 "tie": settings["main_tie"], "outcome": f"{costly}_vs_{cheap}",
                 **described_by(settings), **compared,
                 "weights": boot["weights"], "n": main[costly][0]["n"],
                 "n_states": main[costly][0]["n_states"],
                 "n_texts": main[costly][0]["n_texts"],
                 "n_opposed_texts": main[costly][0]["n_opposed_texts"]})
    return pd.DataFrame(rows)


OUTCOME_WORDS = {"not_yes": "not voting yes", "not_cosponsor": "not co-sponsoring",
                 "not_cosponsor_joined": "not co-sponsoring (yes voters)"}


def hypothesis_rows(effects: pd.DataFrame, entries: dict, settings: dict) -> pd.DataFrame:
    """One row per within-state hypothesis and patron, from the main design and tie, shaped
    like the cross-section's rows in `results/models/hypotheses.csv`."""
    main = effects.loc[(effects["design"] == settings["main_design"])
                       & (effects["tie"] == settings["main_tie"])].set_index(
                           ["patron", "outcome"])
    tie = settings["main_tie"].replace("_", " ")
    costly, cheap = settings["costly_comparison"]
    def record(key, patron, outcome, label, method, primary):
        row = main.loc[(patron, outcome)]
        return {
            "hypothesis": key, "model": f"within_{settings['main_design']}",
            "quantity": f"{outcome}_{patron}", "label": label, "estimate": row["estimate"],
            "ci_low": row["ci_low"], "ci_high": row["ci_high"], "p": row["p_wild"],
            "n": int(row["n"]), "n_states": int(row["n_states"]),
            "n_treated": int(row["n_treated"]), "n_informative": int(row["n_treated"]),
            "method": method.format(draws=int(row["draws"]), weights=row["weights"]),
            "primary": primary, "mde": row["mde"], "p_wild": row["p_wild"],
            "p_ri": row.get("p_ri", np.nan), "n_texts": int(row["n_texts"]),
            "n_opposed_texts": int(row["n_opposed_texts"]),
            "n_opportunities": int(row["n_tied_opposed"]),
        }

    restricted = ("restricted wild cluster bootstrap by state, {draws} {weights} draws; "
                  "interval by test inversion")
    joint = ("wild cluster bootstrap by state, both fits on the same {draws} {weights} draws "
             "(unrestricted); percentile interval")
    records = []
    for key, entry in entries.items():
        for patron in entry["patrons"]:
            on = f"{tie} on {patron_name(patron, in_sentence=True)}"
            if entry["outcome"] != comparison_name(settings):
                records.append(record(key, patron, entry["outcome"],
                                      f"{on} x text it opposes: "
                                      f"{OUTCOME_WORDS[entry['outcome']]}", restricted, True))
                continue
            records.append(record(key, patron, entry["outcome"],
                                  f"{on}: relative effect on {OUTCOME_WORDS[costly]} minus on "
                                  f"{OUTCOME_WORDS[cheap]}", joint, True))
            records += [record(key, patron, outcome, f"effect on {OUTCOME_WORDS[outcome]}",
                               restricted, False) for outcome in (costly, cheap)]
    return pd.DataFrame(records)
