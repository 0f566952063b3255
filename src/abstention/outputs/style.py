"""One look for every figure: a colour-blind-safe palette and rcParams sized for print.

Colours come from the Okabe-Ito palette (Okabe & Ito 2008), which stays
distinguishable under the common colour-vision deficiencies. Each vote
category has one fixed colour and one marker, so a category looks the same in
every figure and still reads in greyscale.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import matplotlib as mpl
from matplotlib.figure import Figure

from abstention.vote_codes import VOTES

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

VOTE_ORDER: tuple[str, ...] = VOTES
VOTE_COLOURS: dict[str, str] = {
    "yes": OKABE_ITO["blue"],
    "abstain": OKABE_ITO["orange"],
    "absent": OKABE_ITO["reddish_purple"],
    "no": OKABE_ITO["vermillion"],
    "no_right_to_vote": OKABE_ITO["grey"],
}
VOTE_MARKERS: dict[str, str] = {
    "yes": "o", "abstain": "s", "absent": "D", "no": "X", "no_right_to_vote": "v",
}
VOTE_LABELS: dict[str, str] = {
    "yes": "Yes",
    "abstain": "Abstain",
    "absent": "Absent (non-voting)",
    "no": "No",
    "no_right_to_vote": "No right to vote (Art. 19)",
}

COSPONSOR_COLOUR = OKABE_ITO["bluish_green"]
COSPONSOR_EDGE = OKABE_ITO["black"]
COSPONSOR_HATCH = "/////"
NO_DATA_COLOUR = "#E5E5E5"
FOCAL_COLOUR = OKABE_ITO["black"]

# Colours for lines that are not vote categories (models, peer groups, tie groups).
SERIES_COLOURS: tuple[str, ...] = tuple(
    OKABE_ITO[name]
    for name in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue")
)
SERIES_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P")

SINGLE_COLUMN = 3.4
FULL_WIDTH = 7.0
PNG_DPI = 200

RC_PARAMS: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.title_fontsize": 7,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "axes.edgecolor": "#333333",
    "axes.grid": False,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.5,
    "axes.prop_cycle": mpl.cycler(color=list(SERIES_COLOURS)),
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 3,
    "ytick.major.size": 3,
    "lines.linewidth": 1.2,
    "lines.markersize": 4,
    "patch.linewidth": 0.4,
    "hatch.linewidth": 0.5,
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "pdf.fonttype": 42,
}

P = ParamSpec("P")
R = TypeVar("R")


def apply_style() -> None:
    """Set the house rcParams globally, for scripts and notebooks drawing outside `styled`."""
    mpl.rcParams.update(RC_PARAMS)


def styled(func: Callable[P, R]) -> Callable[P, R]:
    """Build a figure under the house rcParams without touching the caller's global settings."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with mpl.rc_context(RC_PARAMS):
            return func(*args, **kwargs)

    return wrapper


def save_figure(fig: Figure, pdf_path: str | Path, png_path: str | Path) -> None:
    """Write PDF and PNG with fixed metadata, so identical figures give identical bytes."""
    with mpl.rc_context(RC_PARAMS):
        for path in (pdf_path, png_path):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(
            pdf_path,
            format="pdf",
            metadata={"CreationDate": None, "ModDate": None, "Creator": "abstention"},
        )
        fig.savefig(png_path, format="png", dpi=PNG_DPI, metadata={"Software": "abstention"})
