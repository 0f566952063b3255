"""Readable names for variables and texts, shared by figures and tables so both say the same
thing; variables are labelled in their registry (`abstention.variables`)."""

from __future__ import annotations

import re

from abstention.variables import FEATURES

LABELS: dict[str, str] = {
    **{name: variable.label for name, variable in FEATURES.items()},
    "security_dependence_x_material_text": "Security dependence x material text",
    "security_dependence_x_separate_period": "Security dependence x 2025 texts (ES-11/7-9)",
    "material_text": "texts with material consequences",
    "separate_period": "2025 texts (ES-11/7-9)",
    "not_cosponsor": "Did not co-sponsor",
    "arms_share_russia_per_10pp": "Russian share of arms imports (per 10 points)",
    "trade_share_russia_per_10pp": "Russian share of trade (per 10 points)",
    "absent": "Absent",
    "res_id": "Text",
    "not_yes": "Did not vote yes",
    "cosponsor": "Co-sponsored",
    "abstain_or_absent": "Abstained or absent",
}


# The multiverse's choice values, as the specification curve's choice matrix shows them.
CHOICE_LABELS: dict[str, str] = {
    "absence_as_not_yes": "absence counts as not yes",
    "absence_excluded": "absences left out",
    "yes_voters": "not co-sponsoring, among yes voters",
    "without_former_ussr": "without former Soviet states",
    "logit": "logit",
    "firth_logit": "Firth logit",
    "lpm": "linear probability model",
    "complete": "complete cases",
    "imputed": "multiple imputation",
    "pooled": "texts pooled, text fixed effects",
}


DUMMY = re.compile(r"^(?P<name>[^\[\]]+)\[(?P<level>.+)\]$")
SYMBOL_PREFIX = re.compile(r"^(?:A/RES/|R/)")


def label(name: str) -> str:
    """The readable label of a variable, or the name itself when none is defined; a dummy term
    of a labelled variable, 'un_group[African]', reads 'UN regional group: African'."""
    dummy = DUMMY.match(name)
    if dummy and dummy["name"] in LABELS:
        return f"{LABELS[dummy['name']]}: {dummy['level']}"
    return LABELS.get(name, name)


def short_symbol(symbol: str) -> str:
    """'A/RES/ES-11/1' -> 'ES-11/1' and 'A/RES/72/190' -> '72/190': one short form for every
    General Assembly text, whichever source wrote its symbol (the unvotes tables write
    'R/73/194')."""
    return SYMBOL_PREFIX.sub("", symbol)


def choice_label(value: str) -> str:
    """A multiverse choice value as a reader reads it; variables keep their own labels."""
    return CHOICE_LABELS.get(value, label(value))
