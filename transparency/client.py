"""HTTP calls to the DSA Transparency Database: POST a batch, GET a puid. http.client, as
webhooks/client.py, with one timeout for connecting and reading; no redirect is followed. The URL
and token are the operator's settings, never a user's input."""

import http.client
import json
import ssl
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

MAX_RESPONSE_BYTES = 4 * 1024 * 1024  # a 201 echoes up to 100 statements


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (timeout, refused, TLS error)
    body: dict | None
    error: str


def _call(method: str, url: str, *, token: str, timeout: float, body: bytes | None = None) -> Answer:
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout,
                                           context=ssl.create_default_context())
    elif parts.scheme == "http":
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    else:
        return Answer(None, None, f"Unsupported URL scheme {parts.scheme!r}")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": "IP-Portal-SoR/1"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read(MAX_RESPONSE_BYTES)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        text = raw[:500].decode("utf-8", "replace")
        error = "" if 200 <= response.status < 400 else f"HTTP {response.status}: {text}"
        return Answer(response.status, parsed if isinstance(parsed, dict) else None, error)
    except TimeoutError:
        return Answer(None, None, "Timed out")
    except (OSError, http.client.HTTPException) as exc:
        return Answer(None, None, f"{type(exc).__name__}: {exc}"[:500])
    finally:
        conn.close()


def post_statements(base_url: str, *, token: str, timeout: float, statements: list[dict]) -> Answer:
    """POST {base}/api/v1/statements with {"statements": [...]} (1 to 100)."""
    body = json.dumps({"statements": statements}).encode()
    return _call("POST", base_url.rstrip("/") + "/api/v1/statements", token=token, timeout=timeout, body=body)


def existing_puid(base_url: str, *, token: str, timeout: float, puid: str) -> Answer:
    """GET {base}/api/v1/statement/existing-puid/{puid}: 302 when the database has it, 404 when not."""
    return _call("GET", base_url.rstrip("/") + "/api/v1/statement/existing-puid/" + quote(puid, safe=""),
                 token=token, timeout=timeout)
