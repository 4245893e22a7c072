"""The GLOBE 1 km land mask (global-land-mask package), memory-mapped from a local cache.

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


@dataclass(frozen=True)
class LandMask:
    """The mask (True = water) on a regular lat/lon grid, WGS 84 degrees."""

    ocean: np.ndarray[Any, np.dtype[np.bool_]]
    lat0: float
    dlat: float
    lon0: float
    dlon: float


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
    """The memory-mapped mask, decompressed into the cache on first use on this machine."""
    target = cache_dir() / f"{CACHE_VERSION}.npy"
    if not target.exists() or not target.with_suffix(".grid.npy").exists():
        _build_cache(target)
    ocean = np.load(target, mmap_mode="r")
    lat0, dlat, lon0, dlon = (float(v) for v in np.load(target.with_suffix(".grid.npy")))
    return LandMask(ocean=ocean, lat0=lat0, dlat=dlat, lon0=lon0, dlon=dlon)


def is_water(lon: float, lat: float) -> bool:
    """True when the mask cell holding (lon, lat) is water."""
    m = land_mask()
    rows, cols = m.ocean.shape
    r = min(max(int((lat - m.lat0) / m.dlat), 0), rows - 1)
    c = min(max(int((lon - m.lon0) / m.dlon), 0), cols - 1)
    return bool(m.ocean[r, c])
