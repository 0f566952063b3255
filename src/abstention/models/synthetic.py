"""Israel against a synthetic Israel: did Israel withhold support from the texts Russia
opposes more than a weighted combination of comparable states while its air force depended on
Russia's acquiescence over Syria (from Russia's intervention, 30 September 2015, to Assad's
fall, 8 December 2024), and did it before and after?

Outcome. For each state and time unit, the share of the recorded General Assembly texts on
which Russia voted no (`opposed_RUS`) that the state did not vote yes on (`not_yes`: an
abstention, a no or an absence; a member without the right to vote is not in the panel).

Windows, by date (config `israel_synthetic.windows`): pre, texts before the intervention;
during, from the intervention to the day before Assad's fall; after, from Assad's fall.

Time units. Calendar years from `israel_synthetic.first_year`, except that a year in which a
window opens is split at that date into the part before it and the part from it ("2015 pre",
"2015 during"; "2024 during", "2024 after"). General Assembly session-years would be natural,
but they open in September, so neither boundary falls between two of them either; and
assigning a straddling year whole to one window by where most of its texts fall would put
texts in a window their date is outside: the plenary votes on most texts of a session in
December, so 2015's texts fall mostly after the intervention but not all, and December 2024's
votes fall on both sides of Assad's fall. Split, every text counts in its own window.

Unit weights. A unit's share rests on as few as one text (a part-year) or on thirty, and a
share's sampling variance falls with its number of texts, so each unit counts by its number of
texts (`israel_synthetic.unit_weights: texts`) in the fit, in the RMSPEs and in the window
means: a window's mean is then the share over all its texts, and a one-text part-year cannot
move a window as much as a year of thirty texts. `equal` weighs every unit alike, as years are
in Abadie, Diamond and Hainmueller (2010).

Donor pool. States with an outcome in every time unit, less Israel, Russia, every state whose
security dependence on Russia (`security_dependence_RUS`, lagged, known from 2006) is 1 in
any year of the panel, and the states `israel_synthetic.exclude` lists; fewer than
`MIN_DONORS` stops the run before any fit.

Fit. pysyncon's `Synth` on a `Dataprep` whose predictors are the outcome in each pre-window
unit (and nothing else). pysyncon divides each predictor by its standard deviation across
units; V is fixed to the predictors' variances times the unit weights, so that W minimises
the weighted mean squared prediction error of the pre-window outcome path. With equal weights
that is the very loss pysyncon's nested optimisation over V minimises, so no V would do
better; with text weights it is that loss with each unit's squared gap counted by its texts.
Fixing V makes each fit one quadratic program instead of a Nelder-Mead search over V, which
is what lets every donor be refitted as a placebo (about 140 fits in some 20 s of one core).

Inference: placebos in space (Abadie, Diamond and Hainmueller 2010). Each donor in turn is
the treated unit, the other donors its pool (Israel is in no placebo's pool). Two statistics,
Israel ranked from the largest among Israel and the placebos, rank / units as the p-value:
- the ratio of the RMSPE after the intervention (the during and after units together) to the
  RMSPE before it, over every placebo: the ratio scales each unit's later gaps by its own
  pre-window fit, so poorly fitted placebos need not be dropped;
- per window (during, after), the mean gap in the window less the mean gap before it
  (`gap_vs_pre`; one-sided: Israel withholding more than its synthetic), over the placebos
  whose pre-window MSPE is at most `israel_synthetic.placebo.max_pre_mspe_multiple` times
  Israel's (their Figures 5 to 7 drop placebos above 20, 5 and 2 times): a placebo that
  cannot be fitted before has gaps after that say nothing about what chance gives a
  well-fitted unit.
Ties count against Israel (a unit with the same statistic is ranked above it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.models.synthetic_settings import (
    CONFIG,
    PATRON,
    SECTION,
    TREATED,
    WINDOWS,
    check_settings,
)

PANEL = "results/panel/state_text.parquet"
TIE = "security_dependence"
POST = "post"  # the during and after windows together, for the RMSPE ratio
MIN_DONORS = 10

PATH_COLUMNS = ["unit", "year", "window", "start", "end", "texts", "israel", "synthetic", "gap",
                "donor_mean"]
SUMMARY_COLUMNS = ["window", "start", "end", "time_units", "texts", "israel", "synthetic",
                   "donor_mean", "gap", "gap_vs_pre", "statistic", "value", "rank", "units",
                   "p", "donors", "pre_rmspe", "rmspe_ratio", "max_pre_mspe_multiple",
                   "max_pre_rmspe", "unit_weights"]
PLACEBO_COLUMNS = ["iso3", "role", "unit", "year", "window", "outcome", "synthetic", "gap",
                   "pre_rmspe", "rmspe_ratio", "in_gap_ranks"]


def opposed_column(patron: str = PATRON) -> str:
    return f"opposed_{patron}"


def tie_column(patron: str = PATRON) -> str:
    return f"{TIE}_{patron}"


def panel_columns(patron: str = PATRON) -> list[str]:
    """The columns of the state-text panel the comparison reads."""
    return ["res_id", "iso3", "date", "year", "recorded", "not_yes", opposed_column(patron),
            tie_column(patron)]


def window_starts(settings: dict) -> dict[str, pd.Timestamp]:
    """First date of each window after the first (which has none: it starts with the series)."""
    return {name: pd.Timestamp(settings["windows"][name]) for name in WINDOWS[1:]}


def window_of(dates: pd.Series, settings: dict) -> pd.Series:
    starts = window_starts(settings)
    names = np.select([dates < starts["during"], dates < starts["after"]], list(WINDOWS[:2]),
                      WINDOWS[2])
    return pd.Series(pd.Categorical(names, categories=WINDOWS, ordered=True), index=dates.index)


def time_units(texts: pd.DataFrame, settings: dict) -> tuple[pd.DataFrame, pd.Series]:
    """The time units (one row each, in time order: unit, year, window, start, end, texts)
    and each text's unit (indexed by res_id).

    `texts`: res_id, date. A year in which a window opens is split at that date; a unit spans
    its part of the calendar year, the last one up to the last text.
    """
    starts = window_starts(settings)
    boundary_years = {start.year for start in starts.values()}
    dated = texts.assign(year=texts["date"].dt.year, window=window_of(texts["date"], settings))
    dated["unit"] = np.where(dated["year"].isin(boundary_years),
                             dated["year"].astype(str) + " " + dated["window"].astype(str),
                             dated["year"].astype(str))
    units = (dated.groupby(["year", "window", "unit"], observed=True, as_index=False)
             .agg(texts=("res_id", "nunique"))
             .sort_values(["year", "window"], ignore_index=True))
    opens = {"pre": None, **starts}
    closes = {"pre": starts["during"], "during": starts["after"], "after": None}
    first = pd.to_datetime(units["year"].astype(str) + "-01-01")
    last = pd.to_datetime(units["year"].astype(str) + "-12-31")
    window_open = pd.to_datetime(units["window"].astype(str).map(opens))
    window_close = pd.to_datetime(units["window"].astype(str).map(closes)) - pd.Timedelta(days=1)
    units["start"] = first.where(window_open.isna() | (window_open < first), window_open)
    units["end"] = last.where(window_close.isna() | (window_close > last), window_close)
    # The series ends with the panel's last text, not with the end of its year.
    units.loc[units.index[-1], "end"] = min(units["end"].iloc[-1], dated["date"].max())
    units = units[["unit", "year", "window", "start", "end", "texts"]]
    return units, dated.set_index("res_id")["unit"]


def outcome_shares(panel: pd.DataFrame, settings: dict, patron: str = PATRON
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The time units and the outcome: a units x states table of the share of the patron's
    opposed recorded texts each state did not vote yes on (missing where it cast no vote)."""
    opposed = opposed_column(patron)
    missing = [c for c in panel_columns(patron) if c not in panel.columns]
    if missing:
        raise DataError(PANEL, "columns", f"the columns {panel_columns(patron)}", missing)
    rows = panel.loc[panel["recorded"] & panel[opposed]
                     & (panel["year"] >= settings["first_year"]),
                     ["res_id", "iso3", "date", "not_yes"]]
    rows = rows.assign(res_id=rows["res_id"].astype(str), iso3=rows["iso3"].astype(str),
                       not_yes=rows["not_yes"].astype(float))
    if rows.empty:
        raise DataError(PANEL, f"{opposed} and recorded",
                        f"recorded texts opposed by {patron} from {SECTION}.first_year "
                        f"({settings['first_year']})", "none")
    units, unit_of = time_units(rows.drop_duplicates("res_id")[["res_id", "date"]], settings)
    rows["unit"] = rows["res_id"].map(unit_of)
    shares = rows.pivot_table(index="unit", columns="iso3", values="not_yes", aggfunc="mean")
    shares = shares.reindex(units["unit"])
    shares.columns.name = None
    return units, shares


def donor_pool(shares: pd.DataFrame, panel: pd.DataFrame, settings: dict,
               treated: str = TREATED, patron: str = PATRON) -> list[str]:
    """The donor states (sorted); stops if the treated unit lacks an outcome or the pool is
    smaller than `MIN_DONORS`."""
    complete = set(shares.columns[shares.notna().all()])
    if treated not in complete:
        gaps = (list(shares.index[shares[treated].isna()]) if treated in shares.columns
                else "no recorded vote at all")
        raise DataError(PANEL, treated, f"a recorded vote on a {patron}-opposed text in every "
                        f"time unit from {SECTION}.first_year ({settings['first_year']})", gaps)
    states = set(panel["iso3"].astype(str))
    unknown = sorted(set(settings["exclude"]) - states)
    if unknown:
        raise DataError(CONFIG, f"{SECTION}.exclude", "states of the panel", unknown,
                        known=states)
    tied = set(panel.loc[panel[tie_column(patron)] == 1, "iso3"].astype(str))
    donors = sorted(complete - {treated, patron} - tied - set(settings["exclude"]))
    if len(donors) < MIN_DONORS:
        raise DataError(
            CONFIG, f"{SECTION}.exclude",
            f"at least {MIN_DONORS} donor states (states with an outcome in every time unit from "
            f"{SECTION}.first_year = {settings['first_year']}, less {treated}, {patron}, the "
            f"{len(tied)} states with {tie_column(patron)} == 1 in some year and the "
            f"{len(settings['exclude'])} states listed in {SECTION}.exclude)",
            f"{len(donors)}: {donors}")
    return donors


def synthetic_weights(shares: pd.DataFrame, treated: str, donors: Sequence[str],
                      pre: Sequence[int], unit_weights: np.ndarray) -> pd.Series:
    """pysyncon's synthetic control weights over `donors` for `treated`, fitted on the outcome
    in the pre-window units (positions `pre` of `shares`' rows), each unit's squared gap
    weighted by `unit_weights` (one per row of `shares`), V fixed as the module says."""
    from pysyncon import Dataprep, Synth  # imported here: the workflow's start-up reads this module

    units = [treated, *donors]
    fitted = shares.iloc[list(pre)][units]
    varying = fitted.var(axis=1) > 0  # a unit where all states agree carries no information
    if not varying.any():
        raise DataError(None, f"pre-window outcome of {treated} and its donors",
                        "some variation across states to fit on", "every state equal")
    fitted = fitted.loc[varying]
    weight = np.asarray(unit_weights, dtype=float)[list(pre)][varying.to_numpy()]
    predictors = [f"pre_{i}" for i in range(len(fitted))]
    wide = pd.DataFrame(fitted.to_numpy().T, index=units, columns=predictors)
    long = pd.DataFrame({"iso3": np.repeat(units, len(shares)),
                         "t": np.tile(np.arange(len(shares)), len(units)),
                         "outcome": shares[units].to_numpy().T.ravel()})
    foo = long.join(wide, on="iso3")
    prep = Dataprep(foo=foo, predictors=predictors, predictors_op="mean", dependent="outcome",
                    unit_variable="iso3", time_variable="t", treatment_identifier=treated,
                    controls_identifier=list(donors), time_predictors_prior=list(pre),
                    time_optimize_ssr=list(pre))
    synth = Synth()
    synth.fit(dataprep=prep, custom_V=wide[predictors].var(axis=0).to_numpy() * weight)
    weights = np.clip(np.asarray(synth.W, dtype=float), 0.0, None)
    return pd.Series(weights / weights.sum(), index=list(donors), name="weight")


def unit_weights(units: pd.DataFrame, settings: dict) -> np.ndarray:
    """Each time unit's weight in the fit, the RMSPEs and the window means: its number of
    texts (`texts`), or one each (`equal`)."""
    if settings["unit_weights"] == "equal":
        return np.ones(len(units))
    return units["texts"].to_numpy(dtype=float)


def weighted_mean(values: pd.DataFrame | pd.Series, weights: np.ndarray):
    """Column means of `values` (rows: time units) with these unit weights."""
    weights = np.asarray(weights, dtype=float)
    if isinstance(values, pd.Series):
        return float(np.average(values.to_numpy(dtype=float), weights=weights))
    return pd.Series(np.average(values.to_numpy(dtype=float), axis=0, weights=weights),
                     index=values.columns)


def unit_statistics(gaps: pd.DataFrame, windows: pd.Series, weights: np.ndarray
                    ) -> pd.DataFrame:
    """Per unit (a column of `gaps`; time units in rows, `windows` and `weights` one each):
    RMSPE before the intervention and after it, their ratio, the mean gap in each window and
    its change from the pre-window mean."""
    weights = np.asarray(weights, dtype=float)
    pre = (windows == "pre").to_numpy()

    def rmspe(rows: np.ndarray) -> pd.Series:
        return np.sqrt(weighted_mean(gaps.loc[rows] ** 2, weights[rows]))

    table = pd.DataFrame({"pre_rmspe": rmspe(pre), "post_rmspe": rmspe(~pre)})
    table["rmspe_ratio"] = table["post_rmspe"] / table["pre_rmspe"]
    for window in WINDOWS:
        rows = (windows == window).to_numpy()
        table[f"gap_{window}"] = weighted_mean(gaps.loc[rows], weights[rows])
    for window in WINDOWS[1:]:
        table[f"gap_vs_pre_{window}"] = table[f"gap_{window}"] - table["gap_pre"]
    return table


def placebo_rank(values: pd.Series, treated: str) -> tuple[int, int, float]:
    """The treated unit's rank from the largest value (ties ranked above it), the number of
    units ranked, and rank / units, the permutation p-value."""
    values = values.dropna()
    rank = int((values >= values[treated]).sum())
    return rank, len(values), rank / len(values)


def pre_fit_threshold(stats: pd.DataFrame, settings: dict, treated: str) -> float:
    """The largest pre-window RMSPE of a placebo kept in the gap ranks (inf: no limit)."""
    multiple = settings["placebo"]["max_pre_mspe_multiple"]
    if multiple is None:
        return np.inf
    return float(np.sqrt(multiple) * stats.loc[treated, "pre_rmspe"])


def _summary(paths: pd.DataFrame, stats: pd.DataFrame, in_gap_ranks: pd.Series,
             weights: np.ndarray, threshold: float, settings: dict, treated: str
             ) -> pd.DataFrame:
    windows = paths["window"].astype(str)
    ranked = {"pre": None, "during": "gap_vs_pre", "after": "gap_vs_pre", POST: "rmspe_ratio"}
    rows = []
    for window, statistic in ranked.items():
        inside = ((windows != "pre") if window == POST else (windows == window)).to_numpy()
        part, weight = paths.loc[inside], weights[inside]
        means = {column: weighted_mean(part[column], weight)
                 for column in ("israel", "synthetic", "donor_mean", "gap")}
        row = {"window": window, "start": part["start"].min(), "end": part["end"].max(),
               "time_units": len(part), "texts": int(part["texts"].sum()), **means,
               "gap_vs_pre": means["gap"] - stats.loc[treated, "gap_pre"],
               "statistic": statistic or "", "value": np.nan, "rank": pd.NA, "units": pd.NA,
               "p": np.nan, "donors": len(stats) - 1,
               "pre_rmspe": stats.loc[treated, "pre_rmspe"],
               "rmspe_ratio": stats.loc[treated, "rmspe_ratio"],
               "max_pre_mspe_multiple": settings["placebo"]["max_pre_mspe_multiple"],
               "max_pre_rmspe": threshold if np.isfinite(threshold) else np.nan,
               "unit_weights": settings["unit_weights"]}
        if statistic == "rmspe_ratio":
            values = stats["rmspe_ratio"]
        elif statistic == "gap_vs_pre":
            values = stats.loc[in_gap_ranks, f"gap_vs_pre_{window}"]
        if statistic:
            row["rank"], row["units"], row["p"] = placebo_rank(values, treated)
            row["value"] = values[treated]
        rows.append(row)
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS).astype({"rank": "Int64",
                                                               "units": "Int64"})


def compare(shares: pd.DataFrame, units: pd.DataFrame, donors: Sequence[str], settings: dict,
            treated: str = TREATED) -> dict[str, pd.DataFrame]:
    """Fit the treated unit and, in turn, every donor as a placebo: the treated unit's path
    against its synthetic, the per-window summary, every unit's gap path, and the treated
    unit's donor weights.

    `shares`: time units x states (rows in the order of `units`); `units`: as `time_units`
    returns them."""
    units = units.reset_index(drop=True)
    windows = units["window"].astype(str)
    pre = list(np.flatnonzero(windows == "pre"))
    if not pre or len(pre) == len(windows):
        raise DataError(PANEL, "date", "texts both before and after windows.during",
                        sorted(set(windows)))
    weights = unit_weights(units, settings)
    donors = list(donors)
    fits = {treated: synthetic_weights(shares, treated, donors, pre, weights)}
    for placebo in donors:
        pool = [d for d in donors if d != placebo]
        fits[placebo] = synthetic_weights(shares, placebo, pool, pre, weights)
    synthetic = pd.DataFrame({unit: shares[w.index].to_numpy() @ w.to_numpy()
                              for unit, w in fits.items()})
    observed = shares[list(fits)].reset_index(drop=True)
    gaps = observed - synthetic
    stats = unit_statistics(gaps, windows, weights)
    threshold = pre_fit_threshold(stats, settings, treated)
    in_gap_ranks = (stats["pre_rmspe"] <= threshold) | (stats.index == treated)

    paths = units.assign(israel=observed[treated], synthetic=synthetic[treated],
                         gap=gaps[treated],
                         donor_mean=shares[donors].mean(axis=1).to_numpy())[PATH_COLUMNS]
    summary = _summary(paths, stats, in_gap_ranks, weights, threshold, settings, treated)
    placebos = pd.concat([
        pd.DataFrame({"iso3": unit, "role": "treated" if unit == treated else "placebo",
                      "unit": units["unit"], "year": units["year"], "window": windows,
                      "outcome": observed[unit], "synthetic": synthetic[unit],
                      "gap": gaps[unit], "pre_rmspe": stats.loc[unit, "pre_rmspe"],
                      "rmspe_ratio": stats.loc[unit, "rmspe_ratio"],
                      "in_gap_ranks": bool(in_gap_ranks[unit])})
        for unit in fits], ignore_index=True)[PLACEBO_COLUMNS]
    donor_weights = (fits[treated].rename_axis("iso3").reset_index()
                     .sort_values(["weight", "iso3"], ascending=[False, True],
                                  ignore_index=True))
    return {"paths": paths, "summary": summary, "placebos": placebos,
            "weights": donor_weights}


def israel_synthetic(panel: pd.DataFrame, settings: dict) -> dict[str, pd.DataFrame]:
    """Israel against its synthetic comparison, from the state-text panel: the donor pool is
    checked before any fit."""
    check_settings(settings)
    units, shares = outcome_shares(panel, settings)
    donors = donor_pool(shares, panel, settings)
    return compare(shares, units, donors, settings)
