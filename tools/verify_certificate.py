#!/usr/bin/env python3
"""Verify an IP Portal copyright certificate without trusting the portal.

Checks (RFC 9162 hashing, RFC 8785 canonical JSON, Ed25519):
  1. the receipt's tree head is signed by the log's key;
  2. the certificate's entry is included in that tree (the receipt's inclusion proof);
  3. that tree is a prefix of the log's current tree (a consistency proof to the latest head,
     whose signature is checked too) — the portal cannot have rewritten history since;
  4. optionally, that a file is the certified work (its SHA-256).

  python tools/verify_certificate.py --portal https://portal.example IPC-XXXXXXXXXXXX [--file work.png]
  python tools/verify_certificate.py --public-key KEY cert.json --sth sth.json --consistency proof.json

Pin the key (--public-key, base64) from a source you trust; fetched from the portal it only
proves the portal is self-consistent. Needs only Python 3.10+ and `cryptography`.
"""

import argparse
import base64
import hashlib
import json
import sys
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def canonical(v) -> bytes:  # RFC 8785 for strings, integers, booleans, null, arrays, objects
    def enc(v):
        if isinstance(v, dict):
            keys = sorted(v, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
            return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + enc(v[k]) for k in keys) + "}"
        if isinstance(v, list):
            return "[" + ",".join(enc(x) for x in v) + "]"
        if isinstance(v, float):
            raise ValueError("floats do not occur in certificates")
        return json.dumps(v, ensure_ascii=False)
    return enc(v).encode("utf-8")


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def inclusion_ok(index: int, size: int, leaf: bytes, proof: list, root: bytes) -> bool:  # RFC 9162 §2.1.3.2
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def consistency_ok(first: int, second: int, r1: bytes, r2: bytes, proof: list) -> bool:  # RFC 9162 §2.1.4.2
    if first == second:
        return not proof and r1 == r2
    if not 0 < first < second or not proof:
        return False
    if first & (first - 1) == 0:
        proof = [r1] + proof
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == r1 and sr == r2


def sth_ok(key: Ed25519PublicKey, sth: dict) -> bool:
    body = {k: sth[k] for k in ("tree_size", "root_hash", "timestamp")}
    try:
        key.verify(base64.b64decode(sth["signature"]), canonical(body))
        return True
    except (InvalidSignature, ValueError, KeyError):
        return False


def fetch(portal: str, path: str) -> dict:
    with urllib.request.urlopen(portal.rstrip("/") + path, timeout=30) as response:
        return json.load(response)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("certificate", help="a certificate id (with --portal) or a JSON file")
    ap.add_argument("--portal", help="the portal's base URL")
    ap.add_argument("--public-key", help="the log's Ed25519 public key, base64 (pin it)")
    ap.add_argument("--sth", help="JSON file: a later signed tree head (offline)")
    ap.add_argument("--consistency", help="JSON file: {hashes} from the receipt's size to --sth's (offline)")
    ap.add_argument("--file", help="the work: check its SHA-256 against the certificate")
    a = ap.parse_args(argv)
    if a.certificate.endswith(".json"):
        with open(a.certificate) as fh:
            cert = json.load(fh)
        cert = cert.get("certificate", cert)
    elif a.portal:
        cert = fetch(a.portal, f"/api/v1/certificates/{a.certificate}/")
    else:
        ap.error("give --portal, or a certificate JSON file")
    if not a.public_key and not a.portal:
        ap.error("give --public-key (or --portal to fetch it, trusting the portal for it)")
    key_b64 = a.public_key or fetch(a.portal, "/api/v1/log/key/")["public_key"]
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_b64))
    b = base64.b64decode
    entry, receipt, checks = cert["entry"], cert["receipt"], []
    checks.append(("entry names this certificate", entry["certificate_id"] == cert["id"]))
    checks.append(("receipt tree head signed by the log key", sth_ok(key, receipt)))
    leaf = hashlib.sha256(b"\x00" + canonical(entry)).digest()
    checks.append((f"entry included at index {cert['leaf_index']} of tree size {receipt['tree_size']}",
                   inclusion_ok(cert["leaf_index"], receipt["tree_size"], leaf, [b(h) for h in receipt["hashes"]],
                                b(receipt["root_hash"]))))
    latest = None
    if a.sth:
        with open(a.sth) as fh:
            latest = json.load(fh)
    elif a.portal:
        latest = fetch(a.portal, "/api/v1/log/sth/")
    if latest is not None:
        checks.append((f"latest tree head (size {latest['tree_size']}) signed by the log key", sth_ok(key, latest)))
        if a.consistency:
            with open(a.consistency) as fh:
                proof = json.load(fh)["hashes"]
        elif a.portal:
            proof = fetch(a.portal, f"/api/v1/log/consistency/?first={receipt['tree_size']}"
                                    f"&second={latest['tree_size']}")["hashes"]
        else:
            proof = None
        if proof is not None:
            checks.append((f"tree {receipt['tree_size']} is a prefix of tree {latest['tree_size']} (consistency)",
                           consistency_ok(receipt["tree_size"], latest["tree_size"], b(receipt["root_hash"]),
                                          b(latest["root_hash"]), [b(h) for h in proof])))
    if a.file:
        with open(a.file, "rb") as fh:
            checks.append(("the file is the certified work (SHA-256)",
                           hashlib.sha256(fh.read()).hexdigest() == entry["work_sha256"]))
    for what, ok in checks:
        print(f"{'OK  ' if ok else 'FAIL'} {what}")
    print(f"{cert['id']}: “{entry['title']}”, {entry['owner']}, registered {entry['registered_at']}")
    if not a.public_key:
        print("note: the key was fetched from the portal; pin it with --public-key to trust no one")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
