"""Framing: prefixes, checksums, receive times and multipart reassembly."""

from __future__ import annotations

import io

from ais_ingest.framing import Framer, Message, parse_epoch
from ais_ingest.stats import IngestStats
from sar_coord.core.ais import nmea_checksum
from tests.ais_ingest.aisgen import multipart, sentence, type1

P1 = type1(244123456, 52.5, 4.25)
LINE = sentence(P1)


def run(lines: list[str], arrival_s: float = 1_700_000_000.0) -> tuple[list[Message], IngestStats]:
    stats = IngestStats()
    out: list[Message] = []
    framer = Framer(stats, out.append)
    framer.feed_lines([ln.encode() for ln in lines], arrival_s)
    framer.close()
    # every line is emitted in a message, rejected, or still buffered
    assert stats.received == sum(m[3] for m in out) + stats.rejected_total + stats.buffered
    return out, stats


def test_framer_checks_the_vocabulary_checksum_in_either_case() -> None:
    body = LINE[1 : LINE.index("*")]
    expected = nmea_checksum(body.encode())
    for hh, ok in ((f"{expected:02X}", 1), (f"{expected:02x}", 1), (f"{expected ^ 1:02X}", 0)):
        out, stats = run([f"!{body}*{hh}"])
        assert (len(out), stats.rejected.get("bad_checksum", 0)) == (ok, 1 - ok)


def test_plain_sentence_uses_arrival_time() -> None:
    out, stats = run([LINE], arrival_s=1_700_000_123.5)
    assert [(m[0].decode(), m[1], m[2], m[3]) for m in out] == [(P1, 0, 1_700_000_123.5, 1)]
    assert stats.received == 1 and not stats.rejected


def test_one_corrupted_character_is_rejected() -> None:
    # pitfall 8: a single flipped payload character moved a latitude ~195 km
    i = LINE.index(P1) + 12
    bad = LINE[:i] + ("0" if LINE[i] != "0" else "1") + LINE[i + 1 :]
    out, stats = run([bad])
    assert out == [] and stats.rejected == {"bad_checksum": 1}


def test_lowercase_checksum_accepted() -> None:
    body, hh = LINE[1:].split("*")
    out, _ = run([f"!{body}*{hh.lower()}"])
    assert len(out) == 1


def test_tag_block_c_time_and_any_talker() -> None:
    tag = "s:rORBCOMM,c:1418169601"
    line = f"\\{tag}*{nmea_checksum(tag.encode()):02X}\\" + sentence(P1, talker="BS")
    out, _ = run([line])
    assert out[0][2] == 1418169601.0


def test_bad_tag_block_keeps_sentence_but_not_its_time() -> None:
    line = "\\c:1418169601*00\\" + LINE
    out, stats = run([line], arrival_s=5e8)
    assert out[0][2] == 5e8 and stats.bad_tag_blocks == 1


def test_leading_timestamps_in_s_ms_ns() -> None:
    out, _ = run([f"1452468552.938 {LINE}", f"1550303566167 {LINE}", f"1550303566167726840 {LINE}"])
    assert [round(m[2], 3) for m in out] == [1452468552.938, 1550303566.167, 1550303566.168]


def test_pghp_wrapper_sets_time_of_next_sentence_only() -> None:
    body = "PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1"
    out, stats = run([f"${body}*{nmea_checksum(body.encode()):02X}", LINE, LINE], arrival_s=9e8)
    assert out[0][2] == 1276256771.39 and out[1][2] == 9e8
    assert stats.meta_lines == 1


def test_trailing_fields_and_uscg_time() -> None:
    out, _ = run([LINE + ",r003669946,1325394060", LINE + ",1daasd4218,,junk"], arrival_s=9e8)
    assert [m[2] for m in out] == [1325394060.0, 9e8]


def test_not_ais_and_garbage_counted() -> None:
    _, stats = run(["$GPRMC,092211.00,A,5759.09700,N*58", "foobar", "# comment", ""])
    assert stats.rejected == {"not_ais": 1, "malformed": 1} and stats.meta_lines == 1


def test_tag_block_must_be_followed_by_a_sentence_delimiter() -> None:
    # Found by the long fuzz run: a newline where the '!' belongs was taken as the delimiter.
    out, stats = run(["\\s:r1,c:1418169601*7A\\\nAIVDM,1,1,,A,13`dU0@01TNTL`1rAjP3Q2l00000,0*52"])
    assert out == [] and stats.rejected == {"malformed": 1}


def test_other_nmea_fast_lane_matches_the_full_path() -> None:
    lines = ["$IIHDG,238.5,,,0.2,E*1F", "$PGHP,1,2016,1,10,23,29,12,938,219,,,1,55*1C", LINE]
    out, stats = run(lines)
    assert stats.rejected == {"not_ais": 1} and stats.meta_lines == 1 and len(out) == 1
    stats_dl = IngestStats()
    stats_dl.dead_letter = io.BytesIO()  # with a dead letter, the full path runs instead
    Framer(stats_dl, lambda m: None).feed_lines([ln.encode() for ln in lines], 0.0)
    assert stats_dl.rejected == stats.rejected
    assert stats_dl.dead_letter.getvalue() == b"not_ais\t$IIHDG,238.5,,,0.2,E*1F\n"


def test_multipart_in_order_assembles() -> None:
    payload = "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880"
    out, stats = run(multipart(payload, 2, 2))
    assert [(m[0].decode(), m[1], m[3]) for m in out] == [(payload, 2, 2)]
    assert stats.buffered == 0


def test_multipart_reversed_is_never_assembled() -> None:
    # pitfall 8: decode(part2, part1) silently yields a bogus message
    parts = multipart("55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8", 2, 2)
    out, stats = run(list(reversed(parts)))
    assert out == []
    assert stats.rejected == {"orphan_fragment": 1, "incomplete_group": 1}


def test_multipart_interleaved_with_other_traffic_and_channels() -> None:
    a = multipart("A" * 60, 0, 3, seq="1", channel="A")
    b = multipart("B" * 60, 0, 3, seq="1", channel="B")
    lines = [a[0], b[0], LINE, a[1], b[1], LINE, b[2], a[2]]
    out, stats = run(lines)
    assert sorted(m[0].decode()[:1] for m in out) == ["1", "1", "A", "B"]
    assert not stats.rejected


def test_duplicate_fragment_breaks_group() -> None:
    a = multipart("A" * 60, 0, 3, seq="1")
    out, stats = run([a[0], a[1], a[1], a[2]])
    assert out == []
    assert stats.rejected["out_of_order"] == 3 and stats.rejected["orphan_fragment"] == 1


def test_bounded_buffer_evicts_oldest() -> None:
    stats = IngestStats()
    out: list[Message] = []
    framer = Framer(stats, out.append, max_groups=4)
    for seq in range(9):
        framer.feed(multipart("C" * 40, 0, 2, seq=str(seq))[0].encode(), 0.0)
    assert framer.pending_groups == 4
    assert stats.rejected == {"buffer_full": 5} and stats.buffered_fragments == 4
    assert stats.balanced()


def test_timeout_evicts_stale_groups() -> None:
    stats = IngestStats()
    framer = Framer(stats, lambda m: None, group_timeout_s=10.0)
    first, second = multipart("C" * 40, 0, 2)
    framer.feed(first.encode(), 100.0)
    framer.expire(105.0)
    assert framer.pending_groups == 1
    framer.expire(111.0)
    assert framer.pending_groups == 0 and stats.rejected == {"incomplete_group": 1}
    framer.feed(second.encode(), 112.0)
    assert stats.rejected["orphan_fragment"] == 1 and stats.balanced()


def test_parse_epoch_rejects_implausible() -> None:
    assert parse_epoch(b"12") is None and parse_epoch(b"nan") is None
    assert parse_epoch(b"abc") is None and parse_epoch(b"1e300") is None


def test_leading_timestamp_then_tag_block_prefers_tag_time() -> None:
    tag = "c:1418169601"
    line = f"1452468552.938 \\{tag}*{nmea_checksum(tag.encode()):02X}\\{LINE}"
    out, _ = run([line, "1452468552.938"])
    assert [m[2] for m in out] == [1418169601.0]


def _nmea(body: str) -> str:
    return f"${body}*{nmea_checksum(body.encode()):02X}"


def test_log_gps_clock_dates_untimed_sentences_and_marks_them_timed() -> None:
    rmc = _nmea("GPRMC,092211.00,A,5759.09700,N,01144.34344,E,5.257,28.27,200715,,,A")
    out, stats = run([rmc, LINE, LINE], arrival_s=1_800_000_000.0)
    # 2015-07-20 09:22:11 UTC, from the logger's own GPS fix, not the replay's arrival
    assert [(m[2], m[5]) for m in out] == [(1437384131.0, True), (1437384131.0, True)]
    assert stats.rejected == {"not_ais": 1}


def test_void_gps_fix_is_no_clock() -> None:
    rmc = _nmea("GPRMC,092211.00,V,,,,,,,200715,,,N")
    out, _ = run([rmc, LINE], arrival_s=1_800_000_000.0)
    assert [(m[2], m[5]) for m in out] == [(1_800_000_000.0, False)]


def test_arrival_time_is_timed_only_on_a_live_feed() -> None:
    for live in (False, True):
        out: list[Message] = []
        framer = Framer(IngestStats(), out.append, live=live)
        framer.feed_lines([LINE.encode()], 1_700_000_000.0)
        assert [(m[2], m[5]) for m in out] == [(1_700_000_000.0, live)]
