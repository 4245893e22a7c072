"""Independent test helpers: a naive bit-string AIS encoder/decoder and NMEA sentence builder."""

from __future__ import annotations

from sar_coord.core.ais import nmea_checksum_hex


def sixbit_char(v: int) -> str:
    """6-bit value to AIS armour character."""
    return chr(v + 48 if v < 40 else v + 56)


def char_sixbit(c: str) -> int:
    """AIS armour character to 6-bit value."""
    v = ord(c) - 48
    return v - 8 if v > 40 else v


def bits_of(payload: str, fill: int = 0) -> str:
    """Payload as a '0'/'1' string (fill bits removed)."""
    bits = "".join(format(char_sixbit(c), "06b") for c in payload)
    return bits[: len(bits) - fill] if fill else bits


def field(bits: str, start: int, width: int, signed: bool = False) -> int:
    """Naive field extraction from a bit string."""
    v = int(bits[start : start + width], 2)
    if signed and v >> (width - 1):
        v -= 1 << width
    return v


def encode_fields(fields: list[tuple[int, int]]) -> tuple[str, int]:
    """(value, width) pairs (two's complement for negatives) to (payload, fill bits)."""
    bits = "".join(format(v & ((1 << w) - 1), f"0{w}b") for v, w in fields)
    fill = (-len(bits)) % 6
    bits += "0" * fill
    return "".join(sixbit_char(int(bits[i : i + 6], 2)) for i in range(0, len(bits), 6)), fill


def type1(
    mmsi: int,
    lat: float,
    lon: float,
    *,
    sog_raw: int = 100,
    cog_raw: int = 900,
    heading: int = 90,
    status: int = 0,
    msg_type: int = 1,
    second: int = 60,
) -> str:
    """A 168-bit type 1/2/3 payload (UTC second 60: not available)."""
    payload, fill = encode_fields(
        [
            (msg_type, 6), (0, 2), (mmsi, 30), (status, 4), (0, 8), (sog_raw, 10), (0, 1),
            (round(lon * 600000), 28), (round(lat * 600000), 27), (cog_raw, 12), (heading, 9),
            (second, 6), (0, 2), (0, 3), (0, 1), (0, 19),
        ]
    )  # fmt: skip
    assert fill == 0 and len(payload) == 28
    return payload


def type14(mmsi: int, text: str) -> tuple[str, int]:
    """A type 14 safety broadcast payload."""
    chars = [(ord(c) - 64 if ord(c) >= 64 else ord(c)) & 63 for c in text.upper()]
    return encode_fields([(14, 6), (0, 2), (mmsi, 30), (0, 2), *[(c, 6) for c in chars]])


def sentence(
    payload: str,
    fill: int = 0,
    *,
    count: int = 1,
    num: int = 1,
    seq: str = "",
    channel: str = "A",
    talker: str = "AI",
) -> str:
    """A complete !xxVDM sentence with a valid checksum."""
    body = f"{talker}VDM,{count},{num},{seq},{channel},{payload},{fill}"
    return f"!{body}*{nmea_checksum_hex(body)}"


def multipart(payload: str, fill: int, parts: int, seq: str = "3", channel: str = "B") -> list[str]:
    """Split a payload into `parts` fragments (fill on the last)."""
    size = -(-len(payload) // parts)
    chunks = [payload[i * size : (i + 1) * size] for i in range(parts)]
    return [
        sentence(c, fill if i == parts - 1 else 0, count=parts, num=i + 1, seq=seq, channel=channel)
        for i, c in enumerate(chunks)
    ]


def text6(text: str, chars: int) -> list[tuple[int, int]]:
    """AIS 6-bit text field of `chars` characters, '@'-padded."""
    text = text.upper().ljust(chars, "@")[:chars]
    return [((ord(c) - 64 if ord(c) >= 64 else ord(c)) & 63, 6) for c in text]


def type5(
    mmsi: int, name: str, call_sign: str, ship_type: int, destination: str
) -> tuple[str, int]:
    """A type 5 static and voyage payload (424 bits + fill) with 100 m x 20 m, draught 8.5 m."""
    return encode_fields(
        [
            (5, 6), (0, 2), (mmsi, 30), (0, 2), (9123456, 30),
            *text6(call_sign, 7), *text6(name, 20),
            (ship_type, 8), (80, 9), (20, 9), (10, 6), (10, 6), (1, 4), (5, 4), (20, 5), (12, 5),
            (30, 6), (85, 8), *text6(destination, 20), (0, 1), (0, 1),
        ]
    )  # fmt: skip


def type24(
    mmsi: int,
    part: int,
    *,
    name: str = "",
    call_sign: str = "",
    ship_type: int = 0,
    length_m: int = 0,
) -> tuple[str, int]:
    """A type 24 part A (name, 160 bits) or part B (ship type, call sign, bow = length) payload."""
    if part == 0:
        return encode_fields([(24, 6), (0, 2), (mmsi, 30), (0, 2), *text6(name, 20)])
    return encode_fields(
        [
            (24, 6), (0, 2), (mmsi, 30), (1, 2), (ship_type, 8), *text6("", 7),
            *text6(call_sign, 7), (length_m, 9), (0, 9), (0, 6), (0, 6), (0, 6),
        ]
    )  # fmt: skip
