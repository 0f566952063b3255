"""Natural Earth country outlines from the world-atlas TopoJSON, decoded without a GIS stack.

TopoJSON stores each border once, as an arc shared by the two countries it
separates. With a `transform`, arc positions are quantized integers, the first
absolute and the rest deltas from the previous position. A ring lists arc
indices; a negative index ~i means arc i walked backwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.path import Path as MplPath

from abstention.errors import DataError
from abstention.ingest.readers.rdata import read_rdata_table

Ring = np.ndarray  # shape (n, 2): longitude, latitude
Polygon = list[Ring]  # exterior ring first, then holes

RUSSIA_ID, UKRAINE_ID = "643", "804"
SIMFEROPOL = (34.10, 44.95)  # lon, lat
CRIMEA_BOX = (32.0, 44.0, 37.0, 46.5)  # lon/lat corners: south-west, then north-east
MOROCCO_ID, WESTERN_SAHARA_ID = "504", "732"
WESTERN_SAHARA_NORTH = 27.0 + 40.0 / 60.0  # latitude of the territory's border with Morocco


@dataclass(frozen=True)
class Geometry:
    """One feature: `id` is the ISO 3166-1 numeric code as written in the file, or None."""

    id: str | None
    name: str
    polygons: list[Polygon]


def _decode_arcs(topology: dict, path: Path) -> list[np.ndarray]:
    transform = topology.get("transform")
    arcs = []
    for index, arc in enumerate(topology["arcs"]):
        try:
            points = np.asarray(arc, dtype=float)[:, :2]
        except (ValueError, IndexError) as exc:
            raise DataError(path, f"arcs[{index}]", "a list of [x, y] positions", arc) from exc
        if transform is not None:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[np.ndarray]) -> Ring:
    parts = []
    for position, i in enumerate(indices):
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        # Consecutive arcs share their joining point; keep it once.
        parts.append(arc if position == 0 else arc[1:])
    return np.concatenate(parts) if parts else np.empty((0, 2))


@dataclass(frozen=True)
class _ArcGeometry:
    """One feature before decoding: each polygon a list of rings, each ring arc indices."""

    id: str | None
    name: str
    polygons: list[list[list[int]]]


def _read_topology(path: Path, object_name: str) -> tuple[list[np.ndarray], list[_ArcGeometry]]:
    try:
        topology = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(path, "file", "a readable TopoJSON file", str(exc)) from exc
    if not isinstance(topology, dict) or not isinstance(topology.get("arcs"), list):
        found = topology.get("arcs") if isinstance(topology, dict) else topology
        raise DataError(path, "arcs", "a top-level list of arcs", type(found).__name__)
    collection = topology.get("objects", {}).get(object_name)
    geometries = collection.get("geometries") if isinstance(collection, dict) else None
    if not isinstance(geometries, list):
        raise DataError(path, f"objects.{object_name}", "a GeometryCollection", collection)
    features = []
    for index, geometry in enumerate(geometries):
        name = str(geometry.get("properties", {}).get("name", ""))
        key = f"objects.{object_name}.geometries[{index}] ({name})"
        kind = geometry.get("type")
        if kind in ("Polygon", "MultiPolygon") and not isinstance(geometry.get("arcs"), list):
            raise DataError(path, key, "a list of arc indices under 'arcs'", geometry.get("arcs"))
        if kind == "Polygon":
            polygon_arcs = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygon_arcs = geometry["arcs"]
        elif kind is None:
            polygon_arcs = []
        else:
            raise DataError(path, key, "a Polygon, MultiPolygon or null geometry", kind)
        for rings in polygon_arcs:
            for ring in rings:
                _check_indices(ring, len(topology["arcs"]), path, key)
        raw_id = geometry.get("id")
        features.append(
            _ArcGeometry(None if raw_id is None else str(raw_id), name, polygon_arcs)
        )
    return _decode_arcs(topology, path), features


def _check_indices(ring: list[int], n_arcs: int, path: Path, key: str) -> None:
    for i in ring:
        if not isinstance(i, int) or not -n_arcs <= i < n_arcs:
            raise DataError(path, key, f"arc indices in [-{n_arcs}, {n_arcs})", i)


def _decode(features: list[_ArcGeometry], arcs: list[np.ndarray]) -> list[Geometry]:
    return [
        Geometry(f.id, f.name, [[_ring(ring, arcs) for ring in rings] for rings in f.polygons])
        for f in features
    ]


def decode_topojson(path: str | Path, object_name: str = "countries") -> list[Geometry]:
    """Every geometry of one TopoJSON object as lon/lat rings, in file order."""
    arcs, features = _read_topology(Path(path), object_name)
    return _decode(features, arcs)


def _merge_rings(outer: list[int], inner: list[int], shared: int) -> list[int]:
    """One ring from two that share arc `shared` (outer walks it forward, inner backward).

    The shared arc drops out; arcs both rings walk in turn (a longer common border)
    then meet as an arc followed by its reverse, and each such pair drops out too.
    """
    at_outer, at_inner = outer.index(shared), inner.index(~shared)
    ring = outer[:at_outer] + inner[at_inner + 1 :] + inner[:at_inner] + outer[at_outer + 1 :]
    merged: list[int] = []
    for arc in ring:
        if merged and merged[-1] == ~arc:
            merged.pop()
        else:
            merged.append(arc)
    while len(merged) > 1 and merged[0] == ~merged[-1]:
        merged = merged[1:-1]
    return merged


def crimea_as_ukraine(
    features: list[_ArcGeometry], arcs: list[np.ndarray], path: Path
) -> list[_ArcGeometry]:
    """Crimea and Sevastopol moved from Russia's outline into Ukraine's.

    Natural Earth draws de facto control, so the 1:50m file puts the peninsula in
    Russia. The United Nations recognises it as Ukraine's (General Assembly
    resolution 68/262), as does this paper. The peninsula is a ring of its own in
    Russia's multipolygon: the one whose exterior contains Simferopol and lies
    inside a box around the peninsula. It joins Ukraine's mainland polygon across
    the arc they share at the Perekop isthmus, so no border is drawn there.
    """
    by_id = {f.id: f for f in features}
    russia, ukraine = by_id.get(RUSSIA_ID), by_id.get(UKRAINE_ID)
    if russia is None or ukraine is None:
        raise DataError(path, "id", f"outlines {RUSSIA_ID} (Russia) and {UKRAINE_ID} (Ukraine)",
                        sorted(i for i in by_id if i is not None))
    low, high = np.array(CRIMEA_BOX[:2]), np.array(CRIMEA_BOX[2:])
    matches = []
    for index, rings in enumerate(russia.polygons):
        exterior = _ring(rings[0], arcs)
        inside_box = (exterior.min(axis=0) >= low).all() and (exterior.max(axis=0) <= high).all()
        if inside_box and MplPath(exterior).contains_point(SIMFEROPOL):
            matches.append(index)
    if len(matches) != 1:
        raise DataError(
            path,
            f"{RUSSIA_ID} (Russia)",
            f"exactly one polygon around Simferopol {SIMFEROPOL} inside {CRIMEA_BOX}",
            f"{len(matches)} polygons",
        )
    crimea = russia.polygons[matches[0]]
    border = {abs_arc(i) for i in crimea[0]}
    joined = [
        index
        for index, rings in enumerate(ukraine.polygons)
        if border & {abs_arc(i) for i in rings[0]}
    ]
    if len(joined) != 1:
        raise DataError(path, f"{UKRAINE_ID} (Ukraine)",
                        "one polygon sharing a border arc with Crimea", f"{len(joined)} polygons")
    mainland = ukraine.polygons[joined[0]]
    shared = next(i for i in mainland[0] if abs_arc(i) in border)
    merged_exterior = _merge_rings(mainland[0], crimea[0], shared)
    ukraine_polygons = list(ukraine.polygons)
    ukraine_polygons[joined[0]] = [merged_exterior, *mainland[1:], *crimea[1:]]
    russia_polygons = [rings for index, rings in enumerate(russia.polygons) if index != matches[0]]
    moved = {
        RUSSIA_ID: replace(russia, polygons=russia_polygons),
        UKRAINE_ID: replace(ukraine, polygons=ukraine_polygons),
    }
    return [moved.get(f.id, f) for f in features]


def clip_ring(ring: Ring, latitude: float, north: bool) -> Ring:
    """The part of a ring on one side of a parallel (Sutherland-Hodgman against a half-plane).
    A concave ring cut more than once comes back as one ring whose pieces are joined along the
    parallel itself, which encloses no area and so fills and outlines as the pieces would."""
    def inside(point: np.ndarray) -> bool:
        return point[1] >= latitude if north else point[1] < latitude

    kept = []
    for current, following in zip(ring[:-1], ring[1:], strict=True):
        if inside(current):
            kept.append(current)
        if inside(current) != inside(following):
            share = (latitude - current[1]) / (following[1] - current[1])
            kept.append(current + share * (following - current))
    if kept and not np.array_equal(kept[0], kept[-1]):
        kept.append(kept[0])
    return np.array(kept).reshape(-1, 2)


def western_sahara_apart(geometries: list[Geometry], path: Path) -> list[Geometry]:
    """Western Sahara's territory south of 27 degrees 40 minutes moved out of Morocco's outline.

    Natural Earth draws the part Morocco administers, west of the berm, as Morocco. The United
    Nations lists Western Sahara as a Non-Self-Governing Territory and recognises no
    sovereignty over it, so the map draws the whole territory as Western Sahara. Morocco's
    outline is cut at the territory's northern border (a parallel), and the southern part
    joins Western Sahara's outline."""
    by_id = {g.id: g for g in geometries}
    morocco, sahara = by_id.get(MOROCCO_ID), by_id.get(WESTERN_SAHARA_ID)
    if morocco is None or sahara is None:
        raise DataError(path, "id", f"outlines {MOROCCO_ID} (Morocco) and {WESTERN_SAHARA_ID} "
                        "(Western Sahara)", sorted(i for i in by_id if i is not None))
    north, south = [], []
    for polygon in morocco.polygons:
        exterior = polygon[0]
        if exterior[:, 1].min() >= WESTERN_SAHARA_NORTH:
            north.append(polygon)
            continue
        if len(polygon) > 1:
            raise DataError(path, f"{MOROCCO_ID} (Morocco)", "no holes in the polygon cut at "
                            f"latitude {WESTERN_SAHARA_NORTH:.4f}", f"{len(polygon) - 1} holes")
        for side, pieces in ((True, north), (False, south)):
            ring = clip_ring(exterior, WESTERN_SAHARA_NORTH, side)
            if len(ring) >= 3:
                pieces.append([ring])
    if not south:
        raise DataError(path, f"{MOROCCO_ID} (Morocco)",
                        f"an outline reaching south of latitude {WESTERN_SAHARA_NORTH:.4f}",
                        "none")
    moved = {MOROCCO_ID: replace(morocco, polygons=north),
             WESTERN_SAHARA_ID: replace(sahara, polygons=[*sahara.polygons, *south])}
    return [moved.get(g.id, g) for g in geometries]


def abs_arc(index: int) -> int:
    """The arc a signed index walks, in either direction."""
    return index if index >= 0 else ~index


def read_country_polygons(topojson_path: str | Path, codelist_path: str | Path) -> pd.DataFrame:
    """One row per outline: id, iso3 (missing where the file gives no id), name, polygons.

    A country can have more than one outline: Ashmore and Cartier Is. carry
    Australia's code, so a map colours them as Australia. Outlines without an id
    (N. Cyprus, Kosovo, Somaliland, ...) stay unmapped, so a map still draws them;
    an id the crosswalk does not know stops the run rather than drop a country.
    """
    arcs, features = _read_topology(Path(topojson_path), "countries")
    geometries = western_sahara_apart(
        _decode(crimea_as_ukraine(features, arcs, Path(topojson_path)), arcs), Path(topojson_path)
    )
    codelist = read_rdata_table(codelist_path, "codelist").dropna(subset=["iso3n", "iso3c"])
    numeric_to_iso3 = {
        f"{int(n):03d}": iso3 for n, iso3 in zip(codelist["iso3n"], codelist["iso3c"], strict=True)
    }
    table = pd.DataFrame(
        {
            "id": [g.id for g in geometries],
            "iso3": [numeric_to_iso3.get(g.id) for g in geometries],
            "name": [g.name for g in geometries],
            "polygons": [g.polygons for g in geometries],
        }
    )
    unknown = table[table["id"].notna() & table["iso3"].isna()]
    if not unknown.empty:
        raise DataError(
            topojson_path,
            "id",
            f"ISO 3166-1 numeric codes listed in {codelist_path}",
            [f"{row.id} ({row.name})" for row in unknown.itertuples(index=False)],
        )
    return table
