"""The analysis panel's columns, declared once and light enough to import while the workflow
parses: every name a model spec uses is checked against them at start-up, and the panel rule
checks each panel it builds against them, so the two cannot drift apart."""

from abstention.features.sources import VARIABLES as FEATURE_VARIABLES

VOTE_COLUMNS = ("res_id", "iso3", "vote", "source", "article19", "cosponsor")
TEXT_COLUMNS = ("symbol", "session", "date", "title", "has_sponsor_list", "period",
                "material_text", "separate_period")
STATE_COLUMNS = ("name", "reference_year", *FEATURE_VARIABLES)
OUTCOMES = ("not_yes", "abstain_or_absent", "absent", "not_cosponsor", "support_ladder")
PANEL_COLUMNS = (*VOTE_COLUMNS, *TEXT_COLUMNS, *STATE_COLUMNS, *OUTCOMES)
