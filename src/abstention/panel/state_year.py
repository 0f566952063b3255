"""The state-year panel of the event studies: for each configured event (a tie to a patron
switching on or off), each state and year, the state's reticence gap towards the patron and
the year the state's tie switched.

Reticence gap of state s towards patron p in year t: the share of the recorded General
Assembly texts of year t that p voted against on which s did not vote yes (abstained, voted
no or stayed away), minus the same share on s's other recorded texts of year t. It is 0 when
the state withholds as often on the patron's texts as on any others, positive when it
withholds more on them; the counts behind both shares are kept.

Event year: the first year the state's tie is on (`direction: on`) or off (`direction: off`)
after a year observed in the other state. Treatment is taken as absorbing from that year on:
a tie that later switches back is still counted as switched (intention to treat), and the
year it switched back is kept. States whose tie never switches are the controls, those already
switched in their first observed year are dropped, and both are counted in the summary.
A state-year enters only where the tie is known and the state cast recorded votes; the states
of `exclude_states` never enter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.panel.events import CONFIG, check_events, event_ties, tie_label

TIES_FILE = "results/data/ties_state_year.parquet"
COUNTS = ["texts_opposed", "texts_other", "not_yes_opposed", "not_yes_other"]
SHARES = ["share_opposed", "share_other", "gap"]


def reticence_gaps(state_text: pd.DataFrame, patrons) -> pd.DataFrame:
    """Patron, state, year: recorded texts the patron voted against and the others, how many
    of each the state did not vote yes on, both shares and their difference."""
    recorded = state_text.loc[state_text["recorded"]]
    frames = []
    for patron in patrons:
        rows = recorded.loc[recorded["iso3"].astype(str) != patron]
        opposed = rows[f"opposed_{patron}"].to_numpy(bool)
        not_yes = rows["not_yes"].to_numpy(dtype=float, na_value=np.nan)
        if np.isnan(not_yes).any():
            raise DataError("results/panel/state_text.parquet", "not_yes",
                            "0 or 1 on every recorded text", "missing values")
        parts = pd.DataFrame({
            "iso3": rows["iso3"].astype(str).to_numpy(), "year": rows["year"].to_numpy(),
            "texts_opposed": opposed.astype(int), "texts_other": (~opposed).astype(int),
            "not_yes_opposed": not_yes * opposed, "not_yes_other": not_yes * ~opposed,
        })
        sums = parts.groupby(["iso3", "year"], as_index=False).sum()
        frames.append(sums.assign(patron=patron))
    gaps = pd.concat(frames, ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        gaps["share_opposed"] = gaps["not_yes_opposed"] / gaps["texts_opposed"]
        gaps["share_other"] = gaps["not_yes_other"] / gaps["texts_other"]
    gaps["gap"] = gaps["share_opposed"] - gaps["share_other"]
    return gaps


def tie_on(ties: pd.DataFrame, event: dict, name: str) -> pd.DataFrame:
    """iso3, year and whether the event's tie is on, for the state-years where it is known
    (every measure the event names known)."""
    measures = event_ties(event)
    rows = ties.loc[ties["patron"].astype(str) == event["patron"], ["iso3", "year", *measures]]
    rows = rows.dropna(subset=measures)
    values = rows[measures].to_numpy(dtype=float)
    threshold = event.get("threshold")
    if threshold is None:
        binary = np.isin(values, (0.0, 1.0)).all(axis=0)
        if not binary.all():
            raise DataError(CONFIG, f"event_study.events.{name}.threshold",
                            "a threshold for a tie measure that is not 0/1",
                            [m for m, ok in zip(measures, binary, strict=True) if not ok])
        threshold = 1.0
    return pd.DataFrame({"iso3": rows["iso3"].astype(str).to_numpy(),
                         "year": rows["year"].astype(int).to_numpy(),
                         "on": (values >= threshold).any(axis=1)})


def event_years(on: pd.DataFrame, direction: str) -> pd.DataFrame:
    """Per state: its status (treated, control, switched before its first observed year),
    first observed year, event year and the year the tie switched back, if it did."""
    switched = on["on"] if direction == "on" else ~on["on"]
    history = on.assign(switched=switched.to_numpy()).sort_values(["iso3", "year"])
    rows = []
    for iso3, years in history.groupby("iso3", sort=True):
        flags = years["switched"].to_numpy()
        calendar = years["year"].to_numpy()
        event = switch_back = None
        if flags[0]:
            status = "switched_before_first_year"
        elif not flags.any():
            status = "control"
        else:
            status = "treated"
            first = int(np.argmax(flags))
            event = int(calendar[first])
            back = np.flatnonzero(~flags[first:])
            switch_back = int(calendar[first + back[0]]) if len(back) else None
        rows.append({"iso3": iso3, "status": status, "first_year": int(calendar[0]),
                     "event_year": event, "switch_back_year": switch_back})
    states = pd.DataFrame(rows, columns=["iso3", "status", "first_year", "event_year",
                                         "switch_back_year"])
    return states.astype({"event_year": "Int16", "switch_back_year": "Int16"})


def build_state_year(state_text: pd.DataFrame, ties: pd.DataFrame, settings: dict,
                     patrons) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The event-state-year panel and, per event, the states it keeps and drops."""
    tie_columns = [c for c in ties.columns if c not in ("iso3", "year", "patron")]
    check_events(settings, patrons, tie_columns)
    used = sorted({event["patron"] for event in settings["events"].values()})
    gaps = reticence_gaps(state_text, used)
    excluded = gaps["iso3"].isin(settings["exclude_states"])
    gaps = gaps.loc[~excluded]
    frames, summary = [], []
    for name, event in settings["events"].items():
        direction = event.get("direction", "on")
        known = tie_on(ties, event, name)
        own = gaps.loc[gaps["patron"] == event["patron"]]
        rows = own.merge(known, on=["iso3", "year"], how="inner")
        states = event_years(rows[["iso3", "year", "on"]], direction)
        kept = states.loc[states["status"].isin(["treated", "control"])]
        rows = rows.merge(kept[["iso3", "event_year", "switch_back_year"]], on="iso3")
        rows["rel_time"] = (rows["year"] - rows["event_year"]).astype("Int16")
        frames.append(rows.assign(event=name))
        counts = states["status"].value_counts()
        treated = states.loc[states["status"] == "treated"]
        summary.append({
            "event": name, "patron": event["patron"], "tie": tie_label(event),
            "direction": direction, "threshold": event.get("threshold", np.nan),
            "excluded_states": len(settings["exclude_states"]),
            "states": len(states), "treated": int(counts.get("treated", 0)),
            "controls": int(counts.get("control", 0)),
            "dropped_switched_before_first_year":
                int(counts.get("switched_before_first_year", 0)),
            "switched_back": int(treated["switch_back_year"].notna().sum()),
            "cohorts": int(treated["event_year"].nunique()),
            "first_event_year": treated["event_year"].min(),
            "last_event_year": treated["event_year"].max(),
            "first_year": rows["year"].min(), "last_year": rows["year"].max(),
            "state_years": len(rows), "state_years_with_gap": int(rows["gap"].notna().sum()),
        })
    panel = pd.concat(frames, ignore_index=True)
    columns = ["event", "patron", "iso3", "year", "on", "event_year", "rel_time",
               "switch_back_year", *COUNTS, *SHARES]
    panel = panel[columns].astype({
        "event": pd.CategoricalDtype(list(settings["events"])),
        "patron": pd.CategoricalDtype(list(patrons)), "iso3": "category", "year": "int16",
        "on": "bool", **{c: "int16" for c in COUNTS}, **{c: "float32" for c in SHARES},
    })
    panel = panel.sort_values(["event", "iso3", "year"], ignore_index=True)
    return panel, pd.DataFrame(summary).astype({
        c: "Int16" for c in ("first_event_year", "last_event_year", "first_year", "last_year")})
