"""The variable registry: name, label, unit, source and patron of every measured variable,
written once and read by the codebooks, the labels of figures and tables, and the paper.

A new variable is one entry here plus its computation. `patron` is the patron a tie is
measured towards ("any" for a tie measured towards every patron of the ties table, "" for a
state's own characteristic).
"""

from __future__ import annotations

from dataclasses import dataclass

SIPRI = "SIPRI Arms Transfers Database, trade register (generated 12 Feb 2026)"
ATOP = "ATOP v5.1 directed dyad-years (Leeds et al.), via peacesciencer"
DCAD = "Defense Cooperation Agreement Dataset v1.0 (Kinne 2020; Correlates of War)"
HAND = "hand-coded from public sources, one per row (data/hand)"
TROOPS = "troopdata (Flynn), from US Defense Manpower Data Center reports"
BASES = "Vine (2015), US base sites, via troopdata: one undated snapshot"
IDEAL = "Bailey, Strezhnev & Voeten (2017), July 2025 release"
VOTES = (
    "votes and resolutions tables of this project (Voeten et al. and the unvotes tables; UN "
    "resolution extracts; UN Digital Library voting records for the texts those lack or list "
    "with a tally other than the official one)"
)


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    unit: str
    source: str
    patron: str = ""


_TIES = (
    Variable("arms_share", "Patron's share of arms imports", "share (0-1)", SIPRI, "any"),
    Variable("arms_tiv_log", "Arms imports from the patron (log TIV)", "log million TIV", SIPRI,
             "any"),
    Variable("no_arms_imports", "No major-arms imports", "0/1", SIPRI, "any"),
    Variable("alliance", "Defence pledge with the patron (ATOP)", "0/1", ATOP, "any"),
    Variable("dcad_in_force", "Defence cooperation agreements in force (DCAD)", "count", DCAD,
             "any"),
    Variable("troops", "US troops on the state's soil (active duty)", "persons", TROOPS, "USA"),
    Variable("base_sites", "US base sites", "count", BASES, "USA"),
    Variable("base", "Patron's base, with the seat-holder's consent", "0/1", HAND, "RUS"),
    Variable("deployment", "Patron's forces deployed, with consent", "0/1", HAND, "RUS"),
    Variable("pmc", "Patron-directed private military company, backing the seat-holder", "0/1",
             HAND, "RUS"),
    Variable("intervention", "Patron's intervention for the seat-holder", "0/1", HAND, "RUS"),
    Variable("peacekeeping", "Patron's peacekeepers, with consent", "0/1", HAND, "RUS"),
    Variable("occupation", "Patron's forces without consent", "0/1", HAND, "RUS"),
    Variable("operational_dependence", "Operational dependence on the patron's airspace", "0/1",
             HAND, "any"),
    Variable("deconfliction", "Deconfliction line with the patron only", "0/1", HAND, "any"),
    Variable("patronage", "Patronage (config rule over the ties)", "0/1",
             "derived: config ties.composites", "any"),
    Variable("security_dependence", "Security dependence (config rule over the ties)", "0/1",
             "derived: config ties.composites", "any"),
)
_FEATURES = (
    Variable("arms_share_russia", "Russian share of arms imports", "share (0-1)", SIPRI, "RUS"),
    Variable("arms_tiv_russia_log", "Arms imports from Russia (log TIV)", "log million TIV",
             SIPRI, "RUS"),
    Variable("alliance_russia", "Defence pledge with Russia (ATOP)", "0/1", ATOP, "RUS"),
    Variable("csto_member", "CSTO member", "0/0.5/1", HAND, "RUS"),
    Variable("russian_base", "Russian base or forces on territory", "0/0.5/1", HAND, "RUS"),
    Variable("wagner_presence", "Wagner Group present", "0/0.5/1", HAND, "RUS"),
    Variable("airspace_deconfliction", "Airspace deconfliction with Russia", "0/0.5/1", HAND,
             "RUS"),
    Variable("cis_member", "CIS member", "0/0.5/1", HAND, "RUS"),
    Variable("eaeu_member", "Eurasian Economic Union member", "0/0.5/1", HAND, "RUS"),
    Variable("exercises_russia", "Joint exercises with Russia", "count",
             "Joint military exercises involving Russia (compilation citing the Russian MoD)",
             "RUS"),
    Variable("dcad_russia", "Defence cooperation agreement with Russia (DCAD)", "0/1", DCAD,
             "RUS"),
    Variable("dcad_russia_count", "Defence cooperation agreements with Russia (DCAD)", "count",
             DCAD, "RUS"),
    Variable("occupation", "Russian forces without consent", "0/1", HAND, "RUS"),
    Variable("patronage", "Patronage (alliance, CSTO, base, Wagner)", "0/1",
             "derived from alliance_russia, csto_member, russian_base, wagner_presence", "RUS"),
    Variable("airspace_dependence", "Airspace dependence on Russia", "0/1", HAND, "RUS"),
    Variable("security_dependence", "Security dependence on Russia", "0/1",
             "derived from patronage, airspace_dependence, arms_share_russia", "RUS"),
    Variable("no_arms_imports", "No major-arms imports", "0/1", SIPRI),
    Variable("ideal_pre", "UN ideal point, before the arms window", "ideal point", IDEAL),
    Variable("ideal_2021", "UN ideal point, 2021", "ideal point", IDEAL),
    Variable("agree_russia", "Vote agreement with Russia", "share (0-1)", VOTES, "RUS"),
    Variable("agree_usa", "Vote agreement with the US", "share (0-1)", VOTES, "USA"),
    Variable("fh_total", "Freedom House total score", "0-100",
             "Freedom House, Freedom in the World (All_data_FIW_2013-2024.xlsx)"),
    Variable("polity2", "Polity2 score", "-10 to 10", "Polity5 (Marshall & Gurr), p5v2018.csv"),
    Variable("gdp_pc_log", "GDP per capita (log)", "log US$",
             "World Bank WDI (NY.GDP.MKTP.CD, SP.POP.TOTL)"),
    Variable("pop_log", "Population (log)", "log persons", "World Bank WDI (SP.POP.TOTL)"),
    Variable("trade_share_russia", "Russian share of trade", "share (0-1)",
             "IMF DOTS layout (russia_trade_dots; provenance not stated upstream)", "RUS"),
    Variable("dist_moscow_log", "Distance from Moscow (log)", "log km",
             "CEPII GeoDist distcap (Mayer & Zignago 2011); COW capitals", "RUS"),
    Variable("former_ussr", "Former Soviet republic", "0/1",
             "explicit list of the 15 republics, checked against the COW state system"),
    Variable("un_group", "UN regional group", "category",
             "UN regional groups list (data/hand), via the countries table"),
)
# Ties by state, year and patron (results/data/ties_state_year.parquet).
TIES: dict[str, Variable] = {entry.name: entry for entry in _TIES}
# The cross-section towards Russia (results/data/features.parquet).
FEATURES: dict[str, Variable] = {entry.name: entry for entry in _FEATURES}
