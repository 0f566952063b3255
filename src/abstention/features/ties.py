"""Security ties by state, year and patron, from the ingest stage's source tables.

One row per UN member (on 31 December of the year), year and patron; the patron's own row is
left out, since a state's ties to itself are not defined. Each tie is kept apart; composites
(patronage, security dependence) are config rules over them (`ties.composites`). The rules
that are choices rather than facts, each stated in the codebook:

- Arms: the patron's share of the state's major-arms imports (SIPRI TIV delivered) over a
  trailing window of `arms_window_years` ending the year before, 0 with `no_arms_imports` = 1
  when the state imported none. Missing where the window reaches before the register's first
  year, so every value rests on a whole window.
- Alliance: an ATOP defence pledge with the patron in the year; after ATOP's last year, each
  dyad keeps its value of that year (pledges change rarely; the codebook says so).
- Defence cooperation agreements in force: signed in or before the year and not past DCAD's
  estimated end year; after DCAD's last year, the agreements in force then are carried.
- US troops: active-duty personnel, the years the DMDC series covers; US base
  sites: Vine's undated list, the same count in every year. Hosts in
  `ties.us_presence_without_consent` (Cuba: Guantanamo Bay, held against its government's
  will) count none: like occupation, presence without consent is not a tie.
- Russian presence (hand file): an episode counts in every year it is in place on any day; a
  base, deployment, private military company, intervention or peacekeeping force counts as
  a tie only with the host's consent and on the side of the government holding the UN seat
  (Wagner in Libya backed the side that did not); without consent it is occupation. Contested
  consent counts as neither.
- Operational dependence (hand file): in place on any day of the year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.features.rules import CONFIG, check_rules, evaluate
from abstention.features.sources import TIE_SOURCE_TABLES
from abstention.ingest.votes import is_member
from abstention.variables import TIES

PRESENCE_KINDS = ("base", "deployment", "pmc", "intervention", "peacekeeping")
PRESENCE_PATRON = "RUS"
US = "USA"
KEY = ["iso3", "year", "patron"]


def check_settings(settings: dict, sipri: pd.DataFrame, known_codes):
    """Stop on a patron the crosswalk does not know, a window the register cannot fill, a year
    range backwards, or a composite naming an unknown tie."""
    unknown = sorted(set(settings["patrons"]) - set(known_codes))
    if unknown:
        raise DataError(CONFIG, "ties.patrons", "ISO3 codes in the country crosswalk", unknown,
                        known=known_codes)
    first, last = settings["years"]
    if first > last:
        raise DataError(CONFIG, "ties.years", "[first_year, last_year]", settings["years"])
    span = int(sipri["year"].max() - sipri["year"].min() + 1)
    if settings["arms_window_years"] > span:
        raise DataError(CONFIG, "ties.arms_window_years",
                        f"at most the arms register's {span} years "
                        f"({sipri['year'].min()}-{sipri['year'].max()})",
                        settings["arms_window_years"])
    composites = settings["composites"]
    missing = sorted(set(settings["patrons"]) - set(composites))
    if missing:
        raise DataError(CONFIG, "ties.composites", "rules for every patron", f"none for {missing}")
    names = {patron: list(rules) for patron, rules in composites.items()}
    for patron, rules in composites.items():
        if list(rules) != names[settings["patrons"][0]]:
            raise DataError(CONFIG, f"ties.composites.{patron}",
                            f"the same composites as {settings['patrons'][0]} "
                            f"({names[settings['patrons'][0]]}), in the same order", list(rules))
        measured = [name for name in TIES if name not in rules]
        check_rules(rules, measured, f"ties.composites.{patron}")


def _frame(countries: pd.DataFrame, patrons, years) -> pd.DataFrame:
    rows = []
    for year in range(years[0], years[1] + 1):
        members = countries.loc[is_member(countries, pd.Timestamp(year, 12, 31)), "iso3"]
        rows += [(iso3, year, patron) for patron in patrons for iso3 in members if iso3 != patron]
    return pd.DataFrame(rows, columns=KEY)


def _arms(frame: pd.DataFrame, sipri: pd.DataFrame, window: int) -> pd.DataFrame:
    first_full = int(sipri["year"].min()) + window
    totals = sipri.groupby(["recipient_iso3", "year"])["tiv"].sum()
    by_supplier = sipri.groupby(["supplier_iso3", "recipient_iso3", "year"])["tiv"].sum()
    years = sorted(frame["year"].unique())
    out = []
    for year in years:
        span = (year - window, year - 1)
        total = totals.loc[(slice(None), slice(*span))].groupby(level=0).sum()
        patron_tiv = by_supplier.loc[(slice(None), slice(None), slice(*span))].groupby(
            level=[0, 1]).sum()
        rows = frame.loc[frame["year"] == year, KEY]
        tiv = patron_tiv.reindex(pd.MultiIndex.from_arrays([rows["patron"], rows["iso3"]]))
        tiv = pd.Series(tiv.to_numpy(), index=rows.index).fillna(0.0)
        imports = rows["iso3"].map(total).fillna(0.0)
        share = (tiv / imports.where(imports > 0)).fillna(0.0)
        measured = pd.DataFrame({
            "arms_share": share,
            "arms_tiv_log": np.log1p(tiv),
            "no_arms_imports": (imports == 0).astype(float),
        })
        out.append(measured if year >= first_full else measured * np.nan)
    return pd.concat(out).reindex(frame.index)


def _alliance(frame: pd.DataFrame, atop: pd.DataFrame) -> pd.Series:
    last = int(atop["year"].max())
    pledges = atop.loc[atop["defense"] == 1]
    pairs = set(zip(pledges["iso3_1"], pledges["iso3_2"], pledges["year"], strict=True))
    pairs |= {(b, a, y) for a, b, y in pairs}
    year = frame["year"].clip(upper=last)
    flags = [
        (iso3, patron, y) in pairs
        for iso3, patron, y in zip(frame["iso3"], frame["patron"], year, strict=True)
    ]
    return pd.Series(flags, index=frame.index, dtype=float)


def _dcad(frame: pd.DataFrame, dcad: pd.DataFrame) -> pd.Series:
    last = int(dcad["end_year"].max())
    pairs = pd.concat([
        dcad[["iso3_1", "iso3_2", "sign_year", "end_year"]].set_axis(
            ["a", "b", "sign_year", "end_year"], axis=1),
        dcad[["iso3_2", "iso3_1", "sign_year", "end_year"]].set_axis(
            ["a", "b", "sign_year", "end_year"], axis=1),
    ])
    merged = frame[["iso3", "patron", "year"]].reset_index().merge(
        pairs, left_on=["iso3", "patron"], right_on=["a", "b"], how="inner")
    year = merged["year"].clip(upper=last)
    in_force = merged.loc[(merged["sign_year"] <= year) & (year <= merged["end_year"])]
    counts = in_force.groupby("index").size()
    return counts.reindex(frame.index, fill_value=0).astype(float)


def _us(frame: pd.DataFrame, troops: pd.DataFrame, bases: pd.DataFrame,
        without_consent: list[str]) -> pd.DataFrame:
    is_us = frame["patron"] == US
    consented = ~frame["iso3"].isin(without_consent)
    covered = frame["year"].between(troops["year"].min(), troops["year"].max())
    counts = troops.set_index(["iso3", "year"])["troops"]
    found = counts.reindex(pd.MultiIndex.from_frame(frame[["iso3", "year"]])).to_numpy()
    # A covered year with no row for the host means no US troops there.
    troops = pd.Series(found, index=frame.index).fillna(0.0)
    sites = frame["iso3"].map(bases.set_index("iso3")["sites"]).fillna(0.0)
    return pd.DataFrame({
        "troops": (troops * consented).where(is_us & covered),
        "base_sites": (sites * consented).where(is_us),
    })


def _episodes_in_year(frame: pd.DataFrame, episodes: pd.DataFrame) -> pd.Series:
    """Whether an episode of the state with the row's patron is in place on any day of the
    row's year."""
    merged = frame[["iso3", "patron", "year"]].reset_index().merge(
        episodes, on=["iso3", "patron"], how="inner")
    first_day = pd.to_datetime(merged["year"].astype(str) + "-01-01")
    last_day = pd.to_datetime(merged["year"].astype(str) + "-12-31")
    active = (merged["start"] <= last_day) & (merged["end"].isna() | (merged["end"] >= first_day))
    hit = merged.loc[active, "index"].unique()
    return pd.Series(frame.index.isin(hit), index=frame.index, dtype=float)


def _presence(frame: pd.DataFrame, presence: pd.DataFrame) -> pd.DataFrame:
    presence = presence.assign(patron=PRESENCE_PATRON)
    allied = presence.loc[
        (presence["host_consent"] == "yes") & (presence["supports_seat_holder"] == "yes")
    ]
    columns = {
        kind: _episodes_in_year(frame, allied.loc[allied["kind"] == kind])
        for kind in PRESENCE_KINDS
    }
    columns["occupation"] = _episodes_in_year(frame, presence.loc[presence["host_consent"] == "no"])
    return pd.DataFrame(columns).where(frame["patron"] == PRESENCE_PATRON)


def _dependence(frame: pd.DataFrame, dependence: pd.DataFrame) -> pd.DataFrame:
    columns = {"operational_dependence": "dependence", "deconfliction": "deconfliction"}
    return pd.DataFrame({
        name: _episodes_in_year(frame, dependence.loc[dependence["level"] == level])
        for name, level in columns.items()
    })


def _composites(frame: pd.DataFrame, composites: dict) -> pd.DataFrame:
    """Each patron's rules over its own rows; a rule reading a missing tie is missing."""
    parts = []
    for patron, rows in frame.groupby("patron", sort=False):
        rows = rows.copy()
        for name, rule in composites[patron].items():
            rows[name] = evaluate(rows, rule, f"ties.composites.{patron}.{name}")
        parts.append(rows)
    return pd.concat(parts).loc[frame.index]


def _check_sources(sources: dict) -> None:
    missing = sorted({"countries", *TIE_SOURCE_TABLES} - set(sources))
    if missing:
        raise DataError("ties", "source tables",
                        f"the countries table and every one of {list(TIE_SOURCE_TABLES)}",
                        f"missing {missing}")


def build_ties(sources: dict[str, pd.DataFrame], settings: dict) -> pd.DataFrame:
    """The ties table: one row per member state, year and patron, every tie a column.
    `sources` holds the countries table and the source tables named in TIE_SOURCE_TABLES."""
    _check_sources(sources)
    frame = _frame(sources["countries"], settings["patrons"], settings["years"])
    frame = pd.concat([
        frame,
        _arms(frame, sources["sipri"], settings["arms_window_years"]),
    ], axis=1)
    frame["alliance"] = _alliance(frame, sources["atop"])
    frame["dcad_in_force"] = _dcad(frame, sources["dcad"])
    frame = pd.concat([
        frame,
        _us(frame, sources["us_troops"], sources["us_bases"],
            settings["us_presence_without_consent"]),
        _presence(frame, sources["russia_presence"]),
        _dependence(frame, sources["operational_dependence"]),
    ], axis=1)
    frame = _composites(frame, settings["composites"])
    frame["patron"] = frame["patron"].astype("category")
    frame["iso3"] = frame["iso3"].astype("category")
    frame["year"] = frame["year"].astype("int16")
    return frame[[*KEY, *[name for name in TIES if name in frame.columns]]]


def ties_codebook(ties: pd.DataFrame, settings: dict, sources: dict) -> pd.DataFrame:
    """Each tie's label, unit, source, rule, its first and last year with data per patron, and
    for a tie carried forward, the source's last year (`carried_after`)."""
    carried_after = {"alliance": int(sources["atop"]["year"].max()),
                     "dcad_in_force": int(sources["dcad"]["end_year"].max())}
    rows = []
    for name, variable in TIES.items():
        for patron, group in ties.groupby("patron", observed=True):
            years = group.loc[group[name].notna(), "year"]
            rows.append({
                "variable": name,
                "patron": patron,
                "label": variable.label,
                "unit": variable.unit,
                "source": variable.source,
                "rule": settings["composites"][patron].get(name, ""),
                "first_year": int(years.min()) if len(years) else pd.NA,
                "last_year": int(years.max()) if len(years) else pd.NA,
                "carried_after": carried_after.get(name, pd.NA),
                "n_nonmissing": int(len(years)),
                "n_nonzero": int((group[name].fillna(0) != 0).sum()),
            })
    return pd.DataFrame(rows)
