"""The world map's layers: territories in their sovereign's colour, dots for small states."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex

from abstention.errors import DataError
from abstention.ingest.countries import country_mapper
from abstention.ingest.readers.cow import capitals_on
from abstention.ingest.readers.natural_earth import read_country_polygons
from abstention.outputs.figure_builders import world_map
from abstention.outputs.map_layers import (
    area_km2,
    colour_by_sovereign,
    read_territories,
    small_state_markers,
)
from abstention.outputs.style import COSPONSOR_EDGE, COSPONSOR_HATCH

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
TERRITORIES = ROOT / "config" / "map_territories.csv"
THRESHOLD_KM2 = float(
    yaml.safe_load((ROOT / "config" / "config.yaml").read_text())["figures"]["small_state_km2"]
)


def box(lon: float, lat: float, width: float, height: float) -> np.ndarray:
    return np.array(
        [[lon, lat], [lon + width, lat], [lon + width, lat + height], [lon, lat + height],
         [lon, lat]]
    )


def test_area_of_a_one_degree_cell_on_the_equator():
    # Spherical area of 1 x 1 degree at the equator: R^2 * (pi/180) * sin(1 degree)
    expected = 6371.0**2 * np.radians(1.0) * np.sin(np.radians(1.0))
    assert area_km2([[box(10.0, 0.0, 1.0, 1.0)]]) == pytest.approx(expected, rel=1e-3)
    # a hole is taken out; a cell stitched across 180 degrees counts once
    holed = [[box(10.0, 0.0, 1.0, 1.0), box(10.25, 0.25, 0.5, 0.5)]]
    assert area_km2(holed) == pytest.approx(0.75 * expected, rel=1e-2)
    stitched = np.array([[179.5, 0.0], [-179.5, 0.0], [-179.5, 1.0], [179.5, 1.0], [179.5, 0.0]])
    assert area_km2([[stitched]]) == pytest.approx(expected, rel=1e-3)


def test_markers_for_small_states_at_the_largest_polygon_or_the_capital():
    polygons = pd.DataFrame(
        {
            "iso3": ["BIG", "ISL", "ISL"],
            "name": ["Big", "Isles", "Isles"],
            "polygons": [
                [[box(0.0, 0.0, 10.0, 10.0)]],
                [[box(50.0, 0.0, 0.2, 0.2)], [box(60.0, 2.0, 0.4, 0.4)]],
                [[box(70.0, 0.0, 0.1, 0.1)]],
            ],
        }
    )
    capitals = pd.DataFrame({"iso3": ["NOP"], "lat": [-8.5], "lon": [179.2]})
    markers = small_state_markers(polygons, ["BIG", "ISL", "NOP"], capitals, THRESHOLD_KM2)
    assert markers["iso3"].tolist() == ["ISL", "NOP"]
    assert markers["located_by"].tolist() == ["largest polygon", "capital"]
    np.testing.assert_allclose(markers[["lon", "lat"]].to_numpy(), [[60.2, 2.2], [179.2, -8.5]])
    with pytest.raises(DataError, match="NOP"):
        small_state_markers(polygons, ["NOP"], capitals.iloc[:0], THRESHOLD_KM2)


def write_territories(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "territories.csv"
    path.write_text("outline,sovereign_iso3,basis\n" + rows, encoding="utf-8")
    return path


def test_territories_need_a_basis_and_one_row_each(tmp_path):
    with pytest.raises(DataError, match="Greenland"):
        read_territories(write_territories(tmp_path, "Greenland,DNK,\n"))
    with pytest.raises(DataError, match="Greenland"):
        read_territories(write_territories(tmp_path, "Greenland,DNK,a\nGreenland,DNK,b\n"))


def test_every_outline_that_is_not_a_member_must_be_listed(tmp_path):
    polygons = pd.DataFrame(
        {"iso3": ["DNK", "GRL", None], "name": ["Denmark", "Greenland", "Kosovo"],
         "polygons": [[], [], []]}
    )
    path = write_territories(tmp_path, "Greenland,DNK,part of the Kingdom\n")
    with pytest.raises(DataError, match="Kosovo"):
        colour_by_sovereign(polygons, read_territories(path), ["DNK"], path)
    path = write_territories(tmp_path, "Greenland,DNK,x\nKosovo,,grey: disputed\nAtlantis,,y\n")
    with pytest.raises(DataError, match="Atlantis"):
        colour_by_sovereign(polygons, read_territories(path), ["DNK"], path)
    path = write_territories(tmp_path, "Greenland,XXX,x\nKosovo,,grey: disputed\n")
    with pytest.raises(DataError, match="XXX"):
        colour_by_sovereign(polygons, read_territories(path), ["DNK"], path)
    path = write_territories(tmp_path, "Greenland,DNK,x\nKosovo,,grey: disputed\n")
    coloured = colour_by_sovereign(polygons, read_territories(path), ["DNK"], path)
    assert coloured["colour_iso3"].tolist() == ["DNK", "DNK", None]


@pytest.fixture(scope="module")
def world() -> pd.DataFrame:
    return read_country_polygons(
        RAW / "natural_earth" / "countries-50m.json", RAW / "countrycode" / "codelist.rda"
    )


@pytest.fixture(scope="module")
def members() -> list[str]:
    """The 193 members voting on ES-11/1, from the hand-coded regional groups."""
    groups = pd.read_csv(ROOT / "data" / "hand" / "un_regional_groups.csv")
    mapper = country_mapper(RAW / "countrycode" / "codelist.rda")
    iso3 = mapper.to_iso3(groups["country"].unique(), "un_regional_groups.csv")
    return sorted(set(iso3.values()))


@pytest.fixture(scope="module")
def outlines(world, members) -> pd.DataFrame:
    return colour_by_sovereign(world, read_territories(TERRITORIES), members, TERRITORIES)


def colour_of(outlines: pd.DataFrame, name: str) -> str | None:
    return outlines.loc[outlines["name"] == name, "colour_iso3"].item()


def test_real_territories_take_their_sovereigns_colour(outlines):
    assert len(outlines) == 241
    expected = {
        "Greenland": "DNK", "Faeroe Is.": "DNK", "Puerto Rico": "USA", "Guam": "USA",
        "New Caledonia": "FRA", "Aruba": "NLD", "Hong Kong": "CHN", "N. Cyprus": "CYP",
        "Falkland Is.": None, "W. Sahara": None, "Kosovo": None, "Taiwan": None,
        "Palestine": None,
    }  # fmt: skip
    assert {name: colour_of(outlines, name) for name in expected} == expected


@pytest.mark.workflow
def test_every_member_and_cosponsor_of_es11_1_is_drawn_visibly(world, outlines, workflow_results):
    inputs = {
        "topojson": RAW / "natural_earth" / "countries-50m.json",
        "codelist": RAW / "countrycode" / "codelist.rda",
        "panel": workflow_results / "analysis" / "panel.parquet",
        "territories": TERRITORIES,
        "capitals": workflow_results / "data" / "sources" / "capitals.parquet",
    }
    vote = pd.read_parquet(inputs["panel"]).query("symbol == 'A/RES/ES-11/1'")
    assert len(vote) == 193 and vote["cosponsor"].sum() == 96
    capitals = capitals_on(pd.read_parquet(inputs["capitals"]), vote["date"].iloc[0])
    markers = small_state_markers(world, vote["iso3"], capitals, THRESHOLD_KM2)
    own_outline = set(outlines.loc[outlines["iso3"].isin(set(vote["iso3"])), "iso3"])
    assert own_outline | set(markers["iso3"]) == set(vote["iso3"])
    assert markers.loc[markers["located_by"] == "capital", "iso3"].tolist() == ["TUV"]
    assert {"MLT", "LIE", "MCO", "SMR", "AND", "MHL", "FSM", "PLW"} <= set(markers["iso3"])

    # On the drawn map, a co-sponsor shows as a ringed dot or as a hatched outline large
    # enough to see; territories add hatched outlines of their sovereign.
    sponsors = set(vote.loc[vote["cosponsor"].astype(bool), "iso3"])
    dotted = sponsors & set(markers["iso3"])
    assert all(
        area_km2([p for ps in world.loc[world["iso3"] == iso3, "polygons"] for p in ps])
        >= THRESHOLD_KM2
        for iso3 in sponsors - dotted
    )
    fig = world_map(inputs, {"small_state_km2": THRESHOLD_KM2})
    ax = fig.axes[0]
    (dots,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    rings = [to_hex(c).upper() for c in dots.get_edgecolors()]
    assert len(dots.get_offsets()) == len(markers)
    assert rings.count(COSPONSOR_EDGE) == len(dotted)
    hatched = [c for c in ax.collections if c.get_hatch() == COSPONSOR_HATCH]
    assert len(hatched[0].get_paths()) == outlines["colour_iso3"].isin(sponsors).sum()
