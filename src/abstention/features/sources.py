"""The source tables the country features read, and the variables they write.

Kept apart from build.py so the workflow can name exactly these tables as the features rule's
inputs, and check the variables models name, while it parses.
"""

# The ingest stage's source tables (results/data/sources/<name>.parquet) the features read.
SOURCE_TABLES = (
    "sipri", "atop", "dcad", "exercises", "freedom_house", "polity", "wdi", "trade", "cepii",
    "capitals", "idealpoints", "security_ties",
)  # fmt: skip
# The source tables the ties by state, year and patron read (besides the countries table).
TIE_SOURCE_TABLES = (
    "sipri", "atop", "dcad", "us_troops", "us_bases", "russia_presence", "operational_dependence",
)  # fmt: skip

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
