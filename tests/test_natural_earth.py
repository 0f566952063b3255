"""TopoJSON decoding: quantized delta arcs, reversed arcs, ISO mapping, and malformed files."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from abstention.errors import DataError
from abstention.readers.natural_earth import decode_topojson, read_country_polygons

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
TOPOJSON = RAW / "natural_earth" / "countries-50m.json"
CODELIST = RAW / "countrycode" / "codelist.rda"

# Two unit squares sharing the edge x = 0 (arc 1, walked backwards by the western one),
# plus a triangle without an id. Quantized positions, delta-encoded after the first.
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[0, 0], [2, 0], [0, 4], [-2, 0]],
        [[0, 4], [0, -4]],
        [[0, 4], [-2, 0], [0, -4], [2, 0]],
        [[4, 0], [1, 0], [0, 1], [-1, -1]],
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "250", "properties": {"name": "East"}},
                {"type": "Polygon", "arcs": [[-2, 2]], "id": "840", "properties": {"name": "West"}},
                {"type": "MultiPolygon", "arcs": [[[3]]], "properties": {"name": "Nowhere"}},
            ],
        }
    },
}


def write(tmp_path: Path, topology: object) -> Path:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(topology), encoding="utf-8")
    return path


def test_decodes_deltas_transform_and_reversed_arcs(tmp_path):
    east, west, nowhere = decode_topojson(write(tmp_path, TINY))
    assert (east.id, east.name, west.id, nowhere.id) == ("250", "East", "840", None)
    np.testing.assert_allclose(
        east.polygons[0][0], [[10, 20], [11, 20], [11, 21], [10, 21], [10, 20]]
    )
    np.testing.assert_allclose(
        west.polygons[0][0], [[10, 20], [10, 21], [9, 21], [9, 20], [10, 20]]
    )
    np.testing.assert_allclose(
        nowhere.polygons[0][0], [[12, 20], [12.5, 20], [12.5, 20.25], [12, 20]]
    )


def test_maps_numeric_ids_and_keeps_outlines_without_one(tmp_path):
    table = read_country_polygons(write(tmp_path, TINY), CODELIST)
    assert table["iso3"].iloc[:2].tolist() == ["FRA", "USA"]
    assert table["iso3"].isna().tolist() == [False, False, True]
    assert table["name"].iloc[2] == "Nowhere"


def broken(change) -> dict:
    topology = copy.deepcopy(TINY)
    change(topology)
    return topology


@pytest.mark.parametrize(
    ("topology", "key"),
    [
        (broken(lambda t: t.pop("arcs")), "arcs"),
        (broken(lambda t: t["objects"].pop("countries")), "objects.countries"),
        (
            broken(lambda t: t["objects"]["countries"]["geometries"][0].update(arcs=[[0, 7]])),
            "East",
        ),
        (broken(lambda t: t["objects"]["countries"]["geometries"][1].update(arcs=[[-9]])), "West"),
        (broken(lambda t: t["objects"]["countries"]["geometries"][0].update(type="Point")), "East"),
        ("not a topology", "arcs"),
    ],
)
def test_malformed_files_stop_with_the_key(tmp_path, topology, key):
    with pytest.raises(DataError, match="tiny.json") as error:
        decode_topojson(write(tmp_path, topology))
    assert key in str(error.value.key)


def test_unknown_numeric_id_stops_the_run(tmp_path):
    topology = broken(lambda t: t["objects"]["countries"]["geometries"][0].update(id="999"))
    with pytest.raises(DataError, match="999 \\(East\\)"):
        read_country_polygons(write(tmp_path, topology), CODELIST)


@pytest.fixture(scope="module")
def world():
    return read_country_polygons(TOPOJSON, CODELIST)


def test_real_file_has_every_geometry(world):
    assert len(world) == 241
    assert world["iso3"].notna().sum() == 241 - world["id"].isna().sum()
    assert {"Kosovo", "N. Cyprus", "Somaliland"} <= set(world.loc[world["iso3"].isna(), "name"])
    # Ashmore and Cartier Is. carries Australia's code, so it is coloured as Australia.
    assert set(world.loc[world["iso3"].duplicated(), "iso3"].dropna()) == {"AUS"}


def test_real_file_places_france_and_the_united_states(world):
    france = world.loc[world["iso3"] == "FRA", "polygons"].iloc[0]
    paris = (2.35, 48.86)
    boxes = [(ring.min(axis=0), ring.max(axis=0)) for polygon in france for ring in polygon[:1]]
    assert any((low <= paris).all() and (paris <= high).all() for low, high in boxes)
    usa = world.loc[world["iso3"] == "USA"]
    assert usa["name"].iloc[0] == "United States of America"
    assert usa["id"].iloc[0] == "840"


def test_real_rings_are_closed_and_in_range(world):
    rings = [ring for polygons in world["polygons"] for polygon in polygons for ring in polygon]
    assert all(np.allclose(ring[0], ring[-1]) for ring in rings)
    points = np.concatenate(rings)
    assert points[:, 0].min() >= -180 and points[:, 0].max() <= 180
    assert points[:, 1].min() >= -90 and points[:, 1].max() <= 90
