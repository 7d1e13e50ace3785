"""Keyed signatures for the audit log, with a key the database does not hold.

The chain's SHA-256 hashes are unkeyed: anyone who can write the table can rewrite a tail and
recompute every hash after it. So:

- each entry carries `mac`, an HMAC-SHA256 of all its fields (actor included), computed when it
  is written: an entry inserted straight into the table has none, and an edited one (its actor
  too) no longer matches;
- the chain's head (count and newest hash) is signed by the linker: a truncated or forged tail
  no longer matches a head only the key holder can sign;
- the signed head is also published outside the database (AUDIT_CHECKPOINT_FILE), so putting
  back an older signed head along with a truncated chain is caught too.

HMAC rather than Ed25519: `cryptography` is not a dependency, and the verifier is the portal
itself (it holds the key), so a public-key signature would add a package and nothing else.

The key: AUDIT_SIGNING_KEY (production: from the environment or a secret store, never in the
database or its backups); when unset (embedded and development), a random key generated once in
AUDIT_SIGNING_KEY_FILE under var/.
"""

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings

PUBLISHED_CHAINS = 20  # chains (databases) remembered in the checkpoint file, newest first


@lru_cache(maxsize=8)
def _key(configured: str, path: str) -> bytes:
    if configured:
        return configured.encode()
    key_file = Path(path)
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return key_file.read_text().strip().encode()


def signing_key() -> bytes:
    return _key(settings.AUDIT_SIGNING_KEY, str(settings.AUDIT_SIGNING_KEY_FILE))


# What json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str) writes, with one
# encoder for every call (json.dumps builds one per call, a good part of signing a bulk path's entry).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def _sign(payload: list, key: bytes | None = None) -> str:
    return hmac.digest(key or signing_key(), _CANONICAL.encode(payload).encode(), hashlib.sha256).hex()


def entry_mac(*, created_at, actor_id, actor_repr: str, action: str, target_type: str, target_id: int,
              target_repr: str, data) -> str:
    """The entry's HMAC over every field it is written with. `data` as stored (decoded JSON)."""
    return entry_macs(created_at=created_at, actor_id=actor_id, actor_repr=actor_repr,
                      entries=[(action, target_type, target_id, target_repr, data)])[0]


def entry_macs(*, created_at, actor_id, actor_repr: str, entries: list[tuple]) -> list[str]:
    """entry_mac of each of many entries written at one time by one actor ((action, target_type,
    target_id, target_repr, data) each): the key and the time read and formatted once."""
    key, stamp = signing_key(), created_at.isoformat()
    return [_sign(["entry", stamp, actor_id, actor_repr, action, target_type, int(target_id), target_repr, data], key)
            for action, target_type, target_id, target_repr, data in entries]


def head_signature(*, count: int, last_hash: str) -> str:
    return _sign(["head", int(count), last_hash])


def valid(expected: str, given: str) -> bool:
    return bool(given) and hmac.compare_digest(expected, given)


# --- the checkpoint published outside the database --------------------------------------------


def _checkpoint_file() -> Path | None:
    path = settings.AUDIT_CHECKPOINT_FILE
    return Path(path) if path else None


def checkpoints_read() -> dict:
    path = _checkpoint_file()
    if path is None or not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def checkpoint_publish(*, chain: str, count: int, last_hash: str) -> None:
    """Record (count, newest hash) of the chain whose first entry's hash is `chain`, if newer than
    what the file holds. Written atomically; a failure to write never fails the linking."""
    path = _checkpoint_file()
    if path is None:
        return
    try:
        known = checkpoints_read()
        if known.get(chain, {}).get("count", -1) >= count:
            return
        known[chain] = {"count": count, "last_hash": last_hash,
                        "signature": head_signature(count=count, last_hash=last_hash)}
        newest = dict(sorted(known.items(), key=lambda item: -item[1].get("count", 0))[:PUBLISHED_CHAINS])
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".audit-checkpoint-")
        with os.fdopen(fd, "w") as out:
            json.dump(newest, out)
        os.replace(tmp, path)
    except OSError:
        pass
