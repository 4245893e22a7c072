"""Every shared capture file ingests without an exception and agrees with manifest.json."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ais_ingest.framing import Framer
from ais_ingest.process import Processor
from ais_ingest.stats import IngestStats
from tests.ais_ingest import corpus as C
from tests.ais_ingest.aisgen import bits_of, field


def _ingest(path: Path) -> tuple[IngestStats, Processor]:
    stats = IngestStats()
    proc = Processor(stats)
    framer = Framer(stats, proc.handle)
    framer.feed_lines(path.read_bytes().splitlines(), 1_700_000_000.0)
    framer.close()
    return stats, proc


def test_manifest_sha256_unchanged(ais_corpus: Path) -> None:
    for name, entry in C.manifest(ais_corpus).items():
        assert hashlib.sha256((ais_corpus / name).read_bytes()).hexdigest() == entry["sha256"]


def test_every_file_matches_manifest_counts(ais_corpus: Path) -> None:
    man = C.manifest(ais_corpus)
    assert len(C.files(ais_corpus)) == len(man) == 26
    total = 0
    for path in C.files(ais_corpus):
        stats, proc = _ingest(path)
        entry = man[path.name]
        text = path.read_bytes()
        # Documented deviations from the manifest's independent parser:
        # - talker "--" (null talker, `!--VDM`) is accepted here; its regex needs letters;
        # - fragment count 0 (`!AAVDM,0,1,...`) is invalid NMEA: rejected here, counted there.
        null_talker = text.count(b"!--VDM,1,1,")
        zero_count = text.count(b"VDM,0,")
        expected = entry["stats"]["messages"] + null_talker - zero_count
        assert stats.messages == expected, path.name
        assert stats.rejected["orphan_fragment"] == entry["stats"].get("orphan_fragments", 0)
        assert stats.balanced(), path.name
        assert stats.rejected["internal_error"] == 0
        assert stats.rejected["bad_checksum"] <= 2  # SAR.log has two corrupted lines
        total += stats.messages
        del proc
    assert total == 69_945 + 19 - 1


@pytest.mark.parametrize(
    ("file", "payload", "mmsi", "lat_raw", "lon_raw", "lat", "lon"),
    [
        # simpleais line 1 (1/10000 min units read off the bits by the naive decoder)
        ("simpleais__sample.ais", "14Wtnn002SGLde:BbrBmdTLF0Vql", 310327000,
         19577419, -71735899, 32.629032, -119.559832),
        # aisdb tag-block file, 3rd line: southern/eastern hemisphere
        ("aisdb__test_data_20211101.nm4", "15Di=4002i<chWiba2`rPpD:04;`", 357322000,
         -22396253, 106398968, -37.327088, 177.331613),
    ],
)  # fmt: skip
def test_hand_checked_positions_in_batches(
    ais_corpus: Path,
    file: str,
    payload: str,
    mmsi: int,
    lat_raw: int,
    lon_raw: int,
    lat: float,
    lon: float,
) -> None:
    bits = bits_of(payload)
    assert (field(bits, 8, 30), field(bits, 89, 27, True), field(bits, 61, 28, True)) == (
        mmsi,
        lat_raw,
        lon_raw,
    )
    assert (round(lat_raw / 600000, 6), round(lon_raw / 600000, 6)) == (lat, lon)
    _, proc = _ingest(ais_corpus / file)
    rows = [r for r in proc.batch.positions if r[0] == mmsi]
    assert rows, f"{mmsi} not in {file}"
    assert (rows[0][3], rows[0][2]) == (lat, lon)


def test_receive_times_follow_the_feed(ais_corpus: Path) -> None:
    _, proc = _ingest(ais_corpus / "simpleais__sample.ais")
    first = proc.batch.positions[0]
    # received at 1452468552.938 (the line's time); observed at the report's own second, :51
    assert first[1] == 1452468551.0
    _, proc = _ingest(ais_corpus / "aisdb__test_data_20211101.nm4")
    assert all(1635700000 < r[1] < 1635800000 for r in proc.batch.positions)
