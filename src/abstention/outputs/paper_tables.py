"""Each paper table from the result files, by the kind its config entry names."""

from __future__ import annotations

import json

import pandas as pd

from abstention.errors import DataError
from abstention.outputs.exhibit_tables import (
    codebook_table,
    effects_table,
    event_study_table,
    heterogeneity_table,
    hypotheses_table,
    israel_table,
    sensitivity_table,
    synthetic_table,
    within_table,
)
from abstention.outputs.latex import margins_table, regression_table, tally_summary_table

SHARED_EQUATION = "shown"


def _models(entry: dict, inputs) -> tuple[dict, dict, dict]:
    names = entry["models"]
    fits = {n: json.loads(open(p, encoding="utf-8").read())
            for n, p in zip(names, inputs.fits, strict=True)}
    coefficients = {n: pd.read_csv(p) for n, p in zip(names, inputs.coefficients, strict=True)}
    margins = {n: pd.read_csv(p) for n, p in zip(names, inputs.margins, strict=True)}
    return fits, coefficients, margins


def build_table(name: str, entry: dict, inputs, titles: dict[str, str]) -> str:
    """`entry` is the table's config entry; `inputs` its named input files."""
    label, caption, kind = f"tab:{name}", entry["caption"], entry["kind"]
    if kind == "tally":
        tally = pd.read_csv(inputs.tally, keep_default_na=False)
        return tally_summary_table(tally, caption, label)
    if kind == "hypotheses":
        randomisation = (pd.read_csv(inputs.randomisation)
                         if "randomisation" in entry["inputs"]
                         else None)
        fits, _, _ = _models(entry, inputs)
        return hypotheses_table(pd.read_csv(inputs.hypotheses), pd.read_csv(inputs.period_check),
                                caption, label, fits, randomisation)
    if kind == "heterogeneity":
        return heterogeneity_table(pd.read_csv(inputs.heterogeneity), caption, label)
    if kind == "sensitivity":
        return sensitivity_table(pd.read_csv(inputs.sensitivity), caption, label)
    if kind == "israel":
        return israel_table(pd.read_csv(inputs.israel), caption, label)
    if kind == "within":
        return within_table(pd.read_csv(inputs.within), caption, label)
    if kind == "event_study":
        return event_study_table(pd.read_csv(inputs.event_study_pretrends), caption, label)
    if kind == "israel_synthetic":
        summary = pd.read_csv(inputs.israel_synthetic_summary, parse_dates=["start", "end"])
        return synthetic_table(summary, caption, label)
    if kind == "codebook":
        return codebook_table(pd.read_csv(inputs.codebook, dtype={"year": str}), caption, label)
    fits, coefficients, margins = _models(entry, inputs)
    if kind == "margins":
        return margins_table(margins, fits, caption, label, column_titles=titles)
    if kind == "effects":
        return effects_table(margins, fits, entry["terms"], caption, label, titles)
    models = {n: (coefficients[n], fits[n]) for n in entry["models"]}
    if kind == "equations":
        models = split_equations(models, titles)
        return regression_table(models, caption, label, column_titles={n: n for n in models},
                                equation=SHARED_EQUATION)
    if kind == "regression":
        return regression_table(models, caption, label, column_titles=titles)
    raise DataError(f"config tables.registry.{name}", "kind", "a known table kind", kind)


def split_equations(models: dict[str, tuple[pd.DataFrame, dict]], titles: dict[str, str]
                    ) -> dict:
    """One column per equation of multi-equation models, so a multinomial logit's outcome
    categories sit side by side with single-equation models."""
    columns = {}
    for name, (coefficients, fit) in models.items():
        groups = coefficients.groupby(coefficients["equation"].astype(str), sort=False)
        for equation, rows in groups:
            base = titles.get(name, name)
            title = base if equation in ("latent", "1") else f"{base}: {equation}"
            columns[title] = (rows.assign(equation=SHARED_EQUATION), fit)
    return columns
