"""The log's Ed25519 key: CERTIFICATES_LOG_KEY (base64 of the 32-byte private key) from the
environment; in embedded mode with none set, one generated on first use and kept in
CERTIFICATES_LOG_KEY_FILE (var/certificates/log_key). See docs/certificates.md for rotation."""

import base64
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def raw_private(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def _decode(value: str, where: str) -> Ed25519PrivateKey:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
        return Ed25519PrivateKey.from_private_bytes(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{where} must be the base64 of a 32-byte Ed25519 private key "
                                   "(manage.py log_keygen prints one).") from None


def _from_file(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(base64.b64encode(raw_private(Ed25519PrivateKey.generate())).decode() + "\n")
    return _decode(path.read_text(), str(path))


@cache
def _key_for(configured: str, path: str, embedded: bool) -> Ed25519PrivateKey:
    if configured:
        return _decode(configured, "CERTIFICATES_LOG_KEY")
    if not embedded:
        raise ImproperlyConfigured("Set CERTIFICATES_LOG_KEY: with DATABASE_URL set, many processes sign tree "
                                   "heads and must share one key (manage.py log_keygen prints one).")
    return _from_file(Path(path))


def signing_key() -> Ed25519PrivateKey:
    return _key_for(settings.CERTIFICATES_LOG_KEY, str(settings.CERTIFICATES_LOG_KEY_FILE),
                    settings.CERTIFICATES_EMBEDDED_KEY)


def public_key_raw() -> bytes:
    return raw_public(signing_key().public_key())
