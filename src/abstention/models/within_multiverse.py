"""The within-state multiverse: each patron's main tie (config `within.main_tie`) under every
combination of the sample's first year, the tie's lag, the span of the state-by-period
effects, the patron-opposed rule and the design, on the outcomes of `within.multiverse`.

Each fit is `within.estimate_within` without its interval: the estimate, the state-clustered
standard error and the restricted wild cluster bootstrap's p-value (the same draws and
weights as the main fits), with the states that carry it. A first year before an outcome's
first text gives the same rows as the earliest first year, so each sample appears once,
under the first year its rows actually start.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from abstention.models.common import Z_TWO_SIDED_5
from abstention.models.within import estimate_within, with_periods, within_sample

CHOICES = ["first_year", "lag_years", "period_years", "opposed_rule", "design"]
# The rule of text_patrons.patron_opposed, the main fits' own.
MAIN_RULE = "main"
COLUMNS = ["patron", "tie", "outcome", *CHOICES, "main", "identified", "estimate", "se_crv1",
           "p_wild", "few_treated", "n_treated", "n", "n_states", "n_texts", "n_opposed_texts"]


def samples_of(settings: dict) -> list[tuple[str, int, int, str]]:
    """Every (outcome, first year asked for, lag, rule) that defines a sample."""
    choices = settings["multiverse"]
    return list(itertools.product(choices["outcomes"], choices["first_years"],
                                  choices["lag_years"],
                                  [MAIN_RULE, *choices["opposed_rules"]]))


def is_main(settings: dict, first_year: int, lag: int, period: int, rule: str,
            design: str) -> bool:
    return (first_year, lag, period, rule, design) == (
        settings["first_year"], settings["lag_years"], settings["period_years"], MAIN_RULE,
        settings["main_design"])


def within_multiverse(panel: pd.DataFrame, patron: str, settings: dict) -> pd.DataFrame:
    """One row per distinct specification of one patron's main tie."""
    tie, choices = settings["main_tie"], settings["multiverse"]
    patron_index = sorted(settings["ties"]).index(patron)
    seen, rows, number = set(), [], 0
    for outcome, first_year, lag, rule in samples_of(settings):
        sample, _ = within_sample(
            panel, patron, tie, outcome, settings["period_years"],
            lag=None if lag == settings["lag_years"] else lag,
            rule=None if rule == MAIN_RULE else rule, first_year=first_year)
        starts = int(sample["year"].min()) if len(sample) else first_year
        if (outcome, starts, lag, rule) in seen:
            continue
        seen.add((outcome, starts, lag, rule))
        for period, design in itertools.product(choices["period_years"], settings["designs"]):
            number += 1
            fitted, _ = estimate_within(with_periods(sample, period), settings, design,
                                        (patron_index, 1000 + number), with_ri=False,
                                        with_interval=False)
            rows.append({"patron": patron, "tie": tie, "outcome": outcome,
                         "first_year": starts, "lag_years": lag, "period_years": period,
                         "opposed_rule": rule, "design": design,
                         "main": is_main(settings, first_year, lag, period, rule, design),
                         **fitted})
    return pd.DataFrame(rows).reindex(columns=COLUMNS)


def summarise_multiverse(table: pd.DataFrame, level: float = 0.05) -> pd.DataFrame:
    """Per patron, outcome and design: the specifications, how many are identified and rest
    on at least the minimum of treated states, the shares of those positive and negative at
    p_wild < `level`, the median and range of their estimates, the highest upper end of their
    intervals, and the main fit's estimate (in the main design's rows)."""
    records = []
    for (patron, outcome, design), rows in table.groupby(["patron", "outcome", "design"],
                                                         sort=False):
        trusted = rows[rows["identified"].astype(bool) & ~rows["few_treated"].astype(bool)]
        significant = trusted["p_wild"] < level
        main = rows.loc[rows["main"].astype(bool), "estimate"]
        records.append({
            "patron": patron, "outcome": outcome, "design": design,
            "specifications": len(rows),
            "identified": int(rows["identified"].astype(bool).sum()), "trusted": len(trusted),
            "share_positive_significant": float((significant & (trusted["estimate"] > 0))
                                                .mean()) if len(trusted) else np.nan,
            "share_negative_significant": float((significant & (trusted["estimate"] < 0))
                                                .mean()) if len(trusted) else np.nan,
            "median_estimate": float(trusted["estimate"].median()),
            "min_estimate": float(trusted["estimate"].min()),
            "max_estimate": float(trusted["estimate"].max()),
            # The highest upper end of a state-clustered 95% interval among them.
            "max_upper": float((trusted["estimate"] + Z_TWO_SIDED_5 * trusted["se_crv1"]).max()),
            "main_estimate": float(main.iloc[0]) if len(main) else np.nan,
        })
    return pd.DataFrame(records)
