"""Each paper table from the model output files: one builder per table rule."""

from __future__ import annotations

import json

import pandas as pd

from abstention.tables import margins_table, regression_table, tally_summary_table

TITLES = {
    "pooled_logit": "Pooled ES-11",
    "es11_1_logit": "ES-11/1",
    "robust_firth": "ES-11/1 Firth",
    "robust_lpm": "ES-11/1 LPM",
    "pooled_ordered": "Ladder",
    "es11_1_mnlogit": "ES-11/1",
    "cosponsor_all": "All states",
    "cosponsor_yes_voters": "Yes voters",
    "robust_polity": "Polity5",
    "robust_no_former_ussr": "No ex-USSR",
    "robust_without_african": "No African",
    "robust_without_asia_pacific": "No Asia-Pac.",
    "robust_without_eastern_european": "No East. Eur.",
    "robust_without_latin_american": "No GRULAC",
    "robust_without_weog": "No WEOG",
    "placebo_pooled": "Placebo",
}

TABLES = {
    "table_main": {
        "models": ["pooled_logit", "es11_1_logit", "robust_firth"],
        "caption": "Not voting yes on the ES-11 resolutions: logit coefficients, pooled over the "
        "six votes and for ES-11/1 alone.",
        "kind": "regression",
    },
    "table_vote_choice": {
        "models": ["es11_1_mnlogit", "pooled_ordered"],
        "caption": "Vote choice on ES-11/1 (multinomial logit, yes as base) and the support "
        "ladder over the six votes (ordered logit).",
        "kind": "equations",
    },
    "table_margins": {
        "models": ["pooled_logit", "robust_firth", "robust_lpm"],
        "caption": "Average marginal effects on the probability of not voting yes.",
        "kind": "margins",
    },
    "table_cosponsor": {
        "models": ["cosponsor_all", "cosponsor_yes_voters"],
        "caption": "Co-sponsorship of ES-11/1 among all states and among yes voters (logit).",
        "kind": "regression",
    },
    "table_robustness": {
        "models": [
            "robust_polity",
            "robust_no_former_ussr",
            "robust_without_african",
            "robust_without_asia_pacific",
            "robust_without_eastern_european",
            "robust_without_latin_american",
            "robust_without_weog",
            "placebo_pooled",
        ],
        "caption": "Robustness: ES-11/1 logits with another democracy measure, without former "
        "Soviet states, leaving out one regional group at a time, and a placebo on "
        "unrelated votes with similar support.",
        "kind": "regression",
    },
}


def build_table(rule: str, coefficients: list[str], margins: list[str], fits: list[str]) -> str:
    spec = TABLES[rule]
    names = spec["models"]
    fit = {
        n: json.loads(open(p, encoding="utf-8").read()) for n, p in zip(names, fits, strict=True)
    }
    label = f"tab:{rule.removeprefix('table_')}"
    if spec["kind"] == "margins":
        frames = {n: pd.read_csv(p) for n, p in zip(names, margins, strict=True)}
        return margins_table(frames, fit, spec["caption"], label, column_titles=TITLES)
    models = {n: (pd.read_csv(p), fit[n]) for n, p in zip(names, coefficients, strict=True)}
    if spec["kind"] == "equations":
        models = split_equations(models)
    titles = {name: TITLES.get(name, name) for name in models}
    return regression_table(models, spec["caption"], label, column_titles=titles,
                            equation=SHARED_EQUATION if spec["kind"] == "equations" else None)


SHARED_EQUATION = "shown"


def split_equations(models: dict[str, tuple[pd.DataFrame, dict]]) -> dict:
    """One column per equation of multi-equation models, so a multinomial logit's outcome
    categories sit side by side with the ordered logit's latent index."""
    columns = {}
    for name, (coefficients, fit) in models.items():
        for equation, rows in coefficients.groupby("equation", sort=False):
            base = TITLES.get(name, name)
            title = base if equation == "latent" else f"{base}: {equation}"
            columns[title] = (rows.assign(equation=SHARED_EQUATION), fit)
    return columns


def build_tally_table(tally_csv: str) -> str:
    tally = pd.read_csv(tally_csv, keep_default_na=False)
    return tally_summary_table(tally, "Recorded votes with official counts: lists against "
                               "official tallies, by body.", "tab:tally")
