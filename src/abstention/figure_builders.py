"""Each paper figure from the workflow's result files: one builder per figure rule."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from abstention import figures
from abstention.countries import country_mapper
from abstention.map_layers import colour_by_sovereign, read_territories, small_state_markers
from abstention.readers.cow import read_cow_capitals
from abstention.readers.natural_earth import read_country_polygons

ES11_1 = "A/RES/ES-11/1"


def _es11(panel: pd.DataFrame) -> pd.DataFrame:
    return panel[panel["symbol"].str.startswith("A/RES/ES-11/")]


def tie_group(panel: pd.DataFrame, threshold: float) -> pd.Series:
    """Security-tie groups for the over-time figure: strongest tie first."""
    formal = (panel["csto_member"] >= 1) | (panel["russian_base"] >= 1)
    arms = panel["arms_share_russia"] >= threshold
    labels = pd.Series("other", index=panel.index)
    labels[arms] = f"Russian arms share >= {threshold:.0%}"
    labels[formal] = "CSTO member or Russian base"
    order = ["CSTO member or Russian base", f"Russian arms share >= {threshold:.0%}", "other"]
    return pd.Categorical(labels, categories=order)


def world_map(inputs, params) -> Figure:
    polygons = read_country_polygons(inputs["topojson"], inputs["codelist"])
    panel = pd.read_parquet(inputs["panel"])
    es11_1 = panel[panel["symbol"] == ES11_1]
    territories = read_territories(inputs["territories"])
    outlines = colour_by_sovereign(polygons, territories, es11_1["iso3"], inputs["territories"])
    capitals = read_cow_capitals(
        inputs["capitals"], country_mapper(inputs["codelist"]), es11_1["date"].iloc[0]
    )
    threshold = params["small_state_km2"]
    markers = small_state_markers(polygons, es11_1["iso3"], capitals, threshold)
    return figures.world_map_es11_1(outlines, es11_1, markers, threshold)


def vote_counts(inputs, params) -> Figure:
    return figures.vote_counts_by_resolution(_es11(pd.read_parquet(inputs["panel"])))


def alignment_arms(inputs, params) -> Figure:
    panel = pd.read_parquet(inputs["panel"])
    return figures.alignment_vs_arms(panel[panel["symbol"] == ES11_1], params["label_states"])


def marginal_effects(inputs, params) -> Figure:
    frames = [pd.read_csv(path).assign(model=name)
              for name, path in zip(params["models"], inputs["margins"], strict=True)]
    margins = pd.concat(frames)
    return figures.marginal_effects(margins[margins["term"].isin(params["terms"])])


def not_yes_curve(inputs, params) -> Figure:
    panel = pd.read_parquet(inputs["panel"])
    rug = panel.loc[panel["symbol"] == ES11_1, "arms_share_russia"]
    return figures.predicted_not_yes_curve(pd.read_csv(inputs["curve"]), rug=rug)


def israel(inputs, params) -> Figure:
    panel = _es11(pd.read_parquet(inputs["panel"]))
    weog = sorted(panel.loc[panel["un_group"] == "Western European and Others", "iso3"].unique())
    return figures.israel_path(panel, {"WEOG members": weog, "US allies": params["us_allies"]})


def over_time(inputs, params) -> Figure:
    panel = pd.read_parquet(inputs["panel"])
    panel = panel[~panel["iso3"].isin(params["exclude_states"])]
    return figures.abstention_over_time(
        panel.assign(tie_group=tie_group(panel, params["arms_threshold"])))


BUILDERS = {
    "figure_world_map": world_map,
    "figure_vote_counts": vote_counts,
    "figure_alignment_arms": alignment_arms,
    "figure_marginal_effects": marginal_effects,
    "figure_not_yes_curve": not_yes_curve,
    "figure_israel": israel,
    "figure_over_time": over_time,
}
