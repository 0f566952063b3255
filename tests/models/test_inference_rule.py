"""No result table reports Wald inference for a separated term or one on too few informative
clusters: the rule on planted tables, and on every table the workflow writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abstention.models.inference_rule import wald_violations


def table(**columns):
    base = {"term": ["tie", "x"], "estimate": [0.5, 0.1], "std_error": [np.nan, 0.05],
            "p": [np.nan, 0.04], "ci_low": [np.nan, 0.0], "ci_high": [np.nan, 0.2],
            "separated": [False, False], "few_clusters": [True, False]}
    return pd.DataFrame({**base, **columns})


def test_a_flagged_term_without_inference_passes():
    assert wald_violations(table()).empty


@pytest.mark.parametrize("planted", [
    {"p": [1e-30, 0.04]},
    {"ci_low": [0.4, 0.0], "ci_high": [0.6, 0.2]},
    {"few_clusters": [False, False], "separated": [True, False], "std_error": [0.73, 0.05]},
])
def test_a_planted_wald_number_on_a_flagged_term_is_found(planted):
    assert wald_violations(table(**planted))["term"].tolist() == ["tie"]


@pytest.mark.workflow
def test_no_result_table_reports_wald_inference_for_a_flagged_term(workflow_results):
    checked, found = 0, {}
    for path in sorted(workflow_results.rglob("*.csv")):
        frame = pd.read_csv(path)
        if {"separated", "few_clusters"} & set(frame.columns):
            checked += 1
            bad = wald_violations(frame)
            if not bad.empty:
                named = bad["term"] if "term" in bad else bad.iloc[:, 0]
                found[str(path.relative_to(workflow_results))] = named.tolist()[:5]
    assert checked >= 25 and found == {}


@pytest.mark.workflow
def test_h1_counts_of_treated_and_informative_states_recomputed_from_the_panel(workflow_results):
    """hypotheses.csv's H1 counts, recomputed from the panel: the dependent states in the
    model's sample, and of them the fewer of those that ever voted yes and those that ever
    withheld."""
    import json

    hypotheses = pd.read_csv(workflow_results / "models" / "hypotheses.csv")
    h1 = hypotheses[(hypotheses["hypothesis"] == "H1") & hypotheses["primary"]].iloc[0]
    spec = json.loads((workflow_results / "models" / h1["model"] / "fit.json").read_text())["spec"]
    panel = pd.read_parquet(workflow_results / "analysis" / "panel.parquet")
    rows = panel[panel["symbol"].isin(spec["resolutions"])
                 & ~panel["iso3"].isin(spec["exclude_states"])
                 & panel["not_yes"].notna() & (panel["security_dependence"] == 1)]
    yes_ever = rows.loc[rows["not_yes"] == 0, "iso3"].nunique()
    withheld_ever = rows.loc[rows["not_yes"] == 1, "iso3"].nunique()
    assert h1["n_treated"] == rows["iso3"].nunique()
    assert h1["n_informative"] == min(yes_ever, withheld_ever)
