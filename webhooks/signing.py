"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

The signed content is "{webhook-id}.{webhook-timestamp}.{body}"; the signature is
"v1," + base64(HMAC-SHA256(key, content)), where key is the base64-decoded part of the
"whsec_..." secret. Several signatures are space-separated (secret rotation).
"""

import base64
import hashlib
import hmac
import secrets as _secrets
import time

PREFIX = "whsec_"


class SignatureError(Exception):
    pass


def secret_generate() -> str:
    return PREFIX + base64.b64encode(_secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(*, secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """One signature per valid secret, space-separated: during rotation the new and the previous."""
    return " ".join(sign(secret=s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets)


def verify(*, secret: str, headers: dict, body: bytes, tolerance: int = 300, now: float | None = None) -> None:
    """What a receiver does (and what our tests do): raise SignatureError unless one of the
    signatures matches and the timestamp is within `tolerance` seconds (replay protection)."""
    headers = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id, timestamp = headers["webhook-id"], int(headers["webhook-timestamp"])
        received = headers["webhook-signature"].split(" ")
    except (KeyError, ValueError) as exc:
        raise SignatureError("missing or malformed webhook headers") from exc
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance")
    expected = sign(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in received):
        raise SignatureError("no matching signature")
