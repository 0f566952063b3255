"""Equal Earth projection and the antimeridian cut, shared by the map and its area rule."""

from __future__ import annotations

import numpy as np


def equal_earth(lonlat: np.ndarray) -> np.ndarray:
    """Equal Earth projection (Savric, Patterson & Jenny 2018): equal-area, needs no GIS library."""
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    lam = np.radians(lonlat[:, 0])
    theta = np.arcsin(np.sqrt(3) / 2 * np.sin(np.radians(lonlat[:, 1])))
    t2 = theta**2
    t6 = t2**3
    slope = a1 + 3 * a2 * t2 + 7 * a3 * t6 + 9 * a4 * t6 * t2
    x = 2 * np.sqrt(3) * lam * np.cos(theta) / (3 * slope)
    y = theta * (a4 * t6 * t2 + a3 * t6 + a2 * t2 + a1)
    return np.column_stack([x, y])


def _clip_longitude(ring: np.ndarray, limit: float, keep_east: bool) -> np.ndarray:
    """Sutherland-Hodgman clip of a ring to one side of a meridian (a straight line in lon/lat)."""
    inside = ring[:, 0] >= limit if keep_east else ring[:, 0] <= limit
    following = np.roll(ring, -1, axis=0)
    clipped = []
    for point, after, is_in, after_in in zip(
        ring, following, inside, np.roll(inside, -1), strict=True
    ):
        if is_in:
            clipped.append(point)
        if is_in != after_in:
            share = (limit - point[0]) / (after[0] - point[0])
            clipped.append(point + share * (after - point))
    return np.array(clipped).reshape(-1, 2)


def cut_at_antimeridian(ring: np.ndarray) -> list[np.ndarray]:
    """Rings stitched across 180 degrees (Chukotka, Fiji) split into pieces a flat map can draw."""
    if not (np.abs(np.diff(ring[:, 0])) > 180).any():
        return [ring]
    unwrapped = ring.copy()
    unwrapped[:, 0] = np.unwrap(ring[:, 0], period=360)
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        piece = unwrapped + [shift, 0.0]
        piece = _clip_longitude(_clip_longitude(piece, -180.0, True), 180.0, False)
        if len(piece) >= 3:
            pieces.append(piece)
    return pieces
