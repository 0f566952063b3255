"""Each paper figure from the workflow's result files: one builder per figure kind, named by the
figure's config entry (`figures.registry`)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from abstention.ingest.readers.cow import capitals_on
from abstention.ingest.readers.natural_earth import read_country_polygons
from abstention.outputs import figures
from abstention.outputs.map_layers import colour_by_sovereign, read_territories, small_state_markers

ES11_1 = "A/RES/ES-11/1"
WEOG = "Western European and Others"
SHARE_SCALE = 0.1  # shares are shown per 10 percentage points
# What opens each window of the synthetic comparison (config israel_synthetic.windows).
BOUNDARY_LABELS = {"during": "Russia enters Syria", "after": "Assad falls"}


def _es11(panel: pd.DataFrame) -> pd.DataFrame:
    return panel[panel["symbol"].str.startswith("A/RES/ES-11/")]


def tie_group(panel: pd.DataFrame) -> pd.Series:
    """Security-tie groups for the over-time figure: occupation apart from patronage, since
    states occupied by Russian forces have every reason to vote against Russia."""
    labels = pd.Series("no security dependence", index=panel.index)
    labels[panel["security_dependence"] == 1] = "dependence through arms only"
    labels[(panel["patronage"] == 1) | (panel["airspace_dependence"] == 1)] = \
        "patronage or airspace dependence"
    labels[panel["occupation"] == 1] = "Russian forces without consent"
    order = ["patronage or airspace dependence", "dependence through arms only",
             "Russian forces without consent", "no security dependence"]
    return pd.Categorical(labels, categories=order)


def world_map(inputs, params) -> Figure:
    polygons = read_country_polygons(inputs["topojson"], inputs["codelist"])
    panel = pd.read_parquet(inputs["panel"])
    es11_1 = panel[panel["symbol"] == ES11_1]
    territories = read_territories(inputs["territories"])
    outlines = colour_by_sovereign(polygons, territories, es11_1["iso3"], inputs["territories"])
    capitals = capitals_on(pd.read_parquet(inputs["capitals"]), es11_1["date"].iloc[0])
    threshold = params["small_state_km2"]
    markers = small_state_markers(polygons, es11_1["iso3"], capitals, threshold)
    return figures.world_map_es11_1(outlines, es11_1, markers, threshold)


def vote_counts(inputs, params) -> Figure:
    return figures.vote_counts_by_resolution(_es11(pd.read_parquet(inputs["panel"])))


def alignment_arms(inputs, params) -> Figure:
    panel = pd.read_parquet(inputs["panel"])
    return figures.alignment_vs_arms(panel[panel["symbol"] == ES11_1], params["label_states"])


def marginal_effects(inputs, params) -> Figure:
    """The ties' effects only (controls have their own scales); shares per 10 points."""
    titles = params["model_titles"]
    frames = [pd.read_csv(path).assign(model=titles.get(name, name))
              for name, path in zip(params["models"], inputs["margins"], strict=True)]
    margins = pd.concat(frames)
    margins = margins[margins["term"].isin(params["terms"])].copy()
    shares = margins["term"].isin(figures.SHARE_VARIABLES)
    margins.loc[shares, ["estimate", "ci_low", "ci_high"]] *= SHARE_SCALE
    margins.loc[shares, "term"] = margins.loc[shares, "term"] + "_per_10pp"
    return figures.marginal_effects(margins)


def hypotheses(inputs, params) -> Figure:
    """Primary quantities and their components; base rates sit on another scale."""
    table = pd.concat([pd.read_csv(inputs["hypotheses"]), pd.read_csv(inputs["period_check"])])
    # An AME entry has a delta-method and a bootstrap row; the figure shows the primary one.
    pair = table["quantity"].isin(["ame", "ame_bootstrap"])
    table = table[~pair | table["primary"].astype(bool)]
    table = table[~table["quantity"].str.startswith("base_")]
    table = table.assign(component=~table["primary"].astype(bool))
    return figures.hypothesis_quantities(table.sort_values(["hypothesis", "component"],
                                                           kind="stable"))


def heterogeneity(inputs, params) -> Figure:
    return figures.per_text_effects(pd.read_csv(inputs["heterogeneity"]))


def israel(inputs, params) -> Figure:
    panel = _es11(pd.read_parquet(inputs["panel"]))
    weog = sorted(set(panel.loc[panel["un_group"] == WEOG, "iso3"]) - {"ISR"})
    allies = sorted(set(params["us_allies"]) - set(weog))
    return figures.israel_path(panel, {"WEOG without Israel": weog,
                                       "US treaty allies outside WEOG": allies})


def over_time(inputs, params) -> Figure:
    panel = pd.read_parquet(inputs["panel"])
    panel = panel[~panel["iso3"].isin(params["exclude_states"])]
    return figures.abstention_over_time(panel.assign(tie_group=tie_group(panel)))


def specification_curve(inputs, params) -> Figure:
    """The choices are the columns between the estimand and the estimate (multiverse.COLUMNS)."""
    table = pd.read_parquet(inputs["multiverse"])
    columns = list(table.columns)
    choices = columns[columns.index("estimand") + 1:columns.index("estimate")]
    return figures.specification_curve(table, choices)


def _patrons_in_order(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The rows by patron in the order the paper names them (Russia first, then any other),
    and the name each patron's panel carries."""
    from abstention.panel.within_settings import PATRON_NAMES, patron_name

    order = [*PATRON_NAMES, *sorted(set(table["patron"]) - set(PATRON_NAMES))]
    ordered = table.assign(patron=pd.Categorical(table["patron"], order))
    return (ordered.sort_values("patron", kind="stable"),
            {patron: patron_name(patron) for patron in order})


def within_effects(inputs, params) -> Figure:
    """The main tie's within-state effects on each withholding outcome, both designs."""
    from abstention.outputs.exhibit_tables import WITHIN_OUTCOMES, main_fit

    table = pd.read_csv(inputs["within"])
    tie, design = main_fit(table)
    table = table[(table["tie"] == tie) & table["outcome"].isin(WITHIN_OUTCOMES)]
    table = table.assign(outcome=pd.Categorical(table["outcome"].map(WITHIN_OUTCOMES),
                                                list(WITHIN_OUTCOMES.values())),
                         main=table["design"] == design,
                         design=table["design"].str.replace("_", " "))
    return figures.within_effects(*_patrons_in_order(table))


def within_multiverse(inputs, params) -> Figure:
    """Every within-state specification of each patron's main tie."""
    from abstention.outputs.exhibit_tables import WITHIN_OUTCOMES

    table = pd.read_csv(inputs["within_multiverse"])
    table = table.assign(outcome=pd.Categorical(table["outcome"].map(WITHIN_OUTCOMES),
                                                list(WITHIN_OUTCOMES.values())))
    return figures.within_multiverse(*_patrons_in_order(table))


def event_study(inputs, params) -> Figure:
    return figures.event_study(pd.read_csv(inputs["event_study"]),
                               pd.read_csv(inputs["event_study_pretrends"]))


def israel_synthetic(inputs, params) -> Figure:
    """Israel against synthetic Israel; each window opens on the first day of its first unit
    (a year a window opens in is split there)."""
    paths = pd.read_csv(inputs["israel_synthetic"], parse_dates=["start", "end"])
    placebos = pd.read_csv(inputs["israel_synthetic_placebos"])
    opens = paths.groupby("window")["start"].min()
    boundaries = {name: opens[window] for window, name in BOUNDARY_LABELS.items()
                  if window in opens.index}
    return figures.synthetic_comparison(paths, placebos, boundaries)


BUILDERS = {
    "world_map": world_map,
    "vote_counts": vote_counts,
    "alignment_arms": alignment_arms,
    "marginal_effects": marginal_effects,
    "hypotheses": hypotheses,
    "heterogeneity": heterogeneity,
    "israel": israel,
    "over_time": over_time,
    "specification_curve": specification_curve,
    "within_effects": within_effects,
    "within_multiverse": within_multiverse,
    "event_study": event_study,
    "israel_synthetic": israel_synthetic,
}
