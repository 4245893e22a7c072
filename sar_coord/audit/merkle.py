"""RFC 9162 Merkle tree: hashes, roots, inclusion and consistency proofs (pure, no I/O)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof or tree-size argument is invalid or does not verify."""


def leaf_hash(entry: bytes) -> bytes:
    """Return SHA-256(0x00 || entry), the RFC 9162 leaf hash."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return SHA-256(0x01 || left || right), the RFC 9162 interior node hash."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Return the largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """Return the Merkle tree hash MTH of the given leaf hashes (empty tree: SHA-256 of "")."""
    acc = CompactRange()
    for h in hashes:
        acc.append(h)
    return acc.root()


def root(entries: Iterable[bytes]) -> bytes:
    """Return the Merkle tree hash of raw entries."""
    return root_from_leaf_hashes([leaf_hash(e) for e in entries])


class CompactRange:
    """Incremental tree head: perfect-subtree hashes for the set bits of the size, O(log n)."""

    def __init__(self) -> None:
        """Start an empty tree."""
        self.size = 0
        self._stack: list[bytes] = []

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        h = leaf
        n = self.size
        while n & 1:
            h = node_hash(self._stack.pop(), h)
            n >>= 1
        self._stack.append(h)
        self.size += 1

    @classmethod
    def from_state(cls, size: int, state: bytes) -> CompactRange:
        """Rebuild from `size` and `state()` bytes (one hash per set bit of size, largest first)."""
        hashes = [state[i : i + HASH_SIZE] for i in range(0, len(state), HASH_SIZE)]
        if len(state) % HASH_SIZE or len(hashes) != size.bit_count():
            raise ProofError(f"compact range of {len(hashes)} hashes does not fit size {size}")
        acc = cls()
        acc.size, acc._stack = size, hashes
        return acc

    def state(self) -> bytes:
        """Return the perfect-subtree hashes, concatenated (to resume appending later)."""
        return b"".join(self._stack)

    def root(self) -> bytes:
        """Return the tree hash for the current size."""
        if not self._stack:
            return EMPTY_ROOT
        h = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            h = node_hash(left, h)
        return h


def _mth(hashes: Sequence[bytes], lo: int, hi: int) -> bytes:
    """Reference MTH of hashes[lo:hi] straight from the RFC definition (tests compare to it)."""
    if hi - lo == 1:
        return hashes[lo]
    k = _split(hi - lo)
    return node_hash(_mth(hashes, lo, lo + k), _mth(hashes, lo + k, hi))


class MerkleTree:
    """All perfect aligned subtree hashes of a list of leaf hashes: O(n) to build, then roots
    and proofs for any size in O(log^2 n) (every left child in the RFC tree is perfect)."""

    def __init__(self, hashes: Sequence[bytes]) -> None:
        """Build the levels; level k holds hashes of aligned subtrees of 2**k leaves."""
        self.levels: list[list[bytes]] = [list(hashes)]
        while len(self.levels[-1]) > 1:
            lv = self.levels[-1]
            self.levels.append([node_hash(lv[i], lv[i + 1]) for i in range(0, len(lv) - 1, 2)])

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self.levels[0])

    def subtree(self, lo: int, hi: int) -> bytes:
        """Return MTH of leaves [lo, hi) (hi > lo)."""
        width = hi - lo
        if width & (width - 1) == 0 and lo % width == 0:
            return self.levels[width.bit_length() - 1][lo // width]
        k = _split(width)
        return node_hash(self.subtree(lo, lo + k), self.subtree(lo + k, hi))

    def root(self, size: int | None = None) -> bytes:
        """Return the tree hash of the first `size` leaves (default all)."""
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ProofError(f"tree size {size} out of range (have {self.size} leaves)")
        return self.subtree(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """Return the audit path for leaf `index` in the tree of the first `size` leaves."""
        if not 0 <= index < size <= self.size:
            raise ProofError(f"leaf index {index} out of range for tree size {size}")
        path: list[bytes] = []
        lo, hi, m = 0, size, index
        # Collected top-down, emitted bottom-up (RFC order: the leaf's sibling first).
        while hi - lo > 1:
            k = _split(hi - lo)
            if m < k:
                path.append(self.subtree(lo + k, hi))
                hi = lo + k
            else:
                path.append(self.subtree(lo, lo + k))
                lo, m = lo + k, m - k
        return path[::-1]

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        """Return the RFC 9162 consistency proof between tree sizes size1 <= size2."""
        if not 0 <= size1 <= size2 <= self.size:
            raise ProofError(f"bad sizes {size1} -> {size2} (have {self.size} leaves)")
        if size1 == 0 or size1 == size2:
            return []
        path: list[bytes] = []
        lo, hi, m, complete = 0, size2, size1, True
        while m != hi - lo:
            k = _split(hi - lo)
            if m <= k:
                path.append(self.subtree(lo + k, hi))
                hi = lo + k
            else:
                path.append(self.subtree(lo, lo + k))
                lo, m, complete = lo + k, m - k, False
        if not complete:
            path.append(self.subtree(lo, hi))
        return path[::-1]


def inclusion_proof(hashes: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """Return the audit path for leaf `index` in the tree of the first `size` leaf hashes."""
    if not 0 <= index < size <= len(hashes):
        raise ProofError(f"leaf index {index} out of range for tree size {size}")
    return MerkleTree(hashes[:size]).inclusion_proof(index, size)


def consistency_proof(hashes: Sequence[bytes], size1: int, size2: int) -> list[bytes]:
    """Return the RFC 9162 consistency proof between tree sizes size1 <= size2."""
    if not 0 <= size1 <= size2 <= len(hashes):
        raise ProofError(f"bad sizes {size1} -> {size2} (have {len(hashes)} leaves)")
    return MerkleTree(hashes[:size2]).consistency_proof(size1, size2)


def _check_hash(name: str, h: bytes) -> None:
    if len(h) != HASH_SIZE:
        raise ProofError(f"{name} must be {HASH_SIZE} bytes, got {len(h)}")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """Recompute the root from a leaf hash and its audit path (RFC 9162 section 2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} out of range for tree size {size}")
    _check_hash("leaf hash", leaf)
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        _check_hash("proof element", p)
        if sn == 0:
            raise ProofError("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root_hash: bytes
) -> None:
    """Raise ProofError unless `proof` shows leaf hash `leaf` at `index` in tree `root_hash`."""
    _check_hash("root hash", root_hash)
    if root_from_inclusion_proof(index, size, leaf, proof) != root_hash:
        raise ProofError("inclusion proof does not lead to the root hash")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Raise ProofError unless tree (size2, root2) extends (size1, root1) (RFC 9162 2.1.4.2)."""
    if not 0 <= size1 <= size2:
        raise ProofError(f"tree size went backwards: {size1} -> {size2}")
    if size1 == size2:
        if proof:
            raise ProofError("consistency proof between equal sizes must be empty")
        if root1 != root2:
            raise ProofError(f"two different roots for tree size {size1}")
        return
    if size1 == 0:
        if proof:
            raise ProofError("consistency proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("empty consistency proof")
    _check_hash("first root", root1)
    _check_hash("second root", root2)
    for p in proof:
        _check_hash("proof element", p)
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof too short")
    if fr != root1:
        raise ProofError("consistency proof does not match the first root")
    if sr != root2:
        raise ProofError("consistency proof does not match the second root")
