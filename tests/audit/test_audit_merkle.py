"""Merkle tree against the RFC 6962 reference vectors (transparency-dev/merkle)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sar_coord.audit import merkle
from sar_coord.audit.merkle import ProofError

# Reference data from the RFC 6962 test suite (transparency-dev/merkle proof/verify_test.go,
# identical to google/certificate-transparency merkle_tree_test).
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    bytes.fromhex(h)
    for h in [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]


def _h(*hexes: str) -> list[bytes]:
    return [bytes.fromhex(x) for x in hexes]


# (leaf number, 1-based as in the reference; tree size; proof)
INCLUSION = [
    (1, 1, []),
    (
        1,
        8,
        _h(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        _h(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (3, 3, _h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (
        2,
        5,
        _h(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
]

CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        _h(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        _h(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (
        2,
        5,
        _h(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        6,
        7,
        _h(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]

LEAF_HASHES = [merkle.leaf_hash(x) for x in LEAVES]


def test_hash_primitives_match_rfc_vectors() -> None:
    assert merkle.EMPTY_ROOT.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert merkle.leaf_hash(b"") == ROOTS[0]
    assert merkle.root([]) == merkle.EMPTY_ROOT
    assert merkle.node_hash(b"N123", b"N456") == hashlib.sha256(b"\x01N123N456").digest()


@pytest.mark.parametrize("size", range(1, 9))
def test_root_for_each_size(size: int) -> None:
    assert merkle.root(LEAVES[:size]) == ROOTS[size - 1]


@pytest.mark.parametrize(("leaf", "size", "proof"), INCLUSION)
def test_inclusion_vectors(leaf: int, size: int, proof: list[bytes]) -> None:
    index = leaf - 1
    assert merkle.inclusion_proof(LEAF_HASHES, index, size) == proof
    merkle.verify_inclusion(index, size, LEAF_HASHES[index], proof, ROOTS[size - 1])


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY)
def test_consistency_vectors(size1: int, size2: int, proof: list[bytes]) -> None:
    assert merkle.consistency_proof(LEAF_HASHES, size1, size2) == proof
    merkle.verify_consistency(size1, size2, proof, ROOTS[size1 - 1], ROOTS[size2 - 1])


def _inclusion_probes(
    index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes
) -> list[tuple[int, int, bytes, list[bytes], bytes]]:
    some = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")
    probes = [
        (index - 1, size, leaf, proof, root),
        (index + 1, size, leaf, proof, root),
        (index ^ 2, size, leaf, proof, root),
        (index, size * 2, leaf, proof, root),
        (index, size // 2, leaf, proof, root),
        (index, size, b"WrongLeaf", proof, root),
        (index, size, leaf, proof, merkle.EMPTY_ROOT),
        (index, size, leaf, proof, some),
        (index, size, leaf, [*proof, b""], root),
        (index, size, leaf, [*proof, root], root),
        (index, size, leaf, [b"", *proof], root),
        (index, size, leaf, [root, *proof], root),
    ]
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = bytes([wrong[i][0] ^ 8]) + wrong[i][1:]
        probes.append((index, size, leaf, wrong, root))
    if proof:
        probes.append((index, size, leaf, proof[:-1], root))
    if len(proof) > 1:
        probes.append((index, size, leaf, [proof[0], some, *proof[1:]], root))
    return probes


@pytest.mark.parametrize(("leaf", "size", "proof"), INCLUSION)
def test_corrupted_inclusion_proofs_fail(leaf: int, size: int, proof: list[bytes]) -> None:
    index = leaf - 1
    for p in _inclusion_probes(index, size, proof, ROOTS[size - 1], LEAF_HASHES[index]):
        with pytest.raises(ProofError):
            merkle.verify_inclusion(*p)


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY[1:])
def test_corrupted_consistency_proofs_fail(size1: int, size2: int, proof: list[bytes]) -> None:
    r1, r2 = ROOTS[size1 - 1], ROOTS[size2 - 1]
    probes = [
        (size1 - 1, size2, proof, r1, r2),
        (size1 + 1, size2, proof, r1, r2),
        (size1 ^ 2, size2, proof, r1, r2),
        (size1, size2 * 2, proof, r1, r2),
        (size1, size2 // 2, proof, r1, r2),
        (size1, size2, proof, b"WrongRoot", r2),
        (size1, size2, proof, r1, b"WrongRoot"),
        (size1, size2, proof, r2, r1),
        (size1, size2, [], r1, r2),
        (size1, size2, [*proof, b""], r1, r2),
        (size1, size2, [*proof, r1], r1, r2),
        (size1, size2, [*proof, r2], r1, r2),
        (size1, size2, [b"", *proof], r1, r2),
        (size1, size2, [r1, *proof], r1, r2),
        (size1, size2, [r2, *proof], r1, r2),
        (size1, size2, [proof[0], *proof], r1, r2),
        (size1, size2, proof[:-1], r1, r2),
    ]
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = bytes([wrong[i][0] ^ 16]) + wrong[i][1:]
        probes.append((size1, size2, wrong, r1, r2))
    for p in probes:
        with pytest.raises(ProofError):
            merkle.verify_consistency(*p)


def test_consistency_edge_cases() -> None:
    r = merkle.EMPTY_ROOT
    merkle.verify_consistency(0, 0, [], r, r)
    merkle.verify_consistency(0, 5, [], r, ROOTS[4])
    merkle.verify_consistency(3, 3, [], ROOTS[2], ROOTS[2])
    with pytest.raises(ProofError, match="two different roots"):
        merkle.verify_consistency(3, 3, [], ROOTS[2], ROOTS[3])
    with pytest.raises(ProofError, match="backwards"):
        merkle.verify_consistency(2, 1, [], r, r)
    with pytest.raises(ProofError):
        merkle.verify_consistency(1, 1, [r], r, r)


def test_inclusion_out_of_range() -> None:
    with pytest.raises(ProofError):
        merkle.inclusion_proof(LEAF_HASHES, 8, 8)
    with pytest.raises(ProofError):
        merkle.verify_inclusion(0, 0, LEAF_HASHES[0], [], merkle.EMPTY_ROOT)


entries_st = st.lists(st.binary(max_size=16), min_size=1, max_size=70)


@settings(max_examples=150, deadline=None)
@given(entries=entries_st, data=st.data())
def test_inclusion_round_trip(entries: list[bytes], data: st.DataObject) -> None:
    hashes = [merkle.leaf_hash(e) for e in entries]
    size = data.draw(st.integers(1, len(hashes)))
    index = data.draw(st.integers(0, size - 1))
    proof = merkle.inclusion_proof(hashes, index, size)
    root = merkle.root_from_leaf_hashes(hashes[:size])
    merkle.verify_inclusion(index, size, hashes[index], proof, root)
    other = data.draw(st.integers(0, size - 1))
    if hashes[other] != hashes[index]:
        with pytest.raises(ProofError):
            merkle.verify_inclusion(index, size, hashes[other], proof, root)


@settings(max_examples=150, deadline=None)
@given(entries=entries_st, data=st.data())
def test_consistency_round_trip(entries: list[bytes], data: st.DataObject) -> None:
    hashes = [merkle.leaf_hash(e) for e in entries]
    size2 = data.draw(st.integers(1, len(hashes)))
    size1 = data.draw(st.integers(0, size2))
    proof = merkle.consistency_proof(hashes, size1, size2)
    r1 = merkle.root_from_leaf_hashes(hashes[:size1])
    r2 = merkle.root_from_leaf_hashes(hashes[:size2])
    merkle.verify_consistency(size1, size2, proof, r1, r2)
    if 0 < size1 < size2:
        tampered = [*hashes[:size1]]
        tampered[size1 - 1] = merkle.leaf_hash(b"tampered" + entries[size1 - 1])
        with pytest.raises(ProofError):
            merkle.verify_consistency(
                size1, size2, proof, merkle.root_from_leaf_hashes(tampered), r2
            )


@settings(max_examples=60, deadline=None)
@given(entries=entries_st)
def test_compact_range_matches_recursive_definition(entries: list[bytes]) -> None:
    hashes = [merkle.leaf_hash(e) for e in entries]
    acc = merkle.CompactRange()
    for n, h in enumerate(hashes, start=1):
        acc.append(h)
        assert acc.root() == merkle._mth(hashes, 0, n)


@settings(max_examples=80, deadline=None)
@given(entries=entries_st, data=st.data())
def test_tree_levels_match_reference_definition(entries: list[bytes], data: st.DataObject) -> None:
    hashes = [merkle.leaf_hash(e) for e in entries]
    tree = merkle.MerkleTree(hashes)
    size = data.draw(st.integers(1, len(hashes)))
    lo = data.draw(st.integers(0, size - 1))
    hi = data.draw(st.integers(lo + 1, size))
    assert tree.subtree(lo, hi) == merkle._mth(hashes, lo, hi)
    assert tree.root(size) == merkle._mth(hashes, 0, size)
    index = data.draw(st.integers(0, size - 1))
    proof = tree.inclusion_proof(index, size)
    merkle.verify_inclusion(index, size, hashes[index], proof, tree.root(size))


@settings(max_examples=60, deadline=None)
@given(entries=entries_st, data=st.data())
def test_compact_range_resumes_from_state(entries: list[bytes], data: st.DataObject) -> None:
    hashes = [merkle.leaf_hash(e) for e in entries]
    cut = data.draw(st.integers(0, len(hashes)))
    acc = merkle.CompactRange()
    for h in hashes[:cut]:
        acc.append(h)
    resumed = merkle.CompactRange.from_state(cut, acc.state())
    for h in hashes[cut:]:
        resumed.append(h)
    assert resumed.root() == merkle.root_from_leaf_hashes(hashes)
    with pytest.raises(ProofError):
        merkle.CompactRange.from_state(cut, acc.state() + bytes(32))
