"""Checking the whole log against what it signed: manage.py log_verify.

Rebuilds the tree from the certificates' stored entries (never from the stored nodes), checks
every tree head ever issued (its signature and its root at its size), every certificate's row
against its entry, and the stored nodes against the rebuilt ones. Each problem names the
certificate or tree head concerned.
"""

import base64
import json
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import fingerprints as fp
from . import merkle
from .canonical import canonical_json
from .log import sth_payload
from .models import Certificate, LogNode, TreeHead


@dataclass
class Report:
    entries: int = 0
    heads: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _row_entry(cert: Certificate) -> dict:
    from .services import ENTRY_VERSION, rfc3339

    return {
        "v": ENTRY_VERSION, "certificate_id": cert.public_id, "work_sha256": cert.sha256,
        "perceptual_hash": f"{cert.fingerprint_kind}:{fp.to_unsigned(cert.fingerprint):016x}",
        "work_type": cert.work_type, "title": cert.title, "owner": cert.owner_name,
        "registered_at": rfc3339(cert.registered_at),
    }


class _Compact:
    """The rebuilt tree as its right-edge perfect subtrees: O(log n) memory, root at any size."""

    def __init__(self):
        self.stack: list[tuple[int, bytes]] = []  # (level, hash), levels strictly decreasing
        self.size = 0

    def push(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        made = [(0, self.size, leaf)]
        level, acc = 0, leaf
        while self.stack and self.stack[-1][0] == level:
            _, left = self.stack.pop()
            acc = merkle.node_hash(left, acc)
            level += 1
            made.append((level, self.size >> level, acc))
        self.stack.append((level, acc))
        self.size += 1
        return made

    def root(self) -> bytes:
        if not self.stack:
            return merkle.EMPTY_ROOT
        acc = self.stack[-1][1]
        for _, h in reversed(self.stack[:-1]):
            acc = merkle.node_hash(h, acc)
        return acc


def log_verify(*, chunk: int = 5000) -> Report:
    report = Report()
    heads = list(TreeHead.objects.select_related("key").order_by("tree_size"))
    stored = {(lv, ix): bytes(h) for lv, ix, h in LogNode.objects.values_list("level", "index", "hash").iterator()}
    tree = _Compact()
    head_i = 0
    expected = 0
    certs = Certificate.objects.order_by("leaf_index").only(
        "public_id", "leaf_index", "entry", "sha256", "fingerprint_kind", "fingerprint", "work_type", "title",
        "owner_name", "registered_at")
    for cert in certs.iterator(chunk_size=chunk):
        if cert.leaf_index != expected:
            if cert.leaf_index > expected:
                report.problems.append(f"entries {expected}–{cert.leaf_index - 1} are missing from the database "
                                       f"(removed); the next is {cert.public_id} at {cert.leaf_index}")
            else:
                report.problems.append(f"certificate {cert.public_id} repeats leaf index {cert.leaf_index}")
                continue
            break
        try:
            entry = json.loads(cert.entry)
        except ValueError:
            entry = None
        if entry is None or canonical_json(entry) != cert.entry.encode("utf-8"):
            report.problems.append(f"certificate {cert.public_id} (leaf {cert.leaf_index}): its entry is not "
                                   "canonical JSON (changed)")
        elif entry != _row_entry(cert):
            diff = sorted(k for k, v in _row_entry(cert).items() if entry.get(k) != v)
            report.problems.append(f"certificate {cert.public_id} (leaf {cert.leaf_index}): its row differs from "
                                   f"its logged entry in {', '.join(diff)} (changed)")
        elif entry.get("certificate_id") != cert.public_id:
            report.problems.append(f"certificate {cert.public_id} (leaf {cert.leaf_index}): entry names "
                                   f"{entry.get('certificate_id')}")
        for level, index, h in tree.push(merkle.leaf_hash(cert.entry.encode("utf-8"))):
            if stored.get((level, index)) != h:
                if level == 0:
                    report.problems.append(f"certificate {cert.public_id} (leaf {cert.leaf_index}): the stored "
                                           "leaf hash differs from its entry (changed, or entries reordered)")
                stored[(level, index)] = h  # name each leaf once; proofs are served from these rows
        expected += 1
        report.entries += 1
        while head_i < len(heads) and heads[head_i].tree_size == tree.size:
            _check_head(heads[head_i], tree.root(), report, culprit=cert)
            head_i += 1
    for head in heads[head_i:]:
        report.problems.append(f"tree head of size {head.tree_size} is beyond the {tree.size} entries in the "
                               "database (entries removed)")
    report.heads = len(heads)
    return report


def _check_head(head: TreeHead, root: bytes, report: Report, *, culprit: Certificate) -> None:
    payload = sth_payload(tree_size=head.tree_size, root_hash=bytes(head.root_hash), timestamp=head.timestamp)
    try:
        Ed25519PublicKey.from_public_bytes(bytes(head.key.public_key)).verify(bytes(head.signature), payload)
    except InvalidSignature:
        report.problems.append(f"tree head of size {head.tree_size}: bad signature (the head was changed)")
        return
    if root != bytes(head.root_hash):
        report.problems.append(
            f"tree head of size {head.tree_size} (signed root {base64.b64encode(bytes(head.root_hash)).decode()}) "
            f"does not match the entries: an entry up to leaf {culprit.leaf_index} ({culprit.public_id}) was "
            "changed, removed or reordered")


@dataclass(frozen=True)
class CertificateState:
    ok: bool
    message: str
    tree_size: int | None = None


def certificate_check(cert: Certificate) -> CertificateState:
    """Check one certificate as a verifier would, against what the portal serves now: its receipt's
    signature, its entry's inclusion in the receipt's tree, and that tree's consistency with the
    latest signed head. O(log n) reads; shown on the reviewer's case page."""
    from .log import consistency_proof, inclusion_proof, sth_latest
    from .presenters import receipt_head

    head, latest = receipt_head(cert), sth_latest()
    if head is None or latest is None:
        return CertificateState(False, "no signed tree head includes it yet")
    for h in (head, latest):
        payload = sth_payload(tree_size=h.tree_size, root_hash=bytes(h.root_hash), timestamp=h.timestamp)
        try:
            Ed25519PublicKey.from_public_bytes(bytes(h.key.public_key)).verify(bytes(h.signature), payload)
        except InvalidSignature:
            return CertificateState(False, f"the tree head of size {h.tree_size} has a bad signature")
    if _row_entry(cert) != json.loads(cert.entry):
        return CertificateState(False, "the certificate's row differs from its logged entry")
    leaf = merkle.leaf_hash(cert.entry.encode("utf-8"))
    if not merkle.verify_inclusion(leaf_index=cert.leaf_index, tree_size=head.tree_size, leaf=leaf,
                                   proof=inclusion_proof(leaf_index=cert.leaf_index, size=head.tree_size),
                                   root=bytes(head.root_hash)):
        return CertificateState(False, "its entry is not in the tree its receipt names")
    if not merkle.verify_consistency(first=head.tree_size, second=latest.tree_size, first_root=bytes(head.root_hash),
                                     second_root=bytes(latest.root_hash),
                                     proof=consistency_proof(first=head.tree_size, second=latest.tree_size)):
        return CertificateState(False, "the log was rewritten since its receipt")
    return CertificateState(True, f"receipt and log consistent up to {latest.tree_size} entries", latest.tree_size)
