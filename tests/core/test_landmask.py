"""The one land mask (sar_coord.core.landmask): agrees with global-land-mask, opened lazily once."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np

from sar_coord.core.landmask import is_water, land_mask


def test_mask_agrees_with_global_land_mask() -> None:
    from global_land_mask import globe  # the package's own lookup: the reference

    rng = np.random.default_rng(5)
    lat = np.concatenate([rng.uniform(35.7, 36.2, 5000), rng.uniform(-89.9, 89.9, 5000)])
    lon = np.concatenate([rng.uniform(14.0, 14.7, 5000), rng.uniform(-179.9, 179.9, 5000)])
    truth = globe.is_ocean(lat, lon)
    assert truth.any() and not truth.all()
    mask = land_mask()
    assert (mask.ocean[mask.rows(lat), mask.cols(lon)] == truth).all()
    assert [is_water(a, b) for a, b in zip(lon[:500], lat[:500], strict=True)] == list(truth[:500])
    assert not is_water(14.25, 36.04)  # Gozo
    assert is_water(12.0, 35.0)  # open sea between Lampedusa and Malta


def test_indices_clamp_to_the_grid() -> None:
    mask = land_mask()
    rows, cols = mask.ocean.shape
    assert mask.row(90.0) == 0 and mask.row(-90.0) == rows - 1
    assert mask.col(-180.0) == 0 and mask.col(180.0) == cols - 1
    assert list(mask.rows(np.array([95.0, -95.0]))) == [0, rows - 1]


def test_nothing_loads_at_import_and_the_mask_opens_once() -> None:
    code = textwrap.dedent(
        """
        import sys
        import sar_coord.main, sar_coord.core.geo, alerts.matching.water
        import ais_ingest.simulator.geo, ais_ingest.simulator.runner
        from sar_coord.core.landmask import is_water, land_mask
        assert land_mask.cache_info().currsize == 0, "mask opened at import"
        assert "global_land_mask" not in sys.modules, "package imported at import"
        from ais_ingest.simulator.geo import is_land
        assert is_land(36.04, 14.25) and is_water(12.0, 35.0)
        assert land_mask() is land_mask()
        info = land_mask.cache_info()
        assert info.currsize == 1 and info.misses == 1, info
        print("ok")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
