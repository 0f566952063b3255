"""TopoJSON decoding: quantized delta arcs, reversed arcs, ISO mapping, and malformed files."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest
from matplotlib.path import Path as MplPath

from abstention.errors import DataError
from abstention.ingest.readers.natural_earth import (
    SIMFEROPOL,
    _merge_rings,
    clip_ring,
    decode_topojson,
    read_country_polygons,
)

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
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




def quantized(*points: tuple[float, float]) -> list[list[int]]:
    """Absolute lon/lat positions as TINY's quantized deltas."""
    steps = [[round((lon - 10) / 0.5), round((lat - 20) / 0.25)] for lon, lat in points]
    deltas = np.diff(np.array(steps), axis=0).tolist()
    return [steps[0], *deltas]


def with_disputed_outlines(topology: dict, crimea_owner: str = "643") -> dict:
    """TINY plus Ukraine's mainland, Russia's mainland and Crimea in `crimea_owner`'s outline,
    and, as Natural Earth draws them, Morocco reaching south to latitude 24 and Western Sahara
    east of it.

    Arc 4 is the Perekop border, which Ukraine walks forward and Crimea backward.
    """
    topology = copy.deepcopy(topology)
    first = len(topology["arcs"])
    perekop, ukraine_rest, crimea_rest, russia, morocco, sahara = range(first, first + 6)
    topology["arcs"] += [
        quantized((33, 46), (34, 46)),
        quantized((34, 46), (36, 46), (36, 50), (30, 50), (30, 46), (33, 46)),
        quantized((33, 46), (33, 44.5), (35, 44.5), (34, 46)),
        quantized((38, 44), (40, 44), (40, 48), (38, 48), (38, 44)),
        quantized((-14, 24), (-10, 24), (-10, 32), (-14, 32), (-14, 24)),
        quantized((-10, 22), (-8, 22), (-8, 27.5), (-10, 27.5), (-10, 22)),
    ]
    topology["objects"]["countries"]["geometries"] += [
        {"type": "Polygon", "arcs": [[morocco]], "id": "504", "properties": {"name": "Morocco"}},
        {"type": "Polygon", "arcs": [[sahara]], "id": "732",
         "properties": {"name": "W. Sahara"}},
    ]
    crimea = [[~perekop, crimea_rest]]
    ukraine = [[[perekop, ukraine_rest]]] + ([crimea] if crimea_owner == "804" else [])
    russia_polygons = [[[russia]]] + ([crimea] if crimea_owner == "643" else [])
    topology["objects"]["countries"]["geometries"] += [
        {"type": "MultiPolygon", "arcs": ukraine, "id": "804", "properties": {"name": "Ukraine"}},
        {"type": "MultiPolygon", "arcs": russia_polygons, "id": "643",
         "properties": {"name": "Russia"}},
    ]
    return topology


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
    table = read_country_polygons(write(tmp_path, with_disputed_outlines(TINY)), CODELIST)
    assert table["iso3"].iloc[:2].tolist() == ["FRA", "USA"]
    assert table["iso3"].isna().tolist() == [False, False, True, False, False, False, False]
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
        read_country_polygons(write(tmp_path, with_disputed_outlines(topology)), CODELIST)


def contains(polygons, lonlat) -> bool:
    return any(MplPath(rings[0]).contains_point(lonlat) for rings in polygons)


def outline(table, iso3):
    return table.loc[table["iso3"] == iso3, "polygons"].iloc[0]


def test_crimea_joins_ukraine_without_the_perekop_border(tmp_path):
    table = read_country_polygons(write(tmp_path, with_disputed_outlines(TINY)), CODELIST)
    ukraine, russia = outline(table, "UKR"), outline(table, "RUS")
    assert contains(ukraine, SIMFEROPOL) and not contains(russia, SIMFEROPOL)
    assert len(ukraine) == 1 and len(russia) == 1
    # one ring around mainland and peninsula: Crimea's outer coast, then Ukraine's
    np.testing.assert_allclose(
        ukraine[0][0],
        [[33, 46], [33, 44.5], [35, 44.5], [34, 46], [36, 46], [36, 50], [30, 50], [30, 46],
         [33, 46]],
    )


def test_merged_rings_drop_every_arc_of_a_longer_common_border():
    # outer walks 1, 2, 3 forward; inner walks 3 and 2 back, then its own arc 4
    assert _merge_rings([0, 1, 2, 3], [~3, ~2, 4], 2) == [0, 1, 4]


@pytest.mark.parametrize("owner", ["804", "none", "twice"])
def test_crimea_not_found_exactly_once_in_russia_stops_the_run(tmp_path, owner):
    topology = with_disputed_outlines(TINY, crimea_owner=owner if owner == "804" else "643")
    russia = topology["objects"]["countries"]["geometries"][-1]
    if owner == "none":
        russia["arcs"] = russia["arcs"][:1]
    if owner == "twice":
        russia["arcs"].append(russia["arcs"][-1])
    with pytest.raises(DataError, match="Simferopol") as error:
        read_country_polygons(write(tmp_path, topology), CODELIST)
    assert "Russia" in str(error.value.key)


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


def test_real_file_draws_crimea_and_sevastopol_in_ukraine(world):
    sevastopol = (33.52, 44.60)
    ukraine, russia = outline(world, "UKR"), outline(world, "RUS")
    for place in (SIMFEROPOL, sevastopol):
        assert contains(ukraine, place) and not contains(russia, place)
    # Russia keeps its own coast across the Kerch Strait
    assert contains(russia, (38.0, 45.0)) and not contains(ukraine, (38.0, 45.0))


def test_western_sahara_is_cut_out_of_morocco_at_its_northern_border(tmp_path):
    table = read_country_polygons(write(tmp_path, with_disputed_outlines(TINY)), CODELIST)
    morocco = table.loc[table["iso3"] == "MAR", "polygons"].iloc[0]
    sahara = table.loc[table["iso3"] == "ESH", "polygons"].iloc[0]
    assert len(morocco) == 1 and len(sahara) == 2
    north = 27.0 + 40.0 / 60.0
    assert morocco[0][0][:, 1].min() == pytest.approx(north)
    assert sahara[1][0][:, 1].max() == pytest.approx(north)
    assert np.array_equal(sahara[1][0][0], sahara[1][0][-1])


def test_clip_ring_splits_a_concave_ring_into_its_two_sides():
    # a U open to the north: the cut at latitude 1 leaves two prongs above and a base below
    ring = np.array([[0, 0], [3, 0], [3, 2], [2, 2], [2, 0.5], [1, 0.5], [1, 2], [0, 2],
                     [0, 0]], dtype=float)
    above, below = clip_ring(ring, 1.0, north=True), clip_ring(ring, 1.0, north=False)
    assert MplPath(above).contains_point((0.5, 1.5)) and MplPath(above).contains_point((2.5, 1.5))
    assert not MplPath(above).contains_point((1.5, 0.7))
    assert MplPath(below).contains_point((1.5, 0.25)) and above[:, 1].min() == 1.0


def test_real_map_draws_western_sahara_apart_from_morocco(world):
    def owners(lon: float, lat: float) -> list[str]:
        return [row.iso3 for row in world.itertuples() for polygon in row.polygons
                if MplPath(polygon[0]).contains_point((lon, lat))]

    assert owners(-13.20, 27.15) == ["ESH"]  # Laayoune
    assert owners(-15.94, 23.72) == ["ESH"]  # Dakhla
    assert owners(-6.84, 34.02) == ["MAR"]  # Rabat
