"""The package manifest's Ed25519 signature, with the certificate log's key (certificates.logkey:
CERTIFICATES_LOG_KEY, or the embedded key file), so a recipient pins one public key for both.

What is signed is not the manifest's bytes but `ipportal-evidence-package-v1:<SHA-256 hex of
manifest.json>`: the prefix keeps a package signature from ever being taken for a tree head
signed by the same key (those are RFC 8785 JSON, never starting with this text), and signing the
digest lets the manifest of a 100,000-listing package be hashed as a stream."""

import base64

from certificates.logkey import public_key_raw, signing_key

CONTEXT = "ipportal-evidence-package-v1"
ALGORITHM = "Ed25519"


def signed_message(manifest_sha256: str) -> bytes:
    return f"{CONTEXT}:{manifest_sha256}".encode()


def manifest_sign(manifest_sha256: str) -> dict:
    """The content of manifest.sig.json for a manifest with this digest."""
    signature = signing_key().sign(signed_message(manifest_sha256))
    return {"algorithm": ALGORITHM, "context": CONTEXT, "manifest_sha256": manifest_sha256,
            "public_key": public_key_b64(), "signature": base64.b64encode(signature).decode()}


def public_key_b64() -> str:
    return base64.b64encode(public_key_raw()).decode()
