"""API tokens: one live token per user, created and revoked by the user: a rights holder (the
reporting API) or the marketplace's service account (listings and webhooks).

Only the key's SHA-256 is stored (a database reader cannot call the API), the key is shown once,
and a token expires after API_TOKEN_DAYS. Keys are 40 random hex characters, as DRF's were, so a
SHA-256 without salt is enough: there is nothing to guess from a dictionary.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_append

from .models import ApiToken
from .permissions import require_api_user


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # the only time the key exists outside the caller's hands


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user) -> IssuedToken:
    """Revoke the user's live token and issue a new one (the old one stops working at once)."""
    require_api_user(user)
    key = secrets.token_hex(20)
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        token = ApiToken.objects.create(user=user, prefix=key[:6], key_hash=token_hash(key),
                                        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS))
        audit_append(actor=user, action="api_token.created", target=user,
                     data={"prefix": token.prefix, "expires_at": token.expires_at.isoformat()})
    return IssuedToken(token=token, key=key)


def api_token_revoke(*, user, actor=None) -> bool:
    """Revoke the user's live token (by the user, or an administrator as `actor`)."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if revoked:
            audit_append(actor=actor or user, action="api_token.revoked", target=user)
    return bool(revoked)


def api_token_current(*, user) -> ApiToken | None:
    """The user's live token (possibly expired: the page says so)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).first()


def api_token_authenticate(key: str) -> ApiToken | None:
    """The live, unexpired token with this key, or None. Marks its use at most once a minute."""
    if not key or len(key) > 128:
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=token_hash(key), revoked_at__isnull=True).first())
    now = timezone.now()
    if token is None or token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
