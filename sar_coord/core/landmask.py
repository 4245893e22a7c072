"""The one land mask: GLOBE 1 km (global-land-mask package), memory-mapped from a local cache.

Every package asks this module whether a point is at sea; none keeps its own copy of the mask.
The package ships the mask compressed (2.5 MB) and decompresses all 933 MB into every process
that imports it, which takes seconds and a gigabyte per process. Here it is decompressed once
into a cache file and memory-mapped: instant to open, pages shared by every process.
"""

from __future__ import annotations

import functools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

CACHE_VERSION = "globe-v1"


CELL_DEG = 1.0 / 120.0
"""The GLOBE grid step: 30 arc seconds, about 0.93 km north-south."""


@dataclass(frozen=True)
class LandMask:
    """The mask (True = water; lakes count as land) on a regular lat/lon grid, WGS 84 degrees.

    Cell (r, c) holds latitudes from lat0 + r * dlat (dlat < 0: row 0 is the north) and longitudes
    from lon0 + c * dlon; indices outside the grid are clamped to its edge.
    """

    ocean: np.ndarray[Any, np.dtype[np.bool_]]
    lat0: float
    dlat: float
    lon0: float
    dlon: float

    def rows(self, lat: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Row indices of an array of latitudes (degrees)."""
        idx: np.ndarray[Any, Any] = ((lat - self.lat0) / self.dlat).astype(np.int64)
        return np.clip(idx, 0, self.ocean.shape[0] - 1, out=idx)

    def cols(self, lon: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Column indices of an array of longitudes (degrees)."""
        idx: np.ndarray[Any, Any] = ((lon - self.lon0) / self.dlon).astype(np.int64)
        return np.clip(idx, 0, self.ocean.shape[1] - 1, out=idx)

    def row(self, lat: float) -> int:
        """Row index of one latitude (degrees)."""
        return min(max(int((lat - self.lat0) / self.dlat), 0), int(self.ocean.shape[0]) - 1)

    def col(self, lon: float) -> int:
        """Column index of one longitude (degrees)."""
        return min(max(int((lon - self.lon0) / self.dlon), 0), int(self.ocean.shape[1]) - 1)

    def is_water(self, lon: float, lat: float) -> bool:
        """True when the cell holding (lon, lat) is sea."""
        return bool(self.ocean[self.row(lat), self.col(lon)])


def cache_dir() -> Path:
    """Where the decompressed mask is kept: $SAR_CACHE_DIR, else $XDG_CACHE_HOME or ~/.cache."""
    explicit = os.environ.get("SAR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sar-coord"


def _build_cache(target: Path) -> None:
    import global_land_mask

    source = Path(global_land_mask.__file__).parent / "globe_combined_mask_compressed.npz"
    with np.load(source) as data:
        mask = np.ascontiguousarray(data["mask"], dtype=np.bool_)
        lat, lon = data["lat"], data["lon"]
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".landmask-")
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, mask)
        os.replace(tmp, target)
        grid = np.array([lat[0], lat[1] - lat[0], lon[0], lon[1] - lon[0]], dtype=np.float64)
        np.save(target.with_suffix(".grid.npy"), grid)


@functools.lru_cache(maxsize=1)
def land_mask() -> LandMask:
    """The memory-mapped mask: opened on first use, once per process; decompressed into the cache
    the first time on this machine. Nothing is loaded when this module is imported."""
    target = cache_dir() / f"{CACHE_VERSION}.npy"
    if not target.exists() or not target.with_suffix(".grid.npy").exists():
        _build_cache(target)
    ocean = np.load(target, mmap_mode="r")
    lat0, dlat, lon0, dlon = (float(v) for v in np.load(target.with_suffix(".grid.npy")))
    return LandMask(ocean=ocean, lat0=lat0, dlat=dlat, lon0=lon0, dlon=dlon)


def is_water(lon: float, lat: float) -> bool:
    """True when the mask cell holding (lon, lat) is sea (lakes count as land)."""
    return land_mask().is_water(lon, lat)
