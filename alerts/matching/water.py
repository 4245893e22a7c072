"""Over-water distances (WGS 84, metres): land-crossing check and water routes around land.

Land data: the `global-land-mask` package (GLOBE 30 arc-second grid, 1/120 deg per cell: about
0.93 km north-south and 0.75 km east-west at 36 N). Islands smaller than about one cell (rocks,
Lampione, Linosa's harbour moles) may be missing or blocky, and narrow straits under ~2 km may
close; ports and coastal positions often fall in a land cell, so land within ENDPOINT_GRACE_M of
either end of a leg is ignored (a ship alongside, or a datum close under a cliff, is still "at
sea" for routing).

Method, cheapest first:
1. direct: sample the straight segment every SAMPLE_SPACING_M (0.5 km, so a ~1 km-wide island
   cannot slip between samples); all water -> the great-circle distance.
2. grid: for legs up to GRID_MAX_LEG_M, A* on the land-mask grid in a bounding box around both
   points (cells aggregated so the box stays under GRID_MAX_CELLS), then string-pulled so the
   path is a few straight water legs rather than a staircase.
3. searoute: longer legs (or when the box has no water path) use searoute's maritime network,
   joined to the two end points.
Results are cached per ~10 m rounded pair of points.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sar_coord.core.geo import EARTH_RADIUS_M, haversine_m
from sar_coord.core.landmask import CELL_DEG, is_water, land_mask

SAMPLE_SPACING_M = 500.0
ENDPOINT_GRACE_M = 1500.0
GRID_MAX_LEG_M = 250_000.0
GRID_MAX_CELLS = 60_000
GRID_MARGIN_M = 25_000.0

Method = Literal["direct", "grid", "searoute"]


@dataclass(frozen=True, slots=True)
class WaterRoute:
    """An over-water leg: distance in metres and the path as (lon, lat) points, WGS 84."""

    distance_m: float
    path: tuple[tuple[float, float], ...]
    method: Method
    straight_m: float

    @property
    def crosses_land(self) -> bool:
        """True when the straight line crossed land and a detour was routed."""
        return self.method != "direct"


def _segment_land_fraction(
    lon1: float, lat1: float, lon2: float, lat2: float, grace_start_m: float, grace_end_m: float
) -> bool:
    """True when any sample of the segment, outside the end graces, is on land."""
    length_m = haversine_m(lon1, lat1, lon2, lat2)
    if length_m <= grace_start_m + grace_end_m:
        return False
    n = max(2, math.ceil(length_m / SAMPLE_SPACING_M) + 1)
    dlon = ((lon2 - lon1 + 540.0) % 360.0) - 180.0
    dlat = lat2 - lat1
    if n <= SCALAR_SAMPLES:
        return _segment_land_scalar(lon1, lat1, dlon, dlat, n, length_m, grace_start_m, grace_end_m)
    t = np.linspace(0.0, 1.0, n)
    keep = (t * length_m >= grace_start_m) & ((1.0 - t) * length_m >= grace_end_m)
    t = t[keep]
    if t.size == 0:
        return False
    lons = ((lon1 + t * dlon + 540.0) % 360.0) - 180.0
    lats = lat1 + t * dlat
    mask = land_mask()
    return not bool(mask.ocean[mask.rows(lats), mask.cols(lons)].all())


SCALAR_SAMPLES = 48
"""Below this many samples a plain loop beats numpy's per-call overhead (short legs)."""


def _segment_land_scalar(
    lon1: float,
    lat1: float,
    dlon: float,
    dlat: float,
    n: int,
    length_m: float,
    grace_start_m: float,
    grace_end_m: float,
) -> bool:
    """The same sampling as the numpy path, one sample at a time (same cells, same answer)."""
    m = land_mask()
    mask, nlat, nlon = m.ocean, m.ocean.shape[0], m.ocean.shape[1]
    lat0, dlat_deg, lon0, dlon_deg = m.lat0, m.dlat, m.lon0, m.dlon
    last = (-1, -1)
    for i in range(n):
        t = i / (n - 1)
        if t * length_m < grace_start_m or (1.0 - t) * length_m < grace_end_m:
            continue
        lon = ((lon1 + t * dlon + 540.0) % 360.0) - 180.0
        r = min(nlat - 1, max(0, int((lat1 + t * dlat - lat0) / dlat_deg)))
        c = min(nlon - 1, max(0, int((lon - lon0) / dlon_deg)))
        if (r, c) == last:
            continue
        if not mask[r, c]:
            return True
        last = (r, c)
    return False


def _leg_on_land_exact(
    lon1: float, lat1: float, lon2: float, lat2: float, grace_start_m: float, grace_end_m: float
) -> bool:
    """True when any mask cell the segment passes through (lon/lat-linear), outside the end
    graces, is land: every grid-line crossing is found, so no corner slips between samples."""
    length_m = haversine_m(lon1, lat1, lon2, lat2)
    if length_m <= grace_start_m + grace_end_m:
        return False
    t0 = grace_start_m / length_m
    t1 = 1.0 - grace_end_m / length_m
    dlon = ((lon2 - lon1 + 540.0) % 360.0) - 180.0
    dlat = lat2 - lat1
    m = land_mask()
    cuts = [np.array([t0, t1])]
    axes = (((lon1 - m.lon0) / m.dlon, dlon / m.dlon), ((lat1 - m.lat0) / m.dlat, dlat / m.dlat))
    for start, delta in axes:
        if delta == 0.0:
            continue
        a, b = sorted((start + t0 * delta, start + t1 * delta))
        lines = np.arange(math.ceil(a), math.floor(b) + 1, dtype=np.float64)
        cuts.append((lines - start) / delta)
    t = np.unique(np.clip(np.concatenate(cuts), t0, t1))
    mids = (t[:-1] + t[1:]) / 2.0 if t.size > 1 else t
    lons = ((lon1 + mids * dlon + 540.0) % 360.0) - 180.0
    lats = lat1 + mids * dlat
    if not m.ocean[m.rows(lats), m.cols(lons)].all():
        return True
    # A leg through a cell corner or along a grid line touches every cell around it: look a
    # hair to each side of every crossing, so floating point cannot put a sample on land.
    cross_lons = ((lon1 + t * dlon + 540.0) % 360.0) - 180.0
    cross_lats = lat1 + t * dlat
    for e_lon, e_lat in ((EDGE_EPS_DEG, EDGE_EPS_DEG), (EDGE_EPS_DEG, -EDGE_EPS_DEG)):
        for sign in (1.0, -1.0):
            rows = m.rows(cross_lats + sign * e_lat)
            cols = m.cols(cross_lons + sign * e_lon)
            if not m.ocean[rows, cols].all():
                return True
    return False


EDGE_EPS_DEG = 1e-7
"""About 1 cm: the side-step used to test the cells meeting at a grid crossing."""


def _leg_on_land(
    lon1: float, lat1: float, lon2: float, lat2: float, grace_start_m: float, grace_end_m: float
) -> bool:
    """Sampled check first (cheap, rejects most), then the exact cell walk."""
    return _segment_land_fraction(
        lon1, lat1, lon2, lat2, grace_start_m, grace_end_m
    ) or _leg_on_land_exact(lon1, lat1, lon2, lat2, grace_start_m, grace_end_m)


def crosses_land(lon1: float, lat1: float, lon2: float, lat2: float) -> bool:
    """True when the straight segment (lon/lat-linear, fine below a few hundred km) meets land."""
    return _cached_crosses(_r(lon1), _r(lat1), _r(lon2), _r(lat2))


def _r(value: float) -> float:
    return round(value, 4)


@functools.lru_cache(maxsize=200_000)
def _cached_crosses(lon1: float, lat1: float, lon2: float, lat2: float) -> bool:
    return _leg_on_land(lon1, lat1, lon2, lat2, ENDPOINT_GRACE_M, ENDPOINT_GRACE_M)


def water_route(lon1: float, lat1: float, lon2: float, lat2: float) -> WaterRoute:
    """Shortest known over-water route from point 1 to point 2 (metres, lon/lat path)."""
    return _cached_route(_r(lon1), _r(lat1), _r(lon2), _r(lat2))


def water_path(
    lon1: float, lat1: float, lon2: float, lat2: float
) -> tuple[tuple[float, float], ...]:
    """The over-water route's (lon, lat) points from point 1 to point 2, WGS 84."""
    return water_route(lon1, lat1, lon2, lat2).path


def water_distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Over-water distance in metres from point 1 to point 2."""
    return water_route(lon1, lat1, lon2, lat2).distance_m


@functools.lru_cache(maxsize=50_000)
def _cached_route(lon1: float, lat1: float, lon2: float, lat2: float) -> WaterRoute:
    straight_m = haversine_m(lon1, lat1, lon2, lat2)
    if not _cached_crosses(lon1, lat1, lon2, lat2):
        return WaterRoute(straight_m, ((lon1, lat1), (lon2, lat2)), "direct", straight_m)
    if straight_m <= GRID_MAX_LEG_M:
        path = _grid_path(lon1, lat1, lon2, lat2, straight_m)
        if path is not None:
            return WaterRoute(_path_length_m(path), path, "grid", straight_m)
    path = _searoute_path(lon1, lat1, lon2, lat2)
    return WaterRoute(max(_path_length_m(path), straight_m), path, "searoute", straight_m)


def _path_length_m(path: tuple[tuple[float, float], ...]) -> float:
    return sum(haversine_m(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(path))


# --- grid A* -------------------------------------------------------------------------------


def _grid_path(
    lon1: float, lat1: float, lon2: float, lat2: float, straight_m: float
) -> tuple[tuple[float, float], ...] | None:
    """A* over the land-mask grid in a box around both points; None when no water path."""
    margin_m = GRID_MARGIN_M + 0.35 * straight_m
    mid_lat = (lat1 + lat2) / 2.0
    dlat_deg = math.degrees(margin_m / EARTH_RADIUS_M)
    dlon_deg = dlat_deg / max(0.05, math.cos(math.radians(mid_lat)))
    lat_min = max(-89.9, min(lat1, lat2) - dlat_deg)
    lat_max = min(89.9, max(lat1, lat2) + dlat_deg)
    lon_min = max(-180.0, min(lon1, lon2) - dlon_deg)
    lon_max = min(180.0 - 1e-9, max(lon1, lon2) + dlon_deg)
    mask = land_mask()
    r0 = mask.row(lat_max)
    r1 = mask.row(lat_min) + 1
    c0 = mask.col(lon_min)
    c1 = mask.col(lon_max) + 1
    fine = mask.ocean[r0:r1, c0:c1]
    factor = max(1, math.ceil(math.sqrt(fine.size / GRID_MAX_CELLS)))
    water = _aggregate(fine, factor)
    nrows, ncols = water.shape
    cell_lat = CELL_DEG * factor

    def cell_of(lon: float, lat: float) -> tuple[int, int]:
        r = min(nrows - 1, max(0, (mask.row(lat) - r0) // factor))
        c = min(ncols - 1, max(0, (mask.col(lon) - c0) // factor))
        return r, c

    def centre(r: int, c: int) -> tuple[float, float]:
        # the centre of the middle fine cell: a coarse centre with an even factor would sit on
        # fine grid lines, where a leg can run along a coastline cell's edge
        lat = mask.lat0 + (r0 + r * factor + factor // 2 + 0.5) * mask.dlat
        lon = mask.lon0 + (c0 + c * factor + factor // 2 + 0.5) * mask.dlon
        return lon, lat

    start = _nearest_water(water, *cell_of(lon1, lat1))
    goal = _nearest_water(water, *cell_of(lon2, lat2))
    if start is None or goal is None:
        return None
    dy_m = math.radians(cell_lat) * EARTH_RADIUS_M
    row_lats = [centre(r, 0)[1] for r in range(nrows)]
    dx_row = [dy_m * math.cos(math.radians(lat)) for lat in row_lats]
    dx_min = min(dx_row)
    cells = _astar(water, start, goal, dy_m, dx_row, dx_min)
    if cells is None:
        return None
    points = [(lon1, lat1)] + [centre(r, c) for r, c in cells[1:-1]] + [(lon2, lat2)]
    return _string_pull(points)


def _aggregate(
    fine: np.ndarray[Any, np.dtype[np.bool_]], factor: int
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Coarse cells are water when at least half of their fine cells are water."""
    if factor == 1:
        return fine
    nr = fine.shape[0] // factor * factor
    nc = fine.shape[1] // factor * factor
    blocks = fine[:nr, :nc].reshape(nr // factor, factor, nc // factor, factor)
    result: np.ndarray[Any, np.dtype[np.bool_]] = blocks.mean(axis=(1, 3)) >= 0.5
    return result


def _nearest_water(
    water: np.ndarray[Any, np.dtype[np.bool_]], r: int, c: int, max_ring: int = 6
) -> tuple[int, int] | None:
    """The cell itself when water, else the nearest water cell within max_ring cells."""
    nrows, ncols = water.shape
    for ring in range(max_ring + 1):
        best: tuple[int, int] | None = None
        best_d = math.inf
        for dr in range(-ring, ring + 1):
            for dc in range(-ring, ring + 1):
                if max(abs(dr), abs(dc)) != ring:
                    continue
                rr, cc = r + dr, c + dc
                if 0 <= rr < nrows and 0 <= cc < ncols and water[rr, cc]:
                    d = dr * dr + dc * dc
                    if d < best_d:
                        best, best_d = (rr, cc), d
        if best is not None:
            return best
    return None


_MOVES = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def _astar(
    water: np.ndarray[Any, np.dtype[np.bool_]],
    start: tuple[int, int],
    goal: tuple[int, int],
    dy_m: float,
    dx_row: list[float],
    dx_min: float,
) -> list[tuple[int, int]] | None:
    """8-connected A* with metric step costs; the heuristic uses the narrowest cell (admissible)."""
    nrows, ncols = water.shape
    grid = water.tolist()
    gr, gc = goal

    def h(r: int, c: int) -> float:
        return math.hypot((r - gr) * dy_m, (c - gc) * dx_min)

    best: dict[tuple[int, int], float] = {start: 0.0}
    parent: dict[tuple[int, int], tuple[int, int]] = {}
    heap: list[tuple[float, float, tuple[int, int]]] = [(h(*start), 0.0, start)]
    while heap:
        _f, g, node = heapq.heappop(heap)
        if node == goal:
            path = [node]
            while node in parent:
                node = parent[node]
                path.append(node)
            path.reverse()
            return path
        if g > best.get(node, math.inf):
            continue
        r, c = node
        for dr, dc in _MOVES:
            rr, cc = r + dr, c + dc
            if not (0 <= rr < nrows and 0 <= cc < ncols) or not grid[rr][cc]:
                continue
            if dr and dc and not (grid[r][cc] and grid[rr][c]):
                continue  # no corner cutting between two land cells
            dx = dx_row[rr] * dc
            ng = g + math.hypot(dr * dy_m, dx)
            nxt = (rr, cc)
            if ng < best.get(nxt, math.inf):
                best[nxt] = ng
                parent[nxt] = node
                heapq.heappush(heap, (ng + h(rr, cc), ng, nxt))
    return None


def _string_pull(points: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Drop intermediate points while the shortcut between kept points stays over water."""
    out = [points[0]]
    i = 0
    last = len(points) - 1
    while i < last:
        j = last
        while j > i + 1:
            grace_a = ENDPOINT_GRACE_M if i == 0 else 0.0
            grace_b = ENDPOINT_GRACE_M if j == last else 0.0
            a, b = points[i], points[j]
            if not _leg_on_land(a[0], a[1], b[0], b[1], grace_a, grace_b):
                break
            j -= 1
        out.append(points[j])
        i = j
    return tuple(out)


# --- searoute (long legs) --------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _marnet() -> Any:
    """searoute's maritime network, loaded once (about 1.5 s)."""
    import searoute

    return searoute


def warm_up() -> None:
    """Load the land mask and searoute's network now rather than on the first request."""
    _marnet().searoute([12.0, 35.0], [13.0, 35.5])
    is_water(12.0, 35.0)


def _searoute_path(
    lon1: float, lat1: float, lon2: float, lat2: float
) -> tuple[tuple[float, float], ...]:
    feature = _marnet().searoute([lon1, lat1], [lon2, lat2], units="m", append_orig_dest=False)
    coords = [(float(x), float(y)) for x, y in feature["geometry"]["coordinates"]]
    return tuple([(lon1, lat1), *coords, (lon2, lat2)])
