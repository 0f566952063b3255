"""The paper's figures: each takes tidy tables and returns a Figure; `style.save_figure` writes it.

No function here reads or writes files, so a figure can be rebuilt from any
table with the documented columns, including the small synthetic ones the
tests use.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.ticker import PercentFormatter
from matplotlib.transforms import Bbox

from abstention.errors import DataError
from abstention.labels import choice_label, label, short_symbol
from abstention.models.common import Z_TWO_SIDED_5
from abstention.outputs.projection import cut_at_antimeridian, equal_earth
from abstention.outputs.style import (
    COSPONSOR_COLOUR,
    COSPONSOR_EDGE,
    COSPONSOR_HATCH,
    FOCAL_COLOUR,
    FULL_WIDTH,
    NO_DATA_COLOUR,
    SERIES_COLOURS,
    SERIES_MARKERS,
    SINGLE_COLUMN,
    VOTE_COLOURS,
    VOTE_LABELS,
    VOTE_MARKERS,
    VOTE_ORDER,
    styled,
)
from abstention.vote_codes import NO_RIGHT_TO_VOTE

INVASION_DATE = pd.Timestamp("2022-02-24")
SHARE_VARIABLES = frozenset({"arms_share_russia", "trade_share_russia"})
MAP_SOUTH_LIMIT = -58.0  # degrees latitude: crops Antarctica, which casts no vote
SMALL_STATE_MARKER_SIZE = 9.0  # points squared: a dot about 3 points across
LABEL_ITERATIONS = 500  # adjustText steps; a dozen labels settle in far fewer
LABEL_MARGIN = (1.3, 1.8)  # a label's box, widened and heightened, keeps clear of markers
LABEL_RINGS = 60  # rings round a point searched for a free spot, one label height apart
RING_DIRECTIONS = ((1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1))
LEADER_COLOUR = "#777777"
SHARE_MARGIN = 0.05  # room beyond 0 and 100 %, so markers there are drawn whole


def _require(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    columns = list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError(None, what, f"columns {columns}", f"missing {missing}")
    if "vote" in columns:
        unknown = sorted(map(str, table.loc[~table["vote"].isin(VOTE_ORDER), "vote"].unique()))
        if unknown:
            raise DataError(None, f"{what}.vote", f"one of {list(VOTE_ORDER)}", unknown)


def _in_order(values: pd.Series) -> list:
    """Categories in their declared order if categorical, otherwise in order of appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [c for c in values.cat.categories if (values == c).any()]
    return list(dict.fromkeys(values))


def _resolutions(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per resolution, in date order, with a short axis label."""
    res = panel[["res_id", "symbol", "date"]].drop_duplicates("res_id")
    res = res.assign(date=pd.to_datetime(res["date"])).sort_values(["date", "symbol"])
    return res.assign(short=res["symbol"].map(short_symbol)).reset_index(drop=True)


def _resolution_axis(ax: Axes, res: pd.DataFrame) -> None:
    ax.set_xticks(
        np.arange(len(res)),
        [f"{row.short}\n{row.date:%b %Y}" for row in res.itertuples(index=False)],
    )
    ax.set_xlim(-0.5, len(res) - 0.5)
    ax.tick_params(axis="x", length=0, labelrotation=90 if len(res) > 6 else 0)


def _series(i: int) -> dict[str, str]:
    """Colour and marker of the i-th line that is not a vote category (model, group)."""
    return {
        "color": SERIES_COLOURS[i % len(SERIES_COLOURS)],
        "marker": SERIES_MARKERS[i % len(SERIES_MARKERS)],
    }


def _vote_points(ax: Axes, x, y, vote: str, name: str, **look) -> None:
    """Points in the vote's own colour and marker, the same in every figure and legend."""
    ax.scatter(x, y, color=VOTE_COLOURS[vote], marker=VOTE_MARKERS[vote], label=name, **look)


def _as_percent(axis: Axis) -> None:
    """Shares and probabilities are stored as 0..1 and read as percentages."""
    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _states(count: int) -> str:
    """A count for a legend that says what it counts."""
    return f"{count} state" if count == 1 else f"{count} states"


def _text_colour(background: str) -> str:
    """Black or white, whichever reads better on the background (WCAG relative luminance)."""
    channels = np.array(to_rgb(background))
    linear = np.where(channels <= 0.03928, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return "black" if linear @ np.array([0.2126, 0.7152, 0.0722]) > 0.179 else "white"


def _place_point_labels(ax: Axes, names: list[Text], points: np.ndarray) -> None:
    """Move each label (drawn at its own point, outside the layout) clear of the other labels
    and of `points` (data x, y), and tie it to its point with a leader line. adjustText does
    the placing; as it is a heuristic, a label it leaves on another label, on a point or past
    the axes moves to the nearest free spot round its point. Call last: positions depend on
    the final axes size. A fixed iteration count, not adjustText's default time limit, gives
    the same figure on every run."""
    if not names:
        return
    # Imported here: adjustText brings scipy.spatial (0.2 s), which no other figure needs.
    from adjustText import adjust_text

    ax.set(xlim=ax.get_xlim(), ylim=ax.get_ylim())  # fixed, so leader lines cannot rescale
    own_points = np.array([name.get_position() for name in names], dtype=float)
    adjust_text(names, x=points[:, 0], y=points[:, 1], ax=ax, iter_lim=LABEL_ITERATIONS,
                expand=LABEL_MARGIN)
    ax.get_figure().draw_without_rendering()
    to_display, to_data = ax.transData, ax.transData.inverted()
    avoid = to_display.transform(points)
    placed: list[Bbox] = []
    for name, own in zip(names, to_display.transform(own_points), strict=True):
        box = name.get_window_extent()
        if not _fits(box, placed, avoid, ax.bbox):
            box = _free_spot(box, own, placed, avoid, ax.bbox, name.get_text())
            name.set(position=to_data.transform(box.min + box.size / 2),
                     horizontalalignment="center", verticalalignment="center")
        placed.append(box)
    for name, own in zip(names, own_points, strict=True):
        ax.add_patch(FancyArrowPatch(name.get_position(), own, patchA=name, arrowstyle="-",
                                     shrinkB=2, color=LEADER_COLOUR, linewidth=0.4))


def _fits(box: Bbox, taken: list[Bbox], avoid: np.ndarray, inside: Bbox) -> bool:
    """Whether `box` lies inside `inside`, overlaps no box in `taken` and covers none of the
    points `avoid` (an empty `avoid` lets it cover points)."""
    return (inside.contains(*box.min) and inside.contains(*box.max)
            and not any(box.overlaps(other) for other in taken)
            and not box.count_contains(avoid))


def _free_spot(box: Bbox, point: np.ndarray, taken: list[Bbox], avoid: np.ndarray,
               inside: Bbox, text: str) -> Bbox:
    """The first spot for `box` on rings round `point` (display units, nearest ring first)
    that fits: clear of the points `avoid` if any spot is, else only of the boxes `taken`."""
    width, height = box.size
    for points in (avoid, avoid[:0]):
        for ring in range(1, LABEL_RINGS + 1):
            for dx, dy in RING_DIRECTIONS:
                centre = point + (dx * (width / 2 + ring * height), dy * (ring + 0.5) * height)
                spot = Bbox.from_bounds(*(centre - box.size / 2), width, height)
                if _fits(spot, taken, points, inside):
                    return spot
    raise DataError(None, "figures.label_states", "labels that fit in the axes apart", text)


def _country_path(polygons: Sequence[Sequence[np.ndarray]]) -> MplPath:
    rings = [
        MplPath(equal_earth(piece), closed=True)
        for rings in polygons
        for ring in rings
        for piece in cut_at_antimeridian(ring)
    ]
    return MplPath.make_compound_path(*rings)


@styled
def world_map_es11_1(
    outlines: pd.DataFrame,
    panel_es11_1: pd.DataFrame,
    markers: pd.DataFrame,
    small_state_km2: float,
) -> Figure:
    """Map of the ES-11/1 vote, co-sponsors hatched, small states also marked by a dot.

    `outlines` has colour_iso3 (the member whose vote fills the outline, missing for
    grey) and polygons; `panel_es11_1` has one row per member state: iso3, vote,
    cosponsor; `markers` has iso3, lon, lat for the members drawn as a dot as well,
    those smaller than `small_state_km2` or without an outline. A co-sponsor's dot
    has a black ring, since hatching does not show at that size. The legend lists the
    votes cast, each with its number of states; each layer carries its legend entry's label.
    """
    _require(outlines, ["colour_iso3", "polygons"], "outlines")
    _require(panel_es11_1, ["iso3", "vote", "cosponsor"], "panel_es11_1")
    _require(markers, ["iso3", "lon", "lat"], "markers")
    repeated = sorted(panel_es11_1.loc[panel_es11_1["iso3"].duplicated(), "iso3"].unique())
    if repeated:
        raise DataError(None, "panel_es11_1.iso3", "one row per member state", repeated)
    votes = panel_es11_1.set_index("iso3")
    strangers = sorted(set(markers["iso3"]) - set(votes.index))
    if strangers:
        raise DataError(None, "markers.iso3", "member states in panel_es11_1", strangers)
    shapes = outlines.assign(
        vote=outlines["colour_iso3"].map(votes["vote"]).fillna("no data"),
        cosponsor=outlines["colour_iso3"].map(votes["cosponsor"]).fillna(0).astype(bool),
        path=outlines["polygons"].map(_country_path),
    )
    counts = panel_es11_1["vote"].value_counts()
    names = {"no data": "Not a member or no vote data"} | {
        vote: f"{VOTE_LABELS[vote]} ({_states(counts.get(vote, 0))})" for vote in VOTE_ORDER
    }
    sponsor_name = f"Co-sponsor ({_states(int(panel_es11_1['cosponsor'].sum()))})"
    dot_name = (
        f"Under {small_state_km2:,.0f} km\N{SUPERSCRIPT TWO} ({_states(len(markers))});"
        " ringed if co-sponsor"
    )
    fig = Figure(figsize=(FULL_WIDTH, 3.6), layout="constrained")
    ax = fig.add_subplot()
    fills = {"no data": NO_DATA_COLOUR} | VOTE_COLOURS
    for vote, colour in fills.items():
        paths = shapes.loc[shapes["vote"] == vote, "path"]
        if not paths.empty:
            ax.add_collection(
                PatchCollection(
                    [PathPatch(p) for p in paths],
                    facecolor=colour,
                    edgecolor="white",
                    linewidth=0.2,
                    label=names[vote],
                )
            )
    hatched = {"edgecolor": COSPONSOR_EDGE, "hatch": COSPONSOR_HATCH, "linewidth": 0.3}
    sponsors = shapes.loc[shapes["cosponsor"], "path"]
    if not sponsors.empty:
        ax.add_collection(
            PatchCollection(
                [PathPatch(p) for p in sponsors], facecolor="none", **hatched, label=sponsor_name
            )
        )
    dots = markers.assign(
        vote=markers["iso3"].map(votes["vote"]),
        cosponsor=markers["iso3"].map(votes["cosponsor"]).astype(bool),
    ).sort_values("cosponsor", kind="stable")
    at = equal_earth(dots[["lon", "lat"]].to_numpy(dtype=float).reshape(-1, 2))
    ax.scatter(
        at[:, 0],
        at[:, 1],
        s=SMALL_STATE_MARKER_SIZE,
        c=dots["vote"].map(VOTE_COLOURS).tolist(),
        edgecolors=np.where(dots["cosponsor"], COSPONSOR_EDGE, "white").tolist(),
        linewidths=np.where(dots["cosponsor"], 0.7, 0.3),
        zorder=3,
        label=dot_name,
    )
    corner = equal_earth(np.array([[180.0, 0.0], [0.0, MAP_SOUTH_LIMIT], [0.0, 90.0]]))
    ax.set_xlim(-corner[0, 0], corner[0, 0])
    ax.set_ylim(corner[1, 1], corner[2, 1])
    ax.set_aspect("equal")
    ax.set_axis_off()
    handles = [
        Patch(facecolor=VOTE_COLOURS[v], label=names[v]) for v in VOTE_ORDER if counts.get(v, 0)
    ]
    handles += [
        Patch(facecolor="none", **hatched, label=sponsor_name),
        Patch(facecolor=NO_DATA_COLOUR, label=names["no data"]),
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=4,
            markerfacecolor="white",
            markeredgecolor=COSPONSOR_EDGE,
            markeredgewidth=0.7,
            label=dot_name,
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3)
    return fig


@styled
def vote_counts_by_resolution(panel: pd.DataFrame) -> Figure:
    """Stacked vote counts per resolution, with the number of co-sponsors beside each stack;
    a text without a sponsor list (cosponsor missing throughout) says so instead of showing 0.

    `panel`: one row per member state x resolution: res_id, symbol, date, vote, cosponsor.
    """
    _require(panel, ["res_id", "symbol", "date", "vote", "cosponsor"], "panel")
    res = _resolutions(panel)
    counts = pd.crosstab(panel["res_id"], panel["vote"]).reindex(
        index=res["res_id"], columns=list(VOTE_ORDER), fill_value=0
    )
    sponsors = panel.groupby("res_id")["cosponsor"].sum(min_count=1).reindex(res["res_id"])
    fig = Figure(figsize=(FULL_WIDTH, 3.0), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(res))
    width = 0.38
    bottom = np.zeros(len(res))
    for vote in VOTE_ORDER:
        heights = counts[vote].to_numpy()
        bars = ax.bar(
            x - width / 2,
            heights,
            width,
            bottom=bottom,
            color=VOTE_COLOURS[vote],
            label=VOTE_LABELS[vote],
        )
        ax.bar_label(
            bars,
            labels=[str(h) if h >= 12 else "" for h in heights],
            label_type="center",
            fontsize=6,
            color=_text_colour(VOTE_COLOURS[vote]),
        )
        bottom += heights
    bars = ax.bar(
        x + width / 2, sponsors.fillna(0).to_numpy(), width, color=COSPONSOR_COLOUR,
        label="Co-sponsors",
    )
    listed = sponsors.notna().to_numpy()
    ax.bar_label(bars, labels=np.where(listed, sponsors.map("{:g}".format), ""), padding=1,
                 fontsize=6)
    ax.bar_label(bars, labels=np.where(listed, "", "no list"), padding=1, fontsize=6, rotation=90)
    _resolution_axis(ax, res)
    ax.set_ylabel("Member states")
    fig.legend(loc="outside upper center", ncols=3)
    return fig


@styled
def alignment_vs_arms(panel_es11_1: pd.DataFrame, label_iso3: list[str]) -> Figure:
    """Prior alignment against Russian arms share, one marker per ES-11/1 vote.

    `panel_es11_1`: iso3, name, vote, arms_share_russia, ideal_pre (alignment before the
    arms window, so measured before the ties). States with either value missing are not
    drawn (and not labelled; the legend title counts them); a label for a state absent from
    the table is an error.
    """
    x_name, y_name = "arms_share_russia", "ideal_pre"
    _require(panel_es11_1, ["iso3", "name", "vote", x_name, y_name], "panel_es11_1")
    unknown = sorted(set(label_iso3) - set(panel_es11_1["iso3"]))
    if unknown:
        raise DataError(None, "label_iso3", "ISO3 codes present in panel_es11_1", unknown)
    data = panel_es11_1.dropna(subset=[x_name, y_name])
    fig = Figure(figsize=(FULL_WIDTH, 3.6), layout="constrained")
    ax = fig.add_subplot()
    for vote in VOTE_ORDER:
        group = data[data["vote"] == vote]
        if group.empty:
            continue
        _vote_points(ax, group[x_name], group[y_name], vote,
                     f"{VOTE_LABELS[vote]} ({_states(len(group))})",
                     s=16, edgecolors="white", linewidths=0.3, alpha=0.85)
    labelled = data[data["iso3"].isin(label_iso3)]
    names = [
        ax.text(x, y, name, fontsize=6, in_layout=False)
        for x, y, name in zip(labelled[x_name], labelled[y_name], labelled["name"], strict=True)
    ]
    if x_name in SHARE_VARIABLES:
        _as_percent(ax.xaxis)
    ax.set_xlabel(label(x_name))
    ax.set_ylabel(label(y_name))
    undrawn = panel_es11_1.loc[~panel_es11_1.index.isin(data.index), "name"].tolist()
    # A few missing states are named, so a count in the legend can be checked against the text.
    missing = ", ".join(undrawn) if len(undrawn) <= 3 else _states(len(undrawn))
    title = "ES-11/1 vote" + (f"\nnot drawn, no data:\n{missing}" if undrawn else "")
    fig.legend(title=title, loc="outside right upper")
    _place_point_labels(ax, names, data[[x_name, y_name]].to_numpy(dtype=float))
    return fig


@styled
def marginal_effects(margins: pd.DataFrame) -> Figure:
    """Average marginal effects with intervals, terms down the side, one marker per model.

    `margins`: model, term, estimate, ci_low, ci_high, and optionally equation
    (one panel per equation, e.g. the outcomes of a multinomial model; a missing
    equation is the single outcome of a binary model).
    """
    _require(margins, ["model", "term", "estimate", "ci_low", "ci_high"], "margins")
    equation = margins["equation"] if "equation" in margins else pd.Series("", margins.index)
    data = margins.assign(equation=equation.fillna("").astype(str))
    equations = _in_order(data["equation"])
    terms = _in_order(data["term"])
    models = _in_order(data["model"])
    position = {term: i for i, term in enumerate(terms)}
    step = min(0.8 / len(models), 0.2)
    offsets = (np.arange(len(models)) - (len(models) - 1) / 2) * step
    width = FULL_WIDTH if len(equations) > 1 else SINGLE_COLUMN * 1.6
    fig = Figure(figsize=(width, 0.9 + 0.3 * len(terms)), layout="constrained")
    axes = fig.subplots(1, len(equations), sharey=True, squeeze=False)[0]
    handles = {}
    for ax, eq in zip(axes, equations, strict=True):
        for i, model in enumerate(models):
            rows = data[(data["equation"] == eq) & (data["model"] == model)]
            if rows.empty:
                continue
            handles[model] = ax.errorbar(
                rows["estimate"],
                rows["term"].map(position) + offsets[i],
                xerr=[rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]],
                **_series(i),
                linestyle="none",
                markersize=3.5,
                elinewidth=1.0,
                capsize=0,
                label=model,
            )
        ax.axvline(0, color="#777777", linewidth=0.6, linestyle=":")
        if len(equations) > 1:
            ax.set_title(eq)
        ax.set_xlabel("Average marginal effect")
        ax.grid(axis="x")
    axes[0].set_yticks(np.arange(len(terms)), [label(t) for t in terms])
    axes[0].set_ylim(len(terms) - 0.5, -0.5)
    fig.legend(
        [handles[m] for m in models if m in handles],
        [m for m in models if m in handles],
        loc="outside lower center",
        ncols=min(len(models), 3),
    )
    return fig


@styled
def predicted_not_yes_curve(
    curve: pd.DataFrame, rug: Iterable[float] | None = None, x: str = "arms_share_russia"
) -> Figure:
    """Predicted probability of not voting yes over one predictor, with its confidence band.

    `curve`: the predictor column `x` (a grid), prob, ci_low, ci_high. `rug`: observed
    values of the predictor, drawn as ticks along the bottom to show where data are thin.
    """
    _require(curve, [x, "prob", "ci_low", "ci_high"], "curve")
    data = curve.sort_values(x)
    colour = SERIES_COLOURS[0]
    fig = Figure(figsize=(SINGLE_COLUMN, 2.6), layout="constrained")
    ax = fig.add_subplot()
    ax.fill_between(data[x], data["ci_low"], data["ci_high"], color=colour, alpha=0.25, linewidth=0)
    ax.plot(data[x], data["prob"], color=colour)
    if rug is not None:
        values = np.asarray(list(rug), dtype=float)
        ax.vlines(
            values[~np.isnan(values)],
            0,
            0.04,
            transform=ax.get_xaxis_transform(),
            color=FOCAL_COLOUR,
            linewidth=0.4,
            alpha=0.6,
        )
    ax.set_ylim(0, 1)
    if x in SHARE_VARIABLES:
        _as_percent(ax.xaxis)
    _as_percent(ax.yaxis)
    ax.set_xlabel(label(x))
    ax.set_ylabel("Pr(did not vote yes)")
    return fig


@styled
def israel_path(panel: pd.DataFrame, peers: dict[str, list[str]], focal: str = "ISR") -> Figure:
    """The focal state's vote and co-sponsorship per resolution against its peer groups.

    `panel`: iso3, name, res_id, symbol, date, vote, cosponsor. `peers` maps a group
    name to its ISO3 codes; the focal state is left out of every group's share.
    The focal state's points are 1 (voted yes / co-sponsored) or 0, marked by its vote in
    both panels, so that one legend entry per vote describes every point drawn for it.
    """
    _require(panel, ["iso3", "name", "res_id", "symbol", "date", "vote", "cosponsor"], "panel")
    res = _resolutions(panel)
    focal_rows = panel[panel["iso3"] == focal].set_index("res_id").reindex(res["res_id"])
    if focal_rows["vote"].isna().any():
        missing = res.loc[focal_rows["vote"].isna().to_numpy(), "symbol"].tolist()
        raise DataError(None, f"panel[iso3 == {focal!r}]", "a row for every resolution", missing)
    focal_name = str(focal_rows["name"].iloc[0])
    x = np.arange(len(res))
    fig = Figure(figsize=(FULL_WIDTH, 2.9), layout="constrained")
    ax_yes, ax_cos = fig.subplots(1, 2, sharey=True)
    for i, (group, members) in enumerate(peers.items()):
        rows = panel[panel["iso3"].isin(set(members) - {focal})]
        if rows.empty:
            raise DataError(None, f"peers[{group!r}]", "member states present in panel", members)
        shares = (
            rows.assign(yes=rows["vote"].eq("yes"))
            .groupby("res_id")[["yes", "cosponsor"]]
            .mean()
            .reindex(res["res_id"])
        )
        size = _states(rows["iso3"].nunique())
        line = _series(i) | {"markersize": 3.5, "label": f"{group} ({size})"}
        ax_yes.plot(x, shares["yes"].to_numpy(), **line)
        ax_cos.plot(x, shares["cosponsor"].to_numpy(), **line)
    focal_paths = {
        ax_yes: focal_rows["vote"].eq("yes").astype(float).to_numpy(),
        ax_cos: focal_rows["cosponsor"].astype(float).to_numpy(),
    }
    for ax, path in focal_paths.items():
        ax.plot(x, path, color=FOCAL_COLOUR, linewidth=0.8, zorder=3)
        for vote in VOTE_ORDER:
            at = focal_rows["vote"].eq(vote).to_numpy() & ~np.isnan(path)
            if at.any():
                _vote_points(ax, x[at], path[at], vote,
                             f"{focal_name}: {VOTE_LABELS[vote].lower()}",
                             s=36, edgecolors=FOCAL_COLOUR, linewidths=0.6, zorder=4)
    for ax, title in ((ax_yes, "Voted yes"), (ax_cos, "Co-sponsored")):
        _resolution_axis(ax, res)
        ax.set_title(title)
        ax.set_ylim(-SHARE_MARGIN, 1 + SHARE_MARGIN)
        _as_percent(ax.yaxis)
    ax_yes.set_ylabel("Share of group")
    fig.legend(*ax_yes.get_legend_handles_labels(), loc="outside lower center", ncols=4)
    return fig


@styled
def abstention_over_time(votes_long: pd.DataFrame) -> Figure:
    """Share of each security-tie group not voting yes on every Ukraine vote, at the real vote
    dates (markers only: the votes are irregularly spaced). States that had lost their vote are
    left out of the share.

    `votes_long`: iso3, res_id, symbol, date, vote, tie_group (one row per member
    state x vote; a categorical tie_group fixes the legend order). A state without the
    right to vote (Article 19) is left out of that vote's share.
    """
    _require(votes_long, ["iso3", "res_id", "symbol", "date", "vote", "tie_group"], "votes_long")
    vote = votes_long["vote"]
    data = votes_long.assign(
        date=pd.to_datetime(votes_long["date"]),
        withheld=vote.isin(["abstain", "absent", "no"]).astype(float).where(
            vote != NO_RIGHT_TO_VOTE),
    )
    fig = Figure(figsize=(FULL_WIDTH, 2.8), layout="constrained")
    ax = fig.add_subplot()
    for i, group in enumerate(_in_order(data["tie_group"])):
        rows = data[data["tie_group"] == group]
        share = rows.groupby(["date", "res_id"], as_index=False)["withheld"].mean()
        ax.plot(
            share["date"],
            share["withheld"],
            **_series(i),
            markersize=3.5,
            linestyle="none",
            alpha=0.9,
            label=f"{group} ({_states(rows['iso3'].nunique())})",
        )
    ax.axvline(INVASION_DATE, color="#777777", linewidth=0.7, linestyle=":")
    ax.annotate(
        "Full-scale invasion",
        (INVASION_DATE, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(0, 2),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=6,
        color="#555555",
    )
    ax.set_ylim(-SHARE_MARGIN, 1 + SHARE_MARGIN)
    _as_percent(ax.yaxis)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_ylabel("Did not vote yes")
    fig.legend(title="Security ties to Russia", loc="outside right upper")
    return fig


@styled
def hypothesis_quantities(quantities: pd.DataFrame) -> Figure:
    """One panel per hypothesis: its primary quantity and components with 95 % intervals.

    `quantities`: hypothesis, label, estimate, ci_low, ci_high, primary (rows in display
    order; the primary row of each panel is drawn in the focal colour).
    """
    _require(quantities, ["hypothesis", "label", "estimate", "ci_low", "ci_high", "primary"],
             "quantities")
    panels = _in_order(quantities["hypothesis"])
    heights = [quantities["hypothesis"].eq(h).sum() for h in panels]
    fig = Figure(figsize=(FULL_WIDTH, 0.8 + 0.32 * sum(heights)), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, hypothesis in zip(axes, panels, strict=True):
        rows = quantities[quantities["hypothesis"] == hypothesis].reset_index(drop=True)
        y = np.arange(len(rows))
        colours = [FOCAL_COLOUR if primary else SERIES_COLOURS[0] for primary in rows["primary"]]
        ax.errorbar(rows["estimate"], y, xerr=[rows["estimate"] - rows["ci_low"],
                                                rows["ci_high"] - rows["estimate"]],
                    fmt="none", ecolor=colours, elinewidth=1.0)
        ax.scatter(rows["estimate"], y, color=colours, s=14, zorder=3)
        ax.axvline(0, color="#777777", linewidth=0.6, linestyle=":")
        ax.set_yticks(y, rows["label"])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_title(hypothesis, loc="left", fontsize=8)
        ax.grid(axis="x")
    axes[-1].set_xlabel(
        "Estimate (probability scale;\nrelative effects as multiples of the base rate)")
    return fig


@styled
def per_text_effects(effects: pd.DataFrame) -> Figure:
    """Per-text average marginal effects with intervals, one panel per tie measure, texts at
    their vote dates; separated or failed fits are marked, not drawn as numbers, and an
    estimate without inference (too few states on one side of the outcome) is an open circle.

    `effects`: symbol, date, term, estimate, ci_low, ci_high, status, separated, few_clusters.
    """
    _require(effects, ["symbol", "date", "term", "estimate", "ci_low", "ci_high", "status"],
             "effects")
    terms = _in_order(effects["term"])
    fig = Figure(figsize=(FULL_WIDTH, 1.0 + 1.9 * len(terms)), layout="constrained")
    axes = fig.subplots(len(terms), 1, sharex=True, squeeze=False)[:, 0]
    for ax, term in zip(axes, terms, strict=True):
        rows = effects[effects["term"] == term].assign(date=lambda d: pd.to_datetime(d["date"]))
        estimated = rows["status"].eq("ok") & ~rows["separated"].fillna(False).astype(bool)
        few = estimated & rows["few_clusters"].fillna(False).astype(bool)
        shown = rows[estimated & ~few]
        ax.errorbar(shown["date"], shown["estimate"],
                    yerr=[shown["estimate"] - shown["ci_low"],
                          shown["ci_high"] - shown["estimate"]],
                    fmt="o", color=SERIES_COLOURS[0], markersize=3, elinewidth=0.8)
        ax.scatter(rows.loc[few, "date"], rows.loc[few, "estimate"], marker="o",
                   facecolors="none", edgecolors=SERIES_COLOURS[0], s=12,
                   label="few states on one side: no interval" if few.any() else None)
        skipped = rows[~estimated]
        ax.scatter(skipped["date"], np.zeros(len(skipped)), marker="x", color=FOCAL_COLOUR, s=14,
                   label="not estimable / separated" if len(skipped) else None)
        ax.axhline(0, color="#777777", linewidth=0.6, linestyle=":")
        ax.axvline(INVASION_DATE, color="#777777", linewidth=0.6, linestyle="--")
        ax.set_title(label(term), loc="left", fontsize=8)
        ax.set_ylabel("AME on not voting yes")
        ax.grid(axis="y")
        if len(skipped) or few.any():
            ax.legend(loc="upper left", fontsize=6)
    axes[-1].xaxis.set_major_locator(mdates.YearLocator())
    axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    return fig


@styled
def specification_curve(table: pd.DataFrame, choices: Sequence[str]) -> Figure:
    """Per estimand, the total-effect specifications (`curve` "total": the direct effects under
    a mediator alignment are left to the text) that are ok, sorted by their effect per standard
    deviation of the tie, with 95 % intervals (dark where the wild score bootstrap's p < 0.05),
    and below them the choice matrix: one row per value of each choice (in the table's order),
    a tick where a specification makes it. Separated fits (an estimate where the iterations
    stopped, possibly without bound), fits without a variance and failed ones are counted in
    the title, not drawn.

    `table`: curve, estimand, the `choices` columns, std_estimate, std_ci_low, std_ci_high,
    p_wild, status.
    """
    _require(table, ["curve", "estimand", *choices, "std_estimate", "std_ci_low", "std_ci_high",
                     "p_wild", "status"], "specifications")
    table = table[table["curve"] == "total"]
    estimands = _in_order(table["estimand"])
    fig = Figure(figsize=(FULL_WIDTH, 4.6 * len(estimands)), layout="constrained")
    axes = fig.subplots(2 * len(estimands), 1, squeeze=False,
                        height_ratios=[1.0, 2.0] * len(estimands))[:, 0]
    for k, estimand in enumerate(estimands):
        every = table[table["estimand"] == estimand]
        rows = every[every["status"] == "ok"].sort_values("std_estimate", kind="stable")
        rows = rows.reset_index(drop=True)
        x = np.arange(len(rows))
        significant = (rows["p_wild"] < 0.05).to_numpy()
        curve, matrix = axes[2 * k], axes[2 * k + 1]
        curve.vlines(x, rows["std_ci_low"], rows["std_ci_high"], color=NO_DATA_COLOUR,
                     linewidth=0.4)
        # the significant estimates are drawn last, so the colour a reader sees where the two
        # kinds interleave is theirs, and the legend lists them first
        for mask, colour, name, layer in (
                (~significant, SERIES_COLOURS[0], "p \u2265 0.05 (wild)", 3),
                (significant, FOCAL_COLOUR, "p < 0.05 (wild)", 4)):
            curve.scatter(x[mask], rows["std_estimate"][mask], s=2, color=colour, label=name,
                          zorder=layer)
        curve.axhline(0, color="#777777", linewidth=0.6, linestyle=":")
        if len(rows):
            # A few near-separated fits have Wald intervals many orders wider than the rest:
            # the axis shows every estimate and the central 98% of the interval ends.
            low = min(rows["std_estimate"].min(),
                      rows["std_ci_low"].quantile(0.01, interpolation="higher"))
            high = max(rows["std_estimate"].max(),
                       rows["std_ci_high"].quantile(0.99, interpolation="lower"))
            pad = 0.05 * (high - low)
            curve.set_ylim(low - pad, high + pad)
        curve.set_xlim(-1, len(rows))
        curve.set_xticks([])
        curve.set_ylabel("AME per SD of the tie")
        counts = every["status"].value_counts()
        curve.set_title(f"{estimand}: {len(every)} specifications, {counts.get('ok', 0)} ok "
                        f"(shown);\n{counts.get('separated', 0)} separated, "
                        f"{counts.get('no_inference', 0)} no variance, "
                        f"{counts.get('few_clusters', 0)} few states, "
                        f"{counts.get('failed', 0)} failed", loc="left")
        handles, names = curve.get_legend_handles_labels()
        curve.legend(handles[::-1], names[::-1], loc="upper left", fontsize=6, markerscale=2)
        labels = []
        for choice in choices:
            for value in _in_order(every[choice]):
                labels.append(f"{choice.replace('_', ' ')}: {choice_label(str(value))}")
                chosen = x[(rows[choice] == value).to_numpy()]
                matrix.scatter(chosen, np.full(len(chosen), len(labels) - 1), marker="|", s=4,
                               linewidths=0.4, color=FOCAL_COLOUR)
        matrix.set_yticks(np.arange(len(labels)), labels, fontsize=4.5)
        matrix.set_ylim(len(labels) - 0.5, -0.5)
        matrix.set_xlim(-1, len(rows))
        matrix.set_xticks([])
        matrix.set_xlabel("Specifications, sorted by estimate")
    return fig


@styled
def within_effects(effects: pd.DataFrame, patron_names: dict[str, str]) -> Figure:
    """One panel per patron: the tie's effect on each outcome under each design, with the wild
    bootstrap's 95% intervals; the main design in the focal colour.

    `effects`: patron, outcome (in words), design, estimate, ci_low, ci_high, main (bool).
    """
    _require(effects, ["patron", "outcome", "design", "estimate", "ci_low", "ci_high", "main"],
             "effects")
    patrons = _in_order(effects["patron"])
    fig = Figure(figsize=(FULL_WIDTH, 2.6), layout="constrained")
    axes = fig.subplots(1, len(patrons), sharey=True, squeeze=False)[0]
    outcomes = _in_order(effects["outcome"])
    designs = _in_order(effects["design"])
    offsets = np.linspace(-0.15, 0.15, len(designs))
    for ax, patron in zip(axes, patrons, strict=True):
        own = effects[effects["patron"] == patron]
        for offset, design in zip(offsets, designs, strict=True):
            rows = own[own["design"] == design]
            y = np.array([outcomes.index(o) for o in rows["outcome"]]) + offset
            colour = FOCAL_COLOUR if rows["main"].all() else SERIES_COLOURS[0]
            ax.errorbar(rows["estimate"], y, xerr=[rows["estimate"] - rows["ci_low"],
                                                    rows["ci_high"] - rows["estimate"]],
                        fmt="o", color=colour, markersize=3, elinewidth=1.0, label=design)
        ax.axvline(0, color="#777777", linewidth=0.6, linestyle=":")
        ax.set_title(patron_names.get(patron, patron), loc="left", fontsize=8)
        ax.set_yticks(range(len(outcomes)), outcomes)
        ax.set_ylim(len(outcomes) - 0.5, -0.5)
        ax.grid(axis="x")
        ax.set_xlabel("Effect on the probability")
    axes[0].legend(loc="lower right", fontsize=7, frameon=False)
    return fig


@styled
def within_multiverse(table: pd.DataFrame, patron_names: dict[str, str]) -> Figure:
    """One panel per outcome (rows) and patron (columns): the estimates of every within-state
    specification, sorted, with 95% state-clustered intervals, dark where the wild bootstrap
    rejects no effect at 5%, the main fit ringed; specifications resting on too few treated
    states are open markers without an interval, those not identified are left out.

    `table`: patron, outcome (in words), estimate, se_crv1, p_wild, few_treated, identified,
    main.
    """
    _require(table, ["patron", "outcome", "estimate", "se_crv1", "p_wild", "few_treated",
                     "identified", "main"], "specifications")
    patrons, outcomes = _in_order(table["patron"]), _in_order(table["outcome"])
    fig = Figure(figsize=(FULL_WIDTH, 1.9 * len(outcomes)), layout="constrained")
    axes = fig.subplots(len(outcomes), len(patrons), squeeze=False)
    for (i, outcome), (j, patron) in itertools.product(enumerate(outcomes),
                                                       enumerate(patrons)):
        ax = axes[i, j]
        rows = table[(table["patron"] == patron) & (table["outcome"] == outcome)
                     & table["identified"].astype(bool)]
        rows = rows.sort_values("estimate", kind="stable").reset_index(drop=True)
        x = np.arange(len(rows))
        few = rows["few_treated"].astype(bool).to_numpy()
        significant = (rows["p_wild"] < 0.05).to_numpy() & ~few
        half = Z_TWO_SIDED_5 * rows["se_crv1"]
        ax.vlines(x[~few], (rows["estimate"] - half)[~few], (rows["estimate"] + half)[~few],
                  color=NO_DATA_COLOUR, linewidth=0.5)
        for mask, colour, name, layer in (
                (~significant & ~few, SERIES_COLOURS[0], "p \u2265 0.05 (wild)", 3),
                (significant, FOCAL_COLOUR, "p < 0.05 (wild)", 4)):
            ax.scatter(x[mask], rows["estimate"][mask], s=4, color=colour, label=name,
                       zorder=layer)
        ax.scatter(x[few], rows["estimate"][few], s=4, facecolors="none",
                   edgecolors=SERIES_COLOURS[0], linewidths=0.5, zorder=3,
                   label="few treated states")
        main = rows["main"].astype(bool).to_numpy()
        ax.scatter(x[main], rows["estimate"][main], s=30, facecolors="none",
                   edgecolors="black", linewidths=0.8, zorder=5, label="main fit")
        ax.axhline(0, color="#777777", linewidth=0.6, linestyle=":")
        ax.set_xticks([])
        ax.set_xlim(-1, max(len(rows), 1))
        ax.set_title(f"{patron_names.get(patron, patron)} ({len(rows)})", loc="left",
                     fontsize=7)
        if j == 0:
            ax.set_ylabel(f"{outcome}:\neffect on the probability", fontsize=7)
    axes[0, 0].legend(loc="upper left", fontsize=5.5, markerscale=1.5, frameon=False)
    return fig


@styled
def event_study(coefficients: pd.DataFrame, pretrends: pd.DataFrame) -> Figure:
    """Event-study coefficients by year relative to the event, one panel per event: the
    imputation estimator (colour) beside the naive two-way fixed-effects event study (grey),
    with 95 % intervals; the reference year is a ringed point at zero, the binned end points
    are labelled as such, and a coefficient resting on fewer treated states than the
    clustered tests need is an open marker.

    `coefficients`: event, label, estimator (did2s, twfe), rel_time, binned, reference,
    estimate, ci_low, ci_high, few_clusters. `pretrends`: event, estimator, pretrend_p,
    treated_states.
    """
    _require(coefficients, ["event", "label", "estimator", "rel_time", "binned", "reference",
                            "estimate", "ci_low", "ci_high", "few_clusters"], "coefficients")
    _require(pretrends, ["event", "estimator", "pretrend_p", "treated_states"], "pretrends")
    events = _in_order(coefficients["event"])
    columns = 2 if len(events) > 1 else 1
    rows_ = -(-len(events) // columns)
    fig = Figure(figsize=(FULL_WIDTH, 0.6 + 2.1 * rows_), layout="constrained")
    axes = fig.subplots(rows_, columns, squeeze=False, sharex=True).ravel()
    looks = {"did2s": (SERIES_COLOURS[0], "o", -0.14, "Two-stage imputation"),
             "twfe": ("#888888", "s", 0.14, "Two-way fixed effects")}
    tests = pretrends.set_index(["event", "estimator"])
    for ax, event in zip(axes, events, strict=False):
        rows = coefficients[coefficients["event"] == event]
        for estimator, (colour, marker, shift, name) in looks.items():
            own = rows[(rows["estimator"] == estimator) & ~rows["reference"].astype(bool)]
            x = own["rel_time"].to_numpy(float) + shift
            ax.errorbar(x, own["estimate"], yerr=[own["estimate"] - own["ci_low"],
                                                  own["ci_high"] - own["estimate"]],
                        fmt="none", ecolor=colour, elinewidth=0.8)
            few = own["few_clusters"].astype(bool).to_numpy()
            ax.scatter(x[~few], own["estimate"][~few], marker=marker, color=colour, s=12,
                       zorder=3, label=name)
            ax.scatter(x[few], own["estimate"][few], marker=marker, facecolors="white",
                       edgecolors=colour, s=12, zorder=3)
        reference = rows.loc[rows["reference"].astype(bool), "rel_time"]
        if len(reference):
            ax.scatter([reference.iloc[0]], [0.0], marker="o", facecolors="none",
                       edgecolors=FOCAL_COLOUR, s=40, zorder=4, label="reference year")
        ax.axhline(0, color="#777777", linewidth=0.6, linestyle=":")
        ax.axvline(-0.5, color="#777777", linewidth=0.6, linestyle="--")
        first, last = int(rows["rel_time"].min()), int(rows["rel_time"].max())
        ticks = list(range(first, last + 1))
        ax.set_xticks(ticks, [f"≤{k}" if k == first else f"≥{k}" if k == last else str(k)
                              for k in ticks])
        label_ = rows["label"].iloc[0]
        imputation = tests.loc[(event, "did2s")] if (event, "did2s") in tests.index else None
        detail = ("" if imputation is None else
                  f"\n{int(imputation['treated_states'])} treated states; pre-trend "
                  + ("p: too few states" if pd.isna(imputation["pretrend_p"]) else
                     "p < 0.001" if imputation["pretrend_p"] < 0.001 else
                     f"p = {imputation['pretrend_p']:.3f}"))
        ax.set_title(f"{label_}{detail}", loc="left", fontsize=7)
        ax.grid(axis="y")
    for ax in axes[len(events):]:
        ax.set_visible(False)
    for ax in axes[(rows_ - 1) * columns:]:
        ax.set_xlabel("Years since the tie switched")
    for ax in axes[::columns]:
        ax.set_ylabel("Reticence gap")
    axes[0].legend(loc="upper left", fontsize=6)
    return fig


PLACEBO_COLOUR = "#BBBBBB"


def _unit_midpoints(paths: pd.DataFrame) -> pd.Series:
    """Each time unit's midpoint date (units are years or the parts of a split year)."""
    start, end = pd.to_datetime(paths["start"]), pd.to_datetime(paths["end"])
    return pd.Series((start + (end - start) / 2).to_numpy(), index=paths["unit"].to_numpy())


@styled
def synthetic_comparison(paths: pd.DataFrame, placebos: pd.DataFrame,
                         boundaries: dict[str, pd.Timestamp], focal: str = "Israel") -> Figure:
    """Left: the focal state's share of the texts withheld against its synthetic control's;
    right: its gap (state less synthetic) among the placebo gaps (each donor as the treated
    unit), in grey. Each time unit is drawn at its midpoint, so the part-years cut at a
    boundary sit on its two sides; dashed lines mark the boundaries.

    `paths`: unit, start, end, israel, synthetic, gap (one row per time unit, in order).
    `placebos`: iso3, role ('placebo' rows are drawn), unit, gap, in_gap_ranks (only the
    placebos compared with the focal state are drawn). `boundaries`: label -> date.
    """
    _require(paths, ["unit", "start", "end", "israel", "synthetic", "gap"], "paths")
    _require(placebos, ["iso3", "role", "unit", "gap", "in_gap_ranks"], "placebos")
    x = _unit_midpoints(paths)
    shown = placebos[(placebos["role"] == "placebo") & placebos["in_gap_ranks"].astype(bool)]
    unknown = sorted(set(shown["unit"]) - set(x.index))
    if unknown:
        raise DataError(None, "placebos.unit", "time units of paths", unknown)
    fig = Figure(figsize=(FULL_WIDTH, 2.9), layout="constrained")
    ax_path, ax_gap = fig.subplots(1, 2, sharex=True)
    focal_look = {"color": FOCAL_COLOUR, "marker": "o", "markersize": 3, "zorder": 3}
    ax_path.plot(x.to_numpy(), paths["israel"].to_numpy(), label=focal, **focal_look)
    ax_path.plot(x.to_numpy(), paths["synthetic"].to_numpy(), color=SERIES_COLOURS[0],
                 marker="s", markersize=3, linestyle="--", label=f"Synthetic {focal}")
    for i, (_, rows) in enumerate(shown.groupby("iso3", sort=True)):
        label = f"Placebos: {_states(shown['iso3'].nunique())} as treated" if i == 0 else None
        ax_gap.plot(x[rows["unit"]].to_numpy(), rows["gap"].to_numpy(), color=PLACEBO_COLOUR,
                    linewidth=0.5, zorder=1, label=label or "_nolegend_")
    ax_gap.plot(x.to_numpy(), paths["gap"].to_numpy(), label=focal, **focal_look)
    ax_gap.axhline(0, color="#777777", linewidth=0.6, linestyle=":")
    for ax in (ax_path, ax_gap):
        for name, date in boundaries.items():
            ax.axvline(pd.Timestamp(date), color="#777777", linewidth=0.7, linestyle="--")
            ax.annotate(name, (pd.Timestamp(date), 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                        fontsize=6, color="#555555")
        ax.xaxis.set_major_locator(mdates.YearLocator(4))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax_path.set_ylim(-SHARE_MARGIN, 1 + SHARE_MARGIN)
    _as_percent(ax_path.yaxis)
    _as_percent(ax_gap.yaxis)
    ax_path.set_ylabel("Did not vote yes")
    ax_gap.set_ylabel(f"Gap: {focal} less synthetic")
    handles, labels = ax_path.get_legend_handles_labels()
    more, more_labels = ax_gap.get_legend_handles_labels()
    extra = [(h, lab) for h, lab in zip(more, more_labels, strict=True) if lab not in labels]
    fig.legend([*handles, *(h for h, _ in extra)], [*labels, *(lab for _, lab in extra)],
               loc="outside lower center", ncols=3)
    return fig
