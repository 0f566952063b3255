"""Each paper table from the model output files: one builder per table rule."""

from __future__ import annotations

import json

import pandas as pd

from abstention.tables import margins_table, regression_table

TABLES = {
    "table_main": {
        "models": ["pooled_logit", "es11_1_logit", "robust_firth", "pooled_ordered"],
        "caption": "Withholding support from the ES-11 resolutions: main models "
        "(logit coefficients; ordered logit on the support ladder).",
        "kind": "regression",
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
        return margins_table(frames, fit, spec["caption"], label)
    models = {n: (pd.read_csv(p), fit[n]) for n, p in zip(names, coefficients, strict=True)}
    return regression_table(models, spec["caption"], label, equation=None)
