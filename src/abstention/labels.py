"""Readable names for variables, shared by figures and tables so both say the same thing."""

from __future__ import annotations

LABELS: dict[str, str] = {
    "arms_share_russia": "Russian share of arms imports",
    "arms_tiv_russia_log": "Arms imports from Russia (log TIV)",
    "alliance_russia": "Defence pledge with Russia (ATOP)",
    "csto_member": "CSTO member",
    "russian_base": "Russian base or forces on territory",
    "wagner_presence": "Wagner Group present",
    "airspace_deconfliction": "Airspace deconfliction with Russia",
    "cis_member": "CIS member",
    "eaeu_member": "Eurasian Economic Union member",
    "exercises_russia": "Joint exercises with Russia",
    "no_arms_imports": "No major-arms imports",
    "dcad_russia": "Defence cooperation agreement with Russia (DCAD)",
    "dcad_russia_count": "Defence cooperation agreements with Russia (DCAD)",
    "occupation": "Russian forces without consent",
    "patronage": "Patronage (alliance, CSTO, base, Wagner)",
    "airspace_dependence": "Airspace dependence on Russia",
    "security_dependence": "Security dependence on Russia",
    "ideal_pre": "UN ideal point, before the arms window",
    "ideal_2021": "UN ideal point, 2021",
    "security_dependence_x_material_text": "Security dependence x material text",
    "security_dependence_x_separate_period": "Security dependence x 2024-2025",
    "material_text": "texts with material consequences",
    "separate_period": "texts of 2024-2025",
    "not_cosponsor": "Did not co-sponsor",
    "arms_share_russia_per_10pp": "Russian share of arms imports (per 10 points)",
    "trade_share_russia_per_10pp": "Russian share of trade (per 10 points)",
    "absent": "Absent",
    "agree_russia": "Vote agreement with Russia",
    "agree_usa": "Vote agreement with the US",
    "fh_total": "Freedom House total score",
    "polity2": "Polity2 score",
    "gdp_pc_log": "GDP per capita (log)",
    "pop_log": "Population (log)",
    "trade_share_russia": "Russian share of trade",
    "dist_moscow_log": "Distance from Moscow (log)",
    "former_ussr": "Former Soviet republic",
    "not_yes": "Did not vote yes",
    "cosponsor": "Co-sponsored",
    "abstain_or_absent": "Abstained or absent",
}


def label(name: str) -> str:
    """The readable label of a variable, or the name itself when none is defined."""
    return LABELS.get(name, name)
