"""Offline verifier and `audit verify` CLI on exports built in memory."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sar_coord.audit import merkle
from sar_coord.audit.checkpoint import Checkpoint, NoteSigner, load_or_create_signer
from sar_coord.audit.cli import app
from sar_coord.audit.entry import b64, encode_entry
from sar_coord.audit.export import build_export, demo_log
from sar_coord.audit.verify import verify_export

ORIGIN = "sar-coord.test/log"
AT = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.fixture
def signer(tmp_path: Path) -> NoteSigner:
    return load_or_create_signer(tmp_path / "log.key", ORIGIN)


def make_export(signer: NoteSigner, n: int = 10, every: int = 4) -> dict[str, Any]:
    rows, notes = demo_log(signer, ORIGIN, [{"case": i % 3, "n": i} for i in range(n)], AT, every)
    return build_export(
        origin=ORIGIN, verifier_key=signer.verifier_key(), rows=rows, checkpoint_notes=notes
    )


def test_clean_export_verifies(signer: NoteSigner) -> None:
    doc = make_export(signer)
    r = verify_export(doc, verifier_key=signer.verifier_key())
    assert r.ok, r.problems
    assert r.entries == 10 and r.checkpoints_verified == 3
    assert r.latest_checkpoint is not None and r.latest_checkpoint.size == 10


def _flip_byte(doc: dict[str, Any], i: int) -> None:
    import base64

    raw = bytearray(base64.b64decode(doc["entries"][i]["entry"]))
    raw[-3] ^= 0x01
    doc["entries"][i]["entry"] = b64(bytes(raw))


def test_changed_byte_caught_even_with_recomputed_leaf_hash(signer: NoteSigner) -> None:
    doc = make_export(signer)
    _flip_byte(doc, 5)
    r = verify_export(doc)
    assert any("altered" in p for p in r.problems)
    import base64

    doc["entries"][5]["leaf_hash"] = merkle.leaf_hash(
        base64.b64decode(doc["entries"][5]["entry"])
    ).hex()
    r = verify_export(doc)
    assert any("differs from the signed root" in p for p in r.problems)


def test_deleted_swapped_truncated(signer: NoteSigner) -> None:
    base = make_export(signer)
    deleted = copy.deepcopy(base)
    del deleted["entries"][3]
    assert any("missing" in p for p in verify_export(deleted).problems)

    swapped = copy.deepcopy(base)
    e = swapped["entries"]
    e[2], e[6] = e[6], e[2]
    e[2]["index"], e[6]["index"] = 2, 6
    assert any("swapped" in p for p in verify_export(swapped).problems)

    truncated = copy.deepcopy(base)
    truncated["entries"] = truncated["entries"][:7]
    assert any("tail" in p for p in verify_export(truncated).problems)


def test_truncation_caught_by_trusted_checkpoint_when_checkpoints_also_dropped(
    signer: NoteSigner,
) -> None:
    base = make_export(signer)
    trusted = base["checkpoints"][-1]["note"]
    cut = copy.deepcopy(base)
    cut["entries"] = cut["entries"][:8]
    cut["checkpoints"] = cut["checkpoints"][:2]
    assert verify_export(cut).ok
    r = verify_export(cut, trusted_note=trusted)
    assert any("truncated" in p for p in r.problems)


def test_equivocation(signer: NoteSigner) -> None:
    doc = make_export(signer)
    fork = [encode_entry(i, "test", AT, {"forked": i}) for i in range(10)]
    other_root = merkle.root(fork)
    doc["checkpoints"].append({"note": signer.sign(Checkpoint(ORIGIN, 10, other_root).body())})
    r = verify_export(doc)
    assert any("split view" in p for p in r.problems)


def test_rewritten_history_inconsistent_with_trusted(signer: NoteSigner) -> None:
    old = make_export(signer, n=6, every=6)
    trusted = old["checkpoints"][-1]["note"]
    rows, notes = demo_log(signer, ORIGIN, [{"rewritten": i} for i in range(12)], AT, 6)
    new = build_export(
        origin=ORIGIN, verifier_key=signer.verifier_key(), rows=rows, checkpoint_notes=notes
    )
    assert verify_export(new).ok
    r = verify_export(new, trusted_note=trusted)
    assert any("not consistent with the trusted checkpoint" in p for p in r.problems)
    grown = make_export(signer, n=13, every=5)
    assert verify_export(grown, trusted_note=trusted).ok


def test_replaced_key_caught_by_pinned_key(signer: NoteSigner, tmp_path: Path) -> None:
    doc = make_export(signer)
    mallory = load_or_create_signer(tmp_path / "mallory.key", ORIGIN)
    forged = make_export(mallory)
    assert verify_export(forged).ok  # self-certifying export alone proves nothing
    r = verify_export(forged, verifier_key=signer.verifier_key())
    assert any("no signature from a trusted key" in p for p in r.problems)
    r = verify_export(forged, trusted_note=doc["checkpoints"][0]["note"])
    assert not r.ok


def test_cli_exit_codes(signer: NoteSigner, tmp_path: Path) -> None:
    doc = make_export(signer)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc))
    trusted = tmp_path / "trusted.note"
    trusted.write_text(doc["checkpoints"][0]["note"])
    runner = CliRunner()
    res = runner.invoke(app, ["verify", str(good), "--trusted-checkpoint", str(trusted)])
    assert res.exit_code == 0, res.output
    assert "OK: 10 entries" in res.output
    _flip_byte(doc, 0)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    res = runner.invoke(app, ["verify", str(bad), "--verifier-key", signer.verifier_key()])
    assert res.exit_code == 1
    assert "FAIL" in res.output
    res = runner.invoke(app, ["verify", str(tmp_path / "missing.json")])
    assert res.exit_code == 2


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: d.update(format="other/v9"),
        lambda d: d.update(entries="nope"),
        lambda d: d["entries"].__setitem__(1, "not an object"),
        lambda d: d["entries"][2].__setitem__("entry", "%%%not base64"),
        lambda d: d["checkpoints"].__setitem__(0, {"note": "garbage"}),
        lambda d: d.update(verifier_key="bad+key+AAAA"),
    ],
    ids=["format", "entries-type", "entry-type", "entry-b64", "checkpoint-note", "key"],
)
def test_malformed_exports_fail_cleanly(signer: NoteSigner, mangle: Any) -> None:
    doc = make_export(signer)
    mangle(doc)
    r = verify_export(doc)
    assert not r.ok and r.problems
