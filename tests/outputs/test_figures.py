"""Figure functions on small synthetic tables: artists drawn, labels used, bytes reproducible."""

from __future__ import annotations

import itertools
from unittest import mock

import matplotlib

matplotlib.use("Agg")

import adjustText
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PatchCollection, PathCollection, PolyCollection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.offsetbox import DrawingArea, OffsetBox, TextArea
from matplotlib.patches import FancyArrowPatch, Patch
from matplotlib.text import Text

from abstention.errors import DataError
from abstention.features.sources import VARIABLES
from abstention.labels import LABELS, label
from abstention.outputs import figure_builders, figures, projection, style

CANONICAL_OKABE_ITO = {
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#999999",
}
STATES = ["ISR", "USA", "FRA", "IND", "CHN", "BLR", "ARM", "SRB", "ZAF", "VEN"]
VOTES = {
    # state: votes on the three resolutions, co-sponsorships
    "ISR": (["yes", "yes", "abstain"], [1, 0, 0]),
    "USA": (["yes", "yes", "yes"], [1, 1, 1]),
    "FRA": (["yes", "yes", "yes"], [1, 1, 1]),
    "IND": (["abstain", "abstain", "abstain"], [0, 0, 0]),
    "CHN": (["abstain", "no", "abstain"], [0, 0, 0]),
    "BLR": (["no", "no", "no"], [0, 0, 0]),
    "ARM": (["abstain", "absent", "abstain"], [0, 0, 0]),
    "SRB": (["yes", "absent", "yes"], [0, 0, 0]),
    "ZAF": (["abstain", "abstain", "abstain"], [0, 0, 0]),
    "VEN": (["no_right_to_vote"] * 3, [0, 0, 0]),
}
RESOLUTIONS = [
    ("ES-11-1", "A/RES/ES-11/1", "2022-03-02"),
    ("ES-11-3", "A/RES/ES-11/3", "2022-04-07"),
    ("ES-11-2", "A/RES/ES-11/2", "2022-03-24"),
]


@pytest.fixture
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for k, (res_id, symbol, date) in enumerate(RESOLUTIONS):
        for i, iso3 in enumerate(STATES):
            votes, sponsors = VOTES[iso3]
            rows.append(
                {
                    "iso3": iso3,
                    "name": f"State {iso3}",
                    "res_id": res_id,
                    "symbol": symbol,
                    "date": pd.Timestamp(date),
                    "vote": votes[k],
                    "cosponsor": sponsors[k],
                    "arms_share_russia": np.nan if iso3 == "SRB" else i / 10,
                    "ideal_2021": rng.normal(),
                    "ideal_pre": rng.normal(),
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def es11_1(panel) -> pd.DataFrame:
    return panel[panel["res_id"] == "ES-11-1"].reset_index(drop=True)


def square(lon: float, lat: float) -> list[list[np.ndarray]]:
    ring = np.array([[lon, lat], [lon + 5, lat], [lon + 5, lat + 5], [lon, lat + 5], [lon, lat]])
    return [[ring]]


@pytest.fixture
def polygons() -> pd.DataFrame:
    shapes = [(iso3, square(10.0 * i - 60, 10.0)) for i, iso3 in enumerate(STATES)]
    shapes.append((None, square(100.0, -30.0)))  # an outline without an ISO code
    shapes.append(("GRL", square(-40.0, 70.0)))  # a territory that casts no vote
    return pd.DataFrame(
        {
            "id": [str(i) for i in range(len(shapes))],
            "iso3": [iso3 for iso3, _ in shapes],
            "name": [f"Outline {i}" for i in range(len(shapes))],
            "polygons": [shape for _, shape in shapes],
        }
    )


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def test_palette_is_okabe_ito_with_one_colour_and_marker_per_vote():
    assert set(style.OKABE_ITO.values()) == CANONICAL_OKABE_ITO
    assert set(style.VOTE_ORDER) == {"yes", "abstain", "absent", "no", "no_right_to_vote"}
    assert set(style.VOTE_COLOURS) == set(style.VOTE_ORDER) == set(style.VOTE_MARKERS)
    assert set(style.VOTE_COLOURS.values()) <= CANONICAL_OKABE_ITO
    assert len(set(style.VOTE_COLOURS.values())) == len(style.VOTE_ORDER)
    assert len(set(style.VOTE_MARKERS.values())) == len(style.VOTE_ORDER)
    assert style.COSPONSOR_COLOUR in CANONICAL_OKABE_ITO
    assert style.COSPONSOR_COLOUR not in style.VOTE_COLOURS.values()
    assert set(style.SERIES_COLOURS) <= CANONICAL_OKABE_ITO


def test_apply_style_sets_the_house_rcparams():
    with matplotlib.rc_context():
        style.apply_style()
        assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert not matplotlib.rcParams["axes.spines.top"]
        assert not matplotlib.rcParams["axes.spines.right"]


def test_labels_cover_the_features_and_fall_back_to_the_name():
    features = set(VARIABLES) - {"un_group"}
    assert features <= set(LABELS)
    assert label("arms_share_russia") == "Russian share of arms imports"
    assert label("C(un_group)[T.African]") == "C(un_group)[T.African]"


@pytest.fixture
def outlines(polygons) -> pd.DataFrame:
    # GRL is coloured by its sovereign; the outline without a code stays grey.
    return polygons.assign(colour_iso3=polygons["iso3"].replace({"GRL": "FRA"}))


@pytest.fixture
def markers() -> pd.DataFrame:
    # A co-sponsor and a state that is not one, each also drawn as a dot.
    return pd.DataFrame({"iso3": ["USA", "VEN"], "lon": [-50.0, 30.0], "lat": [12.0, 12.0]})


def test_world_map_colours_each_vote_and_hatches_cosponsors(outlines, es11_1, markers):
    fig = figures.world_map_es11_1(outlines, es11_1, markers, small_state_km2=5000)
    ax = fig.axes[0]
    collections = [c for c in ax.collections if isinstance(c, PatchCollection)]
    # no data, yes, abstain, no, no right to vote (nobody absent), then the co-sponsor overlay
    assert len(collections) == 6
    fills = [matplotlib.colors.to_hex(c.get_facecolor()[0]).upper() for c in collections[:5]]
    assert fills == [style.NO_DATA_COLOUR.upper()] + [
        style.VOTE_COLOURS[v] for v in ("yes", "abstain", "no", "no_right_to_vote")
    ]
    # Greenland takes France's vote and co-sponsorship
    assert [len(c.get_paths()) for c in collections] == [1, 5, 4, 1, 1, 4]
    assert collections[-1].get_hatch() == style.COSPONSOR_HATCH
    # a vote nobody cast (absent) is neither drawn nor listed
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "Yes (4 states)",
        "Abstain (4 states)",
        "No (1 state)",
        "No right to vote (Art. 19) (1 state)",
        "Co-sponsor (3 states)",
        "Not a member or no vote data",
        "Under 5,000 km\N{SUPERSCRIPT TWO} (2 states); ringed if co-sponsor",
    ]


def test_world_map_dots_take_the_vote_colour_and_ring_cosponsors(outlines, es11_1, markers):
    fig = figures.world_map_es11_1(outlines, es11_1, markers, small_state_km2=5000)
    (dots,) = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    # non-sponsors first, so a co-sponsor's ring is drawn on top
    fills = [matplotlib.colors.to_hex(c).upper() for c in dots.get_facecolors()]
    assert fills == [style.VOTE_COLOURS["no_right_to_vote"], style.VOTE_COLOURS["yes"]]
    edges = [matplotlib.colors.to_hex(c).upper() for c in dots.get_edgecolors()]
    assert edges == ["#FFFFFF", style.COSPONSOR_EDGE]


def test_world_map_rejects_dots_for_states_without_a_vote(outlines, es11_1):
    stranger = pd.DataFrame({"iso3": ["TUV"], "lon": [179.2], "lat": [-8.5]})
    with pytest.raises(DataError, match="TUV"):
        figures.world_map_es11_1(outlines, es11_1, stranger, small_state_km2=5000)


def test_map_cuts_rings_stitched_across_the_antimeridian():
    ring = np.array([[175.0, 60.0], [-175.0, 60.0], [-175.0, 65.0], [175.0, 65.0], [175.0, 60.0]])
    pieces = projection.cut_at_antimeridian(ring)
    assert len(pieces) == 2
    spans = sorted((p[:, 0].min(), p[:, 0].max()) for p in pieces)
    np.testing.assert_allclose(spans, [(-180, -175), (175, 180)])
    inland = square(10.0, 50.0)[0][0]
    assert projection.cut_at_antimeridian(inland)[0] is inland


def test_vote_counts_draws_one_stack_per_vote_and_cosponsors_in_date_order(panel):
    fig = figures.vote_counts_by_resolution(panel)
    ax = fig.axes[0]
    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(containers) == len(style.VOTE_ORDER) + 1
    assert all(len(c) == len(RESOLUTIONS) for c in containers)
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == [
        "ES-11/1",
        "ES-11/2",
        "ES-11/3",
    ]
    yes_heights = [bar.get_height() for bar in containers[0]]
    assert yes_heights == [4, 3, 3]
    sponsor_heights = [bar.get_height() for bar in containers[-1]]
    assert sponsor_heights == [3, 2, 2]


def test_vote_counts_say_when_a_text_has_no_sponsor_list(panel):
    unlisted = panel.assign(cosponsor=panel["cosponsor"].where(panel["res_id"] != "ES-11-3"))
    ax = figures.vote_counts_by_resolution(unlisted).axes[0]
    sponsors = ax.containers[-1]
    assert [bar.get_height() for bar in sponsors] == [3, 2, 0]
    # ES-11/3 comes last in date order
    (no_list,) = [t for t in ax.texts if t.get_text() == "no list"]
    bar = sponsors[2]
    assert no_list.xy[0] == pytest.approx(bar.get_x() + bar.get_width() / 2)


def test_alignment_scatter_marks_votes_and_labels_requested_states(es11_1):
    fig = figures.alignment_vs_arms(es11_1, ["ISR", "IND", "SRB"])
    ax = fig.axes[0]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(points) == 4
    # Serbia has no arms share: not drawn, not labelled
    assert sum(len(c.get_offsets()) for c in points) == len(STATES) - 1
    assert sorted(t.get_text() for t in ax.texts) == ["State IND", "State ISR"]
    assert fig.legends[0].get_title().get_text() == "ES-11/1 vote\nnot drawn, no data:\nState SRB"
    assert ax.get_xlabel() == label("arms_share_russia")
    assert ax.get_ylabel() == label("ideal_pre")


def test_alignment_scatter_rejects_labels_for_absent_states(es11_1):
    with pytest.raises(DataError, match="NOR"):
        figures.alignment_vs_arms(es11_1, ["NOR"])


def margins_table(equations: list[str] | None) -> pd.DataFrame:
    rows = []
    for equation in equations or [None]:
        for model in ["logit", "firth", "lpm"]:
            for term in ["arms_share_russia", "csto_member", "ideal_2021", "other_term"]:
                rows.append(
                    {
                        "model": model,
                        "term": term,
                        "estimate": 0.1,
                        "std_error": 0.05,
                        "ci_low": 0.0,
                        "ci_high": 0.2,
                        "equation": equation,
                    }
                )
    table = pd.DataFrame(rows)
    return table if equations else table.drop(columns="equation")


@pytest.mark.parametrize("equations", [None, ["abstain", "absent", "no"]])
def test_marginal_effects_one_interval_per_model_and_panel(equations):
    fig = figures.marginal_effects(margins_table(equations))
    n_panels = len(equations or [None])
    assert len(fig.axes) == n_panels
    bars = [c for ax in fig.axes for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(bars) == 3 * n_panels
    assert all(len(c.lines[0].get_xdata()) == 4 for c in bars)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == [
        label("arms_share_russia"),
        "CSTO member",
        "UN ideal point, 2021",
        "other_term",
    ]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["logit", "firth", "lpm"]
    if equations:
        assert [ax.get_title() for ax in fig.axes] == equations


def test_predicted_curve_draws_line_band_and_optional_rug():
    grid = np.linspace(0, 1, 11)
    curve = pd.DataFrame(
        {"arms_share_russia": grid, "prob": grid / 2, "ci_low": grid / 3, "ci_high": grid}
    )
    plain = figures.predicted_not_yes_curve(curve).axes[0]
    assert len(plain.lines) == 1
    assert len(plain.collections) == 1 and isinstance(plain.collections[0], PolyCollection)
    ax = figures.predicted_not_yes_curve(curve, rug=[0.1, 0.5, np.nan, 0.9]).axes[0]
    rugs = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(rugs) == 1 and len(rugs[0].get_segments()) == 3
    assert ax.get_xlabel() == label("arms_share_russia")


def test_israel_path_against_peer_groups(panel):
    peers = {"Western": ["USA", "FRA", "ISR"], "Non-aligned": ["IND", "ZAF"]}
    fig = figures.israel_path(panel, peers)
    ax_yes, ax_cos = fig.axes
    # a line per peer group plus the focal state's path, in each panel
    assert len(ax_yes.lines) == len(ax_cos.lines) == 3
    western = ax_yes.lines[0]
    np.testing.assert_allclose(western.get_ydata(), [1, 1, 1])
    np.testing.assert_allclose(ax_cos.lines[0].get_ydata(), [1, 1, 1])
    np.testing.assert_allclose(ax_yes.lines[1].get_ydata(), [0, 0, 0])
    # Israel in date order: yes (ES-11/1), abstain (ES-11/2), yes (ES-11/3)
    np.testing.assert_allclose(ax_yes.lines[2].get_ydata(), [1, 0, 1])
    np.testing.assert_allclose(ax_cos.lines[2].get_ydata(), [1, 0, 0])
    marks = [c for c in ax_yes.collections if isinstance(c, PathCollection)]
    assert [c.get_label() for c in marks] == ["State ISR: yes", "State ISR: abstain"]
    assert [t.get_text() for t in fig.legends[0].get_texts()][:2] == [
        "Western (2 states)",
        "Non-aligned (2 states)",
    ]


def test_israel_path_needs_peers_in_the_panel(panel):
    with pytest.raises(DataError, match="Nobody"):
        figures.israel_path(panel, {"Nobody": ["XXX"]})


def test_abstention_over_time_one_line_per_tie_group(panel):
    votes_long = panel.assign(
        tie_group=pd.Categorical(
            np.where(panel["iso3"].isin(["BLR", "ARM"]), "CSTO / Russian base", "other"),
            categories=["CSTO / Russian base", "Russian arms > 50%", "other"],
        )
    )
    fig = figures.abstention_over_time(votes_long)
    ax = fig.axes[0]
    data_lines = [line for line in ax.lines if len(line.get_xdata()) == len(RESOLUTIONS)]
    assert len(data_lines) == 2
    # BLR votes no throughout; ARM abstains, abstains, then is absent: both withhold a yes
    np.testing.assert_allclose(data_lines[0].get_ydata(), [1.0, 1.0, 1.0])
    # other: Israel's abstention lifts ES-11/2, dated before ES-11/3 though listed after it;
    # a no counts as withholding; Venezuela, without the right to vote, is in no share
    np.testing.assert_allclose(data_lines[1].get_ydata(), [3 / 7, 4 / 7, 4 / 7])
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "CSTO / Russian base (2 states)",
        "other (8 states)",
    ]


@pytest.mark.parametrize(
    ("function", "table"),
    [
        (figures.vote_counts_by_resolution, pd.DataFrame({"res_id": ["a"]})),
        (figures.abstention_over_time, pd.DataFrame({"iso3": ["ISR"]})),
    ],
)
def test_missing_columns_are_reported(function, table):
    with pytest.raises(DataError, match="missing"):
        function(table)


def test_unknown_vote_categories_are_reported(panel):
    with pytest.raises(DataError, match="abstention"):
        figures.vote_counts_by_resolution(panel.assign(vote="abstention"))


# Drawn texts: labels that do not cover each other, the points or the figure's edge.


def drawn_texts(fig: Figure) -> list[Text]:
    """The texts a renderer draws, in draw order (tick labels outside the view are made but
    never drawn, so `findobj` would report texts nobody sees)."""
    drawn = {}
    draw = Text.draw

    def record(text, renderer):
        if text.get_visible() and text.get_text().strip():
            drawn[id(text)] = text
        return draw(text, renderer)

    with mock.patch.object(Text, "draw", record):
        fig.draw_without_rendering()
    return list(drawn.values())


def overlapping(texts: list[Text]) -> list[tuple[str, str]]:
    boxes = [t.get_window_extent() for t in texts]
    return [
        (texts[i].get_text(), texts[j].get_text())
        for i, j in itertools.combinations(range(len(texts)), 2)
        if boxes[i].overlaps(boxes[j])
    ]


@pytest.fixture
def crowded_es11_1() -> pd.DataFrame:
    """Twelve labelled states within a few points of each other among forty unlabelled ones:
    left where their points are, the names would cover each other and the points."""
    rng = np.random.default_rng(3)
    crowd = pd.DataFrame(
        {
            "iso3": [f"L{i:02d}" for i in range(12)],
            "name": [f"Labelled state {i}" for i in range(12)],
            "vote": "abstain",
            "arms_share_russia": 0.5 + rng.uniform(-0.03, 0.03, 12),
            "ideal_pre": rng.uniform(-0.2, 0.2, 12),
        }
    )
    rest = pd.DataFrame(
        {
            "iso3": [f"U{i:02d}" for i in range(40)],
            "name": [f"Unlabelled state {i}" for i in range(40)],
            "vote": rng.choice(["yes", "abstain", "no"], 40),
            "arms_share_russia": rng.uniform(0, 1, 40),
            "ideal_pre": rng.uniform(-1.5, 1.5, 40),
        }
    )
    return pd.concat([crowd, rest], ignore_index=True)


def label_collisions(fig: Figure) -> list[str]:
    """Point labels that cover another label, cover a point or leave the axes."""
    ax = fig.axes[0]
    drawn = drawn_texts(fig)
    names = [t for t in ax.texts if t in drawn]
    points = ax.transData.transform(
        np.vstack([c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)])
    )
    found = [f"{a} covers {b}" for a, b in overlapping(names)]
    for name in names:
        box = name.get_window_extent()
        covered = box.count_contains(points)
        if covered:
            found.append(f"{name.get_text()} covers {covered} point(s)")
        if not ax.bbox.contains(box.x0, box.y0) or not ax.bbox.contains(box.x1, box.y1):
            found.append(f"{name.get_text()} leaves the axes")
    return found


def test_alignment_labels_keep_clear_of_each_other_and_the_points(crowded_es11_1):
    labelled = [f"L{i:02d}" for i in range(12)]
    fig = figures.alignment_vs_arms(crowded_es11_1, labelled)
    assert label_collisions(fig) == []
    # each label that had to move is tied to its point by a leader line
    leaders = [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]
    assert leaders


def test_alignment_labels_would_collide_where_they_were_put(crowded_es11_1, monkeypatch):
    """The crowd is crowded enough: without the placement the check above would fail."""
    monkeypatch.setattr(figures, "_place_point_labels", lambda *args: None)
    labelled = [f"L{i:02d}" for i in range(12)]
    fig = figures.alignment_vs_arms(crowded_es11_1, labelled)
    assert any("covers Labelled" in found for found in label_collisions(fig))


def test_labels_adjusttext_leaves_colliding_move_to_a_free_spot(crowded_es11_1, monkeypatch):
    """The rule behind adjustText clears every collision on its own."""
    monkeypatch.setattr(adjustText, "adjust_text", lambda *args, **kwargs: None)
    labelled = [f"L{i:02d}" for i in range(12)]
    fig = figures.alignment_vs_arms(crowded_es11_1, labelled)
    assert label_collisions(fig) == []


@pytest.mark.filterwarnings("ignore:The 'warn' method is deprecated:DeprecationWarning")
def test_a_label_without_room_in_the_axes_is_reported(es11_1):
    crowded = es11_1.assign(name=es11_1["name"].where(es11_1["iso3"] != "IND", "India " * 60))
    with pytest.raises(DataError, match="figures.label_states"):
        figures.alignment_vs_arms(crowded, ["IND"])


def hypotheses_table() -> pd.DataFrame:
    rows = [
        ("H1", "AME of security dependence on Russia", True),
        ("H2", "relative AME on not co-sponsoring (yes voters) minus on not voting yes", True),
        ("H2", "AME on not co-sponsoring (yes voters)", False),
        ("H3", "AME on texts with material consequences minus on other texts", True),
    ]
    return pd.DataFrame(
        {
            "hypothesis": [h for h, _, _ in rows],
            "label": [text for _, text, _ in rows],
            "estimate": [0.4, 0.9, 0.6, -0.1],
            "ci_low": [0.2, -0.9, -0.1, -0.3],
            "ci_high": [0.6, 1.3, 0.7, 0.1],
            "primary": [primary for _, _, primary in rows],
        }
    )


def per_text_table() -> pd.DataFrame:
    rows = []
    for k, (_, symbol, date) in enumerate(RESOLUTIONS):
        for term in ["security_dependence", "occupation"]:
            separated = term == "occupation" and k == 1
            few = term == "occupation" and k == 2  # an estimate without inference
            rows.append({"symbol": symbol, "date": date, "term": term, "estimate": 0.1 * k,
                         "ci_low": np.nan if few else 0.1 * k - 0.2,
                         "ci_high": np.nan if few else 0.1 * k + 0.2, "status": "ok",
                         "separated": separated, "few_clusters": few})
    return pd.DataFrame(rows)


def specifications_table() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    grid = pd.MultiIndex.from_product(
        [["H1", "H2"], ["none", "ideal_pre"], ["logit", "lpm"], range(3)],
        names=["estimand", "alignment", "estimator", "replicate"],
    ).to_frame(index=False)
    estimate = rng.normal(0.2, 0.2, len(grid))
    return grid.drop(columns="replicate").assign(
        curve=np.where(np.arange(len(grid)) % 5 == 0, "direct", "total"),
        std_estimate=estimate,
        std_ci_low=estimate - 0.15,
        std_ci_high=estimate + 0.15,
        p_wild=rng.uniform(0, 0.2, len(grid)),
        status=np.where(np.arange(len(grid)) % 7 == 0, "separated", "ok"),
    )


def synthetic_paths() -> pd.DataFrame:
    """Israel's path against its synthetic: 2013-2016, 2015 split at the intervention."""
    units = [("2013", "2013-01-01", "2013-12-31", "pre"),
             ("2014", "2014-01-01", "2014-12-31", "pre"),
             ("2015 pre", "2015-01-01", "2015-09-29", "pre"),
             ("2015 during", "2015-09-30", "2015-12-31", "during"),
             ("2016", "2016-01-01", "2016-12-31", "during"),
             ("2017", "2017-01-01", "2017-06-30", "after")]
    israel = np.array([0.5, 0.6, 0.55, 0.8, 0.75, 0.7])
    synthetic = np.array([0.52, 0.58, 0.56, 0.55, 0.5, 0.6])
    return pd.DataFrame({
        "unit": [u[0] for u in units], "start": pd.to_datetime([u[1] for u in units]),
        "end": pd.to_datetime([u[2] for u in units]), "window": [u[3] for u in units],
        "israel": israel, "synthetic": synthetic, "gap": israel - synthetic})


def synthetic_placebos(paths: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    rows = [pd.DataFrame({"iso3": iso3, "role": "placebo", "unit": paths["unit"],
                          "gap": rng.normal(0, 0.05, len(paths)), "in_gap_ranks": iso3 != "NZL"})
            for iso3 in ("FRA", "NZL", "USA", "ZAF")]
    treated = pd.DataFrame({"iso3": "ISR", "role": "treated", "unit": paths["unit"],
                            "gap": paths["gap"], "in_gap_ranks": True})
    return pd.concat([treated, *rows], ignore_index=True)


SYNTHETIC_BOUNDARIES = {"Russia enters Syria": pd.Timestamp("2015-09-30"),
                        "Assad falls": pd.Timestamp("2017-01-01")}


def test_synthetic_comparison_draws_israel_its_synthetic_and_the_kept_placebos():
    paths = synthetic_paths()
    fig = figures.synthetic_comparison(paths, synthetic_placebos(paths), SYNTHETIC_BOUNDARIES)
    ax_path, ax_gap = fig.axes
    np.testing.assert_allclose(ax_path.lines[0].get_ydata(), paths["israel"])
    np.testing.assert_allclose(ax_path.lines[1].get_ydata(), paths["synthetic"])
    # The split year's two parts sit on either side of the boundary.
    x = mdates.date2num(ax_path.lines[0].get_xdata())
    assert x[2] < mdates.date2num(SYNTHETIC_BOUNDARIES["Russia enters Syria"]) < x[3]
    grey = [line for line in ax_gap.lines if line.get_color() == figures.PLACEBO_COLOUR]
    assert len(grey) == 3  # NZL fits too badly before the intervention to be compared
    israel_gap = [line for line in ax_gap.lines if line.get_label() == "Israel"]
    np.testing.assert_allclose(israel_gap[0].get_ydata(), paths["gap"])
    dashed = [line for line in ax_gap.lines if line.get_linestyle() == "--"]
    assert [pd.Timestamp(line.get_xdata()[0]) for line in dashed] == list(
        SYNTHETIC_BOUNDARIES.values())
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "Israel", "Synthetic Israel", "Placebos: 3 states as treated"]


def test_the_synthetic_builder_marks_each_window_where_its_first_unit_starts(tmp_path):
    paths = synthetic_paths()
    files = {"israel_synthetic": tmp_path / "paths.csv",
             "israel_synthetic_placebos": tmp_path / "placebos.csv"}
    paths.to_csv(files["israel_synthetic"], index=False)
    synthetic_placebos(paths).to_csv(files["israel_synthetic_placebos"], index=False)
    fig = figure_builders.BUILDERS["israel_synthetic"](files, {})
    marked = {t.get_text(): pd.Timestamp(t.xy[0]) for t in fig.axes[0].texts}
    assert marked == SYNTHETIC_BOUNDARIES


# Every figure, drawn from the synthetic tables; `get` fetches a fixture by name.
FIGURES = {
    "world_map": lambda get: figures.world_map_es11_1(
        get("outlines"), get("es11_1"), get("markers"), small_state_km2=5000
    ),
    "vote_counts": lambda get: figures.vote_counts_by_resolution(get("panel")),
    "alignment_vs_arms": lambda get: figures.alignment_vs_arms(
        get("es11_1"), ["ISR", "IND", "CHN", "ARM", "ZAF"]
    ),
    "marginal_effects": lambda get: figures.marginal_effects(margins_table(None)),
    "marginal_effects_by_equation": lambda get: figures.marginal_effects(
        margins_table(["abstain", "absent", "no"])
    ),
    "israel_path": lambda get: figures.israel_path(
        get("panel"), {"Western": ["USA", "FRA"], "Non-aligned": ["IND", "ZAF"]}
    ),
    "abstention_over_time": lambda get: figures.abstention_over_time(
        get("panel").assign(tie_group=np.where(get("panel")["iso3"] == "BLR", "ties", "none"))
    ),
    "hypotheses": lambda get: figures.hypothesis_quantities(hypotheses_table()),
    "heterogeneity": lambda get: figures.per_text_effects(per_text_table()),
    "specification_curve": lambda get: figures.specification_curve(
        specifications_table(), ["alignment", "estimator"]
    ),
    "israel_synthetic": lambda get: figures.synthetic_comparison(
        synthetic_paths(), synthetic_placebos(synthetic_paths()), SYNTHETIC_BOUNDARIES
    ),
}
WITH_LEGEND = sorted(set(FIGURES) - {"hypotheses"})


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_save_figure_gives_identical_bytes(name, request, tmp_path):
    paths = []
    for run in ("first", "second"):
        fig = FIGURES[name](request.getfixturevalue)
        pdf, png = tmp_path / run / f"{name}.pdf", tmp_path / run / f"{name}.png"
        style.save_figure(fig, pdf, png)
        paths.append((pdf, png))
    (pdf_a, png_a), (pdf_b, png_b) = paths
    assert pdf_a.read_bytes() == pdf_b.read_bytes()
    assert png_a.read_bytes() == png_b.read_bytes()
    assert b"CreationDate" not in pdf_a.read_bytes()
    assert png_a.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_no_text_covers_another_or_leaves_the_figure(name, request):
    fig = FIGURES[name](request.getfixturevalue)
    texts = drawn_texts(fig)
    assert overlapping(texts) == []
    edge = fig.bbox.padded(0.5)  # half a pixel of rounding
    outside = [t.get_text() for t in texts
               if not all(edge.contains(x, y) for x, y in t.get_window_extent().corners())]
    assert outside == []


# Legends: every key drawn as the artists it names, every named artist in a legend.

NOT_DRAWN = {"None", "none", "", " "}


def colour(rgba) -> str:
    return "none" if to_rgba(rgba)[3] == 0 else to_hex(rgba, keep_alpha=True)


def outline(path) -> tuple:
    return tuple(map(tuple, np.round(path.vertices, 6)))


def styles(artist, shape_only: bool = False) -> set[tuple]:
    """What a reader matches between a legend key and the plot: marker outline and its fill
    and edge colours, line colour and dashes, patch fill and hatch (the outline alone for
    points coloured one by one, as one key cannot show every colour)."""
    if isinstance(artist, Line2D):
        found = set()
        if artist.get_marker() not in NOT_DRAWN:
            marker = MarkerStyle(artist.get_marker())
            shape = outline(marker.get_path().transformed(marker.get_transform()))
            found.add(("marker", shape) if shape_only else (
                "marker", shape, colour(artist.get_markerfacecolor()),
                colour(artist.get_markeredgecolor())))
        if artist.get_linestyle() not in NOT_DRAWN and not shape_only:
            found.add(("line", colour(artist.get_color()), artist.get_linestyle()))
        return found
    if isinstance(artist, PathCollection):
        shape = outline(artist.get_paths()[0])
        if shape_only:
            return {("marker", shape)}
        faces = [colour(c) for c in artist.get_facecolors()] or ["none"]
        edges = [colour(c) for c in artist.get_edgecolors()] or ["none"]
        return {("marker", shape, face, edge) for face in faces for edge in edges}
    if isinstance(artist, PatchCollection):
        faces = [colour(c) for c in artist.get_facecolors()] or ["none"]
        return {("patch", face, artist.get_hatch()) for face in faces}
    if isinstance(artist, Patch):
        return {("patch", colour(artist.get_facecolor()), artist.get_hatch())}
    if isinstance(artist, LineCollection):
        return set() if shape_only else {("segments", colour(c)) for c in artist.get_colors()}
    raise TypeError(f"no style for {type(artist).__name__}")


def coloured_point_by_point(artist) -> bool:
    """Points whose colours come from the data (say, each state's vote), not from the key."""
    return isinstance(artist, PathCollection) and len(artist.get_facecolors()) > 1


def key_styles(artists, shape_only: bool = False) -> set[tuple]:
    return set().union(*(styles(a, shape_only) for a in artists if a.get_visible()))


def legend_entries(legend) -> list[tuple[str, list]]:
    """(text, artists drawn as its key) for each entry of a legend."""
    entries = []

    def walk(box):
        children = box.get_children()
        if len(children) == 2 and isinstance(children[0], DrawingArea) and isinstance(
                children[1], TextArea):
            entries.append((children[1].get_text(), children[0].get_children()))
        for child in children:
            if isinstance(child, OffsetBox):
                walk(child)

    walk(legend.get_children()[0])
    return entries


def named(fig: Figure, text: str) -> list:
    """The plotted artists labelled `text`, a container's parts in its place."""
    found = []
    for ax in fig.axes:
        found += [a for a in [*ax.lines, *ax.collections, *ax.patches] if a.get_label() == text]
        for container in ax.containers:
            if container.get_label() != text:
                continue
            if isinstance(container, ErrorbarContainer):
                data_line, _, whiskers = container.lines
                found += [data_line, *whiskers]
            else:
                found += list(container)
    return found


def legend_mismatches(fig: Figure) -> list[str]:
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    entries = [entry for legend in legends for entry in legend_entries(legend)]
    found = []
    for text, key in entries:
        artists = named(fig, text)
        if not artists:
            found.append(f"{text!r} names nothing drawn")
            continue
        shape_only = any(map(coloured_point_by_point, artists))
        drawn = key_styles(artists, shape_only)
        if key_styles(key, shape_only) != drawn:
            found.append(f"{text!r}: key {key_styles(key, shape_only)} but drawn {drawn}")
    listed = {text for text, _ in entries}
    for ax in fig.axes:
        for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.containers]:
            text = artist.get_label()
            if text and not text.startswith("_") and text not in listed:
                found.append(f"{text!r} is drawn but not in a legend")
    return found


@pytest.mark.parametrize("name", WITH_LEGEND)
def test_every_legend_key_looks_like_what_it_names(name, request):
    fig = FIGURES[name](request.getfixturevalue)
    assert fig.legends or any(ax.get_legend() for ax in fig.axes)
    assert legend_mismatches(fig) == []


def test_legend_check_catches_a_key_unlike_its_points(es11_1):
    fig = figures.alignment_vs_arms(es11_1, [])
    fig.axes[0].collections[0].set_facecolor(style.VOTE_COLOURS["no"])
    assert any("'Yes (3 states)'" in found for found in legend_mismatches(fig))


def test_israel_path_marks_every_point_as_its_legend_entry_does(panel):
    """Israel's points in both panels carry its vote's marker, so the legend describes them."""
    fig = figures.israel_path(panel, {"Western": ["USA", "FRA"], "Non-aligned": ["IND", "ZAF"]})
    keys = set().union(*(key_styles(artists) for _, artists in legend_entries(fig.legends[0])))
    for ax in fig.axes:
        for artist in [*ax.lines, *ax.collections]:
            points = {found for found in styles(artist) if found[0] == "marker"}
            assert points <= keys, (ax.get_title(), artist.get_label())


def test_specification_curve_draws_significant_estimates_on_top_with_readable_choices():
    table = specifications_table().assign(estimator=lambda t: t["estimator"].replace(
        {"logit": "firth_logit"}))
    fig = figures.specification_curve(table, ["alignment", "estimator"])
    curve, matrix = fig.axes[0], fig.axes[1]
    layers = {c.get_label(): c.get_zorder() for c in curve.collections if c.get_label()}
    assert layers["p < 0.05 (wild)"] > layers["p \u2265 0.05 (wild)"]
    total_ok = ((table["estimand"] == "H1") & (table["curve"] == "total")
                & (table["status"] == "ok")).sum()
    drawn = sum(len(c.get_offsets()) for c in curve.collections if "wild" in c.get_label())
    assert drawn == total_ok            # the direct effects are not on the curve
    wide = specifications_table()
    wide.loc[1, "std_ci_high"] = 1e27      # a near-separated fit's interval
    curve = figures.specification_curve(wide, ["alignment", "estimator"]).axes[0]
    assert curve.get_ylim()[1] < 10
    ticks = [t.get_text() for t in matrix.get_yticklabels()]
    assert "estimator: Firth logit" in ticks and not any("_" in t for t in ticks)


def within_multiverse_table() -> pd.DataFrame:
    """Two patrons' specifications on two outcomes: one main fit each, some on few treated
    states, one not identified."""
    rng = np.random.default_rng(8)
    rows = []
    for patron, outcome in itertools.product(["RUS", "USA"], ["not voting yes",
                                                              "not co-sponsoring"]):
        for k in range(12):
            rows.append({"patron": patron, "outcome": outcome,
                         "estimate": rng.normal(0.01, 0.03), "se_crv1": 0.02,
                         "p_wild": rng.uniform(0, 1) if k % 3 else 0.01,
                         "few_treated": k in (4, 5), "identified": k != 11, "main": k == 0})
    return pd.DataFrame(rows)


def test_within_multiverse_rings_the_main_fit_and_gives_few_treated_states_no_interval():
    table = within_multiverse_table()
    fig = figures.within_multiverse(table, {"RUS": "Russia", "USA": "United States"})
    assert len(fig.axes) == 4
    for ax in fig.axes:
        by_label = {c.get_label(): c for c in ax.collections}
        assert len(by_label["main fit"].get_offsets()) == 1
        assert len(by_label["few treated states"].get_offsets()) == 2
        intervals = [c for c in ax.collections if not c.get_label() or c.get_label()[0] == "_"]
        assert sum(len(c.get_segments()) for c in intervals) == 11 - 2
        assert ax.get_title(loc="left").endswith("(11)")
    assert [ax.get_title(loc="left") for ax in fig.axes[:2]] == ["Russia (11)",
                                                                  "United States (11)"]
