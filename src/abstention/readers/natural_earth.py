"""Natural Earth country outlines from the world-atlas TopoJSON, decoded without a GIS stack.

TopoJSON stores each border once, as an arc shared by the two countries it
separates. With a `transform`, arc positions are quantized integers, the first
absolute and the rest deltas from the previous position. A ring lists arc
indices; a negative index ~i means arc i walked backwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.readers.rdata import read_rdata_table

Ring = np.ndarray  # shape (n, 2): longitude, latitude
Polygon = list[Ring]  # exterior ring first, then holes


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


def _ring(indices: list[int], arcs: list[np.ndarray], path: Path, key: str) -> Ring:
    parts = []
    for position, i in enumerate(indices):
        if not isinstance(i, int) or not -len(arcs) <= i < len(arcs):
            raise DataError(path, key, f"arc indices in [-{len(arcs)}, {len(arcs)})", i)
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        # Consecutive arcs share their joining point; keep it once.
        parts.append(arc if position == 0 else arc[1:])
    return np.concatenate(parts) if parts else np.empty((0, 2))


def decode_topojson(path: str | Path, object_name: str = "countries") -> list[Geometry]:
    """Every geometry of one TopoJSON object as lon/lat rings, in file order."""
    path = Path(path)
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
    arcs = _decode_arcs(topology, path)
    decoded = []
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
        polygons = [[_ring(ring, arcs, path, key) for ring in rings] for rings in polygon_arcs]
        raw_id = geometry.get("id")
        decoded.append(Geometry(None if raw_id is None else str(raw_id), name, polygons))
    return decoded


def read_country_polygons(topojson_path: str | Path, codelist_path: str | Path) -> pd.DataFrame:
    """One row per outline: id, iso3 (missing where the file gives no id), name, polygons.

    A country can have more than one outline: Ashmore and Cartier Is. carry
    Australia's code, so a map colours them as Australia. Outlines without an id
    (N. Cyprus, Kosovo, Somaliland, ...) stay unmapped, so a map still draws them;
    an id the crosswalk does not know stops the run rather than drop a country.
    """
    geometries = decode_topojson(topojson_path)
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
