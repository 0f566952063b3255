"""What the vote map draws for each outline and each member state, before any drawing.

Outlines of dependent territories take their sovereign's vote, by a reviewed
table (`config/map_territories.csv`); a territory whose sovereign is disputed
or not a member stays grey, and the table says why. A member too small to see
at world scale, or without an outline at 1:50m, also gets a marker, so every
member and every co-sponsor can be found on the map.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from abstention.errors import DataError
from abstention.ingest.readers.common import require_columns
from abstention.outputs.projection import cut_at_antimeridian, equal_earth
from abstention.schemas import require_unique

EARTH_RADIUS_KM = 6371.0
TERRITORY_COLUMNS = ["outline", "sovereign_iso3", "basis"]


def read_territories(path: str | Path) -> pd.DataFrame:
    """The reviewed table: outline (name in the Natural Earth file), sovereign_iso3, basis.

    An empty sovereign_iso3 means the outline stays grey; basis says why either way.
    """
    table = pd.read_csv(path, dtype="string", keep_default_na=False)
    require_columns(table, TERRITORY_COLUMNS, path)
    require_unique(table, ["outline"], path)
    unexplained = table.loc[table["basis"].str.strip() == "", "outline"].tolist()
    if unexplained:
        raise DataError(path, "basis", "a stated basis for every outline", unexplained)
    return table[TERRITORY_COLUMNS].replace({"sovereign_iso3": {"": pd.NA}})


def colour_by_sovereign(
    polygons: pd.DataFrame, territories: pd.DataFrame, members: Iterable[str], path: str | Path
) -> pd.DataFrame:
    """`polygons` plus colour_iso3: the member whose vote colours the outline, or missing.

    A member's own outline takes its own vote. Every other outline must be in the
    territories table, so a new outline in a later file cannot turn grey unnoticed.
    """
    members = set(members)
    listed = territories.set_index("outline")["sovereign_iso3"]
    unknown_sovereigns = sorted(set(listed.dropna()) - members)
    if unknown_sovereigns:
        raise DataError(path, "sovereign_iso3", "member states in the vote", unknown_sovereigns)
    stale = sorted(set(listed.index) - set(polygons["name"]))
    if stale:
        raise DataError(path, "outline", "names of outlines in the Natural Earth file", stale)
    own = polygons["iso3"].where(polygons["iso3"].isin(members))
    unlisted = polygons.loc[own.isna() & ~polygons["name"].isin(listed.index), "name"]
    if not unlisted.empty:
        raise DataError(path, "outline", "a row for every outline that is not a member",
                        sorted(unlisted))
    by_sovereign = polygons["name"].map(listed).astype("object")
    colour = own.astype("object").where(own.notna(), by_sovereign)
    return polygons.assign(colour_iso3=colour.where(colour.notna(), None))


def _ring_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def area_km2(polygons: Sequence[Sequence[np.ndarray]]) -> float:
    """Area on the sphere: Equal Earth preserves area, so the projected area times R squared."""
    total = 0.0
    for rings in polygons:
        for position, ring in enumerate(rings):
            area = sum(_ring_area(equal_earth(piece)) for piece in cut_at_antimeridian(ring))
            total += area if position == 0 else -area
    return total * EARTH_RADIUS_KM**2


def _centroid(ring: np.ndarray) -> tuple[float, float]:
    """Area-weighted centroid in lon/lat, unwrapped so an island on 180 degrees stays whole."""
    lon = np.unwrap(ring[:, 0], period=360)
    lat = ring[:, 1]
    cross = lon * np.roll(lat, -1) - np.roll(lon, -1) * lat
    c_lon = ((lon + np.roll(lon, -1)) * cross).sum() / (3 * cross.sum())
    c_lat = ((lat + np.roll(lat, -1)) * cross).sum() / (3 * cross.sum())
    return float(((c_lon + 180) % 360) - 180), float(c_lat)


def small_state_markers(
    polygons: pd.DataFrame, members: Iterable[str], capitals: pd.DataFrame, threshold_km2: float
) -> pd.DataFrame:
    """iso3, lon, lat, located_by for members below `threshold_km2` or without an outline.

    A marker sits at the centroid of the member's largest polygon; a member with no
    outline is placed at its capital (`capitals`: iso3, lat, lon).
    """
    own = polygons[polygons["iso3"].isin(set(members))]
    shapes = own.groupby("iso3")["polygons"].agg(lambda column: [p for ps in column for p in ps])
    rows = []
    for iso3 in sorted(set(members)):
        if iso3 in shapes.index:
            parts = shapes[iso3]
            areas = [area_km2([rings]) for rings in parts]
            if sum(areas) >= threshold_km2:
                continue
            lon, lat = _centroid(parts[int(np.argmax(areas))][0])
            rows.append((iso3, lon, lat, "largest polygon"))
            continue
        capital = capitals.loc[capitals["iso3"] == iso3, ["lon", "lat"]]
        if capital.empty:
            raise DataError(None, f"capitals[{iso3}]", "a capital for a member with no outline",
                            "no row")
        rows.append((iso3, *capital.iloc[0].astype(float), "capital"))
    return pd.DataFrame(rows, columns=["iso3", "lon", "lat", "located_by"])
