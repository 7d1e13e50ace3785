"""API tokens: one per user (DRF's TokenAuthentication), created and revoked by the user: a rights
holder (the reporting API) or the marketplace's service account (listings and webhooks)."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from audit.services import audit_append

from .permissions import require_api_user


def api_token_create(*, user) -> Token:
    """Replace the user's token with a new one (the old one stops working at once)."""
    require_api_user(user)
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_append(actor=user, action="api_token.created", target=user, data={"prefix": token.key[:6]})
    return token


def api_token_revoke(*, user) -> bool:
    with transaction.atomic():
        deleted, _ = Token.objects.filter(user=user).delete()
        if deleted:
            audit_append(actor=user, action="api_token.revoked", target=user)
    return bool(deleted)
