"""C2SP tlog-checkpoint bodies in C2SP signed notes, Ed25519 keys kept in a file outside the DB."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519_TYPE = b"\x01"
SIG_PREFIX = "\u2014 "
MAX_SIGNATURES = 16


class CheckpointError(ValueError):
    """A checkpoint or signed note is malformed, unsigned, or its signature is wrong."""


def _check_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise CheckpointError(f"invalid key name {name!r}: no spaces or '+' allowed")


def key_id(name: str, public_key: bytes) -> bytes:
    """Return the 4-byte key ID: SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519_TYPE + public_key).digest()[:4]


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: origin line, tree size, root hash, optional extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = field(default=())

    def body(self) -> str:
        """Return the checkpoint note text (ends in a newline)."""
        if not self.origin or "\n" in self.origin:
            raise CheckpointError("origin must be one non-empty line")
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint body (the note text, without signatures)."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint needs origin, size and root hash lines")
        origin, size_s, root_s, *ext = lines
        if not origin:
            raise CheckpointError("empty origin line")
        if not size_s.isdigit() or (size_s != "0" and size_s.startswith("0")):
            raise CheckpointError(f"bad tree size {size_s!r}")
        try:
            root_hash = base64.b64decode(root_s, validate=True)
        except binascii.Error as exc:
            raise CheckpointError(f"bad root hash encoding: {exc}") from exc
        if len(root_hash) != 32:
            raise CheckpointError("root hash must be 32 bytes")
        if any(not e for e in ext):
            raise CheckpointError("empty extension line")
        return cls(origin, int(size_s), root_hash, tuple(ext))


class NoteSigner:
    """An Ed25519 signer for C2SP signed notes."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        """Bind a key name (schema-less URL, no spaces or '+') to a private key."""
        _check_name(name)
        self.name = name
        self._key = private_key
        self.public_key = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id(name, self.public_key)

    def sign(self, text: str) -> str:
        """Return the signed note: text, blank line, one signature line."""
        if not text.endswith("\n"):
            raise CheckpointError("note text must end with a newline")
        sig = self._key.sign(text.encode())
        return f"{text}\n{SIG_PREFIX}{self.name} {base64.b64encode(self.key_id + sig).decode()}\n"

    def verifier_key(self) -> str:
        """Return the public verifier key string `name+hexkeyid+base64(0x01||pubkey)`."""
        enc = base64.b64encode(ED25519_TYPE + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{enc}"

    def verifier(self) -> NoteVerifier:
        """Return the matching verifier."""
        return NoteVerifier(self.name, self.public_key)


class NoteVerifier:
    """Verifies Ed25519 signature lines from one known key."""

    def __init__(self, name: str, public_key: bytes) -> None:
        """Bind a key name to a 32-byte Ed25519 public key."""
        _check_name(name)
        self.name = name
        self.public_key = public_key
        self._key = Ed25519PublicKey.from_public_bytes(public_key)
        self.key_id = key_id(name, public_key)

    @classmethod
    def from_key_string(cls, vkey: str) -> NoteVerifier:
        """Parse a verifier key string `name+hexkeyid+base64(0x01||pubkey)`."""
        try:
            name, hex_id, b64 = vkey.strip().split("+", 2)
            raw = base64.b64decode(b64, validate=True)
            expected_id = bytes.fromhex(hex_id)
        except (ValueError, binascii.Error) as exc:
            raise CheckpointError(f"malformed verifier key: {exc}") from exc
        if len(raw) != 33 or raw[:1] != ED25519_TYPE:
            raise CheckpointError("verifier key is not an Ed25519 key")
        v = cls(name, raw[1:])
        if v.key_id != expected_id:
            raise CheckpointError("verifier key id does not match the key")
        return v

    def verify(self, text: str, sig: bytes) -> bool:
        """Return whether `sig` is this key's signature over `text`."""
        try:
            self._key.verify(sig, text.encode())
        except InvalidSignature:
            return False
        return True


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Split a signed note into its text and (key name, key id || signature) pairs."""
    if "\r" in note or any(ord(c) < 0x20 and c != "\n" for c in note):
        raise CheckpointError("signed note contains control characters")
    idx = note.rfind("\n\n")
    if idx < 0 or not note.endswith("\n"):
        raise CheckpointError("signed note has no signature block")
    text, sig_block = note[: idx + 1], note[idx + 2 :]
    sigs: list[tuple[str, bytes]] = []
    for line in sig_block[:-1].split("\n"):
        if not line.startswith(SIG_PREFIX):
            raise CheckpointError(f"malformed signature line {line!r}")
        name, _, b64 = line[len(SIG_PREFIX) :].partition(" ")
        try:
            raw = base64.b64decode(b64, validate=True)
        except binascii.Error as exc:
            raise CheckpointError(f"bad signature encoding: {exc}") from exc
        if not name or len(raw) < 5:
            raise CheckpointError(f"malformed signature line {line!r}")
        sigs.append((name, raw))
    if len(sigs) > MAX_SIGNATURES:
        raise CheckpointError("too many signatures")
    return text, sigs


def open_checkpoint(note: str, verifiers: list[NoteVerifier]) -> Checkpoint:
    """Verify a signed checkpoint against known keys and return it; raise CheckpointError."""
    text, sigs = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    verified = 0
    for name, raw in sigs:
        v = known.get((name, raw[:4]))
        if v is None:
            continue  # signatures from unknown keys are ignored (C2SP signed-note)
        if not v.verify(text, raw[4:]):
            raise CheckpointError(f"bad signature from key {name}")
        verified += 1
    if not verified:
        raise CheckpointError("no signature from a trusted key")
    return Checkpoint.parse(text)


def _private_key_string(name: str, key: Ed25519PrivateKey) -> str:
    seed = key.private_bytes_raw()
    pub = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    enc = base64.b64encode(ED25519_TYPE + seed).decode()
    return f"PRIVATE+KEY+{name}+{key_id(name, pub).hex()}+{enc}\n"


def load_or_create_signer(path: Path, name: str) -> NoteSigner:
    """Load the signing key file at `path`, creating it with mode 0600 if absent."""
    _check_name(name)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_or_create_signer(path, name)  # another process won the race
        with os.fdopen(fd, "w") as fh:
            fh.write(_private_key_string(name, key))
        return NoteSigner(name, key)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise CheckpointError(f"signing key {path} is readable by others (mode {mode:o})")
    signer = signer_from_key_string(path.read_text())
    if signer.name != name:
        raise CheckpointError(f"signing key {path} is for {signer.name!r}, not {name!r}")
    return signer


def signer_from_key_string(skey: str) -> NoteSigner:
    """Parse a private key string `PRIVATE+KEY+name+hexkeyid+base64(0x01||seed)`."""
    parts = skey.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise CheckpointError("malformed signing key")
    try:
        raw = base64.b64decode(parts[4], validate=True)
        expected_id = bytes.fromhex(parts[3])
    except (ValueError, binascii.Error) as exc:
        raise CheckpointError(f"malformed signing key: {exc}") from exc
    if raw[:1] != ED25519_TYPE or len(raw) != 33:
        raise CheckpointError("signing key is not an Ed25519 key")
    signer = NoteSigner(parts[2], Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.key_id != expected_id:
        raise CheckpointError("signing key id does not match the key")
    return signer
