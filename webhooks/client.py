"""The one outgoing HTTP call: POST a signed body with a connect and a read timeout.

http.client rather than urllib so the two timeouts differ (urllib has a single socket timeout),
and rather than adding `requests` for one call. Redirects are not followed: a receiver must
answer at the URL it registered."""

import http.client
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_RESPONSE_BYTES = 2048  # only kept for the delivery log


@dataclass(frozen=True)
class PostResult:
    status: int | None  # None when no response arrived (timeout, refused, TLS error)
    error: str


def post(*, url: str, headers: dict[str, str], body: bytes, connect_timeout: float, read_timeout: float) -> PostResult:
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=connect_timeout,
                                           context=ssl.create_default_context())
    elif parts.scheme == "http":
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=connect_timeout)
    else:
        return PostResult(None, f"Unsupported URL scheme {parts.scheme!r}")
    try:
        conn.connect()
        conn.sock.settimeout(read_timeout)  # from here on: sending, and waiting for the answer
        conn.request("POST", path, body=body, headers={
            "Content-Type": "application/json", "User-Agent": "IP-Portal-Webhooks/1", **headers,
        })
        response = conn.getresponse()
        text = response.read(MAX_RESPONSE_BYTES).decode("utf-8", "replace")
        if 200 <= response.status < 300:
            return PostResult(response.status, "")
        return PostResult(response.status, f"HTTP {response.status} {response.reason}: {text[:500]}".strip())
    except TimeoutError:
        return PostResult(None, "Timed out (connect or read)")
    except (OSError, http.client.HTTPException) as exc:
        return PostResult(None, f"{type(exc).__name__}: {exc}"[:500])
    finally:
        conn.close()
