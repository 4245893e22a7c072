"""Signed-note checkpoints: reference vectors, round trips, tampering, key file handling."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sar_coord.audit import merkle
from sar_coord.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    NoteVerifier,
    load_or_create_signer,
    open_checkpoint,
    signer_from_key_string,
    split_note,
)

# Reference example from golang.org/x/mod/sumdb/note (the signed-note reference implementation).
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
    "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_reference_signed_note_byte_for_byte() -> None:
    signer = signer_from_key_string(GO_SKEY)
    assert signer.key_id.hex() == "c74f20a3"
    assert signer.verifier_key() == GO_VKEY
    assert signer.sign(GO_TEXT) == GO_NOTE
    v = NoteVerifier.from_key_string(GO_VKEY)
    text, sigs = split_note(GO_NOTE)
    assert text == GO_TEXT
    assert v.verify(text, sigs[0][1][4:])


def test_checkpoint_round_trip_and_tamper(tmp_path: Path) -> None:
    signer = signer_from_key_string(GO_SKEY)
    cp = Checkpoint("sar-coord.test/log", 7, merkle.root([b"a"] * 7))
    note = signer.sign(cp.body())
    assert note.startswith("sar-coord.test/log\n7\n")
    assert open_checkpoint(note, [signer.verifier()]) == cp
    with pytest.raises(CheckpointError, match="bad signature"):
        open_checkpoint(note.replace("\n7\n", "\n8\n", 1), [signer.verifier()])
    other = load_or_create_signer(tmp_path / "other.key", "PeterNeumann")
    with pytest.raises(CheckpointError, match="no signature from a trusted key"):
        open_checkpoint(note, [other.verifier()])


@pytest.mark.parametrize(
    "body",
    [
        "origin\n7\n",
        "origin\n07\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "origin\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "origin\n1\nAAAA\n",
        "origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    ],
)
def test_malformed_checkpoints_rejected(body: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.parse(body)


def test_key_file_created_0600_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "log.key"
    s1 = load_or_create_signer(path, "sar-coord.test/log")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    s2 = load_or_create_signer(path, "sar-coord.test/log")
    assert s1.public_key == s2.public_key
    with pytest.raises(CheckpointError, match="not 'other"):
        load_or_create_signer(path, "other.test/log")
    os.chmod(path, 0o644)
    with pytest.raises(CheckpointError, match="readable by others"):
        load_or_create_signer(path, "sar-coord.test/log")


def test_bad_key_names_rejected(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError):
        load_or_create_signer(tmp_path / "k", "has space")
    with pytest.raises(CheckpointError):
        load_or_create_signer(tmp_path / "k", "a+b")
