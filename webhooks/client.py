"""The one outgoing webhook call: POST a signed body through common.outbound, which refuses
addresses inside (loopback, private, link-local, …), connects to the address it vetted, follows
no redirects and keeps a short sanitized error, never the answer's body.

Plain http only with WEBHOOK_ALLOW_HTTP, a receiver on loopback only with
OUTBOUND_ALLOW_LOOPBACK: both for development."""

from django.conf import settings

from common import outbound

PostResult = outbound.Answer


def url_refusal(url: str) -> str | None:
    """Why an endpoint URL may not be saved (None: it may), under this deployment's settings."""
    return outbound.url_refusal(url, allow_http=settings.WEBHOOK_ALLOW_HTTP,
                                allow_loopback=settings.OUTBOUND_ALLOW_LOOPBACK)


def post(*, url: str, headers: dict[str, str], body: bytes, connect_timeout: float, read_timeout: float) -> PostResult:
    return outbound.post(url=url, headers=headers, body=body, connect_timeout=connect_timeout,
                         read_timeout=read_timeout, allow_http=settings.WEBHOOK_ALLOW_HTTP,
                         allow_loopback=settings.OUTBOUND_ALLOW_LOOPBACK)
