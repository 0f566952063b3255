"""The files each non-UN source is read from, and the key its checked table is unique on.

Kept apart from `source_tables`, which imports every reader, so the workflow can name these
files as inputs while it parses. Paths are relative to the project root.
"""

SOURCE_FILES = {
    "sipri": ("data/raw/sipri_arms/trade_register.csv",),
    "atop": ("data/raw/atop/atop_alliance.rda",),
    "dcad": ("data/raw/dcad/DCAD-v1.0-main.csv",),
    "exercises": ("data/raw/russia_exercises/joint_military_exercises_involving_russia.csv",),
    "freedom_house": ("data/raw/freedom_house/All_data_FIW_2013-2024.xlsx",),
    "polity": ("data/raw/polity5/p5v2018.csv",),
    "wdi": ("data/raw/wdi/gdp_current_usd.csv", "data/raw/wdi/population.csv"),
    "trade": (
        "data/raw/russia_trade_dots/rf_exports_2023.xlsx",
        "data/raw/russia_trade_dots/tot_exports_2023.xlsx",
    ),
    "cepii": ("data/raw/cepii_geodist/dist_cepii.csv",),
    "capitals": ("data/raw/cow/cow_capitals.rda",),
    "idealpoints": ("data/raw/voeten_idealpoints/IdealpointsJuly2025.dta",),
    "us_troops": ("data/raw/us_troops/troopdata-rebuild-country-year.csv",),
    "us_bases": ("data/raw/us_troops/basedata.csv",),
    "security_ties": ("data/hand/security_ties_2022.csv",),
    "russia_presence": ("data/hand/russia_presence.csv",),
    "operational_dependence": ("data/hand/operational_dependence.csv",),
}
CODELIST = "data/raw/countrycode/codelist.rda"
