"""The AIS vocabulary (sar_coord.core.ais): MMSI kinds per ITU-R M.585, checksum, six-bit text."""

from __future__ import annotations

import functools
import operator
import random

import pytest

from sar_coord.core.ais import (
    DEVICE_PREFIX,
    DISTRESS_KINDS,
    MMSI_MAX,
    NINE_DIGIT_MIN,
    MmsiKind,
    clean_sixbit_text,
    device_mmsi_range,
    distress_source,
    identity_unique,
    is_distress_device,
    is_nine_digit,
    is_sar_aircraft,
    mmsi_kind,
    nmea_checksum,
    nmea_checksum_hex,
)

K = MmsiKind


@pytest.mark.parametrize(
    ("mmsi", "kind"),
    [
        # ships: MIDxxxxxx, MID 201-775
        (201_000_000, K.SHIP),
        (247_123_456, K.SHIP),
        (538_004_030, K.SHIP),  # corpus: dma-aisabnormal drift track
        (775_999_999, K.SHIP),
        (200_999_999, K.NON_STANDARD),  # MID 200 is not allocated
        (776_000_000, K.NON_STANDARD),  # MID 776 is not allocated
        (800_000_000, K.NON_STANDARD),
        # coast stations: 00MIDxxxx
        (2_655_619, K.COAST_STATION),  # corpus: Hakefjord, a Swedish base station (type 8)
        (2_010_000, K.COAST_STATION),
        (7_759_999, K.COAST_STATION),
        (2_000_000, K.NON_STANDARD),  # 00200xxxx: no such MID
        (7_760_000, K.NON_STANDARD),
        # groups of ships: 0MIDxxxxx
        (20_100_000, K.GROUP),
        (36_994_760, K.GROUP),  # corpus: seattle.log (sent type 1 under a group-shaped MMSI)
        (77_599_999, K.GROUP),
        (77_600_000, K.NON_STANDARD),
        (10_000_000, K.NON_STANDARD),
        # SAR aircraft: 111MIDxxx
        (111_232_501, K.SAR_AIRCRAFT),  # corpus: dma-aislib stream, type 9
        (111_201_000, K.SAR_AIRCRAFT),
        (111_775_999, K.SAR_AIRCRAFT),
        (111_200_999, K.NON_STANDARD),
        (111_776_000, K.NON_STANDARD),
        # craft associated with a parent ship (98MIDxxxx) and aids to navigation (99MIDxxxx)
        (982_471_234, K.CRAFT_ASSOCIATED),
        (980_000_000, K.NON_STANDARD),
        (992_446_000, K.AID_TO_NAVIGATION),  # corpus: signalk gofree-merrimac, type 21
        (992_010_000, K.AID_TO_NAVIGATION),
        (997_759_999, K.AID_TO_NAVIGATION),
        (997_760_000, K.NON_STANDARD),
        # distress devices: 970 AIS-SART, 972 MOB, 974 EPIRB-AIS (xx manufacturer, yyyy serial)
        (970_227_235, K.AIS_SART),  # corpus: gfw mixed_types, type 14
        (970_000_000, K.AIS_SART),
        (970_999_999, K.AIS_SART),
        (972_000_001, K.MOB),
        (974_291_422, K.EPIRB),  # corpus: libais typeexamples, type 27
        (971_000_000, K.NON_STANDARD),
        (973_000_000, K.NON_STANDARD),
        (975_000_000, K.NON_STANDARD),
        # real odd MMSIs: kept, never dropped, but their identity is not unique
        (0, K.NON_STANDARD),  # corpus: SAR.log
        (60, K.NON_STANDARD),
        (5244, K.NON_STANDARD),
        (111_111_111, K.NON_STANDARD),  # corpus: seattle.log; 111 with MID 111
        (123_456_789, K.NON_STANDARD),  # corpus: SAR.log
        # outside nine digits
        (-1, K.NON_STANDARD),
        (MMSI_MAX, K.NON_STANDARD),  # 999999999: 99 with MID 999
        (MMSI_MAX + 1, K.NON_STANDARD),
        (2**30 - 1, K.NON_STANDARD),  # the largest value the 30-bit field carries
    ],
)
def test_mmsi_kind(mmsi: int, kind: MmsiKind) -> None:
    assert mmsi_kind(mmsi) is kind
    assert identity_unique(mmsi) is (kind is not K.NON_STANDARD)
    assert is_distress_device(mmsi) is (kind in DISTRESS_KINDS)
    assert is_sar_aircraft(mmsi) is (kind is K.SAR_AIRCRAFT)


def test_distress_devices_name_their_case_source_and_range() -> None:
    assert distress_source(970_123_456) == "ais_sart"
    assert distress_source(972_123_456) == "ais_mob"
    assert distress_source(974_123_456) == "ais_epirb"
    assert distress_source(247_000_001) is None
    assert distress_source(970) is None  # three digits are not a device
    assert set(DEVICE_PREFIX) == DISTRESS_KINDS
    for kind in DISTRESS_KINDS:
        r = device_mmsi_range(kind)
        assert len(r) == 1_000_000
        assert mmsi_kind(r.start) is kind and mmsi_kind(r[-1]) is kind
        assert mmsi_kind(r.start - 1) is not kind and mmsi_kind(r.stop) is not kind


def test_nine_digit_form() -> None:
    assert NINE_DIGIT_MIN == 100_000_000 and MMSI_MAX == 999_999_999
    assert is_nine_digit(100_000_000) and is_nine_digit(999_999_999)
    assert not is_nine_digit(99_999_999) and not is_nine_digit(1_000_000_000)
    assert not is_nine_digit(2_655_619)  # a coast station is not a vessel


REAL_SENTENCES = [
    # (text between the delimiter and '*', checksum as sent), all from /work/shared/data/ais
    ("AIVDM,1,1,,B,>>MAv8i<59B04=@UHD00000,2", "6E"),  # gfw mixed_types: AIS-SART type 14
    ("AIVDM,1,1,,A,KvQ:1o`7EBrBQ`?w,0", "37"),  # libais typeexamples: EPIRB type 27
    ("AIVDM,1,1,,B,91b55uOwww<tSF0l4Q@>4?h20h@B,0", "13"),  # dma-aislib: SAR aircraft type 9
    ("AIVDM,1,1,,A,100000?000G9MgfJL480001j08RB,0", "63"),  # SAR.log: MMSI 0
    ("ABVDM,1,1,,B,15N2Wl?P02oRV=nCBrNn3gvJ2@7T,0", "12"),  # simpleais: talker AB
    ("AIVDM,1,1,,A,15N2Wl?P02oRV=nCBrNn3gvJ2@7T,0", "1A"),  # same payload, talker AI
    ("s:42809,c:1635731889,t:1635731965", "6A"),  # aisdb: NMEA 4.10 tag block
    ("PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B", "5B"),  # dma-aislib: $PGHP
]


@pytest.mark.parametrize(("body", "sent"), REAL_SENTENCES)
def test_checksum_of_real_sentences(body: str, sent: str) -> None:
    assert nmea_checksum_hex(body) == sent
    assert nmea_checksum(body.encode("ascii")) == int(sent, 16)


def test_checksum_equals_a_plain_xor_for_every_length() -> None:
    rng = random.Random(7)
    for n in range(300):  # both sides of the 128-byte fast path
        body = bytes(rng.randrange(32, 127) for _ in range(n))
        assert nmea_checksum(body) == functools.reduce(operator.xor, body, 0), n


def test_checksum_catches_a_one_character_corruption() -> None:
    body, sent = REAL_SENTENCES[0]
    corrupted = body.replace("UHD", "UHE")
    assert nmea_checksum_hex(corrupted) != sent
    assert nmea_checksum(b"") == 0
    assert nmea_checksum_hex("A") == "41"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("ABC@@@@", "ABC"),
        ("NAME  @@JUNK", "NAME"),  # cut at the first '@': what follows is padding garbage
        ("MSC AURORA", "MSC AURORA"),
        ("SART ACTIVE         ", "SART ACTIVE"),
        ("@@@@@@@@", ""),
        ("", ""),
        ("  PADDED  @@", "PADDED"),
    ],
)
def test_clean_sixbit_text(raw: str, shown: str) -> None:
    assert clean_sixbit_text(raw) == shown
