"""The one outgoing webhook call: POST a signed body through common.outbound, which refuses
addresses inside (loopback, private, link-local, …), connects to the address it vetted, follows
no redirects and keeps a short sanitized error, never the answer's body.

Plain http only with WEBHOOK_ALLOW_HTTP, a receiver on loopback only with
OUTBOUND_ALLOW_LOOPBACK: both for development."""

from django.conf import settings
from django.core.exceptions import ValidationError

from common import outbound

PostResult = outbound.Answer


def url_refusal(url: str) -> str | None:
    """Why an endpoint URL may not be saved (None: it may), under this deployment's settings."""
    return outbound.url_refusal(url, allow_http=settings.WEBHOOK_ALLOW_HTTP,
                                allow_loopback=settings.OUTBOUND_ALLOW_LOOPBACK)


def validate_receiver_url(value: str) -> None:
    """The model field's validator: any ModelForm (the admin, should it ever edit the URL) refuses
    what the services refuse."""
    refusal = url_refusal(value)
    if refusal:
        raise ValidationError(f"Receiver URL: {refusal}", code="receiver_url")


def post(*, url: str, headers: dict[str, str], body: bytes, connect_timeout: float, read_timeout: float) -> PostResult:
    return outbound.post(url=url, headers=headers, body=body, connect_timeout=connect_timeout,
                         read_timeout=read_timeout, allow_http=settings.WEBHOOK_ALLOW_HTTP,
                         allow_loopback=settings.OUTBOUND_ALLOW_LOOPBACK)
