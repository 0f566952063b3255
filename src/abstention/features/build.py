"""Country-level covariates measured before the invasion, one row per UN member state.

Every value comes from a named source and a stated rule; nothing is imputed.
A value that cannot be measured stays missing and gets a row in the `missing`
table saying why. Conventions that are choices rather than facts:

- Dyadic measures with Russia (arms from Russia, alliance, exercises,
  agreements, the tie variables, vote agreement, trade, distance) are missing
  for Russia itself: a state's ties to itself are not defined. Membership
  variables (CSTO, CIS, EAEU) keep Russia's own coding. Russia and Ukraine are
  usually dropped from the models anyway.
- `arms_share_russia` is 0 for a state that imported no major arms in the
  window, so states without SIPRI deliveries (mostly small ones) stay in the
  models; `no_arms_imports` marks them, so "buys no major arms" and "buys them
  elsewhere" can still be told apart. SIPRI's register is meant to be
  complete, so no row means no transfer.
- Security ties are kept apart because they pull in opposite directions.
  `occupation`: Russian forces on the state's recognised territory against its
  will (the hand file's NOT CONSENTED bases, which must match the config list
  `occupied_states`). `patronage`: ATOP defence pledge with Russia, CSTO
  membership, a consented Russian base or Wagner deployed (each coded 1; 0.5
  codings such as ended deployments do not count), and never for an occupied
  state: Russian forces there act against the government, so Wagner in
  Ukraine's Donbas is part of the occupation. `airspace_dependence`: military
  operations that depend on airspace Russia controls (coded 1; flight-safety
  deconfliction alone, 0.5, does not count).
- `security_dependence` is patronage, airspace dependence or at least
  `dependence_arms_threshold` of major-arms imports from Russia. It contains
  the arms share, so it must not enter a model together with
  `arms_share_russia`.
- `dcad_russia` counts defence cooperation agreements signed before the arms
  window's first year (DCAD v1.0 ends in 2010), so they precede the arms
  transfers measured; the USSR's 1984 agreement counts for Russia.
- `ideal_pre` averages the ideal point over the years from
  `pre_alignment_first_year` to the year before the arms window, so arms
  transfers in the window cannot have shaped it. Each state's mean uses the
  years it has an estimate (South Sudan: 2011 only; Serbia and Montenegro from
  2006, as COW 345 before then is Serbia and Montenegro together).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.features.sources import HAND_VARIABLES, SOURCE_TABLES, VARIABLES
from abstention.ingest.readers.common import require_columns
from abstention.ingest.readers.cow import FORMER_USSR, capitals_on, great_circle_km
from abstention.ingest.readers.hand import base_consent, security_ties_wide
from abstention.ingest.source_files import SOURCE_FILES
from abstention.ingest.votes import members_at
from abstention.schemas import require_unique
from abstention.variables import DCAD, FEATURES, HAND, IDEAL, SIPRI, VOTES
from abstention.vote_codes import CAST, UN_GROUP_NAMES

RUSSIA, USA = "RUS", "USA"

# The keys of config features; their defaults are in workflow/schemas/config.schema.json.
PARAM_NAMES = (
    "reference_year",
    "arms_window",
    "exercises_window",
    "agreement_window",
    "atop_year",
    "dependence_arms_threshold",
    "occupied_states",
    "pre_alignment_first_year",
    "fh_edition",
    "polity_year",
    "wdi_year",
    "trade_year",
    "ideal_year",
)


SELF = "dyadic measure with Russia; not defined for Russia itself"



@dataclass(frozen=True)
class FeatureTables:
    """The features table with its codebook and one row per missing value."""

    features: pd.DataFrame
    codebook: pd.DataFrame
    missing: pd.DataFrame


@dataclass(frozen=True)
class _Column:
    values: pd.Series
    reasons: pd.Series
    definition: str
    source: str
    year: str
    unit: str


def _span(window) -> str:
    first, last = window
    return f"{first}-{last}"


def _checked_params(params: dict) -> dict:
    """The features section as the workflow passes it, defaults filled by the schema: a key
    the code does not know or a key left out stops here rather than being ignored or guessed."""
    unknown = sorted(set(params) - set(PARAM_NAMES))
    if unknown:
        raise DataError("config features", "unknown keys", f"keys among {list(PARAM_NAMES)}",
                        unknown)
    missing = [key for key in PARAM_NAMES if key not in params]
    if missing:
        raise DataError("config features", "missing keys", f"every one of {list(PARAM_NAMES)}",
                        missing)
    for key in ("arms_window", "exercises_window", "agreement_window"):
        window = params[key]
        if len(window) != 2 or window[0] > window[1]:
            raise DataError(None, f"features params {key}", "[first_year, last_year]", window)
    first_arms_year = params["arms_window"][0]
    if params["pre_alignment_first_year"] >= first_arms_year:
        raise DataError(
            None,
            "features params pre_alignment_first_year",
            f"a year before the arms window's first year {first_arms_year}",
            params["pre_alignment_first_year"],
        )
    return params


def reference_members(countries: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """The UN members on the reference date, each in a known regional group."""
    require_columns(
        countries, ["iso3", "name", "un_group", "member_from", "member_to"], "countries"
    )
    require_unique(countries, ["iso3"], "countries")
    members = members_at(countries, date)
    groups = set(members["un_group"]) - set(UN_GROUP_NAMES)
    if groups:
        raise DataError("countries", "un_group", f"one of {list(UN_GROUP_NAMES)}", sorted(groups))
    return members.sort_values("iso3", ignore_index=True)


def vote_agreement(
    votes: pd.DataFrame, resolutions: pd.DataFrame, partner: str, first_year: int, last_year: int
) -> pd.DataFrame:
    """Share of recorded GA votes in the window on which a state voted as `partner` did.

    Only votes where both cast yes, no or abstain count; an absence by either
    side drops that vote from the denominator, since absence is not a stance.
    """
    require_columns(votes, ["res_id", "iso3", "vote"], "votes")
    require_columns(resolutions, ["res_id", "body", "date"], "resolutions")
    require_unique(votes, ["res_id", "iso3"], "votes")
    years = pd.to_datetime(resolutions["date"]).dt.year
    in_window = resolutions.loc[
        (resolutions["body"] == "GA") & years.between(first_year, last_year)
    ]
    cast = votes.loc[votes["res_id"].isin(in_window["res_id"]) & votes["vote"].isin(CAST)]
    theirs = cast.loc[cast["iso3"] == partner, ["res_id", "vote"]]
    paired = cast.loc[cast["iso3"] != partner].merge(theirs, on="res_id", suffixes=("", "_partner"))
    paired = paired.assign(same=paired["vote"] == paired["vote_partner"])
    result = paired.groupby("iso3")["same"].agg(share="mean", n="size").reset_index()
    result["share"] = result["share"].astype("float64")
    return result


def _column(values, reasons, definition, source, year, unit) -> _Column:
    """A numeric column; `reasons` maps each state left missing to why."""
    return _Column(
        pd.Series(values, dtype="float64"),
        pd.Series(reasons, dtype="object"),
        definition,
        source,
        year,
        unit,
    )


def _without_russia(values: pd.Series, reasons: dict) -> tuple[pd.Series, dict]:
    values = values.copy()
    if RUSSIA in values.index:
        values[RUSSIA] = np.nan
        reasons = {**reasons, RUSSIA: SELF}
    return values, reasons


def _arms(sipri: pd.DataFrame, iso3: pd.Index, window) -> dict:
    first, last = window
    period = sipri.loc[sipri["year"].between(first, last)]
    total = period.groupby("recipient_iso3")["tiv"].sum().reindex(iso3, fill_value=0.0)
    russian = (
        period.loc[period["supplier_iso3"] == RUSSIA]
        .groupby("recipient_iso3")["tiv"]
        .sum()
        .reindex(iso3, fill_value=0.0)
    )
    no_imports = total == 0
    share, share_reasons = _without_russia((russian / total.mask(no_imports)).fillna(0.0), {})
    tiv_log, tiv_reasons = _without_russia(np.log1p(russian), {})
    span = _span(window)
    return {
        "arms_share_russia": _column(
            share,
            share_reasons,
            "Russia's share of the state's major-arms imports (SIPRI TIV delivered); 0 if it "
            "imported only from others or none at all (then no_arms_imports = 1)",
            SIPRI,
            span,
            "share (0-1)",
        ),
        "no_arms_imports": _column(
            no_imports.astype(float),
            {},
            "1 if SIPRI records no major-arms deliveries to the state (or only deliveries "
            "below 0.5 million TIV, recorded as 0)",
            SIPRI,
            span,
            "0/1",
        ),
        "arms_tiv_russia_log": _column(
            tiv_log,
            tiv_reasons,
            "log(1 + TIV of major arms delivered by Russia); 0 if none",
            SIPRI,
            span,
            "log million TIV",
        ),
    }


def _alliance(atop: pd.DataFrame, iso3: pd.Index, year: int) -> _Column:
    pledges = atop.loc[(atop["year"] == year) & (atop["defense"] == 1)]
    partners = set(pledges.loc[pledges["iso3_1"] == RUSSIA, "iso3_2"]) | set(
        pledges.loc[pledges["iso3_2"] == RUSSIA, "iso3_1"]
    )
    pledged = pd.Series(iso3.isin(sorted(partners)), index=iso3).astype(float)
    values, reasons = _without_russia(pledged, {})
    return _column(
        values,
        reasons,
        "ATOP defence pledge between the state and Russia (either direction)",
        "ATOP v5.1 directed dyad-years (Leeds et al.), via peacesciencer",
        str(year),
        "0/1",
    )


HAND_DEFINITIONS = {
    "csto_member": "member of the Collective Security Treaty Organization",
    "russian_base": "Russian base or stationed forces on recognised territory, consented or "
    "not (0.5 = ended or unconfirmed)",
    "wagner_presence": "Wagner Group deployed before 2022 (0.5 = ended or unconfirmed)",
    "airspace_deconfliction": "operations in airspace Russia controls under an arrangement with "
    "Russia (1 = dependence, 0.5 = flight-safety deconfliction only)",
    "cis_member": "member of the Commonwealth of Independent States (0.5 = associate)",
    "eaeu_member": "member of the Eurasian Economic Union",
}


def _hand(ties: pd.DataFrame, iso3: pd.Index) -> dict:
    wide = security_ties_wide(ties, iso3).set_index("iso3")
    return {
        name: _column(
            wide[name],
            {},
            HAND_DEFINITIONS[name] + "; no row = 0",
            HAND,
            "before 24 Feb 2022",
            "0/0.5/1",
        )
        for name in HAND_VARIABLES
    }


def _exercises(exercises: pd.DataFrame, iso3: pd.Index, window) -> _Column:
    first, last = window
    counts = exercises.loc[exercises["year"].between(first, last)].groupby("iso3").size()
    values, reasons = _without_russia(counts.reindex(iso3, fill_value=0).astype(float), {})
    return _column(
        values,
        reasons,
        "number of joint military exercises with Russia listing the state as a participant",
        "Joint military exercises involving Russia (compilation citing the Russian MoD)",
        _span(window),
        "count",
    )


def _dcad(dcad: pd.DataFrame, iso3: pd.Index, before_year: int) -> dict:
    signed = dcad.loc[dcad["sign_year"] < before_year]
    with_russia = signed.loc[(signed["iso3_1"] == RUSSIA) | (signed["iso3_2"] == RUSSIA)]
    partners = with_russia["iso3_1"].where(with_russia["iso3_1"] != RUSSIA, with_russia["iso3_2"])
    counts, reasons = _without_russia(
        partners.value_counts().reindex(iso3, fill_value=0).astype(float), {}
    )
    coverage = f"{dcad['sign_year'].min()}-{dcad['sign_year'].max()}"
    year = f"signed before {before_year}; DCAD v1.0 covers {coverage}"
    partner = "with Russia (the USSR in 1984)"
    return {
        "dcad_russia": _column(
            (counts > 0).astype(float).where(counts.notna()),
            reasons,
            f"1 if the state signed at least one defence cooperation agreement {partner}, "
            "whether or not still in force",
            DCAD,
            year,
            "0/1",
        ),
        "dcad_russia_count": _column(
            counts,
            reasons,
            f"number of defence cooperation agreements the state signed {partner}",
            DCAD,
            year,
            "count",
        ),
    }


def _ties(columns: dict, consent: pd.Series, iso3: pd.Index, params: dict, ties_path) -> dict:
    """Occupation, patronage and airspace dependence apart, and the summary dependence."""
    refused = sorted(consent.index[~consent])
    listed = sorted(params["occupied_states"])
    if refused != listed:
        raise DataError(
            ties_path,
            "features params occupied_states",
            f"the hosts whose russian_base note says NOT CONSENTED: {refused}",
            listed,
        )

    def coded_one(name: str) -> pd.Series:
        return columns[name].values.reindex(iso3) == 1

    occupied = pd.Series(iso3.isin(listed), index=iso3)
    patron = (
        coded_one("alliance_russia")
        | coded_one("csto_member")
        | pd.Series(iso3.isin(consent.index[consent]), index=iso3)
        | coded_one("wagner_presence")
    ) & ~occupied
    airspace = coded_one("airspace_deconfliction")
    threshold = params["dependence_arms_threshold"]
    hand_year = "before 24 Feb 2022"
    arms_dependent = columns["arms_share_russia"].values.reindex(iso3) >= threshold
    derived = {
        "occupation": (
            occupied,
            "Russian forces on the state's recognised territory without its consent",
            f"{HAND}: russian_base rows whose note says NOT CONSENTED, matching "
            "config occupied_states",
            hand_year,
        ),
        "patronage": (
            patron,
            "1 if ATOP defence pledge with Russia, CSTO member, consented Russian base or Wagner "
            "deployed (each coded 1); 0 for an occupied state",
            "derived from alliance_russia, csto_member, russian_base (with its note), "
            "wagner_presence",
            f"ATOP {params['atop_year']}; hand coding {hand_year}",
        ),
        "airspace_dependence": (
            airspace,
            "military operations depending on airspace Russia controls (airspace_deconfliction "
            "coded 1; deconfliction only, 0.5, is 0)",
            HAND,
            hand_year,
        ),
        "security_dependence": (
            patron | airspace | arms_dependent,
            f"1 if patronage, airspace dependence or a Russian arms share of at least "
            f"{threshold:g}; occupation is not a component. Contains the arms share: not for a "
            "model with arms_share_russia",
            "derived from patronage, airspace_dependence, arms_share_russia",
            f"arms {_span(params['arms_window'])}; ATOP {params['atop_year']}; hand coding "
            f"{hand_year}",
        ),
    }
    result = {}
    for name, (flags, definition, source, year) in derived.items():
        values, reasons = _without_russia(flags.astype(float), {})
        result[name] = _column(values, reasons, definition, source, year, "0/1")
    return result


def _agreement(votes, resolutions, iso3: pd.Index, partner: str, label: str, window) -> _Column:
    first, last = window
    agreement = vote_agreement(votes, resolutions, partner, first, last).set_index("iso3")
    values = agreement["share"].reindex(iso3)
    reasons = {
        state: f"no recorded GA vote {first}-{last} on which both it and {label} voted "
        "yes/no/abstain"
        for state in iso3[values.isna()]
    }
    if partner in iso3:
        reasons[partner] = f"agreement with {label}; not defined for {label} itself"
    return _column(
        values,
        reasons,
        f"share of recorded GA votes on which the state voted as {label} did (yes/no/abstain; "
        "votes where either was absent excluded)",
        VOTES,
        _span(window),
        "share (0-1)",
    )


def _lookup(table: pd.DataFrame, iso3: pd.Index, column: str, absent: str, empty: str):
    """Values by state, with `absent` for states without a row and `empty` for blank cells."""
    values = table.set_index("iso3")[column].reindex(iso3)
    present = iso3.isin(table["iso3"])
    reasons = {
        state: empty if has_row else absent
        for state, has_row in zip(iso3, present, strict=True)
        if pd.isna(values[state])
    }
    return values, reasons


POLITY_SPECIAL_CODES = {
    -66: "interruption: foreign occupation or collapse",
    -77: "interregnum",
    -88: "transition",
}


def _polity(polity: pd.DataFrame, iso3: pd.Index, year: int) -> _Column:
    rows = polity.loc[polity["year"] == year].set_index("iso3")
    values = rows["polity2"].reindex(iso3)
    reasons = {}
    for state in iso3[values.isna()]:
        if state in rows.index:
            code = int(rows.at[state, "polity"])
            label = POLITY_SPECIAL_CODES.get(code, "no polity2")
            reasons[state] = f"Polity5 codes {year} as {code} ({label}); polity2 empty"
        else:
            reasons[state] = f"not in Polity5 for {year} (covers states above 500,000 people)"
    return _column(
        values,
        reasons,
        "Polity5 combined polity score (polity2)",
        "Polity5 (Marshall & Gurr), p5v2018.csv",
        str(year),
        "-10 to 10",
    )


def _wdi(gdp: pd.DataFrame, population: pd.DataFrame, iso3: pd.Index, year: int) -> dict:
    gdp_y = gdp.loc[gdp["year"] == year]
    pop_y = population.loc[population["year"] == year]
    gdp_values, gdp_reasons = _lookup(
        gdp_y, iso3, "gdp", f"no WDI GDP for {year}", f"WDI GDP for {year} blank"
    )
    pop_values, pop_reasons = _lookup(
        pop_y, iso3, "population", f"no WDI population for {year}", f"WDI population {year} blank"
    )
    gdp_pc_reasons = {
        state: gdp_reasons.get(state) or pop_reasons[state]
        for state in iso3
        if state in gdp_reasons or state in pop_reasons
    }
    source = "World Bank WDI (NY.GDP.MKTP.CD, SP.POP.TOTL)"
    return {
        "gdp_pc_log": _column(
            np.log(gdp_values / pop_values),
            gdp_pc_reasons,
            "log GDP per capita (GDP in current US$ / population)",
            source,
            str(year),
            "log US$",
        ),
        "pop_log": _column(
            np.log(pop_values), pop_reasons, "log population", source, str(year), "log persons"
        ),
    }


TRADE_PARTS = {
    "russia_exports_to": "Russia's exports to it",
    "russia_imports_from": "Russia's imports from it",
    "partner_imports": "its imports (world exports to it)",
    "partner_exports": "its exports (world imports from it)",
}


def _trade(trade: pd.DataFrame, iso3: pd.Index, year: int) -> _Column:
    rows = trade.loc[trade["year"] == year].set_index("iso3").reindex(iso3)
    share = (rows["russia_exports_to"] + rows["russia_imports_from"]) / (
        rows["partner_imports"] + rows["partner_exports"]
    )
    reasons = {}
    for state in iso3[share.isna()]:
        if rows.loc[state].isna().all():
            reasons[state] = f"no IMF DOTS-layout trade row for {year}"
        else:
            blank = [text for part, text in TRADE_PARTS.items() if pd.isna(rows.at[state, part])]
            reasons[state] = f"DOTS-layout cell blank for {year}: " + "; ".join(blank)
    share, reasons = _without_russia(share, reasons)
    return _column(
        share,
        reasons,
        "(Russia's exports to the state + Russia's imports from it) / the state's total trade "
        "(world's exports to it + world's imports from it)",
        "IMF DOTS layout (russia_trade_dots; provenance not stated upstream, secondary source)",
        str(year),
        "share (0-1)",
    )


def _distance(cepii: pd.DataFrame, capitals: pd.DataFrame, iso3: pd.Index) -> _Column:
    to_moscow = cepii.loc[cepii["iso_d"] == RUSSIA].set_index("iso_o")["distcap"].reindex(iso3)
    moscow = capitals.loc[capitals["iso3"] == RUSSIA].iloc[0]
    cow_km = pd.Series(
        great_circle_km(capitals["lat"], capitals["lon"], moscow["lat"], moscow["lon"]),
        index=capitals["iso3"].to_numpy(),
    ).reindex(iso3)
    fallback = to_moscow.isna() & cow_km.notna()
    km = to_moscow.where(~fallback, cow_km)
    reasons = {state: "no capital in CEPII GeoDist or COW capitals" for state in iso3[km.isna()]}
    values, reasons = _without_russia(np.log(km), reasons)
    filled = ", ".join(iso3[fallback & (iso3 != RUSSIA)])
    return _column(
        values,
        reasons,
        "log great-circle distance between the state's capital and Moscow",
        f"CEPII GeoDist distcap (Mayer & Zignago 2011); COW capitals for states CEPII lacks "
        f"({filled})",
        "CEPII capitals; COW capitals at the reference date",
        "log km",
    )


def _security(sources: dict, iso3: pd.Index, params: dict):
    columns = _arms(sources["sipri"], iso3, params["arms_window"])
    atop_year = params["atop_year"]
    columns["alliance_russia"] = _alliance(sources["atop"], iso3, atop_year)
    ties_path = SOURCE_FILES["security_ties"][0]
    ties = sources["security_ties"]
    columns.update(_hand(ties, iso3))
    columns["exercises_russia"] = _exercises(sources["exercises"], iso3,
                                             params["exercises_window"])
    columns.update(_dcad(sources["dcad"], iso3, params["arms_window"][0]))
    consent = base_consent(ties, ties_path)
    columns.update(_ties(columns, consent, iso3, params, ties_path))
    return columns


def _alignment(sources: dict, votes, resolutions, iso3, params: dict):
    year = params["ideal_year"]
    ideal = sources["idealpoints"]
    values, reasons = _lookup(
        ideal.loc[ideal["year"] == year],
        iso3,
        "ideal_point",
        f"no ideal point for {year}",
        f"ideal point {year} empty",
    )
    window = params["agreement_window"]
    return {
        "ideal_pre": _pre_alignment(ideal, iso3, params),
        "ideal_2021": _column(
            values,
            reasons,
            "UNGA ideal point from all recorded votes (idealpointall; higher: closer to the "
            "United States)",
            IDEAL,
            str(year),
            "ideal point",
        ),
        "agree_russia": _agreement(votes, resolutions, iso3, RUSSIA, "Russia", window),
        "agree_usa": _agreement(votes, resolutions, iso3, USA, "the United States", window),
    }


def _pre_alignment(ideal: pd.DataFrame, iso3: pd.Index, params: dict) -> _Column:
    first, last = params["pre_alignment_first_year"], params["arms_window"][0] - 1
    in_window = ideal.loc[ideal["year"].between(first, last)]
    values = in_window.groupby("iso3")["ideal_point"].mean().reindex(iso3)
    reasons = {state: f"no ideal point in {first}-{last}" for state in iso3[values.isna()]}
    return _column(
        values,
        reasons,
        "mean UNGA ideal point from all recorded votes (idealpointall) over the years of the "
        "period in which the state has one; ends the year before the arms window (higher: "
        "closer to the United States)",
        IDEAL,
        f"{first}-{last}",
        "ideal point",
    )


def _freedom_house(fh: pd.DataFrame, iso3: pd.Index, edition: int) -> _Column:
    values, reasons = _lookup(
        fh.loc[fh["edition"] == edition],
        iso3,
        "total",
        f"not rated as a country in Freedom in the World {edition}",
        f"no total score in Freedom in the World {edition}",
    )
    return _column(
        values,
        reasons,
        "Freedom in the World aggregate score (political rights + civil liberties)",
        f"Freedom House, Freedom in the World {edition} edition (All_data_FIW_2013-2024.xlsx)",
        str(edition - 1),
        "0-100",
    )


def _controls(sources: dict, members: pd.DataFrame, iso3, params: dict):
    reference = pd.Timestamp(params["reference_year"], 12, 31)
    columns = {
        "fh_total": _freedom_house(sources["freedom_house"], iso3, params["fh_edition"]),
        "polity2": _polity(sources["polity"], iso3, params["polity_year"]),
    }
    wdi = sources["wdi"]
    columns.update(_wdi(wdi[["iso3", "year", "gdp"]].dropna(),
                        wdi[["iso3", "year", "population"]].dropna(), iso3, params["wdi_year"]))
    columns["trade_share_russia"] = _trade(sources["trade"], iso3, params["trade_year"])
    columns["dist_moscow_log"] = _distance(
        sources["cepii"], capitals_on(sources["capitals"], reference), iso3
    )
    columns["former_ussr"] = _column(
        pd.Series(iso3.isin(sorted(FORMER_USSR)), index=iso3).astype(float),
        {},
        "one of the 15 Soviet republics independent in 1991 (Russia included)",
        "explicit list of the 15 republics, checked against the COW state system",
        "1991",
        "0/1",
    )
    columns["un_group"] = _Column(
        pd.Series(members["un_group"].to_numpy(), index=iso3, dtype="object"),
        pd.Series(dtype="object"),
        "UN regional group",
        "UN regional groups list (data/hand), via the countries table",
        "current",
        "category",
    )
    return columns


def build_features(
    countries: pd.DataFrame,
    votes: pd.DataFrame,
    resolutions: pd.DataFrame,
    sources: dict[str, pd.DataFrame],
    params: dict,
) -> FeatureTables:
    """Covariates for the UN members at the end of `reference_year`, with codebook and gaps.

    `sources` holds the ingest stage's checked tables named in SOURCE_TABLES; `params` is the
    whole config features section.
    """
    params = _checked_params(params)
    absent = sorted(set(SOURCE_TABLES) - set(sources))
    if absent:
        raise DataError("features", "source tables", f"every one of {list(SOURCE_TABLES)}",
                        f"missing {absent}")
    members = reference_members(countries, pd.Timestamp(params["reference_year"], 12, 31))
    iso3 = pd.Index(members["iso3"], name="iso3")
    columns = {
        **_security(sources, iso3, params),
        **_alignment(sources, votes, resolutions, iso3, params),
        **_controls(sources, members, iso3, params),
    }
    features = pd.DataFrame(
        {
            "iso3": iso3,
            "name": members["name"].to_numpy(),
            "reference_year": params["reference_year"],
        }
    )
    missing = []
    for name in VARIABLES:
        values = columns[name].values.reindex(iso3)
        reasons = columns[name].reasons.reindex(iso3)
        unexplained = iso3[values.isna() & reasons.isna()].tolist()
        if unexplained:
            raise RuntimeError(f"{name}: missing values without a stated reason: {unexplained}")
        features[name] = values.to_numpy()
        missing += [(state, name, reasons[state]) for state in iso3[values.isna()]]
    missing = pd.DataFrame(missing, columns=["iso3", "variable", "reason"])
    missing.insert(1, "name", missing["iso3"].map(dict(zip(iso3, members["name"], strict=True))))
    return FeatureTables(features, _codebook(features, columns), missing)


def _codebook(features: pd.DataFrame, columns: dict) -> pd.DataFrame:
    rows = []
    for name in VARIABLES:
        column, values = columns[name], features[name]
        numeric = pd.api.types.is_numeric_dtype(values)
        rows.append(
            {
                "variable": name,
                "label": FEATURES[name].label,
                "patron": FEATURES[name].patron,
                "definition": column.definition,
                "source": column.source,
                "year": column.year,
                "unit": column.unit,
                "n_nonmissing": int(values.notna().sum()),
                "min": values.min() if numeric else np.nan,
                "median": values.median() if numeric else np.nan,
                "max": values.max() if numeric else np.nan,
            }
        )
    return pd.DataFrame(rows)
