"""The files the country features read, relative to data/raw and data/hand, and the variables
they write.

Kept apart from build.py, which imports every reader, so the workflow can name exactly
these files as the features rule's inputs, and check the variables models name, while it parses.
"""

RAW_FILES = {
    "codelist": "countrycode/codelist.rda",
    "sipri": "sipri_arms/trade_register.csv",
    "atop": "atop/atop_alliance.rda",
    "cow_capitals": "cow/cow_capitals.rda",
    "freedom_house": "freedom_house/All_data_FIW_2013-2024.xlsx",
    "polity": "polity5/p5v2018.csv",
    "wdi_gdp": "wdi/gdp_current_usd.csv",
    "wdi_population": "wdi/population.csv",
    "cepii": "cepii_geodist/dist_cepii.csv",
    "trade_russia": "russia_trade_dots/rf_exports_2023.xlsx",
    "trade_world": "russia_trade_dots/tot_exports_2023.xlsx",
    "exercises": "russia_exercises/joint_military_exercises_involving_russia.csv",
    "dcad": "dcad/DCAD-v1.0-main.csv",
    "idealpoints": "voeten_idealpoints/IdealpointsJuly2025.dta",
}
HAND_FILE = "security_ties_2022.csv"

HAND_VARIABLES = (
    "csto_member",
    "russian_base",
    "wagner_presence",
    "airspace_deconfliction",
    "cis_member",
    "eaeu_member",
)
TIE_VARIABLES = ("occupation", "patronage", "airspace_dependence", "security_dependence")
VARIABLES = (
    "arms_share_russia",
    "no_arms_imports",
    "arms_tiv_russia_log",
    "alliance_russia",
    *HAND_VARIABLES,
    "exercises_russia",
    "dcad_russia",
    "dcad_russia_count",
    *TIE_VARIABLES,
    "ideal_pre",
    "ideal_2021",
    "agree_russia",
    "agree_usa",
    "fh_total",
    "polity2",
    "gdp_pc_log",
    "pop_log",
    "trade_share_russia",
    "dist_moscow_log",
    "former_ussr",
    "un_group",
)
