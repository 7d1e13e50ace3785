"""The log's tree against an independent implementation: RFC 9162 §2.1's recursive definitions
(MTH, PATH, PROOF/SUBPROOF) written here from the RFC over plain lists, and the root hashes
published with Certificate Transparency's reference test data."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates import merkle

# --- RFC 9162 §2.1.1–2.1.4, transcribed -----------------------------------------------------


def H(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def k_of(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def MTH(D: list[bytes]) -> bytes:
    n = len(D)
    if n == 0:
        return H(b"")
    if n == 1:
        return H(b"\x00" + D[0])
    k = k_of(n)
    return H(b"\x01" + MTH(D[:k]) + MTH(D[k:]))


def PATH(m: int, D: list[bytes]) -> list[bytes]:
    n = len(D)
    if n == 1:
        return []
    k = k_of(n)
    if m < k:
        return PATH(m, D[:k]) + [MTH(D[k:])]
    return PATH(m - k, D[k:]) + [MTH(D[:k])]


def SUBPROOF(m: int, D: list[bytes], b: bool) -> list[bytes]:
    n = len(D)
    if m == n:
        return [] if b else [MTH(D)]
    k = k_of(n)
    if m <= k:
        return SUBPROOF(m, D[:k], b) + [MTH(D[k:])]
    return SUBPROOF(m - k, D[k:], False) + [MTH(D[:k])]


def PROOF(m: int, D: list[bytes]) -> list[bytes]:
    return SUBPROOF(m, D, True)


# --- the implementation under test, over an in-memory node store ------------------------------


def build(leaves: list[bytes]) -> dict:
    nodes: dict = {}
    for i, data in enumerate(leaves):
        for level, index, h in merkle.append_nodes(i, merkle.leaf_hash(data), lambda lv, ix: nodes[(lv, ix)]):
            nodes[(level, index)] = h
    return nodes


def get(nodes):
    return lambda level, index: nodes[(level, index)]


def root(nodes, n):
    return merkle.range_hash(0, n, get(nodes))


def inclusion(nodes, m, n):
    return [merkle.range_hash(lo, hi, get(nodes)) for lo, hi in merkle.inclusion_ranges(m, n)]


def consistency(nodes, m, n):
    return [merkle.range_hash(lo, hi, get(nodes)) for lo, hi in merkle.consistency_ranges(m, n)]


# Certificate Transparency's reference leaves and roots (certificate-transparency-go, merkle tests).
CT_LEAVES = [bytes.fromhex(h) for h in [
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_roots_match_certificate_transparencys_reference_data():
    nodes = build(CT_LEAVES)
    assert [root(nodes, n).hex() for n in range(1, 9)] == CT_ROOTS
    assert [MTH(CT_LEAVES[:n]).hex() for n in range(1, 9)] == CT_ROOTS  # and the transcription agrees


def test_the_empty_tree_is_the_hash_of_nothing():
    assert root({}, 0) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("n", list(range(1, 34)) + [64, 65, 100])
def test_roots_and_every_inclusion_proof_match_the_rfc(n):
    leaves = [i.to_bytes(4, "big") for i in range(n)]
    nodes = build(leaves)
    assert root(nodes, n) == MTH(leaves)
    for m in range(n):
        proof = inclusion(nodes, m, n)
        assert proof == PATH(m, leaves)
        assert merkle.verify_inclusion(leaf_index=m, tree_size=n, leaf=merkle.leaf_hash(leaves[m]), proof=proof,
                                       root=MTH(leaves))


@pytest.mark.parametrize("n", list(range(1, 34)) + [64, 65])
def test_every_consistency_proof_matches_the_rfc(n):
    leaves = [i.to_bytes(4, "big") for i in range(n)]
    nodes = build(leaves)
    for m in range(1, n + 1):
        proof = consistency(nodes, m, n)
        assert proof == (PROOF(m, leaves) if m < n else [])
        assert merkle.verify_consistency(first=m, second=n, first_root=MTH(leaves[:m]), second_root=MTH(leaves),
                                         proof=proof)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 300), data=st.data())
def test_a_changed_proof_or_root_fails_verification(n, data):
    leaves = [i.to_bytes(4, "big") for i in range(n)]
    nodes = build(leaves)
    m = data.draw(st.integers(0, n - 1))
    proof = inclusion(nodes, m, n)
    good = dict(leaf_index=m, tree_size=n, leaf=merkle.leaf_hash(leaves[m]), proof=proof, root=MTH(leaves))
    assert merkle.verify_inclusion(**good)
    assert not merkle.verify_inclusion(**{**good, "leaf_index": (m + 1) % n})
    assert not merkle.verify_inclusion(**{**good, "root": MTH(leaves[:-1])})
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        assert not merkle.verify_inclusion(**{**good, "proof": proof[:i] + [H(proof[i])] + proof[i + 1:]})
    first = data.draw(st.integers(1, n - 1))
    c = consistency(nodes, first, n)
    assert merkle.verify_consistency(first=first, second=n, first_root=MTH(leaves[:first]), second_root=MTH(leaves),
                                     proof=c)
    forged = [*leaves[:first - 1], b"forged"]
    assert not merkle.verify_consistency(first=first, second=n, first_root=MTH(forged), second_root=MTH(leaves),
                                         proof=c)


def test_a_proof_reads_log_n_nodes():
    n = 1_000_000
    for m in (0, 1, 524_287, 999_999):
        assert len(merkle.nodes_needed(merkle.inclusion_ranges(m, n))) <= 2 * n.bit_length()
    assert len(merkle.nodes_needed(merkle.consistency_ranges(333_333, n))) <= 2 * n.bit_length()


def test_proof_sizes_out_of_range_are_refused():
    with pytest.raises(ValueError):
        merkle.inclusion_ranges(5, 5)
    with pytest.raises(ValueError):
        merkle.consistency_ranges(0, 5)
    with pytest.raises(ValueError):
        merkle.consistency_ranges(6, 5)
